// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_task_switch.c - the context switch of this build (x86-64 or aarch64
 * assembly, or the portable one) and the task stacks under it.
 *
 * The suite is the same for every implementation: `make test` runs it with
 * the architecture's own switch, `make test SWITCH=portable` with the
 * portable one and `make test-arm64` with the aarch64 one.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sim/trace/asan.h"
#include "sim/kernel/sched.h"
#include "sim/kernel/task.h"
#include "tests/harness.h"

static void setup(void)
{
	CU_ASSERT_EQUAL_FATAL(sched_init(NULL), 0);
}

static void teardown(void)
{
	sched_exit();
}

/* The build holds the switch it was asked for. */
static void test_switch_is_the_one_built(void)
{
#if defined(VFSIM_SWITCH_PORTABLE)
	CU_ASSERT_STRING_EQUAL(ctx_switch_name(), "portable");
#elif defined(__x86_64__) && defined(__linux__)
	CU_ASSERT_STRING_EQUAL(ctx_switch_name(), "x86_64");
#elif defined(__aarch64__) && defined(__linux__)
	CU_ASSERT_STRING_EQUAL(ctx_switch_name(), "aarch64");
#else
	CU_ASSERT_STRING_EQUAL(ctx_switch_name(), "portable");
#endif
}

/*
 * Twelve integers and eight doubles live across every yield: more than
 * either ABI has callee-saved registers for, so the compiler keeps them in
 * all of those (rbx, rbp, r12-r15 on x86-64; x19-x28 and d8-d15 on
 * aarch64) and spills the rest. Two tasks run it with different seeds and
 * yield to each other, so each switch loads the other task's values into
 * the same registers; a register the switch forgets to save shows up as a
 * wrong result.
 */
struct mix {
	u64 seed;
	int rounds;
	bool yield;
	u64 sum_i;
	double sum_d;
};

static __attribute__((noinline)) void mix_run(struct mix *m)
{
	u64 i0 = m->seed, i1 = i0 * 3 + 1, i2 = i1 * 5 + 2, i3 = i2 * 7 + 3;
	u64 i4 = i3 ^ 0x5555, i5 = i4 + 11, i6 = i5 * 13, i7 = i6 ^ i0;
	u64 i8 = i7 + i1, i9 = i8 * 17, i10 = i9 ^ i2, i11 = i10 + i3;
	double d0 = (double)(m->seed & 0xff) + 0.5, d1 = d0 * 2, d2 = d1 + 3;
	double d3 = d2 * 0.5, d4 = d3 + 0.25, d5 = d4 * 4, d6 = d5 - 1;
	double d7 = d6 + d0;

	for (int r = 0; r < m->rounds; r++) {
		if (m->yield)
			sched_yield();
		i0 += i11;
		i1 ^= i0 << 1;
		i2 += i1 * 3;
		i3 ^= i2 >> 2;
		i4 += i3;
		i5 ^= i4 * 5;
		i6 += i5 >> 1;
		i7 ^= i6;
		i8 += i7 * 7;
		i9 ^= i8 << 3;
		i10 += i9;
		i11 ^= i10 >> 4;
		/* sums of quarters stay exact, so the order cannot matter */
		d0 += 0.25;
		d1 += d0;
		d2 -= 0.5;
		d3 += d2 * 0.5;
		d4 += 1;
		d5 -= d4;
		d6 += 2.75;
		d7 += d6 - d1;
	}
	m->sum_i = i0 ^ i1 ^ i2 ^ i3 ^ i4 ^ i5 ^ i6 ^ i7 ^ i8 ^ i9 ^ i10 ^ i11;
	m->sum_d = d0 + d1 + d2 + d3 + d4 + d5 + d6 + d7;
}

static int mix_task(void *arg)
{
	mix_run(arg);
	return 0;
}

static void test_callee_saved_registers_survive(void)
{
	struct mix a = { .seed = 0x1234, .rounds = 200, .yield = true };
	struct mix b = { .seed = 0xfedcba98, .rounds = 200, .yield = true };
	struct mix ra = a, rb = b;

	ra.yield = rb.yield = false;
	mix_run(&ra);
	mix_run(&rb);
	CU_ASSERT_PTR_NOT_NULL_FATAL(
		task_spawn(mix_task, &a, "a", TASK_SYSCALL, 0));
	CU_ASSERT_PTR_NOT_NULL_FATAL(
		task_spawn(mix_task, &b, "b", TASK_SYSCALL, 1));
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT(sched_switches() >= 400);
	CU_ASSERT_EQUAL(a.sum_i, ra.sum_i);
	CU_ASSERT_EQUAL(b.sum_i, rb.sum_i);
	CU_ASSERT(a.sum_d == ra.sum_d);
	CU_ASSERT(b.sum_d == rb.sum_d);
	CU_ASSERT_NOT_EQUAL(a.sum_i, b.sum_i);
}

/* Keeps the compiler from folding an address it would otherwise know. */
static __attribute__((noinline)) uintptr_t address_of(const void *p)
{
	return (uintptr_t)p;
}

/*
 * A task starts with the stack aligned as the ABI wants at a call (16
 * bytes on both): the compiler places a 16-byte-aligned local by that
 * assumption, and printf's floating-point code uses aligned SSE stores on
 * x86-64, which fault on a misaligned stack.
 */
