// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Messages through kernel RESEAL batches, and deliveries (see relay.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "clock.h"
#include "kernel.h"
#include "relay.h"

struct delivery {
	unsigned int refs;		/* copies out, + the relay's hold */
	bool reported;			/* the sender was told */
	bool remote;			/* the sender is on another node: */
	struct route_origin origin;	/* ... its route is told */
	uint64_t sender_cid, msg_id, t0;
	char from[SECMSG_USER_ID_MAX + 1], to[SECMSG_USER_ID_MAX + 1];
	unsigned int n;
	struct {
		struct route_dest rd;	/* rd.node 0: a login here */
		uint64_t cid;		/* that login */
	} dest[KBATCH_MAX_COPIES];
	const char *code;		/* why not, when no copy goes: */
	char *msg;			/* the first reason (malloc'ed) */
};

/*
 * The kernel's reason (enum secmsg_fail) why a copy was not re-sealed ->
 * the sender's failure code, in one table (msg NULL: "the relay failed: "
 * and the errno's text).  A copy re-sealed, no-session or not-active to a
 * login that has left is recipient_offline; otherwise no-session and
 * not-active are the sender's own session, gone.
 */
static const struct {
	const char *code, *msg;
} kb_failure[SECMSG_FAIL_MAX + 1] = {
	[SECMSG_FAIL_NO_SESSION] = { "internal", NULL },
	[SECMSG_FAIL_NOT_ACTIVE] = { "internal", NULL },
	[SECMSG_FAIL_AUTH_FAILED] = { "bad_message", "the kernel refused the sealed message: authentication failed" },
	[SECMSG_FAIL_REPLAYED] = { "bad_message", "the kernel refused the sealed message: replayed" },
	[SECMSG_FAIL_BEHIND_WINDOW] = { "bad_message", "the kernel refused the sealed message: behind the replay window" },
	[SECMSG_FAIL_EPOCH_EXPIRED] = { "bad_message", "the kernel refused the sealed message: expired epoch" },
	[SECMSG_FAIL_EPOCH_ROTATED_AWAY] = { "bad_message", "the kernel refused the sealed message: epoch rotated away" },
	[SECMSG_FAIL_EPOCH_NOT_REACHED] = { "bad_message", "the kernel refused the sealed message: epoch not reached" },
	[SECMSG_FAIL_BAD_HEADER] = { "bad_message", "the kernel refused the sealed message: bad header" },
	[SECMSG_FAIL_BAD_LENGTH] = { "bad_message", "the kernel refused the sealed message: malformed" },
	[SECMSG_FAIL_BAD_PADDING] = { "bad_message", "the kernel refused the sealed message: bad padding" },
	[SECMSG_FAIL_TOO_LARGE] = { "message_too_large", "the message is too large" },
	[SECMSG_FAIL_KEYS_EXHAUSTED] = { "internal", "the relay failed: the session's keys are exhausted" },
	[SECMSG_FAIL_INTERNAL] = { "internal", NULL },
};

