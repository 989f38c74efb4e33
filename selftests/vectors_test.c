// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * docs/vectors.json (docs/protocol.md section 6) against secmsg.ko, each
 * test in a network namespace of its own:
 *  - handshake: the identity set from the vector's static key has the
 *    vector's public key; the kernel's X25519 gives the vector's es, ss,
 *    ee and se (from either side's private keys); with the vector's user
 *    key registered, the vector's message 1 is accepted, and the client
 *    state that made it completes the handshake with the kernel's message
 *    2 (so the kernel's h and ck after message 1 are the vector's); the
 *    payload, the timestamp, is the vector's: the same timestamp in a new
 *    message 1 is a replay, one nanosecond later is not.  The kernel's
 *    own ephemeral and session id are random: its message 2, h, ck, the
 *    secrets and confirm cannot be the vector's and are not compared.
 *  - messages: a session made by SESSION_NEW with the vector's id and
 *    secrets, per algorithm, seals the vector's s2c plaintexts to exactly
 *    the vector's messages (the AEADs; twofish_cbc's IV is random, so its
 *    messages open with the vector's s2c keys instead, and the one-shot
 *    CRYPT op with the vector's key and IV gives the vector's bodies),
 *    and opens the vector's c2s messages to their plaintexts.
 *  - ratchet: after one rotation, the session seals and opens the ratchet
 *    step's messages.
 * The key file is userspace only (tools/lib/tests/test_vectors).
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "kselftest_harness.h"
#include "common.h"
#include <secmsg/handshake.h>
#include <secmsg/nl_identity.h>

#define KLEN SECMSG_X25519_LEN
#define VECTORS_JSON "docs/vectors.json"

/* Decoded hex members, freed in teardown. */
static uint8_t *bufs[128];
static int nbufs;

static const uint8_t *hexm(const cJSON *o, const char *name, size_t *len)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
	uint8_t *b = NULL;
	size_t n = 0;

	if (!cJSON_IsString(it) || hex_decode(it->valuestring, &b, &n) ||
	    nbufs >= (int)(sizeof(bufs) / sizeof(bufs[0]))) {
		free(b);
		DIAG("%s: missing or not hex", name);
		return NULL;
	}
	bufs[nbufs++] = b;
	if (len)
		*len = n;
	return b;
}

static const uint8_t *hexk(const cJSON *o, const char *name)
{
	size_t n = 0;
	const uint8_t *p = hexm(o, name, &n);

	return p && n == KLEN ? p : NULL;
}

/* A 32-byte key of the handshake's key pair who ("private"/"public"). */
static const uint8_t *pair_key(const cJSON *hs, const char *who,
			       const char *part)
{
	return hexk(cJSON_GetObjectItem(hs, who), part);
}

static uint64_t sid_of(const cJSON *o)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, "session_id");

	return cJSON_IsString(it) ? strtoull(it->valuestring, NULL, 16) : 0;
}

FIXTURE(vec) {
	struct secmsg_nl *nl;
	cJSON *json;
	const cJSON *hs;
	const uint8_t *c2s0, *s2c0;
};

FIXTURE_SETUP(vec)
{
	/* a namespace of our own: identity, users and ids are ours */
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	self->json = json_load(VECTORS_JSON);
	ASSERT_NE(NULL, self->json) {
		TH_LOG("cannot read %s (run from the repository root)",
		       VECTORS_JSON);
	}
	self->hs = cJSON_GetObjectItem(self->json, "handshake");
	self->c2s0 = hexk(self->hs, "secret_c2s");
	self->s2c0 = hexk(self->hs, "secret_s2c");
	ASSERT_NE(NULL, self->c2s0);
	ASSERT_NE(NULL, self->s2c0);
	self->nl = nl_open_or_null();
	ASSERT_NE(NULL, self->nl);
}

FIXTURE_TEARDOWN(vec)
{
	if (self->nl)
		secmsg_nl_close(self->nl);
	cJSON_Delete(self->json);
	while (nbufs)
		free(bufs[--nbufs]);
}

/* A message 1 of the vector's user and keys with another ephemeral. */
static int msg1_at(const cJSON *hs, const struct secmsg_hs_timestamp *ts,
		   uint8_t *msg1, size_t *len)
{
	struct secmsg_hs_state st;
	int err;

	err = secmsg_hs_init_ex(&st,
				cJSON_GetStringValue(cJSON_GetObjectItem(hs, "user")),
				(int)cJSON_GetNumberValue(cJSON_GetObjectItem(hs, "alg_id")),
				pair_key(hs, "client_static", "private"),
				pair_key(hs, "server_static", "public"), NULL,
				ts, msg1, len);
	secmsg_hs_wipe(&st);
	return err;
}

