// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_real_peers.c - the pieces under vfsim serve: guest memory's mapped
 * backing, the vhost-user memory table and framing, fault rule arguments
 * and sub-sites, the scheduler on a real clock, the front end's flush of a
 * signalled interrupt.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sim/kernel/fault.h"
#include "sim/kernel/gmem.h"
#include "sim/kernel/check.h"
#include "sim/kernel/sched.h"
#include "sim/kernel/wait.h"
#include "sim/trace/trace.h"
#include "sim/virtio/virtio.h"
#include "sim/vmm/vhost_user_frontend.h"
#include "sim/vmm/vhost_user_mem.h"
#include "sim/vmm/vhost_user_proto.h"
#include "tests/harness.h"

static void test_gmem_regions(void)
{
	static u8 a[4096], b[4096];
	u8 buf[64], out[64];

	gmem_exit();
	gmem_unmap_all();
	CU_ASSERT_EQUAL(gmem_map_region(0x1000, 0, a), -EINVAL);
	CU_ASSERT_EQUAL(gmem_map_region(~0ULL - 10, 100, a), -EINVAL);
	CU_ASSERT_EQUAL(gmem_map_region(0x1000, sizeof(a), NULL), -EINVAL);
	/* two adjacent regions, given out of order */
	CU_ASSERT_EQUAL(gmem_map_region(0x2000, sizeof(b), b), 0);
	CU_ASSERT_EQUAL(gmem_map_region(0x1000, sizeof(a), a), 0);
	CU_ASSERT_EQUAL(gmem_map_region(0x1800, 16, a), -EEXIST);
	CU_ASSERT_EQUAL(gmem_nr_regions(), 2);
	/* the arena and the regions never coexist */
	CU_ASSERT_EQUAL(gmem_init(1 << 20), -EBUSY);
	CU_ASSERT(gmem_range_valid(0x1000, 0x2000));
	CU_ASSERT_FALSE(gmem_range_valid(0x1000, 0x2001));
	CU_ASSERT_FALSE(gmem_range_valid(0x800, 16));
	CU_ASSERT_FALSE(gmem_range_valid(~0ULL, 2));
	/* a copy that crosses from one region into the next */
	for (int i = 0; i < 64; i++)
		buf[i] = (u8)i;
	CU_ASSERT_EQUAL(copy_to_guest(0x2000 - 32, buf, 64), 0);
	CU_ASSERT_EQUAL(a[4096 - 32], 0);
	CU_ASSERT_EQUAL(b[31], 63);
	CU_ASSERT_EQUAL(copy_from_guest(out, 0x2000 - 32, 64), 0);
	CU_ASSERT_EQUAL(memcmp(buf, out, 64), 0);
	CU_ASSERT_EQUAL(gmem_peek_le(0x2000, 2), 32 | (33 << 8));
	CU_ASSERT_EQUAL(copy_from_guest(out, 0x3000 - 8, 16), -EFAULT);
	CU_ASSERT_PTR_EQUAL(gmem_map_ptr(0x1010, 16), a + 16);
	CU_ASSERT_PTR_NULL(gmem_map_ptr(0x1ff0, 32));
	CU_ASSERT_EQUAL(gmem_unmap_region(0x1000), 0);
	CU_ASSERT_EQUAL(gmem_unmap_region(0x1000), -ENOENT);
	CU_ASSERT_EQUAL(copy_from_guest(out, 0x1000, 1), -EFAULT);
	for (u64 i = 1; i < GMEM_MAP_MAX_REGIONS; i++)
		CU_ASSERT_EQUAL(gmem_map_region(0x100000 * i, 16, a), 0);
	CU_ASSERT_EQUAL(gmem_map_region(0x7000000, 16, a), -ENOSPC);
	gmem_unmap_all();
	CU_ASSERT_EQUAL(gmem_nr_regions(), 0);
	/* and with an arena, regions are refused */
	CU_ASSERT_EQUAL(gmem_init(1 << 20), 0);
	CU_ASSERT_EQUAL(gmem_map_region(0x1000, 16, a), -EBUSY);
	gmem_exit();
}

