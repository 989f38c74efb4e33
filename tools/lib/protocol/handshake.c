// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The secmsg handshake (docs/protocol.md section 3): Noise KK
 * (Noise_KK_25519_ChaChaPoly_SHA256) with the secmsg framing, client side
 * and a userspace reference of the server side.  Primitives from nettle:
 * curve25519_mul(_g), sha256, HMAC-SHA256 (the library's one HMAC,
 * crypto.h) and chacha_poly1305 with a 12-byte zero nonce (each Noise key
 * k encrypts exactly once).
 *
 * Symmetric state (h, ck, k) as in Noise:
 *   MixHash(x):  h = SHA256(h || x)
 *   MixKey(x):   t = HMAC(ck, x); ck = HMAC(t, 0x01); k = HMAC(t, ck || 0x02)
 *   EncryptAndHash(p): c = ChaChaPoly(k, 0, ad = h, p); MixHash(c)
 *   Split:       t = HMAC(ck, ""); S_c2s = HMAC(t, 0x01);
 *                S_s2c = HMAC(t, S_c2s || 0x02)
 *   confirm    = HMAC(ck, "secmsg v1 confirm" || h)
 */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include <nettle/chacha-poly1305.h>
#include <nettle/curve25519.h>
#include <nettle/memops.h>
#include <nettle/sha2.h>

#include "be.h"
#include "crypto.h"
#include "secmsg/handshake.h"

#define HLEN		SECMSG_HS_HASH_LEN
#define KLEN		SECMSG_X25519_LEN
#define TAG_LEN		SECMSG_AEAD_TAG_LEN
#define TS_LEN		SECMSG_HS_TIMESTAMP_LEN

/* Offsets of message 1 after the user id (n bytes), and of message 2. */
#define M1_HDR		4
#define M2_HDR		12
#define M2_EPUB		12
#define M2_TAG		(12 + KLEN)
#define M3_CONFIRM	12

static const char protocol_name[] = "Noise_KK_25519_ChaChaPoly_SHA256";
static const char prologue[] = "secmsg handshake v1";
static const char confirm_label[] = "secmsg v1 confirm";

_Static_assert(sizeof(protocol_name) - 1 == HLEN,
	       "the protocol name is used as h without hashing");
_Static_assert(SECMSG_HS_RESPONSE_LEN == M2_TAG + TAG_LEN, "message 2");
_Static_assert(SECMSG_HS_CONFIRM_LEN == M3_CONFIRM + 32, "message 3");

enum { STAGE_NONE, STAGE_SENT_INIT };

struct sym {
	uint8_t h[HLEN];
	uint8_t ck[HLEN];
	uint8_t k[HLEN];
};

/* ---- X25519 ---- */

bool secmsg_x25519_canonical(const uint8_t pub[KLEN])
{
	int i;

	if (pub[31] & 0x80)
		return false;
	/* 2^255 - 19 is ed ff .. ff 7f (little endian) */
	if (pub[31] != 0x7f)
		return true;
	for (i = 30; i >= 1; i--)
		if (pub[i] != 0xff)
			return true;
	return pub[0] < 0xed;
}

int secmsg_x25519_pub(const uint8_t priv[KLEN], uint8_t pub[KLEN])
{
	if (!priv || !pub)
		return -EINVAL;
	curve25519_mul_g(pub, priv);
	return 0;
}

static bool all_zero(const uint8_t *p, size_t len)
{
	uint8_t acc = 0;
	size_t i;

	for (i = 0; i < len; i++)
		acc |= p[i];
	return acc == 0;
}

int secmsg_x25519(const uint8_t priv[KLEN], const uint8_t pub[KLEN],
		  uint8_t shared[KLEN])
{
	uint8_t out[KLEN];

	if (!priv || !pub || !shared || !secmsg_x25519_canonical(pub))
		return -EINVAL;
	curve25519_mul(out, priv, pub);
	if (all_zero(out, sizeof(out))) {
		explicit_bzero(shared, KLEN);
		return -EINVAL;
	}
	memcpy(shared, out, KLEN);
	explicit_bzero(out, sizeof(out));
	return 0;
}

