// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_scenario_parse.c - the scenario parser on valid input: every
 * statement kind lands in the tree with its typed values and position, and
 * the canonical dump reads back to the same tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device/virtio_fs_dev.h"
#include "guest/vfsim_variant.h"
#include "sim/cli/scenario.h"
#include "tests/cli/scenario_samples.h"
#include "tests/harness.h"

static struct scenario *parse_ok(const char *text)
{
	struct scenario_error e;
	struct scenario *s = NULL;
	int r = scenario_parse_string("t.vfs", text, &s, &e);

	if (r)
		fprintf(stderr, "unexpected parse error: %s\n", e.msg);
	CU_ASSERT_EQUAL_FATAL(r, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	return s;
}

/* The canonical dump of @s as a malloc()ed string. */
static char *dump(const struct scenario *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	scenario_dump(f, s);
	fclose(f);
	return buf;
}

static void test_defaults(void)
{
	struct scenario *s = parse_ok("");

	CU_ASSERT_STRING_EQUAL(s->file, "t.vfs");
	CU_ASSERT_EQUAL(s->machine.pos.line, 0);
	CU_ASSERT_EQUAL(s->machine.set, 0);
	CU_ASSERT_STRING_EQUAL(s->machine.tag, "myfs");
	CU_ASSERT_EQUAL(s->machine.queues, 1);
	CU_ASSERT_EQUAL(s->machine.queue_size, 128);
	CU_ASSERT_EQUAL(s->machine.devices, 1);
	CU_ASSERT_STRING_EQUAL(s->driver.variant, "mainline");
	CU_ASSERT_EQUAL(s->driver.set, 0);
	CU_ASSERT_EQUAL(s->driver.timeout_s, 0);
	CU_ASSERT_EQUAL(s->device.options, 0);
	CU_ASSERT_EQUAL(s->machine.cpus, 1);
	CU_ASSERT_FALSE(s->machine.event_idx);
	CU_ASSERT_EQUAL(s->machine.dax_window, 0);
	CU_ASSERT_EQUAL(s->device.order, SCN_ORDER_IN);
	CU_ASSERT_EQUAL(s->device.batch, 1);
	CU_ASSERT_EQUAL(s->device.workers, 1);
	CU_ASSERT_EQUAL(s->policy.kind, SCN_POLICY_FIFO);
	CU_ASSERT_STRING_EQUAL(s->policy.spec, "fifo");
	CU_ASSERT_EQUAL(s->migration.policy, SCN_MIGRATION_ABORT);
	CU_ASSERT_EQUAL(s->nr_bugs + s->nr_faults + s->nr_fs + s->nr_tasks +
				s->nr_triggers + s->nr_run,
			0);
	scenario_free(s);
	scenario_free(NULL);
}

static void test_config(void)
{
	struct scenario *s = parse_ok(scn_sample_full);
	const struct scn_machine *m = &s->machine;

	CU_ASSERT_EQUAL(m->pos.line, 2);
	CU_ASSERT_EQUAL(m->pos.col, 1);
	CU_ASSERT_PTR_EQUAL(m->pos.file, s->file);
	CU_ASSERT_EQUAL(m->set, 0x3ff);
	CU_ASSERT_EQUAL(m->devices, 2);
	CU_ASSERT_EQUAL(m->queues, 2);
	CU_ASSERT_EQUAL(m->queue_size, 64);
	CU_ASSERT_STRING_EQUAL(s->driver.variant, "mainline");
	CU_ASSERT_EQUAL(s->driver.variant_pos.line, 2);
	CU_ASSERT_EQUAL(m->cpus, 2);
	CU_ASSERT_TRUE(m->event_idx);
	CU_ASSERT_FALSE(m->indirect);
	CU_ASSERT_EQUAL(m->dax_window, 2u << 20);
	CU_ASSERT_EQUAL(s->driver.timeout_s, 15);
	CU_ASSERT_EQUAL(s->driver.max_timeout_s, 60);
	CU_ASSERT_EQUAL(s->driver.pos.line, 3);
	CU_ASSERT_EQUAL(s->driver.set, SCN_DRIVER_VARIANT | SCN_DRIVER_TIMEOUT |
					       SCN_DRIVER_MAX_TIMEOUT |
					       SCN_DRIVER_OPTIONS);
	CU_ASSERT_EQUAL(s->driver.options,
			(1u << VIRTIO_FS_OPT_STRICT_REPLIES) |
				(1u << VIRTIO_FS_OPT_BOUNDED_DRAIN));
	CU_ASSERT_EQUAL(s->device.options, 1u << VFS_DEV_OPT_PARK_SETLKW);
	CU_ASSERT_EQUAL(s->device.request_timeout_s, 20);
	CU_ASSERT_EQUAL_FATAL(s->nr_bugs, 2);
	CU_ASSERT_STRING_EQUAL(s->bugs[0].name, "forget-sends-list-head");
	CU_ASSERT_EQUAL(s->bugs[1].pos.line, 5);
	CU_ASSERT_EQUAL(s->bugs[1].pos.col, 5);
	CU_ASSERT_EQUAL(s->device.latency_ns, 10000);
	CU_ASSERT_EQUAL(s->device.order, SCN_ORDER_REVERSED);
	CU_ASSERT_EQUAL(s->device.batch, 4);
	CU_ASSERT_EQUAL(s->device.workers, 2);
	CU_ASSERT_EQUAL(s->device.seed, 42);
	CU_ASSERT_EQUAL(s->policy.kind, SCN_POLICY_RANDOM);
	CU_ASSERT_EQUAL(s->policy.seed, 42);
	CU_ASSERT_STRING_EQUAL(s->policy.spec, "random:42");
	CU_ASSERT_EQUAL_FATAL(s->nr_faults, 3);
	CU_ASSERT_STRING_EQUAL(s->faults[1].rule, "vq.full:from=2,count=5");
	CU_ASSERT_EQUAL(s->faults[1].pos.col, 7);
	CU_ASSERT_EQUAL(s->migration.policy, SCN_MIGRATION_GUEST_ERROR);
	CU_ASSERT_EQUAL(s->fs_pos.line, 12);
	CU_ASSERT_EQUAL_FATAL(s->nr_fs, 3);
	CU_ASSERT_EQUAL(s->fs[0].kind, SCN_FS_DIR);
	CU_ASSERT_STRING_EQUAL(s->fs[0].path, "/d");
	CU_ASSERT_EQUAL(s->fs[1].size, 4096);
	CU_ASSERT_PTR_NULL(s->fs[1].data);
	CU_ASSERT_STRING_EQUAL(s->fs[2].data, "hello\n\tq\"\\\x7f$");
	CU_ASSERT_EQUAL(s->fs[2].size, 12);
	CU_ASSERT_EQUAL(s->fs[2].pos.line, 15);
	CU_ASSERT_EQUAL(s->fs[2].pos.col, 3);
	scenario_free(s);
}

static void test_policies(void)
{
	struct scenario *s = parse_ok("policy replay:0,1,4294967295\n");

	CU_ASSERT_EQUAL(s->policy.kind, SCN_POLICY_REPLAY);
	CU_ASSERT_EQUAL_FATAL(s->policy.nr_replay, 3);
	CU_ASSERT_EQUAL(s->policy.replay[2], 4294967295u);
	scenario_free(s);
	s = parse_ok("policy replay:\n");
	CU_ASSERT_EQUAL(s->policy.nr_replay, 0);
	scenario_free(s);
	s = parse_ok("policy fifo\nmigration policy=abort\n");
	CU_ASSERT_EQUAL(s->policy.kind, SCN_POLICY_FIFO);
	CU_ASSERT_EQUAL(s->migration.pos.line, 2);
	scenario_free(s);
}

/* Task t1 of the full sample, op by op in source order. */
static void test_ops(void)
{
	struct scenario *s = parse_ok(scn_sample_full);
	const struct scn_task *t = &s->tasks[0];
	const struct scn_op *op = t->ops, *rep, *inner;

	CU_ASSERT_EQUAL_FATAL(s->nr_tasks, 2);
	CU_ASSERT_STRING_EQUAL(t->name, "t1");
	CU_ASSERT_EQUAL(t->cpu, 1);
	CU_ASSERT_TRUE(t->stop_on_error);
	CU_ASSERT_FALSE(t->daemon);
	CU_ASSERT_TRUE(s->tasks[1].daemon);
	CU_ASSERT_EQUAL(s->tasks[1].cpu, -1);
	CU_ASSERT_EQUAL(t->nr_ordinal, 38);
	CU_ASSERT_EQUAL_FATAL(t->nr_ops, 35);
	CU_ASSERT_EQUAL(op[0].kind, SCN_OP_MOUNT);
	CU_ASSERT_PTR_NULL(op[0].tag);
	CU_ASSERT_EQUAL(op[0].ordinal, 1);
	CU_ASSERT_STRING_EQUAL(op[1].tag, "my tag");
	CU_ASSERT_EQUAL(op[1].set, SCN_ARG_TAG);
	CU_ASSERT_EQUAL(op[2].kind, SCN_OP_LOOKUP);
	CU_ASSERT_EQUAL(op[2].pos.line, 20);
	CU_ASSERT_EQUAL(op[2].pos.col, 3);
	rep = &op[3];
	CU_ASSERT_EQUAL(rep->kind, SCN_OP_REPEAT);
	CU_ASSERT_EQUAL(rep->ordinal, 0);
	CU_ASSERT_EQUAL(rep->repeat, 100);
	CU_ASSERT_EQUAL_FATAL(rep->nr_body, 2);
	CU_ASSERT_STRING_EQUAL(rep->body[0].path, "/d/file\001");
	CU_ASSERT_EQUAL(rep->body[0].ordinal, 4);
	inner = &rep->body[1];
	CU_ASSERT_EQUAL(inner->repeat, 2);
	CU_ASSERT_EQUAL_FATAL(inner->nr_body, 3);
	CU_ASSERT_EQUAL(inner->body[0].kind, SCN_OP_CREATE);
	CU_ASSERT_STRING_EQUAL(inner->body[0].path, "/d/x \001");
	CU_ASSERT_STRING_EQUAL(inner->body[0].handle, "h\001");
	CU_ASSERT_EQUAL(inner->body[0].mode, 0600);
	CU_ASSERT_STRING_EQUAL(inner->body[1].data, "n=\001");
	CU_ASSERT_EQUAL(inner->body[2].ordinal, 7);
	CU_ASSERT_EQUAL(op[4].kind, SCN_OP_FORGET);
	CU_ASSERT_EQUAL(op[4].count, 2);
	CU_ASSERT_EQUAL(op[4].set, SCN_ARG_COUNT);
	CU_ASSERT_EQUAL(op[5].count, 1);
	CU_ASSERT_EQUAL(op[6].kind, SCN_OP_FORGET_ALL);
	CU_ASSERT_STRING_EQUAL(op[7].path, "/");
	CU_ASSERT_EQUAL(op[8].mode, 0644);
	CU_ASSERT_EQUAL(op[8].size, 1u << 20);
	CU_ASSERT_EQUAL(op[8].set, SCN_ARG_MODE | SCN_ARG_SIZE);
	CU_ASSERT_EQUAL(op[9].set, SCN_ARG_SIZE);
	CU_ASSERT_EQUAL(op[10].kind, SCN_OP_OPEN);
	CU_ASSERT_EQUAL(op[10].access, SCN_ACCESS_RW);
	CU_ASSERT_EQUAL(op[10].set, SCN_ARG_ACCESS | SCN_ARG_TRUNC);
	CU_ASSERT_EQUAL(op[11].access, SCN_ACCESS_RO);
	CU_ASSERT_EQUAL(op[11].set, 0);
	CU_ASSERT_EQUAL(op[12].kind, SCN_OP_READ);
	CU_ASSERT_STRING_EQUAL(op[12].handle, "f");
	CU_ASSERT_EQUAL(op[12].size, 4096);
	CU_ASSERT_STRING_EQUAL(op[12].data, "hello");
	CU_ASSERT_EQUAL(op[13].offset, 16);
	CU_ASSERT_EQUAL(op[13].size, 512);
	CU_ASSERT_STRING_EQUAL(op[14].data, "abc");
	CU_ASSERT_EQUAL(op[15].kind, SCN_OP_FLUSH);
	CU_ASSERT_EQUAL(op[16].lock, SCN_LOCK_READ);
	CU_ASSERT_EQUAL(op[16].size, 100);
	CU_ASSERT_EQUAL(op[17].lock, SCN_LOCK_WRITE);
	CU_ASSERT_EQUAL(op[18].kind, SCN_OP_SETLKW);
	CU_ASSERT_EQUAL(op[18].lock, SCN_LOCK_UNLOCK);
	CU_ASSERT_EQUAL(op[18].offset, 10);
	CU_ASSERT_EQUAL(op[19].kind, SCN_OP_DAX_MAP);
	CU_ASSERT_EQUAL(op[19].size, 2u << 20);
	CU_ASSERT_TRUE(op[19].set & SCN_ARG_DAX_RO);
	CU_ASSERT_EQUAL(op[20].moffset, 4096);
	CU_ASSERT_FALSE(op[20].set & SCN_ARG_DAX_RO);
	CU_ASSERT_EQUAL(op[21].kind, SCN_OP_DAX_UNMAP);
	CU_ASSERT_EQUAL(op[22].kind, SCN_OP_RELEASE);
	CU_ASSERT_EQUAL(op[23].kind, SCN_OP_OPENDIR);
	CU_ASSERT_EQUAL(op[24].count, 3);
	CU_ASSERT_EQUAL(op[24].set, SCN_ARG_EXPECT);
	CU_ASSERT_EQUAL(op[25].set, 0);
	CU_ASSERT_EQUAL(op[26].kind, SCN_OP_RELEASEDIR);
	CU_ASSERT_EQUAL(op[27].kind, SCN_OP_MKDIR);
	CU_ASSERT_STRING_EQUAL(op[28].path, "/e");
	CU_ASSERT_STRING_EQUAL(op[28].path2, "/f");
	CU_ASSERT_EQUAL(op[29].kind, SCN_OP_RMDIR);
	CU_ASSERT_EQUAL(op[30].kind, SCN_OP_UNLINK);
	CU_ASSERT_EQUAL(op[31].ns, 1000000);
	CU_ASSERT_EQUAL(op[32].kind, SCN_OP_YIELD);
	CU_ASSERT_EQUAL(op[33].kind, SCN_OP_FREEZE);
	CU_ASSERT_EQUAL(op[34].kind, SCN_OP_UMOUNT);
	CU_ASSERT_EQUAL(op[34].ordinal, 38);
	for (int k = SCN_OP_MOUNT; k <= SCN_OP_REPEAT; k++)
		CU_ASSERT_PTR_NOT_NULL(scenario_op_name(k));
	CU_ASSERT_STRING_EQUAL(scenario_op_name(SCN_OP_DAX_MAP), "dax-map");
	scenario_free(s);
}

static void test_triggers(void)
{
	struct scenario *s = parse_ok(scn_sample_full);
	const struct scn_trigger *tr = s->triggers;
	const struct scn_action *a;

	CU_ASSERT_EQUAL_FATAL(s->nr_triggers, 4);
	CU_ASSERT_EQUAL(tr[0].kind, SCN_TRIGGER_AT);
	CU_ASSERT_EQUAL(tr[0].ns, 1000000);
	CU_ASSERT_EQUAL_FATAL(tr[0].nr_actions, 13);
	a = tr[0].actions;
	CU_ASSERT_EQUAL(a[0].kind, SCN_ACT_DEVICE_PAUSE);
	CU_ASSERT_EQUAL(a[1].kind, SCN_ACT_DEVICE_RESUME);
	CU_ASSERT_EQUAL(a[2].kind, SCN_ACT_DEVICE_DIE);
	CU_ASSERT_EQUAL(a[3].kind, SCN_ACT_DEVICE_LATENCY);
	CU_ASSERT_EQUAL(a[3].ns, 2000);
	CU_ASSERT_EQUAL(a[4].order, SCN_ORDER_RANDOM);
	CU_ASSERT_EQUAL(a[5].kind, SCN_ACT_UNPLUG);
	CU_ASSERT_EQUAL(a[6].kind, SCN_ACT_MIGRATE);
	CU_ASSERT_EQUAL(a[7].kind, SCN_ACT_FREEZE);
	CU_ASSERT_EQUAL(a[8].kind, SCN_ACT_RESTORE);
	CU_ASSERT_EQUAL(a[9].kind, SCN_ACT_PICTURE);
	CU_ASSERT_STRING_EQUAL(a[9].queue, "hiprio");
	CU_ASSERT_PTR_NULL(a[9].file);
	CU_ASSERT_STRING_EQUAL(a[10].queue, "requests");
	CU_ASSERT_EQUAL(a[10].queue_index, 1);
	CU_ASSERT_STRING_EQUAL(a[10].file, "ring-one");
	CU_ASSERT_STRING_EQUAL(a[11].text, "hello there");
	CU_ASSERT_STRING_EQUAL(a[12].text, "note");
	CU_ASSERT_EQUAL(tr[1].kind, SCN_TRIGGER_ON);
	CU_ASSERT_EQUAL(tr[1].match.kind, SCN_MATCH_KIND);
	CU_ASSERT_STRING_EQUAL(tr[1].match.ev_kind, "vq.kick");
	CU_ASSERT_STRING_EQUAL(tr[1].match.func, "virtio_fs_enqueue_req");
	CU_ASSERT_EQUAL(tr[1].match.pos.col, 4);
	CU_ASSERT_EQUAL(tr[2].match.kind, SCN_MATCH_TEXT);
	CU_ASSERT_STRING_EQUAL(tr[2].match.text, "FUSE_LOOKUP");
	CU_ASSERT_PTR_NULL(tr[3].match.func);
	scenario_free(s);
}

static void test_run_program(void)
{
	struct scenario *s = parse_ok(scn_sample_full);
	const struct scn_run_item *r = s->run;
	const struct scn_expect *e;

	CU_ASSERT_EQUAL_FATAL(s->nr_run, 26);
	CU_ASSERT_EQUAL(r[0].kind, SCN_RUN_UNTIL);
	CU_ASSERT_STRING_EQUAL(r[0].match.ev_kind, "vq.kick");
	CU_ASSERT_EQUAL(r[1].match.kind, SCN_MATCH_TEXT);
	CU_ASSERT_EQUAL(r[2].kind, SCN_RUN_UNTIL_TIME);
	CU_ASSERT_EQUAL(r[2].ns, 3000000000ull);
	CU_ASSERT_EQUAL(r[3].kind, SCN_STEP);
	CU_ASSERT_EQUAL(r[3].steps, 10);
	CU_ASSERT_EQUAL(r[4].kind, SCN_RUN);
	for (size_t i = 5; i < s->nr_run; i++)
		CU_ASSERT_EQUAL(r[i].kind, SCN_EXPECT);
	e = &r[5].expect;
	CU_ASSERT_EQUAL(e->kind, SCN_EXPECT_QUEUE);
	CU_ASSERT_STRING_EQUAL(e->queue, "hiprio");
	CU_ASSERT_STRING_EQUAL(e->field, "queued_reqs");
	CU_ASSERT_EQUAL(e->cmp, SCN_CMP_EQ);
	CU_ASSERT_EQUAL(e->value, 3);
	e = &r[6].expect;
	CU_ASSERT_STRING_EQUAL(e->queue, "requests");
	CU_ASSERT_EQUAL(e->queue_index, 0);
	CU_ASSERT_EQUAL(e->cmp, SCN_CMP_NE);
	CU_ASSERT_EQUAL(e->value, -1);
	CU_ASSERT_EQUAL(r[7].expect.queue_index, 1);
	CU_ASSERT_EQUAL(r[7].expect.cmp, SCN_CMP_LT);
	CU_ASSERT_EQUAL(r[8].expect.kind, SCN_EXPECT_DEVICE);
	CU_ASSERT_STRING_EQUAL(r[8].expect.field, "inodes");
	CU_ASSERT_EQUAL(r[8].expect.cmp, SCN_CMP_LE);
	CU_ASSERT_EQUAL(r[9].expect.cmp, SCN_CMP_GT);
	CU_ASSERT_EQUAL(r[10].expect.cmp, SCN_CMP_GE);
	e = &r[11].expect;
	CU_ASSERT_EQUAL(e->kind, SCN_EXPECT_TASK_RETURNS);
	CU_ASSERT_PTR_EQUAL(e->task, &s->tasks[0]);
	CU_ASSERT_EQUAL(e->op, 0);
	CU_ASSERT_EQUAL(e->err, -ENOTCONN);
	CU_ASSERT_EQUAL(r[12].expect.err, 0);
	CU_ASSERT_EQUAL(r[13].expect.op, 1);
	CU_ASSERT_EQUAL(r[13].expect.err, -ENOENT);
	CU_ASSERT_EQUAL(r[14].expect.kind, SCN_EXPECT_TASK_STATE);
	CU_ASSERT_EQUAL(r[14].expect.state, SCN_TASK_DONE);
	CU_ASSERT_EQUAL(r[15].expect.state, SCN_TASK_BLOCKED);
	CU_ASSERT_EQUAL(r[16].expect.kind, SCN_EXPECT_TRACE_CONTAINS);
	CU_ASSERT_STRING_EQUAL(r[16].expect.text, "abc");
	CU_ASSERT_EQUAL(r[17].expect.kind, SCN_EXPECT_TRACE_LACKS);
	CU_ASSERT_EQUAL(r[18].expect.kind, SCN_EXPECT_TRACE_COUNT);
	CU_ASSERT_EQUAL(r[18].expect.value, 100);
	CU_ASSERT_EQUAL(r[19].expect.kind, SCN_EXPECT_NO_LEAKS);
	CU_ASSERT_EQUAL(r[20].expect.kind, SCN_EXPECT_REPORTS);
	CU_ASSERT_EQUAL(r[21].expect.kind, SCN_EXPECT_REPORT);
	CU_ASSERT_STRING_EQUAL(r[21].expect.text, "sleep.atomic");
	CU_ASSERT_EQUAL(r[22].expect.kind, SCN_EXPECT_LOOKUPS_BALANCED);
	CU_ASSERT_EQUAL(r[23].expect.status, SCN_STATUS_DEADLOCK);
	CU_ASSERT_EQUAL(r[24].expect.status, SCN_STATUS_DONE);
	CU_ASSERT_EQUAL(r[24].pos.line, 112);
	CU_ASSERT_EQUAL(r[25].expect.kind, SCN_EXPECT_LEAKS);
	CU_ASSERT_EQUAL(r[25].expect.cmp, SCN_CMP_LE);
	CU_ASSERT_EQUAL(r[25].expect.value, 3);
	CU_ASSERT_STRING_EQUAL(scenario_cmp_name(SCN_CMP_GE), ">=");
	scenario_free(s);
}

/* parse(dump(parse(x))) == parse(x), compared by their canonical dumps. */
static void test_round_trip(void)
{
	for (int i = 0; scn_samples[i]; i++) {
		struct scenario *a = parse_ok(scn_samples[i]), *b;
		char *da = dump(a), *db;

		b = parse_ok(da);
		db = dump(b);
		CU_ASSERT_STRING_EQUAL(da, db);
		CU_ASSERT_EQUAL(a->nr_tasks, b->nr_tasks);
		CU_ASSERT_EQUAL(a->nr_run, b->nr_run);
		for (size_t t = 0; t < a->nr_tasks; t++)
			CU_ASSERT_EQUAL(a->tasks[t].nr_ordinal,
					b->tasks[t].nr_ordinal);
		free(da);
		free(db);
		scenario_free(a);
		scenario_free(b);
	}
}

/* The dump of a known tree, byte for byte: canonical units and quoting. */
static void test_dump_canonical(void)
{
	struct scenario *s =
		parse_ok("device latency=1500us\n"
			 "task t\n"
			 "  mount \"a b\"\n"
			 "  repeat 3\n"
			 "    create \"/x$i y\" as h$i mode=7\n"
			 "    write h$i 0x400 \"\\$\\x02$i\\x1f\"\n"
			 "  end\n"
			 "  sleep 2000ms\n"
			 "end\n"
			 "on \"a\\\"b\"\n"
			 "  mark \"x=y\"\n"
			 "  mark \"\\$\"\n"
			 "end\n");
	char *d = dump(s);

	CU_ASSERT_STRING_EQUAL(d, "device latency=1500us\n"
				  "task t\n"
				  "  mount \"a b\"\n"
				  "  repeat 3\n"
				  "    create \"/x$i y\" as h$i mode=0007\n"
				  "    write h$i 1K \"\\$\\x02$i\\x1f\"\n"
				  "  end\n"
				  "  sleep 2s\n"
				  "end\n"
				  "on \"a\\\"b\"\n"
				  "  mark \"x=y\"\n"
				  "  mark \"\\$\"\n"
				  "end\n");
	free(d);
	scenario_free(s);
}

static void test_expand(void)
{
	char buf[16];

	CU_ASSERT_EQUAL(scenario_expand("/d/f\001", 42, buf, sizeof(buf)), 6);
	CU_ASSERT_STRING_EQUAL(buf, "/d/f42");
	CU_ASSERT_EQUAL(scenario_expand("\001-\001", 7, buf, sizeof(buf)), 3);
	CU_ASSERT_STRING_EQUAL(buf, "7-7");
	/* truncation works like snprintf() */
	CU_ASSERT_EQUAL(scenario_expand("abcdef\001", 123, buf, 5), 9);
	CU_ASSERT_STRING_EQUAL(buf, "abcd");
	CU_ASSERT_EQUAL(scenario_expand("abc", 0, NULL, 0), 3);
	CU_ASSERT_EQUAL(scenario_expand("", 0, buf, 1), 0);
	CU_ASSERT_STRING_EQUAL(buf, "");
}

static void test_names(void)
{
	const char *const *b = scenario_bug_names();
	const char *const *v = scenario_variant_names();
	int n = 0;

	for (; b[n]; n++) {
		const struct virtio_fs_bug_info *bi =
			virtio_fs_bug_info((enum virtio_fs_bug)n);
		char text[120];
		struct scenario *s;
		int var = 0;

		/* on the first variant whose code has the switch */
		while (!(bi->variants & (1u << var)))
			var++;
		snprintf(text, sizeof(text), "driver variant=%s\nbug %s\n",
			 v[var], b[n]);
		s = parse_ok(text);
		CU_ASSERT_PTR_EQUAL(s->bugs[0].name, b[n]);
		scenario_free(s);
	}
	/* every switch the driver has, by the driver's own names */
	CU_ASSERT_EQUAL(n, VIRTIO_FS_NR_BUGS);
	for (int i = 0; i < VIRTIO_FS_NR_BUGS; i++)
		CU_ASSERT_STRING_EQUAL(
			b[i], virtio_fs_bug_name((enum virtio_fs_bug)i));
	CU_ASSERT_STRING_EQUAL(b[VIRTIO_FS_BUG_DRAIN_BY_POLLING],
			       "drain-by-polling");
	CU_ASSERT_STRING_EQUAL(v[0], "v5-2019");
	CU_ASSERT_STRING_EQUAL(v[1], "6.1");
	CU_ASSERT_STRING_EQUAL(v[2], "mainline");
	CU_ASSERT_PTR_NULL(v[3]);
}

/* Every errno name fuse_proto knows reads back as its value. */
static void test_errnos(void)
{
	static const struct {
		const char *text;
		int err;
	} cases[] = {
		{ "0", 0 },
		{ "EPERM", -EPERM },
		{ "-ENOENT", -ENOENT },
		{ "-EINTR", -EINTR },
		{ "EAGAIN", -EAGAIN },
		{ "-ENOTCONN", -ENOTCONN },
		{ "-ENOSYS", -ENOSYS },
		{ "-EHWPOISON", -EHWPOISON },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[128];
		struct scenario *s;

		snprintf(text, sizeof(text),
			 "task t\n yield\nend\nexpect task t returns %s\n",
			 cases[i].text);
		s = parse_ok(text);
		CU_ASSERT_EQUAL(s->run[0].expect.err, cases[i].err);
		scenario_free(s);
	}
}

static void test_lexical(void)
{
	/* CRLF line ends, tabs, comments after tokens, a '#' in a string */
	struct scenario *s = parse_ok("task\tt # comment\r\n"
				      "\tmount \"#not a comment\"#c\r\n"
				      "\tmount \"\\x4A\\x4b\"\n"
				      "end\r\n"
				      "run\r");

	CU_ASSERT_STRING_EQUAL(s->tasks[0].ops[0].tag, "#not a comment");
	CU_ASSERT_STRING_EQUAL(s->tasks[0].ops[1].tag, "JK");
	CU_ASSERT_EQUAL(s->tasks[0].ops[0].pos.col, 2);
	CU_ASSERT_EQUAL(s->nr_run, 1);
	scenario_free(s);
}

static void test_lexical_values(void)
{
	struct scenario *s =
		parse_ok("machine dax-window=1G timeout=65535s\n"
			 "device seed=0xffffffffffffffff latency=0s\n"
			 "task t\n"
			 "  sleep 18446744073ms\n"
			 "end\n"
			 "expect device.dead == -9223372036854775808\n"
			 "expect device.dead == 0x7fffffffffffffff\n");

	CU_ASSERT_EQUAL(s->machine.dax_window, 1ull << 30);
	CU_ASSERT_EQUAL(s->driver.timeout_s, 65535);
	CU_ASSERT_EQUAL(s->device.seed, UINT64_MAX);
	CU_ASSERT_EQUAL(s->tasks[0].ops[0].ns, 18446744073000000ull);
	CU_ASSERT_EQUAL(s->run[0].expect.value, INT64_MIN);
	CU_ASSERT_EQUAL(s->run[1].expect.value, INT64_MAX);
	scenario_free(s);
}

static void test_parse_file(void)
{
	char path[] = "/tmp/vfsim-scn-XXXXXX";
	struct scenario_error e;
	struct scenario *s = NULL;
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, scn_sample_full, strlen(scn_sample_full)),
			(ssize_t)strlen(scn_sample_full));
	close(fd);
	CU_ASSERT_EQUAL_FATAL(scenario_parse_file(path, &s, &e), 0);
	CU_ASSERT_STRING_EQUAL(s->file, path);
	CU_ASSERT_EQUAL(s->nr_tasks, 2);
	scenario_free(s);

	/* a NUL byte is named where it is */
	fd = open(path, O_WRONLY | O_TRUNC);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, "run\nab\0c", 8), 8);
	close(fd);
	CU_ASSERT_EQUAL(scenario_parse_file(path, &s, &e), -EINVAL);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_EQUAL(e.line, 2);
	CU_ASSERT_EQUAL(e.col, 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, ":2:3: error: NUL byte"));
	unlink(path);

	CU_ASSERT_EQUAL(scenario_parse_file(path, &s, &e), -ENOENT);
	CU_ASSERT_EQUAL(e.code, -ENOENT);
	CU_ASSERT_EQUAL(e.line, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "error: cannot read"));
	CU_ASSERT_EQUAL(scenario_parse_file("/", &s, NULL), -EISDIR);
	CU_ASSERT_PTR_NULL(s);
}

