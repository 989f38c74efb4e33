// SPDX-License-Identifier: GPL-2.0
/* Sliding replay window; see replay.h for the rule. */
#include <linux/bitmap.h>
#include <linux/errno.h>

#include "replay.h"

#define WIN SECMSG_REPLAY_WINDOW

void secmsg_replay_init(struct secmsg_replay *r)
{
	spin_lock_init(&r->lock);
	r->top = 0;
	bitmap_zero(r->bits, WIN);
}

static int replay_test(const struct secmsg_replay *r, u64 seq)
{
	if (seq >= r->top)
		return 0;
	if (r->top - seq > WIN)
		return -ESTALE;
	if (test_bit(seq % WIN, r->bits))
		return -EALREADY;
	return 0;
}

int secmsg_replay_check(struct secmsg_replay *r, u64 seq)
{
	int ret;

	spin_lock_bh(&r->lock);
	ret = replay_test(r, seq);
	spin_unlock_bh(&r->lock);
	return ret;
}

int secmsg_replay_update(struct secmsg_replay *r, u64 seq)
{
	u64 s;
	int ret;

	spin_lock_bh(&r->lock);
	ret = replay_test(r, seq);
	if (ret)
		goto out;
	if (seq >= r->top) {
		/* Slide: positions of [top, seq] now stand for new numbers. */
		if (seq - r->top >= WIN)
			bitmap_zero(r->bits, WIN);
		else
			for (s = r->top; s <= seq; s++)
				__clear_bit(s % WIN, r->bits);
		r->top = seq + 1;
	}
	__set_bit(seq % WIN, r->bits);
out:
	spin_unlock_bh(&r->lock);
	return ret;
}
