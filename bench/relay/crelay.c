// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * bench/relay/crelay: the C peer of the relay benchmark, the relay a
 * competent engineer builds without secmsg.ko.  Same protocol as secmsgd
 * (docs/protocol.md sections 3 and 5) on libwebsockets; the server side
 * of the Noise KK handshake is libsecmsg's reference implementation
 * (secmsg_hs_respond); the session keys live in this process, and every
 * message is opened with the sender's client-to-server keys and sealed
 * again with the recipient's server-to-client keys by libsecmsg's nettle
 * code, the plaintext wiped at once.  Each direction's cipher is keyed
 * once per epoch (secmsg_msg_ctx), as a relay that holds the keys would.
 *
 * Everything else is secmsgd's own code or secmsgd's way, so that the
 * benchmark compares where the open and re-seal happen and nothing else:
 * frames are parsed and built by daemon/proto.c, the users and identity
 * files read by daemon/files.c; output is queued per connection and
 * written when lws says the socket is writable, at most 32 frames per
 * callback; the sender's "delivered" goes out once the re-sealed copy
 * was written to the recipient's socket, "failed" (recipient_offline)
 * when the recipient goes away first.
 *
 * Scope: what secmsgd does with the benchmark's settings.  One login per
 * user (a newer one replaces the older: bye "replaced"); rotation on
 * request (rotate, with or without a new algorithm; the last four
 * superseded inbound epochs are accepted for 10 s); who; no presence
 * frames and no rate limits (the benchmark runs secmsgd with
 * --no-presence --rate 0 --user-rate 0 --max-user-connections 1).
 *
 *   crelay [--listen ADDR] [--port N] --identity FILE --users FILE
 *
 * Once listening it prints "peer: port N, server public key B64" on
 * stdout (port 0 picks a free port).  SIGTERM or SIGINT stop it.
 * SIGUSR1, and the exit, print "crelay: loopstat ..." on stdout: where
 * its loop's time went, phase by phase, as secmsgd's line does
 * (daemon/loopstat.h).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <libwebsockets.h>

#include "secmsg/codec.h"
#include "secmsg/handshake.h"
#include "secmsg/nl.h"
#include "secmsg/wire.h"

#include "files.h"
#include "loopstat.h"
#include "proto.h"
#include "table.h"

#define MAX_FRAME		(256 * 1024)
#define MAX_QUEUE		(4u << 20)	/* secmsgd's max_queue */
#define WRITES_PER_CALLBACK	32
#define MAX_ERRORS		10
#define HANDSHAKE_TIMEOUT	10		/* seconds */
#define CLOSE_TIMEOUT		5		/* seconds */
#define OLD_EPOCHS		4
#define GRACE_NS		(10ULL * 1000000000ULL)

struct user {
	char name[SECMSG_USER_ID_MAX + 1];
	uint8_t pub[SECMSG_X25519_LEN];
	struct secmsg_hs_replay replay;
	struct conn *online;		/* its ready login, or NULL */
};

/* Inbound keys of one epoch. */
struct rx_epoch {
	struct secmsg_dir_keys k;	/* superseded: secret wiped */
	struct secmsg_msg_ctx *ctx;	/* k keyed for alg */
	int alg;
	struct secmsg_replay win;
	uint64_t until;			/* superseded: accepted until (ns) */
};

struct outq {
	struct outq *next;
	size_t len;
	bool relayed;			/* a message: tell its sender */
	uint64_t sender_cid, msg_id;
	unsigned char buf[];		/* LWS_PRE + len + 1 */
};

enum { C_HELLO, C_CONFIRM, C_READY, C_CLOSING };