static int aligned_task(void *arg)
{
	_Alignas(16) char local[16];
	char *out = arg;

	memset(local, 0, sizeof(local));
	snprintf(out, 32, "%.3f %Lf", 2.5, (long double)1.25);
	return (int)(address_of(local) % 16);
}

static void test_task_starts_on_an_aligned_stack(void)
{
	char out[32] = "";
	struct task *t = task_spawn(aligned_task, out, "t", TASK_SYSCALL, 0);
	int misalign = -1;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(task_join(t, &misalign), 0);
	CU_ASSERT_EQUAL(misalign, 0);
	CU_ASSERT_STRING_EQUAL(out, "2.500 1.250000");
}

/*
 * Once running, a task owns its whole stack: what ctx_prepare() left there
 * to start it (the portable switch keeps a ucontext at the very bottom)
 * may be overwritten, as a deep call chain would, and the task still
 * switches away and back.
 */
#define BOTTOM_BYTES 8192

static int bottom_task(void *arg)
{
	u8 *bottom = (u8 *)current->stack;
	int bad = 0;

	(void)arg;
	for (int round = 0; round < 3; round++) {
		u8 pattern = (u8)(0x5a + round);

		memset(bottom, pattern, BOTTOM_BYTES);
		sched_yield();
		for (size_t i = 0; i < BOTTOM_BYTES; i++)
			bad += bottom[i] != pattern;
	}
	return bad;
}

static void test_task_uses_its_whole_stack(void)
{
	struct task *a = task_spawn(bottom_task, NULL, "a", TASK_SYSCALL, 0);
	struct task *b = task_spawn(bottom_task, NULL, "b", TASK_SYSCALL, 1);
	int bad = -1;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(task_join(a, &bad), 0);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(task_join(b, &bad), 0);
	CU_ASSERT_EQUAL(bad, 0);
}

/* A task spawned by a task starts from that task's stack, not main's. */
static int child_task(void *arg)
{
	(*(int *)arg)++;
	sched_yield();
	(*(int *)arg)++;
	return 7;
}

static int parent_task(void *arg)
{
	struct task *c = task_spawn(child_task, arg, "child", TASK_WORKER, 1);

	if (!c)
		return -1;
	while (!task_done(c))
		sched_yield();
	return c->result; /* task_join() is for the scheduler's side */
}

static void test_task_spawned_by_a_task(void)
{
	int count = 0, res = 0;
	struct task *p =
		task_spawn(parent_task, &count, "parent", TASK_SYSCALL, 0);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(task_join(p, &res), 0);
	CU_ASSERT_EQUAL(res, 7);
	CU_ASSERT_EQUAL(count, 2);
}

/*
 * Stack sizes are counted in 4 KiB (sched_init()), host pages may be 16
 * or 64 KiB (arm64): a size that is no multiple of the host page must
 * still give a stack whose every byte is usable. It once asserted.
 */
static void test_stack_of_any_size(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t sizes[] = { 16384 + 512, page + 1, 3 * page - 8, 20480 };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		char *s = task_stack_alloc(sizes[i]);

		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		memset(s, 0xa5, sizes[i]);
		CU_ASSERT_EQUAL((u8)s[0], 0xa5);
		CU_ASSERT_EQUAL((u8)s[sizes[i] - 1], 0xa5);
		task_stack_free(s, sizes[i]);
	}
	CU_ASSERT_PTR_NULL(task_stack_alloc(0));
}

/*
 * A stack comes back from the pool as a fresh one: under ASan, with no
 * shadow left by the frames of the task that last ran on it (a task that
 * ends never returns from them). The libFuzzer build (clang) once kept
 * that shadow, because clang did not say it instruments the way GCC
 * does; the next task there tripped a stack-buffer-underflow in its
 * first TRACE() (fuzz_console).
 */
static void test_pooled_stack_comes_back_clean(void)
{
	size_t size = 5 * 4096;
	char *s = task_stack_alloc(size), *again;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
#ifdef VFSIM_ASAN
	/* what a dead frame's redzones leave */
	ASAN_POISON_MEMORY_REGION(s + 4096, 256);
	CU_ASSERT_PTR_NOT_NULL(__asan_region_is_poisoned(s, size));
#endif
	task_stack_free(s, size);
	again = task_stack_alloc(size);
	/* the pool's own, not a new mapping */
	CU_ASSERT_PTR_EQUAL(again, s);
#ifdef VFSIM_ASAN
	CU_ASSERT_PTR_NULL(__asan_region_is_poisoned(again, size));
#endif
	memset(again, 0x5a, size);
	task_stack_free(again, size);
}

VT_SUITE_EACH(sim_task_switch, setup, teardown,
	      VT_CASE(test_switch_is_the_one_built),
	      VT_CASE(test_callee_saved_registers_survive),
	      VT_CASE(test_task_starts_on_an_aligned_stack),
	      VT_CASE(test_task_uses_its_whole_stack),
	      VT_CASE(test_task_spawned_by_a_task),
	      VT_CASE(test_stack_of_any_size),
	      VT_CASE(test_pooled_stack_comes_back_clean));
