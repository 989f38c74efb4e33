// SPDX-License-Identifier: GPL-2.0
/*
 * Events: subscribe on one handle, act on another; CREATED, ROTATED,
 * EXPIRED and DELETED arrive in order with the right ids, user ids,
 * algorithms, epochs and reasons.  Owned sessions go with their socket.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kselftest_harness.h"
#include "common.h"

FIXTURE(ev) {
	struct secmsg_nl *nl, *ev;
	uint64_t ids[8];
	int n_ids;
};

FIXTURE_SETUP(ev)
{
	self->nl = nl_open_or_null();
	ASSERT_NE(NULL, self->nl);
	self->ev = nl_open_or_null();
	ASSERT_NE(NULL, self->ev);
	ASSERT_EQ(0, secmsg_events_subscribe(self->ev));
}

FIXTURE_TEARDOWN(ev)
{
	int i;

	for (i = 0; i < self->n_ids; i++)
		del_quiet(self->nl, self->ids[i]);
	if (self->nl)
		secmsg_nl_close(self->nl);
	if (self->ev)
		secmsg_nl_close(self->ev);
}

/* Next event about one of our sessions (skips foreign ones). */
static int next_ours(FIXTURE_DATA(ev) *self, struct secmsg_event_info *e,
		     int timeout_ms)
{
	double end = mono_now() + timeout_ms / 1000.0;
	int i, err;

	for (;;) {
		int left = (end - mono_now()) * 1000;

		if (left <= 0)
			return -EAGAIN;
		err = event_wait(self->ev, 0, 0, e, left);
		if (err)
			return err;
		for (i = 0; i < self->n_ids; i++)
			if (self->ids[i] == e->id)
				return 0;
	}
}

static void expect_event(struct __test_metadata *_metadata,
			 FIXTURE_DATA(ev) *self, const struct client *c,
			 int event, int reason, int alg, uint32_t epoch,
			 int timeout_ms)
{
	struct secmsg_event_info e;

	ASSERT_EQ(0, next_ours(self, &e, timeout_ms));
	TH_LOG("event %d id %016llx alg %d epoch %u reason %d", e.event,
	       (unsigned long long)e.id, e.alg, e.epoch, e.reason);
	EXPECT_EQ(event, e.event);
	EXPECT_EQ(c->id, e.id);
	EXPECT_STREQ(c->user_id, e.user_id);
	EXPECT_EQ(alg, e.alg);
	EXPECT_EQ(epoch, e.epoch);
	EXPECT_EQ(reason, e.reason);
}

TEST_F(ev, lifecycle_in_order)
{
	struct secmsg_policy p = { .has_max_messages = true,
				   .max_messages = 2 };
	struct secmsg_policy exp = { .has_timeout = true, .timeout = 2 };
	struct client c, x;
	int i;

	ASSERT_EQ(0, client_new(self->nl, &c, SECMSG_ALG_AES_256_GCM, &p, 0,
				NULL));
	self->ids[self->n_ids++] = c.id;
	ASSERT_EQ(0, secmsg_session_rotate(self->nl, c.id, NULL));
	ASSERT_EQ(0, secmsg_session_set(self->nl, c.id,
					SECMSG_ALG_TWOFISH_CBC, NULL, NULL));
	for (i = 0; i < 3; i++) {	/* the third seal rotates by count */
		struct secmsg_msg_result r = { 0 };

		ASSERT_EQ(0, secmsg_msg(self->nl, SECMSG_MSG_SEAL, c.id, 0,
					(const uint8_t *)"e", 1, &r));
		secmsg_msg_result_free(&r);
	}
	ASSERT_EQ(0, secmsg_session_del(self->nl, c.id));

	expect_event(_metadata, self, &c, SECMSG_EVENT_CREATED, 0,
		     SECMSG_ALG_AES_256_GCM, 0, 2000);
	expect_event(_metadata, self, &c, SECMSG_EVENT_ROTATED, 0,
		     SECMSG_ALG_AES_256_GCM, 1, 2000);
	expect_event(_metadata, self, &c, SECMSG_EVENT_ROTATED, 0,
		     SECMSG_ALG_TWOFISH_CBC, 2, 2000);
	expect_event(_metadata, self, &c, SECMSG_EVENT_ROTATED, 0,
		     SECMSG_ALG_TWOFISH_CBC, 3, 2000);
	expect_event(_metadata, self, &c, SECMSG_EVENT_DELETED,
		     SECMSG_REASON_USER, SECMSG_ALG_TWOFISH_CBC, 3, 2000);

	/* a second session that expires */
	ASSERT_EQ(0, client_new(self->nl, &x, SECMSG_ALG_CHACHA20_POLY1305,
				&exp, 0, NULL));
	self->ids[self->n_ids++] = x.id;
	expect_event(_metadata, self, &x, SECMSG_EVENT_CREATED, 0,
		     SECMSG_ALG_CHACHA20_POLY1305, 0, 2000);
	expect_event(_metadata, self, &x, SECMSG_EVENT_EXPIRED,
		     SECMSG_REASON_TIMEOUT, SECMSG_ALG_CHACHA20_POLY1305, 0,
		     6000);
	/* nothing else about them */
	{
		struct secmsg_event_info e;

		EXPECT_EQ(-EAGAIN, next_ours(self, &e, 500));
	}
}

