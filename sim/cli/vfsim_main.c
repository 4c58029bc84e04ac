// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfsim_main.c - the vfsim program's entry point.
 *
 * The subcommands (run, step, tour) arrive with the scenario language; until
 * then the program says so instead of pretending.
 */
#include <stdio.h>
#include <string.h>

static const char usage[] =
	"usage: vfsim [--help] [--version] COMMAND [ARGS]\n"
	"\n"
	"vfsim: an educational reference implementation of virtio-fs.\n"
	"A guest-side model of the Linux driver fs/fuse/virtio_fs.c and a\n"
	"device-side FUSE server, joined by split virtqueues in simulated\n"
	"guest memory.\n"
	"\n"
	"commands (not available in this version yet):\n"
	"  run FILE    run a scenario and print its trace\n"
	"  step FILE   step through a scenario interactively\n"
	"  tour        guided tour of the four mechanisms (make run)\n"
	"\n"
	"options:\n"
	"  --help      show this help and exit\n"
	"  --version   show the version and exit\n";

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("vfsim %s\n", VFSIM_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "run") || !strcmp(argv[1], "step") ||
	    !strcmp(argv[1], "tour")) {
		fprintf(stderr,
			"vfsim: '%s' is not available in this version yet\n",
			argv[1]);
		return 2;
	}
	fprintf(stderr,
		"vfsim: unknown command or option '%s' (see vfsim --help)\n",
		argv[1]);
	return 2;
}
