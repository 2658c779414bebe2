#!/usr/bin/env bash
# The Java binding, tested for real on the host JVM: gobind's generated Go and JNI glue (in out/_bind, from
# `make bindings`) built as a linux/amd64 libgojni.so, the generated Java compiled with the JDK, and
# MobileTest run against them on the fixture sessions (a still photo; a rendered genuine user and printed
# photo, which must decide as package mobile does in Go on the same frames). The Android-only pieces are stood in for: the *_android
# files renamed to host files and compiled with -D__GOBIND_ANDROID__, a stub <android/log.h>, an empty
# liblog.so, and a one-line android.content.Context. OpenJDK's jni.h types AttachCurrentThread's env as void**
# where the NDK's has JNIEnv**: that one warning is silenced.
set -euo pipefail
cd "$(dirname "$0")/../.."
GO=${GO:-go}
B=out/_bind J=out/_jni
[ -d $B/java ] || { echo "jvmtest: $B is missing: run make bindings" >&2; exit 1; }
JDK=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
rm -rf $J && mkdir -p $J/gobind $J/include/android $J/lib $J/classes
cp $B/src/gobind/* $J/gobind/ && rm $J/gobind/*_darwin.* $J/gobind/*.objc.h
for f in $J/gobind/*_android.go $J/gobind/*_android.c; do mv "$f" "${f/_android./_jni.}"; done
cp mobile/hosttest/log.h $J/include/android/log.h
cc -shared -o $J/lib/liblog.so -x c /dev/null
CGO_CFLAGS="-D__GOBIND_ANDROID__ -Wno-incompatible-pointer-types -I$JDK/include -I$JDK/include/linux -I$PWD/$J/include" \
CGO_LDFLAGS="-L$PWD/$J/lib -Wl,-rpath,\$ORIGIN" \
	$GO build -buildmode=c-shared -o $J/lib/libgojni.so ./$J/gobind
javac -nowarn -d $J/classes $(find $B/java -name '*.java') mobile/hosttest/android/content/Context.java mobile/hosttest/MobileTest.java
$GO run ./mobile/internal/fixture/gen make $J/fixture
$GO run ./mobile/internal/fixture/gen render $J/fixture
java -Djava.library.path=$J/lib -cp $J/classes MobileTest $J/fixture $J
$GO build -o $J/gen ./mobile/internal/fixture/gen
$J/gen check $J/fixture $J/still.bin "$(cat $J/still.txt)"
for name in genuine print; do
	$J/gen check $J/fixture $J/$name.bin "$(cat $J/$name.txt)" $name
done
