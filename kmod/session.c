// SPDX-License-Identifier: GPL-2.0
/* The per-namespace session table and the session lifecycle. */
#include <crypto/algapi.h>
#include <linux/ctype.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "events.h"
#include "secmsg.h"
#include "session.h"
#include "timers.h"

static const struct secmsg_policy_k default_policy = {
	.rotate_interval = 3600,
	.max_messages = 1ULL << 20,
	.timeout = 86400,
	.idle_timeout = 3600,
	.rekey_grace = 10,
};

static const struct rhashtable_params table_params = {
	.head_offset = offsetof(struct secmsg_session, node),
	.key_offset = offsetof(struct secmsg_session, id),
	.key_len = sizeof(u64),
	.automatic_shrinking = true,
};

static struct kmem_cache *session_cache;

int secmsg_session_cache_init(void)
{
	session_cache = KMEM_CACHE(secmsg_session, SLAB_HWCACHE_ALIGN);
	return session_cache ? 0 : -ENOMEM;
}

void secmsg_session_cache_exit(void)
{
	kmem_cache_destroy(session_cache);
}

bool secmsg_user_id_valid(const char *id)
{
	size_t i, len = strnlen(id, SECMSG_USER_ID_MAX + 1);

	if (!len || len > SECMSG_USER_ID_MAX || id[0] == '.' || id[0] == '-')
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum(id[i]) && !strchr("._@-", id[i]))
			return false;
	return true;
}

u64 secmsg_unix_offset(void)
{
	return ktime_get_real_ns() - secmsg_now();
}

u64 secmsg_session_expires(const struct secmsg_session *s)
{
	u32 timeout = READ_ONCE(s->pol.timeout);
	u32 idle = READ_ONCE(s->pol.idle_timeout);
	u64 t = 0, i;

	if (timeout)
		t = s->created_ns + (u64)timeout * NSEC_PER_SEC;
	if (idle) {
		i = READ_ONCE(s->last_used_ns) + (u64)idle * NSEC_PER_SEC;
		if (!t || i < t)
			t = i;
	}
	return t;
}

u64 secmsg_session_rekey_at(const struct secmsg_session *s)
{
	u32 every = READ_ONCE(s->pol.rotate_interval);

	return every ? READ_ONCE(s->rotated_ns) + (u64)every * NSEC_PER_SEC
		     : 0;
}

/*
 * pending_timeout is read when the deadline is looked at: a change reaches
 * a pending handshake by its timer's next firing at the latest.
 */
u64 secmsg_session_pending_until(const struct secmsg_session *s)
{
	return s->created_ns +
	       (u64)READ_ONCE(secmsg_pending_timeout) * NSEC_PER_SEC;
}

static void session_free_work(struct work_struct *w)
{
	struct secmsg_session *s = container_of(to_rcu_work(w),
						struct secmsg_session,
						free_work);
	int i;

	secmsg_timer_stop(s);
	secmsg_initiator_free(s->hs);
	secmsg_key_put(s->ahead);
	secmsg_key_put(rcu_dereference_protected(s->tx, 1));
	secmsg_key_put(rcu_dereference_protected(s->rx, 1));
	for (i = 0; i < SECMSG_RX_PREV; i++)
		secmsg_key_put(rcu_dereference_protected(s->rx_prev[i], 1));
	mutex_destroy(&s->rekey_lock);
	memzero_explicit(s, sizeof(*s));
	kmem_cache_free(session_cache, s);
}

void secmsg_session_put(struct secmsg_session *s)
{
	if (!s || !refcount_dec_and_test(&s->ref))
		return;
	INIT_RCU_WORK(&s->free_work, session_free_work);
	queue_rcu_work(secmsg_wq, &s->free_work);
}

static void session_apply_policy(struct secmsg_policy_k *dst,
				 const struct secmsg_policy_k *src, u32 set)
{
	if (set & SECMSG_POL_ROTATE)
		WRITE_ONCE(dst->rotate_interval, src->rotate_interval);
	if (set & SECMSG_POL_MAXMSG)
		WRITE_ONCE(dst->max_messages, src->max_messages);
	if (set & SECMSG_POL_TIMEOUT)
		WRITE_ONCE(dst->timeout, src->timeout);
	if (set & SECMSG_POL_IDLE)
		WRITE_ONCE(dst->idle_timeout, src->idle_timeout);
	if (set & SECMSG_POL_GRACE)
		WRITE_ONCE(dst->rekey_grace, src->rekey_grace);
}

/*
 * The owned sessions of one generic netlink socket, so that its close
 * drops them without looking at any other session.  Under sn->lock; made
 * with the socket's first owned session, freed when the socket closes (or
 * with the namespace).
 */
struct secmsg_owner {
	struct hlist_node node;		/* in sn->owners */
	struct list_head sessions;	/* by secmsg_session.owner_node */
	u32 portid;
};

