/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file fault.h
 * @brief The fault plan: which named fault points fail, and when.
 *
 * Code that can fail consults a fault point by name before doing the real
 * thing: kmalloc asks FAULT_HIT("kmalloc", caller), the virtqueue asks
 * "vq.full", the device "dev.stall", and so on. Each consultation is a
 * hit; the plan's rules decide from the hit count (and optionally the call
 * site) whether this hit fails. Everything is counted, never random, so
 * the same plan fails the same operations on every run. Each firing is a
 * trace event of kind "fault".
 *
 * Point names are resolved to small integers once: a rule's when the plan
 * is parsed, a call site's the first time it runs (FAULT_HIT() keeps it in
 * a static). A hit on a point that no rule names is then a counter
 * increment and one test.
 *
 * The points are those of fault_point_descs() (docs/sim.md lists them);
 * the parser refuses any other point, a site the point does not have, and
 * an argument it cannot read, each time with the list of valid ones.
 *
 * Plan syntax, rules separated by ';':
 *
 *	kmalloc:nth=3                    fail the 3rd hit
 *	kmalloc:every                    fail every hit
 *	vq.full:from=2,count=5           fail hits 2..6 (no count: 2 onwards)
 *	kmalloc:site=copy_args_to_argbuf every hit from that function
 *	kmalloc:site=virtio_fs_probe,nth=2   the 2nd hit from that function
 *	dev.late:site=LOOKUP,arg=5ms     every hit from LOOKUP, with an
 *	                                 argument the point reads
 *	dev.die:site=LOOKUP/stop-here    a hit from LOOKUP about "stop-here"
 *
 * A point consulted with a sub-site (fault_hit_arg(): the device passes
 * the opcode as the site and the name a request is about as the sub-site)
 * matches rules naming the site alone and rules naming "site/sub". The
 * argument (`arg=WORD`, at most #FAULT_ARG_MAX bytes) means what the
 * point says it means (a duration, an errno name); the plan only carries
 * it.
 * @ingroup sim_kernel
 */
#ifndef VFSIM_SIM_KERNEL_FAULT_H
#define VFSIM_SIM_KERNEL_FAULT_H

#include "sim/kernel/types.h"

/** @brief What a fault point's sites are. */
enum fault_site_kind {
	FAULT_SITE_FUNC,   /**< one of a listed set of functions */
	FAULT_SITE_OPCODE, /**< a FUSE opcode name, optionally "NAME/sub" */
	FAULT_SITE_QUEUE,  /**< a virtqueue: "hiprio" or "requests.N" */
};

/** @brief What a fault point's `arg=` means. */
enum fault_arg_kind {
	FAULT_ARG_NONE,	    /**< it takes none */
	FAULT_ARG_DURATION, /**< a duration: N with ns, us, ms or s */
	FAULT_ARG_ERRNO,    /**< an errno name, e.g. EACCES */
	FAULT_ARG_WORD,	    /**< one of a listed set of words */
};

/** @brief One fault point: the plan accepts only these. */
struct fault_point_desc {
	const char *name;	   /**< e.g. "kmalloc" */
	enum fault_site_kind site; /**< what `site=` may name */
	const char *const *sites;  /**< FAULT_SITE_FUNC: NULL-ended */
	enum fault_arg_kind arg;   /**< what `arg=` may be */
	const char *const *words;  /**< FAULT_ARG_WORD: NULL-ended */
	const char *what;	   /**< what a firing does, one line */
};

/**
 * @brief Every fault point, in the order the docs list them.
 * @param nr set to the number of points
 * @return the table (static)
 */
const struct fault_point_desc *fault_point_descs(size_t *nr);

/**
 * @brief The point named by the @p len bytes at @p name.
 * @return its description, or NULL when vfsim has no such point
 */
const struct fault_point_desc *fault_point_desc(const char *name, size_t len);

/** @brief Room for a plan error message, with the list of valid names. */
#define FAULT_ERR_MAX 1024

/**
 * @brief Read an errno name as the `arg=` of a FAULT_ARG_ERRNO point does.
 * @param s "EACCES" or "-EACCES"
 * @param err set to the negative errno
 * @return 0, or -EINVAL for a name fuse_errno_name() does not know
 */
int fault_parse_errno(const char *s, int *err);

/** @brief Most rules a plan holds. */
#define FAULT_MAX_RULES 32

/** @brief Longest fault point name (bytes, without the NUL). */
#define FAULT_NAME_MAX 31

/** @brief Longest site name (bytes, without the NUL). */
#define FAULT_SITE_MAX 63

/** @brief Longest rule argument (bytes, without the NUL). */
#define FAULT_ARG_MAX 31

/**
 * @brief Add the rules of @p spec to the plan (all or none).
 * @return 0; -EINVAL for a syntax error (no point name, unknown key,
 *         conflicting or missing mode, malformed number), -ERANGE for a
 *         number that is 0 or too large, -ENAMETOOLONG for a point or site
 *         name that is too long, -ENOENT for an unknown point, a site or
 *         argument the point does not have, -ENOSPC when the plan would exceed
 *         FAULT_MAX_RULES. fault_error() then describes the problem.
 */
int fault_plan_parse(const char *spec);

/**
 * @brief Check that @p spec is a valid plan, without adding its rules:
 * the same grammar, errors and messages as fault_plan_parse() (both share
 * one parser), but no global state changes, fault_error() included.
 * The rule limit counts the rules of @p spec alone, not those already in
 * the plan.
 * @param spec the plan string (NULL or "" is an error)
 * @param msg where the message of a failure goes, the text fault_error()
 *        would report, starting "fault plan: " (may be NULL if @p msgsize
 *        is 0); emptied on success
 * @param msgsize size of @p msg
 * @return 0 or the error fault_plan_parse() would return for @p spec on an
 *         empty plan
 */
int fault_plan_check(const char *spec, char *msg, size_t msgsize);

/** @brief The message of the last fault_plan_parse() failure. */
const char *fault_error(void);

/** @brief Drop every rule and every counter. */
void fault_reset(void);

/** @brief Copy the plan's rules and the counts of the points in use, for
 *  a machine image (sim/trace/image.h; vfsim's own). */
void fault_image_take(void);

/** @brief Put them back over a plan fault_reset() cleared (a point
 *  numbered since keeps its cleared counts: no rule named it then). */
void fault_image_restore(void);

/** @brief Number of rules in the plan. */
unsigned fault_nr_rules(void);

/** @brief Most distinct point names a process can use. */
#define FAULT_MAX_POINTS 1024

/**
 * @brief The number of fault point @p name, the same for the whole
 * process (registered on first use).
 * @return the number, or -1 when FAULT_MAX_POINTS names are in use or the
 *         name is empty or longer than FAULT_NAME_MAX
 */
int fault_point(const char *name);

/** @cond INTERNAL */
/* What the inline hooks below read and count, per point number (kept by
 * fault.c): hits since fault_reset() and how many rules name the point. */
struct fault_counts {
	u64 hits[FAULT_MAX_POINTS];
	unsigned nr_rules_of[FAULT_MAX_POINTS];
};
extern struct fault_counts fault_counts;

/* A counted hit on a point some rule names: the rules decide. */
bool __fault_hit_ruled(int point, const char *site, const char *sub,
		       const char **arg);
/** @endcond */

/**
 * @brief True when a rule of the plan names point number @p point (a
 * negative number never is): a hook may skip work only a rule reads, such
 * as naming its site, when it is false. Counts nothing.
 */
static inline bool fault_point_ruled(int point)
{
	return point >= 0 && fault_counts.nr_rules_of[point];
}

/**
 * @brief fault_hit_arg() by the point's number (from fault_point()).
 * Inline: a hit on a point no rule names is a count and one test.
 * @param point the point's number; a negative number is never hit
 * @param site the site (may be NULL); must outlive the trace
 * @param sub what the consultation is about (may be NULL; copied)
 * @param arg set to the firing rule's argument, or NULL (may be NULL)
 * @return true when this hit must fail
 */
static inline bool fault_hit_arg_id(int point, const char *site,
				    const char *sub, const char **arg)
{
	if (arg)
		*arg = NULL;
	if (point < 0)
		return false;
	fault_counts.hits[point]++;
	if (likely(!fault_counts.nr_rules_of[point]))
		return false;
	return __fault_hit_ruled(point, site, sub, arg);
}

/**
 * @brief Consult fault point number @p point (from fault_point()); a
 * negative number is never hit.
 * @param point the point's number
 * @param site the calling function (may be NULL)
 * @return true when this hit must fail
 */
static inline bool fault_hit_id(int point, const char *site)
{
	return fault_hit_arg_id(point, site, NULL, NULL);
}

/**
 * @brief Count a hit on each of @p n points by number (from fault_point(),
 * none negative), as consulting each in turn would, for a caller that
 * found fault_nr_rules() 0: with no rule no hit can fail, so a count is
 * all a consultation does (the device's dozen points per request).
 * @param points the points' numbers
 * @param n how many there are
 */
static inline void fault_count_hits(const int *points, size_t n)
{
	/* (a count known at compile time leaves no loop) */
#pragma GCC unroll 16
	for (size_t i = 0; i < n; i++)
		fault_counts.hits[points[i]]++;
}

/**
 * @brief Consult fault point @p point by name (looked up each time: on a
 * hot path use FAULT_HIT()).
 * @param point the point's name, e.g. "kmalloc"
 * @param site the calling function (may be NULL)
 * @return true when this hit must fail
 */
bool fault_hit(const char *point, const char *site);

/**
 * @brief Consult fault point @p point from @p site about @p sub, and learn
 *        the argument of the rule that fired.
 * @param point the point's name, e.g. "dev.late"
 * @param site the site (may be NULL); must outlive the trace (a string
 *        literal, or a static name such as fuse_opcode_name()'s)
 * @param sub what the consultation is about (may be NULL; copied)
 * @param arg set to the firing rule's argument, or NULL when it has none
 *        or nothing fired (may be NULL); valid until fault_reset()
 * @return true when this hit must fail
 */
bool fault_hit_arg(const char *point, const char *site, const char *sub,
		   const char **arg);

/** @brief fault_hit() with the point's number looked up once per call
 *  site; @p point must be a string literal. */
#define FAULT_HIT(point, site)                                 \
	({                                                     \
		static int __fault_id = -2;                    \
		if (unlikely(__fault_id == -2))                \
			__fault_id = fault_point("" point ""); \
		fault_hit_id(__fault_id, site);                \
	})

/** @brief Times @p point was consulted since the last fault_reset(). */
u64 fault_hits(const char *point);

/** @brief Times @p point failed since the last fault_reset(). */
u64 fault_fired(const char *point);

#endif /* VFSIM_SIM_KERNEL_FAULT_H */
