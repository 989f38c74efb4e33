// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Logins and the users online (see logins.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "clock.h"
#include "logins.h"
#include "table.h"

struct router_env RE;

static struct {
	struct table by_cid;		/* cid -> every login */
	struct table users;		/* name -> struct user (ready here) */
	uint64_t nready;
} L;

struct login *logins_new(void *conn, uint64_t cid, const char *peer)
{
	struct login *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->conn = conn;
	l->cid = cid;
	l->state = LS_HELLO;
	snprintf(l->peer, sizeof(l->peer), "%s", peer);
	bucket_init(&l->bucket, RE.cfg->rate, RE.cfg->burst, now_ns());
	if (table_put(&L.by_cid, cid, l)) {
		free(l);
		return NULL;
	}
	return l;
}

void logins_free(struct login *l)
{
	table_del(&L.by_cid, l->cid);
	explicit_bzero(l, sizeof(*l));
	free(l);
}

void logins_exit(void)
{
	struct tent *e;
	size_t i;

	for (e = table_first(&L.users, &i); e; e = table_next(&L.users, e, &i))
		free(e->val);
	table_free(&L.users);
	table_free(&L.by_cid);
}

struct login *login_by_cid(uint64_t cid)
{
	return table_get(&L.by_cid, cid);
}

/*
 * For each login: fn(l, arg).  fn may close logins (they stay in the
 * table until router_detach()), not free them.
 */
static void each(void (*fn)(struct login *l, void *arg), void *arg)
{
	struct tent *e;
	size_t i;

	for (e = table_first(&L.by_cid, &i); e; e = table_next(&L.by_cid, e, &i))
		fn(e->val, arg);
}

struct user *user_find(const char *name)
{
	return table_get_str(&L.users, name);
}

/* ---- presence ---- */

struct presence {
	const char *user;
	bool online;
};

static void tell(struct login *l, void *arg)
{
	const struct presence *p = arg;

	if (l->state == LS_READY && strcmp(l->name, p->user))
		login_send(l, proto_presence(p->user, p->online));
}

static void presence(const char *user, bool online)
{
	struct presence p = { user, online };

	if (RE.cfg->presence && !RE.stopping)
		each(tell, &p);
}

void logins_remote_presence(const char *user, bool online)
{
	/* while it has logins here, it stays online, and was already */
	if (!user_find(user))
		presence(user, online);
}

void user_announce(const char *user, bool online)
{
	struct user *u = online ? user_find(user) : NULL;

	RE.rt->ops->announce(RE.rt, user, u ? u->n : 0);
	if (!RE.rt->ops->logins(RE.rt, user))
		presence(user, online);
}

/* ---- online users ---- */

static struct user *user_get(const char *name, bool *created)
{
	struct user *u = user_find(name);

	*created = false;
	if (u)
		return u;
	u = calloc(1, sizeof(*u));
	if (!u)
		return NULL;
	snprintf(u->name, sizeof(u->name), "%s", name);
	bucket_init(&u->bucket, RE.cfg->user_rate, RE.cfg->user_burst,
		    now_ns());
	if (table_put_str(&L.users, u->name, u)) {
		free(u);
		return NULL;
	}
	*created = true;
	return u;
}

int login_online(struct login *l, bool *first)
{
	struct user *u = user_get(l->name, first);

	if (!u)
		return -ENOMEM;
	l->user = u;
	l->unext = u->logins;
	u->logins = l;
	u->n++;
	L.nready++;
	l->state = LS_READY;
	/* the first login is announced by the caller, after its ready */
	if (!*first)
		RE.rt->ops->announce(RE.rt, u->name, u->n);
	return 0;
}

void login_offline(struct login *l)
{
	struct user *u = l->user;
	struct login **p;

	if (!u)
		return;
	for (p = &u->logins; *p; p = &(*p)->unext) {
		if (*p == l) {
			*p = l->unext;
			break;
		}
	}
	l->unext = NULL;
	l->user = NULL;
	u->n--;
	L.nready--;
	if (!u->n) {
		table_del_str(&L.users, u->name);
		user_announce(l->name, false);
		free(u);
	} else {
		RE.rt->ops->announce(RE.rt, u->name, u->n);
	}
}

