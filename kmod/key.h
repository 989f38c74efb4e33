/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A key: one direction of a session at one epoch.  Immutable once
 * published (but for its lazily made transform, sequence counter and
 * replay window); readers find it under RCU and hold a reference across
 * the crypto call.
 *
 * A session makes the key of an epoch and direction on its first use
 * (session.c): an idle session holds no key and no transform.
 *
 * A key of a shared algorithm (aead.h: chacha20_poly1305) is set up in
 * its slot's transform (keyslot.c) when its message finds another key
 * there, and keeps its 32 raw bytes for its life.  That holds no more
 * than a transform of its own would, for as long: ChaCha20's context is
 * the key itself.  A key of the other algorithms makes a transform of its
 * own on its first use, erasing the raw key then.
 */
#ifndef _SECMSG_KEY_H
#define _SECMSG_KEY_H

#include <linux/atomic.h>
#include <linux/refcount.h>
#include <linux/workqueue.h>

#include "aead.h"
#include "replay.h"

enum secmsg_dir { SECMSG_DIR_C2S, SECMSG_DIR_S2C };

struct secmsg_key {
	/* what every message reads or writes: the first cache line */
	refcount_t ref;
	u32 alg;
	struct crypto_aead *tfm;	/* not shared: set once, then constant */
	const struct secmsg_alg_desc *desc;
	/* outbound: next sequence number */
	atomic64_t next_seq;
	u32 epoch;
	u8 salt[SECMSG_AEAD_NONCE_LEN];
	bool inbound;
	/* a follower's key of an epoch not reached yet (session.h) */
	bool ahead;
	/* inbound: accepted until (jiffies) once superseded */
	unsigned long grace_until;

	u8 key[SECMSG_KEY_LEN];		/* shared: for life; else until tfm */
	struct rcu_work free_work;
	/* inbound keys only: outbound ones are allocated without it */
	struct secmsg_replay replay[];
};

/*
 * Derive key(e) and salt(e) from secret S(e) of direction dir and make the
 * key; an inbound one has a replay window.  Sleeps.
 */
struct secmsg_key *secmsg_key_new(u32 alg, u32 epoch, enum secmsg_dir dir,
				  bool inbound,
				  const u8 secret[SECMSG_KEY_LEN]);
/* S(e + 1) from S(e), in place: S(e) is gone afterwards. */
int secmsg_key_ratchet(enum secmsg_dir dir, u8 secret[SECMSG_KEY_LEN]);

static inline bool secmsg_key_get(struct secmsg_key *k)
{
	return refcount_inc_not_zero(&k->ref);
}

void secmsg_key_put(struct secmsg_key *k);

/* A transform keyed with a key, for one seal or open. */
struct secmsg_keyed {
	struct crypto_aead *tfm;
	struct secmsg_keyslot *slot;	/* held, or NULL: the key's own */
};

/*
 * k's transform keyed, held for one seal or open until
 * secmsg_key_release(): nothing else may be held meanwhile (keyslot.h).
 * Sleeps.
 */
int secmsg_key_hold(struct secmsg_key *k, struct secmsg_keyed *kd);
void secmsg_key_release(struct secmsg_keyed *kd);

/*
 * Make the transform secmsg_key_hold(k) will use, and size r (unless
 * NULL) for it: a seal or open with k then fails for nothing but a bug.
 * Sleeps.
 */
int secmsg_key_prepare(struct secmsg_key *k, struct secmsg_req *r);

/* The 96-bit nonce of sequence seq: salt XOR (0^32 || seq). */
void secmsg_key_nonce(const struct secmsg_key *k, u64 seq, u8 *nonce);

int secmsg_key_init(void);
void secmsg_key_exit(void);

#endif