struct conn {
	struct lws *wsi;
	uint64_t cid;
	int state;
	struct user *user;		/* from hello on */
	int alg;			/* outbound (current) algorithm */
	uint64_t sid;
	struct secmsg_hs_pending *hs;	/* between welcome and confirm */
	struct rx_epoch rx[1 + OLD_EPOCHS];	/* [0] current, then older */
	unsigned int nrx;
	struct secmsg_dir_keys tx;
	struct secmsg_msg_ctx *txc;	/* tx keyed for alg */
	uint64_t tx_seq;
	unsigned int errors;
	char *in;			/* frame being received */
	size_t in_len, in_cap;
	bool in_too_large, in_binary;
	struct outq *qhead, *qtail;
	size_t qbytes;
	int close_code;
};

static struct {
	struct lws_context *ctx;
	uint8_t priv[SECMSG_X25519_LEN], pub[SECMSG_X25519_LEN];
	struct user *users;
	size_t nusers;
	struct table by_name;		/* user name -> struct user */
	struct table by_cid;		/* connection number -> struct conn */
	uint64_t next_cid;
	bool destroying;
	volatile sig_atomic_t quit, dump;
	/* one message at a time: its plaintext and its re-sealed form */
	uint8_t pt[PROTO_MAX_SEALED];
	uint8_t sealed[SECMSG_MAX_PLAINTEXT + SECMSG_MAX_OVERHEAD];
} R;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* ---- output ---- */

static void queue(struct conn *c, char *text, size_t len, bool relayed,
		  uint64_t sender_cid, uint64_t msg_id)
{
	struct outq *q;

	if (!text) {
		lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK,
				LWS_TO_KILL_ASYNC);
		return;
	}
	q = malloc(sizeof(*q) + LWS_PRE + len + 1);
	if (q) {
		q->next = NULL;
		q->len = len;
		q->relayed = relayed;
		q->sender_cid = sender_cid;
		q->msg_id = msg_id;
		memcpy(q->buf + LWS_PRE, text, len + 1);
	}
	proto_free_text(text);
	if (!q) {
		lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK,
				LWS_TO_KILL_ASYNC);
		return;
	}
	if (c->qtail)
		c->qtail->next = q;
	else
		c->qhead = q;
	c->qtail = q;
	c->qbytes += len;
	lws_callback_on_writable(c->wsi);
}

static void send_text(struct conn *c, char *text)
{
	if (R.destroying) {
		proto_free_text(text);
		return;
	}
	queue(c, text, text ? strlen(text) : 0, false, 0, 0);
}

static void item_free(struct outq *q)
{
	explicit_bzero(q->buf + LWS_PRE, q->len);
	free(q);
}

static void close_conn(struct conn *c, int code, const char *bye)
{
	if (c->state == C_CLOSING)
		return;
	if (c->user && c->user->online == c)
		c->user->online = NULL;
	c->state = C_CLOSING;
	c->close_code = code;
	if (bye)
		send_text(c, proto_bye(bye));
	lws_callback_on_writable(c->wsi);
	lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, CLOSE_TIMEOUT);
}

static void conn_error(struct conn *c, const char *code, const char *msg,
		  bool has_id, uint64_t id)
{
	send_text(c, proto_error(code, msg, has_id, id));
	if (++c->errors >= MAX_ERRORS)
		close_conn(c, 1008, "too_many_errors");
}

static void hs_fail(struct conn *c, const char *code, const char *msg)
{
	conn_error(c, code, msg, false, 0);
	close_conn(c, 1008, NULL);
}

static void delivery(uint64_t sender_cid, uint64_t id, const char *code,
		     const char *msg)
{
	struct conn *s = table_get(&R.by_cid, sender_cid);

	if (s && !R.destroying)
		send_text(s, code ? proto_failed(id, code, msg) :
				    proto_delivered(id));
}