int secmsg_x25519_generate(uint8_t priv[KLEN], uint8_t pub[KLEN])
{
	int err;

	if (!priv)
		return -EINVAL;
	err = secmsg_random(priv, KLEN);
	if (err)
		return err;
	if (pub)
		curve25519_mul_g(pub, priv);
	return 0;
}

/* ---- user ids ---- */

static bool user_id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' ||
	       c == '-';
}

static bool user_id_bytes_valid(const char *s, size_t n)
{
	size_t i;

	if (n < 1 || n > SECMSG_USER_ID_MAX || s[0] == '.' || s[0] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!user_id_char(s[i]))
			return false;
	return true;
}

bool secmsg_user_id_valid(const char *user_id)
{
	return user_id &&
	       user_id_bytes_valid(user_id,
				   strnlen(user_id, SECMSG_USER_ID_MAX + 1));
}

/* ---- symmetric state ---- */

/* Known-answer generation only (crypto.h): every step's state. */
static secmsg_hs_trace_fn trace_fn;
static void *trace_arg;

void secmsg_hs_set_trace(secmsg_hs_trace_fn fn, void *arg)
{
	trace_fn = fn;
	trace_arg = arg;
}

static void trace(const char *op, const struct sym *s, const void *in,
		  size_t len)
{
	if (trace_fn)
		trace_fn(trace_arg, op, in, len, s->h, s->ck, s->k);
}

static void mix_hash(struct sym *s, const void *data, size_t len)
{
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, HLEN, s->h);
	if (len)
		sha256_update(&c, len, data);
	sha256_digest(&c, HLEN, s->h);
	explicit_bzero(&c, sizeof(c));
	trace("MixHash", s, data, len);
}

static void sym_init(struct sym *s, const uint8_t c_pub[KLEN],
		     const uint8_t s_pub[KLEN])
{
	memset(s, 0, sizeof(*s));
	memcpy(s->h, protocol_name, HLEN);
	memcpy(s->ck, s->h, HLEN);
	trace("Init", s, protocol_name, HLEN);
	mix_hash(s, prologue, sizeof(prologue) - 1);
	mix_hash(s, c_pub, KLEN);
	mix_hash(s, s_pub, KLEN);
}

/* The HKDF of Noise with two outputs: (out1, out2) from ck and ikm. */
static void noise_hkdf2(const uint8_t ck[HLEN], const uint8_t *ikm,
			size_t ikm_len, uint8_t out1[HLEN],
			uint8_t out2[HLEN])
{
	static const uint8_t one = 0x01, two = 0x02;
	uint8_t t[HLEN];
	struct secmsg_buf in = { ikm, ikm_len };
	struct secmsg_buf v1 = { &one, 1 };
	struct secmsg_buf v2[2] = { { out1, HLEN }, { &two, 1 } };

	secmsg_hmac_sha256(ck, HLEN, &in, ikm_len ? 1 : 0, t);
	secmsg_hmac_sha256(t, HLEN, &v1, 1, out1);
	secmsg_hmac_sha256(t, HLEN, v2, 2, out2);
	explicit_bzero(t, sizeof(t));
}

static void mix_key(struct sym *s, const uint8_t dh[KLEN])
{
	uint8_t ck[HLEN];

	noise_hkdf2(s->ck, dh, KLEN, ck, s->k);
	memcpy(s->ck, ck, HLEN);
	explicit_bzero(ck, sizeof(ck));
	trace("MixKey", s, dh, KLEN);
}

/* DH and MixKey; -EINVAL for a non-canonical key or low-order result. */
static int mix_dh(struct sym *s, const uint8_t priv[KLEN],
		  const uint8_t pub[KLEN])
{
	uint8_t dh[KLEN];
	int err = secmsg_x25519(priv, pub, dh);

	if (!err)
		mix_key(s, dh);
	explicit_bzero(dh, sizeof(dh));
	return err;
}

