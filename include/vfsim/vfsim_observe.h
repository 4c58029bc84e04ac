/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vfsim_observe.h
 * @ingroup lib
 * @brief libvfsim's public API, observers: the queues and what is parked
 * on them, the device's side, open requests, checker reports, the trace
 * and the scheduling choices.
 *
 * Part of <vfsim/vfsim.h>, which includes it: a program includes
 * <vfsim/vfsim.h> only, never this header on its own (it needs the
 * types declared there). The stability promise of vfsim.h covers it.
 */
#ifndef VFSIM_VFSIM_OBSERVE_H
#define VFSIM_VFSIM_OBSERVE_H

#ifndef VFSIM_VFSIM_H
#error "include <vfsim/vfsim.h>, not vfsim_observe.h on its own"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** @name Observers */
///@{
/** @brief One virtqueue as the driver and the device see it. */
struct vfsim_queue {
	char name[24]; ///< "hiprio" or "requests.N"
	unsigned size; ///< ring entries
	/** free descriptors. Without INDIRECT a request takes one per
	 *  element of its scatter list: its in header, each in argument, its
	 *  out header, each out argument, and for data one per page of it. A
	 *  LOOKUP, a GETATTR, an OPEN or a READ of up to 4096 bytes takes 4,
	 *  a WRITE of up to 4096 bytes 5, a 12000-byte READ 6; the trace's
	 *  vq.add line says "descs=N out=O in=I". With INDIRECT each request
	 *  takes 1 */
	unsigned num_free;
	/** the driver's in_flight: requests sent on this queue and not
	 *  ended, whether on the ring (taken by the device or not) or
	 *  parked on queued_reqs */
	long in_flight;
	unsigned parked;    ///< requests parked on queued_reqs
	unsigned avail_idx; ///< the driver's avail index
	unsigned used_idx;  ///< the device's used index, in guest memory
	bool connected;	    ///< the driver's connected flag
};

/**
 * @brief Queue @p index of the driver: 0 is hiprio, 1..N the request
 * queues, named (q.name, the trace, the scenario language) "requests.0"
 * .. "requests.(N-1)".
 * @return 0; -ENODEV when the driver has no such queue (now: after an
 *         unplug it has none)
 */
int vfsim_queue(struct vfsim *vm, unsigned index, struct vfsim_queue *q);

/**
 * @brief FUSE request opcodes, as struct vfsim_parked::opcode gives them:
 * the numbers of the FUSE protocol (Linux's include/uapi/linux/fuse.h),
 * under a VFSIM_ prefix so they clash with no other header.
 * vfsim_opcode_name() gives the name the trace prints ("op=READ").
 */
enum vfsim_opcode {
	VFSIM_FUSE_LOOKUP = 1,		 ///< look a name up in a directory
	VFSIM_FUSE_FORGET = 2,		 ///< drop lookups; no reply
	VFSIM_FUSE_GETATTR = 3,		 ///< read attributes
	VFSIM_FUSE_SETATTR = 4,		 ///< change attributes
	VFSIM_FUSE_READLINK = 5,	 ///< read a symlink target
	VFSIM_FUSE_SYMLINK = 6,		 ///< create a symlink
	VFSIM_FUSE_MKNOD = 8,		 ///< create a node
	VFSIM_FUSE_MKDIR = 9,		 ///< create a directory
	VFSIM_FUSE_UNLINK = 10,		 ///< remove a name
	VFSIM_FUSE_RMDIR = 11,		 ///< remove a directory
	VFSIM_FUSE_RENAME = 12,		 ///< rename
	VFSIM_FUSE_LINK = 13,		 ///< hard link
	VFSIM_FUSE_OPEN = 14,		 ///< open a file
	VFSIM_FUSE_READ = 15,		 ///< read data
	VFSIM_FUSE_WRITE = 16,		 ///< write data
	VFSIM_FUSE_STATFS = 17,		 ///< file system statistics
	VFSIM_FUSE_RELEASE = 18,	 ///< close a file
	VFSIM_FUSE_FSYNC = 20,		 ///< sync a file
	VFSIM_FUSE_SETXATTR = 21,	 ///< set an extended attribute
	VFSIM_FUSE_GETXATTR = 22,	 ///< get an extended attribute
	VFSIM_FUSE_LISTXATTR = 23,	 ///< list extended attributes
	VFSIM_FUSE_REMOVEXATTR = 24,	 ///< remove an extended attribute
	VFSIM_FUSE_FLUSH = 25,		 ///< close of one descriptor
	VFSIM_FUSE_INIT = 26,		 ///< session negotiation
	VFSIM_FUSE_OPENDIR = 27,	 ///< open a directory
	VFSIM_FUSE_READDIR = 28,	 ///< read directory entries
	VFSIM_FUSE_RELEASEDIR = 29,	 ///< close a directory
	VFSIM_FUSE_FSYNCDIR = 30,	 ///< sync a directory
	VFSIM_FUSE_GETLK = 31,		 ///< test a lock
	VFSIM_FUSE_SETLK = 32,		 ///< set a lock
	VFSIM_FUSE_SETLKW = 33,		 ///< set a lock, waiting
	VFSIM_FUSE_ACCESS = 34,		 ///< permission check
	VFSIM_FUSE_CREATE = 35,		 ///< create and open
	VFSIM_FUSE_INTERRUPT = 36,	 ///< interrupt a request
	VFSIM_FUSE_BMAP = 37,		 ///< map a block
	VFSIM_FUSE_DESTROY = 38,	 ///< end of session
	VFSIM_FUSE_IOCTL = 39,		 ///< ioctl
	VFSIM_FUSE_POLL = 40,		 ///< poll
	VFSIM_FUSE_NOTIFY_REPLY = 41,	 ///< reply to NOTIFY_RETRIEVE
	VFSIM_FUSE_BATCH_FORGET = 42,	 ///< many FORGETs at once; no reply
	VFSIM_FUSE_FALLOCATE = 43,	 ///< allocate space
	VFSIM_FUSE_READDIRPLUS = 44,	 ///< entries with attributes
	VFSIM_FUSE_RENAME2 = 45,	 ///< rename with flags
	VFSIM_FUSE_LSEEK = 46,		 ///< SEEK_DATA / SEEK_HOLE
	VFSIM_FUSE_COPY_FILE_RANGE = 47, ///< server-side copy
	VFSIM_FUSE_SETUPMAPPING = 48,	 ///< map file range into DAX window
	VFSIM_FUSE_REMOVEMAPPING = 49,	 ///< unmap DAX window ranges
	VFSIM_FUSE_SYNCFS = 50,		 ///< sync the file system
	VFSIM_FUSE_TMPFILE = 51,	 ///< create an unnamed file
};

