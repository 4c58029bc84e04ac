// SPDX-License-Identifier: GPL-2.0-only
/*
 * console_show.c - the console's `show` views: queues, requests, tasks,
 * locks, inodes and the trace, read from the real modules' public
 * structures and accessors (console_ring.c draws the rings).
 *
 * Everything here only reads: no trace event, no allocation the machine
 * sees, no lock taken. The console runs between two steps, in the
 * scheduler's context, where no task is inside a critical section that
 * could leave a list half-linked (list updates have no yield point).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "device/locks.h"
#include "device/memfs.h"
#include "guest/vfsim_syscalls.h"
#include "guest/virtio_fs.h"
#include "sim/cli/console_internal.h"
#include "sim/kernel/gmem.h"
#include "sim/trace/host.h"

static void task_state(const struct task *t, char *buf, size_t size)
{
	if (t->state == TASK_DEAD)
		snprintf(buf, size, "finished, result %d", t->result);
	else if (t->state == TASK_RUNNABLE)
		snprintf(buf, size, "runnable");
	else
		snprintf(buf, size, "blocked in %s %s%s%s",
			 t->wait_what ? t->wait_what : "?",
			 t->wait_name ? t->wait_name : "?",
			 t->timer.armed ? " until " : "",
			 t->timer.armed ? console_time(t->timer.expires) : "");
}

void console_where(struct console *c)
{
	const struct task *t = sched_last_task();
	char st[160];

	fprintf(c->out, "-- step %llu, %s: ", (unsigned long long)c->steps,
		console_time(sched_now()));
	if (c->over)
		fprintf(c->out, "the run is over: %s\n",
			c->last == SCHED_DONE ? "done (every task finished)" :
			c->last == SCHED_DEADLOCK ?
						"deadlock (tasks blocked "
						"forever: see 'show tasks')" :
			c->last == SCHED_TIME_LIMIT ?
						"the virtual-time limit was "
						"reached (see 'show tasks')" :
						"the step limit was reached");
	else if (c->steps && c->last == SCHED_TIMER)
		fprintf(c->out, "the clock moved; timers fired\n");
	else if (!t)
		fprintf(c->out, "nothing ran yet\n");
	else {
		task_state(t, st, sizeof(st));
		fprintf(c->out, "%s ran (now %s)\n", t->name, st);
	}
}

struct virtio_fs_vq *console_queue(struct console *c, const char *cmd,
				   const char *name, unsigned int *idx)
{
	struct virtio_fs *fs = vfsim_machine_fs(vfsim_session_machine(c->ss));
	unsigned long n = 0;
	char *end;

	if (!strcmp(name, "hiprio")) {
		*idx = 0;
	} else if (!strncmp(name, "requests.", 9) && name[9] >= '0' &&
		   name[9] <= '9' && (name[9] != '0' || !name[10])) {
		/* one spelling per queue: requests.0, never requests.00 */
		n = strtoul(name + 9, &end, 10);
		if (*end || n >= c->s->machine.queues)
			goto bad;
		*idx = (unsigned int)n + 1;
	} else {
		goto bad;
	}
	if (!fs || *idx >= fs->nvqs || fs->vqs[*idx].vq_deleted) {
		console_error(c,
			      "%s: queue %s is gone (the device was removed)",
			      cmd, name);
		return NULL;
	}
	return &fs->vqs[*idx];
bad:
	console_error(c,
		      "%s: no queue '%s' (expected hiprio or requests.N, N "
		      "from 0 to %u)",
		      cmd, name, c->s->machine.queues - 1);
	return NULL;
}

static unsigned int list_len(const struct list_head *h)
{
	unsigned int n = 0;

	for (const struct list_head *p = h->next; p != h; p = p->next)
		n++;
	return n;
}

