#!/usr/bin/env bash
# jaula vs Debian's runc, side by side in one run, on one busybox bundle.
#
# Usage:  bench/run.sh [runs]          (default 50 hyperfine runs per command)
#   JAULA=/path/to/jaula   binary to measure (default artifacts/publish/jaula; build it with scripts/build.sh)
#   RUNC=/path/to/runc     (default: runc on PATH, Debian's 1.1.5 here)
#   BENCH_DIR=/tmp/...     work dir (default: a fresh mktemp dir, removed at the end)
#   PARALLEL=100           containers in the parallel test (d)
#
# The machine is shared: only one container benchmark or test suite at a time. The script takes
# /tmp/jaula-it.lock itself (flock), so run it as it is; do not wrap it in another flock of the same file.
#
# Every container gets an ABSOLUTE linux.cgroupsPath under /jaula-bench/ (a relative or empty one would land
# under the machine's own /process_api memory cgroup). Everything made is removed on exit.
#
# Output: hyperfine tables, then a summary with medians and ratios (jaula / runc) in $BENCH_DIR/summary.txt,
# printed at the end. Not part of the test suite.
set -euo pipefail

. "$(dirname "$0")/lib.sh"
bench_lock "$0" "$@"

repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-50}
jaula=${JAULA:-$repo/artifacts/publish/jaula}
runc=${RUNC:-$(command -v runc)}
parallel=${PARALLEL:-100}
for tool in hyperfine jq unshare; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install $tool)" >&2; exit 1; }
done
[[ -x /usr/bin/time ]] || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
[[ -x $jaula ]] || { echo "bench: $jaula is missing: run scripts/build.sh" >&2; exit 1; }
[[ -x $runc ]] || { echo "bench: runc is missing (apt-get install runc)" >&2; exit 1; }

dir=${BENCH_DIR:-$(mktemp -d /tmp/jaula-bench.XXXXXX)}
mkdir -p "$dir"
jroot=$dir/state-jaula
rroot=$dir/state-runc
summary=$dir/summary.txt

# ---- cleanup: containers of both runtimes, then the cgroups, then the work dir ------------------------------
cleanup() {
    set +e
    for id in $("$jaula" --root "$jroot" list -q 2>/dev/null); do "$jaula" --root "$jroot" delete -f "$id" >/dev/null 2>&1; done
    for id in $("$runc" --root "$rroot" list -q 2>/dev/null); do "$runc" --root "$rroot" delete -f "$id" >/dev/null 2>&1; done
    bench_remove_cgroups jaula-bench
    [[ -z ${BENCH_DIR:-} ]] && rm -rf "$dir"
}
trap cleanup EXIT

# ---- bundles ----------------------------------------------------------------------------------------------
# One rootfs (read-only root, so every bundle can share it); one bundle per runtime and use, differing only in
# args and cgroupsPath. The config is `jaula spec` with args and terminal changed, for both runtimes.
bench_rootfs_and_spec "$dir" "$jaula"

# make_bundle <name> <cgroupsPath> <args json>
make_bundle() {
    mkdir -p "$dir/$1"
    jq --arg root "$dir/rootfs" --arg cg "$2" --argjson args "$3" \
        '.root.path = $root | .process.terminal = false | .process.args = $args | .linux.cgroupsPath = $cg' \
        "$dir/spec.json" >"$dir/$1/config.json"
}
make_bundle jb /jaula-bench/jb '["true"]'
make_bundle rb /jaula-bench/rb '["true"]'
make_bundle jsleep /jaula-bench/jsleep '["sleep","100000"]'
make_bundle rsleep /jaula-bench/rsleep '["sleep","100000"]'
for i in $(seq 1 "$parallel"); do
    make_bundle "par/j$i" "/jaula-bench/par/j$i" '["true"]'
    make_bundle "par/r$i" "/jaula-bench/par/r$i" '["true"]'
done

J="$jaula --root $jroot"
R="$runc --root $rroot"
hf() { hyperfine -w 5 -r "$runs" -i --style basic "$@"; }

echo "== machine: $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg); jaula $($J --version | head -1); $($R --version | head -1)"

# ---- (f) floor and one process start --------------------------------------------------------------------------
hf -N --export-json "$dir/floor.json" \
    -n "unshare floor" "unshare --fork --pid --mount --uts --ipc --net true" \
    -n "jaula --version" "$J --version" \
    -n "runc --version" "$R --version"

# ---- (a) run of true ------------------------------------------------------------------------------------------
hf -N --export-json "$dir/run.json" \
    -n "jaula run" "$J run -b $dir/jb jb" \
    -n "runc run" "$R run -b $dir/rb rb"

# ---- (b) create + start + delete -f of true (youki's harness; one shell, hyperfine subtracts its start) --------
hf --export-json "$dir/lifecycle.json" \
    -n "jaula create+start+delete" "$J create -b $dir/jb jc && $J start jc && $J delete -f jc" \
    -n "runc create+start+delete" "$R create -b $dir/rb rc && $R start rc && $R delete -f rc"

# ---- (c) exec of true into a running container ------------------------------------------------------------------
$J run -d -b "$dir/jsleep" jsleep
$R run -d -b "$dir/rsleep" rsleep </dev/null >/dev/null 2>&1
hf -N --export-json "$dir/exec.json" \
    -n "jaula exec" "$J exec jsleep true" \
    -n "runc exec" "$R exec rsleep true"

