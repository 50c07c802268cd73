#!/usr/bin/env bash
# Builds a minimal container rootfs from Debian's statically linked busybox.
# Usage: make-busybox-rootfs.sh <dest-dir>
# Idempotent: running it again over the same directory converges to the same tree.
set -euo pipefail

if [[ $# -ne 1 || -z "$1" ]]; then
    echo "usage: $0 <dest-dir>" >&2
    exit 2
fi
dest=$1

busybox=/bin/busybox
if [[ ! -x $busybox ]]; then
    # busybox-static, not busybox: the dynamic one would need the host's libc inside the rootfs.
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null
fi

mkdir -p "$dest"
cd "$dest"

mkdir -p bin sbin usr/bin usr/sbin proc sys dev tmp etc root home run var
chmod 1777 tmp
chmod 0700 root
mkdir -p home/tester
chown 1000:1000 home/tester

# Replace rather than overwrite in place: an existing bin/busybox may be a running executable (ETXTBSY).
install -m 0755 "$busybox" bin/busybox.new
mv -f bin/busybox.new bin/busybox

# One absolute symlink per applet, e.g. usr/bin/env -> /bin/busybox.
while IFS= read -r applet; do
    [[ $applet == bin/busybox ]] && continue
    mkdir -p "$(dirname "$applet")"
    ln -sfn /bin/busybox "$applet"
done < <("$busybox" --list-full)

cat > etc/passwd <<'EOF'
root:x:0:0:root:/root:/bin/sh
tester:x:1000:1000:tester:/home/tester:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF

cat > etc/group <<'EOF'
root:x:0:
tty:x:5:
tester:x:1000:
extra:x:2000:tester
nogroup:x:65534:
EOF

chmod 0644 etc/passwd etc/group
