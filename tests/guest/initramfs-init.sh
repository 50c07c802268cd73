#!/bin/sh
# /init of the guest's busybox initramfs: load the 9p and overlay modules, mount the host's root read-only (9p share
# "hostroot") under a tmpfs overlay, and switch_root into it. A chroot would not do: user namespaces refuse a caller
# whose root is not its mount namespace's root. With "jaula.init=systemd" on the command line the host's own systemd
# becomes PID 1 instead of stage2.sh, starting only jaula-guest.target (see systemd-units/).
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t devtmpfs dev /dev
mount -t sysfs sys /sys
for m in $(cat /modules.order); do
  insmod "/modules/$m.ko" || echo "guest-init: insmod $m failed"
done
mkdir -p /lower /rw /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 hostroot /lower || { echo "guest-init: 9p mount failed"; poweroff -f; }
mount -t tmpfs -o size=512m,mode=0755 rw /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /newroot || { echo "guest-init: overlay failed"; poweroff -f; }
cp /stage2.sh /newroot/jaula-guest-stage2
cp /guest-command.sh /newroot/jaula-guest-command
chmod 0755 /newroot/jaula-guest-stage2
if grep -q 'jaula.init=systemd' /proc/cmdline; then
  # Only our target and service (DefaultDependencies=no): none of the host's services start. Without /.dockerenv
  # systemd does not take the guest for a container.
  cp /systemd-units/* /newroot/etc/systemd/system/
  cp /systemd-stage.sh /newroot/jaula-guest-systemd-stage
  chmod 0755 /newroot/jaula-guest-systemd-stage
  rm -f /newroot/.dockerenv
  umount /proc /sys /dev
  exec switch_root /newroot /lib/systemd/systemd
fi
umount /proc /sys /dev
exec switch_root /newroot /jaula-guest-stage2
