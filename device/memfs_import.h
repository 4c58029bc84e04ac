/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file memfs_import.h
 * @brief A host directory copied into a memfs (vfsim serve --dir).
 * @ingroup device
 */
#ifndef VFSIM_DEVICE_MEMFS_IMPORT_H
#define VFSIM_DEVICE_MEMFS_IMPORT_H

#include <stddef.h>

#include "device/memfs.h"

/** @brief What an import took and left. */
struct memfs_import_stats {
	u64 dirs;    /**< directories copied */
	u64 files;   /**< regular files copied */
	u64 bytes;   /**< their bytes */
	u64 skipped; /**< symbolic links and special files left out */
};

/**
 * @brief Copy the tree under @p hostdir into @p fs's root: directories
 *        and regular files with their permission bits and contents.
 *        Symbolic links and special files are skipped (never followed);
 *        the host tree is only read.
 * @param fs the file system (its root receives the entries)
 * @param hostdir the directory to copy
 * @param st filled with what was copied (may be NULL)
 * @param err where a failure is described
 * @param errsize its size
 * @return 0; -errno of the first failure (open, read, or memfs's own,
 *         e.g. -ENAMETOOLONG, -EFBIG), described in @p err
 */
int memfs_import_dir(struct memfs *fs, const char *hostdir,
		     struct memfs_import_stats *st, char *err, size_t errsize);

#endif /* VFSIM_DEVICE_MEMFS_IMPORT_H */
