// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfsim_main.c - the vfsim program's entry point (the commands are in
 * vfsim_cli.c, in the library). On a terminal `vfsim step` edits lines
 * and keeps a history with libedit (BSD-licensed) when the build found
 * it (VFSIM_HAVE_LIBEDIT); the library itself needs no line editor.
 */
#include <stdio.h>

#include "sim/cli/vfsim_cli.h"

#ifdef VFSIM_HAVE_LIBEDIT
#include <editline/readline.h>

static char *edit_read(const char *prompt)
{
	return readline(prompt);
}

static void edit_remember(const char *line)
{
	add_history(line);
}
#endif

int main(int argc, char **argv)
{
#ifdef VFSIM_HAVE_LIBEDIT
	static const struct vfsim_line_editor ed = { edit_read, edit_remember };

	vfsim_cli_set_line_editor(&ed);
#endif
	return vfsim_cli_main(argc, argv, stdout, stderr);
}
