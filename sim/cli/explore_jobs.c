// SPDX-License-Identifier: GPL-2.0-only
/*
 * explore_jobs.c - an exploration in several processes: each forked job
 * explores its own part (explore_part()), a flag in shared memory stops
 * them all at the first failure, and each sends back over a pipe what it
 * did (runs, trace hashes, the failing decisions), merged here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/cli/explore_internal.h"
#include "sim/trace/host.h"

/* What a job sends first; its trace hashes, outcome hashes, decisions
 * and failure line follow. */
struct job_head {
	int status;
	int exhausted;
	u64 runs, pruned, found_run, seed;
	u64 nr_hashes, nr_outcomes, nr_found, failure_len;
};

/* All of @len bytes through @fd, written (@out) or read; -1 on an error
 * or an end of file before the last byte. */
static int xfer(int fd, void *buf, size_t len, bool out)
{
	char *p = buf;

	while (len) {
		ssize_t n = out ? write(fd, p, len) : read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int put(int fd, const void *buf, size_t len)
{
	return xfer(fd, (void *)buf, len, true);
}

static int get(int fd, void *buf, size_t len)
{
	return xfer(fd, buf, len, false);
}

static int put_hashes(int fd, const struct xhashes *set)
{
	u64 *hashes = host_calloc(set->nr + 1, sizeof(u64));
	size_t n = 0;
	int ret;

	for (size_t i = 0; i < set->cap; i++)
		if (set->slot[i])
			hashes[n++] = set->slot[i];
	ret = put(fd, hashes, n * sizeof(u64));
	host_free(hashes);
	return ret;
}

static int get_hashes(int fd, u64 nr, struct xhashes *set)
{
	u64 hash;

	for (u64 i = 0; i < nr; i++) {
		if (get(fd, &hash, sizeof(hash)))
			return -1;
		xhashes_add(set, hash);
	}
	return 0;
}

static void job_send(int fd, const struct xpart *p)
{
	struct job_head h = { .status = p->status,
			      .exhausted = p->exhausted,
			      .runs = p->runs,
			      .pruned = p->pruned,
			      .found_run = p->found_run,
			      .seed = p->seed,
			      .nr_hashes = p->seen.nr,
			      .nr_outcomes = p->outcomes.nr,
			      .nr_found = p->found.nr,
			      .failure_len = p->failure ? strlen(p->failure) :
							  0 };

	if (put(fd, &h, sizeof(h)) || put_hashes(fd, &p->seen) ||
	    put_hashes(fd, &p->outcomes) ||
	    put(fd, p->found.v, p->found.nr * sizeof(*p->found.v)) ||
	    put(fd, p->failure ? p->failure : "", h.failure_len))
		_exit(3);
}

/* Read job output into @p (merging runs and hashes); -1 when the job
 * died without a full report. */
static int job_receive(int fd, struct xpart *p, struct xpart *mine)
{
	struct job_head h;

	if (get(fd, &h, sizeof(h)))
		return -1;
	p->runs += h.runs;
	p->pruned += h.pruned;
	if (get_hashes(fd, h.nr_hashes, &p->seen) ||
	    get_hashes(fd, h.nr_outcomes, &p->outcomes))
		return -1;
	memset(mine, 0, sizeof(*mine));
	mine->status = h.status;
	mine->exhausted = h.exhausted;
	mine->found_run = h.found_run;
	mine->seed = h.seed;
	for (u64 i = 0; i < h.nr_found; i++) {
		struct xchoice ch;

		if (get(fd, &ch, sizeof(ch)))
			return -1;
		xlist_push(&mine->found, ch.c, ch.n);
	}
	mine->failure = host_calloc(1, h.failure_len + 1);
	return get(fd, mine->failure, h.failure_len);
}

int explore_jobs(struct explorer *X, unsigned jobs, struct xpart *p)
{
	volatile int *stop = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t *pid = host_calloc(jobs, sizeof(*pid));
	int *fd = host_calloc(jobs, sizeof(*fd));
	bool all_exhausted = true;

	memset(p, 0, sizeof(*p));
	if (stop == MAP_FAILED) {
		p->status = 2;
		p->failure = host_strdup("explore: no shared memory for jobs");
		goto out;
	}
	*stop = 0;
	fflush(NULL);
	for (unsigned j = 0; j < jobs; j++) {
		int pfd[2];

		fd[j] = -1;
		if (pipe(pfd))
			break;
		pid[j] = fork();
		if (pid[j] == 0) {
			struct xpart mine;

			close(pfd[0]);
			explore_part(X, j, jobs, stop, &mine);
			job_send(pfd[1], &mine);
			/* for a leak checker, which looks at a child too */
			xpart_free(&mine);
			explore_free(X);
			_exit(0);
		}
		close(pfd[1]);
		if (pid[j] < 0) {
			close(pfd[0]);
			break;
		}
		fd[j] = pfd[0];
	}
	for (unsigned j = 0; j < jobs; j++) {
		struct xpart mine = { 0 };

		if (fd[j] < 0) {
			p->status = 2;
			host_free(p->failure);
			p->failure = host_strdup("explore: cannot start a job");
			*stop = 1;
			continue;
		}
		if (job_receive(fd[j], p, &mine)) {
			p->status = 2;
			host_free(p->failure);
			p->failure = host_strdup("explore: a job died");
			*stop = 1;
		} else if (mine.status &&
			   (p->status != 1 || mine.found_run < p->found_run)) {
			/* the failure of the earliest run wins */
			if (p->status != 2) {
				p->status = mine.status;
				p->found_run = mine.found_run;
				p->seed = mine.seed;
				xlist_copy(&p->found, &mine.found);
				host_free(p->failure);
				p->failure = host_strdup(mine.failure);
			}
		}
		all_exhausted &= mine.exhausted;
		xpart_free(&mine);
		close(fd[j]);
		if (pid[j] > 0)
			waitpid(pid[j], NULL, 0);
	}
	p->exhausted = p->status == 0 && all_exhausted;
	munmap((void *)stop, sizeof(int));
out:
	host_free(pid);
	host_free(fd);
	return p->status;
}
