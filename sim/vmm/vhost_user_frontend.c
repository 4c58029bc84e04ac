// SPDX-License-Identifier: GPL-2.0-only
/*
 * vhost_user_frontend.c - the guest's virtio-fs device served by a real
 * vhost-user back end: QEMU's hw/virtio/vhost-user-fs.c, vhost.c and
 * vhost-user.c in one small front end, on the scheduler's thread.
 *
 * Messages are synchronous, as QEMU's are: a task that sends one waits
 * for its answer (bounded by a receive timeout), so a step of the machine
 * may last as long as the back end takes to answer. Completions are not:
 * they are read from the call eventfds by the scheduler's outside hook
 * whenever no task can run, and become interrupts of the guest's device.
 */
#include "sim/vmm/vhost_user_frontend.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "sim/kernel/gmem.h"
#include "sim/kernel/sched.h"
#include "sim/trace/trace.h"
#include "sim/virtio/virtio_ring.h"

/* The guest features QEMU's vhost-user-fs lets through from a back end. */
#define RING_FEATURES                            \
	((1ULL << VIRTIO_F_VERSION_1) |          \
	 (1ULL << VIRTIO_RING_F_INDIRECT_DESC) | \
	 (1ULL << VIRTIO_RING_F_EVENT_IDX))

/* The protocol features this front end can use. */
#define FRONTEND_PROTOCOL_FEATURES                             \
	((1ULL << VHOST_USER_PROTOCOL_F_MQ) |                  \
	 (1ULL << VHOST_USER_PROTOCOL_F_REPLY_ACK) |           \
	 (1ULL << VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS) | \
	 (1ULL << VHOST_USER_PROTOCOL_F_DEVICE_STATE))

/* Every front end connected, for the outside hook (one machine). */
static struct vhost_user_frontend *live[4];

static void set_live(struct vhost_user_frontend *fe, bool on)
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

static bool has_protocol(const struct vhost_user_frontend *fe, unsigned int b)
{
	return fe->protocol_acked & (1ULL << b);
}

int vhost_user_frontend_fail(struct vhost_user_frontend *fe, int err,
			     const char *why)
{
	if (fe->gone)
		return err;
	fe->gone = true;
	fe->error = err;
	snprintf(fe->why, sizeof(fe->why), "%s", why);
	TRACE(.kind = "vu.gone", .func = "vhost_user_backend_disconnect",
	      .detail =
		      trace_fmt("%s: %s (%s)", fe->name, why, strerror(-err)));
	/* The guest's view: a device that needs a reset, queues that no
	 * longer work. */
	if (fe->vdev && fe->vdev->backend_dev == fe) {
		virtio_transport_needs_reset(fe->vdev);
		virtio_break_device(fe->vdev);
	}
	return err;
}

static int recv_reply(struct vhost_user_frontend *fe, u32 request,
		      struct vhost_user_msg *reply, int *rfd)
{
	int fds[VHOST_USER_MAX_FDS];
	unsigned int nfds = 0;
	int ret = vhost_user_recv(fe->sock, reply, fds, &nfds);

	if (ret)
		return vhost_user_frontend_fail(
			fe, ret,
			trace_fmt("no answer to %s",
				  vhost_user_request_name(request)));
	if (!(reply->hdr.flags & VHOST_USER_REPLY_MASK) ||
	    reply->hdr.request != request) {
		for (unsigned int i = 0; i < nfds; i++)
			close(fds[i]);
		return vhost_user_frontend_fail(
			fe, -EPROTO,
			trace_fmt("%s answered with %s",
				  vhost_user_request_name(request),
				  vhost_user_request_name(reply->hdr.request)));
	}
	for (unsigned int i = 0; i < nfds; i++) {
		if (rfd && i == 0)
			*rfd = fds[0];
		else
			close(fds[i]);
	}
	return 0;
}

