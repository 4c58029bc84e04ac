// SPDX-License-Identifier: GPL-2.0-only
/*
 * console_ring.c - a ring as the console shows it: `show ring` draws it
 * as text (both sides' indices, the chains in flight, the recent avail
 * and used slots), `picture ring` writes the Graphviz picture of the
 * queue's ring and its parked requests (vfsim_ring_picture(), in
 * sim/cli/ring_picture.c) and, with Graphviz installed, its SVG.
 *
 * The ring is read from guest memory as an observer would
 * (copy_from_guest()), so what shows is what the device would see, even
 * when the driver's bookkeeping disagrees with it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "guest/virtio_fs.h"
#include "sim/cli/console_internal.h"
#include "sim/cli/render.h"
#include "sim/kernel/gmem.h"
#include "sim/virtio/vringh.h"
#include "sim/trace/host.h"

/* Most recent slots shown per ring, besides those still pending. */
#define RECENT 8

static void desc_line(struct console *c, const char *lead, unsigned int i,
		      gpa_t d)
{
	u16 f = (u16)gmem_peek_le(d + 12, 2);

	fprintf(c->out, "%s[%u] addr=0x%llx len=%u flags=%s%s%s%s", lead, i,
		(unsigned long long)gmem_peek_le(d, 8),
		(unsigned int)gmem_peek_le(d + 8, 4),
		f & VIRTQ_DESC_F_NEXT ? "N" : "",
		f & VIRTQ_DESC_F_WRITE ? "W" : "",
		f & VIRTQ_DESC_F_INDIRECT ? "I" : "",
		f & (VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE |
		     VIRTQ_DESC_F_INDIRECT) ?
			"" :
			"-");
	if (f & VIRTQ_DESC_F_NEXT)
		fprintf(c->out, " next=%u",
			(unsigned int)gmem_peek_le(d + 14, 2));
	fputc('\n', c->out);
}

/* Every chain in flight, descriptor by descriptor (indirect tables too). */
static void chains(struct console *c, const struct virtqueue *vq,
		   const struct virtqueue_info *info)
{
	unsigned int n = 0;

	for (unsigned int h = 0; h < info->num; h++) {
		unsigned int i = h;

		if (!virtqueue_head_in_flight(vq, h))
			continue;
		if (!n++)
			fprintf(c->out, "  chains in flight:\n");
		fprintf(c->out, "    head %u:\n", h);
		for (unsigned int k = 0; k < info->num; k++) {
			gpa_t d = info->desc + 16ull * i;
			u16 f = (u16)gmem_peek_le(d + 12, 2);
			u32 len = (u32)gmem_peek_le(d + 8, 4);

			desc_line(c, "      ", i, d);
			if ((f & VIRTQ_DESC_F_INDIRECT) && len % 16 == 0 &&
			    len / 16 <= info->num &&
			    gmem_range_valid(gmem_peek_le(d, 8), len))
				for (u32 j = 0; j < len / 16; j++)
					desc_line(c, "        indirect ", j,
						  gmem_peek_le(d, 8) +
							  16ull * j);
			if (!(f & VIRTQ_DESC_F_NEXT) ||
			    gmem_peek_le(d + 14, 2) >= info->num)
				break;
			i = (unsigned int)gmem_peek_le(d + 14, 2);
		}
	}
	if (!n)
		fprintf(c->out, "  no chains in flight\n");
}

/* The slots before @idx, at least those after @from (still pending). */
static void slots(struct console *c, const char *what, gpa_t ring, u16 idx,
		  u16 from, unsigned int num, bool used, const char *pending)
{
	u16 npend = (u16)(idx - from);
	unsigned int shown = RECENT < num ? RECENT : num;

	if (npend > num) /* a side that cannot be trusted: show what fits */
		npend = 0;
	if (shown < npend)
		shown = npend;
	if (shown > idx)
		shown = idx; /* fewer entries were ever written */
	fprintf(c->out, "  %s ring: flags=0x%x idx=%u, %u pending (%s)%s\n",
		what, (unsigned int)gmem_peek_le(ring, 2), idx, npend, pending,
		shown ? ":" : "");
	for (unsigned int k = shown; k > 0; k--) {
		u16 pos = (u16)(idx - k);
		unsigned int slot = pos & (num - 1);
		bool pend = (u16)(pos - from) < npend;

		if (used)
			fprintf(c->out, "    [%u] id=%u len=%u%s\n", slot,
				(unsigned int)gmem_peek_le(
					ring + 4 + 8ull * slot, 4),
				(unsigned int)gmem_peek_le(
					ring + 8 + 8ull * slot, 4),
				pend ? " *" : "");
		else
			fprintf(c->out, "    [%u] head=%u%s\n", slot,
				(unsigned int)gmem_peek_le(
					ring + 4 + 2ull * slot, 2),
				pend ? " *" : "");
	}
}

