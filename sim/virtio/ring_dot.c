// SPDX-License-Identifier: GPL-2.0-only
/*
 * ring_dot.c - Graphviz picture of a split ring, read from guest memory.
 */
#include "sim/virtio/ring_dot.h"
#include "sim/trace/host.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void flags_str(u16 f, char *buf)
{
	buf[0] = '\0';
	if (f & VIRTQ_DESC_F_NEXT)
		strcat(buf, "N");
	if (f & VIRTQ_DESC_F_WRITE)
		strcat(buf, "W");
	if (f & VIRTQ_DESC_F_INDIRECT)
		strcat(buf, "I");
	if (!buf[0])
		strcat(buf, "-");
}

struct view {
	unsigned int num;
	gpa_t desc, avail, used;
	const struct virtqueue *vq;
	const struct vringh *vrh;
	bool *hot; /* descriptor belongs to a chain in flight */
};

static void write_desc_row(FILE *out, const char *port, unsigned int i, gpa_t d,
			   bool hot)
{
	char fl[4];

	flags_str((u16)gmem_peek_le(d + 12, 2), fl);
	fprintf(out,
		"    <TR><TD PORT=\"%s%u\"%s>%u</TD><TD>0x%llx</TD><TD>%u</TD>"
		"<TD>%s</TD><TD PORT=\"%sn%u\">%u</TD></TR>\n",
		port, i, hot ? " BGCOLOR=\"lightyellow\"" : "", i,
		(unsigned long long)gmem_peek_le(d, 8),
		(unsigned int)gmem_peek_le(d + 8, 4), fl, port, i,
		(unsigned int)gmem_peek_le(d + 14, 2));
}

static void write_table(FILE *out, const struct view *v)
{
	fprintf(out,
		"  desc [label=<<TABLE BORDER=\"0\" CELLBORDER=\"1\" "
		"CELLSPACING=\"0\">\n"
		"    <TR><TD COLSPAN=\"5\"><B>descriptor table</B> "
		"0x%llx num=%u</TD></TR>\n"
		"    <TR><TD>i</TD><TD>addr</TD><TD>len</TD><TD>flags</TD>"
		"<TD>next</TD></TR>\n",
		(unsigned long long)v->desc, v->num);
	for (unsigned int i = 0; i < v->num; i++)
		write_desc_row(out, "d", i, v->desc + 16ULL * i, v->hot[i]);
	fprintf(out, "  </TABLE>>];\n");
}

/* In-flight indirect tables, each as its own node "ind<head>". */
static void write_indirect(FILE *out, const struct view *v, unsigned int head)
{
	gpa_t d = v->desc + 16ULL * head;
	u16 flags = (u16)gmem_peek_le(d + 12, 2);
	gpa_t t = gmem_peek_le(d, 8);
	u32 len = (u32)gmem_peek_le(d + 8, 4), n = len / 16;

	if (!(flags & VIRTQ_DESC_F_INDIRECT) || !len || len % 16 ||
	    n > v->num || !gmem_range_valid(t, len))
		return;
	fprintf(out,
		"  ind%u [label=<<TABLE BORDER=\"0\" CELLBORDER=\"1\" "
		"CELLSPACING=\"0\">\n"
		"    <TR><TD COLSPAN=\"5\"><B>indirect table of head %u</B> "
		"0x%llx</TD></TR>\n",
		head, head, (unsigned long long)t);
	for (unsigned int i = 0; i < n; i++)
		write_desc_row(out, "x", i, t + 16ULL * i, false);
	fprintf(out, "  </TABLE>>];\n  desc:dn%u -> ind%u:x0;\n", head, head);
	for (unsigned int i = 0; i < n; i++)
		if ((gmem_peek_le(t + 16ULL * i + 12, 2) & VIRTQ_DESC_F_NEXT) &&
		    gmem_peek_le(t + 16ULL * i + 14, 2) < n)
			fprintf(out, "  ind%u:xn%u -> ind%u:x%u;\n", head, i,
				head,
				(unsigned int)gmem_peek_le(t + 16ULL * i + 14,
							   2));
}

