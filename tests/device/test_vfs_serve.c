// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_vfs_serve.c - vfsim serve's loops in a child process: the vhost-user
 * back end on a real unix socket (connect, talk, leave; signals), the
 * FUSE server on /dev/fuse (as root), and the copy of a host directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "device/memfs_import.h"
#include "device/vfs_serve.h"
#include "sim/vmm/vhost_user_proto.h"
#include "tests/harness.h"

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/vfsim-serve-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

static int fill(struct vfs_dev *dev, void *arg, char *err, size_t size)
{
	return memfs_import_dir(fuse_server_fs(vfs_dev_server(dev)), arg, NULL,
				err, size);
}

/* Run @fn in a child that exits with its result; returns the pid once
 * the child's log says @ready (listening, mounted): an event, where
 * polling for the socket or the mount for 2 s was a margin a loaded
 * host could exceed. */
static pid_t child(int (*fn)(const char *, const struct vfs_serve_opts *),
		   const char *path, const struct vfs_serve_opts *o,
		   const char *ready)
{
	char line[256];
	int p[2];
	FILE *f;
	pid_t pid;

	CU_ASSERT_FATAL(pipe(p) == 0);
	pid = fork();
	if (pid == 0) {
		struct vfs_serve_opts mine = *o;
		int ret;

		close(p[0]);
		signal(SIGPIPE, SIG_IGN); /* the parent stops reading */
		mine.log = fdopen(p[1], "w");
		setvbuf(mine.log, NULL, _IOLBF, 0);
		ret = fn(path, &mine) ? 1 : 0;

#ifdef VFSIM_VALGRIND
		/* The test harness's memory is the parent's business. */
		_exit(ret);
#else
		exit(ret); /* exit(): a coverage build writes its counts */
#endif
	}
	close(p[1]);
	f = fdopen(p[0], "r");
	while (fgets(line, sizeof(line), f) && !strstr(line, ready))
		;
	fclose(f);
	return pid;
}

