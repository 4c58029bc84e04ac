/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file sched.h
 * @brief The scheduler: run loop, policies, virtual clock, timers.
 *
 * One scheduling decision is one step: the policy picks a task among the
 * runnable ones, the task runs to its next yield point, control returns.
 * When nothing is runnable the virtual clock jumps to the earliest timer
 * and fires it; when there is no timer either, the run is over (every
 * non-daemon task has returned) or deadlocked (some are blocked forever).
 * Housekeeping timers (sim_timer_set_idle()) do not keep a run going on
 * their own: with only those armed, the run is over (or deadlocked, when
 * tasks are blocked) as soon as each says that firing could change
 * nothing, or after as many of their firings in which no non-daemon task
 * ran as the most patient of them asked for (SCHED_IDLE_FIRES_MAX unless
 * told).
 *
 * Policies: "fifo" (run queue order), "random:SEED", "replay:I,J,..." and a
 * callback for explorers. Only decisions with more than one runnable task
 * are choices; they are recorded (index taken and number offered), so
 * sched_choices_format() turns any run into a replay string.
 *
 * Decisions come at two kinds of points. Where the running task stops
 * (it blocks, sleeps, returns or yields with sched_yield()), the policy
 * picks the next task among the runnable ones in run-queue order, and
 * choice 0 is the first. At a preemption point (sched_preempt_point():
 * spin_lock(), mutex_lock(), cond_resched(); sched_event_point(): after a
 * wake-up made a task runnable, when a work item is queued with no idle
 * worker woken or is about to run, before an interrupt is delivered),
 * where another CPU could get there first, the candidates are the running task and then the run
 * queue, and choice 0 lets the running task go on: fifo always takes 0,
 * so under fifo a task runs until it stops (the kernel's non-preemptive
 * model), and only a policy that explores (random, replay, a callback)
 * ever preempts. A decision to go on costs no step and no switch.
 * @ingroup sim_kernel
 */
#ifndef VFSIM_SIM_KERNEL_SCHED_H
#define VFSIM_SIM_KERNEL_SCHED_H

#include <stddef.h>

#include "sim/kernel/task.h"
#include "sim/kernel/types.h"

/** @brief The wait reason (sched_block()'s @p what) of an idle daemon. */
#define SCHED_WAIT_IDLE "idle"

/** @brief Default task stack size in bytes. */
#define SCHED_DEFAULT_STACK (64u * 1024)

/** @brief Machine parameters for sched_init(); zero fields take defaults. */
struct sched_opts {
	unsigned nr_cpus;  /**< simulated CPUs (default 2) */
	size_t stack_size; /**< per-task stack (default SCHED_DEFAULT_STACK) */
	u64 max_steps;	   /**< sched_run() gives up after this (0: never) */
	/** the clock never passes this virtual time (0: no limit) */
	u64 max_time_ns;
};

/** @brief Outcome of sched_step() and sched_run(). */
enum sched_status {
	SCHED_STEPPED,	/**< one task ran to its next yield point */
	SCHED_TIMER,	/**< no task was runnable; the clock advanced */
	SCHED_DONE,	/**< every non-daemon task returned, nothing pending */
	SCHED_DEADLOCK, /**< tasks are blocked and nothing can wake them */
	SCHED_LIMIT,	/**< the step limit was reached */
	SCHED_STOPPED,	/**< sched_run_until()'s predicate became true */
	/** nothing is runnable and the next timer is past the virtual-time
	 *  limit: the clock stays where it is */
	SCHED_TIME_LIMIT,
};

/**
 * @brief Explorer callback: choose which of @p n runnable tasks runs.
 * @param arg the pointer given to sched_set_policy_fn()
 * @param runnable the candidates in run-queue order; at a preemption
 *        point the running task (`current`) comes first, and choosing it
 *        (0) lets it go on
 * @param n how many (always >= 2)
 * @return an index below @p n
 */
typedef unsigned (*sched_choose_fn)(void *arg, struct task *const *runnable,
				    unsigned n);

/**
 * @brief Create the machine's scheduler state (policy fifo, clock 0) and
 * connect the trace to its clock and current task.
 * @param opts parameters, or NULL for the defaults
 * @return 0, -EBUSY when already initialized, -EINVAL for bad options
 */
