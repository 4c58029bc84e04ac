/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * layout_fields.h - every wire struct and field, for the layout comparison.
 *
 * S(s) names struct s, F(s, f) its field f. LAYOUT_ROWS_<m> holds what
 * protocol 7.<m> introduced in this form, so the system side compares only
 * what its <linux/fuse.h> has.
 */
#ifndef VFSIM_TESTS_FUSE_PROTO_LAYOUT_FIELDS_H
#define VFSIM_TESTS_FUSE_PROTO_LAYOUT_FIELDS_H

#include <stddef.h>
#include <stdint.h>

/** One row: a field (or, with field "", the whole struct). */
struct layout_row {
	const char *sname;
	const char *field;
	size_t offset;
	size_t size;
};

/* Since protocol 7.0. */
/* clang-format off */
#define LAYOUT_ROWS_ALL(S, F) \
	LAYOUT_ROWS_0(S, F) \
	LAYOUT_ROWS_31(S, F) \
	LAYOUT_ROWS_33(S, F) \
	LAYOUT_ROWS_34(S, F) \
	LAYOUT_ROWS_36(S, F) \
	LAYOUT_ROWS_38(S, F) \
	LAYOUT_ROWS_43(S, F) \
	LAYOUT_ROWS_VIRTIO(S, F)
/* clang-format on */

