#!/usr/bin/env bash
# The cgroup v2 suite: runs inside the guest (tests/guest/run.sh), where /sys/fs/cgroup is pure cgroup2, and drives the
# published AOT jaula binary. Each case checks what the kernel shows from outside (the cgroup's files) and, where it
# matters, what the container sees from inside. Prints "ok - name" / "not ok - name: why" per case and ends with
# "guest-v2: N passed, N failed"; exits non-zero when a case failed.
# Env: JAULA (the binary; default <repo>/artifacts/publish/jaula), JAULA_ROOTFS (a busybox rootfs to copy; building one
# in the guest costs ~40 s of emulated execs).
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
jaula=${JAULA:-$repo/artifacts/publish/jaula}
cg=/sys/fs/cgroup
parent=/jaula-guest                 # every container's cgroupsPath is below it (absolute, never the machine's own)
state=/run/jaula-guest
work=$(mktemp -d /tmp/jaula-v2.XXXXXX)
passed=0; failed=0; failures=()

# Every call is bounded: a hung jaula fails its case instead of the whole guest run.
j() { timeout -k 5 90 "$jaula" --root "$state" "$@"; }

cgroups_path_of() { echo "$parent/$1"; }
. "$repo/tests/guest/suite-lib.sh"
make_base_bundle || { echo "not ok - spec"; exit 1; }

remove() { j delete --force "$1" >/dev/null 2>&1; true; }

case_() {
  local name=$1 out rc began=$SECONDS
  echo "# ${name#t_}"
  out=$("$name" 2>&1); rc=$?
  remove "${name#t_}"
  echo "# ${name#t_}: $((SECONDS - began)) s"
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1)); echo "ok - ${name#t_}"
  else
    failed=$((failed + 1)); failures+=("${name#t_}"); echo "not ok - ${name#t_}: $(echo "$out" | tail -5 | tr '\n' ' ')"
  fi
}

t_oom_exit_137() {
  local dir; dir=$(bundle oom_exit_137 '.linux.resources.memory = {limit: 33554432, swap: 33554432}' \
    sh -c 'tail /dev/zero')
  j run --bundle "$dir" oom_exit_137 </dev/null >/dev/null 2>&1
  expect "run's exit status" $? 137
}

t_oom_event() {
  local name=oom_event
  start_detached $name '.linux.resources.memory = {limit: 33554432, swap: 33554432}' \
    sh -c 'until [ -e /oom_event.go ]; do sleep 0.1; done; tail /dev/zero' || return 1
  j events --interval 60s $name > "$work/$name.events" 2>&1 &
  local events=$! i
  # The OOM comes only once events is watching (its first stats line): an OOM before that is not an event to it.
  for ((i = 0; i < 300; i++)); do [ -s "$work/$name.events" ] && break; sleep 0.1; done
  touch "$work/rootfs/oom_event.go"
  wait_status $name stopped 600 || { kill $events; return 1; }
  local oom_kills; oom_kills=$(awk '$1 == "oom_kill" {print $2}' "$cg$parent/$name/memory.events")
  wait $events
  [ "${oom_kills:-0}" -ge 1 ] || { echo "memory.events oom_kill is '$oom_kills'"; return 1; }
  rm -f "$work/rootfs/oom_event.go"
  grep -q '"type":"oom"' "$work/$name.events" || { echo "no oom event: $(cat "$work/$name.events")"; return 1; }
}

t_pids_max() {
  # The shell forks until the kernel refuses (busybox sh then gives up, and the container ends).
  local name=pids_max
  start_detached $name '.linux.resources.pids = {limit: 8}' \
    sh -c 'i=0; while [ $i -lt 20 ]; do sleep 300 & i=$((i+1)); done; wait' || return 1
  expect pids.max "$(cat $cg$parent/$name/pids.max)" 8 || return 1
  wait_status $name stopped || return 1
  local events; events=$(awk '$1 == "max" {print $2}' $cg$parent/$name/pids.events)
  [ "${events:-0}" -ge 1 ] || { echo "pids.events max is '$events'"; return 1; }
  grep -q "can't fork" "$work/$name.out" || { echo "no fork failure inside: $(cat "$work/$name.out")"; return 1; }
}