/* Mark every descriptor of each in-flight chain (at most num steps each). */
static void mark_chains(const struct view *v)
{
	if (!v->vq)
		return;
	for (unsigned int h = 0; h < v->num; h++) {
		unsigned int i = h;

		if (!virtqueue_head_in_flight(v->vq, h))
			continue;
		for (unsigned int steps = 0; steps < v->num && !v->hot[i];
		     steps++) {
			gpa_t d = v->desc + 16ULL * i;

			v->hot[i] = true;
			if (!(gmem_peek_le(d + 12, 2) & VIRTQ_DESC_F_NEXT) ||
			    gmem_peek_le(d + 14, 2) >= v->num)
				break;
			i = (unsigned int)gmem_peek_le(d + 14, 2);
		}
	}
}

static void write_rings(FILE *out, const struct view *v, u16 avail_from,
			u16 used_from)
{
	u16 aidx = (u16)gmem_peek_le(v->avail + 2, 2),
	    uidx = (u16)gmem_peek_le(v->used + 2, 2);
	u16 apend = (u16)(aidx - avail_from), upend = (u16)(uidx - used_from);
	unsigned int mask = v->num - 1;

	fprintf(out,
		"  avail [label=<<TABLE BORDER=\"0\" CELLBORDER=\"1\" "
		"CELLSPACING=\"0\">\n"
		"    <TR><TD><B>avail ring</B> 0x%llx</TD></TR>\n"
		"    <TR><TD>flags=%u idx=%u used_event=%u</TD></TR>\n",
		(unsigned long long)v->avail,
		(unsigned int)gmem_peek_le(v->avail, 2), aidx,
		(unsigned int)gmem_peek_le(v->avail + 4 + 2ULL * v->num, 2));
	for (unsigned int s = 0; s < v->num; s++)
		fprintf(out, "    <TR><TD PORT=\"a%u\"%s>[%u] %u</TD></TR>\n",
			s,
			(u16)((s - avail_from) & mask) < apend &&
					apend <= v->num ?
				" BGCOLOR=\"lightblue\"" :
				"",
			s,
			(unsigned int)gmem_peek_le(v->avail + 4 + 2ULL * s, 2));
	fprintf(out, "  </TABLE>>];\n");

	fprintf(out,
		"  used [label=<<TABLE BORDER=\"0\" CELLBORDER=\"1\" "
		"CELLSPACING=\"0\">\n"
		"    <TR><TD><B>used ring</B> 0x%llx</TD></TR>\n"
		"    <TR><TD>flags=%u idx=%u avail_event=%u</TD></TR>\n",
		(unsigned long long)v->used,
		(unsigned int)gmem_peek_le(v->used, 2), uidx,
		(unsigned int)gmem_peek_le(v->used + 4 + 8ULL * v->num, 2));
	for (unsigned int s = 0; s < v->num; s++)
		fprintf(out,
			"    <TR><TD PORT=\"u%u\"%s>[%u] id=%u len=%u</TD></TR>\n",
			s,
			(u16)((s - used_from) & mask) < upend &&
					upend <= v->num ?
				" BGCOLOR=\"palegreen\"" :
				"",
			s,
			(unsigned int)gmem_peek_le(v->used + 4 + 8ULL * s, 4),
			(unsigned int)gmem_peek_le(v->used + 8 + 8ULL * s, 4));
	fprintf(out, "  </TABLE>>];\n");

	/* Entries not yet consumed point at their chains. */
	for (u16 k = 0; apend <= v->num && k < apend; k++) {
		unsigned int s = (u16)(avail_from + k) & mask;
		unsigned int h =
			(unsigned int)gmem_peek_le(v->avail + 4 + 2ULL * s, 2);

		if (h < v->num)
			fprintf(out, "  avail:a%u -> desc:d%u;\n", s, h);
	}
	for (u16 k = 0; upend <= v->num && k < upend; k++) {
		unsigned int s = (u16)(used_from + k) & mask;
		unsigned int id =
			(unsigned int)gmem_peek_le(v->used + 4 + 8ULL * s, 4);

		if (id < v->num)
			fprintf(out, "  used:u%u -> desc:d%u [style=dashed];\n",
				s, id);
	}
}

