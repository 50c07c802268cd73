#!/usr/bin/env bash
# The systemd cgroup driver suite: runs inside the guest booted with the host's systemd as PID 1 (tests/guest/systemd.sh,
# run.sh with JAULA_GUEST_INIT=systemd; pure cgroup v2) and drives the published AOT jaula with --systemd-cgroup. Each
# case checks what systemd says about the container's unit (systemctl show, over its own private socket) and what the
# kernel shows in the unit's cgroup. Prints "ok - name" / "not ok - name: why" per case and ends with
# "guest-systemd: N passed, N failed"; exits non-zero when a case failed.
# Env: JAULA (the binary; default <repo>/artifacts/publish/jaula), JAULA_ROOTFS (a busybox rootfs to copy),
# JAULA_GUEST_DEBUG (non-empty: diagnostics after a failed case).
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
jaula=${JAULA:-$repo/artifacts/publish/jaula}
cg=/sys/fs/cgroup
slice=system.slice
state=/run/jaula-systemd
work=$(mktemp -d /tmp/jaula-systemd.XXXXXX)
passed=0; failed=0

# Every call is bounded: a hung jaula fails its case instead of the whole guest run.
j() { timeout -k 5 90 "$jaula" --root "$state" --systemd-cgroup "$@"; }

cgroups_path_of() { echo "$slice:jaula:$1"; }
. "$repo/tests/guest/suite-lib.sh"
make_base_bundle || { echo "not ok - spec"; exit 1; }

unit_of() { echo "jaula-$1.scope"; }
scope_dir() { echo "$cg/$slice/$(unit_of "$1")"; }
prop() { systemctl show -p "$2" --value "$(unit_of "$1")"; }

# gone NAME: no unit loaded, no cgroup, no state left of the container.
gone() {
  local load; load=$(prop "$1" LoadState)
  expect "LoadState of $(unit_of "$1")" "$load" not-found || return 1
  [ ! -e "$(scope_dir "$1")" ] || { echo "$(scope_dir "$1") still exists"; return 1; }
  [ ! -e "$state/$1" ] || { echo "$state/$1 still exists"; return 1; }
}

case_() {
  local name=$1 out rc began=$SECONDS
  echo "# ${name#t_}"
  out=$("$name" 2>&1); rc=$?
  # The cleanup is part of the case: a delete that fails (a unit that would not stop) fails it.
  if [ -e "$state/${name#t_}" ]; then
    local del; del=$(j delete --force "${name#t_}" 2>&1) || { rc=1; out="$out; delete --force: $del"; }
  fi
  echo "# ${name#t_}: $((SECONDS - began)) s"
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1)); echo "ok - systemd_${name#t_}"
  else
    failed=$((failed + 1)); echo "not ok - systemd_${name#t_}: $(echo "$out" | tail -5 | tr '\n' ' ')"
    [ -z "${JAULA_GUEST_DEBUG:-}" ] || { dmesg | tail -40; cat /tmp/pid1.samples | tail -40; systemctl list-jobs --no-pager; systemctl status --no-pager "jaula-${name#t_}.scope"; }
  fi
}

t_features_and_check() {
  expect "features cgroup.systemd" "$("$jaula" features | jq .linux.cgroup.systemd)" true || return 1
  "$jaula" check 2>&1 | grep -q '^ok .*systemd cgroup driver' || { "$jaula" check 2>&1 | grep systemd; return 1; }
}

t_scope() {
  local name=scope pid dir
  start_detached $name '.linux.resources.memory = {limit: 67108864}
      | .linux.resources.pids = {limit: 20}
      | .linux.resources.cpu = {quota: 50000, period: 100000, shares: 512, cpus: "1"}' sleep 300 || return 1
  pid=$(init_pid $name); dir=$(scope_dir $name)
  expect ActiveState "$(prop $name ActiveState)" active || return 1
  expect Slice "$(prop $name Slice)" $slice || return 1
  expect Delegate "$(prop $name Delegate)" yes || return 1
  expect ControlGroup "$(prop $name ControlGroup)" "/$slice/$(unit_of $name)" || return 1
  expect MemoryMax "$(prop $name MemoryMax)" 67108864 || return 1
  expect TasksMax "$(prop $name TasksMax)" 20 || return 1
  expect CPUQuotaPerSecUSec "$(prop $name CPUQuotaPerSecUSec)" 500ms || return 1
  expect CPUWeight "$(prop $name CPUWeight)" 20 || return 1
  expect AllowedCPUs "$(prop $name AllowedCPUs)" 1 || return 1
  expect memory.max "$(cat "$dir/memory.max")" 67108864 || return 1
  expect pids.max "$(cat "$dir/pids.max")" 20 || return 1
  expect cpu.max "$(cat "$dir/cpu.max")" "50000 100000" || return 1
  expect cpu.weight "$(cat "$dir/cpu.weight")" 20 || return 1
  expect cpuset.cpus "$(cat "$dir/cpuset.cpus")" 1 || return 1
  expect "the init's /proc/pid/cgroup" "$(cat /proc/"$pid"/cgroup)" "0::/$slice/$(unit_of $name)" || return 1
  expect "MainPID or the unit's processes" "$(cat "$dir/cgroup.procs")" "$pid" || return 1
  expect "the state's cgroup path" "$(jq -r '.cgroup.paths[""]' "$state/$name/state.json" 2>/dev/null || echo "?")" "$dir"
}

