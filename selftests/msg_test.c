// SPDX-License-Identifier: GPL-2.0
/*
 * SECMSG_CMD_MSG: the test plays the client with libsecmsg (nettle).
 * SEAL in the kernel opens in userspace, userspace seals open in the
 * kernel, RESEAL A -> B opens with B's keys; every algorithm and size;
 * tampering of every header field and the body, replays, the window;
 * every failure's reason (enum secmsg_fail) as the extack cookie, in a
 * batch result and in the namespace's count of that reason; more keys in
 * use than shared transforms, and keys freed and their memory reused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nettle/cbc.h>
#include <nettle/gcm.h>
#include <nettle/hmac.h>
#include <nettle/twofish.h>
#include "kselftest_harness.h"
#include "common.h"

#define MAX_IDS 64

FIXTURE(msg) {
	struct secmsg_nl *nl;
	uint64_t ids[MAX_IDS];
	int n_ids;
	uint8_t *pt, *buf, *out;
};

FIXTURE_SETUP(msg)
{
	self->nl = nl_open_or_null();
	ASSERT_NE(NULL, self->nl);
	self->pt = malloc(MSG_BUF_LEN);
	self->buf = malloc(MSG_BUF_LEN);
	self->out = malloc(MSG_BUF_LEN);
	ASSERT_TRUE(self->pt && self->buf && self->out);
}

FIXTURE_TEARDOWN(msg)
{
	int i;

	for (i = 0; i < self->n_ids; i++)
		del_quiet(self->nl, self->ids[i]);
	if (self->nl)
		secmsg_nl_close(self->nl);
	free(self->pt);
	free(self->buf);
	free(self->out);
}

static int mk(FIXTURE_DATA(msg) *self, struct client *c, int alg)
{
	int err = client_new(self->nl, c, alg, NULL, 0, NULL);

	if (!err && self->n_ids < MAX_IDS)
		self->ids[self->n_ids++] = c->id;
	return err;
}

static size_t sealed_len(int alg, size_t len)
{
	if (alg == SECMSG_ALG_TWOFISH_CBC)
		return SECMSG_HDR_LEN + SECMSG_CBC_IV_LEN +
		       (len / 16 + 1) * 16 + SECMSG_HMAC_TAG_LEN;
	return SECMSG_HDR_LEN + len + SECMSG_AEAD_TAG_LEN;
}

/* kernel OPEN; returns plaintext length or -errno */
static long kopen(struct secmsg_nl *nl, uint64_t id, const uint8_t *m,
		  size_t len, uint8_t *out, uint64_t *seq)
{
	struct secmsg_msg_result r = { 0 };
	int err = secmsg_msg(nl, SECMSG_MSG_OPEN, id, 0, m, len, &r);
	long n;

	if (err)
		return err;
	n = r.len;
	memcpy(out, r.data, r.len);
	if (seq)
		*seq = r.seq;
	secmsg_msg_result_free(&r);
	return n;
}

static const size_t sizes[] = { 0, 1, 15, 16, 17, 1000,
				SECMSG_MAX_PLAINTEXT };

TEST_F(msg, seal_kernel_open_user)
{
	size_t a, i;

	for (a = 0; a < N_ALGS; a++) {
		struct secmsg_msg_result big = { 0 };
		struct secmsg_counters cnt;
		uint64_t bytes = 0;
		struct client c;

		ASSERT_EQ(0, mk(self, &c, test_algs[a]));
		for (i = 0; i < ARRAY_SIZE(sizes); i++) {
			struct secmsg_msg_result r = { 0 };
			struct secmsg_hdr h;
			size_t len = sizes[i];

			fill_pattern(self->pt, len, i + 7 * a);
			ASSERT_EQ(0, secmsg_msg(self->nl, SECMSG_MSG_SEAL, c.id,
						0, self->pt, len, &r));
			EXPECT_EQ(i, r.seq);	/* starts at 0, one by one */
			EXPECT_EQ(0, r.epoch);
			EXPECT_EQ(sealed_len(c.alg, len), r.len);
			ASSERT_GE(r.len, SECMSG_HDR_LEN);
			EXPECT_EQ(SECMSG_WIRE_VERSION, r.data[HDR_OFF_VERSION]);
			EXPECT_EQ(c.alg, r.data[HDR_OFF_ALG]);
			EXPECT_EQ(0, r.data[2] | r.data[3]);
			EXPECT_EQ(0, get_be32(r.data + HDR_OFF_EPOCH));
			EXPECT_EQ(c.id, get_be64(r.data + HDR_OFF_SESSION));
			EXPECT_EQ(i, get_be64(r.data + HDR_OFF_SEQ));
			ASSERT_EQ((long)len, client_open(&c, r.data, r.len, &h,
							 self->out));
			ASSERT_EQ(0, memcmp(self->out, self->pt, len));
			bytes += len;
			secmsg_msg_result_free(&r);
		}
		ASSERT_EQ(0, get_counters(self->nl, c.id, &cnt));
		EXPECT_EQ(ARRAY_SIZE(sizes), cnt.tx_messages);
		EXPECT_EQ(bytes, cnt.tx_bytes);
		EXPECT_EQ(0, cnt.rx_messages);
		/* one more than the limit */
		EXPECT_EQ(-EMSGSIZE,
			  secmsg_msg(self->nl, SECMSG_MSG_SEAL, c.id, 0,
				     self->pt, SECMSG_MAX_PLAINTEXT + 1, &big));
	}
}

