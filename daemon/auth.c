// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Handshake, registration and the login limit (see auth.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/be.h"
#include "secmsg/handshake.h"

#include "audit.h"
#include "auth.h"
#include "kernel.h"
#include "ksession.h"

static void log_failure(struct login *l, const char *code, int rc)
{
	struct alog a;

	RE.m->handshakes_failed++;
	alog_begin(&a, "auth_failure");
	a.warn = true;
	alog_u64(&a, "conn", l->cid);
	alog_str(&a, "peer", l->peer);
	if (l->name[0])
		alog_str(&a, "user", l->name);
	alog_str(&a, "code", code);
	if (rc) {
		alog_str(&a, "error", strerror(-rc));
		if (*kern_errmsg())
			alog_str(&a, "kernel", kern_errmsg());
	}
	alog_end(&a);
}

/* A failed handshake: error, then close (1008, or 1011 for internal). */
static void hs_fail(struct login *l, const char *code, const char *msg,
		    int rc)
{
	log_failure(l, code, rc);
	login_error(l, code, msg, false, 0);
	login_close(l, strcmp(code, "internal") ? 1008 : 1011, NULL,
		    "auth_failure");
}

void auth_timeout(struct login *l)
{
	if (l->state == LS_READY || l->state == LS_GONE)
		return;
	log_failure(l, "handshake_timeout", 0);
	login_close(l, 1008, "handshake_timeout", "handshake_timeout");
}

/* Register on first use: 0, or the kernel's refusal of the new user. */
static int register_user(struct login *l, struct frame *f)
{
	struct alog a;
	int rc = kern_user_exists(f->user);

	if (rc != -ENOENT)
		return 0;	/* known (or unknowable): the handshake decides */
	rc = kern_user_add(f->user, f->pubkey);
	if (rc == -EEXIST)
		return 0;	/* registered meanwhile: the handshake decides */
	alog_begin(&a, "user_registered");
	alog_u64(&a, "conn", l->cid);
	alog_str(&a, "peer", l->peer);
	alog_str(&a, "user", f->user);
	if (rc) {
		a.warn = true;
		alog_str(&a, "error", strerror(-rc));
	} else {
		RE.m->registrations++;
		/* in a cluster: every node learns it */
		RE.rt->ops->user_added(RE.rt, f->user, f->pubkey);
	}
	alog_end(&a);
	return rc;
}

void auth_hello(struct login *l, struct frame *f)
{
	struct secmsg_hs_init_info info;
	uint8_t msg2[SECMSG_HS_RESPONSE_LEN];
	size_t msg2_len = sizeof(msg2);
	uint64_t sid;
	int rc;

	if (!f->user_valid) {
		if (RE.cfg->register_users && f->has_pubkey)
			hs_fail(l, "registration_refused", "a user id is 1 to "
				"64 of A-Z a-z 0-9 . _ @ -, not starting with "
				". or -", 0);
		else
			hs_fail(l, "unknown_user", "no such user", 0);
		return;
	}
	snprintf(l->name, sizeof(l->name), "%s", f->user);
	if (secmsg_hs_parse_init(f->hs, f->hs_len, &info)) {
		hs_fail(l, "handshake_failed", "handshake message 1 is malformed",
			0);
		return;
	}
	if (strcmp(info.user_id, f->user) || info.alg != f->alg) {
		hs_fail(l, "handshake_failed",
			"user and alg must match handshake message 1", 0);
		return;
	}
	if (RE.cfg->register_users && f->has_pubkey &&
	    (rc = register_user(l, f))) {
		hs_fail(l, "registration_refused", rc == -EINVAL ?
			"the public key is not a valid X25519 public key" :
			"the server cannot register users now", rc);
		return;
	}
	rc = ksession_handshake(l, f->hs, f->hs_len, &sid, msg2, &msg2_len);
	switch (rc) {
	case 0:
		break;
	case -ENOENT:
		hs_fail(l, "unknown_user", "no such user", rc);
		return;
	case -EBADMSG:
		hs_fail(l, "auth_failed", "authentication failed", rc);
		return;
	case -EALREADY:
		hs_fail(l, "replayed", "handshake message 1 was replayed", rc);
		return;
	case -EINVAL:
		hs_fail(l, "handshake_failed", "handshake message 1 rejected",
			rc);
		return;
	case -ENOMEM:
		hs_fail(l, "internal", "out of memory", rc);
		return;
	default:
		hs_fail(l, "internal", rc == -EBUSY ?
			"too many handshakes in progress, try again later" :
			"the server cannot answer handshakes now", rc);
		return;
	}
	l->session = sid;
	l->alg = f->alg;
	l->state = LS_CONFIRM;
	login_send(l, proto_welcome(sid, msg2, msg2_len));
	explicit_bzero(msg2, sizeof(msg2));
}

