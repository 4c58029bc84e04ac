/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file fuse_state.h
 * @brief The back end's migratable state: one FUSE session, serialised in
 *        a versioned, self-checking format (docs/state-format.md), saved
 *        from a server and loaded into another one over the same tree.
 *
 * **Model: shared storage.** As two virtiofsd instances exporting the same
 * host directory, source and destination see the same file tree and file
 * bytes (the "host file system"); what migrates is the FUSE session: the
 * negotiated INIT options (byte order included), every inode the guest
 * knows (nodeid, lookup count, generation, and its path, to find it again),
 * open file and directory handles with their flags, POSIX locks with their
 * owners (virtiofsd does not migrate locks; vfsim does), DAX mappings, and
 * the id counters so new ids never collide with old ones.
 * fuse_state_copy_tree() gives a destination server the source's tree
 * without any session state.
 *
 * **Load** re-finds every migrated inode by its path and rebuilds the
 * destination with the SAME nodeids and fhs, so the guest carries on with
 * no re-initialisation. Destination inodes the guest does not know get
 * fresh nodeids at or above the source's counter. An inode with no path
 * (unlinked but still open, looked up or mapped) cannot be found on shared
 * storage: it counts as not found. A not-found inode nothing in the guest
 * can name (no lookup, handle or mapping; only locks) is dropped with its
 * locks. Otherwise the policy decides:
 * - #FUSE_STATE_ABORT: the load fails with -ENOENT;
 * - #FUSE_STATE_GUEST_ERROR: the inode is re-created as an empty, nameless
 *   placeholder with its nodeid, lookups, handles, locks and mappings, and
 *   marked broken (fuse_server_mark_broken()): every request naming it gets
 *   EIO, as virtiofsd's --migration-on-error=guest-error.
 *
 * **All or nothing.** The state is decoded and checked completely, then
 * built in a scratch server and swapped into the destination
 * (fuse_server_exchange()) only when everything, memfs_check(),
 * locks_check() and dax_check() included, succeeded. On any error the
 * destination is exactly as before. Saving never changes the source, so
 * the source can resume after a failed migration.
 *
 * **Errors** (each distinct; the format ones also from fuse_state_verify()):
 * | errno | meaning |
 * |-------|---------|
 * | -EINVAL | a bad argument (NULL, unknown policy, unknown save version) |
 * | -ENODATA | truncated: shorter than the header or than header + body |
 * | -E2BIG | bytes after the body |
 * | -ENOMSG | bad magic: not a vfsim state |
 * | -EPROTONOSUPPORT | version 0 or newer than #FUSE_STATE_VERSION |
 * | -EBADMSG | checksum mismatch |
 * | -EPROTO | malformed: header size or flags, a section overrunning the body or of the wrong size, a required section missing or repeated, reserved bits set, a malformed path |
 * | -EUCLEAN | inconsistent content: ids out of order or at/above their counter, a handle/lock/mapping naming an inode not in the state, a duplicate path, a session INIT could not have produced, a restore or check failure |
 * | -EBUSY | the destination already has session state (INIT, lookups, handles, locks, mappings) |
 * | -EXDEV | the destination's configuration differs from the source's |
 * | -ENOENT | a migrated inode was not found (policy abort) |
 * | -ENOSPC | the destination's inode limit leaves no room (a placeholder) |
 * | -EOPNOTSUPP | saving version 1 of a session with locks or DAX mappings |
 * Host memory running out is not an error here: host_oom()
 * (sim/trace/host.h) ends the process.
 * The transfer task adds -EFBIG (a state above its max_size) and the
 * pipe's errors (-EPIPE, -EDEADLK).
 * @ingroup device
 */
#ifndef VFSIM_DEVICE_FUSE_STATE_H
#define VFSIM_DEVICE_FUSE_STATE_H

#include <stddef.h>

#include "device/fuse_server.h"
#include "sim/vmm/pipe.h"
#include "sim/kernel/types.h"

/** @brief Newest format version written and read. */
#define FUSE_STATE_VERSION 2
/** @brief Oldest format version read. */
#define FUSE_STATE_VERSION_MIN 1
/** @brief The 8 magic bytes that open every state. */
#define FUSE_STATE_MAGIC "VFSIMST"
/** @brief Header size in bytes. */
#define FUSE_STATE_HEADER_SIZE 32

/** @brief What to do with a migrated inode the destination cannot find. */
enum fuse_state_policy {
	FUSE_STATE_ABORT = 0,	    /**< fail the load (CHECK reports it) */
	FUSE_STATE_GUEST_ERROR = 1, /**< keep it as a broken placeholder: EIO */
};

