// SPDX-License-Identifier: GPL-2.0-only
/*
 * task.c - task stacks and kind names. The context switch itself is in
 * task_switch_*.c, one file per architecture (task_switch_internal.h
 * picks one).
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim/trace/asan.h"
#include "sim/kernel/task.h"
#include "sim/trace/host.h"

const char *task_kind_name(enum task_kind kind)
{
	static const char *const names[] = { "syscall", "worker", "irq",
					     "device", "frontend" };

	return (unsigned)kind < ARRAY_SIZE(names) ? names[kind] : "?";
}

void task_held_locks(const struct task *t, char *buf, size_t size)
{
	unsigned named = t->spin_held < TASK_HELD_LOCKS ? t->spin_held :
							  TASK_HELD_LOCKS;
	size_t len = 0;

	if (!size)
		return;
	buf[0] = '\0';
	for (unsigned i = 0; i < named && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					i ? ", " : "", t->held[i].name);
	if (t->spin_held > named && len < size)
		snprintf(buf + len, size - len, " and %u more",
			 t->spin_held - named);
}

/*
 * Bytes mapped above the guard page for a @size-byte stack: whole host
 * pages, since the host's page may be larger than the 4 KiB sched_init()
 * counts stack sizes in (arm64 kernels run 16 KiB and 64 KiB pages).
 */
static size_t stack_map_size(size_t size, size_t page)
{
	return (size + page - 1) / page * page;
}

/*
 * Stacks of tasks that are gone, kept for the next ones: a machine spawns
 * a dozen tasks, and an explorer builds thousands of machines, each of
 * whose stacks would otherwise cost an mmap(), an mprotect() and a
 * munmap(). A pooled stack keeps its guard page; what its last task left
 * on it is never read (a new task starts from a fresh frame).
 */
#define STACK_POOL_MAX 64
static struct {
	char *stack[STACK_POOL_MAX];
	size_t len[STACK_POOL_MAX];
	unsigned int nr;
} pool;

char *task_stack_alloc(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t len = stack_map_size(size, page);
	char *base;

	if (!size || len < size)
		return NULL;
	for (unsigned int i = pool.nr; i-- > 0;) {
		char *stack = pool.stack[i];

		if (pool.len[i] != len)
			continue;
		pool.stack[i] = pool.stack[--pool.nr];
		pool.len[i] = pool.len[pool.nr];
		return stack;
	}
	base = mmap(NULL, len + page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		host_oom(len + page);
	/* The guard page turns a stack overflow into a clean SIGSEGV. */
	mprotect(base, page, PROT_NONE);
#ifdef VFSIM_ASAN
	ASAN_UNPOISON_MEMORY_REGION(base + page, len);
#endif
	return base + page;
}

void task_stack_free(char *stack, size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t len = stack_map_size(size, page);

	/* Stale shadow from dead frames must not follow the next user. */
#ifdef VFSIM_ASAN
	ASAN_UNPOISON_MEMORY_REGION(stack, len);
#endif
	if (pool.nr < STACK_POOL_MAX) {
		pool.stack[pool.nr] = stack;
		pool.len[pool.nr++] = len;
		return;
	}
	munmap(stack - page, len + page);
}

/* The pool's slot of @stack, or -1. */
static int pool_slot(const char *stack)
{
	for (unsigned int i = 0; i < pool.nr; i++)
		if (pool.stack[i] == stack)
			return (int)i;
	return -1;
}

bool task_stack_pooled(const char *stack)
{
	return pool_slot(stack) >= 0;
}

void task_stack_reclaim(char *stack)
{
	int i = pool_slot(stack);

	assert(i >= 0);
	pool.stack[i] = pool.stack[--pool.nr];
	pool.len[i] = pool.len[pool.nr];
}
