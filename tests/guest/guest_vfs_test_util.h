/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * guest_vfs_test_util.h - a mounted guest_fs over the test transport and
 * the real server, and a way to run a "program" in a syscall task.
 */
#ifndef VFSIM_TESTS_GUEST_GUEST_VFS_TEST_UTIL_H
#define VFSIM_TESTS_GUEST_GUEST_VFS_TEST_UTIL_H

#include <fcntl.h>
#include <sys/stat.h>

#include "device/memfs.h"
#include "guest/vfsim_syscalls.h"
#include "tests/guest/fuse_core_test_util.h"

static struct fuse_test_transport vtt;
static struct guest_fs gfs;

static inline void vfs_mount(bool v5, const struct fuse_server_config *cfg)
{
	ftt_machine_setup();
	if (ftt_mount(&vtt, v5, cfg) == 0) {
		run_idle();
		guest_fs_init(&gfs, &vtt.sb);
	}
}

static inline void vfs_setup(void)
{
	vfs_mount(false, NULL);
}

static inline size_t vfs_unmount(void)
{
	guest_fs_exit(&gfs);
	ftt_exit(&vtt);
	return ftt_machine_teardown();
}

struct prog {
	void (*fn)(void);
	bool done;
};

static inline int prog_fn(void *arg)
{
	struct prog *p = arg;

	p->fn();
	p->done = true;
	return 0;
}

/* Run @fn in a syscall task until everything is idle; true when it
 * returned. */
static inline bool run_prog(void (*fn)(void))
{
	static struct prog p;

	p.fn = fn;
	p.done = false;
	task_spawn(prog_fn, &p, "prog", TASK_SYSCALL, 0);
	run_idle();
	return p.done;
}

struct inode_sum {
	u64 nlookup;
	u64 inodes;
};

static inline int sum_inode(void *arg, const struct memfs_inode_info *info)
{
	struct inode_sum *s = arg;

	s->nlookup += info->nlookup;
	s->inodes++;
	return 0;
}

/* The server's view: inodes alive and lookups it counts. */
static inline struct inode_sum server_inodes(void)
{
	struct inode_sum s = { 0, 0 };

	memfs_for_each_inode(fuse_server_fs(vtt.srv), sum_inode, &s);
	return s;
}

#endif
