#!/usr/bin/env bash
# The Objective-C binding, compile-checked on Linux: gobind's generated .m/.h (in out/_bind, from
# `make bindings`) and MobileCheck.m, an iOS host's calls, compiled with clang as Xcode compiles them
# (-fobjc-arc -fmodules -fblocks -Werror) against GNUstep's Foundation headers, so that a signature gobind
# cannot express, or an API an app cannot call, fails here rather than in a user's Xcode. Nothing links:
# there is no iOS SDK or Apple Foundation on Linux, so this checks the code, not the framework.
#
# The shims (objc-shim/) make GNUstep look like Apple's Foundation where gobind's code notices: a clang
# module map for `@import Foundation`, Apple's nil and one NSString method GNUstep lacks, libobjc2's blocks
# header, and GCC's <objc/runtime.h> without its one inline function that ARC rejects (made here).
set -euo pipefail
cd "$(dirname "$0")/../.."
B=$PWD/out/_bind O=$PWD/out/_objc
[ -d $B/src/gobind ] || { echo "objccheck: $B is missing: run make bindings" >&2; exit 1; }
rm -rf $O && mkdir -p $O/shim/objc
cp -r mobile/hosttest/objc-shim/. $O/shim/
GCCOBJC=$(dirname "$(gcc -print-file-name=include/objc/runtime.h)")
sed -e 's|#include "objc.h"|#include <objc/objc.h>|; s|#include "objc-decls.h"|#include <objc/objc-decls.h>|' \
	-e '/^object_getClass (id object)$/,/^}$/c\object_getClass (id object);' "$GCCOBJC/runtime.h" > $O/shim/objc/runtime.h
FLAGS=(-x objective-c -fobjc-arc -fmodules -fblocks -Werror -D__GOBIND_DARWIN__
	-fobjc-runtime=gnustep-2.0 -fmodules-cache-path=$O/modules -Wno-unused-command-line-argument
	-I$O/shim -isystem /usr/include/GNUstep -isystem "$(dirname "$GCCOBJC")" -include $O/shim/apple.h)
# The .m files include cgo's _cgo_export.h: cgo writes it from the darwin build of the generated Go.
(cd $B/src/gobind && GOOS=darwin GOARCH=arm64 CC=clang ${GO:-go} tool cgo -objdir $O/cgo \
	-exportheader $O/_cgo_export.h -- "${FLAGS[@]}" \
	go_main.go go_mobilemain.go seq.go seq_darwin.go)
n=0
for m in $B/src/gobind/*.m mobile/hosttest/MobileCheck.m; do
	clang "${FLAGS[@]}" -I$B/src/gobind -I$O -c -o $O/$(basename "$m" .m).o "$m"
	n=$((n + 1))
done
echo "objccheck: $n Objective-C files compile with -fobjc-arc -fmodules -fblocks -Werror (not linked: no iOS SDK here)"
