/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * docs/vectors.json, the worked examples of docs/protocol.md section 6,
 * made by the reference implementation (libsecmsg) from fixed inputs:
 * a handshake with every step of its symmetric state, sealed messages of
 * each algorithm in both directions, one ratchet step, one key file.
 *
 * vectors_generate() returns the file's text (malloc'ed, ends in a
 * newline) or NULL.  mkvectors prints it; test_vectors checks that the
 * file in the tree is exactly this.  tools/lib/tests/vectors_check.py
 * recomputes every value with an independent implementation.
 *
 * Encoding (for every reader, also the JavaScript client's tests): byte
 * strings are lowercase hex; session ids are 16 lowercase hex digits, as
 * on the WebSocket; every other integer is a JSON number below 2^53.
 */
#ifndef SECMSG_VECTORS_GEN_H
#define SECMSG_VECTORS_GEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "protocol/crypto.h"
#include "secmsg/codec.h"
#include "secmsg/handshake.h"
#include "secmsg/keyfile.h"
#include "secmsg/nl.h"
#include "secmsg/wire.h"

#define VG_KLEN		32
#define VG_STEPS	14

/* The fixed inputs. */
#define VG_USER		"alice"
#define VG_ALG		SECMSG_ALG_AES_256_GCM
#define VG_TS_SEC	1764000000ULL
#define VG_TS_NSEC	123456789U
#define VG_SESSION_ID	0x0123456789abcdefULL
#define VG_PASSPHRASE	"correct horse battery staple"
#define VG_ITERATIONS	100000U
#define VG_RATCHET_ALG	SECMSG_ALG_AES_256_GCM

/* What each step of the handshake's symmetric state does, in order. */
static const char *const vg_step_what[VG_STEPS] = {
	"h = ck = protocol name",
	"prologue",
	"C (client static public key)",
	"S (server static public key)",
	"message 1 bytes 0 .. 3+n: type, version, alg, n, user id",
	"E_c",
	"es = DH(e_c, S)",
	"ss = DH(c, S)",
	"message 1: encrypted timestamp and tag",
	"message 2 bytes 0 .. 11: type, version, reserved, session id",
	"E_s",
	"ee = DH(e_c, E_s)",
	"se = DH(c, E_s)",
	"message 2: tag of the empty payload",
};

/* Plaintexts: [direction][seq]; then the ratchet step's. */
static const char *const vg_plain[2][2] = {
	{ "hello from alice", "ok" },			/* c2s: 16 and 2 */
	{ "welcome, alice: this is the server", "second" },	/* s2c */
};
static const char *const vg_ratchet_plain[2] = {
	"after the ratchet", "after the ratchet, too",
};

/* Fixed byte strings: start, start + step, ... */
static inline void vg_fill(uint8_t *p, size_t n, unsigned int start,
			   unsigned int step)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(start + step * i);
}

struct vg_keys {
	uint8_t c[VG_KLEN], s[VG_KLEN], e_c[VG_KLEN], e_s[VG_KLEN];
	uint8_t kf_salt_nonce[SECMSG_KEYFILE_SALT_LEN +
			      SECMSG_KEYFILE_NONCE_LEN];
};

static inline void vg_inputs(struct vg_keys *k)
{
	vg_fill(k->c, VG_KLEN, 0x10, 1);
	vg_fill(k->s, VG_KLEN, 0x30, 1);
	vg_fill(k->e_c, VG_KLEN, 0x50, 1);
	vg_fill(k->e_s, VG_KLEN, 0x70, 1);
	vg_fill(k->kf_salt_nonce, sizeof(k->kf_salt_nonce), 0xc0, 1);
}

/* twofish_cbc IV of message seq of direction dir, epoch 0 */
static inline void vg_iv(int dir, int seq, uint8_t iv[SECMSG_CBC_IV_LEN])
{
	vg_fill(iv, SECMSG_CBC_IV_LEN, 0x90 + 0x20 * (unsigned int)dir +
		0x10 * (unsigned int)seq, 1);
}

static inline bool vg_hex(cJSON *o, const char *name, const void *p,
			  size_t n)
{
	char *s = malloc(2 * n + 1);
	bool good;

	if (!s)
		return false;
	secmsg_hex_encode(p, n, s);
	s[2 * n] = '\0';
	good = cJSON_AddStringToObject(o, name, s) != NULL;
	free(s);
	return good;
}

