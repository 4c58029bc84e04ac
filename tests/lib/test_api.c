// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_api.c - the public library (<vfsim/vfsim.h>): refused settings and
 * operations with their messages, one machine per process, the run's stop
 * states, the observers against the scenario language's view, trace sinks
 * and determinism. The examples in examples/ cover the rest against the
 * installed library.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "include/vfsim/vfsim.h"
#include "tests/harness.h"

static void test_version(void)
{
	char v[32];

	snprintf(v, sizeof(v), "%d.%d.%d", VFSIM_VERSION_MAJOR,
		 VFSIM_VERSION_MINOR, VFSIM_VERSION_PATCH);
	/* The Makefile's VERSION, the header's numbers and the library. */
	CU_ASSERT_STRING_EQUAL(v, VFSIM_VERSION);
	CU_ASSERT_STRING_EQUAL(vfsim_version(), VFSIM_VERSION);
}

static void refused(const struct vfsim_config *cfg, const char *words)
{
	struct vfsim *vm = vfsim_machine_new(cfg);

	CU_ASSERT_PTR_NULL(vm);
	if (vm) {
		vfsim_machine_free(vm);
		return;
	}
	if (!strstr(vfsim_error(), words))
		fprintf(stderr, "message \"%s\" lacks \"%s\"\n", vfsim_error(),
			words);
	CU_ASSERT_PTR_NOT_NULL(strstr(vfsim_error(), words));
}

static void test_bad_config(void)
{
	refused(&(struct vfsim_config){ .queue_size = 7 }, "queue-size");
	refused(&(struct vfsim_config){ .queues = 65 }, "queues");
	refused(&(struct vfsim_config){ .variant = "5.99" }, "mainline");
	refused(&(struct vfsim_config){ .bugs = "no-such-bug" },
		"forget-sends-list-head");
	refused(&(struct vfsim_config){ .device_order = "sideways" },
		"reversed");
	refused(&(struct vfsim_config){ .policy = "lifo" }, "fifo");
	refused(&(struct vfsim_config){ .faults = "kmalloc:nth=x" },
		"kmalloc:nth=x");
	refused(&(struct vfsim_config){ .tag = "a\nqueues=9" }, "newline");
	refused(&(struct vfsim_config){ .faults = "kmalloc:nth=1 #" }, "'#'");
	refused(&(struct vfsim_config){ .trace_format = 7 }, "trace_format");
	refused(&(struct vfsim_config){ .driver_options = "turbo" },
		"bounded-drain");
	refused(&(struct vfsim_config){ .device_options = "turbo" },
		"park-setlkw");
}

