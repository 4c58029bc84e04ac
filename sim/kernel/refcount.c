// SPDX-License-Identifier: GPL-2.0-only
/*
 * refcount.c - the reporting half of refcount_t.
 */
#include "sim/kernel/refcount.h"

#include "sim/kernel/check.h"

void refcount_warn_saturate(refcount_t *r, const char *what)
{
	check_report("refcount", "refcount_t: %s", what);
	r->refs = REFCOUNT_SATURATED;
}
