// SPDX-License-Identifier: GPL-2.0 OR MIT
/* A stand-in for secmsgd for the host tests: see fakesrv.h. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <libwebsockets.h>

#include "client/internal.h"
#include "fakesrv.h"
#include "secmsg/codec.h"
#include "secmsg/handshake.h"
#include "secmsg/nl.h"
#include "secmsg/wire.h"

struct conn {
	struct conn *next;
	struct fakesrv *srv;
	struct lws *wsi;
	int state;			/* 0 hello, 1 pending, 2 active */
	int user;			/* index in users */
	int alg;
	uint32_t epoch;
	struct secmsg_hs_pending hs;
	struct secmsg_dir_keys rx, tx;
	/* superseded inbound epochs, newest first, as the kernel keeps */
	struct secmsg_dir_keys rx_prev[SECMSG_RX_PREV_EPOCHS];
	unsigned int n_prev;
	uint64_t tx_seq;
	unsigned int count;
	struct client_queue q;
	int close_status;		/* close after the queue, or 0 */
	char rx_buf[CLIENT_MAX_FRAME + 1];
	size_t rx_len;
};

struct fakesrv {
	struct fakesrv_opts o;
	struct secmsg_hs_replay replay[FAKESRV_MAX_USERS];
	struct lws_context *ctx;
	pthread_t thread;
	atomic_bool stop;
	atomic_uint tamper;
	atomic_bool duplicate;
	struct conn *conns;
	uint64_t next_sid;
	int port;
};

static void send_json(struct conn *c, cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);

	cJSON_Delete(o);
	if (!client_queue_push(&c->q, s))
		lws_callback_on_writable(c->wsi);
}

static cJSON *frame(const char *type)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "type", type);
	return o;
}

static void add_b64(cJSON *o, const char *name, const uint8_t *p, size_t n)
{
	char *s = malloc(SECMSG_B64_LEN(n));

	secmsg_base64_encode(p, n, s);
	cJSON_AddStringToObject(o, name, s);
	free(s);
}

static void send_error(struct conn *c, const char *code, const char *msg,
		       int close_status)
{
	cJSON *o = frame("error");

	cJSON_AddStringToObject(o, "code", code);
	cJSON_AddStringToObject(o, "message", msg);
	send_json(c, o);
	if (close_status)
		c->close_status = close_status;
}

/* As secmsgd's conn_close(): a bye frame with the reason, then a close. */
static void send_bye(struct conn *c, const char *reason, int close_status)
{
	cJSON *o = frame("bye");

	cJSON_AddStringToObject(o, "reason", reason);
	send_json(c, o);
	c->close_status = close_status;
	lws_callback_on_writable(c->wsi);
}

static long b64_member(cJSON *root, const char *name, uint8_t *out,
		       size_t room)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);

	if (!cJSON_IsString(v))
		return -EINVAL;
	return secmsg_base64_decode(v->valuestring, strlen(v->valuestring),
				    out, room);
}

static const char *str_member(cJSON *root, const char *name)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static struct conn *find_active(struct fakesrv *s, int user)
{
	struct conn *c;

	for (c = s->conns; c; c = c->next)
		if (c->state == 2 && c->user == user)
			return c;
	return NULL;
}

static int find_user(struct fakesrv *s, const char *name)
{
	int i;

	for (i = 0; i < s->o.n_users; i++)
		if (!strcmp(s->o.users[i].name, name))
			return i;
	return -1;
}

/* The users online, less except's (NULL: all), as in secmsgd. */
static cJSON *online_list(struct fakesrv *s, const struct conn *except)
{
	cJSON *a = cJSON_CreateArray();
	struct conn *c;

	for (c = s->conns; c; c = c->next)
		if (c->state == 2 &&
		    !(except && c->user == except->user))
			cJSON_AddItemToArray(a, cJSON_CreateString(
				s->o.users[c->user].name));
	return a;
}

static void presence(struct fakesrv *s, struct conn *who, bool online)
{
	struct conn *c;
	cJSON *o;

	for (c = s->conns; c; c = c->next) {
		if (c == who || c->state != 2)
			continue;
		o = frame("presence");
		cJSON_AddStringToObject(o, "user", s->o.users[who->user].name);
		cJSON_AddBoolToObject(o, "online", online);
		send_json(c, o);
	}
}

/*
 * As secmsgd: client messages of the last SECMSG_RX_PREV_EPOCHS
 * superseded epochs are still accepted (docs/protocol.md section 2),
 * without the grace time's limit.
 */
