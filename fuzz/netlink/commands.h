/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The commands of the netlink target (fuzz/netlink/fuzz.c): its input's
 * first byte, modulo C__N, picks one.  fuzz/mkseeds writes replies for
 * each.
 */
#ifndef SECMSG_FUZZ_NETLINK_H
#define SECMSG_FUZZ_NETLINK_H

enum {
	C_SESSION_GET, C_SESSION_DUMP, C_SESSION_NEW, C_SESSION_SET,
	C_SESSION_ROTATE, C_MSG, C_BATCH, C_STATS, C_CRYPT, C_IDENTITY_GET,
	C_USER_GET, C_USER_DUMP, C_HANDSHAKE, C_HANDSHAKE_CONFIRM, C_EVENT,
	C_X25519, C_HKDF, C__N
};

#endif
