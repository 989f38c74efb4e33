// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The handshake of docs/protocol.md section 3 without the kernel:
 *  - known answers from an independent implementation (hs_kat.py,
 *    Python cryptography) for the client and the reference server;
 *  - Wycheproof X25519 through secmsg_x25519(), with our policy for the
 *    "acceptable" cases (non-canonical public keys and all-zero results
 *    are rejected, everything else must give the exact shared secret);
 *  - client and reference server complete the handshake for the three
 *    algorithms, derive the same secrets and confirmation, and the keys
 *    carry sealed messages both ways;
 *  - rejections: wrong pinned server key, wrong user key, every byte of
 *    every message flipped, replayed / older message 1, wrong confirm,
 *    low-order and non-canonical ephemerals, malformed arguments.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/crypto.h"
#include "secmsg/handshake.h"
#include "secmsg/nl.h"
#include "secmsg/wire.h"
#include "hs_kat.h"
#include "tap.h"
#include "vectors.h"

#define KLEN SECMSG_X25519_LEN

static const uint8_t *B(const char *s)
{
	return (const uint8_t *)s;
}

static const int algs[] = {
	SECMSG_ALG_AES_256_GCM, SECMSG_ALG_CHACHA20_POLY1305,
	SECMSG_ALG_TWOFISH_CBC,
};

/* ---- known answers ---- */

static void test_kat(const struct hs_kat *k)
{
	struct secmsg_hs_timestamp ts = { k->ts_sec, k->ts_nsec };
	uint8_t pub[KLEN], msg1[SECMSG_HS_INIT_MAX];
	uint8_t msg3[SECMSG_HS_CONFIRM_LEN], c2s[KLEN], s2c[KLEN];
	struct secmsg_hs_pending p;
	struct secmsg_hs_state st;
	size_t len = sizeof(msg1);
	uint64_t sid = 0;
	int r;

	secmsg_x25519_pub(B(k->c), pub);
	is_mem(pub, k->C, KLEN, "kat %s: client public key", k->user);
	secmsg_x25519_pub(B(k->s), pub);
	is_mem(pub, k->S, KLEN, "kat %s: server public key", k->user);

	r = secmsg_hs_init_ex(&st, k->user, k->alg, B(k->c), B(k->S),
			      B(k->e_c), &ts, msg1, &len);
	ok(!r && len == k->msg1_len, "kat %s: init (%d, %zu bytes)",
	   k->user, r, len);
	is_mem(msg1, k->msg1, k->msg1_len, "kat %s: message 1", k->user);

	r = secmsg_hs_respond(B(k->s), B(k->S), B(k->C), NULL, k->session_id,
			      B(k->e_s), B(k->msg1), k->msg1_len, &p);
	ok(!r && p.alg == k->alg && !strcmp(p.user_id, k->user) &&
	   p.ts.sec == k->ts_sec && p.ts.nsec == k->ts_nsec,
	   "kat %s: reference server accepts message 1 (%d)", k->user, r);
	is_mem(p.msg2, k->msg2, SECMSG_HS_RESPONSE_LEN,
	       "kat %s: server's message 2", k->user);
	is_mem(p.secret_c2s, k->c2s, KLEN, "kat %s: server's S_c2s(0)",
	       k->user);
	is_mem(p.secret_s2c, k->s2c, KLEN, "kat %s: server's S_s2c(0)",
	       k->user);
	is_mem(p.confirm, k->msg3 + 12, 32, "kat %s: server's confirm",
	       k->user);

	r = secmsg_hs_finish(&st, B(k->msg2), SECMSG_HS_RESPONSE_LEN, &sid,
			     c2s, s2c, msg3);
	ok(!r && sid == k->session_id, "kat %s: client finishes (%d)",
	   k->user, r);
	is_mem(c2s, k->c2s, KLEN, "kat %s: client's S_c2s(0)", k->user);
	is_mem(s2c, k->s2c, KLEN, "kat %s: client's S_s2c(0)", k->user);
	is_mem(msg3, k->msg3, SECMSG_HS_CONFIRM_LEN, "kat %s: message 3",
	       k->user);
	ok(!secmsg_hs_confirm_check(&p, msg3, sizeof(msg3)),
	   "kat %s: server accepts message 3", k->user);
	secmsg_hs_pending_wipe(&p);
}

/* ---- Wycheproof X25519 ---- */