int ring_dot_write(FILE *out, const struct virtqueue *vq,
		   const struct vringh *vrh)
{
	struct virtqueue_info info = { 0 };
	struct view v = { .vq = vq, .vrh = vrh };
	u16 avail_from, used_from;
	const char *name;

	if (!vq && !vrh)
		return -EINVAL;
	if (vq) {
		virtqueue_get_info(vq, &info);
		v.num = info.num;
		v.desc = info.desc;
		v.avail = info.avail;
		v.used = info.used;
		name = vq->name;
	} else {
		v.num = vrh->num;
		v.desc = vrh->desc;
		v.avail = vrh->avail;
		v.used = vrh->used;
		name = vrh->name;
	}
	/* Pending avail entries start where the device is (else where the
	 * driver's completions are); pending used ones where the driver is. */
	avail_from = vrh ? vrh->last_avail_idx : info.last_used_idx;
	used_from = vq ? info.last_used_idx : (u16)gmem_peek_le(v.used + 2, 2);

	fprintf(out,
		"digraph \"%s\" {\n  rankdir=LR;\n"
		"  node [shape=plaintext, fontname=\"monospace\"];\n",
		name ? name : "vq");
	fprintf(out,
		"  idx [label=<<TABLE BORDER=\"0\" CELLBORDER=\"1\" "
		"CELLSPACING=\"0\">\n"
		"    <TR><TD COLSPAN=\"2\"><B>%s</B></TD></TR>\n",
		name ? name : "vq");
	if (vq)
		fprintf(out,
			"    <TR><TD>driver avail_idx</TD><TD>%u</TD></TR>\n"
			"    <TR><TD>driver last_used_idx</TD><TD>%u</TD></TR>\n"
			"    <TR><TD>num_free / in flight</TD><TD>%u / %u</TD>"
			"</TR>\n"
			"    <TR><TD>free_head</TD><TD>%u</TD></TR>\n"
			"    <TR><TD>state</TD><TD>%s%s%s%s</TD></TR>\n",
			info.avail_idx, info.last_used_idx, vq->num_free,
			info.in_flight, info.free_head,
			info.broken ? "broken" : "ok",
			info.event_idx ? " event_idx" : "",
			info.indirect ? " indirect" : "",
			info.cb_disabled ? " cb_off" : "");
	if (vrh)
		fprintf(out,
			"    <TR><TD>device last_avail_idx</TD><TD>%u</TD></TR>\n"
			"    <TR><TD>device used idx</TD><TD>%u</TD></TR>\n"
			"    <TR><TD>device state</TD><TD>%s</TD></TR>\n",
			vrh->last_avail_idx, vrh->last_used_idx,
			vrh->needs_reset ? "NEEDS_RESET" : "ok");
	fprintf(out, "  </TABLE>>];\n");

	v.hot = host_calloc(v.num, sizeof(*v.hot));
	mark_chains(&v);
	write_table(out, &v);
	for (unsigned int i = 0; i < v.num; i++) {
		gpa_t d = v.desc + 16ULL * i;
		u16 next = (u16)gmem_peek_le(d + 14, 2);

		/* Without the driver's view, every link is drawn. */
		if ((gmem_peek_le(d + 12, 2) & VIRTQ_DESC_F_NEXT) &&
		    next < v.num && (!vq || v.hot[i]))
			fprintf(out, "  desc:dn%u -> desc:d%u;\n", i, next);
		if (vq && virtqueue_head_in_flight(vq, i))
			write_indirect(out, &v, i);
	}
	write_rings(out, &v, avail_from, used_from);
	fprintf(out, "}\n");
	free(v.hot);
	return ferror(out) ? -EIO : 0;
}

char *ring_dot_string(const struct virtqueue *vq, const struct vringh *vrh)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = host_memstream(&buf, &len);
	int ret = ring_dot_write(f, vq, vrh);

	fclose(f);
	if (ret) {
		free(buf);
		return NULL;
	}
	return buf;
}
