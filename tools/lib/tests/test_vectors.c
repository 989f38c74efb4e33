// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * docs/vectors.json (docs/protocol.md section 6) against libsecmsg:
 *  - the file is exactly what the reference implementation makes from its
 *    fixed inputs (tools/lib/tests/mkvectors; regenerate it when this
 *    fails after an intended change);
 *  - every value in it through the public API: the client makes message
 *    1 and, from message 2, the secrets and message 3; the reference
 *    server accepts message 1, makes message 2 and accepts message 3;
 *    each direction's key, salt (twofish: enc and mac keys) from its
 *    secret; every sealed message opens to its plaintext, and for the
 *    AEADs sealing the plaintext gives exactly the message; the ratchet
 *    step from S(0) to S(1); the key file opens to the key with the
 *    passphrase, its KEK is PBKDF2's.
 * vectors_check.py checks the same file with an independent
 * implementation; selftests/vectors_test against secmsg.ko.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "secmsg/handshake.h"
#include "secmsg/keyfile.h"
#include "secmsg/wire.h"
#include "tap.h"
#include "vectors.h"
#include "vectors_gen.h"

#define KLEN SECMSG_X25519_LEN

/* Hex member name of o, decoded into a buffer freed at exit (or NULL). */
static uint8_t *bufs[256];
static int nbufs;

static const uint8_t *H(const cJSON *o, const char *name, size_t *len)
{
	uint8_t *b = NULL;
	size_t n = 0;

	if (hex_decode(json_str(o, name), &b, &n)) {
		diag("%s: missing or not hex", name);
		return NULL;
	}
	if (nbufs < (int)(sizeof(bufs) / sizeof(bufs[0])))
		bufs[nbufs++] = b;
	if (len)
		*len = n;
	return b;
}

/* Same, and exactly want bytes long. */
static const uint8_t *HN(const cJSON *o, const char *name, size_t want)
{
	size_t n = 0;
	const uint8_t *p = H(o, name, &n);

	if (p && n != want) {
		diag("%s: %zu bytes, not %zu", name, n, want);
		return NULL;
	}
	return p;
}

/* A 32-byte key of the handshake's key pair who ("private"/"public"). */
static const uint8_t *KEY(const cJSON *hs, const char *who, const char *part)
{
	return HN(cJSON_GetObjectItem(hs, who), part, KLEN);
}

static uint64_t sid_of(const cJSON *o)
{
	const char *s = json_str(o, "session_id");

	return s ? strtoull(s, NULL, 16) : 0;
}

