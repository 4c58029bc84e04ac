// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_parse_request.c - libFuzzer target: the device's request parser.
 *
 * Byte 0 is a mode: bit 0 set makes in_header.len agree with the size (so
 * the fuzzer gets past the length check quickly), bits 1-6 then pick the
 * opcode. The rest is the request; a copy of exactly that size is parsed so
 * ASan flags any read past the end. A parsed view must stay inside it.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "fuse_proto/fuse_msg.h"

static int inside(const void *p, size_t n, const uint8_t *b, size_t len)
{
	const uint8_t *q = p;

	return !p || (q >= b && n <= len && (size_t)(q - b) <= len - n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuse_proto_req r;
	uint8_t mode, *b;

	if (size < 1)
		return 0;
	mode = data[0];
	data++;
	size--;
	b = malloc(size ? size : 1);
	memcpy(b, data, size);
	if ((mode & 1) && size >= sizeof(struct fuse_in_header)) {
		uint32_t len = (uint32_t)size, op = (mode >> 1) % 53u;

		memcpy(b, &len, 4);
		memcpy(b + 4, &op, 4);
	}
	if (fuse_proto_parse_request(b, size, &r) == 0) {
		assert(r.hdr.len == size);
		assert(inside(r.arg, r.arg_size, b, size));
		assert(inside(r.name, r.name_len + 1, b, size));
		assert(inside(r.name2, r.name2_len + 1, b, size));
		assert(inside(r.payload, r.payload_size, b, size));
		assert(inside(r.ext, r.ext_size, b, size));
		assert(!r.name || (r.name_len && r.name[r.name_len] == 0 &&
				   strlen(r.name) == r.name_len));
		assert(!r.name2 || r.name2[r.name2_len] == 0);
	}
	free(b);
	return 0;
}
