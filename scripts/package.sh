#!/usr/bin/env bash
# Builds jaula_<version>_amd64.deb from the published binary (run scripts/build.sh first): /usr/bin/jaula, the man
# pages (generated from the command-line definitions) and the bash and zsh completions.
# Usage: scripts/package.sh [output-dir]   (default: artifacts/)
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${JAULA_BINARY:-artifacts/publish/jaula}
out=${1:-artifacts}
[ -x "$binary" ] || { echo "package: $binary is missing; run scripts/build.sh first" >&2; exit 1; }

version=$("$binary" --version | sed -n 's/^jaula version //p')
stage=$(mktemp -d /tmp/jaula-deb.XXXXXX)
trap 'rm -rf "$stage"' EXIT
chmod 0755 "$stage" # the archive's root entry: installing must not change the mode of /

install -D -m 0755 "$binary" "$stage/usr/bin/jaula"
"$binary" generate man "$stage/usr/share/man/man8"
gzip -9n "$stage"/usr/share/man/man8/*.8
install -d "$stage/usr/share/bash-completion/completions" "$stage/usr/share/zsh/vendor-completions"
"$binary" generate completion bash > "$stage/usr/share/bash-completion/completions/jaula"
"$binary" generate completion zsh > "$stage/usr/share/zsh/vendor-completions/_jaula"
install -D -m 0644 LICENSE "$stage/usr/share/doc/jaula/copyright"

install -d "$stage/DEBIAN"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: jaula
Version: $version
Architecture: amd64
Maintainer: jaula developers <jaula@localhost>
Depends: libc6 (>= 2.31)
Section: admin
Priority: optional
Homepage: https://github.com/jaula/jaula
Description: OCI container runtime (runc-compatible)
 jaula runs OCI bundles as Linux containers with runc's command line, so
 podman, containerd and Docker can use it as their runtime. One
 self-contained NativeAOT binary.
CONTROL

mkdir -p "$out"
deb="$out/jaula_${version}_amd64.deb"
dpkg-deb --root-owner-group --build "$stage" "$deb" >/dev/null
echo "$deb"
