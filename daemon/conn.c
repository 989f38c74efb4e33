// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Per-connection state machine and output queue (see conn.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "conn.h"
#include "kernel.h"
#include "relay.h"

/* Frames written per writable callback before yielding to others. */
#define WRITES_PER_CALLBACK	32

struct conn *conn_by_cid(uint64_t cid)
{
	return table_get(&D.by_cid, cid);
}

struct conn *conn_by_session(uint64_t sid)
{
	return sid ? table_get(&D.by_session, sid) : NULL;
}

static void hs_timer_cb(lws_sorted_usec_list_t *sul)
{
	struct conn *c = lws_container_of(sul, struct conn, hs_timer);

	auth_timeout(c);
}

struct conn *conn_new(struct lws *wsi)
{
	struct conn *c = calloc(1, sizeof(*c));
	uint64_t now = now_ns();
	struct alog a;

	if (!c)
		return NULL;
	c->wsi = wsi;
	c->cid = ++D.next_cid;
	c->state = CS_HELLO;
	c->t_connect = now;
	lws_get_peer_simple(wsi, c->peer, sizeof(c->peer));
	bucket_init(&c->bucket, D.cfg.rate, D.cfg.burst, now);
	if (table_put(&D.by_cid, c->cid, c)) {
		free(c);
		return NULL;
	}
	c->next = D.conns;
	if (D.conns)
		D.conns->prev = c;
	D.conns = c;
	D.nconns++;
	D.m.conns_accepted++;

	alog_begin(&a, "connect");
	alog_u64(&a, "conn", c->cid);
	alog_str(&a, "peer", c->peer);
	alog_end(&a);

	if (D.stopping) {
		D.m.conns_refused++;
		conn_close(c, 1001, "shutdown", "shutdown");
	} else if (D.nconns > D.cfg.max_connections) {
		D.m.conns_refused++;
		conn_close(c, 1013, "server_full", "max_connections");
	} else {
		lws_sul_schedule(D.ctx, 0, &c->hs_timer, hs_timer_cb,
				 (lws_usec_t)D.cfg.handshake_timeout *
				 LWS_US_PER_SEC);
	}
	return c;
}

/* ---- output ---- */

static void queue_item(struct conn *c, struct outq *q)
{
	q->next = NULL;
	if (c->qtail)
		c->qtail->next = q;
	else
		c->qhead = q;
	c->qtail = q;
	c->qbytes += q->len;
	if (D.destroying)
		return;
	lws_callback_on_writable(c->wsi);
	/* a client that does not read: give up on it */
	if (c->qbytes > 2 * D.cfg.max_queue && c->state != CS_CLOSING) {
		struct alog a;

		alog_begin(&a, "slow_client");
		a.warn = true;
		alog_u64(&a, "conn", c->cid);
		alog_str(&a, "user", c->user_name);
		alog_u64(&a, "queued_bytes", c->qbytes);
		alog_end(&a);
		c->why = "too_slow";
		c->state = CS_CLOSING;
		if (c->user)
			auth_offline(c);
		lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK,
				LWS_TO_KILL_ASYNC);
	}
}

static struct outq *item_new(const char *text, size_t len)
{
	struct outq *q = malloc(sizeof(*q) + LWS_PRE + len + 1);

	if (!q)
		return NULL;
	memset(q, 0, sizeof(*q));
	q->len = len;
	memcpy(q->buf + LWS_PRE, text, len + 1);
	return q;
}

static void item_free(struct outq *q)
{
	explicit_bzero(q->buf + LWS_PRE, q->len);
	free(q);
}

void conn_send(struct conn *c, char *text)
{
	struct outq *q;

	if (!text && D.destroying)
		return;
	if (!text) {
		/* out of memory: nothing sensible to say */
		lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK,
				LWS_TO_KILL_ASYNC);
		return;
	}
	q = item_new(text, strlen(text));
	proto_free_text(text);
	if (!q && D.destroying)
		return;
	if (!q) {
		lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK,
				LWS_TO_KILL_ASYNC);
		return;
	}
	queue_item(c, q);
}

struct delivery *delivery_new(uint64_t sender_cid, uint64_t msg_id,
			      uint64_t t0)
{
	struct delivery *d = calloc(1, sizeof(*d));

	if (d) {
		d->refs = 1;
		d->sender_cid = sender_cid;
		d->msg_id = msg_id;
		d->t0 = t0;
	}
	return d;
}