static int writable(struct conn *c)
{
	struct outq *q;
	int n = 0;

	while (c->qhead && n++ < WRITES_PER_CALLBACK &&
	       !lws_send_pipe_choked(c->wsi)) {
		q = c->qhead;
		if (lws_write(c->wsi, q->buf + LWS_PRE, q->len,
			      LWS_WRITE_TEXT) < (int)q->len)
			return -1;	/* closed() fails what is queued */
		c->qhead = q->next;
		if (!c->qhead)
			c->qtail = NULL;
		c->qbytes -= q->len;
		if (q->relayed)
			delivery(q->sender_cid, q->msg_id, NULL, NULL);
		item_free(q);
		ls_count(LS_FRAMES_OUT, 1);
	}
	if (c->qhead) {
		lws_callback_on_writable(c->wsi);
		return 0;
	}
	if (c->state == C_CLOSING && c->close_code) {
		lws_close_reason(c->wsi, (enum lws_close_status)c->close_code,
				 NULL, 0);
		return -1;
	}
	return 0;
}

/* ---- handshake ---- */

static const char **online_users(const struct conn *except, size_t *n)
{
	const char **v = malloc((R.nusers + 1) * sizeof(*v));
	size_t i;

	*n = 0;
	if (!v)
		return NULL;
	for (i = 0; i < R.nusers; i++)
		if (R.users[i].online && R.users[i].online != except)
			v[(*n)++] = R.users[i].name;
	return v;
}

static void hello(struct conn *c, struct frame *f)
{
	struct secmsg_hs_init_info info;
	struct user *u = f->user_valid ? table_get_str(&R.by_name, f->user) :
					 NULL;
	uint64_t sid = 0;
	int rc;

	if (!u) {
		hs_fail(c, "unknown_user", "no such user");
		return;
	}
	if (secmsg_hs_parse_init(f->hs, f->hs_len, &info) ||
	    strcmp(info.user_id, f->user) || info.alg != f->alg) {
		hs_fail(c, "handshake_failed",
			"handshake message 1 is malformed or does not match user and alg");
		return;
	}
	c->hs = calloc(1, sizeof(*c->hs));
	while (c->hs && !sid)
		if (getrandom(&sid, sizeof(sid), 0) != sizeof(sid))
			sid = 0;
	rc = c->hs ? secmsg_hs_respond(R.priv, R.pub, u->pub, &u->replay, sid,
				       NULL, f->hs, f->hs_len, c->hs) : -ENOMEM;
	switch (rc) {
	case 0:
		break;
	case -EBADMSG:
		hs_fail(c, "auth_failed", "authentication failed");
		return;
	case -EALREADY:
		hs_fail(c, "replayed", "handshake message 1 was replayed");
		return;
	case -ENOMEM:
		hs_fail(c, "internal", "out of memory");
		return;
	default:
		hs_fail(c, "handshake_failed", "handshake message 1 rejected");
		return;
	}
	c->user = u;
	c->sid = sid;
	c->alg = f->alg;
	c->state = C_CONFIRM;
	send_text(c, proto_welcome(sid, c->hs->msg2, sizeof(c->hs->msg2)));
}

static void confirm(struct conn *c, struct frame *f)
{
	struct conn *old = c->user->online;
	const char **online;
	size_t n;
	int rc;

	rc = secmsg_hs_confirm_check(c->hs, f->hs, f->hs_len);
	if (rc) {
		hs_fail(c, rc == -EBADMSG ? "auth_failed" : "handshake_failed",
			rc == -EBADMSG ? "key confirmation failed" :
			"handshake message 3 rejected");
		return;
	}
	secmsg_dir_init(&c->rx[0].k, SECMSG_DIR_C2S, c->hs->secret_c2s);
	secmsg_replay_init(&c->rx[0].win);
	c->rx[0].alg = c->alg;
	c->nrx = 1;
	secmsg_dir_init(&c->tx, SECMSG_DIR_S2C, c->hs->secret_s2c);
	secmsg_hs_pending_wipe(c->hs);
	free(c->hs);
	c->hs = NULL;
	if (secmsg_msg_ctx_new(&c->rx[0].ctx, &c->rx[0].k, c->alg) ||
	    secmsg_msg_ctx_new(&c->txc, &c->tx, c->alg)) {
		hs_fail(c, "internal", "out of memory");
		return;
	}
	c->state = C_READY;
	lws_set_timeout(c->wsi, NO_PENDING_TIMEOUT, 0);
	c->user->online = c;
	if (old)
		close_conn(old, 1000, "replaced");
	online = online_users(c, &n);
	send_text(c, online ? proto_ready(c->sid, c->user->name, c->alg, 0,
					  online, n) : NULL);
	free(online);
}

