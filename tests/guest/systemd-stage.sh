#!/bin/sh
# The guest's command under systemd as PID 1 (jaula-guest.service): systemd has mounted /proc, /sys, /dev, /run and
# cgroup2 at /sys/fs/cgroup; this adds what stage2.sh would (fresh /tmp, the results share, the host's current
# directory at its own path), runs /guest-results/command, writes its exit status to /guest-results/rc and powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mkdir -p /dev/mqueue
mount -t mqueue mqueue /dev/mqueue 2>/dev/null
for d in /tmp /var/tmp /var/lib/containers; do mount -t tmpfs -o mode=0755 tmpfs "$d" 2>/dev/null; done
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
echo "guest: kernel $(uname -r), systemd $(systemctl --version | head -1), state $(systemctl is-system-running 2>&1)"
cd /
/bin/bash /guest-results/command < /dev/null > /guest-results/output 2>&1
echo $? > /guest-results/rc
sync
umount /guest-results
echo o > /proc/sysrq-trigger
sleep 5
systemctl poweroff --force --force
