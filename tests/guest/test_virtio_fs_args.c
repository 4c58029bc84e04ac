// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_virtio_fs_args.c - how a request's arguments travel on the
 * virtio-fs data path, against the scripted device: READ and WRITE data
 * in pages (scatter lists from kmalloc, arguments shorter than their
 * pages), a background request whose end may block, and FUSE_INTERRUPT,
 * which is never sent; both variants.
 */
#include "tests/guest/test_virtio_fs_util.h"

#define NPAGES 4

struct page_op {
	struct fuse_args_pages ap;
	struct page *pages[NPAGES];
	struct fuse_page_desc descs[NPAGES];
	struct fuse_read_in rin;
	struct fuse_write_in win;
	struct fuse_write_out wout;
	unsigned int npages;
	unsigned int size;
	bool write;
	ssize_t ret;
	u64 nodeid;
};

static int page_op_fn(void *arg)
{
	struct page_op *p = arg;
	struct fuse_args *a = &p->ap.args;

	memset(&p->ap, 0, sizeof(p->ap));
	p->ap.pages = p->pages;
	p->ap.descs = p->descs;
	p->ap.num_pages = p->npages;
	a->nodeid = p->nodeid;
	if (p->write) {
		a->opcode = FUSE_WRITE;
		p->win.size = p->size;
		a->in_numargs = 2;
		a->in_args[0].size = sizeof(p->win);
		a->in_args[0].value = &p->win;
		a->in_args[1].size = p->size;
		a->in_pages = true;
		a->out_numargs = 1;
		a->out_args[0].size = sizeof(p->wout);
		a->out_args[0].value = &p->wout;
	} else {
		a->opcode = FUSE_READ;
		p->rin.size = p->size;
		a->in_numargs = 1;
		a->in_args[0].size = sizeof(p->rin);
		a->in_args[0].value = &p->rin;
		a->out_numargs = 1;
		a->out_args[0].size = p->size;
		a->out_pages = true;
		a->out_argvar = true;
		a->page_zeroing = true;
	}
	p->ret = fuse_simple_request(vt_fm(), a);
	return 0;
}

static void page_op_init(struct page_op *p, bool write, unsigned int npages,
			 unsigned int size, u64 nodeid)
{
	memset(p, 0, sizeof(*p));
	p->write = write;
	p->npages = npages;
	p->size = size;
	p->nodeid = nodeid;
	for (unsigned int i = 0; i < npages; i++) {
		p->pages[i] = alloc_page(GFP_KERNEL);
		memset(page_address(p->pages[i]), 0xee, PAGE_SIZE);
		p->descs[i].length = PAGE_SIZE;
	}
}

static ssize_t page_op_run(struct page_op *p)
{
	p->ret = 1;
	task_join(task_spawn(page_op_fn, p, "rw", TASK_SYSCALL, 0), NULL);
	return p->ret;
}

static void page_op_free(struct page_op *p)
{
	for (unsigned int i = 0; i < p->npages; i++)
		__free_page(p->pages[i]);
}

/* A short READ into 4 pages (7 sgs: the sg arrays come from kmalloc):
 * the data lands in the pages, the rest of them is zeroed. */
static void run_read_pages(const char *variant)
{
	struct page_op p;
	u64 id;

	virtio_fs_set_variant(variant);
	vt_cfg.file_size = 5000;
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	id = (u64)vt_lookup("file");
	page_op_init(&p, false, NPAGES, NPAGES * PAGE_SIZE, id);
	CU_ASSERT_EQUAL(page_op_run(&p), 5000);
	CU_ASSERT_EQUAL(p.ap.args.out_args[0].size, 5000);
	for (unsigned int off = 0; off < NPAGES * PAGE_SIZE; off += 97) {
		u8 b = ((u8 *)page_address(
			p.pages[off / PAGE_SIZE]))[off % PAGE_SIZE];

		CU_ASSERT_EQUAL(b, off < 5000 ? sdev_pattern_byte(id, off) : 0);
	}
	CU_ASSERT_EQUAL(sdev_last(&vt_dev, FUSE_READ)->in_len,
			sizeof(struct fuse_out_header) + NPAGES * PAGE_SIZE);

	/* the sg arrays cannot be allocated */
	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:site=virtio_fs_enqueue_req,"
					 "nth=1"),
			0);
	CU_ASSERT_EQUAL(page_op_run(&p),
			strcmp(variant, "v5-2019") ? -ENOMEM : 5000);
	fault_reset();
	page_op_free(&p);
	vt_run();
	CU_ASSERT_EQUAL(check_count(), 0);
	vt_umount();
}

