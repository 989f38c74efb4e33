// SPDX-License-Identifier: GPL-2.0
/*
 * Per-session deadlines and the namespace's counts: a session expires
 * exactly once however busy it is; one in use never idles out; a
 * SESSION_SET that brings a deadline closer takes effect within a second
 * of it (and one that moves it away is followed); many sessions rotate by
 * time; deletes racing the expiry of the same sessions each end them once;
 * STATS_GET's counts equal a dump's through creation, deletion, expiry,
 * confirmation and algorithm changes; a namespace goes away with due
 * timers (the kernel log of the run must stay clean).
 *
 * Every test runs in a network namespace of its own (the harness forks
 * one process per test), so the counts and events are its own.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kselftest_harness.h"
#include "common.h"
#include "secmsg/handshake.h"
#include "secmsg/nl_identity.h"

/* how late after its deadline a session may go, under the emulator */
#define LATE_S 1.5

FIXTURE(tm) {
	struct secmsg_nl *nl;
};

FIXTURE_SETUP(tm)
{
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	self->nl = nl_open_or_null();
	ASSERT_NE(NULL, self->nl);
}

FIXTURE_TEARDOWN(tm)
{
	/* the namespace and its sessions go when the process exits */
	secmsg_nl_close(self->nl);
}

static struct secmsg_nl *events_open(void)
{
	struct secmsg_nl *ev = nl_open_or_null();

	if (ev && secmsg_events_subscribe(ev)) {
		secmsg_nl_close(ev);
		ev = NULL;
	}
	return ev;
}

/*
 * The first transform of each algorithm after boot is slow to make (its
 * crypto template instantiated, modules loaded: seconds under TCG); have
 * that done before a test's timing starts.  In the namespace of the test
 * (so not counted by tests that count): a session per algorithm, sealed
 * once, deleted.
 */
static int warm_algs(struct secmsg_nl *nl)
{
	struct secmsg_msg_result r = { 0 };
	struct client c;
	int i, err = 0;

	for (i = 0; i < N_ALGS && !err; i++) {
		err = client_new(nl, &c, test_algs[i], NULL, 0, NULL);
		if (err)
			break;
		err = secmsg_msg(nl, SECMSG_MSG_SEAL, c.id, 0,
				 (const uint8_t *)"warm", 4, &r);
		secmsg_msg_result_free(&r);
		err = secmsg_session_del(nl, c.id) ?: err;
		client_wipe(&c);
	}
	return err;
}

static uint64_t stat_of(struct secmsg_nl *nl, int which)
{
	struct secmsg_stats st;

	if (secmsg_stats_get(nl, &st))
		return UINT64_MAX;
	return st.v[which];
}

/* ---------------------------------------------------------------- */
/* counts: STATS_GET against a dump */

struct tally {
	uint64_t sessions, active, pending, by_alg[SECMSG_ALG_MAX + 1];
};

static int tally_cb(const struct secmsg_session_info *s, void *arg)
{
	struct tally *t = arg;

	t->sessions++;
	if (s->state == SECMSG_STATE_ACTIVE)
		t->active++;
	else if (s->state == SECMSG_STATE_PENDING)
		t->pending++;
	if (s->alg > 0 && s->alg <= SECMSG_ALG_MAX)
		t->by_alg[s->alg]++;
	return 0;
}

