/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file dax.h
 * @brief The virtio-fs DAX window: file ranges mapped into a shared memory
 *        region by FUSE_SETUPMAPPING and unmapped by FUSE_REMOVEMAPPING.
 *
 * The window holds no bytes of its own: a mapping translates a window
 * offset to a file offset, and dax_read()/dax_write() go through
 * memfs_read()/memfs_write() at the translated offset, so the guest and the
 * file always see the same bytes.
 *
 * Rules (all offsets and lengths in bytes):
 * - moffset, foffset and len must be multiples of 1 << map_alignment, len
 *   nonzero, and [moffset, moffset + len) inside the window: else -EINVAL.
 * - SETUPMAPPING over an existing mapping replaces it when the range is the
 *   same, and trims or splits the older mapping(s) on a partial overlap.
 * - REMOVEMAPPING may name any aligned range inside the window: every
 *   mapped part of it is unmapped (trimming or splitting mappings that
 *   stick out); a range with no mapped byte at all gives -ENOENT.
 * - Reading or writing a window byte that no mapping covers gives -EFAULT
 *   (the guest would take a bus error) and transfers nothing; writing
 *   through a mapping without DAX_MAP_WRITE, or reading through one
 *   without DAX_MAP_READ, gives -EACCES.
 * - Reading past the file's end gives zeros; writing there extends the
 *   file (the window is a view of the file, not of its pages).
 * - Each mapping pins its inode (memfs_pin()), so a mapped file outlives
 *   its names and lookups, as an mmap keeps a file alive.
 *
 * Mappings are kept sorted by moffset; iteration uses that order.
 * @ingroup device
 */
#ifndef VFSIM_DEVICE_DAX_H
#define VFSIM_DEVICE_DAX_H

#include <stddef.h>

#include "device/memfs.h"

/** @brief Mapping may be written (same value as FUSE_SETUPMAPPING_FLAG_WRITE). */
#define DAX_MAP_WRITE (1u << 0)
/** @brief Mapping may be read (same value as FUSE_SETUPMAPPING_FLAG_READ). */
#define DAX_MAP_READ (1u << 1)

/** @brief One mapping of the window. */
struct dax_mapping {
	u64 moffset; ///< window offset
	u64 len;     ///< length
	u64 ino;     ///< file nodeid
	u64 foffset; ///< file offset
	u32 flags;   ///< DAX_MAP_READ / DAX_MAP_WRITE
};

struct dax_window;

/**
 * @brief A window of @p size bytes over @p fs with alignment
 *        1 << @p map_alignment; NULL if size is not a multiple of the
 *        alignment or map_alignment >= 64.
 */
struct dax_window *dax_new(struct memfs *fs, u64 size, u32 map_alignment);
/**
 * @brief Unmap everything (dropping the pins) and free (NULL is fine); call
 *        it before memfs_free() of the file system it maps.
 */
void dax_free(struct dax_window *win);
/** @brief Window size in bytes. */
u64 dax_size(const struct dax_window *win);
/** @brief log2 of the mapping alignment. */
u32 dax_map_alignment(const struct dax_window *win);

/**
 * @brief SETUPMAPPING: map [foffset, foffset + len) of regular file @p ino at
 *        window offset @p moffset. -ESTALE unknown inode, -EISDIR directory,
 *        -EINVAL bad alignment, range or flags.
 */
int dax_setup_mapping(struct dax_window *win, u64 ino, u64 foffset, u64 len,
		      u64 moffset, u32 flags);
/** @brief REMOVEMAPPING: unmap [moffset, moffset + len) (see file comment). */
int dax_remove_mapping(struct dax_window *win, u64 moffset, u64 len);
/** @brief Read window bytes; returns @p len or a negative errno. */
s64 dax_read(struct dax_window *win, u64 moffset, void *buf, size_t len);
/** @brief Write window bytes; returns @p len or a negative errno. */
s64 dax_write(struct dax_window *win, u64 moffset, const void *buf, size_t len);
/** @brief Number of mappings. */
size_t dax_count(const struct dax_window *win);
/** @brief Visit every mapping in moffset order; stops on nonzero. */
int dax_for_each(const struct dax_window *win,
		 int (*fn)(void *arg, const struct dax_mapping *m), void *arg);
/**
 * @brief Restore one mapping verbatim. It must pass the SETUPMAPPING checks
 *        and overlap no mapping (-EEXIST). It takes no pin: the pins came
 *        back with the inodes (memfs_restore_inode()).
 */
int dax_restore(struct dax_window *win, const struct dax_mapping *m);
/** @brief Verify order, bounds, alignment, no overlap: 0 or -EUCLEAN. */
int dax_check(const struct dax_window *win);

#endif /* VFSIM_DEVICE_DAX_H */
