// SPDX-License-Identifier: GPL-2.0-only
/*
 * task_switch_x86_64.c - the context switch on x86-64 (twin of
 * __switch_to_asm and ret_from_fork in arch/x86/entry/entry_64.S).
 *
 * The System V ABI lets a called function clobber every register but rbx,
 * rbp and r12-r15, so a switch that is itself a function call saves only
 * those six on the old stack, swaps stack pointers and pops the new
 * context: a dozen instructions and no system call (glibc's swapcontext()
 * also saves the signal mask with a system call, two orders of magnitude
 * more). The x87 control word and MXCSR are callee-saved too, but nothing
 * in vfsim changes them, so they are left alone as the kernel leaves them.
 *
 * The saved "stack pointer" of task.h is the real rsp of the switched-out
 * context. Valgrind and ASan learn about the switch from the scheduler
 * (sched_internal.h: VALGRIND_STACK_REGISTER,
 * __sanitizer_start/finish_switch_fiber), which wraps every ctx_switch()
 * whatever the architecture.
 */
#include "sim/kernel/task_switch_internal.h"

#if defined(VFSIM_SWITCH_X86_64)

#include <stdint.h>

#include "sim/kernel/task.h"

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

const char *ctx_switch_name(void)
{
	return "x86_64";
}

#endif /* VFSIM_SWITCH_X86_64 */
