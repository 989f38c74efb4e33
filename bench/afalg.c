// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The AF_ALG peer: the same messages as secmsg.ko's, made the usual way
 * from userspace with the kernel's own AEAD templates through libkcapi.
 * One handle per key, keyed once and reused; every message is one
 * kcapi_aead_encrypt() or kcapi_aead_decrypt() (sendmsg/vmsplice + read).
 * Userspace builds the 24-byte header (the AAD), the nonce
 * salt XOR seq, and for twofish_cbc a random IV and the PKCS#7 padding,
 * exactly as secmsg.ko does in the kernel.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <kcapi.h>
#include <linux/rtnetlink.h>

#include "bench.h"

#define AUTHENC_KEYA_PARAM	1	/* CRYPTO_AUTHENC_KEYA_PARAM */

struct afalg {
	struct kcapi_handle *h;
	int alg;
	bool cbc;
	size_t tag_len, assoc_len;
	uint8_t *in;		/* page aligned: AAD || text */
	/* page aligned: what the kernel writes (a read pins its pages): a
	 * sealed message, or AAD || plaintext of an open */
	uint8_t *scratch;
	size_t cap;
};

const char *afalg_kname(int alg)
{
	switch (alg) {
	case SECMSG_ALG_AES_256_GCM:
		return "gcm(aes)";
	case SECMSG_ALG_CHACHA20_POLY1305:
		return "rfc7539(chacha20,poly1305)";
	case SECMSG_ALG_TWOFISH_CBC:
		return "authenc(hmac(sha256),cbc(twofish))";
	}
	return NULL;
}

struct afalg *afalg_new(int alg, const uint8_t key[32])
{
	struct afalg *a = xcalloc(1, sizeof(*a));
	int err;

	a->alg = alg;
	a->cbc = alg == SECMSG_ALG_TWOFISH_CBC;
	a->tag_len = a->cbc ? SECMSG_HMAC_TAG_LEN : SECMSG_AEAD_TAG_LEN;
	/* twofish_cbc: the MAC covers header || IV, so both are the AAD */
	a->assoc_len = SECMSG_HDR_LEN + (a->cbc ? SECMSG_CBC_IV_LEN : 0);
	a->cap = SECMSG_MAX_PLAINTEXT + SECMSG_MAX_OVERHEAD + 64;
	a->in = xmalloc_pages(a->cap);
	a->scratch = xmalloc_pages(a->cap);

	err = kcapi_aead_init(&a->h, afalg_kname(alg), 0);
	if (err)
		fatal("kcapi_aead_init(%s): %s (is algif_aead loaded?)",
		      afalg_kname(alg), errname(err));
	if (a->cbc) {
		/* authenc key blob: rtattr param, mac key, enc key */
		uint8_t blob[RTA_SPACE(4) + 2 * SECMSG_KEY_LEN];
		struct rtattr *rta = (struct rtattr *)blob;
		uint32_t enclen = htonl(SECMSG_KEY_LEN);

		memset(blob, 0, sizeof(blob));
		rta->rta_type = AUTHENC_KEYA_PARAM;
		rta->rta_len = RTA_LENGTH(4);
		memcpy(RTA_DATA(rta), &enclen, 4);
		secmsg_twofish_subkeys(key, blob + RTA_SPACE(4) + SECMSG_KEY_LEN,
				       blob + RTA_SPACE(4));
		err = kcapi_aead_setkey(a->h, blob, sizeof(blob));
		explicit_bzero(blob, sizeof(blob));
	} else {
		err = kcapi_aead_setkey(a->h, key, SECMSG_KEY_LEN);
	}
	if (err)
		fatal("kcapi_aead_setkey(%s): %s", afalg_kname(alg),
		      errname(err));
	err = kcapi_aead_settaglen(a->h, (uint32_t)a->tag_len);
	if (err)
		fatal("kcapi_aead_settaglen(%s): %s", afalg_kname(alg),
		      errname(err));
	kcapi_aead_setassoclen(a->h, a->assoc_len);
	return a;
}

void afalg_free(struct afalg *a)
{
	if (!a)
		return;
	kcapi_aead_destroy(a->h);
	explicit_bzero(a->in, a->cap);
	explicit_bzero(a->scratch, a->cap);
	free(a->in);
	free(a->scratch);
	free(a);
}

static void nonce_of(const uint8_t salt[12], uint64_t seq, uint8_t n[12])
{
	int i;

	memcpy(n, salt, 12);
	for (i = 0; i < 8; i++)
		n[4 + i] ^= (uint8_t)(seq >> (56 - 8 * i));
}

long afalg_seal(struct afalg *a, const uint8_t salt[12], uint32_t epoch,
		uint64_t session_id, uint64_t seq, const uint8_t *pt,
		size_t pt_len, const uint8_t **out)
{
	struct secmsg_hdr h = {
		.version = SECMSG_WIRE_VERSION,
		.alg = (uint8_t)a->alg,
		.epoch = epoch,
		.session_id = session_id,
		.seq = seq,
	};
	uint8_t iv[16];
	size_t text = pt_len, outlen;
	ssize_t n;

	if (pt_len > SECMSG_MAX_PLAINTEXT)
		return -EMSGSIZE;
	secmsg_hdr_put(a->in, &h);
	if (a->cbc) {
		size_t pad;

		rand_fill(iv, SECMSG_CBC_IV_LEN);
		memcpy(a->in + SECMSG_HDR_LEN, iv, SECMSG_CBC_IV_LEN);
		memcpy(a->in + a->assoc_len, pt, pt_len);
		pad = SECMSG_CBC_BLOCK_LEN - pt_len % SECMSG_CBC_BLOCK_LEN;
		memset(a->in + a->assoc_len + pt_len, (int)pad, pad);
		text = pt_len + pad;
	} else {
		nonce_of(salt, seq, iv);
		memcpy(a->in + a->assoc_len, pt, pt_len);
	}
	outlen = a->assoc_len + text + a->tag_len;
	n = kcapi_aead_encrypt(a->h, a->in, a->assoc_len + text, iv,
			       a->scratch, outlen, KCAPI_ACCESS_HEURISTIC);
	explicit_bzero(iv, sizeof(iv));
	if (n < 0)
		return n;
	*out = a->scratch;
	return (long)outlen;
}

long afalg_open(struct afalg *a, const uint8_t salt[12], const uint8_t *msg,
		size_t len, uint8_t *out)
{
	struct secmsg_hdr h;
	uint8_t iv[16];
	size_t text;
	ssize_t n;
	int err;

	err = secmsg_hdr_get(msg, len, &h);
	if (err)
		return err;
	if (h.alg != a->alg || len < a->assoc_len + a->tag_len)
		return -EPROTO;
	text = len - a->assoc_len - a->tag_len;
	if (a->cbc)
		memcpy(iv, msg + SECMSG_HDR_LEN, SECMSG_CBC_IV_LEN);
	else
		nonce_of(salt, h.seq, iv);
	n = kcapi_aead_decrypt(a->h, msg, len, iv, a->scratch,
			       a->assoc_len + text, KCAPI_ACCESS_HEURISTIC);
	explicit_bzero(iv, sizeof(iv));
	if (n < 0)
		return n;
	if (a->cbc) {
		uint8_t pad;

		if (!text || text % SECMSG_CBC_BLOCK_LEN)
			return -EINVAL;
		pad = a->scratch[a->assoc_len + text - 1];
		if (!pad || pad > SECMSG_CBC_BLOCK_LEN)
			return -EINVAL;
		text -= pad;
	}
	memcpy(out, a->scratch + a->assoc_len, text);
	return (long)text;
}
