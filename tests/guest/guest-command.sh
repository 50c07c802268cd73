# Sourced by both guest stages (stage2.sh as PID 1, systemd-stage.sh under systemd): the scratch mounts, the results
# share and the host's current directory, then the command with its output and exit status carried out.

# guest_mounts TMPFS-DIRS...: fresh tmpfs on each, the results share at /guest-results, and the host's current
# directory read-only over 9p under a tmpfs overlay at its own path (it may sit under the guest's fresh /tmp).
guest_mounts() {
  for d in "$@"; do mount -t tmpfs -o mode=0755 tmpfs "$d" 2>/dev/null; done
  chmod 1777 /tmp /var/tmp
  mkdir -p /guest-results
  mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 results /guest-results
  if [ -s /guest-results/workdir ]; then
    workdir=$(cat /guest-results/workdir)
    mkdir -p /run/workdir/lower /run/workdir/upper /run/workdir/work "$workdir"
    mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 workdir /run/workdir/lower &&
      mount -t overlay -o lowerdir=/run/workdir/lower,upperdir=/run/workdir/upper,workdir=/run/workdir/work overlay "$workdir" ||
      echo "guest: the share of $workdir failed"
  fi
  hostname jaula-guest
  ip link set lo up 2>/dev/null
}

# guest_run_command: runs /guest-results/command, writes its output and exit status to the share, then the sysrq
# power-off (the caller's own power-off follows if that did not end the guest).
guest_run_command() {
  cd /
  /bin/bash /guest-results/command < /dev/null > /guest-results/output 2>&1
  echo $? > /guest-results/rc
  sync
  umount /guest-results
  echo o > /proc/sysrq-trigger
  sleep 5
}
