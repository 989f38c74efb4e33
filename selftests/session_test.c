// SPDX-License-Identifier: GPL-2.0
/*
 * Sessions: new, get, del, set policy and algorithm, rotate, validation of
 * user ids and secrets, ids asked for, unknown ids, max_sessions, and that
 * no reply ever carries a secret or a key.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "common.h"
#include "rawnl.h"

#define MAX_IDS 4096

FIXTURE(sess) {
	struct secmsg_nl *nl;
	struct rawnl raw;
	uint64_t ids[MAX_IDS];
	int n_ids;
	long maxs_orig;		/* max_sessions to restore, 0: untouched */
};

static int write_param(long v);

FIXTURE_SETUP(sess)
{
	self->nl = nl_open_or_null();
	ASSERT_NE(NULL, self->nl);
	ASSERT_EQ(0, rawnl_open(&self->raw));
}

FIXTURE_TEARDOWN(sess)
{
	int i;

	if (self->maxs_orig)
		write_param(self->maxs_orig);
	for (i = 0; i < self->n_ids; i++)
		del_quiet(self->nl, self->ids[i]);
	if (self->nl)
		secmsg_nl_close(self->nl);
	rawnl_close(&self->raw);
}

static void track(FIXTURE_DATA(sess) *self, uint64_t id)
{
	if (self->n_ids < MAX_IDS)
		self->ids[self->n_ids++] = id;
}

static int new_client(FIXTURE_DATA(sess) *self, struct client *c, int alg,
		      const struct secmsg_policy *pol,
		      struct secmsg_session_info *info)
{
	int err = client_new(self->nl, c, alg, pol, 0, info);

	if (!err)
		track(self, c->id);
	return err;
}

TEST_F(sess, new_get_defaults)
{
	struct secmsg_session_info a, b;
	struct client c;
	uint64_t now = time(NULL);

	ASSERT_EQ(0, new_client(self, &c, SECMSG_ALG_CHACHA20_POLY1305, NULL,
				&a));
	EXPECT_NE(0, a.id);
	EXPECT_STREQ(c.user_id, a.user_id);
	EXPECT_EQ(SECMSG_ALG_CHACHA20_POLY1305, a.alg);
	EXPECT_EQ(SECMSG_STATE_ACTIVE, a.state);
	EXPECT_EQ(0, a.epoch);
	EXPECT_EQ(0, a.flags);
	EXPECT_EQ(3600, a.policy.rotate_interval);
	EXPECT_EQ(1ULL << 20, a.policy.max_messages);
	EXPECT_EQ(86400, a.policy.timeout);
	EXPECT_EQ(3600, a.policy.idle_timeout);
	EXPECT_EQ(10, a.policy.rekey_grace);
	EXPECT_EQ(0, a.counters.tx_messages);
	EXPECT_EQ(0, a.counters.rx_messages);
	EXPECT_EQ(0, a.counters.rotations);
	EXPECT_LE(now - 5, a.created);
	EXPECT_GE(now + 5, a.created);
	/* idle timeout (1 h) comes before the absolute one (24 h) */
	EXPECT_LE(now + 3600 - 5, a.expires);
	EXPECT_GE(now + 3600 + 5, a.expires);
	EXPECT_LE(now + 3600 - 5, a.rekey_at);
	EXPECT_GE(now + 3600 + 5, a.rekey_at);

	ASSERT_EQ(0, secmsg_session_get(self->nl, a.id, &b));
	EXPECT_EQ(a.id, b.id);
	EXPECT_STREQ(a.user_id, b.user_id);
	EXPECT_EQ(a.alg, b.alg);
	EXPECT_EQ(a.epoch, b.epoch);
	EXPECT_EQ(a.created, b.created);
	EXPECT_EQ(a.policy.max_messages, b.policy.max_messages);
}

TEST_F(sess, ids_random_nonzero_distinct)
{
	uint64_t ids[64];
	int i, j, a;
	bool high = false;

	for (i = 0; i < 64; i++) {
		struct client c;

		ASSERT_EQ(0, new_client(self, &c, test_algs[i % N_ALGS], NULL,
					NULL));
		ids[i] = c.id;
		ASSERT_NE(0, ids[i]);
		for (j = 0; j < i; j++)
			ASSERT_NE(ids[j], ids[i]);
		if (ids[i] >> 40)
			high = true;
	}
	/* random 64-bit ids, not a counter */
	EXPECT_TRUE(high);
	for (a = 0, i = 1; i < 64; i++)
		if (ids[i] == ids[i - 1] + 1)
			a++;
	EXPECT_LT(a, 4);
}

