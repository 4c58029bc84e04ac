// SPDX-License-Identifier: GPL-2.0-only
/*
 * backend.c - the machine's external back end: its spec, what a scenario
 * may not ask of it, and its front ends (sim/vmm/vhost_user_frontend.h).
 */
#include "sim/cli/backend.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const kind_names[] = {
	[VFSIM_BACKEND_SIM] = "sim",
	[VFSIM_BACKEND_UNIX] = "unix",
	[VFSIM_BACKEND_SPAWN_VFSIM] = "spawn:vfsim",
	[VFSIM_BACKEND_SPAWN_VIRTIOFSD] = "spawn:virtiofsd",
};

int vfsim_backend_parse(const char *text, struct vfsim_backend_spec *out,
			char *err, size_t errsize)
{
	const char *path = NULL;

	memset(out, 0, sizeof(*out));
	if (!strcmp(text, "sim"))
		return 0;
	if (!strcmp(text, "spawn:vfsim")) {
		out->kind = VFSIM_BACKEND_SPAWN_VFSIM;
		return 0;
	}
	if (!strcmp(text, "spawn:virtiofsd")) {
		out->kind = VFSIM_BACKEND_SPAWN_VIRTIOFSD;
		return 0;
	}
	if (!strncmp(text, "unix:", 5))
		path = text + 5;
	else if (strchr(text, '/') && strncmp(text, "spawn:", 6))
		path = text;
	if (!path || !path[0] || strlen(path) >= sizeof(out->path)) {
		snprintf(err, errsize,
			 "backend '%s': expected unix:PATH (a socket path of "
			 "1 to %zu bytes), spawn:vfsim, spawn:virtiofsd or sim",
			 text, sizeof(out->path) - 1);
		return -EINVAL;
	}
	out->kind = VFSIM_BACKEND_UNIX;
	strcpy(out->path, path);
	return 0;
}

const char *vfsim_backend_name(const struct vfsim_backend_spec *spec)
{
	return kind_names[spec->kind];
}

/* Fields of `expect device.FIELD` an external back end cannot show: they
 * are the in-process device's memory. */
static bool inside_field(const char *field)
{
	return strcmp(field, "dead") && strcmp(field, "paused");
}

#define OUTSIDE \
	" is the in-process device's; an external back end's insides are not visible"

static int check_actions(const struct scenario *s, char *err, size_t errsize)
{
	for (size_t i = 0; i < s->nr_triggers; i++) {
		const struct scn_trigger *t = &s->triggers[i];

		for (size_t j = 0; j < t->nr_actions; j++) {
			const struct scn_action *a = &t->actions[j];

			if (a->kind == SCN_ACT_DEVICE_LATENCY ||
			    a->kind == SCN_ACT_DEVICE_ORDER)
				return scn_fail_at(
					err, errsize, &a->pos,
					"device %s acts inside the "
					"in-process device; an external "
					"back end cannot be told",
					a->kind == SCN_ACT_DEVICE_LATENCY ?
						"latency=" :
						"order=");
		}
	}
	return 0;
}

int vfsim_backend_check(const struct scenario *s,
			const struct vfsim_backend_spec *spec, char *err,
			size_t errsize)
{
	if (s->device.set & ~SCN_DEVICE_BACKEND)
		return scn_fail_at(err, errsize, &s->device.pos,
				   "the device line's latency, order, batch, "
				   "workers and seed set up the in-process "
				   "device; an external back end has its own");
	if (s->machine.devices > 1)
		return scn_fail_at(err, errsize, &s->machine.pos,
				   "devices=2 needs the in-process device");
	/* vfsim serve takes them from its fs file (backend_spawn.c). */
	for (size_t i = 0;
	     spec->kind != VFSIM_BACKEND_SPAWN_VFSIM && i < s->nr_faults; i++)
		if (!strncmp(s->faults[i].rule, "dev.", 4))
			return scn_fail_at(err, errsize, &s->faults[i].pos,
					   "'%s' is a fault point of vfsim's "
					   "device: the in-process one or "
					   "spawn:vfsim (vfsim serve --faults "
					   "takes them too)",
					   s->faults[i].rule);
	for (size_t i = 0; i < s->nr_run; i++) {
		const struct scn_run_item *r = &s->run[i];

		if (r->kind != SCN_EXPECT)
			continue;
		if (r->expect.kind == SCN_EXPECT_DEVICE &&
		    inside_field(r->expect.field))
			return scn_fail_at(err, errsize, &r->pos,
					   "device.%s" OUTSIDE,
					   r->expect.field);
		if (r->expect.kind == SCN_EXPECT_LOOKUPS_BALANCED)
			return scn_fail_at(
				err, errsize, &r->pos,
				"lookups balanced counts the "
				"in-process device's lookups; an "
				"external back end's insides are not "
				"visible");
	}
	return check_actions(s, err, errsize);
}

int vfsim_backend_connect(struct vfsim_backend *b, unsigned int i,
			  const struct scenario *s, char *err, size_t errsize)
{
	struct vhost_user_frontend_config cfg = {
		.tag = s->machine.tag,
		.num_request_queues = s->machine.queues,
		.queue_size = s->machine.queue_size,
		.event_idx = s->machine.event_idx,
		.indirect = s->machine.indirect,
	};
	const char *path = b->spec.path;
	char tail[200];
	int ret;

	if (b->spec.kind != VFSIM_BACKEND_UNIX) {
		ret = vfsim_backend_spawn(&b->proc[i], &b->spec, s, err,
					  errsize);
		if (ret)
			return ret;
		path = b->proc[i].sock;
	}
	/* A daemon binds before it listens: a refused connection is
	 * retried for a while (a test connection would use up virtiofsd's
	 * only one). */
	for (unsigned int ms = 0;; ms += 10) {
		ret = vhost_user_frontend_open(&b->fe[i], path, &cfg,
					       i ? "dst" : "src", err, errsize);
		if (ret != -ECONNREFUSED || !b->proc[i].pid || ms >= 5000)
			break;
		nanosleep(&(struct timespec){ 0, 10000000L }, NULL);
	}
	b->connected[i] = true;
	if (!ret && getenv("VFSIM_BACKEND_WAIT_MS"))
		b->fe[i].silence_ns =
			strtoull(getenv("VFSIM_BACKEND_WAIT_MS"), NULL, 10) *
			1000000ULL;
	if (ret && b->proc[i].pid) {
		size_t n = strlen(err);

		vfsim_backend_log_tail(&b->proc[i], tail, sizeof(tail));
		if (tail[0] && n < errsize)
			snprintf(err + n, errsize - n, " (its log: %s)", tail);
	}
	return ret;
}

void vfsim_backend_close(struct vfsim_backend *b)
{
	for (unsigned int i = 0; i < 2; i++) {
		if (b->connected[i])
			vhost_user_frontend_close(&b->fe[i]);
		b->connected[i] = false;
	}
	for (unsigned int i = 0; i < 2; i++)
		vfsim_backend_reap(&b->proc[i]);
}

struct vhost_user_frontend *vfsim_backend_cur(struct vfsim_backend *b)
{
	return &b->fe[b->cur];
}
