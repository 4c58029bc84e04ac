// SPDX-License-Identifier: GPL-2.0-only
/*
 * tour_parts.c - what the tour says: for each part, its narration, the
 * trace patterns that show each step (beats), the kernel functions it
 * names, and the result line, computed from the runs.
 *
 * Beats must come in the order of their first matching line in the trace
 * (tour_internal.h); a beat whose lines are missing fails its part, so a
 * change in the model that makes the story wrong cannot go unnoticed.
 */
#include <stdio.h>
#include <string.h>

#include "sim/cli/tour_internal.h"

/* A pattern; one side of a beat (SHOW lines at most) or a note; a beat. */
#define P(k, s)                         \
	{                               \
		.kind = (k), .sub = (s) \
	}
#define SIDE(show_, ...)                                \
	{                                               \
		.any = { __VA_ARGS__ }, .show = (show_) \
	}
#define NOTE(text)             \
	{                      \
		.note = (text) \
	}
#define BEAT(say_, ...)                              \
	{                                            \
		.say = say_, .side = { __VA_ARGS__ } \
	}

/* ---- shared helpers for result lines ----------------------------- */

/* What an operation returned: the text after the last ": " of its
 * scn.op line ("getattr op 3 /f: -ENOTCONN" -> "-ENOTCONN"). */
static const char *op_result(const struct tour_line *l)
{
	const char *p;

	if (!l || !(p = strrchr(l->rest, ':')))
		return NULL;
	return p[1] == ' ' ? p + 2 : NULL;
}

/* ---- part 1: FORGETs on a full hiprio queue ----------------------- */

static const struct tour_beat hiprio_beats[] = {
	BEAT("At 0.5 ms the device stops taking requests (it is paused), so "
	     "nothing put on a ring comes back for now.",
	     SIDE(1, P("dev.pause", NULL))),
	BEAT("At 1 ms task t drops seven inodes it had looked up: the guest owes "
	     "the server a FORGET for each. The v5 driver sends them from "
	     "virtio_fs_wake_forget_and_unlock(), which puts each on the hiprio "
	     "ring with virtqueue_add_sgs() and kicks the device. Four fit: the "
	     "ring has four entries.",
	     SIDE(2, P("virtio_fs.forget", NULL))),
	BEAT("The fifth finds no free entry: virtqueue_add_sgs() fails with "
	     "-ENOSPC.",
	     SIDE(1, P("vq.full", NULL))),
	BEAT("So the driver parks it on the queue's queued_reqs list and arms "
	     "virtio_fs_hiprio_dispatch_work to run 1 ms later "
	     "(schedule_delayed_work, 1 jiffy). The sixth and seventh are parked "
	     "behind it; the work is armed already.",
	     SIDE(4, P("virtio_fs.forget_park", NULL),
		  P("work.queue", "virtio_fs_hiprio_dispatch_work"))),
	BEAT("At 2 ms the timer fires. The dispatch work takes the first parked "
	     "FORGET, finds the ring still full (the device is still paused), "
	     "puts it back at the tail of queued_reqs and arms itself again for "
	     "1 ms later.",
	     SIDE(4, P("timer.fire", "virtio_fs_hiprio_dispatch_work"),
		  P("work.run", "virtio_fs_hiprio_dispatch_work"),
		  P("vq.full", NULL),
		  P("work.queue", "virtio_fs_hiprio_dispatch_work"))),
	BEAT("At 2.5 ms the device resumes and takes the four FORGETs off the "
	     "ring. Look at out=64: v5 sent the whole struct virtio_fs_forget, "
	     "its list_head included, where a FORGET is 48 bytes. The daemons "
	     "of 2019 read the 8-byte argument and ignored the rest, as this "
	     "device does (\"16 trailing bytes ignored\"): the lookups are paid "
	     "back. The harm was elsewhere: \"This passes to host a structure "
	     "including struct list_head list\", said the 2019 review of v4 by "
	     "Michael S. Tsirkin: guest kernel memory the host should never "
	     "see. vfsim's checker reports those bytes (dev.infoleak): "
	     "kmalloc() handed the FORGET out unwritten, so they are whatever "
	     "the slab held there before, on a real kernel as likely as not a "
	     "pointer. Mainline sends only the 48 bytes (1efcf39eb627).",
	     SIDE(4, P("dev.unpause", NULL), P("dev.pop", "op=FORGET"),
		  P("fuse.reply", "trailing bytes ignored"),
		  P("bug", "dev.infoleak"))),
	BEAT("virtio_fs_hiprio_done_work frees the FORGETs the device is done "
	     "with. In v5 it leaves the parked ones alone (mainline restarts "
	     "them from here): they wait for the timer.",
	     SIDE(1, P("virtio_fs.forget_done", NULL))),
	BEAT("At 3 ms the dispatch work runs again and sends the three parked "
	     "FORGETs: the ring has room now. None was dropped. Their list_head "
	     "went through list_del(), which poisons it with constants: those "
	     "three give nothing away.",
	     SIDE(4, P("timer.fire", "virtio_fs_hiprio_dispatch_work"),
		  P("virtio_fs.forget", "virtio_fs_hiprio_dispatch_work"))),
};