TEST_F(sess, del_then_enoent)
{
	struct secmsg_session_info info;
	struct secmsg_stats s0, s1, s2;
	struct client c;

	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s0));
	ASSERT_EQ(0, client_new(self->nl, &c, SECMSG_ALG_TWOFISH_CBC, NULL, 0,
				NULL));
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s1));
	EXPECT_EQ(s0.v[SECMSG_STATS_A_SESSIONS] + 1,
		  s1.v[SECMSG_STATS_A_SESSIONS]);
	EXPECT_EQ(s0.v[SECMSG_STATS_A_SESSIONS_TWOFISH_CBC] + 1,
		  s1.v[SECMSG_STATS_A_SESSIONS_TWOFISH_CBC]);
	EXPECT_EQ(s0.v[SECMSG_STATS_A_CREATED] + 1,
		  s1.v[SECMSG_STATS_A_CREATED]);
	ASSERT_EQ(0, secmsg_session_del(self->nl, c.id));
	EXPECT_EQ(-ENOENT, secmsg_session_get(self->nl, c.id, &info));
	EXPECT_EQ(-ENOENT, secmsg_session_del(self->nl, c.id));
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s2));
	EXPECT_EQ(s0.v[SECMSG_STATS_A_SESSIONS], s2.v[SECMSG_STATS_A_SESSIONS]);
	EXPECT_EQ(s0.v[SECMSG_STATS_A_SESSIONS_TWOFISH_CBC],
		  s2.v[SECMSG_STATS_A_SESSIONS_TWOFISH_CBC]);
	EXPECT_EQ(s1.v[SECMSG_STATS_A_DELETED] + 1,
		  s2.v[SECMSG_STATS_A_DELETED]);
}

TEST_F(sess, set_policy_read_back)
{
	struct secmsg_session_info a, b;
	struct secmsg_policy p = {
		.has_rotate_interval = true, .rotate_interval = 1234,
		.has_max_messages = true, .max_messages = 99999,
		.has_timeout = true, .timeout = 7777,
		.has_idle_timeout = true, .idle_timeout = 555,
		.has_rekey_grace = true, .rekey_grace = 42,
	};
	struct client c;

	ASSERT_EQ(0, new_client(self, &c, SECMSG_ALG_AES_256_GCM, NULL, &a));
	ASSERT_EQ(0, secmsg_session_set(self->nl, c.id, 0, &p, &b));
	EXPECT_EQ(1234, b.policy.rotate_interval);
	EXPECT_EQ(99999, b.policy.max_messages);
	EXPECT_EQ(7777, b.policy.timeout);
	EXPECT_EQ(555, b.policy.idle_timeout);
	EXPECT_EQ(42, b.policy.rekey_grace);
	EXPECT_EQ(0, b.epoch);	/* a policy change alone does not rotate */
	EXPECT_EQ(SECMSG_ALG_AES_256_GCM, b.alg);
	ASSERT_EQ(0, secmsg_session_get(self->nl, c.id, &b));
	EXPECT_EQ(1234, b.policy.rotate_interval);
	EXPECT_EQ(99999, b.policy.max_messages);
	EXPECT_EQ(7777, b.policy.timeout);
	EXPECT_EQ(555, b.policy.idle_timeout);
	EXPECT_EQ(42, b.policy.rekey_grace);
	/* expiry follows the new idle timeout */
	EXPECT_GE(b.last_used + 555 + 2, b.expires);
	EXPECT_LE(b.last_used + 555 - 2, b.expires);

	/* only one field: the others keep their value */
	memset(&p, 0, sizeof(p));
	p.has_idle_timeout = true;
	p.idle_timeout = 0;	/* zero disables */
	ASSERT_EQ(0, secmsg_session_set(self->nl, c.id, 0, &p, &b));
	EXPECT_EQ(0, b.policy.idle_timeout);
	EXPECT_EQ(1234, b.policy.rotate_interval);
	EXPECT_EQ(99999, b.policy.max_messages);
	EXPECT_EQ(7777, b.policy.timeout);
	EXPECT_EQ(42, b.policy.rekey_grace);
	EXPECT_GE(b.created + 7777 + 2, b.expires);
	EXPECT_LE(b.created + 7777 - 2, b.expires);
	/* and every limit off: no expiry, no rekey time */
	p.has_timeout = p.has_rotate_interval = true;
	p.timeout = p.rotate_interval = 0;
	ASSERT_EQ(0, secmsg_session_set(self->nl, c.id, 0, &p, &b));
	EXPECT_EQ(0, b.expires);
	EXPECT_EQ(0, b.rekey_at);
}

