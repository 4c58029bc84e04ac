// SPDX-License-Identifier: GPL-2.0-only
/*
 * exec_op.c - one operation of a scenario task as the syscall it is: its
 * handle and mount checked, the mount held from its path walk to its end,
 * the guest/vfsim_syscalls.h calls it makes, its result traced. The task
 * that runs the operations in order, and keeps count of them, is
 * exec_task.c's.
 *
 * Paths are resolved as the kernel's path walk does, one component at a
 * time from the root, with a cache of resolved paths standing in for the
 * dcache: an intermediate component looked up once is not looked up again
 * (so the guest owes one lookup per name, as a real mount would), while
 * the `lookup` operation always sends a LOOKUP for its last component.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "fuse_proto/fuse_msg.h"
#include "sim/cli/exec_internal.h"
#include "sim/trace/host.h"
#include "sim/trace/trace.h"

/* Largest lock offset: the kernel's OFFSET_MAX. */
#define EXEC_OFFSET_MAX 0x7fffffffffffffffull

int exec_errno_of(long ret)
{
	return ret < 0 ? (int)ret : 0;
}

/* @tmpl for iteration @i, which has an iteration mark: a copy also left
 * in *@own for the caller to free. */
static const char *expand(const char *tmpl, unsigned long i, char **own)
{
	size_t n = scenario_expand(tmpl, i, NULL, 0);
	char *p = host_malloc(n + 1);

	scenario_expand(tmpl, i, p, n + 1);
	return *own = p;
}

static struct exec_path *path_find(struct exec *e, struct guest_fs *gfs,
				   const char *path, size_t len)
{
	for (size_t i = 0; i < e->nr_paths; i++) {
		struct exec_path *p = &e->paths[i];

		if (p->gfs == gfs && strlen(p->path) == len &&
		    !memcmp(p->path, path, len))
			return p;
	}
	return NULL;
}

static void path_set(struct exec *e, struct guest_fs *gfs, const char *path,
		     size_t len, u64 nodeid)
{
	struct exec_path *p = path_find(e, gfs, path, len);

	if (!p) {
		e->paths = host_realloc(e->paths,
					(e->nr_paths + 1) * sizeof(*e->paths));
		p = &e->paths[e->nr_paths++];
		p->gfs = gfs;
		p->path = host_strndup(path, len);
	}
	p->nodeid = nodeid;
}

/* Forget @path and everything below it on @gfs (NULL path: the whole
 * mount), as unlink/rename/umount make the dcache do. */
static void path_drop(struct exec *e, struct guest_fs *gfs, const char *path)
{
	size_t len = path ? strlen(path) : 0, j = 0;

	for (size_t i = 0; i < e->nr_paths; i++) {
		struct exec_path *p = &e->paths[i];
		bool drop = p->gfs == gfs &&
			    (!path ||
			     (!strncmp(p->path, path, len) &&
			      (p->path[len] == '\0' || p->path[len] == '/')));

		if (drop)
			host_free(p->path);
		else
			e->paths[j++] = *p;
	}
	e->nr_paths = j;
}

/*
 * Resolve the first @upto bytes of @path to a nodeid. Guarantees: every
 * component not in the cache was looked up (and cached); with @force the
 * last component is looked up even when cached.
 */
static int walk(struct exec *e, struct guest_fs *gfs, const char *path,
		size_t upto, bool force, u64 *nodeid)
{
	u64 dir = FUSE_ROOT_ID;
	size_t pos = 1;

	while (pos < upto) {
		const char *slash = memchr(path + pos, '/', upto - pos);
		size_t end = slash ? (size_t)(slash - path) : upto;
		struct exec_path *c = path_find(e, gfs, path, end);
		struct fuse_entry_out out;
		char name[256];
		int ret;

		if (c && !(force && end == upto)) {
			dir = c->nodeid;
		} else {
			if (end - pos >= sizeof(name))
				return -ENAMETOOLONG;
			memcpy(name, path + pos, end - pos);
			name[end - pos] = '\0';
			ret = guest_lookup(gfs, dir, name, &out);
			if (ret)
				return ret;
			dir = out.nodeid;
			path_set(e, gfs, path, end, dir);
		}
		pos = end + 1;
	}
	*nodeid = dir;
	return 0;
}

