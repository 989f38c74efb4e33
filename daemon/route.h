/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The router's seam between "a login on this node" and "a login on
 * another node".
 *
 * Layer: router.  The router (logins.c) owns this node's logins; for
 * everything about other nodes it asks a struct route, which main.c
 * creates and gives to router_init():
 *
 *   route_local.c   this node alone (no cluster configured): no other
 *                   node holds a login, nothing is announced, nothing
 *                   is shipped.  The only implementation today.
 *
 * Who may call it: logins.c and relay.c, through rt->ops only.  A route
 * calls back into the router only through the struct route_up it finds
 * in rt->up (set by router_init()), never through router functions; it
 * may call the kernel adapter (below the router) as the router does.
 *
 * The decisions it takes part in, each in one place of the router:
 *
 *   relay.c   A message to user X goes to X's logins here (each a kernel
 *             session) and to one destination per other node that holds
 *             logins of X (ops->dests(): the kernel session of the link
 *             to that node).  Both kinds are copies of one kernel RESEAL
 *             batch op, so the kernel adapter does not know the
 *             difference.  A local copy is written to its connection; a
 *             node's copy is handed to ops->ship() with the message's
 *             delivery held, and its outcome comes back later through
 *             up->done(), however long the other node takes: the sender
 *             still gets exactly one delivery result.
 *   logins.c  Presence: a user is online while any node has a login of
 *             it.  The first and last local login of a user are
 *             announced (ops->announce()); presence frames go to local
 *             clients only when the user's state changes across all
 *             nodes (ops->logins() says whether others have it), and
 *             other nodes report theirs through up->presence().  "who"
 *             and "ready" list local users and ops->users().  The login
 *             limit counts ops->logins() too.
 *
 * What a cluster implementation (route_nats.c, issue 12) adds behind
 * these ops, without a change to the transport: the directory of who is
 * logged in where (a NATS KV bucket with TTLs), a kernel link session per
 * peer node (dests() names it), batches of re-sealed copies over NATS
 * (ship(), then up->done() when the peer's result arrives or the link
 * fails), and presence changes from peers (up->presence()).  The router
 * side it will need in addition: a message arriving from a peer (sealed
 * under the link session) re-sealed into local logins through the same
 * relay path with the result sent back to the peer, and asking the node
 * with the oldest login to close it when the limit replaces a remote
 * login; both are router functions the route would reach through
 * struct route_up.
 */
#ifndef SECMSGD_ROUTE_H
#define SECMSGD_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct delivery;
struct route;

/* Where a copy of a message for another node goes. */
struct route_dest {
	uint32_t node;		/* the route's name for the node, not 0 */
	uint64_t session;	/* kernel session to re-seal into (the link) */
};

/* What a route may call in the router (set by router_init()). */
struct route_up {
	/* The outcome of a shipped copy: code NULL: written there. */
	void (*done)(struct delivery *d, const char *code, const char *msg);
	/* user came online on (or left) every other node. */
	void (*presence)(const char *user, bool online);
};

struct route_ops {
	/* The first local login of user came (online), or the last left. */
	void (*announce)(struct route *rt, const char *user, bool online);
	/* Logins of user on other nodes. */
	unsigned int (*logins)(struct route *rt, const char *user);
	/* fn(arg, name) for each user online on another node. */
	void (*users)(struct route *rt,
		      void (*fn)(void *arg, const char *user), void *arg);
	/* Other nodes holding logins of user: at most max into d. */
	unsigned int (*dests)(struct route *rt, const char *user,
			      struct route_dest *d, unsigned int max);
	/*
	 * A copy re-sealed into d->session, for user `to` there: send it.
	 * 0: sent, and up->done(dl, ...) will follow exactly once;
	 * -errno: not sent (no up->done()).
	 */
	int (*ship)(struct route *rt, const struct route_dest *d,
		    const char *from, const char *to, const uint8_t *sealed,
		    size_t len, struct delivery *dl);
	void (*destroy)(struct route *rt);
};

struct route {
	const struct route_ops *ops;
	const struct route_up *up;
};

/* This node alone. */
struct route *route_local_new(void);

#endif
