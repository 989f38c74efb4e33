// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/* Do not edit directly: generated from uapi/secmsg.yaml by uapi/ynl-gen */
#include "spec-gen.h"

#define REQ	SECMSG_NLA_F_REQUEST
#define REP	SECMSG_NLA_F_REPLY

const struct secmsg_nla_spec secmsg_attr_spec[SECMSG_A_MAX + 1] = {
	[SECMSG_A_SESSION_ID] = {
		"session-id", SECMSG_NLA_U64, REQ | REP, 8, 8 },
	[SECMSG_A_USER_ID] = {
		"user-id", SECMSG_NLA_STRING, REQ | REP, 1, SECMSG_USER_ID_MAX + 1 },
	[SECMSG_A_ALG] = {
		"alg", SECMSG_NLA_U32, REQ | REP, 4, 4 },
	[SECMSG_A_KEY] = {
		"key", SECMSG_NLA_BINARY, REQ, SECMSG_KEY_LEN, SECMSG_KEY_LEN },
	[SECMSG_A_SECRET_C2S] = {
		"secret-c2s", SECMSG_NLA_BINARY, REQ, SECMSG_KEY_LEN, SECMSG_KEY_LEN },
	[SECMSG_A_SECRET_S2C] = {
		"secret-s2c", SECMSG_NLA_BINARY, REQ, SECMSG_KEY_LEN, SECMSG_KEY_LEN },
	[SECMSG_A_NONCE] = {
		"nonce", SECMSG_NLA_BINARY, REQ | REP, 0, SECMSG_CBC_IV_LEN },
	[SECMSG_A_AAD] = {
		"aad", SECMSG_NLA_BINARY, REQ, 0, SECMSG_MAX_AAD },
	[SECMSG_A_DATA] = {
		"data", SECMSG_NLA_BINARY, REQ | REP, 0, 0 },
	[SECMSG_A_CRYPT_OP] = {
		"crypt-op", SECMSG_NLA_U8, REQ, 1, 1 },
	[SECMSG_A_POLICY] = {
		"policy", SECMSG_NLA_NEST, REQ | REP, 0, 0 },
	[SECMSG_A_FLAGS] = {
		"flags", SECMSG_NLA_U32, REQ | REP, 4, 4 },
	[SECMSG_A_MSG_OP] = {
		"msg-op", SECMSG_NLA_U8, REQ, 1, 1 },
	[SECMSG_A_PEER_SESSION_ID] = {
		"peer-session-id", SECMSG_NLA_U64, REQ, 8, 8 },
	[SECMSG_A_OP] = {
		"op", SECMSG_NLA_NEST, REQ, 0, 0 },
	[SECMSG_A_RESULT] = {
		"result", SECMSG_NLA_NEST, REP, 0, 0 },
	[SECMSG_A_EPOCH] = {
		"epoch", SECMSG_NLA_U32, REP, 4, 4 },
	[SECMSG_A_SEQ] = {
		"seq", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_A_STATE] = {
		"state", SECMSG_NLA_U8, REP, 1, 1 },
	[SECMSG_A_COUNTERS] = {
		"counters", SECMSG_NLA_NEST, REP, 0, 0 },
	[SECMSG_A_CREATED] = {
		"created", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_A_LAST_USED] = {
		"last-used", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_A_EXPIRES] = {
		"expires", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_A_REKEY_AT] = {
		"rekey-at", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_A_EVENT] = {
		"event", SECMSG_NLA_U8, REP, 1, 1 },
	[SECMSG_A_REASON] = {
		"reason", SECMSG_NLA_U8, REP, 1, 1 },
	[SECMSG_A_STATS] = {
		"stats", SECMSG_NLA_NEST, REP, 0, 0 },
	[SECMSG_A_PUBLIC_KEY] = {
		"public-key", SECMSG_NLA_BINARY, REQ | REP, SECMSG_X25519_LEN, SECMSG_X25519_LEN },
	[SECMSG_A_PRIVATE_KEY] = {
		"private-key", SECMSG_NLA_BINARY, REQ, SECMSG_X25519_LEN, SECMSG_X25519_LEN },
	[SECMSG_A_HANDSHAKE] = {
		"handshake", SECMSG_NLA_BINARY, REQ | REP, 0, 256 },
	[SECMSG_A_LAST_HANDSHAKE] = {
		"last-handshake", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_A_SALT] = {
		"salt", SECMSG_NLA_BINARY, REQ, 0, 1024 },
	[SECMSG_A_INFO] = {
		"info", SECMSG_NLA_BINARY, REQ, 0, 1024 },
	[SECMSG_A_LENGTH] = {
		"length", SECMSG_NLA_U32, REQ, 4, 4 },
	[SECMSG_A_SLOT] = {
		"slot", SECMSG_NLA_U8, REQ, 1, 1 },
};

