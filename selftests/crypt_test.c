// SPDX-License-Identifier: GPL-2.0
/*
 * SECMSG_CMD_CRYPT: Wycheproof AES-GCM and ChaCha20-Poly1305 vectors,
 * twofish_cbc against the nettle implementation and bad padding, the
 * three algorithms against AF_ALG (libkcapi), random nonces, and every
 * kind of rejected request with its extack message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include <kcapi.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <nettle/cbc.h>
#include <nettle/hmac.h>
#include <nettle/twofish.h>
#include "kselftest_harness.h"
#include "common.h"
#include "rawnl.h"

FIXTURE(crypt) {
	struct secmsg_nl *nl;
	struct rawnl raw;
	uint8_t *out, *out2;
};

FIXTURE_SETUP(crypt)
{
	self->nl = nl_open_or_null();
	ASSERT_NE(NULL, self->nl);
	ASSERT_EQ(0, rawnl_open(&self->raw));
	self->out = malloc(MSG_BUF_LEN);
	self->out2 = malloc(MSG_BUF_LEN);
	ASSERT_NE(NULL, self->out);
	ASSERT_NE(NULL, self->out2);
}

FIXTURE_TEARDOWN(crypt)
{
	if (self->nl)
		secmsg_nl_close(self->nl);
	rawnl_close(&self->raw);
	free(self->out);
	free(self->out2);
}

/* kernel one-shot through libsecmsg; returns out length or -errno */
static long kcrypt(struct secmsg_nl *nl, int op, int alg, const uint8_t *key,
		   const uint8_t *nonce, size_t nonce_len, const uint8_t *aad,
		   size_t aad_len, const uint8_t *in, size_t in_len,
		   uint8_t *out)
{
	struct secmsg_crypt_req r = {
		.op = op, .alg = alg, .key = key, .nonce = nonce,
		.nonce_len = nonce_len, .aad = aad, .aad_len = aad_len,
		.data = in, .data_len = in_len,
	};
	uint8_t nout[16];
	size_t nout_len = sizeof(nout), out_len = MSG_BUF_LEN;
	int err = secmsg_crypt(nl, &r, nout, &nout_len, out, &out_len);

	if (err)
		return err;
	if (nonce && (nout_len != nonce_len || memcmp(nout, nonce, nonce_len)))
		return -EILSEQ;		/* reply nonce is not ours */
	return out_len;
}

/* ---------------------------------------------------------------- */
/* Wycheproof */

struct wp_totals {
	int run, failed, skipped_groups, skipped_tests;
};

static uint8_t *jhex(cJSON *t, const char *name, size_t *len)
{
	cJSON *s = cJSON_GetObjectItemCaseSensitive(t, name);
	uint8_t *b = NULL;

	if (!cJSON_IsString(s) || hex_decode(s->valuestring, &b, len))
		return NULL;
	return b;
}

