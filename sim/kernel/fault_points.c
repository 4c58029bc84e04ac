// SPDX-License-Identifier: GPL-2.0-only
/*
 * fault_points.c - every fault point vfsim has, in one table: its name,
 * what its sites are, what its argument means, what firing does. The
 * plan parser (fault.c) refuses any other point, site or argument with
 * the list of valid ones; docs/sim.md's table is checked against this one
 * (suite cli_fault_points), and each point has a scenario that fires it
 * (tests/scenarios/fault-POINT.vfs).
 */
#include <string.h>

#include "sim/kernel/fault.h"

/*
 * The functions whose allocations can fail: each calls kmalloc(),
 * kzalloc(), kcalloc(), kmalloc_array(), kmemdup() or alloc_page() at least once
 * without __GFP_NOFAIL. scripts/fault_sites.py check (make test) compares
 * this list with the sources, so an allocation added or removed shows up.
 */
static const char *const kmalloc_sites[] = {
	/* fault-sites: begin */
	"alloc_indirect_split", "copy_args_to_argbuf", "fuse_alloc_forget",
	"fuse_dev_alloc", "fuse_pages_alloc", "fuse_readdir_uncached",
	"fuse_request_alloc", "group_cpus_evenly", "virtio_fs_enqueue_req",
	"virtio_fs_get_tree", "virtio_fs_pm_restore", "virtio_fs_probe",
	"virtio_fs_read_tag", "virtio_fs_setup_vqs",
	/* fault-sites: end */
	NULL
};

static const char *const nlookup_sites[] = { "guest_owe_lookup", NULL };
static const char *const mig_sites[] = { "vhost_load_backend_state", NULL };
static const char *const bad_request_words[] = { "len", "opcode", "short",
						 NULL };

static const struct fault_point_desc points[] = {
	{ "kmalloc", FAULT_SITE_FUNC, kmalloc_sites, FAULT_ARG_NONE, NULL,
	  "a guest allocation returns NULL (site: the allocating function)" },
	{ "vq.full", FAULT_SITE_QUEUE, NULL, FAULT_ARG_NONE, NULL,
	  "virtqueue_add_sgs() finds no free descriptor: -ENOSPC, as a full "
	  "ring (site: the queue, hiprio or requests.N)" },
	{ "guest.nlookup", FAULT_SITE_FUNC, nlookup_sites, FAULT_ARG_NONE, NULL,
	  "vfsim's lookup-count table cannot grow: the lookup is forgotten "
	  "at once and fails with -ENOMEM" },
	{ "guest.bad-request", FAULT_SITE_OPCODE, NULL, FAULT_ARG_WORD,
	  bad_request_words,
	  "the driver sends a malformed request: arg=len (default) its "
	  "header's len 8 bytes too large, arg=opcode an opcode no FUSE has, "
	  "arg=short only half the header" },
	{ "mig.cut", FAULT_SITE_FUNC, mig_sites, FAULT_ARG_NONE, NULL,
	  "the migration stream ends in the middle of a chunk" },
	{ "mig.corrupt", FAULT_SITE_FUNC, mig_sites, FAULT_ARG_NONE, NULL,
	  "a migration chunk's first byte is inverted" },
	{ "dev.die", FAULT_SITE_OPCODE, NULL, FAULT_ARG_NONE, NULL,
	  "the device dies before answering the request" },
	{ "dev.error", FAULT_SITE_OPCODE, NULL, FAULT_ARG_ERRNO, NULL,
	  "the device refuses the request unexecuted with arg (an errno "
	  "name, default EIO)" },
	{ "dev.late", FAULT_SITE_OPCODE, NULL, FAULT_ARG_DURATION, NULL,
	  "the device answers arg (default 1s) later" },
	{ "dev.stall", FAULT_SITE_OPCODE, NULL, FAULT_ARG_DURATION, NULL,
	  "the device answers, then pops nothing for arg (none: until "
	  "vfs_dev_stall_end())" },
	{ "dev.bad-unique", FAULT_SITE_OPCODE, NULL, FAULT_ARG_NONE, NULL,
	  "the reply's unique has its bits inverted" },
	{ "dev.short", FAULT_SITE_OPCODE, NULL, FAULT_ARG_NONE, NULL,
	  "the used length is half the reply (the header's len is right)" },
	{ "dev.long", FAULT_SITE_OPCODE, NULL, FAULT_ARG_NONE, NULL,
	  "the header's len and the used length claim 8 bytes more than "
	  "the reply" },
	{ "dev.positive-error", FAULT_SITE_OPCODE, NULL, FAULT_ARG_NONE, NULL,
	  "the reply's error is positive (+5)" },
	{ "dev.error-range", FAULT_SITE_OPCODE, NULL, FAULT_ARG_NONE, NULL,
	  "the reply's error is -5000, past every errno" },
	{ "dev.error-payload", FAULT_SITE_OPCODE, NULL, FAULT_ARG_NONE, NULL,
	  "the reply says -EIO and still carries its payload" },
	{ "dev.dup-reply", FAULT_SITE_OPCODE, NULL, FAULT_ARG_NONE, NULL,
	  "the device pushes the request's used element twice" },
	{ "dev.stray-reply", FAULT_SITE_OPCODE, NULL, FAULT_ARG_NONE, NULL,
	  "the device also pushes a used element for a descriptor the "
	  "driver never made available" },
};

const struct fault_point_desc *fault_point_descs(size_t *nr)
{
	*nr = ARRAY_SIZE(points);
	return points;
}

const struct fault_point_desc *fault_point_desc(const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(points); i++)
		if (strlen(points[i].name) == len &&
		    !memcmp(points[i].name, name, len))
			return &points[i];
	return NULL;
}
