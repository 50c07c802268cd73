#!/usr/bin/env bash
# Boots a qemu guest (TCG) on Debian's linux-image-amd64 with pure cgroup v2 (cgroup_no_v1=all; or v1, see below), on
# this machine's own root shared read-only over 9p under a tmpfs overlay, runs a bash script there as root and brings its output back.
# Usage: run.sh <command> [args...]   (run by bash in the guest, in the current directory; host paths are the same there)
#   prints the command's output; exits with its exit status, or 124 when the guest did not finish in time.
# Env: JAULA_GUEST_TIMEOUT (seconds, default 840), JAULA_GUEST_MEMORY (MiB, default 1024),
#      JAULA_GUEST_INIT (stage2, the default: a shell script as PID 1; systemd: the host's systemd as PID 1, see
#      systemd-stage.sh),
#      JAULA_GUEST_RESULTS (a folder to keep the results share in; default a temp folder removed at exit),
#      JAULA_GUEST_CGROUP (v2, the default: cgroup_no_v1=all and cgroup2 at /sys/fs/cgroup; v1: the v1 controllers
#      left to the kernel, and stage2.sh mounts one v1 hierarchy per controller group under a tmpfs, as a v1 host has).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: $0 <command> [args...]" >&2; exit 2; }
results=${JAULA_GUEST_RESULTS:-}
timeout_s=${JAULA_GUEST_TIMEOUT:-840}

kernel=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -1 || true)
[ -n "$kernel" ] || { echo "guest: no /boot/vmlinuz-*-amd64 (apt-get install linux-image-amd64)" >&2; exit 2; }
version=${kernel#/boot/vmlinuz-}
modules=/lib/modules/$version
command -v qemu-system-x86_64 >/dev/null || { echo "guest: qemu-system-x86_64 missing (apt-get install qemu-system-x86)" >&2; exit 2; }

work=$(mktemp -d /tmp/jaula-guest.XXXXXX)
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
[ -n "$results" ] || results=$work/results
mkdir -p "$results" "$work/initramfs"
rm -f "$results/rc" "$results/output" "$results/workdir"
# The guest mounts tmpfs on /tmp, /run and /var/tmp; the current directory (a CI clone may live under /tmp) comes as
# a share of its own that the guest lays over the same path.
printf '%s\n' "$PWD" > "$results/workdir"
printf 'cd %q || exit 1\nexec' "$PWD" > "$results/command"
printf ' %q' "$@" >> "$results/command"
echo >> "$results/command"

# The initramfs: static busybox, the modules 9p and overlay need (in load order), /init and the stage after switch_root.
cd "$work/initramfs"
mkdir -p bin proc sys dev modules
install -m 0755 /bin/busybox bin/busybox
ln -s busybox bin/sh
order=(virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk netfs fscache 9pnet
       9pnet_virtio 9p overlay)
: > modules.order
for m in "${order[@]}"; do
  file=$(find "$modules/kernel" -name "$m.ko" -o -name "$m.ko.xz" | head -1)
  [ -n "$file" ] || continue # built into this kernel
  case $file in
    *.xz) xz -dc "$file" > "modules/$m.ko" ;;
    *) cp "$file" "modules/$m.ko" ;;
  esac
  echo "$m" >> modules.order
done
install -m 0755 "$here/initramfs-init.sh" init
install -m 0755 "$here/stage2.sh" stage2.sh
install -m 0755 "$here/systemd-stage.sh" systemd-stage.sh
install -m 0644 "$here/guest-command.sh" guest-command.sh
mkdir -p systemd-units
cp "$here"/systemd-units/* systemd-units/
find . | cpio -o -H newc --quiet > "$work/initramfs.cpio"
cd - >/dev/null

init_args=
case ${JAULA_GUEST_INIT:-stage2} in
  stage2) ;;
  systemd) init_args="jaula.init=systemd systemd.unit=jaula-guest.target systemd.show_status=0" ;;
  *) echo "guest: JAULA_GUEST_INIT is stage2 or systemd, not ${JAULA_GUEST_INIT}" >&2; exit 2 ;;
esac

cgroup_args="cgroup_no_v1=all"
case ${JAULA_GUEST_CGROUP:-v2} in
  v2) ;;
  v1)
    [ "${JAULA_GUEST_INIT:-stage2}" = stage2 ] || { echo "guest: JAULA_GUEST_CGROUP=v1 needs the stage2 init" >&2; exit 2; }
    cgroup_args="jaula.cgroup=v1" ;;
  *) echo "guest: JAULA_GUEST_CGROUP is v2 or v1, not ${JAULA_GUEST_CGROUP}" >&2; exit 2 ;;
esac

# A scratch disk: a real block device for io.max.
truncate -s 64M "$work/scratch.img"

set +e
timeout --foreground -k 10 "$timeout_s" qemu-system-x86_64 -accel tcg -cpu max -m "${JAULA_GUEST_MEMORY:-1024}" -smp 2 \
  -display none -no-reboot -serial file:"$work/console.log" -monitor none \
  -kernel "$kernel" -initrd "$work/initramfs.cpio" \
  -append "console=ttyS0 quiet panic=-1 $cgroup_args hugepages=8 rdinit=/init $init_args" \
  -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
  -virtfs local,path="$results",mount_tag=results,security_model=none,multidevs=remap \
  -virtfs local,path="$PWD",mount_tag=workdir,security_model=none,readonly=on,multidevs=remap \
  -drive file="$work/scratch.img",format=raw,if=virtio,cache=unsafe </dev/null >/dev/null 2>&1
qemu=$?
set -e
[ -f "$results/output" ] && cat "$results/output"
if [ ! -f "$results/rc" ]; then
  echo "guest: no result (qemu exit $qemu; timeout ${timeout_s}s); console tail:" >&2
  tail -40 "$work/console.log" >&2 || true
  exit 124
fi
exit "$(cat "$results/rc")"
