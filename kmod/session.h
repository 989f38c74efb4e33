/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sessions: identity, keys per direction and epoch, policy, counters, and
 * the deadlines that end or rotate them (timers.c).
 *
 * Lifetime and locking:
 *
 * - Linked.  While a session is in its namespace's id table (and id tree,
 *   and its owner's list) the table holds one reference.  Insert and
 *   remove happen under sn->lock, which also guards the tree, the owner
 *   lists and the namespace's counts; lookups take a reference under RCU.
 *   Unlinking (delete, expiry, owner gone, namespace exit) happens once:
 *   it sets dead under sn->lock; whoever did it reports the session and
 *   drops the table's reference.
 *
 * - Freed.  The last reference queues the free after an RCU grace period,
 *   in process context (secmsg_wq): it stops the timer for good
 *   (timer_shutdown_sync), puts the keys and erases the secrets.
 *
 * - The timer holds no reference.  It is armed only inside an arming
 *   section, under RCU after seeing the session not dead (its own
 *   callback, which runs under RCU as a softirq, or a holder of a
 *   reference).  Unlinking precedes the last put, and the free waits a
 *   grace period after it: by then no arming section that saw the
 *   session alive is still running and none that starts will arm, so
 *   after timer_shutdown_sync the timer is idle for good (and could
 *   not be armed again anyway).  A timer that fires between unlink and
 *   free sees dead and does nothing.
 *
 * - Due.  A callback that finds its session due takes a reference
 *   (refcount_inc_not_zero) and puts it on sn->due once (the due flag);
 *   the namespace's work item takes the list, clears each flag, does the
 *   work (expiry under sn->lock, rotation and grace under rekey_lock,
 *   which may sleep), arms the timer again and drops the reference.
 *
 * - Namespace exit unlinks everything, waits a grace period (no callback
 *   is still queueing), then flushes the work; module exit drains
 *   secmsg_wq, so no timer or work outlives the module.
 *
 * Lock order: rekey_lock, then sn->lock (an algorithm change moves the
 * session between the namespace's per-algorithm counts).  The timer
 * callback and the per-message path take neither.
 *
 * Orientation: a session made by the responder side of the handshake (or
 * by hand) seals server-to-client (s2c) and opens client-to-server (c2s).
 * A link initiator (SECMSG_SESSION_F_INITIATOR, made by LINK_INIT) is the
 * mirror: it seals c2s and opens s2c.  The session id on the wire is the
 * responder's id in both directions (wire_id): the session's own id, or
 * for an initiator the id its peer put in message 2.
 *
 * Following: a link responder (F_LINK without F_INITIATOR) never rotates
 * by itself; its initiator does, and it follows: an authenticated message
 * of one of the next SECMSG_LINK_FOLLOW_MAX epochs moves it to that epoch
 * (secmsg_session_ahead, then secmsg_session_follow once the message
 * authenticated).
 */
#ifndef _SECMSG_SESSION_H
#define _SECMSG_SESSION_H

#include <linux/list.h>
#include <linux/llist.h>
#include <linux/math64.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/refcount.h>
#include <linux/rhashtable.h>
#include <linux/timer.h>

#include "key.h"
#include "netns.h"

struct secmsg_initiator;

/* Superseded inbound epochs kept for their grace time. */
#define SECMSG_RX_PREV	SECMSG_RX_PREV_EPOCHS

/* Fields written under rekey_lock, read unlocked with READ_ONCE. */
struct secmsg_policy_k {
	u64 max_messages;
	u32 rotate_interval;
	u32 timeout;
	u32 idle_timeout;
	u32 rekey_grace;
};

/* which fields of a secmsg_policy_k a request sets */
#define SECMSG_POL_ROTATE	BIT(0)
#define SECMSG_POL_MAXMSG	BIT(1)
#define SECMSG_POL_TIMEOUT	BIT(2)
#define SECMSG_POL_IDLE		BIT(3)
#define SECMSG_POL_GRACE	BIT(4)

/* Per-session counters: SECMSG_CNT_A_TX_MESSAGES .. SECMSG_CNT_A_MAX. */
#define SECMSG_CNT_FIRST	SECMSG_CNT_A_TX_MESSAGES
#define SECMSG_NR_CNT		(SECMSG_CNT_A_MAX - SECMSG_CNT_FIRST + 1)

struct secmsg_session {
	/*
	 * What every message reads or writes, in the first three cache lines
	 * (the slab aligns sessions to a cache line): with a million sessions
	 * each message's session is cold, and these are the only lines of it
	 * a SEAL or OPEN touches.  A SEAL touches only the first two: the
	 * outbound counters close the second (checked below the struct).
	 */
	struct rhash_head node;		/* linked (under sn->lock; followed under RCU) */
	u64 id;
	refcount_t ref;
	u32 flags;			/* SECMSG_SESSION_F_* */
	u8 state;			/* enum secmsg_state */
	u8 alg;				/* current; under rekey_lock and sn->lock */
	bool dead;			/* set once, under sn->lock */
	bool keyed;			/* secret set (pending: after install) */
	u32 epoch;			/* under rekey_lock */
	struct secmsg_net *sn;
	/* the session id in message headers; set before it is active */
	u64 wire_id;
	/* the current epoch's keys, made on first use (NULL until then) */
	struct secmsg_key __rcu *tx;	/* secmsg_tx_dir(): S2C, or C2S */
	struct secmsg_key __rcu *rx;

	struct secmsg_policy_k pol;
	atomic64_t epoch_msgs;		/* messages under the current epoch */
	u64 last_used_ns;		/* moved by every message */
	atomic64_t cnt[SECMSG_NR_CNT];	/* by SECMSG_CNT_A_* - FIRST */
	u64 created_ns;			/* boottime */
	u64 rotated_ns;
	u32 owner_portid;

	/* the rest: linked (under sn->lock), deadlines, lifetime, rekeying */
	struct rb_node rb;
	struct list_head owner_node;	/* owned: on its socket's list */
	struct list_head dead_node;	/* owned by whoever unlinked it */

	/* deadlines (timers.c) */
	struct timer_list timer;
	struct llist_node due_node;	/* on sn->due while due is set */
	atomic_t due;

	struct rcu_work free_work;
	char user_id[SECMSG_USER_ID_MAX + 1];
	/* a pending link initiator's handshake, taken once by LINK_FINISH */
	struct secmsg_initiator *hs;

	/* rotation, policy changes, the secrets and making the keys above */
	struct mutex rekey_lock;
	u8 secret[2][SECMSG_KEY_LEN];	/* S(epoch), by enum secmsg_dir */
	/* a follower's inbound key of an epoch ahead, not yet authenticated */
	struct secmsg_key *ahead;	/* under rekey_lock */
	/*
	 * inbound keys of the last epochs, newest first, each accepted until
	 * rekey_grace after it was superseded
	 */
	struct secmsg_key __rcu *rx_prev[SECMSG_RX_PREV];
	u8 confirm[32];			/* pending: expected confirmation */
};

/* the per-message fields above: a SEAL's in two lines, an OPEN's in three */
static_assert(offsetof(struct secmsg_session, pol) == SMP_CACHE_BYTES);
static_assert(offsetofend(struct secmsg_session,
			  cnt[SECMSG_CNT_A_TX_BYTES - SECMSG_CNT_FIRST]) <=
	      2 * SMP_CACHE_BYTES);
static_assert(offsetofend(struct secmsg_session,
			  cnt[SECMSG_CNT_A_RX_BYTES - SECMSG_CNT_FIRST]) <=
	      3 * SMP_CACHE_BYTES);

struct secmsg_session_params {
	const char *user_id;
	u32 alg;
	const u8 *secret[2];		/* by enum secmsg_dir; NULL: pending */
	struct secmsg_policy_k pol;
	u32 pol_set;			/* SECMSG_POL_* */
	u32 flags;
	u32 owner_portid;
	u64 id;				/* 0: a random one */
	/*
	 * Linked but not yet counted as created nor announced: the caller
	 * ends with secmsg_session_publish() or secmsg_session_abort().
	 */
	bool unpublished;
	struct secmsg_initiator *hs;	/* LINK_INIT: the session owns it */
};

/* Free a link initiator's handshake state (initiator.c). */
void secmsg_initiator_free(struct secmsg_initiator *hs);

/* Which direction a session seals (and so which it opens). */
static inline enum secmsg_dir secmsg_tx_dir(const struct secmsg_session *s)
{
	return s->flags & SECMSG_SESSION_F_INITIATOR ? SECMSG_DIR_C2S :
						       SECMSG_DIR_S2C;
}

static inline enum secmsg_dir secmsg_rx_dir(const struct secmsg_session *s)
{
	return s->flags & SECMSG_SESSION_F_INITIATOR ? SECMSG_DIR_S2C :
						       SECMSG_DIR_C2S;
}

/* A link responder: follows its initiator's epochs, never rotates. */
static inline bool secmsg_session_follows(const struct secmsg_session *s)
{
	return (s->flags & (SECMSG_SESSION_F_LINK |
			    SECMSG_SESSION_F_INITIATOR)) ==
	       SECMSG_SESSION_F_LINK;
}

/* The session's current algorithm and epoch. */
void secmsg_session_alg(struct secmsg_session *s, u32 *alg, u32 *epoch);

static inline u64 secmsg_now(void)
{
	return ktime_get_coarse_boottime_ns();
}

static inline void secmsg_cnt_add(struct secmsg_session *s, int which,
				  u64 v)
{
	atomic64_add(v, &s->cnt[which - SECMSG_CNT_FIRST]);
}

static inline u64 secmsg_cnt_read(struct secmsg_session *s, int which)
{
	return atomic64_read(&s->cnt[which - SECMSG_CNT_FIRST]);
}

bool secmsg_user_id_valid(const char *id);

struct secmsg_session *secmsg_session_new(struct secmsg_net *sn,
					  const struct secmsg_session_params *p);
/* Count and announce an unpublished session. */
void secmsg_session_publish(struct secmsg_session *s);
/* Unlink an unpublished session without a trace (no stats, no event). */
void secmsg_session_abort(struct secmsg_session *s);
struct secmsg_session *secmsg_session_lookup(struct secmsg_net *sn, u64 id);
void secmsg_session_put(struct secmsg_session *s);
/* Unlink and report; false when someone else already did. */
bool secmsg_session_delete(struct secmsg_session *s, u8 reason);

/* Give a session its secrets S(0) (and a pending one its confirmation). */
void secmsg_session_install(struct secmsg_session *s, const u8 *c2s,
			    const u8 *s2c, const u8 *confirm);
/* Check a pending session's confirmation and make it active. */
int secmsg_session_confirm(struct secmsg_session *s, const u8 *confirm);
/*
 * Make a pending link initiator, keyed with secmsg_session_install(),
 * active; its peer calls it wire_id.  ENOENT: gone, EALREADY: active.
 */
int secmsg_session_activate(struct secmsg_session *s, u64 wire_id);

/* alg 0 keeps the algorithm.  Sleeps.  EOPNOTSUPP for a follower. */
int secmsg_session_rotate(struct secmsg_session *s, u32 alg);
/*
 * Rotate when max_messages_per_key has been reached: after an OPEN, where
 * a rotation that fails for memory is tried again by the next message.
 */
void secmsg_session_rotate_if_due(struct secmsg_session *s);
/*
 * The same before a SEAL, all or nothing: the next epoch's outbound key,
 * its transform and r grown for it are made before the session changes,
 * so that the SEAL after it cannot fail for memory.  An error (ENOMEM)
 * leaves the session as it was.  Sleeps.
 */
int secmsg_session_rotate_to_seal(struct secmsg_session *s,
				  struct secmsg_req *r);
/*
 * Change the policy fields set says and, with alg, rotate to the next
 * epoch under alg: both or neither.  EOPNOTSUPP (alg) for a follower.
 * Sleeps.
 */
int secmsg_session_update(struct secmsg_session *s, u32 alg,
			  const struct secmsg_policy_k *pol, u32 set);

/*
 * The current outbound key, or the inbound key of epoch, referenced; made
 * on its first use (sleeps).  NULL and *err when there is none (ENOTCONN:
 * pending; EKEYREJECTED, EKEYEXPIRED: no such inbound epoch).
 */
struct secmsg_key *secmsg_session_tx(struct secmsg_session *s, int *err);
struct secmsg_key *secmsg_session_rx(struct secmsg_session *s, u32 epoch,
				     int *err);
/*
 * A follower's inbound key of epoch, one of the next
 * SECMSG_LINK_FOLLOW_MAX, under algorithm alg (the message header's),
 * referenced and marked ->ahead: nothing of the session changes until
 * secmsg_session_follow().  Or the published key, when the session got
 * there meanwhile.  NULL and *err: EKEYREJECTED (not a follower, too far
 * ahead, unknown algorithm), or as secmsg_session_rx().  Sleeps.
 */
struct secmsg_key *secmsg_session_ahead(struct secmsg_session *s, u32 epoch,
					u32 alg, int *err);
/*
 * A message authenticated under k (from secmsg_session_ahead): move the
 * session to k's epoch, ratcheting both directions (each epoch left is
 * kept for its grace time, as by a rotation), and return the session's
 * key of that epoch, referenced, in place of k (whose reference is
 * dropped).  All or nothing: every rotation on the way is prepared
 * before the first is committed.  NULL and *err when the epoch is no
 * longer accepted, or (the session unmoved) for memory.
 */
struct secmsg_key *secmsg_session_follow(struct secmsg_session *s,
					 struct secmsg_key *k, int *err);

/*
 * Boottime to Unix time: add the offset, taken once per reply so that the
 * times in one reply are consistent with each other.
 */
u64 secmsg_unix_offset(void);

static inline u64 secmsg_to_unix(u64 boot_ns, u64 offset)
{
	return div_u64(boot_ns + offset, NSEC_PER_SEC);
}
/* When the session expires (boottime ns), 0 when never. */
u64 secmsg_session_expires(const struct secmsg_session *s);
u64 secmsg_session_rekey_at(const struct secmsg_session *s);
/* When a pending session's handshake times out (boottime ns). */
u64 secmsg_session_pending_until(const struct secmsg_session *s);
/*
 * Do what is due now: expire, rotate by time, drop inbound keys past
 * their grace; then arm the timer again.  Process context (timers.c).
 */
void secmsg_session_maintain(struct secmsg_session *s);

/* What STATS_GET reports of the sessions now, kept as they change. */
struct secmsg_session_counts {
	unsigned int sessions;
	unsigned int pending;
	unsigned int by_alg[SECMSG_ALG_MAX + 1];
};

void secmsg_sessions_count(struct secmsg_net *sn,
			   struct secmsg_session_counts *c);

int secmsg_sessions_init(struct secmsg_net *sn);
void secmsg_sessions_destroy(struct secmsg_net *sn);
void secmsg_sessions_flush_owner(struct secmsg_net *sn, u32 portid);
int secmsg_session_cache_init(void);
void secmsg_session_cache_exit(void);

#endif
