// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_ring.c - driver side of a split virtqueue, twin of the split-ring
 * half of Linux drivers/virtio/virtio_ring.c (its API is declared in
 * virtqueue.h, as the kernel declares it in include/linux/virtio.h).
 *
 * The descriptor free list and each chain's shape are kept in host memory
 * (desc_extra, like the kernel's), so detaching a chain never trusts what
 * the device may have left in the descriptor table. Ring fields are written
 * in the order the spec requires: the ring slot before the index that
 * publishes it (a single thread needs no barrier, but the order is kept so
 * the code reads like the kernel's).
 */
#include "sim/virtio/virtqueue.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/kernel/check.h"
#include "sim/kernel/fault.h"
#include "sim/kernel/footprint.h"
#include "sim/kernel/wait.h"
#include "sim/trace/host.h"
#include "sim/trace/trace.h"
#include "sim/trace/image.h"

/* Driver-private copy of one descriptor: the truth about the free list. */
struct vring_desc_extra {
	u16 flags;
	u16 next;
};

/* Per-head state of a chain in flight. */
struct vring_desc_state {
	void *data; /* token; NULL when not a head in flight */
	struct vring_desc *indir_desc; /* indirect table in guest memory */
	u32 in_len;		       /* bytes the device may write */
};

struct vring_virtqueue {
	struct virtqueue vq;
	struct vring vring;
	bool indirect; /* INDIRECT_DESC negotiated */
	bool event;    /* EVENT_IDX negotiated */
	bool broken;
	u16 free_head;
	u16 num_added; /* added since the last kick_prepare */
	u16 avail_idx_shadow;
	u16 avail_flags_shadow;
	u16 last_used_idx;
	vq_notify_fn notify;
	struct vring_desc_state *desc_state;
	struct vring_desc_extra *desc_extra;
	bool deleted; /* vring_del_virtqueue() ran: on the retired list */
	struct vring_virtqueue *next_retired;
};

/*
 * Deleted queues, kept (their rings freed) until vring_free_deleted():
 * a driver that still holds the pointer (a submitter preempted between
 * its unlock and its kick while remove() deletes the queues) must meet a
 * checker report, not freed host memory that the trace would read the
 * queue's name from.
 */
static struct vring_virtqueue *retired;
/* vfsim's own: set while a machine is built, so a machine image
 * (sim/trace/image.h) puts it back as the set-up left it */
IMAGE_STATE(retired)

#define to_vvq(_vq) container_of(_vq, struct vring_virtqueue, vq)

struct virtqueue *vring_create_virtqueue(unsigned int index, unsigned int num,
					 u64 features, vq_notify_fn notify,
					 void (*callback)(struct virtqueue *),
					 const char *name)
{
	struct vring_virtqueue *vq;

	if (!vring_size_valid(num) || !notify)
		return NULL;
	vq = host_calloc(1, sizeof(*vq));
	vq->desc_state = host_calloc(num, sizeof(*vq->desc_state));
	vq->desc_extra = host_calloc(num, sizeof(*vq->desc_extra));
	vq->vring.num = num;
	vq->vring.desc = gmem_alloc(vring_desc_size(num), VRING_DESC_ALIGN);
	vq->vring.avail = gmem_alloc(vring_avail_size(num), VRING_AVAIL_ALIGN);
	vq->vring.used = gmem_alloc(vring_used_size(num), VRING_USED_ALIGN);
	if (!vq->vring.desc || !vq->vring.avail || !vq->vring.used) {
		vring_del_virtqueue(&vq->vq);
		return NULL;
	}
	memset(vq->vring.desc, 0, vring_desc_size(num));
	memset(vq->vring.avail, 0, vring_avail_size(num));
	memset(vq->vring.used, 0, vring_used_size(num));

	vq->vq.callback = callback;
	vq->vq.name = trace_name(name); /* recorded by every event */
	vq->vq.index = index;
	vq->vq.num_free = num;
	vq->indirect = features & (1ULL << VIRTIO_RING_F_INDIRECT_DESC);
	vq->event = features & (1ULL << VIRTIO_RING_F_EVENT_IDX);
	vq->notify = notify;
	for (unsigned int i = 0; i < num - 1; i++)
		vq->desc_extra[i].next = (u16)(i + 1);
	return &vq->vq;
}

/* The ring is a footprint object (sim/kernel/footprint.h) the device
 * side (vringh.c) names by the same guest address. */
static inline void ring_touch(const struct vring_virtqueue *vq)
{
	if (unlikely(fp_on) && vq->vring.desc)
		fp_access(fp_gpa_key(virt_to_phys(vq->vring.desc)));
}

void vring_del_virtqueue(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);

	ring_touch(vq);
	if (vq->desc_state)
		for (unsigned int i = 0; i < vq->vring.num; i++)
			if (vq->desc_state[i].indir_desc)
				kfree(vq->desc_state[i].indir_desc);
	if (vq->vring.desc)
		gmem_free(vq->vring.desc);
	if (vq->vring.avail)
		gmem_free(vq->vring.avail);
	if (vq->vring.used)
		gmem_free(vq->vring.used);
	host_free(vq->desc_state);
	host_free(vq->desc_extra);
	vq->desc_state = NULL;
	vq->desc_extra = NULL;
	memset(&vq->vring, 0, sizeof(vq->vring));
	vq->broken = true;
	vq->deleted = true;
	vq->next_retired = retired;
	retired = vq;
}

void vring_free_deleted(void)
{
	while (retired) {
		struct vring_virtqueue *vq = retired;

		retired = vq->next_retired;
		host_free(vq);
	}
}

/*
 * vfsim's own (KASAN's report in the kernel): a driver call on a deleted
 * queue is a use-after-free. Reported, and the calling task stops there
 * for good, as a task that met a freed lock does (outside tasks the call
 * returns and does nothing).
 */
static bool __attribute__((cold))
vq_deleted_slow(const struct vring_virtqueue *vq, const char *func)
{
	wait_queue_head_t never;

	check_report("kasan.uaf",
		     "BUG: KASAN: use-after-free in %s(): virtqueue %s was "
		     "deleted (task %s stops here)",
		     func, vq->vq.name, sched_task_name());
	if (current) {
		init_waitqueue_head(&never);
		wq_wait(&never, "use-after-free", 0);
	}
	return true;
}

/* Every driver call on a queue starts here. */
static inline bool vq_deleted(const struct vring_virtqueue *vq,
			      const char *func)
{
	ring_touch(vq);
	return unlikely(vq->deleted) && vq_deleted_slow(vq, func);
}

void virtqueue_set_broken(struct virtqueue *_vq, const char *why)
{
	struct vring_virtqueue *vq = to_vvq(_vq);

	ring_touch(vq);
	if (!vq->broken)
		TRACE(.kind = "vq.broken", .func = "BAD_RING",
		      .queue = _vq->name, .avail_idx = vq->avail_idx_shadow,
		      .used_idx = vq->last_used_idx, .detail = why);
	vq->broken = true;
}

bool virtqueue_is_broken(const struct virtqueue *_vq)
{
	const struct vring_virtqueue *vq = to_vvq(_vq);

	return vq_deleted(vq, __func__) || vq->broken;
}

static void write_desc(struct vring_desc *d, gpa_t addr, u32 len, u16 flags,
		       u16 next)
{
	d->addr = cpu_to_le64(addr);
	d->len = cpu_to_le32(len);
	d->flags = cpu_to_le16(flags);
	d->next = cpu_to_le16(next);
}

/* Map the lists (kernel: vring_map_one_sg()): count the entries, set each
 * one's GPA, refuse buffers outside guest memory. */
static int map_sgs(struct scatterlist *sgs[], unsigned int nr,
		   unsigned int *total)
{
	*total = 0;
	for (unsigned int n = 0; n < nr; n++)
		for (struct scatterlist *sg = sgs[n]; sg; sg = sg_next(sg)) {
			if (!gmem_map_buf(sg->buf, sg->length,
					  &sg->dma_address))
				return -EINVAL;
			(*total)++;
		}
	return 0;
}

/* Kernel: alloc_indirect_split(). The table is ordinary kernel memory, so a
 * fault plan can fail it (the caller then falls back to direct descriptors). */
static struct vring_desc *alloc_indirect_split(unsigned int total_sg, gfp_t gfp)
{
	return kmalloc_array(total_sg, sizeof(struct vring_desc),
			     gfp | __GFP_NOWARN);
}

/*
 * Kernel twin: virtqueue_add_sgs() -> virtqueue_add_split(). On success the
 * chain is published in the avail ring and its token recorded under the
 * head; on any error nothing in guest memory or the free list has changed.
 */
int virtqueue_add_sgs(struct virtqueue *_vq, struct scatterlist *sgs[],
		      unsigned int out_sgs, unsigned int in_sgs, void *data,
		      gfp_t gfp)
{
	struct vring_virtqueue *vq = to_vvq(_vq);
	struct vring_desc *desc = NULL, *table;
	unsigned int total_sg, descs_used, n, i, prev = 0, head;
	u32 in_len = 0;
	bool indirect, forced_full;

	if (vq_deleted(vq, __func__))
		return -EIO;

	if (vq->broken)
		return -EIO;
	if (!data || map_sgs(sgs, out_sgs + in_sgs, &total_sg) || total_sg == 0)
		return -EINVAL;
	/* vfsim only: the fault plan's "vq.full" point makes this add find
	 * the ring full, whatever is free (the kernel has no such point). */
	forced_full = FAULT_HIT("vq.full", _vq->name);

	head = vq->free_head;
	if (!forced_full && vq->indirect && total_sg > 1 && vq->vq.num_free &&
	    total_sg <= vq->vring.num) {
		desc = alloc_indirect_split(total_sg, gfp);
		if (!desc)
			TRACE(.kind = "vq.indirect_fallback",
			      .func = "alloc_indirect_split",
			      .queue = _vq->name,
			      .detail = "no guest memory: direct descriptors");
	}
	indirect = desc != NULL;
	descs_used = indirect ? 1 : total_sg;
	if (forced_full || vq->vq.num_free < descs_used) {
		if (forced_full)
			TRACE(.kind = "vq.full", .func = "virtqueue_add_sgs",
			      .queue = _vq->name,
			      .avail_idx = vq->avail_idx_shadow,
			      .args = TRACE_FMT("need=%u free=%u (fault plan)",
						descs_used, vq->vq.num_free));
		else
			TRACE(.kind = "vq.full", .func = "virtqueue_add_sgs",
			      .queue = _vq->name,
			      .avail_idx = vq->avail_idx_shadow,
			      .args = TRACE_FMT("need=%u free=%u", descs_used,
						vq->vq.num_free));
		/* Kernel: kick so the host drains and frees descriptors. */
		if (out_sgs)
			vq->notify(_vq);
		/* An indirect chain needs one descriptor, and was only
		 * tried with one free. */
		assert(!indirect);
		return -ENOSPC;
	}

	/* Walk the lists writing descriptors: into the table or the ring. */
	table = indirect ? desc : vq->vring.desc;
	i = indirect ? 0 : head;
	for (n = 0; n < out_sgs + in_sgs; n++) {
		u16 flags = n < out_sgs ?
				    VIRTQ_DESC_F_NEXT :
				    VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE;

		for (struct scatterlist *sg = sgs[n]; sg; sg = sg_next(sg)) {
			u16 next = indirect ? (u16)(i + 1) :
					      vq->desc_extra[i].next;

			write_desc(&table[i], sg->dma_address, sg->length,
				   flags, next);
			if (!indirect)
				vq->desc_extra[i].flags = flags;
			if (n >= out_sgs)
				in_len += sg->length;
			prev = i;
			i = next;
		}
	}
	/* The last descriptor ends the chain. */
	table[prev].flags &= cpu_to_le16((u16)~VIRTQ_DESC_F_NEXT);
	if (!indirect)
		vq->desc_extra[prev].flags &= (u16)~VIRTQ_DESC_F_NEXT;

	if (indirect) {
		write_desc(&vq->vring.desc[head], virt_to_phys(desc),
			   total_sg * sizeof(*desc), VIRTQ_DESC_F_INDIRECT, 0);
		vq->desc_extra[head].flags = VIRTQ_DESC_F_INDIRECT;
		vq->free_head = vq->desc_extra[head].next;
	} else {
		vq->free_head = (u16)i;
	}
	vq->vq.num_free -= descs_used;
	vq->desc_state[head] = (struct vring_desc_state){ .data = data,
							  .indir_desc = desc,
							  .in_len = in_len };

	/* Slot first, then the index that publishes it. */
	vq->vring.avail->ring[vq->avail_idx_shadow & (vq->vring.num - 1)] =
		cpu_to_le16((u16)head);
	vq->avail_idx_shadow++;
	vq->vring.avail->idx = cpu_to_le16(vq->avail_idx_shadow);
	vq->num_added++;
	TRACE(.kind = "vq.add", .func = "virtqueue_add_sgs", .queue = _vq->name,
	      .head = (s32)head, .avail_idx = vq->avail_idx_shadow,
	      .used_idx = vq->last_used_idx,
	      .args = TRACE_FMT("out=%u in=%u descs=%u%s", out_sgs, in_sgs,
				total_sg, indirect ? " indirect" : ""));
	/* Kernel: kick before num_added could wrap and hide entries. */
	if (unlikely(vq->num_added == 0xffff))
		virtqueue_kick(_vq);
	return 0;
}

/* Kernel twin: virtqueue_kick_prepare_split(). Resets num_added. */
bool virtqueue_kick_prepare(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);
	u16 new = vq->avail_idx_shadow, old = (u16)(new - vq->num_added);
	bool needs;

	if (vq_deleted(vq, __func__))
		return false;

	vq->num_added = 0;
	if (vq->event)
		needs = vring_need_event(
			le16_to_cpu(*vring_avail_event(&vq->vring)), new, old);
	else
		needs = !(le16_to_cpu(vq->vring.used->flags) &
			  VRING_USED_F_NO_NOTIFY);
	TRACE(.kind = "vq.kick_prepare", .func = "virtqueue_kick_prepare",
	      .queue = _vq->name, .avail_idx = new,
	      .detail = needs ? "kick" : "suppressed");
	return needs;
}

