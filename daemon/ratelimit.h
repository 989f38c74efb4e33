/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Token buckets: rate tokens per second up to burst.  Time is given by the
 * caller (monotonic nanoseconds), so the arithmetic is pure and testable.
 * A rate of 0 means unlimited.
 */
#ifndef SECMSGD_RATELIMIT_H
#define SECMSGD_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct bucket {
	double rate;		/* tokens per second; 0: unlimited */
	double burst;		/* capacity */
	double tokens;
	uint64_t last_ns;	/* time of the last refill */
};

/* A full bucket. */
void bucket_init(struct bucket *b, double rate, double burst, uint64_t now);
/* New limits; the fill level is kept (clamped to the new burst). */
void bucket_reconfigure(struct bucket *b, double rate, double burst,
			uint64_t now);
/* Take one token if there is one. */
bool bucket_take(struct bucket *b, uint64_t now);
/* Take one token from both a and b, or from neither (b may be NULL). */
bool bucket_take2(struct bucket *a, struct bucket *b, uint64_t now);

#endif
