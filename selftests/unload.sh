#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# TAP: rmmod secmsg with live sessions in the init netns and in a second
# netns, no kernel warning, then insmod kmod/secmsg.ko again: it starts
# empty and works.  Runs last (selftests/TESTS), from the repo root.
set -u

MK=selftests/mksess
KO=${SECMSG_MODULE:-kmod/secmsg.ko}
NS=secmsg-unload-$$
TMP=$(mktemp)
n=0
failed=0
holder=

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
# check DESC CMD...: one test point from a command's status
check() {
	local desc=$1
	shift
	if "$@" >"$TMP" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc"
		sed 's/^/# /' "$TMP"
	fi
}
# expect_out DESC WANT CMD...: the command succeeds and prints WANT
expect_out() {
	local desc=$1 want=$2 got
	shift 2
	got=$("$@" 2>"$TMP")
	if [ $? -eq 0 ] && [ "$got" = "$want" ]; then
		ok "$desc"
	else
		not_ok "$desc"
		echo "# got '$got', want '$want'"
		sed 's/^/# /' "$TMP"
	fi
}
# in_ns CMD...: run in the second netns (ip netns, or a holder process)
in_ns() {
	if [ -n "$holder" ]; then
		nsenter --net=/proc/"$holder"/ns/net -- "$@"
	else
		ip netns exec "$NS" "$@"
	fi
}
cleanup() {
	ip netns del "$NS" 2>/dev/null
	[ -n "$holder" ] && kill "$holder" 2>/dev/null
	rm -f "$TMP"
}
trap cleanup EXIT

echo "TAP version 13"
echo "1..11"
if [ ! -d /sys/module/secmsg ]; then
	echo "Bail out! secmsg.ko is not loaded"
	exit 1
fi
if [ ! -x "$MK" ]; then
	echo "Bail out! $MK not built"
	exit 1
fi

if ! ip netns add "$NS" 2>"$TMP"; then
	echo "# ip netns add failed ($(cat "$TMP")), holding a netns with unshare"
	unshare --net sleep 600 &
	holder=$!
	sleep 0.5
fi
mark="secmsg-unload-$$-start"
echo "$mark" >/dev/kmsg

expect_out "5 sessions in the init netns" "created 5" $MK create 5
expect_out "7 sessions in the second netns" "created 7" in_ns $MK create 7
expect_out "the second netns counts only its own" 7 in_ns $MK count
check "rmmod secmsg with sessions in two namespaces" rmmod secmsg
if [ -d /sys/module/secmsg ]; then
	not_ok "module gone from /sys/module"
else
	ok "module gone from /sys/module"
fi
warn=$(dmesg | sed -n "/$mark/,\$p" |
	grep -E 'WARNING|BUG|Oops|general protection|refcount|leak|KASAN|UBSAN|blocked for more')
if [ -z "$warn" ]; then
	ok "no kernel warning after unload"
else
	not_ok "no kernel warning after unload"
	echo "$warn" | sed 's/^/# /'
fi
check "insmod $KO again" insmod "$KO"
expect_out "reloaded module: init netns starts empty" 0 $MK count
expect_out "reloaded module: second netns starts empty" 0 in_ns $MK count
expect_out "reloaded module creates sessions" "created 2" $MK create 2
check "and deletes them" $MK clear

echo "# $failed of $n failed"
[ "$failed" -eq 0 ]