/* A file larger than the internal buffer's first sizes. */
static void test_parse_file_large(void)
{
	char path[] = "/tmp/vfsim-scn-XXXXXX";
	struct scenario *s = NULL;
	int fd = mkstemp(path);
	FILE *f;

	CU_ASSERT_FATAL(fd >= 0);
	f = fdopen(fd, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("task t\n", f);
	for (int i = 0; i < 5000; i++)
		fprintf(f, "  lookup /f%d\n", i);
	fputs("end\n", f);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(scenario_parse_file(path, &s, NULL), 0);
	CU_ASSERT_EQUAL(s->tasks[0].nr_ops, 5000);
	CU_ASSERT_STRING_EQUAL(s->tasks[0].ops[4999].path, "/f4999");
	scenario_free(s);
	unlink(path);
}

/* Files past 16 MiB are refused before they are read whole. */
static void test_parse_file_too_big(void)
{
	char path[] = "/tmp/vfsim-scn-XXXXXX";
	struct scenario_error e;
	struct scenario *s = NULL;
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(ftruncate(fd, (17 << 20)), 0);
	close(fd);
	CU_ASSERT_EQUAL(scenario_parse_file(path, &s, &e), -EFBIG);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "error: cannot read"));
	unlink(path);
}

VT_SUITE(cli_scenario_parse, NULL, NULL, VT_CASE(test_defaults),
	 VT_CASE(test_config), VT_CASE(test_policies), VT_CASE(test_ops),
	 VT_CASE(test_triggers), VT_CASE(test_run_program),
	 VT_CASE(test_round_trip), VT_CASE(test_dump_canonical),
	 VT_CASE(test_expand), VT_CASE(test_names), VT_CASE(test_errnos),
	 VT_CASE(test_lexical), VT_CASE(test_lexical_values),
	 VT_CASE(test_parse_file), VT_CASE(test_parse_file_large),
	 VT_CASE(test_parse_file_too_big));
