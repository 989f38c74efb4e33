// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Handshake, registration, login limits and presence (see auth.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secmsg/handshake.h"

#include "audit.h"
#include "auth.h"
#include "kernel.h"

static void log_failure(struct conn *c, const char *code, int rc)
{
	struct alog a;

	D.m.handshakes_failed++;
	alog_begin(&a, "auth_failure");
	a.warn = true;
	alog_u64(&a, "conn", c->cid);
	alog_str(&a, "peer", c->peer);
	if (c->user_name[0])
		alog_str(&a, "user", c->user_name);
	alog_str(&a, "code", code);
	if (rc) {
		alog_str(&a, "error", strerror(-rc));
		if (*kern_errmsg())
			alog_str(&a, "kernel", kern_errmsg());
	}
	alog_end(&a);
}

/* A failed handshake: error, then close (1008, or 1011 for internal). */
static void hs_fail(struct conn *c, const char *code, const char *msg,
		    int rc)
{
	log_failure(c, code, rc);
	conn_error(c, code, msg, false, 0);
	conn_close(c, strcmp(code, "internal") ? 1008 : 1011, NULL,
		   "auth_failure");
}

void auth_timeout(struct conn *c)
{
	if (c->state == CS_READY || c->state == CS_CLOSING)
		return;
	log_failure(c, "handshake_timeout", 0);
	conn_close(c, 1008, "handshake_timeout", "handshake_timeout");
}

/* Register on first use: 0, or the kernel's refusal of the new user. */
static int register_user(struct conn *c, struct frame *f)
{
	struct alog a;
	int rc = kern_user_exists(f->user);

	if (rc != -ENOENT)
		return 0;	/* known (or unknowable): the handshake decides */
	rc = kern_user_add(f->user, f->pubkey);
	if (rc == -EEXIST)
		return 0;	/* registered meanwhile: the handshake decides */
	alog_begin(&a, "user_registered");
	alog_u64(&a, "conn", c->cid);
	alog_str(&a, "peer", c->peer);
	alog_str(&a, "user", f->user);
	if (rc) {
		a.warn = true;
		alog_str(&a, "error", strerror(-rc));
	} else {
		D.m.registrations++;
	}
	alog_end(&a);
	return rc;
}

static void policy(struct secmsg_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->has_rotate_interval = p->has_max_messages = p->has_timeout =
		p->has_idle_timeout = p->has_rekey_grace = true;
	p->rotate_interval = D.cfg.rotate_interval;
	p->max_messages = D.cfg.max_messages;
	p->timeout = D.cfg.session_timeout;
	p->idle_timeout = D.cfg.idle_timeout;
	p->rekey_grace = D.cfg.rekey_grace;
}

void auth_hello(struct conn *c, struct frame *f)
{
	struct secmsg_hs_init_info info;
	uint8_t msg2[SECMSG_HS_RESPONSE_LEN];
	size_t msg2_len = sizeof(msg2);
	struct secmsg_policy pol;
	uint64_t sid;
	int rc;

	if (!f->user_valid) {
		if (D.cfg.register_users && f->has_pubkey)
			hs_fail(c, "registration_refused", "a user id is 1 to "
				"64 of A-Z a-z 0-9 . _ @ -, not starting with "
				". or -", 0);
		else
			hs_fail(c, "unknown_user", "no such user", 0);
		return;
	}
	snprintf(c->user_name, sizeof(c->user_name), "%s", f->user);
	if (secmsg_hs_parse_init(f->hs, f->hs_len, &info)) {
		hs_fail(c, "handshake_failed", "handshake message 1 is malformed",
			0);
		return;
	}
	if (strcmp(info.user_id, f->user) || info.alg != f->alg) {
		hs_fail(c, "handshake_failed",
			"user and alg must match handshake message 1", 0);
		return;
	}
	if (D.cfg.register_users && f->has_pubkey &&
	    (rc = register_user(c, f))) {
		hs_fail(c, "registration_refused", rc == -EINVAL ?
			"the public key is not a valid X25519 public key" :
			"the server cannot register users now", rc);
		return;
	}
	policy(&pol);
	rc = kern_handshake(f->hs, f->hs_len, &pol, &sid, msg2, &msg2_len);
	switch (rc) {
	case 0:
		break;
	case -ENOENT:
		hs_fail(c, "unknown_user", "no such user", rc);
		return;
	case -EBADMSG:
		hs_fail(c, "auth_failed", "authentication failed", rc);
		return;
	case -EALREADY:
		hs_fail(c, "replayed", "handshake message 1 was replayed", rc);
		return;
	case -EINVAL:
		hs_fail(c, "handshake_failed", "handshake message 1 rejected",
			rc);
		return;
	default:
		hs_fail(c, "internal", rc == -EBUSY ?
			"too many handshakes in progress, try again later" :
			"the server cannot answer handshakes now", rc);
		return;
	}
	if (table_put(&D.by_session, sid, c)) {
		kern_session_del(sid);
		hs_fail(c, "internal", "out of memory", -ENOMEM);
		return;
	}
	c->session = sid;
	c->alg = f->alg;
	c->state = CS_CONFIRM;
	conn_send(c, proto_welcome(sid, msg2, msg2_len));
	explicit_bzero(msg2, sizeof(msg2));
}

