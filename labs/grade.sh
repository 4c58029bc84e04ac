#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# grade.sh - autograder for the vfsim labs.
#
#   labs/grade.sh LAB ANSWER.vfs
#
# LAB is the lab's number (1..6) or its directory name (lab2-hiprio).
# The grader
#   1. checks the answer's shape against the lab's `rules` file (lines
#      that must or must not appear, e.g. the ring size the lab fixes);
#   2. appends the lab's hidden-in-plain-sight `checks.vfs` (expectations
#      about what the run must show) to the answer and runs it with
#      `vfsim run`, so the checks see the whole trace of the student's run;
#   3. prints one line per rule and per check, and a score.
# Exit status: 0 all passed, 1 something failed, 2 usage error or the
# answer does not parse (the parser's FILE:LINE:COL message is shown, and
# line numbers refer to the answer file itself), 3 vfsim itself failed on
# this machine (out of memory, or killed): nothing was graded.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
vfsim=${VFSIM:-$root/build/vfsim}

usage() {
	echo "usage: labs/grade.sh LAB ANSWER.vfs   (LAB: 1..6 or a lab directory name)" >&2
	exit 2
}

[ $# -eq 2 ] || usage
lab=$1
answer=$2

case $lab in
[0-9]*) dir=$(ls -d "$here"/lab"$lab"-* 2>/dev/null | head -n 1) ;;
*) dir=$here/$lab ;;
esac
if [ -z "${dir:-}" ] || [ ! -f "$dir/checks.vfs" ]; then
	echo "grade: no lab '$lab' (labs: $(cd "$here" && ls -d lab*/ | tr -d / | tr '\n' ' '))" >&2
	exit 2
fi
if [ ! -r "$answer" ]; then
	echo "grade: cannot read answer '$answer'" >&2
	exit 2
fi
if [ ! -x "$vfsim" ]; then
	# A grader started from inside make must not inherit its variables.
	unset MAKEFLAGS MFLAGS MAKELEVEL
	make -s -C "$root" all >/dev/null || {
		echo "grade: cannot build vfsim (run make in $root)" >&2
		exit 2
	}
fi

# The answer alone must parse and build first (exit 2: nothing ran), so
# that errors name the answer's own lines, before any rule is graded.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# vfsim could not finish the run (exit 3: out of host memory; or a
# signal): its verdict is unknown, so no check may pass on it.
host_failed() {
	cat "$tmp/err"
	echo "grade: vfsim failed on this machine (exit $1): nothing is graded"
	exit 3
}

"$vfsim" run --trace none "$answer" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc = 2 ]; then
	cat "$tmp/err"
	echo "grade: the answer does not run (fix the error above)"
	exit 2
fi
[ $rc -le 1 ] || host_failed $rc

passed=0
failed=0
pass() { printf '  PASS  %s\n' "$1"; passed=$((passed + 1)); }
fail() { printf '  FAIL  %s\n' "$1"; failed=$((failed + 1)); }

echo "grading $(basename "$dir") with $answer"

# Rules: "require REGEX | message" or "forbid REGEX | message", matched
# (grep -E) against the answer with comments and blank lines removed.
body=$(sed -e 's/#.*$//' -e '/^[[:space:]]*$/d' "$answer")
if [ -f "$dir/rules" ]; then
	while IFS= read -r line; do
		case $line in '' | '#'*) continue ;; esac
		kind=${line%% *}
		rest=${line#* }
		re=${rest%% | *}
		msg=${rest#* | }
		if printf '%s\n' "$body" | grep -Eq -- "$re"; then
			found=1
		else
			found=0
		fi
		case $kind in
		require) [ $found = 1 ] && pass "$msg" || fail "$msg" ;;
		forbid) [ $found = 0 ] && pass "$msg" || fail "$msg" ;;
		*)
			echo "grade: bad rule in $dir/rules: $line" >&2
			exit 2
			;;
		esac
	done <"$dir/rules"
fi

# Checks: the answer followed by the lab's expectations, in one run.
cp "$answer" "$tmp/answer.vfs"
{
	echo
	echo "# ---- checks of $(basename "$dir") ----"
	cat "$dir/checks.vfs"
} >>"$tmp/answer.vfs"
"$vfsim" run --trace none "$tmp/answer.vfs" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc = 2 ]; then
	# The answer ran alone above: what fails now is the lab's checks.
	sed "s|$tmp/answer.vfs|$answer (with $(basename "$dir")/checks.vfs)|g" "$tmp/err"
	echo "grade: the lab's checks do not run with this answer (a fault of the lab: tell its author)"
	exit 2
fi
[ $rc -le 1 ] || host_failed $rc
# Each check is an `expect` line of checks.vfs, graded on its own.
nanswer=$(($(wc -l <"$answer") + 2))
n=0
while IFS= read -r line; do
	n=$((n + 1))
	case $line in *expect*) ;; *) continue ;; esac
	what=$(printf '%s' "$line" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*#.*$//')
	pos="$tmp/answer.vfs:$((nanswer + n)):"
	if grep -q -- "^$pos" "$tmp/err"; then
		got=$(grep -- "^$pos" "$tmp/err" | head -n 1 |
			sed -e 's/.*: got /got /' -e 's/ (trace position.*//')
		fail "$what ($got)"
	else
		pass "$what"
	fi
done <"$dir/checks.vfs"
# Failures of the answer's own expectations count as well.
mine=$(awk -F: -v f="$tmp/answer.vfs" -v n="$nanswer" \
	'$1 == f && $2 + 0 < n && /expectation failed/' "$tmp/err" | wc -l)
if [ "$mine" -gt 0 ]; then
	fail "your own $mine expectation(s) hold"
	awk -F: -v f="$tmp/answer.vfs" -v n="$nanswer" \
		'$1 == f && $2 + 0 < n && /expectation failed/' "$tmp/err" |
		sed "s|$tmp/answer.vfs|$answer|g" | sed 's/^/        /'
fi
total=$((passed + failed))
echo "score: $passed/$total"
[ $failed = 0 ]
