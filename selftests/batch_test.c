// SPDX-License-Identifier: GPL-2.0
/*
 * SECMSG_CMD_MSG_BATCH: mixed ops with cookies and per-op statuses, the
 * op-count and byte limits (rejected whole, with an extack message),
 * results as views (secmsg_msg_batch_view, secmsg_msg_view),
 * RESEAL to several sessions (one open, a copy per destination, each with
 * its own status and reason, replays refused for every copy) and its
 * rules.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kselftest_harness.h"
#include "common.h"
#include "rawnl.h"

FIXTURE(batch) {
	struct secmsg_nl *nl;
	struct rawnl raw;
	struct client a, b;
	uint8_t *big;
};

FIXTURE_SETUP(batch)
{
	self->nl = nl_open_or_null();
	ASSERT_NE(NULL, self->nl);
	ASSERT_EQ(0, rawnl_open(&self->raw));
	ASSERT_EQ(0, client_new(self->nl, &self->a, SECMSG_ALG_AES_256_GCM,
				NULL, 0, NULL));
	ASSERT_EQ(0, client_new(self->nl, &self->b, SECMSG_ALG_TWOFISH_CBC,
				NULL, 0, NULL));
	self->big = calloc(1, SECMSG_BATCH_MAX_BYTES + 4096);
	ASSERT_NE(NULL, self->big);
}

FIXTURE_TEARDOWN(batch)
{
	del_quiet(self->nl, self->a.id);
	del_quiet(self->nl, self->b.id);
	if (self->nl)
		secmsg_nl_close(self->nl);
	rawnl_close(&self->raw);
	free(self->big);
}

TEST_F(batch, mixed_ops_cookies_statuses)
{
	enum { N = 10 };
	struct secmsg_batch_op ops[N];
	struct secmsg_msg_result res[N];
	uint8_t m0[128], m1[128], mbad[128], out[128];
	struct secmsg_counters ca, cb;
	struct secmsg_hdr h;
	long n0, n1, nbad;
	int i;

	memset(ops, 0, sizeof(ops));
	memset(res, 0, sizeof(res));
	n0 = client_seal(&self->a, "open me", 7, m0);
	n1 = client_seal(&self->a, "reseal me", 9, m1);
	nbad = client_seal(&self->a, "forged", 6, mbad);
	mbad[nbad - 3] ^= 0x10;
	ops[0] = (struct secmsg_batch_op){ SECMSG_MSG_SEAL, self->a.id, 0,
					   100, (const uint8_t *)"first", 5 };
	ops[1] = (struct secmsg_batch_op){ SECMSG_MSG_OPEN, self->a.id, 0,
					   101, m0, n0 };
	ops[2] = (struct secmsg_batch_op){ SECMSG_MSG_RESEAL, self->a.id,
					   self->b.id, 102, m1, n1 };
	ops[3] = (struct secmsg_batch_op){ SECMSG_MSG_OPEN, self->a.id, 0,
					   103, mbad, nbad };
	ops[4] = (struct secmsg_batch_op){ SECMSG_MSG_SEAL, rand_u64() | 1, 0,
					   104, (const uint8_t *)"nobody", 6 };
	ops[5] = (struct secmsg_batch_op){ SECMSG_MSG_OPEN, self->a.id, 0,
					   105, m0, n0 };	/* replay */
	ops[6] = (struct secmsg_batch_op){ SECMSG_MSG_SEAL, self->b.id, 0,
					   0, (const uint8_t *)"no cookie", 9 };
	ops[7] = (struct secmsg_batch_op){ SECMSG_MSG_SEAL, self->a.id, 0,
					   ~0ULL, (const uint8_t *)"second", 6 };
	ops[8] = (struct secmsg_batch_op){ SECMSG_MSG_OPEN, self->a.id, 0,
					   108, m0, 10 };	/* short */
	ops[9] = (struct secmsg_batch_op){ SECMSG_MSG_SEAL, self->a.id, 0,
					   109, self->big,
					   SECMSG_MAX_PLAINTEXT + 1 };
	ASSERT_EQ(0, secmsg_msg_batch(self->nl, ops, N, res));
	for (i = 0; i < N; i++)
		TH_LOG("op %d: cookie %llu status %s len %zu", i,
		       (unsigned long long)res[i].cookie,
		       errname(res[i].status), res[i].len);
	for (i = 0; i < N; i++)
		EXPECT_EQ(ops[i].cookie, res[i].cookie);
	EXPECT_EQ(0, res[0].status);
	EXPECT_EQ(0, res[1].status);
	EXPECT_EQ(0, res[2].status);
	EXPECT_EQ(EBADMSG, res[3].status);
	EXPECT_EQ(ENOENT, res[4].status);
	EXPECT_EQ(EALREADY, res[5].status);
	EXPECT_EQ(0, res[6].status);
	EXPECT_EQ(0, res[7].status);
	EXPECT_EQ(EINVAL, res[8].status);
	EXPECT_EQ(EMSGSIZE, res[9].status);
	/* and why, as values */
	EXPECT_EQ(SECMSG_FAIL_AUTH_FAILED, res[3].reason);
	EXPECT_EQ(SECMSG_FAIL_NO_SESSION, res[4].reason);
	EXPECT_EQ(SECMSG_FAIL_REPLAYED, res[5].reason);
	EXPECT_EQ(SECMSG_FAIL_BAD_LENGTH, res[8].reason);
	EXPECT_EQ(SECMSG_FAIL_TOO_LARGE, res[9].reason);
	for (i = 0; i < N; i++)
		if (!res[i].status)
			EXPECT_EQ(0, res[i].reason);
	/* the bytes of the successes */
	ASSERT_EQ(5, client_open(&self->a, res[0].data, res[0].len, &h, out));
	EXPECT_EQ(0, memcmp(out, "first", 5));
	EXPECT_EQ(0, h.seq);
	EXPECT_EQ(0, res[0].seq);
	ASSERT_EQ(7, res[1].len);
	EXPECT_EQ(0, memcmp(res[1].data, "open me", 7));
	EXPECT_EQ(0, res[1].seq);
	ASSERT_EQ(9, client_open(&self->b, res[2].data, res[2].len, &h, out));
	EXPECT_EQ(0, memcmp(out, "reseal me", 9));
	EXPECT_EQ(0, res[2].seq);
	ASSERT_EQ(9, client_open(&self->b, res[6].data, res[6].len, &h, out));
	EXPECT_EQ(0, memcmp(out, "no cookie", 9));
	EXPECT_EQ(1, res[6].seq);	/* after the reseal's seq 0 on b */
	ASSERT_EQ(6, client_open(&self->a, res[7].data, res[7].len, &h, out));
	EXPECT_EQ(0, memcmp(out, "second", 6));
	EXPECT_EQ(1, res[7].seq);
	for (i = 0; i < N; i++) {
		if (res[i].status)
			EXPECT_EQ(0, res[i].len);
		secmsg_msg_result_free(&res[i]);
	}
	ASSERT_EQ(0, get_counters(self->nl, self->a.id, &ca));
	ASSERT_EQ(0, get_counters(self->nl, self->b.id, &cb));
	EXPECT_EQ(2, ca.tx_messages);
	EXPECT_EQ(2, ca.rx_messages);	/* open + reseal's open */
	EXPECT_EQ(1, ca.auth_failures);
	EXPECT_EQ(1, ca.replays);
	EXPECT_EQ(2, cb.tx_messages);
}