static bool wp_one(struct __test_metadata *_metadata, struct secmsg_nl *nl,
		   int alg, cJSON *t, uint8_t *out, uint8_t *out2)
{
	size_t klen, nlen, alen, mlen, clen, tlen;
	uint8_t *key = jhex(t, "key", &klen), *iv = jhex(t, "iv", &nlen);
	uint8_t *aad = jhex(t, "aad", &alen), *msg = jhex(t, "msg", &mlen);
	uint8_t *ct = jhex(t, "ct", &clen), *tag = jhex(t, "tag", &tlen);
	const char *result = cJSON_GetObjectItem(t, "result")->valuestring;
	int id = cJSON_GetObjectItem(t, "tcId")->valueint;
	bool valid = !strcmp(result, "valid"), ok = true;
	uint8_t *cttag = malloc(clen + tlen + 1);
	long n;

	ASSERT_TRUE(key && iv && aad && msg && ct && tag && cttag);
	memcpy(cttag, ct, clen);
	memcpy(cttag + clen, tag, tlen);
	if (valid) {
		n = kcrypt(nl, SECMSG_CRYPT_ENCRYPT, alg, key, iv, nlen, aad,
			   alen, msg, mlen, out);
		if (n != (long)(clen + tlen) || memcmp(out, cttag, n)) {
			TH_LOG("tcId %d: encrypt %ld (%s), want %zu exact bytes",
			       id, n, errname(n < 0 ? n : 0), clen + tlen);
			ok = false;
		}
		/* the nettle reference must agree too */
		n = secmsg_crypt_seal(alg, key, iv, nlen, aad, alen, msg, mlen,
				      out2);
		if (n != (long)(clen + tlen) || memcmp(out2, cttag, n)) {
			TH_LOG("tcId %d: libsecmsg seal disagrees (%ld)", id, n);
			ok = false;
		}
		n = kcrypt(nl, SECMSG_CRYPT_DECRYPT, alg, key, iv, nlen, aad,
			   alen, cttag, clen + tlen, out);
		if (n != (long)mlen || memcmp(out, msg, mlen)) {
			TH_LOG("tcId %d: decrypt %ld (%s)", id, n,
			       errname(n < 0 ? n : 0));
			ok = false;
		}
	} else if (nlen != SECMSG_AEAD_NONCE_LEN) {
		n = kcrypt(nl, SECMSG_CRYPT_ENCRYPT, alg, key, iv, nlen, aad,
			   alen, msg, mlen, out);
		if (n != -EINVAL && n != -ERANGE) {
			TH_LOG("tcId %d: encrypt with %zu-byte nonce: %ld (%s)",
			       id, nlen, n, errname(n < 0 ? n : 0));
			ok = false;
		}
		n = kcrypt(nl, SECMSG_CRYPT_DECRYPT, alg, key, iv, nlen, aad,
			   alen, cttag, clen + tlen, out);
		if (n != -EINVAL && n != -ERANGE) {
			TH_LOG("tcId %d: decrypt with %zu-byte nonce: %ld (%s)",
			       id, nlen, n, errname(n < 0 ? n : 0));
			ok = false;
		}
	} else {
		n = kcrypt(nl, SECMSG_CRYPT_DECRYPT, alg, key, iv, nlen, aad,
			   alen, cttag, clen + tlen, out);
		if (n != -EBADMSG) {
			TH_LOG("tcId %d: invalid vector opened: %ld (%s)", id,
			       n, errname(n < 0 ? n : 0));
			ok = false;
		}
	}
	free(key), free(iv), free(aad), free(msg), free(ct), free(tag);
	free(cttag);
	return ok;
}

static void wycheproof(struct __test_metadata *_metadata,
		       struct secmsg_nl *nl, const char *file, int alg,
		       bool only_96_256_128, uint8_t *out, uint8_t *out2)
{
	struct wp_totals tot = { 0 };
	char path[4096];
	cJSON *root, *groups, *g;

	snprintf(path, sizeof(path), "%s/%s", vectors_dir(), file);
	root = json_load(path);
	if (!root)
		TH_LOG("cannot read %s (set SECMSG_VECTORS)", path);
	ASSERT_NE(NULL, root);
	groups = cJSON_GetObjectItem(root, "testGroups");
	ASSERT_TRUE(cJSON_IsArray(groups));
	cJSON_ArrayForEach(g, groups) {
		int iv = cJSON_GetObjectItem(g, "ivSize")->valueint;
		int ks = cJSON_GetObjectItem(g, "keySize")->valueint;
		int ts = cJSON_GetObjectItem(g, "tagSize")->valueint;
		cJSON *tests = cJSON_GetObjectItem(g, "tests"), *t;

		if (only_96_256_128 && (iv != 96 || ks != 256 || ts != 128)) {
			tot.skipped_groups++;
			tot.skipped_tests += cJSON_GetArraySize(tests);
			continue;
		}
		cJSON_ArrayForEach(t, tests) {
			tot.run++;
			if (!wp_one(_metadata, nl, alg, t, out, out2))
				tot.failed++;
		}
	}
	cJSON_Delete(root);
	DIAG("%s: %d vectors run, %d failed; skipped %d vectors in %d groups (not ivSize 96, keySize 256, tagSize 128)",
		       file, tot.run, tot.failed, tot.skipped_tests,
		       tot.skipped_groups);
	ASSERT_GT(tot.run, 0);
	EXPECT_EQ(0, tot.failed);
}

