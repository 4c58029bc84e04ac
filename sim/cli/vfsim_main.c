// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfsim_main.c - the vfsim program's entry point (the commands are in
 * vfsim_cli.c, in the library).
 */
#include <stdio.h>

#include "sim/cli/vfsim_cli.h"

int main(int argc, char **argv)
{
	return vfsim_cli_main(argc, argv, stdout, stderr);
}
