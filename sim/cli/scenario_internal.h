/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file scenario_internal.h
 * @brief Private to the scenario parser: tokens, the parser state, helpers
 * shared by scenario_lex.c and the scenario_parse*.c files.
 *
 * The parser stops at the first error: scn_fail() formats the message and
 * longjmp()s back to scenario_parse_string(). That is safe because every
 * allocation of a parse lives in the scenario's arena, which the failing
 * parse frees whole; no code between holds any other resource.
 * @ingroup sim_cli
 */
#ifndef VFSIM_SIM_CLI_SCENARIO_INTERNAL_H
#define VFSIM_SIM_CLI_SCENARIO_INTERNAL_H

#include <setjmp.h>
#include <stdint.h>

#include "sim/cli/scenario.h"

/** @brief Kind of a token. */
enum scn_tok_kind {
	SCN_TK_WORD,   ///< a run of printable characters without blanks
	SCN_TK_STRING, ///< "..." with its escapes decoded
	SCN_TK_KEYVAL, ///< key=value, the value a word or a string
};

/** @brief One token of the current line. */
struct scn_tok {
	enum scn_tok_kind kind; ///< word, string or key=value
	const char *text;	///< word/string text; key=value: the value
	const char *key;	///< key=value: the key, else NULL
	bool str;		///< key=value: the value was a string
	bool var;		///< the text holds SCN_ITER_MARK ($i)
	unsigned col;		///< column of the token (of the key)
	unsigned vcol;		///< column of the value (== col for words)
};

/** @brief Most open blocks at once: a task and its nested repeats. */
#define SCN_MAX_DEPTH 9

/** @brief Kind of an open block. */
enum scn_blk_kind {
	SCN_BLK_TASK,	///< task ... end
	SCN_BLK_REPEAT, ///< repeat N ... end
	SCN_BLK_FS,	///< fs ... end
	SCN_BLK_AT,	///< at DURATION ... end
	SCN_BLK_ON,	///< on EVENT ... end
};

/** @brief An open block and the node array it is filling. */
struct scn_blk {
	enum scn_blk_kind kind; ///< which block
	struct scn_pos pos;	///< its opening keyword
	struct scn_op op;	///< REPEAT: the repeat node, stored at `end`
	struct scn_op *ops;	///< TASK/REPEAT: body so far
	size_t nr;		///< TASK/REPEAT: ops in the body
	size_t cap;		///< TASK/REPEAT: capacity of @c ops
};

/** @brief A handle name defined in the current task. */
struct scn_handle {
	const char *name; ///< its name (a template)
	bool dir;	  ///< from opendir (else open/create)
};

/** @brief Parser state of one parse. */
struct scn_parser {
	jmp_buf fail;			     ///< where scn_fail() returns to
	struct scenario *s;		     ///< the tree being built
	struct scenario_error *err;	     ///< where the first error goes
	const char *p;			     ///< next unread byte of the text
	unsigned line;			     ///< current line, 1-based
	struct scn_tok *toks;		     ///< tokens of the current line
	size_t nr_toks;			     ///< number of tokens
	size_t cap_toks;		     ///< capacity of @c toks
	struct scn_blk stack[SCN_MAX_DEPTH]; ///< open blocks, innermost last
	unsigned depth;			     ///< number of open blocks
	unsigned repeat_depth;		     ///< open repeat blocks
	int phase;		    ///< 0 config, 1 tasks/events, 2 run
	unsigned config_end;	    ///< line that ended the configuration
	unsigned run_start;	    ///< line of the first run statement
	size_t cap_bugs;	    ///< capacity of s->bugs
	size_t cap_faults;	    ///< capacity of s->faults
	size_t cap_fs;		    ///< capacity of s->fs
	size_t cap_tasks;	    ///< capacity of s->tasks
	size_t cap_triggers;	    ///< capacity of s->triggers
	size_t cap_actions;	    ///< capacity of the open trigger's actions
	size_t cap_run;		    ///< capacity of s->run
	struct scn_task *task;	    ///< open task (in s->tasks), or NULL
	struct scn_handle *handles; ///< handles of the open task
	size_t nr_handles;	    ///< number of handles
	size_t cap_handles;	    ///< capacity of @c handles
};

