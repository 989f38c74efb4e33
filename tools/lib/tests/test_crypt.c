// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * One-shot seal/open (secmsg_crypt_*): the Twofish block cipher known
 * answers, the twofish_cbc construction against an independent nettle
 * computation, round trips, tampering, padding and length errors, for
 * the AEADs too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/cbc.h>
#include <nettle/twofish.h>

#include "protocol/crypto.h"
#include "secmsg/wire.h"
#include "tap.h"

#define MAXPT	SECMSG_MAX_PLAINTEXT
#define ROOM	(MAXPT + SECMSG_MAX_OVERHEAD)

static const int algs[] = {
	SECMSG_ALG_AES_256_GCM, SECMSG_ALG_CHACHA20_POLY1305,
	SECMSG_ALG_TWOFISH_CBC,
};
static const char *const alg_names[] = {
	"", "aes_256_gcm", "chacha20_poly1305", "twofish_cbc",
};

static uint8_t key[32], iv[16], aad[20];
static uint8_t *pt, *ct, *out;

static void fill(uint8_t *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 8));
}

static size_t nonce_len(int alg)
{
	return alg == SECMSG_ALG_TWOFISH_CBC ? 16 : 12;
}

static void unhex(const char *hex, uint8_t *out_buf)
{
	size_t i;

	for (i = 0; hex[2 * i]; i++) {
		unsigned int b;

		sscanf(hex + 2 * i, "%2x", &b);
		out_buf[i] = (uint8_t)b;
	}
}

/* Twofish-256 ECB, from the Twofish paper's test vectors. */
static void twofish_kat(void)
{
	static const struct {
		const char *key, *pt, *ct;
	} kat[] = {
		{ "0000000000000000000000000000000000000000000000000000000000000000",
		  "00000000000000000000000000000000",
		  "57ff739d4dc92c1bd7fc01700cc8216f" },
		{ "0123456789abcdeffedcba987654321000112233445566778899aabbccddeeff",
		  "00000000000000000000000000000000",
		  "37527be0052334b89f0cfccae87cfa20" },
	};
	uint8_t k[32], p[16], c[16], got[16];
	struct twofish_ctx tf;
	size_t i;

	for (i = 0; i < sizeof(kat) / sizeof(kat[0]); i++) {
		unhex(kat[i].key, k);
		unhex(kat[i].pt, p);
		unhex(kat[i].ct, c);
		twofish256_set_key(&tf, k);
		twofish_encrypt(&tf, 16, got, p);
		is_mem(got, c, 16, "twofish-256 KAT %zu encrypt", i);
		twofish_decrypt(&tf, 16, got, c);
		is_mem(got, p, 16, "twofish-256 KAT %zu decrypt", i);
	}
}

/* twofish_cbc computed here from nettle directly: the reference. */
static size_t twofish_ref(const uint8_t *p, size_t len, uint8_t *o)
{
	uint8_t enc[32], mac[32], prk[32], chain[16];
	size_t padded = (len / 16 + 1) * 16, i;
	struct twofish_ctx tf;
	uint8_t *buf = malloc(padded);
	struct secmsg_buf v[3];

	memcpy(buf, p, len);
	for (i = len; i < padded; i++)
		buf[i] = (uint8_t)(padded - len);
	secmsg_hkdf_extract(NULL, 0, key, 32, prk);
	secmsg_hkdf_expand(prk, (const uint8_t *)"secmsg v1 twofish-cbc enc",
			   25, enc, 32);
	secmsg_hkdf_expand(prk, (const uint8_t *)"secmsg v1 hmac-sha256 mac",
			   25, mac, 32);
	twofish256_set_key(&tf, enc);
	memcpy(chain, iv, 16);
	cbc_encrypt(&tf, (nettle_cipher_func *)twofish_encrypt, 16, chain,
		    padded, o, buf);
	v[0] = (struct secmsg_buf){ aad, sizeof(aad) };
	v[1] = (struct secmsg_buf){ iv, 16 };
	v[2] = (struct secmsg_buf){ o, padded };
	secmsg_hmac_sha256(mac, 32, v, 3, o + padded);
	free(buf);
	return padded + 32;
}