TEST_F(msg, seal_user_open_kernel)
{
	size_t a, i;

	for (a = 0; a < N_ALGS; a++) {
		struct secmsg_counters cnt;
		uint64_t bytes = 0;
		struct client c;

		ASSERT_EQ(0, mk(self, &c, test_algs[a]));
		for (i = 0; i < ARRAY_SIZE(sizes); i++) {
			size_t len = sizes[i];
			uint64_t seq = ~0ULL;
			long n;

			fill_pattern(self->pt, len, 100 + i);
			n = client_seal(&c, self->pt, len, self->buf);
			ASSERT_EQ((long)sealed_len(c.alg, len), n);
			ASSERT_EQ((long)len, kopen(self->nl, c.id, self->buf, n,
						   self->out, &seq));
			EXPECT_EQ(0, memcmp(self->out, self->pt, len));
			EXPECT_EQ(i, seq);
			bytes += len;
		}
		ASSERT_EQ(0, get_counters(self->nl, c.id, &cnt));
		EXPECT_EQ(ARRAY_SIZE(sizes), cnt.rx_messages);
		EXPECT_EQ(bytes, cnt.rx_bytes);
		EXPECT_EQ(0, cnt.tx_messages);
		EXPECT_EQ(0, cnt.auth_failures);
	}
}

TEST_F(msg, reseal_a_to_b)
{
	size_t a, b, i;

	for (a = 0; a < N_ALGS; a++) {
		for (b = 0; b < N_ALGS; b++) {
			struct secmsg_counters ca, cb;
			struct client A, B;
			uint64_t bytes = 0;

			ASSERT_EQ(0, mk(self, &A, test_algs[a]));
			ASSERT_EQ(0, mk(self, &B, test_algs[b]));
			for (i = 0; i < ARRAY_SIZE(sizes); i++) {
				struct secmsg_msg_result r = { 0 };
				struct secmsg_hdr h;
				size_t len = sizes[i];
				long n;

				/* large ones once per pair of algorithms */
				if (len > 1000 && a != b)
					continue;
				fill_pattern(self->pt, len, 1000 + i);
				n = client_seal(&A, self->pt, len, self->buf);
				ASSERT_GT(n, 0);
				ASSERT_EQ(0, secmsg_msg(self->nl,
							SECMSG_MSG_RESEAL, A.id,
							B.id, self->buf, n,
							&r));
				EXPECT_EQ(B.id, get_be64(r.data +
							 HDR_OFF_SESSION));
				EXPECT_EQ(B.alg, r.data[HDR_OFF_ALG]);
				ASSERT_EQ((long)len,
					  client_open(&B, r.data, r.len, &h,
						      self->out));
				EXPECT_EQ(0, memcmp(self->out, self->pt, len));
				/* A's S2C keys do not open it */
				EXPECT_GT(0, client_open(&A, r.data, r.len,
							 NULL, self->out));
				bytes += len;
				secmsg_msg_result_free(&r);
			}
			ASSERT_EQ(0, get_counters(self->nl, A.id, &ca));
			ASSERT_EQ(0, get_counters(self->nl, B.id, &cb));
			EXPECT_EQ(ca.rx_messages, cb.tx_messages);
			EXPECT_EQ(bytes, ca.rx_bytes);
			EXPECT_EQ(bytes, cb.tx_bytes);
			EXPECT_EQ(0, ca.tx_messages);
			EXPECT_EQ(0, cb.rx_messages);
		}
	}
}

/*
 * More keys in use than the shared algorithm's transforms (kmod/keyslot.c:
 * chacha20_poly1305, 256 slots with up to 4 CPUs, at most 4,096): slots
 * change hands on nearly every message here, and each message must still
 * be sealed and opened with its own key.  Every session seals, opens and
 * reseals to the next one, twice in the same order (600 keys).  Its own
 * timeout: the debug kernel takes minutes.
 */
#define SLOT_KEYS 300