static const struct tour_section hiprio_sections[] = {
	{ .scn = { "tour-1-hiprio.vfs" },
	  .beats = hiprio_beats,
	  .nr_beats = sizeof(hiprio_beats) / sizeof(hiprio_beats[0]) },
};

static const struct tour_kfunc hiprio_kfuncs[] = {
	{ "fs/fuse/virtio_fs.c", "virtio_fs_wake_forget_and_unlock" },
	{ "fs/fuse/virtio_fs.c", "virtio_fs_hiprio_dispatch_work" },
	{ "fs/fuse/virtio_fs.c", "virtio_fs_vq_done" },
	{ "fs/fuse/virtio_fs.c", "virtio_fs_hiprio_done_work" },
	{ "drivers/virtio/virtio_ring.c", "virtqueue_add_sgs" },
	{ "drivers/virtio/virtio_ring.c", "virtqueue_get_buf" },
	{ NULL, NULL },
};

/* "2.000 ms (ring full, re-armed), 3.000 ms (sent 3)": what each run of
 * the dispatch work did, up to the next one. */
static void dispatch_runs(const struct tour_run *r, char *buf, size_t size)
{
	const char *work = "virtio_fs_hiprio_dispatch_work";
	size_t i = tour_find(r, 0, "work.run", work), len = 0;
	char ms[32];

	buf[0] = '\0';
	while (i < r->nr && len < size) {
		size_t next = tour_find(r, i + 1, "work.run", work);
		size_t sent =
			tour_count_in(r, i, next, "virtio_fs.forget", work);
		size_t full = tour_count_in(r, i, next, "vq.full", NULL);

		len += (size_t)snprintf(
			buf + len, size - len, "%s%s (%s%.0zu%s)",
			len ? ", " : "",
			tour_ms(r->lines[i].time_ns, ms, sizeof(ms)),
			sent ? "sent " : "", sent,
			full ? (sent ? ", then full" : "ring full, re-armed") :
			       "");
		i = next;
	}
}

static bool hiprio_result(const struct tour_run *runs, size_t nr, char *buf,
			  size_t size)
{
	const struct tour_run *r = &runs[0];
	char work[256];

	if (nr != 1 ||
	    !tour_first(r, "work.run", "virtio_fs_hiprio_dispatch_work"))
		return false;
	dispatch_runs(r, work, sizeof(work));
	snprintf(buf, size,
		 "%zu of %zu FORGETs parked on hiprio.queued_reqs; "
		 "virtio_fs_hiprio_dispatch_work ran at %s; "
		 "%zu dropped, %zu of %zu reached the device",
		 tour_count(r, "virtio_fs.forget_park", NULL),
		 tour_count(r, "scn.op", "forget op"), work,
		 tour_count(r, "virtio_fs.forget_drop", NULL),
		 tour_count(r, "dev.pop", "op=FORGET"),
		 tour_count(r, "scn.op", "forget op"));
	return true;
}

/* ---- part 2: a full request queue, both variants ------------------ */

