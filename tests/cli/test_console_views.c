// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_console_views.c - the console's views of the machine (show
 * queues, ring, requests, tasks, locks, inodes, sysfs, trace) and its ring
 * pictures, checked against what the scenario must have done and against
 * each other (the device's lookup counts are what the guest owes).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/cli/console_test_util.h"
#include "tests/cli/scenario_test_util.h"

static struct vt_con c;
static char tmpdir[64], views[128];

static const char views_vfs[] = "device latency=100us\n"
				"fs\n  dir /d\n  file /d/f \"hello\"\nend\n"
				"task t\n"
				"  mount\n"
				"  open /d/f as h rw\n"
				"  setlk h w 0 10\n"
				"  getattr /d/f\n"
				"  sleep 1ms\n"
				"  release h\n"
				"  umount\n"
				"end\n"
				"task u\n  sleep 50us\n  lookup /d/f\nend\n"
				"run\n";

static int setup(void)
{
	strcpy(tmpdir, "/tmp/vfsim-console-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(views, sizeof(views), "%s/views.vfs", tmpdir);
	return vt_write_text(views, views_vfs);
}

static int cleanup(void)
{
	char cmd[128];

	vt_con_free(&c);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The output of the command @cmd (up to the next command). */
static char *output_of(const char *cmd)
{
	char marker[128];
	const char *p;
	char *o, *end;

	snprintf(marker, sizeof(marker), "(vfsim) %s\n", cmd);
	p = strstr(c.out, marker);
	if (!p)
		return strdup("");
	o = strdup(p + strlen(marker));
	end = strstr(o, "(vfsim) ");
	if (end)
		*end = '\0';
	return o;
}

static void test_requests_and_ring_in_flight(void)
{
	char *req, *ring;

	vt_console(&c,
		   "break dev.pop\ncontinue\nshow requests\n"
		   "show ring requests.0\nshow queues\n",
		   views, NULL);
	CU_ASSERT_EQUAL(c.rc, 0);
	req = output_of("show requests");
	ring = output_of("show ring requests.0");
	/* The first request the device takes is INIT, in the background. */
	CU_ASSERT_PTR_NOT_NULL(strstr(req, "  requests.0  unique=2 op=INIT "
					   "nodeid=0 flags=ISREPLY,BACKGROUND,"
					   "WAITING,SENT,ASYNC (sent)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(req, "  requests.0  device holds 1 "
					   "chain: heads 0\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(ring, "ring requests.0: size 128, "));
	CU_ASSERT_PTR_NOT_NULL(strstr(ring, "  driver: avail_idx=1 "
					    "last_used=0 num_free=124 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(ring, "  device: last_avail=1 "
					    "next_used=0 started enabled, "
					    "holds 1 chain: heads 0\n"));
	/* INIT: header and argument out, header and reply in. */
	CU_ASSERT_PTR_NOT_NULL(strstr(ring, "  chains in flight:\n"
					    "    head 0:\n"
					    "      [0] addr="));
	CU_ASSERT_EQUAL(vt_count_lines(ring, "flags=N next="), 2);
	CU_ASSERT_EQUAL(vt_count_lines(ring, "flags=NW next=3"), 1);
	CU_ASSERT_EQUAL(vt_count_lines(ring, "flags=W"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(ring, "  avail ring: flags=0x0 idx=1, 0 "
					    "pending (* = not popped by the "
					    "device yet):\n    [0] head=0\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(ring, "  used ring: flags=0x0 idx=0, 0 "
					    "pending"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "requests.0  size=128 "
					     "num_free=124 avail_idx=1 "
					     "used_idx=0 last_used=0 "
					     "in_flight=1 queued_reqs=0 "
					     "connected=1\n            device: "
					     "last_avail=1 held=1 started "
					     "enabled, kicks=1 completed=0\n"));
	free(req);
	free(ring);
	/* Before anything ran: nothing in flight, nothing set up. */
	vt_console(&c, "show requests\nshow ring hiprio\n", views, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "no requests in flight\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "  no chains in flight\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "avail ring: flags=0x0 idx=0, 0 "
					     "pending (* = not popped by the "
					     "device yet)\n"));
}

/* An indirect chain: one descriptor in the table, its own table below. */
static void test_ring_indirect(void)
{
	char path[160], *ring;

	snprintf(path, sizeof(path), "%s/ind.vfs", tmpdir);
	CU_ASSERT_EQUAL_FATAL(vt_write_text(path, "machine indirect=on\n"
						  "task t\n  mount\n  getattr "
						  "/\nend\nrun\n"),
			      0);
	vt_console(&c, "break dev.pop\ncontinue\nshow ring requests.0\n", path,
		   NULL);
	CU_ASSERT_EQUAL(c.rc, 0);
	ring = output_of("show ring requests.0");
	CU_ASSERT_PTR_NOT_NULL(strstr(ring, "chains=1 indirect\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(ring, "    head 0:\n      [0] addr="));
	CU_ASSERT_PTR_NOT_NULL(strstr(ring, " len=64 flags=I\n"
					    "        indirect [0] addr="));
	CU_ASSERT_EQUAL(vt_count_lines(ring, "        indirect ["), 4);
	/* answered, not yet taken back by the driver */
	CU_ASSERT_PTR_NOT_NULL(strstr(ring, "idx=1, 1 pending (* = not taken "
					    "back by the driver yet):\n"
					    "    [0] id=0 len=80 *\n"));
	free(ring);
}

static void test_parked_requests(void)
{
	char *req;

	/* The file's own expectations at 1500us: 4 in flight, 2 parked. */
	vt_console(&c, "until 1500us\nshow requests\n",
		   "tests/scenarios/full-queue-mainline.vfs", NULL);
	req = output_of("show requests");
	CU_ASSERT_EQUAL(vt_count_lines(req, "op=GETATTR"), 4);
	CU_ASSERT_EQUAL(vt_count_lines(req, "(parked on queued_reqs: the "
					    "ring was full)"),
			2);
	CU_ASSERT_EQUAL(vt_count_lines(req, "(sent)"), 2);
	free(req);
	/* hiprio: 8 FORGETs fill the ring, 2 are parked. */
	vt_console(&c, "until 1500us\nshow requests\nshow ring hiprio\n",
		   "tests/scenarios/hiprio-full.vfs", NULL);
	req = output_of("show requests");
	CU_ASSERT_PTR_NOT_NULL(strstr(req, "  hiprio      8 FORGETs on the "
					   "ring (see 'show ring hiprio')\n"));
	CU_ASSERT_EQUAL(vt_count_lines(req, "  hiprio      FORGET nodeid="), 2);
	CU_ASSERT_EQUAL(vt_count_lines(req, "nlookup=1 (parked on "
					    "queued_reqs"),
			2);
	free(req);
	req = output_of("show ring hiprio");
	/* The device is paused: all eight wait in the avail ring. */
	CU_ASSERT_PTR_NOT_NULL(strstr(req, "idx=8, 8 pending"));
	CU_ASSERT_EQUAL(vt_count_lines(req, "] head="), 8);
	CU_ASSERT_EQUAL(vt_count_lines(req, " *"), 8);
	CU_ASSERT_EQUAL(vt_count_lines(req, "    head "), 8);
	free(req);
}

static void test_locks_inodes_tasks(void)
{
	char *locks, *inodes, *tasks;

	vt_console(&c, "show locks\n", views, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "(vfsim) show locks\ndevice: 0 "
					     "POSIX locks\nguest: no lock "
					     "requests on open files\n"));
	vt_console(&c, "until 1200us\nshow locks\nshow inodes\nshow tasks\n",
		   views, NULL);
	CU_ASSERT_EQUAL(c.rc, 0);
	locks = output_of("show locks");
	inodes = output_of("show inodes");
	tasks = output_of("show tasks");
	/* t holds a write lock on /d/f, bytes 0..9, as owner 1 (task 1). */
	CU_ASSERT_PTR_NOT_NULL(strstr(locks, "device: 1 POSIX lock\n"
					     "  inode 3 owner 1 pid 1 write "
					     "0..9\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(locks, "guest: lock requests that "
					     "succeeded, per open file:\n"
					     "  mount 1 nodeid 3 fh "));
	CU_ASSERT_PTR_NOT_NULL(strstr(locks, " owner 1 write 0..9\n"));
	/* t's path walk and u's (which started before t's had cached /d)
	 * each looked up /d and /d/f: the device's counts are what the
	 * guest owes. */
	CU_ASSERT_PTR_NOT_NULL(strstr(inodes, "device: 3 inodes\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(inodes, "       1       0     0 dir  "
					      "/\n"
					      "       2       2     0 dir  /d\n"
					      "       3       2     1 file "
					      "/d/f\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(inodes,
				      "guest mount 1 owes 4 lookups\n"
				      "  nodeid 2: 2 (name 'd' in 1)\n"
				      "  nodeid 3: 2 (name 'f' in 2)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tasks,
				      ">   3 t                  syscall "
				      " cpu0   blocked in sleep scenario "
				      "until "));
	CU_ASSERT_PTR_NOT_NULL(strstr(tasks, "    4 u                  syscall "
					     " cpu0   finished, result 0\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tasks, "(daemon)\n"));
	CU_ASSERT_EQUAL(vt_count_lines(tasks, ">  "), 1);
	free(locks);
	free(inodes);
	free(tasks);
	/* Nothing mounted yet. */
	vt_console(&c, "show inodes\n", views, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "guest: nothing mounted\n"));
}

static void test_device_gone(void)
{
	vt_console(&c,
		   "continue\nshow queues\nshow requests\nshow ring hiprio\n"
		   "picture ring requests.0\nshow inodes\n",
		   "tests/scenarios/removal.vfs", NULL);
	CU_ASSERT_EQUAL(c.rc, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "(vfsim) show queues\nno driver "
					     "instance: the device was removed "
					     "(or its probe failed)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "(vfsim) show requests\nno "
					     "requests in flight\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.err, "line 4: show ring: queue hiprio "
					     "is gone (the device was "
					     "removed)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.err, "line 5: picture: queue "
					     "requests.0 is gone"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(c.out, "       2       0     0 file "
			      "(unlinked)\n") ||
		strstr(c.out, "       2       0     0 file /f\n"));
}

/* The guest's /sys/fs/virtiofs: mainline's, as probe made it (two
 * request queues, two CPUs: one each), gone after removal; none in the
 * 6.1 variant. */
static void test_sysfs(void)
{
	static const char want[] = "(vfsim) show sysfs\n"
				   "/sys/fs/virtiofs/0/tag: myfs\n"
				   "/sys/fs/virtiofs/0/device: -> virtio0\n"
				   "/sys/fs/virtiofs/0/mqs/0/name: hiprio\n"
				   "/sys/fs/virtiofs/0/mqs/0/cpu_list: 0, 1\n"
				   "/sys/fs/virtiofs/0/mqs/1/name: requests.0\n"
				   "/sys/fs/virtiofs/0/mqs/1/cpu_list: 0\n"
				   "/sys/fs/virtiofs/0/mqs/2/name: requests.1\n"
				   "/sys/fs/virtiofs/0/mqs/2/cpu_list: 1\n";
	char path[160];

	snprintf(path, sizeof(path), "%s/sysfs.vfs", tmpdir);
	CU_ASSERT_EQUAL_FATAL(vt_write_text(path, "machine queues=2 cpus=2\n"
						  "task t\n  mount\nend\n"
						  "at 1ms\n  unplug\nend\n"),
			      0);
	vt_console(&c, "show sysfs\ncontinue\nshow sysfs\n", path, NULL);
	CU_ASSERT_EQUAL(c.rc, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, want));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "(vfsim) show sysfs\n"
					     "/sys/fs/virtiofs: empty"));
	CU_ASSERT_EQUAL_FATAL(vt_write_text(path, "driver variant=6.1\n"
						  "task t\n  mount\nend\n"),
			      0);
	vt_console(&c, "show sysfs\n", path, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "(vfsim) show sysfs\n"
					     "/sys/fs/virtiofs: empty: this "
					     "variant's kernel has none (added "
					     "in 6.9)\n"));
}

static void test_trace_tail(void)
{
	char *all, *tail;
	const char *last3;
	int nl = 0;

	vt_console(&c,
		   "step 20\nshow trace 3\nshow trace 1000000\nshow trace\n",
		   views, NULL);
	CU_ASSERT_EQUAL(c.rc, 0);
	tail = output_of("show trace 3");
	all = output_of("show trace 1000000");
	CU_ASSERT_EQUAL(vt_count_lines(tail, " us #"), 3);
	CU_ASSERT_EQUAL(vt_count_lines(tail, "\n"), 0); /* lines, no more */
	last3 = all + strlen(all);
	while (last3 > all && nl < 4)
		nl += *--last3 == '\n';
	CU_ASSERT_STRING_EQUAL(tail, last3 + 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(all, " task.spawn ")); /* from #1 */
	CU_ASSERT(strncmp(all, "     0.000 us #1 ", 17) == 0);
	free(tail);
	tail = output_of("show trace");
	CU_ASSERT_EQUAL(vt_count_lines(tail, " us #"), 20);
	free(tail);
	free(all);
}

static bool have_dot(void)
{
	return system("command -v dot >/dev/null 2>&1") == 0;
}

static void check_file(const char *path, const char *start)
{
	char *text = vt_read_text(path);

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_EQUAL(strncmp(text, start, strlen(start)), 0);
	free(text);
}

static void test_pictures(void)
{
	char dir[128], path[192], script[512], *dot;

	snprintf(dir, sizeof(dir), "%s/pics", tmpdir);
	snprintf(script, sizeof(script),
		 "step 30\npicture ring requests.0\npicture ring hiprio mine\n"
		 "picture ring hiprio other.dot\n"
		 "picture ring requests.0 %s/abs.svg\n",
		 tmpdir);
	vt_console(&c, script, views, "--out", dir, NULL);
	CU_ASSERT_EQUAL(c.rc, 0);
	CU_ASSERT_STRING_EQUAL(c.err, "");
	snprintf(path, sizeof(path), "wrote %s/step-30-requests.0.dot\n", dir);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, path));
	snprintf(path, sizeof(path), "%s/step-30-requests.0.dot", dir);
	check_file(path, "digraph");
	/* Both sides' indices are in it. */
	dot = vt_read_text(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dot);
	CU_ASSERT_PTR_NOT_NULL(strstr(dot, "device last_avail_idx"));
	CU_ASSERT_PTR_NOT_NULL(strstr(dot, "driver avail_idx"));
	free(dot);
	snprintf(path, sizeof(path), "%s/mine.dot", dir);
	check_file(path, "digraph");
	snprintf(path, sizeof(path), "%s/other.dot", dir);
	check_file(path, "digraph");
	snprintf(path, sizeof(path), "%s/abs.dot", tmpdir);
	check_file(path, "digraph");
	snprintf(path, sizeof(path), "%s/mine.svg", dir);
	if (have_dot()) {
		check_file(path, "<?xml");
		CU_ASSERT_EQUAL(vt_count_lines(c.out, ".svg"),
				5); /* 4 + a command */
		CU_ASSERT_EQUAL(vt_count_lines(c.out, "wrote "), 8);
	} else {
		CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "(no SVG: Graphviz 'dot' "
						     "is not installed)\n"));
	}
}

