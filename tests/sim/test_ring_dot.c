// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_ring_dot.c - the Graphviz picture of a ring: content, determinism,
 * validity for dot(1), and its error paths.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sim/virtio/ring_dot.h"
#include "tests/sim/ring_dot_test_util.h"
#include "tests/sim/test_vq_util.h"

static struct virtqueue *vq;
static struct vringh vrh;

/* A ring with every state: a direct and an indirect chain waiting, one
 * chain popped by the device, one pushed and not yet collected. */
static void build_with(u64 features)
{
	static int t[4];
	struct vringh_chain ch = { 0 };
	u8 *b;
	struct scatterlist out[2], in[1], *sgs[2] = { out, in };

	tq_setup_mem(1 << 20);
	vq = tq_pair(8, features, &vrh);
	b = gmem_alloc(64, 0);
	CU_ASSERT_EQUAL(tq_add(vq, b, 8, b, 8, &t[0]), 0);    /* -> pushed */
	CU_ASSERT_EQUAL(tq_add(vq, b, 8, NULL, 0, &t[1]), 0); /* -> popped */
	sg_init_table(out, 2);
	sg_set_buf(&out[0], b, 4);
	sg_set_buf(&out[1], b + 4, 4);
	sg_init_one(in, b + 8, 8);
	CU_ASSERT_EQUAL(virtqueue_add_sgs(vq, sgs, 1, 1, &t[2], GFP_KERNEL),
			0); /* indirect, waiting */
	CU_ASSERT_EQUAL(tq_add(vq, b, 8, NULL, 0, &t[3]), 0); /* waiting */
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_EQUAL(vringh_push(&vrh, ch.head, 8), 0);
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	vringh_chain_release(&ch);
}

static void build(void)
{
	build_with(F_EVENT);
}

static void destroy(void)
{
	vringh_exit(&vrh);
	vring_del_virtqueue(vq);
	tq_teardown();
}

/* The picture without its cells' layout attributes. */
static char *plain(const struct virtqueue *q, const struct vringh *r)
{
	char *raw = ring_dot_string(q, r), *s;

	if (!raw)
		return NULL;
	s = ring_dot_plain(raw);
	free(raw);
	return s;
}

static void test_content(void)
{
	char *s;

	build();
	s = plain(vq, &vrh);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "digraph \"tq\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "descriptor table"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(s, "<TD>driver avail_idx</TD><TD>4</TD>"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(s, "<TD>driver last_used_idx</TD><TD>0</TD>"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(s, "<TD>device last_avail_idx</TD><TD>2</TD>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "<TD>device used idx</TD><TD>1</TD>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "ok event_idx</TD>"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(s, "desc:dn0:e -> desc:dn1:e;")); /* chain */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "desc:dn4:e -> desc:dn5:e;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "avail:a2 -> desc:d3;")); /* waiting */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "avail:a3 -> desc:d6;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "used:u0 -> desc:d0")); /* pushed */
	CU_ASSERT_PTR_NULL(strstr(s, "avail:a0 ->"));		 /* consumed */
	CU_ASSERT_PTR_NULL(strstr(s, "desc:dn6:e ->")); /* ends its chain */
	/* in use: chains 0-1, 2-3, 4-5-6 (three of them waiting or popped,
	 * one used and not reaped); descriptor 7 is free and not drawn */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "PORT=\"d6\""));
	CU_ASSERT_PTR_NULL(strstr(s, "PORT=\"d7\""));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(s, "<TD COLSPAN=\"5\">1 free, not drawn"));
	/* only the two entries the device has not popped, the rest counted */
	CU_ASSERT_PTR_NULL(strstr(s, "PORT=\"a1\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "6 other entries, not drawn"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "<B>legend</B>"));
	CU_ASSERT_PTR_NULL(strstr(s, "parked")); /* no hook, no box */
	free(s);
	destroy();

	/* Indirect: chains 0 and 2 go through tables. */
	build_with(F_INDIRECT);
	s = plain(vq, &vrh);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "ok indirect</TD>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "indirect table of head 2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "desc:dn2 -> ind2:x0;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "ind2:xn0 -> ind2:x1;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "ind2:xn1 -> ind2:x2;"));
	free(s);
	destroy();
}

static void test_deterministic(void)
{
	char *a, *b;

	build();
	a = ring_dot_string(vq, &vrh);
	destroy();
	build();
	b = ring_dot_string(vq, &vrh);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_STRING_EQUAL(a, b);
	free(a);
	free(b);
	destroy();
}

