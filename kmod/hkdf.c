// SPDX-License-Identifier: GPL-2.0
/*
 * HKDF-SHA256 (RFC 5869).  Used when keys are created or rotated, never on
 * the per-message path, so one hmac(sha256) transform serialised by a
 * mutex is enough.
 */
#include <crypto/hash.h>
#include <linux/mutex.h>
#include <linux/string.h>

#include "hkdf.h"

static struct crypto_shash *hmac_tfm;
static DEFINE_MUTEX(hmac_lock);
/* unkeyed: safe to share, each caller has its own descriptor */
static struct crypto_shash *sha256_tfm;

int secmsg_hkdf_init(void)
{
	hmac_tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(hmac_tfm))
		return PTR_ERR(hmac_tfm);
	sha256_tfm = crypto_alloc_shash("sha256", 0, 0);
	if (IS_ERR(sha256_tfm)) {
		crypto_free_shash(hmac_tfm);
		return PTR_ERR(sha256_tfm);
	}
	return 0;
}

void secmsg_hkdf_exit(void)
{
	crypto_free_shash(sha256_tfm);
	crypto_free_shash(hmac_tfm);
}

int secmsg_sha256(const u8 *a, unsigned int a_len, const u8 *b,
		  unsigned int b_len, u8 *out)
{
	SHASH_DESC_ON_STACK(desc, sha256_tfm);
	int err;

	desc->tfm = sha256_tfm;
	err = crypto_shash_init(desc) ?:
	      crypto_shash_update(desc, a, a_len) ?:
	      crypto_shash_finup(desc, b, b_len, out);
	shash_desc_zero(desc);
	return err;
}

/* out = HMAC(key, a || b || c); called with hmac_lock held */
static int hmac3(const u8 *key, unsigned int key_len,
		 const u8 *a, unsigned int a_len,
		 const u8 *b, unsigned int b_len,
		 const u8 *c, unsigned int c_len, u8 *out)
{
	SHASH_DESC_ON_STACK(desc, hmac_tfm);
	int err;

	lockdep_assert_held(&hmac_lock);
	err = crypto_shash_setkey(hmac_tfm, key, key_len);
	if (err)
		return err;
	desc->tfm = hmac_tfm;
	err = crypto_shash_init(desc) ?:
	      crypto_shash_update(desc, a, a_len) ?:
	      crypto_shash_update(desc, b, b_len) ?:
	      crypto_shash_finup(desc, c, c_len, out);
	shash_desc_zero(desc);
	return err;
}

int secmsg_hmac(const u8 *key, unsigned int key_len, const u8 *a,
		unsigned int a_len, const u8 *b, unsigned int b_len, u8 *out)
{
	int err;

	mutex_lock(&hmac_lock);
	err = hmac3(key, key_len, a, a_len, b, b_len, NULL, 0, out);
	mutex_unlock(&hmac_lock);
	return err;
}

int secmsg_hkdf_extract(const u8 *salt, unsigned int salt_len,
			const u8 *ikm, unsigned int ikm_len,
			u8 prk[SECMSG_HASH_LEN])
{
	static const u8 zero_salt[SECMSG_HASH_LEN];

	if (!salt_len) {
		salt = zero_salt;
		salt_len = sizeof(zero_salt);
	}
	return secmsg_hmac(salt, salt_len, ikm, ikm_len, NULL, 0, prk);
}

int secmsg_hkdf_expand(const u8 prk[SECMSG_HASH_LEN], const u8 *info,
		       unsigned int info_len, u8 *out, unsigned int out_len)
{
	u8 t[SECMSG_HASH_LEN];
	unsigned int t_len = 0, n;
	u8 counter = 1;
	int err = 0;

	if (out_len > 255 * SECMSG_HASH_LEN)
		return -EINVAL;
	mutex_lock(&hmac_lock);
	while (out_len) {
		err = hmac3(prk, SECMSG_HASH_LEN, t, t_len, info, info_len,
			    &counter, 1, t);
		if (err)
			break;
		t_len = SECMSG_HASH_LEN;
		n = min_t(unsigned int, out_len, SECMSG_HASH_LEN);
		memcpy(out, t, n);
		out += n;
		out_len -= n;
		counter++;
	}
	mutex_unlock(&hmac_lock);
	memzero_explicit(t, sizeof(t));
	return err;
}

int secmsg_hkdf(const u8 *ikm, unsigned int ikm_len, const char *info,
		u8 *out, unsigned int out_len)
{
	u8 prk[SECMSG_HASH_LEN];
	int err;

	err = secmsg_hkdf_extract(NULL, 0, ikm, ikm_len, prk) ?:
	      secmsg_hkdf_label(prk, info, out, out_len);
	memzero_explicit(prk, sizeof(prk));
	return err;
}
