// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuse_server.c - the FUSE server's session: set-up, INIT, byte order and
 * the dispatcher that turns request bytes into reply bytes.
 *
 * The dispatcher is the twin of libfuse's fuse_session_process_buf() /
 * virtiofsd's fv_queue_worker(): it reads the header, refuses everything
 * before INIT, converts an opposite-endian guest's request on a private
 * copy, parses it, applies the disabled-ring rule and calls the handler.
 * Every rule it applies is tabled in fuse_server.h. The session state the
 * migration code reads and the set of broken inodes are in
 * fuse_server_state.c.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "device/fuse_server_internal.h"
#include "sim/trace/host.h"
#include "sim/trace/trace.h"

#define MIB (1024u * 1024u)

/* What a request may do on a started but disabled ring. */
enum fs_class {
	FS_CHANGE,  /* changes state: EAGAIN when disabled */
	FS_QUERY,   /* changes nothing: answered when disabled */
	FS_DISCARD, /* has no reply: dropped when disabled */
};

struct fs_op {
	const char *func; /* handler name for the trace (libfuse's do_*) */
	fs_handler fn;
	u16 reply_min; /* fixed reply payload bytes */
	u8 class;
};

static int do_init(struct fs_req *r);

#define OP(code, name, min, cls) [code] = { #name, name, min, cls }

static const struct fs_op fs_ops[] = {
	OP(FUSE_LOOKUP, do_lookup, sizeof(struct fuse_entry_out), FS_CHANGE),
	OP(FUSE_FORGET, do_forget, 0, FS_DISCARD),
	OP(FUSE_GETATTR, do_getattr, sizeof(struct fuse_attr_out), FS_QUERY),
	OP(FUSE_SETATTR, do_setattr, sizeof(struct fuse_attr_out), FS_CHANGE),
	OP(FUSE_MKDIR, do_mkdir, sizeof(struct fuse_entry_out), FS_CHANGE),
	OP(FUSE_UNLINK, do_unlink, 0, FS_CHANGE),
	OP(FUSE_RMDIR, do_rmdir, 0, FS_CHANGE),
	OP(FUSE_RENAME, do_rename, 0, FS_CHANGE),
	OP(FUSE_OPEN, do_open, sizeof(struct fuse_open_out), FS_CHANGE),
	OP(FUSE_READ, do_read, 0, FS_QUERY),
	OP(FUSE_WRITE, do_write, sizeof(struct fuse_write_out), FS_CHANGE),
	OP(FUSE_STATFS, do_statfs, sizeof(struct fuse_statfs_out), FS_QUERY),
	OP(FUSE_RELEASE, do_release, 0, FS_CHANGE),
	OP(FUSE_FLUSH, do_flush, 0, FS_CHANGE),
	OP(FUSE_INIT, do_init, sizeof(struct fuse_init_out), FS_CHANGE),
	OP(FUSE_OPENDIR, do_opendir, sizeof(struct fuse_open_out), FS_CHANGE),
	OP(FUSE_READDIR, do_readdir, 0, FS_QUERY),
	OP(FUSE_RELEASEDIR, do_releasedir, 0, FS_CHANGE),
	OP(FUSE_GETLK, do_getlk, sizeof(struct fuse_lk_out), FS_QUERY),
	OP(FUSE_SETLK, do_setlk, 0, FS_CHANGE),
	OP(FUSE_SETLKW, do_setlkw, 0, FS_CHANGE),
	OP(FUSE_ACCESS, do_access, 0, FS_QUERY),
	OP(FUSE_CREATE, do_create,
	   sizeof(struct fuse_entry_out) + sizeof(struct fuse_open_out),
	   FS_CHANGE),
	OP(FUSE_INTERRUPT, do_interrupt, 0, FS_DISCARD),
	OP(FUSE_DESTROY, do_destroy, 0, FS_CHANGE),
	OP(FUSE_NOTIFY_REPLY, do_interrupt, 0, FS_DISCARD),
	OP(FUSE_BATCH_FORGET, do_batch_forget, 0, FS_DISCARD),
	OP(FUSE_RENAME2, do_rename2, 0, FS_CHANGE),
	OP(FUSE_SETUPMAPPING, do_setupmapping, 0, FS_CHANGE),
	OP(FUSE_REMOVEMAPPING, do_removemapping, 0, FS_CHANGE),
};

