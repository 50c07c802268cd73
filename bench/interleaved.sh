#!/usr/bin/env bash
# `run` of `true` by two jaula binaries and runc, interleaved round by round, so that a host whose speed drifts
# (a shared VM) affects all three alike. Prints each one's median wall-clock time and the ratios to runc.
#
# Usage:  bench/interleaved.sh OLD_JAULA NEW_JAULA [rounds]     (default 60 rounds)
#   RUNC=/path/to/runc     (default: runc on PATH)
#
# Takes /tmp/jaula-it.lock itself. Containers use absolute cgroupsPaths under /jaula-interleaved/; everything made is
# removed on exit.
set -euo pipefail

. "$(dirname "$0")/lib.sh"
bench_lock "$0" "$@"
[[ $# -ge 2 ]] || { echo "usage: bench/interleaved.sh OLD_JAULA NEW_JAULA [rounds]" >&2; exit 2; }
old=$(realpath "$1") new=$(realpath "$2") rounds=${3:-60}
runc=${RUNC:-$(command -v runc)}
for b in "$old" "$new" "$runc"; do [[ -x $b ]] || { echo "bench: $b is not executable" >&2; exit 1; }; done

dir=$(mktemp -d /tmp/jaula-interleaved.XXXXXX)
cleanup() {
    set +e
    bench_remove_cgroups jaula-interleaved
    rm -rf "$dir"
}
trap cleanup EXIT

bench_rootfs_and_spec "$dir" "$new"
for k in old new runc; do
    mkdir -p "$dir/b-$k"
    jq --arg root "$dir/rootfs" --arg cg "/jaula-interleaved/$k" \
        '.root.path = $root | .process.terminal = false | .process.args = ["true"] | .linux.cgroupsPath = $cg' \
        "$dir/spec.json" >"$dir/b-$k/config.json"
done
declare -A cmd=(
    [old]="$old --root $dir/s-old run -b $dir/b-old x"
    [new]="$new --root $dir/s-new run -b $dir/b-new x"
    [runc]="$runc --root $dir/s-runc run -b $dir/b-runc x"
)
for _ in 1 2 3; do for k in old new runc; do ${cmd[$k]} >/dev/null; done; done # warm-up
for _ in $(seq "$rounds"); do
    for k in old new runc; do
        t0=$(date +%s%N)
        ${cmd[$k]} >/dev/null
        t1=$(date +%s%N)
        echo "$k $(( (t1 - t0) / 1000 ))" >>"$dir/times"
    done
done
median() { awk -v k="$1" '$1 == k {print $2}' "$dir/times" | sort -n | awk '{a[NR] = $1} END {printf "%.2f", a[int((NR + 1) / 2)] / 1000}'; }
m_old=$(median old) m_new=$(median new) m_runc=$(median runc)
echo "run of true, $rounds interleaved rounds, medians: old $m_old ms, new $m_new ms, runc $m_runc ms"
awk -v o="$m_old" -v n="$m_new" -v r="$m_runc" 'BEGIN {printf "old / runc %.2fx, new / runc %.2fx, new / old %.2fx\n", o / r, n / r, n / o}'
