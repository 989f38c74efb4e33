/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The kernel's side of the links between nodes, as the cluster sees it:
 * the node identity and the node registry, and the Noise KK handshake
 * between two kernels (CLUSTER-DESIGN.md, docs/cluster.md).
 *
 * Layer: kernel adapter.  klink_nl.c implements it with libsecmsg
 * (LINK_INIT, LINK_FINISH, HANDSHAKE and HANDSHAKE_CONFIRM with
 * SECMSG_SESSION_F_LINK, the `slot` of the identity and user
 * commands); the host tests implement it with a fake.  Every session is
 * made owned by the daemon's netlink socket, so the kernel deletes them
 * all when the daemon dies.  Calls are blocking request/answer
 * exchanges with the local kernel, never with a peer.
 *
 * All return 0 or a negative errno, and errmsg() has the kernel's
 * words for the last failure.
 */
#ifndef SECMSGD_CLUSTER_KLINK_H
#define SECMSGD_CLUSTER_KLINK_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/* Handshake messages are at most this long (message 1 with a node name). */
#define KLINK_HS_MAX	256

struct klink_ops {
	/*
	 * LINK_INIT: a pending initiator session to the registered node
	 * `node`, and message 1 (msg1: KLINK_HS_MAX bytes of room, *len
	 * the length on return).
	 */
	int (*init)(void *k, const char *node, uint64_t *sid, uint8_t *msg1,
		    size_t *len);
	/*
	 * LINK_FINISH: message 2 for the pending session sid; the session
	 * is active on success, and msg3 (room KLINK_HS_MAX) is message 3.
	 * On failure the kernel has deleted sid.
	 */
	int (*finish)(void *k, uint64_t sid, const uint8_t *msg2, size_t len,
		      uint8_t *msg3, size_t *len3);
	/*
	 * HANDSHAKE with F_LINK: message 1 from a peer node -> a pending
	 * responder session and message 2.
	 */
	int (*respond)(void *k, const uint8_t *msg1, size_t len, uint64_t *sid,
		       uint8_t *msg2, size_t *len2);
	/*
	 * HANDSHAKE_CONFIRM: message 3 for the pending responder session
	 * sid; node gets the peer the kernel authenticated.  On failure the
	 * kernel has deleted sid.
	 */
	int (*confirm)(void *k, uint64_t sid, const uint8_t *msg3, size_t len,
		       char node[SECMSG_USER_ID_MAX + 1]);
	/* Delete sid after the kernel work queued before (kbatch order). */
	void (*del)(void *k, uint64_t sid);
	const char *(*errmsg)(void *k);
};

/* Everything the cluster asks of the kernel (main.c passes daemon/klinks.c's). */
struct cluster_kernel {
	const struct klink_ops *link;
	void *link_ctx;
	/* the users registry: 0 / -ENOENT / -errno, as kern_user_*() */
	int (*user_get)(const char *user, uint8_t pub[SECMSG_X25519_LEN]);
	int (*user_add)(const char *user,
			const uint8_t pub[SECMSG_X25519_LEN]);
	int (*user_del)(const char *user);
	/*
	 * The node identity from key_path (made there, 0600, when the file
	 * does not exist) into the kernel's node slot; pub gets its key.
	 */
	int (*node_identity)(const char *key_path,
			     uint8_t pub[SECMSG_X25519_LEN]);
	/* The node registry := these peers (added, replaced, the rest
	 * deleted). */
	int (*node_registry)(const char *const *names,
			     const uint8_t (*pubs)[SECMSG_X25519_LEN],
			     size_t n);
	/* The kernel's words for the last failure ("" when none). */
	const char *(*errmsg)(void);
};

#endif
