/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The initiator side of the handshake (docs/protocol.md section 3), for
 * links between nodes: this node's kernel writes message 1 to a peer
 * node's kernel, checks the peer's message 2 and answers with message 3.
 */
#ifndef _SECMSG_INITIATOR_H
#define _SECMSG_INITIATOR_H

#include <linux/netlink.h>

#include "session.h"

struct secmsg_link_start {
	struct secmsg_session *session;		/* pending, referenced */
	unsigned int len;			/* of msg1 */
	u8 msg1[SECMSG_HS_INIT_MAX];
};

/*
 * LINK_INIT: message 1 to the node peer (in the node registry), from the
 * node identity and under its name, and a pending link initiator session
 * for it with p's algorithm, policy, flags and owner.
 */
int secmsg_initiator_start(struct secmsg_net *sn, const char *peer,
			   struct secmsg_session_params *p,
			   struct secmsg_link_start *res,
			   struct netlink_ext_ack *extack);

/*
 * LINK_FINISH: check message 2 for the pending link initiator s, make s
 * active and write message 3 (SECMSG_HS_CONFIRM_LEN bytes).  A handshake
 * is finished once: on failure s is deleted (unless it was no pending
 * link initiator to begin with).
 */
int secmsg_initiator_finish(struct secmsg_session *s, const u8 *msg2,
			    unsigned int len, u8 *msg3,
			    struct netlink_ext_ack *extack);

#endif
