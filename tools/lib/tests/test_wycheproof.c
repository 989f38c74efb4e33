// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Wycheproof vectors through the library's own primitives:
 * HKDF-SHA256 (secmsg_hkdf_*), HMAC-SHA256 (the library's one HMAC),
 * AES-256-GCM (ivSize 96, keySize 256, tagSize 128 groups only; the rest
 * are counted as skipped) and ChaCha20-Poly1305 (all groups) through
 * secmsg_crypt_seal/open.  One TAP line per file; a failing vector prints
 * its tcId.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/crypto.h"
#include "secmsg/wire.h"
#include "tap.h"
#include "vectors.h"

enum verdict { V_MATCH, V_REJECT, V_SKIP, V_FAIL, V_NR };

/* Hex fields of one test, decoded; unused ones stay NULL. */
struct fields {
	uint8_t *f[6];
	size_t len[6];
};

static void fields_free(struct fields *fs)
{
	int i;

	for (i = 0; i < 6; i++)
		free(fs->f[i]);
}

/* Decode the named hex members of t into fs; 0 or -1. */
static int fields_get(const cJSON *t, struct fields *fs,
		      const char *const *names, int n)
{
	int i;

	memset(fs, 0, sizeof(*fs));
	for (i = 0; i < n; i++)
		if (hex_decode(json_str(t, names[i]), &fs->f[i], &fs->len[i]))
			return -1;
	return 0;
}

static bool expect_valid(const cJSON *t)
{
	const char *r = json_str(t, "result");

	return r && !strcmp(r, "valid");
}

static bool expect_invalid(const cJSON *t)
{
	const char *r = json_str(t, "result");

	return r && !strcmp(r, "invalid");
}

static enum verdict fail(const cJSON *t, const char *why, long got)
{
	diag("tcId %ld (%s) failed: %s (got %ld)", json_int(t, "tcId"),
	     json_str(t, "comment"), why, got);
	return V_FAIL;
}

static enum verdict hkdf_one(const cJSON *g, const cJSON *t)
{
	static const char *const names[] = { "ikm", "salt", "info", "okm" };
	uint8_t prk[32], *out;
	long size = json_int(t, "size");
	struct fields fs;
	enum verdict v;
	int r;

	(void)g;
	if (fields_get(t, &fs, names, 4) || size < 0) {
		fields_free(&fs);
		return fail(t, "bad test data", 0);
	}
	out = malloc((size_t)size + 1);
	if (!out) {
		fields_free(&fs);
		return fail(t, "out of memory", 0);
	}
	secmsg_hkdf_extract(fs.f[1], fs.len[1], fs.f[0], fs.len[0], prk);
	r = secmsg_hkdf_expand(prk, fs.f[2], fs.len[2], out, (size_t)size);
	if (expect_valid(t))
		v = !r && fs.len[3] == (size_t)size &&
		    !memcmp(out, fs.f[3], (size_t)size) ?
		    V_MATCH : fail(t, "okm differs", r);
	else if (expect_invalid(t))
		v = r == -EINVAL ? V_REJECT : fail(t, "accepted", r);
	else
		v = V_SKIP;
	free(out);
	fields_free(&fs);
	return v;
}

static enum verdict hmac_one(const cJSON *g, const cJSON *t)
{
	static const char *const names[] = { "key", "msg", "tag" };
	long tag_bits = json_int(g, "tagSize");
	uint8_t tag[SECMSG_SHA256_LEN];
	struct secmsg_buf v;
	struct fields fs;
	enum verdict res;
	bool same;

	if (fields_get(t, &fs, names, 3) || tag_bits <= 0 ||
	    tag_bits > 256 || tag_bits % 8 ||
	    fs.len[2] != (size_t)tag_bits / 8) {
		fields_free(&fs);
		return fail(t, "bad test data", 0);
	}
	v.p = fs.f[1];
	v.len = fs.len[1];
	secmsg_hmac_sha256(fs.f[0], fs.len[0], &v, 1, tag);
	/* truncated tags: compare the prefix */
	same = !memcmp(tag, fs.f[2], fs.len[2]);
	if (expect_valid(t))
		res = same ? V_MATCH : fail(t, "tag differs", 0);
	else if (expect_invalid(t))
		res = !same ? V_REJECT : fail(t, "modified tag matched", 0);
	else
		res = V_SKIP;
	fields_free(&fs);
	return res;
}

enum { F_KEY, F_IV, F_AAD, F_MSG, F_CT, F_TAG };

static enum verdict aead_check(int alg, const cJSON *t, struct fields *fs,
			       uint8_t *ctt, uint8_t *out)
{
	size_t ct_len = fs->len[F_CT] + fs->len[F_TAG];
	long n, m;

	memcpy(ctt, fs->f[F_CT], fs->len[F_CT]);
	memcpy(ctt + fs->len[F_CT], fs->f[F_TAG], fs->len[F_TAG]);
	m = secmsg_crypt_open(alg, fs->f[F_KEY], fs->f[F_IV], fs->len[F_IV],
			      fs->f[F_AAD], fs->len[F_AAD], ctt, ct_len, out);
	if (expect_invalid(t))
		return m < 0 ? V_REJECT : fail(t, "open accepted", m);
	if (!expect_valid(t))
		return V_SKIP;
	if (m != (long)fs->len[F_MSG] ||
	    memcmp(out, fs->f[F_MSG], fs->len[F_MSG]))
		return fail(t, "open", m);
	n = secmsg_crypt_seal(alg, fs->f[F_KEY], fs->f[F_IV], fs->len[F_IV],
			      fs->f[F_AAD], fs->len[F_AAD], fs->f[F_MSG],
			      fs->len[F_MSG], out);
	if (n != (long)ct_len || memcmp(out, ctt, ct_len))
		return fail(t, "seal: ct || tag differs", n);
	return V_MATCH;
}

static enum verdict aead_one(int alg, const cJSON *g, const cJSON *t)
{
	static const char *const names[] = {
		"key", "iv", "aad", "msg", "ct", "tag"
	};
	uint8_t *ctt = NULL, *out = NULL;
	struct fields fs;
	enum verdict v;

	if (alg == SECMSG_ALG_AES_256_GCM &&
	    (json_int(g, "ivSize") != 96 || json_int(g, "keySize") != 256 ||
	     json_int(g, "tagSize") != 128))
		return V_SKIP;
	if (fields_get(t, &fs, names, 6) || fs.len[F_KEY] != SECMSG_KEY_LEN) {
		fields_free(&fs);
		return fail(t, "bad test data", 0);
	}
	ctt = malloc(fs.len[F_CT] + fs.len[F_TAG] + 1);
	out = malloc(fs.len[F_CT] + fs.len[F_TAG] + fs.len[F_MSG] + 64);
	v = ctt && out ? aead_check(alg, t, &fs, ctt, out) :
	    fail(t, "out of memory", 0);
	free(ctt);
	free(out);
	fields_free(&fs);
	return v;
}

static enum verdict gcm_one(const cJSON *g, const cJSON *t)
{
	return aead_one(SECMSG_ALG_AES_256_GCM, g, t);
}

static enum verdict chacha_one(const cJSON *g, const cJSON *t)
{
	return aead_one(SECMSG_ALG_CHACHA20_POLY1305, g, t);
}

typedef enum verdict (*vector_fn)(const cJSON *group, const cJSON *test);

static void run_file(const char *file, const char *what, vector_fn fn)
{
	cJSON *json = vectors_load(file);
	const cJSON *groups, *g, *t;
	int count[V_NR] = { 0 };
	long total, seen = 0;

	if (!json) {
		ok(false, "wycheproof %s: %s loaded", what, file);
		return;
	}
	total = json_int(json, "numberOfTests");
	groups = cJSON_GetObjectItemCaseSensitive(json, "testGroups");
	cJSON_ArrayForEach(g, groups) {
		const cJSON *tests = cJSON_GetObjectItemCaseSensitive(g,
								      "tests");

		cJSON_ArrayForEach(t, tests) {
			count[fn(g, t)]++;
			seen++;
		}
	}
	ok(!count[V_FAIL] && count[V_MATCH] > 0 && seen == total,
	   "wycheproof %s: %d valid matched, %d invalid rejected, "
	   "%d skipped, %d failed (%ld of %ld vectors)", what,
	   count[V_MATCH], count[V_REJECT], count[V_SKIP], count[V_FAIL],
	   seen, total);
	cJSON_Delete(json);
}

int main(void)
{
	plan(4);
	run_file("hkdf_sha256_test.json", "hkdf_sha256", hkdf_one);
	run_file("hmac_sha256_test.json", "hmac_sha256", hmac_one);
	run_file("aes_gcm_test.json", "aes_256_gcm", gcm_one);
	run_file("chacha20_poly1305_test.json", "chacha20_poly1305",
		 chacha_one);
	return done();
}
