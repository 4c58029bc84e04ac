// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_backend.c - the machine on a real vhost-user back end: specs, what
 * a scenario may not ask of an external back end, unreachable and missing
 * back ends, and whole runs against `vfsim serve` in a child process (its
 * library loop, forked here, or the program, spawned): operations, held
 * kicks, a dead device, a back end that dies mid-run, a refused message,
 * a silent back end, and migration between two `vfsim serve` processes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "device/vfs_serve.h"
#include "sim/cli/backend.h"
#include "sim/cli/exec.h"
#include "sim/cli/machine.h"
#include "sim/kernel/fault.h"
#include "sim/kernel/gmem.h"
#include "sim/kernel/sched.h"
#include "sim/vmm/vhost_user_frontend.h"
#include "tests/harness.h"

static char dir[64], sock[128];

static void setup(void)
{
	strcpy(dir, "/tmp/vfsim-fe-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/vu.sock", dir);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

static struct scenario *parse(const char *text)
{
	struct scenario_error err;
	struct scenario *s = NULL;

	if (scenario_parse_string("t.vfs", text, &s, &err))
		fprintf(stderr, "%s\n", err.msg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	return s;
}

/* Run @text on @backend; the result's status, its error and trace kept. */
/* The warning of a mount the dead back end keeps at shutdown. */
#define SHUTDOWN_WARNING "a mount could not be unmounted at shutdown"

/* What a run said on its diagnostic stream (run_forked(), diag_open()). */
static char *diag;
static size_t diag_len;

static FILE *diag_open(void)
{
	free(diag);
	diag = NULL;
	return open_memstream(&diag, &diag_len);
}

/* Close the run's diagnostics: true when they held the shutdown
 * warning; anything else they held is shown. */
static bool diag_close(FILE *f)
{
	bool warned;

	fclose(f);
	warned = strstr(diag, SHUTDOWN_WARNING) != NULL;
	if (diag_len &&
	    !(warned && diag_len == strlen(diag) &&
	      !strcmp(diag, "vfsim: warning: " SHUTDOWN_WARNING "\n")))
		fputs(diag, stderr);
	return warned;
}

/* A run whose set-up error (status 2) the caller checks in r->error:
 * the same message on the diagnostics is not shown again. */
static int run(const char *text, const char *backend, struct vfsim_result *r)
{
	FILE *f = diag_open();
	struct vfsim_exec_opts o = { .backend = backend,
				     .diag = f,
				     .format = VFSIM_TRACE_TEXT };
	struct scenario *s = parse(text);
	int st = vfsim_exec(s, &o, r);

	fclose(f);
	if (st != 2 || !strstr(diag, r->error))
		fputs(diag, stderr);
	scenario_free(s);
	return st;
}

/* Wall-clock margins: a slow build (Valgrind) takes longer per step. */
static unsigned int scale(void)
{
	return vt_slow_build() ? 20 : 1;
}

static bool has(const struct vfsim_result *r, const char *text)
{
	return (r->trace && strstr(r->trace, text)) || strstr(r->error, text);
}

static void test_spec(void)
{
	struct vfsim_backend_spec sp;
	char err[256];

	CU_ASSERT_EQUAL(vfsim_backend_parse("sim", &sp, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(sp.kind, VFSIM_BACKEND_SIM);
	CU_ASSERT_EQUAL(vfsim_backend_parse("unix:/a/b", &sp, err, 256), 0);
	CU_ASSERT_EQUAL(sp.kind, VFSIM_BACKEND_UNIX);
	CU_ASSERT_STRING_EQUAL(sp.path, "/a/b");
	CU_ASSERT_EQUAL(vfsim_backend_parse("./x.sock", &sp, err, 256), 0);
	CU_ASSERT_STRING_EQUAL(sp.path, "./x.sock");
	CU_ASSERT_EQUAL(vfsim_backend_parse("spawn:vfsim", &sp, err, 256), 0);
	CU_ASSERT_STRING_EQUAL(vfsim_backend_name(&sp), "spawn:vfsim");
	CU_ASSERT_EQUAL(vfsim_backend_parse("spawn:virtiofsd", &sp, err, 256),
			0);
	CU_ASSERT_EQUAL(sp.kind, VFSIM_BACKEND_SPAWN_VIRTIOFSD);
	CU_ASSERT_EQUAL(vfsim_backend_parse("spawn:qemu", &sp, err, 256),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "expected unix:PATH"));
	CU_ASSERT_EQUAL(vfsim_backend_parse("unix:", &sp, err, 256), -EINVAL);
	CU_ASSERT_EQUAL(vfsim_backend_parse("word", &sp, err, 256), -EINVAL);
}

static void test_scenario_line(void)
{
	struct scenario_error e;
	struct scenario *s = parse("device backend=\"unix:/tmp/a b\"\n");

	CU_ASSERT_STRING_EQUAL(s->device.backend, "unix:/tmp/a b");
	CU_ASSERT(s->device.set & SCN_DEVICE_BACKEND);
	scenario_free(s);
	s = NULL;
	CU_ASSERT_EQUAL(scenario_parse_string(
				"t.vfs", "device backend=spawn:x\n", &s, &e),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "t.vfs:1:16: error: backend"));
	scenario_free(s);
}

/* Each thing only the in-process device can do is refused, by line. */
static void test_refusals(void)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "device workers=2\n", "t.vfs:1:1: error: the device line" },
		{ "machine devices=2\n", "devices=2 needs" },
		{ "fault dev.die:site=GETATTR\n", "'dev.die:site=GETATTR'" },
		{ "migration policy=guest-error\n",
		  "guest-error is the in-process" },
		{ "run\nexpect device.inodes == 1\n",
		  "t.vfs:2:1: error: device.inodes is the in-process" },
		{ "run\nexpect lookups balanced\n", "lookups balanced counts" },
		{ "at 1ms\n  device latency=1ms\nend\nrun\n",
		  "t.vfs:2:3: error: device latency=" },
		{ "at 1ms\n  device order=reversed\nend\nrun\n",
		  "device order=" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vfsim_result r;

		CU_ASSERT_EQUAL(run(cases[i].text, "unix:/nonexistent", &r), 2);
		if (!strstr(r.error, cases[i].want))
			fprintf(stderr, "case %zu: %s\n", i, r.error);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.error, cases[i].want));
		vfsim_result_free(&r);
	}
}

