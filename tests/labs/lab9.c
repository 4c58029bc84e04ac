// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reference solution, lab 9 (the instructor's; make labs-dist leaves it
 * out): the device's walk of one descriptor chain.
 */

/* Walk the chain at @head into @ch; 0 or a negative errno (not yet
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
	int ret;

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
		ret = copy_from_guest(&d, table + (gpa_t)i * sizeof(d),
				      sizeof(d));
		assert(ret == 0);
		(void)ret;
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