static inline bool vg_sid(cJSON *o, const char *name, uint64_t id)
{
	char s[17];

	snprintf(s, sizeof(s), "%016llx", (unsigned long long)id);
	return cJSON_AddStringToObject(o, name, s) != NULL;
}

/* ---- the handshake, traced ---- */

struct vg_trace {
	int n;
	bool bad;
	cJSON *steps;		/* NULL: compare with want instead */
	const cJSON *want;
};

static inline void vg_trace_cb(void *arg, const char *op, const uint8_t *in,
			       size_t len, const uint8_t h[32],
			       const uint8_t ck[32], const uint8_t k[32])
{
	struct vg_trace *t = arg;
	cJSON *st;
	char *a, *b;

	if (t->n >= VG_STEPS) {
		t->bad = true;
		return;
	}
	st = cJSON_CreateObject();
	if (!st || !cJSON_AddNumberToObject(st, "step", t->n) ||
	    !cJSON_AddStringToObject(st, "op", op) ||
	    !cJSON_AddStringToObject(st, "what", vg_step_what[t->n]) ||
	    !vg_hex(st, "input", in, len) || !vg_hex(st, "h", h, 32) ||
	    !vg_hex(st, "ck", ck, 32) ||
	    (!strcmp(op, "MixKey") && !vg_hex(st, "k", k, 32))) {
		t->bad = true;
		cJSON_Delete(st);
		return;
	}
	if (t->steps) {
		cJSON_AddItemToArray(t->steps, st);
	} else {
		/* the server's steps must be the client's */
		a = cJSON_PrintUnformatted(st);
		b = cJSON_PrintUnformatted(cJSON_GetArrayItem(t->want, t->n));
		if (!a || !b || strcmp(a, b))
			t->bad = true;
		free(a);
		free(b);
		cJSON_Delete(st);
	}
	t->n++;
}

struct vg_session {
	uint8_t c2s[VG_KLEN], s2c[VG_KLEN];
	uint64_t id;
};

static inline cJSON *vg_keypair(const uint8_t priv[VG_KLEN])
{
	uint8_t pub[VG_KLEN];
	cJSON *o = cJSON_CreateObject();

	secmsg_x25519_pub(priv, pub);
	if (o && vg_hex(o, "private", priv, VG_KLEN) &&
	    vg_hex(o, "public", pub, VG_KLEN))
		return o;
	cJSON_Delete(o);
	return NULL;
}

static inline bool vg_add(cJSON *parent, const char *name, cJSON *item)
{
	if (!item)
		return false;
	if (!cJSON_AddItemToObject(parent, name, item)) {
		cJSON_Delete(item);
		return false;
	}
	return true;
}

static inline bool vg_handshake(cJSON *root, const struct vg_keys *k,
				struct vg_session *out)
{
	struct secmsg_hs_timestamp ts = { VG_TS_SEC, VG_TS_NSEC };
	uint8_t C[VG_KLEN], S[VG_KLEN], msg1[SECMSG_HS_INIT_MAX];
	uint8_t msg3[SECMSG_HS_CONFIRM_LEN], tsb[SECMSG_HS_TIMESTAMP_LEN];
	uint8_t c2s[VG_KLEN], s2c[VG_KLEN], dh[VG_KLEN];
	struct vg_trace tc = { 0 }, ts_srv = { 0 };
	struct secmsg_hs_pending p;
	struct secmsg_hs_state st;
	size_t len = sizeof(msg1);
	cJSON *hs, *o, *last;
	uint64_t sid = 0;
	bool good = false;
	int i;

	hs = cJSON_CreateObject();
	tc.steps = cJSON_CreateArray();
	if (!hs || !tc.steps || !vg_add(root, "handshake", hs)) {
		cJSON_Delete(tc.steps);
		return false;
	}
	secmsg_x25519_pub(k->c, C);
	secmsg_x25519_pub(k->s, S);