/* raw batch of n seals of len bytes each on session id */
static int raw_batch(struct rawnl *r, uint64_t id, int n, size_t len,
		     const uint8_t *data, struct rawnl_reply *rep)
{
	struct nl_msg *m = rawnl_msg(r, SECMSG_CMD_MSG_BATCH, 0,
				     (size_t)n * (len + 64));
	int i;

	for (i = 0; i < n; i++) {
		struct nlattr *op = nla_nest_start(m, SECMSG_A_OP);

		nla_put_u8(m, SECMSG_OP_A_MSG_OP, SECMSG_MSG_SEAL);
		nla_put_u64(m, SECMSG_OP_A_SESSION_ID, id);
		nla_put(m, SECMSG_OP_A_DATA, len, data);
		nla_put_u64(m, SECMSG_OP_A_COOKIE, i + 1);
		nla_nest_end(m, op);
	}
	return rawnl_xact(r, m, rep);
}

struct res_walk {
	int n, ok;
	uint64_t next_cookie;
	size_t bytes;
};

static void count_results(const struct rawnl_reply *rep, struct res_walk *w)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)rep->buf;
	int rem = rep->len;

	for (; NLMSG_OK(nlh, (unsigned)rem); nlh = NLMSG_NEXT(nlh, rem)) {
		struct nlattr *a;
		int left;

		if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
			continue;
		nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nlh), 0),
				  genlmsg_attrlen(nlmsg_data(nlh), 0), left) {
			struct nlattr *rt[SECMSG_RESULT_A_MAX + 1];

			if (nla_type(a) != SECMSG_A_RESULT)
				continue;
			w->n++;
			if (rawnl_parse_nest(rt, SECMSG_RESULT_A_MAX, a) < 0)
				continue;
			if (rt[SECMSG_RESULT_A_COOKIE] &&
			    nla_get_u64(rt[SECMSG_RESULT_A_COOKIE]) ==
				    w->next_cookie)
				w->next_cookie++;
			if (rt[SECMSG_RESULT_A_STATUS] &&
			    !nla_get_u32(rt[SECMSG_RESULT_A_STATUS])) {
				w->ok++;
				if (rt[SECMSG_RESULT_A_DATA])
					w->bytes += nla_len(rt[SECMSG_RESULT_A_DATA]);
			}
		}
	}
}

