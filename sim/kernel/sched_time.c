// SPDX-License-Identifier: GPL-2.0-only
/*
 * sched_time.c - the scheduler's virtual clock and its timers: arming,
 * cancelling and firing them (sched_step() fires them when no task can
 * run), durations as scenarios write them, a clock that follows a real
 * one when the machine talks to a real peer, and the sleeps and jiffies
 * guest code reads it through.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include <time.h>

#include "sim/kernel/check.h"
#include "sim/kernel/delay.h"
#include "sim/kernel/sched_internal.h"

u64 sched_now(void)
{
	return sched_state.now;
}

unsigned sched_nr_timers(void)
{
	return sched_state.nr_timers;
}

void sched_set_max_time(u64 max_time_ns)
{
	sched_state.max_time = max_time_ns;
}

u64 sched_max_time(void)
{
	return sched_state.max_time;
}

u64 sched_next_time(void)
{
	if (!sched_state.ready)
		return UINT64_MAX;
	if (sched_fast.nr_runnable)
		return sched_state.now;
	if (sched_state.nr_timers)
		return list_first_entry(&sched_state.timers, struct sim_timer,
					node)
			->expires;
	return UINT64_MAX;
}

void sim_timer_arm(struct sim_timer *timer, u64 expires,
		   void (*fn)(struct sim_timer *timer))
{
	struct list_head *pos;

	assert(sched_state.ready && !timer->armed);
	fp_touch(&sched_state.timers);
	timer->expires = expires;
	timer->fn = fn;
	timer->seq = ++sched_state.timer_seq;
	/* Keep the list sorted; equal times fire in arming order. */
	list_for_each(pos, &sched_state.timers) {
		if (list_entry(pos, struct sim_timer, node)->expires > expires)
			break;
	}
	list_add_tail(&timer->node, pos);
	timer->armed = true;
	sched_state.nr_timers++;
	sched_state.nr_idle_timers += timer->idle != NULL;
}

bool sim_timer_cancel_armed(struct sim_timer *timer)
{
	fp_touch(&sched_state.timers);
	list_del(&timer->node);
	timer->armed = false;
	sched_state.nr_timers--;
	sched_state.nr_idle_timers -= timer->idle != NULL;
	return true;
}

void sim_timer_set_idle(struct sim_timer *timer,
			bool (*idle)(const struct sim_timer *timer),
			unsigned int patience)
{
	timer->patience = patience ? patience : SCHED_IDLE_FIRES_MAX;
	if (timer->armed)
		sched_state.nr_idle_timers += (unsigned)(idle != NULL) -
					      (unsigned)(timer->idle != NULL);
	timer->idle = idle;
}

/* Guarantees: the clock moved to the earliest expiry and every timer due
 * at that instant has fired. */
void sched_fire_timers(void)
{
	struct sim_timer *t =
		list_first_entry(&sched_state.timers, struct sim_timer, node);

	/* A real clock may have carried the virtual one past the expiry. */
	assert(t->expires >= sched_state.now || sched_state.clock);
	/* the clock moves and timer functions run outside tasks */
	fp_opaque();
	if (t->expires > sched_state.now)
		sched_state.now = t->expires;
	while (!list_empty(&sched_state.timers)) {
		t = list_first_entry(&sched_state.timers, struct sim_timer,
				     node);
		if (t->expires > sched_state.now)
			break;
		sim_timer_cancel(t);
		sched_state.fired++;
		t->fn(t);
	}
}

int sched_parse_duration(const char *w, u64 *ns)
{
	static const struct {
		const char *unit;
		u64 mul;
	} units[] = { { "ns", 1 },
		      { "us", 1000 },
		      { "ms", 1000000 },
		      { "s", 1000000000 } };
	u64 v = 0;
	const char *p = w;

	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (u64)(*p - '0');
	}
	if (p == w)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcmp(p, units[i].unit))
			continue;
		if (v > UINT64_MAX / units[i].mul)
			return -ERANGE;
		*ns = v * units[i].mul;
		return 0;
	}
	return -EINVAL;
}

void sched_set_clock(u64 (*clock_ns)(void))
{
	sched_state.clock = clock_ns;
}

/* With a real clock, the next timer fires when the world reaches it. */
void sched_wait_for_clock(u64 when)
{
	for (u64 now = sched_state.clock(); now < when;
	     now = sched_state.clock()) {
		struct timespec ts = { (time_t)((when - now) / 1000000000ULL),
				       (long)((when - now) % 1000000000ULL) };

		nanosleep(&ts, NULL);
	}
}

u64 sched_wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

static u64 wall_base;

static u64 wall_clock(void)
{
	return sched_wall_ns() - wall_base;
}

void sched_follow_wall_clock(void)
{
	wall_base = sched_wall_ns() - sched_state.now;
	sched_set_clock(wall_clock);
}

void sched_set_outside(bool (*wait)(void *arg, u64 until), void *arg)
{
	sched_state.outside = wait;
	sched_state.outside_arg = arg;
}

void sched_clock_sync(void)
{
	u64 now;

	if (!sched_state.ready || !sched_state.clock)
		return;
	now = sched_state.clock();
	/* A host that woke us late must not merge instants: timers due at
	 * 20 ms and 30 ms fire at their own times, the machine's tasks
	 * running between them, as if the host had been on time. So only
	 * the earliest due instant fires, the clock at it; the clock
	 * catches up with the wall at a sync that finds nothing due. */
	if (!list_empty(&sched_state.timers) &&
	    list_first_entry(&sched_state.timers, struct sim_timer, node)
			    ->expires <= now) {
		sched_fire_timers();
		return;
	}
	if (now > sched_state.now)
		sched_state.now = now;
}

/* --- delays -------------------------------------------------------------- */

void usleep_range(unsigned long min_us, unsigned long max_us)
{
	if (min_us > max_us)
		check_report("sleep.range",
			     "usleep_range(%lu, %lu): min is above max; "
			     "sleeping min",
			     min_us, max_us);
	might_sleep();
	if (!current)
		return;
	sched_block("sleep", "usleep_range", (u64)min_us * 1000 + !min_us);
}

void msleep(unsigned int msecs)
{
	might_sleep();
	if (!current)
		return;
	sched_block("sleep", "msleep", (u64)msecs * 1000000 + !msecs);
}

unsigned long sched_jiffies(void)
{
	return (unsigned long)(sched_state.now / (NSEC_PER_SEC / HZ));
}