TEST_F(crypt, wycheproof_aes_gcm)
{
	wycheproof(_metadata, self->nl, "aes_gcm_test.json",
		   SECMSG_ALG_AES_256_GCM, true, self->out, self->out2);
}

TEST_F(crypt, wycheproof_chacha20_poly1305)
{
	wycheproof(_metadata, self->nl, "chacha20_poly1305_test.json",
		   SECMSG_ALG_CHACHA20_POLY1305, false, self->out, self->out2);
}

/* ---------------------------------------------------------------- */
/* Cross-checks against libsecmsg (nettle) for every algorithm */

static const size_t xsizes[] = { 0, 1, 15, 16, 17, 31, 32, 33, 1000,
				 SECMSG_MAX_PLAINTEXT };

static size_t nonce_len_of(int alg)
{
	return alg == SECMSG_ALG_TWOFISH_CBC ? SECMSG_CBC_IV_LEN :
					       SECMSG_AEAD_NONCE_LEN;
}

TEST_F(crypt, nettle_cross_check)
{
	uint8_t key[32], nonce[16], aad[SECMSG_MAX_AAD];
	uint8_t *pt = malloc(SECMSG_MAX_PLAINTEXT);
	size_t a, i, alen;

	ASSERT_NE(NULL, pt);
	for (a = 0; a < N_ALGS; a++) {
		int alg = test_algs[a];
		size_t nl_ = nonce_len_of(alg);

		for (i = 0; i < ARRAY_SIZE(xsizes); i++) {
			size_t len = xsizes[i];
			long k, u;

			rand_bytes(key, sizeof(key));
			rand_bytes(nonce, sizeof(nonce));
			alen = (i * 97) % (SECMSG_MAX_AAD + 1);
			if (i == 1)
				alen = SECMSG_MAX_AAD;
			rand_bytes(aad, alen);
			fill_pattern(pt, len, i + 1);
			k = kcrypt(self->nl, SECMSG_CRYPT_ENCRYPT, alg, key,
				   nonce, nl_, aad, alen, pt, len, self->out);
			u = secmsg_crypt_seal(alg, key, nonce, nl_, aad, alen,
					      pt, len, self->out2);
			TH_LOG("%s len %zu aad %zu: kernel %ld, nettle %ld",
			       secmsg_alg_name(alg), len, alen, k, u);
			ASSERT_GT(u, 0);
			ASSERT_EQ(u, k);
			ASSERT_EQ(0, memcmp(self->out, self->out2, u));
			/* kernel opens nettle's output, nettle opens kernel's */
			k = kcrypt(self->nl, SECMSG_CRYPT_DECRYPT, alg, key,
				   nonce, nl_, aad, alen, self->out2, u,
				   self->out);
			ASSERT_EQ((long)len, k);
			ASSERT_EQ(0, memcmp(self->out, pt, len));
			u = secmsg_crypt_open(alg, key, nonce, nl_, aad, alen,
					      self->out2, u, self->out);
			ASSERT_EQ((long)len, u);
		}
	}
	free(pt);
}

