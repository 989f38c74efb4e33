// SPDX-License-Identifier: GPL-2.0
/* The "secmsg" generic netlink family: policies and operations. */
#include <net/genetlink.h>

#include "netlink.h"
#include "secmsg.h"

static const struct nla_policy policy_nl_policy[SECMSG_POLICY_A_MAX + 1] = {
	[SECMSG_POLICY_A_ROTATE_INTERVAL] = { .type = NLA_U32 },
	[SECMSG_POLICY_A_MAX_MESSAGES] = { .type = NLA_U64 },
	[SECMSG_POLICY_A_TIMEOUT] = { .type = NLA_U32 },
	[SECMSG_POLICY_A_IDLE_TIMEOUT] = { .type = NLA_U32 },
	[SECMSG_POLICY_A_REKEY_GRACE] =
		NLA_POLICY_MAX(NLA_U32, SECMSG_REKEY_GRACE_MAX),
};

const struct nla_policy secmsg_op_nl_policy[SECMSG_OP_A_MAX + 1] = {
	[SECMSG_OP_A_MSG_OP] =
		NLA_POLICY_RANGE(NLA_U8, SECMSG_MSG_SEAL,
				 SECMSG_MSG_RESEAL_ALSO),
	[SECMSG_OP_A_SESSION_ID] = { .type = NLA_U64 },
	[SECMSG_OP_A_PEER_SESSION_ID] = { .type = NLA_U64 },
	[SECMSG_OP_A_DATA] = { .type = NLA_BINARY },
	[SECMSG_OP_A_COOKIE] = { .type = NLA_U64 },
};

/*
 * Reply-only attributes have no entry (NLA_UNSPEC): strict validation
 * rejects them in requests.
 */
static const struct nla_policy secmsg_nl_policy[SECMSG_A_MAX + 1] = {
	[SECMSG_A_SESSION_ID] = { .type = NLA_U64 },
	[SECMSG_A_USER_ID] = { .type = NLA_NUL_STRING,
			       .len = SECMSG_USER_ID_MAX },
	[SECMSG_A_ALG] = NLA_POLICY_RANGE(NLA_U32, SECMSG_ALG_AES_256_GCM,
					  SECMSG_ALG_MAX),
	[SECMSG_A_KEY] = NLA_POLICY_EXACT_LEN(SECMSG_KEY_LEN),
	[SECMSG_A_SECRET_C2S] = NLA_POLICY_EXACT_LEN(SECMSG_KEY_LEN),
	[SECMSG_A_SECRET_S2C] = NLA_POLICY_EXACT_LEN(SECMSG_KEY_LEN),
	[SECMSG_A_NONCE] = { .type = NLA_BINARY, .len = SECMSG_CBC_IV_LEN },
	[SECMSG_A_AAD] = { .type = NLA_BINARY, .len = SECMSG_MAX_AAD },
	[SECMSG_A_DATA] = { .type = NLA_BINARY },
	[SECMSG_A_CRYPT_OP] = NLA_POLICY_RANGE(NLA_U8, SECMSG_CRYPT_ENCRYPT,
					       SECMSG_CRYPT_HKDF),
	[SECMSG_A_POLICY] = NLA_POLICY_NESTED(policy_nl_policy),
	[SECMSG_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, SECMSG_SESSION_F_ALL),
	[SECMSG_A_MSG_OP] = NLA_POLICY_RANGE(NLA_U8, SECMSG_MSG_SEAL,
					     SECMSG_MSG_RESEAL),
	[SECMSG_A_PEER_SESSION_ID] = { .type = NLA_U64 },
	[SECMSG_A_OP] = NLA_POLICY_NESTED(secmsg_op_nl_policy),
	[SECMSG_A_PUBLIC_KEY] = NLA_POLICY_EXACT_LEN(SECMSG_X25519_LEN),
	[SECMSG_A_PRIVATE_KEY] = NLA_POLICY_EXACT_LEN(SECMSG_X25519_LEN),
	[SECMSG_A_HANDSHAKE] = { .type = NLA_BINARY, .len = 256 },
	[SECMSG_A_SALT] = { .type = NLA_BINARY, .len = 1024 },
	[SECMSG_A_INFO] = { .type = NLA_BINARY, .len = 1024 },
	[SECMSG_A_LENGTH] = NLA_POLICY_RANGE(NLA_U32, 1, SECMSG_HKDF_MAX_LEN),
};

#define OP(_cmd, _doit) {						\
	.cmd = _cmd, .doit = _doit, .flags = GENL_UNS_ADMIN_PERM,	\
}

static const struct genl_small_ops secmsg_ops[] = {
	OP(SECMSG_CMD_CRYPT, secmsg_nl_crypt),
	OP(SECMSG_CMD_SESSION_NEW, secmsg_nl_session_new),
	{
		.cmd = SECMSG_CMD_SESSION_GET,
		.doit = secmsg_nl_session_get,
		.dumpit = secmsg_nl_session_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	OP(SECMSG_CMD_SESSION_DEL, secmsg_nl_session_del),
	OP(SECMSG_CMD_SESSION_SET, secmsg_nl_session_set),
	OP(SECMSG_CMD_SESSION_ROTATE, secmsg_nl_session_rotate),
	OP(SECMSG_CMD_MSG, secmsg_nl_msg),
	OP(SECMSG_CMD_MSG_BATCH, secmsg_nl_msg_batch),
	OP(SECMSG_CMD_STATS_GET, secmsg_nl_stats_get),
	OP(SECMSG_CMD_IDENTITY_SET, secmsg_nl_identity_set),
	OP(SECMSG_CMD_IDENTITY_GENERATE, secmsg_nl_identity_generate),
	OP(SECMSG_CMD_IDENTITY_GET, secmsg_nl_identity_get),
	OP(SECMSG_CMD_USER_ADD, secmsg_nl_user_add),
	OP(SECMSG_CMD_USER_DEL, secmsg_nl_user_del),
	{
		.cmd = SECMSG_CMD_USER_GET,
		.doit = secmsg_nl_user_get,
		.dumpit = secmsg_nl_user_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	OP(SECMSG_CMD_HANDSHAKE, secmsg_nl_handshake),
	OP(SECMSG_CMD_HANDSHAKE_CONFIRM, secmsg_nl_handshake_confirm),
};

static const struct genl_multicast_group secmsg_mcgrps[] = {
	{ .name = SECMSG_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

struct genl_family secmsg_family __ro_after_init = {
	.name = SECMSG_GENL_NAME,
	.version = SECMSG_GENL_VERSION,
	.maxattr = SECMSG_A_MAX,
	.policy = secmsg_nl_policy,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.small_ops = secmsg_ops,
	.n_small_ops = ARRAY_SIZE(secmsg_ops),
	.mcgrps = secmsg_mcgrps,
	.n_mcgrps = ARRAY_SIZE(secmsg_mcgrps),
};

struct secmsg_session *secmsg_nl_session(struct genl_info *info)
{
	struct secmsg_session *s;

	if (!SECMSG_REQUIRE(info, SECMSG_A_SESSION_ID))
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