#define LAYOUT_ROWS_0(S, F)                        \
	S(fuse_attr)                               \
	F(fuse_attr, ino)                          \
	F(fuse_attr, size)                         \
	F(fuse_attr, blocks)                       \
	F(fuse_attr, atime)                        \
	F(fuse_attr, mtime)                        \
	F(fuse_attr, ctime)                        \
	F(fuse_attr, atimensec)                    \
	F(fuse_attr, mtimensec)                    \
	F(fuse_attr, ctimensec)                    \
	F(fuse_attr, mode)                         \
	F(fuse_attr, nlink)                        \
	F(fuse_attr, uid)                          \
	F(fuse_attr, gid)                          \
	F(fuse_attr, rdev)                         \
	F(fuse_attr, blksize)                      \
	F(fuse_attr, flags)                        \
	S(fuse_kstatfs)                            \
	F(fuse_kstatfs, blocks)                    \
	F(fuse_kstatfs, bfree)                     \
	F(fuse_kstatfs, bavail)                    \
	F(fuse_kstatfs, files)                     \
	F(fuse_kstatfs, ffree)                     \
	F(fuse_kstatfs, bsize)                     \
	F(fuse_kstatfs, namelen)                   \
	F(fuse_kstatfs, frsize)                    \
	F(fuse_kstatfs, padding)                   \
	F(fuse_kstatfs, spare)                     \
	S(fuse_file_lock)                          \
	F(fuse_file_lock, start)                   \
	F(fuse_file_lock, end)                     \
	F(fuse_file_lock, type)                    \
	F(fuse_file_lock, pid)                     \
	S(fuse_entry_out)                          \
	F(fuse_entry_out, nodeid)                  \
	F(fuse_entry_out, generation)              \
	F(fuse_entry_out, entry_valid)             \
	F(fuse_entry_out, attr_valid)              \
	F(fuse_entry_out, entry_valid_nsec)        \
	F(fuse_entry_out, attr_valid_nsec)         \
	F(fuse_entry_out, attr)                    \
	S(fuse_forget_in)                          \
	F(fuse_forget_in, nlookup)                 \
	S(fuse_forget_one)                         \
	F(fuse_forget_one, nodeid)                 \
	F(fuse_forget_one, nlookup)                \
	S(fuse_batch_forget_in)                    \
	F(fuse_batch_forget_in, count)             \
	F(fuse_batch_forget_in, dummy)             \
	S(fuse_getattr_in)                         \
	F(fuse_getattr_in, getattr_flags)          \
	F(fuse_getattr_in, dummy)                  \
	F(fuse_getattr_in, fh)                     \
	S(fuse_attr_out)                           \
	F(fuse_attr_out, attr_valid)               \
	F(fuse_attr_out, attr_valid_nsec)          \
	F(fuse_attr_out, dummy)                    \
	F(fuse_attr_out, attr)                     \
	S(fuse_mknod_in)                           \
	F(fuse_mknod_in, mode)                     \
	F(fuse_mknod_in, rdev)                     \
	F(fuse_mknod_in, umask)                    \
	F(fuse_mknod_in, padding)                  \
	S(fuse_mkdir_in)                           \
	F(fuse_mkdir_in, mode)                     \
	F(fuse_mkdir_in, umask)                    \
	S(fuse_rename_in)                          \
	F(fuse_rename_in, newdir)                  \
	S(fuse_rename2_in)                         \
	F(fuse_rename2_in, newdir)                 \
	F(fuse_rename2_in, flags)                  \
	F(fuse_rename2_in, padding)                \
	S(fuse_link_in)                            \
	F(fuse_link_in, oldnodeid)                 \
	S(fuse_setattr_in)                         \
	F(fuse_setattr_in, valid)                  \
	F(fuse_setattr_in, padding)                \
	F(fuse_setattr_in, fh)                     \
	F(fuse_setattr_in, size)                   \
	F(fuse_setattr_in, lock_owner)             \
	F(fuse_setattr_in, atime)                  \
	F(fuse_setattr_in, mtime)                  \
	F(fuse_setattr_in, ctime)                  \
	F(fuse_setattr_in, atimensec)              \
	F(fuse_setattr_in, mtimensec)              \
	F(fuse_setattr_in, ctimensec)              \
	F(fuse_setattr_in, mode)                   \
	F(fuse_setattr_in, unused4)                \
	F(fuse_setattr_in, uid)                    \
	F(fuse_setattr_in, gid)                    \
	F(fuse_setattr_in, unused5)                \
	S(fuse_open_in)                            \
	F(fuse_open_in, flags)                     \
	S(fuse_create_in)                          \
	F(fuse_create_in, flags)                   \
	F(fuse_create_in, mode)                    \
	F(fuse_create_in, umask)                   \
	S(fuse_open_out)                           \
	F(fuse_open_out, fh)                       \
	F(fuse_open_out, open_flags)               \
	F(fuse_open_out, padding)                  \
	S(fuse_release_in)                         \
	F(fuse_release_in, fh)                     \
	F(fuse_release_in, flags)                  \
	F(fuse_release_in, release_flags)          \
	F(fuse_release_in, lock_owner)             \
	S(fuse_flush_in)                           \
	F(fuse_flush_in, fh)                       \
	F(fuse_flush_in, unused)                   \
	F(fuse_flush_in, padding)                  \
	F(fuse_flush_in, lock_owner)               \
	S(fuse_read_in)                            \
	F(fuse_read_in, fh)                        \
	F(fuse_read_in, offset)                    \
	F(fuse_read_in, size)                      \
	F(fuse_read_in, read_flags)                \
	F(fuse_read_in, lock_owner)                \
	F(fuse_read_in, flags)                     \
	F(fuse_read_in, padding)                   \
	S(fuse_write_in)                           \
	F(fuse_write_in, fh)                       \
	F(fuse_write_in, offset)                   \
	F(fuse_write_in, size)                     \
	F(fuse_write_in, write_flags)              \
	F(fuse_write_in, lock_owner)               \
	F(fuse_write_in, flags)                    \
	F(fuse_write_in, padding)                  \
	S(fuse_write_out)                          \
	F(fuse_write_out, size)                    \
	F(fuse_write_out, padding)                 \
	S(fuse_statfs_out)                         \
	F(fuse_statfs_out, st)                     \
	S(fuse_fsync_in)                           \
	F(fuse_fsync_in, fh)                       \
	F(fuse_fsync_in, fsync_flags)              \
	F(fuse_fsync_in, padding)                  \
	S(fuse_getxattr_in)                        \
	F(fuse_getxattr_in, size)                  \
	F(fuse_getxattr_in, padding)               \
	S(fuse_getxattr_out)                       \
	F(fuse_getxattr_out, size)                 \
	F(fuse_getxattr_out, padding)              \
	S(fuse_lk_in)                              \
	F(fuse_lk_in, fh)                          \
	F(fuse_lk_in, owner)                       \
	F(fuse_lk_in, lk)                          \
	F(fuse_lk_in, lk_flags)                    \
	F(fuse_lk_in, padding)                     \
	S(fuse_lk_out)                             \
	F(fuse_lk_out, lk)                         \
	S(fuse_access_in)                          \
	F(fuse_access_in, mask)                    \
	F(fuse_access_in, padding)                 \
	S(cuse_init_in)                            \
	F(cuse_init_in, major)                     \
	F(cuse_init_in, minor)                     \
	F(cuse_init_in, unused)                    \
	F(cuse_init_in, flags)                     \
	S(cuse_init_out)                           \
	F(cuse_init_out, major)                    \
	F(cuse_init_out, minor)                    \
	F(cuse_init_out, unused)                   \
	F(cuse_init_out, flags)                    \
	F(cuse_init_out, max_read)                 \
	F(cuse_init_out, max_write)                \
	F(cuse_init_out, dev_major)                \
	F(cuse_init_out, dev_minor)                \
	F(cuse_init_out, spare)                    \
	S(fuse_interrupt_in)                       \
	F(fuse_interrupt_in, unique)               \
	S(fuse_bmap_in)                            \
	F(fuse_bmap_in, block)                     \
	F(fuse_bmap_in, blocksize)                 \
	F(fuse_bmap_in, padding)                   \
	S(fuse_bmap_out)                           \
	F(fuse_bmap_out, block)                    \
	S(fuse_ioctl_in)                           \
	F(fuse_ioctl_in, fh)                       \
	F(fuse_ioctl_in, flags)                    \
	F(fuse_ioctl_in, cmd)                      \
	F(fuse_ioctl_in, arg)                      \
	F(fuse_ioctl_in, in_size)                  \
	F(fuse_ioctl_in, out_size)                 \
	S(fuse_ioctl_iovec)                        \
	F(fuse_ioctl_iovec, base)                  \
	F(fuse_ioctl_iovec, len)                   \
	S(fuse_ioctl_out)                          \
	F(fuse_ioctl_out, result)                  \
	F(fuse_ioctl_out, flags)                   \
	F(fuse_ioctl_out, in_iovs)                 \
	F(fuse_ioctl_out, out_iovs)                \
	S(fuse_poll_in)                            \
	F(fuse_poll_in, fh)                        \
	F(fuse_poll_in, kh)                        \
	F(fuse_poll_in, flags)                     \
	F(fuse_poll_in, events)                    \
	S(fuse_poll_out)                           \
	F(fuse_poll_out, revents)                  \
	F(fuse_poll_out, padding)                  \
	S(fuse_notify_poll_wakeup_out)             \
	F(fuse_notify_poll_wakeup_out, kh)         \
	S(fuse_fallocate_in)                       \
	F(fuse_fallocate_in, fh)                   \
	F(fuse_fallocate_in, offset)               \
	F(fuse_fallocate_in, length)               \
	F(fuse_fallocate_in, mode)                 \
	F(fuse_fallocate_in, padding)              \
	S(fuse_in_header)                          \
	F(fuse_in_header, len)                     \
	F(fuse_in_header, opcode)                  \
	F(fuse_in_header, unique)                  \
	F(fuse_in_header, nodeid)                  \
	F(fuse_in_header, uid)                     \
	F(fuse_in_header, gid)                     \
	F(fuse_in_header, pid)                     \
	S(fuse_out_header)                         \
	F(fuse_out_header, len)                    \
	F(fuse_out_header, error)                  \
	F(fuse_out_header, unique)                 \
	S(fuse_dirent)                             \
	F(fuse_dirent, ino)                        \
	F(fuse_dirent, off)                        \
	F(fuse_dirent, namelen)                    \
	F(fuse_dirent, type)                       \
	S(fuse_direntplus)                         \
	F(fuse_direntplus, entry_out)              \
	F(fuse_direntplus, dirent)                 \
	S(fuse_notify_inval_inode_out)             \
	F(fuse_notify_inval_inode_out, ino)        \
	F(fuse_notify_inval_inode_out, off)        \
	F(fuse_notify_inval_inode_out, len)        \
	S(fuse_notify_inval_entry_out)             \
	F(fuse_notify_inval_entry_out, parent)     \
	F(fuse_notify_inval_entry_out, namelen)    \
	S(fuse_notify_delete_out)                  \
	F(fuse_notify_delete_out, parent)          \
	F(fuse_notify_delete_out, child)           \
	F(fuse_notify_delete_out, namelen)         \
	F(fuse_notify_delete_out, padding)         \
	S(fuse_notify_store_out)                   \
	F(fuse_notify_store_out, nodeid)           \
	F(fuse_notify_store_out, offset)           \
	F(fuse_notify_store_out, size)             \
	F(fuse_notify_store_out, padding)          \
	S(fuse_notify_retrieve_out)                \
	F(fuse_notify_retrieve_out, notify_unique) \
	F(fuse_notify_retrieve_out, nodeid)        \
	F(fuse_notify_retrieve_out, offset)        \
	F(fuse_notify_retrieve_out, size)          \
	F(fuse_notify_retrieve_out, padding)       \
	S(fuse_notify_retrieve_in)                 \
	F(fuse_notify_retrieve_in, dummy1)         \
	F(fuse_notify_retrieve_in, offset)         \
	F(fuse_notify_retrieve_in, size)           \
	F(fuse_notify_retrieve_in, dummy2)         \
	F(fuse_notify_retrieve_in, dummy3)         \
	F(fuse_notify_retrieve_in, dummy4)         \
	S(fuse_lseek_in)                           \
	F(fuse_lseek_in, fh)                       \
	F(fuse_lseek_in, offset)                   \
	F(fuse_lseek_in, whence)                   \
	F(fuse_lseek_in, padding)                  \
	S(fuse_lseek_out)                          \
	F(fuse_lseek_out, offset)                  \
	S(fuse_copy_file_range_in)                 \
	F(fuse_copy_file_range_in, fh_in)          \
	F(fuse_copy_file_range_in, off_in)         \
	F(fuse_copy_file_range_in, nodeid_out)     \
	F(fuse_copy_file_range_in, fh_out)         \
	F(fuse_copy_file_range_in, off_out)        \
	F(fuse_copy_file_range_in, len)            \
	F(fuse_copy_file_range_in, flags)

