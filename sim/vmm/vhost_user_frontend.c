// SPDX-License-Identifier: GPL-2.0-only
/*
 * vhost_user_frontend.c - the guest's virtio-fs device served by a real
 * vhost-user back end: QEMU's hw/virtio/vhost-user-fs.c, vhost.c and
 * vhost-user.c in one small front end, on the scheduler's thread. This
 * part connects it: the handshake of vhost_user_backend_init(), the
 * device's config space, the guest's device joined, the connection
 * closed. Its messages are in vhost_user_frontend_msg.c, the device side
 * of the guest's transport in vhost_user_frontend_dev.c, the wait for
 * completions in vhost_user_frontend_wait.c.
 */
#include "sim/vmm/vhost_user_frontend_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "sim/trace/trace.h"

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
		      vhost_user_frontend_get_u64(fe, VHOST_USER_GET_FEATURES,
						  &fe->features);
	if (!ret &&
	    (fe->features & (1ULL << VHOST_USER_F_PROTOCOL_FEATURES_BIT))) {
		ret = vhost_user_frontend_get_u64(
			fe, VHOST_USER_GET_PROTOCOL_FEATURES,
			&fe->protocol_offered);
		if (!ret)
			ret = vhost_user_frontend_set_u64(
				fe, VHOST_USER_SET_PROTOCOL_FEATURES,
				fe->protocol_offered &
					FRONTEND_PROTOCOL_FEATURES,
				-1);
		/* Acks (REPLY_ACK) are asked for only once it is set. */
		if (!ret)
			fe->protocol_acked = fe->protocol_offered &
					     FRONTEND_PROTOCOL_FEATURES;
	}
	if (!ret && has_protocol(fe, VHOST_USER_PROTOCOL_F_MQ))
		ret = vhost_user_frontend_get_u64(fe, VHOST_USER_GET_QUEUE_NUM,
						  &fe->max_queues);
	if (!ret && has_protocol(fe, VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS))
		ret = vhost_user_frontend_get_u64(
			fe, VHOST_USER_GET_MAX_MEM_SLOTS, &fe->max_mem_slots);
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
	vhost_user_frontend_set_live(fe, true);
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
	vhost_user_frontend_transport_init(fe, cfg->queue_size);
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
		vhost_user_frontend_stop(fe);
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
	vhost_user_frontend_set_live(fe, false);
}