/* Our policy, computed from the vector itself (not by the library). */
static bool vector_noncanonical(const uint8_t *pub)
{
	int i;

	if (pub[31] & 0x80)
		return true;
	if (pub[31] != 0x7f || pub[0] < 0xed)
		return false;
	for (i = 1; i < 31; i++)
		if (pub[i] != 0xff)
			return false;
	return true;
}

static bool is_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

enum xcase { X_VALID, X_ACCEPTABLE_OK, X_NONCANONICAL, X_ZERO, X_NR };

static void test_wycheproof_x25519(void)
{
	static const char *const what[X_NR] = {
		"valid: exact shared secret",
		"acceptable (twist, edge cases), canonical key, nonzero "
		"result: accepted with the exact shared secret",
		"acceptable, non-canonical public key: rejected (-EINVAL)",
		"acceptable, low-order public key (all-zero result): "
		"rejected (-EINVAL)",
	};
	int n[X_NR] = { 0 }, bad[X_NR] = { 0 }, total = 0, failed = 0;
	cJSON *json = vectors_load("x25519_test.json");
	const cJSON *g, *t;
	int i;

	if (!ok(json != NULL, "x25519_test.json loads"))
		return;
	cJSON_ArrayForEach(g, cJSON_GetObjectItem(json, "testGroups")) {
		cJSON_ArrayForEach(t, cJSON_GetObjectItem(g, "tests")) {
			uint8_t *pub = NULL, *priv = NULL, *want = NULL;
			size_t pl = 0, kl = 0, wl = 0;
			uint8_t out[KLEN];
			const char *res = json_str(t, "result");
			enum xcase c;
			bool good;
			int r;

			total++;
			if (hex_decode(json_str(t, "public"), &pub, &pl) ||
			    hex_decode(json_str(t, "private"), &priv, &kl) ||
			    hex_decode(json_str(t, "shared"), &want, &wl) ||
			    pl != KLEN || kl != KLEN || wl != KLEN || !res) {
				diag("tcId %ld: bad test data",
				     json_int(t, "tcId"));
				failed++;
				goto next;
			}
			memset(out, 0xa5, sizeof(out));
			r = secmsg_x25519(priv, pub, out);
			if (!strcmp(res, "valid"))
				c = X_VALID;
			else if (vector_noncanonical(pub))
				c = X_NONCANONICAL;
			else if (is_zero(want, KLEN))
				c = X_ZERO;
			else
				c = X_ACCEPTABLE_OK;
			if (c == X_VALID && (vector_noncanonical(pub) ||
					     is_zero(want, KLEN))) {
				diag("tcId %ld: a valid case our policy "
				     "rejects", json_int(t, "tcId"));
				failed++;
				goto next;
			}
			if (c == X_VALID || c == X_ACCEPTABLE_OK)
				good = !r && !memcmp(out, want, KLEN);
			else
				good = r == -EINVAL;
			n[c]++;
			if (!good) {
				bad[c]++;
				diag("tcId %ld (%s): got %d",
				     json_int(t, "tcId"),
				     json_str(t, "comment"), r);
			}
next:
			free(pub);
			free(priv);
			free(want);
		}
	}
	cJSON_Delete(json);
	for (i = 0; i < X_NR; i++)
		ok(n[i] > 0 && !bad[i], "wycheproof x25519: %d %s (%d wrong)",
		   n[i], what[i], bad[i]);
	ok(!failed && n[0] + n[1] + n[2] + n[3] == total,
	   "wycheproof x25519: all %d cases classified and checked", total);
}

static void test_canonical(void)
{
	uint8_t p[KLEN], priv[KLEN], out[KLEN];

	memset(p, 0xff, sizeof(p));
	p[31] = 0x7f;
	p[0] = 0xec;		/* p - 1 */
	ok(secmsg_x25519_canonical(p), "2^255 - 20 is canonical");
	p[0] = 0xed;		/* p */
	ok(!secmsg_x25519_canonical(p), "2^255 - 19 is not canonical");
	p[0] = 0xff;		/* 2^255 - 1 */
	ok(!secmsg_x25519_canonical(p), "2^255 - 1 is not canonical");
	memset(p, 0, sizeof(p));
	p[0] = 9;
	p[31] = 0x80;
	ok(!secmsg_x25519_canonical(p), "bit 255 set is not canonical");
	memset(priv, 0x42, sizeof(priv));
	ok(secmsg_x25519(priv, p, out) == -EINVAL,
	   "secmsg_x25519 rejects a key with bit 255 set");
	memset(p, 0, sizeof(p));
	memset(out, 0x55, sizeof(out));
	ok(secmsg_x25519(priv, p, out) == -EINVAL && is_zero(out, KLEN),
	   "secmsg_x25519 rejects the zero point and wipes the output");
	p[0] = 1;
	ok(secmsg_x25519(priv, p, out) == -EINVAL,
	   "secmsg_x25519 rejects the point 1 (order 1)");
}

