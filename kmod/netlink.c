// SPDX-License-Identifier: GPL-2.0
/*
 * The "secmsg" generic netlink family.  Its ops table and per-command
 * policies are generated from uapi/secmsg.yaml (netlink-gen.c): each
 * command accepts only its own attributes.
 */
#include <net/genetlink.h>

#include "netlink.h"
#include "secmsg.h"

/* Joining the events group needs CAP_NET_ADMIN, as the commands do. */
static const struct genl_multicast_group secmsg_mcgrps[] = {
	[SECMSG_NLGRP_EVENTS] = {
		.name = SECMSG_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

struct genl_family secmsg_family __ro_after_init = {
	.name = SECMSG_GENL_NAME,
	.version = SECMSG_GENL_VERSION,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = secmsg_nl_ops,
	.n_ops = ARRAY_SIZE(secmsg_nl_ops),
	.mcgrps = secmsg_mcgrps,
	.n_mcgrps = ARRAY_SIZE(secmsg_mcgrps),
};

struct secmsg_session *secmsg_nl_session(struct genl_info *info)
{
	struct secmsg_session *s;

	if (SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_SESSION_ID))
		return NULL;
	s = secmsg_session_lookup(secmsg_info_net(info),
				  nla_get_u64(info->attrs[SECMSG_A_SESSION_ID]));
	if (!s)
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[SECMSG_A_SESSION_ID],
				    "no such session");
	return s;
}

int secmsg_nl_init(void)
{
	return genl_register_family(&secmsg_family);
}

void secmsg_nl_exit(void)
{
	genl_unregister_family(&secmsg_family);
}
