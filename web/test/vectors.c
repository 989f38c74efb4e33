// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * web/test/vectors: test vectors for secmsg.js from the C side, as one
 * JSON object on stdout.  Random inputs (fresh on every run) go through
 * nettle's Twofish and through libsecmsg (tools/lib: the three
 * algorithms, the key schedule, sealed messages, the replay window, the
 * handshake, key files, PBKDF2), and the handshake and key file
 * known answers of tools/lib/tests/hs_kat.h (computed by an independent
 * Python implementation) are passed along.  web/test/run-node-tests runs
 * it (or its sanitizer build) and hands the file to node --test.
 *
 *   vectors [COUNT]            print the vectors (COUNT random cases each)
 *   vectors keyfile-decode     read "HEX_IMAGE PASSPHRASE" from stdin and
 *                              print the private key in hex (exit 1 on error)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/twofish.h>

#include "protocol/crypto.h"
#include "hs_kat.h"
#include "secmsg/codec.h"
#include "secmsg/handshake.h"
#include "secmsg/keyfile.h"
#include "secmsg/wire.h"

#define MAX_BUF	(SECMSG_MAX_PLAINTEXT + SECMSG_MAX_OVERHEAD)

static uint8_t buf_a[MAX_BUF], buf_b[MAX_BUF];


static void rnd(void *p, size_t n)
{
	if (secmsg_random(p, n)) {
		fprintf(stderr, "vectors: no randomness\n");
		exit(1);
	}
}

static unsigned int rnd_below(unsigned int n)
{
	uint32_t r;

	rnd(&r, sizeof(r));
	return r % n;
}

static void hex(const char *name, const void *p, size_t n)
{
	static char s[2 * MAX_BUF + 1];

	secmsg_hex_encode(p, n, s);
	printf("\"%s\":\"%s\"", name, s);
}

#define SEP() fputs(",", stdout)

static void twofish_vectors(int count)
{
	uint8_t key[32], pt[16], ct[16];
	struct twofish_ctx c;
	int i;

	printf("\"twofish_ecb\":[");
	for (i = 0; i < count; i++) {
		size_t klen = (size_t)(16 + 8 * rnd_below(3));

		rnd(key, klen);
		rnd(pt, sizeof(pt));
		twofish_set_key(&c, klen, key);
		twofish_encrypt(&c, sizeof(pt), ct, pt);
		printf("%s{", i ? "," : "");
		hex("key", key, klen);
		SEP();
		hex("pt", pt, sizeof(pt));
		SEP();
		hex("ct", ct, sizeof(ct));
		printf("}");
	}
	printf("]");
}

/* Plaintext lengths around the block size, and some large ones. */
static size_t pick_len(int i)
{
	static const size_t lens[] = { 0, 1, 15, 16, 17, 31, 32, 33, 255,
				       256, 1000, 4096, SECMSG_MAX_PLAINTEXT };

	if (i < (int)(sizeof(lens) / sizeof(lens[0])))
		return lens[i];
	return rnd_below(2048);
}

static void crypt_vectors(int count)
{
	uint8_t key[32], nonce[16], aad[64];
	int alg, i, first = 1;

	printf("\"crypt\":[");
	for (alg = 1; alg <= SECMSG_ALG_MAX; alg++) {
		size_t nlen = alg == SECMSG_ALG_TWOFISH_CBC ? 16 : 12;

		for (i = 0; i < count; i++) {
			size_t len = pick_len(i), alen = rnd_below(sizeof(aad));
			long n;

			rnd(key, sizeof(key));
			rnd(nonce, nlen);
			rnd(aad, alen);
			rnd(buf_a, len);
			n = secmsg_crypt_seal(alg, key, nonce, nlen, aad, alen,
					      buf_a, len, buf_b);
			if (n < 0) {
				fprintf(stderr, "vectors: seal %d: %ld\n", alg, n);
				exit(1);
			}
			printf("%s{\"alg\":%d,", first ? "" : ",", alg);
			first = 0;
			hex("key", key, sizeof(key));
			SEP();
			hex("nonce", nonce, nlen);
			SEP();
			hex("aad", aad, alen);
			SEP();
			hex("pt", buf_a, len);
			SEP();
			hex("ct", buf_b, (size_t)n);
			printf("}");
		}
	}
	printf("]");
}