TEST_F(sess, set_policy_out_of_range)
{
	struct secmsg_session_info b;
	struct secmsg_policy p = { .has_rekey_grace = true,
				   .rekey_grace = SECMSG_REKEY_GRACE_MAX + 1 };
	struct client c;
	int err;

	ASSERT_EQ(0, new_client(self, &c, SECMSG_ALG_AES_256_GCM, NULL, NULL));
	err = secmsg_session_set(self->nl, c.id, 0, &p, &b);
	TH_LOG("grace 601: %s (%s)", errname(err),
	       secmsg_nl_errmsg(self->nl));
	EXPECT_TRUE(err == -EINVAL || err == -ERANGE);
	EXPECT_NE(NULL, secmsg_nl_errmsg(self->nl));
	p.rekey_grace = SECMSG_REKEY_GRACE_MAX;
	ASSERT_EQ(0, secmsg_session_set(self->nl, c.id, 0, &p, &b));
	EXPECT_EQ(SECMSG_REKEY_GRACE_MAX, b.policy.rekey_grace);
	/* max_messages is capped at 2^48: rejected or clamped, never above */
	memset(&p, 0, sizeof(p));
	p.has_max_messages = true;
	p.max_messages = SECMSG_MAX_MESSAGES_LIMIT + 1;
	err = secmsg_session_set(self->nl, c.id, 0, &p, &b);
	TH_LOG("max_messages 2^48+1: %s", errname(err));
	if (!err) {
		EXPECT_EQ(SECMSG_MAX_MESSAGES_LIMIT, b.policy.max_messages);
	} else {
		EXPECT_TRUE(err == -EINVAL || err == -ERANGE);
	}
}

TEST_F(sess, set_alg_rotates)
{
	struct secmsg_session_info a, b;
	struct secmsg_msg_result r = { 0 };
	struct secmsg_stats s0, s1;
	uint8_t out[128];
	struct secmsg_hdr h;
	struct client c;

	ASSERT_EQ(0, new_client(self, &c, SECMSG_ALG_AES_256_GCM, NULL, &a));
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s0));
	ASSERT_EQ(0, secmsg_session_set(self->nl, c.id,
					SECMSG_ALG_TWOFISH_CBC, NULL, &b));
	EXPECT_EQ(1, b.epoch);
	EXPECT_EQ(SECMSG_ALG_TWOFISH_CBC, b.alg);
	EXPECT_EQ(1, b.counters.rotations);
	/* the session counts under its new algorithm now */
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s1));
	EXPECT_EQ(s0.v[SECMSG_STATS_A_SESSIONS], s1.v[SECMSG_STATS_A_SESSIONS]);
	EXPECT_EQ(s0.v[SECMSG_STATS_A_SESSIONS_AES_256_GCM] - 1,
		  s1.v[SECMSG_STATS_A_SESSIONS_AES_256_GCM]);
	EXPECT_EQ(s0.v[SECMSG_STATS_A_SESSIONS_TWOFISH_CBC] + 1,
		  s1.v[SECMSG_STATS_A_SESSIONS_TWOFISH_CBC]);
	ASSERT_EQ(0, secmsg_session_get(self->nl, c.id, &b));
	EXPECT_EQ(1, b.epoch);
	EXPECT_EQ(SECMSG_ALG_TWOFISH_CBC, b.alg);
	/* messages now use S(1) and twofish */
	ASSERT_EQ(0, secmsg_msg(self->nl, SECMSG_MSG_SEAL, c.id, 0,
				(const uint8_t *)"hello", 5, &r));
	EXPECT_EQ(1, r.epoch);
	EXPECT_EQ(0, r.seq);
	client_move_to(&c, 1, SECMSG_ALG_TWOFISH_CBC);
	ASSERT_EQ(5, client_open(&c, r.data, r.len, &h, out));
	EXPECT_EQ(SECMSG_ALG_TWOFISH_CBC, h.alg);
	EXPECT_EQ(0, memcmp(out, "hello", 5));
	secmsg_msg_result_free(&r);
	/* a second switch: epoch 2, chacha */
	ASSERT_EQ(0, secmsg_session_set(self->nl, c.id,
					SECMSG_ALG_CHACHA20_POLY1305, NULL,
					&b));
	EXPECT_EQ(2, b.epoch);
	EXPECT_EQ(SECMSG_ALG_CHACHA20_POLY1305, b.alg);
	EXPECT_EQ(2, b.counters.rotations);
	/* unknown algorithm: rejected, nothing changes */
	EXPECT_TRUE(secmsg_session_set(self->nl, c.id, 4, NULL, &b) < 0);
	ASSERT_EQ(0, secmsg_session_get(self->nl, c.id, &b));
	EXPECT_EQ(2, b.epoch);
	EXPECT_EQ(SECMSG_ALG_CHACHA20_POLY1305, b.alg);
}