TEST_F(vec, handshake)
{
	const cJSON *hs = self->hs, *dh = cJSON_GetObjectItem(hs, "dh");
	const cJSON *jts = cJSON_GetObjectItem(hs, "timestamp");
	const uint8_t *c = pair_key(hs, "client_static", "private");
	const uint8_t *C = pair_key(hs, "client_static", "public");
	const uint8_t *s = pair_key(hs, "server_static", "private");
	const uint8_t *S = pair_key(hs, "server_static", "public");
	const uint8_t *e_c = pair_key(hs, "client_ephemeral", "private");
	const uint8_t *E_c = pair_key(hs, "client_ephemeral", "public");
	const uint8_t *e_s = pair_key(hs, "server_ephemeral", "private");
	const uint8_t *E_s = pair_key(hs, "server_ephemeral", "public");
	const char *user = cJSON_GetStringValue(cJSON_GetObjectItem(hs, "user"));
	struct secmsg_hs_timestamp ts = {
		(uint64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(jts, "sec")),
		(uint32_t)cJSON_GetNumberValue(cJSON_GetObjectItem(jts, "nsec")),
	};
	uint8_t pub[KLEN], shared[KLEN], msg1[SECMSG_HS_INIT_MAX];
	uint8_t msg2[SECMSG_HS_RESPONSE_LEN], msg3[SECMSG_HS_CONFIRM_LEN];
	uint8_t c2s[KLEN], s2c[KLEN];
	struct secmsg_session_info info;
	struct secmsg_hs_state st;
	const uint8_t *vmsg1;
	size_t len = sizeof(msg1), vlen = 0, len2 = sizeof(msg2);
	uint64_t kid = 0, cid = 0;
	int i;
	struct {
		const char *name;
		const uint8_t *priv, *pub;
	} dhs[] = {
		{ "es", e_c, S }, { "es", s, E_c }, { "ss", c, S },
		{ "ss", s, C }, { "ee", e_s, E_c }, { "se", e_s, C },
	};

	vmsg1 = hexm(hs, "message1", &vlen);
	ASSERT_TRUE(c && C && s && S && e_c && E_c && e_s && E_s && user &&
		    vmsg1);

	/* the identity from the vector's static key */
	ASSERT_EQ(0, secmsg_identity_set(self->nl, s, pub));
	EXPECT_EQ(0, memcmp(pub, S, KLEN));
	ASSERT_EQ(0, secmsg_identity_get(self->nl, pub));
	EXPECT_EQ(0, memcmp(pub, S, KLEN));

	/* the kernel's X25519 gives the vector's DH values, either side */
	for (i = 0; i < (int)(sizeof(dhs) / sizeof(dhs[0])); i++) {
		ASSERT_EQ(0, secmsg_crypt_x25519(self->nl, dhs[i].priv,
						 dhs[i].pub, shared));
		EXPECT_EQ(0, memcmp(shared, hexk(dh, dhs[i].name), KLEN)) {
			TH_LOG("DH %s (pair %d)", dhs[i].name, i);
		}
	}

	/* the vector's message 1, from the client state that makes it */
	ASSERT_EQ(0, secmsg_user_add(self->nl, user, C));
	ASSERT_EQ(0, secmsg_hs_init_ex(&st, user,
				       (int)cJSON_GetNumberValue(
					       cJSON_GetObjectItem(hs, "alg_id")),
				       c, S, e_c, &ts, msg1, &len));
	ASSERT_EQ(vlen, len);
	ASSERT_EQ(0, memcmp(msg1, vmsg1, vlen));
	ASSERT_EQ(0, secmsg_handshake(self->nl, vmsg1, vlen, NULL, 0, &kid,
				      msg2, &len2)) {
		TH_LOG("HANDSHAKE: %s", secmsg_nl_errmsg(self->nl));
	}
	ASSERT_EQ(SECMSG_HS_RESPONSE_LEN, len2);
	EXPECT_EQ(SECMSG_HS_RESPONSE, msg2[0]);
	EXPECT_EQ(kid, get_be64(msg2 + 4));
	/* the kernel's own ephemeral, not the vector's */
	EXPECT_NE(0, memcmp(msg2 + 12, E_s, KLEN));
	/* its tag is keyed by es, ss and the transcript of message 1 */
	ASSERT_EQ(0, secmsg_hs_finish(&st, msg2, len2, &cid, c2s, s2c, msg3));
	EXPECT_EQ(kid, cid);
	ASSERT_EQ(0, secmsg_handshake_confirm(self->nl, kid, msg3,
					      sizeof(msg3), &info)) {
		TH_LOG("CONFIRM: %s", secmsg_nl_errmsg(self->nl));
	}
	EXPECT_EQ(SECMSG_STATE_ACTIVE, info.state);
	explicit_bzero(c2s, sizeof(c2s));
	explicit_bzero(s2c, sizeof(s2c));

	/* the payload: the kernel kept exactly the vector's timestamp */
	len = sizeof(msg1);
	ASSERT_EQ(0, msg1_at(hs, &ts, msg1, &len));
	len2 = sizeof(msg2);
	EXPECT_EQ(-EALREADY, secmsg_handshake(self->nl, msg1, len, NULL, 0,
					      &kid, msg2, &len2));
	ts.nsec++;
	len = sizeof(msg1);
	len2 = sizeof(msg2);
	ASSERT_EQ(0, msg1_at(hs, &ts, msg1, &len));
	EXPECT_EQ(0, secmsg_handshake(self->nl, msg1, len, NULL, 0, &kid,
				      msg2, &len2));
}