static void test_unreachable(void)
{
	struct vfsim_result r;
	char text[200];

	CU_ASSERT_EQUAL(run("run\n", "unix:/nonexistent/vu.sock", &r), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "cannot connect to "
					       "/nonexistent/vu.sock"));
	vfsim_result_free(&r);
	/* the scenario's own line, and a bad spec given to the machine */
	snprintf(text, sizeof(text), "device backend=unix:%s/none\nrun\n", dir);
	CU_ASSERT_EQUAL(run(text, NULL, &r), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "cannot connect"));
	vfsim_result_free(&r);
	CU_ASSERT_EQUAL(run("run\n", "spawn:nothing", &r), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "expected unix:PATH"));
	vfsim_result_free(&r);
	/* migrate needs a second back end, which a socket cannot give */
	snprintf(text, sizeof(text), "at 1ms\n  migrate\nend\nrun\n");
	CU_ASSERT_EQUAL(run(text, "unix:/nonexistent", &r), 2);
	vfsim_result_free(&r);
}

static void test_missing_program(void)
{
	struct vfsim_result r;

	setenv("VFSIM_VIRTIOFSD", "/nonexistent/virtiofsd", 1);
	CU_ASSERT_EQUAL(run("run\n", "spawn:virtiofsd", &r), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "cannot run "
					       "/nonexistent/virtiofsd"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "qemu-system-common"));
	vfsim_result_free(&r);
	/* the source directory is made from the fs block first */
	setenv("VFSIM_VIRTIOFSD", "/bin/false", 1);
	CU_ASSERT_EQUAL(run("fs\n  dir /d\n  file /d/p size=5000\n"
			    "  file /d/b \"bytes\"\nend\nrun\n",
			    "spawn:virtiofsd", &r),
			2);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "exited (status 1) before"));
	vfsim_result_free(&r);
	unsetenv("VFSIM_VIRTIOFSD");
}

/* --- against vfsim serve's loop in a child ------------------------------ */

struct serve_arg {
	const struct scenario *s;
};

static int populate(struct vfs_dev *dev, void *arg, char *err, size_t size)
{
	return vfsim_machine_populate(dev, arg, err, size);
}

