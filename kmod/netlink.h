/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink family: its ops, policies and handler prototypes
 * are generated from uapi/secmsg.yaml (netlink-gen.h); here the helpers
 * the handlers share.
 */
#ifndef _SECMSG_NETLINK_H
#define _SECMSG_NETLINK_H

#include <net/genetlink.h>

#include "netlink-gen.h"
#include "session.h"

int secmsg_nl_init(void);
void secmsg_nl_exit(void);

/*
 * Shared by the session and handshake commands: the reply is allocated
 * before the command changes anything (a failed allocation must leave
 * nothing done), then filled with the session and sent (msg is consumed).
 */
struct sk_buff *secmsg_nl_session_msg(void);
int secmsg_nl_reply_session(struct genl_info *info, struct sk_buff *msg,
			    struct secmsg_session *s);
/* The same into msg (consumed), and SECMSG_A_HANDSHAKE hs (LINK_FINISH). */
int secmsg_nl_reply_session_hs(struct genl_info *info, struct sk_buff *msg,
			       struct secmsg_session *s, const u8 *hs,
			       unsigned int hs_len);
/*
 * The reply of HANDSHAKE and LINK_INIT into msg (allocated before the
 * session was made; consumed): the pending session s (id, user id, alg)
 * and the handshake message hs for the peer.  On failure s is deleted:
 * nobody can answer a message nobody got.
 */
int secmsg_nl_reply_pending(struct genl_info *info, struct sk_buff *msg,
			    struct secmsg_session *s, u32 alg, const u8 *hs,
			    unsigned int len);
/*
 * The session of a command that takes SECMSG_A_SESSION_ID and
 * SECMSG_A_HANDSHAKE (HANDSHAKE_CONFIRM, LINK_FINISH), referenced; or NULL,
 * *err and an extack.
 */
struct secmsg_session *secmsg_nl_session_hs(struct genl_info *info, int *err);
/* A link responder's policy has no rotation limits: EINVAL and extack. */
int secmsg_nl_follower_policy(struct genl_info *info,
			      const struct secmsg_policy_k *p, u32 set);
/* A valid SECMSG_A_USER_ID, or NULL and an extack. */
const char *secmsg_nl_user_id(struct genl_info *info);
int secmsg_nl_parse_policy(struct genl_info *info, struct secmsg_policy_k *p,
			   u32 *set);

/*
 * A required attribute: true when it is missing.  The extack then carries
 * its type (NLMSGERR_ATTR_MISS_TYPE, from GENL_REQ_ATTR_CHECK) and a
 * message naming it.
 */
#define SECMSG_REQ_ATTR_MISSING(info, attr) ({				\
	bool __miss = GENL_REQ_ATTR_CHECK(info, attr);			\
									\
	if (__miss)							\
		GENL_SET_ERR_MSG(info, "missing " #attr);		\
	__miss;								\
})

/*
 * The same for attribute attr of the nest whose parsed attributes are tb:
 * NLMSGERR_ATTR_MISS_NEST points at the nest.
 */
#define SECMSG_NEST_ATTR_MISSING(extack, nest, tb, attr) ({		\
	bool __miss = NL_REQ_ATTR_CHECK(extack, nest, tb, attr);	\
									\
	if (__miss)							\
		NL_SET_ERR_MSG_ATTR(extack, nest, "missing " #attr);	\
	__miss;								\
})

static inline struct secmsg_net *secmsg_info_net(struct genl_info *info)
{
	return secmsg_net(genl_info_net(info));
}

/* Look up SECMSG_A_SESSION_ID; extack and NULL when absent or unknown. */
struct secmsg_session *secmsg_nl_session(struct genl_info *info);

#endif
