// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_roundtrip.c - GETATTR round trips through the whole stack: a
 * program in a guest syscall task calls guest_getattr(); the FUSE core
 * queues the request, the virtio-fs driver enqueues it on the ring and
 * kicks, a device queue worker pops the chain, its FUSE server answers
 * from the in-memory file system, the reply goes on the used ring, the
 * interrupt queues the driver's done work, which ends the request and
 * wakes the program. Nothing is stubbed: the same modules, and the same
 * machine, as `vfsim run` of a scenario with the default configuration
 * (one CPU, interrupts delivered by the transport, every check on).
 *
 *   bench_roundtrip                 every figure below
 *   bench_roundtrip --callgrind N [--trace|--binary] [--queue-size Q]
 *                                   a fixed warm-up then N round trips,
 *                                   for scripts/bench-callgrind.sh:
 *                                   tracing off, text, or binary kept
 *   bench_roundtrip --cpu-best      only the best CPU time of a round
 *                                   trip (scripts/bench-compare.sh)
 *   bench_roundtrip --inflight      32,768 requests in flight at once
 *                                   (run in a child of its own, so its
 *                                   peak memory is that experiment's)
 *
 * Lines starting "FIGURE" carry the figures scripts/bench.sh puts in its
 * table: "FIGURE key value unit".
 *
 * Times are the process's CPU time (one thread: the whole machine runs on
 * it), so a busy machine that takes the CPU away does not count; the wall
 * time is printed beside it. Benchmarks print numbers and never pass or
 * fail on them. They do fail on wrong answers: every reply is checked,
 * and a kernel object leak or a checker report ends the run with status 1.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "device/virtio_fs_dev.h"
#include "guest/vfsim_syscalls.h"
#include "guest/virtio_fs.h"
#include "guest/vfsim_variant.h"
#include "sim/kernel/check.h"
#include "sim/kernel/completion.h"
#include "sim/kernel/fault.h"
#include "sim/kernel/gmem.h"
#include "sim/kernel/sched.h"
#include "sim/kernel/slab.h"
#include "sim/trace/trace.h"
#include "sim/virtio/virtqueue.h"

#define WARMUP	   2000UL
#define MAX_PASSES 9
#define INFLIGHT   32768U

static void die(const char *what, int err)
{
	fprintf(stderr, "bench_roundtrip: %s: %d\n", what, err);
	if (check_count())
		check_print(stderr);
	exit(1);
}

static double clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

static double cpu_ns(void)
{
	return clock_ns(CLOCK_PROCESS_CPUTIME_ID);
}

/* --- the machine ------------------------------------------------------ */

static struct machine {
	struct vfs_dev *dev;
	struct virtio_device vdev;
	FILE *devnull;
	struct trace_text text;
} M;

/* Text tracing as `vfsim run` does it: each event formatted as a line of
 * text into a buffer, written out (here to /dev/null) as it fills. */
static void text_sink(const struct trace_event *ev, void *arg)
{
	trace_text_append(&M.text, ev, false);
	if (M.text.len >= (1u << 20)) {
		fwrite(M.text.buf, 1, M.text.len, arg);
		M.text.len = 0;
	}
}

/* Guest memory for the rings and everything in flight, with room. */
static u64 arena_size(unsigned int queue_size)
{
	return (64ULL << 20) + (u64)queue_size * 2048;
}

/* What the trace does during the round trips. */
enum trace_mode {
	TRACE_OFF,    /* TRACE() is one branch */
	TRACE_BINARY, /* every event recorded and kept in memory, no text */
	TRACE_TEXT,   /* every event formatted as text and written out */
};

/* The machine sim/cli/machine.c builds for a scenario's defaults, without
 * the scenario: one CPU, one request queue of @queue_size entries served
 * by one worker, batch 1, the driver's default variant. Events are kept
 * only in TRACE_BINARY mode (the others' memory stays flat). */
static void machine_up(unsigned int queue_size, bool indirect,
		       enum trace_mode mode)
{
	struct vfs_dev_config cfg = { .queue_size = queue_size,
				      .indirect = indirect,
				      .request_workers = 1 };
	struct sched_opts so = { .nr_cpus = 1 };
	int err;

