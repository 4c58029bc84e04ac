// SPDX-License-Identifier: GPL-2.0-only
/*
 * vhost_user_frontend_dev.c - the device side of the guest's transport
 * when a real vhost-user back end serves it: QEMU's vhost_dev_start(),
 * vhost_virtqueue_start() and vhost_dev_stop() (hw/virtio/vhost.c) and
 * vhost_user_set_mem_table(): config space, features, guest memory as
 * the arena's memfd, each queue handed over at DRIVER_OK, kicks written
 * to eventfds, GET_VRING_BASE at reset; and the interrupts read from the
 * call eventfds, delivered to the guest's device, held by `device
 * pause`, dropped after `device die`.
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "sim/kernel/gmem.h"
#include "sim/trace/trace.h"
#include "sim/virtio/virtio_ring.h"
#include "sim/vmm/vhost_user_frontend_internal.h"

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
					   vhost_user_frontend_set_u64(
						   fe, VHOST_USER_SET_VRING_CALL, idx, r->call);
}

int vhost_user_frontend_set_kick(struct vhost_user_frontend *fe,
				 unsigned int idx)
{
	struct vhost_user_frontend_ring *r = &fe->rings[idx];
	int ret = new_eventfd(fe, &r->kick) ?:
					      vhost_user_frontend_set_u64(
						      fe, VHOST_USER_SET_VRING_KICK, idx, r->kick);

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
	return vhost_user_frontend_set_state(fe, VHOST_USER_SET_VRING_NUM, idx, r->num) ?:
		       vhost_user_frontend_set_state(fe, VHOST_USER_SET_VRING_BASE, idx, r->base) ?:
		       vhost_user_frontend_call(fe, &m, NULL, 0, NULL, NULL) ?:
		       vhost_user_frontend_set_call(fe, idx);
}

int vhost_user_frontend_enable(struct vhost_user_frontend *fe, unsigned int idx,
			       bool on)
{
	if (!(fe->features & (1ULL << VHOST_USER_F_PROTOCOL_FEATURES_BIT)))
		return 0; /* rings start enabled without protocol features */
	return vhost_user_frontend_set_state(fe, VHOST_USER_SET_VRING_ENABLE,
					     idx, on);
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
	ret = vhost_user_frontend_set_u64(fe, VHOST_USER_SET_FEATURES, features,
					  -1);
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

bool vhost_user_frontend_kick(void *dev, unsigned int idx)
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
void vhost_user_frontend_stop(struct vhost_user_frontend *fe)
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
		vhost_user_frontend_stop(fe);
	}
	fe->running = false;
	fe->status = 0;
	for (unsigned int i = 0; i < fe->nr_rings; i++) {
		fe->rings[i].ready = false;
		fe->rings[i].base = 0;
		fe->rings[i].kick_held = fe->rings[i].call_held = false;
	}
}

/* The hooks the guest's transport calls: the device side above. */
void vhost_user_frontend_transport_init(struct vhost_user_frontend *fe,
					unsigned int queue_size)
{
	fe->transport = (struct virtio_device_backend){
		.features = fe->guest_features,
		.num_queues = fe->nr_rings,
		.queue_size = queue_size,
		.get_config = fe_get_config,
		.set_features = fe_set_features,
		.queue_ready = fe_queue_ready,
		.kick = vhost_user_frontend_kick,
		.reset = fe_reset,
		.set_status = fe_set_status,
	};
}

/* Is there a device of ours to interrupt? */
static bool has_device(const struct vhost_user_frontend *fe)
{
	return !fe->dead && fe->vdev && fe->vdev->backend_dev == fe;
}

/* What vhost_user_frontend_deliver() will do with an interrupt now, in words for the trace. */
static const char *deliver_fate(const struct vhost_user_frontend *fe)
{
	if (!has_device(fe))
		return "dropped (no device to interrupt)";
	return fe->paused ? "held until the device resumes" : "delivered";
}

void vhost_user_frontend_deliver(struct vhost_user_frontend *fe,
				 unsigned int idx)
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
		vhost_user_frontend_deliver(fe, idx);
	} else if (r->call_held) {
		vhost_user_frontend_deliver(fe, idx);
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
			vhost_user_frontend_kick(fe, i);
		}
		if (r->call_held)
			vhost_user_frontend_deliver(fe, i);
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
