// SPDX-License-Identifier: GPL-2.0-only
/*
 * migration.c - the front end's migration flow (QEMU's vhost-user-fs
 * migration: vhost_dev_stop, vhost_save_backend_state,
 * vhost_load_backend_state, vhost_dev_start), against two back ends'
 * vhost-user ops.
 */
#include "sim/vmm/migration.h"

#include <assert.h>
#include <errno.h>
#include <string.h>

#include "sim/trace/trace.h"

static const char *const step_names[] = {
	[MIG_STEP_NONE] = "none",	[MIG_STEP_NEGOTIATE] = "negotiate",
	[MIG_STEP_SUSPEND] = "suspend", [MIG_STEP_SYNC] = "sync",
	[MIG_STEP_SAVE] = "save",	[MIG_STEP_WIRE] = "wire",
	[MIG_STEP_LOAD] = "load",	[MIG_STEP_SET_BASE] = "set_base",
	[MIG_STEP_SWITCH] = "switch",	[MIG_STEP_START] = "start",
	[MIG_STEP_DONE] = "done",
};

const char *mig_step_name(enum mig_step step)
{
	if ((unsigned int)step > MIG_STEP_DONE)
		return "?";
	return step_names[step];
}

void migration_init(struct migration *m, struct virtio_device *vdev,
		    struct mig_backend src, struct mig_backend dst,
		    unsigned int nqueues)
{
	memset(m, 0, sizeof(*m));
	m->vdev = vdev;
	m->src = src;
	m->dst = dst;
	m->nqueues = nqueues;
	mig_stream_init(&m->stream);
}

void migration_destroy(struct migration *m)
{
	mig_stream_free(&m->stream);
}

/* Both sides must speak DEVICE_STATE (QEMU: vhost_supports_device_state). */
static int step_negotiate(struct migration *m)
{
	const u64 bit = 1ULL << VHOST_USER_PROTOCOL_F_DEVICE_STATE;
	struct mig_backend *side[2] = { &m->src, &m->dst };

	for (unsigned int i = 0; i < 2; i++) {
		u64 offered = side[i]->ops->get_protocol_features(side[i]->dev);
		int ret = -EOPNOTSUPP;

		if (offered & bit)
			ret = side[i]->ops->set_protocol_features(side[i]->dev,
								  bit);
		TRACE(.kind = "mig.negotiate",
		      .func = "vhost_user_set_protocol_features",
		      .detail = trace_fmt("%s offered=0x%llx: %d",
					  i ? "dst" : "src",
					  (unsigned long long)offered, ret));
		if (ret)
			return ret;
	}
	return 0;
}

/* vhost_dev_stop() on the source: every ring quiet, its index recorded. */
static int step_suspend(struct migration *m)
{
	for (unsigned int i = 0; i < m->nqueues; i++) {
		int base = m->src.ops->get_vring_base(m->src.dev, i);

		TRACE(.kind = "mig.suspend",
		      .func = "vhost_user_get_vring_base",
		      .avail_idx = base >= 0 ? base : -1,
		      .detail = trace_fmt("ring %u: %d", i, base));
		if (base < 0)
			return base;
		m->bases[i] = (u16)base;
		m->nbases = i + 1;
	}
	return 0;
}

static int step_sync(struct migration *m)
{
	int ret = m->sync ? m->sync(m->hook_arg) : 0;

	TRACE(.kind = "mig.sync", .func = "migration_sync_storage",
	      .detail = trace_fmt("%d", ret));
	return ret;
}

/*
 * SET_DEVICE_STATE_FD; on success *@ch is the channel to use (ours, or the
 * back end's). Guarantees: an error reply never leaves a channel in use.
 */
static int set_state_fd(struct mig_backend *b, u32 dir, struct pipe *mine,
			struct pipe **ch, u64 *reply)
{
	struct pipe *theirs = NULL;
	int err;

	*reply = b->ops->set_device_state_fd(
		b->dev, dir, VHOST_TRANSFER_STATE_PHASE_STOPPED, mine, &theirs);
	err = vhost_user_reply_error(*reply);
	if (!err && !(*reply & VHOST_USER_DEVICE_STATE_NO_FD) && !theirs)
		err = -EPROTO; /* "use my channel" without one */
	TRACE(.kind = "mig.set_state_fd", .func = "vhost_set_device_state_fd",
	      .detail = trace_fmt("%s reply=0x%llx%s: %d",
				  dir ? "load" : "save",
				  (unsigned long long)*reply,
				  theirs ? " back-end channel" : "", err));
	*ch = (*reply & VHOST_USER_DEVICE_STATE_NO_FD) ? mine : theirs;
	return err;
}

static int check_state(struct mig_backend *b, const char *side)
{
	int ret = b->ops->check_device_state(b->dev);

	TRACE(.kind = "mig.check", .func = "vhost_check_device_state",
	      .detail = trace_fmt("%s: %d", side, ret));
	return ret;
}

/* vhost_save_backend_state(): pipe -> chunked stream, then CHECK. */
static int step_save(struct migration *m)
{
	struct pipe p, *ch;
	int ret = pipe_init(&p, "state-src", m->pipe_capacity);

	if (ret)
		return ret;
	ret = set_state_fd(&m->src, VHOST_TRANSFER_STATE_DIRECTION_SAVE, &p,
			   &ch, &m->save_reply);
	if (!ret) {
		ret = mig_stream_save_from(ch, &m->stream, m->chunk_size);
		/* CHECK also waits for the back end to let go of the pipe. */
		m->check_src = check_state(&m->src, "src");
		if (!ret)
			ret = m->check_src;
	}
	pipe_destroy(&p);
	TRACE(.kind = "mig.save", .func = "vhost_save_backend_state",
	      .detail = trace_fmt("%zu bytes, %llu chunks: %d", m->stream.len,
				  (unsigned long long)m->stream.chunks, ret));
	return ret;
}

