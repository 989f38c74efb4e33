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