int sched_init(const struct sched_opts *opts);

/**
 * @brief Free every task and timer; safe when not initialized.
 *
 * Tasks still blocked are dropped where they are: a lock, completion or
 * wait queue they were waiting on still links to them, so re-initialize
 * such objects before using them again.
 */
void sched_exit(void);

/** @brief True between sched_init() and sched_exit(). */
bool sched_ready(void);

/** @brief Which policy a policy string names. */
enum sched_policy_kind {
	SCHED_POLICY_NONE,   ///< no policy word recognised (failed parse only)
	SCHED_POLICY_FIFO,   ///< "fifo": run-queue order
	SCHED_POLICY_RANDOM, ///< "random:SEED": seeded pseudo-random choices
	SCHED_POLICY_REPLAY, ///< "replay:I,J,...": a recorded list of choices
};

/** @brief A parsed policy string, not yet installed. */
struct sched_policy_spec {
	enum sched_policy_kind kind; ///< which policy
	u64 seed;		     ///< random: the seed
	u32 *replay; ///< replay: the choices (heap; NULL if none)
	size_t nr;   ///< replay: number of choices
};

/**
 * @brief Parse a policy string ("fifo", "random:SEED" or "replay:I,J,...",
 * decimal numbers) without touching the scheduler: callable before
 * sched_init() and by anyone who only wants to validate a string.
 *
 * On success @p out owns the replay list: release it with
 * sched_policy_spec_free(). On failure @p out holds no list, but
 * @p out->kind still names the policy word when one was recognised
 * (SCHED_POLICY_NONE otherwise), so a caller can tell an unknown policy
 * from a malformed number.
 * @param spec the string (NULL is an error)
 * @param out where the parsed policy goes
 * @param msg where the message of a failure goes, the text
 *        sched_policy_error() would report (may be NULL if @p msgsize is 0)
 * @param msgsize size of @p msg
 * @return 0; -EINVAL for an unknown policy or malformed list, -ERANGE for
 *         a number out of range
 */
int sched_policy_parse(const char *spec, struct sched_policy_spec *out,
		       char *msg, size_t msgsize);

/** @brief Release the replay list of @p ps (which may be all zero). */
void sched_policy_spec_free(struct sched_policy_spec *ps);

/**
 * @brief Set the policy from a string: sched_policy_parse(), then install.
 * Choices recorded so far are dropped. A failure changes nothing but the
 * message of sched_policy_error().
 * @return 0; -EINVAL for an unknown policy or malformed list, -ERANGE for
 *         a number out of range (sched_policy_error() says which)
 */
int sched_set_policy(const char *spec);

/** @brief Use @p fn to make every choice (an explorer). */
void sched_set_policy_fn(sched_choose_fn fn, void *arg);

/** @brief The message of the last sched_set_policy() failure. */
const char *sched_policy_error(void);

/** @brief The current policy's name ("fifo", "random", "replay", "fn"). */
const char *sched_policy_name(void);

/**
 * @brief Create a task on the run queue (at its tail).
 * @param fn entry function; its return value becomes the task's result
 * @param arg its argument
 * @param name name for the trace (truncated to 31 bytes)
 * @param kind what the task models
 * @param cpu simulated CPU (reduced modulo nr_cpus)
 * @return the task (owned by the scheduler until sched_exit()); never
 *         NULL (a stack the host cannot provide is host_oom())
 */
struct task *task_spawn(int (*fn)(void *arg), void *arg, const char *name,
			enum task_kind kind, int cpu);

/** @brief task_spawn() with TASK_F_* flags. */
struct task *task_spawn_flags(int (*fn)(void *arg), void *arg, const char *name,
			      enum task_kind kind, int cpu, u32 flags);

/** @brief True once @p t has returned. */
bool task_done(const struct task *t);

/**
 * @brief Run the scheduler until @p t returns (from outside any task).
 * @param t the task
 * @param result where to store its return value (may be NULL)
 * @return 0, or -EDEADLK when the run stopped (deadlock, limit, done)
 *         without @p t finishing
 */