void logins_replace(const char *user, unsigned int n)
{
	struct user *u = user_find(user);
	struct login *old;
	struct alog a;

	while (u && n-- && (old = user_oldest(u)) && old->state == LS_READY) {
		alog_begin(&a, "login_replaced");
		alog_u64(&a, "conn", old->cid);
		alog_str(&a, "user", old->name);
		alog_str(&a, "by", "another node");
		alog_end(&a);
		/* leaves u at once: u may be freed with its last login */
		login_close(old, 1000, "replaced", "replaced");
		u = user_find(user);
	}
}

struct login *user_oldest(struct user *u)
{
	struct login *l = u->logins;

	while (l && l->unext)
		l = l->unext;
	return l;
}

unsigned int user_logins(const char *name)
{
	struct user *u = user_find(name);

	return (u ? u->n : 0) + RE.rt->ops->logins(RE.rt, name);
}

struct names {
	const char **v;
	size_t n, cap;
	const char *except;
	bool oom;
};

static void add_name(void *arg, const char *name)
{
	struct names *s = arg;

	if (s->oom || (s->except && !strcmp(name, s->except)))
		return;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		const char **v = realloc(s->v, cap * sizeof(*v));

		if (!v) {
			s->oom = true;
			return;
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = name;
}

/* A user of another node: listed unless it is online here too. */
static void add_remote_name(void *arg, const char *name)
{
	if (!user_find(name))
		add_name(arg, name);
}

const char **users_online(const char *except, size_t *n)
{
	struct names s = { .except = except, .cap = L.users.n + 1 };
	struct tent *e;
	size_t i;

	*n = 0;
	s.v = malloc(s.cap * sizeof(*s.v));
	if (!s.v)
		return NULL;
	for (e = table_first(&L.users, &i); e; e = table_next(&L.users, e, &i))
		add_name(&s, e->str);
	RE.rt->ops->users(RE.rt, add_remote_name, &s);
	if (s.oom) {
		free(s.v);
		return NULL;
	}
	*n = s.n;
	return s.v;
}

/* ---- rate limits ---- */

bool login_take_token(struct login *l)
{
	return bucket_take2(&l->bucket, l->user ? &l->user->bucket : NULL,
			    now_ns());
}

static void reconfigure(struct login *l, void *arg)
{
	uint64_t now = *(const uint64_t *)arg;

	bucket_reconfigure(&l->bucket, RE.cfg->rate, RE.cfg->burst, now);
	if (l->user && l->user->logins == l)
		bucket_reconfigure(&l->user->bucket, RE.cfg->user_rate,
				   RE.cfg->user_burst, now);
}

void logins_reconfigure(void)
{
	uint64_t now = now_ns();

	each(reconfigure, &now);
}

static void revoke(struct login *l, void *arg)
{
	if ((l->state == LS_READY || l->state == LS_CONFIRM) &&
	    !strcmp(l->name, arg))
		login_close(l, 1008, "revoked", "revoked");
}

void logins_revoke(const char *user)
{
	each(revoke, (void *)user);
}

static void gauge(struct login *l, void *arg)
{
	struct metrics_gauges *g = arg;

	if (l->session && l->alg > 0 && l->alg <= SECMSG_ALG_MAX)
		g->sessions[l->alg]++;
}

void logins_gauges(struct metrics_gauges *g)
{
	g->ready = L.nready;
	g->users_online = L.users.n;
	each(gauge, g);
}

/* ---- the transport ---- */

void login_send(struct login *l, char *text)
{
	RE.up->send(l->conn, text);
}

void login_delivery(struct login *l, uint64_t id, const char *code,
		    const char *msg)
{
	RE.up->delivery(l->conn, id, code, msg);
}

void login_error(struct login *l, const char *code, const char *msg,
		 bool has_id, uint64_t id)
{
	RE.up->error(l->conn, code, msg, has_id, id);
}

void login_close(struct login *l, int code, const char *bye, const char *why)
{
	RE.up->close(l->conn, code, bye, why);
}
