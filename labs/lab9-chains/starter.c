// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 9: the device side of a split virtqueue: walk one descriptor chain
 * from guest memory and refuse a malformed one.
 *
 * Write walk_chain() (see the handout); labs/grade.sh 9 this-file builds
 * vfsim and the ring's CUnit suite with it and grades them. In scope:
 * everything sim/virtio/vringh.c has: struct vringh (->desc, the table's
 * guest address; ->num; ->indirect, INDIRECT negotiated; ->visit[] and
 * ->stamp with new_stamp() to mark descriptors seen in this walk),
 * copy_from_guest(), gmem_range_valid(), le16/32/64_to_cpu(),
 * chain_reserve() and struct vringh_chain (->segs, ->nr_segs, ->nr_out,
 * ->indirect, ->out_len, ->in_len).
 */

/*
 * Walk the chain at @head into @ch: 0, or a negative errno with *@why
 * saying what was wrong. What must be refused, each with its own errno
 * (the handout's table): a loop (-ELOOP), a next index out of range
 * (-ERANGE), a buffer outside guest memory (-EFAULT), a readable
 * descriptor after a writable one (-EPROTO), lengths over 32 bits
 * (-EOVERFLOW), and the INDIRECT rules (-EINVAL, -EMLINK, -EMSGSIZE,
 * -EFAULT, -E2BIG).
 */
static int walk_chain(struct vringh *vrh, u16 head, struct vringh_chain *ch,
		      const char **why)
{
	/* TODO: this walks a well-formed direct chain and checks nothing */
	unsigned int i = head;
	struct vring_desc d;

	(void)why;
	for (unsigned int n = 0; n < vrh->num; n++) {
		copy_from_guest(&d, vrh->desc + (gpa_t)i * sizeof(d),
				sizeof(d));
		chain_reserve(vrh, ch);
		ch->segs[ch->nr_segs++] = (struct vringh_seg){
			.gpa = le64_to_cpu(d.addr),
			.len = le32_to_cpu(d.len),
			.writable = le16_to_cpu(d.flags) & VIRTQ_DESC_F_WRITE,
		};
		if (le16_to_cpu(d.flags) & VIRTQ_DESC_F_WRITE)
			ch->in_len += le32_to_cpu(d.len);
		else {
			ch->out_len += le32_to_cpu(d.len);
			ch->nr_out++;
		}
		if (!(le16_to_cpu(d.flags) & VIRTQ_DESC_F_NEXT))
			break;
		i = le16_to_cpu(d.next);
	}
	return 0;
}
