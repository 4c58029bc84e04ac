// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_guest_vfs_file.c - the syscall-like API's open-file half end to
 * end: reads and writes through pages (chunked by max_pages / max_write),
 * FLUSH, background RELEASE, READDIR across pages, POSIX locks with SETLKW
 * blocking one task until another unlocks, DAX mappings, and the error
 * paths.
 */
#include <errno.h>
#include <string.h>

#include "tests/guest/guest_vfs_test_util.h"
#include "tests/harness.h"

static void teardown(void)
{
	CU_ASSERT_EQUAL(vfs_unmount(), 0);
	check_clear();
}

#define DATA_LEN (3 * PAGE_SIZE + 100)
static unsigned char wbuf[DATA_LEN], rbuf[DATA_LEN + PAGE_SIZE];
static struct guest_file gf;

static void p_rw(void)
{
	struct fuse_entry_out e;
	size_t i;

	for (i = 0; i < DATA_LEN; i++)
		wbuf[i] = (unsigned char)(i * 7 + 3);
	CU_ASSERT_EQUAL(guest_create(&gfs, FUSE_ROOT_ID, "f", S_IFREG | 0644,
				     O_RDWR | O_CREAT | O_EXCL, &e, &gf),
			0);
	CU_ASSERT_EQUAL(gf.nodeid, e.nodeid);
	CU_ASSERT_EQUAL(guest_write(&gfs, &gf, 0, wbuf, DATA_LEN),
			(ssize_t)DATA_LEN);
	memset(rbuf, 0xee, sizeof(rbuf));
	/* ask for more than there is: a short read */
	CU_ASSERT_EQUAL(guest_read(&gfs, &gf, 0, rbuf, sizeof(rbuf)),
			(ssize_t)DATA_LEN);
	CU_ASSERT_EQUAL(memcmp(rbuf, wbuf, DATA_LEN), 0);
	CU_ASSERT_EQUAL(guest_read(&gfs, &gf, 100, rbuf, 50), 50);
	CU_ASSERT_EQUAL(memcmp(rbuf, wbuf + 100, 50), 0);
	CU_ASSERT_EQUAL(guest_read(&gfs, &gf, DATA_LEN, rbuf, 10), 0);
	CU_ASSERT_EQUAL(guest_read(&gfs, &gf, 0, rbuf, 0), 0);
	CU_ASSERT_EQUAL(guest_write(&gfs, &gf, 0, wbuf, 0), 0);
	CU_ASSERT_EQUAL(guest_read(&gfs, &gf, 0, NULL, 1), -EINVAL);
	CU_ASSERT_EQUAL(guest_write(&gfs, &gf, 0, NULL, 1), -EINVAL);
	CU_ASSERT_EQUAL(guest_read(&gfs, NULL, 0, rbuf, 1), -EINVAL);
	CU_ASSERT_EQUAL(guest_write(&gfs, NULL, 0, wbuf, 1), -EINVAL);
	CU_ASSERT_EQUAL(guest_flush(&gfs, &gf, 1), 0);
	CU_ASSERT_EQUAL(guest_flush(&gfs, NULL, 1), -EINVAL);
	CU_ASSERT_EQUAL(guest_release(&gfs, &gf), 0);
	guest_wait_releases(&gfs);
}

static unsigned int count_op(u32 opcode)
{
	unsigned int i, n = 0;

	for (i = 0;
	     i < ARRAY_SIZE(vtt.opcodes) && i < vtt.nr_sent + vtt.nr_forgets;
	     i++)
		n += vtt.opcodes[i] == opcode;
	return n;
}

static void test_read_write(void)
{
	struct memfs_stats st;

	vfs_setup();
	CU_ASSERT_TRUE(run_prog(p_rw));
	/* the default 32 pages take each in one request */
	CU_ASSERT_EQUAL(count_op(FUSE_WRITE), 1);
	CU_ASSERT_EQUAL(count_op(FUSE_READ), 3);
	CU_ASSERT_EQUAL(count_op(FUSE_RELEASE), 1);
	memfs_get_stats(fuse_server_fs(vtt.srv), &st);
	CU_ASSERT_EQUAL(st.handles, 0);
	CU_ASSERT_EQUAL(st.file_bytes, DATA_LEN);
	CU_ASSERT_EQUAL(bugs(), 0);
	teardown();
}

