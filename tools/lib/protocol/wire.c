// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Sealed messages: the 24-byte header and seal/open of whole messages
 * (see <linux/secmsg.h>).  The header is the AAD; the AEAD nonce is
 * salt XOR (4 zero bytes || seq as 8 bytes big endian); twofish_cbc
 * messages carry a random IV after the header.  Seal takes any seq (so
 * that tests can build what the kernel must refuse); open refuses
 * seq >= 2^48 like the kernel.
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
#include <string.h>

#include "crypto.h"
#include "keys.h"
#include "secmsg/wire.h"

static void put_be32(uint8_t *p, uint32_t v)
{
	int i;

	for (i = 3; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t get_be(const uint8_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

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
	h->epoch = (uint32_t)get_be(in + 4, 4);
	h->session_id = get_be(in + 8, 8);
	h->seq = get_be(in + 16, 8);
	if (in[0] != SECMSG_WIRE_VERSION || in[2] || in[3])
		return -EPROTO;
	return 0;
}

/* nonce = salt XOR (0^4 || be64(seq)) */
static void aead_nonce(const struct secmsg_dir_keys *k, uint64_t seq,
		       uint8_t nonce[SECMSG_AEAD_NONCE_LEN])
{
	int i;

	memset(nonce, 0, 4);
	put_be64(nonce + 4, seq);
	for (i = 0; i < SECMSG_AEAD_NONCE_LEN; i++)
		nonce[i] ^= k->salt[i];
}

long secmsg_msg_seal(const struct secmsg_dir_keys *k, int alg,
		     uint64_t session_id, uint64_t seq, const uint8_t *pt,
		     size_t pt_len, uint8_t *out)
{
	return secmsg_msg_seal_iv(k, alg, session_id, seq, NULL, pt, pt_len,
				  out);
}

/* iv: twofish_cbc's IV, NULL for a random one (crypto.h). */
long secmsg_msg_seal_iv(const struct secmsg_dir_keys *k, int alg,
			uint64_t session_id, uint64_t seq, const uint8_t *iv_in,
			const uint8_t *pt, size_t pt_len, uint8_t *out)
{
	struct secmsg_hdr h = {
		.version = SECMSG_WIRE_VERSION,
		.alg = (uint8_t)alg,
		.session_id = session_id,
		.seq = seq,
	};
	uint8_t nonce[SECMSG_AEAD_NONCE_LEN];
	uint8_t *iv;
	long n;
	int err;

	if (!secmsg_dir_valid(k) || !alg_valid(alg) || !out ||
	    (pt_len && !pt))
		return -EINVAL;
	if (pt_len > SECMSG_MAX_PLAINTEXT)
		return -EMSGSIZE;
	h.epoch = k->epoch;
	secmsg_hdr_put(out, &h);

	if (alg == SECMSG_ALG_TWOFISH_CBC) {
		iv = out + SECMSG_HDR_LEN;
		if (iv_in)
			memcpy(iv, iv_in, SECMSG_CBC_IV_LEN);
		else if ((err = secmsg_random(iv, SECMSG_CBC_IV_LEN)))
			return err;
		n = secmsg_crypt_seal(alg, k->key, iv, SECMSG_CBC_IV_LEN,
				      out, SECMSG_HDR_LEN, pt, pt_len,
				      iv + SECMSG_CBC_IV_LEN);
		return n < 0 ? n : n + SECMSG_HDR_LEN + SECMSG_CBC_IV_LEN;
	}
	aead_nonce(k, seq, nonce);
	n = secmsg_crypt_seal(alg, k->key, nonce, sizeof(nonce), out,
			      SECMSG_HDR_LEN, pt, pt_len, out + SECMSG_HDR_LEN);
	explicit_bzero(nonce, sizeof(nonce));
	return n < 0 ? n : n + SECMSG_HDR_LEN;
}

/*
 * Header checks against k, the expected algorithm and session id, in
 * the kernel's order.
 */
static int check_hdr(const struct secmsg_dir_keys *k, int alg,
		     uint64_t session_id, const struct secmsg_hdr *h)
{
	if (h->session_id != session_id ||
	    h->seq >= SECMSG_MAX_MESSAGES_LIMIT)
		return -EPROTO;
	if (h->epoch < k->epoch)
		return -EKEYEXPIRED;
	if (h->epoch > k->epoch)
		return -EKEYREJECTED;
	if (!alg_valid(h->alg) || (alg && h->alg != alg))
		return -EPROTO;
	return 0;
}

long secmsg_msg_open_alg(const struct secmsg_dir_keys *k, int alg,
			 uint64_t session_id, const uint8_t *msg, size_t len,
			 struct secmsg_hdr *hdr, uint8_t *out)
{
	const uint8_t *body;
	uint8_t nonce[SECMSG_AEAD_NONCE_LEN];
	struct secmsg_hdr h;
	size_t blen;
	long n;
	int err;

	if (!secmsg_dir_valid(k) || !msg || !out || (alg && !alg_valid(alg)))
		return -EINVAL;
	err = secmsg_hdr_get(msg, len, &h);
	if (err == -EINVAL)
		return err;
	if (hdr)
		*hdr = h;
	if (err)
		return err;
	err = check_hdr(k, alg, session_id, &h);
	if (err)
		return err;

	body = msg + SECMSG_HDR_LEN;
	blen = len - SECMSG_HDR_LEN;
	if (h.alg == SECMSG_ALG_TWOFISH_CBC) {
		if (blen < SECMSG_CBC_IV_LEN)
			return -EINVAL;
		return secmsg_crypt_open(h.alg, k->key, body,
					 SECMSG_CBC_IV_LEN, msg,
					 SECMSG_HDR_LEN,
					 body + SECMSG_CBC_IV_LEN,
					 blen - SECMSG_CBC_IV_LEN, out);
	}
	aead_nonce(k, h.seq, nonce);
	n = secmsg_crypt_open(h.alg, k->key, nonce, sizeof(nonce), msg,
			      SECMSG_HDR_LEN, body, blen, out);
	explicit_bzero(nonce, sizeof(nonce));
	return n;
}

long secmsg_msg_open(const struct secmsg_dir_keys *k, uint64_t session_id,
		     const uint8_t *msg, size_t len, struct secmsg_hdr *hdr,
		     uint8_t *out)
{
	return secmsg_msg_open_alg(k, 0, session_id, msg, len, hdr, out);
}
