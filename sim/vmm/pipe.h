/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file pipe.h
 * @brief A bounded byte channel with pipe semantics, for back-end state
 *        transfer (vhost-user SET_DEVICE_STATE_FD).
 *
 * The vhost-user spec asks only that the state channel "behave like a
 * pipe": the writer writes everything and closes its end to say "that was
 * all"; the reader reads until end of file. This is that pipe, inside the
 * simulated machine: a ring buffer of a fixed capacity whose two ends are
 * used from tasks, so a back end writing its state and a front end reading
 * it interleave and can be stepped.
 *
 * - pipe_write() copies all of its bytes, blocking (a yield point) while
 *   the buffer is full; a write of more than the capacity goes in pieces,
 *   waking the reader after each.
 * - pipe_read() blocks while the buffer is empty and the write end is
 *   open; it returns whatever is buffered (up to its size), or 0 at end of
 *   file (write end closed, buffer drained).
 * - Closing the read end makes every later or blocked write fail with
 *   -EPIPE (the reader is gone); closing the write end wakes the reader.
 * - Outside a task a blocking call runs the scheduler until it can go on;
 *   when nothing can make it go on it returns -EDEADLK instead of hanging.
 *
 * Every call is traced ("pipe.write", "pipe.read", "pipe.eof",
 * "pipe.close") with the pipe's name and byte counts, nothing else, so the
 * trace stays deterministic.
 * @ingroup sim_vmm
 */
#ifndef VFSIM_SIM_VMM_PIPE_H
#define VFSIM_SIM_VMM_PIPE_H

#include <stddef.h>
#include <sys/types.h>

#include "sim/kernel/types.h"
#include "sim/kernel/wait.h"

/** @brief Capacity pipe_init() uses when asked for 0 (Linux's default pipe
 *  buffer: 16 pages). */
#define PIPE_DEFAULT_CAPACITY (64u * 1024)
/** @brief Largest capacity accepted (Linux's default pipe-max-size). */
#define PIPE_MAX_CAPACITY (1024u * 1024)

/** @brief One pipe: a ring buffer and its two ends. */
struct pipe {
	char name[32];		   /**< name for the trace */
	u8 *buf;		   /**< ring buffer of @c cap bytes */
	size_t cap;		   /**< capacity */
	size_t head;		   /**< index of the oldest buffered byte */
	size_t len;		   /**< bytes buffered */
	bool write_closed;	   /**< the writer closed its end */
	bool read_closed;	   /**< the reader closed its end */
	wait_queue_head_t readers; /**< tasks waiting for bytes or EOF */
	wait_queue_head_t writers; /**< tasks waiting for room */
	u64 bytes_written;	   /**< bytes accepted by pipe_write() */
	u64 bytes_read;		   /**< bytes handed out by pipe_read() */
};

/**
 * @brief Set up an empty pipe with both ends open.
 * @param p the pipe
 * @param name name for the trace (truncated to 31 bytes; NULL: "pipe")
 * @param capacity buffer size in bytes, 0 for #PIPE_DEFAULT_CAPACITY
 * @return 0, or -EINVAL when @p capacity is above #PIPE_MAX_CAPACITY
 */
int pipe_init(struct pipe *p, const char *name, size_t capacity);

/** @brief Free the buffer; no task may be blocked on @p p. */
void pipe_destroy(struct pipe *p);

/**
 * @brief Write all of @p len bytes, blocking while the pipe is full.
 * @return @p len; -EBADF when the write end is already closed; -EPIPE when
 *         the read end is closed (before or while blocked: the bytes
 *         already buffered stay counted in bytes_written); -EDEADLK when
 *         called outside a task and no task can make room
 */
ssize_t pipe_write(struct pipe *p, const void *buf, size_t len);

/**
 * @brief Read up to @p len bytes, blocking while the pipe is empty and the
 *        write end open.
 * @return bytes read (at least 1 when @p len > 0), 0 at end of file (or
 *         when @p len is 0), -EBADF when the read end is closed, -EDEADLK
 *         when called outside a task and no task can write
 */
ssize_t pipe_read(struct pipe *p, void *buf, size_t len);

/** @brief Close the write end (idempotent): the reader sees EOF once the
 *  buffer is drained. */
void pipe_close_write(struct pipe *p);

/** @brief Close the read end (idempotent): buffered bytes are dropped and
 *  writers get -EPIPE. */
void pipe_close_read(struct pipe *p);

/** @brief Bytes buffered now. */
size_t pipe_buffered(const struct pipe *p);

#endif /* VFSIM_SIM_VMM_PIPE_H */
