#!/bin/sh
# PID 1 of the guest after switch_root, on the host's root (read-only 9p under a tmpfs overlay): fresh kernel
# filesystems, pure cgroup2 at /sys/fs/cgroup (or v1 hierarchies with jaula.cgroup=v1, see run.sh), the results
# share at /guest-results, the host's current directory at its own path; runs /guest-results/command and writes its
# exit status to /guest-results/rc, then powers the guest off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
ln -sf /proc/self/fd /dev/fd; ln -sf /proc/self/fd/0 /dev/stdin; ln -sf /proc/self/fd/1 /dev/stdout; ln -sf /proc/self/fd/2 /dev/stderr
mkdir -p /dev/pts /dev/shm /dev/mqueue
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts /dev/pts
mount -t tmpfs -o mode=1777 shm /dev/shm
mount -t mqueue mqueue /dev/mqueue
if grep -q 'jaula.cgroup=v1' /proc/cmdline; then
  # A v1 host's layout: a tmpfs, one hierarchy per controller group (cpu and cpuacct together, net_cls and net_prio
  # together, as systemd mounts them) and the alias symlinks.
  mount -t tmpfs -o mode=755 cgroup /sys/fs/cgroup
  for c in $(awk 'NR > 1 && $4 == 1 { print $1 }' /proc/cgroups); do
    case $c in
      cpu|cpuacct) dir=cpu,cpuacct ;;
      net_cls|net_prio) dir=net_cls,net_prio ;;
      *) dir=$c ;;
    esac
    [ -d /sys/fs/cgroup/$dir ] && continue
    mkdir -p /sys/fs/cgroup/$dir
    mount -t cgroup -o "$dir" cgroup /sys/fs/cgroup/$dir || echo "guest: mounting the $dir hierarchy failed"
  done
  for alias in cpu cpuacct net_cls net_prio; do
    case $alias in cpu|cpuacct) t=cpu,cpuacct ;; *) t=net_cls,net_prio ;; esac
    [ -d /sys/fs/cgroup/$t ] && ln -s $t /sys/fs/cgroup/$alias
  done
else
  mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
fi
rm -f /.dockerenv
. /jaula-guest-command
guest_mounts /tmp /run /var/tmp /var/lib/containers
echo "guest: kernel $(uname -r), cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.controllers 2>/dev/null || echo "none (v1: $(ls /sys/fs/cgroup | tr '\n' ' '))")"
guest_run_command
busybox poweroff -f