/* vfsim serve --once on @sock with @s's device and fs block, and the
 * device fault plan @faults (or NULL); back once it listens. */
static pid_t serve_child_faults(const struct scenario *s, const char *faults)
{
	struct vfs_serve_opts o = { .populate = populate,
				    .populate_arg = (void *)s,
				    .once = true };
	char line[256];
	int p[2];
	FILE *f;
	pid_t pid;

	vfsim_machine_device_config(s, &o.dev);
	unlink(sock);
	CU_ASSERT_FATAL(pipe(p) == 0);
	pid = fork();
	if (pid == 0) {
		int ret;

		close(p[0]);
		signal(SIGPIPE, SIG_IGN); /* the parent stops reading */
		o.log = fdopen(p[1], "w");
		setvbuf(o.log, NULL, _IOLBF, 0);
		fault_reset();
		ret = (faults && fault_plan_parse(faults)) ||
		      vfs_serve_vhost_user(sock, &o);
#ifdef VFSIM_VALGRIND
		_exit(ret ? 1 : 0);
#else
		exit(ret ? 1 : 0); /* a coverage build writes its counts */
#endif
	}
	close(p[1]);
	f = fdopen(p[0], "r");
	while (fgets(line, sizeof(line), f) && !strstr(line, "listening"))
		;
	fclose(f); /* its later lines go to a closed pipe: ignored */
	return pid;
}

static pid_t serve_child(const struct scenario *s)
{
	return serve_child_faults(s, NULL);
}

