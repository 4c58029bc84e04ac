#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# grade.sh - autograder for the vfsim labs (the grader is labs/grade.py).
#
#   labs/grade.sh LAB ANSWER        LAB: a number or a lab directory name
#
# ANSWER is a scenario (.vfs) for a scenario lab, a C file for a C lab.
# One PASS/FAIL line per check, then `score: N/M` last. Exit status: 0
# all passed, 1 something failed (a run that does not end normally scores
# 0), 2 usage error or an answer that does not parse or build, 3 vfsim
# failed on this machine (out of memory): nothing was graded.
here=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null || {
	echo "grade: python3 is needed (apt-get install python3)" >&2
	exit 2
}
exec python3 "$here/grade.py" "$@"