static void seal_open_all(struct __test_metadata *_metadata,
			  FIXTURE_DATA(msg) *self, struct client *cs,
			  size_t n, unsigned int round)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct client *c = &cs[i], *next = &cs[(i + 1) % n];
		struct secmsg_msg_result r = { 0 };
		size_t len = 1 + (i + round) % 200;
		long m;

		fill_pattern(self->pt, len, i * 3 + round);
		ASSERT_EQ(0, secmsg_msg(self->nl, SECMSG_MSG_SEAL, c->id, 0,
					self->pt, len, &r));
		ASSERT_EQ((long)len, client_open(c, r.data, r.len, NULL,
						 self->out));
		ASSERT_EQ(0, memcmp(self->out, self->pt, len));
		secmsg_msg_result_free(&r);

		m = client_seal(c, self->pt, len, self->buf);
		ASSERT_GT(m, 0);
		ASSERT_EQ((long)len, kopen(self->nl, c->id, self->buf, m,
					   self->out, NULL));
		ASSERT_EQ(0, memcmp(self->out, self->pt, len));

		m = client_seal(c, self->pt, len, self->buf);
		ASSERT_GT(m, 0);
		ASSERT_EQ(0, secmsg_msg(self->nl, SECMSG_MSG_RESEAL, c->id,
					next->id, self->buf, m, &r));
		ASSERT_EQ((long)len, client_open(next, r.data, r.len, NULL,
						 self->out));
		ASSERT_EQ(0, memcmp(self->out, self->pt, len));
		secmsg_msg_result_free(&r);
	}
}

TEST_F_TIMEOUT(msg, more_keys_than_shared_transforms, 600)
{
	struct client *cs = calloc(SLOT_KEYS, sizeof(*cs));
	unsigned int round;
	size_t i, made;

	ASSERT_NE(NULL, cs);
	for (made = 0; made < SLOT_KEYS; made++)
		if (client_new(self->nl, &cs[made],
			       SECMSG_ALG_CHACHA20_POLY1305, NULL, 0, NULL))
			break;
	EXPECT_EQ(SLOT_KEYS, made);
	for (round = 0; made == SLOT_KEYS && round < 2; round++)
		seal_open_all(_metadata, self, cs, made, round);
	for (i = 0; i < made; i++) {
		del_quiet(self->nl, cs[i].id);
		client_wipe(&cs[i]);
	}
	free(cs);
}

/*
 * A key freed while its slot still holds it: the slot forgets it, so a
 * new key that gets the freed one's memory is keyed as itself.  Keys of
 * short-lived sessions come and go, each sealing once.
 */
TEST_F(msg, key_freed_then_memory_reused)
{
	size_t a;
	int i;

	for (a = 0; a < N_ALGS; a++) {
		for (i = 0; i < 300; i++) {
			struct secmsg_msg_result r = { 0 };
			struct client c;
			size_t len = 1 + i % 64;

			ASSERT_EQ(0, client_new(self->nl, &c, test_algs[a],
						NULL, 0, NULL));
			fill_pattern(self->pt, len, i);
			EXPECT_EQ(0, secmsg_msg(self->nl, SECMSG_MSG_SEAL,
						c.id, 0, self->pt, len, &r));
			EXPECT_EQ((long)len, client_open(&c, r.data, r.len,
							 NULL, self->out));
			EXPECT_EQ(0, memcmp(self->out, self->pt, len));
			secmsg_msg_result_free(&r);
			del_quiet(self->nl, c.id);
			client_wipe(&c);
			if (!_metadata->passed)
				return;
		}
	}
}

/* RESEAL output continues the destination's own S2C sequence */
TEST_F(msg, reseal_shares_seq)
{
	struct secmsg_msg_result r = { 0 };
	struct client A, B;
	long n;

	ASSERT_EQ(0, mk(self, &A, SECMSG_ALG_AES_256_GCM));
	ASSERT_EQ(0, mk(self, &B, SECMSG_ALG_CHACHA20_POLY1305));
	ASSERT_EQ(0, secmsg_msg(self->nl, SECMSG_MSG_SEAL, B.id, 0,
				(const uint8_t *)"x", 1, &r));
	EXPECT_EQ(0, r.seq);
	secmsg_msg_result_free(&r);
	n = client_seal(&A, "y", 1, self->buf);
	ASSERT_EQ(0, secmsg_msg(self->nl, SECMSG_MSG_RESEAL, A.id, B.id,
				self->buf, n, &r));
	EXPECT_EQ(1, r.seq);
	secmsg_msg_result_free(&r);
	ASSERT_EQ(0, secmsg_msg(self->nl, SECMSG_MSG_SEAL, B.id, 0,
				(const uint8_t *)"z", 1, &r));
	EXPECT_EQ(2, r.seq);
	secmsg_msg_result_free(&r);
	/* a replayed RESEAL source is refused like an OPEN */
	EXPECT_EQ(-EALREADY, secmsg_msg(self->nl, SECMSG_MSG_RESEAL, A.id,
					B.id, self->buf, n, &r));
}

