// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_scenario_parse_errors.c - every class of scenario error: its errno,
 * the line and column it names, and what the message says was expected.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim/cli/scenario.h"
#include "tests/harness.h"

struct err_case {
	const char *text;
	int code;
	unsigned line, col;
	const char *msg; /* must appear in the message after "error: " */
};

/* A task with a file handle f and a directory handle d. */
#define T "task t\n  open /a as f\n  opendir /d as d\n"

static const struct err_case cases[] = {
	/* unknown words */
	{ "mchine\n", -EINVAL, 1, 1,
	  "unknown statement 'mchine' (expected one of: machine, bug," },
	{ T "  lokup /x\nend\n", -EINVAL, 4, 3,
	  "unknown operation 'lokup' (expected one of: mount, umount," },
	{ "at 1ms\n  explode\nend\n", -EINVAL, 2, 3,
	  "unknown action 'explode' (expected one of: device," },
	{ "at 1ms\n  device melt\nend\n", -EINVAL, 2, 10,
	  "unknown device action 'melt'" },
	{ "machine colour=red\n", -EINVAL, 1, 9,
	  "unknown machine key 'colour' (expected one of: tag, queues," },
	{ "machine queues\n", -EINVAL, 1, 9,
	  "unexpected 'queues' (expected key=value, keys: tag, queues, "
	  "queue-size, variant, cpus, event-idx, indirect, dax-window, "
	  "timeout, devices)" },
	{ "machine devices=3\n", -ERANGE, 1, 17, "devices" },
	{ "machine devices=0\n", -ERANGE, 1, 17, "devices" },
	{ "device speed=1\n", -EINVAL, 1, 8, "unknown device key 'speed'" },
	{ "device fast\n", -EINVAL, 1, 8,
	  "unexpected 'fast' (expected key=value, keys: latency, order, "
	  "batch, workers, seed, options, request-timeout, backend)" },
	{ "device options=park-setlkw,nope\n", -EINVAL, 1, 28,
	  "unknown device option 'nope' (expected one of: park-setlkw," },
	{ "device options=hiprio-first,hiprio-first\n", -EEXIST, 1, 29,
	  "device option 'hiprio-first' given twice" },
	{ "device request-timeout=70000s\n", -ERANGE, 1, 24,
	  "'request-timeout' counts whole seconds, 0s..65535s" },
	{ "driver colour=red\n", -EINVAL, 1, 8,
	  "unknown driver key 'colour' (expected one of: variant, timeout, "
	  "max-timeout, options)" },
	{ "driver timeout=1500ms\n", -ERANGE, 1, 16,
	  "'timeout' counts whole seconds" },
	{ "driver options=bounded-drain,bounded-drain\n", -EEXIST, 1, 30,
	  "driver option 'bounded-drain' given twice" },
	{ "driver variant=6.1\ndriver variant=6.1\n", -EEXIST, 2, 1,
	  "duplicate 'driver' (already given at line 1)" },
	{ "driver variant=6.1 max-timeout=20s\n", -EINVAL, 1, 32,
	  "driver variant 6.1 (Linux 6.1.192" },
	{ "bug end-before-unlist\n", -EINVAL, 1, 5,
	  "bug switch 'end-before-unlist' changes code that driver variant "
	  "mainline does not have (it applies to: v5-2019)" },
	{ "bug use-after-free\n", -EINVAL, 1, 5,
	  "unknown bug switch 'use-after-free' (expected one of: "
	  "forget-sends-list-head, sleep-retry-holding-bg-lock," },
	{ "bug\n", -EINVAL, 1, 1,
	  "missing bug switch name after 'bug' (found the end of the line)" },
	{ "machine variant=v6\n", -EINVAL, 1, 17,
	  "unknown driver variant 'v6' (expected one of: v5-2019, 6.1, "
	  "mainline)" },
	{ "machine event-idx=yes\n", -EINVAL, 1, 19,
	  "unknown value 'yes' (expected one of: off, on)" },
	{ "device order=sideways\n", -EINVAL, 1, 14,
	  "unknown order 'sideways' (expected one of: in, reversed, random)" },
	{ "expect hiprio.sizzle == 1\n", -EINVAL, 1, 15,
	  "unknown queue field 'sizzle' (expected one of: in_flight," },
	{ "expect device.mood == 1\n", -EINVAL, 1, 15,
	  "unknown device field 'mood'" },
	{ "expect lowprio.in_flight == 1\n", -EINVAL, 1, 8,
	  "unknown queue 'lowprio' (expected hiprio or requests.N)" },
	{ "expect requests.x.in_flight == 1\n", -EINVAL, 1, 8,
	  "unknown queue 'requests.x'" },
	{ "expect requests.1.in_flight == 1\n", -ERANGE, 1, 17,
	  "request queue 1 does not exist (expected 0..0" },
	{ "expect requests.99999999999999.in_flight == 1\n", -ERANGE, 1, 17,
	  "does not exist" },
	{ "expect the moon\n", -EINVAL, 1, 8, "unknown expectation 'the'" },
	{ "expect\n", -EINVAL, 1, 1, "missing expectation after 'expect'" },
	{ "expect status fine\n", -EINVAL, 1, 15,
	  "unknown status 'fine' (expected done or deadlock)" },
	{ "expect no bugs\n", -EINVAL, 1, 11, "expected 'leaks'" },
	{ "expect lookups even\n", -EINVAL, 1, 16, "expected 'balanced'" },
	{ "expect leaks\n", -EINVAL, 1, 8, "comparison operator" },
	{ "expect leaks == -1\n", -EINVAL, 1, 17, "count" },
	{ "expect the sea\n", -EINVAL, 1, 8,
	  "task, trace, no leaks, leaks, reports, report, lookups balanced" },
	{ "expect trace has \"x\"\n", -EINVAL, 1, 14,
	  "expected contains, lacks or count" },
	{ "expect trace contains x\n", -EINVAL, 1, 23,
	  "unexpected 'x' (expected a non-empty \"string\")" },
	{ "expect trace contains \"\"\n", -EINVAL, 1, 23, "non-empty" },
	{ "expect report \"x\"\n", -EINVAL, 1, 15, "bad report kind" },
	{ "run now\n", -EINVAL, 1, 5,
	  "unexpected 'now' (expected 'until' or the end of the line)" },
	{ "run until\n", -EINVAL, 1, 5, "missing event or 'time DURATION'" },
	{ "run until 3x\n", -EINVAL, 1, 11, "bad event '3x'" },
	{ "run until k:\n", -EINVAL, 1, 11, "bad event 'k:'" },
	{ "run until \"\"\n", -EINVAL, 1, 11, "empty event text" },
	{ "on x=1\n  unplug\nend\n", -EINVAL, 1, 4, "bad event 'x=1'" },
	{ "on vq.kikc\n  unplug\nend\n", -EINVAL, 1, 4,
	  "unknown event kind 'vq.kikc' (did you mean 'vq.kick'?)" },
	{ "run until fuse.ned:fuse_request_end\n", -EINVAL, 1, 11,
	  "unknown event kind 'fuse.ned' (did you mean 'fuse.end'?)" },
	{ "run until nothing\n", -EINVAL, 1, 11,
	  "unknown event kind 'nothing' (a kind is a layer and a step" },
	{ "policy lifo\n", -EINVAL, 1, 8,
	  "unknown policy 'lifo' (expected fifo, random:SEED or" },
	{ "policy \"fifo\"\n", -EINVAL, 1, 8, "expected a policy word" },
	{ "policy random:x\n", -EINVAL, 1, 8, "malformed policy" },
	{ "policy replay:1,\n", -EINVAL, 1, 8, "malformed policy" },
	{ "policy replay:4294967296\n", -ERANGE, 1, 8,
	  "number out of range in policy" },
	{ "policy random:18446744073709551616\n", -ERANGE, 1, 8,
	  "out of range" },
	{ "migration policy=retry\n", -EINVAL, 1, 18,
	  "unknown migration policy 'retry' (expected one of: abort, "
	  "guest-error)" },
	{ "migration abort\n", -EINVAL, 1, 11,
	  "expected policy=abort|guest-error" },
	{ "fault kmalloc\n", -EINVAL, 1, 7,
	  "bad fault rule 'kmalloc': expected point:rule" },
	{ "fault kmalloc:nth=0\n", -EINVAL, 1, 7, "number must be 1..2^64-1" },
	{ "fault kmalloc:when=3\n", -EINVAL, 1, 7, "unknown key" },
	{ "fault nth=3\n", -EINVAL, 1, 7, "expected point:rule" },
	{ "fault a:every;b:every\n", -EINVAL, 1, 7,
	  "one rule per 'fault' line (no ';')" },
	{ "fault \"kmalloc:nth=1\"\n", -EINVAL, 1, 7,
	  "expected a fault rule word" },
	{ "fs\n  link /a /b\nend\n", -EINVAL, 2, 3,
	  "unknown fs entry 'link' (expected one of: dir, file" },
	{ "fs\n  file /a\nend\n", -EINVAL, 2, 8,
	  "missing size=SIZE or \"bytes\" after '/a'" },
	{ "fs\n  file /a mode=1\nend\n", -EINVAL, 2, 11,
	  "unexpected 'mode=1' (expected size=SIZE or \"bytes\")" },
	{ "fs\n  dir a/b\nend\n", -EINVAL, 2, 7,
	  "bad path 'a/b' (expected an absolute path" },
	{ "fs\n  dir /a//b\nend\n", -EINVAL, 2, 7, "bad path '/a//b'" },
	{ "fs\n  dir /a/\nend\n", -EINVAL, 2, 7, "bad path '/a/'" },
	{ "fs\n  dir x=1\nend\n", -EINVAL, 2, 7, "expected a path" },
	/* numbers and units */
	{ "machine queues=two\n", -EINVAL, 1, 16,
	  "bad number 'two' for queues (expected a decimal or 0x hex" },
	{ "machine queues=0x\n", -EINVAL, 1, 16, "bad number '0x'" },
	{ "machine queues=\"2\"\n", -EINVAL, 1, 16,
	  "expected queues, found string" },
	{ "machine queues=65\n", -ERANGE, 1, 16,
	  "queues out of range: '65' (expected 1..64)" },
	{ "machine queues=99999999999999999999\n", -ERANGE, 1, 16,
	  "queues out of range" },
	{ "machine queue-size=100\n", -ERANGE, 1, 20,
	  "'queue-size' must be a power of two between 2 and 32768, got "
	  "100" },
	{ "machine queue-size=65536\n", -ERANGE, 1, 20, "power of two" },
	{ "machine queue-size=1\n", -ERANGE, 1, 20, "power of two" },
	{ "machine timeout=5\n", -EINVAL, 1, 17,
	  "duration '5' for timeout needs a unit (expected ns, us, ms or s)" },
	{ "machine timeout=5min\n", -EINVAL, 1, 18,
	  "unknown unit 'min' in duration '5min'" },
	{ "machine timeout=ms\n", -EINVAL, 1, 17, "bad duration 'ms'" },
	{ "machine timeout=0x10ns\n", -EINVAL, 1, 17, "bad duration" },
	{ "machine timeout=18446744073709551616ns\n", -ERANGE, 1, 17,
	  "duration '18446744073709551616ns' for timeout overflows" },
	{ "machine timeout=18446744074s\n", -ERANGE, 1, 17, "overflows" },
	{ "machine dax-window=4X\n", -EINVAL, 1, 21,
	  "unknown unit 'X' in size '4X' (expected K, M or G)" },
	{ "machine dax-window=4KB\n", -EINVAL, 1, 21, "unknown unit 'KB'" },
	{ "machine dax-window=K\n", -EINVAL, 1, 20, "bad size 'K'" },
	{ "machine dax-window=17179869184G\n", -ERANGE, 1, 20, "overflows" },
	{ "machine dax-window=99999999999999999999\n", -ERANGE, 1, 20,
	  "overflows" },
	{ "machine tag=\"\"\n", -EINVAL, 1, 13, "tag must be 1..36 bytes" },
	{ "expect device.dead == 9223372036854775808\n", -ERANGE, 1, 23,
	  "value out of range" },
	{ "expect device.dead == -9223372036854775809\n", -ERANGE, 1, 23,
	  "value out of range" },
	{ "expect device.dead == -x\n", -EINVAL, 1, 23, "bad number '-x'" },
	{ "step 0\n", -ERANGE, 1, 6,
	  "step count out of range: '0' (expected 1..1000000000)" },
	/* strings and characters */
	{ "task t\n  mount \"abc\nend\n", -EINVAL, 2, 9,
	  "unterminated string (expected '\"' before the end of the line)" },
	{ "task t\n  mount \"a\\qb\"\nend\n", -EINVAL, 2, 11,
	  "bad escape '\\q' (expected \\\", \\\\, \\n, \\t, \\$ or \\xHH)" },
	{ "task t\n  mount \"\\x4\"\nend\n", -EINVAL, 2, 10, "bad escape" },
	{ "task t\n  mount \"a\\\x01\"\nend\n", -EINVAL, 2, 11,
	  "bad escape '\\?'" },
	{ "task t\n  mount \"\\x00\"\nend\n", -EINVAL, 2, 10,
	  "byte \\x00 is not allowed in a string" },
	{ "task t\n  mount \"a\x02\"\nend\n", -EINVAL, 2, 11,
	  "control byte 0x02 in a string" },
	{ "task t\n  mount \"a$b\"\nend\n", -EINVAL, 2, 11,
	  "'$' in a string must be '$i'" },
	{ "task t\n  mount \"a\"b\nend\n", -EINVAL, 2, 12,
	  "unexpected 'b' right after a string (expected a blank)" },
	{ "task t\n  mount a\"b\"\nend\n", -EINVAL, 2, 10,
	  "unexpected '\"' inside a word" },
	{ "task t\n  mount caf\xc3\xa9\nend\n", -EINVAL, 2, 12,
	  "unexpected byte 0xc3 (expected printable ASCII" },
	{ "run\x7f\n", -EINVAL, 1, 4, "unexpected byte 0x7f" },
	{ "\"run\"\n", -EINVAL, 1, 1,
	  "unexpected '\"run\"' (expected a statement keyword)" },
	{ "task t\n  lookup /a$j\nend\n", -EINVAL, 2, 12,
	  "unknown variable in '/a$j' (expected $i)" },
	{ "task t\n  lookup /a$\nend\n", -EINVAL, 2, 12, "unknown variable" },
	/* blocks */
	{ "task t\n  lookup /a\n", -EINVAL, 1, 1,
	  "missing 'end' for 'task' opened here (found the end of the "
	  "file)" },
	{ "task t\n  repeat 2\n    yield\nend\n", -EINVAL, 1, 1,
	  "missing 'end' for 'task' opened here" },
	{ "task t\n  yield\n  repeat 2\n    yield\n", -EINVAL, 3, 3,
	  "missing 'end' for 'repeat' opened here" },
	{ "fs\n  dir /a\n", -EINVAL, 1, 1, "missing 'end' for 'fs'" },
	{ "at 1s\n  unplug\n", -EINVAL, 1, 1, "missing 'end' for 'at'" },
	{ "on vq.kick\n  unplug\n", -EINVAL, 1, 1, "missing 'end' for 'on'" },
	{ "end\n", -EINVAL, 1, 1,
	  "'end' without an open block (expected a statement)" },
	{ "task t\n  yield\nend\nend\n", -EINVAL, 4, 1, "'end' without" },
	{ "task t\n  yield\nend x\n", -EINVAL, 3, 5,
	  "unexpected 'x' (expected the end of the line)" },
	{ "task t\n  yield\ntask u\n", -EINVAL, 3, 1,
	  "'task' inside the task block opened at line 1 (expected an "
	  "operation or 'end'; missing 'end'?)" },
	{ "task t\n  repeat 2\n    run\n", -EINVAL, 3, 5,
	  "'run' inside the repeat block opened at line 2" },
	{ "task t\n  repeat 2\n  end\nend\n", -EINVAL, 3, 3,
	  "empty repeat block (opened at line 2" },
	{ "at 1s\nend\n", -EINVAL, 2, 1, "empty 'at' block (opened at line 1" },
	{ "on \"x\"\nend\n", -EINVAL, 2, 1, "empty 'on' block" },
	{ "task t\n"
	  " repeat 2\n  repeat 2\n   repeat 2\n    repeat 2\n     repeat 2\n"
	  "      repeat 2\n       repeat 2\n        repeat 2\n"
	  "         repeat 2\n",
	  -EINVAL, 10, 10, "repeat blocks nested too deeply (at most 8" },
	{ "task\n", -EINVAL, 1, 1, "missing task name after 'task'" },
	{ "task 1t\n", -EINVAL, 1, 6, "bad task name '1t'" },
	{ "task t cpu=64\n", -ERANGE, 1, 12, "cpu out of range" },
	{ "task t fast\n", -EINVAL, 1, 8,
	  "unexpected 'fast' (expected cpu=N, stop-on-error or daemon" },
	{ "task t daemon daemon\n", -EINVAL, 1, 15, "at most once" },
	{ "at 1s 2s\n", -EINVAL, 1, 7, "unexpected '2s'" },
	{ "at\n", -EINVAL, 1, 1, "missing time after 'at'" },
	/* duplicates and order */
	{ "task t\n yield\nend\ntask t\n yield\nend\n", -EEXIST, 4, 6,
	  "duplicate task 't' (already defined at line 1)" },
	{ "machine\nmachine\n", -EEXIST, 2, 1,
	  "duplicate 'machine' (already given at line 1)" },
	{ "device\ndevice\n", -EEXIST, 2, 1, "duplicate 'device'" },
	{ "policy fifo\npolicy fifo\n", -EEXIST, 2, 1, "duplicate 'policy'" },
	{ "migration policy=abort\nmigration policy=abort\n", -EEXIST, 2, 1,
	  "duplicate 'migration'" },
	{ "fs\nend\nfs\nend\n", -EEXIST, 3, 1, "duplicate 'fs'" },
	{ "bug freeze-returns-0\nbug freeze-returns-0\n", -EEXIST, 2, 5,
	  "duplicate bug switch 'freeze-returns-0' (already at line 1)" },
	{ "machine cpus=1 cpus=2\n", -EEXIST, 1, 16, "duplicate key 'cpus'" },
	{ "device batch=1 batch=2\n", -EEXIST, 1, 16, "duplicate key 'batch'" },
	{ "run\nmachine\n", -EINVAL, 2, 1,
	  "'machine' is configuration: it must come before the first task, "
	  "event block or run statement (found after line 1)" },
	{ "task t\n yield\nend\nbug freeze-returns-0\n", -EINVAL, 4, 1,
	  "'bug' is configuration" },
	{ "run\ntask t\n yield\nend\n", -EINVAL, 2, 1,
	  "'task' must come before the first run statement (line 1)" },
	{ "step 1\nat 1s\n unplug\nend\n", -EINVAL, 2, 1,
	  "'at' must come before the first run statement" },
	/* references */
	{ T "  read g 0 1\nend\n", -ENOENT, 4, 8,
	  "undefined handle 'g' (expected a handle from an earlier open, "
	  "create or opendir in this task)" },
	{ "task t\n  open /a as f\nend\ntask u\n  flush f\nend\n", -ENOENT, 5,
	  9, "undefined handle 'f'" },
	{ T "  readdir f\nend\n", -EINVAL, 4, 11,
	  "'f' is a file handle (expected a directory handle from opendir)" },
	{ T "  read d 0 1\nend\n", -EINVAL, 4, 8,
	  "'d' is a directory handle (expected a file handle from open or "
	  "create)" },
	{ T "  read 1f 0 1\nend\n", -EINVAL, 4, 8, "bad handle name '1f'" },
	{ "task t\n  open /a f\nend\n", -EINVAL, 2, 11,
	  "unexpected 'f' (expected 'as HANDLE')" },
	{ "task t\n  open /a as\nend\n", -EINVAL, 2, 11,
	  "missing handle name after 'as'" },
	{ "expect task nobody done\n", -ENOENT, 1, 13,
	  "unknown task 'nobody' (expected a task defined before the run)" },
	{ "task a\n yield\nend\ntask b\n yield\nend\nexpect task c done\n",
	  -ENOENT, 7, 13, "unknown task 'c' (expected one of: a, b)" },
	{ "task a\n yield\nend\nexpect task a op 2 returns 0\n", -ERANGE, 4, 18,
	  "op number out of range: '2' (expected 1..1)" },
	{ "task a\n repeat 1\n  yield\n end\nend\nexpect task a op 0 "
	  "returns 0\n",
	  -ERANGE, 6, 18, "op number out of range: '0' (expected 1..1)" },
	{ "task a\nend\nexpect task a op 1 returns 0\n", -ERANGE, 3, 18,
	  "task 'a' has no operations" },
	{ "task a\n yield\nend\nexpect task a gives 0\n", -EINVAL, 4, 15,
	  "unexpected 'gives' (expected returns, op N, done or blocked)" },
	{ "task a\n yield\nend\nexpect task a op 1 is 0\n", -EINVAL, 4, 20,
	  "unexpected 'is' (expected returns)" },
	{ "task a\n yield\nend\nexpect task a returns\n", -EINVAL, 4, 15,
	  "missing errno after 'returns'" },
	/* comparison operators and errnos */
	{ "expect hiprio.in_flight = 3\n", -EINVAL, 1, 25,
	  "bad comparison operator '=' (expected one of: ==, !=, <, <=, >, "
	  ">=)" },
	{ "expect hiprio.in_flight => 3\n", -EINVAL, 1, 25,
	  "bad comparison operator '=>'" },
	{ "expect reports eq 0\n", -EINVAL, 1, 16,
	  "bad comparison operator 'eq'" },
	{ "expect trace count \"x\" === 1\n", -EINVAL, 1, 24,
	  "bad comparison operator '==='" },
	{ "expect reports == -1\n", -EINVAL, 1, 19, "bad number '-1'" },
	{ "task a\n yield\nend\nexpect task a returns -ENOPE\n", -EINVAL, 4, 23,
	  "unknown errno '-ENOPE' (expected 0 or an errno name such as "
	  "ENOENT or -ENOTCONN)" },
	{ "task a\n yield\nend\nexpect task a returns -2\n", -EINVAL, 4, 23,
	  "unknown errno '-2'" },
	{ "task a\n yield\nend\nexpect task a returns \"ENOENT\"\n", -EINVAL, 4,
	  23, "expected an errno, found string" },
	/* operations' arguments */
	{ "task t\n  repeat 0\n    yield\n  end\nend\n", -ERANGE, 2, 10,
	  "repeat count out of range: '0' (expected 1..1000000)" },
	{ "task t\n  repeat 1000001\n    yield\n  end\nend\n", -ERANGE, 2, 10,
	  "repeat count out of range" },
	{ "task t\n  repeat 2 times\n", -EINVAL, 2, 12, "unexpected 'times'" },
	{ "task t\n  lookup /d/f$i\nend\n", -EINVAL, 2, 10,
	  "'$i' outside a repeat block (expected a repeat around it)" },
	{ "task t$i\n", -EINVAL, 1, 6, "'$i' is not allowed here" },
	{ "task t\n repeat 2\n  sleep $ims\n end\nend\n", -EINVAL, 3, 9,
	  "bad duration '$ims'" },
	{ "at 1s\n  mark $i\nend\n", -EINVAL, 2, 8,
	  "'$i' is not allowed here" },
	{ "fs\n  dir /a$i\nend\n", -EINVAL, 2, 7, "'$i' is not allowed here" },
	{ "task t\n  lookup\nend\n", -EINVAL, 2, 3,
	  "missing path after 'lookup' (found the end of the line)" },
	{ "task t\n  lookup /a /b\nend\n", -EINVAL, 2, 13,
	  "unexpected '/b' (expected the end of the line)" },
	{ "task t\n  forget /a 0\nend\n", -ERANGE, 2, 13,
	  "forget count out of range" },
	{ "task t\n  setattr /a\nend\n", -EINVAL, 2, 3,
	  "setattr changes nothing (expected mode=OCTAL and/or size=SIZE)" },
	{ "task t\n  setattr /a mode=0888\nend\n", -EINVAL, 2, 19,
	  "bad mode '0888' (expected octal permission bits 0..7777" },
	{ "task t\n  setattr /a mode=17777\nend\n", -EINVAL, 2, 19,
	  "bad mode" },
	{ "task t\n  create /a as f mode=\"7\"\nend\n", -EINVAL, 2, 23,
	  "bad mode" },
	{ "task t\n  setattr /a mode=1 mode=2\nend\n", -EINVAL, 2, 21,
	  "unexpected 'mode=2' after 'setattr' (expected mode=OCTAL and "
	  "size=SIZE, each at most once)" },
	{ "task t\n  open /a as f rw ro\nend\n", -EINVAL, 2, 19,
	  "unexpected 'ro' after 'open' (expected ro, wo or rw, and trunc" },
	{ "task t\n  opendir /a as d rw\nend\n", -EINVAL, 2, 19,
	  "unexpected 'rw' after 'opendir' (expected the end of the line)" },
	{ T "  read f 0 17M\nend\n", -ERANGE, 4, 12, "read size too large" },
	{ T "  read f 0 1 expect=abc\nend\n", -EINVAL, 4, 14,
	  "unexpected 'expect=abc' after 'read' (expected expect=\"bytes\"" },
	{ T "  readdir d expect=x\nend\n", -EINVAL, 4, 20, "bad number 'x'" },
	{ T "  write f 0\nend\n", -EINVAL, 4, 11,
	  "missing \"bytes\" or size=SIZE after '0'" },
	{ T "  write f 0 \"\"\nend\n", -EINVAL, 4, 13,
	  "unexpected '\"\"' (expected \"bytes\" (not empty) or size=SIZE)" },
	{ T "  write f 0 size=0\nend\n", -ERANGE, 4, 18,
	  "write size out of range (expected 1..16M)" },
	{ T "  getlk f u 0 1\nend\n", -EINVAL, 4, 11,
	  "bad lock type 'u' (expected r or w)" },
	{ T "  setlk f x 0 1\nend\n", -EINVAL, 4, 11,
	  "bad lock type 'x' (expected r, w or u)" },
	{ T "  dax-map f 0 1 0\nend\n", -EINVAL, 4, 3,
	  "'dax-map' needs a DAX window (expected machine dax-window=SIZE "
	  "before the task)" },
	{ "machine dax-window=1M\n" T "  dax-map f 0 4K 0 wo\nend\n", -EINVAL,
	  5, 20, "unexpected 'wo' after 'dax-map' (expected ro or rw" },
	{ "task t\n  mount a=b\nend\n", -EINVAL, 2, 9, "bad tag 'a=b'" },
	{ "task t\n  sleep 1\nend\n", -EINVAL, 2, 9, "needs a unit" },
	{ "at 1s\n  picture frame hiprio\nend\n", -EINVAL, 2, 11,
	  "unexpected 'frame' (expected 'ring')" },
	{ "at 1s\n  picture ring \"hiprio\"\nend\n", -EINVAL, 2, 16,
	  "expected a queue name (hiprio or requests.N)" },
	{ "at 1s\n  picture ring hiprio to x\nend\n", -EINVAL, 2, 23,
	  "unexpected 'to' (expected 'as FILE' or the end of the line)" },
	{ "at 1s\n  picture ring hiprio as\nend\n", -EINVAL, 2, 23,
	  "missing file name after 'as'" },
	{ "at 1s\n  picture ring hiprio as a=b\nend\n", -EINVAL, 2, 26,
	  "bad picture name 'a=b'" },
	{ "at 1s\n  picture ring hiprio as ../../etc/x\nend\n", -EINVAL, 2, 26,
	  "bad picture name '../../etc/x' (expected 1 to 100 letters" },
	{ "at 1s\n  picture ring hiprio as \"x';touch y;'\"\nend\n", -EINVAL, 2,
	  26, "bad picture name" },
	{ "at 1s\n  picture ring hiprio as .hidden\nend\n", -EINVAL, 2, 26,
	  "not starting with '.'" },
	{ "at 1s\n  picture ring hiprio as a\nend\nat 2s\n  picture ring "
	  "hiprio as a\nend\n",
	  -EINVAL, 5, 26,
	  "picture name 'a' is used twice (a second picture would overwrite "
	  "the first)" },
	{ "at 1s\n  mark \"\"\nend\n", -EINVAL, 2, 8, "bad mark '\"\"'" },
	{ "at 1s\n  device latency=5\nend\n", -EINVAL, 2, 18, "needs a unit" },
};

