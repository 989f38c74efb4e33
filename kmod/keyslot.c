// SPDX-License-Identifier: GPL-2.0
/* Shared transforms keyed on use, one slot per hash of a key; see keyslot.h. */
#include <linux/cpumask.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "aead.h"
#include "keyslot.h"

struct secmsg_keyslot {
	struct mutex lock;
	/* made on first use; freed only when wiping it fails (forget) */
	struct crypto_aead *tfm;
	const void *owner;		/* whose key tfm holds; NULL: none */
};

/* by algorithm; only the shared ones have a table */
static struct secmsg_keyslot *slots[SECMSG_ALG_MAX + 1];
static unsigned int slot_bits;

static const u8 zero_key[SECMSG_KEY_LEN];

/*
 * 64 slots a CPU, at least 256 (with 20 keys in use at once, about one
 * pair shares a slot) and at most 4,096 per algorithm.
 */
static unsigned int slot_count(void)
{
	return clamp_t(unsigned int,
		       roundup_pow_of_two(64 * num_possible_cpus()), 256,
		       4096);
}

int secmsg_keyslot_init(void)
{
	unsigned int n = slot_count(), i;
	u32 alg;

	slot_bits = ilog2(n);
	for (alg = SECMSG_ALG_UNSPEC + 1; alg <= SECMSG_ALG_MAX; alg++) {
		if (!secmsg_alg(alg)->shared)
			continue;
		slots[alg] = kvcalloc(n, sizeof(*slots[alg]), GFP_KERNEL);
		if (!slots[alg]) {
			secmsg_keyslot_exit();
			return -ENOMEM;
		}
		for (i = 0; i < n; i++)
			mutex_init(&slots[alg][i].lock);
	}
	return 0;
}

void secmsg_keyslot_exit(void)
{
	unsigned int i;
	u32 alg;

	for (alg = 0; alg <= SECMSG_ALG_MAX; alg++) {
		if (!slots[alg])
			continue;
		/* every key is gone: every slot holds zeros or nothing */
		for (i = 0; i < (1U << slot_bits); i++) {
			WARN_ON_ONCE(slots[alg][i].owner);
			/* frees its keyed context with kfree_sensitive */
			secmsg_aead_free(slots[alg][i].tfm);
			mutex_destroy(&slots[alg][i].lock);
		}
		kvfree(slots[alg]);
		slots[alg] = NULL;
	}
}

static struct secmsg_keyslot *slot_of(const void *owner, u32 alg)
{
	return &slots[alg][hash_ptr(owner, slot_bits)];
}

/* The slot's transform, made if it has none yet; with its lock held. */
static struct crypto_aead *slot_tfm(struct secmsg_keyslot *sl, u32 alg)
{
	struct crypto_aead *tfm;

	lockdep_assert_held(&sl->lock);
	if (likely(sl->tfm))
		return sl->tfm;
	tfm = secmsg_aead_alloc(alg);
	if (!IS_ERR(tfm))
		sl->tfm = tfm;
	return tfm;
}

struct crypto_aead *secmsg_keyslot_lock(const void *owner, u32 alg,
					const u8 key[SECMSG_KEY_LEN],
					struct secmsg_keyslot **slot)
{
	struct secmsg_keyslot *sl = slot_of(owner, alg);
	struct crypto_aead *tfm;
	int err;

	mutex_lock(&sl->lock);
	tfm = slot_tfm(sl, alg);
	if (IS_ERR(tfm))
		goto fail;
	if (sl->owner != owner) {
		/*
		 * Owned by nobody while the key changes: a failed setkey
		 * leaves the transform without a key (-ENOKEY), not with
		 * the previous owner's.
		 */
		sl->owner = NULL;
		err = secmsg_aead_setkey(tfm, alg, key);
		if (err) {
			tfm = ERR_PTR(err);
			goto fail;
		}
		sl->owner = owner;
	}
	*slot = sl;
	return tfm;
fail:
	mutex_unlock(&sl->lock);
	return tfm;
}

void secmsg_keyslot_unlock(struct secmsg_keyslot *slot)
{
	mutex_unlock(&slot->lock);
}

int secmsg_keyslot_prepare(const void *owner, u32 alg, struct secmsg_req *r)
{
	struct secmsg_keyslot *sl = slot_of(owner, alg);
	struct crypto_aead *tfm;
	int err;

	mutex_lock(&sl->lock);
	tfm = slot_tfm(sl, alg);
	err = IS_ERR(tfm) ? PTR_ERR(tfm) : r ? secmsg_req_prepare(r, tfm) : 0;
	mutex_unlock(&sl->lock);
	return err;
}

void secmsg_keyslot_forget(const void *owner, u32 alg)
{
	struct secmsg_keyslot *sl = slot_of(owner, alg);

	mutex_lock(&sl->lock);
	if (sl->owner == owner) {
		sl->owner = NULL;
		/*
		 * Cannot fail with these drivers (nothing allocated); if one
		 * did, the transform goes with the key, wiped as it is freed.
		 */
		if (WARN_ON_ONCE(secmsg_aead_setkey(sl->tfm, alg, zero_key))) {
			secmsg_aead_free(sl->tfm);
			sl->tfm = NULL;
		}
	}
	mutex_unlock(&sl->lock);
}