int vhost_user_frontend_call(struct vhost_user_frontend *fe,
			     struct vhost_user_msg *msg, const int *fds,
			     unsigned int nfds, struct vhost_user_msg *reply,
			     int *rfd)
{
	struct vhost_user_msg ack;
	bool want_ack = !reply &&
			has_protocol(fe, VHOST_USER_PROTOCOL_F_REPLY_ACK);
	u32 req = msg->hdr.request;
	int ret;

	if (fe->gone)
		return fe->error ? fe->error : -ENODEV;
	msg->hdr.flags = VHOST_USER_VERSION |
			 (want_ack ? VHOST_USER_NEED_REPLY_MASK : 0);
	fe->messages++;
	ret = vhost_user_send(fe->sock, msg, fds, nfds);
	if (ret)
		return vhost_user_frontend_fail(
			fe, ret,
			trace_fmt("cannot send %s",
				  vhost_user_request_name(req)));
	if (!reply && !want_ack)
		return 0;
	ret = recv_reply(fe, req, reply ? reply : &ack, rfd);
	if (ret || reply)
		return ret;
	if (ack.hdr.size != sizeof(u64) || ack.payload.u64) {
		TRACE(.kind = "vu.refused", .func = "process_message_reply",
		      .detail = trace_fmt("%s: %s refused (%llu)", fe->name,
					  vhost_user_request_name(req),
					  (unsigned long long)ack.payload.u64));
		return vhost_user_frontend_fail(
			fe, -EIO,
			trace_fmt("the back end refused %s",
				  vhost_user_request_name(req)));
	}
	return 0;
}

static void msg_init(struct vhost_user_msg *m, u32 req, u32 size)
{
	memset(&m->hdr, 0, sizeof(m->hdr));
	m->hdr.request = req;
	m->hdr.size = size;
}

/* A request without payload whose answer is a u64. */
static int get_u64(struct vhost_user_frontend *fe, u32 req, u64 *val)
{
	struct vhost_user_msg m, r;
	int ret;

	msg_init(&m, req, 0);
	ret = vhost_user_frontend_call(fe, &m, NULL, 0, &r, NULL);
	if (!ret && r.hdr.size != sizeof(u64))
		ret = vhost_user_frontend_fail(
			fe, -EBADMSG,
			trace_fmt("%s answer of %u bytes",
				  vhost_user_request_name(req), r.hdr.size));
	if (!ret)
		*val = r.payload.u64;
	return ret;
}

static int set_u64(struct vhost_user_frontend *fe, u32 req, u64 val, int fd)
{
	struct vhost_user_msg m;

	msg_init(&m, req, sizeof(u64));
	m.payload.u64 = val;
	return vhost_user_frontend_call(fe, &m, &fd, fd >= 0 ? 1 : 0, NULL,
					NULL);
}

static int set_state(struct vhost_user_frontend *fe, u32 req, u32 idx, u32 num)
{
	struct vhost_user_msg m;

	msg_init(&m, req, sizeof(m.payload.state));
	m.payload.state = (struct vhost_user_vring_state){ idx, num };
	return vhost_user_frontend_call(fe, &m, NULL, 0, NULL, NULL);
}

/* --- the device side of the guest's transport -------------------------- */

static int fe_get_config(void *dev, unsigned int off, void *buf,
			 unsigned int len)
{
	struct vhost_user_frontend *fe = dev;

	if (off > sizeof(fe->config) || len > sizeof(fe->config) - off)
		return -EINVAL;
	memcpy(buf, fe->config + off, len);
	return 0;
}

static int fe_set_features(void *dev, u64 features)
{
	struct vhost_user_frontend *fe = dev;

	if (features & ~fe->guest_features)
		return -EINVAL;
	fe->acked = features;
	return 0;
}

static u64 uva(gpa_t gpa)
{
	return (u64)(uintptr_t)gmem_arena_base() + (gpa - GMEM_BASE);
}

/* The guest's RAM: one region, the arena's memfd. */
static int send_memory(struct vhost_user_frontend *fe)
{
	struct vhost_user_mem_region r = {
		.guest_phys_addr = GMEM_BASE,
		.memory_size = gmem_arena_size(),
		.userspace_addr = uva(GMEM_BASE),
		.mmap_offset = 0,
	};
	struct vhost_user_msg m;
	int fd = gmem_shared_fd();

	if (fd < 0)
		return vhost_user_frontend_fail(
			fe, -EINVAL, "guest memory is not shared (no memfd)");
	if (has_protocol(fe, VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS)) {
		msg_init(&m, VHOST_USER_ADD_MEM_REG, sizeof(m.payload.mem_reg));
		m.payload.mem_reg = (struct vhost_user_mem_reg){ 0, r };
	} else {
		msg_init(&m, VHOST_USER_SET_MEM_TABLE,
			 8 + sizeof(struct vhost_user_mem_region));
		memset(&m.payload.memory, 0, sizeof(m.payload.memory));
		m.payload.memory.nregions = 1;
		m.payload.memory.regions[0] = r;
	}
	TRACE(.kind = "vu.mem", .func = "vhost_user_set_mem_table",
	      .detail = trace_fmt("%s: %s gpa 0x%llx, %llu bytes", fe->name,
				  vhost_user_request_name(m.hdr.request),
				  (unsigned long long)r.guest_phys_addr,
				  (unsigned long long)r.memory_size));
	return vhost_user_frontend_call(fe, &m, &fd, 1, NULL, NULL);
}

