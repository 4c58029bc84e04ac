/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file fault.h
 * @brief The fault plan: which named fault points fail, and when.
 *
 * Code that can fail consults a fault point by name before doing the real
 * thing: kmalloc asks FAULT_HIT("kmalloc", caller), the virtqueue asks
 * "vq.full", the device "device.stall", and so on. Each consultation is a
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
 * Plan syntax, rules separated by ';':
 *
 *	kmalloc:nth=3                    fail the 3rd hit
 *	kmalloc:every                    fail every hit
 *	vq.full:from=2,count=5           fail hits 2..6 (no count: 2 onwards)
 *	kmalloc:site=virtio_fs_enqueue_req   every hit from that function
 *	kmalloc:site=f,nth=2             the 2nd hit from function f
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
 *         name that is too long, -ENOSPC when the plan would exceed
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

/**
 * @brief Consult fault point number @p point (from fault_point()); a
 * negative number is never hit.
 * @param point the point's number
 * @param site the calling function (may be NULL)
 * @return true when this hit must fail
 */
bool fault_hit_id(int point, const char *site);

/**
 * @brief fault_hit_arg() by the point's number (from fault_point()).
 * @param point the point's number; a negative number is never hit
 * @param site the site (may be NULL); must outlive the trace
 * @param sub what the consultation is about (may be NULL; copied)
 * @param arg set to the firing rule's argument, or NULL (may be NULL)
 * @return true when this hit must fail
 */
bool fault_hit_arg_id(int point, const char *site, const char *sub,
		      const char **arg);

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