/** @brief Record the first error and unwind to the parse's entry. */
_Noreturn void scn_fail(struct scn_parser *P, int code, unsigned col,
			const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/** @brief scn_fail() at an explicit line. */
_Noreturn void scn_fail_line(struct scn_parser *P, int code, unsigned line,
			     unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/** @brief Zeroed arena memory of @p size bytes owned by the scenario. */
void *scn_alloc(struct scn_parser *P, size_t size);

/** @brief Arena copy of the @p len bytes at @p s, NUL-terminated. */
char *scn_strndup(struct scn_parser *P, const char *s, size_t len);

/**
 * @brief Append a zeroed element of @p size bytes to the arena vector
 * (*@p arr, *@p nr, *@p cap) and return it.
 */
void *scn_push(struct scn_parser *P, void *arr, size_t *nr, size_t *cap,
	       size_t size);

/** @brief Free the arena of a scenario. */
void scn_arena_free(void *arena);

/** @brief Tokenize the next line into P->toks; false at the end of text. */
bool scn_lex_line(struct scn_parser *P);

/** @brief Printable form of a token for messages (may be abbreviated). */
const char *scn_tok_str(const struct scn_tok *t, char *buf, size_t size);

/** @brief Text @p s for a message: $i for the mark, '?' for control bytes,
 * abbreviated when long. */
const char *scn_show(const char *s, char *buf, size_t size);

/** @brief Position of column @p col on the current line. */
struct scn_pos scn_pos_at(struct scn_parser *P, unsigned col);

/**
 * @brief An unsigned integer (decimal or 0x hex) in @p lo .. @p hi;
 * @p what names it in messages.
 */
uint64_t scn_uint(struct scn_parser *P, const struct scn_tok *t, uint64_t lo,
		  uint64_t hi, const char *what);

/** @brief A signed integer (decimal or 0x hex, optional '-'). */
int64_t scn_int(struct scn_parser *P, const struct scn_tok *t,
		const char *what);

/** @brief A duration with its unit (ns, us, ms, s), in nanoseconds. */
uint64_t scn_duration(struct scn_parser *P, const struct scn_tok *t,
		      const char *what);

/** @brief A size in bytes, optional unit K, M or G (KiB, MiB, GiB). */
uint64_t scn_size(struct scn_parser *P, const struct scn_tok *t,
		  const char *what);

/** @brief An errno: 0, NAME or -NAME; returns 0 or a negative errno. */
int scn_errno(struct scn_parser *P, const struct scn_tok *t);

/** @brief Name of errno @p err (1..133) as scenarios spell it, or NULL. */
const char *scn_errno_name(int err);

/** @brief True when @p s is a name: [A-Za-z_][A-Za-z0-9_.-]*. */
bool scn_is_name(const char *s);

/** @brief A keyword of NULL-terminated @p names (its index), else fail
 * naming @p what and listing them. */
int scn_one_of(struct scn_parser *P, const struct scn_tok *t,
	       const char *const *names, const char *what);

/** @brief Fail with -EEXIST if the statement at @p prev was given already. */
void scn_once(struct scn_parser *P, const struct scn_tok *t,
	      const struct scn_pos *prev);

/** @brief `machine KEY=VALUE...` */
void scn_parse_machine(struct scn_parser *P);

/** @brief `driver KEY=VALUE...` */
void scn_parse_driver(struct scn_parser *P);

/** @brief Check the driver settings against each other and the bug
 *  switches, once the whole configuration is known. */
void scn_check_driver(struct scn_parser *P);

/** @brief `bug NAME` */
void scn_parse_bug(struct scn_parser *P);

/** @brief `device KEY=VALUE...` */
void scn_parse_device(struct scn_parser *P);

/** @brief `policy SPEC` */
void scn_parse_policy(struct scn_parser *P);

/** @brief `fault RULE` */
void scn_parse_fault(struct scn_parser *P);

/** @brief `migration policy=...` */
void scn_parse_migration(struct scn_parser *P);

/** @brief `dir PATH` / `file PATH ...` inside the fs block. */
void scn_parse_fs_entry(struct scn_parser *P);

/** @brief An order value: in, reversed or random. */
enum scn_order scn_order_value(struct scn_parser *P, const struct scn_tok *t);

/**
 * @brief A path: absolute, no empty component, no trailing '/'; a word or
 * a string. Callers have already rejected $i where it is not allowed.
 */
const char *scn_path(struct scn_parser *P, const struct scn_tok *t);

/** @brief `end`: close the innermost block and attach what it built. */
void scn_close_block(struct scn_parser *P);

/** @brief Parse one statement line (P->toks) of the top level or a block. */
void scn_parse_line(struct scn_parser *P);

/** @brief Task body line (an operation, `repeat` or `end`). */
void scn_parse_op(struct scn_parser *P);

/** @brief Action line of an at/on block. */
void scn_parse_action(struct scn_parser *P);

/** @brief Run statement: run, step or expect. */
void scn_parse_run(struct scn_parser *P);

/**
 * @brief Parse a queue reference "hiprio" or "requests.N" starting at
 * @p s (length @p len); returns the queue name, sets *@p index.
 */
const char *scn_queue_ref(struct scn_parser *P, const char *s, size_t len,
			  unsigned col, unsigned *index);

/** @brief Parse an event pattern token (word kind[:func] or string). */
void scn_match(struct scn_parser *P, const struct scn_tok *t,
	       struct scn_match *m);

/** @brief Fail unless the line has no tokens after index @p i. */
void scn_no_more(struct scn_parser *P, size_t i);

/** @brief Token @p i, or fail naming @p what was expected. */
const struct scn_tok *scn_need(struct scn_parser *P, size_t i,
			       const char *what);

/** @brief Fail if token @p t uses $i where no template is allowed. */
void scn_no_var(struct scn_parser *P, const struct scn_tok *t);

#endif /* VFSIM_SIM_CLI_SCENARIO_INTERNAL_H */