bool virtqueue_notify(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);

	if (vq_deleted(vq, __func__))
		return false;

	if (vq->broken)
		return false;
	TRACE(.kind = "vq.kick", .func = "virtqueue_notify", .queue = _vq->name,
	      .avail_idx = vq->avail_idx_shadow);
	if (!vq->notify(_vq)) {
		virtqueue_set_broken(_vq, "notify failed");
		return false;
	}
	return true;
}

bool virtqueue_kick(struct virtqueue *vq)
{
	if (virtqueue_kick_prepare(vq))
		return virtqueue_notify(vq);
	return true;
}

static bool more_used(const struct vring_virtqueue *vq)
{
	return vq->last_used_idx != le16_to_cpu(vq->vring.used->idx);
}

/* Return the chain at @head to the free list and drop its token. */
static void detach_buf(struct vring_virtqueue *vq, unsigned int head)
{
	struct vring_desc_state *st = &vq->desc_state[head];
	unsigned int i = head;

	st->data = NULL;
	vq->vq.num_free++;
	while (vq->desc_extra[i].flags & VIRTQ_DESC_F_NEXT) {
		i = vq->desc_extra[i].next;
		vq->vq.num_free++;
	}
	vq->desc_extra[i].next = vq->free_head;
	vq->free_head = (u16)head;
	if (st->indir_desc) {
		kfree(st->indir_desc);
		st->indir_desc = NULL;
	}
}

