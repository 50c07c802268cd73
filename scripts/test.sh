#!/usr/bin/env bash
# The whole test suite: unit tests (JIT), integration tests that drive the published AOT binary as root, then the
# conformance suites (schemas, the differential against runc, engines driving jaula), then a short fuzz of the rootfs
# plan and C init program decoders under ASan/UBSan (tests/fuzz/run.sh, 10^5 each; one case), then the cgroup v2 suite in a
# qemu guest booted with pure cgroup v2 (tests/guest; this host is v1 hybrid), then the systemd cgroup driver suite in
# the same guest booted with systemd as PID 1, then checkpoint/restore with criu in that guest (kernel 6.1), and again
# in the guest booted with cgroup v1.
# Ends with one line "tests: N passed, N failed, N skipped"; exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh --test || exit 1
# Every project's packages up front: a missing package fails here, once, not in the middle of the suites.
dotnet restore Runtime.sln -nologo -v quiet || exit 1
bash scripts/build.sh || exit 1

results=$(mktemp -d /tmp/jaula-test-results.XXXXXX)
status=0
for project in tests/*/*.csproj conformance/*/*.csproj; do
  name=$(basename "$project" .csproj)
  echo "== $name"
  dotnet test "$project" -nologo -v quiet --logger "trx;LogFileName=$results/$name.trx" --logger "console;verbosity=normal" || status=1
done

passed=0; failed=0; skipped=0
# A guest suite prints "ok - name" / "not ok - name: why" per case; each counts like a test.
# guest_suite NAME SCRIPT [CASES...]: runs it, adds its cases to the totals; a guest that never finished is one failure.
guest_suite() {
  local name=$1 script=$2 log=$results/guest-$1.log
  bash "$script" "${@:3}" 2>&1 | tee "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  local ok bad; ok=$(grep -c '^ok - ' "$log"); bad=$(grep -c '^not ok - ' "$log")
  grep -q "^guest-$name: " "$log" || bad=$((bad + 1))
  passed=$((passed + ok)); failed=$((failed + bad))
}
# The rootfs plan and C init program decoders under ASan/UBSan, briefly (tests/fuzz/run.sh takes 10^6 by default); one case.
echo "== rootfs plan and init program decoder fuzz (tests/fuzz/run.sh 100000)"
if bash tests/fuzz/run.sh 100000; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi
echo "== cgroup v2 guest (tests/guest/v2.sh)"
guest_suite v2 tests/guest/v2.sh
echo "== systemd cgroup driver guest (tests/guest/systemd.sh: systemd as PID 1, cgroup v2)"
guest_suite systemd tests/guest/systemd.sh
echo "== checkpoint/restore guest (tests/guest/criu.sh: criu 3.17 on the guest's kernel 6.1)"
guest_suite criu tests/guest/criu.sh
echo "== checkpoint/restore guest on cgroup v1 (tests/guest/criu.sh with JAULA_GUEST_CGROUP=v1: the cgroup and lifecycle cases)"
JAULA_GUEST_CGROUP=v1 guest_suite criu-v1 tests/guest/criu.sh restore_same_id restore_new_id memory_limit bind_mount \
  leave_running terminal failed_restore killed_restore foreground_restore
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed))); failed=$((failed + $(get failed)))
  skipped=$((skipped + $(get notExecuted)))
done
rm -rf "$results"
[ "$passed" -gt 0 ] || status=1
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
