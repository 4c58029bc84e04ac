// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_fs_dev_leak.c - vfsim's own checker, no virtiofsd twin: what a
 * request gives away of the guest kernel's memory.
 *
 * The driver builds a request's header and fixed argument itself; bytes
 * past what the opcode defines are the driver's too (the 2019 driver's
 * FORGET carried its list_head: forget-sends-list-head). Those are
 * looked at; names and data (a WRITE's payload) are the user's and are
 * not. Two things there are reported as "dev.infoleak":
 *  - an 8-byte word that is the address of guest kernel memory, which a
 *    host must never learn;
 *  - 8-byte words of the fill the simulated slab gives memory that
 *    kmalloc() handed out and nobody wrote (0xa5). On a real machine
 *    those bytes are what the slab object held before: often enough
 *    kernel pointers, as the review of the v4 posting said of the
 *    FORGET's list_head.
 * The daemons of the time served such requests all the same (the device
 * does too, fuse_server.c); the checker is what shows the harm.
 */
#include "device/virtio_fs_dev_internal.h"

#include <string.h>

#include "fuse_proto/fuse_msg.h"
#include "sim/kernel/check.h"
#include "sim/kernel/gmem.h"

/* A word of the slab's fill for memory never written (sim/kernel/slab.c:
 * 0xa5 in every byte). */
#define UNINIT_WORD 0xa5a5a5a5a5a5a5a5ull

/* Report the word at byte @i of @req's readable bytes, which
 * scan_region() found suspicious; @return where the scan goes on (past a
 * run of the slab's fill, reported once). */
static __attribute__((noinline, cold)) size_t
report_word(const struct vfs_req *req, size_t i, size_t to, const char *what)
{
	u64 word;

	memcpy(&word, req->in + i, sizeof(word));
	if (word == UNINIT_WORD) {
		size_t run = 8;

		while (i + run + 8 <= to &&
		       !memcmp(req->in + i, req->in + i + run, 8))
			run += 8;
		check_report("dev.infoleak",
			     "request %llu (opcode %d): %zu bytes of "
			     "uninitialised guest kernel memory at byte %zu "
			     "(%s)",
			     (unsigned long long)req->unique, req->opcode, run,
			     i, what);
		return i + run;
	}
	check_report(
		"dev.infoleak",
		"request %llu (opcode %d): a guest kernel address (guest "
		"physical 0x%llx) at byte %zu (%s)",
		(unsigned long long)req->unique, req->opcode,
		(unsigned long long)virt_to_phys((const void *)(uintptr_t)word),
		i, what);
	return i + 8;
}

/* The first 8-byte word of [@i, @to) of @in that gives something away,
 * or @to when none does. The common case, two comparisons a word: no call
 * in the loop, so the compiler keeps the buffer's address and the arena's
 * bounds in registers instead of reading them again for every word. A
 * word of 0 is not an address: gmem_contains() is false for it (the arena
 * does not start at 0), so it needs no test of its own. */
static inline size_t first_find(const u8 *in, size_t i, size_t to)
{
	for (; i + 8 <= to; i += 8) {
		u64 word;

		memcpy(&word, in + i, sizeof(word));
		if (unlikely(word == UNINIT_WORD ||
			     gmem_contains((const void *)(uintptr_t)word)))
			return i;
	}
	return to;
}

/* Report what the 8-byte words of [from, to) of @req's readable bytes
 * give away (@from is 8-aligned; a tail shorter than a word is not
 * looked at: it cannot hold a pointer). A find is reported out of line. */
static inline void scan_region(const struct vfs_req *req, size_t from,
			       size_t to, const char *what)
{
	size_t i = first_find(req->in, from, to);

	while (i + 8 <= to)
		i = first_find(req->in, report_word(req, i, to, what), to);
}

void vfs_req_check_leak(const struct vfs_req *req)
{
	struct fuse_proto_req parsed;
	size_t fixed = sizeof(struct fuse_in_header);
	size_t trailing = 0;
	int min;

	if (req->oversize || req->in_len < sizeof(struct fuse_in_header) ||
	    req->opcode < 0 || !gmem_ready())
		return;
	min = fuse_proto_in_arg_min((u32)req->opcode);
	if (min > 0)
		fixed += (size_t)min;
	if (fixed > req->in_len)
		fixed = req->in_len;
	scan_region(req, 0, fixed, "header and argument");
	/* bytes past a fixed-only argument: what the lax parse ignores */
	if (req->swap || fixed == req->in_len ||
	    fuse_proto_parse_request_lax(req->in, req->in_len, &parsed,
					 &trailing) ||
	    !trailing)
		return;
	scan_region(req, req->in_len - trailing, req->in_len,
		    "past the argument");
}