static void expect_counts(struct __test_metadata *_metadata,
			  struct secmsg_nl *nl, const char *when,
			  uint64_t want)
{
	static const int by_alg[SECMSG_ALG_MAX + 1] = {
		[SECMSG_ALG_AES_256_GCM] = SECMSG_STATS_A_SESSIONS_AES_256_GCM,
		[SECMSG_ALG_CHACHA20_POLY1305] =
			SECMSG_STATS_A_SESSIONS_CHACHA20_POLY1305,
		[SECMSG_ALG_TWOFISH_CBC] = SECMSG_STATS_A_SESSIONS_TWOFISH_CBC,
	};
	struct tally t = { 0 };
	struct secmsg_stats st;
	int a;

	ASSERT_EQ(0, secmsg_session_dump(nl, tally_cb, &t));
	ASSERT_EQ(0, secmsg_stats_get(nl, &st));
	TH_LOG("%s: dump %llu (%llu active, %llu pending; %llu/%llu/%llu), "
	       "stats %llu (%llu, %llu; %llu/%llu/%llu)", when,
	       (unsigned long long)t.sessions, (unsigned long long)t.active,
	       (unsigned long long)t.pending,
	       (unsigned long long)t.by_alg[1], (unsigned long long)t.by_alg[2],
	       (unsigned long long)t.by_alg[3],
	       (unsigned long long)st.v[SECMSG_STATS_A_SESSIONS],
	       (unsigned long long)st.v[SECMSG_STATS_A_SESSIONS_ACTIVE],
	       (unsigned long long)st.v[SECMSG_STATS_A_SESSIONS_PENDING],
	       (unsigned long long)st.v[by_alg[1]],
	       (unsigned long long)st.v[by_alg[2]],
	       (unsigned long long)st.v[by_alg[3]]);
	EXPECT_EQ(want, t.sessions);
	EXPECT_EQ(t.sessions, st.v[SECMSG_STATS_A_SESSIONS]);
	EXPECT_EQ(t.active, st.v[SECMSG_STATS_A_SESSIONS_ACTIVE]);
	EXPECT_EQ(t.pending, st.v[SECMSG_STATS_A_SESSIONS_PENDING]);
	for (a = 1; a <= SECMSG_ALG_MAX; a++)
		EXPECT_EQ(t.by_alg[a], st.v[by_alg[a]]);
}

/* A pending session by the kernel's handshake, and its message 3. */
struct pending {
	uint64_t id;
	uint8_t msg3[SECMSG_HS_CONFIRM_LEN];
};

static int pending_new(struct secmsg_nl *nl, const char *user,
		       const uint8_t *upriv, const uint8_t *spub, int alg,
		       struct pending *p)
{
	uint8_t msg1[SECMSG_HS_INIT_MAX], msg2[SECMSG_HS_RESPONSE_LEN];
	uint8_t c2s[SECMSG_KEY_LEN], s2c[SECMSG_KEY_LEN];
	struct secmsg_hs_state st;
	size_t len1 = sizeof(msg1), len2 = sizeof(msg2);
	uint64_t cid;
	int err;

	err = secmsg_hs_init(&st, user, alg, upriv, spub, msg1, &len1);
	if (err)
		return err;
	err = secmsg_handshake(nl, msg1, len1, NULL, 0, &p->id, msg2, &len2);
	if (err) {
		secmsg_hs_wipe(&st);
		return err;
	}
	err = secmsg_hs_finish(&st, msg2, len2, &cid, c2s, s2c, p->msg3);
	explicit_bzero(c2s, sizeof(c2s));
	explicit_bzero(s2c, sizeof(s2c));
	return err ?: cid == p->id ? 0 : -EPROTO;
}

