// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfs_serve_fuse.c - the FUSE server on /dev/fuse (vfsim serve --fuse):
 * the same server and memfs the device runs, answering the host kernel's
 * own FUSE client, as libfuse's session loop does for a FUSE daemon.
 *
 * One request is read per read(), answered with one write(). A SETLKW
 * that would block is parked with a copy of its bytes and tried again
 * whenever the lock table changes; an INTERRUPT naming it answers it
 * EINTR, as libfuse does, so a waiting fcntl() can be interrupted.
 */
#include "device/vfs_serve.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "device/fuse_mount.h"
#include "device/vfs_serve_internal.h"
#include "fuse_proto/fuse_msg.h"
#include "sim/trace/trace.h"
#include "sim/trace/host.h"

/* The kernel sends at most max_write bytes of data plus headers. */
#define REQ_BUF ((1u << 20) + 65536)

/** A SETLKW waiting for the lock table to move. */
struct parked {
	struct parked *next;
	u64 unique;
	size_t len;
	u8 bytes[];
};

struct fuse_loop {
	struct fuse_server *srv;
	int fd;
	u8 *req, *reply;
	struct parked *parked;
	u64 served;
};

static void set_wall_time(struct fuse_server *srv)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	fuse_server_set_time(srv, ts.tv_sec, (u32)ts.tv_nsec);
}

static void reply_error(struct fuse_loop *l, u64 unique, int err)
{
	struct fuse_out_header oh = { sizeof(oh), err, unique };

	if (write(l->fd, &oh, sizeof(oh)) < 0)
		(void)0; /* the request was aborted meanwhile */
}

/* Serve one request; true when it was parked (SETLKW would block). */
static bool serve_one(struct fuse_loop *l, const u8 *req, size_t len)
{
	struct fuse_in_header h;
	size_t out = 0;
	int ret;

	set_wall_time(l->srv);
	ret = fuse_server_handle(l->srv, req, len, l->reply, REQ_BUF, &out,
				 NULL);
	if (ret == FUSE_SERVER_BLOCKED)
		return true;
	if (ret == FUSE_SERVER_REPLY && write(l->fd, l->reply, out) < 0 &&
	    errno != ENOENT)
		TRACE(.kind = "fuse_dev.write_failed", .func = "fuse_dev_write",
		      .detail = trace_fmt("errno %d", errno));
	if (ret < 0 && len >= sizeof(h)) {
		/* The server could not answer: the kernel still waits. */
		memcpy(&h, req, sizeof(h));
		reply_error(l, h.unique, -EIO);
	}
	l->served++;
	return false;
}

static int park(struct fuse_loop *l, const u8 *req, size_t len)
{
	struct parked *p = malloc(sizeof(*p) + len);
	struct fuse_in_header h;

	if (!p)
		return -ENOMEM;
	memcpy(&h, req, sizeof(h));
	p->unique = h.unique;
	p->len = len;
	memcpy(p->bytes, req, len);
	p->next = l->parked;
	l->parked = p;
	return 0;
}

/* Try the parked SETLKWs again after the lock table moved. */
static void retry_parked(struct fuse_loop *l, u64 *gen)
{
	while (fuse_server_lock_generation(l->srv) != *gen) {
		struct parked **pp = &l->parked;

		*gen = fuse_server_lock_generation(l->srv);
		while (*pp) {
			struct parked *p = *pp;

			if (serve_one(l, p->bytes, p->len)) {
				pp = &p->next;
				continue;
			}
			*pp = p->next;
			host_free(p);
		}
	}
}

/* An INTERRUPT for a parked SETLKW ends it with EINTR. */
static void interrupt(struct fuse_loop *l, const u8 *req, size_t len)
{
	struct fuse_interrupt_in in;
	struct parked **pp;

	if (len < sizeof(struct fuse_in_header) + sizeof(in))
		return;
	memcpy(&in, req + sizeof(struct fuse_in_header), sizeof(in));
	for (pp = &l->parked; *pp; pp = &(*pp)->next) {
		struct parked *p = *pp;

		if (p->unique != in.unique)
			continue;
		*pp = p->next;
		reply_error(l, p->unique, -EINTR);
		host_free(p);
		return;
	}
}

/* Read and serve until the mount goes away or a signal ends the run. */
static int loop(struct vfs_serve_run *run, struct fuse_loop *l,
		struct vfs_dev *dev)
{
	u64 gen = fuse_server_lock_generation(l->srv);

	while (!run->stop) {
		struct pollfd pfd[2] = { { run->sigfd, POLLIN, 0 },
					 { l->fd, POLLIN, 0 } };
		struct fuse_in_header h;
		ssize_t n;

		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			return -errno;
		if ((pfd[0].revents & POLLIN) && vfs_serve_signals(run, dev))
			break;
		if (!(pfd[1].revents & (POLLIN | POLLERR | POLLHUP)))
			continue;
		n = read(l->fd, l->req, REQ_BUF);
		if (n < 0 &&
		    (errno == EINTR || errno == EAGAIN || errno == ENOENT))
			continue;
		if (n < 0 && errno == ENODEV)
			return 0; /* unmounted */
		if (n < 0)
			return -errno;
		if ((size_t)n < sizeof(h))
			continue;
		memcpy(&h, l->req, sizeof(h));
		if (h.opcode == FUSE_INTERRUPT)
			interrupt(l, l->req, (size_t)n);
		if (serve_one(l, l->req, (size_t)n) &&
		    park(l, l->req, (size_t)n))
			reply_error(l, h.unique, -ENOMEM);
		retry_parked(l, &gen);
	}
	return 0;
}

int vfs_serve_fuse(const char *mountpoint, const struct vfs_serve_opts *opts)
{
	struct vfs_serve_opts fo = *opts, *o = &fo;
	struct fuse_loop l = { 0 };
	struct vfs_serve_run run;
	struct vfs_dev *dev = NULL;
	int ret;

	/* The host kernel's FUSE waits for a blocking POSIX lock in the
	 * daemon, as libfuse's own examples serve it: this loop parks the
	 * SETLKW (the device's park-setlkw), where a vhost-user device
	 * follows virtiofsd and refuses it. */
	fo.dev.options |= 1u << VFS_DEV_OPT_PARK_SETLKW;
	ret = vfs_serve_begin(&run, o);
	if (ret)
		return ret;
	ret = vfs_serve_new_device(&run, &dev);
	l.req = malloc(REQ_BUF);
	l.reply = malloc(REQ_BUF);
	if (!ret && (!l.req || !l.reply))
		ret = -ENOMEM;
	if (!ret) {
		l.srv = vfs_dev_server(dev);
		l.fd = fuse_mount(mountpoint, o->log);
		ret = l.fd < 0 ? l.fd : 0;
	}
	if (!ret) {
		if (o->log)
			fprintf(o->log, "vfsim serve: mounted on %s\n",
				mountpoint);
		ret = loop(&run, &l, dev);
		fuse_unmount(mountpoint, o->log);
		close(l.fd);
		if (o->log)
			fprintf(o->log,
				"vfsim serve: unmounted %s after %llu "
				"requests\n",
				mountpoint, (unsigned long long)l.served);
	}
	while (l.parked) {
		struct parked *p = l.parked;

		l.parked = p->next;
		host_free(p);
	}
	host_free(l.req);
	host_free(l.reply);
	vfs_dev_free(dev);
	vfs_serve_end(&run);
	return ret;
}