static int run_dot(const char *s)
{
	FILE *p = popen("dot -Tsvg -o /dev/null 2>/dev/null", "w");

	if (!p)
		return -1;
	fputs(s, p);
	return pclose(p);
}

static void test_valid_for_dot(void)
{
	char *s;

	if (system("command -v dot >/dev/null 2>&1") != 0) {
		vt_skip("graphviz dot not installed");
		return;
	}
	build();
	s = ring_dot_string(vq, &vrh);
	CU_ASSERT_EQUAL(run_dot(s), 0);
	free(s);
	destroy();
	build_with(F_INDIRECT);
	s = ring_dot_string(vq, &vrh);
	CU_ASSERT_EQUAL(run_dot(s), 0);
	free(s);
	s = ring_dot_string(NULL, &vrh);
	CU_ASSERT_EQUAL(run_dot(s), 0);
	free(s);
	s = ring_dot_string(vq, NULL);
	CU_ASSERT_EQUAL(run_dot(s), 0);
	free(s);
	/* And a broken, garbage-filled ring still gives a valid picture. */
	virtqueue_set_broken(vq, "test");
	memset(phys_to_virt(virtqueue_get_desc_addr(vq)), 0xff, 8 * 16);
	s = ring_dot_string(vq, &vrh);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "broken"));
	CU_ASSERT_EQUAL(run_dot(s), 0);
	free(s);
	CU_ASSERT_NOT_EQUAL(run_dot("digraph { a -> }\n"), 0); /* dot checks */
	destroy();
}

static void test_one_side_only(void)
{
	char *s;

	build();
	s = plain(NULL, &vrh);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NULL(strstr(s, "driver avail_idx"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "device last_avail_idx"));
	/* Without the driver's view, the chains in use are those the device
	 * has not popped: 3 and 6, not the pushed 0 nor the popped 2. */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "avail:a2 -> desc:d3;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "avail:a3 -> desc:d6;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "desc:dn4:e -> desc:dn5:e;"));
	CU_ASSERT_PTR_NULL(strstr(s, "PORT=\"d0\""));
	CU_ASSERT_PTR_NULL(strstr(s, "PORT=\"d2\""));
	free(s);
	s = plain(vq, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NULL(strstr(s, "device last_avail_idx"));
	/* Waiting entries counted from the driver's last used index. */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "avail:a0 -> desc:d0;"));
	free(s);
	destroy();
}

static void test_errors(void)
{
	struct vringh bogus = { .name = "bogus",
				.num = 4,
				.desc = 0x10,
				.avail = 0x10,
				.used = 0x10 };
	FILE *f;
	char *s;

	build();
	CU_ASSERT_EQUAL(ring_dot_write(stdout, NULL, NULL), -EINVAL);
	CU_ASSERT_PTR_NULL(ring_dot_string(NULL, NULL));
	/* Rings outside guest memory read as zeros: still a picture. */
	s = plain(NULL, &bogus);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "4 free, not drawn"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "flags=0 idx=0 used_event=0"));
	free(s);
	f = fopen("/dev/full", "w");
	if (f) {
		setvbuf(f, NULL, _IONBF, 0);
		CU_ASSERT_EQUAL(ring_dot_write(f, vq, &vrh), -EIO);
		fclose(f);
	} else {
		vt_skip("/dev/full not available");
	}
	destroy();
}

