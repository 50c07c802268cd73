#!/usr/bin/env bash
# `run` of `true`: an older jaula (OLD, e.g. a build of main before the C init) vs this jaula on both init routes
# vs runc, side by side in one hyperfine run, plus minor page faults per `run` (/usr/bin/time -f %R, median).
#
# Usage:  OLD=/path/to/old/jaula bench/init-routes.sh [runs]     (default 30)
#   JAULA=/path/to/jaula (default artifacts/publish/jaula), RUNC (default runc on PATH)
#
# The bundle is `jaula spec` with terminal off and args ["true"], which the C init serves (Runtime/Lifecycle/
# InitRoute.cs); the "managed" bundle adds an ioPriority, which keeps the managed init. Every
# bundle has an absolute cgroupsPath under /jaula-bench-init/. Takes /tmp/jaula-it.lock itself; removes what it made.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_lock "$0" "$@"
repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-30}
jaula=${JAULA:-$repo/artifacts/publish/jaula}
old=${OLD:?OLD=/path/to/an older jaula binary}
runc=${RUNC:-$(command -v runc)}
dir=$(mktemp -d /tmp/jaula-bench-init.XXXXXX)
cleanup() {
    set +e
    for r in "$dir"/state-*; do
        [[ -d $r ]] || continue
        for bin in "$jaula" "$old"; do
            for id in $("$bin" --root "$r" list -q 2>/dev/null); do "$bin" --root "$r" delete -f "$id" >/dev/null 2>&1; done
        done
        for id in $("$runc" --root "$r" list -q 2>/dev/null); do "$runc" --root "$r" delete -f "$id" >/dev/null 2>&1; done
    done
    bench_remove_cgroups jaula-bench-init
    rm -rf "$dir"
}
trap cleanup EXIT
bench_rootfs_and_spec "$dir" "$jaula"
make_bundle() { # <name> <extra jq>
    mkdir -p "$dir/$1"
    jq --arg root "$dir/rootfs" --arg cg "/jaula-bench-init/$1" \
        ".root.path = \$root | .process.terminal = false | .process.args = [\"true\"] | .linux.cgroupsPath = \$cg
         $2" "$dir/spec.json" >"$dir/$1/config.json"
}
make_bundle old ""
make_bundle c ""
make_bundle managed '| .process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 4}'
make_bundle runc ""
"$jaula" --root "$dir/state-c" --debug run -b "$dir/c" route-check 2>&1 | grep -q "init: the C init" || { echo "the C bundle does not take the C init" >&2; exit 1; }
O="$old --root $dir/state-old"; J="$jaula --root $dir/state-c"; M="$jaula --root $dir/state-managed"; R="$runc --root $dir/state-runc"
echo "== $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg); old: $($old --version | head -1); new: $($jaula --version | head -1); $($R --version | head -1)"
hyperfine -N -w 5 -r "$runs" --style basic --export-json "$dir/run.json" \
    -n "old jaula run" "$O run -b $dir/old o" \
    -n "jaula run (C init)" "$J run -b $dir/c c" \
    -n "jaula run (managed init)" "$M run -b $dir/managed m" \
    -n "runc run" "$R run -b $dir/runc r"
minflt() { # <cmd...>: median minor faults of 15 runs (the runtime process and its waited-for children)
    for _ in $(seq 1 15); do /usr/bin/time -f %R "$@" 2>&1 >/dev/null | tail -1; done | sort -n | sed -n 8p
}
echo "minor faults (median of 15, /usr/bin/time -f %R):"
echo "  old jaula run            $(minflt $O run -b "$dir/old" o)"
echo "  jaula run (C init)       $(minflt $J run -b "$dir/c" c)"
echo "  jaula run (managed init) $(minflt $M run -b "$dir/managed" m)"
echo "  runc run                 $(minflt $R run -b "$dir/runc" r)"
jq -r '.results[] | "\(.command): median \(.median * 1000 | floor) ms, mean \(.mean * 1000 | floor) ms ± \(.stddev * 1000 | floor)"' "$dir/run.json"
