// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Sealed messages: header layout and parsing, nonce construction, seal /
 * open round trips per algorithm, and every header field tampered with.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "secmsg/wire.h"
#include "tap.h"

#define SID	0x1122334455667788ULL
#define SEQ	0x0000a1b2c3d4e5f6ULL	/* below 2^48 */
#define HSEQ	0x0102030405060708ULL
#define ROOM	(SECMSG_MAX_PLAINTEXT + SECMSG_MAX_OVERHEAD)

static const char *const names[] = {
	"", "aes_256_gcm", "chacha20_poly1305", "twofish_cbc",
};
static struct secmsg_dir_keys c2s, s2c;
static uint8_t *pt, *msg, *out;

static void header(void)
{
	static const uint8_t want[SECMSG_HDR_LEN] = {
		1, 3, 0, 0, 0xde, 0xad, 0xbe, 0xef,
		0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	};
	struct secmsg_hdr h = {
		.version = 1, .alg = 3, .epoch = 0xdeadbeef,
		.session_id = SID, .seq = HSEQ,
	}, g;
	uint8_t b[SECMSG_HDR_LEN];

	secmsg_hdr_put(b, &h);
	is_mem(b, want, sizeof(b), "header layout, big endian");
	ok(secmsg_hdr_get(b, sizeof(b), &g) == 0 && g.version == 1 &&
	   g.alg == 3 && g.epoch == 0xdeadbeef && g.session_id == SID &&
	   g.seq == HSEQ, "header parses back");
	ok(secmsg_hdr_get(b, SECMSG_HDR_LEN - 1, &g) == -EINVAL &&
	   secmsg_hdr_get(NULL, 24, &g) == -EINVAL &&
	   secmsg_hdr_get(b, 0, &g) == -EINVAL, "short header -> -EINVAL");
	b[0] = 2;
	ok(secmsg_hdr_get(b, sizeof(b), &g) == -EPROTO, "version 2 -> -EPROTO");
	b[0] = 0;
	ok(secmsg_hdr_get(b, sizeof(b), &g) == -EPROTO, "version 0 -> -EPROTO");
	b[0] = 1;
	b[2] = 0x80;
	ok(secmsg_hdr_get(b, sizeof(b), &g) == -EPROTO, "reserved[0] -> -EPROTO");
	b[2] = 0;
	b[3] = 1;
	ok(secmsg_hdr_get(b, sizeof(b), &g) == -EPROTO, "reserved[1] -> -EPROTO");
	b[3] = 0;
	h.alg = 99;	/* algorithm is not the header parser's business */
	secmsg_hdr_put(b, &h);
	ok(secmsg_hdr_get(b, sizeof(b), &g) == 0 && g.alg == 99,
	   "unknown alg parses (checked by open)");
}

static size_t sealed_len(int alg, size_t len)
{
	if (alg == SECMSG_ALG_TWOFISH_CBC)
		return SECMSG_HDR_LEN + 16 + (len / 16 + 1) * 16 + 32;
	return SECMSG_HDR_LEN + len + 16;
}

/* The body again, computed with secmsg_crypt_seal and our own nonce. */
static void body_check(int alg, long n, size_t len)
{
	uint8_t nonce[12];
	uint8_t *ref = malloc(ROOM);
	long r;
	int i;

	if (alg == SECMSG_ALG_TWOFISH_CBC) {
		r = secmsg_crypt_open(alg, s2c.key, msg + 24, 16, msg, 24,
				      msg + 40, (size_t)n - 40, ref);
		ok(r == (long)len && !memcmp(ref, pt, len),
		   "%s: body = IV || crypt(key, IV, aad = header)",
		   names[alg]);
	} else {
		for (i = 0; i < 12; i++)
			nonce[i] = s2c.salt[i] ^
				   (i < 4 ? 0 : (uint8_t)(SEQ >> (8 * (11 - i))));
		r = secmsg_crypt_seal(alg, s2c.key, nonce, 12, msg, 24, pt, len,
				      ref);
		ok(r + 24 == n && !memcmp(ref, msg + 24, (size_t)r),
		   "%s: body = crypt(key, salt ^ (0^4 || be64 seq), "
		   "aad = header)", names[alg]);
	}
	free(ref);
}