/* A validly sealed message whose plaintext is one byte too long. */
TEST_F(msg, open_oversized_emsgsize)
{
	struct secmsg_dir_keys k;
	struct gcm_aes256_ctx g;
	struct secmsg_hdr h = { .version = SECMSG_WIRE_VERSION,
				.alg = SECMSG_ALG_AES_256_GCM };
	struct secmsg_msg_result r = { 0 };
	uint8_t nonce[12];
	size_t len = SECMSG_MAX_PLAINTEXT + 1;
	struct client c;
	int err;

	ASSERT_EQ(0, mk(self, &c, SECMSG_ALG_AES_256_GCM));
	client_keys_at(&c, SECMSG_DIR_C2S, 0, &k);
	h.session_id = c.id;
	h.seq = 0;
	secmsg_hdr_put(self->buf, &h);
	memcpy(nonce, k.salt, 12);	/* salt XOR seq 0 */
	fill_pattern(self->pt, len, 3);
	gcm_aes256_set_key(&g, k.key);
	gcm_aes256_set_iv(&g, 12, nonce);
	gcm_aes256_update(&g, SECMSG_HDR_LEN, self->buf);
	gcm_aes256_encrypt(&g, len, self->buf + SECMSG_HDR_LEN, self->pt);
	gcm_aes256_digest(&g, 16, self->buf + SECMSG_HDR_LEN + len);
	err = secmsg_msg(self->nl, SECMSG_MSG_OPEN, c.id, 0, self->buf,
			 SECMSG_HDR_LEN + len + 16, &r);
	TH_LOG("open of %zu-byte plaintext: %s", len, errname(err));
	EXPECT_EQ(-EMSGSIZE, err);
	/* and the same construction one byte shorter opens (seq 1) */
	len--;
	h.seq = 1;
	secmsg_hdr_put(self->buf, &h);
	nonce[11] ^= 1;
	gcm_aes256_set_iv(&g, 12, nonce);
	gcm_aes256_update(&g, SECMSG_HDR_LEN, self->buf);
	gcm_aes256_encrypt(&g, len, self->buf + SECMSG_HDR_LEN, self->pt);
	gcm_aes256_digest(&g, 16, self->buf + SECMSG_HDR_LEN + len);
	EXPECT_EQ((long)len, kopen(self->nl, c.id, self->buf,
				   SECMSG_HDR_LEN + len + 16, self->out, NULL));
	EXPECT_EQ(0, memcmp(self->out, self->pt, len));
	secmsg_dir_wipe(&k);
}

/* ---------------------------------------------------------------- */
/* Tampering */

struct tamper {
	const char *what;
	int off;		/* byte offset; negative: from the end */
	uint8_t xor;
	int want;		/* errno */
	int counter;		/* 0 none, 1 auth_failures, 2 stale_epoch */
	int stat;		/* SECMSG_STATS_A_* expected to move, or 0 */
};

static const struct tamper tampers[] = {
	{ "version", HDR_OFF_VERSION, 0x03, EPROTO, 0, SECMSG_STATS_A_BAD_HEADER },
	{ "version 0", HDR_OFF_VERSION, SECMSG_WIRE_VERSION, EPROTO, 0,
	  SECMSG_STATS_A_BAD_HEADER },
	{ "alg", HDR_OFF_ALG, 0x10, EPROTO, 0, SECMSG_STATS_A_BAD_HEADER },
	{ "alg swap", HDR_OFF_ALG, 0x03, EPROTO, 0, SECMSG_STATS_A_BAD_HEADER },
	{ "reserved hi", HDR_OFF_RESERVED, 0x80, EPROTO, 0,
	  SECMSG_STATS_A_BAD_HEADER },
	{ "reserved lo", HDR_OFF_RESERVED + 1, 0x01, EPROTO, 0,
	  SECMSG_STATS_A_BAD_HEADER },
	{ "epoch +1", HDR_OFF_EPOCH + 3, 0x01, EKEYREJECTED, 2,
	  SECMSG_STATS_A_STALE_EPOCH },
	{ "epoch high", HDR_OFF_EPOCH, 0x80, EKEYREJECTED, 2,
	  SECMSG_STATS_A_STALE_EPOCH },
	{ "session id", HDR_OFF_SESSION + 7, 0x01, EPROTO, 0,
	  SECMSG_STATS_A_BAD_HEADER },
	{ "session id hi", HDR_OFF_SESSION, 0x40, EPROTO, 0,
	  SECMSG_STATS_A_BAD_HEADER },
	{ "seq", HDR_OFF_SEQ + 7, 0x04, EBADMSG, 1,
	  SECMSG_STATS_A_AUTH_FAILURES },
	{ "seq hi", HDR_OFF_SEQ + 4, 0x01, EBADMSG, 1,
	  SECMSG_STATS_A_AUTH_FAILURES },
	{ "body first", SECMSG_HDR_LEN, 0x01, EBADMSG, 1,
	  SECMSG_STATS_A_AUTH_FAILURES },
	{ "body mid", SECMSG_HDR_LEN + 20, 0x20, EBADMSG, 1,
	  SECMSG_STATS_A_AUTH_FAILURES },
	{ "tag first", -16, 0x01, EBADMSG, 1, SECMSG_STATS_A_AUTH_FAILURES },
	{ "tag last", -1, 0x80, EBADMSG, 1, SECMSG_STATS_A_AUTH_FAILURES },
};