TEST_F(ev, owned_session_goes_with_socket)
{
	struct secmsg_nl *owner = nl_open_or_null();
	struct secmsg_session_info info;
	struct secmsg_stats s0, s1;
	struct client c, keep;

	ASSERT_NE(NULL, owner);
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s0));
	ASSERT_EQ(0, client_new(owner, &c, SECMSG_ALG_TWOFISH_CBC, NULL,
				SECMSG_SESSION_F_OWNED, &info));
	self->ids[self->n_ids++] = c.id;
	EXPECT_EQ(SECMSG_SESSION_F_OWNED, info.flags);
	ASSERT_EQ(0, client_new(owner, &keep, SECMSG_ALG_TWOFISH_CBC, NULL, 0,
				NULL));
	self->ids[self->n_ids++] = keep.id;
	/* another socket may use it while the owner lives */
	ASSERT_EQ(0, secmsg_session_get(self->nl, c.id, &info));
	EXPECT_EQ(SECMSG_SESSION_F_OWNED, info.flags);
	expect_event(_metadata, self, &c, SECMSG_EVENT_CREATED, 0,
		     SECMSG_ALG_TWOFISH_CBC, 0, 2000);
	expect_event(_metadata, self, &keep, SECMSG_EVENT_CREATED, 0,
		     SECMSG_ALG_TWOFISH_CBC, 0, 2000);
	secmsg_nl_close(owner);
	expect_event(_metadata, self, &c, SECMSG_EVENT_DELETED,
		     SECMSG_REASON_OWNER_GONE, SECMSG_ALG_TWOFISH_CBC, 0, 3000);
	EXPECT_EQ(-ENOENT, secmsg_session_get(self->nl, c.id, &info));
	/* the unowned one stays */
	EXPECT_EQ(0, secmsg_session_get(self->nl, keep.id, &info));
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s1));
	EXPECT_EQ(s0.v[SECMSG_STATS_A_SESSIONS] + 1,
		  s1.v[SECMSG_STATS_A_SESSIONS]);
}

/*
 * Each socket's close drops its own owned sessions and nothing else, also
 * after some of them were deleted one by one, and with several sockets
 * owning sessions at once.
 */