static int new_eventfd(struct vhost_user_frontend *fe, int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (*fd < 0)
		return vhost_user_frontend_fail(fe, -errno,
						"cannot make an eventfd");
	return 0;
}

int vhost_user_frontend_set_call(struct vhost_user_frontend *fe,
				 unsigned int idx)
{
	struct vhost_user_frontend_ring *r = &fe->rings[idx];

	return new_eventfd(fe, &r->call) ?:
		       set_u64(fe, VHOST_USER_SET_VRING_CALL, idx, r->call);
}

int vhost_user_frontend_set_kick(struct vhost_user_frontend *fe,
				 unsigned int idx)
{
	struct vhost_user_frontend_ring *r = &fe->rings[idx];
	int ret = new_eventfd(fe, &r->kick) ?:
			  set_u64(fe, VHOST_USER_SET_VRING_KICK, idx, r->kick);

	if (!ret)
		r->started = true;
	return ret;
}

/* vhost_virtqueue_start(): size, base, addresses, and the call eventfd;
 * the kick comes after (it starts the ring). */
static int ring_setup(struct vhost_user_frontend *fe, unsigned int idx)
{
	struct vhost_user_frontend_ring *r = &fe->rings[idx];
	struct vhost_user_msg m;

	msg_init(&m, VHOST_USER_SET_VRING_ADDR, sizeof(m.payload.addr));
	m.payload.addr = (struct vhost_user_vring_addr){
		.index = idx,
		.desc_user_addr = uva(r->desc),
		.used_user_addr = uva(r->used),
		.avail_user_addr = uva(r->avail),
		.log_guest_addr = r->used,
	};
	TRACE(.kind = "vu.ring", .func = "vhost_virtqueue_start",
	      .detail = trace_fmt("%s: ring %u num %u base %u", fe->name, idx,
				  r->num, r->base));
	return set_state(fe, VHOST_USER_SET_VRING_NUM, idx, r->num)	      ?:
		       set_state(fe, VHOST_USER_SET_VRING_BASE, idx, r->base) ?:
		       vhost_user_frontend_call(fe, &m, NULL, 0, NULL, NULL)  ?:
		       vhost_user_frontend_set_call(fe, idx);
}

int vhost_user_frontend_enable(struct vhost_user_frontend *fe, unsigned int idx,
			       bool on)
{
	if (!(fe->features & (1ULL << VHOST_USER_F_PROTOCOL_FEATURES_BIT)))
		return 0; /* rings start enabled without protocol features */
	return set_state(fe, VHOST_USER_SET_VRING_ENABLE, idx, on);
}

/* vhost_dev_start(): features, memory, every ring the driver set up. */
static int start(struct vhost_user_frontend *fe)
{
	u64 features = fe->acked;
	int ret;

	if (fe->features & (1ULL << VHOST_USER_F_PROTOCOL_FEATURES_BIT))
		features |= 1ULL << VHOST_USER_F_PROTOCOL_FEATURES_BIT;
	TRACE(.kind = "vu.start", .func = "vhost_dev_start",
	      .detail = trace_fmt("%s: features 0x%llx", fe->name,
				  (unsigned long long)features));
	ret = set_u64(fe, VHOST_USER_SET_FEATURES, features, -1);
	if (!ret && !fe->mem_sent) {
		ret = send_memory(fe);
		fe->mem_sent = !ret;
	}
	fe->running = !ret;
	for (unsigned int i = 0; !ret && i < fe->nr_rings; i++)
		if (fe->rings[i].ready)
			ret = ring_setup(fe, i)				  ?:
				      vhost_user_frontend_set_kick(fe, i) ?:
				      vhost_user_frontend_enable(fe, i, true);
	return ret;
}

static void fe_queue_ready(void *dev, unsigned int idx, gpa_t desc, gpa_t avail,
			   gpa_t used, u16 num, u64 features)
{
	struct vhost_user_frontend *fe = dev;
	struct vhost_user_frontend_ring *r = &fe->rings[idx];

	(void)features;
	if (idx >= fe->nr_rings)
		return;
	r->desc = desc;
	r->avail = avail;
	r->used = used;
	r->num = num;
	r->ready = true;
	/* A transport switched over (migration) is running already: the
	 * ring is handed over now, and started by the flow's kick. */
	if (fe->running)
		ring_setup(fe, idx);
}

