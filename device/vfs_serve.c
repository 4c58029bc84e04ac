// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfs_serve.c - the vhost-user back end process: listen on a unix socket,
 * take one front end at a time, and run its device with the scheduler's
 * clock on the wall clock, polling the socket, the kicks and the signals
 * whenever no device task can run (virtiofsd's main loop and its
 * vhost-user daemon, in one thread).
 */
#include "device/vfs_serve.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "device/vfs_serve_internal.h"
#include "device/vhost_user_backend.h"
#include "sim/kernel/sched.h"
#include "sim/trace/trace.h"

static u64 clock_base;

u64 vfs_serve_clock(void)
{
	return sched_wall_ns() - clock_base;
}

int vfs_serve_begin(struct vfs_serve_run *run, const struct vfs_serve_opts *o)
{
	sigset_t set;
	int ret;

	memset(run, 0, sizeof(*run));
	run->o = o;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, &run->old_mask))
		return -errno;
	run->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (run->sigfd < 0) {
		ret = -errno;
		sigprocmask(SIG_SETMASK, &run->old_mask, NULL);
		return ret;
	}
	sched_exit();
	ret = sched_init(NULL);
	if (ret) {
		vfs_serve_end(run);
		return ret;
	}
	clock_base = sched_wall_ns();
	sched_set_clock(vfs_serve_clock);
	TRACE(.kind = "serve.start", .func = "vfs_serve_begin",
	      .detail = "a real peer: the clock is the wall clock, this run is "
			"not deterministic");
	return 0;
}

void vfs_serve_end(struct vfs_serve_run *run)
{
	sched_exit();
	if (run->sigfd >= 0)
		close(run->sigfd);
	run->sigfd = -1;
	sigprocmask(SIG_SETMASK, &run->old_mask, NULL);
}

int vfs_serve_signals(struct vfs_serve_run *run, struct vfs_dev *dev)
{
	struct signalfd_siginfo si;

	while (read(run->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGUSR1) {
			if (dev)
				vfs_dev_stall_end(dev);
			continue;
		}
		run->stop = true;
		if (run->o->log)
			fprintf(run->o->log, "vfsim serve: signal %u: ending\n",
				si.ssi_signo);
	}
	return run->stop;
}

void vfs_serve_run_device(void)
{
	while (sched_next_time() <= sched_now()) {
		enum sched_status st = sched_step();

		if (st != SCHED_STEPPED && st != SCHED_TIMER)
			break;
	}
}

int vfs_serve_timeout_ms(void)
{
	u64 next = sched_next_time(), now = vfs_serve_clock();

	if (next == UINT64_MAX)
		return -1;
	if (next <= now)
		return 0;
	return (int)((next - now + 999999) / 1000000);
}

int vfs_serve_new_device(struct vfs_serve_run *run, struct vfs_dev **out)
{
	const struct vfs_serve_opts *o = run->o;
	char err[256] = "";
	int ret;

	ret = vfs_dev_create(&o->dev, out);
	if (ret) {
		if (o->log)
			fprintf(o->log,
				"vfsim serve: cannot make the device: %s\n",
				strerror(-ret));
		return ret;
	}
	fuse_server_set_trace_args(vfs_dev_server(*out), true);
	if (o->configure)
		o->configure(*out, o->populate_arg);
	ret = o->populate ?
		      o->populate(*out, o->populate_arg, err, sizeof(err)) :
		      0;
	if (ret) {
		if (o->log)
			fprintf(o->log, "vfsim serve: %s\n", err);
		vfs_dev_free(*out);
		*out = NULL;
	}
	return ret;
}

/* --- vhost-user ------------------------------------------------------ */

static int listen_on(const char *path, FILE *log)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		if (log)
			fprintf(log, "vfsim serve: socket path too long: %s\n",
				path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	/* A socket left by an earlier run is replaced; anything else not. */
	if (!lstat(path, &st) && S_ISSOCK(st.st_mode))
		unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, 1)) {
		int err = -errno;

		if (log)
			fprintf(log, "vfsim serve: cannot listen on %s: %s\n",
				path, strerror(-err));
		if (fd >= 0)
			close(fd);
		return err;
	}
	return fd;
}

