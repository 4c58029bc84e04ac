// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_reader.c - the reader view (sim/cli/reader.h): every guest file,
 * folded for every driver variant, has no branch of another variant, no
 * bug switch or option condition and no item of another variant left, and
 * compiles; the folding rules on small texts, with their errors; finding
 * a function; `vfsim source`.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/cli/reader.h"
#include "sim/cli/vfsim_cli.h"
#include "tests/cli/cli_test_util.h"
#include "tests/cli/scenario_test_util.h"
#include "tests/harness.h"

static char tmpdir[64];
static char *out_text, *err_text;

static int setup(void)
{
	strcpy(tmpdir, "/tmp/vfsim-reader-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int cleanup(void)
{
	char cmd[128];

	free(out_text);
	free(err_text);
	out_text = err_text = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *const conditions[] = {
	"virtio_fs_variant_in(",
	"fuse_variant_in(",
	"virtio_fs_bug(",
	"virtio_fs_opt(",
};

/* Does folded @text still test a variant, switch or option anywhere
 * but in a comment? Its first such line, or NULL. */
static const char *condition_left(const char *text)
{
	for (const char *l = text; *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		const char *s = l;

		while (s < l + len && (*s == '\t' || *s == ' '))
			s++;
		/* comments, and the definitions in the headers */
		if (*s != '*' && *s != '/' && strncmp(s, "static inline", 13))
			for (size_t k = 0; k < 4; k++) {
				const char *hit = strstr(s, conditions[k]);

				if (hit && hit < l + len)
					return l;
			}
		l += len + (nl != NULL);
	}
	return NULL;
}

/* An annotation ("Kernel [..." or "sim [...") in @text that does not
 * list variant @name, or NULL. */
static const char *foreign_item(const char *text, const char *name)
{
	static const char *const marks[] = { "* Kernel [", "* sim [" };

	for (size_t k = 0; k < 2; k++) {
		for (const char *p = strstr(text, marks[k]); p;
		     p = strstr(p + 1, marks[k])) {
			const char *open = strchr(p, '['),
				   *close = strchr(open, ']');
			char list[128];

			snprintf(list, sizeof(list), "%.*s",
				 (int)(close - open - 1), open + 1);
			/* bug:NAME items are the v5 variant's own */
			if (!strstr(list, name) && !strstr(list, "bug:"))
				return p;
		}
	}
	return NULL;
}

/* Every file, every variant: folded, clean, and it compiles. */
static void test_every_view_compiles(void)
{
	for (int v = 0; v < VIRTIO_FS_NR_VARIANTS; v++) {
		const char *name =
			virtio_fs_variant_name((enum virtio_fs_variant)v);
		unsigned int files = 0;
		char dir[256], cmd[1024];

		snprintf(dir, sizeof(dir), "%s/%s", tmpdir, name);
		for (const struct vfsim_source *s = vfsim_guest_sources;
		     s->path; s++) {
			char err[256], path[512], *text;
			const char *left;

			CU_ASSERT_EQUAL_FATAL(
				vfsim_reader_fold(s->path, s->text,
						  (enum virtio_fs_variant)v,
						  &text, err, sizeof(err)),
				0);
			left = condition_left(text);
			if (left)
				fprintf(stderr, "\n%s (%s): left: %.80s\n",
					s->path, name, left);
			CU_ASSERT_PTR_NULL(left);
			left = foreign_item(text, name);
			if (left)
				fprintf(stderr, "\n%s (%s): item: %.80s\n",
					s->path, name, left);
			CU_ASSERT_PTR_NULL(left);
			snprintf(path, sizeof(path), "%s/%s", dir, s->path);
			*strrchr(path, '/') = '\0';
			snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", path);
			CU_ASSERT_EQUAL(system(cmd), 0);
			snprintf(path, sizeof(path), "%s/%s", dir, s->path);
			CU_ASSERT_EQUAL(vt_write_text(path, text), 0);
			files++;
			free(text);
		}
		CU_ASSERT(files >= 10);
		/* each .c alone, against the folded headers first */
		snprintf(cmd, sizeof(cmd),
			 "for f in '%s'/guest/*.c; do ${CC:-cc} -std=gnu11 "
			 "-fsyntax-only -Werror=implicit-function-declaration "
			 "-I'%s' -I. \"$f\" || exit 1; done",
			 dir, dir);
		CU_ASSERT_EQUAL(system(cmd), 0);
	}
}

/* The built-in sources are the tree's, byte for byte. */
static void test_sources_are_the_tree(void)
{
	unsigned int n = 0;

	for (const struct vfsim_source *s = vfsim_guest_sources; s->path; s++) {
		char *disk = vt_read_text(s->path);

		CU_ASSERT_PTR_NOT_NULL_FATAL(disk);
		CU_ASSERT_STRING_EQUAL(disk, s->text);
		free(disk);
		n++;
	}
	CU_ASSERT_PTR_NOT_NULL(vfsim_reader_find("guest/virtio_fs.c"));
	CU_ASSERT_PTR_EQUAL(vfsim_reader_find("virtio_fs.c"),
			    vfsim_reader_find("guest/virtio_fs.c"));
	CU_ASSERT_PTR_NULL(vfsim_reader_find("virtio_fs.o"));
	CU_ASSERT_PTR_NULL(vfsim_reader_find(NULL));
	CU_ASSERT(n >= 10);
}

static char *fold_text(const char *text, enum virtio_fs_variant v, char *err,
		       size_t size)
{
	char *out = NULL;

	if (vfsim_reader_fold("t.c", text, v, &out, err, size))
		return NULL;
	return out;
}

static const char chain[] =
	"void f(void)\n"
	"{\n"
	"\tif (virtio_fs_variant_in(fs, VFS_V5_2019)) {\n"
	"\t\tfive();\n"
	"\t} else if (virtio_fs_variant_in(fs,\n"
	"\t\t\t\t\t VFS_V6_1)) {\n"
	"\t\tsix();\n"
	"\t\tif (!virtio_fs_bug(fs, VIRTIO_FS_BUG_DRAIN_BY_POLLING)) {\n"
	"\t\t\tno_poll(\"{\");\n"
	"\t\t}\n"
	"\t} else {\n"
	"\t\tmain(); /* } */\n"
	"\t}\n"
	"\tif (virtio_fs_opt(fs, VIRTIO_FS_OPT_BOUNDED_DRAIN)) {\n"
	"\t\tbounded();\n"
	"\t}\n"
	"\tif (fuse_variant_in(fc, VFS_ALL_VARIANTS)) {\n"
	"\t\tall();\n"
	"\t}\n"
	"}\n";

/* Each variant keeps its branch, one tab less; a switch holds where the
 * variant has that bug by itself; an option never holds. */
static void test_fold_chain(void)
{
	char err[128], *t;

	t = fold_text(chain, VIRTIO_FS_V5_2019, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(t, "void f(void)\n{\n\tfive();\n\tall();\n}\n");
	free(t);
	t = fold_text(chain, VIRTIO_FS_V6_1, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(t, "void f(void)\n{\n\tsix();\n"
				  "\tno_poll(\"{\");\n\tall();\n}\n");
	free(t);
	t = fold_text(chain, VIRTIO_FS_MAINLINE, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(t, "void f(void)\n{\n\tmain(); /* } */\n"
				  "\tall();\n}\n");
	free(t);
}

static const char items[] =
	"/* Kernel [v5-2019, 6.1]: old(). */\n"
	"static void old(void)\n"
	"{\n"
	"}\n"
	"\n"
	"/*\n"
	" * sim [option:bounded-drain] (vfsim's): bounded().\n"
	" */\n"
	"static int bounded(int a,\n"
	"\t\t   int b);\n"
	"\n"
	"/* sim [bug:drain-by-polling]: poll(). */\n"
	"static const int poll_table[] = {\n"
	"\t1,\n"
	"};\n"
	"/* Kernel [mainline]: x */\n"
	"unsigned int x;\n"
	"/* Kernel: kept(). */\n"
	"int kept;\n";

/* Items of other variants, of options and of switches the variant
 * lacks go, comment and all. */
static void test_fold_items(void)
{
	char err[128], *t;

	t = fold_text(items, VIRTIO_FS_V5_2019, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(t, "/* Kernel [v5-2019, 6.1]: old(). */\n"
				  "static void old(void)\n{\n}\n\n"
				  "/* sim [bug:drain-by-polling]: poll(). */\n"
				  "static const int poll_table[] = {\n"
				  "\t1,\n};\n"
				  "/* Kernel: kept(). */\nint kept;\n");
	free(t);
	t = fold_text(items, VIRTIO_FS_MAINLINE, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(t, "/* Kernel [mainline]: x */\n"
				  "unsigned int x;\n"
				  "/* Kernel: kept(). */\nint kept;\n");
	free(t);
}

/* What is not the regular form is refused with the line. */
static void test_fold_errors(void)
{
	static const struct {
		const char *text;
		const char *msg;
	} bad[] = {
		{ "\tif (virtio_fs_bug(fs, X) && y) {\n\t}\n",
		  "t.c:1: virtio_fs_bug() must be the whole condition" },
		{ "\tif (virtio_fs_variant_in(fs, VFS_V7)) {\n\t}\n",
		  "t.c:1: unknown variant mask 'VFS_V7'" },
		{ "\tif (virtio_fs_bug(fs, VIRTIO_FS_BUG_NOPE)) {\n\t}\n",
		  "t.c:1: unknown bug switch 'VIRTIO_FS_BUG_NOPE'" },
		{ "\tif (virtio_fs_opt(fs, VIRTIO_FS_OPT_NOPE)) {\n\t}\n",
		  "t.c:1: unknown option 'VIRTIO_FS_OPT_NOPE'" },
		{ "\tif (virtio_fs_opt(fs, VIRTIO_FS_OPT_RESTORE))\n"
		  "\t\tx();\n",
		  "t.c:1: a variant condition must stand alone in 'if (...) "
		  "{'" },
		{ "\tif (virtio_fs_variant_in(fs, VFS_MAINLINE)) {\n"
		  "\t} else if (y) {\n\t}\n",
		  "t.c:2: 'else if (y)' after a variant condition" },
		{ "\tif (virtio_fs_variant_in(fs, VFS_MAINLINE)) {\n"
		  "\t} else x = 1;\n}\n",
		  "t.c:2: a branch of a variant condition" },
		{ "\tif (virtio_fs_variant_in(fs, VFS_MAINLINE)) {\n\tx();\n",
		  "t.c:1: block not closed" },
		{ "/* Kernel [v4]: x */\nint x;\n",
		  "t.c:1: unknown variant, option: or bug: 'v4'" },
		{ "/* Kernel [6.1]: x\nint x;\n", "t.c:1: comment not closed" },
		{ "/* Kernel [6.1]: x */\nint f(void)\n{\n",
		  "t.c:2: item not closed" },
	};
	char err[160];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *t = fold_text(bad[i].text, VIRTIO_FS_MAINLINE, err,
				    sizeof(err));

		CU_ASSERT_PTR_NULL(t);
		if (strncmp(err, bad[i].msg, strlen(bad[i].msg)))
			fprintf(stderr, "\ncase %zu: got '%s'\n", i, err);
		CU_ASSERT_EQUAL(strncmp(err, bad[i].msg, strlen(bad[i].msg)),
				0);
		free(t);
	}
	CU_ASSERT_PTR_NULL(
		fold_text("int x;\n", VIRTIO_FS_NR_VARIANTS, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no such variant"));
	/* an ordinary if, and text without a last newline, pass as they
	 * are */
	{
		char *t = fold_text("\tif (x) {\n\t}\nint y;", VIRTIO_FS_V6_1,
				    err, sizeof(err));

		CU_ASSERT_STRING_EQUAL(t, "\tif (x) {\n\t}\nint y;\n");
		free(t);
	}
}

/* A function or object with the comment above it; a prototype only when
 * there is no definition. */
static void test_item(void)
{
	static const char text[] = "int f(int a);\n"
				   "\n"
				   "/* Kernel: f(). */\n"
				   "int f(int a)\n"
				   "{\n"
				   "\treturn a;\n"
				   "}\n"
				   "\n"
				   "/* the ops */\n"
				   "const struct ops my_ops = {\n"
				   "\t.f = f,\n"
				   "};\n"
				   "int g(void);\n";
	char *item;

	CU_ASSERT_EQUAL(vfsim_reader_item(text, "f", &item), 0);
	CU_ASSERT_STRING_EQUAL(item, "/* Kernel: f(). */\nint f(int a)\n{\n"
				     "\treturn a;\n}\n");
	free(item);
	CU_ASSERT_EQUAL(vfsim_reader_item(text, "my_ops", &item), 0);
	CU_ASSERT_STRING_EQUAL(item, "/* the ops */\nconst struct ops my_ops "
				     "= {\n\t.f = f,\n};\n");
	free(item);
	CU_ASSERT_EQUAL(vfsim_reader_item(text, "g", &item), 0);
	CU_ASSERT_STRING_EQUAL(item, "int g(void);\n");
	free(item);
	CU_ASSERT_EQUAL(vfsim_reader_item(text, "h", &item), -ENOENT);
	CU_ASSERT_PTR_NULL(item);
}

/* Run `vfsim source ...` with the NULL-terminated arguments. */
static int source(const char *arg, ...)
{
	va_list ap;
	int rc;

	va_start(ap, arg);
	rc = vt_cli_vrun(&out_text, &err_text, "source", arg, ap);
	va_end(ap);
	return rc;
}

static void test_cli(void)
{
	char dir[128], path[256];
	struct stat st;

	CU_ASSERT_EQUAL(source("--help", NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out_text, "usage: vfsim source"));
	CU_ASSERT_EQUAL(source("--list", NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out_text, "guest/virtio_fs.c\n"));
	/* a file: 6.1 has the wake_*_and_unlock ops, no send_req */
	CU_ASSERT_EQUAL(source("--variant", "6.1", "virtio_fs.c", NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(out_text, "virtio_fs_wake_pending_and_unlock("));
	CU_ASSERT_PTR_NULL(strstr(out_text, "static void virtio_fs_send_req("));
	/* a function, the default variant being mainline */
	CU_ASSERT_EQUAL(source("virtio_fs_send_req", NULL), 0);
	CU_ASSERT_EQUAL(strncmp(out_text, "/* guest/virtio_fs.c, mainline */\n",
				34),
			0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out_text, "Kernel [mainline]"));
	/* not in this variant's code: which have it */
	CU_ASSERT_EQUAL(
		source("--variant", "v5-2019", "send_forget_request", NULL), 2);
	CU_ASSERT_STRING_EQUAL(err_text, "vfsim: 'send_forget_request' is "
					 "not in the v5-2019 driver's code "
					 "(variants that have it: 6.1, "
					 "mainline)\n");
	CU_ASSERT_EQUAL(source("no_such_thing", NULL), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "no guest file or function "
						"'no_such_thing'"));
	/* every file into a directory */
	snprintf(dir, sizeof(dir), "%s/all/deep", tmpdir);
	CU_ASSERT_EQUAL(source("--variant", "v5-2019", "--all", dir, NULL), 0);
	snprintf(path, sizeof(path), "%s/guest/virtio_fs.c", dir);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	/* usage errors */
	CU_ASSERT_EQUAL(source(NULL), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "missing FILE or FUNCTION"));
	CU_ASSERT_EQUAL(source("--variant", NULL), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "'--variant' needs a value"));
	CU_ASSERT_EQUAL(source("--variant", "5.4", "dev.c", NULL), 2);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(err_text, "unknown driver variant '5.4'"));
	CU_ASSERT_EQUAL(source("--frob", NULL), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "unknown option '--frob'"));
	CU_ASSERT_EQUAL(source("dev.c", "dir.c", NULL), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "one file or function at a "
						"time: unexpected 'dir.c'"));
	CU_ASSERT_EQUAL(source("--all", dir, "dev.c", NULL), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "--all writes every file"));
	CU_ASSERT_EQUAL(source("--all", "/proc/nope/x", NULL), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "cannot write"));
}

VT_SUITE(cli_reader, setup, cleanup, VT_CASE(test_sources_are_the_tree),
	 VT_CASE(test_every_view_compiles), VT_CASE(test_fold_chain),
	 VT_CASE(test_fold_items), VT_CASE(test_fold_errors),
	 VT_CASE(test_item), VT_CASE(test_cli));
