/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file migration_stream.h
 * @brief The front end's side of back-end state transfer: the chunked
 *        migration stream, as QEMU's vhost_save_backend_state() and
 *        vhost_load_backend_state() write and read it.
 *
 * The front end does not know how big the back end's state is, so it moves
 * it in chunks: each chunk is a big-endian 32-bit length followed by that
 * many bytes, and a chunk of length 0 ends the state:
 *
 *	be32 n1, n1 bytes, be32 n2, n2 bytes, ..., be32 0
 *
 * - Save (source): mig_stream_save_from() reads the back end's pipe to end
 *   of file and appends the chunks, then the terminator. vfsim fills every
 *   chunk to the chunk size before writing it (QEMU writes whatever one
 *   read() returned), so the chunk boundaries do not depend on the pipe's
 *   capacity or the task interleaving: only the last chunk is short.
 * - Load (destination): mig_stream_load_into() reads the chunks from the
 *   stream's cursor, writes their bytes into the back end's pipe and closes
 *   its write end (on success and on error, as QEMU does, so the back end
 *   always sees end of file and never waits forever).
 *
 * Malformed streams get distinct errors:
 * | case | error |
 * |------|-------|
 * | the stream ends inside a length or inside a chunk's bytes | -ENODATA |
 * | a chunk is longer than #MIG_STREAM_CHUNK_MAX | -EMSGSIZE |
 * | the stream ends at a chunk boundary with no 0-length chunk | -ENOMSG |
 * | the back end closed its read end (it gave up) | -EPIPE |
 *
 * Fault points (sim/kernel/fault.h), consulted once per chunk on load:
 * "mig.cut" sends half of the chunk and ends the transfer with -ENODATA
 * (a stream cut short); "mig.corrupt" inverts the chunk's first byte on
 * the way (the back end's checksum must catch it).
 *
 * The stream lives in memory and can be written to a file
 * (mig_stream_write_file()) to be looked at with xxd, or listed chunk by
 * chunk with mig_stream_describe().
 * @ingroup sim_vmm
 */
#ifndef VFSIM_SIM_VMM_MIGRATION_STREAM_H
#define VFSIM_SIM_VMM_MIGRATION_STREAM_H

#include <stddef.h>
#include <stdio.h>

#include "sim/vmm/pipe.h"
#include "sim/kernel/types.h"

/** @brief Largest chunk (QEMU's chunk size: 1 MiB). */
#define MIG_STREAM_CHUNK_MAX (1024u * 1024)

/** @brief A migration stream in memory. */
struct mig_stream {
	u8 *data;   /**< the stream bytes */
	size_t len; /**< bytes in @c data */
	size_t cap; /**< allocated size of @c data */
	size_t pos; /**< read cursor of mig_stream_load_into() */
	u64 chunks; /**< data chunks written or read (terminator excluded) */
};

/** @brief An empty stream. */
void mig_stream_init(struct mig_stream *s);

/** @brief Free the stream's bytes (it is empty again). */
void mig_stream_free(struct mig_stream *s);

/**
 * @brief Append raw bytes (a test forging a stream, or other devices'
 *        sections around the back-end state).
 */
void mig_stream_append(struct mig_stream *s, const void *buf, size_t len);

/**
 * @brief Save: read @p p to end of file, appending chunks of @p chunk_size
 *        bytes (the last may be shorter) and the 0-length terminator, then
 *        close the read end. Run it in the front-end task.
 * @param p the back end's pipe (we hold its read end)
 * @param s the stream to append to
 * @param chunk_size 1..#MIG_STREAM_CHUNK_MAX, or 0 for the maximum
 * @return 0; -EINVAL for a bad @p chunk_size; a pipe_read() error. On error nothing is appended (the stream is rolled back)
 *         and the read end is closed, so the back end's writes fail with
 *         -EPIPE.
 */
int mig_stream_save_from(struct pipe *p, struct mig_stream *s,
			 size_t chunk_size);

/**
 * @brief Load: read chunks from the cursor up to the terminator, writing
 *        their bytes into @p p; close the write end in every case.
 * @return 0 (the cursor is just past the terminator), or one of the
 *         errors tabled in the file comment, or a pipe_write() error
 */
int mig_stream_load_into(struct mig_stream *s, struct pipe *p);

/** @brief Write the stream bytes to file @p path. @return 0 or -errno */
int mig_stream_write_file(const struct mig_stream *s, const char *path);

/** @brief Replace the stream by the bytes of file @p path (cursor 0).
 *  @return 0 or -errno */
int mig_stream_read_file(struct mig_stream *s, const char *path);

/**
 * @brief List the chunks from offset 0 as text, one line each
 *        ("chunk 0 at 0: 1048576 bytes", ..., "end at N"), or the error
 *        that stops the walk.
 * @return 0 or the error mig_stream_load_into() would report
 */
int mig_stream_describe(const struct mig_stream *s, FILE *out);

/** @brief Arguments and result of the front-end task bodies below. */
struct mig_frontend {
	struct pipe *pipe;	   /**< the back end's pipe */
	struct mig_stream *stream; /**< the migration stream */
	size_t chunk_size;	   /**< save: chunk size (0: 1 MiB) */
	int result;		   /**< what the body returned */
};

/** @brief Task body: mig_stream_save_from() with @p arg's fields. */
int mig_frontend_save_task(void *arg);

/** @brief Task body: mig_stream_load_into() with @p arg's fields. */
int mig_frontend_load_task(void *arg);

#endif /* VFSIM_SIM_VMM_MIGRATION_STREAM_H */