	kmem_exit();
	gmem_exit();
	err = gmem_init(arena_size(queue_size));
	if (err)
		die("guest memory", err);
	trace_reset(mode != TRACE_OFF);
	trace_set_keep(mode == TRACE_BINARY);
	if (mode == TRACE_TEXT) {
		M.devnull = fopen("/dev/null", "w");
		if (!M.devnull)
			die("/dev/null", -errno);
		trace_set_sink(text_sink, M.devnull);
	}
	check_clear();
	check_invariant_clear();
	fault_reset();
	err = sched_init(&so);
	if (err)
		die("scheduler", err);
	virtio_fs_variant_reset();
	memset(&M.vdev, 0, sizeof(M.vdev));
	err = vfs_dev_create(&cfg, &M.dev)	   ?:
		      vfs_dev_join(M.dev, &M.vdev) ?:
		      virtio_driver_probe(&M.vdev, &virtio_fs_driver);
	if (err)
		die("machine", err);
}

static int unplug_fn(void *arg)
{
	(void)arg;
	virtio_device_unplug(&M.vdev);
	return 0;
}

/* Take it all down; a leak or a checker report fails the run. */
static void machine_down(void)
{
	size_t leaks;

	if (M.vdev.driver) {
		task_spawn(unplug_fn, NULL, "unplug", TASK_SYSCALL, 0);
		sched_run();
	}
	vfs_dev_free(M.dev);
	M.dev = NULL;
	sched_exit();
	virtio_fs_variant_reset();
	trace_set_sink(NULL, NULL);
	trace_reset(false);
	if (M.devnull)
		fclose(M.devnull);
	M.devnull = NULL;
	free(M.text.buf);
	M.text = (struct trace_text){ 0 };
	leaks = kmem_exit();
	gmem_exit();
	if (leaks || check_count())
		die("leaked kernel objects or checker reports", (int)leaks);
}

/* --- round trips ------------------------------------------------------ */

struct rt_job {
	unsigned long warmup; /* round trips before the first pass */
	unsigned long iters;  /* round trips per pass */
	int passes;
	double ns[MAX_PASSES];	 /* CPU time per round trip, each pass */
	double wall[MAX_PASSES]; /* wall time per round trip, each pass */
	unsigned long bad;	 /* wrong answers */
	u64 events;		 /* trace events of the whole run */
	/* host memory in use after each pass: malloc's, the trace's and
	 * the record of scheduling choices */
	double heap[MAX_PASSES];
};

/* Host memory the machine holds besides its fixed guest memory. */
static double host_memory(void)
{
	struct mallinfo2 mi = mallinfo2();

	return (double)(mi.uordblks + mi.hblkhd);
}

