#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench-callgrind.sh [BUILD]: instruction counts, by Valgrind's callgrind,
# figures machine load does not change.
#
# Each figure runs a program for two amounts of work and divides the
# difference of the two totals by the difference of the amounts, so
# set-up, warm-up and teardown cancel out:
#
#   - the program users run: `vfsim run` of a scenario of N GETATTRs of the
#     root, with --trace none and with --trace text to a file (N, then
#     N + 10,000 for none; fewer for text);
#   - the round trip of tests/bench/bench_roundtrip.c (the same machine
#     and stack, without the scenario executor), with tracing off, with
#     every event kept in memory in binary, and with text tracing; the
#     per-event costs are the differences from tracing off divided by the
#     events of a round trip; and at queue sizes 8, 256 and 32768.
#
# Prints each figure, a line "FIGURE key value unit" for scripts/bench.sh,
# and where the instructions of a round trip go, by area
# (scripts/callgrind-areas.py).
#
# Environment: N1, N2 (round trips, tracing off; default 2000 and 20000),
# TN1, TN2 (text tracing; default 300 and 2300), PN1, PN2 (the program;
# default 2000 and 12000), PTN1, PTN2 (the program with text; default 300
# and 2300).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m -- "${1:-$root/build}")
bench=$build/bench/bench_roundtrip
prog=$build/vfsim
n1=${N1:-2000} n2=${N2:-20000}
tn1=${TN1:-300} tn2=${TN2:-2300}
pn1=${PN1:-2000} pn2=${PN2:-12000}
ptn1=${PTN1:-300} ptn2=${PTN2:-2300}

if ! command -v valgrind >/dev/null 2>&1; then
	echo "bench-callgrind.sh: valgrind is not installed (scripts/deps.sh)" >&2
	exit 1
fi
for b in "$bench" "$prog"; do
	if [ ! -x "$b" ]; then
		echo "bench-callgrind.sh: $b is not built (make bench builds it)" >&2
		exit 1
	fi
done
for pair in "$n1 $n2" "$tn1 $tn2" "$pn1 $pn2" "$ptn1 $ptn2"; do
	set -- $pair
	if [ "$2" -le "$1" ]; then
		echo "bench-callgrind.sh: each second amount must be above the first" >&2
		exit 1
	fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# callgrind TAG CMD...: run CMD under callgrind into $tmp/TAG.cg, its
# standard output into $tmp/TAG.out; prints the instruction total.
callgrind() {
	local tag=$1
	shift
	if ! valgrind --tool=callgrind --callgrind-out-file="$tmp/$tag.cg" \
		"$@" >"$tmp/$tag.out" 2>"$tmp/$tag.log"; then
		cat "$tmp/$tag.log" >&2
		echo "bench-callgrind.sh: $* failed" >&2
		exit 1
	fi
	awk '/^(summary|totals):/ { print $2; exit }' "$tmp/$tag.cg"
}

# per A B N: (B - A) / N, rounded
per() {
	awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.0f", (b - a) / n }'
}

# harness TAG N1 N2 ARGS...: instructions per round trip; events per
# round trip in $tmp/TAG.events
harness() {
	local tag=$1 lo=$2 hi=$3 a b ea eb
	shift 3
	a=$(callgrind "$tag.lo" "$bench" --callgrind "$lo" "$@")
	b=$(callgrind "$tag.hi" "$bench" --callgrind "$hi" "$@")
	ea=$(awk '/^events:/ { print $2 }' "$tmp/$tag.lo.out")
	eb=$(awk '/^events:/ { print $2 }' "$tmp/$tag.hi.out")
	per "$ea" "$eb" "$((hi - lo))" >"$tmp/$tag.events"
	per "$a" "$b" "$((hi - lo))"
}

# scenario N: a scenario of N GETATTRs of the root in $tmp/getattr-N.vfs
scenario() {
	cat >"$tmp/getattr-$1.vfs" <<EOF
task t stop-on-error
  mount
  repeat $1
    getattr /
  end
  umount
end
run
expect task t returns 0
expect no leaks
EOF
}

# program TAG N1 N2 FORMAT: instructions per GETATTR of `vfsim run`
program() {
	local tag=$1 lo=$2 hi=$3 fmt=$4 a b
	scenario "$lo"
	scenario "$hi"
	# the trace goes to a file: callgrind() sends standard output there
	a=$(callgrind "$tag.lo" "$prog" run "$tmp/getattr-$lo.vfs" --trace "$fmt")
	b=$(callgrind "$tag.hi" "$prog" run "$tmp/getattr-$hi.vfs" --trace "$fmt")
	per "$a" "$b" "$((hi - lo))"
}

p_none=$(program pnone "$pn1" "$pn2" none)
echo "vfsim run, N GETATTRs, --trace none: $p_none instructions per GETATTR"
echo "FIGURE prog_none $p_none instr"
p_text=$(program ptext "$ptn1" "$ptn2" text)
echo "vfsim run, N GETATTRs, --trace text to a file: $p_text instructions per GETATTR"
echo "FIGURE prog_text $p_text instr"

off=$(harness off "$n1" "$n2")
echo "round trip, tracing off: $off instructions"
echo "FIGURE rt_instr $off instr"
bin=$(harness bin "$n1" "$n2" --binary)
ev=$(cat "$tmp/bin.events")
bin_ev=$(per "$off" "$bin" "$ev")
echo "round trip, every event kept in binary: $bin instructions, $ev events: $bin_ev instructions per event"
echo "FIGURE trace_binary $bin_ev instr"
txt=$(harness txt "$tn1" "$tn2" --trace)
txt_ev=$(per "$off" "$txt" "$(cat "$tmp/txt.events")")
echo "round trip, text tracing: $txt instructions: $txt_ev instructions per event"
echo "FIGURE trace_text $txt_ev instr"

lo=0 hi=0
for q in 8 256 32768; do
	c=$(harness "q$q" "$n1" "$n2" --queue-size "$q")
	echo "round trip at queue size $q: $c instructions"
	if [ "$lo" -eq 0 ] || [ "$c" -lt "$lo" ]; then lo=$c; fi
	if [ "$c" -gt "$hi" ]; then hi=$c; fi
done
flat=$(awk -v a="$lo" -v b="$hi" 'BEGIN { printf "%.3f", b / a }')
echo "queue sizes 8 to 32768: max/min $flat"
echo "FIGURE rt_flat $flat ratio"

echo "where the instructions of a round trip go (tracing off):"
python3 "$root/scripts/callgrind-areas.py" "$tmp/off.lo.cg" "$tmp/off.hi.cg" \
	"$((n2 - n1))" --top 12
echo "where the instructions of a GETATTR of vfsim run --trace none go:"
python3 "$root/scripts/callgrind-areas.py" "$tmp/pnone.lo.cg" "$tmp/pnone.hi.cg" \
	"$((pn2 - pn1))"
# By the source line each instruction was compiled from: what a build
# inlined across files (link-time optimisation) still counts in the area
# it was written in, so builds compare area by area.
echo "the same by source (inlined code where it was written): round trip"
python3 "$root/scripts/callgrind-areas.py" "$tmp/off.lo.cg" "$tmp/off.hi.cg" \
	"$((n2 - n1))" --by-source
echo "the same by source: a GETATTR of vfsim run --trace none"
python3 "$root/scripts/callgrind-areas.py" "$tmp/pnone.lo.cg" "$tmp/pnone.hi.cg" \
	"$((pn2 - pn1))" --by-source
