// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Connections: frames in, frames out, closing (see conn.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "clock.h"
#include "conn.h"
#include "held.h"
#include "loopstat.h"
#include "proto.h"

/* Frames written per writable callback before yielding to others. */
#define WRITES_PER_CALLBACK	32
/*
 * Frames held for lack of memory (held.h) are tried again every
 * HELD_RETRY_MS, HELD_TRIES times at most (10 s); then, or when more
 * than HELD_MAX would be held, the connection is dropped.
 */
#define HELD_RETRY_MS		20
#define HELD_TRIES		500

struct outq {
	struct outq *next;
	size_t len;
	struct delivery *dl;		/* a relayed message, or NULL */
	unsigned char buf[];		/* LWS_PRE + len + 1 */
};

struct conn {
	struct conn *next, *prev;	/* every connection */
	struct lws *wsi;
	struct login *login;		/* the router's side */
	uint64_t cid;			/* connection number, never reused */
	bool closing;			/* bye sent or being sent; input ignored */
	char peer[64];
	unsigned int errors;
	uint64_t t_connect;
	/* frame being received */
	char *rx;
	size_t rx_len, rx_cap;
	bool rx_too_large, rx_binary;
	uint64_t rx_t0;
	/* output */
	struct outq *qhead, *qtail;
	size_t qbytes;
	/* delivery results and errors not queued yet for lack of memory */
	struct held held;
	unsigned int held_tries;
	bool held_timer_on;
	lws_sorted_usec_list_t held_timer;
	/* closing */
	int close_code;
	const char *why;		/* audit reason of the disconnect */
	int peer_close;			/* close code the client sent */
	lws_sorted_usec_list_t hs_timer;
};

static struct {
	const struct config *cfg;
	struct metrics *m;
	struct conn *all;
	uint64_t n, next_cid;
	bool stopping;			/* shutdown: closing everyone */
	bool destroying;		/* lws_context_destroy() runs */
} T;

void conn_init(const struct config *cfg, struct metrics *m)
{
	T.cfg = cfg;
	T.m = m;
}

uint64_t conn_count(void)
{
	return T.n;
}

void conn_destroying(void)
{
	T.destroying = true;
}

static void conn_close(struct conn *c, int code, const char *bye,
		       const char *why);

static void hs_timer_cb(lws_sorted_usec_list_t *sul)
{
	struct conn *c = lws_container_of(sul, struct conn, hs_timer);

	router_timeout(c->login);
}

struct conn *conn_new(struct lws *wsi)
{
	struct conn *c = calloc(1, sizeof(*c));
	uint64_t now = now_ns();
	struct alog a;

	if (!c)
		return NULL;
	c->wsi = wsi;
	c->cid = ++T.next_cid;
	c->t_connect = now;
	lws_get_peer_simple(wsi, c->peer, sizeof(c->peer));
	c->login = router_attach(c, c->cid, c->peer);
	if (!c->login) {
		free(c);
		return NULL;
	}
	c->next = T.all;
	if (T.all)
		T.all->prev = c;
	T.all = c;
	T.n++;
	T.m->conns_accepted++;

	alog_begin(&a, "connect");
	alog_u64(&a, "conn", c->cid);
	alog_str(&a, "peer", c->peer);
	alog_end(&a);