/* ---- round trips ---- */

struct peer {
	uint8_t priv[KLEN], pub[KLEN];
};

static void peer_new(struct peer *p)
{
	if (secmsg_x25519_generate(p->priv, p->pub))
		abort();
}

/* A complete client <-> reference server handshake. */
struct run {
	struct secmsg_hs_state st;
	uint8_t msg1[SECMSG_HS_INIT_MAX];
	size_t msg1_len;
	struct secmsg_hs_pending p;
	uint64_t sid;
	uint8_t c2s[KLEN], s2c[KLEN], msg3[SECMSG_HS_CONFIRM_LEN];
	int init_err, respond_err, finish_err, confirm_err;
};

static void run_handshake(struct run *r, const char *user, int alg,
			  const struct peer *client, const uint8_t *pinned,
			  const uint8_t *server_priv, const uint8_t *user_pub,
			  struct secmsg_hs_replay *replay, uint64_t sid)
{
	memset(r, 0, sizeof(*r));
	r->init_err = r->respond_err = r->finish_err = r->confirm_err = 1;
	r->msg1_len = sizeof(r->msg1);
	r->init_err = secmsg_hs_init(&r->st, user, alg, client->priv, pinned,
				     r->msg1, &r->msg1_len);
	if (r->init_err)
		return;
	r->respond_err = secmsg_hs_respond(server_priv, NULL, user_pub, replay,
					   sid, NULL, r->msg1, r->msg1_len,
					   &r->p);
	if (r->respond_err) {
		secmsg_hs_wipe(&r->st);
		return;
	}
	r->finish_err = secmsg_hs_finish(&r->st, r->p.msg2,
					 sizeof(r->p.msg2), &r->sid, r->c2s,
					 r->s2c, r->msg3);
	if (r->finish_err)
		return;
	r->confirm_err = secmsg_hs_confirm_check(&r->p, r->msg3,
						 sizeof(r->msg3));
}

/* Messages both ways with the derived keys, across a ratchet. */
static bool exchange(int alg, uint64_t sid, const uint8_t *client_c2s,
		     const uint8_t *client_s2c, const uint8_t *server_c2s,
		     const uint8_t *server_s2c)
{
	struct secmsg_dir_keys cc, cs, sc, ss;
	uint8_t pt[100], msg[100 + SECMSG_MAX_OVERHEAD], out[sizeof(msg)];
	bool good = true;
	int epoch, d;
	long n, m;

	secmsg_dir_init(&cc, SECMSG_DIR_C2S, client_c2s);
	secmsg_dir_init(&cs, SECMSG_DIR_S2C, client_s2c);
	secmsg_dir_init(&sc, SECMSG_DIR_C2S, server_c2s);
	secmsg_dir_init(&ss, SECMSG_DIR_S2C, server_s2c);
	for (epoch = 0; epoch < 3; epoch++) {
		for (d = 0; d < 2; d++) {
			memset(pt, 'a' + epoch * 2 + d, sizeof(pt));
			/* d 0: client seals c2s, server opens */
			n = secmsg_msg_seal(d ? &ss : &cc, alg, sid, 5, pt,
					    sizeof(pt), msg);
			m = n < 0 ? n :
			    secmsg_msg_open(d ? &cs : &sc, sid, msg,
					    (size_t)n, NULL, out);
			good &= m == (long)sizeof(pt) &&
				!memcmp(out, pt, sizeof(pt));
		}
		secmsg_dir_ratchet(&cc);
		secmsg_dir_ratchet(&cs);
		secmsg_dir_ratchet(&sc);
		secmsg_dir_ratchet(&ss);
	}
	secmsg_dir_wipe(&cc);
	secmsg_dir_wipe(&cs);
	secmsg_dir_wipe(&sc);
	secmsg_dir_wipe(&ss);
	return good;
}

