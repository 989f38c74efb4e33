/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The fixed keys of the fuzz targets and their seeds (fuzz/mkseeds): a
 * client "alice" and a server with known static and ephemeral keys, so
 * that a seed's handshake messages and sealed messages are genuine for
 * the target that replays them.  Test keys only.
 */
#ifndef SECMSG_FUZZ_KEYS_H
#define SECMSG_FUZZ_KEYS_H

#include <stdint.h>
#include <string.h>

#include "secmsg/handshake.h"
#include "secmsg/wire.h"

#define FUZZ_USER		"alice"
#define FUZZ_PEER		"bob"
#define FUZZ_SESSION_ID		0x0123456789abcdefULL
#define FUZZ_SESSION_HEX	"0123456789abcdef"
#define FUZZ_PASSPHRASE		"correct horse battery staple"
/* The generic netlink family id of the netlink target's fake kernel. */
#define FUZZ_NL_FAMILY		0x20

/* Private keys: a pattern per key, never a real one. */
static inline void fuzz_key(uint8_t k[32], uint8_t seed)
{
	int i;

	for (i = 0; i < 32; i++)
		k[i] = (uint8_t)(seed + 7 * i);
}

#define FUZZ_CLIENT_PRIV	0x11	/* c */
#define FUZZ_SERVER_PRIV	0x22	/* s */
#define FUZZ_CLIENT_EPH		0x33	/* e_c */
#define FUZZ_SERVER_EPH		0x44	/* e_s */
#define FUZZ_SECRET_C2S		0x55	/* S_c2s(0) of a session made directly */
#define FUZZ_SECRET_S2C		0x66	/* S_s2c(0) */

static const struct secmsg_hs_timestamp fuzz_ts = { 1700000000, 123456789 };

/* Client side of the fixed handshake: message 1 into msg1 (*len). */
static inline int fuzz_hs_init(struct secmsg_hs_state *st, int alg,
			       uint8_t *msg1, size_t *len)
{
	uint8_t c[32], s[32], S[32], e[32];
	int err;

	fuzz_key(c, FUZZ_CLIENT_PRIV);
	fuzz_key(s, FUZZ_SERVER_PRIV);
	fuzz_key(e, FUZZ_CLIENT_EPH);
	secmsg_x25519_pub(s, S);
	err = secmsg_hs_init_ex(st, FUZZ_USER, alg, c, S, e, &fuzz_ts, msg1,
				len);
	explicit_bzero(c, sizeof(c));
	explicit_bzero(s, sizeof(s));
	explicit_bzero(e, sizeof(e));
	return err;
}

/* Server side of the fixed handshake: message 1 -> *out (message 2...). */
static inline int fuzz_hs_respond(const uint8_t *msg1, size_t len,
				  struct secmsg_hs_replay *replay,
				  struct secmsg_hs_pending *out)
{
	uint8_t c[32], C[32], s[32], S[32], e[32];
	int err;

	fuzz_key(c, FUZZ_CLIENT_PRIV);
	fuzz_key(s, FUZZ_SERVER_PRIV);
	fuzz_key(e, FUZZ_SERVER_EPH);
	secmsg_x25519_pub(c, C);
	secmsg_x25519_pub(s, S);
	err = secmsg_hs_respond(s, S, C, replay, FUZZ_SESSION_ID, e, msg1, len,
				out);
	explicit_bzero(c, sizeof(c));
	explicit_bzero(s, sizeof(s));
	explicit_bzero(e, sizeof(e));
	return err;
}

/* One direction's keys of the fixed session at epoch. */
static inline void fuzz_dir(struct secmsg_dir_keys *k, enum secmsg_dir dir,
			    uint32_t epoch)
{
	uint8_t secret[32];

	fuzz_key(secret, dir == SECMSG_DIR_C2S ? FUZZ_SECRET_C2S :
						 FUZZ_SECRET_S2C);
	secmsg_dir_init(k, dir, secret);
	explicit_bzero(secret, sizeof(secret));
	while (k->epoch < epoch)
		secmsg_dir_ratchet(k);
}

#endif
