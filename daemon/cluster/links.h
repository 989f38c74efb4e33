/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Links: the kernel sessions between this node and each peer, and their
 * handshakes over NATS request/reply.
 *
 * Owner: the cluster route (route_nats.c), on the daemon's thread.  Per
 * peer two links, one per direction: "out", which this node initiated
 * (LINK_INIT, LINK_FINISH) and seals into; "in", which the peer
 * initiated (HANDSHAKE, HANDSHAKE_CONFIRM with F_LINK) and this node
 * opens from (a RESEAL from it into local logins).  A node sends to a
 * peer only over its own out link.
 *
 * The handshake of an out link, on subject <prefix>.link.<peer>:
 *
 *   request  MSG1 {message 1}          -> reply MSG2 {session, message 2}
 *   request  MSG3 {session, message 3} -> reply OK, or REFUSED {reason}
 *
 * each with the sender's node name and boot id (wire.h), one request in
 * flight per peer, a timeout per step, and a retry with backoff (1, 2,
 * 4, then every 5 s) while the peer is up.  The kernel authenticates
 * the peer's node key (pinned in its node registry); the responder
 * checks the node the kernel authenticated is the one that asked.
 *
 * Lifetime: an out link is made when the peer comes up (its first
 * heartbeat), again when it restarts (a new boot id) and when the peer
 * reports it does not know it (links_broken()); both links are dropped
 * when the peer is gone.  An in link is replaced by the next handshake
 * from the same peer, and dropped when the peer is gone or restarts
 * with a boot id other than the one that made it.  Dropped sessions
 * are deleted after the kernel work queued before (klink del).
 */
#ifndef SECMSGD_CLUSTER_LINKS_H
#define SECMSGD_CLUSTER_LINKS_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "directory.h"
#include "klink.h"

struct links;

enum link_state {
	LINK_DOWN,	/* none: waiting to try */
	LINK_MSG1,	/* message 1 sent, waiting for message 2 */
	LINK_MSG3,	/* message 3 sent, waiting for OK */
	LINK_UP,
};

struct link_stats {
	enum link_state state;
	uint64_t out_sid, in_sid;
	uint64_t handshakes, failures;	/* out links made, attempts failed */
	uint64_t accepted, refused;	/* in links made, refused */
};

struct links_env {
	struct bus *bus;
	const struct klink_ops *k;
	void *kctx;
	const char *node;		/* this node */
	uint64_t boot;			/* this process */
	const char *prefix;		/* "secmsg.<cluster>" */
	int timeout_ms;			/* per handshake step */
	/* An out link came up (up) or went down; may be NULL. */
	void (*changed)(void *arg, struct dir_peer *p, bool up,
			const char *why);
	void *arg;
};

/* env is copied (its strings must stay); d holds the peers. 0/-errno */
int links_init(struct links **lp, const struct links_env *env,
	       struct dir *d);
/* Drop every link (sessions deleted) and free; after bus_close(). */
void links_exit(struct links *l);
/* Answer handshakes on <prefix>.link.<node>.  0 or -errno. */
int links_listen(struct links *l);

/* Start the handshakes that are due (call every tick). */
void links_tick(struct links *l, uint64_t now_ns);
/* p came up, or restarted with boot (then links to its old process go). */
void links_peer_up(struct links *l, struct dir_peer *p, bool restarted,
		   uint64_t now_ns);
/* p is gone: both links are dropped. */
void links_peer_gone(struct links *l, struct dir_peer *p);
/*
 * p said it does not know the out link sid (a copy sealed into it came
 * back node_unreachable): unless sid was replaced already, make it
 * again.
 */
void links_broken(struct links *l, struct dir_peer *p, uint64_t sid,
		  uint64_t now_ns);

/* The session to seal into for p, 0 when the out link is not up. */
uint64_t links_out(const struct links *l, const struct dir_peer *p);
/* The session to open from for what p's process `boot` sent, or 0. */
uint64_t links_in(const struct links *l, const struct dir_peer *p,
		  uint64_t boot);

void links_stats(const struct links *l, const struct dir_peer *p,
		 struct link_stats *st);
const char *link_state_name(enum link_state s);

#endif