static const struct fs_op *fs_op_find(u32 opcode)
{
	if (opcode >= ARRAY_SIZE(fs_ops) || !fs_ops[opcode].fn)
		return NULL;
	return &fs_ops[opcode];
}

/* memfs free hook: a freed inode's locks go with it. */
static void fs_inode_freed(void *locks, u64 ino)
{
	locks_release_inode(locks, ino);
}

struct fuse_server *fuse_server_new(const struct fuse_server_config *cfg)
{
	struct fuse_server_config c = { 0 };
	struct memfs_config mc = { 0 };
	struct fuse_server *srv;

	if (cfg)
		c = *cfg;
	if (!c.max_write)
		c.max_write = MIB;
	if (!c.max_pages)
		c.max_pages = 256;
	if (!c.map_alignment)
		c.map_alignment = 12;
	if (c.max_write < 4096 || c.max_pages > 0xffff ||
	    c.map_alignment > 63 ||
	    (c.dax_window_size &&
	     c.dax_window_size % (1ULL << c.map_alignment)))
		return NULL;
	srv = host_calloc(1, sizeof(*srv));
	srv->cfg = c;
	mc.max_inodes = c.max_inodes;
	mc.max_file_size = c.max_file_size;
	srv->fs = memfs_new(&mc);
	srv->locks = locks_new();
	/* A freed inode takes its locks with it (memfs.h, "Wiring"). */
	memfs_set_free_hook(srv->fs, fs_inode_freed, srv->locks);
	/* the window's size and alignment were checked above */
	if (c.dax_window_size)
		srv->dax = dax_new(srv->fs, c.dax_window_size, c.map_alignment);
	return srv;
}

void fuse_server_free(struct fuse_server *srv)
{
	if (!srv)
		return;
	/* dax before memfs: the mappings hold pins on memfs inodes. */
	dax_free(srv->dax);
	memfs_free(srv->fs);
	locks_free(srv->locks);
	host_free(srv->swapbuf);
	host_free(srv->broken);
	host_free(srv);
}

u64 fuse_server_lock_generation(const struct fuse_server *srv)
{
	return locks_generation(srv->locks);
}

bool fuse_server_initialized(const struct fuse_server *srv)
{
	return srv->initialized;
}

bool fuse_server_bswapped(const struct fuse_server *srv)
{
	return srv->bswapped;
}

void fuse_server_set_trace_args(struct fuse_server *srv, bool on)
{
	srv->cfg.trace_args = on;
}

u64 fuse_server_init_flags(const struct fuse_server *srv)
{
	return srv->flags;
}

u32 fuse_server_minor(const struct fuse_server *srv)
{
	return srv->minor;
}

struct memfs *fuse_server_fs(struct fuse_server *srv)
{
	return srv->fs;
}

struct lock_table *fuse_server_locks(struct fuse_server *srv)
{
	return srv->locks;
}

struct dax_window *fuse_server_dax(struct fuse_server *srv)
{
	return srv->dax;
}

int fuse_server_set_time(struct fuse_server *srv, s64 sec, u32 nsec)
{
	if (nsec > 999999999u)
		return -EINVAL;
	srv->now.sec = sec;
	srv->now.nsec = nsec;
	return 0;
}

void fs_put(struct fs_req *r, const void *p, size_t n)
{
	assert(r->len + n <= r->room);
	memcpy(r->out + r->len, p, n);
	r->len += n;
}

void fs_arg(const struct fs_req *r, void *dst, size_t size)
{
	assert(r->in->arg && r->in->arg_size >= size);
	memcpy(dst, r->in->arg, size);
}

/*
 * Twin of libfuse's do_init(): negotiate version and flags. A guest major
 * above ours gets our version only and may retry; the session is
 * initialised only by a 7.x INIT with x >= FUSE_SERVER_MIN_MINOR.
 */
