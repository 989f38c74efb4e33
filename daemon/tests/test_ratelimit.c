// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Host tests: token buckets (daemon/ratelimit.c). */
#include "../../tools/lib/tests/tap.h"
#include "ratelimit.h"

#define SEC	1000000000ULL

int main(void)
{
	struct bucket a, b;
	uint64_t t = 1000 * SEC;
	int i, n;

	bucket_init(&a, 2, 3, t);
	for (n = 0, i = 0; i < 10; i++)
		n += bucket_take(&a, t);
	ok(n == 3, "a full bucket gives its burst (%d)", n);
	ok(!bucket_take(&a, t + SEC / 4), "a quarter second: half a token");
	ok(bucket_take(&a, t + SEC / 2), "half a second at 2/s: one token");
	ok(!bucket_take(&a, t + SEC / 2), "and no more");
	for (n = 0, i = 0; i < 10; i++)
		n += bucket_take(&a, t + 100 * SEC);
	ok(n == 3, "refill stops at the burst (%d)", n);
	ok(!bucket_take(&a, t + 50 * SEC), "a clock going back refills nothing");

	bucket_init(&a, 0, 1, t);
	for (n = 0, i = 0; i < 1000; i++)
		n += bucket_take(&a, t);
	ok(n == 1000, "rate 0 is unlimited");

	bucket_init(&a, 1, 5, t);
	bucket_init(&b, 1, 1, t);
	ok(bucket_take2(&a, &b, t), "two buckets: both have tokens");
	ok(!bucket_take2(&a, &b, t), "two buckets: the second is empty");
	ok(a.tokens > 3.99 && a.tokens < 4.01,
	   "the first was not charged for the refusal (%.2f)", a.tokens);
	ok(bucket_take2(&a, NULL, t), "a NULL second bucket is no limit");

	bucket_init(&a, 10, 100, t);
	bucket_reconfigure(&a, 1, 2, t);
	ok(a.tokens == 2 && a.rate == 1, "reconfigure clamps to the new burst");
	bucket_reconfigure(&a, 1, 50, t);
	ok(a.tokens == 2 && a.burst == 50, "a larger burst keeps the level");
	bucket_init(&a, 5, 0, t);
	ok(a.burst == 1, "burst is at least 1");

	/* long run: 1000 s at 3/s, polled every 10 ms, gives 3000 tokens
	 * (with burst 1 a poll finding 1.02 tokens would cap the surplus) */
	bucket_init(&a, 3, 2, t);
	bucket_take(&a, t);
	bucket_take(&a, t);
	for (n = 0, i = 1; i <= 100000; i++)
		n += bucket_take(&a, t + (uint64_t)i * (SEC / 100));
	ok(n >= 2998 && n <= 3001, "3/s over 1000 s: %d tokens", n);
	return done();
}
