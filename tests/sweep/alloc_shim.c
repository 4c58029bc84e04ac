// SPDX-License-Identifier: GPL-2.0-only
/*
 * alloc_shim.c - the allocation-failure sweep's LD_PRELOAD library
 * (scripts/alloc-sweep.py): it counts every host allocation a process
 * makes and can make exactly one of them fail.
 *
 * Counted: malloc, calloc, realloc, the aligned forms, and anonymous
 * mmap (task stacks, guest RAM); glibc's own allocations (strdup,
 * open_memstream, fopen, stdio buffers) go through malloc and count too.
 * free() is not touched.
 *
 *   VFSIM_SWEEP_FAIL=N    the N-th allocation (from 1) fails: NULL and
 *                         errno ENOMEM (MAP_FAILED for mmap); the others
 *                         go through
 *   VFSIM_SWEEP_COUNT=F   write the number of allocations to file F at
 *                         exit
 *
 * Both variables and LD_PRELOAD are taken out of the environment at
 * start-up, so the tools vfsim runs (dot, mscgen) are not swept.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);
void *__libc_memalign(size_t align, size_t size);

static unsigned long count, fail_at;
static int count_fd = -1;
static bool armed;

__attribute__((constructor(101))) static void shim_init(void)
{
	const char *fail = getenv("VFSIM_SWEEP_FAIL");
	const char *path = getenv("VFSIM_SWEEP_COUNT");

	if (fail)
		fail_at = strtoul(fail, NULL, 10);
	if (path)
		count_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
				0644);
	unsetenv("VFSIM_SWEEP_FAIL");
	unsetenv("VFSIM_SWEEP_COUNT");
	unsetenv("LD_PRELOAD");
	armed = true;
}

__attribute__((destructor)) static void shim_exit(void)
{
	char buf[32];
	int n;

	if (count_fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "%lu\n", count);
	if (write(count_fd, buf, (size_t)n) != n)
		_exit(99);
	close(count_fd);
}

/* Count one allocation; true when it is the one to fail. */
static bool fails(void)
{
	if (!armed)
		return false;
	if (++count != fail_at)
		return false;
	errno = ENOMEM;
	return true;
}

void *malloc(size_t size)
{
	return fails() ? NULL : __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	return fails() ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	return fails() ? NULL : __libc_realloc(p, size);
}

void *reallocarray(void *p, size_t n, size_t size)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, bytes);
}

void *memalign(size_t align, size_t size)
{
	return fails() ? NULL : __libc_memalign(align, size);
}

void *aligned_alloc(size_t align, size_t size)
{
	return memalign(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
	void *p;

	if (fails())
		return ENOMEM;
	p = __libc_memalign(align, size);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if ((flags & MAP_ANONYMOUS) && fails())
		return MAP_FAILED;
	return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}