static void test_mem_table(void)
{
	struct vhost_user_mem m = { 0 };
	struct vhost_user_memory t = { .nregions = 2 };
	int fd = memfd_create("ram", MFD_CLOEXEC);
	int fds[2] = { fd, fd };
	u8 v = 0x5a, got = 0;
	gpa_t gpa;

	gmem_exit();
	CU_ASSERT_FATAL(fd >= 0 && !ftruncate(fd, 3 * 4096));
	/* one memfd, two regions, the second at an unaligned offset */
	t.regions[0] = (struct vhost_user_mem_region){ 0x0, 4096, 0x7000, 0 };
	t.regions[1] =
		(struct vhost_user_mem_region){ 0x10000, 4096, 0x9000, 4100 };
	CU_ASSERT_EQUAL(vhost_user_mem_set_table(&m, &t, fds, 2), 0);
	CU_ASSERT_EQUAL(m.nr, 2);
	CU_ASSERT_EQUAL(copy_to_guest(0x10000, &v, 1), 0);
	CU_ASSERT_EQUAL(pread(fd, &got, 1, 4100), 1);
	CU_ASSERT_EQUAL(got, v);
	CU_ASSERT_EQUAL(vhost_user_mem_uva_to_gpa(&m, 0x9010, 16, &gpa), 0);
	CU_ASSERT_EQUAL(gpa, 0x10010);
	CU_ASSERT_EQUAL(vhost_user_mem_uva_to_gpa(&m, 0x9ff0, 32, &gpa),
			-EFAULT);
	/* fewer descriptors than regions, a bad descriptor, a size of 0 */
	CU_ASSERT_EQUAL(vhost_user_mem_set_table(&m, &t, fds, 1), -EINVAL);
	CU_ASSERT_EQUAL(m.nr, 0);
	fds[1] = -1;
	CU_ASSERT_EQUAL(vhost_user_mem_set_table(&m, &t, fds, 2), -EBADF);
	CU_ASSERT_EQUAL(m.nr, 0);
	CU_ASSERT_EQUAL(gmem_nr_regions(), 0);
	t.regions[0].memory_size = 0;
	CU_ASSERT_EQUAL(vhost_user_mem_add(&m, &t.regions[0], fd), -EINVAL);
	t.regions[0].memory_size = 4096;
	CU_ASSERT_EQUAL(vhost_user_mem_add(&m, &t.regions[0], fd), 0);
	CU_ASSERT_EQUAL(vhost_user_mem_add(&m, &t.regions[0], fd), -EEXIST);
	CU_ASSERT_EQUAL(vhost_user_mem_remove(&m, &t.regions[1]), -ENOENT);
	CU_ASSERT_EQUAL(vhost_user_mem_remove(&m, &t.regions[0]), 0);
	vhost_user_mem_clear(&m);
	close(fd);
}