static void fe_set_status(void *dev, u8 status)
{
	struct vhost_user_frontend *fe = dev;

	fe->status = status;
	if ((status & VIRTIO_CONFIG_S_DRIVER_OK) && !fe->running && !fe->gone)
		start(fe);
}

static bool fe_kick(void *dev, unsigned int idx)
{
	struct vhost_user_frontend *fe = dev;
	struct vhost_user_frontend_ring *r = &fe->rings[idx];
	u64 one = 1;

	if (fe->gone)
		return false;
	if (fe->dead || idx >= fe->nr_rings)
		return true; /* swallowed: the device stopped answering */
	if (fe->paused || !r->started) {
		r->kick_held = true;
		return true;
	}
	r->kicks++;
	if (write(r->kick, &one, sizeof(one)) != sizeof(one))
		return vhost_user_frontend_fail(fe, -errno,
						"cannot write a kick eventfd"),
		       false;
	return true;
}

int vhost_user_frontend_get_vring_base(struct vhost_user_frontend *fe,
				       unsigned int idx)
{
	struct vhost_user_frontend_ring *r = &fe->rings[idx];
	struct vhost_user_msg m, reply;
	int ret;

	msg_init(&m, VHOST_USER_GET_VRING_BASE, sizeof(m.payload.state));
	m.payload.state = (struct vhost_user_vring_state){ idx, 0 };
	ret = vhost_user_frontend_call(fe, &m, NULL, 0, &reply, NULL);
	if (!ret && reply.hdr.size != sizeof(reply.payload.state))
		ret = vhost_user_frontend_fail(fe, -EBADMSG,
					       "GET_VRING_BASE answer's size");
	/* The back end let go of the ring and its eventfds. */
	r->started = false;
	if (ret)
		return ret;
	r->base = (u16)reply.payload.state.num;
	TRACE(.kind = "vu.get_vring_base", .func = "vhost_user_get_vring_base",
	      .avail_idx = r->base,
	      .detail =
		      trace_fmt("%s: ring %u base %u", fe->name, idx, r->base));
	return r->base;
}

/* vhost_dev_stop(): every running ring stops, its index kept. */
static void stop(struct vhost_user_frontend *fe)
{
	for (unsigned int i = 0; i < fe->nr_rings; i++) {
		struct vhost_user_frontend_ring *r = &fe->rings[i];

		if (r->started && !fe->gone)
			vhost_user_frontend_get_vring_base(fe, i);
		r->started = false;
	}
}

static void fe_reset(void *dev)
{
	struct vhost_user_frontend *fe = dev;

	if (fe->running) {
		TRACE(.kind = "vu.stop", .func = "vhost_dev_stop",
		      .detail = fe->name);
		stop(fe);
	}
	fe->running = false;
	fe->status = 0;
	for (unsigned int i = 0; i < fe->nr_rings; i++) {
		fe->rings[i].ready = false;
		fe->rings[i].base = 0;
		fe->rings[i].kick_held = fe->rings[i].call_held = false;
	}
}

static void fill_config(struct vhost_user_frontend *fe,
			const struct vhost_user_frontend_config *cfg)
{
	u32 n = cfg->num_request_queues;

	memset(fe->config, 0, sizeof(fe->config));
	memcpy(fe->config, cfg->tag, strlen(cfg->tag));
	/* num_request_queues is little endian at offset 36. */
	for (unsigned int i = 0; i < 4; i++)
		fe->config[36 + i] = (u8)(n >> (8 * i));
}

/* QEMU's vhost_user_backend_init(): owner, features, protocol features,
 * queue count, memory slots. */
