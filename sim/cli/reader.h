/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file reader.h
 * @brief The reader view: a guest source file as one driver variant sees
 * it, the other variants' branches, the bug switches and vfsim's options
 * folded away, so that it can be read next to (and diffed against) that
 * kernel release's own file.
 *
 * The guest writes what differs between releases in one regular form
 * (guest/virtio_fs.c's header comment):
 *  - inside a function, a condition on virtio_fs_variant_in(),
 *    fuse_variant_in(), virtio_fs_bug() or virtio_fs_opt(), maybe negated,
 *    stands alone in an `if (...) {`, whose branches (`} else if (...) {`
 *    on the same kind of condition, `} else {`) all have braces;
 *  - a top-level item (function, object, declaration) that only some
 *    releases have starts with a comment whose first words are
 *    `Kernel [LIST]:` or `sim [LIST]:`, LIST naming variants
 *    (`v5-2019`, `6.1`, `mainline`), `option:NAME` or `bug:NAME`.
 * Folding keeps the branch that holds for the variant (a bug switch holds
 * when the variant has that bug by itself, virtio_fs_variant_bugs(); an
 * option never holds), one indentation level less, and drops the items
 * the variant does not have. Anything else is copied as it is.
 * @ingroup sim_cli
 */
#ifndef VFSIM_SIM_CLI_READER_H
#define VFSIM_SIM_CLI_READER_H

#include <stddef.h>
#include <stdio.h>

#include "guest/vfsim_variant.h"

/** @brief One guest source file, built into the program. */
struct vfsim_source {
	const char *path; /**< "guest/virtio_fs.c"; NULL ends the table */
	const char *text; /**< its contents */
};

/** @brief Every guest/ source file (generated at build time from the
 *  tree: build/gen/guest_sources.c), ending with a NULL path. */
extern const struct vfsim_source vfsim_guest_sources[];

/**
 * @brief The built-in guest file @p name: a path ("guest/dev.c") or a
 * file name ("dev.c").
 * @return the file, or NULL when there is none
 */
const struct vfsim_source *vfsim_reader_find(const char *name);

/**
 * @brief Fold @p text (the file @p path) for variant @p v.
 * @param path the file's path, for errors
 * @param text its contents
 * @param v the driver variant to fold for
 * @param out receives the folded text (free() it); NULL on failure
 * @param err receives the reason of a failure, "PATH:LINE: ..." (a
 *        condition or annotation not in the regular form)
 * @param errsize size of @p err
 * @return 0, -EINVAL for text not in the regular form, -ENOMEM
 */
int vfsim_reader_fold(const char *path, const char *text,
		      enum virtio_fs_variant v, char **out, char *err,
		      size_t errsize);

/**
 * @brief The top-level item of folded text @p text that defines
 * @p name (a function or an object), with the comment right above it.
 * @param text a guest file, folded or not
 * @param name the function or object
 * @param out receives the item (free() it)
 * @return 0, -ENOENT when @p text defines no @p name, -ENOMEM
 */
int vfsim_reader_item(const char *text, const char *name, char **out);

/**
 * @brief `vfsim source [--variant V] FILE|FUNCTION` and
 * `vfsim source [--variant V] --all DIR`: print one guest file or
 * function as variant V (default mainline) sees it, or write every
 * guest file so folded into DIR/guest/.
 * @param argc number of arguments after `source`
 * @param argv the arguments after `source`
 * @param out where the source and the help go
 * @param err where errors go
 * @return 0, or 2 for a usage error, an unknown file or function, or a
 *         file that cannot be written
 */
int vfsim_cmd_source(int argc, char **argv, FILE *out, FILE *err);

#endif /* VFSIM_SIM_CLI_READER_H */
