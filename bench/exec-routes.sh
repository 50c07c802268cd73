#!/usr/bin/env bash
# `exec` of `true` into a running `sleep`: jaula's C exec vs its managed exec (the road every exec took before: a
# second NativeAOT start in the child, Runtime/Init/ExecProgram.cs) vs runc, side by side in one hyperfine run, plus
# minor page faults per `exec` (/usr/bin/time -f %R, median of 15).
#
# Usage:  bench/exec-routes.sh [runs]     (default 30)
#   JAULA=/path/to/jaula (default artifacts/publish/jaula), RUNC (default runc on PATH)
#
# Three containers from one `jaula spec` bundle (terminal off, args ["sleep","600"]); the "managed" one adds an
# ioPriority to its process, which every exec in it inherits and which keeps the managed exec (Runtime/Exec/
# ExecRoute.cs). Every container has an absolute cgroupsPath under /jaula-bench-exec/. Takes /tmp/jaula-it.lock itself;
# removes what it made.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_lock "$0" "$@"
repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-30}
jaula=${JAULA:-$repo/artifacts/publish/jaula}
runc=${RUNC:-$(command -v runc)}
dir=$(mktemp -d /tmp/jaula-bench-exec.XXXXXX)
cleanup() {
    set +e
    for id in $("$jaula" --root "$dir/state" list -q 2>/dev/null); do "$jaula" --root "$dir/state" delete -f "$id" >/dev/null 2>&1; done
    for id in $("$runc" --root "$dir/state-runc" list -q 2>/dev/null); do "$runc" --root "$dir/state-runc" delete -f "$id" >/dev/null 2>&1; done
    bench_remove_cgroups jaula-bench-exec
    rm -rf "$dir"
}
trap cleanup EXIT
bench_rootfs_and_spec "$dir" "$jaula"
make_bundle() { # <name> <extra jq>
    mkdir -p "$dir/$1"
    jq --arg root "$dir/rootfs" --arg cg "/jaula-bench-exec/$1" \
        ".root.path = \$root | .process.terminal = false | .process.args = [\"sleep\", \"600\"] | .linux.cgroupsPath = \$cg
         $2" "$dir/spec.json" >"$dir/$1/config.json"
}
make_bundle c ""
make_bundle managed '| .process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 4}'
make_bundle runc ""
J="$jaula --root $dir/state"; R="$runc --root $dir/state-runc"
$J run -d -b "$dir/c" c
$J run -d -b "$dir/managed" m
$R run -d -b "$dir/runc" r >/dev/null
$J --debug exec c true 2>&1 | grep -q "exec: the C exec" || { echo "the C container's exec does not take the C exec" >&2; exit 1; }
$J --debug exec m true 2>&1 | grep -q "exec: the managed exec" || { echo "the managed container's exec takes the C exec" >&2; exit 1; }
echo "== $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg); $($jaula --version | head -1); $($R --version | head -1)"
hyperfine -N -w 5 -r "$runs" --style basic --export-json "$dir/exec.json" \
    -n "jaula exec (C exec)" "$J exec c true" \
    -n "jaula exec (managed exec)" "$J exec m true" \
    -n "runc exec" "$R exec r true"
minflt() { # <cmd...>: median minor faults of 15 runs (the runtime process and its waited-for children)
    for _ in $(seq 1 15); do /usr/bin/time -f %R "$@" 2>&1 >/dev/null | tail -1; done | sort -n | sed -n 8p
}
echo "minor faults (median of 15, /usr/bin/time -f %R):"
echo "  jaula exec (C exec)       $(minflt $J exec c true)"
echo "  jaula exec (managed exec) $(minflt $J exec m true)"
echo "  runc exec                 $(minflt $R exec r true)"
jq -r '.results[] | "\(.command): median \(.median * 1000 | floor) ms, mean \(.mean * 1000 | floor) ms ± \(.stddev * 1000 | floor)"' "$dir/exec.json"
