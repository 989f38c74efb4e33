/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * libsecmsg internal crypto helpers shared by the wire code and its tests.
 * Not installed, not part of the API.
 */
#ifndef SECMSG_CRYPTO_H
#define SECMSG_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

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

/* Fill buf from getrandom(2).  Return 0 or -errno. */
int secmsg_random(void *buf, size_t len);

#endif
