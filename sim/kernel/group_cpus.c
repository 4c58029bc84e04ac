// SPDX-License-Identifier: GPL-2.0-only
/*
 * group_cpus.c - twin of Linux lib/group_cpus.c for a machine with one
 * node whose CPUs are all present: what is left of the per-node spreading
 * is the split of consecutive CPUs into groups of nearly equal size.
 */
#include "sim/kernel/cpumask.h"
#include "sim/kernel/sched.h"
#include "sim/kernel/slab.h"

/* Kernel: group_cpus_evenly() -> assign_cpus_to_groups() on one node:
 * the rounding error goes to the first groups. */
struct cpumask *group_cpus_evenly(unsigned int numgrps, unsigned int *nummasks)
{
	unsigned int ncpus = nr_cpu_ids, grps, extra, cpu = 0;
	struct cpumask *masks;

	*nummasks = 0;
	if (!numgrps)
		return NULL;
	masks = kcalloc(numgrps, sizeof(*masks), GFP_KERNEL);
	if (!masks)
		return NULL;
	grps = numgrps < ncpus ? numgrps : ncpus;
	extra = ncpus - grps * (ncpus / grps);
	for (unsigned int g = 0; g < grps; g++) {
		unsigned int per = ncpus / grps;

		if (extra) {
			per++;
			extra--;
		}
		for (unsigned int k = 0; k < per; k++)
			cpumask_set_cpu(cpu++, &masks[g]);
	}
	*nummasks = grps;
	return masks;
}