/* One page per request: the same I/O in chunks. */
static void test_read_write_chunked(void)
{
	vfs_setup();
	vtt.fc.max_pages = 1;
	CU_ASSERT_TRUE(run_prog(p_rw));
	CU_ASSERT_EQUAL(count_op(FUSE_WRITE), 4);
	/* 4 full chunks + the short one; 50 bytes; EOF */
	CU_ASSERT_EQUAL(count_op(FUSE_READ), 6);
	CU_ASSERT_EQUAL(bugs(), 0);
	teardown();
}

static void p_open_flags(void)
{
	struct guest_file f;

	CU_ASSERT_EQUAL(guest_create(&gfs, FUSE_ROOT_ID, "g", S_IFREG | 0600,
				     O_RDWR, NULL, &f),
			0);
	CU_ASSERT_EQUAL(guest_create(&gfs, FUSE_ROOT_ID, "g", S_IFREG | 0600,
				     O_RDWR | O_EXCL, NULL, &f),
			-EEXIST);
	CU_ASSERT_EQUAL(guest_create(&gfs, FUSE_ROOT_ID, "", 0600, O_RDWR, NULL,
				     &f),
			-EINVAL);
	CU_ASSERT_EQUAL(guest_create(&gfs, FUSE_ROOT_ID, "h", 0600, O_RDWR,
				     NULL, NULL),
			-EINVAL);
	CU_ASSERT_EQUAL(guest_release(&gfs, &f), 0);
	CU_ASSERT_EQUAL(
		guest_open(&gfs, f.nodeid,
			   O_RDWR | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC, &f),
		0);
	/* ATOMIC_O_TRUNC was granted: O_TRUNC goes to the server */
	CU_ASSERT_EQUAL(f.flags, O_RDWR | O_TRUNC);
	CU_ASSERT_FALSE(f.isdir);
	CU_ASSERT_EQUAL(guest_release(&gfs, &f), 0);
	gfs.fm->fc->atomic_o_trunc = 0;
	CU_ASSERT_EQUAL(guest_open(&gfs, f.nodeid, O_RDWR | O_TRUNC, &f), 0);
	CU_ASSERT_EQUAL(f.flags, O_RDWR);
	CU_ASSERT_EQUAL(guest_releasedir(&gfs, &f), -EINVAL);
	CU_ASSERT_EQUAL(guest_release(&gfs, &f), 0);
	CU_ASSERT_EQUAL(guest_open(&gfs, 4242, O_RDONLY, &f), -ESTALE);
	CU_ASSERT_EQUAL(guest_open(&gfs, FUSE_ROOT_ID, O_RDONLY, NULL),
			-EINVAL);
	CU_ASSERT_EQUAL(guest_release(&gfs, NULL), -EINVAL);
	guest_wait_releases(&gfs);
}

static void test_open_flags(void)
{
	struct memfs_stats st;

	vfs_setup();
	CU_ASSERT_TRUE(run_prog(p_open_flags));
	memfs_get_stats(fuse_server_fs(vtt.srv), &st);
	CU_ASSERT_EQUAL(st.handles, 0);
	CU_ASSERT_EQUAL(gfs.nr_releasing, 0);
	CU_ASSERT_EQUAL(bugs(), 0);
	teardown();
}

static void p_flush_enosys(void)
{
	struct guest_file f;

	CU_ASSERT_EQUAL(guest_create(&gfs, FUSE_ROOT_ID, "fl", S_IFREG | 0600,
				     O_RDWR, NULL, &f),
			0);
	CU_ASSERT_EQUAL(guest_flush(&gfs, &f, 1), 0);
	CU_ASSERT_TRUE(gfs.fm->fc->no_flush);
	CU_ASSERT_EQUAL(guest_flush(&gfs, &f, 1), 0);
	CU_ASSERT_EQUAL(guest_release(&gfs, &f), 0);
	guest_wait_releases(&gfs);
}

static void test_flush_enosys(void)
{
	vfs_setup();
	vtt.fail_opcode = FUSE_FLUSH;
	vtt.fail_error = -ENOSYS;
	CU_ASSERT_TRUE(run_prog(p_flush_enosys));
	CU_ASSERT_EQUAL(count_op(FUSE_FLUSH), 1);
	teardown();
}

