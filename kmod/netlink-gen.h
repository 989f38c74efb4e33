/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/* Do not edit directly, auto-generated from: */
/*	uapi/secmsg.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_SECMSG_GEN_H
#define _LINUX_SECMSG_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/secmsg.h>

/* Common nested types */
extern const struct nla_policy secmsg_dest_nl_policy[SECMSG_DEST_A_SESSION_ID + 1];
extern const struct nla_policy secmsg_op_nl_policy[SECMSG_OP_A_DEST + 1];
extern const struct nla_policy secmsg_policy_nl_policy[SECMSG_POLICY_A_REKEY_GRACE + 1];

extern const struct nla_policy secmsg_crypt_nl_policy[SECMSG_A_LENGTH + 1];

extern const struct nla_policy secmsg_session_new_nl_policy[SECMSG_A_FLAGS + 1];

extern const struct nla_policy secmsg_session_get_nl_policy[SECMSG_A_SESSION_ID + 1];

extern const struct nla_policy secmsg_session_del_nl_policy[SECMSG_A_SESSION_ID + 1];

extern const struct nla_policy secmsg_session_set_nl_policy[SECMSG_A_POLICY + 1];

extern const struct nla_policy secmsg_session_rotate_nl_policy[SECMSG_A_SESSION_ID + 1];

extern const struct nla_policy secmsg_msg_nl_policy[SECMSG_A_PEER_SESSION_ID + 1];

extern const struct nla_policy secmsg_msg_batch_nl_policy[SECMSG_A_OP + 1];

extern const struct nla_policy secmsg_stats_get_nl_policy[SECMSG_A_PAD + 1];

extern const struct nla_policy secmsg_identity_set_nl_policy[SECMSG_A_SLOT + 1];

extern const struct nla_policy secmsg_identity_generate_nl_policy[SECMSG_A_SLOT + 1];

extern const struct nla_policy secmsg_identity_get_nl_policy[SECMSG_A_SLOT + 1];

extern const struct nla_policy secmsg_user_add_nl_policy[SECMSG_A_SLOT + 1];

extern const struct nla_policy secmsg_user_del_nl_policy[SECMSG_A_SLOT + 1];

extern const struct nla_policy secmsg_user_get_nl_policy[SECMSG_A_SLOT + 1];

extern const struct nla_policy secmsg_handshake_nl_policy[SECMSG_A_HANDSHAKE + 1];

extern const struct nla_policy secmsg_handshake_confirm_nl_policy[SECMSG_A_HANDSHAKE + 1];

extern const struct nla_policy secmsg_link_init_nl_policy[SECMSG_A_FLAGS + 1];

extern const struct nla_policy secmsg_link_finish_nl_policy[SECMSG_A_HANDSHAKE + 1];

/* Ops table for secmsg */
extern const struct genl_ops secmsg_nl_ops[19];

int secmsg_nl_crypt_doit(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_session_new_doit(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_session_get_doit(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_session_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb);
int secmsg_nl_session_del_doit(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_session_set_doit(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_session_rotate_doit(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_msg_doit(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_msg_batch_doit(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_identity_set_doit(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_identity_generate_doit(struct sk_buff *skb,
				     struct genl_info *info);
int secmsg_nl_identity_get_doit(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_user_add_doit(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_user_del_doit(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_user_get_doit(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_user_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int secmsg_nl_handshake_doit(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_handshake_confirm_doit(struct sk_buff *skb,
				     struct genl_info *info);
int secmsg_nl_link_init_doit(struct sk_buff *skb, struct genl_info *info);
int secmsg_nl_link_finish_doit(struct sk_buff *skb, struct genl_info *info);

enum {
	SECMSG_NLGRP_EVENTS,
};

#endif /* _LINUX_SECMSG_GEN_H */