static void twofish_construction(void)
{
	static const size_t lens[] = { 0, 1, 15, 16, 17, 31, 32, 100, MAXPT };
	uint8_t enc[32], mac[32], prk[32], want[32];
	uint8_t *ref = malloc(ROOM);
	int bad = 0;
	size_t i;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		size_t n = twofish_ref(pt, lens[i], ref);
		long r = secmsg_crypt_seal(SECMSG_ALG_TWOFISH_CBC, key, iv, 16,
					   aad, sizeof(aad), pt, lens[i], out);

		if (r != (long)n || memcmp(out, ref, n)) {
			diag("twofish_cbc seal of %zu bytes differs", lens[i]);
			bad++;
		}
	}
	ok(!bad, "twofish_cbc seal matches nettle CBC+PKCS#7+HMAC reference");
	free(ref);

	secmsg_twofish_subkeys(key, enc, mac);
	secmsg_hkdf_extract(NULL, 0, key, 32, prk);
	secmsg_hkdf_expand(prk, (const uint8_t *)"secmsg v1 twofish-cbc enc",
			   25, want, 32);
	is_mem(enc, want, 32, "twofish enc subkey = HKDF(K, enc label)");
	secmsg_hkdf_expand(prk, (const uint8_t *)"secmsg v1 hmac-sha256 mac",
			   25, want, 32);
	is_mem(mac, want, 32, "twofish mac subkey = HKDF(K, mac label)");
	ok(memcmp(enc, mac, 32) && memcmp(enc, key, 32),
	   "twofish subkeys differ from each other and from K");
}

static void round_trips(int alg)
{
	static const size_t lens[] = {
		0, 1, 12, 15, 16, 17, 33, 255, 1000, 4096, MAXPT
	};
	size_t nl = nonce_len(alg), i, pad;
	int bad = 0;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		size_t want = lens[i] + 16;
		long r, m;

		if (alg == SECMSG_ALG_TWOFISH_CBC) {
			pad = 16 - lens[i] % 16;
			want = lens[i] + pad + 32;
		}
		r = secmsg_crypt_seal(alg, key, iv, nl, aad, sizeof(aad), pt,
				      lens[i], ct);
		m = r < 0 ? r : secmsg_crypt_open(alg, key, iv, nl, aad,
						  sizeof(aad), ct, (size_t)r,
						  out);
		if (r != (long)want || m != (long)lens[i] ||
		    memcmp(out, pt, lens[i])) {
			diag("len %zu: seal %ld open %ld", lens[i], r, m);
			bad++;
		}
	}
	ok(!bad, "%s: round trip of 0..%d bytes, sizes as specified",
	   alg_names[alg], MAXPT);
	ok(secmsg_crypt_overhead(alg) ==
	   (alg == SECMSG_ALG_TWOFISH_CBC ? 48u : 16u),
	   "%s: overhead", alg_names[alg]);
}