static void test_round_trips(void)
{
	struct peer client, server;
	struct run r;
	size_t i;

	peer_new(&client);
	peer_new(&server);
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		const char *name = secmsg_alg_name(algs[i]);

		run_handshake(&r, "alice", algs[i], &client, server.pub,
			      server.priv, client.pub, NULL, 1000 + i);
		ok(!r.init_err && !r.respond_err && !r.finish_err &&
		   !r.confirm_err, "%s: handshake completes (%d %d %d %d)",
		   name, r.init_err, r.respond_err, r.finish_err,
		   r.confirm_err);
		ok(r.sid == 1000 + i && r.p.alg == algs[i] &&
		   !strcmp(r.p.user_id, "alice"),
		   "%s: session id, algorithm and user agree", name);
		is_mem(r.c2s, r.p.secret_c2s, KLEN, "%s: same S_c2s(0)", name);
		is_mem(r.s2c, r.p.secret_s2c, KLEN, "%s: same S_s2c(0)", name);
		is_mem(r.msg3 + 12, r.p.confirm, 32, "%s: same confirm", name);
		ok(memcmp(r.c2s, r.s2c, KLEN), "%s: directions differ", name);
		ok(exchange(algs[i], r.sid, r.c2s, r.s2c, r.p.secret_c2s,
			    r.p.secret_s2c),
		   "%s: sealed messages both ways, epochs 0..2", name);
		ok(is_zero((const uint8_t *)&r.st, sizeof(r.st)),
		   "%s: client state wiped after finish", name);
		secmsg_hs_pending_wipe(&r.p);
	}
	/* two handshakes of the same parties: fresh secrets */
	{
		struct run r2;

		run_handshake(&r, "alice", 1, &client, server.pub, server.priv,
			      client.pub, NULL, 7);
		run_handshake(&r2, "alice", 1, &client, server.pub,
			      server.priv, client.pub, NULL, 7);
		ok(!r.confirm_err && !r2.confirm_err &&
		   memcmp(r.c2s, r2.c2s, KLEN) && memcmp(r.msg1, r2.msg1, 36),
		   "two handshakes: fresh ephemerals, different secrets");
		secmsg_hs_pending_wipe(&r.p);
		secmsg_hs_pending_wipe(&r2.p);
	}
}

/* ---- rejections ---- */

static void test_wrong_keys(void)
{
	struct peer client, server, other;
	struct run r;

	peer_new(&client);
	peer_new(&server);
	peer_new(&other);
	run_handshake(&r, "alice", 2, &client, other.pub, server.priv,
		      client.pub, NULL, 1);
	ok(!r.init_err && r.respond_err == -EBADMSG,
	   "client pinned the wrong server key: -EBADMSG (%d)",
	   r.respond_err);
	run_handshake(&r, "alice", 2, &client, server.pub, server.priv,
		      other.pub, NULL, 1);
	ok(!r.init_err && r.respond_err == -EBADMSG,
	   "server holds another key for the user: -EBADMSG (%d)",
	   r.respond_err);
	/* the server has the right pinned key but another private key */
	run_handshake(&r, "alice", 2, &client, server.pub, other.priv,
		      client.pub, NULL, 1);
	ok(r.respond_err == -EBADMSG,
	   "impostor server (other private key): -EBADMSG (%d)",
	   r.respond_err);
}

/* Deterministic material so that every flip starts from the same bytes. */
struct fixed {
	struct peer client, server;
	uint8_t e_c[KLEN], e_s[KLEN];
	struct secmsg_hs_timestamp ts;
};

static int fixed_init(const struct fixed *f, struct secmsg_hs_state *st,
		      uint8_t *msg1, size_t *len)
{
	*len = SECMSG_HS_INIT_MAX;
	return secmsg_hs_init_ex(st, "alice", 3, f->client.priv,
				 f->server.pub, f->e_c, &f->ts, msg1, len);
}

/* The reference server as a server would run it: look the user up. */
static int server_respond(const struct fixed *f, const uint8_t *msg1,
			  size_t len, struct secmsg_hs_pending *p)
{
	struct secmsg_hs_init_info info;
	int err = secmsg_hs_parse_init(msg1, len, &info);

	if (err)
		return err;
	if (strcmp(info.user_id, "alice"))
		return -ENOENT;
	return secmsg_hs_respond(f->server.priv, NULL, f->client.pub, NULL, 42,
				 f->e_s, msg1, len, p);
}

