// SPDX-License-Identifier: GPL-2.0-only
/*
 * sched.c - run queue, virtual clock, timers, deadlock detection (the
 * policies are in sched_policy.c).
 *
 * The scheduler runs on the host thread's own stack (the test's or the
 * program's main). Each step switches into one task and back, so there is
 * exactly one place where the policy decides, the clock moves and
 * invariants are checked. One shortcut, taken inside sched_run() and
 * sched_run_until(): a task that stops takes the next step itself, doing
 * on its own stack what the scheduler would do between two steps (the
 * invariants, the run's predicate, then take_next(), the same code
 * sched_step() runs) and switches straight to the task picked, or carries
 * on when that is itself. Whenever the scheduler would do more than that
 * (fire timers, stop at the step limit or the predicate, free a dead
 * task), control goes back to it; the steps, choices and trace are the
 * same either way.
 *
 * A preemption point (sched_preempt_point()) asks the policy whether the
 * running task goes on; only when it does not does the step end.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/trace/asan.h"
#include "sim/kernel/check.h"
#include "sim/kernel/delay.h"
#include "sim/kernel/footprint.h"
#include "sim/kernel/sched.h"
#include "sim/kernel/wait.h"
#include "sim/trace/host.h"
#include "sim/trace/image.h"
#include "sim/trace/trace.h"
#include "sim/kernel/workqueue.h"

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#else
#define VALGRIND_STACK_REGISTER(lo, hi) 0u
#define VALGRIND_STACK_DEREGISTER(id)	((void)(id))
#endif

#ifdef VFSIM_ASAN
#define fiber_start(save, bottom, size) \
	__sanitizer_start_switch_fiber(save, bottom, size)
#define fiber_finish(save, bottom, size) \
	__sanitizer_finish_switch_fiber(save, bottom, size)
#else
#define fiber_start(save, bottom, size)	 ((void)(save), (void)(bottom))
#define fiber_finish(save, bottom, size) ((void)(save), (void)(bottom))
#endif

struct task *sched_current;
/* event points are process-wide (see sched_set_event_points()) */
struct sched_fast sched_fast = { .event_points = true };

/* The name the trace records for the running task ("-" outside tasks),
 * kept beside sched_current so that an event reads it without a call. */
static const char *current_tname = "-";
static u64 current_thash, no_task_hash;

static void task_entry(void *arg);

static inline void set_current(struct task *t)
{
	sched_current = t;
	current_tname = t ? t->tname : "-";
	current_thash = t ? t->tname_hash : no_task_hash;
}

static struct {
	bool ready;
	unsigned nr_cpus;
	size_t stack_size;
	u64 max_steps, max_time;
	struct list_head all, runq, timers;
	unsigned nr_timers, nr_idle_timers;
	/* steps of non-daemon tasks; its value at the last idle-only
	 * firing, and how many such firings in a row it did not move */
	u64 user_steps, idle_mark;
	unsigned idle_fires;
	u32 next_id;
	u64 now, steps, switches, timer_seq;
	u64 fired; /* timers fired so far (sched_step() sees a hook's) */
	bool stall_reported;
	bool in_run; /* in sched_run_until(): tasks may take steps */
	bool (*pred)(void *arg); /* its predicate, and */
	void *pred_arg;		 /* the predicate's argument */
	/* Set when a task already did what follows a step: the invariants
	 * ran, and the predicate gave pred_said (0 false, 1 true). */
	bool post_done;
	signed char pred_said;
	struct task *forced; /* the next step's task, chosen at a preemption */
	void *sched_sp;
	const void *main_bottom;
	size_t main_size;
	void *sched_fake;
	struct task *last;  /* the task the last step ran */
	u64 (*clock)(void); /* a real clock the virtual one follows, or NULL */
	bool (*outside)(void *arg, u64 until); /* sched_set_outside() */
	void *outside_arg;
} S;

u64 sched_now(void)
{
	return S.now;
}

u64 sched_steps(void)
{
	return S.steps;
}

u64 sched_switches(void)
{
	return S.switches;
}

unsigned sched_nr_cpus(void)
{
	return S.ready ? S.nr_cpus : 1;
}

unsigned sched_nr_timers(void)
{
	return S.nr_timers;
}

const char *sched_task_name(void)
{
	return current ? current->tname : "-";
}

