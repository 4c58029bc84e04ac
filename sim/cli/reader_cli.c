// SPDX-License-Identifier: GPL-2.0-only
/*
 * reader_cli.c - `vfsim source`: the reader view (reader.h) of one guest
 * file or function, or of every guest file into a directory.
 */
#include "sim/cli/reader.h"
#include "sim/trace/host.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char source_usage[] =
	"usage: vfsim source [--variant NAME] FILE|FUNCTION\n"
	"       vfsim source [--variant NAME] --all DIR\n"
	"\n"
	"The reader view: a guest source file (guest/virtio_fs.c, dev.c, ...)\n"
	"or one of its functions, as one driver variant sees it. The other\n"
	"variants' branches, the bug switches the variant does not have by\n"
	"itself and vfsim's own options are folded away, so that it reads\n"
	"(and diffs) like that kernel release's own file, with the\n"
	"simplifications docs/kernel-xref.md lists. The sources are those\n"
	"this program was built from.\n"
	"\n"
	"  FILE        a guest file, as guest/dev.c or dev.c\n"
	"  FUNCTION    a function or object defined in a guest file, with the\n"
	"              comment above it\n"
	"  --all DIR   write every guest file so folded into DIR/guest/\n"
	"  --variant V v5-2019, 6.1 or mainline (the default)\n"
	"  --list      list the guest files\n"
	"  --help      show this help and exit\n";

const struct vfsim_source *vfsim_reader_find(const char *name)
{
	const char *base;

	if (!name)
		return NULL;
	for (const struct vfsim_source *s = vfsim_guest_sources; s->path; s++) {
		base = strrchr(s->path, '/');
		base = base ? base + 1 : s->path;
		if (!strcmp(name, s->path) || !strcmp(name, base))
			return s;
	}
	return NULL;
}

/* mkdir -p @path (0755). */
static int make_dirs(char *path)
{
	for (char *p = path + 1;; p++) {
		char c = *p;

		if (c != '/' && c)
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST) {
			*p = c;
			return -errno;
		}
		*p = c;
		if (!c)
			return 0;
	}
}

/* Every guest file folded for @v into @dir/guest/. */
static int write_all(enum virtio_fs_variant v, const char *dir, FILE *err)
{
	char path[4096];

	for (const struct vfsim_source *s = vfsim_guest_sources; s->path; s++) {
		char msg[256], *text, *slash;
		FILE *f;
		int ret;

		ret = vfsim_reader_fold(s->path, s->text, v, &text, msg,
					sizeof(msg));
		if (ret) {
			fprintf(err, "vfsim: %s\n",
				ret == -ENOMEM ? "out of memory" : msg);
			return 2;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, s->path);
		slash = strrchr(path, '/');
		*slash = '\0';
		ret = make_dirs(path);
		*slash = '/';
		f = ret ? NULL : fopen(path, "w");
		if (!f || fputs(text, f) < 0 || fclose(f)) {
			fprintf(err, "vfsim: cannot write '%s': %s\n", path,
				strerror(ret ? -ret : errno));
			host_free(text);
			return 2;
		}
		host_free(text);
	}
	return 0;
}

/* Which variants' views define @name, as "6.1, mainline". */
static void where_defined(const char *name, char *buf, size_t size)
{
	size_t pos = 0;

	buf[0] = '\0';
	for (int v = 0; v < VIRTIO_FS_NR_VARIANTS; v++) {
		bool found = false;

		for (const struct vfsim_source *s = vfsim_guest_sources;
		     s->path && !found; s++) {
			char msg[8], *text, *item;

			if (vfsim_reader_fold(s->path, s->text,
					      (enum virtio_fs_variant)v, &text,
					      msg, sizeof(msg)))
				continue;
			found = !vfsim_reader_item(text, name, &item);
			host_free(item);
			host_free(text);
		}
		if (found && pos < size)
			pos += (size_t)snprintf(
				buf + pos, size - pos, "%s%s", pos ? ", " : "",
				virtio_fs_variant_name(
					(enum virtio_fs_variant)v));
	}
}

/* Print FILE or FUNCTION @what as @v sees it. */
static int show(enum virtio_fs_variant v, const char *what, FILE *out,
		FILE *err)
{
	const struct vfsim_source *src = vfsim_reader_find(what);
	char msg[256], where[64], *text, *item = NULL;

	for (const struct vfsim_source *s = src ? src : vfsim_guest_sources;
	     s->path; s++) {
		int ret = vfsim_reader_fold(s->path, s->text, v, &text, msg,
					    sizeof(msg));

		if (ret) {
			fprintf(err, "vfsim: %s\n",
				ret == -ENOMEM ? "out of memory" : msg);
			return 2;
		}
		if (src) {
			fputs(text, out);
			host_free(text);
			return 0;
		}
		ret = vfsim_reader_item(text, what, &item);
		host_free(text);
		if (!ret) {
			fprintf(out, "/* %s, %s */\n", s->path,
				virtio_fs_variant_name(v));
			fputs(item, out);
			host_free(item);
			return 0;
		}
	}
	where_defined(what, where, sizeof(where));
	if (where[0])
		fprintf(err,
			"vfsim: '%s' is not in the %s driver's code (variants "
			"that have it: %s)\n",
			what, virtio_fs_variant_name(v), where);
	else
		fprintf(err,
			"vfsim: no guest file or function '%s' (see vfsim "
			"source --list)\n",
			what);
	return 2;
}

int vfsim_cmd_source(int argc, char **argv, FILE *out, FILE *err)
{
	enum virtio_fs_variant v = VIRTIO_FS_MAINLINE;
	const char *what = NULL, *all = NULL;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(source_usage, out);
			return 0;
		}
		if (!strcmp(a, "--list")) {
			for (const struct vfsim_source *s = vfsim_guest_sources;
			     s->path; s++)
				fprintf(out, "%s\n", s->path);
			return 0;
		}
		if (!strcmp(a, "--variant") || !strcmp(a, "--all")) {
			if (i + 1 == argc) {
				fprintf(err,
					"vfsim: '%s' needs a value (see vfsim "
					"source --help)\n",
					a);
				return 2;
			}
			if (!strcmp(a, "--all")) {
				all = argv[++i];
			} else if (virtio_fs_variant_parse(argv[++i], &v)) {
				fprintf(err,
					"vfsim: unknown driver variant '%s' "
					"(expected v5-2019, 6.1 or mainline)\n",
					argv[i]);
				return 2;
			}
		} else if (a[0] == '-') {
			fprintf(err,
				"vfsim: unknown option '%s' (see vfsim source "
				"--help)\n",
				a);
			return 2;
		} else if (what) {
			fprintf(err,
				"vfsim: one file or function at a time: "
				"unexpected '%s'\n",
				a);
			return 2;
		} else {
			what = a;
		}
	}
	if (all && what) {
		fprintf(err,
			"vfsim: --all writes every file: unexpected "
			"'%s'\n",
			what);
		return 2;
	}
	if (all)
		return write_all(v, all, err);
	if (!what) {
		fprintf(err, "vfsim: source: missing FILE or FUNCTION (see "
			     "vfsim source --help)\n");
		return 2;
	}
	return show(v, what, out, err);
}
