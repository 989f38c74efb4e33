#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# TAP: no memory leak (kmemleak) after the whole kernel selftest suite.
# Debug kernel only (selftests/TESTS: debug-only; make check-debug), after
# selftests/unload.sh, so that secmsg.ko's teardown is covered too.  The
# guest init clears what boot left, so every object reported here was
# leaked while the suite ran.  Scans twice, 5 s apart: an object that was
# only in flight (an RCU callback, a work item) is not reported by the
# second scan.  Each leak is one failed test, with kmemleak's report
# (size, comm, backtrace) as comments; the reports are then cleared, so
# that the guest's last scan (after its final rmmod) shows only new ones.
set -u

KMEMLEAK=/sys/kernel/debug/kmemleak

echo "TAP version 13"
if [[ ! -w $KMEMLEAK ]]; then
	echo "1..0 # SKIP no kmemleak in this kernel (make check-debug)"
	exit 4
fi
if ! echo scan >"$KMEMLEAK"; then
	echo "Bail out! cannot start a kmemleak scan (kmemleak disabled itself?)"
	dmesg | grep -i kmemleak | tail -n 5 | sed 's/^/# /'
	exit 1
fi
sleep 5
echo scan >"$KMEMLEAK"
report=$(cat "$KMEMLEAK")
echo clear >"$KMEMLEAK"

n=0
failed=0
block=
flush() {
	[[ -n $block ]] || return 0
	n=$((n + 1))
	failed=1
	echo "not ok $n leak: ${block%%$'\n'*}"
	tail -n +2 <<<"$block" | sed 's/^/# /'
	block=
}
while IFS= read -r line; do
	if [[ $line == "unreferenced object"* ]]; then
		flush
		block=$line
	elif [[ -n $block ]]; then
		block+=$'\n'$line
	fi
done <<<"$report"
flush
if ((n == 0)); then
	n=1
	echo "ok 1 kmemleak: no leak after the suite"
fi
echo "1..$n"
exit "$failed"
