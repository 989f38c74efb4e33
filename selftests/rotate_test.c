// SPDX-License-Identifier: GPL-2.0
/*
 * Key rotation: by message count, by time, forced, by algorithm change;
 * the client follows with secmsg_dir_ratchet and every message still
 * opens (so the kernel's S(e + 1) is the userspace ratchet).  Grace of the
 * previous epoch, expired and future epochs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kselftest_harness.h"
#include "common.h"

#define MAX_IDS 32

FIXTURE(rot) {
	struct secmsg_nl *nl;
	uint64_t ids[MAX_IDS];
	int n_ids;
	uint8_t buf[4096], out[4096];
};

FIXTURE_SETUP(rot)
{
	self->nl = nl_open_or_null();
	ASSERT_NE(NULL, self->nl);
}

FIXTURE_TEARDOWN(rot)
{
	int i;

	for (i = 0; i < self->n_ids; i++)
		del_quiet(self->nl, self->ids[i]);
	if (self->nl)
		secmsg_nl_close(self->nl);
}

static int mk(FIXTURE_DATA(rot) *self, struct client *c, int alg,
	      const struct secmsg_policy *pol)
{
	int err = client_new(self->nl, c, alg, pol, 0, NULL);

	if (!err && self->n_ids < MAX_IDS)
		self->ids[self->n_ids++] = c->id;
	return err;
}

/* Kernel SEAL, client opens with the keys of the header's epoch. */
static int kseal_check(struct __test_metadata *_metadata,
		       FIXTURE_DATA(rot) *self, struct client *c,
		       uint32_t *epoch, uint64_t *seq, int *alg)
{
	struct secmsg_msg_result r = { 0 };
	struct secmsg_hdr h;
	uint8_t pt[33];
	int err;

	rand_bytes(pt, sizeof(pt));
	err = secmsg_msg(self->nl, SECMSG_MSG_SEAL, c->id, 0, pt, sizeof(pt),
			 &r);
	if (err)
		return err;
	EXPECT_EQ(sizeof(pt), client_open(c, r.data, r.len, &h, self->out));
	EXPECT_EQ(0, memcmp(self->out, pt, sizeof(pt)));
	EXPECT_EQ(r.epoch, h.epoch);
	EXPECT_EQ(r.seq, h.seq);
	*epoch = r.epoch;
	*seq = r.seq;
	if (alg)
		*alg = h.alg;
	secmsg_msg_result_free(&r);
	return 0;
}

/* Client seals at (epoch, seq, alg), kernel OPEN. */
static long kopen_at(FIXTURE_DATA(rot) *self, struct client *c,
		     uint32_t epoch, int alg, uint64_t seq, uint32_t *r_epoch)
{
	struct secmsg_msg_result r = { 0 };
	uint8_t pt[21];
	long n;
	int err;

	rand_bytes(pt, sizeof(pt));
	n = client_seal_at(c, epoch, alg, seq, pt, sizeof(pt), self->buf);
	if (n < 0)
		return n;
	err = secmsg_msg(self->nl, SECMSG_MSG_OPEN, c->id, 0, self->buf, n,
			 &r);
	if (err)
		return err;
	n = r.len == sizeof(pt) && !memcmp(r.data, pt, sizeof(pt)) ? 0 :
								     -EILSEQ;
	if (r_epoch)
		*r_epoch = r.epoch;
	secmsg_msg_result_free(&r);
	return n;
}