/*
 * secmsg_msg_batch_view and secmsg_msg_view: the same results, their data
 * pointing into the handle's receive buffer; a failed op has none.
 */
TEST_F(batch, views)
{
	struct secmsg_batch_op ops[3];
	struct secmsg_msg_result res[3], one;
	uint8_t m0[128], m1[128], m2[128], out[128];
	struct secmsg_hdr h;
	long n0, n1, n2;
	int i;

	n0 = client_seal(&self->a, "open me", 7, m0);
	n1 = client_seal(&self->a, "reseal me", 9, m1);
	n2 = client_seal(&self->a, "alone", 5, m2);
	ops[0] = (struct secmsg_batch_op){ SECMSG_MSG_SEAL, self->a.id, 0,
					   1, (const uint8_t *)"first", 5 };
	ops[1] = (struct secmsg_batch_op){ SECMSG_MSG_OPEN, self->a.id, 0,
					   2, m0, n0 };
	ops[2] = (struct secmsg_batch_op){ SECMSG_MSG_RESEAL, self->a.id,
					   self->b.id, 3, m1, n1 };
	ASSERT_EQ(0, secmsg_msg_batch_view(self->nl, ops, 3, res));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(0, res[i].status);
		EXPECT_EQ(ops[i].cookie, res[i].cookie);
	}
	ASSERT_EQ(5, client_open(&self->a, res[0].data, res[0].len, &h, out));
	EXPECT_EQ(0, memcmp(out, "first", 5));
	ASSERT_EQ(7, res[1].len);
	EXPECT_EQ(0, memcmp(res[1].data, "open me", 7));
	ASSERT_EQ(9, client_open(&self->b, res[2].data, res[2].len, &h, out));
	EXPECT_EQ(0, memcmp(out, "reseal me", 9));

	ASSERT_EQ(0, secmsg_msg_view(self->nl, SECMSG_MSG_OPEN, self->a.id, 0,
				     m2, n2, &one));
	ASSERT_EQ(5, one.len);
	EXPECT_EQ(0, memcmp(one.data, "alone", 5));
	EXPECT_EQ(-EALREADY, secmsg_msg_view(self->nl, SECMSG_MSG_OPEN,
					     self->a.id, 0, m2, n2, &one));
	EXPECT_EQ(NULL, one.data);
	EXPECT_EQ(0, one.len);
	EXPECT_EQ(EALREADY, one.status);
}

TEST_F(batch, max_ops)
{
	struct secmsg_counters c0, c1;
	struct rawnl_reply rep;
	struct res_walk w = { .next_cookie = 1 };
	int err;

	ASSERT_EQ(0, raw_batch(&self->raw, self->a.id, SECMSG_BATCH_MAX_OPS,
			       8, self->big, &rep));
	count_results(&rep, &w);
	EXPECT_EQ(SECMSG_BATCH_MAX_OPS, w.n);
	EXPECT_EQ(SECMSG_BATCH_MAX_OPS, w.ok);
	EXPECT_EQ(SECMSG_BATCH_MAX_OPS + 1, w.next_cookie);	/* in order */
	rawnl_reply_free(&rep);
	ASSERT_EQ(0, get_counters(self->nl, self->a.id, &c0));
	EXPECT_EQ(SECMSG_BATCH_MAX_OPS, c0.tx_messages);

	err = raw_batch(&self->raw, self->a.id, SECMSG_BATCH_MAX_OPS + 1, 8,
			self->big, &rep);
	TH_LOG("%d ops: %s, extack \"%s\"", SECMSG_BATCH_MAX_OPS + 1,
	       errname(err), rep.extack);
	EXPECT_GT(0, err);
	EXPECT_TRUE(rep.has_extack && rep.extack[0]);
	EXPECT_EQ(0, rep.nmsgs);
	rawnl_reply_free(&rep);
	/* nothing of it was done */
	ASSERT_EQ(0, get_counters(self->nl, self->a.id, &c1));
	EXPECT_EQ(c0.tx_messages, c1.tx_messages);
}

