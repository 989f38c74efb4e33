// SPDX-License-Identifier: GPL-2.0
/*
 * Expiry: absolute and idle timeouts remove a session without it being
 * touched, with an EXPIRED event carrying the reason; use keeps an idle
 * session alive, failed operations do not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kselftest_harness.h"
#include "common.h"

FIXTURE(exp) {
	struct secmsg_nl *nl, *ev;
	uint64_t id;
};

FIXTURE_SETUP(exp)
{
	self->nl = nl_open_or_null();
	ASSERT_NE(NULL, self->nl);
	self->ev = nl_open_or_null();
	ASSERT_NE(NULL, self->ev);
	ASSERT_EQ(0, secmsg_events_subscribe(self->ev));
}

FIXTURE_TEARDOWN(exp)
{
	del_quiet(self->nl, self->id);
	if (self->nl)
		secmsg_nl_close(self->nl);
	if (self->ev)
		secmsg_nl_close(self->ev);
}

TEST_F(exp, absolute_timeout)
{
	struct secmsg_policy p = { .has_timeout = true, .timeout = 2,
				   .has_idle_timeout = true,
				   .idle_timeout = 0 };
	struct secmsg_session_info info;
	struct secmsg_event_info ev;
	struct secmsg_stats s0, s1;
	struct secmsg_msg_result r = { 0 };
	struct client c;
	double t;

	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s0));
	ASSERT_EQ(0, client_new(self->nl, &c, SECMSG_ALG_TWOFISH_CBC, &p, 0,
				&info));
	self->id = c.id;
	EXPECT_LE(info.created + 1, info.expires);
	EXPECT_GE(info.created + 3, info.expires);
	ASSERT_EQ(0, event_wait(self->ev, c.id, SECMSG_EVENT_CREATED, &ev,
				2000));
	/* never touched again: gone within a bounded wait */
	ASSERT_EQ(-ENOENT, wait_gone(self->nl, c.id, 6000, &t));
	TH_LOG("gone after %.2f s", t);
	EXPECT_LE(0.9, t);
	ASSERT_EQ(0, event_wait(self->ev, c.id, SECMSG_EVENT_EXPIRED, &ev,
				2000));
	EXPECT_EQ(SECMSG_REASON_TIMEOUT, ev.reason);
	EXPECT_STREQ(c.user_id, ev.user_id);
	EXPECT_EQ(SECMSG_ALG_TWOFISH_CBC, ev.alg);
	EXPECT_EQ(-ENOENT, secmsg_msg(self->nl, SECMSG_MSG_SEAL, c.id, 0,
				      (const uint8_t *)"x", 1, &r));
	EXPECT_EQ(-ENOENT, secmsg_session_del(self->nl, c.id));
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s1));
	EXPECT_EQ(s0.v[SECMSG_STATS_A_EXPIRED] + 1,
		  s1.v[SECMSG_STATS_A_EXPIRED]);
	EXPECT_EQ(s0.v[SECMSG_STATS_A_SESSIONS], s1.v[SECMSG_STATS_A_SESSIONS]);
	self->id = 0;
}

/* A busy session outlives its idle timeout, then expires once left. */
TEST_F(exp, idle_timeout)
{
	struct secmsg_policy p = { .has_timeout = true, .timeout = 0,
				   .has_idle_timeout = true,
				   .idle_timeout = 2 };
	struct secmsg_session_info info;
	struct secmsg_event_info ev;
	struct client c;
	uint8_t msg[128];
	double t0, t;
	int err;

	ASSERT_EQ(0, client_new(self->nl, &c, SECMSG_ALG_AES_256_GCM, &p, 0,
				&info));
	self->id = c.id;
	t0 = mono_now();
	while (mono_now() - t0 < 4.0) {
		struct secmsg_msg_result r = { 0 };

		ASSERT_EQ(0, secmsg_msg(self->nl, SECMSG_MSG_SEAL, c.id, 0,
					(const uint8_t *)"keepalive", 9, &r));
		secmsg_msg_result_free(&r);
		sleep_ms(300);
	}
	ASSERT_EQ(0, secmsg_session_get(self->nl, c.id, &info));
	/* failed opens are not "successful operations": it still expires */
	t0 = mono_now();
	do {
		struct secmsg_msg_result r = { 0 };
		long n = client_seal(&c, "bad", 3, msg);

		msg[n - 1] ^= 1;
		err = secmsg_msg(self->nl, SECMSG_MSG_OPEN, c.id, 0, msg, n,
				 &r);
		if (err == -EBADMSG)
			sleep_ms(250);
	} while (err == -EBADMSG && mono_now() - t0 < 8);
	t = mono_now() - t0;
	TH_LOG("idle session gone after %.2f s (last %s)", t, errname(err));
	EXPECT_EQ(-ENOENT, err);
	EXPECT_EQ(-ENOENT, wait_gone(self->nl, c.id, 100, NULL));
	EXPECT_LE(1.0, t);
	ASSERT_EQ(0, event_wait(self->ev, c.id, SECMSG_EVENT_EXPIRED, &ev,
				2000));
	EXPECT_EQ(SECMSG_REASON_IDLE, ev.reason);
	EXPECT_STREQ(c.user_id, ev.user_id);
	self->id = 0;
}

/* A plain idle session, untouched. */
TEST_F(exp, idle_untouched)
{
	struct secmsg_policy p = { .has_idle_timeout = true,
				   .idle_timeout = 1 };
	struct secmsg_event_info ev;
	struct client c;
	double t;

	ASSERT_EQ(0, client_new(self->nl, &c, SECMSG_ALG_CHACHA20_POLY1305,
				&p, 0, NULL));
	self->id = c.id;
	ASSERT_EQ(-ENOENT, wait_gone(self->nl, c.id, 5000, &t));
	TH_LOG("gone after %.2f s", t);
	ASSERT_EQ(0, event_wait(self->ev, c.id, SECMSG_EVENT_EXPIRED, &ev,
				2000));
	EXPECT_EQ(SECMSG_REASON_IDLE, ev.reason);
	self->id = 0;
}

TEST_HARNESS_MAIN
