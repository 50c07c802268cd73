#!/bin/sh
# The guest's command under systemd as PID 1 (jaula-guest.service): systemd has mounted /proc, /sys, /dev, /run and
# cgroup2 at /sys/fs/cgroup; this adds what stage2.sh would (fresh /tmp, the results share, the host's current
# directory at its own path), runs /guest-results/command, writes its exit status to /guest-results/rc and powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mkdir -p /dev/mqueue
mount -t mqueue mqueue /dev/mqueue 2>/dev/null
. /jaula-guest-command
guest_mounts /tmp /var/tmp /var/lib/containers
echo "guest: kernel $(uname -r), systemd $(systemctl --version | head -1), state $(systemctl is-system-running 2>&1)"
guest_run_command
systemctl poweroff --force --force
