/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Kernel adapter, top: the daemon's kernel sessions.
 *
 * Layer: kernel adapter.  Owns the table of the sessions this daemon
 * made (session id -> owner, the router's opaque login): handshakes
 * create them (with the session policy of the configuration), deletions
 * and rotations are queued in order with the messages (kbatch_call()),
 * and kernel events and resyncs are matched against it.  Calls kbatch.c
 * and kernel.c only.
 *
 * Who may call it: the router (handshake, confirm, rotate, delete),
 * main.c (init, and the events fd it has the transport poll; on
 * readable, ksession_events()).  What happens to a session goes back up
 * only through the struct ksession_up given to ksession_init() (main.c
 * wires the router's), with the owner given at the handshake.
 *
 * Events: ROTATED -> up->epoch(); EXPIRED and DELETED -> the session is
 * forgotten, then up->gone().  Events about sessions that are not ours,
 * or that we deleted ourselves, are ignored.  When the events socket
 * overran (ENOBUFS), the kernel's sessions are dumped: each of ours it
 * still has gets up->epoch(), each it no longer has up->gone().
 */
#ifndef SECMSGD_KSESSION_H
#define SECMSGD_KSESSION_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "kernel.h"

struct ksession_up {
	/* The session of owner is at epoch (alg); cause "kernel"/"request". */
	void (*epoch)(void *owner, uint32_t epoch, int alg, const char *cause);
	/* A rotation queued with ksession_rotate() was refused. */
	void (*rotate_failed)(void *owner, int err);
	/*
	 * The kernel ended the session of owner (it is forgotten already:
	 * no ksession_del()).  event: SECMSG_EVENT_EXPIRED or _DELETED, or 0
	 * when a resync found it missing; reason: enum secmsg_del_reason.
	 */
	void (*gone)(void *owner, int event, int reason);
};

/* cfg stays the caller's: the policy of each handshake is read from it. */
void ksession_init(const struct config *cfg, const struct ksession_up *up);
void ksession_exit(void);

/*
 * Handshake message 1 -> a pending session of owner (*sid) and message 2
 * (msg2: room *msg2_len, the length on return).  -errno of the kernel
 * (-ENOENT unknown user, -EBADMSG, -EALREADY, -EINVAL, -EBUSY, ...), or
 * -ENOMEM when it could not be recorded (then it is deleted).
 */
int ksession_handshake(void *owner, const uint8_t *msg1, size_t len,
		       uint64_t *sid, uint8_t *msg2, size_t *msg2_len);
/*
 * Message 3 for the pending session sid.  On -EBADMSG and -ENOENT the
 * kernel has deleted it: it is forgotten (no ksession_del()).
 */
int ksession_confirm(uint64_t sid, const uint8_t *msg3, size_t len,
		     struct secmsg_session_info *out);
/*
 * Forget sid now (no more upcalls for it) and delete it in the kernel
 * after everything queued before.
 */
void ksession_del(uint64_t sid);
/*
 * Rotate sid (alg 0: the same algorithm) after everything queued
 * before: up->epoch(owner, ..., "request") or up->rotate_failed().
 * 0 or -ENOMEM.
 */
int ksession_rotate(uint64_t sid, int alg);

/* The events socket's fd, to poll. */
int ksession_events_fd(void);
/* The events socket is readable: handle what is queued (bounded). */
void ksession_events(void *unused);

#endif
