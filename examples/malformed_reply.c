// SPDX-License-Identifier: GPL-2.0-only
/*
 * malformed_reply.c - the device answers a GETATTR with a reply whose
 * unique is wrong (the fault point dev.bad-unique). The driver must
 * notice, fail that request with EIO, and carry on: the next operations
 * work and every request ends exactly once. The task is written with the
 * typed operations (vfsim_op_stat() and the rest).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <vfsim/vfsim.h>

static int fail(const char *what)
{
	fprintf(stderr, "malformed_reply: %s (%s)\n", what, vfsim_error());
	return 1;
}

int main(void)
{
	struct vfsim_config cfg = { .faults = "dev.bad-unique:site=GETATTR" };
	struct vfsim *vm = vfsim_machine_new(&cfg);
	struct vfsim_task *t;
	int getattr, read, err;

	if (!vm)
		return fail("vfsim_machine_new");
	if (vfsim_fs_file(vm, "/f", "hello", 5))
		return fail("vfsim_fs_file");
	t = vfsim_task_new(vm, "app");
	vfsim_op_mount(t, NULL);
	getattr = vfsim_op_stat(t, "/f");
	vfsim_op_open(t, "/f", O_RDONLY, "h");
	read = vfsim_op_read(t, "h", 0, 5, "hello");
	if (read < 0 || vfsim_task_start(t))
		return fail("the task");
	if (vfsim_run(vm) != VFSIM_DONE)
		return fail("the run did not end");

	if (vfsim_task_result(t, getattr, &err, NULL) || err != -EIO)
		return fail("the bad reply did not fail the GETATTR with EIO");
	if (vfsim_trace_matches(vm, "unique inverted") != 1 ||
	    vfsim_trace_matches(vm, "virtio_fs.bad_reply") != 1)
		return fail("the trace does not show the bad reply");
	if (vfsim_task_result(t, read, &err, NULL) || err != 0)
		return fail("the driver did not carry on after it");
	if (vfsim_requests_open(vm) || vfsim_reports(vm, NULL))
		return fail("a request was lost or a checker complained");
	if (vfsim_machine_free(vm))
		return fail("leaks");
	puts("malformed_reply: ok (GETATTR failed with EIO, READ worked)");
	return 0;
}