static void aead_start(struct chacha_poly1305_ctx *c, const struct sym *s)
{
	static const uint8_t zero_nonce[CHACHA_POLY1305_NONCE_SIZE];

	chacha_poly1305_set_key(c, s->k);
	chacha_poly1305_set_nonce(c, zero_nonce);
	chacha_poly1305_update(c, HLEN, s->h);
}

/* out = ciphertext || tag (len + TAG_LEN bytes); MixHash(out). */
static void encrypt_and_hash(struct sym *s, const uint8_t *p, size_t len,
			     uint8_t *out)
{
	struct chacha_poly1305_ctx c;

	aead_start(&c, s);
	if (len)
		chacha_poly1305_encrypt(&c, len, out, p);
	chacha_poly1305_digest(&c, TAG_LEN, out + len);
	explicit_bzero(&c, sizeof(c));
	explicit_bzero(s->k, sizeof(s->k));
	mix_hash(s, out, len + TAG_LEN);
}

/* in = ciphertext || tag (len + TAG_LEN bytes) -> p; -EBADMSG. */
static int decrypt_and_hash(struct sym *s, const uint8_t *in, size_t len,
			    uint8_t *p)
{
	struct chacha_poly1305_ctx c;
	uint8_t tag[TAG_LEN];
	int ok;

	aead_start(&c, s);
	if (len)
		chacha_poly1305_decrypt(&c, len, p, in);
	chacha_poly1305_digest(&c, TAG_LEN, tag);
	explicit_bzero(&c, sizeof(c));
	explicit_bzero(s->k, sizeof(s->k));
	ok = memeql_sec(tag, in + len, TAG_LEN);
	explicit_bzero(tag, sizeof(tag));
	if (!ok) {
		if (len)
			explicit_bzero(p, len);
		return -EBADMSG;
	}
	mix_hash(s, in, len + TAG_LEN);
	return 0;
}

/* Split and the confirmation value. */
static void split(const struct sym *s, uint8_t c2s[SECMSG_KEY_LEN],
		  uint8_t s2c[SECMSG_KEY_LEN], uint8_t confirm[32])
{
	struct secmsg_buf v[2] = {
		{ (const uint8_t *)confirm_label, sizeof(confirm_label) - 1 },
		{ s->h, HLEN },
	};

	noise_hkdf2(s->ck, NULL, 0, c2s, s2c);
	secmsg_hmac_sha256(s->ck, HLEN, v, 2, confirm);
}

/* ---- timestamps ---- */

static void ts_put(uint8_t out[TS_LEN], const struct secmsg_hs_timestamp *t)
{
	put_be64(out, t->sec);
	put_be32(out + 8, t->nsec);
}

static void ts_get(const uint8_t in[TS_LEN], struct secmsg_hs_timestamp *t)
{
	t->sec = get_be64(in);
	t->nsec = get_be32(in + 8);
}

/*
 * The timestamp of a new message 1: the clock, but always newer than the
 * last one this process made, since the server refuses one that is not
 * newer than the last it took from the user (a replay).  A clock of coarse
 * resolution (one of jiffies, 4 ms steps, in a VM without a better
 * clocksource) or one standing still would otherwise give two handshakes
 * made in the same tick the same timestamp; then the next is one
 * nanosecond after the last.  Nanoseconds since 1970 in 64 bits last
 * until 2554.
 */
static int ts_now(struct secmsg_hs_timestamp *t)
{
	static _Atomic uint64_t last;
	struct timespec now;
	uint64_t ns, prev, next;

	if (clock_gettime(CLOCK_REALTIME, &now))
		return -errno;
	if (now.tv_sec < 0)
		return -ERANGE;
	ns = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
	prev = atomic_load(&last);
	do {
		next = ns > prev ? ns : prev + 1;
	} while (!atomic_compare_exchange_weak(&last, &prev, next));
	t->sec = next / 1000000000u;
	t->nsec = (uint32_t)(next % 1000000000u);
	return 0;
}