static void rotate(struct conn *c, int alg, bool tell)
{
	cJSON *o;

	if (c->n_prev == SECMSG_RX_PREV_EPOCHS)
		secmsg_dir_wipe(&c->rx_prev[--c->n_prev]);
	memmove(&c->rx_prev[1], &c->rx_prev[0],
		c->n_prev * sizeof(c->rx_prev[0]));
	c->rx_prev[0] = c->rx;
	c->n_prev++;
	secmsg_dir_ratchet(&c->rx);
	secmsg_dir_ratchet(&c->tx);
	c->epoch++;
	c->tx_seq = 0;
	c->count = 0;
	if (alg)
		c->alg = alg;
	if (!tell)
		return;
	o = frame("epoch");
	cJSON_AddNumberToObject(o, "epoch", c->epoch);
	cJSON_AddStringToObject(o, "alg", secmsg_alg_name(c->alg));
	send_json(c, o);
}

static void count(struct conn *c)
{
	if (c->srv->o.rotate_every && ++c->count >= c->srv->o.rotate_every)
		rotate(c, 0, !c->srv->o.silent_rotation);
}

static void on_hello(struct fakesrv *s, struct conn *c, cJSON *root)
{
	uint8_t msg1[SECMSG_HS_INIT_MAX + 1], pub[33];
	struct secmsg_hs_init_info info;
	const char *user = str_member(root, "user");
	const char *alg = str_member(root, "alg");
	char hex[17];
	long n;
	int u, err;
	cJSON *o;

	n = b64_member(root, "handshake", msg1, sizeof(msg1));
	if (!user || !alg || n < 0 ||
	    secmsg_hs_parse_init(msg1, (size_t)n, &info) ||
	    strcmp(info.user_id, user) ||
	    info.alg != secmsg_alg_from_name(alg)) {
		send_error(c, "bad_field", "bad hello", 1008);
		return;
	}
	u = find_user(s, user);
	if (u < 0 && s->o.register_on_first_use &&
	    s->o.n_users < FAKESRV_MAX_USERS &&
	    b64_member(root, "pubkey", pub, sizeof(pub)) == 32) {
		u = s->o.n_users++;
		snprintf(s->o.users[u].name, sizeof(s->o.users[u].name), "%s",
			 user);
		memcpy(s->o.users[u].pub, pub, 32);
	}
	if (u < 0) {
		send_error(c, "unknown_user", "no such user", 1008);
		return;
	}
	err = secmsg_hs_respond(s->o.server_priv, NULL, s->o.users[u].pub,
				&s->replay[u], s->next_sid++, NULL, msg1,
				(size_t)n, &c->hs);
	if (err) {
		send_error(c, err == -EBADMSG ? "auth_failed" :
			      err == -EALREADY ? "replayed" :
			      "handshake_failed", "refused", 1008);
		return;
	}
	c->user = u;
	c->alg = info.alg;
	c->state = 1;
	o = frame("welcome");
	snprintf(hex, sizeof(hex), "%016" PRIx64, c->hs.session_id);
	cJSON_AddStringToObject(o, "session", hex);
	add_b64(o, "handshake", c->hs.msg2, sizeof(c->hs.msg2));
	send_json(c, o);
}

static void on_confirm(struct fakesrv *s, struct conn *c, cJSON *root)
{
	uint8_t msg3[SECMSG_HS_CONFIRM_LEN + 1];
	struct conn *old;
	char hex[17];
	long n;
	cJSON *o;

	n = b64_member(root, "handshake", msg3, sizeof(msg3));
	if (n < 0 || secmsg_hs_confirm_check(&c->hs, msg3, (size_t)n)) {
		secmsg_hs_pending_wipe(&c->hs);
		send_error(c, "handshake_failed", "bad confirm", 1008);
		return;
	}
	old = find_active(s, c->user);
	if (old) {			/* the newer connection wins */
		old->state = 3;
		send_bye(old, "replaced", 1000);
	}
	secmsg_dir_init(&c->rx, SECMSG_DIR_C2S, c->hs.secret_c2s);
	secmsg_dir_init(&c->tx, SECMSG_DIR_S2C, c->hs.secret_s2c);
	c->state = 2;
	o = frame("ready");
	snprintf(hex, sizeof(hex), "%016" PRIx64, c->hs.session_id);
	cJSON_AddStringToObject(o, "session", hex);
	cJSON_AddStringToObject(o, "user", s->o.users[c->user].name);
	cJSON_AddStringToObject(o, "alg", secmsg_alg_name(c->alg));
	cJSON_AddNumberToObject(o, "epoch", 0);
	cJSON_AddItemToObject(o, "online", online_list(s, c));
	send_json(c, o);
	presence(s, c, true);
}

