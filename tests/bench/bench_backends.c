// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_backends.c - the round trip of one GETATTR through the whole guest
 * stack against each back end: the in-process device (virtual time, the
 * host's cost only), `vfsim serve` in a second process and QEMU's virtiofsd
 * (real sockets, eventfds, shared memory, wall clock). Each figure is the
 * wall time of a run of N GETATTRs less that of the same run without
 * them, over N, through the public library (vfsim_exec()): the best of
 * five runs of each.
 * Prints numbers; never fails on time. spawn:vfsim needs $VFSIM (make
 * bench sets it); a back end that cannot be started is reported and
 * skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sim/cli/exec.h"
#include "sim/cli/scenario.h"

#define N    2000
#define RUNS 5

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds for one run of @n GETATTRs on @backend, or -1. */
static double run(const char *backend, unsigned int n)
{
	char text[320];
	struct scenario_error err;
	struct scenario *s;
	struct vfsim_exec_opts o = { .backend = backend,
				     .format = VFSIM_TRACE_NONE };
	struct vfsim_result r;
	double t0, t;
	int st;

	char loop[64] = "";

	if (n) /* a repeat takes at least 1 */
		snprintf(loop, sizeof(loop),
			 "  repeat %u\n    getattr /f\n  end\n", n);
	snprintf(text, sizeof(text),
		 "fs\n  file /f \"x\"\nend\n"
		 "task t stop-on-error\n  mount\n  getattr /f\n%s"
		 "  umount\nend\nrun\nexpect task t returns 0\n",
		 loop);
	if (scenario_parse_string("bench.vfs", text, &s, &err)) {
		fprintf(stderr, "bench_backends: %s\n", err.msg);
		return -1;
	}
	t0 = now_s();
	st = vfsim_exec(s, &o, &r);
	t = now_s() - t0;
	if (st)
		fprintf(stderr, "bench_backends: %s: status %d %s\n",
			backend ? backend : "sim", st, r.error);
	vfsim_result_free(&r);
	scenario_free(s);
	return st ? -1 : t;
}

/*
 * The best (least) time of the runs without GETATTRs and the best of the
 * runs with them, each over RUNS runs: each minimum is the run the rest
 * of the machine disturbed least. Taking the best of per-pair differences
 * instead let one slow start-up make a difference negative.
 */
static void bench(const char *label, const char *backend)
{
	double base = 1e9, full = 1e9;

	for (int i = 0; i < RUNS; i++) {
		double b = run(backend, 0), f = run(backend, N);

		if (b < 0 || f < 0) {
			printf("  %-16s could not run (see above)\n", label);
			return;
		}
		base = b < base ? b : base;
		full = f < full ? f : full;
	}
	if (full <= base) {
		printf("  %-16s below the noise: best run of %u GETATTRs "
		       "%.3f ms, without them %.3f ms\n",
		       label, N, full * 1e3, base * 1e3);
		return;
	}
	printf("  %-16s %8.2f us per GETATTR round trip (%.0f per second)\n",
	       label, (full - base) / N * 1e6, N / (full - base));
}

int main(void)
{
	printf("GETATTR round trip through the guest stack, best of %d runs "
	       "of %u and of 0:\n",
	       RUNS, N);
	bench("in-process", NULL);
	if (getenv("VFSIM"))
		bench("spawn:vfsim", "spawn:vfsim");
	else
		printf("  %-16s not run: $VFSIM (the vfsim program) is not "
		       "set\n",
		       "spawn:vfsim");
	bench("spawn:virtiofsd", "spawn:virtiofsd");
	return 0;
}
