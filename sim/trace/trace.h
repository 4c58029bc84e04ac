/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file trace.h
 * @brief The trace: every step of a run as an event.
 *
 * A trace event says who (task) did what (kind, function) to which queue,
 * with the ring indices and the FUSE request it concerns, at what virtual
 * time. The same scenario, policy and seed must produce the same trace byte
 * for byte, so an event holds nothing that varies between runs (no host
 * pointers, no wall-clock time).
 *
 * There is one trace per process, like the kernel's trace buffer. The
 * scheduler tells it the current task and the virtual clock through
 * trace_set_context(); nothing here depends on the scheduler.
 *
 * Emitting costs one branch when tracing is off:
 *
 *	TRACE(.kind = "vq.add", .func = "virtqueue_add_sgs",
 *	      .queue = vq->name, .head = head, .avail_idx = idx,
 *	      .args = TRACE_FMT("out=%u in=%u", out, in));
 *
 * Fields not named take their "absent" value (-1 for indices and opcode,
 * 0 for unique, NULL for strings).
 *
 * **Recorded in binary, formatted when read.** An event is recorded as it
 * is: numbers, string pointers and, for a detail given with TRACE_FMT(),
 * the format and its arguments. Nothing is printed at emit time; the
 * text exists only when something reads it (trace_format_text(), a sink
 * that writes text, trace_find()). TRACE_FMT() is the form to use on any
 * path that runs often; `.detail = "text"` suits fixed text, and
 * `.detail = trace_fmt(...)` (formatted at once) the rare events.
 *
 * **Strings.** kind, func, task, queue, a plain detail and the "%s"
 * arguments of TRACE_FMT() may point anywhere, including into an object
 * that is freed right after: what the trace keeps is either the same
 * pointer, when it points into read-only memory of the program (a string
 * literal, which lives as long as the program), or a copy (task and queue
 * names are interned once for the whole process; a detail's strings are
 * copied into the trace's own storage when the event is kept).
 *
 * **The hash.** trace_hash() folds every event's binary record into a
 * 64-bit value as it is emitted: numbers as they are, strings by their
 * contents, a TRACE_FMT() detail by its format and arguments. Two runs of
 * the same program with the same hash recorded the same events, hence the
 * same text; the value does not depend on addresses or on the build
 * (optimized, coverage, sanitizers), so a test may compare it with a
 * constant. Keeping no events and writing no text, a run still has its
 * hash: determinism checks cost nothing extra. A caller that will not ask
 * for it says so (trace_drop_hash()), and then an event nobody else
 * consumes costs next to nothing.
 * @ingroup sim_trace
 */
#ifndef VFSIM_SIM_TRACE_TRACE_H
#define VFSIM_SIM_TRACE_TRACE_H

#include <stdio.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** @brief Most arguments a TRACE_FMT() detail takes. */
#define TRACE_MAX_ARGS 8

/**
 * @brief A detail recorded as a format and its arguments (TRACE_FMT()).
 *
 * Each argument is kept as a 64-bit value: an integer converted to
 * uint64_t (the conversion in @ref fmt says how to read it back), or, for
 * the arguments whose bit is set in @ref strs, a `const char *`.
 */
struct trace_args {
	const char *fmt;	      /**< printf format (a string literal) */
	uint8_t nargs;		      /**< arguments in @ref arg */
	uint8_t strs;		      /**< bit i: arg[i] is a string */
	uint64_t arg[TRACE_MAX_ARGS]; /**< the arguments, first nargs used */
};

/** @brief One step of a run. */
struct trace_event {
	uint64_t seq;	   /**< position in the trace, from 1 */
	uint64_t time_ns;  /**< virtual time of the step */
	const char *task;  /**< task that made the step */
	const char *kind;  /**< what sort of step, e.g. "vq.add" */
	const char *func;  /**< function, by its kernel name where one exists */
	const char *queue; /**< queue name or NULL */
	int32_t head;	   /**< descriptor chain head, or -1 */
	int32_t avail_idx; /**< avail index after the step, or -1 */
	int32_t used_idx;  /**< used index after the step, or -1 */
	int32_t opcode;	   /**< FUSE opcode, or -1 */
	uint64_t unique;   /**< FUSE request unique, or 0 */
	const char *detail; /**< free text, or NULL (see @ref args) */
	/** A detail still to be formatted (TRACE_FMT()), used when
	 *  @ref detail is NULL; read it with trace_detail(). */
	const struct trace_args *args;
};

/** @brief Receives each event as it is emitted (streaming output). Its
 *  strings live until the sink returns; a detail is read with
 *  trace_detail(). */
typedef void (*trace_sink_fn)(const struct trace_event *ev, void *arg);

/** @brief Non-zero while events are recorded; read by TRACE() only. */
extern bool trace_enabled;

/**
 * @brief What one TRACE() call site recorded last: its kind, function,
 * queue and format, with their content hashes, so that the next event from
 * the site finds them by comparing a pointer. The trace's own.
 */
struct trace_site {
	const char *kind;      /**< last kind (a pointer that stays valid) */
	const char *func;      /**< last function */
	const char *queue;     /**< last queue */
	const char *fmt;       /**< last TRACE_FMT() format */
	uint64_t kind_h;       /**< their content hashes */
	uint64_t func_h;       /**< @see kind_h */
	uint64_t queue_h;      /**< @see kind_h */
	uint64_t fmt_h;	       /**< @see kind_h */
	uint64_t names;	       /**< what kind, func and queue add to the hash */
	const char *want_kind; /**< kind the sink's filter was last asked */
	uint32_t want_gen;     /**< filter generation of that answer */
	bool want;	       /**< the answer: the sink takes the kind */
	/** filter generation at which the sink was found to take the
	 *  site's @ref kind (0: not found so since the kind last changed),
	 *  emit_to_sink()'s one test for the filter */
	uint32_t sink_gen;
	/** TRACE_ANY()'s site: its kind may change from call to call */
	bool any_kind;
	/** nobody consumes the site's events (see TRACE()): set when its
	 *  event finds so, cleared when the consumers change */
	bool skip;
	/** the next site whose @ref skip is set, for clearing them all */
	struct trace_site *skip_next;
};

/** @cond INTERNAL */
/* Events emitted since the last reset (trace_count()); TRACE() counts a
 * skipped event here itself. */
extern uint64_t trace__count;
/* TRACE() and TRACE_ANY(): @site_init initializes the site */
#define TRACE__AT(site_init, ...)                                              \
	do {                                                                   \
		if (trace_enabled) {                                           \
			static struct trace_site trace__site = site_init;      \
			if (trace__site.skip)                                  \
				trace__count++;                                \
			else                                                   \
				trace_emit(                                    \
					&(struct trace_event){ .seq = 0,       \
							       .time_ns = 0,   \
							       .task = NULL,   \
							       .kind = NULL,   \
							       .func = NULL,   \
							       .queue = NULL,  \
							       .head = -1,     \
							       .avail_idx =    \
								       -1,     \
							       .used_idx = -1, \
							       .opcode = -1,   \
							       .unique = 0,    \
							       .detail = NULL, \
							       .args = NULL,   \
							       __VA_ARGS__ },  \
					&trace__site);                         \
		}                                                              \
	} while (0)
/** @endcond */

/**
 * @brief Emit an event; see the file comment. Arguments are not evaluated
 * when tracing is off, nor when nobody consumes the event.
 *
 * The event's kind must be a string literal (`scripts/trace_kinds.py
 * check` holds every site in the sources to it; TRACE_ANY() is the form
 * for a kind that changes). That lets the site learn, once per change of
 * the trace's consumers, that nothing reads its events: no event is kept
 * (trace_set_keep()), the hash was dropped (trace_drop_hash()) and the
 * sink is absent or its filter refuses the kind
 * (trace_set_sink_filter()). From then on an event of the site is only
 * counted, so that every later event keeps its number (seq): a test of
 * the site's own flag and an increment, before any argument is
 * evaluated. A change of the consumers clears the flag of every site
 * that set it (they are kept on a list), so the site never compares a
 * generation per event.
 *
 * Every field is named, the caller's overriding them: an initializer that
 * names them all is a few stores, one that leaves some to be zeroed is a
 * block clear first (GCC emits `rep stos` for it, eleven instructions
 * more per event).
 */
#define TRACE(...) TRACE__AT({ .any_kind = false }, __VA_ARGS__)

/** @brief TRACE() for a site whose kind is not one string literal (it
 *  changes from call to call): never skipped unasked, since the filter's
 *  answer for one kind says nothing of the next. */
#define TRACE_ANY(...) TRACE__AT({ .any_kind = true }, __VA_ARGS__)

/** @cond INTERNAL */
/* printf checking of a TRACE_FMT() without evaluating its arguments */
static inline __attribute__((format(printf, 1, 2))) void
trace__check(const char *fmt, ...)
{
	(void)fmt;
}

/* how many arguments (1 to 8; more names TRACE__F_too_many_arguments) */
#define TRACE__NARGS(...)                                                      \
	TRACE__NARGS_(__VA_ARGS__, _too_many_arguments, _too_many_arguments,   \
		      _too_many_arguments, _too_many_arguments,                \
		      _too_many_arguments, _too_many_arguments,                \
		      _too_many_arguments, _too_many_arguments, 8, 7, 6, 5, 4, \
		      3, 2, 1, 0)
/* the seventeenth of its arguments */
#define TRACE__NARGS_(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, \
		      a14, a15, a16, n, ...)                                  \
	n