static void round_trip(int alg)
{
	static const size_t lens[] = { 0, 1, 16, 100, SECMSG_MAX_PLAINTEXT };
	struct secmsg_hdr h;
	int bad = 0;
	size_t i;
	long n, m;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		n = secmsg_msg_seal(&s2c, alg, SID, SEQ, pt, lens[i], msg);
		memset(&h, 0, sizeof(h));
		m = n < 0 ? n : secmsg_msg_open(&s2c, SID, msg, (size_t)n, &h,
						out);
		if (n != (long)sealed_len(alg, lens[i]) ||
		    m != (long)lens[i] || memcmp(out, pt, lens[i]) ||
		    h.alg != alg || h.seq != SEQ || h.session_id != SID ||
		    h.epoch != s2c.epoch || h.version != 1) {
			diag("len %zu: seal %ld open %ld", lens[i], n, m);
			bad++;
		}
	}
	ok(!bad, "%s: seal/open round trip, sizes and header", names[alg]);
	n = secmsg_msg_seal(&s2c, alg, SID, SEQ, pt, 100, msg);
	body_check(alg, n, 100);
	ok(secmsg_msg_open_alg(&s2c, alg, SID, msg, (size_t)n, NULL, out) ==
	   100, "%s: open with the expected algorithm", names[alg]);
	ok(secmsg_msg_open_alg(&s2c, alg % 3 + 1, SID, msg, (size_t)n, NULL,
			       out) == -EPROTO,
	   "%s: open expecting another algorithm -> -EPROTO", names[alg]);
	ok(secmsg_msg_open(&c2s, SID, msg, (size_t)n, NULL, out) == -EBADMSG,
	   "%s: other direction's key -> -EBADMSG", names[alg]);
	ok(secmsg_msg_seal(&s2c, alg, SID, SEQ, pt, SECMSG_MAX_PLAINTEXT + 1,
			   msg) == -EMSGSIZE,
	   "%s: plaintext too long -> -EMSGSIZE", names[alg]);
}

/* Open a copy of msg with byte off xor x; return open's result. */
static long open_flipped(long n, size_t off, uint8_t x)
{
	long m;

	msg[off] ^= x;
	m = secmsg_msg_open(&s2c, SID, msg, (size_t)n, NULL, out);
	msg[off] ^= x;
	return m;
}

static void tamper(int alg)
{
	size_t i;
	int bad = 0;
	long n = secmsg_msg_seal(&s2c, alg, SID, SEQ, pt, 50, msg);
	long other;

	ok(open_flipped(n, 0, 0x03) == -EPROTO, "%s: version -> -EPROTO",
	   names[alg]);
	ok(open_flipped(n, 1, (uint8_t)alg) == -EPROTO &&
	   open_flipped(n, 1, 0x80) == -EPROTO,
	   "%s: alg 0 or unknown -> -EPROTO", names[alg]);
	other = open_flipped(n, 1, (uint8_t)(alg ^ (alg % 3 + 1)));
	ok(other == -EBADMSG || (other == -EINVAL &&
				 alg != SECMSG_ALG_TWOFISH_CBC),
	   "%s: another valid alg -> -EBADMSG (or -EINVAL: not a body of "
	   "that alg) (%ld)", names[alg], other);
	ok(open_flipped(n, 2, 1) == -EPROTO && open_flipped(n, 3, 0x40) ==
	   -EPROTO, "%s: reserved bits -> -EPROTO", names[alg]);
	ok(open_flipped(n, 7, 1) == -EKEYREJECTED,
	   "%s: newer epoch -> -EKEYREJECTED", names[alg]);
	for (i = 8; i < 16; i++)
		if (open_flipped(n, i, 0x20) != -EPROTO)
			bad++;
	ok(!bad, "%s: each session id byte -> -EPROTO", names[alg]);
	bad = 0;
	for (i = 16; i < 24; i++)
		if (open_flipped(n, i, 0x01) != (i < 18 ? -EPROTO : -EBADMSG))
			bad++;
	ok(!bad, "%s: each seq byte -> -EBADMSG (top two: seq >= 2^48, "
	   "-EPROTO)", names[alg]);
	bad = 0;
	for (i = 24; i < (size_t)n; i++)
		if (open_flipped(n, i, 0x04) != -EBADMSG)
			bad++;
	ok(!bad, "%s: each of %ld body bytes -> -EBADMSG", names[alg], n - 24);
	ok(secmsg_msg_open(&s2c, SID + 1, msg, (size_t)n, NULL, out) ==
	   -EPROTO, "%s: opened as another session -> -EPROTO", names[alg]);
	ok(secmsg_msg_open(&s2c, SID, msg, SECMSG_HDR_LEN, NULL, out) ==
	   -EINVAL && secmsg_msg_open(&s2c, SID, msg, 10, NULL, out) ==
	   -EINVAL && secmsg_msg_open(&s2c, SID, msg, (size_t)n - 1, NULL,
				     out) != (long)50,
	   "%s: truncated -> rejected", names[alg]);
}