TEST_F_TIMEOUT(tm, stats_match_dump, 120)
{
	struct secmsg_policy brief = { .has_timeout = true, .timeout = 1 };
	uint8_t spub[SECMSG_X25519_LEN], upriv[SECMSG_X25519_LEN],
		upub[SECMSG_X25519_LEN];
	struct secmsg_session_info info;
	struct client c[12];
	struct pending p[3];
	int i;

	expect_counts(_metadata, self->nl, "empty", 0);
	/* 12 sessions, 4 of each algorithm */
	for (i = 0; i < 12; i++)
		ASSERT_EQ(0, client_new(self->nl, &c[i], test_algs[i % N_ALGS],
					NULL, 0, NULL));
	expect_counts(_metadata, self->nl, "created", 12);

	ASSERT_EQ(0, secmsg_session_del(self->nl, c[0].id));
	ASSERT_EQ(0, secmsg_session_del(self->nl, c[4].id));
	expect_counts(_metadata, self->nl, "two deleted", 10);

	/* algorithm changes move sessions between the counts */
	ASSERT_EQ(0, secmsg_session_set(self->nl, c[1].id,
					SECMSG_ALG_TWOFISH_CBC, NULL, &info));
	EXPECT_EQ(SECMSG_ALG_TWOFISH_CBC, info.alg);
	ASSERT_EQ(0, secmsg_session_set(self->nl, c[2].id,
					SECMSG_ALG_AES_256_GCM, NULL, &info));
	ASSERT_EQ(0, secmsg_session_set(self->nl, c[3].id,
					SECMSG_ALG_AES_256_GCM, NULL, &info));
	ASSERT_EQ(0, secmsg_session_rotate(self->nl, c[5].id, &info));
	expect_counts(_metadata, self->nl, "algorithms changed", 10);

	/*
	 * Three expire, one of them after an algorithm change: their
	 * lifetime cut to a second (which may be over already).
	 */
	ASSERT_EQ(0, secmsg_session_set(self->nl, c[9].id,
					SECMSG_ALG_CHACHA20_POLY1305, NULL,
					NULL));
	for (i = 9; i < 12; i++)
		ASSERT_EQ(0, secmsg_session_set(self->nl, c[i].id, 0, &brief,
						NULL));
	for (i = 9; i < 12; i++)
		EXPECT_EQ(-ENOENT, wait_gone(self->nl, c[i].id, 6000, NULL));
	expect_counts(_metadata, self->nl, "three expired", 7);

	/*
	 * Three pending, by the handshake (confirmed or deleted well
	 * within pending_timeout)
	 */
	ASSERT_EQ(0, secmsg_identity_generate(self->nl, spub));
	ASSERT_EQ(0, secmsg_x25519_generate(upriv, upub));
	ASSERT_EQ(0, secmsg_user_add(self->nl, "counted", upub));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, pending_new(self->nl, "counted", upriv, spub,
					 test_algs[i], &p[i]));
	expect_counts(_metadata, self->nl, "three pending", 10);
	ASSERT_EQ(0, secmsg_handshake_confirm(self->nl, p[0].id, p[0].msg3,
					      sizeof(p[0].msg3), &info));
	EXPECT_EQ(SECMSG_STATE_ACTIVE, info.state);
	ASSERT_EQ(0, secmsg_session_del(self->nl, p[1].id));
	expect_counts(_metadata, self->nl, "one confirmed, one deleted", 9);
	ASSERT_EQ(0, secmsg_session_set(self->nl, p[0].id,
					SECMSG_ALG_TWOFISH_CBC, NULL, NULL));
	ASSERT_EQ(0, secmsg_session_del(self->nl, p[2].id));
	expect_counts(_metadata, self->nl, "the last pending deleted", 8);

	EXPECT_EQ(3, stat_of(self->nl, SECMSG_STATS_A_EXPIRED));
	EXPECT_EQ(7, stat_of(self->nl, SECMSG_STATS_A_DELETED));
	EXPECT_EQ(15, stat_of(self->nl, SECMSG_STATS_A_CREATED));
	explicit_bzero(upriv, sizeof(upriv));
	for (i = 0; i < 12; i++)
		client_wipe(&c[i]);
}

/* ---------------------------------------------------------------- */
/* expiry exactly once, however busy the session */

#define USERS 4

struct user_thread {
	pthread_t t;
	struct secmsg_nl *nl;
	atomic_int *go;
	uint64_t id;
	long ok;
	int last;		/* the error that ended the loop */
	double end;		/* when it saw it */
};

static void *use_until_gone(void *arg)
{
	struct user_thread *u = arg;
	double t0;

	while (!atomic_load(u->go))
		sleep_ms(1);
	t0 = mono_now();
	u->last = -ETIMEDOUT;
	while (mono_now() - t0 < 20) {
		struct secmsg_msg_result r = { 0 };

		u->last = secmsg_msg(u->nl, SECMSG_MSG_SEAL, u->id, 0,
				     (const uint8_t *)"busy", 4, &r);
		secmsg_msg_result_free(&r);
		if (u->last)
			break;
		u->ok++;
	}
	u->end = mono_now();
	return NULL;
}

