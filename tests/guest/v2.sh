#!/usr/bin/env bash
# Host side of the cgroup v2 suite: builds the busybox rootfs here (fast), boots the guest (run.sh) and runs
# v2-suite.sh in it against artifacts/publish/jaula. Prints the suite's lines; exits non-zero when a case failed or
# the guest did not finish. Run it under `flock /tmp/jaula-it.lock` (the guest is CPU heavy).
set -euo pipefail
cd "$(dirname "$0")/../.."
test -x artifacts/publish/jaula || { echo "guest-v2: build first (scripts/build.sh)" >&2; exit 2; }
results=$(mktemp -d /tmp/jaula-guest-results.XXXXXX)
trap 'rm -rf "$results"' EXIT
bash spec-fixtures/make-busybox-rootfs.sh "$results/rootfs" >/dev/null
JAULA_GUEST_RESULTS=$results bash tests/guest/run.sh env JAULA_ROOTFS=/guest-results/rootfs bash tests/guest/v2-suite.sh "$@"