static void epochs(void)
{
	struct secmsg_dir_keys k1 = s2c;
	struct secmsg_hdr h;
	long n;

	secmsg_dir_ratchet(&k1);
	n = secmsg_msg_seal(&k1, SECMSG_ALG_CHACHA20_POLY1305, SID, 0, pt, 9,
			    msg);
	ok(secmsg_msg_open(&k1, SID, msg, (size_t)n, &h, out) == 9 &&
	   h.epoch == 1 && h.seq == 0, "epoch 1 message opens under epoch 1");
	ok(secmsg_msg_open(&s2c, SID, msg, (size_t)n, &h, out) ==
	   -EKEYREJECTED && h.epoch == 1,
	   "epoch 1 message under epoch 0 keys -> -EKEYREJECTED, hdr filled");
	n = secmsg_msg_seal(&s2c, SECMSG_ALG_CHACHA20_POLY1305, SID, 0, pt, 9,
			    msg);
	ok(secmsg_msg_open(&k1, SID, msg, (size_t)n, &h, out) ==
	   -EKEYEXPIRED, "epoch 0 message under epoch 1 keys -> -EKEYEXPIRED");
	secmsg_dir_wipe(&k1);
}

static void seq_limit(void)
{
	const uint64_t lim = SECMSG_MAX_MESSAGES_LIMIT;
	long n;

	n = secmsg_msg_seal(&s2c, SECMSG_ALG_AES_256_GCM, SID, lim - 1, pt, 4,
			    msg);
	ok(secmsg_msg_open(&s2c, SID, msg, (size_t)n, NULL, out) == 4,
	   "seq 2^48 - 1 opens");
	n = secmsg_msg_seal(&s2c, SECMSG_ALG_AES_256_GCM, SID, lim, pt, 4,
			    msg);
	ok(n > 0 && secmsg_msg_open(&s2c, SID, msg, (size_t)n, NULL, out) ==
	   -EPROTO, "seq 2^48 seals (for tests) but open -> -EPROTO");
	n = secmsg_msg_seal(&s2c, SECMSG_ALG_AES_256_GCM, SID, UINT64_MAX, pt,
			    4, msg);
	ok(n > 0 && secmsg_msg_open(&s2c, SID, msg, (size_t)n, NULL, out) ==
	   -EPROTO, "seq UINT64_MAX -> -EPROTO");
}

static void order(void)
{
	long n = secmsg_msg_seal(&s2c, SECMSG_ALG_AES_256_GCM, SID, 1, pt, 4,
				 msg);

	msg[1] = 9;	/* unknown alg */
	msg[7] ^= 1;	/* and a newer epoch */
	ok(secmsg_msg_open(&s2c, SID, msg, (size_t)n, NULL, out) ==
	   -EKEYREJECTED, "epoch is checked before the algorithm");
	msg[8] ^= 1;	/* and another session */
	ok(secmsg_msg_open(&s2c, SID, msg, (size_t)n, NULL, out) == -EPROTO,
	   "session id is checked before the epoch");
}

