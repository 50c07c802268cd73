#!/usr/bin/env bash
# Issue 17 measure: run as root under the integration lock (flock /tmp/jaula-it.lock ...); kills only processes of its own bundle.
# Usage: scripts/measure-kill-create.sh <jaula binary> <tries> [verb]  — SIGKILL `jaula create` (or run) 0-60 ms in, then delete -f (5 s bound; "does not exist" counts as done, as runc's delete -f).
# Counts: delete hangs, delete failures, leftover processes (cwd/root in the bundle), cgroups, state/staging entries.
set -u
BIN=$1; N=$2; VERB=${3:-create}
REPO=$(cd "$(dirname "$0")/.." && pwd)
W=${TMPDIR:-/tmp}/jaula-kill-measure; ROOT=$W/root; B=$W/bundle; CG=jaula-kill-measure
rm -rf $W; mkdir -p $ROOT $B/rootfs
trap 'rm -rf $W' EXIT # the bundle and state root are this run's only
bash $REPO/spec-fixtures/make-busybox-rootfs.sh $B/rootfs >/dev/null
( cd $B && $BIN spec >/dev/null )
jq --arg cg "/$CG" '.process.args=["sleep","1000"] | .process.terminal=false | .linux.cgroupsPath=$cg' $B/config.json > $B/c && mv $B/c $B/config.json
hang=0; fail=0; nx=0; procs=0; cgs=0; state=0
mine() { for p in /proc/[0-9]*; do c=$(readlink $p/cwd 2>/dev/null); r=$(readlink $p/root 2>/dev/null); case "$c$r" in *$B*) echo ${p#/proc/};; esac; done; }
for i in $(seq 1 $N); do
  id=m$i
  if [ $VERB = run ]; then ( cd $B && exec $BIN --root $ROOT run -d $id >/dev/null 2>&1 ) &
  else ( cd $B && exec $BIN --root $ROOT create $id >/dev/null 2>&1 ) & fi
  pid=$!
  sleep 0.0$(printf %02d $((RANDOM % 60)))
  kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
  timeout 5 $BIN --root $ROOT delete -f $id >/dev/null 2>$W/err; rc=$?; grep -q "does not exist" $W/err && { rc=0; nx=$((nx+1)); }
  [ $rc = 124 ] && hang=$((hang+1)); [ $rc != 0 ] && [ $rc != 124 ] && fail=$((fail+1))
  sleep 0.3
  left=$(mine); [ -n "$left" ] && { procs=$((procs+1)); kill -9 $left 2>/dev/null; }
  c=$(ls -d /sys/fs/cgroup/*/$CG 2>/dev/null | wc -l); [ $c -gt 0 ] && cgs=$((cgs+1))
  s=$(ls -A $ROOT | wc -l); [ $s -gt 0 ] && state=$((state+1))
  # clean for the next try
  sleep 0.2; for d in /sys/fs/cgroup/*/$CG; do [ -d $d ] && rmdir $d 2>/dev/null; done
  for e in $ROOT/*; do [ -e "$e" ] && rm -rf "$e"; done
done
echo "$VERB x$N with $BIN: delete hangs=$hang delete-fails=$fail (not-exist=$nx) leftover-procs=$procs leftover-cgroups=$cgs leftover-state=$state"
