/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * libsecmsg internal crypto helpers shared by the wire code and its tests.
 * Not installed, not part of the API.
 */
#ifndef SECMSG_CRYPTO_H
#define SECMSG_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include <nettle/aes.h>
#include <nettle/gcm.h>
#include <nettle/hmac.h>
#include <nettle/twofish.h>

#include "secmsg/wire.h"

#define SECMSG_SHA256_LEN	32
/* RFC 5869: at most 255 blocks of output. */
#define SECMSG_HKDF_MAX_OUT	(255 * SECMSG_SHA256_LEN)

/* One piece of a message that is MACed in several parts. */
struct secmsg_buf {
	const uint8_t *p;
	size_t len;
};

/* HMAC-SHA256(key, v[0] || ... || v[n - 1]); the one HMAC of the library. */
void secmsg_hmac_sha256(const uint8_t *key, size_t key_len,
			const struct secmsg_buf *v, size_t n,
			uint8_t tag[SECMSG_SHA256_LEN]);

/*
 * A 32-byte key scheduled once for one algorithm (crypt.c): AES-256's
 * round keys and the GHASH table; ChaCha20-Poly1305's key (its Poly1305
 * key is per nonce anyway); twofish_cbc's Twofish key schedule and its
 * HMAC-SHA256 key, both from the HKDF subkeys.  Seal and open keep their
 * per-message state on their own stack and leave the cipher as it was,
 * so one cipher may serve several threads at once.
 *
 * secmsg_cipher_set: 0, or -EINVAL for an unknown algorithm (c is then
 * all zero).  secmsg_cipher_wipe erases the part alg used.  Seal and open
 * are secmsg_crypt_seal/open without the keying: the nonce is 12 bytes
 * (AEADs) or the 16-byte IV (twofish_cbc); the same room, overlap rules
 * and errors (open: -EMSGSIZE, -EINVAL for lengths, -EBADMSG, then
 * -EINVAL for twofish_cbc's padding).
 */
struct secmsg_cipher {
	int alg;
	union {
		struct {
			struct gcm_key ghash;
			struct aes256_ctx aes;
		} gcm;
		uint8_t chacha[32];
		struct {
			struct twofish_ctx tf;
			struct hmac_sha256_ctx mac;	/* keyed, no data */
		} tf;
	} u;
};

int secmsg_cipher_set(struct secmsg_cipher *c, int alg,
		      const uint8_t key[32]);
void secmsg_cipher_wipe(struct secmsg_cipher *c);
long secmsg_cipher_seal(const struct secmsg_cipher *c, const uint8_t *nonce,
			const uint8_t *aad, size_t aad_len,
			const uint8_t *pt, size_t pt_len, uint8_t *out);
long secmsg_cipher_open(const struct secmsg_cipher *c, const uint8_t *nonce,
			const uint8_t *aad, size_t aad_len,
			const uint8_t *ct, size_t ct_len, uint8_t *out);

/* Fill buf from getrandom(2).  Return 0 or -errno. */
int secmsg_random(void *buf, size_t len);

/*
 * Known-answer generation (docs/vectors.json, tools/lib/tests/mkvectors):
 * fn is called after every step of the handshake's symmetric state,
 * op "Init", "MixHash" or "MixKey" with the step's input (the protocol
 * name, the hashed bytes, the DH result) and h, ck, k after it.  Not for
 * real use: it hands out secrets; one process-wide hook, not thread-safe,
 * not exported from libsecmsg.so.  fn NULL turns it off.
 */
typedef void (*secmsg_hs_trace_fn)(void *arg, const char *op,
				   const uint8_t *in, size_t len,
				   const uint8_t h[32], const uint8_t ck[32],
				   const uint8_t k[32]);
__attribute__((visibility("hidden")))
void secmsg_hs_set_trace(secmsg_hs_trace_fn fn, void *arg);

/*
 * Known-answer generation: secmsg_msg_seal() with a given twofish_cbc IV
 * (iv NULL: random; the AEADs ignore it), and secmsg_keyfile_encode() with
 * a given salt and nonce (salt_nonce: 16 + 12 bytes; NULL: random).  A
 * real sender never reuses an IV, salt or nonce.
 */
__attribute__((visibility("hidden")))
long secmsg_msg_seal_iv(const struct secmsg_dir_keys *k, int alg,
			uint64_t session_id, uint64_t seq, const uint8_t *iv,
			const uint8_t *pt, size_t pt_len, uint8_t *out);
__attribute__((visibility("hidden")))
int secmsg_keyfile_encode_with(const uint8_t priv[32], const void *pass,
			       size_t pass_len, uint32_t iterations,
			       const uint8_t *salt_nonce, uint8_t out[88]);

#endif
