// SPDX-License-Identifier: GPL-2.0-only
/*
 * vringh.c - device side of a split virtqueue: pop, validate, reply, push.
 *
 * Everything the driver wrote is read into host copies first and checked
 * there, so a driver that changes the ring while the device looks at it
 * cannot make a checked value change afterwards. The ring areas are
 * checked once, at vringh_init(), and read straight from guest memory
 * after that (as the kernel's vringh maps them once); a buffer's range is
 * checked per descriptor when the chain is walked (a first pass without
 * loop marks and reports takes a well-formed chain; anything else is
 * walked again with them, and reported), and again at each copy
 * by one inline compare against the arena (a chain the caller builds
 * carries no proof of its own; anything outside the arena goes through
 * copy_from_guest() and copy_to_guest(), which check everything).
 */
#include "sim/virtio/vringh.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/kernel/atomic.h"
#include "sim/kernel/footprint.h"
#include "sim/trace/host.h"
#include "sim/trace/trace.h"

/* Ring accesses cannot fail: vringh_init() checked the areas, so they go
 * straight to guest memory (a freed area is still noticed). */
static inline u16 ring_read16(gpa_t gpa)
{
	__le16 v;

	gmem_read_valid(&v, gpa, sizeof(v), "copy_from_guest");
	return le16_to_cpu(v);
}

static inline void ring_write(gpa_t gpa, const void *src, size_t len)
{
	gmem_write_valid(gpa, src, len, "copy_to_guest");
}

static inline void ring_write16(gpa_t gpa, u16 v)
{
	__le16 le = cpu_to_le16(v);

	ring_write(gpa, &le, sizeof(le));
}

static gpa_t avail_idx_gpa(const struct vringh *vrh)
{
	return vrh->avail + 2;
}

static gpa_t used_event_gpa(const struct vringh *vrh)
{
	return vrh->avail + vring_used_event_off(vrh->num);
}

static gpa_t avail_event_gpa(const struct vringh *vrh)
{
	return vrh->used + vring_avail_event_off(vrh->num);
}

void vringh_exit(struct vringh *vrh)
{
	host_free(vrh->visit);
	memset(vrh, 0, sizeof(*vrh));
}

int vringh_init(struct vringh *vrh, const char *name, u64 features,
		unsigned int num, gpa_t desc, gpa_t avail, gpa_t used)
{
	vringh_exit(vrh);
	if (!vring_size_valid(num) || desc % VRING_DESC_ALIGN ||
	    avail % VRING_AVAIL_ALIGN || used % VRING_USED_ALIGN)
		return -EINVAL;
	if (!gmem_range_valid(desc, vring_desc_size(num)) ||
	    !gmem_range_valid(avail, vring_avail_size(num)) ||
	    !gmem_range_valid(used, vring_used_size(num)))
		return -EFAULT;
	vrh->visit = host_calloc(num, sizeof(*vrh->visit));
	vrh->name = trace_name(name); /* recorded by every event */
	vrh->num = num;
	vrh->event_idx = features & (1ULL << VIRTIO_RING_F_EVENT_IDX);
	vrh->indirect = features & (1ULL << VIRTIO_RING_F_INDIRECT_DESC);
	vrh->desc = desc;
	vrh->avail = avail;
	vrh->used = used;
	vrh->last_used_idx = ring_read16(used + 2);
	vrh->notify_enabled = true;
	return 0;
}

/* The driver broke the ring: remember it (sticky) and say why; @func is
 * the call that found it. */
static __attribute__((noinline, cold)) int bad_ring_at(struct vringh *vrh,
						       int err, int head,
						       const char *why,
						       const char *func)
{
	vrh->needs_reset = true;
	vrh->error = err;
	TRACE(.kind = "vq.bad_chain", .func = func, .queue = vrh->name,
	      .head = head, .avail_idx = vrh->last_avail_idx,
	      .used_idx = vrh->last_used_idx,
	      .args = TRACE_FMT("%s (errno %d): needs reset", why, -err));
	return err;
}

static int bad_ring(struct vringh *vrh, int err, int head, const char *why)
{
	return bad_ring_at(vrh, err, head, why, "vringh_pop");
}

int vringh_avail_count(struct vringh *vrh)
{
	u16 n;

	fp_touch(fp_gpa_key(vrh->desc));
	if (vrh->needs_reset)
		return -EIO;
	n = (u16)(ring_read16(avail_idx_gpa(vrh)) - vrh->last_avail_idx);
	/* A real driver writes the entries before the index: read them
	 * after it (vhost's smp_rmb() after vhost_get_avail_idx()). */
	virt_rmb();
	if (n > vrh->num)
		return bad_ring(vrh, -EILSEQ, -1,
				"avail idx moved by more than the queue size");
	vrh->avail_idx = (u16)(vrh->last_avail_idx + n);
	return n;
}