static int reap(pid_t pid)
{
	int st;

	for (int i = 0; i < 400; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

/* Run @text against a forked vfsim serve; the serve's exit status. */
static int run_forked(const char *text, struct vfsim_result *r, int *status,
		      bool *warned)
{
	FILE *f = diag_open();
	struct vfsim_exec_opts o = { .diag = f, .format = VFSIM_TRACE_TEXT };
	struct scenario *s = parse(text);
	char spec[160];
	pid_t pid = serve_child(s);

	snprintf(spec, sizeof(spec), "unix:%s", sock);
	o.backend = spec;
	*status = vfsim_exec(s, &o, r);
	*warned = diag_close(f);
	scenario_free(s);
	return reap(pid);
}

static const char ops[] =
	"fs\n  dir /d\n  file /d/f \"hello\"\nend\n"
	"task t stop-on-error\n  mount\n  lookup /d/f\n  getattr /d/f\n"
	"  open /d/f as h rw\n  read h 0 5 expect=\"hello\"\n"
	"  write h 0 \"HE\"\n  read h 0 5 expect=\"HEllo\"\n  release h\n"
	"  opendir /d as d\n  readdir d expect=3\n  releasedir d\n"
	"  mkdir /d/s\n  rmdir /d/s\n  forget-all\n  umount\nend\n"
	"run\nexpect task t returns 0\nexpect device.dead == 0\n"
	"expect device.paused == 0\nexpect reports == 0\nexpect no leaks\n";

static void test_ops(void)
{
	struct vfsim_result r;
	bool warned;
	int st;

	CU_ASSERT_EQUAL(run_forked(ops, &r, &st, &warned), 0);
	CU_ASSERT_FALSE(warned);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT(has(&r, "vu.connect"));
	CU_ASSERT(has(&r, "this run is not deterministic"));
	CU_ASSERT(has(&r, "ADD_MEM_REG"));
	CU_ASSERT(has(&r, "vhost_dev_start src"));
	vfsim_result_free(&r);
}

/* Kicks and interrupts held while paused, delivered on resume; a ring
 * picture shows the driver's side only. Every step waits for an event,
 * none for an instant (`at 10ms` pause, `run until time 30ms`, `at
 * 40ms` resume raced the real back end's INIT reply, which comes late
 * under load or Valgrind): the pause comes with INIT's interrupt, before
 * the driver reads the reply, so all three GETATTRs (sent once INIT is
 * done, or after 1 ms) are held; the run stops when the third parks
 * (queue-size 8 takes two), and the `on` block for that same event,
 * started just before the next step, takes the picture and resumes. */
static void test_pause(void)
{
	static const char text[] =
		"machine queue-size=8\n"
		"task a\n  mount\n  getattr /\nend\n"
		"task b\n  sleep 1ms\n  getattr /\nend\n"
		"task c\n  sleep 1ms\n  getattr /\nend\n"
		"on irq.raise\n  device pause\nend\n"
		"on virtio_fs.park\n  picture ring requests.0 as p\n"
		"  device resume\nend\n"
		"run until virtio_fs.park\n"
		"expect requests.0.in_flight == 3\nexpect device.paused == 1\n"
		"run\nexpect task a returns 0\nexpect task b returns 0\n"
		"expect task c returns 0\n"
		"expect requests.0.in_flight == 0\nexpect status done\n";
	struct vfsim_result r;
	bool warned;
	int st;

	CU_ASSERT_EQUAL(run_forked(text, &r, &st, &warned), 0);
	CU_ASSERT_FALSE(warned);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT(has(&r, "kicks and interrupts held"));
	CU_ASSERT(has(&r, "resumed"));
	CU_ASSERT_EQUAL(r.nr_pictures, 1);
	vfsim_result_free(&r);
}

/* The device dies once INIT is answered (an event, not `at 10ms`, which
 * raced the real back end's answer), while the task sleeps: its GETATTR
 * ends by the driver's timeout, the next finds the connection gone. */
static void test_die(void)
{
	static const char text[] =
		"driver timeout=15s options=timeout-ms\n"
		"task t\n  mount\n  sleep 20ms\n  getattr /\n  getattr /\n"
		"end\n"
		"on \"process_init_reply\"\n  device die\nend\n"
		"run\nexpect task t op 3 returns -ECONNABORTED\n"
		"expect task t op 4 returns -ENOTCONN\n"
		"expect device.dead == 1\nexpect status done\n";
	struct vfsim_result r;
	bool warned;
	int st;

	CU_ASSERT_EQUAL(run_forked(text, &r, &st, &warned), 0);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT(has(&r, "vu.die"));
	/* the dead back end keeps the mount */
	CU_ASSERT_TRUE(warned);
	vfsim_result_free(&r);
}

/* The back end test_backend_dies() kills, until it is reaped. */
static pid_t victim;

/* Kill the back end once INIT is answered, and wait until it is gone:
 * what the guest sends next meets a dead process, however loaded the
 * host. (A killer process sleeping 50 ms after the connection raced the
 * mount, and under load killed the back end before INIT was answered.) */
static void kill_after_init(const struct trace_event *ev, void *arg)
{
	int st;

	(void)arg;
	if (victim > 0 && ev->kind && !strcmp(ev->kind, "fuse.init")) {
		kill(victim, SIGKILL);
		waitpid(victim, &st, 0);
		victim = 0;
	}
}

/* The back end dies mid-run: the device is gone (traced), the guest's
 * request ends by its timeout, nothing hangs. */
static void test_backend_dies(void)
{
	static const char text[] =
		"driver timeout=20s options=timeout-ms\n"
		"task t\n  mount\n  sleep 20ms\n  getattr /\n  getattr /\n"
		"end\n"
		"run\nexpect task t op 3 returns -ECONNABORTED\n"
		"expect device.dead == 1\nexpect status done\n";
	FILE *f = diag_open();
	struct vfsim_exec_opts o = { .diag = f,
				     .format = VFSIM_TRACE_TEXT,
				     .on_event = kill_after_init };
	struct scenario *s = parse(text);
	struct vfsim_result r;
	char spec[160];

	victim = serve_child(s);
	snprintf(spec, sizeof(spec), "unix:%s", sock);
	o.backend = spec;
	CU_ASSERT_EQUAL(vfsim_exec(s, &o, &r), 0);
	CU_ASSERT_TRUE(diag_close(f)); /* the dead back end keeps the mount */
	CU_ASSERT_EQUAL(victim, 0);    /* killed after INIT */
	CU_ASSERT(has(&r, "vu.gone"));
	CU_ASSERT(has(&r, "the back end closed the connection"));
	vfsim_result_free(&r);
	scenario_free(s);
	if (victim > 0)
		reap(victim);
}

/* A back end that keeps buffers and says nothing: given up after the
 * silence limit, the run ends as a deadlock (reported), not a hang. */
static void test_silent(void)
{
	static const char text[] =
		"task t\n  mount\n  getattr /\nend\n"
		"run\nexpect status deadlock\nexpect reports >= 1\n";
	struct scenario *s = parse(text);
	FILE *f = diag_open();
	struct vfsim_exec_opts eo = { .diag = f, .format = VFSIM_TRACE_TEXT };
	struct vfsim_result r;
	char spec[160];
	pid_t pid;

	/* the device dies at the GETATTR: it is never answered */
	pid = serve_child_faults(s, "dev.die:site=GETATTR");
	setenv("VFSIM_BACKEND_WAIT_MS", "100", 1);
	snprintf(spec, sizeof(spec), "unix:%s", sock);
	eo.backend = spec;
	CU_ASSERT_EQUAL(vfsim_exec(s, &eo, &r), 0);
	CU_ASSERT_TRUE(diag_close(f)); /* the silent back end keeps it */
	unsetenv("VFSIM_BACKEND_WAIT_MS");
	CU_ASSERT(has(&r, "vu.silent"));
	vfsim_result_free(&r);
	scenario_free(s);
	kill(pid, SIGTERM);
	reap(pid);
}

/* The front end alone: a message the back end refuses makes it gone. */
static void test_refused_message(void)
{
	struct vhost_user_frontend_config cfg = { .tag = "myfs",
						  .num_request_queues = 1,
						  .queue_size = 128 };
	struct scenario *s = parse("run\n");
	struct vhost_user_frontend fe;
	struct vhost_user_msg m = { .hdr = { .request = VHOST_USER_SET_STATUS,
					     .size = 8 } };
	char err[256];
	pid_t pid = serve_child(s);

	CU_ASSERT_EQUAL_FATAL(
		vhost_user_frontend_open(&fe, sock, &cfg, "src", err, 256), 0);
	CU_ASSERT_EQUAL(fe.nr_rings, 2);
	CU_ASSERT_EQUAL(fe.max_queues, 2);
	CU_ASSERT_EQUAL(vhost_user_frontend_call(&fe, &m, NULL, 0, NULL, NULL),
			-EIO);
	CU_ASSERT(fe.gone);
	CU_ASSERT_PTR_NOT_NULL(strstr(fe.why, "refused SET_STATUS"));
	CU_ASSERT(vhost_user_frontend_dead(&fe));
	/* gone: nothing more is sent */
	CU_ASSERT_EQUAL(vhost_user_frontend_call(&fe, &m, NULL, 0, NULL, NULL),
			-EIO);
	vhost_user_frontend_close(&fe);
	vhost_user_frontend_close(&fe); /* twice is fine */
	CU_ASSERT_EQUAL(reap(pid), 0);
	scenario_free(s);
}

/* More queues than the back end has, and a tag too long for the config. */
static void test_handshake_limits(void)
{
	struct vhost_user_frontend_config cfg = { .tag = "myfs",
						  .num_request_queues = 4,
						  .queue_size = 128 };
	struct scenario *s = parse("run\n");
	struct vhost_user_frontend fe;
	char err[256];
	pid_t pid = serve_child(s);

	CU_ASSERT_EQUAL(vhost_user_frontend_open(&fe, sock, &cfg, "src", err,
						 sizeof(err)),
			-ERANGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "serves at most 2 queues"));
	vhost_user_frontend_close(&fe);
	CU_ASSERT_EQUAL(reap(pid), 0);
	pid = serve_child(s);
	cfg.tag = "a-tag-that-is-longer-than-thirty-six-bytes";
	CU_ASSERT_EQUAL(vhost_user_frontend_open(&fe, sock, &cfg, "src", err,
						 sizeof(err)),
			-ERANGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "1 to 36 bytes"));
	vhost_user_frontend_close(&fe);
	kill(pid, SIGTERM);
	reap(pid);
	scenario_free(s);
}

