// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_bswap.c - libFuzzer target: byte-order conversion of requests and
 * replies, both directions.
 *
 * Byte 0 picks request or reply and the direction, bytes 1-2 the reply's
 * opcode, byte 3 the xattr size; bit 2 of byte 0 makes the length field
 * agree with the size (in the order the direction expects); the rest is
 * the message. Whatever converts
 * cleanly must convert back to the same bytes.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "fuse_proto/fuse_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum fuse_proto_bswap_dir dir, back;
	uint32_t opcode;
	uint8_t *b, *orig;
	int err;

	if (size < 4)
		return 0;
	dir = data[0] & 1 ? FUSE_PROTO_TO_PEER : FUSE_PROTO_FROM_PEER;
	back = dir == FUSE_PROTO_TO_PEER ? FUSE_PROTO_FROM_PEER :
					   FUSE_PROTO_TO_PEER;
	opcode = (uint32_t)data[1] | (uint32_t)data[2] << 8;
	if (opcode > 60)
		opcode = opcode % 61 ? opcode % 61 : CUSE_INIT;
	size -= 4;
	b = malloc(size ? size : 1);
	orig = malloc(size ? size : 1);
	memcpy(b, data + 4, size);
	if ((data[0] & 4) && size >= 16) {
		uint32_t len = (uint32_t)size;

		if (dir == FUSE_PROTO_FROM_PEER)
			len = __builtin_bswap32(len);
		memcpy(b, &len, 4);
		if (data[0] & 2) { /* a request: pick a real opcode too */
			uint32_t op = dir == FUSE_PROTO_FROM_PEER ?
					      __builtin_bswap32(opcode) :
					      opcode;

			memcpy(b + 4, &op, 4);
		}
	}
	memcpy(orig, b, size);
	if (data[0] & 2) {
		err = fuse_proto_bswap_request(b, size, dir);
		if (!err) {
			err = fuse_proto_bswap_request(b, size, back);
			assert(!err && !memcmp(b, orig, size));
		}
	} else {
		err = fuse_proto_bswap_reply(b, size, opcode, data[3], dir);
		if (!err) {
			err = fuse_proto_bswap_reply(b, size, opcode, data[3],
						     back);
			assert(!err && !memcmp(b, orig, size));
		}
	}
	free(orig);
	free(b);
	return 0;
}