/* A fresh loop-detection stamp: no descriptor is marked visited. */
static void new_stamp(struct vringh *vrh)
{
	if (++vrh->stamp == 0) {
		memset(vrh->visit, 0, vrh->num * sizeof(*vrh->visit));
		vrh->stamp = 1;
	}
}

/*
 * Room for one more segment in @ch. The array grows with the chains seen,
 * not with the queue: a 32768-entry queue must not cost every popped chain
 * a 32768-entry array. walk_chain() bounds a chain: fewer than num direct
 * descriptors, then at most num in one indirect table.
 */
static __attribute__((noinline)) void chain_grow(struct vringh_chain *ch)
{
	ch->cap = ch->cap ? 2 * ch->cap : 4;
	ch->segs = host_realloc(ch->segs, ch->cap * sizeof(*ch->segs));
}

static inline void chain_reserve(const struct vringh *vrh,
				 struct vringh_chain *ch)
{
	assert(ch->nr_segs < 2 * vrh->num);
	if (unlikely(ch->nr_segs == ch->cap))
		chain_grow(ch);
}

/*
 * walk_chain()'s result for a well-formed chain, found without its loop
 * marks (vfsim's own shortcut; the kernel's vringh bounds a chain by the
 * queue size instead of marking). Within one table the walk is a function
 * of the index, so a walk that ends at a descriptor without NEXT repeated
 * none, and the marks would have found no loop either; a walk that
 * repeats one passes the bound (more direct descriptors than the queue
 * has, or walk_chain()'s own bound inside an indirect table) and stops.
 * Every other check walk_chain() makes is made here too, with the inline
 * compare against the arena for the range test (which implies
 * gmem_range_valid()); their order does not matter, since a failed one
 * only hands the chain back. Nothing is reported here: anything unusual
 * (no arena, a descriptor in freed guest memory, an indirect table not
 * aligned to 16 bytes, so that a descriptor would not be one granule, any
 * malformation, the bound) returns 1, and walk_chain() walks the chain
 * again from the start with its marks and says what it is, once, at the
 * same moment as before. Lab 9 cuts walk_chain() out of its build, and
 * the call of this with it: a student's walk sees every chain.
 */
static inline int walk_chain_fast(struct vringh *vrh, u16 head,
				  struct vringh_chain *ch)
{
	/* the arena, read once: nothing the walk stores moves it */
	const u8 *base = gmem_arena.base, *state = gmem_arena.state;
	u64 size = gmem_arena.size;
	u64 table = vrh->desc - GMEM_BASE; /* offsets into the arena */
	unsigned int num = vrh->num, tsize = num, i = head, nr = 0;
	unsigned int nsegs = 0, nout = 0, cap = ch->cap;
	struct vringh_seg *segs = ch->segs;
	u64 out_sum = 0, in_sum = 0;
	bool indirect = false;

	_Static_assert(VRING_DESC_ALIGN % GMEM_MIN_BLOCK == 0 &&
			       sizeof(struct vring_desc) == GMEM_MIN_BLOCK,
		       "a descriptor of an aligned table is one granule");
	if (unlikely(!base))
		return 1; /* mapped regions: walk_chain() reads them */
	for (;;) {
		u64 off = table + (u64)i * sizeof(struct vring_desc), boff;
		struct vring_desc d;
		u32 len;
		u16 flags;

		/* direct: more than num cannot all differ; indirect: the
		 * bound walk_chain() reports as too long */
		if (unlikely(++nr > num))
			return 1;
		/* the table is aligned: the descriptor is one granule */
		if (unlikely(state[off / GMEM_MIN_BLOCK] == GMEM_GRANULE_FREED))
			return 1;
		memcpy(&d, base + off, sizeof(d));
		boff = le64_to_cpu(d.addr) - GMEM_BASE;
		len = le32_to_cpu(d.len);
		flags = le16_to_cpu(d.flags);
		/* the buffer (or table) inside the arena: one unsigned
		 * difference, as gmem_arena_range() */
		if (unlikely(boff >= size || len > size - boff))
			return 1;

		if (unlikely(flags & VIRTQ_DESC_F_INDIRECT)) {
			if (indirect || !vrh->indirect ||
			    (flags & VIRTQ_DESC_F_NEXT) || len == 0 ||
			    len % sizeof(d) || boff % GMEM_MIN_BLOCK)
				return 1;
			table = boff;
			tsize = len / sizeof(d);
			i = 0;
			nr = 0;
			indirect = true;
			continue;
		}
		if (flags & VIRTQ_DESC_F_WRITE) {
			in_sum += len;
		} else {
			if (nsegs > nout)
				return 1;
			out_sum += len;
			nout++;
		}
		if (unlikely((out_sum | in_sum) > UINT32_MAX))
			return 1;
		/* at most num direct and num indirect: below 2 * num */
		if (unlikely(nsegs == cap)) {
			chain_grow(ch);
			segs = ch->segs;
			cap = ch->cap;
		}
		segs[nsegs++] = (struct vringh_seg){
			.gpa = boff + GMEM_BASE,
			.len = len,
			.writable = flags & VIRTQ_DESC_F_WRITE,
		};
		if (!(flags & VIRTQ_DESC_F_NEXT))
			break;
		i = le16_to_cpu(d.next);
		if (unlikely(i >= tsize))
			return 1;
	}
	assert(nsegs < 2 * num);
	ch->nr_segs = nsegs;
	ch->nr_out = nout;
	ch->indirect = indirect;
	ch->out_len = (u32)out_sum;
	ch->in_len = (u32)in_sum;
	return 0;
}