/* ---- messages ---- */

/*
 * Open a sealed message of c's session into R.pt: the epoch's keys, the
 * replay window checked before and recorded after authentication.
 */
static long open_msg(struct conn *c, const uint8_t *msg, size_t len)
{
	struct secmsg_hdr h;
	struct rx_epoch *e = NULL;
	uint64_t now = 0;
	unsigned int i;
	long n;
	int rc;

	rc = secmsg_hdr_get(msg, len, &h);
	if (rc)
		return rc;
	for (i = 0; i < c->nrx && !e; i++) {
		if (c->rx[i].k.epoch != h.epoch)
			continue;
		if (i && c->rx[i].until < (now ? now : (now = now_ns())))
			return -EKEYEXPIRED;
		e = &c->rx[i];
	}
	if (!e)
		return -EKEYEXPIRED;
	rc = secmsg_replay_peek(&e->win, h.seq);
	if (rc)
		return rc;
	n = secmsg_msg_ctx_open(e->ctx, c->sid, msg, len, NULL, R.pt);
	if (n >= 0 && secmsg_replay_check(&e->win, h.seq)) {
		explicit_bzero(R.pt, (size_t)n);
		return -EALREADY;
	}
	return n;
}

static void relay(struct conn *c, struct frame *f)
{
	struct user *u = f->to_valid ? table_get_str(&R.by_name, f->to) : NULL;
	struct conn *to = u ? u->online : NULL;
	const char *code = NULL, *msg = NULL;
	enum ls_phase prev;
	size_t text_len;
	char *text;
	long n, m;

	if (f->too_large) {
		code = "message_too_large";
		msg = "a sealed message is at most 65368 bytes";
	} else if (!u) {
		code = "recipient_unknown";
		msg = "no such user";
	} else if (!to) {
		code = "recipient_offline";
		msg = "the recipient is not online";
	} else if (to->qbytes > MAX_QUEUE) {
		code = "rate_limited";
		msg = "the recipient is not reading fast enough: slow down";
	} else {
		prev = ls_enter(LS_CRYPTO);
		ls_count(LS_CRYPTO_CALLS, 1);
		n = open_msg(c, f->data, f->data_len);
		m = n < 0 ? n : to->tx_seq < SECMSG_MAX_MESSAGES_LIMIT ?
		    secmsg_msg_ctx_seal(to->txc, to->sid, to->tx_seq++, R.pt,
					(size_t)n, R.sealed) : -EKEYEXPIRED;
		if (n >= 0)
			explicit_bzero(R.pt, (size_t)n);
		ls_leave(prev);
		if (n < 0) {
			code = "bad_message";
			msg = "the sealed message was refused";
		} else if (m < 0) {
			code = "internal";
			msg = "the message could not be sealed";
		} else {
			ls_count(LS_MSGS, 1);
			prev = ls_enter(LS_BUILD);
			text = proto_message(c->user->name, R.sealed,
					     (size_t)m, &text_len);
			queue(to, text, text_len, true, c->cid, f->id);
			ls_leave(prev);
		}
	}
	if (code)
		send_text(c, proto_failed(f->id, code, msg));
}

