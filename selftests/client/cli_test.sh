#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# secmsg-client against the real secmsgd and secmsg.ko (in the VM, from
# selftests/run): the scripted end-to-end test of the host
# (tools/secmsg-client/tests/test_cli.sh) with SERVER=secmsgd: keygen,
# users loaded into the kernel, two instances exchanging messages
# through pipes, rotation, and the exit statuses for unknown user, wrong
# passphrase, wrong pinned server key, offline and unknown recipients.
cd "$(dirname "$(readlink -f "$0")")/../.." || exit 1
if [[ ! -x daemon/secmsgd || ! -x tools/secmsg-client/secmsg-client ]]; then
	echo "1..0 # SKIP daemon/secmsgd or secmsg-client not built"
	exit 4
fi
SERVER=secmsgd exec tools/secmsg-client/tests/test_cli.sh
