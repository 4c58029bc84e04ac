// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_virtio_fs_fidelity.c - the places where the model follows one
 * kernel release's code line by line (issue #12): the CPU to queue map,
 * the ring-size check at mount, the processing list bucket, INIT's flags,
 * the sysfs view, send_forget_request()'s return value, what 6.1 does
 * differently from mainline, the reply check, and LOOKUP's attribute
 * check.
 */
#include "tests/guest/test_virtio_fs_util.h"

#include <limits.h>
#include <sys/stat.h>

#include "guest/vfsim_syscalls.h"

/* A fresh machine with @n CPUs (vt_setup() gives two). */
static void vt_setup_cpus(unsigned int n)
{
	struct sched_opts o = { .max_steps = VT_MAX_STEPS, .nr_cpus = n };

	sched_exit();
	CU_ASSERT_EQUAL_FATAL(sched_init(&o), 0);
}

/* group_cpus_evenly(): 6 CPUs on 4 queues are 2, 2, 1, 1, in order; the
 * sysfs cpu_list says the same. */
static void test_map_queues_group_cpus_evenly(void)
{
	static const unsigned int want[6] = { 1, 1, 2, 2, 3, 4 };
	char buf[4096];

	vt_setup_cpus(6);
	vt_cfg.num_request_queues = 4;
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL(vt_fs()->num_request_queues, 4);
	for (unsigned int cpu = 0; cpu < 6; cpu++)
		CU_ASSERT_EQUAL(vt_fs()->mq_map[cpu], want[cpu]);
	virtio_fs_sysfs_show(buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(buf, "/sys/fs/virtiofs/0/mqs/1/cpu_list: 0, 1\n"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(buf, "/sys/fs/virtiofs/0/mqs/3/cpu_list: 4\n"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(buf, "/sys/fs/virtiofs/0/mqs/0/cpu_list: 0, 1, 2, 3, "
			    "4, 5\n"));
}

/* 5 CPUs on 2 queues: 3, 2. */
static void test_map_queues_uneven(void)
{
	static const unsigned int want[5] = { 1, 1, 1, 2, 2 };

	vt_setup_cpus(5);
	vt_cfg.num_request_queues = 2;
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	for (unsigned int cpu = 0; cpu < 5; cpu++)
		CU_ASSERT_EQUAL(vt_fs()->mq_map[cpu], want[cpu]);
}

static struct cpumask affinity[4];
static bool affinity_partial;

/* A transport with interrupt affinity (as PCI MSI-X has): request queue
 * q serves the CPUs of affinity[q - 1]; with affinity_partial, the last
 * queue has none. */
static const struct cpumask *vt_get_vq_affinity(struct virtio_device *vdev,
						int index)
{
	struct sdev *d = container_of(vdev, struct sdev, vdev);

	if (index < VQ_REQUEST || index >= (int)d->be.num_queues)
		return NULL;
	if (affinity_partial && index == (int)d->be.num_queues - 1)
		return NULL;
	return &affinity[index - VQ_REQUEST];
}

static struct virtio_config_ops affinity_ops;

/* Probe with vt_get_vq_affinity() in the transport's config ops. */
static void probe_with_affinity(void)
{
	CU_ASSERT_EQUAL_FATAL(sdev_create(&vt_dev, &vt_cfg), 0);
	affinity_ops = *vt_dev.vdev.config;
	affinity_ops.get_vq_affinity = vt_get_vq_affinity;
	vt_dev.vdev.config = &affinity_ops;
	CU_ASSERT_EQUAL_FATAL(
		virtio_driver_probe(&vt_dev.vdev, &virtio_fs_driver), 0);
}

/* The transport's affinity wins: CPUs 0 and 3 on the second queue, 1 and
 * 2 on the first (not group_cpus_evenly()'s consecutive groups). */
static void test_map_queues_transport_affinity(void)
{
	vt_setup_cpus(4);
	memset(affinity, 0, sizeof(affinity));
	affinity_partial = false;
	cpumask_set_cpu(1, &affinity[0]);
	cpumask_set_cpu(2, &affinity[0]);
	cpumask_set_cpu(0, &affinity[1]);
	cpumask_set_cpu(3, &affinity[1]);
	vt_cfg.num_request_queues = 2;
	probe_with_affinity();
	CU_ASSERT_EQUAL(vt_fs()->mq_map[0], 2);
	CU_ASSERT_EQUAL(vt_fs()->mq_map[1], 1);
	CU_ASSERT_EQUAL(vt_fs()->mq_map[2], 1);
	CU_ASSERT_EQUAL(vt_fs()->mq_map[3], 2);
}

/* A queue without affinity: the whole map falls back to the groups. */
static void test_map_queues_affinity_fallback(void)
{
	vt_setup_cpus(4);
	memset(affinity, 0, sizeof(affinity));
	affinity_partial = true;
	cpumask_set_cpu(3, &affinity[0]);
	vt_cfg.num_request_queues = 2;
	probe_with_affinity();
	CU_ASSERT_EQUAL(vt_fs()->mq_map[0], 1);
	CU_ASSERT_EQUAL(vt_fs()->mq_map[1], 1);
	CU_ASSERT_EQUAL(vt_fs()->mq_map[2], 2);
	CU_ASSERT_EQUAL(vt_fs()->mq_map[3], 2);
}

/*
 * A request ring of 4 descriptors cannot hold a request's headers
 * (FUSE_HEADER_OVERHEAD): 6.1 and mainline WARN and fail the mount with
 * -EIO, leaving nothing behind; v5 had no such check and mounts.
 */
static void run_ring_too_small(const char *variant, int want)
{
	struct super_block *sb = NULL;

	CU_ASSERT_EQUAL(virtio_fs_set_variant(variant), 0);
	vt_cfg.queue_size = 4;
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL(vt_mount_tag("vfsim", &sb), want);
	CU_ASSERT_EQUAL(check_count_kind("warn"), want ? 1 : 0);
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_INIT), want ? 0 : 1);
	check_clear();
	if (!want) {
		vt_sb = sb;
		vt_umount();
	}
}