/*
 * The reply is sized by what each op leaves in it, and a RESEAL from
 * AES-GCM (the smallest overhead) to twofish_cbc (the largest) leaves the
 * most: its message grows by the whole difference.  Full batches of
 * them, of short messages (by op count) and of the largest that fit (by
 * bytes): every op done, every copy the size it must be and opening to
 * the text.  (The sizing's margin and the allocator's rounding are
 * larger than a small error would be: this guards the worst case, it
 * does not measure the margin.)
 */
TEST_F(batch, reseal_reply_room)
{
	static const size_t sizes[] = { 0, 16, 52384 };
	const size_t max_ops = SECMSG_BATCH_MAX_OPS;
	struct secmsg_batch_op *ops;
	struct secmsg_msg_result *res;
	struct secmsg_hdr h;
	size_t si, i, n, len, per;
	uint8_t *m, *pt, *out;
	long sealed;

	ops = calloc(max_ops, sizeof(*ops));
	res = calloc(max_ops, sizeof(*res));
	pt = malloc(SECMSG_MAX_PLAINTEXT);
	out = malloc(SECMSG_MAX_PLAINTEXT + SECMSG_MAX_OVERHEAD);
	ASSERT_NE(NULL, ops);
	ASSERT_NE(NULL, res);
	ASSERT_NE(NULL, pt);
	ASSERT_NE(NULL, out);
	for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		len = sizes[si];
		per = len + SECMSG_HDR_LEN + SECMSG_AEAD_TAG_LEN;
		n = SECMSG_BATCH_MAX_BYTES / per;
		if (n > max_ops)
			n = max_ops;
		fill_pattern(pt, len, 20 + si);
		m = self->big;
		for (i = 0; i < n; i++, m += per) {
			sealed = client_seal(&self->a, pt, len, m);
			ASSERT_EQ((long)per, sealed);
			ops[i] = (struct secmsg_batch_op){ SECMSG_MSG_RESEAL,
				self->a.id, self->b.id, i + 1, m, per };
		}
		ASSERT_EQ(0, secmsg_msg_batch(self->nl, ops, n, res));
		TH_LOG("%zu RESEALs of %zu B to twofish_cbc: done", n, len);
		for (i = 0; i < n; i++) {
			EXPECT_EQ(0, res[i].status);
			EXPECT_EQ(i + 1, res[i].cookie);
			/* the largest growth: the whole overhead's difference */
			EXPECT_EQ(len + SECMSG_MAX_OVERHEAD, res[i].len);
			ASSERT_EQ((long)len, client_open(&self->b, res[i].data,
							 res[i].len, &h, out));
			EXPECT_EQ(0, memcmp(out, pt, len));
			secmsg_msg_result_free(&res[i]);
		}
	}
	free(ops);
	free(res);
	free(pt);
	free(out);
}

TEST_F(batch, max_bytes)
{
	struct secmsg_counters c0, c1;
	struct rawnl_reply rep;
	struct res_walk w = { .next_cookie = 1 };
	size_t per = SECMSG_BATCH_MAX_BYTES / 5;	/* 52428 */
	int err;

	ASSERT_GE(SECMSG_MAX_PLAINTEXT, per + 1);
	fill_pattern(self->big, per + 1, 9);
	err = raw_batch(&self->raw, self->b.id, 5, per, self->big, &rep);
	TH_LOG("5 x %zu = %zu bytes: %s \"%s\"", per, 5 * per, errname(err),
	       rep.extack);
	ASSERT_EQ(0, err);
	count_results(&rep, &w);
	EXPECT_EQ(5, w.n);
	EXPECT_EQ(5, w.ok);
	rawnl_reply_free(&rep);
	ASSERT_EQ(0, get_counters(self->nl, self->b.id, &c0));

	err = raw_batch(&self->raw, self->b.id, 5, per + 1, self->big, &rep);
	TH_LOG("5 x %zu = %zu bytes: %s, extack \"%s\"", per + 1,
	       5 * (per + 1), errname(err), rep.extack);
	EXPECT_GT(0, err);
	EXPECT_TRUE(rep.has_extack && rep.extack[0]);
	EXPECT_EQ(0, rep.nmsgs);
	rawnl_reply_free(&rep);
	ASSERT_EQ(0, get_counters(self->nl, self->b.id, &c1));
	EXPECT_EQ(c0.tx_messages, c1.tx_messages);
}

