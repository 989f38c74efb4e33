// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Replay window: the rule of replay.c (window [top - W, top), top =
 * highest accepted + 1), checked case by case and against a reference
 * model on a long random sequence.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "secmsg/wire.h"
#include "tap.h"

#define W	SECMSG_REPLAY_WINDOW

static struct secmsg_replay r;

static void in_order(void)
{
	int bad = 0;
	uint64_t s;

	secmsg_replay_init(&r);
	ok(secmsg_replay_check(&r, 0) == 0 && r.top == 1,
	   "seq 0 is a valid first sequence number");
	ok(secmsg_replay_check(&r, 0) == -EALREADY, "seq 0 again -> -EALREADY");
	for (s = 1; s < 3 * W; s++)
		if (secmsg_replay_check(&r, s) ||
		    secmsg_replay_check(&r, s) != -EALREADY)
			bad++;
	ok(!bad, "in order 1..%d accepted once, duplicates -> -EALREADY",
	   3 * W - 1);
	ok(secmsg_replay_check(&r, 3 * W - 1 - (W - 1)) == -EALREADY &&
	   secmsg_replay_check(&r, 3 * W - 1 - W) == -ESTALE &&
	   secmsg_replay_check(&r, 0) == -ESTALE,
	   "oldest in window -> -EALREADY, one older -> -ESTALE");
}

static void out_of_order(void)
{
	const uint64_t h = 5000;
	int bad = 0;
	uint64_t s;

	secmsg_replay_init(&r);
	ok(secmsg_replay_check(&r, h) == 0, "first seq %llu",
	   (unsigned long long)h);
	for (s = h - 2; s > h - W; s -= 3)
		if (secmsg_replay_check(&r, s))
			bad++;
	ok(!bad, "older seqs within the window accepted out of order");
	ok(secmsg_replay_check(&r, h - (W - 1)) == 0 &&
	   secmsg_replay_check(&r, h - (W - 1)) == -EALREADY,
	   "highest - (W - 1) is in the window, once");
	ok(secmsg_replay_check(&r, h - W) == -ESTALE,
	   "seq + W <= highest -> -ESTALE");
	ok(secmsg_replay_check(&r, h - 3) == 0 &&
	   secmsg_replay_check(&r, h - 5) == -EALREADY,
	   "gap filled once, earlier one duplicate");
	ok(secmsg_replay_peek(&r, h + 1) == 0 &&
	   secmsg_replay_peek(&r, h + 1) == 0 && r.top == h + 1 &&
	   secmsg_replay_check(&r, h + 1) == 0 &&
	   secmsg_replay_peek(&r, h + 1) == -EALREADY,
	   "peek does not record, check does");
	ok(secmsg_replay_peek(&r, h - W) == -ESTALE &&
	   secmsg_replay_peek(&r, h) == -EALREADY,
	   "peek gives the same answers");
}

static void jumps(void)
{
	uint64_t s;
	int bad = 0;

	secmsg_replay_init(&r);
	for (s = 0; s < 100; s++)
		secmsg_replay_check(&r, s);
	/* window becomes [2101 - W, 2101) = [53, 2101) */
	ok(secmsg_replay_check(&r, 2100) == 0, "jump of about W");
	for (s = 53; s < 100; s++)
		if (secmsg_replay_check(&r, s) != -EALREADY)
			bad++;
	ok(!bad, "seqs still in the window stay recorded after the jump");
	ok(secmsg_replay_check(&r, 52) == -ESTALE, "the one below -> -ESTALE");
	bad = 0;
	for (s = 100; s < 2100; s += 7)
		if (secmsg_replay_check(&r, s))
			bad++;
	ok(!bad, "seqs that entered the window are fresh (bits cleared)");

	secmsg_replay_init(&r);
	secmsg_replay_check(&r, 10);
	ok(secmsg_replay_check(&r, 10 + 1000000) == 0 &&
	   secmsg_replay_check(&r, 10) == -ESTALE &&
	   secmsg_replay_check(&r, 1000010 - 1) == 0 &&
	   secmsg_replay_check(&r, 1000010 - (W - 1)) == 0,
	   "big jump clears the whole window");
	secmsg_replay_init(&r);
	secmsg_replay_check(&r, 0);
	ok(secmsg_replay_check(&r, W) == 0 &&
	   secmsg_replay_check(&r, 0) == -ESTALE &&
	   secmsg_replay_check(&r, 1) == 0,
	   "jump of exactly W: 0 leaves, 1 enters");
	secmsg_replay_init(&r);
	secmsg_replay_check(&r, 0);
	ok(secmsg_replay_check(&r, W - 1) == 0 &&
	   secmsg_replay_check(&r, 0) == -EALREADY,
	   "jump of W - 1: 0 is still remembered");
}

