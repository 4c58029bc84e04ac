// SPDX-License-Identifier: GPL-2.0-only
/*
 * ring_dot.c - Graphviz picture of a split ring, read from guest memory:
 * only the entries in use, each table bounded, every cell as wide as its
 * text under a conservative per-character rule.
 */
#include "sim/virtio/ring_dot.h"
#include "sim/trace/host.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Per-descriptor marks. */
enum {
	IN_USE = 1,
	DRAWN = 2
};

struct view {
	unsigned int num;
	gpa_t desc, avail, used;
	const struct virtqueue *vq;
	const struct vringh *vrh;
	u8 *mark;	       /* IN_USE, DRAWN per descriptor */
	unsigned int in_use;   /* descriptors in chains in use */
	u16 avail_from, apend; /* avail entries not consumed */
	u16 used_from, upend;  /* used entries not reaped */
	char parked[RING_DOT_MAX_PARKED][RING_DOT_MAX_CHARS + 1];
	unsigned long nr_parked; /* all of them, drawn or not */
};

static const char table_open[] =
	"<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" "
	"CELLPADDING=\"2\">\n";

/*
 * The cell's minimum width in points: the text under the rule of
 * ring_dot.h, both paddings and borders (2 + 1 each side), and two points
 * to spare. Cells are left-aligned, so the text starts at the padding and
 * dot's own (narrower) estimate of the font cannot move it.
 */
static unsigned int cell_width(size_t chars)
{
	return (unsigned int)((chars * RING_DOT_FONT_SIZE *
				       RING_DOT_CHAR_EM_X100 +
			       99) /
			      100) +
	       8;
}

static void put_escaped(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			fputs("&amp;", out);
		else if (*s == '<')
			fputs("&lt;", out);
		else if (*s == '>')
			fputs("&gt;", out);
		else if (*s == '"')
			fputs("&quot;", out);
		else
			fputc(*s, out);
	}
}

/* Cut @text at RING_DOT_MAX_CHARS, ending it in "...". */
static size_t cut(char *text)
{
	size_t n = strlen(text);

	if (n <= RING_DOT_MAX_CHARS)
		return n;
	memcpy(text + RING_DOT_MAX_CHARS - 3, "...", 4);
	return RING_DOT_MAX_CHARS;
}

/* One table cell; @attrs (PORT, BGCOLOR, COLSPAN) start with a space. */
static void __attribute__((format(printf, 4, 5)))
cell(FILE *out, const char *attrs, bool bold, const char *fmt, ...)
{
	char text[256];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	n = cut(text);
	fprintf(out, "<TD ALIGN=\"LEFT\" WIDTH=\"%u\"%s>%s", cell_width(n),
		attrs, bold ? "<B>" : "");
	put_escaped(out, text);
	fprintf(out, "%s</TD>", bold ? "</B>" : "");
}