static void test_handshake(const cJSON *hs)
{
	const cJSON *ts = cJSON_GetObjectItem(hs, "timestamp");
	struct secmsg_hs_timestamp t = {
		(uint64_t)json_int(ts, "sec"), (uint32_t)json_int(ts, "nsec")
	};
	const uint8_t *c = KEY(hs, "client_static", "private");
	const uint8_t *C = KEY(hs, "client_static", "public");
	const uint8_t *s = KEY(hs, "server_static", "private");
	const uint8_t *S = KEY(hs, "server_static", "public");
	const uint8_t *e_c = KEY(hs, "client_ephemeral", "private");
	const uint8_t *e_s = KEY(hs, "server_ephemeral", "private");
	const uint8_t *m2 = HN(hs, "message2", SECMSG_HS_RESPONSE_LEN);
	const uint8_t *m3 = HN(hs, "message3", SECMSG_HS_CONFIRM_LEN);
	const uint8_t *c2s = HN(hs, "secret_c2s", KLEN);
	const uint8_t *s2c = HN(hs, "secret_s2c", KLEN);
	const uint8_t *confirm = HN(hs, "confirm", 32);
	uint8_t msg1[SECMSG_HS_INIT_MAX], msg3[SECMSG_HS_CONFIRM_LEN];
	uint8_t gc2s[KLEN], gs2c[KLEN], pub[KLEN];
	const uint8_t *m1;
	struct secmsg_hs_pending p;
	struct secmsg_hs_state st;
	size_t len = sizeof(msg1), m1_len = 0;
	uint64_t sid = 0, want_sid = sid_of(hs);
	int r;

	m1 = H(hs, "message1", &m1_len);
	if (!ok(c && C && s && S && e_c && e_s && m1 && m2 && m3 && c2s &&
		s2c && confirm && json_str(hs, "user"),
		"handshake: every field is there"))
		return;
	secmsg_x25519_pub(c, pub);
	is_mem(pub, C, KLEN, "handshake: C = c * G");
	secmsg_x25519_pub(s, pub);
	is_mem(pub, S, KLEN, "handshake: S = s * G");
	r = secmsg_hs_init_ex(&st, json_str(hs, "user"),
			      (int)json_int(hs, "alg_id"), c, S, e_c, &t, msg1,
			      &len);
	ok(!r && len == m1_len, "client: message 1 (%d, %zu bytes)", r, len);
	is_mem(msg1, m1, m1_len, "client: message 1 is the vector's");
	is_mem(st.h, HN(cJSON_GetArrayItem(cJSON_GetObjectItem(hs, "steps"),
					   8), "h", 32), 32,
	       "client: h after message 1 is step 8's");
	r = secmsg_hs_respond(s, S, C, NULL, want_sid, e_s, m1, m1_len, &p);
	ok(!r && p.ts.sec == t.sec && p.ts.nsec == t.nsec &&
	   !strcmp(p.user_id, json_str(hs, "user")),
	   "server: accepts message 1, its timestamp and user (%d)", r);
	is_mem(p.msg2, m2, SECMSG_HS_RESPONSE_LEN,
	       "server: message 2 is the vector's");
	is_mem(p.confirm, confirm, 32, "server: expects the vector's confirm");
	r = secmsg_hs_finish(&st, m2, SECMSG_HS_RESPONSE_LEN, &sid, gc2s,
			     gs2c, msg3);
	ok(!r && sid == want_sid, "client: finishes with message 2 (%d)", r);
	is_mem(gc2s, c2s, KLEN, "client: S_c2s(0)");
	is_mem(gs2c, s2c, KLEN, "client: S_s2c(0)");
	is_mem(msg3, m3, SECMSG_HS_CONFIRM_LEN, "client: message 3");
	is_mem(m3 + 12, confirm, 32, "message 3 carries confirm");
	ok(!secmsg_hs_confirm_check(&p, m3, SECMSG_HS_CONFIRM_LEN),
	   "server: accepts message 3");
	secmsg_hs_pending_wipe(&p);
}

