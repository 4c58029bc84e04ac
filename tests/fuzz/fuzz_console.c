// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_console.c - libFuzzer target: the stepping console (vfsim step).
 *
 * The input is a command script, read as `vfsim step` reads standard
 * input, on a small scenario with a bit of everything the console shows
 * (two tasks, device latency, an at block that pauses and resumes the
 * device, an on block, locks, a picture point). Whatever the commands,
 * the console answers each one, reports bad ones on its error stream and
 * goes on; it never crashes, and it ends: steps are bounded by the run's
 * own end (a few hundred) and the limits. A `picture` with a path is
 * skipped: it would write outside the --out directory. The corpus starts
 * from the console sessions of the docs and labs and a script per
 * command (scripts/fuzz-seeds.py).
 */
#define _XOPEN_SOURCE 700
#include <assert.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/cli/vfsim_cli.h"

static const char scenario[] =
	"machine queue-size=8\n"
	"device latency=20us\n"
	"fs\n  dir /d\n  file /d/f \"data\"\nend\n"
	"task a\n  mount\n  open /d/f as h rw\n  setlk h w 0 10\n"
	"  read h 0 4 expect=\"data\"\n  repeat 3\n    lookup /d/f\n"
	"  end\n  release h\nend\n"
	"task b\n  sleep 30us\n  getattr /d\n  forget /d/f\nend\n"
	"at 40us\n  device pause\n  picture ring requests.0 as p\nend\n"
	"at 200us\n  device resume\nend\n"
	"on \"op=LOOKUP\"\n  mark \"a lookup\"\nend\n"
	"run\n";

static char dir[] = "/tmp/vfsim-fuzz-console-XXXXXX";
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int remove_one(const char *p, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void remove_dir(void)
{
	nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* `picture ring NAME FILE` writes FILE.dot wherever FILE points; inside
 * --out only, please (a script may write where it likes, a fuzzer not). */
static bool writes_outside(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *q = p;

		while (q < eol && (*q == ' ' || *q == '\t'))
			q++;
		if ((size_t)(eol - q) >= 7 && !memcmp(q, "picture", 7) &&
		    memchr(q, '/', (size_t)(eol - q)))
			return true;
		p = eol + 1;
	}
	return false;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FILE *f;

	(void)argc;
	(void)argv;
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/s.vfs", dir);
	f = fopen(path, "w");
	if (!f || fputs(scenario, f) < 0 || fclose(f))
		abort();
	atexit(remove_dir);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[] = { path, "--out", dir, "--time-limit", "10ms" };
	FILE *in, *out, *err;
	int rc;

	if (!size || writes_outside(data, size))
		return 0;
	in = fmemopen((void *)data, size, "r");
	out = fopen("/dev/null", "w");
	err = fopen("/dev/null", "w");
	if (!in || !out || !err)
		abort();
	rc = vfsim_cmd_step(5, argv, in, out, err);
	/* a script: 0 when every command worked, 1 when one failed */
	assert(rc == 0 || rc == 1);
	fclose(in);
	fclose(out);
	fclose(err);
	return 0;
}
