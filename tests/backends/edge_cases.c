// SPDX-License-Identifier: GPL-2.0-only
/*
 * edge_cases.c - protocol edge cases the model can put on a ring, sent to
 * real vhost-user back ends, and what each back end did: the answer, and
 * whether the daemon still answers afterwards (or exited).
 *
 *     vfsim-edge SPEC...      e.g. spawn:virtiofsd spawn:vfsim
 *
 * Each case gets a fresh daemon (virtiofsd serves one connection, and a
 * case may end it): vfsim's front end hands it the rings
 * (sim/vmm/vhost_user_frontend.h), the driver side of the split ring
 * (sim/virtio/virtqueue.h) puts the chain on, and the call eventfd says
 * when the chain came back. Prints a Markdown table, one column per back
 * end; make test-backends compares it with docs/real-backends.md.
 * Exit status: 0, or 1 when a back end could not be started.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuse_proto/fuse_proto.h"
#include "sim/cli/backend.h"
#include "sim/kernel/gmem.h"
#include "sim/kernel/scatterlist.h"
#include "sim/virtio/virtio_ring.h"
#include "sim/virtio/virtqueue.h"
#include "sim/vmm/vhost_user_frontend.h"

#define QSIZE	 16
#define REPLY_SZ 4096
#define WAIT_MS	 2000

struct rig {
	struct vfsim_backend_proc proc;
	struct vhost_user_frontend fe;
	struct virtqueue *vq[2];
	u64 unique;
	bool exited;
};

static struct rig *cur;

static bool notify(struct virtqueue *vq)
{
	return cur->fe.transport.kick(&cur->fe, vq->index);
}

static int rig_start(struct rig *r, const struct vfsim_backend_spec *spec,
		     const struct scenario *s)
{
	struct vhost_user_frontend_config cfg = { .tag = "myfs",
						  .num_request_queues = 1,
						  .queue_size = QSIZE };
	char err[512];
	int ret;

	memset(r, 0, sizeof(*r));
	cur = r;
	if (gmem_init_shared(8 << 20))
		return -ENOMEM;
	ret = vfsim_backend_spawn(&r->proc, spec, s, err, sizeof(err));
	/* The socket file exists from bind(), before listen(): refused
	 * until then (the loop ran once: `!ret` ended it at the first
	 * refusal, which a loaded host turned into a failed run). */
	for (unsigned int i = 0; !ret; i++) {
		ret = vhost_user_frontend_open(&r->fe, r->proc.sock, &cfg,
					       "src", err, sizeof(err));
		if (ret != -ECONNREFUSED || i == 500)
			break;
		ret = 0;
		usleep(10000);
	}
	if (ret) {
		fprintf(stderr, "vfsim-edge: %s: %s\n",
			vfsim_backend_name(spec), err);
		return ret;
	}
	r->fe.transport.set_features(&r->fe, 1ULL << VIRTIO_F_VERSION_1);
	for (unsigned int i = 0; i < 2; i++) {
		struct virtqueue_info info;

		r->vq[i] = vring_create_virtqueue(i, QSIZE,
						  1ULL << VIRTIO_F_VERSION_1,
						  notify, NULL,
						  i ? "requests.0" : "hiprio");
		virtqueue_get_info(r->vq[i], &info);
		r->fe.transport.queue_ready(&r->fe, i, info.desc, info.avail,
					    info.used, QSIZE, 0);
	}
	r->fe.transport.set_status(&r->fe, VIRTIO_CONFIG_S_DRIVER_OK);
	return r->fe.gone ? -EIO : 0;
}

static void rig_stop(struct rig *r)
{
	vhost_user_frontend_close(&r->fe);
	vfsim_backend_reap(&r->proc);
	for (unsigned int i = 0; i < 2; i++)
		if (r->vq[i])
			vring_del_virtqueue(r->vq[i]);
	gmem_exit();
}

/* What became of the daemon, if it is gone. */
static bool gone(struct rig *r, char *out, size_t size)
{
	int st;

	if (!r->exited && waitpid(r->proc.pid, &st, WNOHANG) == r->proc.pid) {
		r->exited = true;
		r->proc.exited = true;
		r->proc.status = st;
	}
	if (!r->exited)
		return false;
	st = r->proc.status;
	if (WIFSIGNALED(st))
		snprintf(out, size, "the daemon died (%s)",
			 strsignal(WTERMSIG(st)));
	else
		snprintf(out, size, "the daemon exited (status %d)",
			 WEXITSTATUS(st));
	return true;
}

/*
 * Put one chain on queue @q: @out (@outlen bytes) readable, a reply
 * buffer writable unless @noreply; wait for it to come back. @res gets
 * what happened; @reply the out header when there was one.
 */
static u8 body[REPLY_SZ]; /* the last reply's bytes after its header */

