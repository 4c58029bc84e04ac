// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfsim_variant.c - vfsim's own (no kernel file): driver variants,
 * historical bug switches and vfsim's driver options, by name, with
 * where each comes from.
 */
#include <errno.h>
#include <string.h>

#include "guest/fuse_i.h"
#include "guest/vfsim_variant.h"
#include "sim/trace/image.h"

static const struct virtio_fs_variant_info variants[VIRTIO_FS_NR_VARIANTS] = {
	[VIRTIO_FS_V5_2019] = {
		.name = "v5-2019",
		.release = "the v5 posting of 2019-09-10 (FUSE core of "
			   "Linux 5.4)",
		.source = "\"[PATCH v5 4/4] virtio-fs: add virtiofs "
			  "filesystem\", Miklos Szeredi, linux-fsdevel and "
			  "virtualization lists, 2019-09-10",
	},
	[VIRTIO_FS_V6_1] = {
		.name = "6.1",
		.release = "Linux 6.1.192 (Debian bookworm, 6.1.192-3)",
		.source = "fs/fuse/virtio_fs.c, dev.c and inode.c of Debian's "
			  "linux-source-6.1 6.1.192-3",
	},
	[VIRTIO_FS_MAINLINE] = {
		.name = "mainline",
		.release = "Linux 7.1",
		.source = "torvalds/linux fs/fuse/virtio_fs.c at 68b69fa0edb2 "
			  "(\"virtiofs: add FUSE protocol validation\", merged "
			  "for 7.1); the request timeout of fs/fuse since 6.14",
		.request_timeout = true,
		.sysfs = true,
	},
};

#define ALL VFS_ALL_VARIANTS

static const struct virtio_fs_bug_info bugs[VIRTIO_FS_NR_BUGS] = {
	[VIRTIO_FS_BUG_FORGET_SENDS_LIST_HEAD] = {
		.name = "forget-sends-list-head",
		.variants = ALL,
		.code = "the FORGET's scatterlist covers the whole struct "
			"virtio_fs_forget, list_head included (len 64), as "
			"v5's virtio_fs_wake_forget_and_unlock() and "
			"virtio_fs_hiprio_dispatch_work() did",
		.history = "review of v4 15/16 (Michael S. Tsirkin, "
			   "2019-09-03); fixed by 1efcf39eb627 \"virtiofs: Do "
			   "not send forget request \"struct list_head\" "
			   "element\" (Linux 5.4)",
	},
	[VIRTIO_FS_BUG_SLEEP_RETRY_HOLDING_BG_LOCK] = {
		.name = "sleep-retry-holding-bg-lock",
		.variants = ALL,
		.code = "a full request queue makes the submitter sleep 20-30 "
			"us and retry, as v5's "
			"virtio_fs_wake_pending_and_unlock() did",
		.history = "fixed by \"virtiofs: Retry request submission from "
			   "worker context\" (Vivek Goyal, 2019-10-15, Linux "
			   "5.4)",
	},
	[VIRTIO_FS_BUG_END_REQ_IN_SUBMITTER] = {
		.name = "end-req-in-submitter",
		.variants = ALL,
		.code = "a failed submission is ended with fuse_request_end() "
			"in the submitter's context, as v5's "
			"virtio_fs_wake_pending_and_unlock() did",
		.history = "fixed by \"virtiofs: Do not end request in "
			   "submission context\" (Vivek Goyal, 2019-10-15, "
			   "Linux 5.4)",
	},
	[VIRTIO_FS_BUG_END_BEFORE_UNLIST] = {
		.name = "end-before-unlist",
		.variants = VFS_V5_2019,
		.code = "the error path of virtio_fs_wake_pending_and_unlock() "
			"ends the request without clearing FR_SENT or taking "
			"it off the processing list, as v4 did",
		.history = "fixed by \"[PATCH 01/18] virtiofs: Remove request "
			   "from processing list before calling end\" (series "
			   "\"virtiofs: Fix various races and cleanups round "
			   "1\", Vivek Goyal, 2019-09-05), folded into v5",
	},
	[VIRTIO_FS_BUG_HIPRIO_NO_CONNECTED_CHECK] = {
		.name = "hiprio-no-connected-check",
		.variants = VFS_V5_2019,
		.code = "virtio_fs_wake_forget_and_unlock() queues the FORGET "
			"without checking that hiprio is connected (the "
			"dispatch work still checks), as v4 did",
		.history = "fixed by \"[PATCH 02/18] virtiofs: Check whether "
			   "hiprio queue is connected at submission time\" "
			   "(same series, 2019-09-05), folded into v5",
	},
	[VIRTIO_FS_BUG_TEACH_FORGETS_UNCOUNTED] = {
		.name = "teach-forgets-uncounted",
		.variants = VFS_V6_1 | VFS_MAINLINE,
		.teaching = true,
		.code = "send_forget_request() parks a FORGET on a full ring "
			"without counting it in in_flight, and nothing purges "
			"the parked ones before a drain",
		.history = "never shipped: v5 did not count parked FORGETs "
			   "but purged them before draining "
			   "(drain_hiprio_queued_reqs()); c17ea0096103 "
			   "\"virtiofs: Count pending forgets as in_flight "
			   "forgets\" (Linux 5.4) replaced the purge by the "
			   "count",
	},
	[VIRTIO_FS_BUG_REMOVE_WITHOUT_DRAIN] = {
		.name = "remove-without-drain",
		.variants = ALL,
		.code = "virtio_fs_remove() frees the channels (fuds), resets "
			"the device and frees the queues, without stopping "
			"or draining them, as v4 did",
		.history = "fixed by \"[PATCH 06/18] virtiofs: ->remove should "
			   "not clean virtiofs fuse devices\", \"[PATCH 07/18] "
			   "virtiofs: Stop virtiofs queues when device is being "
			   "removed\" and \"[PATCH 08/18] virtiofs: Drain all "
			   "pending requests during ->remove time\" (same "
			   "series), folded into v5",
	},
	[VIRTIO_FS_BUG_FREEZE_RETURNS_0] = {
		.name = "freeze-returns-0",
		.variants = ALL,
		.code = "virtio_fs_freeze() returns 0 under a TODO, as the v5 "
			"posting's did",
		.history = "the v5 thread's freeze/restore discussion "
			   "(2019-09); Linux 5.4's driver refuses with "
			   "-EOPNOTSUPP and a warning",
	},
	[VIRTIO_FS_BUG_PROBE_ERROR_LEAK] = {
		.name = "probe-error-leak",
		.variants = VFS_V5_2019 | VFS_V6_1,
		.code = "virtio_fs_probe()'s late error path does not free "
			"fs->vqs, as Linux 5.4 to 5.12 did (mainline frees "
			"them in the kobject's release, so has no such line)",
		.history = "CVE-2021-46956; fixed by \"virtiofs: fix memory "
			   "leak in virtio_fs_probe()\" (Linux 5.13)",
	},
	[VIRTIO_FS_BUG_DRAIN_BY_POLLING] = {
		.name = "drain-by-polling",
		.variants = ALL,
		.code = "virtio_fs_drain_queue() polls in_flight every 1-2 ms, "
			"as v5's did",
		.history = "fixed by \"virtiofs: Use completions while waiting "
			   "for queue to be drained\" (Vivek Goyal, 2019-10, "
			   "Linux 5.4)",
	},
};

