// SPDX-License-Identifier: GPL-2.0
/*
 * Link commands: the initiator's side of the handshake between two
 * nodes' kernels (LINK_INIT, LINK_FINISH).  The peer answers with
 * HANDSHAKE and HANDSHAKE_CONFIRM with SECMSG_SESSION_F_LINK.
 */
#include <net/genetlink.h>

#include "initiator.h"
#include "netlink.h"
#include "secmsg.h"

int secmsg_nl_link_init_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct secmsg_session_params p = {};
	struct secmsg_link_start *res;
	struct sk_buff *msg;
	const char *peer;
	int err;

	peer = secmsg_nl_user_id(info);
	if (!peer || SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_ALG))
		return -EINVAL;
	p.alg = nla_get_u32(info->attrs[SECMSG_A_ALG]);
	err = secmsg_nl_parse_policy(info, &p.pol, &p.pol_set);
	if (err)
		return err;
	if (info->attrs[SECMSG_A_FLAGS])
		p.flags = nla_get_u32(info->attrs[SECMSG_A_FLAGS]);
	/* link and initiator: the kernel sets them (initiator.c) */
	p.owner_portid = info->snd_portid;

	/* allocated first: a failed allocation must leave nothing done */
	res = kzalloc(sizeof(*res), GFP_KERNEL);
	msg = secmsg_nl_session_msg();
	err = -ENOMEM;
	if (!res || !msg)
		goto out;
	err = secmsg_initiator_start(secmsg_info_net(info), peer, &p, res,
				     info->extack);
	if (err)
		goto out;
	err = secmsg_nl_reply_pending(info, msg, res->session, p.alg,
				      res->msg1, res->len);
	msg = NULL;
	secmsg_session_put(res->session);
out:
	nlmsg_free(msg);
	kfree(res);		/* message 1 only: nothing secret */
	return err;
}

int secmsg_nl_link_finish_doit(struct sk_buff *skb, struct genl_info *info)
{
	u8 msg3[SECMSG_HS_CONFIRM_LEN];
	struct secmsg_session *s;
	struct sk_buff *msg;
	int err;

	s = secmsg_nl_session_hs(info, &err);
	if (!s)
		return err;
	/* the reply first: the handshake is finished once */
	err = -ENOMEM;
	msg = secmsg_nl_session_msg();
	if (!msg)
		goto out;
	err = secmsg_initiator_finish(s,
				      nla_data(info->attrs[SECMSG_A_HANDSHAKE]),
				      nla_len(info->attrs[SECMSG_A_HANDSHAKE]),
				      msg3, info->extack);
	if (err) {
		nlmsg_free(msg);
		goto out;
	}
	err = secmsg_nl_reply_session_hs(info, msg, s, msg3, sizeof(msg3));
	if (err)
		secmsg_session_delete(s, SECMSG_REASON_HANDSHAKE);
out:
	secmsg_session_put(s);
	return err;
}
