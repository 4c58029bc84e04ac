// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfsim_cli.c - the vfsim program's commands: argument handling and output
 * files around the executor (sim/cli/exec.h). It lives in the library,
 * with its streams as parameters, so the tests run it in-process.
 *
 * Exit status (enum vfsim_exit): 0 every expectation held, 1 one failed
 * (or a checker report went unaccounted for, or the run hit a limit), 2 a
 * usage or scenario error (nothing ran), 3 the host failed (out of
 * memory, or an output that could not be written).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest/vfsim_variant.h"
#include "sim/cli/backend.h"
#include "sim/cli/exec.h"
#include "sim/cli/explore.h"
#include "sim/cli/reader.h"
#include "sim/cli/render.h"
#include "sim/cli/scenario.h"
#include "sim/cli/vfsim_cli.h"
#include "sim/kernel/sched.h"
#include "sim/trace/host.h"

static const char usage[] =
	"usage: vfsim [--help] [--version] COMMAND [ARGS]\n"
	"\n"
	"vfsim: an educational reference implementation of virtio-fs.\n"
	"A guest-side model of the Linux driver fs/fuse/virtio_fs.c and a\n"
	"device-side FUSE server, joined by split virtqueues in simulated\n"
	"guest memory.\n"
	"\n"
	"commands:\n"
	"  run FILE    run a scenario (.vfs), print its trace, check its\n"
	"              expectations (vfsim run --help)\n"
	"  explore FILE  search schedules for one that fails: random, PCT,\n"
	"              bounded depth-first; shrinks what it finds (vfsim\n"
	"              explore --help)\n"
	"  step FILE   step through a scenario interactively: step, break,\n"
	"              go back, look at rings and requests (vfsim step --help)\n"
	"  tour        guided tour of the four mechanisms, no files needed\n"
	"              (make run; vfsim tour --help)\n"
	"  serve       the device for real peers: a vhost-user back end for\n"
	"              QEMU and a real Linux guest, or a FUSE file system\n"
	"              on /dev/fuse (vfsim serve --help)\n"
	"  source X    the reader view: guest file or function X as one\n"
	"              driver variant has it (vfsim source --help)\n"
	"\n"
	"options:\n"
	"  --help      show this help and exit\n"
	"  --version   show the version and exit\n"
	"\n"
	"The scenario language is described in scenarios.md, the trace's\n"
	"lines and event kinds in trace.md: PREFIX/share/doc/vfsim/ once\n"
	"installed, docs/ in the sources.\n";

/* The driver variants, each with the kernel release it models (after
 * the usage of vfsim and of vfsim run). */
static void print_variants(FILE *f)
{
	fputs("\ndriver variants (a scenario's 'driver variant=NAME', or "
	      "--variant):\n",
	      f);
	for (int i = 0; i < VIRTIO_FS_NR_VARIANTS; i++) {
		const struct virtio_fs_variant_info *vi =
			virtio_fs_variant_info((enum virtio_fs_variant)i);

		fprintf(f, "  %-9s %s%s\n", vi->name, vi->release,
			i == VIRTIO_FS_MAINLINE ? " (the default)" : "");
	}
}

