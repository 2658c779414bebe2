#!/usr/bin/env bash
# The armv7 sysroot the ARM test runs in: Debian sid's armhf libonnxruntime1.23 (ONNX Runtime 1.23.2; the
# onnxruntime-node package has no 32-bit ARM build) and its dependency closure, libc and libstdc++
# included. A private APT configuration (its own Dir::Etc, state and cache under out/, armhf only) fetches
# them; the system's APT sources are never touched. APT checks each package against the signed release
# (Debian's archive keyring); sid's Release has no Valid-Until worth enforcing for a test sysroot. The
# packages are unpacked with dpkg -x; nothing is installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD/out/_arm/armhf-root apt=$PWD/out/_arm/apt
[ -e "$root/.complete" ] && exit 0
rm -rf "$root" "$apt"
mkdir -p "$apt"/etc/apt/{sources.list.d,preferences.d,trusted.gpg.d} "$apt"/state/lists/partial "$apt"/cache/archives/partial
echo "deb [arch=armhf signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main" \
	> "$apt/etc/apt/sources.list"
: > "$apt/state/status"
opts=(-o Dir::Etc="$apt/etc/apt" -o Dir::State="$apt/state" -o Dir::State::status="$apt/state/status"
	-o Dir::Cache="$apt/cache" -o APT::Architecture=armhf -o APT::Architectures=armhf
	-o Acquire::Check-Valid-Until=false -o Acquire::Languages=none -o Debug::NoLocking=1)
apt-get "${opts[@]}" -q update
apt-get "${opts[@]}" -q install --download-only -y --no-install-recommends libonnxruntime1.23
mkdir -p "$root"
for deb in "$apt"/cache/archives/*.deb; do
	dpkg -x "$deb" "$root"
done
ln -sfn usr/lib "$root/lib" # the merged /usr that Debian's base-files would make
touch "$root/.complete"
echo "armhf-root.sh: $(ls "$apt"/cache/archives/*.deb | wc -l) packages, $(du -sh "$apt/cache/archives" | cut -f1) into $root"