static void twofish_subkey_vectors(int count)
{
	uint8_t key[32], enc[32], mac[32];
	int i;

	printf("\"twofish_subkeys\":[");
	for (i = 0; i < count; i++) {
		rnd(key, sizeof(key));
		secmsg_twofish_subkeys(key, enc, mac);
		printf("%s{", i ? "," : "");
		hex("key", key, 32);
		SEP();
		hex("enc", enc, 32);
		SEP();
		hex("mac", mac, 32);
		printf("}");
	}
	printf("]");
}

/* One direction through 4 epochs: secret, key, salt of each. */
static void key_vectors(int count)
{
	struct secmsg_dir_keys k;
	uint8_t secret[32];
	int i, e;

	printf("\"keys\":[");
	for (i = 0; i < count; i++) {
		enum secmsg_dir d = i % 2 ? SECMSG_DIR_S2C : SECMSG_DIR_C2S;

		rnd(secret, sizeof(secret));
		secmsg_dir_init(&k, d, secret);
		printf("%s{\"dir\":\"%s\",", i ? "," : "",
		       d == SECMSG_DIR_C2S ? "c2s" : "s2c");
		hex("secret", secret, 32);
		printf(",\"epochs\":[");
		for (e = 0; e < 4; e++) {
			printf("%s{", e ? "," : "");
			hex("secret", k.secret, 32);
			SEP();
			hex("key", k.key, 32);
			SEP();
			hex("salt", k.salt, 12);
			printf("}");
			secmsg_dir_ratchet(&k);
		}
		printf("]}");
		secmsg_dir_wipe(&k);
	}
	printf("]");
}

/* Whole sealed messages of random sessions, epochs and sequences. */
static void message_vectors(int count)
{
	struct secmsg_dir_keys k;
	uint8_t secret[32];
	uint64_t sid, seq;
	int alg, i, e, first = 1;

	printf("\"messages\":[");
	for (alg = 1; alg <= SECMSG_ALG_MAX; alg++) {
		for (i = 0; i < count; i++) {
			size_t len = pick_len(i);
			int epochs = (int)rnd_below(3);
			long n;

			rnd(secret, sizeof(secret));
			rnd(&sid, sizeof(sid));
			rnd(&seq, sizeof(seq));
			sid |= 1;
			seq %= SECMSG_MAX_MESSAGES_LIMIT;
			if (i % 2)
				seq %= 70000;
			secmsg_dir_init(&k, i % 2 ? SECMSG_DIR_S2C :
				       SECMSG_DIR_C2S, secret);
			for (e = 0; e < epochs; e++)
				secmsg_dir_ratchet(&k);
			rnd(buf_a, len);
			n = secmsg_msg_seal(&k, alg, sid, seq, buf_a, len,
					    buf_b);
			if (n < 0) {
				fprintf(stderr, "vectors: msg seal: %ld\n", n);
				exit(1);
			}
			printf("%s{\"alg\":%d,\"dir\":\"%s\",\"epoch\":%d,"
			       "\"session\":\"%016llx\",\"seq\":%llu,",
			       first ? "" : ",", alg,
			       i % 2 ? "s2c" : "c2s", epochs,
			       (unsigned long long)sid,
			       (unsigned long long)seq);
			first = 0;
			hex("secret", secret, 32);
			SEP();
			hex("pt", buf_a, len);
			SEP();
			hex("msg", buf_b, (size_t)n);
			printf("}");
			secmsg_dir_wipe(&k);
		}
	}
	printf("]");
}