TEST_F(sess, rotate)
{
	struct secmsg_session_info b;
	struct client c;
	struct secmsg_stats s0, s1;
	int i;

	ASSERT_EQ(0, new_client(self, &c, SECMSG_ALG_AES_256_GCM, NULL, NULL));
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s0));
	for (i = 1; i <= 3; i++) {
		ASSERT_EQ(0, secmsg_session_rotate(self->nl, c.id, &b));
		EXPECT_EQ((uint32_t)i, b.epoch);
		EXPECT_EQ((uint64_t)i, b.counters.rotations);
		EXPECT_EQ(SECMSG_ALG_AES_256_GCM, b.alg);
	}
	ASSERT_EQ(0, secmsg_session_get(self->nl, c.id, &b));
	EXPECT_EQ(3, b.epoch);
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s1));
	EXPECT_EQ(s0.v[SECMSG_STATS_A_ROTATIONS] + 3,
		  s1.v[SECMSG_STATS_A_ROTATIONS]);
}

TEST_F(sess, unknown_id_enoent)
{
	struct secmsg_session_info b;
	struct secmsg_msg_result r = { 0 };
	struct secmsg_policy p = { .has_timeout = true, .timeout = 5 };
	struct secmsg_stats s0, s1;
	uint8_t msg[64] = { 0 }, pt[24] = { 0 };
	uint64_t bogus = rand_u64() | 1;
	struct client c;

	ASSERT_EQ(0, new_client(self, &c, SECMSG_ALG_AES_256_GCM, NULL, NULL));
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s0));
	EXPECT_EQ(-ENOENT, secmsg_session_get(self->nl, bogus, &b));
	EXPECT_EQ(-ENOENT, secmsg_session_del(self->nl, bogus));
	EXPECT_EQ(-ENOENT, secmsg_session_set(self->nl, bogus, 0, &p, &b));
	EXPECT_EQ(-ENOENT, secmsg_session_set(self->nl, bogus,
					      SECMSG_ALG_TWOFISH_CBC, NULL,
					      &b));
	EXPECT_EQ(-ENOENT, secmsg_session_rotate(self->nl, bogus, &b));
	EXPECT_EQ(-ENOENT, secmsg_msg(self->nl, SECMSG_MSG_SEAL, bogus, 0,
				      msg, 5, &r));
	ASSERT_EQ(64, client_seal_at(&c, 0, c.alg, 0, pt, sizeof(pt), msg));
	put_be64(msg + HDR_OFF_SESSION, bogus);
	EXPECT_EQ(-ENOENT, secmsg_msg(self->nl, SECMSG_MSG_OPEN, bogus, 0,
				      msg, 64, &r));
	EXPECT_EQ(-ENOENT, secmsg_msg(self->nl, SECMSG_MSG_RESEAL, bogus,
				      c.id, msg, 64, &r));
	/* known source, unknown destination */
	ASSERT_EQ(64, client_seal(&c, pt, sizeof(pt), msg));
	EXPECT_EQ(-ENOENT, secmsg_msg(self->nl, SECMSG_MSG_RESEAL, c.id,
				      bogus, msg, 64, &r));
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s1));
	EXPECT_LE(s0.v[SECMSG_STATS_A_NO_SESSION] + 4,
		  s1.v[SECMSG_STATS_A_NO_SESSION]);
}

/* ---------------------------------------------------------------- */
/* Raw requests: validation and extack */

enum { OM_UID = 1, OM_ALG = 2, OM_C2S = 4, OM_S2C = 8 };

struct nreq {
	const char *uid;	/* put as a NUL-terminated string */
	const void *uid_raw;	/* or these bytes as they are */
	size_t uid_raw_len;
	int alg;
	size_t c2s_len, s2c_len;
	uint32_t flags;
	bool has_flags;
	unsigned int omit;
	const uint8_t *c2s, *s2c;	/* NULL: zeros */
	uint64_t id;			/* SESSION_ID, when has_id */
	bool has_id;
};

static int raw_new(struct rawnl *r, const struct nreq *q,
		   struct rawnl_reply *rep)
{
	static const uint8_t zero[64];
	struct nl_msg *m = rawnl_msg(r, SECMSG_CMD_SESSION_NEW, 0, 512);