	/* client: message 1, then message 2 from the reference server */
	secmsg_hs_set_trace(vg_trace_cb, &tc);
	if (secmsg_hs_init_ex(&st, VG_USER, VG_ALG, k->c, S, k->e_c, &ts,
			      msg1, &len))
		goto out;
	secmsg_hs_set_trace(NULL, NULL);
	if (secmsg_hs_respond(k->s, S, C, NULL, VG_SESSION_ID, k->e_s, msg1,
			      len, &p))
		goto out;
	secmsg_hs_set_trace(vg_trace_cb, &tc);
	if (secmsg_hs_finish(&st, p.msg2, sizeof(p.msg2), &sid, c2s, s2c,
			     msg3) || sid != VG_SESSION_ID || tc.n != VG_STEPS ||
	    tc.bad)
		goto out;
	/* the server side goes through the very same states */
	ts_srv.want = tc.steps;
	secmsg_hs_set_trace(vg_trace_cb, &ts_srv);
	secmsg_hs_pending_wipe(&p);
	if (secmsg_hs_respond(k->s, S, C, NULL, VG_SESSION_ID, k->e_s, msg1,
			      len, &p) || ts_srv.n != VG_STEPS || ts_srv.bad ||
	    memcmp(p.secret_c2s, c2s, VG_KLEN) ||
	    memcmp(p.secret_s2c, s2c, VG_KLEN) ||
	    memcmp(p.confirm, msg3 + 12, 32) ||
	    secmsg_hs_confirm_check(&p, msg3, sizeof(msg3)))
		goto out;
	secmsg_hs_set_trace(NULL, NULL);

	for (i = 0; i < 8; i++)
		tsb[i] = (uint8_t)(VG_TS_SEC >> (56 - 8 * i));
	for (i = 0; i < 4; i++)
		tsb[8 + i] = (uint8_t)(VG_TS_NSEC >> (24 - 8 * i));
	if (!cJSON_AddStringToObject(hs, "protocol_name",
				     "Noise_KK_25519_ChaChaPoly_SHA256") ||
	    !cJSON_AddStringToObject(hs, "prologue", "secmsg handshake v1") ||
	    !cJSON_AddStringToObject(hs, "user", VG_USER) ||
	    !cJSON_AddStringToObject(hs, "alg", secmsg_alg_name(VG_ALG)) ||
	    !cJSON_AddNumberToObject(hs, "alg_id", VG_ALG) ||
	    !vg_sid(hs, "session_id", VG_SESSION_ID))
		goto out;
	o = cJSON_CreateObject();
	if (!vg_add(hs, "timestamp", o) ||
	    !cJSON_AddNumberToObject(o, "sec", (double)VG_TS_SEC) ||
	    !cJSON_AddNumberToObject(o, "nsec", VG_TS_NSEC) ||
	    !vg_hex(o, "bytes", tsb, sizeof(tsb)))
		goto out;
	if (!vg_add(hs, "client_static", vg_keypair(k->c)) ||
	    !vg_add(hs, "server_static", vg_keypair(k->s)) ||
	    !vg_add(hs, "client_ephemeral", vg_keypair(k->e_c)) ||
	    !vg_add(hs, "server_ephemeral", vg_keypair(k->e_s)))
		goto out;
	o = cJSON_CreateObject();
	if (!vg_add(hs, "dh", o))
		goto out;
	{
		const uint8_t *pairs[4][2] = {
			{ k->e_c, S }, { k->c, S }, { k->e_c, p.msg2 + 12 },
			{ k->c, p.msg2 + 12 },
		};
		static const char *const names[4] = { "es", "ss", "ee", "se" };

		for (i = 0; i < 4; i++)
			if (secmsg_x25519(pairs[i][0], pairs[i][1], dh) ||
			    !vg_hex(o, names[i], dh, VG_KLEN))
				goto out;
	}
	if (!vg_add(hs, "steps", tc.steps))
		goto out;
	tc.steps = NULL;
	last = cJSON_GetArrayItem(cJSON_GetObjectItem(hs, "steps"),
				  VG_STEPS - 1);
	if (!vg_hex(hs, "message1", msg1, len) ||
	    !vg_hex(hs, "message2", p.msg2, sizeof(p.msg2)) ||
	    !vg_hex(hs, "message3", msg3, sizeof(msg3)) ||
	    !cJSON_AddStringToObject(hs, "h",
				     cJSON_GetStringValue(cJSON_GetObjectItem(last, "h"))) ||
	    !cJSON_AddStringToObject(hs, "ck",
				     cJSON_GetStringValue(cJSON_GetObjectItem(last, "ck"))) ||
	    !vg_hex(hs, "secret_c2s", c2s, VG_KLEN) ||
	    !vg_hex(hs, "secret_s2c", s2c, VG_KLEN) ||
	    !vg_hex(hs, "confirm", msg3 + 12, 32))
		goto out;
	memcpy(out->c2s, c2s, VG_KLEN);
	memcpy(out->s2c, s2c, VG_KLEN);
	out->id = sid;
	good = true;
out:
	secmsg_hs_set_trace(NULL, NULL);
	secmsg_hs_pending_wipe(&p);
	cJSON_Delete(tc.steps);
	return good;
}

