/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file image.h
 * @brief A machine's image: what a built machine is made of in the host's
 * memory, copied once and put back before each later run, so that an
 * explorer that runs one scenario thousands of times builds its machine
 * once (vfsim's own; a kernel has nothing like it, and QEMU's snapshots
 * save a guest, not the emulator's own data structures).
 *
 * A machine is made of three kinds of host memory:
 *
 * - **file-level state** of the modules it uses (the scheduler's run queue
 *   and clock, the slab's tables, the fault plan...): each module names
 *   its own with IMAGE_STATE(), and image_take() copies them all;
 * - **host allocations made while it was built** (the device, the
 *   driver's host-side objects, task structs...): image_record() notes
 *   every host_malloc() and friend from the start of set-up; image_take()
 *   pins those still alive and copies them. A pinned object's
 *   host_free() does not give it back: it only marks it free, so that
 *   image_restore() can put it back where every pointer to it expects it.
 *   Allocations made with recording paused (image_pause()) are not the
 *   machine's: they outlive it (the trace's blocks, the names' pool, the
 *   request ledger the explorer keeps);
 * - **the rest**, which its owner saves and puts back itself: guest
 *   memory (sim/kernel/gmem.h), the tasks' stacks (sim/kernel/sched.h),
 *   the trace's first events (trace_mark()).
 *
 * The order of a reuse (sim/cli/machine.c): the first machine is built
 * with recording on, then image_take(); each run's teardown frees
 * everything as always (pinned objects are only marked free); the next
 * machine is image_restore()d instead of built. A pinned object that the
 * teardown did not free is still in someone's use: image_restore() then
 * refuses, changing nothing, and the caller builds the machine from
 * nothing, as without an image.
 * @ingroup sim_trace
 */
#ifndef VFSIM_SIM_TRACE_IMAGE_H
#define VFSIM_SIM_TRACE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

/**
 * @brief Name @p size bytes at @p p as file-level state of a machine
 * (use IMAGE_STATE(), which calls this before main()).
 */
void image_register(void *p, size_t size);

/** @brief Name the static variable @p var as file-level state of a
 *  machine: image_take() copies it, image_restore() puts it back. */
#define IMAGE_STATE(var)                                                 \
	static void __attribute__((constructor)) image_state_##var(void) \
	{                                                                \
		image_register(&(var), sizeof(var));                     \
	}

/**
 * @brief Start (@p on) or stop noting host allocations as the machine's.
 * Starting forgets what an earlier recording noted (not what is pinned);
 * stopping keeps it for image_take().
 */
void image_record(bool on);

/**
 * @brief Pause (@p on) or resume recording, nested: allocations made
 * while paused are not the machine's (they outlive it).
 */
void image_pause(bool on);

/**
 * @brief Take the image: pin every recorded allocation still alive and
 * copy it, copy every IMAGE_STATE() variable. Stops recording.
 * Guarantees: until image_drop(), a pinned object is never given back to
 * the C library.
 * @return the bytes copied
 */
size_t image_take(void);

/** @brief Whether an image is taken (and not dropped). */
bool image_taken(void);

/** @brief Whether image_restore() would put the image back: one is
 *  taken, and every pinned object was freed since. */
bool image_restorable(void);

/**
 * @brief Put the image back: every pinned object and every IMAGE_STATE()
 * variable as image_take() found them.
 * @return 0; -EBUSY when a pinned object was never freed since (someone
 * still uses it: nothing is changed, the caller builds its machine from
 * nothing); -ENOENT without an image
 */
int image_restore(void);

/**
 * @brief Forget the image: pinned objects marked free are given back to
 * the C library, those still in use become ordinary allocations.
 */
void image_drop(void);

/** @brief The objects pinned and their bytes, for the explorer's report
 *  and tests. */
void image_stats(size_t *objects, size_t *bytes, size_t *state_bytes);

/** @cond INTERNAL */
/* host.c's hooks (host_malloc() and friends, host_free()). */
extern bool image__recording;
extern size_t image__nr_pinned;
void image__note(void *old, void *p, size_t size);
bool image__pinned(const void *p, size_t *size);
bool image__unpin_free(void *p);
/** @endcond */

#endif /* VFSIM_SIM_TRACE_IMAGE_H */