	if (!(q->omit & OM_UID)) {
		if (q->uid_raw)
			nla_put(m, SECMSG_A_USER_ID, q->uid_raw_len, q->uid_raw);
		else
			nla_put_string(m, SECMSG_A_USER_ID, q->uid);
	}
	if (!(q->omit & OM_ALG))
		nla_put_u32(m, SECMSG_A_ALG, q->alg);
	if (!(q->omit & OM_C2S))
		nla_put(m, SECMSG_A_SECRET_C2S, q->c2s_len,
			q->c2s ? q->c2s : zero);
	if (!(q->omit & OM_S2C))
		nla_put(m, SECMSG_A_SECRET_S2C, q->s2c_len,
			q->s2c ? q->s2c : zero);
	if (q->has_flags)
		nla_put_u32(m, SECMSG_A_FLAGS, q->flags);
	if (q->has_id)
		nla_put_u64(m, SECMSG_A_SESSION_ID, q->id);
	return rawnl_xact(r, m, rep);
}

#define GOOD_NEW { .uid = "alice", .alg = SECMSG_ALG_AES_256_GCM, \
		   .c2s_len = 32, .s2c_len = 32 }

/*
 * want: 0 or the errno; msg: the refusal's exact extack, or NULL: any.
 * Without msg, EINVAL also takes the policy's ERANGE (a length or value
 * out of range); with it the check is named, so its errno is exact.
 */
static void new_expect_msg(struct __test_metadata *_metadata,
			   FIXTURE_DATA(sess) *self, const char *what,
			   const struct nreq *q, int want, const char *msg)
{
	struct rawnl_reply rep;
	int err = raw_new(&self->raw, q, &rep);

	TH_LOG("%s: %s, extack \"%s\"", what, errname(err), rep.extack);
	if (!err && rep.tb[SECMSG_A_SESSION_ID])
		track(self, nla_get_u64(rep.tb[SECMSG_A_SESSION_ID]));
	if (want == 0) {
		EXPECT_EQ(0, err);
		EXPECT_NE(NULL, rep.tb[SECMSG_A_SESSION_ID]);
	} else {
		EXPECT_TRUE(err == -want ||
			    (want == EINVAL && !msg && err == -ERANGE));
		EXPECT_TRUE(rep.has_extack && rep.extack[0]);
		if (msg)
			EXPECT_STREQ(msg, rep.extack);
	}
	rawnl_reply_free(&rep);
}

static void new_expect(struct __test_metadata *_metadata,
		       FIXTURE_DATA(sess) *self, const char *what,
		       const struct nreq *q, int want)
{
	new_expect_msg(_metadata, self, what, q, want, NULL);
}

TEST_F(sess, user_id_validation)
{
	static const char *const bad[] = {
		"", ".alice", "-alice", "al ice", "al/ice", "al:ice",
		"al\\ice", "al\"ice", "alice\n", "al\xc3\xa9ice", "al*",
		"a+b", "a,b", "a;b", "a~b",
	};
	static const char *const good[] = {
		"a", "A.b-c_d@e", "_x", "@x", "0", "x.", "x-",
	};
	char u64[65], u65[66];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct nreq q = GOOD_NEW;

		q.uid = bad[i];
		new_expect(_metadata, self, bad[i], &q, EINVAL);
	}
	for (i = 0; i < ARRAY_SIZE(good); i++) {
		struct nreq q = GOOD_NEW;

		q.uid = good[i];
		new_expect(_metadata, self, good[i], &q, 0);
	}
	memset(u64, 'u', 64);
	u64[64] = 0;
	memset(u65, 'v', 65);
	u65[65] = 0;
	{
		struct nreq q = GOOD_NEW;

		q.uid = u64;
		new_expect(_metadata, self, "64 bytes", &q, 0);
		q.uid = u65;
		new_expect(_metadata, self, "65 bytes", &q, EINVAL);
		/* not NUL-terminated */
		q.uid = NULL;
		q.uid_raw = "bob";
		q.uid_raw_len = 3;
		new_expect(_metadata, self, "no NUL", &q, EINVAL);
	}
}