TEST_F(msg, tamper_every_region)
{
	size_t a, t;

	for (a = 0; a < N_ALGS; a++) {
		struct secmsg_counters c0, c1;
		struct client c;
		uint64_t seq;
		long n;

		ASSERT_EQ(0, mk(self, &c, test_algs[a]));
		fill_pattern(self->pt, 40, a);
		n = client_seal(&c, self->pt, 40, self->buf);
		ASSERT_GT(n, 60);
		for (t = 0; t < ARRAY_SIZE(tampers); t++) {
			const struct tamper *tp = &tampers[t];
			struct secmsg_stats s0, s1;
			int off = tp->off < 0 ? n + tp->off : tp->off;
			long e;

			ASSERT_EQ(0, get_counters(self->nl, c.id, &c0));
			ASSERT_EQ(0, secmsg_stats_get(self->nl, &s0));
			self->buf[off] ^= tp->xor;
			e = kopen(self->nl, c.id, self->buf, n, self->out, NULL);
			self->buf[off] ^= tp->xor;
			TH_LOG("%s %s: %s", secmsg_alg_name(c.alg), tp->what,
			       errname(e));
			EXPECT_EQ(-tp->want, e);
			ASSERT_EQ(0, get_counters(self->nl, c.id, &c1));
			ASSERT_EQ(0, secmsg_stats_get(self->nl, &s1));
			EXPECT_EQ(c0.auth_failures + (tp->counter == 1),
				  c1.auth_failures);
			EXPECT_EQ(c0.stale_epoch + (tp->counter == 2),
				  c1.stale_epoch);
			EXPECT_EQ(c0.replays, c1.replays);
			EXPECT_EQ(c0.rx_messages, c1.rx_messages);
			EXPECT_EQ(s0.v[tp->stat] + 1, s1.v[tp->stat]);
		}
		/* too short: below the header, below header + tag */
		EXPECT_EQ(-EINVAL, kopen(self->nl, c.id, self->buf, 10,
					 self->out, NULL));
		EXPECT_EQ(-EINVAL, kopen(self->nl, c.id, self->buf,
					 SECMSG_HDR_LEN + 8, self->out, NULL));
		EXPECT_EQ(-EINVAL, kopen(self->nl, c.id, self->buf, 0,
					 self->out, NULL));
		/* nothing was recorded: the untouched message opens once */
		ASSERT_EQ(40, kopen(self->nl, c.id, self->buf, n, self->out,
				    &seq));
		EXPECT_EQ(0, memcmp(self->out, self->pt, 40));
		EXPECT_EQ(0, seq);
		EXPECT_EQ(-EALREADY, kopen(self->nl, c.id, self->buf, n,
					   self->out, NULL));
		ASSERT_EQ(0, get_counters(self->nl, c.id, &c1));
		EXPECT_EQ(1, c1.replays);
		EXPECT_EQ(1, c1.rx_messages);
	}
}

/* Twofish: IV and ciphertext bytes are both under the MAC */
TEST_F(msg, tamper_twofish_iv)
{
	struct client c;
	long n;

	ASSERT_EQ(0, mk(self, &c, SECMSG_ALG_TWOFISH_CBC));
	n = client_seal(&c, "twofish", 7, self->buf);
	ASSERT_EQ(24 + 16 + 16 + 32, n);
	self->buf[SECMSG_HDR_LEN + 15] ^= 1;	/* IV */
	EXPECT_EQ(-EBADMSG, kopen(self->nl, c.id, self->buf, n, self->out,
				  NULL));
	self->buf[SECMSG_HDR_LEN + 15] ^= 1;
	self->buf[SECMSG_HDR_LEN + 16] ^= 1;	/* ciphertext */
	EXPECT_EQ(-EBADMSG, kopen(self->nl, c.id, self->buf, n, self->out,
				  NULL));
	self->buf[SECMSG_HDR_LEN + 16] ^= 1;
	/* not a whole number of blocks */
	EXPECT_TRUE(kopen(self->nl, c.id, self->buf, n - 1, self->out,
			  NULL) == -EINVAL ||
		    kopen(self->nl, c.id, self->buf, n - 1, self->out,
			  NULL) == -EBADMSG);
	EXPECT_EQ(7, kopen(self->nl, c.id, self->buf, n, self->out, NULL));
}

TEST_F(msg, wrong_key_and_direction)
{
	struct secmsg_msg_result r = { 0 };
	struct secmsg_counters cnt;
	struct client c, other;
	size_t a;
	long n;

	for (a = 0; a < N_ALGS; a++) {
		ASSERT_EQ(0, mk(self, &c, test_algs[a]));
		ASSERT_EQ(0, mk(self, &other, test_algs[a]));
		/* the other session's keys under this session's id */
		other.id = c.id;
		n = client_seal(&other, "wrong key", 9, self->buf);
		EXPECT_EQ(-EBADMSG, kopen(self->nl, c.id, self->buf, n,
					  self->out, NULL));
		/* the S2C (server's own) message fed back as C2S */
		ASSERT_EQ(0, secmsg_msg(self->nl, SECMSG_MSG_SEAL, c.id, 0,
					(const uint8_t *)"reflect", 7, &r));
		EXPECT_EQ(-EBADMSG, kopen(self->nl, c.id, r.data, r.len,
					  self->out, NULL));
		secmsg_msg_result_free(&r);
		/* a message of c offered to another session: bad header */
		n = client_seal(&c, "elsewhere", 9, self->buf);
		EXPECT_EQ(-EPROTO, kopen(self->nl, self->ids[self->n_ids - 1],
					 self->buf, n, self->out, NULL));
		ASSERT_EQ(0, get_counters(self->nl, c.id, &cnt));
		EXPECT_EQ(2, cnt.auth_failures);
		/* the right one still opens, seq 0 unused so far */
		EXPECT_EQ(9, kopen(self->nl, c.id, self->buf, n, self->out,
				   NULL));
	}
}