/** @brief The name the trace gives opcode @p opcode ("READ" for
 *  #VFSIM_FUSE_READ), or NULL for a number that is no FUSE opcode. */
const char *vfsim_opcode_name(uint32_t opcode);

/** @brief A request or FORGET parked on a queue's queued_reqs. */
struct vfsim_parked {
	uint64_t unique; ///< its FUSE unique (FORGETs get one too)
	uint32_t opcode; ///< its FUSE opcode (enum vfsim_opcode)
	uint64_t nodeid; ///< the inode it is about
};

/**
 * @brief The requests parked on queue @p index's queued_reqs, oldest
 * first (the mainline driver parks them when the ring is full; hiprio
 * parks FORGETs).
 * @param vm the machine
 * @param index queue, as vfsim_queue()
 * @param out filled with at most @p max entries (may be NULL when @p max
 *        is 0)
 * @param max room in @p out
 * @return the number parked (which may exceed @p max), or -ENODEV
 */
long vfsim_queue_parked(struct vfsim *vm, unsigned index,
			struct vfsim_parked *out, size_t max);

/** @brief The device's side. */
struct vfsim_device {
	bool paused;	///< vfsim_device_pause() in effect
	bool dead;	///< vfsim_device_die() (or it never came up)
	bool suspended; ///< every ring stopped (vhost-user)
	/** chains the device has taken off its rings and not yet answered.
	 *  A paused device takes none: what waits in a ring for it counts in
	 *  vfsim_queue::in_flight, not here */
	uint64_t requests;
	uint64_t inodes;  ///< inodes of its file system
	uint64_t handles; ///< open file and directory handles
	uint64_t lookups; ///< lookup counts the guest owes (root aside)
};

/** @brief Fill in @p d. @return 0 */
int vfsim_device_state(struct vfsim *vm, struct vfsim_device *d);

/**
 * @brief Requests the guest sent that have not ended, from the ledger of
 * the invariant "every request ends exactly once".
 */
uint64_t vfsim_requests_open(const struct vfsim *vm);

/** @brief A checker report: a bug the checkers found in the run. */
struct vfsim_report {
	const char *kind;    ///< e.g. "deadlock", "invariant", "spin.sleep"
	const char *message; ///< what, with task names and trace positions
	const char *task;    ///< the task that was running
	uint64_t trace_seq;  ///< trace position of the report's event
};

/**
 * @brief Reports filed so far (of kind @p kind, or all with NULL), stored
 * or not. Only the first 100 of each kind are stored for vfsim_report(); a
 * bug that reports on every retry of a loop is counted here in full.
 */
size_t vfsim_reports(const struct vfsim *vm, const char *kind);

/** @brief Reports filed so far (of kind @p kind, or all with NULL) that
 *  were not stored: those past the first 100 of their kind. */
size_t vfsim_reports_dropped(const struct vfsim *vm, const char *kind);

/** @brief Stored report @p i (from 0; there are vfsim_reports() -
 *  vfsim_reports_dropped() of them). @return 0, or -ERANGE */
int vfsim_report(const struct vfsim *vm, size_t i, struct vfsim_report *r);

/** @brief Events in the trace so far. */
uint64_t vfsim_trace_count(const struct vfsim *vm);

/** @brief Events whose text line contains @p text. */
uint64_t vfsim_trace_matches(const struct vfsim *vm, const char *text);

/**
 * @brief The first event at or after index @p from (0-based) whose line
 * contains @p text. @return its index (0-based: the line shows it plus 1),
 * or -1
 */
long vfsim_trace_find(const struct vfsim *vm, const char *text, size_t from);

/**
 * @brief Event @p i (0-based; its line shows i + 1 as its number) as a
 * line of text, truncated to @p size. The line is "TIME us #SEQ TASK KIND
 * TEXT" (trace.md gives the format and every kind).
 * @return the full line's length, like snprintf(), or -ERANGE
 */
int vfsim_trace_line(const struct vfsim *vm, size_t i, char *buf, size_t size);

/** @brief Hash of the whole trace: equal hashes, equal traces (the
 *  determinism check). A machine of the library always computes it
 *  (only `vfsim run`, which prints none, does without). */
uint64_t vfsim_trace_hash(const struct vfsim *vm);

/**
 * @brief The scheduling choices made so far as a policy string
 * ("replay:I,J,..."): vfsim_config::policy set to it replays this run.
 * @return its length, like snprintf() (@p buf may be NULL with size 0)
 */
int vfsim_choices(const struct vfsim *vm, char *buf, size_t size);
///@}

#ifdef __cplusplus
}
#endif

#endif /* VFSIM_VFSIM_OBSERVE_H */
