/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * trace_internal.h - between the parts of sim/trace: string identities
 * (trace_str.c) and text output (trace_text.c, trace_fmt.c, trace_json.c)
 * for the recorder (trace.c).
 */
#ifndef VFSIM_SIM_TRACE_TRACE_INTERNAL_H
#define VFSIM_SIM_TRACE_TRACE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "sim/trace/trace.h"

/** @cond INTERNAL */
#define trace_unlikely(x) __builtin_expect(!!(x), 0)
#define trace_likely(x)	  __builtin_expect(!!(x), 1)

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

/* Immutable pointer (a literal, an interned name) -> content hash:
 * direct-mapped, each key in one of two slots. */
#define TRACE_IMM_BITS 13

struct trace_imm {
	const char *p;
	uint64_t h;
};

extern struct trace_imm trace_imm[(1u << TRACE_IMM_BITS) + 1];

static inline size_t trace_imm_slot(const char *p)
{
	return (size_t)(((uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ULL) >>
			(64 - TRACE_IMM_BITS));
}

uint64_t trace_name_ref_slow(const char **s);
uint64_t trace_str_ref_slow(const char *s, int *stable);

/* The cached hash of @p (a pointer that stays valid), found in one of
 * its two slots: true and *h, or false. */
static inline int trace_imm_find(const char *p, uint64_t *h)
{
	size_t i = trace_imm_slot(p);

	if (trace_imm[i].p == p || trace_imm[++i].p == p) {
		*h = trace_imm[i].h;
		return 1;
	}
	return 0;
}

/*
 * The hash of a string that is to be recorded as a name (task, kind,
 * function, queue), and in @p *s a pointer to the same text that stays
 * valid for the whole process: the same pointer when it was already one
 * (a literal, an interned name), else the interned copy.
 */
static inline uint64_t trace_name_ref(const char **s)
{
	uint64_t h;

	return trace_imm_find(*s, &h) ? h : trace_name_ref_slow(s);
}

/* The hash of a detail string (NULL hashes as 0), and in @p *stable
 * whether the pointer stays valid for the whole process (a literal or an
 * interned name), so a kept event need not copy it. */
static inline uint64_t trace_str_ref(const char *s, int *stable)
{
	uint64_t h;

	*stable = 1;
	if (!s)
		return 0;
	return trace_imm_find(s, &h) ? h : trace_str_ref_slow(s, stable);
}

/* Bytes the interned names take (for the statistics only). */
size_t trace_names_memory(void);

/* Writers of JSON into a trace_text (trace_json.c), for trace_perfetto.c:
 * printf-style text; a JSON string (quotes included) with @s escaped;
 * the event as trace_format_json() writes it (no newline). */
void trace_text_printf(struct trace_text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void trace_text_json_str(struct trace_text *t, const char *s);
void trace_text_json_event(struct trace_text *t, const struct trace_event *ev);

/** @endcond */

#endif /* VFSIM_SIM_TRACE_TRACE_INTERNAL_H */
