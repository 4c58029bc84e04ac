// SPDX-License-Identifier: GPL-2.0-only
/*
 * paused_reads.c - three tasks read one file; the device stalls while
 * their READs are in flight: a ring of 8 entries holds two (4 descriptors
 * each), the mainline driver parks the third on queued_reqs. On resume
 * every read returns the file's bytes, nothing is reported or leaked.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <vfsim/vfsim.h>

#define CHECK(c)                                                        \
	do {                                                            \
		if (!(c)) {                                             \
			fprintf(stderr, "%s:%d: %s failed\n", __FILE__, \
				__LINE__, #c);                          \
			return 1;                                       \
		}                                                       \
	} while (0)
#define NT 3

static const char data[] = "hello, virtio-fs";

int main(void)
{
	struct vfsim_config cfg = { .queue_size = 8, .variant = "mainline" };
	struct vfsim *vm = vfsim_machine_new(&cfg);
	struct vfsim_task *t[NT];
	struct vfsim_queue q;
	struct vfsim_device d;
	struct vfsim_parked p[4];
	const char *why;
	int rd[NT], err;

	if (!vm) {
		fprintf(stderr, "vfsim_machine_new: %s\n", vfsim_error());
		return 1;
	}
	CHECK(vfsim_fs_dir(vm, "/d") == 0);
	CHECK(vfsim_fs_file(vm, "/d/data", data, strlen(data)) == 0);
	for (int i = 0; i < NT; i++) {
		char name[8];

		snprintf(name, sizeof(name), "reader%d", i);
		CHECK((t[i] = vfsim_task_new(vm, name)));
		if (i == 0) /* the others use its mount: fifo runs it first */
			CHECK(vfsim_op_mount(t[i], NULL) == 1);
		CHECK(vfsim_op_open(t[i], "/d/data", O_RDONLY, "h") > 0);
		CHECK(vfsim_op_sleep(t[i], 1000000) > 0); /* 1 ms */
		rd[i] = vfsim_op_read(t[i], "h", i == 2 ? 7 : 0,
				      i == 2 ? 9 : 16,
				      i == 2 ? "virtio-fs" : data);
		CHECK(rd[i] > 0 && vfsim_op_close(t[i], "h") == rd[i] + 1);
	}
	err = vfsim_op_read(t[2], "nosuch", 0, 5, NULL); /* never opened */
	printf("unknown handle: %d (%s)\n", err, vfsim_error());
	CHECK(err == -ENOENT && strstr(vfsim_error(), "nosuch"));
	for (int i = 0; i < NT; i++)
		CHECK(vfsim_task_start(t[i]) == 0);

	/* All three have the file open and sleep: nothing else is runnable,
	 * so the pause runs first and the READs meet a stalled device. */
	CHECK(vfsim_run_until_time(vm, 500000) == VFSIM_UNTIL);
	CHECK(vfsim_device_pause(vm) == 0);
	CHECK(vfsim_run(vm) == VFSIM_PAUSED);
	CHECK(vfsim_trace_matches(vm, "device pause result 0") == 1);
	CHECK(vfsim_reports(vm, NULL) == 0); /* a stall is no deadlock */
	CHECK(vfsim_device_state(vm, &d) == 0 && d.paused && d.handles == NT);
	CHECK(d.requests == 0); /* a paused device takes nothing off a ring */
	CHECK(vfsim_queue(vm, 1, &q) == 0 && !strcmp(q.name, "requests.0"));
	CHECK(q.size == 8 && q.num_free == 0 && q.parked == 1);
	CHECK(q.in_flight == NT); /* two on the ring, one parked */
	CHECK(vfsim_queue_parked(vm, 1, p, 4) == 1);
	CHECK(p[0].opcode == VFSIM_FUSE_READ && p[0].nodeid > 1);
	CHECK(vfsim_requests_open(vm) == NT);
	for (int i = 0; i < NT; i++) {
		CHECK(vfsim_task_state(t[i], NULL) == VFSIM_TASK_BLOCKED);
		CHECK(vfsim_task_result(t[i], rd[i], &err, &why) == -EAGAIN);
		CHECK(strstr(why, "still waiting") != NULL);
	}

	CHECK(vfsim_device_resume(vm) == 0);
	CHECK(vfsim_run(vm) == VFSIM_DONE);
	CHECK(vfsim_queue(vm, 1, &q) == 0 && q.parked == 0 && q.in_flight == 0);
	CHECK(q.num_free == 8);
	for (int i = 0; i < NT; i++)
		for (int op = 1; op <= rd[i] + 1; op++)
			CHECK(vfsim_task_result(t[i], op, &err, NULL) == 0 &&
			      !err);
	CHECK(vfsim_trace_matches(vm, "op=READ") >= NT);
	CHECK(vfsim_requests_open(vm) == 0 && vfsim_reports(vm, NULL) == 0);
	CHECK(vfsim_device_state(vm, &d) == 0 && !d.paused && d.handles == 0);
	CHECK(vfsim_machine_free(vm) == 0); /* no guest kernel object leaked */
	printf("paused_reads: ok (1 %s parked while paused, %d read back)\n",
	       vfsim_opcode_name(VFSIM_FUSE_READ), NT);
	return 0;
}
