// SPDX-License-Identifier: GPL-2.0
/*
 * Per-command policies (generated from uapi/secmsg.yaml): every command
 * refuses every attribute that is not its own with EINVAL and an extack
 * whose attribute offset points at it; and every command's required
 * attributes, left out one at a time, are EINVAL with their type in the
 * extack (NLMSGERR_ATTR_MISS_TYPE), and inside a batch op with the op's
 * nest (NLMSGERR_ATTR_MISS_NEST).  Which attributes are a command's own
 * comes from the spec (libsecmsg's generated table), which attributes it
 * needs is stated here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kselftest_harness.h"
#include "common.h"
#include "rawnl.h"
#include "netlink/spec-gen.h"

FIXTURE(pol) {
	struct rawnl raw;
};

FIXTURE_SETUP(pol)
{
	ASSERT_EQ(0, rawnl_open(&self->raw));
}

FIXTURE_TEARDOWN(pol)
{
	rawnl_close(&self->raw);
}

/* Attribute type of set spec with a value of a valid shape for it. */
static int put_shaped(struct nl_msg *m, const struct secmsg_nla_spec *spec,
		      int type)
{
	static const uint8_t zero[64];
	const struct secmsg_nla_spec *a = &spec[type];

	switch (a->kind) {
	case SECMSG_NLA_U8:
		return nla_put_u8(m, type, 1);
	case SECMSG_NLA_U32:
		return nla_put_u32(m, type, 1);
	case SECMSG_NLA_U64:
		return nla_put_u64(m, type, 1);
	case SECMSG_NLA_STRING:
		return nla_put_string(m, type, "policytest");
	case SECMSG_NLA_NEST:
		/* empty (libnl's nla_nest_end would drop an empty nest) */
		return nla_put(m, type | NLA_F_NESTED, 0, NULL);
	default:		/* binary, and pad */
		return nla_put(m, type, a->min ? a->min : 4, zero);
	}
}

TEST_F(pol, foreign_attributes_refused)
{
	int cmd, type, tried = 0, wrong = 0;

	for (cmd = 1; cmd <= SECMSG_CMD_MAX; cmd++) {
		const struct secmsg_nl_cmd_spec *c = &secmsg_nl_cmd_spec[cmd];

		if (!c->do_)
			continue;
		for (type = SECMSG_A_PAD; type <= SECMSG_A_MAX; type++) {
			struct rawnl_reply rep;
			struct nl_msg *m;
			int err;

			if (c->request & (1ULL << type))
				continue;
			m = rawnl_msg(&self->raw, cmd, 0, 128);
			ASSERT_NE(NULL, m);
			ASSERT_EQ(0, put_shaped(m, secmsg_attr_spec, type));
			err = rawnl_xact(&self->raw, m, &rep);
			tried++;
			if (err != -EINVAL || !rep.has_extack ||
			    !rep.extack[0] || rep.bad_attr_type != type) {
				wrong++;
				TH_LOG("%s with %s: %s, extack \"%s\", points at %d",
				       c->name, secmsg_attr_spec[type].name ?: "pad",
				       errname(err), rep.extack,
				       rep.bad_attr_type);
			}
			rawnl_reply_free(&rep);
		}
	}
	TH_LOG("%d foreign attributes tried", tried);
	EXPECT_LT(300, tried);
	EXPECT_EQ(0, wrong);
}

/* A top-level attribute of a request, with a valid value. */
struct attr {
	int type;
	const void *data;
	int len;
};

struct case_ {
	int cmd;
	const char *what;
	/* the request: a[0..nreq) are required, the rest (to the first of
	 * type 0) is sent along with them */
	struct attr a[6];
	int nreq;
};

static const uint8_t b32[32] = { 9 };	/* canonical as an X25519 key */
static const uint8_t u8_encrypt = SECMSG_CRYPT_ENCRYPT;
static const uint8_t u8_x25519 = SECMSG_CRYPT_X25519;
static const uint8_t u8_hkdf = SECMSG_CRYPT_HKDF;
static const uint8_t u8_seal = SECMSG_MSG_SEAL;
static const uint8_t u8_reseal = SECMSG_MSG_RESEAL;
static const uint32_t u32_alg = SECMSG_ALG_AES_256_GCM;
static const uint32_t u32_len = 32;
static const uint64_t u64_id = 0x5eed5eed5eed5eedULL;
static const uint8_t u8_node = SECMSG_IDENTITY_SLOT_NODE;

#define A(t, p) { SECMSG_A_##t, p, sizeof(*(p)) }
#define A_STR(t, s) { SECMSG_A_##t, s, sizeof(s) }
#define A_BIN(t, p, n) { SECMSG_A_##t, p, n }

