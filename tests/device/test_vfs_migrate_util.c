// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_vfs_migrate_util.c - the migration world of test_vfs_migrate.h.
 */
#include <string.h>

#include "device/fuse_state.h"
#include "device/memfs.h"
#include "sim/kernel/task.h"
#include "sim/trace/trace.h"
#include "tests/device/test_vfs_migrate.h"

struct vfs_dev *vm_dst;
struct vfs_dev_vhost vm_src_vh, vm_dst_vh;
struct migration vm_mig;
const char *vm_unlink_name;
u64 vm_unlink_parent;
u64 vm_dir, vm_file, vm_other, vm_fh, vm_other_fh, vm_dir_fh;
struct dh_req *vm_popped[2];
struct dh_req *vm_pending[5];

static struct dh_req *sent[VM_MAX_SENT];
static unsigned int nr_sent;

static const struct vfs_dev_config vm_cfg = { .request_workers = 2 };

static int vm_sync(void *arg)
{
	struct fuse_server *d = vfs_dev_server(vm_dst);
	int ret;

	(void)arg;
	/* A shared directory: the destination sees the tree as it is now. */
	ret = fuse_state_copy_tree(d, vfs_dev_server(dh_dev));
	if (!ret && vm_unlink_name)
		ret = memfs_unlink(fuse_server_fs(d), vm_unlink_parent,
				   vm_unlink_name);
	return ret;
}

void vm_setup(void)
{
	dh_setup(&vm_cfg);
	CU_ASSERT_EQUAL_FATAL(vfs_dev_create(&vm_cfg, &vm_dst), 0);
	vfs_dev_vhost_init(&vm_src_vh, dh_dev);
	vfs_dev_vhost_init(&vm_dst_vh, vm_dst);
	migration_init(&vm_mig, &dh_vdev,
		       (struct mig_backend){ vfs_dev_vhost_ops(), &vm_src_vh },
		       (struct mig_backend){ vfs_dev_vhost_ops(), &vm_dst_vh },
		       vfs_dev_num_queues(dh_dev));
	vm_mig.sync = vm_sync;
	vm_unlink_name = NULL;
	vm_unlink_parent = 0;
	nr_sent = 0;
	memset(vm_popped, 0, sizeof(vm_popped));
	memset(vm_pending, 0, sizeof(vm_pending));
}

void vm_teardown(void)
{
	migration_destroy(&vm_mig);
	vfs_dev_free(vm_dst);
	vm_dst = NULL;
	vfs_dev_vhost_exit(&vm_dst_vh);
	vfs_dev_vhost_exit(&vm_src_vh);
	dh_teardown();
}

struct dh_req *vm_track(struct dh_req *r)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_FATAL(nr_sent < VM_MAX_SENT);
	sent[nr_sent++] = r;
	return r;
}

void vm_expect(struct dh_req *r, int err)
{
	dh_expect(vm_track(r), err);
}

#define IN(i, p, n) (a.in_args[i] = (struct fuse_proto_in_arg){ (u32)(n), (p) })

struct dh_req *vm_opendir(unsigned int q, u64 ino)
{
	struct fuse_open_in in = { 0, 0 };
	struct fuse_proto_args a = { .opcode = FUSE_OPENDIR,
				     .nodeid = ino,
				     .in_numargs = 1,
				     .out_numargs = 1 };

	IN(0, &in, sizeof(in));
	a.out_args[0].size = sizeof(struct fuse_open_out);
	return dh_submit(q, &a, 0);
}

struct dh_req *vm_readdir(unsigned int q, u64 ino, u64 fh)
{
	struct fuse_read_in in = { fh, 0, 4096, 0, 0, 0, 0 };
	struct fuse_proto_args a = { .opcode = FUSE_READDIR,
				     .nodeid = ino,
				     .in_numargs = 1,
				     .out_numargs = 1,
				     .out_argvar = true };

	IN(0, &in, sizeof(in));
	a.out_args[0].size = 4096;
	return dh_submit(q, &a, 0);
}

static u64 entry_nodeid(struct dh_req *r)
{
	const struct fuse_entry_out *e = dh_payload(r);

	return e->nodeid;
}

static u64 create_fh(struct dh_req *r)
{
	const struct fuse_open_out *o =
		(const void *)((const u8 *)dh_payload(r) +
			       sizeof(struct fuse_entry_out));

	return o->fh;
}

static bool popped2(void *arg)
{
	(void)arg;
	return vfs_dev_in_progress(dh_dev) >= 2;
}

void vm_workload(void)
{
	static const char data[] = "migrating bytes";
	struct dh_req *r;

	vm_track(dh_init_req(1));
	dh_expect(sent[nr_sent - 1], 0);
	vm_expect(r = dh_mkdir(1, 1, "d"), 0);
	vm_dir = entry_nodeid(r);
	vm_expect(r = dh_create(1, vm_dir, "f"), 0);
	vm_file = entry_nodeid(r);
	vm_fh = create_fh(r);
	vm_expect(r = dh_create(1, 1, "g"), 0);
	vm_other = entry_nodeid(r);
	vm_other_fh = create_fh(r);
	vm_expect(r = vm_opendir(1, vm_dir), 0);
	vm_dir_fh = ((const struct fuse_open_out *)dh_payload(r))->fh;
	vm_expect(dh_lk(1, FUSE_SETLK, vm_file, vm_fh, 1, 1 /* F_WRLCK */), 0);

	/* A: popped and being served when the flow suspends the source. */
	vfs_dev_set_latency(dh_dev, 1000000);
	vm_popped[0] = vm_track(dh_write(1, vm_file, vm_fh, data, 8));
	vm_popped[1] = vm_track(dh_getattr(1, vm_other));
	CU_ASSERT(dh_kick(1));
	sched_run_until(popped2, NULL);
	CU_ASSERT_EQUAL(vfs_dev_in_progress(dh_dev), 2);
	/* B: on the avail ring, never kicked: nothing pops them. */
	vm_pending[0] = vm_track(dh_write(1, vm_file, vm_fh, data, 16));
	vm_pending[1] = vm_track(dh_lookup(1, vm_dir, "f"));
	vm_pending[2] = vm_track(
		dh_lk(1, FUSE_SETLK, vm_file, vm_fh, 2, 1 /* conflicts */));
	vm_pending[3] = vm_track(vm_readdir(1, vm_dir, vm_dir_fh));
	vm_pending[4] = vm_track(dh_getattr(1, vm_other));
}

int vm_migrate(void)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(
		task_spawn(migration_task, &vm_mig, "qemu", TASK_FRONTEND, 1));
	dh_run();
	return vm_mig.err;
}

void vm_assert_uniques_once(void)
{
	for (unsigned int i = 0; i < nr_sent; i++) {
		unsigned int n = 0;

		for (size_t e = 0; e < trace_kept(); e++) {
			const struct trace_event *ev = trace_event_at(e);

			if (ev->unique == sent[i]->unique &&
			    (!strcmp(ev->kind, "dev.complete") ||
			     !strcmp(ev->kind, "dev.drop")))
				n += ev->kind[4] == 'c' ? 1 : 100;
		}
		CU_ASSERT_EQUAL(n, 1);
		CU_ASSERT(sent[i]->done);
	}
}

u64 vm_completed(struct vfs_dev *dev)
{
	struct vfs_dev_queue_stats st;

	CU_ASSERT_EQUAL_FATAL(vfs_dev_queue_stats(dev, 1, &st), 0);
	return st.completed;
}