static const char run_usage[] =
	"usage: vfsim run FILE [--policy fifo|random:SEED|replay:FILE]\n"
	"                      [--variant NAME]\n"
	"                      [--trace text|jsonl|perfetto|msc|none]\n"
	"                      [--out DIR] [--time-limit DURATION]\n"
	"                      [--backend SPEC] [--parse-only]\n"
	"\n"
	"Run the scenario FILE on a fresh simulated machine, print its trace\n"
	"on standard output and every failed expectation on standard error as\n"
	"FILE:LINE:COL: expectation failed: ... (trace position #N).\n"
	"\n"
	"The run also fails for every checker report (trace kind 'bug') that\n"
	"no expectation accounts for ('expect reports OP N' accounts for all,\n"
	"'expect report KIND' for that kind, 'expect status deadlock' for the\n"
	"deadlock report), printed as\n"
	"FILE: unexpected report KIND: MESSAGE (trace position #N),\n"
	"and when it stops at the step limit, the virtual-time limit or the\n"
	"kept trace's memory budget (only a run whose 'expect trace' lines\n"
	"read the trace keeps events):\n"
	"FILE: the run stopped at the step limit (N steps) (trace position #N)\n"
	"FILE: the run stopped at the virtual-time limit (DURATION): the clock\n"
	"would pass it (trace position #N)\n"
	"FILE: the run stopped: the kept trace reached its memory budget\n"
	"(512 MiB, N events kept) (trace position #N); ...,\n"
	"each followed by the tasks still running ('; still running: t\n"
	"(blocked in ...)').\n"
	"A replay list that runs out (choice 0 from there) or is not used up\n"
	"gets a warning only.\n"
	"\n"
	"options (each at most once; '--' ends them, so that FILE may start\n"
	"with '-'):\n"
	"  --policy P   scheduling policy, overriding the file's 'policy':\n"
	"               fifo, random:SEED (a 64-bit decimal seed), or\n"
	"               replay:FILE, FILE holding the choices of an earlier\n"
	"               run (the choices.txt that --out writes)\n"
	"  --variant V  driver variant, overriding the file's 'driver\n"
	"               variant=' (listed below); the file's bug switches\n"
	"               and request timeout must exist in it\n"
	"  --trace F    trace format on standard output: text (default),\n"
	"               jsonl (one JSON object per event), perfetto (the\n"
	"               Chrome/Perfetto JSON trace format, for\n"
	"               ui.perfetto.dev or chrome://tracing: a track per\n"
	"               task, CPU and queue, each request a slice from its\n"
	"               enqueue to its end, kicks and interrupts, in_flight\n"
	"               and num_free counters), msc (the run as a sequence\n"
	"               chart, mscgen source) or none; text, jsonl and\n"
	"               perfetto are written as the run makes them (with\n"
	"               --out, when it ends)\n"
	"  --out DIR    also write into DIR (created with its parents if\n"
	"               missing; checked before anything runs):\n"
	"                 trace.txt, trace.jsonl or trace.json\n"
	"                                           the trace (text unless\n"
	"                                           --trace jsonl or\n"
	"                                           perfetto)\n"
	"                 choices.txt               the scheduling choices,\n"
	"                                           for --policy replay:\n"
	"                 sequence.msc (and sequence.svg when 'mscgen' is\n"
	"                 installed)                the run as a sequence chart\n"
	"                 NAME.dot (and NAME.svg when Graphviz 'dot' is\n"
	"                 installed)                each 'picture ring' point,\n"
	"                                           driver and device side\n"
	"  --time-limit DURATION\n"
	"               virtual-time limit of the run (default 600s, or four\n"
	"               times the machine's request timeout when longer): a\n"
	"               decimal number with a unit, ns, us, ms or s\n"
	"  --backend B  where the device runs, overriding the file's\n"
	"               'device backend=': unix:PATH (or a socket path) for a\n"
	"               vhost-user back end listening there, spawn:vfsim for\n"
	"               'vfsim serve' in a second process, spawn:virtiofsd\n"
	"               for QEMU's virtiofsd (/usr/lib/qemu/virtiofsd), both\n"
	"               given the file's fs block, or sim (in-process, the\n"
	"               default). With a real back end the clock follows the\n"
	"               wall clock and the run is not deterministic\n"
	"               (docs/real-backends.md)\n"
	"  --parse-only print the scenario as the parser read it, in\n"
	"               canonical syntax (defaults left out), and run\n"
	"               nothing: how tools judge a file by its content\n"
	"  --help       show this help and exit\n"
	"\n"
	"The run ends when its tasks (but daemons) have returned and only\n"
	"timers are left, such as the request-timeout check re-arming itself.\n"
	"\n"
	"exit status: 0 every expectation held and nothing unexpected was\n"
	"reported, 1 an expectation failed, a report was unexpected or a\n"
	"limit was hit, 2 a usage or scenario error (nothing ran), 3 the\n"
	"host failed: out of memory, or an output (standard output or a\n"
	"file of --out) could not be written.\n";

static int usage_error(FILE *err, const char *fmt, const char *arg)
{
	fputs("vfsim: ", err);
	fprintf(err, fmt, arg);
	fputs("\n", err);
	return 2;
}

int vfsim_cli_time_limit(FILE *err, const char *arg, uint64_t *ns)
{
	char msg[256];

	if (scenario_parse_duration(arg, "--time-limit", ns, msg,
				    sizeof(msg))) {
		fprintf(err, "vfsim: %s\n", msg);
		return -1;
	}
	if (!*ns) {
		fprintf(err, "vfsim: --time-limit must be more than 0ns\n");
		return -1;
	}
	return 0;
}

/* @p policy (malloc()ed) if the scheduler takes it; else a one-line
 * error in the syntax every help text gives, and NULL. */
