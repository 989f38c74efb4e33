// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Sealed messages: the 24-byte header and seal/open of whole messages
 * (see <linux/secmsg.h>).  The header is the AAD; the AEAD nonce is
 * salt XOR (4 zero bytes || seq as 8 bytes big endian); twofish_cbc
 * messages carry a random IV after the header.  Seal takes any seq (so
 * that tests can build what the kernel must refuse); open refuses
 * seq >= 2^48 like the kernel.
 *
 * secmsg_msg_ctx (secmsg/wire.h) holds a direction's key and salt at one
 * epoch, the cipher keyed once (crypto.h); the one-shot seal and open
 * below key one on their stack for each message.
 *
 * secmsg_msg_open() checks, in this order (the kernel's):
 *   -EINVAL       arguments, or shorter than the header
 *   -EPROTO       version, reserved bits, session id other than ours,
 *                 seq >= SECMSG_MAX_MESSAGES_LIMIT (2^48)
 *   -EKEYEXPIRED  header epoch older than k's
 *   -EKEYREJECTED header epoch newer than k's
 *   -EPROTO       unknown algorithm, or other than the expected one
 *                 (secmsg_msg_open_alg)
 *   -EINVAL       body too short (or not whole CBC blocks)
 *   -EMSGSIZE     body longer than any message of SECMSG_MAX_PLAINTEXT
 *   -EBADMSG      authentication failed
 *   -EINVAL       bad padding (twofish_cbc, after the MAC verified)
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "be.h"
#include "crypto.h"
#include "keys.h"
#include "secmsg/wire.h"


static bool alg_valid(int alg)
{
	return alg >= SECMSG_ALG_AES_256_GCM && alg <= SECMSG_ALG_MAX;
}

void secmsg_hdr_put(uint8_t out[SECMSG_HDR_LEN], const struct secmsg_hdr *h)
{
	out[0] = h->version;
	out[1] = h->alg;
	out[2] = 0;
	out[3] = 0;
	put_be32(out + 4, h->epoch);
	put_be64(out + 8, h->session_id);
	put_be64(out + 16, h->seq);
}

/* h is filled whenever len covers a header, even when -EPROTO. */
int secmsg_hdr_get(const uint8_t *in, size_t len, struct secmsg_hdr *h)
{
	if (!in || !h || len < SECMSG_HDR_LEN)
		return -EINVAL;
	h->version = in[0];
	h->alg = in[1];
	h->epoch = get_be32(in + 4);
	h->session_id = get_be64(in + 8);
	h->seq = get_be64(in + 16);
	if (in[0] != SECMSG_WIRE_VERSION || in[2] || in[3])
		return -EPROTO;
	return 0;
}

/* A keyed context (secmsg/wire.h); alg 0: not keyed. */
struct secmsg_msg_ctx {
	uint32_t epoch;
	uint8_t salt[SECMSG_AEAD_NONCE_LEN];
	struct secmsg_cipher cipher;
};

/* nonce = salt XOR (0^4 || be64(seq)) */
static void aead_nonce(const uint8_t salt[SECMSG_AEAD_NONCE_LEN],
		       uint64_t seq, uint8_t nonce[SECMSG_AEAD_NONCE_LEN])
{
	int i;

	memset(nonce, 0, 4);
	put_be64(nonce + 4, seq);
	for (i = 0; i < SECMSG_AEAD_NONCE_LEN; i++)
		nonce[i] ^= salt[i];
}

/* Key c for k's epoch and alg; on failure c is all zero (not keyed). */
static int ctx_key(struct secmsg_msg_ctx *c, const struct secmsg_dir_keys *k,
		   int alg)
{
	if (!secmsg_dir_valid(k) || !alg_valid(alg)) {
		explicit_bzero(c, sizeof(*c));
		return -EINVAL;
	}
	c->epoch = k->epoch;
	memcpy(c->salt, k->salt, sizeof(c->salt));
	return secmsg_cipher_set(&c->cipher, alg, k->key);
}

static void ctx_wipe(struct secmsg_msg_ctx *c)
{
	secmsg_cipher_wipe(&c->cipher);
	explicit_bzero(c->salt, sizeof(c->salt));
	c->epoch = 0;
}

int secmsg_msg_ctx_new(struct secmsg_msg_ctx **out,
		       const struct secmsg_dir_keys *k, int alg)
{
	struct secmsg_msg_ctx *c;
	int err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	err = ctx_key(c, k, alg);
	if (err) {
		free(c);
		return err;
	}
	*out = c;
	return 0;
}

int secmsg_msg_ctx_set(struct secmsg_msg_ctx *c,
		       const struct secmsg_dir_keys *k, int alg)
{
	if (!c)
		return -EINVAL;
	ctx_wipe(c);
	return ctx_key(c, k, alg);
}

void secmsg_msg_ctx_free(struct secmsg_msg_ctx *c)
{
	if (!c)
		return;
	ctx_wipe(c);
	free(c);
}

const struct secmsg_msg_ctx *secmsg_msg_ctx_for(struct secmsg_msg_ctx **c,
						const struct secmsg_dir_keys *k,
						int alg)
{
	if (!c)
		return NULL;
	if (!*c)
		return secmsg_msg_ctx_new(c, k, alg) ? NULL : *c;
	if ((*c)->cipher.alg == alg && alg && secmsg_dir_valid(k) &&
	    (*c)->epoch == k->epoch)
		return *c;
	return secmsg_msg_ctx_set(*c, k, alg) ? NULL : *c;
}

uint32_t secmsg_msg_ctx_epoch(const struct secmsg_msg_ctx *c)
{
	return c && c->cipher.alg ? c->epoch : 0;
}

int secmsg_msg_ctx_alg(const struct secmsg_msg_ctx *c)
{
	return c ? c->cipher.alg : 0;
}

/* iv: twofish_cbc's IV, NULL for a random one. */
static long ctx_seal(const struct secmsg_msg_ctx *c, uint64_t session_id,
		     uint64_t seq, const uint8_t *iv_in, const uint8_t *pt,
		     size_t pt_len, uint8_t *out)
{
	struct secmsg_hdr h = {
		.version = SECMSG_WIRE_VERSION,
		.alg = (uint8_t)c->cipher.alg,
		.epoch = c->epoch,
		.session_id = session_id,
		.seq = seq,
	};
	uint8_t nonce[SECMSG_AEAD_NONCE_LEN];
	uint8_t *iv;
	long n;
	int err;

	if (!c->cipher.alg || !out || (pt_len && !pt))
		return -EINVAL;
	if (pt_len > SECMSG_MAX_PLAINTEXT)
		return -EMSGSIZE;
	secmsg_hdr_put(out, &h);

	if (h.alg == SECMSG_ALG_TWOFISH_CBC) {
		iv = out + SECMSG_HDR_LEN;
		if (iv_in)
			memcpy(iv, iv_in, SECMSG_CBC_IV_LEN);
		else if ((err = secmsg_random(iv, SECMSG_CBC_IV_LEN)))
			return err;
		n = secmsg_cipher_seal(&c->cipher, iv, out, SECMSG_HDR_LEN,
				       pt, pt_len, iv + SECMSG_CBC_IV_LEN);
		return n < 0 ? n : n + SECMSG_HDR_LEN + SECMSG_CBC_IV_LEN;
	}
	aead_nonce(c->salt, seq, nonce);
	n = secmsg_cipher_seal(&c->cipher, nonce, out, SECMSG_HDR_LEN, pt,
			       pt_len, out + SECMSG_HDR_LEN);
	explicit_bzero(nonce, sizeof(nonce));
	return n < 0 ? n : n + SECMSG_HDR_LEN;
}

long secmsg_msg_ctx_seal(const struct secmsg_msg_ctx *c, uint64_t session_id,
			 uint64_t seq, const uint8_t *pt, size_t pt_len,
			 uint8_t *out)
{
	return c ? ctx_seal(c, session_id, seq, NULL, pt, pt_len, out) :
		   -EINVAL;
}

long secmsg_msg_seal(const struct secmsg_dir_keys *k, int alg,
		     uint64_t session_id, uint64_t seq, const uint8_t *pt,
		     size_t pt_len, uint8_t *out)
{
	return secmsg_msg_seal_iv(k, alg, session_id, seq, NULL, pt, pt_len,
				  out);
}

/* One message: a context keyed for it on the stack (crypto.h). */
long secmsg_msg_seal_iv(const struct secmsg_dir_keys *k, int alg,
			uint64_t session_id, uint64_t seq, const uint8_t *iv_in,
			const uint8_t *pt, size_t pt_len, uint8_t *out)
{
	struct secmsg_msg_ctx c;
	long n;

	if (!out || (pt_len && !pt))
		return -EINVAL;
	if (ctx_key(&c, k, alg))
		return -EINVAL;
	n = ctx_seal(&c, session_id, seq, iv_in, pt, pt_len, out);
	ctx_wipe(&c);
	return n;
}

/*
 * The header's checks against the epoch, the expected algorithm (0:
 * any) and session id, in the kernel's order; *h gets the header (hdr
 * too, when not NULL) whenever len covers one.
 */
static int check_hdr(uint32_t epoch, int alg, uint64_t session_id,
		     const uint8_t *msg, size_t len, struct secmsg_hdr *hdr,
		     struct secmsg_hdr *h)
{
	int err;

	err = secmsg_hdr_get(msg, len, h);
	if (err == -EINVAL)
		return err;
	if (hdr)
		*hdr = *h;
	if (err)
		return err;
	if (h->session_id != session_id ||
	    h->seq >= SECMSG_MAX_MESSAGES_LIMIT)
		return -EPROTO;
	if (h->epoch < epoch)
		return -EKEYEXPIRED;
	if (h->epoch > epoch)
		return -EKEYREJECTED;
	if (!alg_valid(h->alg) || (alg && h->alg != alg))
		return -EPROTO;
	return 0;
}

/* The body of a message whose header h passed check_hdr() for c. */
static long open_body(const struct secmsg_msg_ctx *c,
		      const struct secmsg_hdr *h, const uint8_t *msg,
		      size_t len, uint8_t *out)
{
	const uint8_t *body = msg + SECMSG_HDR_LEN;
	size_t blen = len - SECMSG_HDR_LEN;
	uint8_t nonce[SECMSG_AEAD_NONCE_LEN];
	long n;

	if (h->alg == SECMSG_ALG_TWOFISH_CBC) {
		if (blen < SECMSG_CBC_IV_LEN)
			return -EINVAL;
		return secmsg_cipher_open(&c->cipher, body, msg,
					  SECMSG_HDR_LEN,
					  body + SECMSG_CBC_IV_LEN,
					  blen - SECMSG_CBC_IV_LEN, out);
	}
	aead_nonce(c->salt, h->seq, nonce);
	n = secmsg_cipher_open(&c->cipher, nonce, msg, SECMSG_HDR_LEN, body,
			       blen, out);
	explicit_bzero(nonce, sizeof(nonce));
	return n;
}

long secmsg_msg_ctx_open(const struct secmsg_msg_ctx *c, uint64_t session_id,
			 const uint8_t *msg, size_t len,
			 struct secmsg_hdr *hdr, uint8_t *out)
{
	struct secmsg_hdr h;
	int err;

	if (!c || !c->cipher.alg || !msg || !out)
		return -EINVAL;
	err = check_hdr(c->epoch, c->cipher.alg, session_id, msg, len, hdr,
			&h);
	return err ? err : open_body(c, &h, msg, len, out);
}

long secmsg_msg_open_alg(const struct secmsg_dir_keys *k, int alg,
			 uint64_t session_id, const uint8_t *msg, size_t len,
			 struct secmsg_hdr *hdr, uint8_t *out)
{
	struct secmsg_msg_ctx c;
	struct secmsg_hdr h;
	long n;

	if (!secmsg_dir_valid(k) || !msg || !out || (alg && !alg_valid(alg)))
		return -EINVAL;
	n = check_hdr(k->epoch, alg, session_id, msg, len, hdr, &h);
	if (n)
		return n;
	/* keyed only now: a refused header costs no key schedule */
	ctx_key(&c, k, h.alg);
	n = open_body(&c, &h, msg, len, out);
	ctx_wipe(&c);
	return n;
}

long secmsg_msg_open(const struct secmsg_dir_keys *k, uint64_t session_id,
		     const uint8_t *msg, size_t len, struct secmsg_hdr *hdr,
		     uint8_t *out)
{
	return secmsg_msg_open_alg(k, 0, session_id, msg, len, hdr, out);
}