/* One direction of one algorithm at one epoch. */
static void test_direction(const cJSON *d, int alg, uint64_t sid,
			   uint32_t epoch, enum secmsg_dir dir,
			   const uint8_t *secret0, const char *what)
{
	struct secmsg_dir_keys k;
	uint8_t enc[KLEN], mac[KLEN], out[512];
	const cJSON *m;
	uint32_t e;
	int n = 0;

	secmsg_dir_init(&k, dir, secret0);
	for (e = 0; e < epoch; e++)
		secmsg_dir_ratchet(&k);
	is_mem(k.secret, HN(d, "secret", KLEN), KLEN, "%s: secret", what);
	is_mem(k.key, HN(d, "key", KLEN), KLEN, "%s: key", what);
	if (alg == SECMSG_ALG_TWOFISH_CBC) {
		secmsg_twofish_subkeys(k.key, enc, mac);
		is_mem(enc, HN(d, "enc_key", KLEN), KLEN, "%s: enc key", what);
		is_mem(mac, HN(d, "mac_key", KLEN), KLEN, "%s: mac key", what);
	} else {
		is_mem(k.salt, HN(d, "salt", 12), 12, "%s: salt", what);
	}
	cJSON_ArrayForEach(m, cJSON_GetObjectItem(d, "messages")) {
		size_t pl = 0, ml = 0;
		const uint8_t *pt = H(m, "plaintext", &pl);
		const uint8_t *msg = H(m, "message", &ml);
		long seq = json_int(m, "seq"), r;
		struct secmsg_hdr h;

		if (!ok(pt && msg && seq >= 0 && ml <= sizeof(out),
			"%s seq %ld: fields", what, seq))
			continue;
		is_mem(msg, HN(m, "header", SECMSG_HDR_LEN), SECMSG_HDR_LEN,
		       "%s seq %ld: the message starts with its header", what,
		       seq);
		r = secmsg_msg_open_alg(&k, alg, sid, msg, ml, &h, out);
		ok(r == (long)pl && h.seq == (uint64_t)seq &&
		   h.epoch == epoch && (!pl || !memcmp(out, pt, pl)),
		   "%s seq %ld: opens to its plaintext (%ld)", what, seq, r);
		if (alg != SECMSG_ALG_TWOFISH_CBC) {
			r = secmsg_msg_seal(&k, alg, sid, (uint64_t)seq, pt, pl,
					    out);
			ok(r == (long)ml && !memcmp(out, msg, ml),
			   "%s seq %ld: sealing its plaintext gives it", what,
			   seq);
		} else {
			is_mem(msg + SECMSG_HDR_LEN, HN(m, "iv", 16), 16,
			       "%s seq %ld: its IV follows the header", what,
			       seq);
		}
		n++;
	}
	ok(n == 2 || (epoch && n == 1), "%s: %d messages", what, n);
	secmsg_dir_wipe(&k);
}

static void test_messages(const cJSON *o, const uint8_t *c2s0,
			  const uint8_t *s2c0, const char *prefix)
{
	int alg = secmsg_alg_from_name(json_str(o, "alg"));
	uint32_t epoch = (uint32_t)json_int(o, "epoch");
	uint64_t sid = sid_of(o);
	char what[64];

	ok(alg > 0 && alg == json_int(o, "alg_id") && sid,
	   "%s %s: alg, alg_id, session id", prefix, json_str(o, "alg"));
	snprintf(what, sizeof(what), "%s %s c2s", prefix, json_str(o, "alg"));
	test_direction(cJSON_GetObjectItem(o, "c2s"), alg, sid, epoch,
		       SECMSG_DIR_C2S, c2s0, what);
	snprintf(what, sizeof(what), "%s %s s2c", prefix, json_str(o, "alg"));
	test_direction(cJSON_GetObjectItem(o, "s2c"), alg, sid, epoch,
		       SECMSG_DIR_S2C, s2c0, what);
}

static void test_ratchet(const cJSON *o)
{
	const char *const dirs[2] = { "c2s", "s2c" };
	struct secmsg_dir_keys k;
	int i;

	ok(json_int(o, "epoch") == 1, "ratchet: to epoch 1");
	for (i = 0; i < 2; i++) {
		const cJSON *d = cJSON_GetObjectItem(o, dirs[i]);
		const uint8_t *prev = HN(d, "previous_secret", KLEN);
		uint8_t next[KLEN];

		if (!ok(prev != NULL, "ratchet %s: S(0)", dirs[i]))
			continue;
		secmsg_dir_init(&k, i ? SECMSG_DIR_S2C : SECMSG_DIR_C2S, prev);
		secmsg_hkdf_expand(prev, (const uint8_t *)(i ?
				   "secmsg v1 s2c ratchet" :
				   "secmsg v1 c2s ratchet"), 21, next, KLEN);
		secmsg_dir_ratchet(&k);
		is_mem(k.secret, next, KLEN,
		       "ratchet %s: S(1) = HKDF-Expand(S(0), \"secmsg v1 %s "
		       "ratchet\", 32)", dirs[i], dirs[i]);
		secmsg_dir_wipe(&k);
	}
}

