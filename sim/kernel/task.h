/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file task.h
 * @brief Cooperative tasks: the simulated machine's execution contexts.
 *
 * A task is a function running on its own small stack inside the one host
 * thread. It runs until it reaches a yield point (a spin_lock(), a blocking
 * wait, a sleep, cond_resched()) and then hands control back to the
 * scheduler, which picks the next task. Switching is a handful of register
 * moves (ctx_switch()), not a system call.
 *
 * ctx_switch() and ctx_prepare() have one implementation per architecture
 * behind this interface: a few lines of assembly for x86-64 and for
 * aarch64, and a portable one in plain POSIX (ucontext to start a task,
 * _setjmp()/_longjmp() to switch) that every other architecture gets, and
 * that `make SWITCH=portable` selects anywhere. ctx_switch_name() says
 * which one a build holds.
 *
 * Kernel code asks for `current` and for smp_processor_id(); both read the
 * task the scheduler is running (none while the scheduler itself or a test's
 * main function runs).
 * @ingroup sim_kernel
 */
#ifndef VFSIM_SIM_KERNEL_TASK_H
#define VFSIM_SIM_KERNEL_TASK_H

#include "sim/kernel/list.h"
#include "sim/kernel/types.h"

/** @brief What a task models (shown in reports; irq tasks may not sleep). */
enum task_kind {
	TASK_SYSCALL,  /**< a user process inside a system call */
	TASK_WORKER,   /**< a workqueue worker (kworker) */
	TASK_IRQ,      /**< an interrupt handler: sleeping is a bug */
	TASK_DEVICE,   /**< a device-side queue worker */
	TASK_FRONTEND, /**< the migration front-end / VMM */
};

/** @brief Life cycle of a task. */
enum task_state {
	TASK_RUNNABLE, /**< on the run queue, or running */
	TASK_BLOCKED,  /**< waiting for a wake-up (and maybe a timer) */
	TASK_DEAD,     /**< returned; result is valid */
};

/** @brief Task flag: a service loop (kworker, device worker). Such a task
 *  blocked with the reason SCHED_WAIT_IDLE ("idle") is waiting for work,
 *  which ends a run normally instead of counting as a deadlock. */
#define TASK_F_DAEMON 0x1u

/**
 * @brief Spinlocks a task remembers by name while it holds them: enough
 * for the two or three the guest nests (lockdep keeps 48 for the whole
 * kernel). A task holding more still counts them; reports name the first
 * TASK_HELD_LOCKS and say how many more there are.
 */
#define TASK_HELD_LOCKS 6

/** @brief One spinlock a task holds (its held-lock stack, as lockdep's). */
struct held_lock {
	const void *lock; /**< the lock, for matching its unlock */
	const char *name; /**< its name (static), still valid if it is freed */
};

/** @brief A virtual-time timer; fires in scheduler context. */
struct sim_timer {
	struct list_head node; /**< link in the timer list */
	u64 expires;	       /**< virtual ns at which it fires */
	u64 seq;	       /**< arming order, breaks ties */
	void (*fn)(struct sim_timer *timer); /**< called when it fires */
	bool armed;			     /**< true while queued */
	/** housekeeping: says when firing it could change nothing
	 *  (sim_timer_set_idle()); NULL for an ordinary timer */
	bool (*idle)(const struct sim_timer *timer);
	/** housekeeping: firings alone after which it is presumed to change
	 *  nothing (sim_timer_set_idle()) */
	unsigned int patience;
};