static int step_wire(struct migration *m)
{
	int ret = m->wire ? m->wire(m->hook_arg, &m->stream) : 0;

	m->stream.pos = 0;
	TRACE(.kind = "mig.wire", .func = "qemu_savevm_state",
	      .detail = trace_fmt("%zu bytes: %d", m->stream.len, ret));
	return ret;
}

/* vhost_load_backend_state(): chunked stream -> pipe, then CHECK. */
static int step_load(struct migration *m)
{
	struct pipe p, *ch;
	int ret = pipe_init(&p, "state-dst", m->pipe_capacity);

	if (ret)
		return ret;
	ret = set_state_fd(&m->dst, VHOST_TRANSFER_STATE_DIRECTION_LOAD, &p,
			   &ch, &m->load_reply);
	if (!ret) {
		ret = mig_stream_load_into(&m->stream, ch);
		m->check_dst = check_state(&m->dst, "dst");
		if (!ret)
			ret = m->check_dst;
	}
	pipe_destroy(&p);
	TRACE(.kind = "mig.load", .func = "vhost_load_backend_state",
	      .detail = trace_fmt("%zu bytes: %d", m->stream.pos, ret));
	return ret;
}

static int step_set_base(struct migration *m)
{
	for (unsigned int i = 0; i < m->nqueues; i++) {
		int ret =
			m->dst.ops->set_vring_base(m->dst.dev, i, m->bases[i]);

		TRACE(.kind = "mig.set_base",
		      .func = "vhost_user_set_vring_base",
		      .avail_idx = m->bases[i],
		      .detail = trace_fmt("ring %u: %d", i, ret));
		if (ret)
			return ret;
	}
	return 0;
}

/* SET_VRING_CALL first: a failure then leaves the transport untouched. */
static int step_switch(struct migration *m)
{
	const struct virtio_device_backend *be =
		m->dst.ops->transport(m->dst.dev);
	int ret = m->dst.ops->set_vring_call(m->dst.dev, m->vdev);

	TRACE(.kind = "mig.switch", .func = "vhost_user_set_vring_call",
	      .detail = trace_fmt("%d", ret));
	if (!ret)
		ret = virtio_transport_switch_backend(
			m->vdev, be, m->dst.ops->transport_dev(m->dst.dev));
	TRACE(.kind = "mig.switch", .func = "virtio_transport_switch_backend",
	      .detail = trace_fmt("%d", ret));
	return ret;
}

/* vhost_dev_start() on a back end: enable and kick every ring. */
static int start_side(struct migration *m, struct mig_backend *b,
		      const char *kind)
{
	int err = 0;

	for (unsigned int i = 0; i < m->nqueues; i++) {
		int ret = b->ops->set_vring_enable(b->dev, i, true);

		if (!ret)
			ret = b->ops->set_vring_kick(b->dev, i);
		/* trace kinds: mig.start mig.resume (the callers') */
		TRACE_ANY(.kind = kind, .func = "vhost_user_set_vring_kick",
			  .detail = trace_fmt("ring %u: %d", i, ret));
		if (ret && !err)
			err = ret;
	}
	return err;
}

static int step_start(struct migration *m)
{
	return start_side(m, &m->dst, "mig.start");
}

/* The source takes over again from the recorded indices. */
static void resume_source(struct migration *m)
{
	int err = 0;

	/* Rings stopped before a failing GET_VRING_BASE have a base; the
	 * failing one kept its own index. */
	for (unsigned int i = 0; i < m->nbases && !err; i++)
		err = m->src.ops->set_vring_base(m->src.dev, i, m->bases[i]);
	if (!err)
		err = start_side(m, &m->src, "mig.resume");
	m->source_resumed = !err;
	TRACE(.kind = "mig.resume", .func = "vhost_dev_start",
	      .detail = trace_fmt("source: %d", err));
}

static int (*const steps[])(struct migration *) = {
	[MIG_STEP_NEGOTIATE] = step_negotiate,
	[MIG_STEP_SUSPEND] = step_suspend,
	[MIG_STEP_SYNC] = step_sync,
	[MIG_STEP_SAVE] = step_save,
	[MIG_STEP_WIRE] = step_wire,
	[MIG_STEP_LOAD] = step_load,
	[MIG_STEP_SET_BASE] = step_set_base,
	[MIG_STEP_SWITCH] = step_switch,
	[MIG_STEP_START] = step_start,
};

int migration_run(struct migration *m)
{
	if (m->failed || m->done == MIG_STEP_DONE)
		return -EALREADY;
	if (!m->vdev || !m->src.ops || !m->dst.ops || !m->nqueues ||
	    m->nqueues > MIG_MAX_QUEUES || m->nqueues > m->vdev->nvqs)
		return -EINVAL;
	while (m->done < MIG_STEP_DONE) {
		enum mig_step s = m->done + 1;
		int ret = s == MIG_STEP_DONE ? 0 : steps[s](m);

		if (ret) {
			m->failed = s;
			m->err = ret;
			TRACE(.kind = "mig.fail", .func = "migration_run",
			      .detail = trace_fmt("%s: %d", mig_step_name(s),
						  ret));
			if (s > MIG_STEP_NEGOTIATE && s <= MIG_STEP_SWITCH)
				resume_source(m);
			return ret;
		}
		m->done = s;
		if (s == MIG_STEP_DONE)
			TRACE(.kind = "mig.done", .func = "migration_run",
			      .detail = trace_fmt("%zu state bytes",
						  m->stream.len));
		if (m->stop_after && s == m->stop_after)
			break;
	}
	return 0;
}

int migration_task(void *arg)
{
	return migration_run(arg);
}
