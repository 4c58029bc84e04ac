/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * harness.h - how a CUnit suite joins the one test binary.
 *
 * Each test file declares its suite with VT_SUITE(); a constructor adds it
 * to a list before main() runs, so no central table needs editing. Suites
 * run in name order, so the order never depends on link order.
 *
 *	static void test_foo(void) { CU_ASSERT_EQUAL(foo(), 1); }
 *	VT_SUITE(fuse_proto_names, NULL, NULL,
 *		 VT_CASE(test_foo));
 *
 * VT_SUITE_EACH() takes a setup and a teardown run around every test.
 */
#ifndef VFSIM_TESTS_HARNESS_H
#define VFSIM_TESTS_HARNESS_H

#include <CUnit/CUnit.h>
#include <stdbool.h>

struct vt_case {
	const char *name;
	void (*fn)(void);
};

struct vt_suite {
	const char *name;
	int (*init)(void);
	int (*cleanup)(void);
	void (*setup_each)(void);
	void (*teardown_each)(void);
	const struct vt_case *cases;
	struct vt_suite *next;
};

void vt_register(struct vt_suite *suite);

/* True when VFSIM_TEST_SLOW is set (make check): long loops may be shortened. */
bool vt_slow_build(void);

/*
 * A check that cannot run here: print a visible "skipped" line. Under CI
 * (the environment variable CI set and not empty) the test fails
 * instead: CI's machine has every prerequisite (scripts/deps.sh), so a
 * skip there hides a broken set-up.
 */
#define vt_skip(why) vt_skip_at(why, false, __FILE__, __LINE__)

/*
 * A skip a CI machine legitimately takes (its emulated cross-architecture
 * runs, whose toolchains carry other headers): never a failure. Say in the
 * call why CI may take it.
 */
#define vt_skip_ci_ok(why) vt_skip_at(why, true, __FILE__, __LINE__)

/* vt_skip() and vt_skip_ci_ok(); @ci_ok says which. */
void vt_skip_at(const char *why, bool ci_ok, const char *file,
		unsigned int line);

/* True under CI (the environment variable CI set and not empty). */
bool vt_in_ci(void);

#define VT_CASE(fn)     \
	{               \
#fn, fn \
	}

#define VT_SUITE_EACH(sname, setup_fn, teardown_fn, ...)                    \
	static const struct vt_case sname##_cases[] = { __VA_ARGS__,        \
							{ 0, 0 } };         \
	static struct vt_suite sname##_suite = {                            \
		#sname, NULL, NULL, setup_fn, teardown_fn, sname##_cases, 0 \
	};                                                                  \
	__attribute__((constructor)) static void sname##_register(void)     \
	{                                                                   \
		vt_register(&sname##_suite);                                \
	}

#define VT_SUITE(sname, init_fn, cleanup_fn, ...)                         \
	static const struct vt_case sname##_cases[] = { __VA_ARGS__,      \
							{ 0, 0 } };       \
	static struct vt_suite sname##_suite = {                          \
		#sname, init_fn, cleanup_fn, NULL, NULL, sname##_cases, 0 \
	};                                                                \
	__attribute__((constructor)) static void sname##_register(void)   \
	{                                                                 \
		vt_register(&sname##_suite);                              \
	}

#endif
