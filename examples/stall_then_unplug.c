// SPDX-License-Identifier: GPL-2.0-only
/*
 * stall_then_unplug.c - fault injection: the device stalls with a
 * request in hand, the device is then unplugged. The driver's remove path
 * drains the queues, so it waits for the stalled device; once the device
 * carries on, the unplug completes and the waiting request ends with
 * ENOTCONN, and nothing is leaked.
 */
#include <errno.h>
#include <stdio.h>
#include <vfsim/vfsim.h>

/* vfsim_error() is the last failing call's message, as errno is its
 * number: it is printed where a call failed, not by every CHECK. */
#define CHECK(cond)                                                     \
	do {                                                            \
		if (!(cond)) {                                          \
			fprintf(stderr, "%s:%d: %s failed\n", __FILE__, \
				__LINE__, #cond);                       \
			return 1;                                       \
		}                                                       \
	} while (0)

int main(void)
{
	struct vfsim_config cfg = { .trace_file = NULL };
	struct vfsim *vm = vfsim_machine_new(&cfg);
	struct vfsim_task *t;
	struct vfsim_device dev;
	int op, err;

	if (!vm) {
		fprintf(stderr, "vfsim_machine_new: %s\n", vfsim_error());
		return 1;
	}
	CHECK(vfsim_fs_dir(vm, "/d") == 0);
	t = vfsim_task_new(vm, "ls");
	CHECK(vfsim_op(t, "mount") == 1);
	CHECK(vfsim_op(t, "sleep 1ms") == 2);
	op = vfsim_op(t, "getattr /d");
	CHECK(op == 3);
	CHECK(vfsim_task_start(t) == 0);

	/* Mounted, asleep: the device stalls before the GETATTR comes. */
	CHECK(vfsim_run_until_time(vm, 500000) == VFSIM_UNTIL);
	vfsim_device_pause(vm);
	CHECK(vfsim_run(vm) == VFSIM_PAUSED);
	CHECK(vfsim_task_state(t, NULL) == VFSIM_TASK_BLOCKED);
	CHECK(vfsim_task_result(t, op, &err, NULL) == -EAGAIN);
	CHECK(vfsim_reports(vm, "deadlock") == 0);

	/* Unplug: the remove path drains, so it waits for the device. */
	vfsim_unplug(vm);
	CHECK(vfsim_run(vm) == VFSIM_PAUSED);
	vfsim_device_resume(vm);
	CHECK(vfsim_run(vm) == VFSIM_DONE);
	CHECK(vfsim_task_result(t, op, &err, NULL) == 0);
	printf("getattr after stall and unplug: %d\n", err);
	CHECK(err == -ENOTCONN); /* the unplug disconnected the queue */
	CHECK(vfsim_device_state(vm, &dev) == 0 && !dev.paused);
	CHECK(vfsim_trace_matches(vm, "unplug") > 0);
	CHECK(vfsim_reports(vm, NULL) == 0);
	CHECK(vfsim_machine_free(vm) == 0);
	puts("stall_then_unplug: ok");
	return 0;
}
