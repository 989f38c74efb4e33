/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * libsecmsg key files (docs/protocol.md section 4): a client's static
 * X25519 private key encrypted under a passphrase.
 *
 *   offset size
 *        0    8  magic "SECMSGK1"
 *        8    4  PBKDF2 iterations (big endian, 100000 to 100000000)
 *       12   16  salt (random)
 *       28   12  nonce (random)
 *       40   48  ChaCha20-Poly1305(kek, nonce, ad = bytes 0..39, key)
 *
 *   kek = PBKDF2-HMAC-SHA256(passphrase, salt, iterations, 32)
 *
 * Errors (negative errno):
 *   -EBADMSG  wrong passphrase or damaged key file (the tag fails; this
 *             includes a changed iteration count, salt or nonce)
 *   -EINVAL   not a key file: wrong size or magic, iterations outside
 *             SECMSG_KEYFILE_ITER_MIN..SECMSG_KEYFILE_ITER_MAX; or a bad
 *             argument (also such an iteration count given to encode or
 *             create)
 *   -ENOKEY   the passphrase is empty: refused when sealing and when
 *             opening (section 4: a passphrase may not be empty)
 *   -EEXIST   create: the file exists and SECMSG_KEYFILE_F_OVERWRITE was
 *             not given
 *   other     from the file system (open, read, write, rename)
 * secmsg_keyfile_strerror() says it in words.
 *
 * Passphrases are bytes (no terminating NUL is used), at least one.  Every buffer that
 * held the key, the kek or the passphrase-derived state is wiped.
 */
#ifndef SECMSG_KEYFILE_H
#define SECMSG_KEYFILE_H

#include <stddef.h>
#include <stdint.h>
#include <linux/secmsg.h>

#define SECMSG_KEYFILE_MAGIC		"SECMSGK1"
#define SECMSG_KEYFILE_LEN		88
#define SECMSG_KEYFILE_SALT_LEN		16
#define SECMSG_KEYFILE_NONCE_LEN	12
#define SECMSG_KEYFILE_AD_LEN		40
#define SECMSG_KEYFILE_ITER_DEFAULT	200000
#define SECMSG_KEYFILE_ITER_MIN		100000
/* a damaged or hostile file must not stall a load for minutes */
#define SECMSG_KEYFILE_ITER_MAX		100000000

/* create: replace an existing file (atomically, by rename). */
#define SECMSG_KEYFILE_F_OVERWRITE	(1U << 0)

/*
 * Encrypt priv into out with a random salt and nonce.  iterations 0 means
 * SECMSG_KEYFILE_ITER_DEFAULT; outside SECMSG_KEYFILE_ITER_MIN..
 * SECMSG_KEYFILE_ITER_MAX is -EINVAL.
 */
int secmsg_keyfile_encode(const uint8_t priv[SECMSG_X25519_LEN],
			  const void *pass, size_t pass_len,
			  uint32_t iterations,
			  uint8_t out[SECMSG_KEYFILE_LEN]);
/* Decrypt a key file image of len bytes into priv (untouched on error). */
int secmsg_keyfile_decode(const uint8_t *buf, size_t len, const void *pass,
			  size_t pass_len, uint8_t priv[SECMSG_X25519_LEN]);
/* The iteration count of an image (no authentication); -EINVAL. */
int secmsg_keyfile_iterations(const uint8_t *buf, size_t len,
			      uint32_t *iterations);

/*
 * Write a new key file at path, mode 0600: of priv, or of a new random
 * key when priv is NULL; pub_out (may be NULL) gets its public key.
 * Without SECMSG_KEYFILE_F_OVERWRITE an existing path is -EEXIST
 * (O_CREAT | O_EXCL, symlinks are not followed); with it, the file is
 * written beside path and renamed over it.
 */
int secmsg_keyfile_create(const char *path, const uint8_t *priv,
			  const void *pass, size_t pass_len,
			  uint32_t iterations, unsigned int flags,
			  uint8_t pub_out[SECMSG_X25519_LEN]);
/* Read and decrypt the key file at path into priv (untouched on error). */
int secmsg_keyfile_load(const char *path, const void *pass, size_t pass_len,
			uint8_t priv[SECMSG_X25519_LEN]);

/*
 * The key files' KDF, PBKDF2-HMAC-SHA256 (nettle), with any salt, count
 * and output length (also for known-answer tests); iterations >= 1.
 */
int secmsg_keyfile_kdf(const void *pass, size_t pass_len,
		       const uint8_t *salt, size_t salt_len,
		       uint32_t iterations, uint8_t *out, size_t out_len);

/* A message for an error of these functions (err < 0). */
const char *secmsg_keyfile_strerror(int err);

#endif
