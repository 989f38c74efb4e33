/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * libsecmsg wire: an independent userspace (nettle) implementation of the
 * secmsg message format and key schedule of <linux/secmsg.h>, for the
 * client side and for cross-checking the kernel.
 */
#ifndef SECMSG_WIRE_H
#define SECMSG_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <linux/secmsg.h>

/* HKDF-SHA256 (RFC 5869) */
void secmsg_hkdf_extract(const uint8_t *salt, size_t salt_len,
			 const uint8_t *ikm, size_t ikm_len, uint8_t prk[32]);
/* Return 0, or -EINVAL when out_len > 255 * 32 (RFC 5869 limit). */
int secmsg_hkdf_expand(const uint8_t prk[32], const uint8_t *info,
		       size_t info_len, uint8_t *out, size_t out_len);

/* Twofish enc/mac subkeys of a 32-byte key (see the uapi header). */
void secmsg_twofish_subkeys(const uint8_t key[32], uint8_t enc[32],
			    uint8_t mac[32]);

/*
 * One-shot AEAD exactly as SECMSG_CMD_CRYPT: out = ct || tag.
 * nonce_len: 12 for the AEADs, 16 (IV) for twofish_cbc.
 * Return: bytes written, or -EINVAL / -EBADMSG / -EMSGSIZE.
 * secmsg_crypt_overhead(): the maximum growth of seal.
 */
size_t secmsg_crypt_overhead(int alg);
long secmsg_crypt_seal(int alg, const uint8_t key[32], const uint8_t *nonce,
		       size_t nonce_len, const uint8_t *aad, size_t aad_len,
		       const uint8_t *pt, size_t pt_len, uint8_t *out);
long secmsg_crypt_open(int alg, const uint8_t key[32], const uint8_t *nonce,
		       size_t nonce_len, const uint8_t *aad, size_t aad_len,
		       const uint8_t *ct, size_t ct_len, uint8_t *out);

/* One direction's key schedule at one epoch. */
enum secmsg_dir { SECMSG_DIR_C2S, SECMSG_DIR_S2C };

struct secmsg_dir_keys {
	enum secmsg_dir dir;
	uint32_t epoch;
	uint8_t secret[32];	/* S(epoch) */
	uint8_t key[32];	/* key(epoch) */
	uint8_t salt[12];	/* salt(epoch) */
};

/* Set S(0) and derive key(0), salt(0). */
void secmsg_dir_init(struct secmsg_dir_keys *k, enum secmsg_dir dir,
		     const uint8_t secret[32]);
/* Move to epoch + 1 (erasing S(epoch)). */
void secmsg_dir_ratchet(struct secmsg_dir_keys *k);
void secmsg_dir_wipe(struct secmsg_dir_keys *k);

struct secmsg_hdr {
	uint8_t version;
	uint8_t alg;
	uint32_t epoch;
	uint64_t session_id;
	uint64_t seq;
};
void secmsg_hdr_put(uint8_t out[SECMSG_HDR_LEN], const struct secmsg_hdr *h);
/* Return 0, or -EINVAL when too short, -EPROTO on version/reserved. */
int secmsg_hdr_get(const uint8_t *in, size_t len, struct secmsg_hdr *h);

/*
 * Seal pt as a message of session_id under k, with sequence seq and
 * algorithm alg: out receives header || body (at most
 * pt_len + SECMSG_MAX_OVERHEAD bytes).  Return bytes written or -errno.
 */
long secmsg_msg_seal(const struct secmsg_dir_keys *k, int alg,
		     uint64_t session_id, uint64_t seq, const uint8_t *pt,
		     size_t pt_len, uint8_t *out);
/*
 * Open a message under k (caller picked k by the header's epoch); checks
 * header fields against k and session_id.  Return plaintext length or
 * -EBADMSG / -EPROTO (also seq >= SECMSG_MAX_MESSAGES_LIMIT, as the
 * kernel) / -EINVAL, -EKEYEXPIRED / -EKEYREJECTED (header epoch older /
 * newer than k's), -EMSGSIZE (longer than any message); the order of
 * the checks is the kernel's, see wire.c.
 * hdr (may be NULL) gets the parsed header whenever len covers one.
 * out needs room for len - SECMSG_HDR_LEN bytes.  No replay check: see
 * secmsg_replay.
 */
