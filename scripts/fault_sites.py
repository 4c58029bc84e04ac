#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Keep the kmalloc fault point's list of sites true to the sources.

The fault plan refuses `kmalloc:site=F` unless F is in the list in
sim/kernel/fault_points.c (between its fault-sites markers). The sites
are the functions of guest/, sim/ and device/ that call kmalloc(),
kzalloc(), kcalloc(), kmalloc_array(), kmemdup() or alloc_page() at least
once without
__GFP_NOFAIL (a __GFP_NOFAIL allocation never consults the point).

    fault_sites.py list     the sites found in the sources
    fault_sites.py check    the table lists exactly those (exit 1 and the
                            difference otherwise); run by make test
"""
import glob
import re
import sys

TABLE = "sim/kernel/fault_points.c"
ALLOC = re.compile(
    r"\b(kmalloc|kzalloc|kcalloc|kmalloc_array|kmemdup|alloc_page)\s*\(")
# a function definition in kernel style: its name and "(" at the start
# of a line that is not a declaration
DEF = re.compile(r"^(?:[A-Za-z_][\w \*]*?[\s\*])?([A-Za-z_]\w*)\s*\([^;]*$")


def call_text(lines, i):
    """The allocation call starting on line i, up to its closing ')'."""
    text, depth = "", 0
    for line in lines[i:i + 6]:
        text += line
        depth += line.count("(") - line.count(")")
        if depth <= 0:
            break
    return text


def sites():
    found = set()
    files = glob.glob("guest/*.c") + glob.glob("sim/*/*.c")
    files += glob.glob("device/*.c")
    for path in sorted(files):
        with open(path) as f:
            lines = f.readlines()
        fn = None
        for i, line in enumerate(lines):
            m = DEF.match(line)
            if m and not line.startswith((" ", "\t", "#", "}")):
                fn = m.group(1)
            s = line.lstrip()
            if s.startswith(("*", "/*", "//", "#")):
                continue
            code = re.sub(r'"(?:[^"\\]|\\.)*"', '""', line)
            if ALLOC.search(code) and "__GFP_NOFAIL" not in call_text(
                    lines, i):
                found.add(fn)
    found.discard(None)
    return found


def table():
    with open(TABLE) as f:
        text = f.read()
    m = re.search(r"fault-sites: begin \*/(.*?)/\* fault-sites: end",
                  text, re.S)
    if not m:
        sys.exit("%s: no fault-sites markers" % TABLE)
    return set(re.findall(r'"([^"]+)"', m.group(1)))


def main(argv):
    if len(argv) != 2 or argv[1] not in ("list", "check"):
        sys.exit(__doc__)
    src = sites()
    if argv[1] == "list":
        print("\n".join(sorted(src)))
        return 0
    tab = table()
    bad = 0
    for s in sorted(src - tab):
        print("%s: kmalloc site %s allocates but is not listed" % (TABLE, s))
        bad = 1
    for s in sorted(tab - src):
        print("%s: kmalloc site %s is listed but does not allocate "
              "(or only with __GFP_NOFAIL)" % (TABLE, s))
        bad = 1
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv))