static u32 claim;

static void mangle_write(struct fuse_test_transport *t, u32 opcode, void *reply,
			 size_t *len)
{
	struct fuse_out_header *oh = reply;
	struct fuse_write_out *w = (void *)(oh + 1);

	(void)t;
	if (opcode == FUSE_WRITE && !oh->error &&
	    *len >= sizeof(*oh) + sizeof(*w))
		w->size = claim;
}

static void p_write_claims(void)
{
	struct guest_file f;

	CU_ASSERT_EQUAL(guest_create(&gfs, FUSE_ROOT_ID, "w", S_IFREG | 0600,
				     O_RDWR, NULL, &f),
			0);
	vtt.mangle = mangle_write;
	claim = 200;
	CU_ASSERT_EQUAL(guest_write(&gfs, &f, 0, wbuf, 100), -EIO);
	/* a short write stops the loop */
	gfs.fm->fc->max_pages = 1;
	claim = 10;
	CU_ASSERT_EQUAL(guest_write(&gfs, &f, 0, wbuf, 2 * PAGE_SIZE), 10);
	/* an error after a first chunk returns what was done */
	claim = PAGE_SIZE;
	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:site=fuse_pages_alloc,nth=4"),
			0);
	CU_ASSERT_EQUAL(guest_write(&gfs, &f, 0, wbuf, 2 * PAGE_SIZE),
			(ssize_t)PAGE_SIZE);
	fault_reset();
	vtt.mangle = NULL;
	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:site=fuse_pages_alloc,nth=4"),
			0);
	CU_ASSERT_EQUAL(guest_read(&gfs, &f, 0, rbuf, 2 * PAGE_SIZE),
			(ssize_t)PAGE_SIZE);
	fault_reset();
	/* every allocation of the page set can fail */
	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:site=fuse_pages_alloc,nth=1"),
			0);
	CU_ASSERT_EQUAL(guest_read(&gfs, &f, 0, rbuf, 10), -ENOMEM);
	fault_reset();
	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:site=fuse_pages_alloc,nth=2"),
			0);
	CU_ASSERT_EQUAL(guest_write(&gfs, &f, 0, wbuf, 10), -ENOMEM);
	fault_reset();
	gfs.fm->fc->max_pages = 4;
	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:site=fuse_pages_alloc,nth=4"),
			0);
	CU_ASSERT_EQUAL(guest_read(&gfs, &f, 0, rbuf, 3 * PAGE_SIZE), -ENOMEM);
	fault_reset();
	CU_ASSERT_EQUAL(guest_release(&gfs, &f), 0);
	guest_wait_releases(&gfs);
}

static void test_write_errors(void)
{
	vfs_setup();
	CU_ASSERT_TRUE(run_prog(p_write_claims));
	CU_ASSERT_EQUAL(bugs(), 0);
	teardown();
}

struct dir_seen {
	int n;
	int stop_after;
	bool dot, dotdot, x, y;
};

static int fill(void *ctx, const struct guest_dirent *de)
{
	struct dir_seen *s = ctx;

	s->n++;
	CU_ASSERT_EQUAL(strlen(de->name), de->namelen);
	if (!strcmp(de->name, "."))
		s->dot = true;
	else if (!strcmp(de->name, ".."))
		s->dotdot = true;
	else if (!strcmp(de->name, "x"))
		s->x = true;
	else if (!strcmp(de->name, "y"))
		s->y = true;
	return s->stop_after && s->n >= s->stop_after;
}

