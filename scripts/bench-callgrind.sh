#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench-callgrind.sh [BIN]: instructions per GETATTR round trip through the
# whole stack, counted by Valgrind's callgrind, a figure machine load does
# not change. BIN (default build/bench/bench_roundtrip, built if missing)
# runs a fixed warm-up and then N round trips (`BIN --callgrind N`); it is
# run for two values of N and the difference of the totals is divided by
# the difference of N, so set-up, warm-up and teardown cancel out.
#
# Environment: N1, N2 (round trips, tracing off; default 2000 and 20000),
# TN1, TN2 (the same with text tracing on; default 100 and 600).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -ge 1 ]; then
	bin=$(realpath -m -- "$1")
else
	bin=$root/build/bench/bench_roundtrip
	[ -x "$bin" ] || make --no-print-directory -C "$root" \
		build/bench/bench_roundtrip >/dev/null
fi
n1=${N1:-2000} n2=${N2:-20000}
tn1=${TN1:-100} tn2=${TN2:-600}

if ! command -v valgrind >/dev/null 2>&1; then
	echo "bench-callgrind.sh: valgrind is not installed (scripts/deps.sh)" >&2
	exit 1
fi
if [ ! -x "$bin" ]; then
	echo "bench-callgrind.sh: $bin is not an executable" >&2
	exit 1
fi
if [ "$n2" -le "$n1" ] || [ "$tn2" -le "$tn1" ]; then
	echo "bench-callgrind.sh: N2 must be above N1, TN2 above TN1" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Instructions of one whole run of BIN --callgrind ARGS...
count() {
	if ! valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
		"$bin" --callgrind "$@" >"$tmp/out" 2>"$tmp/log"; then
		cat "$tmp/out" "$tmp/log" >&2
		echo "bench-callgrind.sh: $bin --callgrind $* failed" >&2
		exit 1
	fi
	awk '/^(summary|totals):/ { print $2; exit }' "$tmp/cg.out"
}

# Instructions per round trip between N=$1 and N=$2 (more arguments are
# passed on).
per_round_trip() {
	local a b lo=$1 hi=$2
	shift 2
	a=$(count "$lo" "$@")
	b=$(count "$hi" "$@")
	awk -v a="$a" -v b="$b" -v n="$((hi - lo))" \
		'BEGIN { printf "%.0f", (b - a) / n }'
}

echo "instructions per GETATTR round trip: $(per_round_trip "$n1" "$n2")"
echo "instructions per GETATTR round trip (text tracing on):" \
	"$(per_round_trip "$tn1" "$tn2" --trace)"