static int send_chain(struct rig *r, unsigned int q, const void *out,
		      size_t outlen, bool noreply,
		      struct fuse_out_header *reply, char *res, size_t size)
{
	struct scatterlist so, si, *sgs[2] = { &so, &si };
	void *ob = gmem_alloc(outlen, 8), *ib = gmem_alloc(REPLY_SZ, 8);
	unsigned int len;
	void *tok = NULL;

	memcpy(ob, out, outlen);
	memset(ib, 0, REPLY_SZ);
	sg_init_one(&so, ob, (unsigned int)outlen);
	sg_init_one(&si, ib, REPLY_SZ);
	virtqueue_add_sgs(r->vq[q], sgs, 1, noreply ? 0 : 1, ob, GFP_KERNEL);
	virtqueue_kick(r->vq[q]);
	for (unsigned int ms = 0; ms < WAIT_MS && !tok; ms += 10) {
		struct pollfd p[2] = { { r->fe.rings[q].call, POLLIN, 0 },
				       { r->fe.sock, POLLIN, 0 } };
		u64 v;

		poll(p, 2, 10);
		if (p[0].revents & POLLIN)
			(void)!read(p[0].fd, &v, sizeof(v));
		tok = virtqueue_get_buf(r->vq[q], &len);
		if (!tok && (p[1].revents & (POLLHUP | POLLIN)))
			break;
	}
	if (!tok) {
		if (gone(r, res, size) || (usleep(200000), gone(r, res, size)))
			return -EPIPE;
		snprintf(res, size, "no answer within %u ms", WAIT_MS);
		return -ETIMEDOUT;
	}
	if (noreply || len < sizeof(*reply)) {
		snprintf(res, size, "chain returned, no reply (used length %u)",
			 len);
		return 0;
	}
	memcpy(reply, ib, sizeof(*reply));
	memcpy(body, (u8 *)ib + sizeof(*reply), REPLY_SZ - sizeof(*reply));
	if (reply->error)
		snprintf(res, size, "error reply -%s",
			 strerrorname_np(-reply->error) ?
				 strerrorname_np(-reply->error) :
				 "?");
	else
		snprintf(res, size, "reply, %u bytes", reply->len);
	return reply->error;
}

/* A request: header and argument bytes, @arg of @arglen. */
static int request(struct rig *r, u32 opcode, u64 nodeid, const void *arg,
		   size_t arglen, struct fuse_out_header *reply, char *res,
		   size_t size)
{
	u8 buf[512];
	struct fuse_in_header h = {
		.len = (u32)(sizeof(h) + arglen),
		.opcode = opcode,
		.unique = ++r->unique * 2,
		.nodeid = nodeid,
		.pid = 1,
	};

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), arg, arglen);
	return send_chain(r, opcode == FUSE_FORGET ? 0 : 1, buf,
			  sizeof(h) + arglen, opcode == FUSE_FORGET, reply, res,
			  size);
}

static int init(struct rig *r, u32 minor, char *res, size_t size)
{
	struct fuse_init_in in = { .major = FUSE_KERNEL_VERSION,
				   .minor = minor,
				   .max_readahead = 65536 };
	struct fuse_out_header o;

	return request(r, FUSE_INIT, 0, &in, sizeof(in), &o, res, size);
}

/* After the case: does the daemon still answer (an INIT if it has none
 * yet, then a GETATTR of the root)? */
static void probe(struct rig *r, bool need_init, char *res, size_t size)
{
	struct fuse_getattr_in ga = { 0 };
	struct fuse_out_header o;
	char tmp[160];

	if (gone(r, res, size))
		return;
	if (need_init && init(r, FUSE_KERNEL_MINOR_VERSION, tmp, sizeof(tmp)))
		goto out;
	if (!request(r, FUSE_GETATTR, FUSE_ROOT_ID, &ga, sizeof(ga), &o, tmp,
		     sizeof(tmp))) {
		snprintf(res, size, "still answers");
		return;
	}
out:
	if (!gone(r, res, size))
		snprintf(res, size, "GETATTR: %s", tmp);
}

struct edge_case {
	const char *name; /* the table's first column */
	const char *sent; /* what the model put on the ring */
	/* run it; true when the daemon has had an INIT since */
	bool (*run)(struct rig *r, char *res, size_t size);
};

static bool forget_unknown(struct rig *r, char *res, size_t size)
{
	struct fuse_forget_in f = { .nlookup = 1 };
	struct fuse_out_header o;

	init(r, FUSE_KERNEL_MINOR_VERSION, res, size);
	request(r, FUSE_FORGET, 0x7fff1234, &f, sizeof(f), &o, res, size);
	return true;
}

static bool before_init(struct rig *r, char *res, size_t size)
{
	struct fuse_getattr_in ga = { 0 };
	struct fuse_out_header o;

	request(r, FUSE_GETATTR, FUSE_ROOT_ID, &ga, sizeof(ga), &o, res, size);
	return false;
}

