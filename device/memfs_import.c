// SPDX-License-Identifier: GPL-2.0-only
/*
 * memfs_import.c - a copy of a host directory as the served file system
 * (vfsim serve --dir): what virtiofsd exports, taken once at start into
 * memory, so the guest reads and writes the copy and the host directory
 * is never modified.
 *
 * The walk opens every entry relative to its parent's descriptor with
 * O_NOFOLLOW, so no symbolic link, however placed, leads it outside the
 * tree; links and special files are skipped (memfs holds directories and
 * regular files) and counted.
 */
#include "device/memfs_import.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define IMPORT_MAX_DEPTH 64

struct import {
	struct memfs *fs;
	struct memfs_import_stats *st;
	char *err;
	size_t errsize;
};

static int fail(struct import *im, int ret, const char *what, const char *name)
{
	if (im->errsize)
		snprintf(im->err, im->errsize, "cannot import '%s': %s: %s",
			 name, what, strerror(-ret));
	return ret;
}

static int copy_file(struct import *im, int fd, u64 ino, const char *name)
{
	char buf[65536];
	u64 off = 0;

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		s64 w;

		if (n < 0)
			return fail(im, -errno, "read", name);
		if (n == 0)
			break;
		w = memfs_write(im->fs, ino, off, buf, (size_t)n);
		if (w < 0)
			return fail(im, (int)w, "write into memory", name);
		off += (u64)n;
	}
	im->st->bytes += off;
	return 0;
}

static int import_dir(struct import *im, int dfd, u64 dir, unsigned int depth);

static int import_entry(struct import *im, int dfd, u64 dir, const char *name,
			unsigned int depth)
{
	struct stat st;
	u64 ino;
	int fd, ret;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ELOOP || errno == ENXIO) { /* link, socket */
			im->st->skipped++;
			return 0;
		}
		return fail(im, -errno, "open", name);
	}
	if (fstat(fd, &st)) {
		ret = fail(im, -errno, "stat", name);
	} else if (S_ISDIR(st.st_mode)) {
		ret = memfs_mkdir(im->fs, dir, name, st.st_mode & 07777, &ino);
		if (ret)
			ret = fail(im, ret, "mkdir", name);
		else if (!(ret = import_dir(im, fd, ino, depth + 1)))
			im->st->dirs++;
		fd = -1; /* import_dir() closed it */
	} else if (S_ISREG(st.st_mode)) {
		ret = memfs_create(im->fs, dir, name, st.st_mode & 07777,
				   O_EXCL, &ino);
		ret = ret ? fail(im, ret, "create", name) :
			    copy_file(im, fd, ino, name);
		im->st->files += !ret;
	} else {
		im->st->skipped++;
		ret = 0;
	}
	if (fd >= 0)
		close(fd);
	return ret;
}

/* Import the entries of @dfd (closed here) into @dir. */
static int import_dir(struct import *im, int dfd, u64 dir, unsigned int depth)
{
	struct dirent *de;
	DIR *d;
	int ret = 0;

	if (depth > IMPORT_MAX_DEPTH) {
		close(dfd);
		return fail(im, -ELOOP, "too deep", "directory");
	}
	d = fdopendir(dfd);
	if (!d) {
		ret = -errno;
		close(dfd);
		return fail(im, ret, "read directory", "directory");
	}
	while (!ret && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		ret = import_entry(im, dirfd(d), dir, de->d_name, depth);
	}
	closedir(d);
	return ret;
}

int memfs_import_dir(struct memfs *fs, const char *hostdir,
		     struct memfs_import_stats *st, char *err, size_t errsize)
{
	struct memfs_import_stats dummy;
	struct import im = { fs, st ? st : &dummy, err, errsize };
	int fd;

	memset(im.st, 0, sizeof(*im.st));
	fd = open(hostdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail(&im, -errno, "open", hostdir);
	return import_dir(&im, fd, MEMFS_ROOT_ID, 0);
}