static void test_flips(void)
{
	uint8_t msg1[SECMSG_HS_INIT_MAX], m[SECMSG_HS_INIT_MAX];
	uint8_t msg2[SECMSG_HS_RESPONSE_LEN], msg3[SECMSG_HS_CONFIRM_LEN];
	uint8_t c2s[KLEN], s2c[KLEN];
	struct secmsg_hs_pending p, q;
	struct secmsg_hs_state st;
	int counts[4] = { 0 };	/* EINVAL, EBADMSG, ENOENT, other */
	int accepted = 0, bit, err;
	struct fixed f;
	size_t len, i;
	uint64_t sid;

	peer_new(&f.client);
	peer_new(&f.server);
	secmsg_random(f.e_c, KLEN);
	secmsg_random(f.e_s, KLEN);
	f.ts.sec = 1800000000;
	f.ts.nsec = 5;
	if (fixed_init(&f, &st, msg1, &len) ||
	    server_respond(&f, msg1, len, &p)) {
		ok(0, "flips: set up");
		return;
	}
	memcpy(msg2, p.msg2, sizeof(msg2));
	secmsg_hs_finish(&st, msg2, sizeof(msg2), &sid, c2s, s2c, msg3);
	ok(!secmsg_hs_confirm_check(&p, msg3, sizeof(msg3)),
	   "flips: the unmodified handshake completes");

	/* message 1: each bit of each byte (user id flips: unknown user) */
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(m, msg1, len);
			m[i] ^= (uint8_t)(1 << bit);
			err = server_respond(&f, m, len, &q);
			if (!err) {
				accepted++;
				diag("message 1 byte %zu bit %d accepted", i,
				     bit);
				secmsg_hs_pending_wipe(&q);
			}
			counts[err == -EINVAL ? 0 : err == -EBADMSG ? 1 :
			       err == -ENOENT ? 2 : 3] += !!err;
		}
	}
	ok(!accepted && !counts[3],
	   "message 1: all %zu single-bit flips rejected (EINVAL %d, "
	   "EBADMSG %d, ENOENT %d)", len * 8, counts[0], counts[1],
	   counts[2]);
	/* and truncated / extended */
	ok(server_respond(&f, msg1, len - 1, &q) == -EINVAL &&
	   server_respond(&f, msg1, 0, &q) == -EINVAL,
	   "message 1: truncated: -EINVAL");

	/* message 2: each bit of each byte, against a fresh client state */
	memset(counts, 0, sizeof(counts));
	accepted = 0;
	for (i = 0; i < sizeof(msg2); i++) {
		for (bit = 0; bit < 8; bit++) {
			uint8_t m2[SECMSG_HS_RESPONSE_LEN];

			fixed_init(&f, &st, m, &len);
			memcpy(m2, msg2, sizeof(m2));
			m2[i] ^= (uint8_t)(1 << bit);
			err = secmsg_hs_finish(&st, m2, sizeof(m2), &sid, c2s,
					       s2c, msg3);
			if (!err)
				accepted++;
			counts[err == -EPROTO ? 0 : err == -EBADMSG ? 1 :
			       err == -EINVAL ? 2 : 3] += !!err;
		}
	}
	ok(!accepted && !counts[3],
	   "message 2: all %zu single-bit flips rejected (EPROTO %d, "
	   "EBADMSG %d, EINVAL %d)", sizeof(msg2) * 8, counts[0], counts[1],
	   counts[2]);
	fixed_init(&f, &st, m, &len);
	ok(secmsg_hs_finish(&st, msg2, sizeof(msg2) - 1, &sid, c2s, s2c,
			    msg3) == -EINVAL, "message 2: truncated: -EINVAL");
	ok(secmsg_hs_finish(&st, msg2, sizeof(msg2), &sid, c2s, s2c,
			    msg3) == -EINVAL,
	   "message 2: the state is spent after a failed finish");

	/* message 3 */
	fixed_init(&f, &st, m, &len);
	secmsg_hs_finish(&st, msg2, sizeof(msg2), &sid, c2s, s2c, msg3);
	memset(counts, 0, sizeof(counts));
	accepted = 0;
	for (i = 0; i < sizeof(msg3); i++) {
		for (bit = 0; bit < 8; bit++) {
			uint8_t m3[SECMSG_HS_CONFIRM_LEN];

			memcpy(m3, msg3, sizeof(m3));
			m3[i] ^= (uint8_t)(1 << bit);
			err = secmsg_hs_confirm_check(&p, m3, sizeof(m3));
			if (!err)
				accepted++;
			counts[err == -EINVAL ? 0 : err == -ENOENT ? 1 :
			       err == -EBADMSG ? 2 : 3] += !!err;
		}
	}
	ok(!accepted && !counts[3] && counts[2] == 32 * 8,
	   "message 3: all %zu single-bit flips rejected (EINVAL %d, "
	   "ENOENT %d, EBADMSG %d)", sizeof(msg3) * 8, counts[0], counts[1],
	   counts[2]);
	ok(secmsg_hs_confirm_check(&p, msg3, sizeof(msg3) - 1) == -EINVAL,
	   "message 3: truncated: -EINVAL");
	ok(!secmsg_hs_confirm_check(&p, msg3, sizeof(msg3)),
	   "message 3: the original still checks");
	secmsg_hs_pending_wipe(&p);
}