static const struct case_ cases[] = {
	{ SECMSG_CMD_CRYPT, "crypt encrypt",
	  { A(CRYPT_OP, &u8_encrypt), A(ALG, &u32_alg), A_BIN(KEY, b32, 32),
	    A_BIN(DATA, b32, 8) }, 4 },
	{ SECMSG_CMD_CRYPT, "crypt x25519",
	  { A(CRYPT_OP, &u8_x25519), A_BIN(KEY, b32, 32),
	    A_BIN(DATA, b32, 32) }, 3 },
	{ SECMSG_CMD_CRYPT, "crypt hkdf",
	  { A(CRYPT_OP, &u8_hkdf), A_BIN(DATA, b32, 32),
	    A(LENGTH, &u32_len) }, 3 },
	{ SECMSG_CMD_SESSION_NEW, "session-new",
	  { A_STR(USER_ID, "policytest"), A(ALG, &u32_alg),
	    A_BIN(SECRET_C2S, b32, 32), A_BIN(SECRET_S2C, b32, 32) }, 4 },
	{ SECMSG_CMD_SESSION_GET, "session-get",
	  { A(SESSION_ID, &u64_id) }, 1 },
	{ SECMSG_CMD_SESSION_DEL, "session-del",
	  { A(SESSION_ID, &u64_id) }, 1 },
	{ SECMSG_CMD_SESSION_SET, "session-set",
	  { A(SESSION_ID, &u64_id) }, 1 },
	{ SECMSG_CMD_SESSION_ROTATE, "session-rotate",
	  { A(SESSION_ID, &u64_id) }, 1 },
	{ SECMSG_CMD_MSG, "msg seal",
	  { A(MSG_OP, &u8_seal), A(SESSION_ID, &u64_id),
	    A_BIN(DATA, b32, 8) }, 3 },
	{ SECMSG_CMD_MSG, "msg reseal",
	  { A(MSG_OP, &u8_reseal), A(SESSION_ID, &u64_id),
	    A_BIN(DATA, b32, 8), A(PEER_SESSION_ID, &u64_id) }, 4 },
	{ SECMSG_CMD_IDENTITY_SET, "identity-set",
	  { A_BIN(PRIVATE_KEY, b32, 32) }, 1 },
	/* the node identity needs its name */
	{ SECMSG_CMD_IDENTITY_SET, "identity-set slot node",
	  { A_BIN(PRIVATE_KEY, b32, 32), A_STR(USER_ID, "policytest"),
	    A(SLOT, &u8_node) }, 2 },
	{ SECMSG_CMD_IDENTITY_GENERATE, "identity-generate slot node",
	  { A_STR(USER_ID, "policytest"), A(SLOT, &u8_node) }, 1 },
	/* needs nothing: the server's identity when SLOT is absent */
	{ SECMSG_CMD_IDENTITY_GET, "identity-get", { { 0 } }, 0 },
	{ SECMSG_CMD_USER_ADD, "user-add",
	  { A_STR(USER_ID, "policytest"), A_BIN(PUBLIC_KEY, b32, 32) }, 2 },
	{ SECMSG_CMD_USER_DEL, "user-del",
	  { A_STR(USER_ID, "policytest") }, 1 },
	{ SECMSG_CMD_USER_GET, "user-get",
	  { A_STR(USER_ID, "policytest") }, 1 },
	{ SECMSG_CMD_HANDSHAKE, "handshake",
	  { A_BIN(HANDSHAKE, b32, 32) }, 1 },
	{ SECMSG_CMD_HANDSHAKE_CONFIRM, "handshake-confirm",
	  { A(SESSION_ID, &u64_id), A_BIN(HANDSHAKE, b32, 32) }, 2 },
	{ SECMSG_CMD_LINK_INIT, "link-init",
	  { A_STR(USER_ID, "policytest"), A(ALG, &u32_alg) }, 2 },
	{ SECMSG_CMD_LINK_FINISH, "link-finish",
	  { A(SESSION_ID, &u64_id), A_BIN(HANDSHAKE, b32, 32) }, 2 },
};