static void delivery(struct conn *c, double id, const char *code)
{
	cJSON *o = frame("delivery");

	cJSON_AddNumberToObject(o, "id", id);
	cJSON_AddStringToObject(o, "status", code ? "failed" : "delivered");
	if (code) {
		cJSON_AddStringToObject(o, "code", code);
		cJSON_AddStringToObject(o, "message", code);
	}
	send_json(c, o);
}

static void on_message(struct fakesrv *s, struct conn *c, cJSON *root)
{
	static uint8_t in[SECMSG_MAX_PLAINTEXT + SECMSG_MAX_OVERHEAD + 4];
	static uint8_t pt[SECMSG_MAX_PLAINTEXT + SECMSG_MAX_OVERHEAD + 4];
	static uint8_t out[SECMSG_MAX_PLAINTEXT + SECMSG_MAX_OVERHEAD + 4];
	cJSON *idv = cJSON_GetObjectItemCaseSensitive(root, "id");
	const char *to = str_member(root, "to");
	struct secmsg_hdr h;
	struct conn *r;
	long n, m;
	unsigned int i;
	int u, k;
	cJSON *o;

	n = b64_member(root, "data", in, sizeof(in));
	if (!cJSON_IsNumber(idv) || !to || n < 0) {
		send_error(c, "bad_field", "bad message", 0);
		return;
	}
	m = -EINVAL;
	if (!secmsg_hdr_get(in, (size_t)n, &h)) {
		if (h.epoch == c->epoch)
			m = secmsg_msg_open(&c->rx, c->hs.session_id, in,
					    (size_t)n, NULL, pt);
		else
			for (i = 0; i < c->n_prev; i++)
				if (h.epoch == c->rx_prev[i].epoch) {
					m = secmsg_msg_open(&c->rx_prev[i],
							    c->hs.session_id,
							    in, (size_t)n,
							    NULL, pt);
					break;
				}
	}
	if (m < 0) {
		delivery(c, idv->valuedouble, "bad_message");
		return;
	}
	u = find_user(s, to);
	r = u < 0 ? NULL : find_active(s, u);
	if (!r) {
		delivery(c, idv->valuedouble,
			 u < 0 ? "recipient_unknown" : "recipient_offline");
		return;
	}
	count(c);
	n = secmsg_msg_seal(&r->tx, r->alg, r->hs.session_id, r->tx_seq++,
			    pt, (size_t)m, out);
	explicit_bzero(pt, (size_t)m);
	if (atomic_load(&s->tamper)) {
		atomic_fetch_sub(&s->tamper, 1);
		out[n - 1] ^= 1;
	}
	for (k = atomic_load(&s->duplicate) ? 2 : 1; k; k--) {
		o = frame("message");
		cJSON_AddStringToObject(o, "from", s->o.users[c->user].name);
		add_b64(o, "data", out, (size_t)n);
		send_json(r, o);
	}
	count(r);
	delivery(c, idv->valuedouble, NULL);
}

static void on_frame(struct fakesrv *s, struct conn *c)
{
	cJSON *root = cJSON_ParseWithLength(c->rx_buf, c->rx_len);
	const char *type = root ? str_member(root, "type") : NULL;
	cJSON *o;

	if (!type) {
		send_error(c, "bad_json", "not a frame", 0);
	} else if (!strcmp(type, "hello")) {
		if (c->state)
			send_error(c, "already_authenticated", "again", 0);
		else if (!s->o.mute_hello)
			on_hello(s, c, root);
	} else if (!strcmp(type, "confirm") && c->state == 1) {
		on_confirm(s, c, root);
	} else if (c->state != 2) {
		send_error(c, "not_authenticated", "hello first", 0);
	} else if (!strcmp(type, "message")) {
		on_message(s, c, root);
	} else if (!strcmp(type, "rotate")) {
		const char *alg = str_member(root, "alg");

		rotate(c, alg ? secmsg_alg_from_name(alg) : 0, true);
	} else if (!strcmp(type, "who")) {
		o = frame("online");
		cJSON_AddItemToObject(o, "users", online_list(s, NULL));
		send_json(c, o);
	} else if (!strcmp(type, "bye")) {
		c->close_status = 1000;
		lws_callback_on_writable(c->wsi);
	} else {
		send_error(c, "unknown_type", type, 0);
	}
	cJSON_Delete(root);
}

