#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""callgrind-areas.py: where the instructions of one operation go, by area.

    callgrind-areas.py SMALL.cg LARGE.cg N [--top K] [--by-source]

SMALL.cg and LARGE.cg are callgrind outputs of the same program doing an
operation two numbers of times (their difference is N). Each of vfsim's
own functions is charged its own instructions plus everything it calls
outside vfsim's sources (libc's memcpy, printf, ...), so a vsnprintf()
counts where it was called from. Functions are grouped by the area of
their source file; the difference of the two runs divided by N is the
cost of one operation, so set-up and teardown cancel out. Prints one line
per area (instructions per operation and share) and, with --top, the K
costliest functions.

With --by-source, an instruction is charged to the area of the source
line it was compiled from, not of the function it runs in: code inlined
from another file (a ring accessor in the driver, or anything GCC's
link-time optimiser inlined across modules) counts where it was
written, so builds that inline differently compare area by area.
"""
import re
import sys

# (area, source path prefixes); first match wins.
AREAS = [
    ("trace", ["sim/trace/"]),
    ("scheduler, tasks, waits, locks, policy, workqueue, irq",
     ["sim/kernel/sched", "sim/kernel/task", "sim/kernel/wait",
      "sim/kernel/mutex", "sim/kernel/completion", "sim/kernel/workqueue",
      "sim/virtio/irq", "sim/kernel/ctx"]),
    ("guest memory (gmem)", ["sim/kernel/gmem"]),
    ("slab poison and quarantine", ["sim/kernel/slab"]),
    ("fault-injection hooks", ["sim/kernel/fault"]),
    ("checks (reports, invariants)", ["sim/kernel/check"]),
    ("ring (virtio_ring, vringh, transport)", ["sim/virtio/"]),
    ("guest FUSE core and driver", ["guest/"]),
    ("device (worker, FUSE server, memfs)", ["device/"]),
    ("FUSE wire format (fuse_proto)", ["fuse_proto/"]),
    ("the program (scenario executor, ledger)", ["sim/cli/"]),
    ("benchmark harness", ["tests/"]),
    ("kernel services, other (headers)", ["sim/kernel/"]),
]
OTHER = "other (start-up, libc not called from vfsim)"

POS = re.compile(r"^(\+|-)?\d+|^\*")
OURS = re.compile(r"(^|/)(fuse_proto|sim|guest|device|tests)/")


# Functions without line information (assembly) that belong to an area.
ASM = {"ctx_switch": "sim/kernel/task.c", "ctx_trampoline": "sim/kernel/task.c"}


def area_of(path, fn=None):
    if fn is not None and path == "???":
        path = ASM.get(fn.split("'")[0], path)
    for name, prefixes in AREAS:
        for p in prefixes:
            if ("/" + p) in path or path.startswith(p):
                return name
    return None


def parse(path, by_source=False):
    """Return {(file, function): cost charged to it} for vfsim functions,
    and the total; by_source: the file is that of the source line."""
    names = {"fl": {}, "fn": {}, "cfl": {}, "cfn": {}}
    cost = {}
    total = 0
    cur_fl = cur_fn = None
    # the file the following cost lines were compiled from (fi=, fe=:
    # inlined code)
    cur_src = None
    call_fl = call_fn = None
    in_call = False

    def resolve(kind, rest):
        # "(id) name" defines, "(id)" refers
        m = re.match(r"\((\d+)\)(?: (.*))?", rest)
        if not m:
            return rest
        table = names["fl"] if kind in ("fl", "fi", "fe", "cfl", "cfi") \
            else names["fn"]
        if m.group(2) is not None:
            table[m.group(1)] = m.group(2)
        return table.get(m.group(1), "?")

    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            if line.startswith("summary:") or line.startswith("totals:"):
                total = int(line.split()[1])
                continue
            key, _, rest = line.partition("=")
            if key in ("fl",):
                cur_fl = cur_src = resolve("fl", rest)
                continue
            if key in ("fi", "fe"):
                cur_src = resolve("fl", rest)
                continue
            if key == "fn":
                cur_fn = resolve("fn", rest)
                cur_src = cur_fl
                call_fl = None
                continue
            if key in ("cfl", "cfi"):
                call_fl = resolve("cfl", rest)
                continue
            if key == "cfn":
                call_fn = resolve("cfn", rest)
                continue
            if key == "calls":
                in_call = True
                continue
            if key in ("ob", "cob", "jump", "jcnd"):
                continue
            if not POS.match(line):
                continue
            parts = line.split()
            c = int(parts[1]) if len(parts) > 1 else 0
            here = cur_src if by_source else cur_fl
            if in_call:
                in_call = False
                caller_ours = area_of(here or "", cur_fn)
                callee_fl = call_fl if call_fl else (cur_fl or "")
                # unknown file: our assembly (a context switch runs
                # another task, whose costs are counted where they are)
                callee_ours = callee_fl == "???" or \
                    OURS.search(callee_fl)
                # An inclusive call cost: charge it to the caller only
                # when the callee is outside vfsim (its own cost is
                # counted where it is defined).
                if caller_ours and not callee_ours:
                    k = (here, cur_fn)
                    cost[k] = cost.get(k, 0) + c
                call_fl = None
                continue
            k = (here, cur_fn)
            cost[k] = cost.get(k, 0) + c
    return cost, total


def main():
    args = sys.argv[1:]
    top = 0
    by_source = "--by-source" in args
    if by_source:
        args.remove("--by-source")
    if "--top" in args:
        i = args.index("--top")
        top = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 3:
        sys.stderr.write(__doc__)
        return 2
    small, stot = parse(args[0], by_source)
    large, ltot = parse(args[1], by_source)
    n = float(args[2])
    per_fn = {}
    for k in set(small) | set(large):
        d = (large.get(k, 0) - small.get(k, 0)) / n
        per_fn[k] = d
    per_area = {}
    for (fl, fn), d in per_fn.items():
        a = area_of(fl or "", fn)
        if a is None:
            a = OTHER
        per_area[a] = per_area.get(a, 0) + d
    whole = (ltot - stot) / n
    ours = sum(per_area.values())
    per_area[OTHER] = per_area.get(OTHER, 0) + whole - ours
    print("  %-55s %9.0f  100.0%%" % ("total per operation", whole))
    order = [a for a, _ in AREAS] + [OTHER]
    for a in order:
        v = per_area.get(a, 0)
        if abs(v) < 0.5:
            continue
        print("  %-55s %9.0f %5.1f%%" % (a, v, 100.0 * v / whole if whole
                                           else 0))
    if top:
        print("  costliest functions (own instructions plus libc they call):")
        ranked = sorted(((k, v) for k, v in per_fn.items()
                         if area_of(k[0] or "", k[1])),
                        key=lambda kv: -kv[1])[:top]
        for (fl, fn), d in ranked:
            print("    %8.0f  %s (%s)" % (d, fn, fl))
    return 0


if __name__ == "__main__":
    sys.exit(main())