static int negotiate(struct vhost_user_frontend *fe, char *err, size_t errsize)
{
	struct vhost_user_msg m;
	int ret;

	msg_init(&m, VHOST_USER_SET_OWNER, 0);
	ret = vhost_user_frontend_call(fe, &m, NULL, 0, NULL, NULL) ?:
		      get_u64(fe, VHOST_USER_GET_FEATURES, &fe->features);
	if (!ret &&
	    (fe->features & (1ULL << VHOST_USER_F_PROTOCOL_FEATURES_BIT))) {
		ret = get_u64(fe, VHOST_USER_GET_PROTOCOL_FEATURES,
			      &fe->protocol_offered);
		if (!ret)
			ret = set_u64(fe, VHOST_USER_SET_PROTOCOL_FEATURES,
				      fe->protocol_offered &
					      FRONTEND_PROTOCOL_FEATURES,
				      -1);
		/* Acks (REPLY_ACK) are asked for only once it is set. */
		if (!ret)
			fe->protocol_acked = fe->protocol_offered &
					     FRONTEND_PROTOCOL_FEATURES;
	}
	if (!ret && has_protocol(fe, VHOST_USER_PROTOCOL_F_MQ))
		ret = get_u64(fe, VHOST_USER_GET_QUEUE_NUM, &fe->max_queues);
	if (!ret && has_protocol(fe, VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS))
		ret = get_u64(fe, VHOST_USER_GET_MAX_MEM_SLOTS,
			      &fe->max_mem_slots);
	if (ret) {
		snprintf(err, errsize, "the back end failed the handshake: %s",
			 fe->why);
		return ret;
	}
	if (!(fe->features & (1ULL << VIRTIO_F_VERSION_1))) {
		snprintf(err, errsize,
			 "the back end does not offer VIRTIO_F_VERSION_1 "
			 "(features 0x%llx)",
			 (unsigned long long)fe->features);
		return vhost_user_frontend_fail(fe, -ENODEV, err);
	}
	if (fe->max_queues && fe->nr_rings > fe->max_queues) {
		snprintf(err, errsize,
			 "the back end serves at most %llu queues, the machine "
			 "has %u (hiprio and %u request queues)",
			 (unsigned long long)fe->max_queues, fe->nr_rings,
			 fe->nr_rings - 1);
		return vhost_user_frontend_fail(fe, -ERANGE, err);
	}
	return 0;
}

int vhost_user_frontend_connect(struct vhost_user_frontend *fe, int sock,
				const struct vhost_user_frontend_config *cfg,
				const char *name, char *err, size_t errsize)
{
	struct timeval tv = {
		(time_t)(VHOST_USER_FRONTEND_REPLY_NS / 1000000000ULL), 0
	};
	int ret;

	memset(fe, 0, sizeof(*fe));
	fe->sock = sock;
	fe->xfer_fd = -1;
	snprintf(fe->name, sizeof(fe->name), "%s", name);
	fe->silence_ns = VHOST_USER_FRONTEND_SILENCE_NS;
	for (unsigned int i = 0; i < VHOST_USER_FRONTEND_MAX_QUEUES; i++)
		fe->rings[i].kick = fe->rings[i].call = -1;
	if (!cfg->tag[0] || strlen(cfg->tag) > 36) {
		snprintf(err, errsize, "tag '%s': 1 to 36 bytes", cfg->tag);
		return -ERANGE;
	}
	if (cfg->num_request_queues + 1 > VHOST_USER_FRONTEND_MAX_QUEUES) {
		snprintf(err, errsize, "%u request queues: at most %u",
			 cfg->num_request_queues,
			 VHOST_USER_FRONTEND_MAX_QUEUES - 1);
		return -ERANGE;
	}
	fe->nr_rings = cfg->num_request_queues + 1;
	fill_config(fe, cfg);
	/* A back end that stops answering is cut off, not waited for. */
	setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	set_live(fe, true);
	TRACE(.kind = "vu.connect", .func = "vhost_user_backend_init",
	      .detail = trace_fmt("%s: a real back end: the clock follows the "
				  "wall clock, this run is not deterministic",
				  fe->name));
	ret = negotiate(fe, err, errsize);
	if (ret)
		return ret;
	fe->guest_features = fe->features & RING_FEATURES;
	if (!cfg->event_idx)
		fe->guest_features &= ~(1ULL << VIRTIO_RING_F_EVENT_IDX);
	if (!cfg->indirect)
		fe->guest_features &= ~(1ULL << VIRTIO_RING_F_INDIRECT_DESC);
	fe->transport = (struct virtio_device_backend){
		.features = fe->guest_features,
		.num_queues = fe->nr_rings,
		.queue_size = cfg->queue_size,
		.get_config = fe_get_config,
		.set_features = fe_set_features,
		.queue_ready = fe_queue_ready,
		.kick = fe_kick,
		.reset = fe_reset,
		.set_status = fe_set_status,
	};
	TRACE(.kind = "vu.negotiated", .func = "vhost_user_backend_init",
	      .detail = trace_fmt("%s: features 0x%llx protocol 0x%llx "
				  "queues %llu slots %llu",
				  fe->name, (unsigned long long)fe->features,
				  (unsigned long long)fe->protocol_acked,
				  (unsigned long long)fe->max_queues,
				  (unsigned long long)fe->max_mem_slots));
	return 0;
}