static void test_read_pages_mainline(void)
{
	run_read_pages("mainline");
}

static void test_read_pages_v5(void)
{
	run_read_pages("v5-2019");
}

/* Pages the argument does not reach: mainline counts only the pages it
 * uses (sg_count_fuse_folios); v5 counted them all and disagreed with
 * sg_init_fuse_pages() (a WARN). */
static void run_read_fewer_bytes_than_pages(const char *variant, int warns)
{
	struct page_op p;
	u64 id;

	virtio_fs_set_variant(variant);
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	id = (u64)vt_lookup("file");
	page_op_init(&p, false, NPAGES, 2 * PAGE_SIZE, id);
	CU_ASSERT_EQUAL(page_op_run(&p), 2 * PAGE_SIZE);
	CU_ASSERT_EQUAL(check_count_kind("warn"), warns);
	check_clear();
	page_op_free(&p);
	vt_umount();
}

static void test_read_short_args_mainline(void)
{
	run_read_fewer_bytes_than_pages("mainline", 0);
}

static void test_read_short_args_v5(void)
{
	run_read_fewer_bytes_than_pages("v5-2019", 1);
}

/* A WRITE whose data is in pages (in_pages). */
static void test_write_pages(void)
{
	struct page_op p;
	u64 id;

	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	id = (u64)vt_lookup("file");
	page_op_init(&p, true, 2, PAGE_SIZE + 100, id);
	CU_ASSERT_EQUAL(page_op_run(&p), 0);
	CU_ASSERT_EQUAL(p.wout.size, PAGE_SIZE + 100);
	CU_ASSERT_EQUAL(sdev_last(&vt_dev, FUSE_WRITE)->out_len,
			sizeof(struct fuse_in_header) +
				sizeof(struct fuse_write_in) + PAGE_SIZE + 100);
	page_op_free(&p);
	vt_umount();
}

static bool op_done(void *arg)
{
	return ((struct vop *)arg)->end_calls > 0;
}

/* A background request whose end may block completes in its own work
 * (virtio_fs_complete_req_work), not inline in done_work. */
static int bg_may_block_fn(void *arg)
{
	struct vop *op = arg;
	struct fuse_args *a = &op->args;

	memset(a, 0, sizeof(*a));
	a->opcode = FUSE_GETATTR;
	a->nodeid = FUSE_ROOT_ID;
	vop_getattr_args(op);
	a->may_block = true;
	a->end = vop_end;
	op->ret = fuse_simple_background(op->fm, a, GFP_KERNEL);
	return 0;
}

static void test_may_block(void)
{
	struct vop op;

	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	memset(&op, 0, sizeof(op));
	op.fm = vt_fm();
	task_spawn(bg_may_block_fn, &op, "bg", TASK_SYSCALL, 0);
	vt_run_until(op_done, &op);
	CU_ASSERT_EQUAL(op.ret, 0);
	CU_ASSERT_EQUAL(op.end_calls, 1);
	CU_ASSERT_EQUAL(op.end_error, 0);
	CU_ASSERT(vt_trace_count("virtio_fs_complete_req_work") >= 1);
	vt_run();
	vt_umount();
}

/* FUSE_INTERRUPT is never sent, in either style. */
static void test_interrupt_not_sent(void)
{
	struct fuse_req req;
	struct fuse_iqueue *fiq;

	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	fiq = &vt_fc()->iq;
	memset(&req, 0, sizeof(req));
	req.in.h.unique = 42;
	virtio_fs_fiq_ops.send_interrupt(fiq, &req);
	spin_lock(&fiq->lock);
	virtio_fs_fiq_ops_wake.wake_interrupt_and_unlock(fiq);
	CU_ASSERT(!spin_is_locked(&fiq->lock));
	CU_ASSERT_EQUAL(vt_trace_count("not sent"), 1);
	vt_run();
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_INTERRUPT), 0);
	vt_umount();
}

VT_SUITE_EACH(guest_virtio_fs_args, vt_setup, vt_teardown,
	      VT_CASE(test_read_pages_mainline), VT_CASE(test_read_pages_v5),
	      VT_CASE(test_read_short_args_mainline),
	      VT_CASE(test_read_short_args_v5), VT_CASE(test_write_pages),
	      VT_CASE(test_may_block), VT_CASE(test_interrupt_not_sent));
