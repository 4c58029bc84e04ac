#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""fuzz-seeds.py: seed every fuzz target's corpus from what vfsim really does.

  fuzz-seeds.py --seed-dump build/fuzz/seed-dump --corpus build/fuzz/corpus

- fuzz_parse_request, fuzz_bswap, fuzz_verify_reply, fuzz_state_load: the
  requests, replies and migration states of every scenario of
  tests/scenarios and labs/, run by seed-dump (tests/fuzz/seed_dump.c),
  each in its target's input format;
- fuzz_scenario: those scenario files themselves, and the malformed ones
  of tests/scenarios/bad;
- fuzz_console: the console sessions of docs/console.md and the labs'
  handouts (their "(vfsim) COMMAND" lines), and one script per command
  with every form the console reference documents.

Files are named by content, so running it again adds only what is new;
what libFuzzer found in earlier runs stays in the corpus. `make fuzz`
runs it before the targets.
"""

import argparse
import glob
import hashlib
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Every command and form of docs/console.md, a few per script, on the
# fuzz_console target's scenario (tasks a and b, rings hiprio and
# requests.0).
CONSOLE_SCRIPTS = [
    "step\nstep 3\ns 2\nwhere\n",
    "next\nnext a\nn b\nwhere\n",
    "until vq.kick\nuntil dev.pop:fv_queue_worker\nuntil event vq.pop\n"
    "until func virtio_fs_enqueue_req\nuntil \"op=LOOKUP\"\n",
    "until 100us\nuntil time 1ms\nu 2s\n",
    "break vq.kick\nbreak \"op=FORGET\"\nb func fuse_request_end\nbreak\n"
    "continue\ndelete 1\nc\nclear\ncontinue\n",
    "step 20\nback\nback 5\nstep 3\nback 100\n",
    "step 10\nshow queues\nshow ring hiprio\nshow ring requests.0\n"
    "show requests\nshow tasks\nshow locks\nshow inodes\nshow trace\n"
    "show trace 5\n",
    "until dev.pop\npicture ring requests.0\npicture ring hiprio h\n"
    "picture ring requests.0 r.dot\n",
    "help\nhelp step\nh until\nhelp show\nquit\nstep\n",
    "step 0\nstep x\nuntil\nbreak \"\nshow nothing\nback -1\ndelete 9\n"
    "picture ring nowhere\nfrobnicate\n\n# a comment\n",
    "continue\nstep\nnext\nuntil 1s\nback 1\ncontinue\n",
]


def name(data):
    return hashlib.sha1(data).hexdigest()[:16]


def put(corpus, target, data):
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, name(data))
    if os.path.exists(p):
        return 0
    with open(p, "wb") as f:
        f.write(data)
    return 1


def console_sessions():
    """The "(vfsim) COMMAND" lines of the docs and labs, one script a file."""
    for path in [os.path.join(ROOT, "docs/console.md")] + sorted(
            glob.glob(os.path.join(ROOT, "labs/*/handout.md"))):
        with open(path, encoding="utf-8") as f:
            lines = [m.group(1) for m in
                     (re.match(r"\s*\(vfsim\) (.*)", l) for l in f) if m]
        if lines:
            yield "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed-dump", required=True)
    ap.add_argument("--corpus", required=True)
    a = ap.parse_args()
    os.makedirs(a.corpus, exist_ok=True)
    scen = sorted(glob.glob(os.path.join(ROOT, "tests/scenarios/*.vfs")) +
                  glob.glob(os.path.join(ROOT, "labs/*/*.vfs")))
    bad = sorted(glob.glob(os.path.join(ROOT, "tests/scenarios/bad/*.vfs")))
    p = subprocess.run([a.seed_dump, a.corpus] + scen,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    # A lab's starter file may be unfinished on purpose: it does not parse,
    # and its messages are missing, nothing else.
    for line in p.stderr.splitlines():
        if "starter.vfs" not in line:
            print(line, file=sys.stderr)
    if p.returncode not in (0, 1) or "seed-dump:" not in p.stdout:
        print(f"fuzz-seeds: seed-dump failed ({p.returncode})",
              file=sys.stderr)
        return 1
    print("fuzz-seeds: " + p.stdout.strip().split("seed-dump: ", 1)[1])
    added = 0
    for f in scen + bad:
        with open(f, "rb") as fh:
            added += put(a.corpus, "fuzz_scenario", fh.read())
    for s in list(console_sessions()) + CONSOLE_SCRIPTS:
        added += put(a.corpus, "fuzz_console", s.encode())
    print(f"fuzz-seeds: {added} new scenario and console inputs")
    for t in sorted(os.listdir(a.corpus)):
        n = len(os.listdir(os.path.join(a.corpus, t)))
        print(f"fuzz-seeds:   {t}: {n} inputs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
