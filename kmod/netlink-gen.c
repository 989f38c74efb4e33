// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/* Do not edit directly, auto-generated from: */
/*	uapi/secmsg.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/linux/secmsg.h>

/* Common nested types */
const struct nla_policy secmsg_dest_nl_policy[SECMSG_DEST_A_SESSION_ID + 1] = {
	[SECMSG_DEST_A_SESSION_ID] = { .type = NLA_U64, },
};

const struct nla_policy secmsg_op_nl_policy[SECMSG_OP_A_DEST + 1] = {
	[SECMSG_OP_A_MSG_OP] = NLA_POLICY_RANGE(NLA_U8, 1, 3),
	[SECMSG_OP_A_SESSION_ID] = { .type = NLA_U64, },
	[SECMSG_OP_A_PEER_SESSION_ID] = { .type = NLA_U64, },
	[SECMSG_OP_A_DATA] = { .type = NLA_BINARY, },
	[SECMSG_OP_A_COOKIE] = { .type = NLA_U64, },
	[SECMSG_OP_A_DEST] = NLA_POLICY_NESTED(secmsg_dest_nl_policy),
};

const struct nla_policy secmsg_policy_nl_policy[SECMSG_POLICY_A_REKEY_GRACE + 1] = {
	[SECMSG_POLICY_A_ROTATE_INTERVAL] = { .type = NLA_U32, },
	[SECMSG_POLICY_A_MAX_MESSAGES] = { .type = NLA_U64, },
	[SECMSG_POLICY_A_TIMEOUT] = { .type = NLA_U32, },
	[SECMSG_POLICY_A_IDLE_TIMEOUT] = { .type = NLA_U32, },
	[SECMSG_POLICY_A_REKEY_GRACE] = NLA_POLICY_MAX(NLA_U32, SECMSG_REKEY_GRACE_MAX),
};

/* SECMSG_CMD_CRYPT - do */
const struct nla_policy secmsg_crypt_nl_policy[SECMSG_A_LENGTH + 1] = {
	[SECMSG_A_CRYPT_OP] = NLA_POLICY_RANGE(NLA_U8, 1, 4),
	[SECMSG_A_ALG] = NLA_POLICY_RANGE(NLA_U32, 1, 3),
	[SECMSG_A_KEY] = NLA_POLICY_EXACT_LEN(SECMSG_KEY_LEN),
	[SECMSG_A_NONCE] = { .type = NLA_BINARY, .len = SECMSG_CBC_IV_LEN, },
	[SECMSG_A_AAD] = { .type = NLA_BINARY, .len = SECMSG_MAX_AAD, },
	[SECMSG_A_DATA] = { .type = NLA_BINARY, },
	[SECMSG_A_SALT] = { .type = NLA_BINARY, .len = 1024, },
	[SECMSG_A_INFO] = { .type = NLA_BINARY, .len = 1024, },
	[SECMSG_A_LENGTH] = NLA_POLICY_RANGE(NLA_U32, 1, SECMSG_HKDF_MAX_LEN),
};

/* SECMSG_CMD_SESSION_NEW - do */
const struct nla_policy secmsg_session_new_nl_policy[SECMSG_A_FLAGS + 1] = {
	[SECMSG_A_USER_ID] = { .type = NLA_NUL_STRING, .len = SECMSG_USER_ID_MAX, },
	[SECMSG_A_ALG] = NLA_POLICY_RANGE(NLA_U32, 1, 3),
	[SECMSG_A_SECRET_C2S] = NLA_POLICY_EXACT_LEN(SECMSG_KEY_LEN),
	[SECMSG_A_SECRET_S2C] = NLA_POLICY_EXACT_LEN(SECMSG_KEY_LEN),
	[SECMSG_A_POLICY] = NLA_POLICY_NESTED(secmsg_policy_nl_policy),
	[SECMSG_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, 0x7),
	[SECMSG_A_SESSION_ID] = { .type = NLA_U64, },
};

/* SECMSG_CMD_SESSION_GET - do */
const struct nla_policy secmsg_session_get_nl_policy[SECMSG_A_SESSION_ID + 1] = {
	[SECMSG_A_SESSION_ID] = { .type = NLA_U64, },
};

/* SECMSG_CMD_SESSION_DEL - do */
const struct nla_policy secmsg_session_del_nl_policy[SECMSG_A_SESSION_ID + 1] = {
	[SECMSG_A_SESSION_ID] = { .type = NLA_U64, },
};

/* SECMSG_CMD_SESSION_SET - do */
const struct nla_policy secmsg_session_set_nl_policy[SECMSG_A_POLICY + 1] = {
	[SECMSG_A_SESSION_ID] = { .type = NLA_U64, },
	[SECMSG_A_POLICY] = NLA_POLICY_NESTED(secmsg_policy_nl_policy),
	[SECMSG_A_ALG] = NLA_POLICY_RANGE(NLA_U32, 1, 3),
};

