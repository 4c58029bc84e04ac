/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * task_switch_internal.h - which context switch this build uses.
 *
 * ctx_switch() and ctx_prepare() (task.h) have one implementation per
 * file: task_switch_x86_64.c and task_switch_aarch64.c are a few lines of
 * assembly each, task_switch_portable.c uses only POSIX (ucontext for a
 * task's first entry, _setjmp()/_longjmp() after that). Every file is
 * compiled; all but the one chosen here compile to nothing, so the choice
 * follows the target the compiler builds for (a cross build picks the
 * target's switch without being told).
 *
 * The assembly switches need ELF (the .type/.size directives and plain
 * symbol names) and the architecture's usual calling convention; any other
 * target, and any build with VFSIM_SWITCH_PORTABLE defined (`make
 * SWITCH=portable`), takes the portable one.
 */
#ifndef VFSIM_SIM_KERNEL_TASK_SWITCH_INTERNAL_H
#define VFSIM_SIM_KERNEL_TASK_SWITCH_INTERNAL_H

#if !defined(VFSIM_SWITCH_PORTABLE) && defined(__ELF__) && \
	defined(__x86_64__) && !defined(__ILP32__)
#define VFSIM_SWITCH_X86_64 1
#elif !defined(VFSIM_SWITCH_PORTABLE) && defined(__ELF__) && \
	defined(__aarch64__) && !defined(__ILP32__)
#define VFSIM_SWITCH_AARCH64 1
#else
#define VFSIM_SWITCH_UCONTEXT 1
#endif

#endif /* VFSIM_SIM_KERNEL_TASK_SWITCH_INTERNAL_H */
