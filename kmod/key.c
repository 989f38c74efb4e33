// SPDX-License-Identifier: GPL-2.0
/* Per-epoch keys and the one-way ratchet between epochs. */
#include <crypto/algapi.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "hkdf.h"
#include "key.h"
#include "keyslot.h"
#include "secmsg.h"



static const char *const labels[][3] = {
	/* key, nonce salt, ratchet */
	[SECMSG_DIR_C2S] = { "secmsg v1 c2s key", "secmsg v1 c2s nonce",
			     "secmsg v1 c2s ratchet" },
	[SECMSG_DIR_S2C] = { "secmsg v1 s2c key", "secmsg v1 s2c nonce",
			     "secmsg v1 s2c ratchet" },
};

/* by inbound: outbound keys need no replay window */
static struct kmem_cache *key_cache[2];

int secmsg_key_init(void)
{
	/* aligned, so that a message touches one line of its key */
	key_cache[0] = kmem_cache_create("secmsg_key_out",
					 sizeof(struct secmsg_key), 0,
					 SLAB_HWCACHE_ALIGN, NULL);
	key_cache[1] = kmem_cache_create("secmsg_key_in",
					 struct_size((struct secmsg_key *)NULL,
						     replay, 1), 0,
					 SLAB_HWCACHE_ALIGN, NULL);
	if (key_cache[0] && key_cache[1] && !secmsg_keyslot_init())
		return 0;
	kmem_cache_destroy(key_cache[0]);
	kmem_cache_destroy(key_cache[1]);
	return -ENOMEM;
}

void secmsg_key_exit(void)
{
	secmsg_keyslot_exit();
	kmem_cache_destroy(key_cache[0]);
	kmem_cache_destroy(key_cache[1]);
}

static void key_free(struct secmsg_key *k)
{
	bool in = k->inbound;

	if (k->desc->shared)
		secmsg_keyslot_forget(k, k->alg);
	else
		secmsg_aead_free(k->tfm);
	memzero_explicit(k, in ? struct_size(k, replay, 1) : sizeof(*k));
	kmem_cache_free(key_cache[in], k);
}

struct secmsg_key *secmsg_key_new(u32 alg, u32 epoch, enum secmsg_dir dir,
				  bool inbound,
				  const u8 secret[SECMSG_KEY_LEN])
{
	struct secmsg_key *k;
	int err;

	k = kmem_cache_zalloc(key_cache[inbound], GFP_KERNEL);
	if (!k)
		return ERR_PTR(-ENOMEM);
	k->inbound = inbound;
	if (k->inbound)
		secmsg_replay_init(k->replay);
	refcount_set(&k->ref, 1);
	k->alg = alg;
	k->desc = secmsg_alg(alg);
	k->epoch = epoch;
	atomic64_set(&k->next_seq, 0);

	err = secmsg_hkdf_label(secret, labels[dir][0], k->key,
				 sizeof(k->key)) ?:
	      secmsg_hkdf_label(secret, labels[dir][1], k->salt,
				 sizeof(k->salt));
	if (err) {
		key_free(k);
		return ERR_PTR(err);
	}
	return k;
}

int secmsg_key_ratchet(enum secmsg_dir dir, u8 secret[SECMSG_KEY_LEN])
{
	u8 next[SECMSG_KEY_LEN];
	int err;

	err = secmsg_hkdf_label(secret, labels[dir][2], next, sizeof(next));
	if (!err)
		memcpy(secret, next, sizeof(next));
	memzero_explicit(next, sizeof(next));
	return err;
}

/* A key of an algorithm that is not shared: its own, made on first use. */
static struct crypto_aead *own_tfm(struct secmsg_key *k)
{
	/* pairs with the cmpxchg() below: a transform seen is keyed */
	struct crypto_aead *tfm = smp_load_acquire(&k->tfm), *old;

	if (likely(tfm))
		return tfm;
	tfm = secmsg_aead_new(k->alg, k->key);
	if (IS_ERR(tfm))
		return tfm;
	old = cmpxchg(&k->tfm, NULL, tfm);
	if (old) {
		/* lost a race: the winner's transform is the same key */
		secmsg_aead_free(tfm);
		return old;
	}
	/*
	 * Only the transform holds the key now.  A racing maker that reads
	 * the erased key loses the cmpxchg above and discards its result.
	 */
	memzero_explicit(k->key, sizeof(k->key));
	return tfm;
}

int secmsg_key_hold(struct secmsg_key *k, struct secmsg_keyed *kd)
{
	kd->slot = NULL;
	if (k->desc->shared)
		kd->tfm = secmsg_keyslot_lock(k, k->alg, k->key, &kd->slot);
	else
		kd->tfm = own_tfm(k);
	return PTR_ERR_OR_ZERO(kd->tfm);
}

void secmsg_key_release(struct secmsg_keyed *kd)
{
	if (kd->slot)
		secmsg_keyslot_unlock(kd->slot);
	kd->slot = NULL;
	kd->tfm = NULL;
}

int secmsg_key_prepare(struct secmsg_key *k, struct secmsg_req *r)
{
	struct crypto_aead *tfm;

	if (k->desc->shared)
		return secmsg_keyslot_prepare(k, k->alg, r);
	tfm = own_tfm(k);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	return r ? secmsg_req_prepare(r, tfm) : 0;
}

static void key_free_work(struct work_struct *w)
{
	key_free(container_of(to_rcu_work(w), struct secmsg_key, free_work));
}

void secmsg_key_put(struct secmsg_key *k)
{
	if (!k || !refcount_dec_and_test(&k->ref))
		return;
	/* RCU readers may still be looking at it; the tfm free may sleep. */
	INIT_RCU_WORK(&k->free_work, key_free_work);
	queue_rcu_work(secmsg_wq, &k->free_work);
}

void secmsg_key_nonce(const struct secmsg_key *k, u64 seq, u8 *nonce)
{
	__be64 s = cpu_to_be64(seq);

	memcpy(nonce, k->salt, SECMSG_AEAD_NONCE_LEN);
	crypto_xor(nonce + 4, (u8 *)&s, sizeof(s));
}