TEST_F(rot, by_count_both_directions)
{
	struct secmsg_policy p = { .has_max_messages = true,
				   .max_messages = 5 };
	struct secmsg_session_info info;
	struct client c;
	uint32_t e, re;
	uint64_t s;
	int i;

	ASSERT_EQ(0, mk(self, &c, SECMSG_ALG_AES_256_GCM, &p));
	/* five at epoch 0 */
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, kseal_check(_metadata, self, &c, &e, &s, NULL));
		EXPECT_EQ(0, e);
		EXPECT_EQ(i, s);
	}
	/* the sixth is under S(1), numbered from 0 again */
	ASSERT_EQ(0, kseal_check(_metadata, self, &c, &e, &s, NULL));
	EXPECT_EQ(1, e);
	EXPECT_EQ(0, s);
	ASSERT_EQ(0, secmsg_session_get(self->nl, c.id, &info));
	EXPECT_EQ(1, info.epoch);
	EXPECT_EQ(1, info.counters.rotations);
	/* client follows: four C2S at epoch 1 complete its five */
	client_move_to(&c, 1, 0);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(0, kopen_at(self, &c, 1, c.alg, i, &re));
		EXPECT_EQ(1, re);
	}
	ASSERT_EQ(0, kseal_check(_metadata, self, &c, &e, &s, NULL));
	EXPECT_EQ(2, e);
	EXPECT_EQ(0, s);
	/* C2S seq 0 again under epoch 2: windows are per epoch */
	EXPECT_EQ(0, kopen_at(self, &c, 2, c.alg, 0, &re));
	EXPECT_EQ(2, re);
	ASSERT_EQ(0, secmsg_session_get(self->nl, c.id, &info));
	EXPECT_EQ(2, info.epoch);
	EXPECT_EQ(2, info.counters.rotations);
	EXPECT_EQ(7, info.counters.tx_messages);
	EXPECT_EQ(5, info.counters.rx_messages);
}

TEST_F(rot, by_count_every_alg)
{
	struct secmsg_policy p = { .has_max_messages = true,
				   .max_messages = 3 };
	size_t a;
	int i;

	for (a = 0; a < N_ALGS; a++) {
		struct secmsg_session_info info;
		struct client c;
		uint32_t e;
		uint64_t s;

		ASSERT_EQ(0, mk(self, &c, test_algs[a], &p));
		for (i = 0; i < 13; i++) {
			ASSERT_EQ(0, kseal_check(_metadata, self, &c, &e, &s,
						 NULL));
			EXPECT_EQ(i / 3, e);
			EXPECT_EQ(i % 3, s);
		}
		ASSERT_EQ(0, secmsg_session_get(self->nl, c.id, &info));
		EXPECT_EQ(4, info.counters.rotations);
		EXPECT_EQ(4, info.epoch);
	}
}

TEST_F(rot, by_time_with_event)
{
	struct secmsg_policy p = { .has_rotate_interval = true,
				   .rotate_interval = 1 };
	struct secmsg_session_info info;
	struct secmsg_event_info ev;
	struct secmsg_nl *evnl = nl_open_or_null();
	struct client c;
	double t0 = mono_now();
	uint32_t e;
	uint64_t s;

	ASSERT_NE(NULL, evnl);
	ASSERT_EQ(0, secmsg_events_subscribe(evnl));
	ASSERT_EQ(0, mk(self, &c, SECMSG_ALG_CHACHA20_POLY1305, &p));
	ASSERT_EQ(0, secmsg_session_get(self->nl, c.id, &info));
	EXPECT_NE(0, info.rekey_at);
	EXPECT_GE(info.created + 2, info.rekey_at);
	/* untouched, the session moves to epoch 1 by itself */
	do {
		sleep_ms(100);
		ASSERT_EQ(0, secmsg_session_get(self->nl, c.id, &info));
	} while (info.epoch == 0 && mono_now() - t0 < 6);
	TH_LOG("epoch %u after %.2f s", info.epoch, mono_now() - t0);
	ASSERT_LE(1, info.epoch);
	EXPECT_LE(1, info.counters.rotations);
	ASSERT_EQ(0, event_wait(evnl, c.id, SECMSG_EVENT_ROTATED, &ev, 3000));
	EXPECT_EQ(1, ev.epoch);
	EXPECT_EQ(SECMSG_ALG_CHACHA20_POLY1305, ev.alg);
	EXPECT_STREQ(c.user_id, ev.user_id);
	/* and the keys are those of the ratchet */
	ASSERT_EQ(0, kseal_check(_metadata, self, &c, &e, &s, NULL));
	EXPECT_LE(1, e);
	EXPECT_EQ(0, kopen_at(self, &c, e, c.alg, 0, NULL));
	secmsg_nl_close(evnl);
}

