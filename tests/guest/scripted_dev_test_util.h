/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scripted_dev_test_util.h - the fixture shared by the guest_sdev_* suites:
 * a test driver bound to the scripted device, requests built into guest
 * memory and sent from the driver side, and their replies. Each suite's
 * file gets its own copy of this state.
 */
#ifndef VFSIM_TESTS_GUEST_SCRIPTED_DEV_TEST_UTIL_H
#define VFSIM_TESTS_GUEST_SCRIPTED_DEV_TEST_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "sim/kernel/completion.h"
#include "sim/kernel/slab.h"
#include "sim/kernel/task.h"
#include "tests/guest/scripted_dev.h"
#include "tests/harness.h"
#include "tests/sim/sim_test_util.h"

#define MAXQ 8
#define MAXT 64

/* One request as the test driver sent it. */
struct treq {
	struct fuse_proto_args args;
	u64 unique;
	u8 *out;
	u32 olen;
	u8 *in;
	u32 ilen;
	unsigned int used;
	bool done;
	char task[32];
};

static struct sdev dev;
static struct sdev_config cfg;
static struct virtqueue *vqs[MAXQ];
static struct treq treqs[MAXT];
static unsigned int nr_treqs;
static int order[MAXT];
static unsigned int nr_order;
static struct completion *waiter;
static unsigned int removes;
static const char *remove_task;
static u64 next_unique;

static inline void cb(struct virtqueue *vq)
{
	struct treq *t;
	unsigned int len;

	while ((t = virtqueue_get_buf(vq, &len))) {
		t->used = len;
		t->done = true;
		snprintf(t->task, sizeof(t->task), "%s",
			 current ? current->name : "main");
		order[nr_order++] = (int)(t - treqs);
		if (waiter)
			complete(waiter);
	}
}

static inline int tdrv_probe(struct virtio_device *vdev)
{
	static void (*const cbs[MAXQ])(struct virtqueue *) = { cb, cb, cb, cb,
							       cb, cb, cb, cb };
	static const char *const names[MAXQ] = { "hiprio", "req.0", "req.1",
						 "req.2",  "req.3", "req.4",
						 "req.5",  "req.6" };

	return virtio_find_vqs(vdev, vdev->backend->num_queues, vqs, cbs,
			       names);
}

static inline void tdrv_remove(struct virtio_device *vdev)
{
	removes++;
	remove_task = current ? current->name : "main";
	virtio_reset_device(vdev);
	vdev->config->del_vqs(vdev);
}

static struct virtio_driver tdrv = {
	.name = "tdrv",
	.probe = tdrv_probe,
	.remove = tdrv_remove,
};

/* Create the device with @c (after sdev_config_init() adjustments) and
 * bind the test driver. */
static inline void start(const struct sdev_config *c)
{
	CU_ASSERT_EQUAL_FATAL(sdev_create(&dev, c), 0);
	CU_ASSERT_EQUAL_FATAL(virtio_driver_probe(&dev.vdev, &tdrv), 0);
}

static inline void setup(void)
{
	kmem_exit();
	gmem_exit();
	CU_ASSERT_EQUAL_FATAL(gmem_init(4 << 20), 0);
	sim_test_setup();
	sdev_config_init(&cfg);
	memset(treqs, 0, sizeof(treqs));
	memset(vqs, 0, sizeof(vqs));
	nr_treqs = 0;
	nr_order = 0;
	removes = 0;
	remove_task = NULL;
	waiter = NULL;
	next_unique = 2;
}

static inline void teardown(void)
{
	if (dev.task) {
		if (dev.vdev.vqs)
			dev.vdev.config->del_vqs(&dev.vdev);
		sdev_destroy(&dev);
	}
	for (unsigned int i = 0; i < nr_treqs; i++) {
		gmem_free(treqs[i].out);
		gmem_free(treqs[i].in);
	}
	memset(&dev, 0, sizeof(dev));
	CU_ASSERT_EQUAL(kmem_exit(), 0);
	sim_test_teardown();
	gmem_exit();
}

/* Build @a into guest memory and add it to queue @q with @room writable
 * bytes (0: what the reply needs); kick unless @nokick. */