TEST_F_TIMEOUT(tm, expiry_once_under_use, 120)
{
	struct secmsg_policy p = { .has_timeout = true, .timeout = 3,
				   .has_idle_timeout = true, .idle_timeout = 0 };
	struct secmsg_nl *ev = events_open();
	struct user_thread u[USERS];
	struct secmsg_event_info e;
	atomic_int go = 0;
	struct client c;
	int i, expired = 0, other = 0;
	double tc, last = 0;

	ASSERT_NE(NULL, ev);
	ASSERT_EQ(0, warm_algs(self->nl));
	/* the users ready first, so that they are busy when it expires */
	for (i = 0; i < USERS; i++) {
		u[i].nl = nl_open_or_null();
		ASSERT_NE(NULL, u[i].nl);
		u[i].go = &go;
		u[i].ok = 0;
		ASSERT_EQ(0, pthread_create(&u[i].t, NULL, use_until_gone,
					    &u[i]));
	}
	tc = mono_now();
	ASSERT_EQ(0, client_new(self->nl, &c, SECMSG_ALG_AES_256_GCM, &p, 0,
				NULL));
	for (i = 0; i < USERS; i++)
		u[i].id = c.id;
	atomic_store(&go, 1);
	for (i = 0; i < USERS; i++) {
		pthread_join(u[i].t, NULL);
		secmsg_nl_close(u[i].nl);
		TH_LOG("user %d: %ld seals, then %s after %.2f s", i, u[i].ok,
		       errname(u[i].last), u[i].end - tc);
		EXPECT_EQ(-ENOENT, u[i].last);
		EXPECT_LT(0, u[i].ok);
		if (u[i].end > last)
			last = u[i].end;
	}
	/* used until its absolute timeout, not before, not much after */
	EXPECT_LE(3.0 - 0.1, last - tc);
	EXPECT_GE(3.0 + LATE_S, last - tc);
	while (!event_wait(ev, c.id, 0, &e, 2000)) {
		if (e.event == SECMSG_EVENT_EXPIRED) {
			expired++;
			EXPECT_EQ(SECMSG_REASON_TIMEOUT, e.reason);
		} else if (e.event != SECMSG_EVENT_CREATED) {
			other++;
		}
	}
	EXPECT_EQ(1, expired);
	EXPECT_EQ(0, other);
	EXPECT_EQ(1, stat_of(self->nl, SECMSG_STATS_A_EXPIRED));
	/* and the warm-up's three */
	EXPECT_EQ(1 + N_ALGS, stat_of(self->nl, SECMSG_STATS_A_DELETED));
	EXPECT_EQ(0, stat_of(self->nl, SECMSG_STATS_A_SESSIONS));
	secmsg_nl_close(ev);
	client_wipe(&c);
}

/* ---------------------------------------------------------------- */
/* a session in use never idles out; left alone, it goes */

#define BUSY 8
#define IDLE_S 3

struct busy_ctx {
	struct secmsg_nl *nl;
	uint64_t ids[BUSY];
	atomic_bool stop;
	atomic_long fails;
	double last_use[BUSY];
	double longest;		/* longest pause between two uses */
};

static void *keep_busy(void *arg)
{
	struct busy_ctx *b = arg;
	double now;
	int i;

	while (!b->stop) {
		for (i = 0; i < BUSY; i++) {
			struct secmsg_msg_result r = { 0 };

			if (secmsg_msg(b->nl, SECMSG_MSG_SEAL, b->ids[i], 0,
				       (const uint8_t *)"k", 1, &r))
				b->fails++;
			secmsg_msg_result_free(&r);
			now = mono_now();
			if (now - b->last_use[i] > b->longest)
				b->longest = now - b->last_use[i];
			b->last_use[i] = now;
		}
		sleep_ms(100);
	}
	return NULL;
}

TEST_F_TIMEOUT(tm, used_never_idles, 120)
{
	struct secmsg_policy p = { .has_idle_timeout = true,
				   .idle_timeout = IDLE_S };
	struct secmsg_session_info info;
	struct busy_ctx b = { 0 };
	struct client c, idle;
	pthread_t t;
	double t0, tidle, gone = 0, last = 0;
	int i, left;

	b.nl = nl_open_or_null();
	ASSERT_NE(NULL, b.nl);
	ASSERT_EQ(0, warm_algs(self->nl));
	for (i = 0; i < BUSY; i++) {
		ASSERT_EQ(0, client_new(self->nl, &c, test_algs[i % N_ALGS],
					&p, 0, NULL));
		b.ids[i] = c.id;
		b.last_use[i] = mono_now();
		client_wipe(&c);
	}
	tidle = mono_now();
	ASSERT_EQ(0, client_new(self->nl, &idle, SECMSG_ALG_AES_256_GCM, &p,
				0, NULL));
	ASSERT_EQ(0, pthread_create(&t, NULL, keep_busy, &b));
	t0 = mono_now();
	/* three idle timeouts long: the untouched one goes, the others stay */
	while (mono_now() - t0 < 3 * IDLE_S) {
		if (!gone && secmsg_session_get(self->nl, idle.id, &info))
			gone = mono_now() - tidle;
		sleep_ms(100);
	}
	b.stop = true;
	pthread_join(t, NULL);
	secmsg_nl_close(b.nl);
	TH_LOG("untouched one gone after %.2f s; busy ones used at most "
	       "%.2f s apart, %ld failed uses", gone, b.longest,
	       (long)b.fails);
	EXPECT_LE(IDLE_S - 0.1, gone);
	EXPECT_GE(IDLE_S + LATE_S, gone);
	ASSERT_GT(IDLE_S, b.longest);	/* else the load broke the premise */
	EXPECT_EQ(0, b.fails);
	for (i = 0; i < BUSY; i++) {
		EXPECT_EQ(0, secmsg_session_get(self->nl, b.ids[i], &info));
		if (b.last_use[i] > last)
			last = b.last_use[i];
	}
	/* left alone now: all of them go, by idleness */
	for (i = 0, left = 0; i < BUSY; i++)
		if (wait_gone(self->nl, b.ids[i], 10000, NULL) != -ENOENT)
			left++;
	TH_LOG("the others gone %.2f s after the last use", mono_now() - last);
	EXPECT_EQ(0, left);
	EXPECT_GE(IDLE_S + LATE_S + 0.2, mono_now() - last);
	EXPECT_EQ(BUSY + 1, stat_of(self->nl, SECMSG_STATS_A_EXPIRED));
	client_wipe(&idle);
}

