// SPDX-License-Identifier: GPL-2.0-only
/*
 * image.c - a machine's image in the host's memory (image.h): the
 * file-level state its modules name, and the host allocations made while
 * it was built, pinned so that they can be put back where every pointer
 * to them expects them.
 *
 * The allocations are found by pointer in an open-addressing table of
 * indices into one array of objects; while no image is taken and nothing
 * records, host.c's hooks cost one test of a flag per call.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/trace/asan.h"
#include "sim/trace/host.h"
#include "sim/trace/image.h"

struct image_obj {
	void *p;
	size_t size;
	size_t off; /* of its copy in I.copy */
	bool gone;  /* freed while recording: not the machine's any more */
	bool dead;  /* pinned, and freed since the image was taken */
};

struct image_part {
	void *p;
	size_t size;
};

#define SLOT_EMPTY 0u
#define SLOT_GONE  UINT32_MAX

bool image__recording;
size_t image__nr_pinned;

static struct {
	unsigned paused;
	bool taken;
	struct image_obj *obj;
	size_t nr, cap;
	uint32_t *slot; /* index + 1 into obj, SLOT_EMPTY or SLOT_GONE */
	size_t nr_slots, used_slots;
	char *copy; /* the pinned objects' contents, then the parts' */
	size_t copy_len, obj_bytes;
	struct image_part *parts;
	size_t nr_parts, cap_parts, part_bytes;
} I;

/* The C library's own functions: the table is not the machine's. */
static void *raw_realloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	if (!q)
		host_oom(size);
	return q;
}

void image_register(void *p, size_t size)
{
	if (I.nr_parts == I.cap_parts) {
		I.cap_parts = I.cap_parts ? 2 * I.cap_parts : 32;
		I.parts = raw_realloc(I.parts, I.cap_parts * sizeof(*I.parts));
	}
	I.parts[I.nr_parts++] = (struct image_part){ p, size };
	I.part_bytes += size;
}

static size_t hash_ptr(const void *p)
{
	uint64_t x = (uint64_t)(uintptr_t)p;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 29;
	return (size_t)x;
}

/* The slot of @p in the table, or of the first free one on its path. */
static uint32_t *find_slot(const void *p, bool for_insert)
{
	size_t mask = I.nr_slots - 1;
	uint32_t *free_slot = NULL;

	for (size_t i = hash_ptr(p) & mask;; i = (i + 1) & mask) {
		uint32_t *s = &I.slot[i];

		if (*s == SLOT_EMPTY)
			return for_insert && free_slot ? free_slot :
			       for_insert	       ? s :
							 NULL;
		if (*s == SLOT_GONE) {
			if (!free_slot)
				free_slot = s;
			continue;
		}
		if (I.obj[*s - 1].p == p)
			return s;
	}
}

static void rehash(size_t nr_slots)
{
	free(I.slot);
	I.slot = calloc(nr_slots, sizeof(*I.slot));
	if (!I.slot)
		host_oom(nr_slots * sizeof(*I.slot));
	I.nr_slots = nr_slots;
	I.used_slots = 0;
	for (size_t i = 0; i < I.nr; i++) {
		if (I.obj[i].gone)
			continue;
		*find_slot(I.obj[i].p, true) = (uint32_t)i + 1;
		I.used_slots++;
	}
}

static void add(void *p, size_t size)
{
	if (I.nr == I.cap) {
		I.cap = I.cap ? 2 * I.cap : 64;
		I.obj = raw_realloc(I.obj, I.cap * sizeof(*I.obj));
	}
	I.obj[I.nr] = (struct image_obj){ .p = p, .size = size };
	if (2 * (I.used_slots + 1) > I.nr_slots)
		rehash(I.nr_slots ? 2 * I.nr_slots : 256);
	*find_slot(p, true) = (uint32_t)++I.nr;
	I.used_slots++;
}

static struct image_obj *lookup(const void *p)
{
	uint32_t *s;

	if (!I.nr_slots)
		return NULL;
	s = find_slot(p, false);
	return s ? &I.obj[*s - 1] : NULL;
}

