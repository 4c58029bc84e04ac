// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_sched.c - cost of a task switch and of a scheduler step.
 *
 * Two tasks yield to each other; each yield is one scheduler step. Inside
 * sched_run() a step that is nothing but a choice is taken by the task
 * that yields, which switches straight to the other: one context switch
 * per step, the scheduler's own stack not entered. Wall-clock time is
 * fine here: benchmarks print numbers and never pass or fail on them.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "sim/kernel/sched.h"
#include "sim/kernel/task.h"

#define YIELDS 2000000L

static int yielder(void *arg)
{
	long n = *(long *)arg;

	for (long i = 0; i < n; i++)
		sched_yield();
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Raw ctx_switch() ping-pong without the scheduler, for the floor. */
static void *main_sp, *task_sp;

static void raw_entry(void *arg)
{
	long n = *(long *)arg;

	for (long i = 0; i < n; i++)
		ctx_switch(&task_sp, main_sp);
	for (;;)
		ctx_switch(&task_sp, main_sp);
}

int main(void)
{
	long n = YIELDS / 2;
	double t0, t1;
	u64 steps, switches;
	char *stack;

	stack = task_stack_alloc(SCHED_DEFAULT_STACK);
	task_sp = ctx_prepare(stack, SCHED_DEFAULT_STACK, raw_entry, &n);
	t0 = now_s();
	for (long i = 0; i <= n; i++)
		ctx_switch(&main_sp, task_sp);
	t1 = now_s();
	task_stack_free(stack, SCHED_DEFAULT_STACK);
	printf("raw ctx_switch (%s): %.2f ns per switch (%.1f M switches/s)\n",
	       ctx_switch_name(), (t1 - t0) * 1e9 / (2.0 * (double)(n + 1)),
	       2.0 * (double)(n + 1) / (t1 - t0) / 1e6);

	sched_init(NULL);
	task_spawn(yielder, &n, "a", TASK_SYSCALL, 0);
	task_spawn(yielder, &n, "b", TASK_SYSCALL, 1);
	t0 = now_s();
	sched_run();
	t1 = now_s();
	steps = sched_steps();
	switches = sched_switches();
	sched_exit();
	printf("scheduler step (fifo): %.2f ns per step, %llu steps\n",
	       (t1 - t0) * 1e9 / (double)steps, (unsigned long long)steps);
	printf("task switch (fifo):   %.2f ns per switch into a task, %llu "
	       "(%.1f M switches/s)\n",
	       (t1 - t0) * 1e9 / (double)switches, (unsigned long long)switches,
	       (double)switches / (t1 - t0) / 1e6);
	printf("struct task:          %zu bytes + %u KiB stack (+ %ld KiB guard)\n",
	       sizeof(struct task), SCHED_DEFAULT_STACK / 1024,
	       sysconf(_SC_PAGESIZE) / 1024);
	return 0;
}