/* ---------------------------------------------------------------- */
/* SESSION_SET moves deadlines: closer within a second, farther followed */

struct moved {
	struct client c;
	double made, set, gone;	/* mono_now() */
};

static int moved_new(struct secmsg_nl *nl, struct moved *m,
		     const struct secmsg_policy *pol)
{
	m->made = mono_now();
	m->gone = 0;
	return client_new(nl, &m->c, SECMSG_ALG_AES_256_GCM, pol, 0, NULL);
}

static int moved_set(struct secmsg_nl *nl, struct moved *m,
		     const struct secmsg_policy *pol)
{
	m->set = mono_now();
	return secmsg_session_set(nl, m->c.id, 0, pol, NULL);
}

/* Went at its deadline, made + secs: not before, not long after. */
static void expect_on_time(struct __test_metadata *_metadata,
			   const char *what, const struct moved *m,
			   double secs)
{
	double due = m->made + secs;

	TH_LOG("%s: due %.2f s after creation (set after %.2f s), happened "
	       "after %.2f s", what, secs, m->set - m->made,
	       m->gone ? m->gone - m->made : -1.0);
	EXPECT_NE(0, m->gone);
	EXPECT_LE(due - 0.1, m->gone + 0.1);	/* polled every 50 ms */
	EXPECT_GE((due > m->set ? due : m->set) + LATE_S, m->gone);
}

TEST_F_TIMEOUT(tm, set_moves_deadlines, 120)
{
	struct secmsg_policy tmo = { .has_timeout = true, .timeout = 2 };
	struct secmsg_policy idl = { .has_idle_timeout = true,
				     .idle_timeout = 1 };
	struct secmsg_policy rot = { .has_rotate_interval = true,
				     .rotate_interval = 1 };
	struct secmsg_policy longer = { .has_idle_timeout = true,
					.idle_timeout = 30 };
	struct secmsg_session_info info;
	struct moved a, b, r, l;
	double t0;

	/* defaults: idle 1 h, absolute 24 h, rotation 1 h */
	ASSERT_EQ(0, moved_new(self->nl, &a, NULL));
	ASSERT_EQ(0, moved_new(self->nl, &b, NULL));
	ASSERT_EQ(0, moved_new(self->nl, &r, NULL));
	/* and one that would idle out in a second */
	ASSERT_EQ(0, moved_new(self->nl, &l, &idl));
	ASSERT_EQ(0, moved_set(self->nl, &a, &tmo));
	ASSERT_EQ(0, moved_set(self->nl, &b, &idl));
	ASSERT_EQ(0, moved_set(self->nl, &r, &rot));
	ASSERT_EQ(0, moved_set(self->nl, &l, &longer));
	t0 = mono_now();
	while (mono_now() - t0 < 2.0 + LATE_S + 1 &&
	       (!a.gone || !b.gone || !r.gone)) {
		if (!a.gone &&
		    secmsg_session_get(self->nl, a.c.id, &info) == -ENOENT)
			a.gone = mono_now();
		if (!b.gone &&
		    secmsg_session_get(self->nl, b.c.id, &info) == -ENOENT)
			b.gone = mono_now();
		/* r "goes" when it reaches epoch 1 */
		if (!r.gone && !secmsg_session_get(self->nl, r.c.id, &info) &&
		    info.epoch >= 1)
			r.gone = mono_now();
		sleep_ms(50);
	}
	expect_on_time(_metadata, "timeout 2 s", &a, 2.0);
	expect_on_time(_metadata, "idle timeout 1 s", &b, 1.0);
	expect_on_time(_metadata, "rotation every 1 s", &r, 1.0);
	/* the one given a longer idle timeout outlives its first deadline */
	while (mono_now() < l.made + 1.0 + LATE_S)
		sleep_ms(50);
	ASSERT_EQ(0, secmsg_session_get(self->nl, l.c.id, &info));
	EXPECT_EQ(30, info.policy.idle_timeout);
	client_wipe(&a.c);
	client_wipe(&b.c);
	client_wipe(&r.c);
	client_wipe(&l.c);
}