t_cpu_max() {
  local name=cpu_max
  start_detached $name '.linux.resources.cpu = {quota: 10000, period: 100000}' \
    sh -c 'while :; do :; done' || return 1
  expect cpu.max "$(cat $cg$parent/$name/cpu.max)" "10000 100000" || return 1
  local before after; before=$(awk '$1 == "usage_usec" {print $2}' $cg$parent/$name/cpu.stat)
  sleep 3
  after=$(awk '$1 == "usage_usec" {print $2}' $cg$parent/$name/cpu.stat)
  local throttled; throttled=$(awk '$1 == "nr_throttled" {print $2}' $cg$parent/$name/cpu.stat)
  [ "$throttled" -ge 1 ] || { echo "nr_throttled is $throttled"; return 1; }
  # 10% of one CPU over ~3 s is ~300 ms; allow slack for the slow guest's clock, never a whole second.
  [ $((after - before)) -lt 1000000 ] || { echo "used $((after - before)) us in 3 s under a 10% quota"; return 1; }
}

t_cpuset() {
  local name=cpuset
  start_detached $name '.linux.resources.cpu = {cpus: "1", mems: "0"}' \
    sleep 300 || return 1
  expect cpuset.cpus "$(cat $cg$parent/$name/cpuset.cpus)" 1 || return 1
  expect cpuset.mems "$(cat $cg$parent/$name/cpuset.mems)" 0 || return 1
  expect "the init's Cpus_allowed_list" "$(awk '/Cpus_allowed_list/ {print $2}' /proc/"$(init_pid $name)"/status)" 1
}

