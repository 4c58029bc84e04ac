/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file footprint.h
 * @brief Footprints of the shared objects each task touches, folded into a
 * hash of the run's partial order (vfsim's own: the kernel has no such
 * thing; the explorer's partial-order reduction uses it).
 *
 * While recording is on (fp_begin() .. fp_end(), only during a depth-first
 * exploration that prunes), every access to a shared object the machine
 * knows about (a lock taken, a wait queue waited on or woken, a task woken,
 * blocking or resuming, an atomic, a bit, a READ_ONCE()/WRITE_ONCE()
 * location, a virtqueue's rings, the workqueue pool, the timer list, the
 * task list, an interrupt line, the device's state, the fault table) is an
 * event of the running task, and so is each preemption point where the
 * scheduler makes a decision (a state is keyed at decisions; every other
 * way a task stops is an event of its own). A lock's release is none: the
 * order of acquisitions is the order of the critical sections, and the
 * release wakes its waiters through the lock's wait queue.
 * An event's hash covers its task's previous event, the previous event on
 * the same object and the last opaque event: a Merkle hash of the
 * happens-before graph. fp_class() sums the hashes of all events so far,
 * so two runs that did the same events in orders that differ only by
 * swapping events of different tasks on different objects (Mazurkiewicz
 * equivalent runs) have the same class, whatever their interleaving.
 *
 * Where the machine cannot name what a step touches (a timer fired
 * outside any task, a checker report, a bug switch's code path, a
 * scenario trigger, anything outside a task), the event is opaque: it
 * depends on every event before it and every event after depends on it.
 *
 * The assumption: every access to shared host memory that is not one of
 * the objects above happens under a lock (or another object) the
 * footprint names, as in the kernel's locking rules. docs/explore.md says
 * where that holds and what the reduction does where it does not.
 *
 * Off (the default), each hook costs one test of a global flag (about 60
 * of them, 123 instructions, in a GETATTR round trip of 6,200); a
 * preemption point, a lock taken and a counted fault rule record only in
 * the out-of-line parts an exploring run always takes.
 * @ingroup sim_kernel
 */
#ifndef VFSIM_SIM_KERNEL_FOOTPRINT_H
#define VFSIM_SIM_KERNEL_FOOTPRINT_H

#include "sim/kernel/types.h"

/** @brief True while footprints are recorded (fp_begin() .. fp_end()). */
extern bool fp_on;

/**
 * @brief The device model and its transport, one footprint object: a
 * device task's deciding preemption points, blocks, resumptions and exit
 * touch it (the device's own state is shared by its workers without the
 * kernel's locks), and so does every
 * transport call between driver and device (status, reset, kick, queue
 * set-up and deletion, interrupts raised).
 */
extern const char fp_device_state;

/** @brief fp_touch()'s recording half (out of line). */
void fp_access(const void *obj);
/** @brief fp_point()'s recording half (out of line). */
void fp_point_slow(void);
/** @brief fp_opaque()'s recording half (out of line). */
void fp_opaque_slow(void);

/**
 * @brief The running task accesses shared object @p obj (any address that
 * names it for the run's lifetime). Outside tasks: an opaque event.
 */
static inline void fp_touch(const void *obj)
{
	if (__builtin_expect(fp_on, 0))
		fp_access(obj);
}

/** @brief The running task is at a preemption point where a decision is
 *  made (its place in its own code is part of the state keyed there). */
static inline void fp_point(void)
{
	if (__builtin_expect(fp_on, 0))
		fp_point_slow();
}

/** @brief The running step touches what no footprint names: it conflicts
 *  with every step before and after it. */
static inline void fp_opaque(void)
{
	if (__builtin_expect(fp_on, 0))
		fp_opaque_slow();
}

/** @brief fp_spawn()'s recording half (out of line). */
u64 fp_spawn_slow(u32 id);

/**
 * @brief A task with spawn order @p id is created by the running task (or
 * outside tasks): an event on the task list.
 * @return the new task's first chain value (0 when off: derived from
 *         @p id at its first event)
 */
static inline u64 fp_spawn(u32 id)
{
	return __builtin_expect(fp_on, 0) ? fp_spawn_slow(id) : 0;
}

/** @brief A key for a shared object that is no host address: a guest
 *  physical address @p gpa (a ring's descriptor table). */
static inline const void *fp_gpa_key(u64 gpa)
{
	return (const void *)(uintptr_t)(gpa | (1ULL << 62));
}

/** @brief Start recording for a new run (every object forgotten). */
void fp_begin(void);

/** @brief Stop recording. */
void fp_end(void);

/** @brief The hash of the run's partial order so far (see the file
 *  comment): equal for equivalent runs. */
u64 fp_class(void);

/** @brief Events recorded since fp_begin(). */
u64 fp_events(void);

/** @brief Opaque events recorded since fp_begin(). */
u64 fp_opaque_events(void);

/** @brief Copy the run's footprints so far, for a machine image
 *  (sim/trace/image.h; vfsim's own), taken at the end of its set-up. */
void fp_image_take(void);

/** @brief Whether fp_image_restore() fits the run: footprints on or off
 *  as when the image was taken, and a run just begun. */
bool fp_image_ready(void);

/** @brief Put the image's footprints into the run fp_begin() began. */
void fp_image_restore(void);

/** @brief Forget the copy of fp_image_take(). */
void fp_image_drop(void);

#endif /* VFSIM_SIM_KERNEL_FOOTPRINT_H */