TEST_F(batch, malformed)
{
	struct rawnl_reply rep;
	struct nl_msg *m;
	struct nlattr *op;
	int err;

	/* no op at all */
	m = rawnl_msg(&self->raw, SECMSG_CMD_MSG_BATCH, 0, 64);
	err = rawnl_xact(&self->raw, m, &rep);
	TH_LOG("empty batch: %s \"%s\"", errname(err), rep.extack);
	EXPECT_EQ(-EINVAL, err);
	EXPECT_TRUE(rep.has_extack && rep.extack[0]);
	rawnl_reply_free(&rep);
	/* an op with an unknown nested attribute */
	m = rawnl_msg(&self->raw, SECMSG_CMD_MSG_BATCH, 0, 128);
	op = nla_nest_start(m, SECMSG_A_OP);
	nla_put_u8(m, SECMSG_OP_A_MSG_OP, SECMSG_MSG_SEAL);
	nla_put_u64(m, SECMSG_OP_A_SESSION_ID, self->a.id);
	nla_put(m, SECMSG_OP_A_DATA, 3, "abc");
	nla_put_u32(m, SECMSG_OP_A_MAX + 1, 0);
	nla_nest_end(m, op);
	err = rawnl_xact(&self->raw, m, &rep);
	TH_LOG("unknown op attribute: %s \"%s\"", errname(err), rep.extack);
	EXPECT_TRUE(err == -EINVAL || err == -ERANGE);
	EXPECT_TRUE(rep.has_extack && rep.extack[0]);
	rawnl_reply_free(&rep);
	/* an op of an unknown kind */
	m = rawnl_msg(&self->raw, SECMSG_CMD_MSG_BATCH, 0, 128);
	op = nla_nest_start(m, SECMSG_A_OP);
	nla_put_u8(m, SECMSG_OP_A_MSG_OP, 9);
	nla_put_u64(m, SECMSG_OP_A_SESSION_ID, self->a.id);
	nla_put(m, SECMSG_OP_A_DATA, 3, "abc");
	nla_nest_end(m, op);
	err = rawnl_xact(&self->raw, m, &rep);
	TH_LOG("op kind 9: %s \"%s\"", errname(err), rep.extack);
	EXPECT_TRUE(err == -EINVAL || err == -ERANGE);
	EXPECT_TRUE(rep.has_extack && rep.extack[0]);
	rawnl_reply_free(&rep);
}

/* Sessions c (chacha20_poly1305) and d (aes_256_gcm) besides a and b. */
static int two_more(FIXTURE_DATA(batch) *self, struct client *c,
		    struct client *d)
{
	int err = client_new(self->nl, c, SECMSG_ALG_CHACHA20_POLY1305, NULL,
			     0, NULL);

	return err ?: client_new(self->nl, d, SECMSG_ALG_AES_256_GCM, NULL,
				 0, NULL);
}

/* A RESEAL of a's message m to each of dests[n] (cookie 1). */
static int fanout(FIXTURE_DATA(batch) *self, const uint8_t *m, size_t len,
		  const uint64_t *dests, size_t n,
		  struct secmsg_msg_result *res)
{
	struct secmsg_batch_op op = {
		SECMSG_MSG_RESEAL, self->a.id, 0, 1, m, len, dests, n,
	};

	return secmsg_msg_batch(self->nl, &op, 1, res);
}

