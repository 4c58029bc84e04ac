/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file asan.h
 * @brief Whether this build runs under AddressSanitizer (VFSIM_ASAN),
 * whichever compiler made it.
 *
 * Tasks run on stacks of their own (task.c), which AddressSanitizer must
 * be told about: each switch is announced (sched_internal.h) and a
 * pooled stack's shadow is cleared before its next task runs on it
 * (task.c). Without that, the shadow of frames a finished task left on
 * its stack poisons the frames of the next task there, and ASan reports a
 * stack-buffer-underflow in perfectly good code. GCC says it instruments
 * with `__SANITIZE_ADDRESS__`; clang before release 18 says so only
 * through `__has_feature(address_sanitizer)` (the libFuzzer build of
 * `make fuzz` is clang's), so both are asked here, once for every file.
 * The trace (trace_store.c) poisons the blocks trace_reuse() parks, so that a
 * use after trace_reset() is still found, and a machine image (image.c)
 * the objects it keeps marked free, with mem_noaccess() below (for
 * Valgrind too); they are below sim/kernel, so this header lives at
 * their layer.
 * vfsim's own: the kernel has KASAN's annotations instead.
 * @ingroup sim_trace
 */
#ifndef VFSIM_SIM_TRACE_ASAN_H
#define VFSIM_SIM_TRACE_ASAN_H

#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__)
#define VFSIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VFSIM_ASAN 1
#endif
#endif

#ifdef VFSIM_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#endif

/*
 * Memory vfsim keeps instead of giving back (a parked trace block, a
 * machine image's object marked free) is, for AddressSanitizer and
 * Valgrind, as unusable as freed memory: a use of it is still found.
 * Taken again, it is as undefined as a fresh allocation (an uninitialised
 * read is still found), or defined when its old bytes are what it holds.
 */
/** @brief Make [@p p, @p p + @p len) unusable, as freed memory is. */
static inline void mem_noaccess(void *p, size_t len)
{
#ifdef VFSIM_ASAN
	ASAN_POISON_MEMORY_REGION(p, len);
#endif
#ifdef VALGRIND_MAKE_MEM_NOACCESS
	VALGRIND_MAKE_MEM_NOACCESS(p, len);
#endif
	(void)p;
	(void)len;
}

/** @brief Make it usable again, its bytes undefined, as a fresh
 *  allocation's are. */
static inline void mem_undefined(void *p, size_t len)
{
#ifdef VFSIM_ASAN
	ASAN_UNPOISON_MEMORY_REGION(p, len);
#endif
#ifdef VALGRIND_MAKE_MEM_UNDEFINED
	VALGRIND_MAKE_MEM_UNDEFINED(p, len);
#endif
	(void)p;
	(void)len;
}

/** @brief Its bytes are defined: what was written there before. */
static inline void mem_defined(void *p, size_t len)
{
#ifdef VALGRIND_MAKE_MEM_DEFINED
	VALGRIND_MAKE_MEM_DEFINED(p, len);
#endif
	(void)p;
	(void)len;
}

#endif /* VFSIM_SIM_TRACE_ASAN_H */