static const struct tour_beat fullq_beats[] = {
	BEAT("At 0.5 ms the device is paused in both runs.",
	     SIDE(1, P("dev.pause", NULL)), SIDE(1, P("dev.pause", NULL))),
	BEAT("At 1 ms four tasks send a GETATTR each. Two fit: a GETATTR takes "
	     "4 of the ring's 8 descriptors (descs=4: two the device reads, two "
	     "it writes). The device is paused, so they stay there.",
	     SIDE(2, P("vq.add", "q=requests.0")),
	     SIDE(2, P("vq.add", "q=requests.0"))),
	BEAT("The third finds no room: virtqueue_add_sgs() fails with -ENOSPC.",
	     SIDE(1, P("vq.full", NULL)), SIDE(1, P("vq.full", NULL))),
	BEAT("Here the drivers part ways. v5-2019 (left): "
	     "virtio_fs_wake_pending_and_unlock() sleeps 20-30 us "
	     "(usleep_range) in the task that submits and tries again, and "
	     "again, until a completion frees room. Mainline (right): "
	     "virtio_fs_send_req() parks the request on the queue's queued_reqs "
	     "(still counted in in_flight) and returns; the task waits for its "
	     "reply as for any other.",
	     SIDE(2, P("timer.fire", "usleep_range"), P("vq.full", NULL)),
	     SIDE(2, P("virtio_fs.park", NULL))),
	BEAT("At 2 ms the device resumes and answers the two GETATTRs on the "
	     "ring; their tasks return.",
	     SIDE(6, P("dev.unpause", NULL), P("fuse.end", "op=GETATTR"),
		  P("scn.op", "getattr op")),
	     SIDE(6, P("dev.unpause", NULL), P("fuse.end", "op=GETATTR"),
		  P("scn.op", "getattr op"))),
	BEAT("Now the two that waited go out. v5-2019: each sleeper wakes at the "
	     "end of its sleep, retries from its own task, and this time there "
	     "is room. Mainline: virtio_fs_requests_done_work saw parked "
	     "requests and scheduled virtio_fs_request_dispatch_work, which "
	     "sends both at once.",
	     SIDE(2, P("virtio_fs.enqueue", "op=GETATTR")),
	     SIDE(3, P("work.run", "virtio_fs_request_dispatch_work"),
		  P("virtio_fs.enqueue", "op=GETATTR"))),
	BEAT("They are answered and return too: every GETATTR succeeded.",
	     SIDE(2, P("scn.op", "getattr op")),
	     SIDE(2, P("scn.op", "getattr op"))),
};

static const struct tour_section fullq_sections[] = {
	{ .scn = { "tour-2-full-queue-v5-2019.vfs",
		   "tour-2-full-queue-mainline.vfs" },
	  .beats = fullq_beats,
	  .nr_beats = sizeof(fullq_beats) / sizeof(fullq_beats[0]) },
};

static const struct tour_kfunc fullq_kfuncs[] = {
	{ "fs/fuse/virtio_fs.c", "virtio_fs_wake_pending_and_unlock" },
	{ "fs/fuse/virtio_fs.c", "virtio_fs_send_req" },
	{ "fs/fuse/virtio_fs.c", "virtio_fs_enqueue_req" },
	{ "fs/fuse/virtio_fs.c", "virtio_fs_requests_done_work" },
	{ "fs/fuse/virtio_fs.c", "virtio_fs_request_dispatch_work" },
	{ "drivers/virtio/virtio_ring.c", "virtqueue_add_sgs" },
	{ "fs/fuse/dev.c", "fuse_request_end" },
	{ NULL, NULL },
};

static bool fullq_result(const struct tour_run *runs, size_t nr, char *buf,
			 size_t size)
{
	const struct tour_line *full, *v5_done, *ml_done;
	char t0[32], t1[32], t2[32];

	if (nr != 2)
		return false;
	full = tour_first(&runs[0], "vq.full", NULL);
	v5_done = tour_last(&runs[0], "scn.op", "getattr op");
	ml_done = tour_last(&runs[1], "scn.op", "getattr op");
	if (!full || !v5_done || !ml_done)
		return false;
	snprintf(buf, size,
		 "ring full at %s; v5-2019: %zu failed virtqueue_add_sgs "
		 "calls in usleep_range retry loops, last GETATTR back at %s; "
		 "mainline: %zu parked on queued_reqs, sent by "
		 "virtio_fs_request_dispatch_work, last back at %s",
		 tour_ms(full->time_ns, t0, sizeof(t0)),
		 tour_count(&runs[0], "vq.full", NULL),
		 tour_ms(v5_done->time_ns, t1, sizeof(t1)),
		 tour_count(&runs[1], "virtio_fs.park", NULL),
		 tour_ms(ml_done->time_ns, t2, sizeof(t2)));
	return true;
}

