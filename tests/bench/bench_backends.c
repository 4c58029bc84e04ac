// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_backends.c - the round trip of one GETATTR through the whole guest
 * stack against each back end: the in-process device (virtual time, the
 * host's cost only), `vfsim serve` in a second process and QEMU's virtiofsd
 * (real sockets, eventfds, shared memory, wall clock). Each figure is the
 * wall time of a run of N GETATTRs less that of the same run without
 * them, over N, through the public library (vfsim_exec()), best of three.
 * Prints numbers; never fails on time. spawn:vfsim needs $VFSIM (make
 * bench sets it); a back end that cannot be started is reported and
 * skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sim/cli/exec.h"
#include "sim/cli/scenario.h"

#define N 2000

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

static void bench(const char *label, const char *backend)
{
	double best = 1e9;

	for (int i = 0; i < 3; i++) {
		double base = run(backend, 0), full = run(backend, N);

		if (base < 0 || full < 0) {
			printf("  %-16s could not run (see above)\n", label);
			return;
		}
		if ((full - base) / N < best)
			best = (full - base) / N;
	}
	printf("  %-16s %8.2f us per GETATTR round trip (%.0f per second)\n",
	       label, best * 1e6, 1.0 / best);
}

int main(void)
{
	printf("GETATTR round trip through the guest stack, best of 3 runs "
	       "of %u:\n",
	       N);
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