static bool ts_newer(const struct secmsg_hs_timestamp *a,
		     const struct secmsg_hs_timestamp *b)
{
	return a->sec > b->sec || (a->sec == b->sec && a->nsec > b->nsec);
}

/* ---- client ---- */

void secmsg_hs_wipe(struct secmsg_hs_state *st)
{
	if (st)
		explicit_bzero(st, sizeof(*st));
}

static bool alg_valid(int alg)
{
	return alg >= 1 && alg <= SECMSG_ALG_MAX;
}

int secmsg_hs_init_ex(struct secmsg_hs_state *st, const char *user_id,
		      int alg, const uint8_t client_priv[KLEN],
		      const uint8_t server_pub[KLEN],
		      const uint8_t e_priv[KLEN],
		      const struct secmsg_hs_timestamp *ts,
		      uint8_t *msg1, size_t *msg1_len)
{
	struct secmsg_hs_timestamp now = { 0 };
	uint8_t ts_buf[TS_LEN];
	struct sym s;
	size_t n, len;
	int err;

	if (!st)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	if (!secmsg_user_id_valid(user_id) || !alg_valid(alg) ||
	    !client_priv || !server_pub || !msg1 || !msg1_len ||
	    !secmsg_x25519_canonical(server_pub))
		return -EINVAL;
	n = strlen(user_id);
	len = M1_HDR + n + KLEN + TS_LEN + TAG_LEN;
	if (*msg1_len < len)
		return -ENOSPC;
	if (ts) {
		now = *ts;
	} else {
		err = ts_now(&now);
		if (err)
			return err;
	}
	if (e_priv) {
		memcpy(st->e_priv, e_priv, KLEN);
		curve25519_mul_g(st->e_pub, st->e_priv);
	} else {
		err = secmsg_x25519_generate(st->e_priv, st->e_pub);
		if (err)
			goto fail;
	}
	memcpy(st->s_priv, client_priv, KLEN);
	curve25519_mul_g(st->s_pub, st->s_priv);
	memcpy(st->rs_pub, server_pub, KLEN);
	st->alg = alg;

	msg1[0] = SECMSG_HS_INIT;
	msg1[1] = SECMSG_HS_VERSION;
	msg1[2] = (uint8_t)alg;
	msg1[3] = (uint8_t)n;
	memcpy(msg1 + M1_HDR, user_id, n);
	memcpy(msg1 + M1_HDR + n, st->e_pub, KLEN);

	sym_init(&s, st->s_pub, st->rs_pub);
	mix_hash(&s, msg1, M1_HDR + n);
	mix_hash(&s, st->e_pub, KLEN);
	err = mix_dh(&s, st->e_priv, st->rs_pub);		/* es */
	if (!err)
		err = mix_dh(&s, st->s_priv, st->rs_pub);	/* ss */
	if (err)
		goto fail;
	ts_put(ts_buf, &now);
	encrypt_and_hash(&s, ts_buf, TS_LEN, msg1 + M1_HDR + n + KLEN);
	explicit_bzero(ts_buf, sizeof(ts_buf));

	memcpy(st->h, s.h, HLEN);
	memcpy(st->ck, s.ck, HLEN);
	explicit_bzero(&s, sizeof(s));
	st->stage = STAGE_SENT_INIT;
	*msg1_len = len;
	return 0;
fail:
	explicit_bzero(&s, sizeof(s));
	secmsg_hs_wipe(st);
	explicit_bzero(msg1, len);
	return err;
}

int secmsg_hs_init(struct secmsg_hs_state *st, const char *user_id, int alg,
		   const uint8_t client_priv[KLEN],
		   const uint8_t server_pub[KLEN], uint8_t *msg1,
		   size_t *msg1_len)
{
	return secmsg_hs_init_ex(st, user_id, alg, client_priv, server_pub,
				 NULL, NULL, msg1, msg1_len);
}

