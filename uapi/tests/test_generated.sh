#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# The generated netlink files are what uapi/secmsg.yaml generates: TAP,
# one point per file (uapi/ynl-gen --check); a file that differs fails
# with its diff (make netlink-gen regenerates).  Built by uapi/build.mk,
# which fills in where make extracted the kernel's generator.
top=$(cd "$(dirname "$0")/../.." && pwd)
exec "$top/uapi/ynl-gen" --check --ynl "${YNL_DIR:-$top/@YNL_DIR@}"
