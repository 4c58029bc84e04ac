#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""fuzz-run.py: run the libFuzzer targets on their corpora for a while.

  fuzz-run.py --seconds N --corpus DIR [--jobs J] TARGET...

Each TARGET (a libFuzzer binary) runs for N seconds on DIR/NAME (NAME its
file name), J at a time; what it finds new stays in the corpus, a crashing
input goes to DIR/../artifacts/NAME-*. One line per target: executions,
new inputs, corpus size. Exit 1 when a target crashed, leaked, timed out
or exited without its final statistics.
"""

import argparse
import concurrent.futures
import os
import re
import subprocess
import sys


def run(target, corpus, seconds):
    name = os.path.basename(target)
    cdir = os.path.join(corpus, name)
    adir = os.path.join(os.path.dirname(os.path.abspath(corpus)),
                        "artifacts")
    os.makedirs(cdir, exist_ok=True)
    os.makedirs(adir, exist_ok=True)
    p = subprocess.run([target, f"-max_total_time={seconds}",
                        "-print_final_stats=1", "-timeout=25",
                        f"-artifact_prefix={adir}/{name}-", cdir],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, errors="replace", timeout=seconds * 4 + 120)
    out = p.stdout
    stat = dict(re.findall(r"stat::(\w+):\s+(\d+)", out))
    problems = [l for l in out.splitlines()
                if re.search(r"ERROR: |SUMMARY: |==\d+==ERROR|deadly signal",
                             l)]
    ok = p.returncode == 0 and "number_of_executed_units" in stat
    return name, ok, stat, problems, len(os.listdir(cdir)), out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=int, required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("targets", nargs="+")
    a = ap.parse_args()
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
        futs = [ex.submit(run, t, a.corpus, a.seconds) for t in a.targets]
        for fut in futs:
            name, ok, stat, problems, size, out = fut.result()
            print(f"== {name} ({a.seconds} s): "
                  f"{stat.get('number_of_executed_units', '?')} executions, "
                  f"{stat.get('new_units_added', '?')} new inputs, "
                  f"corpus {size}" + ("" if ok else ": FAILED"), flush=True)
            if not ok:
                failed += 1
                for line in problems[:20] or out.splitlines()[-20:]:
                    print("   " + line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
