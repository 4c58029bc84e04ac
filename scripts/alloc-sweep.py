#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""alloc-sweep.py: fail each host allocation of the vfsim program in turn.

Every scenario of tests/scenarios runs under the allocation shim
(tests/sweep/alloc_shim.c) as `vfsim run` runs it by default (text
trace): once to count its host allocations, then once per allocation
with that one failing, every one of them. Around that core, sampled
(SAMPLE allocation points each, evenly spread from the first to the
last): every scenario with --trace none, a few with the other trace
formats and --out, console sessions, the malformed scenarios of
tests/scenarios/bad, the tour and the command-line errors.
Every run with a failed allocation must end in one of two ways:

  clean error  a non-zero exit status, and a message on standard error
               that names the cause ("out of host memory", or a system
               call's "Cannot allocate memory");
  absorbed     the status, standard output and standard error of the run
               without a failure: the failed allocation changed nothing
               (glibc falls back to an unbuffered stream, for one).

Anything else fails the sweep: a signal (a crash, an abort), a hang, or a
run that exits 0 with other output, or fails without saying why.

usage: alloc-sweep.py --vfsim build/vfsim --shim build/sweep/alloc_shim.so
                      [--jobs N] [--sample N] [--all] [--log FILE]

--sample N   allocation points tried for each sampled command (default
             40); --all tries every point of every command (slow: the
             tour alone runs 0.4 s per point).
--log FILE   every failure, one line each, with the command that repeats
             it.
The last line gives the totals: allocation points tried, clean errors,
absorbed, signals, other failures.
"""

import argparse
import concurrent.futures
import glob
import os
import resource
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIMEOUT = 20
# Address space of the sweep and of each run (they inherit it): far more
# than any sweep command needs, so a failure that sends a run into a loop
# that allocates ends as an error, not as a machine out of memory. Set
# once here: a per-child preexec_fn would make every spawn a full fork.
MEMORY_LIMIT = 4 << 30

CONSOLE_SCRIPT = """step 3
show queues
show requests
show tasks
show locks
show inodes
show ring requests.0
picture ring requests.0 as r0
next
until time 1ms
back 2
continue
show trace 5
where
quit
"""


def commands(choices):
    """The sweep's commands: (name, argv after 'vfsim', stdin, wants --out,
    sampled)."""
    scen = sorted(glob.glob(os.path.join(ROOT, "tests/scenarios/*.vfs")))
    bad = sorted(glob.glob(os.path.join(ROOT, "tests/scenarios/bad/*.vfs")))
    rel = lambda p: os.path.relpath(p, ROOT)
    cmds = []
    for f in scen:
        cmds.append((f"run {rel(f)}", ["run", f], None, False, False))
        cmds.append((f"run {rel(f)} --trace none",
                     ["run", f, "--trace", "none"], None, False, True))
    some = [f for f in scen if os.path.basename(f) in
            ("migration.vfs", "run-control.vfs", "hiprio-full.vfs")]
    for f in some:
        cmds.append((f"run {rel(f)} --trace jsonl",
                     ["run", f, "--trace", "jsonl"], None, False, True))
        cmds.append((f"run {rel(f)} --trace msc",
                     ["run", f, "--trace", "msc"], None, False, True))
        cmds.append((f"run {rel(f)} --out DIR",
                     ["run", f, "--out"], None, True, True))
        cmds.append((f"step {rel(f)} (console script)",
                     ["step", f, "--out"], CONSOLE_SCRIPT, True, True))
    for f in bad:
        cmds.append((f"run {rel(f)}", ["run", f], None, False, True))
    cmds.append(("tour", ["tour"], None, False, True))
    cmds.append(("--help", ["--help"], None, False, True))
    cmds.append(("run (no file)", ["run"], None, False, True))
    cmds.append(("run --policy replay:MISSING",
                 ["run", scen[0], "--policy", "replay:/nonexistent/c.txt"],
                 None, False, True))
    cmds.append(("run --policy replay:FILE",
                 ["run", scen[0], "--trace", "none", "--policy",
                  "replay:" + choices], None, False, True))
    return cmds


def run_once(vfsim, shim, argv, stdin, out, fail=0, count_file=None):
    """Run vfsim once under the shim; returns (status, stdout, stderr)."""
    env = dict(os.environ)
    env["LD_PRELOAD"] = shim
    env["LC_ALL"] = "C"
    if fail:
        env["VFSIM_SWEEP_FAIL"] = str(fail)
    if count_file:
        env["VFSIM_SWEEP_COUNT"] = count_file
    tmp = None
    args = [vfsim] + list(argv)
    if out:
        tmp = tempfile.mkdtemp(prefix="vfsim-sweep-")
        args.append("out")
    try:
        p = subprocess.run(args, input=(stdin or "").encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env, cwd=tmp or ROOT, timeout=TIMEOUT)
        status = p.returncode
        so, se = p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        status, so, se = "timeout", e.stdout or b"", e.stderr or b""
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return status, so, se


def points(n, most):
    if not most or n <= most:
        return list(range(1, n + 1))
    step = (n - 1) / (most - 1)
    return sorted({1 + round(i * step) for i in range(most)})


def classify(base, got):
    status, so, se = got
    if status == "timeout":
        return "hang"
    if status < 0:
        return "signal"
    same = status == base[0] and so == base[1] and se == base[2]
    if same:
        return "absorbed"
    low = se.lower()
    if status != 0 and (b"out of host memory" in low
                        or b"cannot allocate memory" in low):
        return "clean"
    return "silent" if status == 0 else "unexplained"


def sweep_command(vfsim, shim, cmd, most):
    name, argv, stdin, out, sampled = cmd
    if not sampled:
        most = 0
    fd, count_file = tempfile.mkstemp(prefix="vfsim-sweep-count-")
    os.close(fd)
    base = run_once(vfsim, shim, argv, stdin, out, count_file=count_file)
    with open(count_file) as f:
        text = f.read().strip()
    os.unlink(count_file)
    if base[0] == "timeout" or (isinstance(base[0], int) and base[0] < 0):
        return name, 0, {}, [f"{name}: fails without any injected failure "
                             f"(status {base[0]})"]
    total = int(text or 0)
    tally, bad = {}, []
    for k in points(total, most):
        got = run_once(vfsim, shim, argv, stdin, out, fail=k)
        kind = classify(base, got)
        tally[kind] = tally.get(kind, 0) + 1
        if kind not in ("clean", "absorbed"):
            last = got[2].decode(errors="replace").strip().splitlines()
            bad.append(f"{name}: allocation {k} of {total}: {kind} "
                       f"(status {got[0]}; stderr: "
                       f"{last[-1] if last else 'nothing'}); repeat: "
                       f"VFSIM_SWEEP_FAIL={k} LD_PRELOAD={shim} {vfsim} "
                       + " ".join(argv))
    return name, total, tally, bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vfsim", required=True)
    ap.add_argument("--shim", required=True)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--sample", type=int, default=40)
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--log")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    vfsim, shim = os.path.abspath(a.vfsim), os.path.abspath(a.shim)
    totals = {"clean": 0, "absorbed": 0, "signal": 0, "hang": 0,
              "silent": 0, "unexplained": 0}
    tried, problems = 0, []
    fd, choices = tempfile.mkstemp(prefix="vfsim-sweep-choices-")
    os.write(fd, b"replay:0,1,0,1\n")
    os.close(fd)
    cmds = commands(choices)
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
        most = 0 if a.all else a.sample
        futs = [ex.submit(sweep_command, vfsim, shim, c, most)
                for c in cmds]
        for fut in futs:
            name, total, tally, bad = fut.result()
            n = sum(tally.values())
            tried += n
            for k, v in tally.items():
                totals[k] += v
            problems += bad
            if not a.quiet:
                print(f"  {name}: {n} of {total} allocation points: "
                      f"{tally.get('clean', 0)} clean errors, "
                      f"{tally.get('absorbed', 0)} absorbed"
                      + (f", {len(bad)} FAILED" if bad else ""), flush=True)
    os.unlink(choices)
    for p in problems[:40]:
        print("FAIL " + p)
    if len(problems) > 40:
        print(f"FAIL ... and {len(problems) - 40} more")
    if a.log:
        with open(a.log, "w") as f:
            f.writelines("FAIL " + p + "\n" for p in problems)
    others = totals["hang"] + totals["silent"] + totals["unexplained"]
    print(f"alloc-sweep: {len(cmds)} commands, {tried} allocation points "
          f"tried: {totals['clean']} clean errors, {totals['absorbed']} "
          f"absorbed (output unchanged), {totals['signal']} signals, "
          f"{others} other failures (hangs {totals['hang']}, silent "
          f"{totals['silent']}, unexplained {totals['unexplained']})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
