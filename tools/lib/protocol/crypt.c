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

union aead_ctx {
	struct gcm_aes256_ctx gcm;
	struct chacha_poly1305_ctx cp;
};

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

static void aead_start(int alg, union aead_ctx *c, const uint8_t *key,
		       const uint8_t *nonce, const uint8_t *aad,
		       size_t aad_len)
{
	if (alg == SECMSG_ALG_AES_256_GCM) {
		gcm_aes256_set_key(&c->gcm, key);
		gcm_aes256_set_iv(&c->gcm, SECMSG_AEAD_NONCE_LEN, nonce);
		if (aad_len)
			gcm_aes256_update(&c->gcm, aad_len, aad);
	} else {
		chacha_poly1305_set_key(&c->cp, key);
		chacha_poly1305_set_nonce(&c->cp, nonce);
		if (aad_len)
			chacha_poly1305_update(&c->cp, aad_len, aad);
	}
}

static void aead_crypt(int alg, union aead_ctx *c, bool enc, size_t len,
		       uint8_t *dst, const uint8_t *src)
{
	if (!len)
		return;
	if (alg == SECMSG_ALG_AES_256_GCM) {
		if (enc)
			gcm_aes256_encrypt(&c->gcm, len, dst, src);
		else
			gcm_aes256_decrypt(&c->gcm, len, dst, src);
	} else {
		if (enc)
			chacha_poly1305_encrypt(&c->cp, len, dst, src);
		else
			chacha_poly1305_decrypt(&c->cp, len, dst, src);
	}
}

static void aead_digest(int alg, union aead_ctx *c, uint8_t *tag)
{
	if (alg == SECMSG_ALG_AES_256_GCM)
		gcm_aes256_digest(&c->gcm, SECMSG_AEAD_TAG_LEN, tag);
	else
		chacha_poly1305_digest(&c->cp, SECMSG_AEAD_TAG_LEN, tag);
}

static long aead_seal(int alg, const uint8_t *key, const uint8_t *nonce,
		      const uint8_t *aad, size_t aad_len, const uint8_t *pt,
		      size_t pt_len, uint8_t *out)
{
	union aead_ctx c;

	aead_start(alg, &c, key, nonce, aad, aad_len);
	aead_crypt(alg, &c, true, pt_len, out, pt);
	aead_digest(alg, &c, out + pt_len);
	explicit_bzero(&c, sizeof(c));
	return (long)(pt_len + SECMSG_AEAD_TAG_LEN);
}

static long aead_open(int alg, const uint8_t *key, const uint8_t *nonce,
		      const uint8_t *aad, size_t aad_len, const uint8_t *ct,
		      size_t ct_len, uint8_t *out)
{
	uint8_t tag[SECMSG_AEAD_TAG_LEN];
	size_t len;
	union aead_ctx c;
	int ok;

	if (ct_len < SECMSG_AEAD_TAG_LEN)
		return -EINVAL;
	len = ct_len - SECMSG_AEAD_TAG_LEN;
	aead_start(alg, &c, key, nonce, aad, aad_len);
	aead_crypt(alg, &c, false, len, out, ct);
	aead_digest(alg, &c, tag);
	ok = memeql_sec(tag, ct + len, SECMSG_AEAD_TAG_LEN);
	explicit_bzero(&c, sizeof(c));
	explicit_bzero(tag, sizeof(tag));
	if (!ok) {
		explicit_bzero(out, len);
		return -EBADMSG;
	}
	return (long)len;
}

static void twofish_mac(const uint8_t *mac_key, const uint8_t *aad,
			size_t aad_len, const uint8_t *iv, const uint8_t *ct,
			size_t ct_len, uint8_t tag[SECMSG_HMAC_TAG_LEN])
{
	const struct secmsg_buf v[] = {
		{ aad, aad_len },
		{ iv, SECMSG_CBC_IV_LEN },
		{ ct, ct_len },
	};

	secmsg_hmac_sha256(mac_key, SECMSG_KEY_LEN, v, 3, tag);
}