/* ---------------------------------------------------------------- */
/* Replay window */

TEST_F(msg, replay_duplicate)
{
	struct secmsg_stats s0, s1;
	struct secmsg_counters cnt;
	struct client c;
	long n;

	ASSERT_EQ(0, mk(self, &c, SECMSG_ALG_CHACHA20_POLY1305));
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s0));
	n = client_seal(&c, "once", 4, self->buf);
	ASSERT_EQ(4, kopen(self->nl, c.id, self->buf, n, self->out, NULL));
	EXPECT_EQ(-EALREADY, kopen(self->nl, c.id, self->buf, n, self->out,
				   NULL));
	EXPECT_EQ(-EALREADY, kopen(self->nl, c.id, self->buf, n, self->out,
				   NULL));
	ASSERT_EQ(0, get_counters(self->nl, c.id, &cnt));
	EXPECT_EQ(2, cnt.replays);
	EXPECT_EQ(1, cnt.rx_messages);
	EXPECT_EQ(0, cnt.auth_failures);
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s1));
	EXPECT_EQ(s0.v[SECMSG_STATS_A_REPLAYS] + 2,
		  s1.v[SECMSG_STATS_A_REPLAYS]);
}

static long open_seq(FIXTURE_DATA(msg) *self, struct client *c, uint64_t seq)
{
	uint8_t p[8];
	long n;

	put_be64(p, seq);
	n = client_seal_at(c, 0, c->alg, seq, p, 8, self->buf);
	if (n < 0)
		return n;
	n = kopen(self->nl, c->id, self->buf, n, self->out, NULL);
	if (n == 8 && memcmp(self->out, p, 8))
		return -EILSEQ;
	return n == 8 ? 0 : n;
}

TEST_F(msg, replay_window)
{
	static const uint64_t top = 3000;
	static const int64_t probes[] = { -1, -2047, -2048, -2049, -2500,
					  -3000, -100, -1, 0, 1, -2047 };
	struct secmsg_replay model;
	struct secmsg_counters cnt;
	uint64_t stale = 0, dup = 0;
	struct client c;
	size_t i;

	ASSERT_EQ(0, mk(self, &c, SECMSG_ALG_AES_256_GCM));
	secmsg_replay_init(&model);
	ASSERT_EQ(0, secmsg_replay_check(&model, top));
	ASSERT_EQ(0, open_seq(self, &c, top));
	/* well inside and well outside, whatever the edge rule */
	EXPECT_EQ(0, open_seq(self, &c, top - 1000));
	EXPECT_EQ(0, secmsg_replay_check(&model, top - 1000));
	EXPECT_EQ(-ESTALE, open_seq(self, &c, top - 2100));
	EXPECT_EQ(-ESTALE, secmsg_replay_check(&model, top - 2100));
	stale++;
	/* the edge: as the userspace model of the same rule says */
	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		uint64_t s = top + probes[i];
		int want = secmsg_replay_check(&model, s);
		int got = open_seq(self, &c, s);

		TH_LOG("seq top%+lld: kernel %s, model %s",
		       (long long)probes[i], errname(got), errname(want));
		EXPECT_EQ(want, got);
		stale += want == -ESTALE;
		dup += want == -EALREADY;
	}
	EXPECT_EQ(0, open_seq(self, &c, top + 2));
	EXPECT_EQ(-ESTALE, open_seq(self, &c, 0));
	stale++;
	ASSERT_EQ(0, get_counters(self->nl, c.id, &cnt));
	EXPECT_EQ(stale + dup, cnt.replays);
	EXPECT_LE(2, stale);
	EXPECT_LE(1, dup);
}

TEST_F(msg, out_of_order_accepted)
{
	static const uint64_t order[] = { 10, 5, 7, 6, 0, 9, 8, 11, 1, 4, 3,
					  2, 2047, 100, 12 };
	struct secmsg_counters cnt;
	struct client c;
	size_t i;

	ASSERT_EQ(0, mk(self, &c, SECMSG_ALG_TWOFISH_CBC));
	for (i = 0; i < ARRAY_SIZE(order); i++)
		EXPECT_EQ(0, open_seq(self, &c, order[i]));
	EXPECT_EQ(-EALREADY, open_seq(self, &c, 7));
	EXPECT_EQ(-EALREADY, open_seq(self, &c, 0));
	EXPECT_EQ(0, open_seq(self, &c, 13));
	ASSERT_EQ(0, get_counters(self->nl, c.id, &cnt));
	EXPECT_EQ(ARRAY_SIZE(order) + 1, cnt.rx_messages);
	EXPECT_EQ(2, cnt.replays);
}