static void test_proto_names_and_checks(void)
{
	struct vhost_user_msg m = { .hdr = { VHOST_USER_SET_MEM_TABLE, 1, 8 } };
	const char *why;

	CU_ASSERT_STRING_EQUAL(vhost_user_request_name(12), "SET_VRING_KICK");
	CU_ASSERT_STRING_EQUAL(vhost_user_request_name(43),
			       "CHECK_DEVICE_STATE");
	CU_ASSERT_STRING_EQUAL(vhost_user_request_name(1000), "UNKNOWN");
	m.payload.memory.nregions = 9;
	CU_ASSERT_EQUAL(vhost_user_msg_check(&m, 0, &why), -EBADMSG);
	m.payload.memory.nregions = 1;
	CU_ASSERT_EQUAL(vhost_user_msg_check(&m, 1, &why), -EBADMSG);
	m.hdr.size = 8 + 32;
	CU_ASSERT_EQUAL(vhost_user_msg_check(&m, 1, &why), 0);
	CU_ASSERT_EQUAL(vhost_user_msg_check(&m, 2, &why), -EBADF);
	m.hdr = (struct vhost_user_hdr){ VHOST_USER_REM_MEM_REG, 1, 40 };
	CU_ASSERT_EQUAL(vhost_user_msg_check(&m, 1, &why), 0);
	CU_ASSERT_EQUAL(vhost_user_msg_check(&m, 0, &why), 0);
	CU_ASSERT_EQUAL(vhost_user_msg_check(&m, 2, &why), -EBADF);
	m.hdr = (struct vhost_user_hdr){ VHOST_USER_GPU_SET_SOCKET, 1, 0 };
	CU_ASSERT_EQUAL(vhost_user_msg_check(&m, 0, &why), -ENOSYS);
}

static void test_proto_framing(void)
{
	struct vhost_user_msg m = { .hdr = { VHOST_USER_SET_VRING_KICK, 1, 8 },
				    .payload.u64 = 3 };
	int sv[2], fds[VHOST_USER_MAX_FDS], nine[9];
	unsigned int nfds;

	CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	for (int i = 0; i < 9; i++)
		nine[i] = sv[0];
	CU_ASSERT_EQUAL(vhost_user_send(sv[0], &m, nine, 9), -EINVAL);
	CU_ASSERT_EQUAL(vhost_user_send(sv[0], &m, nine, 2), 0);
	CU_ASSERT_EQUAL(vhost_user_recv(sv[1], &m, fds, &nfds), 0);
	CU_ASSERT_EQUAL(nfds, 2);
	CU_ASSERT_EQUAL(m.payload.u64, 3);
	close(fds[0]);
	close(fds[1]);
	m.hdr.size = VHOST_USER_PAYLOAD_MAX + 1;
	CU_ASSERT_EQUAL(vhost_user_send(sv[0], &m, NULL, 0), -EINVAL);
	/* a header that stops half way, then the peer goes */
	CU_ASSERT_EQUAL(write(sv[0], &m, 5), 5);
	close(sv[0]);
	CU_ASSERT_EQUAL(vhost_user_recv(sv[1], &m, fds, &nfds), -EPIPE);
	CU_ASSERT_EQUAL(nfds, 0);
	close(sv[1]);
}

static void test_fault_args_and_subsites(void)
{
	const char *arg;
	char msg[160];

	fault_reset();
	trace_reset(true);
	CU_ASSERT_EQUAL(fault_plan_parse("dev.late:site=LOOKUP/x,arg=5ms"), 0);
	CU_ASSERT_EQUAL(fault_plan_parse("dev.error:arg=EPERM"), 0);
	CU_ASSERT_FALSE(fault_hit_arg("dev.late", "LOOKUP", "y", &arg));
	CU_ASSERT_PTR_NULL(arg);
	CU_ASSERT_FALSE(fault_hit_arg("dev.late", "GETATTR", NULL, &arg));
	CU_ASSERT(fault_hit_arg("dev.late", "LOOKUP", "x", &arg));
	CU_ASSERT_STRING_EQUAL(arg, "5ms");
	CU_ASSERT(fault_hit_arg("dev.error", "READ", NULL, &arg));
	CU_ASSERT_STRING_EQUAL(arg, "EPERM");
	CU_ASSERT(trace_find("dev.late fails (hit 3) on x arg=5ms", 0) >= 0);
	CU_ASSERT_EQUAL(fault_plan_check("dev.late:arg=", msg, sizeof(msg)),
			-EINVAL);
	CU_ASSERT_EQUAL(
		fault_plan_check("dev.late:arg=0123456789012345678901234567"
				 "890123",
				 msg, sizeof(msg)),
		-ENAMETOOLONG);
	fault_reset();
	trace_reset(false);
}

