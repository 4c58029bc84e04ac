// SPDX-License-Identifier: GPL-2.0-only
/*
 * check.c - the report list and the invariant registry.
 */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim/kernel/check.h"
#include "sim/kernel/footprint.h"
#include "sim/kernel/sched.h"
#include "sim/trace/host.h"
#include "sim/trace/trace.h"
#include "sim/trace/image.h"

#define MAX_INVARIANTS 32

static struct check_report *reports;
static size_t nr_reports, cap_reports;
static FILE *echo;

/* Reports filed and dropped, per kind (kinds are few: a linear table). */
static struct check_kind *kinds;
static size_t nr_kinds, cap_kinds;
static size_t nr_filed, nr_dropped;
static size_t keep_per_kind = CHECK_KEEP_PER_KIND;
static void (*hook)(const char *kind, void *arg);
static void *hook_arg;

static struct {
	const char *name;
	check_invariant_fn fn;
	void *arg;
	bool on_poke; /* can break only after check_invariant_poke() */
} invariants[MAX_INVARIANTS];
static size_t nr_invariants;
bool check_invariants_on;
/* vfsim's own: an invariant registered with check_invariant_add_on_poke()
 * has said it may be broken since the last run */
static bool poked;
bool check_invariants_to_run;

/* vfsim's own: set while a machine is built, so a machine image
 * (sim/trace/image.h) puts it back as the set-up left it */
IMAGE_STATE(reports)
IMAGE_STATE(nr_reports)
IMAGE_STATE(cap_reports)
IMAGE_STATE(kinds)
IMAGE_STATE(nr_kinds)
IMAGE_STATE(cap_kinds)
IMAGE_STATE(nr_filed)
IMAGE_STATE(nr_dropped)
IMAGE_STATE(invariants)
IMAGE_STATE(nr_invariants)
IMAGE_STATE(check_invariants_on)
IMAGE_STATE(poked)
IMAGE_STATE(check_invariants_to_run)

/*
 * Whether the scheduler runs the invariants after a step: checking is on,
 * and an invariant may be broken (one that can break at any step is
 * registered, or one that breaks only when its owner says so was poked).
 * An invariant that holds returns NULL, so a run skipped this way is one
 * that would have reported nothing: the same reports at the same step.
 */
static void due_update(void)
{
	bool any = poked;

	for (size_t i = 0; !any && i < nr_invariants; i++)
		any = !invariants[i].on_poke;
	check_invariants_to_run = check_invariants_on && any;
}

/* The counters of @kind, made on its first report when @add. Kinds are
 * static strings, so the pointer usually matches. */
static struct check_kind *kind_slot(const char *kind, bool add)
{
	for (size_t i = 0; i < nr_kinds; i++)
		if (kinds[i].kind == kind || !strcmp(kinds[i].kind, kind))
			return &kinds[i];
	if (!add)
		return NULL;
	if (nr_kinds == cap_kinds) {
		cap_kinds = cap_kinds ? 2 * cap_kinds : 16;
		kinds = host_realloc(kinds, cap_kinds * sizeof(*kinds));
	}
	kinds[nr_kinds] = (struct check_kind){ .kind = kind };
	return &kinds[nr_kinds++];
}

/*
 * Guarantees: the report is counted, traced, (if asked) echoed, and
 * stored unless its kind already has keep_per_kind stored: a bug that
 * fires on every retry of a loop must not grow the process without
 * bound, and the first reports of a kind are the ones worth reading.
 */
void check_report(const char *kind, const char *fmt, ...)
{
	struct check_kind *k;
	struct check_report *r, dropped;
	va_list ap;
	char buf[256];
	int len;

	assert(kind && fmt);
	/* which report comes first decides how an exploring run fails */
	fp_opaque();
	k = kind_slot(kind, true);
	k->filed++;
	nr_filed++;
	if (k->filed - k->dropped > keep_per_kind) {
		k->dropped++;
		nr_dropped++;
		r = &dropped;
	} else {
		if (nr_reports == cap_reports) {
			cap_reports = cap_reports ? 2 * cap_reports : 16;
			reports = host_realloc(reports,
					       cap_reports * sizeof(*reports));
		}
		r = &reports[nr_reports++];
	}
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if ((size_t)len < sizeof(buf)) {
		r->message = r == &dropped ? buf : host_strdup(buf);
	} else {
		r->message = host_realloc(NULL, (size_t)len + 1);
		va_start(ap, fmt);
		vsnprintf(r->message, (size_t)len + 1, fmt, ap);
		va_end(ap);
	}
	snprintf(r->task, sizeof(r->task), "%s", sched_task_name());
	TRACE(.kind = "bug", .func = kind, .detail = r->message);
	r->trace_seq = trace_count();
	r->step = sched_steps();
	r->time_ns = sched_now();
	if (echo)
		fprintf(echo, "BUG %s [%s] @%llu: %s\n", r->kind, r->task,
			(unsigned long long)r->trace_seq, r->message);
	if (r == &dropped && r->message != buf)
		host_free(r->message);
	if (hook)
		hook(kind, hook_arg);
}

