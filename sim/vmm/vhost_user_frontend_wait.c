// SPDX-License-Identifier: GPL-2.0-only
/*
 * vhost_user_frontend_wait.c - the scheduler's outside hook for the
 * front ends of real vhost-user back ends (vfsim's own: QEMU's main loop
 * polls its eventfds, here the scheduler asks when no task can run).
 *
 * Completions come back in real time on the call eventfds: whenever no
 * task can run and buffers are with a back end, the hook polls every
 * connected front end's call eventfds, socket and state pipe, and turns
 * what it reads into interrupts of the guest's device; a back end that
 * signals nothing for too long is given up, never waited for forever.
 */
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "sim/kernel/sched.h"
#include "sim/trace/trace.h"
#include "sim/virtio/virtio_ring.h"
#include "sim/vmm/vhost_user_frontend_internal.h"

/* Every front end connected, for the outside hook (one machine). */
static struct vhost_user_frontend *live[4];

void vhost_user_frontend_set_live(struct vhost_user_frontend *fe, bool on)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(live); i++) {
		if (on && !live[i]) {
			live[i] = fe;
			return;
		}
		if (!on && live[i] == fe)
			live[i] = NULL;
	}
}

/* Buffers the driver made available and has not got back. */
static bool holds_buffers(const struct vhost_user_frontend *fe)
{
	struct virtio_device *vdev = fe->vdev;

	if (!vdev || vdev->backend_dev != fe || !vdev->vqs)
		return false;
	for (unsigned int i = 0; i < vdev->nvqs && i < fe->nr_rings; i++) {
		struct virtqueue_info info;

		/* A held kick never reached the back end: nothing to wait
		 * for until it goes out. */
		if (!vdev->vqs[i] || !fe->rings[i].started ||
		    fe->rings[i].kick_held)
			continue;
		virtqueue_get_info(vdev->vqs[i], &info);
		if (info.in_flight)
			return true;
	}
	return false;
}

/* What one front end waits on; true when the machine waits for it. */
static bool watch(struct vhost_user_frontend *fe, struct pollfd *pfd,
		  unsigned int *n, int *owner, int me)
{
	bool waits = false;

	if (fe->gone || fe->sock < 0)
		return false;
	owner[*n] = me;
	pfd[(*n)++] = (struct pollfd){ fe->sock, POLLIN, 0 };
	if (fe->xfer_task && fe->xfer_waiting && fe->xfer_fd >= 0) {
		owner[*n] = me;
		pfd[(*n)++] = (struct pollfd){
			fe->xfer_fd, vhost_user_frontend_xfer_events(fe), 0
		};
		waits = true;
	}
	for (unsigned int i = 0; i < fe->nr_rings; i++) {
		if (fe->rings[i].call < 0)
			continue;
		owner[*n] = me | (int)(i + 1) << 8;
		pfd[(*n)++] = (struct pollfd){ fe->rings[i].call, POLLIN, 0 };
	}
	if (!fe->dead && !fe->paused && !fe->silent && holds_buffers(fe))
		waits = true;
	return waits;
}

static void handle(struct vhost_user_frontend *fe, const struct pollfd *p,
		   int ring)
{
	u64 v;

	if (ring) {
		if (read(p->fd, &v, sizeof(v)) == sizeof(v)) {
			fe->rings[ring - 1].calls++;
			vhost_user_frontend_deliver(fe, (unsigned int)ring - 1);
		}
	} else if (p->fd == fe->sock) {
		/* The back end speaks only when asked: anything here is its
		 * end (a closed socket, a crash). */
		vhost_user_frontend_fail(fe, -ECONNRESET,
					 "the back end closed the connection");
	} else if (fe->xfer_task) {
		fe->xfer_waiting = false;
		sched_wake(fe->xfer_task);
	}
}

bool vhost_user_frontend_wait(void *arg, u64 until)
{
	struct pollfd
		pfd[ARRAY_SIZE(live) * (2 + VHOST_USER_FRONTEND_MAX_QUEUES)];
	int owner[ARRAY_SIZE(pfd)];
	unsigned int n = 0;
	bool waits = false;
	u64 start, limit = UINT64_MAX;

	(void)arg;
	/* A timer already due goes first. */
	sched_clock_sync();
	if (sched_next_time() <= sched_now())
		return true;
	for (unsigned int i = 0; i < ARRAY_SIZE(live); i++) {
		if (!live[i])
			continue;
		waits |= watch(live[i], pfd, &n, owner, (int)i);
		if (live[i]->silence_ns < limit)
			limit = live[i]->silence_ns;
	}
	if (!waits)
		return false;
	start = sched_wall_ns();
	for (;;) {
		u64 elapsed = sched_wall_ns() - start, left;
		int ret;

		if (until == UINT64_MAX && elapsed >= limit) {
			for (unsigned int i = 0; i < ARRAY_SIZE(live); i++)
				if (live[i])
					live[i]->silent = true;
			TRACE(.kind = "vu.silent",
			      .func = "vhost_user_frontend_wait",
			      .detail = trace_fmt(
				      "buffers with the back end, "
				      "no answer for %llu ms: "
				      "given up",
				      (unsigned long long)(elapsed / 1000000)));
			return false;
		}
		if (until == UINT64_MAX)
			left = limit - elapsed;
		else if (sched_now() + elapsed >= until)
			return true; /* the timer is due */
		else
			left = until - sched_now() - elapsed;
		ret = poll(pfd, n, (int)((left + 999999) / 1000000));
		if (ret > 0)
			break;
		if (ret < 0 && errno != EINTR)
			return true;
	}
	for (unsigned int i = 0; i < n; i++) {
		struct vhost_user_frontend *fe = live[owner[i] & 0xff];

		if (!pfd[i].revents || !fe)
			continue;
		fe->silent = false;
		handle(fe, &pfd[i], owner[i] >> 8);
	}
	return true;
}