/* ---- sealed messages ---- */

/* One direction at one epoch: its keys and messages seq 0, 1, ... */
static inline cJSON *vg_direction(const uint8_t secret0[VG_KLEN], int dir,
				  uint32_t epoch, int alg, uint64_t sid,
				  const char *const *plain, int n)
{
	struct secmsg_dir_keys k;
	uint8_t out[256], nonce[SECMSG_AEAD_NONCE_LEN], iv[SECMSG_CBC_IV_LEN];
	uint8_t enc[VG_KLEN], mac[VG_KLEN];
	cJSON *o = cJSON_CreateObject(), *arr, *m;
	uint32_t e;
	long len;
	int seq, i;

	secmsg_dir_init(&k, dir ? SECMSG_DIR_S2C : SECMSG_DIR_C2S, secret0);
	for (e = 0; e < epoch; e++)
		secmsg_dir_ratchet(&k);
	arr = cJSON_CreateArray();
	if (!o || !vg_add(o, "messages", arr) ||
	    !vg_hex(o, "secret", k.secret, VG_KLEN) ||
	    !vg_hex(o, "key", k.key, VG_KLEN))
		goto fail;
	if (alg == SECMSG_ALG_TWOFISH_CBC) {
		secmsg_twofish_subkeys(k.key, enc, mac);
		if (!vg_hex(o, "enc_key", enc, VG_KLEN) ||
		    !vg_hex(o, "mac_key", mac, VG_KLEN))
			goto fail;
	} else if (!vg_hex(o, "salt", k.salt, sizeof(k.salt))) {
		goto fail;
	}
	for (seq = 0; seq < n; seq++) {
		size_t pl = strlen(plain[seq]);

		m = cJSON_CreateObject();
		if (!m || !cJSON_AddItemToArray(arr, m) ||
		    !cJSON_AddNumberToObject(m, "seq", seq) ||
		    !cJSON_AddStringToObject(m, "plaintext_text", plain[seq]) ||
		    !vg_hex(m, "plaintext", plain[seq], pl))
			goto fail;
		vg_iv(dir, seq, iv);
		len = secmsg_msg_seal_iv(&k, alg, sid, (uint64_t)seq, iv,
					 (const uint8_t *)plain[seq], pl, out);
		if (len < SECMSG_HDR_LEN || (size_t)len > sizeof(out))
			goto fail;
		if (alg == SECMSG_ALG_TWOFISH_CBC) {
			if (!vg_hex(m, "iv", iv, sizeof(iv)))
				goto fail;
		} else {
			memcpy(nonce, k.salt, sizeof(nonce));
			for (i = 0; i < 8; i++)
				nonce[4 + i] ^= (uint8_t)((uint64_t)seq >>
							  (56 - 8 * i));
			if (!vg_hex(m, "nonce", nonce, sizeof(nonce)))
				goto fail;
		}
		if (!vg_hex(m, "header", out, SECMSG_HDR_LEN) ||
		    !vg_hex(m, "message", out, (size_t)len))
			goto fail;
	}
	secmsg_dir_wipe(&k);
	return o;
fail:
	secmsg_dir_wipe(&k);
	cJSON_Delete(o);
	return NULL;
}

static inline cJSON *vg_alg_messages(const struct vg_session *s, int alg,
				     uint32_t epoch, const char *const *c2s,
				     const char *const *s2c, int n)
{
	cJSON *o = cJSON_CreateObject();

	if (o && cJSON_AddStringToObject(o, "alg", secmsg_alg_name(alg)) &&
	    cJSON_AddNumberToObject(o, "alg_id", alg) &&
	    vg_sid(o, "session_id", s->id) &&
	    cJSON_AddNumberToObject(o, "epoch", epoch) &&
	    vg_add(o, "c2s", vg_direction(s->c2s, 0, epoch, alg, s->id, c2s,
					  n)) &&
	    vg_add(o, "s2c", vg_direction(s->s2c, 1, epoch, alg, s->id, s2c,
					  n)))
		return o;
	cJSON_Delete(o);
	return NULL;
}

