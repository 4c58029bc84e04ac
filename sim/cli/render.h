/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file render.h
 * @brief Drawing the program's pictures as SVG with the tools that
 * render their sources: Graphviz `dot` for ring pictures (DOT) and
 * `mscgen` for sequence charts. The source files are the artefacts; the
 * SVG is made when the tool is installed.
 *
 * The tools are started directly with an argument vector, never through
 * a shell, so no file or directory name can be taken for a command.
 * @ingroup sim_cli
 */
#ifndef VFSIM_SIM_CLI_RENDER_H
#define VFSIM_SIM_CLI_RENDER_H

#include <stdio.h>

/** @brief What a source file is drawn with. */
enum vfsim_render_tool {
	VFSIM_RENDER_DOT,    ///< `dot -Tsvg SRC -o SVG` (Graphviz)
	VFSIM_RENDER_MSCGEN, ///< `mscgen -T svg -o SVG SRC`
};

/**
 * @brief Draw @p src as the SVG file @p svg.
 * @param tool which tool draws it
 * @param src the DOT or mscgen source file
 * @param svg the SVG file to write
 * @param err where a failure is reported, in one line (the tool's own
 *        messages go to the program's standard error)
 * @return 0 when written, 1 when the tool is not installed (nothing is
 *         reported; the caller may say so), -1 when the tool failed
 */
int vfsim_render_svg(enum vfsim_render_tool tool, const char *src,
		     const char *svg, FILE *err);

#endif /* VFSIM_SIM_CLI_RENDER_H */
