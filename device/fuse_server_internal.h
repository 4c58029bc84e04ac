/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file fuse_server_internal.h
 * @brief Internal: what the FUSE server's handler files share.
 *
 * fuse_server.c owns the session, INIT and dispatch; the other
 * fuse_server_*.c files hold the handlers, one job each. A handler gets a
 * parsed, native-order request and writes its reply payload (no header)
 * into fs_req.out; the dispatcher has already checked that the opcode's
 * fixed reply fits.
 * @ingroup device
 */
#ifndef VFSIM_DEVICE_FUSE_SERVER_INTERNAL_H
#define VFSIM_DEVICE_FUSE_SERVER_INTERNAL_H

#include "device/dax.h"
#include "device/fuse_server.h"
#include "device/locks.h"
#include "device/memfs.h"
#include "fuse_proto/fuse_msg.h"

/** @brief One session's state. */
struct fuse_server {
	struct fuse_server_config cfg; ///< config with defaults filled in
	struct memfs *fs;	       ///< the file system
	struct lock_table *locks;      ///< POSIX locks
	struct dax_window *dax;	       ///< DAX window, or NULL
	bool initialized;	       ///< an INIT has been answered
	bool bswapped;		       ///< the guest speaks the other order
	u32 minor;		       ///< negotiated minor (0 before INIT)
	u64 flags;		       ///< negotiated INIT flags
	struct memfs_time now;	       ///< virtual clock
	u8 *swapbuf;		       ///< private copy of a swapped request
	size_t swapbuf_cap;	       ///< its size
	u64 *broken;		       ///< nodeids lost in migration, sorted
	size_t nbroken;		       ///< their number
	size_t broken_cap;	       ///< allocated slots in @c broken
};

/** @brief A handler's view of one request. */
struct fs_req {
	struct fuse_server *srv;	 ///< the server
	const struct fuse_proto_req *in; ///< parsed request (native order)
	bool swap;			 ///< the request came byte-swapped
	u8 *out;			 ///< reply payload area
	size_t room;			 ///< its size
	size_t len;			 ///< payload bytes written
	const char *note;		 ///< extra trace text, or NULL
};

/** @brief Handler return: send no reply (FORGET and friends). */
#define FS_NOREPLY 1
/** @brief Handler return: SETLKW would block. */
#define FS_BLOCKED 2

/** @brief A request handler: 0 (payload in r->out), FS_*, or -errno. */
typedef int (*fs_handler)(struct fs_req *r);

/** @brief Append @p n bytes to the reply payload (room was checked). */
void fs_put(struct fs_req *r, const void *p, size_t n);
/** @brief Fill a wire attr from a memfs one. */
void fs_fill_attr(struct fuse_attr *out, const struct memfs_attr *a);
/**
 * @brief Append an entry_out for @p ino, which must be alive, and count
 * one lookup (LOOKUP, CREATE, MKDIR); always 0.
 */
int fs_reply_entry(struct fs_req *r, u64 ino);
/** @brief Copy the fixed argument out (it may be unaligned). */
void fs_arg(const struct fs_req *r, void *dst, size_t size);

int do_lookup(struct fs_req *r);	///< FUSE_LOOKUP
int do_forget(struct fs_req *r);	///< FUSE_FORGET
int do_batch_forget(struct fs_req *r);	///< FUSE_BATCH_FORGET
int do_getattr(struct fs_req *r);	///< FUSE_GETATTR
int do_setattr(struct fs_req *r);	///< FUSE_SETATTR
int do_mkdir(struct fs_req *r);		///< FUSE_MKDIR
int do_unlink(struct fs_req *r);	///< FUSE_UNLINK
int do_rmdir(struct fs_req *r);		///< FUSE_RMDIR
int do_rename(struct fs_req *r);	///< FUSE_RENAME
int do_rename2(struct fs_req *r);	///< FUSE_RENAME2
int do_statfs(struct fs_req *r);	///< FUSE_STATFS
int do_access(struct fs_req *r);	///< FUSE_ACCESS
int do_open(struct fs_req *r);		///< FUSE_OPEN
int do_create(struct fs_req *r);	///< FUSE_CREATE
int do_read(struct fs_req *r);		///< FUSE_READ
int do_write(struct fs_req *r);		///< FUSE_WRITE
int do_flush(struct fs_req *r);		///< FUSE_FLUSH
int do_release(struct fs_req *r);	///< FUSE_RELEASE
int do_opendir(struct fs_req *r);	///< FUSE_OPENDIR
int do_readdir(struct fs_req *r);	///< FUSE_READDIR
int do_releasedir(struct fs_req *r);	///< FUSE_RELEASEDIR
int do_getlk(struct fs_req *r);		///< FUSE_GETLK
int do_setlk(struct fs_req *r);		///< FUSE_SETLK
int do_setlkw(struct fs_req *r);	///< FUSE_SETLKW
int do_setupmapping(struct fs_req *r);	///< FUSE_SETUPMAPPING
int do_removemapping(struct fs_req *r); ///< FUSE_REMOVEMAPPING
int do_destroy(struct fs_req *r);	///< FUSE_DESTROY
int do_interrupt(struct fs_req *r);	///< FUSE_INTERRUPT, NOTIFY_REPLY

/** @brief Show the tap (fuse_server_set_tap()) some bytes, if one is set. */
void fs_tap(enum fuse_server_tap_kind kind, u32 opcode, const void *bytes,
	    size_t len);

/** @brief Drop every mapping, lock, handle and lookup (DESTROY). */
void fs_end_session(struct fuse_server *srv);

/**
 * @brief Does request @p in name an inode marked broken by
 * fuse_server_mark_broken() (by nodeid, rename target or file handle)?
 * Requests that only let go of an inode are never refused.
 */
bool fs_names_broken(struct fuse_server *srv, const struct fuse_proto_req *in);

#endif /* VFSIM_DEVICE_FUSE_SERVER_INTERNAL_H */
