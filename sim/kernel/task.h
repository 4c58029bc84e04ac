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

/** @brief A virtual-time timer; fires in scheduler context. */
struct sim_timer {
	struct list_head node; /**< link in the timer list */
	u64 expires;	       /**< virtual ns at which it fires */
	u64 seq;	       /**< arming order, breaks ties */
	void (*fn)(struct sim_timer *timer); /**< called when it fires */
	bool armed;			     /**< true while queued */
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
	u32 flags;		   /**< TASK_F_* */
	s32 result;		   /**< return value once dead */
	s16 cpu;		   /**< simulated CPU number */
	u8 kind;		   /**< enum task_kind */
	u8 state;		   /**< enum task_state */
	u16 spin_held;		   /**< spinlocks held right now */
	bool timed_out;		   /**< last timed wait ended by its timer */
	bool woken;	       /**< a wake-up arrived during the last wait */
	u32 valgrind_id;       /**< Valgrind stack registration */
	const char *last_spin; /**< name of the last spinlock taken */
	const char *tname;     /**< @ref name interned (trace_name()), as the
				    trace records it */
	u64 tname_hash;	       /**< its trace_name_hash() */
	char name[32];	       /**< name shown in the trace */
};

/** @brief The task now running, or NULL in scheduler/test context. */
extern struct task *sched_current;

/** @brief The kernel's `current`: the running task (NULL outside tasks). */
#define current (sched_current)

/** @brief Name of a task kind ("syscall", "worker", ...). */
const char *task_kind_name(enum task_kind kind);

/**
 * @brief Save the running context's registers and stack pointer in
 * @p *save_sp and resume the context whose stack pointer is @p new_sp.
 */
void ctx_switch(void **save_sp, void *new_sp);

/**
 * @brief Prepare a fresh stack so that the first ctx_switch() to the
 * returned stack pointer calls @p entry(@p arg).
 * @param stack lowest byte of the stack
 * @param size stack size in bytes
 * @param entry function to run; it must never return
 * @param arg its argument
 * @return the initial stack pointer
 */
void *ctx_prepare(char *stack, size_t size, void (*entry)(void *arg),
		  void *arg);

/**
 * @brief Map a stack of @p size bytes with a guard page below it.
 * @return the lowest usable byte, or NULL when the host refuses
 */
char *task_stack_alloc(size_t size);

/** @brief Unmap a stack from task_stack_alloc(). */
void task_stack_free(char *stack, size_t size);

#endif /* VFSIM_SIM_KERNEL_TASK_H */