static void test_ring_too_small_mainline(void)
{
	run_ring_too_small("mainline", -EIO);
}

static void test_ring_too_small_6_1(void)
{
	run_ring_too_small("6.1", -EIO);
}

static void test_ring_too_small_v5(void)
{
	run_ring_too_small("v5-2019", 0);
}

static bool held_one(void *arg)
{
	(void)arg;
	return sdev_nr_held(&vt_dev) == 1;
}

/* True when @req is on processing list @head. */
static bool on_list(struct list_head *head, struct fuse_req *req)
{
	struct fuse_req *r;

	list_for_each_entry(r, head, list)
		if (r == req)
			return true;
	return false;
}

/* The request the device holds: the only one on any processing list. */
static struct fuse_req *held_request(struct fuse_pqueue *fpq,
				     unsigned int *bucket)
{
	for (unsigned int i = 0; i < FUSE_PQ_HASH_SIZE; i++) {
		if (!list_empty(&fpq->processing[i])) {
			*bucket = i;
			return list_first_entry(&fpq->processing[i],
						struct fuse_req, list);
		}
	}
	return NULL;
}

/* A sent request waits on the processing bucket of its unique
 * (fuse_req_hash()) in mainline, on bucket 0 in 6.1 and v5. */
static void run_processing_bucket(const char *variant, bool hashed)
{
	struct fuse_pqueue *fpq;
	struct fuse_req *req;
	unsigned int bucket = FUSE_PQ_HASH_SIZE;
	struct vop op;

	CU_ASSERT_EQUAL(virtio_fs_set_variant(variant), 0);
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	sdev_add_rule(&vt_dev, FUSE_GETATTR, SDEV_ANY_QUEUE, 1, SDEV_HOLD);
	vop_start(&op, FUSE_GETATTR, FUSE_ROOT_ID, false);
	vt_run_until(held_one, NULL);
	fpq = &vt_fs()->vqs[VQ_REQUEST].fud->pq;
	req = held_request(fpq, &bucket);
	CU_ASSERT_PTR_NOT_NULL_FATAL(req);
	CU_ASSERT_EQUAL(bucket, hashed ? fuse_req_hash(req->in.h.unique) : 0);
	CU_ASSERT(on_list(&fpq->processing[bucket], req));
	/* the unique is not a multiple of the table size: the hash moves
	 * it off bucket 0 */
	CU_ASSERT_NOT_EQUAL(fuse_req_hash(req->in.h.unique), 0);
	sdev_release_held(&vt_dev, 1);
	vt_run();
	CU_ASSERT_EQUAL(op.ret, 0);
	vt_umount();
}

