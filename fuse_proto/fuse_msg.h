/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file fuse_msg.h
 * @brief Building, parsing, checking and byte-swapping FUSE messages.
 *
 * Four jobs, one per side of the wire:
 *  - guest builds a request from a struct fuse_proto_args (the twin of the
 *    kernel's struct fuse_args) and checks the reply against it;
 *  - device parses a request into a struct fuse_proto_req and builds the
 *    reply;
 *  - either side converts a message of an opposite-endian peer.
 *
 * Nothing here allocates, keeps state or reads outside the buffer it is
 * given: every length on the wire is checked against the bytes really
 * present before it is used. Pointers in a parsed view point into the
 * caller's buffer and may be unaligned (copy out with memcpy()).
 *
 * @par Errno conventions
 * Every failure returns its own negative errno, the same one for the same
 * fault in every function:
 * | errno            | meaning |
 * |------------------|---------|
 * | -EMSGSIZE        | buffer shorter than the header (in or out), or the caller's output buffer is too small |
 * | -EBADMSG         | header len differs from the bytes received / used |
 * | -EPROTONOSUPPORT | opcode is FUSE_INIT_BSWAP_RESERVED / CUSE_INIT_BSWAP_RESERVED: an opposite-endian peer, convert first |
 * | -ENOSYS          | unknown opcode |
 * | -ERANGE          | in_header.total_extlen runs past the message; out_header.error not 0 and not in [-4095, -1] |
 * | -EPROTO          | arguments shorter than the opcode's fixed argument struct; an error reply carrying a payload |
 * | -EILSEQ          | a name is not NUL-terminated inside the message |
 * | -EINVAL          | a name is empty; a bad argument description from the caller |
 * | -ENAMETOOLONG    | a name longer than FUSE_PROTO_NAME_MAX (a symlink target: FUSE_PROTO_PATH_MAX) |
 * | -EOVERFLOW       | a size or count field claims more bytes than the message holds; a message over 4 GiB |
 * | -E2BIG           | bytes left over after the arguments; a reply payload longer than the out args allow |
 * | -ENODATA         | a reply payload shorter than the fixed out args |
 * | -EBADR           | out_header.unique differs from the request's |
 * | -ENOMSG          | fuse_proto_detect_bswap(): the message is no INIT, byte order unknown |
 * @ingroup fuse_proto
 */
#ifndef VFSIM_FUSE_PROTO_FUSE_MSG_H
#define VFSIM_FUSE_PROTO_FUSE_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "fuse_proto/fuse_proto.h"

/** @brief Longest name in a directory operation or xattr (NAME_MAX). */
#define FUSE_PROTO_NAME_MAX 255
/** @brief Longest symlink target, NUL excluded (PATH_MAX - 1). */
#define FUSE_PROTO_PATH_MAX 4095
/** @brief Most input arguments a request may carry (header excluded). */
#define FUSE_PROTO_MAX_IN_ARGS 4
/** @brief Most output arguments a reply may carry (header excluded). */
#define FUSE_PROTO_MAX_OUT_ARGS 3
/** @brief Most negative errno a reply may carry. */
#define FUSE_PROTO_MAX_ERRNO 4095

/* ---- names ---------------------------------------------------------- */

/**
 * @brief Name of an opcode for traces, e.g. "LOOKUP" for FUSE_LOOKUP.
 * @return a static string, or NULL for an unknown opcode.
 */
const char *fuse_opcode_name(uint32_t opcode);

/**
 * @brief Symbolic name of an errno for traces, e.g. "ENOENT" for -ENOENT.
 * @param err a negative errno (a positive one is accepted too)
 * @return a static string, or NULL for 0 and unknown values.
 */
const char *fuse_errno_name(int err);

/* ---- guest side: describing, building, checking ---------------------- */

/** @brief One input argument: size bytes at value. */
struct fuse_proto_in_arg {
	uint32_t size;	   ///< bytes
	const void *value; ///< the bytes (may be NULL when size is 0)
};

/** @brief One output argument: room for size bytes at value. */
struct fuse_proto_out_arg {
	uint32_t size; ///< bytes expected (updated for a variable last arg)
	void *value;   ///< where the reply bytes go (NULL: size-only check)
};

/**
 * @brief A request as the guest describes it; twin of the kernel's
 * struct fuse_args.
 *
 * The wire request is fuse_in_header followed by in_args in order; the
 * reply is fuse_out_header followed by out_args in order. With out_argvar
 * the last out arg may come back shorter than out_args[last].size.
 */
struct fuse_proto_args {
	uint32_t opcode;     ///< enum fuse_opcode
	uint64_t nodeid;     ///< node the request is about
	uint8_t in_numargs;  ///< in_args used
	uint8_t out_numargs; ///< out_args used
	bool out_argvar;     ///< last out arg is variable-size
	bool noreply;	     ///< no reply expected (FORGET, BATCH_FORGET)
	/** input arguments, in wire order */
	struct fuse_proto_in_arg in_args[FUSE_PROTO_MAX_IN_ARGS];
	/** output arguments, in wire order */
	struct fuse_proto_out_arg out_args[FUSE_PROTO_MAX_OUT_ARGS];
};

/**
 * @brief Bytes the request of @p args takes on the wire, header included.
 * @return the size; or 0 when the description is invalid (too many args,
 *         NULL value with a non-zero size) or over UINT32_MAX bytes.
 */
size_t fuse_proto_request_size(const struct fuse_proto_args *args);

/**
 * @brief Bytes the guest must offer for the reply, header included.
 * @return sizeof(struct fuse_out_header) plus every out arg's size; 0 for
 *         an invalid description (too many out args).
 */
size_t fuse_proto_reply_size(const struct fuse_proto_args *args);

/**
 * @brief Write fuse_in_header + in args into @p buf; the guest-side twin of
 * what the kernel's fuse_dev_do_read()/virtio_fs_enqueue_req() copy out.
 *
 * The header gets len = the whole request, the opcode and nodeid from
 * @p args, @p unique and the caller's credentials; total_extlen and padding
 * are 0.
 * @return bytes written; -EINVAL for an invalid description, -EOVERFLOW for
 *         a request over UINT32_MAX bytes, -EMSGSIZE when @p size is too
 *         small (nothing is written then).
 */
ssize_t fuse_proto_build_request(void *buf, size_t size, uint64_t unique,
				 const struct fuse_proto_args *args,
				 uint32_t uid, uint32_t gid, uint32_t pid);

/** @brief How much fuse_proto_check_reply() checks. */
enum fuse_verify_strictness {
	/**
	 * What Linux 7.1's virtio_fs_verify_response() checks, no more:
	 * used_len >= sizeof(fuse_out_header) (-EMSGSIZE), oh.len ==
	 * used_len (-EBADMSG), oh.unique == the request's (-EBADR).
	 */
	FUSE_VERIFY_KERNEL,
	/**
	 * vfsim's own, stricter: the kernel's checks, then oh.error is 0 or
	 * in [-4095, -1] (-ERANGE); an error reply has no payload
	 * (-EPROTO); the payload is not longer than the out args (-E2BIG)
	 * and not shorter than the fixed ones (all of them, or all but the
	 * last with out_argvar) (-ENODATA). The kernel's /dev/fuse path
	 * (fuse_dev_do_write(), copy_out_args()) refuses the same replies,
	 * its error range being [-511, -1]; its virtio-fs path does not.
	 */
	FUSE_VERIFY_STRICT,
};

/**
 * @brief Check a reply before believing it.
 * @param args the request's description (read only by FUSE_VERIFY_STRICT,
 *        which needs it; NULL with FUSE_VERIFY_KERNEL, whose checks need
 *        the header alone)
 * @param unique the request's unique
 * @param buf the bytes the device wrote
 * @param used_len the used length the device reported
 * @param oh where to store the header (may be NULL); filled whenever
 *        used_len covers it
 * @param strictness which checks (enum fuse_verify_strictness), in the
 *        order listed there
 * @return 0 when the reply passes (oh->error is the request's result), or
 *         the negative errno of the first check that failed; -EINVAL for
 *         an unknown @p strictness or FUSE_VERIFY_STRICT without @p args
 */
int fuse_proto_check_reply(const struct fuse_proto_args *args, uint64_t unique,
			   const void *buf, size_t used_len,
			   struct fuse_out_header *oh,
			   enum fuse_verify_strictness strictness);

/**
 * @brief fuse_proto_check_reply() with FUSE_VERIFY_STRICT: the reply is
 * well formed in every way vfsim checks.
 * @return as fuse_proto_check_reply()
 */
int fuse_proto_verify_reply(const struct fuse_proto_args *args, uint64_t unique,
			    const void *buf, size_t used_len,
			    struct fuse_out_header *oh);

/**
 * @brief Copy a verified reply's payload into the out args; twin of the
 * kernel's copy_out_args().
 *
 * With out_argvar the last arg's size is set to the bytes received. Out
 * args with a NULL value are skipped.
 * @return bytes of payload copied, or a negative errno if the reply does
 *         not verify (see fuse_proto_verify_reply()).
 */
ssize_t fuse_proto_copy_reply_args(struct fuse_proto_args *args,
				   uint64_t unique, const void *buf,
				   size_t used_len);

/* ---- device side: parsing requests, building replies ----------------- */

/** @brief A parsed request: a view into the caller's buffer. */
struct fuse_proto_req {
	struct fuse_in_header hdr; ///< header, copied out (aligned)
	uint32_t opcode;	   ///< hdr.opcode
	const void *arg;	   ///< fixed argument struct, or NULL
	size_t arg_size;	   ///< its bytes (INIT: as many as sent)
	const char *name;	   ///< first name (NUL-terminated), or NULL
	size_t name_len;	   ///< its length, NUL excluded
	const char *name2;	   ///< second name (RENAME/RENAME2 new
				   ///< name, SYMLINK target), or NULL
	size_t name2_len;	   ///< its length, NUL excluded
	const void *payload;	   ///< trailing bytes: WRITE/NOTIFY_REPLY
				   ///< data, SETXATTR value, IOCTL input,
				   ///< BATCH_FORGET/REMOVEMAPPING entries
	size_t payload_size;	   ///< their bytes
	uint32_t count;		   ///< entries in payload (BATCH_FORGET,
				   ///< REMOVEMAPPING), else 0
	const void *ext;	   ///< extensions (total_extlen), or NULL
	size_t ext_size;	   ///< their bytes
};

/**
 * @brief Parse and check a request the device received.
 *
 * Checks the header against the bytes received, the opcode, the fixed
 * argument size (table in fuse_optable.c), that names are NUL-terminated
 * inside the message, non-empty and not too long, that sizes and counts
 * match the bytes present and that nothing is left over. Never reads
 * outside [buf, buf + len).
 *
 * Stateless, so it assumes what a 7.38 session negotiates: SETXATTR in its
 * FUSE_SETXATTR_EXT form (16-byte fuse_setxattr_in), full-size WRITE and
 * MKNOD arguments; only INIT may carry its pre-7.36 16-byte argument.
 * @return 0 and a filled @p req, or a negative errno from the table above
 *         (@p req is then unspecified).
 */
int fuse_proto_parse_request(const void *buf, size_t len,
			     struct fuse_proto_req *req);

/**
 * @brief Parse a request as libfuse and virtiofsd read it: like
 * fuse_proto_parse_request(), except that a request whose opcode takes a
 * fixed argument and nothing else (FORGET, GETATTR, READ, ...) may carry
 * bytes after it, which are ignored (their handlers read the argument and
 * no more). The 2019 driver's 64-byte FORGET, its list_head sent along,
 * parses this way.
 * @param buf the request bytes
 * @param len their number (the header's len must say the same)
 * @param req the parsed request
 * @param trailing receives the bytes ignored (may be NULL)
 * @return as fuse_proto_parse_request()
 */
int fuse_proto_parse_request_lax(const void *buf, size_t len,
				 struct fuse_proto_req *req, size_t *trailing);

/**
 * @brief Minimum bytes of the fixed argument struct of @p opcode.
 * @return the size (0 for an opcode without one), or -ENOSYS.
 */
int fuse_proto_in_arg_min(uint32_t opcode);

/**
 * @brief True when @p opcode expects no reply (FORGET, BATCH_FORGET,
 * INTERRUPT, NOTIFY_REPLY); false for unknown opcodes too.
 */
bool fuse_proto_opcode_noreply(uint32_t opcode);

/**
 * @brief Write a reply: fuse_out_header (error 0) followed by @p nparts
 * parts.
 * @return bytes written; -EINVAL for NULL parts with size, -EOVERFLOW over
 *         UINT32_MAX bytes, -EMSGSIZE when @p size is too small.
 */
ssize_t fuse_proto_build_reply(void *buf, size_t size, uint64_t unique,
			       const struct fuse_proto_in_arg *parts,
			       unsigned int nparts);

/**
 * @brief Write an error reply: a bare fuse_out_header with @p error.
 * @param buf where the reply goes
 * @param size bytes available at @p buf
 * @param unique the request's unique
 * @param error 0 or a negative errno in [-4095, -1]
 * @return bytes written; -ERANGE for a bad @p error, -EMSGSIZE when
 *         @p size is too small.
 */
ssize_t fuse_proto_build_error_reply(void *buf, size_t size, uint64_t unique,
				     int error);

/* ---- byte order ------------------------------------------------------- */

/** @brief Direction of a byte-order conversion. */
enum fuse_proto_bswap_dir {
	/** the message is in the peer's order; make it native */
	FUSE_PROTO_FROM_PEER,
	/** the message is native; put it in the peer's order */
	FUSE_PROTO_TO_PEER,
};

/**
 * @brief Tell the peer's byte order from its INIT request header.
 * @return 1 when the opcode reads FUSE_INIT_BSWAP_RESERVED or
 *         CUSE_INIT_BSWAP_RESERVED (opposite-endian peer), 0 for FUSE_INIT
 *         or CUSE_INIT (same order), -ENOMSG for any other opcode.
 */
int fuse_proto_detect_bswap(const struct fuse_in_header *hdr);

/**
 * @brief Convert a whole request (header, fixed arg, entry arrays) between
 * the peer's byte order and ours, in place.
 *
 * Names, data and extensions are bytes and stay as they are. The message is
 * checked as it is walked (lengths, counts); on failure it may be partly
 * converted.
 * @return 0, or -EMSGSIZE, -EBADMSG, -ENOSYS, -ERANGE, -EPROTO, -E2BIG,
 *         -EOVERFLOW as for fuse_proto_parse_request().
 */
int fuse_proto_bswap_request(void *buf, size_t len,
			     enum fuse_proto_bswap_dir dir);

/**
 * @brief Convert a whole reply to a request of @p opcode, in place.
 *
 * Walks the out_header and the opcode's reply layout: fixed structs,
 * READDIR/READDIRPLUS records, IOCTL retry iovecs. An error reply must
 * be a bare header.
 * @param buf the reply, converted in place
 * @param len its length (used length)
 * @param opcode the opcode of the request it answers
 * @param xattr_size GETXATTR/LISTXATTR only: the size the request asked
 *        for; 0 means the reply is a struct fuse_getxattr_out
 * @return 0, or -EMSGSIZE, -EBADMSG, -ENOSYS, -EPROTO (error reply with
 *         payload, partial field or record), -E2BIG (more than the
 *         opcode's reply), -ENODATA (less than a fixed reply).
 * @param dir which way to convert
 */
int fuse_proto_bswap_reply(void *buf, size_t len, uint32_t opcode,
			   uint32_t xattr_size, enum fuse_proto_bswap_dir dir);

#endif /* VFSIM_FUSE_PROTO_FUSE_MSG_H */