static inline bool vg_ratchet(cJSON *root, const struct vg_session *s)
{
	const char *const c2s[1] = { vg_ratchet_plain[0] };
	const char *const s2c[1] = { vg_ratchet_plain[1] };
	cJSON *o = vg_alg_messages(s, VG_RATCHET_ALG, 1, c2s, s2c, 1);
	struct secmsg_dir_keys k;
	int dir;

	if (!vg_add(root, "ratchet", o))
		return false;
	/* S(0) beside S(1): the step itself */
	for (dir = 0; dir < 2; dir++) {
		cJSON *d = cJSON_GetObjectItem(o, dir ? "s2c" : "c2s");

		secmsg_dir_init(&k, dir ? SECMSG_DIR_S2C : SECMSG_DIR_C2S,
				dir ? s->s2c : s->c2s);
		if (!vg_hex(d, "previous_secret", k.secret, VG_KLEN))
			return false;
		secmsg_dir_wipe(&k);
	}
	return true;
}

static inline bool vg_keyfile(cJSON *root, const struct vg_keys *k)
{
	uint8_t img[SECMSG_KEYFILE_LEN], kek[32], pub[VG_KLEN];
	cJSON *o = cJSON_CreateObject();

	if (!vg_add(root, "keyfile", o) ||
	    secmsg_keyfile_encode_with(k->c, VG_PASSPHRASE,
				       strlen(VG_PASSPHRASE), VG_ITERATIONS,
				       k->kf_salt_nonce, img) ||
	    secmsg_keyfile_kdf(VG_PASSPHRASE, strlen(VG_PASSPHRASE),
			       k->kf_salt_nonce, SECMSG_KEYFILE_SALT_LEN,
			       VG_ITERATIONS, kek, sizeof(kek)))
		return false;
	secmsg_x25519_pub(k->c, pub);
	return cJSON_AddStringToObject(o, "passphrase_text", VG_PASSPHRASE) &&
	       vg_hex(o, "passphrase", VG_PASSPHRASE, strlen(VG_PASSPHRASE)) &&
	       cJSON_AddNumberToObject(o, "iterations", VG_ITERATIONS) &&
	       vg_hex(o, "salt", k->kf_salt_nonce, SECMSG_KEYFILE_SALT_LEN) &&
	       vg_hex(o, "nonce", k->kf_salt_nonce + SECMSG_KEYFILE_SALT_LEN,
		      SECMSG_KEYFILE_NONCE_LEN) &&
	       vg_hex(o, "kek", kek, sizeof(kek)) &&
	       vg_hex(o, "private", k->c, VG_KLEN) &&
	       vg_hex(o, "public", pub, VG_KLEN) &&
	       vg_hex(o, "file", img, sizeof(img));
}

static inline char *vectors_generate(void)
{
	static const int algs[3] = {
		SECMSG_ALG_AES_256_GCM, SECMSG_ALG_CHACHA20_POLY1305,
		SECMSG_ALG_TWOFISH_CBC,
	};
	cJSON *root = cJSON_CreateObject(), *msgs;
	struct vg_session s;
	struct vg_keys k;
	char *text = NULL, *out = NULL;
	int i;

	vg_inputs(&k);
	if (!root ||
	    !cJSON_AddStringToObject(root, "about",
		"secmsg worked examples (docs/protocol.md section 6), made by "
		"tools/lib/tests/mkvectors; byte strings are lowercase hex, "
		"session ids 16 hex digits") ||
	    !cJSON_AddNumberToObject(root, "version", 1) ||
	    !vg_handshake(root, &k, &s))
		goto out;
	msgs = cJSON_CreateArray();
	if (!vg_add(root, "messages", msgs))
		goto out;
	for (i = 0; i < 3; i++)
		if (!cJSON_AddItemToArray(msgs,
					  vg_alg_messages(&s, algs[i], 0,
							  vg_plain[0],
							  vg_plain[1], 2)))
			goto out;
	if (!vg_ratchet(root, &s) || !vg_keyfile(root, &k))
		goto out;
	text = cJSON_Print(root);
	if (text) {
		size_t n = strlen(text);

		out = malloc(n + 2);
		if (out) {
			memcpy(out, text, n);
			out[n] = '\n';
			out[n + 1] = '\0';
		}
	}
out:
	free(text);
	cJSON_Delete(root);
	explicit_bzero(&s, sizeof(s));
	return out;
}

#endif