TEST_F(batch, reseal_fanout)
{
	struct client c, d;
	struct secmsg_msg_result res[4];
	struct secmsg_counters ca, cc;
	struct secmsg_stats s0, s1;
	struct secmsg_hdr h;
	uint64_t dests[4];
	uint8_t m[128], out[128];
	long n;
	int i;

	ASSERT_EQ(0, two_more(self, &c, &d));
	dests[0] = self->b.id;
	dests[1] = c.id;
	dests[2] = rand_u64() | 1;	/* no such session */
	dests[3] = d.id;
	ASSERT_EQ(4, secmsg_msg_batch_results(&(struct secmsg_batch_op){
		SECMSG_MSG_RESEAL, 0, 0, 0, NULL, 0, dests, 4 }, 1));
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s0));
	n = client_seal(&self->a, "fan me out", 10, m);
	ASSERT_EQ(0, fanout(self, m, n, dests, 4, res));
	for (i = 0; i < 4; i++) {
		TH_LOG("copy %d: cookie %llu status %s", i,
		       (unsigned long long)res[i].cookie,
		       errname(res[i].status));
		EXPECT_EQ(1, res[i].cookie);
	}
	EXPECT_EQ(0, res[0].status);
	EXPECT_EQ(0, res[1].status);
	EXPECT_EQ(ENOENT, res[2].status);
	EXPECT_EQ(SECMSG_FAIL_NO_SESSION, res[2].reason);
	EXPECT_EQ(0, res[3].status);
	EXPECT_EQ(0, res[2].len);
	/* each copy under its own session's keys, the same text */
	ASSERT_EQ(10, client_open(&self->b, res[0].data, res[0].len, &h, out));
	EXPECT_EQ(0, memcmp(out, "fan me out", 10));
	EXPECT_EQ(SECMSG_ALG_TWOFISH_CBC, h.alg);
	ASSERT_EQ(10, client_open(&c, res[1].data, res[1].len, &h, out));
	EXPECT_EQ(0, memcmp(out, "fan me out", 10));
	EXPECT_EQ(SECMSG_ALG_CHACHA20_POLY1305, h.alg);
	EXPECT_EQ(c.id, h.session_id);
	EXPECT_EQ(h.seq, res[1].seq);
	ASSERT_EQ(10, client_open(&d, res[3].data, res[3].len, &h, out));
	EXPECT_EQ(0, memcmp(out, "fan me out", 10));
	for (i = 0; i < 4; i++)
		secmsg_msg_result_free(&res[i]);
	/* opened once, sealed three times */
	ASSERT_EQ(0, get_counters(self->nl, self->a.id, &ca));
	ASSERT_EQ(0, get_counters(self->nl, c.id, &cc));
	EXPECT_EQ(1, ca.rx_messages);
	EXPECT_EQ(1, cc.tx_messages);
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s1));
	EXPECT_EQ(3, s1.v[SECMSG_STATS_A_RESEALED] -
		     s0.v[SECMSG_STATS_A_RESEALED]);
	EXPECT_EQ(1, s1.v[SECMSG_STATS_A_OPENED] -
		     s0.v[SECMSG_STATS_A_OPENED]);

	/* the same message again: refused for every copy, with the reason */
	ASSERT_EQ(0, fanout(self, m, n, dests, 4, res));
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(EALREADY, res[i].status);
		EXPECT_EQ(SECMSG_FAIL_REPLAYED, res[i].reason);
		EXPECT_EQ(0, res[i].len);
		secmsg_msg_result_free(&res[i]);
	}
	/* a tampered one: refused for every copy */
	n = client_seal(&self->a, "forged", 6, m);
	m[n - 1] ^= 1;
	ASSERT_EQ(0, fanout(self, m, n, dests, 2, res));
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(EBADMSG, res[i].status);
		EXPECT_EQ(SECMSG_FAIL_AUTH_FAILED, res[i].reason);
		secmsg_msg_result_free(&res[i]);
	}
	/* from a session that does not exist: every copy says so */
	dests[0] = c.id;
	{
		struct secmsg_batch_op op = {
			SECMSG_MSG_RESEAL, rand_u64() | 1, 0, 7, m, n, dests, 1,
		};

		ASSERT_EQ(0, secmsg_msg_batch(self->nl, &op, 1, res));
		EXPECT_EQ(ENOENT, res[0].status);
		EXPECT_EQ(SECMSG_FAIL_NO_SESSION, res[0].reason);
		EXPECT_EQ(7, res[0].cookie);
	}
	ASSERT_EQ(0, get_counters(self->nl, c.id, &cc));
	EXPECT_EQ(1, cc.tx_messages);
	del_quiet(self->nl, c.id);
	del_quiet(self->nl, d.id);
	client_wipe(&c);
	client_wipe(&d);
}

TEST_F(batch, reseal_fanout_when_the_first_destination_fails)
{
	struct secmsg_msg_result res[2];
	struct secmsg_hdr h;
	uint64_t dests[2] = { rand_u64() | 1, self->b.id };
	uint8_t m[128], out[128];
	long n;

	/* the first destination is gone; the second copy still goes */
	n = client_seal(&self->a, "still", 5, m);
	ASSERT_EQ(0, fanout(self, m, n, dests, 2, res));
	EXPECT_EQ(ENOENT, res[0].status);
	EXPECT_EQ(0, res[0].len);
	ASSERT_EQ(0, res[1].status);
	ASSERT_EQ(5, client_open(&self->b, res[1].data, res[1].len, &h, out));
	EXPECT_EQ(0, memcmp(out, "still", 5));
	secmsg_msg_result_free(&res[0]);
	secmsg_msg_result_free(&res[1]);
	/* and the message was spent */
	dests[0] = self->b.id;
	ASSERT_EQ(0, fanout(self, m, n, dests, 2, res));
	EXPECT_EQ(EALREADY, res[0].status);
	EXPECT_EQ(EALREADY, res[1].status);
}

/*
 * A message longer than any sealed message can be (the request's policy
 * gives DATA no maximum): refused before it is opened, every copy with
 * the reason, nothing opened or sealed.
 */
