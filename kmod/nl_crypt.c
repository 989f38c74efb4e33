// SPDX-License-Identifier: GPL-2.0
/*
 * SECMSG_CMD_CRYPT: seal or open one buffer with a caller-given key; and
 * the stateless X25519 and HKDF primitives, for known-answer checks.
 */
#include <linux/random.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "aead.h"
#include "hkdf.h"
#include "x25519.h"
#include "netlink.h"
#include "secmsg.h"

static_assert(SECMSG_HKDF_MAX_LEN == 255 * SECMSG_HASH_LEN);

struct crypt_args {
	const struct secmsg_alg_desc *a;
	bool enc;
	const u8 *aad, *data;
	unsigned int aad_len, data_len;
	u8 nonce[SECMSG_CBC_IV_LEN];
};

static int crypt_parse(struct genl_info *info, struct crypt_args *c)
{
	struct nlattr **tb = info->attrs;
	unsigned int max;

	if (SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_ALG) ||
	    SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_KEY) ||
	    SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_DATA))
		return -EINVAL;
	c->a = secmsg_alg(nla_get_u32(tb[SECMSG_A_ALG]));
	c->enc = nla_get_u8(tb[SECMSG_A_CRYPT_OP]) == SECMSG_CRYPT_ENCRYPT;
	c->data = nla_data(tb[SECMSG_A_DATA]);
	c->data_len = nla_len(tb[SECMSG_A_DATA]);
	if (tb[SECMSG_A_AAD]) {
		c->aad = nla_data(tb[SECMSG_A_AAD]);
		c->aad_len = nla_len(tb[SECMSG_A_AAD]);
	}
	/* ciphertext: the tag, and a full pad block for CBC */
	max = SECMSG_MAX_PLAINTEXT;
	if (!c->enc)
		max += c->a->tag_len + (c->a->cbc ? SECMSG_CBC_BLOCK_LEN : 0);
	if (c->data_len > max) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SECMSG_A_DATA],
				    "data larger than SECMSG_MAX_PLAINTEXT");
		return -EMSGSIZE;
	}
	if (tb[SECMSG_A_NONCE]) {
		if (nla_len(tb[SECMSG_A_NONCE]) != c->a->iv_len) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[SECMSG_A_NONCE],
					    "nonce must be 12 bytes (16-byte IV for twofish_cbc)");
			return -EINVAL;
		}
		memcpy(c->nonce, nla_data(tb[SECMSG_A_NONCE]), c->a->iv_len);
	} else if (c->enc) {
		get_random_bytes(c->nonce, c->a->iv_len);
	} else {
		GENL_SET_ERR_MSG(info, "decrypt needs SECMSG_A_NONCE");
		return -EINVAL;
	}
	return 0;
}

/*
 * Work buffer: AAD || [IV] || text || tag, so that the associated data of
 * twofish_cbc (AAD || IV) and of the AEADs (AAD) are both contiguous.
 */
static int crypt_run(struct secmsg_req *r, struct crypto_aead *tfm,
		     struct crypt_args *c, u8 *buf, unsigned int *out_len)
{
	unsigned int assoc = c->aad_len, text = c->data_len;
	int err;

	memcpy(buf, c->aad, c->aad_len);
	memcpy(r->iv, c->nonce, c->a->iv_len);
	if (c->a->cbc) {
		memcpy(buf + assoc, c->nonce, c->a->iv_len);
		assoc += c->a->iv_len;
	}
	memcpy(buf + assoc, c->data, c->data_len);
	if (c->enc) {
		if (c->a->cbc) {
			secmsg_cbc_pad(buf + assoc, text);
			text = secmsg_cbc_padded(text);
		}
		err = secmsg_aead_seal(r, tfm, buf, assoc, text);
		*out_len = text + c->a->tag_len;
	} else {
		err = secmsg_aead_open(r, tfm, buf, assoc, text);
		text -= min(text, c->a->tag_len);
		if (!err && c->a->cbc) {
			err = secmsg_cbc_unpad(buf + assoc, text);
			if (err >= 0) {
				text = err;
				err = 0;
			}
		}
		*out_len = err ? 0 : text;
	}
	memmove(buf, buf + assoc, *out_len);
	return err;
}

/* Reply with SECMSG_A_DATA and, when nonce, SECMSG_A_NONCE. */
static int crypt_reply(struct genl_info *info, const u8 *nonce,
		       unsigned int nonce_len, const u8 *data,
		       unsigned int len)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nla_total_size(len) + 64, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &secmsg_family, 0,
				SECMSG_CMD_CRYPT);
	if (!hdr || (nonce && nla_put(msg, SECMSG_A_NONCE, nonce_len, nonce)) ||
	    nla_put(msg, SECMSG_A_DATA, len, data)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	atomic64_inc(&secmsg_info_net(info)->stats[SECMSG_STATS_A_CRYPT_OPS]);
	return genlmsg_reply(msg, info);
}

