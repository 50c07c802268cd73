#!/usr/bin/env bash
# Host side of the checkpoint/restore suite: builds the busybox rootfs here, boots the cgroup v2 guest (run.sh; its
# kernel 6.1 is one Debian's criu 3.17 handles, unlike this host's 6.18) and runs criu-suite.sh there against
# artifacts/publish/jaula. Exits non-zero when a case failed or the guest did not finish. Run it under
# `flock /tmp/jaula-it.lock`.
set -euo pipefail
cd "$(dirname "$0")/../.."
test -x artifacts/publish/jaula || { echo "guest-criu: build first (scripts/build.sh)" >&2; exit 2; }
command -v criu >/dev/null || { echo "guest-criu: criu is not installed (scripts/deps.sh)" >&2; exit 2; }
results=$(mktemp -d /tmp/jaula-guest-results.XXXXXX)
trap 'rm -rf "$results"' EXIT
bash spec-fixtures/make-busybox-rootfs.sh "$results/rootfs" >/dev/null
JAULA_GUEST_RESULTS=$results bash tests/guest/run.sh env JAULA_ROOTFS=/guest-results/rootfs bash tests/guest/criu-suite.sh "$@"
