// SPDX-License-Identifier: GPL-2.0-only
/*
 * serve_cli.c - `vfsim serve`: the command line around device/vfs_serve.h.
 * It picks the file system (a scenario's fs block, a copy of a host
 * directory, or an empty root), the device the scenario's machine and
 * device lines describe, the fault plan, and where the trace goes; the
 * serving itself is the device's.
 *
 * Exit status: 0 after a clean end, 1 when serving failed (socket,
 * mount, a device that cannot be made), 2 a usage error (nothing ran).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "device/memfs_import.h"
#include "device/vfs_serve.h"
#include "sim/cli/machine.h"
#include "sim/cli/scenario.h"
#include "sim/cli/vfsim_cli.h"
#include "sim/kernel/fault.h"
#include "sim/trace/trace.h"

static const char serve_usage[] =
	"usage: vfsim serve (--socket PATH | --fuse MOUNTPOINT)\n"
	"                   [--fs FILE.vfs | --dir HOSTDIR] [--faults PLAN]\n"
	"                   [--trace text|jsonl|none] [--out DIR] [--once]\n"
	"\n"
	"Serve the virtio-fs device to real peers, until SIGINT or SIGTERM.\n"
	"\n"
	"  --socket PATH  be a vhost-user back end on the unix socket PATH,\n"
	"                 for QEMU's vhost-user-fs-pci (-chardev socket,\n"
	"                 path=PATH); one front end at a time, each with a\n"
	"                 fresh device and file system\n"
	"  --fuse DIR     serve the file system to this host's kernel on\n"
	"                 /dev/fuse, mounted at DIR (unmounted at the end)\n"
	"  --fs FILE      the file system of the scenario's fs block; its\n"
	"                 machine line (queues, queue-size, event-idx,\n"
	"                 indirect) and device line (latency, order, batch,\n"
	"                 workers) set up the device, its fault lines join\n"
	"                 the plan\n"
	"  --dir DIR      a copy of host directory DIR, taken at start (the\n"
	"                 guest writes the copy; DIR is never modified;\n"
	"                 symbolic links and special files are left out)\n"
	"  --faults PLAN  fault rules separated by ';' (docs/device.md):\n"
	"                 dev.stall, dev.late, dev.die, dev.error,\n"
	"                 dev.bad-unique, dev.short, chosen by opcode and\n"
	"                 file name, e.g. 'dev.die:site=READ/last,nth=1'\n"
	"  --trace F      trace on standard output: text, jsonl or none\n"
	"                 (default none)\n"
	"  --out DIR      write the trace to DIR/trace.txt or trace.jsonl\n"
	"  --once         end when the first front end disconnects\n"
	"  --help         show this help and exit\n"
	"\n"
	"SIGUSR1 ends a stall (a dev.stall rule without arg=). With a real\n"
	"peer the clock is the wall clock: a run is not deterministic.\n"
	"\n"
	"exit status: 0 a clean end, 1 serving failed, 2 a usage error.\n";

struct serve_args {
	const char *socket, *fuse, *fs, *dir, *faults, *out, *trace;
	bool once;
	struct scenario *scn;
	FILE *trace_out, *trace_file;
	bool jsonl;
};

static int usage(FILE *err, const char *fmt, const char *arg)
{
	fputs("vfsim serve: ", err);
	fprintf(err, fmt, arg);
	fputs(" (see vfsim serve --help)\n", err);
	return 2;
}

static void trace_sink(const struct trace_event *ev, void *arg)
{
	struct serve_args *a = arg;
	char line[1024];
	int n = a->jsonl ? trace_format_json(ev, line, sizeof(line)) :
			   trace_format_text(ev, line, sizeof(line));

	if (n < 0)
		return;
	if (a->trace_out)
		fprintf(a->trace_out, "%s\n", line);
	if (a->trace_file)
		fprintf(a->trace_file, "%s\n", line);
}

static int populate(struct vfs_dev *dev, void *arg, char *err, size_t errsize)
{
	struct serve_args *a = arg;
	struct memfs_import_stats st;

	if (a->scn)
		return vfsim_machine_populate(dev, a->scn, err, errsize);
	if (a->dir)
		return memfs_import_dir(fuse_server_fs(vfs_dev_server(dev)),
					a->dir, &st, err, errsize);
	return 0;
}

static void configure(struct vfs_dev *dev, void *arg)
{
	struct serve_args *a = arg;

	if (a->scn)
		vfsim_machine_device_behaviour(dev, a->scn);
}

static int parse_args(struct serve_args *a, int argc, char **argv, FILE *out,
		      FILE *err)
{
	static const char *const valued[] = { "--socket", "--fuse",   "--fs",
					      "--dir",	  "--faults", "--out",
					      "--trace" };

	for (int i = 0; i < argc; i++) {
		const char *o = argv[i];
		const char **slot[] = { &a->socket, &a->fuse, &a->fs,	&a->dir,
					&a->faults, &a->out,  &a->trace };
		size_t k;

		if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
			fputs(serve_usage, out);
			return 1;
		}
		if (!strcmp(o, "--once")) {
			a->once = true;
			continue;
		}
		for (k = 0; k < ARRAY_SIZE(valued); k++)
			if (!strcmp(o, valued[k]))
				break;
		if (k == ARRAY_SIZE(valued))
			return usage(err, "unknown argument '%s'", o);
		if (i + 1 == argc)
			return usage(err, "'%s' needs a value", o);
		if (*slot[k])
			return usage(err, "'%s' given twice", o);
		*slot[k] = argv[++i];
	}
	if (!a->socket == !a->fuse)
		return usage(err, "%s",
			     "give one of --socket PATH or --fuse MOUNTPOINT");
	if (a->fs && a->dir)
		return usage(err, "%s", "--fs and --dir exclude each other");
	if (a->trace && strcmp(a->trace, "text") && strcmp(a->trace, "jsonl") &&
	    strcmp(a->trace, "none"))
		return usage(err,
			     "unknown trace format '%s' (expected text, jsonl "
			     "or none)",
			     a->trace);
	if (a->fuse && a->once)
		return usage(err, "%s", "--once goes with --socket");
	return 0;
}

/* The scenario, the host directory, the plan and the trace files: all
 * checked before anything is served. */