static void test_replay(void)
{
	struct secmsg_hs_replay replay = { 0 };
	struct secmsg_hs_timestamp ts = { 1600000000, 500 };
	uint8_t msg1[SECMSG_HS_INIT_MAX], old[SECMSG_HS_INIT_MAX];
	struct secmsg_hs_pending p;
	struct secmsg_hs_state st;
	struct peer client, server;
	size_t len = sizeof(msg1), old_len;
	int r1, r2;

	peer_new(&client);
	peer_new(&server);
	secmsg_hs_init_ex(&st, "alice", 1, client.priv, server.pub, NULL, &ts,
			  msg1, &len);
	secmsg_hs_wipe(&st);
	r1 = secmsg_hs_respond(server.priv, NULL, client.pub, &replay, 1, NULL,
			       msg1, len, &p);
	r2 = secmsg_hs_respond(server.priv, NULL, client.pub, &replay, 2, NULL,
			       msg1, len, &p);
	ok(!r1 && r2 == -EALREADY, "replayed message 1: -EALREADY (%d, %d)",
	   r1, r2);
	ok(replay.seen && replay.last.sec == ts.sec &&
	   replay.last.nsec == ts.nsec, "the server keeps the newest stamp");
	memcpy(old, msg1, len);
	old_len = len;

	/* same second, one nanosecond later: newer */
	ts.nsec++;
	len = sizeof(msg1);
	secmsg_hs_init_ex(&st, "alice", 1, client.priv, server.pub, NULL, &ts,
			  msg1, &len);
	secmsg_hs_wipe(&st);
	ok(!secmsg_hs_respond(server.priv, NULL, client.pub, &replay, 3, NULL,
			      msg1, len, &p), "1 ns newer: accepted");
	ok(secmsg_hs_respond(server.priv, NULL, client.pub, &replay, 4, NULL,
			     old, old_len, &p) == -EALREADY,
	   "the older message 1 after a newer one: -EALREADY");
	ts.sec--;
	ts.nsec = 999999999;
	len = sizeof(msg1);
	secmsg_hs_init_ex(&st, "alice", 1, client.priv, server.pub, NULL, &ts,
			  msg1, &len);
	secmsg_hs_wipe(&st);
	ok(secmsg_hs_respond(server.priv, NULL, client.pub, &replay, 5, NULL,
			     msg1, len, &p) == -EALREADY,
	   "a fresh message 1 with an older timestamp: -EALREADY");
	/* a real-time message 1 is newer than all of these */
	len = sizeof(msg1);
	secmsg_hs_init(&st, "alice", 1, client.priv, server.pub, msg1, &len);
	secmsg_hs_wipe(&st);
	ts.sec = 0;
	ok(!secmsg_hs_respond(server.priv, NULL, client.pub, &replay, 6, NULL,
			      msg1, len, &p) && p.ts.sec > 1700000000,
	   "secmsg_hs_init stamps with the real time");
	secmsg_hs_pending_wipe(&p);
}

/*
 * Message 1s made back to back, faster than a coarse clock moves (the
 * debug kernel's VM has a clock of 4 ms steps): each newer than the last,
 * so the server takes every one.
 */
