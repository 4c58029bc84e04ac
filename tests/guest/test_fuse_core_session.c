// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fuse_core_session.c - the FUSE core's session edges in both fiq op
 * styles: DESTROY, INIT failures and reply variants, fill_super errors,
 * mount removal, connection release, allocation failures and the
 * conversion of fuse_args to the wire.
 */
#include <errno.h>
#include <string.h>

#include "tests/guest/fuse_core_test_util.h"
#include "tests/harness.h"

static struct fuse_test_transport tt;

static void setup(void)
{
	ftt_machine_setup();
}

static void teardown(void)
{
	CU_ASSERT_EQUAL(ftt_machine_teardown(), 0);
	check_clear();
}

static void mount_and_init(bool v5)
{
	CU_ASSERT_EQUAL_FATAL(ftt_mount(&tt, v5, NULL), 0);
	run_idle();
	CU_ASSERT_TRUE_FATAL(tt.fc.conn_init);
}

static int destroy_fn(void *arg)
{
	fuse_conn_destroy(arg);
	return 0;
}

static void destroy(bool v5)
{
	mount_and_init(v5);
	task_spawn(destroy_fn, &tt.fm, "umount", TASK_SYSCALL, 0);
	run_idle();
	CU_ASSERT_EQUAL(tt.opcodes[tt.nr_sent - 1], FUSE_DESTROY);
	CU_ASSERT_FALSE(fuse_server_initialized(tt.srv));
	CU_ASSERT_FALSE(tt.fc.connected);
	CU_ASSERT_EQUAL(atomic_read(&tt.fc.num_waiting), 0);
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

static void test_destroy_mainline(void)
{
	destroy(false);
}

static void test_destroy_v5(void)
{
	destroy(true);
}

/* No DESTROY without fc->destroy or without a session. */
static void test_destroy_skipped(void)
{
	mount_and_init(false);
	tt.fc.destroy = 0;
	task_spawn(destroy_fn, &tt.fm, "umount", TASK_SYSCALL, 0);
	run_idle();
	CU_ASSERT_EQUAL(tt.nr_sent, 1);
	ftt_exit(&tt);

	CU_ASSERT_EQUAL_FATAL(ftt_mount(&tt, false, NULL), 0);
	tt.fail_opcode = FUSE_INIT;
	tt.fail_error = -EPROTO;
	run_idle();
	task_spawn(destroy_fn, &tt.fm, "umount", TASK_SYSCALL, 0);
	run_idle();
	CU_ASSERT_EQUAL(tt.nr_sent, 1);
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

static void init_error(bool v5)
{
	struct req_task s;

	CU_ASSERT_EQUAL_FATAL(ftt_mount(&tt, v5, NULL), 0);
	tt.fail_opcode = FUSE_INIT;
	tt.fail_error = -EPROTO;
	rt_start(&s, &tt.fm, false, false);
	run_idle();
	CU_ASSERT_TRUE(tt.fc.initialized);
	CU_ASSERT_TRUE(tt.fc.conn_error);
	CU_ASSERT_FALSE(tt.fc.conn_init);
	CU_ASSERT_EQUAL(s.ret, -ECONNREFUSED);
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

static void test_init_error_mainline(void)
{
	init_error(false);
}

static void test_init_error_v5(void)
{
	init_error(true);
}

static struct fuse_init_out init_edit;
static u32 init_edit_mask; /* which fields of init_edit to apply */

enum {
	E_MAJOR = 1,
	E_MINOR = 2,
	E_MAXPAGES = 4,
	E_FLAGS = 8,
	E_ALIGN = 16,
	E_MAXWRITE = 32
};

static void mangle_init(struct fuse_test_transport *t, u32 opcode, void *reply,
			size_t *len)
{
	struct fuse_init_out *o =
		(void *)((char *)reply + sizeof(struct fuse_out_header));

	(void)t;
	(void)len;
	if (opcode != FUSE_INIT)
		return;
	if (init_edit_mask & E_MAJOR)
		o->major = init_edit.major;
	if (init_edit_mask & E_MINOR)
		o->minor = init_edit.minor;
	if (init_edit_mask & E_MAXPAGES)
		o->max_pages = init_edit.max_pages;
	if (init_edit_mask & E_FLAGS) {
		o->flags = init_edit.flags;
		o->flags2 = init_edit.flags2;
	}
	if (init_edit_mask & E_ALIGN)
		o->map_alignment = init_edit.map_alignment;
	if (init_edit_mask & E_MAXWRITE)
		o->max_write = init_edit.max_write;
}

static void init_with(u32 mask, const struct fuse_init_out *edit, bool dax)
{
	static const struct fuse_server_config cfg = {
		.dax_window_size = 1 << 22,
	};

	init_edit = *edit;
	init_edit_mask = mask;
	CU_ASSERT_EQUAL_FATAL(ftt_init(&tt, false, &cfg), 0);
	tt.fc.dax = dax;
	tt.mangle = mangle_init;
	fuse_send_init(&tt.fm);
	run_idle();
	CU_ASSERT_TRUE(tt.fc.initialized);
}

static void test_init_reply_variants(void)
{
	struct fuse_init_out e = { 0 };

	e.major = 8;
	init_with(E_MAJOR, &e, false);
	CU_ASSERT_TRUE(tt.fc.conn_error);
	ftt_exit(&tt);

	/* minor 4: no flags, no limits, 4 KiB writes, no locks */
	e.minor = 4;
	init_with(E_MINOR, &e, false);
	CU_ASSERT_TRUE(tt.fc.conn_init);
	CU_ASSERT_TRUE(tt.fc.no_lock);
	CU_ASSERT_EQUAL(tt.fc.max_write, 4096);
	CU_ASSERT_EQUAL(tt.fc.init_flags, 0);
	ftt_exit(&tt);

	/* minor 12: flags, but not the background limits */
	e.minor = 12;
	init_with(E_MINOR, &e, false);
	CU_ASSERT_NOT_EQUAL(tt.fc.init_flags, 0);
	CU_ASSERT_EQUAL(tt.fc.max_background, FUSE_DEFAULT_MAX_BACKGROUND);
	ftt_exit(&tt);

	/* max_write below a page is raised to one */
	e.max_write = 1000;
	init_with(E_MAXWRITE, &e, false);
	CU_ASSERT_EQUAL(tt.fc.max_write, 4096);
	ftt_exit(&tt);

	/* max_pages 0 means 1 */
	e.max_pages = 0;
	init_with(E_MAXPAGES, &e, false);
	CU_ASSERT_EQUAL(tt.fc.max_pages, 1);
	ftt_exit(&tt);

	/* no MAX_PAGES, no POSIX_LOCKS, no O_TRUNC; flags2 with INIT_EXT */
	e.flags = FUSE_INIT_EXT;
	e.flags2 = 1; /* FUSE_SECURITY_CTX */
	init_with(E_FLAGS, &e, false);
	CU_ASSERT_EQUAL(tt.fc.init_flags, FUSE_INIT_EXT | FUSE_SECURITY_CTX);
	CU_ASSERT_EQUAL(tt.fc.max_pages, FUSE_DEFAULT_MAX_PAGES_PER_REQ);
	CU_ASSERT_TRUE(tt.fc.no_lock);
	CU_ASSERT_FALSE(tt.fc.atomic_o_trunc);
	ftt_exit(&tt);

	/* DAX in use: an alignment above FUSE_DAX_SHIFT fails INIT */
	e.map_alignment = FUSE_DAX_SHIFT + 1;
	init_with(E_ALIGN, &e, true);
	CU_ASSERT_TRUE(tt.fc.conn_error);
	CU_ASSERT(trace_find("fuse_dax_check_alignment", 0) >= 0);
	ftt_exit(&tt);

	/* ... and is not asked for without DAX: fuse_send_init() offers
	 * MAP_ALIGNMENT only with a window, so the server grants none and
	 * the value is ignored */
	init_with(E_ALIGN, &e, false);
	CU_ASSERT_TRUE(tt.fc.conn_init);
	CU_ASSERT_FALSE(tt.fc.init_flags & FUSE_MAP_ALIGNMENT);
	CU_ASSERT_EQUAL(tt.fc.map_alignment, 0);
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

/* INIT that cannot even be queued ends as ENOTCONN: conn_error. */
static void test_init_not_queued(void)
{
	CU_ASSERT_EQUAL_FATAL(ftt_init(&tt, false, NULL), 0);
	fuse_abort_conn(&tt.fc);
	fuse_send_init(&tt.fm);
	CU_ASSERT_TRUE(tt.fc.conn_error);
	CU_ASSERT_TRUE(tt.fc.initialized);
	run_idle();
	ftt_exit(&tt);
}

static void test_fill_super_errors(void)
{
	struct fuse_fs_context ctx = { .max_read = 100 };
	struct fuse_dev *fud = NULL, *taken;
	struct super_block sb = { 0 };

	CU_ASSERT_EQUAL(fuse_fill_super_common(&sb, &ctx), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(ftt_init(&tt, false, NULL), 0);
	/* no fudptr: no channel, options still taken */
	CU_ASSERT_EQUAL(fuse_fill_super_common(&tt.sb, &ctx), 0);
	CU_ASSERT_EQUAL(tt.fc.max_read, 4096);
	CU_ASSERT_FALSE(tt.fc.destroy);
	/* *fudptr already set */
	taken = tt.fud;
	ctx.fudptr = (void **)&taken;
	CU_ASSERT_EQUAL(fuse_fill_super_common(&tt.sb, &ctx), -EINVAL);
	CU_ASSERT_PTR_EQUAL(taken, tt.fud);
	/* allocation failures */
	ctx.fudptr = (void **)&fud;
	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:site=fuse_dev_alloc,nth=1"),
			0);
	CU_ASSERT_EQUAL(fuse_fill_super_common(&tt.sb, &ctx), -ENOMEM);
	fault_reset();
	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:site=fuse_dev_alloc,nth=2"),
			0);
	CU_ASSERT_EQUAL(fuse_fill_super_common(&tt.sb, &ctx), -ENOMEM);
	fault_reset();
	CU_ASSERT_PTR_NULL(fud);
	CU_ASSERT_EQUAL(fuse_fill_super_common(&tt.sb, &ctx), 0);
	CU_ASSERT_PTR_NOT_NULL(fud);
	CU_ASSERT_EQUAL(refcount_read(&tt.fc.count), 3);
	fuse_dev_free(fud);
	fuse_dev_free(NULL);
	/* a channel never installed */
	fud = fuse_dev_alloc();
	CU_ASSERT_PTR_NOT_NULL_FATAL(fud);
	fuse_dev_free(fud);
	CU_ASSERT_PTR_EQUAL(fuse_conn_get(&tt.fc), &tt.fc);
	fuse_conn_put(&tt.fc);
	CU_ASSERT_EQUAL(tt.nr_released, 0);
	ftt_exit(&tt);
	CU_ASSERT_EQUAL(tt.nr_released, 1);
}

static void test_mount_remove(void)
{
	struct fuse_mount second = { 0 };

	CU_ASSERT_EQUAL_FATAL(ftt_init(&tt, false, NULL), 0);
	second.fc = &tt.fc;
	list_add_tail(&second.fc_entry, &tt.fc.mounts);
	CU_ASSERT_FALSE(fuse_mount_remove(&second));
	CU_ASSERT_TRUE(fuse_mount_remove(&tt.fm));
	CU_ASSERT_TRUE(list_empty(&tt.fc.mounts));
	ftt_exit(&tt);
}

static int nr_fc_release;

static void fc_release(struct fuse_conn *fc)
{
	(void)fc;
	nr_fc_release++;
}

static void test_conn_release(void)
{
	CU_ASSERT_EQUAL_FATAL(ftt_init(&tt, false, NULL), 0);
	tt.fc.release = fc_release;
	nr_fc_release = 0;
	ftt_exit(&tt);
	CU_ASSERT_EQUAL(nr_fc_release, 1);
}

static void test_alloc_failures(void)
{
	struct req_task s, b, f;

	mount_and_init(false);
	CU_ASSERT_EQUAL(
		fault_plan_parse("kmalloc:site=fuse_request_alloc,every"), 0);
	rt_start(&s, &tt.fm, false, false);
	rt_start(&b, &tt.fm, true, false);
	rt_start(&f, &tt.fm, true, true);
	run_idle();
	CU_ASSERT_EQUAL(s.ret, -ENOMEM);
	CU_ASSERT_EQUAL(b.ret, -ENOMEM);
	CU_ASSERT_EQUAL(f.ret, -ENOMEM);
	CU_ASSERT_EQUAL(atomic_read(&tt.fc.num_waiting), 0);
	fault_reset();
	CU_ASSERT_EQUAL(
		fault_plan_parse("kmalloc:site=fuse_alloc_forget,nth=1"), 0);
	CU_ASSERT_PTR_NULL(fuse_alloc_forget());
	fault_reset();
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

static void test_args_to_proto(void)
{
	char a[8], b[16], c[24], d[4];
	struct fuse_args args = {
		.nodeid = 7,
		.opcode = FUSE_WRITE,
		.in_numargs = 2,
		.out_numargs = 2,
		.in_pages = true,
		.out_pages = true,
		.out_argvar = true,
		.noreply = false,
		.in_args = { { sizeof(a), a }, { sizeof(b), b } },
		.out_args = { { sizeof(c), c }, { sizeof(d), d } },
	};
	struct fuse_proto_args pa;

	fuse_args_to_proto(&args, &pa);
	CU_ASSERT_EQUAL(pa.opcode, FUSE_WRITE);
	CU_ASSERT_EQUAL(pa.nodeid, 7);
	CU_ASSERT_EQUAL(pa.in_numargs, 2);
	CU_ASSERT_EQUAL(pa.out_numargs, 2);
	CU_ASSERT_TRUE(pa.out_argvar);
	CU_ASSERT_PTR_EQUAL(pa.in_args[0].value, a);
	CU_ASSERT_PTR_NULL(pa.in_args[1].value); /* in pages */
	CU_ASSERT_EQUAL(pa.in_args[1].size, sizeof(b));
	CU_ASSERT_PTR_EQUAL(pa.out_args[0].value, c);
	CU_ASSERT_PTR_NULL(pa.out_args[1].value); /* out pages */
	CU_ASSERT_EQUAL(pa.out_args[1].size, sizeof(d));
	CU_ASSERT_EQUAL(fuse_len_args(2, args.out_args), 28);
	CU_ASSERT_EQUAL(fuse_len_args(0, args.out_args), 0);
	args.in_pages = args.out_pages = false;
	args.noreply = true;
	fuse_args_to_proto(&args, &pa);
	CU_ASSERT_PTR_EQUAL(pa.in_args[1].value, b);
	CU_ASSERT_PTR_EQUAL(pa.out_args[1].value, d);
	CU_ASSERT_TRUE(pa.noreply);
}

VT_SUITE_EACH(guest_fuse_core_session, setup, teardown,
	      VT_CASE(test_destroy_mainline), VT_CASE(test_destroy_v5),
	      VT_CASE(test_destroy_skipped), VT_CASE(test_init_error_mainline),
	      VT_CASE(test_init_error_v5), VT_CASE(test_init_reply_variants),
	      VT_CASE(test_init_not_queued), VT_CASE(test_fill_super_errors),
	      VT_CASE(test_conn_release), VT_CASE(test_mount_remove),
	      VT_CASE(test_alloc_failures), VT_CASE(test_args_to_proto));