/* --- the program itself: spawn:vfsim ------------------------------------ */

static const char migration[] =
	"fs\n  file /f \"hello world\"\n  dir /d\n  file /d/p size=100\nend\n"
	"fault dev.error:site=LOOKUP/never-looked-up\n"
	"task t\n  mount\n  open /f as h rw\n  setlk h w 0 10\n"
	"  sleep %ums\n  getattr /f\n  read h 0 11 expect=\"hello world\"\n"
	"  setlk h u 0 10\n  release h\n  umount\nend\n"
	"at %ums\n  device pause\nend\n"
	"at %ums\n  migrate\nend\n"
	"run\nexpect trace contains \"migrate result 0\"\n"
	"expect task t op 5 returns 0\nexpect task t returns 0\n"
	"expect trace count \"process_init_reply\" == 1\n"
	"expect status done\nexpect reports == 0\nexpect no leaks\n";

static void test_spawn_vfsim_migration(void)
{
	unsigned int k = scale();
	struct vfsim_result r;
	char text[1024];

	if (!getenv("VFSIM")) {
		vt_skip("VFSIM (the vfsim program) is not set");
		return;
	}
	snprintf(text, sizeof(text), migration, 30 * k, 20 * k, 40 * k);
	CU_ASSERT_EQUAL(run(text, "spawn:vfsim", &r), 0);
	CU_ASSERT(has(&r, "vu.state_fd"));
	CU_ASSERT(has(&r, "dst: load pipe closed: 0"));
	CU_ASSERT(has(&r, "vhost_virtqueue_start dst: ring 1"));
	vfsim_result_free(&r);
}

