// SPDX-License-Identifier: GPL-2.0
/* Noise symmetric state: MixHash, MixKey, EncryptAndHash, Split. */
#include <linux/slab.h>

#include "noise.h"

static const char protocol_name[] = "Noise_KK_25519_ChaChaPoly_SHA256";
static const char prologue[] = "secmsg handshake v1";
static const char confirm_label[] = "secmsg v1 confirm";

static_assert(sizeof(protocol_name) - 1 == SECMSG_HASH_LEN);

void secmsg_noise_free(struct secmsg_noise *n)
{
	if (!n)
		return;
	secmsg_req_free(n->r);
	kfree_sensitive(n);
}

struct secmsg_noise *secmsg_noise_new(const u8 *client_pub,
				      const u8 *server_pub)
{
	struct secmsg_noise *n = kzalloc(sizeof(*n), GFP_KERNEL);

	if (!n)
		return NULL;
	n->r = secmsg_req_alloc();
	if (!n->r)
		goto err;
	memcpy(n->h, protocol_name, SECMSG_HASH_LEN);
	memcpy(n->ck, n->h, SECMSG_HASH_LEN);
	if (secmsg_noise_mix_hash(n, prologue, sizeof(prologue) - 1) ||
	    secmsg_noise_mix_hash(n, client_pub, SECMSG_X25519_LEN) ||
	    secmsg_noise_mix_hash(n, server_pub, SECMSG_X25519_LEN))
		goto err;
	return n;
err:
	secmsg_noise_free(n);
	return NULL;
}

int secmsg_noise_mix_hash(struct secmsg_noise *n, const u8 *data,
			  unsigned int len)
{
	return secmsg_sha256(n->h, SECMSG_HASH_LEN, data, len, n->h);
}

/* The Noise HKDF: two outputs from ck and ikm. */
static int noise_hkdf(const u8 *ck, const u8 *ikm, unsigned int len,
		      u8 *out1, u8 *out2)
{
	static const u8 one = 1, two = 2;
	u8 t[SECMSG_HASH_LEN];
	int err;

	err = secmsg_hmac(ck, SECMSG_HASH_LEN, ikm, len, NULL, 0, t) ?:
	      secmsg_hmac(t, sizeof(t), &one, 1, NULL, 0, out1) ?:
	      secmsg_hmac(t, sizeof(t), out1, SECMSG_HASH_LEN, &two, 1, out2);
	memzero_explicit(t, sizeof(t));
	return err;
}

int secmsg_noise_mix_key(struct secmsg_noise *n, const u8 *ikm,
			 unsigned int len)
{
	return noise_hkdf(n->ck, ikm, len, n->ck, n->k);
}

int secmsg_noise_mix_dh(struct secmsg_noise *n, struct crypto_kpp *tfm,
			const u8 *pub)
{
	int err = secmsg_x25519(tfm, pub, n->dh) ?:
		  secmsg_noise_mix_key(n, n->dh, SECMSG_X25519_LEN);

	memzero_explicit(n->dh, sizeof(n->dh));
	return err;
}

/* One ChaCha20-Poly1305 call under k with a zero nonce, ad = h. */
static int noise_aead(struct secmsg_noise *n, bool enc, unsigned int len)
{
	struct crypto_aead *tfm;
	int err;

	tfm = secmsg_aead_new(SECMSG_ALG_CHACHA20_POLY1305, n->k);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	memset(n->r->iv, 0, sizeof(n->r->iv));
	memcpy(n->buf, n->h, SECMSG_HASH_LEN);
	err = enc ? secmsg_aead_seal(n->r, tfm, n->buf, SECMSG_HASH_LEN, len) :
		    secmsg_aead_open(n->r, tfm, n->buf, SECMSG_HASH_LEN, len);
	secmsg_aead_free(tfm);
	return err;
}

int secmsg_noise_encrypt(struct secmsg_noise *n, const u8 *pt,
			 unsigned int len, u8 *out)
{
	u8 *text = n->buf + SECMSG_HASH_LEN;
	int err;

	if (len > SECMSG_NOISE_MAX_PT)
		return -EINVAL;
	memcpy(text, pt, len);
	err = noise_aead(n, true, len) ?:
	      secmsg_noise_mix_hash(n, text, len + SECMSG_AEAD_TAG_LEN);
	if (!err)
		memcpy(out, text, len + SECMSG_AEAD_TAG_LEN);
	memzero_explicit(n->buf, sizeof(n->buf));
	return err;
}

int secmsg_noise_decrypt(struct secmsg_noise *n, const u8 *in,
			 unsigned int len, u8 *pt)
{
	u8 *text = n->buf + SECMSG_HASH_LEN;
	u8 h[SECMSG_HASH_LEN];
	int err;

	if (len < SECMSG_AEAD_TAG_LEN ||
	    len > SECMSG_NOISE_MAX_PT + SECMSG_AEAD_TAG_LEN)
		return -EINVAL;
	/* h is mixed with the ciphertext, which decryption overwrites */
	err = secmsg_sha256(n->h, SECMSG_HASH_LEN, in, len, h);
	if (err)
		return err;
	memcpy(text, in, len);
	err = noise_aead(n, false, len);
	if (!err) {
		memcpy(pt, text, len - SECMSG_AEAD_TAG_LEN);
		memcpy(n->h, h, sizeof(h));
	}
	memzero_explicit(n->buf, sizeof(n->buf));
	return err;
}

int secmsg_noise_split(struct secmsg_noise *n, u8 *c2s, u8 *s2c,
		       u8 *confirm)
{
	return secmsg_hmac(n->ck, SECMSG_HASH_LEN, confirm_label,
			   sizeof(confirm_label) - 1, n->h, SECMSG_HASH_LEN,
			   confirm) ?:
	       noise_hkdf(n->ck, NULL, 0, c2s, s2c);
}
