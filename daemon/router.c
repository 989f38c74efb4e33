// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The router's interface: frames, kernel upcalls, revoke (see router.h). */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "ksession.h"
#include "logins.h"
#include "relay.h"
#include "router.h"

/* ---- the route's upcalls ---- */

static void remote_done(struct delivery *d, const char *code,
			const char *msg)
{
	delivery_done(d, !code, code, msg);
}

static const struct route_up route_up = {
	.done = remote_done,
	.presence = logins_remote_presence,
	.inbound = relay_inbound,
	.replace = logins_replace,
	.revoke = logins_revoke,
};

int router_init(const struct config *cfg, struct metrics *m,
		const struct router_up *up, struct route *rt)
{
	RE.cfg = cfg;
	RE.m = m;
	RE.up = up;
	RE.rt = rt;
	RE.stopping = false;
	rt->up = &route_up;
	return 0;
}

void router_exit(void)
{
	/* the route first: its copies still waiting report to deliveries */
	if (RE.rt)
		RE.rt->ops->destroy(RE.rt);
	RE.rt = NULL;
	logins_exit();
}

void router_flush(void)
{
	RE.rt->ops->flush(RE.rt);
}

char *router_metrics(void)
{
	return RE.rt->ops->metrics(RE.rt);
}

void router_reconfigure(void)
{
	logins_reconfigure();
}

void router_stopping(void)
{
	RE.stopping = true;
}

/* ---- the transport's calls ---- */

struct login *router_attach(void *conn, uint64_t cid, const char *peer)
{
	return logins_new(conn, cid, peer);
}

void router_logout(struct login *l)
{
	if (l->state == LS_GONE)
		return;
	login_offline(l);
	/* after the messages queued before, which may name it */
	ksession_del(l->session);
	l->session = 0;
	l->state = LS_GONE;
}

void router_detach(struct login *l)
{
	router_logout(l);
	logins_free(l);
}

void router_timeout(struct login *l)
{
	auth_timeout(l);
}

const char *router_user(const struct login *l)
{
	return l->name;
}

void router_delivery_done(struct delivery *d, bool written)
{
	if (written)
		delivery_done(d, true, NULL, NULL);
	else
		delivery_done(d, false, "recipient_offline",
			      "the recipient went offline before the message was written");
}

void router_gauges(struct metrics_gauges *g)
{
	logins_gauges(g);
}

void router_revoke(const char *user)
{
	logins_revoke(user);
}

/* ---- frames ---- */

static void do_rotate(struct login *l, struct frame *f)
{
	if (!login_take_token(l)) {
		login_error(l, "rate_limited", "too many requests", false, 0);
		return;
	}
	/* after the messages received before it */
	if (ksession_rotate(l->session, f->alg))
		login_error(l, "internal", "out of memory", false, 0);
}

static void do_who(struct login *l)
{
	const char **names;
	size_t n;

	/* the answer grows with the users online: a token, like a message */
	if (!login_take_token(l)) {
		login_error(l, "rate_limited", "too many requests", false, 0);
		return;
	}
	names = users_online(NULL, &n);
	login_send(l, names ? proto_online(names, n) : NULL);
	free(names);
}

void router_frame(struct login *l, struct frame *f, uint64_t t0)
{
	bool ready = l->state == LS_READY;

	switch (f->type) {
	case F_HELLO:
		if (l->state == LS_HELLO)
			auth_hello(l, f);
		else if (ready)
			login_error(l, "already_authenticated",
				    "already authenticated", false, 0);
		else
			login_error(l, "not_authenticated",
				    "handshake in progress: send confirm",
				    false, 0);
		break;
	case F_CONFIRM:
		if (l->state == LS_CONFIRM)
			auth_confirm(l, f);
		else if (ready)
			login_error(l, "already_authenticated",
				    "already authenticated", false, 0);
		else
			login_error(l, "not_authenticated", "send hello first",
				    false, 0);
		break;
	case F_MESSAGE:
		if (ready)
			relay_message(l, f, t0);
		else
			login_error(l, "not_authenticated",
				    "authenticate first", f->has_id, f->id);
		break;
	case F_ROTATE:
		if (ready)
			do_rotate(l, f);
		else
			login_error(l, "not_authenticated",
				    "authenticate first", false, 0);
		break;
	case F_WHO:
		if (ready)
			do_who(l);
		else
			login_error(l, "not_authenticated",
				    "authenticate first", false, 0);
		break;
	case F_BYE:
		login_close(l, 1000, NULL, "client_bye");
		break;
	case F_NONE:
		break;
	}
}

void router_frame_error(struct login *l, const struct frame *f,
			const struct proto_err *e)
{
	if (f->type == F_MESSAGE && f->has_id && l->state == LS_READY &&
	    !strcmp(e->code, "internal"))
		delivery_report(l, f->id, e->code, e->msg);
	else
		login_error(l, e->code, e->msg, f->has_id, f->id);
}

/* ---- the kernel adapter's upcalls ---- */

/* Announce a new epoch (when newer than the last one announced). */
static void k_epoch(void *owner, uint32_t epoch, int alg, const char *cause)
{
	struct login *l = owner;
	struct alog a;

	if (l->state != LS_READY || epoch <= l->epoch)
		return;
	l->epoch = epoch;
	if (alg)
		l->alg = alg;
	RE.m->rotations++;
	login_send(l, proto_epoch(l->epoch, l->alg));
	alog_begin(&a, "session_rotated");
	alog_u64(&a, "conn", l->cid);
	alog_str(&a, "user", l->name);
	alog_session(&a, l->session);
	alog_u64(&a, "epoch", l->epoch);
	alog_str(&a, "alg", secmsg_alg_name(l->alg));
	alog_str(&a, "cause", cause);
	alog_end(&a);
}

static void k_rotate_failed(void *owner, int err)
{
	(void)err;
	login_error(owner, "internal", "the kernel refused the rotation",
		    false, 0);
}

static const char *reason_name(int reason)
{
	switch (reason) {
	case SECMSG_REASON_USER: return "deleted";
	case SECMSG_REASON_TIMEOUT: return "timeout";
	case SECMSG_REASON_IDLE: return "idle";
	case SECMSG_REASON_OWNER_GONE: return "owner_gone";
	case SECMSG_REASON_NETNS_EXIT: return "netns_exit";
	case SECMSG_REASON_HANDSHAKE: return "handshake";
	default: return "unknown";
	}
}

/* The kernel deleted the session of owner (event, or resync). */
static void k_gone(void *owner, int event, int reason)
{
	struct login *l = owner;
	bool was_ready = l->state == LS_READY;
	struct alog a;

	alog_begin(&a, "session_expired");
	alog_u64(&a, "conn", l->cid);
	alog_str(&a, "user", l->name);
	alog_session(&a, l->session);
	alog_str(&a, "event", event == SECMSG_EVENT_EXPIRED ? "expired" :
					event ? "deleted" : "missing");
	alog_str(&a, "reason", reason_name(reason));
	alog_end(&a);
	l->session = 0;
	RE.m->expired++;
	if (was_ready) {
		login_close(l, 1000, "session_expired", "session_expired");
	} else if (l->state == LS_CONFIRM) {
		login_error(l, "handshake_failed",
			    "the pending session expired before confirm", false,
			    0);
		login_close(l, 1008, NULL, "handshake_expired");
	}
}

const struct kbatch_up router_kbatch_up = {
	.resealed = relay_resealed,
};

const struct ksession_up router_ksession_up = {
	.epoch = k_epoch,
	.rotate_failed = k_rotate_failed,
	.gone = k_gone,
};
