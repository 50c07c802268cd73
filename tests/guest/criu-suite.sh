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
# The counter first points its stdio at the container's own /dev/null: a file of the caller's mounts (the suite's
# /dev/null) is outside the container's and fails the dump; pipes come back through descriptors.json (stdio_pipes).
counter='exec </dev/null >/dev/null 2>&1; i=0; while :; do i=$((i+1)); echo $i > /count; sleep 0.3; done'
# The count is the last line of $counted (a path in the rootfs): /count, or what the TCP case's server received.
counted=count
# `echo $i > /count` truncates before it writes: an empty read is that moment, read again (up to 1 s).
count() {
  local c i
  for ((i = 0; i < 10; i++)); do
    c=$(tail -n 1 "$work/rootfs/$counted" 2>/dev/null)
    [ -n "$c" ] && break
    sleep 0.1
  done
  case $c in ''|*[!0-9]*) c=0 ;; esac; echo "$c"
}

remove() { j delete --force "$1" >/dev/null 2>&1; true; }

# helper PID: a process a case started in the background (a console receiver), killed after the case.
helper() { echo "$1" >> "$work/helpers"; }
kill_helpers() { [ -f "$work/helpers" ] && kill $(cat "$work/helpers") 2>/dev/null; rm -f "$work/helpers"; true; }

case_() {
  local name=$1 out rc began=$SECONDS
  counted=count
  out=$("$name" 2>&1); rc=$?
  remove "${name#t_}"; remove "${name#t_}_new"; kill_helpers
  echo "$out" | grep '^# ' # what a case reports on the way
  echo "# ${name#t_}: $((SECONDS - began)) s"
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1)); echo "ok - $tag${name#t_}"
  else
    failed=$((failed + 1)); failures+=("${name#t_}"); echo "not ok - $tag${name#t_}: $(echo "$out" | tail -6 | tr '\n' ' ')"
  fi
}

# count_grows NAME: the count moves on within a few seconds.
count_grows() {
  local before after i; before=$(count)
  for ((i = 0; i < 50; i++)); do after=$(count); [ "$after" -gt "$before" ] && return 0; sleep 0.2; done
  echo "count stuck at $before"; return 1
}

# The guest's cgroups: v2 (the default) or v1 hierarchies (JAULA_GUEST_CGROUP=v1, see run.sh).
[ -f "$cg/cgroup.controllers" ] && v1= || v1=yes
# cgdir NAME [CONTROLLER]: the container's cgroup directory (v1: in CONTROLLER's hierarchy, pids by default).
tag=${v1:+v1_} # on v1 the cases are named v1_NAME and the summary guest-criu-v1
cgdir() { if [ -n "$v1" ]; then echo "$cg/${2:-pids}$parent/$1"; else echo "$cg$parent/$1"; fi; }

