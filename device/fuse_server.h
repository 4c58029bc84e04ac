/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file fuse_server.h
 * @brief The FUSE server: one session's worth of virtiofsd, bytes in, bytes out.
 *
 * The server knows nothing of virtqueues. The device model (virtio_fs_dev)
 * pops a chain, gathers its readable part into a buffer, hands it to
 * fuse_server_handle(), and scatters the reply over the writable part. This
 * keeps the protocol logic testable with plain byte arrays and lets the
 * device model concentrate on rings, ring states and workers.
 *
 * A session starts un-initialised: every request but INIT gets EIO until an
 * INIT has been answered. INIT negotiates the version, flags, max_write,
 * max_pages and map_alignment, and detects an opposite-endian guest from a
 * byte-swapped INIT opcode; from then on every request is converted from
 * the guest's order and every reply to it.
 */
#ifndef VFSIM_DEVICE_FUSE_SERVER_H
#define VFSIM_DEVICE_FUSE_SERVER_H

#include <stddef.h>

#include "sim/types.h"

struct fuse_server;
struct memfs;
struct dax_window;
struct lock_table;

/** @brief How the server is set up; zeroes select the defaults. */
struct fuse_server_config {
	u32 max_write; /**< largest WRITE payload accepted (default 1 MiB) */
	u32 max_pages; /**< max_pages offered in INIT (default 256) */
	u32 map_alignment; /**< log2 of the DAX mapping alignment (default 12) */
	u64 dax_window_size; /**< DAX window bytes (0: no window) */
	u32 max_inodes; /**< in-memory file system inode limit (0: default) */
	u64 max_file_size; /**< largest file (0: default) */
};

/** @brief What fuse_server_handle() asks the caller to do. */
enum fuse_server_result {
	/** write reply_len bytes of reply, complete the chain with that length */
	FUSE_SERVER_REPLY = 0,
	/** the opcode has no reply (FORGET, BATCH_FORGET): complete with 0 */
	FUSE_SERVER_NOREPLY = 1,
	/** SETLKW would block: call again with the same bytes once
	 *  fuse_server_lock_generation() has changed */
	FUSE_SERVER_BLOCKED = 2,
};

/** @brief Per-request context from the device model. */
struct fuse_server_ctx {
	/** the request came on a started but disabled ring: process it
	 *  without side effects (see the device model's documentation) */
	bool no_side_effects;
};

/**
 * @brief Create a server with an empty in-memory file system (just the root).
 * @return the server, or NULL when host memory runs out or @p cfg is
 *         invalid (map_alignment over 63, window size not a multiple of
 *         the alignment)
 */
struct fuse_server *fuse_server_new(const struct fuse_server_config *cfg);

/** @brief Free the server, its file system, locks and DAX window. */
void fuse_server_free(struct fuse_server *srv);

/**
 * @brief Serve one request.
 *
 * Never reads outside [req, req + req_len) or writes outside
 * [reply, reply + reply_cap); does not modify @p req (byte-swapped sessions
 * convert a private copy). A malformed request gets an error reply, never
 * a crash.
 * @param srv the server
 * @param req the request bytes (readable part of the chain)
 * @param req_len their number
 * @param reply where the reply goes (writable part of the chain)
 * @param reply_cap its size
 * @param reply_len set to the reply's length for FUSE_SERVER_REPLY, else 0
 * @param ctx per-request context (NULL: defaults)
 * @return a fuse_server_result, or -EMSGSIZE when @p reply_cap cannot hold
 *         even a fuse_out_header for a request that needs a reply (the
 *         chain is then completed with length 0 and the event traced)
 */
int fuse_server_handle(struct fuse_server *srv, const void *req, size_t req_len,
		       void *reply, size_t reply_cap, size_t *reply_len,
		       const struct fuse_server_ctx *ctx);

/**
 * @brief Changes whenever a POSIX lock is released or changed; a worker
 * holding a FUSE_SERVER_BLOCKED request waits for it to move.
 */
u64 fuse_server_lock_generation(const struct fuse_server *srv);

/** @brief True once an INIT has been answered successfully. */
bool fuse_server_initialized(const struct fuse_server *srv);

/** @brief True when the session speaks the opposite byte order. */
bool fuse_server_bswapped(const struct fuse_server *srv);

/** @brief The session's file system (for inspection and state transfer). */
struct memfs *fuse_server_fs(struct fuse_server *srv);

/** @brief The session's lock table. */
struct lock_table *fuse_server_locks(struct fuse_server *srv);

/** @brief The session's DAX window, or NULL when it has none. */
struct dax_window *fuse_server_dax(struct fuse_server *srv);

#endif /* VFSIM_DEVICE_FUSE_SERVER_H */