int smp_processor_id(void)
{
	return current ? current->cpu : 0;
}

void sched_set_max_steps(u64 max_steps)
{
	S.max_steps = max_steps;
}

u64 sched_max_steps(void)
{
	return S.max_steps;
}

void sched_set_max_time(u64 max_time_ns)
{
	S.max_time = max_time_ns;
}

u64 sched_max_time(void)
{
	return S.max_time;
}

bool sched_ready(void)
{
	return S.ready;
}

int sched_init(const struct sched_opts *opts)
{
	struct sched_opts o = opts ? *opts : (struct sched_opts){ 0 };

	if (S.ready)
		return -EBUSY;
	if (o.nr_cpus > 1024 || (o.stack_size && o.stack_size < 16384) ||
	    o.stack_size % 4096)
		return -EINVAL;
	memset(&S, 0, sizeof(S));
	sched_fast.nr_runnable = 0;
	sched_fast.nr_alive = 0;
	S.nr_cpus = o.nr_cpus ? o.nr_cpus : 2;
	S.stack_size = o.stack_size ? o.stack_size : SCHED_DEFAULT_STACK;
	S.max_steps = o.max_steps;
	S.max_time = o.max_time_ns;
	INIT_LIST_HEAD(&S.all);
	INIT_LIST_HEAD(&S.runq);
	INIT_LIST_HEAD(&S.timers);
	sched_policy_exit(); /* back to fifo, no recorded choices */
	S.ready = true;
	/* before set_current() copies it: the process's first machine
	 * hashes its events outside tasks as every later one does */
	no_task_hash = trace_name_hash("-");
	set_current(NULL);
	trace_set_context(sched_now, sched_task_name);
	trace_set_context_vars(&S.now, &current_tname, &current_thash);
	return 0;
}

static void free_task(struct task *t)
{
	if (t->stack) {
		VALGRIND_STACK_DEREGISTER(t->valgrind_id);
		task_stack_free(t->stack, t->stack_size);
		t->stack = NULL;
	}
}

void sched_exit(void)
{
	struct task *t, *n;

	if (!S.ready)
		return;
	assert(!current);
	workqueue_reset();
	while (!list_empty(&S.timers))
		sim_timer_cancel(
			list_first_entry(&S.timers, struct sim_timer, node));
	list_for_each_entry_safe(t, n, &S.all, all_node) {
		free_task(t);
		host_free(t);
	}
	sched_policy_exit();
	memset(&S, 0, sizeof(S));
	sched_fast.nr_runnable = 0;
	sched_fast.nr_alive = 0;
	trace_set_context(NULL, NULL);
	trace_set_context_vars(NULL, NULL, NULL);
}

/*
 * The scheduler of a machine image (sim/trace/image.h; vfsim's own): the
 * state below and the task structs (allocated while the machine was
 * built) come back with image_restore(); their stacks, given back to the
 * pool by sched_exit(), are taken out of it again. An image is only taken
 * before any task ran, so each stack needs only its first frame, made
 * again.
 */
IMAGE_STATE(S)
IMAGE_STATE(sched_current)
IMAGE_STATE(current_tname)
IMAGE_STATE(current_thash)

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
	if (!S.ready || current || S.steps || S.switches)
		return -EBUSY;
	list_for_each_entry(t, &S.all, all_node)
		n++;
	simg.stacks = host_calloc(n + 1, sizeof(*simg.stacks));
	list_for_each_entry(t, &S.all, all_node)
		simg.stacks[simg.nr_stacks++] = t->stack;
	simg.fast = sched_fast;
	simg.taken = true;
	return 0;
}

bool sched_image_ready(void)
{
	if (!simg.taken || S.ready)
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

	assert(S.ready && !S.steps && !S.switches);
	for (size_t i = 0; i < simg.nr_stacks; i++)
		task_stack_reclaim(simg.stacks[i]);
	list_for_each_entry(t, &S.all, all_node) {
		t->valgrind_id = VALGRIND_STACK_REGISTER(
			t->stack, t->stack + t->stack_size);
		t->sp = ctx_prepare(t->stack, t->stack_size, task_entry, t);
		t->fake_stack = NULL;
	}
	sched_fast = simg.fast;
	sched_fast.event_points = event_points;
	set_current(NULL);
	trace_set_context(sched_now, sched_task_name);
	trace_set_context_vars(&S.now, &current_tname, &current_thash);
}