/* The first reason a message (or a copy of it) cannot go wins. */
static void why(struct delivery *d, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void why(struct delivery *d, const char *code, const char *fmt, ...)
{
	va_list ap;

	if (d->code)
		return;
	d->code = code;
	va_start(ap, fmt);
	if (vasprintf(&d->msg, fmt, ap) < 0)
		d->msg = NULL;	/* the code alone, then */
	va_end(ap);
}

void delivery_report(struct login *s, uint64_t id, const char *code,
		     const char *msg)
{
	if (code)
		metrics_fail(RE.m, code);
	login_delivery(s, id, code, msg);
}

static void delivery_free(struct delivery *d)
{
	free(d->msg);
	free(d);
}

void delivery_done(struct delivery *d, bool written, const char *code,
		   const char *msg)
{
	struct login *s = d->remote ? NULL : login_by_cid(d->sender_cid);

	if (written && !d->reported) {
		d->reported = true;
		RE.m->relayed++;
		metrics_latency(RE.m, (double)(now_ns() - d->t0) * 1e-9);
		if (d->remote)
			RE.rt->ops->result(RE.rt, &d->origin, NULL);
		else if (s)
			delivery_report(s, d->msg_id, NULL, NULL);
	}
	if (--d->refs)
		return;
	/* the sender's node counts the failure: not here */
	if (!d->reported && d->remote)
		RE.rt->ops->result(RE.rt, &d->origin, code ? code : "internal");
	else if (!d->reported && s)
		delivery_report(s, d->msg_id, code ? code : "internal", msg);
	delivery_free(d);
}

static void log_rate_limited(struct login *l)
{
	uint64_t now = now_ns();
	struct alog a;

	/* one line per connection per second at most */
	if (l->rl_logged && now - l->rl_logged < 1000000000ULL)
		return;
	l->rl_logged = now;
	alog_begin(&a, "rate_limited");
	a.warn = true;
	alog_u64(&a, "conn", l->cid);
	alog_str(&a, "user", l->name);
	alog_end(&a);
}

/* Every login of u here that keeps up (newest first). */
static void add_local(struct delivery *d, const struct user *u)
{
	struct login *r;

	for (r = u ? u->logins : NULL; r && d->n < KBATCH_MAX_COPIES;
	     r = r->unext) {
		if (!r->session || RE.up->queued(r->conn) > RE.cfg->max_queue)
			continue;
		d->dest[d->n].rd = (struct route_dest){ .session = r->session };
		d->dest[d->n].cid = r->cid;
		d->n++;
	}
}

/*
 * Where a message to `to` goes: every login of it here that keeps up,
 * and every other node that has one and a link to it; or why not.
 */
static void add_dests(struct delivery *d, const char *to)
{
	struct route_dest rd[KBATCH_MAX_COPIES];
	struct user *u = user_find(to);
	unsigned int nr, j, unreachable = 0;

	add_local(d, u);
	nr = RE.rt->ops->dests(RE.rt, to, rd, KBATCH_MAX_COPIES - d->n);
	for (j = 0; j < nr; j++) {
		if (!rd[j].session) {
			unreachable++;	/* no link to that node now */
			continue;
		}
		d->dest[d->n].rd = rd[j];
		d->dest[d->n].cid = 0;
		d->n++;
	}
	if (!u && !nr) {
		if (kern_user_exists(to) == -ENOENT)
			why(d, "recipient_unknown", "%s is not a user", to);
		else
			why(d, "recipient_offline", "%s is not online", to);
	} else if (!d->n && unreachable && !u) {
		why(d, "node_unreachable",
		    "%s is on another node, which cannot be reached now", to);
	} else if (!d->n) {
		why(d, "rate_limited",
		    "%s is not reading fast enough: slow down", to);
	}
}

void relay_message(struct login *l, struct frame *f, uint64_t t0)
{
	struct delivery *d = calloc(1, sizeof(*d));
	uint64_t to[KBATCH_MAX_COPIES];
	unsigned int j;

	if (!d) {
		delivery_report(l, f->id, "internal", "out of memory");
		return;
	}
	d->refs = 1;
	d->sender_cid = l->cid;
	d->msg_id = f->id;
	d->t0 = t0;
	snprintf(d->from, sizeof(d->from), "%s", l->name);
	snprintf(d->to, sizeof(d->to), "%s", f->to);
	if (f->too_large) {
		why(d, "message_too_large",
		    "a sealed message is at most %s bytes", "65368");
	} else if (!login_take_token(l)) {
		log_rate_limited(l);
		why(d, "rate_limited", "%s", "too many messages: slow down");
	} else if (!f->to_valid) {
		why(d, "recipient_unknown", "%s", "no such user");
	} else {
		add_dests(d, f->to);
	}
	if (d->code)
		d->n = 0;	/* queued only to keep its place */
	for (j = 0; j < d->n; j++)
		to[j] = d->dest[j].rd.session;
	if (kbatch_reseal(l->session, to, d->n, d->n ? f->data : NULL,
			  d->n ? f->data_len : 0, d)) {
		delivery_report(l, f->id, "internal", "out of memory");
		delivery_free(d);
		return;
	}
	if (d->n) {
		f->data = NULL;
		f->data_len = 0;
	}
}

/* A copy for a login here: to its connection. */
static void write_copy(struct delivery *d, struct login *r,
		       const struct kb_copy *c)
{
	size_t len;
	char *text = proto_message(d->from, c->data, c->len, &len);

	if (text) {
		d->refs++;
		if (RE.up->send_msg(r->conn, text, len, d))
			return;
		d->refs--;
	}
	why(d, "internal", "%s", "out of memory");
}

/* A copy for another node: to the route, which reports it later. */
static void ship_copy(struct delivery *d, const struct route_dest *rd,
		      const struct kb_copy *c)
{
	int rc;

	d->refs++;
	rc = RE.rt->ops->ship(RE.rt, rd, d->from, d->to, c->data, c->len, d);
	if (!rc)
		return;
	d->refs--;
	why(d, "node_unreachable", "the copy for another node could not go: "
	    "%s", strerror(-rc));
}

static void copy_result(struct delivery *d, unsigned int j,
			const struct kb_copy *c)
{
	const struct route_dest *rd = &d->dest[j].rd;
	struct login *r = rd->node ? NULL : login_by_cid(d->dest[j].cid);
	bool left = !rd->node && (!r || r->state != LS_READY);

	if (!c->reason && !left) {
		if (rd->node)
			ship_copy(d, rd, c);
		else
			write_copy(d, r, c);
	} else if (left && (!c->reason || c->reason == SECMSG_FAIL_NO_SESSION ||
			    c->reason == SECMSG_FAIL_NOT_ACTIVE)) {
		why(d, "recipient_offline", "%s", "the recipient went offline");
	} else if ((c->reason == SECMSG_FAIL_NO_SESSION ||
		    c->reason == SECMSG_FAIL_NOT_ACTIVE) &&
		   (rd->node || d->remote)) {
		/* the link to (or from) the other node is gone */
		why(d, "node_unreachable", "%s",
		    "the link with the other node went away");
	} else if (d->remote && c->reason != SECMSG_FAIL_TOO_LARGE &&
		   c->reason != SECMSG_FAIL_INTERNAL) {
		/* checked on its node already: the link refused it */
		why(d, "node_unreachable", "%s",
		    "the link with the sending node refused it");
	} else if (kb_failure[c->reason].msg) {
		why(d, kb_failure[c->reason].code, "%s",
		    kb_failure[c->reason].msg);
	} else {
		why(d, kb_failure[c->reason].code, "the relay failed: %s",
		    strerror(c->err));
	}
}

void relay_resealed(void *msg, const struct kb_copy *copies, unsigned int n)
{
	struct delivery *d = msg;
	unsigned int j;

	for (j = 0; j < n; j++)
		copy_result(d, j, &copies[j]);
	/* the relay's hold: if no copy went out, d says why */
	delivery_done(d, false, d->code, d->msg);
}

void relay_inbound(const struct route_origin *o, uint64_t link,
		   const char *from, const char *to, const uint8_t *sealed,
		   size_t len)
{
	struct delivery *d = calloc(1, sizeof(*d));
	uint64_t dest[KBATCH_MAX_COPIES];
	uint8_t *data = NULL;
	unsigned int j;

	if (!d) {
		RE.rt->ops->result(RE.rt, o, "internal");
		return;
	}
	d->refs = 1;
	d->remote = true;
	d->origin = *o;
	d->t0 = now_ns();
	snprintf(d->from, sizeof(d->from), "%s", from);
	snprintf(d->to, sizeof(d->to), "%s", to);
	/* logins here only: a message never travels on to a third node */
	add_local(d, user_find(to));
	if (!user_find(to))
		why(d, "recipient_offline", "%s is not online here", to);
	else if (!d->n)
		why(d, "rate_limited", "%s is not reading fast enough", to);
	if (d->n && !(data = malloc(len ? len : 1)))
		why(d, "internal", "%s", "out of memory");
	if (d->code)
		d->n = 0;
	else
		memcpy(data, sealed, len);
	for (j = 0; j < d->n; j++)
		dest[j] = d->dest[j].rd.session;
	if (kbatch_reseal(link, dest, d->n, d->n ? data : NULL, len, d)) {
		free(data);
		RE.rt->ops->result(RE.rt, o, "internal");
		delivery_free(d);
		return;
	}
	if (!d->n)
		free(data);
}