/*
 * Over the login limit: the oldest logins here make room, then other
 * nodes are asked to close what is still too many there.  (Logins
 * elsewhere are counted from the last heartbeats: docs/cluster.md.)
 */
static void replace_oldest(struct login *l)
{
	unsigned int n;
	struct login *old;
	struct alog a;

	while ((n = user_logins(l->name)) > RE.cfg->max_user_connections &&
	       (old = user_oldest(l->user)) != l) {
		alog_begin(&a, "login_replaced");
		alog_u64(&a, "conn", old->cid);
		alog_str(&a, "user", old->name);
		alog_u64(&a, "by_conn", l->cid);
		alog_end(&a);
		login_close(old, 1000, "replaced", "replaced");
	}
	if (n > RE.cfg->max_user_connections)
		RE.rt->ops->replace(RE.rt, l->name,
				    n - RE.cfg->max_user_connections);
}

void auth_confirm(struct login *l, struct frame *f)
{
	struct secmsg_session_info info;
	uint64_t sid_in_msg;
	const char **online;
	struct alog a;
	bool first;
	size_t n;
	int rc;

	if (f->hs_len != SECMSG_HS_CONFIRM_LEN) {
		hs_fail(l, "handshake_failed", "handshake message 3 is malformed",
			0);
		return;
	}
	sid_in_msg = get_be64(f->hs + 4);
	if (sid_in_msg != l->session) {
		hs_fail(l, "handshake_failed",
			"handshake message 3 names another session", 0);
		return;
	}
	rc = ksession_confirm(l->session, f->hs, f->hs_len, &info);
	if (rc) {
		if (rc == -EBADMSG || rc == -ENOENT)
			l->session = 0;	/* the kernel deleted it */
		if (rc == -EBADMSG)
			hs_fail(l, "auth_failed", "key confirmation failed", rc);
		else
			hs_fail(l, "handshake_failed",
				rc == -ENOENT ? "the pending session expired" :
				"handshake message 3 rejected", rc);
		return;
	}
	if (user_logins(l->name) >= RE.cfg->max_user_connections &&
	    RE.cfg->on_conflict == CONFLICT_REFUSE) {
		log_failure(l, "already_online", 0);
		login_close(l, 1008, "already_online", "already_online");
		return;
	}
	if (login_online(l, &first)) {
		hs_fail(l, "internal", "out of memory", -ENOMEM);
		return;
	}
	l->epoch = info.epoch;
	l->alg = info.alg ? info.alg : l->alg;
	RE.m->handshakes_ok++;

	alog_begin(&a, "auth_success");
	alog_u64(&a, "conn", l->cid);
	alog_str(&a, "peer", l->peer);
	alog_str(&a, "user", l->name);
	alog_end(&a);
	alog_begin(&a, "session_created");
	alog_u64(&a, "conn", l->cid);
	alog_str(&a, "user", l->name);
	alog_session(&a, l->session);
	alog_str(&a, "alg", secmsg_alg_name(l->alg));
	alog_u64(&a, "epoch", l->epoch);
	alog_end(&a);

	replace_oldest(l);
	online = users_online(l->name, &n);
	login_send(l, online ? proto_ready(l->session, l->name, l->alg,
					   l->epoch, online, n) : NULL);
	free(online);
	if (first)
		user_announce(l->name, true);
}