TEST_F(pol, missing_attributes_named)
{
	bool covered[SECMSG_CMD_MAX + 1] = { false };
	size_t i;
	int j, k, cmd;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct case_ *c = &cases[i];

		covered[c->cmd] = true;
		for (j = 0; j < c->nreq; j++) {
			struct rawnl_reply rep;
			struct nl_msg *m;
			int err;

			m = rawnl_msg(&self->raw, c->cmd, 0, 256);
			ASSERT_NE(NULL, m);
			for (k = 0; k < (int)ARRAY_SIZE(c->a) &&
				    (k < c->nreq || c->a[k].type); k++)
				if (k != j)
					ASSERT_EQ(0, nla_put(m, c->a[k].type,
							     c->a[k].len,
							     c->a[k].data));
			err = rawnl_xact(&self->raw, m, &rep);
			TH_LOG("%s without %s: %s, miss_type %d, \"%s\"",
			       c->what, secmsg_attr_spec[c->a[j].type].name,
			       errname(err), rep.miss_type, rep.extack);
			EXPECT_EQ(-EINVAL, err);
			EXPECT_EQ(c->a[j].type, rep.miss_type);
			EXPECT_EQ(-1, rep.miss_nest_type);
			EXPECT_TRUE(rep.has_extack && rep.extack[0]);
			rawnl_reply_free(&rep);
		}
	}
	/* every command that needs an attribute is in the table */
	for (cmd = 1; cmd <= SECMSG_CMD_MAX; cmd++) {
		const struct secmsg_nl_cmd_spec *c = &secmsg_nl_cmd_spec[cmd];
		bool needs = c->do_ && c->request &&
			     cmd != SECMSG_CMD_MSG_BATCH;

		if (needs && !covered[cmd])
			TH_LOG("%s: not covered", c->name);
		EXPECT_TRUE(!needs || covered[cmd]);
	}
}

/* A batch with one op of msg_op, leaving out attribute omit (0: none). */
static int batch_without(struct rawnl *r, uint8_t msg_op, int omit,
			 struct rawnl_reply *rep)
{
	struct nl_msg *m = rawnl_msg(r, SECMSG_CMD_MSG_BATCH, 0, 256);
	struct nlattr *op;

	if (!m)
		return -ENOMEM;
	op = nla_nest_start(m, SECMSG_A_OP | NLA_F_NESTED);
	if (omit != SECMSG_OP_A_MSG_OP)
		nla_put_u8(m, SECMSG_OP_A_MSG_OP, msg_op);
	if (omit != SECMSG_OP_A_SESSION_ID)
		nla_put_u64(m, SECMSG_OP_A_SESSION_ID, u64_id);
	if (omit != SECMSG_OP_A_DATA)
		nla_put(m, SECMSG_OP_A_DATA, 8, b32);
	if (msg_op == SECMSG_MSG_RESEAL && omit != SECMSG_OP_A_PEER_SESSION_ID)
		nla_put_u64(m, SECMSG_OP_A_PEER_SESSION_ID, u64_id);
	nla_nest_end(m, op);
	return rawnl_xact(r, m, rep);
}

TEST_F(pol, batch_missing_attributes_named)
{
	static const struct { uint8_t op; int omit; } c[] = {
		{ SECMSG_MSG_SEAL, SECMSG_OP_A_MSG_OP },
		{ SECMSG_MSG_SEAL, SECMSG_OP_A_SESSION_ID },
		{ SECMSG_MSG_SEAL, SECMSG_OP_A_DATA },
		{ SECMSG_MSG_RESEAL, SECMSG_OP_A_PEER_SESSION_ID },
	};
	struct rawnl_reply rep;
	struct nl_msg *m;
	size_t i;
	int err;

	/* no op at all: the top-level attribute */
	m = rawnl_msg(&self->raw, SECMSG_CMD_MSG_BATCH, 0, 64);
	err = rawnl_xact(&self->raw, m, &rep);
	EXPECT_EQ(-EINVAL, err);
	EXPECT_EQ(SECMSG_A_OP, rep.miss_type);
	EXPECT_EQ(-1, rep.miss_nest_type);
	rawnl_reply_free(&rep);
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		err = batch_without(&self->raw, c[i].op, c[i].omit, &rep);
		TH_LOG("op %d without %s: %s, miss_type %d in %d, \"%s\"",
		       c[i].op, secmsg_op_attr_spec[c[i].omit].name,
		       errname(err), rep.miss_type, rep.miss_nest_type,
		       rep.extack);
		EXPECT_EQ(-EINVAL, err);
		EXPECT_EQ(c[i].omit, rep.miss_type);
		EXPECT_EQ(SECMSG_A_OP, rep.miss_nest_type);
		EXPECT_TRUE(rep.has_extack && rep.extack[0]);
		rawnl_reply_free(&rep);
	}
	/* and the op with everything is no policy error */
	err = batch_without(&self->raw, SECMSG_MSG_RESEAL, 0, &rep);
	EXPECT_EQ(0, err);
	EXPECT_EQ(-1, rep.miss_type);
	rawnl_reply_free(&rep);
}

TEST_HARNESS_MAIN
