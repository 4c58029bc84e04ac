/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vfsim.h
 * @ingroup lib
 * @brief libvfsim's public API: build a simulated virtio-fs machine, give
 * it a file tree and guest programs, run it, look at it, take it down.
 *
 * This is the one header a program using the library includes
 * (`pkg-config --cflags --libs vfsim`). It declares the configuration,
 * the machine and its file system builder, and includes the rest of the
 * API from topic headers `make install` installs beside it, which are
 * not included on their own: vfsim_task.h (guest programs), vfsim_run.h
 * (running, device and transport events) and vfsim_observe.h
 * (observers). Everything they declare is covered by the stability
 * promise of library.md ("Using the library"): within a major version
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

#ifdef __cplusplus
}
#endif

/* The rest of the API, by topic (each needs the declarations above). */
#include "vfsim_task.h"
#include "vfsim_run.h"
#include "vfsim_observe.h"

#endif /* VFSIM_VFSIM_H */