#undef ALL

static const char *const option_names[VIRTIO_FS_NR_OPTIONS] = {
	[VIRTIO_FS_OPT_RESTORE] = "restore",
	[VIRTIO_FS_OPT_BOUNDED_DRAIN] = "bounded-drain",
	[VIRTIO_FS_OPT_STRICT_REPLIES] = "strict-replies",
	[VIRTIO_FS_OPT_TIMEOUT_MS] = "timeout-ms",
};

static enum virtio_fs_variant cur_variant = VIRTIO_FS_MAINLINE;
static u32 cur_bugs;
static u32 cur_options;
/* vfsim's own: set while a machine is built, so a machine image
 * (sim/trace/image.h) puts it back as the set-up left it */
IMAGE_STATE(cur_variant)
IMAGE_STATE(cur_bugs)
IMAGE_STATE(cur_options)

int virtio_fs_variant_parse(const char *name, enum virtio_fs_variant *out)
{
	if (!name)
		return -EINVAL;
	for (int i = 0; i < VIRTIO_FS_NR_VARIANTS; i++) {
		if (!strcmp(name, variants[i].name)) {
			*out = (enum virtio_fs_variant)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *virtio_fs_variant_name(enum virtio_fs_variant v)
{
	const struct virtio_fs_variant_info *vi = virtio_fs_variant_info(v);

	return vi ? vi->name : NULL;
}

const struct virtio_fs_variant_info *
virtio_fs_variant_info(enum virtio_fs_variant v)
{
	if ((unsigned int)v >= VIRTIO_FS_NR_VARIANTS)
		return NULL;
	return &variants[v];
}

/* Every switch in @mask exists in @v's code. */
static bool bugs_fit(u32 mask, enum virtio_fs_variant v)
{
	for (int b = 0; b < VIRTIO_FS_NR_BUGS; b++)
		if ((mask & (1u << b)) && !(bugs[b].variants & (1u << v)))
			return false;
	return true;
}

int virtio_fs_set_variant(const char *name)
{
	enum virtio_fs_variant v;
	int ret = virtio_fs_variant_parse(name, &v);

	if (ret)
		return ret;
	if (!bugs_fit(cur_bugs, v) ||
	    ((fuse_default_req_timeout || fuse_max_req_timeout) &&
	     !variants[v].request_timeout))
		return -EINVAL;
	cur_variant = v;
	return 0;
}

enum virtio_fs_variant virtio_fs_get_variant(void)
{
	return cur_variant;
}

int virtio_fs_bug_parse(const char *name, enum virtio_fs_bug *out)
{
	if (!name)
		return -EINVAL;
	for (int i = 0; i < VIRTIO_FS_NR_BUGS; i++) {
		if (!strcmp(name, bugs[i].name)) {
			*out = (enum virtio_fs_bug)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *virtio_fs_bug_name(enum virtio_fs_bug b)
{
	const struct virtio_fs_bug_info *bi = virtio_fs_bug_info(b);

	return bi ? bi->name : NULL;
}

const struct virtio_fs_bug_info *virtio_fs_bug_info(enum virtio_fs_bug b)
{
	if ((unsigned int)b >= VIRTIO_FS_NR_BUGS)
		return NULL;
	return &bugs[b];
}

int virtio_fs_set_bug(const char *name, bool on)
{
	enum virtio_fs_bug b;
	int ret = virtio_fs_bug_parse(name, &b);

	if (ret)
		return ret;
	if (!on) {
		cur_bugs &= ~(1u << b);
		return 0;
	}
	if (!bugs_fit(1u << b, cur_variant))
		return -ENOTSUP;
	cur_bugs |= 1u << b;
	return 0;
}

int virtio_fs_set_bugs(const char *list)
{
	char name[64];
	u32 mask = 0;
	const char *p;

	if (!list)
		return -EINVAL;
	if (!*list || !strcmp(list, "none")) {
		cur_bugs = 0;
		return 0;
	}
	for (p = list;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		enum virtio_fs_bug b;

		if (!len || len >= sizeof(name))
			return -EINVAL;
		memcpy(name, p, len);
		name[len] = '\0';
		if (virtio_fs_bug_parse(name, &b))
			return -EINVAL;
		mask |= 1u << b;
		if (!end)
			break;
		p = end + 1;
	}
	if (!bugs_fit(mask, cur_variant))
		return -ENOTSUP;
	cur_bugs = mask;
	return 0;
}

u32 virtio_fs_get_bugs(void)
{
	return cur_bugs;
}

u32 virtio_fs_variant_bugs(enum virtio_fs_variant v)
{
	/* What the v5 posting really did; each was fixed after it. */
	if (v == VIRTIO_FS_V5_2019)
		return 1u << VIRTIO_FS_BUG_FORGET_SENDS_LIST_HEAD |
		       1u << VIRTIO_FS_BUG_SLEEP_RETRY_HOLDING_BG_LOCK |
		       1u << VIRTIO_FS_BUG_END_REQ_IN_SUBMITTER |
		       1u << VIRTIO_FS_BUG_FREEZE_RETURNS_0 |
		       1u << VIRTIO_FS_BUG_PROBE_ERROR_LEAK |
		       1u << VIRTIO_FS_BUG_DRAIN_BY_POLLING;
	return 0;
}

int virtio_fs_option_parse(const char *name, enum virtio_fs_option *out)
{
	if (!name)
		return -EINVAL;
	for (int i = 0; i < VIRTIO_FS_NR_OPTIONS; i++) {
		if (!strcmp(name, option_names[i])) {
			*out = (enum virtio_fs_option)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *virtio_fs_option_name(enum virtio_fs_option o)
{
	if ((unsigned int)o >= VIRTIO_FS_NR_OPTIONS)
		return NULL;
	return option_names[o];
}

int virtio_fs_set_option(const char *name, bool on)
{
	enum virtio_fs_option o;
	int ret = virtio_fs_option_parse(name, &o);

	if (ret)
		return ret;
	if (on)
		cur_options |= 1u << o;
	else
		cur_options &= ~(1u << o);
	return 0;
}

u32 virtio_fs_get_options(void)
{
	return cur_options;
}

void virtio_fs_variant_reset(void)
{
	cur_variant = VIRTIO_FS_MAINLINE;
	cur_bugs = 0;
	cur_options = 0;
	fuse_default_req_timeout = 0;
	fuse_max_req_timeout = 0;
}

/* One of the two sysctls: in range, and only where the kernel has it. */
static int set_timeout_sysctl(unsigned int *which, unsigned int secs)
{
	if (secs > FUSE_REQ_TIMEOUT_MAX)
		return -ERANGE;
	if (secs && !variants[cur_variant].request_timeout)
		return -ENOTSUP;
	*which = secs;
	return 0;
}

int virtio_fs_set_request_timeout(unsigned int secs)
{
	return set_timeout_sysctl(&fuse_default_req_timeout, secs);
}

unsigned int virtio_fs_get_request_timeout(void)
{
	return fuse_default_req_timeout;
}

int virtio_fs_set_max_request_timeout(unsigned int secs)
{
	return set_timeout_sysctl(&fuse_max_req_timeout, secs);
}

unsigned int virtio_fs_get_max_request_timeout(void)
{
	return fuse_max_req_timeout;
}

void virtio_fs_set_restore(bool on)
{
	virtio_fs_set_option("restore", on);
}

bool virtio_fs_get_restore(void)
{
	return cur_options & (1u << VIRTIO_FS_OPT_RESTORE);
}
