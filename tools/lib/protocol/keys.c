// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Per-direction key schedule (see <linux/secmsg.h>):
 *
 *   key(e)   = HKDF-Expand(S(e), "secmsg v1 " d " key",     32)
 *   salt(e)  = HKDF-Expand(S(e), "secmsg v1 " d " nonce",   12)
 *   S(e + 1) = HKDF-Expand(S(e), "secmsg v1 " d " ratchet", 32)
 *
 * A secmsg_dir_keys with a dir other than SECMSG_DIR_C2S/S2C is kept all
 * zero and refused by secmsg_msg_seal/open (-EINVAL).
 */
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "keys.h"

static const char *dir_name(enum secmsg_dir dir)
{
	switch (dir) {
	case SECMSG_DIR_C2S:
		return "c2s";
	case SECMSG_DIR_S2C:
		return "s2c";
	}
	return NULL;
}

bool secmsg_dir_valid(const struct secmsg_dir_keys *k)
{
	return k && dir_name(k->dir);
}

/* HKDF-Expand(S, "secmsg v1 <dir> <what>", len) */
static void expand_label(const struct secmsg_dir_keys *k, const char *what,
			 uint8_t *out, size_t len)
{
	char label[48];
	int n;

	n = snprintf(label, sizeof(label), "secmsg v1 %s %s",
		     dir_name(k->dir), what);
	/* labels are fixed and short: n is always in range */
	if (n < 0 || (size_t)n >= sizeof(label)) {
		explicit_bzero(out, len);
		return;
	}
	(void)secmsg_hkdf_expand(k->secret, (const uint8_t *)label,
				 (size_t)n, out, len);
}

static void derive(struct secmsg_dir_keys *k)
{
	expand_label(k, "key", k->key, sizeof(k->key));
	expand_label(k, "nonce", k->salt, sizeof(k->salt));
}

void secmsg_dir_init(struct secmsg_dir_keys *k, enum secmsg_dir dir,
		     const uint8_t secret[32])
{
	if (!k)
		return;
	explicit_bzero(k, sizeof(*k));
	k->dir = dir;
	if (!dir_name(dir))
		return;
	if (!secret) {
		k->dir = SECMSG_DIR_INVALID;
		return;
	}
	memcpy(k->secret, secret, sizeof(k->secret));
	derive(k);
}

void secmsg_dir_ratchet(struct secmsg_dir_keys *k)
{
	uint8_t next[sizeof(k->secret)];

	if (!secmsg_dir_valid(k))
		return;
	expand_label(k, "ratchet", next, sizeof(next));
	memcpy(k->secret, next, sizeof(next));
	explicit_bzero(next, sizeof(next));
	k->epoch++;
	derive(k);
}

void secmsg_dir_wipe(struct secmsg_dir_keys *k)
{
	if (k)
		explicit_bzero(k, sizeof(*k));
}