TEST_F(sess, missing_and_bad_attrs)
{
	static const struct { unsigned int omit; const char *what; } miss[] = {
		{ OM_UID, "no USER_ID" }, { OM_ALG, "no ALG" },
		{ OM_C2S, "no SECRET_C2S" }, { OM_S2C, "no SECRET_S2C" },
		{ OM_C2S | OM_S2C, "no secrets" },
	};
	static const size_t lens[] = { 0, 16, 31, 33, 64 };
	static const int algs[] = { 0, 4, 255 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(miss); i++) {
		struct nreq q = GOOD_NEW;

		q.omit = miss[i].omit;
		new_expect(_metadata, self, miss[i].what, &q, EINVAL);
	}
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		struct nreq q = GOOD_NEW;
		char what[64];

		q.c2s_len = lens[i];
		snprintf(what, sizeof(what), "c2s %zu bytes", lens[i]);
		new_expect(_metadata, self, what, &q, EINVAL);
		q.c2s_len = 32;
		q.s2c_len = lens[i];
		snprintf(what, sizeof(what), "s2c %zu bytes", lens[i]);
		new_expect(_metadata, self, what, &q, EINVAL);
	}
	for (i = 0; i < ARRAY_SIZE(algs); i++) {
		struct nreq q = GOOD_NEW;
		char what[64];

		q.alg = algs[i];
		snprintf(what, sizeof(what), "alg %d", algs[i]);
		new_expect(_metadata, self, what, &q, EINVAL);
	}
	{
		struct nreq q = GOOD_NEW;

		q.has_flags = true;
		q.flags = 1U << 1;
		new_expect(_metadata, self, "unknown flag", &q, EINVAL);
		q.flags = 0;
		new_expect(_metadata, self, "flags 0", &q, 0);
	}
}

/*
 * A session id asked for: the session gets it; asked again while it
 * lives: EEXIST, and the first session is untouched; 0 is no id.
 */
TEST_F(sess, chosen_id)
{
	struct secmsg_session_info info;
	struct rawnl_reply rep;
	struct nreq q = GOOD_NEW;
	uint64_t id = rand_u64() | 1;
	int err;

	q.has_id = true;
	q.id = id;
	err = raw_new(&self->raw, &q, &rep);
	ASSERT_EQ(0, err);
	ASSERT_NE(NULL, rep.tb[SECMSG_A_SESSION_ID]);
	EXPECT_EQ(id, nla_get_u64(rep.tb[SECMSG_A_SESSION_ID]));
	track(self, id);
	rawnl_reply_free(&rep);
	ASSERT_EQ(0, secmsg_session_get(self->nl, id, &info));
	EXPECT_STREQ("alice", info.user_id);

	q.uid = "bob";
	new_expect_msg(_metadata, self, "the same id again", &q, EEXIST,
		       "a session with this id exists");
	ASSERT_EQ(0, secmsg_session_get(self->nl, id, &info));
	EXPECT_STREQ("alice", info.user_id);

	q.id = 0;
	new_expect_msg(_metadata, self, "id 0", &q, EINVAL,
		       "session id 0 is not an id");
}

/*
 * Every command checks the generic netlink header strictly: a nonzero
 * reserved field, or nlmsg_flags the core does not consume, is EINVAL
 * with an extack message; the same request with a clean header works.
 */
TEST_F(sess, strict_header)
{
	static const uint8_t cmds[] = { SECMSG_CMD_STATS_GET,
					SECMSG_CMD_SESSION_GET,
					SECMSG_CMD_IDENTITY_GET,
					SECMSG_CMD_HANDSHAKE_CONFIRM };
	/* each bad header: the reserved field, or nlmsg_flags */
	static const struct {
		uint8_t reserved;
		int flags;
		const char *extack;
	} bad[] = {
		{ 1, 0, "reserved" },
		{ 0, NLM_F_CREATE, "nlmsg_flags" },
	};
	struct rawnl_reply rep;
	struct nl_msg *m;
	size_t i, j;
	int err;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		for (j = 0; j < ARRAY_SIZE(bad); j++) {
			m = rawnl_msg(&self->raw, cmds[i], bad[j].flags, 64);
			ASSERT_NE(NULL, m);
			((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(m)))->reserved =
				bad[j].reserved;
			err = rawnl_xact(&self->raw, m, &rep);
			TH_LOG("cmd %u, reserved %u, flags %#x: %s \"%s\"",
			       cmds[i], bad[j].reserved, bad[j].flags,
			       errname(err), rep.extack);
			EXPECT_EQ(-EINVAL, err);
			EXPECT_NE(NULL, strstr(rep.extack, bad[j].extack));
			rawnl_reply_free(&rep);
		}
	}
	m = rawnl_msg(&self->raw, SECMSG_CMD_STATS_GET, 0, 64);
	ASSERT_NE(NULL, m);
	EXPECT_EQ(0, rawnl_xact(&self->raw, m, &rep));
	EXPECT_EQ(1, rep.nmsgs);
	rawnl_reply_free(&rep);
}

/* ---------------------------------------------------------------- */
/* max_sessions */

#define MAXS_PARAM "/sys/module/secmsg/parameters/max_sessions"