/** @brief A task. All fields are the scheduler's; read them, don't write. */
struct task {
	void *sp;	      /**< saved stack pointer while switched out */
	int (*fn)(void *arg); /**< entry function */
	void *arg;	      /**< its argument */
	char *stack;	      /**< lowest usable byte of the stack */
	size_t stack_size;    /**< usable stack bytes */
	struct list_head all_node; /**< link in the list of all tasks */
	struct list_head run_node; /**< link in the run queue */
	struct sim_timer timer;	   /**< sleep and timeout timer */
	const char *wait_what;	   /**< what it blocks on ("mutex"...) */
	const char *wait_name;	   /**< name of that object */
	void *fake_stack;	   /**< ASan fiber bookkeeping */
	u32 id;			   /**< spawn order, from 1 */
	u64 fp_chain;  /**< its last footprint event (sim/kernel/footprint.h) */
	u32 flags;     /**< TASK_F_* */
	s32 result;    /**< return value once dead */
	s16 cpu;       /**< simulated CPU number */
	u8 kind;       /**< enum task_kind */
	u8 state;      /**< enum task_state */
	u16 spin_held; /**< spinlocks held right now */
	bool timed_out;	 /**< last timed wait ended by its timer */
	bool woken;	 /**< a wake-up arrived during the last wait */
	u32 valgrind_id; /**< Valgrind stack registration */
	/** the spinlocks held, in the order taken (the first TASK_HELD_LOCKS
	 *  of @c spin_held) */
	struct held_lock held[TASK_HELD_LOCKS];
	const char *tname; /**< @ref name interned (trace_name()), as the
				trace records it */
	u64 tname_hash;	   /**< its trace_name_hash() */
	char name[32];	   /**< name shown in the trace */
};

/** @brief The task now running, or NULL in scheduler/test context. */
extern struct task *sched_current;

/** @brief The kernel's `current`: the running task (NULL outside tasks). */
#define current (sched_current)

/**
 * @brief The spinlocks @p t holds, for a report: "fc->bg_lock" or
 * "fc->bg_lock, fiq->lock" in the order taken, with "and N more" past
 * TASK_HELD_LOCKS. Empty when it holds none.
 * @param t the task
 * @param buf where the text goes (always NUL-terminated)
 * @param size its size
 */
void task_held_locks(const struct task *t, char *buf, size_t size);

/** @brief Name of a task kind ("syscall", "worker", ...). */
const char *task_kind_name(enum task_kind kind);

/**
 * @brief Save the running context in @p *save_sp and resume the context
 * @p new_sp.
 *
 * A context is an opaque pointer: the saved stack pointer for the assembly
 * switches, a pointer to a saved register set on the suspended stack for
 * the portable one. It is valid from the moment it is saved until the
 * context is resumed, and only once: a resumed context saves a new one the
 * next time it switches away. Callers tell Valgrind and ASan about the
 * switch (the scheduler does: sched_internal.h).
 * @param save_sp where to store the running context
 * @param new_sp a context saved by an earlier ctx_switch(), or a fresh one
 *        from ctx_prepare()
 */
void ctx_switch(void **save_sp, void *new_sp);

/**
 * @brief Prepare a fresh stack so that the first ctx_switch() to the
 * returned context calls @p entry(@p arg) on that stack.
 * @param stack lowest byte of the stack
 * @param size stack size in bytes (at least 16 KiB, as sched_init() allows)
 * @param entry function to run; it must never return
 * @param arg its argument
 * @return the fresh context (for the assembly switches, the initial stack
 *         pointer)
 */
void *ctx_prepare(char *stack, size_t size, void (*entry)(void *arg),
		  void *arg);

/**
 * @brief Which context switch this build holds: "x86_64" or "aarch64"
 * (assembly), or "portable" (POSIX ucontext and _setjmp()/_longjmp()).
 */
const char *ctx_switch_name(void);

/**
 * @brief Map a stack of @p size bytes with a guard page below it.
 *
 * The mapping is rounded up to whole host pages (4 KiB on x86-64, 4, 16 or
 * 64 KiB on arm64); the bytes past @p size are slack above the stack.
 * @return the lowest usable byte, or NULL when @p size is 0 or too
 *         large to round up; a host that refuses the mapping is
 *         host_oom()
 */
char *task_stack_alloc(size_t size);

/** @brief Give back a stack from task_stack_alloc(): kept in a pool of
 *  up to 64 for the next allocation of its size, else unmapped. */
void task_stack_free(char *stack, size_t size);

/** @brief Whether @p stack (from task_stack_alloc()) is in the pool, free
 *  for the next task_stack_alloc(). */
bool task_stack_pooled(const char *stack);

/** @brief Take @p stack, which task_stack_pooled() finds, out of the
 *  pool for the task it belonged to (a machine image's, sched.h). */
void task_stack_reclaim(char *stack);

#endif /* VFSIM_SIM_KERNEL_TASK_H */
