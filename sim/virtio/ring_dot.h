/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file ring_dot.h
 * @brief A split ring pictured as a Graphviz DOT graph.
 *
 * The picture shows the descriptor table (address, length, flags, next,
 * with chains drawn as edges and in-flight heads highlighted), indirect
 * tables of in-flight chains, the avail ring and the used ring (slots the
 * other side has not consumed yet point at their chains), and both sides'
 * indices: the driver's avail index and last used index, the device's
 * last avail index and used index. The ring is read from guest memory as
 * an observer would, with copy_from_guest(). Output is deterministic: it
 * holds guest physical addresses and indices, never host pointers.
 *
 *	ring_dot_write(stdout, vq, &vrh);   // then: dot -Tsvg
 * @ingroup sim_virtio
 */
#ifndef VFSIM_SIM_VIRTIO_RING_DOT_H
#define VFSIM_SIM_VIRTIO_RING_DOT_H

#include <stdio.h>

#include "sim/virtio/virtqueue.h"
#include "sim/virtio/vringh.h"

/**
 * @brief Write the DOT picture of one ring.
 * @param out where to write
 * @param vq the driver side, or NULL (its indices are then omitted)
 * @param vrh the device side, or NULL (its indices are then omitted)
 * @return 0, -EINVAL when both sides are NULL, -EIO on a write error
 */
int ring_dot_write(FILE *out, const struct virtqueue *vq,
		   const struct vringh *vrh);

/**
 * @brief The same picture as a malloc'ed string.
 * @return the string (free() it), or NULL on error
 */
char *ring_dot_string(const struct virtqueue *vq, const struct vringh *vrh);

#endif /* VFSIM_SIM_VIRTIO_RING_DOT_H */