void delivery_put(struct delivery *d, bool written, const char *code,
		  const char *msg, const struct conn *closing)
{
	struct conn *s = conn_by_cid(d->sender_cid);

	if (written && !d->reported) {
		d->reported = true;
		D.m.relayed++;
		metrics_latency(&D.m, (double)(now_ns() - d->t0) * 1e-9);
		if (s)
			conn_delivery(s, d->msg_id, NULL, NULL);
	}
	if (--d->refs)
		return;
	if (!d->reported && s && s != closing)
		conn_delivery(s, d->msg_id, code ? code : "internal", msg);
	free(d);
}

bool conn_send_msg(struct conn *c, char *text, size_t len,
		   struct delivery *d)
{
	struct outq *q = item_new(text, len);

	explicit_bzero(text, len);
	free(text);
	if (!q)
		return false;
	q->dl = d;
	d->refs++;
	queue_item(c, q);
	return true;
}

int conn_writable(struct conn *c)
{
	struct outq *q;
	int n = 0, w;

	while (c->qhead && n++ < WRITES_PER_CALLBACK &&
	       !lws_send_pipe_choked(c->wsi)) {
		q = c->qhead;
		w = lws_write(c->wsi, q->buf + LWS_PRE, q->len, LWS_WRITE_TEXT);
		if (w < (int)q->len) {
			c->why = c->why ? c->why : "write_error";
			return -1;	/* conn_closed() fails what is queued */
		}
		c->qhead = q->next;
		if (!c->qhead)
			c->qtail = NULL;
		c->qbytes -= q->len;
		if (q->dl)
			delivery_put(q->dl, true, NULL, NULL, NULL);
		item_free(q);
	}
	if (c->qhead) {
		lws_callback_on_writable(c->wsi);
		return 0;
	}
	if (c->state == CS_CLOSING && c->close_code) {
		lws_close_reason(c->wsi, (enum lws_close_status)c->close_code,
				 NULL, 0);
		return -1;
	}
	return 0;
}

/* ---- closing ---- */

void conn_close(struct conn *c, int code, const char *bye, const char *why)
{
	if (c->state == CS_CLOSING)
		return;
	/* pending ops may name this connection's session */
	relay_flush();
	if (c->user)
		auth_offline(c);
	if (c->session) {
		table_del(&D.by_session, c->session);
		kern_session_del(c->session);
		c->session = 0;
	}
	lws_sul_cancel(&c->hs_timer);
	c->state = CS_CLOSING;
	c->close_code = code;
	c->why = why;
	if (bye)
		conn_send(c, proto_bye(bye));
	lws_callback_on_writable(c->wsi);
	lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, CONN_CLOSE_TIMEOUT);
}

void conn_close_all(int code, const char *bye, const char *why)
{
	struct conn *c;

	for (c = D.conns; c; c = c->next)
		conn_close(c, code, bye, why);
}

void conn_peer_close(struct conn *c, int code)
{
	c->peer_close = code;
	if (!c->why)
		c->why = "client_close";
}

void conn_closed(struct conn *c)
{
	struct outq *q, *next;
	struct alog a;

	relay_flush();
	lws_sul_cancel(&c->hs_timer);
	if (c->user)
		auth_offline(c);
	if (c->session) {
		table_del(&D.by_session, c->session);
		kern_session_del(c->session);
		c->session = 0;
	}
	/* messages re-sealed for this client but never written */
	for (q = c->qhead; q; q = next) {
		next = q->next;
		if (q->dl)
			delivery_put(q->dl, false, "recipient_offline",
				     "the recipient went offline before the message was written",
				     c);
		item_free(q);
	}
	c->qhead = c->qtail = NULL;

	alog_begin(&a, "disconnect");
	alog_u64(&a, "conn", c->cid);
	alog_str(&a, "peer", c->peer);
	if (c->user_name[0])
		alog_str(&a, "user", c->user_name);
	alog_str(&a, "reason", c->why ? c->why : "connection_lost");
	if (c->close_code)
		alog_i64(&a, "close_code", c->close_code);
	if (c->peer_close)
		alog_i64(&a, "peer_close_code", c->peer_close);
	alog_u64(&a, "errors", c->errors);
	alog_u64(&a, "duration_ms", (now_ns() - c->t_connect) / 1000000);
	alog_end(&a);

	table_del(&D.by_cid, c->cid);
	if (c->prev)
		c->prev->next = c->next;
	else
		D.conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	D.nconns--;
	if (c->rx) {
		explicit_bzero(c->rx, c->rx_cap);
		free(c->rx);
	}
	explicit_bzero(c, sizeof(*c));
	free(c);
}

