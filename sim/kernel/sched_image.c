// SPDX-License-Identifier: GPL-2.0-only
/*
 * sched_image.c - the scheduler's part of a machine image
 * (sim/trace/image.h; vfsim's own): the scheduler's state (sched.c's
 * IMAGE_STATE()) and the task structs (allocated while the machine was
 * built) come back with image_restore(); their stacks, given back to the
 * pool by sched_exit(), are taken out of it again here. An image is only
 * taken before any task ran, so each stack needs only its first frame,
 * made again.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "sim/kernel/sched_internal.h"
#include "sim/trace/host.h"

static struct {
	bool taken;
	struct sched_fast fast; /* but event_points, the process's */
	char **stacks;
	size_t nr_stacks;
} simg;

int sched_image_take(void)
{
	struct task *t;
	size_t n = 0;

	sched_image_drop();
	if (!sched_state.ready || current || sched_state.steps ||
	    sched_state.switches)
		return -EBUSY;
	list_for_each_entry(t, &sched_state.all, all_node)
		n++;
	simg.stacks = host_calloc(n + 1, sizeof(*simg.stacks));
	list_for_each_entry(t, &sched_state.all, all_node)
		simg.stacks[simg.nr_stacks++] = t->stack;
	simg.fast = sched_fast;
	simg.taken = true;
	return 0;
}

bool sched_image_ready(void)
{
	if (!simg.taken || sched_state.ready)
		return false;
	for (size_t i = 0; i < simg.nr_stacks; i++)
		if (!task_stack_pooled(simg.stacks[i]))
			return false;
	return true;
}

void sched_image_restore(void)
{
	bool event_points = sched_fast.event_points;
	struct task *t;

	assert(sched_state.ready && !sched_state.steps &&
	       !sched_state.switches);
	for (size_t i = 0; i < simg.nr_stacks; i++)
		task_stack_reclaim(simg.stacks[i]);
	list_for_each_entry(t, &sched_state.all, all_node) {
		t->valgrind_id = VALGRIND_STACK_REGISTER(
			t->stack, t->stack + t->stack_size);
		t->sp = ctx_prepare(t->stack, t->stack_size, sched_task_entry,
				    t);
		t->fake_stack = NULL;
	}
	sched_fast = simg.fast;
	sched_fast.event_points = event_points;
	sched_trace_context();
}

void sched_image_drop(void)
{
	host_free(simg.stacks);
	memset(&simg, 0, sizeof(simg));
}
