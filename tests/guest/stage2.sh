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
rm -f /.dockerenv
. /jaula-guest-command
guest_mounts /tmp /run /var/tmp /var/lib/containers
echo "guest: kernel $(uname -r), cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
guest_run_command
busybox poweroff -f
