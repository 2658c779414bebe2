#!/usr/bin/env bash
# What an app pays per ABI: the Go library (libliveid.so, the C ABI; gomobile's libgojni.so holds the same
# Go code and gobind's glue) stripped, ONNX Runtime's library, and the engine's models.
set -euo pipefail
cd "$(dirname "$0")/../.."
GO=${GO:-go}
O=out/_sizes
mkdir -p $O
home=${LIVEID_HOME:-.cache}
mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f MB", b / 1048576 }'; }
for abi in amd64 arm64 armv7; do
	case $abi in
	amd64) env=(GOARCH=amd64) cc=gcc ;;
	arm64) env=(GOARCH=arm64) cc=aarch64-linux-gnu-gcc ;;
	armv7) env=(GOARCH=arm GOARM=7) cc=arm-linux-gnueabihf-gcc ;;
	esac
	env "${env[@]}" CGO_ENABLED=1 CC=$cc $GO build -trimpath -ldflags="-s -w" -buildmode=c-shared \
		-o $O/$abi/libliveid.so ./bindings
	echo "linux/$abi Go library (stripped): $(mb $O/$abi/libliveid.so)"
done
for lib in "$home"/pkg/onnxruntime-node@*/bin/napi-v6/linux/*/libonnxruntime.so.1; do
	echo "ONNX Runtime $(basename "$(dirname "$lib")") (onnxruntime-node): $(mb "$lib")"
done
total=0
for m in blazeface facemesh iris antispoof liveness faceres; do
	total=$((total + $(stat -c %s "$home/models/$m.onnx")))
done
awk -v b=$total 'BEGIN { printf "the engine'"'"'s models (blazeface facemesh iris antispoof liveness faceres, fp32): %.1f MB\n", b / 1048576 }'