/* SESSION_NEW with the vector's id, secrets and alg. */
static int session_at(FIXTURE_DATA(vec) *self, const cJSON *o, int alg,
		      struct secmsg_session_info *info)
{
	struct secmsg_session_params p = {
		.user_id = "alice",
		.alg = alg,
		.secret_c2s = self->c2s0,
		.secret_s2c = self->s2c0,
		.session_id = sid_of(o),
	};

	return secmsg_session_new(self->nl, &p, info);
}

/* The kernel opens each of the vector's c2s messages of o. */
static void open_c2s(struct __test_metadata *_metadata,
		     FIXTURE_DATA(vec) *self, const cJSON *o, uint64_t id)
{
	const cJSON *m;
	int n = 0;

	cJSON_ArrayForEach(m, cJSON_GetObjectItem(cJSON_GetObjectItem(o,
			   "c2s"), "messages")) {
		size_t ml = 0, pl = 0;
		const uint8_t *msg = hexm(m, "message", &ml);
		const uint8_t *pt = hexm(m, "plaintext", &pl);
		struct secmsg_msg_result res;

		ASSERT_TRUE(msg && pt);
		ASSERT_EQ(0, secmsg_msg(self->nl, SECMSG_MSG_OPEN, id, 0, msg,
					ml, &res)) {
			TH_LOG("OPEN %s seq %d: %s",
			       cJSON_GetStringValue(cJSON_GetObjectItem(o, "alg")),
			       n, secmsg_nl_errmsg(self->nl));
		}
		EXPECT_EQ(pl, res.len);
		if (res.len == pl)
			EXPECT_EQ(0, memcmp(res.data, pt, pl));
		secmsg_msg_result_free(&res);
		n++;
	}
	EXPECT_LT(0, n);
}

/*
 * The kernel seals each of the vector's s2c plaintexts of o: exactly the
 * vector's message (AEADs), or one that opens with the vector's keys.
 */
static void seal_s2c(struct __test_metadata *_metadata,
		     FIXTURE_DATA(vec) *self, const cJSON *o, uint64_t id,
		     int alg, uint32_t epoch)
{
	struct secmsg_dir_keys k;
	uint8_t out[512];
	const cJSON *m;
	uint32_t e;
	int n = 0;

	secmsg_dir_init(&k, SECMSG_DIR_S2C, self->s2c0);
	for (e = 0; e < epoch; e++)
		secmsg_dir_ratchet(&k);
	cJSON_ArrayForEach(m, cJSON_GetObjectItem(cJSON_GetObjectItem(o,
			   "s2c"), "messages")) {
		size_t ml = 0, pl = 0;
		const uint8_t *msg = hexm(m, "message", &ml);
		const uint8_t *pt = hexm(m, "plaintext", &pl);
		struct secmsg_msg_result res;

		ASSERT_TRUE(msg && pt);
		ASSERT_EQ(0, secmsg_msg(self->nl, SECMSG_MSG_SEAL, id, 0, pt,
					pl, &res));
		ASSERT_LE(SECMSG_HDR_LEN, res.len);
		/* the header is deterministic for every algorithm */
		EXPECT_EQ(0, memcmp(res.data, msg, SECMSG_HDR_LEN));
		if (alg != SECMSG_ALG_TWOFISH_CBC) {
			EXPECT_EQ(ml, res.len);
			if (res.len == ml)
				EXPECT_EQ(0, memcmp(res.data, msg, ml)) {
					TH_LOG("SEAL %s seq %d: not the "
					       "vector's bytes",
					       secmsg_alg_name(alg), n);
				}
		} else {
			EXPECT_EQ(ml, res.len);	/* same padding */
			ASSERT_GE(sizeof(out), res.len);
			EXPECT_EQ((long)pl,
				  secmsg_msg_open_alg(&k, alg, id, res.data,
						      res.len, NULL, out));
			EXPECT_EQ(0, memcmp(out, pt, pl));
		}
		secmsg_msg_result_free(&res);
		n++;
	}
	EXPECT_LT(0, n);
	secmsg_dir_wipe(&k);
}

