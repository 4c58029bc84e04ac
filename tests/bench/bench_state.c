// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_state.c - size of a migrated FUSE session and the time to save
 * and load it: 1,000 looked-up inodes, 100 open handles, 50 POSIX locks.
 *
 * The session is built through the back end's own calls (a lookup count
 * per inode as LOOKUP would leave, opens, locks), after a real INIT. Wall
 * clock time is fine here: benchmarks print numbers, never pass or fail.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "device/fuse_state.h"
#include "device/locks.h"
#include "device/memfs.h"
#include "sim/vmm/migration_stream.h"

#define INODES	1000
#define HANDLES 100
#define LOCKS	50
#define ROUNDS	200

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Page faults so far: first-touch memory is what a load pays most for on
 * a virtual machine whose faults cost microseconds. */
static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "bench_state: %s: %d\n", what, err);
	exit(1);
}

static void init_session(struct fuse_server *srv)
{
	struct {
		struct fuse_in_header h;
		struct fuse_init_in in;
	} req;
	static u8 reply[4096];
	size_t len;

	memset(&req, 0, sizeof(req));
	req.h.len = sizeof(req);
	req.h.opcode = FUSE_INIT;
	req.h.unique = 1;
	req.in.major = 7;
	req.in.minor = 38;
	req.in.max_readahead = 65536;
	req.in.flags = FUSE_POSIX_LOCKS | FUSE_ASYNC_READ;

	if (fuse_server_handle(srv, &req, sizeof(req), reply, sizeof(reply),
			       &len, NULL) != FUSE_SERVER_REPLY ||
	    !fuse_server_initialized(srv))
		die("INIT", -1);
}

/* 1,000 inodes: 20 directories of 49 files, plus the directories. */
static void build(struct fuse_server *srv, u64 *files)
{
	struct memfs *fs = fuse_server_fs(srv);
	struct lock_table *lt = fuse_server_locks(srv);
	size_t nf = 0;
	char name[32];
	u64 dir, ino, fh;

	for (int d = 0; nf + d < INODES - 1; d++) {
		snprintf(name, sizeof(name), "dir%02d", d);
		if (memfs_mkdir(fs, 1, name, 0755, &dir) || memfs_ref(fs, dir))
			die("mkdir", 0);
		for (int f = 0; f < 49 && nf + d + 1 < INODES - 1; f++) {
			snprintf(name, sizeof(name), "file-%03d.dat", f);
			if (memfs_create(fs, dir, name, 0644, 0, &ino) ||
			    memfs_ref(fs, ino) ||
			    memfs_write(fs, ino, 0, name, strlen(name)) < 0)
				die("create", 0);
			files[nf++] = ino;
		}
	}
	for (int i = 0; i < HANDLES; i++)
		if (memfs_open(fs, files[i * 7], O_RDWR, &fh))
			die("open", 0);
	for (int i = 0; i < LOCKS; i++) {
		struct posix_lock lk = { files[i * 7],
					 1000 + i,
					 100 + i,
					 i % 2 ? F_RDLCK : F_WRLCK,
					 0,
					 LOCKS_OFFSET_MAX };

		if (locks_setlk(lt, &lk))
			die("lock", 0);
	}
}

int main(void)
{
	static u64 files[INODES];
	struct fuse_server *src = fuse_server_new(NULL);
	struct fuse_state_info info;
	struct memfs_stats st;
	struct mig_stream s;
	double t0, t_save, t_load, t_verify;
	long faults = 0, f0;
	size_t len = 0;
	void *buf = NULL;
	int err;

	if (!src)
		die("server", 0);
	init_session(src);
	build(src, files);
	memfs_get_stats(fuse_server_fs(src), &st);
	err = fuse_state_save(src, &buf, &len);
	if (err)
		die("save", err);
	err = fuse_state_verify(buf, len, &info);
	if (err)
		die("verify", err);
	free(buf);

	t0 = now_s();
	for (int r = 0; r < ROUNDS; r++) {
		err = fuse_state_save(src, &buf, &len);
		if (err)
			die("save", err);
		if (r + 1 < ROUNDS)
			free(buf);
	}
	t_save = (now_s() - t0) / ROUNDS;
	t0 = now_s();
	for (int r = 0; r < ROUNDS; r++)
		if (fuse_state_verify(buf, len, NULL))
			die("verify", 0);
	t_verify = (now_s() - t0) / ROUNDS;
	t_load = 0;
	for (int r = 0; r < ROUNDS / 10; r++) {
		struct fuse_server *dst = fuse_server_new(NULL);

		if (!dst || fuse_state_copy_tree(dst, src))
			die("copy tree", 0);
		f0 = minflt();
		t0 = now_s();
		err = fuse_state_load(dst, buf, len, FUSE_STATE_ABORT, NULL);
		t_load += now_s() - t0;
		faults += minflt() - f0;
		if (err)
			die("load", err);
		fuse_server_free(dst);
	}
	t_load /= ROUNDS / 10;
	/* the framed stream adds 4 bytes per chunk and a terminator */
	mig_stream_init(&s);
	printf("session: %llu inodes in the tree, %llu migrated (%llu "
	       "looked up + root), %llu open handles, %llu locks\n",
	       (unsigned long long)st.inodes, (unsigned long long)info.inodes,
	       (unsigned long long)info.inodes - 1,
	       (unsigned long long)info.handles,
	       (unsigned long long)info.locks);
	printf("state size (format v%u): %zu bytes (%.1f KiB); migration "
	       "stream with 1 MiB chunks: %zu bytes\n",
	       info.version, len, len / 1024.0,
	       len + 4 * ((len + MIG_STREAM_CHUNK_MAX - 1) /
				  MIG_STREAM_CHUNK_MAX +
			  1));
	printf("save %.1f us, verify %.1f us, load %.1f us (find %d paths, "
	       "rebuild, check; %.0f page faults), save + load %.1f us\n",
	       t_save * 1e6, t_verify * 1e6, t_load * 1e6, INODES,
	       (double)faults / (ROUNDS / 10), (t_save + t_load) * 1e6);
	printf("FIGURE state_ms %.3f ms\n", (t_save + t_load) * 1e3);
	printf("FIGURE state_kib %.1f KiB\n", len / 1024.0);
	free(buf);
	fuse_server_free(src);
	return 0;
}
