// SPDX-License-Identifier: GPL-2.0-only
/*
 * console_help.c - what the console says about itself: `vfsim step
 * --help`, the `help` command and the banner.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/cli/console_internal.h"
#include "sim/trace/host.h"

/* Most lines of the file's run program the banner shows. */
#define BANNER_RUN_LINES 12

struct help {
	const char *name;    ///< the command
	const char *summary; ///< its line in the list
	const char *details; ///< `help NAME`
};

static const struct help helps[] = {
	{ "step", "step [N]                take N steps (default 1)",
	  "step [N] (alias s): take N steps, 1 to 1000000000 (default 1).\n"
	  "A step is one scheduling decision: the at/on blocks that became\n"
	  "due start, then one runnable task runs to its next yield point,\n"
	  "or, with none runnable, the virtual clock jumps to the earliest\n"
	  "timer and fires it. The trace lines of the steps are printed,\n"
	  "then the position. Stops early at a breakpoint or when the run\n"
	  "is over.\n" },
	{ "next", "next [TASK]             run until TASK's next trace event",
	  "next [TASK] (alias n): run until TASK emits a trace event.\n"
	  "TASK defaults to the task of the last event a task emitted.\n"
	  "Stops at breakpoints and at the end of the run too.\n" },
	{ "until",
	  "until WHAT              run until an event, a function or a time",
	  "until WHAT (alias u): run until WHAT happens:\n"
	  "  until 2ms, until time 1500us\n"
	  "      the virtual clock reaches the time; the console stops\n"
	  "      before a step that would move the clock past it\n"
	  "  until WORD       an event whose kind or function is WORD\n"
	  "                   (until vq.kick, until virtio_fs_enqueue_req)\n"
	  "  until KIND:FUNC, until event KIND[:FUNC]\n"
	  "                   an event of that kind (and function), as the\n"
	  "                   scenario language's 'run until'\n"
	  "  until func NAME  an event of that function\n"
	  "  until \"TEXT\"     an event whose text line contains TEXT\n"
	  "Events are checked after every step. Stops at breakpoints and\n"
	  "at the end of the run too.\n" },
	{ "continue",
	  "continue                run until a breakpoint or the end of the run",
	  "continue (alias c): run until a breakpoint stops it or the run\n"
	  "is over (every task finished, a deadlock, or the step limit).\n" },
	{ "break", "break [WHAT]            set a breakpoint; alone: list them",
	  "break WHAT (alias b): stop a stepping command after a step that\n"
	  "emitted an event matching WHAT: a WORD (kind or function),\n"
	  "KIND:FUNC, event KIND[:FUNC], func NAME or \"TEXT\", as for\n"
	  "'until'. Breakpoints are numbered from 1; 'break' alone lists\n"
	  "them with the number of times each stopped a command.\n" },
	{ "delete", "delete N                delete breakpoint N",
	  "delete N (alias d): delete breakpoint N ('break' lists them).\n" },
	{ "clear", "clear                   delete every breakpoint",
	  "clear: delete every breakpoint.\n" },
	{ "back", "back [N]                go back N steps (default 1)",
	  "back [N]: go back N steps (default 1, at most the steps taken).\n"
	  "The machine is built again from scratch and the first (step - N)\n"
	  "steps are taken silently, with the same scenario and policy: the\n"
	  "run is deterministic, so it lands in the same state, trace and\n"
	  "all (checked against a hash of the trace recorded at that step).\n"
	  "Breakpoints stay.\n" },
	{ "where", "where                   where the run is",
	  "where: print the position: the step number, the virtual time,\n"
	  "and the task that ran last with its state (or that the clock\n"
	  "moved, or that the run is over).\n" },
	{ "show",
	  "show WHAT               look at queues, ring NAME, requests,\n"
	  "                        tasks, locks, inodes, sysfs, trace [N]",
	  "show WHAT: look at the machine without changing it.\n"
	  "  show queues     each virtqueue: size and the fields 'expect'\n"
	  "                  knows (num_free, avail_idx, used_idx,\n"
	  "                  in_flight, queued_reqs, connected), last_used,\n"
	  "                  and the device's view: last_avail, chains held,\n"
	  "                  ring state\n"
	  "  show ring NAME  ring NAME (hiprio or requests.N) as text: both\n"
	  "                  sides' indices, the chains in flight descriptor\n"
	  "                  by descriptor, the recent avail and used slots\n"
	  "                  (* marks those the other side has not consumed)\n"
	  "  show requests   FUSE requests in flight: sent, parked on\n"
	  "                  queued_reqs, failed on end_reqs, waiting in the\n"
	  "                  background queue; the chains the device holds\n"
	  "  show tasks      every task: id, name, kind, cpu, state and what\n"
	  "                  it waits on; '>' marks the one that ran last\n"
	  "  show locks      the device's POSIX locks; the guest's lock\n"
	  "                  requests that succeeded, per open file\n"
	  "  show inodes     the device's inodes with lookup counts and\n"
	  "                  paths; the lookups each guest mount owes\n"
	  "  show sysfs      the guest's /sys/fs/virtiofs/N: tag, device,\n"
	  "                  mqs/Q/name and cpu_list (Linux 6.9 on, so the\n"
	  "                  mainline variant only)\n"
	  "  show trace [N]  the last N trace lines (default 20)\n" },
	{ "picture",
	  "picture ring NAME [FILE] write the ring's picture (DOT, SVG)",
	  "picture ring NAME [FILE]: write the Graphviz picture of ring NAME\n"
	  "(hiprio or requests.N), both sides' indices included, to\n"
	  "FILE.dot, and with Graphviz's 'dot' installed also FILE.svg; the\n"
	  "paths are printed. FILE defaults to step-STEP-NAME; a FILE\n"
	  "without '/' goes into the --out directory (default: the current\n"
	  "directory).\n" },
	{ "help", "help [COMMAND]          this list, or one command in detail",
	  "help [COMMAND] (alias h): list the commands, or explain one.\n" },
	{ "quit",
	  "quit                    leave (so does the end of the input)",
	  "quit (alias q): leave the console; the end of the input does\n"
	  "the same.\n" },
};