/** @brief What a state holds (fuse_state_verify(), load reports). */
struct fuse_state_info {
	u32 version;	  /**< format version */
	size_t size;	  /**< total bytes */
	u64 inodes;	  /**< inode records (root included) */
	u64 unlinked;	  /**< of which have no path */
	u64 handles;	  /**< open file handles */
	u64 dir_handles;  /**< open directory handles */
	u64 locks;	  /**< POSIX locks */
	u64 mappings;	  /**< DAX mappings */
	u64 skipped;	  /**< sections of unknown type, skipped */
	bool initialized; /**< the session had answered INIT */
};

/** @brief What fuse_state_load() did. */
struct fuse_state_report {
	struct fuse_state_info info; /**< the state loaded */
	u64 not_found;		     /**< migrated inodes not found */
	u64 broken;		     /**< placeholders marked broken */
	u64 dropped;		     /**< not found and unnamed: dropped */
	u64 renumbered;		     /**< destination inodes given new ids */
	char missing[256];	     /**< path of the first not found ("" none;
					  "(unlinked)" for one with no path) */
};

/**
 * @brief Serialise @p srv's session in the newest version.
 * @param srv the source (not changed)
 * @param buf set to a malloc()ed buffer the caller frees
 * @param len set to its length
 * @return 0, -EINVAL
 */
int fuse_state_save(struct fuse_server *srv, void **buf, size_t *len);

/**
 * @brief fuse_state_save() in format @p version (1 or 2; version 1 has no
 *        generations, locks or mappings: -EOPNOTSUPP when there are any
 *        locks or mappings to save).
 */
int fuse_state_save_version(struct fuse_server *srv, u32 version, void **buf,
			    size_t *len);

/**
 * @brief Check a state's format and consistency without a destination.
 * @param buf the bytes
 * @param len their number
 * @param info filled in on success (may be NULL)
 * @return 0 or a format/content errno of the table above
 */
int fuse_state_verify(const void *buf, size_t len,
		      struct fuse_state_info *info);

/**
 * @brief Load a state into @p dst, all or nothing (see the file comment).
 * @param dst a server over the same tree with no session state
 * @param buf the bytes
 * @param len their number
 * @param policy what to do with an inode that cannot be found
 * @param rep filled in (may be NULL), also on failure as far as it got
 * @return 0 or an errno of the table above; on error @p dst is unchanged
 */
int fuse_state_load(struct fuse_server *dst, const void *buf, size_t len,
		    enum fuse_state_policy policy,
		    struct fuse_state_report *rep);

/**
 * @brief Give @p dst the file tree of @p src (names, attributes, bytes,
 *        readdir cookies, nodeids, counters) and no session state: the
 *        destination's view of the shared directory. The two trees share
 *        file data pages until either side writes one (copy on write).
 * @return 0, -EBUSY when @p dst holds anything but its root or has session
 *         state, -EXDEV when the configurations differ
 */
int fuse_state_copy_tree(struct fuse_server *dst, struct fuse_server *src);

/** @brief Direction of a transfer, as vhost-user's
 *  VhostDeviceStateDirection. */
enum fuse_state_direction {
	FUSE_STATE_DIR_SAVE = 0, /**< back end writes its state into the pipe */
	FUSE_STATE_DIR_LOAD = 1, /**< back end reads a state from the pipe */
};

/**
 * @brief The back end's side of one SET_DEVICE_STATE_FD transfer: run
 *        fuse_state_transfer_task() in a task, then CHECK_DEVICE_STATE is
 *        fuse_state_check().
 */
struct fuse_state_transfer {
	struct fuse_server *srv;	 /**< the back end */
	struct pipe *pipe;		 /**< the state channel */
	enum fuse_state_direction dir;	 /**< save or load */
	enum fuse_state_policy policy;	 /**< load: not-found policy */
	size_t write_size;		 /**< save: bytes per pipe_write()
						(0: everything at once) */
	size_t max_size;		 /**< load: largest state accepted
			      (0: #FUSE_STATE_MAX_SIZE) */
	bool done;			 /**< the task has finished */
	int result;			 /**< 0 or the error, once done */
	size_t bytes;			 /**< state bytes moved */
	struct fuse_state_report report; /**< load: what happened */
};

/**
 * @brief Task body. Save: serialise, write into the pipe, close the write
 *        end (also on error, so the front end sees EOF). Load: read the
 *        pipe to end of file, close the read end, load (a state above
 *        max_size is refused with -EFBIG).
 * @return the transfer's result
 */
int fuse_state_transfer_task(void *arg);

/** @brief Largest state a load accepts from a pipe (256 MiB). */
#define FUSE_STATE_MAX_SIZE (256u * 1024 * 1024)

/**
 * @brief CHECK_DEVICE_STATE: 0 when the transfer succeeded, its error when
 *        it failed, -EINPROGRESS while the task has not finished.
 */
int fuse_state_check(const struct fuse_state_transfer *t);

#endif /* VFSIM_DEVICE_FUSE_STATE_H */
