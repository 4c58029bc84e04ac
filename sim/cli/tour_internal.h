/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file tour_internal.h
 * @brief `vfsim tour`: the parts, their built-in scenarios and the text
 * machinery that narrates a run (sim/cli/tour*.c).
 *
 * A part runs one or more built-in scenarios (tour_scenarios.c) through
 * the executor, parses each text trace into struct tour_line, and walks
 * its beats: a beat is a sentence of narration and, per scenario shown,
 * the trace lines that prove it (struct tour_side). A side's first pattern
 * is its anchor: the beat starts at the anchor's first match after the
 * previous beat's, and its lines are those any of its patterns match from
 * there up to the next beat's anchor. So the narration is printed before
 * the first line that shows it, and beats come in trace order. A section shows one scenario,
 * or two in columns. Facts in a part's result line come from the run
 * (struct tour_part::result), never from the text of the tour.
 * @ingroup sim_cli
 */
#ifndef VFSIM_SIM_CLI_TOUR_INTERNAL_H
#define VFSIM_SIM_CLI_TOUR_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "sim/cli/exec.h"
#include "sim/kernel/types.h"

/** @brief Output width the tour keeps to (columns, newline excluded). */
#define TOUR_WIDTH 79

/** @brief Width of one column of a two-column section. */
#define TOUR_COL_WIDTH 37

/** @brief Most alternative patterns one side of a beat may have. */
#define TOUR_ALTS 4

/** @brief Most scenarios one part runs (two per section). */
#define TOUR_MAX_RUNS 4

/** @brief Most sections one part has. */
#define TOUR_MAX_SECTIONS (TOUR_MAX_RUNS / 2)

/** @brief Number of parts. */
#define TOUR_NR_PARTS 4

/** @brief A built-in scenario. */
struct tour_scenario {
	const char *file;  ///< its name, and its copy's in tests/scenarios/
	const char *label; ///< column heading ("v5-2019", "no timeout")
	const char *text;  ///< the scenario text
};

/** @brief One line of a text trace, parsed. */
struct tour_line {
	u64 time_ns;	  ///< virtual time
	u64 seq;	  ///< position in the trace, from 1
	const char *task; ///< task name ("-" for none)
	const char *kind; ///< event kind ("vq.full")
	/** the rest: function, then details ("virtqueue_add_sgs q=...") */
	const char *rest;
};

/** @brief One scenario of a part, run. */
struct tour_run {
	const struct tour_scenario *scn; ///< what ran
	struct vfsim_result res;	 ///< the executor's outcome
	char *text;			 ///< the trace, split into lines
	struct tour_line *lines;	 ///< parsed lines of @c text
	size_t nr;			 ///< number of lines
	char *diag;			 ///< failed expectations, errors
	size_t diag_len;		 ///< length of @c diag
	bool ok; ///< parsed, ran, and every expectation held
};

/**
 * @brief A trace pattern: the event kind, exactly, and text the rest of
 * the line contains (NULL: anything).
 */
struct tour_pat {
	const char *kind; ///< "vq.full"; NULL ends a list of alternatives
	const char *sub;  ///< substring of tour_line::rest, or NULL
};

/** @brief What one scenario shows for a beat. */
struct tour_side {
	/** lines matching any of these, the first being the anchor (none
	 *  given: @c note only) */
	struct tour_pat any[TOUR_ALTS];
	unsigned show;	  ///< lines to print (0: 1); the rest are counted
	const char *note; ///< printed instead of lines when @c any is empty
};

/** @brief A step of the story: narration and the lines showing it. */
struct tour_beat {
	const char *say;	  ///< the narration
	struct tour_side side[2]; ///< per scenario of the section
};

/** @brief Scenarios shown together, with their beats. */
struct tour_section {
	const char *intro;	       ///< printed first (NULL: none)
	const char *scn[2];	       ///< scenario files; scn[1] NULL: one
	const struct tour_beat *beats; ///< the beats, in trace order
	size_t nr_beats;	       ///< number of beats
};

/** @brief A kernel function a part names, and where it lives. */
struct tour_kfunc {
	const char *where; ///< source file ("fs/fuse/virtio_fs.c")
	const char *name;  ///< function; NULL ends the list
};

/** @brief One part of the tour. */
struct tour_part {
	const char *title;		     ///< one line
	const char *intro;		     ///< the paragraph under the title
	const struct tour_section *sections; ///< shown in order
	size_t nr_sections;		     ///< number of sections
	/** functions the runs must show (a trace line's function) */
	const struct tour_kfunc *kfuncs;
	const char *read_next; ///< where to read on
	/**
	 * Write the one-line result from the runs (in section order) into
	 * @p buf. @return false when a fact it needs is not in the runs.
	 */
	bool (*result)(const struct tour_run *runs, size_t nr, char *buf,
		       size_t size);
};

/** @brief The built-in scenarios, in part order. */
extern const struct tour_scenario tour_scenarios[];

/** @brief The parts, in order. */
extern const struct tour_part tour_parts[TOUR_NR_PARTS];

/** @brief A tour: its parts and the scenarios they name. */
struct tour_book {
	const struct tour_part *parts;	       ///< the parts, in order
	size_t nr_parts;		       ///< 1..TOUR_NR_PARTS
	const struct tour_scenario *scenarios; ///< what sections name
	size_t nr_scenarios;		       ///< number of scenarios
};