static void test_processing_bucket_mainline(void)
{
	run_processing_bucket("mainline", true);
}

static void test_processing_bucket_6_1(void)
{
	run_processing_bucket("6.1", false);
}

/* INIT asks for MAP_ALIGNMENT only when the device has a DAX window. */
static void run_map_alignment(const char *variant, u64 window, bool want)
{
	CU_ASSERT_EQUAL(virtio_fs_set_variant(variant), 0);
	vt_cfg.dax_window = window;
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL(vt_fs()->window_len, window);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	CU_ASSERT(vt_fc()->conn_init);
	CU_ASSERT_EQUAL(!!(vt_fc()->init_flags & FUSE_MAP_ALIGNMENT), want);
	vt_umount();
}

static void test_map_alignment_without_dax(void)
{
	run_map_alignment("mainline", 0, false);
}

static void test_map_alignment_with_dax(void)
{
	run_map_alignment("mainline", 2 << 20, true);
}

static void test_map_alignment_6_1(void)
{
	run_map_alignment("6.1", 0, false);
	vt_teardown();
	vt_setup();
	run_map_alignment("6.1", 2 << 20, true);
}

/* Mainline's /sys/fs/virtiofs/N: shown at probe in the trace and by
 * virtio_fs_sysfs_show(), gone at removal; 6.1 has none. */
static void test_sysfs_mainline(void)
{
	char buf[4096];

	vt_cfg.index = 3;
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL(vt_trace_count("/sys/fs/virtiofs/3/tag: vfsim"), 1);
	CU_ASSERT_EQUAL(vt_trace_count("/sys/fs/virtiofs/3/device: -> virtio3"),
			1);
	virtio_fs_sysfs_show(buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf,
			       "/sys/fs/virtiofs/3/tag: vfsim\n"
			       "/sys/fs/virtiofs/3/device: -> virtio3\n"
			       "/sys/fs/virtiofs/3/mqs/0/name: hiprio\n"
			       "/sys/fs/virtiofs/3/mqs/0/cpu_list: 0, 1\n"
			       "/sys/fs/virtiofs/3/mqs/1/name: requests.0\n"
			       "/sys/fs/virtiofs/3/mqs/1/cpu_list: 0, 1\n");
	/* snprintf() style: the length it needs, whatever the room */
	CU_ASSERT_EQUAL(virtio_fs_sysfs_show(buf, 8),
			strlen("/sys/fs/virtiofs/3/tag: vfsim\n"
			       "/sys/fs/virtiofs/3/device: -> virtio3\n"
			       "/sys/fs/virtiofs/3/mqs/0/name: hiprio\n"
			       "/sys/fs/virtiofs/3/mqs/0/cpu_list: 0, 1\n"
			       "/sys/fs/virtiofs/3/mqs/1/name: requests.0\n"
			       "/sys/fs/virtiofs/3/mqs/1/cpu_list: 0, 1\n"));
	CU_ASSERT_EQUAL(strlen(buf), 7);
	sdev_unplug(&vt_dev);
	vt_run();
	CU_ASSERT_EQUAL(vt_trace_count("/sys/fs/virtiofs/3 removed"), 1);
	virtio_fs_sysfs_show(buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "/sys/fs/virtiofs: empty"));
}

static void test_sysfs_6_1(void)
{
	char buf[256];

	CU_ASSERT_EQUAL(virtio_fs_set_variant("6.1"), 0);
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL(vt_trace_count("virtio_fs.sysfs"), 0);
	virtio_fs_sysfs_show(buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "added in 6.9"));
}

static unsigned int nr_parked(struct virtio_fs_vq *fsvq)
{
	struct list_head *pos;
	unsigned int n = 0;

	list_for_each(pos, &fsvq->queued_reqs)
		n++;
	return n;
}

/*
 * send_forget_request() returns the error when the ring refuses a FORGET
 * for another reason than being full (here a broken queue: -EIO): the
 * dispatch work drops that one and stops, leaving the rest parked (and
 * counted). Returning 0 there would have dropped all twelve.
 */