/* The one-shot CRYPT op with the vector's key and IV: its bodies. */
static void twofish_crypt(struct __test_metadata *_metadata,
			  FIXTURE_DATA(vec) *self, const cJSON *o)
{
	static const char *const dirs[2] = { "c2s", "s2c" };
	uint8_t out[512], nout[16];
	const cJSON *m;
	int d;

	for (d = 0; d < 2; d++) {
		const cJSON *dj = cJSON_GetObjectItem(o, dirs[d]);
		const uint8_t *key = hexk(dj, "key");

		ASSERT_NE(NULL, key);
		cJSON_ArrayForEach(m, cJSON_GetObjectItem(dj, "messages")) {
			size_t ml = 0, pl = 0, il = 0;
			size_t ol = sizeof(out), nl = sizeof(nout);
			const uint8_t *msg = hexm(m, "message", &ml);
			const uint8_t *pt = hexm(m, "plaintext", &pl);
			const uint8_t *iv = hexm(m, "iv", &il);
			struct secmsg_crypt_req r = {
				.op = SECMSG_CRYPT_ENCRYPT,
				.alg = SECMSG_ALG_TWOFISH_CBC,
				.key = key, .nonce = iv, .nonce_len = il,
				.aad = msg, .aad_len = SECMSG_HDR_LEN,
				.data = pt, .data_len = pl,
			};

			ASSERT_TRUE(msg && pt && iv && il == 16);
			ASSERT_EQ(0, secmsg_crypt(self->nl, &r, nout, &nl, out,
						  &ol));
			ASSERT_EQ(ml - SECMSG_HDR_LEN - 16, ol);
			EXPECT_EQ(0, memcmp(out, msg + SECMSG_HDR_LEN + 16,
					    ol)) {
				TH_LOG("twofish %s: CRYPT body differs",
				       dirs[d]);
			}
		}
	}
}

TEST_F(vec, messages)
{
	const cJSON *o;
	int n = 0;

	cJSON_ArrayForEach(o, cJSON_GetObjectItem(self->json, "messages")) {
		int alg = secmsg_alg_from_name(
			cJSON_GetStringValue(cJSON_GetObjectItem(o, "alg")));
		struct secmsg_session_info info;

		ASSERT_LT(0, alg);
		ASSERT_EQ(0, session_at(self, o, alg, &info)) {
			TH_LOG("SESSION_NEW: %s", secmsg_nl_errmsg(self->nl));
		}
		ASSERT_EQ(sid_of(o), info.id);
		EXPECT_EQ(0, info.epoch);
		/* an id is taken once */
		EXPECT_EQ(-EEXIST, session_at(self, o, alg, NULL));
		open_c2s(_metadata, self, o, info.id);
		seal_s2c(_metadata, self, o, info.id, alg, 0);
		if (alg == SECMSG_ALG_TWOFISH_CBC)
			twofish_crypt(_metadata, self, o);
		ASSERT_EQ(0, secmsg_session_del(self->nl, info.id));
		n++;
	}
	EXPECT_EQ(3, n);
}

TEST_F(vec, ratchet)
{
	const cJSON *o = cJSON_GetObjectItem(self->json, "ratchet");
	int alg = secmsg_alg_from_name(
		cJSON_GetStringValue(cJSON_GetObjectItem(o, "alg")));
	struct secmsg_session_info info;

	ASSERT_LT(0, alg);
	ASSERT_EQ(1, (int)cJSON_GetNumberValue(cJSON_GetObjectItem(o,
								     "epoch")));
	ASSERT_EQ(0, session_at(self, o, alg, &info));
	ASSERT_EQ(0, secmsg_session_rotate(self->nl, info.id, &info));
	ASSERT_EQ(1, info.epoch);
	seal_s2c(_metadata, self, o, info.id, alg, 1);
	open_c2s(_metadata, self, o, info.id);
	EXPECT_EQ(0, secmsg_session_del(self->nl, info.id));
}

TEST_HARNESS_MAIN
