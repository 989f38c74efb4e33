/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared transforms for the algorithms whose key setup is cheap
 * (secmsg_alg_desc.shared: chacha20_poly1305): a table of slots per
 * algorithm, each one transform and the key it was last keyed for.  A
 * key always maps to the same slot (a hash of its address); a seal or open locks the slot
 * and keys its transform again only when another key used it last.  So
 * the keys in use at once each keep a slot keyed (no key setup per
 * message), and a million sessions used at random share a few hundred
 * warm transforms instead of each key making one that goes cold.
 *
 * Lifetime: a slot's transform is made on first use (or by a prepare)
 * and lives until the module is unloaded.  A key being freed makes its
 * slot forget it: the slot's transform is keyed with zeros (or, should
 * that ever fail, freed), so no key material outlives its key.  The
 * owner is compared by address only, never followed, and is forgotten
 * before the key's memory is freed, so a new key at the same address is
 * never taken for the old one.
 *
 * Locking: a slot's mutex covers its transform's key and its owner, and
 * is held across the seal or open (which may sleep).  One slot at a time:
 * nothing else is locked while a slot is held.
 */
#ifndef _SECMSG_KEYSLOT_H
#define _SECMSG_KEYSLOT_H

#include "aead.h"

struct secmsg_keyslot;

int secmsg_keyslot_init(void);
/* After every key is freed. */
void secmsg_keyslot_exit(void);

/*
 * The slot of owner (a key, alg a shared algorithm) locked, and its
 * transform keyed with key: what secmsg_keyslot_unlock() releases.  An
 * ERR_PTR (nothing held) when the transform cannot be made or keyed.
 * Sleeps.
 */
struct crypto_aead *secmsg_keyslot_lock(const void *owner, u32 alg,
					const u8 key[SECMSG_KEY_LEN],
					struct secmsg_keyslot **slot);
void secmsg_keyslot_unlock(struct secmsg_keyslot *slot);

/*
 * Make owner's slot's transform now, so that secmsg_keyslot_lock() will
 * not allocate it, and size r (unless NULL) for it.  Sleeps.
 */
int secmsg_keyslot_prepare(const void *owner, u32 alg, struct secmsg_req *r);

/* owner is being freed: its slot, if it still holds its key, wipes it. */
void secmsg_keyslot_forget(const void *owner, u32 alg);

#endif