static u64 fake_now;

static u64 fake_clock(void)
{
	return fake_now += 1000; /* every look moves it 1 us */
}

static void timer_fn(struct sim_timer *t)
{
	(void)t;
}

static void test_sched_real_clock(void)
{
	struct sim_timer t = { 0 };
	u64 ns;

	sched_exit();
	CU_ASSERT_EQUAL_FATAL(sched_init(NULL), 0);
	fake_now = 0;
	sched_set_clock(fake_clock);
	sim_timer_arm(&t, 50000, timer_fn);
	/* the step waits for the clock, then fires */
	CU_ASSERT_EQUAL(sched_step(), SCHED_TIMER);
	CU_ASSERT(fake_now >= 50000);
	CU_ASSERT_FALSE(t.armed);
	sim_timer_arm(&t, sched_now() + 2000, timer_fn);
	ns = sched_now() + 2000;
	fake_now += 100000;
	sched_clock_sync();
	CU_ASSERT_FALSE(t.armed);
	CU_ASSERT_EQUAL(sched_now(), ns); /* fired at its own time */
	sched_clock_sync(); /* nothing due: the clock catches up */
	CU_ASSERT(sched_now() >= fake_now - 1000);
	sched_exit();
	sched_clock_sync(); /* harmless without a scheduler */
	CU_ASSERT_EQUAL(sched_parse_duration("15us", &ns), 0);
	CU_ASSERT_EQUAL(ns, 15000);
	CU_ASSERT_EQUAL(sched_parse_duration("15", &ns), -EINVAL);
	CU_ASSERT_EQUAL(sched_parse_duration("us", &ns), -EINVAL);
	CU_ASSERT_EQUAL(sched_parse_duration("99999999999999999999s", &ns),
			-ERANGE);
	CU_ASSERT_EQUAL(sched_parse_duration("99999999999s", &ns), -ERANGE);
}

/* A clock the test moves by hand (the host's wall). */
static u64 wall_now;

static u64 wall_clock(void)
{
	return wall_now;
}

/* When each timer fired, on the virtual clock, in firing order. */
static u64 fired_at[4];
static unsigned int nr_fired;

static void record_fn(struct sim_timer *t)
{
	(void)t;
	fired_at[nr_fired++] = sched_now();
}

/* The host wakes the machine at 35 ms, late for timers due at 20 and
 * 30 ms: they still fire one instant at a time, each at its own time, so
 * what a task does at 20 ms happens before 30 ms. (It failed before: one
 * sync fired both at 35 ms.) */
static void test_sched_late_host(void)
{
	struct sim_timer a = { 0 }, b = { 0 };

	sched_exit();
	CU_ASSERT_EQUAL_FATAL(sched_init(NULL), 0);
	wall_now = 0;
	nr_fired = 0;
	sched_set_clock(wall_clock);
	sim_timer_arm(&b, 30000000, record_fn);
	sim_timer_arm(&a, 20000000, record_fn);
	wall_now = 35000000;
	sched_clock_sync();
	CU_ASSERT_EQUAL(nr_fired, 1);
	CU_ASSERT_EQUAL(fired_at[0], 20000000);
	CU_ASSERT_TRUE(b.armed);
	CU_ASSERT_EQUAL(sched_next_time(), 30000000); /* due: a step fires */
	CU_ASSERT_EQUAL(sched_step(), SCHED_TIMER);
	CU_ASSERT_EQUAL(nr_fired, 2);
	CU_ASSERT_EQUAL(fired_at[1], 30000000);
	sched_clock_sync();
	CU_ASSERT_EQUAL(sched_now(), 35000000);
	sched_exit();
}

static DECLARE_WAIT_QUEUE_HEAD(late_wq);
static bool late_due, late_go;

/* Like a scenario's `at` block: firing only marks it due; the caller
 * starts it after the step. */
