/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * trace_internal.h - between the parts of sim/trace: string identities
 * (trace_str.c) and text output (trace_text.c) for the recorder (trace.c).
 */
#ifndef VFSIM_SIM_TRACE_TRACE_INTERNAL_H
#define VFSIM_SIM_TRACE_TRACE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "sim/trace/trace.h"

#define TRACE_FNV_OFFSET 0xcbf29ce484222325ULL
#define TRACE_FNV_PRIME	 0x100000001b3ULL

/* One 64-bit word into the running hash (rotate, xor, multiply). */
static inline uint64_t trace_mix(uint64_t h, uint64_t v)
{
	return (((h << 5) | (h >> 59)) ^ v) * 0x517cc1b727220a95ULL;
}

/* FNV-1a of a string's bytes: what a string contributes to the hash,
 * wherever it lives, so the hash does not depend on addresses. */
uint64_t trace_str_content_hash(const char *s);

/*
 * The hash of a string that is to be recorded as a name (task, kind,
 * function, queue), and in @p *s a pointer to the same text that stays
 * valid for the whole process: the same pointer when it was already one
 * (a literal, an interned name), else the interned copy.
 */
uint64_t trace_name_ref(const char **s);

/* The hash of a detail string (NULL hashes as 0), and in @p *stable
 * whether the pointer stays valid for the whole process (a literal or an
 * interned name), so a kept event need not copy it. */
uint64_t trace_str_ref(const char *s, int *stable);

/* Output into a fixed buffer, counting what a full rendering needs. */
struct trace_out {
	char *buf;
	size_t size;
	size_t len;
};

/* Append the TRACE_FMT() detail @a, formatted, to @o. */
void trace_out_args(struct trace_out *o, const struct trace_args *a);

/* malloc() that ends the process when the host is out of memory. */
void *trace_xmalloc(size_t size);

/* Bytes the interned names take (for the statistics only). */
size_t trace_names_memory(void);

#endif /* VFSIM_SIM_TRACE_TRACE_INTERNAL_H */
