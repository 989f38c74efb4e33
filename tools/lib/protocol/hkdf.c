// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * HMAC-SHA256 and HKDF-SHA256 (RFC 5869) on top of nettle.
 */
#include <errno.h>
#include <string.h>

#include <nettle/hkdf.h>
#include <nettle/hmac.h>

#include "crypto.h"
#include "secmsg/wire.h"

static const uint8_t zero_salt[SECMSG_SHA256_LEN];

void secmsg_hmac_sha256(const uint8_t *key, size_t key_len,
			const struct secmsg_buf *v, size_t n,
			uint8_t tag[SECMSG_SHA256_LEN])
{
	struct hmac_sha256_ctx ctx;
	size_t i;

	/* An empty key is the same HMAC key as a block of zeros. */
	if (!key || !key_len) {
		key = zero_salt;
		key_len = 0;
	}
	hmac_sha256_set_key(&ctx, key_len, key);
	for (i = 0; i < n; i++)
		if (v[i].len)
			hmac_sha256_update(&ctx, v[i].len, v[i].p);
	hmac_sha256_digest(&ctx, SECMSG_SHA256_LEN, tag);
	explicit_bzero(&ctx, sizeof(ctx));
}

void secmsg_hkdf_extract(const uint8_t *salt, size_t salt_len,
			 const uint8_t *ikm, size_t ikm_len, uint8_t prk[32])
{
	struct hmac_sha256_ctx ctx;

	/* RFC 5869 2.2: no salt means HashLen zeros. */
	if (!salt || !salt_len) {
		salt = zero_salt;
		salt_len = sizeof(zero_salt);
	}
	if (!ikm)
		ikm_len = 0;
	hmac_sha256_set_key(&ctx, salt_len, salt);
	hkdf_extract(&ctx, (nettle_hash_update_func *)hmac_sha256_update,
		     (nettle_hash_digest_func *)hmac_sha256_digest,
		     SHA256_DIGEST_SIZE, ikm_len, ikm ? ikm : zero_salt, prk);
	explicit_bzero(&ctx, sizeof(ctx));
}

int secmsg_hkdf_expand(const uint8_t prk[32], const uint8_t *info,
		       size_t info_len, uint8_t *out, size_t out_len)
{
	struct hmac_sha256_ctx ctx;

	if (out_len > SECMSG_HKDF_MAX_OUT || (out_len && !out))
		return -EINVAL;
	if (!info)
		info_len = 0;
	if (!out_len)
		return 0;
	hmac_sha256_set_key(&ctx, SECMSG_SHA256_LEN, prk);
	hkdf_expand(&ctx, (nettle_hash_update_func *)hmac_sha256_update,
		    (nettle_hash_digest_func *)hmac_sha256_digest,
		    SHA256_DIGEST_SIZE, info_len, info ? info : zero_salt,
		    out_len, out);
	explicit_bzero(&ctx, sizeof(ctx));
	return 0;
}