/* a ## b, after expanding both */
#define TRACE__CAT(a, b) TRACE__CAT_(a, b)
/* a ## b */
#define TRACE__CAT_(a, b) a##b
/* bit @i set when @x is a string */
#define TRACE__S(x, i) \
	(_Generic((x), char * : 1u, const char * : 1u, default : 0u) << (i))
/* @x as a 64-bit argument */
#define TRACE__V(x) ((uint64_t)(uintptr_t)(x))
/* the argument list of a format, its count and its string bits */
#define TRACE__MK(f_, n_, s_, ...)                          \
	(&(const struct trace_args){ .fmt = "" f_ "",       \
				     .nargs = n_,           \
				     .strs = (uint8_t)(s_), \
				     .arg = { __VA_ARGS__ } })
#define TRACE__F1(f, a) TRACE__MK(f, 1, TRACE__S(a, 0), TRACE__V(a))
#define TRACE__F2(f, a, b)                                            \
	TRACE__MK(f, 2, TRACE__S(a, 0) | TRACE__S(b, 1), TRACE__V(a), \
		  TRACE__V(b))
#define TRACE__F3(f, a, b, c)                                             \
	TRACE__MK(f, 3, TRACE__S(a, 0) | TRACE__S(b, 1) | TRACE__S(c, 2), \
		  TRACE__V(a), TRACE__V(b), TRACE__V(c))
