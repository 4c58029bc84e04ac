/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * machine_internal.h - what machine.c (building, running and taking down
 * a machine) and machine_config.c (what it is built from) share. Not
 * installed; nothing outside these two files includes it.
 */
#ifndef VFSIM_SIM_CLI_MACHINE_INTERNAL_H
#define VFSIM_SIM_CLI_MACHINE_INTERNAL_H

#include <stddef.h>

#include "sim/cli/scenario.h"

struct req_ledger;

/* The driver's variant, bug switches, request timeouts and options, from
 * the scenario (@variant, when not NULL, instead of the scenario's). */
int machine_driver_settings(const struct scenario *s, const char *variant,
			    char *err, size_t errsize);

/* The trace's two header events (the driver's and the device's settings),
 * texts kept for the next machine of the same scenario when reused. */
void machine_trace_header(const struct scenario *s, const char *variant);

/* The request ledger the last machine left (reset), or NULL. */
struct req_ledger *machine_kept_ledger(void);

/* Keep @reqs, reset, for the next machine when machines are reused and
 * none is kept yet; otherwise free it. */
void machine_keep_ledger(struct req_ledger *reqs);

#endif /* VFSIM_SIM_CLI_MACHINE_INTERNAL_H */
