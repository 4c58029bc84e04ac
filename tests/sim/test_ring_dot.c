// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_ring_dot.c - the Graphviz picture of a ring: content, determinism,
 * validity for dot(1), and its error paths.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sim/virtio/ring_dot.h"
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

static void test_content(void)
{
	char *s;

	build();
	s = ring_dot_string(vq, &vrh);
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
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "desc:dn0 -> desc:d1;")); /* chain */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "desc:dn4 -> desc:d5;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "avail:a2 -> desc:d3;")); /* waiting */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "avail:a3 -> desc:d6;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "used:u0 -> desc:d0")); /* pushed */
	CU_ASSERT_PTR_NULL(strstr(s, "avail:a0 ->"));		 /* consumed */
	CU_ASSERT_PTR_NULL(strstr(s, "desc:dn6 ->")); /* free: not drawn */
	free(s);
	destroy();

	/* Indirect: chains 0 and 2 go through tables. */
	build_with(F_INDIRECT);
	s = ring_dot_string(vq, &vrh);
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
	s = ring_dot_string(NULL, &vrh);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NULL(strstr(s, "driver avail_idx"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "device last_avail_idx"));
	/* Without the driver's view every link is drawn. */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "desc:dn0 -> desc:d1;"));
	free(s);
	s = ring_dot_string(vq, NULL);
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
	s = ring_dot_string(NULL, &bogus);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "<TD>0x0</TD><TD>0</TD><TD>-</TD>"));
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

VT_SUITE(sim_ring_dot, NULL, NULL, VT_CASE(test_content),
	 VT_CASE(test_deterministic), VT_CASE(test_valid_for_dot),
	 VT_CASE(test_one_side_only), VT_CASE(test_errors));
