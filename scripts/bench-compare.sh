#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench-compare.sh [A [B]]: the GETATTR round trip of two builds, run turn
# about so that a busy machine slows both alike, and their ratio
# (make bench-compare A=HEAD~1 B=HEAD).
#
# A and B are git revisions, or "." for the working tree as it is
# (default: A=HEAD, B=.). Each is built in a directory of its own under
# BUILD/compare/ (BUILD: build). Then ROUNDS (default 9) times, A's and B's
# `bench_roundtrip --cpu-best` run one after the other (which goes first
# alternates); the ratio B/A of the medians of their best CPU times per
# round trip is the figure. With Valgrind installed, the instructions of a
# round trip of each (callgrind, no noise at all) are compared as well.
# Each revision is built as its own Makefile builds it: a revision from
# before link-time optimisation (docs/architecture.md, "Sixth round")
# against one after compares the builds as users got them (make
# bench-compare ... LTO= builds both without it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
a=${1:-HEAD}
b=${2:-.}
build=$(realpath -m -- "${BUILD:-$root/build}")/compare
rounds=${ROUNDS:-9}

# prepare REV: build REV's bench_roundtrip; prints its path
prepare() {
	local rev=$1 name src out
	if [ "$rev" = "." ]; then
		name=work
		src=$root
	else
		name=$(git -C "$root" rev-parse --short "$rev^{commit}") || {
			echo "bench-compare.sh: no such revision: $rev" >&2
			exit 2
		}
		src=$build/$name/src
		if [ ! -f "$src/Makefile" ]; then
			rm -rf "$src"
			mkdir -p "$src"
			git -C "$root" archive "$name" | tar -x -C "$src"
		fi
	fi
	out=$build/$name/build
	make -s -C "$src" BUILD="$out" "$out/bench/bench_roundtrip" >&2
	echo "$out/bench/bench_roundtrip"
}

echo "building $a and $b ..."
pa=$(prepare "$a")
pb=$(prepare "$b")

n1=2000 n2=${N2:-200000}

# cpu CMD...: the CPU time CMD takes, in seconds
cpu() {
	local t
	t=$({
		TIMEFORMAT='%3U %3S'
		time "$@" >/dev/null 2>&1
	} 2>&1)
	awk '{ print $1 + $2 }' <<<"$t"
}

# rt BIN: ns of CPU time per round trip
rt() {
	local lo hi
	lo=$(cpu "$1" --callgrind "$n1")
	hi=$(cpu "$1" --callgrind "$n2")
	awk -v a="$lo" -v b="$hi" -v n="$((n2 - n1))" \
		'BEGIN { printf "%.1f", (b - a) * 1e9 / n }'
}

ta=() tb=()
for ((i = 0; i < rounds; i++)); do
	if ((i % 2)); then
		tb+=("$(rt "$pb")")
		ta+=("$(rt "$pa")")
	else
		ta+=("$(rt "$pa")")
		tb+=("$(rt "$pb")")
	fi
	printf '  round %d: %s %s ns, %s %s ns\n' "$((i + 1))" "$a" "${ta[i]}" "$b" "${tb[i]}"
done

median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
ma=$(median "${ta[@]}")
mb=$(median "${tb[@]}")
echo "CPU time per round trip, median of $rounds rounds: $a $ma ns, $b $mb ns"
awk -v x="$ma" -v y="$mb" -v a="$a" -v b="$b" \
	'BEGIN { printf "ratio %s / %s: %.3f (below 1: %s is faster)\n", b, a, y / x, b }'

if command -v valgrind >/dev/null 2>&1; then
	count() {
		valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
			awk '/Collected :/ { print $NF }'
	}
	ia=$(( ($(count "$pa" --callgrind 12000) - $(count "$pa" --callgrind 2000)) / 10000 ))
	ib=$(( ($(count "$pb" --callgrind 12000) - $(count "$pb" --callgrind 2000)) / 10000 ))
	echo "instructions per round trip (callgrind): $a $ia, $b $ib"
	awk -v x="$ia" -v y="$ib" -v a="$a" -v b="$b" \
		'BEGIN { printf "ratio %s / %s: %.3f\n", b, a, y / x }'
fi
