/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file reader_internal.h
 * @brief What the reader view's files share (reader.c folds,
 * reader_text.c holds the line and brace handling and finds an item,
 * reader_cli.c is the command): the text as lines, and the output.
 * @ingroup sim_cli
 */
#ifndef VFSIM_SIM_CLI_READER_INTERNAL_H
#define VFSIM_SIM_CLI_READER_INTERNAL_H

#include <stdbool.h>

#include "sim/cli/reader.h"

/** @brief One line of the input, without its newline. */
struct rd_line {
	const char *s; /**< its first byte */
	size_t len;    /**< its length */
};

/** @brief A text being folded (or searched) and what comes out. */
struct rd {
	const char *path;	  /**< its file, for errors */
	struct rd_line *l;	  /**< its lines */
	size_t n;		  /**< how many */
	enum virtio_fs_variant v; /**< the variant folded for */
	u32 bugs;		  /**< that variant's own bugs */
	char *out;		  /**< the output (NUL-terminated) */
	size_t len;		  /**< its length */
	size_t cap;		  /**< bytes allocated at @ref out */
	char *err;		  /**< where the first error goes */
	size_t errsize;		  /**< its size */
	int ret;		  /**< the first error (0: none) */
};

/** @brief Record the first error, "PATH:LINE: ...", @p line 0-based. */
void rd_fail(struct rd *r, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** @brief Append @p len bytes of @p s to the output. */
void rd_emit(struct rd *r, const char *s, size_t len);

/** @brief Append line @p i with @p dedent leading tabs fewer. */
void rd_emit_line(struct rd *r, size_t i, int dedent);

/**
 * @brief Count the braces of @p l outside comments, strings and
 * characters into *@p opened and *@p closed; *@p in_comment is carried
 * from one line to the next.
 */
void rd_scan(const struct rd_line *l, bool *in_comment, int *opened,
	     int *closed);

/** @brief Where @p l's text starts after its blanks; *@p len its rest. */
const char *rd_text_of(const struct rd_line *l, size_t *len);

/** @brief Do the @p len bytes at @p s start with @p prefix? */
bool rd_starts(const char *s, size_t len, const char *prefix);

/**
 * @brief The line after the top-level item (function, object,
 * declaration) starting at line @p first, one blank line after it
 * included.
 */
size_t rd_item_end(struct rd *r, size_t first);

/** @brief Split @p text into r->l. @return 0 or -ENOMEM */
int rd_split_lines(struct rd *r, const char *text);

#endif /* VFSIM_SIM_CLI_READER_INTERNAL_H */
