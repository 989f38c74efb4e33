// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The kernel work queue and its batches (see kbatch.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "kbatch.h"
#include "kernel.h"
#include "loopstat.h"

_Static_assert(KBATCH_MAX_COPIES >= 1 &&
	       KBATCH_MAX_COPIES <= SECMSG_RESEAL_MAX_DESTS,
	       "one RESEAL goes to every copy");
_Static_assert(KBATCH_MAX_COPIES * (SECMSG_MAX_PLAINTEXT +
				    SECMSG_MAX_OVERHEAD) <=
	       SECMSG_BATCH_MAX_BYTES,
	       "every copy of the largest message must fit in one batch");

/* A re-seal (fn NULL), or a call. */
struct item {
	void (*fn)(uint64_t sid, int arg);
	uint64_t sid;			/* call */
	int arg;
	void *msg;			/* re-seal: the caller's cookie */
	uint8_t *data;
	size_t len;
	uint64_t from;
	unsigned int n;
	uint64_t to[KBATCH_MAX_COPIES];
};

struct queue {
	struct item *v;
	size_t n, cap;
};

/* A queue that grew past this many items is given back after a flush. */
#define KEEP_ITEMS	1024

static struct {
	struct metrics *m;
	const struct kbatch_up *up;
	struct queue q[2];	/* the one being filled, the one being run */
	unsigned int cur;
	bool flushing;
	/* one batch: ops and their results */
	struct secmsg_batch_op ops[SECMSG_BATCH_MAX_OPS];
	struct secmsg_msg_result res[SECMSG_BATCH_MAX_OPS * KBATCH_MAX_COPIES];
	struct kb_copy copies[KBATCH_MAX_COPIES];
} K;

void kbatch_init(struct metrics *m, const struct kbatch_up *up)
{
	K.m = m;
	K.up = up;
}

static void queue_free(struct queue *q)
{
	free(q->v);
	memset(q, 0, sizeof(*q));
}

void kbatch_exit(void)
{
	queue_free(&K.q[0]);
	queue_free(&K.q[1]);
}

static struct item *item_new(void)
{
	struct queue *q = &K.q[K.cur];

	if (q->n == q->cap) {
		size_t ncap = q->cap ? 2 * q->cap : 64;
		struct item *p = realloc(q->v, ncap * sizeof(*p));

		if (!p)
			return NULL;
		q->v = p;
		q->cap = ncap;
	}
	return &q->v[q->n++];
}

int kbatch_reseal(uint64_t from, const uint64_t *to, unsigned int n,
		  uint8_t *data, size_t len, void *msg)
{
	struct item *it;

	if (n > KBATCH_MAX_COPIES)
		return -EINVAL;
	it = item_new();
	if (!it)
		return -ENOMEM;
	it->fn = NULL;
	it->msg = msg;
	it->data = data;
	it->len = len;
	it->from = from;
	it->n = n;
	memcpy(it->to, to, n * sizeof(*to));
	return 0;
}

int kbatch_call(void (*fn)(uint64_t sid, int arg), uint64_t sid, int arg)
{
	struct item *it = item_new();

	if (!it)
		return -ENOMEM;
	memset(it, 0, sizeof(*it));
	it->fn = fn;
	it->sid = sid;
	it->arg = arg;
	return 0;
}

/* A result's reason: 0 when re-sealed; never 0 for a failure. */
static int reason_of(const struct secmsg_msg_result *r)
{
	if (!r->status)
		return 0;
	return r->reason > 0 && r->reason <= SECMSG_FAIL_MAX ?
	       r->reason : SECMSG_FAIL_INTERNAL;
}

/*
 * How many of the n items at v go in one batch (at least one), and
 * their ops in *nops.  A message's copies are one RESEAL (to peer_id for
 * one copy, in place; to a destination per copy for more: opened once),
 * and the kernel counts each copy's bytes.
 */
static size_t batch_span(const struct item *v, size_t n, size_t *nops)
{
	size_t i, ops = 0, bytes = 0;

	for (i = 0; i < n && !v[i].fn; i++) {
		size_t op = v[i].n ? 1 : 0;

		if (i && (ops + op > SECMSG_BATCH_MAX_OPS ||
			  bytes + v[i].n * v[i].len > SECMSG_BATCH_MAX_BYTES))
			break;
		ops += op;
		bytes += v[i].n * v[i].len;
	}
	*nops = ops;
	return i;
}

/*
 * Send the re-seals v[0..n-1] as one batch and report every copy: the
 * results are one per copy, in order (one per destination of a RESEAL
 * to several sessions).
 */
static void run_batch(struct item *v, size_t n, size_t nops)
{
	enum ls_phase prev = ls_enter(LS_CRYPTO);
	size_t i, k = 0;
	unsigned int j;
	int rc = 0;

	for (i = 0; i < n; i++) {
		if (!v[i].n)
			continue;
		K.ops[k++] = (struct secmsg_batch_op){
			.op = SECMSG_MSG_RESEAL,
			.id = v[i].from,
			.peer_id = v[i].n == 1 ? v[i].to[0] : 0,
			.dests = v[i].n > 1 ? v[i].to : NULL,
			.ndests = v[i].n > 1 ? v[i].n : 0,
			.cookie = i,
			.data = v[i].data,
			.len = v[i].len,
		};
	}
	if (nops) {
		rc = kern_batch(K.ops, nops, K.res);
		K.m->batches++;
		K.m->batch_ops += nops;
		ls_count(LS_CRYPTO_CALLS, 1);
		ls_count(LS_MSGS, nops);
	}
	/* the re-sealed copies become frames, queued to their recipients */
	ls_enter(LS_BUILD);
	for (i = 0, k = 0; i < n; k += v[i].n, i++) {
		struct secmsg_msg_result *r = &K.res[k];

		for (j = 0; j < v[i].n; j++) {
			if (rc)
				K.copies[j] = (struct kb_copy){
					.reason = SECMSG_FAIL_INTERNAL,
					.err = -rc };
			else
				K.copies[j] = (struct kb_copy){
					.reason = reason_of(&r[j]),
					.err = r[j].status,
					.data = r[j].status ? NULL : r[j].data,
					.len = r[j].status ? 0 : r[j].len,
				};
		}
		/* r[]: views into the kernel handle's buffer (kern_batch()) */
		K.up->resealed(v[i].msg, K.copies, v[i].n);
		if (v[i].data) {
			explicit_bzero(v[i].data, v[i].len);
			free(v[i].data);
		}
	}
	ls_leave(prev);
}

static void run(struct queue *q)
{
	size_t i = 0, n, nops;

	while (i < q->n) {
		if (q->v[i].fn) {
			q->v[i].fn(q->v[i].sid, q->v[i].arg);
			i++;
			continue;
		}
		n = batch_span(q->v + i, q->n - i, &nops);
		run_batch(q->v + i, n, nops);
		i += n;
	}
	explicit_bzero(q->v, q->n * sizeof(*q->v));
	q->n = 0;
	if (q->cap > KEEP_ITEMS)
		queue_free(q);
}

void kbatch_flush(void)
{
	struct queue *q;

	if (K.flushing)
		return;
	K.flushing = true;
	while (K.q[K.cur].n) {
		/* upcalls may queue more: into the other queue, run next */
		q = &K.q[K.cur];
		K.cur ^= 1;
		run(q);
	}
	K.flushing = false;
}