long secmsg_msg_open(const struct secmsg_dir_keys *k, uint64_t session_id,
		     const uint8_t *msg, size_t len, struct secmsg_hdr *hdr,
		     uint8_t *out);
/* The same, and -EPROTO unless the header's algorithm is alg (0: any). */
long secmsg_msg_open_alg(const struct secmsg_dir_keys *k, int alg,
			 uint64_t session_id, const uint8_t *msg, size_t len,
			 struct secmsg_hdr *hdr, uint8_t *out);

/*
 * A keyed context: one direction's keys at one epoch, scheduled once for
 * one algorithm (AES round keys and GHASH table, Twofish key schedule and
 * HMAC key, ...) and then reused for every message, where
 * secmsg_msg_seal/open schedule the key again for each one.  The same
 * messages, checks and errors as those; open also answers -EPROTO when
 * the header's algorithm is not the context's (as secmsg_msg_open_alg).
 *
 * It holds key(epoch) and salt(epoch) in scheduled form, nothing from
 * which other epochs follow.  secmsg_msg_ctx_new() and _set() (a new
 * epoch or algorithm: the old keys are wiped first) return 0 or -EINVAL
 * (no valid k, unknown alg; a failed _set leaves c unusable, -EINVAL for
 * every message), _new also -ENOMEM.  secmsg_msg_ctx_free() wipes and
 * frees.  Seal and open do not change the context: several threads may
 * use one at once, as long as none sets or frees it meanwhile.
 */
struct secmsg_msg_ctx;
int secmsg_msg_ctx_new(struct secmsg_msg_ctx **out,
		       const struct secmsg_dir_keys *k, int alg);
int secmsg_msg_ctx_set(struct secmsg_msg_ctx *c,
		       const struct secmsg_dir_keys *k, int alg);
void secmsg_msg_ctx_free(struct secmsg_msg_ctx *c);
/*
 * For a holder of a direction's keys that ratchets them: *c keyed for k
 * and alg, made when *c is NULL and keyed again only when its epoch or
 * algorithm is not k's and alg (new secrets at the same epoch need
 * _set).  Return *c, or NULL (then *c refuses every message, or is
 * still NULL) when k or alg is not valid or memory ran out.
 */
const struct secmsg_msg_ctx *secmsg_msg_ctx_for(struct secmsg_msg_ctx **c,
						const struct secmsg_dir_keys *k,
						int alg);
/* The epoch and algorithm the context is keyed for (0 when not keyed). */
uint32_t secmsg_msg_ctx_epoch(const struct secmsg_msg_ctx *c);
int secmsg_msg_ctx_alg(const struct secmsg_msg_ctx *c);
long secmsg_msg_ctx_seal(const struct secmsg_msg_ctx *c, uint64_t session_id,
			 uint64_t seq, const uint8_t *pt, size_t pt_len,
			 uint8_t *out);
long secmsg_msg_ctx_open(const struct secmsg_msg_ctx *c, uint64_t session_id,
			 const uint8_t *msg, size_t len,
			 struct secmsg_hdr *hdr, uint8_t *out);

/* Sliding replay window (SECMSG_REPLAY_WINDOW), same rules as the kernel. */
struct secmsg_replay {
	uint64_t top;		/* highest seq seen + 1, 0 = none */
	uint64_t bits[SECMSG_REPLAY_WINDOW / 64];
};
void secmsg_replay_init(struct secmsg_replay *r);
/*
 * 0: fresh (and now recorded), -EALREADY: duplicate, -ESTALE: too old
 * (seq + SECMSG_REPLAY_WINDOW <= highest accepted), -ERANGE: seq is
 * UINT64_MAX, which is never accepted.  The exact rule is in replay.c.
 */
int secmsg_replay_check(struct secmsg_replay *r, uint64_t seq);
/* The same answer without recording: check before authenticating. */
int secmsg_replay_peek(const struct secmsg_replay *r, uint64_t seq);

#endif
