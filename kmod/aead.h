/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cipher engine: transforms of the three algorithms, keyed with a
 * session key (key.c, keyslot.c) or a caller's; seal/open in place in a
 * linear buffer laid out as [associated data | text | tag], or out of
 * place between scatterlists of that layout (from a request's attribute
 * into the reply's).
 */
#ifndef _SECMSG_AEAD_H
#define _SECMSG_AEAD_H

#include <crypto/aead.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <uapi/linux/secmsg.h>

struct secmsg_alg_desc {
	const char *kname;	/* crypto API name */
	const char *uname;	/* name users type */
	unsigned int iv_len;	/* nonce or IV */
	unsigned int tag_len;
	bool cbc;		/* random IV, PKCS#7 padding */
	/*
	 * Keyed on use in a shared transform (keyslot.c), not in one of its
	 * key's own: its key setup (ChaCha20's: a copy of the key) costs
	 * less than a transform of its own that has gone cold (the
	 * ChaCha20-Poly1305 template's: three allocations).  AES-GCM's (the
	 * AES key expansion and the GHASH key, the latter in C) costs more
	 * than a cold transform in the guest (docs/performance.md), and
	 * Twofish's (its key-dependent S-boxes) more still: their keys keep
	 * their own.
	 */
	bool shared;
};

const struct secmsg_alg_desc *secmsg_alg(u32 alg);

/* Find the algorithms' synchronous SIMD transforms (aead.c).  Sleeps. */
void secmsg_aead_init(void);

/* Scatterlist entries for a message's bytes: one per page, and two more. */
#define SECMSG_SG_MAX	(DIV_ROUND_UP(SECMSG_MAX_PLAINTEXT + \
				      SECMSG_MAX_OVERHEAD, PAGE_SIZE) + 3)

/*
 * Per-request scratch, allocated once per netlink request and reused for
 * every operation in it: the aead_request (grown on demand), its
 * scatterlists and IV, and where an out-of-place open puts the
 * associated data it does not need (header and IV: public).
 */
struct secmsg_req {
	struct aead_request *req;
	unsigned int req_size;
	struct scatterlist sg;
	struct scatterlist src[SECMSG_SG_MAX];
	struct scatterlist dst[SECMSG_SG_MAX];
	u8 iv[SECMSG_CBC_IV_LEN];
	u8 ad[SECMSG_HDR_LEN + SECMSG_CBC_IV_LEN];
};

struct secmsg_req *secmsg_req_alloc(void);
void secmsg_req_free(struct secmsg_req *r);
/*
 * Grow r for tfm now (-ENOMEM), so that a seal or open with tfm through r
 * cannot fail for memory later: before anything is spent on it.
 */
int secmsg_req_prepare(struct secmsg_req *r, struct crypto_aead *tfm);

/*
 * A transform of alg, its tag length set and no key yet: the algorithm's
 * synchronous SIMD implementation when it has one behind an asynchronous
 * wrapper (which needs the FPU: used in process context only, as every
 * seal and open here is), else what the crypto API resolves its name to.
 */
struct crypto_aead *secmsg_aead_alloc(u32 alg);
/*
 * Key tfm (of alg) with key; sleeps.  For the shared algorithm (the
 * ChaCha20-Poly1305 template: a copy of the key into its ChaCha20
 * transform) it allocates nothing, so it cannot fail.
 */
int secmsg_aead_setkey(struct crypto_aead *tfm, u32 alg,
		       const u8 key[SECMSG_KEY_LEN]);
/* secmsg_aead_alloc() keyed with key. */
struct crypto_aead *secmsg_aead_new(u32 alg, const u8 key[SECMSG_KEY_LEN]);
void secmsg_aead_free(struct crypto_aead *tfm);

/* Seal buf[assoc_len, assoc_len + text_len) in place, tag appended. */
int secmsg_aead_seal(struct secmsg_req *r, struct crypto_aead *tfm, u8 *buf,
		     unsigned int assoc_len, unsigned int text_len);
/* Open buf[assoc_len, assoc_len + text_len) (tag included) in place. */
int secmsg_aead_open(struct secmsg_req *r, struct crypto_aead *tfm, u8 *buf,
		     unsigned int assoc_len, unsigned int text_len);

/*
 * Out of place: read assoc_len bytes of associated data and text_len of
 * text (tag included when opening) from src, write the result (tag
 * appended when sealing) to dst, which has the same layout: its
 * associated data part may be written too (authenc copies it).
 */
int secmsg_aead_crypt_sg(struct secmsg_req *r, struct crypto_aead *tfm,
			 struct scatterlist *src, struct scatterlist *dst,
			 unsigned int assoc_len, unsigned int text_len,
			 bool enc);
/*
 * Fill sg[0, nents) for len bytes at p: one entry for linear memory, one
 * per page for vmalloc'ed (a large netlink request's data may be).
 * Return the entries used, or -EINVAL when nents is too few.  The end
 * is not marked.
 */
int secmsg_sg_set_mem(struct scatterlist *sg, unsigned int nents,
		      const void *p, unsigned int len);

/*
 * The entries secmsg_sg_set_mem() fills for len bytes at p, so that a
 * list is initialized (sg_init_table()) only as far as it is used.
 */
static inline unsigned int secmsg_sg_nents(const void *p, unsigned int len)
{
	if (!is_vmalloc_addr(p))
		return 1;
	return DIV_ROUND_UP(offset_in_page(p) + len, PAGE_SIZE);
}

/* PKCS#7 for the CBC algorithm. */
static inline unsigned int secmsg_cbc_padded(unsigned int len)
{
	return (len / SECMSG_CBC_BLOCK_LEN + 1) * SECMSG_CBC_BLOCK_LEN;
}

void secmsg_cbc_pad(u8 *text, unsigned int len);
/* Return the unpadded length, or -EINVAL. */
int secmsg_cbc_unpad(const u8 *text, unsigned int padded_len);

/* Body length of a plaintext of len bytes, IV included. */
static inline unsigned int secmsg_body_len(const struct secmsg_alg_desc *a,
					   unsigned int len)
{
	if (a->cbc)
		return a->iv_len + secmsg_cbc_padded(len) + a->tag_len;
	return len + a->tag_len;
}

#endif