/*
 * op on id with m fails with errno err for reason why, alone (the reason
 * as the extack's cookie) and in a batch (the result's reason); the
 * namespace counts it twice under that reason.
 */
static void expect_reason(struct __test_metadata *_metadata,
			  struct secmsg_nl *nl, const char *what, int op,
			  uint64_t id, const uint8_t *m, size_t len, int err,
			  int why)
{
	struct secmsg_batch_op b = { op, id, 0, 7, m, len };
	struct secmsg_msg_result r = { 0 };
	struct secmsg_stats s0, s1;

	ASSERT_EQ(0, secmsg_stats_get(nl, &s0));
	EXPECT_EQ(-err, secmsg_msg(nl, op, id, 0, m, len, &r));
	TH_LOG("%s: %s, reason %s, \"%s\"", what, errname(r.status),
	       secmsg_fail_name(r.reason) ?: "none", secmsg_nl_errmsg(nl));
	EXPECT_EQ(why, r.reason);
	ASSERT_EQ(0, secmsg_msg_batch(nl, &b, 1, &r));
	EXPECT_EQ(err, r.status);
	EXPECT_EQ(why, r.reason);
	secmsg_msg_result_free(&r);
	ASSERT_EQ(0, secmsg_stats_get(nl, &s1));
	EXPECT_EQ(2, s1.fail[why] - s0.fail[why]);
}

/*
 * A twofish_cbc message of c (C2S, epoch 0, sequence seq) that
 * authenticates but whose one block of text ends in pad, not a PKCS#7
 * padding for pad 0 or above 16: sealed by hand (header || IV || CBC ||
 * HMAC-SHA256 of the three), as libsecmsg pads only correctly.
 */
static long seal_bad_padding(const struct client *c, uint64_t seq,
			     uint8_t pad, uint8_t *out)
{
	struct secmsg_hdr h = { SECMSG_WIRE_VERSION, SECMSG_ALG_TWOFISH_CBC,
				0, c->id, seq };
	uint8_t enc[32], mac[32], iv[SECMSG_CBC_IV_LEN];
	uint8_t blk[SECMSG_CBC_BLOCK_LEN];
	uint8_t *ct = out + SECMSG_HDR_LEN + SECMSG_CBC_IV_LEN;
	struct secmsg_dir_keys k;
	struct hmac_sha256_ctx hm;
	struct twofish_ctx tf;

	client_keys_at(c, SECMSG_DIR_C2S, 0, &k);
	secmsg_twofish_subkeys(k.key, enc, mac);
	secmsg_dir_wipe(&k);
	secmsg_hdr_put(out, &h);
	rand_bytes(out + SECMSG_HDR_LEN, SECMSG_CBC_IV_LEN);
	memcpy(iv, out + SECMSG_HDR_LEN, sizeof(iv));
	memset(blk, 'x', sizeof(blk));
	blk[sizeof(blk) - 1] = pad;
	twofish_set_key(&tf, sizeof(enc), enc);
	cbc_encrypt(&tf, (nettle_cipher_func *)twofish_encrypt,
		    SECMSG_CBC_BLOCK_LEN, iv, sizeof(blk), ct, blk);
	hmac_sha256_set_key(&hm, sizeof(mac), mac);
	hmac_sha256_update(&hm, SECMSG_HDR_LEN + SECMSG_CBC_IV_LEN +
			   SECMSG_CBC_BLOCK_LEN, out);
	hmac_sha256_digest(&hm, SECMSG_HMAC_TAG_LEN, ct + SECMSG_CBC_BLOCK_LEN);
	explicit_bzero(enc, sizeof(enc));
	explicit_bzero(mac, sizeof(mac));
	explicit_bzero(&tf, sizeof(tf));
	explicit_bzero(&hm, sizeof(hm));
	return SECMSG_HDR_LEN + SECMSG_CBC_IV_LEN + SECMSG_CBC_BLOCK_LEN +
	       SECMSG_HMAC_TAG_LEN;
}

