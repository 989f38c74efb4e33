/* SPDX-License-Identifier: GPL-2.0 */
/* SHA-256, HMAC-SHA256 and HKDF-SHA256 (RFC 5869) over the crypto API. */
#ifndef _SECMSG_HKDF_H
#define _SECMSG_HKDF_H

#include <linux/string.h>
#include <linux/types.h>

#define SECMSG_HASH_LEN 32

int secmsg_hkdf_init(void);
void secmsg_hkdf_exit(void);

int secmsg_hkdf_extract(const u8 *salt, unsigned int salt_len,
			const u8 *ikm, unsigned int ikm_len,
			u8 prk[SECMSG_HASH_LEN]);
int secmsg_hkdf_expand(const u8 prk[SECMSG_HASH_LEN], const u8 *info,
		       unsigned int info_len, u8 *out, unsigned int out_len);
/* Expand with an ASCII label as info. */
static inline int secmsg_hkdf_label(const u8 prk[SECMSG_HASH_LEN],
				    const char *label, u8 *out,
				    unsigned int out_len)
{
	return secmsg_hkdf_expand(prk, (const u8 *)label, strlen(label), out,
				  out_len);
}
/* out = HMAC-SHA256(key, a || b) */
int secmsg_hmac(const u8 *key, unsigned int key_len, const u8 *a,
		unsigned int a_len, const u8 *b, unsigned int b_len, u8 *out);
/* out = SHA-256(a || b) */
int secmsg_sha256(const u8 *a, unsigned int a_len, const u8 *b,
		  unsigned int b_len, u8 *out);
/* Extract with an empty salt, then Expand. */
int secmsg_hkdf(const u8 *ikm, unsigned int ikm_len, const char *info,
		u8 *out, unsigned int out_len);

#endif