#define TRACE__F4(f, a, b, c, d)                                     \
	TRACE__MK(f, 4,                                              \
		  TRACE__S(a, 0) | TRACE__S(b, 1) | TRACE__S(c, 2) | \
			  TRACE__S(d, 3),                            \
		  TRACE__V(a), TRACE__V(b), TRACE__V(c), TRACE__V(d))
#define TRACE__F5(f, a, b, c, d, e)                                   \
	TRACE__MK(f, 5,                                               \
		  TRACE__S(a, 0) | TRACE__S(b, 1) | TRACE__S(c, 2) |  \
			  TRACE__S(d, 3) | TRACE__S(e, 4),            \
		  TRACE__V(a), TRACE__V(b), TRACE__V(c), TRACE__V(d), \
		  TRACE__V(e))
#define TRACE__F6(f, a, b, c, d, e, g)                                      \
	TRACE__MK(f, 6,                                                     \
		  TRACE__S(a, 0) | TRACE__S(b, 1) | TRACE__S(c, 2) |        \
			  TRACE__S(d, 3) | TRACE__S(e, 4) | TRACE__S(g, 5), \
		  TRACE__V(a), TRACE__V(b), TRACE__V(c), TRACE__V(d),       \
		  TRACE__V(e), TRACE__V(g))