int task_join(struct task *t, int *result);

/** @brief Make one scheduling decision (see enum sched_status). */
enum sched_status sched_step(void);

/** @brief Step until done, deadlock or the step limit. */
enum sched_status sched_run(void);

/** @brief Step until @p pred(@p arg) is true (checked before each step),
 *  or done/deadlock/limit. */
enum sched_status sched_run_until(bool (*pred)(void *arg), void *arg);

/**
 * @brief Change the step limit of sched_init()'s sched_opts::max_steps
 * from now on: sched_step() and sched_run() stop with SCHED_LIMIT once
 * sched_steps() reaches @p max_steps (0: never). Steps already taken
 * count, so a limit at or below sched_steps() stops the next step.
 */
void sched_set_max_steps(u64 max_steps);

/** @brief The step limit in force (0: none). */
u64 sched_max_steps(void);

/**
 * @brief Set the virtual-time limit (sched_opts::max_time_ns) from now
 * on: when no task is runnable and the next timer would move the clock
 * past @p max_time_ns, sched_step() returns SCHED_TIME_LIMIT instead and
 * the clock stays put (0: no limit). A run that only ever sleeps and
 * re-arms timers stops there instead of running for ever.
 */
void sched_set_max_time(u64 max_time_ns);

/** @brief The virtual-time limit in force (0: none). */
u64 sched_max_time(void);

/** @brief Name of a status ("done", "deadlock", ...). */
const char *sched_status_name(enum sched_status st);

/** @brief Virtual time in nanoseconds. */
u64 sched_now(void);

/**
 * @brief Read a duration as the scenario language writes it: decimal
 *        digits and a unit, ns, us, ms or s ("1500us", "2ms", "1s").
 * @return 0 and @p ns set; -EINVAL for anything else; -ERANGE when it
 *         does not fit in 64 bits of nanoseconds
 */
int sched_parse_duration(const char *s, u64 *ns);

/**
 * @brief Let the virtual clock follow a real one, for a machine that
 * talks to real peers (vfsim serve: a VMM and a real guest kernel).
 *
 * With @p clock_ns set, a step that finds no task runnable and a timer
 * armed waits (sleeps) until @p clock_ns reaches the timer's expiry
 * instead of jumping there, so a device's latency or a stall lasts as
 * long in the real world as it says. sched_clock_sync() brings the clock
 * forward after the caller waited for something else. Such a run depends
 * on the wall clock and is not deterministic; the simulator never sets
 * this. NULL (the default) restores the jumping virtual clock. Call it
 * after sched_init(); sched_exit() forgets it.
 * @param clock_ns nanoseconds of a monotonic clock, counted from when the
 *        machine's clock was 0 (it never goes back)
 */
void sched_set_clock(u64 (*clock_ns)(void));

/** @brief CLOCK_MONOTONIC in nanoseconds. */
u64 sched_wall_ns(void);

/**
 * @brief sched_set_clock() with the wall clock (CLOCK_MONOTONIC), counted
 * so that the virtual clock goes on from where it is now.
 */
void sched_follow_wall_clock(void);

/**
 * @brief With a clock set (sched_set_clock()), let a step that finds no
 * task runnable wait for the world outside (a real back end's
 * completions) before it jumps to a timer or ends the run.
 *
 * @p wait is called outside any task with the next timer's expiry on the
 * clock (UINT64_MAX without a timer). It returns false when nothing
 * outside is pending (the step then goes on as without the hook), or
 * true after it waited, at most until @p until, for something outside
 * and handled what came (woke tasks, raised interrupts); the step then
 * brings the clock forward (sched_clock_sync()) and returns
 * #SCHED_TIMER. A hook that returns false after its own
 * sched_clock_sync() fired a timer or woke a task also makes the step
 * return #SCHED_TIMER: no deadlock is called on a state the hook
 * changed. A hook that returns true must bound its wait itself, so
 * that a silent peer cannot hang the machine. NULL removes it;
 * sched_exit() forgets it.
 */
void sched_set_outside(bool (*wait)(void *arg, u64 until), void *arg);

