/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file fuse_optable.h
 * @brief Internal: what each opcode carries on the wire (see fuse_optable.c).
 *
 * A layout string describes a struct for byte swapping: one character per
 * scalar field, its width in bytes ('1', '2', '4' or '8'), in order, with
 * no padding (every FUSE struct is padded explicitly).
 * @ingroup fuse_proto
 */
#ifndef VFSIM_FUSE_PROTO_FUSE_OPTABLE_H
#define VFSIM_FUSE_PROTO_FUSE_OPTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fuse_proto/fuse_proto.h"

/** @brief What follows a reply's out_header. */
enum fuse_reply_kind {
	FUSE_REPLY_NONE,	///< no reply is sent at all
	FUSE_REPLY_EMPTY,	///< the header alone
	FUSE_REPLY_STRUCT,	///< out_min..out_max bytes of out_layout
	FUSE_REPLY_DATA,	///< bytes (READ, READLINK)
	FUSE_REPLY_XATTR,	///< fuse_getxattr_out if size 0, else bytes
	FUSE_REPLY_DIRENT,	///< fuse_dirent records
	FUSE_REPLY_DIRENTPLUS,	///< fuse_direntplus records
	FUSE_REPLY_IOCTL,	///< fuse_ioctl_out, then data or iovecs
	FUSE_REPLY_STRUCT_DATA, ///< out_layout struct, then bytes
};

/** @brief One opcode's request and reply layout. */
struct fuse_op_desc {
	const char *name;      ///< trace name, NULL for a hole
	uint16_t in_min;       ///< fixed arg: fewest bytes
	uint16_t in_max;       ///< fixed arg: most bytes
	const char *in_layout; ///< fixed arg layout, NULL if none
	uint8_t in_names;      ///< NUL-terminated names after the fixed arg
	bool name2_is_path;    ///< second name is a path (SYMLINK target)
	bool has_tail;	       ///< a sized part follows the names
	/** offset in the fixed arg of the u32 holding the tail's size
	 *  (bytes) or count (entries) */
	uint8_t tail_off;
	uint16_t tail_elem;	    ///< bytes per entry (1 for data)
	const char *tail_layout;    ///< entry layout, NULL for data
	enum fuse_reply_kind reply; ///< reply kind
	uint16_t out_min;	    ///< STRUCT/IOCTL: fewest bytes
	uint16_t out_max;	    ///< STRUCT/IOCTL: most bytes
	const char *out_layout;	    ///< STRUCT/IOCTL layout
};

/** @cond INTERNAL */
/* The tables fuse_op_find() reads (fuse_optable.c's own), declared here so
 * that the look-up is inline: a request's parse and checks ask it several
 * times per message. */
#define FUSE_OP_TABLE_LEN (FUSE_TMPFILE + 1)
extern const struct fuse_op_desc fuse_op_table[FUSE_OP_TABLE_LEN];
extern const struct fuse_op_desc fuse_cuse_init_op;
/** @endcond */

/** @brief The descriptor of @p opcode, or NULL when unknown. */
static inline const struct fuse_op_desc *fuse_op_find(uint32_t opcode)
{
	if (opcode < FUSE_OP_TABLE_LEN)
		return fuse_op_table[opcode].name ? &fuse_op_table[opcode] :
						    NULL;
	return opcode == CUSE_INIT ? &fuse_cuse_init_op : NULL;
}

/** @brief A named struct layout, for tests and for the swapper. */
struct fuse_layout {
	const char *name;   ///< struct name
	size_t size;	    ///< sizeof
	const char *layout; ///< layout string
};

/** @brief Every wire struct's layout, ended by a NULL name. */
extern const struct fuse_layout fuse_layouts[];

/** @brief Layout of struct fuse_in_header. */
extern const char fuse_in_header_layout[];
/** @brief Layout of struct fuse_out_header. */
extern const char fuse_out_header_layout[];
/** @brief Layout of the fixed part of struct fuse_dirent. */
extern const char fuse_dirent_layout[];
/** @brief Layout of the fixed part of struct fuse_direntplus. */
extern const char fuse_direntplus_layout[];
/** @brief Layout of struct fuse_ioctl_iovec. */
extern const char fuse_ioctl_iovec_layout[];

/** @brief Bytes a layout string covers. */
size_t fuse_layout_size(const char *layout);

/**
 * @brief Byte-swap the fields of @p layout that lie wholly inside
 * [p, p + len), in place, alignment not required.
 * @return bytes swapped; less than @p len when a field would cross the end.
 */
size_t fuse_layout_bswap(const char *layout, void *p, size_t len);

/**
 * @brief Bytes of @p op's fixed argument when @p avail bytes follow the
 * header (extensions excluded).
 * @return the size, or -EPROTO when @p avail is short of the minimum.
 */
int fuse_op_fixed_size(const struct fuse_op_desc *op, size_t avail);

/** @brief Read a u32 at @p p (unaligned), swapping its bytes if @p swap. */
uint32_t fuse_get_u32(const void *p, bool swap);

#endif /* VFSIM_FUSE_PROTO_FUSE_OPTABLE_H */