static void twofish_iv(void)
{
	uint8_t m2[128];
	long a = secmsg_msg_seal(&s2c, SECMSG_ALG_TWOFISH_CBC, SID, 1, pt, 5,
				 msg);
	long b = secmsg_msg_seal(&s2c, SECMSG_ALG_TWOFISH_CBC, SID, 1, pt, 5,
				 m2);

	ok(a == b && memcmp(msg + 24, m2 + 24, 16),
	   "twofish_cbc: fresh random IV per message");
	ok(secmsg_msg_open(&s2c, SID, msg, 24 + 15, NULL, out) == -EINVAL,
	   "twofish_cbc: body shorter than an IV -> -EINVAL");
}

/*
 * Keyed contexts: the same messages as the one-shot calls, both ways,
 * every size; the same errors; a context left as it was by use; rekeyed
 * for a new epoch or algorithm.
 */
static void contexts(int alg)
{
	static const size_t lens[] = { 0, 1, 15, 16, 100, 4096,
				       SECMSG_MAX_PLAINTEXT };
	struct secmsg_msg_ctx *c;
	uint8_t *m2 = malloc(ROOM + 64);
	struct secmsg_hdr h;
	int bad = 0;
	size_t i;
	long n, m;

	ok(secmsg_msg_ctx_new(&c, &s2c, alg) == 0 && c &&
	   secmsg_msg_ctx_epoch(c) == s2c.epoch &&
	   secmsg_msg_ctx_alg(c) == alg, "%s: context keyed", names[alg]);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		/* context seal, one-shot open; one-shot seal, context open */
		n = secmsg_msg_ctx_seal(c, SID, SEQ + i, pt, lens[i], msg);
		m = n < 0 ? n : secmsg_msg_open(&s2c, SID, msg, (size_t)n,
						NULL, out);
		if (n != (long)sealed_len(alg, lens[i]) ||
		    m != (long)lens[i] || memcmp(out, pt, lens[i]))
			bad++;
		n = secmsg_msg_seal(&s2c, alg, SID, SEQ + i, pt, lens[i], m2);
		memset(&h, 0, sizeof(h));
		m = n < 0 ? n : secmsg_msg_ctx_open(c, SID, m2, (size_t)n, &h,
						    out);
		if (m != (long)lens[i] || memcmp(out, pt, lens[i]) ||
		    h.seq != SEQ + i || h.alg != alg)
			bad++;
		/* the AEADs are deterministic: the very same bytes */
		if (alg != SECMSG_ALG_TWOFISH_CBC &&
		    (n != (long)sealed_len(alg, lens[i]) ||
		     memcmp(msg, m2, (size_t)n)))
			bad++;
		if (bad)
			diag("len %zu: %ld %ld", lens[i], n, m);
	}
	ok(!bad, "%s: context and one-shot seal/open agree, 7 sizes",
	   names[alg]);
	n = secmsg_msg_ctx_seal(c, SID, SEQ, pt, 100, msg);
	m = secmsg_msg_ctx_seal(c, SID, SEQ, pt, 100, m2);
	ok(n == m && (alg == SECMSG_ALG_TWOFISH_CBC ||
		      !memcmp(msg, m2, (size_t)n)),
	   "%s: a context is not changed by use (same seal twice)",
	   names[alg]);
	msg[n - 1] ^= 1;
	memset(out, 0x55, 100);
	m = secmsg_msg_ctx_open(c, SID, msg, (size_t)n, NULL, out);
	bad = 0;
	for (i = 0; i < 100; i++)	/* AEADs wipe; twofish never wrote */
		bad |= out[i] != (alg == SECMSG_ALG_TWOFISH_CBC ? 0x55 : 0);
	ok(m == -EBADMSG && !bad,
	   "%s: context open of a forgery -> -EBADMSG, no plaintext left",
	   names[alg]);
	msg[n - 1] ^= 1;
	ok(secmsg_msg_ctx_open(c, SID + 1, msg, (size_t)n, NULL, out) ==
	   -EPROTO && secmsg_msg_ctx_open(c, SID, msg, 10, NULL, out) ==
	   -EINVAL && secmsg_msg_ctx_open(c, SID, msg, SECMSG_HDR_LEN, NULL,
					  out) == -EINVAL,
	   "%s: context open: other session -> -EPROTO, short -> -EINVAL",
	   names[alg]);
	ok(secmsg_msg_ctx_seal(c, SID, SEQ, pt, SECMSG_MAX_PLAINTEXT + 1,
			       msg) == -EMSGSIZE,
	   "%s: context seal too long -> -EMSGSIZE", names[alg]);

	/* another algorithm's message: -EPROTO, as open_alg */
	n = secmsg_msg_seal(&s2c, alg % 3 + 1, SID, SEQ, pt, 100, m2);
	ok(secmsg_msg_ctx_open(c, SID, m2, (size_t)n, NULL, out) == -EPROTO,
	   "%s: context open of another algorithm -> -EPROTO", names[alg]);
	free(m2);
	secmsg_msg_ctx_free(c);
}