/**
 * @brief With a clock set (sched_set_clock()), bring the virtual clock
 * forward: when timers are due on the real clock, fire those of the
 * earliest instant only, the virtual clock at that instant (the tasks
 * they wake run before later timers fire, however late the host woke
 * the caller); else move it to the real clock's time. Call it outside
 * any task, e.g. after poll() returned, and again (sched_step() does)
 * until sched_next_time() is no longer due. A no-op without a clock.
 */
void sched_clock_sync(void);

/** @brief Scheduling decisions made so far (the "trace position"). */
u64 sched_steps(void);

/** @brief Context switches into tasks so far. */
u64 sched_switches(void);

/** @brief Simulated CPUs. */
unsigned sched_nr_cpus(void);

/** @brief Name of the current task, or "-" outside tasks. */
const char *sched_task_name(void);

/** @brief Tasks spawned and not yet returned (daemons included). */
unsigned sched_nr_alive(void);

/**
 * @brief sched_tasks_done() once no task is alive or runnable: the scan
 * of the daemons, each waiting for work or not.
 */
bool __sched_tasks_done(void);

/**
 * @brief The task the last step ran (it may have returned since), for a
 * debugger's "where am I".
 * @return the task, or NULL before the first step; valid until
 *         sched_exit()
 */
const struct task *sched_last_task(void);

/**
 * @brief When the next step happens, without taking it: the current time
 * when a task is runnable, else the earliest timer's expiry (the clock
 * jumps there), else UINT64_MAX (the next step ends the run: done or
 * deadlock).
 */
u64 sched_next_time(void);

/**
 * @brief Visit every task spawned since sched_init(), finished ones
 * included, in spawn order (read-only: for consoles and reports).
 * @param fn called for each task; a non-zero return stops the walk
 * @param arg passed to @p fn
 * @return the first non-zero return of @p fn, or 0
 */
int sched_for_each_task(int (*fn)(void *arg, const struct task *t), void *arg);

/** @brief Number of recorded choices. */
size_t sched_nr_choices(void);

/**
 * @brief Bytes the record of choices takes. A choice 0 only lengthens the
 * run of zeros before it, so under fifo (every choice 0) the record does
 * not grow however long the run.
 */
size_t sched_choices_memory(void);

/**
 * @brief The @p i-th recorded choice (a scan in order costs O(1) a
 * choice).
 * @param i index below sched_nr_choices()
 * @param offered where to store how many tasks were runnable, for a choice
 *        other than 0; for a choice 0, which the record keeps as a count,
 *        0 (it was made among two or more) (may be NULL)
 * @return the index taken
 */
unsigned sched_choice_at(size_t i, unsigned *offered);

/**
 * @brief Write the recorded choices as a policy string, "replay:0,1,...".
 * @return the length the full string needs, like snprintf()
 */
int sched_choices_format(char *buf, size_t size);

/**
 * @brief Next schedule of a depth-first exploration: from the choices of
 * the run just made, build the replay string of the next unexplored run
 * (the last choice that still has untried alternatives, incremented, the
 * rest dropped; replay continues with index 0 past the list's end).
 * @return true and fills @p buf, or false when every schedule was explored
 */
bool sched_explore_next(char *buf, size_t size);

/** @brief How the list of a replay policy was used (sched_replay_use()). */
struct sched_replay_use {
	size_t listed;	 ///< choices in the list
	size_t used;	 ///< choices taken from it so far
	size_t past_end; ///< choices made after it ran out (each took 0)
};

/**
 * @brief How far a "replay:" policy got through its list, so a caller can
 * tell a replay that ran out (past_end > 0: the rest of the run took
 * choice 0 each time) or ended early (used < listed) from an exact one.
 * @param u filled in (all zero when the policy is not replay)
 * @return true when the policy is replay
 */
bool sched_replay_use(struct sched_replay_use *u);

/* --- between the scheduler and its policy (sched_policy.c) ------------- */

/**
 * @brief Let the policy choose among @p n >= 2 runnable tasks (run-queue
 * order) and record the choice. For the scheduler only.
 * @return the chosen task (still on @p runq)
 */
struct task *sched_policy_pick(struct list_head *runq, unsigned n);