static int do_init(struct fs_req *r)
{
	struct fuse_server *srv = r->srv;
	struct fuse_init_in in = { 0 };
	struct fuse_init_out out = { 0 };
	u64 offered, supported;

	if (srv->initialized)
		return -EIO;
	/* 16 bytes before 7.36, 64 since: take what came. */
	memcpy(&in, r->in->arg,
	       r->in->arg_size < sizeof(in) ? r->in->arg_size : sizeof(in));
	out.major = FUSE_KERNEL_VERSION;
	out.minor = FUSE_KERNEL_MINOR_VERSION;
	if (in.major < FUSE_KERNEL_VERSION)
		return -EPROTO;
	if (in.major > FUSE_KERNEL_VERSION) {
		r->note = "major above 7: retry with 7";
		fs_put(r, &out, sizeof(out));
		return 0;
	}
	if (in.minor < FUSE_SERVER_MIN_MINOR)
		return -EPROTO;
	offered = in.flags;
	if (in.flags & FUSE_INIT_EXT)
		offered |= (u64)in.flags2 << 32;
	supported = FUSE_SERVER_INIT_FLAGS;
	if (srv->dax)
		supported |= FUSE_MAP_ALIGNMENT;
	if (srv->cfg.request_timeout)
		supported |= FUSE_REQUEST_TIMEOUT;
	srv->flags = offered & supported;
	srv->minor = in.minor < FUSE_KERNEL_MINOR_VERSION ?
			     in.minor :
			     FUSE_KERNEL_MINOR_VERSION;
	out.max_readahead = in.max_readahead;
	out.flags = (u32)srv->flags;
	out.flags2 = (u32)(srv->flags >> 32);
	out.max_background = FUSE_SERVER_MAX_BACKGROUND;
	out.congestion_threshold = FUSE_SERVER_CONGESTION_THRESHOLD;
	out.max_write = srv->cfg.max_write;
	out.time_gran = FUSE_SERVER_TIME_GRAN;
	if (srv->flags & FUSE_MAX_PAGES)
		out.max_pages = (u16)srv->cfg.max_pages;
	if (srv->flags & FUSE_MAP_ALIGNMENT)
		out.map_alignment = (u16)srv->cfg.map_alignment;
	if (srv->flags & FUSE_REQUEST_TIMEOUT)
		out.request_timeout = srv->cfg.request_timeout;
	srv->initialized = true;
	srv->bswapped = r->swap;
	fs_put(r, &out, sizeof(out));
	return 0;
}

/* End the session and un-initialise it; the tree stays. */
static void fs_destroy_session(struct fuse_server *srv)
{
	fs_end_session(srv);
	srv->initialized = false;
	srv->bswapped = false;
	srv->minor = 0;
	srv->flags = 0;
}

static int count_lookups(void *arg, const struct memfs_inode_info *ii)
{
	u64 *n = arg;

	if (ii->nodeid != MEMFS_ROOT_ID && ii->nlookup) {
		n[0] += ii->nlookup;
		n[1]++;
	}
	return 0;
}

/* Twin of libfuse's do_destroy(): end the session, keep the tree. */
int do_destroy(struct fs_req *r)
{
	u64 n[2] = { 0, 0 };

	/* What the driver still owed when it said goodbye: a driver that
	 * forgot everything it looked up leaves 0 (vfsim serve's check). */
	if (r->srv->cfg.trace_args) {
		memfs_for_each_inode(r->srv->fs, count_lookups, n);
		TRACE(.kind = "fuse.session_end", .func = "do_destroy",
		      .detail =
			      trace_fmt("lookups outstanding=%llu inodes=%llu",
					(unsigned long long)n[0],
					(unsigned long long)n[1]));
	}
	fs_destroy_session(r->srv);
	return 0;
}

/*
 * A device reset ends the session as DESTROY would (virtiofsd's
 * vhost-user reset ends its session too): the driver must send a fresh
 * INIT. Nothing to do, and nothing traced, for a session never started.
 */
void fuse_server_reset_session(struct fuse_server *srv)
{
	if (!srv->initialized)
		return;
	fs_destroy_session(srv);
	TRACE(.kind = "fuse_server.reset", .func = "fuse_server_reset_session",
	      .detail = "session ended by device reset");
}

static const char *errname(int err)
{
	const char *s = fuse_errno_name(err);

	return err ? (s ? s : "E?") : "OK";
}

/* A bare out header, written in the order the request came in. */
static int reply_error(void *reply, u64 unique, int err, bool swap)
{
	struct fuse_out_header oh = { sizeof(oh), err, unique };

	if (swap) {
		oh.len = __builtin_bswap32(oh.len);
		oh.error = (s32)__builtin_bswap32((u32)oh.error);
		oh.unique = __builtin_bswap64(oh.unique);
	}
	memcpy(reply, &oh, sizeof(oh));
	return FUSE_SERVER_REPLY;
}