	if (T.stopping) {
		T.m->conns_refused++;
		conn_close(c, 1001, "shutdown", "shutdown");
	} else if (T.n > T.cfg->max_connections) {
		T.m->conns_refused++;
		conn_close(c, 1013, "server_full", "max_connections");
	} else {
		lws_sul_schedule(lws_get_context(wsi), 0, &c->hs_timer,
				 hs_timer_cb,
				 (lws_usec_t)T.cfg->handshake_timeout *
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
	if (T.destroying)
		return;
	lws_callback_on_writable(c->wsi);
	/* a client that does not read: give up on it */
	if (c->qbytes > 2 * T.cfg->max_queue && !c->closing) {
		struct alog a;

		alog_begin(&a, "slow_client");
		a.warn = true;
		alog_u64(&a, "conn", c->cid);
		alog_str(&a, "user", router_user(c->login));
		alog_u64(&a, "queued_bytes", c->qbytes);
		alog_end(&a);
		c->why = "too_slow";
		c->closing = true;
		router_logout(c->login);
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

/* Out of memory for a frame that cannot be left out: drop the client. */
static void conn_kill(struct conn *c)
{
	if (T.destroying)
		return;
	c->why = c->why ? c->why : "out_of_memory";
	lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

/* Queue a frame (takes text); false: out of memory (text NULL or freed). */
static bool queue_text(struct conn *c, char *text)
{
	struct outq *q;

	if (!text)
		return false;
	q = item_new(text, strlen(text));
	proto_free_text(text);
	if (!q)
		return false;
	queue_item(c, q);
	return true;
}

/* Queue a frame (takes text; NULL: out of memory, drop the client). */
static void conn_send(struct conn *c, char *text)
{
	if (!queue_text(c, text))
		conn_kill(c);
}

static bool put_text(void *c, char *text)
{
	return queue_text(c, text);
}

static void held_timer_cb(lws_sorted_usec_list_t *sul);

static void held_retry(struct conn *c)
{
	if (c->held_timer_on)
		return;
	c->held_timer_on = true;
	lws_sul_schedule(lws_get_context(c->wsi), 0, &c->held_timer,
			 held_timer_cb, HELD_RETRY_MS * LWS_US_PER_MS);
}

static void held_timer_cb(lws_sorted_usec_list_t *sul)
{
	struct conn *c = lws_container_of(sul, struct conn, held_timer);

	c->held_timer_on = false;
	if (!held_flush(&c->held, put_text, c))
		c->held_tries = 0;
	else if (++c->held_tries >= HELD_TRIES)
		conn_kill(c);
	else
		held_retry(c);
}

/*
 * A delivery result or error frame (msg: its message): queued, or held
 * when out of memory and queued later, behind those held already (they
 * stay in order; those go first when memory allows now).
 */
static void send_or_hold(struct conn *c, const struct held_frame *f,
			 const char *msg)
{
	if (c->held.n && !held_flush(&c->held, put_text, c))
		c->held_tries = 0;
	if (!c->held.n && queue_text(c, held_text(f, msg)))
		return;
	if (T.destroying)
		return;
	if (!held_push(&c->held, f)) {
		conn_kill(c);
		return;
	}
	held_retry(c);
}

/* Queue a relayed message (takes text) as one copy of delivery d. */
static bool conn_send_msg(struct conn *c, char *text, size_t len,
			  struct delivery *d)
{
	struct outq *q = item_new(text, len);

	explicit_bzero(text, len);
	free(text);
	if (!q)
		return false;
	q->dl = d;
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
			router_delivery_done(q->dl, true);
		item_free(q);
		ls_count(LS_FRAMES_OUT, 1);
	}
	if (c->qhead) {
		lws_callback_on_writable(c->wsi);
		return 0;
	}
	if (c->closing && c->close_code) {
		lws_close_reason(c->wsi, (enum lws_close_status)c->close_code,
				 NULL, 0);
		return -1;
	}
	return 0;
}

/* ---- closing ---- */

/*
 * Close: optional bye with reason, then a close frame with code.  The
 * router logs the connection out at once (offline, session deleted);
 * queued frames are still written first.
 */
static void conn_close(struct conn *c, int code, const char *bye,
		       const char *why)
{
	if (c->closing)
		return;
	c->closing = true;
	router_logout(c->login);
	lws_sul_cancel(&c->hs_timer);
	c->close_code = code;
	c->why = why;
	if (bye)
		conn_send(c, proto_bye(bye));
	lws_callback_on_writable(c->wsi);
	lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, CONN_CLOSE_TIMEOUT);
}

void conn_shutdown(void)
{
	struct conn *c;

	T.stopping = true;
	for (c = T.all; c; c = c->next)
		conn_close(c, 1001, "shutdown", "shutdown");
}

void conn_peer_close(struct conn *c, int code)
{
	c->peer_close = code;
	if (!c->why)
		c->why = "client_close";
}

void conn_closed(struct conn *c)
{
	char user[SECMSG_USER_ID_MAX + 1];
	struct outq *q, *next;
	struct alog a;

	lws_sul_cancel(&c->hs_timer);
	lws_sul_cancel(&c->held_timer);
	snprintf(user, sizeof(user), "%s", router_user(c->login));
	/* first, so that its own messages below do not report back to it */
	router_detach(c->login);
	c->login = NULL;
	/* messages re-sealed for this client but never written */
	for (q = c->qhead; q; q = next) {
		next = q->next;
		if (q->dl)
			router_delivery_done(q->dl, false);
		item_free(q);
	}
	c->qhead = c->qtail = NULL;

	alog_begin(&a, "disconnect");
	alog_u64(&a, "conn", c->cid);
	alog_str(&a, "peer", c->peer);
	if (user[0])
		alog_str(&a, "user", user);
	alog_str(&a, "reason", c->why ? c->why : "connection_lost");
	if (c->close_code)
		alog_i64(&a, "close_code", c->close_code);
	if (c->peer_close)
		alog_i64(&a, "peer_close_code", c->peer_close);
	alog_u64(&a, "errors", c->errors);
	alog_u64(&a, "duration_ms", (now_ns() - c->t_connect) / 1000000);
	alog_end(&a);

	if (c->prev)
		c->prev->next = c->next;
	else
		T.all = c->next;
	if (c->next)
		c->next->prev = c->prev;
	T.n--;
	if (c->rx) {
		explicit_bzero(c->rx, c->rx_cap);
		free(c->rx);
	}
	explicit_bzero(c, sizeof(*c));
	free(c);
}

/* ---- errors ---- */

/*
 * An error frame (counted, but "internal": the server's own failure, not
 * the client's; the 10th closes with 1008).
 */
static void conn_error(struct conn *c, const char *code, const char *msg,
		       bool has_id, uint64_t id)
{
	const struct held_frame f = {
		.id = id, .code = code, .error = true, .has_id = has_id,
	};

	metrics_error(T.m, code);
	send_or_hold(c, &f, msg);
	if (!strcmp(code, "internal"))
		return;
	if (++c->errors >= CONN_MAX_ERRORS && !c->closing) {
		struct alog a;
		const char *user = router_user(c->login);

		alog_begin(&a, "too_many_errors");
		a.warn = true;
		alog_u64(&a, "conn", c->cid);
		if (user[0])
			alog_str(&a, "user", user);
		alog_str(&a, "last_code", code);
		alog_end(&a);
		conn_close(c, 1008, "too_many_errors", "too_many_errors");
	}
}

/* ---- input ---- */

static void frame_done(struct conn *c)
{
	struct proto_err e;
	struct frame f;

	if (c->closing) {
		/* after bye (ours or theirs) nothing more is answered */
	} else if (c->rx_too_large) {
		char msg[80];

		snprintf(msg, sizeof(msg), "frame larger than %zu bytes",
			 T.cfg->max_frame);
		conn_error(c, "frame_too_large", msg, false, 0);
	} else if (c->rx_binary) {
		conn_error(c, "bad_json", "frames must be text frames", false,
			   0);
	} else if (proto_parse(c->rx, c->rx_len, &f, &e)) {
		router_frame_error(c->login, &f, &e);
	} else {
		router_frame(c->login, &f, c->rx_t0);
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
	if (!c->rx_too_large && c->rx_len + len > T.cfg->max_frame) {
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
				conn_kill(c);
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

/* ---- the router's upcalls ---- */

static void up_send(void *conn, char *text)
{
	conn_send(conn, text);
}

static bool up_send_msg(void *conn, char *text, size_t len,
			struct delivery *d)
{
	return conn_send_msg(conn, text, len, d);
}

static void up_delivery(void *conn, uint64_t id, const char *code,
			const char *msg)
{
	const struct held_frame f = { .id = id, .code = code };

	send_or_hold(conn, &f, msg);
}

static void up_error(void *conn, const char *code, const char *msg,
		     bool has_id, uint64_t id)
{
	conn_error(conn, code, msg, has_id, id);
}

static void up_close(void *conn, int code, const char *bye, const char *why)
{
	conn_close(conn, code, bye, why);
}

static size_t up_queued(void *conn)
{
	return ((struct conn *)conn)->qbytes;
}

const struct router_up conn_router_up = {
	.send = up_send,
	.send_msg = up_send_msg,
	.delivery = up_delivery,
	.error = up_error,
	.close = up_close,
	.queued = up_queued,
};