/* ---- part 3: removal; a dead device and the request timeout ------- */

static const struct tour_beat removal_beats[] = {
	BEAT("At 1 ms t's LOOKUP reaches the device, which takes 1 ms to answer "
	     "each request.",
	     SIDE(1, P("dev.pop", "op=LOOKUP"))),
	BEAT("At 1.5 ms the device is unplugged. virtio_fs_remove() marks every "
	     "queue disconnected (virtio_fs_stop_all_queues) and drains them "
	     "(virtio_fs_drain_all_queues): hiprio is empty, but requests.0 "
	     "still has the LOOKUP in flight, so removal sleeps until in_flight "
	     "is 0 (the in_flight_zero completion). Freeing the queues now would "
	     "leave the device writing into freed memory.",
	     SIDE(4, P("virtio.unplug", NULL), P("virtio_fs.remove", NULL),
		  P("virtio_fs.drain_wake", "q=hiprio"),
		  P("task.block", "in_flight_zero"))),
	BEAT("At 2 ms the device answers and the LOOKUP completes normally: "
	     "what the device already holds is allowed to finish.",
	     SIDE(2, P("dev.complete", "op=LOOKUP"), P("scn.op", "lookup op"))),
	BEAT("t's next call, a GETATTR, finds requests.0 disconnected: "
	     "virtio_fs_enqueue_req() refuses it with -ENOTCONN (-107).",
	     SIDE(1, P("virtio_fs.error", NULL))),
	BEAT("Meanwhile the drain wakes: nothing is in flight any more.",
	     SIDE(1, P("virtio_fs.drain_wake", "q=requests.0"))),
	BEAT("The refused GETATTR is ended from virtio_fs_request_dispatch_work, "
	     "never in the submitter's context (that once deadlocked on "
	     "fc->bg_lock), and the call returns -ENOTCONN.",
	     SIDE(2, P("virtio_fs.end", "op=GETATTR"),
		  P("scn.op", "getattr op"))),
	BEAT("Removal resets the device and deletes the queues. Unmount still "
	     "works: its DESTROY fails like any request, and the last reference "
	     "frees the virtio_fs instance.",
	     SIDE(4, P("virtio.reset", NULL), P("virtio_fs.release", NULL),
		  P("scn.op", "umount op"))),
};

static const struct tour_beat dead_beats[] = {
	BEAT("At 0.5 ms the device dies, like a virtiofsd that was killed: it "
	     "will never answer again.",
	     SIDE(1, P("dev.dead", NULL)), SIDE(1, P("dev.dead", NULL))),
	BEAT("At 1 ms t sends a GETATTR; the kick reaches nobody.",
	     SIDE(2, P("virtio_fs.enqueue", "op=GETATTR"),
		  P("dev.kick_ignored", NULL)),
	     SIDE(2, P("virtio_fs.enqueue", "op=GETATTR"),
		  P("dev.kick_ignored", NULL))),
	BEAT("Left, with no request timeout (the default; the v5 and 6.1 drivers "
	     "have none at all), t waits for its reply for ever: every task is "
	     "blocked and no timer is left, which the simulator reports as a "
	     "deadlock. This is the hang of the 2019 thread \"virtiofs: Fix "
	     "various races and cleanups round 1\". Right, with a 15 s timeout "
	     "(the fs.fuse.default_request_timeout sysctl; a server may give "
	     "its own in INIT's reply), the FUSE core armed fuse_check_timeout "
	     "when INIT was answered, and it runs every 15 s "
	     "(FUSE_TIMEOUT_TIMER_FREQ). At 15 s the GETATTR, sent at 1 ms, is "
	     "not yet 15 s old; at 30 s it is, and fuse_abort_conn() ends it "
	     "with -ECONNABORTED.",
	     SIDE(1, P("bug", "deadlock")),
	     SIDE(5, P("work.run", "fuse_check_timeout"),
		  P("fuse.timeout", NULL), P("fuse.abort", NULL),
		  P("fuse.end", "ECONNABORTED"))),
	BEAT("Right: the connection is aborted now, so the next GETATTR fails at "
	     "once with -ENOTCONN.",
	     NOTE("(nothing more: t is still waiting)"),
	     SIDE(2, P("scn.op", "getattr op"))),
	BEAT("Right: then t unmounts, and hangs after all. The abort ended the "
	     "GETATTR but left its buffers with the device and in_flight as it "
	     "was, and unmount drains the queues first "
	     "(virtio_fs_drain_queue), with no bound: it waits for ever. That "
	     "is the kernel's code; vfsim's bounded-drain driver option, off "
	     "here as in every kernel, would give up after twice the timeout.",
	     NOTE("(t never got this far)"),
	     SIDE(2, P("task.block", "in_flight_zero"), P("bug", "deadlock"))),
};