static struct secmsg_owner *owner_find(struct secmsg_net *sn, u32 portid)
{
	struct secmsg_owner *o;

	lockdep_assert_held(&sn->lock);
	hash_for_each_possible(sn->owners, o, node, portid)
		if (o->portid == portid)
			return o;
	return NULL;
}

/* The owner of portid, made if needed; called with sn->lock held. */
static struct secmsg_owner *owner_get(struct secmsg_net *sn, u32 portid)
{
	struct secmsg_owner *o = owner_find(sn, portid);

	if (o)
		return o;
	o = kzalloc(sizeof(*o), GFP_KERNEL);
	if (!o)
		return NULL;
	o->portid = portid;
	INIT_LIST_HEAD(&o->sessions);
	hash_add(sn->owners, &o->node, portid);
	WRITE_ONCE(sn->n_owners, sn->n_owners + 1);
	return o;
}

static void owner_free(struct secmsg_net *sn, struct secmsg_owner *o)
{
	lockdep_assert_held(&sn->lock);
	hash_del(&o->node);
	WRITE_ONCE(sn->n_owners, sn->n_owners - 1);
	kfree(o);
}

/*
 * Insert with the id asked for (-EEXIST when taken) or, when s->id is 0,
 * a fresh random one; called with sn->lock held.
 */
static int session_link(struct secmsg_net *sn, struct secmsg_session *s)
{
	struct rb_node **p = &sn->by_id.rb_node, *parent = NULL;
	struct secmsg_owner *owner = NULL;
	bool chosen = s->id != 0;
	struct secmsg_session *it;
	int err;

	if (s->flags & SECMSG_SESSION_F_OWNED) {
		owner = owner_get(sn, s->owner_portid);
		if (!owner)
			return -ENOMEM;
	}
	do {
		if (!chosen)
			s->id = get_random_u64();
		if (!s->id)
			continue;
		err = rhashtable_lookup_insert_fast(&sn->table, &s->node,
						    table_params);
	} while (!s->id || (err == -EEXIST && !chosen));
	if (err) {
		if (owner && list_empty(&owner->sessions))
			owner_free(sn, owner);
		return err;
	}
	/* an initiator learns its wire id from message 2 */
	if (!(s->flags & SECMSG_SESSION_F_INITIATOR))
		s->wire_id = s->id;

	while (*p) {
		parent = *p;
		it = rb_entry(parent, struct secmsg_session, rb);
		p = s->id < it->id ? &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&s->rb, parent, p);
	rb_insert_color(&s->rb, &sn->by_id);
	if (owner)
		list_add_tail(&s->owner_node, &owner->sessions);
	sn->count++;
	if (s->state == SECMSG_STATE_PENDING)
		sn->n_pending++;
	sn->n_alg[s->alg]++;
	return 0;
}

static void session_unlink_locked(struct secmsg_session *s)
{
	struct secmsg_net *sn = s->sn;

	lockdep_assert_held(&sn->lock);
	WRITE_ONCE(s->dead, true);
	if (s->state == SECMSG_STATE_PENDING)
		sn->n_pending--;
	sn->n_alg[s->alg]--;
	list_del(&s->owner_node);	/* a no-op when not owned */
	rhashtable_remove_fast(&sn->table, &s->node, table_params);
	rb_erase(&s->rb, &sn->by_id);
	sn->count--;
}

