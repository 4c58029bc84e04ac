#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# check-handouts.sh - every console session a lab handout shows must work.
# A session is a line "    build/vfsim step FILE [OPTIONS]" followed by lines
# "    (vfsim) COMMAND"; each is fed to `vfsim step FILE` as a script,
# which exits 1 when a command fails. Exit status: 0 all sessions ran,
# 1 one failed (its output is shown), 2 usage.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
vfsim=${VFSIM:-$root/build/vfsim}
[ -x "$vfsim" ] || { echo "check-handouts: no $vfsim (run make)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2
bad=0
n=0
for h in "$here"/lab*/handout.md; do
	# one script per session: file name on its first line
	awk -v dir="$tmp" '
		/^    build\/vfsim step / {
			n++; f = dir "/s" n; line = $3
			for (i = 4; i <= NF; i++) line = line " " $i
			print line > f; next
		}
		/^    \(vfsim\) / && n { sub(/^    \(vfsim\) /, ""); print >> (dir "/s" n) }
	' "$h"
	for s in "$tmp"/s[0-9]*; do
		[ -f "$s" ] || continue
		n=$((n + 1))
		read -r file opts < "$s"
		# shellcheck disable=SC2086 # the options are words
		if ! tail -n +2 "$s" | "$vfsim" step "$root/$file" $opts \
			>"$tmp/out" 2>&1; then
			echo "check-handouts: $(basename "$(dirname "$h")"): the session on $file failed:"
			tail -n 20 "$tmp/out"
			bad=1
		fi
		rm -f "$s"
	done
done
echo "check-handouts: $n console sessions"
exit $bad