static void test_back_to_back(void)
{
	struct secmsg_hs_replay replay = { 0 };
	struct secmsg_hs_timestamp last = { 0 };
	uint8_t msg1[SECMSG_HS_INIT_MAX];
	struct secmsg_hs_pending p;
	struct secmsg_hs_state st;
	struct peer client, server;
	int i, taken = 0, newer = 0;
	size_t len;

	peer_new(&client);
	peer_new(&server);
	for (i = 0; i < 500; i++) {
		len = sizeof(msg1);
		if (secmsg_hs_init(&st, "alice", 1, client.priv, server.pub,
				   msg1, &len))
			break;
		secmsg_hs_wipe(&st);
		if (secmsg_hs_respond(server.priv, NULL, client.pub, &replay,
				      (uint64_t)i + 1, NULL, msg1, len, &p))
			break;
		taken++;
		newer += p.ts.sec > last.sec ||
			 (p.ts.sec == last.sec && p.ts.nsec > last.nsec);
		last = p.ts;
		secmsg_hs_pending_wipe(&p);
	}
	ok(taken == 500 && newer == 500,
	   "500 message 1s back to back: each newer, all taken (%d, %d)",
	   taken, newer);
}

static void test_confirm_mixups(void)
{
	struct peer client, server;
	struct run a, b;

	peer_new(&client);
	peer_new(&server);
	run_handshake(&a, "alice", 1, &client, server.pub, server.priv,
		      client.pub, NULL, 77);
	run_handshake(&b, "alice", 1, &client, server.pub, server.priv,
		      client.pub, NULL, 77);
	ok(!a.confirm_err && !b.confirm_err &&
	   secmsg_hs_confirm_check(&a.p, b.msg3, sizeof(b.msg3)) == -EBADMSG,
	   "message 3 of another handshake (same session id): -EBADMSG");
	run_handshake(&b, "alice", 1, &client, server.pub, server.priv,
		      client.pub, NULL, 78);
	ok(secmsg_hs_confirm_check(&a.p, b.msg3, sizeof(b.msg3)) == -ENOENT,
	   "message 3 for another session id: -ENOENT");
	secmsg_hs_pending_wipe(&a.p);
	secmsg_hs_pending_wipe(&b.p);
}

/* Low-order points (RFC 7748 / Wycheproof): 0, 1, and an order-8 point. */
static const char order8[] =
	"\xe0\xeb\x7a\x7c\x3b\x41\xb8\xae\x16\x56\xe3\xfa\xf1\x9f\xc4\x6a"
	"\xda\x09\x8d\xeb\x9c\x32\xb1\xfd\x86\x62\x05\x16\x5f\x49\xb8\x00";

static void test_bad_points(void)
{
	uint8_t msg1[SECMSG_HS_INIT_MAX], m[SECMSG_HS_INIT_MAX];
	uint8_t msg2[SECMSG_HS_RESPONSE_LEN], msg3[SECMSG_HS_CONFIRM_LEN];
	uint8_t c2s[KLEN], s2c[KLEN], bad[KLEN];
	struct secmsg_hs_pending p;
	struct secmsg_hs_state st;
	struct peer client, server;
	size_t len = sizeof(msg1), off = 4 + 5;
	uint64_t sid;
	int r;

	peer_new(&client);
	peer_new(&server);
	/* client: a pinned low-order or non-canonical server key */
	memcpy(bad, order8, KLEN);
	r = secmsg_hs_init(&st, "alice", 1, client.priv, bad, msg1, &len);
	ok(r == -EINVAL && is_zero((const uint8_t *)&st, sizeof(st)),
	   "init: low-order server key: -EINVAL, state wiped (%d)", r);
	memset(bad, 0xff, KLEN);
	len = sizeof(msg1);
	ok(secmsg_hs_init(&st, "alice", 1, client.priv, bad, msg1, &len) ==
	   -EINVAL, "init: non-canonical server key: -EINVAL");

	/* server: low-order or non-canonical E_c */
	len = sizeof(msg1);
	secmsg_hs_init(&st, "alice", 1, client.priv, server.pub, msg1, &len);
	memcpy(m, msg1, len);
	memcpy(m + off, order8, KLEN);
	ok(secmsg_hs_respond(server.priv, NULL, client.pub, NULL, 1, NULL, m,
			     len, &p) == -EINVAL,
	   "respond: low-order E_c: -EINVAL");
	memset(m + off, 0, KLEN);
	ok(secmsg_hs_respond(server.priv, NULL, client.pub, NULL, 1, NULL, m,
			     len, &p) == -EINVAL, "respond: zero E_c: -EINVAL");
	memset(m + off, 0xff, KLEN);
	m[off + 31] = 0x7f;
	ok(secmsg_hs_respond(server.priv, NULL, client.pub, NULL, 1, NULL, m,
			     len, &p) == -EINVAL,
	   "respond: non-canonical E_c (2^255 - 1): -EINVAL");
	memcpy(bad, order8, KLEN);
	ok(secmsg_hs_respond(server.priv, NULL, bad, NULL, 1, NULL, msg1, len,
			     &p) == -EINVAL,
	   "respond: a low-order registered user key: -EINVAL");

	/* client: low-order or non-canonical E_s */
	ok(!secmsg_hs_respond(server.priv, NULL, client.pub, NULL, 1, NULL,
			      msg1, len, &p), "respond: the real message 1");
	memcpy(msg2, p.msg2, sizeof(msg2));
	memcpy(msg2 + 12, order8, KLEN);
	ok(secmsg_hs_finish(&st, msg2, sizeof(msg2), &sid, c2s, s2c, msg3) ==
	   -EINVAL, "finish: low-order E_s: -EINVAL");
	len = sizeof(msg1);
	secmsg_hs_init(&st, "alice", 1, client.priv, server.pub, msg1, &len);
	memcpy(msg2, p.msg2, sizeof(msg2));
	msg2[12 + 31] |= 0x80;
	ok(secmsg_hs_finish(&st, msg2, sizeof(msg2), &sid, c2s, s2c, msg3) ==
	   -EINVAL, "finish: E_s with bit 255 set: -EINVAL");
	len = sizeof(msg1);
	secmsg_hs_init(&st, "alice", 1, client.priv, server.pub, msg1, &len);
	memcpy(msg2, p.msg2, sizeof(msg2));
	memset(msg2 + 4, 0, 8);
	ok(secmsg_hs_finish(&st, msg2, sizeof(msg2), &sid, c2s, s2c, msg3) ==
	   -EPROTO, "finish: session id 0: -EPROTO");
	secmsg_hs_pending_wipe(&p);
}