static void late_fn(struct sim_timer *t)
{
	(void)t;
	late_due = true;
}

/* An outside hook whose back end holds nothing, called after the host
 * slept past the timer: its clock sync fires it, it says "nothing
 * outside" (false). */
static bool late_hook(void *arg, u64 until)
{
	(void)arg;
	(void)until;
	wall_now += 50000000;
	sched_clock_sync();
	return false;
}

static int late_waiter(void *arg)
{
	(void)arg;
	wait_event(late_wq, late_go);
	return 0;
}

static int late_waker(void *arg)
{
	(void)arg;
	late_go = true;
	wake_up(&late_wq);
	return 0;
}

/* A task waits for what a timer will start; the hook's own clock sync
 * fires that timer and the hook returns false: the step must not call a
 * deadlock on the state from before the hook (it did, with "task w
 * blocked forever", seen in cli_backend's test_pause under load). */
static void test_sched_hook_fires_timer(void)
{
	struct sim_timer t = { 0 };

	sched_exit();
	check_clear();
	CU_ASSERT_EQUAL_FATAL(sched_init(NULL), 0);
	wall_now = 0;
	late_due = late_go = false;
	sched_set_clock(wall_clock);
	sched_set_outside(late_hook, NULL);
	task_spawn(late_waiter, NULL, "w", TASK_SYSCALL, 0);
	sim_timer_arm(&t, 40000000, late_fn);
	CU_ASSERT_EQUAL(sched_step(), SCHED_STEPPED); /* w blocks */
	CU_ASSERT_EQUAL(sched_step(), SCHED_TIMER);
	CU_ASSERT_TRUE(late_due);
	CU_ASSERT_EQUAL(check_count_kind("deadlock"), 0);
	task_spawn(late_waker, NULL, "at", TASK_FRONTEND, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(check_count_kind("deadlock"), 0);
	sched_exit();
	check_clear();
}

/* An interrupt a back end signalled before its ring stopped is flushed
 * when the ring stops; the trace says what became of it: held while the
 * device is paused, dropped once it is dead (it said "delivered"). */
static void test_flush_call_fate(void)
{
	struct vhost_user_frontend fe = { .sock = -1, .name = "src" };
	struct virtio_device vdev = { .backend_dev = &fe };
	u64 one = 1;

	trace_reset(true);
	fe.vdev = &vdev;
	fe.paused = true;
	fe.rings[0].kick = -1;
	fe.rings[0].call = eventfd(0, EFD_NONBLOCK);
	CU_ASSERT_FATAL(fe.rings[0].call >= 0);
	CU_ASSERT_EQUAL(write(fe.rings[0].call, &one, sizeof(one)), 8);
	vhost_user_frontend_flush_call(&fe, 0);
	CU_ASSERT(trace_find("stopped: interrupt held until the device "
			     "resumes",
			     0) >= 0);
	CU_ASSERT(fe.rings[0].call_held);
	CU_ASSERT_EQUAL(fe.rings[0].calls, 1);
	fe.dead = true;
	CU_ASSERT_EQUAL(write(fe.rings[0].call, &one, sizeof(one)), 8);
	vhost_user_frontend_flush_call(&fe, 0);
	CU_ASSERT(trace_find("interrupt dropped (no device to interrupt)", 0) >=
		  0);
	CU_ASSERT_EQUAL(trace_find("interrupt delivered", 0), -1);
	close(fe.rings[0].call);
	trace_reset(false);
}

VT_SUITE(sim_real_peers, NULL, NULL, VT_CASE(test_gmem_regions),
	 VT_CASE(test_mem_table), VT_CASE(test_proto_names_and_checks),
	 VT_CASE(test_proto_framing), VT_CASE(test_fault_args_and_subsites),
	 VT_CASE(test_sched_real_clock), VT_CASE(test_sched_late_host),
	 VT_CASE(test_sched_hook_fires_timer), VT_CASE(test_flush_call_fate));