static void run_forget_error_stops_dispatch(const char *variant)
{
	struct vt_forgets f = { .n = 20, .first = 100 };
	struct virtio_fs_vq *fsvq;

	CU_ASSERT_EQUAL(virtio_fs_set_variant(variant), 0);
	vt_cfg.queue_size = 8;
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	fsvq = &vt_fs()->vqs[VQ_HIPRIO];
	sdev_pause(&vt_dev);
	vt_forget_many(f.n, f.first);
	CU_ASSERT_EQUAL(nr_parked(fsvq), 12);
	CU_ASSERT_EQUAL(fsvq->in_flight, 20);
	virtqueue_set_broken(fsvq->vq, "test");
	schedule_work(&fsvq->dispatch_work.work);
	vt_run_for(5 * NSEC_PER_MSEC);
	CU_ASSERT_EQUAL(nr_parked(fsvq), 11);
	CU_ASSERT_EQUAL(fsvq->in_flight, 19);
	CU_ASSERT_EQUAL(vt_trace_count("virtio_fs.forget_drop"), 1);
	/* the broken queue never gives its eight back: removal hangs */
	check_clear();
	vt_expect_stuck = true;
}

static void test_forget_error_stops_dispatch_mainline(void)
{
	run_forget_error_stops_dispatch("mainline");
}

static void test_forget_error_stops_dispatch_6_1(void)
{
	run_forget_error_stops_dispatch("6.1");
}

/*
 * A full hiprio ring: 6.1 re-arms the dispatch work every millisecond
 * (schedule_delayed_work(..., msecs_to_jiffies(1))) and tries again;
 * mainline (since 6.11) waits for a completion to schedule it.
 */
static void run_hiprio_retry(const char *variant, bool polls)
{
	struct vt_forgets f = { .n = 12, .first = 100 };
	unsigned int runs;

	CU_ASSERT_EQUAL(virtio_fs_set_variant(variant), 0);
	vt_cfg.queue_size = 8;
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	sdev_pause(&vt_dev);
	vt_forget_many(f.n, f.first);
	vt_run_for(10 * NSEC_PER_MSEC);
	runs = vt_trace_count("virtio_fs_hiprio_dispatch_work");
	if (polls) {
		CU_ASSERT(runs >= 8);
	} else {
		CU_ASSERT_EQUAL(runs, 0);
	}
	CU_ASSERT_EQUAL(nr_parked(&vt_fs()->vqs[VQ_HIPRIO]), 4);
	sdev_resume(&vt_dev);
	vt_run();
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_FORGET), 12);
	CU_ASSERT_EQUAL(check_count(), 0);
	vt_umount();
}

static void test_hiprio_retry_6_1(void)
{
	run_hiprio_retry("6.1", true);
}

static void test_hiprio_retry_mainline(void)
{
	run_hiprio_retry("mainline", false);
}

/* 6.1 sends every request on the first request queue ("TODO
 * multiqueue"), whatever the CPU, and uses the wake_*_and_unlock ops. */
static void test_single_queue_6_1(void)
{
	struct vop op;

	CU_ASSERT_EQUAL(virtio_fs_set_variant("6.1"), 0);
	vt_cfg.num_request_queues = 2;
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL(vt_fs()->nvqs, 3);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	CU_ASSERT_PTR_EQUAL(vt_fc()->iq.ops, &virtio_fs_fiq_ops_wake);
	vop_start_cpu(&op, FUSE_GETATTR, FUSE_ROOT_ID, false, 1);
	vt_run();
	CU_ASSERT_EQUAL(op.ret, 0);
	CU_ASSERT_EQUAL(sdev_last(&vt_dev, FUSE_GETATTR)->queue, VQ_REQUEST);
	CU_ASSERT_EQUAL(vt_dev.kicks[VQ_REQUEST + 1], 0);
	CU_ASSERT_EQUAL(check_count(), 0);
	vt_umount();
}

/* 6.1 has no virtio_fs_verify_response(): a reply with another unique or
 * a length that disagrees is taken as it is. */
static void test_no_reply_check_6_1(void)
{
	struct vop op;

	CU_ASSERT_EQUAL(virtio_fs_set_variant("6.1"), 0);
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	sdev_add_rule(&vt_dev, FUSE_GETATTR, SDEV_ANY_QUEUE, 1,
		      SDEV_BAD_UNIQUE);
	CU_ASSERT_EQUAL(vop_run(&op, FUSE_GETATTR, FUSE_ROOT_ID), 0);
	CU_ASSERT_EQUAL(vt_trace_count("virtio_fs.bad_reply"), 0);
	CU_ASSERT_EQUAL(check_count(), 0);
	vt_umount();
}