/* Random walks through the replay window and what libsecmsg answers. */
static void replay_vectors(int count)
{
	static struct secmsg_replay r;
	int i, j;

	printf("\"replay\":[");
	for (i = 0; i < count; i++) {
		uint64_t base = 0;

		secmsg_replay_init(&r);
		printf("%s[", i ? "," : "");
		for (j = 0; j < 400; j++) {
			uint64_t seq;
			int err;

			/* mostly near the top, sometimes far ahead or behind */
			switch (rnd_below(8)) {
			case 0:
				base += rnd_below(5000);
				seq = base;
				break;
			case 1:
				seq = base > 3000 ? base - 2040 - rnd_below(20) : 0;
				break;
			default:
				seq = base + rnd_below(40) - (base >= 20 ? 20 : 0);
				base = seq > base ? seq : base;
				break;
			}
			err = secmsg_replay_check(&r, seq);
			printf("%s[%llu,%d]", j ? "," : "",
			       (unsigned long long)seq, err ? 1 : 0);
		}
		printf("]");
	}
	printf("]");
}

/* Random handshakes: client (hs_init_ex) and reference server. */
static void handshake_vectors(int count)
{
	static const char *users[] = { "alice", "b", "user.name@host-1",
		"_x", "0123456789012345678901234567890123456789012345678901234567890123" };
	struct secmsg_hs_timestamp ts;
	struct secmsg_hs_pending p;
	struct secmsg_hs_state st;
	uint8_t c[32], s[32], ec[32], es[32], C[32], S[32];
	uint8_t msg1[SECMSG_HS_INIT_MAX], msg3[SECMSG_HS_CONFIRM_LEN];
	uint8_t c2s[32], s2c[32];
	uint64_t sid;
	size_t len;
	int i, alg;

	printf("\"handshakes\":[");
	for (i = 0; i < count; i++) {
		const char *user = users[i % 5];

		alg = 1 + i % SECMSG_ALG_MAX;
		rnd(c, 32);
		rnd(s, 32);
		rnd(ec, 32);
		rnd(es, 32);
		rnd(&sid, sizeof(sid));
		sid |= 1;
		ts.sec = 1700000000 + rnd_below(100000000);
		ts.nsec = rnd_below(1000000000);
		secmsg_x25519_pub(c, C);
		secmsg_x25519_pub(s, S);
		len = sizeof(msg1);
		if (secmsg_hs_init_ex(&st, user, alg, c, S, ec, &ts, msg1,
				      &len) ||
		    secmsg_hs_respond(s, S, C, NULL, sid, es, msg1, len, &p) ||
		    secmsg_hs_finish(&st, p.msg2, sizeof(p.msg2), &sid, c2s,
				     s2c, msg3) ||
		    secmsg_hs_confirm_check(&p, msg3, sizeof(msg3))) {
			fprintf(stderr, "vectors: handshake failed\n");
			exit(1);
		}
		printf("%s{\"user\":\"%s\",\"alg\":%d,\"ts_sec\":\"%llu\","
		       "\"ts_nsec\":%u,\"session\":\"%016llx\",",
		       i ? "," : "", user, alg, (unsigned long long)ts.sec,
		       ts.nsec, (unsigned long long)sid);
		hex("c", c, 32); SEP();
		hex("s", s, 32); SEP();
		hex("e_c", ec, 32); SEP();
		hex("e_s", es, 32); SEP();
		hex("msg1", msg1, len); SEP();
		hex("msg2", p.msg2, sizeof(p.msg2)); SEP();
		hex("msg3", msg3, sizeof(msg3)); SEP();
		hex("c2s", c2s, 32); SEP();
		hex("s2c", s2c, 32);
		printf("}");
		secmsg_hs_pending_wipe(&p);
	}
	printf("]");
}

/* The known answers of tools/lib/tests/hs_kat.h (independent Python). */
static void kat_vectors(void)
{
	size_t i;

	printf("\"handshake_kats\":[");
	for (i = 0; i < sizeof(hs_kats) / sizeof(hs_kats[0]); i++) {
		const struct hs_kat *k = &hs_kats[i];

		printf("%s{\"user\":\"%s\",\"alg\":%d,\"ts_sec\":\"%llu\","
		       "\"ts_nsec\":%u,\"session\":\"%016llx\",",
		       i ? "," : "", k->user, k->alg,
		       (unsigned long long)k->ts_sec, k->ts_nsec,
		       (unsigned long long)k->session_id);
		hex("c", k->c, 32); SEP();
		hex("s", k->s, 32); SEP();
		hex("e_c", k->e_c, 32); SEP();
		hex("e_s", k->e_s, 32); SEP();
		hex("C", k->C, 32); SEP();
		hex("S", k->S, 32); SEP();
		hex("msg1", k->msg1, k->msg1_len); SEP();
		hex("msg2", k->msg2, SECMSG_HS_RESPONSE_LEN); SEP();
		hex("msg3", k->msg3, SECMSG_HS_CONFIRM_LEN); SEP();
		hex("c2s", k->c2s, 32); SEP();
		hex("s2c", k->s2c, 32);
		printf("}");
	}
	printf("],\"keyfile_kat\":{\"pass\":\"%s\",", keyfile_kat_pass);
	hex("priv", keyfile_kat_priv, 32);
	SEP();
	hex("image", keyfile_kat_image, SECMSG_KEYFILE_LEN);
	printf("}");
}