static int show_queues(struct console *c)
{
	struct vfsim_machine *m = vfsim_session_machine(c->ss);
	struct virtio_fs *fs = vfsim_machine_fs(m);

	if (!fs) {
		fprintf(c->out, "no driver instance: the device was removed "
				"(or its probe failed)\n");
		return 0;
	}
	for (unsigned int i = 0; i < fs->nvqs; i++) {
		struct virtio_fs_vq *fsvq = &fs->vqs[i];
		struct vfs_dev_queue_stats st;
		struct virtqueue_info info;
		u16 used;

		if (fsvq->vq_deleted) {
			fprintf(c->out, "%-11s deleted (del_vqs)\n",
				fsvq->name);
			continue;
		}
		virtqueue_get_info(fsvq->vq, &info);
		/* the device's used.idx as it stands in guest memory (le16) */
		used = (u16)gmem_peek_le(info.used + 2, 2);
		fprintf(c->out,
			"%-11s size=%u num_free=%u avail_idx=%u used_idx=%u "
			"last_used=%u in_flight=%ld queued_reqs=%u "
			"connected=%d%s\n",
			fsvq->name, info.num, fsvq->vq->num_free,
			info.avail_idx, used, info.last_used_idx,
			fsvq->in_flight, list_len(&fsvq->queued_reqs),
			fsvq->connected, info.broken ? " BROKEN" : "");
		if (!m->cur || vfs_dev_queue_stats(m->cur, i, &st))
			continue;
		fprintf(c->out,
			"%-11s device: last_avail=%u held=%u %s %s%s%s, "
			"kicks=%llu completed=%llu",
			"", st.last_avail, st.in_progress,
			st.started ? "started" : "stopped",
			st.enabled ? "enabled" : "disabled",
			st.broken ? " BROKEN" : "",
			m->cur != m->src ? " (migration target)" : "",
			(unsigned long long)st.kicks,
			(unsigned long long)st.completed);
		/* given up since the ring broke: in no other count */
		if (st.faulted)
			fprintf(c->out, " faulted=%llu",
				(unsigned long long)st.faulted);
		fputc('\n', c->out);
	}
	return 0;
}

static const char *const req_flags[] = {
	"ISREPLY", "FORCE",	  "BACKGROUND", "WAITING",
	"ABORTED", "INTERRUPTED", "LOCKED",	"PENDING",
	"SENT",	   "FINISHED",	  "PRIVATE",	"ASYNC",
};

static void show_req(struct console *c, const char *q,
		     const struct fuse_req *req, const char *where)
{
	const char *op = fuse_opcode_name(req->in.h.opcode);
	const char *sep = "";

	fprintf(c->out, "  %-11s unique=%llu op=", q,
		(unsigned long long)req->in.h.unique);
	if (op)
		fputs(op, c->out);
	else
		fprintf(c->out, "%u", req->in.h.opcode);
	fprintf(c->out,
		" nodeid=%llu flags=", (unsigned long long)req->in.h.nodeid);
	for (size_t b = 0; b < ARRAY_SIZE(req_flags); b++) {
		if (req->flags & (1ul << b)) {
			fprintf(c->out, "%s%s", sep, req_flags[b]);
			sep = ",";
		}
	}
	fprintf(c->out, "%s (%s)\n", *sep ? "" : "-", where);
}

static unsigned int show_fsvq_reqs(struct console *c, struct virtio_fs_vq *fsvq)
{
	const struct fuse_req *req;
	unsigned int n = 0;

	if (fsvq->fud) {
		for (unsigned int b = 0; b < FUSE_PQ_HASH_SIZE; b++) {
			list_for_each_entry(req, &fsvq->fud->pq.processing[b],
					    list) {
				show_req(c, fsvq->name, req, "sent");
				n++;
			}
		}
	}
	if (fsvq == &fsvq->fs->vqs[VQ_HIPRIO]) {
		const struct virtio_fs_forget *f;
		struct virtqueue_info info;

		/* FORGETs on the ring are no fuse_req: count the chains */
		virtqueue_get_info(fsvq->vq, &info);
		if (info.in_flight) {
			fprintf(c->out,
				"  %-11s %u FORGET%s on the ring (see 'show "
				"ring hiprio')\n",
				fsvq->name, info.in_flight,
				info.in_flight == 1 ? "" : "s");
			n++;
		}

		list_for_each_entry(f, &fsvq->queued_reqs, list) {
			fprintf(c->out,
				"  %-11s FORGET nodeid=%llu nlookup=%llu "
				"(parked on queued_reqs: the ring was full)\n",
				fsvq->name,
				(unsigned long long)f->req.ih.nodeid,
				(unsigned long long)f->req.arg.nlookup);
			n++;
		}
		return n;
	}
	list_for_each_entry(req, &fsvq->queued_reqs, list) {
		show_req(c, fsvq->name, req,
			 "parked on queued_reqs: the ring was full");
		n++;
	}
	list_for_each_entry(req, &fsvq->end_reqs, list) {
		show_req(c, fsvq->name, req, "failed: on end_reqs");
		n++;
	}
	return n;
}

static unsigned int show_conn_reqs(struct console *c)
{
	struct guest_fs *const *mounts;
	size_t nr = vfsim_session_mounts(c->ss, &mounts);
	const struct fuse_req *req;
	unsigned int n = 0;

	for (size_t i = 0; i < nr; i++) {
		struct fuse_conn *fc = mounts[i]->fm->fc;
		bool seen = false;

		for (size_t j = 0; j < i; j++)
			seen |= mounts[j]->fm->fc == fc;
		if (seen)
			continue;
		list_for_each_entry(req, &fc->iq.pending, list) {
			show_req(c, "-", req, "on fiq->pending");
			n++;
		}
		list_for_each_entry(req, &fc->bg_queue, list) {
			show_req(c, "-", req,
				 "on bg_queue: max_background reached");
			n++;
		}
	}
	return n;
}