static void test_error_table(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct err_case *c = &cases[i];
		struct scenario_error e;
		struct scenario *s = (struct scenario *)&e;
		char prefix[64];
		int r = scenario_parse_string("bad.vfs", c->text, &s, &e);
		bool ok;

		snprintf(prefix, sizeof(prefix),
			 "bad.vfs:%u:%u: error: ", c->line, c->col);
		ok = r == c->code && e.code == r && e.line == c->line &&
		     e.col == c->col && !s &&
		     !strncmp(e.msg, prefix, strlen(prefix)) &&
		     strstr(e.msg + strlen(prefix), c->msg);
		if (!ok)
			fprintf(stderr,
				"case %zu: got %d '%s', want %d '%s%s...'\n", i,
				r, e.msg, c->code, prefix, c->msg);
		CU_ASSERT_TRUE(ok);
	}
}

/* The first error stops the parse: a later error is never reported. */
static void test_first_error_wins(void)
{
	struct scenario_error e;
	struct scenario *s;

	CU_ASSERT_EQUAL(scenario_parse_string("x", "mchine\nbogus\n", &s, &e),
			-EINVAL);
	CU_ASSERT_EQUAL(e.line, 1);
	/* no error struct: still fails cleanly */
	CU_ASSERT_EQUAL(scenario_parse_string("x", "end\n", &s, NULL), -EINVAL);
	CU_ASSERT_PTR_NULL(s);
}

