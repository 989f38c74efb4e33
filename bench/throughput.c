// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Part 1: seal, open and reseal throughput per algorithm and message size,
 * through secmsg.ko one message per request (SECMSG_CMD_MSG), batched
 * (SECMSG_CMD_MSG_BATCH), AF_ALG doing the same work from userspace, and
 * nettle doing it in this process (libsecmsg's wire code: no boundary
 * crossed at all, the limit any path through the kernel is measured
 * against; its keys scheduled once, as AF_ALG's handles are).
 *
 * Per (algorithm, size, op) the four modes run interleaved, round after
 * round (opts.rounds), each for opts.secs after opts.warm of warm-up; the
 * best round counts, so that a burst of load elsewhere on the host costs
 * one round, not a mode.
 *
 * Messages to open are sealed beforehand (untimed) with the nettle
 * implementation under the session's c2s secret, each under a fresh
 * sequence number, in order: the kernel's replay window sees every
 * number once.  The AF_ALG peer uses the same keys as the sessions
 * (sequence numbers from 2^40 up for what it seals, so that no nonce is
 * used twice) and cycles a small pool for open: it keeps no window.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

enum { M_SINGLE, M_BATCH, M_AFALG, M_NETTLE, NMODES };
enum { OP_SEAL, OP_OPEN, OP_RESEAL, NOPS };

static const char *const op_names[NOPS] = { "seal", "open", "reseal" };
static const int msg_ops[NOPS] = { SECMSG_MSG_SEAL, SECMSG_MSG_OPEN,
				   SECMSG_MSG_RESEAL };

#define POOL_MAX_BYTES	(48u << 20)
#define PEER_POOL	256
#define PEER_SEQ_BASE	(1ULL << 40)

struct pool {
	uint8_t *buf;
	size_t stride, cap;	/* bytes per slot, slots */
	size_t *len;
	size_t n, next;		/* filled, consumed */
};

struct cell {
	struct secmsg_nl *nl;
	struct bench_session *a, *b;	/* reseal: a's c2s -> b's s2c */
	int op;
	size_t size;
	size_t batch;
	uint8_t *pt;
	struct pool pool;		/* fresh c2s messages of a */
	struct pool peer_pool;		/* c2s messages of a, cycled */
	struct secmsg_batch_op *ops;
	struct secmsg_msg_result *res;
	/* AF_ALG: a's s2c key (seal), a's c2s key (open), b's s2c key */
	struct afalg *seal_a, *open_a, *seal_b;
	/* nettle: the same three, keyed once like AF_ALG's handles */
	struct secmsg_msg_ctx *nseal_a, *nopen_a, *nseal_b;
	/* AF_ALG and nettle seal under their own sequence numbers */
	uint64_t peer_seq_a, peer_seq_b;
	size_t nettle_next;		/* nettle's place in peer_pool */
	/* nettle's sealed output (AF_ALG's is its handle's own); the peers'
	 * opened plaintext */
	uint8_t *peer_out, *peer_pt;
};

static void pool_init(struct pool *p, size_t size)
{
	memset(p, 0, sizeof(*p));
	p->stride = size + SECMSG_MAX_OVERHEAD;
	p->cap = POOL_MAX_BYTES / p->stride;
	p->buf = xmalloc(p->cap * p->stride);
	p->len = xcalloc(p->cap, sizeof(*p->len));
}

static void pool_free(struct pool *p)
{
	free(p->buf);
	free(p->len);
	memset(p, 0, sizeof(*p));
}

/* Seal count fresh client-to-server messages of s (nettle, untimed). */
static void pool_fill(struct pool *p, struct bench_session *s,
		      const uint8_t *pt, size_t size, size_t count)
{
	size_t i;
	long n;

	if (count > p->cap)
		count = p->cap;
	for (i = 0; i < count; i++) {
		n = secmsg_msg_seal(&s->c2s, s->alg, s->id, s->c2s_next++, pt,
				    size, p->buf + i * p->stride);
		if (n < 0)
			fatal("secmsg_msg_seal (nettle): %s", errname((int)n));
		p->len[i] = (size_t)n;
	}
	p->n = count;
	p->next = 0;
}

static const uint8_t *pool_take(struct pool *p, size_t *len)
{
	const uint8_t *m;

	if (p->next >= p->n)
		return NULL;
	m = p->buf + p->next * p->stride;
	*len = p->len[p->next++];
	return m;
}

static void check_status(struct cell *c, int err, const char *what)
{
	const char *msg = secmsg_nl_errmsg(c->nl);

	if (err)
		fatal("%s %s %s %zu B: %s%s%s", what, op_names[c->op],
		      secmsg_alg_name(c->a->alg), c->size, errname(err),
		      msg ? ": " : "", msg ? msg : "");
}

/*
 * The in-process limit: nettle seals, opens, or opens and seals again, in
 * this process, on the messages the AF_ALG peer cycles through.
 */
static size_t step_nettle(struct cell *c)
{
	const struct pool *p = &c->peer_pool;
	long n;

	if (c->op == OP_SEAL)
		n = secmsg_msg_ctx_seal(c->nseal_a, c->a->id, c->peer_seq_a++,
					c->pt, c->size, c->peer_out);
	else
		n = secmsg_msg_ctx_open(c->nopen_a, c->a->id,
					p->buf + c->nettle_next * p->stride,
					p->len[c->nettle_next], NULL,
					c->peer_pt);
	if (n >= 0 && c->op == OP_RESEAL)
		n = secmsg_msg_ctx_seal(c->nseal_b, c->b->id, c->peer_seq_b++,
					c->peer_pt, (size_t)n, c->peer_out);
	if (c->op != OP_SEAL)
		c->nettle_next = (c->nettle_next + 1) % p->n;
	if (n < 0)
		check_status(c, (int)n, "nettle");
	return 1;
}

/* One step of a mode; return the ops done, 0 when the pool is empty. */
static size_t step(struct cell *c, int mode)
{
	const uint8_t *data = c->pt;
	size_t len = c->size, i, k;
	int err;

	switch (mode) {
	case M_SINGLE: {
		struct secmsg_msg_result res;

		if (c->op != OP_SEAL && !(data = pool_take(&c->pool, &len)))
			return 0;
		/* results as views: nothing allocated per message */
		err = secmsg_msg_view(c->nl, msg_ops[c->op], c->a->id,
				      c->op == OP_RESEAL ? c->b->id : 0, data,
				      len, &res);
		check_status(c, err, "SECMSG_CMD_MSG");
		return 1;
	}
	case M_BATCH:
		for (k = 0; k < c->batch; k++) {
			if (c->op != OP_SEAL &&
			    !(data = pool_take(&c->pool, &len)))
				break;
			c->ops[k].op = msg_ops[c->op];
			c->ops[k].id = c->a->id;
			c->ops[k].peer_id = c->op == OP_RESEAL ? c->b->id : 0;
			c->ops[k].cookie = k;
			c->ops[k].data = data;
			c->ops[k].len = len;
		}
		if (!k)
			return 0;
		err = secmsg_msg_batch_view(c->nl, c->ops, k, c->res);
		check_status(c, err, "SECMSG_CMD_MSG_BATCH");
		for (i = 0; i < k; i++)
			check_status(c, -c->res[i].status, "batched");
		return k;
	case M_NETTLE:
		return step_nettle(c);
	default: {
		const uint8_t *sealed;
		long n;

		if (c->op == OP_SEAL) {
			n = afalg_seal(c->seal_a, c->a->s2c.salt, 0, c->a->id,
				       c->peer_seq_a++, c->pt, c->size,
				       &sealed);
		} else {
			struct pool *p = &c->peer_pool;

			data = p->buf + p->next * p->stride;
			len = p->len[p->next];
			p->next = (p->next + 1) % p->n;
			n = afalg_open(c->open_a, c->a->c2s.salt, data, len,
				       c->peer_pt);
			if (n >= 0 && c->op == OP_RESEAL)
				n = afalg_seal(c->seal_b, c->b->s2c.salt, 0,
					       c->b->id, c->peer_seq_b++,
					       c->peer_pt, (size_t)n,
					       &sealed);
		}
		if (n < 0)
			check_status(c, (int)n, "AF_ALG");
		return 1;
	}
	}
}

/* Run mode for secs (or until the pool runs dry); return ops/s. */
static double timed(struct cell *c, int mode, double secs, bool *dry)
{
	double t0 = now_s(), t;
	uint64_t ops = 0;
	size_t n;

	do {
		n = step(c, mode);
		if (!n) {
			*dry = true;
			break;
		}
		ops += n;
		t = now_s();
	} while (t - t0 < secs);
	t = now_s() - t0;
	return t > 0 ? (double)ops / t : 0;
}

/* Sealed length of a size-byte plaintext. */
static size_t sealed_len(int alg, size_t size)
{
	if (alg == SECMSG_ALG_TWOFISH_CBC)
		return SECMSG_HDR_LEN + SECMSG_CBC_IV_LEN +
		       (size / 16 + 1) * 16 + SECMSG_HMAC_TAG_LEN;
	return SECMSG_HDR_LEN + size + SECMSG_AEAD_TAG_LEN;
}

/*
 * Before timing: one op of each mode, with its result checked by the
 * nettle implementation, so that every mode is known to do the real work.
 */
static void check_cell(struct cell *c)
{
	struct secmsg_msg_result res;
	const struct secmsg_dir_keys *k;
	struct bench_session *to;
	const uint8_t *sealed = NULL;
	uint8_t *buf = xmalloc(c->size + SECMSG_MAX_OVERHEAD);
	const uint8_t *data = c->pt;
	size_t len = c->size;
	long n;
	int err;

	if (c->op != OP_SEAL) {
		pool_fill(&c->pool, c->a, c->pt, c->size, 1);
		data = pool_take(&c->pool, &len);
	}
	err = secmsg_msg(c->nl, msg_ops[c->op], c->a->id,
			 c->op == OP_RESEAL ? c->b->id : 0, data, len, &res);
	check_status(c, err, "check: SECMSG_CMD_MSG");
	if (c->op == OP_OPEN) {
		if (res.len != c->size || memcmp(res.data, c->pt, c->size))
			fatal("check: kernel open gave other plaintext");
	} else {
		to = c->op == OP_SEAL ? c->a : c->b;
		n = secmsg_msg_open(&to->s2c, to->id, res.data, res.len, NULL,
				    buf);
		if (n != (long)c->size || memcmp(buf, c->pt, c->size) ||
		    res.len != sealed_len(c->a->alg, c->size))
			fatal("check: kernel %s output does not open (nettle): %s",
			      op_names[c->op], n < 0 ? errname((int)n) : "length");
	}
	secmsg_msg_result_free(&res);

	/* AF_ALG: its seal must open with nettle, like the kernel's */
	if (c->op == OP_SEAL) {
		k = &c->a->s2c;
		n = afalg_seal(c->seal_a, k->salt, 0, c->a->id,
			       c->peer_seq_a++, c->pt, c->size, &sealed);
		to = c->a;
	} else {
		n = afalg_open(c->open_a, c->a->c2s.salt, c->peer_pool.buf,
			       c->peer_pool.len[0], c->peer_pt);
		if (n != (long)c->size || memcmp(c->peer_pt, c->pt, c->size))
			fatal("check: AF_ALG open: %s",
			      n < 0 ? errname((int)n) : "other plaintext");
		to = c->b;
		if (c->op == OP_RESEAL)
			n = afalg_seal(c->seal_b, c->b->s2c.salt, 0, c->b->id,
				       c->peer_seq_b++, c->peer_pt, (size_t)n,
				       &sealed);
	}
	if (c->op != OP_OPEN) {
		if (n < 0)
			fatal("check: AF_ALG seal: %s", errname((int)n));
		n = secmsg_msg_open(&to->s2c, to->id, sealed, (size_t)n,
				    NULL, buf);
		if (n != (long)c->size || memcmp(buf, c->pt, c->size))
			fatal("check: AF_ALG seal does not open (nettle): %s",
			      n < 0 ? errname((int)n) : "length");
	}

	/* nettle in-process, through its keyed contexts: the same */
	memset(c->peer_out, 0, c->size + SECMSG_MAX_OVERHEAD);
	memset(c->peer_pt, 0, c->size + SECMSG_MAX_OVERHEAD);
	step_nettle(c);
	if (c->op == OP_OPEN) {
		if (memcmp(c->peer_pt, c->pt, c->size))
			fatal("check: nettle open gave other plaintext");
	} else {
		n = secmsg_msg_open(&to->s2c, to->id, c->peer_out,
				    sealed_len(c->a->alg, c->size), NULL, buf);
		if (n != (long)c->size || memcmp(buf, c->pt, c->size))
			fatal("check: nettle %s does not open: %s",
			      op_names[c->op],
			      n < 0 ? errname((int)n) : "length");
	}
	explicit_bzero(buf, c->size + SECMSG_MAX_OVERHEAD);
	free(buf);
}

struct result {
	double rate[NMODES];	/* best round */
	double ratio[NMODES];	/* median over rounds of mode / AF_ALG */
	double limit;		/* median over rounds of nettle / batched:
				 * a batched op's cost in nettle ops */
	bool dry[NMODES];
	size_t batch;
};

static void run_cell(struct cell *c, struct result *r, const double *est)
{
	double rate, t, rr[NMODES][MAX_ROUNDS], lim[MAX_ROUNDS];
	int round, mode;
	size_t need;
	bool dry;

	memset(r, 0, sizeof(*r));
	r->batch = c->batch;
	check_cell(c);
	for (round = 0; round < opts.rounds; round++) {
		for (mode = 0; mode < NMODES; mode++) {
			if (c->op != OP_SEAL &&
			    (mode == M_SINGLE || mode == M_BATCH)) {
				/* enough fresh messages for warm-up and run */
				need = (size_t)(est[mode] * 1.5 *
						(opts.warm + opts.secs)) +
				       2 * c->batch + 16;
				pool_fill(&c->pool, c->a, c->pt, c->size,
					  need);
			}
			dry = false;
			t = now_s();
			while (now_s() - t < opts.warm && step(c, mode))
				;
			rate = timed(c, mode, opts.secs, &dry);
			rr[mode][round] = rate;
			if (rate > r->rate[mode]) {
				r->rate[mode] = rate;
				r->dry[mode] = dry;
			}
		}
		/* the modes ran back to back: their ratio cancels the load */
		lim[round] = rr[M_BATCH][round] > 0 ?
			rr[M_NETTLE][round] / rr[M_BATCH][round] : 0;
		for (mode = 0; mode < M_AFALG; mode++)
			rr[mode][round] = rr[M_AFALG][round] > 0 ?
				rr[mode][round] / rr[M_AFALG][round] : 0;
	}
	for (mode = 0; mode < M_AFALG; mode++)
		r->ratio[mode] = median(rr[mode], opts.rounds);
	r->limit = median(lim, opts.rounds);
}

static const char *size_name(size_t size);

/* The goals this part measures, as rows of make bench's summary. */
static void goals(int alg, size_t size, int op, const struct result *r)
{
	const char *an = secmsg_alg_name(alg);
	double want = 0;
	char what[128];

	if (op == OP_RESEAL && (size == 64 || size == 256))
		want = 3.0;
	else if (op == OP_RESEAL && size == 1024)
		want = 2.0;
	else if (size == 16384)
		want = 1.2;
	if (want > 0) {
		snprintf(what, sizeof(what), "batched %s / AF_ALG, %s, %s",
			 op_names[op], size_name(size), an);
		goal(what, fmt_ratio(r->ratio[M_BATCH]),
		     want == 3.0 ? ">= 3.00x" : want == 2.0 ? ">= 2.00x" :
		     ">= 1.20x", r->ratio[M_BATCH] >= want);
	}
	if (op == OP_RESEAL && (size == 64 || size == 1024 || size == 16384)) {
		snprintf(what, sizeof(what),
			 "batched reseal cost / nettle in-process, %s, %s",
			 size_name(size), an);
		if (size >= 1024)
			goal(what, fmt_ratio(r->limit), "<= 2.00x",
			     r->limit > 0 && r->limit <= 2.0);
		else
			goal(what, fmt_ratio(r->limit), "(reported)", -1);
	}
}

static const char *size_name(size_t size)
{
	static char b[4][32];
	static int i;
	char *s = b[i++ % 4];

	if (size >= 1024 && size % 1024 == 0)
		snprintf(s, 32, "%zu KiB", size / 1024);
	else
		snprintf(s, 32, "%zu B", size);
	return s;
}

/*
 * What one pass over a message costs in this (emulated) CPU: memcpy and
 * explicit_bzero in userspace, per message size.  Under TCG a pass over
 * 16 KiB is far dearer, relative to the cipher, than on hardware; it
 * helps to read the 16 KiB rows, where secmsg's path makes more passes
 * over the data than AF_ALG's (see docs/performance.md).
 */
static void calibrate(void)
{
	static const char *const head[] = {
		"size", "memcpy us", "explicit_bzero us",
	};
	static const bool right[] = { 1, 1, 1 };
	volatile uint8_t sink = 0;
	struct table t;
	size_t si, n, k;
	uint8_t *a, *b;
	double best[2], t0, el;
	uint64_t it;
	int round, what;
	char c1[32], c2[32];

	table_init(&t, ARRAY_SIZE(head), head, right);
	for (si = 0; si < opts.nsizes; si++) {
		n = opts.sizes[si];
		a = xmalloc(n);
		b = xmalloc(n);
		memset(a, 1, n);
		memset(b, 2, n);
		best[0] = best[1] = 1e9;
		for (round = 0; round < opts.rounds; round++) {
			for (what = 0; what < 2; what++) {
				it = 0;
				t0 = now_s();
				do {
					for (k = 0; k < 16; k++) {
						if (what)
							explicit_bzero(b, n);
						else
							memcpy(b, a, n);
						sink ^= b[n - 1];
						a[k % n]++;
					}
					it += 16;
					el = now_s() - t0;
				} while (el < opts.secs / 4);
				if (el / (double)it < best[what])
					best[what] = el / (double)it;
			}
		}
		snprintf(c1, sizeof(c1), "%.2f", best[0] * 1e6);
		snprintf(c2, sizeof(c2), "%.2f", best[1] * 1e6);
		table_row(&t, size_name(n), c1, c2);
		free(a);
		free(b);
	}
	(void)sink;
	out("### One pass over a message in userspace (this CPU)\n\n");
	table_print(&t);
	table_free(&t);
}

void run_throughput(struct secmsg_nl *nl)
{
	static const char *const head[] = {
		"alg", "size", "op", "batch",
		"single msg/s", "MB/s", "batched msg/s", "MB/s",
		"AF_ALG msg/s", "MB/s", "single/AF_ALG", "batched/AF_ALG",
		"nettle msg/s", "batched cost/nettle",
	};
	static const bool right[] = { 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
				      1 };
	struct bench_session a, b;
	struct table t;
	struct cell c;
	struct result r;
	double est[NMODES];
	bool any_dry = false;
	size_t si, in_len;
	int alg, op, mode;
	char user[32];

	table_init(&t, ARRAY_SIZE(head), head, right);
	out("## Throughput: secmsg.ko against AF_ALG\n\n");
	for (alg = 1; alg <= SECMSG_ALG_MAX; alg++) {
		if (!(opts.algs & (1u << alg)))
			continue;
		snprintf(user, sizeof(user), "bench-a-%d", alg);
		bench_session_new(nl, alg, user, &a);
		snprintf(user, sizeof(user), "bench-b-%d", alg);
		bench_session_new(nl, alg, user, &b);
		memset(&c, 0, sizeof(c));
		c.nl = nl;
		c.a = &a;
		c.b = &b;
		c.seal_a = afalg_new(alg, a.s2c.key);
		c.open_a = afalg_new(alg, a.c2s.key);
		c.seal_b = afalg_new(alg, b.s2c.key);
		if (secmsg_msg_ctx_new(&c.nseal_a, &a.s2c, alg) ||
		    secmsg_msg_ctx_new(&c.nopen_a, &a.c2s, alg) ||
		    secmsg_msg_ctx_new(&c.nseal_b, &b.s2c, alg))
			fatal("secmsg_msg_ctx_new failed");
		c.peer_seq_a = c.peer_seq_b = PEER_SEQ_BASE;
		c.ops = xcalloc(SECMSG_BATCH_MAX_OPS, sizeof(*c.ops));
		c.res = xcalloc(SECMSG_BATCH_MAX_OPS, sizeof(*c.res));
		for (si = 0; si < opts.nsizes; si++) {
			c.size = opts.sizes[si];
			c.pt = xmalloc(c.size);
			rand_fill(c.pt, c.size);
			c.peer_out = xmalloc(c.size + SECMSG_MAX_OVERHEAD);
			c.peer_pt = xmalloc(c.size + SECMSG_MAX_OVERHEAD);
			pool_init(&c.pool, c.size);
			pool_init(&c.peer_pool, c.size);
			pool_fill(&c.peer_pool, &a, c.pt, c.size, PEER_POOL);
			for (mode = 0; mode < NMODES; mode++)
				est[mode] = 0;
			for (op = 0; op < NOPS; op++) {
				c.op = op;
				in_len = op == OP_SEAL ? c.size :
					 sealed_len(alg, c.size);
				c.batch = (size_t)opts.batch;
				if (c.batch > SECMSG_BATCH_MAX_OPS)
					c.batch = SECMSG_BATCH_MAX_OPS;
				if (c.batch * in_len > SECMSG_BATCH_MAX_BYTES)
					c.batch = SECMSG_BATCH_MAX_BYTES / in_len;
				progress("%s %s %s ...", secmsg_alg_name(alg),
					 size_name(c.size), op_names[op]);
				run_cell(&c, &r, est);
				if (op == OP_SEAL)
					memcpy(est, r.rate, sizeof(est));
				for (mode = 0; mode < NMODES; mode++)
					any_dry |= r.dry[mode];
				{
					char bs[16];
					const double mb = (double)c.size / 1e6;
					const double *v = r.rate;

					snprintf(bs, sizeof(bs), "%zu", r.batch);
					table_row(&t, secmsg_alg_name(alg),
						  size_name(c.size), op_names[op],
						  bs, fmt_rate(v[M_SINGLE]),
						  fmt_mbs(v[M_SINGLE] * mb),
						  fmt_rate(v[M_BATCH]),
						  fmt_mbs(v[M_BATCH] * mb),
						  fmt_rate(v[M_AFALG]),
						  fmt_mbs(v[M_AFALG] * mb),
						  fmt_ratio(r.ratio[M_SINGLE]),
						  fmt_ratio(r.ratio[M_BATCH]),
						  fmt_rate(v[M_NETTLE]),
						  fmt_ratio(r.limit));
				}
				goals(alg, c.size, op, &r);
			}
			pool_free(&c.pool);
			pool_free(&c.peer_pool);
			explicit_bzero(c.peer_pt, c.size + SECMSG_MAX_OVERHEAD);
			free(c.pt);
			free(c.peer_out);
			free(c.peer_pt);
		}
		afalg_free(c.seal_a);
		afalg_free(c.open_a);
		afalg_free(c.seal_b);
		secmsg_msg_ctx_free(c.nseal_a);
		secmsg_msg_ctx_free(c.nopen_a);
		secmsg_msg_ctx_free(c.nseal_b);
		free(c.ops);
		free(c.res);
		/* sessions go with the socket (owned); the keys go now */
		secmsg_session_del(nl, a.id);
		secmsg_session_del(nl, b.id);
		bench_session_wipe(&a);
		bench_session_wipe(&b);
	}
	table_print(&t);
	table_free(&t);
	out("msg/s: messages per second, the best of %d rounds of %.2f s "
	    "(after %.2f s warm-up) per mode, the four modes back to back in "
	    "each round; MB/s: plaintext, 10^6 bytes.  Ratio columns: the "
	    "median over the rounds of that round's mode/AF_ALG ratio, which "
	    "cancels host load common to a round (so they need not equal the "
	    "ratio of the msg/s columns); batched cost/nettle: the median of "
	    "that round's nettle/batched rate ratio, what one batched op costs "
	    "in in-process nettle ops (1.00x: no cost for the kernel boundary; "
	    "2.00x: twice the work).  single: SECMSG_CMD_MSG, one netlink round trip per "
	    "message; batched: SECMSG_CMD_MSG_BATCH with `batch` ops per "
	    "request (at most %d, and at most SECMSG_BATCH_MAX_BYTES of data); "
	    "AF_ALG: libkcapi, one handle per key set once, one "
	    "encrypt/decrypt call per message (reseal: decrypt under key A, "
	    "encrypt under key B, plaintext through userspace); nettle: "
	    "libsecmsg's userspace implementation in this process, keyed once "
	    "(secmsg_msg_ctx), one call per message (reseal: open, then "
	    "seal), no boundary crossed.%s\n\n",
	    opts.rounds, opts.secs, opts.warm, opts.batch,
	    any_dry ? "  Some runs ended early when their pre-sealed "
		      "messages ran out; their rate is over the shorter time." :
		      "");
	calibrate();
}