const struct secmsg_nla_spec secmsg_policy_attr_spec[SECMSG_POLICY_A_MAX + 1] = {
	[SECMSG_POLICY_A_ROTATE_INTERVAL] = {
		"rotate-interval", SECMSG_NLA_U32, REQ | REP, 4, 4 },
	[SECMSG_POLICY_A_MAX_MESSAGES] = {
		"max-messages", SECMSG_NLA_U64, REQ | REP, 8, 8 },
	[SECMSG_POLICY_A_TIMEOUT] = {
		"timeout", SECMSG_NLA_U32, REQ | REP, 4, 4 },
	[SECMSG_POLICY_A_IDLE_TIMEOUT] = {
		"idle-timeout", SECMSG_NLA_U32, REQ | REP, 4, 4 },
	[SECMSG_POLICY_A_REKEY_GRACE] = {
		"rekey-grace", SECMSG_NLA_U32, REQ | REP, 4, 4 },
};

const struct secmsg_nla_spec secmsg_counter_attr_spec[SECMSG_CNT_A_MAX + 1] = {
	[SECMSG_CNT_A_TX_MESSAGES] = {
		"tx-messages", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_CNT_A_TX_BYTES] = {
		"tx-bytes", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_CNT_A_RX_MESSAGES] = {
		"rx-messages", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_CNT_A_RX_BYTES] = {
		"rx-bytes", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_CNT_A_AUTH_FAILURES] = {
		"auth-failures", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_CNT_A_REPLAYS] = {
		"replays", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_CNT_A_ROTATIONS] = {
		"rotations", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_CNT_A_STALE_EPOCH] = {
		"stale-epoch", SECMSG_NLA_U64, REP, 8, 8 },
};

const struct secmsg_nla_spec secmsg_op_attr_spec[SECMSG_OP_A_MAX + 1] = {
	[SECMSG_OP_A_MSG_OP] = {
		"msg-op", SECMSG_NLA_U8, REQ, 1, 1 },
	[SECMSG_OP_A_SESSION_ID] = {
		"session-id", SECMSG_NLA_U64, REQ, 8, 8 },
	[SECMSG_OP_A_PEER_SESSION_ID] = {
		"peer-session-id", SECMSG_NLA_U64, REQ, 8, 8 },
	[SECMSG_OP_A_DATA] = {
		"data", SECMSG_NLA_BINARY, REQ, 0, 0 },
	[SECMSG_OP_A_COOKIE] = {
		"cookie", SECMSG_NLA_U64, REQ, 8, 8 },
	[SECMSG_OP_A_DEST] = {
		"dest", SECMSG_NLA_NEST, REQ, 0, 0 },
};

const struct secmsg_nla_spec secmsg_dest_attr_spec[SECMSG_DEST_A_MAX + 1] = {
	[SECMSG_DEST_A_SESSION_ID] = {
		"session-id", SECMSG_NLA_U64, REQ, 8, 8 },
};

const struct secmsg_nla_spec secmsg_result_attr_spec[SECMSG_RESULT_A_MAX + 1] = {
	[SECMSG_RESULT_A_COOKIE] = {
		"cookie", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_RESULT_A_STATUS] = {
		"status", SECMSG_NLA_U32, REP, 4, 4 },
	[SECMSG_RESULT_A_DATA] = {
		"data", SECMSG_NLA_BINARY, REP, 0, 0 },
	[SECMSG_RESULT_A_EPOCH] = {
		"epoch", SECMSG_NLA_U32, REP, 4, 4 },
	[SECMSG_RESULT_A_SEQ] = {
		"seq", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_RESULT_A_REASON] = {
		"reason", SECMSG_NLA_U32, REP, 4, 4 },
	[SECMSG_RESULT_A_SESSION_ID] = {
		"session-id", SECMSG_NLA_U64, REP, 8, 8 },
};

