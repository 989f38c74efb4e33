/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * libsecmsg handshake: the Noise KK session establishment of
 * docs/protocol.md section 3 (Noise_KK_25519_ChaChaPoly_SHA256 with the
 * secmsg framing), on nettle.
 *
 * Client:  secmsg_hs_init() -> message 1 -> (server) -> message 2 ->
 *          secmsg_hs_finish() -> session id, S_c2s(0), S_s2c(0) and
 *          message 3 -> (server).
 *
 * Server:  secmsg_hs_respond() is a userspace reference implementation
 *          of the server side (the real one is secmsg.ko's
 *          SECMSG_CMD_HANDSHAKE), for host tests and benchmarks: it
 *          proves that both sides derive the same secrets without the
 *          kernel.  secmsg_hs_confirm_check() checks a message 3.
 *
 * Every function returns 0 or a negative errno:
 *   -EINVAL   malformed message or argument, a peer public key that is
 *             non-canonical (bit 255 set, or >= 2^255 - 19), or a DH
 *             result of all zeros (low-order point)
 *   -EPROTO   (client) message 2 of the wrong type or version, nonzero
 *             reserved bytes or a zero session id
 *   -EBADMSG  authentication failed (tag of message 1 or 2, or a wrong
 *             confirmation in message 3)
 *   -EALREADY (server) message 1's timestamp is not newer than the last
 *             one accepted from that user (replay)
 *   -ENOENT   (server) message 3 for another session id
 *   -ENOSPC   output buffer too small
 *
 * All intermediate secrets are wiped (explicit_bzero) before return.
 */
#ifndef SECMSG_HANDSHAKE_H
#define SECMSG_HANDSHAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/secmsg.h>

#define SECMSG_HS_HASH_LEN	32

/* The handshake's timestamp: Unix seconds and nanoseconds (12 bytes BE). */
struct secmsg_hs_timestamp {
	uint64_t sec;
	uint32_t nsec;
};

/* Client state between secmsg_hs_init() and secmsg_hs_finish(). */
struct secmsg_hs_state {
	int stage;			/* internal */
	int alg;
	uint8_t h[SECMSG_HS_HASH_LEN];
	uint8_t ck[SECMSG_HS_HASH_LEN];
	uint8_t e_priv[SECMSG_X25519_LEN];	/* ephemeral e_c */
	uint8_t e_pub[SECMSG_X25519_LEN];	/* E_c */
	uint8_t s_priv[SECMSG_X25519_LEN];	/* static c */
	uint8_t s_pub[SECMSG_X25519_LEN];	/* C */
	uint8_t rs_pub[SECMSG_X25519_LEN];	/* server's S */
};

/* X25519 (RFC 7748) through nettle. */
/* pub = priv * G.  Return 0 or -EINVAL (NULL argument). */
int secmsg_x25519_pub(const uint8_t priv[SECMSG_X25519_LEN],
		      uint8_t pub[SECMSG_X25519_LEN]);
/*
 * shared = priv * pub.  -EINVAL when pub is non-canonical (bit 255 set or
 * value >= 2^255 - 19; shared is then untouched) or the result is all
 * zeros (shared is then wiped).
 */
int secmsg_x25519(const uint8_t priv[SECMSG_X25519_LEN],
		  const uint8_t pub[SECMSG_X25519_LEN],
		  uint8_t shared[SECMSG_X25519_LEN]);
/* true when pub is canonical: bit 255 clear and value below 2^255 - 19. */
bool secmsg_x25519_canonical(const uint8_t pub[SECMSG_X25519_LEN]);
/* A random private key (getrandom) and its public key (pub may be NULL). */
int secmsg_x25519_generate(uint8_t priv[SECMSG_X25519_LEN],
			   uint8_t pub[SECMSG_X25519_LEN]);

/* User ids: 1..SECMSG_USER_ID_MAX of [A-Za-z0-9._@-], no leading . or -. */
bool secmsg_user_id_valid(const char *user_id);

/*
 * Client, message 1.  user_id: the registered user; alg: the session's
 * algorithm; client_priv: c; server_pub: the pinned S.  msg1: room for
 * *msg1_len bytes on entry (SECMSG_HS_INIT_MAX is always enough), the
 * length written on return.  The ephemeral comes from getrandom(2) and
 * the timestamp from CLOCK_REALTIME, made newer than the last one this
 * process made (by a nanosecond when the clock has not moved), as the
 * server refuses a timestamp that is not newer.  On failure st is wiped.
 */