void sched_image_drop(void)
{
	host_free(simg.stacks);
	memset(&simg, 0, sizeof(simg));
}

const struct task *sched_last_task(void)
{
	return S.last;
}

u64 sched_next_time(void)
{
	if (!S.ready)
		return UINT64_MAX;
	if (sched_fast.nr_runnable)
		return S.now;
	if (S.nr_timers)
		return list_first_entry(&S.timers, struct sim_timer, node)
			->expires;
	return UINT64_MAX;
}

int sched_for_each_task(int (*fn)(void *arg, const struct task *t), void *arg)
{
	struct task *t;
	int ret;

	if (!S.ready)
		return 0;
	list_for_each_entry(t, &S.all, all_node) {
		ret = fn(arg, t);
		if (ret)
			return ret;
	}
	return 0;
}

/* --- timers ------------------------------------------------------------- */

void sim_timer_arm(struct sim_timer *timer, u64 expires,
		   void (*fn)(struct sim_timer *timer))
{
	struct list_head *pos;

	assert(S.ready && !timer->armed);
	fp_touch(&S.timers);
	timer->expires = expires;
	timer->fn = fn;
	timer->seq = ++S.timer_seq;
	/* Keep the list sorted; equal times fire in arming order. */
	list_for_each(pos, &S.timers) {
		if (list_entry(pos, struct sim_timer, node)->expires > expires)
			break;
	}
	list_add_tail(&timer->node, pos);
	timer->armed = true;
	S.nr_timers++;
	S.nr_idle_timers += timer->idle != NULL;
}

bool sim_timer_cancel_armed(struct sim_timer *timer)
{
	fp_touch(&S.timers);
	list_del(&timer->node);
	timer->armed = false;
	S.nr_timers--;
	S.nr_idle_timers -= timer->idle != NULL;
	return true;
}

void sim_timer_set_idle(struct sim_timer *timer,
			bool (*idle)(const struct sim_timer *timer),
			unsigned int patience)
{
	timer->patience = patience ? patience : SCHED_IDLE_FIRES_MAX;
	if (timer->armed)
		S.nr_idle_timers += (unsigned)(idle != NULL) -
				    (unsigned)(timer->idle != NULL);
	timer->idle = idle;
}

/* Guarantees: the clock moved to the earliest expiry and every timer due
 * at that instant has fired. */
