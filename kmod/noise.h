/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Noise symmetric state (h, ck, k) of the secmsg handshake, with
 * ChaCha20-Poly1305 and SHA-256 (docs/protocol.md, section 3).
 * Allocate it with kzalloc (its buffer goes into a scatterlist) and free
 * it with secmsg_noise_free().
 */
#ifndef _SECMSG_NOISE_H
#define _SECMSG_NOISE_H

#include "aead.h"
#include "hkdf.h"
#include "x25519.h"

#define SECMSG_NOISE_MAX_PT	SECMSG_HS_TIMESTAMP_LEN

struct secmsg_noise {
	u8 h[SECMSG_HASH_LEN];
	u8 ck[SECMSG_HASH_LEN];
	u8 k[SECMSG_HASH_LEN];
	u8 dh[SECMSG_X25519_LEN];	/* a DH result, until mixed in */
	struct secmsg_req *r;
	/* h || text || tag, for one AEAD call */
	u8 buf[SECMSG_HASH_LEN + SECMSG_NOISE_MAX_PT + SECMSG_AEAD_TAG_LEN];
};

struct secmsg_noise *secmsg_noise_new(const u8 *client_pub,
				      const u8 *server_pub);
void secmsg_noise_free(struct secmsg_noise *n);

int secmsg_noise_mix_hash(struct secmsg_noise *n, const u8 *data,
			  unsigned int len);
int secmsg_noise_mix_key(struct secmsg_noise *n, const u8 *ikm,
			 unsigned int len);
/*
 * MixKey(DH(tfm's private key, pub)); pub not on the stack.  EINVAL: a
 * non-canonical or low-order pub.
 */
int secmsg_noise_mix_dh(struct secmsg_noise *n, struct crypto_kpp *tfm,
			const u8 *pub);
/* out = ciphertext || tag (len + 16 bytes) */
int secmsg_noise_encrypt(struct secmsg_noise *n, const u8 *pt,
			 unsigned int len, u8 *out);
/* in = ciphertext || tag; pt gets len - 16 bytes */
int secmsg_noise_decrypt(struct secmsg_noise *n, const u8 *in,
			 unsigned int len, u8 *pt);
/* Traffic secrets S_c2s(0), S_s2c(0) and the client's confirmation. */
int secmsg_noise_split(struct secmsg_noise *n, u8 *c2s, u8 *s2c,
		       u8 *confirm);

#endif