static void list(FILE *f)
{
	for (size_t i = 0; i < ARRAY_SIZE(helps); i++)
		fprintf(f, "  %s\n", helps[i].summary);
}

void console_usage(FILE *f)
{
	fputs("usage: vfsim step FILE [--policy fifo|random:SEED|replay:FILE]\n"
	      "                       [--out DIR] [--time-limit DURATION]\n"
	      "\n"
	      "Step through the scenario FILE: its machine, file tree, tasks\n"
	      "and at/on blocks are built as 'vfsim run' builds them, then\n"
	      "commands are read from standard input, one per line. The\n"
	      "file's run program is not executed: you drive. A step is one\n"
	      "scheduling decision (docs/console.md).\n"
	      "\n"
	      "options (each at most once; '--' ends them, so that FILE may\n"
	      "start with '-'):\n"
	      "  --policy P   scheduling policy, overriding the file's 'policy':\n"
	      "               fifo, random:SEED (a 64-bit decimal seed), or\n"
	      "               replay:FILE, FILE holding the choices of an earlier\n"
	      "               run (the choices.txt that vfsim run --out writes)\n"
	      "  --out DIR    where 'picture' writes (created if missing);\n"
	      "               without it 'picture' needs a path (DIR/FILE)\n"
	      "  --time-limit DURATION\n"
	      "               the run's virtual-time limit (default 600s, or\n"
	      "               four request timeouts when longer)\n"
	      "  --help       show this help and exit\n"
	      "\n"
	      "commands ('help COMMAND' in the console says more):\n",
	      f);
	list(f);
	fputs("\n"
	      "On a terminal the console prompts with '(vfsim) '. Otherwise\n"
	      "(a script) it prints each command after '(vfsim) ' before its\n"
	      "output, and error messages name the script's line. Empty lines\n"
	      "and lines starting with '#' are skipped. A bad command prints\n"
	      "one line on standard error and the console goes on.\n"
	      "\n"
	      "exit status: 0 after 'quit' or the end of the input; 1 when the\n"
	      "commands came from a script (not a terminal) and one failed;\n"
	      "2 for a usage or scenario error (nothing ran); 3 when the host\n"
	      "failed (out of memory, or the output could not be written).\n",
	      f);
}

int console_help(struct console *c, const struct console_args *a)
{
	const char *want = a->argc > 1 ? a->argv[1] : NULL;
	static const char *const aliases[][2] = {
		{ "s", "step" },     { "n", "next" },  { "u", "until" },
		{ "c", "continue" }, { "b", "break" }, { "d", "delete" },
		{ "h", "help" },     { "q", "quit" },
	};

	if (a->argc > 2)
		return console_error(c,
				     "help: unexpected '%s' (expected help "
				     "[COMMAND])",
				     a->argv[2]);
	if (!want) {
		fprintf(c->out, "commands:\n");
		list(c->out);
		fprintf(c->out, "'help COMMAND' explains one.\n");
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
		if (!strcmp(want, aliases[i][0]))
			want = aliases[i][1];
	for (size_t i = 0; i < ARRAY_SIZE(helps); i++) {
		if (!strcmp(want, helps[i].name)) {
			fputs(helps[i].details, c->out);
			return 0;
		}
	}
	return console_error(c, "help: no command '%s' ('help' lists them)",
			     want);
}

/* The dump's top-level lines starting with one of @prefixes. */
static void dump_lines(struct console *c, char *dump, const char *lead,
		       const char *const *prefixes, unsigned int max)
{
	unsigned int n = 0, more = 0;

	for (char *l = dump, *nl; l && *l; l = nl) {
		nl = strchr(l, '\n');
		if (nl)
			*nl++ = '\0';
		for (const char *const *p = prefixes; *p; p++) {
			if (strncmp(l, *p, strlen(*p)))
				continue;
			if (n++ < max)
				fprintf(c->out, "%s%s\n", lead, l);
			else
				more++;
			break;
		}
		if (nl)
			nl[-1] = '\n';
	}
	if (more)
		fprintf(c->out, "%s... (%u more)\n", lead, more);
}

void console_banner(struct console *c)
{
	static const char *const events[] = { "at ", "on ", NULL };
	static const char *const program[] = { "run", "step ", "expect ",
					       NULL };
	const char *policy = c->policy ? c->policy : c->s->policy.spec;
	char *dump = NULL;
	size_t len = 0;
	FILE *f = host_memstream(&dump, &len);

	scenario_dump(f, c->s);
	fclose(f);
	fprintf(c->out, "vfsim step: %s, policy %s\n", c->file,
		policy ? policy : "fifo");
	fprintf(c->out, "tasks:");
	for (size_t i = 0; i < c->s->nr_tasks; i++)
		fprintf(c->out, " %s", c->s->tasks[i].name);
	fprintf(c->out, "%s\n", c->s->nr_tasks ? "" : " none");
	if (c->s->nr_triggers) {
		fprintf(c->out, "events:\n");
		dump_lines(c, dump, "  ", events, BANNER_RUN_LINES);
	}
	if (c->s->nr_run) {
		fprintf(c->out, "the file's run program (not run here):\n");
		dump_lines(c, dump, "  ", program, BANNER_RUN_LINES);
	}
	host_free(dump);
	console_where(c);
	fprintf(c->out, "'help' lists the commands.\n");
}