static char *checked_policy(FILE *err, char *policy)
{
	struct sched_policy_spec ps;
	char msg[256];

	if (!sched_policy_parse(policy, &ps, msg, sizeof(msg))) {
		sched_policy_spec_free(&ps);
		return policy;
	}
	if (ps.kind == SCHED_POLICY_NONE)
		fprintf(err, "vfsim: unknown policy '%.60s'", policy);
	else
		fprintf(err, "vfsim: bad policy: %s", msg);
	fprintf(err, " (expected fifo, random:SEED or replay:FILE)\n");
	host_free(policy);
	return NULL;
}

char *vfsim_cli_policy(FILE *err, const char *policy)
{
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	/* "replay:" alone is the empty list (every choice fifo's), as
	 * explore prints a schedule shrunk to no deviation, not a file
	 * with an empty name */
	if (strncmp(policy, "replay:", 7) || policy[7] == '\0' ||
	    (policy[7] >= '0' && policy[7] <= '9'))
		return checked_policy(err, host_strdup(policy));
	f = fopen(policy + 7, "r");
	if (!f) {
		fprintf(err, "vfsim: cannot read '%s': %s\n", policy + 7,
			strerror(errno));
		return NULL;
	}
	errno = 0;
	n = getline(&buf, &cap, f);
	/* no room for the line is not the end of the file */
	if (n < 0 && errno == ENOMEM)
		host_oom(0);
	fclose(f);
	if (n <= 0 || strncmp(buf, "replay:", 7)) {
		fprintf(err,
			"vfsim: '%s' holds no choices (expected a line "
			"'replay:I,J,...')\n",
			policy + 7);
		host_free(buf);
		return NULL;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	return checked_policy(err, buf);
}

/* DIR/NAME := TEXT followed by END. */
static int write_file(FILE *err, const char *dir, const char *name,
		      const char *text, const char *end)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fputs(end, f) < 0 || fclose(f)) {
		fprintf(err, "vfsim: cannot write '%s': %s\n", path,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* DIR/NAME.EXT -> DIR/NAME.svg when the tool is installed. */
static int to_svg(FILE *err, enum vfsim_render_tool tool, const char *dir,
		  const char *name, const char *ext)
{
	char src[4096], svg[4096];

	snprintf(src, sizeof(src), "%s/%s.%s", dir, name, ext);
	snprintf(svg, sizeof(svg), "%s/%s.svg", dir, name);
	return vfsim_render_svg(tool, src, svg, err) < 0 ? -1 : 0;
}

/*
 * --out DIR must be a directory the run can write into before anything
 * runs: created with its parents when missing, refused when it is a file
 * or not writable (exit 2, nothing ran).
 */
static int prepare_out(FILE *err, const char *dir)
{
	char path[4096];
	struct stat st;
	size_t len = strlen(dir);

	if (!len || len >= sizeof(path)) {
		fprintf(err, "vfsim: bad --out directory '%s'\n", dir);
		return -1;
	}
	memcpy(path, dir, len + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) && errno != EEXIST)
			break;
		*p = '/';
	}
	if (mkdir(dir, 0777) && errno != EEXIST) {
		fprintf(err, "vfsim: cannot create '%s': %s\n", dir,
			strerror(errno));
		return -1;
	}
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(err, "vfsim: --out '%s' is not a directory\n", dir);
		return -1;
	}
	if (access(dir, W_OK | X_OK)) {
		fprintf(err, "vfsim: cannot write into '%s': %s\n", dir,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int write_out(FILE *err, const char *dir, const struct vfsim_result *r,
		     enum vfsim_trace_format fmt)
{
	char name[512];
	int bad = 0;

	if (r->trace)
		bad |= write_file(err, dir,
				  fmt == VFSIM_TRACE_JSONL    ? "trace.jsonl" :
				  fmt == VFSIM_TRACE_PERFETTO ? "trace.json" :
								"trace.txt",
				  r->trace, "");
	bad |= write_file(err, dir, "choices.txt", r->choices, "\n");
	if (r->msc) {
		bad |= write_file(err, dir, "sequence.msc", r->msc, "");
		/* SVG only when mscgen is there: the source is the artefact. */
		if (!bad)
			bad |= to_svg(err, VFSIM_RENDER_MSCGEN, dir, "sequence",
				      "msc");
	}
	for (size_t i = 0; i < r->nr_pictures && !bad; i++) {
		snprintf(name, sizeof(name), "%s.dot", r->pictures[i].name);
		bad |= write_file(err, dir, name, r->pictures[i].dot, "");
		/* SVG only when Graphviz is there: the DOT is the artefact. */
		if (!bad)
			bad |= to_svg(err, VFSIM_RENDER_DOT, dir,
				      r->pictures[i].name, "dot");
	}
	return bad ? -1 : 0;
}

/* Tasks that nothing runs: the file lacks a run program (a step or run
 * item). Only a warning: the machine's set-up is still traced. */
static void warn_no_run(FILE *err, const char *file, const struct scenario *s)
{
	for (size_t i = 0; i < s->nr_run; i++)
		if (s->run[i].kind != SCN_EXPECT)
			return;
	if (s->nr_tasks)
		fprintf(err,
			"vfsim: warning: %s has %zu task%s but no 'run' or "
			"'step': they never run\n",
			file, s->nr_tasks, s->nr_tasks == 1 ? "" : "s");
}

static int cmd_run(int argc, char **argv, FILE *stdo, FILE *err)
{
	/* the program prints no hash (the explorer and the library do) */
	struct vfsim_exec_opts o = { .diag = err, .no_trace_hash = true };
	const char *file = NULL, *out = NULL, *policy = NULL;
	struct scenario_error perr;
	enum vfsim_trace_format shown;
	const char *shown_text = NULL;
	bool parse_only = false;
	struct vfsim_result r;
	struct scenario *s;
	struct vfsim_backend_spec spec;
	char *replay = NULL, msg[256];
	static const char *const valued[] = { "--policy",     "--trace",
					      "--out",	      "--variant",
					      "--time-limit", "--backend" };
	unsigned seen = 0;
	bool opts = true;
	int status;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (opts && !strcmp(a, "--")) {
			opts = false; /* a FILE may start with '-' after it */
			continue;
		}
		for (unsigned k = 0; opts && k < ARRAY_SIZE(valued); k++) {
			if (strcmp(a, valued[k]))
				continue;
			if (seen & (1u << k))
				return usage_error(err,
						   "'%s' given twice (see "
						   "vfsim run --help)",
						   a);
			seen |= 1u << k;
		}
		if (!opts) {
			if (file)
				return usage_error(err,
						   "one scenario at a time: "
						   "unexpected '%s'",
						   a);
			file = a;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(run_usage, stdo);
			print_variants(stdo);
			return 0;
		} else if (!strcmp(a, "--parse-only")) {
			parse_only = true;
		} else if (!strcmp(a, "--policy") || !strcmp(a, "--trace") ||
			   !strcmp(a, "--out") || !strcmp(a, "--variant") ||
			   !strcmp(a, "--time-limit") ||
			   !strcmp(a, "--backend")) {
			if (i + 1 == argc)
				return usage_error(err,
						   "'%s' needs a value (see "
						   "vfsim run --help)",
						   a);
			if (!strcmp(a, "--policy"))
				policy = argv[++i];
			else if (!strcmp(a, "--variant"))
				o.variant = argv[++i];
			else if (!strcmp(a, "--backend"))
				o.backend = argv[++i];
			else if (!strcmp(a, "--out"))
				out = argv[++i];
			else if (!strcmp(a, "--time-limit")) {
				if (vfsim_cli_time_limit(err, argv[++i],
							 &o.max_time_ns))
					return 2;
			} else if (!strcmp(argv[++i], "text"))
				o.format = VFSIM_TRACE_TEXT;
			else if (!strcmp(argv[i], "jsonl"))
				o.format = VFSIM_TRACE_JSONL;
			else if (!strcmp(argv[i], "perfetto"))
				o.format = VFSIM_TRACE_PERFETTO;
			else if (!strcmp(argv[i], "msc"))
				o.format = VFSIM_TRACE_MSC;
			else if (!strcmp(argv[i], "none"))
				o.format = VFSIM_TRACE_NONE;
			else
				return usage_error(
					err,
					"unknown trace format '%s' "
					"(expected text, jsonl, perfetto, "
					"msc or none)",
					argv[i]);
		} else if (a[0] == '-') {
			return usage_error(err,
					   "unknown option '%s' (see vfsim run "
					   "--help)",
					   a);
		} else if (file) {
			return usage_error(err,
					   "one scenario at a time: unexpected "
					   "'%s'",
					   a);
		} else {
			file = a;
		}
	}
	if (!file)
		return usage_error(err, "%s",
				   "run: missing scenario FILE (see "
				   "vfsim run --help)");
	if (o.variant) {
		enum virtio_fs_variant v;

		if (virtio_fs_variant_parse(o.variant, &v))
			return usage_error(err,
					   "unknown driver variant '%s' "
					   "(expected v5-2019, 6.1 or "
					   "mainline)",
					   o.variant);
	}
	if (o.backend &&
	    vfsim_backend_parse(o.backend, &spec, msg, sizeof(msg)))
		return usage_error(err, "%s", msg);
	if (policy) {
		replay = vfsim_cli_policy(err, policy);
		if (!replay)
			return 2;
		policy = replay;
	}
	if (scenario_parse_file(file, &s, &perr)) {
		if (perr.line)
			fprintf(err, "%s\n", perr.msg);
		else
			fprintf(err, "vfsim: %s\n", perr.msg);
		host_free(replay);
		return 2;
	}
	if (parse_only) {
		/* What the parser understood, for tools that judge a
		 * scenario by its content (labs/grade.sh): nothing runs. */
		scenario_dump(stdo, s);
		scenario_free(s);
		host_free(replay);
		if (fflush(stdo) || ferror(stdo)) {
			fprintf(err,
				"vfsim: the scenario could not be written: %s\n",
				strerror(errno));
			return 3;
		}
		return 0;
	}
	if (out && prepare_out(err, out)) {
		scenario_free(s);
		host_free(replay);
		return 2;
	}
	o.policy = policy;
	o.msc = out != NULL;
	/* the choices are read only from choices.txt: a replay string spells
	 * every choice, so formatting it unasked costs memory linear in the
	 * run (two bytes a choice, ten a GETATTR) */
	o.no_choices = out == NULL;
	shown = o.format;
	/* --out always holds the text trace, whatever stdout shows. */
	if (out && (shown == VFSIM_TRACE_NONE || shown == VFSIM_TRACE_MSC))
		o.format = VFSIM_TRACE_TEXT;
	/* without --out, a text trace goes out as it is made, not held */
	if (!out && (shown == VFSIM_TRACE_TEXT || shown == VFSIM_TRACE_JSONL ||
		     shown == VFSIM_TRACE_PERFETTO))
		o.stream = stdo;
	warn_no_run(err, file, s);
	status = vfsim_exec(s, &o, &r);
	if (status != 2 && shown == VFSIM_TRACE_MSC && out && r.msc)
		shown_text = r.msc;
	else if (status != 2 && shown != VFSIM_TRACE_NONE)
		shown_text = r.trace;
	/* The whole trace in one write, flushed now: a failure names its
	 * cause (vfsim_cli_main() would still see it, without a cause). */
	if (shown_text && (fputs(shown_text, stdo) == EOF || fflush(stdo)))
		r.stream_error = errno ? errno : EIO;
	if (r.stream_error) {
		fprintf(err, "vfsim: the trace could not be written: %s\n",
			strerror(r.stream_error));
		status = VFSIM_EXIT_HOST;
	}
	if (out && status != 2 && write_out(err, out, &r, o.format))
		status = VFSIM_EXIT_HOST;
	vfsim_result_free(&r);
	scenario_free(s);
	host_free(replay);
	return status;
}

static int command(int argc, char **argv, FILE *out, FILE *err)
{
	if (argc < 2) {
		fputs(usage, err);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, out);
		print_variants(out);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		fprintf(out, "vfsim %s\n", VFSIM_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 2, argv + 2, out, err);
	if (!strcmp(argv[1], "explore"))
		return vfsim_cmd_explore(argc - 2, argv + 2, out, err);
	if (!strcmp(argv[1], "step"))
		return vfsim_cmd_step(argc - 2, argv + 2, stdin, out, err);
	if (!strcmp(argv[1], "tour"))
		return vfsim_cmd_tour(argc - 1, argv + 1, stdin, out, err);
	if (!strcmp(argv[1], "serve"))
		return vfsim_cmd_serve(argc - 2, argv + 2, out, err);
	if (!strcmp(argv[1], "source"))
		return vfsim_cmd_source(argc - 2, argv + 2, out, err);
	fprintf(err,
		"vfsim: unknown command or option '%s' (see vfsim --help)\n",
		argv[1]);
	return 2;
}

_Static_assert(VFSIM_EXIT_HOST == HOST_OOM_EXIT,
	       "one status for every way the host fails");

int vfsim_cli_output_status(FILE *out, FILE *err, int status)
{
	int saved;

	errno = 0;
	if (!fflush(out) && !ferror(out))
		return status;
	if (status == VFSIM_EXIT_HOST)
		return status; /* already said */
	saved = errno;
	fprintf(err, "vfsim: the output could not be written%s%s\n",
		saved ? ": " : " (a write to it failed)",
		saved ? strerror(saved) : "");
	return VFSIM_EXIT_HOST;
}

int vfsim_cli_main(int argc, char **argv, FILE *out, FILE *err)
{
	return vfsim_cli_output_status(out, err, command(argc, argv, out, err));
}
