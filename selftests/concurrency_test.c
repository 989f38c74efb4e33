// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrency: 4 threads, each with its own handle, seal/open/reseal on a
 * shared session and on their own, while another thread rotates the
 * shared session and creates and deletes sessions.  Every result is a
 * success with the right bytes or a documented error, sequence numbers
 * are never handed out twice, and the counters add up exactly.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kselftest_harness.h"
#include "common.h"

#define WORKERS 4
#define MAX_EPOCHS 512
#define CHURN 16
#define RUN_SECONDS 8.0
#define MAX_OPS 4000

struct tally {		/* what a session's counters must say */
	atomic_ullong tx, tx_bytes, rx, rx_bytes, auth, stale;
};

struct shared {
	struct client s;			/* the shared session */
	struct secmsg_dir_keys c2s[MAX_EPOCHS], s2c[MAX_EPOCHS];
	struct tally ts;
	atomic_uint known_epoch;
	atomic_ullong c2s_seq;			/* shared client's next seq */
	atomic_int stop;
	atomic_ullong churn[CHURN];		/* ids, maybe deleted */
	atomic_ullong rotations, reseals, unexpected, churn_seals;
	pthread_mutex_t log_lock;
	char log[2048];
	/* (epoch, seq) of every S2C message of the shared session */
	pthread_mutex_t seq_lock;
	uint64_t *seqs;
	size_t n_seqs, cap_seqs;
};

struct worker {
	struct shared *sh;
	int idx;
	struct client own;
	struct tally to;
	unsigned long ops;
};

static void note(struct shared *sh, const char *fmt, int a, int b)
{
	size_t n;

	atomic_fetch_add(&sh->unexpected, 1);
	pthread_mutex_lock(&sh->log_lock);
	n = strlen(sh->log);
	if (n < sizeof(sh->log) - 100)
		snprintf(sh->log + n, sizeof(sh->log) - n, fmt, a, b);
	pthread_mutex_unlock(&sh->log_lock);
}

static void record_seq(struct shared *sh, uint32_t epoch, uint64_t seq)
{
	pthread_mutex_lock(&sh->seq_lock);
	if (sh->n_seqs == sh->cap_seqs) {
		sh->cap_seqs = sh->cap_seqs ? sh->cap_seqs * 2 : 4096;
		sh->seqs = realloc(sh->seqs, sh->cap_seqs * sizeof(uint64_t));
	}
	sh->seqs[sh->n_seqs++] = (uint64_t)epoch << 40 | seq;
	pthread_mutex_unlock(&sh->seq_lock);
}

static void raise_epoch(struct shared *sh, uint32_t e)
{
	unsigned int cur = atomic_load(&sh->known_epoch);

	while (cur < e &&
	       !atomic_compare_exchange_weak(&sh->known_epoch, &cur, e))
		;
}

/* Check an S2C message of the shared session; true when it opens. */
static bool check_shared_s2c(struct shared *sh,
			     const struct secmsg_msg_result *r,
			     const uint8_t *pt, size_t len)
{
	uint8_t out[256];
	struct secmsg_hdr h;

	if (r->epoch >= MAX_EPOCHS)
		return false;
	if (secmsg_msg_open(&sh->s2c[r->epoch], sh->s.id, r->data, r->len, &h,
			    out) != (long)len || memcmp(out, pt, len) ||
	    h.seq != r->seq || h.epoch != r->epoch)
		return false;
	record_seq(sh, r->epoch, r->seq);
	raise_epoch(sh, r->epoch);
	return true;
}

static void add(struct tally *t, atomic_ullong *f, atomic_ullong *fb,
		size_t len)
{
	(void)t;
	atomic_fetch_add(f, 1);
	if (fb)
		atomic_fetch_add(fb, len);
}