/* SECMSG_CMD_SESSION_ROTATE - do */
const struct nla_policy secmsg_session_rotate_nl_policy[SECMSG_A_SESSION_ID + 1] = {
	[SECMSG_A_SESSION_ID] = { .type = NLA_U64, },
};

/* SECMSG_CMD_MSG - do */
const struct nla_policy secmsg_msg_nl_policy[SECMSG_A_PEER_SESSION_ID + 1] = {
	[SECMSG_A_MSG_OP] = NLA_POLICY_RANGE(NLA_U8, 1, 3),
	[SECMSG_A_SESSION_ID] = { .type = NLA_U64, },
	[SECMSG_A_DATA] = { .type = NLA_BINARY, },
	[SECMSG_A_PEER_SESSION_ID] = { .type = NLA_U64, },
};

/* SECMSG_CMD_MSG_BATCH - do */
const struct nla_policy secmsg_msg_batch_nl_policy[SECMSG_A_OP + 1] = {
	[SECMSG_A_OP] = NLA_POLICY_NESTED(secmsg_op_nl_policy),
};

/* SECMSG_CMD_STATS_GET - do */
const struct nla_policy secmsg_stats_get_nl_policy[SECMSG_A_PAD + 1] = {
};

/* SECMSG_CMD_IDENTITY_SET - do */
const struct nla_policy secmsg_identity_set_nl_policy[SECMSG_A_SLOT + 1] = {
	[SECMSG_A_PRIVATE_KEY] = NLA_POLICY_EXACT_LEN(SECMSG_X25519_LEN),
	[SECMSG_A_SLOT] = NLA_POLICY_MAX(NLA_U8, 1),
	[SECMSG_A_USER_ID] = { .type = NLA_NUL_STRING, .len = SECMSG_USER_ID_MAX, },
};

/* SECMSG_CMD_IDENTITY_GENERATE - do */
const struct nla_policy secmsg_identity_generate_nl_policy[SECMSG_A_SLOT + 1] = {
	[SECMSG_A_SLOT] = NLA_POLICY_MAX(NLA_U8, 1),
	[SECMSG_A_USER_ID] = { .type = NLA_NUL_STRING, .len = SECMSG_USER_ID_MAX, },
};

