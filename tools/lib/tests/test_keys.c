// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Per-direction key schedule: labels, determinism, separation of the
 * directions, the ratchet and wiping.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "protocol/crypto.h"
#include "secmsg/wire.h"
#include "tap.h"

static uint8_t secret[32];

/* HKDF-Expand for one block, written out: T(1) = HMAC(PRK, info || 1) */
static void expand1(const uint8_t prk[32], const char *label, uint8_t *out,
		    size_t len)
{
	static const uint8_t one = 1;
	struct secmsg_buf v[2] = {
		{ (const uint8_t *)label, strlen(label) },
		{ &one, 1 },
	};
	uint8_t t[32];

	secmsg_hmac_sha256(prk, 32, v, 2, t);
	memcpy(out, t, len);
}

static bool contains(const void *hay, size_t n, const void *needle,
		     size_t m)
{
	return memmem(hay, n, needle, m) != NULL;
}

static void labels(void)
{
	static const char *const names[] = { "c2s", "s2c" };
	struct secmsg_dir_keys k;
	uint8_t want[32], next[32];
	char label[64];
	int d;

	for (d = 0; d < 2; d++) {
		secmsg_dir_init(&k, d ? SECMSG_DIR_S2C : SECMSG_DIR_C2S,
				secret);
		snprintf(label, sizeof(label), "secmsg v1 %s key", names[d]);
		expand1(secret, label, want, 32);
		ok(k.epoch == 0 && !memcmp(k.secret, secret, 32),
		   "%s: epoch 0 holds S(0)", names[d]);
		is_mem(k.key, want, 32, "%s: key(0) = HKDF-Expand(S, \"%s\")",
		       names[d], label);
		snprintf(label, sizeof(label), "secmsg v1 %s nonce", names[d]);
		expand1(secret, label, want, 12);
		is_mem(k.salt, want, 12,
		       "%s: salt(0) = HKDF-Expand(S, \"%s\", 12)", names[d],
		       label);
		snprintf(label, sizeof(label), "secmsg v1 %s ratchet",
			 names[d]);
		expand1(secret, label, next, 32);
		secmsg_dir_ratchet(&k);
		ok(k.epoch == 1 && !memcmp(k.secret, next, 32),
		   "%s: S(1) = HKDF-Expand(S(0), \"%s\")", names[d], label);
		secmsg_dir_wipe(&k);
	}
}

static void separation(void)
{
	struct secmsg_dir_keys c, s, c2;

	secmsg_dir_init(&c, SECMSG_DIR_C2S, secret);
	secmsg_dir_init(&s, SECMSG_DIR_S2C, secret);
	secmsg_dir_init(&c2, SECMSG_DIR_C2S, secret);
	ok(!memcmp(&c, &c2, sizeof(c)), "same secret, same direction: "
	   "same schedule");
	ok(memcmp(c.key, s.key, 32) && memcmp(c.salt, s.salt, 12),
	   "c2s and s2c keys and salts differ for the same secret");
	ok(memcmp(c.key, secret, 32) && memcmp(c.key, c.salt, 12),
	   "key differs from the secret and the salt");
	secmsg_dir_ratchet(&c);
	secmsg_dir_ratchet(&s);
	ok(memcmp(c.secret, s.secret, 32) && memcmp(c.key, s.key, 32),
	   "directions stay separate after a ratchet");
	secmsg_dir_wipe(&c);
	secmsg_dir_wipe(&s);
	secmsg_dir_wipe(&c2);
}

static void ratchet(void)
{
	struct secmsg_dir_keys k, old, fresh;
	int i, bad = 0;

	secmsg_dir_init(&k, SECMSG_DIR_S2C, secret);
	old = k;
	secmsg_dir_ratchet(&k);
	ok(memcmp(k.key, old.key, 32) && memcmp(k.salt, old.salt, 12) &&
	   memcmp(k.secret, old.secret, 32), "ratchet changes key, salt and "
	   "secret");
	ok(!contains(&k, sizeof(k), old.secret, 32) &&
	   !contains(&k, sizeof(k), old.key, 32) &&
	   !contains(&k, sizeof(k), old.salt, 12),
	   "ratchet leaves nothing of epoch 0 in the struct");
	secmsg_dir_init(&fresh, SECMSG_DIR_S2C, k.secret);
	ok(!memcmp(fresh.key, k.key, 32) && !memcmp(fresh.salt, k.salt, 12),
	   "epoch 1 keys derive from S(1) like epoch 0 from S(0)");
	for (i = 2; i <= 100; i++) {
		secmsg_dir_ratchet(&k);
		if (k.epoch != (uint32_t)i)
			bad++;
	}
	ok(!bad, "100 ratchets count epochs");
	secmsg_dir_wipe(&k);
	{
		static const struct secmsg_dir_keys zero;

		ok(!memcmp(&k, &zero, sizeof(k)), "secmsg_dir_wipe zeroes all");
	}
	secmsg_dir_wipe(&old);
	secmsg_dir_wipe(&fresh);
}

static void invalid(void)
{
	static const uint8_t zero[32];
	struct secmsg_dir_keys k;
	uint8_t out[64];

	secmsg_dir_init(&k, (enum secmsg_dir)7, secret);
	ok(!memcmp(k.key, zero, 32) && !memcmp(k.secret, zero, 32),
	   "unknown direction: no keys derived");
	ok(secmsg_msg_seal(&k, SECMSG_ALG_AES_256_GCM, 1, 0, out, 1, out) ==
	   -EINVAL, "... and refused by secmsg_msg_seal");
	secmsg_dir_ratchet(&k);
	ok(k.epoch == 0 && !memcmp(k.key, zero, 32), "... and not ratcheted");
	secmsg_dir_init(&k, SECMSG_DIR_C2S, NULL);
	ok(secmsg_msg_seal(&k, SECMSG_ALG_AES_256_GCM, 1, 0, out, 1, out) ==
	   -EINVAL, "NULL secret: refused by secmsg_msg_seal");
	secmsg_dir_init(NULL, SECMSG_DIR_C2S, secret);
	secmsg_dir_ratchet(NULL);
	secmsg_dir_wipe(NULL);
	ok(true, "NULL keys are ignored");
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof(secret); i++)
		secret[i] = (uint8_t)(0xa0 + i);
	labels();
	separation();
	ratchet();
	invalid();
	return done();
}