static int crypt_x25519(struct genl_info *info)
{
	struct crypto_kpp *tfm;
	u8 *buf;
	int err;

	if (SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_KEY) ||
	    SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_DATA))
		return -EINVAL;
	if (nla_len(info->attrs[SECMSG_A_DATA]) != SECMSG_X25519_LEN) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SECMSG_A_DATA],
				    "X25519 public key must be 32 bytes");
		return -EINVAL;
	}
	tfm = secmsg_x25519_new(nla_data(info->attrs[SECMSG_A_KEY]));
	if (IS_ERR(tfm)) {
		if (PTR_ERR(tfm) == -EINVAL)
			GENL_SET_ERR_MSG(info, "bad X25519 private key");
		return PTR_ERR(tfm);
	}
	/* [public | shared]: both go through scatterlists */
	buf = kmalloc(2 * SECMSG_X25519_LEN, GFP_KERNEL);
	err = -ENOMEM;
	if (buf) {
		memcpy(buf, nla_data(info->attrs[SECMSG_A_DATA]),
		       SECMSG_X25519_LEN);
		err = secmsg_x25519(tfm, buf, buf + SECMSG_X25519_LEN);
		if (err == -EINVAL)
			GENL_SET_ERR_MSG(info, "low-order or non-canonical public key");
		else if (!err)
			err = crypt_reply(info, NULL, 0,
					  buf + SECMSG_X25519_LEN,
					  SECMSG_X25519_LEN);
	}
	kfree_sensitive(buf);
	secmsg_x25519_free(tfm);
	return err;
}

static int crypt_hkdf(struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	u8 prk[SECMSG_HASH_LEN];
	unsigned int len;
	u8 *out;
	int err;

	if (SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_DATA) ||
	    SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_LENGTH))
		return -EINVAL;
	len = nla_get_u32(tb[SECMSG_A_LENGTH]);
	out = kmalloc(len, GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	err = secmsg_hkdf_extract(tb[SECMSG_A_SALT] ?
				  nla_data(tb[SECMSG_A_SALT]) : NULL,
				  tb[SECMSG_A_SALT] ?
				  nla_len(tb[SECMSG_A_SALT]) : 0,
				  nla_data(tb[SECMSG_A_DATA]),
				  nla_len(tb[SECMSG_A_DATA]), prk) ?:
	      secmsg_hkdf_expand(prk, tb[SECMSG_A_INFO] ?
				 nla_data(tb[SECMSG_A_INFO]) : NULL,
				 tb[SECMSG_A_INFO] ?
				 nla_len(tb[SECMSG_A_INFO]) : 0, out, len) ?:
	      crypt_reply(info, NULL, 0, out, len);
	memzero_explicit(prk, sizeof(prk));
	kfree_sensitive(out);
	return err;
}

int secmsg_nl_crypt_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct crypt_args c = {};
	struct crypto_aead *tfm;
	struct secmsg_req *r = NULL;
	unsigned int out_len = 0;
	u8 *buf = NULL;
	int err;

	if (SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_CRYPT_OP))
		return -EINVAL;
	switch (nla_get_u8(info->attrs[SECMSG_A_CRYPT_OP])) {
	case SECMSG_CRYPT_X25519:
		return crypt_x25519(info);
	case SECMSG_CRYPT_HKDF:
		return crypt_hkdf(info);
	}
	err = crypt_parse(info, &c);
	if (err)
		return err;
	tfm = secmsg_aead_new(nla_get_u32(info->attrs[SECMSG_A_ALG]),
			      nla_data(info->attrs[SECMSG_A_KEY]));
	if (IS_ERR(tfm)) {
		GENL_SET_ERR_MSG(info, "cannot set up the cipher");
		return PTR_ERR(tfm);
	}
	r = secmsg_req_alloc();
	buf = kmalloc(c.aad_len + SECMSG_CBC_IV_LEN + c.data_len +
		      SECMSG_CBC_BLOCK_LEN + SECMSG_HMAC_TAG_LEN, GFP_KERNEL);
	if (!r || !buf) {
		err = -ENOMEM;
		goto out;
	}
	err = crypt_run(r, tfm, &c, buf, &out_len);
	if (err) {
		/* (no extack for ENOMEM: the errno says it) */
		if (err == -EBADMSG)
			GENL_SET_ERR_MSG(info, "authentication failed");
		else if (err == -EINVAL && c.enc)
			GENL_SET_ERR_MSG(info, "encryption failed");
		else if (err == -EINVAL)
			GENL_SET_ERR_MSG(info, "bad ciphertext (length or padding)");
		goto out;
	}
	err = crypt_reply(info, c.nonce, c.a->iv_len, buf, out_len);
out:
	kfree_sensitive(buf);
	secmsg_req_free(r);
	secmsg_aead_free(tfm);
	return err;
}
