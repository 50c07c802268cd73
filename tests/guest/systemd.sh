#!/usr/bin/env bash
# Host side of the systemd driver suite: boots the guest with the host's own systemd as PID 1 (run.sh,
# JAULA_GUEST_INIT=systemd; pure cgroup v2) and runs systemd-suite.sh there against artifacts/publish/jaula. Prints the
# suite's lines; exits non-zero when a case failed or the guest did not finish. Run it under `flock /tmp/jaula-it.lock`.
# JAULA_GUEST_DEBUG=1: a failed case also prints the kernel log (systemd logs there: no journald runs), samples of
# PID 1's state and stack taken every 0.5 s, systemd's jobs and the unit's status.
set -euo pipefail
cd "$(dirname "$0")/../.."
test -x artifacts/publish/jaula || { echo "guest-systemd: build first (scripts/build.sh)" >&2; exit 2; }
results=$(mktemp -d /tmp/jaula-guest-results.XXXXXX)
trap 'rm -rf "$results"' EXIT
bash spec-fixtures/make-busybox-rootfs.sh "$results/rootfs" >/dev/null
JAULA_GUEST_INIT=systemd JAULA_GUEST_RESULTS=$results \
  bash tests/guest/run.sh env JAULA_ROOTFS=/guest-results/rootfs JAULA_GUEST_DEBUG="${JAULA_GUEST_DEBUG:-}" bash tests/guest/systemd-suite.sh "$@"
