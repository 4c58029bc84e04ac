// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_scripted_dev_script.c - the scripted virtio-fs device's script:
 * every action (hold, delay, malformed replies, drop, custom), rule
 * errors, latency and completion order.
 */
#include "tests/guest/scripted_dev_test_util.h"

static void test_hold_and_release(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct treq *t[3];

	start(&cfg);
	CU_ASSERT_EQUAL(
		sdev_add_rule(&dev, FUSE_GETATTR, SDEV_ANY, 2, SDEV_HOLD), 0);
	for (int i = 0; i < 3; i++)
		t[i] = send(1, &a);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_FALSE(t[0]->done);
	CU_ASSERT_FALSE(t[1]->done);
	CU_ASSERT_TRUE(t[2]->done); /* the rule's count ran out */
	CU_ASSERT_EQUAL(dev.rules[0].hits, 2);
	CU_ASSERT_EQUAL(dev.rules[0].count, 0);
	CU_ASSERT_EQUAL(sdev_nr_held(&dev), 2);
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->outcome, SDEV_OUT_PENDING);
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->action, SDEV_ACT_HOLD);
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->rule, 0);
	CU_ASSERT_EQUAL(sdev_release_held(&dev, 1), 1);
	sched_run();
	CU_ASSERT_TRUE(t[0]->done); /* oldest first */
	CU_ASSERT_FALSE(t[1]->done);
	CU_ASSERT_EQUAL(verify(t[0], NULL), 0);
	CU_ASSERT_EQUAL(sdev_release_held(&dev, 5), 1);
	sched_run();
	CU_ASSERT_TRUE(t[1]->done);
	CU_ASSERT_EQUAL(verify(t[1], NULL), 0);
	CU_ASSERT_EQUAL(sdev_nr_held(&dev), 0);
	CU_ASSERT_EQUAL(sdev_release_held(&dev, 1), 0);
	CU_ASSERT_EQUAL(order[0], 2);
	CU_ASSERT_EQUAL(order[1], 0);
	CU_ASSERT_EQUAL(order[2], 1);
}

static void test_delay_in_virtual_time(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct treq *slow, *fast;

	cfg.num_request_queues = 2;
	start(&cfg);
	sdev_add_rule(&dev, FUSE_GETATTR, SDEV_ANY, 1, SDEV_DELAY(1000000));
	slow = send(1, &a);
	fast = send(2, &a);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_TRUE(slow->done);
	CU_ASSERT_TRUE(fast->done);
	CU_ASSERT_EQUAL(order[0], 1); /* the other queue kept flowing */
	CU_ASSERT_EQUAL(sdev_request(&dev, 1)->done_ns, 0);
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->done_ns, 1000000);
	CU_ASSERT_EQUAL(sched_now(), 1000000);
	CU_ASSERT_EQUAL(verify(slow, NULL), 0);
}

static void test_default_latency(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct treq *t1, *t2;

	cfg.latency_ns = 5000;
	start(&cfg);
	t1 = send(1, &a);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(sched_now(), 5000);
	t2 = send(1, &a);
	sched_run();
	CU_ASSERT_EQUAL(sched_now(), 10000);
	CU_ASSERT_TRUE(t1->done && t2->done);
	CU_ASSERT_EQUAL(sdev_request(&dev, 1)->seen_ns, 5000);
	CU_ASSERT_EQUAL(sdev_request(&dev, 1)->done_ns, 10000);
}

