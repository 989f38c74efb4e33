/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Kernel adapter, bottom: the daemon's two netlink handles on libsecmsg,
 * and every command it sends (the only file that talks netlink).
 *
 * Layer: kernel adapter (kernel.c <- kbatch.c <- ksession.c).  Owns the
 * command and events handles and the kernel's last error message.  Calls
 * nothing above it.  Called by kbatch.c and ksession.c (sessions and
 * batches), by the router (kern_user_exists(), kern_user_add() for
 * registration, kern_errmsg() for the audit log), by users_file.c (the
 * users file) and by main.c (open, identity, close).
 *
 * The command handle is opened once and stays open for the daemon's life:
 * every session is created on it with SECMSG_SESSION_F_OWNED, so the
 * kernel deletes them all when the process dies, however it dies.
 * Commands are blocking request/answer exchanges with the kernel (no
 * waiting on peers), called inline from the event loop.
 *
 * The events handle is subscribed to the "events" group, non-blocking;
 * main.c has the transport poll its fd (ksession.c reads it).
 */
#ifndef SECMSGD_KERNEL_H
#define SECMSGD_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "secmsg/nl.h"
#include "secmsg/nl_identity.h"

int kern_open(void);
void kern_close(void);
/* The kernel's message for the last failed command ("" when none). */
const char *kern_errmsg(void);

/*
 * The server identity: from the key file at path (IDENTITY_SET), or the
 * kernel's current one, or a new one made in the kernel.  pub gets S;
 * *how says which ("file", "kernel", "generated").
 */
int kern_identity_setup(const char *path, uint8_t pub[SECMSG_X25519_LEN],
			const char **how);
/* The public key only: computed from the file, or the kernel's. */
int kern_identity_pubkey(const char *path, uint8_t pub[SECMSG_X25519_LEN]);

/* 0: the user exists, -ENOENT: unknown, other -errno */
int kern_user_exists(const char *user);
int kern_user_add(const char *user, const uint8_t pub[SECMSG_X25519_LEN]);
int kern_user_get(const char *user, struct secmsg_user_info *out);
int kern_user_del(const char *user);

int kern_handshake(const uint8_t *msg1, size_t len,
		   const struct secmsg_policy *pol, uint64_t *sid,
		   uint8_t *msg2, size_t *msg2_len);
int kern_confirm(uint64_t sid, const uint8_t *msg3, size_t len,
		 struct secmsg_session_info *out);
int kern_session_del(uint64_t sid);
/* alg 0: plain rotation (SESSION_ROTATE), else SESSION_SET with alg */
int kern_rotate(uint64_t sid, int alg, struct secmsg_session_info *out);
/*
 * One SECMSG_CMD_MSG_BATCH: kbatch.c, which builds the ops, only.
 * res[i].data are views into the command handle's receive buffer
 * (secmsg_msg_batch_view): read them before the next kern_ call, never
 * free them.
 */
int kern_batch(const struct secmsg_batch_op *ops, size_t n,
	       struct secmsg_msg_result *res);
typedef int (*kern_session_fn)(const struct secmsg_session_info *s,
			       void *arg);
int kern_sessions(kern_session_fn fn, void *arg);

/*
 * The cluster (CLUSTER-DESIGN.md): the node identity (the identity
 * commands' `node` slot), the node registry (the user commands' `node`
 * slot), and link sessions between nodes, made owned by this socket.
 * Without the kernel's cluster support in libsecmsg they fail with
 * -EOPNOTSUPP (and a kern_errmsg() saying so).
 */
/* The node identity, with the node's name (message 1 of its links). */
int kern_node_identity_set(const char *node,
			   const uint8_t priv[SECMSG_X25519_LEN],
			   uint8_t pub[SECMSG_X25519_LEN]);
int kern_node_add(const char *node, const uint8_t pub[SECMSG_X25519_LEN]);
int kern_node_del(const char *node);
int kern_nodes(int (*fn)(const struct secmsg_user_info *u, void *arg),
	       void *arg);
/* LINK_INIT: a pending initiator session to node, message 1. */
int kern_link_init(const char *node, int alg, const struct secmsg_policy *pol,
		   uint64_t *sid, uint8_t *msg1, size_t *len);
/* LINK_FINISH: message 2 -> message 3, the session active. */
int kern_link_finish(uint64_t sid, const uint8_t *msg2, size_t len,
		     uint8_t *msg3, size_t *len3);
/* HANDSHAKE with F_LINK: a peer node's message 1 -> message 2. */
int kern_link_respond(const uint8_t *msg1, size_t len,
		      const struct secmsg_policy *pol, uint64_t *sid,
		      uint8_t *msg2, size_t *len2);
/* HANDSHAKE_CONFIRM of a link: out->user_id is the peer node. */
int kern_link_confirm(uint64_t sid, const uint8_t *msg3, size_t len,
		      struct secmsg_session_info *out);

/* The events socket's fd, and the next event (-EAGAIN: none). */
int kern_events_fd(void);
int kern_event(struct secmsg_event_info *ev);

#endif