const struct secmsg_nla_spec secmsg_stats_attr_spec[SECMSG_STATS_A_MAX + 1] = {
	[SECMSG_STATS_A_SESSIONS] = {
		"sessions", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_STATS_A_SESSIONS_ACTIVE] = {
		"sessions-active", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_STATS_A_SESSIONS_PENDING] = {
		"sessions-pending", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_STATS_A_SESSIONS_AES_256_GCM] = {
		"sessions-aes-256-gcm", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_STATS_A_SESSIONS_CHACHA20_POLY1305] = {
		"sessions-chacha20-poly1305", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_STATS_A_SESSIONS_TWOFISH_CBC] = {
		"sessions-twofish-cbc", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_STATS_A_SEALED] = {
		"sealed", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_STATS_A_OPENED] = {
		"opened", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_STATS_A_RESEALED] = {
		"resealed", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_STATS_A_CRYPT_OPS] = {
		"crypt-ops", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_STATS_A_AUTH_FAILURES] = {
		"auth-failures", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_STATS_A_REPLAYS] = {
		"replays", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_STATS_A_STALE_EPOCH] = {
		"stale-epoch", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_STATS_A_BAD_HEADER] = {
		"bad-header", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_STATS_A_NO_SESSION] = {
		"no-session", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_STATS_A_ROTATIONS] = {
		"rotations", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_STATS_A_EXPIRED] = {
		"expired", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_STATS_A_CREATED] = {
		"created", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_STATS_A_DELETED] = {
		"deleted", SECMSG_NLA_U64, REP, 8, 8 },
	[SECMSG_STATS_A_FAILURE] = {
		"failure", SECMSG_NLA_NEST, REP, 0, 0 },
};

const struct secmsg_nla_spec secmsg_failure_attr_spec[SECMSG_FAILURE_A_MAX + 1] = {
	[SECMSG_FAILURE_A_REASON] = {
		"reason", SECMSG_NLA_U32, REP, 4, 4 },
	[SECMSG_FAILURE_A_COUNT] = {
		"count", SECMSG_NLA_U64, REP, 8, 8 },
};

const char *const secmsg_alg_names[3 + 1] = {
	[SECMSG_ALG_UNSPEC] = "unspec",
	[SECMSG_ALG_AES_256_GCM] = "aes-256-gcm",
	[SECMSG_ALG_CHACHA20_POLY1305] = "chacha20-poly1305",
	[SECMSG_ALG_TWOFISH_CBC] = "twofish-cbc",
};

const char *const secmsg_crypt_op_names[4 + 1] = {
	[SECMSG_CRYPT_ENCRYPT] = "encrypt",
	[SECMSG_CRYPT_DECRYPT] = "decrypt",
	[SECMSG_CRYPT_X25519] = "x25519",
	[SECMSG_CRYPT_HKDF] = "hkdf",
};

const char *const secmsg_msg_op_names[3 + 1] = {
	[SECMSG_MSG_SEAL] = "seal",
	[SECMSG_MSG_OPEN] = "open",
	[SECMSG_MSG_RESEAL] = "reseal",
};

const char *const secmsg_state_names[2 + 1] = {
	[SECMSG_STATE_PENDING] = "pending",
	[SECMSG_STATE_ACTIVE] = "active",
};

const char *const secmsg_event_names[4 + 1] = {
	[SECMSG_EVENT_CREATED] = "created",
	[SECMSG_EVENT_ROTATED] = "rotated",
	[SECMSG_EVENT_EXPIRED] = "expired",
	[SECMSG_EVENT_DELETED] = "deleted",
};

const char *const secmsg_del_reason_names[6 + 1] = {
	[SECMSG_REASON_USER] = "user",
	[SECMSG_REASON_TIMEOUT] = "timeout",
	[SECMSG_REASON_IDLE] = "idle",
	[SECMSG_REASON_OWNER_GONE] = "owner-gone",
	[SECMSG_REASON_NETNS_EXIT] = "netns-exit",
	[SECMSG_REASON_HANDSHAKE] = "handshake",
};

const char *const secmsg_identity_slot_names[1 + 1] = {
	[SECMSG_IDENTITY_SLOT_SERVER] = "server",
	[SECMSG_IDENTITY_SLOT_NODE] = "node",
};