/* The program: mount, warm up, then passes of timed GETATTRs of the root. */
static int rt_program(void *arg)
{
	struct rt_job *j = arg;
	struct fuse_attr_out out;
	struct guest_fs *gfs;
	int err = guest_mount("vfsim", &gfs);

	if (err) {
		j->bad++;
		return err;
	}
	for (unsigned long i = 0; i < j->warmup; i++)
		j->bad += guest_getattr(gfs, FUSE_ROOT_ID, &out) != 0;
	for (int p = 0; p < j->passes; p++) {
		double t0 = now_ns(), c0 = cpu_ns();

		for (unsigned long i = 0; i < j->iters; i++) {
			out.attr.ino = 0;
			j->bad += guest_getattr(gfs, FUSE_ROOT_ID, &out) != 0 ||
				  out.attr.ino != FUSE_ROOT_ID;
		}
		j->ns[p] = (cpu_ns() - c0) / (double)j->iters;
		j->wall[p] = (now_ns() - t0) / (double)j->iters;
		j->heap[p] = host_memory();
	}
	return guest_umount(gfs);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Run @passes passes of @iters round trips on a fresh machine; the passes'
 * ns per round trip come back sorted. */
static void run_round_trips(struct rt_job *j, unsigned int queue_size,
			    enum trace_mode mode)
{
	struct task *t;
	int ret = -1;

	machine_up(queue_size, false, mode);
	t = task_spawn(rt_program, j, "prog", TASK_SYSCALL, 0);
	if (sched_run() != SCHED_DONE || task_join(t, &ret) || ret || j->bad)
		die("round trips went wrong", ret ? ret : (int)j->bad);
	j->events = trace_count();
	machine_down();
	qsort(j->ns, (size_t)j->passes, sizeof(j->ns[0]), cmp_double);
	qsort(j->wall, (size_t)j->passes, sizeof(j->wall[0]), cmp_double);
}

static void print_rt(const char *what, const struct rt_job *j)
{
	double best = j->ns[0], median = j->ns[j->passes / 2];

	printf("  %-17s CPU best %7.1f ns/rt (%8.0f rt/s), median %7.1f "
	       "ns/rt (%8.0f rt/s); wall median %7.1f ns/rt  [%d x %lu]\n",
	       what, best, 1e9 / best, median, 1e9 / median,
	       j->wall[j->passes / 2], j->passes, j->iters);
}

/* --- 32,768 requests in flight ------------------------------------------ */

/* One background GETATTR, in guest kernel memory like the kernel's
 * background callers' arguments. */
struct bg_getattr {
	struct fuse_args args;
	struct fuse_getattr_in in;
	struct fuse_attr_out out;
};

static struct {
	bool ready; /* mounted, INIT answered: the device may stall */
	unsigned int submitted, ended, bad;
	struct completion go, all_ended;
	struct guest_fs *gfs;
	double t_fill, t_drain;
} BG;

static void bg_end(struct fuse_mount *fm, struct fuse_args *args, int error)
{
	struct bg_getattr *b = container_of(args, struct bg_getattr, args);

	(void)fm;
	BG.bad += error || b->out.attr.ino != FUSE_ROOT_ID;
	kfree(b);
	if (++BG.ended == INFLIGHT)
		complete(&BG.all_ended);
}

/* As root writing /sys/fs/fuse/connections/N/max_background would. */
static void set_max_background(struct fuse_conn *fc, unsigned int n)
{
	spin_lock(&fc->bg_lock);
	fc->max_background = n;
	fc->blocked = fc->num_background >= fc->max_background;
	if (!fc->blocked)
		wake_up(&fc->blocked_waitq);
	spin_unlock(&fc->bg_lock);
}

static int bg_program(void *arg)
{
	double t0;
	int err;

	(void)arg;
	/* INIT goes in the background: one answer proves it is done */
	err = guest_mount("vfsim", &BG.gfs) ?:
		      guest_getattr(BG.gfs, FUSE_ROOT_ID, NULL);
	if (err)
		return err;
	set_max_background(BG.gfs->fm->fc, INFLIGHT);
	BG.ready = true;
	wait_for_completion(&BG.go);
	t0 = cpu_ns();
	for (unsigned int i = 0; i < INFLIGHT; i++) {
		struct bg_getattr *b = kzalloc(sizeof(*b), GFP_KERNEL);

		if (!b)
			return -ENOMEM;
		b->args.opcode = FUSE_GETATTR;
		b->args.nodeid = FUSE_ROOT_ID;
		b->args.in_numargs = 1;
		b->args.in_args[0].size = sizeof(b->in);
		b->args.in_args[0].value = &b->in;
		b->args.out_numargs = 1;
		b->args.out_args[0].size = sizeof(b->out);
		b->args.out_args[0].value = &b->out;
		b->args.end = bg_end;
		err = fuse_simple_background(BG.gfs->fm, &b->args, GFP_KERNEL);
		if (err) {
			kfree(b);
			return err;
		}
		BG.submitted++;
	}
	BG.t_fill = cpu_ns() - t0;
	wait_for_completion(&BG.all_ended);
	return guest_umount(BG.gfs);
}

static bool bg_ready(void *arg)
{
	return BG.ready || task_done(arg);
}

static bool all_submitted(void *arg)
{
	return BG.submitted == INFLIGHT || task_done(arg);
}

/* Requests the device has been offered and not popped: its avail ring's
 * index against its next index to pop, both read from the device side. */
static unsigned int device_ring_holds(struct virtio_fs_vq *fsvq)
{
	struct vfs_dev_queue_stats st;
	const struct vring_avail *avail;

	if (vfs_dev_queue_stats(M.dev, 1, &st))
		die("no request queue", -ENODEV);
	avail = phys_to_virt(virtqueue_get_avail_addr(fsvq->vq));
	return (u16)(le16_to_cpu(avail->idx) - st.last_avail);
}

/* The child's experiment: a 32768-entry queue (indirect descriptors, so
 * each request takes one entry), the device stalled while the program
 * queues 32,768 background GETATTRs, checked to be all in the ring at
 * once, then released and every answer checked. */
static int inflight_child(void)
{
	struct vfs_dev_queue_stats st;
	struct virtio_fs_vq *fsvq;
	unsigned int held, num_free;
	struct task *t;
	long in_flight;
	double t0;
	int ret = -1;

	machine_up(INFLIGHT, true, TRACE_OFF);
	fsvq = &((struct virtio_fs *)M.vdev.priv)->vqs[1];
	init_completion(&BG.go);
	init_completion(&BG.all_ended);
	t = task_spawn(bg_program, NULL, "prog", TASK_SYSCALL, 0);
	if (sched_run_until(bg_ready, t) != SCHED_STOPPED || !BG.ready)
		die("could not mount", -EIO);
	vfs_dev_pause(M.dev, true);
	complete(&BG.go);
	/* stops once the last one is queued and the program waits */
	if (sched_run_until(all_submitted, t) != SCHED_STOPPED ||
	    BG.submitted != INFLIGHT)
		die("could not queue every request", (int)BG.submitted);
	held = device_ring_holds(fsvq);
	in_flight = fsvq->in_flight;
	num_free = fsvq->vq->num_free;
	vfs_dev_queue_stats(M.dev, 1, &st);
	if (held != INFLIGHT || in_flight != INFLIGHT || num_free != 0 ||
	    st.in_progress != 0 || st.popped != 2 || BG.ended != 0)
		die("not all in flight at once", (int)held);
	printf("  in flight at once: %u requests (device's ring holds %u "
	       "chains, driver in_flight %ld, free descriptors %u; popped "
	       "before the stall: %llu, INIT and one GETATTR)\n",
	       BG.submitted, held, in_flight, num_free,
	       (unsigned long long)st.popped);
	vfs_dev_pause(M.dev, false);
	t0 = cpu_ns();
	if (sched_run() != SCHED_DONE || task_join(t, &ret) || ret ||
	    BG.ended != INFLIGHT || BG.bad)
		die("draining went wrong", ret ? ret : (int)BG.bad);
	BG.t_drain = cpu_ns() - t0;
	printf("  CPU time: queue %.0f ns/request, drain %.0f ns/request; guest "
	       "memory peak %.1f MiB\n",
	       BG.t_fill / INFLIGHT, BG.t_drain / INFLIGHT,
	       (double)gmem_get_stats().peak / (1 << 20));
	machine_down();
	fflush(stdout);
	return 0;
}

/* Run the experiment in a fresh process of its own: its peak resident
 * size is then the experiment's and nothing else's. */
static int inflight(const char *self)
{
	struct rusage ru;
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork", -errno);
	if (pid == 0) {
		execl(self, self, "--inflight", (char *)NULL);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		die("the in-flight child failed", status);
	printf("  peak memory of that process: %.1f MiB (max RSS)\n",
	       (double)ru.ru_maxrss / 1024);
	printf("FIGURE inflight_rss %.1f MiB\n", (double)ru.ru_maxrss / 1024);
	return 0;
}

/* --- modes ------------------------------------------------------------ */

/* A fixed warm-up, then @n round trips: callgrind counts the whole run,
 * scripts/bench-callgrind.sh takes the difference of two values of @n. */
static int callgrind_mode(unsigned long n, enum trace_mode mode,
			  unsigned int queue_size)
{
	struct rt_job j = { .warmup = 100, .iters = n, .passes = 1 };

	run_round_trips(&j, queue_size, mode);
	printf("round trips: %lu\nevents: %llu\n", n,
	       (unsigned long long)j.events);
	return 0;
}

/* The best of a few passes' CPU time per round trip, alone on a line:
 * scripts/bench-compare.sh runs two builds' turn about. */
static int cpu_best_mode(void)
{
	struct rt_job j = { .warmup = WARMUP, .iters = 50000, .passes = 3 };

	run_round_trips(&j, 0, TRACE_OFF);
	printf("%.2f\n", j.ns[0]);
	return 0;
}

static void print_machine(void)
{
	printf("bench_roundtrip: GETATTR of the root, one program, whole "
	       "stack (driver variant %s; the scenario defaults: 1 CPU, "
	       "1 request queue, 1 worker, batch 1, memfs)\n",
	       virtio_fs_variant_name(virtio_fs_get_variant()));
}

/* Parse the --callgrind mode's arguments. */
static int callgrind_args(int argc, char **argv)
{
	enum trace_mode mode = TRACE_OFF;
	unsigned long n = strtoul(argv[2], NULL, 10);
	unsigned long q = 0;

	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--trace"))
			mode = TRACE_TEXT;
		else if (!strcmp(argv[i], "--binary"))
			mode = TRACE_BINARY;
		else if (!strcmp(argv[i], "--queue-size") && i + 1 < argc)
			q = strtoul(argv[++i], NULL, 10);
		else
			return -1;
	}
	if (!n || q > INFLIGHT || (q & (q - 1)))
		return -1;
	return callgrind_mode(n, mode, (unsigned int)q);
}

int main(int argc, char **argv)
{
	static const unsigned int sizes[] = { 8, 256, INFLIGHT };
	struct rt_job off = { .warmup = WARMUP, .iters = 200000, .passes = 7 };
	struct rt_job on = { .warmup = WARMUP, .iters = 4000, .passes = 5 };
	double per[3], lo = 1e30, hi = 0, growth;

	if (argc >= 3 && !strcmp(argv[1], "--callgrind") &&
	    callgrind_args(argc, argv) == 0)
		return 0;
	if (argc == 2 && !strcmp(argv[1], "--inflight"))
		return inflight_child();
	if (argc == 2 && !strcmp(argv[1], "--cpu-best"))
		return cpu_best_mode();
	if (argc != 1) {
		fprintf(stderr,
			"usage: bench_roundtrip [--callgrind N [--trace|--binary]"
			" [--queue-size Q] | --cpu-best | --inflight]\n");
		return 2;
	}

	print_machine();
	printf("round trip, default queue size (128):\n");
	run_round_trips(&off, 0, TRACE_OFF);
	print_rt("tracing off", &off);
	growth = (off.heap[off.passes - 1] - off.heap[0]) /
		 ((double)(off.passes - 1) * (double)off.iters);
	printf("  host memory in use after each pass: %.0f .. %.0f bytes: "
	       "%.3f bytes of growth per round trip\n",
	       off.heap[0], off.heap[off.passes - 1], growth);
	run_round_trips(&on, 0, TRACE_TEXT);
	print_rt("text tracing on", &on);
	printf("FIGURE rt_cpu_best %.1f ns\n", off.ns[0]);
	printf("FIGURE rt_cpu_median %.1f ns\n", off.ns[off.passes / 2]);
	printf("FIGURE rt_growth %.3f bytes\n", growth);
	printf("FIGURE rt_text_cpu_best %.1f ns\n", on.ns[0]);

	printf("per-request cost by queue size (tracing off):\n");
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct rt_job j = { .warmup = WARMUP,
				    .iters = 60000,
				    .passes = 5 };
		char what[32];

		run_round_trips(&j, sizes[i], TRACE_OFF);
		snprintf(what, sizeof(what), "queue size %u", sizes[i]);
		print_rt(what, &j);
		per[i] = j.ns[j.passes / 2];
		lo = per[i] < lo ? per[i] : lo;
		hi = per[i] > hi ? per[i] : hi;
	}
	printf("  max/min of the medians: %.2f (CPU time; "
	       "scripts/bench-callgrind.sh counts instructions)\n",
	       hi / lo);

	printf("%u requests in flight at once (queue size %u, indirect "
	       "descriptors, background requests):\n",
	       INFLIGHT, INFLIGHT);
	return inflight("/proc/self/exe");
}
