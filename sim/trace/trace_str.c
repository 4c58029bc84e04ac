// SPDX-License-Identifier: GPL-2.0-only
/*
 * trace_str.c - what the trace knows about strings: which pointers stay
 * valid (and unchanged) for the whole process, their content hashes, and
 * the process-wide pool of interned names.
 *
 * Recording an event must not print, copy or hash its strings every
 * time. Most of them are literals (kinds, functions, formats, fixed
 * details) or interned names (tasks, queues): such a pointer never
 * changes what it points to, so its content hash is computed once and
 * found again by the pointer in a small cache. A string that is neither
 * (a name in an object's buffer) is looked up in a second cache that maps
 * the buffer to its interned copy, checked by comparing the text, since a
 * buffer may be reused for another name.
 *
 * A literal is recognised by its address: it lies in a segment of a
 * loaded object that is mapped without write permission. The segments
 * are listed once (dl_iterate_phdr()).
 */
#define _GNU_SOURCE /* struct dl_phdr_info */
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/trace/image.h"
#include "sim/trace/host.h"
#include "sim/trace/trace_internal.h"

/* Buffer -> interned name. */
#define DYN_BITS 9
#define MAX_RO	 64

struct pool_str {
	uint64_t hash;
	char s[];
};

struct trace_imm trace_imm[(1u << TRACE_IMM_BITS) + 1];

static struct {
	struct {
		const char *p;
		const struct pool_str *n;
	} dyn[1u << DYN_BITS];
	/* interned names: open addressing on the content hash */
	const struct pool_str **pool;
	size_t pool_size, pool_used, pool_bytes;
	/* read-only segments of the loaded objects */
	struct {
		uintptr_t lo, hi;
	} ro[MAX_RO];
	unsigned nr_ro;
	int ro_listed;
} S;

uint64_t trace_str_content_hash(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint64_t h = TRACE_FNV_OFFSET;

	if (!s)
		return 0;
	while (*p) {
		h ^= *p++;
		h *= TRACE_FNV_PRIME;
	}
	return h;
}

static int list_segment(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	(void)arg;
	for (unsigned i = 0; i < info->dlpi_phnum && S.nr_ro < MAX_RO; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W))
			continue;
		S.ro[S.nr_ro].lo = info->dlpi_addr + ph->p_vaddr;
		S.ro[S.nr_ro].hi = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
		S.nr_ro++;
	}
	return 0;
}

static int by_lo(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

/* In a segment mapped without write permission: a literal. */
static int is_literal(const char *s)
{
	uintptr_t p = (uintptr_t)s;
	unsigned lo = 0, hi;

	if (!S.ro_listed) {
		S.ro_listed = 1;
		dl_iterate_phdr(list_segment, NULL);
		qsort(S.ro, S.nr_ro, sizeof(S.ro[0]), by_lo);
	}
	/* the last segment starting at or below p */
	hi = S.nr_ro;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (S.ro[mid].lo <= p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && p < S.ro[lo - 1].hi;
}

static void imm_add(const char *p, uint64_t h)
{
	size_t i = trace_imm_slot(p);

	if (trace_imm[i].p && !trace_imm[i + 1].p)
		i++;
	trace_imm[i].p = p;
	trace_imm[i].h = h;
}

static const struct pool_str *pool_find(const char *s, uint64_t h)
{
	size_t mask = S.pool_size - 1;

	if (!S.pool_size)
		return NULL;
	for (size_t i = h & mask; S.pool[i]; i = (i + 1) & mask)
		if (S.pool[i]->hash == h && !strcmp(S.pool[i]->s, s))
			return S.pool[i];
	return NULL;
}

static void pool_grow(void)
{
	size_t old = S.pool_size, size = old ? 2 * old : 256;
	const struct pool_str **tab = host_malloc(size * sizeof(*tab));

	memset(tab, 0, size * sizeof(*tab));
	for (size_t i = 0; i < old; i++) {
		size_t j;

		if (!S.pool[i])
			continue;
		for (j = S.pool[i]->hash & (size - 1); tab[j];
		     j = (j + 1) & (size - 1))
			;
		tab[j] = S.pool[i];
	}
	host_free(S.pool);
	S.pool = tab;
	S.pool_size = size;
}

static const struct pool_str *pool_intern(const char *s, uint64_t h)
{
	const struct pool_str *n = pool_find(s, h);
	struct pool_str *fresh;
	size_t len;
	size_t i;

	if (n)
		return n;
	/* the process's names, not a machine image's (image.h) */
	image_pause(true);
	if (2 * (S.pool_used + 1) > S.pool_size)
		pool_grow();
	len = strlen(s) + 1;
	fresh = host_malloc(sizeof(*fresh) + len);
	image_pause(false);
	fresh->hash = h;
	memcpy(fresh->s, s, len);
	for (i = h & (S.pool_size - 1); S.pool[i];
	     i = (i + 1) & (S.pool_size - 1))
		;
	S.pool[i] = fresh;
	S.pool_used++;
	S.pool_bytes += sizeof(*fresh) + len;
	imm_add(fresh->s, h);
	return fresh;
}

const char *trace_name(const char *name)
{
	uint64_t h;

	if (!name)
		return NULL;
	h = trace_str_content_hash(name);
	return pool_intern(name, h)->s;
}

size_t trace_names_memory(void)
{
	return S.pool_bytes + S.pool_size * sizeof(*S.pool);
}

uint64_t trace_name_ref_slow(const char **s)
{
	const char *p = *s;
	size_t d = (size_t)(((uintptr_t)p >> 3) & ((1u << DYN_BITS) - 1));
	const struct pool_str *n = S.dyn[d].n;
	uint64_t h;

	if (S.dyn[d].p == p && !strcmp(p, n->s)) {
		*s = n->s;
		return n->hash;
	}
	h = trace_str_content_hash(p);
	if (is_literal(p)) {
		imm_add(p, h);
		return h;
	}
	n = pool_intern(p, h);
	S.dyn[d].p = p;
	S.dyn[d].n = n;
	*s = n->s;
	return h;
}

uint64_t trace_str_ref_slow(const char *s, int *stable)
{
	uint64_t h = trace_str_content_hash(s);
	const struct pool_str *n = pool_find(s, h);

	if ((n && n->s == s) || is_literal(s)) {
		imm_add(s, h);
		return h;
	}
	*stable = 0;
	return h;
}
