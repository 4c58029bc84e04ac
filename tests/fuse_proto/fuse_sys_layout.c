// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuse_sys_layout.c - the system's <linux/fuse.h> and <linux/virtio_fs.h>
 * layouts as a table, for test_layout.c to compare with ours.
 *
 * This is the only file that includes the system headers: their names are
 * the same as ours, so the two sides must live in separate translation
 * units.
 */
#include "tests/fuse_proto/layout_fields.h"

#define SYS_S(s)    { #s, "", 0, sizeof(struct s) },
#define SYS_F(s, f) { #s, #f, offsetof(struct s, f), LAYOUT_FIELD_SIZE(s, f) },

#if __has_include(<linux/fuse.h>)
#include <linux/fuse.h>
#define HAVE_SYS_FUSE 1
#else
#define HAVE_SYS_FUSE 0
#endif

#if __has_include(<linux/virtio_fs.h>)
#include <linux/virtio_fs.h>
#define HAVE_SYS_VIRTIO_FS 1
#else
#define HAVE_SYS_VIRTIO_FS 0
#endif

const struct layout_row fuse_sys_rows[] = {
#if HAVE_SYS_FUSE
	LAYOUT_ROWS_0(SYS_S, SYS_F)
#if FUSE_KERNEL_MINOR_VERSION >= 31
		LAYOUT_ROWS_31(SYS_S, SYS_F)
#endif
#if FUSE_KERNEL_MINOR_VERSION >= 33
			LAYOUT_ROWS_33(SYS_S, SYS_F)
#endif
#if FUSE_KERNEL_MINOR_VERSION >= 34
				LAYOUT_ROWS_34(SYS_S, SYS_F)
#endif
#if FUSE_KERNEL_MINOR_VERSION >= 36
					LAYOUT_ROWS_36(SYS_S, SYS_F)
#endif
#if FUSE_KERNEL_MINOR_VERSION >= 38
						LAYOUT_ROWS_38(SYS_S, SYS_F)
#endif
#if FUSE_KERNEL_MINOR_VERSION >= 43
							LAYOUT_ROWS_43(SYS_S,
								       SYS_F)
#endif
#endif
#if HAVE_SYS_VIRTIO_FS
								LAYOUT_ROWS_VIRTIO(
									SYS_S,
									SYS_F)
#endif
									{ 0, 0,
									  0,
									  0 },
};

const size_t fuse_sys_nrows =
	sizeof(fuse_sys_rows) / sizeof(fuse_sys_rows[0]) - 1;

#if HAVE_SYS_FUSE
const int fuse_sys_minor = FUSE_KERNEL_MINOR_VERSION;
#else
const int fuse_sys_minor = -1;
#endif
const int fuse_sys_have_virtio_fs = HAVE_SYS_VIRTIO_FS;