/*
 * Walk the chain at @head into @ch; 0 or a negative errno (not yet
 * sticky). The spec bounds the length of an indirect table's chain by the
 * queue size, not the table's size: a table may be longer than the queue
 * when its chain is not (drivers/vhost/vringh.c does not bound the table
 * either). Descriptors are marked visited up to num, so a loop is found
 * there; a loop past it ends as a chain longer than the queue.
 */
static int walk_chain(struct vringh *vrh, u16 head, struct vringh_chain *ch,
		      const char **why)
{
	gpa_t table = vrh->desc;
	unsigned int tsize = vrh->num, i = head, in_table = 0;
	u64 out_sum = 0, in_sum = 0;
	struct vring_desc d;

	/* vfsim's own shortcut: walk_chain_fast() takes a well-formed
	 * chain; whatever it leaves is walked again here, from the start */
	if (likely(!walk_chain_fast(vrh, head, ch)))
		return 0;
	ch->nr_segs = ch->nr_out = 0;
	ch->indirect = false;
	new_stamp(vrh);
	for (;;) {
		u64 addr;
		u32 len;
		u16 flags;

		if (i < vrh->num) {
			if (vrh->visit[i] == vrh->stamp) {
				*why = "descriptor loop";
				return -ELOOP;
			}
			vrh->visit[i] = vrh->stamp;
		}
		/* Both tables were range-checked before the walk. */
		gmem_read_valid(&d, table + (gpa_t)i * sizeof(d), sizeof(d),
				"copy_from_guest");
		addr = le64_to_cpu(d.addr);
		len = le32_to_cpu(d.len);
		flags = le16_to_cpu(d.flags);

		if (flags & VIRTQ_DESC_F_INDIRECT) {
			if (ch->indirect) {
				*why = "indirect table inside an indirect table";
				return -EMLINK;
			}
			if (!vrh->indirect || (flags & VIRTQ_DESC_F_NEXT)) {
				*why = vrh->indirect ?
					       "INDIRECT together with NEXT" :
					       "INDIRECT not negotiated";
				return -EINVAL;
			}
			if (len == 0 || len % sizeof(d)) {
				*why = "indirect table length 0 or not a "
				       "multiple of 16";
				return -EMSGSIZE;
			}
			if (!gmem_range_valid(addr, len)) {
				*why = "indirect table outside guest memory";
				return -EFAULT;
			}
			table = addr;
			tsize = len / sizeof(d);
			i = 0;
			ch->indirect = true;
			new_stamp(vrh);
			continue;
		}
		if (!gmem_range_valid(addr, len)) {
			*why = "buffer outside guest memory";
			return -EFAULT;
		}
		if (flags & VIRTQ_DESC_F_WRITE) {
			in_sum += len;
		} else {
			if (ch->nr_segs > ch->nr_out) {
				*why = "readable descriptor after a writable one";
				return -EPROTO;
			}
			out_sum += len;
			ch->nr_out++;
		}
		if (out_sum > UINT32_MAX || in_sum > UINT32_MAX) {
			*why = "buffer lengths overflow 32 bits";
			return -EOVERFLOW;
		}
		if (ch->indirect && ++in_table > vrh->num) {
			*why = "indirect chain longer than the queue";
			return -E2BIG;
		}
		chain_reserve(vrh, ch);
		ch->segs[ch->nr_segs++] = (struct vringh_seg){
			.gpa = addr,
			.len = len,
			.writable = flags & VIRTQ_DESC_F_WRITE,
		};
		if (!(flags & VIRTQ_DESC_F_NEXT))
			break;
		i = le16_to_cpu(d.next);
		if (i >= tsize) {
			*why = "next index out of range";
			return -ERANGE;
		}
	}
	ch->out_len = (u32)out_sum;
	ch->in_len = (u32)in_sum;
	return 0;
}