/* Twofish with a valid MAC over a bad PKCS#7 pad: EINVAL, not EBADMSG. */
TEST_F(crypt, twofish_bad_padding)
{
	static const uint8_t last[] = { 0, 17, 0xff, 5 };
	uint8_t key[32], enc[32], mac[32], iv[16], aad[20], blk[32], ct[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(last); i++) {
		struct twofish_ctx tf;
		struct hmac_sha256_ctx h;
		uint8_t ivc[16];
		long n;

		rand_bytes(key, sizeof(key));
		rand_bytes(iv, sizeof(iv));
		rand_bytes(aad, sizeof(aad));
		rand_bytes(blk, sizeof(blk));
		blk[31] = last[i];
		if (last[i] == 5)	/* right length byte, wrong pad bytes */
			blk[30] = 4;
		secmsg_twofish_subkeys(key, enc, mac);
		twofish_set_key(&tf, 32, enc);
		memcpy(ivc, iv, 16);
		cbc_encrypt(&tf, (nettle_cipher_func *)twofish_encrypt, 16,
			    ivc, 32, ct, blk);
		hmac_sha256_set_key(&h, 32, mac);
		hmac_sha256_update(&h, sizeof(aad), aad);
		hmac_sha256_update(&h, 16, iv);
		hmac_sha256_update(&h, 32, ct);
		hmac_sha256_digest(&h, 32, ct + 32);
		n = kcrypt(self->nl, SECMSG_CRYPT_DECRYPT,
			   SECMSG_ALG_TWOFISH_CBC, key, iv, 16, aad,
			   sizeof(aad), ct, 64, self->out);
		TH_LOG("pad byte 0x%02x: %ld (%s)", last[i], n, errname(n));
		EXPECT_EQ(-EINVAL, n);
		/* flip the tag: EBADMSG, MAC is checked first */
		ct[63] ^= 1;
		n = kcrypt(self->nl, SECMSG_CRYPT_DECRYPT,
			   SECMSG_ALG_TWOFISH_CBC, key, iv, 16, aad,
			   sizeof(aad), ct, 64, self->out);
		EXPECT_EQ(-EBADMSG, n);
	}
}

/* Every byte of ct||tag flipped is rejected with EBADMSG (AEADs, Twofish) */
TEST_F(crypt, tamper_rejected)
{
	uint8_t key[32], nonce[16], aad[8], pt[40];
	size_t a;

	for (a = 0; a < N_ALGS; a++) {
		int alg = test_algs[a];
		size_t nl_ = nonce_len_of(alg), i;
		long n;

		rand_bytes(key, 32);
		rand_bytes(nonce, 16);
		rand_bytes(aad, sizeof(aad));
		rand_bytes(pt, sizeof(pt));
		n = kcrypt(self->nl, SECMSG_CRYPT_ENCRYPT, alg, key, nonce,
			   nl_, aad, sizeof(aad), pt, sizeof(pt), self->out2);
		ASSERT_GT(n, (long)sizeof(pt));
		for (i = 0; i < (size_t)n; i++) {
			long m;

			self->out2[i] ^= 0x80;
			m = kcrypt(self->nl, SECMSG_CRYPT_DECRYPT, alg, key,
				   nonce, nl_, aad, sizeof(aad), self->out2, n,
				   self->out);
			self->out2[i] ^= 0x80;
			if (m != -EBADMSG)
				TH_LOG("%s byte %zu: %ld (%s)",
				       secmsg_alg_name(alg), i, m, errname(m));
			ASSERT_EQ(-EBADMSG, m);
		}
		aad[0] ^= 1;	/* AAD is authenticated */
		EXPECT_EQ(-EBADMSG,
			  kcrypt(self->nl, SECMSG_CRYPT_DECRYPT, alg, key,
				 nonce, nl_, aad, sizeof(aad), self->out2, n,
				 self->out));
		nonce[0] ^= 1;	/* so is the nonce / IV */
		aad[0] ^= 1;
		EXPECT_EQ(-EBADMSG,
			  kcrypt(self->nl, SECMSG_CRYPT_DECRYPT, alg, key,
				 nonce, nl_, aad, sizeof(aad), self->out2, n,
				 self->out));
	}
}