static int prepare(struct serve_args *a, struct vfs_serve_opts *o, FILE *err)
{
	char msg[FAULT_ERR_MAX];
	struct stat st;

	if (a->fs) {
		struct scenario_error perr;

		if (scenario_parse_file(a->fs, &a->scn, &perr)) {
			fprintf(err, "%s%s\n",
				perr.line ? "" : "vfsim: ", perr.msg);
			return 2;
		}
		if (vfsim_machine_device_check(a->scn, msg, sizeof(msg))) {
			fprintf(err, "%s\n", msg);
			return 2;
		}
		vfsim_machine_device_config(a->scn, &o->dev);
	}
	if (a->dir && (stat(a->dir, &st) || !S_ISDIR(st.st_mode))) {
		fprintf(err, "vfsim serve: --dir '%s' is not a directory\n",
			a->dir);
		return 2;
	}
	fault_reset();
	for (size_t i = 0; a->scn && i < a->scn->nr_faults; i++)
		if (fault_plan_parse(a->scn->faults[i].rule)) {
			fprintf(err, "vfsim serve: %s\n", fault_error());
			return 2;
		}
	if (a->faults && (fault_plan_check(a->faults, msg, sizeof(msg)) ||
			  fault_plan_parse(a->faults))) {
		fprintf(err, "vfsim serve: %s\n", msg);
		return 2;
	}
	a->jsonl = a->trace && !strcmp(a->trace, "jsonl");
	if (a->trace && strcmp(a->trace, "none"))
		a->trace_out = stdout;
	if (a->out) {
		char path[4096];

		if (mkdir(a->out, 0777) && errno != EEXIST) {
			fprintf(err, "vfsim serve: cannot create '%s': %s\n",
				a->out, strerror(errno));
			return 2;
		}
		snprintf(path, sizeof(path), "%s/%s", a->out,
			 a->jsonl ? "trace.jsonl" : "trace.txt");
		a->trace_file = fopen(path, "w");
		if (!a->trace_file) {
			fprintf(err, "vfsim serve: cannot write '%s': %s\n",
				path, strerror(errno));
			return 2;
		}
		setvbuf(a->trace_file, NULL, _IOLBF, 0);
	}
	return 0;
}

int vfsim_cmd_serve(int argc, char **argv, FILE *out, FILE *err)
{
	struct serve_args a = { 0 };
	struct vfs_serve_opts o = { .log = err };
	int ret;

	ret = parse_args(&a, argc, argv, out, err);
	if (ret)
		return ret == 1 ? 0 : ret;
	ret = prepare(&a, &o, err);
	if (!ret) {
		o.populate = populate;
		o.configure = configure;
		o.populate_arg = &a;
		o.once = a.once;
		trace_reset(a.trace_out || a.trace_file);
		trace_set_keep(false);
		trace_set_sink(trace_sink, &a);
		ret = a.socket ? vfs_serve_vhost_user(a.socket, &o) :
				 vfs_serve_fuse(a.fuse, &o);
		ret = ret ? 1 : 0;
		trace_set_sink(NULL, NULL);
		trace_reset(false);
	}
	fault_reset();
	if (a.trace_file)
		fclose(a.trace_file);
	if (a.scn)
		scenario_free(a.scn);
	return ret;
}
