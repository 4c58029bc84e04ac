/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file kernel.h
 * @brief One include for the whole simulated machine's kernel primitives.
 * @ingroup sim_kernel
 */
#ifndef VFSIM_SIM_KERNEL_KERNEL_H
#define VFSIM_SIM_KERNEL_KERNEL_H

#include "sim/kernel/atomic.h"
#include "sim/kernel/bitops.h"
#include "sim/kernel/check.h"
#include "sim/kernel/completion.h"
#include "sim/kernel/cpumask.h"
#include "sim/kernel/delay.h"
#include "sim/kernel/fault.h"
#include "sim/kernel/gmem.h"
#include "sim/kernel/kref.h"
#include "sim/kernel/list.h"
#include "sim/kernel/mm.h"
#include "sim/kernel/mutex.h"
#include "sim/kernel/refcount.h"
#include "sim/kernel/sched.h"
#include "sim/kernel/slab.h"
#include "sim/kernel/spinlock.h"
#include "sim/kernel/task.h"
#include "sim/trace/trace.h"
#include "sim/kernel/types.h"
#include "sim/kernel/wait.h"
#include "sim/kernel/workqueue.h"

#endif /* VFSIM_SIM_KERNEL_KERNEL_H */
