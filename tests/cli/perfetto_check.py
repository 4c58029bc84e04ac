#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Check a `vfsim run --trace perfetto` file the way a trace viewer reads it.

    perfetto_check.py FILE...

Each FILE must be valid JSON in the Chrome/Perfetto trace event format (an
object with a traceEvents list), and what vfsim draws must hold together:
every event has a phase and a numeric time stamp; each request's async
slice ("b") ends ("e", same name and id) no earlier than it began, and
every end has its begin; each CPU track's B/E slices nest; the tasks,
CPUs, virtqueues and requests processes are named; the queue counters
carry in_flight and num_free. Prints one line per problem, or a summary
line per good file; exits 1 when any file had a problem. Used by the suite cli_perfetto.
"""
import json
import sys


def check(path):
    with open(path) as f:
        doc = json.load(f)  # raises on invalid JSON
    bad = []
    events = doc.get("traceEvents")
    if not isinstance(events, list) or not events:
        return ["no traceEvents list"], {}
    procs, opened, stacks = {}, {}, {}
    n = {"b": 0, "e": 0, "C": 0, "i": 0, "B": 0}
    last_ts = 0.0
    for k, ev in enumerate(events):
        ph = ev.get("ph")
        if ph is None:
            bad.append("event %d has no phase" % k)
            continue
        if ph == "M":
            if ev.get("name") == "process_name":
                procs[ev["pid"]] = ev["args"]["name"]
            continue
        ts = ev.get("ts")
        if not isinstance(ts, (int, float)):
            bad.append("event %d has no numeric ts" % k)
            continue
        if ts < last_ts:
            bad.append("event %d goes back in time" % k)
        last_ts = ts
        if ph in n:
            n[ph] += 1
        if ph == "b":
            key = (ev.get("cat"), ev.get("name"), ev.get("id"))
            if key in opened:
                bad.append("slice %s begins twice" % (key,))
            opened[key] = ts
        elif ph == "e":
            key = (ev.get("cat"), ev.get("name"), ev.get("id"))
            if key not in opened:
                bad.append("slice %s ends without a begin" % (key,))
            elif opened.pop(key) > ts:
                bad.append("slice %s ends before it begins" % (key,))
        elif ph == "B":
            stacks.setdefault((ev["pid"], ev["tid"]), []).append(ts)
        elif ph == "E":
            s = stacks.get((ev["pid"], ev["tid"]))
            if not s:
                bad.append("event %d ends a CPU slice never begun" % k)
            else:
                s.pop()
        elif ph == "C":
            a = ev.get("args", {})
            if not all(isinstance(a.get(x), int)
                       for x in ("in_flight", "num_free")):
                bad.append("counter %d lacks in_flight/num_free" % k)
    for key in opened:
        bad.append("slice %s never ends" % (key,))
    for track, s in stacks.items():
        if s:
            bad.append("CPU track %s left %d slices open" % (track, len(s)))
    for name in ("tasks", "CPUs", "virtqueues", "requests"):
        if name not in procs.values():
            bad.append("no process named %s" % name)
    return bad, n


def check_file(path):
    """Print the verdict on one file; True when it passed."""
    try:
        bad, n = check(path)
    except (OSError, ValueError, KeyError, TypeError) as e:
        print("%s: %s" % (path, e))
        return False
    for b in bad:
        print("%s: %s" % (path, b))
    if not bad:
        print("%s: ok: %d requests, %d counters, %d instants, %d CPU slices"
              % (path, n["b"], n["C"], n["i"], n["B"]))
    return not bad


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    results = [check_file(path) for path in argv[1:]]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
