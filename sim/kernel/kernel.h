/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file sim.h
 * @brief One include for the whole simulated machine's kernel primitives.
 */
#ifndef VFSIM_SIM_SIM_H
#define VFSIM_SIM_SIM_H

#include "sim/atomic.h"
#include "sim/bitops.h"
#include "sim/check.h"
#include "sim/completion.h"
#include "sim/delay.h"
#include "sim/fault.h"
#include "sim/gmem.h"
#include "sim/kref.h"
#include "sim/list.h"
#include "sim/mm.h"
#include "sim/mutex.h"
#include "sim/refcount.h"
#include "sim/sched.h"
#include "sim/slab.h"
#include "sim/spinlock.h"
#include "sim/task.h"
#include "sim/trace.h"
#include "sim/types.h"
#include "sim/wait.h"
#include "sim/workqueue.h"

#endif /* VFSIM_SIM_SIM_H */