static void test_args(void)
{
	static const char *const bad_ids[] = {
		"", ".alice", "-alice", "al ice", "al/ice", "al\xc3\xa9",
		"uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
		"uuuuu",
	};
	uint8_t msg1[SECMSG_HS_INIT_MAX];
	struct secmsg_hs_state st;
	struct peer client, server;
	size_t len, i;
	int bad = 0;

	peer_new(&client);
	peer_new(&server);
	for (i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
		len = sizeof(msg1);
		if (secmsg_hs_init(&st, bad_ids[i], 1, client.priv, server.pub,
				   msg1, &len) != -EINVAL) {
			bad++;
			diag("user id \"%s\" accepted", bad_ids[i]);
		}
	}
	ok(!bad, "init: %zu invalid user ids: -EINVAL", i);
	ok(secmsg_user_id_valid("a") && secmsg_user_id_valid("A.b_c@d-9") &&
	   secmsg_user_id_valid("uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
				"uuuuuuuuuuuuuuuuuuu"),
	   "valid user ids (1 and 64 bytes, every class)");
	len = sizeof(msg1);
	ok(secmsg_hs_init(&st, "alice", 0, client.priv, server.pub, msg1,
			  &len) == -EINVAL &&
	   secmsg_hs_init(&st, "alice", 4, client.priv, server.pub, msg1,
			  &len) == -EINVAL,
	   "init: algorithms 0 and 4: -EINVAL");
	len = 4 + 5 + 32 + 27;
	ok(secmsg_hs_init(&st, "alice", 1, client.priv, server.pub, msg1,
			  &len) == -ENOSPC, "init: one byte short: -ENOSPC");
	len = 4 + 5 + 32 + 28;
	ok(!secmsg_hs_init(&st, "alice", 1, client.priv, server.pub, msg1,
			   &len) && len == 4 + 5 + 32 + 28,
	   "init: exact room: %zu bytes", len);
	secmsg_hs_wipe(&st);
	ok(secmsg_hs_finish(&st, msg1, SECMSG_HS_RESPONSE_LEN, NULL, NULL,
			    NULL, NULL) == -EINVAL,
	   "finish without init: -EINVAL");
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof(hs_kats) / sizeof(hs_kats[0]); i++)
		test_kat(&hs_kats[i]);
	test_canonical();
	test_wycheproof_x25519();
	test_round_trips();
	test_wrong_keys();
	test_flips();
	test_replay();
	test_back_to_back();
	test_confirm_mixups();
	test_bad_points();
	test_args();
	return done();
}