int secmsg_hs_init(struct secmsg_hs_state *st, const char *user_id, int alg,
		   const uint8_t client_priv[SECMSG_X25519_LEN],
		   const uint8_t server_pub[SECMSG_X25519_LEN],
		   uint8_t *msg1, size_t *msg1_len);
/*
 * The same with a given ephemeral private key and timestamp (either may
 * be NULL: random / now).  For known-answer tests and replay tests; a
 * real client never reuses an ephemeral.
 */
int secmsg_hs_init_ex(struct secmsg_hs_state *st, const char *user_id,
		      int alg, const uint8_t client_priv[SECMSG_X25519_LEN],
		      const uint8_t server_pub[SECMSG_X25519_LEN],
		      const uint8_t e_priv[SECMSG_X25519_LEN],
		      const struct secmsg_hs_timestamp *ts,
		      uint8_t *msg1, size_t *msg1_len);
/*
 * Client, message 2 -> session id, the traffic secrets S_c2s(0) and
 * S_s2c(0), and message 3 (SECMSG_HS_CONFIRM_LEN bytes).  st is wiped
 * whatever the outcome: a handshake is finished once, successfully or not.
 * On failure nothing is written to the outputs.
 */
int secmsg_hs_finish(struct secmsg_hs_state *st, const uint8_t *msg2,
		     size_t msg2_len, uint64_t *session_id,
		     uint8_t secret_c2s[SECMSG_KEY_LEN],
		     uint8_t secret_s2c[SECMSG_KEY_LEN],
		     uint8_t msg3[SECMSG_HS_CONFIRM_LEN]);
/* Abandon a handshake: wipe st. */
void secmsg_hs_wipe(struct secmsg_hs_state *st);

/* Public fields of a message 1 (no authentication): for user lookup. */
struct secmsg_hs_init_info {
	uint8_t type, version;
	int alg;
	char user_id[SECMSG_USER_ID_MAX + 1];
};
/* -EINVAL when malformed (length, type, version, alg, user id). */
int secmsg_hs_parse_init(const uint8_t *msg1, size_t len,
			 struct secmsg_hs_init_info *info);

/* Server side: the newest timestamp accepted from one user. */
struct secmsg_hs_replay {
	bool seen;
	struct secmsg_hs_timestamp last;
};

/* What secmsg_hs_respond() produces: a pending session. */
struct secmsg_hs_pending {
	uint64_t session_id;
	int alg;
	char user_id[SECMSG_USER_ID_MAX + 1];
	struct secmsg_hs_timestamp ts;	/* the client's timestamp */
	uint8_t msg2[SECMSG_HS_RESPONSE_LEN];
	uint8_t secret_c2s[SECMSG_KEY_LEN];
	uint8_t secret_s2c[SECMSG_KEY_LEN];
	uint8_t confirm[32];			/* expected in message 3 */
};

/*
 * Reference server: check message 1 against the server's static key pair
 * (s, and S = server_pub, or NULL to derive it from s) and the user's
 * static public key C (the caller looked the user up with
 * secmsg_hs_parse_init()), reject a replay against *replay (may be NULL:
 * no check) and update it on success, then make message 2 for session_id
 * (nonzero) with a fresh ephemeral e_s (e_priv NULL: random) and the
 * session's secrets and expected confirmation into *out.  out is wiped on
 * failure.  Call secmsg_hs_pending_wipe() when done with it.
 */
int secmsg_hs_respond(const uint8_t server_priv[SECMSG_X25519_LEN],
		      const uint8_t server_pub[SECMSG_X25519_LEN],
		      const uint8_t user_pub[SECMSG_X25519_LEN],
		      struct secmsg_hs_replay *replay, uint64_t session_id,
		      const uint8_t e_priv[SECMSG_X25519_LEN],
		      const uint8_t *msg1, size_t msg1_len,
		      struct secmsg_hs_pending *out);
/*
 * Check message 3 against a pending session: -EINVAL (length, type,
 * version, reserved), -ENOENT (another session id), -EBADMSG (wrong
 * confirmation; constant-time compare).
 */
int secmsg_hs_confirm_check(const struct secmsg_hs_pending *p,
			    const uint8_t *msg3, size_t msg3_len);
void secmsg_hs_pending_wipe(struct secmsg_hs_pending *p);

#endif
