/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sessions: identity, keys per direction and epoch, policy, counters.
 *
 * Lifetime: the namespace's table holds one reference while the session is
 * linked; lookups take another under RCU.  Unlinking (delete, expiry,
 * owner gone, namespace exit) happens once, under the namespace lock; the
 * last reference frees the session after an RCU grace period, erasing its
 * secrets.
 */
#ifndef _SECMSG_SESSION_H
#define _SECMSG_SESSION_H

#include <linux/list.h>
#include <linux/math64.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/refcount.h>
#include <linux/rhashtable.h>

#include "key.h"
#include "netns.h"

/* Superseded inbound epochs kept for their grace time. */
#define SECMSG_RX_PREV	SECMSG_RX_PREV_EPOCHS

struct secmsg_policy_k {
	u32 rotate_interval;
	u64 max_messages;
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

struct secmsg_session {
	struct rhash_head node;
	struct rb_node rb;
	struct list_head dead_node;	/* owned by whoever unlinked it */
	struct list_head owner_node;	/* owned: on its socket's list */
	struct list_head gc_node;	/* owned by the namespace's gc */
	u64 id;
	struct secmsg_net *sn;
	refcount_t ref;
	struct rcu_work free_work;
	bool dead;			/* under sn->lock */
	u8 state;			/* enum secmsg_state */
	u8 alg;				/* current; under rekey_lock and sn->lock */
	u32 flags;			/* SECMSG_SESSION_F_* */
	u32 owner_portid;
	char user_id[SECMSG_USER_ID_MAX + 1];

	/* rotation, policy changes, the secrets and making the keys below */
	struct mutex rekey_lock;
	u32 epoch;
	bool keyed;			/* secret set (pending: after install) */
	u8 secret[2][SECMSG_KEY_LEN];	/* S(epoch), by enum secmsg_dir */
	/* the current epoch's keys, made on first use (NULL until then) */
	struct secmsg_key __rcu *tx;	/* S2C */
	struct secmsg_key __rcu *rx;	/* C2S */
	/* C2S keys of the last epochs, newest first, each accepted until
	 * rekey_grace after it was superseded */
	struct secmsg_key __rcu *rx_prev[SECMSG_RX_PREV];
	struct secmsg_policy_k pol;	/* written under rekey_lock */
	u8 confirm[32];			/* pending: expected confirmation */

	atomic64_t epoch_msgs;		/* messages under the current epoch */
	u64 created_ns;			/* boottime */
	u64 rotated_ns;
	u64 last_used_ns;
	atomic64_t cnt[__SECMSG_CNT_A_MAX];	/* by SECMSG_CNT_A_* */
};

struct secmsg_session_params {
	const char *user_id;
	u32 alg;
	const u8 *secret[2];		/* by enum secmsg_dir; NULL: pending */
	struct secmsg_policy_k pol;
	u32 pol_set;			/* SECMSG_POL_* */
	u32 flags;
	u32 owner_portid;
	u64 id;				/* 0: a random one */
};

/* The session's current algorithm and epoch. */
void secmsg_session_alg(struct secmsg_session *s, u32 *alg, u32 *epoch);

static inline u64 secmsg_now(void)
{
	return ktime_get_coarse_boottime_ns();
}

static inline void secmsg_cnt_add(struct secmsg_session *s, int which,
				  u64 v)
{
	atomic64_add(v, &s->cnt[which]);
}

bool secmsg_user_id_valid(const char *id);

struct secmsg_session *secmsg_session_new(struct secmsg_net *sn,
					  const struct secmsg_session_params *p);
struct secmsg_session *secmsg_session_lookup(struct secmsg_net *sn, u64 id);
void secmsg_session_put(struct secmsg_session *s);
/* Unlink and report; false when someone else already did. */
bool secmsg_session_delete(struct secmsg_session *s, u8 reason);

/* Give a session its secrets S(0) (and a pending one its confirmation). */
void secmsg_session_install(struct secmsg_session *s, const u8 *c2s,
			    const u8 *s2c, const u8 *confirm);
/* Check a pending session's confirmation and make it active. */
int secmsg_session_confirm(struct secmsg_session *s, const u8 *confirm);

/* alg 0 keeps the algorithm.  Sleeps. */
int secmsg_session_rotate(struct secmsg_session *s, u32 alg);
/* Rotate when max_messages_per_key has been reached. */
void secmsg_session_rotate_if_due(struct secmsg_session *s);
void secmsg_session_set_policy(struct secmsg_session *s,
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