/* Since protocol 7.31. */
#define LAYOUT_ROWS_31(S, F)               \
	S(fuse_setupmapping_in)            \
	F(fuse_setupmapping_in, fh)        \
	F(fuse_setupmapping_in, foffset)   \
	F(fuse_setupmapping_in, len)       \
	F(fuse_setupmapping_in, flags)     \
	F(fuse_setupmapping_in, moffset)   \
	S(fuse_removemapping_in)           \
	F(fuse_removemapping_in, count)    \
	S(fuse_removemapping_one)          \
	F(fuse_removemapping_one, moffset) \
	F(fuse_removemapping_one, len)

/* Since protocol 7.33. */
#define LAYOUT_ROWS_33(S, F)                \
	S(fuse_setxattr_in)                 \
	F(fuse_setxattr_in, size)           \
	F(fuse_setxattr_in, flags)          \
	F(fuse_setxattr_in, setxattr_flags) \
	F(fuse_setxattr_in, padding)

/* Since protocol 7.34. */
#define LAYOUT_ROWS_34(S, F)          \
	F(fuse_open_in, open_flags)   \
	F(fuse_create_in, open_flags) \
	S(fuse_syncfs_in)             \
	F(fuse_syncfs_in, padding)

/* Since protocol 7.36. */
#define LAYOUT_ROWS_36(S, F)                   \
	S(fuse_init_in)                        \
	F(fuse_init_in, major)                 \
	F(fuse_init_in, minor)                 \
	F(fuse_init_in, max_readahead)         \
	F(fuse_init_in, flags)                 \
	F(fuse_init_in, flags2)                \
	F(fuse_init_in, unused)                \
	S(fuse_init_out)                       \
	F(fuse_init_out, major)                \
	F(fuse_init_out, minor)                \
	F(fuse_init_out, max_readahead)        \
	F(fuse_init_out, flags)                \
	F(fuse_init_out, max_background)       \
	F(fuse_init_out, congestion_threshold) \
	F(fuse_init_out, max_write)            \
	F(fuse_init_out, time_gran)            \
	F(fuse_init_out, max_pages)            \
	F(fuse_init_out, map_alignment)        \
	F(fuse_init_out, flags2)

/* Since protocol 7.38. */
#define LAYOUT_ROWS_38(S, F)            \
	F(fuse_in_header, total_extlen) \
	F(fuse_in_header, padding)      \
	S(fuse_ext_header)              \
	F(fuse_ext_header, size)        \
	F(fuse_ext_header, type)        \
	F(fuse_notify_inval_entry_out, flags)

/* Since protocol 7.43 (max_stack_depth came in 7.40). */
#define LAYOUT_ROWS_43(S, F)              \
	F(fuse_init_out, max_stack_depth) \
	F(fuse_init_out, request_timeout) \
	F(fuse_init_out, unused)

/* <linux/virtio_fs.h>. */
#define LAYOUT_ROWS_VIRTIO(S, F) \
	S(virtio_fs_config)      \
	F(virtio_fs_config, tag) \
	F(virtio_fs_config, num_request_queues)

#define LAYOUT_FIELD_SIZE(s, f) sizeof(((struct s *)0)->f)

extern const struct layout_row fuse_sys_rows[];
extern const size_t fuse_sys_nrows;
extern const int fuse_sys_minor; /* -1: no <linux/fuse.h> */
extern const int fuse_sys_have_virtio_fs;

#endif
