// SPDX-License-Identifier: GPL-2.0
/* X25519 (RFC 7748) for the handshake, through crypto_kpp "curve25519". */
#include <crypto/algapi.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "x25519.h"

bool secmsg_x25519_canonical(const u8 pub[SECMSG_X25519_LEN])
{
	int i;

	if (pub[31] & 0x80)
		return false;
	/* 2^255 - 19 and above: 0x7f, 30 x 0xff, then >= 0xed (LE) */
	if (pub[31] != 0x7f || pub[0] < 0xed)
		return true;
	for (i = 1; i < 31; i++)
		if (pub[i] != 0xff)
			return true;
	return false;
}

struct crypto_kpp *secmsg_x25519_new(const u8 *priv)
{
	struct crypto_kpp *tfm = crypto_alloc_kpp("curve25519", 0, 0);
	int err;

	if (IS_ERR(tfm))
		return tfm;
	err = crypto_kpp_set_secret(tfm, priv, priv ? SECMSG_X25519_LEN : 0);
	if (err) {
		crypto_free_kpp(tfm);
		return ERR_PTR(err);
	}
	return tfm;
}

void secmsg_x25519_free(struct crypto_kpp *tfm)
{
	/* the keyed context is freed with kfree_sensitive */
	if (!IS_ERR_OR_NULL(tfm))
		crypto_free_kpp(tfm);
}

int secmsg_x25519(struct crypto_kpp *tfm, const u8 *pub, u8 *out)
{
	static const u8 zero[SECMSG_X25519_LEN];
	struct scatterlist src, dst;
	struct kpp_request *req;
	DECLARE_CRYPTO_WAIT(wait);
	int err;

	if (pub && !secmsg_x25519_canonical(pub))
		return -EINVAL;
	req = kpp_request_alloc(tfm, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	sg_init_one(&dst, out, SECMSG_X25519_LEN);
	if (pub)
		sg_init_one(&src, pub, SECMSG_X25519_LEN);
	kpp_request_set_input(req, pub ? &src : NULL,
			      pub ? SECMSG_X25519_LEN : 0);
	kpp_request_set_output(req, &dst, SECMSG_X25519_LEN);
	kpp_request_set_callback(req, CRYPTO_TFM_REQ_MAY_SLEEP |
				 CRYPTO_TFM_REQ_MAY_BACKLOG,
				 crypto_req_done, &wait);
	err = crypto_wait_req(pub ? crypto_kpp_compute_shared_secret(req) :
			      crypto_kpp_generate_public_key(req), &wait);
	kpp_request_free(req);
	/* some implementations return -EIO for a low-order result */
	if (err == -EIO || (!err && !crypto_memneq(out, zero, sizeof(zero)))) {
		memzero_explicit(out, SECMSG_X25519_LEN);
		return -EINVAL;
	}
	return err;
}
