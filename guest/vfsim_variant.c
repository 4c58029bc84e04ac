// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfsim_variant.c - vfsim's own (no kernel file): driver variants and
 * historical bug switches, by name.
 */
#include <errno.h>
#include <string.h>

#include "guest/vfsim_variant.h"

static const char *const variant_names[VIRTIO_FS_NR_VARIANTS] = {
	[VIRTIO_FS_MAINLINE] = "mainline",
	[VIRTIO_FS_V5_2019] = "v5-2019",
};

static const char *const bug_names[VIRTIO_FS_NR_BUGS] = {
	[VIRTIO_FS_BUG_FORGET_SENDS_LIST_HEAD] = "forget-sends-list-head",
	[VIRTIO_FS_BUG_SLEEP_RETRY_HOLDING_BG_LOCK] =
		"sleep-retry-holding-bg-lock",
	[VIRTIO_FS_BUG_END_REQ_IN_SUBMITTER] = "end-req-in-submitter",
	[VIRTIO_FS_BUG_END_BEFORE_UNLIST] = "end-before-unlist",
	[VIRTIO_FS_BUG_HIPRIO_NO_CONNECTED_CHECK] = "hiprio-no-connected-check",
	[VIRTIO_FS_BUG_FORGETS_NOT_IN_FLIGHT] = "forgets-not-in-flight",
	[VIRTIO_FS_BUG_REMOVE_WITHOUT_DRAIN] = "remove-without-drain",
	[VIRTIO_FS_BUG_FREEZE_RETURNS_0] = "freeze-returns-0",
	[VIRTIO_FS_BUG_PROBE_ERROR_LEAK] = "probe-error-leak",
	[VIRTIO_FS_BUG_DRAIN_BY_POLLING] = "drain-by-polling",
};

static enum virtio_fs_variant cur_variant = VIRTIO_FS_MAINLINE;
static u32 cur_bugs;
static u64 cur_timeout_ns;

int virtio_fs_variant_parse(const char *name, enum virtio_fs_variant *out)
{
	if (!name)
		return -EINVAL;
	for (int i = 0; i < VIRTIO_FS_NR_VARIANTS; i++) {
		if (!strcmp(name, variant_names[i])) {
			*out = (enum virtio_fs_variant)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *virtio_fs_variant_name(enum virtio_fs_variant v)
{
	if ((unsigned int)v >= VIRTIO_FS_NR_VARIANTS)
		return NULL;
	return variant_names[v];
}

int virtio_fs_set_variant(const char *name)
{
	enum virtio_fs_variant v;
	int ret = virtio_fs_variant_parse(name, &v);

	if (!ret)
		cur_variant = v;
	return ret;
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
		if (!strcmp(name, bug_names[i])) {
			*out = (enum virtio_fs_bug)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *virtio_fs_bug_name(enum virtio_fs_bug b)
{
	if ((unsigned int)b >= VIRTIO_FS_NR_BUGS)
		return NULL;
	return bug_names[b];
}

int virtio_fs_set_bug(const char *name, bool on)
{
	enum virtio_fs_bug b;
	int ret = virtio_fs_bug_parse(name, &b);

	if (ret)
		return ret;
	if (on)
		cur_bugs |= 1u << b;
	else
		cur_bugs &= ~(1u << b);
	return 0;
}

int virtio_fs_set_bugs(const char *list)
{
	char name[64];
	u32 bugs = 0;
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
		bugs |= 1u << b;
		if (!end)
			break;
		p = end + 1;
	}
	cur_bugs = bugs;
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
		       1u << VIRTIO_FS_BUG_FORGETS_NOT_IN_FLIGHT |
		       1u << VIRTIO_FS_BUG_FREEZE_RETURNS_0 |
		       1u << VIRTIO_FS_BUG_PROBE_ERROR_LEAK |
		       1u << VIRTIO_FS_BUG_DRAIN_BY_POLLING;
	return 0;
}

/* vfsim extension: suspend/restore across a device reset. */
static bool cur_restore;

void virtio_fs_variant_reset(void)
{
	cur_variant = VIRTIO_FS_MAINLINE;
	cur_bugs = 0;
	cur_timeout_ns = 0;
	cur_restore = false;
}

void virtio_fs_set_request_timeout(u64 ns)
{
	cur_timeout_ns = ns;
}

u64 virtio_fs_get_request_timeout(void)
{
	return cur_timeout_ns;
}

void virtio_fs_set_restore(bool on)
{
	cur_restore = on;
}

bool virtio_fs_get_restore(void)
{
	return cur_restore;
}
