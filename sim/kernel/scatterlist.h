/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file scatterlist.h
 * @brief A minimal struct scatterlist, as virtqueue_add_sgs() consumes it.
 *
 * The kernel's scatterlist names a page, an offset and a length; here an
 * entry simply points at guest memory with a C pointer (which must lie in
 * the gmem arena: the ring stores virt_to_phys() of it). A list is an array
 * whose last entry carries the end mark; sg_next() stops there.
 * @ingroup sim_kernel
 */
#ifndef VFSIM_SIM_KERNEL_SCATTERLIST_H
#define VFSIM_SIM_KERNEL_SCATTERLIST_H

#include <string.h>

#include "sim/kernel/types.h"

/** @brief One piece of a buffer in guest memory. */
struct scatterlist {
	void *buf;	     /**< start of the piece (inside guest memory) */
	unsigned int length; /**< bytes in the piece */
	bool end;	     /**< true on the last entry of a list */
	u64 dma_address;     /**< GPA of @ref buf, set when the ring maps it */
};

/** @brief Mark @p sg as the last entry (kernel: sg_mark_end()). */
static inline void sg_mark_end(struct scatterlist *sg)
{
	sg->end = true;
}

/** @brief Point @p sg at @p buf (kernel: sg_set_buf()); keeps the end mark. */
static inline void sg_set_buf(struct scatterlist *sg, void *buf,
			      unsigned int buflen)
{
	sg->buf = buf;
	sg->length = buflen;
}

/** @brief Clear @p nents entries and mark the last (kernel: sg_init_table()). */
static inline void sg_init_table(struct scatterlist *sgl, unsigned int nents)
{
	memset(sgl, 0, sizeof(*sgl) * nents);
	sg_mark_end(&sgl[nents - 1]);
}

/** @brief A one-entry list over @p buf (kernel: sg_init_one()). */
static inline void sg_init_one(struct scatterlist *sg, void *buf,
			       unsigned int buflen)
{
	sg_init_table(sg, 1);
	sg_set_buf(sg, buf, buflen);
}

/** @brief The entry after @p sg, or NULL at the end (kernel: sg_next()). */
static inline struct scatterlist *sg_next(struct scatterlist *sg)
{
	return sg->end ? NULL : sg + 1;
}

/** @brief The buffer @p sg points at (kernel: sg_virt()). */
static inline void *sg_virt(const struct scatterlist *sg)
{
	return sg->buf;
}

#endif /* VFSIM_SIM_KERNEL_SCATTERLIST_H */
