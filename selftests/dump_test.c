// SPDX-License-Identifier: GPL-2.0
/*
 * SESSION_GET dumps: many sessions come back each exactly once in
 * ascending id order; a dump racing with creates and deletes still
 * returns every session that lived through it exactly once.
 *
 * SECMSG_DUMP_N sets the number of sessions of the big dump (default
 * 100000, or as many as fit in SECMSG_DUMP_BUDGET seconds, default 60).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kselftest_harness.h"
#include "common.h"

struct idvec {
	uint64_t *v;
	size_t n, cap;
};

static int idvec_push(struct idvec *iv, uint64_t id)
{
	if (iv->n == iv->cap) {
		size_t cap = iv->cap ? iv->cap * 2 : 1024;
		uint64_t *v = realloc(iv->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		iv->v = v;
		iv->cap = cap;
	}
	iv->v[iv->n++] = id;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct dump_state {
	struct idvec ids;
	uint64_t last;
	size_t out_of_order;
	unsigned int slow_every;	/* sleep a little every N sessions */
};

static int dump_cb(const struct secmsg_session_info *s, void *arg)
{
	struct dump_state *d = arg;

	if (d->ids.n && s->id <= d->last)
		d->out_of_order++;
	d->last = s->id;
	if (d->slow_every && d->ids.n % d->slow_every == 0)
		sleep_ms(1);
	return idvec_push(&d->ids, s->id);
}

/* Every id of want (sorted) appears in got (sorted) exactly once. */
static size_t count_missing(const struct idvec *want, const struct idvec *got)
{
	size_t i, j = 0, missing = 0;

	for (i = 0; i < want->n; i++) {
		while (j < got->n && got->v[j] < want->v[i])
			j++;
		if (j == got->n || got->v[j] != want->v[i])
			missing++;
	}
	return missing;
}

static void delete_all(struct secmsg_nl *nl, const struct idvec *iv)
{
	size_t i;

	for (i = 0; i < iv->n; i++)
		del_quiet(nl, iv->v[i]);
}

static size_t env_size(const char *name, size_t def)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : def;
}

FIXTURE(dump) {
	int unused;
};

FIXTURE_SETUP(dump)
{
}

FIXTURE_TEARDOWN(dump)
{
}

/* Creators: plain SESSION_NEW (no client-side keys), one handle each. */
struct creator {
	size_t want;
	double budget, t0;
	struct idvec ids;
	int err;
	char errmsg[128];
};

static void *creator_main(void *arg)
{
	struct creator *cr = arg;
	struct secmsg_nl *nl = nl_open_or_null();
	uint8_t secret[SECMSG_KEY_LEN];
	char uid[32];

	if (!nl) {
		cr->err = -ENOENT;
		return NULL;
	}
	rand_bytes(secret, sizeof(secret));
	while (cr->ids.n < cr->want && mono_now() - cr->t0 < cr->budget) {
		struct secmsg_session_params p = {
			.user_id = uid, .alg = test_algs[cr->ids.n % N_ALGS],
			.secret_c2s = secret, .secret_s2c = secret,
		};
		struct secmsg_session_info info;

		snprintf(uid, sizeof(uid), "dump-%zu", cr->ids.n);
		cr->err = secmsg_session_new(nl, &p, &info);
		if (cr->err) {
			snprintf(cr->errmsg, sizeof(cr->errmsg), "%s",
				 secmsg_nl_errmsg(nl) ? secmsg_nl_errmsg(nl) :
							"");
			break;
		}
		if (idvec_push(&cr->ids, info.id)) {
			cr->err = -ENOMEM;
			break;
		}
	}
	secmsg_nl_close(nl);
	return NULL;
}

#define CREATORS 2

