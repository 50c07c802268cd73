#!/usr/bin/env bash
# The checkpoint/restore suite: runs inside the cgroup v2 guest (tests/guest/criu.sh) and drives the published jaula
# with Debian's criu. Prints "ok - name" / "not ok - name: why" per case and ends with "guest-criu: N passed, N
# failed"; exits non-zero when a case failed. The guest is slow (TCG): few cases, short sleeps.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
jaula=${JAULA:-$repo/artifacts/publish/jaula}
cg=/sys/fs/cgroup
parent=/jaula-criu
state=/run/jaula-criu
work=$(mktemp -d /tmp/jaula-criu.XXXXXX)
passed=0; failed=0; failures=()

j() { timeout -k 5 120 "$jaula" --root "$state" "$@"; }
cgroups_path_of() { echo "$parent/$1"; }
. "$repo/tests/guest/suite-lib.sh"

# What criu needs of the guest: the loopback link up (kerndat's TCP repair probe) and /dev/ptmx of the devpts instance.
ip link set lo up 2>/dev/null || busybox ip link set lo up
rm -f /dev/ptmx && ln -s pts/ptmx /dev/ptmx
criu check >"$work/criu-check" 2>&1 || { echo "not ok - criu_check: $(tail -3 "$work/criu-check" | tr '\n' ' ')"; exit 1; }
make_base_bundle || { echo "not ok - spec"; exit 1; }

# Counts once every 0.3 s into /count (seen from here through the rootfs); the count going on after restore proves
# the process's memory came back.
# The counter first points its stdio at the container's own /dev/null: jaula does not yet hand criu the caller's
# stdio as external files (runc's descriptors.json + --inherit-fd), so fds opened outside the container fail the dump.
counter='exec </dev/null >/dev/null 2>&1; i=0; while :; do i=$((i+1)); echo $i > /count; sleep 0.3; done'
count() { local c; c=$(cat "$work/rootfs/count" 2>/dev/null); echo "${c:-0}"; }

remove() { j delete --force "$1" >/dev/null 2>&1; true; }

case_() {
  local name=$1 out rc began=$SECONDS
  out=$("$name" 2>&1); rc=$?
  remove "${name#t_}"; remove "${name#t_}_new"
  echo "# ${name#t_}: $((SECONDS - began)) s"
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1)); echo "ok - ${name#t_}"
  else
    failed=$((failed + 1)); failures+=("${name#t_}"); echo "not ok - ${name#t_}: $(echo "$out" | tail -6 | tr '\n' ' ')"
  fi
}

# count_grows NAME: the count moves on within a few seconds.
count_grows() {
  local before after i; before=$(count)
  for ((i = 0; i < 50; i++)); do after=$(count); [ "$after" -gt "$before" ] && return 0; sleep 0.2; done
  echo "count stuck at $before"; return 1
}

# nothing_left NAME: no state and no cgroup.
nothing_left() {
  j state "$1" >/dev/null 2>&1 && { echo "$1 still has state"; return 1; }
  [ ! -d "$cg$parent/$1" ] || { echo "$cg$parent/$1 is left"; return 1; }
}

# round_trip NAME NEW-ID EXTRA-FILTER: start, checkpoint, check the container is gone, restore -d as NEW-ID, check the count goes on.
round_trip() {
  local name=$1 new=$2 filter=${3:-.}
  rm -f "$work/rootfs/count"
  start_detached "$name" "$filter" sh -c "$counter" || return 1
  count_grows || return 1
  j checkpoint --image-path "$work/$name.img" "$name" || { tail -5 "$work/$name.img/dump.log"; return 1; }
  nothing_left "$name" || return 1
  local at; at=$(count); sleep 1
  expect "count while checkpointed" "$(count)" "$at" || return 1
  j restore -d --bundle "$work/$name" --image-path "$work/$name.img" --pid-file "$work/$new.pid" "$new" \
    || { tail -5 "$work/$name.img/restore.log"; return 1; }
  expect "state after restore" "$(status_of "$new")" running || return 1
  expect "--pid-file" "$(cat "$work/$new.pid")" "$(init_pid "$new")" || return 1
  count_grows || return 1
  [ "$(count)" -gt "$at" ] || { echo "count $(count) did not go on from $at"; return 1; }
}

t_restore_same_id() {
  round_trip restore_same_id restore_same_id || return 1
  grep -qx "$(init_pid restore_same_id)" "$cg$parent/restore_same_id/cgroup.procs" || { echo "init not in its cgroup"; return 1; }
  j exec restore_same_id true || return 1
  j pause restore_same_id && expect paused "$(status_of restore_same_id)" paused && j resume restore_same_id || return 1
  j kill restore_same_id KILL && wait_status restore_same_id stopped && j delete restore_same_id || return 1
  nothing_left restore_same_id
}

t_restore_new_id() {
  round_trip restore_new_id restore_new_id_new || return 1
  j state restore_new_id >/dev/null 2>&1 && { echo "the old id came back"; return 1; }
  j delete --force restore_new_id_new && nothing_left restore_new_id_new
}

t_memory_limit() {
  round_trip memory_limit memory_limit '.linux.resources.memory = {limit: 67108864}' || return 1
  expect memory.max "$(cat "$cg$parent/memory_limit/memory.max")" 67108864
}

t_bind_mount() {
  mkdir -p "$work/shared" && echo host-data > "$work/shared/f"
  local filter; filter=".mounts += [{destination: \"/data\", type: \"bind\", source: \"$work/shared\", options: [\"rbind\", \"rw\"]}]"
  round_trip bind_mount bind_mount "$filter" || return 1
  expect "bind mount after restore" "$(j exec bind_mount cat /data/f)" host-data
}

t_leave_running() {
  rm -f "$work/rootfs/count"
  start_detached leave_running . sh -c "$counter" || return 1
  j checkpoint --leave-running --image-path "$work/leave.img" leave_running || { tail -5 "$work/leave.img/dump.log"; return 1; }
  expect "state after --leave-running" "$(status_of leave_running)" running || return 1
  count_grows && [ -s "$work/leave.img/inventory.img" ]
}

t_pre_dump() {
  rm -f "$work/rootfs/count"
  start_detached pre_dump . sh -c "$counter" || return 1
  j checkpoint --pre-dump --image-path "$work/pre.img" pre_dump || { tail -5 "$work/pre.img/dump.log"; return 1; }
  expect "state after --pre-dump" "$(status_of pre_dump)" running || return 1
  j checkpoint --parent-path ../pre.img --image-path "$work/final.img" pre_dump || { tail -5 "$work/final.img/dump.log"; return 1; }
  nothing_left pre_dump || return 1
  j restore -d --bundle "$work/pre_dump" --image-path "$work/final.img" pre_dump || { tail -5 "$work/final.img/restore.log"; return 1; }
  count_grows
}

if [ $# -gt 0 ]; then cases=("$@"); else cases=(restore_same_id restore_new_id memory_limit bind_mount leave_running pre_dump); fi
for c in "${cases[@]}"; do case_ "t_$c"; done
echo "guest-criu: $passed passed, $failed failed${failures:+ (${failures[*]})}"
[ $failed -eq 0 ]
