// SPDX-License-Identifier: GPL-2.0-only
/*
 * vhost_user_proto.c - vhost-user messages on a unix socket: framing,
 * descriptor passing (SCM_RIGHTS), names and payload checks.
 *
 * The header is read with recvmsg() so that the descriptors sent with the
 * message's first byte arrive with it; the payload follows with plain
 * reads. A peer that stops half way through a message is cut off by the
 * socket's receive timeout, if the caller set one (SO_RCVTIMEO), rather
 * than holding the reader forever.
 */
#include "sim/vmm/vhost_user_proto.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The layouts the specification gives, byte for byte. */
_Static_assert(sizeof(struct vhost_user_hdr) == 12, "vhost-user header");
_Static_assert(sizeof(struct vhost_user_vring_addr) == 40, "vring address");
_Static_assert(sizeof(struct vhost_user_mem_reg) == 40, "memory region");
_Static_assert(sizeof(struct vhost_user_memory) == 8 + 8 * 32, "mem table");

static const char *const request_names[VHOST_USER_MAX_REQUEST] = {
	[VHOST_USER_NONE] = "NONE",
	[VHOST_USER_GET_FEATURES] = "GET_FEATURES",
	[VHOST_USER_SET_FEATURES] = "SET_FEATURES",
	[VHOST_USER_SET_OWNER] = "SET_OWNER",
	[VHOST_USER_RESET_OWNER] = "RESET_OWNER",
	[VHOST_USER_SET_MEM_TABLE] = "SET_MEM_TABLE",
	[VHOST_USER_SET_LOG_BASE] = "SET_LOG_BASE",
	[VHOST_USER_SET_LOG_FD] = "SET_LOG_FD",
	[VHOST_USER_SET_VRING_NUM] = "SET_VRING_NUM",
	[VHOST_USER_SET_VRING_ADDR] = "SET_VRING_ADDR",
	[VHOST_USER_SET_VRING_BASE] = "SET_VRING_BASE",
	[VHOST_USER_GET_VRING_BASE] = "GET_VRING_BASE",
	[VHOST_USER_SET_VRING_KICK] = "SET_VRING_KICK",
	[VHOST_USER_SET_VRING_CALL] = "SET_VRING_CALL",
	[VHOST_USER_SET_VRING_ERR] = "SET_VRING_ERR",
	[VHOST_USER_GET_PROTOCOL_FEATURES] = "GET_PROTOCOL_FEATURES",
	[VHOST_USER_SET_PROTOCOL_FEATURES] = "SET_PROTOCOL_FEATURES",
	[VHOST_USER_GET_QUEUE_NUM] = "GET_QUEUE_NUM",
	[VHOST_USER_SET_VRING_ENABLE] = "SET_VRING_ENABLE",
	[VHOST_USER_SEND_RARP] = "SEND_RARP",
	[VHOST_USER_NET_SET_MTU] = "NET_SET_MTU",
	[VHOST_USER_SET_BACKEND_REQ_FD] = "SET_BACKEND_REQ_FD",
	[VHOST_USER_IOTLB_MSG] = "IOTLB_MSG",
	[VHOST_USER_SET_VRING_ENDIAN] = "SET_VRING_ENDIAN",
	[VHOST_USER_GET_CONFIG] = "GET_CONFIG",
	[VHOST_USER_SET_CONFIG] = "SET_CONFIG",
	[VHOST_USER_CREATE_CRYPTO_SESSION] = "CREATE_CRYPTO_SESSION",
	[VHOST_USER_CLOSE_CRYPTO_SESSION] = "CLOSE_CRYPTO_SESSION",
	[VHOST_USER_POSTCOPY_ADVISE] = "POSTCOPY_ADVISE",
	[VHOST_USER_POSTCOPY_LISTEN] = "POSTCOPY_LISTEN",
	[VHOST_USER_POSTCOPY_END] = "POSTCOPY_END",
	[VHOST_USER_GET_INFLIGHT_FD] = "GET_INFLIGHT_FD",
	[VHOST_USER_SET_INFLIGHT_FD] = "SET_INFLIGHT_FD",
	[VHOST_USER_GPU_SET_SOCKET] = "GPU_SET_SOCKET",
	[VHOST_USER_RESET_DEVICE] = "RESET_DEVICE",
	[VHOST_USER_VRING_KICK] = "VRING_KICK",
	[VHOST_USER_GET_MAX_MEM_SLOTS] = "GET_MAX_MEM_SLOTS",
	[VHOST_USER_ADD_MEM_REG] = "ADD_MEM_REG",
	[VHOST_USER_REM_MEM_REG] = "REM_MEM_REG",
	[VHOST_USER_SET_STATUS] = "SET_STATUS",
	[VHOST_USER_GET_STATUS] = "GET_STATUS",
	[VHOST_USER_GET_SHARED_OBJECT] = "GET_SHARED_OBJECT",
	[VHOST_USER_SET_DEVICE_STATE_FD] = "SET_DEVICE_STATE_FD",
	[VHOST_USER_CHECK_DEVICE_STATE] = "CHECK_DEVICE_STATE",
};

