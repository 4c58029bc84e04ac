// SPDX-License-Identifier: GPL-2.0-only
/*
 * task_switch_aarch64.c - the context switch on 64-bit Arm (twin of
 * cpu_switch_to and ret_from_fork in arch/arm64/kernel/entry.S).
 *
 * The AAPCS64 lets a called function clobber every register but x19-x28,
 * the frame pointer x29, the stack pointer and the low 64 bits of v8-v15
 * (d8-d15). A switch that is itself a function call saves those, plus the
 * link register x30 it will return through, in a 160-byte frame on the old
 * stack, stores sp, loads the new one and unwinds the new frame: no system
 * call. The kernel's cpu_switch_to saves no d registers (the kernel does
 * not use the FPU in its own code); user code may keep doubles in d8-d15
 * across a call, so this one must. FPCR is left alone, as nothing in vfsim
 * changes it.
 *
 * The saved "stack pointer" of task.h is the real sp of the switched-out
 * context. Valgrind and ASan learn about the switch from the scheduler
 * (sched_internal.h), which wraps every ctx_switch() whatever the architecture.
 *
 * ctx_switch starts with a BTI landing pad (`hint #34`, a no-op on cores
 * without BTI) so that a build with -mbranch-protection may reach it
 * through a PLT; the trampoline is entered by `ret`, which BTI does not
 * check.
 */
#include "sim/kernel/task_switch_internal.h"

#if defined(VFSIM_SWITCH_AARCH64)

#include <stdint.h>

#include "sim/kernel/task.h"

/* Words in the saved frame: x19-x28, x29, x30, d8-d15. */
#define CTX_FRAME_WORDS 20

__asm__(".text\n"
	".globl ctx_switch\n"
	".type ctx_switch,%function\n"
	".p2align 2\n"
	"ctx_switch:\n"
	"	hint #34\n"
	"	sub sp, sp, #160\n"
	"	stp x19, x20, [sp, #0]\n"
	"	stp x21, x22, [sp, #16]\n"
	"	stp x23, x24, [sp, #32]\n"
	"	stp x25, x26, [sp, #48]\n"
	"	stp x27, x28, [sp, #64]\n"
	"	stp x29, x30, [sp, #80]\n"
	"	stp d8, d9, [sp, #96]\n"
	"	stp d10, d11, [sp, #112]\n"
	"	stp d12, d13, [sp, #128]\n"
	"	stp d14, d15, [sp, #144]\n"
	"	mov x9, sp\n"
	"	str x9, [x0]\n"
	"	mov sp, x1\n"
	"	ldp x19, x20, [sp, #0]\n"
	"	ldp x21, x22, [sp, #16]\n"
	"	ldp x23, x24, [sp, #32]\n"
	"	ldp x25, x26, [sp, #48]\n"
	"	ldp x27, x28, [sp, #64]\n"
	"	ldp x29, x30, [sp, #80]\n"
	"	ldp d8, d9, [sp, #96]\n"
	"	ldp d10, d11, [sp, #112]\n"
	"	ldp d12, d13, [sp, #128]\n"
	"	ldp d14, d15, [sp, #144]\n"
	"	add sp, sp, #160\n"
	"	ret\n"
	".size ctx_switch,.-ctx_switch\n"
	/* First entry: x19 = arg, x20 = entry, x29 = 0 ends the frame chain;
	 * sp is 16-byte aligned, as the AAPCS64 wants at every call. */
	".globl ctx_trampoline\n"
	".type ctx_trampoline,%function\n"
	".p2align 2\n"
	"ctx_trampoline:\n"
	"	mov x0, x19\n"
	"	blr x20\n"
	"	brk #0x3e8\n"
	".size ctx_trampoline,.-ctx_trampoline\n");

void ctx_trampoline(void);

void *ctx_prepare(char *stack, size_t size, void (*entry)(void *arg), void *arg)
{
	uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
	void **frame = (void **)(top - CTX_FRAME_WORDS * sizeof(void *));

	for (int i = 0; i < CTX_FRAME_WORDS; i++)
		frame[i] = NULL;
	frame[0] = arg;			    /* x19 */
	frame[1] = (void *)entry;	    /* x20 */
	frame[11] = (void *)ctx_trampoline; /* x30: where ret goes */
	return frame;
}

const char *ctx_switch_name(void)
{
	return "aarch64";
}

#endif /* VFSIM_SWITCH_AARCH64 */