static const struct tour_section failure_sections[] = {
	{ .intro = "First the device is hot-unplugged while it is busy. It "
		   "takes 1 ms to answer each request (device latency=1ms).",
	  .scn = { "tour-3-removal.vfs" },
	  .beats = removal_beats,
	  .nr_beats = sizeof(removal_beats) / sizeof(removal_beats[0]) },
	{ .intro = "Then a device that stays plugged in but stops answering: "
		   "the same run without a request timeout (left) and with "
		   "a 15 s one (right).",
	  .scn = { "tour-3-dead-device.vfs", "tour-3-dead-device-timeout.vfs" },
	  .beats = dead_beats,
	  .nr_beats = sizeof(dead_beats) / sizeof(dead_beats[0]) },
};

static const struct tour_kfunc failure_kfuncs[] = {
	{ "fs/fuse/virtio_fs.c", "virtio_fs_remove" },
	{ "fs/fuse/virtio_fs.c", "virtio_fs_drain_queue" },
	{ "fs/fuse/virtio_fs.c", "virtio_fs_enqueue_req" },
	{ "fs/fuse/virtio_fs.c", "virtio_fs_request_dispatch_work" },
	{ "fs/fuse/virtio_fs.c", "virtio_kill_sb" },
	{ "drivers/virtio/virtio.c", "virtio_dev_remove" },
	{ "drivers/virtio/virtio.c", "virtio_reset_device" },
	{ "fs/fuse/dev.c", "fuse_check_timeout" },
	{ "fs/fuse/dev.c", "fuse_abort_conn" },
	{ "fs/fuse/dev.c", "fuse_request_end" },
	{ NULL, NULL },
};

static bool failure_result(const struct tour_run *runs, size_t nr, char *buf,
			   size_t size)
{
	const struct tour_run *rm = &runs[0], *hang = &runs[1], *tmo = &runs[2];
	const struct tour_line *unplug, *wake, *aborted;
	const char *lookup, *getattr, *after;
	size_t remove, woke;
	char t0[32], t1[32], t2[32];

	if (nr != 3)
		return false;
	unplug = tour_first(rm, "virtio.unplug", NULL);
	remove = tour_find(rm, 0, "virtio_fs.remove", NULL);
	woke = tour_find(rm, remove, "virtio_fs.drain_wake", "q=requests.0");
	wake = woke < rm->nr ? &rm->lines[woke] : NULL;
	lookup = op_result(tour_first(rm, "scn.op", "lookup op"));
	getattr = op_result(tour_last(rm, "scn.op", "getattr op"));
	aborted = tour_first(tmo, "fuse.end", "ECONNABORTED");
	after = op_result(tour_last(tmo, "scn.op", "getattr op"));
	if (!unplug || !wake || !lookup || !getattr || !aborted || !after)
		return false;
	snprintf(buf, size,
		 "unplug at %s: virtio_fs_remove drained %zu in-flight LOOKUP "
		 "for %s (it returned %s), the next GETATTR got %s; dead "
		 "device: GETATTR %s without a timeout, ended -ECONNABORTED "
		 "at %s with timeout=15s (next: %s), then unmount %s",
		 tour_ms(unplug->time_ns, t0, sizeof(t0)),
		 tour_count_in(rm, remove, woke, "dev.complete", "op=LOOKUP"),
		 tour_ms(wake->time_ns - rm->lines[remove].time_ns, t1,
			 sizeof(t1)),
		 lookup, getattr,
		 tour_count(hang, "bug", "deadlock") ? "hung (deadlock)" :
						       "did not hang",
		 tour_ms(aborted->time_ns, t2, sizeof(t2)), after,
		 tour_count(tmo, "bug", "deadlock") ? "hung (deadlock)" :
						      "did not hang");
	return true;
}