/* Convert a swapped request on the private copy. */
static const void *swap_in(struct fuse_server *srv, const void *req, size_t len)
{
	if (len > srv->swapbuf_cap) {
		srv->swapbuf = host_realloc(srv->swapbuf, len);
		srv->swapbuf_cap = len;
	}
	memcpy(srv->swapbuf, req, len);
	return srv->swapbuf;
}

/* Run the handler: return its result and leave the payload in r. */
static int dispatch(struct fuse_server *srv, const struct fs_op *op,
		    struct fs_req *r, const struct fuse_server_ctx *ctx)
{
	if (ctx && ctx->no_side_effects && op->class != FS_QUERY) {
		if (op->class == FS_DISCARD) {
			r->note = r->in->opcode == FUSE_FORGET ||
						  r->in->opcode ==
							  FUSE_BATCH_FORGET ?
					  "forget discarded on disabled ring" :
					  "ignored on disabled ring";
			return FS_NOREPLY;
		}
		r->note = "not executed on disabled ring";
		return -EAGAIN;
	}
	if (r->room < op->reply_min) {
		r->note = "reply buffer too small";
		return -ERANGE;
	}
	memfs_set_now(srv->fs, srv->now);
	return op->fn(r);
}

static struct {
	fuse_server_tap_fn fn;
	void *arg;
} tap;

void fuse_server_set_tap(fuse_server_tap_fn fn, void *arg)
{
	tap.fn = fn;
	tap.arg = arg;
}

void fs_tap(enum fuse_server_tap_kind kind, u32 opcode, const void *bytes,
	    size_t len)
{
	if (tap.fn)
		tap.fn(tap.arg, kind, opcode, bytes, len);
}

