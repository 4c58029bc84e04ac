/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vfsim.h
 * @ingroup lib
 * @brief libvfsim's public API: build a simulated virtio-fs machine, give
 * it a file tree and guest programs, run it, look at it, take it down.
 *
 * This is the one header `make install` installs, and the only one a
 * program using the library includes (`pkg-config --cflags --libs
 * vfsim`). Everything it declares is covered by the stability promise of
 * library.md ("Using the library"): within a major version
 * (#VFSIM_VERSION_MAJOR) a name declared here keeps its meaning and its
 * signature, and a zero-filled struct vfsim_config keeps meaning "the
 * defaults" (new fields are added at the end, zero meaning what the
 * library did before). Nothing else of the source tree is API.
 *
 * A machine is what a scenario file describes (scenarios.md), built
 * from C: the driver model of Linux's fs/fuse/virtio_fs.c on one side, a
 * virtio-fs device with its FUSE server on the other, split virtqueues in
 * simulated guest memory between them. Guest programs are tasks: a named
 * list of syscall-like operations (the scenario language's operations)
 * that runs when the machine runs. Everything is deterministic: the same
 * configuration, tasks and calls give the same trace, byte for byte.
 *
 *	struct vfsim_config cfg = { .queue_size = 8 };
 *	struct vfsim *vm = vfsim_machine_new(&cfg);
 *	struct vfsim_task *t;
 *
 *	vfsim_fs_file(vm, "/hello", "hi", 2);
 *	t = vfsim_task_new(vm, "cat");
 *	vfsim_op(t, "mount");
 *	vfsim_op(t, "getattr /hello");
 *	vfsim_task_start(t);
 *	vfsim_run(vm);                  // VFSIM_DONE
 *	vfsim_task_result(t, 2, &err, NULL); // err == 0
 *	vfsim_machine_free(vm);         // 0: no guest kernel object leaked
 *
 * One machine per process at a time: like a kernel, the simulator's
 * scheduler, trace and guest memory are process-wide. The library is not
 * thread-safe; call it from one thread.
 *
 * Errors: functions returning int give 0 (or a count) on success and a
 * negative errno on failure; vfsim_error() then says what was wrong in a
 * sentence, with the valid choices where there is a list of them.
 * Functions returning a pointer give NULL on failure, with vfsim_error()
 * set the same way. Like errno, vfsim_error() is set by a call that fails
 * and left alone by one that succeeds: read it right after the call whose
 * return said it failed, never to explain a failed check of your own.
 *
 * Numbering: trace positions are 1-based where they are shown (a line's
 * `#N`, struct vfsim_event::seq, "trace position #N" in messages,
 * vfsim_report::trace_seq); the index vfsim_trace_line() and
 * vfsim_trace_find() take and return is 0-based, so index i is the line
 * shown with the number i + 1. Queues: index 0 of vfsim_queue() is hiprio
 * and index i >= 1 is the request queue the trace and the scenario
 * language name "requests.(i - 1)".
 *
 * The installed documentation, in $(pkg-config --variable=prefix
 * vfsim)/share/doc/vfsim/: library.md (this API), scenarios.md (the
 * operations' and patterns' language), trace.md (the trace's line format
 * and every event kind), examples/.
 */
#ifndef VFSIM_VFSIM_H
#define VFSIM_VFSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Major version: the API changes incompatibly only with it. */
#define VFSIM_VERSION_MAJOR 0
/** @brief Minor version: additions that keep the API compatible. */
#define VFSIM_VERSION_MINOR 1
/** @brief Patch version: fixes only. */
#define VFSIM_VERSION_PATCH 0
#ifndef VFSIM_VERSION
/** @brief The version as a string, "MAJOR.MINOR.PATCH". */
#define VFSIM_VERSION "0.1.0"
#endif

/** @brief A simulated machine (opaque). */
struct vfsim;

/** @brief A guest program of a machine (opaque; freed with it). */
struct vfsim_task;

/** @brief One trace event, as a sink receives it. Its strings live
 *  until the sink returns. */
struct vfsim_event {
	uint64_t seq;	  ///< position in the trace, from 1
	uint64_t time_ns; ///< virtual time
	const char *task; ///< the task that made the step
	const char *kind; ///< what sort of step, e.g. "vq.add", "scn.op"
	const char *func; ///< the function, by its kernel name, or NULL
	const char *text; ///< the whole event as one line of the text trace
};

/** @brief Format of a trace file sink. */
enum vfsim_format {
	VFSIM_FORMAT_TEXT,  ///< one line per event (as `vfsim run` prints)
	VFSIM_FORMAT_JSONL, ///< one JSON object per line
};

/**
 * @brief What a machine is made of. Zero-fill it, then set what you need:
 * every zero (or NULL) field means the default given with it, which is
 * also the scenario language's default (scenarios.md names each
 * field's key).
 */
struct vfsim_config {
	/* The machine (`machine` line). */
	const char *tag; ///< mount tag ("myfs")
	unsigned queues; ///< request queues, 1..64 (1)
	/** ring entries, a power of two 2..32768 (128). The 6.1 and
	 *  mainline drivers refuse to mount on 4 or fewer (a request needs
	 *  more): the machine is built, but `mount` fails with -EIO and a
	 *  checker report of kind "warn" is filed, as Linux does */
	unsigned queue_size;
	unsigned cpus;	     ///< guest CPUs, 1..64 (1)
	bool event_idx;	     ///< negotiate VIRTIO_RING_F_EVENT_IDX (no)
	bool indirect;	     ///< negotiate VIRTIO_RING_F_INDIRECT_DESC (no)
	uint64_t dax_window; ///< bytes of the DAX window (0: none)

	/* The guest driver (`driver` and `bug` lines). */
	/** driver variant: "v5-2019", "6.1" or "mainline" ("mainline") */
	const char *variant;
	/** FUSE request timeout in seconds (0: none) */
	unsigned timeout_s;
	/** historical bugs switched back on, comma-separated names (NULL:
	 *  none; scenarios.md lists them, and a wrong one is refused
	 *  with the list) */
	const char *bugs;
	/** vfsim's own driver behaviours, comma-separated: restore,
	 *  bounded-drain, strict-replies, timeout-ms (NULL: none) */
	const char *driver_options;

	/* The device (`device` line). */
	uint64_t device_latency_ns; ///< time each request takes (0)
	unsigned device_batch;	    ///< requests taken per kick, 1..1024 (1)
	unsigned device_workers;    ///< device worker threads, 1..64 (1)
	/** completion order: "in", "reversed" or "random" ("in") */
	const char *device_order;
	uint64_t device_seed; ///< seed of device_order "random" (0)
	/** vfsim's own device behaviours, comma-separated: park-setlkw,
	 *  serve-disabled-rings, hiprio-first (NULL: none) */
	const char *device_options;
	/** the request timeout the device's INIT reply asks for, seconds
	 *  (0: none) */
	unsigned device_request_timeout_s;
	/** build a migration destination (a second device, whose workers
	 *  then appear in the trace), so that vfsim_migrate() can run */
	bool migration;
	/** a failed migration: false aborts it (the source carries on),
	 *  true fails the guest's requests ("guest-error") */
	bool migration_guest_error;
	/**
	 * where the device runs, as `vfsim run --backend` says it (NULL:
	 * in this process, the simulated device). "spawn:vfsim" starts
	 * `vfsim serve`, the program $VFSIM names (it must be set, e.g. to
	 * `$(pkg-config --variable=bindir vfsim)/vfsim`); "spawn:virtiofsd"
	 * starts QEMU's C virtiofsd (/usr/lib/qemu/virtiofsd, or
	 * $VFSIM_VIRTIOFSD) over a new empty directory; "unix:PATH" (or a
	 * path) connects to a vhost-user back end listening there. Its file
	 * system starts empty (vfsim_fs_*() refuse: the device is not in
	 * this process); tasks create what they need. A spawned back end is
	 * stopped by vfsim_machine_free(). With a real back end the run
	 * follows the wall clock while it waits and is not deterministic;
	 * what only the simulated device can do or show (device options,
	 * latency, device fault points except with spawn:vfsim) is refused
	 * when the machine is built, and so is an unknown back end, with
	 * the valid forms listed.
	 */
	const char *backend;

	/** fault plan: rules of the `fault` line's syntax separated by ';'
	 *  or newlines, e.g. "kmalloc:nth=3" (NULL: none); an unknown point
	 *  or option is refused with the valid ones listed */
	const char *faults;
	/** scheduling policy: "fifo", "random", "random:SEED" or
	 *  "replay:I,J,..." (NULL: fifo) */
	const char *policy;
	/** the seed of a policy given as plain "random" */
	uint64_t seed;

	uint64_t max_steps;   ///< step limit of all runs (0: 50 million)
	uint64_t max_time_ns; ///< virtual-time limit (0: 10 minutes)

	/* Trace sinks. The trace is always kept in memory for the
	 * vfsim_trace_*() queries; these see it as it is made. */
	FILE *trace_file; ///< write the trace here as it is made (NULL: no)
	enum vfsim_format trace_format; ///< @c trace_file's format
	/** call this for every trace event (NULL: no) */
	void (*trace_fn)(const struct vfsim_event *ev, void *arg);
	void *trace_arg; ///< passed to @c trace_fn
};

/** @brief The library's version, VFSIM_VERSION as it was built. */
const char *vfsim_version(void);

/** @brief What the last call that failed found wrong, in a sentence
 *  ("" when nothing failed yet). Successful calls leave it as it is
 *  (as errno): it explains a failure only right after the call that
 *  returned it. */
const char *vfsim_error(void);

/**
 * @brief Build a machine: guest memory, the device, the driver probed on
 * it. Nothing has run yet (vfsim_run() runs it).
 * @param cfg the configuration (NULL: every default)
 * @return the machine, or NULL: a setting is refused (vfsim_error() says
 *         which, with the valid values), or a machine already exists
 *         (one per process)
 */
struct vfsim *vfsim_machine_new(const struct vfsim_config *cfg);

/**
 * @brief Take the machine down: the tasks stop at their next operation, a
 * paused device is resumed so what it holds can end, mounts left are
 * unmounted, and everything is freed (tasks included).
 * @param vm the machine (NULL is fine)
 * @return guest kernel objects that were still allocated: each one a leak
 *         of the driver model (0 for a clean run)
 */
long vfsim_machine_free(struct vfsim *vm);

/** @name The device's file system builder
 *  Entries go straight into the device's in-memory file system, as the
 *  scenario language's `fs` block does; the guest sees them at its next
 *  lookup. Parents are not created: a parent must exist (-ENOENT), an
 *  entry must not (-EEXIST), a path must be absolute (-EINVAL); with a
 *  real back end every call is refused (-ENODEV). */
///@{
/** @brief Create directory @p path (absolute). @return 0 or -errno */
int vfsim_fs_dir(struct vfsim *vm, const char *path);
/** @brief Create file @p path holding @p len bytes of @p data.
 *  @return 0 or -errno */
int vfsim_fs_file(struct vfsim *vm, const char *path, const void *data,
		  size_t len);
/** @brief Create file @p path of @p size bytes of the pattern byte i =
 *  'a' + i % 26 (what `read ... expect=` checks against `size=` files).
 *  @return 0 or -errno */
int vfsim_fs_file_pattern(struct vfsim *vm, const char *path, uint64_t size);
///@}

/** @name Guest programs
 * A task is a guest process: write its operations, start it, run the
 * machine. Each operation is one line of the scenario language's task
 * body (scenarios.md, "Operations"): `mount`, `getattr /a`,
 * `open /a as f rw`, `read f 0 5 expect="hello"`, `write f 0 "x"`,
 * `setlkw f w 0 0`, `sleep 1ms`, `repeat 3` ... `end`, and the rest. */
///@{
/**
 * @brief A new task of @p vm. Up to 256 tasks per machine.
 *
 * Tasks share the machine's mounts, as processes do: an operation of a
 * task that has not mounted itself uses the latest mount any task made.
 * A mount counts once its `mount` operation has returned (INIT answered);
 * an operation that runs before any has fails with -ENODEV. So a task
 * that relies on another's mount waits for it: start it after
 * vfsim_run_until_event(vm, "\"mount op 1: 0\""), or give it a `sleep`
 * first, or (fifo policy) start it after the mounting task.
 * @param vm the machine
 * @param name its name in the trace (unique per machine)
 * @return the task, or NULL (a duplicate or malformed name, too many)
 */
struct vfsim_task *vfsim_task_new(struct vfsim *vm, const char *name);

/**
 * @brief Append operation @p line to task @p t, which has not started.
 * @return the operation's number (its ordinal, from 1), which
 *         vfsim_task_result() takes; 0 for `repeat N` and `end`, which
 *         are not operations; -EINVAL for a line that is not an
 *         operation (vfsim_error() gives the parser's message), -ENOENT
 *         for a handle no earlier operation of the task defines, -EBUSY
 *         once the task has started
 */
int vfsim_op(struct vfsim_task *t, const char *line);

/** @brief vfsim_op() with a printf format. */
int vfsim_opf(struct vfsim_task *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * @name Typed operations
 * The same operations as C calls, for values that are not scenario text
 * (a path with a space or a quote, bytes computed by the program). Each
 * takes its place in the task as a vfsim_op() line would (inside an
 * open `repeat` block too), returns the same operation number or a
 * negative errno (vfsim_error() says why: a bad path, an unknown
 * handle, bad flags), and mixes freely with vfsim_op(): a handle opened
 * by vfsim_op_open() is usable in a vfsim_op() line and the other way
 * round. Handles are named as in the language (1..64 letters, digits,
 * '_', '.' or '-', starting with a letter or '_'). Paths are absolute, without empty components or a
 * trailing '/'. The other operations (opendir, readdir, locks, DAX,
 * setattr, forget, yield, repeat) are vfsim_op() lines.
 *
 * Refusals: -EINVAL for a bad value (a relative path, size 0 or above
 * 16M, flags other than the access mode and O_TRUNC, a bad handle name),
 * -ENOENT for a handle no earlier operation of the task opened. A handle
 * that was released is still defined (the check is by name, when the
 * call is made); at run time an operation on it fails with -EBADF, as on
 * a closed descriptor, and sends nothing, until an open defines it again.
 */
///@{
/** @brief `mount [TAG]`: mount @p tag (NULL: the machine's tag).
 *  @return the operation's number, or -errno */
int vfsim_op_mount(struct vfsim_task *t, const char *tag);
/** @brief `umount`. @return the operation's number, or -errno */
int vfsim_op_umount(struct vfsim_task *t);
/** @brief `lookup PATH`: resolve @p path component by component.
 *  @return the operation's number, or -errno */
int vfsim_op_lookup(struct vfsim_task *t, const char *path);
/** @brief `getattr PATH`: stat(2) @p path (a LOOKUP per component not
 *  yet known, then GETATTR). @return the operation's number, or -errno */
int vfsim_op_stat(struct vfsim_task *t, const char *path);
/**
 * @brief `open PATH as HANDLE`: open(2) an existing file.
 * @param t the task
 * @param path the file
 * @param flags O_RDONLY, O_WRONLY or O_RDWR, optionally | O_TRUNC
 *        (anything else is refused)
 * @param handle the name later operations use for the open file
 * @return the operation's number, or -errno
 */
int vfsim_op_open(struct vfsim_task *t, const char *path, int flags,
		  const char *handle);
/** @brief `create PATH as HANDLE mode=MODE`: create and open @p path
 *  read-write, with permission bits @p mode (0..07777).
 *  @return the operation's number, or -errno */
int vfsim_op_create(struct vfsim_task *t, const char *path, unsigned mode,
		    const char *handle);
/**
 * @brief `read HANDLE OFFSET SIZE [expect=...]`: pread(2).
 * @param t the task
 * @param handle an open file
 * @param offset where to read
 * @param size how many bytes, 1..16M
 * @param expect the bytes the read must return (a C string; the
 *        operation fails with -EIO when they differ, and its trace line
 *        says -EIO and how they differ), or NULL: any
 * @return the operation's number, or -errno
 */
int vfsim_op_read(struct vfsim_task *t, const char *handle, uint64_t offset,
		  uint64_t size, const char *expect);
/** @brief `write HANDLE OFFSET "data"`: pwrite(2) the bytes of the C
 *  string @p data (1..16M of them). @return the operation's number, or
 *  -errno */
int vfsim_op_write(struct vfsim_task *t, const char *handle, uint64_t offset,
		   const char *data);
/** @brief `release HANDLE`: close(2) an open file.
 *  @return the operation's number, or -errno */
int vfsim_op_close(struct vfsim_task *t, const char *handle);
/** @brief `mkdir PATH`. @return the operation's number, or -errno */
int vfsim_op_mkdir(struct vfsim_task *t, const char *path);
/** @brief `unlink PATH`. @return the operation's number, or -errno */
int vfsim_op_unlink(struct vfsim_task *t, const char *path);
/** @brief `rmdir PATH`. @return the operation's number, or -errno */
int vfsim_op_rmdir(struct vfsim_task *t, const char *path);
/** @brief `rename FROM TO`. @return the operation's number, or -errno */
int vfsim_op_rename(struct vfsim_task *t, const char *from, const char *to);
/** @brief `sleep`: @p ns virtual nanoseconds (at least 1).
 *  @return the operation's number, or -errno */
int vfsim_op_sleep(struct vfsim_task *t, uint64_t ns);
///@}

/** @brief Stop task @p t at its first operation that fails (the
 *  language's `stop-on-error`). @return 0, or -EBUSY once started */
int vfsim_task_stop_on_error(struct vfsim_task *t);

/**
 * @brief Start task @p t: its operations are checked as a whole (a
 * handle used before it is opened, an unclosed `repeat`), then it runs
 * with the machine (at once when the machine is running, else at the
 * first step).
 * @return 0; -EINVAL for a program the language refuses (vfsim_error()
 *         says why), -EBUSY when already started
 */
int vfsim_task_start(struct vfsim_task *t);

/** @brief State of a task. */
enum vfsim_task_state {
	VFSIM_TASK_NEW,	     ///< not started
	VFSIM_TASK_RUNNABLE, ///< started, can run
	VFSIM_TASK_BLOCKED,  ///< waiting (for a reply, a lock, time, ...)
	VFSIM_TASK_DONE,     ///< returned
};

/**
 * @brief Where task @p t is.
 * @param t the task
 * @param where if not NULL, set to a description ("blocked in completion
 *        req", "done", ...) valid until the next call into the library
 */
enum vfsim_task_state vfsim_task_state(const struct vfsim_task *t,
				       const char **where);

/**
 * @brief The result of operation @p op of task @p t.
 * @param t the task
 * @param op the number vfsim_op() returned, or 0 for the task's result
 *        (its last operation's)
 * @param result set to the operation's result: 0 or a negative errno
 * @param why if not NULL, set when there is no result to what happened
 *        instead ("op 3 never ran: ...", "op 2 still waiting: ...")
 * @return 0 with @p *result set; -EAGAIN when the operation has no
 *         result (yet); -EINVAL for a number the task does not have
 */
int vfsim_task_result(const struct vfsim_task *t, unsigned op, int *result,
		      const char **why);
///@}

/** @name Running */
///@{
/** @brief Why a run stopped. */
enum vfsim_stop {
	VFSIM_STEPPED,	   ///< vfsim_step(): the steps were taken
	VFSIM_DONE,	   ///< every task returned and nothing is left to do
	VFSIM_UNTIL,	   ///< the run-until condition became true
	VFSIM_PAUSED,	   ///< nothing can run until the paused device resumes
	VFSIM_DEVICE_DEAD, ///< nothing can run: the device died with work
	VFSIM_DEADLOCK,	   ///< tasks are blocked and nothing can wake them
	VFSIM_STEP_LIMIT,  ///< vfsim_config::max_steps was reached
	VFSIM_TIME_LIMIT,  ///< vfsim_config::max_time_ns was reached
	/** the call was refused and nothing ran (vfsim_error() says why) */
	VFSIM_REFUSED,
};

/** @brief "done", "paused", ...: a stop reason's name. */
const char *vfsim_stop_name(enum vfsim_stop stop);

/**
 * @brief Run until nothing is left to do or nothing can progress. A
 * paused or dead device that holds the guest's requests stops the run
 * (VFSIM_PAUSED, VFSIM_DEVICE_DEAD) without a deadlock report: a device
 * that does not answer is the situation under test, not a bug.
 */
enum vfsim_stop vfsim_run(struct vfsim *vm);

/** @brief Take at most @p steps scheduling steps (each one task running
 *  to its next yield point, or the clock moving). @return VFSIM_STEPPED,
 *  or why it stopped sooner */
enum vfsim_stop vfsim_step(struct vfsim *vm, uint64_t steps);

/** @brief Run until @p stop(@p arg) is true (asked before every step).
 *  @return VFSIM_UNTIL, or why it stopped sooner */
enum vfsim_stop vfsim_run_until(struct vfsim *vm, bool (*stop)(void *arg),
				void *arg);

/**
 * @brief Run until a trace event matches @p pattern, as the language's
 * `run until` matches: a kind ("vq.kick"), a kind and function
 * ("fuse.end:fuse_request_end"), or, in double quotes, text the event's
 * line contains, as vfsim_trace_line() prints it ("\"op=GETATTR\"": a
 * request's lines name its opcode as op=NAME). A kind must be one the
 * trace emits (trace.md lists them): a misspelled one is refused, and
 * vfsim_error() names the nearest ("unknown event kind 'vq.kikc' (did
 * you mean 'vq.kick'?)"). A quoted text is searched as it is: one that
 * never occurs runs the machine to its end (VFSIM_DONE).
 * @return VFSIM_UNTIL, or why it stopped sooner (VFSIM_DONE: no such event
 *         came); VFSIM_REFUSED for a pattern the language refuses
 */
enum vfsim_stop vfsim_run_until_event(struct vfsim *vm, const char *pattern);

/** @brief Run until virtual time @p ns. @return VFSIM_UNTIL, or why it
 *  stopped sooner */
enum vfsim_stop vfsim_run_until_time(struct vfsim *vm, uint64_t ns);

/** @brief Virtual time now, in nanoseconds. */
uint64_t vfsim_now(const struct vfsim *vm);
///@}

/** @name Device and transport events
 * A call does not act at once: it queues the action in a task of its own
 * ("vmm"), as the language's `at` blocks do (an unplug, for one, sleeps
 * while it drains the queues, which only a task can do). That task is
 * runnable from the call on, behind the tasks that already are: under
 * the fifo policy each of them first runs to its next yield point (a
 * task may send a request and wait for it meanwhile); under a random
 * policy the policy picks. To act at a known point, run to it first, so
 * that nothing else is runnable when you call: vfsim_run_until_time()
 * while the tasks sleep, vfsim_run_until_event() on the event before,
 * or a stopped run (VFSIM_PAUSED, VFSIM_DONE).
 *
 * Each returns 0 once the action is queued; the action's own result
 * (0 or -errno) is traced when it runs, as a "scn.action" line ending in
 * "result R" (e.g. `scn.action device pause result 0`): search for it
 * with vfsim_trace_find(). */
///@{
/** @brief The device stops taking requests (a stalled daemon). */
int vfsim_device_pause(struct vfsim *vm);
/** @brief The paused device carries on. */
int vfsim_device_resume(struct vfsim *vm);
/** @brief The device dies: what it holds is never answered. */
int vfsim_device_die(struct vfsim *vm);
/** @brief New device latency from now on. */
int vfsim_device_latency(struct vfsim *vm, uint64_t ns);
/** @brief Hot-unplug the device: the driver's remove path. */
int vfsim_unplug(struct vfsim *vm);
/** @brief Migrate the device's state to a second device (vhost-user
 *  flow: suspend, save, load, resume); the guest carries on there.
 *  Needs vfsim_config::migration (else traced with -ENODEV). */
int vfsim_migrate(struct vfsim *vm);
/** @brief Suspend the device through the driver's freeze callback. */
int vfsim_freeze(struct vfsim *vm);
/** @brief Resume it through the driver's restore callback (after a
 *  freeze that succeeded; otherwise traced with -EINVAL). */
int vfsim_restore(struct vfsim *vm);
/** @brief Put @p text into the trace (kind "scn.mark"). */
int vfsim_mark(struct vfsim *vm, const char *text);
///@}

/** @name Observers */
///@{
/** @brief One virtqueue as the driver and the device see it. */
struct vfsim_queue {
	char name[24]; ///< "hiprio" or "requests.N"
	unsigned size; ///< ring entries
	/** free descriptors. Without INDIRECT a request takes one per
	 *  element of its scatter list: its in header, each in argument, its
	 *  out header, each out argument, and for data one per page of it. A
	 *  LOOKUP, a GETATTR, an OPEN or a READ of up to 4096 bytes takes 4,
	 *  a WRITE of up to 4096 bytes 5, a 12000-byte READ 6; the trace's
	 *  vq.add line says "descs=N out=O in=I". With INDIRECT each request
	 *  takes 1 */
	unsigned num_free;
	/** the driver's in_flight: requests sent on this queue and not
	 *  ended, whether on the ring (taken by the device or not) or
	 *  parked on queued_reqs */
	long in_flight;
	unsigned parked;    ///< requests parked on queued_reqs
	unsigned avail_idx; ///< the driver's avail index
	unsigned used_idx;  ///< the device's used index, in guest memory
	bool connected;	    ///< the driver's connected flag
};

/**
 * @brief Queue @p index of the driver: 0 is hiprio, 1..N the request
 * queues, named (q.name, the trace, the scenario language) "requests.0"
 * .. "requests.(N-1)".
 * @return 0; -ENODEV when the driver has no such queue (now: after an
 *         unplug it has none)
 */
int vfsim_queue(struct vfsim *vm, unsigned index, struct vfsim_queue *q);

/**
 * @brief FUSE request opcodes, as struct vfsim_parked::opcode gives them:
 * the numbers of the FUSE protocol (Linux's include/uapi/linux/fuse.h),
 * under a VFSIM_ prefix so they clash with no other header.
 * vfsim_opcode_name() gives the name the trace prints ("op=READ").
 */
enum vfsim_opcode {
	VFSIM_FUSE_LOOKUP = 1,		 ///< look a name up in a directory
	VFSIM_FUSE_FORGET = 2,		 ///< drop lookups; no reply
	VFSIM_FUSE_GETATTR = 3,		 ///< read attributes
	VFSIM_FUSE_SETATTR = 4,		 ///< change attributes
	VFSIM_FUSE_READLINK = 5,	 ///< read a symlink target
	VFSIM_FUSE_SYMLINK = 6,		 ///< create a symlink
	VFSIM_FUSE_MKNOD = 8,		 ///< create a node
	VFSIM_FUSE_MKDIR = 9,		 ///< create a directory
	VFSIM_FUSE_UNLINK = 10,		 ///< remove a name
	VFSIM_FUSE_RMDIR = 11,		 ///< remove a directory
	VFSIM_FUSE_RENAME = 12,		 ///< rename
	VFSIM_FUSE_LINK = 13,		 ///< hard link
	VFSIM_FUSE_OPEN = 14,		 ///< open a file
	VFSIM_FUSE_READ = 15,		 ///< read data
	VFSIM_FUSE_WRITE = 16,		 ///< write data
	VFSIM_FUSE_STATFS = 17,		 ///< file system statistics
	VFSIM_FUSE_RELEASE = 18,	 ///< close a file
	VFSIM_FUSE_FSYNC = 20,		 ///< sync a file
	VFSIM_FUSE_SETXATTR = 21,	 ///< set an extended attribute
	VFSIM_FUSE_GETXATTR = 22,	 ///< get an extended attribute
	VFSIM_FUSE_LISTXATTR = 23,	 ///< list extended attributes
	VFSIM_FUSE_REMOVEXATTR = 24,	 ///< remove an extended attribute
	VFSIM_FUSE_FLUSH = 25,		 ///< close of one descriptor
	VFSIM_FUSE_INIT = 26,		 ///< session negotiation
	VFSIM_FUSE_OPENDIR = 27,	 ///< open a directory
	VFSIM_FUSE_READDIR = 28,	 ///< read directory entries
	VFSIM_FUSE_RELEASEDIR = 29,	 ///< close a directory
	VFSIM_FUSE_FSYNCDIR = 30,	 ///< sync a directory
	VFSIM_FUSE_GETLK = 31,		 ///< test a lock
	VFSIM_FUSE_SETLK = 32,		 ///< set a lock
	VFSIM_FUSE_SETLKW = 33,		 ///< set a lock, waiting
	VFSIM_FUSE_ACCESS = 34,		 ///< permission check
	VFSIM_FUSE_CREATE = 35,		 ///< create and open
	VFSIM_FUSE_INTERRUPT = 36,	 ///< interrupt a request
	VFSIM_FUSE_BMAP = 37,		 ///< map a block
	VFSIM_FUSE_DESTROY = 38,	 ///< end of session
	VFSIM_FUSE_IOCTL = 39,		 ///< ioctl
	VFSIM_FUSE_POLL = 40,		 ///< poll
	VFSIM_FUSE_NOTIFY_REPLY = 41,	 ///< reply to NOTIFY_RETRIEVE
	VFSIM_FUSE_BATCH_FORGET = 42,	 ///< many FORGETs at once; no reply
	VFSIM_FUSE_FALLOCATE = 43,	 ///< allocate space
	VFSIM_FUSE_READDIRPLUS = 44,	 ///< entries with attributes
	VFSIM_FUSE_RENAME2 = 45,	 ///< rename with flags
	VFSIM_FUSE_LSEEK = 46,		 ///< SEEK_DATA / SEEK_HOLE
	VFSIM_FUSE_COPY_FILE_RANGE = 47, ///< server-side copy
	VFSIM_FUSE_SETUPMAPPING = 48,	 ///< map file range into DAX window
	VFSIM_FUSE_REMOVEMAPPING = 49,	 ///< unmap DAX window ranges
	VFSIM_FUSE_SYNCFS = 50,		 ///< sync the file system
	VFSIM_FUSE_TMPFILE = 51,	 ///< create an unnamed file
};

/** @brief The name the trace gives opcode @p opcode ("READ" for
 *  #VFSIM_FUSE_READ), or NULL for a number that is no FUSE opcode. */
const char *vfsim_opcode_name(uint32_t opcode);

/** @brief A request or FORGET parked on a queue's queued_reqs. */
struct vfsim_parked {
	uint64_t unique; ///< its FUSE unique (FORGETs get one too)
	uint32_t opcode; ///< its FUSE opcode (enum vfsim_opcode)
	uint64_t nodeid; ///< the inode it is about
};

/**
 * @brief The requests parked on queue @p index's queued_reqs, oldest
 * first (the mainline driver parks them when the ring is full; hiprio
 * parks FORGETs).
 * @param vm the machine
 * @param index queue, as vfsim_queue()
 * @param out filled with at most @p max entries (may be NULL when @p max
 *        is 0)
 * @param max room in @p out
 * @return the number parked (which may exceed @p max), or -ENODEV
 */
long vfsim_queue_parked(struct vfsim *vm, unsigned index,
			struct vfsim_parked *out, size_t max);

/** @brief The device's side. */
struct vfsim_device {
	bool paused;	///< vfsim_device_pause() in effect
	bool dead;	///< vfsim_device_die() (or it never came up)
	bool suspended; ///< every ring stopped (vhost-user)
	/** chains the device has taken off its rings and not yet answered.
	 *  A paused device takes none: what waits in a ring for it counts in
	 *  vfsim_queue::in_flight, not here */
	uint64_t requests;
	uint64_t inodes;  ///< inodes of its file system
	uint64_t handles; ///< open file and directory handles
	uint64_t lookups; ///< lookup counts the guest owes (root aside)
};

/** @brief Fill in @p d. @return 0 */
int vfsim_device_state(struct vfsim *vm, struct vfsim_device *d);

/**
 * @brief Requests the guest sent that have not ended, from the ledger of
 * the invariant "every request ends exactly once".
 */
uint64_t vfsim_requests_open(const struct vfsim *vm);

/** @brief A checker report: a bug the checkers found in the run. */
struct vfsim_report {
	const char *kind;    ///< e.g. "deadlock", "invariant", "spin.sleep"
	const char *message; ///< what, with task names and trace positions
	const char *task;    ///< the task that was running
	uint64_t trace_seq;  ///< trace position of the report's event
};

/**
 * @brief Reports filed so far (of kind @p kind, or all with NULL), stored
 * or not. Only the first 100 of each kind are stored for vfsim_report(); a
 * bug that reports on every retry of a loop is counted here in full.
 */
size_t vfsim_reports(const struct vfsim *vm, const char *kind);

/** @brief Reports filed so far (of kind @p kind, or all with NULL) that
 *  were not stored: those past the first 100 of their kind. */
size_t vfsim_reports_dropped(const struct vfsim *vm, const char *kind);

/** @brief Stored report @p i (from 0; there are vfsim_reports() -
 *  vfsim_reports_dropped() of them). @return 0, or -ERANGE */
int vfsim_report(const struct vfsim *vm, size_t i, struct vfsim_report *r);

/** @brief Events in the trace so far. */
uint64_t vfsim_trace_count(const struct vfsim *vm);

/** @brief Events whose text line contains @p text. */
uint64_t vfsim_trace_matches(const struct vfsim *vm, const char *text);

/**
 * @brief The first event at or after index @p from (0-based) whose line
 * contains @p text. @return its index (0-based: the line shows it plus 1),
 * or -1
 */
long vfsim_trace_find(const struct vfsim *vm, const char *text, size_t from);

/**
 * @brief Event @p i (0-based; its line shows i + 1 as its number) as a
 * line of text, truncated to @p size. The line is "TIME us #SEQ TASK KIND
 * TEXT" (trace.md gives the format and every kind).
 * @return the full line's length, like snprintf(), or -ERANGE
 */
int vfsim_trace_line(const struct vfsim *vm, size_t i, char *buf, size_t size);

/** @brief Hash of the whole trace: equal hashes, equal traces (the
 *  determinism check). A machine of the library always computes it
 *  (only `vfsim run`, which prints none, does without). */
uint64_t vfsim_trace_hash(const struct vfsim *vm);

/**
 * @brief The scheduling choices made so far as a policy string
 * ("replay:I,J,..."): vfsim_config::policy set to it replays this run.
 * @return its length, like snprintf() (@p buf may be NULL with size 0)
 */
int vfsim_choices(const struct vfsim *vm, char *buf, size_t size);
///@}

#ifdef __cplusplus
}
#endif

#endif /* VFSIM_VFSIM_H */