/* ---------------------------------------------------------------- */
/* many sessions rotate by time, each on its own */

#define MANY 1000

struct epochs {
	uint32_t min, max;
	uint64_t n;
};

static int epochs_cb(const struct secmsg_session_info *s, void *arg)
{
	struct epochs *e = arg;

	if (!e->n || s->epoch < e->min)
		e->min = s->epoch;
	if (!e->n || s->epoch > e->max)
		e->max = s->epoch;
	e->n++;
	return 0;
}

TEST_F_TIMEOUT(tm, rotation_by_time_many, 300)
{
	struct secmsg_policy p = { .has_rotate_interval = true,
				   .rotate_interval = 2,
				   .has_rekey_grace = true, .rekey_grace = 1 };
	static struct client c[MANY];
	struct secmsg_msg_result r = { 0 };
	struct epochs e = { 0 };
	uint8_t out[64];
	struct secmsg_hdr h;
	double t0, made;
	int i;

	t0 = mono_now();
	for (i = 0; i < MANY; i++)
		ASSERT_EQ(0, client_new(self->nl, &c[i], test_algs[i % N_ALGS],
					&p, 0, NULL));
	made = mono_now() - t0;
	/* every session's first rotation is 2 s after its creation */
	sleep_ms(5000);
	ASSERT_EQ(0, secmsg_session_dump(self->nl, epochs_cb, &e));
	TH_LOG("%d sessions made in %.2f s; %.2f s later epochs %u..%u",
	       MANY, made, mono_now() - t0 - made, e.min, e.max);
	EXPECT_EQ(MANY, e.n);
	EXPECT_LE(1, e.min);
	/* at most one rotation per 2 s since the first creation */
	EXPECT_GE((mono_now() - t0) / 2 + 1, e.max);
	EXPECT_LE((uint64_t)MANY * e.min,
		  stat_of(self->nl, SECMSG_STATS_A_ROTATIONS));
	/* the keys are still the ratchet's */
	for (i = 0; i < MANY; i += MANY / 4) {
		ASSERT_EQ(0, secmsg_msg(self->nl, SECMSG_MSG_SEAL, c[i].id, 0,
					(const uint8_t *)"ratchet", 7, &r));
		EXPECT_LE(1, r.epoch);
		EXPECT_EQ(7, client_open(&c[i], r.data, r.len, &h, out));
		EXPECT_EQ(0, memcmp(out, "ratchet", 7));
		secmsg_msg_result_free(&r);
	}
	for (i = 0; i < MANY; i++)
		client_wipe(&c[i]);
}

/* ---------------------------------------------------------------- */
/* deletes racing the expiry of the same sessions: each ends once */

#define RACE 150
#define RACE_ROUNDS 5

struct deleter {
	pthread_t t;
	const uint64_t *ids;
	int from, to;
	int ok, gone, other;
};

static void *delete_range(void *arg)
{
	struct deleter *d = arg;
	struct secmsg_nl *nl = nl_open_or_null();
	int i, err;

	for (i = d->from; i < d->to; i++) {
		err = nl ? secmsg_session_del(nl, d->ids[i]) : -EIO;
		if (!err)
			d->ok++;
		else if (err == -ENOENT)
			d->gone++;
		else
			d->other++;
	}
	secmsg_nl_close(nl);
	return NULL;
}