static void p_readdir(void)
{
	struct fuse_entry_out e;
	struct guest_file d, f;
	struct dir_seen s;
	char name[64];
	unsigned int sent;
	int i;

	CU_ASSERT_EQUAL(guest_mkdir(&gfs, FUSE_ROOT_ID, "dir", 0755, &e), 0);
	CU_ASSERT_EQUAL(guest_mkdir(&gfs, e.nodeid, "x", 0755, NULL), 0);
	CU_ASSERT_EQUAL(guest_mkdir(&gfs, e.nodeid, "y", 0755, NULL), 0);
	CU_ASSERT_EQUAL(guest_opendir(&gfs, e.nodeid, &d), 0);
	CU_ASSERT_TRUE(d.isdir);
	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL(guest_readdir(&gfs, &d, 0, fill, &s), 4);
	CU_ASSERT_TRUE(s.dot && s.dotdot && s.x && s.y);
	memset(&s, 0, sizeof(s));
	s.stop_after = 1;
	CU_ASSERT_EQUAL(guest_readdir(&gfs, &d, 0, fill, &s), 1);
	CU_ASSERT_EQUAL(guest_readdir(&gfs, &d, 0, NULL, &s), -EINVAL);
	CU_ASSERT_EQUAL(guest_readdir(&gfs, NULL, 0, fill, &s), -EINVAL);
	CU_ASSERT_EQUAL(guest_read(&gfs, &d, 0, rbuf, 1), -EINVAL);
	CU_ASSERT_EQUAL(guest_release(&gfs, &d), -EINVAL);
	/* enough long names to need several pages */
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "%040d", i);
		CU_ASSERT_EQUAL(guest_mkdir(&gfs, e.nodeid, name, 0755, NULL),
				0);
	}
	memset(&s, 0, sizeof(s));
	sent = vtt.nr_sent;
	CU_ASSERT_EQUAL(guest_readdir(&gfs, &d, 0, fill, &s), 104);
	/* 100 records of 64 bytes: two pages, then the empty reply */
	CU_ASSERT(vtt.nr_sent - sent >= 3);
	CU_ASSERT_EQUAL(
		fault_plan_parse("kmalloc:site=fuse_readdir_uncached,nth=1"),
		0);
	CU_ASSERT_EQUAL(guest_readdir(&gfs, &d, 0, fill, &s), -ENOMEM);
	fault_reset();
	CU_ASSERT_EQUAL(guest_releasedir(&gfs, &d), 0);
	guest_wait_releases(&gfs);
	CU_ASSERT_EQUAL(guest_readdir(&gfs, &d, 0, fill, &s), -EBADF);
	CU_ASSERT_EQUAL(guest_create(&gfs, FUSE_ROOT_ID, "file", 0600, O_RDWR,
				     NULL, &f),
			0);
	CU_ASSERT_EQUAL(guest_readdir(&gfs, &f, 0, fill, &s), -EINVAL);
	CU_ASSERT_EQUAL(guest_releasedir(&gfs, &f), -EINVAL);
	CU_ASSERT_EQUAL(guest_release(&gfs, &f), 0);
	guest_wait_releases(&gfs);
}

static void test_readdir(void)
{
	vfs_setup();
	CU_ASSERT_TRUE(run_prog(p_readdir));
	CU_ASSERT_EQUAL(bugs(), 0);
	teardown();
}

static int dirent_edit; /* 1: empty name, 2: '/', 3: record past end */

static void mangle_dirent(struct fuse_test_transport *t, u32 opcode,
			  void *reply, size_t *len)
{
	struct fuse_out_header *oh = reply;
	struct fuse_dirent *d = (void *)(oh + 1);

	(void)t;
	if (opcode != FUSE_READDIR || oh->error || *len <= sizeof(*oh))
		return;
	if (dirent_edit == 1)
		d->namelen = 0;
	else if (dirent_edit == 2)
		d->name[0] = '/';
	else
		*len = sizeof(*oh) + FUSE_NAME_OFFSET + 1;
	oh->len = (u32)*len;
}

static void p_bad_dirents(void)
{
	struct guest_file d;
	struct dir_seen s;

	CU_ASSERT_EQUAL(guest_opendir(&gfs, FUSE_ROOT_ID, &d), 0);
	for (dirent_edit = 1; dirent_edit <= 3; dirent_edit++)
		CU_ASSERT_EQUAL(guest_readdir(&gfs, &d, 0, fill, &s), -EIO);
	vtt.mangle = NULL;
	CU_ASSERT_EQUAL(guest_releasedir(&gfs, &d), 0);
	guest_wait_releases(&gfs);
}

static void test_bad_dirents(void)
{
	vfs_setup();
	vtt.mangle = mangle_dirent;
	CU_ASSERT_TRUE(run_prog(p_bad_dirents));
	CU_ASSERT_EQUAL(bugs(), 0);
	teardown();
}

static struct guest_file lf;
static int setlkw_ret = 1;