/* walk() of the whole of @path; the root, where every walk starts, is
 * there without the call and the strlen() (a GETATTR of / in a loop). */
static inline int walk_path(struct exec *e, struct guest_fs *gfs,
			    const char *path, bool force, u64 *nodeid)
{
	if (path[0] == '/' && !path[1]) {
		*nodeid = FUSE_ROOT_ID;
		return 0;
	}
	return walk(e, gfs, path, strlen(path), force, nodeid);
}

/* The parent directory of @path and its last component. */
static int walk_parent(struct exec *e, struct guest_fs *gfs, const char *path,
		       u64 *parent, const char **leaf)
{
	const char *slash = strrchr(path, '/');

	*leaf = slash + 1;
	return walk(e, gfs, path, (size_t)(slash - path), false, parent);
}

static struct exec_handle *handle_get(struct exec_task *et, const char *name)
{
	for (size_t i = 0; i < et->nr_handles; i++)
		if (!strcmp(et->handles[i].name, name))
			return &et->handles[i];
	return NULL;
}

static void handle_def(struct exec_task *et, const char *name, bool isdir,
		       const struct guest_file *f)
{
	struct exec_handle *h = handle_get(et, name);

	if (!h) {
		et->handles = host_realloc(et->handles,
					   (et->nr_handles + 1) * sizeof(*h));
		h = &et->handles[et->nr_handles++];
		h->name = host_strdup(name);
	}
	h->isdir = isdir;
	h->closed = false;
	h->f = *f;
}

static int count_entry(void *ctx, const struct guest_dirent *de)
{
	(void)de;
	(*(u64 *)ctx)++;
	return 0;
}

static const u32 access_flags[] = {
	[SCN_ACCESS_RO] = O_RDONLY,
	[SCN_ACCESS_WO] = O_WRONLY,
	[SCN_ACCESS_RW] = O_RDWR,
};

static const u32 lock_types[] = {
	[SCN_LOCK_READ] = F_RDLCK,
	[SCN_LOCK_WRITE] = F_WRLCK,
	[SCN_LOCK_UNLOCK] = F_UNLCK,
};

/* The data ops: read, write, readdir (which may carry an expect=). */
static int op_data(struct exec_task *et, const struct scn_op *op,
		   struct exec_handle *h, const char *data, const char **why)
{
	struct guest_fs *gfs = et->gfs ? et->gfs : et->e->shared;
	u64 n = 0;
	ssize_t ret;
	char *buf;
	int err;

	switch (op->kind) {
	case SCN_OP_READ:
		buf = host_malloc(op->size + 1);
		ret = guest_read(gfs, &h->f, op->offset, buf, op->size);
		if (ret >= 0 && (op->set & SCN_ARG_EXPECT) &&
		    ((size_t)ret != strlen(data) ||
		     memcmp(buf, data, (size_t)ret)))
			*why = trace_fmt("%zd bytes read differ from the "
					 "%zu expected",
					 ret, strlen(data));
		host_free(buf);
		return exec_errno_of(ret);
	case SCN_OP_WRITE:
		if (data)
			return exec_errno_of(guest_write(gfs, &h->f, op->offset,
							 data, strlen(data)));
		buf = host_malloc(op->size);
		vfsim_pattern(buf, op->size, op->offset);
		ret = guest_write(gfs, &h->f, op->offset, buf, op->size);
		host_free(buf);
		return exec_errno_of(ret);
	default: /* SCN_OP_READDIR */
		err = guest_readdir(gfs, &h->f, 0, count_entry, &n);
		if (err >= 0 && (op->set & SCN_ARG_EXPECT) && n != op->count)
			*why = trace_fmt("%llu entries, not %llu",
					 (unsigned long long)n,
					 (unsigned long long)op->count);
		return exec_errno_of(err);
	}
}