/* A context through a ratchet, bad keys and NULLs. */
static void context_rekey(void)
{
	struct secmsg_dir_keys k1 = s2c, none;
	struct secmsg_msg_ctx *c, *old;
	long n0, n1;

	secmsg_dir_ratchet(&k1);
	ok(secmsg_msg_ctx_new(&old, &s2c, SECMSG_ALG_AES_256_GCM) == 0 &&
	   secmsg_msg_ctx_new(&c, &s2c, SECMSG_ALG_AES_256_GCM) == 0,
	   "two contexts at epoch 0");
	n0 = secmsg_msg_ctx_seal(c, SID, 5, pt, 30, msg);
	ok(secmsg_msg_ctx_set(c, &k1, SECMSG_ALG_TWOFISH_CBC) == 0 &&
	   secmsg_msg_ctx_epoch(c) == 1 &&
	   secmsg_msg_ctx_alg(c) == SECMSG_ALG_TWOFISH_CBC,
	   "rekeyed for epoch 1, twofish_cbc");
	ok(secmsg_msg_ctx_open(c, SID, msg, (size_t)n0, NULL, out) ==
	   -EKEYEXPIRED, "an epoch 0 message after the rekey -> -EKEYEXPIRED");
	n1 = secmsg_msg_ctx_seal(c, SID, 6, pt, 30, msg + 256);
	ok(secmsg_msg_open(&k1, SID, msg + 256, (size_t)n1, NULL, out) == 30 &&
	   msg[256 + 1] == SECMSG_ALG_TWOFISH_CBC && msg[256 + 7] == 1,
	   "the rekeyed context seals under epoch 1's key");
	ok(secmsg_msg_ctx_open(old, SID, msg + 256, (size_t)n1, NULL, out) ==
	   -EKEYREJECTED && secmsg_msg_ctx_open(old, SID, msg, (size_t)n0,
						NULL, out) == 30,
	   "the epoch 0 context: newer -> -EKEYREJECTED, its own opens");

	ok(secmsg_msg_ctx_set(c, &k1, 0) == -EINVAL &&
	   secmsg_msg_ctx_alg(c) == 0 && secmsg_msg_ctx_epoch(c) == 0 &&
	   secmsg_msg_ctx_seal(c, SID, 7, pt, 1, msg) == -EINVAL &&
	   secmsg_msg_ctx_open(c, SID, msg, (size_t)n0, NULL, out) == -EINVAL,
	   "a failed rekey leaves the context unusable: -EINVAL");
	secmsg_dir_init(&none, SECMSG_DIR_C2S, NULL);
	secmsg_msg_ctx_free(old);
	old = (struct secmsg_msg_ctx *)1;
	ok(secmsg_msg_ctx_new(&old, &none, 1) == -EINVAL && !old &&
	   secmsg_msg_ctx_new(&old, NULL, 1) == -EINVAL &&
	   secmsg_msg_ctx_new(&old, &s2c, 4) == -EINVAL &&
	   secmsg_msg_ctx_new(NULL, &s2c, 1) == -EINVAL,
	   "new without keys or with an unknown algorithm -> -EINVAL, NULL");
	ok(secmsg_msg_ctx_seal(NULL, SID, 0, pt, 1, msg) == -EINVAL &&
	   secmsg_msg_ctx_open(NULL, SID, msg, 40, NULL, out) == -EINVAL &&
	   secmsg_msg_ctx_set(NULL, &s2c, 1) == -EINVAL &&
	   secmsg_msg_ctx_epoch(NULL) == 0 && secmsg_msg_ctx_alg(NULL) == 0,
	   "NULL context -> -EINVAL");
	secmsg_msg_ctx_free(NULL);
	secmsg_msg_ctx_free(c);

	/* secmsg_msg_ctx_for: made once, keyed again as the keys move */
	c = NULL;
	old = (struct secmsg_msg_ctx *)secmsg_msg_ctx_for(&c, &s2c, 1);
	n0 = secmsg_msg_ctx_seal(c, SID, 1, pt, 8, msg);
	ok(old && old == c && secmsg_msg_ctx_epoch(c) == 0 &&
	   secmsg_msg_ctx_for(&c, &s2c, 1) == old &&
	   secmsg_msg_open(&s2c, SID, msg, (size_t)n0, NULL, out) == 8,
	   "ctx_for: made for epoch 0, the same context while it fits");
	ok(secmsg_msg_ctx_for(&c, &k1, 1) == old &&
	   secmsg_msg_ctx_epoch(c) == 1 &&
	   secmsg_msg_ctx_for(&c, &k1, SECMSG_ALG_TWOFISH_CBC) == old &&
	   secmsg_msg_ctx_alg(c) == SECMSG_ALG_TWOFISH_CBC &&
	   (n1 = secmsg_msg_ctx_seal(c, SID, 2, pt, 8, msg)) > 0 &&
	   secmsg_msg_open(&k1, SID, msg, (size_t)n1, NULL, out) == 8,
	   "ctx_for: keyed again for a new epoch, then a new algorithm");
	ok(!secmsg_msg_ctx_for(&c, &k1, 0) && secmsg_msg_ctx_alg(c) == 0 &&
	   !secmsg_msg_ctx_for(NULL, &k1, 1) &&
	   secmsg_msg_ctx_for(&c, &k1, 1) == old,
	   "ctx_for: a bad algorithm -> NULL (unusable), then usable again");
	secmsg_msg_ctx_free(c);
	secmsg_dir_wipe(&k1);
}

