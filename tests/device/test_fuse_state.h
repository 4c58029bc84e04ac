/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_fuse_state.h - a source session with something of everything, a
 * destination over the same tree, and helpers to forge states.
 */
#ifndef VFSIM_TESTS_DEVICE_TEST_FUSE_STATE_H
#define VFSIM_TESTS_DEVICE_TEST_FUSE_STATE_H

#include "device/fuse_state.h"
#include "tests/device/test_fuse_server.h"

/* The source's nodeids and handles (fst_build_source()). */
struct fst_ids {
	u64 d, f1, g, e;     /* /d, /d/f1, /g, /e */
	u64 fh_f1, fh_g, dh; /* open f1 (rw), g (ro), dir d */
};

extern struct fst_ids fst;
extern struct fuse_server *fst_src; /* the source (also ts_srv) */
extern struct fuse_server *fst_dst; /* a destination over the same tree */
extern const struct fuse_server_config fst_cfg; /* with a DAX window */

/* INIT, build the tree and the session; locks and a mapping if @full. */
void fst_build_source(bool full);
/* A fresh destination with the source's tree. */
void fst_new_dst(void);
/* Free both servers. */
void fst_teardown(void);
/* Save the source (asserted to succeed). */
void *fst_save(struct fuse_server *srv, size_t *len);
/* After editing a state: fix its body length and checksum. */
void fst_reseal(u8 *buf, size_t len);
/* Remember the destination's totals for fst_assert_dst_untouched(). */
void fst_snapshot(void);
/* Assert the destination has no session state and the snapshot's totals. */
void fst_assert_dst_untouched(void);
/* Little-endian store helpers for forging. */
void fst_put32(u8 *p, u32 v);
void fst_put64(u8 *p, u64 v);
/* Offset of the payload of section @type in a state, or 0. */
size_t fst_section(const u8 *buf, size_t len, u32 type, u32 *slen);

#endif