/*
 * Kernel twin: virtqueue_get_buf() -> virtqueue_get_buf_ctx_split(). A used
 * element is trusted only after its id, in-flight state and length are
 * checked; a bad one breaks the queue and frees nothing.
 */
void *virtqueue_get_buf(struct virtqueue *_vq, unsigned int *len)
{
	struct vring_virtqueue *vq = to_vvq(_vq);
	u16 used_idx, slot;
	u32 id, l;
	void *ret;

	if (vq_deleted(vq, __func__))
		return NULL;

	if (vq->broken || !more_used(vq))
		return NULL;
	used_idx = le16_to_cpu(vq->vring.used->idx);
	if ((u16)(used_idx - vq->last_used_idx) > vq->vring.num) {
		virtqueue_set_broken(_vq,
				     trace_fmt("used idx %u moved more than "
					       "%u past %u",
					       used_idx, vq->vring.num,
					       vq->last_used_idx));
		return NULL;
	}
	slot = vq->last_used_idx & (vq->vring.num - 1);
	id = le32_to_cpu(vq->vring.used->ring[slot].id);
	l = le32_to_cpu(vq->vring.used->ring[slot].len);
	if (id >= vq->vring.num) {
		virtqueue_set_broken(_vq, trace_fmt("id %u out of range", id));
		return NULL;
	}
	if (!vq->desc_state[id].data) {
		virtqueue_set_broken(_vq, trace_fmt("id %u is not a head", id));
		return NULL;
	}
	if (l > vq->desc_state[id].in_len) {
		virtqueue_set_broken(_vq,
				     trace_fmt("id %u len %u > writable %u", id,
					       l, vq->desc_state[id].in_len));
		return NULL;
	}
	ret = vq->desc_state[id].data;
	detach_buf(vq, id);
	vq->last_used_idx++;
	/* Expecting an interrupt for the next entry: say so in used_event. */
	if (vq->event && !(vq->avail_flags_shadow & VRING_AVAIL_F_NO_INTERRUPT))
		*vring_used_event(&vq->vring) = cpu_to_le16(vq->last_used_idx);
	if (len)
		*len = l;
	TRACE(.kind = "vq.get_buf", .func = "virtqueue_get_buf",
	      .queue = _vq->name, .head = (s32)id,
	      .avail_idx = vq->avail_idx_shadow, .used_idx = vq->last_used_idx,
	      .args = TRACE_FMT("len=%u", l));
	return ret;
}