static void unlink_conn(struct fakesrv *s, struct conn *c)
{
	struct conn **pp;

	for (pp = &s->conns; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	if (c->state == 2)
		presence(s, c, false);
	client_queue_clear(&c->q);
	secmsg_hs_pending_wipe(&c->hs);
	secmsg_dir_wipe(&c->rx);
	secmsg_dir_wipe(&c->tx);
	while (c->n_prev)
		secmsg_dir_wipe(&c->rx_prev[--c->n_prev]);
	c->state = 0;
}

static int srv_cb(struct lws *wsi, enum lws_callback_reasons reason,
		  void *user, void *in, size_t len)
{
	struct lws_context *ctx = lws_get_context(wsi);
	struct fakesrv *s = ctx ? lws_context_user(ctx) : NULL;
	struct conn *c = user;
	struct client_out *out;

	switch (reason) {
	case LWS_CALLBACK_ESTABLISHED:
		memset(c, 0, sizeof(*c));
		c->srv = s;
		c->wsi = wsi;
		c->q.pre = LWS_PRE;
		c->next = s->conns;
		s->conns = c;
		break;
	case LWS_CALLBACK_RECEIVE:
		if (c->rx_len + len > CLIENT_MAX_FRAME)
			return -1;
		memcpy(c->rx_buf + c->rx_len, in, len);
		c->rx_len += len;
		if (lws_is_final_fragment(wsi) &&
		    !lws_remaining_packet_payload(wsi)) {
			on_frame(s, c);
			c->rx_len = 0;
		}
		break;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		out = client_queue_peek(&c->q);
		if (out) {
			if (lws_write(wsi, out->buf + LWS_PRE, out->len,
				      LWS_WRITE_TEXT) < (int)out->len)
				return -1;
			client_queue_pop(&c->q);
		}
		if (c->q.count) {
			lws_callback_on_writable(wsi);
		} else if (c->close_status) {
			lws_close_reason(wsi, c->close_status,
					 (unsigned char *)"bye", 3);
			return -1;
		}
		break;
	case LWS_CALLBACK_CLOSED:
		unlink_conn(s, c);
		break;
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		if (s && atomic_load(&s->stop))
			for (c = s->conns; c; c = c->next)
				if (!c->close_status)
					send_bye(c, "shutdown", 1001);
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols srv_protocols[] = {
	{ "secmsg.v1", srv_cb, sizeof(struct conn), 4096, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static void tick_cb(lws_sorted_usec_list_t *sul)
{
	(void)sul;
}

static void *run(void *arg)
{
	struct fakesrv *s = arg;
	lws_sorted_usec_list_t tick;
	int64_t end = 0;

	memset(&tick, 0, sizeof(tick));
	for (;;) {
		lws_sul_schedule(s->ctx, 0, &tick, tick_cb, 100 * LWS_US_PER_MS);
		lws_service(s->ctx, 0);
		if (atomic_load(&s->stop)) {
			if (!end)
				end = client_now_ms() + 1000;
			if (!s->conns || client_now_ms() > end)
				break;
		}
	}
	lws_sul_cancel(&tick);
	return NULL;
}

struct fakesrv *fakesrv_start(const struct fakesrv_opts *o)
{
	struct lws_context_creation_info info;
	struct fakesrv *s = calloc(1, sizeof(*s));
	struct lws_vhost *vh;

	if (!s)
		return NULL;
	s->o = *o;
	s->next_sid = 0x1000 + (uint64_t)o->port * 0x10000;
	atomic_store(&s->tamper, o->tamper_next);
	atomic_store(&s->duplicate, o->duplicate);
	memset(&info, 0, sizeof(info));
	info.port = o->port ? o->port : 0;
	info.iface = "127.0.0.1";
	info.protocols = srv_protocols;
	info.gid = -1;
	info.uid = -1;
	info.user = s;
	info.fd_limit_per_thread = 64;
	info.options = LWS_SERVER_OPTION_DISABLE_IPV6;
	s->ctx = lws_create_context(&info);
	if (!s->ctx) {
		free(s);
		return NULL;
	}
	vh = lws_get_vhost_by_name(s->ctx, "default");
	s->port = vh ? lws_get_vhost_listen_port(vh) : o->port;
	if (pthread_create(&s->thread, NULL, run, s)) {
		lws_context_destroy(s->ctx);
		free(s);
		return NULL;
	}
	return s;
}

int fakesrv_port(const struct fakesrv *s)
{
	return s->port;
}

void fakesrv_set_tamper(struct fakesrv *s, unsigned int n)
{
	atomic_store(&s->tamper, n);
}

void fakesrv_set_duplicate(struct fakesrv *s, bool on)
{
	atomic_store(&s->duplicate, on);
}

void fakesrv_stop(struct fakesrv *s)
{
	if (!s)
		return;
	atomic_store(&s->stop, true);
	lws_cancel_service(s->ctx);
	pthread_join(s->thread, NULL);
	lws_context_destroy(s->ctx);
	free(s);
}