int console_ring_text(struct console *c, const char *name)
{
	struct vfsim_machine *m = vfsim_session_machine(c->ss);
	struct virtio_fs_vq *fsvq;
	struct vfs_dev_queue_stats st;
	struct virtqueue_info info;
	const struct vringh *vrh;
	unsigned int idx;
	u16 heads[16];
	int held;

	fsvq = console_queue(c, "show ring", name, &idx);
	if (!fsvq)
		return -1;
	virtqueue_get_info(fsvq->vq, &info);
	vrh = m->cur ? vfs_dev_vringh(m->cur, idx) : NULL;
	fprintf(c->out,
		"ring %s: size %u, desc 0x%llx, avail 0x%llx, used 0x%llx\n",
		fsvq->name, info.num, (unsigned long long)info.desc,
		(unsigned long long)info.avail, (unsigned long long)info.used);
	fprintf(c->out,
		"  driver: avail_idx=%u last_used=%u num_free=%u "
		"free_head=%u chains=%u%s%s%s%s\n",
		info.avail_idx, info.last_used_idx, fsvq->vq->num_free,
		info.free_head, info.in_flight,
		info.event_idx ? " event_idx" : "",
		info.indirect ? " indirect" : "",
		info.cb_disabled ? " callbacks-off" : "",
		info.broken ? " BROKEN" : "");
	if (!m->cur) {
		fprintf(c->out, "  device: an external back end (its side is "
				"not visible)\n");
	} else if (!vrh || vfs_dev_queue_stats(m->cur, idx, &st)) {
		fprintf(c->out, "  device: ring not set up\n");
	} else {
		held = vfs_dev_held_heads(m->cur, idx, heads,
					  ARRAY_SIZE(heads));
		fprintf(c->out,
			"  device: last_avail=%u next_used=%u %s %s, holds "
			"%d chain%s",
			vrh->last_avail_idx, vrh->last_used_idx,
			st.started ? "started" : "stopped",
			st.enabled ? "enabled" : "disabled", held,
			held == 1 ? "" : "s");
		for (int h = 0; h < held && h < (int)ARRAY_SIZE(heads); h++)
			fprintf(c->out, "%s%u", h ? " " : ": heads ", heads[h]);
		fprintf(c->out, "%s\n",
			held > (int)ARRAY_SIZE(heads) ? " ..." : "");
	}
	chains(c, fsvq->vq, &info);
	slots(c, "avail", info.avail, (u16)gmem_peek_le(info.avail + 2, 2),
	      vrh ? vrh->last_avail_idx : (u16)gmem_peek_le(info.avail + 2, 2),
	      info.num, false, "* = not popped by the device yet");
	slots(c, "used", info.used, (u16)gmem_peek_le(info.used + 2, 2),
	      info.last_used_idx, info.num, true,
	      "* = not taken back by the driver yet");
	return 0;
}

static int write_text(struct console *c, const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f))
		return console_error(c, "picture: cannot write '%s': %s", path,
				     strerror(errno));
	return 0;
}

/* A picture's FILE may be a path; its last part names the files. */
static bool bad_file_name(const char *file)
{
	const char *base = strrchr(file, '/');

	base = base ? base + 1 : file;
	return !*base || *base == '.';
}

int console_picture(struct console *c, const struct console_args *a)
{
	struct vfsim_machine *m = vfsim_session_machine(c->ss);
	char stem[1024], cmd[1100], svg[1100];
	struct virtio_fs_vq *fsvq;
	unsigned int idx;
	size_t len;
	char *dot;
	int ret;

	if (a->argc < 3 || a->argc > 4 || strcmp(a->argv[1], "ring"))
		return console_error(c, "picture: expected picture ring NAME "
					"[FILE]");
	fsvq = console_queue(c, "picture", a->argv[2], &idx);
	if (!fsvq)
		return -1;
	if (a->argc == 4 && bad_file_name(a->argv[3]))
		return console_error(c,
				     "picture: '%s' cannot be a file name (it "
				     "must end in a name not starting with "
				     "'.')",
				     a->argv[3]);
	/* pictures go where the user said, never into the working
	 * directory by default (a repository's root, often) */
	if (!c->outdir && (a->argc < 4 || !strchr(a->argv[3], '/')))
		return console_error(c,
				     "picture: where to? start vfsim step with "
				     "--out DIR, or give a path: picture ring "
				     "%s DIR/FILE",
				     a->argv[2]);
	if (a->argc == 4 && strchr(a->argv[3], '/'))
		snprintf(stem, sizeof(stem), "%s", a->argv[3]);
	else if (a->argc == 4)
		snprintf(stem, sizeof(stem), "%s/%s", c->outdir, a->argv[3]);
	else
		snprintf(stem, sizeof(stem), "%s/step-%llu-%s", c->outdir,
			 (unsigned long long)c->steps, fsvq->name);
	len = strlen(stem);
	if (len > 4 && (!strcmp(stem + len - 4, ".dot") ||
			!strcmp(stem + len - 4, ".svg")))
		stem[len - 4] = '\0';
	if ((a->argc < 4 || !strchr(a->argv[3], '/')) &&
	    mkdir(c->outdir, 0777) && errno != EEXIST)
		return console_error(c, "picture: cannot create '%s': %s",
				     c->outdir, strerror(errno));
	dot = vfsim_ring_picture(fsvq,
				 m->cur ? vfs_dev_vringh(m->cur, idx) : NULL);
	if (!dot)
		return console_error(c, "picture: out of memory");
	snprintf(cmd, sizeof(cmd), "%s.dot", stem);
	ret = write_text(c, cmd, dot);
	host_free(dot);
	if (ret)
		return ret;
	fprintf(c->out, "wrote %s.dot\n", stem);
	/* SVG only when Graphviz is there: the DOT is the artefact. */
	snprintf(cmd, sizeof(cmd), "%s.dot", stem);
	snprintf(svg, sizeof(svg), "%s.svg", stem);
	ret = vfsim_render_svg(VFSIM_RENDER_DOT, cmd, svg, c->err);
	if (ret > 0) {
		fprintf(c->out, "(no SVG: Graphviz 'dot' is not installed)\n");
		return 0;
	}
	if (ret < 0)
		return console_error(c,
				     "picture: dot could not write "
				     "'%s.svg'",
				     stem);
	fprintf(c->out, "wrote %s.svg\n", stem);
	return 0;
}
