# SPDX-License-Identifier: GPL-2.0
# placeholder, filled in by the libsecmsg work
