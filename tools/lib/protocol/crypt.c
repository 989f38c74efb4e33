// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * One-shot seal and open of SECMSG_CMD_CRYPT (see <linux/secmsg.h>):
 *
 *   aes_256_gcm, chacha20_poly1305:  out = ct || tag (16 bytes)
 *   twofish_cbc:  out = CBC(enc_key, IV, PKCS#7(pt)) ||
 *                       HMAC-SHA256(mac_key, AAD || IV || ct)
 *
 * Open checks, in this order: arguments and lengths (-EINVAL, -EMSGSIZE;
 * public information only), authentication (-EBADMSG, constant-time tag
 * compare), then, for twofish_cbc only, the padding (-EINVAL).  Nothing
 * is decrypted before the MAC of twofish_cbc verifies; the AEADs decrypt
 * and verify in one pass, and out is wiped when the tag does not match.
 *
 * The work is done by a secmsg_cipher (crypto.h), the key scheduled
 * once: secmsg_crypt_* schedule one per call, secmsg_msg_ctx (wire.c)
 * once per epoch.
 *
 * out may be the same buffer as the input (in place) but must not
 * otherwise overlap it.  Room needed in out: seal pt_len +
 * secmsg_crypt_overhead(alg); open ct_len - 16 (AEADs) or ct_len - 33
 * (twofish_cbc), so ct_len is always enough.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <nettle/cbc.h>
#include <nettle/chacha-poly1305.h>
#include <nettle/gcm.h>
#include <nettle/memops.h>
#include <nettle/twofish.h>

#include "crypto.h"
#include "secmsg/wire.h"

static const char twofish_enc_label[] = "secmsg v1 twofish-cbc enc";
static const char twofish_mac_label[] = "secmsg v1 hmac-sha256 mac";

static bool alg_is_aead(int alg)
{
	return alg == SECMSG_ALG_AES_256_GCM ||
	       alg == SECMSG_ALG_CHACHA20_POLY1305;
}

size_t secmsg_crypt_overhead(int alg)
{
	if (alg_is_aead(alg))
		return SECMSG_AEAD_TAG_LEN;
	if (alg == SECMSG_ALG_TWOFISH_CBC)
		return SECMSG_CBC_BLOCK_LEN + SECMSG_HMAC_TAG_LEN;
	return 0;
}

void secmsg_twofish_subkeys(const uint8_t key[32], uint8_t enc[32],
			    uint8_t mac[32])
{
	uint8_t prk[SECMSG_SHA256_LEN];

	secmsg_hkdf_extract(NULL, 0, key, SECMSG_KEY_LEN, prk);
	/* Fixed lengths well below the HKDF limit: these cannot fail. */
	(void)secmsg_hkdf_expand(prk, (const uint8_t *)twofish_enc_label,
				 sizeof(twofish_enc_label) - 1, enc,
				 SECMSG_KEY_LEN);
	(void)secmsg_hkdf_expand(prk, (const uint8_t *)twofish_mac_label,
				 sizeof(twofish_mac_label) - 1, mac,
				 SECMSG_KEY_LEN);
	explicit_bzero(prk, sizeof(prk));
}

/* Argument checks common to seal and open; 0 or -EINVAL. */
static int check_args(int alg, const uint8_t *key, const uint8_t *nonce,
		      size_t nonce_len, const uint8_t *aad, size_t aad_len,
		      const uint8_t *in, size_t in_len, const uint8_t *out)
{
	size_t want;

	if (alg_is_aead(alg))
		want = SECMSG_AEAD_NONCE_LEN;
	else if (alg == SECMSG_ALG_TWOFISH_CBC)
		want = SECMSG_CBC_IV_LEN;
	else
		return -EINVAL;
	if (!key || !nonce || nonce_len != want || !out)
		return -EINVAL;
	if ((aad_len && !aad) || aad_len > SECMSG_MAX_AAD)
		return -EINVAL;
	if (in_len && !in)
		return -EINVAL;
	return 0;
}

int secmsg_cipher_set(struct secmsg_cipher *c, int alg, const uint8_t key[32])
{
	uint8_t enc[SECMSG_KEY_LEN], mac[SECMSG_KEY_LEN];

	switch (alg) {
	case SECMSG_ALG_AES_256_GCM:
		aes256_set_encrypt_key(&c->u.gcm.aes, key);
		gcm_set_key(&c->u.gcm.ghash, &c->u.gcm.aes,
			    (nettle_cipher_func *)aes256_encrypt);
		break;
	case SECMSG_ALG_CHACHA20_POLY1305:
		memcpy(c->u.chacha, key, sizeof(c->u.chacha));
		break;
	case SECMSG_ALG_TWOFISH_CBC:
		secmsg_twofish_subkeys(key, enc, mac);
		twofish256_set_key(&c->u.tf.tf, enc);
		hmac_sha256_set_key(&c->u.tf.mac, sizeof(mac), mac);
		explicit_bzero(enc, sizeof(enc));
		explicit_bzero(mac, sizeof(mac));
		break;
	default:
		explicit_bzero(c, sizeof(*c));
		return -EINVAL;
	}
	c->alg = alg;
	return 0;
}

void secmsg_cipher_wipe(struct secmsg_cipher *c)
{
	if (!c)
		return;
	switch (c->alg) {
	case SECMSG_ALG_AES_256_GCM:
		explicit_bzero(&c->u.gcm, sizeof(c->u.gcm));
		break;
	case SECMSG_ALG_CHACHA20_POLY1305:
		explicit_bzero(c->u.chacha, sizeof(c->u.chacha));
		break;
	case SECMSG_ALG_TWOFISH_CBC:
		explicit_bzero(&c->u.tf, sizeof(c->u.tf));
		break;
	}
	c->alg = 0;
}

/* One AEAD message's state: GCM's counter and hash, or ChaCha-Poly's. */
union aead_msg {
	struct gcm_ctx gcm;
	struct chacha_poly1305_ctx cp;
};

static void aead_start(const struct secmsg_cipher *c, union aead_msg *m,
		       const uint8_t *nonce, const uint8_t *aad,
		       size_t aad_len)
{
	if (c->alg == SECMSG_ALG_AES_256_GCM) {
		gcm_set_iv(&m->gcm, &c->u.gcm.ghash, SECMSG_AEAD_NONCE_LEN,
			   nonce);
		if (aad_len)
			gcm_update(&m->gcm, &c->u.gcm.ghash, aad_len, aad);
	} else {
		chacha_poly1305_set_key(&m->cp, c->u.chacha);
		chacha_poly1305_set_nonce(&m->cp, nonce);
		if (aad_len)
			chacha_poly1305_update(&m->cp, aad_len, aad);
	}
}

static void aead_crypt(const struct secmsg_cipher *c, union aead_msg *m,
		       bool enc, size_t len, uint8_t *dst, const uint8_t *src)
{
	nettle_cipher_func *aes = (nettle_cipher_func *)aes256_encrypt;

	if (!len)
		return;
	if (c->alg == SECMSG_ALG_AES_256_GCM) {
		if (enc)
			gcm_encrypt(&m->gcm, &c->u.gcm.ghash, &c->u.gcm.aes,
				    aes, len, dst, src);
		else
			gcm_decrypt(&m->gcm, &c->u.gcm.ghash, &c->u.gcm.aes,
				    aes, len, dst, src);
	} else {
		if (enc)
			chacha_poly1305_encrypt(&m->cp, len, dst, src);
		else
			chacha_poly1305_decrypt(&m->cp, len, dst, src);
	}
}

/* The tag, and the message state wiped (only the part alg used). */
static void aead_digest(const struct secmsg_cipher *c, union aead_msg *m,
			uint8_t *tag)
{
	if (c->alg == SECMSG_ALG_AES_256_GCM) {
		gcm_digest(&m->gcm, &c->u.gcm.ghash, &c->u.gcm.aes,
			   (nettle_cipher_func *)aes256_encrypt,
			   SECMSG_AEAD_TAG_LEN, tag);
		explicit_bzero(&m->gcm, sizeof(m->gcm));
	} else {
		chacha_poly1305_digest(&m->cp, SECMSG_AEAD_TAG_LEN, tag);
		explicit_bzero(&m->cp, sizeof(m->cp));
	}
}

static long aead_seal(const struct secmsg_cipher *c, const uint8_t *nonce,
		      const uint8_t *aad, size_t aad_len, const uint8_t *pt,
		      size_t pt_len, uint8_t *out)
{
	union aead_msg m;

	aead_start(c, &m, nonce, aad, aad_len);
	aead_crypt(c, &m, true, pt_len, out, pt);
	aead_digest(c, &m, out + pt_len);
	return (long)(pt_len + SECMSG_AEAD_TAG_LEN);
}

static long aead_open(const struct secmsg_cipher *c, const uint8_t *nonce,
		      const uint8_t *aad, size_t aad_len, const uint8_t *ct,
		      size_t ct_len, uint8_t *out)
{
	uint8_t tag[SECMSG_AEAD_TAG_LEN];
	size_t len;
	union aead_msg m;
	int ok;

	if (ct_len < SECMSG_AEAD_TAG_LEN)
		return -EINVAL;
	len = ct_len - SECMSG_AEAD_TAG_LEN;
	aead_start(c, &m, nonce, aad, aad_len);
	aead_crypt(c, &m, false, len, out, ct);
	aead_digest(c, &m, tag);
	ok = memeql_sec(tag, ct + len, SECMSG_AEAD_TAG_LEN);
	explicit_bzero(tag, sizeof(tag));
	if (!ok) {
		/* the plaintext of a forgery: only what was written */
		explicit_bzero(out, len);
		return -EBADMSG;
	}
	return (long)len;
}

/* HMAC(mac key, AAD || IV || ct) from the keyed state, left as it was. */
static void twofish_mac(const struct secmsg_cipher *c, const uint8_t *aad,
			size_t aad_len, const uint8_t *iv, const uint8_t *ct,
			size_t ct_len, uint8_t tag[SECMSG_HMAC_TAG_LEN])
{
	struct hmac_sha256_ctx h = c->u.tf.mac;

	if (aad_len)
		hmac_sha256_update(&h, aad_len, aad);
	hmac_sha256_update(&h, SECMSG_CBC_IV_LEN, iv);
	if (ct_len)
		hmac_sha256_update(&h, ct_len, ct);
	hmac_sha256_digest(&h, SECMSG_HMAC_TAG_LEN, tag);
	explicit_bzero(&h, sizeof(h));
}

static long twofish_seal(const struct secmsg_cipher *c, const uint8_t *iv,
			 const uint8_t *aad, size_t aad_len,
			 const uint8_t *pt, size_t pt_len, uint8_t *out)
{
	uint8_t chain[SECMSG_CBC_BLOCK_LEN], last[SECMSG_CBC_BLOCK_LEN];
	size_t full = pt_len - pt_len % SECMSG_CBC_BLOCK_LEN;
	size_t rest = pt_len - full;
	size_t pad = SECMSG_CBC_BLOCK_LEN - rest;	/* 1..16 */
	size_t ct_len = full + SECMSG_CBC_BLOCK_LEN;
	nettle_cipher_func *tf = (nettle_cipher_func *)twofish_encrypt;

	memcpy(chain, iv, sizeof(chain));
	if (rest)
		memcpy(last, pt + full, rest);
	memset(last + rest, (int)pad, pad);
	if (full)
		cbc_encrypt(&c->u.tf.tf, tf, SECMSG_CBC_BLOCK_LEN, chain, full,
			    out, pt);
	cbc_encrypt(&c->u.tf.tf, tf, SECMSG_CBC_BLOCK_LEN, chain,
		    SECMSG_CBC_BLOCK_LEN, out + full, last);
	twofish_mac(c, aad, aad_len, iv, out, ct_len, out + ct_len);
	/* the plaintext's tail; chain is ciphertext */
	if (rest)
		explicit_bzero(last, rest);
	return (long)(ct_len + SECMSG_HMAC_TAG_LEN);
}

/* PKCS#7 padding length of the last block, or 0 when malformed. */
static size_t pkcs7_pad_len(const uint8_t last[SECMSG_CBC_BLOCK_LEN])
{
	size_t pad = last[SECMSG_CBC_BLOCK_LEN - 1];
	uint8_t diff = 0;
	size_t i;

	if (pad < 1 || pad > SECMSG_CBC_BLOCK_LEN)
		return 0;
	for (i = SECMSG_CBC_BLOCK_LEN - pad; i < SECMSG_CBC_BLOCK_LEN; i++)
		diff |= last[i] ^ (uint8_t)pad;
	return diff ? 0 : pad;
}

static long twofish_open(const struct secmsg_cipher *c, const uint8_t *iv,
			 const uint8_t *aad, size_t aad_len,
			 const uint8_t *ct, size_t ct_len, uint8_t *out)
{
	uint8_t tag[SECMSG_HMAC_TAG_LEN];
	uint8_t chain[SECMSG_CBC_BLOCK_LEN], last[SECMSG_CBC_BLOCK_LEN];
	nettle_cipher_func *tf = (nettle_cipher_func *)twofish_decrypt;
	size_t body, full, pad;
	long ret;

	if (ct_len < SECMSG_CBC_BLOCK_LEN + SECMSG_HMAC_TAG_LEN)
		return -EINVAL;
	body = ct_len - SECMSG_HMAC_TAG_LEN;
	if (body % SECMSG_CBC_BLOCK_LEN)
		return -EINVAL;
	full = body - SECMSG_CBC_BLOCK_LEN;

	twofish_mac(c, aad, aad_len, iv, ct, body, tag);
	ret = memeql_sec(tag, ct + body, SECMSG_HMAC_TAG_LEN) ? 0 : -EBADMSG;
	explicit_bzero(tag, sizeof(tag));
	if (ret)
		return ret;

	memcpy(chain, iv, sizeof(chain));
	if (full)
		cbc_decrypt(&c->u.tf.tf, tf, SECMSG_CBC_BLOCK_LEN, chain, full,
			    out, ct);
	cbc_decrypt(&c->u.tf.tf, tf, SECMSG_CBC_BLOCK_LEN, chain,
		    SECMSG_CBC_BLOCK_LEN, last, ct + full);

	/* Only now, with the MAC verified, look at the padding. */
	pad = pkcs7_pad_len(last);
	if (!pad) {
		explicit_bzero(out, full);
		ret = -EINVAL;
	} else {
		memcpy(out + full, last, SECMSG_CBC_BLOCK_LEN - pad);
		ret = (long)(full + SECMSG_CBC_BLOCK_LEN - pad);
	}
	explicit_bzero(last, sizeof(last));
	return ret;
}

long secmsg_cipher_seal(const struct secmsg_cipher *c, const uint8_t *nonce,
			const uint8_t *aad, size_t aad_len,
			const uint8_t *pt, size_t pt_len, uint8_t *out)
{
	if (pt_len > SECMSG_MAX_PLAINTEXT)
		return -EMSGSIZE;
	if (c->alg == SECMSG_ALG_TWOFISH_CBC)
		return twofish_seal(c, nonce, aad, aad_len, pt, pt_len, out);
	if (alg_is_aead(c->alg))
		return aead_seal(c, nonce, aad, aad_len, pt, pt_len, out);
	return -EINVAL;
}

long secmsg_cipher_open(const struct secmsg_cipher *c, const uint8_t *nonce,
			const uint8_t *aad, size_t aad_len,
			const uint8_t *ct, size_t ct_len, uint8_t *out)
{
	if (!c->alg)
		return -EINVAL;
	if (ct_len > SECMSG_MAX_PLAINTEXT + secmsg_crypt_overhead(c->alg))
		return -EMSGSIZE;
	if (c->alg == SECMSG_ALG_TWOFISH_CBC)
		return twofish_open(c, nonce, aad, aad_len, ct, ct_len, out);
	return aead_open(c, nonce, aad, aad_len, ct, ct_len, out);
}

/* One message under key: key the cipher, run op, wipe it. */
static long one_shot(bool seal, int alg, const uint8_t *key,
		     const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
		     const uint8_t *in, size_t in_len, uint8_t *out)
{
	struct secmsg_cipher c;
	long n;

	n = secmsg_cipher_set(&c, alg, key);
	if (n)
		return n;
	n = seal ? secmsg_cipher_seal(&c, nonce, aad, aad_len, in, in_len,
				      out) :
		   secmsg_cipher_open(&c, nonce, aad, aad_len, in, in_len, out);
	secmsg_cipher_wipe(&c);
	return n;
}

long secmsg_crypt_seal(int alg, const uint8_t key[32], const uint8_t *nonce,
		       size_t nonce_len, const uint8_t *aad, size_t aad_len,
		       const uint8_t *pt, size_t pt_len, uint8_t *out)
{
	int err;

	err = check_args(alg, key, nonce, nonce_len, aad, aad_len, pt, pt_len,
			 out);
	if (err)
		return err;
	if (pt_len > SECMSG_MAX_PLAINTEXT)
		return -EMSGSIZE;
	return one_shot(true, alg, key, nonce, aad, aad_len, pt, pt_len, out);
}

long secmsg_crypt_open(int alg, const uint8_t key[32], const uint8_t *nonce,
		       size_t nonce_len, const uint8_t *aad, size_t aad_len,
		       const uint8_t *ct, size_t ct_len, uint8_t *out)
{
	int err;

	err = check_args(alg, key, nonce, nonce_len, aad, aad_len, ct, ct_len,
			 out);
	if (err)
		return err;
	if (ct_len > SECMSG_MAX_PLAINTEXT + secmsg_crypt_overhead(alg))
		return -EMSGSIZE;
	return one_shot(false, alg, key, nonce, aad, aad_len, ct, ct_len, out);
}