int secmsg_hs_finish(struct secmsg_hs_state *st, const uint8_t *msg2,
		     size_t msg2_len, uint64_t *session_id,
		     uint8_t secret_c2s[SECMSG_KEY_LEN],
		     uint8_t secret_s2c[SECMSG_KEY_LEN],
		     uint8_t msg3[SECMSG_HS_CONFIRM_LEN])
{
	uint8_t c2s[SECMSG_KEY_LEN], s2c[SECMSG_KEY_LEN], confirm[32];
	const uint8_t *e_pub;
	struct sym s;
	uint64_t id;
	int err;

	if (!st)
		return -EINVAL;
	memset(&s, 0, sizeof(s));
	if (st->stage != STAGE_SENT_INIT || !msg2 || !session_id ||
	    !secret_c2s || !secret_s2c || !msg3 ||
	    msg2_len != SECMSG_HS_RESPONSE_LEN) {
		err = -EINVAL;
		goto out;
	}
	id = get_be64(msg2 + 4);
	if (msg2[0] != SECMSG_HS_RESPONSE || msg2[1] != SECMSG_HS_VERSION ||
	    msg2[2] || msg2[3] || !id) {
		err = -EPROTO;
		goto out;
	}
	e_pub = msg2 + M2_EPUB;
	memcpy(s.h, st->h, HLEN);
	memcpy(s.ck, st->ck, HLEN);
	mix_hash(&s, msg2, M2_HDR);
	mix_hash(&s, e_pub, KLEN);
	err = mix_dh(&s, st->e_priv, e_pub);			/* ee */
	if (!err)
		err = mix_dh(&s, st->s_priv, e_pub);		/* se */
	if (!err)
		err = decrypt_and_hash(&s, msg2 + M2_TAG, 0, NULL);
	if (err)
		goto out;
	split(&s, c2s, s2c, confirm);

	*session_id = id;
	memcpy(secret_c2s, c2s, SECMSG_KEY_LEN);
	memcpy(secret_s2c, s2c, SECMSG_KEY_LEN);
	msg3[0] = SECMSG_HS_CONFIRM;
	msg3[1] = SECMSG_HS_VERSION;
	msg3[2] = 0;
	msg3[3] = 0;
	put_be64(msg3 + 4, id);
	memcpy(msg3 + M3_CONFIRM, confirm, sizeof(confirm));
out:
	explicit_bzero(c2s, sizeof(c2s));
	explicit_bzero(s2c, sizeof(s2c));
	explicit_bzero(confirm, sizeof(confirm));
	explicit_bzero(&s, sizeof(s));
	secmsg_hs_wipe(st);
	return err;
}

/* ---- reference server ---- */

int secmsg_hs_parse_init(const uint8_t *msg1, size_t len,
			 struct secmsg_hs_init_info *info)
{
	size_t n;

	if (!msg1 || !info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	if (len < SECMSG_HS_INIT_MIN || len > SECMSG_HS_INIT_MAX)
		return -EINVAL;
	n = msg1[3];
	if (len != M1_HDR + n + KLEN + TS_LEN + TAG_LEN)
		return -EINVAL;
	if (msg1[0] != SECMSG_HS_INIT || msg1[1] != SECMSG_HS_VERSION ||
	    !alg_valid(msg1[2]) ||
	    !user_id_bytes_valid((const char *)msg1 + M1_HDR, n))
		return -EINVAL;
	info->type = msg1[0];
	info->version = msg1[1];
	info->alg = msg1[2];
	memcpy(info->user_id, msg1 + M1_HDR, n);
	info->user_id[n] = '\0';
	return 0;
}

void secmsg_hs_pending_wipe(struct secmsg_hs_pending *p)
{
	if (p)
		explicit_bzero(p, sizeof(*p));
}

int secmsg_hs_respond(const uint8_t server_priv[KLEN],
		      const uint8_t server_pub[KLEN],
		      const uint8_t user_pub[KLEN],
		      struct secmsg_hs_replay *replay, uint64_t session_id,
		      const uint8_t e_priv[KLEN],
		      const uint8_t *msg1, size_t msg1_len,
		      struct secmsg_hs_pending *out)
{
	uint8_t s_pub[KLEN], es_priv[KLEN], ts_buf[TS_LEN];
	struct secmsg_hs_init_info info;
	const uint8_t *ec_pub;
	struct sym s;
	size_t n;
	int err;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	memset(es_priv, 0, sizeof(es_priv));
	if (!server_priv || !user_pub || !session_id)
		return -EINVAL;
	err = secmsg_hs_parse_init(msg1, msg1_len, &info);
	if (err)
		return err;
	n = msg1[3];
	ec_pub = msg1 + M1_HDR + n;
	if (!secmsg_x25519_canonical(ec_pub) ||
	    !secmsg_x25519_canonical(user_pub))
		return -EINVAL;