/* Kernel twin: virtqueue_disable_cb_split(). Idempotent. */
void virtqueue_disable_cb(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);

	if (vq_deleted(vq, __func__))
		return;

	if (vq->avail_flags_shadow & VRING_AVAIL_F_NO_INTERRUPT)
		return;
	vq->avail_flags_shadow |= VRING_AVAIL_F_NO_INTERRUPT;
	TRACE(.kind = "vq.disable_cb", .func = "virtqueue_disable_cb",
	      .queue = _vq->name, .used_idx = vq->last_used_idx);
	if (vq->event)
		/* One behind where we are: out of reach until 64K pushes. */
		*vring_used_event(&vq->vring) =
			cpu_to_le16((u16)(vq->last_used_idx - 1));
	else
		vq->vring.avail->flags = cpu_to_le16(vq->avail_flags_shadow);
}

/* Kernel twin: virtqueue_enable_cb_prepare_split(). */
unsigned int virtqueue_enable_cb_prepare(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);

	if (vq_deleted(vq, __func__))
		return 0;

	if (vq->avail_flags_shadow & VRING_AVAIL_F_NO_INTERRUPT) {
		vq->avail_flags_shadow &= (u16)~VRING_AVAIL_F_NO_INTERRUPT;
		if (!vq->event)
			vq->vring.avail->flags =
				cpu_to_le16(vq->avail_flags_shadow);
	}
	if (vq->event)
		*vring_used_event(&vq->vring) = cpu_to_le16(vq->last_used_idx);
	TRACE(.kind = "vq.enable_cb", .func = "virtqueue_enable_cb_prepare",
	      .queue = _vq->name, .used_idx = vq->last_used_idx);
	return vq->last_used_idx;
}

