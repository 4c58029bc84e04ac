// SPDX-License-Identifier: GPL-2.0-only
/*
 * trace_kinds.c - the list of trace event kinds and the nearest one to a
 * misspelling.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/trace/trace_kinds.h"

/* Sorted; scripts/trace_kinds.py checks it against the TRACE() sites. */
static const char *const kinds[] = {
	/* trace-kinds: begin */
	"bug",
	"dev.check_state",
	"dev.complete",
	"dev.control",
	"dev.create",
	"dev.dead",
	"dev.drop",
	"dev.fault_push",
	"dev.fault_reply",
	"dev.hiprio_first",
	"dev.hot_unplug",
	"dev.irq",
	"dev.kick",
	"dev.kick_bad",
	"dev.kick_ignored",
	"dev.lock_interrupted",
	"dev.lock_retry",
	"dev.lock_wait",
	"dev.needs_reset",
	"dev.no_reply",
	"dev.pause",
	"dev.pop",
	"dev.protocol_features",
	"dev.push_failed",
	"dev.queue_ready",
	"dev.reset",
	"dev.resumed",
	"dev.ring_drain",
	"dev.ring_enable",
	"dev.ring_start",
	"dev.ring_stop",
	"dev.set_features",
	"dev.set_state_fd",
	"dev.set_vring_base",
	"dev.stall",
	"dev.stall_end",
	"dev.suspended",
	"dev.too_big",
	"dev.unpause",
	"fault",
	"fuse.abort",
	"fuse.args",
	"fuse.bad",
	"fuse.bad_attr",
	"fuse.end",
	"fuse.init",
	"fuse.reply",
	"fuse.req",
	"fuse.send",
	"fuse.session_end",
	"fuse.timeout",
	"fuse.timeout_armed",
	"fuse_dev.write_failed",
	"fuse_server.reset",
	"guest.release",
	"irq.merged",
	"irq.raise",
	"irq.spurious",
	"mem.freed",
	"mig.check",
	"mig.chunk",
	"mig.done",
	"mig.fail",
	"mig.load",
	"mig.negotiate",
	"mig.resume",
	"mig.save",
	"mig.set_base",
	"mig.set_state_fd",
	"mig.start",
	"mig.suspend",
	"mig.switch",
	"mig.sync",
	"mig.wire",
	"pipe.close",
	"pipe.eof",
	"pipe.read",
	"pipe.write",
	"sched.pick",
	"sched.preempt",
	"scn.action",
	"scn.expect",
	"scn.mark",
	"scn.op",
	"scn.picture",
	"serve.start",
	"state.load",
	"state.missing",
	"state.transfer",
	"task.block",
	"task.exit",
	"task.spawn",
	"task.start",
	"task.wake",
	"timer.fire",
	"vfsim.device",
	"vfsim.driver",
	"virtio.features",
	"virtio.freeze",
	"virtio.kick_failed",
	"virtio.needs_reset",
	"virtio.probe",
	"virtio.queue_ready",
	"virtio.reset",
	"virtio.restore",
	"virtio.status",
	"virtio.switch_backend",
	"virtio.unplug",
	"virtio.warn",
	"virtio_fs.bad_reply",
	"virtio_fs.bad_request",
	"virtio_fs.complete",
	"virtio_fs.dax",
	"virtio_fs.drain_timeout",
	"virtio_fs.drain_wake",
	"virtio_fs.end",
	"virtio_fs.enqueue",
	"virtio_fs.error",
	"virtio_fs.forget",
	"virtio_fs.forget_done",
	"virtio_fs.forget_drop",
	"virtio_fs.forget_park",
	"virtio_fs.freeze",
	"virtio_fs.interrupt",
	"virtio_fs.irq",
	"virtio_fs.late_reply",
	"virtio_fs.mount",
	"virtio_fs.mq_map",
	"virtio_fs.park",
	"virtio_fs.probe",
	"virtio_fs.release",
	"virtio_fs.remove",
	"virtio_fs.reply",
	"virtio_fs.restore",
	"virtio_fs.send",
	"virtio_fs.sysfs",
	"virtio_fs.tag",
	"virtio_fs.umount",
	"virtio_fs.warn",
	"vq.add",
	"vq.bad_chain",
	"vq.broken",
	"vq.detach",
	"vq.disable_cb",
	"vq.enable_cb",
	"vq.full",
	"vq.get_buf",
	"vq.indirect_fallback",
	"vq.irq",
	"vq.kick",
	"vq.kick_prepare",
	"vq.need_notify",
	"vq.pop",
	"vq.push",
	"vu.check",
	"vu.connect",
	"vu.die",
	"vu.disconnect",
	"vu.get_vring_base",
	"vu.gone",
	"vu.mem",
	"vu.msg",
	"vu.negotiated",
	"vu.no_device_state",
	"vu.pause",
	"vu.refused",
	"vu.ring",
	"vu.silent",
	"vu.start",
	"vu.state_fd",
	"vu.state_pump",
	"vu.stop",
	"work.cancel",
	"work.queue",
	"work.run",
	/* trace-kinds: end */
};

const char *const *trace_kinds(size_t *n)
{
	*n = sizeof(kinds) / sizeof(kinds[0]);
	return kinds;
}

static int cmp(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

bool trace_kind_known(const char *kind)
{
	return kind && bsearch(kind, kinds, sizeof(kinds) / sizeof(kinds[0]),
			       sizeof(kinds[0]), cmp);
}

/* Edits from @a to @b, swaps of neighbours counting one (optimal string
 * alignment); names longer than 63 characters are far from everything. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[64][64];

	if (la >= 64 || lb >= 64)
		return (size_t)-1;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

const char *trace_kind_nearest(const char *kind)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t d = distance(kind, kinds[i]);
		size_t longer = strlen(kind) > strlen(kinds[i]) ?
					strlen(kind) :
					strlen(kinds[i]);

		if (d <= 2 && 3 * d <= longer && d < best_d) {
			best = kinds[i];
			best_d = d;
		}
	}
	return best;
}

int trace_kind_error(const char *kind, char *msg, size_t size)
{
	const char *near;

	if (trace_kind_known(kind))
		return 0;
	near = trace_kind_nearest(kind);
	if (near)
		snprintf(msg, size,
			 "unknown event kind '%.60s' (did you mean '%s'?)",
			 kind, near);
	else
		snprintf(msg, size,
			 "unknown event kind '%.60s' (a kind is a layer and a "
			 "step, e.g. vq.kick, fuse.end, virtio_fs.enqueue)",
			 kind);
	return -EINVAL;
}
