/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file trace_kinds.h
 * @brief Every kind of trace event, in one list: what `on KIND` and
 * `until KIND` (the scenario language, the console, the library's
 * run-until) may name, and the nearest one to a misspelled kind.
 *
 * The list is kept true to the sources by scripts/trace_kinds.py (run by
 * `make test`): every kind a TRACE() call site can emit is listed, and
 * every listed kind has a call site. A kind that is not a string literal
 * at its call site is named in a comment "trace kinds: A B" there.
 * @ingroup sim_trace
 */
#ifndef VFSIM_SIM_TRACE_TRACE_KINDS_H
#define VFSIM_SIM_TRACE_TRACE_KINDS_H

#include <stdbool.h>
#include <stddef.h>

/**
 * @brief All event kinds, sorted (strcmp order).
 * @param n where the number of kinds is stored
 * @return the list
 */
const char *const *trace_kinds(size_t *n);

/**
 * @brief Whether @p kind is an event kind the trace can emit.
 * @param kind the kind (NULL is none)
 */
bool trace_kind_known(const char *kind);

/**
 * @brief The listed kind nearest to @p kind (fewest single-character
 * insertions, deletions, substitutions and swaps of neighbours), when it
 * is near enough to be a misspelling: at most 2 edits, and at most a
 * third of the longer name.
 * @param kind an unknown kind
 * @return the nearest kind, or NULL when none is that near
 */
const char *trace_kind_nearest(const char *kind);

/**
 * @brief The error for an unknown kind, as `on` and `until` give it:
 * "unknown event kind 'vq.kikc' (did you mean 'vq.kick'?)".
 * @param kind the kind asked for
 * @param msg where the message goes (when the kind is unknown)
 * @param size its size
 * @return 0 when @p kind is known, -EINVAL when not (@p msg says why)
 */
int trace_kind_error(const char *kind, char *msg, size_t size);

#endif /* VFSIM_SIM_TRACE_TRACE_KINDS_H */