static void keyfile_vectors(void)
{
	static const char *passes[] = { "correct horse", "p\xc3\xa4ss w\xc3\xb6rd \xe2\x9c\x93", "x" };
	uint8_t priv[32], img[SECMSG_KEYFILE_LEN], out[32];
	size_t i;

	printf("\"keyfiles\":[");
	for (i = 0; i < 3; i++) {
		uint32_t iter = i == 1 ? 100001 : SECMSG_KEYFILE_ITER_MIN;

		rnd(priv, sizeof(priv));
		if (secmsg_keyfile_encode(priv, passes[i], strlen(passes[i]),
					  iter, img)) {
			fprintf(stderr, "vectors: keyfile\n");
			exit(1);
		}
		printf("%s{\"pass\":\"%s\",", i ? "," : "", passes[i]);
		hex("priv", priv, 32);
		SEP();
		hex("image", img, sizeof(img));
		printf("}");
	}
	printf("],\"pbkdf2\":[");
	for (i = 0; i < 4; i++) {
		size_t plen = 1 + rnd_below(40), slen = rnd_below(33);
		uint32_t iter = 1 + rnd_below(3000);

		rnd(buf_a, plen);
		rnd(buf_b, slen);
		secmsg_keyfile_kdf(buf_a, plen, buf_b, slen, iter, out, 32);
		printf("%s{\"iterations\":%u,", i ? "," : "", iter);
		hex("pass", buf_a, plen);
		SEP();
		hex("salt", buf_b, slen);
		SEP();
		hex("out", out, 32);
		printf("}");
	}
	printf("]");
}

static int keyfile_decode(void)
{
	char line[1024], *sp;
	uint8_t img[SECMSG_KEYFILE_LEN + 1], priv[32];
	char out[65];
	long n;
	int err;

	if (!fgets(line, sizeof(line), stdin))
		return 1;
	line[strcspn(line, "\n")] = '\0';
	sp = strchr(line, ' ');
	if (!sp)
		return 1;
	n = secmsg_hex_decode(line, (size_t)(sp - line), img, sizeof(img));
	if (n < 0)
		return 1;
	err = secmsg_keyfile_decode(img, (size_t)n, sp + 1, strlen(sp + 1),
				    priv);
	if (err) {
		printf("error %d\n", err);
		return 1;
	}
	secmsg_hex_encode(priv, 32, out);
	printf("%s\n", out);
	explicit_bzero(priv, sizeof(priv));
	return 0;
}

int main(int argc, char **argv)
{
	int count = 40;

	if (argc > 1 && !strcmp(argv[1], "keyfile-decode"))
		return keyfile_decode();
	if (argc > 1)
		count = atoi(argv[1]);
	if (count < 14 || count > 1000) {
		fprintf(stderr, "usage: vectors [COUNT (14..1000)] | keyfile-decode\n");
		return 2;
	}
	printf("{");
	twofish_vectors(count * 5);
	SEP();
	crypt_vectors(count);
	SEP();
	twofish_subkey_vectors(8);
	SEP();
	key_vectors(8);
	SEP();
	message_vectors(count);
	SEP();
	replay_vectors(4);
	SEP();
	handshake_vectors(10);
	SEP();
	kat_vectors();
	SEP();
	keyfile_vectors();
	printf("}\n");
	memset(buf_a, 0, sizeof(buf_a));
	memset(buf_b, 0, sizeof(buf_b));
	return 0;
}
