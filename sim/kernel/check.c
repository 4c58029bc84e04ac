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
#include "sim/kernel/sched.h"
#include "sim/trace/host.h"
#include "sim/trace/trace.h"

#define MAX_INVARIANTS 32

static struct check_report *reports;
static size_t nr_reports, cap_reports;
static FILE *echo;

static struct {
	const char *name;
	check_invariant_fn fn;
	void *arg;
} invariants[MAX_INVARIANTS];
static size_t nr_invariants;
bool check_invariants_on;

/* Guarantees: the report is stored, traced, and (if asked) echoed. */
void check_report(const char *kind, const char *fmt, ...)
{
	struct check_report *r;
	va_list ap;
	int len;

	assert(kind && fmt);
	if (nr_reports == cap_reports) {
		cap_reports = cap_reports ? 2 * cap_reports : 16;
		reports = host_realloc(reports, cap_reports * sizeof(*reports));
	}
	r = &reports[nr_reports++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	r->message = host_realloc(NULL, (size_t)len + 1);
	va_start(ap, fmt);
	vsnprintf(r->message, (size_t)len + 1, fmt, ap);
	va_end(ap);
	snprintf(r->task, sizeof(r->task), "%s", sched_task_name());
	TRACE(.kind = "bug", .func = kind, .detail = r->message);
	r->trace_seq = trace_count();
	r->step = sched_steps();
	r->time_ns = sched_now();
	if (echo)
		fprintf(echo, "BUG %s [%s] @%llu: %s\n", r->kind, r->task,
			(unsigned long long)r->trace_seq, r->message);
}

size_t check_count(void)
{
	return nr_reports;
}

size_t check_count_kind(const char *kind)
{
	size_t n = 0;

	for (size_t i = 0; i < nr_reports; i++)
		n += strcmp(reports[i].kind, kind) == 0;
	return n;
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
		free(reports[i].message);
	free(reports);
	reports = NULL;
	nr_reports = cap_reports = 0;
}

void check_print(FILE *out)
{
	for (size_t i = 0; i < nr_reports; i++)
		fprintf(out, "BUG %s [%s] @%llu t=%lluns: %s\n",
			reports[i].kind, reports[i].task,
			(unsigned long long)reports[i].trace_seq,
			(unsigned long long)reports[i].time_ns,
			reports[i].message);
}

void check_set_echo(FILE *out)
{
	echo = out;
}

int check_invariant_add(const char *name, check_invariant_fn fn, void *arg)
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
	nr_invariants++;
	return 0;
}

int check_invariant_remove(const char *name)
{
	for (size_t i = 0; i < nr_invariants; i++) {
		if (strcmp(invariants[i].name, name) == 0) {
			memmove(&invariants[i], &invariants[i + 1],
				(nr_invariants - i - 1) *
					sizeof(invariants[0]));
			nr_invariants--;
			return 0;
		}
	}
	return -ENOENT;
}

void check_invariant_clear(void)
{
	nr_invariants = 0;
	check_invariants_on = false;
}

void check_invariants_enable(bool on)
{
	check_invariants_on = on;
}

int check_invariants_run(void)
{
	int failed = 0;

	for (size_t i = 0; i < nr_invariants; i++) {
		const char *msg = invariants[i].fn(invariants[i].arg);

		if (msg) {
			check_report("invariant", "%s: %s", invariants[i].name,
				     msg);
			failed++;
		}
	}
	return failed;
}
