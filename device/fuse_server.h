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
 *
 * @par INIT
 * As libfuse and virtiofsd: major below 7 gets EPROTO; major above 7 gets a
 * reply carrying only the server's major/minor (everything else zero) and
 * leaves the session un-initialised, so the guest can retry with 7; minor
 * below #FUSE_SERVER_MIN_MINOR gets EPROTO (Rust virtiofsd's minimum; C
 * virtiofsd asked for 31); a second INIT in an initialised session gets EIO
 * (libfuse's fuse_ll_process_buf()). The reply carries minor 38 (the guest
 * takes the smaller), the intersection of the guest's flags with
 * ASYNC_READ, POSIX_LOCKS, ATOMIC_O_TRUNC, BIG_WRITES, MAX_PAGES, INIT_EXT
 * and, only with a DAX window, MAP_ALIGNMENT; flags2 is read only when the
 * guest sets INIT_EXT and is always answered 0 (no bit above 31 is
 * supported). max_write is the configured cap, max_pages and map_alignment
 * are sent only when their flag was negotiated, max_readahead echoes the
 * guest's, time_gran is 1 ns (memfs keeps nanoseconds).
 *
 * @par Errors the server chooses
 * | case | reply |
 * |------|-------|
 * | fewer than 40 bytes (no readable header, no unique) | none: -EBADMSG, complete with length 0 (the kernel then fails the request with EIO) |
 * | @p reply_cap below a fuse_out_header | none: -EMSGSIZE, complete with length 0 |
 * | any request but INIT before INIT | EIO (libfuse) |
 * | malformed request (fuse_proto_parse_request() or, byte-swapped, fuse_proto_bswap_request() fails) | that function's errno, unchanged (EBADMSG, EPROTO, EILSEQ, EOVERFLOW, E2BIG, ...) |
 * | unknown or unimplemented opcode | ENOSYS |
 * | reply room too small for the fixed reply, or a READ/READDIR size above the reply room | ERANGE (a bare header; nothing is executed) |
 * | WRITE size above max_write | EINVAL |
 * | READDIR size too small for the next entry | EINVAL (an empty reply would read as end of directory) |
 * | fh of another node (GETATTR with FUSE_GETATTR_FH, SETATTR with FATTR_FH, GETLK/SETLK/SETLKW, SETUPMAPPING with fh != ~0) | EBADF |
 * | FUSE_LK_FLOCK in lk_flags (flock() is not negotiated) | ENOSYS |
 * | SETUPMAPPING/REMOVEMAPPING without a DAX window | ENOSYS (as virtiofsd without a cache) |
 * | SETUPMAPPING flags beyond READ/WRITE; REMOVEMAPPING with count 0 | EINVAL |
 * | a malformed FORGET/BATCH_FORGET/INTERRUPT/NOTIFY_REPLY | no reply (the opcode has none), traced "fuse.bad" |
 * | a request naming an inode a migration could not restore (fuse_server_mark_broken()) | EIO, traced "inode lost in migration" |
 * | LOOKUP, CREATE or MKDIR of an inode whose lookup count is at MEMFS_NLOOKUP_MAX (only a migrated state can put it there) | EOVERFLOW: the nodeid is not handed out, the count does not wrap |
 * Everything else is the back end's errno (memfs.h, locks.h, dax.h).
 *
 * @par Started but disabled rings (fuse_server_ctx.no_side_effects)
 * Requests are read and validated as usual (a malformed one gets its error,
 * EIO before INIT). Then, per opcode:
 * | opcodes | on a disabled ring |
 * |---------|--------------------|
 * | GETATTR, READ, READDIR, GETLK, STATFS, ACCESS | answered normally: they change nothing (reads do not touch atime) |
 * | INIT, DESTROY | EAGAIN: they change the session |
 * | LOOKUP, CREATE, MKDIR | EAGAIN: a reply would add a lookup count |
 * | OPEN, OPENDIR, RELEASE, RELEASEDIR, FLUSH | EAGAIN: they create or close handles, FLUSH drops locks |
 * | WRITE, SETATTR, UNLINK, RMDIR, RENAME, RENAME2 | EAGAIN: they change the file system |
 * | SETLK, SETLKW | EAGAIN: they change the lock table (SETLKW never blocks here) |
 * | SETUPMAPPING, REMOVEMAPPING | EAGAIN: they change the DAX window |
 * | FORGET, BATCH_FORGET, INTERRUPT, NOTIFY_REPLY | discarded (no reply), traced "forget discarded on disabled ring" / "ignored" |
 * | anything else | ENOSYS, as on an enabled ring |
 *
 * @par Lookup counts, handles, locks
 * Every reply that hands out a nodeid (LOOKUP, CREATE, MKDIR) adds one
 * lookup; FORGET/BATCH_FORGET drop them (an over-forget or an unknown node
 * is traced, never answered). FLUSH drops the POSIX locks of its
 * lock_owner on the file (as virtiofsd does: close() releases a process's
 * locks); RELEASE drops them too when FUSE_RELEASE_FLOCK_UNLOCK is set.
 * SETLKW is answered EOPNOTSUPP unless fuse_server_config.blocking_setlkw;
 * with it, SETLKW on a conflict returns #FUSE_SERVER_BLOCKED without
 * changing anything, so the retried request is idempotent.
 *
 * @par Trailing bytes
 * A FORGET longer than its fuse_forget_in is accepted and the rest
 * ignored, as libfuse and virtiofsd read only what they need (the 2019
 * driver sent its list_head along: forget-sends-list-head); the note "N
 * trailing bytes ignored" is traced. Every other request must be exactly
 * as long as its arguments (E2BIG otherwise).
 *
 * @par DESTROY
 * Ends the session: every DAX mapping is removed, every lock released,
 * every handle closed, every lookup forgotten (inodes with no name left are
 * freed; the tree itself stays, as a shared directory outlives a mount),
 * then the header-only reply is sent (in the session's byte order) and the
 * session is un-initialised: the next request must be an INIT.
 *
 * @par Timeouts
 * entry_out and attr_out carry #FUSE_SERVER_ENTRY_VALID_SEC and
 * #FUSE_SERVER_ATTR_VALID_SEC (1 s each, virtiofsd's default with
 * cache=auto).
 * @ingroup device
 */
