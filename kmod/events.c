// SPDX-License-Identifier: GPL-2.0
/* SECMSG_CMD_SESSION_NTF on the events group. */
#include <net/genetlink.h>

#include "events.h"
#include "secmsg.h"
#include "session.h"

void secmsg_event(struct secmsg_session *s, u8 event, u8 reason)
{
	struct net *net = s->sn->net;
	struct sk_buff *skb;
	u32 alg, epoch;
	void *hdr;

	if (!genl_has_listeners(&secmsg_family, net, 0))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &secmsg_family, 0,
			  SECMSG_CMD_SESSION_NTF);
	if (!hdr)
		goto err;
	secmsg_session_alg(s, &alg, &epoch);
	if (nla_put_u8(skb, SECMSG_A_EVENT, event) ||
	    nla_put_u64_64bit(skb, SECMSG_A_SESSION_ID, s->id, SECMSG_A_PAD) ||
	    nla_put_string(skb, SECMSG_A_USER_ID, s->user_id) ||
	    nla_put_u32(skb, SECMSG_A_ALG, alg) ||
	    nla_put_u32(skb, SECMSG_A_EPOCH, epoch) ||
	    nla_put_u32(skb, SECMSG_A_FLAGS, s->flags) ||
	    (reason && nla_put_u8(skb, SECMSG_A_REASON, reason)))
		goto err;
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&secmsg_family, net, skb, 0, 0, GFP_KERNEL);
	return;
err:
	nlmsg_free(skb);
}
