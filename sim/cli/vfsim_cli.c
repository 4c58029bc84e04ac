// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfsim_cli.c - the vfsim program's commands: argument handling and output
 * files around the executor (sim/cli/exec.h). It lives in the library,
 * with its streams as parameters, so the tests run it in-process.
 *
 * Exit status: 0 every expectation held, 1 one failed (or a checker
 * report went unaccounted for, or the run hit the step limit), 2 a usage
 * or scenario error (nothing ran).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/cli/exec.h"
#include "sim/cli/render.h"
#include "sim/cli/scenario.h"
#include "sim/cli/vfsim_cli.h"

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
	"  step FILE   step through a scenario interactively: step, break,\n"
	"              go back, look at rings and requests (vfsim step --help)\n"
	"  tour        guided tour of the four mechanisms, no files needed\n"
	"              (make run; vfsim tour --help)\n"
	"\n"
	"options:\n"
	"  --help      show this help and exit\n"
	"  --version   show the version and exit\n"
	"\n"
	"The scenario language is described in docs/scenarios.md.\n";

static const char run_usage[] =
	"usage: vfsim run FILE [--policy fifo|random:SEED|replay:FILE]\n"
	"                      [--trace text|jsonl|msc|none] [--out DIR]\n"
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
	"and when it stops at the step limit:\n"
	"FILE: the run stopped at the step limit (N steps) (trace position #N),\n"
	"or because the events its 'expect trace' lines read outgrew the\n"
	"kept trace's memory budget (a run without them keeps no events):\n"
	"FILE: the run stopped: the kept trace reached its memory budget\n"
	"(512 MiB, N events kept) (trace position #N); ...\n"
	"A replay list that runs out (choice 0 from there) or is not used up\n"
	"gets a warning only.\n"
	"\n"
	"options:\n"
	"  --policy P   scheduling policy, overriding the file's 'policy':\n"
	"               fifo, random:SEED (a 64-bit decimal seed), or\n"
	"               replay:FILE, FILE holding the choices of an earlier\n"
	"               run (the choices.txt that --out writes)\n"
	"  --trace F    trace format on standard output: text (default),\n"
	"               jsonl (one JSON object per event), msc (the run as\n"
	"               a sequence chart, mscgen source) or none; text and\n"
	"               jsonl are written as the run makes them (with --out,\n"
	"               when it ends)\n"
	"  --out DIR    also write into DIR (created with its parents if\n"
	"               missing; checked before anything runs):\n"
	"                 trace.txt or trace.jsonl  the trace (text unless\n"
	"                                           --trace jsonl)\n"
	"                 choices.txt               the scheduling choices,\n"
	"                                           for --policy replay:\n"
	"                 sequence.msc (and sequence.svg when 'mscgen' is\n"
	"                 installed)                the run as a sequence chart\n"
	"                 NAME.dot (and NAME.svg when Graphviz 'dot' is\n"
	"                 installed)                each 'picture ring' point,\n"
	"                                           driver and device side\n"
	"  --help       show this help and exit\n"
	"\n"
	"exit status: 0 every expectation held and nothing unexpected was\n"
	"reported, 1 an expectation failed, a report was unexpected or the\n"
	"step limit was hit, 2 a usage or scenario error (nothing ran).\n";

static int usage_error(FILE *err, const char *fmt, const char *arg)
{
	fputs("vfsim: ", err);
	fprintf(err, fmt, arg);
	fputs("\n", err);
	return 2;
}

char *vfsim_cli_policy(FILE *err, const char *policy)
{
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	if (strncmp(policy, "replay:", 7) ||
	    (policy[7] >= '0' && policy[7] <= '9')) {
		buf = strdup(policy);
		if (!buf)
			abort();
		return buf;
	}
	f = fopen(policy + 7, "r");
	if (!f) {
		fprintf(err, "vfsim: cannot read '%s': %s\n", policy + 7,
			strerror(errno));
		return NULL;
	}
	n = getline(&buf, &cap, f);
	fclose(f);
	if (n <= 0 || strncmp(buf, "replay:", 7)) {
		fprintf(err,
			"vfsim: '%s' holds no choices (expected a line "
			"'replay:I,J,...')\n",
			policy + 7);
		free(buf);
		return NULL;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	return buf;
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
				  fmt == VFSIM_TRACE_JSONL ? "trace.jsonl" :
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

static int cmd_run(int argc, char **argv, FILE *stdo, FILE *err)
{
	struct vfsim_exec_opts o = { .diag = err };
	const char *file = NULL, *out = NULL, *policy = NULL;
	struct scenario_error perr;
	enum vfsim_trace_format shown;
	struct vfsim_result r;
	struct scenario *s;
	char *replay = NULL;
	int status;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(run_usage, stdo);
			return 0;
		}
		if (!strcmp(a, "--policy") || !strcmp(a, "--trace") ||
		    !strcmp(a, "--out")) {
			if (i + 1 == argc)
				return usage_error(err,
						   "'%s' needs a value (see "
						   "vfsim run --help)",
						   a);
			if (!strcmp(a, "--policy"))
				policy = argv[++i];
			else if (!strcmp(a, "--out"))
				out = argv[++i];
			else if (!strcmp(argv[++i], "text"))
				o.format = VFSIM_TRACE_TEXT;
			else if (!strcmp(argv[i], "jsonl"))
				o.format = VFSIM_TRACE_JSONL;
			else if (!strcmp(argv[i], "msc"))
				o.format = VFSIM_TRACE_MSC;
			else if (!strcmp(argv[i], "none"))
				o.format = VFSIM_TRACE_NONE;
			else
				return usage_error(err,
						   "unknown trace format '%s' "
						   "(expected text, jsonl, msc "
						   "or none)",
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
		free(replay);
		return 2;
	}
	if (out && prepare_out(err, out)) {
		scenario_free(s);
		free(replay);
		return 2;
	}
	o.policy = policy;
	o.msc = out != NULL;
	shown = o.format;
	/* --out always holds the text trace, whatever stdout shows. */
	if (out && (shown == VFSIM_TRACE_NONE || shown == VFSIM_TRACE_MSC))
		o.format = VFSIM_TRACE_TEXT;
	/* without --out, a text trace goes out as it is made, not held */
	if (!out && (shown == VFSIM_TRACE_TEXT || shown == VFSIM_TRACE_JSONL))
		o.stream = stdo;
	status = vfsim_exec(s, &o, &r);
	if (status != 2 && shown == VFSIM_TRACE_MSC && out && r.msc)
		fputs(r.msc, stdo);
	else if (status != 2 && shown != VFSIM_TRACE_NONE && r.trace)
		fputs(r.trace, stdo);
	if (out && status != 2 && write_out(err, out, &r, o.format))
		status = 2;
	vfsim_result_free(&r);
	scenario_free(s);
	free(replay);
	return status;
}

int vfsim_cli_main(int argc, char **argv, FILE *out, FILE *err)
{
	if (argc < 2) {
		fputs(usage, err);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, out);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		fprintf(out, "vfsim %s\n", VFSIM_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 2, argv + 2, out, err);
	if (!strcmp(argv[1], "step"))
		return vfsim_cmd_step(argc - 2, argv + 2, stdin, out, err);
	if (!strcmp(argv[1], "tour"))
		return vfsim_cmd_tour(argc - 1, argv + 1, stdin, out, err);
	fprintf(err,
		"vfsim: unknown command or option '%s' (see vfsim --help)\n",
		argv[1]);
	return 2;
}
