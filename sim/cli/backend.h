/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file backend.h
 * @brief Where a scenario's device runs: in this process (the default),
 *        or in a real vhost-user back end process that the machine drives
 *        through the front end of sim/vmm/vhost_user_frontend.h.
 *
 * | spec | the back end |
 * |------|--------------|
 * | `unix:PATH` or a path | whatever listens on the unix socket PATH (started by the user) |
 * | `spawn:vfsim` | `vfsim serve --socket ... --fs ... --once`, a second process with the scenario's `fs` block |
 * | `spawn:virtiofsd` | QEMU 7.2's C virtiofsd (`/usr/lib/qemu/virtiofsd`, or `$VFSIM_VIRTIOFSD`) over a source directory made from the `fs` block |
 *
 * `vfsim run --backend SPEC` sets it for a run; a scenario sets it with
 * `device backend=SPEC`. A spawned back end lives in a directory of its
 * own under `$TMPDIR` (socket, source tree, log), is stopped after the run
 * and the directory removed; its exit status is kept (a daemon that
 * exits on a malformed frame is part of what a run shows).
 *
 * Against an external back end, what only the in-process device can do
 * or show is refused when the machine is built, with the scenario line
 * that asked for it: expectations about the device's insides
 * (`device.inodes`, `.handles`, `.lookups`, `.requests`, `.suspended`,
 * `lookups balanced`), the `device` line's behaviour keys and the
 * `device latency=`/`order=` actions, device fault points (`dev.*`) except
 * with `spawn:vfsim`, which hands them to the `vfsim serve` it starts, and
 * `machine devices=2`.
 * @ingroup sim_cli
 */
#ifndef VFSIM_SIM_CLI_BACKEND_H
#define VFSIM_SIM_CLI_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sim/cli/scenario.h"
#include "sim/vmm/vhost_user_frontend.h"

/** @brief Kind of back end. */
enum vfsim_backend_kind {
	VFSIM_BACKEND_SIM,	       ///< the in-process device (default)
	VFSIM_BACKEND_UNIX,	       ///< a socket someone else listens on
	VFSIM_BACKEND_SPAWN_VFSIM,     ///< `vfsim serve`, started here
	VFSIM_BACKEND_SPAWN_VIRTIOFSD, ///< QEMU's virtiofsd, started here
};

/** @brief A parsed back-end spec. */
struct vfsim_backend_spec {
	enum vfsim_backend_kind kind; ///< which
	char path[108];		      ///< VFSIM_BACKEND_UNIX: the socket
};

/** @brief A back end process started for a run. */
struct vfsim_backend_proc {
	pid_t pid;	///< the daemon, or 0
	char dir[96];	///< its directory (socket, source, log)
	char sock[128]; ///< its socket
	char log[128];	///< its standard error
	bool exited;	///< it was reaped
	int status;	///< waitpid()'s status once reaped
	bool killed;	///< it had to be killed at the end
};

/** @brief The machine's external back end(s): the source and, for
 *  `migrate`, the destination. */
struct vfsim_backend {
	struct vfsim_backend_spec spec;	   ///< what was asked for
	struct vfsim_backend_proc proc[2]; ///< spawned daemons
	struct vhost_user_frontend fe[2];  ///< their front ends
	bool connected[2];		   ///< fe[i] is live
	unsigned int cur;		   ///< the one serving the guest
};

/**
 * @brief Parse a back-end spec: `unix:PATH`, a path (containing a '/'),
 *        `spawn:vfsim`, `spawn:virtiofsd` or `sim`.
 * @return 0, or -EINVAL with @p err saying what is accepted
 */
int vfsim_backend_parse(const char *text, struct vfsim_backend_spec *out,
			char *err, size_t errsize);

/** @brief The spec's name as `vfsim run --backend` takes it. */
const char *vfsim_backend_name(const struct vfsim_backend_spec *spec);

/**
 * @brief What in @p s needs the in-process device (or, for device fault
 *        points, vfsim's device: @p spec spawn:vfsim takes them).
 * @return 0, or -EINVAL with @p err naming the line (FILE:LINE:COL)
 */
int vfsim_backend_check(const struct scenario *s,
			const struct vfsim_backend_spec *spec, char *err,
			size_t errsize);

/**
 * @brief Start a daemon for @p spec (spawn kinds only), its file system
 *        made from @p s's `fs` block, and wait until it listens.
 * @param p filled in
 * @param spec what to start
 * @param s the scenario
 * @param err why it failed (with the daemon's log's last line)
 * @param errsize its size
 * @return 0, or -errno (-ENOENT: the program is not installed)
 */
int vfsim_backend_spawn(struct vfsim_backend_proc *p,
			const struct vfsim_backend_spec *spec,
			const struct scenario *s, char *err, size_t errsize);

/**
 * @brief Wait a little for a daemon to leave (its front end closed the
 *        socket), then end it (SIGTERM, SIGKILL), reap it and remove its
 *        directory. Safe on a proc never started.
 */
void vfsim_backend_reap(struct vfsim_backend_proc *p);

/** @brief The last line of the daemon's log ("" when none), for
 *  messages. */
const char *vfsim_backend_log_tail(const struct vfsim_backend_proc *p,
				   char *buf, size_t size);

/**
 * @brief Connect back end @p i (0 source, 1 destination): spawn it if the
 *        spec says so, then open the front end.
 * @return 0, or -errno with @p err set
 */
int vfsim_backend_connect(struct vfsim_backend *b, unsigned int i,
			  const struct scenario *s, char *err, size_t errsize);

/** @brief Close every front end, then reap every daemon. */
void vfsim_backend_close(struct vfsim_backend *b);

/** @brief The front end serving the guest. */
struct vhost_user_frontend *vfsim_backend_cur(struct vfsim_backend *b);

#endif /* VFSIM_SIM_CLI_BACKEND_H */
