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
 *                   is shipped.
 *   cluster/route_nats.c   a node of a cluster, over NATS.
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
 * The cluster's implementation, daemon/cluster/route_nats.c (issue 12,
 * docs/cluster.md), adds behind these ops the directory of who is
 * logged in where (the peers' heartbeats), a kernel link session per
 * peer node (dests() names it), batches of re-sealed copies over NATS
 * (ship(), then up->done() when the peer's result arrives or the copy
 * times out), and presence changes from peers (up->presence()).  The
 * other way round, a message a peer shipped here comes up through
 * up->inbound(): the router re-seals it from the link session into the
 * recipient's logins here, through the same relay path, and reports its
 * one outcome to ops->result().  A login over the limit, when the
 * older logins here are not enough, asks the nodes holding the others
 * to close some (ops->replace(), and on the other node up->replace());
 * the users registry revokes logins through up->revoke().
 */
#ifndef SECMSGD_ROUTE_H
#define SECMSGD_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/secmsg.h>

struct delivery;
struct route;

/* Where a copy of a message for another node goes. */
struct route_dest {
	uint32_t node;		/* the route's name for the node, not 0 */
	/* kernel session to re-seal into (the link); 0 while the node has
	 * no usable link: that copy fails with node_unreachable */
	uint64_t session;
};

/* A message another node shipped here: who to tell its outcome. */
struct route_origin {
	uint32_t node;		/* the route's name for the sending node */
	uint64_t boot, ref;	/* its process, and its reference */
};

/* What a route may call in the router (set by router_init()). */
struct route_up {
	/* The outcome of a shipped copy: code NULL: written there. */
	void (*done)(struct delivery *d, const char *code, const char *msg);
	/* user came online on (or left) every other node. */
	void (*presence)(const char *user, bool online);
	/*
	 * A message from user `from` on another node for user `to` here,
	 * sealed (len bytes, copied) under the kernel session link: re-seal
	 * it into to's logins here; ops->result(o) follows exactly once.
	 */
	void (*inbound)(const struct route_origin *o, uint64_t link,
			const char *from, const char *to,
			const uint8_t *sealed, size_t len);
	/* Another node asks: close the n oldest logins of user here. */
	void (*replace)(const char *user, unsigned int n);
	/* Close every login of user here (the registry revoked it). */
	void (*revoke)(const char *user);
};

struct route_ops {
	/* user has n logins here now (0: it left); n changed. */
	void (*announce)(struct route *rt, const char *user, unsigned int n);
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
	/* The outcome of an inbound message (code NULL: delivered). */
	void (*result)(struct route *rt, const struct route_origin *o,
		       const char *code);
	/* Over the login limit: other nodes should close n logins of user. */
	void (*replace)(struct route *rt, const char *user, unsigned int n);
	/* user was registered here on first use, with key pub. */
	void (*user_added)(struct route *rt, const char *user,
			   const uint8_t pub[SECMSG_X25519_LEN]);
	/* The end of a loop iteration (after the kernel's): send. */
	void (*flush)(struct route *rt);
	/* Text for /metrics (malloc'ed), or NULL. */
	char *(*metrics)(struct route *rt);
	/*
	 * Free; copies still waiting get up->done() first (router_exit()
	 * calls it while the deliveries still exist).
	 */
	void (*destroy)(struct route *rt);
};

struct route {
	const struct route_ops *ops;
	const struct route_up *up;
};

/* This node alone. */
struct route *route_local_new(void);

#endif