static void worker_op(struct worker *w, struct secmsg_nl *nl, int kind)
{
	struct shared *sh = w->sh;
	struct secmsg_msg_result r = { 0 };
	uint8_t pt[200], msg[400], out[400];
	size_t len = 1 + (w->ops * 7 + w->idx) % 150;
	uint32_t e;
	uint64_t seq;
	long n;
	int err;

	fill_pattern(pt, len, w->ops * WORKERS + w->idx);
	switch (kind) {
	case 0:		/* SEAL on the shared session */
		err = secmsg_msg(nl, SECMSG_MSG_SEAL, sh->s.id, 0, pt, len, &r);
		if (err)
			note(sh, "seal shared: %d (%d)\n", err, 0);
		else if (!check_shared_s2c(sh, &r, pt, len))
			note(sh, "seal shared: bad bytes e%d s%d\n", r.epoch,
			     (int)r.seq);
		else
			add(&sh->ts, &sh->ts.tx, &sh->ts.tx_bytes, len);
		break;
	case 1:		/* SEAL on our own */
		err = secmsg_msg(nl, SECMSG_MSG_SEAL, w->own.id, 0, pt, len,
				 &r);
		if (err || client_open(&w->own, r.data, r.len, NULL, out) !=
				   (long)len || memcmp(out, pt, len))
			note(sh, "seal own: %d w%d\n", err, w->idx);
		else
			add(&w->to, &w->to.tx, &w->to.tx_bytes, len);
		break;
	case 2:		/* OPEN on our own */
		n = client_seal(&w->own, pt, len, msg);
		err = secmsg_msg(nl, SECMSG_MSG_OPEN, w->own.id, 0, msg, n,
				 &r);
		if (err || r.len != len || memcmp(r.data, pt, len))
			note(sh, "open own: %d w%d\n", err, w->idx);
		else
			add(&w->to, &w->to.rx, &w->to.rx_bytes, len);
		break;
	case 3:		/* OPEN on the shared one, at the epoch we know */
	case 5:		/* RESEAL shared -> own */
		e = atomic_load(&sh->known_epoch);
		seq = atomic_fetch_add(&sh->c2s_seq, 1);
		n = secmsg_msg_seal(&sh->c2s[e], sh->s.alg, sh->s.id, seq, pt,
				    len, msg);
		err = secmsg_msg(nl, kind == 3 ? SECMSG_MSG_OPEN :
				 SECMSG_MSG_RESEAL, sh->s.id,
				 kind == 3 ? 0 : w->own.id, msg, n, &r);
		if (err == -EKEYEXPIRED) {
			atomic_fetch_add(&sh->ts.stale, 1);
		} else if (err) {
			note(sh, "open/reseal shared: %d kind %d\n", err, kind);
		} else if (kind == 3 ? (r.len != len ||
					memcmp(r.data, pt, len)) :
			   (client_open(&w->own, r.data, r.len, NULL, out) !=
				    (long)len || memcmp(out, pt, len))) {
			note(sh, "open/reseal shared: bad bytes %d %d\n", kind,
			     w->idx);
		} else {
			add(&sh->ts, &sh->ts.rx, &sh->ts.rx_bytes, len);
			if (kind == 5) {
				add(&w->to, &w->to.tx, &w->to.tx_bytes, len);
				atomic_fetch_add(&sh->reseals, 1);
			}
		}
		break;
	case 4:		/* RESEAL own -> shared */
		n = client_seal(&w->own, pt, len, msg);
		err = secmsg_msg(nl, SECMSG_MSG_RESEAL, w->own.id, sh->s.id,
				 msg, n, &r);
		if (err) {
			note(sh, "reseal own->shared: %d w%d\n", err, w->idx);
		} else if (!check_shared_s2c(sh, &r, pt, len)) {
			note(sh, "reseal own->shared: bad bytes e%d w%d\n",
			     r.epoch, w->idx);
		} else {
			add(&w->to, &w->to.rx, &w->to.rx_bytes, len);
			add(&sh->ts, &sh->ts.tx, &sh->ts.tx_bytes, len);
			atomic_fetch_add(&sh->reseals, 1);
		}
		break;
	case 6:		/* forged OPEN on our own */
		n = client_seal(&w->own, pt, len, msg);
		msg[n - 1] ^= 0x01;
		err = secmsg_msg(nl, SECMSG_MSG_OPEN, w->own.id, 0, msg, n,
				 &r);
		if (err != -EBADMSG)
			note(sh, "forged open: %d w%d\n", err, w->idx);
		else
			atomic_fetch_add(&w->to.auth, 1);
		break;
	default:	/* a session that may just have been deleted */
		err = secmsg_msg(nl, SECMSG_MSG_SEAL,
				 atomic_load(&sh->churn[w->ops % CHURN]), 0, pt,
				 len, &r);
		if (!err)
			atomic_fetch_add(&sh->churn_seals, 1);
		else if (err != -ENOENT)
			note(sh, "seal churn: %d w%d\n", err, w->idx);
		break;
	}
	secmsg_msg_result_free(&r);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct secmsg_nl *nl = nl_open_or_null();
	double t0 = mono_now();

	if (!nl) {
		note(w->sh, "worker %d: no handle%d\n", w->idx, 0);
		return NULL;
	}
	while (!atomic_load(&w->sh->stop) && w->ops < MAX_OPS &&
	       mono_now() - t0 < RUN_SECONDS) {
		worker_op(w, nl, (w->ops + w->idx) % 8);
		w->ops++;
	}
	secmsg_nl_close(nl);
	return NULL;
}