/* A very long token is quoted abbreviated, never overflowing the message. */
static void test_long_tokens(void)
{
	static char text[6000];
	struct scenario_error e;
	struct scenario *s;

	memset(text, 'x', sizeof(text) - 2);
	text[sizeof(text) - 2] = '\n';
	CU_ASSERT_EQUAL(scenario_parse_string("x", text, &s, &e), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "unknown statement 'xxxx"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "...'"));
	CU_ASSERT(strlen(e.msg) < sizeof(e.msg));
	memcpy(text, "task \"", 6);
	CU_ASSERT_EQUAL(scenario_parse_string("x", text, &s, &e), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "unterminated string"));
}

/* A file name too long for the message still gives a message. */
static void test_long_name(void)
{
	static char name[SCENARIO_ERROR_MAX + 100];
	struct scenario_error e;
	struct scenario *s;

	memset(name, 'n', sizeof(name) - 1);
	CU_ASSERT_EQUAL(scenario_parse_string(name, "end\n", &s, &e), -EINVAL);
	CU_ASSERT_EQUAL(e.line, 1);
	CU_ASSERT_EQUAL(e.col, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "'end' without an open block"));
}

VT_SUITE(cli_scenario_errors, NULL, NULL, VT_CASE(test_error_table),
	 VT_CASE(test_first_error_wins), VT_CASE(test_long_tokens),
	 VT_CASE(test_long_name));
