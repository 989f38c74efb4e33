// SPDX-License-Identifier: GPL-2.0
/* The identities (server, node) and the registries of peers, per namespace. */
#include <linux/jhash.h>
#include <linux/slab.h>

#include "identity.h"
#include "netns.h"
#include "secmsg.h"

void secmsg_identity_put(struct secmsg_identity *id)
{
	if (!id || !refcount_dec_and_test(&id->ref))
		return;
	secmsg_x25519_free(id->tfm);
	kfree_sensitive(id);
}

static void identity_free_work(struct work_struct *w)
{
	secmsg_identity_put(container_of(to_rcu_work(w),
					 struct secmsg_identity, free_work));
}

/* Drop the namespace's reference once readers are done looking. */
static void identity_retire(struct secmsg_identity *id)
{
	if (!id)
		return;
	INIT_RCU_WORK(&id->free_work, identity_free_work);
	queue_rcu_work(secmsg_wq, &id->free_work);
}

struct secmsg_identity *secmsg_identity_get(struct secmsg_net *sn, u8 slot)
{
	struct secmsg_identity *id;

	rcu_read_lock();
	id = rcu_dereference(sn->identity[slot]);
	if (id && !refcount_inc_not_zero(&id->ref))
		id = NULL;
	rcu_read_unlock();
	return id;
}

int secmsg_identity_set(struct secmsg_net *sn, u8 slot, const char *name,
			const u8 *priv, u8 *pub)
{
	struct secmsg_users *reg = secmsg_registry(sn, slot);
	struct secmsg_identity *id, *old;
	int err;

	id = kzalloc(sizeof(*id), GFP_KERNEL);
	if (!id)
		return -ENOMEM;
	refcount_set(&id->ref, 1);
	if (name)
		strscpy(id->name, name, sizeof(id->name));
	id->tfm = secmsg_x25519_new(priv);
	if (IS_ERR(id->tfm)) {
		err = PTR_ERR(id->tfm);
		id->tfm = NULL;
		goto err;
	}
	err = secmsg_x25519(id->tfm, NULL, id->pub);
	if (err)
		goto err;
	memcpy(pub, id->pub, SECMSG_X25519_LEN);
	mutex_lock(&reg->lock);
	old = rcu_replace_pointer(sn->identity[slot], id,
				  lockdep_is_held(&reg->lock));
	mutex_unlock(&reg->lock);
	identity_retire(old);
	return 0;
err:
	secmsg_identity_put(id);
	return err;
}

void secmsg_identity_destroy(struct secmsg_net *sn)
{
	int slot;

	for (slot = 0; slot <= SECMSG_IDENTITY_SLOT_MAX; slot++)
		identity_retire(rcu_replace_pointer(sn->identity[slot], NULL,
						    true));
}

static u32 name_hash(const char *id)
{
	return jhash(id, strlen(id), 0);
}

void secmsg_users_init(struct secmsg_users *u)
{
	mutex_init(&u->lock);
	hash_init(u->by_name);
	INIT_LIST_HEAD(&u->list);
}

void secmsg_users_destroy(struct secmsg_users *u)
{
	struct secmsg_user *user, *tmp;

	mutex_lock(&u->lock);
	list_for_each_entry_safe(user, tmp, &u->list, lnode)
		secmsg_user_del(u, user);
	mutex_unlock(&u->lock);
	mutex_destroy(&u->lock);
}

struct secmsg_user *secmsg_user_find(struct secmsg_users *u, const char *id)
{
	struct secmsg_user *user;

	lockdep_assert_held(&u->lock);
	hash_for_each_possible(u->by_name, user, hnode, name_hash(id))
		if (!strcmp(user->id, id))
			return user;
	return NULL;
}

int secmsg_user_add(struct secmsg_users *u, const char *id, const u8 *pub)
{
	struct secmsg_user *user;

	lockdep_assert_held(&u->lock);
	if (secmsg_user_find(u, id))
		return -EEXIST;
	user = kzalloc(sizeof(*user), GFP_KERNEL);
	if (!user)
		return -ENOMEM;
	strscpy(user->id, id, sizeof(user->id));
	memcpy(user->pub, pub, SECMSG_X25519_LEN);
	user->order = ++u->next_order;
	hash_add(u->by_name, &user->hnode, name_hash(id));
	list_add_tail(&user->lnode, &u->list);
	u->count++;
	return 0;
}

void secmsg_user_del(struct secmsg_users *u, struct secmsg_user *user)
{
	lockdep_assert_held(&u->lock);
	hash_del(&user->hnode);
	list_del(&user->lnode);
	u->count--;
	kfree_sensitive(user);
}