static void p_lock_setup(void)
{
	struct fuse_file_lock wr = { .start = 0, .end = 99, .type = F_WRLCK };
	struct fuse_file_lock q = { .start = 50, .end = 60, .type = F_RDLCK };

	CU_ASSERT_EQUAL(guest_create(&gfs, FUSE_ROOT_ID, "lk", S_IFREG | 0600,
				     O_RDWR, NULL, &lf),
			0);
	CU_ASSERT_EQUAL(guest_setlk(&gfs, &lf, 1, &wr), 0);
	CU_ASSERT_EQUAL(guest_getlk(&gfs, &lf, 2, &q), 0);
	CU_ASSERT_EQUAL(q.type, F_WRLCK);
	CU_ASSERT_EQUAL(q.start, 0);
	CU_ASSERT_EQUAL(q.end, 99);
	q.type = F_RDLCK;
	q.start = 200;
	q.end = 300;
	CU_ASSERT_EQUAL(guest_getlk(&gfs, &lf, 2, &q), 0);
	CU_ASSERT_EQUAL(q.type, F_UNLCK);
	q.type = F_RDLCK;
	q.start = 0;
	q.end = 10;
	CU_ASSERT_EQUAL(guest_setlk(&gfs, &lf, 2, &q), -EAGAIN);
	q.type = 77;
	CU_ASSERT_EQUAL(guest_setlk(&gfs, &lf, 2, &q), -EINVAL);
	q.type = F_RDLCK;
	q.start = 11;
	CU_ASSERT_EQUAL(guest_setlk(&gfs, &lf, 2, &q), -EINVAL);
	CU_ASSERT_EQUAL(guest_setlk(&gfs, &lf, 2, NULL), -EINVAL);
	CU_ASSERT_EQUAL(guest_setlkw(&gfs, &lf, 2, NULL), -EINVAL);
	CU_ASSERT_EQUAL(guest_getlk(&gfs, &lf, 2, NULL), -EINVAL);
	CU_ASSERT_EQUAL(guest_getlk(&gfs, NULL, 2, &q), -EINVAL);
}

static int setlkw_fn(void *arg)
{
	struct fuse_file_lock l = { .start = 0, .end = 10, .type = F_WRLCK };

	(void)arg;
	setlkw_ret = guest_setlkw(&gfs, &lf, 2, &l);
	return 0;
}

static void p_unlock(void)
{
	struct fuse_file_lock un = { .start = 0, .end = 99, .type = F_UNLCK };

	CU_ASSERT_EQUAL(guest_setlk(&gfs, &lf, 1, &un), 0);
}

static void p_lock_cleanup(void)
{
	CU_ASSERT_EQUAL(guest_flush(&gfs, &lf, 2), 0);
	CU_ASSERT_EQUAL(guest_release(&gfs, &lf), 0);
	guest_wait_releases(&gfs);
}

/* A server that lets SETLKW wait (the device's park-setlkw). */
static const struct fuse_server_config park_cfg = { .blocking_setlkw = true };

static void test_setlkw_blocks(void)
{
	vfs_mount(false, &park_cfg);
	CU_ASSERT_TRUE(run_prog(p_lock_setup));
	setlkw_ret = 1;
	task_spawn(setlkw_fn, NULL, "setlkw", TASK_SYSCALL, 1);
	run_idle();
	/* the device holds the SETLKW: the task sleeps */
	CU_ASSERT_EQUAL(setlkw_ret, 1);
	CU_ASSERT_EQUAL(ftt_queued(&vtt), 1);
	CU_ASSERT_TRUE(run_prog(p_unlock));
	CU_ASSERT_EQUAL(setlkw_ret, 0);
	CU_ASSERT_EQUAL(ftt_queued(&vtt), 0);
	CU_ASSERT_TRUE(run_prog(p_lock_cleanup));
	CU_ASSERT_EQUAL(bugs(), 0);
	teardown();
}

/* virtiofsd refuses a blocking lock: the guest's SETLKW fails
 * EOPNOTSUPP at once, the lock it asked for is not taken. */