TEST_F_TIMEOUT(dump, many_once_ascending, 600)
{
	size_t target = env_size("SECMSG_DUMP_N", 100000), i;
	double budget = env_size("SECMSG_DUMP_BUDGET", 60);
	struct secmsg_nl *nl = nl_open_or_null();
	struct creator cr[CREATORS];
	struct dump_state d = { 0 };
	struct idvec made = { 0 };
	pthread_t th[CREATORS];
	double t0, t_create, t_dump, t_del;
	int err = 0;

	ASSERT_NE(NULL, nl);
	if (getenv("SECMSG_DUMP_N"))
		budget = 1e9;
	t0 = mono_now();
	memset(cr, 0, sizeof(cr));
	for (i = 0; i < CREATORS; i++) {
		cr[i].want = target / CREATORS + (i < target % CREATORS);
		cr[i].budget = budget;
		cr[i].t0 = t0;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, creator_main, &cr[i]));
	}
	for (i = 0; i < CREATORS; i++) {
		pthread_join(th[i], NULL);
		if (cr[i].err) {
			TH_LOG("create failed: %s (%s)", errname(cr[i].err),
			       cr[i].errmsg);
			err = cr[i].err;
		}
		for (size_t k = 0; k < cr[i].ids.n; k++)
			ASSERT_EQ(0, idvec_push(&made, cr[i].ids.v[k]));
		free(cr[i].ids.v);
	}
	t_create = mono_now() - t0;
	DIAG("dump: created %zu sessions (target %zu) in %.1f s%s", made.n,
	     target, t_create,
	     made.n < target && !err ? " (stopped by the time budget)" : "");
	EXPECT_EQ(0, err);
	ASSERT_LT(0, made.n);
	qsort(made.v, made.n, sizeof(*made.v), cmp_u64);
	for (i = 1; i < made.n; i++)
		ASSERT_NE(made.v[i - 1], made.v[i]);	/* distinct ids */

	t0 = mono_now();
	err = secmsg_session_dump(nl, dump_cb, &d);
	t_dump = mono_now() - t0;
	DIAG("dump: %zu sessions dumped in %.2f s", d.ids.n, t_dump);
	EXPECT_EQ(0, err);
	EXPECT_EQ(0, d.out_of_order);
	EXPECT_LE(made.n, d.ids.n);
	EXPECT_EQ(0, count_missing(&made, &d.ids));

	t0 = mono_now();
	delete_all(nl, &made);
	t_del = mono_now() - t0;
	DIAG("dump: deleted them in %.1f s", t_del);
	free(d.ids.v);
	d = (struct dump_state){ 0 };
	ASSERT_EQ(0, secmsg_session_dump(nl, dump_cb, &d));
	qsort(d.ids.v, d.ids.n, sizeof(*d.ids.v), cmp_u64);
	EXPECT_EQ(made.n, count_missing(&made, &d.ids));	/* all gone */
	free(d.ids.v);
	free(made.v);
	secmsg_nl_close(nl);
}

/* ---------------------------------------------------------------- */

struct churn {
	atomic_int stop;
	atomic_size_t created;
	size_t deleted;
	int err;
	struct idvec live;
};

static void *churn_thread(void *arg)
{
	struct churn *ch = arg;
	struct secmsg_nl *nl = nl_open_or_null();
	size_t head = 0;

	if (!nl) {
		ch->err = -ENOENT;
		return NULL;
	}
	uint8_t secret[SECMSG_KEY_LEN];

	rand_bytes(secret, sizeof(secret));
	while (!atomic_load(&ch->stop)) {
		struct secmsg_session_params p = {
			.user_id = "churn", .alg = SECMSG_ALG_AES_256_GCM,
			.secret_c2s = secret, .secret_s2c = secret,
		};
		struct secmsg_session_info info;
		int err = secmsg_session_new(nl, &p, &info);

		if (err) {
			ch->err = err;
			break;
		}
		idvec_push(&ch->live, info.id);
		ch->created++;
		if (ch->live.n - head > 100) {
			err = secmsg_session_del(nl, ch->live.v[head++]);
			if (err) {
				ch->err = err;
				break;
			}
			ch->deleted++;
		}
	}
	while (head < ch->live.n)
		del_quiet(nl, ch->live.v[head++]);
	secmsg_nl_close(nl);
	return NULL;
}

TEST_F_TIMEOUT(dump, concurrent_changes, 300)
{
	size_t stable_n = env_size("SECMSG_DUMP_STABLE", 3000), i;
	struct secmsg_nl *nl = nl_open_or_null();
	struct idvec stable = { 0 };
	struct churn ch = { 0 };
	pthread_t th;
	size_t churned = 0;
	int round;

	ASSERT_NE(NULL, nl);
	for (i = 0; i < stable_n; i++) {
		struct client c;

		ASSERT_EQ(0, client_new(nl, &c, SECMSG_ALG_CHACHA20_POLY1305,
					NULL, 0, NULL));
		ASSERT_EQ(0, idvec_push(&stable, c.id));
	}
	qsort(stable.v, stable.n, sizeof(*stable.v), cmp_u64);
	ASSERT_EQ(0, pthread_create(&th, NULL, churn_thread, &ch));
	for (round = 0; round < 3; round++) {
		struct dump_state d = { .slow_every = 16 };
		size_t before = atomic_load(&ch.created), during;
		double t0 = mono_now();
		int err;

		/* let the churn get going first */
		while (atomic_load(&ch.created) < before + 20 &&
		       mono_now() - t0 < 10 && !ch.err)
			sleep_ms(10);
		before = atomic_load(&ch.created);
		err = secmsg_session_dump(nl, dump_cb, &d);
		during = atomic_load(&ch.created) - before;
		churned += during;
		DIAG("dump round %d: %zu sessions, %zu created meanwhile",
		     round, d.ids.n, during);
		EXPECT_EQ(0, err);
		EXPECT_EQ(0, d.out_of_order);	/* ascending, no duplicates */
		EXPECT_EQ(0, count_missing(&stable, &d.ids));
		free(d.ids.v);
	}
	atomic_store(&ch.stop, 1);
	pthread_join(th, NULL);
	TH_LOG("churn: %zu created, %zu deleted, err %s",
	       atomic_load(&ch.created),
	       ch.deleted, errname(ch.err));
	EXPECT_EQ(0, ch.err);
	EXPECT_LT(0, churned);	/* the dumps did race with changes */
	delete_all(nl, &stable);
	free(stable.v);
	free(ch.live.v);
	secmsg_nl_close(nl);
}

TEST_HARNESS_MAIN