/* ---- errors, deliveries, epochs ---- */

void conn_error(struct conn *c, const char *code, const char *msg,
		bool has_id, uint64_t id)
{
	metrics_error(&D.m, code);
	conn_send(c, proto_error(code, msg, has_id, id));
	if (++c->errors >= CONN_MAX_ERRORS && c->state != CS_CLOSING) {
		struct alog a;

		alog_begin(&a, "too_many_errors");
		a.warn = true;
		alog_u64(&a, "conn", c->cid);
		if (c->user_name[0])
			alog_str(&a, "user", c->user_name);
		alog_str(&a, "last_code", code);
		alog_end(&a);
		conn_close(c, 1008, "too_many_errors", "too_many_errors");
	}
}

void conn_delivery(struct conn *c, uint64_t id, const char *code,
		   const char *msg)
{
	if (code) {
		metrics_fail(&D.m, code);
		conn_send(c, proto_failed(id, code, msg));
	} else {
		conn_send(c, proto_delivered(id));
	}
}

void conn_epoch(struct conn *c, uint32_t epoch, int alg, const char *cause)
{
	struct alog a;

	if (c->state != CS_READY || epoch <= c->epoch)
		return;
	c->epoch = epoch;
	if (alg)
		c->alg = alg;
	D.m.rotations++;
	conn_send(c, proto_epoch(c->epoch, c->alg));
	alog_begin(&a, "session_rotated");
	alog_u64(&a, "conn", c->cid);
	alog_str(&a, "user", c->user_name);
	alog_session(&a, c->session);
	alog_u64(&a, "epoch", c->epoch);
	alog_str(&a, "alg", secmsg_alg_name(c->alg));
	alog_str(&a, "cause", cause);
	alog_end(&a);
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

void conn_session_gone(struct conn *c, int event, int reason)
{
	struct alog a;
	bool was_ready = c->state == CS_READY;

	table_del(&D.by_session, c->session);
	alog_begin(&a, "session_expired");
	alog_u64(&a, "conn", c->cid);
	alog_str(&a, "user", c->user_name);
	alog_session(&a, c->session);
	alog_str(&a, "event", event == SECMSG_EVENT_EXPIRED ? "expired" :
					event ? "deleted" : "missing");
	alog_str(&a, "reason", reason_name(reason));
	alog_end(&a);
	c->session = 0;
	D.m.expired++;
	if (was_ready) {
		conn_close(c, 1000, "session_expired", "session_expired");
	} else if (c->state == CS_CONFIRM) {
		conn_error(c, "handshake_failed",
			   "the pending session expired before confirm", false, 0);
		conn_close(c, 1008, NULL, "handshake_expired");
	}
}

/* ---- input ---- */

static void do_rotate(struct conn *c, struct frame *f)
{
	struct secmsg_session_info info;
	int rc;

	if (!bucket_take2(&c->bucket, c->user ? &c->user->bucket : NULL,
			  now_ns())) {
		conn_error(c, "rate_limited", "too many requests", false, 0);
		return;
	}
	/* messages received before the rotate go first */
	relay_flush();
	rc = kern_rotate(c->session, f->alg, &info);
	if (rc) {
		conn_error(c, "internal", "the kernel refused the rotation",
			   false, 0);
		return;
	}
	conn_epoch(c, info.epoch, info.alg, "request");
}

static void do_who(struct conn *c)
{
	const char **names;
	size_t n;

	/* the answer grows with the users online: a token, like a message */
	if (!bucket_take2(&c->bucket, c->user ? &c->user->bucket : NULL,
			  now_ns())) {
		conn_error(c, "rate_limited", "too many requests", false, 0);
		return;
	}
	names = auth_online(NULL, &n);
	conn_send(c, names ? proto_online(names, n) : NULL);
	free(names);
}

static void dispatch(struct conn *c, struct frame *f)
{
	bool ready = c->state == CS_READY;

	switch (f->type) {
	case F_HELLO:
		if (c->state == CS_HELLO)
			auth_hello(c, f);
		else if (ready)
			conn_error(c, "already_authenticated",
				   "already authenticated", false, 0);
		else
			conn_error(c, "not_authenticated",
				   "handshake in progress: send confirm",
				   false, 0);
		break;
	case F_CONFIRM:
		if (c->state == CS_CONFIRM)
			auth_confirm(c, f);
		else if (ready)
			conn_error(c, "already_authenticated",
				   "already authenticated", false, 0);
		else
			conn_error(c, "not_authenticated", "send hello first",
				   false, 0);
		break;
	case F_MESSAGE:
		if (ready)
			relay_message(c, f, c->rx_t0);
		else
			conn_error(c, "not_authenticated",
				   "authenticate first", f->has_id, f->id);
		break;
	case F_ROTATE:
		if (ready)
			do_rotate(c, f);
		else
			conn_error(c, "not_authenticated",
				   "authenticate first", false, 0);
		break;
	case F_WHO:
		if (ready)
			do_who(c);
		else
			conn_error(c, "not_authenticated",
				   "authenticate first", false, 0);
		break;
	case F_BYE:
		conn_close(c, 1000, NULL, "client_bye");
		break;
	case F_NONE:
		break;
	}
}

static void frame_done(struct conn *c)
{
	struct proto_err e;
	struct frame f;

	if (c->state == CS_CLOSING) {
		/* after bye (ours or theirs) nothing more is answered */
	} else if (c->rx_too_large) {
		char msg[80];

		snprintf(msg, sizeof(msg), "frame larger than %zu bytes",
			 D.cfg.max_frame);
		conn_error(c, "frame_too_large", msg, false, 0);
	} else if (c->rx_binary) {
		conn_error(c, "bad_json", "frames must be text frames", false,
			   0);
	} else if (proto_parse(c->rx, c->rx_len, &f, &e)) {
		conn_error(c, e.code, e.msg, f.has_id, f.id);
	} else {
		dispatch(c, &f);
		frame_clear(&f);
	}
	/* the frame's bytes are not kept */
	if (c->rx)
		explicit_bzero(c->rx, c->rx_len);
	c->rx_len = 0;
	c->rx_too_large = false;
	c->rx_binary = false;
	/* a large buffer is not kept either */
	if (c->rx_cap > 65536) {
		free(c->rx);
		c->rx = NULL;
		c->rx_cap = 0;
	}
}

void conn_rx(struct conn *c, const void *in, size_t len, bool first,
	     bool final, bool binary)
{
	if (first) {
		c->rx_len = 0;
		c->rx_too_large = false;
		c->rx_binary = binary;
		c->rx_t0 = now_ns();
	}
	if (!c->rx_too_large && c->rx_len + len > D.cfg.max_frame) {
		c->rx_too_large = true;
		if (c->rx)
			explicit_bzero(c->rx, c->rx_len);
		c->rx_len = 0;
	}
	if (!c->rx_too_large && len) {
		if (c->rx_len + len > c->rx_cap) {
			size_t cap = c->rx_cap ? c->rx_cap : 4096;
			char *p;

			while (cap < c->rx_len + len)
				cap *= 2;
			p = malloc(cap);
			if (!p) {
				lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK,
						LWS_TO_KILL_ASYNC);
				return;
			}
			if (c->rx) {
				memcpy(p, c->rx, c->rx_len);
				explicit_bzero(c->rx, c->rx_cap);
				free(c->rx);
			}
			c->rx = p;
			c->rx_cap = cap;
		}
		memcpy(c->rx + c->rx_len, in, len);
		c->rx_len += len;
	}
	if (final)
		frame_done(c);
}

void conn_reconfigure(void)
{
	uint64_t now = now_ns();
	struct conn *c;

	for (c = D.conns; c; c = c->next) {
		bucket_reconfigure(&c->bucket, D.cfg.rate, D.cfg.burst, now);
		if (c->user && c->user->conns == c)
			bucket_reconfigure(&c->user->bucket, D.cfg.user_rate,
					   D.cfg.user_burst, now);
	}
}