/* ---------------------------------------------------------------- */
/* AF_ALG through libkcapi: the kernel's own templates, same bytes */

static long kcapi_seal(struct __test_metadata *_metadata, const char *name,
		       const uint8_t *key, size_t key_len, size_t tag_len,
		       const uint8_t *iv, const uint8_t *aad, size_t aad_len,
		       const uint8_t *pt, size_t pt_len, uint8_t *out)
{
	struct kcapi_handle *h = NULL;
	uint8_t *in = malloc(aad_len + pt_len + 1);
	uint8_t *o = malloc(aad_len + pt_len + tag_len);
	long n;
	int err;

	err = kcapi_aead_init(&h, name, 0);
	if (err)
		TH_LOG("kcapi_aead_init(%s): %s", name, errname(err));
	ASSERT_EQ(0, err);
	ASSERT_EQ(0, kcapi_aead_setkey(h, key, key_len));
	ASSERT_EQ(0, kcapi_aead_settaglen(h, tag_len));
	kcapi_aead_setassoclen(h, aad_len);
	memcpy(in, aad, aad_len);
	memcpy(in + aad_len, pt, pt_len);
	n = kcapi_aead_encrypt(h, in, aad_len + pt_len, iv, o,
			       aad_len + pt_len + tag_len,
			       KCAPI_ACCESS_SENDMSG);
	kcapi_aead_destroy(h);
	if (n > 0) {
		n -= aad_len;
		memcpy(out, o + aad_len, n);
	}
	free(in);
	free(o);
	return n;
}

static void pkcs7(uint8_t *buf, size_t len, size_t *padded)
{
	size_t pad = SECMSG_CBC_BLOCK_LEN - len % SECMSG_CBC_BLOCK_LEN;

	memset(buf + len, pad, pad);
	*padded = len + pad;
}

TEST_F(crypt, af_alg_cross_check)
{
	static const size_t sizes[] = { 0, 1, 16, 17, 100, 1000, 4000 };
	static const char *const names[] = {
		[SECMSG_ALG_AES_256_GCM] = "gcm(aes)",
		[SECMSG_ALG_CHACHA20_POLY1305] = "rfc7539(chacha20,poly1305)",
		[SECMSG_ALG_TWOFISH_CBC] = "authenc(hmac(sha256),cbc(twofish))",
	};
	uint8_t key[32], nonce[16], aad[100], pt[4100], aadiv[116];
	size_t a, i;
	struct kcapi_handle *probe = NULL;

	if (kcapi_aead_init(&probe, "gcm(aes)", 0) == -EAFNOSUPPORT)
		SKIP(return, "AF_ALG not available in this kernel");
	if (probe)
		kcapi_aead_destroy(probe);
	for (a = 0; a < N_ALGS; a++) {
		int alg = test_algs[a];

		for (i = 0; i < ARRAY_SIZE(sizes); i++) {
			size_t len = sizes[i], alen = i * 13 % 100, plen;
			long k, c;

			rand_bytes(key, 32);
			rand_bytes(nonce, 16);
			rand_bytes(aad, alen);
			rand_bytes(pt, len);
			k = kcrypt(self->nl, SECMSG_CRYPT_ENCRYPT, alg, key,
				   nonce, nonce_len_of(alg), aad, alen, pt, len,
				   self->out);
			ASSERT_GT(k, 0);
			if (alg != SECMSG_ALG_TWOFISH_CBC) {
				c = kcapi_seal(_metadata, names[alg], key, 32,
					       16, nonce, aad, alen, pt, len,
					       self->out2);
			} else {
				/* authenc key blob: rtattr param, mac, enc;
				 * IV in the AAD as our MAC covers it. */
				uint8_t blob[RTA_SPACE(4) + 64];
				struct rtattr *rta = (void *)blob;
				uint32_t enclen = htonl(32);

				rta->rta_type = 1; /* CRYPTO_AUTHENC_KEYA_PARAM */
				rta->rta_len = RTA_LENGTH(4);
				memcpy(RTA_DATA(rta), &enclen, 4);
				secmsg_twofish_subkeys(key, blob + RTA_SPACE(4) + 32,
						       blob + RTA_SPACE(4));
				memcpy(aadiv, aad, alen);
				memcpy(aadiv + alen, nonce, 16);
				pkcs7(pt, len, &plen);
				c = kcapi_seal(_metadata, names[alg], blob,
					       sizeof(blob), 32, nonce, aadiv,
					       alen + 16, pt, plen, self->out2);
			}
			TH_LOG("%s len %zu: kernel %ld, AF_ALG %ld",
			       names[alg], len, k, c);
			ASSERT_EQ(k, c);
			ASSERT_EQ(0, memcmp(self->out, self->out2, k));
		}
	}
}

