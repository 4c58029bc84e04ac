// SPDX-License-Identifier: GPL-2.0-only
/*
 * render.c - SVG from DOT and mscgen sources by the tools themselves,
 * started with posix_spawnp() and an argument vector: names pass
 * through untouched, whatever characters they hold.
 */
#include <errno.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>

#include "sim/cli/render.h"

extern char **environ;

int vfsim_render_svg(enum vfsim_render_tool tool, const char *src,
		     const char *svg, FILE *err)
{
	char *dot[] = { "dot", "-Tsvg", (char *)src, "-o", (char *)svg, NULL };
	char *msc[] = { "mscgen",    "-T",	  "svg", "-o",
			(char *)svg, (char *)src, NULL };
	char **argv = tool == VFSIM_RENDER_DOT ? dot : msc;
	pid_t pid;
	int st, ret;

	fflush(NULL); /* the child must not repeat buffered output */
	ret = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	if (ret == ENOENT)
		return 1;
	if (ret) {
		fprintf(err, "vfsim: cannot start '%s': %s\n", argv[0],
			strerror(ret));
		return -1;
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			fprintf(err, "vfsim: waiting for '%s': %s\n", argv[0],
				strerror(errno));
			return -1;
		}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	/* glibc's posix_spawnp reports a missing program as exit 127 */
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return 1;
	fprintf(err, "vfsim: '%s' could not write '%s'\n", argv[0], svg);
	return -1;
}
