// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libsecmsg client: the protocol of docs/protocol.md section 5 above the
 * transport.  hello -> welcome -> confirm -> ready, then messages,
 * deliveries, epochs, presence and errors, each turned into a callback.
 * Below it: the messages out (outbox.c) and the transport (ws.c), which
 * reports to it through client_proto_events.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "secmsg/nl.h"

static const char *alg_name(int alg)
{
	const char *n = secmsg_alg_name(alg);

	return n ? n : "?";
}

void client_proto_set_state(struct secmsg_client *c,
			    enum secmsg_client_state st, int err)
{
	if (c->state == st)
		return;
	c->state = st;
	c->events++;
	if (c->cb.state)
		c->cb.state(c, st, err, c->cb.state_ud);
}

static void report_error(struct secmsg_client *c, int err, const char *detail)
{
	c->events++;
	if (c->cb.error)
		c->cb.error(c, err, detail ? detail : secmsg_client_strerror(err),
			    c->cb.error_ud);
}

/* A fatal protocol error: report it and close the connection. */
static void fail(struct secmsg_client *c, int err, const char *detail)
{
	report_error(c, err, detail);
	if (!c->close_err)
		c->close_err = err;
	client_ws_close(c, false);
}

int client_proto_connect(struct secmsg_client *c)
{
	c->close_err = 0;
	client_proto_set_state(c, SECMSG_CLIENT_CONNECTING, 0);
	return client_ws_connect(c);
}

/* The WebSocket is open: send hello. */
static void start(struct secmsg_client *c)
{
	uint8_t msg1[SECMSG_HS_INIT_MAX];
	size_t len = sizeof(msg1);
	int err;

	c->close_err = 0;
	c->closing_sent = false;
	err = secmsg_hs_init(&c->hs, c->user, c->alg_req, c->priv,
			     c->server_pub, msg1, &len);
	if (err) {
		fail(c, SECMSG_CLIENT_E_CRYPTO, "cannot make handshake message 1");
		return;
	}
	c->hs_live = true;
	err = client_ws_send(c, client_frame_hello(
		c->user, alg_name(c->alg_req), msg1, len,
		c->send_pubkey ? c->pub : NULL));
	if (err) {
		fail(c, err, NULL);
		return;
	}
	client_proto_set_state(c, SECMSG_CLIENT_HANDSHAKE, 0);
}

static void on_welcome(struct secmsg_client *c, const struct client_frame *f)
{
	uint8_t c2s[SECMSG_KEY_LEN], s2c[SECMSG_KEY_LEN];
	uint8_t msg3[SECMSG_HS_CONFIRM_LEN];
	uint64_t sid;
	int err;

	if (!c->hs_live) {
		fail(c, SECMSG_CLIENT_E_PROTOCOL, "unexpected welcome");
		return;
	}
	c->hs_live = false;
	err = secmsg_hs_finish(&c->hs, f->data, f->data_len, &sid, c2s, s2c,
			       msg3);
	if (err) {
		fail(c, err == -EBADMSG ?
		     SECMSG_CLIENT_E_SERVER_AUTH :
		     SECMSG_CLIENT_E_PROTOCOL,
		     err == -EBADMSG ?
		     "handshake message 2 does not authenticate: the server does not hold the pinned key" :
		     "malformed handshake message 2");
		return;
	}
	if (sid != f->session)
		err = SECMSG_CLIENT_E_PROTOCOL;
	else
		err = client_session_init(&c->sess, sid, c->alg_req, c2s,
					  s2c);
	explicit_bzero(c2s, sizeof(c2s));
	explicit_bzero(s2c, sizeof(s2c));
	if (err) {
		explicit_bzero(msg3, sizeof(msg3));
		fail(c, err, "welcome names another session");
		return;
	}
	err = client_ws_send(c, client_frame_confirm(msg3, sizeof(msg3)));
	explicit_bzero(msg3, sizeof(msg3));
	if (err)
		fail(c, err, NULL);
}

static void report_online(struct secmsg_client *c, const struct client_frame *f)
{
	c->events++;
	if (c->cb.online)
		c->cb.online(c, f->users, f->n_users, c->cb.online_ud);
}

