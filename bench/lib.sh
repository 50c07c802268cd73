# Sourced by the bench scripts: what each of them does before and after its measurements.

bench_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# bench_lock SCRIPT ARGS...: runs the script again under /tmp/jaula-it.lock (one container benchmark or test suite at
# a time on this machine), unless this process already holds it.
bench_lock() {
    [[ ${JAULA_BENCH_LOCKED:-} == 1 ]] || exec env JAULA_BENCH_LOCKED=1 flock /tmp/jaula-it.lock "$@"
}

# bench_remove_cgroups NAME: removes the cgroup /NAME and every cgroup under it, in every hierarchy (the v1
# controllers and unified). Only empty cgroups go: the caller deletes its containers first.
bench_remove_cgroups() {
    local hier
    for hier in /sys/fs/cgroup/*/"$1"; do
        [[ -d $hier ]] && find "$hier" -depth -type d -exec rmdir {} \; 2>/dev/null
    done
    return 0
}

# bench_rootfs_and_spec DIR JAULA: a busybox rootfs in DIR/rootfs and JAULA's `spec` in DIR/spec.json, the base of
# every bundle a bench makes.
bench_rootfs_and_spec() {
    bash "$bench_repo/spec-fixtures/make-busybox-rootfs.sh" "$1/rootfs" >/dev/null
    (cd "$1" && "$2" spec && mv config.json spec.json)
}