static void near_max(void)
{
	const uint64_t m = UINT64_MAX;

	secmsg_replay_init(&r);
	ok(secmsg_replay_check(&r, m - 1) == 0 && r.top == m,
	   "seq UINT64_MAX - 1 accepted");
	ok(secmsg_replay_check(&r, m - 1) == -EALREADY,
	   "... and once only");
	ok(secmsg_replay_check(&r, m) == -ERANGE &&
	   secmsg_replay_peek(&r, m) == -ERANGE && r.top == m,
	   "UINT64_MAX -> -ERANGE, state unchanged");
	ok(secmsg_replay_check(&r, m - W) == 0 &&
	   secmsg_replay_check(&r, m - W - 1) == -ESTALE,
	   "window bottom near UINT64_MAX");
	secmsg_replay_init(&r);
	ok(secmsg_replay_check(&r, m) == -ERANGE && r.top == 0,
	   "UINT64_MAX as first seq -> -ERANGE");
}

/*
 * Reference: the set of accepted seqs (a bitmap over the range used) and
 * the highest one; stale iff seq + W <= highest.
 */
static bool model_seen(const uint8_t *set, uint64_t s)
{
	return set[s / 8] >> (s % 8) & 1;
}

static uint64_t model_next(uint64_t high, uint64_t last)
{
	int pick = rand() % 100;

	if (pick < 10)
		return last;
	if (pick < 50)
		return high + 1 + (uint64_t)(rand() % 3);
	if (pick < 85)
		return high > W + 100 ? high - (uint64_t)(rand() % (W + 100)) :
		       (uint64_t)(rand() % (W + 100));
	if (pick < 95)
		return high + (uint64_t)(rand() % (2 * W));
	if (pick < 99)
		return high + (uint64_t)(rand() % (4 * W));
	return high ? (uint64_t)rand() % high : 0;
}

static void model(void)
{
	enum { OPS = 100000 };
	const uint64_t range = (uint64_t)OPS * 4 * W;
	uint8_t *set = calloc(range / 8 + 1, 1);
	int bad = 0, i, n[3] = { 0 };
	uint64_t high = 0, last = 0, s;
	bool any = false;

	srand(7);
	secmsg_replay_init(&r);
	for (i = 0; i < OPS && set; i++) {
		int got, want;

		s = model_next(high, last);
		if (any && s + W <= high)
			want = -ESTALE;
		else if (model_seen(set, s))
			want = -EALREADY;
		else
			want = 0;
		got = secmsg_replay_check(&r, s);
		if (got != want && bad++ < 5)
			diag("op %d seq %llu: got %d want %d", i,
			     (unsigned long long)s, got, want);
		n[want == 0 ? 0 : want == -EALREADY ? 1 : 2]++;
		if (!want) {
			set[s / 8] |= (uint8_t)(1 << (s % 8));
			last = s;
			if (!any || s > high)
				high = s;
			any = true;
		}
	}
	ok(set && !bad && n[0] > OPS / 2 && n[1] > 1000 && n[2] > 1000,
	   "reference model: %d ops (%d fresh, %d dup, %d stale) agree", OPS,
	   n[0], n[1], n[2]);
	free(set);
}

int main(void)
{
	in_order();
	out_of_order();
	jumps();
	near_max();
	model();
	ok(secmsg_replay_check(NULL, 1) == -EINVAL, "NULL window -> -EINVAL");
	return done();
}
