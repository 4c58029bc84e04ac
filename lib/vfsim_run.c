// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfsim_run.c - the library's runs (run, step, run until), its file
 * system builder, and device and transport events.
 *
 * A run stops where nothing more can happen. Beyond the scheduler's own
 * ends (done, deadlock, limits), a device that is paused or dead while the
 * guest waits for it is a stop of its own: the tasks are blocked on
 * requests the device holds, and nothing in the machine can wake them,
 * but that is the situation the caller made, so the run stops before the
 * scheduler would call it a deadlock and file a report per blocked task.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/vfsim_internal.h"
#include "sim/trace/host.h"
#include "sim/trace/trace.h"

static const char *const stop_names[] = {
	[VFSIM_STEPPED] = "stepped",
	[VFSIM_DONE] = "done",
	[VFSIM_UNTIL] = "until",
	[VFSIM_PAUSED] = "paused",
	[VFSIM_DEVICE_DEAD] = "device dead",
	[VFSIM_DEADLOCK] = "deadlock",
	[VFSIM_STEP_LIMIT] = "step limit",
	[VFSIM_TIME_LIMIT] = "time limit",
	[VFSIM_REFUSED] = "refused",
};

const char *vfsim_stop_name(enum vfsim_stop stop)
{
	if ((unsigned)stop >= sizeof(stop_names) / sizeof(stop_names[0]))
		return "unknown";
	return stop_names[stop];
}

/* Nothing can run and nothing will wake up before the device does, and
 * the guest has left it something: a task waiting, or a request or
 * FORGET (which nobody waits for) on a ring or parked. */
static bool waits_for_device(struct vfsim *vm)
{
	struct vfsim_machine *m = vfsim_session_machine(vm->ss);

	return (m->paused || vfsim_machine_dead(m)) &&
	       sched_next_time() == UINT64_MAX &&
	       (!sched_tasks_done() || vfsim_machine_work_left(m));
}

static enum vfsim_stop stop_of(enum sched_status st)
{
	switch (st) {
	case SCHED_DONE:
		return VFSIM_DONE;
	case SCHED_DEADLOCK:
		return VFSIM_DEADLOCK;
	case SCHED_LIMIT:
		return VFSIM_STEP_LIMIT;
	case SCHED_TIME_LIMIT:
		return VFSIM_TIME_LIMIT;
	default:
		return VFSIM_STEPPED;
	}
}

/* Step until @stop says so, @steps steps were taken, or the run stops. */
static enum vfsim_stop go(struct vfsim *vm, uint64_t steps,
			  bool (*stop)(void *arg), void *arg)
{
	struct vfsim_machine *m = vfsim_session_machine(vm->ss);

	for (uint64_t n = 0;; n++) {
		enum sched_status st;

		if (stop && stop(arg))
			return VFSIM_UNTIL;
		if (n == steps)
			return VFSIM_STEPPED;
		if (waits_for_device(vm))
			return m->paused ? VFSIM_PAUSED : VFSIM_DEVICE_DEAD;
		st = vfsim_session_step(vm->ss);
		if (st != SCHED_STEPPED && st != SCHED_TIMER)
			return stop_of(st);
	}
}

enum vfsim_stop vfsim_run(struct vfsim *vm)
{
	return go(vm, UINT64_MAX, NULL, NULL);
}

enum vfsim_stop vfsim_step(struct vfsim *vm, uint64_t steps)
{
	return go(vm, steps, NULL, NULL);
}

enum vfsim_stop vfsim_run_until(struct vfsim *vm, bool (*stop)(void *arg),
				void *arg)
{
	return go(vm, UINT64_MAX, stop, arg);
}

static bool hit(void *arg)
{
	return ((struct vfsim *)arg)->until_hit;
}

enum vfsim_stop vfsim_run_until_event(struct vfsim *vm, const char *pattern)
{
	struct scenario_error err;
	struct scenario *s;
	enum vfsim_stop st;
	char *text;
	size_t n;

	if (!pattern || strchr(pattern, '\n')) {
		vfsim_fail(-EINVAL, "vfsim_run_until_event: the pattern is "
				    "missing or holds a newline");
		return VFSIM_REFUSED;
	}
	n = strlen(pattern) + 16;
	text = host_malloc(n);
	snprintf(text, n, "run until %s\n", pattern);
	if (scenario_parse_string("pattern", text, &s, &err)) {
		host_free(text);
		vfsim_fail(err.code, "vfsim_run_until_event: %s",
			   vfsim_parse_message(&err));
		return VFSIM_REFUSED;
	}
	host_free(text);
	vm->until = &s->run[0].match;
	vm->until_hit = false;
	st = go(vm, UINT64_MAX, hit, vm);
	vm->until = NULL;
	scenario_free(s);
	return st;
}

