// SPDX-License-Identifier: GPL-2.0-only
/*
 * task_switch_portable.c - the context switch in plain POSIX, for any
 * architecture without its own assembly file (and for x86-64 and aarch64
 * when built with `make SWITCH=portable`, which is how it is tested).
 *
 * vfsim's own: the kernel always switches in assembly. Two standard
 * mechanisms share the work:
 *
 *  - a task's first entry uses ucontext: makecontext() is the only POSIX
 *    way to start a function on a stack of one's own choosing. Its
 *    ucontext_t lives at the bottom of the task's stack, which nothing
 *    else uses that early; it is read once by setcontext() and then
 *    becomes ordinary stack.
 *  - every later switch uses _setjmp()/_longjmp(), which save and restore
 *    the callee-saved registers and the stack pointer without touching
 *    the signal mask. swapcontext() would do the same job with a system
 *    call (sigprocmask) each way, about a hundred times the cost.
 *
 * The "stack pointer" task.h speaks of is here a pointer to a struct
 * ctx_frame: the jmp_buf that a switched-out context resumes from, kept in
 * ctx_switch()'s own frame on the suspended stack (which stays put until
 * the context is resumed), or, before a task first runs, the frame at the
 * bottom of its stack that holds the ucontext to start it with.
 *
 * Valgrind and ASan learn about each switch from the scheduler
 * (sched_internal.h), as for the
 * assembly switches. Under ASan, the _longjmp() interceptor clears the
 * shadow of the stack being left from its stack pointer up, so the
 * redzones of a suspended task's live frames are not checked once it
 * resumes; `make check` runs the assembly switch, whose ASan coverage is
 * complete.
 */

/*
 * With _FORTIFY_SOURCE, glibc turns _longjmp() into __longjmp_chk(), which
 * aborts on a jump to a lower stack address ("longjmp causes uninitialized
 * stack frame"): every switch to a stack mapped below the current one.
 * Some distributions define it by default, so it is undone here, before
 * the first system header.
 */
#undef _FORTIFY_SOURCE

#include "sim/kernel/task_switch_internal.h"

#if defined(VFSIM_SWITCH_UCONTEXT)

#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <ucontext.h>

#include "sim/kernel/task.h"

/* A context that is not running: resume it from jb, or start it from
 * *start when that is set. */
struct ctx_frame {
	jmp_buf jb;
	ucontext_t *start;
};

/* What ctx_prepare() leaves at the bottom of a fresh stack. */
struct ctx_start {
	struct ctx_frame frame;
	ucontext_t uc;
	void (*entry)(void *arg);
	void *arg;
};

/* makecontext() passes int arguments only: the pointer comes in halves. */
static void ctx_start_entry(unsigned int hi, unsigned int lo)
{
	struct ctx_start *s =
		(struct ctx_start *)(uintptr_t)((uint64_t)hi << 32 | lo);
	void (*entry)(void *arg) = s->entry;
	void *arg = s->arg;

	/* From here on *s is ordinary stack: the task may overwrite it. */
	entry(arg);
	abort(); /* ctx_prepare(): entry must never return */
}

void ctx_switch(void **save_sp, void *new_sp)
{
	struct ctx_frame self = { .start = NULL };
	struct ctx_frame *next = new_sp;

	*save_sp = &self;
	if (_setjmp(self.jb))
		return; /* resumed by a later ctx_switch() to &self */
	if (next->start) {
		setcontext(next->start);
		abort(); /* returns only when the context is unusable */
	}
	_longjmp(next->jb, 1);
}

void *ctx_prepare(char *stack, size_t size, void (*entry)(void *arg), void *arg)
{
	const uintptr_t align = _Alignof(struct ctx_start);
	struct ctx_start *s =
		(struct ctx_start *)(((uintptr_t)stack + align - 1) &
				     ~(align - 1));
	uint64_t p = (uintptr_t)s;

	/* On Linux getcontext() only reads the registers and the signal
	 * mask: it has no way to fail with a valid pointer. */
	if (getcontext(&s->uc))
		abort();
	s->uc.uc_stack.ss_sp = stack;
	s->uc.uc_stack.ss_size = size;
	s->uc.uc_link = NULL;
	s->entry = entry;
	s->arg = arg;
	s->frame.start = &s->uc;
	makecontext(&s->uc, (void (*)(void))ctx_start_entry, 2,
		    (unsigned int)(p >> 32), (unsigned int)p);
	return &s->frame;
}

const char *ctx_switch_name(void)
{
	return "portable";
}

#endif /* VFSIM_SWITCH_UCONTEXT */