TEST_F_TIMEOUT(tm, delete_races_timer, 240)
{
	struct secmsg_policy p = { .has_idle_timeout = true,
				   .idle_timeout = 1 };
	struct secmsg_nl *ev = events_open();
	uint64_t ids[RACE];
	int round, i, total_ok = 0, total_gone = 0;

	ASSERT_NE(NULL, ev);
	for (round = 0; round < RACE_ROUNDS; round++) {
		struct deleter d[2] = {
			{ .ids = ids, .from = 0, .to = RACE / 2 },
			{ .ids = ids, .from = RACE / 2, .to = RACE },
		};
		int deleted = 0, expired = 0, dup = 0, n = 0;
		struct secmsg_event_info e;
		uint8_t seen[RACE] = { 0 };
		double t0;

		for (i = 0; i < RACE; i++) {
			struct client c;

			ASSERT_EQ(0, client_new(self->nl, &c,
						test_algs[i % N_ALGS], &p, 0,
						NULL));
			ids[i] = c.id;
			client_wipe(&c);
		}
		/*
		 * delete around the deadline (1 s), later each round: from
		 * before the timers fire to after most of them did
		 */
		t0 = mono_now();
		sleep_ms(550 + 200 * round);
		for (i = 0; i < 2; i++)
			ASSERT_EQ(0, pthread_create(&d[i].t, NULL,
						    delete_range, &d[i]));
		for (i = 0; i < 2; i++)
			pthread_join(d[i].t, NULL);
		TH_LOG("round %d: deletes done %.2f s after creation, %d "
		       "deleted, %d already gone", round, mono_now() - t0,
		       d[0].ok + d[1].ok, d[0].gone + d[1].gone);
		EXPECT_EQ(0, d[0].other + d[1].other);
		EXPECT_EQ(RACE, d[0].ok + d[1].ok + d[0].gone + d[1].gone);
		/* exactly one end per session, and the one the delete saw */
		while (n < RACE && !event_wait(ev, 0, 0, &e, 3000)) {
			if (e.event != SECMSG_EVENT_DELETED &&
			    e.event != SECMSG_EVENT_EXPIRED)
				continue;
			for (i = 0; i < RACE && ids[i] != e.id; i++)
				;
			if (i == RACE)
				continue;
			dup += seen[i]++ != 0;
			if (e.event == SECMSG_EVENT_DELETED) {
				EXPECT_EQ(SECMSG_REASON_USER, e.reason);
				deleted++;
			} else {
				EXPECT_EQ(SECMSG_REASON_IDLE, e.reason);
				expired++;
			}
			n++;
		}
		EXPECT_EQ(0, dup);
		EXPECT_EQ(d[0].ok + d[1].ok, deleted);
		EXPECT_EQ(d[0].gone + d[1].gone, expired);
		/* and nothing more about them */
		while (!event_wait(ev, 0, 0, &e, 300)) {
			for (i = 0; i < RACE && ids[i] != e.id; i++)
				;
			EXPECT_EQ(RACE, i);
		}
		total_ok += d[0].ok + d[1].ok;
		total_gone += d[0].gone + d[1].gone;
	}
	EXPECT_EQ(0, stat_of(self->nl, SECMSG_STATS_A_SESSIONS));
	EXPECT_EQ(RACE_ROUNDS * RACE,
		  stat_of(self->nl, SECMSG_STATS_A_DELETED));
	EXPECT_EQ(total_gone, stat_of(self->nl, SECMSG_STATS_A_EXPIRED));
	TH_LOG("%d deleted, %d expired first", total_ok, total_gone);
	secmsg_nl_close(ev);
}

/*
 * The namespace goes while its sessions' timers fire and its work runs
 * (expiry, rotation, grace every second).  What this checks is the kernel
 * side: the run's log must stay free of KASAN, lockdep, WARNING or a
 * leaked reference when the module is unloaded (selftests/run and vm-run
 * scan it and count a problem as a failure).
 */
TEST_F_TIMEOUT(tm, netns_exit_while_due, 120)
{
	struct secmsg_policy p = { .has_rotate_interval = true,
				   .rotate_interval = 1,
				   .has_rekey_grace = true, .rekey_grace = 0,
				   .has_idle_timeout = true, .idle_timeout = 2 };
	int i;

	for (i = 0; i < 300; i++) {
		struct client c;

		ASSERT_EQ(0, client_new(self->nl, &c, test_algs[i % N_ALGS],
					&p, i & 1 ? SECMSG_SESSION_F_OWNED : 0,
					NULL));
		client_wipe(&c);
	}
	sleep_ms(1900);
	EXPECT_LE(1, stat_of(self->nl, SECMSG_STATS_A_ROTATIONS));
	/* the process exits: its sockets close, then the namespace goes */
}

TEST_HARNESS_MAIN
