#!/usr/bin/env bash
# Installs what building and testing jaula needs on a fresh Debian 12 machine with the .NET SDK (run as root).
set -euo pipefail

need=()
command -v gcc >/dev/null || need+=(gcc libc6-dev)
command -v ar >/dev/null || need+=(binutils)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
test -f /usr/lib/x86_64-linux-gnu/libseccomp.a || need+=(libseccomp-dev) # linked statically for linux.seccomp
command -v git >/dev/null || need+=(git)
# The packaging tests render the man pages and load the zsh completion.
command -v man >/dev/null || need+=(man-db)
command -v groff >/dev/null || need+=(groff-base)
command -v zsh >/dev/null || need+=(zsh)
# The conformance suites: Debian's runc for the differential, podman (with conmon) as an engine driving jaula.
command -v runc >/dev/null || need+=(runc)
command -v podman >/dev/null || need+=(podman)

command -v jq >/dev/null || need+=(jq) # the cgroup v2 guest suite edits config.json with jq
# The cgroup v2 guest (tests/guest): qemu (TCG) and Debian's kernel, which only adds files under /boot and
# /lib/modules (its postinst writes an initrd there too); cpio packs the guest's initramfs.
guest=()
command -v qemu-system-x86_64 >/dev/null || guest+=(qemu-system-x86)
ls /boot/vmlinuz-*-amd64 >/dev/null 2>&1 || guest+=(linux-image-amd64)
command -v cpio >/dev/null || guest+=(cpio)
if [ ${#guest[@]} -gt 0 ]; then
  echo "deps: installing ${guest[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${guest[@]}" >/dev/null
fi

if [ ${#need[@]} -gt 0 ]; then
  echo "deps: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null; then
  echo "deps: the .NET SDK (dotnet) is not on PATH; this machine kind ships it" >&2
  exit 1
fi
