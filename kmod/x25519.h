/* SPDX-License-Identifier: GPL-2.0 */
/* X25519 through the crypto API's curve25519 kpp. */
#ifndef _SECMSG_X25519_H
#define _SECMSG_X25519_H

#include <crypto/kpp.h>
#include <uapi/linux/secmsg.h>

/* A keyed kpp: priv NULL generates a random private key. */
struct crypto_kpp *secmsg_x25519_new(const u8 *priv);
void secmsg_x25519_free(struct crypto_kpp *tfm);

/*
 * out = DH(tfm's private key, pub), or the public key when pub is NULL.
 * -EINVAL for a non-canonical pub or an all-zero (low-order) result.
 * pub and out must not be on the stack (scatterlists).
 */
int secmsg_x25519(struct crypto_kpp *tfm, const u8 *pub, u8 *out);

/* Canonical: bit 255 clear and below 2^255 - 19. */
bool secmsg_x25519_canonical(const u8 pub[SECMSG_X25519_LEN]);

#endif