const char *const secmsg_fail_names[14 + 1] = {
	[SECMSG_FAIL_NO_SESSION] = "no-session",
	[SECMSG_FAIL_NOT_ACTIVE] = "not-active",
	[SECMSG_FAIL_AUTH_FAILED] = "auth-failed",
	[SECMSG_FAIL_REPLAYED] = "replayed",
	[SECMSG_FAIL_BEHIND_WINDOW] = "behind-window",
	[SECMSG_FAIL_EPOCH_EXPIRED] = "epoch-expired",
	[SECMSG_FAIL_EPOCH_ROTATED_AWAY] = "epoch-rotated-away",
	[SECMSG_FAIL_EPOCH_NOT_REACHED] = "epoch-not-reached",
	[SECMSG_FAIL_BAD_HEADER] = "bad-header",
	[SECMSG_FAIL_BAD_LENGTH] = "bad-length",
	[SECMSG_FAIL_BAD_PADDING] = "bad-padding",
	[SECMSG_FAIL_TOO_LARGE] = "too-large",
	[SECMSG_FAIL_KEYS_EXHAUSTED] = "keys-exhausted",
	[SECMSG_FAIL_INTERNAL] = "internal",
};

_Static_assert(SECMSG_A_MAX < 64, "attribute bit masks");