/* How often @needle occurs in @s. */
static unsigned int count(const char *s, const char *needle)
{
	unsigned int n = 0;

	for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* A 32,768-entry ring full of one-descriptor chains, half of them popped
 * and pushed: the picture draws RING_DOT_MAX_ROWS descriptors and
 * RING_DOT_MAX_ENTRIES entries of each ring and counts the rest. */
static void test_bounded(void)
{
	static int tok;
	struct vringh_chain ch = { 0 };
	char *s;
	u8 *b;

	tq_setup_mem(4 << 20);
	vq = tq_pair(32768, 0, &vrh);
	b = gmem_alloc(64, 0);
	for (unsigned int i = 0; i < 32768; i++)
		CU_ASSERT_EQUAL_FATAL(tq_add(vq, b, 8, NULL, 0, &tok), 0);
	for (unsigned int i = 0; i < 16384; i++) {
		CU_ASSERT_EQUAL_FATAL(vringh_pop(&vrh, &ch), 1);
		CU_ASSERT_EQUAL_FATAL(vringh_push(&vrh, ch.head, 0), 0);
	}
	vringh_chain_release(&ch);
	s = plain(vq, &vrh);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(count(s, "PORT=\"dn"), RING_DOT_MAX_ROWS);
	CU_ASSERT_EQUAL(count(s, "PORT=\"a"), RING_DOT_MAX_ENTRIES);
	CU_ASSERT_EQUAL(count(s, "PORT=\"u"), RING_DOT_MAX_ENTRIES);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "32744 more in use, not drawn"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "16372 more not consumed, not drawn"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "16372 more not reaped, not drawn"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "16384 other entries, not drawn"));
	/* the first entries not consumed / not reaped, each to its chain,
	 * whose rows come before other descriptors in use */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "avail:a16384 -> desc:d16384;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "avail:a16395 -> desc:d16395;"));
	CU_ASSERT_PTR_NULL(strstr(s, "PORT=\"d12\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "used:u0 -> desc:d0 [style=dashed]"));
	CU_ASSERT(strlen(s) < 20000);
	free(s);
	destroy();
}

static void two_parked(const void *owner, ring_dot_emit_fn emit, void *ctx)
{
	const unsigned int *n = owner;
	char label[160];

	for (unsigned int i = 0; i < *n; i++) {
		snprintf(label, sizeof(label), "req %u <&> %s", i,
			 i == 1 ? "a label far longer than any cell may hold "
				  "before it is cut" :
				  "short");
		emit(ctx, label);
	}
}

/* Parked requests beside the ring, through the hook; long texts cut. */
static void test_parked(void)
{
	unsigned int n = 10;
	struct ring_dot_opts o = { .parked_name = "queued_reqs",
				   .for_each_parked = two_parked,
				   .owner = &n };
	char *raw, *s;

	build();
	o.vq = vq;
	o.vrh = &vrh;
	raw = ring_dot_string_opts(&o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
	s = ring_dot_plain(raw);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "<B>queued_reqs: 10 parked, not on "
					 "the ring</B>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "req 0 &lt;&amp;&gt; short</TD>"));
	CU_ASSERT_EQUAL(count(s, "BGCOLOR=\"lightsalmon\">req "),
			RING_DOT_MAX_PARKED);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, ">2 more, not drawn</TD>"));
	/* cut at RING_DOT_MAX_CHARS, with its width for that many */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "any cell may hold b...</TD>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(raw, "WIDTH=\"495\" COLSPAN=\"1\" "
					   "BGCOLOR=\"lightsalmon\">req 1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "request waiting for room"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(s, "{ rank=same; idx -> parked -> legend"));
	free(raw);
	free(s);
	/* an empty list, and no hook at all */
	n = 0;
	raw = ring_dot_string_opts(&o);
	CU_ASSERT_PTR_NOT_NULL(strstr(raw, ">(empty)</TD>"));
	free(raw);
	o.for_each_parked = NULL;
	raw = ring_dot_string_opts(&o);
	CU_ASSERT_PTR_NOT_NULL(strstr(raw, "queued_reqs: 0 parked"));
	free(raw);
	CU_ASSERT_PTR_NULL(ring_dot_string_opts(NULL));
	destroy();
}

/* Every cell is at least as wide as its text under ring_dot.h's rule,
 * plus paddings and borders. */
static void test_cell_widths(void)
{
	char *s, *p;
	unsigned int cells = 0;

	build_with(F_INDIRECT);
	s = ring_dot_string(vq, &vrh);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	for (p = strstr(s, "<TD "); p; p = strstr(p + 1, "<TD ")) {
		const char *w = strstr(p, "WIDTH=\""), *t = strchr(p, '>');
		unsigned int width = 0, chars = 0;

		CU_ASSERT_PTR_NOT_NULL_FATAL(w);
		CU_ASSERT_PTR_NOT_NULL_FATAL(t);
		CU_ASSERT(w < t);
		width = (unsigned int)strtoul(w + 7, NULL, 10);
		for (t++; *t && strncmp(t, "</TD>", 5); t++) {
			if (*t == '<') { /* <B>, </B> */
				t = strchr(t, '>');
				continue;
			}
			if (*t == '&') /* an entity is one character */
				t = strchr(t, ';');
			chars++;
		}
		CU_ASSERT(width * 100 >=
			  chars * RING_DOT_FONT_SIZE * RING_DOT_CHAR_EM_X100 +
				  600);
		cells++;
	}
	CU_ASSERT(cells > 50);
	free(s);
	destroy();
}

VT_SUITE(sim_ring_dot, NULL, NULL, VT_CASE(test_content),
	 VT_CASE(test_deterministic), VT_CASE(test_valid_for_dot),
	 VT_CASE(test_one_side_only), VT_CASE(test_errors),
	 VT_CASE(test_bounded), VT_CASE(test_parked),
	 VT_CASE(test_cell_widths));