/* ---------------------------------------------------------------- */
/* Nonce chosen by the kernel */

TEST_F(crypt, random_nonce)
{
	uint8_t key[32], pt[50], n1[16], n2[16];
	size_t a;

	rand_bytes(key, 32);
	rand_bytes(pt, sizeof(pt));
	for (a = 0; a < N_ALGS; a++) {
		int alg = test_algs[a];
		struct secmsg_crypt_req r = {
			.op = SECMSG_CRYPT_ENCRYPT, .alg = alg, .key = key,
			.data = pt, .data_len = sizeof(pt),
		};
		size_t l1 = 16, l2 = 16, o1 = MSG_BUF_LEN, o2 = MSG_BUF_LEN;
		long n;

		ASSERT_EQ(0, secmsg_crypt(self->nl, &r, n1, &l1, self->out,
					  &o1));
		ASSERT_EQ(0, secmsg_crypt(self->nl, &r, n2, &l2, self->out2,
					  &o2));
		ASSERT_EQ(nonce_len_of(alg), l1);
		ASSERT_EQ(nonce_len_of(alg), l2);
		EXPECT_NE(0, memcmp(n1, n2, l1));
		EXPECT_NE(0, memcmp(self->out, self->out2, o1));
		/* the returned nonce is the one used */
		n = secmsg_crypt_open(alg, key, n1, l1, NULL, 0, self->out, o1,
				      self->out2);
		ASSERT_EQ((long)sizeof(pt), n);
		EXPECT_EQ(0, memcmp(self->out2, pt, sizeof(pt)));
	}
}

TEST_F(crypt, crypt_ops_counted)
{
	struct secmsg_stats s0, s1;
	uint8_t key[32] = { 1 }, nonce[12] = { 2 }, pt[4] = { 3 };
	int i;

	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s0));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(20, kcrypt(self->nl, SECMSG_CRYPT_ENCRYPT,
				     SECMSG_ALG_AES_256_GCM, key, nonce, 12,
				     NULL, 0, pt, 4, self->out));
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s1));
	EXPECT_EQ((uint64_t)3, s1.v[SECMSG_STATS_A_CRYPT_OPS] -
		     s0.v[SECMSG_STATS_A_CRYPT_OPS]);
}

/* ---------------------------------------------------------------- */
/* Rejections, each with an extack message (raw netlink) */

enum { OMIT_OP = 1, OMIT_ALG = 2, OMIT_KEY = 4, OMIT_DATA = 8 };

struct creq {
	int op, alg;
	size_t key_len, nonce_len, aad_len, data_len;
	unsigned int omit;
	int extra_attr;		/* put this unknown attribute type too */
};

static int raw_crypt(struct rawnl *r, const struct creq *q,
		     struct rawnl_reply *rep)
{
	size_t sz = q->key_len + q->nonce_len + q->aad_len + q->data_len;
	uint8_t *buf = calloc(1, sz + 1);
	struct nl_msg *m = rawnl_msg(r, SECMSG_CMD_CRYPT, 0, sz + 256);
	size_t off = 0;
	int err;

