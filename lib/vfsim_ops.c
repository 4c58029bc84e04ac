// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfsim_ops.c - typed operations: vfsim_op_open(t, "/a", O_RDWR, "f")
 * and the rest build the executor's operation (struct scn_op) from C
 * values, so paths and data never pass through the scenario language's
 * lexer (a path with a space or a quote is just a path).
 *
 * Where an operation stands in the task and which handles it defines or
 * uses is still the parser's business: each call adds a stand-in line of
 * the operation's keyword and handle name only ("open / as f",
 * "read f 0 1", "getattr /"), which vfsim_op() checks as any line (a
 * handle used before it is opened, an operation after the task started,
 * are refused with the parser's message) and numbers. When the task
 * starts, each stand-in of the parsed tree is replaced by the operation
 * built here, found by its number.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "include/vfsim/vfsim.h"
#include "lib/vfsim_internal.h"
#include "sim/trace/host.h"

#define MAX_BYTES (16ULL << 20) /* read and write sizes, as the language */

static const char *keep(struct vfsim_task *t, const char *s)
{
	char *d = host_strdup(s);

	t->strs = host_realloc(t->strs, (t->nr_strs + 1) * sizeof(*t->strs));
	t->strs[t->nr_strs++] = d;
	return d;
}

/* The language's rule for paths (scn_path()), and no byte the executor
 * would take for a repeat's $i. */
static int check_path(const char *fn, const char *path)
{
	if (!path || path[0] != '/' || strstr(path, "//") ||
	    strlen(path) > 4095 || (path[1] && path[strlen(path) - 1] == '/') ||
	    strchr(path, SCN_ITER_MARK))
		return vfsim_fail(-EINVAL,
				  "%s: bad path \"%.80s\" (expected an "
				  "absolute path such as /dir/file, no empty "
				  "components, no trailing '/')",
				  fn, path ? path : "(null)");
	return 0;
}

/* Handle names as the language's names: [A-Za-z_][A-Za-z0-9_.-]*. */
static int check_handle(const char *fn, const char *h)
{
	bool ok = h && (isalpha((unsigned char)h[0]) || h[0] == '_') &&
		  strlen(h) <= 64;

	for (const char *p = h; ok && *p; p++)
		ok = isalnum((unsigned char)*p) || strchr("_.-", *p);
	if (!ok)
		return vfsim_fail(-EINVAL,
				  "%s: \"%.80s\" is not a handle name (1..64 "
				  "letters, digits, '_', '.' or '-', not "
				  "starting with a digit, '.' or '-')",
				  fn, h ? h : "(null)");
	return 0;
}

/* Add the stand-in @line and keep @op under the number it got. */
static int add(struct vfsim_task *t, const char *line, struct scn_op op)
{
	int n = vfsim_op(t, line);

	if (n <= 0)
		return n;
	op.ordinal = (unsigned)n;
	t->typed = host_realloc(t->typed, (t->nr_typed + 1) * sizeof(op));
	t->typed[t->nr_typed++] = op;
	return n;
}

/* An operation on a path (getattr, lookup, mkdir, unlink, rmdir). */
static int path_op(struct vfsim_task *t, const char *fn, const char *word,
		   enum scn_op_kind kind, const char *path)
{
	char line[32];

	if (check_path(fn, path))
		return -EINVAL;
	snprintf(line, sizeof(line), "%s /", word);
	return add(t, line,
		   (struct scn_op){ .kind = kind, .path = keep(t, path) });
}

/* An operation on a handle (read, write, release). */
static int handle_line(const char *fn, const char *handle, const char *fmt,
		       char *line, size_t size)
{
	if (check_handle(fn, handle))
		return -EINVAL;
	snprintf(line, size, fmt, handle);
	return 0;
}

int vfsim_op_mount(struct vfsim_task *t, const char *tag)
{
	struct scn_op op = { .kind = SCN_OP_MOUNT };

	if (tag && (!*tag || strlen(tag) > 36 || strchr(tag, SCN_ITER_MARK)))
		return vfsim_fail(-EINVAL,
				  "vfsim_op_mount: the tag \"%.80s\" is not "
				  "1 to 36 bytes",
				  tag);
	if (tag) {
		op.set = SCN_ARG_TAG;
		op.tag = keep(t, tag);
	}
	return add(t, "mount", op);
}

int vfsim_op_umount(struct vfsim_task *t)
{
	return add(t, "umount", (struct scn_op){ .kind = SCN_OP_UMOUNT });
}

int vfsim_op_lookup(struct vfsim_task *t, const char *path)
{
	return path_op(t, "vfsim_op_lookup", "lookup", SCN_OP_LOOKUP, path);
}

int vfsim_op_stat(struct vfsim_task *t, const char *path)
{
	return path_op(t, "vfsim_op_stat", "getattr", SCN_OP_GETATTR, path);
}

int vfsim_op_mkdir(struct vfsim_task *t, const char *path)
{
	return path_op(t, "vfsim_op_mkdir", "mkdir", SCN_OP_MKDIR, path);
}

int vfsim_op_unlink(struct vfsim_task *t, const char *path)
{
	return path_op(t, "vfsim_op_unlink", "unlink", SCN_OP_UNLINK, path);
}

int vfsim_op_rmdir(struct vfsim_task *t, const char *path)
{
	return path_op(t, "vfsim_op_rmdir", "rmdir", SCN_OP_RMDIR, path);
}

int vfsim_op_rename(struct vfsim_task *t, const char *from, const char *to)
{
	if (check_path("vfsim_op_rename", from) ||
	    check_path("vfsim_op_rename", to))
		return -EINVAL;
	return add(t, "rename / /",
		   (struct scn_op){ .kind = SCN_OP_RENAME,
				    .path = keep(t, from),
				    .path2 = keep(t, to) });
}

int vfsim_op_open(struct vfsim_task *t, const char *path, int flags,
		  const char *handle)
{
	static const char fn[] = "vfsim_op_open";
	struct scn_op op = { .kind = SCN_OP_OPEN, .set = SCN_ARG_ACCESS };
	char line[96];

	if (check_path(fn, path) ||
	    handle_line(fn, handle, "open / as %s", line, sizeof(line)))
		return -EINVAL;
	if (flags & ~(O_ACCMODE | O_TRUNC) || (flags & O_ACCMODE) == O_ACCMODE)
		return vfsim_fail(-EINVAL,
				  "%s: flags 0%o: expected O_RDONLY, O_WRONLY "
				  "or O_RDWR, with O_TRUNC or not (create "
				  "files with vfsim_op_create())",
				  fn, (unsigned)flags);
	op.access = (flags & O_ACCMODE) == O_WRONLY ? SCN_ACCESS_WO :
		    (flags & O_ACCMODE) == O_RDWR   ? SCN_ACCESS_RW :
						      SCN_ACCESS_RO;
	if (flags & O_TRUNC)
		op.set |= SCN_ARG_TRUNC;
	op.path = keep(t, path);
	return add(t, line, op);
}

int vfsim_op_create(struct vfsim_task *t, const char *path, unsigned mode,
		    const char *handle)
{
	static const char fn[] = "vfsim_op_create";
	char line[96];

	if (check_path(fn, path) ||
	    handle_line(fn, handle, "create / as %s", line, sizeof(line)))
		return -EINVAL;
	if (mode > 07777)
		return vfsim_fail(-EINVAL,
				  "%s: mode 0%o is more than permission bits "
				  "(0 to 07777)",
				  fn, mode);
	return add(t, line,
		   (struct scn_op){ .kind = SCN_OP_CREATE,
				    .set = SCN_ARG_MODE,
				    .mode = mode,
				    .path = keep(t, path) });
}

int vfsim_op_read(struct vfsim_task *t, const char *handle, uint64_t offset,
		  uint64_t size, const char *expect)
{
	static const char fn[] = "vfsim_op_read";
	struct scn_op op = { .kind = SCN_OP_READ,
			     .offset = offset,
			     .size = size };
	char line[96];

	if (handle_line(fn, handle, "read %s 0 1", line, sizeof(line)))
		return -EINVAL;
	if (!size || size > MAX_BYTES || offset > INT64_MAX)
		return vfsim_fail(-EINVAL,
				  "%s: read %llu bytes at %llu: expected 1 "
				  "to 16M bytes at an offset below 2^63",
				  fn, (unsigned long long)size,
				  (unsigned long long)offset);
	if (expect && strchr(expect, SCN_ITER_MARK))
		return vfsim_fail(-EINVAL, "%s: the expected bytes hold byte 1",
				  fn);
	if (expect) {
		op.set = SCN_ARG_EXPECT;
		op.data = keep(t, expect);
	}
	return add(t, line, op);
}

int vfsim_op_write(struct vfsim_task *t, const char *handle, uint64_t offset,
		   const char *data)
{
	static const char fn[] = "vfsim_op_write";
	char line[96];

	if (handle_line(fn, handle, "write %s 0 size=1", line, sizeof(line)))
		return -EINVAL;
	if (!data || !*data || strlen(data) > MAX_BYTES ||
	    strchr(data, SCN_ITER_MARK) || offset > INT64_MAX)
		return vfsim_fail(-EINVAL,
				  "%s: expected 1 to 16M bytes of text (no "
				  "NUL, no byte 1) at an offset below 2^63",
				  fn);
	return add(t, line,
		   (struct scn_op){ .kind = SCN_OP_WRITE,
				    .offset = offset,
				    .data = keep(t, data) });
}

int vfsim_op_close(struct vfsim_task *t, const char *handle)
{
	char line[96];

	if (handle_line("vfsim_op_close", handle, "release %s", line,
			sizeof(line)))
		return -EINVAL;
	return add(t, line, (struct scn_op){ .kind = SCN_OP_RELEASE });
}

int vfsim_op_sleep(struct vfsim_task *t, uint64_t ns)
{
	if (!ns)
		return vfsim_fail(-EINVAL, "vfsim_op_sleep: 0 ns (use "
					   "vfsim_op(t, \"yield\") to let "
					   "others run)");
	return add(t, "sleep 1ns",
		   (struct scn_op){ .kind = SCN_OP_SLEEP, .ns = ns });
}

/* Replace the stand-ins of @ops (and of repeat bodies) by number. */
static void place(struct vfsim_task *t, struct scn_op *ops, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct scn_op *op = &ops[i];

		if (op->kind == SCN_OP_REPEAT) {
			place(t, op->body, op->nr_body);
			continue;
		}
		for (size_t k = 0; k < t->nr_typed; k++) {
			struct scn_op mine = t->typed[k];

			if (mine.ordinal != op->ordinal)
				continue;
			/* the stand-in's position and handle name stay */
			mine.pos = op->pos;
			mine.handle = op->handle;
			*op = mine;
			break;
		}
	}
}

void vfsim_ops_place(struct vfsim_task *t)
{
	struct scn_task *st = &t->parsed->tasks[0];

	if (t->nr_typed)
		place(t, st->ops, st->nr_ops);
}

void vfsim_ops_free(struct vfsim_task *t)
{
	for (size_t i = 0; i < t->nr_strs; i++)
		host_free(t->strs[i]);
	host_free(t->strs);
	host_free(t->typed);
	t->strs = NULL;
	t->typed = NULL;
	t->nr_strs = t->nr_typed = 0;
}
