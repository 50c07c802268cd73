#!/usr/bin/env bash
# Builds jaula and runs a busybox container end to end: spec -> run -> output from inside. Run as root.
# Installs only what the build and the demo need (scripts/deps.sh --demo); scripts/test.sh installs the rest.
# Ends with how long each phase took.
set -euo pipefail
cd "$(dirname "$0")/.."
now() { date +%s.%N; }
# took START: seconds since START, one decimal.
took() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f s", e - s }'; }

t=$(now); bash scripts/deps.sh --demo; packages=$(took "$t")
t=$(now); bash scripts/build.sh; build=$(took "$t")
t=$(now)

work=$(mktemp -d /tmp/jaula-demo.XXXXXX)
root=$(mktemp -d /tmp/jaula-demo-state.XXXXXX)
trap 'artifacts/publish/jaula --root "$root" delete --force demo >/dev/null 2>&1 || true; rm -rf "$work" "$root"' EXIT

bash spec-fixtures/make-busybox-rootfs.sh "$work/rootfs" >/dev/null
artifacts/publish/jaula spec --bundle "$work"
# An absolute cgroup of its own: never below this shell's cgroups (on some hosts those belong to the machine).
sed -i "s|^\t\t\"cgroupsPath\": .*||; s|^\t\"linux\": {$|\t\"linux\": {\n\t\t\"cgroupsPath\": \"/jaula-demo/demo\",|" "$work/config.json"
grep -q '"cgroupsPath": "/jaula-demo/demo"' "$work/config.json" || { echo "demo: could not set linux.cgroupsPath" >&2; exit 1; }
# The default process is an interactive `sh`; have it say hello from inside instead.
sed -i 's|^\t\t\t"sh"$|\t\t\t"sh", "-c", "echo hello from inside jaula: pid $$, host $(hostname), user $(id -un); grep -E \\"^(CapEff\|NoNewPrivs)\\" /proc/self/status"|' "$work/config.json"
grep -q 'hello from inside' "$work/config.json" || { echo "demo: could not set the process args" >&2; exit 1; }
sed -i 's|"terminal": true|"terminal": false|' "$work/config.json" # plain output, no pty

artifacts/publish/jaula --root "$root" run --bundle "$work" demo
echo "demo: packages $packages, build $build, container $(took "$t") (rootfs, spec, run)"