#define TRACE__F7(f, a, b, c, d, e, g, h)                                    \
	TRACE__MK(f, 7,                                                      \
		  TRACE__S(a, 0) | TRACE__S(b, 1) | TRACE__S(c, 2) |         \
			  TRACE__S(d, 3) | TRACE__S(e, 4) | TRACE__S(g, 5) | \
			  TRACE__S(h, 6),                                    \
		  TRACE__V(a), TRACE__V(b), TRACE__V(c), TRACE__V(d),        \
		  TRACE__V(e), TRACE__V(g), TRACE__V(h))
#define TRACE__F8(f, a, b, c, d, e, g, h, i)                                 \
	TRACE__MK(f, 8,                                                      \
		  TRACE__S(a, 0) | TRACE__S(b, 1) | TRACE__S(c, 2) |         \
			  TRACE__S(d, 3) | TRACE__S(e, 4) | TRACE__S(g, 5) | \
			  TRACE__S(h, 6) | TRACE__S(i, 7),                   \
		  TRACE__V(a), TRACE__V(b), TRACE__V(c), TRACE__V(d),        \
		  TRACE__V(e), TRACE__V(g), TRACE__V(h), TRACE__V(i))
/** @endcond */

/**
 * @brief A detail to format only when read: `.args = TRACE_FMT("len=%u",
 * len)`. The format must be a string literal; 1 to TRACE_MAX_ARGS
 * arguments, integers (any conversion of d, i, u, x, X, c with the
 * length modifiers hh, h, l, ll, z, j, t) or strings (%s; a NULL string
 * reads "(null)"), checked like printf()'s. Strings are read when the
 * event is emitted, so they may point into an object freed right after.
 */
#define TRACE_FMT(f, ...)                                                   \
	(0 ? (trace__check(f, __VA_ARGS__), (const struct trace_args *)0) : \
	     TRACE__CAT(TRACE__F, TRACE__NARGS(__VA_ARGS__))(f, __VA_ARGS__))

/**
 * @brief Start a new trace: drop all events, reset the hash and sequence,
 * and enable or disable recording.
 * @param enable whether TRACE() records events from now on
 */
void trace_reset(bool enable);

/**
 * @brief Keep the kept trace's first block of events and of strings
 * across trace_reset() for the next trace, instead of freeing them and
 * allocating them again (vfsim's own: an explorer starts thousands of
 * traces a second). The next trace is the same either way; only the
 * host memory is reused. Turning it off frees what is kept.
 * @param on keep (true) or stop keeping and free (false)
 */
void trace_reuse(bool on);

/**
 * @brief Where a trace stands, for a machine image (sim/trace/image.h;
 * vfsim's own): the events of the machine's set-up, in the first blocks
 * trace_reuse() keeps, with their hash and counts.
 */
struct trace_mark {
	/** @cond INTERNAL */
	void *events, *arena; /* the blocks (NULL: none yet) */
	char *arena_pos;
	const char *last_fmt;
	size_t nr_kept, hashed;
	uint64_t hash, count, memory;
	bool keep, hashing, enabled, over_budget;
	/** @endcond */
};

/**
 * @brief Note where the trace stands in @p m.
 * @return 0; -EBUSY when the trace is past its first blocks or they are
 * not kept across trace_reset() (trace_reuse() is off)
 */
int trace_mark(struct trace_mark *m);

/** @brief Whether trace_rewind() can take the trace back to @p m: it was
 *  reset since, with its first blocks kept. */
