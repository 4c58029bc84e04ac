#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# check-handouts.sh - every console session a lab handout or the primer
# (docs/primer.md) shows must work, and every console picture they show
# must be what that session prints. A session is a line
# "    build/vfsim step FILE [OPTIONS]" (or build/labs/LAB/vfsim, a C lab's build)
# followed by one or more lines "    (vfsim) COMMAND"; each is fed to that program
# as a script, which exits 1 when a command fails. A picture is a fenced
# block whose first line is "(vfsim) COMMAND": the lines after it must
# appear, in order and together, in the output of the session before it.
# Exit status: 0 all sessions ran and all pictures matched, 1 one did
# not (its output is shown), 2 usage.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
vfsim=${VFSIM:-$root/build/vfsim}
[ -x "$vfsim" ] || { echo "check-handouts: no $vfsim (run make)" >&2; exit 2; }
exec python3 - "$root" "$vfsim" "$here"/lab*/handout.md "$root/docs/primer.md" <<'PY'
import os, re, subprocess, sys, tempfile

root, vfsim, docs = sys.argv[1], sys.argv[2], sys.argv[3:]
# sessions run in a scratch directory: `picture` writes files there
tmp = tempfile.mkdtemp(prefix="vfsim-handouts-")
bad = sessions = pictures = 0
for doc in docs:
    name = os.path.relpath(doc, root)
    lines = open(doc).read().split("\n")
    output = None
    i = 0
    while i < len(lines):
        m = re.match(r"^    (build/(?:labs/[^/ ]+/)?vfsim) step (\S+)((?: \S+)*)$",
                     lines[i])
        if m:
            prog = vfsim if m.group(1) == "build/vfsim" else \
                os.path.join(root, m.group(1))
            cmds = []
            i += 1
            while i < len(lines) and lines[i].startswith("    (vfsim) "):
                cmds.append(lines[i][len("    (vfsim) "):])
                i += 1
            if not cmds:
                continue  # a command line to copy, not a session
            sessions += 1
            if not os.access(prog, os.X_OK):
                print("check-handouts: %s: %s is not built" % (name, prog))
                bad = 1
                continue
            # options after FILE (e.g. --out DIR) go to the program too
            p = subprocess.run([prog, "step", os.path.join(root, m.group(2))]
                               + m.group(3).split(),
                               input="\n".join(cmds) + "\n",
                               capture_output=True, text=True, cwd=tmp)
            output = p.stdout + p.stderr
            if p.returncode != 0:
                print("check-handouts: %s: the session on %s failed:"
                      % (name, m.group(2)))
                print("\n".join(output.splitlines()[-20:]))
                bad = 1
            continue
        if lines[i].startswith("```") and i + 1 < len(lines) and \
                lines[i + 1].startswith("(vfsim) "):
            j = i + 2
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            block = "\n".join(lines[i + 2:j])
            pictures += 1
            if output is None or block not in output:
                print("check-handouts: %s:%d: the picture of '%s' is not "
                      "what the session above it prints"
                      % (name, i + 2, lines[i + 1]))
                bad = 1
            i = j + 1
            continue
        i += 1
subprocess.run(["rm", "-rf", tmp])
print("check-handouts: %d console sessions, %d pictures" % (sessions, pictures))
sys.exit(bad)
PY
