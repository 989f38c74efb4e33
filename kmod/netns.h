/* SPDX-License-Identifier: GPL-2.0 */
/* Per-network-namespace state. */
#ifndef _SECMSG_NETNS_H
#define _SECMSG_NETNS_H

#include <linux/atomic.h>
#include <linux/hashtable.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/rhashtable-types.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <uapi/linux/secmsg.h>

#include "identity.h"

struct secmsg_net {
	struct net *net;
	/*
	 * Serialises session insert and remove; protects by_id, owners and
	 * the session counts below, so that STATS_GET reads them without
	 * walking anything.
	 */
	struct mutex lock;
	struct rhashtable table;	/* id -> session, RCU lookups */
	struct rb_root by_id;		/* ordered, for resumable dumps */
	/* struct secmsg_owner by portid: the owned sessions of each socket */
	DECLARE_HASHTABLE(owners, 6);
	unsigned int n_owners;		/* entries in owners, read unlocked */
	unsigned int count;
	unsigned int n_pending;		/* sessions awaiting confirmation */
	/* sessions by current algorithm (enum secmsg_alg) */
	unsigned int n_alg[SECMSG_ALG_MAX + 1];
	/*
	 * by enum secmsg_identity_slot; changed under that slot's registry's
	 * lock (secmsg_registry)
	 */
	struct secmsg_identity __rcu *identity[SECMSG_IDENTITY_SLOT_MAX + 1];
	struct secmsg_users users;	/* clients, pinned by user id */
	struct secmsg_users nodes;	/* peer nodes, pinned by node name */
	/* the newest message 1 timestamp this node sent; under nodes.lock */
	u8 link_ts[SECMSG_HS_TIMESTAMP_LEN];
	/* sessions whose deadline came, for due_work (timers.c) */
	struct llist_head due;
	struct work_struct due_work;
	bool dying;
	/* cumulative totals, indexed by SECMSG_STATS_A_* */
	atomic64_t stats[__SECMSG_STATS_A_MAX];
	/* failed message operations, indexed by enum secmsg_fail */
	atomic64_t fails[SECMSG_FAIL_MAX + 1];
};

extern unsigned int secmsg_net_id;

/* The registry that pins the peers of an identity slot. */
static inline struct secmsg_users *secmsg_registry(struct secmsg_net *sn,
						   u8 slot)
{
	return slot == SECMSG_IDENTITY_SLOT_NODE ? &sn->nodes : &sn->users;
}

static inline struct secmsg_net *secmsg_net(const struct net *net)
{
	return net_generic(net, secmsg_net_id);
}

static inline void secmsg_stat_inc(struct secmsg_net *sn, int which)
{
	atomic64_inc(&sn->stats[which]);
}

int secmsg_netns_init(void);
void secmsg_netns_exit(void);

#endif
