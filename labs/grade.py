#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""grade.py - the vfsim labs' autograder (labs/grade.sh runs it).

A scenario lab (labs/LAB/grade.spec) is graded from what the answer does:
  1. the answer must parse (`vfsim run --parse-only`); its rules are
     checked against that parsed, canonical form, never against the text;
  2. the answer runs once, on the grader's terms (a wall-clock, memory,
     step and virtual-time limit), with the grader's state checks after a
     final `run`; the trace comes back as JSON lines, and the grader reads
     only the events the machine wrote (the scenario's own `mark` and
     `expect` events, and whatever text the answer chose, never count);
  3. a run that does not end normally (killed, a limit, a checker report,
     an error that is not a failed expectation) scores 0;
  4. the lab's `mechanism` checks say the mechanism really happened; while
     one fails, no check at all is awarded, so an empty or do-nothing
     answer scores 0 (a broken rule counts as a failed mechanism check).
A C lab (labs/LAB/lab.conf) builds vfsim with the answer in place of the
reference functions and runs the lab's graded scenarios and tests with it.
The last line is always `score: N/M`. Exit status: 0 all passed, 1
something failed, 2 usage error or an answer that does not parse or
build, 3 vfsim failed on this machine (nothing graded).
"""
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# Wall time of one run (VFSIM_GRADE_WALL_SECONDS overrides it).
WALL_SECONDS = int(os.environ.get("VFSIM_GRADE_WALL_SECONDS", "120"))
MEMORY_BYTES = 4 << 30
# Limits of the graded run: a run that reaches one did not end.
TIME_LIMIT = "600s"


def die(msg, status=2):
    print("grade: " + msg, file=sys.stderr)
    sys.exit(status)


def limit_child():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run(cmd, **kw):
    """Run @cmd with the grader's limits: (status, stdout, stderr); the
    status is negative for a signal, None when the wall clock ran out."""
    try:
        p = subprocess.run(cmd, capture_output=True, text=True,
                           errors="replace", timeout=WALL_SECONDS,
                           preexec_fn=limit_child, **kw)
    except subprocess.TimeoutExpired as e:
        return None, e.stdout or "", e.stderr or ""
    return p.returncode, p.stdout, p.stderr


# ---- event matching --------------------------------------------------

def scn_op_fields(ev):
    """An operation's record: its name in func, and a detail "op N
    ARGS...: RESULT" whose result follows the last ': ', whatever the
    arguments (paths) hold."""
    d = ev.get("detail", "")
    result = d.rsplit(": ", 1)[1] if ": " in d else ""
    return ev.get("func", ""), result


def machine_event(ev):
    """Events the machine wrote: everything but the scenario's own notes
    and verdicts (scn.mark, scn.expect); of the executor's records, only
    operations that ran (scn.op) and actions that fired (scn.action)."""
    k = ev.get("kind", "")
    return not k.startswith("scn.") or k in ("scn.op", "scn.action")


def parse_match(text):
    """Comma-separated FIELD=V, FIELD!=V or FIELD~TEXT: kind, func, queue,
    task, detail, and of an operation (scn.op) op and result."""
    m = {}
    for part in text.split(","):
        if "!=" in part:
            k, v = part.split("!=", 1)
            m[k + "!"] = v
        elif "~" in part and ("=" not in part or
                            part.index("~") < part.index("=")):
            k, v = part.split("~", 1)
            m[k + "~"] = v
        elif "=" in part:
            k, v = part.split("=", 1)
            m[k] = v
        else:
            raise ValueError("bad event pattern '%s'" % part)
        if k.rstrip("~!") not in ("kind", "func", "queue", "task", "op",
                                 "result", "detail"):
            raise ValueError("bad event field '%s'" % k)
    return m


def field(ev, k):
    if k in ("op", "result"):
        if ev.get("kind") != "scn.op":
            return None
        name, result = scn_op_fields(ev)
        return name if k == "op" else result
    return str(ev.get(k, ""))


def matches(m, ev):
    """Every field equal (k=v), different (k!=v) or containing the text
    (k~v)."""
    if not machine_event(ev):
        return False
    for k, v in m.items():
        got = field(ev, k.rstrip("~!"))
        if got is None:
            return False
        if k.endswith("~"):
            ok = v in got
        elif k.endswith("!"):
            ok = got != v
        else:
            ok = got == v
        if not ok:
            return False
    return True


OPS = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}


# ---- the spec ----------------------------------------------------------

class Check:
    def __init__(self, gate, kind, args, msg, lineno):
        self.gate, self.kind, self.args = gate, kind, args
        self.msg, self.lineno = msg, lineno
        self.ok, self.why = False, ""


def read_spec(path):
    """Each line: [mechanism] KIND ARGS | what it means (rules, the
    -config kinds, are always mechanism checks). KINDs:
    require-config REGEX, forbid-config REGEX (on the parsed scenario's
    configuration lines), count PATTERN OP N, before PATTERN PATTERN
    (every event of the first is followed by one of the second, and there
    is at least one), state EXPECTATION (evaluated after the run)."""
    checks = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if " | " not in line:
                die("%s:%d: a check needs ' | ' and its meaning" % (path, n))
            body, msg = line.split(" | ", 1)
            words = body.split(None, 1)
            gate = words[0] == "mechanism"
            if gate:
                words = words[1].split(None, 1)
            # A broken rule means the lab was not done as asked.
            gate = gate or words[0].endswith("-config")
            kind, args = words[0], words[1] if len(words) > 1 else ""
            if kind not in ("require-config", "forbid-config", "count",
                            "before", "state"):
                die("%s:%d: unknown check '%s'" % (path, n, kind))
            c = Check(gate, kind, args, msg, n)
            try:
                if kind == "count":
                    pat, op, num = args.rsplit(None, 2)
                    c.pattern, c.op, c.num = parse_match(pat), op, int(num)
                    if op not in OPS:
                        raise ValueError("bad operator '%s'" % op)
                elif kind == "before":
                    a, b = args.split()
                    c.first, c.then = parse_match(a), parse_match(b)
                elif kind.endswith("config"):
                    c.regex = re.compile(args)
            except (ValueError, re.error) as e:
                die("%s:%d: %s" % (path, n, e))
            checks.append(c)
    return checks


def config_lines(canonical):
    """The configuration statements of a canonical dump: those before the
    first task, event block or run statement."""
    out = []
    for line in canonical.splitlines():
        if re.match(r"(task|at|on|run|step|expect)\b", line):
            break
        out.append(line)
    return out


def evaluate(c, events, config, state_failed):
    if c.kind in ("require-config", "forbid-config"):
        found = any(c.regex.search(l) for l in config)
        c.ok = found == (c.kind == "require-config")
        if not c.ok:
            c.why = "the scenario's configuration " + (
                "lacks it" if c.kind == "require-config" else "has it")
    elif c.kind == "count":
        n = sum(1 for ev in events if matches(c.pattern, ev))
        c.ok = OPS[c.op](n, c.num)
        c.why = "got %d" % n
    elif c.kind == "before":
        firsts = [i for i, ev in enumerate(events) if matches(c.first, ev)]
        thens = [i for i, ev in enumerate(events) if matches(c.then, ev)]
        c.ok = bool(firsts) and bool(thens) and max(firsts) < max(thens)
        if not firsts:
            c.why = "the first never happened"
        elif not c.ok:
            c.why = "nothing followed the last of them"
    else:
        c.ok = c.lineno not in state_failed
        c.why = state_failed.get(c.lineno, "")


def grade_scenario(lab, vfsim, answer):
    checks = read_spec(os.path.join(lab, "grade.spec"))
    st, canonical, err = run([vfsim, "run", "--parse-only", answer])
    if st == 2:
        sys.stderr.write(err)
        die("the answer does not run (fix the error above)")
    if st != 0:
        host_failed(st, err)
    if any(re.search(r" backend=", l) and not re.search(r'backend="?sim"?( |$)', l)
           for l in config_lines(canonical)):
        die("the labs run on vfsim's own device: remove 'backend=' from "
            "the answer's device line")
    with tempfile.TemporaryDirectory() as tmp:
        graded = os.path.join(tmp, "answer.vfs")
        with open(answer, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        lines = text.count("\n") + (0 if text.endswith("\n") else 1)
        # The grader's state checks, after a final run, one line each.
        state_line = {}
        tail = ["", "# ---- the grader's state checks ----", "run"]
        for c in checks:
            if c.kind == "state":
                tail.append("expect " + c.args)
                state_line[lines + len(tail)] = c.lineno
        with open(graded, "w") as f:
            f.write(text + ("" if text.endswith("\n") or not text else "\n"))
            f.write("\n".join(tail) + "\n")
        st, out, err = run([vfsim, "run", "--trace", "jsonl",
                            "--time-limit", TIME_LIMIT, graded])
    print("grading %s with %s" % (os.path.basename(lab), answer))
    if st == 2:
        sys.stderr.write(err.replace(graded, answer + " (with the grader's "
                                     "checks)"))
        die("the lab's checks do not run with this answer (a fault of the "
            "lab: tell its author)")
    if st == 3:
        host_failed(st, err)
    events = []
    for l in out.splitlines():
        try:
            events.append(json.loads(l))
        except ValueError:
            pass
    own_failed, state_failed, abnormal = [], {}, []
    for l in err.splitlines():
        m = re.match(re.escape(graded) + r":(\d+):\d+: expectation failed: "
                     r"(.*)$", l)
        if m and int(m.group(1)) in state_line:
            got = re.sub(r" \(trace position.*", "", m.group(2))
            state_failed[state_line[int(m.group(1))]] = \
                got.rsplit(": ", 1)[-1]
        elif m:
            own_failed.append(l.replace(graded, answer))
        elif l.startswith("vfsim: warning:"):
            continue
        elif l.strip():
            abnormal.append(l.replace(graded, answer))
    reports = [ev for ev in events if ev.get("kind") == "bug"]
    if st is None or st < 0:
        abnormal.insert(0, "vfsim was " + ended(st).strip())
    elif st not in (0, 1):
        abnormal.insert(0, "vfsim exited with status %d" % st)
    elif st == 0 and not events:
        abnormal.insert(0, "the run left no trace")
    for ev in reports:
        abnormal.append("checker report %s: %s" % (ev.get("func", ""),
                                                   ev.get("detail", "")))
    total = len(checks) + 1
    if abnormal:
        print("  FAIL  the run ended normally: " + abnormal[0])
        for l in abnormal[1:6]:
            print("        " + l)
        print("  nothing else is graded: a run that does not end normally "
              "scores 0")
        print("score: 0/%d" % total)
        return 1
    config = config_lines(canonical)
    for c in checks:
        evaluate(c, events, config, state_failed)
    happened = all(c.ok for c in checks if c.gate)
    passed = 0
    for c in checks:
        if c.ok and happened:
            print("  PASS  " + c.msg)
            passed += 1
        elif c.ok and c.gate:
            print("  ok    %s (not awarded while a mechanism check fails)"
                  % c.msg)
        elif c.ok:
            print("  FAIL  %s (not awarded: the mechanism did not happen)"
                  % c.msg)
        else:
            print("  FAIL  %s (%s)" % (c.msg, c.why) if c.why else
                  "  FAIL  " + c.msg)
    own = "your own expectations hold"
    if own_failed:
        print("  FAIL  %s (%d failed)" % (own, len(own_failed)))
        for l in own_failed:
            print("        " + l)
    elif happened:
        print("  PASS  " + own)
        passed += 1
    else:
        print("  FAIL  %s (not awarded: the mechanism did not happen)" % own)
    print("score: %d/%d" % (passed, total))
    return 0 if passed == total else 1


def host_failed(st, err):
    sys.stderr.write(err)
    print("grade: vfsim failed on this machine (exit %s): nothing is graded"
          % st)
    sys.exit(3)


# ---- C labs ------------------------------------------------------------

def read_conf(path):
    conf = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                k, v = line.split("=", 1)
                conf[k.strip()] = v.strip()
    return conf


def ended(st):
    """Why a run did not end by itself, or ''."""
    if st is None:
        return "killed after %d s of wall time\n" % WALL_SECONDS
    if st < 0:
        return "killed by signal %d\n" % -st
    return ""


def grade_c(lab, answer):
    """Build the answer into a directory of this grading's own (two
    gradings of one lab can run at once), grade it, remove the build."""
    labs_build = os.path.join(ROOT, "build", "labs")
    os.makedirs(labs_build, exist_ok=True)
    build = tempfile.mkdtemp(prefix=".grade-", dir=labs_build)
    try:
        return grade_c_in(lab, answer, build)
    finally:
        shutil.rmtree(build, ignore_errors=True)


def grade_c_in(lab, answer, build):
    conf = read_conf(os.path.join(lab, "lab.conf"))
    name = os.path.basename(lab)
    env = dict(os.environ)
    for v in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
        env.pop(v, None)
    st, out, err = run(["make", "-s", "-C", ROOT, "lab", "LAB=" + name,
                        "LAB_OUT=" + build,
                        "ANSWER=" + os.path.abspath(answer)], env=env)
    if st != 0:
        sys.stderr.write(out + err)
        die("the answer does not build (fix the error above)")
    vfsim = os.path.join(build, "vfsim")
    print("grading %s with %s" % (name, answer))
    results = []
    seeds = conf.get("seeds", "").split()
    for sc in sorted(os.listdir(os.path.join(lab, "graded"))):
        if not sc.endswith(".vfs"):
            continue
        path = os.path.join(lab, "graded", sc)
        policies = ["fifo"] + ["random:" + s for s in seeds]
        for pol in policies:
            st, out, err = run([vfsim, "run", "--trace", "none", "--policy",
                                pol, "--time-limit", TIME_LIMIT, path])
            what = "%s (%s)" % (sc[:-4], pol)
            if st == 3:
                host_failed(st, err)
            results.append((what, st == 0, ended(st) + err))
    tests = os.path.join(build, "lab-tests")
    if os.path.exists(tests):
        st, out, err = run([tests], cwd=ROOT)
        for m in re.finditer(r"Test: (\S+) \.\.\.(passed|FAILED)(.*?)"
                             r"(?=\n  Test: |\nRun Summary|\Z)", out, re.S):
            results.append(("test " + m.group(1), m.group(2) == "passed",
                            m.group(3)))
        if st != 0 and not any(not r[1] for r in results
                               if r[0].startswith("test ")):
            results.append(("the lab's tests ran to the end", False,
                            ended(st) + out + err))
    passed = 0
    for what, ok, err in results:
        print("  %s  %s" % ("PASS" if ok else "FAIL", what))
        if not ok:
            for l in err.strip().splitlines()[:4]:
                print("        " + l)
        passed += ok
    print("score: %d/%d" % (passed, len(results)))
    return 0 if passed == len(results) and results else 1


def main():
    if len(sys.argv) != 3:
        die("usage: labs/grade.sh LAB ANSWER   (LAB: a number or a lab "
            "directory name; ANSWER: a .vfs file, or a .c file for a C lab)")
    lab, answer = sys.argv[1], sys.argv[2]
    labs = sorted(d for d in os.listdir(HERE) if d.startswith("lab") and
                  os.path.isdir(os.path.join(HERE, d)))
    if re.fullmatch(r"[0-9]+", lab):
        found = [d for d in labs if d.split("-")[0] == "lab" + lab]
    else:
        found = [d for d in labs if d == lab]
    if not found:
        die("no lab '%s' (labs: %s)" % (lab, " ".join(labs)))
    lab = os.path.join(HERE, found[0])
    if not os.access(answer, os.R_OK) or os.path.isdir(answer):
        die("cannot read answer '%s'" % answer)
    if os.path.exists(os.path.join(lab, "lab.conf")):
        return grade_c(lab, answer)
    vfsim = os.environ.get("VFSIM") or os.path.join(ROOT, "build", "vfsim")
    if not os.access(vfsim, os.X_OK):
        env = dict(os.environ)
        for v in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
            env.pop(v, None)
        if subprocess.call(["make", "-s", "-C", ROOT, "all"], env=env,
                           stdout=subprocess.DEVNULL) != 0:
            die("cannot build vfsim (run make in %s)" % ROOT)
    return grade_scenario(lab, vfsim, answer)


if __name__ == "__main__":
    sys.exit(main())
