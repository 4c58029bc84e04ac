/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dev_harness.h - drive the virtio-fs device through real split
 * virtqueues in guest memory, without the guest model (the way rust-vmm's
 * MockSplitQueue tests devices): the harness is the driver. It builds FUSE
 * requests with fuse_proto into guest buffers, adds them with
 * virtqueue_add_sgs(), kicks, runs the scheduler, takes used buffers back
 * and verifies the replies with fuse_proto_verify_reply().
 */
#ifndef VFSIM_TESTS_DEVICE_DEV_HARNESS_H
#define VFSIM_TESTS_DEVICE_DEV_HARNESS_H

#include "device/virtio_fs_dev.h"
#include "fuse_proto/fuse_msg.h"
#include "sim/kernel/sched.h"
#include "tests/harness.h"

#define DH_MAX_QUEUES 8
#define DH_MAX_REQS   256

/* dh_result() values that are not an out_header error. */
#define DH_PENDING  2000 /* not completed yet */
#define DH_BADREPLY 1000 /* the reply did not verify (see verify_err) */

/* One request the harness sent. */
struct dh_req {
	unsigned int q;		     /* queue index */
	u64 unique;		     /* its unique */
	struct fuse_proto_args args; /* description (out values NULL) */
	u8 *req;		     /* request bytes, in guest memory */
	size_t req_len;		     /* their length */
	u8 *rep;		     /* reply buffer, in guest memory */
	size_t rep_cap;		     /* its size */
	bool swap;		     /* sent as an opposite-endian guest */
	bool done;		     /* used buffer taken back */
	unsigned int used_len;	     /* used length */
	unsigned int order;	     /* completion order on its queue */
	int verify_err;		     /* fuse_proto_verify_reply() result */
	u8 arg[256];		     /* copy of the fixed in arg */
};

extern struct vfs_dev *dh_dev;
extern struct virtio_device dh_vdev;
extern struct virtqueue *dh_vqs[DH_MAX_QUEUES];
extern unsigned int dh_irqs[DH_MAX_QUEUES]; /* driver callbacks per queue */
extern bool dh_swap; /* build requests as an opposite-endian guest */

/* Fresh machine, device (cfg may be NULL), joined and probed. */
void dh_setup(const struct vfs_dev_config *cfg);
/* Same with the defaults; for VT_SUITE_EACH. */
void dh_setup_default(void);
void dh_teardown(void);

/* Build @a into guest memory and add it to queue @q (no kick). The
 * reply buffer gets @rep_cap bytes (0: what @a needs). NULL if the ring
 * is full. */
struct dh_req *dh_submit(unsigned int q, const struct fuse_proto_args *a,
			 size_t rep_cap);
/* Add raw request bytes. */
struct dh_req *dh_submit_raw(unsigned int q, const void *bytes, size_t len,
			     size_t rep_cap);
bool dh_kick(unsigned int q);
/* Run until nothing can run; take every used buffer back. */
enum sched_status dh_run(void);
/* Take used buffers of queue @q back; returns how many. */
unsigned int dh_reap(unsigned int q);
/* oh.error of a completed request, DH_PENDING or DH_BADREPLY. */
int dh_result(struct dh_req *r);
/* Reply payload (after the out header), native order. */
const void *dh_payload(struct dh_req *r);

/* Requests (their args are copied into the dh_req). */
struct dh_req *dh_init_req(unsigned int q);
struct dh_req *dh_lookup(unsigned int q, u64 parent, const char *name);
struct dh_req *dh_getattr(unsigned int q, u64 ino);
struct dh_req *dh_mkdir(unsigned int q, u64 parent, const char *name);
struct dh_req *dh_create(unsigned int q, u64 parent, const char *name);
struct dh_req *dh_forget(unsigned int q, u64 ino, u64 n);
struct dh_req *dh_write(unsigned int q, u64 ino, u64 fh, const void *data,
			u32 size);
struct dh_req *dh_lk(unsigned int q, u32 opcode, u64 ino, u64 fh, u64 owner,
		     u32 type);

/* Send INIT on queue 1, run, assert it succeeded. */
void dh_do_init(void);
/* Send @r's queue a kick, run, assert @r completed with @err. */
void dh_expect(struct dh_req *r, int err);

/* Snapshot of the device-written guest memory: used rings and every reply
 * buffer sent so far. */
struct dh_snapshot {
	u8 *bytes;
	size_t len;
};
void dh_snap(struct dh_snapshot *s);
bool dh_snap_same(const struct dh_snapshot *s);
void dh_snap_free(struct dh_snapshot *s);

/* Index of the @nth (0-based) kept trace event whose text has @needle,
 * or -1. */
long dh_find_nth(const char *needle, unsigned int nth);
/* How many kept events contain @needle. */
unsigned int dh_count(const char *needle);

#endif
