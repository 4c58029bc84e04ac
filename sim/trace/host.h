/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file host.h
 * @brief The host's memory: allocations that never fail quietly, and
 * vfsim's one policy for running out of it.
 *
 * vfsim simulates a guest kernel's memory: kmalloc() and friends, whose
 * failures the fault plan chooses (`fault kmalloc:...`), deterministic,
 * seen by the guest as -ENOMEM. It does not simulate the host's memory,
 * the memory the simulator, the device's FUSE server and the vfsim
 * program live in. Running out of that is not an event of the run: no
 * trace could be trusted after it, and a result that depended on it would
 * not be reproducible from the scenario, the policy and the seed. So:
 *
 * - every host allocation of libvfsim and of the vfsim program goes
 *   through the functions below (or, for what the C library allocates
 *   itself, checks for it), none of which returns NULL;
 * - when one fails, host_oom() prints
 *   `vfsim: out of host memory (allocating N bytes)` on standard error
 *   and exits with status HOST_OOM_EXIT (3), from the library as from the
 *   program; it never becomes an error a guest or a device sees, never a
 *   crash, and never a run that passes;
 * - a program linking libvfsim may install a handler with
 *   host_set_oom_handler() to log or clean up first. The handler must not
 *   return (exit, abort or longjmp out of the library, whose state is
 *   then undefined); if it returns, host_oom() goes on as above.
 *
 * `make sweep` (scripts/alloc-sweep.py) checks the policy: it fails each
 * host allocation of the vfsim program in turn over the scenario set and
 * requires a clean error exit (or no change at all) every time.
 * @ingroup sim_trace
 */
#ifndef VFSIM_SIM_TRACE_HOST_H
#define VFSIM_SIM_TRACE_HOST_H

#include <stddef.h>
#include <stdio.h>

/** @brief Exit status of a process that ran out of host memory. */
#define HOST_OOM_EXIT 3

/** @brief An out-of-memory handler: @p size is the allocation that failed
 *  (0 when the C library did not say). It must not return. */
typedef void (*host_oom_fn)(size_t size);

/**
 * @brief Report that the host is out of memory and exit with status
 * HOST_OOM_EXIT, after the handler if one is installed.
 * @param size the allocation that failed, in bytes (0: unknown)
 */
_Noreturn void host_oom(size_t size);

/**
 * @brief Install @p fn as the out-of-memory handler (NULL: none).
 * @return the handler it replaces
 */
host_oom_fn host_set_oom_handler(host_oom_fn fn);

/** @brief malloc() that returns memory or calls host_oom(). */
void *host_malloc(size_t size);

/** @brief calloc() that returns zeroed memory or calls host_oom()
 *  (also when @p n times @p size overflows). */
void *host_calloc(size_t n, size_t size);

/** @brief realloc() that returns memory or calls host_oom(); a @p size of
 *  0 keeps a 1-byte block (never frees, never returns NULL). */
void *host_realloc(void *p, size_t size);

/**
 * @brief free() for what the functions here allocated (and for anything
 * else free() takes). An object of a machine's image (image.h) is only
 * marked free, to be put back by image_restore().
 */
void host_free(void *p);

/** @brief strdup() that returns the copy or calls host_oom(). */
char *host_strdup(const char *s);

/** @brief strndup() that returns the copy or calls host_oom(). */
char *host_strndup(const char *s, size_t n);

/**
 * @brief open_memstream() whose writes never fail or lose bytes: its
 * buffer grows with host_realloc(). @p *buf and @p *len follow every
 * write that reaches it (after a flush, as with open_memstream()); after
 * fclose() @p *buf is a NUL-terminated string the caller frees, "" when
 * nothing was written. Its writes never fail (stdio writes through
 * unbuffered when it cannot allocate the stream's own buffer).
 */
FILE *host_memstream(char **buf, size_t *len);

/**
 * @brief For tests of this policy: make the @p n-th allocation from now
 * through these functions fail (1: the next one; 0: none), once.
 */
void host_fail_after(unsigned long n);

#endif /* VFSIM_SIM_TRACE_HOST_H */