const char **auth_online(const char *except, size_t *n)
{
	const char **v = malloc((D.users.n + 1) * sizeof(*v));
	struct tent *e;
	size_t i;

	*n = 0;
	if (!v)
		return NULL;
	for (e = table_first(&D.users, &i); e; e = table_next(&D.users, e, &i))
		if (!except || strcmp(e->str, except))
			v[(*n)++] = e->str;
	return v;
}

static void presence(const char *user, bool online)
{
	struct conn *c;

	if (!D.cfg.presence || D.stopping)
		return;
	for (c = D.conns; c; c = c->next)
		if (c->state == CS_READY && strcmp(c->user_name, user))
			conn_send(c, proto_presence(user, online));
}

static struct user *user_get(const char *name, bool *created)
{
	struct user *u = table_get_str(&D.users, name);

	*created = false;
	if (u)
		return u;
	u = calloc(1, sizeof(*u));
	if (!u)
		return NULL;
	snprintf(u->name, sizeof(u->name), "%s", name);
	bucket_init(&u->bucket, D.cfg.user_rate, D.cfg.user_burst, now_ns());
	if (table_put_str(&D.users, u->name, u)) {
		free(u);
		return NULL;
	}
	*created = true;
	return u;
}

void auth_offline(struct conn *c)
{
	struct user *u = c->user;
	struct conn **p;

	if (!u)
		return;
	for (p = &u->conns; *p; p = &(*p)->unext) {
		if (*p == c) {
			*p = c->unext;
			break;
		}
	}
	c->unext = NULL;
	c->user = NULL;
	u->nconns--;
	D.nready--;
	if (!u->nconns) {
		table_del_str(&D.users, u->name);
		presence(c->user_name, false);
		free(u);
	}
}

/* The oldest ready connection of u (the list is newest first). */
static struct conn *oldest(struct user *u)
{
	struct conn *c = u->conns;

	while (c && c->unext)
		c = c->unext;
	return c;
}

void auth_confirm(struct conn *c, struct frame *f)
{
	struct secmsg_session_info info;
	uint64_t sid_in_msg = 0;
	const char **online;
	struct user *u;
	struct alog a;
	bool created;
	size_t n, i;
	int rc;

	if (f->hs_len != SECMSG_HS_CONFIRM_LEN) {
		hs_fail(c, "handshake_failed", "handshake message 3 is malformed",
			0);
		return;
	}
	for (i = 4; i < 12; i++)
		sid_in_msg = sid_in_msg << 8 | f->hs[i];
	if (sid_in_msg != c->session) {
		hs_fail(c, "handshake_failed",
			"handshake message 3 names another session", 0);
		return;
	}
	rc = kern_confirm(c->session, f->hs, f->hs_len, &info);
	if (rc) {
		if (rc == -EBADMSG || rc == -ENOENT) {
			/* the kernel deleted the pending session */
			table_del(&D.by_session, c->session);
			c->session = 0;
		}
		if (rc == -EBADMSG)
			hs_fail(c, "auth_failed", "key confirmation failed", rc);
		else
			hs_fail(c, "handshake_failed",
				rc == -ENOENT ? "the pending session expired" :
				"handshake message 3 rejected", rc);
		return;
	}
	lws_sul_cancel(&c->hs_timer);
	u = table_get_str(&D.users, c->user_name);
	if (u && u->nconns >= D.cfg.max_user_connections &&
	    D.cfg.on_conflict == CONFLICT_REFUSE) {
		log_failure(c, "already_online", 0);
		conn_close(c, 1008, "already_online", "already_online");
		return;
	}
	u = user_get(c->user_name, &created);
	if (!u) {
		hs_fail(c, "internal", "out of memory", -ENOMEM);
		return;
	}
	c->user = u;
	c->unext = u->conns;
	u->conns = c;
	u->nconns++;
	D.nready++;
	c->state = CS_READY;
	c->authenticated = true;
	c->epoch = info.epoch;
	c->alg = info.alg ? info.alg : c->alg;
	D.m.handshakes_ok++;

	alog_begin(&a, "auth_success");
	alog_u64(&a, "conn", c->cid);
	alog_str(&a, "peer", c->peer);
	alog_str(&a, "user", c->user_name);
	alog_end(&a);
	alog_begin(&a, "session_created");
	alog_u64(&a, "conn", c->cid);
	alog_str(&a, "user", c->user_name);
	alog_session(&a, c->session);
	alog_str(&a, "alg", secmsg_alg_name(c->alg));
	alog_u64(&a, "epoch", c->epoch);
	alog_end(&a);

	/* over the limit: the oldest logins make room */
	while (u->nconns > D.cfg.max_user_connections) {
		struct conn *old = oldest(u);

		alog_begin(&a, "login_replaced");
		alog_u64(&a, "conn", old->cid);
		alog_str(&a, "user", old->user_name);
		alog_u64(&a, "by_conn", c->cid);
		alog_end(&a);
		conn_close(old, 1000, "replaced", "replaced");
	}
	online = auth_online(c->user_name, &n);
	conn_send(c, online ? proto_ready(c->session, c->user_name, c->alg,
					  c->epoch, online, n) : NULL);
	free(online);
	if (created)
		presence(c->user_name, true);
}

void auth_revoke(const char *user)
{
	struct conn *c;

	for (c = D.conns; c; c = c->next)
		if ((c->state == CS_READY || c->state == CS_CONFIRM) &&
		    !strcmp(c->user_name, user))
			conn_close(c, 1008, "revoked", "revoked");
}
