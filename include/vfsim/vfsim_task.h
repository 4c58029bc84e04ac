/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vfsim_task.h
 * @ingroup lib
 * @brief libvfsim's public API, guest programs: tasks, their operations
 * (as scenario lines or typed calls), their states and results.
 *
 * Part of <vfsim/vfsim.h>, which includes it: a program includes
 * <vfsim/vfsim.h> only, never this header on its own (it needs the
 * types declared there). The stability promise of vfsim.h covers it.
 */
#ifndef VFSIM_VFSIM_TASK_H
#define VFSIM_VFSIM_TASK_H

#ifndef VFSIM_VFSIM_H
#error "include <vfsim/vfsim.h>, not vfsim_task.h on its own"
#endif

#ifdef __cplusplus
extern "C" {
#endif

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

#ifdef __cplusplus
}
#endif

#endif /* VFSIM_VFSIM_TASK_H */