static void fire_timers(void)
{
	struct sim_timer *t =
		list_first_entry(&S.timers, struct sim_timer, node);

	/* A real clock may have carried the virtual one past the expiry. */
	assert(t->expires >= S.now || S.clock);
	/* the clock moves and timer functions run outside tasks */
	fp_opaque();
	if (t->expires > S.now)
		S.now = t->expires;
	while (!list_empty(&S.timers)) {
		t = list_first_entry(&S.timers, struct sim_timer, node);
		if (t->expires > S.now)
			break;
		sim_timer_cancel(t);
		S.fired++;
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
	S.clock = clock_ns;
}

/* With a real clock, the next timer fires when the world reaches it. */
static void wait_for_clock(u64 when)
{
	for (u64 now = S.clock(); now < when; now = S.clock()) {
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
	wall_base = sched_wall_ns() - S.now;
	sched_set_clock(wall_clock);
}

void sched_set_outside(bool (*wait)(void *arg, u64 until), void *arg)
{
	S.outside = wait;
	S.outside_arg = arg;
}

void sched_clock_sync(void)
{
	u64 now;

	if (!S.ready || !S.clock)
		return;
	now = S.clock();
	/* A host that woke us late must not merge instants: timers due at
	 * 20 ms and 30 ms fire at their own times, the machine's tasks
	 * running between them, as if the host had been on time. So only
	 * the earliest due instant fires, the clock at it; the clock
	 * catches up with the wall at a sync that finds nothing due. */
	if (!list_empty(&S.timers) &&
	    list_first_entry(&S.timers, struct sim_timer, node)->expires <=
		    now) {
		fire_timers();
		return;
	}
	if (now > S.now)
		S.now = now;
}

/* --- tasks --------------------------------------------------------------- */

static void switch_to_sched(struct task *t)
{
	fiber_start(t->state == TASK_DEAD ? NULL : &t->fake_stack,
		    S.main_bottom, S.main_size);
	ctx_switch(&t->sp, S.sched_sp);
	fiber_finish(t->fake_stack, NULL, NULL);
}

/* A footprint event of task @t's own; a device task's steps also touch
 * the device model, which its workers share without the kernel's locks,
 * so that two device tasks' steps never commute (footprint.h). */
static inline void fp_touch_task(const struct task *t)
{
	fp_touch(t);
	if (unlikely(fp_on) && t->kind == TASK_DEVICE)
		fp_touch(&fp_device_state);
}

static void task_entry(void *arg)
{
	struct task *t = arg;
	const void *bottom = NULL;
	size_t size = 0;

	/* The first task ever run is entered from the scheduler, whose stack
	 * this records; later ones may be entered from another task. */
	fiber_finish(NULL, &bottom, &size);
	if (!S.main_bottom) {
		S.main_bottom = bottom;
		S.main_size = size;
	}
	TRACE(.kind = "task.start",
	      .args = TRACE_FMT("%s cpu%d", task_kind_name(t->kind), t->cpu));
	t->result = t->fn(t->arg);
	fp_touch_task(t);
	if (t->spin_held) {
		char held[160];

		task_held_locks(t, held, sizeof(held));
		check_report("spin.held_at_exit",
			     "task %s returned holding %u spinlock%s: %s",
			     t->name, t->spin_held,
			     t->spin_held == 1 ? "" : "s", held);
	}
	t->state = TASK_DEAD;
	if (!(t->flags & TASK_F_DAEMON))
		sched_fast.nr_alive--;
	TRACE(.kind = "task.exit", .args = TRACE_FMT("result %d", t->result));
	switch_to_sched(t);
	assert(0 && "a dead task was resumed");
}

struct task *task_spawn_flags(int (*fn)(void *arg), void *arg, const char *name,
			      enum task_kind kind, int cpu, u32 flags)
{
	struct task *t;

	assert(S.ready && fn && name);
	t = host_calloc(1, sizeof(*t));
	t->stack = task_stack_alloc(S.stack_size);
	t->stack_size = S.stack_size;
	t->valgrind_id =
		VALGRIND_STACK_REGISTER(t->stack, t->stack + t->stack_size);
	t->sp = ctx_prepare(t->stack, t->stack_size, task_entry, t);
	t->fn = fn;
	t->arg = arg;
	t->id = ++S.next_id;
	t->fp_chain = fp_spawn(t->id);
	t->flags = flags;
	t->kind = (u8)kind;
	t->cpu = (s16)((unsigned)(cpu < 0 ? 0 : cpu) % S.nr_cpus);
	t->state = TASK_RUNNABLE;
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->tname = trace_name(t->name);
	t->tname_hash = trace_name_hash(t->tname);
	list_add_tail(&t->all_node, &S.all);
	list_add_tail(&t->run_node, &S.runq);
	sched_fast.nr_runnable++;
	if (!(flags & TASK_F_DAEMON))
		sched_fast.nr_alive++;
	TRACE(.kind = "task.spawn", .args = TRACE_FMT("%s", t->tname));
	return t;
}

struct task *task_spawn(int (*fn)(void *arg), void *arg, const char *name,
			enum task_kind kind, int cpu)
{
	return task_spawn_flags(fn, arg, name, kind, cpu, 0);
}

bool task_done(const struct task *t)
{
	return t->state == TASK_DEAD;
}

unsigned sched_nr_alive(void)
{
	unsigned n = 0;
	struct task *t;

	if (!S.ready)
		return 0;
	list_for_each_entry(t, &S.all, all_node)
		n += t->state != TASK_DEAD;
	return n;
}

static void run_task(struct task *t)
{
	set_current(t);
	S.switches++;
	fiber_start(&S.sched_fake, t->stack, t->stack_size);
	ctx_switch(&S.sched_sp, t->sp);
	fiber_finish(S.sched_fake, NULL, NULL);
	/* Tasks may have passed the CPU on (switch_away()): the one that
	 * came back is current. */
	t = sched_current;
	set_current(NULL);
	if (t->state == TASK_DEAD)
		free_task(t);
}

/* One step's choice: the task a preemption chose, else the next task off
 * the run queue (policy asked when two or more are runnable); the step
 * counted. */
static inline __attribute__((always_inline)) struct task *take_next(void)
{
	unsigned n = sched_fast.nr_runnable;
	struct task *t = S.forced;

	assert(n);
	S.stall_reported = false;
	S.forced = NULL;
	if (!t || list_empty(&t->run_node))
		t = n == 1 ? list_first_entry(&S.runq, struct task, run_node) :
			     sched_policy_pick(&S.runq, n);
	list_del_init(&t->run_node);
	sched_fast.nr_runnable--;
	S.steps++;
	S.user_steps += !(t->flags & TASK_F_DAEMON);
	S.last = t;
	return t;
}

/* A blocked daemon waiting for work is idle, not stuck. */
static bool stuck(const struct task *t)
{
	return t->state == TASK_BLOCKED &&
	       (!(t->flags & TASK_F_DAEMON) ||
		strcmp(t->wait_what, SCHED_WAIT_IDLE) != 0);
}

bool __sched_tasks_done(void)
{
	struct task *t;

	if (!S.ready)
		return true;
	list_for_each_entry(t, &S.all, all_node)
		if (stuck(t))
			return false;
	return true;
}

static enum sched_status stalled(void)
{
	struct task *t;
	unsigned n = 0;

	list_for_each_entry(t, &S.all, all_node)
		n += stuck(t);
	if (!n)
		return SCHED_DONE;
	if (!S.stall_reported) {
		S.stall_reported = true;
		list_for_each_entry(t, &S.all, all_node) {
			if (stuck(t))
				check_report("deadlock",
					     "task %s (%s, cpu%d) blocked "
					     "forever in %s %s",
					     t->name, task_kind_name(t->kind),
					     t->cpu, t->wait_what,
					     t->wait_name ? t->wait_name : "?");
		}
	}
	return SCHED_DEADLOCK;
}

/* Nothing runnable and only housekeeping timers armed: over (stalled():
 * done, or deadlocked with tasks blocked) when each says firing it could
 * change nothing, or after as many firings with no non-daemon task
 * running as the most patient timer asked for; else SCHED_TIMER (fire
 * them). */
static enum sched_status idle_timers_only(void)
{
	struct sim_timer *tm;
	unsigned int patience = 0;
	bool idle = true;

	list_for_each_entry(tm, &S.timers, node) {
		idle &= tm->idle(tm);
		if (tm->patience > patience)
			patience = tm->patience;
	}
	if (idle)
		return stalled();
	if (S.user_steps != S.idle_mark) {
		S.idle_mark = S.user_steps;
		S.idle_fires = 0;
	}
	if (++S.idle_fires > patience)
		return stalled();
	return SCHED_TIMER;
}

static bool limit_reached(void)
{
	return (S.max_steps && S.steps >= S.max_steps) || trace_over_budget;
}

enum sched_status sched_step(void)
{
	struct task *t;

	assert(!current && "sched_step() called from inside a task");
	if (!S.ready)
		return SCHED_DONE;
	if (limit_reached())
		return SCHED_LIMIT;
	if (!sched_fast.nr_runnable) {
		u64 until = S.nr_timers ?
				    list_first_entry(&S.timers,
						     struct sim_timer, node)
					    ->expires :
				    UINT64_MAX;

		/* The world outside may still wake someone: wait for it, at
		 * most until the next timer is due. */
		if (S.clock && S.outside) {
			u64 fired = S.fired;

			if (S.outside(S.outside_arg, until)) {
				sched_clock_sync();
				return SCHED_TIMER;
			}
			/* The hook's own clock sync may have fired timers
			 * (a scenario's `at` block now pending, a task
			 * woken): the state below is stale, no verdict. */
			if (S.fired != fired || sched_fast.nr_runnable)
				return SCHED_TIMER;
		}
		if (!S.nr_timers)
			return stalled();
		if (S.nr_timers == S.nr_idle_timers) {
			enum sched_status st = idle_timers_only();

			if (st != SCHED_TIMER)
				return st;
		}
		if (S.max_time &&
		    list_first_entry(&S.timers, struct sim_timer, node)
				    ->expires > S.max_time)
			return SCHED_TIME_LIMIT;
		if (S.clock)
			wait_for_clock(list_first_entry(&S.timers,
							struct sim_timer, node)
					       ->expires);
		fire_timers();
		return SCHED_TIMER;
	}
	t = take_next();
	run_task(t);
	if (!S.post_done && check_invariants_due())
		check_invariants_run();
	S.post_done = false;
	return SCHED_STEPPED;
}

enum sched_status sched_run_until(bool (*pred)(void *arg), void *arg)
{
	bool was_in = S.in_run;
	bool (*was_pred)(void *) = S.pred;
	void *was_arg = S.pred_arg;
	enum sched_status st;

	S.in_run = true;
	S.pred = pred;
	S.pred_arg = arg;
	S.pred_said = -1;
	for (;;) {
		/* A task that took steps itself asked the predicate already. */
		bool stop = pred &&
			    (S.pred_said >= 0 ? S.pred_said : pred(arg));

		S.pred_said = -1;
		if (stop) {
			st = SCHED_STOPPED;
			break;
		}
		st = sched_step();
		if (st != SCHED_STEPPED && st != SCHED_TIMER)
			break;
	}
	S.in_run = was_in;
	S.pred = was_pred;
	S.pred_arg = was_arg;
	return st;
}

enum sched_status sched_run(void)
{
	return sched_run_until(NULL, NULL);
}

const char *sched_status_name(enum sched_status st)
{
	static const char *const names[] = { "stepped",	  "timer", "done",
					     "deadlock",  "limit", "stopped",
					     "time limit" };

	return (unsigned)st < ARRAY_SIZE(names) ? names[st] : "?";
}

int task_join(struct task *t, int *result)
{
	assert(!current);
	while (t->state != TASK_DEAD) {
		enum sched_status st = sched_step();

		if (st != SCHED_STEPPED && st != SCHED_TIMER)
			return -EDEADLK;
	}
	if (result)
		*result = t->result;
	return 0;
}

/* --- yield points ------------------------------------------------------ */

/*
 * Leave @t (runnable again or blocked) for the next step. Inside
 * sched_run_until(), @t does what the scheduler does between two steps
 * (invariants, predicate) and, when the next step is nothing but a choice
 * (a task is runnable, no limit reached, the predicate false), takes it
 * and switches straight to the task picked; otherwise control goes back to
 * the scheduler, told what was done already.
 * Guarantees: on return @t is current again, picked by a later step.
 * (Inline in its three callers: a block is the hot one, one call fewer.)
 */
static inline __attribute__((always_inline)) void switch_away(struct task *t)
{
	struct task *next;

	if (!S.in_run) {
		switch_to_sched(t);
		return;
	}
	set_current(NULL); /* between steps, as in the scheduler */
	if (check_invariants_due())
		check_invariants_run();
	S.post_done = true;
	if (S.pred)
		S.pred_said = S.pred(S.pred_arg);
	if (S.pred_said > 0 || !sched_fast.nr_runnable || limit_reached()) {
		set_current(t);
		switch_to_sched(t);
		return;
	}
	S.post_done = false;
	S.pred_said = -1;
	next = take_next();
	set_current(next);
	if (next == t)
		return;
	S.switches++;
	fiber_start(&t->fake_stack, next->stack, next->stack_size);
	ctx_switch(&t->sp, next->sp);
	fiber_finish(t->fake_stack, NULL, NULL);
}

void sched_yield(void)
{
	struct task *t = current;

	if (!t)
		return;
	fp_point();
	list_add_tail(&t->run_node, &S.runq);
	sched_fast.nr_runnable++;
	switch_away(t);
}

/* Only a policy that explores gets here (sched_preempt_point()). */
void __sched_preempt(void)
{
	struct task *t = current;
	unsigned c;

	/* a decision is made here: the task's place in its code is part of
	 * the state an exploring dfs keys (sim/kernel/footprint.h); every
	 * other way a task stops is an event of its own */
	fp_point();
	c = sched_policy_preempt(t, &S.runq, sched_fast.nr_runnable + 1);
	if (!c)
		return;
	/* the (c - 1)-th waiting task runs next; @t waits at the tail */
	S.forced = list_first_entry(&S.runq, struct task, run_node);
	while (--c)
		S.forced = list_next_entry(S.forced, run_node);
	list_add_tail(&t->run_node, &S.runq);
	sched_fast.nr_runnable++;
	switch_away(t);
}

/* Process-wide, not per machine: a test that turns them off to show what
 * they find keeps them off across the machines an exploration builds. */
void sched_set_event_points(bool on)
{
	sched_fast.event_points = on;
}

static void timeout_fired(struct sim_timer *timer)
{
	struct task *t = container_of(timer, struct task, timer);

	t->timed_out = true;
	TRACE(.kind = "timer.fire", .task = "-",
	      .args = TRACE_FMT("%s: %s %s", t->tname, t->wait_what,
				t->wait_name ? t->wait_name : ""));
	sched_wake(t);
}

/* sched_block(), inline in it and in wq_wait() (a block on a wait queue,
 * three per round trip, is one call). */
static inline __attribute__((always_inline)) int
__sched_block(const char *what, const char *name, u64 timeout_ns)
{
	struct task *t = current;

	if (!t) {
		enum sched_status st = sched_step();

		return st == SCHED_STEPPED || st == SCHED_TIMER ? 0 : -EDEADLK;
	}
	assert(t->state == TASK_RUNNABLE);
	fp_touch_task(t);
	t->state = TASK_BLOCKED;
	t->wait_what = what;
	t->wait_name = name;
	t->timed_out = false;
	if (timeout_ns)
		sim_timer_arm(&t->timer, S.now + timeout_ns, timeout_fired);
	TRACE(.kind = "task.block",
	      .args = TRACE_FMT("%s %s", what, name ? name : ""));
	switch_away(t);
	/* after the wake-up: its event on @t orders what follows */
	fp_touch_task(t);
	sim_timer_cancel(&t->timer);
	return t->timed_out ? -ETIMEDOUT : 0;
}

int sched_block(const char *what, const char *name, u64 timeout_ns)
{
	return __sched_block(what, name, timeout_ns);
}

/* sched_wake(), inline in it and in __wake_up_common(). */
static inline __attribute__((always_inline)) void __sched_wake(struct task *t)
{
	fp_touch(t);
	if (t->state != TASK_BLOCKED)
		return;
	t->state = TASK_RUNNABLE;
	/* woken first: the timeout must not fire for a wait that is over */
	sim_timer_cancel(&t->timer);
	list_add_tail(&t->run_node, &S.runq);
	sched_fast.nr_runnable++;
	if (!t->timed_out)
		TRACE(.kind = "task.wake", .args = TRACE_FMT("%s", t->tname));
}

void sched_wake(struct task *t)
{
	__sched_wake(t);
}

/*
 * The wait queue's two hot paths (sim/kernel/wait.h): here rather than in
 * wait.c so that the block and the wake-ups they make are inline in them,
 * a round trip's three blocks and three wake-ups one call each.
 */

/* Guarantees: on return the entry is unlinked, whatever ended the wait. */
int wq_wait(wait_queue_head_t *wq, const char *what, u64 timeout_ns)
{
	struct wait_queue_entry wait = { .task = current };
	int ret;

	if (!current)
		return sched_block(what, wq->name, timeout_ns);
	fp_touch(wq);
	list_add_tail(&wait.entry, &wq->head);
	ret = __sched_block(what, wq->name, timeout_ns);
	if (wait.entry.next != &wait.entry)
		list_del_init(&wait.entry);
	return ret;
}

unsigned __wake_up_common(wait_queue_head_t *wq, unsigned nr)
{
	unsigned n = 0;

	fp_touch(wq);
	while (!list_empty(&wq->head) && (!nr || n < nr)) {
		struct wait_queue_entry *w = list_first_entry(
			&wq->head, struct wait_queue_entry, entry);

		list_del_init(&w->entry);
		__sched_wake(w->task);
		n++;
	}
	/* A woken task may run on another CPU at once, before the waker's
	 * next line: a preemption point once every waiter is off the list
	 * (fifo goes on, and records the 0). */
	if (n)
		sched_event_point();
	return n;
}

void __might_sleep_report(const char *func)
{
	struct task *t = current;
	char held[160];

	task_held_locks(t, held, sizeof(held));
	check_report("sleep.atomic",
		     "BUG: sleeping function called from invalid context: "
		     "%s() in task %s (%s)%s%s, step %llu",
		     func, t->name, task_kind_name(t->kind),
		     !t->spin_held     ? "" :
		     t->spin_held == 1 ? " holding spinlock " :
					 " holding spinlocks ",
		     held, (unsigned long long)S.steps);
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
	return (unsigned long)(S.now / (NSEC_PER_SEC / HZ));
}