static void test_malformed_replies(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct fuse_out_header oh;
	struct treq *t[8];

	start(&cfg);
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_REPLY_ERROR(-ENOENT));
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_BAD_LEN);
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_BAD_UNIQUE);
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_USED_LEN(0));
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_USED_LEN(200));
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_ERROR_WITH_PAYLOAD);
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_BAD_ERRNO(5));
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_BAD_ERRNO(-5000));
	for (int i = 0; i < 8; i++)
		t[i] = add(1, &a, 256, true);
	sched_run();
	for (int i = 0; i < 8; i++)
		CU_ASSERT_TRUE_FATAL(t[i]->done);
	CU_ASSERT_EQUAL(verify(t[0], &oh), 0);
	CU_ASSERT_EQUAL(oh.error, -ENOENT);
	CU_ASSERT_EQUAL(t[0]->used, sizeof(oh));
	CU_ASSERT_EQUAL(verify(t[1], NULL), -EBADMSG);
	CU_ASSERT_EQUAL(verify(t[2], NULL), -EBADR);
	CU_ASSERT_EQUAL(verify(t[3], NULL), -EMSGSIZE);
	CU_ASSERT_EQUAL(t[4]->used, 200); /* more than written */
	CU_ASSERT_EQUAL(verify(t[4], NULL), -EBADMSG);
	CU_ASSERT_EQUAL(verify(t[5], &oh), -EPROTO);
	CU_ASSERT_EQUAL(oh.error, -EIO);
	CU_ASSERT_EQUAL(t[5]->used, sizeof(oh) + 16);
	CU_ASSERT_EQUAL(verify(t[6], &oh), -ERANGE);
	CU_ASSERT_EQUAL(oh.error, 5);
	CU_ASSERT_EQUAL(verify(t[7], &oh), -ERANGE);
	CU_ASSERT_EQUAL(oh.error, -5000);
	for (int i = 0; i < 8; i++) {
		CU_ASSERT_EQUAL(sdev_request(&dev, (unsigned int)i)->rule, i);
		CU_ASSERT_EQUAL(sdev_request(&dev, (unsigned int)i)->outcome,
				SDEV_OUT_REPLIED);
	}
	CU_ASSERT_EQUAL(sdev_request(&dev, 1)->action, SDEV_ACT_BAD_LEN);
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->error, -ENOENT);
}

static void test_complete_held_with_action(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct fuse_out_header oh;
	struct treq *t[4];

	start(&cfg);
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_DELAY(1000));
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 3, SDEV_HOLD);
	for (int i = 0; i < 4; i++)
		t[i] = send(1, &a);
	CU_ASSERT_EQUAL(sdev_run_until_requests(&dev, 4), SCHED_STOPPED);
	CU_ASSERT_EQUAL(sdev_nr_pending(&dev), 4);
	CU_ASSERT_EQUAL(sdev_nr_held(&dev), 3);
	/* The delayed one is skipped: it is not held. */
	CU_ASSERT_EQUAL(sdev_complete_held(&dev, 1, SDEV_REPLY_ERROR(-EIO)), 1);
	CU_ASSERT_EQUAL(sdev_complete_held(&dev, 1, SDEV_DELAY(5000)), 1);
	CU_ASSERT_EQUAL(sdev_complete_held(&dev, 1, SDEV_HOLD), 1);
	CU_ASSERT_EQUAL(sdev_nr_held(&dev), 1);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(sched_now(), 5000);
	CU_ASSERT_EQUAL(verify(t[1], &oh), 0);
	CU_ASSERT_EQUAL(oh.error, -EIO);
	CU_ASSERT_EQUAL(sdev_find_unique(&dev, t[1]->unique)->action,
			SDEV_ACT_ERROR);
	CU_ASSERT_TRUE(sdev_find_unique(&dev, t[1]->unique)->held);
	CU_ASSERT_FALSE(sdev_find_unique(&dev, t[0]->unique)->held);
	CU_ASSERT_EQUAL(sdev_find_unique(&dev, t[2]->unique)->done_ns, 5000);
	CU_ASSERT_TRUE(t[0]->done && t[1]->done && t[2]->done);
	CU_ASSERT_FALSE(t[3]->done);
	CU_ASSERT_PTR_NULL(sdev_find_unique(&dev, 12345));
	CU_ASSERT_EQUAL(sdev_nr_pending(&dev), 1);
}

