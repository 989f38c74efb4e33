/* SPDX-License-Identifier: GPL-2.0 */
/* The server side of the secmsg handshake (docs/protocol.md, section 3). */
#ifndef _SECMSG_HANDSHAKE_H
#define _SECMSG_HANDSHAKE_H

#include <linux/netlink.h>

#include "session.h"

struct secmsg_hs_result {
	struct secmsg_session *session;		/* pending, referenced */
	u8 msg2[SECMSG_HS_RESPONSE_LEN];
};

/*
 * Answer message 1: authenticate the client, create a pending session
 * with policy p (user_id and alg are taken from the message) and build
 * message 2.
 */
int secmsg_handshake(struct secmsg_net *sn, const u8 *msg1, unsigned int len,
		     struct secmsg_session_params *p,
		     struct secmsg_hs_result *res,
		     struct netlink_ext_ack *extack);

/*
 * The pending session of a handshake, either side: p without secrets (the
 * handshake derives them), and an extack for the limits (max_pending,
 * max_sessions).
 */
struct secmsg_session *secmsg_handshake_session(struct secmsg_net *sn,
						struct secmsg_session_params *p,
						struct netlink_ext_ack *extack);

/* Check message 3 against the pending session s; activate it. */
int secmsg_handshake_confirm(struct secmsg_session *s, const u8 *msg3,
			     unsigned int len, struct netlink_ext_ack *extack);

#endif