#define PER_OWNER 40
TEST_F(ev, owners_apart)
{
	struct secmsg_nl *a = nl_open_or_null(), *b = nl_open_or_null();
	uint64_t ida[PER_OWNER], idb[PER_OWNER];
	struct secmsg_session_info info;
	struct secmsg_event_info e;
	struct secmsg_stats s0, s1;
	struct client c, keep;
	int i, gone;

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s0));
	/* interleaved, so that the two owners' sessions are mixed */
	for (i = 0; i < PER_OWNER; i++) {
		ASSERT_EQ(0, client_new(a, &c, test_algs[i % N_ALGS], NULL,
					SECMSG_SESSION_F_OWNED, NULL));
		ida[i] = c.id;
		ASSERT_EQ(0, client_new(b, &c, test_algs[i % N_ALGS], NULL,
					SECMSG_SESSION_F_OWNED, NULL));
		idb[i] = c.id;
	}
	ASSERT_EQ(0, client_new(a, &keep, SECMSG_ALG_AES_256_GCM, NULL, 0,
				NULL));
	self->ids[self->n_ids++] = keep.id;
	/* some of a's go one by one first: first, last, one in between */
	ASSERT_EQ(0, secmsg_session_del(self->nl, ida[0]));
	ASSERT_EQ(0, secmsg_session_del(self->nl, ida[PER_OWNER - 1]));
	ASSERT_EQ(0, secmsg_session_del(self->nl, ida[PER_OWNER / 2]));
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s1));
	EXPECT_EQ(s0.v[SECMSG_STATS_A_SESSIONS] + 2 * PER_OWNER - 2,
		  s1.v[SECMSG_STATS_A_SESSIONS]);

	/* drain the events so far */
	while (!event_wait(self->ev, 0, 0, &e, 300))
		;
	secmsg_nl_close(a);
	for (gone = 0; !event_wait(self->ev, 0, SECMSG_EVENT_DELETED, &e,
				   2000); ) {
		for (i = 0; i < PER_OWNER; i++)
			if (e.id == ida[i])
				break;
		EXPECT_LT(i, PER_OWNER);
		EXPECT_EQ(SECMSG_REASON_OWNER_GONE, e.reason);
		if (++gone == PER_OWNER - 3)
			break;
	}
	EXPECT_EQ(PER_OWNER - 3, gone);
	for (i = 0; i < PER_OWNER; i++) {
		EXPECT_EQ(-ENOENT, secmsg_session_get(self->nl, ida[i], &info));
		EXPECT_EQ(0, secmsg_session_get(self->nl, idb[i], &info));
	}
	EXPECT_EQ(0, secmsg_session_get(self->nl, keep.id, &info));
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s1));
	EXPECT_EQ(s0.v[SECMSG_STATS_A_SESSIONS] + PER_OWNER + 1,
		  s1.v[SECMSG_STATS_A_SESSIONS]);

	/* a socket that owns nothing closes without touching anything */
	secmsg_nl_close(nl_open_or_null());
	secmsg_nl_close(b);
	for (i = 0; i < PER_OWNER; i++)
		EXPECT_EQ(-ENOENT, wait_gone(self->nl, idb[i], 3000, NULL));
	EXPECT_EQ(0, secmsg_session_get(self->nl, keep.id, &info));
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s1));
	EXPECT_EQ(s0.v[SECMSG_STATS_A_SESSIONS] + 1,
		  s1.v[SECMSG_STATS_A_SESSIONS]);
}

/* Two subscribers both get every event; an unsubscribed handle none. */
TEST_F(ev, every_subscriber)
{
	struct secmsg_nl *ev2 = nl_open_or_null(), *quiet = nl_open_or_null();
	struct secmsg_event_info e;
	struct client c;

	ASSERT_NE(NULL, ev2);
	ASSERT_NE(NULL, quiet);
	ASSERT_EQ(0, secmsg_events_subscribe(ev2));
	ASSERT_EQ(0, client_new(self->nl, &c, SECMSG_ALG_AES_256_GCM, NULL, 0,
				NULL));
	self->ids[self->n_ids++] = c.id;
	ASSERT_EQ(0, secmsg_session_del(self->nl, c.id));
	ASSERT_EQ(0, event_wait(self->ev, c.id, SECMSG_EVENT_CREATED, &e,
				2000));
	ASSERT_EQ(0, event_wait(self->ev, c.id, SECMSG_EVENT_DELETED, &e,
				2000));
	ASSERT_EQ(0, event_wait(ev2, c.id, SECMSG_EVENT_CREATED, &e, 2000));
	ASSERT_EQ(0, event_wait(ev2, c.id, SECMSG_EVENT_DELETED, &e, 2000));
	EXPECT_EQ(SECMSG_REASON_USER, e.reason);
	EXPECT_EQ(-EAGAIN, event_wait(quiet, 0, 0, &e, 300));
	secmsg_nl_close(ev2);
	secmsg_nl_close(quiet);
}

TEST_HARNESS_MAIN