/*
 * Pops at most one chain; last_avail_idx moves only when the chain was
 * valid. Any malformation makes the queue need a reset (sticky). The avail
 * index is read again only when every chain it announced was popped (as
 * vhost_get_vq_desc() does; the kernel's vringh reads it per chain): a
 * worker that just counted the chains does not read it a second time, and
 * a driver's jump of the index is found at that next read.
 */
int vringh_pop(struct vringh *vrh, struct vringh_chain *ch)
{
	const char *why = NULL;
	int n, ret;
	u16 head;

	fp_touch(fp_gpa_key(vrh->desc));
	if (unlikely(vrh->needs_reset))
		return -EIO;
	if (vrh->avail_idx == vrh->last_avail_idx) {
		n = vringh_avail_count(vrh);
		if (n <= 0)
			return n;
	}
	ch->nr_segs = ch->nr_out = 0;
	ch->out_len = ch->in_len = 0;
	ch->indirect = false;

	head = ring_read16(vrh->avail + 4 +
			   2 * (gpa_t)(vrh->last_avail_idx & (vrh->num - 1)));
	if (head >= vrh->num)
		return bad_ring(vrh, -ENXIO, head, "head index out of range");
	ret = walk_chain(vrh, head, ch, &why);
	if (ret)
		return bad_ring(vrh, ret, head, why);
	ch->head = head;
	vrh->last_avail_idx++;
	if (vrh->event_idx && vrh->notify_enabled)
		ring_write16(avail_event_gpa(vrh), vrh->last_avail_idx);
	TRACE(.kind = "vq.pop", .func = "vringh_pop", .queue = vrh->name,
	      .head = head, .avail_idx = vrh->last_avail_idx,
	      .used_idx = vrh->last_used_idx,
	      .args = TRACE_FMT("segs=%u out=%u in=%u%s", ch->nr_segs,
				ch->out_len, ch->in_len,
				ch->indirect ? " indirect" : ""));
	return 1;
}

void vringh_chain_release(struct vringh_chain *ch)
{
	host_free(ch->segs);
	memset(ch, 0, sizeof(*ch));
}

/*
 * Copy between @buf and the chain's readable or writable part at @off.
 * The nr_out readable buffers come first (a popped chain is refused
 * otherwise, and struct vringh_chain asks it of a chain the caller
 * builds), so a write starts looking at nr_out; a read steps over any
 * writable buffer. A buffer inside the arena (one unsigned compare: a
 * segment carries no mark a caller could leave stale or uninitialised)
 * is only tested for freed guest memory; any other goes through the full
 * check, which gives -EFAULT outside guest memory and handles mapped
 * regions (empty arena: size 0, so the compare fails). Inline in each
 * caller, so a read and a write each get a loop of their own.
 */
static inline __attribute__((always_inline)) ssize_t
chain_copy(const struct vringh_chain *ch, bool writable, size_t off, void *buf,
	   size_t len)
{
	const struct vringh_seg *s = ch->segs + (writable ? ch->nr_out : 0);
	const struct vringh_seg *end = ch->segs + ch->nr_segs;
	u8 *p = buf;

	for (; s < end && len; s++) {
		size_t n;

		if (s->writable != writable)
			continue;
		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		n = s->len - off;
		if (n > len)
			n = len;
		if (likely(gmem_arena_range(s->gpa + off, n))) {
			/* in the arena, so there is one: no test of its
			 * base (gmem_read_valid()'s) */
			if (writable)
				memcpy(gmem_valid_ptr(s->gpa + off, n,
						      "copy_to_guest"),
				       p, n);
			else
				memcpy(p,
				       gmem_valid_ptr(s->gpa + off, n,
						      "copy_from_guest"),
				       n);
		} else {
			int ret = writable ?
					  copy_to_guest(s->gpa + off, p, n) :
					  copy_from_guest(p, s->gpa + off, n);

			if (ret)
				return ret;
		}
		p += n;
		len -= n;
		off = 0;
	}
	return p - (u8 *)buf;
}

