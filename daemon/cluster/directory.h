/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The directory: which peer node holds how many logins of which user,
 * from the peers' presence heartbeats, and which peers are alive.
 * Pure (no I/O, time given by the caller); host-tested.
 *
 * Owner: the cluster route (route_nats.c), on the daemon's thread.  The
 * peers are fixed at init (the `peers` file, this node left out) and
 * numbered 1..n in that order (route_dest.node).  A peer is up from its
 * first heartbeat until it misses them for the timeout, says it is
 * leaving, or restarts (a new boot id: it is gone and up again at once,
 * with fresh links).
 *
 * Each heartbeat is a full snapshot of the peer's users: it replaces
 * what the directory had for that peer, so a lost heartbeat costs
 * nothing but a second.  Snapshots older than the last applied (a lower
 * seq with the same boot id) are ignored.
 *
 * Presence across the other nodes: whenever the total of a user's
 * logins over every up peer goes from 0 to more, or back to 0, the
 * directory calls the presence function given to dir_init() (online
 * true or false): the router then tells local clients, unless the user
 * has logins here.
 */
#ifndef SECMSGD_CLUSTER_DIRECTORY_H
#define SECMSGD_CLUSTER_DIRECTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../table.h"
#include "wire.h"

struct dir_peer {
	char name[CW_NODE_MAX + 1];
	uint32_t id;			/* 1..n */
	bool up;
	uint64_t boot, seq;		/* of the last snapshot applied */
	uint64_t last_ns;		/* when it arrived */
	struct table users;		/* name -> struct dir_user */
	unsigned int logins;		/* sum of the counts */
	unsigned int ups;		/* times it came up (metrics) */
};

struct dir_user {
	unsigned int n;
	char name[];
};

typedef void (*dir_presence_fn)(void *arg, const char *user, bool online);

struct dir {
	struct dir_peer *peers;
	size_t n;
	dir_presence_fn presence;
	void *arg;
};

/* A snapshot being read: dir_snap_add() for each user, then apply. */
struct dir_snap {
	struct table users;
	unsigned int logins;
	bool oom;
};

int dir_init(struct dir *d, const char *const *names, size_t n,
	     dir_presence_fn presence, void *arg);
void dir_exit(struct dir *d);

struct dir_peer *dir_peer(struct dir *d, const char *name);
struct dir_peer *dir_peer_id(struct dir *d, uint32_t id);

void dir_snap_init(struct dir_snap *s);
/* 0, -EEXIST (listed twice), -ENOMEM */
int dir_snap_add(struct dir_snap *s, const char *user, unsigned int n);
void dir_snap_free(struct dir_snap *s);

enum dir_apply {
	DIR_APPLIED,		/* the peer was up, and still is */
	DIR_CAME_UP,		/* it was down (or restarted): links anew */
	DIR_RESTARTED,		/* a new boot id: it was up, links anew */
	DIR_STALE,		/* older than the last: ignored */
};

/*
 * Apply a heartbeat of p (boot, seq) received at now_ns: s replaces p's
 * users (s is emptied).  Presence changes are reported.
 */
enum dir_apply dir_apply(struct dir *d, struct dir_peer *p, uint64_t boot,
			 uint64_t seq, struct dir_snap *s, uint64_t now_ns);
/* p is gone (missed heartbeats, leaving): its users go. */
void dir_gone(struct dir *d, struct dir_peer *p);
/*
 * Every up peer silent for more than timeout_ns at now_ns is gone:
 * gone(arg, p) after dir_gone().  Returns how many.
 */
unsigned int dir_expire(struct dir *d, uint64_t now_ns, uint64_t timeout_ns,
			void (*gone)(void *arg, struct dir_peer *p),
			void *arg);

/* Logins of user on p, from its last snapshot. */
unsigned int dir_peer_logins(const struct dir_peer *p, const char *user);
/* Logins of user over the up peers. */
unsigned int dir_logins(const struct dir *d, const char *user);
/* The up peers holding logins of user: at most max into out. */
unsigned int dir_nodes(const struct dir *d, const char *user,
		       struct dir_peer **out, unsigned int max);
/* fn(arg, user) once for each user online on an up peer. */
void dir_users(const struct dir *d, void (*fn)(void *arg, const char *user),
	       void *arg);

#endif