static void *rotator_main(void *arg)
{
	struct shared *sh = arg;
	struct secmsg_nl *nl = nl_open_or_null();
	unsigned long i = 0;

	if (!nl)
		return NULL;
	while (!atomic_load(&sh->stop)) {
		struct secmsg_session_info info;
		struct client c;
		int err;

		if (atomic_load(&sh->rotations) < MAX_EPOCHS - 8) {
			err = secmsg_session_rotate(nl, sh->s.id, &info);
			if (err) {
				note(sh, "rotate: %d%d\n", err, 0);
			} else {
				atomic_fetch_add(&sh->rotations, 1);
				raise_epoch(sh, info.epoch);
			}
		}
		del_quiet(nl, atomic_load(&sh->churn[i % CHURN]));
		err = client_new(nl, &c, test_algs[i % N_ALGS], NULL, 0, NULL);
		if (err)
			note(sh, "churn create: %d%d\n", err, 0);
		atomic_store(&sh->churn[i % CHURN], err ? 0 : c.id);
		i++;
		sleep_ms(15);
	}
	for (i = 0; i < CHURN; i++)
		del_quiet(nl, atomic_load(&sh->churn[i]));
	secmsg_nl_close(nl);
	return NULL;
}

static void check_counters(struct __test_metadata *_metadata,
			   struct secmsg_nl *nl, const char *who, uint64_t id,
			   struct tally *t, uint64_t rotations)
{
	struct secmsg_counters c;

	ASSERT_EQ(0, get_counters(nl, id, &c));
	TH_LOG("%s: tx %llu/%llu rx %llu/%llu auth %llu stale %llu rot %llu",
	       who, (unsigned long long)c.tx_messages,
	       (unsigned long long)atomic_load(&t->tx),
	       (unsigned long long)c.rx_messages,
	       (unsigned long long)atomic_load(&t->rx),
	       (unsigned long long)c.auth_failures,
	       (unsigned long long)c.stale_epoch,
	       (unsigned long long)c.rotations);
	EXPECT_EQ(atomic_load(&t->tx), c.tx_messages);
	EXPECT_EQ(atomic_load(&t->tx_bytes), c.tx_bytes);
	EXPECT_EQ(atomic_load(&t->rx), c.rx_messages);
	EXPECT_EQ(atomic_load(&t->rx_bytes), c.rx_bytes);
	EXPECT_EQ(atomic_load(&t->auth), c.auth_failures);
	EXPECT_EQ(atomic_load(&t->stale), c.stale_epoch);
	EXPECT_EQ(0, c.replays);
	EXPECT_EQ(rotations, c.rotations);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t total(struct shared *sh, struct worker *w, int field)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < WORKERS; i++)
		v += field == 0 ? atomic_load(&w[i].to.tx) :
		     field == 1 ? atomic_load(&w[i].to.rx) :
				  atomic_load(&w[i].to.auth);
	return v + (field == 0 ? atomic_load(&sh->ts.tx) :
		    field == 1 ? atomic_load(&sh->ts.rx) : 0);
}

FIXTURE(conc) {
	struct secmsg_nl *nl;
	struct shared *sh;
	struct worker w[WORKERS];
};

FIXTURE_SETUP(conc)
{
	struct secmsg_policy pol = {
		.has_max_messages = true, .max_messages = 0,
		.has_rotate_interval = true, .rotate_interval = 0,
		.has_rekey_grace = true, .rekey_grace = SECMSG_REKEY_GRACE_MAX,
	};
	uint32_t e;
	int i;

	self->nl = nl_open_or_null();
	ASSERT_NE(NULL, self->nl);
	self->sh = calloc(1, sizeof(*self->sh));
	ASSERT_NE(NULL, self->sh);
	pthread_mutex_init(&self->sh->log_lock, NULL);
	pthread_mutex_init(&self->sh->seq_lock, NULL);
	ASSERT_EQ(0, client_new(self->nl, &self->sh->s, SECMSG_ALG_AES_256_GCM,
				&pol, 0, NULL));
	client_keys_at(&self->sh->s, SECMSG_DIR_C2S, 0, &self->sh->c2s[0]);
	client_keys_at(&self->sh->s, SECMSG_DIR_S2C, 0, &self->sh->s2c[0]);
	for (e = 1; e < MAX_EPOCHS; e++) {
		self->sh->c2s[e] = self->sh->c2s[e - 1];
		secmsg_dir_ratchet(&self->sh->c2s[e]);
		self->sh->s2c[e] = self->sh->s2c[e - 1];
		secmsg_dir_ratchet(&self->sh->s2c[e]);
	}
	for (i = 0; i < WORKERS; i++) {
		self->w[i].sh = self->sh;
		self->w[i].idx = i;
		ASSERT_EQ(0, client_new(self->nl, &self->w[i].own,
					test_algs[1 + i % 2], &pol, 0, NULL));
	}
}