static void on_ready(struct secmsg_client *c, const struct client_frame *f)
{
	int err;

	if (!c->sess.active || c->hs_live || c->state != SECMSG_CLIENT_HANDSHAKE) {
		fail(c, SECMSG_CLIENT_E_PROTOCOL,
		     "ready before the handshake finished");
		return;
	}
	if (f->session != c->sess.id || f->alg != c->alg_req) {
		fail(c, SECMSG_CLIENT_E_PROTOCOL,
		     "ready names another session or algorithm");
		return;
	}
	err = client_session_advance(&c->sess, f->epoch, f->alg);
	if (err) {
		fail(c, err, "ready names an unreachable epoch");
		return;
	}
	client_proto_set_state(c, SECMSG_CLIENT_READY, 0);
	client_ws_ready(c);
	if (f->users)
		report_online(c, f);
}

static void on_message(struct secmsg_client *c, const struct client_frame *f)
{
	struct client_open_info info;
	struct secmsg_client_message m;
	char why[160];
	uint8_t *out;
	long n;

	c->events++;
	if (c->cb.received)
		c->cb.received(c, f->from, f->data, f->data_len,
			       c->cb.received_ud);
	out = malloc(f->data_len ? f->data_len : 1);
	if (!out) {
		report_error(c, SECMSG_CLIENT_E_NOMEM, NULL);
		return;
	}
	n = client_session_open(&c->sess, f->data, f->data_len, out, &info);
	if (n < 0) {
		snprintf(why, sizeof(why),
			 "message from %s (epoch %" PRIu32 ", seq %" PRIu64
			 ") dropped: %s", f->from, info.epoch, info.seq,
			 secmsg_client_strerror((int)n));
		free(out);
		report_error(c, (int)n, why);
		return;
	}
	if (info.advanced) {
		c->events++;
		if (c->cb.epoch)
			c->cb.epoch(c, c->sess.epoch, alg_name(c->sess.alg),
				    c->cb.epoch_ud);
	}
	memset(&m, 0, sizeof(m));
	m.from = f->from;
	m.text = out;
	m.len = (size_t)n;
	m.alg = alg_name(info.alg);
	m.epoch = info.epoch;
	m.seq = info.seq;
	clock_gettime(CLOCK_REALTIME, &m.time);
	c->events++;
	if (c->cb.decrypted)
		c->cb.decrypted(c, &m, c->cb.decrypted_ud);
	explicit_bzero(out, f->data_len);
	free(out);
}

static void on_delivery(struct secmsg_client *c, const struct client_frame *f)
{
	struct client_pending *p = client_outbox_take(c, f->id);
	struct secmsg_client_delivery d;

	memset(&d, 0, sizeof(d));
	d.id = f->id;
	d.to = p ? p->to : NULL;
	d.delivered = f->delivered;
	d.err = f->delivered ? 0 : client_err_from_code(f->code);
	d.code = f->code;
	d.message = f->message;
	c->events++;
	if (c->cb.delivery)
		c->cb.delivery(c, &d, c->cb.delivery_ud);
	free(p);
}

static void on_epoch(struct secmsg_client *c, const struct client_frame *f)
{
	uint32_t old = c->sess.epoch;
	int err = client_session_advance(&c->sess, f->epoch, f->alg);

	if (f->epoch >= old)
		client_outbox_rotation_answered(c);

	if (err == SECMSG_CLIENT_E_EPOCH && f->epoch < old)
		return;			/* already followed a newer header */
	if (err) {
		fail(c, err, "cannot follow the epoch frame");
		return;
	}
	if (f->epoch == old)
		return;
	c->events++;
	if (c->cb.epoch)
		c->cb.epoch(c, f->epoch, f->alg_name, c->cb.epoch_ud);
}

static void on_error_frame(struct secmsg_client *c,
			   const struct client_frame *f)
{
	int err = client_err_from_code(f->code);
	char why[256];

	snprintf(why, sizeof(why), "%s: %s", f->code,
		 f->message ? f->message : secmsg_client_strerror(err));
	if (c->state == SECMSG_CLIENT_HANDSHAKE) {
		/* The server closes after a refused handshake. */
		if (c->hs_live)
			secmsg_hs_wipe(&c->hs);
		c->hs_live = false;
		report_error(c, err, why);
		if (!c->close_err)
			c->close_err = err;
		return;
	}
	report_error(c, err, why);
	/* perhaps the rotation's refusal */
	client_outbox_rotation_answered(c);
}