ssize_t vringh_chain_read(const struct vringh_chain *ch, size_t off, void *buf,
			  size_t len)
{
	return chain_copy(ch, false, off, buf, len);
}

ssize_t vringh_chain_write(const struct vringh_chain *ch, size_t off,
			   const void *buf, size_t len)
{
	return chain_copy(ch, true, off, (void *)buf, len);
}

/*
 * vfsim's own: the kernel's vringh hands a failed copy back to its caller
 * and leaves the ring as it is. The fault is the one vringh_pop() refuses
 * with -EFAULT ("buffer outside guest memory"), found later, so it ends
 * the same way: the ring needs a reset. A ring that already needs one is
 * left as it is, as vringh_pop() leaves it: the first fault is the one
 * the trace tells.
 */
int vringh_chain_fault(struct vringh *vrh, u16 head, int err, const char *why)
{
	if (vrh->needs_reset)
		return -EIO;
	return bad_ring_at(vrh, err, head, why, "vringh_chain_copy");
}

/* Kernel twin: vringh_complete_*(). One used element, published after it
 * is written. */
int vringh_push(struct vringh *vrh, u16 head, u32 len)
{
	struct vring_used_elem e = { cpu_to_le32(head), cpu_to_le32(len) };
	gpa_t slot;

	fp_touch(fp_gpa_key(vrh->desc));
	if (vrh->needs_reset)
		return -EIO;
	if (head >= vrh->num)
		return -EINVAL;
	slot = vrh->used + 4 +
	       (gpa_t)(vrh->last_used_idx & (vrh->num - 1)) * sizeof(e);
	/* Element first, then the index that publishes it. */
	ring_write(slot, &e, sizeof(e));
	virt_wmb();
	vrh->last_used_idx++;
	ring_write16(vrh->used + 2, vrh->last_used_idx);
	TRACE(.kind = "vq.push", .func = "vringh_push", .queue = vrh->name,
	      .head = head, .avail_idx = vrh->last_avail_idx,
	      .used_idx = vrh->last_used_idx, .args = TRACE_FMT("len=%u", len));
	return 0;
}

/* Kernel twin: vringh_need_notify_*() / vhost_notify(). */
bool vringh_need_notify(struct vringh *vrh)
{
	u16 old = vrh->signalled_used, new = vrh->last_used_idx;
	bool valid = vrh->signalled_used_valid, need;

	fp_touch(fp_gpa_key(vrh->desc));
	vrh->signalled_used = new;
	vrh->signalled_used_valid = true;
	/* The used index is written; the driver's used_event or flags may
	 * have moved meanwhile (a store then a load: vhost_notify()'s
	 * smp_mb()). */
	virt_mb();
	if (vrh->event_idx)
		need = !valid ||
		       vring_need_event(ring_read16(used_event_gpa(vrh)), new,
					old);
	else
		need = !(ring_read16(vrh->avail) & VRING_AVAIL_F_NO_INTERRUPT);
	TRACE(.kind = "vq.need_notify", .func = "vringh_need_notify",
	      .queue = vrh->name, .used_idx = new,
	      .detail = need ? "notify" : "suppressed");
	return need;
}

void vringh_notify_disable(struct vringh *vrh)
{
	fp_touch(fp_gpa_key(vrh->desc));
	vrh->notify_enabled = false;
	if (!vrh->event_idx)
		ring_write16(vrh->used, VRING_USED_F_NO_NOTIFY);
}

bool vringh_notify_enable(struct vringh *vrh)
{
	fp_touch(fp_gpa_key(vrh->desc));
	vrh->notify_enabled = true;
	if (vrh->event_idx)
		ring_write16(avail_event_gpa(vrh), vrh->last_avail_idx);
	else
		ring_write16(vrh->used, 0);
	/* Publish the request for kicks before looking again. */
	virt_mb();
	return ring_read16(avail_idx_gpa(vrh)) == vrh->last_avail_idx;
}

u16 vringh_get_last_avail(const struct vringh *vrh)
{
	fp_touch(fp_gpa_key(vrh->desc));
	return vrh->last_avail_idx;
}

void vringh_set_last_avail(struct vringh *vrh, u16 idx)
{
	fp_touch(fp_gpa_key(vrh->desc));
	vrh->last_avail_idx = idx;
	vrh->avail_idx = idx; /* read the index again at the next pop */
}

bool vringh_needs_reset(const struct vringh *vrh)
{
	fp_touch(fp_gpa_key(vrh->desc));
	return vrh->needs_reset;
}
