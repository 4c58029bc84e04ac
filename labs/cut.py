#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""cut.py - a C lab's copy of a vfsim source file, the reference versions
of the lab's functions taken out and the student's file put in their place.

    labs/cut.py SOURCE OUTPUT ANSWER FUNCTION...

Each FUNCTION's definition (its comment block, its signature and its body,
which ends at the first '}' in column 0) leaves the copy; a prototype of
each stands where the first of them stood, so the code between can still
call them, and `#include "ANSWER"` stands where the last of them stood.
The source file itself is never changed: the driver stays as readable
as the kernel's. Exit status: 0 done, 2 a function was not found or the
arguments are wrong.
"""
import os
import re
import sys


def find(lines, name):
    """(first line of the comment above, signature start, body end) of
    FUNCTION's definition, 0-based, or None."""
    sig = re.compile(r"^(static )?[a-z].*\b%s\(" % re.escape(name))
    for i, l in enumerate(lines):
        if not sig.match(l) or l.rstrip().endswith(";"):
            continue
        j = i
        while j < len(lines) and lines[j].rstrip() != "{":
            if lines[j].rstrip().endswith(";"):
                break
            j += 1
        if j == len(lines) or lines[j].rstrip() != "{":
            continue
        end = j
        while end < len(lines) and lines[end].rstrip() != "}":
            end += 1
        top = i
        if top > 0 and lines[top - 1].rstrip().endswith("*/"):
            while top > 0 and not lines[top - 1].lstrip().startswith("/*"):
                top -= 1
            top -= 1
        return top, i, j, end
    return None


def main():
    if len(sys.argv) < 5:
        print("usage: labs/cut.py SOURCE OUTPUT ANSWER FUNCTION...",
              file=sys.stderr)
        return 2
    src, out, answer, funcs = sys.argv[1], sys.argv[2], sys.argv[3], \
        sys.argv[4:]
    with open(src) as f:
        lines = f.read().split("\n")
    spans = []
    for name in funcs:
        span = find(lines, name)
        if not span:
            print("cut: no definition of %s() in %s" % (name, src),
                  file=sys.stderr)
            return 2
        spans.append((name,) + span)
    spans.sort(key=lambda s: s[1])
    protos = ["/* labs/cut.py: the lab's functions, written by the student "
              "(%s) */" % os.path.basename(answer)]
    for name, top, sig, brace, end in spans:
        protos.append(" ".join(l.strip() for l in lines[sig:brace]) + ";")
    result, prev = [], 0
    for k, (name, top, sig, brace, end) in enumerate(spans):
        result += lines[prev:top]
        if k == 0:
            result += protos
        if k == len(spans) - 1:
            result.append('#include "%s"' % os.path.abspath(answer))
        prev = end + 1
    result += lines[prev:]
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        f.write("\n".join(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
