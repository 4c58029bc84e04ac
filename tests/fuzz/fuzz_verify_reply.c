// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_verify_reply.c - libFuzzer target: the guest's reply check and copy.
 *
 * The first 8 input bytes choose the out-args description (count, sizes,
 * argvar), the expected unique's low byte and (byte 7 bit 0) whether the
 * reply's len and unique are made to agree; the rest is the reply. An
 * accepted reply must copy into the out args without overrunning them.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "fuse_proto/fuse_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuse_proto_args a = { .opcode = FUSE_GETATTR };
	uint8_t out[3][256];
	uint8_t *b;
	uint64_t unique;
	ssize_t n;
	int err;

	if (size < 8)
		return 0;
	a.out_numargs = data[0] % (FUSE_PROTO_MAX_OUT_ARGS + 1);
	a.out_argvar = data[1] & 1;
	for (int i = 0; i < 3; i++) {
		a.out_args[i].size = data[2 + i];
		a.out_args[i].value = (data[5] >> i) & 1 ? out[i] : NULL;
	}
	unique = data[6];
	data += 8;
	size -= 8;
	b = malloc(size ? size : 1);
	memcpy(b, data, size);
	if ((data[-1] & 1) && size >= sizeof(struct fuse_out_header)) {
		uint32_t len = (uint32_t)size;

		memcpy(b, &len, 4);
		memcpy(b + 8, &unique, 8);
	}
	err = fuse_proto_verify_reply(&a, unique, b, size, NULL);
	n = fuse_proto_copy_reply_args(&a, unique, b, size);
	assert(n == (err ? err : n));
	assert(err || (size_t)n <= size);
	free(b);
	return 0;
}