/* Migration right after a kick: the source answers the GETATTR and
 * signals its call eventfd before it answers GET_VRING_BASE, and nothing
 * reads that eventfd before the switch. The interrupt must still reach
 * the driver (it was lost: the task waited forever, seen as a deadlock
 * in test_spawn_vfsim_big_state under load). No timing: the trigger runs
 * the migration before the machine next looks outside. */
static void test_spawn_vfsim_migration_in_flight(void)
{
	static const char text[] =
		"task t\n  mount\n  getattr /\n  getattr /\n  umount\nend\n"
		"on \"op=GETATTR\"\n  migrate\nend\n"
		"run\nexpect trace contains \"migrate result 0\"\n"
		"expect task t returns 0\nexpect status done\n"
		"expect reports == 0\nexpect no leaks\n";
	struct vfsim_result r;

	if (!getenv("VFSIM")) {
		vt_skip("VFSIM (the vfsim program) is not set");
		return;
	}
	CU_ASSERT_EQUAL(run(text, "spawn:vfsim", &r), 0);
	CU_ASSERT(has(&r, "src: ring 1 signalled before it stopped"));
	vfsim_result_free(&r);
}

/* A state larger than a pipe's buffer (400 inodes with 200-byte names):
 * both bridges wait on the pipe, the save's for data, the load's for
 * room. */
static void test_spawn_vfsim_big_state(void)
{
	unsigned int k = scale();
	char name[201], *text, *p;
	struct vfsim_result r;
	size_t size = 400 * 240 + 1024;

	if (!getenv("VFSIM")) {
		vt_skip("VFSIM (the vfsim program) is not set");
		return;
	}
	memset(name, 'n', 200);
	name[200] = '\0';
	p = text = malloc(size);
	p += sprintf(p, "fs\n");
	for (int i = 1; i <= 400; i++)
		p += sprintf(p, "  file /%s%d \"x\"\n", name, i);
	p += sprintf(p,
		     "end\ntask t\n  mount\n  repeat 400\n"
		     "    lookup /%s$i\n  end\n  sleep %ums\n"
		     "  getattr /%s7\n  umount\nend\n"
		     "at %ums\n  migrate\nend\n"
		     "run\nexpect trace contains \"migrate result 0\"\n"
		     "expect task t returns 0\nexpect status done\n",
		     name, 400 * k, name, 300 * k);
	CU_ASSERT_EQUAL(run(text, "spawn:vfsim", &r), 0);
	CU_ASSERT(has(&r, "mig.chunk"));
	CU_ASSERT(has(&r, "dst: load pipe closed: 0"));
	vfsim_result_free(&r);
	free(text);
}

VT_SUITE_EACH(cli_backend, setup, teardown, VT_CASE(test_spec),
	      VT_CASE(test_scenario_line), VT_CASE(test_refusals),
	      VT_CASE(test_unreachable), VT_CASE(test_missing_program),
	      VT_CASE(test_ops), VT_CASE(test_pause), VT_CASE(test_die),
	      VT_CASE(test_backend_dies), VT_CASE(test_silent),
	      VT_CASE(test_refused_message), VT_CASE(test_handshake_limits),
	      VT_CASE(test_spawn_vfsim_migration),
	      VT_CASE(test_spawn_vfsim_migration_in_flight),
	      VT_CASE(test_spawn_vfsim_big_state));
