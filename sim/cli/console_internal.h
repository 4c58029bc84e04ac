/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file console_internal.h
 * @brief The stepping console's state, shared by console.c (the command
 * loop, the session, back), console_step.c (stepping commands and
 * breakpoints), console_show.c (views), console_ring.c (show ring,
 * picture) and console_help.c (help texts, banner). docs/console.md describes the
 * console as its users see it.
 * @ingroup sim_cli
 */
#ifndef VFSIM_SIM_CLI_CONSOLE_INTERNAL_H
#define VFSIM_SIM_CLI_CONSOLE_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>

#include "sim/cli/session.h"

/** @brief Most words one command line may have. */
#define CONSOLE_MAX_ARGS 8

/** @brief Largest count `step N` and `show trace N` take. */
#define CONSOLE_MAX_COUNT 1000000000ull

/** @brief One command line split into words. */
struct console_args {
	int argc;		       ///< number of words
	char *argv[CONSOLE_MAX_ARGS];  ///< the words (into the line)
	bool quoted[CONSOLE_MAX_ARGS]; ///< the word was a "string"
	char buf[1024];		       ///< the words' storage
};

/** @brief How a pattern (until, break) matches a trace event. */
enum console_pat_kind {
	CONSOLE_PAT_WORD, ///< WORD: the event's kind or function is WORD
	CONSOLE_PAT_KIND, ///< event KIND[:FUNC]: as the scenario language
	CONSOLE_PAT_FUNC, ///< func NAME: the event's function is NAME
	CONSOLE_PAT_TEXT, ///< "TEXT": the event's text contains TEXT
};

/** @brief A trace event pattern of `until` or `break`. */
struct console_pat {
	enum console_pat_kind kind; ///< how it matches
	char *word;		    ///< the word, kind, function or text
	char *func;		    ///< CONSOLE_PAT_KIND: the function, or NULL
};

/** @brief One breakpoint. */
struct console_bp {
	unsigned int id;	 ///< its number (1, 2, ...; never reused)
	struct console_pat pat;	 ///< what stops
	unsigned long long hits; ///< times it stopped a command
};

/** @brief Trace count and hash at one position, for `back`'s check. */
struct console_mark {
	u64 count; ///< trace_count()
	u64 hash;  ///< trace_hash()
};

/** @brief The console. */
struct console {
	FILE *in;		    ///< commands
	FILE *out;		    ///< output
	FILE *err;		    ///< errors
	bool tty;		    ///< @c in is a terminal (prompt, no echo)
	const char *file;	    ///< the scenario's path
	struct scenario *s;	    ///< the scenario
	char *policy;		    ///< --policy (resolved), or NULL
	const char *outdir;	    ///< where pictures go
	u64 max_time;		    ///< --time-limit, or 0 (the default)
	struct vfsim_session *ss;   ///< the running session
	struct vfsim_result r;	    ///< its result (unused until closed)
	u64 steps;		    ///< position: steps that ran or moved time
	enum sched_status last;	    ///< status of the last step
	bool over;		    ///< the run ended (done, deadlock, limit)
	size_t shown;		    ///< trace events printed or skipped
	struct console_mark *marks; ///< per position, [0..steps]
	size_t cap_marks;	    ///< room in @c marks
	struct console_bp *bps;	    ///< breakpoints
	size_t nr_bps;		    ///< number of breakpoints
	unsigned int next_bp;	    ///< number of the next breakpoint
	unsigned long lineno;	    ///< input line being executed
	unsigned int errors;	    ///< commands that failed
	bool quit;		    ///< `quit` was given
	/** the last stepping command (step, next, until, continue), which
	 *  an empty line repeats on a terminal; "" when none */
	char repeat[256];
	/** terminal width to wrap trace lines at, or 0 (no terminal) */
	unsigned int width;
};

/** @brief Set by SIGINT (Ctrl-C) while a stepping command runs on a
 *  terminal: the command stops at the next step. */
extern volatile int console_interrupted;

/**
 * @brief Report a command error: one line on the error stream, naming
 * the input line when commands come from a script. Counted in
 * console::errors.
 * @return -1, for `return console_error(...)`
 */
int console_error(struct console *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** @brief Virtual time as the trace prints it ("1500.000 us"), static. */
const char *console_time(u64 ns);

/** @brief Record the trace's count and hash at the current position. */
void console_mark(struct console *c);

/**
 * @brief Take one step and count it.
 * @return false when the run is over (nothing ran: done, deadlock, limit)
 */
bool console_step_once(struct console *c);

/** @brief `step [N]`. @return 0 or -1 */
int console_cmd_step(struct console *c, const struct console_args *a);

/** @brief `continue`. @return 0 or -1 */
int console_cmd_continue(struct console *c, const struct console_args *a);

/** @brief `next [TASK]`. @return 0 or -1 */
int console_cmd_next(struct console *c, const struct console_args *a);

/** @brief `until WHAT`. @return 0 or -1 */
int console_cmd_until(struct console *c, const struct console_args *a);

/** @brief `break [WHAT]`. @return 0 or -1 */
int console_cmd_break(struct console *c, const struct console_args *a);

/** @brief `delete N`. @return 0 or -1 */
int console_cmd_delete(struct console *c, const struct console_args *a);

/** @brief `clear`. @return 0 or -1 */
int console_cmd_clear(struct console *c, const struct console_args *a);

/** @brief Delete every breakpoint and free their list. */
void console_clear_bps(struct console *c);

/** @brief `show WHAT ...` (argv[0] is "show"). @return 0 or -1 */
int console_show(struct console *c, const struct console_args *a);

/** @brief `show ring NAME`: the ring drawn as text. @return 0 or -1 */
int console_ring_text(struct console *c, const char *name);

/** @brief `picture ring NAME [FILE]`. @return 0 or -1 */
int console_picture(struct console *c, const struct console_args *a);

/** @brief `help [COMMAND]`. @return 0 or -1 */
int console_help(struct console *c, const struct console_args *a);

/** @brief `vfsim step --help`: the usage and every command. */
void console_usage(FILE *f);

/** @brief Print the banner: scenario, policy, tasks, events, run
 *  program. */
void console_banner(struct console *c);

/** @brief The position line ("-- step N at T: ..."). */
void console_where(struct console *c);

/**
 * @brief A driver queue by name ("hiprio", "requests.N").
 * @param c the console
 * @param cmd the command, for the error message
 * @param name the name
 * @param idx set to the queue index (0 hiprio, N + 1 requests.N)
 * @return the queue, or NULL after an error was reported
 */
struct virtio_fs_vq *console_queue(struct console *c, const char *cmd,
				   const char *name, unsigned int *idx);

/**
 * @brief Parse a count from 1 to @p max.
 * @return 0, or -1 after an error naming @p cmd and @p what was reported
 */
int console_count(struct console *c, const char *cmd, const char *what,
		  const char *word, unsigned long long max,
		  unsigned long long *out);

#endif /* VFSIM_SIM_CLI_CONSOLE_INTERNAL_H */
