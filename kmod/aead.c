// SPDX-License-Identifier: GPL-2.0
/*
 * AES-256-GCM, ChaCha20-Poly1305 and Twofish-256-CBC + HMAC-SHA256
 * (encrypt-then-MAC through authenc) behind one in-place interface.
 */
#include <crypto/authenc.h>
#include <crypto/internal/simd.h>
#include <linux/crypto.h>
#include <linux/mm.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <asm/simd.h>

#include "aead.h"
#include "hkdf.h"

static const struct secmsg_alg_desc algs[] = {
	[SECMSG_ALG_AES_256_GCM] = {
		.kname = "gcm(aes)", .uname = "aes_256_gcm",
		.iv_len = SECMSG_AEAD_NONCE_LEN, .tag_len = SECMSG_AEAD_TAG_LEN,
	},
	[SECMSG_ALG_CHACHA20_POLY1305] = {
		.kname = "rfc7539(chacha20,poly1305)",
		.uname = "chacha20_poly1305",
		.iv_len = SECMSG_AEAD_NONCE_LEN, .tag_len = SECMSG_AEAD_TAG_LEN,
		.shared = true,
	},
	[SECMSG_ALG_TWOFISH_CBC] = {
		.kname = "authenc(hmac(sha256),cbc(twofish))",
		.uname = "twofish_cbc",
		.iv_len = SECMSG_CBC_IV_LEN, .tag_len = SECMSG_HMAC_TAG_LEN,
		.cbc = true,
	},
};

const struct secmsg_alg_desc *secmsg_alg(u32 alg)
{
	if (alg == SECMSG_ALG_UNSPEC || alg > SECMSG_ALG_MAX)
		return NULL;
	return &algs[alg];
}

/*
 * The synchronous transform behind an asynchronous SIMD driver, by
 * algorithm: "" when there is none.  Written once at module load (a
 * driver module loaded later is not seen: its wrapper serves, as
 * before).
 *
 * An architecture's SIMD AEAD (aesni_intel's AES-GCM on x86) is
 * registered twice (crypto/simd.c): the implementation itself as the
 * internal algorithm "__<driver>", and for users the asynchronous
 * "<driver>", whose transform holds a cryptd transform, which holds one
 * of the internal algorithm.  Where the FPU is usable (process context)
 * the wrapper hands each request straight to that innermost transform;
 * elsewhere it queues it to cryptd.  Every seal and open here runs in
 * process context (they sleep: secmsg_aead_crypt_sg), so they can call
 * the internal transform themselves: the same code on the same bytes,
 * one allocation instead of three, and with a million sessions each
 * used at random that is two cold pages fewer per message.
 */
static char sync_driver[SECMSG_ALG_MAX + 1][CRYPTO_MAX_ALG_NAME];

static bool aead_async(struct crypto_aead *tfm)
{
	return crypto_aead_alg(tfm)->base.cra_flags & CRYPTO_ALG_ASYNC;
}

static struct crypto_aead *sync_alloc(const char *driver)
{
	return crypto_alloc_aead(driver, CRYPTO_ALG_INTERNAL,
				 CRYPTO_ALG_INTERNAL | CRYPTO_ALG_ASYNC);
}

static void find_sync_driver(u32 alg)
{
	const char *kname = algs[alg].kname;
	struct crypto_aead *tfm, *inner;
	char name[CRYPTO_MAX_ALG_NAME];
	const char *drv, *iname;

	tfm = crypto_alloc_aead(kname, 0, 0);
	if (IS_ERR(tfm))
		return;
	drv = crypto_aead_driver_name(tfm);
	/*
	 * Only a driver's own wrapper has an internal twin; a template's
	 * instance (a name with parentheses) does not: not looked up, so
	 * that loading asks for no module that cannot exist.
	 */
	if (aead_async(tfm) && !strchr(drv, '(') &&
	    snprintf(name, sizeof(name), "__%s", drv) < sizeof(name)) {
		inner = sync_alloc(name);
		if (!IS_ERR(inner)) {
			iname = crypto_tfm_alg_name(crypto_aead_tfm(inner));
			/* the same algorithm, named as crypto/simd.c names it */
			if (!strncmp(iname, "__", 2) && !strcmp(iname + 2, kname))
				strscpy(sync_driver[alg], name,
					sizeof(sync_driver[alg]));
			crypto_free_aead(inner);
		}
	}
	crypto_free_aead(tfm);
}