bool virtqueue_poll(struct virtqueue *_vq, unsigned int last_used_idx)
{
	struct vring_virtqueue *vq = to_vvq(_vq);

	if (vq_deleted(vq, __func__))
		return false;

	if (vq->broken)
		return false;
	return (u16)last_used_idx != le16_to_cpu(vq->vring.used->idx);
}

bool virtqueue_enable_cb(struct virtqueue *vq)
{
	return !virtqueue_poll(vq, virtqueue_enable_cb_prepare(vq));
}

/* Kernel twin: virtqueue_detach_unused_buf_split(). Only valid once the
 * device is reset: it also takes the entry back off the avail ring. */
void *virtqueue_detach_unused_buf(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);

	if (vq_deleted(vq, __func__))
		return NULL;

	for (unsigned int i = 0; i < vq->vring.num; i++) {
		void *buf = vq->desc_state[i].data;

		if (!buf)
			continue;
		detach_buf(vq, i);
		/* Kernel: take it back off the avail ring as well. */
		vq->avail_idx_shadow--;
		vq->vring.avail->idx = cpu_to_le16(vq->avail_idx_shadow);
		TRACE(.kind = "vq.detach",
		      .func = "virtqueue_detach_unused_buf", .queue = _vq->name,
		      .head = (s32)i, .avail_idx = vq->avail_idx_shadow);
		return buf;
	}
	return NULL;
}

