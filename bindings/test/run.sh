#!/usr/bin/env bash
# The C ABI, tested: libliveid.so (-buildmode=c-shared) and libliveid.a (c-archive) built from bindings/,
# liveid_test.c compiled against the hand-written liveid.h and linked with each; the shared build runs the
# whole test (the still photo, the rendered genuine user and print, 50 open/session/close cycles), the
# archive build the still photo and the error cases; the Go side then opens the evidence the C side wrote.
set -euo pipefail
cd "$(dirname "$0")/../.."
GO=${GO:-go} CC=${CC:-cc}
O=out/_c
rm -rf $O && mkdir -p $O/shared $O/archive
$GO build -buildmode=c-shared -o $O/shared/libliveid.so ./bindings
$GO build -buildmode=c-archive -o $O/archive/libliveid.a ./bindings
CFLAGS=(-Wall -Wextra -Werror -std=c11 -D_GNU_SOURCE -Ibindings)
$CC "${CFLAGS[@]}" -o $O/shared/liveid_test bindings/test/liveid_test.c -L$O/shared -lliveid -Wl,-rpath,'$ORIGIN'
$CC "${CFLAGS[@]}" -o $O/archive/liveid_test bindings/test/liveid_test.c $O/archive/libliveid.a -lpthread -ldl -lm
$GO run ./mobile/internal/fixture/gen make $O/fixture
$GO run ./mobile/internal/fixture/gen render $O/fixture
$GO build -o $O/gen ./mobile/internal/fixture/gen
for kind in shared archive; do
	cycles=0 sessions=still
	[ $kind = shared ] && cycles=50 sessions="still genuine print"
	echo "== $kind library"
	$O/$kind/liveid_test $O/fixture $O/$kind $cycles
	for name in $sessions; do
		$O/gen check $O/fixture $O/$kind/$name.bin "$(cat $O/$kind/$name.txt)" $([ $name = still ] || echo $name)
	done
done