# nothing_left NAME: no state and no cgroup (v1: in no hierarchy).
nothing_left() {
  j state "$1" >/dev/null 2>&1 && { echo "$1 still has state"; return 1; }
  local d; for d in "$cg$parent/$1" "$cg"/*"$parent/$1"; do
    [ ! -d "$d" ] || { echo "$d is left"; return 1; }
  done
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
  grep -qx "$(init_pid restore_same_id)" "$(cgdir restore_same_id)/cgroup.procs" || { echo "init not in its cgroup"; return 1; }
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
  if [ -n "$v1" ]; then
    expect memory.limit_in_bytes "$(cat "$(cgdir memory_limit memory)/memory.limit_in_bytes")" 67108864
  else
    expect memory.max "$(cat "$(cgdir memory_limit)/memory.max")" 67108864
  fi
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

# wait_for WHAT COMMAND...: polls COMMAND for up to 20 s (the guest is slow).
wait_for() {
  local what=$1 i; shift
  for ((i = 0; i < 100; i++)); do "$@" && return 0; sleep 0.2; done
  echo "timed out waiting for $what"; return 1
}

# receive_console NAME: a console socket at $work/NAME.sock whose terminal prints to $work/NAME.out and reads
# $work/NAME.in.
receive_console() {
  rm -f "$work/$1.sock" "$work/$1.out" "$work/$1.in"
  /usr/bin/python3 "$repo/tests/guest/console-receiver.py" "$work/$1.sock" "$work/$1.out" "$work/$1.in" >"$work/$1.log" 2>&1 &
  helper $!
  wait_for "console socket $1" test -S "$work/$1.sock"
}

# A container with its own terminal (process.terminal, --console-socket as engines give it): it counts, prints a
# tick per count on the terminal and writes what it reads there to /heard. Checkpointed (its pty master is the
# receiver's, outside the dump), then restored with a new console socket: the count goes on, the new terminal shows
# the ticks and what is typed into it reaches the restored shell.
t_terminal() {
  local loop='i=0; while :; do i=$((i+1)); echo $i > /count; echo "tick $i"; if read -t 1 line; then echo "$line" > /heard; fi; done'
  rm -f "$work/rootfs/count" "$work/rootfs/heard"
  receive_console tty1 || return 1
  local dir; dir=$(bundle terminal '.process.terminal = true' sh -c "$loop") || return 1
  j create --bundle "$dir" --console-socket "$work/tty1.sock" terminal || return 1
  j start terminal || return 1
  count_grows || return 1
  wait_for "a tick on the first terminal" grep -q tick "$work/tty1.out" || return 1
  j checkpoint --image-path "$work/terminal.img" terminal || { tail -5 "$work/terminal.img/dump.log"; return 1; }
  nothing_left terminal || return 1
  receive_console tty2 || return 1
  j restore -d --console-socket "$work/tty2.sock" --bundle "$dir" --image-path "$work/terminal.img" terminal \
    || { tail -5 "$work/terminal.img/restore.log"; return 1; }
  expect "state after restore" "$(status_of terminal)" running || return 1
  count_grows || return 1
  wait_for "a tick on the new terminal" grep -q tick "$work/tty2.out" || return 1
  echo hello-after-restore > "$work/tty2.in"
  wait_for "the typed line in /heard" grep -qx hello-after-restore "$work/rootfs/heard" || return 1
  expect "/dev/console is the new terminal" "$(j exec terminal sh -c 'test -c /dev/console && echo chr')" chr || return 1
  j kill terminal KILL && wait_status terminal stopped && j delete terminal && nothing_left terminal
}

# Two processes in the container's own network namespace talk over an established TCP connection on 127.0.0.1 (nc
# listening, a counting client); checkpoint and restore with --tcp-established; the server goes on receiving the
# count over the same connection. The loopback link of that namespace is brought up inside (CAP_NET_ADMIN).
t_tcp_established() {
  counted=received
  local caps='.process.capabilities |= with_entries(.value += ["CAP_NET_ADMIN"])'
  local prog='exec </dev/null >/dev/null 2>&1; ip link set lo up || exit 1
sleep 100000 | nc -l -p 7000 > /received &
sleep 1
i=0; while :; do i=$((i+1)); echo $i; sleep 0.3; done | nc 127.0.0.1 7000'
  rm -f "$work/rootfs/received"
  start_detached tcp_established "$caps" sh -c "$prog" || return 1
  count_grows || return 1
  j checkpoint --tcp-established --image-path "$work/tcp.img" tcp_established || { tail -5 "$work/tcp.img/dump.log"; return 1; }
  nothing_left tcp_established || return 1
  local at; at=$(count)
  j restore -d --tcp-established --bundle "$work/tcp_established" --image-path "$work/tcp.img" tcp_established \
    || { tail -5 "$work/tcp.img/restore.log"; return 1; }
  count_grows || return 1
  [ "$(count)" -gt "$at" ] || { echo "received $(count), not more than $at"; return 1; }
  # both ends (busybox nc listens on ::, so the server end is in tcp6), still established
  expect "one connection, established" "$(j exec tcp_established sh -c 'cat /proc/net/tcp /proc/net/tcp6 | grep -c " 01 "')" 2
}

# A detached container whose stdio are pipes (as conmon gives them): checkpoint records them in descriptors.json,
# restore is given new pipes and the restored process's output comes out of them.
t_stdio_pipes() {
  local loop='i=0; while :; do i=$((i+1)); echo $i > /count; echo "out $i"; sleep 0.3; done'
  rm -f "$work/rootfs/count"
  local dir; dir=$(bundle stdio_pipes . sh -c "$loop") || return 1
  local in1 out1 in2 out2
  exec {in1}< <(exec sleep 100000 2>/dev/null); helper $!
  exec {out1}> >(exec cat > "$work/pipes1.out" 2>/dev/null); helper $!
  j create --bundle "$dir" stdio_pipes <&$in1 >&$out1 2>&1 || { cat "$work/pipes1.out"; return 1; }
  exec {in1}<&- {out1}>&-
  j start stdio_pipes || return 1
  count_grows || return 1
  wait_for "output on the first pipe" grep -q "^out " "$work/pipes1.out" || return 1
  j checkpoint --image-path "$work/pipes.img" stdio_pipes || { tail -5 "$work/pipes.img/dump.log"; return 1; }
  echo "# descriptors.json: $(cat "$work/pipes.img/descriptors.json")"
  nothing_left stdio_pipes || return 1
  exec {in2}< <(exec sleep 100000 2>/dev/null); helper $!
  exec {out2}> >(exec cat > "$work/pipes2.out" 2>/dev/null); helper $!
  j restore -d --bundle "$dir" --image-path "$work/pipes.img" stdio_pipes <&$in2 >&$out2 2>&1 \
    || { tail -5 "$work/pipes.img/restore.log"; return 1; }
  exec {in2}<&- {out2}>&-
  count_grows || return 1
  wait_for "output on the new pipe" grep -q "^out " "$work/pipes2.out"
}

# A container that joins a network namespace by path (`ip netns add`, as CNI and engines do) is restored into that
# same namespace: criu records it as external at dump (--external net[inode]:extRootNetNS) and restore hands it over
# on fd 3 (--inherit-fd fd[3]:extRootNetNS). The restored init's net namespace is the named one (same inode), not the
# suite's and not a new one.
t_joined_netns() {
  local ns=jaula-criu-netns
  ip netns add "$ns" || return 1
  trap 'ip netns del jaula-criu-netns 2>/dev/null' EXIT # this case runs in its own subshell
  local filter=".linux.namespaces |= map(if .type == \"network\" then .path = \"/run/netns/$ns\" else . end)"
  round_trip joined_netns joined_netns "$filter" || return 1
  local want; want=$(stat -L -c %i "/run/netns/$ns")
  expect "the named namespace is not the suite's" "$([ "$want" != "$(stat -L -c %i /proc/self/ns/net)" ] && echo yes)" yes || return 1
  expect "restored init's net namespace" "$(stat -L -c %i "/proc/$(init_pid joined_netns)/ns/net")" "$want" || return 1
  j exec joined_netns true || return 1
  j delete --force joined_netns && nothing_left joined_netns
}

# A foreground restore (no -d) waits for the restored init as its subreaper: the keeper hands the tree over when it
# exits, so the init is restore's own child again; killing the container ends restore with the init's status, and
# restore removes the container.
t_foreground_restore() {
  rm -f "$work/rootfs/count"
  start_detached foreground_restore . sh -c "$counter" || return 1
  count_grows || return 1
  j checkpoint --image-path "$work/fg.img" foreground_restore || { tail -5 "$work/fg.img/dump.log"; return 1; }
  "$jaula" --root "$state" restore --bundle "$work/foreground_restore" --image-path "$work/fg.img" foreground_restore \
    </dev/null >/dev/null 2>&1 &
  local restore=$! rc
  running() { [ "$(status_of foreground_restore)" = running ]; }
  wait_for "the restored container running" running || return 1
  count_grows || return 1
  local init; init=$(init_pid foreground_restore)
  # the restored init's parent is restore itself (field 4 of stat; its comm "sh" has no space)
  wait_for "the init reparented to restore" eval '[ "$(cut -d" " -f4 /proc/$init/stat)" = "$restore" ]' \
    || { echo "parent of $init: $(cut -d' ' -f4 /proc/$init/stat), restore: $restore"; return 1; }
  j kill foreground_restore KILL || return 1
  wait "$restore"; rc=$?
  expect "restore's exit status" "$rc" 137 || return 1
  nothing_left foreground_restore
}

# A restore that fails (criu's images are not a checkpoint) leaves no state and no cgroup.
t_failed_restore() {
  mkdir -p "$work/empty.img"
  local dir; dir=$(bundle failed_restore . sh -c "$counter") || return 1
  j restore -d --bundle "$dir" --image-path "$work/empty.img" failed_restore && { echo "restore of nothing succeeded"; return 1; }
  nothing_left failed_restore
}

# A restore killed (SIGKILL) while criu runs leaves no process: criu runs under the keeper (native/criu_keeper.h),
# which kills criu and the half-restored tree when jaula dies and holds the container's lock until they are gone.
# Then no criu, no keeper (a fork of the restore: same command line), nothing in the cgroup, the count stands still,
# and a plain `delete` (no --force: nothing runs) removes the rest (state dir, made.json, cgroup).
t_killed_restore() {
  rm -f "$work/rootfs/count"
  start_detached killed_restore . sh -c "$counter" || return 1
  count_grows || return 1
  j checkpoint --image-path "$work/killed.img" killed_restore || { tail -5 "$work/killed.img/dump.log"; return 1; }
  "$jaula" --root "$state" restore -d --bundle "$work/killed_restore" --image-path "$work/killed.img" killed_restore \
    </dev/null >/dev/null 2>&1 &
  local restore=$!
  wait_for "criu's pid in made.json" jq -e '.pid > 0' "$state/killed_restore/made.json" >/dev/null 2>&1 || return 1
  local criu; criu=$(jq -r .pid "$state/killed_restore/made.json")
  expect "made.json's pid is criu" "$(cat /proc/$criu/comm 2>/dev/null)" criu || return 1
  kill -9 "$restore"; wait "$restore" 2>/dev/null
  no_criu() { ! pgrep -x criu >/dev/null && ! pgrep -f "restore -d --bundle $work/killed_restore " >/dev/null; }
  wait_for "criu and the keeper gone" no_criu || { ps -ef | grep -e criu -e restore; return 1; }
  local procs; procs=$(cat "$(cgdir killed_restore)/cgroup.procs" 2>/dev/null)
  [ -z "$procs" ] || { echo "left in the cgroup: $procs"; return 1; }
  echo "# left by the killed restore: $(ls "$state/killed_restore" 2>/dev/null | tr '\n' ' ')cgroup $([ -d "$(cgdir killed_restore)" ] && echo yes || echo no)"
  local at; at=$(count); sleep 1.5
  expect "count after the killed restore" "$(count)" "$at" || return 1
  j delete killed_restore || return 1
  nothing_left killed_restore
}

# podman (with conmon) drives jaula as its runtime: run -d, container checkpoint, container restore; the count goes on
# in the restored container (read through podman exec) and its stdout, conmon's pipe, reaches podman logs again
# (descriptors.json). Its stdin is conmon's /dev/null of the host, a file outside the container's mounts that criu
# cannot dump, so the process points stdin at the container's own /dev/null.
t_podman() {
  command -v podman >/dev/null || { echo "podman is not installed"; return 1; }
  local p=$work/podman; mkdir -p "$p"
  cat > "$p/containers.conf" <<CONF
[containers]
netns = "none"
log_driver = "k8s-file"
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "jaula"
static_dir = "$p/static"
tmp_dir = "$p/tmp"
volume_path = "$p/volumes"
runtime_supports_json = ["jaula"]
[engine.runtimes]
jaula = ["$jaula"]
CONF
  printf '[storage]\ndriver = "vfs"\nrunroot = "%s/runroot"\ngraphroot = "%s/graphroot"\n' "$p" "$p" > "$p/storage.conf"
  pm() { CONTAINERS_CONF=$p/containers.conf CONTAINERS_STORAGE_CONF=$p/storage.conf timeout -k 5 180 podman "$@"; }
  local prog='exec </dev/null; i=0; while :; do i=$((i+1)); echo $i > /count; echo "out $i"; sleep 0.3; done'
  tar -C "$work/rootfs" -cf "$p/rootfs.tar" . || return 1
  pm import --change 'CMD ["/bin/sh"]' "$p/rootfs.tar" localhost/jaula-bb:latest >/dev/null || return 1
  pm run -d --name criu_podman --cgroup-parent /jaula-criu-podman localhost/jaula-bb:latest sh -c "$prog" >/dev/null || return 1
  podman_count() { pm exec criu_podman cat /count 2>/dev/null || echo 0; }
  # logs_past N: podman logs shows an "out M" line with M > N.
  logs_past() { pm logs criu_podman 2>/dev/null | awk -v n="$1" '$1 == "out" && $2 + 0 > n { found = 1 } END { exit !found }'; }
  local a b; a=$(podman_count); sleep 1; b=$(podman_count)
  [ "$b" -gt "$a" ] || { echo "podman container not counting ($a, $b)"; return 1; }
  pm container checkpoint criu_podman || { cat "$p"/graphroot/vfs-containers/*/userdata/dump.log 2>/dev/null | grep -m3 Error; return 1; }
  expect "podman state after checkpoint" "$(pm inspect --format '{{.State.Status}}' criu_podman)" exited || return 1
  local at; at=$(pm logs criu_podman 2>/dev/null | awk '$1 == "out" { n = $2 } END { print n + 0 }')
  # podman removes its checkpoint images after a restore
  echo "# podman's descriptors.json: $(cat "$p"/graphroot/vfs-containers/*/userdata/checkpoint/descriptors.json 2>/dev/null)"
  pm container restore criu_podman || { cat "$p"/graphroot/vfs-containers/*/userdata/restore.log 2>/dev/null | grep -m3 Error; return 1; }
  expect "podman state after restore" "$(pm inspect --format '{{.State.Status}}' criu_podman)" running || return 1
  a=$(podman_count); sleep 1; b=$(podman_count)
  [ "$b" -gt "$a" ] || { echo "restored podman container not counting ($a, $b)"; return 1; }
  wait_for "podman logs past out $at" logs_past "$at" || return 1
  echo "# podman: logs went on past out $at after restore"
  pm rm -f criu_podman >/dev/null && pm rmi -af >/dev/null 2>&1
  rmdir "$cg/jaula-criu-podman" 2>/dev/null; true
}

if [ $# -gt 0 ]; then cases=("$@"); else cases=(restore_same_id restore_new_id memory_limit bind_mount leave_running pre_dump terminal stdio_pipes tcp_established joined_netns foreground_restore failed_restore killed_restore podman); fi
for c in "${cases[@]}"; do case_ "t_$c"; done
echo "guest-criu${v1:+-v1}: $passed passed, $failed failed${failures:+ (${failures[*]})}"
[ $failed -eq 0 ]
