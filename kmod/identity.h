/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The namespace's identities, one per slot (enum secmsg_identity_slot): a
 * static X25519 pair whose private half lives only inside a keyed kpp
 * transform; the node slot's also has the local node name.  And the
 * registries of peers pinned by name: the users (server slot) and the
 * peer nodes (node slot).
 *
 * Lifetime: sn->identity[slot] holds one reference; readers take another
 * under RCU (secmsg_identity_get) and keep it as long as they use the
 * key.  Replacing an identity drops the namespace's reference after a
 * grace period.  A registry's lock serialises changes to it and to the
 * identity of its slot.
 */
#ifndef _SECMSG_IDENTITY_H
#define _SECMSG_IDENTITY_H

#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/workqueue.h>

#include "x25519.h"

struct secmsg_net;

struct secmsg_identity {
	refcount_t ref;
	struct rcu_work free_work;
	struct crypto_kpp *tfm;		/* keyed with the private key */
	u8 pub[SECMSG_X25519_LEN];
	/* node slot: the local node name that message 1 carries */
	char name[SECMSG_USER_ID_MAX + 1];
};

struct secmsg_user {
	struct hlist_node hnode;	/* by name */
	struct list_head lnode;		/* in order of addition */
	u64 order;			/* dump cursor */
	char id[SECMSG_USER_ID_MAX + 1];
	u8 pub[SECMSG_X25519_LEN];
	u8 last_ts[SECMSG_HS_TIMESTAMP_LEN];	/* newest accepted */
	u64 last_handshake;		/* Unix seconds, 0 = never */
};

struct secmsg_users {
	struct mutex lock;
	DECLARE_HASHTABLE(by_name, 8);
	struct list_head list;
	u64 next_order;
	unsigned int count;
};

void secmsg_users_init(struct secmsg_users *u);
void secmsg_users_destroy(struct secmsg_users *u);

/*
 * Install a new identity in slot (priv NULL: generate) with name (node
 * slot only, else NULL); returns its public key.
 */
int secmsg_identity_set(struct secmsg_net *sn, u8 slot, const char *name,
			const u8 *priv, u8 *pub);
/* Referenced current identity of slot, or NULL. */
struct secmsg_identity *secmsg_identity_get(struct secmsg_net *sn, u8 slot);
void secmsg_identity_put(struct secmsg_identity *id);
void secmsg_identity_destroy(struct secmsg_net *sn);

/* With u->lock held: */
struct secmsg_user *secmsg_user_find(struct secmsg_users *u, const char *id);
int secmsg_user_add(struct secmsg_users *u, const char *id, const u8 *pub);
void secmsg_user_del(struct secmsg_users *u, struct secmsg_user *user);

#endif
