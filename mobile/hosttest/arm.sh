#!/usr/bin/env bash
# The engine as ARM code under qemu-user: arm.sh arm64|armv7 FRAMES. The fixture session (a still photo,
# FRAMES frames, the liveness check starting at the first good one) is pushed through package mobile
# by an amd64 build and by an ARM build of mobile/internal/fixture/gen, each with its architecture's
# ONNX Runtime; the two packages must reach the same decision and agree frame by frame (gen compare
# states the tolerances).
#
# ONNX Runtime reads /proc/cpuinfo to pick its kernels, and under qemu-user that is the host's x86 file:
# the arm64 library then crashes in dlopen. A private mount namespace (unshare -m) binds an ARM cpuinfo
# over it for the ARM process only.
#
# arm64 runs onnxruntime-node's linux-arm64 library from the model cache; armv7 runs Debian's armhf
# ONNX Runtime 1.23 from the sysroot armhf-root.sh makes (C API 23, which is why onnxruntime_go is pinned
# at v1.25.0: v1.27 asks for API 24).
set -euo pipefail
cd "$(dirname "$0")/../.."
GO=${GO:-go}
arch=$1 n=$2
case $arch in
arm64) goarch=(GOARCH=arm64) cc=aarch64-linux-gnu-gcc qemu=qemu-aarch64-static sysroot=/usr/aarch64-linux-gnu ortlib= ;;
armv7)
	goarch=(GOARCH=arm GOARM=7) cc=arm-linux-gnueabihf-gcc qemu=qemu-arm-static sysroot=$PWD/out/_arm/armhf-root
	ortlib=$sysroot/usr/lib/arm-linux-gnueabihf/libonnxruntime.so.1.23
	mobile/hosttest/armhf-root.sh ;;
*) echo "arm.sh: arm64 or armv7" >&2; exit 2 ;;
esac
O=out/_arm
mkdir -p $O/$arch
env "${goarch[@]}" CGO_ENABLED=1 CC=$cc $GO build -o $O/$arch/gen ./mobile/internal/fixture/gen
$GO run ./mobile/internal/fixture/gen make $O/fixture
$GO run ./mobile/internal/fixture/gen run $O/fixture $O/amd64 "$n" 1
ns=(unshare -m)
[ "$(id -u)" = 0 ] || ns=(unshare -rm)
start=$SECONDS
"${ns[@]}" sh -c "mount --bind '$PWD/mobile/hosttest/arm/cpuinfo-$arch' /proc/cpuinfo &&
	LIVEID_ORT_LIB='$ortlib' exec $qemu -L '$sysroot' '$O/$arch/gen' run '$O/fixture' '$O/$arch' '$n' 1"
echo "arm.sh: $arch under qemu took $((SECONDS - start)) s"
$GO run ./mobile/internal/fixture/gen compare $O/fixture $O/amd64/package.bin $O/$arch/package.bin