FIXTURE_TEARDOWN(conc)
{
	int i;

	if (self->sh) {
		del_quiet(self->nl, self->sh->s.id);
		free(self->sh->seqs);
		free(self->sh);
	}
	for (i = 0; i < WORKERS; i++)
		del_quiet(self->nl, self->w[i].own.id);
	if (self->nl)
		secmsg_nl_close(self->nl);
}

TEST_F_TIMEOUT(conc, hammer, 120)
{
	struct shared *sh = self->sh;
	struct secmsg_stats s0, s1;
	pthread_t th[WORKERS], rot;
	unsigned long ops = 0;
	size_t i, dups = 0;
	char name[32];

	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s0));
	ASSERT_EQ(0, pthread_create(&rot, NULL, rotator_main, sh));
	for (i = 0; i < WORKERS; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, worker_main,
					    &self->w[i]));
	for (i = 0; i < WORKERS; i++) {
		pthread_join(th[i], NULL);
		ops += self->w[i].ops;
	}
	atomic_store(&sh->stop, 1);
	pthread_join(rot, NULL);
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s1));
	DIAG("concurrency: %lu ops, %llu rotations, %llu reseals, %llu stale, %llu unexpected",
		       ops, (unsigned long long)atomic_load(&sh->rotations),
		       (unsigned long long)atomic_load(&sh->reseals),
		       (unsigned long long)atomic_load(&sh->ts.stale),
		       (unsigned long long)atomic_load(&sh->unexpected));
	if (sh->log[0])
		TH_LOG("unexpected results:\n%s", sh->log);
	EXPECT_EQ(0, atomic_load(&sh->unexpected));
	EXPECT_LT(0, atomic_load(&sh->rotations));

	/* no (epoch, seq) of the shared session was handed out twice */
	qsort(sh->seqs, sh->n_seqs, sizeof(uint64_t), cmp_u64);
	for (i = 1; i < sh->n_seqs; i++)
		dups += sh->seqs[i] == sh->seqs[i - 1];
	EXPECT_EQ(0, dups);

	check_counters(_metadata, self->nl, "shared", sh->s.id, &sh->ts,
		       atomic_load(&sh->rotations));
	for (i = 0; i < WORKERS; i++) {
		snprintf(name, sizeof(name), "own %zu", i);
		check_counters(_metadata, self->nl, name, self->w[i].own.id,
			       &self->w[i].to, 0);
	}
	/* namespace totals moved by exactly as much */
	EXPECT_EQ(total(sh, self->w, 0) + atomic_load(&sh->churn_seals),
		  s1.v[SECMSG_STATS_A_SEALED] - s0.v[SECMSG_STATS_A_SEALED]);
	EXPECT_EQ(total(sh, self->w, 1),
		  s1.v[SECMSG_STATS_A_OPENED] - s0.v[SECMSG_STATS_A_OPENED]);
	EXPECT_EQ(atomic_load(&sh->reseals),
		  s1.v[SECMSG_STATS_A_RESEALED] -
			  s0.v[SECMSG_STATS_A_RESEALED]);
	EXPECT_EQ(total(sh, self->w, 2),
		  s1.v[SECMSG_STATS_A_AUTH_FAILURES] -
			  s0.v[SECMSG_STATS_A_AUTH_FAILURES]);
	EXPECT_EQ(atomic_load(&sh->rotations),
		  s1.v[SECMSG_STATS_A_ROTATIONS] -
			  s0.v[SECMSG_STATS_A_ROTATIONS]);
	EXPECT_EQ(atomic_load(&sh->ts.stale),
		  s1.v[SECMSG_STATS_A_STALE_EPOCH] -
			  s0.v[SECMSG_STATS_A_STALE_EPOCH]);
}


TEST_HARNESS_MAIN
