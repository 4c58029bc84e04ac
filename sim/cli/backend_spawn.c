// SPDX-License-Identifier: GPL-2.0-only
/*
 * backend_spawn.c - start a back end process for a run and stop it after:
 * `vfsim serve` with the scenario's fs block, or QEMU's virtiofsd over a
 * source directory made from it. Each gets a directory of its own (socket,
 * source, log), removed afterwards.
 */
#define _GNU_SOURCE /* O_CLOEXEC etc. with gnu11 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim/cli/backend.h"
#include "sim/cli/machine.h"

/* Where QEMU 7.2's C virtiofsd is on Debian (qemu-system-common). */
#define VIRTIOFSD_PATH "/usr/lib/qemu/virtiofsd"

/* How long a daemon may take to listen, and to leave once told. */
#define LISTEN_MS 5000
#define LEAVE_MS  2000

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A file of the fs block on the host: its bytes, or the size= pattern. */
static int host_file(const char *path, const struct scn_fs_entry *e)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	char chunk[4096];
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (e->data)
		ret = write_all(fd, e->data, e->size);
	for (u64 off = 0; !e->data && !ret && off < e->size;) {
		size_t n = e->size - off < sizeof(chunk) ? e->size - off :
							   sizeof(chunk);

		vfsim_pattern(chunk, n, off);
		ret = write_all(fd, chunk, n);
		off += n;
	}
	close(fd);
	return ret;
}

