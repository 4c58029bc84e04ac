// SPDX-License-Identifier: GPL-2.0-only
/*
 * ring_picture.c - a driver queue's ring picture with the requests the
 * driver parked on its queued_reqs: sim/virtio draws the ring and asks
 * this layer, which knows struct virtio_fs_vq, for the parked ones.
 */
#include <stdio.h>

#include "guest/virtio_fs.h"
#include "sim/cli/machine.h"
#include "sim/virtio/ring_dot.h"

/* Hiprio parks FORGETs (struct virtio_fs_forget), the request queues
 * struct fuse_req: one line each, in list order. */
static void for_each_parked(const void *owner, ring_dot_emit_fn emit, void *ctx)
{
	const struct virtio_fs_vq *fsvq = owner;
	char label[96];

	if (fsvq == &fsvq->fs->vqs[VQ_HIPRIO]) {
		const struct virtio_fs_forget *f;

		list_for_each_entry(f, &fsvq->queued_reqs, list) {
			snprintf(label, sizeof(label),
				 "FORGET nodeid=%llu nlookup=%llu",
				 (unsigned long long)f->req.ih.nodeid,
				 (unsigned long long)f->req.arg.nlookup);
			emit(ctx, label);
		}
		return;
	}
	const struct fuse_req *req;

	list_for_each_entry(req, &fsvq->queued_reqs, list) {
		const char *op = fuse_opcode_name(req->in.h.opcode);

		if (op)
			snprintf(label, sizeof(label),
				 "unique=%llu %s nodeid=%llu",
				 (unsigned long long)req->in.h.unique, op,
				 (unsigned long long)req->in.h.nodeid);
		else
			snprintf(label, sizeof(label),
				 "unique=%llu opcode %u nodeid=%llu",
				 (unsigned long long)req->in.h.unique,
				 req->in.h.opcode,
				 (unsigned long long)req->in.h.nodeid);
		emit(ctx, label);
	}
}

char *vfsim_ring_picture(const struct virtio_fs_vq *fsvq,
			 const struct vringh *vrh)
{
	const struct ring_dot_opts o = {
		.vq = fsvq->vq,
		.vrh = vrh,
		.parked_name = "queued_reqs",
		.for_each_parked = for_each_parked,
		.owner = fsvq,
	};

	return ring_dot_string_opts(&o);
}