static int show_requests(struct console *c)
{
	struct vfsim_machine *m = vfsim_session_machine(c->ss);
	struct virtio_fs *fs = vfsim_machine_fs(m);
	unsigned int n = show_conn_reqs(c);
	char qname[24];
	u16 heads[16];

	for (unsigned int i = 0; fs && i < fs->nvqs; i++)
		n += show_fsvq_reqs(c, &fs->vqs[i]);
	for (unsigned int i = 0; m->cur && i < vfs_dev_num_queues(m->cur);
	     i++) {
		int held =
			vfs_dev_held_heads(m->cur, i, heads, ARRAY_SIZE(heads));

		if (held <= 0)
			continue;
		if (i)
			snprintf(qname, sizeof(qname), "requests.%u", i - 1);
		fprintf(c->out, "  %-11s device holds %d chain%s: heads",
			i ? qname : "hiprio", held, held == 1 ? "" : "s");
		for (int h = 0; h < held && h < (int)ARRAY_SIZE(heads); h++)
			fprintf(c->out, " %u", heads[h]);
		fprintf(c->out, "%s\n",
			held > (int)ARRAY_SIZE(heads) ? " ..." : "");
		n++;
	}
	if (!n)
		fprintf(c->out, "no requests in flight\n");
	return 0;
}

static int show_task(void *arg, const struct task *t)
{
	struct console *c = arg;
	char st[160];

	task_state(t, st, sizeof(st));
	fprintf(c->out, "%c %3u %-18s %-8s cpu%-3d %s%s\n",
		t == sched_last_task() ? '>' : ' ', t->id, t->name,
		task_kind_name(t->kind), t->cpu, st,
		t->flags & TASK_F_DAEMON ? " (daemon)" : "");
	return 0;
}

static const char *lock_type(u32 type)
{
	return type == F_RDLCK ? "read" : type == F_WRLCK ? "write" : "unlock";
}

/* Static storage: one call per printf. (Never trace_fmt(): the trace's
 * storage is the run's, and the console must leave no mark on it.) */
static const char *lock_end(u64 end)
{
	static char buf[24];

	if (end == LOCKS_OFFSET_MAX)
		return "EOF";
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)end);
	return buf;
}

static int show_lock(void *arg, const struct posix_lock *lk)
{
	struct console *c = arg;

	fprintf(c->out, "  inode %llu owner %llu pid %u %s %llu..%s\n",
		(unsigned long long)lk->ino, (unsigned long long)lk->owner,
		lk->pid, lock_type(lk->type), (unsigned long long)lk->start,
		lock_end(lk->end));
	return 0;
}

/* What the console says where the device's memory would be shown. */
#define EXTERNAL "an external back end (its insides are not visible)"

static int show_locks(struct console *c)
{
	struct vfsim_machine *m = vfsim_session_machine(c->ss);
	struct lock_table *t =
		m->cur ? fuse_server_locks(vfs_dev_server(m->cur)) : NULL;
	struct guest_fs *const *mounts;
	size_t nr = vfsim_session_mounts(c->ss, &mounts), n = 0;

	if (t) {
		fprintf(c->out, "device: %zu POSIX lock%s\n", locks_count(t),
			locks_count(t) == 1 ? "" : "s");
		locks_for_each(t, show_lock, c);
	} else {
		fprintf(c->out, "device: " EXTERNAL "\n");
	}
	for (size_t i = 0; i < nr; i++) {
		for (unsigned int j = 0; j < mounts[i]->nr_opens; j++) {
			const struct guest_open_rec *o = &mounts[i]->opens[j];

			for (unsigned int k = 0; k < o->nr_lks; k++, n++) {
				const struct fuse_file_lock *lk = &o->lks[k].lk;

				if (!n)
					fprintf(c->out,
						"guest: lock requests that "
						"succeeded, per open file:\n");
				fprintf(c->out,
					"  mount %zu nodeid %llu fh %llu owner "
					"%llu %s %llu..%s\n",
					i + 1, (unsigned long long)o->nodeid,
					(unsigned long long)o->fh,
					(unsigned long long)o->lks[k].owner,
					lock_type(lk->type),
					(unsigned long long)lk->start,
					lock_end(lk->end));
			}
		}
	}
	if (!n)
		fprintf(c->out, "guest: no lock requests on open files\n");
	return 0;
}

struct inode_walk {
	struct console *c;
	struct memfs *fs;
};