t_update() {
  local name=update dir
  start_detached $name '.linux.resources.memory = {limit: 134217728} | .linux.resources.pids = {limit: 50}' sleep 300 || return 1
  dir=$(scope_dir $name)
  j update --memory 32m --pids-limit 10 --cpu-quota 20000 --cpu-period 100000 $name || return 1
  expect MemoryMax "$(prop $name MemoryMax)" 33554432 || return 1
  expect TasksMax "$(prop $name TasksMax)" 10 || return 1
  expect CPUQuotaPerSecUSec "$(prop $name CPUQuotaPerSecUSec)" 200ms || return 1
  expect memory.max "$(cat "$dir/memory.max")" 33554432 || return 1
  expect pids.max "$(cat "$dir/pids.max")" 10 || return 1
  expect cpu.max "$(cat "$dir/cpu.max")" "20000 100000"
}

t_pause_resume() {
  local name=pause_resume dir
  start_detached $name '.' sleep 300 || return 1
  dir=$(scope_dir $name)
  j pause $name || return 1
  expect "state after pause" "$(status_of $name)" paused || return 1
  grep -q '^frozen 1' "$dir/cgroup.events" || { echo "cgroup.events: $(cat "$dir/cgroup.events")"; return 1; }
  j resume $name || return 1
  expect "state after resume" "$(status_of $name)" running || return 1
  grep -q '^frozen 0' "$dir/cgroup.events" || { echo "cgroup.events: $(cat "$dir/cgroup.events")"; return 1; }
}

t_exec_joins_the_scope() {
  local name=exec_joins_the_scope dir
  start_detached $name '.' sleep 300 || return 1
  dir=$(scope_dir $name)
  j exec -d $name sleep 299 </dev/null >/dev/null 2>&1 || return 1
  local i; for ((i = 0; i < 50; i++)); do [ "$(wc -l < "$dir/cgroup.procs")" -ge 2 ] && break; sleep 0.1; done
  expect "processes in the scope" "$(wc -l < "$dir/cgroup.procs")" 2
}

t_kill_all() {
  local name=kill_all
  start_detached $name '.' sh -c 'sleep 300 & sleep 300 & sleep 300 & wait' || return 1
  sleep 1
  [ "$(wc -l < "$(scope_dir $name)/cgroup.procs")" -ge 4 ] || { echo "procs: $(cat "$(scope_dir $name)/cgroup.procs")"; return 1; }
  j kill --all $name KILL || return 1
  wait_status $name stopped || return 1
  j delete $name || return 1
  gone $name
}

t_delete_stops_the_unit() {
  local name=delete_stops_the_unit
  start_detached $name '.linux.resources.memory = {limit: 67108864}' sleep 300 || return 1
  expect ActiveState "$(prop $name ActiveState)" active || return 1
  j delete --force $name || return 1
  gone $name
}

t_init_exits_on_its_own() {
  # systemd unloads an empty scope by itself: delete then finds no unit, and that is not an error.
  local name=init_exits_on_its_own
  start_detached $name '.' sh -c 'sleep 1' || return 1
  wait_status $name stopped || return 1
  j delete $name || return 1
  gone $name
}

t_slice_unit() {
  # A name ending in .slice makes the container's unit that slice (runc's form): its cgroup follows the dashes.
  local name=slice_unit unit=jaula-sliceunit.slice dir=$cg/jaula.slice/jaula-sliceunit.slice bundle_dir pid
  bundle_dir=$(bundle $name '.linux.resources.memory = {limit: 50331648}' sleep 300) || return 1
  jq ".linux.cgroupsPath = \"$slice:unused:$unit\"" "$bundle_dir/config.json" > "$bundle_dir/c" && mv "$bundle_dir/c" "$bundle_dir/config.json"
  j create --bundle "$bundle_dir" $name </dev/null >"$work/$name.out" 2>&1 || { cat "$work/$name.out"; return 1; }
  j start $name || return 1
  pid=$(init_pid $name)
  expect ActiveState "$(systemctl show -p ActiveState --value $unit)" active || return 1
  expect ControlGroup "$(systemctl show -p ControlGroup --value $unit)" /jaula.slice/$unit || return 1
  expect MemoryMax "$(systemctl show -p MemoryMax --value $unit)" 50331648 || return 1
  expect memory.max "$(cat $dir/memory.max)" 50331648 || return 1
  expect "the init's /proc/pid/cgroup" "$(cat /proc/"$pid"/cgroup)" "0::/jaula.slice/$unit" || return 1
  j delete --force $name || return 1
  # systemd loads any slice name on demand (no unit file needed), so `show` finds one: the transient one is gone.
  expect "after delete" "$(systemctl show -p ActiveState,Transient --value $unit | tr '\n' ' ')" "inactive no " || return 1
  [ ! -e $dir ] || { echo "$dir still exists"; return 1; }
}