/* A rotation: both directions to the next epoch, alg (0: the same). */
static void rotate(struct conn *c, int alg)
{
	struct secmsg_msg_ctx *ctx = NULL;
	unsigned int i;

	if (c->nrx < 1 + OLD_EPOCHS)
		c->nrx++;
	else	/* the oldest epoch goes: its context is keyed again */
		ctx = c->rx[OLD_EPOCHS].ctx;
	for (i = c->nrx - 1; i > 0; i--)
		c->rx[i] = c->rx[i - 1];
	explicit_bzero(c->rx[1].k.secret, sizeof(c->rx[1].k.secret));
	c->rx[1].until = now_ns() + GRACE_NS;
	secmsg_dir_ratchet(&c->rx[0].k);
	secmsg_replay_init(&c->rx[0].win);
	secmsg_dir_ratchet(&c->tx);
	c->tx_seq = 0;
	if (alg)
		c->alg = alg;
	c->rx[0].alg = c->alg;
	/* a failed rekey leaves a context that refuses every message */
	if (ctx)
		(void)secmsg_msg_ctx_set(ctx, &c->rx[0].k, c->alg);
	else if (secmsg_msg_ctx_new(&ctx, &c->rx[0].k, c->alg))
		ctx = NULL;
	c->rx[0].ctx = ctx;
	(void)secmsg_msg_ctx_set(c->txc, &c->tx, c->alg);
	send_text(c, proto_epoch(c->tx.epoch, c->alg));
}

static void who(struct conn *c)
{
	const char **v;
	size_t n;

	v = online_users(NULL, &n);
	send_text(c, v ? proto_online(v, n) : NULL);
	free(v);
}

static void dispatch(struct conn *c, struct frame *f)
{
	bool ready = c->state == C_READY;

	if (f->type == F_BYE) {
		close_conn(c, 1000, NULL);
	} else if (f->type == F_HELLO && c->state == C_HELLO) {
		hello(c, f);
	} else if (f->type == F_CONFIRM && c->state == C_CONFIRM) {
		confirm(c, f);
	} else if ((f->type == F_HELLO || f->type == F_CONFIRM) && ready) {
		conn_error(c, "already_authenticated", "already authenticated",
		      false, 0);
	} else if (!ready) {
		conn_error(c, "not_authenticated", "authenticate first",
		      f->type == F_MESSAGE && f->has_id, f->id);
	} else if (f->type == F_MESSAGE) {
		relay(c, f);
	} else if (f->type == F_ROTATE) {
		rotate(c, f->alg);
	} else if (f->type == F_WHO) {
		who(c);
	}
}

static void frame_done(struct conn *c)
{
	struct proto_err e;
	struct frame f;

	if (c->state == C_CLOSING) {
		/* nothing more is answered */
	} else if (c->in_too_large) {
		conn_error(c, "frame_too_large", "frame larger than 262144 bytes",
		      false, 0);
	} else if (c->in_binary) {
		conn_error(c, "bad_json", "frames must be text frames", false, 0);
	} else if (proto_parse(c->in, c->in_len, &f, &e)) {
		conn_error(c, e.code, e.msg, f.has_id, f.id);
	} else {
		dispatch(c, &f);
		frame_clear(&f);
	}
	if (c->in)
		explicit_bzero(c->in, c->in_len);
	c->in_len = 0;
	c->in_too_large = c->in_binary = false;
}

/* Make room for need bytes in c->in; the old buffer is wiped. */
static bool in_room(struct conn *c, size_t need)
{
	size_t cap = c->in_cap ? c->in_cap : 4096;
	char *p;

	if (need <= c->in_cap)
		return true;
	while (cap < need)
		cap *= 2;
	p = malloc(cap);
	if (!p)
		return false;
	if (c->in_len)
		memcpy(p, c->in, c->in_len);
	if (c->in)
		explicit_bzero(c->in, c->in_cap);
	free(c->in);
	c->in = p;
	c->in_cap = cap;
	return true;
}

