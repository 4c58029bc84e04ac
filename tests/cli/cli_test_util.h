/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cli_test_util.h - run the vfsim program in-process (vfsim_cli_main())
 * with arguments from a va_list, both output streams captured.
 */
#ifndef VFSIM_TESTS_CLI_CLI_TEST_UTIL_H
#define VFSIM_TESTS_CLI_CLI_TEST_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/cli/vfsim_cli.h"

/*
 * `vfsim [CMD] ARG...`, the arguments from @arg on ending with NULL (at
 * most 14 in all). *@out_text and *@err_text are freed first, then hold
 * what the program wrote. @return its exit status.
 */
static inline int vt_cli_vrun(char **out_text, char **err_text, const char *cmd,
			      const char *arg, va_list ap)
{
	char *argv[16] = { "vfsim" };
	size_t olen, elen;
	FILE *out, *err;
	int argc = 1, rc;

	free(*out_text);
	free(*err_text);
	out = open_memstream(out_text, &olen);
	err = open_memstream(err_text, &elen);
	if (cmd)
		argv[argc++] = (char *)cmd;
	for (const char *a = arg; a && argc < 15; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	rc = vfsim_cli_main(argc, argv, out, err);
	fclose(out);
	fclose(err);
	return rc;
}

/* vt_cli_vrun() with the arguments given here, ending with NULL. */
static inline int vt_cli_run(char **out_text, char **err_text, const char *cmd,
			     const char *arg, ...)
{
	va_list ap;
	int rc;

	va_start(ap, arg);
	rc = vt_cli_vrun(out_text, err_text, cmd, arg, ap);
	va_end(ap);
	return rc;
}

#endif