# ---- (e) peak RSS: the runtime process of create, and the init waiting on the exec fifo -------------------------
# maxrss <status-file>: kB from /usr/bin/time -v
maxrss() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }
# status_kb <pid> <field>
status_kb() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }
/usr/bin/time -v -o "$dir/jrss.txt" $J create -b "$dir/jb" jrss
/usr/bin/time -v -o "$dir/rrss.txt" $R create -b "$dir/rb" rrss </dev/null >/dev/null 2>&1
jinit=$($J state jrss | jq .pid)
rinit=$($R state rrss | jq .pid)
j_create_rss=$(maxrss "$dir/jrss.txt"); r_create_rss=$(maxrss "$dir/rrss.txt")
j_init_hwm=$(status_kb "$jinit" VmHWM); j_init_rss=$(status_kb "$jinit" VmRSS)
r_init_hwm=$(status_kb "$rinit" VmHWM); r_init_rss=$(status_kb "$rinit" VmRSS)
/usr/bin/time -v -o "$dir/jrunrss.txt" $J run -b "$dir/jb" jrunrss
/usr/bin/time -v -o "$dir/rrunrss.txt" $R run -b "$dir/rb" rrunrss </dev/null >/dev/null 2>&1
j_run_rss=$(maxrss "$dir/jrunrss.txt"); r_run_rss=$(maxrss "$dir/rrunrss.txt")
$J delete -f jrss; $R delete -f rrss
$J delete -f jsleep; $R delete -f rsleep

# ---- (d) N containers created in parallel, then started, then deleted ------------------------------------------
# parallel_phase <runtime cmd> <prefix> <verb...>: runs the verb for every container at once, prints "ms failures"
parallel_phase() {
    local cmd=$1 prefix=$2; shift 2
    local t0 t1 fails
    t0=$(date +%s%N)
    fails=$(seq 1 "$parallel" | xargs -P "$parallel" -I{} sh -c "$cmd $* >/dev/null 2>&1 </dev/null || echo x" | wc -l)
    t1=$(date +%s%N)
    echo "$(( (t1 - t0) / 1000000 )) $fails"
}
# parallel_run <name> <runtime cmd> <prefix>
parallel_run() {
    local name=$1 cmd=$2 p=$3
    read -r c_ms c_f < <(parallel_phase "$cmd" "$p" create -b "$dir/par/$p{}" "$p{}")
    read -r s_ms s_f < <(parallel_phase "$cmd" "$p" start "$p{}")
    read -r d_ms d_f < <(parallel_phase "$cmd" "$p" delete -f "$p{}")
    local total=$(( c_ms + s_ms + d_ms ))
    echo "$name $c_ms $s_ms $d_ms $total $(( c_f + s_f + d_f ))"
}
parallel_run jaula "$J" j >"$dir/parallel.txt"
parallel_run runc "$R" r >>"$dir/parallel.txt"

# ---- summary ----------------------------------------------------------------------------------------------------
median() { jq -r --arg n "$2" '.results[] | select(.command == $n) | .median * 1000' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
ms() { printf "%.2f" "$1"; }
{
    floor=$(median "$dir/floor.json" "unshare floor")
    echo "medians in ms ($runs runs each); ratio = jaula / runc"
    printf "%-34s %9s %9s %7s\n" "" jaula runc ratio
    for pair in "run.json|jaula run|runc run|(a) run true" \
                "lifecycle.json|jaula create+start+delete|runc create+start+delete|(b) create+start+delete" \
                "exec.json|jaula exec|runc exec|(c) exec true" \
                "floor.json|jaula --version|runc --version|--version (one process start)"; do
        IFS='|' read -r file jn rn label <<<"$pair"
        j=$(median "$dir/$file" "$jn"); r=$(median "$dir/$file" "$rn")
        printf "%-34s %9s %9s %7s\n" "$label" "$(ms "$j")" "$(ms "$r")" "$(ratio "$j" "$r")x"
    done
    j=$(median "$dir/run.json" "jaula run")
    echo "unshare floor: $(ms "$floor") ms; jaula run / floor = $(ratio "$j" "$floor")x"
    echo
    echo "(d) $parallel containers in parallel (ms: create, start, delete, total; throughput = containers/s; failures)"
    while read -r name c s d total f; do
        printf "%-6s create %6s  start %6s  delete %6s  total %6s  throughput %6s/s  failures %s\n" \
            "$name" "$c" "$s" "$d" "$total" "$(awk -v n="$parallel" -v t="$total" 'BEGIN { printf "%.1f", n * 1000 / t }')" "$f"
    done <"$dir/parallel.txt"
    jt=$(awk '$1 == "jaula" {print $5}' "$dir/parallel.txt"); rt=$(awk '$1 == "runc" {print $5}' "$dir/parallel.txt")
    echo "throughput jaula / runc = $(ratio "$rt" "$jt")x"
    echo
    echo "(e) peak RSS in kB            jaula      runc"
    printf "create (runtime process)   %8s  %8s\n" "$j_create_rss" "$r_create_rss"
    printf "run (largest process)      %8s  %8s\n" "$j_run_rss" "$r_run_rss"
    printf "waiting init VmHWM         %8s  %8s\n" "$j_init_hwm" "$r_init_hwm"
    printf "waiting init VmRSS         %8s  %8s\n" "$j_init_rss" "$r_init_rss"
    echo
    printf "(f) binary size: jaula %s bytes, runc %s bytes\n" "$(stat -L -c %s "$jaula")" "$(stat -L -c %s "$runc")"
} | tee "$summary"
