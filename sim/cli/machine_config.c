// SPDX-License-Identifier: GPL-2.0-only
/*
 * machine_config.c - what a machine is built from: the driver's settings
 * and the device's configuration taken from the scenario (with the checks
 * the parser could not make), the device's initial file tree, and the
 * trace's header that says what produced the trace. What a machine may
 * leave the next one of the same scenario (vfsim_machine_reuse()) is kept
 * here too: the header's texts and the request ledger. machine.c builds,
 * runs and takes down the machine.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device/fuse_server.h"
#include "device/memfs.h"
#include "guest/virtio_fs.h"
#include "guest/vfsim_variant.h"
#include "sim/cli/machine.h"
#include "sim/cli/machine_internal.h"
#include "sim/cli/req_ledger.h"
#include "sim/trace/host.h"
#include "sim/trace/image.h"
#include "sim/trace/trace.h"

void vfsim_pattern(char *buf, size_t len, unsigned long long offset)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)('a' + (offset + i) % 26);
}

/* Walk @path's parent directories in @fs; the last component goes to
 * @leaf. Every parent must exist already: the fs block lists them first. */
static int fs_parent(struct memfs *fs, const char *path, u64 *parent,
		     char *leaf, size_t leafsize)
{
	const char *p = path + 1, *slash;
	u64 dir = FUSE_ROOT_ID;
	char name[256];
	int ret;

	while ((slash = strchr(p, '/'))) {
		size_t n = (size_t)(slash - p);

		if (n >= sizeof(name))
			return -ENAMETOOLONG;
		memcpy(name, p, n);
		name[n] = '\0';
		ret = memfs_lookup(fs, dir, name, &dir);
		if (ret)
			return ret;
		p = slash + 1;
	}
	if (strlen(p) >= leafsize)
		return -ENAMETOOLONG;
	strcpy(leaf, p);
	*parent = dir;
	return 0;
}

static int fs_write_file(struct memfs *fs, u64 ino,
			 const struct scn_fs_entry *e)
{
	char chunk[4096];
	u64 off = 0;

	if (e->data)
		return memfs_write(fs, ino, 0, e->data, e->size) < 0 ? -EIO : 0;
	while (off < e->size) {
		size_t n = e->size - off < sizeof(chunk) ? e->size - off :
							   sizeof(chunk);
		s64 w;

		vfsim_pattern(chunk, n, off);
		w = memfs_write(fs, ino, off, chunk, n);
		if (w < 0)
			return (int)w;
		off += n;
	}
	return 0;
}

/* Guarantees: the `fs` block's entries exist on @dev's memfs, in order;
 * nothing owes a lookup for them (nlookup stays 0). On failure the memfs's
 * own -errno is returned, so a library caller gets the errno its message
 * names. */