static long read_param(void)
{
	FILE *f = fopen(MAXS_PARAM, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int write_param(long v)
{
	FILE *f = fopen(MAXS_PARAM, "w");
	int ok;

	if (!f)
		return -errno;
	ok = fprintf(f, "%ld\n", v) > 0;
	ok = !fclose(f) && ok;
	return ok ? 0 : -EIO;
}

TEST_F_TIMEOUT(sess, max_sessions_enospc, 300)
{
	struct secmsg_stats st;
	long orig = read_param(), limit, now, i, made = 0;
	bool wrote = false;
	int err = 0;

	ASSERT_LT(0, orig);
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &st));
	now = st.v[SECMSG_STATS_A_SESSIONS];
	if (access(MAXS_PARAM, W_OK) == 0 && write_param(now + 5) == 0) {
		wrote = true;
		self->maxs_orig = orig;
		limit = now + 5;
		TH_LOG("max_sessions %ld -> %ld (writable)", orig, limit);
	} else {
		limit = orig;
		if (limit - now > 20000)
			SKIP(return, "max_sessions %ld read-only and too big",
			     orig);
	}
	for (i = 0; i < limit - now + 1 && !err; i++) {
		struct client c;

		err = client_new(self->nl, &c, SECMSG_ALG_AES_256_GCM, NULL, 0,
				 NULL);
		if (!err) {
			track(self, c.id);
			made++;
		}
	}
	TH_LOG("created %ld of %ld free, then %s (%s)", made, limit - now,
	       errname(err), secmsg_nl_errmsg(self->nl));
	EXPECT_EQ(-ENOSPC, err);
	EXPECT_EQ(limit - now, made);
	/* deleting one makes room for one */
	if (made) {
		struct client c;

		ASSERT_EQ(0, secmsg_session_del(self->nl,
						self->ids[self->n_ids - 1]));
		self->n_ids--;
		ASSERT_EQ(0, client_new(self->nl, &c, SECMSG_ALG_AES_256_GCM,
					NULL, 0, NULL));
		track(self, c.id);
	}
	if (wrote) {
		EXPECT_EQ(0, write_param(orig));
		self->maxs_orig = 0;
	}
	EXPECT_EQ(orig, read_param());
}

/* ---------------------------------------------------------------- */
/* Secrets and keys never leave the kernel */

struct secret_set {
	uint8_t v[64][32];
	int n;
};

static void add_dir(struct secret_set *s, const struct client *c,
		    enum secmsg_dir d, uint32_t max_epoch)
{
	uint32_t e;

	for (e = 0; e <= max_epoch && s->n + 4 <= 64; e++) {
		struct secmsg_dir_keys k;

		client_keys_at(c, d, e, &k);
		memcpy(s->v[s->n++], k.secret, 32);
		memcpy(s->v[s->n++], k.key, 32);
		secmsg_twofish_subkeys(k.key, s->v[s->n], s->v[s->n + 1]);
		s->n += 2;
		secmsg_dir_wipe(&k);
	}
}

static int scan(const struct secret_set *s, const void *buf, size_t len)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (mem_contains(buf, len, s->v[i], 32))
			return i;
	return -1;
}

static struct nl_msg *id_msg(struct rawnl *r, int cmd, uint64_t id)
{
	struct nl_msg *m = rawnl_msg(r, cmd, 0, 64);

	nla_put_u64(m, SECMSG_A_SESSION_ID, id);
	return m;
}