/* SECMSG_CMD_IDENTITY_GET - do */
const struct nla_policy secmsg_identity_get_nl_policy[SECMSG_A_SLOT + 1] = {
	[SECMSG_A_SLOT] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* SECMSG_CMD_USER_ADD - do */
const struct nla_policy secmsg_user_add_nl_policy[SECMSG_A_SLOT + 1] = {
	[SECMSG_A_USER_ID] = { .type = NLA_NUL_STRING, .len = SECMSG_USER_ID_MAX, },
	[SECMSG_A_PUBLIC_KEY] = NLA_POLICY_EXACT_LEN(SECMSG_X25519_LEN),
	[SECMSG_A_SLOT] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* SECMSG_CMD_USER_DEL - do */
const struct nla_policy secmsg_user_del_nl_policy[SECMSG_A_SLOT + 1] = {
	[SECMSG_A_USER_ID] = { .type = NLA_NUL_STRING, .len = SECMSG_USER_ID_MAX, },
	[SECMSG_A_SLOT] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* SECMSG_CMD_USER_GET - do */
const struct nla_policy secmsg_user_get_nl_policy[SECMSG_A_SLOT + 1] = {
	[SECMSG_A_USER_ID] = { .type = NLA_NUL_STRING, .len = SECMSG_USER_ID_MAX, },
	[SECMSG_A_SLOT] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* SECMSG_CMD_HANDSHAKE - do */
const struct nla_policy secmsg_handshake_nl_policy[SECMSG_A_HANDSHAKE + 1] = {
	[SECMSG_A_HANDSHAKE] = { .type = NLA_BINARY, .len = 256, },
	[SECMSG_A_POLICY] = NLA_POLICY_NESTED(secmsg_policy_nl_policy),
	[SECMSG_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, 0x7),
};

/* SECMSG_CMD_HANDSHAKE_CONFIRM - do */
const struct nla_policy secmsg_handshake_confirm_nl_policy[SECMSG_A_HANDSHAKE + 1] = {
	[SECMSG_A_SESSION_ID] = { .type = NLA_U64, },
	[SECMSG_A_HANDSHAKE] = { .type = NLA_BINARY, .len = 256, },
};

/* SECMSG_CMD_LINK_INIT - do */
const struct nla_policy secmsg_link_init_nl_policy[SECMSG_A_FLAGS + 1] = {
	[SECMSG_A_USER_ID] = { .type = NLA_NUL_STRING, .len = SECMSG_USER_ID_MAX, },
	[SECMSG_A_ALG] = NLA_POLICY_RANGE(NLA_U32, 1, 3),
	[SECMSG_A_POLICY] = NLA_POLICY_NESTED(secmsg_policy_nl_policy),
	[SECMSG_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, 0x7),
};

/* SECMSG_CMD_LINK_FINISH - do */
const struct nla_policy secmsg_link_finish_nl_policy[SECMSG_A_HANDSHAKE + 1] = {
	[SECMSG_A_SESSION_ID] = { .type = NLA_U64, },
	[SECMSG_A_HANDSHAKE] = { .type = NLA_BINARY, .len = 256, },
};

/* Ops table for secmsg */
const struct genl_ops secmsg_nl_ops[19] = {
	{
		.cmd		= SECMSG_CMD_CRYPT,
		.doit		= secmsg_nl_crypt_doit,
		.policy		= secmsg_crypt_nl_policy,
		.maxattr	= SECMSG_A_LENGTH,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= SECMSG_CMD_SESSION_NEW,
		.doit		= secmsg_nl_session_new_doit,
		.policy		= secmsg_session_new_nl_policy,
		.maxattr	= SECMSG_A_FLAGS,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= SECMSG_CMD_SESSION_GET,
		.doit		= secmsg_nl_session_get_doit,
		.dumpit		= secmsg_nl_session_get_dumpit,
		.policy		= secmsg_session_get_nl_policy,
		.maxattr	= SECMSG_A_SESSION_ID,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= SECMSG_CMD_SESSION_DEL,
		.doit		= secmsg_nl_session_del_doit,
		.policy		= secmsg_session_del_nl_policy,
		.maxattr	= SECMSG_A_SESSION_ID,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= SECMSG_CMD_SESSION_SET,
		.doit		= secmsg_nl_session_set_doit,
		.policy		= secmsg_session_set_nl_policy,
		.maxattr	= SECMSG_A_POLICY,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= SECMSG_CMD_SESSION_ROTATE,
		.doit		= secmsg_nl_session_rotate_doit,
		.policy		= secmsg_session_rotate_nl_policy,
		.maxattr	= SECMSG_A_SESSION_ID,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= SECMSG_CMD_MSG,
		.doit		= secmsg_nl_msg_doit,
		.policy		= secmsg_msg_nl_policy,
		.maxattr	= SECMSG_A_PEER_SESSION_ID,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= SECMSG_CMD_MSG_BATCH,
		.doit		= secmsg_nl_msg_batch_doit,
		.policy		= secmsg_msg_batch_nl_policy,
		.maxattr	= SECMSG_A_OP,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= SECMSG_CMD_STATS_GET,
		.doit		= secmsg_nl_stats_get_doit,
		.policy		= secmsg_stats_get_nl_policy,
		.maxattr	= SECMSG_A_PAD,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= SECMSG_CMD_IDENTITY_SET,
		.doit		= secmsg_nl_identity_set_doit,
		.policy		= secmsg_identity_set_nl_policy,
		.maxattr	= SECMSG_A_SLOT,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= SECMSG_CMD_IDENTITY_GENERATE,
		.doit		= secmsg_nl_identity_generate_doit,
		.policy		= secmsg_identity_generate_nl_policy,
		.maxattr	= SECMSG_A_SLOT,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= SECMSG_CMD_IDENTITY_GET,
		.doit		= secmsg_nl_identity_get_doit,
		.policy		= secmsg_identity_get_nl_policy,
		.maxattr	= SECMSG_A_SLOT,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= SECMSG_CMD_USER_ADD,
		.doit		= secmsg_nl_user_add_doit,
		.policy		= secmsg_user_add_nl_policy,
		.maxattr	= SECMSG_A_SLOT,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= SECMSG_CMD_USER_DEL,
		.doit		= secmsg_nl_user_del_doit,
		.policy		= secmsg_user_del_nl_policy,
		.maxattr	= SECMSG_A_SLOT,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= SECMSG_CMD_USER_GET,
		.doit		= secmsg_nl_user_get_doit,
		.dumpit		= secmsg_nl_user_get_dumpit,
		.policy		= secmsg_user_get_nl_policy,
		.maxattr	= SECMSG_A_SLOT,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= SECMSG_CMD_HANDSHAKE,
		.doit		= secmsg_nl_handshake_doit,
		.policy		= secmsg_handshake_nl_policy,
		.maxattr	= SECMSG_A_HANDSHAKE,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= SECMSG_CMD_HANDSHAKE_CONFIRM,
		.doit		= secmsg_nl_handshake_confirm_doit,
		.policy		= secmsg_handshake_confirm_nl_policy,
		.maxattr	= SECMSG_A_HANDSHAKE,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= SECMSG_CMD_LINK_INIT,
		.doit		= secmsg_nl_link_init_doit,
		.policy		= secmsg_link_init_nl_policy,
		.maxattr	= SECMSG_A_FLAGS,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= SECMSG_CMD_LINK_FINISH,
		.doit		= secmsg_nl_link_finish_doit,
		.policy		= secmsg_link_finish_nl_policy,
		.maxattr	= SECMSG_A_HANDSHAKE,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
};