/**
 * @brief At a preemption point of @p cur, let the policy choose among
 * @p n >= 2 candidates, @p cur then the @p n - 1 tasks on @p runq, and
 * record the choice. For the scheduler only.
 * @return 0 to let @p cur go on, else c for the (c - 1)-th task of @p runq
 */
unsigned sched_policy_preempt(struct task *cur, struct list_head *runq,
			      unsigned n);

/** @brief Drop the policy and the recorded choices (back to fifo). */
void sched_policy_exit(void);

/* --- used by the primitives ------------------------------------------- */

/** @brief Yield point: the running task stops and the policy picks the
 *  next one (maybe itself: fifo picks the first other runnable task, as
 *  the kernel's yield() does). A no-op outside tasks. */
void sched_yield(void);

/**
 * @brief What the inline preemption points read, so that under fifo a
 * point costs a few instructions and no call (vfsim's: the kernel has no
 * policy to ask). Kept by sched.c and sched_policy.c; read-only elsewhere.
 */
struct sched_fast {
	unsigned nr_runnable; ///< tasks on the run queue
	/** tasks spawned without TASK_F_DAEMON that have not returned */
	unsigned nr_alive;
	bool explores;	   ///< the policy is not fifo: a point may preempt
	bool event_points; ///< sched_set_event_points()
	/** fifo's choices at preemption points (all 0) not yet added to the
	 *  record of choices; every reader of the record adds them first */
	u64 fifo_zeros;
};

/**
 * @brief Note the tasks of a machine image (sim/trace/image.h; vfsim's
 * own), taken before any task ran. Replaces an earlier note.
 * @return 0; -EBUSY when a task has run (or none can: no scheduler)
 */
int sched_image_take(void);

/** @brief Whether sched_image_restore() can run: sched_exit() ran and
 *  every stack of the image's tasks is in the pool. */
bool sched_image_ready(void);

/**
 * @brief After image_restore() put the scheduler's state and the task
 * structs back: take their stacks out of the pool, make each task's
 * first frame again, and hand the trace its context again.
 */
void sched_image_restore(void);

/** @brief Forget the note of sched_image_take(). */
void sched_image_drop(void);

/** @brief The scheduler's state the inline points read. */
extern struct sched_fast sched_fast;

/**
 * @brief A task is alive or runnable: sched_tasks_done() is false without
 * its scan of the daemons (two loads, for a predicate asked between every
 * two steps that leaves the rest to an out-of-line path).
 */
static inline bool sched_tasks_busy(void)
{
	return sched_fast.nr_alive || sched_fast.nr_runnable;
}

/**
 * @brief True when only timers are left: every task spawned without
 * TASK_F_DAEMON has returned, none is runnable, and every daemon waits
 * for work (blocked with SCHED_WAIT_IDLE). A timer armed then (a
 * periodic work such as the request-timeout check) would run on for
 * ever; a run whose tasks are done ends here instead (sim/cli's `run`).
 * sched_step() itself still fires those timers.
 *
 * A run's predicate asks it between every two steps, nearly always while
 * a task is alive or runnable: that answer is two loads, the scan of the
 * daemons out of line (__sched_tasks_done()).
 */
static inline bool sched_tasks_done(void)
{
	if (sched_tasks_busy())
		return false;
	return __sched_tasks_done();
}

/** @brief sched_preempt_point()'s out-of-line part: ask a policy that
 *  explores. For sched_preempt_point() only. */
void __sched_preempt(void);

/**
 * @brief Preemption point: a place where another CPU could get there
 * first (spin_lock(), mutex_lock(), cond_resched()). The policy decides
 * whether the running task goes on (fifo always does, and records the
 * choice 0) or another one runs (see the file comment). A no-op outside
 * tasks or when nothing else is runnable.
 */
static inline void sched_preempt_point(void)
{
	if (!current || !sched_fast.nr_runnable)
		return;
	if (likely(!sched_fast.explores)) {
		sched_fast.fifo_zeros++;
		return;
	}
	__sched_preempt();
}

/**
 * @brief Preemption point after an event another CPU may react to at
 * once: a wake-up that made a task runnable, a work item queued or about
 * to run, an interrupt about to be delivered. As sched_preempt_point()
 * (fifo goes on and records the 0, so fifo's trace is the same with or
 * without them) unless sched_set_event_points() turned them off.
 */