size_t check_count(void)
{
	return nr_filed;
}

size_t check_kept(void)
{
	return nr_reports;
}

size_t check_count_kind(const char *kind)
{
	const struct check_kind *k = kind_slot(kind, false);

	return k ? k->filed : 0;
}

size_t check_dropped(const char *kind)
{
	const struct check_kind *k;

	if (!kind)
		return nr_dropped;
	k = kind_slot(kind, false);
	return k ? k->dropped : 0;
}

size_t check_nr_kinds(void)
{
	return nr_kinds;
}

const struct check_kind *check_kind_at(size_t i)
{
	return i < nr_kinds ? &kinds[i] : NULL;
}

void check_set_keep_per_kind(size_t n)
{
	keep_per_kind = n ? n : CHECK_KEEP_PER_KIND;
}

void check_set_hook(void (*fn)(const char *kind, void *arg), void *arg)
{
	hook = fn;
	hook_arg = arg;
}

const struct check_report *check_at(size_t i)
{
	return i < nr_reports ? &reports[i] : NULL;
}

long check_find(const char *kind)
{
	for (size_t i = 0; i < nr_reports; i++)
		if (strcmp(reports[i].kind, kind) == 0)
			return (long)i;
	return -1;
}

void check_clear(void)
{
	for (size_t i = 0; i < nr_reports; i++)
		host_free(reports[i].message);
	host_free(reports);
	reports = NULL;
	nr_reports = cap_reports = 0;
	host_free(kinds);
	kinds = NULL;
	nr_kinds = cap_kinds = 0;
	nr_filed = nr_dropped = 0;
}

void check_print(FILE *out)
{
	for (size_t i = 0; i < nr_reports; i++)
		fprintf(out, "BUG %s [%s] @%llu t=%lluns: %s\n",
			reports[i].kind, reports[i].task,
			(unsigned long long)reports[i].trace_seq,
			(unsigned long long)reports[i].time_ns,
			reports[i].message);
	for (size_t i = 0; i < nr_kinds; i++)
		if (kinds[i].dropped)
			fprintf(out,
				"BUG %s: %zu more reports not kept (the first "
				"%zu of each kind are)\n",
				kinds[i].kind, kinds[i].dropped, keep_per_kind);
}

void check_set_echo(FILE *out)
{
	echo = out;
}

static int invariant_add(const char *name, check_invariant_fn fn, void *arg,
			 bool on_poke)
{
	if (!name || !fn)
		return -EINVAL;
	for (size_t i = 0; i < nr_invariants; i++)
		if (strcmp(invariants[i].name, name) == 0)
			return -EEXIST;
	if (nr_invariants == MAX_INVARIANTS)
		return -ENOMEM;
	invariants[nr_invariants].name = name;
	invariants[nr_invariants].fn = fn;
	invariants[nr_invariants].arg = arg;
	invariants[nr_invariants].on_poke = on_poke;
	nr_invariants++;
	due_update();
	return 0;
}

int check_invariant_add(const char *name, check_invariant_fn fn, void *arg)
{
	return invariant_add(name, fn, arg, false);
}

int check_invariant_add_on_poke(const char *name, check_invariant_fn fn,
				void *arg)
{
	return invariant_add(name, fn, arg, true);
}

void check_invariant_poke(void)
{
	poked = true;
	due_update();
}

int check_invariant_remove(const char *name)
{
	for (size_t i = 0; i < nr_invariants; i++) {
		if (strcmp(invariants[i].name, name) == 0) {
			memmove(&invariants[i], &invariants[i + 1],
				(nr_invariants - i - 1) *
					sizeof(invariants[0]));
			nr_invariants--;
			due_update();
			return 0;
		}
	}
	return -ENOENT;
}

void check_invariant_clear(void)
{
	nr_invariants = 0;
	check_invariants_on = false;
	poked = false;
	check_invariants_to_run = false;
}

void check_invariants_enable(bool on)
{
	check_invariants_on = on;
	due_update();
}

/* Out of line and cold: the loop over invariants that hold, run between
 * every two steps, then saves no registers for the report. */
static __attribute__((cold, noinline)) void invariant_failed(size_t i,
							     const char *msg)
{
	check_report("invariant", "%s: %s", invariants[i].name, msg);
}

int check_invariants_run(void)
{
	int failed = 0;

	/* this run sees whatever the poke was about */
	if (unlikely(poked)) {
		poked = false;
		due_update();
	}
	for (size_t i = 0; i < nr_invariants; i++) {
		const char *msg = invariants[i].fn(invariants[i].arg);

		if (msg) {
			invariant_failed(i, msg);
			failed++;
		}
	}
	return failed;
}
