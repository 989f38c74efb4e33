// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Fuzz target: the handshake messages 1 to 3 (docs/protocol.md section 3)
 * as libsecmsg parses them, with the fixed keys of fuzz/keys.h.
 * Input: one byte choosing the message (low two bits), then the message.
 *
 *   0  message 1, server side: secmsg_hs_parse_init() (what secmsgd does
 *      with a hello) and secmsg_hs_respond().
 *   1  message 2, client side: secmsg_hs_finish() after the fixed
 *      message 1 (what the client does with a welcome).
 *   2  message 3, server side: secmsg_hs_confirm_check() against the
 *      fixed pending session.
 *
 * What must hold: a message 1 that parses has the length its user id
 * says (1 to 64 valid characters) and a valid algorithm; one that
 * authenticates gives a message 2 that the fixed client accepts, with the
 * same secrets on both sides, and is refused as a replay the second
 * time; a message 2 that authenticates names the fixed session and
 * yields the secrets and the confirmation the server expects; a message
 * 3 is accepted only when it is the expected one.  Errors are the
 * documented ones.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "keys.h"

static uint8_t fixed_msg1[SECMSG_HS_INIT_MAX];
static size_t fixed_msg1_len;
static struct secmsg_hs_pending fixed_pending;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct secmsg_hs_state st;

	(void)argc;
	(void)argv;
	fixed_msg1_len = sizeof(fixed_msg1);
	FUZZ_CHECK(!fuzz_hs_init(&st, SECMSG_ALG_AES_256_GCM, fixed_msg1,
				 &fixed_msg1_len));
	secmsg_hs_wipe(&st);
	FUZZ_CHECK(!fuzz_hs_respond(fixed_msg1, fixed_msg1_len, NULL,
				    &fixed_pending));
	return 0;
}

static void msg1(const uint8_t *m, size_t len)
{
	struct secmsg_hs_init_info info;
	struct secmsg_hs_replay replay = { 0 };
	struct secmsg_hs_pending p, again;
	struct secmsg_hs_state st;
	uint8_t m1[SECMSG_HS_INIT_MAX], m3[SECMSG_HS_CONFIRM_LEN];
	uint8_t c2s[SECMSG_KEY_LEN], s2c[SECMSG_KEY_LEN];
	size_t n, m1_len = sizeof(m1);
	uint64_t sid;
	int err;

	err = secmsg_hs_parse_init(m, len, &info);
	FUZZ_CHECK(!err || err == -EINVAL);
	if (!err) {
		n = m[3];
		FUZZ_CHECK(n >= 1 && n <= SECMSG_USER_ID_MAX);
		FUZZ_CHECK(len == 4 + n + SECMSG_X25519_LEN +
			   SECMSG_HS_TIMESTAMP_LEN + SECMSG_AEAD_TAG_LEN);
		FUZZ_CHECK(len >= SECMSG_HS_INIT_MIN &&
			   len <= SECMSG_HS_INIT_MAX);
		FUZZ_CHECK(strlen(info.user_id) == n &&
			   !memcmp(info.user_id, m + 4, n));
		FUZZ_CHECK(secmsg_user_id_valid(info.user_id));
		FUZZ_CHECK(info.alg >= 1 && info.alg <= SECMSG_ALG_MAX);
	}

	err = fuzz_hs_respond(m, len, &replay, &p);
	FUZZ_CHECK(!err || err == -EINVAL || err == -EBADMSG);
	if (err) {
		FUZZ_CHECK(!replay.seen);
		return;
	}
	/* it authenticated: it is the fixed client's message 1 */
	FUZZ_CHECK(!secmsg_hs_parse_init(m, len, &info));
	FUZZ_CHECK(p.alg == info.alg && !strcmp(p.user_id, info.user_id));
	FUZZ_CHECK(p.session_id == FUZZ_SESSION_ID);
	FUZZ_CHECK(p.ts.sec == fuzz_ts.sec && p.ts.nsec == fuzz_ts.nsec);
	FUZZ_CHECK(replay.seen);
	FUZZ_CHECK(!fuzz_hs_init(&st, p.alg, m1, &m1_len));
	FUZZ_CHECK(m1_len == len && !memcmp(m1, m, len));
	FUZZ_CHECK(!secmsg_hs_finish(&st, p.msg2, sizeof(p.msg2), &sid, c2s,
				     s2c, m3));
	FUZZ_CHECK(sid == p.session_id);
	FUZZ_CHECK(!memcmp(c2s, p.secret_c2s, sizeof(c2s)) &&
		   !memcmp(s2c, p.secret_s2c, sizeof(s2c)));
	FUZZ_CHECK(!secmsg_hs_confirm_check(&p, m3, sizeof(m3)));
	/* the same message 1 again is a replay */
	FUZZ_CHECK(fuzz_hs_respond(m, len, &replay, &again) == -EALREADY);
	secmsg_hs_pending_wipe(&p);
}

static void msg2(const uint8_t *m, size_t len)
{
	uint8_t m1[SECMSG_HS_INIT_MAX], m3[SECMSG_HS_CONFIRM_LEN];
	uint8_t c2s[SECMSG_KEY_LEN], s2c[SECMSG_KEY_LEN];
	struct secmsg_hs_state st;
	size_t m1_len = sizeof(m1);
	uint64_t sid = 0;
	int err;

	FUZZ_CHECK(!fuzz_hs_init(&st, SECMSG_ALG_AES_256_GCM, m1, &m1_len));
	memset(m3, 0x5a, sizeof(m3));
	err = secmsg_hs_finish(&st, m, len, &sid, c2s, s2c, m3);
	FUZZ_CHECK(!err || err == -EINVAL || err == -EPROTO ||
		   err == -EBADMSG);
	/* the state is wiped whatever the outcome: no second finish */
	FUZZ_CHECK(secmsg_hs_finish(&st, m, len, &sid, c2s, s2c, m3) ==
		   -EINVAL);
	if (err) {
		FUZZ_CHECK(!sid);
		FUZZ_CHECK(m3[0] == 0x5a && m3[sizeof(m3) - 1] == 0x5a);
		return;
	}
	FUZZ_CHECK(len == SECMSG_HS_RESPONSE_LEN &&
		   !memcmp(m, fixed_pending.msg2, len));
	FUZZ_CHECK(sid == FUZZ_SESSION_ID);
	FUZZ_CHECK(!memcmp(c2s, fixed_pending.secret_c2s, sizeof(c2s)) &&
		   !memcmp(s2c, fixed_pending.secret_s2c, sizeof(s2c)));
	FUZZ_CHECK(!secmsg_hs_confirm_check(&fixed_pending, m3, sizeof(m3)));
}

static void msg3(const uint8_t *m, size_t len)
{
	int err = secmsg_hs_confirm_check(&fixed_pending, m, len);

	FUZZ_CHECK(!err || err == -EINVAL || err == -ENOENT ||
		   err == -EBADMSG);
	if (!err)
		FUZZ_CHECK(len == SECMSG_HS_CONFIRM_LEN && m[0] == 3 &&
			   m[1] == 1 && !m[2] && !m[3]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t which = fuzz_u8(&in) & 3;
	uint8_t *m = fuzz_dup(in.p, in.left);

	if (which == 0)
		msg1(m, in.left);
	else if (which == 1)
		msg2(m, in.left);
	else
		msg3(m, in.left);
	free(m);
	return 0;
}