static inline void sched_event_point(void)
{
	if (sched_fast.event_points)
		sched_preempt_point();
}

/**
 * @brief Turn the event points (sched_event_point()) on (the default) or
 * off, for the whole process; a test turns them off to show a race that
 * only they reach. Lock points stay.
 */
void sched_set_event_points(bool on);

/**
 * @brief Block the current task until sched_wake() (or @p timeout_ns).
 * @param what class of object waited on, for reports ("completion")
 * @param name the object's name
 * @param timeout_ns virtual ns before giving up, or 0 for no timeout
 * @return 0 when woken, -ETIMEDOUT when the timeout fired first
 *
 * Outside a task it runs one scheduler step instead and returns 0, or
 * -EDEADLK when the scheduler could not make progress.
 */
int sched_block(const char *what, const char *name, u64 timeout_ns);

/** @brief Make a blocked task runnable; a no-op for any other state. */
void sched_wake(struct task *t);

/** @brief Arm @p timer to call @p fn at virtual time @p expires. */
void sim_timer_arm(struct sim_timer *timer, u64 expires,
		   void (*fn)(struct sim_timer *timer));

/** @brief sim_timer_cancel() of an armed timer (the scheduler's part). */
bool sim_timer_cancel_armed(struct sim_timer *timer);

/** @brief Disarm @p timer; returns true when it was armed. */
static inline bool sim_timer_cancel(struct sim_timer *timer)
{
	return timer->armed ? sim_timer_cancel_armed(timer) : false;
}

/** @brief Number of armed timers. */
unsigned sched_nr_timers(void);

/** @brief Firings of housekeeping timers alone, with no non-daemon task
 *  running in between, after which a run stops, unless a timer asked for
 *  more patience (see the file comment). */
#define SCHED_IDLE_FIRES_MAX 16

/**
 * @brief Make @p timer housekeeping: periodic work that re-arms itself for
 * as long as its owner lives, such as the FUSE request timeout's check.
 * @p idle (NULL: an ordinary timer again) says when firing it now could
 * change nothing (the check: no request outstanding). Such timers fire as
 * usual while anything else is going on, but alone they neither keep a
 * finished run going nor hide a deadlock for ever (see the file comment).
 * vfsim's own: the kernel's timers have no such property.
 * @param timer the timer (armed or not)
 * @param idle the test, or NULL
 * @param patience firings alone, with no non-daemon task running in
 *        between, that may still change something when @p idle says they
 *        could (the timeout check: the timeout divided by the check's
 *        period, and two more); 0 for #SCHED_IDLE_FIRES_MAX
 */
void sim_timer_set_idle(struct sim_timer *timer,
			bool (*idle)(const struct sim_timer *timer),
			unsigned int patience);

/** @brief __might_sleep()'s report (out of line: it is rare). */
void __might_sleep_report(const char *func);

/**
 * @brief might_sleep(): report sleeping in atomic context (spinlock held or
 * irq task) as "BUG: sleeping function called from invalid context".
 * @param func the sleeping function's name, for the report
 */
static inline void __might_sleep(const char *func)
{
	const struct task *t = current;

	if (t && (t->spin_held || t->kind == TASK_IRQ))
		__might_sleep_report(func);
}

/** @brief The kernel's might_sleep(). */
#define might_sleep() __might_sleep(__func__)

/** @brief cond_resched(): a preemption point (under fifo nothing needs
 *  the CPU, so it returns at once, as the kernel's does without
 *  need_resched). */
#define cond_resched() sched_preempt_point()

/** @brief The kernel's smp_processor_id(): the current task's CPU. */
int smp_processor_id(void);

/** @brief The kernel's raw_smp_processor_id(). */
#define raw_smp_processor_id() smp_processor_id()

/** @brief The kernel's num_online_cpus(). */
#define num_online_cpus() sched_nr_cpus()

/** @brief The kernel's nr_cpu_ids. */
#define nr_cpu_ids sched_nr_cpus()

#endif /* VFSIM_SIM_KERNEL_SCHED_H */