t_io_max() {
  local name=io_max devno major minor
  devno=$(cat /sys/block/vda/dev 2>/dev/null) || { echo "no /dev/vda in the guest"; return 1; }
  major=${devno%:*}; minor=${devno#*:}
  # The disk must be allowed by the device filter too: the read is made by a process in the container's cgroup.
  start_detached $name ".linux.resources.blockIO = {throttleReadBpsDevice: [{major: $major, minor: $minor, rate: 1048576}],
      throttleWriteIOPSDevice: [{major: $major, minor: $minor, rate: 100}]}
      | .linux.resources.devices = [{allow: true, type: \"b\", major: $major, minor: $minor, access: \"r\"}]" sleep 300 || return 1
  expect io.max "$(cat $cg$parent/$name/io.max)" "$major:$minor rbps=1048576 wbps=max riops=max wiops=100" || return 1
  # Observed: a direct read of 2 MiB from the disk by a process in the cgroup takes at least ~1 s at 1 MiB/s.
  local start end
  start=$(date +%s%N)
  sh -c "echo \$\$ > $cg$parent/$name/cgroup.procs && cat /proc/self/cgroup &&
         exec dd if=/dev/vda of=/dev/null bs=64k count=32 iflag=direct" > "$work/$name.dd" 2>&1 || { cat "$work/$name.dd"; return 1; }
  end=$(date +%s%N)
  [ $(((end - start) / 1000000)) -ge 1500 ] ||
    { echo "2 MiB read in $(((end - start) / 1000000)) ms under rbps=1MiB: $(cat "$work/$name.dd"; cat $cg$parent/$name/io.stat)"; return 1; }
}

# blockIO.weight (blkio's 10-1000) becomes io.weight (1-10000) as runc converts it: the guest has no BFQ loaded, so no
# io.bfq.weight; iocost gives every cgroup an io.weight file.
t_io_weight() {
  local name=io_weight
  start_detached $name '.linux.resources.blockIO = {weight: 500}' sleep 300 || return 1
  [ ! -e $cg$parent/$name/io.bfq.weight ] || { echo "io.bfq.weight exists: this case expects io.weight"; return 1; }
  expect io.weight "$(cat $cg$parent/$name/io.weight)" "default 4950"
}

t_hugetlb() {
  local name=hugetlb
  start_detached $name '.linux.resources.hugepageLimits = [{pageSize: "2MB", limit: 2097152}]' sleep 300 || return 1
  expect hugetlb.2MB.max "$(cat $cg$parent/$name/hugetlb.2MB.max)" 2097152 || return 1
  expect "events --stats hugetlb max" "$(j events --stats $name | jq -r '.data.hugetlb["2MB"].max')" 2097152
}

t_device_filter() {
  # The disk is allowed read-only; /dev/kmsg (1:11) is in neither the rules nor runc's default devices.
  local name=device_filter devno major minor
  devno=$(cat /sys/block/vda/dev) || return 1
  major=${devno%:*}; minor=${devno#*:}
  start_detached $name ".mounts += [{destination: \"/dev/scratch\", type: \"bind\", source: \"/dev/vda\", options: [\"bind\"]},
                                   {destination: \"/dev/kmsg\", type: \"bind\", source: \"/dev/kmsg\", options: [\"bind\"]}]
      | .linux.resources.devices = [{allow: false, access: \"rwm\"}, {allow: true, type: \"b\", major: $major, minor: $minor, access: \"r\"}]" \
    sh -c 'r=; (head -c1 /dev/scratch >/dev/null) 2>/dev/null && r="$r scratch-read" || r="$r scratch-read-denied";
           (echo x > /dev/scratch) 2>/dev/null && r="$r scratch-written" || r="$r scratch-write-denied";
           (head -c1 /dev/kmsg >/dev/null) 2>/dev/null && r="$r kmsg-read" || r="$r kmsg-denied";
           (echo x > /dev/null) 2>/dev/null && r="$r null-written" || r="$r null-denied"; echo "$r" > /tmp/r; sleep 300' || return 1
  local i; for ((i = 0; i < 100; i++)); do [ -s "$work/rootfs/tmp/r" ] && break; sleep 0.1; done
  expect "device access inside" "$(cat "$work/rootfs/tmp/r")" " scratch-read scratch-write-denied kmsg-denied null-written"
}

t_freeze_thaw() {
  local name=freeze_thaw
  start_detached $name '.' sleep 300 || return 1
  j pause $name || return 1
  expect "state after pause" "$(status_of $name)" paused || return 1
  grep -q '^frozen 1' $cg$parent/$name/cgroup.events || { echo "cgroup.events: $(cat $cg$parent/$name/cgroup.events)"; return 1; }
  expect "the init's state" "$(awk '/^State/ {print $2}' /proc/"$(init_pid $name)"/status)" S || return 1
  j resume $name || return 1
  expect "state after resume" "$(status_of $name)" running || return 1
  grep -q '^frozen 0' $cg$parent/$name/cgroup.events || { echo "cgroup.events: $(cat $cg$parent/$name/cgroup.events)"; return 1; }
}

t_kill_all() {
  local name=kill_all
  start_detached $name '.' sh -c 'sleep 300 & sleep 300 & sleep 300 & wait' || return 1
  sleep 1
  [ "$(wc -l < $cg$parent/$name/cgroup.procs)" -ge 4 ] || { echo "procs: $(cat $cg$parent/$name/cgroup.procs)"; return 1; }
  j kill --all $name KILL || return 1
  wait_status $name stopped || return 1
  local i
  for ((i = 0; i < 50; i++)); do [ -s $cg$parent/$name/cgroup.procs ] || break; sleep 0.1; done
  expect "cgroup.procs after kill --all" "$(cat $cg$parent/$name/cgroup.procs)" ""
}

t_update_live() {
  local name=update_live
  start_detached $name '.linux.resources.memory = {limit: 134217728} | .linux.resources.pids = {limit: 50}' sleep 300 || return 1
  j update --memory 64m --pids-limit 20 --cpu-quota 20000 --cpu-period 100000 --cpuset-cpus 0 $name || return 1
  expect memory.max "$(cat $cg$parent/$name/memory.max)" 67108864 || return 1
  expect pids.max "$(cat $cg$parent/$name/pids.max)" 20 || return 1
  expect cpu.max "$(cat $cg$parent/$name/cpu.max)" "20000 100000" || return 1
  expect cpuset.cpus "$(cat $cg$parent/$name/cpuset.cpus)" 0 || return 1
  echo '{"unified": {"memory.high": "33554432"}}' | j update -r - $name || return 1
  expect "memory.high (update -r)" "$(cat $cg$parent/$name/memory.high)" 33554432
}

t_events_stats() {
  local name=events_stats
  start_detached $name '.linux.resources.memory = {limit: 67108864} | .linux.resources.pids = {limit: 30}' \
    sh -c 'sleep 300 & sleep 300 & wait' || return 1
  sleep 1
  local json; json=$(j events --stats $name) || return 1
  expect type "$(echo "$json" | jq -r .type)" stats || return 1
  expect "pids.current vs stats" "$(echo "$json" | jq -r .data.pids.current)" "$(cat $cg$parent/$name/pids.current)" || return 1
  expect "pids.max vs stats" "$(echo "$json" | jq -r .data.pids.limit)" 30 || return 1
  expect "memory.max vs stats" "$(echo "$json" | jq -r .data.memory.usage.limit)" "$(cat $cg$parent/$name/memory.max)" || return 1
  local usage file; usage=$(echo "$json" | jq -r .data.memory.usage.usage); file=$(cat $cg$parent/$name/memory.current)
  # Both are live counters: within 1 MiB of each other.
  [ $((usage - file)) -lt 1048576 ] && [ $((file - usage)) -lt 1048576 ] || { echo "memory usage $usage vs memory.current $file"; return 1; }
  local total; total=$(echo "$json" | jq -r .data.cpu.usage.total)
  [ "$total" -gt 0 ] || { echo "cpu usage total $total"; return 1; }
}

t_placement() {
  # On pure v2 the cgroup is made before clone and clone3 starts the init in it (CLONE_INTO_CGROUP): --debug says so,
  # and the created init (which has run no container code yet) is there.
  local name=placement dir; dir=$(bundle $name '.' sh -c 'cat /proc/self/cgroup > /tmp/own; sleep 300') || return 1
  j --debug create --bundle "$dir" $name </dev/null >"$work/$name.out" 2>&1 || { cat "$work/$name.out"; return 1; }
  grep -q "the init (pid $(init_pid $name)) was born in $cg$parent/$name (clone3 CLONE_INTO_CGROUP)" "$work/$name.out" ||
    { echo "no CLONE_INTO_CGROUP line in --debug: $(grep cgroup "$work/$name.out")"; return 1; }
  expect "the created init's /proc/pid/cgroup" "$(cat /proc/"$(init_pid $name)"/cgroup)" "0::$parent/$name" || return 1
  j start $name || return 1
  expect "the init's /proc/pid/cgroup" "$(cat /proc/"$(init_pid $name)"/cgroup)" "0::$parent/$name" || return 1
  expect "cgroup.procs" "$(cat $cg$parent/$name/cgroup.procs)" "$(init_pid $name)"
}

t_exec_joins_the_cgroup() {
  local name=exec_joins_the_cgroup
  start_detached $name '.' sleep 300 || return 1
  # Its own stdio: a detached process keeps what it is given, and the case's output pipe would wait for it.
  j exec -d $name sleep 299 </dev/null >/dev/null 2>&1 || return 1
  local i; for ((i = 0; i < 50; i++)); do [ "$(wc -l < $cg$parent/$name/cgroup.procs)" -ge 2 ] && break; sleep 0.1; done
  expect "processes in the container's cgroup" "$(wc -l < $cg$parent/$name/cgroup.procs)" 2 || return 1
  j ps $name | grep -q 'sleep 299' || { echo "ps does not list the exec'd sleep: $(j ps $name)"; return 1; }
}

t_unified_keys() {
  local name=unified_keys
  start_detached $name '.linux.resources.unified = {"memory.high": "50331648", "pids.max": "7", "cpu.weight": "42"}' sleep 300 || return 1
  expect memory.high "$(cat $cg$parent/$name/memory.high)" 50331648 || return 1
  expect pids.max "$(cat $cg$parent/$name/pids.max)" 7 || return 1
  expect cpu.weight "$(cat $cg$parent/$name/cpu.weight)" 42
}

t_cgroupns_view() {
  local name=cgroupns_view
  start_detached $name '.linux.resources.pids = {limit: 11}' sleep 300 || return 1
  expect "/proc/self/cgroup inside" "$(j exec $name cat /proc/self/cgroup)" "0::/" || return 1
  expect "pids.max inside" "$(j exec $name cat /sys/fs/cgroup/pids.max)" 11 || return 1
  expect "cgroup.procs inside lists the init" "$(j exec $name head -1 /sys/fs/cgroup/cgroup.procs)" 1 || return 1
  # The mount is read-only (spec's "ro"): the container cannot raise its own limit.
  j exec $name sh -c 'echo 100 > /sys/fs/cgroup/pids.max' 2>/dev/null && { echo "wrote pids.max from inside"; return 1; }
  expect "pids.max after the attempt" "$(cat $cg$parent/$name/pids.max)" 11
}

t_delete_leaves_nothing() {
  local name=delete_leaves_nothing
  start_detached $name '.linux.resources.memory = {limit: 67108864}' sleep 300 || return 1
  j kill $name KILL || return 1
  wait_status $name stopped || return 1
  j delete $name || return 1
  [ ! -e $cg$parent/$name ] || { echo "$cg$parent/$name still exists"; return 1; }
  [ ! -e $state/$name ] || { echo "$state/$name still exists"; return 1; }
}

# ---- rootless, in a subtree delegated the way systemd's Delegate=yes does it ----------------------------------------
# The user owns /jaula-guest-user (the directory and its cgroup.procs, cgroup.subtree_control, cgroup.threads); root's
# subtree_control enables the controllers; the user's shell sits in the leaf "shell". jaula runs as that user with
# XDG_RUNTIME_DIR set and no --root, on a config from `jaula spec --rootless`.
ruser=jaulaguest
rdeleg=/jaula-guest-user
rhome=/tmp/jaula-v2-rootless

rootless_setup() {
  id -u $ruser >/dev/null 2>&1 || useradd -M -d $rhome -s /bin/sh $ruser || return 1
  ruid=$(id -u $ruser); rgid=$(id -g $ruser)
  mkdir -p $rhome /run/user/$ruid && chown $ruid:$rgid $rhome /run/user/$ruid && chmod 0700 /run/user/$ruid || return 1
  local c; for c in cpu memory pids; do echo "+$c" > $cg/cgroup.subtree_control; done
  mkdir -p $cg$rdeleg && chown $ruid:$rgid $cg$rdeleg $cg$rdeleg/cgroup.procs $cg$rdeleg/cgroup.subtree_control $cg$rdeleg/cgroup.threads || return 1
  mkdir -p $cg$rdeleg/shell && chown -R $ruid:$rgid $cg$rdeleg/shell || return 1
  if [ ! -d $rhome/rootfs ]; then cp -a "$work/rootfs" $rhome/rootfs && chown -R $ruid:$rgid $rhome/rootfs || return 1; fi
}

# as_user CMD...: CMD as the user, from the delegated leaf (root moves itself there, then drops to the user).
as_user() {
  sh -c 'echo $$ > "$1/cgroup.procs" || exit 1; shift; exec "$@"' sh $cg$rdeleg/shell \
    setpriv --reuid=$ruid --regid=$rgid --clear-groups \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=$rhome XDG_RUNTIME_DIR=/run/user/$ruid "$@"
}
uj() { as_user timeout -k 5 90 "$jaula" "$@"; }

# rootless_bundle NAME CGROUPSPATH JQ-FILTER ARGS...: `jaula spec --rootless` by the user, then the case's settings.
rootless_bundle() {
  local name=$1 path=$2 filter=$3; shift 3
  local dir=$rhome/$name
  mkdir -p $dir && chown $ruid:$rgid $dir
  (cd $dir && uj spec --rootless) || return 1
  local args a; args=$(for a in "$@"; do jq -n --arg a "$a" '$a'; done | jq -sc .)
  jq --arg rootfs $rhome/rootfs --arg cg "$path" --argjson args "$args" \
    '.root.path = $rootfs | .root.readonly = false | .process.terminal = false | .linux.cgroupsPath = $cg
     | .process.args = $args | '"$filter" $dir/config.json > $dir/config.new && mv $dir/config.new $dir/config.json &&
    chown $ruid:$rgid $dir/config.json
  echo $dir
}

# The user's containers are gone, the delegated subtree is left as it was given, then removed.
rootless_teardown() {
  local name=$1
  uj delete --force $name >/dev/null 2>&1
  rm -rf $rhome/$name
  rmdir $cg$rdeleg/shell $cg$rdeleg 2>/dev/null
  [ ! -e $cg$rdeleg ] || { echo "left in the delegated subtree: $(find $cg$rdeleg -mindepth 1 -type d)"; return 1; }
}

t_rootless_delegated_limits() {
  local name=rootless_delegated_limits dir
  rootless_setup || return 1
  dir=$(rootless_bundle $name $rdeleg/$name '.linux.resources = {memory: {limit: 67108864}, pids: {limit: 8}}' \
    sh -c 'i=0; while [ $i -lt 20 ]; do sleep 300 & i=$((i+1)); done; wait') || { rootless_teardown $name; return 1; }
  rootless_limits_checks $name $dir; local rc=$?
  rootless_teardown $name && return $rc
}

rootless_limits_checks() {
  local name=$1 dir=$2
  uj --debug create --bundle $dir $name </dev/null >$work/$name.out 2>&1 || { cat $work/$name.out; return 1; }
  grep -q "was born in $cg$rdeleg/$name (clone3 CLONE_INTO_CGROUP)" $work/$name.out ||
    { echo "not born in the cgroup: $(grep cgroup $work/$name.out)"; return 1; }
  expect "the cgroup's owner" "$(stat -c %u $cg$rdeleg/$name)" $ruid || return 1
  expect memory.max "$(cat $cg$rdeleg/$name/memory.max)" 67108864 || return 1
  expect pids.max "$(cat $cg$rdeleg/$name/pids.max)" 8 || return 1
  local pid; pid=$(uj state $name | jq -r .pid)
  expect "the init's /proc/pid/cgroup" "$(cat /proc/$pid/cgroup)" "0::$rdeleg/$name" || return 1
  expect "state's cgroup" "$(jq -r '.cgroup.paths[""]' /run/user/$ruid/jaula/$name/state.json)" "$cg$rdeleg/$name" || return 1
  uj start $name || return 1
  local i; for ((i = 0; i < 300; i++)); do [ "$(uj state $name | jq -r .status)" = stopped ] && break; sleep 0.1; done
  local events; events=$(awk '$1 == "max" {print $2}' $cg$rdeleg/$name/pids.events)
  [ "${events:-0}" -ge 1 ] || { echo "pids.events max is '$events'"; return 1; }
  grep -q "can't fork" $work/$name.out || { echo "no fork failure inside: $(cat $work/$name.out)"; return 1; }
  uj delete $name || return 1
  [ ! -e $cg$rdeleg/$name ] || { echo "$cg$rdeleg/$name still exists"; return 1; }
  [ ! -e /run/user/$ruid/jaula/$name ] || { echo "the state dir still exists"; return 1; }
}

t_rootless_delegated_lifecycle() {
  local name=rootless_delegated_lifecycle dir
  rootless_setup || return 1
  dir=$(rootless_bundle $name $rdeleg/$name '.' sh -c 'sleep 300 & sleep 300 & sleep 300 & wait') || { rootless_teardown $name; return 1; }
  rootless_lifecycle_checks $name $dir; local rc=$?
  rootless_teardown $name && return $rc
}

rootless_lifecycle_checks() {
  local name=$1 dir=$2 i
  uj create --bundle $dir $name </dev/null >/dev/null 2>$work/$name.err || { cat $work/$name.err; return 1; }
  uj start $name || return 1
  for ((i = 0; i < 50; i++)); do [ "$(wc -l < $cg$rdeleg/$name/cgroup.procs)" -ge 4 ] && break; sleep 0.1; done
  [ "$(wc -l < $cg$rdeleg/$name/cgroup.procs)" -ge 4 ] || { echo "procs: $(cat $cg$rdeleg/$name/cgroup.procs)"; return 1; }
  expect "id -u inside" "$(uj exec $name id -u)" 0 || return 1
  uj pause $name || return 1
  expect "state after pause" "$(uj state $name | jq -r .status)" paused || return 1
  grep -q '^frozen 1' $cg$rdeleg/$name/cgroup.events || { echo "cgroup.events: $(cat $cg$rdeleg/$name/cgroup.events)"; return 1; }
  uj resume $name || return 1
  expect "state after resume" "$(uj state $name | jq -r .status)" running || return 1
  uj kill --all $name KILL || return 1
  for ((i = 0; i < 100; i++)); do [ -s $cg$rdeleg/$name/cgroup.procs ] || break; sleep 0.1; done
  expect "cgroup.procs after kill --all" "$(cat $cg$rdeleg/$name/cgroup.procs)" "" || return 1
  for ((i = 0; i < 100; i++)); do [ "$(uj state $name | jq -r .status)" = stopped ] && break; sleep 0.1; done
  uj delete $name || return 1
  [ ! -e $cg$rdeleg/$name ] || { echo "$cg$rdeleg/$name still exists"; return 1; }
  [ ! -e /run/user/$ruid/jaula/$name ] || { echo "the state dir still exists"; return 1; }
}

t_rootless_no_write_access() {
  # A cgroupsPath outside the delegated subtree: the user cannot make it, so no cgroup, a notice, and the run goes on.
  local name=rootless_no_write_access dir out rc
  rootless_setup || return 1
  dir=$(rootless_bundle $name /jaula-guest-not-delegated/$name '.linux.resources = {pids: {limit: 8}}' sh -c 'echo inside') ||
    { rootless_teardown $name; return 1; }
  out=$(uj run --bundle $dir $name </dev/null 2>&1); rc=$?
  rootless_teardown $name || return 1
  expect "run's exit status" $rc 0 || { echo "$out"; return 1; }
  echo "$out" | grep -q '^inside$' || { echo "no output from inside: $out"; return 1; }
  echo "$out" | grep -q 'rootless: no write access to the cgroup.*linux.resources is not applied' || { echo "no notice: $out"; return 1; }
  [ ! -e $cg/jaula-guest-not-delegated ] || { echo "a cgroup was made outside the delegated subtree"; return 1; }
}

cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(t_oom_exit_137 t_oom_event t_pids_max t_cpu_max t_cpuset t_io_max t_io_weight t_hugetlb t_device_filter t_freeze_thaw \
         t_kill_all t_update_live t_events_stats t_placement t_exec_joins_the_cgroup t_unified_keys t_cgroupns_view t_delete_leaves_nothing \
         t_rootless_delegated_limits t_rootless_delegated_lifecycle t_rootless_no_write_access)
for t in "${cases[@]}"; do
  case_ "$t"
done

# Nothing of ours is left: no container, no cgroup below the parent (jaula removes the parents it created).
leftover=$(ls $state 2>/dev/null; find $cg$parent -mindepth 1 -type d 2>/dev/null)
if [ -z "$leftover" ] && [ ! -e $cg$parent ]; then
  passed=$((passed + 1)); echo "ok - nothing_left_behind"
else
  failed=$((failed + 1)); echo "not ok - nothing_left_behind: $leftover $(ls -d $cg$parent 2>/dev/null)"
fi
rm -rf "$work"
echo "guest-v2: $passed passed, $failed failed"
[ $failed -eq 0 ]