static void arg_errors(void)
{
	ok(secmsg_msg_seal(&s2c, 0, SID, 0, pt, 1, msg) == -EINVAL &&
	   secmsg_msg_seal(&s2c, 4, SID, 0, pt, 1, msg) == -EINVAL,
	   "seal with an unknown algorithm -> -EINVAL");
	ok(secmsg_msg_seal(NULL, 1, SID, 0, pt, 1, msg) == -EINVAL &&
	   secmsg_msg_seal(&s2c, 1, SID, 0, NULL, 1, msg) == -EINVAL &&
	   secmsg_msg_seal(&s2c, 1, SID, 0, pt, 1, NULL) == -EINVAL &&
	   secmsg_msg_open(NULL, SID, msg, 40, NULL, out) == -EINVAL &&
	   secmsg_msg_open(&s2c, SID, NULL, 40, NULL, out) == -EINVAL,
	   "NULL arguments -> -EINVAL");
	ok(secmsg_msg_seal(&s2c, 1, SID, 0, NULL, 0, msg) ==
	   SECMSG_HDR_LEN + 16, "empty plaintext with NULL pointer");
}

int main(void)
{
	uint8_t sc[32], ss[32];
	int alg;
	size_t i;

	pt = malloc(ROOM);
	msg = malloc(ROOM + 64);
	out = malloc(ROOM + 64);
	if (!pt || !msg || !out)
		return 1;
	for (i = 0; i < ROOM; i++)
		pt[i] = (uint8_t)(i * 13 + 5);
	for (i = 0; i < 32; i++) {
		sc[i] = (uint8_t)i;
		ss[i] = (uint8_t)(0x80 | i);
	}
	secmsg_dir_init(&c2s, SECMSG_DIR_C2S, sc);
	secmsg_dir_init(&s2c, SECMSG_DIR_S2C, ss);

	header();
	for (alg = 1; alg <= SECMSG_ALG_MAX; alg++) {
		round_trip(alg);
		tamper(alg);
		contexts(alg);
	}
	context_rekey();
	epochs();
	seq_limit();
	order();
	twofish_iv();
	arg_errors();
	secmsg_dir_wipe(&c2s);
	secmsg_dir_wipe(&s2c);
	free(pt);
	free(msg);
	free(out);
	return done();
}
