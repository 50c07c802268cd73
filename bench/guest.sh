#!/usr/bin/env bash
# `run` of `true` in the pure cgroup v2 qemu guest (tests/guest/run.sh: TCG, where time follows the instructions
# executed): N interleaved rounds of runc, crun and jaula on one busybox bundle, then the medians and the ratios.
#
# Usage:  bench/guest.sh [rounds]        (default 5; TCG is slow)
#   JAULA=/path/to/jaula   (default artifacts/publish/jaula; build it with scripts/build.sh)
#   RUNC=/path/to/runc     (default: runc on PATH)
#   CRUN_ROOT=/dir         a tree with usr/bin/crun and its libraries, e.g. Debian's crun 1.8.1 unpacked with
#                          `apt-get download crun libyajl2 && for d in *.deb; do dpkg -x $d DIR; done`
#                          (default: crun on PATH; without either, crun is left out and said so)
#
# Takes /tmp/jaula-it.lock itself (the guest is CPU heavy). Every container has an absolute linux.cgroupsPath under
# /jaula-bench-guest/; the guest is thrown away afterwards. crun 1.8.1 refuses ociVersion 1.3.0, so its bundle is
# the same config with "1.0.2". Times are wall clock in the guest, from before the runtime's exec to its exit.
# jaula takes the C init for this bundle (Runtime/Lifecycle/InitRoute.cs).
set -euo pipefail

if [[ ${1:-} == --inner ]]; then
    # ---- in the guest ------------------------------------------------------------------------------------------
    rounds=$2 jaula=$3 runc=$4 crun=${5:-}
    share=/guest-results
    work=$(mktemp -d /tmp/jaula-bench-guest.XXXXXX)
    cp -a "$share/rootfs" "$work/rootfs"
    "$jaula" spec --bundle "$work"
    make_bundle() { # name ociVersion
        mkdir -p "$work/$1"
        jq --arg root "$work/rootfs" --arg cg "/jaula-bench-guest/$1" --arg v "$2" \
            '.ociVersion = $v | .root.path = $root | .process.terminal = false | .process.args = ["true"] | .linux.cgroupsPath = $cg' \
            "$work/config.json" >"$work/$1/config.json"
    }
    runtimes=(runc jaula)
    [[ -n $crun ]] && runtimes=(runc crun jaula)
    make_bundle runc "$(jq -r .ociVersion "$work/config.json")"
    make_bundle jaula "$(jq -r .ociVersion "$work/config.json")"
    make_bundle crun 1.0.2
    crunlib=${crun:+$(dirname "$(dirname "$crun")")/lib/x86_64-linux-gnu}
    one() { # runtime round -> ms
        local t0 t1 bin lib=
        case $1 in runc) bin=$runc ;; crun) bin=$crun lib=$crunlib ;; jaula) bin=$jaula ;; esac
        t0=$(date +%s%N)
        LD_LIBRARY_PATH=$lib "$bin" --root "/run/bench-$1" run --bundle "$work/$1" "b$2" </dev/null >/dev/null 2>"$work/err" \
            || { echo "$1 run failed:" >&2; cat "$work/err" >&2; exit 1; }
        t1=$(date +%s%N)
        echo $(( (t1 - t0) / 1000000 ))
    }
    echo "guest: $(uname -r), $(nproc) cpus, cgroup $(stat -f -c %T /sys/fs/cgroup); $("$jaula" --version | head -1); $("$runc" --version | head -1)${crun:+; $(LD_LIBRARY_PATH=$crunlib "$crun" --version | head -1)}"
    for rt in "${runtimes[@]}"; do one "$rt" warm >/dev/null; done
    # One more jaula run with --debug, untimed: how jaula's executable was made here, and where the time went.
    "$jaula" --root /run/bench-jaula --debug --log "$work/debug.log" run --bundle "$work/jaula" bdebug </dev/null >/dev/null 2>&1 || true
    grep -o 'msg="[^"]*\(overlay\|sealed copy\|timing\)[^"]*"' "$work/debug.log" | sed 's/^msg=/jaula --debug: /'
    for i in $(seq 1 "$rounds"); do
        for rt in "${runtimes[@]}"; do echo "$rt $(one "$rt" "$i")"; done
    done >"$work/times"
    median() { awk -v r="$1" '$1 == r {print $2}' "$work/times" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
    for rt in "${runtimes[@]}"; do echo "$rt: $(awk -v r="$rt" '$1 == r {printf "%s ", $2}' "$work/times")ms; median $(median "$rt") ms"; done
    j=$(median jaula)
    for rt in runc crun; do
        [[ " ${runtimes[*]} " == *" $rt "* ]] && echo "jaula / $rt = $(awk -v a="$j" -v b="$(median "$rt")" 'BEGIN { printf "%.2f", a / b }')x"
    done
    [[ -z $crun ]] && echo "crun: not found (set CRUN_ROOT or install crun): left out"
    for rt in "${runtimes[@]}"; do rmdir "/sys/fs/cgroup/jaula-bench-guest/$rt" 2>/dev/null || true; done
    rmdir /sys/fs/cgroup/jaula-bench-guest 2>/dev/null || true
    exit 0
fi

# ---- on the host ---------------------------------------------------------------------------------------------------
. "$(dirname "$0")/lib.sh"
bench_lock "$0" "$@"
cd "$(dirname "$0")/.."
repo=$PWD
rounds=${1:-5}
jaula=$(realpath "${JAULA:-$repo/artifacts/publish/jaula}")
runc=$(realpath "${RUNC:-$(command -v runc)}")
[[ -x $jaula ]] || { echo "bench-guest: $jaula is missing: run scripts/build.sh" >&2; exit 1; }
results=$(mktemp -d /tmp/jaula-bench-guest-results.XXXXXX)
trap 'rm -rf "$results"' EXIT
bash spec-fixtures/make-busybox-rootfs.sh "$results/rootfs" >/dev/null
# The guest has a tmpfs on /tmp: what it runs from there comes through the results share.
crun=
if [[ -n ${CRUN_ROOT:-} ]]; then
    cp -a "$CRUN_ROOT" "$results/crun-root" && crun=/guest-results/crun-root/usr/bin/crun
elif command -v crun >/dev/null; then
    crun=$(command -v crun)
fi
case $jaula in /tmp/*) cp "$jaula" "$results/jaula" && jaula=/guest-results/jaula ;; esac
case $runc in /tmp/*) cp "$runc" "$results/runc" && runc=/guest-results/runc ;; esac
JAULA_GUEST_RESULTS=$results bash tests/guest/run.sh bash bench/guest.sh --inner "$rounds" "$jaula" "$runc" "$crun"