static inline struct treq *add(unsigned int q, const struct fuse_proto_args *a,
			       u32 room, bool kick)
{
	struct treq *t = &treqs[nr_treqs++];
	struct scatterlist so, si, *sgs[2] = { &so, &si };
	ssize_t n;

	t->args = *a;
	t->unique = next_unique;
	next_unique += 2;
	t->olen = (u32)fuse_proto_request_size(a);
	t->ilen = room ? room : (u32)fuse_proto_reply_size(a);
	t->out = gmem_alloc(t->olen, 8);
	t->in = gmem_alloc(t->ilen, 8);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t->out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t->in);
	memset(t->in, 0x5a, t->ilen);
	n = fuse_proto_build_request(t->out, t->olen, t->unique, a, 0, 0, 1);
	CU_ASSERT_EQUAL_FATAL(n, (ssize_t)t->olen);
	sg_init_one(&so, t->out, t->olen);
	sg_init_one(&si, t->in, t->ilen);
	CU_ASSERT_EQUAL_FATAL(virtqueue_add_sgs(vqs[q], sgs, 1,
						a->noreply ? 0 : 1, t,
						GFP_ATOMIC),
			      0);
	if (kick)
		virtqueue_kick(vqs[q]);
	return t;
}

static inline struct treq *send(unsigned int q, const struct fuse_proto_args *a)
{
	return add(q, a, 0, true);
}

static inline int verify(const struct treq *t, struct fuse_out_header *oh)
{
	return fuse_proto_verify_reply(&t->args, t->unique, t->in, t->used, oh);
}

/* ---- request builders (the in args must outlive add()) ---- */

static struct fuse_init_in init_in;
static struct fuse_getattr_in getattr_in;
static struct fuse_forget_in forget_in;

static inline struct fuse_proto_args a_init(u32 minor, u32 flags)
{
	init_in = (struct fuse_init_in){ .major = 7,
					 .minor = minor,
					 .max_readahead = 65536,
					 .flags = flags };
	return (struct fuse_proto_args){
		.opcode = FUSE_INIT,
		.in_numargs = 1,
		.in_args = { { sizeof(init_in), &init_in } },
		.out_numargs = 1,
		.out_argvar = true,
		.out_args = { { sizeof(struct fuse_init_out), NULL } }
	};
}

static inline struct fuse_proto_args
a_name(u32 opcode, u64 parent, const char *name, const void *arg, u32 arg_size)
{
	struct fuse_proto_args a = { .opcode = opcode, .nodeid = parent };
	unsigned int i = 0;

	if (arg)
		a.in_args[i++] = (struct fuse_proto_in_arg){ arg_size, arg };
	a.in_args[i++] =
		(struct fuse_proto_in_arg){ (u32)strlen(name) + 1, name };
	a.in_numargs = (u8)i;
	if (opcode == FUSE_LOOKUP || opcode == FUSE_MKDIR ||
	    opcode == FUSE_CREATE) {
		a.out_numargs = 1;
		a.out_args[0].size = sizeof(struct fuse_entry_out);
	}
	if (opcode == FUSE_CREATE) {
		a.out_numargs = 2;
		a.out_args[1].size = sizeof(struct fuse_open_out);
	}
	return a;
}

static inline struct fuse_proto_args a_lookup(u64 parent, const char *name)
{
	return a_name(FUSE_LOOKUP, parent, name, NULL, 0);
}

static inline struct fuse_proto_args a_getattr(u64 nodeid)
{
	return (struct fuse_proto_args){
		.opcode = FUSE_GETATTR,
		.nodeid = nodeid,
		.in_numargs = 1,
		.in_args = { { sizeof(getattr_in), &getattr_in } },
		.out_numargs = 1,
		.out_args = { { sizeof(struct fuse_attr_out), NULL } }
	};
}

static inline struct fuse_proto_args a_forget(u64 nodeid, u64 n)
{
	forget_in.nlookup = n;
	return (struct fuse_proto_args){ .opcode = FUSE_FORGET,
					 .nodeid = nodeid,
					 .noreply = true,
					 .in_numargs = 1,
					 .in_args = { { sizeof(forget_in),
							&forget_in } } };
}

static inline struct fuse_proto_args a_simple(u32 opcode, u64 nodeid,
					      const void *in, u32 in_size,
					      u32 out_size, bool argvar)
{
	return (struct fuse_proto_args){ .opcode = opcode,
					 .nodeid = nodeid,
					 .in_numargs = in ? 1 : 0,
					 .in_args = { { in_size, in } },
					 .out_numargs = out_size ? 1 : 0,
					 .out_argvar = argvar,
					 .out_args = { { out_size, NULL } } };
}

static inline u64 reply_u64(const struct treq *t, size_t off)
{
	u64 v;

	memcpy(&v, t->in + sizeof(struct fuse_out_header) + off, sizeof(v));
	return v;
}

static inline u32 reply_u32(const struct treq *t, size_t off)
{
	u32 v;

	memcpy(&v, t->in + sizeof(struct fuse_out_header) + off, sizeof(v));
	return v;
}

static inline void run_until_requests(unsigned int n)
{
	CU_ASSERT_EQUAL(sdev_run_until_requests(&dev, n), SCHED_STOPPED);
}

#endif /* VFSIM_TESTS_GUEST_SCRIPTED_DEV_TEST_UTIL_H */