static int handle(struct fuse_server *srv, const void *req, size_t req_len,
		  void *reply, size_t reply_cap, size_t *reply_len,
		  const struct fuse_server_ctx *ctx)
{
	struct fuse_in_header raw;
	struct fuse_proto_req in;
	struct fs_req r = { .srv = srv, .in = &in };
	const struct fs_op *op;
	const void *buf = req;
	bool noreply;
	u32 opcode;
	u64 unique;
	int ret;

	assert(srv && (req || !req_len) && reply_len);
	*reply_len = 0;
	if (req_len < sizeof(raw)) {
		TRACE(.kind = "fuse.bad", .func = "fuse_server_handle",
		      .detail = "EBADMSG header unreadable: no reply");
		return -EBADMSG;
	}
	memcpy(&raw, req, sizeof(raw));
	/* A swapped opcode is only trusted on an INIT (fuse_msg.h). */
	r.swap = srv->bswapped ||
		 (!srv->initialized && fuse_proto_detect_bswap(&raw) == 1);
	opcode = r.swap ? __builtin_bswap32(raw.opcode) : raw.opcode;
	unique = r.swap ? __builtin_bswap64(raw.unique) : raw.unique;
	op = fs_op_find(opcode);
	TRACE(.kind = "fuse.req", .func = op ? op->func : "fuse_server_handle",
	      .unique = unique, .opcode = (s32)opcode,
	      .detail = r.swap ? "bswapped" : NULL);
	noreply = fuse_proto_opcode_noreply(opcode);
	if (!noreply && reply_cap < sizeof(struct fuse_out_header)) {
		TRACE(.kind = "fuse.bad", .func = "fuse_server_handle",
		      .unique = unique, .opcode = (s32)opcode,
		      .detail = "EMSGSIZE no room for a reply header");
		return -EMSGSIZE;
	}
	if (!srv->initialized && opcode != FUSE_INIT) {
		ret = -EIO;
		r.note = "before INIT";
		goto error;
	}
	if (r.swap) {
		buf = swap_in(srv, req, req_len);
		ret = fuse_proto_bswap_request((void *)buf, req_len,
					       FUSE_PROTO_FROM_PEER);
		if (ret)
			goto bad;
	}
	if (opcode == FUSE_FORGET) {
		size_t extra;

		/* libfuse's do_forget() and virtiofsd read fuse_forget_in
		 * and no more: the 2019 driver's 64-byte FORGET was served */
		ret = fuse_proto_parse_request_lax(buf, req_len, &in, &extra);
		if (!ret && extra)
			r.note = trace_fmt("%zu trailing bytes ignored", extra);
	} else {
		ret = fuse_proto_parse_request(buf, req_len, &in);
	}
	if (ret)
		goto bad;
	if (srv->cfg.trace_args)
		TRACE(.kind = "fuse.args", .func = op ? op->func : "-",
		      .unique = unique, .opcode = (s32)opcode,
		      .detail = trace_fmt(
			      "nodeid=%llu%s%.*s%s%.*s",
			      (unsigned long long)in.hdr.nodeid,
			      in.name ? " name=" : "", (int)in.name_len,
			      in.name ? in.name : "", in.name2 ? " name2=" : "",
			      (int)in.name2_len, in.name2 ? in.name2 : ""));
	if (!op) {
		ret = -ENOSYS;
		goto error;
	}
	if (srv->nbroken && fs_names_broken(srv, &in)) {
		ret = -EIO;
		r.note = "inode lost in migration";
		goto error;
	}
	r.out = (u8 *)reply + sizeof(struct fuse_out_header);
	r.room = reply_cap - sizeof(struct fuse_out_header);
	ret = dispatch(srv, op, &r, ctx);
	if (ret == FS_NOREPLY) {
		TRACE(.kind = "fuse.reply", .func = op->func, .unique = unique,
		      .opcode = (s32)opcode,
		      .detail = r.note ? trace_fmt("none: %s", r.note) :
					 "none");
		return FUSE_SERVER_NOREPLY;
	}
	if (ret == FS_BLOCKED) {
		TRACE(.kind = "fuse.reply", .func = op->func, .unique = unique,
		      .opcode = (s32)opcode, .detail = "blocked");
		return FUSE_SERVER_BLOCKED;
	}
	if (ret < 0)
		goto error;
	{
		struct fuse_out_header oh = { (u32)(sizeof(oh) + r.len), 0,
					      unique };

		memcpy(reply, &oh, sizeof(oh));
		*reply_len = oh.len;
		if (r.swap) {
			ret = fuse_proto_bswap_reply(reply, oh.len, opcode, 0,
						     FUSE_PROTO_TO_PEER);
			assert(ret == 0);
		}
	}
	TRACE(.kind = "fuse.reply", .func = op->func, .unique = unique,
	      .opcode = (s32)opcode,
	      .detail = r.note ? trace_fmt("OK %s", r.note) : "OK");
	return FUSE_SERVER_REPLY;

bad:
	TRACE(.kind = "fuse.bad", .func = "fuse_server_handle",
	      .unique = unique, .opcode = (s32)opcode,
	      .detail = trace_fmt("%s malformed request", errname(ret)));
error:
	if (noreply) {
		TRACE(.kind = "fuse.reply", .func = "fuse_server_handle",
		      .unique = unique, .opcode = (s32)opcode,
		      .detail = trace_fmt("none: %s dropped", errname(ret)));
		return FUSE_SERVER_NOREPLY;
	}
	TRACE(.kind = "fuse.reply",
	      .func = op ? op->func : "fuse_server_handle", .unique = unique,
	      .opcode = (s32)opcode,
	      .detail = r.note ? trace_fmt("%s %s", errname(ret), r.note) :
				 errname(ret));
	*reply_len = sizeof(struct fuse_out_header);
	return reply_error(reply, unique, ret, r.swap);
}

int fuse_server_handle(struct fuse_server *srv, const void *req, size_t req_len,
		       void *reply, size_t reply_cap, size_t *reply_len,
		       const struct fuse_server_ctx *ctx)
{
	int ret = handle(srv, req, req_len, reply, reply_cap, reply_len, ctx);
	struct fuse_in_header h = { 0 };

	if (!tap.fn)
		return ret;
	if (req_len >= sizeof(h))
		memcpy(&h, req, sizeof(h));
	if (fuse_server_bswapped(srv))
		h.opcode = __builtin_bswap32(h.opcode);
	fs_tap(FUSE_SERVER_TAP_REQUEST, h.opcode, req, req_len);
	if (ret == FUSE_SERVER_REPLY)
		fs_tap(FUSE_SERVER_TAP_REPLY, h.opcode, reply, *reply_len);
	return ret;
}
