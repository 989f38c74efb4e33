// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libsecmsg client session crypto against an independent server side
 * built from the wire code: sealing and opening under the three
 * algorithms, the replay window, following epochs (frames and headers,
 * with the bound and forged headers), the previous epoch's grace.
 */
#include <errno.h>
#include <string.h>

#include "client/internal.h"
#include "tap.h"

#define SID	0x1122334455667788ULL

static uint8_t c2s[32], s2c[32];

/* The server's view: opens c2s, seals s2c. */
struct server {
	struct secmsg_dir_keys rx, tx;
	uint64_t seq;
	int alg;
};

static void server_init(struct server *s, int alg)
{
	secmsg_dir_init(&s->rx, SECMSG_DIR_C2S, c2s);
	secmsg_dir_init(&s->tx, SECMSG_DIR_S2C, s2c);
	s->seq = 0;
	s->alg = alg;
}

static void server_ratchet(struct server *s, int alg)
{
	secmsg_dir_ratchet(&s->rx);
	secmsg_dir_ratchet(&s->tx);
	s->seq = 0;
	s->alg = alg;
}

static long server_seal(struct server *s, const char *text, uint8_t *out)
{
	return secmsg_msg_seal(&s->tx, s->alg, SID, s->seq++,
			       (const uint8_t *)text, strlen(text), out);
}

static uint8_t buf[512], pt[512];

static void algs(void)
{
	struct client_session cs;
	struct client_open_info info;
	struct server sv;
	long n, m;
	int alg;

	memset(&cs, 0, sizeof(cs));
	for (alg = 1; alg <= SECMSG_ALG_MAX; alg++) {
		server_init(&sv, alg);
		ok(!client_session_init(&cs, SID, alg, c2s, s2c),
		   "alg %d: init", alg);
		n = client_session_seal(&cs, (const uint8_t *)"hello", 5, buf);
		m = n > 0 ? secmsg_msg_open(&sv.rx, SID, buf, (size_t)n, NULL,
					    pt) : -1;
		ok(m == 5 && !memcmp(pt, "hello", 5) && buf[1] == alg,
		   "alg %d: client seals, server opens", alg);
		n = server_seal(&sv, "hi there", buf);
		m = client_session_open(&cs, buf, (size_t)n, pt, &info);
		ok(m == 8 && !memcmp(pt, "hi there", 8) && info.alg == alg &&
		   info.epoch == 0 && info.seq == 0 && !info.advanced,
		   "alg %d: server seals, client opens", alg);
		ok(client_session_open(&cs, buf, (size_t)n, pt, &info) ==
		   SECMSG_CLIENT_E_REPLAY, "alg %d: same message again: replay",
		   alg);
		n = server_seal(&sv, "x", buf);
		buf[n - 1] ^= 0x80;
		ok(client_session_open(&cs, buf, (size_t)n, pt, &info) ==
		   SECMSG_CLIENT_E_DECRYPT, "alg %d: tampered tag", alg);
		buf[n - 1] ^= 0x80;
		ok(client_session_open(&cs, buf, (size_t)n, pt, &info) == 1,
		   "alg %d: the untampered one still opens (not recorded)",
		   alg);
		client_session_wipe(&cs);
	}
	ok(client_session_init(&cs, 0, 1, c2s, s2c) == SECMSG_CLIENT_E_INVAL &&
	   client_session_init(&cs, SID, 4, c2s, s2c) == SECMSG_CLIENT_E_INVAL,
	   "init refuses session id 0 and unknown algorithms");
}