/* virtiofsd's source directory: the fs block, as files on the host. */
static int make_source(const char *root, const struct scenario *s, char *err,
		       size_t errsize)
{
	char path[4200];

	if (mkdir(root, 0755))
		return -errno;
	for (size_t i = 0; i < s->nr_fs; i++) {
		const struct scn_fs_entry *e = &s->fs[i];
		int ret;

		snprintf(path, sizeof(path), "%s%s", root, e->path);
		if (e->kind == SCN_FS_DIR)
			ret = mkdir(path, 0755) ? -errno : 0;
		else
			ret = host_file(path, e);
		if (ret) {
			snprintf(err, errsize,
				 "%s:%u:%u: cannot create '%s' "
				 "in virtiofsd's source: %s",
				 e->pos.file, e->pos.line, e->pos.col, e->path,
				 strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/* The fs block again, as `vfsim serve --fs` reads it (bytes as \xHH),
 * and the device's fault lines. */
static int write_fs_file(const char *path, const struct scenario *s)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return -errno;
	fputs("# the fs block of the scenario this back end serves\nfs\n", f);
	for (size_t i = 0; i < s->nr_fs; i++) {
		const struct scn_fs_entry *e = &s->fs[i];

		if (e->kind == SCN_FS_DIR) {
			fprintf(f, "  dir %s\n", e->path);
			continue;
		}
		if (!e->data) {
			fprintf(f, "  file %s size=%llu\n", e->path,
				(unsigned long long)e->size);
			continue;
		}
		fprintf(f, "  file %s \"", e->path);
		for (u64 j = 0; j < e->size; j++)
			fprintf(f, "\\x%02x", (unsigned char)e->data[j]);
		fputs("\"\n", f);
	}
	fputs("end\n", f);
	/* The device's fault points act in the daemon. */
	for (size_t i = 0; i < s->nr_faults; i++)
		if (!strncmp(s->faults[i].rule, "dev.", 4))
			fprintf(f, "fault %s\n", s->faults[i].rule);
	return fclose(f) ? -errno : 0;
}

static const char *vfsim_program(void)
{
	const char *p = getenv("VFSIM");

	return p && p[0] ? p : "/proc/self/exe";
}

static const char *virtiofsd_program(void)
{
	const char *p = getenv("VFSIM_VIRTIOFSD");

	return p && p[0] ? p : VIRTIOFSD_PATH;
}

static int start(struct vfsim_backend_proc *p, char *const argv[])
{
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int log = open(p->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int null = open("/dev/null", O_RDWR);

		if (log >= 0) {
			dup2(log, 1);
			dup2(log, 2);
		}
		if (null >= 0)
			dup2(null, 0);
		execv(argv[0], argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	p->pid = pid;
	return 0;
}

static bool reap(struct vfsim_backend_proc *p, int flags)
{
	if (!p->pid || p->exited)
		return p->exited;
	if (waitpid(p->pid, &p->status, flags) == p->pid)
		p->exited = true;
	return p->exited;
}

const char *vfsim_backend_log_tail(const struct vfsim_backend_proc *p,
				   char *buf, size_t size)
{
	char line[512];
	FILE *f = p->log[0] ? fopen(p->log, "re") : NULL;

	buf[0] = '\0';
	if (!f)
		return buf;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0])
			snprintf(buf, size, "%s", line);
	}
	fclose(f);
	return buf;
}

static int wait_listening(struct vfsim_backend_proc *p, const char *what,
			  char *err, size_t errsize)
{
	struct stat st;
	char tail[300];

	for (unsigned int ms = 0; ms < LISTEN_MS; ms += 10) {
		if (!stat(p->sock, &st) && S_ISSOCK(st.st_mode))
			return 0;
		if (reap(p, WNOHANG))
			break;
		sleep_ms(10);
	}
	vfsim_backend_log_tail(p, tail, sizeof(tail));
	if (p->exited)
		snprintf(err, errsize,
			 "%s exited (status %d) before it "
			 "listened%s%s",
			 what,
			 WIFEXITED(p->status) ? WEXITSTATUS(p->status) : -1,
			 tail[0] ? ": " : "", tail);
	else
		snprintf(err, errsize, "%s did not listen on %s within %u ms",
			 what, p->sock, LISTEN_MS);
	return -ETIMEDOUT;
}

int vfsim_backend_spawn(struct vfsim_backend_proc *p,
			const struct vfsim_backend_spec *spec,
			const struct scenario *s, char *err, size_t errsize)
{
	const char *tmp = getenv("TMPDIR");
	char src[160], fsfile[160], sockarg[160], srcarg[180];
	bool vd = spec->kind == VFSIM_BACKEND_SPAWN_VIRTIOFSD;
	const char *prog = vd ? virtiofsd_program() : vfsim_program();
	int ret;

	memset(p, 0, sizeof(*p));
	if (access(prog, X_OK)) {
		ret = -errno;
		snprintf(err, errsize, "%s: cannot run %s: %s%s",
			 vfsim_backend_name(spec), prog, strerror(-ret),
			 vd ? " (Debian: apt-get install qemu-system-common)" :
			      "");
		return ret;
	}
	snprintf(p->dir, sizeof(p->dir), "%s/vfsim-backend-XXXXXX",
		 tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(p->dir)) {
		ret = -errno;
		snprintf(err, errsize,
			 "cannot make a directory for the back "
			 "end: %s",
			 strerror(-ret));
		p->dir[0] = '\0';
		return ret;
	}
	snprintf(p->sock, sizeof(p->sock), "%s/vfs.sock", p->dir);
	snprintf(p->log, sizeof(p->log), "%s/%s.log", p->dir,
		 vd ? "virtiofsd" : "vfsim-serve");
	if (vd) {
		snprintf(src, sizeof(src), "%s/source", p->dir);
		ret = make_source(src, s, err, errsize);
		if (ret)
			return ret;
		snprintf(sockarg, sizeof(sockarg), "--socket-path=%s", p->sock);
		snprintf(srcarg, sizeof(srcarg), "source=%s", src);
		/* One connection, then it exits; the chroot sandbox needs
		 * no namespaces. POSIX locks are passed to the host so
		 * that GETLK/SETLK work. */
		ret = start(p, (char *const[]){ (char *)prog, sockarg, "-o",
						srcarg, "-o", "cache=none",
						"-o", "sandbox=chroot", "-o",
						"posix_lock", "-o",
						"log_level=warn", NULL });
	} else {
		snprintf(fsfile, sizeof(fsfile), "%s/fs.vfs", p->dir);
		ret = write_fs_file(fsfile, s);
		if (ret) {
			snprintf(err, errsize, "cannot write %s: %s", fsfile,
				 strerror(-ret));
			return ret;
		}
		ret = start(p,
			    (char *const[]){ (char *)prog, "serve", "--socket",
					     p->sock, "--fs", fsfile, "--once",
					     "--trace", "none", NULL });
	}
	if (ret) {
		snprintf(err, errsize, "cannot start %s: %s", prog,
			 strerror(-ret));
		return ret;
	}
	return wait_listening(p, vd ? "virtiofsd" : "vfsim serve", err,
			      errsize);
}

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void vfsim_backend_reap(struct vfsim_backend_proc *p)
{
	if (p->pid) {
		for (unsigned int ms = 0; ms < LEAVE_MS && !reap(p, WNOHANG);
		     ms += 10)
			sleep_ms(10);
		if (!p->exited) {
			p->killed = true;
			kill(p->pid, SIGTERM);
			for (unsigned int ms = 0;
			     ms < LEAVE_MS && !reap(p, WNOHANG); ms += 10)
				sleep_ms(10);
		}
		if (!p->exited) {
			kill(p->pid, SIGKILL);
			reap(p, 0);
		}
		p->pid = 0;
	}
	if (p->dir[0] && !getenv("VFSIM_KEEP_BACKEND"))
		nftw(p->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	p->dir[0] = '\0';
}