t_bad_cgroups_path() {
  local name=bad_cgroups_path dir out
  dir=$(bundle $name '.' true) || return 1
  jq '.linux.cgroupsPath = "/jaula/bad"' "$dir/config.json" > "$dir/c" && mv "$dir/c" "$dir/config.json"
  out=$(j create --bundle "$dir" $name 2>&1) && { echo "create succeeded: $out"; return 1; }
  echo "$out" | grep -q 'linux.cgroupsPath: "/jaula/bad" is not of the form "slice:prefix:name"' || { echo "error: $out"; return 1; }
  [ ! -e "$state/$name" ] || { echo "state left: $(ls "$state/$name")"; return 1; }
}

# checkpoint and restore with the systemd driver: criu (3.17, Debian's; the guest's kernel 6.1 is one it handles)
# dumps a counting container in its scope, whose unit then goes away with the container; restore starts the unit
# anew with the criu keeper's pid (as runc puts criu in the container's cgroup), criu places the tree there, and the
# keeper exits: the scope is active again, holds the restored init and only the container's processes (no criu, no
# keeper), with the memory limit, and the count goes on. delete stops the unit.
t_checkpoint_restore() {
  local name=checkpoint_restore counter='exec </dev/null >/dev/null 2>&1; i=0; while :; do i=$((i+1)); echo $i > /count; sleep 0.3; done'
  criu check >"$work/criu-check" 2>&1 || { echo "criu check: $(tail -3 "$work/criu-check" | tr '\n' ' ')"; return 1; }
  count() { local c; c=$(cat "$work/rootfs/count" 2>/dev/null); case $c in ''|*[!0-9]*) c=0 ;; esac; echo "$c"; }
  grows() { local b i; b=$(count); for ((i = 0; i < 50; i++)); do [ "$(count)" -gt "$b" ] && return 0; sleep 0.2; done; echo "count stuck at $b"; return 1; }
  rm -f "$work/rootfs/count"
  start_detached $name '.linux.resources.memory = {limit: 67108864}' sh -c "$counter" || return 1
  grows || return 1
  j checkpoint --image-path "$work/$name.img" $name || { grep -m3 Error "$work/$name.img/dump.log"; return 1; }
  gone $name || return 1
  j restore -d --bundle "$work/$name" --image-path "$work/$name.img" $name || { grep -m3 Error "$work/$name.img/restore.log"; return 1; }
  local pid dir; pid=$(init_pid $name); dir=$(scope_dir $name)
  expect "state after restore" "$(status_of $name)" running || return 1
  expect ActiveState "$(prop $name ActiveState)" active || return 1
  grep -qx "$pid" "$dir/cgroup.procs" || { echo "the restored init $pid is not in $dir"; return 1; }
  # the rest are the counter's sleeps, in the container's pid namespace; criu and the keeper (host's) are gone
  local p; for p in $(cat "$dir/cgroup.procs"); do
    [ "$(readlink /proc/"$p"/ns/pid)" = "$(readlink /proc/"$pid"/ns/pid)" ] || [ ! -e /proc/"$p" ] \
      || { echo "in the scope besides the container: $p ($(cat /proc/"$p"/comm))"; return 1; }
  done
  expect "the init's /proc/pid/cgroup" "$(cat /proc/"$pid"/cgroup)" "0::/$slice/$(unit_of $name)" || return 1
  expect memory.max "$(cat "$dir/memory.max")" 67108864 || return 1
  grows || return 1
  j delete --force $name && gone $name
}

if [ -n "${JAULA_GUEST_DEBUG:-}" ]; then
  (while :; do echo "$(date +%T.%N | cut -c1-12) $(cut -d' ' -f3 /proc/1/stat) $(cat /proc/1/wchan) $(tr '\n' '|' < /proc/1/stack 2>/dev/null | cut -c1-200)"; sleep 0.5; done > /tmp/pid1.samples 2>&1) &
fi
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(t_features_and_check t_scope t_update t_pause_resume t_exec_joins_the_scope t_kill_all \
         t_delete_stops_the_unit t_init_exits_on_its_own t_slice_unit t_bad_cgroups_path t_checkpoint_restore)
for t in "${cases[@]}"; do
  case_ "$t"
done

# Nothing of ours is left: no jaula unit loaded, no scope cgroup, no container state.
leftover="$(systemctl list-units --all --no-legend --plain 'jaula-*.scope' 2>&1) $(ls "$state" 2>/dev/null) $(ls -d $cg/$slice/jaula-*.scope 2>/dev/null)"
if [ -z "${leftover// /}" ]; then
  passed=$((passed + 1)); echo "ok - systemd_nothing_left_behind"
else
  failed=$((failed + 1)); echo "not ok - systemd_nothing_left_behind: $leftover"
fi
rm -rf "$work"
echo "guest-systemd: $passed passed, $failed failed"
[ $failed -eq 0 ]
