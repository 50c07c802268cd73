# Sourced by the guest suites (v2-suite.sh, systemd-suite.sh), which set: jaula (the binary), work (a temp dir),
# repo, and j (jaula with the suite's global flags) and cgroups_path_of NAME (the suite's linux.cgroupsPath form).

# make_base_bundle: $work/base.json from `jaula spec` (no terminal, a writable busybox rootfs; a cgroup mount and a
# cgroup namespace come with spec). JAULA_ROOTFS is a rootfs built on the host (building one in the guest costs ~40 s
# of emulated execs).
make_base_bundle() {
  if [ -n "${JAULA_ROOTFS:-}" ]; then
    cp -a "$JAULA_ROOTFS" "$work/rootfs"
  else
    bash "$repo/spec-fixtures/make-busybox-rootfs.sh" "$work/rootfs" >/dev/null
  fi
  "$jaula" spec --bundle "$work" || return 1
  jq --arg rootfs "$work/rootfs" '.root.path = $rootfs | .root.readonly = false | .process.terminal = false' \
    "$work/config.json" > "$work/base.json"
}

# bundle NAME JQ-FILTER ARGS...: a bundle dir whose config is the base + the filter + the suite's cgroupsPath for NAME
# + ARGS as process.args.
bundle() {
  local name=$1 filter=$2; shift 2
  mkdir -p "$work/$name"
  # Each argument goes in as an --arg value: as a positional one, jq would take "-c" for its own option.
  local args a; args=$(for a in "$@"; do jq -n --arg a "$a" '$a'; done | jq -sc .)
  jq --arg cg "$(cgroups_path_of "$name")" --argjson args "$args" "$filter"' | .linux.cgroupsPath = $cg | .process.args = $args' \
    "$work/base.json" > "$work/$name/config.json"
  echo "$work/$name"
}

# start_detached NAME JQ-FILTER ARGS...: create + start; the container is running when this returns 0.
start_detached() {
  local name=$1 dir; dir=$(bundle "$@") || return 1
  j create --bundle "$dir" "$name" </dev/null >"$work/$name.out" 2>&1 || { cat "$work/$name.out"; return 1; }
  j start "$name" || return 1
}

status_of() { j state "$1" 2>/dev/null | jq -r .status; }
init_pid() { j state "$1" | jq -r .pid; }

# wait_status NAME STATUS [TENTHS]: polls `state` (the guest is slow: generous).
wait_status() {
  local i
  for ((i = 0; i < ${3:-300}; i++)); do
    [ "$(status_of "$1")" = "$2" ] && return 0
    sleep 0.1
  done
  echo "status of $1 is $(status_of "$1"), not $2"
  return 1
}

# expect WHAT ACTUAL EXPECTED
expect() {
  if [ "$2" != "$3" ]; then
    echo "$1: got '$2', expected '$3'"
    return 1
  fi
}