bool trace_mark_ready(const struct trace_mark *m);

/**
 * @brief Take a trace reset since trace_mark() back to @p m: its first
 * blocks again, with the events and strings they held then (a reset
 * parks them untouched), and the hash and counts of then.
 * trace_mark_ready() must hold.
 */
void trace_rewind(const struct trace_mark *m);

/** @brief Turn recording on or off without dropping what was recorded. */
void trace_enable(bool enable);

/**
 * @brief Choose whether events are kept in memory.
 *
 * With @p keep false, events still go to the sink and into the hash but
 * nothing is stored: memory stays flat however long the run. Only
 * trace_fmt() results still take room until trace_reset() (a caller may
 * hold one across events); TRACE_FMT() details take none.
 */
void trace_set_keep(bool keep);

/** @brief True when events are kept (trace_set_keep()). */
bool trace_keeping(void);

/**
 * @brief Stop computing the hash until the next trace_reset(), for a run
 * whose caller will not ask for it: trace_hash() returns 0 from now on.
 *
 * The hash is computed by default (trace_reset() starts it again); it is
 * the caller's explicit choice to drop it. Kept events are hashed only
 * when the hash is asked for, so the saving is for events not kept: with
 * no event kept and a sink that takes only some kinds, an event of
 * another kind then costs one comparison (see TRACE()).
 */
void trace_drop_hash(void);

/** @brief False once trace_drop_hash() dropped the hash (until the next
 *  trace_reset()). */
bool trace_hashing(void);

/** @brief Default memory budget of the kept trace (trace_set_budget()). */
#define TRACE_DEFAULT_BUDGET (512ULL << 20)

/**
 * @brief Bound the memory the kept events may take (their records and
 * the strings copied for them) to about @p bytes; 0 means no bound. The
 * default is TRACE_DEFAULT_BUDGET.
 *
 * Once the kept trace takes more than that (it overshoots by at most the
 * storage chunk that crossed the line), no later event is kept and
 * trace_over_budget becomes true: the scheduler then stops the run
 * (SCHED_LIMIT), so that a runaway run ends early, its hash and sinks
 * complete up to there. trace_reset() clears the condition.
 */
void trace_set_budget(uint64_t bytes);

/** @brief Non-zero once the kept trace ran over its budget; read by the
 *  scheduler's step loop. */
extern bool trace_over_budget;

/** @brief Bytes the kept trace takes now (records and their strings). */
uint64_t trace_memory(void);

/** @brief The budget in force (0: none). */
uint64_t trace_budget(void);

/**
 * @brief Tell the trace how to read the virtual clock and the current task.
 * @param now returns the virtual time in ns (NULL: always 0)
 * @param task_name returns the current task's name (NULL: "-"); a name
 *        from trace_name() costs the least to record
 */
void trace_set_context(uint64_t (*now)(void), const char *(*task_name)(void));

/**
 * @brief The same as trace_set_context() through variables the trace
 * reads at each event without a call (the scheduler's clock, the running
 * task's name, interned with trace_name(), and that name's
 * trace_name_hash(), kept up to date by it); they win over the functions.
 * NULL clears them.
 */
void trace_set_context_vars(const uint64_t *now, const char *const *task_name,
			    const uint64_t *task_hash);

/** @brief Set (or clear with NULL) the streaming sink; it receives
 *  every event until trace_set_sink_filter() says otherwise. */
void trace_set_sink(trace_sink_fn sink, void *arg);

/** @brief Says whether the sink takes events of kind @p kind (NULL for
 *  an event without a kind); the same kind must always get the same
 *  answer until the filter is set again. */
typedef bool (*trace_want_fn)(const char *kind, void *arg);

/**
 * @brief Hand the sink only the events whose kind @p want accepts (NULL:
 * every event, the default).
 *
 * The answer is asked once per call site and kind and remembered there,
 * so an event the sink does not take costs a pointer comparison, not a
 * call: a consumer that follows a few kinds (a request ledger) no longer
 * pays for every event. Setting the filter again, or the sink, forgets
 * every answer. Only the sink is filtered: the hash, the count and the
 * kept events still see every event.
 * @param want the filter, or NULL for every event
 * @param arg passed to @p want
 */
