// SPDX-License-Identifier: GPL-2.0-only
/*
 * explore_shrink.c - a failing schedule made as small as it goes: its
 * deviations from fifo set back to 0 one at a time, each change kept when
 * the run still fails the same way, then the shrunk list replayed through
 * the scheduler's own replay policy, as `vfsim run --policy replay:` will,
 * for its trace.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/cli/explore_internal.h"
#include "sim/trace/host.h"

#define SHRINK_RUNS_DEFAULT 2000

/* Drop the trailing zeros: the run takes 0 past a prefix's end. */
static void trim(struct xlist *l)
{
	while (l->nr && !l->v[l->nr - 1].c)
		l->nr--;
}

/* One pass from the last deviation to the first; true when one went. */
static bool shrink_pass(struct explorer *X, struct xlist *cur, const char *sig,
			u64 *runs, u64 max)
{
	struct xlist cand = { 0 };
	bool went = false;

	for (size_t i = cur->nr; i-- > 0 && *runs < max;) {
		char *diag, *s;
		u64 hash;
		int st;

		if (!cur->v[i].c)
			continue;
		xlist_copy(&cand, cur);
		cand.v[i].c = 0;
		trim(&cand);
		st = explore_replay(X, &cand, &diag, &hash);
		(*runs)++;
		s = st == 1 ? explore_signature(diag) : NULL;
		if (s && !strcmp(s, sig) &&
		    xlist_deviations(&X->rec) < xlist_deviations(cur)) {
			/* the run as it went, which may differ past the
			 * change: its own decisions are the new list */
			xlist_copy(cur, &X->rec);
			trim(cur);
			went = true;
			if (i > cur->nr)
				i = cur->nr;
		}
		host_free(s);
		host_free(diag);
	}
	xlist_free(&cand);
	return went;
}

void explore_shrink(struct explorer *X, const struct xpart *p,
		    struct vfsim_explore_result *r)
{
	u64 max = X->o->shrink ? X->o->shrink : SHRINK_RUNS_DEFAULT;
	struct vfsim_exec_opts o = { .variant = X->o->variant,
				     .format = VFSIM_TRACE_TEXT,
				     .max_steps = X->o->max_steps,
				     .stop_at_unexpected = true };
	char *sig = explore_signature(p->failure), *text = NULL;
	struct xlist cur = { 0 }, full = { 0 };
	struct vfsim_result res;
	size_t len = 0;
	u64 runs = 0, hash;
	char *diag;

	/* Past a candidate's list, fifo: a run that stopped at its first
	 * report recorded no choices beyond it, and a shrunk list must not
	 * be continued by the strategy's random choices. */
	X->mode = X_ZERO;
	xlist_copy(&cur, &p->found);
	trim(&cur);
	while (runs < max && shrink_pass(X, &cur, sig, &runs, max))
		;
	r->shrink_runs = runs;
	/* the shrunk run in full, so that its replay list is not cut short */
	explore_replay(X, &cur, &diag, &hash);
	host_free(diag);
	xlist_copy(&full, &X->rec);
	r->minimized = xlist_format(&full);
	r->min_deviations = xlist_deviations(&full);
	/* its trace, made by the replay policy a user will run */
	o.policy = r->minimized;
	o.diag = open_memstream(&text, &len);
	if (!o.diag)
		host_oom(0);
	vfsim_exec(X->s, &o, &res);
	fclose(o.diag);
	r->min_failure = explore_first_failure(text);
	if (!r->min_failure)
		r->min_failure = host_strdup("the replay did not fail");
	r->trace = res.trace;
	res.trace = NULL;
	vfsim_result_free(&res);
	host_free(text);
	host_free(sig);
	xlist_free(&cur);
	xlist_free(&full);
}
