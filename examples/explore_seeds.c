// SPDX-License-Identifier: GPL-2.0-only
/*
 * explore_seeds.c - schedule exploration: run one workload (two tasks
 * racing a write and a read on one file, with the device completing in
 * random order) under many random schedules, check the outcome of each,
 * and print the replay string of any schedule that breaks it. Each seed
 * is also run twice to show that a seed fixes the whole run.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <vfsim/vfsim.h>

/* One run under policy random:SEED; returns its trace hash, or 0. */
static uint64_t run_one(uint64_t seed, int *bad)
{
	struct vfsim_config cfg = { .policy = "random",
				    .seed = seed,
				    .cpus = 2,
				    .queues = 2,
				    .device_batch = 4,
				    .device_order = "random" };
	struct vfsim *vm = vfsim_machine_new(&cfg);
	struct vfsim_task *w, *r;
	char choices[256];
	uint64_t hash;
	int err;

	if (!vm || vfsim_fs_file(vm, "/f", "aaaa", 4))
		return 0;
	w = vfsim_task_new(vm, "writer");
	vfsim_op(w, "mount");
	vfsim_op(w, "open /f as h rw");
	vfsim_op(w, "write h 0 \"bbbb\"");
	vfsim_op(w, "release h");
	r = vfsim_task_new(vm, "reader");
	vfsim_op(r, "open /f as h");
	vfsim_op(r, "read h 0 4");
	vfsim_op(r, "release h");
	vfsim_task_start(w);
	vfsim_run_until_event(vm, "\"mount op 1: 0\""); /* reader needs it */
	vfsim_task_start(r);
	*bad = vfsim_run(vm) != VFSIM_DONE || vfsim_reports(vm, NULL) ||
	       vfsim_task_result(r, 0, &err, NULL) || err != 0;
	if (*bad) {
		vfsim_choices(vm, choices, sizeof(choices));
		printf("seed %" PRIu64 " fails; replay with policy %.60s...\n",
		       seed, choices);
	}
	hash = vfsim_trace_hash(vm);
	*bad |= vfsim_machine_free(vm) != 0;
	return hash;
}

int main(int argc, char **argv)
{
	unsigned seeds = argc > 1 ? (unsigned)atoi(argv[1]) : 50, failed = 0;
	unsigned distinct = 0;
	uint64_t prev = 0;

	for (uint64_t seed = 1; seed <= seeds; seed++) {
		int bad = 0, again = 0;
		uint64_t h = run_one(seed, &bad);

		if (!h || run_one(seed, &again) != h) {
			printf("seed %" PRIu64 ": not reproducible\n", seed);
			return 1;
		}
		distinct += h != prev;
		prev = h;
		failed += bad;
	}
	printf("explore_seeds: %u schedules, %u failed, %u changes of trace\n",
	       seeds, failed, distinct);
	return failed ? 1 : 0;
}