static void test_noreply_with_malformed_action(void)
{
	struct fuse_proto_args a = a_lookup(1, "q"), f = a_forget(2, 1);
	struct treq *t;

	start(&cfg);
	send(1, &a);
	sched_run();
	sdev_add_rule(&dev, FUSE_FORGET, 0, 1, SDEV_BAD_LEN);
	t = send(0, &f);
	sched_run();
	/* Nothing to corrupt: a FORGET has no reply. */
	CU_ASSERT_TRUE(t->done);
	CU_ASSERT_EQUAL(t->used, 0);
	CU_ASSERT_EQUAL(sdev_last(&dev, FUSE_FORGET)->outcome,
			SDEV_OUT_NOREPLY);
	CU_ASSERT_EQUAL(sdev_total_lookups(&dev), 0);
}

static void test_used_len_beyond_writable_breaks_queue(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct treq *t;

	start(&cfg);
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_USED_LEN(4096));
	t = add(1, &a, 256, true);
	sched_run();
	CU_ASSERT_FALSE(t->done);
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->used_len, 4096);
	CU_ASSERT_TRUE(virtqueue_is_broken(vqs[1]));
}

static void test_drop(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct treq *t, *u;

	cfg.num_request_queues = 2;
	start(&cfg);
	sdev_add_rule(&dev, FUSE_GETATTR, 1, SDEV_FOREVER, SDEV_DROP);
	t = send(1, &a);
	u = send(2, &a); /* the rule is for queue 1 only */
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_FALSE(t->done);
	CU_ASSERT_TRUE(u->done);
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->outcome, SDEV_OUT_DROPPED);
	CU_ASSERT_EQUAL(sdev_nr_held(&dev), 0);
	CU_ASSERT(trace_find("sdev.drop", 0) >= 0);
}

static enum sdev_custom_ret custom(struct sdev *d, const struct sdev_req *rec,
				   const struct fuse_proto_req *req,
				   void *reply, u32 cap, u32 *used_len,
				   void *arg)
{
	int *calls = arg;

	(*calls)++;
	CU_ASSERT_PTR_NOT_NULL(req);
	if (*calls == 1) {
		/* Tweak the default reply: an attribute the test can see. */
		struct fuse_attr_out ao;

		*used_len = sdev_default_reply(d, rec, req, reply, cap);
		memcpy(&ao, (u8 *)reply + sizeof(struct fuse_out_header),
		       sizeof(ao));
		ao.attr.uid = 4242;
		memcpy((u8 *)reply + sizeof(struct fuse_out_header), &ao,
		       sizeof(ao));
		return SDEV_CUSTOM_PUSH;
	}
	return *calls == 2 ? SDEV_CUSTOM_DEFAULT : SDEV_CUSTOM_DROP;
}

static void test_custom_action(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct fuse_attr_out ao;
	struct treq *t[3];
	int calls = 0;

	start(&cfg);
	CU_ASSERT_EQUAL(sdev_add_rule(&dev, FUSE_GETATTR, SDEV_ANY,
				      SDEV_FOREVER,
				      SDEV_CUSTOM(custom, &calls)),
			0);
	for (int i = 0; i < 3; i++)
		t[i] = send(1, &a);
	sched_run();
	CU_ASSERT_EQUAL(calls, 3);
	CU_ASSERT_EQUAL(verify(t[0], NULL), 0);
	memcpy(&ao, t[0]->in + sizeof(struct fuse_out_header), sizeof(ao));
	CU_ASSERT_EQUAL(ao.attr.uid, 4242);
	CU_ASSERT_EQUAL(verify(t[1], NULL), 0);
	memcpy(&ao, t[1]->in + sizeof(struct fuse_out_header), sizeof(ao));
	CU_ASSERT_EQUAL(ao.attr.uid, 0);
	CU_ASSERT_FALSE(t[2]->done);
	CU_ASSERT_EQUAL(sdev_request(&dev, 2)->outcome, SDEV_OUT_DROPPED);
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->action, SDEV_ACT_CUSTOM);
}

