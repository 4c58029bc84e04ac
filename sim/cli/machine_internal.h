/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * machine_internal.h - what machine.c (building, running and taking down
 * a machine), machine_config.c (what it is built from) and
 * machine_image.c (a built machine kept to be put back) share, and what
 * session.c asks of images. Not installed.
 */
#ifndef VFSIM_SIM_CLI_MACHINE_INTERNAL_H
#define VFSIM_SIM_CLI_MACHINE_INTERNAL_H

#include <stddef.h>

#include "sim/cli/scenario.h"

struct req_ledger;
struct vfsim_machine;

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

/* Whether the scenario migrates (its destination is built up front). */
bool machine_wants_migration(const struct scenario *s);

/* Machine images (machine_image.c): turned on and off with machine
 * reuse; whether they are on (a session keeps its block for the next
 * one, so that the next machine is where the image expects it). */
void machine_image_enable(bool on);
bool machine_images_on(void);
void machine_image_drop(void);

/* Put the image of @s's machine (built with @variant, at @m) back into
 * @m, with @policy (or the scenario's) installed as a build installs it:
 * true when done, false when the machine must be built (the image is
 * then dropped if it was another's or unusable). */
bool machine_image_restore(struct vfsim_machine *m, const struct scenario *s,
			   const char *policy, const char *variant);

/* Record the host allocations of the machine about to be built, when
 * it will be an image (images on, none taken, an in-process machine of
 * one device without migration). */
void machine_image_record(const struct scenario *s, bool ext);

/* The machine being recorded was not built: stop recording. */
void machine_image_cancel(void);

/* After the probe: take the image of the machine @m just built, when
 * machine_image_record() recorded it. */
void machine_image_take(struct vfsim_machine *m, const struct scenario *s,
			const char *variant);

#endif /* VFSIM_SIM_CLI_MACHINE_INTERNAL_H */