static void forget(void *p)
{
	uint32_t *s = I.nr_slots ? find_slot(p, false) : NULL;

	if (!s)
		return;
	I.obj[*s - 1].gone = true;
	*s = SLOT_GONE;
}

void image__note(void *old, void *p, size_t size)
{
	/* a recorded object freed (or moved) is forgotten even while
	 * paused: only what is allocated then is not the machine's */
	if (old)
		forget(old);
	if (p && !I.paused)
		add(p, size);
}

bool image__pinned(const void *p, size_t *size)
{
	struct image_obj *o = p ? lookup(p) : NULL;

	if (!o || o->dead)
		return false;
	*size = o->size;
	return true;
}

bool image__unpin_free(void *p)
{
	struct image_obj *o = p ? lookup(p) : NULL;

	if (!o)
		return false;
	/* a second free of a pinned object is the caller's double free */
	assert(!o->dead);
	o->dead = true;
	mem_noaccess(o->p, o->size);
	return true;
}

void image_record(bool on)
{
	assert(!I.taken);
	if (on) {
		I.nr = 0;
		I.used_slots = 0;
		if (I.slot)
			memset(I.slot, 0, I.nr_slots * sizeof(*I.slot));
	}
	image__recording = on;
}

void image_pause(bool on)
{
	if (on) {
		I.paused++;
		return;
	}
	assert(I.paused);
	I.paused--;
}

size_t image_take(void)
{
	size_t n = 0, off = 0;

	assert(!I.taken && !I.paused);
	image__recording = false;
	/* keep the live objects only, in allocation order */
	for (size_t i = 0; i < I.nr; i++)
		if (!I.obj[i].gone)
			I.obj[n++] = I.obj[i];
	I.nr = n;
	rehash(I.nr_slots ? I.nr_slots : 256);
	for (size_t i = 0; i < I.nr; i++) {
		I.obj[i].off = off;
		off += I.obj[i].size;
	}
	I.obj_bytes = off;
	I.copy_len = off + I.part_bytes;
	I.copy = raw_realloc(I.copy, I.copy_len);
	for (size_t i = 0; i < I.nr; i++)
		memcpy(I.copy + I.obj[i].off, I.obj[i].p, I.obj[i].size);
	for (size_t i = 0; i < I.nr_parts; i++) {
		memcpy(I.copy + off, I.parts[i].p, I.parts[i].size);
		off += I.parts[i].size;
	}
	I.taken = true;
	image__nr_pinned = I.nr;
	return I.copy_len;
}

bool image_taken(void)
{
	return I.taken;
}

bool image_restorable(void)
{
	if (!I.taken)
		return false;
	for (size_t i = 0; i < I.nr; i++)
		if (!I.obj[i].dead)
			return false;
	return true;
}

int image_restore(void)
{
	size_t off = I.obj_bytes;

	if (!I.taken)
		return -ENOENT;
	if (!image_restorable())
		return -EBUSY;
	for (size_t i = 0; i < I.nr; i++) {
		mem_undefined(I.obj[i].p, I.obj[i].size);
		memcpy(I.obj[i].p, I.copy + I.obj[i].off, I.obj[i].size);
		I.obj[i].dead = false;
	}
	for (size_t i = 0; i < I.nr_parts; i++) {
		memcpy(I.parts[i].p, I.copy + off, I.parts[i].size);
		off += I.parts[i].size;
	}
	return 0;
}

void image_drop(void)
{
	for (size_t i = 0; I.taken && i < I.nr; i++) {
		if (!I.obj[i].dead)
			continue;
		mem_undefined(I.obj[i].p, I.obj[i].size);
		free(I.obj[i].p);
	}
	I.taken = false;
	image__recording = false;
	image__nr_pinned = 0;
	I.nr = 0;
	I.used_slots = 0;
	if (I.slot)
		memset(I.slot, 0, I.nr_slots * sizeof(*I.slot));
	free(I.copy);
	I.copy = NULL;
	I.copy_len = I.obj_bytes = 0;
}

void image_stats(size_t *objects, size_t *bytes, size_t *state_bytes)
{
	*objects = I.taken ? I.nr : 0;
	*bytes = I.taken ? I.obj_bytes : 0;
	*state_bytes = I.part_bytes;
}
