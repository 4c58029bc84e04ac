// SPDX-License-Identifier: GPL-2.0-only
/*
 * trace_hash.c - the trace's 64-bit hash: kept events are folded in when
 * the hash is asked for (recording them costs no hashing), events not
 * kept as they come (emit_hash(), trace.c); either way the same hash, of
 * the events' contents, never of addresses.
 */
#include "sim/trace/trace_record_internal.h"

/* What a detail contributes: a plain one, its content; a TRACE_FMT() one,
 * its format then its arguments (strings by their contents). */
static uint64_t kept_detail_hash(const struct trace_event *ev)
{
	const struct trace_args *a = ev->args;
	uint64_t d;

	if (ev->detail || !a)
		return str_hash(ev->detail);
	d = str_hash(a->fmt) + 1;
	for (unsigned i = 0; i < a->nargs; i++) {
		uint64_t v = a->arg[i];

		if ((a->strs >> i) & 1)
			v = str_hash((const char *)(uintptr_t)v);
		d = d * K_DET + v;
	}
	return d;
}

/*
 * Kept events are hashed when the hash is asked for (or keeping stops):
 * recording them costs no hashing, and the hash is the same as if each had
 * been folded in as it came. Guarantees: every kept event is in trace_rec.hash.
 */
void trace_fold_kept(void)
{
	if (!trace_rec.hashing) {
		trace_rec.hashed = trace_rec.nr_kept;
		return;
	}
	for (; trace_rec.hashed < trace_rec.nr_kept; trace_rec.hashed++) {
		const struct trace_event *ev = trace_event_at(trace_rec.hashed);

		trace_rec.hash =
			trace_mix(trace_rec.hash,
				  fold_word(ev, str_hash(ev->task),
					    names_word(str_hash(ev->kind),
						       str_hash(ev->func),
						       str_hash(ev->queue)),
					    kept_detail_hash(ev)));
	}
}

uint64_t trace_hash(void)
{
	trace_fold_kept();
	return trace_rec.hashing ? trace_rec.hash : 0;
}

uint64_t trace_name_hash(const char *name)
{
	return trace_str_content_hash(name);
}

void trace_drop_hash(void)
{
	trace_rec.hashing = false;
	trace_rec.hash = 0;
	trace_skip_update();
}

bool trace_hashing(void)
{
	return trace_rec.hashing;
}