int vfsim_machine_populate(struct vfs_dev *dev, const struct scenario *s,
			   char *err, size_t errsize)
{
	struct memfs *fs = fuse_server_fs(vfs_dev_server(dev));

	for (size_t i = 0; i < s->nr_fs; i++) {
		const struct scn_fs_entry *e = &s->fs[i];
		char leaf[256];
		u64 parent, ino;
		int ret;

		if (!strcmp(e->path, "/")) {
			ret = -EEXIST;
		} else {
			ret = fs_parent(fs, e->path, &parent, leaf,
					sizeof(leaf));
			if (!ret && e->kind == SCN_FS_DIR)
				ret = memfs_mkdir(fs, parent, leaf, 0755, &ino);
			else if (!ret)
				ret = memfs_create(fs, parent, leaf, 0644, O_EXCL, &ino) ?:
					      fs_write_file(fs, ino, e);
		}
		if (ret) {
			scn_fail_at(err, errsize, &e->pos,
				    "cannot create '%s': %s", e->path,
				    strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/*
 * The guest driver's settings: the scenario's (or the command line's)
 * variant, its bug switches, the request timeout sysctls and vfsim's own
 * driver options. The parser checked them against each other; a variant
 * given on the command line is checked here, against the same rules.
 */
int machine_driver_settings(const struct scenario *s, const char *variant,
			    char *err, size_t errsize)
{
	const struct scn_driver *d = &s->driver;
	const struct scn_pos *vpos = variant ? NULL : &d->variant_pos;

	virtio_fs_variant_reset();
	if (!variant)
		variant = d->variant;
	if (virtio_fs_set_variant(variant)) {
		scn_fail_at(err, errsize, vpos,
			    "the driver has no variant '%s'", variant);
		return -EINVAL;
	}
	for (size_t i = 0; i < s->nr_bugs; i++) {
		int ret = virtio_fs_set_bug(s->bugs[i].name, true);

		if (ret) {
			scn_fail_at(err, errsize, &s->bugs[i].pos,
				    ret == -ENOTSUP ?
					    "bug switch '%s' changes code that "
					    "driver variant %s does not have" :
					    "the driver has no bug switch '%s'",
				    s->bugs[i].name, variant);
			return -EINVAL;
		}
	}
	if (virtio_fs_set_request_timeout(d->timeout_s) ||
	    virtio_fs_set_max_request_timeout(d->max_timeout_s)) {
		scn_fail_at(err, errsize, &d->timeout_pos,
			    "driver variant %s has no request timeout",
			    variant);
		return -EINVAL;
	}
	for (int i = 0; i < VIRTIO_FS_NR_OPTIONS; i++)
		if (d->options & (1u << i))
			virtio_fs_set_option(
				virtio_fs_option_name((enum virtio_fs_option)i),
				true);
	return 0;
}

/* Append the names of the bits of @mask (@names[i] for bit i, a
 * NULL-terminated table) to @buf at *pos, "," between them, or "none". */
static void name_bits(char *buf, size_t size, size_t *pos, u32 mask,
		      const char *const *names)
{
	bool any = false;

	for (int i = 0; names[i]; i++) {
		if (!(mask & (1u << i)) || *pos >= size)
			continue;
		*pos += (size_t)snprintf(buf + *pos, size - *pos, "%s%s",
					 any ? "," : "", names[i]);
		any = true;
	}
	if (!any && *pos < size)
		*pos += (size_t)snprintf(buf + *pos, size - *pos, "none");
}

/*
 * vfsim_machine_reuse(): what a machine leaves the next one of the same
 * scenario. The header's texts follow from the scenario and the variant
 * alone; the ledger's memory is only memory.
 */
static struct {
	bool on;
	struct req_ledger *reqs;
	/* whose header is below (its serial; 0: none): not its address,
	 * which a later scenario may have after the first is freed */
	uint64_t serial;
	char *variant; /* and with which variant (NULL: its own) */
	char driver[512], device[512];
} keep;

void vfsim_machine_reuse(bool on)
{
	keep.on = on;
	trace_reuse(on);
	machine_image_enable(on);
	if (on)
		return;
	req_ledger_free(keep.reqs);
	host_free(keep.variant);
	memset(&keep, 0, sizeof(keep));
}

struct req_ledger *machine_kept_ledger(void)
{
	struct req_ledger *reqs = keep.reqs;

	keep.reqs = NULL;
	return reqs;
}

void machine_keep_ledger(struct req_ledger *reqs)
{
	if (keep.on && !keep.reqs) {
		req_ledger_reset(reqs);
		keep.reqs = reqs;
	} else {
		req_ledger_free(reqs);
	}
}

static bool same_variant(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static void header_events(const char *driver, const char *device)
{
	TRACE(.kind = "vfsim.driver", .func = "vfsim_machine_create",
	      .detail = driver);
	TRACE(.kind = "vfsim.device", .func = "vfsim_machine_create",
	      .detail = device);
}

/*
 * The trace's header: which kernel release the driver models, with which
 * bug switches, timeouts and vfsim options, and how the device behaves,
 * so that a trace says what produced it.
 */
void machine_trace_header(const struct scenario *s, const char *variant)
{
	const struct virtio_fs_variant_info *vi;
	char text[512], dev[512];
	size_t pos;

	if (keep.on && s->serial && keep.serial == s->serial &&
	    same_variant(keep.variant, variant)) {
		header_events(keep.driver, keep.device);
		return;
	}
	vi = virtio_fs_variant_info(virtio_fs_get_variant());

	pos = (size_t)snprintf(text, sizeof(text), "%s: %s; bugs: ", vi->name,
			       vi->release);
	name_bits(text, sizeof(text), &pos, virtio_fs_get_bugs(),
		  scenario_bug_names());
	if (pos < sizeof(text))
		pos += (size_t)snprintf(text + pos, sizeof(text) - pos,
					"; options: ");
	name_bits(text, sizeof(text), &pos, virtio_fs_get_options(),
		  scenario_driver_option_names());
	if (vi->request_timeout && pos < sizeof(text))
		snprintf(text + pos, sizeof(text) - pos,
			 "; request timeout %us, max %us",
			 virtio_fs_get_request_timeout(),
			 virtio_fs_get_max_request_timeout());
	pos = (size_t)snprintf(dev, sizeof(dev),
			       "as virtiofsd 1.13; vfsim options: ");
	name_bits(dev, sizeof(dev), &pos, s->device.options,
		  scenario_device_option_names());
	if (s->device.request_timeout_s && pos < sizeof(dev))
		snprintf(dev + pos, sizeof(dev) - pos,
			 "; INIT request_timeout %us",
			 s->device.request_timeout_s);
	header_events(text, dev);
	if (!keep.on)
		return;
	keep.serial = s->serial;
	host_free(keep.variant);
	/* kept across machines: not a machine image's (image.h) */
	image_pause(true);
	keep.variant = variant ? host_strdup(variant) : NULL;
	image_pause(false);
	memcpy(keep.driver, text, sizeof(text));
	memcpy(keep.device, dev, sizeof(dev));
}

static const enum vfs_dev_order dev_orders[] = {
	[SCN_ORDER_IN] = VFS_DEV_ORDER_IN_ORDER,
	[SCN_ORDER_REVERSED] = VFS_DEV_ORDER_REVERSED,
	[SCN_ORDER_RANDOM] = VFS_DEV_ORDER_RANDOM,
};

void vfsim_machine_device_config(const struct scenario *s,
				 struct vfs_dev_config *cfg)
{
	*cfg = (struct vfs_dev_config){
		.tag = s->machine.tag,
		.num_request_queues = s->machine.queues,
		.queue_size = s->machine.queue_size,
		.event_idx = s->machine.event_idx,
		.indirect = s->machine.indirect,
		.request_workers = s->device.workers,
		.options = s->device.options,
		.server.dax_window_size = s->machine.dax_window,
		.server.request_timeout = (u16)s->device.request_timeout_s,
	};
}

void vfsim_machine_device_behaviour(struct vfs_dev *dev,
				    const struct scenario *s)
{
	vfs_dev_set_latency(dev, s->device.latency_ns);
	vfs_dev_set_batch(dev, s->device.batch);
	vfs_dev_set_order(dev, dev_orders[s->device.order], s->device.seed);
}

int vfsim_machine_device_check(const struct scenario *s, char *err,
			       size_t errsize)
{
	if (s->device.workers > VFS_DEV_MAX_WORKERS) {
		scn_fail_at(err, errsize, &s->device.pos,
			    "workers=%u: the device has at most %u workers per "
			    "queue",
			    s->device.workers, VFS_DEV_MAX_WORKERS);
		return -ERANGE;
	}
	if (s->device.batch > VFS_DEV_MAX_BATCH) {
		scn_fail_at(
			err, errsize, &s->device.pos,
			"batch=%u: the device takes at most %u requests per "
			"batch",
			s->device.batch, VFS_DEV_MAX_BATCH);
		return -ERANGE;
	}
	return 0;
}
