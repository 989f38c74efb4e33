// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Token buckets (see ratelimit.h). */
#include <stddef.h>

#include "ratelimit.h"

static void refill(struct bucket *b, uint64_t now)
{
	if (now > b->last_ns) {
		b->tokens += (double)(now - b->last_ns) * 1e-9 * b->rate;
		if (b->tokens > b->burst)
			b->tokens = b->burst;
	}
	/* a clock that goes back (it should not) refills nothing */
	b->last_ns = now;
}

void bucket_init(struct bucket *b, double rate, double burst, uint64_t now)
{
	b->rate = rate;
	b->burst = burst < 1 ? 1 : burst;
	b->tokens = b->burst;
	b->last_ns = now;
}

void bucket_reconfigure(struct bucket *b, double rate, double burst,
			uint64_t now)
{
	refill(b, now);
	b->rate = rate;
	b->burst = burst < 1 ? 1 : burst;
	if (b->tokens > b->burst)
		b->tokens = b->burst;
}

static bool has_token(struct bucket *b, uint64_t now)
{
	if (!b || b->rate <= 0)
		return true;
	refill(b, now);
	return b->tokens >= 1.0;
}

static void take(struct bucket *b)
{
	if (b && b->rate > 0)
		b->tokens -= 1.0;
}

bool bucket_take(struct bucket *b, uint64_t now)
{
	return bucket_take2(b, NULL, now);
}

bool bucket_take2(struct bucket *a, struct bucket *b, uint64_t now)
{
	/* both checked (and refilled) before either is charged */
	bool ha = has_token(a, now), hb = has_token(b, now);

	if (!ha || !hb)
		return false;
	take(a);
	take(b);
	return true;
}
