/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The router: who is logged in where, and what becomes of every frame a
 * client sends.
 *
 * Layer: router, between the transport above (server.c, conn.c: sockets,
 * frames, output queues) and the kernel adapter below (ksession.c,
 * kbatch.c, kernel.c).  Its files:
 *
 *   router.c       this interface: frames by login state, rotate, who,
 *                  the kernel's upcalls (epochs, sessions gone), revoke
 *   logins.c/.h    the one owner of logins and of the users online:
 *                  the per-user login limit, presence, rate-limit buckets
 *   auth.c/.h      hello and confirm through the kernel's handshake,
 *                  registration on first use, the handshake timeout
 *   relay.c/.h     messages: recipients, kernel re-seals, and the one
 *                  owner of deliveries (struct delivery) and their results
 *   route.h,       the seam "login on this node" / "login on another
 *   route_local.c  node", and its single-node implementation (see route.h)
 *
 * It owns no socket and no kernel handle.  Calls go one way: the
 * transport and main.c call the functions below; the router calls the
 * kernel adapter.  Upcalls come back through narrow interfaces wired by
 * main.c, never through another layer's functions: the router reaches
 * its connections only through the struct router_up given to
 * router_init() (conn.c's), and the kernel adapter reaches the router
 * only through router_kbatch_up and router_ksession_up.
 *
 * A login is the router's side of one connection, from connect
 * (router_attach()) to its end (router_detach()): hello, confirm, ready,
 * gone.  The transport holds it as an opaque pointer; the router holds
 * the transport's connection as an opaque `conn` it only hands back to
 * struct router_up.  Connections are numbered by the transport (cid,
 * never reused); deliveries name their sender by cid, so a result for a
 * connection that is gone finds nobody.
 *
 * One thread, one event loop: nothing here is locked.
 */
#ifndef SECMSGD_ROUTER_H
#define SECMSGD_ROUTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "kbatch.h"
#include "ksession.h"
#include "metrics.h"
#include "proto.h"
#include "route.h"

struct login;
struct delivery;

/* What the router may call in the transport (conn.c implements it). */
struct router_up {
	/* Queue a frame (takes text; NULL: out of memory, drop conn). */
	void (*send)(void *conn, char *text);
	/*
	 * Queue a relayed message (takes text, len bytes) as one copy of
	 * delivery d: the transport reports it with router_delivery_done()
	 * once written or dropped.  false (text freed): out of memory.
	 */
	bool (*send_msg)(void *conn, char *text, size_t len,
			 struct delivery *d);
	/*
	 * The delivery result of message id (code NULL: delivered; else a
	 * string literal, with msg).  Never lost for lack of memory: the
	 * transport holds it and sends it later.
	 */
	void (*delivery)(void *conn, uint64_t id, const char *code,
			 const char *msg);
	/*
	 * An error frame (code: a string literal), held as a delivery is;
	 * counted by the transport but for "internal": the 10th closes.
	 */
	void (*error)(void *conn, const char *code, const char *msg,
		      bool has_id, uint64_t id);
	/* Close: optional bye, then code; router_logout() follows. */
	void (*close)(void *conn, int code, const char *bye, const char *why);
	/* Bytes queued to conn and not yet written. */
	size_t (*queued)(void *conn);
};

/*
 * cfg and m stay the caller's (main.c reloads cfg in place); rt is
 * taken (destroyed by router_exit()).  0 or -ENOMEM.
 */
int router_init(const struct config *cfg, struct metrics *m,
		const struct router_up *up, struct route *rt);
void router_exit(void);
/* The rate limits changed (reload). */
void router_reconfigure(void);
/* Shutdown began: no more presence frames. */
void router_stopping(void);

/* ---- called by the transport ---- */

/* A new connection; NULL: out of memory. */
struct login *router_attach(void *conn, uint64_t cid, const char *peer);
/* One well-formed frame of l (f->data may be taken); t0: its arrival. */
void router_frame(struct login *l, struct frame *f, uint64_t t0);
/*
 * A frame of l that proto_parse() refused with *e (f: its type and id as
 * far as they were read): an error frame, but a message of a ready login
 * that could not be read for lack of memory gets its delivery result,
 * failed "internal", as any other message does.
 */
void router_frame_error(struct login *l, const struct frame *f,
			const struct proto_err *e);
/*
 * l's connection is closing: l leaves the users online and its session
 * is deleted (after what was queued for it).  Idempotent.
 */
void router_logout(struct login *l);
/* l's connection is gone: l is freed (router_logout() first if needed). */
void router_detach(struct login *l);
/* The handshake timer of l fired (no-op once l is ready or gone). */
void router_timeout(struct login *l);
/* The user name l gave in hello ("" before), for the transport's logs. */
const char *router_user(const struct login *l);
/* A copy queued with router_up.send_msg() was written, or dropped. */
void router_delivery_done(struct delivery *d, bool written);
/* Gauges for /metrics: ready, users_online, sessions. */
void router_gauges(struct metrics_gauges *g);

/* ---- called by main.c ---- */

/* Close every login of user (its key changed, or it was removed). */
void router_revoke(const char *user);
/* After the kernel adapter's flush: the route sends what it collected. */
void router_flush(void);
/* The route's text for /metrics (malloc'ed), or NULL. */
char *router_metrics(void);

/* ---- upcalls of the kernel adapter (main.c passes them down) ---- */

extern const struct kbatch_up router_kbatch_up;
extern const struct ksession_up router_ksession_up;

#endif
