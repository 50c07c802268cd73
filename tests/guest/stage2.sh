#!/bin/sh
# PID 1 of the guest after switch_root, on the host's root (read-only 9p under a tmpfs overlay): fresh kernel
# filesystems, pure cgroup2 at /sys/fs/cgroup, the results share at /guest-results, the host's current directory
# at its own path; runs /guest-results/command and
# writes its exit status to /guest-results/rc, then powers the guest off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
ln -sf /proc/self/fd /dev/fd; ln -sf /proc/self/fd/0 /dev/stdin; ln -sf /proc/self/fd/1 /dev/stdout; ln -sf /proc/self/fd/2 /dev/stderr
mkdir -p /dev/pts /dev/shm /dev/mqueue
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts /dev/pts
mount -t tmpfs -o mode=1777 shm /dev/shm
mount -t mqueue mqueue /dev/mqueue
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
for d in /tmp /run /var/tmp /var/lib/containers; do mount -t tmpfs -o mode=0755 tmpfs "$d" 2>/dev/null; done
chmod 1777 /tmp /var/tmp
rm -f /.dockerenv
mkdir -p /guest-results
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 results /guest-results
# The host's current directory, read-only over 9p under a tmpfs overlay at the same path (it may sit under /tmp).
if [ -s /guest-results/workdir ]; then
  workdir=$(cat /guest-results/workdir)
  mkdir -p /run/workdir/lower /run/workdir/upper /run/workdir/work "$workdir"
  mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 workdir /run/workdir/lower &&
    mount -t overlay -o lowerdir=/run/workdir/lower,upperdir=/run/workdir/upper,workdir=/run/workdir/work overlay "$workdir" ||
    echo "guest: the share of $workdir failed"
fi
hostname jaula-guest
ip link set lo up 2>/dev/null
echo "guest: kernel $(uname -r), cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
cd /
/bin/bash /guest-results/command < /dev/null > /guest-results/output 2>&1
echo $? > /guest-results/rc
sync
umount /guest-results
echo o > /proc/sysrq-trigger
sleep 5
busybox poweroff -f
