// SPDX-License-Identifier: GPL-2.0-only
/*
 * scripted_dev_ctl.c - the scripted device's configuration, script rules
 * and the controls tests drive it with (hold, release, pause, die, unplug)
 * and read its record through.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "sim/kernel/sched.h"
#include "sim/kernel/task.h"
#include "sim/trace/trace.h"
#include "tests/guest/scripted_dev.h"

static const char *const action_names[] = {
	[SDEV_ACT_DEFAULT] = "default",
	[SDEV_ACT_ERROR] = "error",
	[SDEV_ACT_HOLD] = "hold",
	[SDEV_ACT_DELAY] = "delay",
	[SDEV_ACT_BAD_LEN] = "bad_len",
	[SDEV_ACT_BAD_UNIQUE] = "bad_unique",
	[SDEV_ACT_USED_LEN] = "used_len",
	[SDEV_ACT_ERROR_WITH_PAYLOAD] = "error_with_payload",
	[SDEV_ACT_BAD_ERRNO] = "bad_errno",
	[SDEV_ACT_DROP] = "drop",
	[SDEV_ACT_CUSTOM] = "custom",
};

const char *sdev_action_name(enum sdev_action_kind kind)
{
	return (unsigned int)kind < ARRAY_SIZE(action_names) ?
		       action_names[kind] :
		       "?";
}

void sdev_config_init(struct sdev_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	memcpy(cfg->tag, "vfsim", 5);
	cfg->num_request_queues = 1;
	cfg->queue_size = 64;
	cfg->minor = FUSE_KERNEL_MINOR_VERSION;
	cfg->max_write = 128 * 1024;
	cfg->init_flags = ~0ULL;
	cfg->file_size = 1 << 20;
}

/* --- script and controls --------------------------------------------------- */

int sdev_add_rule(struct sdev *d, int opcode, int queue, int count,
		  struct sdev_action action)
{
	if (d->nr_rules == SDEV_MAX_RULES)
		return -ENOSPC;
	if ((count <= 0 && count != SDEV_FOREVER) ||
	    (action.kind == SDEV_ACT_CUSTOM && !action.fn) ||
	    (unsigned int)action.kind > SDEV_ACT_CUSTOM)
		return -EINVAL;
	d->rules[d->nr_rules] = (struct sdev_rule){ .opcode = opcode,
						    .queue = queue,
						    .count = count,
						    .action = action };
	return (int)d->nr_rules++;
}

void sdev_clear_rules(struct sdev *d)
{
	d->nr_rules = 0;
}

unsigned int sdev_nr_requests(const struct sdev *d)
{
	return d->nr_reqs;
}

const struct sdev_req *sdev_request(const struct sdev *d, unsigned int i)
{
	return i < d->nr_reqs ? d->reqs[i] : NULL;
}

unsigned int sdev_count_op(const struct sdev *d, u32 opcode)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < d->nr_reqs; i++)
		n += d->reqs[i]->opcode == opcode;
	return n;
}

const struct sdev_req *sdev_last(const struct sdev *d, u32 opcode)
{
	for (unsigned int i = d->nr_reqs; i-- > 0;)
		if (d->reqs[i]->opcode == opcode)
			return d->reqs[i];
	return NULL;
}

unsigned int sdev_nr_held(const struct sdev *d)
{
	unsigned int n = 0;

	for (const struct sdev_pending *p = d->pending; p; p = p->next)
		n += p->held;
	return n;
}

unsigned int sdev_complete_held(struct sdev *d, unsigned int n,
				struct sdev_action action)
{
	unsigned int done = 0;

	for (struct sdev_pending *p = d->pending; p && done < n; p = p->next) {
		if (!p->held)
			continue;
		p->held = action.kind == SDEV_ACT_HOLD;
		p->action = action;
		p->due_ns = sched_now();
		if (action.kind == SDEV_ACT_DELAY)
			p->due_ns += (u64)action.arg;
		p->rec->action = action.kind;
		done++;
	}
	TRACE(.kind = "sdev.release", .func = "sdev_complete_held",
	      .detail = trace_fmt("%u of %u: %s", done, n,
				  sdev_action_name(action.kind)));
	wake_up(&d->wq);
	return done;
}

unsigned int sdev_release_held(struct sdev *d, unsigned int n)
{
	return sdev_complete_held(d, n, SDEV_DEFAULT);
}

unsigned int sdev_nr_pending(const struct sdev *d)
{
	unsigned int n = 0;

	for (const struct sdev_pending *p = d->pending; p; p = p->next)
		n++;
	return n;
}

const struct sdev_req *sdev_find_unique(const struct sdev *d, u64 unique)
{
	for (unsigned int i = 0; i < d->nr_reqs; i++)
		if (d->reqs[i]->unique == unique)
			return d->reqs[i];
	return NULL;
}

struct run_until {
	struct sdev *d;
	unsigned int n;
};

static bool enough_requests(void *arg)
{
	struct run_until *u = arg;

	return u->d->nr_reqs >= u->n;
}

enum sched_status sdev_run_until_requests(struct sdev *d, unsigned int n)
{
	struct run_until u = { d, n };

	assert(!current);
	return sched_run_until(enough_requests, &u);
}

void sdev_set_latency(struct sdev *d, u64 ns)
{
	d->cfg.latency_ns = ns;
}

void sdev_set_reverse_batch(struct sdev *d, bool reverse)
{
	d->cfg.reverse_batch = reverse;
}

void sdev_pause(struct sdev *d)
{
	d->paused = true;
	TRACE(.kind = "sdev.pause", .func = "sdev_pause");
}

void sdev_resume(struct sdev *d)
{
	d->paused = false;
	TRACE(.kind = "sdev.resume", .func = "sdev_resume");
	wake_up(&d->wq);
}

void sdev_die(struct sdev *d)
{
	d->dead = true;
	TRACE(.kind = "sdev.die", .func = "sdev_die");
}

static int unplug_task(void *arg)
{
	struct sdev *d = arg;

	virtio_device_unplug(&d->vdev);
	d->unplugged = true;
	return 0;
}

struct task *sdev_unplug(struct sdev *d)
{
	TRACE(.kind = "sdev.unplug", .func = "sdev_unplug");
	return task_spawn(unplug_task, d, "sdev-unplug", TASK_FRONTEND, 0);
}
