/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Logins and the users online: the router's one record of who is
 * connected, logged in, and where.
 *
 * Layer: router (internal header: router.c, auth.c and relay.c only).
 * Owns every login (struct login, one per connection, by connection
 * number) and every user with a ready login (struct user, by name, its
 * logins newest first); the count of ready logins; presence; the
 * per-user login limit's bookkeeping; the rate-limit buckets (per login,
 * per user).  Also holds the router's environment (struct router_env:
 * configuration, counters, the transport's upcalls, the route), set once
 * by router_init().  Calls the route (route.h) for other nodes, and the
 * transport only through RE.up.
 */
#ifndef SECMSGD_LOGINS_H
#define SECMSGD_LOGINS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "metrics.h"
#include "ratelimit.h"
#include "route.h"
#include "router.h"

enum login_state {
	LS_HELLO,	/* waiting for hello */
	LS_CONFIRM,	/* welcome sent, pending session, waiting for confirm */
	LS_READY,	/* authenticated: a user online */
	LS_GONE,	/* logged out: the connection is closing */
};

/* A user with at least one ready login here. */
struct user {
	char name[SECMSG_USER_ID_MAX + 1];
	struct login *logins;		/* ready logins, newest first */
	unsigned int n;
	struct bucket bucket;		/* user_rate / user_burst */
};

struct login {
	struct login *unext;		/* user's ready logins */
	struct user *user;		/* when ready */
	void *conn;			/* the transport's, for RE.up only */
	uint64_t cid;
	enum login_state state;
	char peer[64];
	char name[SECMSG_USER_ID_MAX + 1];	/* from hello */
	int alg;
	uint64_t session;		/* kernel session, 0: none */
	uint32_t epoch;
	struct bucket bucket;		/* rate / burst */
	uint64_t rl_logged;		/* last rate_limited audit line */
};

/* What every file of the router uses; set by router_init(). */
struct router_env {
	const struct config *cfg;
	struct metrics *m;
	const struct router_up *up;
	struct route *rt;
	bool stopping;
};

extern struct router_env RE;

struct login *logins_new(void *conn, uint64_t cid, const char *peer);
/* Free l (not ready any more, session already given back). */
void logins_free(struct login *l);
/* Free every login's table and user (exit). */
void logins_exit(void);
struct login *login_by_cid(uint64_t cid);
/* A user with ready logins here, or NULL. */
struct user *user_find(const char *name);
/* The gauges of the logins here (ready, users_online, sessions). */
void logins_gauges(struct metrics_gauges *g);
/* Close every login of user (bye revoked). */
void logins_revoke(const char *user);

/*
 * l (confirmed) becomes ready: joins its user (created if needed).
 * *first: the user's first login here (then user_announce() it);
 * otherwise the route learns the new count at once.  0 or -ENOMEM.
 */
int login_online(struct login *l, bool *first);
/*
 * l leaves its user (no-op unless ready); the user's last login here
 * is announced offline, another count to the route.
 */
void login_offline(struct login *l);
/*
 * The first (online) or last login of user here came or went: the
 * route is told, and presence frames go to the other users' logins
 * unless another node has user.
 */
void user_announce(const char *user, bool online);
/* The oldest ready login of u. */
struct login *user_oldest(struct user *u);
/* Logins of user here and on other nodes. */
unsigned int user_logins(const char *name);
/*
 * Names of the users online here and on other nodes, except `except`
 * (may be NULL): a malloc'ed array, names valid until the next change.
 */
const char **users_online(const char *except, size_t *n);

/* A token from l's bucket and its user's, or from neither. */
bool login_take_token(struct login *l);
/* New rate limits for every login and user. */
void logins_reconfigure(void);

/* The transport's upcalls for l. */
void login_send(struct login *l, char *text);
void login_delivery(struct login *l, uint64_t id, const char *code,
		    const char *msg);
void login_error(struct login *l, const char *code, const char *msg,
		 bool has_id, uint64_t id);
void login_close(struct login *l, int code, const char *bye,
		 const char *why);

/* The route's upcall: user came online on / left every other node. */
void logins_remote_presence(const char *user, bool online);
/* The route's upcall: close the n oldest logins of user here. */
void logins_replace(const char *user, unsigned int n);

#endif