TEST_F(rot, grace_then_expired)
{
	struct secmsg_policy p = { .has_rekey_grace = true, .rekey_grace = 1 };
	struct secmsg_session_info info;
	struct secmsg_counters cnt;
	struct client c;
	uint32_t re;

	ASSERT_EQ(0, mk(self, &c, SECMSG_ALG_TWOFISH_CBC, &p));
	EXPECT_EQ(0, kopen_at(self, &c, 0, c.alg, 0, &re));
	ASSERT_EQ(0, secmsg_session_rotate(self->nl, c.id, &info));
	ASSERT_EQ(1, info.epoch);
	/* epoch 0 still accepted right after the rotation */
	EXPECT_EQ(0, kopen_at(self, &c, 0, c.alg, 1, &re));
	EXPECT_EQ(0, re);
	EXPECT_EQ(0, kopen_at(self, &c, 1, c.alg, 0, &re));
	EXPECT_EQ(1, re);
	sleep_ms(2500);
	EXPECT_EQ(-EKEYEXPIRED, kopen_at(self, &c, 0, c.alg, 2, NULL));
	EXPECT_EQ(0, kopen_at(self, &c, 1, c.alg, 1, &re));
	ASSERT_EQ(0, get_counters(self->nl, c.id, &cnt));
	EXPECT_EQ(1, cnt.stale_epoch);
	EXPECT_EQ(4, cnt.rx_messages);
	EXPECT_EQ(0, cnt.auth_failures);
}

TEST_F(rot, future_epoch_rejected)
{
	struct secmsg_counters cnt;
	struct client c;

	ASSERT_EQ(0, mk(self, &c, SECMSG_ALG_AES_256_GCM, NULL));
	EXPECT_EQ(-EKEYREJECTED, kopen_at(self, &c, 1, c.alg, 0, NULL));
	EXPECT_EQ(-EKEYREJECTED, kopen_at(self, &c, 7, c.alg, 0, NULL));
	ASSERT_EQ(0, get_counters(self->nl, c.id, &cnt));
	EXPECT_EQ(2, cnt.stale_epoch);
	EXPECT_EQ(0, cnt.rotations);
	/* the session did not move */
	EXPECT_EQ(0, kopen_at(self, &c, 0, c.alg, 0, NULL));
}

TEST_F(rot, several_in_a_row)
{
	struct secmsg_session_info info;
	struct secmsg_counters cnt;
	struct client c;
	uint32_t e, re;
	uint64_t s;
	int i;

	ASSERT_EQ(0, mk(self, &c, SECMSG_ALG_CHACHA20_POLY1305, NULL));
	for (i = 1; i <= 10; i++) {
		ASSERT_EQ(0, secmsg_session_rotate(self->nl, c.id, &info));
		EXPECT_EQ(i, info.epoch);
	}
	ASSERT_EQ(0, kseal_check(_metadata, self, &c, &e, &s, NULL));
	EXPECT_EQ(10, e);
	EXPECT_EQ(0, s);
	EXPECT_EQ(0, kopen_at(self, &c, 10, c.alg, 0, &re));
	EXPECT_EQ(10, re);
	/*
	 * 9..6 are the last SECMSG_RX_PREV_EPOCHS superseded epochs, in
	 * grace (default 10 s); 5 and 0 are gone
	 */
	for (i = 9; i > 10 - 1 - SECMSG_RX_PREV_EPOCHS; i--) {
		EXPECT_EQ(0, kopen_at(self, &c, i, c.alg, 0, &re));
		EXPECT_EQ(i, re);
	}
	EXPECT_EQ(-EKEYEXPIRED, kopen_at(self, &c, 5, c.alg, 0, NULL));
	EXPECT_EQ(-EKEYEXPIRED, kopen_at(self, &c, 0, c.alg, 5, NULL));
	ASSERT_EQ(0, get_counters(self->nl, c.id, &cnt));
	EXPECT_EQ(10, cnt.rotations);
	EXPECT_EQ(2, cnt.stale_epoch);
}