static bool truncated_header(struct rig *r, char *res, size_t size)
{
	struct fuse_in_header h = { .len = sizeof(h),
				    .opcode = FUSE_GETATTR,
				    .unique = 1000,
				    .nodeid = FUSE_ROOT_ID };
	struct fuse_out_header o;

	init(r, FUSE_KERNEL_MINOR_VERSION, res, size);
	send_chain(r, 1, &h, 20, false, &o, res, size);
	return true;
}

static bool zero_write(struct rig *r, char *res, size_t size)
{
	struct fuse_open_in oi = { .flags = 2 /* O_RDWR */ };
	struct fuse_write_in wi = { 0 };
	struct fuse_entry_out e;
	struct fuse_open_out op;
	struct fuse_out_header o;
	char tmp[160];

	init(r, FUSE_KERNEL_MINOR_VERSION, res, size);
	/* the root directory's file "f": LOOKUP gives its nodeid, OPEN
	 * its handle; then a WRITE of no bytes */
	if (request(r, FUSE_LOOKUP, FUSE_ROOT_ID, "f", 2, &o, tmp,
		    sizeof(tmp))) {
		snprintf(res, size, "LOOKUP failed: %s", tmp);
		return true;
	}
	memcpy(&e, body, sizeof(e));
	if (request(r, FUSE_OPEN, e.nodeid, &oi, sizeof(oi), &o, tmp,
		    sizeof(tmp))) {
		snprintf(res, size, "OPEN failed: %s", tmp);
		return true;
	}
	memcpy(&op, body, sizeof(op));
	wi.fh = op.fh;
	if (!request(r, FUSE_WRITE, e.nodeid, &wi, sizeof(wi), &o, res, size)) {
		struct fuse_write_out wo;

		memcpy(&wo, body, sizeof(wo));
		snprintf(res, size, "reply, %u bytes written", wo.size);
	}
	return true;
}

static bool long_name(struct rig *r, char *res, size_t size)
{
	char name[301];
	struct fuse_out_header o;

	memset(name, 'n', 300);
	name[300] = '\0';
	init(r, FUSE_KERNEL_MINOR_VERSION, res, size);
	request(r, FUSE_LOOKUP, FUSE_ROOT_ID, name, sizeof(name), &o, res,
		size);
	return true;
}

static bool old_minor(struct rig *r, char *res, size_t size)
{
	init(r, 26, res, size);
	return false;
}

static const struct edge_case cases[] = {
	{ "FORGET for an unknown node", "FORGET nodeid 0x7fff1234 on hiprio",
	  forget_unknown },
	{ "request before INIT", "GETATTR of the root as the first request",
	  before_init },
	{ "chain with a truncated header",
	  "a 20-byte chain (half a fuse_in_header)", truncated_header },
	{ "zero-length write", "WRITE of 0 bytes at offset 0", zero_write },
	{ "over-long name", "LOOKUP of a 300-byte name", long_name },
	{ "protocol minor below 31", "INIT 7.26", old_minor },
};

int main(int argc, char **argv)
{
	struct vfsim_backend_spec spec[4];
	struct scenario_error perr;
	struct scenario *s;
	char err[256];
	int n = argc - 1;

	signal(SIGPIPE, SIG_IGN);
	if (n < 1 || n > 4) {
		fprintf(stderr, "usage: vfsim-edge SPEC... (spawn:virtiofsd, "
				"spawn:vfsim)\n");
		return 2;
	}
	for (int i = 0; i < n; i++) {
		if (vfsim_backend_parse(argv[i + 1], &spec[i], err,
					sizeof(err)) ||
		    spec[i].kind == VFSIM_BACKEND_SIM ||
		    spec[i].kind == VFSIM_BACKEND_UNIX) {
			fprintf(stderr,
				"vfsim-edge: %s: a spawn: back end "
				"is needed\n",
				argv[i + 1]);
			return 2;
		}
	}
	if (scenario_parse_string("edge.vfs", "fs\n  file /f \"data\"\nend\n",
				  &s, &perr))
		return 1;
	printf("| case | what the model sent |");
	for (int i = 0; i < n; i++)
		printf(" %s |", vfsim_backend_name(&spec[i]));
	printf("\n|---|---|");
	for (int i = 0; i < n; i++)
		printf("---|");
	printf("\n");
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		printf("| %s | %s |", cases[c].name, cases[c].sent);
		for (int i = 0; i < n; i++) {
			struct rig r;
			char res[200] = "", after[200] = "";
			bool inited;

			if (rig_start(&r, &spec[i], s)) {
				rig_stop(&r);
				scenario_free(s);
				return 1;
			}
			inited = cases[c].run(&r, res, sizeof(res));
			probe(&r, !inited, after, sizeof(after));
			printf(" %s; then: %s |", res, after);
			fflush(stdout);
			rig_stop(&r);
		}
		printf("\n");
	}
	scenario_free(s);
	return 0;
}
