/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file locks.h
 * @brief POSIX byte-range locks per inode per lock owner, with fcntl
 *        semantics, as a FUSE server keeps them for GETLK/SETLK/SETLKW.
 *
 * A range is [start, end] inclusive; end == LOCKS_OFFSET_MAX means "to EOF
 * and beyond". One owner's locks on one inode never overlap and never touch
 * with the same type: a new lock replaces whatever the owner held in its
 * range (splitting, trimming or converting older locks) and merges with
 * adjacent or overlapping locks of the same type. Different owners conflict
 * when their ranges overlap and at least one holds a write lock.
 *
 * **SETLKW.** locks_setlk() never blocks: it returns -EAGAIN on a conflict.
 * For SETLKW the server parks the request and retries when
 * locks_generation() has changed; the generation moves whenever a lock is
 * removed, shrunk or downgraded (anything that could unblock a waiter), and
 * also on every other change, so "unchanged" means "retry is pointless".
 * Deadlock detection is not done.
 *
 * **Order.** Locks are kept sorted by (inode, owner, start); iteration and
 * GETLK use that order, so GETLK reports the conflicting lock of the
 * lowest owner, and among its locks the lowest start.
 * @ingroup device
 */
#ifndef VFSIM_DEVICE_LOCKS_H
#define VFSIM_DEVICE_LOCKS_H

#include "sim/kernel/types.h"

/** @brief Largest lock offset: end of a lock that runs to EOF (OFFSET_MAX). */
#define LOCKS_OFFSET_MAX 0x7fffffffffffffffULL

/** @brief One lock (or a lock request, or a GETLK answer). */
struct posix_lock {
	u64 ino;   ///< inode nodeid
	u64 owner; ///< lock owner (FUSE lock_owner)
	u32 pid;   ///< pid reported by GETLK
	u32 type;  ///< F_RDLCK, F_WRLCK or F_UNLCK
	u64 start; ///< first byte
	u64 end;   ///< last byte, inclusive (LOCKS_OFFSET_MAX = to EOF)
};

struct lock_table;

/** @brief An empty lock table. */
struct lock_table *locks_new(void);
/** @brief Free a table (NULL is fine). */
void locks_free(struct lock_table *t);

/**
 * @brief GETLK: *out gets the first lock of another owner that conflicts
 *        with @p req (ino, owner, type, start, end), or type F_UNLCK with
 *        the request's range if none does. -EINVAL for a bad request.
 */
int locks_getlk(const struct lock_table *t, const struct posix_lock *req,
		struct posix_lock *out);
/**
 * @brief SETLK/SETLKW: apply @p req for its owner; F_UNLCK removes.
 *        -EAGAIN on a conflict (nothing changes), -EINVAL for a bad type or
 *        range (start > end or end > LOCKS_OFFSET_MAX).
 */
int locks_setlk(struct lock_table *t, const struct posix_lock *req);
/** @brief Drop every lock @p owner holds on @p ino (RELEASE, FLUSH). */
void locks_release_owner(struct lock_table *t, u64 ino, u64 owner);
/** @brief Drop every lock on @p ino (the inode was freed). */
void locks_release_inode(struct lock_table *t, u64 ino);
/** @brief A counter that changes whenever the table changes (SETLKW retry). */
u64 locks_generation(const struct lock_table *t);
/** @brief Number of locks held. */
size_t locks_count(const struct lock_table *t);
/** @brief Visit every lock in (ino, owner, start) order; stops on nonzero. */
int locks_for_each(const struct lock_table *t,
		   int (*fn)(void *arg, const struct posix_lock *lk),
		   void *arg);
/**
 * @brief Restore: add one lock verbatim; -EINVAL if it is malformed or
 *        overlaps or touches a lock of the same owner, -EAGAIN if it
 *        conflicts with another owner's.
 */
int locks_restore(struct lock_table *t, const struct posix_lock *lk);
/** @brief Restore: set the generation counter. */
void locks_set_generation(struct lock_table *t, u64 gen);
/** @brief Verify ordering, no same-owner overlap, no conflicts: 0/-EUCLEAN. */
int locks_check(const struct lock_table *t);

#endif /* VFSIM_DEVICE_LOCKS_H */
