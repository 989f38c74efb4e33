/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inbound replay window (RFC 6479 style): a ring of SECMSG_REPLAY_WINDOW
 * bits over the sequence numbers [top - SECMSG_REPLAY_WINDOW, top), where
 * top is the highest accepted sequence number plus one.
 *
 * A sequence number s is fresh when s >= top, or when it lies in the window
 * and its bit is clear.  s < top - SECMSG_REPLAY_WINDOW is too old (ESTALE);
 * a set bit is a duplicate (EALREADY).
 */
#ifndef _SECMSG_REPLAY_H
#define _SECMSG_REPLAY_H

#include <linux/spinlock.h>
#include <linux/types.h>
#include <uapi/linux/secmsg.h>

struct secmsg_replay {
	spinlock_t lock;
	u64 top;
	unsigned long bits[SECMSG_REPLAY_WINDOW / BITS_PER_LONG];
};

void secmsg_replay_init(struct secmsg_replay *r);
/* Cheap test before authentication; records nothing. */
int secmsg_replay_check(struct secmsg_replay *r, u64 seq);
/* Record an authenticated sequence number; fails if it raced a twin. */
int secmsg_replay_update(struct secmsg_replay *r, u64 seq);

#endif