TEST_F(rot, alg_change_under_rotation)
{
	struct secmsg_policy p = { .has_max_messages = true,
				   .max_messages = 4 };
	struct secmsg_session_info info;
	struct client c;
	uint32_t e, re;
	uint64_t s;
	int i, alg;

	ASSERT_EQ(0, mk(self, &c, SECMSG_ALG_AES_256_GCM, &p));
	ASSERT_EQ(0, kseal_check(_metadata, self, &c, &e, &s, &alg));
	EXPECT_EQ(SECMSG_ALG_AES_256_GCM, alg);
	ASSERT_EQ(0, secmsg_session_set(self->nl, c.id,
					SECMSG_ALG_TWOFISH_CBC, NULL, &info));
	EXPECT_EQ(1, info.epoch);
	EXPECT_EQ(SECMSG_ALG_TWOFISH_CBC, info.alg);
	client_move_to(&c, 1, SECMSG_ALG_TWOFISH_CBC);
	/* 4 messages per epoch: 1 open + 3 seals at 1, then 2, twofish */
	EXPECT_EQ(0, kopen_at(self, &c, 1, SECMSG_ALG_TWOFISH_CBC, 0, &re));
	EXPECT_EQ(1, re);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, kseal_check(_metadata, self, &c, &e, &s, &alg));
		EXPECT_EQ(SECMSG_ALG_TWOFISH_CBC, alg);
		EXPECT_EQ(i < 3 ? 1 : 2, e);
	}
	ASSERT_EQ(0, secmsg_session_get(self->nl, c.id, &info));
	EXPECT_EQ(2, info.epoch);
	EXPECT_EQ(SECMSG_ALG_TWOFISH_CBC, info.alg);
	EXPECT_EQ(2, info.counters.rotations);
	/* switch again: epoch 3, chacha */
	ASSERT_EQ(0, secmsg_session_set(self->nl, c.id,
					SECMSG_ALG_CHACHA20_POLY1305, NULL,
					&info));
	EXPECT_EQ(3, info.epoch);
	ASSERT_EQ(0, kseal_check(_metadata, self, &c, &e, &s, &alg));
	EXPECT_EQ(3, e);
	EXPECT_EQ(SECMSG_ALG_CHACHA20_POLY1305, alg);
	/* previous epoch under its own (previous) algorithm: in grace */
	EXPECT_EQ(0, kopen_at(self, &c, 2, SECMSG_ALG_TWOFISH_CBC, 0, &re));
	EXPECT_EQ(2, re);
	/* an epoch under another algorithm than its key's: bad header */
	EXPECT_EQ(-EPROTO, kopen_at(self, &c, 2, SECMSG_ALG_AES_256_GCM, 1,
				    NULL));
	EXPECT_EQ(-EPROTO, kopen_at(self, &c, 3, SECMSG_ALG_TWOFISH_CBC, 0,
				    NULL));
	EXPECT_EQ(0, kopen_at(self, &c, 3, SECMSG_ALG_CHACHA20_POLY1305, 0,
			      &re));
	EXPECT_EQ(3, re);
	/* epoch 0 is three behind: still in grace, under its own algorithm */
	EXPECT_EQ(0, kopen_at(self, &c, 0, SECMSG_ALG_AES_256_GCM, 9, &re));
	EXPECT_EQ(0, re);
	/* five more rotations push it out of the kept epochs */
	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, secmsg_session_rotate(self->nl, c.id, &info));
	EXPECT_EQ(-EKEYEXPIRED, kopen_at(self, &c, 0, SECMSG_ALG_AES_256_GCM,
					 10, NULL));
}

TEST_HARNESS_MAIN