static void test_setlkw_refused(void)
{
	vfs_setup();
	CU_ASSERT_TRUE(run_prog(p_lock_setup));
	setlkw_ret = 1;
	task_spawn(setlkw_fn, NULL, "setlkw", TASK_SYSCALL, 1);
	run_idle();
	CU_ASSERT_EQUAL(setlkw_ret, -EOPNOTSUPP);
	CU_ASSERT_EQUAL(ftt_queued(&vtt), 0);
	CU_ASSERT_TRUE(run_prog(p_unlock));
	CU_ASSERT_TRUE(run_prog(p_lock_cleanup));
	CU_ASSERT_EQUAL(bugs(), 0);
	teardown();
}

/* A SETLKW still blocked when the connection aborts ends ECONNABORTED. */
static void test_setlkw_abort(void)
{
	vfs_mount(false, &park_cfg);
	CU_ASSERT_TRUE(run_prog(p_lock_setup));
	setlkw_ret = 1;
	task_spawn(setlkw_fn, NULL, "setlkw", TASK_SYSCALL, 1);
	run_idle();
	CU_ASSERT_EQUAL(setlkw_ret, 1);
	fuse_abort_conn(&vtt.fc);
	run_idle();
	CU_ASSERT_EQUAL(setlkw_ret, -ECONNABORTED);
	teardown();
}

static void p_dax(void)
{
	struct guest_file f;

	CU_ASSERT_EQUAL(guest_create(&gfs, FUSE_ROOT_ID, "dx", S_IFREG | 0600,
				     O_RDWR, NULL, &f),
			0);
	CU_ASSERT_EQUAL(guest_write(&gfs, &f, 0, wbuf, 2 * PAGE_SIZE),
			(ssize_t)(2 * PAGE_SIZE));
	CU_ASSERT_EQUAL(guest_dax_map(&gfs, &f, 0, 2 * PAGE_SIZE, 0,
				      FUSE_SETUPMAPPING_FLAG_READ |
					      FUSE_SETUPMAPPING_FLAG_WRITE),
			0);
	CU_ASSERT_EQUAL(guest_dax_map(&gfs, &f, 0, PAGE_SIZE, 0, 1u << 5),
			-EINVAL);
	CU_ASSERT_EQUAL(guest_dax_map(&gfs, NULL, 0, PAGE_SIZE, 0, 0), -EINVAL);
	CU_ASSERT_EQUAL(guest_dax_unmap(&gfs, f.nodeid, 0, 2 * PAGE_SIZE), 0);
	CU_ASSERT_EQUAL(guest_release(&gfs, &f), 0);
	guest_wait_releases(&gfs);
}

static void test_dax(void)
{
	static const struct fuse_server_config cfg = {
		.dax_window_size = 1 << 20,
	};

	vfs_mount(false, &cfg);
	CU_ASSERT_TRUE(run_prog(p_dax));
	CU_ASSERT_EQUAL(count_op(FUSE_SETUPMAPPING), 2);
	CU_ASSERT_EQUAL(count_op(FUSE_REMOVEMAPPING), 1);
	CU_ASSERT_EQUAL(bugs(), 0);
	teardown();
}

static void p_dax_none(void)
{
	struct guest_file f;

	CU_ASSERT_EQUAL(guest_create(&gfs, FUSE_ROOT_ID, "dn", S_IFREG | 0600,
				     O_RDWR, NULL, &f),
			0);
	CU_ASSERT_EQUAL(guest_dax_map(&gfs, &f, 0, PAGE_SIZE, 0,
				      FUSE_SETUPMAPPING_FLAG_READ),
			-ENOSYS);
	CU_ASSERT_EQUAL(guest_dax_unmap(&gfs, f.nodeid, 0, PAGE_SIZE), -ENOSYS);
	CU_ASSERT_EQUAL(guest_release(&gfs, &f), 0);
	guest_wait_releases(&gfs);
}

static void test_dax_no_window(void)
{
	vfs_setup();
	CU_ASSERT_TRUE(run_prog(p_dax_none));
	teardown();
}

VT_SUITE(guest_vfs_file, NULL, NULL, VT_CASE(test_read_write),
	 VT_CASE(test_read_write_chunked), VT_CASE(test_open_flags),
	 VT_CASE(test_flush_enosys), VT_CASE(test_write_errors),
	 VT_CASE(test_readdir), VT_CASE(test_bad_dirents),
	 VT_CASE(test_setlkw_blocks), VT_CASE(test_setlkw_refused),
	 VT_CASE(test_setlkw_abort), VT_CASE(test_dax),
	 VT_CASE(test_dax_no_window));