/*
 * What a bye's reason means for the caller (docs/protocol.md 5):
 * session_expired, shutdown, replaced, already_online and revoked have
 * codes of their own; any other reason is E_CLOSED.
 */
static int bye_err(const char *reason)
{
	int err = client_err_from_code(reason);

	switch (err) {
	case SECMSG_CLIENT_E_EXPIRED:
	case SECMSG_CLIENT_E_SHUTDOWN:
	case SECMSG_CLIENT_E_REPLACED:
	case SECMSG_CLIENT_E_ALREADY_ONLINE:
	case SECMSG_CLIENT_E_REVOKED:
		return err;
	default:
		return SECMSG_CLIENT_E_CLOSED;
	}
}

static void dispatch(struct secmsg_client *c, const struct client_frame *f)
{
	bool ready = c->state == SECMSG_CLIENT_READY ||
		     c->state == SECMSG_CLIENT_CLOSING;

	switch (f->type) {
	case CF_WELCOME:
		on_welcome(c, f);
		return;
	case CF_READY:
		on_ready(c, f);
		return;
	case CF_ERROR:
		on_error_frame(c, f);
		return;
	case CF_BYE:
		if (!c->close_err)
			c->close_err = bye_err(f->reason);
		return;
	case CF_UNKNOWN:
		return;			/* newer server: ignore */
	default:
		break;
	}
	if (!ready) {
		fail(c, SECMSG_CLIENT_E_PROTOCOL, "frame before ready");
		return;
	}
	switch (f->type) {
	case CF_MESSAGE:
		on_message(c, f);
		break;
	case CF_DELIVERY:
		on_delivery(c, f);
		break;
	case CF_EPOCH:
		on_epoch(c, f);
		break;
	case CF_ONLINE:
		report_online(c, f);
		break;
	case CF_PRESENCE:
		c->events++;
		if (c->cb.presence)
			c->cb.presence(c, f->user, f->online,
				       c->cb.presence_ud);
		break;
	default:
		break;
	}
}

void client_proto_frame(struct secmsg_client *c, const char *json, size_t len)
{
	struct client_frame f;
	const char *why = NULL;
	char msg[160];

	if (client_frame_parse(json, len, &f, &why)) {
		snprintf(msg, sizeof(msg), "bad %s frame from the server: %s",
			 f.type_name ? f.type_name : "", why ? why : "?");
		client_frame_free(&f);
		fail(c, SECMSG_CLIENT_E_PROTOCOL, msg);
		return;
	}
	dispatch(c, &f);
	client_frame_free(&f);
}

void client_proto_closed(struct secmsg_client *c, int err)
{
	int why = c->close_err ? c->close_err : err;

	if (c->hs_live)
		secmsg_hs_wipe(&c->hs);
	c->hs_live = false;
	client_session_wipe(&c->sess);
	client_queue_clear(&c->outq);
	c->last_err = why;
	client_outbox_fail_all(c, why);
	c->close_err = 0;
	client_proto_set_state(c, SECMSG_CLIENT_IDLE, why);
}

static void connect_error(struct secmsg_client *c, const char *detail)
{
	if (c->close_err)
		return;
	report_error(c, SECMSG_CLIENT_E_CONNECT, detail);
	c->close_err = SECMSG_CLIENT_E_CONNECT;
}

/* The server's close status (RFC 6455 7.4.1): a shutdown, or a refusal. */
#define WS_GOING_AWAY		1001
#define WS_POLICY_VIOLATION	1008

static void peer_close(struct secmsg_client *c, unsigned int status)
{
	if (c->close_err)
		return;
	if (status == WS_GOING_AWAY)
		c->close_err = SECMSG_CLIENT_E_SHUTDOWN;
	else if (status == WS_POLICY_VIOLATION)
		c->close_err = c->state == SECMSG_CLIENT_HANDSHAKE ?
			       SECMSG_CLIENT_E_HANDSHAKE :
			       SECMSG_CLIENT_E_PROTOCOL;
}

const struct client_ws_events client_proto_events = {
	.open = start,
	.frame = client_proto_frame,
	.fail = fail,
	.connect_error = connect_error,
	.peer_close = peer_close,
	.closed = client_proto_closed,
};
