/* SPDX-License-Identifier: GPL-2.0 */
/* The generic netlink family: handlers and the helpers they share. */
#ifndef _SECMSG_NETLINK_H
#define _SECMSG_NETLINK_H

#include <net/genetlink.h>

#include "session.h"

int secmsg_nl_init(void);
void secmsg_nl_exit(void);

/* handlers, by file */
int secmsg_nl_crypt(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_session_new(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_session_get(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_session_dump(struct sk_buff *skb, struct netlink_callback *cb);
int secmsg_nl_session_del(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_session_set(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_session_rotate(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_stats_get(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_msg(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_msg_batch(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_identity_set(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_identity_generate(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_identity_get(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_user_add(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_user_del(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_user_get(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_user_dump(struct sk_buff *skb, struct netlink_callback *cb);
int secmsg_nl_handshake(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_handshake_confirm(struct sk_buff *skb, struct genl_info *info);

/*
 * Shared by the session and handshake commands: the reply is allocated
 * before the command changes anything (a failed allocation must leave
 * nothing done), then filled with the session and sent (msg is consumed).
 */
struct sk_buff *secmsg_nl_session_msg(void);
int secmsg_nl_reply_session(struct genl_info *info, struct sk_buff *msg,
			    struct secmsg_session *s);
int secmsg_nl_parse_policy(struct genl_info *info, struct secmsg_policy_k *p,
			   u32 *set);

extern const struct nla_policy secmsg_op_nl_policy[SECMSG_OP_A_MAX + 1];

/* The attribute is present, or an extack names the missing one. */
#define SECMSG_REQUIRE(info, attr)					\
	({								\
		bool __ok = (info)->attrs[attr];			\
		if (!__ok)						\
			GENL_SET_ERR_MSG(info, "missing " #attr);	\
		__ok;							\
	})

static inline struct secmsg_net *secmsg_info_net(struct genl_info *info)
{
	return secmsg_net(genl_info_net(info));
}

/* Look up SECMSG_A_SESSION_ID; extack and NULL when absent or unknown. */
struct secmsg_session *secmsg_nl_session(struct genl_info *info);

#endif