static void test_view_errors(void)
{
	static const char *const bad[][2] = {
		{ "show", "show: expected queues, ring NAME, requests, tasks, "
			  "locks, inodes, sysfs or trace [N]\n" },
		{ "show frob", "show: expected queues, ring NAME, requests, "
			       "tasks, locks, inodes, sysfs or trace [N], got "
			       "'frob'\n" },
		{ "show sysfs x", "show: unexpected 'x' after 'sysfs'\n" },
		{ "show ring", "show: expected show ring NAME (hiprio or "
			       "requests.N)\n" },
		{ "show ring a b", "show: expected show ring NAME" },
		{ "show ring requests.1", "show ring: no queue 'requests.1' "
					  "(expected hiprio or requests.N, "
					  "N from 0 to 0)\n" },
		{ "show ring requests.x", "show ring: no queue 'requests.x'" },
		{ "show ring requests.0x",
		  "show ring: no queue 'requests.0x'" },
		{ "show ring bogus", "show ring: no queue 'bogus'" },
		{ "show queues x", "show: unexpected 'x' after 'queues'\n" },
		{ "show tasks x", "show: unexpected 'x' after 'tasks'\n" },
		{ "show trace 0", "show trace: expected a line count from 1 to "
				  "1000000000, got '0'\n" },
		{ "show trace x", "show trace: expected a line count" },
		{ "show trace 1 2", "show: unexpected '2' (expected show trace "
				    "[N])\n" },
		{ "picture", "picture: expected picture ring NAME [FILE]\n" },
		{ "picture ring", "picture: expected picture ring NAME" },
		{ "picture rings hiprio", "picture: expected picture ring" },
		{ "picture ring hiprio a b", "picture: expected picture ring" },
		{ "picture ring nope", "picture: no queue 'nope'" },
		{ "show ring requests.00",
		  "show ring: no queue 'requests.00'" },
		{ "show ring requests.01",
		  "show ring: no queue 'requests.01'" },
		{ "picture ring hiprio .hidden", "picture: '.hidden' cannot be "
						 "a file name (it must end" },
		{ "picture ring hiprio d/", "picture: 'd/' cannot be a file "
					    "name" },
		{ "picture ring hiprio \"\"", "picture: '' cannot be a file "
					      "name (" },
		{ "picture ring hiprio /nonexistent/dir/x",
		  "picture: cannot write '/nonexistent/dir/x.dot': " },
	};
	char script[128], want[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(script, sizeof(script), "%s\nwhere\n", bad[i][0]);
		vt_console(&c, script, views, "--out", tmpdir, NULL);
		CU_ASSERT_EQUAL(c.rc, 1);
		snprintf(want, sizeof(want), "vfsim: line 1: %s", bad[i][1]);
		if (!strstr(c.err, want))
			fprintf(stderr, "\n'%s' said: %s", bad[i][0], c.err);
		CU_ASSERT_PTR_NOT_NULL(strstr(c.err, want));
		CU_ASSERT_EQUAL(vt_count_lines(c.err, "vfsim: "), 1);
		/* and the console went on */
		CU_ASSERT_PTR_NOT_NULL(
			strstr(c.out, "(vfsim) where\n-- step 0"));
	}
	/* no --out: a picture needs a place the user chose */
	vt_console(&c, "picture ring hiprio\npicture ring hiprio mine\n", views,
		   NULL);
	CU_ASSERT_EQUAL(vt_count_lines(c.err, "picture: where to? start "
					      "vfsim step with --out DIR"),
			2);
	vt_console(&c, "picture ring hiprio\n", views, "--out",
		   "/nonexistent/a/b", NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.err, "line 1: picture: cannot create "
					     "'/nonexistent/a/b': "));
}

VT_SUITE(cli_console_views, setup, cleanup,
	 VT_CASE(test_requests_and_ring_in_flight), VT_CASE(test_ring_indirect),
	 VT_CASE(test_parked_requests), VT_CASE(test_locks_inodes_tasks),
	 VT_CASE(test_device_gone), VT_CASE(test_sysfs),
	 VT_CASE(test_trace_tail), VT_CASE(test_pictures),
	 VT_CASE(test_view_errors));
