#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# secmsg.js against the real secmsgd and secmsg.ko (in the VM, from
# selftests/run): web/test/interop/interop.test.js with SERVER=secmsgd.
# Every algorithm, rotation (asked for, with an algorithm change, and by
# message count), presence, who, delivery results and failures, the
# handshake refusals (unknown user, wrong passphrase, changed server key),
# secmsg-client on the other end, and the bye reasons replaced, shutdown,
# already_online, server_full, revoked and session_expired.
cd "$(dirname "$(readlink -f "$0")")/../.." || exit 1
if [[ ! -x daemon/secmsgd || ! -x tools/secmsg-client/secmsg-client ]]; then
	echo "1..0 # SKIP daemon/secmsgd or secmsg-client not built"
	exit 4
fi
SERVER=secmsgd exec web/test/interop/run
