#!/bin/sh
# /init of the guest's busybox initramfs: load the 9p and overlay modules, mount the host's root read-only (9p share
# "hostroot") under a tmpfs overlay, and switch_root into it. A chroot would not do: user namespaces refuse a caller
# whose root is not its mount namespace's root.
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
chmod 0755 /newroot/jaula-guest-stage2
umount /proc /sys /dev
exec switch_root /newroot /jaula-guest-stage2