unsigned int virtqueue_get_vring_size(const struct virtqueue *_vq)
{
	return to_vvq(_vq)->vring.num;
}

gpa_t virtqueue_get_desc_addr(const struct virtqueue *_vq)
{
	return virt_to_phys(to_vvq(_vq)->vring.desc);
}

gpa_t virtqueue_get_avail_addr(const struct virtqueue *_vq)
{
	return virt_to_phys(to_vvq(_vq)->vring.avail);
}

gpa_t virtqueue_get_used_addr(const struct virtqueue *_vq)
{
	return virt_to_phys(to_vvq(_vq)->vring.used);
}

void virtqueue_get_info(const struct virtqueue *_vq,
			struct virtqueue_info *info)
{
	const struct vring_virtqueue *vq = to_vvq(_vq);
	unsigned int in_flight = 0;

	for (unsigned int i = 0; i < vq->vring.num; i++)
		in_flight += vq->desc_state[i].data != NULL;
	*info = (struct virtqueue_info){
		.num = vq->vring.num,
		.desc = virtqueue_get_desc_addr(_vq),
		.avail = virtqueue_get_avail_addr(_vq),
		.used = virtqueue_get_used_addr(_vq),
		.avail_idx = vq->avail_idx_shadow,
		.last_used_idx = vq->last_used_idx,
		.free_head = vq->free_head,
		.in_flight = in_flight,
		.broken = vq->broken,
		.event_idx = vq->event,
		.indirect = vq->indirect,
		.cb_disabled = vq->avail_flags_shadow &
			       VRING_AVAIL_F_NO_INTERRUPT,
	};
}

bool virtqueue_head_in_flight(const struct virtqueue *_vq, unsigned int id)
{
	const struct vring_virtqueue *vq = to_vvq(_vq);

	return id < vq->vring.num && vq->desc_state[id].data;
}

/* Kernel twin: vring_interrupt(). The callback runs only for a live queue
 * with something new in the used ring. */
irqreturn_t vring_interrupt(struct virtqueue *_vq)
{
	struct vring_virtqueue *vq = to_vvq(_vq);

	if (vq_deleted(vq, __func__))
		return IRQ_NONE;

	if (!more_used(vq)) {
		TRACE(.kind = "vq.irq", .func = "vring_interrupt",
		      .queue = _vq->name, .used_idx = vq->last_used_idx,
		      .detail = "IRQ_NONE");
		return IRQ_NONE;
	}
	TRACE(.kind = "vq.irq", .func = "vring_interrupt", .queue = _vq->name,
	      .used_idx = le16_to_cpu(vq->vring.used->idx),
	      .detail = vq->broken ? "broken" : "IRQ_HANDLED");
	if (vq->broken)
		return IRQ_HANDLED;
	if (_vq->callback)
		_vq->callback(_vq);
	return IRQ_HANDLED;
}
