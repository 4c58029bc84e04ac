// SPDX-License-Identifier: GPL-2.0-only
/*
 * trace_setup.c - what the recorder is set to do: record at all, keep
 * events, hash them, hand them to a sink (and which kinds, through its
 * filter), and where the time and the task come from; after each change,
 * whether trace_emit()'s fast paths may run and whether TRACE() may skip
 * a site's events.
 */
#include "sim/trace/trace_record_internal.h"

/* Open or close trace_emit()'s kept fast path (trace_rec.fast_end) after any of
 * its conditions may have changed. */
void trace_fast_update(void)
{
	trace_rec.fast_end = trace_rec.keep && trace_rec.now_var &&
					     trace_rec.task_var &&
					     !over_budget() ?
				     trace_rec.slot_end :
				     NULL;
}

/*
 * Let TRACE() skip the events nobody consumes, or stop it, after any of
 * the consumers changed: nothing kept, no hash, and a sink (if any) that
 * takes only the kinds its filter accepts. Every site's finding is
 * forgotten, since the filter's answers may have changed: only the sites
 * that found so are on the list, so this costs what they number, and a
 * site's test (TRACE()) stays one flag of its own.
 */
void trace_skip_update(void)
{
	trace_rec.to_sink = !trace_rec.keep && !trace_rec.hashing &&
			    trace_rec.sink && trace_rec.now_var &&
			    trace_rec.task_var;
	for (struct trace_site *s = trace_rec.skipping; s; s = s->skip_next)
		s->skip = false;
	trace_rec.skipping = NULL;
	trace_rec.may_skip = !trace_rec.keep && !trace_rec.hashing &&
			     (!trace_rec.sink || trace_rec.want);
}

void trace_enable(bool enable)
{
	trace_enabled = enable;
}

void trace_set_keep(bool keep)
{
	/* the events kept so far go into the hash before any that is not */
	if (!keep)
		trace_fold_kept();
	trace_rec.keep = keep;
	trace_fast_update();
	trace_skip_update();
}

bool trace_keeping(void)
{
	return trace_rec.keep;
}

void trace_set_context(uint64_t (*now)(void), const char *(*task_name)(void))
{
	trace_rec.now = now;
	trace_rec.task_name = task_name;
}

void trace_set_context_vars(const uint64_t *now, const char *const *task_name,
			    const uint64_t *task_hash)
{
	trace_rec.now_var = now;
	trace_rec.task_var = task_name;
	trace_rec.task_hash_var = task_hash;
	trace_fast_update();
	trace_skip_update();
}

void trace_set_sink(trace_sink_fn sink, void *arg)
{
	trace_rec.sink = sink;
	trace_rec.sink_arg = arg;
	trace_set_sink_filter(NULL, NULL);
}

void trace_set_sink_filter(trace_want_fn want, void *arg)
{
	trace_rec.want = want;
	trace_rec.want_arg = arg;
	/* a site's answer from 0 (never asked) is never current */
	if (++trace_rec.want_gen == 0)
		trace_rec.want_gen = 1;
	trace_skip_update();
}
