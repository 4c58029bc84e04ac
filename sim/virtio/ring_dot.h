/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file ring_dot.h
 * @brief A split ring pictured as a Graphviz DOT graph.
 *
 * The picture shows both sides' indices (the driver's avail index and last
 * used index, the device's last avail index and used index), the entries
 * in use and nothing else: descriptors of chains in flight (chains drawn
 * as edges, indirect tables of in-flight chains beside them), avail
 * entries the device has not consumed and used entries the driver has not
 * reaped, each pointing at its chain. The rest is counted in one row per
 * table ("120 free, not drawn"), and each table draws at most
 * @ref RING_DOT_MAX_ROWS descriptors or @ref RING_DOT_MAX_ENTRIES ring
 * entries, so the picture of a 32,768-entry ring is no larger than a
 * 128-entry one's. Beside the ring, when the caller gives them,
 * are the requests the driver holds back from it (virtio-fs parks them on
 * a queue's queued_reqs when the ring is full); a legend names the
 * colours and edge styles.
 *
 * Every cell is at least as wide as its text under a conservative
 * per-character rule (@ref RING_DOT_FONT_SIZE, @ref RING_DOT_CHAR_EM_X100),
 * and longer texts are cut at @ref RING_DOT_MAX_CHARS, so labels stay
 * inside their boxes whatever font the SVG viewer picks for "monospace".
 *
 * The ring is read from guest memory as an observer would. Output is
 * deterministic: guest physical addresses and indices, never host
 * pointers.
 *
 *	ring_dot_write(stdout, vq, &vrh);   // then: dot -Tsvg
 * @ingroup sim_virtio
 */
#ifndef VFSIM_SIM_VIRTIO_RING_DOT_H
#define VFSIM_SIM_VIRTIO_RING_DOT_H

#include <stdio.h>

#include "sim/virtio/virtqueue.h"
#include "sim/virtio/vringh.h"

/** Descriptors drawn at most per table; the rest are counted. */
#define RING_DOT_MAX_ROWS 24
/** Avail or used entries drawn at most per ring (both rings share a
 * column of the picture); the rest are counted. */
#define RING_DOT_MAX_ENTRIES 12
/** Parked requests drawn at most; the rest are counted. */
#define RING_DOT_MAX_PARKED 8
/** Indirect tables drawn at most (each with at most RING_DOT_MAX_ROWS). */
#define RING_DOT_MAX_INDIRECT 4
/** Characters of one cell's text at most (longer ones end in "..."). */
#define RING_DOT_MAX_CHARS 56
/** Point size of the picture's monospace font. */
#define RING_DOT_FONT_SIZE 14
/** Width of one character in hundredths of the font size: monospace
 * fonts advance 0.60 em (DejaVu Sans Mono 0.602, Courier 0.600); 0.62
 * leaves room for a viewer's wider choice. */
#define RING_DOT_CHAR_EM_X100 62

/**
 * @brief Called by the picture with each request held off the ring.
 * @param ctx the picture's context, to hand back to @p emit
 * @param label one line about the request (e.g. "unique=12 GETATTR
 *        nodeid=1"); copied, so it may be a stack buffer
 */
typedef void (*ring_dot_emit_fn)(void *ctx, const char *label);

/** @brief What one picture shows. */
struct ring_dot_opts {
	/** the driver side, or NULL (its indices are then omitted, and the
	 * chains in use are those the device has not consumed yet) */
	const struct virtqueue *vq;
	/** the device side, or NULL (its indices are then omitted) */
	const struct vringh *vrh;
	/** the list requests wait on when the ring is full (e.g.
	 * "queued_reqs"); NULL draws no such box */
	const char *parked_name;
	/**
	 * Calls @p emit(@p ctx, label) once per request on that list, in
	 * order. The driver's list is the caller's business (sim/virtio
	 * knows no driver), hence a hook. May be NULL: an empty list.
	 */
	void (*for_each_parked)(const void *owner, ring_dot_emit_fn emit,
				void *ctx);
	/** passed to @ref for_each_parked */
	const void *owner;
};

/**
 * @brief Write the DOT picture of one ring.
 * @param out where to write
 * @param o what to draw
 * @return 0, -EINVAL when both sides are NULL, -EIO on a write error
 */
int ring_dot_write_opts(FILE *out, const struct ring_dot_opts *o);

/**
 * @brief The same picture as a malloc'ed string.
 * @return the string (free() it), or NULL on error
 */
char *ring_dot_string_opts(const struct ring_dot_opts *o);

/**
 * @brief Write the DOT picture of one ring, without parked requests.
 * @param out where to write
 * @param vq the driver side, or NULL (its indices are then omitted)
 * @param vrh the device side, or NULL (its indices are then omitted)
 * @return 0, -EINVAL when both sides are NULL, -EIO on a write error
 */
int ring_dot_write(FILE *out, const struct virtqueue *vq,
		   const struct vringh *vrh);

/**
 * @brief ring_dot_write()'s picture as a malloc'ed string.
 * @return the string (free() it), or NULL on error
 */
char *ring_dot_string(const struct virtqueue *vq, const struct vringh *vrh);

#endif /* VFSIM_SIM_VIRTIO_RING_DOT_H */
