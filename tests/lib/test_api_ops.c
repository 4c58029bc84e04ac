// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_api_ops.c - the library's typed operations (vfsim_op_open() and
 * the rest): the same results as the language's lines, values the
 * language cannot write (a path with a space and a quote), handles shared
 * with vfsim_op() lines, inside repeat blocks, their refusals; and the
 * configuration's real back ends (spawn:vfsim, spawn:virtiofsd) driven
 * through them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "include/vfsim/vfsim.h"
#include "tests/harness.h"

static void no_error(int n)
{
	if (n <= 0)
		fprintf(stderr, "\n%s\n", vfsim_error());
	CU_ASSERT(n > 0);
}

/* Every operation of @t has returned @want[op - 1]. */
static void results(struct vfsim_task *t, const int *want, unsigned n)
{
	for (unsigned op = 1; op <= n; op++) {
		int r = 1;

		CU_ASSERT_EQUAL(vfsim_task_result(t, op, &r, NULL), 0);
		if (r != want[op - 1])
			fprintf(stderr, "\nop %u returned %d, not %d\n", op, r,
				want[op - 1]);
		CU_ASSERT_EQUAL(r, want[op - 1]);
	}
}

/* A file's life through typed calls only; its trace equals the one of
 * the same task written as lines (same ops, same values). */
