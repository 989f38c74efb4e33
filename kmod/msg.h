/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-message operations.  Each writes its output as one attribute of the
 * reply skb, reading its input from the request's attribute: SEAL and
 * OPEN go from one to the other out of place (separate source and
 * destination scatterlists, no copy of the input first); RESEAL copies
 * its input into the reply attribute and works there in place.  No
 * buffer is allocated per message, and a RESEAL's plaintext exists only
 * inside the attribute between the open and the seal that overwrites it.
 */
#ifndef _SECMSG_MSG_H
#define _SECMSG_MSG_H

#include <linux/netlink.h>
#include <linux/skbuff.h>

#include "aead.h"
#include "netns.h"

struct secmsg_msg_in {
	u8 op;			/* enum secmsg_msg_op */
	u64 id;
	u64 peer_id;		/* RESEAL */
	const u8 *data;
	unsigned int len;
	/*
	 * RESEAL followed by RESEAL_ALSO ops: the plaintext is copied here
	 * (SECMSG_MAX_PLAINTEXT bytes of room), even when the RESEAL's own
	 * destination fails.
	 */
	u8 *keep;
};

struct secmsg_msg_out {
	u32 epoch;
	u64 seq;
	u8 reason;		/* enum secmsg_fail, when the op failed */
	u8 kept_reason;		/* the reason when kept < 0 */
	/*
	 * With in->keep: bytes kept, or why the message did not open, or
	 * -ECANCELED when it was not opened (the op's own error says why).
	 */
	int kept;
};

/* Reply room an op needs for its output attribute. */
static inline unsigned int secmsg_msg_room(unsigned int in_len)
{
	return nla_total_size(in_len + SECMSG_MAX_OVERHEAD);
}

int secmsg_msg_do(struct secmsg_net *sn, struct secmsg_req *r,
		  const struct secmsg_msg_in *in, struct sk_buff *skb,
		  int attrtype, struct secmsg_msg_out *out,
		  struct netlink_ext_ack *extack);
/* RESEAL_ALSO: seal len kept bytes of plaintext to session peer_id. */
int secmsg_msg_also(struct secmsg_net *sn, struct secmsg_req *r, u64 peer_id,
		    const u8 *pt, unsigned int len, struct sk_buff *skb,
		    int attrtype, struct secmsg_msg_out *out);

#endif