/* A GETATTR reply whose header says 8 bytes of payload where
 * fuse_attr_out has 104. */
static enum sdev_custom_ret short_attr(struct sdev *d,
				       const struct sdev_req *rec,
				       const struct fuse_proto_req *req,
				       void *reply, u32 cap, u32 *used_len,
				       void *arg)
{
	struct fuse_out_header oh = { sizeof(oh) + 8, 0, rec->unique };

	(void)d;
	(void)req;
	(void)arg;
	if (cap < oh.len)
		return SDEV_CUSTOM_DEFAULT;
	memset(reply, 0, oh.len);
	memcpy(reply, &oh, sizeof(oh));
	*used_len = oh.len;
	return SDEV_CUSTOM_PUSH;
}

/* A fixed-size reply that is too short: consistent lengths and unique,
 * so Linux 7.1's check lets it through (the copy then reads the rest of
 * the buffer); vfsim's strict-replies option refuses it with -EIO. */
static void run_short_reply(bool strict)
{
	struct vop op;

	if (strict)
		CU_ASSERT_EQUAL(virtio_fs_set_option("strict-replies", true),
				0);
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	sdev_add_rule(&vt_dev, FUSE_GETATTR, SDEV_ANY_QUEUE, 1,
		      SDEV_CUSTOM(short_attr, NULL));
	CU_ASSERT_EQUAL(vop_run(&op, FUSE_GETATTR, FUSE_ROOT_ID),
			strict ? -EIO : 0);
	CU_ASSERT_EQUAL(vt_trace_count("virtio_fs.bad_reply"), strict ? 1 : 0);
	vt_umount();
}

static void test_short_reply_kernel(void)
{
	run_short_reply(false);
}

static void test_short_reply_strict(void)
{
	run_short_reply(true);
}

/* A LOOKUP reply for "bad" with invalid attributes: mode @mode, size
 * @size. */
struct bad_entry {
	u32 mode;
	u64 size;
};

static enum sdev_custom_ret bad_entry_reply(struct sdev *d,
					    const struct sdev_req *rec,
					    const struct fuse_proto_req *req,
					    void *reply, u32 cap, u32 *used_len,
					    void *arg)
{
	const struct bad_entry *b = arg;
	struct {
		struct fuse_out_header oh;
		struct fuse_entry_out e;
	} r;

	(void)d;
	(void)req;
	memset(&r, 0, sizeof(r));
	r.oh.len = sizeof(r);
	r.oh.unique = rec->unique;
	r.e.nodeid = 77;
	r.e.attr.ino = 77;
	r.e.attr.mode = b->mode;
	r.e.attr.size = b->size;
	r.e.attr.nlink = 1;
	if (cap < sizeof(r))
		return SDEV_CUSTOM_DEFAULT;
	memcpy(reply, &r, sizeof(r));
	*used_len = sizeof(r);
	return SDEV_CUSTOM_PUSH;
}

struct lookup_prog {
	int ret;
	u64 owed;
};

static int lookup_prog_fn(void *arg)
{
	struct lookup_prog *p = arg;
	struct guest_fs *gfs = NULL;

	if (guest_mount("vfsim", &gfs)) {
		p->ret = 1;
		return 0;
	}
	p->ret = guest_lookup(gfs, FUSE_ROOT_ID, "bad", NULL);
	p->owed = guest_nlookup_total(gfs);
	guest_umount(gfs);
	return 0;
}

/*
 * fuse_invalid_attr(): 6.1 and mainline refuse an entry without a valid
 * file type or with a size above LLONG_MAX (-EIO) and owe nothing, so no
 * FORGET ever pays back the lookup the server counted; v5 (the 5.4 core)
 * takes it and forgets it at unmount.
 */