/* A fragment of a frame: kept up to MAX_FRAME, handled when complete. */
static void rx(struct conn *c, struct lws *wsi, const void *in, size_t len)
{
	if (lws_is_first_fragment(wsi)) {
		c->in_len = 0;
		c->in_too_large = false;
		c->in_binary = lws_frame_is_binary(wsi);
	}
	c->in_too_large |= c->in_len + len > MAX_FRAME;
	if (c->in_too_large || !len) {
		/* nothing to keep */
	} else if (!in_room(c, c->in_len + len)) {
		lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
		return;
	} else {
		memcpy(c->in + c->in_len, in, len);
		c->in_len += len;
	}
	if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)) {
		ls_count(LS_FRAMES_IN, 1);
		frame_done(c);
	}
}

/* ---- connections ---- */

static struct conn *conn_new(struct lws *wsi)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->wsi = wsi;
	c->cid = ++R.next_cid;
	c->state = C_HELLO;
	if (table_put(&R.by_cid, c->cid, c)) {
		free(c);
		return NULL;
	}
	lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, HANDSHAKE_TIMEOUT);
	return c;
}

static void conn_closed(struct conn *c)
{
	struct outq *q, *next;
	unsigned int i;

	if (c->user && c->user->online == c)
		c->user->online = NULL;
	table_del(&R.by_cid, c->cid);
	for (q = c->qhead; q; q = next) {
		next = q->next;
		if (q->relayed)
			delivery(q->sender_cid, q->msg_id, "recipient_offline",
				 "the recipient went offline before the message was written");
		item_free(q);
	}
	if (c->hs) {
		secmsg_hs_pending_wipe(c->hs);
		free(c->hs);
	}
	if (c->in) {
		explicit_bzero(c->in, c->in_cap);
		free(c->in);
	}
	for (i = 0; i < c->nrx; i++)
		secmsg_msg_ctx_free(c->rx[i].ctx);
	secmsg_msg_ctx_free(c->txc);
	explicit_bzero(c, sizeof(*c));
	free(c);
}

static int cb_ws(struct lws *wsi, enum lws_callback_reasons reason,
		 void *user, void *in, size_t len)
{
	struct conn **pc = user;
	enum ls_phase prev;
	int rc;

	if (reason == LWS_CALLBACK_ESTABLISHED) {
		*pc = conn_new(wsi);
		return *pc ? 0 : -1;
	}
	if (!pc || !*pc)
		return reason == LWS_CALLBACK_RECEIVE ||
		       reason == LWS_CALLBACK_SERVER_WRITEABLE ? -1 : 0;
	if (reason == LWS_CALLBACK_RECEIVE) {
		prev = ls_enter(LS_RX);
		rx(*pc, wsi, in, len);
		/* nor is lws's copy of the frame kept */
		if (in && len)
			explicit_bzero(in, len);
		ls_leave(prev);
	} else if (reason == LWS_CALLBACK_SERVER_WRITEABLE) {
		prev = ls_enter(LS_WRITE);
		rc = writable(*pc);
		ls_leave(prev);
		return rc;
	} else if (reason == LWS_CALLBACK_CLOSED) {
		conn_closed(*pc);
		*pc = NULL;
	}
	return 0;
}