	if (!(q->omit & OMIT_OP))
		nla_put_u8(m, SECMSG_A_CRYPT_OP, q->op);
	if (!(q->omit & OMIT_ALG))
		nla_put_u32(m, SECMSG_A_ALG, q->alg);
	if (!(q->omit & OMIT_KEY))
		nla_put(m, SECMSG_A_KEY, q->key_len, buf);
	off += q->key_len;
	if (q->nonce_len)
		nla_put(m, SECMSG_A_NONCE, q->nonce_len, buf + off);
	if (q->aad_len)
		nla_put(m, SECMSG_A_AAD, q->aad_len, buf + off);
	if (!(q->omit & OMIT_DATA))
		nla_put(m, SECMSG_A_DATA, q->data_len, buf);
	if (q->extra_attr)
		nla_put_u32(m, q->extra_attr, 0);
	err = rawnl_xact(r, m, rep);
	free(buf);
	return err;
}

static void expect_reject(struct __test_metadata *_metadata, struct rawnl *r,
			  const char *what, const struct creq *q, int e1,
			  int e2)
{
	struct rawnl_reply rep;
	int err = raw_crypt(r, q, &rep);

	TH_LOG("%s: %s, extack \"%s\"", what, errname(err), rep.extack);
	EXPECT_TRUE(err == -e1 || err == -e2);
	EXPECT_TRUE(rep.has_extack && rep.extack[0]);
	rawnl_reply_free(&rep);
}

#define GOOD_GCM { .op = SECMSG_CRYPT_ENCRYPT, \
		   .alg = SECMSG_ALG_AES_256_GCM, .key_len = 32, \
		   .nonce_len = 12, .data_len = 10 }

TEST_F(crypt, raw_baseline_ok)
{
	struct creq q = GOOD_GCM;
	struct rawnl_reply rep;

	ASSERT_EQ(0, raw_crypt(&self->raw, &q, &rep));
	ASSERT_NE(NULL, rep.tb[SECMSG_A_DATA]);
	EXPECT_EQ(10 + 16, nla_len(rep.tb[SECMSG_A_DATA]));
	ASSERT_NE(NULL, rep.tb[SECMSG_A_NONCE]);
	EXPECT_EQ(12, nla_len(rep.tb[SECMSG_A_NONCE]));
	rawnl_reply_free(&rep);
}

TEST_F(crypt, reject_bad_key_length)
{
	static const size_t lens[] = { 0, 16, 31, 33, 64 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		struct creq q = GOOD_GCM;
		char what[64];

		q.key_len = lens[i];
		snprintf(what, sizeof(what), "key length %zu", lens[i]);
		expect_reject(_metadata, &self->raw, what, &q, EINVAL, ERANGE);
	}
}

