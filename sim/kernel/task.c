// SPDX-License-Identifier: GPL-2.0-only
/*
 * task.c - context switch and task stacks.
 *
 * On x86-64 the switch saves the six callee-saved registers on the old
 * stack, swaps stack pointers and pops the new context: about a dozen
 * instructions and no system call (glibc's swapcontext also saves the
 * signal mask with a system call, which costs two orders of magnitude
 * more). Another architecture needs its own dozen lines here.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim/kernel/task.h"
#include "sim/trace/host.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

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

#if defined(__x86_64__)

__asm__(".text\n"
	".globl ctx_switch\n"
	".type ctx_switch,@function\n"
	"ctx_switch:\n"
	"	pushq %rbp\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	movq %rsp, (%rdi)\n"
	"	movq %rsi, %rsp\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %rbp\n"
	"	ret\n"
	".size ctx_switch,.-ctx_switch\n"
	/* First entry: r12 = arg, r13 = entry; rsp is 16-byte aligned. */
	".globl ctx_trampoline\n"
	".type ctx_trampoline,@function\n"
	"ctx_trampoline:\n"
	"	movq %r12, %rdi\n"
	"	callq *%r13\n"
	"	ud2\n"
	".size ctx_trampoline,.-ctx_trampoline\n");

void ctx_trampoline(void);

void *ctx_prepare(char *stack, size_t size, void (*entry)(void *arg), void *arg)
{
	uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
	/* ret slot at 8 mod 16, so the trampoline starts 16-byte aligned */
	void **frame = (void **)(top - 24);

	frame[0] = (void *)ctx_trampoline; /* return address */
	frame[-1] = NULL;		   /* rbp */
	frame[-2] = NULL;		   /* rbx */
	frame[-3] = arg;		   /* r12 */
	frame[-4] = (void *)entry;	   /* r13 */
	frame[-5] = NULL;		   /* r14 */
	frame[-6] = NULL;		   /* r15 */
	return &frame[-6];
}

#else
#error "ctx_switch() has no implementation for this architecture yet"
#endif

char *task_stack_alloc(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char *base;

	assert(size % page == 0);
	base = mmap(NULL, size + page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		host_oom(size + page);
	/* The guard page turns a stack overflow into a clean SIGSEGV. */
	mprotect(base, page, PROT_NONE);
#if defined(__SANITIZE_ADDRESS__)
	ASAN_UNPOISON_MEMORY_REGION(base + page, size);
#endif
	return base + page;
}

void task_stack_free(char *stack, size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	/* Stale shadow from dead frames must not follow the next mapping. */
#if defined(__SANITIZE_ADDRESS__)
	ASAN_UNPOISON_MEMORY_REGION(stack, size);
#endif
	munmap(stack - page, size + page);
}