static void test_keyfile(const cJSON *o)
{
	const char *pass = json_str(o, "passphrase_text");
	const uint8_t *file = HN(o, "file", SECMSG_KEYFILE_LEN);
	const uint8_t *salt = HN(o, "salt", SECMSG_KEYFILE_SALT_LEN);
	uint8_t priv[KLEN], pub[KLEN], kek[32];
	uint32_t iter = 0;
	int r;

	if (!ok(pass && file && salt, "key file: fields"))
		return;
	r = secmsg_keyfile_decode(file, SECMSG_KEYFILE_LEN, pass, strlen(pass),
				  priv);
	ok(!r, "key file: opens with its passphrase (%d)", r);
	is_mem(priv, HN(o, "private", KLEN), KLEN, "key file: the private key");
	secmsg_x25519_pub(priv, pub);
	is_mem(pub, HN(o, "public", KLEN), KLEN, "key file: its public key");
	ok(!secmsg_keyfile_iterations(file, SECMSG_KEYFILE_LEN, &iter) &&
	   iter == (uint32_t)json_int(o, "iterations"),
	   "key file: iteration count %u", iter);
	is_mem(file + 12, salt, SECMSG_KEYFILE_SALT_LEN, "key file: salt");
	is_mem(file + 28, HN(o, "nonce", 12), 12, "key file: nonce");
	secmsg_keyfile_kdf(pass, strlen(pass), salt, SECMSG_KEYFILE_SALT_LEN,
			   iter, kek, sizeof(kek));
	is_mem(kek, HN(o, "kek", 32), 32, "key file: KEK");
	is_mem(H(o, "passphrase", NULL), pass, strlen(pass),
	       "key file: passphrase hex and text agree");
	explicit_bzero(priv, sizeof(priv));
}

int main(void)
{
	char root[PATH_MAX], path[PATH_MAX + 32], *want, *text;
	const cJSON *hs, *m;
	const uint8_t *c2s, *s2c;
	cJSON *json;
	int n = 0;

	/* the repository root: tools/lib/tests/X, four levels up */
	if (vectors_dir(root, sizeof(root)) ||
	    strlen(root) < strlen(VECTORS_DEFAULT))
		return 1;
	root[strlen(root) - strlen(VECTORS_DEFAULT)] = '\0';
	snprintf(path, sizeof(path), "%sdocs/vectors.json", root);

	text = read_text(path);
	want = vectors_generate();
	if (!ok(text != NULL, "%s reads", path) ||
	    !ok(want != NULL, "the reference implementation makes the vectors"))
		return done();
	ok(!strcmp(text, want), "docs/vectors.json is exactly mkvectors' "
	   "output (regenerate: tools/lib/tests/mkvectors > docs/vectors.json)");
	free(want);
	json = cJSON_Parse(text);
	free(text);
	if (!ok(json != NULL && json_int(json, "version") == 1,
		"docs/vectors.json parses, version 1"))
		return done();

	hs = cJSON_GetObjectItem(json, "handshake");
	test_handshake(hs);
	ok(cJSON_GetArraySize(cJSON_GetObjectItem(hs, "steps")) == VG_STEPS,
	   "handshake: %d steps", VG_STEPS);
	c2s = HN(hs, "secret_c2s", KLEN);
	s2c = HN(hs, "secret_s2c", KLEN);
	cJSON_ArrayForEach(m, cJSON_GetObjectItem(json, "messages")) {
		test_messages(m, c2s, s2c, "messages");
		n++;
	}
	ok(n == 3, "messages: %d algorithms", n);
	test_ratchet(cJSON_GetObjectItem(json, "ratchet"));
	test_messages(cJSON_GetObjectItem(json, "ratchet"), c2s, s2c,
		      "ratchet");
	test_keyfile(cJSON_GetObjectItem(json, "keyfile"));

	cJSON_Delete(json);
	while (nbufs)
		free(bufs[--nbufs]);
	return done();
}