	/* message 1: e, es, ss, timestamp */
	if (server_pub)
		memcpy(s_pub, server_pub, KLEN);
	else
		curve25519_mul_g(s_pub, server_priv);
	sym_init(&s, user_pub, s_pub);
	mix_hash(&s, msg1, M1_HDR + n);
	mix_hash(&s, ec_pub, KLEN);
	err = mix_dh(&s, server_priv, ec_pub);			/* es */
	if (!err)
		err = mix_dh(&s, server_priv, user_pub);	/* ss */
	if (!err)
		err = decrypt_and_hash(&s, ec_pub + KLEN, TS_LEN, ts_buf);
	if (err)
		goto fail;
	ts_get(ts_buf, &out->ts);
	if (replay && replay->seen && !ts_newer(&out->ts, &replay->last)) {
		err = -EALREADY;
		goto fail;
	}

	/* message 2: e, ee, se, empty payload */
	if (e_priv)
		memcpy(es_priv, e_priv, KLEN);
	else if ((err = secmsg_random(es_priv, KLEN)))
		goto fail;
	out->msg2[0] = SECMSG_HS_RESPONSE;
	out->msg2[1] = SECMSG_HS_VERSION;
	put_be64(out->msg2 + 4, session_id);
	curve25519_mul_g(out->msg2 + M2_EPUB, es_priv);
	mix_hash(&s, out->msg2, M2_HDR);
	mix_hash(&s, out->msg2 + M2_EPUB, KLEN);
	err = mix_dh(&s, es_priv, ec_pub);			/* ee */
	if (!err)
		err = mix_dh(&s, es_priv, user_pub);		/* se */
	if (err)
		goto fail;
	encrypt_and_hash(&s, NULL, 0, out->msg2 + M2_TAG);
	split(&s, out->secret_c2s, out->secret_s2c, out->confirm);

	out->session_id = session_id;
	out->alg = info.alg;
	memcpy(out->user_id, info.user_id, sizeof(out->user_id));
	if (replay) {
		replay->seen = true;
		replay->last = out->ts;
	}
	err = 0;
	goto out;
fail:
	secmsg_hs_pending_wipe(out);
out:
	explicit_bzero(&s, sizeof(s));
	explicit_bzero(es_priv, sizeof(es_priv));
	explicit_bzero(ts_buf, sizeof(ts_buf));
	return err;
}

int secmsg_hs_confirm_check(const struct secmsg_hs_pending *p,
			    const uint8_t *msg3, size_t msg3_len)
{
	if (!p || !msg3 || msg3_len != SECMSG_HS_CONFIRM_LEN)
		return -EINVAL;
	if (msg3[0] != SECMSG_HS_CONFIRM || msg3[1] != SECMSG_HS_VERSION ||
	    msg3[2] || msg3[3])
		return -EINVAL;
	if (get_be64(msg3 + 4) != p->session_id)
		return -ENOENT;
	return memeql_sec(msg3 + M3_CONFIRM, p->confirm, sizeof(p->confirm)) ?
	       0 : -EBADMSG;
}
