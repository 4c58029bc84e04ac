// SPDX-License-Identifier: GPL-2.0-only
/*
 * footprint.c - the happens-before hash of a run (vfsim's own; see
 * footprint.h). Objects are host addresses, valid for one run only, so
 * they never enter a hash: an event's hash is made of its predecessors'
 * hashes, which makes the class of a run comparable between runs of
 * different machines (whose objects sit at other addresses).
 */
#include <stdlib.h>
#include <string.h>

#include "sim/kernel/footprint.h"
#include "sim/kernel/task.h"
#include "sim/trace/host.h"
#include "sim/trace/image.h"

bool fp_on;
const char fp_device_state;

/* The last event on each object of this run: open addressing, a slot is
 * live when its generation is the run's (fp_begin() forgets all at once). */
struct fp_slot {
	const void *obj;
	u32 gen;
	u64 last;
};

static struct {
	struct fp_slot *slot;
	size_t cap, nr; /* slots, live ones */
	u32 gen;
	u64 sum;     /* the class: the sum of every event's hash */
	u64 barrier; /* the last opaque event */
	u64 outside; /* the chain of events outside tasks */
	u64 events, opaque;
} F;

/* An event's hash from two predecessors': order matters (a task's chain
 * first). Two multiplications, enough to keep 64-bit sums of them apart. */
static inline u64 mix(u64 a, u64 b)
{
	u64 z = a * 0x9e3779b97f4a7c15ULL + b;

	z = (z ^ (z >> 32)) * 0xd6e8feb86659fd93ULL;
	return z ^ (z >> 32);
}

static u64 *chain_of(struct task *t)
{
	if (!t)
		return &F.outside;
	/* a task's first event starts from its spawn order */
	if (!t->fp_chain)
		t->fp_chain = mix(0x7461736bULL, t->id);
	return &t->fp_chain;
}

static u64 *last_on(const void *obj)
{
	size_t i;

	if (2 * (F.nr + 1) > F.cap) {
		struct fp_slot *old = F.slot;
		size_t oldcap = F.cap;

		F.cap = F.cap ? 2 * F.cap : 4096;
		/* every run's, not a machine image's (image.h) */
		image_pause(true);
		F.slot = host_calloc(F.cap, sizeof(*F.slot));
		image_pause(false);
		F.nr = 0;
		for (size_t j = 0; j < oldcap; j++)
			if (old[j].gen == F.gen && old[j].obj)
				*last_on(old[j].obj) = old[j].last;
		host_free(old);
	}
	i = (size_t)(((uintptr_t)obj * 0x9e3779b97f4a7c15ULL) >> 40) &
	    (F.cap - 1);
	for (;; i = (i + 1) & (F.cap - 1)) {
		struct fp_slot *s = &F.slot[i];

		if (s->gen != F.gen || !s->obj) {
			*s = (struct fp_slot){ obj, F.gen, 0 };
			F.nr++;
			return &s->last;
		}
		if (s->obj == obj)
			return &s->last;
	}
}

void fp_opaque_slow(void)
{
	u64 *chain = chain_of(current);
	u64 h = mix(mix(*chain, F.sum), F.barrier ^ 0x6f706171ULL);

	*chain = h;
	F.barrier = h;
	F.sum += h;
	F.events++;
	F.opaque++;
}

void fp_access(const void *obj)
{
	u64 *chain, *last, h;

	if (!current) {
		fp_opaque_slow();
		return;
	}
	chain = chain_of(current);
	last = last_on(obj);
	h = mix(mix(*chain, *last), F.barrier);
	*chain = h;
	*last = h;
	F.sum += h;
	F.events++;
}

void fp_point_slow(void)
{
	u64 *chain;

	if (current && current->kind == TASK_DEVICE) {
		fp_access(&fp_device_state);
		return;
	}
	chain = chain_of(current);
	u64 h = mix(mix(*chain, 0x706f696eULL), F.barrier);

	*chain = h;
	F.sum += h;
	F.events++;
}

u64 fp_spawn_slow(u32 id)
{
	static const char spawns = 0;

	fp_access(&spawns);
	return mix(current ? current->fp_chain : F.barrier, id);
}

void fp_begin(void)
{
	/* generation 0 marks slots never used: skip it when wrapping */
	if (++F.gen == 0) {
		if (F.slot)
			memset(F.slot, 0, F.cap * sizeof(*F.slot));
		F.gen = 1;
	}
	F.nr = 0;
	F.sum = 0;
	F.barrier = 0;
	F.outside = 0x6f757473ULL;
	F.events = 0;
	F.opaque = 0;
	fp_on = true;
}

void fp_end(void)
{
	fp_on = false;
}

u64 fp_class(void)
{
	return mix(F.sum, F.events);
}

u64 fp_events(void)
{
	return F.events;
}

u64 fp_opaque_events(void)
{
	return F.opaque;
}

/*
 * The footprints of a machine image's set-up (sim/trace/image.h; vfsim's
 * own): the run's class so far and the last event on each object, put
 * back into a run fp_begin() started (its generation, not the image's,
 * so that no slot of an earlier run comes back to life).
 */
static struct {
	bool taken, on;
	struct fp_slot *slot;
	size_t nr;
	u64 sum, barrier, outside, events, opaque;
} fimg;

void fp_image_take(void)
{
	fp_image_drop();
	fimg.taken = true;
	fimg.on = fp_on;
	if (!fp_on)
		return;
	fimg.slot = host_calloc(F.nr + 1, sizeof(*fimg.slot));
	for (size_t i = 0; i < F.cap; i++)
		if (F.slot[i].gen == F.gen && F.slot[i].obj)
			fimg.slot[fimg.nr++] = F.slot[i];
	fimg.sum = F.sum;
	fimg.barrier = F.barrier;
	fimg.outside = F.outside;
	fimg.events = F.events;
	fimg.opaque = F.opaque;
}

bool fp_image_ready(void)
{
	/* a run begins with fp_begin() and nothing since */
	return fimg.taken && fimg.on == fp_on && (!fp_on || !F.events);
}

void fp_image_restore(void)
{
	if (!fimg.on)
		return;
	for (size_t i = 0; i < fimg.nr; i++)
		*last_on(fimg.slot[i].obj) = fimg.slot[i].last;
	F.sum = fimg.sum;
	F.barrier = fimg.barrier;
	F.outside = fimg.outside;
	F.events = fimg.events;
	F.opaque = fimg.opaque;
}

void fp_image_drop(void)
{
	host_free(fimg.slot);
	memset(&fimg, 0, sizeof(fimg));
}
