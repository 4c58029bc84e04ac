#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# coverage-summary.sh INFO MIN DIR...: print line and branch totals of an
# lcov tracefile, per directory and overall, and fail when the line coverage
# of any directory that has code is under MIN percent.
set -euo pipefail
info=$1 min=$2
shift 2

# Sum LF/LH/BRF/BRH per top-level directory of each SF: record.
awk -v min="$min" -v top="$(pwd)/" -v dirs="$*" '
BEGIN { n = split(dirs, d, " ") }
/^SF:/ { f = substr($0, 4); sub(top, "", f); split(f, p, "/"); cur = p[1] }
/^LF:/ { lf[cur] += substr($0, 4) }
/^LH:/ { lh[cur] += substr($0, 4) }
/^BRF:/ { bf[cur] += substr($0, 5) }
/^BRH:/ { bh[cur] += substr($0, 5) }
function pct(a, b) { return b ? sprintf("%5.1f%%", 100 * a / b) : "  n/a" }
END {
	printf "%-12s %18s %20s\n", "coverage", "lines", "branches"
	bad = ""
	for (i = 1; i <= n; i++) {
		k = d[i]
		printf "%-12s %s (%5d/%5d) %s (%5d/%5d)\n", k, pct(lh[k], lf[k]), lh[k], lf[k], pct(bh[k], bf[k]), bh[k], bf[k]
		LF += lf[k]; LH += lh[k]; BF += bf[k]; BH += bh[k]
		if (lf[k] && 100 * lh[k] / lf[k] < min)
			bad = bad " " k
	}
	printf "%-12s %s (%5d/%5d) %s (%5d/%5d)\n", "total", pct(LH, LF), LH, LF, pct(BH, BF), BH, BF
	if (bad != "") {
		printf "coverage: line coverage under the required %d%% in:%s\n", min, bad
		exit 1
	}
	printf "coverage: line coverage of every directory meets the required %d%%\n", min
}' "$info"
