#!/usr/bin/env bash
# The "already linked" runtime path (mobile.LinkedRuntime, what iOS uses: ONNX Runtime linked into the app
# rather than loaded from a file), tested on Linux: the fixture tool built with ONNX Runtime linked in at
# link time (DT_NEEDED) runs the fixture session with LIVEID_ORT_LIB=@linked, which must find
# OrtGetApiBase in the process and match the ordinary run; the tool built without it must refuse.
# On iOS the image holding OrtGetApiBase is the app's executable itself (ORT is a static library there);
# that dlopen of the main executable cannot be exercised on Linux, where glibc refuses to dlopen a PIE.
set -euo pipefail
cd "$(dirname "$0")/../.."
GO=${GO:-go}
O=out/_linked
mkdir -p $O
lib=$(LIVEID_ORT_LIB= $GO run ./mobile/internal/fixture/gen make $O/fixture && sed -n 2p $O/fixture/paths.txt)
CGO_LDFLAGS="-L$(dirname "$lib") -Wl,--no-as-needed -l:$(basename "$lib") -Wl,-rpath,$(dirname "$lib")" \
	$GO build -o $O/gen-linked ./mobile/internal/fixture/gen
readelf -d $O/gen-linked | grep -q "NEEDED.*libonnxruntime" || { echo "linked.sh: ONNX Runtime is not linked in" >&2; exit 1; }
$GO build -o $O/gen ./mobile/internal/fixture/gen
$O/gen run $O/fixture $O/loaded 12 1
LIVEID_ORT_LIB=@linked $O/gen-linked run $O/fixture $O/linked 12 1
$O/gen compare $O/fixture $O/loaded/package.bin $O/linked/package.bin
if out=$(LIVEID_ORT_LIB=@linked $O/gen run $O/fixture $O/none 12 1 2>&1); then
	echo "linked.sh: a process without ONNX Runtime linked in started it: $out" >&2
	exit 1
fi
grep -q "not linked into it" <<<"$out" || { echo "linked.sh: unexpected failure: $out" >&2; exit 1; }
echo "linked.sh: without ONNX Runtime linked in: $out"
