/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/* Do not edit directly: generated from uapi/secmsg.yaml by uapi/ynl-gen */
/*
 * The netlink ABI as data, for libsecmsg's strict reply parsers
 * (parse.c) and the tests: every attribute of every attribute set
 * with its type, length limits and whether requests or replies
 * carry it; every command with the attributes of its requests and
 * replies.
 */
#ifndef SECMSG_NL_SPEC_GEN_H
#define SECMSG_NL_SPEC_GEN_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/secmsg.h>

enum secmsg_nla_kind {
	SECMSG_NLA_IGNORE,	/* pad, or not an attribute */
	SECMSG_NLA_U8,
	SECMSG_NLA_U32,
	SECMSG_NLA_U64,
	SECMSG_NLA_STRING,	/* NUL-terminated */
	SECMSG_NLA_BINARY,
	SECMSG_NLA_NEST,
};

#define SECMSG_NLA_F_REQUEST	(1U << 0)	/* some request carries it */
#define SECMSG_NLA_F_REPLY	(1U << 1)	/* some reply or event does */

struct secmsg_nla_spec {
	const char *name;	/* the spec's name; NULL: no attribute */
	uint8_t kind;		/* enum secmsg_nla_kind */
	uint8_t flags;		/* SECMSG_NLA_F_* */
	uint16_t min;		/* length: strings with their NUL */
	uint16_t max;		/* 0: no limit but the attribute's */
};

/* attribute set secmsg: enum secmsg_attr */
extern const struct secmsg_nla_spec secmsg_attr_spec[SECMSG_A_MAX + 1];
/* attribute set policy: enum secmsg_policy_attr */
extern const struct secmsg_nla_spec secmsg_policy_attr_spec[SECMSG_POLICY_A_MAX + 1];
/* attribute set counters: enum secmsg_counter_attr */
extern const struct secmsg_nla_spec secmsg_counter_attr_spec[SECMSG_CNT_A_MAX + 1];
/* attribute set op: enum secmsg_op_attr */
extern const struct secmsg_nla_spec secmsg_op_attr_spec[SECMSG_OP_A_MAX + 1];
/* attribute set dest: enum secmsg_dest_attr */
extern const struct secmsg_nla_spec secmsg_dest_attr_spec[SECMSG_DEST_A_MAX + 1];
/* attribute set result: enum secmsg_result_attr */
extern const struct secmsg_nla_spec secmsg_result_attr_spec[SECMSG_RESULT_A_MAX + 1];
/* attribute set stats: enum secmsg_stats_attr */
extern const struct secmsg_nla_spec secmsg_stats_attr_spec[SECMSG_STATS_A_MAX + 1];
/* attribute set failure: enum secmsg_failure_attr */
extern const struct secmsg_nla_spec secmsg_failure_attr_spec[SECMSG_FAILURE_A_MAX + 1];

/* The spec's names of each enum's values, by value. */
extern const char *const secmsg_alg_names[3 + 1];
extern const char *const secmsg_crypt_op_names[4 + 1];
extern const char *const secmsg_msg_op_names[3 + 1];
extern const char *const secmsg_state_names[2 + 1];
extern const char *const secmsg_event_names[4 + 1];
extern const char *const secmsg_del_reason_names[6 + 1];
extern const char *const secmsg_identity_slot_names[1 + 1];
extern const char *const secmsg_fail_names[14 + 1];

/* A command: its name, what it does, the attributes (bit n:
 * attribute n of its set) of its requests and of its replies. */
struct secmsg_nl_cmd_spec {
	const char *name;
	bool do_, dump, event;
	uint64_t request, reply;
};

extern const struct secmsg_nl_cmd_spec secmsg_nl_cmd_spec[SECMSG_CMD_MAX + 1];

#endif