const struct secmsg_nl_cmd_spec secmsg_nl_cmd_spec[SECMSG_CMD_MAX + 1] = {
	[SECMSG_CMD_CRYPT] = {
		.name = "crypt",
		.do_ = true,
		.dump = false,
		.event = false,
		.request = (1ULL << SECMSG_A_CRYPT_OP) |
			(1ULL << SECMSG_A_ALG) |
			(1ULL << SECMSG_A_KEY) |
			(1ULL << SECMSG_A_NONCE) |
			(1ULL << SECMSG_A_AAD) |
			(1ULL << SECMSG_A_DATA) |
			(1ULL << SECMSG_A_SALT) |
			(1ULL << SECMSG_A_INFO) |
			(1ULL << SECMSG_A_LENGTH),
		.reply = (1ULL << SECMSG_A_NONCE) |
			(1ULL << SECMSG_A_DATA),
	},
	[SECMSG_CMD_SESSION_NEW] = {
		.name = "session-new",
		.do_ = true,
		.dump = false,
		.event = false,
		.request = (1ULL << SECMSG_A_USER_ID) |
			(1ULL << SECMSG_A_ALG) |
			(1ULL << SECMSG_A_SECRET_C2S) |
			(1ULL << SECMSG_A_SECRET_S2C) |
			(1ULL << SECMSG_A_POLICY) |
			(1ULL << SECMSG_A_FLAGS) |
			(1ULL << SECMSG_A_SESSION_ID),
		.reply = (1ULL << SECMSG_A_SESSION_ID) |
			(1ULL << SECMSG_A_USER_ID) |
			(1ULL << SECMSG_A_ALG) |
			(1ULL << SECMSG_A_STATE) |
			(1ULL << SECMSG_A_EPOCH) |
			(1ULL << SECMSG_A_FLAGS) |
			(1ULL << SECMSG_A_POLICY) |
			(1ULL << SECMSG_A_COUNTERS) |
			(1ULL << SECMSG_A_CREATED) |
			(1ULL << SECMSG_A_LAST_USED) |
			(1ULL << SECMSG_A_EXPIRES) |
			(1ULL << SECMSG_A_REKEY_AT),
	},
	[SECMSG_CMD_SESSION_GET] = {
		.name = "session-get",
		.do_ = true,
		.dump = true,
		.event = false,
		.request = (1ULL << SECMSG_A_SESSION_ID),
		.reply = (1ULL << SECMSG_A_SESSION_ID) |
			(1ULL << SECMSG_A_USER_ID) |
			(1ULL << SECMSG_A_ALG) |
			(1ULL << SECMSG_A_STATE) |
			(1ULL << SECMSG_A_EPOCH) |
			(1ULL << SECMSG_A_FLAGS) |
			(1ULL << SECMSG_A_POLICY) |
			(1ULL << SECMSG_A_COUNTERS) |
			(1ULL << SECMSG_A_CREATED) |
			(1ULL << SECMSG_A_LAST_USED) |
			(1ULL << SECMSG_A_EXPIRES) |
			(1ULL << SECMSG_A_REKEY_AT),
	},
	[SECMSG_CMD_SESSION_DEL] = {
		.name = "session-del",
		.do_ = true,
		.dump = false,
		.event = false,
		.request = (1ULL << SECMSG_A_SESSION_ID),
		.reply = 0,
	},
	[SECMSG_CMD_SESSION_SET] = {
		.name = "session-set",
		.do_ = true,
		.dump = false,
		.event = false,
		.request = (1ULL << SECMSG_A_SESSION_ID) |
			(1ULL << SECMSG_A_POLICY) |
			(1ULL << SECMSG_A_ALG),
		.reply = (1ULL << SECMSG_A_SESSION_ID) |
			(1ULL << SECMSG_A_USER_ID) |
			(1ULL << SECMSG_A_ALG) |
			(1ULL << SECMSG_A_STATE) |
			(1ULL << SECMSG_A_EPOCH) |
			(1ULL << SECMSG_A_FLAGS) |
			(1ULL << SECMSG_A_POLICY) |
			(1ULL << SECMSG_A_COUNTERS) |
			(1ULL << SECMSG_A_CREATED) |
			(1ULL << SECMSG_A_LAST_USED) |
			(1ULL << SECMSG_A_EXPIRES) |
			(1ULL << SECMSG_A_REKEY_AT),
	},
	[SECMSG_CMD_SESSION_ROTATE] = {
		.name = "session-rotate",
		.do_ = true,
		.dump = false,
		.event = false,
		.request = (1ULL << SECMSG_A_SESSION_ID),
		.reply = (1ULL << SECMSG_A_SESSION_ID) |
			(1ULL << SECMSG_A_USER_ID) |
			(1ULL << SECMSG_A_ALG) |
			(1ULL << SECMSG_A_STATE) |
			(1ULL << SECMSG_A_EPOCH) |
			(1ULL << SECMSG_A_FLAGS) |
			(1ULL << SECMSG_A_POLICY) |
			(1ULL << SECMSG_A_COUNTERS) |
			(1ULL << SECMSG_A_CREATED) |
			(1ULL << SECMSG_A_LAST_USED) |
			(1ULL << SECMSG_A_EXPIRES) |
			(1ULL << SECMSG_A_REKEY_AT),
	},
	[SECMSG_CMD_MSG] = {
		.name = "msg",
		.do_ = true,
		.dump = false,
		.event = false,
		.request = (1ULL << SECMSG_A_MSG_OP) |
			(1ULL << SECMSG_A_SESSION_ID) |
			(1ULL << SECMSG_A_DATA) |
			(1ULL << SECMSG_A_PEER_SESSION_ID),
		.reply = (1ULL << SECMSG_A_DATA) |
			(1ULL << SECMSG_A_EPOCH) |
			(1ULL << SECMSG_A_SEQ),
	},
	[SECMSG_CMD_MSG_BATCH] = {
		.name = "msg-batch",
		.do_ = true,
		.dump = false,
		.event = false,
		.request = (1ULL << SECMSG_A_OP),
		.reply = (1ULL << SECMSG_A_RESULT),
	},
	[SECMSG_CMD_STATS_GET] = {
		.name = "stats-get",
		.do_ = true,
		.dump = false,
		.event = false,
		.request = 0,
		.reply = (1ULL << SECMSG_A_STATS),
	},
	[SECMSG_CMD_SESSION_NTF] = {
		.name = "session-ntf",
		.do_ = false,
		.dump = false,
		.event = true,
		.request = 0,
		.reply = (1ULL << SECMSG_A_EVENT) |
			(1ULL << SECMSG_A_SESSION_ID) |
			(1ULL << SECMSG_A_USER_ID) |
			(1ULL << SECMSG_A_ALG) |
			(1ULL << SECMSG_A_EPOCH) |
			(1ULL << SECMSG_A_FLAGS) |
			(1ULL << SECMSG_A_REASON),
	},
	[SECMSG_CMD_IDENTITY_SET] = {
		.name = "identity-set",
		.do_ = true,
		.dump = false,
		.event = false,
		.request = (1ULL << SECMSG_A_PRIVATE_KEY) |
			(1ULL << SECMSG_A_SLOT) |
			(1ULL << SECMSG_A_USER_ID),
		.reply = (1ULL << SECMSG_A_PUBLIC_KEY) |
			(1ULL << SECMSG_A_USER_ID),
	},
	[SECMSG_CMD_IDENTITY_GENERATE] = {
		.name = "identity-generate",
		.do_ = true,
		.dump = false,
		.event = false,
		.request = (1ULL << SECMSG_A_SLOT) |
			(1ULL << SECMSG_A_USER_ID),
		.reply = (1ULL << SECMSG_A_PUBLIC_KEY) |
			(1ULL << SECMSG_A_USER_ID),
	},
	[SECMSG_CMD_IDENTITY_GET] = {
		.name = "identity-get",
		.do_ = true,
		.dump = false,
		.event = false,
		.request = (1ULL << SECMSG_A_SLOT),
		.reply = (1ULL << SECMSG_A_PUBLIC_KEY) |
			(1ULL << SECMSG_A_USER_ID),
	},
	[SECMSG_CMD_USER_ADD] = {
		.name = "user-add",
		.do_ = true,
		.dump = false,
		.event = false,
		.request = (1ULL << SECMSG_A_USER_ID) |
			(1ULL << SECMSG_A_PUBLIC_KEY) |
			(1ULL << SECMSG_A_SLOT),
		.reply = 0,
	},
	[SECMSG_CMD_USER_DEL] = {
		.name = "user-del",
		.do_ = true,
		.dump = false,
		.event = false,
		.request = (1ULL << SECMSG_A_USER_ID) |
			(1ULL << SECMSG_A_SLOT),
		.reply = 0,
	},
	[SECMSG_CMD_USER_GET] = {
		.name = "user-get",
		.do_ = true,
		.dump = true,
		.event = false,
		.request = (1ULL << SECMSG_A_USER_ID) |
			(1ULL << SECMSG_A_SLOT),
		.reply = (1ULL << SECMSG_A_USER_ID) |
			(1ULL << SECMSG_A_PUBLIC_KEY) |
			(1ULL << SECMSG_A_LAST_HANDSHAKE),
	},
	[SECMSG_CMD_HANDSHAKE] = {
		.name = "handshake",
		.do_ = true,
		.dump = false,
		.event = false,
		.request = (1ULL << SECMSG_A_HANDSHAKE) |
			(1ULL << SECMSG_A_POLICY) |
			(1ULL << SECMSG_A_FLAGS),
		.reply = (1ULL << SECMSG_A_SESSION_ID) |
			(1ULL << SECMSG_A_USER_ID) |
			(1ULL << SECMSG_A_ALG) |
			(1ULL << SECMSG_A_HANDSHAKE),
	},
	[SECMSG_CMD_HANDSHAKE_CONFIRM] = {
		.name = "handshake-confirm",
		.do_ = true,
		.dump = false,
		.event = false,
		.request = (1ULL << SECMSG_A_SESSION_ID) |
			(1ULL << SECMSG_A_HANDSHAKE),
		.reply = (1ULL << SECMSG_A_SESSION_ID) |
			(1ULL << SECMSG_A_USER_ID) |
			(1ULL << SECMSG_A_ALG) |
			(1ULL << SECMSG_A_STATE) |
			(1ULL << SECMSG_A_EPOCH) |
			(1ULL << SECMSG_A_FLAGS) |
			(1ULL << SECMSG_A_POLICY) |
			(1ULL << SECMSG_A_COUNTERS) |
			(1ULL << SECMSG_A_CREATED) |
			(1ULL << SECMSG_A_LAST_USED) |
			(1ULL << SECMSG_A_EXPIRES) |
			(1ULL << SECMSG_A_REKEY_AT),
	},
	[SECMSG_CMD_LINK_INIT] = {
		.name = "link-init",
		.do_ = true,
		.dump = false,
		.event = false,
		.request = (1ULL << SECMSG_A_USER_ID) |
			(1ULL << SECMSG_A_ALG) |
			(1ULL << SECMSG_A_POLICY) |
			(1ULL << SECMSG_A_FLAGS),
		.reply = (1ULL << SECMSG_A_SESSION_ID) |
			(1ULL << SECMSG_A_USER_ID) |
			(1ULL << SECMSG_A_ALG) |
			(1ULL << SECMSG_A_HANDSHAKE),
	},
	[SECMSG_CMD_LINK_FINISH] = {
		.name = "link-finish",
		.do_ = true,
		.dump = false,
		.event = false,
		.request = (1ULL << SECMSG_A_SESSION_ID) |
			(1ULL << SECMSG_A_HANDSHAKE),
		.reply = (1ULL << SECMSG_A_SESSION_ID) |
			(1ULL << SECMSG_A_USER_ID) |
			(1ULL << SECMSG_A_ALG) |
			(1ULL << SECMSG_A_STATE) |
			(1ULL << SECMSG_A_EPOCH) |
			(1ULL << SECMSG_A_FLAGS) |
			(1ULL << SECMSG_A_POLICY) |
			(1ULL << SECMSG_A_COUNTERS) |
			(1ULL << SECMSG_A_CREATED) |
			(1ULL << SECMSG_A_LAST_USED) |
			(1ULL << SECMSG_A_EXPIRES) |
			(1ULL << SECMSG_A_REKEY_AT) |
			(1ULL << SECMSG_A_HANDSHAKE),
	},
};