static int wait_status(pid_t pid)
{
	int st;

	for (int i = 0; i < 400; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
		usleep(25000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%.100s", path);
	for (int i = 0; i < 200; i++) {
		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			return fd;
		usleep(10000);
	}
	close(fd);
	return -1;
}

static u64 ask(int fd, u32 req)
{
	struct vhost_user_msg m = { .hdr = { req, VHOST_USER_VERSION, 0 } };
	int fds[VHOST_USER_MAX_FDS];
	unsigned int nfds;

	CU_ASSERT_EQUAL(vhost_user_send(fd, &m, NULL, 0), 0);
	CU_ASSERT_EQUAL(vhost_user_recv(fd, &m, fds, &nfds), 0);
	return m.payload.u64;
}

static void test_vhost_user_once(void)
{
	struct vfs_serve_opts o = { .populate = fill, .once = true };
	char sock[128], hostdir[128];
	pid_t pid;
	int fd;

	snprintf(sock, sizeof(sock), "%s/vu.sock", dir);
	snprintf(hostdir, sizeof(hostdir), "%s/tree", dir);
	CU_ASSERT_EQUAL(mkdir(hostdir, 0755), 0);
	o.populate_arg = hostdir;
	/* a stale socket file from an earlier run is replaced */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%.100s", sock);
	CU_ASSERT_EQUAL(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	pid = child(vfs_serve_vhost_user, sock, &o, "listening");
	fd = connect_to(sock);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(ask(fd, VHOST_USER_GET_QUEUE_NUM), 2);
	CU_ASSERT((ask(fd, VHOST_USER_GET_FEATURES) >> 32) & 1);
	close(fd);
	CU_ASSERT_EQUAL(wait_status(pid), 0);
	CU_ASSERT_EQUAL(access(sock, F_OK), -1); /* removed at the end */
}

static void test_vhost_user_signals(void)
{
	struct vfs_serve_opts o = { 0 };
	char sock[128];
	pid_t pid;
	int fd;

	snprintf(sock, sizeof(sock), "%s/vu.sock", dir);
	pid = child(vfs_serve_vhost_user, sock, &o, "listening");
	/* two front ends one after the other, a broken one in between */
	fd = connect_to(sock);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, "garbage-garbage", 15), 15);
	close(fd);
	fd = connect_to(sock);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(ask(fd, VHOST_USER_GET_QUEUE_NUM), 2);
	kill(pid, SIGUSR1); /* no stall: nothing to end */
	kill(pid, SIGTERM);
	CU_ASSERT_EQUAL(wait_status(pid), 0);
	close(fd);
	/* a socket path that cannot be used */
	CU_ASSERT_EQUAL(vfs_serve_vhost_user("/nonexistent-dir/x.sock", &o),
			-ENOENT);
	memset(sock, 'a', sizeof(sock) - 1);
	sock[sizeof(sock) - 1] = '\0';
	CU_ASSERT_EQUAL(vfs_serve_vhost_user(sock, &o), -ENAMETOOLONG);
}

static void test_import_dir(void)
{
	struct memfs_import_stats st;
	struct memfs *fs = memfs_new(NULL);
	char path[256], err[256], buf[16];
	u64 sub, f;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/sub", dir);
	CU_ASSERT_EQUAL(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/sub/f", dir);
	fp = fopen(path, "w");
	fputs("contents", fp);
	fclose(fp);
	chmod(path, 0640);
	snprintf(path, sizeof(path), "%s/link", dir);
	CU_ASSERT_EQUAL(symlink("/etc", path), 0);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	CU_ASSERT_EQUAL(mkfifo(path, 0600), 0);
	CU_ASSERT_EQUAL(memfs_import_dir(fs, dir, &st, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(st.dirs, 1);
	CU_ASSERT_EQUAL(st.files, 1);
	CU_ASSERT_EQUAL(st.bytes, 8);
	CU_ASSERT_EQUAL(st.skipped, 2);
	CU_ASSERT_EQUAL(memfs_lookup(fs, MEMFS_ROOT_ID, "link", &f), -ENOENT);
	CU_ASSERT_EQUAL(memfs_lookup(fs, MEMFS_ROOT_ID, "sub", &sub), 0);
	CU_ASSERT_EQUAL(memfs_lookup(fs, sub, "f", &f), 0);
	CU_ASSERT_EQUAL(memfs_read(fs, f, 0, buf, sizeof(buf)), 8);
	CU_ASSERT_EQUAL(memcmp(buf, "contents", 8), 0);
	/* a second import meets what the first made */
	CU_ASSERT_EQUAL(memfs_import_dir(fs, dir, NULL, err, sizeof(err)),
			-EEXIST);
	CU_ASSERT(strstr(err, "cannot import 'sub'") != NULL);
	CU_ASSERT_EQUAL(memfs_import_dir(fs, "/nonexistent", NULL, err,
					 sizeof(err)),
			-ENOENT);
	memfs_free(fs);
}

static int serve_fuse(const char *mnt, const struct vfs_serve_opts *o)
{
	return vfs_serve_fuse(mnt, o);
}

static bool is_mounted(const char *mnt)
{
	char line[512];
	bool found = false;
	FILE *f = fopen("/proc/self/mounts", "r");

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, mnt))
			found = true;
	if (f)
		fclose(f);
	return found;
}

/* Two processes of this test contend for one POSIX lock on the mount:
 * the second's SETLKW is parked by the server until the first unlocks. */
static void lock_contention(const char *file)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = open(file, O_RDWR), p[2];
	pid_t pid;
	char c;

	CU_ASSERT_FATAL(fd >= 0 && !pipe(p));
	CU_ASSERT_EQUAL(fcntl(fd, F_SETLKW, &fl), 0);
	pid = fork();
	if (pid == 0) {
		int fd2 = open(file, O_RDWR);

		close(p[0]);
		if (write(p[1], "w", 1) != 1 || fcntl(fd2, F_SETLKW, &fl))
			_exit(1);
		_exit(write(p[1], "g", 1) == 1 ? 0 : 1);
	}
	close(p[1]);
	CU_ASSERT_EQUAL(read(p[0], &c, 1), 1); /* the child is about to wait */
	usleep(200000);
	fl.l_type = F_UNLCK;
	CU_ASSERT_EQUAL(fcntl(fd, F_SETLK, &fl), 0);
	CU_ASSERT_EQUAL(read(p[0], &c, 1), 1);
	CU_ASSERT_EQUAL(c, 'g');
	CU_ASSERT_EQUAL(wait_status(pid), 0);
	close(p[0]);
	close(fd);
}

static void test_fuse_mount(void)
{
	/* no park-setlkw here: serving /dev/fuse turns it on by itself
	 * (the host's FUSE waits for a blocking lock in the daemon), which
	 * lock_contention() shows */
	struct vfs_serve_opts o = { .populate = fill };
	char mnt[128], hostdir[128], file[160], buf[8];
	pid_t pid;
	int fd;

	if (geteuid() != 0 || access("/dev/fuse", R_OK | W_OK)) {
		vt_skip("vfsim serve --fuse needs root and /dev/fuse");
		return;
	}
	snprintf(mnt, sizeof(mnt), "%s/mnt", dir);
	snprintf(hostdir, sizeof(hostdir), "%s/tree", dir);
	CU_ASSERT_EQUAL(mkdir(mnt, 0755), 0);
	CU_ASSERT_EQUAL(mkdir(hostdir, 0755), 0);
	o.populate_arg = hostdir;
	pid = child(serve_fuse, mnt, &o, "mounted on");
	CU_ASSERT_FATAL(is_mounted(mnt));
	snprintf(file, sizeof(file), "%s/f", mnt);
	fd = open(file, O_RDWR | O_CREAT, 0644);
	CU_ASSERT_EQUAL(write(fd, "abc", 3), 3);
	CU_ASSERT_EQUAL(pread(fd, buf, 3, 0), 3);
	close(fd);
	CU_ASSERT_EQUAL(memcmp(buf, "abc", 3), 0);
	lock_contention(file);
	kill(pid, SIGTERM);
	CU_ASSERT_EQUAL(wait_status(pid), 0);
	CU_ASSERT_FALSE(is_mounted(mnt));
	/* a mount point that does not exist */
	snprintf(mnt, sizeof(mnt), "%s/none", dir);
	CU_ASSERT_EQUAL(vfs_serve_fuse(mnt, &o), -ENOENT);
}

VT_SUITE_EACH(device_vfs_serve, setup, teardown, VT_CASE(test_vhost_user_once),
	      VT_CASE(test_vhost_user_signals), VT_CASE(test_import_dir),
	      VT_CASE(test_fuse_mount));
