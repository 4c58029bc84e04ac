#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# harness-selftest.sh BIN - the test binary's own checks: BIN links
# tests/harness.c with tests/harness/selftest_suites.c. A run of the
# passing suites exits 0, serial and parallel; a parallel run of all of
# them prints every suite whole and in name order, names the failed
# assertion, the crash, the early exit and the hang (killed after
# VFSIM_TEST_TIMEOUT seconds), counts them, and exits 1; bad
# -j arguments are refused with status 2. A skip is a visible line and no
# failure, unless CI is set: then vt_skip() fails its test (named with
# the reason) and only vt_skip_ci_ok() still skips.
set -uo pipefail
bin=$1
unset CI # set where the checks below say so
fail() { echo "harness-selftest: $*" >&2; exit 1; }

"$bin" self_a self_b >/dev/null || fail "passing suites, serial: status $?"
"$bin" -j 2 self_a self_b >/dev/null || fail "passing suites, -j 2: status $?"

out=$(VFSIM_TEST_TIMEOUT=3 "$bin" -j3 2>&1); st=$?
[ $st = 1 ] || fail "all suites, -j3: status $st, want 1"$'\n'"$out"
order=$(grep -o '^Suite: self_[a-g][a-z_]*' <<<"$out" | tr '\n' ' ')
[ "$order" = "Suite: self_a_sleeps Suite: self_b_passes Suite: self_c_fails Suite: self_d_crashes Suite: self_e_exits Suite: self_f_skips Suite: self_g_hangs " ] ||
	fail "suites out of order: $order"
grep -q 'test_fails \.\.\.FAILED' <<<"$out" || fail "no failed test line"
grep -q 'selftest_suites.c:[0-9]*  - CU_ASSERT_EQUAL(1 + 1,3)' <<<"$out" ||
	fail "the failed assertion is not named"
grep -q 'Suite self_d_crashes: killed by signal 11' <<<"$out" || fail "the crash is not reported"
grep -q 'Suite self_e_exits: its process exited with status 0 before the suite ended' <<<"$out" ||
	fail "the early exit is not reported"
grep -q 'Suite self_g_hangs: timed out after 3 s' <<<"$out" || fail "the hang is not reported"
grep -q '7 suites (4 failed), 5 tests (1 failed)' <<<"$out" || fail "wrong totals"$'\n'"$out"
[ "$(grep '^FAILED: suite' <<<"$out" | tr '\n' ' ')" = "FAILED: suite self_c_fails FAILED: suite self_d_crashes FAILED: suite self_e_exits FAILED: suite self_g_hangs " ] ||
	fail "the failed suites are not listed at the end"

out=$("$bin" -j2 self_f 2>&1) || fail "skips without CI: status $?"$'\n'"$out"
grep -q '2 test(s) skipped a check that cannot run here' <<<"$out" ||
	fail "the skips are not counted"$'\n'"$out"
out=$(CI=true "$bin" -j2 self_f 2>&1); st=$?
[ $st = 1 ] || fail "a skip under CI: status $st, want 1"$'\n'"$out"
grep -q 'selftest_suites.c:[0-9]*  - skipped under CI (CI=true): a prerequisite CI must have' <<<"$out" ||
	fail "the skip under CI is not named"$'\n'"$out"
grep -q 'test_skips_ci_ok \.\.\.$' <<<"$out" && grep -q "SKIPPED: a check CI's emulated runs cannot make" <<<"$out" &&
	grep -q '1 test(s) skipped' <<<"$out" || fail "vt_skip_ci_ok() failed under CI"$'\n'"$out"
CI= "$bin" self_f >/dev/null || fail "an empty CI is no CI: status $?"

for bad in "-j 0" "-jx" "-j" "-j 257"; do
	"$bin" $bad >/dev/null 2>&1; st=$?
	[ $st = 2 ] || fail "'$bad': status $st, want 2"
done
echo "harness-selftest: ok"
