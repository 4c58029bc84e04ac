/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vfsim_cli.h
 * @brief The vfsim program's commands, callable in-process.
 * @ingroup sim_cli
 */
#ifndef VFSIM_SIM_CLI_VFSIM_CLI_H
#define VFSIM_SIM_CLI_VFSIM_CLI_H

#include <stdint.h>
#include <stdio.h>

/** @brief The vfsim program's exit statuses. */
enum vfsim_exit {
	VFSIM_EXIT_OK = 0, ///< every expectation held (a command: it worked)
	/** an expectation failed, a report was unexpected, a limit was hit
	 *  (the console: a scripted command failed; the tour: a part failed) */
	VFSIM_EXIT_FAILED = 1,
	VFSIM_EXIT_USAGE = 2, ///< a usage or scenario error: nothing ran
	/** the host failed: out of memory (host_oom(), HOST_OOM_EXIT), or an
	 *  output that could not be written */
	VFSIM_EXIT_HOST = 3,
};

/**
 * @brief After a command: flush @p out and check that everything written
 * to it arrived; if not, say so on @p err.
 * @return @p status, or VFSIM_EXIT_HOST when the output was lost
 */
int vfsim_cli_output_status(FILE *out, FILE *err, int status);

/**
 * @brief Run the vfsim program: `vfsim [--help|--version] COMMAND ARGS`.
 * @param argc argument count, program name included
 * @param argv arguments, argv[0] the program name
 * @param out where the trace, help and version go (the program's stdout)
 * @param err where errors and failed expectations go (its stderr)
 * @return the exit status (enum vfsim_exit): 0 every expectation held, 1
 *         an expectation failed, 2 a usage or scenario error (nothing
 *         ran), 3 the host failed (@p out could not be written, or an
 *         `--out` file)
 */
int vfsim_cli_main(int argc, char **argv, FILE *out, FILE *err);

/**
 * @brief Line editing for `vfsim step` on a terminal: what reads a
 * command line and what remembers it. The library has none of its own
 * (it reads lines with getline()); the vfsim program installs libedit's
 * readline() and add_history() (sim/cli/vfsim_main.c).
 */
struct vfsim_line_editor {
	/** read a line after printing @p prompt; a malloc()ed string
	 *  without its newline, or NULL at the end of the input */
	char *(*read_line)(const char *prompt);
	/** remember @p line for the history (may be NULL) */
	void (*remember)(const char *line);
};

/**
 * @brief Install @p ed as the console's line editor on terminals (NULL:
 * none, getline()).
 */
void vfsim_cli_set_line_editor(const struct vfsim_line_editor *ed);

/**
 * @brief A `--time-limit` argument: a duration as the scenario language
 * writes one ("30s"), more than zero.
 * @param err where a bad one is reported, in one line
 * @param arg the argument
 * @param ns set to the limit in nanoseconds
 * @return 0, or -1 after reporting the error
 */
int vfsim_cli_time_limit(FILE *err, const char *arg, uint64_t *ns);

/**
 * @brief A `--policy` argument as the scheduler takes it: `replay:FILE`
 * becomes the choices FILE holds (the `replay:I,J,...` line that
 * `vfsim run --out` writes to choices.txt); any other policy, the
 * empty list `replay:` included, is copied.
 * @param err where a file that cannot be read or holds no choices is
 *        reported, in one line
 * @param policy the argument
 * @return the policy (free() it), or NULL after reporting the error
 */
char *vfsim_cli_policy(FILE *err, const char *policy);

/**
 * @brief `vfsim step FILE [--policy P] [--out DIR]`: the stepping console
 * (docs/console.md). Commands are read from @p in, one per line, until
 * `quit` or the end of the input.
 * @param argc number of arguments after `step`
 * @param argv the arguments after `step`
 * @param in the commands (a terminal gets a prompt; anything else is a
 *        script: each command is echoed before its output)
 * @param out the console's output (trace lines, views, help)
 * @param err one line per failed command, and usage or scenario errors
 * @return the exit status: 0 after `quit` or the end of the input, 1
 *         when @p in is not a terminal and a command failed, 2 a usage or
 *         scenario error (nothing ran)
 */
int vfsim_cmd_step(int argc, char **argv, FILE *in, FILE *out, FILE *err);

/**
 * @brief `vfsim tour`: the guided tour of the four mechanisms, run from
 * the scenarios built into the program (docs/tour.md).
 * @param argc argument count, the command name included
 * @param argv arguments: argv[0] is "tour", then the options (--part N,
 *        --pause, --trace, --help)
 * @param in where --pause reads its Enter (end of input: go on)
 * @param out where the tour and the help go
 * @param err where usage errors go
 * @return 0 every part held, 1 a part failed, 2 a usage error
 */
int vfsim_cmd_tour(int argc, char **argv, FILE *in, FILE *out, FILE *err);

/**
 * @brief `vfsim serve (--socket PATH | --fuse DIR) [--fs FILE | --dir DIR]
 *        [--faults PLAN] [--trace F] [--out DIR] [--once]`: the device
 *        for real peers (device/vfs_serve.h), until SIGINT or SIGTERM.
 * @param argc number of arguments after `serve`
 * @param argv the arguments after `serve`
 * @param out where --help and a `--trace text|jsonl` trace go
 * @param err where usage errors and the server's log go
 * @return 0 a clean end, 1 serving failed, 2 a usage error
 */
int vfsim_cmd_serve(int argc, char **argv, FILE *out, FILE *err);

#endif /* VFSIM_SIM_CLI_VFSIM_CLI_H */