/* A row of one cell spanning @span columns. */
static void __attribute__((format(printf, 5, 6)))
row1(FILE *out, unsigned int span, const char *attrs, bool bold,
     const char *fmt, ...)
{
	char text[256], a[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	snprintf(a, sizeof(a), " COLSPAN=\"%u\"%s", span, attrs);
	fputs("    <TR>", out);
	cell(out, a, bold, "%s", text);
	fputs("</TR>\n", out);
}

static void row2(FILE *out, const char *key, unsigned long long v)
{
	fputs("    <TR>", out);
	cell(out, "", false, "%s", key);
	cell(out, "", false, "%llu", v);
	fputs("</TR>\n", out);
}

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

static void write_desc_row(FILE *out, const char *port, unsigned int i, gpa_t d,
			   const char *bg)
{
	char fl[4], a[64];

	flags_str((u16)gmem_peek_le(d + 12, 2), fl);
	fputs("    <TR>", out);
	snprintf(a, sizeof(a), " PORT=\"%s%u\"%s", port, i, bg);
	cell(out, a, false, "%u", i);
	cell(out, "", false, "0x%llx", (unsigned long long)gmem_peek_le(d, 8));
	cell(out, "", false, "%u", (unsigned int)gmem_peek_le(d + 8, 4));
	cell(out, "", false, "%s", fl);
	snprintf(a, sizeof(a), " PORT=\"%sn%u\"", port, i);
	cell(out, a, false, "%u", (unsigned int)gmem_peek_le(d + 14, 2));
	fputs("</TR>\n", out);
}

static const char hot_bg[] = " BGCOLOR=\"lightyellow\"",
		  avail_bg[] = " BGCOLOR=\"lightblue\"",
		  used_bg[] = " BGCOLOR=\"palegreen\"",
		  parked_bg[] = " BGCOLOR=\"lightsalmon\"";

static void header_row(FILE *out)
{
	fputs("    <TR>", out);
	cell(out, "", false, "i");
	cell(out, "", false, "addr");
	cell(out, "", false, "len");
	cell(out, "", false, "flags");
	cell(out, "", false, "next");
	fputs("</TR>\n", out);
}

/* Pending entries of a ring drawn: at most RING_DOT_MAX_ENTRIES, none
 * when the count is corrupt (more than the ring holds). */
static unsigned int ring_shown(const struct view *v, bool used)
{
	u16 pend = used ? v->upend : v->apend;

	if (pend > v->num)
		return 0;
	return pend < RING_DOT_MAX_ENTRIES ? pend : RING_DOT_MAX_ENTRIES;
}

/* Slot of the k-th pending entry, and the head it names. */
static unsigned int ring_slot(const struct view *v, bool used, unsigned int k)
{
	return (u16)((used ? v->used_from : v->avail_from) + k) & (v->num - 1);
}

static unsigned int ring_head(const struct view *v, bool used, unsigned int s)
{
	if (used)
		return (unsigned int)gmem_peek_le(v->used + 4 + 8ULL * s, 4);
	return (unsigned int)gmem_peek_le(v->avail + 4 + 2ULL * s, 2);
}

/*
 * Which descriptors get a row: first the chains the drawn ring entries
 * name (so their arrows have somewhere to go), then the rest in use in
 * index order, RING_DOT_MAX_ROWS in all.
 */
static void choose_rows(struct view *v)
{
	unsigned int left = RING_DOT_MAX_ROWS;

	for (int used = 0; used < 2; used++) {
		for (unsigned int k = 0; k < ring_shown(v, used); k++) {
			unsigned int i =
				ring_head(v, used, ring_slot(v, used, k));

			for (unsigned int steps = 0;
			     left && steps < v->num && i < v->num &&
			     (v->mark[i] & (IN_USE | DRAWN)) == IN_USE;
			     steps++) {
				gpa_t d = v->desc + 16ULL * i;

				v->mark[i] |= DRAWN;
				left--;
				if (!(gmem_peek_le(d + 12, 2) &
				      VIRTQ_DESC_F_NEXT))
					break;
				i = (unsigned int)gmem_peek_le(d + 14, 2);
			}
		}
	}
	for (unsigned int i = 0; left && i < v->num; i++) {
		if ((v->mark[i] & (IN_USE | DRAWN)) == IN_USE) {
			v->mark[i] |= DRAWN;
			left--;
		}
	}
}

/* The descriptors chosen, in index order, and counts of the rest. */
static void write_table(FILE *out, struct view *v)
{
	unsigned int drawn = 0;

	fprintf(out, "  desc [label=<%s", table_open);
	row1(out, 5, "", true, "descriptor table 0x%llx num=%u",
	     (unsigned long long)v->desc, v->num);
	header_row(out);
	choose_rows(v);
	for (unsigned int i = 0; i < v->num; i++) {
		if (!(v->mark[i] & DRAWN))
			continue;
		write_desc_row(out, "d", i, v->desc + 16ULL * i, hot_bg);
		drawn++;
	}
	if (v->in_use > drawn)
		row1(out, 5, "", false, "%u more in use, not drawn",
		     v->in_use - drawn);
	if (v->num > v->in_use)
		row1(out, 5, "", false, "%u free, not drawn",
		     v->num - v->in_use);
	fputs("  </TABLE>>];\n", out);
}

/* An in-flight chain's indirect table, as its own node "ind<head>". */
static void write_indirect(FILE *out, const struct view *v, unsigned int head)
{
	gpa_t d = v->desc + 16ULL * head;
	gpa_t t = gmem_peek_le(d, 8);
	u32 len = (u32)gmem_peek_le(d + 8, 4), n = len / 16;
	u32 shown = n < RING_DOT_MAX_ROWS ? n : RING_DOT_MAX_ROWS;

	fprintf(out, "  ind%u [label=<%s", head, table_open);
	row1(out, 5, "", true, "indirect table of head %u 0x%llx", head,
	     (unsigned long long)t);
	header_row(out);
	for (u32 i = 0; i < shown; i++)
		write_desc_row(out, "x", i, t + 16ULL * i, "");
	if (n > shown)
		row1(out, 5, "", false, "%u more, not drawn", n - shown);
	fprintf(out, "  </TABLE>>];\n  desc:dn%u -> ind%u:x0;\n", head, head);
	for (u32 i = 0; i < shown; i++) {
		gpa_t e = t + 16ULL * i;
		u16 next = (u16)gmem_peek_le(e + 14, 2);

		if ((gmem_peek_le(e + 12, 2) & VIRTQ_DESC_F_NEXT) &&
		    next < shown)
			fprintf(out, "  ind%u:xn%u -> ind%u:x%u;\n", head, i,
				head, next);
	}
}

static bool indirect_drawable(const struct view *v, unsigned int head)
{
	gpa_t d = v->desc + 16ULL * head;
	u32 len = (u32)gmem_peek_le(d + 8, 4);

	return (gmem_peek_le(d + 12, 2) & VIRTQ_DESC_F_INDIRECT) && len &&
	       !(len % 16) && len / 16 <= v->num &&
	       gmem_range_valid(gmem_peek_le(d, 8), len);
}

/* Mark the chain starting at @h (at most num steps). */
static void mark_chain(struct view *v, unsigned int h)
{
	unsigned int i = h;

	for (unsigned int steps = 0; steps < v->num && !(v->mark[i] & IN_USE);
	     steps++) {
		gpa_t d = v->desc + 16ULL * i;

		v->mark[i] |= IN_USE;
		v->in_use++;
		if (!(gmem_peek_le(d + 12, 2) & VIRTQ_DESC_F_NEXT) ||
		    gmem_peek_le(d + 14, 2) >= v->num)
			break;
		i = (unsigned int)gmem_peek_le(d + 14, 2);
	}
}

/*
 * The chains in use: with the driver's view, those in flight (which
 * covers the avail entries not consumed and the used ones not reaped);
 * the device alone knows only the avail entries it has not popped.
 */
static void mark_chains(struct view *v)
{
	if (v->vq) {
		for (unsigned int h = 0; h < v->num; h++)
			if (virtqueue_head_in_flight(v->vq, h))
				mark_chain(v, h);
		return;
	}
	for (u16 k = 0; v->apend <= v->num && k < v->apend; k++) {
		unsigned int s = (u16)(v->avail_from + k) & (v->num - 1);
		unsigned int h =
			(unsigned int)gmem_peek_le(v->avail + 4 + 2ULL * s, 2);

		if (h < v->num)
			mark_chain(v, h);
	}
}

/*
 * One ring's pending entries, at most RING_DOT_MAX_ENTRIES, each pointing
 * at its chain when that is drawn. A pending count beyond the ring's size
 * is a corrupt index: it is said, and no entry is drawn.
 */
static void write_ring(FILE *out, const struct view *v, bool used)
{
	const char *node = used ? "used" : "avail";
	gpa_t base = used ? v->used : v->avail;
	u16 pend = used ? v->upend : v->apend;
	unsigned int shown = ring_shown(v, used);
	char a[64];

	fprintf(out, "  %s [label=<%s", node, table_open);
	row1(out, 1, "", true, "%s ring 0x%llx", node,
	     (unsigned long long)base);
	if (used)
		row1(out, 1, "", false, "flags=%u idx=%u avail_event=%u",
		     (unsigned int)gmem_peek_le(base, 2),
		     (unsigned int)gmem_peek_le(base + 2, 2),
		     (unsigned int)gmem_peek_le(base + 4 + 8ULL * v->num, 2));
	else
		row1(out, 1, "", false, "flags=%u idx=%u used_event=%u",
		     (unsigned int)gmem_peek_le(base, 2),
		     (unsigned int)gmem_peek_le(base + 2, 2),
		     (unsigned int)gmem_peek_le(base + 4 + 2ULL * v->num, 2));
	for (unsigned int k = 0; k < shown; k++) {
		unsigned int s = ring_slot(v, used, k);

		snprintf(a, sizeof(a), " PORT=\"%c%u\"%s", used ? 'u' : 'a', s,
			 used ? used_bg : avail_bg);
		if (used)
			row1(out, 1, a, false, "[%u] id=%u len=%u", s,
			     ring_head(v, true, s),
			     (unsigned int)gmem_peek_le(base + 8 + 8ULL * s,
							4));
		else
			row1(out, 1, a, false, "[%u] %u", s,
			     ring_head(v, false, s));
	}
	if (pend > v->num)
		row1(out, 1, "", false, "%u pending: more than the ring holds",
		     pend);
	else if (pend > shown)
		row1(out, 1, "", false, "%u more %s, not drawn", pend - shown,
		     used ? "not reaped" : "not consumed");
	if (pend < v->num)
		row1(out, 1, "", false, "%u other entries, not drawn",
		     v->num - pend);
	fputs("  </TABLE>>];\n", out);
	for (unsigned int k = 0; k < shown; k++) {
		unsigned int s = ring_slot(v, used, k),
			     h = ring_head(v, used, s);

		if (h < v->num && (v->mark[h] & DRAWN))
			fprintf(out, "  %s:%c%u -> desc:d%u%s;\n", node,
				used ? 'u' : 'a', s, h,
				used ? " [style=dashed]" : "");
	}
}

static void keep_parked(void *ctx, const char *label)
{
	struct view *v = ctx;

	if (v->nr_parked < RING_DOT_MAX_PARKED) {
		char text[RING_DOT_MAX_CHARS + 2]; /* one more: cut() sees it */

		snprintf(text, sizeof(text), "%s", label);
		cut(text);
		memcpy(v->parked[v->nr_parked], text, sizeof(v->parked[0]));
	}
	v->nr_parked++;
}

static void write_parked(FILE *out, const struct ring_dot_opts *o,
			 struct view *v)
{
	unsigned long shown;

	if (o->for_each_parked)
		o->for_each_parked(o->owner, keep_parked, v);
	shown = v->nr_parked < RING_DOT_MAX_PARKED ? v->nr_parked :
						     RING_DOT_MAX_PARKED;
	fprintf(out, "  parked [label=<%s", table_open);
	row1(out, 1, "", true, "%s: %lu parked, not on the ring",
	     o->parked_name, v->nr_parked);
	for (unsigned long i = 0; i < shown; i++)
		row1(out, 1, parked_bg, false, "%s", v->parked[i]);
	if (v->nr_parked > shown)
		row1(out, 1, "", false, "%lu more, not drawn",
		     v->nr_parked - shown);
	if (!v->nr_parked)
		row1(out, 1, "", false, "(empty)");
	fputs("  </TABLE>>];\n", out);
}

static void legend_row(FILE *out, const char *bg, const char *key,
		       const char *what)
{
	fputs("    <TR>", out);
	cell(out, bg, false, "%s", key);
	cell(out, "", false, "%s", what);
	fputs("</TR>\n", out);
}

static void write_legend(FILE *out, bool parked)
{
	fprintf(out, "  legend [label=<%s", table_open);
	row1(out, 2, "", true, "legend");
	legend_row(out, hot_bg, "desc", "descriptor of a chain in flight");
	legend_row(out, avail_bg, "avail", "entry the device has not popped");
	legend_row(out, used_bg, "used", "entry the driver has not reaped");
	if (parked)
		legend_row(out, parked_bg, "parked",
			   "request waiting for room on the ring");
	legend_row(out, "", "-->", "next descriptor / avail entry's head");
	legend_row(out, "", "- ->", "used entry's id (dashed)");
	legend_row(out, "", "flags", "N next, W device-writable, I indirect");
	fputs("  </TABLE>>];\n", out);
}

static void write_indices(FILE *out, const struct view *v, const char *name)
{
	struct virtqueue_info info = { 0 };
	const struct vringh *vrh = v->vrh;

	fprintf(out, "  idx [label=<%s", table_open);
	row1(out, 2, "", true, "%s", name);
	if (v->vq) {
		virtqueue_get_info(v->vq, &info);
		row2(out, "driver avail_idx", info.avail_idx);
		row2(out, "driver last_used_idx", info.last_used_idx);
		fputs("    <TR>", out);
		cell(out, "", false, "num_free / chains in flight");
		cell(out, "", false, "%u / %u", v->vq->num_free,
		     info.in_flight);
		fputs("</TR>\n", out);
		row2(out, "free_head", info.free_head);
		fputs("    <TR>", out);
		cell(out, "", false, "state");
		cell(out, "", false, "%s%s%s%s", info.broken ? "broken" : "ok",
		     info.event_idx ? " event_idx" : "",
		     info.indirect ? " indirect" : "",
		     info.cb_disabled ? " cb_off" : "");
		fputs("</TR>\n", out);
	}
	if (vrh) {
		row2(out, "device last_avail_idx", vrh->last_avail_idx);
		row2(out, "device used idx", vrh->last_used_idx);
		fputs("    <TR>", out);
		cell(out, "", false, "device state");
		cell(out, "", false, "%s",
		     vrh->needs_reset ? "NEEDS_RESET" : "ok");
		fputs("</TR>\n", out);
	}
	fputs("  </TABLE>>];\n", out);
}

int ring_dot_write_opts(FILE *out, const struct ring_dot_opts *o)
{
	struct virtqueue_info info = { 0 };
	struct view *v;
	const char *name;
	unsigned int nind = 0;
	int ret;

	if (!o || (!o->vq && !o->vrh))
		return -EINVAL;
	v = host_calloc(1, sizeof(*v));
	v->vq = o->vq;
	v->vrh = o->vrh;
	if (o->vq) {
		virtqueue_get_info(o->vq, &info);
		v->num = info.num;
		v->desc = info.desc;
		v->avail = info.avail;
		v->used = info.used;
		name = o->vq->name;
	} else {
		v->num = o->vrh->num;
		v->desc = o->vrh->desc;
		v->avail = o->vrh->avail;
		v->used = o->vrh->used;
		name = o->vrh->name;
	}
	name = name ? name : "vq";
	/* Pending avail entries start where the device is (else where the
	 * driver's completions are); pending used ones where the driver is. */
	v->avail_from = o->vrh ? o->vrh->last_avail_idx : info.last_used_idx;
	v->used_from = o->vq ? info.last_used_idx :
			       (u16)gmem_peek_le(v->used + 2, 2);
	v->apend = (u16)((u16)gmem_peek_le(v->avail + 2, 2) - v->avail_from);
	v->upend = (u16)((u16)gmem_peek_le(v->used + 2, 2) - v->used_from);
	v->mark = host_calloc(v->num ? v->num : 1, sizeof(*v->mark));

	fputs("digraph \"", out);
	put_escaped(out, name);
	fprintf(out,
		"\" {\n  rankdir=LR;\n"
		"  node [shape=plaintext, fontname=\"monospace\", "
		"fontsize=%u];\n",
		RING_DOT_FONT_SIZE);
	write_indices(out, v, name);
	mark_chains(v);
	write_table(out, v);
	for (unsigned int i = 0; i < v->num; i++) {
		gpa_t d = v->desc + 16ULL * i;
		u16 next = (u16)gmem_peek_le(d + 14, 2);

		if (!(v->mark[i] & DRAWN))
			continue;
		if ((gmem_peek_le(d + 12, 2) & VIRTQ_DESC_F_NEXT) &&
		    next < v->num && (v->mark[next] & DRAWN))
			/* on the right, from a next field to its row */
			fprintf(out, "  desc:dn%u:e -> desc:dn%u:e;\n", i,
				next);
		if (o->vq && virtqueue_head_in_flight(o->vq, i) &&
		    nind < RING_DOT_MAX_INDIRECT && indirect_drawable(v, i)) {
			write_indirect(out, v, i);
			nind++;
		}
	}
	write_ring(out, v, false);
	write_ring(out, v, true);
	if (o->parked_name)
		write_parked(out, o, v);
	write_legend(out, o->parked_name);
	/* The indices, the parked requests and the legend in one column,
	 * top to bottom, left of the rings. */
	fprintf(out,
		"  { rank=same; idx -> %slegend [style=invis]; }\n"
		"  idx -> avail [style=invis];\n"
		"  idx -> used [style=invis];\n",
		o->parked_name ? "parked -> " : "");
	fputs("}\n", out);
	ret = ferror(out) ? -EIO : 0;
	host_free(v->mark);
	host_free(v);
	return ret;
}

char *ring_dot_string_opts(const struct ring_dot_opts *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = host_memstream(&buf, &len);
	int ret = ring_dot_write_opts(f, o);

	fclose(f);
	if (ret) {
		host_free(buf);
		return NULL;
	}
	return buf;
}

int ring_dot_write(FILE *out, const struct virtqueue *vq,
		   const struct vringh *vrh)
{
	const struct ring_dot_opts o = { .vq = vq, .vrh = vrh };

	return ring_dot_write_opts(out, &o);
}

char *ring_dot_string(const struct virtqueue *vq, const struct vringh *vrh)
{
	const struct ring_dot_opts o = { .vq = vq, .vrh = vrh };

	return ring_dot_string_opts(&o);
}