static void test_rule_errors_and_clear(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct fuse_out_header oh;
	struct treq *t;

	start(&cfg);
	CU_ASSERT_EQUAL(sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 0, SDEV_HOLD),
			-EINVAL);
	CU_ASSERT_EQUAL(sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, -5, SDEV_HOLD),
			-EINVAL);
	CU_ASSERT_EQUAL(sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1,
				      SDEV_CUSTOM(NULL, NULL)),
			-EINVAL);
	CU_ASSERT_EQUAL(sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1,
				      (struct sdev_action){ .kind = 99 }),
			-EINVAL);
	for (int i = 0; i < SDEV_MAX_RULES; i++)
		CU_ASSERT_EQUAL(sdev_add_rule(&dev, FUSE_GETATTR, SDEV_ANY, 1,
					      SDEV_REPLY_ERROR(-EIO - i)),
				i);
	CU_ASSERT_EQUAL(sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_HOLD),
			-ENOSPC);
	t = send(1, &a);
	sched_run();
	CU_ASSERT_EQUAL(verify(t, &oh), 0);
	CU_ASSERT_EQUAL(oh.error, -EIO); /* the first rule wins */
	sdev_clear_rules(&dev);
	CU_ASSERT_EQUAL(dev.nr_rules, 0);
	t = send(1, &a);
	sched_run();
	CU_ASSERT_EQUAL(verify(t, &oh), 0);
	CU_ASSERT_EQUAL(oh.error, 0);
	CU_ASSERT_STRING_EQUAL(sdev_action_name(SDEV_ACT_HOLD), "hold");
	CU_ASSERT_STRING_EQUAL(sdev_action_name(SDEV_ACT_CUSTOM), "custom");
	CU_ASSERT_STRING_EQUAL(sdev_action_name(99), "?");
}

static void test_runtime_latency_and_order(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct treq *t[2];

	start(&cfg);
	sdev_set_latency(&dev, 700);
	sdev_set_reverse_batch(&dev, true);
	t[0] = send(1, &a);
	t[1] = send(1, &a);
	sched_run();
	CU_ASSERT_EQUAL(sched_now(), 700);
	CU_ASSERT_EQUAL(order[0], 1);
	CU_ASSERT_EQUAL(order[1], 0);
	sdev_set_latency(&dev, 0);
	sdev_set_reverse_batch(&dev, false);
	t[0] = send(1, &a);
	t[1] = send(1, &a);
	sched_run();
	CU_ASSERT_TRUE(t[0]->done && t[1]->done);
	CU_ASSERT_EQUAL(sched_now(), 700);
	CU_ASSERT_EQUAL(order[2], 2);
	CU_ASSERT_EQUAL(order[3], 3);
}

static void test_hiprio_first_and_reverse_batch(void)
{
	struct fuse_proto_args a = a_getattr(1), f = a_forget(1, 0);
	struct treq *t[3], *h;

	cfg.reverse_batch = true;
	start(&cfg);
	for (int i = 0; i < 3; i++)
		t[i] = send(1, &a);
	h = send(0, &f);
	sched_run();
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->queue, 0);
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->opcode, FUSE_FORGET);
	CU_ASSERT_EQUAL(sdev_request(&dev, 1)->unique, t[0]->unique);
	/* Completed in reverse pop order; the irq task serves queue 0's
	 * callback first. */
	CU_ASSERT_EQUAL(nr_order, 4);
	CU_ASSERT_EQUAL(order[0], (int)(h - treqs));
	CU_ASSERT_EQUAL(order[1], 2);
	CU_ASSERT_EQUAL(order[2], 1);
	CU_ASSERT_EQUAL(order[3], 0);
	CU_ASSERT_TRUE(sdev_request(&dev, 3)->done_ns == 0 &&
		       sdev_request(&dev, 3)->seq == 3);
}

VT_SUITE_EACH(guest_sdev_script, setup, teardown,
	      VT_CASE(test_hold_and_release),
	      VT_CASE(test_delay_in_virtual_time),
	      VT_CASE(test_default_latency), VT_CASE(test_malformed_replies),
	      VT_CASE(test_complete_held_with_action),
	      VT_CASE(test_noreply_with_malformed_action),
	      VT_CASE(test_used_len_beyond_writable_breaks_queue),
	      VT_CASE(test_drop), VT_CASE(test_custom_action),
	      VT_CASE(test_rule_errors_and_clear),
	      VT_CASE(test_runtime_latency_and_order),
	      VT_CASE(test_hiprio_first_and_reverse_batch));
