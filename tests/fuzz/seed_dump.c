// SPDX-License-Identifier: GPL-2.0-only
/*
 * seed_dump.c - writes the fuzz targets' seed inputs from real runs:
 * every request and reply a scenario's device handles and every state its
 * migrations move, each in the input format of the target that takes it
 * (the first bytes of an input choose what the target does with the rest;
 * each target's file comment says how).
 *
 *   seed-dump OUTDIR SCENARIO.vfs...
 *
 * writes OUTDIR/fuzz_parse_request/, fuzz_bswap/, fuzz_verify_reply/ and
 * fuzz_state_load/, one file per distinct input, named by its FNV-1a hash
 * (the same input from two runs is one file). scripts/fuzz-seeds.py runs
 * it over the scenario set; `make fuzz` runs that script.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "device/fuse_server.h"
#include "fuse_proto/fuse_msg.h"
#include "sim/cli/exec.h"
#include "sim/cli/scenario.h"

static const char *outdir;
static unsigned long written, seen;

static unsigned long long fnv1a(const unsigned char *p, size_t n)
{
	unsigned long long h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/* OUTDIR/TARGET/HASH := HEAD (hlen bytes) then BODY. */
static void put(const char *target, const void *head, size_t hlen,
		const void *body, size_t blen)
{
	unsigned char *b = malloc(hlen + blen + 1);
	char path[4096];
	FILE *f;

	if (!b) {
		fprintf(stderr, "seed-dump: out of memory\n");
		exit(1);
	}
	memcpy(b, head, hlen);
	memcpy(b + hlen, body, blen);
	seen++;
	snprintf(path, sizeof(path), "%s/%s", outdir, target);
	if (mkdir(path, 0777) && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%016llx", outdir, target,
		 fnv1a(b, hlen + blen));
	f = fopen(path, "wbx"); /* an existing file is the same input */
	if (f) {
		if (fwrite(b, 1, hlen + blen, f) != hlen + blen || fclose(f)) {
			perror(path);
			exit(1);
		}
		written++;
	} else if (errno != EEXIST) {
		perror(path);
		exit(1);
	}
	free(b);
}

static void tap(void *arg, enum fuse_server_tap_kind kind, u32 opcode,
		const void *bytes, size_t len)
{
	(void)arg;
	if (kind == FUSE_SERVER_TAP_STATE) {
		/* a real state has a valid checksum: an even first byte
		 * ('V') tells the target to leave it alone */
		put("fuzz_state_load", "", 0, bytes, len);
		return;
	}
	if (kind == FUSE_SERVER_TAP_REQUEST) {
		/* mode 0: the request as it is */
		const unsigned char mode = 0;
		/* request, to the peer's byte order, nothing rewritten */
		const unsigned char sw[4] = { 2 | 1, 0, 0, 0 };

		put("fuzz_parse_request", &mode, 1, bytes, len);
		put("fuzz_bswap", sw, 4, bytes, len);
		return;
	}
	if (len >= sizeof(struct fuse_out_header)) {
		struct fuse_out_header oh;
		size_t payload = len - sizeof(oh);
		/* one out arg sized as the payload (at most 255), variable
		 * when shorter; the expected unique's low byte, and len and
		 * unique rewritten to agree when the unique is larger */
		unsigned char args[8] = { 1, 1, 0, 0, 0, 7, 0, 0 };
		const unsigned char sw[4] = { 1, (unsigned char)opcode,
					      (unsigned char)(opcode >> 8), 0 };

		memcpy(&oh, bytes, sizeof(oh));
		args[2] = (unsigned char)(payload > 255 ? 255 : payload);
		args[6] = (unsigned char)oh.unique;
		args[7] = oh.unique > 255;
		put("fuzz_verify_reply", args, 8, bytes, len);
		put("fuzz_bswap", sw, 4, bytes, len);
	}
}

int main(int argc, char **argv)
{
	int failed = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: seed-dump OUTDIR SCENARIO.vfs...\n");
		return 2;
	}
	outdir = argv[1];
	if (mkdir(outdir, 0777) && errno != EEXIST) {
		perror(outdir);
		return 1;
	}
	fuse_server_set_tap(tap, NULL);
	for (int i = 2; i < argc; i++) {
		struct vfsim_exec_opts o = { .format = VFSIM_TRACE_NONE };
		struct scenario_error err;
		struct vfsim_result r;
		struct scenario *s;

		if (scenario_parse_file(argv[i], &s, &err)) {
			fprintf(stderr, "seed-dump: %s\n", err.msg);
			failed = 1;
			continue;
		}
		/* a scenario about a bug fails: its messages are seeds all
		 * the same */
		vfsim_exec(s, &o, &r);
		vfsim_result_free(&r);
		scenario_free(s);
	}
	fuse_server_set_tap(NULL, NULL);
	printf("seed-dump: %lu inputs from %d scenarios, %lu new files in "
	       "%s\n",
	       seen, argc - 2, written, outdir);
	return failed;
}
