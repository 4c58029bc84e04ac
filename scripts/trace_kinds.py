#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Keep the list of trace event kinds true to the sources.

`on KIND` and `until KIND` refuse a kind that is not in the list of
sim/trace/trace_kinds.c (between its trace-kinds markers). The kinds are
those of the TRACE() call sites of fuse_proto/, sim/, guest/, device/ and
lib/: the string literals of each site's `.kind =` expression, or, where
the kind is a variable, the kinds named by a comment "trace kinds: A B"
within the four lines above the call (a site with neither is an error).

    trace_kinds.py list     the kinds found in the sources
    trace_kinds.py check    the table lists exactly those, sorted (exit 1
                            and the difference otherwise); run by make test
"""
import glob
import re
import sys

TABLE = "sim/trace/trace_kinds.c"
DIRS = ("fuse_proto", "sim", "guest", "device", "lib")
CALL = re.compile(r"\bTRACE\(")
KIND = re.compile(r"\.kind\s*=\s*")
STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
NOTE = re.compile(r"trace kinds:((?:\s+[\w.]+)+)")


def call_text(src, start):
    """The TRACE( ... ) call's argument text from its '('."""
    depth, i = 0, start
    while i < len(src):
        c = src[i]
        if c == '"':
            i = src.index('"', i + 1)
            while src[i - 1] == "\\":
                i = src.index('"', i + 1)
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return src[start + 1:i]
        i += 1
    return src[start + 1:]


def kind_expr(args):
    """The `.kind =` expression: up to a comma outside parentheses."""
    m = KIND.search(args)
    if not m:
        return None
    depth, i = 0, m.end()
    while i < len(args):
        c = args[i]
        if c == '"':
            i = args.index('"', i + 1)
        elif c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "," and depth == 0:
            break
        i += 1
    return args[m.end():i]


def found():
    kinds, bad = set(), []
    files = [f for d in DIRS for f in glob.glob(d + "/**/*.[ch]",
                                                 recursive=True)]
    for path in sorted(files):
        if path == TABLE:
            continue
        src = open(path).read()
        for m in CALL.finditer(src):
            if src[max(0, m.start() - 8):m.start()].endswith("define "):
                continue
            expr = kind_expr(call_text(src, m.end() - 1))
            if expr is None:
                continue
            lits = STRING.findall(expr)
            if not lits:
                line = src.count("\n", 0, m.start())
                above = "\n".join(src.split("\n")[max(0, line - 4):line + 1])
                note = NOTE.search(above)
                if not note:
                    bad.append("%s:%d: the kind '%s' is no string and no "
                               "'trace kinds:' comment names its values"
                               % (path, line + 1, expr.strip()))
                    continue
                lits = note.group(1).split()
            kinds.update(lits)
    return kinds, bad


def table():
    src = open(TABLE).read()
    part = src.split("trace-kinds: begin")[1].split("trace-kinds: end")[0]
    return STRING.findall(part)


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("list", "check"):
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    kinds, bad = found()
    if sys.argv[1] == "list":
        print("\n".join(sorted(kinds)))
        sys.exit(1 if bad else 0)
    listed = table()
    for b in bad:
        print("trace_kinds: " + b)
    for k in sorted(kinds - set(listed)):
        print("trace_kinds: %s: '%s' is emitted but not listed" % (TABLE, k))
    for k in sorted(set(listed) - kinds):
        print("trace_kinds: %s: '%s' is listed but nothing emits it"
              % (TABLE, k))
    if listed != sorted(listed):
        print("trace_kinds: %s: the list is not sorted" % TABLE)
    if len(set(listed)) != len(listed):
        print("trace_kinds: %s: a kind is listed twice" % TABLE)
    ok = not bad and kinds == set(listed) and listed == sorted(listed) \
        and len(set(listed)) == len(listed)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
