/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file mm.h
 * @brief Pages of guest memory: PAGE_SIZE, struct page, alloc_page().
 *
 * A kernel page is a frame plus its struct page metadata; the guest model
 * only needs the frame, so here a struct page pointer is the page's own
 * address in guest memory. Pages come from kmalloc() (a PAGE_SIZE block of
 * guest memory is page-aligned), so leaks and double frees are tracked like
 * any allocation, by the caller's site.
 * @ingroup sim_kernel
 */
#ifndef VFSIM_SIM_KERNEL_MM_H
#define VFSIM_SIM_KERNEL_MM_H

#include "sim/kernel/slab.h"

/** @brief log2 of the page size. */
#define PAGE_SHIFT 12

/** @brief Bytes in a page. */
#define PAGE_SIZE (1UL << PAGE_SHIFT)

/** @brief A page of guest memory (the pointer is the page's address). */
struct page;

/** @brief The address of a page's bytes (kernel: page_address()). */
static inline void *page_address(const struct page *page)
{
	return (void *)page;
}

/** @brief Allocate a page; NULL on failure (kernel: alloc_page()). */
#define alloc_page(gfp) \
	((struct page *)__kmalloc(PAGE_SIZE, gfp, __FILE__, __LINE__, __func__))

/** @brief Free a page from alloc_page() (kernel: __free_page()). */
#define __free_page(page) __kfree(page, __FILE__, __LINE__, __func__)

#endif /* VFSIM_SIM_KERNEL_MM_H */