static int op_lock(struct exec_task *et, const struct scn_op *op,
		   struct exec_handle *h)
{
	struct guest_fs *gfs = et->gfs ? et->gfs : et->e->shared;
	struct fuse_file_lock lk = {
		.start = op->offset,
		.end = op->size ? op->offset + op->size - 1 : EXEC_OFFSET_MAX,
		.type = lock_types[op->lock],
		.pid = et->idx + 1,
	};
	u64 owner = et->idx + 1;

	if (op->kind == SCN_OP_GETLK)
		return guest_getlk(gfs, &h->f, owner, &lk);
	if (op->kind == SCN_OP_SETLK)
		return guest_setlk(gfs, &h->f, owner, &lk);
	return guest_setlkw(gfs, &h->f, owner, &lk);
}

static int op_mount(struct exec_task *et, const struct scn_op *op,
		    const char *tag)
{
	struct exec *e = et->e;
	struct guest_fs *gfs;
	int ret;

	if (op->kind == SCN_OP_MOUNT) {
		ret = guest_mount(tag ? tag : e->s->machine.tag, &gfs);
		if (!ret) {
			e->shared = et->gfs = gfs;
			e->mounts = host_realloc(
				e->mounts, (e->nr_mounts + 1) * sizeof(gfs));
			e->mounts[e->nr_mounts++] = gfs;
		}
		return ret;
	}
	gfs = et->gfs ? et->gfs : e->shared;
	ret = guest_umount(gfs);
	/* Busy (another task's syscall is in it, or another unmount is
	 * under way and will do what follows): the mount stays as it is. */
	if (ret == -EBUSY)
		return ret;
	/* Otherwise the super block is gone, even on an error: nobody may
	 * use it again. */
	path_drop(e, gfs, NULL);
	for (unsigned i = 0; i < e->s->nr_tasks; i++)
		if (e->tasks[i].gfs == gfs)
			e->tasks[i].gfs = NULL;
	if (e->shared == gfs)
		e->shared = NULL;
	for (size_t i = 0; i < e->nr_mounts; i++)
		if (e->mounts[i] == gfs)
			e->mounts[i] = e->mounts[--e->nr_mounts];
	return ret;
}

/* Operations on a path or a directory entry. */
static int op_path(struct exec_task *et, const struct scn_op *op,
		   const char *path, const char *path2, const char *hname)
{
	struct exec *e = et->e;
	struct guest_fs *gfs = et->gfs ? et->gfs : e->shared;
	struct fuse_setattr_in sa;
	struct fuse_entry_out ent;
	struct guest_file f;
	const char *leaf, *leaf2;
	u64 ino, dir, dir2;
	int ret;

	switch (op->kind) {
	case SCN_OP_LOOKUP:
		return walk_path(e, gfs, path, true, &ino);
	case SCN_OP_FORGET:
		ret = walk_path(e, gfs, path, false, &ino) ?:
			      guest_forget(gfs, ino, op->count);
		if (!ret && !guest_nlookup(gfs, ino))
			path_drop(e, gfs, path);
		return ret;
	case SCN_OP_FORGET_ALL:
		path_drop(e, gfs, NULL);
		return guest_forget_all(gfs);
	case SCN_OP_GETATTR:
		return walk_path(e, gfs, path, false, &ino) ?:
			       guest_getattr(gfs, ino, NULL);
	case SCN_OP_SETATTR:
		/* cleared here, not for every operation */
		sa = (struct fuse_setattr_in){ 0 };
		if (op->set & SCN_ARG_MODE) {
			sa.valid |= FATTR_MODE;
			sa.mode = op->mode;
		}
		if (op->set & SCN_ARG_SIZE) {
			sa.valid |= FATTR_SIZE;
			sa.size = op->size;
		}
		return walk_path(e, gfs, path, false, &ino) ?:
			       guest_setattr(gfs, ino, &sa, NULL);
	case SCN_OP_OPEN:
	case SCN_OP_OPENDIR:
		ret = walk_path(e, gfs, path, false, &ino);
		if (!ret && op->kind == SCN_OP_OPEN)
			ret = guest_open(
				gfs, ino,
				access_flags[op->access] |
					(op->set & SCN_ARG_TRUNC ? O_TRUNC : 0),
				&f);
		else if (!ret)
			ret = guest_opendir(gfs, ino, &f);
		if (!ret)
			handle_def(et, hname, op->kind == SCN_OP_OPENDIR, &f);
		return ret;
	case SCN_OP_CREATE:
		ret = walk_parent(e, gfs, path, &dir, &leaf) ?:
			      guest_create(gfs, dir, leaf, op->mode, O_RDWR,
					   &ent, &f);
		if (!ret) {
			path_set(e, gfs, path, strlen(path), ent.nodeid);
			handle_def(et, hname, false, &f);
		}
		return ret;
	case SCN_OP_MKDIR:
		ret = walk_parent(e, gfs, path, &dir, &leaf) ?:
			      guest_mkdir(gfs, dir, leaf, 0755, &ent);
		if (!ret)
			path_set(e, gfs, path, strlen(path), ent.nodeid);
		return ret;
	case SCN_OP_UNLINK:
	case SCN_OP_RMDIR:
		ret = walk_parent(e, gfs, path, &dir, &leaf);
		if (!ret)
			ret = op->kind == SCN_OP_UNLINK ?
				      guest_unlink(gfs, dir, leaf) :
				      guest_rmdir(gfs, dir, leaf);
		if (!ret)
			path_drop(e, gfs, path);
		return ret;
	default: /* SCN_OP_RENAME */
		ret = walk_parent(e, gfs, path, &dir, &leaf)		?:
			      walk_parent(e, gfs, path2, &dir2, &leaf2) ?:
			      guest_rename(gfs, dir, leaf, dir2, leaf2);
		if (!ret) {
			path_drop(e, gfs, path);
			path_drop(e, gfs, path2);
		}
		return ret;
	}
}