TEST_F(batch, reseal_fanout_of_a_message_too_large)
{
	size_t len = SECMSG_MAX_PLAINTEXT + SECMSG_MAX_OVERHEAD + 1;
	uint64_t dests[2] = { self->b.id, self->b.id };
	struct secmsg_msg_result res[2];
	struct secmsg_counters ca, cb;
	int i;

	fill_pattern(self->big, len, 5);
	ASSERT_EQ(0, fanout(self, self->big, len, dests, 2, res));
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(EMSGSIZE, res[i].status);
		EXPECT_EQ(SECMSG_FAIL_TOO_LARGE, res[i].reason);
		EXPECT_EQ(0, res[i].len);
		secmsg_msg_result_free(&res[i]);
	}
	ASSERT_EQ(0, get_counters(self->nl, self->a.id, &ca));
	ASSERT_EQ(0, get_counters(self->nl, self->b.id, &cb));
	EXPECT_EQ(0, ca.rx_messages);
	EXPECT_EQ(0, cb.tx_messages);
	/* one byte less is a message the session may open (and fail) */
	ASSERT_EQ(0, fanout(self, self->big, len - 1, dests, 2, res));
	for (i = 0; i < 2; i++) {
		EXPECT_NE(SECMSG_FAIL_TOO_LARGE, res[i].reason);
		EXPECT_NE(EMSGSIZE, res[i].status);
		secmsg_msg_result_free(&res[i]);
	}
}

/*
 * A raw batch of one op of kind kind (session a, data "abc"), with
 * PEER_SESSION_ID b when peer, ndests DEST nests of session b (the one
 * at index nodest without its SESSION_ID).
 */
static int raw_op(FIXTURE_DATA(batch) *self, int kind, bool peer,
		  int ndests, int nodest, struct rawnl_reply *rep)
{
	struct nl_msg *m = rawnl_msg(&self->raw, SECMSG_CMD_MSG_BATCH, 0, 512);
	struct nlattr *op = nla_nest_start(m, SECMSG_A_OP), *dest;
	int i;

	nla_put_u8(m, SECMSG_OP_A_MSG_OP, kind);
	nla_put_u64(m, SECMSG_OP_A_SESSION_ID, self->a.id);
	nla_put(m, SECMSG_OP_A_DATA, 3, "abc");
	if (peer)
		nla_put_u64(m, SECMSG_OP_A_PEER_SESSION_ID, self->b.id);
	for (i = 0; i < ndests; i++) {
		dest = nla_nest_start(m, SECMSG_OP_A_DEST);
		if (i != nodest)
			nla_put_u64(m, SECMSG_DEST_A_SESSION_ID, self->b.id);
		/* (nla_nest_end() would drop the nest left empty) */
		nla_nest_end_keep_empty(m, dest);
	}
	nla_nest_end(m, op);
	return rawnl_xact(&self->raw, m, rep);
}