static void headers(void)
{
	struct client_session cs;
	struct client_open_info info;
	struct server sv;
	uint8_t save[512];
	long n, m;

	memset(&cs, 0, sizeof(cs));
	server_init(&sv, SECMSG_ALG_AES_256_GCM);
	client_session_init(&cs, SID, SECMSG_ALG_AES_256_GCM, c2s, s2c);

	/* a message of epoch 0 still queued when the server rotates */
	n = server_seal(&sv, "old", save);
	server_ratchet(&sv, SECMSG_ALG_TWOFISH_CBC);
	m = server_seal(&sv, "new epoch", buf);
	buf[m - 1] ^= 1;
	ok(client_session_open(&cs, buf, (size_t)m, pt, &info) ==
	   SECMSG_CLIENT_E_DECRYPT && cs.epoch == 0 && !info.advanced,
	   "a forged header of epoch 1 does not move the session");
	buf[m - 1] ^= 1;
	ok(client_session_open(&cs, buf, (size_t)m, pt, &info) == 9 &&
	   info.advanced && cs.epoch == 1 && cs.alg == SECMSG_ALG_TWOFISH_CBC &&
	   info.alg == SECMSG_ALG_TWOFISH_CBC,
	   "a header of epoch 1 moves the session, under its algorithm");
	ok(client_session_open(&cs, save, (size_t)n, pt, &info) == 3 &&
	   info.epoch == 0, "the previous epoch still opens (grace)");
	ok(client_session_open(&cs, save, (size_t)n, pt, &info) ==
	   SECMSG_CLIENT_E_REPLAY, "with its own replay window");
	n = client_session_seal(&cs, (const uint8_t *)"up", 2, buf);
	m = secmsg_msg_open(&sv.rx, SID, buf, (size_t)n, NULL, pt);
	ok(m == 2 && buf[1] == SECMSG_ALG_TWOFISH_CBC && buf[7] == 1,
	   "the client seals under epoch 1 from then on");

	/* three epochs ahead at once */
	server_ratchet(&sv, SECMSG_ALG_CHACHA20_POLY1305);
	n = server_seal(&sv, "two", save);
	server_ratchet(&sv, SECMSG_ALG_CHACHA20_POLY1305);
	server_ratchet(&sv, SECMSG_ALG_CHACHA20_POLY1305);
	m = server_seal(&sv, "four", buf);
	ok(client_session_open(&cs, buf, (size_t)m, pt, &info) == 4 &&
	   cs.epoch == 4, "a jump from epoch 1 to 4");
	ok(client_session_open(&cs, save, (size_t)n, pt, &info) ==
	   SECMSG_CLIENT_E_EPOCH, "epoch 2 is older than the grace epoch 3");
	n = client_session_seal(&cs, (const uint8_t *)"x", 1, buf);
	ok(secmsg_msg_open(&sv.rx, SID, buf, (size_t)n, NULL, pt) == 1,
	   "both directions followed");

	/* a header beyond the bound */
	{
		struct server far = sv;
		uint32_t i;

		for (i = 0; i <= SECMSG_CLIENT_MAX_EPOCH_JUMP; i++)
			server_ratchet(&far, SECMSG_ALG_AES_256_GCM);
		m = server_seal(&far, "far", buf);
		ok(client_session_open(&cs, buf, (size_t)m, pt, &info) ==
		   SECMSG_CLIENT_E_EPOCH && cs.epoch == 4,
		   "a header more than %d epochs ahead is refused",
		   SECMSG_CLIENT_MAX_EPOCH_JUMP);
		secmsg_dir_wipe(&far.rx);
		secmsg_dir_wipe(&far.tx);
	}
	/* another session's message */
	m = secmsg_msg_seal(&sv.tx, sv.alg, SID + 1, 99, (const uint8_t *)"x",
			    1, buf);
	ok(client_session_open(&cs, buf, (size_t)m, pt, &info) ==
	   SECMSG_CLIENT_E_DECRYPT, "another session id is refused");
	ok(client_session_open(&cs, buf, 10, pt, &info) ==
	   SECMSG_CLIENT_E_DECRYPT, "a short message is refused");
	client_session_wipe(&cs);
	ok(!cs.active && !cs.tx.key[0] && !cs.rx.secret[0],
	   "wipe clears the session");
}

static void frames(void)
{
	struct client_session cs;
	struct client_open_info info;
	struct server sv;
	long n;

	memset(&cs, 0, sizeof(cs));
	server_init(&sv, SECMSG_ALG_AES_256_GCM);
	client_session_init(&cs, SID, SECMSG_ALG_AES_256_GCM, c2s, s2c);
	ok(!client_session_advance(&cs, 0, SECMSG_ALG_AES_256_GCM),
	   "epoch frame of the current epoch: nothing to do");
	ok(client_session_advance(&cs, 0, SECMSG_ALG_TWOFISH_CBC) ==
	   SECMSG_CLIENT_E_PROTOCOL, "the current epoch under another alg");
	ok(!client_session_advance(&cs, 2, SECMSG_ALG_CHACHA20_POLY1305) &&
	   cs.epoch == 2 && cs.tx_seq == 0, "epoch frame 2: followed");
	server_ratchet(&sv, SECMSG_ALG_AES_256_GCM);
	server_ratchet(&sv, SECMSG_ALG_CHACHA20_POLY1305);
	n = server_seal(&sv, "after", buf);
	ok(client_session_open(&cs, buf, (size_t)n, pt, &info) == 5 &&
	   !info.advanced, "a message of that epoch opens");
	ok(client_session_advance(&cs, 1, SECMSG_ALG_AES_256_GCM) ==
	   SECMSG_CLIENT_E_EPOCH, "an older epoch frame is refused");
	ok(client_session_advance(&cs, 3 + SECMSG_CLIENT_MAX_EPOCH_JUMP,
				  SECMSG_ALG_AES_256_GCM) == SECMSG_CLIENT_E_EPOCH,
	   "an epoch frame beyond the bound is refused");
	cs.tx_seq = SECMSG_MAX_MESSAGES_LIMIT;
	ok(client_session_seal(&cs, (const uint8_t *)"x", 1, buf) ==
	   SECMSG_CLIENT_E_EXHAUSTED, "sequence numbers stop at 2^48");
	ok(client_session_seal(&cs, buf, SECMSG_MAX_PLAINTEXT + 1, buf) ==
	   SECMSG_CLIENT_E_TOO_LARGE, "a plaintext above 65280 is refused");
	client_session_wipe(&cs);
}

int main(void)
{
	int i;

	for (i = 0; i < 32; i++) {
		c2s[i] = (uint8_t)i;
		s2c[i] = (uint8_t)(0x80 + i);
	}
	algs();
	headers();
	frames();
	return done();
}