int vhost_user_frontend_open(struct vhost_user_frontend *fe, const char *path,
			     const struct vhost_user_frontend_config *cfg,
			     const char *name, char *err, size_t errsize)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, ret;

	memset(fe, 0, sizeof(*fe));
	fe->sock = fe->xfer_fd = -1;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errsize, "socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		ret = -errno;
		snprintf(err, errsize, "cannot connect to %s: %s", path,
			 strerror(-ret));
		if (fd >= 0)
			close(fd);
		return ret;
	}
	return vhost_user_frontend_connect(fe, fd, cfg, name, err, errsize);
}

int vhost_user_frontend_join(struct vhost_user_frontend *fe,
			     struct virtio_device *vdev)
{
	int ret = virtio_device_init(vdev, VIRTIO_ID_FS, &fe->transport, fe);

	if (!ret)
		fe->vdev = vdev;
	return ret;
}

void vhost_user_frontend_close(struct vhost_user_frontend *fe)
{
	if (fe->running && !fe->gone && fe->sock >= 0)
		stop(fe);
	fe->running = false;
	for (unsigned int i = 0; i < fe->nr_rings; i++) {
		struct vhost_user_frontend_ring *r = &fe->rings[i];

		if (r->kick >= 0)
			close(r->kick);
		if (r->call >= 0)
			close(r->call);
		r->kick = r->call = -1;
	}
	if (fe->xfer_fd >= 0)
		close(fe->xfer_fd);
	fe->xfer_fd = -1;
	if (fe->sock >= 0)
		close(fe->sock);
	fe->sock = -1;
	set_live(fe, false);
}

/* Is there a device of ours to interrupt? */
static bool has_device(const struct vhost_user_frontend *fe)
{
	return !fe->dead && fe->vdev && fe->vdev->backend_dev == fe;
}

/* What deliver() will do with an interrupt now, in words for the trace. */
static const char *deliver_fate(const struct vhost_user_frontend *fe)
{
	if (!has_device(fe))
		return "dropped (no device to interrupt)";
	return fe->paused ? "held until the device resumes" : "delivered";
}

static void deliver(struct vhost_user_frontend *fe, unsigned int idx)
{
	struct vhost_user_frontend_ring *r = &fe->rings[idx];

	if (!has_device(fe))
		return;
	if (fe->paused) {
		r->call_held = true;
		return;
	}
	r->call_held = false;
	virtio_transport_raise_irq(fe->vdev, idx);
}

void vhost_user_frontend_flush_call(struct vhost_user_frontend *fe,
				    unsigned int idx)
{
	struct vhost_user_frontend_ring *r = &fe->rings[idx];
	u64 v;

	if (r->call >= 0 && read(r->call, &v, sizeof(v)) == sizeof(v)) {
		r->calls++;
		TRACE(.kind = "vu.flush_call",
		      .func = "vhost_user_frontend_flush_call",
		      .detail = trace_fmt("%s: ring %u signalled before it "
					  "stopped: interrupt %s",
					  fe->name, idx, deliver_fate(fe)));
		deliver(fe, idx);
	} else if (r->call_held) {
		deliver(fe, idx);
	}
}

void vhost_user_frontend_pause(struct vhost_user_frontend *fe, bool on)
{
	fe->paused = on;
	TRACE(.kind = "vu.pause", .func = "vhost_user_frontend_pause",
	      .detail =
		      trace_fmt("%s: %s", fe->name,
				on ? "kicks and interrupts held" : "resumed"));
	if (on)
		return;
	for (unsigned int i = 0; i < fe->nr_rings; i++) {
		struct vhost_user_frontend_ring *r = &fe->rings[i];

		if (r->kick_held && r->started) {
			r->kick_held = false;
			fe_kick(fe, i);
		}
		if (r->call_held)
			deliver(fe, i);
	}
}

void vhost_user_frontend_kill(struct vhost_user_frontend *fe)
{
	fe->dead = true;
	TRACE(.kind = "vu.die", .func = "vhost_user_frontend_kill",
	      .detail = trace_fmt("%s: kicks and interrupts dropped from "
				  "now on",
				  fe->name));
}

bool vhost_user_frontend_dead(const struct vhost_user_frontend *fe)
{
	return fe->dead || fe->gone;
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
			deliver(fe, (unsigned int)ring - 1);
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
