#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench.sh [BUILD]: every benchmark, then one table of the figures, each
# with its target and the anchor (make bench). Nothing passes or fails on
# a figure: a benchmark fails only on a wrong answer. VFSIM_BUILT, when
# set, is how the build was compiled (make bench sets it: the compiler,
# OPT and the link-time optimisation flags), printed with the table.
#
# The benchmarks print lines "FIGURE key value unit"; they are collected
# here, the rest of their output shown as it comes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m -- "${1:-$root/build}")
figs=$(mktemp)
trap 'rm -f "$figs"' EXIT

run() {
	echo "== $*"
	"$@" | tee -a "$figs" | grep -v '^FIGURE ' || return 1
}

for b in "$build"/bench/bench_*; do
	# the programs, not the compiler's dependency files
	[[ $b == *.d ]] && continue
	[ -x "$b" ] || continue
	# bench_backends spawns the program as users run it
	VFSIM="$build/vfsim" run "$b"
done
run "$root/scripts/bench-callgrind.sh" "$build"
run "$root/scripts/bench-anchor.sh" "$build"

# fig KEY: the value of figure KEY ("?" when missing)
fig() {
	awk -v k="$1" '$1 == "FIGURE" && $2 == k { v = $3 } END { print v == "" ? "?" : v }' "$figs"
}

anchor_how=$(awk '$1 == "FIGURE" && $2 == "anchor" { print $5 }' "$figs")
line() {
	printf '%-62s %14s  %s\n' "$1" "$2" "$3"
}
echo
echo "== vfsim: the figures (issue #13), measured now; callgrind counts are the"
echo "   same on any machine, times are this machine's (CPU time, best pass)"
# how the program and the benchmarks were compiled (make bench says;
# figures of builds compiled otherwise do not compare)
if [ -n "${VFSIM_BUILT:-}" ]; then
	echo "   built with: $VFSIM_BUILT"
fi
line "figure" "measured" "target"
line "vfsim run, N GETATTRs, --trace none (instr/GETATTR)" "$(fig prog_none)" "<= 4000"
line "vfsim run, N GETATTRs, --trace text to a file (instr/GETATTR)" "$(fig prog_text)" "<= 25000"
line "round trip, every check on (instr)" "$(fig rt_instr)" "<= 3000"
line "  queue size 8 .. 32768 (max/min of instr)" "$(fig rt_flat)" "<= 1.02"
line "  CPU time, best pass (ns; target on an idle machine)" "$(fig rt_cpu_best)" "<= 400"
line "  CPU time, median pass (ns)" "$(fig rt_cpu_median)" "-"
line "trace kept in memory, binary (instr/event)" "$(fig trace_binary)" "<= 100"
line "trace as text (instr/event)" "$(fig trace_text)" "<= 1000"
line "host memory growth per round trip, tracing kept off (bytes)" "$(fig rt_growth)" "0"
line "state save + load, 1000 inodes/100 handles/50 locks (ms)" "$(fig state_ms)" "<= 1"
line "state stream (KiB)" "$(fig state_kib)" "<= 64"
line "32768 requests in flight: peak RSS (MiB)" "$(fig inflight_rss)" "<= 64"
line "vfsim explore, removal race, random (schedules/s, wall)" "$(fig explore_rate)" ">= 20000"
line "  the same per CPU second (schedules/s)" "$(fig explore_rate_cpu)" ">= 20000"
line "  --fresh-machine, per CPU second (schedules/s)" "$(fig explore_rate_fresh_cpu)" "-"
line "  set-up + teardown of a machine, reused (us CPU)" "$(fig explore_setup)" "-"
line "  set-up + teardown of a machine, fresh (us CPU)" "$(fig explore_setup_fresh)" "-"
for f in $(awk '$1 == "FIGURE" && $2 ~ /^find_/ { print $2 }' "$figs"); do
	line "  time to find: ${f#find_} (ms CPU)" "$(fig "$f")" "-"
done
echo "  dfs to exhaustion, switch off: schedules without the reduction ->"
echo "  with it (runs to their end + runs abandoned; (cap): stopped there)"
for f in $(awk '$1 == "FIGURE" && $2 ~ /^dfs[0-9]_/ { print $2 }' "$figs"); do
	line "  ${f%%_*}: ${f#*_}" "$(fig "$f")" "-"
done
line "anchor: ringtest, one buffer, both threads on one CPU (ns)" "$(fig anchor)" "${anchor_how:-?}"