TEST_F(batch, reseal_fanout_rules)
{
	struct secmsg_msg_result res[5];
	struct secmsg_counters c0, c1;
	struct rawnl_reply rep;
	struct secmsg_hdr h;
	uint64_t dests[4];
	struct client c, d;
	size_t pt = SECMSG_MAX_PLAINTEXT, room;
	long n;
	int err, i;

	ASSERT_EQ(0, get_counters(self->nl, self->a.id, &c0));
	err = raw_op(self, SECMSG_MSG_SEAL, false, 1, -1, &rep);
	TH_LOG("SEAL with a DEST: %s \"%s\"", errname(err), rep.extack);
	EXPECT_EQ(-EINVAL, err);
	EXPECT_TRUE(rep.has_extack && strstr(rep.extack, "DEST"));
	rawnl_reply_free(&rep);
	err = raw_op(self, SECMSG_MSG_RESEAL, true, 1, -1, &rep);
	TH_LOG("RESEAL with PEER_SESSION_ID and a DEST: %s \"%s\"",
	       errname(err), rep.extack);
	EXPECT_EQ(-EINVAL, err);
	EXPECT_TRUE(rep.has_extack && strstr(rep.extack, "PEER_SESSION_ID"));
	rawnl_reply_free(&rep);
	err = raw_op(self, SECMSG_MSG_RESEAL, false, 0, -1, &rep);
	TH_LOG("RESEAL to nobody: %s \"%s\"", errname(err), rep.extack);
	EXPECT_EQ(-EINVAL, err);
	EXPECT_TRUE(rep.has_extack &&
		    strstr(rep.extack, "missing SECMSG_OP_A_PEER_SESSION_ID"));
	EXPECT_EQ(SECMSG_OP_A_PEER_SESSION_ID, rep.miss_type);
	rawnl_reply_free(&rep);
	err = raw_op(self, SECMSG_MSG_RESEAL, false, 2, 1, &rep);
	TH_LOG("a DEST without SESSION_ID: %s \"%s\"", errname(err),
	       rep.extack);
	EXPECT_EQ(-EINVAL, err);
	EXPECT_TRUE(rep.has_extack &&
		    strstr(rep.extack, "missing SECMSG_DEST_A_SESSION_ID"));
	EXPECT_EQ(SECMSG_DEST_A_SESSION_ID, rep.miss_type);
	rawnl_reply_free(&rep);
	err = raw_op(self, SECMSG_MSG_RESEAL, false,
		     SECMSG_RESEAL_MAX_DESTS + 1, -1, &rep);
	TH_LOG("%d DESTs: %s \"%s\"", SECMSG_RESEAL_MAX_DESTS + 1,
	       errname(err), rep.extack);
	EXPECT_EQ(-E2BIG, err);
	EXPECT_TRUE(rep.has_extack &&
		    strstr(rep.extack, "SECMSG_RESEAL_MAX_DESTS"));
	rawnl_reply_free(&rep);
	/* the fourth op kind (the former RESEAL_ALSO) is no more */
	err = raw_op(self, SECMSG_MSG_RESEAL + 1, true, 0, -1, &rep);
	TH_LOG("op kind %d: %s \"%s\"", SECMSG_MSG_RESEAL + 1, errname(err),
	       rep.extack);
	EXPECT_TRUE(err == -EINVAL || err == -ERANGE);
	rawnl_reply_free(&rep);
	/* nothing of those was done */
	ASSERT_EQ(0, get_counters(self->nl, self->a.id, &c1));
	EXPECT_EQ(c0.rx_messages, c1.rx_messages);

	/*
	 * The largest message to SECMSG_RESEAL_MAX_DESTS sessions of each
	 * algorithm: each copy counts as much as the message, so the batch
	 * has room for room more bytes ...
	 */
	ASSERT_EQ(4, SECMSG_RESEAL_MAX_DESTS);
	ASSERT_EQ(0, two_more(self, &c, &d));
	dests[0] = self->b.id;
	dests[1] = c.id;
	dests[2] = d.id;
	dests[3] = self->b.id;
	fill_pattern(self->big, pt, 3);
	n = client_seal(&self->a, self->big, pt, self->big + pt + 64);
	ASSERT_EQ(pt + SECMSG_HDR_LEN + 16, n);
	room = SECMSG_BATCH_MAX_BYTES - 4 * n;
	{
		struct secmsg_batch_op ops[2] = {
			{ SECMSG_MSG_RESEAL, self->a.id, 0, 1,
			  self->big + pt + 64, n, dests, 4 },
			{ SECMSG_MSG_SEAL, self->a.id, 0, 2,
			  self->big, room },
		};
		uint8_t *o = malloc(pt);

		ASSERT_NE(NULL, o);
		ASSERT_EQ(5, secmsg_msg_batch_results(ops, 2));
		ASSERT_EQ(0, secmsg_msg_batch(self->nl, ops, 2, res));
		for (i = 0; i < 5; i++)
			EXPECT_EQ(0, res[i].status);
		/* every copy holds the whole text */
		EXPECT_EQ((long)pt, client_open(&self->b, res[0].data,
						res[0].len, &h, o));
		EXPECT_EQ(0, memcmp(o, self->big, pt));
		EXPECT_EQ((long)pt, client_open(&c, res[1].data, res[1].len,
						&h, o));
		EXPECT_EQ(0, memcmp(o, self->big, pt));
		EXPECT_EQ((long)pt, client_open(&d, res[2].data, res[2].len,
						&h, o));
		EXPECT_EQ(0, memcmp(o, self->big, pt));
		EXPECT_EQ((long)pt, client_open(&self->b, res[3].data,
						res[3].len, &h, o));
		EXPECT_EQ(0, memcmp(o, self->big, pt));
		EXPECT_EQ(2, res[4].cookie);
		for (i = 0; i < 5; i++)
			secmsg_msg_result_free(&res[i]);
		/* ... and not one byte more */
		ops[1].len = room + 1;
		EXPECT_EQ(-E2BIG, secmsg_msg_batch(self->nl, ops, 2, res));
		EXPECT_NE(NULL, strstr(secmsg_nl_errmsg(self->nl),
				       "SECMSG_BATCH_MAX_BYTES"));
		free(o);
	}
	del_quiet(self->nl, c.id);
	del_quiet(self->nl, d.id);
	client_wipe(&c);
	client_wipe(&d);
}

TEST_HARNESS_MAIN
