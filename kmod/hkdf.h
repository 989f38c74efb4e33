/* SPDX-License-Identifier: GPL-2.0 */
/* HKDF-SHA256 (RFC 5869) over the crypto API's hmac(sha256). */
#ifndef _SECMSG_HKDF_H
#define _SECMSG_HKDF_H

#include <linux/types.h>

#define SECMSG_HASH_LEN 32

int secmsg_hkdf_init(void);
void secmsg_hkdf_exit(void);

int secmsg_hkdf_extract(const u8 *salt, unsigned int salt_len,
			const u8 *ikm, unsigned int ikm_len,
			u8 prk[SECMSG_HASH_LEN]);
int secmsg_hkdf_expand(const u8 prk[SECMSG_HASH_LEN], const char *info,
		       u8 *out, unsigned int out_len);
/* Extract with an empty salt, then Expand. */
int secmsg_hkdf(const u8 *ikm, unsigned int ikm_len, const char *info,
		u8 *out, unsigned int out_len);

#endif