static void test_one_machine(void)
{
	struct vfsim *vm = vfsim_machine_new(NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(vm);
	CU_ASSERT_PTR_NULL(vfsim_machine_new(NULL));
	CU_ASSERT_PTR_NOT_NULL(strstr(vfsim_error(), "one per process"));
	CU_ASSERT_EQUAL(vfsim_machine_free(vm), 0);
	CU_ASSERT_EQUAL(vfsim_machine_free(NULL), 0);
	vm = vfsim_machine_new(NULL); /* free made room */
	CU_ASSERT_PTR_NOT_NULL(vm);
	vfsim_machine_free(vm);
}

static void test_bad_tasks_and_files(void)
{
	struct vfsim *vm = vfsim_machine_new(NULL);
	struct vfsim_task *t;
	int r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(vm);
	CU_ASSERT_EQUAL(vfsim_fs_dir(vm, "d"), -EINVAL);
	CU_ASSERT_EQUAL(vfsim_fs_dir(vm, "/d"), 0);
	CU_ASSERT_EQUAL(vfsim_fs_dir(vm, "/d"), -EINVAL); /* exists */
	CU_ASSERT_PTR_NOT_NULL(strstr(vfsim_error(), "/d"));
	CU_ASSERT_EQUAL(vfsim_fs_file(vm, "/x/y", "z", 1), -EINVAL);
	CU_ASSERT_EQUAL(vfsim_fs_file_pattern(vm, "/d/p", 100), 0);
	CU_ASSERT_PTR_NULL(vfsim_task_new(vm, "bad name"));
	CU_ASSERT_PTR_NULL(vfsim_task_new(vm, NULL));
	t = vfsim_task_new(vm, "t");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NULL(vfsim_task_new(vm, "t"));
	CU_ASSERT_PTR_NOT_NULL(strstr(vfsim_error(), "already"));
	CU_ASSERT_EQUAL(vfsim_op(t, "frobnicate /a"), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(vfsim_error(), "frobnicate"));
	CU_ASSERT_EQUAL(vfsim_op(t, "read h 0 1"), -ENOENT); /* no handle h */
	CU_ASSERT_EQUAL(vfsim_op(t, "mount\ngetattr /"), -EINVAL);
	CU_ASSERT_EQUAL(vfsim_op(t, "end"), -EINVAL);
	CU_ASSERT_EQUAL(vfsim_op(t, "mount"), 1);
	CU_ASSERT_EQUAL(vfsim_op(t, "repeat 2"), 0);
	CU_ASSERT_EQUAL(vfsim_opf(t, "getattr /d/%s", "p"), 2);
	CU_ASSERT_EQUAL(vfsim_task_start(t), -EINVAL); /* repeat still open */
	CU_ASSERT_EQUAL(vfsim_op(t, "end"), 0);
	CU_ASSERT_EQUAL(vfsim_op(t, "open /d/p as h"), 3);
	CU_ASSERT_EQUAL(vfsim_op(t, "read h 0 3 expect=\"abd\""), 4);
	CU_ASSERT_EQUAL(vfsim_task_stop_on_error(t), 0);
	CU_ASSERT_EQUAL(vfsim_op(t, "release h"), 5);
	CU_ASSERT_EQUAL(vfsim_task_state(t, NULL), VFSIM_TASK_NEW);
	CU_ASSERT_EQUAL(vfsim_task_result(t, 1, &r, NULL), -EAGAIN);
	CU_ASSERT_EQUAL(vfsim_task_start(t), 0);
	CU_ASSERT_EQUAL(vfsim_task_start(t), -EBUSY);
	CU_ASSERT_EQUAL(vfsim_op(t, "yield"), -EBUSY);
	CU_ASSERT_EQUAL(vfsim_task_stop_on_error(t), -EBUSY);
	CU_ASSERT_EQUAL(vfsim_run(vm), VFSIM_DONE);
	CU_ASSERT_EQUAL(vfsim_task_state(t, NULL), VFSIM_TASK_DONE);
	CU_ASSERT_EQUAL(vfsim_task_result(t, 2, &r, NULL), 0);
	CU_ASSERT_EQUAL(r, 0);
	/* "abc" was read, not "abd": EIO, and stop-on-error stopped it. */
	CU_ASSERT_EQUAL(vfsim_task_result(t, 4, &r, NULL), 0);
	CU_ASSERT_EQUAL(r, -EIO);
	CU_ASSERT_EQUAL(vfsim_task_result(t, 0, &r, NULL), 0);
	CU_ASSERT_EQUAL(r, -EIO);
	{
		const char *why = NULL;

		CU_ASSERT_EQUAL(vfsim_task_result(t, 5, &r, &why), -EAGAIN);
		CU_ASSERT_PTR_NOT_NULL(why && strstr(why, "never ran"));
	}
	CU_ASSERT_EQUAL(vfsim_task_result(t, 6, &r, NULL), -EINVAL);
	CU_ASSERT_EQUAL(vfsim_run_until_event(vm, "\"unterminated"),
			VFSIM_REFUSED);
	CU_ASSERT_EQUAL(vfsim_run_until_event(vm, NULL), VFSIM_REFUSED);
	/* a misspelled kind names the one meant */
	CU_ASSERT_EQUAL(vfsim_run_until_event(vm, "vq.kikc"), VFSIM_REFUSED);
	CU_ASSERT_PTR_NOT_NULL(strstr(vfsim_error(),
				      "unknown event kind 'vq.kikc' (did you "
				      "mean 'vq.kick'?)"));
	CU_ASSERT_EQUAL(vfsim_mark(vm, NULL), -EINVAL);
	/* the handle h was left open: the teardown releases it */
	CU_ASSERT_EQUAL(vfsim_machine_free(vm), 0);
}

/* A task of @vm running the operations of @ops (NULL-terminated), each
 * of which must be accepted, started. */
static struct vfsim_task *start(struct vfsim *vm, const char *name,
				const char *const *ops)
{
	struct vfsim_task *t = vfsim_task_new(vm, name);

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	for (; *ops; ops++)
		CU_ASSERT(vfsim_op(t, *ops) >= 0);
	CU_ASSERT_EQUAL(vfsim_task_start(t), 0);
	return t;
}

struct sink {
	unsigned events, ops;
	uint64_t last_seq;
};

static void on_event(const struct vfsim_event *ev, void *arg)
{
	struct sink *s = arg;

	s->events++;
	CU_ASSERT(ev->seq > s->last_seq);
	s->last_seq = ev->seq;
	if (!strcmp(ev->kind, "scn.op"))
		s->ops++;
	CU_ASSERT_PTR_NOT_NULL(strstr(ev->text, ev->kind));
}

/* One run: a stall, observers, run until, a mark; its trace hash. */
static uint64_t observed_run(FILE *file, struct sink *s)
{
	struct vfsim_config cfg = { .queue_size = 8,
				    .policy = "random",
				    .seed = 7,
				    .trace_file = file,
				    .trace_format = VFSIM_FORMAT_JSONL,
				    .trace_fn = on_event,
				    .trace_arg = s };
	struct vfsim *vm = vfsim_machine_new(&cfg);
	struct vfsim_queue q;
	struct vfsim_device d;
	struct vfsim_report rep;
	char line[256];
	uint64_t hash;

	CU_ASSERT_PTR_NOT_NULL_FATAL(vm);
	vfsim_fs_file(vm, "/f", "0123456789", 10);
	start(vm, "w",
	      (const char *const[]){ "mount", "repeat 3", "getattr /f", "end",
				     NULL });
	CU_ASSERT_EQUAL(vfsim_queue(vm, 9, &q), -ENODEV);
	CU_ASSERT_EQUAL(vfsim_queue_parked(vm, 9, NULL, 0), -ENODEV);
	CU_ASSERT_EQUAL(vfsim_step(vm, 3), VFSIM_STEPPED);
	CU_ASSERT_EQUAL(vfsim_run_until_event(vm, "fuse.end"), VFSIM_UNTIL);
	vfsim_device_pause(vm);
	vfsim_mark(vm, "paused here");
	CU_ASSERT_EQUAL(vfsim_run(vm), VFSIM_PAUSED);
	CU_ASSERT_EQUAL(vfsim_reports(vm, NULL), 0);
	CU_ASSERT_EQUAL(vfsim_device_state(vm, &d), 0);
	CU_ASSERT(d.paused && !d.dead);
	CU_ASSERT_EQUAL(vfsim_queue(vm, 1, &q), 0);
	CU_ASSERT_STRING_EQUAL(q.name, "requests.0");
	CU_ASSERT_EQUAL(q.size, 8);
	CU_ASSERT_EQUAL(q.in_flight, 1);
	CU_ASSERT_EQUAL(vfsim_requests_open(vm), 1);
	CU_ASSERT_EQUAL(vfsim_trace_matches(vm, "paused here"), 1);
	CU_ASSERT(vfsim_trace_find(vm, "paused here", 0) >= 0);
	CU_ASSERT(vfsim_trace_line(vm, 0, line, sizeof(line)) > 0);
	CU_ASSERT_EQUAL(vfsim_trace_line(vm, 1u << 30, line, sizeof(line)),
			-ERANGE);
	vfsim_device_latency(vm, 1000);
	vfsim_device_resume(vm);
	CU_ASSERT_EQUAL(vfsim_run(vm), VFSIM_DONE);
	CU_ASSERT_EQUAL(vfsim_requests_open(vm), 0);
	CU_ASSERT(vfsim_now(vm) >= 1000);
	CU_ASSERT_EQUAL(vfsim_report(vm, 0, &rep), -ERANGE);
	CU_ASSERT(vfsim_choices(vm, NULL, 0) > 7);
	CU_ASSERT_EQUAL(vfsim_trace_count(vm), s->last_seq);
	hash = vfsim_trace_hash(vm);
	CU_ASSERT_EQUAL(vfsim_machine_free(vm), 0);
	return hash;
}

static void test_observers_and_determinism(void)
{
	struct sink a = { 0 }, b = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	CU_ASSERT_EQUAL(observed_run(f, &a), observed_run(NULL, &b));
	fclose(f);
	CU_ASSERT_EQUAL(a.events, b.events);
	if (a.ops != 4)
		fprintf(stderr, "%u scn.op events\n", a.ops);
	CU_ASSERT_EQUAL(a.ops, 4); /* mount and three getattrs */
	CU_ASSERT(len > 0 && text[0] == '{');
	free(text);
}

/* A dead device holding a request: the run stops, no deadlock filed. */
static void test_dead_device_stops(void)
{
	struct vfsim_config cfg = { .faults = "dev.die:site=GETATTR" };
	struct vfsim *vm = vfsim_machine_new(&cfg);
	struct vfsim_task *t;
	const char *where = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(vm);
	t = start(vm, "t", (const char *const[]){ "mount", "getattr /", NULL });
	CU_ASSERT_EQUAL(vfsim_run(vm), VFSIM_DEVICE_DEAD);
	CU_ASSERT_EQUAL(vfsim_task_state(t, &where), VFSIM_TASK_BLOCKED);
	CU_ASSERT_PTR_NOT_NULL(where && strstr(where, "blocked"));
	CU_ASSERT_EQUAL(vfsim_reports(vm, "deadlock"), 0);
	CU_ASSERT_STRING_EQUAL(vfsim_stop_name(VFSIM_DEVICE_DEAD),
			       "device dead");
	CU_ASSERT_STRING_EQUAL(vfsim_stop_name(99), "unknown");
	vfsim_unplug(vm);
	vfsim_run(vm);
	vfsim_machine_free(vm);
}

/* A bug that reports on every request: every report is counted, only the
 * first 100 of the kind are stored (the rest would grow the process for as
 * long as the bug keeps firing). */
static void test_reports_capped(void)
{
	struct vfsim_config cfg = { .bugs = "forget-sends-list-head" };
	struct vfsim *vm = vfsim_machine_new(&cfg);
	struct vfsim_report rep;
	struct vfsim_task *t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(vm);
	CU_ASSERT_EQUAL(vfsim_fs_file(vm, "/a", "a", 1), 0);
	t = start(vm, "t",
		  (const char *const[]){ "mount", "repeat 1000", "lookup /a",
					 "forget /a", "end", NULL });
	(void)t;
	CU_ASSERT_EQUAL(vfsim_run(vm), VFSIM_DONE);
	CU_ASSERT_EQUAL(vfsim_reports(vm, "dev.infoleak"), 1000);
	CU_ASSERT_EQUAL(vfsim_reports_dropped(vm, "dev.infoleak"), 900);
	CU_ASSERT_EQUAL(vfsim_reports_dropped(vm, NULL), 900);
	CU_ASSERT_EQUAL(vfsim_reports_dropped(vm, "warn"), 0);
	CU_ASSERT_EQUAL(vfsim_report(vm, 99, &rep), 0);
	CU_ASSERT_STRING_EQUAL(rep.kind, "dev.infoleak");
	CU_ASSERT_EQUAL(vfsim_report(vm, 100, &rep), -ERANGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(vfsim_error(), "100 stored"));
	vfsim_machine_free(vm);
}

/* Migration, freeze and restore, and the settings that reach them. */
static void test_migrate_freeze(void)
{
	struct vfsim_config cfg = { .driver_options = "restore",
				    .dax_window = 1 << 21,
				    .device_request_timeout_s = 0,
				    .migration = true,
				    .migration_guest_error = true };
	struct vfsim *vm = vfsim_machine_new(&cfg);
	struct vfsim_task *u;
	struct vfsim_device d;
	int err;

	CU_ASSERT_PTR_NOT_NULL_FATAL(vm);
	vfsim_fs_file(vm, "/f", "x", 1);
	start(vm, "t", (const char *const[]){ "mount", "getattr /f", NULL });
	CU_ASSERT_EQUAL(vfsim_run(vm), VFSIM_DONE);
	vfsim_migrate(vm);
	CU_ASSERT_EQUAL(vfsim_run(vm), VFSIM_DONE);
	CU_ASSERT(vfsim_trace_matches(vm, "migrat") > 1);
	CU_ASSERT_EQUAL(vfsim_trace_matches(vm, "scn.action     migrate "
						"result 0"),
			1);
	/* the guest carries on on the target, which knows the file */
	u = start(vm, "u", (const char *const[]){ "getattr /f", NULL });
	CU_ASSERT_EQUAL(vfsim_run(vm), VFSIM_DONE);
	CU_ASSERT_EQUAL(vfsim_task_result(u, 1, &err, NULL), 0);
	CU_ASSERT_EQUAL(err, 0);
	CU_ASSERT_EQUAL(vfsim_device_state(vm, &d), 0);
	CU_ASSERT(d.inodes >= 2);
	vfsim_restore(vm); /* not frozen: refused, traced */
	vfsim_freeze(vm);
	vfsim_restore(vm);
	CU_ASSERT_EQUAL(vfsim_run(vm), VFSIM_DONE);
	CU_ASSERT_EQUAL(vfsim_trace_matches(vm, "restore result -EINVAL"), 1);
	CU_ASSERT_EQUAL(vfsim_trace_matches(vm, "freeze result 0"), 1);
	CU_ASSERT_EQUAL(vfsim_trace_matches(vm, "restore result 0"), 1);
	CU_ASSERT_EQUAL(vfsim_machine_free(vm), 0);
}

static bool after_two_ops(void *arg)
{
	int r;

	return vfsim_task_result(arg, 2, &r, NULL) == 0;
}

/* Every way a run stops: predicate, time, limits, a real deadlock (two
 * tasks waiting for each other's lock, which the device parks) with its
 * report. */
static void test_stop_states(void)
{
	struct vfsim_config cfg = { .max_steps = 400,
				    .device_options = "park-setlkw" };
	struct vfsim *vm = vfsim_machine_new(&cfg);
	struct vfsim_task *t;
	struct vfsim_report rep;

	CU_ASSERT_PTR_NOT_NULL_FATAL(vm);
	vfsim_fs_file(vm, "/f", "x", 1);
	t = start(vm, "a",
		  (const char *const[]){ "mount", "open /f as h rw",
					 "setlkw h w 0 0", "sleep 1ms",
					 "repeat 1000", "yield", "end", NULL });
	CU_ASSERT_EQUAL(vfsim_run_until(vm, after_two_ops, t), VFSIM_UNTIL);
	CU_ASSERT_EQUAL(vfsim_run_until_time(vm, 500000), VFSIM_UNTIL);
	CU_ASSERT(vfsim_now(vm) <= 500000);
	CU_ASSERT_EQUAL(vfsim_run(vm), VFSIM_STEP_LIMIT);
	CU_ASSERT_EQUAL(vfsim_machine_free(vm), 0);

	cfg = (struct vfsim_config){ .max_time_ns = 1000000 };
	vm = vfsim_machine_new(&cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vm);
	start(vm, "s", (const char *const[]){ "sleep 2ms", NULL });
	CU_ASSERT_EQUAL(vfsim_run(vm), VFSIM_TIME_LIMIT);
	CU_ASSERT_EQUAL(vfsim_machine_free(vm), 0);

	cfg = (struct vfsim_config){ .device_options = "park-setlkw" };
	vm = vfsim_machine_new(&cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vm);
	vfsim_fs_file(vm, "/f", "x", 1);
	vfsim_fs_file(vm, "/g", "y", 1);
	start(vm, "a",
	      (const char *const[]){ "mount", "open /f as f rw",
				     "open /g as g rw", "setlkw f w 0 0",
				     "sleep 1ms", "setlkw g w 0 0", NULL });
	start(vm, "b",
	      (const char *const[]){ "sleep 100us", "open /f as f rw",
				     "open /g as g rw", "setlkw g w 0 0",
				     "sleep 1ms", "setlkw f w 0 0", NULL });
	CU_ASSERT_EQUAL(vfsim_run(vm), VFSIM_DEADLOCK);
	CU_ASSERT(vfsim_reports(vm, "deadlock") >= 1);
	CU_ASSERT_EQUAL(vfsim_report(vm, 0, &rep), 0);
	CU_ASSERT_PTR_NOT_NULL(rep.kind);
	CU_ASSERT_PTR_NOT_NULL(rep.message);
	CU_ASSERT(rep.trace_seq > 0);
	vfsim_machine_free(vm);
}

/* What the builder refuses once the device is gone, and FORGETs parked
 * on hiprio while the device is paused. */
static void test_hiprio_parked(void)
{
	struct vfsim_config cfg = { .queue_size = 8 };
	struct vfsim *vm = vfsim_machine_new(&cfg);
	struct vfsim_parked p[16];
	struct vfsim_queue q;
	long n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(vm);
	for (int i = 0; i < 12; i++) {
		char path[16];

		snprintf(path, sizeof(path), "/f%d", i);
		vfsim_fs_file(vm, path, "x", 1);
	}
	start(vm, "t",
	      (const char *const[]){ "mount", "repeat 12", "lookup /f$i", "end",
				     NULL });
	CU_ASSERT_EQUAL(vfsim_run(vm), VFSIM_DONE);
	vfsim_device_pause(vm);
	start(vm, "u",
	      (const char *const[]){ "repeat 12", "forget /f$i", "end", NULL });
	CU_ASSERT_EQUAL(vfsim_run(vm), VFSIM_PAUSED);
	CU_ASSERT_EQUAL(vfsim_queue(vm, 0, &q), 0);
	CU_ASSERT_STRING_EQUAL(q.name, "hiprio");
	n = vfsim_queue_parked(vm, 0, p, 16);
	CU_ASSERT_EQUAL(n, q.parked);
	CU_ASSERT(n > 0);
	if (n > 0) {
		CU_ASSERT_EQUAL(p[0].opcode, 2); /* FUSE_FORGET */
		CU_ASSERT(p[0].nodeid > 1);
	}
	vfsim_device_resume(vm);
	CU_ASSERT_EQUAL(vfsim_run(vm), VFSIM_DONE);
	CU_ASSERT_EQUAL(vfsim_queue_parked(vm, 0, NULL, 0), 0);
	vfsim_unplug(vm);
	CU_ASSERT_EQUAL(vfsim_run(vm), VFSIM_DONE);
	CU_ASSERT_EQUAL(vfsim_queue(vm, 1, &q), -ENODEV);
	CU_ASSERT_PTR_NOT_NULL(strstr(vfsim_error(), "no device"));
	CU_ASSERT_EQUAL(vfsim_machine_free(vm), 0);
}

VT_SUITE(lib_api, NULL, NULL, VT_CASE(test_stop_states),
	 VT_CASE(test_hiprio_parked), VT_CASE(test_migrate_freeze),
	 VT_CASE(test_version), VT_CASE(test_bad_config),
	 VT_CASE(test_one_machine), VT_CASE(test_bad_tasks_and_files),
	 VT_CASE(test_observers_and_determinism),
	 VT_CASE(test_dead_device_stops), VT_CASE(test_reports_capped));