static int cb_http(struct lws *wsi, enum lws_callback_reasons reason,
		   void *user, void *in, size_t len)
{
	/* a WebSocket upgrade that did not ask for secmsg.v1 */
	if (reason == LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION)
		return -1;
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static const struct lws_protocols protocols[] = {
	{ "http", cb_http, 0, 0, 0, NULL, 0 },
	{ PROTO_SUBPROTOCOL, cb_ws, sizeof(struct conn *), 16384, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

/* ---- set-up ---- */

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		R.dump = 1;
	else
		R.quit = 1;
	if (R.ctx)
		lws_cancel_service(R.ctx);
}

static int load_users(const char *path)
{
	struct user_entry *v;
	char err[256];
	uint8_t *text;
	size_t len, n, i;
	int rc;

	rc = file_read(path, 64 << 20, &text, &len);
	if (rc) {
		fprintf(stderr, "crelay: %s: %s\n", path, strerror(-rc));
		return rc;
	}
	rc = users_parse((const char *)text, len, path, &v, &n, err, sizeof(err));
	file_free(text, len);
	if (rc) {
		fprintf(stderr, "crelay: %s\n", err);
		return rc;
	}
	R.users = calloc(n ? n : 1, sizeof(*R.users));
	if (!R.users) {
		free(v);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		memcpy(R.users[i].name, v[i].user, sizeof(R.users[i].name));
		memcpy(R.users[i].pub, v[i].pub, sizeof(R.users[i].pub));
		if (table_put_str(&R.by_name, R.users[i].name, &R.users[i])) {
			free(v);
			return -ENOMEM;
		}
	}
	R.nusers = n;
	free(v);
	return 0;
}

static int load_identity(const char *path)
{
	uint8_t *buf;
	size_t len;
	int rc;

	rc = file_read(path, 4096, &buf, &len);
	if (rc) {
		fprintf(stderr, "crelay: %s: %s\n", path, strerror(-rc));
		return rc;
	}
	rc = identity_parse(buf, len, R.priv);
	file_free(buf, len);
	if (!rc)
		rc = secmsg_x25519_pub(R.priv, R.pub);
	if (rc)
		fprintf(stderr, "crelay: %s: not an identity key\n", path);
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: crelay [--listen ADDR] [--port N] --identity FILE --users FILE\n"
		"The relay benchmark's userspace peer (see bench/relay/crelay.c).\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "port", required_argument, NULL, 'p' },
		{ "identity", required_argument, NULL, 'i' },
		{ "users", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *listen = "127.0.0.1", *identity = NULL, *users = NULL;
	struct lws_context_creation_info info;
	char key[SECMSG_B64_LEN(SECMSG_X25519_LEN)];
	struct lws_vhost *vh;
	int port = 8765, opt, rc = 0;
	size_t i;

	while ((opt = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (opt) {
		case 'l': listen = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'i': identity = optarg; break;
		case 'u': users = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc || !identity || !users || port < 0 || port > 65535) {
		usage(stderr);
		return 2;
	}
	proto_init();
	if (load_identity(identity) || load_users(users))
		return 1;

	lws_set_log_level(LLL_ERR, NULL);
	memset(&info, 0, sizeof(info));
	info.port = port;
	info.iface = listen;
	info.protocols = protocols;
	info.fd_limit_per_thread = 0;	/* as many clients as fds */
	info.options = LWS_SERVER_OPTION_FAIL_UPON_UNABLE_TO_BIND;
	R.ctx = lws_create_context(&info);
	vh = R.ctx ? lws_get_vhost_by_name(R.ctx, "default") : NULL;
	if (!R.ctx || !vh) {
		fprintf(stderr, "crelay: cannot listen on %s port %d\n", listen,
			port);
		return 1;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGUSR1, on_signal);
	secmsg_base64_encode(R.pub, sizeof(R.pub), key);
	printf("peer: port %d, server public key %s\n",
	       lws_get_vhost_listen_port(vh), key);
	fflush(stdout);

	loopstat_start();
	while (!R.quit) {
		ls_service_begin();
		rc = lws_service(R.ctx, 0) < 0;
		ls_service_end();
		if (rc)
			break;
		if (R.dump) {
			R.dump = 0;
			loopstat_print(stdout, "crelay");
		}
	}
	loopstat_print(stdout, "crelay");
	R.destroying = true;
	lws_context_destroy(R.ctx);
	table_free(&R.by_name);
	table_free(&R.by_cid);
	for (i = 0; i < R.nusers; i++)
		explicit_bzero(&R.users[i].replay, sizeof(R.users[i].replay));
	free(R.users);
	explicit_bzero(R.priv, sizeof(R.priv));
	return rc;
}