void trace_set_sink_filter(trace_want_fn want, void *arg);

/**
 * @brief Record one event (what TRACE() calls). Fills in @p ev's seq,
 * time_ns and task (when task is NULL) and makes its strings ones that
 * stay valid, updates the hash, keeps a copy (copying the strings where
 * needed) and calls the sink, with @p ev or with the kept copy (the same
 * event either way).
 * @param ev the event, the caller's (it is written to)
 * @param site the call site's cache: static storage (zeroed before its
 *        first use, and never freed: a site that finds nobody consumes its
 *        events links itself on a list the trace walks when the consumers
 *        change)
 */
void trace_emit(struct trace_event *ev, struct trace_site *site);

/**
 * @brief Format a detail string now, into the trace's own storage (for
 * rare events; TRACE_FMT() defers the work until the text is read).
 * @return a string that lives until the next trace_reset()
 */
const char *trace_fmt(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/**
 * @brief Intern a name (of a task, a queue, a lock) for the whole process:
 * equal names give the same pointer, which stays valid after the caller's
 * string is gone and costs the trace nothing to record.
 * @return the interned copy (NULL for NULL)
 */
const char *trace_name(const char *name);

/** @brief The content hash the trace folds in for a name from
 *  trace_name() (or any string). */
uint64_t trace_name_hash(const char *name);

/** @brief Number of events emitted since the last reset (kept or not). */
uint64_t trace_count(void);

/** @brief Number of events kept in memory. */
size_t trace_kept(void);

/** @brief The @p i-th kept event (0-based), or NULL when out of range.
 *  The pointer stays valid until trace_reset(). */
const struct trace_event *trace_event_at(size_t i);

/**
 * @brief The detail of @p ev as text: its detail string, or its
 * TRACE_FMT() detail formatted into @p buf (truncated to @p size bytes).
 * @return the text, or NULL when the event has no detail
 */
const char *trace_detail(const struct trace_event *ev, char *buf, size_t size);

/**
 * @brief Stable 64-bit hash of every event's binary record since the last
 * reset (see the file comment); 0 after trace_drop_hash().
 */
uint64_t trace_hash(void);

/**
 * @brief Format an event as one line of text (no newline).
 * @return the length the full line needs, like snprintf()
 */
int trace_format_text(const struct trace_event *ev, char *buf, size_t size);

/**
 * @brief Format an event as one JSON object (no newline).
 * @return the length the full object needs, like snprintf()
 */
int trace_format_json(const struct trace_event *ev, char *buf, size_t size);

/**
 * @brief Write one event to @p out as a line of text (or of JSON, with
 * @p json), newline included, whatever its length.
 */
void trace_write_event(FILE *out, const struct trace_event *ev, bool json);

/** @brief Text written event by event into one growing buffer (how
 *  `vfsim run` collects what it prints). Zero it to start. */
struct trace_text {
	char *buf;  /**< the text so far, NUL-terminated (NULL: nothing yet) */
	size_t len; /**< its length */
	size_t cap; /**< room in @ref buf */
};

/**
 * @brief Append @p ev to @p t as a line of text (or of JSON, with
 * @p json): formatted straight into the buffer, which grows as needed.
 */
void trace_text_append(struct trace_text *t, const struct trace_event *ev,
		       bool json);

/** @brief Write every kept event as text, one per line. */
void trace_write_text(FILE *out);

/** @brief Write every kept event as JSON Lines. */
void trace_write_jsonl(FILE *out);

/**
 * @brief Find the first kept event at or after @p from whose text form
 * contains @p needle.
 * @return its index, or -1 when there is none
 */
long trace_find(const char *needle, size_t from);

#endif /* VFSIM_SIM_TRACE_TRACE_H */