static uint64_t typed_run(bool typed)
{
	static const int want[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct vfsim *vm = vfsim_machine_new(NULL);
	struct vfsim_task *t;
	uint64_t hash;

	CU_ASSERT_PTR_NOT_NULL_FATAL(vm);
	t = vfsim_task_new(vm, "t");
	if (typed) {
		no_error(vfsim_op_mount(t, NULL));
		no_error(vfsim_op_mkdir(t, "/d"));
		no_error(vfsim_op_create(t, "/d/f", 0600, "h"));
		no_error(vfsim_op_write(t, "h", 0, "hello"));
		no_error(vfsim_op_read(t, "h", 0, 5, "hello"));
		no_error(vfsim_op_close(t, "h"));
		no_error(vfsim_op_open(t, "/d/f", O_RDONLY, "r"));
		no_error(vfsim_op_close(t, "r"));
		no_error(vfsim_op_stat(t, "/d/f"));
		CU_ASSERT_EQUAL(vfsim_op_umount(t), 10);
	} else {
		for (const char *const *l =
			     (const char *const[]){
				     "mount", "mkdir /d",
				     "create /d/f as h mode=600",
				     "write h 0 \"hello\"",
				     "read h 0 5 expect=\"hello\"", "release h",
				     "open /d/f as r ro", "release r",
				     "getattr /d/f", "umount", NULL };
		     *l; l++)
			no_error(vfsim_op(t, *l));
	}
	CU_ASSERT_EQUAL(vfsim_task_start(t), 0);
	CU_ASSERT_EQUAL(vfsim_run(vm), VFSIM_DONE);
	results(t, want, 10);
	CU_ASSERT_EQUAL(vfsim_trace_matches(vm, "create op 3 /d/f: 0"), 1);
	hash = vfsim_trace_hash(vm);
	CU_ASSERT_EQUAL(vfsim_machine_free(vm), 0);
	return hash;
}

static void test_typed_equals_lines(void)
{
	CU_ASSERT_EQUAL(typed_run(true), typed_run(false));
}

/* What a line cannot say; handles shared both ways; a repeat. */
static void test_mixed(void)
{
	static const int want[] = { 0, 0, 0, 0, 0, -ENOENT, -EIO, 0 };
	struct vfsim *vm = vfsim_machine_new(NULL);
	struct vfsim_task *t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(vm);
	CU_ASSERT_EQUAL(vfsim_fs_file(vm, "/a \"b\" c", "xyz", 3), 0);
	t = vfsim_task_new(vm, "t");
	no_error(vfsim_op(t, "mount"));
	no_error(vfsim_op_open(t, "/a \"b\" c", O_RDWR, "f"));
	no_error(vfsim_op(t, "read f 0 3 expect=\"xyz\""));
	CU_ASSERT_EQUAL(vfsim_op(t, "repeat 2"), 0);
	no_error(vfsim_op_write(t, "f", 3, "\"quoted\" \\ text"));
	CU_ASSERT_EQUAL(vfsim_op(t, "end"), 0);
	no_error(vfsim_op_read(t, "f", 3, 15, "\"quoted\" \\ text"));
	no_error(vfsim_op_stat(t, "/missing"));
	no_error(vfsim_op_read(t, "f", 0, 3, "not it"));
	no_error(vfsim_op(t, "release f"));
	CU_ASSERT_EQUAL(vfsim_task_start(t), 0);
	CU_ASSERT_EQUAL(vfsim_run(vm), VFSIM_DONE);
	results(t, want, 8);
	CU_ASSERT_EQUAL(vfsim_machine_free(vm), 0);
}

static void refused(int n, const char *words)
{
	CU_ASSERT(n < 0);
	if (!strstr(vfsim_error(), words))
		fprintf(stderr, "\nmessage \"%s\" lacks \"%s\"\n",
			vfsim_error(), words);
	CU_ASSERT_PTR_NOT_NULL(strstr(vfsim_error(), words));
}

static void test_refused(void)
{
	struct vfsim *vm = vfsim_machine_new(NULL);
	struct vfsim_task *t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(vm);
	t = vfsim_task_new(vm, "t");
	refused(vfsim_op_stat(t, "relative"), "bad path \"relative\"");
	refused(vfsim_op_mkdir(t, "/a//b"), "no empty components");
	refused(vfsim_op_unlink(t, "/a/"), "trailing");
	refused(vfsim_op_rmdir(t, NULL), "(null)");
	refused(vfsim_op_rename(t, "/a", "b"), "bad path \"b\"");
	refused(vfsim_op_lookup(t, "/a\001"), "bad path");
	refused(vfsim_op_open(t, "/a", O_CREAT | O_RDWR, "f"),
		"create files with vfsim_op_create()");
	refused(vfsim_op_open(t, "/a", O_RDONLY, "9lives"),
		"is not a handle name");
	refused(vfsim_op_open(t, "/a", O_RDONLY, "a b"), "not a handle");
	refused(vfsim_op_create(t, "/a", 010000, "f"), "mode 010000");
	/* a handle nobody opened: the parser's own message */
	refused(vfsim_op_read(t, "nope", 0, 1, NULL), "nope");
	refused(vfsim_op_close(t, "nope"), "nope");
	no_error(vfsim_op_open(t, "/a", O_RDONLY, "f"));
	refused(vfsim_op_read(t, "f", 0, 0, NULL), "1 to 16M bytes");
	refused(vfsim_op_read(t, "f", 0, (16 << 20) + 1, NULL), "16M");
	refused(vfsim_op_write(t, "f", 0, ""), "1 to 16M bytes of text");
	refused(vfsim_op_write(t, "f", 0, NULL), "text");
	refused(vfsim_op_sleep(t, 0), "0 ns");
	refused(vfsim_op_mount(t, ""), "1 to 36 bytes");
	/* an opendir handle is no file: the parser's kind check */
	no_error(vfsim_op(t, "opendir / as dh"));
	refused(vfsim_op_read(t, "dh", 0, 1, NULL), "dh");
	no_error(vfsim_op_sleep(t, 1000));
	CU_ASSERT_EQUAL(vfsim_task_start(t), 0);
	refused(vfsim_op_mkdir(t, "/late"), "has started");
	CU_ASSERT_EQUAL(vfsim_machine_free(vm), 0);
}

/* A real back end from the configuration: the same file's life, the
 * trace showing the vhost-user front end at work. */
static void backend_round(const char *backend)
{
	static const int want[] = { 0, 0, 0, 0, 0, 0, 0, 0 };
	struct vfsim_config cfg = { .backend = backend };
	struct vfsim *vm = vfsim_machine_new(&cfg);
	struct vfsim_task *t;

	if (!vm)
		fprintf(stderr, "\n%s: %s\n", backend, vfsim_error());
	CU_ASSERT_PTR_NOT_NULL_FATAL(vm);
	/* the device is in another process: its files are the tasks' */
	refused(vfsim_fs_dir(vm, "/x"), "not in this process");
	t = vfsim_task_new(vm, "t");
	no_error(vfsim_op_mount(t, NULL));
	no_error(vfsim_op_mkdir(t, "/d"));
	no_error(vfsim_op_create(t, "/d/f", 0644, "h"));
	no_error(vfsim_op_write(t, "h", 0, "over the wire"));
	no_error(vfsim_op_read(t, "h", 5, 3, "the"));
	no_error(vfsim_op_close(t, "h"));
	no_error(vfsim_op_stat(t, "/d/f"));
	no_error(vfsim_op_umount(t));
	CU_ASSERT_EQUAL(vfsim_task_start(t), 0);
	CU_ASSERT_EQUAL(vfsim_run(vm), VFSIM_DONE);
	results(t, want, 8);
	CU_ASSERT(vfsim_trace_matches(vm, "vu.connect") >= 1);
	CU_ASSERT_EQUAL(vfsim_machine_free(vm), 0);
}

static void test_backends(void)
{
	char vfsim[4096];

	if (!getenv("VFSIM") || strlen(getenv("VFSIM")) >= sizeof(vfsim)) {
		vt_skip("VFSIM (the vfsim program) is not set");
		return;
	}
	strcpy(vfsim, getenv("VFSIM"));
	/* refused: an unknown back end, with the forms listed */
	CU_ASSERT_PTR_NULL(vfsim_machine_new(
		&(struct vfsim_config){ .backend = "spawn:qemu" }));
	CU_ASSERT_PTR_NOT_NULL(strstr(vfsim_error(), "spawn:virtiofsd"));
	/* spawn:vfsim needs the program: a library user's process is not
	 * vfsim */
	unsetenv("VFSIM");
	CU_ASSERT_PTR_NULL(vfsim_machine_new(
		&(struct vfsim_config){ .backend = "spawn:vfsim" }));
	CU_ASSERT_PTR_NOT_NULL(strstr(vfsim_error(), "VFSIM is not set"));
	/* make test sets VFSIM to build/vfsim and installs virtiofsd
	 * (scripts/deps.sh); under CI a skip fails the test */
	setenv("VFSIM", vfsim, 1);
	backend_round("spawn:vfsim");
	if (access("/usr/lib/qemu/virtiofsd", X_OK)) {
		vt_skip("/usr/lib/qemu/virtiofsd is not installed");
		return;
	}
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	/* vhost-user messages are in the machine's own byte order: a
	 * big-endian build (s390x under qemu-user) cannot talk to the host's
	 * little-endian virtiofsd, a pairing no real machine has */
	vt_skip_ci_ok("the host's virtiofsd speaks vhost-user little-endian");
	return;
#endif
	backend_round("spawn:virtiofsd");
}

/* A released handle is a closed descriptor: its name may be used again
 * (the parser accepts it), but the operation fails with EBADF without a
 * request; reopened, it works again. A read that returns other bytes
 * than expect= fails with EIO, and its trace line says -EIO. */
static void test_closed_handle(void)
{
	struct vfsim *vm = vfsim_machine_new(NULL);
	struct vfsim_task *t;
	int want[] = { 0, 0, 0, -EBADF, 0, 0, -EIO };

	CU_ASSERT_PTR_NOT_NULL_FATAL(vm);
	CU_ASSERT_EQUAL(vfsim_fs_file(vm, "/f", "hello", 5), 0);
	t = vfsim_task_new(vm, "t");
	no_error(vfsim_op_mount(t, NULL));
	no_error(vfsim_op_open(t, "/f", O_RDONLY, "h"));
	no_error(vfsim_op_close(t, "h"));
	CU_ASSERT_EQUAL(vfsim_op_read(t, "h", 0, 5, NULL), 4);
	no_error(vfsim_op_open(t, "/f", O_RDONLY, "h"));
	no_error(vfsim_op_read(t, "h", 0, 5, "hello"));
	no_error(vfsim_op_read(t, "h", 0, 5, "world"));
	CU_ASSERT_EQUAL(vfsim_task_start(t), 0);
	CU_ASSERT_EQUAL(vfsim_run(vm), VFSIM_DONE);
	results(t, want, 7);
	CU_ASSERT_EQUAL(vfsim_trace_matches(vm, "read op 4 h: -EBADF"), 1);
	/* one READ for op 6, one for op 7: none for op 4 */
	CU_ASSERT_EQUAL(vfsim_trace_matches(vm, "fuse.req       do_read"), 2);
	CU_ASSERT_EQUAL(vfsim_trace_matches(vm, "read op 7 h: -EIO, 5 bytes "
						"read differ"),
			1);
	CU_ASSERT_EQUAL(vfsim_machine_free(vm), 0);
}

VT_SUITE(lib_api_ops, NULL, NULL, VT_CASE(test_closed_handle),
	 VT_CASE(test_typed_equals_lines), VT_CASE(test_mixed),
	 VT_CASE(test_refused), VT_CASE(test_backends));