TEST_F(msg, failure_reasons)
{
	struct secmsg_policy pol = { .has_rekey_grace = true,
				     .rekey_grace = 0 };
	struct secmsg_counters tc;
	struct client c, e, t;
	uint64_t seq;
	long n;
	int i;

	ASSERT_EQ(0, mk(self, &c, SECMSG_ALG_CHACHA20_POLY1305));
	expect_reason(_metadata, self->nl, "no session", SECMSG_MSG_SEAL,
		      rand_u64() | 1, self->pt, 8, ENOENT,
		      SECMSG_FAIL_NO_SESSION);
	expect_reason(_metadata, self->nl, "too large", SECMSG_MSG_SEAL,
		      c.id, self->pt, SECMSG_MAX_PLAINTEXT + 1, EMSGSIZE,
		      SECMSG_FAIL_TOO_LARGE);
	n = client_seal(&c, "reasons", 7, self->buf);
	ASSERT_LT(0, n);
	ASSERT_EQ(7, kopen(self->nl, c.id, self->buf, n, self->out, NULL));
	expect_reason(_metadata, self->nl, "replayed", SECMSG_MSG_OPEN, c.id,
		      self->buf, n, EALREADY, SECMSG_FAIL_REPLAYED);
	self->buf[HDR_OFF_VERSION] = 2;
	expect_reason(_metadata, self->nl, "version 2", SECMSG_MSG_OPEN,
		      c.id, self->buf, n, EPROTO, SECMSG_FAIL_BAD_HEADER);
	expect_reason(_metadata, self->nl, "10 bytes", SECMSG_MSG_OPEN, c.id,
		      self->buf, 10, EINVAL, SECMSG_FAIL_BAD_LENGTH);
	n = client_seal(&c, "forged", 6, self->buf);
	self->buf[n - 1] ^= 1;
	expect_reason(_metadata, self->nl, "tampered tag", SECMSG_MSG_OPEN,
		      c.id, self->buf, n, EBADMSG, SECMSG_FAIL_AUTH_FAILED);
	/* authentic, but its padding is not: refused, and seq 0 not spent */
	ASSERT_EQ(0, mk(self, &t, SECMSG_ALG_TWOFISH_CBC));
	n = seal_bad_padding(&t, 0, 0, self->buf);
	expect_reason(_metadata, self->nl, "padding 0", SECMSG_MSG_OPEN,
		      t.id, self->buf, n, EINVAL, SECMSG_FAIL_BAD_PADDING);
	n = seal_bad_padding(&t, 0, SECMSG_CBC_BLOCK_LEN + 1, self->buf);
	expect_reason(_metadata, self->nl, "padding 17", SECMSG_MSG_OPEN,
		      t.id, self->buf, n, EINVAL, SECMSG_FAIL_BAD_PADDING);
	n = seal_bad_padding(&t, 0, 2, self->buf);	/* "x\x02" */
	expect_reason(_metadata, self->nl, "padding 2 over x", SECMSG_MSG_OPEN,
		      t.id, self->buf, n, EINVAL, SECMSG_FAIL_BAD_PADDING);
	n = seal_bad_padding(&t, 0, 1, self->buf);	/* "x" * 15, pad 1 */
	EXPECT_EQ(15, kopen(self->nl, t.id, self->buf, n, self->out, NULL));
	EXPECT_EQ(0, memcmp(self->out, "xxxxxxxxxxxxxxx", 15));
	ASSERT_EQ(0, get_counters(self->nl, t.id, &tc));
	EXPECT_EQ(1, tc.rx_messages);
	ASSERT_EQ(0, open_seq(self, &c, 3000));
	n = client_seal_at(&c, 0, c.alg, 1, "old", 3, self->buf);
	expect_reason(_metadata, self->nl, "behind the window",
		      SECMSG_MSG_OPEN, c.id, self->buf, n, ESTALE,
		      SECMSG_FAIL_BEHIND_WINDOW);

	/* epochs: no grace, so a superseded epoch is expired at once */
	ASSERT_EQ(0, client_new(self->nl, &e, SECMSG_ALG_AES_256_GCM, &pol, 0,
				NULL));
	self->ids[self->n_ids++] = e.id;
	n = client_seal_at(&e, 1, e.alg, 0, "early", 5, self->buf);
	expect_reason(_metadata, self->nl, "epoch 1 at epoch 0",
		      SECMSG_MSG_OPEN, e.id, self->buf, n, EKEYREJECTED,
		      SECMSG_FAIL_EPOCH_NOT_REACHED);
	ASSERT_EQ(0, secmsg_session_rotate(self->nl, e.id, NULL));
	seq = 5;
	n = client_seal_at(&e, 0, e.alg, seq++, "late", 4, self->buf);
	expect_reason(_metadata, self->nl, "epoch 0 at epoch 1",
		      SECMSG_MSG_OPEN, e.id, self->buf, n, EKEYEXPIRED,
		      SECMSG_FAIL_EPOCH_EXPIRED);
	for (i = 0; i < SECMSG_RX_PREV_EPOCHS; i++)
		ASSERT_EQ(0, secmsg_session_rotate(self->nl, e.id, NULL));
	n = client_seal_at(&e, 0, e.alg, seq++, "gone", 4, self->buf);
	expect_reason(_metadata, self->nl, "epoch 0 at epoch 5",
		      SECMSG_MSG_OPEN, e.id, self->buf, n, EKEYEXPIRED,
		      SECMSG_FAIL_EPOCH_ROTATED_AWAY);
	client_wipe(&c);
	client_wipe(&e);
	client_wipe(&t);
}

TEST_HARNESS_MAIN