/* Serve one front end until it leaves or a signal ends the run. */
static int serve_one(struct vfs_serve_run *run, int sock)
{
	const struct vfs_serve_opts *o = run->o;
	struct pollfd pfd[2 + 1 + VFS_DEV_MAX_REQUEST_QUEUES];
	struct vhost_user_backend be;
	struct timeval tv = { 5, 0 };
	struct vfs_dev *dev;
	int ret;

	/* A front end that stops inside a message is cut off. */
	setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ret = vfs_serve_new_device(run, &dev);
	if (ret) {
		close(sock);
		return ret;
	}
	ret = vhost_user_backend_init(&be, dev, sock, o->log);
	if (ret) {
		close(sock);
		vfs_dev_free(dev);
		return ret;
	}
	TRACE(.kind = "vu.connect", .func = "vfs_serve_vhost_user");
	for (;;) {
		unsigned int n = 0, ring_of[ARRAY_SIZE(pfd)];

		vfs_serve_run_device();
		pfd[n++] = (struct pollfd){ run->sigfd, POLLIN, 0 };
		pfd[n++] = (struct pollfd){ be.sock, POLLIN, 0 };
		for (unsigned int i = 0; i < be.nr_rings; i++) {
			if (be.rings[i].kick < 0)
				continue;
			ring_of[n] = i;
			pfd[n++] =
				(struct pollfd){ be.rings[i].kick, POLLIN, 0 };
		}
		if (poll(pfd, n, vfs_serve_timeout_ms()) < 0 &&
		    errno != EINTR) {
			ret = -errno;
			break;
		}
		sched_clock_sync();
		if ((pfd[0].revents & POLLIN) && vfs_serve_signals(run, dev))
			break;
		for (unsigned int i = 2; i < n; i++)
			if (pfd[i].revents & POLLIN)
				vhost_user_backend_kick(&be, ring_of[i]);
		if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			ret = vhost_user_backend_handle(&be);
			if (ret)
				break;
		}
	}
	if (o->log)
		fprintf(o->log,
			"vfsim serve: front end %s after %llu messages (%llu "
			"refused)\n",
			run->stop ? "dropped" : "left",
			(unsigned long long)be.messages,
			(unsigned long long)be.refused);
	vhost_user_backend_exit(&be);
	vfs_dev_free(dev);
	return ret == -ECONNRESET ? 0 : ret;
}

int vfs_serve_vhost_user(const char *path, const struct vfs_serve_opts *o)
{
	struct vfs_serve_run run;
	int lfd, ret;

	ret = vfs_serve_begin(&run, o);
	if (ret)
		return ret;
	lfd = listen_on(path, o->log);
	if (lfd < 0) {
		vfs_serve_end(&run);
		return lfd;
	}
	if (o->log)
		fprintf(o->log, "vfsim serve: listening on %s\n", path);
	while (!run.stop) {
		struct pollfd pfd[2] = { { run.sigfd, POLLIN, 0 },
					 { lfd, POLLIN, 0 } };
		int sock;

		if (poll(pfd, 2, -1) < 0 && errno != EINTR) {
			ret = -errno;
			break;
		}
		if ((pfd[0].revents & POLLIN) && vfs_serve_signals(&run, NULL))
			break;
		if (!(pfd[1].revents & POLLIN))
			continue;
		sock = accept(lfd, NULL, NULL);
		if (sock < 0)
			continue;
		fcntl(sock, F_SETFD, FD_CLOEXEC);
		if (o->log)
			fprintf(o->log, "vfsim serve: front end connected\n");
		ret = serve_one(&run, sock);
		if (o->once ||
		    (ret && ret != -EPROTO && ret != -EMSGSIZE &&
		     ret != -EPIPE && ret != -EAGAIN && ret != -E2BIG))
			break;
		ret = 0;
	}
	close(lfd);
	unlink(path);
	vfs_serve_end(&run);
	return ret == -ECONNRESET ? 0 : ret;
}