static int show_inode(void *arg, const struct memfs_inode_info *ii)
{
	struct inode_walk *w = arg;
	char path[512];

	if (memfs_path(w->fs, ii->nodeid, path, sizeof(path)))
		snprintf(path, sizeof(path), "(unlinked)");
	fprintf(w->c->out, "  %6llu %7llu %5u %-4s %s\n",
		(unsigned long long)ii->nodeid, (unsigned long long)ii->nlookup,
		ii->nopen, S_ISDIR(ii->attr.mode) ? "dir" : "file", path);
	return 0;
}

static int show_inodes(struct console *c)
{
	struct vfsim_machine *m = vfsim_session_machine(c->ss);
	struct inode_walk w = {
		c, m->cur ? fuse_server_fs(vfs_dev_server(m->cur)) : NULL
	};
	struct guest_fs *const *mounts;
	size_t nr = vfsim_session_mounts(c->ss, &mounts);
	struct memfs_stats st;

	if (w.fs) {
		memfs_get_stats(w.fs, &st);
		fprintf(c->out,
			"device: %llu inodes\n  nodeid nlookup nopen type "
			"path\n",
			(unsigned long long)st.inodes);
		memfs_for_each_inode(w.fs, show_inode, &w);
	} else {
		fprintf(c->out, "device: " EXTERNAL "\n");
	}
	if (!nr)
		fprintf(c->out, "guest: nothing mounted\n");
	for (size_t i = 0; i < nr; i++) {
		const struct guest_fs *g = mounts[i];

		fprintf(c->out, "guest mount %zu owes %llu lookup%s\n", i + 1,
			(unsigned long long)guest_nlookup_total(g),
			guest_nlookup_total(g) == 1 ? "" : "s");
		for (unsigned int j = 0; j < g->nr_owed; j++)
			fprintf(c->out,
				"  nodeid %llu: %llu (name '%s' in %llu)\n",
				(unsigned long long)g->owed[j].nodeid,
				(unsigned long long)g->owed[j].nlookup,
				g->owed[j].name,
				(unsigned long long)g->owed[j].parent);
	}
	return 0;
}

static int show_trace(struct console *c, const struct console_args *a)
{
	unsigned long long n = 20;
	size_t kept = trace_kept();
	char line[1024];

	if (a->argc > 3)
		return console_error(c,
				     "show: unexpected '%s' (expected show "
				     "trace [N])",
				     a->argv[3]);
	if (a->argc == 3 && console_count(c, "show trace", "a line count",
					  a->argv[2], CONSOLE_MAX_COUNT, &n))
		return -1;
	for (size_t i = kept > n ? kept - n : 0; i < kept; i++) {
		trace_format_text(trace_event_at(i), line, sizeof(line));
		fprintf(c->out, "%s\n", line);
	}
	return 0;
}

/* The guest's /sys/fs/virtiofs view, as the driver variant has it. */
static int show_sysfs(struct console *c)
{
	size_t len = virtio_fs_sysfs_show(NULL, 0);
	char *buf = malloc(len + 1);

	if (!buf)
		return console_error(c, "show: out of memory");
	virtio_fs_sysfs_show(buf, len + 1);
	fputs(buf, c->out);
	host_free(buf);
	return 0;
}

int console_show(struct console *c, const struct console_args *a)
{
	const char *what = a->argc > 1 ? a->argv[1] : "";
	int (*simple)(struct console * c) = NULL;

	if (!strcmp(what, "trace"))
		return show_trace(c, a);
	if (!strcmp(what, "ring")) {
		if (a->argc != 3)
			return console_error(c, "show: expected show ring "
						"NAME (hiprio or "
						"requests.N)");
		return console_ring_text(c, a->argv[2]);
	}
	if (!strcmp(what, "queues"))
		simple = show_queues;
	else if (!strcmp(what, "requests"))
		simple = show_requests;
	else if (!strcmp(what, "locks"))
		simple = show_locks;
	else if (!strcmp(what, "inodes"))
		simple = show_inodes;
	else if (!strcmp(what, "sysfs"))
		simple = show_sysfs;
	else if (!strcmp(what, "tasks"))
		simple = NULL;
	else
		return console_error(c,
				     "show: expected queues, ring NAME, "
				     "requests, tasks, locks, inodes, sysfs or "
				     "trace [N]%s%s%s",
				     *what ? ", got '" : "", what,
				     *what ? "'" : "");
	if (a->argc > 2)
		return console_error(c, "show: unexpected '%s' after '%s'",
				     a->argv[2], what);
	if (simple)
		return simple(c);
	fprintf(c->out, "  %3s %-18s %-8s %-6s %s\n", "id", "task", "kind",
		"cpu", "state ('>' ran last)");
	sched_for_each_task(show_task, c);
	return 0;
}