/* What @op's scn.op event names: its path, else its handle, else "";
 * a text used as written is interned once for the operation. */
static const char *shown_name(struct exec_task *et, const struct scn_op *op,
			      const char *path, const char *hname)
{
	struct exec_op_state *o = &et->ops[op->ordinal];
	const char *s = path ? path : hname;

	if (!s)
		return "";
	/* expanded for this iteration: a copy of its own */
	if (et->op_text[path ? 0 : 2])
		return s;
	if (!o->shown)
		o->shown = trace_name(s);
	return o->shown;
}

/* Does an operation of @kind work on a mount (an unmount included)?
 * Mounting, freezing, sleeping and yielding need none. */
static bool op_uses_mount(enum scn_op_kind kind)
{
	return kind != SCN_OP_MOUNT && kind != SCN_OP_FREEZE &&
	       kind != SCN_OP_SLEEP && kind != SCN_OP_YIELD;
}

int exec_op_run(struct exec_task *et, const struct scn_op *op,
		unsigned long iter, const char **why)
{
	struct exec *e = et->e;
	unsigned marked = et->ops[op->ordinal].iter_texts;
	const char *path = op->path, *path2 = op->path2, *hname = op->handle,
		   *data = op->data, *tag = op->tag;
	struct guest_fs *gfs = et->gfs ? et->gfs : e->shared;
	struct guest_fs *held = NULL;
	struct exec_handle *h = NULL;
	int ret;

	/* a text with `$i` is expanded for this iteration (most have none:
	 * an operation in a loop must not cost an allocation per text, nor
	 * a copy of its five texts) */
	if (unlikely(marked)) {
		const char *text[5];

		exec_op_texts(op, text);
		for (unsigned i = 0; i < 5; i++)
			if (marked & (1u << i))
				text[i] =
					expand(text[i], iter, &et->op_text[i]);
		path = text[0];
		path2 = text[1];
		hname = text[2];
		data = text[3];
		tag = text[4];
	}

	if (hname && op->kind != SCN_OP_OPEN && op->kind != SCN_OP_OPENDIR &&
	    op->kind != SCN_OP_CREATE) {
		h = handle_get(et, hname);
		/* The parser saw the definition; it may not have run, or
		 * the file may be released: then, as a closed descriptor
		 * fails in the syscall, no request is sent. */
		if (!h || h->closed) {
			ret = -EBADF;
			goto out;
		}
	}
	if (!gfs && op_uses_mount(op->kind)) {
		ret = -ENODEV; /* nothing is mounted */
		goto out;
	}
	/* The operation is a syscall: it holds its mount from its path
	 * walk to its end, so an unmount in another task meanwhile is
	 * refused (-EBUSY), as the kernel's is, instead of freeing the
	 * mount under it. An unmount holds none (guest_umount()). */
	if (gfs && op_uses_mount(op->kind) && op->kind != SCN_OP_UMOUNT) {
		ret = guest_fs_get(gfs);
		if (ret)
			goto out;
		held = gfs;
	}
	switch (op->kind) {
	case SCN_OP_MOUNT:
	case SCN_OP_UMOUNT:
		ret = op_mount(et, op, tag);
		break;
	case SCN_OP_FREEZE:
		ret = virtio_device_freeze(&e->m.vdev);
		break;
	case SCN_OP_READ:
	case SCN_OP_WRITE:
	case SCN_OP_READDIR:
		ret = op_data(et, op, h, data, why);
		break;
	case SCN_OP_FLUSH:
		ret = guest_flush(gfs, &h->f, et->idx + 1);
		break;
	case SCN_OP_RELEASE:
		ret = guest_release(gfs, &h->f);
		h->closed = true; /* as close(2): gone even on an error */
		break;
	case SCN_OP_RELEASEDIR:
		ret = guest_releasedir(gfs, &h->f);
		h->closed = true;
		break;
	case SCN_OP_GETLK:
	case SCN_OP_SETLK:
	case SCN_OP_SETLKW:
		ret = op_lock(et, op, h);
		break;
	case SCN_OP_DAX_MAP:
		ret = guest_dax_map(
			gfs, &h->f, op->offset, op->size, op->moffset,
			FUSE_SETUPMAPPING_FLAG_READ |
				(op->set & SCN_ARG_DAX_RO ?
					 0 :
					 FUSE_SETUPMAPPING_FLAG_WRITE));
		break;
	case SCN_OP_DAX_UNMAP:
		ret = guest_dax_unmap(gfs, FUSE_ROOT_ID, op->offset, op->size);
		break;
	case SCN_OP_SLEEP:
		/* Nobody wakes it: the timeout ends the wait. */
		sched_block("sleep", "scenario", op->ns ? op->ns : 1);
		ret = 0;
		break;
	case SCN_OP_YIELD:
		sched_yield();
		ret = 0;
		break;
	default:
		ret = op_path(et, op, path, path2, hname);
		break;
	}
	if (held)
		guest_fs_put(held);
out:
	/* A data mismatch fails the op as EIO would; the line shows it. */
	if (*why && !ret)
		ret = -EIO;
	TRACE(.kind = "scn.op", .func = scenario_op_name(op->kind),
	      .args = TRACE_FMT(
		      "op %u%s%s: %s%s%s", op->ordinal,
		      path || hname ? " " : "", shown_name(et, op, path, hname),
		      exec_errname(ret), *why ? ", " : "", *why ? *why : ""));
	/* an unmount ends its connections' requests: the machine's checkers
	 * hear of it here, numbered as the event (which they would have
	 * read only for this), so a run that writes no trace skips the
	 * scn.op events of every other operation */
	if (op->kind == SCN_OP_UMOUNT && !ret && trace_enabled)
		vfsim_machine_unmounted(&e->m, trace_count());
	for (size_t i = 0; unlikely(marked) && i < 5; i++) {
		host_free(et->op_text[i]);
		et->op_text[i] = NULL;
	}
	return ret;
}

void exec_paths_free(struct exec *e)
{
	path_drop(e, NULL, NULL);
	for (size_t i = 0; i < e->nr_paths; i++)
		host_free(e->paths[i].path);
	host_free(e->paths);
	e->paths = NULL;
	e->nr_paths = 0;
}