void secmsg_aead_init(void)
{
	u32 alg;

	for (alg = SECMSG_ALG_UNSPEC + 1; alg <= SECMSG_ALG_MAX; alg++) {
		find_sync_driver(alg);
		if (sync_driver[alg][0])
			pr_info("secmsg: %s: %s, called directly\n",
				algs[alg].uname, sync_driver[alg]);
	}
}

/*
 * Not zeroed: every scatterlist is initialized where it is used, iv and
 * ad are written before they are read.  Only the aead_request (the
 * cipher's per-request state) can hold key material: it is freed
 * sensitive; the rest (scatterlists, the nonce, the header) is public.
 */
struct secmsg_req *secmsg_req_alloc(void)
{
	struct secmsg_req *r = kmalloc(sizeof(*r), GFP_KERNEL);

	if (r) {
		r->req = NULL;
		r->req_size = 0;
	}
	return r;
}

void secmsg_req_free(struct secmsg_req *r)
{
	if (!r)
		return;
	kfree_sensitive(r->req);
	kfree(r);
}

/* The authenc key blob: rtattr(param) || mac key || enc key. */
static int twofish_setkey(struct crypto_aead *tfm, const u8 *key)
{
	struct {
		struct rtattr rta;
		struct crypto_authenc_key_param param;
		u8 mac[SECMSG_KEY_LEN];
		u8 enc[SECMSG_KEY_LEN];
	} __packed *blob;
	int err;

	blob = kzalloc(sizeof(*blob), GFP_KERNEL);
	if (!blob)
		return -ENOMEM;
	blob->rta.rta_len = RTA_LENGTH(sizeof(blob->param));
	blob->rta.rta_type = CRYPTO_AUTHENC_KEYA_PARAM;
	blob->param.enckeylen = cpu_to_be32(SECMSG_KEY_LEN);
	err = secmsg_hkdf(key, SECMSG_KEY_LEN, "secmsg v1 twofish-cbc enc",
			  blob->enc, SECMSG_KEY_LEN) ?:
	      secmsg_hkdf(key, SECMSG_KEY_LEN, "secmsg v1 hmac-sha256 mac",
			  blob->mac, SECMSG_KEY_LEN) ?:
	      crypto_aead_setkey(tfm, (u8 *)blob, sizeof(*blob));
	kfree_sensitive(blob);
	return err;
}

struct crypto_aead *secmsg_aead_alloc(u32 alg)
{
	const struct secmsg_alg_desc *a = secmsg_alg(alg);
	struct crypto_aead *tfm;
	int err;

	if (!a)
		return ERR_PTR(-EINVAL);
	/* the wrapper when the internal one is gone (its module unloaded) */
	tfm = ERR_PTR(-ENOENT);
	if (sync_driver[alg][0])
		tfm = sync_alloc(sync_driver[alg]);
	if (IS_ERR(tfm))
		tfm = crypto_alloc_aead(a->kname, 0, 0);
	if (IS_ERR(tfm))
		return tfm;
	err = crypto_aead_setauthsize(tfm, a->tag_len);
	if (err) {
		crypto_free_aead(tfm);
		return ERR_PTR(err);
	}
	return tfm;
}

int secmsg_aead_setkey(struct crypto_aead *tfm, u32 alg,
		       const u8 key[SECMSG_KEY_LEN])
{
	const struct secmsg_alg_desc *a = secmsg_alg(alg);

	if (!a)
		return -EINVAL;
	if (a->cbc)
		return twofish_setkey(tfm, key);
	return crypto_aead_setkey(tfm, key, SECMSG_KEY_LEN);
}

struct crypto_aead *secmsg_aead_new(u32 alg, const u8 key[SECMSG_KEY_LEN])
{
	struct crypto_aead *tfm = secmsg_aead_alloc(alg);
	int err;

	if (IS_ERR(tfm))
		return tfm;
	err = secmsg_aead_setkey(tfm, alg, key);
	if (err) {
		crypto_free_aead(tfm);
		return ERR_PTR(err);
	}
	return tfm;
}

void secmsg_aead_free(struct crypto_aead *tfm)
{
	/* crypto_destroy_tfm() frees the keyed context with kfree_sensitive */
	if (!IS_ERR_OR_NULL(tfm))
		crypto_free_aead(tfm);
}

