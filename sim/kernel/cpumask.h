/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file cpumask.h
 * @brief CPU masks and group_cpus_evenly(), for spreading queues over CPUs.
 *
 * A mask holds up to 64 CPUs, the most a simulated machine has. The guest
 * has one NUMA node and every possible CPU is present, which is all
 * group_cpus_evenly() needs to know here.
 * @ingroup sim_kernel
 */
#ifndef VFSIM_SIM_KERNEL_CPUMASK_H
#define VFSIM_SIM_KERNEL_CPUMASK_H

#include "sim/kernel/types.h"

/** @brief Most CPUs a mask holds. */
#define NR_CPUS 64

/** @brief A set of CPUs (kernel: struct cpumask). */
struct cpumask {
	u64 bits; /**< bit n: CPU n */
};

/** @brief cpumask_set_cpu(): add @p cpu to @p m. */
static inline void cpumask_set_cpu(unsigned int cpu, struct cpumask *m)
{
	m->bits |= 1ull << cpu;
}

/** @brief cpumask_test_cpu(): is @p cpu in @p m? */
static inline bool cpumask_test_cpu(unsigned int cpu, const struct cpumask *m)
{
	return cpu < NR_CPUS && (m->bits >> cpu) & 1;
}

/** @brief for_each_cpu(): every CPU of @p mask, lowest first. */
#define for_each_cpu(cpu, mask)                   \
	for ((cpu) = 0; (cpu) < NR_CPUS; (cpu)++) \
		if (cpumask_test_cpu((cpu), (mask)))

/**
 * @brief Kernel: group_cpus_evenly() (lib/group_cpus.c), on one node with
 * every CPU present: split the nr_cpu_ids CPUs into @p numgrps groups of
 * consecutive CPUs, the first (CPUs % groups) groups one CPU larger (6
 * CPUs in 4 groups: 2, 2, 1, 1). With more groups than CPUs each CPU is a
 * group and the rest stay empty, as the kernel leaves them.
 * @param numgrps groups wanted (1 or more)
 * @param nummasks receives how many masks were filled
 * @return a kcalloc()ed array of @p numgrps masks (kfree() it), or NULL
 *         for 0 groups or when memory runs out
 */
struct cpumask *group_cpus_evenly(unsigned int numgrps, unsigned int *nummasks);

#endif /* VFSIM_SIM_KERNEL_CPUMASK_H */