static void run_lookup_invalid_attr(const char *variant, u32 mode, u64 size,
				    int want)
{
	struct bad_entry b = { mode, size };
	struct lookup_prog p = { .ret = 1 };

	CU_ASSERT_EQUAL(virtio_fs_set_variant(variant), 0);
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	sdev_add_rule(&vt_dev, FUSE_LOOKUP, SDEV_ANY_QUEUE, 1,
		      SDEV_CUSTOM(bad_entry_reply, &b));
	task_spawn(lookup_prog_fn, &p, "prog", TASK_SYSCALL, 0);
	vt_run();
	CU_ASSERT_EQUAL(p.ret, want);
	CU_ASSERT_EQUAL(p.owed, want ? 0 : 1);
	CU_ASSERT_EQUAL(vt_trace_count("fuse.bad_attr"), want ? 1 : 0);
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_FORGET), want ? 0 : 1);
	/* v5's unmount drains the FORGET's queue by polling (a tick late) */
	CU_ASSERT_EQUAL(check_count(),
			check_count_kind("virtio_fs.drain_late"));
}

static void test_lookup_no_file_type_mainline(void)
{
	run_lookup_invalid_attr("mainline", 0644, 0, -EIO);
}

static void test_lookup_huge_size_mainline(void)
{
	run_lookup_invalid_attr("mainline", S_IFREG | 0644, 1ULL << 63, -EIO);
}

static void test_lookup_invalid_attr_6_1(void)
{
	run_lookup_invalid_attr("6.1", 0644, 0, -EIO);
}

static void test_lookup_invalid_attr_v5(void)
{
	run_lookup_invalid_attr("v5-2019", 0644, 0, 0);
}

static void test_lookup_valid_attr(void)
{
	run_lookup_invalid_attr("mainline", S_IFREG | 0644, LLONG_MAX, 0);
}

/*
 * Linux 7.1 as read: virtio_fs_setup_vqs() frees fs->vqs and fs->mq_map
 * when it fails, without clearing the pointers, and virtio_fs_probe()'s
 * kobject_put() then frees both again in virtio_fs_ktype_release(). The
 * model does what that code does, and the checker reports the two
 * double frees; 6.1 (kref, no mq_map) frees once.
 */
static void run_setup_vqs_failure(const char *variant, size_t double_frees)
{
	CU_ASSERT_EQUAL(virtio_fs_set_variant(variant), 0);
	CU_ASSERT_EQUAL_FATAL(
		fault_plan_parse("kmalloc:site=virtio_fs_setup_vqs,nth=2"), 0);
	CU_ASSERT_EQUAL(vt_probe(), -ENOMEM);
	CU_ASSERT_EQUAL(check_count_kind("kmem.double_free"), double_frees);
	CU_ASSERT_EQUAL(check_count(), double_frees);
	check_clear();
	fault_reset();
}

static void test_setup_vqs_failure_mainline(void)
{
	run_setup_vqs_failure("mainline", 2);
}

static void test_setup_vqs_failure_6_1(void)
{
	run_setup_vqs_failure("6.1", 0);
}

VT_SUITE_EACH(
	guest_virtio_fs_fidelity, vt_setup, vt_teardown,
	VT_CASE(test_map_queues_group_cpus_evenly),
	VT_CASE(test_map_queues_uneven),
	VT_CASE(test_map_queues_transport_affinity),
	VT_CASE(test_map_queues_affinity_fallback),
	VT_CASE(test_ring_too_small_mainline), VT_CASE(test_ring_too_small_6_1),
	VT_CASE(test_ring_too_small_v5),
	VT_CASE(test_processing_bucket_mainline),
	VT_CASE(test_processing_bucket_6_1),
	VT_CASE(test_map_alignment_without_dax),
	VT_CASE(test_map_alignment_with_dax), VT_CASE(test_map_alignment_6_1),
	VT_CASE(test_sysfs_mainline), VT_CASE(test_sysfs_6_1),
	VT_CASE(test_forget_error_stops_dispatch_mainline),
	VT_CASE(test_forget_error_stops_dispatch_6_1),
	VT_CASE(test_hiprio_retry_6_1), VT_CASE(test_hiprio_retry_mainline),
	VT_CASE(test_single_queue_6_1), VT_CASE(test_no_reply_check_6_1),
	VT_CASE(test_short_reply_kernel), VT_CASE(test_short_reply_strict),
	VT_CASE(test_lookup_no_file_type_mainline),
	VT_CASE(test_lookup_huge_size_mainline),
	VT_CASE(test_lookup_invalid_attr_6_1),
	VT_CASE(test_lookup_invalid_attr_v5), VT_CASE(test_lookup_valid_attr),
	VT_CASE(test_setup_vqs_failure_mainline),
	VT_CASE(test_setup_vqs_failure_6_1));