static struct aead_request *req_get(struct secmsg_req *r,
				    struct crypto_aead *tfm)
{
	unsigned int size = sizeof(struct aead_request) +
			    crypto_aead_reqsize(tfm);

	if (size > r->req_size) {
		kfree_sensitive(r->req);
		r->req = kmalloc(size, GFP_KERNEL);
		r->req_size = r->req ? size : 0;
		if (!r->req)
			return NULL;
	}
	aead_request_set_tfm(r->req, tfm);
	return r->req;
}

int secmsg_req_prepare(struct secmsg_req *r, struct crypto_aead *tfm)
{
	return req_get(r, tfm) ? 0 : -ENOMEM;
}

int secmsg_aead_crypt_sg(struct secmsg_req *r, struct crypto_aead *tfm,
			 struct scatterlist *src, struct scatterlist *dst,
			 unsigned int assoc_len, unsigned int text_len,
			 bool enc)
{
	struct aead_request *req;
	DECLARE_CRYPTO_WAIT(wait);
	int err;

	/*
	 * Process context only (this may sleep), where the FPU is usable:
	 * what a transform of an internal SIMD algorithm (sync_driver)
	 * needs.  Never false here; checked so that a caller in the wrong
	 * context fails instead of corrupting FPU state.
	 */
	might_sleep();
	if (WARN_ON_ONCE(!crypto_simd_usable()))
		return -EBUSY;
	req = req_get(r, tfm);
	if (!req)
		return -ENOMEM;
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_SLEEP |
				  CRYPTO_TFM_REQ_MAY_BACKLOG,
				  crypto_req_done, &wait);
	aead_request_set_ad(req, assoc_len);
	aead_request_set_crypt(req, src, dst, text_len, r->iv);
	err = enc ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
	return crypto_wait_req(err, &wait);
}

static int crypt(struct secmsg_req *r, struct crypto_aead *tfm, u8 *buf,
		 unsigned int assoc_len, unsigned int text_len, bool enc)
{
	unsigned int total = assoc_len + text_len;

	if (enc)
		total += crypto_aead_authsize(tfm);
	sg_init_one(&r->sg, buf, total);
	return secmsg_aead_crypt_sg(r, tfm, &r->sg, &r->sg, assoc_len,
				    text_len, enc);
}

int secmsg_sg_set_mem(struct scatterlist *sg, unsigned int nents,
		      const void *p, unsigned int len)
{
	unsigned int n = 0, chunk;
	const u8 *b = p;

	if (!is_vmalloc_addr(p)) {
		if (!nents)
			return -EINVAL;
		sg_set_buf(sg, p, len);
		return 1;
	}
	while (len) {
		chunk = min_t(unsigned int, len, PAGE_SIZE - offset_in_page(b));
		if (n == nents)
			return -EINVAL;
		sg_set_page(&sg[n++], vmalloc_to_page(b), chunk,
			    offset_in_page(b));
		b += chunk;
		len -= chunk;
	}
	return n;
}

int secmsg_aead_seal(struct secmsg_req *r, struct crypto_aead *tfm, u8 *buf,
		     unsigned int assoc_len, unsigned int text_len)
{
	return crypt(r, tfm, buf, assoc_len, text_len, true);
}

int secmsg_aead_open(struct secmsg_req *r, struct crypto_aead *tfm, u8 *buf,
		     unsigned int assoc_len, unsigned int text_len)
{
	if (text_len < crypto_aead_authsize(tfm))
		return -EINVAL;
	return crypt(r, tfm, buf, assoc_len, text_len, false);
}

void secmsg_cbc_pad(u8 *text, unsigned int len)
{
	unsigned int pad = secmsg_cbc_padded(len) - len;

	memset(text + len, pad, pad);
}

int secmsg_cbc_unpad(const u8 *text, unsigned int padded_len)
{
	unsigned int pad, i;
	u8 bad = 0;

	if (!padded_len || padded_len % SECMSG_CBC_BLOCK_LEN)
		return -EINVAL;
	pad = text[padded_len - 1];
	if (pad == 0 || pad > SECMSG_CBC_BLOCK_LEN)
		return -EINVAL;
	/* The MAC has already been verified: no padding oracle here. */
	for (i = 0; i < pad; i++)
		bad |= text[padded_len - 1 - i] ^ pad;
	return bad ? -EINVAL : padded_len - pad;
}