/* ---- part 4: migration mid-workload ------------------------------- */

static const struct tour_beat migration_beats[] = {
	BEAT("t opens /d/notes, write-locks bytes 0-4 and writes HELLO there. At "
	     "0.5 ms the device is paused, so t's GETATTR at 1 ms stays on the "
	     "avail ring.",
	     SIDE(4, P("scn.op", "open op"), P("scn.op", "setlk op"),
		  P("dev.pause", NULL), P("virtio_fs.enqueue", "op=GETATTR"))),
	BEAT("At 1.2 ms the front end (QEMU's part) migrates the back end. "
	     "vhost-user GET_VRING_BASE stops each ring of the source and "
	     "returns the avail index to go on from: the GETATTR was not taken "
	     "yet.",
	     SIDE(2, P("mig.suspend", NULL))),
	BEAT("SET_DEVICE_STATE_FD(SAVE): the source writes its FUSE session "
	     "(inodes with their lookup counts, open files, locks, the INIT "
	     "options) into a pipe, and the front end keeps it as length-"
	     "prefixed chunks. SET_DEVICE_STATE_FD(LOAD) feeds it to the "
	     "destination; CHECK_DEVICE_STATE confirms each side.",
	     SIDE(5, P("state.transfer", NULL), P("state.load", NULL),
		  P("mig.check", NULL))),
	BEAT("The destination is told where each ring stands (SET_VRING_BASE) "
	     "and the guest's transport switches to it. The guest driver is not "
	     "told anything: its queues, nodeids and file handles stay as they "
	     "are.",
	     SIDE(4, P("mig.set_base", NULL), P("virtio.switch_backend", NULL),
		  P("mig.done", NULL))),
	BEAT("The destination pops the GETATTR the source never took and answers "
	     "it; t carries on.",
	     SIDE(2, P("dev.pop", "op=GETATTR"), P("scn.op", "getattr op"))),
	BEAT("The session came along: t reads what it wrote before the move, "
	     "through the same file handle. u opens the file on the destination "
	     "and finds t's lock held (-EAGAIN); once t unlocks, u gets it.",
	     SIDE(4, P("scn.op", "read op"), P("scn.op", "-EAGAIN"),
		  P("scn.op", "setlk op 9"), P("scn.op", "setlk op 5"))),
};

static const struct tour_section migration_sections[] = {
	{ .scn = { "tour-4-migration.vfs" },
	  .beats = migration_beats,
	  .nr_beats = sizeof(migration_beats) / sizeof(migration_beats[0]) },
};

static const struct tour_kfunc migration_kfuncs[] = {
	{ "QEMU hw/virtio/vhost-user.c", "vhost_user_get_vring_base" },
	{ "QEMU hw/virtio/vhost-user.c", "vhost_user_set_vring_base" },
	{ "QEMU hw/virtio/vhost.c", "vhost_set_device_state_fd" },
	{ "QEMU hw/virtio/vhost.c", "vhost_check_device_state" },
	{ "QEMU hw/virtio/vhost.c", "vhost_save_backend_state" },
	{ "QEMU hw/virtio/vhost.c", "vhost_load_backend_state" },
	{ "fs/fuse/virtio_fs.c", "virtio_fs_requests_done_work" },
	{ NULL, NULL },
};