const char *vhost_user_request_name(u32 request)
{
	if (request < VHOST_USER_MAX_REQUEST && request_names[request])
		return request_names[request];
	return "UNKNOWN";
}

static void close_fds(int *fds, unsigned int *nfds)
{
	for (unsigned int i = 0; i < *nfds; i++)
		close(fds[i]);
	*nfds = 0;
}

/* Read exactly @len bytes; 0, -EPIPE at end of file, or -errno. */
static int read_full(int fd, void *buf, size_t len)
{
	u8 *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n == 0)
			return -EPIPE;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EWOULDBLOCK ? -EAGAIN : -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Take the descriptors of one control message block; -E2BIG if cut. */
static int take_fds(struct msghdr *mh, int *fds, unsigned int *nfds)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		unsigned int n;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (unsigned int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (unsigned int i = 0; i < n; i++) {
			int f;

			memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(f));
			if (*nfds < VHOST_USER_MAX_FDS)
				fds[(*nfds)++] = f;
			else
				close(f);
		}
	}
	return mh->msg_flags & MSG_CTRUNC ? -E2BIG : 0;
}

int vhost_user_recv(int fd, struct vhost_user_msg *msg, int *fds,
		    unsigned int *nfds)
{
	union {
		char buf[CMSG_SPACE(VHOST_USER_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	u8 *hdr = (u8 *)&msg->hdr;
	size_t got = 0;
	int ret = 0;

	*nfds = 0;
	/* The header may come in pieces; descriptors ride on a piece. */
	while (got < sizeof(msg->hdr)) {
		struct iovec iov = { hdr + got, sizeof(msg->hdr) - got };
		struct msghdr mh = { .msg_iov = &iov,
				     .msg_iovlen = 1,
				     .msg_control = ctl.buf,
				     .msg_controllen = sizeof(ctl.buf) };
		ssize_t n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = errno == EWOULDBLOCK ? -EAGAIN : -errno;
			break;
		}
		if (n == 0) {
			ret = got ? -EPIPE : -ECONNRESET;
			break;
		}
		got += (size_t)n;
		ret = take_fds(&mh, fds, nfds);
		if (ret)
			break;
	}
	if (!ret &&
	    (msg->hdr.flags & VHOST_USER_VERSION_MASK) != VHOST_USER_VERSION)
		ret = -EPROTO;
	if (!ret && msg->hdr.size > VHOST_USER_PAYLOAD_MAX)
		ret = -EMSGSIZE;
	if (!ret && msg->hdr.size)
		ret = read_full(fd, &msg->payload, msg->hdr.size);
	if (ret)
		close_fds(fds, nfds);
	return ret;
}

int vhost_user_send(int fd, const struct vhost_user_msg *msg, const int *fds,
		    unsigned int nfds)
{
	union {
		char buf[CMSG_SPACE(VHOST_USER_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	u8 wire[sizeof(msg->hdr) + VHOST_USER_PAYLOAD_MAX];
	size_t len, done = 0;

	if (nfds > VHOST_USER_MAX_FDS || msg->hdr.size > VHOST_USER_PAYLOAD_MAX)
		return -EINVAL;
	/* On the wire the payload follows the header directly. */
	memcpy(wire, &msg->hdr, sizeof(msg->hdr));
	memcpy(wire + sizeof(msg->hdr), &msg->payload, msg->hdr.size);
	len = sizeof(msg->hdr) + msg->hdr.size;
	while (done < len) {
		struct iovec iov = { wire + done, len - done };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n;

		if (!done && nfds) {
			struct cmsghdr *c;

			memset(&ctl, 0, sizeof(ctl));
			mh.msg_control = ctl.buf;
			mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
			c = CMSG_FIRSTHDR(&mh);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
			memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
		}
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

/* What one request carries: payload sizes allowed and descriptors. */
enum fd_rule {
	FD_NONE,     /* no descriptor */
	FD_ONE,	     /* exactly one */
	FD_RING,     /* one unless the u64 has the NOFD bit */
	FD_MEMTABLE, /* one per region */
	FD_ANY,	     /* zero or one (tolerated and closed when unused) */
};

struct req_rule {
	u32 min, max; /* payload size bounds */
	enum fd_rule fds;
};

#define U64   sizeof(u64)
#define STATE sizeof(struct vhost_user_vring_state)

static const struct req_rule rules[VHOST_USER_MAX_REQUEST] = {
	/* QEMU sends GET_* with no payload; some front ends send a u64. */
	[VHOST_USER_GET_FEATURES] = { 0, U64, FD_NONE },
	[VHOST_USER_SET_FEATURES] = { U64, U64, FD_NONE },
	[VHOST_USER_SET_OWNER] = { 0, U64, FD_NONE },
	[VHOST_USER_RESET_OWNER] = { 0, U64, FD_NONE },
	[VHOST_USER_SET_MEM_TABLE] = { 8, sizeof(struct vhost_user_memory),
				       FD_MEMTABLE },
	[VHOST_USER_SET_LOG_BASE] = { 16, 16, FD_ANY },
	[VHOST_USER_SET_LOG_FD] = { 0, U64, FD_ANY },
	[VHOST_USER_SET_VRING_NUM] = { STATE, STATE, FD_NONE },
	[VHOST_USER_SET_VRING_ADDR] = { sizeof(struct vhost_user_vring_addr),
					sizeof(struct vhost_user_vring_addr),
					FD_NONE },
	[VHOST_USER_SET_VRING_BASE] = { STATE, STATE, FD_NONE },
	[VHOST_USER_GET_VRING_BASE] = { STATE, STATE, FD_NONE },
	[VHOST_USER_SET_VRING_KICK] = { U64, U64, FD_RING },
	[VHOST_USER_SET_VRING_CALL] = { U64, U64, FD_RING },
	[VHOST_USER_SET_VRING_ERR] = { U64, U64, FD_RING },
	[VHOST_USER_GET_PROTOCOL_FEATURES] = { 0, U64, FD_NONE },
	[VHOST_USER_SET_PROTOCOL_FEATURES] = { U64, U64, FD_NONE },
	[VHOST_USER_GET_QUEUE_NUM] = { 0, U64, FD_NONE },
	[VHOST_USER_SET_VRING_ENABLE] = { STATE, STATE, FD_NONE },
	[VHOST_USER_SET_BACKEND_REQ_FD] = { 0, U64, FD_ONE },
	[VHOST_USER_RESET_DEVICE] = { 0, U64, FD_NONE },
	[VHOST_USER_GET_MAX_MEM_SLOTS] = { 0, U64, FD_NONE },
	[VHOST_USER_ADD_MEM_REG] = { sizeof(struct vhost_user_mem_reg),
				     sizeof(struct vhost_user_mem_reg),
				     FD_ONE },
	[VHOST_USER_REM_MEM_REG] = { sizeof(struct vhost_user_mem_reg),
				     sizeof(struct vhost_user_mem_reg),
				     FD_ANY },
	[VHOST_USER_SET_STATUS] = { U64, U64, FD_NONE },
	[VHOST_USER_GET_STATUS] = { 0, U64, FD_NONE },
	[VHOST_USER_SET_DEVICE_STATE_FD] = { sizeof(struct vhost_user_device_state),
					     sizeof(struct vhost_user_device_state),
					     FD_ONE },
	[VHOST_USER_CHECK_DEVICE_STATE] = { 0, U64, FD_NONE },
};

int vhost_user_msg_check(const struct vhost_user_msg *msg, unsigned int nfds,
			 const char **why)
{
	u32 req = msg->hdr.request;
	const struct req_rule *r;
	unsigned int want;

	if (req >= VHOST_USER_MAX_REQUEST || !rules[req].max) {
		*why = "request this back end does not know";
		return -ENOSYS;
	}
	r = &rules[req];
	if (msg->hdr.size < r->min || msg->hdr.size > r->max) {
		*why = "payload size does not fit the request";
		return -EBADMSG;
	}
	switch (r->fds) {
	case FD_NONE:
		want = 0;
		break;
	case FD_ONE:
		want = 1;
		break;
	case FD_RING:
		want = msg->payload.u64 & VHOST_USER_VRING_NOFD_MASK ? 0 : 1;
		break;
	case FD_MEMTABLE:
		if (msg->payload.memory.nregions > VHOST_USER_MEM_TABLE_MAX ||
		    msg->hdr.size <
			    8 + msg->payload.memory.nregions *
					    sizeof(struct vhost_user_mem_region)) {
			*why = "region count does not fit the payload";
			return -EBADMSG;
		}
		want = msg->payload.memory.nregions;
		break;
	default: /* FD_ANY */
		want = nfds ? 1 : 0;
		break;
	}
	if (nfds != want) {
		*why = nfds < want ? "a file descriptor is missing" :
				     "unexpected file descriptors";
		return -EBADF;
	}
	return 0;
}

void vhost_user_reply_u64(struct vhost_user_msg *msg, u32 request, u64 val)
{
	memset(&msg->hdr, 0, sizeof(msg->hdr));
	msg->hdr.request = request;
	msg->hdr.flags = VHOST_USER_VERSION | VHOST_USER_REPLY_MASK;
	msg->hdr.size = sizeof(u64);
	msg->payload.u64 = val;
}

void vhost_user_reply_state(struct vhost_user_msg *msg, u32 request, u32 index,
			    u32 num)
{
	memset(&msg->hdr, 0, sizeof(msg->hdr));
	msg->hdr.request = request;
	msg->hdr.flags = VHOST_USER_VERSION | VHOST_USER_REPLY_MASK;
	msg->hdr.size = sizeof(struct vhost_user_vring_state);
	msg->payload.state.index = index;
	msg->payload.state.num = num;
}
