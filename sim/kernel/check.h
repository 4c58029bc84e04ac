/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file check.h
 * @brief Misuse reports and invariants: what the checkers found.
 *
 * Every checker in the machine (lock misuse, sleeping in atomic context,
 * kmalloc leaks and use-after-free, deadlock, later the virtqueue and FUSE
 * invariants) files a report here instead of aborting, so a test can assert
 * that exactly the expected bug was seen and a student can read all of them
 * at the end of a run. Each report is also a trace event of kind "bug" whose
 * func field is the report kind, so it shows up in place in the trace.
 *
 * Invariants are named callbacks run after every scheduler step while
 * enabled; a callback that returns a message files an "invariant" report.
 * @ingroup sim_kernel
 */
#ifndef VFSIM_SIM_KERNEL_CHECK_H
#define VFSIM_SIM_KERNEL_CHECK_H

#include <stdio.h>

#include "sim/kernel/types.h"

/** @brief One misuse or bug report. */
struct check_report {
	const char *kind; /**< short class, e.g. "spin.recursion" (static) */
	char *message;	  /**< human-readable text (owned by the list) */
	char task[32];	  /**< task that was running, or "-" */
	u64 trace_seq;	  /**< trace position of the report's own event */
	u64 step;	  /**< scheduler step count when it was filed */
	u64 time_ns;	  /**< virtual time when it was filed */
};

/** @brief Reports of one kind stored by default; later ones are counted
 *  (check_dropped()), traced and echoed, but not stored. */
#define CHECK_KEEP_PER_KIND 100

/** @brief The counters of one kind of report. */
struct check_kind {
	const char *kind; /**< the kind (static) */
	size_t filed;	  /**< reports filed, stored or not */
	size_t dropped;	  /**< of those, not stored (past the cap) */
};

/**
 * @brief File a report (and emit it as a trace event). Only the first
 * CHECK_KEEP_PER_KIND (check_set_keep_per_kind()) of each kind are
 * stored; the rest are counted, traced and echoed.
 * @param kind static string naming the class of bug
 * @param fmt printf format of the message
 */
void check_report(const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** @brief Number of reports filed since the last check_clear(), stored
 *  or not. */
size_t check_count(void);

/** @brief Number of reports stored (what check_at() reaches). */
size_t check_kept(void);

/** @brief Number of reports of class @p kind filed, stored or not. */
size_t check_count_kind(const char *kind);

/** @brief Number of reports of class @p kind (NULL: any) filed but not
 *  stored, past the cap of their kind. */
size_t check_dropped(const char *kind);

/** @brief Number of kinds of report filed since the last check_clear(). */
size_t check_nr_kinds(void);

/** @brief The counters of the @p i-th kind filed (in the order of their
 *  first report), or NULL when out of range. */
const struct check_kind *check_kind_at(size_t i);

/** @brief Store at most @p n reports of each kind (0: the default,
 *  CHECK_KEEP_PER_KIND); applies to reports filed from now on. */
void check_set_keep_per_kind(size_t n);

/**
 * @brief Call @p fn with the kind of every report as it is filed, after it
 * is counted and traced (NULL: none). One hook; a run that stops at its
 * first unexpected report sets it.
 */
void check_set_hook(void (*fn)(const char *kind, void *arg), void *arg);

/** @brief The @p i-th stored report (0-based), or NULL when out of range. */
const struct check_report *check_at(size_t i);

/** @brief Index of the first stored report of class @p kind, or -1. */
long check_find(const char *kind);

/** @brief Drop every report. */
void check_clear(void);

/** @brief Print every report, one per line, to @p out. */
void check_print(FILE *out);

/**
 * @brief Mirror every new report to @p out as it is filed (NULL: quiet,
 * the default, so tests of misuse do not clutter the test output).
 */
void check_set_echo(FILE *out);

/**
 * @brief WARN_ON(): report "warn" with the source file and function when
 * @p cond holds; evaluates to @p cond, as in the kernel. The kernel also
 * prints the line; vfsim leaves it out so that an edit elsewhere in the
 * file does not change every expected trace that shows the warning.
 */
#define WARN_ON(cond)                                                  \
	({                                                             \
		bool __c = !!(cond);                                   \
		if (unlikely(__c))                                     \
			check_report("warn", "WARNING at %s %s(): %s", \
				     __FILE__, __func__, #cond);       \
		__c;                                                   \
	})

/** @brief WARN_ON_ONCE(): WARN_ON() that reports only its first firing. */
#define WARN_ON_ONCE(cond)                                             \
	({                                                             \
		static bool __warned;                                  \
		bool __c = !!(cond);                                   \
		if (unlikely(__c) && !__warned) {                      \
			__warned = true;                               \
			check_report("warn", "WARNING at %s %s(): %s", \
				     __FILE__, __func__, #cond);       \
		}                                                      \
		__c;                                                   \
	})

/**
 * @brief BUG_ON(): report "bug_on" with file and function (not the line,
 * as for WARN_ON()) when @p cond holds. Unlike the kernel the run goes
 * on, so the report can be read and tested.
 */
#define BUG_ON(cond)                                                        \
	do {                                                                \
		if (unlikely(cond))                                         \
			check_report("bug_on", "kernel BUG at %s %s(): %s", \
				     __FILE__, __func__, #cond);            \
	} while (0)

/**
 * @brief An invariant: returns NULL when it holds, or a message (static or
 * from a buffer the callback owns) describing how it is broken.
 */
typedef const char *(*check_invariant_fn)(void *arg);

/**
 * @brief Register an invariant under @p name.
 * @return 0, -EEXIST when the name is taken, -EINVAL for a NULL name or
 *         callback, -ENOMEM when the registry is full
 */
int check_invariant_add(const char *name, check_invariant_fn fn, void *arg);

/**
 * @brief Register an invariant under @p name that can only break when its
 * owner says so (check_invariant_poke()): after a step, it runs only once
 * poked, so a machine whose invariants are all of this kind makes no call
 * between steps while they hold. Its owner pokes when it finds what the
 * invariant reports (vfsim's request ledger: a violation pending).
 * @return as check_invariant_add()
 */
int check_invariant_add_on_poke(const char *name, check_invariant_fn fn,
				void *arg);

/**
 * @brief Something an invariant added with check_invariant_add_on_poke()
 * reports may be broken: every invariant runs after the current step, in
 * the order they were registered, as if none was of that kind.
 */
void check_invariant_poke(void);

/** @brief Remove the invariant @p name; -ENOENT when there is none. */
int check_invariant_remove(const char *name);

/** @brief Remove every invariant and disable checking. */
void check_invariant_clear(void);

/** @brief Turn checking after every scheduler step on or off. */
void check_invariants_enable(bool on);

/** @brief Set while invariants are checked after every step; read it with
 *  check_invariants_enabled(). */
extern bool check_invariants_on;

/** @brief True when invariants are checked after every step. */
static inline bool check_invariants_enabled(void)
{
	return check_invariants_on;
}

/** @brief Set when the invariants are to run after the current step;
 *  read it with check_invariants_due(). */
extern bool check_invariants_to_run;

/**
 * @brief True when the scheduler runs the invariants after this step:
 * checking is enabled and one of them may be broken (one registered with
 * check_invariant_add(), which can break at any step, or a poked one).
 */
static inline bool check_invariants_due(void)
{
	return check_invariants_to_run;
}

/**
 * @brief Run every invariant now (regardless of enablement).
 * @return number of invariants that failed (each filed a report)
 */
int check_invariants_run(void);

#endif /* VFSIM_SIM_KERNEL_CHECK_H */
