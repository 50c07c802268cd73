#!/usr/bin/env bash
# Installs what jaula needs on a fresh Debian 12 machine with the .NET SDK (run as root). Two sets, one list each:
#   deps.sh --demo   building jaula and running a container (scripts/demo.sh): a C compiler, libseccomp, busybox
#   deps.sh --test   that, and everything the test suites drive (scripts/test.sh; the default): engines, qemu, the
#                    guest kernel, jq, dbus-daemon, man/zsh for the packaging tests...
set -euo pipefail
mode=${1:---test}
case "$mode" in --demo|--test) ;; *) echo "usage: deps.sh [--demo|--test]" >&2; exit 2 ;; esac

need=()
lean=()

# install_collected: the collected packages, then the SDK check. containerd and docker.io must not start as services
# when installed (their tests start their own daemons): a policy-rc.d that refuses, unless the machine already has one.
install_collected() {
  if [ ${#need[@]} -gt 0 ] || [ ${#lean[@]} -gt 0 ]; then
    echo "deps: installing ${need[*]} ${lean[*]}"
    apt-get update -qq
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      trap 'rm -f /usr/sbin/policy-rc.d' EXIT
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d
    fi
    [ ${#need[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${need[@]}" >/dev/null
    [ ${#lean[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${lean[@]}" >/dev/null
  fi
  if ! command -v dotnet >/dev/null; then
    echo "deps: the .NET SDK (dotnet) is not on PATH; this machine kind ships it" >&2
    exit 1
  fi
}

# --demo: the build (gcc and ar for the C stage, libseccomp linked statically for linux.seccomp) and the demo's rootfs.
command -v gcc >/dev/null || need+=(gcc libc6-dev)
command -v ar >/dev/null || need+=(binutils)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
test -f /usr/lib/x86_64-linux-gnu/libseccomp.a || need+=(libseccomp-dev) # linked statically for linux.seccomp
if [ "$mode" = --demo ]; then
  install_collected
  exit 0
fi

# --test: the rest.
command -v git >/dev/null || need+=(git)
# The packaging tests render the man pages and load the zsh completion.
command -v man >/dev/null || need+=(man-db)
command -v groff >/dev/null || need+=(groff-base)
command -v zsh >/dev/null || need+=(zsh)
# The conformance suites: Debian's runc for the differential, podman (with conmon) as an engine driving jaula.
command -v runc >/dev/null || need+=(runc)
command -v podman >/dev/null || need+=(podman)
# containerd 1.6 (ctr) and Docker 20.10 as engines; the tests start both daemons by hand, never as services.
# docker.io without its recommends (no cgroupfs-mount, git, xz-utils...).
command -v containerd >/dev/null || need+=(containerd)
# The CRI engine test: the CNI bridge, host-local and loopback plugins (Debian puts them in /usr/lib/cni).
test -x /usr/lib/cni/bridge || need+=(containernetworking-plugins)
test -x /usr/sbin/dockerd || lean+=(docker.io)

command -v criu >/dev/null || need+=(criu) # checkpoint/restore (the guest's criu suite; on 6.18 hosts the refusal)
command -v jq >/dev/null || need+=(jq) # the cgroup v2 guest suite edits config.json with jq
test -x /usr/bin/python3 || need+=(python3) # the guest criu suite's console socket (tests/guest/console-receiver.py)
# The systemd driver's unit tests talk to a fake systemd on a private bus (the reference dbus-daemon, no service).
command -v dbus-daemon >/dev/null || lean+=(dbus-daemon)
# The cgroup v2 guest (tests/guest): qemu (TCG) and Debian's kernel, which only adds files under /boot and
# /lib/modules (its postinst writes an initrd there too); cpio packs the guest's initramfs. No recommends.
command -v qemu-system-x86_64 >/dev/null || lean+=(qemu-system-x86)
ls /boot/vmlinuz-*-amd64 >/dev/null 2>&1 || lean+=(linux-image-amd64)
command -v cpio >/dev/null || lean+=(cpio)
install_collected