TEST_F(crypt, reject_bad_nonce_length)
{
	static const struct { int alg; size_t len; } c[] = {
		{ SECMSG_ALG_AES_256_GCM, 11 },
		{ SECMSG_ALG_AES_256_GCM, 16 },
		{ SECMSG_ALG_CHACHA20_POLY1305, 8 },
		{ SECMSG_ALG_CHACHA20_POLY1305, 24 },
		{ SECMSG_ALG_TWOFISH_CBC, 12 },
		{ SECMSG_ALG_TWOFISH_CBC, 17 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct creq q = GOOD_GCM;
		char what[64];

		q.alg = c[i].alg;
		q.nonce_len = c[i].len;
		snprintf(what, sizeof(what), "%s nonce %zu",
			 secmsg_alg_name(c[i].alg), c[i].len);
		expect_reject(_metadata, &self->raw, what, &q, EINVAL, ERANGE);
		q.op = SECMSG_CRYPT_DECRYPT;
		q.data_len = 64;
		expect_reject(_metadata, &self->raw, what, &q, EINVAL, ERANGE);
	}
}

/* the kernel picks a nonce only for encryption */
TEST_F(crypt, reject_decrypt_without_nonce)
{
	uint8_t key[32], ct[64];
	size_t a;

	rand_bytes(key, sizeof(key));
	rand_bytes(ct, sizeof(ct));
	for (a = 0; a < N_ALGS; a++) {
		long n = kcrypt(self->nl, SECMSG_CRYPT_DECRYPT, test_algs[a],
				key, NULL, 0, NULL, 0, ct, sizeof(ct),
				self->out);

		EXPECT_EQ(-EINVAL, n) {
			TH_LOG("%s", secmsg_alg_name(test_algs[a]));
		}
		EXPECT_STREQ("decrypt needs SECMSG_A_NONCE",
			     secmsg_nl_errmsg(self->nl));
	}
}

TEST_F(crypt, reject_unknown_alg_and_op)
{
	static const int algs[] = { 0, 4, 255 };
	static const int ops[] = { 0, SECMSG_CRYPT_HKDF + 1, 255 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(algs); i++) {
		struct creq q = GOOD_GCM;
		char what[64];

		q.alg = algs[i];
		snprintf(what, sizeof(what), "alg %d", algs[i]);
		expect_reject(_metadata, &self->raw, what, &q, EINVAL, ERANGE);
	}
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		struct creq q = GOOD_GCM;
		char what[64];

		q.op = ops[i];
		snprintf(what, sizeof(what), "op %d", ops[i]);
		expect_reject(_metadata, &self->raw, what, &q, EINVAL, ERANGE);
	}
}

TEST_F(crypt, reject_missing_attrs)
{
	static const struct { unsigned int omit; const char *what; } c[] = {
		{ OMIT_DATA, "no DATA" }, { OMIT_KEY, "no KEY" },
		{ OMIT_ALG, "no ALG" }, { OMIT_OP, "no CRYPT_OP" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct creq q = GOOD_GCM;

		q.omit = c[i].omit;
		expect_reject(_metadata, &self->raw, c[i].what, &q, EINVAL,
			      EINVAL);
	}
}

TEST_F(crypt, reject_unknown_attr)
{
	struct creq q = GOOD_GCM;

	q.extra_attr = SECMSG_A_MAX + 1;
	expect_reject(_metadata, &self->raw, "unknown attribute", &q, EINVAL,
		      ERANGE);
}

TEST_F(crypt, reject_oversized)
{
	size_t a;

	for (a = 0; a < N_ALGS; a++) {
		struct creq q = GOOD_GCM;
		struct rawnl_reply rep;

		q.alg = test_algs[a];
		q.nonce_len = nonce_len_of(q.alg);
		q.data_len = SECMSG_MAX_PLAINTEXT;
		ASSERT_EQ(0, raw_crypt(&self->raw, &q, &rep));
		rawnl_reply_free(&rep);
		q.data_len = SECMSG_MAX_PLAINTEXT + 1;
		expect_reject(_metadata, &self->raw, "MAX_PLAINTEXT + 1", &q,
			      EMSGSIZE, EMSGSIZE);
	}
}

TEST_F(crypt, reject_aad_too_long)
{
	struct creq q = GOOD_GCM;
	struct rawnl_reply rep;

	q.aad_len = SECMSG_MAX_AAD;
	ASSERT_EQ(0, raw_crypt(&self->raw, &q, &rep));
	rawnl_reply_free(&rep);
	q.aad_len = SECMSG_MAX_AAD + 1;
	expect_reject(_metadata, &self->raw, "AAD 1025", &q, EINVAL, ERANGE);
}

TEST_F(crypt, reject_auth_failure_has_extack)
{
	struct creq q = GOOD_GCM;

	q.op = SECMSG_CRYPT_DECRYPT;
	q.data_len = 40;	/* zero ciphertext and tag: not authentic */
	expect_reject(_metadata, &self->raw, "forged", &q, EBADMSG, EBADMSG);
}

TEST_HARNESS_MAIN