TEST_F(sess, no_secret_in_replies)
{
	struct secret_set *set = calloc(1, sizeof(*set));
	struct rawnl ev;
	struct rawnl_reply rep;
	struct client c, d;
	struct nl_msg *m;
	uint8_t msg[256], evbuf[8192];
	long n, total = 0;
	int i, err, replies = 0;

	ASSERT_EQ(0, rawnl_open(&ev));
	ASSERT_EQ(0, rawnl_subscribe(&ev));
	/* NEW through raw netlink, with our own secrets */
	memset(&c, 0, sizeof(c));
	rand_bytes(c.secret_c2s, 32);
	rand_bytes(c.secret_s2c, 32);
	c.alg = SECMSG_ALG_TWOFISH_CBC;
	{
		struct nreq q = GOOD_NEW;

		q.alg = c.alg;
		q.c2s = c.secret_c2s;
		q.s2c = c.secret_s2c;
		ASSERT_EQ(0, raw_new(&self->raw, &q, &rep));
	}
	ASSERT_NE(NULL, rep.tb[SECMSG_A_SESSION_ID]);
	c.id = nla_get_u64(rep.tb[SECMSG_A_SESSION_ID]);
	track(self, c.id);
	secmsg_dir_init(&c.c2s, SECMSG_DIR_C2S, c.secret_c2s);
	secmsg_dir_init(&c.s2c, SECMSG_DIR_S2C, c.secret_s2c);
	add_dir(set, &c, SECMSG_DIR_C2S, 4);
	add_dir(set, &c, SECMSG_DIR_S2C, 4);
	ASSERT_EQ(-1, scan(set, rep.buf, rep.len));
	rawnl_reply_free(&rep);
	ASSERT_EQ(0, new_client(self, &d, SECMSG_ALG_AES_256_GCM, NULL, NULL));

	for (i = 0; i < 12; i++) {
		switch (i) {
		case 0:
			m = id_msg(&self->raw, SECMSG_CMD_SESSION_GET, c.id);
			break;
		case 1:
			m = rawnl_msg(&self->raw, SECMSG_CMD_SESSION_GET,
				      NLM_F_DUMP, 0);
			break;
		case 2:
			m = id_msg(&self->raw, SECMSG_CMD_SESSION_ROTATE, c.id);
			client_move_to(&c, 1, 0);
			break;
		case 3:
			m = id_msg(&self->raw, SECMSG_CMD_SESSION_SET, c.id);
			nla_put_u32(m, SECMSG_A_ALG, SECMSG_ALG_AES_256_GCM);
			client_move_to(&c, 2, SECMSG_ALG_AES_256_GCM);
			break;
		case 4: case 5:
			m = id_msg(&self->raw, SECMSG_CMD_MSG, c.id);
			nla_put_u8(m, SECMSG_A_MSG_OP, SECMSG_MSG_SEAL);
			nla_put(m, SECMSG_A_DATA, 32, "0123456789abcdef0123456789abcdef");
			break;
		case 6:
			n = client_seal(&c, "ping", 4, msg);
			m = id_msg(&self->raw, SECMSG_CMD_MSG, c.id);
			nla_put_u8(m, SECMSG_A_MSG_OP, SECMSG_MSG_OPEN);
			nla_put(m, SECMSG_A_DATA, n, msg);
			break;
		case 7:
			n = client_seal(&c, "relay", 5, msg);
			m = id_msg(&self->raw, SECMSG_CMD_MSG, c.id);
			nla_put_u8(m, SECMSG_A_MSG_OP, SECMSG_MSG_RESEAL);
			nla_put_u64(m, SECMSG_A_PEER_SESSION_ID, d.id);
			nla_put(m, SECMSG_A_DATA, n, msg);
			break;
		case 8:
			m = rawnl_msg(&self->raw, SECMSG_CMD_STATS_GET, 0, 0);
			break;
		case 9: {
			struct nlattr *op;

			m = rawnl_msg(&self->raw, SECMSG_CMD_MSG_BATCH, 0, 512);
			op = nla_nest_start(m, SECMSG_A_OP);
			nla_put_u8(m, SECMSG_OP_A_MSG_OP, SECMSG_MSG_SEAL);
			nla_put_u64(m, SECMSG_OP_A_SESSION_ID, c.id);
			nla_put(m, SECMSG_OP_A_DATA, 3, "abc");
			nla_nest_end(m, op);
			break;
		}
		case 10: /* a failing open: errors carry no key either */
			n = client_seal(&c, "bad", 3, msg);
			msg[n - 1] ^= 1;
			m = id_msg(&self->raw, SECMSG_CMD_MSG, c.id);
			nla_put_u8(m, SECMSG_A_MSG_OP, SECMSG_MSG_OPEN);
			nla_put(m, SECMSG_A_DATA, n, msg);
			break;
		default:
			m = id_msg(&self->raw, SECMSG_CMD_SESSION_DEL, c.id);
			break;
		}
		err = rawnl_xact(&self->raw, m, &rep);
		TH_LOG("request %d: %s, %zu bytes of reply", i, errname(err),
		       rep.len);
		if (i != 10)
			EXPECT_EQ(0, err);
		EXPECT_EQ(-1, scan(set, rep.buf, rep.len));
		if (rep.nmsgs)
			replies++;
		total += rep.len;
		rawnl_reply_free(&rep);
	}
	EXPECT_LE(9, replies);
	/* every event of the sequence */
	for (i = 0; (n = rawnl_recv_raw(&ev, evbuf, sizeof(evbuf), 500)) > 0;
	     i++) {
		EXPECT_EQ(-1, scan(set, evbuf, n));
		total += n;
	}
	TH_LOG("%d event datagrams, %ld bytes scanned for %d values", i,
	       total, set->n);
	EXPECT_LE(3, i);	/* created, rotated twice, deleted */
	rawnl_close(&ev);
	free(set);
}

TEST_HARNESS_MAIN