struct secmsg_session *secmsg_session_new(struct secmsg_net *sn,
					  const struct secmsg_session_params *p)
{
	struct secmsg_session *s;
	int err;

	if (!secmsg_alg(p->alg))
		return ERR_PTR(-EINVAL);
	s = kmem_cache_zalloc(session_cache, GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	s->sn = sn;
	refcount_set(&s->ref, 2);	/* the table's and the caller's */
	INIT_LIST_HEAD(&s->dead_node);
	INIT_LIST_HEAD(&s->owner_node);
	secmsg_timer_init(s);
	mutex_init(&s->rekey_lock);
	s->state = p->secret[0] ? SECMSG_STATE_ACTIVE : SECMSG_STATE_PENDING;
	s->alg = p->alg;
	s->flags = p->flags;
	s->owner_portid = p->owner_portid;
	s->id = p->id;
	strscpy(s->user_id, p->user_id, sizeof(s->user_id));
	s->hs = p->hs;
	s->pol = default_policy;
	if (secmsg_session_follows(s)) {
		/* its initiator rotates; it follows */
		s->pol.rotate_interval = 0;
		s->pol.max_messages = 0;
	}
	session_apply_policy(&s->pol, &p->pol, p->pol_set);
	s->created_ns = secmsg_now();
	s->rotated_ns = s->created_ns;
	s->last_used_ns = s->created_ns;
	if (s->state == SECMSG_STATE_ACTIVE)
		secmsg_session_install(s, p->secret[SECMSG_DIR_C2S],
				       p->secret[SECMSG_DIR_S2C], NULL);

	mutex_lock(&sn->lock);
	if (sn->dying)
		err = -ENODEV;
	else if (sn->count >= READ_ONCE(secmsg_max_sessions))
		err = -ENOSPC;
	else if (s->state == SECMSG_STATE_PENDING &&
		 sn->n_pending >= READ_ONCE(secmsg_max_pending))
		err = -EBUSY;
	else
		err = session_link(sn, s);
	mutex_unlock(&sn->lock);
	if (err)
		goto err_free;

	secmsg_timer_arm(s);
	if (!p->unpublished)
		secmsg_session_publish(s);
	return s;

err_free:
	s->hs = NULL;			/* still the caller's */
	refcount_set(&s->ref, 1);
	secmsg_session_put(s);
	return ERR_PTR(err);
}

void secmsg_session_publish(struct secmsg_session *s)
{
	secmsg_stat_inc(s->sn, SECMSG_STATS_A_CREATED);
	secmsg_event(s, SECMSG_EVENT_CREATED, 0);
}

/* Unlink unless someone else did; true when this call did. */
static bool session_unlink(struct secmsg_session *s)
{
	struct secmsg_net *sn = s->sn;
	bool unlinked = false;

	mutex_lock(&sn->lock);
	if (!s->dead) {
		session_unlink_locked(s);
		unlinked = true;
	}
	mutex_unlock(&sn->lock);
	return unlinked;
}

void secmsg_session_abort(struct secmsg_session *s)
{
	if (session_unlink(s))
		secmsg_session_put(s);		/* the table's reference */
}

void secmsg_session_install(struct secmsg_session *s, const u8 *c2s,
			    const u8 *s2c, const u8 *confirm)
{
	mutex_lock(&s->rekey_lock);
	memcpy(s->secret[SECMSG_DIR_C2S], c2s, SECMSG_KEY_LEN);
	memcpy(s->secret[SECMSG_DIR_S2C], s2c, SECMSG_KEY_LEN);
	if (confirm)
		memcpy(s->confirm, confirm, sizeof(s->confirm));
	/* the secrets and confirm before the flag: pairs with confirm's */
	smp_store_release(&s->keyed, true);
	mutex_unlock(&s->rekey_lock);
}

/* Pending to active, under sn->lock: ENOENT (gone) or EALREADY. */
static int session_activate_locked(struct secmsg_session *s)
{
	lockdep_assert_held(&s->sn->lock);
	if (s->dead)
		return -ENOENT;
	if (s->state != SECMSG_STATE_PENDING)
		return -EALREADY;
	WRITE_ONCE(s->last_used_ns, secmsg_now());
	WRITE_ONCE(s->rotated_ns, s->last_used_ns);
	/* wire_id and the secrets before the state: pairs with msg.c's find */
	smp_store_release(&s->state, SECMSG_STATE_ACTIVE);
	s->sn->n_pending--;
	return 0;
}

int secmsg_session_confirm(struct secmsg_session *s, const u8 *confirm)
{
	struct secmsg_net *sn = s->sn;
	int err = 0;

	mutex_lock(&sn->lock);
	if (!s->dead && s->state == SECMSG_STATE_PENDING &&
	    /* keyed, then confirm: pairs with secmsg_session_install() */
	    (!smp_load_acquire(&s->keyed) ||
	     crypto_memneq(s->confirm, confirm, sizeof(s->confirm))))
		err = -EBADMSG;
	if (!err)
		err = session_activate_locked(s);
	if (!err)
		memzero_explicit(s->confirm, sizeof(s->confirm));
	mutex_unlock(&sn->lock);
	if (!err)
		secmsg_timer_pull(s);	/* rotation and idle deadlines now */
	return err;
}

int secmsg_session_activate(struct secmsg_session *s, u64 wire_id)
{
	struct secmsg_net *sn = s->sn;
	int err;

	mutex_lock(&sn->lock);
	if (!s->dead && s->state == SECMSG_STATE_PENDING)
		s->wire_id = wire_id;
	err = session_activate_locked(s);
	mutex_unlock(&sn->lock);
	if (!err)
		secmsg_timer_pull(s);	/* rotation and idle deadlines now */
	return err;
}

struct secmsg_session *secmsg_session_lookup(struct secmsg_net *sn, u64 id)
{
	struct secmsg_session *s;

	rcu_read_lock();
	s = rhashtable_lookup(&sn->table, &id, table_params);
	if (s && !refcount_inc_not_zero(&s->ref))
		s = NULL;
	rcu_read_unlock();
	return s;
}

static void session_report_gone(struct secmsg_session *s, u8 reason)
{
	struct secmsg_net *sn = s->sn;
	bool expired = reason == SECMSG_REASON_TIMEOUT ||
		       reason == SECMSG_REASON_IDLE;

	secmsg_stat_inc(sn, SECMSG_STATS_A_DELETED);
	if (expired)
		secmsg_stat_inc(sn, SECMSG_STATS_A_EXPIRED);
	if (reason != SECMSG_REASON_NETNS_EXIT)
		secmsg_event(s, expired ? SECMSG_EVENT_EXPIRED :
				SECMSG_EVENT_DELETED, reason);
}

/* After unlinking for reason (0: it was not unlinked here): report, put. */
static bool session_ended(struct secmsg_session *s, u8 reason)
{
	if (!reason)
		return false;
	session_report_gone(s, reason);
	secmsg_session_put(s);		/* the table's reference */
	return true;
}

bool secmsg_session_delete(struct secmsg_session *s, u8 reason)
{
	return session_ended(s, session_unlink(s) ? reason : 0);
}

void secmsg_session_alg(struct secmsg_session *s, u32 *alg, u32 *epoch)
{
	*alg = READ_ONCE(s->alg);
	*epoch = READ_ONCE(s->epoch);
}

/*
 * The algorithm moves a session between the namespace's per-algorithm
 * counts under sn->lock, as creation and removal do, so that the counts
 * always add up; rotation holds rekey_lock (the lock order).
 */
static void session_set_alg(struct secmsg_session *s, u32 alg)
{
	struct secmsg_net *sn = s->sn;

	lockdep_assert_held(&s->rekey_lock);
	if (alg == s->alg)
		return;
	mutex_lock(&sn->lock);
	if (!s->dead) {
		sn->n_alg[s->alg]--;
		sn->n_alg[alg]++;
	}
	WRITE_ONCE(s->alg, alg);
	mutex_unlock(&sn->lock);
}

/*
 * The current epoch's key of direction dir, made from S(epoch) if this is
 * its first use.  Keys are made on first use so that an idle session holds
 * none (only its two secrets); a key once made stays until the rotation,
 * so its sequence numbers and replay window are never reset.
 */
static struct secmsg_key *session_key_make(struct secmsg_session *s,
					   enum secmsg_dir dir, int *err)
{
	bool inbound = dir == secmsg_rx_dir(s);
	struct secmsg_key __rcu **slot = inbound ? &s->rx : &s->tx;
	struct secmsg_key *k;

	lockdep_assert_held(&s->rekey_lock);
	k = rcu_dereference_protected(*slot, lockdep_is_held(&s->rekey_lock));
	if (k)
		return k;
	if (!s->keyed) {
		*err = -ENOTCONN;	/* pending: no secrets yet */
		return NULL;
	}
	k = secmsg_key_new(s->alg, s->epoch, dir, inbound, s->secret[dir]);
	if (IS_ERR(k)) {
		*err = PTR_ERR(k);
		return NULL;
	}
	rcu_assign_pointer(*slot, k);
	return k;
}

/*
 * A rotation unpublishes the old key before it drops it, so a reader that
 * finds a key already dying just looks again (and finds the next epoch's,
 * or makes it).
 */
struct secmsg_key *secmsg_session_tx(struct secmsg_session *s, int *err)
{
	struct secmsg_key *k;

	rcu_read_lock();
	do {
		k = rcu_dereference(s->tx);
	} while (k && !secmsg_key_get(k));
	rcu_read_unlock();
	if (k)
		return k;
	mutex_lock(&s->rekey_lock);
	k = session_key_make(s, secmsg_tx_dir(s), err);
	if (k)
		refcount_inc(&k->ref);	/* published: alive under the lock */
	mutex_unlock(&s->rekey_lock);
	return k;
}

/*
 * The inbound key of epoch, under RCU or rekey_lock; or NULL and *err,
 * -EAGAIN when it is the current epoch's and not made yet.
 */
static struct secmsg_key *rx_pick(struct secmsg_session *s, u32 epoch,
				  int *err)
{
	struct secmsg_key *k, *prev;
	u32 cur;
	int i;

	k = rcu_dereference_check(s->rx, lockdep_is_held(&s->rekey_lock));
	if (k && epoch == k->epoch)
		return k;
	/* a rotation publishes rx_prev before the epoch: pairs with it */
	cur = smp_load_acquire(&s->epoch);
	if (epoch > cur) {
		*err = -EKEYREJECTED;
		return NULL;
	}
	if (epoch == cur) {
		*err = -EAGAIN;
		return NULL;
	}
	for (i = 0; i < SECMSG_RX_PREV; i++) {
		prev = rcu_dereference_check(s->rx_prev[i],
					     lockdep_is_held(&s->rekey_lock));
		if (prev && epoch == prev->epoch &&
		    time_before(jiffies, READ_ONCE(prev->grace_until)))
			return prev;
	}
	*err = -EKEYEXPIRED;
	return NULL;
}

struct secmsg_key *secmsg_session_rx(struct secmsg_session *s, u32 epoch,
				     int *err)
{
	struct secmsg_key *k;

	rcu_read_lock();
	do {
		k = rx_pick(s, epoch, err);
	} while (k && !secmsg_key_get(k));
	rcu_read_unlock();
	if (k || *err != -EAGAIN)
		return k;
	mutex_lock(&s->rekey_lock);
	k = rx_pick(s, epoch, err);
	if (!k && *err == -EAGAIN)
		k = session_key_make(s, secmsg_rx_dir(s), err);
	if (k)
		refcount_inc(&k->ref);
	mutex_unlock(&s->rekey_lock);
	return k;
}

/*
 * A rotation in two steps, under rekey_lock: rotation_prepare() makes what
 * it allocates (the next secrets, the inbound key of the epoch that ends,
 * and with tx the next epoch's outbound key and its transform) and
 * changes nothing a caller sees; rotation_commit() installs it and cannot
 * fail.  A rotation that is given up is dropped by rotation_drop().
 */
struct rotation {
	u8 next[2][SECMSG_KEY_LEN];
	u32 alg;
	struct secmsg_key *old_rx;	/* s->rx: made now if it was not */
	struct secmsg_key *tx;		/* the next epoch's, or NULL */
};

/* S(epoch + 1) of both directions from S(epoch), in place. */
static int ratchet_both(u8 next[2][SECMSG_KEY_LEN])
{
	return secmsg_key_ratchet(SECMSG_DIR_C2S, next[SECMSG_DIR_C2S]) ?:
	       secmsg_key_ratchet(SECMSG_DIR_S2C, next[SECMSG_DIR_S2C]);
}

static void rotation_drop(struct rotation *rot)
{
	secmsg_key_put(rot->tx);
	rot->tx = NULL;
	memzero_explicit(rot->next, sizeof(rot->next));
}

static int rotation_prepare(struct secmsg_session *s, u32 alg, bool tx,
			    struct rotation *rot)
{
	int err;

	lockdep_assert_held(&s->rekey_lock);
	rot->tx = NULL;
	/*
	 * Pending: an initiator has no keys yet, a responder's are not
	 * confirmed (no message was sealed under them, and the client has
	 * not shown it holds them).  A session rotates once it is active.
	 */
	if (smp_load_acquire(&s->state) != SECMSG_STATE_ACTIVE)
		return -ENOTCONN;
	rot->alg = alg ?: s->alg;
	memcpy(rot->next, s->secret, sizeof(rot->next));
	err = ratchet_both(rot->next);
	if (err)
		goto fail;
	/*
	 * The inbound key of the epoch that ends is accepted for its grace
	 * time: made now if the epoch saw no inbound message yet, since one
	 * may be on its way.  (It is the current epoch's key: left in place
	 * if the rotation is given up.)
	 */
	rot->old_rx = session_key_make(s, secmsg_rx_dir(s), &err);
	if (!rot->old_rx)
		goto fail;
	if (tx) {
		rot->tx = secmsg_key_new(rot->alg, s->epoch + 1,
					 secmsg_tx_dir(s), false,
					 rot->next[secmsg_tx_dir(s)]);
		if (IS_ERR(rot->tx)) {
			err = PTR_ERR(rot->tx);
			rot->tx = NULL;
			goto fail;
		}
		err = secmsg_key_prepare(rot->tx, NULL);
		if (err)
			goto fail;
	}
	return 0;
fail:
	rotation_drop(rot);
	return err;
}

static void rotation_commit(struct secmsg_session *s, struct rotation *rot)
{
	struct secmsg_key *old_tx, *old_prev;
	int i;

	lockdep_assert_held(&s->rekey_lock);
	WRITE_ONCE(rot->old_rx->grace_until,
		   jiffies + READ_ONCE(s->pol.rekey_grace) * HZ);
	/* shift the previous epochs down; the oldest goes */
	old_prev = rcu_dereference_protected(s->rx_prev[SECMSG_RX_PREV - 1],
					     lockdep_is_held(&s->rekey_lock));
	for (i = SECMSG_RX_PREV - 1; i > 0; i--)
		rcu_assign_pointer(s->rx_prev[i],
				   rcu_dereference_protected(s->rx_prev[i - 1],
					lockdep_is_held(&s->rekey_lock)));
	rcu_assign_pointer(s->rx_prev[0], rot->old_rx);
	RCU_INIT_POINTER(s->rx, NULL);
	/* the next epoch's outbound key if made, else on its first use */
	old_tx = rcu_replace_pointer(s->tx, rot->tx,
				     lockdep_is_held(&s->rekey_lock));
	rot->tx = NULL;
	/* S(epoch) is overwritten: older keys cannot be derived again. */
	memcpy(s->secret, rot->next, sizeof(rot->next));
	memzero_explicit(rot->next, sizeof(rot->next));
	session_set_alg(s, rot->alg);
	/* rx_prev before the epoch: pairs with the inbound key lookup's */
	smp_store_release(&s->epoch, s->epoch + 1);
	atomic64_set(&s->epoch_msgs, 0);
	WRITE_ONCE(s->rotated_ns, secmsg_now());
	secmsg_cnt_add(s, SECMSG_CNT_A_ROTATIONS, 1);
	secmsg_stat_inc(s->sn, SECMSG_STATS_A_ROTATIONS);
	secmsg_key_put(old_tx);
	secmsg_key_put(old_prev);
	secmsg_timer_pull(s);		/* the grace of the epoch that ended */
	secmsg_event(s, SECMSG_EVENT_ROTATED, 0);
}

static int session_rotate_locked(struct secmsg_session *s, u32 alg)
{
	struct rotation rot;
	int err;

	err = rotation_prepare(s, alg, false, &rot);
	if (!err)
		rotation_commit(s, &rot);
	return err;
}

int secmsg_session_rotate(struct secmsg_session *s, u32 alg)
{
	int err;

	if (secmsg_session_follows(s))
		return -EOPNOTSUPP;	/* its initiator rotates */
	mutex_lock(&s->rekey_lock);
	err = session_rotate_locked(s, alg);
	mutex_unlock(&s->rekey_lock);
	return err;
}

/* ---- a link responder follows its initiator's epochs ---- */

/* S(cur + n) of direction dir into out, from the current S(cur). */
static int secret_ahead(struct secmsg_session *s, enum secmsg_dir dir, u32 n,
			u8 *out)
{
	int err = 0;

	lockdep_assert_held(&s->rekey_lock);
	memcpy(out, s->secret[dir], SECMSG_KEY_LEN);
	while (n-- && !err)
		err = secmsg_key_ratchet(dir, out);
	return err;
}

/*
 * The key of an epoch ahead is kept (s->ahead) until the session gets
 * there or another epoch ahead is asked for, so that the messages that
 * arrive together at a rotation share it, and so does their replay
 * window once it is published.
 */
struct secmsg_key *secmsg_session_ahead(struct secmsg_session *s, u32 epoch,
					u32 alg, int *err)
{
	enum secmsg_dir dir = secmsg_rx_dir(s);
	u8 secret[SECMSG_KEY_LEN];
	struct secmsg_key *k = NULL;
	u32 cur;

	*err = -EKEYREJECTED;
	if (!secmsg_session_follows(s) || !secmsg_alg(alg))
		return NULL;
	mutex_lock(&s->rekey_lock);
	cur = s->epoch;
	if (epoch <= cur) {
		/* it got there meanwhile: the published key */
		mutex_unlock(&s->rekey_lock);
		return secmsg_session_rx(s, epoch, err);
	}
	if (epoch - cur > SECMSG_LINK_FOLLOW_MAX)
		goto out;
	if (!s->keyed) {
		*err = -ENOTCONN;
		goto out;
	}
	k = s->ahead;
	if (k && (k->epoch != epoch || k->alg != alg)) {
		secmsg_key_put(k);
		s->ahead = NULL;
		k = NULL;
	}
	if (!k) {
		*err = secret_ahead(s, dir, epoch - cur, secret);
		if (!*err) {
			k = secmsg_key_new(alg, epoch, dir, true, secret);
			if (IS_ERR(k)) {
				*err = PTR_ERR(k);
				k = NULL;
			}
		}
		memzero_explicit(secret, sizeof(secret));
		if (!k)
			goto out;
		k->ahead = true;
		s->ahead = k;
	}
	refcount_inc(&k->ref);
out:
	mutex_unlock(&s->rekey_lock);
	return k;
}

/* Drop the first n of rot: rot[0]'s inbound key is the session's own. */
static void follow_drop(struct rotation *rot, u32 n)
{
	while (n-- > 1) {
		secmsg_key_put(rot[n].old_rx);
		rotation_drop(&rot[n]);
	}
	rotation_drop(&rot[0]);
}

/*
 * The n rotations that take a follower to epoch + n, the last to
 * algorithm alg, all prepared before the first is committed: a failure
 * (for memory) leaves the session as it was, and the message can be
 * opened again.  rot[0] is a rotation as any; each later one starts from
 * the secrets the one before makes and holds the inbound key of the
 * epoch it ends (which the one before starts), made now for its grace.
 */
static int follow_prepare(struct secmsg_session *s, u32 n, u32 alg,
			  struct rotation *rot)
{
	enum secmsg_dir rx = secmsg_rx_dir(s);
	struct rotation *r;
	u32 i;
	int err;

	lockdep_assert_held(&s->rekey_lock);
	err = rotation_prepare(s, n == 1 ? alg : 0, false, &rot[0]);
	if (err)
		return err;
	for (i = 1; i < n; i++) {
		r = &rot[i];
		r->tx = NULL;
		r->old_rx = NULL;
		r->alg = i == n - 1 ? alg : rot[i - 1].alg;
		memcpy(r->next, rot[i - 1].next, sizeof(r->next));
		err = ratchet_both(r->next);
		if (!err) {
			r->old_rx = secmsg_key_new(rot[i - 1].alg,
						   s->epoch + i, rx, true,
						   rot[i - 1].next[rx]);
			if (IS_ERR(r->old_rx)) {
				err = PTR_ERR(r->old_rx);
				r->old_rx = NULL;
			}
		}
		if (err) {
			follow_drop(rot, i + 1);
			return err;
		}
	}
	return 0;
}

struct secmsg_key *secmsg_session_follow(struct secmsg_session *s,
					 struct secmsg_key *k, int *err)
{
	struct rotation rot[SECMSG_LINK_FOLLOW_MAX];
	struct secmsg_key *c;
	u32 i, n;
	int e = 0;

	mutex_lock(&s->rekey_lock);
	/* secmsg_session_ahead() made k at most that far ahead */
	n = k->epoch > s->epoch ? k->epoch - s->epoch : 0;
	if (WARN_ON_ONCE(n > SECMSG_LINK_FOLLOW_MAX))
		e = -EKEYREJECTED;
	if (!e && n)
		e = follow_prepare(s, n, k->alg, rot);
	if (!e && n) {
		/* epochs skipped on the way are kept as by a rotation */
		for (i = 0; i < n; i++) {
			/* the key of the epoch just begun: its reference moves */
			if (i)
				rcu_assign_pointer(s->rx, rot[i].old_rx);
			rotation_commit(s, &rot[i]);
		}
		/* the key that authenticated is the epoch's now */
		WRITE_ONCE(k->ahead, false);
		if (s->ahead == k)
			s->ahead = NULL;	/* its reference moves */
		else
			refcount_inc(&k->ref);
		rcu_assign_pointer(s->rx, k);
	}
	if (s->ahead && s->ahead->epoch <= s->epoch) {
		secmsg_key_put(s->ahead);
		s->ahead = NULL;
	}
	c = NULL;
	if (!e) {
		c = rx_pick(s, k->epoch, &e);
		if (!c && e == -EAGAIN)
			c = session_key_make(s, secmsg_rx_dir(s), &e);
		if (c)
			refcount_inc(&c->ref);
	}
	mutex_unlock(&s->rekey_lock);
	secmsg_key_put(k);
	*err = e;
	return c;
}

static bool count_reached(struct secmsg_session *s)
{
	u64 max = READ_ONCE(s->pol.max_messages);

	return max && atomic64_read(&s->epoch_msgs) >= max;
}

void secmsg_session_rotate_if_due(struct secmsg_session *s)
{
	mutex_lock(&s->rekey_lock);
	if (count_reached(s))
		session_rotate_locked(s, 0);
	mutex_unlock(&s->rekey_lock);
}

int secmsg_session_rotate_to_seal(struct secmsg_session *s,
				  struct secmsg_req *r)
{
	struct rotation rot;
	int err = 0;

	if (!count_reached(s))
		return 0;
	mutex_lock(&s->rekey_lock);
	if (count_reached(s)) {
		err = rotation_prepare(s, 0, true, &rot);
		if (!err) {
			/* the transform exists: rotation_prepare() made it */
			err = secmsg_key_prepare(rot.tx, r);
			if (err)
				rotation_drop(&rot);
			else
				rotation_commit(s, &rot);
		}
	}
	mutex_unlock(&s->rekey_lock);
	return err;
}

int secmsg_session_update(struct secmsg_session *s, u32 alg,
			  const struct secmsg_policy_k *pol, u32 set)
{
	u32 grace;
	int err = 0;

	if (alg && secmsg_session_follows(s))
		return -EOPNOTSUPP;	/* its initiator rotates */
	mutex_lock(&s->rekey_lock);
	if (alg) {
		/* the superseded epoch gets the new policy's grace */
		grace = s->pol.rekey_grace;
		if (set & SECMSG_POL_GRACE)
			WRITE_ONCE(s->pol.rekey_grace, pol->rekey_grace);
		err = session_rotate_locked(s, alg);
		if (err)
			WRITE_ONCE(s->pol.rekey_grace, grace);
	}
	if (!err)
		session_apply_policy(&s->pol, pol, set);
	mutex_unlock(&s->rekey_lock);
	if (!err)
		secmsg_timer_pull(s);	/* the policy's deadlines */
	return err;
}

/* ---- what is due (timers.c finds when) ---- */

static u8 session_expired(const struct secmsg_session *s, u64 now)
{
	u32 timeout = READ_ONCE(s->pol.timeout);
	u32 idle = READ_ONCE(s->pol.idle_timeout);

	if (READ_ONCE(s->state) == SECMSG_STATE_PENDING &&
	    now >= secmsg_session_pending_until(s))
		return SECMSG_REASON_HANDSHAKE;
	if (timeout && now >= s->created_ns + (u64)timeout * NSEC_PER_SEC)
		return SECMSG_REASON_TIMEOUT;
	if (idle && now >= READ_ONCE(s->last_used_ns) +
			   (u64)idle * NSEC_PER_SEC)
		return SECMSG_REASON_IDLE;
	return 0;
}

/* Unlink and report the session if it has expired; true when it went. */
static bool session_expire(struct secmsg_session *s, u64 now)
{
	struct secmsg_net *sn = s->sn;
	u8 reason = 0;

	if (!session_expired(s, now))
		return false;
	mutex_lock(&sn->lock);
	/* looked at again: confirmed or deleted meanwhile */
	if (!s->dead)
		reason = session_expired(s, now);
	if (reason)
		session_unlink_locked(s);
	mutex_unlock(&sn->lock);
	return session_ended(s, reason);
}

/* Rotate by time if due, drop the inbound keys whose grace is over. */
static void session_upkeep(struct secmsg_session *s, u64 now)
{
	struct secmsg_key *prev;
	u64 rekey_at;
	int i;

	mutex_lock(&s->rekey_lock);
	rekey_at = secmsg_session_rekey_at(s);
	if (rekey_at && now >= rekey_at &&
	    READ_ONCE(s->state) == SECMSG_STATE_ACTIVE)
		session_rotate_locked(s, 0);
	for (i = 0; i < SECMSG_RX_PREV; i++) {
		prev = rcu_dereference_protected(s->rx_prev[i],
					lockdep_is_held(&s->rekey_lock));
		if (prev &&
		    time_after_eq(jiffies, READ_ONCE(prev->grace_until))) {
			RCU_INIT_POINTER(s->rx_prev[i], NULL);
			secmsg_key_put(prev);
		}
	}
	mutex_unlock(&s->rekey_lock);
}

void secmsg_session_maintain(struct secmsg_session *s)
{
	u64 now = secmsg_now();

	if (READ_ONCE(s->dead) || session_expire(s, now))
		return;
	session_upkeep(s, now);
	secmsg_timer_arm(s);
}

int secmsg_sessions_init(struct secmsg_net *sn)
{
	mutex_init(&sn->lock);
	sn->by_id = RB_ROOT;
	hash_init(sn->owners);
	secmsg_timers_init(sn);
	return rhashtable_init(&sn->table, &table_params);
}

/* Report and put sessions unlinked onto gone (by dead_node). */
static void sessions_gone(struct list_head *gone, u8 reason)
{
	struct secmsg_session *s, *tmp;

	list_for_each_entry_safe(s, tmp, gone, dead_node) {
		list_del_init(&s->dead_node);
		session_report_gone(s, reason);
		secmsg_session_put(s);
	}
}

void secmsg_sessions_flush_owner(struct secmsg_net *sn, u32 portid)
{
	struct secmsg_session *s, *tmp;
	struct secmsg_owner *o;
	LIST_HEAD(gone);

	/* every generic netlink socket's close lands here: be cheap */
	if (!READ_ONCE(sn->n_owners))
		return;
	mutex_lock(&sn->lock);
	o = owner_find(sn, portid);
	if (o) {
		list_for_each_entry_safe(s, tmp, &o->sessions, owner_node) {
			session_unlink_locked(s);
			list_add_tail(&s->dead_node, &gone);
		}
		owner_free(sn, o);
	}
	mutex_unlock(&sn->lock);
	sessions_gone(&gone, SECMSG_REASON_OWNER_GONE);
}

/* Namespace exit: unlink and report every session, free every owner. */
static void sessions_drop_all(struct secmsg_net *sn)
{
	struct secmsg_session *s, *tmp;
	struct secmsg_owner *o;
	struct hlist_node *n;
	LIST_HEAD(gone);
	int bkt;

	mutex_lock(&sn->lock);
	rbtree_postorder_for_each_entry_safe(s, tmp, &sn->by_id, rb)
		list_add_tail(&s->dead_node, &gone);
	list_for_each_entry(s, &gone, dead_node)
		session_unlink_locked(s);
	hash_for_each_safe(sn->owners, bkt, n, o, node)
		owner_free(sn, o);
	mutex_unlock(&sn->lock);
	sessions_gone(&gone, SECMSG_REASON_NETNS_EXIT);
}

void secmsg_sessions_count(struct secmsg_net *sn,
			   struct secmsg_session_counts *c)
{
	mutex_lock(&sn->lock);
	c->sessions = sn->count;
	c->pending = sn->n_pending;
	memcpy(c->by_alg, sn->n_alg, sizeof(c->by_alg));
	mutex_unlock(&sn->lock);
}

/* Namespace exit: nothing may be added any more; drop everything. */
void secmsg_sessions_destroy(struct secmsg_net *sn)
{
	WRITE_ONCE(sn->dying, true);
	sessions_drop_all(sn);
	secmsg_timers_exit(sn);
	rhashtable_destroy(&sn->table);
	mutex_destroy(&sn->lock);
}
