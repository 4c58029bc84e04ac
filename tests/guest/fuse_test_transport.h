/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuse_test_transport.h - a test-only FUSE transport: the guest's FUSE core
 * talks through it, in either fiq op style, to the real FUSE server
 * (device/fuse_server.h) run by a device task, with no virtqueue between.
 *
 * It behaves like virtio-fs where that matters to the core: requests sit on
 * the channel's processing list (bucket 0) with FR_SENT set while the
 * "device" has them, FR_SENT is cleared and the request unlinked before
 * fuse_request_end(), and nothing is ever ended in the submitter (it may
 * hold fc->bg_lock): refused requests are ended by the device task. The
 * device task holds a request reference while it owns a request, so an
 * abort that ends it meanwhile leaves it readable (and the device then
 * drops it without touching its arguments).
 */
#ifndef VFSIM_TESTS_GUEST_FUSE_TEST_TRANSPORT_H
#define VFSIM_TESTS_GUEST_FUSE_TEST_TRANSPORT_H

#include "device/fuse_server.h"
#include "guest/fuse_i.h"

struct fuse_test_transport;

/* Edit a reply before the guest sees it (may change *len). */
typedef void (*ftt_mangle_fn)(struct fuse_test_transport *tt, u32 opcode,
			      void *reply, size_t *len);

struct fuse_test_transport {
	struct fuse_server *srv;
	bool v5; /* wake_*_and_unlock ops instead of send_* */
	struct fuse_conn fc;
	struct fuse_mount fm;
	struct super_block sb;
	struct fuse_dev *fud;
	struct list_head queue;	   /* handed to the device */
	struct list_head blocked;  /* SETLKW waiting for a lock change */
	struct list_head end_list; /* refused: to be ended by the device */
	u64 blocked_gen;	   /* lock generation when they blocked */
	wait_queue_head_t waitq;   /* the device task idles here */
	struct task *task;
	bool stop;

	/* knobs */
	bool hold;	   /* the device leaves requests queued */
	u32 fail_opcode;   /* answer this opcode with fail_error ... */
	int fail_error;	   /* ... without asking the server */
	u64 delay_ns;	   /* the device sleeps before each request */
	bool end_twice;	   /* call fuse_request_end() twice */
	bool leave_sent;   /* end with FR_SENT still set (a driver bug) */
	int refuse;	   /* fail every send with this error (0: off) */
	bool park_pending; /* v5: leave requests on fiq->pending */
	bool park_forgets; /* v5: leave forgets on the forget list */
	ftt_mangle_fn mangle;

	/* what happened */
	unsigned int nr_sent;	   /* requests handed over */
	unsigned int nr_forgets;   /* FORGETs handed over */
	unsigned int nr_done;	   /* requests ended by the device */
	unsigned int nr_dropped;   /* ended elsewhere (abort) first */
	unsigned int nr_bg_locked; /* sends seen with fc->bg_lock held */
	unsigned int nr_released;  /* ops->release calls */
	u64 forget_nlookup;	   /* sum of FORGET nlookups */
	u64 uniques[64];	   /* uniques in send order (first 64) */
	u32 opcodes[64];	   /* opcodes in send order (first 64) */
};

/* Set up the connection (fuse_conn_init + fill_super + the device task);
 * 0 or a negative errno. Needs sched_init() and gmem. */
int ftt_init(struct fuse_test_transport *tt, bool v5,
	     const struct fuse_server_config *cfg);

/* ftt_init() plus fuse_send_init(). */
int ftt_mount(struct fuse_test_transport *tt, bool v5,
	      const struct fuse_server_config *cfg);

/* Let the device run held requests again. */
void ftt_release_hold(struct fuse_test_transport *tt);

/* Stop the device task, free the channel and the last connection
 * reference, free the server. Call from outside tasks. */
void ftt_exit(struct fuse_test_transport *tt);

/* Requests the device holds right now. */
unsigned int ftt_queued(struct fuse_test_transport *tt);

/* A fresh machine around every test: trace, reports, faults, 32 MiB of
 * guest memory, the scheduler. */
static inline void ftt_machine_setup(void)
{
	trace_reset(true);
	trace_set_keep(true);
	check_clear();
	check_invariant_clear();
	fault_reset();
	gmem_init(32u << 20);
	sched_init(NULL);
}

/* Tear it down; returns the number of kmalloc leaks found. */
static inline size_t ftt_machine_teardown(void)
{
	size_t leaks;

	sched_exit();
	leaks = kmem_exit();
	gmem_exit();
	check_invariant_clear();
	fault_reset();
	trace_reset(false);
	return leaks;
}

#endif
