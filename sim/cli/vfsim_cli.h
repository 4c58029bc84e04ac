/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vfsim_cli.h
 * @brief The vfsim program's commands, callable in-process.
 */
#ifndef VFSIM_SIM_CLI_VFSIM_CLI_H
#define VFSIM_SIM_CLI_VFSIM_CLI_H

#include <stdio.h>

/**
 * @brief Run the vfsim program: `vfsim [--help|--version] COMMAND ARGS`.
 * @param argc argument count, program name included
 * @param argv arguments, argv[0] the program name
 * @param out where the trace, help and version go (the program's stdout)
 * @param err where errors and failed expectations go (its stderr)
 * @return the exit status: 0 every expectation held, 1 an expectation
 *         failed, 2 a usage or scenario error (nothing ran)
 */
int vfsim_cli_main(int argc, char **argv, FILE *out, FILE *err);

#endif /* VFSIM_SIM_CLI_VFSIM_CLI_H */