#ifndef VFSIM_DEVICE_FUSE_SERVER_H
#define VFSIM_DEVICE_FUSE_SERVER_H

#include <stddef.h>

#include "fuse_proto/fuse_proto.h"
#include "sim/kernel/types.h"

/** @brief Oldest INIT minor accepted (older gets EPROTO), as Rust virtiofsd. */
#define FUSE_SERVER_MIN_MINOR 27
/** @brief entry_out.entry_valid, seconds. */
#define FUSE_SERVER_ENTRY_VALID_SEC 1
/** @brief entry_out/attr_out.attr_valid, seconds. */
#define FUSE_SERVER_ATTR_VALID_SEC 1
/** @brief INIT max_background sent (the kernel's default). */
#define FUSE_SERVER_MAX_BACKGROUND 12
/** @brief INIT congestion_threshold sent (3/4 of max_background). */
#define FUSE_SERVER_CONGESTION_THRESHOLD 9
/** @brief INIT time_gran sent: nanosecond timestamps. */
#define FUSE_SERVER_TIME_GRAN 1
/** @brief STATFS block size and fragment size. */
#define FUSE_SERVER_STATFS_BSIZE 4096
/** @brief STATFS total blocks: a virtual 4 GiB device (memfs has no
 *  global block limit); bfree = total minus allocated data pages. */
#define FUSE_SERVER_STATFS_BLOCKS (1ULL << 20)
/** @brief INIT flags the server can grant (MAP_ALIGNMENT only with a DAX
 *  window, REQUEST_TIMEOUT only with fuse_server_config.request_timeout,
 *  added at INIT time). */
#define FUSE_SERVER_INIT_FLAGS                                            \
	((u64)(FUSE_ASYNC_READ | FUSE_POSIX_LOCKS | FUSE_ATOMIC_O_TRUNC | \
	       FUSE_BIG_WRITES | FUSE_MAX_PAGES | FUSE_INIT_EXT))

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
	/** trace each parsed request's node and names ("fuse.args": nodeid,
	 *  name, name2), as vfsim serve does to show what a real driver
	 *  asked about; off in simulated runs, whose traces stay as they are */
	bool trace_args;
	/** SETLKW may wait for a conflicting lock (#FUSE_SERVER_BLOCKED);
	 *  false (the default): every SETLKW is answered EOPNOTSUPP, as C
	 *  virtiofsd's lo_setlk() does */
	bool blocking_setlkw;
	/** seconds of request timeout to ask for in INIT
	 *  (FUSE_REQUEST_TIMEOUT, protocol 7.43) when the guest offers it;
	 *  0 (the default, as virtiofsd): none */
	u16 request_timeout;
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
 * @return the server, or NULL when @p cfg is invalid (map_alignment over 63, window size not a multiple of
 *         the alignment, max_pages over 65535, max_write below 4096)
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
 *         even a fuse_out_header for a request that needs a reply, or
 *         -EBADMSG when @p req_len is below a fuse_in_header (no unique to
 *         answer); in both cases the chain is completed with length 0 and
 *         the event traced
 */
int fuse_server_handle(struct fuse_server *srv, const void *req, size_t req_len,
		       void *reply, size_t reply_cap, size_t *reply_len,
		       const struct fuse_server_ctx *ctx);

/** @brief What a tap (fuse_server_set_tap()) is shown. */
enum fuse_server_tap_kind {
	FUSE_SERVER_TAP_REQUEST, ///< a request as the server received it
	FUSE_SERVER_TAP_REPLY,	 ///< the reply it made (FUSE_SERVER_REPLY)
	FUSE_SERVER_TAP_STATE,	 ///< a state fuse_state_save() produced
};

