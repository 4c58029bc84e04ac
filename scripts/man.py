#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Man pages for vfsim and each of its commands, made from --help.

    man.py VFSIM OUTDIR VERSION   write OUTDIR/vfsim.1 and vfsim-CMD.1 for
                                  each command vfsim --help lists (and
                                  remove pages of commands it no longer
                                  lists)
    man.py --check VFSIM OUTDIR   each page holds its --help text, line
                                  for line, and there is a page per
                                  command (exit 1 and what differs)

The program's --help text is the one source: the page's SYNOPSIS is its
usage lines, DESCRIPTION the rest, verbatim, so `man vfsim-run` and
`vfsim run --help` cannot disagree. make install installs the pages,
make test runs --check.
"""
import os
import re
import subprocess
import sys

def commands(main_help):
    """The commands vfsim --help lists, in its order."""
    out = []
    for line in main_help.split("\n"):
        m = re.match(r"^  ([a-z]+)( [A-Z]+)?\s{2,}\S", line)
        if m and m.group(1) not in out:
            out.append(m.group(1))
        if line.startswith("options:"):
            break
    return out


def help_text(vfsim, cmd):
    """The --help text of vfsim (cmd None) or of one command."""
    argv = [vfsim] + ([cmd] if cmd else []) + ["--help"]
    out = subprocess.run(argv, capture_output=True, text=True, check=True)
    return out.stdout


def esc(line):
    """A line of text as roff prints it: backslashes and leading dots
    and quotes escaped."""
    line = line.replace("\\", "\\e")
    if line.startswith((".", "'")):
        line = "\\&" + line
    return line


def split(text):
    """(usage lines, the rest) of a --help text."""
    lines = text.rstrip("\n").split("\n")
    n = 0
    while n < len(lines) and lines[n].strip():
        n += 1
    usage = [re.sub(r"^usage: ", "", l) for l in lines[:n]]
    rest = lines[n:]
    while rest and not rest[0].strip():
        rest.pop(0)
    return usage, rest


def summaries(main_help):
    """Each command's one-line summary, from vfsim --help's command list
    (its "(vfsim CMD --help)" pointer dropped)."""
    out, cur = {}, None
    cmds = commands(main_help)
    for line in main_help.split("\n"):
        m = re.match(r"^  (\w+)( \S+)?\s{2,}(.*)$", line)
        if m and m.group(1) in cmds:
            cur = m.group(1)
            out[cur] = m.group(3)
        elif cur and re.match(r"^\s{6,}\S", line):
            out[cur] += " " + line.strip()
        else:
            cur = None
    for c in out:
        out[c] = re.sub(r"\s*\((make run; )?vfsim\s+\w+\s+--help\)", "",
                        out[c])
    return out


def page(name, cmd, text, version, summary, cmds):
    """One man page in roff."""
    usage, rest = split(text)
    out = [
        '.TH "%s" 1 "" "vfsim %s" "vfsim manual"' % (name.upper(), version),
        ".SH NAME",
        "%s \\- %s" % (name, esc(summary.rstrip("."))),
        ".SH SYNOPSIS",
        ".nf",
    ]
    out += [esc(l) for l in usage]
    out += [".fi", ".SH DESCRIPTION", ".nf"]
    out += [esc(l) for l in rest]
    out += [".fi", ".SH SEE ALSO"]
    others = ["vfsim-%s (1)" % c for c in cmds if c != cmd]
    if cmd:
        others.insert(0, "vfsim (1)")
    out.append(", ".join(others))
    return "\n".join(out) + "\n"


def pages(cmds):
    """(file name, command) of every page."""
    yield "vfsim", None
    for c in cmds:
        yield "vfsim-" + c, c


def write(vfsim, outdir, version):
    os.makedirs(outdir, exist_ok=True)
    main_help = help_text(vfsim, None)
    cmds = commands(main_help)
    summary = summaries(main_help)
    summary[None] = split(main_help)[1][0]
    names = set()
    for name, cmd in pages(cmds):
        names.add(name + ".1")
        tmp = os.path.join(outdir, name + ".1.tmp")
        with open(tmp, "w") as f:
            f.write(page(name, cmd, help_text(vfsim, cmd), version,
                         summary.get(cmd, name), cmds))
        os.replace(tmp, os.path.join(outdir, name + ".1"))
    for old in os.listdir(outdir):
        if old.endswith(".1") and old not in names:
            os.remove(os.path.join(outdir, old))


def unesc(line):
    return line.replace("\\&", "", 1).replace("\\e", "\\")


def check(vfsim, outdir):
    bad = 0
    for name, cmd in pages(commands(help_text(vfsim, None))):
        path = os.path.join(outdir, name + ".1")
        if not os.path.exists(path):
            print("%s: missing" % path)
            bad += 1
            continue
        with open(path) as f:
            body = [unesc(l) for l in f.read().split("\n")]
        usage, rest = split(help_text(vfsim, cmd))
        for l in usage + rest:
            if l not in body:
                print("%s: lacks the --help line %r" % (path, l))
                bad += 1
                break
    return 1 if bad else 0


def main(argv):
    if len(argv) == 4 and argv[1] == "--check":
        return check(argv[2], argv[3])
    if len(argv) == 4:
        write(argv[1], argv[2], argv[3])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