/* Flip every byte of nonce, aad and ct || tag in turn: all -EBADMSG. */
static void tamper(int alg)
{
	size_t nl = nonce_len(alg), len = 40, i;
	uint8_t n2[16], a2[sizeof(aad)];
	long r, m;
	int bad = 0, tries = 0;

	r = secmsg_crypt_seal(alg, key, iv, nl, aad, sizeof(aad), pt, len, ct);
	for (i = 0; i < (size_t)r; i++, tries++) {
		ct[i] ^= 0x01;
		memset(out, 0xaa, len);
		m = secmsg_crypt_open(alg, key, iv, nl, aad, sizeof(aad), ct,
				      (size_t)r, out);
		ct[i] ^= 0x01;
		if (m != -EBADMSG) {
			diag("ct byte %zu: %ld", i, m);
			bad++;
		}
	}
	for (i = 0; i < nl; i++, tries++) {
		memcpy(n2, iv, nl);
		n2[i] ^= 0x80;
		m = secmsg_crypt_open(alg, key, n2, nl, aad, sizeof(aad), ct,
				      (size_t)r, out);
		if (m != -EBADMSG) {
			diag("nonce byte %zu: %ld", i, m);
			bad++;
		}
	}
	for (i = 0; i < sizeof(aad); i++, tries++) {
		memcpy(a2, aad, sizeof(aad));
		a2[i] ^= 0x10;
		m = secmsg_crypt_open(alg, key, iv, nl, a2, sizeof(aad), ct,
				      (size_t)r, out);
		if (m != -EBADMSG) {
			diag("aad byte %zu: %ld", i, m);
			bad++;
		}
	}
	m = secmsg_crypt_open(alg, key, iv, nl, aad, sizeof(aad) - 1, ct,
			      (size_t)r, out);
	ok(!bad && m == -EBADMSG,
	   "%s: each of %d flipped bytes (nonce, aad, ct, tag) and a "
	   "shortened aad -> -EBADMSG", alg_names[alg], tries);
	key[5] ^= 1;
	m = secmsg_crypt_open(alg, key, iv, nl, aad, sizeof(aad), ct,
			      (size_t)r, out);
	key[5] ^= 1;
	ok(m == -EBADMSG, "%s: wrong key -> -EBADMSG", alg_names[alg]);
}

static void in_place(int alg)
{
	size_t nl = nonce_len(alg), len = 77;
	long r, m;

	memcpy(ct, pt, len);
	r = secmsg_crypt_seal(alg, key, iv, nl, NULL, 0, ct, len, ct);
	m = secmsg_crypt_seal(alg, key, iv, nl, NULL, 0, pt, len, out);
	ok(r == m && !memcmp(ct, out, (size_t)r), "%s: seal in place",
	   alg_names[alg]);
	m = secmsg_crypt_open(alg, key, iv, nl, NULL, 0, ct, (size_t)r, ct);
	ok(m == (long)len && !memcmp(ct, pt, len), "%s: open in place",
	   alg_names[alg]);
}

static void arg_errors(int alg)
{
	size_t nl = nonce_len(alg);
	uint8_t big_aad[SECMSG_MAX_AAD + 1] = { 0 };
	long r;

	ok(secmsg_crypt_seal(alg, key, iv, nl == 12 ? 16 : 12, NULL, 0, pt,
			     10, out) == -EINVAL &&
	   secmsg_crypt_open(alg, key, iv, nl - 1, NULL, 0, pt, 64, out) ==
	   -EINVAL, "%s: wrong nonce length -> -EINVAL", alg_names[alg]);
	ok(secmsg_crypt_seal(alg, key, iv, nl, big_aad, sizeof(big_aad), pt,
			     10, out) == -EINVAL &&
	   secmsg_crypt_seal(alg, key, iv, nl, big_aad, SECMSG_MAX_AAD, pt,
			     10, out) > 0,
	   "%s: aad longer than SECMSG_MAX_AAD -> -EINVAL", alg_names[alg]);
	ok(secmsg_crypt_seal(alg, key, iv, nl, NULL, 0, pt, MAXPT + 1, out) ==
	   -EMSGSIZE, "%s: plaintext > SECMSG_MAX_PLAINTEXT -> -EMSGSIZE",
	   alg_names[alg]);
	r = (long)(MAXPT + secmsg_crypt_overhead(alg));
	ok(secmsg_crypt_open(alg, key, iv, nl, NULL, 0, ct, (size_t)r + 16,
			     out) == -EMSGSIZE,
	   "%s: ciphertext longer than any seal -> -EMSGSIZE",
	   alg_names[alg]);
	ok(secmsg_crypt_open(alg, NULL, iv, nl, NULL, 0, ct, 64, out) ==
	   -EINVAL && secmsg_crypt_open(alg, key, NULL, nl, NULL, 0, ct, 64,
				       out) == -EINVAL &&
	   secmsg_crypt_open(alg, key, iv, nl, NULL, 5, ct, 64, out) ==
	   -EINVAL, "%s: NULL key, nonce, aad -> -EINVAL", alg_names[alg]);
}