static bool migration_result(const struct tour_run *runs, size_t nr, char *buf,
			     size_t size)
{
	const struct tour_run *r = &runs[0];
	const struct tour_line *done;
	const char *locked;
	size_t sw, pop;
	char t0[32];

	if (nr != 1)
		return false;
	done = tour_first(r, "mig.done", NULL);
	sw = tour_find(r, 0, "virtio.switch_backend", NULL);
	pop = tour_find(r, 0, "dev.pop", "op=GETATTR");
	locked = op_result(tour_first(r, "scn.op", "setlk op 3 g"));
	if (!done || !locked)
		return false;
	snprintf(buf, size,
		 "migrated at %s with %lld state bytes (%lld inodes); the "
		 "waiting GETATTR was answered by the %s; u's SETLK got %s "
		 "(t's lock moved too); %zu INIT in all",
		 tour_ms(done->time_ns, t0, sizeof(t0)),
		 tour_number(done, " state bytes"),
		 tour_number(tour_first(r, "state.load", NULL), " inodes"),
		 pop < r->nr && sw < pop ? "destination" : "source", locked,
		 tour_count(r, "fuse.init", NULL));
	return true;
}

/* ---- the parts ----------------------------------------------------- */

const struct tour_part tour_parts[TOUR_NR_PARTS] = {
	{
		.title = "FORGETs on a full hiprio queue (driver v5-2019)",
		.intro =
			"When the guest forgets an inode it owes the server a "
			"FORGET. FORGETs get no reply and travel on a queue of "
			"their own, hiprio, so that they never wait behind "
			"ordinary requests. But that ring can fill up too. The "
			"2019 driver (the v5 posting) parks a FORGET that finds "
			"it full on queued_reqs and retries from "
			"virtio_fs_hiprio_dispatch_work every 1 ms. Here the "
			"ring has 4 entries and the device is paused from 0.5 "
			"to 2.5 ms.",
		.sections = hiprio_sections,
		.nr_sections = 1,
		.kfuncs = hiprio_kfuncs,
		.read_next = "send_forget_request and "
			     "virtio_fs_hiprio_dispatch_work in "
			     "guest/virtio_fs.c, beside fs/fuse/virtio_fs.c",
		.result = hiprio_result,
	},
	{
		.title = "A full request queue: v5-2019 and mainline side by "
			 "side",
		.intro = "Ordinary requests go on the request queues "
			 "(requests.0 here). When one is full the two driver "
			 "versions behave differently. The same scenario runs "
			 "on each: an 8-descriptor ring, the device paused "
			 "from 0.5 to 2 ms, four GETATTRs at 1 ms.",
		.sections = fullq_sections,
		.nr_sections = 1,
		.kfuncs = fullq_kfuncs,
		.read_next = "guest/virtio_fs.c (virtio_fs_send_req, "
			     "virtio_fs_wake_pending_and_unlock); the "
			     "2019 review of v4 on why sleeping in the "
			     "submitter went away",
		.result = fullq_result,
	},
	{
		.title = "Device removal, and a device that stops answering",
		.intro = "A device can go away (hot-unplug) or stop answering "
			 "(its daemon died). Removal must not free a queue the "
			 "device may still write to, and a request nobody "
			 "answers must not hang its task for ever.",
		.sections = failure_sections,
		.nr_sections = 2,
		.kfuncs = failure_kfuncs,
		.read_next = "virtio_fs_remove and virtio_fs_drain_queue in "
			     "guest/virtio_fs.c; guest/dev.c; the "
			     "2019 thread \"virtiofs: Fix various races and "
			     "cleanups round 1\"",
		.result = failure_result,
	},
	{
		.title = "State transfer: migrating the back end mid-workload",
		.intro =
			"Live migration moves the device's back end (the "
			"virtiofsd part) to a new instance while the guest "
			"keeps its mount, open files and locks. The front end "
			"suspends the source's rings, moves the FUSE session "
			"as a byte stream (vhost-user SET_DEVICE_STATE_FD and "
			"CHECK_DEVICE_STATE, in the vhost-user spec) and switches the "
			"guest's transport to the destination.",
		.sections = migration_sections,
		.nr_sections = 1,
		.kfuncs = migration_kfuncs,
		.read_next = "docs/migration.md, docs/state-format.md, "
			     "sim/vmm/migration.c",
		.result = migration_result,
	},
};
