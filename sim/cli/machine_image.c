// SPDX-License-Identifier: GPL-2.0-only
/*
 * machine_image.c - a built machine, kept to be put back instead of built
 * again (vfsim's own; sim/trace/image.h says what an image is made of).
 *
 * With machine reuse on (vfsim_machine_reuse(), the explorer's), the first
 * machine of a scenario is built with its host allocations recorded and
 * its image taken right after the driver's probe, before any task ran.
 * Every run's teardown is the same as without an image (the unplug, the
 * leak count, every free: pinned objects are only marked free), and the
 * next machine of the same scenario, policy and variant is put back from
 * the image instead of built. Whenever a piece is not where the image
 * needs it (a stack gone from the pool, the trace's first block given
 * back, a pinned object still in use) the image is dropped and the
 * machine built from nothing, as without one: an image can cost a
 * rebuild, never a different run.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "sim/cli/machine.h"
#include "sim/cli/machine_internal.h"
#include "sim/cli/req_ledger.h"
#include "sim/kernel/check.h"
#include "sim/kernel/fault.h"
#include "sim/kernel/footprint.h"
#include "sim/kernel/gmem.h"
#include "sim/kernel/sched.h"
#include "sim/kernel/slab.h"
#include "sim/trace/host.h"
#include "sim/trace/image.h"
#include "sim/trace/trace.h"

static struct {
	bool on;     /* machine_image_enable() */
	bool taken;  /* an image below */
	bool record; /* the machine being built records its allocations */
	/* what it is an image of: the scenario (its serial) and the
	 * variant asked for, at this address (the policy is installed
	 * again: the set-up takes no scheduling decision) */
	uint64_t serial;
	char *variant;
	struct vfsim_machine *where;
	struct vfsim_machine m; /* the machine as built */
	struct trace_mark mark;
	size_t bytes; /* copied by image_take() */
	u64 restores; /* machines put back */
} I;

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

void machine_image_enable(bool on)
{
	I.on = on;
	if (!on)
		machine_image_drop();
}

bool machine_images_on(void)
{
	return I.on;
}

void machine_image_drop(void)
{
	if (I.taken) {
		image_drop();
		gmem_image_drop();
		kmem_image_drop();
		sched_image_drop();
		fp_image_drop();
	} else if (I.record) {
		image_record(false);
	}
	host_free(I.variant);
	I.variant = NULL;
	I.taken = I.record = false;
	I.where = NULL;
}

/* Only the in-process machine of one device without migration: the
 * external back ends' processes and a second device are not images. */
static bool imageable(const struct scenario *s, bool ext)
{
	return !ext && s->serial && s->machine.devices <= 1 &&
	       !machine_wants_migration(s);
}

/* Whether @spec is a policy sched_set_policy() takes (its error is then
 * the machine's to report, as a machine built from nothing does). */
static bool policy_ok(const char *spec)
{
	struct sched_policy_spec ps;
	char msg[128];

	if (!spec)
		return true;
	if (sched_policy_parse(spec, &ps, msg, sizeof(msg)))
		return false;
	sched_policy_spec_free(&ps);
	return true;
}

bool machine_image_restore(struct vfsim_machine *m, const struct scenario *s,
			   const char *policy, const char *variant)
{
	const char *spec = policy ? policy : s->policy.spec;
	struct req_ledger *reqs;

	if (!I.taken)
		return false;
	if (I.serial != s->serial || I.where != m ||
	    !same(I.variant, variant) || !policy_ok(spec)) {
		machine_image_drop();
		return false;
	}
	/* what sim_start() does first */
	trace_reset(true);
	trace_set_keep(true);
	check_clear();
	check_invariant_clear();
	fault_reset();
	reqs = machine_kept_ledger();
	if (reqs != I.m.reqs || !image_restorable() || !gmem_image_ready() ||
	    !sched_image_ready() || !trace_mark_ready(&I.mark) ||
	    !fp_image_ready()) {
		if (reqs)
			machine_keep_ledger(reqs);
		machine_image_drop();
		return false;
	}
	gmem_image_restore();
	if (image_restore())
		return false; /* cannot be: image_restorable() said it can */
	kmem_image_restore();
	fault_image_restore();
	sched_image_restore();
	/* as sim_start() installs it: the set-up decided nothing */
	sched_policy_exit();
	if (spec && sched_set_policy(spec))
		assert(0 && "policy_ok() said it would do");
	fp_image_restore();
	trace_rewind(&I.mark);
	*m = I.m;
	I.restores++;
	return true;
}

void machine_image_record(const struct scenario *s, bool ext)
{
	if (!I.on || I.taken || !imageable(s, ext))
		return;
	I.record = true;
	image_record(true);
}

void machine_image_cancel(void)
{
	if (!I.record)
		return;
	I.record = false;
	image_record(false);
}

void machine_image_take(struct vfsim_machine *m, const struct scenario *s,
			const char *variant)
{
	if (!I.record)
		return;
	I.record = false;
	/* what the machine allocated is noted; the copies below are not */
	image_record(false);
	if (sched_image_take() || gmem_image_take() || trace_mark(&I.mark)) {
		gmem_image_drop();
		sched_image_drop();
		return;
	}
	kmem_image_take();
	fault_image_take();
	fp_image_take();
	I.bytes = image_take();
	I.m = *m;
	I.where = m;
	I.serial = s->serial;
	I.variant = variant ? host_strdup(variant) : NULL;
	I.taken = true;
}

void vfsim_machine_image_stats(struct vfsim_machine_image_stats *st)
{
	size_t objects, bytes, state;

	image_stats(&objects, &bytes, &state);
	*st = (struct vfsim_machine_image_stats){
		.taken = I.taken,
		.restores = I.restores,
		.objects = objects,
		.object_bytes = bytes,
		.state_bytes = state,
	};
}