static bool past(void *arg)
{
	return sched_next_time() > *(uint64_t *)arg;
}

enum vfsim_stop vfsim_run_until_time(struct vfsim *vm, uint64_t ns)
{
	return go(vm, UINT64_MAX, past, &ns);
}

uint64_t vfsim_now(const struct vfsim *vm)
{
	(void)vm;
	return sched_now();
}

/* One entry of the device's file system, as an `fs` block line. */
static int fs_entry(struct vfsim *vm, enum scn_fs_kind kind, const char *path,
		    const void *data, uint64_t size)
{
	struct vfsim_machine *m = vfsim_session_machine(vm->ss);
	struct scn_fs_entry e = { .pos = { .file = "vfsim_fs" },
				  .kind = kind,
				  .path = path,
				  .data = data,
				  .size = size };
	struct scenario s = { .fs = &e, .nr_fs = 1 };
	char err[VFSIM_MACHINE_ERR_MAX];
	int ret;

	if (!path || path[0] != '/')
		return vfsim_fail(-EINVAL,
				  "vfsim_fs: the path \"%s\" is not "
				  "absolute",
				  path ? path : "(null)");
	if (!m->cur)
		return vfsim_fail(-ENODEV,
				  "vfsim_fs: %s: the device is not "
				  "in this process",
				  path);
	ret = vfsim_machine_populate(m->cur, &s, err, sizeof(err));
	if (ret) {
		const char *what = strstr(err, "cannot");

		return vfsim_fail(ret, "vfsim_fs: %s", what ? what : err);
	}
	return 0;
}

int vfsim_fs_dir(struct vfsim *vm, const char *path)
{
	return fs_entry(vm, SCN_FS_DIR, path, NULL, 0);
}

int vfsim_fs_file(struct vfsim *vm, const char *path, const void *data,
		  size_t len)
{
	/* An empty file still has data: NULL would mean a pattern. */
	return fs_entry(vm, SCN_FS_FILE, path, data ? data : "", len);
}

int vfsim_fs_file_pattern(struct vfsim *vm, const char *path, uint64_t size)
{
	return fs_entry(vm, SCN_FS_FILE, path, NULL, size);
}

static int action_task(void *arg)
{
	struct vfsim_action *va = arg;

	if (!vfsim_exec_of(va->vm)->closing)
		exec_action_run(vfsim_exec_of(va->vm), &va->a);
	return 0;
}

/* Queue @a in a task of its own, as an `at` block's actions run. */
static int act(struct vfsim *vm, const struct scn_action *a, const char *text)
{
	struct vfsim_action *va = host_calloc(1, sizeof(*va));

	va->vm = vm;
	va->a = *a;
	if (text) {
		va->text = host_strdup(text);
		va->a.text = va->text;
	}
	vm->acts = host_realloc(vm->acts, (vm->nr_acts + 1) * sizeof(va));
	vm->acts[vm->nr_acts++] = va;
	task_spawn(action_task, va, "vmm", TASK_FRONTEND, 0);
	return 0;
}

int vfsim_device_pause(struct vfsim *vm)
{
	return act(vm, &(struct scn_action){ .kind = SCN_ACT_DEVICE_PAUSE },
		   NULL);
}

int vfsim_device_resume(struct vfsim *vm)
{
	return act(vm, &(struct scn_action){ .kind = SCN_ACT_DEVICE_RESUME },
		   NULL);
}

int vfsim_device_die(struct vfsim *vm)
{
	return act(vm, &(struct scn_action){ .kind = SCN_ACT_DEVICE_DIE },
		   NULL);
}

int vfsim_device_latency(struct vfsim *vm, uint64_t ns)
{
	return act(vm,
		   &(struct scn_action){ .kind = SCN_ACT_DEVICE_LATENCY,
					 .ns = ns },
		   NULL);
}

int vfsim_unplug(struct vfsim *vm)
{
	return act(vm, &(struct scn_action){ .kind = SCN_ACT_UNPLUG }, NULL);
}

int vfsim_migrate(struct vfsim *vm)
{
	return act(vm, &(struct scn_action){ .kind = SCN_ACT_MIGRATE }, NULL);
}

int vfsim_freeze(struct vfsim *vm)
{
	return act(vm, &(struct scn_action){ .kind = SCN_ACT_FREEZE }, NULL);
}

int vfsim_restore(struct vfsim *vm)
{
	return act(vm, &(struct scn_action){ .kind = SCN_ACT_RESTORE }, NULL);
}

int vfsim_mark(struct vfsim *vm, const char *text)
{
	if (!text)
		return vfsim_fail(-EINVAL, "vfsim_mark: no text");
	return act(vm, &(struct scn_action){ .kind = SCN_ACT_MARK }, text);
}
