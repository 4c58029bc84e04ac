/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_fuse_server.h - a tiny FUSE client for the server's tests: it
 * builds requests with the guest-side fuse_proto API, optionally as an
 * opposite-endian guest, calls fuse_server_handle() and checks the reply.
 */
#ifndef VFSIM_TESTS_DEVICE_TEST_FUSE_SERVER_H
#define VFSIM_TESTS_DEVICE_TEST_FUSE_SERVER_H

#include "device/fuse_server.h"
#include "fuse_proto/fuse_msg.h"

/* ts_call() results that are not an out_header error. */
#define TS_NOREPLY 1000
#define TS_BLOCKED 2000

extern struct fuse_server *ts_srv;    /* server under test */
extern bool ts_swap;		      /* act as an opposite-endian guest */
extern struct fuse_server_ctx ts_ctx; /* context passed to every call */
extern size_t ts_cap;		      /* reply buffer size offered */
extern unsigned char ts_rep[];	      /* last reply bytes */
extern size_t ts_rep_len;	      /* their length */
extern int ts_res;		      /* last fuse_server_handle() result */

/* New server (cfg may be NULL) with a native, enabled client. */
void ts_setup(const struct fuse_server_config *cfg);
/* Same, then a normal INIT, asserted to succeed. */
void ts_setup_init(const struct fuse_server_config *cfg);
void ts_teardown(void);

/* Send a request; returns oh.error, TS_NOREPLY, TS_BLOCKED or ts_res < 0. */
int ts_call(struct fuse_proto_args *a);
/* Hand raw bytes to the server with a reply room of cap. */
int ts_raw(const void *req, size_t len, size_t cap);
/* The error of the raw reply in ts_rep (native order). */
int ts_raw_error(void);

int ts_init(u32 major, u32 minor, u32 flags, u32 flags2,
	    struct fuse_init_out *out);
int ts_lookup(u64 parent, const char *name, struct fuse_entry_out *e);
int ts_forget(u64 ino, u64 n);
int ts_batch_forget(const struct fuse_forget_one *v, u32 count);
int ts_getattr(u64 ino, u32 flags, u64 fh, struct fuse_attr_out *out);
int ts_setattr(u64 ino, const struct fuse_setattr_in *in,
	       struct fuse_attr_out *out);
int ts_mkdir(u64 parent, const char *name, u32 mode, struct fuse_entry_out *e);
int ts_create(u64 parent, const char *name, u32 mode, u32 flags,
	      struct fuse_entry_out *e, u64 *fh);
int ts_open(u64 ino, u32 flags, u64 *fh);
int ts_opendir(u64 ino, u64 *fh);
int ts_read(u64 ino, u64 fh, u64 off, u32 size, void *buf, u32 *got);
int ts_write(u64 ino, u64 fh, u64 off, const void *data, u32 size,
	     u32 *written);
int ts_flush(u64 ino, u64 fh, u64 owner);
int ts_release(u64 ino, u64 fh, u32 release_flags, u64 owner);
int ts_releasedir(u64 ino, u64 fh);
int ts_readdir(u64 ino, u64 fh, u64 off, u32 size, void *buf, u32 *got);
int ts_unlink(u64 parent, const char *name);
int ts_rmdir(u64 parent, const char *name);
int ts_rename(u64 olddir, const char *oldname, u64 newdir, const char *newname);
int ts_rename2(u64 olddir, const char *oldname, u64 newdir, const char *newname,
	       u32 flags);
int ts_lk(u32 opcode, u64 ino, u64 fh, u64 owner, u32 type, u64 start, u64 end,
	  u32 lk_flags, struct fuse_file_lock *out);
int ts_setupmapping(u64 ino, u64 fh, u64 foff, u64 len, u64 moff, u64 flags);
int ts_removemapping(const struct fuse_removemapping_one *v, u32 count);
int ts_destroy(void);
int ts_statfs(u64 ino, struct fuse_statfs_out *out);
int ts_access(u64 ino, u32 mask);

/* Lookup count memfs holds for ino (0 if gone). */
u64 ts_nlookup(u64 ino);
/* Live inodes. */
u64 ts_inodes(void);

#endif
