// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuse_mount.c - mounting a FUSE file system for vfsim serve --fuse:
 * mount(2) as root, else libfuse's setuid helper, fusermount3, which
 * mounts and sends the /dev/fuse descriptor back over the socket named by
 * _FUSE_COMMFD (libfuse's fuse_mount() does the same when mount(2) is
 * refused). Only system headers here: <sys/mount.h> brings the kernel's
 * <linux/types.h>, whose __le64 clashes with vfsim's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <sys/mount.h>

#include "device/fuse_mount.h"

/* Run fusermount3 with @args; its status, or -errno. */
static int run_helper(char *const args[], int keep_fd)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		char env[32];

		if (keep_fd >= 0) {
			snprintf(env, sizeof(env), "%d", keep_fd);
			setenv("_FUSE_COMMFD", env, 1);
		}
		execvp(args[0], args);
		_exit(127);
	}
	if (keep_fd >= 0)
		close(keep_fd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static int receive_fd(int sock)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	char byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = ctl.buf,
			     .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &mh, 0) <= 0)
		return -EIO;
	c = CMSG_FIRSTHDR(&mh);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -EIO;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

static int fusermount(const char *mnt, FILE *log)
{
	char *args[] = {
		"fusermount3", "-o",	    "fsname=vfsim,subtype=vfsim",
		"--",	       (char *)mnt, NULL
	};
	int sv[2], st, fd;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return -errno;
	st = run_helper(args, sv[1]);
	fd = st ? -EPERM : receive_fd(sv[0]);
	close(sv[0]);
	if (fd < 0 && log)
		fprintf(log,
			"vfsim serve: cannot mount %s without root: "
			"fusermount3 %s\n",
			mnt,
			st == 127 ? "is not installed (apt-get install "
				    "fuse3)" :
				    "failed");
	return fd;
}

static void fusermount_unmount(const char *mnt, FILE *log)
{
	char *args[] = { "fusermount3", "-u", "-z", "--", (char *)mnt, NULL };

	if (run_helper(args, -1) && log)
		fprintf(log, "vfsim serve: fusermount3 -u %s failed\n", mnt);
}

/* mount(2) as root; else fusermount3, which hands the fd back. */
int fuse_mount(const char *mnt, FILE *log)
{
	char opts[256];
	int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		if (log)
			fprintf(log, "vfsim serve: cannot open /dev/fuse: %s\n",
				strerror(errno));
		return -errno;
	}
	snprintf(opts, sizeof(opts),
		 "fd=%d,rootmode=40000,user_id=%u,group_id=%u,allow_other", fd,
		 (unsigned)getuid(), (unsigned)getgid());
	if (!mount("vfsim", mnt, "fuse.vfsim", MS_NOSUID | MS_NODEV, opts))
		return fd;
	if (errno != EPERM) {
		int err = -errno;

		if (log)
			fprintf(log, "vfsim serve: cannot mount %s: %s\n", mnt,
				strerror(-err));
		close(fd);
		return err;
	}
	close(fd);
	return fusermount(mnt, log);
}

void fuse_unmount(const char *mnt, FILE *log)
{
	if (!umount2(mnt, 0) || errno == EINVAL || errno == ENOENT)
		return;
	if (errno == EBUSY && !umount2(mnt, MNT_DETACH)) {
		if (log)
			fprintf(log,
				"vfsim serve: %s was busy: detached (lazy "
				"unmount)\n",
				mnt);
		return;
	}
	if (errno == EPERM) {
		fusermount_unmount(mnt, log);
		return;
	}
	if (log)
		fprintf(log, "vfsim serve: cannot unmount %s: %s\n", mnt,
			strerror(errno));
}