/**
 * @brief A tap: shown every message a server handles and every state it
 * saves, as bytes. @p opcode is the request's (0 for a state, and for a
 * request too short to have one). Called after the server is done with
 * the bytes; it may copy them, not keep the pointer.
 */
typedef void (*fuse_server_tap_fn)(void *arg, enum fuse_server_tap_kind kind,
				   u32 opcode, const void *bytes, size_t len);

/**
 * @brief Install @p fn (NULL: none) as the tap of every server of the
 * process: vfsim's own, for tools that collect real messages and states
 * (scripts/fuzz-seeds.py seeds the fuzz corpora with them). It changes
 * nothing the server does.
 */
void fuse_server_set_tap(fuse_server_tap_fn fn, void *arg);

/**
 * @brief Changes whenever a POSIX lock is released or changed; a worker
 * holding a FUSE_SERVER_BLOCKED request waits for it to move.
 */
u64 fuse_server_lock_generation(const struct fuse_server *srv);

/** @brief Turn the "fuse.args" trace of fuse_server_config::trace_args on
 *  or off. */
void fuse_server_set_trace_args(struct fuse_server *srv, bool on);

/**
 * @brief Set the server's virtual clock, stamped on every change from the
 * next request on (FATTR_ATIME_NOW/MTIME_NOW use it too).
 * @return 0, or -EINVAL when @p nsec is over 999999999 (nothing changes)
 */
int fuse_server_set_time(struct fuse_server *srv, s64 sec, u32 nsec);

/** @brief INIT flags negotiated (bits 32.. from flags2); 0 before INIT. */
u64 fuse_server_init_flags(const struct fuse_server *srv);

/** @brief Minor version in use (the smaller of the guest's and 38); 0
 *  before INIT. */
u32 fuse_server_minor(const struct fuse_server *srv);

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

/* --- state transfer (device/fuse_state.h) ---------------------------- */

/** @brief The negotiated session: what INIT left behind, and the clock. */
struct fuse_server_session {
	bool initialized; ///< an INIT has been answered
	bool bswapped;	  ///< the guest speaks the other byte order
	u32 minor;	  ///< negotiated minor (0 before INIT)
	u64 flags;	  ///< negotiated INIT flags (bits 32.. from flags2)
	s64 now_sec;	  ///< virtual clock, seconds
	u32 now_nsec;	  ///< virtual clock, nanoseconds
};

/** @brief The configuration in use, defaults filled in. */
void fuse_server_get_config(const struct fuse_server *srv,
			    struct fuse_server_config *cfg);

/** @brief Copy out the negotiated session (for fuse_state_save()). */
void fuse_server_get_session(const struct fuse_server *srv,
			     struct fuse_server_session *s);

/**
 * @brief End the session because the device was reset: exactly what DESTROY
 *        does (mappings, locks, handles and lookups dropped, the tree kept,
 *        the session un-initialised so the next request must be INIT),
 *        traced "fuse_server.reset". A session never initialised is left
 *        alone and nothing is traced.
 */
void fuse_server_reset_session(struct fuse_server *srv);

/**
 * @brief Restore a negotiated session so the guest carries on without a
 *        new INIT.
 * @return 0, or -EINVAL (nothing changes) when @p s could not have come
 *         from an INIT of this server: an initialised session with a minor
 *         outside #FUSE_SERVER_MIN_MINOR..FUSE_KERNEL_MINOR_VERSION or a
 *         flag this server cannot grant; an un-initialised one with
 *         anything but zeroes; nanoseconds above 999999999
 */
int fuse_server_restore_session(struct fuse_server *srv,
				const struct fuse_server_session *s);

/**
 * @brief Exchange everything two servers hold (session, file system,
 *        locks, DAX window, broken set), so a state loaded into a scratch
 *        server becomes live in one step. Nothing points back at the server
 *        structure, so the device keeps its pointer.
 */
void fuse_server_exchange(struct fuse_server *a, struct fuse_server *b);

/**
 * @brief Mark @p nodeid broken: an inode that a migration could not find
 *        again (policy guest-error, as virtiofsd's
 *        --migration-on-error=guest-error).
 *
 * Every request naming it, as its header nodeid, as RENAME's new
 * directory, or through a handle on it (READ, WRITE, FLUSH, READDIR,
 * GETLK, SETLK, SETLKW, SETUPMAPPING), is answered EIO and not executed.
 * FORGET, BATCH_FORGET, RELEASE and RELEASEDIR are still carried out, so
 * the guest can let go of it. Nodeids are never reused, so the mark stays.
 * @return 0, or -EEXIST when already marked
 */
int fuse_server_mark_broken(struct fuse_server *srv, u64 nodeid);

/** @brief True when @p nodeid was marked broken. */
bool fuse_server_is_broken(const struct fuse_server *srv, u64 nodeid);

/** @brief Number of nodeids marked broken. */
size_t fuse_server_nr_broken(const struct fuse_server *srv);

#endif /* VFSIM_DEVICE_FUSE_SERVER_H */
