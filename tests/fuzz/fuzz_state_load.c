// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_state_load.c - libFuzzer target: the back-end state loader.
 *
 * The input is a migration state. It must be checked without reading past
 * its end (fuse_state_verify()), and a load into a fresh server must either
 * succeed or fail leaving the destination unchanged.
 *
 * Random bytes almost never carry a valid CRC, which would stop every input
 * at the checksum: when the first byte is odd, the target repairs the CRC
 * of a copy so the mutations reach the section decoder.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "device/fuse_server.h"
#include "device/fuse_state.h"
#include "device/fuse_state_internal.h"
#include "device/memfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuse_server_config cfg = { .dax_window_size = 1 << 20 };
	struct fuse_state_info info;
	struct fuse_server *dst;
	struct memfs_stats before, after;
	int err;

	u8 *copy = NULL;

	if (size >= FUSE_STATE_HEADER_SIZE && (data[0] & 1) &&
	    (copy = malloc(size))) {
		u32 crc;

		/* As fuse_state_save() does: header up to the CRC, then body. */
		memcpy(copy, data, size);
		crc = fs_crc32(0, copy, FS_HDR_CRC);
		crc = fs_crc32(crc, copy + FUSE_STATE_HEADER_SIZE,
			       size - FUSE_STATE_HEADER_SIZE);
		for (int i = 0; i < 4; i++)
			copy[FS_HDR_CRC + i] = (u8)(crc >> (8 * i));
		data = copy;
	}
	err = fuse_state_verify(data, size, &info);
	for (int policy = 0; policy < 2; policy++) {
		int lerr;

		dst = fuse_server_new(&cfg);
		assert(dst);
		memfs_get_stats(fuse_server_fs(dst), &before);
		lerr = fuse_state_load(dst, data, size,
				       policy ? FUSE_STATE_GUEST_ERROR :
						FUSE_STATE_ABORT,
				       NULL);
		/* A state that fails the format check never loads. */
		assert(!err || lerr);
		if (lerr) {
			memfs_get_stats(fuse_server_fs(dst), &after);
			assert(after.inodes == before.inodes);
		}
		fuse_server_free(dst);
	}
	free(copy);
	return 0;
}