static long twofish_seal(const uint8_t *key, const uint8_t *iv,
			 const uint8_t *aad, size_t aad_len,
			 const uint8_t *pt, size_t pt_len, uint8_t *out)
{
	uint8_t enc[SECMSG_KEY_LEN], mac[SECMSG_KEY_LEN];
	uint8_t chain[SECMSG_CBC_BLOCK_LEN], last[SECMSG_CBC_BLOCK_LEN];
	size_t full = pt_len - pt_len % SECMSG_CBC_BLOCK_LEN;
	size_t rest = pt_len - full;
	size_t pad = SECMSG_CBC_BLOCK_LEN - rest;	/* 1..16 */
	size_t ct_len = full + SECMSG_CBC_BLOCK_LEN;
	struct twofish_ctx tf;

	secmsg_twofish_subkeys(key, enc, mac);
	twofish256_set_key(&tf, enc);
	memcpy(chain, iv, sizeof(chain));
	if (rest)
		memcpy(last, pt + full, rest);
	memset(last + rest, (int)pad, pad);
	if (full)
		cbc_encrypt(&tf, (nettle_cipher_func *)twofish_encrypt,
			    SECMSG_CBC_BLOCK_LEN, chain, full, out, pt);
	cbc_encrypt(&tf, (nettle_cipher_func *)twofish_encrypt,
		    SECMSG_CBC_BLOCK_LEN, chain, SECMSG_CBC_BLOCK_LEN,
		    out + full, last);
	twofish_mac(mac, aad, aad_len, iv, out, ct_len, out + ct_len);

	explicit_bzero(enc, sizeof(enc));
	explicit_bzero(mac, sizeof(mac));
	explicit_bzero(last, sizeof(last));
	explicit_bzero(chain, sizeof(chain));
	explicit_bzero(&tf, sizeof(tf));
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

static long twofish_open(const uint8_t *key, const uint8_t *iv,
			 const uint8_t *aad, size_t aad_len,
			 const uint8_t *ct, size_t ct_len, uint8_t *out)
{
	uint8_t enc[SECMSG_KEY_LEN], mac[SECMSG_KEY_LEN];
	uint8_t tag[SECMSG_HMAC_TAG_LEN];
	uint8_t chain[SECMSG_CBC_BLOCK_LEN], last[SECMSG_CBC_BLOCK_LEN];
	size_t body, full, pad;
	struct twofish_ctx tf;
	long ret;

	if (ct_len < SECMSG_CBC_BLOCK_LEN + SECMSG_HMAC_TAG_LEN)
		return -EINVAL;
	body = ct_len - SECMSG_HMAC_TAG_LEN;
	if (body % SECMSG_CBC_BLOCK_LEN)
		return -EINVAL;
	full = body - SECMSG_CBC_BLOCK_LEN;

	secmsg_twofish_subkeys(key, enc, mac);
	twofish_mac(mac, aad, aad_len, iv, ct, body, tag);
	if (!memeql_sec(tag, ct + body, SECMSG_HMAC_TAG_LEN)) {
		ret = -EBADMSG;
		goto out;
	}

	twofish256_set_key(&tf, enc);
	memcpy(chain, iv, sizeof(chain));
	if (full)
		cbc_decrypt(&tf, (nettle_cipher_func *)twofish_decrypt,
			    SECMSG_CBC_BLOCK_LEN, chain, full, out, ct);
	cbc_decrypt(&tf, (nettle_cipher_func *)twofish_decrypt,
		    SECMSG_CBC_BLOCK_LEN, chain, SECMSG_CBC_BLOCK_LEN, last,
		    ct + full);
	explicit_bzero(&tf, sizeof(tf));
	explicit_bzero(chain, sizeof(chain));

	/* Only now, with the MAC verified, look at the padding. */
	pad = pkcs7_pad_len(last);
	if (!pad) {
		explicit_bzero(out, full);
		ret = -EINVAL;
		goto out;
	}
	memcpy(out + full, last, SECMSG_CBC_BLOCK_LEN - pad);
	ret = (long)(full + SECMSG_CBC_BLOCK_LEN - pad);
out:
	explicit_bzero(enc, sizeof(enc));
	explicit_bzero(mac, sizeof(mac));
	explicit_bzero(tag, sizeof(tag));
	explicit_bzero(last, sizeof(last));
	return ret;
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
	if (alg == SECMSG_ALG_TWOFISH_CBC)
		return twofish_seal(key, nonce, aad, aad_len, pt, pt_len, out);
	return aead_seal(alg, key, nonce, aad, aad_len, pt, pt_len, out);
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
	if (alg == SECMSG_ALG_TWOFISH_CBC)
		return twofish_open(key, nonce, aad, aad_len, ct, ct_len, out);
	return aead_open(alg, key, nonce, aad, aad_len, ct, ct_len, out);
}
