// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Inbound replay window (RFC 6479 style bitmap), the rule the kernel
 * implements too.  W = SECMSG_REPLAY_WINDOW (2048), a multiple of 64.
 *
 * State: top = highest accepted seq + 1 (0: nothing accepted yet), and
 * one bit per sequence number of the window [top - W, top) (clamped at
 * 0), bit (seq mod W).  For a sequence number seq:
 *
 *   seq == UINT64_MAX       -ERANGE (top would overflow; never accepted)
 *   seq >= top              fresh: the window slides so that top becomes
 *                           seq + 1; the bits of seqs leaving it are
 *                           cleared (all of them when seq + 1 - top >= W)
 *   top - W <= seq < top    -EALREADY when its bit is set, else fresh
 *   seq < top - W           -ESTALE (too old: seq + W < top, that is
 *                           seq + W <= highest accepted)
 *
 * So exactly the W sequence numbers highest-W+1 .. highest are tracked;
 * seq 0 is a valid first sequence number.  A fresh seq is recorded by
 * secmsg_replay_check() only; secmsg_replay_peek() answers the same
 * without recording, for checking before authentication (a message must
 * only be recorded once it authenticated).
 */
#include <errno.h>
#include <string.h>

#include "secmsg/wire.h"

#define W	((uint64_t)SECMSG_REPLAY_WINDOW)

_Static_assert(SECMSG_REPLAY_WINDOW % 64 == 0, "window is whole words");

static void bit_set(struct secmsg_replay *r, uint64_t seq)
{
	uint64_t i = seq % W;

	r->bits[i / 64] |= 1ULL << (i % 64);
}

static void bit_clear(struct secmsg_replay *r, uint64_t seq)
{
	uint64_t i = seq % W;

	r->bits[i / 64] &= ~(1ULL << (i % 64));
}

static int bit_test(const struct secmsg_replay *r, uint64_t seq)
{
	uint64_t i = seq % W;

	return (r->bits[i / 64] >> (i % 64)) & 1;
}

void secmsg_replay_init(struct secmsg_replay *r)
{
	if (r)
		memset(r, 0, sizeof(*r));
}

int secmsg_replay_peek(const struct secmsg_replay *r, uint64_t seq)
{
	if (!r)
		return -EINVAL;
	if (seq == UINT64_MAX)
		return -ERANGE;
	if (seq >= r->top)
		return 0;
	if (r->top - seq > W)
		return -ESTALE;
	return bit_test(r, seq) ? -EALREADY : 0;
}

/* Slide the window up so that top = seq + 1 (seq >= top). */
static void advance(struct secmsg_replay *r, uint64_t seq)
{
	uint64_t s;

	if (seq - r->top >= W - 1) {
		memset(r->bits, 0, sizeof(r->bits));
	} else {
		/* seqs top..seq enter; they share bits with those leaving */
		for (s = r->top; s <= seq; s++)
			bit_clear(r, s);
	}
	r->top = seq + 1;
}

int secmsg_replay_check(struct secmsg_replay *r, uint64_t seq)
{
	int err = secmsg_replay_peek(r, seq);

	if (err)
		return err;
	if (seq >= r->top)
		advance(r, seq);
	bit_set(r, seq);
	return 0;
}