/** @brief The built-in tour: tour_parts and tour_scenarios. */
extern const struct tour_book tour_builtin;

/** @brief The scenario of @p book named @p file, or NULL. */
const struct tour_scenario *tour_scenario_by_file(const struct tour_book *book,
						  const char *file);

/**
 * @brief vfsim_cmd_tour() on any book (the tests give their own).
 * @return as vfsim_cmd_tour()
 */
int tour_main(const struct tour_book *book, int argc, char **argv, FILE *in,
	      FILE *out, FILE *err);

/**
 * @brief Parse and run @p scn, and parse its trace.
 * @param scn the scenario
 * @param r the outcome (always initialised; free with tour_run_free())
 * @return 0 when it ran and every expectation held, else -1 (the reason
 *         is in r->diag)
 */
int tour_run_scenario(const struct tour_scenario *scn, struct tour_run *r);

/** @brief Free what tour_run_scenario() allocated. */
void tour_run_free(struct tour_run *r);

/**
 * @brief Split @p text (modified in place) into trace lines.
 * @return the number of lines, or -1 when a line is not a trace line
 *         (@p *out is NULL then); free *out
 */
ssize_t tour_parse_trace(char *text, struct tour_line **out);

/** @brief True when @p l matches @p p. */
bool tour_match(const struct tour_line *l, const struct tour_pat *p);

/**
 * @brief First line at index @p from or later of kind @p kind whose rest
 * contains @p sub (NULL: any). @return its index, or r->nr when none.
 */
size_t tour_find(const struct tour_run *r, size_t from, const char *kind,
		 const char *sub);

/** @brief The first line of @p kind containing @p sub, or NULL. */
const struct tour_line *tour_first(const struct tour_run *r, const char *kind,
				   const char *sub);

/** @brief The last line of @p kind containing @p sub, or NULL. */
const struct tour_line *tour_last(const struct tour_run *r, const char *kind,
				  const char *sub);

/** @brief How many lines in [@p from, @p to) match @p kind and @p sub. */
size_t tour_count_in(const struct tour_run *r, size_t from, size_t to,
		     const char *kind, const char *sub);

/** @brief How many lines of the run match @p kind and @p sub. */
size_t tour_count(const struct tour_run *r, const char *kind, const char *sub);

/** @brief True when some line's function (first word of its rest) is
 *  @p func. */
bool tour_has_func(const struct tour_run *r, const char *func);

/**
 * @brief The number written right after @p key in @p l's rest
 * ("in_flight=" -> 1), or right before it when @p key starts with a
 * blank (" state bytes" -> 367). @return -1 when @p l is NULL or there
 * is no such number.
 */
long long tour_number(const struct tour_line *l, const char *key);

/** @brief Format @p ns as milliseconds, "1.500 ms", or from one second
 *  on as seconds, "30.000 s", into @p buf. */
const char *tour_ms(u64 ns, char *buf, size_t size);

/** @brief Rows of text built for printing, each at most a column wide. */
struct tour_rows {
	char **row;  ///< the rows (host heap)
	size_t nr;   ///< number of rows
	size_t cap;  ///< capacity of @c row
	bool broken; ///< a beat's line was missing (the part fails)
};

/**
 * @brief Append @p text to @p rows, wrapped at @p width columns at blanks;
 * continuation rows are indented by @p hang. A word longer than a row is
 * cut.
 */
void tour_rows_wrap(struct tour_rows *rows, const char *text, unsigned width,
		    unsigned hang);

/** @brief Append trace line @p l, "TIME TASK KIND REST", wrapped. */
void tour_rows_line(struct tour_rows *rows, const struct tour_line *l,
		    unsigned width);

/** @brief Free the rows and empty @p rows. */
void tour_rows_free(struct tour_rows *rows);

/** @brief Print @p rows, each after @p indent blanks. */
void tour_rows_print(FILE *out, const struct tour_rows *rows, unsigned indent);

/** @brief Print @p a and @p b side by side in two TOUR_COL_WIDTH columns. */
void tour_rows_print2(FILE *out, const struct tour_rows *a,
		      const struct tour_rows *b);

/** @brief Print @p text as a paragraph wrapped at TOUR_WIDTH, every row
 *  after @p indent blanks. */
void tour_say(FILE *out, const char *text, unsigned indent);

/**
 * @brief Add what @p side shows of run @p r for one beat to @p rows:
 * the matches in [@p first, @p end), at most side->show of them and a
 * count of the rest; or its note; or, when @p first is r->nr, a line
 * saying it is missing (rows->broken is set).
 */
void tour_side_rows(struct tour_rows *rows, const struct tour_side *side,
		    const struct tour_run *r, size_t first, size_t end,
		    unsigned width);

/** @brief True when @p side has a pattern (not a note only). */
bool tour_side_has_pat(const struct tour_side *side);

/** @brief The anchor of a beat's side: the first line at or after
 *  @p from matching its first pattern; r->nr when none. */
size_t tour_side_find(const struct tour_side *side, const struct tour_run *r,
		      size_t from);

#endif /* VFSIM_SIM_CLI_TOUR_INTERNAL_H */