static void short_inputs(void)
{
	static const size_t tf_bad[] = { 0, 16, 32, 47, 49, 63, 65, 79 };
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof(tf_bad) / sizeof(tf_bad[0]); i++)
		if (secmsg_crypt_open(SECMSG_ALG_TWOFISH_CBC, key, iv, 16,
				      NULL, 0, ct, tf_bad[i], out) != -EINVAL)
			bad++;
	ok(!bad, "twofish_cbc: short or non-block ciphertext -> -EINVAL");
	ok(secmsg_crypt_open(SECMSG_ALG_AES_256_GCM, key, iv, 12, NULL, 0, ct,
			     15, out) == -EINVAL &&
	   secmsg_crypt_open(SECMSG_ALG_CHACHA20_POLY1305, key, iv, 12, NULL,
			     0, ct, 0, out) == -EINVAL,
	   "aeads: shorter than the tag -> -EINVAL");
	ok(secmsg_crypt_seal(0, key, iv, 12, NULL, 0, pt, 1, out) == -EINVAL &&
	   secmsg_crypt_seal(4, key, iv, 16, NULL, 0, pt, 1, out) == -EINVAL &&
	   secmsg_crypt_overhead(0) == 0, "unknown algorithm -> -EINVAL");
}

/*
 * A last block with bad padding under a valid MAC is -EINVAL; the same
 * with a bad MAC is -EBADMSG (padding is only looked at after the MAC).
 */
static void bad_padding(void)
{
	static const uint8_t tails[][3] = {
		{ 0x00 }, { 0x11 }, { 0xff }, { 0x02, 0x03 }, { 0x10 },
	};
	uint8_t enc[32], mac[32], chain[16], blk[32];
	struct twofish_ctx tf;
	struct secmsg_buf v[3];
	int bad = 0, badmac = 0;
	size_t i;
	long m;

	secmsg_twofish_subkeys(key, enc, mac);
	twofish256_set_key(&tf, enc);
	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		memset(blk, 0x41, sizeof(blk));
		blk[31] = tails[i][0];
		if (tails[i][1])
			blk[30] = tails[i][1];
		if (tails[i][0] == 0x10) {	/* 16 claimed, one off */
			memset(blk + 16, 0x10, 16);
			blk[16] = 0x0f;
		}
		memcpy(chain, iv, 16);
		cbc_encrypt(&tf, (nettle_cipher_func *)twofish_encrypt, 16,
			    chain, 32, ct, blk);
		v[0] = (struct secmsg_buf){ aad, sizeof(aad) };
		v[1] = (struct secmsg_buf){ iv, 16 };
		v[2] = (struct secmsg_buf){ ct, 32 };
		secmsg_hmac_sha256(mac, 32, v, 3, ct + 32);
		m = secmsg_crypt_open(SECMSG_ALG_TWOFISH_CBC, key, iv, 16, aad,
				      sizeof(aad), ct, 64, out);
		if (m != -EINVAL) {
			diag("padding case %zu: %ld", i, m);
			bad++;
		}
		ct[40] ^= 1;
		m = secmsg_crypt_open(SECMSG_ALG_TWOFISH_CBC, key, iv, 16, aad,
				      sizeof(aad), ct, 64, out);
		if (m != -EBADMSG)
			badmac++;
	}
	ok(!bad, "twofish_cbc: bad PKCS#7 padding under a valid MAC -> "
	   "-EINVAL");
	ok(!badmac, "twofish_cbc: bad padding and bad MAC -> -EBADMSG");
}

int main(void)
{
	size_t i;

	pt = malloc(ROOM);
	ct = malloc(ROOM + 64);
	out = malloc(ROOM + 64);
	if (!pt || !ct || !out)
		return 1;
	fill(key, sizeof(key), 1);
	fill(iv, sizeof(iv), 2);
	fill(aad, sizeof(aad), 3);
	fill(pt, ROOM, 4);

	twofish_kat();
	twofish_construction();
	for (i = 0; i < 3; i++) {
		round_trips(algs[i]);
		tamper(algs[i]);
		in_place(algs[i]);
		arg_errors(algs[i]);
	}
	short_inputs();
	bad_padding();
	free(pt);
	free(ct);
	free(out);
	return done();
}
