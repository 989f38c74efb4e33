/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * libsecmsg netlink: session establishment commands of secmsg.ko (the
 * namespace's identities and registries, the handshake, links between
 * nodes) and the stateless X25519 / HKDF known-answer operations of
 * SECMSG_CMD_CRYPT.  Same
 * conventions as secmsg/nl.h: 0 or a negative errno (the kernel's), and
 * secmsg_nl_errmsg() for the kernel's extack message.
 *
 * Buffers that held keys or secrets (requests, replies) are wiped.  The
 * library passes values through as given and leaves checks to the kernel
 * (so that tests see the kernel's answer); it refuses only NULL pointers
 * and what cannot be encoded.
 */
#ifndef SECMSG_NL_IDENTITY_H
#define SECMSG_NL_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/secmsg.h>

#include "secmsg/nl.h"

/* SECMSG_CMD_IDENTITY_SET: load priv; pub_out (may be NULL) gets S. */
int secmsg_identity_set(struct secmsg_nl *nl,
			const uint8_t priv[SECMSG_X25519_LEN],
			uint8_t pub_out[SECMSG_X25519_LEN]);
/* SECMSG_CMD_IDENTITY_GENERATE: a new identity made in the kernel. */
int secmsg_identity_generate(struct secmsg_nl *nl,
			     uint8_t pub_out[SECMSG_X25519_LEN]);
/* SECMSG_CMD_IDENTITY_GET: -ENOKEY when the namespace has none. */
int secmsg_identity_get(struct secmsg_nl *nl,
			uint8_t pub_out[SECMSG_X25519_LEN]);

/*
 * The same for an identity slot (enum secmsg_identity_slot): the server's
 * (SECMSG_IDENTITY_SLOT_SERVER, what the calls above use; name NULL) or
 * this node's (SECMSG_IDENTITY_SLOT_NODE) for the links between nodes.
 * The node identity has a name, the local node name that LINK_INIT's
 * message 1 carries: required with it (a valid user id), refused with the
 * server's.  name_out (may be NULL) gets the node's name ("" for the
 * server slot).
 */
int secmsg_identity_set_slot(struct secmsg_nl *nl, int slot, const char *name,
			     const uint8_t priv[SECMSG_X25519_LEN],
			     uint8_t pub_out[SECMSG_X25519_LEN]);
int secmsg_identity_generate_slot(struct secmsg_nl *nl, int slot,
				  const char *name,
				  uint8_t pub_out[SECMSG_X25519_LEN]);
int secmsg_identity_get_slot(struct secmsg_nl *nl, int slot,
			     char name_out[SECMSG_USER_ID_MAX + 1],
			     uint8_t pub_out[SECMSG_X25519_LEN]);

struct secmsg_user_info {
	char user_id[SECMSG_USER_ID_MAX + 1];
	uint8_t public_key[SECMSG_X25519_LEN];
	uint64_t last_handshake;	/* Unix seconds, 0 when absent */
	bool has_last_handshake;
};

/* SECMSG_CMD_USER_ADD: -EEXIST when the user exists. */
int secmsg_user_add(struct secmsg_nl *nl, const char *user_id,
		    const uint8_t pub[SECMSG_X25519_LEN]);
int secmsg_user_del(struct secmsg_nl *nl, const char *user_id);
int secmsg_user_get(struct secmsg_nl *nl, const char *user_id,
		    struct secmsg_user_info *out);
/* Stream every user to cb; a nonzero return from cb stops and is returned. */
typedef int (*secmsg_user_cb)(const struct secmsg_user_info *u, void *arg);
int secmsg_user_dump(struct secmsg_nl *nl, secmsg_user_cb cb, void *arg);

/*
 * The same for the registry of an identity slot: the users (server slot,
 * what the calls above use) or the peer nodes (node slot), pinned by
 * node name; a node's last_handshake is its last message 1 taken.
 */
int secmsg_user_add_slot(struct secmsg_nl *nl, int slot, const char *user_id,
			 const uint8_t pub[SECMSG_X25519_LEN]);
int secmsg_user_del_slot(struct secmsg_nl *nl, int slot, const char *user_id);
int secmsg_user_get_slot(struct secmsg_nl *nl, int slot, const char *user_id,
			 struct secmsg_user_info *out);
int secmsg_user_dump_slot(struct secmsg_nl *nl, int slot, secmsg_user_cb cb,
			  void *arg);

/*
 * SECMSG_CMD_HANDSHAKE: answer message 1 (msg1, len bytes) and create a
 * pending session with policy (may be NULL) and flags.  msg2: room for
 * *msg2_len bytes on entry (SECMSG_HS_RESPONSE_LEN), the length of
 * message 2 on return; *session_id the pending session's id.
 */
int secmsg_handshake(struct secmsg_nl *nl, const uint8_t *msg1, size_t len,
		     const struct secmsg_policy *policy, uint32_t flags,
		     uint64_t *session_id, uint8_t *msg2, size_t *msg2_len);
/*
 * SECMSG_CMD_HANDSHAKE_CONFIRM: message 3 for session_id.  out (may be
 * NULL) gets the session: from the reply when the kernel sends one,
 * otherwise from a SECMSG_CMD_SESSION_GET right after.
 */
int secmsg_handshake_confirm(struct secmsg_nl *nl, uint64_t session_id,
			     const uint8_t *msg3, size_t len,
			     struct secmsg_session_info *out);

/*
 * Links between nodes: the kernel is the initiator of the handshake with
 * a peer node's kernel (docs/protocol.md section 3; the peer answers with
 * secmsg_handshake() with SECMSG_SESSION_F_LINK and
 * secmsg_handshake_confirm()).
 *
 * SECMSG_CMD_LINK_INIT: message 1 to node (in the node registry), from the
 * node identity, and a pending session flagged SECMSG_SESSION_F_LINK |
 * SECMSG_SESSION_F_INITIATOR with alg, policy (may be NULL) and flags
 * (SECMSG_SESSION_F_OWNED).  msg1: room for *msg1_len bytes on entry
 * (SECMSG_HS_INIT_MAX is enough), the length on return.
 */
int secmsg_link_init(struct secmsg_nl *nl, const char *node, int alg,
		     const struct secmsg_policy *policy, uint32_t flags,
		     uint64_t *session_id, uint8_t *msg1, size_t *msg1_len);
/*
 * SECMSG_CMD_LINK_FINISH: message 2 for the pending session_id; the
 * session is active on success, msg3 (room for *msg3_len bytes,
 * SECMSG_HS_CONFIRM_LEN) gets message 3 for the peer and out (may be NULL)
 * the session.  A handshake finishes once: on failure the kernel has
 * deleted the session, but for -ENOMEM (the same call may come again).
 */
int secmsg_link_finish(struct secmsg_nl *nl, uint64_t session_id,
		       const uint8_t *msg2, size_t len, uint8_t *msg3,
		       size_t *msg3_len, struct secmsg_session_info *out);

/* SECMSG_CRYPT_X25519: shared = X25519(priv, pub) in the kernel. */
int secmsg_crypt_x25519(struct secmsg_nl *nl,
			const uint8_t priv[SECMSG_X25519_LEN],
			const uint8_t pub[SECMSG_X25519_LEN],
			uint8_t shared[SECMSG_X25519_LEN]);
/*
 * SECMSG_CRYPT_HKDF: out_len bytes of HKDF-SHA256 in the kernel.  A NULL
 * salt or info is not sent (salt_len / info_len must then be 0); a
 * non-NULL one is sent even when empty.  ikm may be empty.
 */
int secmsg_crypt_hkdf(struct secmsg_nl *nl, const uint8_t *salt,
		      size_t salt_len, const uint8_t *ikm, size_t ikm_len,
		      const uint8_t *info, size_t info_len, uint8_t *out,
		      size_t out_len);

#endif
