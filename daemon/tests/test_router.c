// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Host tests: the router layer (daemon/router.c, logins.c, auth.c,
 * relay.c, route_local.c) between a fake transport (struct router_up)
 * and a fake kernel adapter (the ksession_*, kbatch_reseal() and kern_*
 * functions the router calls, defined here): logins, the login limit,
 * presence and who; messages to every login of a user, the kernel's
 * results to delivery codes in the order the messages came, copies
 * written or dropped, recipients that leave; kernel events; revocation.
 * Then the cluster seam (route.h) with a fake route holding a user on
 * another node: presence, who, the limit, and a copy shipped there whose
 * result comes back later.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/lib/tests/tap.h"
#include "secmsg/codec.h"
#include "secmsg/handshake.h"

#include "audit.h"
#include "config.h"
#include "kbatch.h"
#include "kernel.h"
#include "ksession.h"
#include "metrics.h"
#include "proto.h"
#include "route.h"
#include "router.h"

/* ---- a fake transport ---- */

#define MAX_FRAMES	64

struct fconn {
	struct login *l;
	uint64_t cid;
	char *frames[MAX_FRAMES];
	struct delivery *dl[MAX_FRAMES];	/* a relayed message's */
	unsigned int n;
	bool closed;
	int close_code;
	const char *why;
	size_t queued;
};

static void record(struct fconn *c, char *text, struct delivery *d)
{
	if (c->n == MAX_FRAMES) {
		free(text);
		return;
	}
	c->dl[c->n] = d;
	c->frames[c->n++] = text;
}

static void f_send(void *conn, char *text)
{
	record(conn, text, NULL);
}

static bool f_send_msg(void *conn, char *text, size_t len,
		       struct delivery *d)
{
	(void)len;
	record(conn, text, d);
	return true;
}

static void f_delivery(void *conn, uint64_t id, const char *code,
		       const char *msg)
{
	record(conn, code ? proto_failed(id, code, msg) : proto_delivered(id),
	       NULL);
}

static void f_error(void *conn, const char *code, const char *msg,
		    bool has_id, uint64_t id)
{
	record(conn, proto_error(code, msg, has_id, id), NULL);
}

/* As conn.c: bye, then the router logs the connection out. */
static void f_close(void *conn, int code, const char *bye, const char *why)
{
	struct fconn *c = conn;

	if (c->closed)
		return;
	c->closed = true;
	c->close_code = code;
	c->why = why;
	if (bye)
		record(c, proto_bye(bye), NULL);
	router_logout(c->l);
}

static size_t f_queued(void *conn)
{
	return ((struct fconn *)conn)->queued;
}

static const struct router_up fake_up = {
	.send = f_send,
	.send_msg = f_send_msg,
	.delivery = f_delivery,
	.error = f_error,
	.close = f_close,
	.queued = f_queued,
};

/* Frames of c that contain every one of the strings (NULL-terminated). */
static unsigned int count(const struct fconn *c, const char *a,
			  const char *b)
{
	unsigned int i, n = 0;

	for (i = 0; i < c->n; i++)
		if (strstr(c->frames[i], a) && (!b || strstr(c->frames[i], b)))
			n++;
	return n;
}

static const char *last(const struct fconn *c)
{
	return c->n ? c->frames[c->n - 1] : "";
}

static void forget_frames(struct fconn *c)
{
	unsigned int i;

	for (i = 0; i < c->n; i++)
		free(c->frames[i]);
	c->n = 0;
}

/* ---- a fake kernel adapter ---- */

#define SID0		0x1000
#define MAX_SESS	64
#define MAX_QUEUED	64

static struct {
	void *owner[MAX_SESS];
	unsigned int nsess;
	int hs_rc;
	uint64_t deleted[MAX_SESS];
	unsigned int ndeleted;
	uint64_t rotated_sid;
	int rotated_alg;
	struct queued {
		uint64_t from;
		uint64_t to[KBATCH_MAX_COPIES];
		unsigned int n;
		uint8_t *data;
		size_t len;
		void *msg;
	} q[MAX_QUEUED];
	unsigned int nq;
} K;

static const char *const known[] = { "alice", "bob", "carol", "dave", "zed" };

int kern_user_exists(const char *user)
{
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(user, known[i]))
			return 0;
	return -ENOENT;
}

int kern_user_add(const char *user, const uint8_t pub[SECMSG_X25519_LEN])
{
	(void)user;
	(void)pub;
	return 0;
}

const char *kern_errmsg(void)
{
	return "";
}

int ksession_handshake(void *owner, const uint8_t *msg1, size_t len,
		       uint64_t *sid, uint8_t *msg2, size_t *msg2_len)
{
	(void)msg1;
	(void)len;
	if (K.hs_rc)
		return K.hs_rc;
	*sid = SID0 + K.nsess;
	K.owner[K.nsess++] = owner;
	memset(msg2, 0xab, SECMSG_HS_RESPONSE_LEN);
	*msg2_len = SECMSG_HS_RESPONSE_LEN;
	return 0;
}

int ksession_confirm(uint64_t sid, const uint8_t *msg3, size_t len,
		     struct secmsg_session_info *out)
{
	(void)sid;
	(void)msg3;
	(void)len;
	memset(out, 0, sizeof(*out));
	return 0;
}

void ksession_del(uint64_t sid)
{
	if (!sid)
		return;
	K.deleted[K.ndeleted++ % MAX_SESS] = sid;
	K.owner[sid - SID0] = NULL;
}

int ksession_rotate(uint64_t sid, int alg)
{
	K.rotated_sid = sid;
	K.rotated_alg = alg;
	return 0;
}

int kbatch_reseal(uint64_t from, const uint64_t *to, unsigned int n,
		  uint8_t *data, size_t len, void *msg)
{
	struct queued *q = &K.q[K.nq++];

	q->from = from;
	memcpy(q->to, to, n * sizeof(*to));
	q->n = n;
	q->data = data;
	q->len = len;
	q->msg = msg;
	return 0;
}

static bool deleted(uint64_t sid)
{
	unsigned int i;

	for (i = 0; i < K.ndeleted && i < MAX_SESS; i++)
		if (K.deleted[i] == sid)
			return true;
	return false;
}

/* The flush: every queued message's copies get reason st (0: re-sealed,
 * the "re-sealed" bytes are the sender's, the fake kernel echoes them). */
static void flush(int st)
{
	struct kb_copy c[KBATCH_MAX_COPIES];
	unsigned int i, j;

	for (i = 0; i < K.nq; i++) {
		struct queued *q = &K.q[i];

		for (j = 0; j < q->n; j++)
			c[j] = (struct kb_copy){
				.reason = st,
				.err = !st ? 0 : st == SECMSG_FAIL_INTERNAL ?
				       EIO : st == SECMSG_FAIL_REPLAYED ?
				       EALREADY : ENOENT,
				.data = !st ? q->data : NULL,
				.len = !st ? q->len : 0,
			};
		router_kbatch_up.resealed(q->msg, c, q->n);
		free(q->data);
	}
	K.nq = 0;
}

/* ---- a fake second node, behind the route seam ---- */

static struct {
	struct route rt;
	const char *remote_user;	/* logged in on node 7, or NULL */
	unsigned int remote_logins;
	uint64_t link;			/* the link to node 7 (0: down) */
	int ship_rc;
	unsigned int last_count;	/* the last count announced */
	char results[8][64];		/* "ref code" of inbound messages */
	unsigned int nresults;
	char replaced[SECMSG_USER_ID_MAX + 1];
	unsigned int nreplaced, flushes;
	char added[SECMSG_USER_ID_MAX + 1];
	char announced[8][SECMSG_USER_ID_MAX + 3];
	unsigned int nannounced;
	char shipped_from[SECMSG_USER_ID_MAX + 1];
	char shipped_to[SECMSG_USER_ID_MAX + 1];
	uint64_t shipped_session;
	size_t shipped_len;
	struct delivery *shipped;
} R;

static void r_announce(struct route *rt, const char *user, unsigned int n)
{
	(void)rt;
	R.last_count = n;
	snprintf(R.announced[R.nannounced++ % 8], sizeof(R.announced[0]),
		 "%c %s", n ? '+' : '-', user);
}

static unsigned int r_logins(struct route *rt, const char *user)
{
	(void)rt;
	return R.remote_user && !strcmp(user, R.remote_user) ?
	       R.remote_logins : 0;
}

static void r_users(struct route *rt, void (*fn)(void *arg, const char *user),
		    void *arg)
{
	(void)rt;
	if (R.remote_user)
		fn(arg, R.remote_user);
}

static unsigned int r_dests(struct route *rt, const char *user,
			   struct route_dest *d, unsigned int max)
{
	if (!max || !r_logins(rt, user))
		return 0;
	d[0] = (struct route_dest){ .node = 7, .session = R.link };
	return 1;
}

static int r_ship(struct route *rt, const struct route_dest *d,
		  const char *from, const char *to, const uint8_t *sealed,
		  size_t len, struct delivery *dl)
{
	(void)rt;
	(void)sealed;
	snprintf(R.shipped_from, sizeof(R.shipped_from), "%s", from);
	snprintf(R.shipped_to, sizeof(R.shipped_to), "%s", to);
	R.shipped_session = d->session;
	R.shipped_len = len;
	if (R.ship_rc)
		return R.ship_rc;
	R.shipped = dl;
	return 0;
}

static void r_result(struct route *rt, const struct route_origin *o,
		     const char *code)
{
	(void)rt;
	snprintf(R.results[R.nresults++ % 8], sizeof(R.results[0]),
		 "%u/%llu/%llu %s", o->node, (unsigned long long)o->boot,
		 (unsigned long long)o->ref, code ? code : "delivered");
}

static void r_replace(struct route *rt, const char *user, unsigned int n)
{
	(void)rt;
	snprintf(R.replaced, sizeof(R.replaced), "%s", user);
	R.nreplaced = n;
}

static void r_user_added(struct route *rt, const char *user,
			 const uint8_t pub[SECMSG_X25519_LEN])
{
	(void)rt;
	(void)pub;
	snprintf(R.added, sizeof(R.added), "%s", user);
}

static void r_flush(struct route *rt)
{
	(void)rt;
	R.flushes++;
}

static char *r_metrics(struct route *rt)
{
	(void)rt;
	return strdup("secmsgd_test_series 1\n");
}

static void r_destroy(struct route *rt)
{
	(void)rt;
}

static const struct route_ops fake_route_ops = {
	.announce = r_announce,
	.logins = r_logins,
	.users = r_users,
	.dests = r_dests,
	.ship = r_ship,
	.result = r_result,
	.replace = r_replace,
	.user_added = r_user_added,
	.flush = r_flush,
	.metrics = r_metrics,
	.destroy = r_destroy,
};

static bool resulted(const char *what)
{
	unsigned int i;

	for (i = 0; i < R.nresults && i < 8; i++)
		if (!strcmp(R.results[i], what))
			return true;
	return false;
}

static bool announced(const char *what)
{
	unsigned int i;

	for (i = 0; i < R.nannounced && i < 8; i++)
		if (!strcmp(R.announced[i], what))
			return true;
	return false;
}

/* ---- driving the router ---- */

static struct config cfg;
static struct metrics m;
static uint64_t next_cid;

static struct fconn *attach(void)
{
	struct fconn *c = calloc(1, sizeof(*c));

	c->cid = ++next_cid;
	c->l = router_attach(c, c->cid, "127.0.0.1");
	return c;
}

/* A frame from c, as the transport hands it over after parsing. */
static bool frame(struct fconn *c, const char *json)
{
	struct proto_err e;
	struct frame f;

	if (proto_parse(json, strlen(json), &f, &e)) {
		diag("proto_parse(%s): %s", json, e.msg);
		return false;
	}
	router_frame(c->l, &f, 1);
	frame_clear(&f);
	return true;
}

static char *b64(const uint8_t *p, size_t len)
{
	char *s = malloc(SECMSG_B64_LEN(len));

	secmsg_base64_encode(p, len, s);
	return s;
}

static void hello(struct fconn *c, const char *user)
{
	uint8_t priv[SECMSG_X25519_LEN], spub[SECMSG_X25519_LEN];
	uint8_t msg1[SECMSG_HS_INIT_MAX];
	size_t len = sizeof(msg1);
	struct secmsg_hs_state st;
	char json[512], *h;

	memset(priv, 1, sizeof(priv));
	memset(spub, 9, sizeof(spub));
	if (secmsg_hs_init(&st, user, SECMSG_ALG_AES_256_GCM, priv, spub,
			   msg1, &len)) {
		diag("secmsg_hs_init failed");
		return;
	}
	secmsg_hs_wipe(&st);
	h = b64(msg1, len);
	snprintf(json, sizeof(json),
		 "{\"type\":\"hello\",\"version\":1,\"user\":\"%s\","
		 "\"alg\":\"aes_256_gcm\",\"handshake\":\"%s\"}", user, h);
	free(h);
	frame(c, json);
}

static uint64_t session_of(const struct fconn *c)
{
	const char *w = c->n ? strstr(c->frames[c->n - 1], "\"session\":\"") :
			NULL;

	return w ? strtoull(w + 11, NULL, 16) : 0;
}

static void confirm(struct fconn *c, uint64_t sid)
{
	uint8_t msg3[SECMSG_HS_CONFIRM_LEN] = { 0 };
	char json[256], *h;
	int i;

	for (i = 0; i < 8; i++)
		msg3[4 + i] = (uint8_t)(sid >> (56 - 8 * i));
	h = b64(msg3, sizeof(msg3));
	snprintf(json, sizeof(json),
		 "{\"type\":\"confirm\",\"handshake\":\"%s\"}", h);
	free(h);
	frame(c, json);
}

/* hello and confirm; the session id (0 when it failed). */
static uint64_t login(struct fconn *c, const char *user)
{
	uint64_t sid;

	hello(c, user);
	if (!strstr(last(c), "\"type\":\"welcome\""))
		return 0;
	sid = session_of(c);
	confirm(c, sid);
	return strstr(last(c), "\"type\":\"ready\"") ? sid : 0;
}

static void message(struct fconn *c, unsigned int id, const char *to)
{
	static const uint8_t sealed[40] = "sealed bytes, not looked at here";
	char json[256], *h = b64(sealed, sizeof(sealed));

	snprintf(json, sizeof(json),
		 "{\"type\":\"message\",\"id\":%u,\"to\":\"%s\",\"data\":\"%s\"}",
		 id, to, h);
	free(h);
	frame(c, json);
}

static void detach(struct fconn *c)
{
	router_detach(c->l);
	forget_frames(c);
	free(c);
}

/* The index of the first message frame of c (or -1). */
static int message_frame(const struct fconn *c)
{
	unsigned int i;

	for (i = 0; i < c->n; i++)
		if (c->dl[i])
			return (int)i;
	return -1;
}

int main(void)
{
	struct fconn *a1, *a2, *a3, *a4, *b, *c, *c2, *x;
	uint64_t sa1, sa2, sa3, sb, sc;
	int i, j;

	proto_init();
	config_defaults(&cfg);
	cfg.rate = cfg.user_rate = 0;
	R.rt.ops = &fake_route_ops;
	ok(!router_init(&cfg, &m, &fake_up, &R.rt) && R.rt.up,
	   "router_init gives the route its upcalls");

	/* ---- logins ---- */
	a1 = attach();
	sa1 = login(a1, "alice");
	ok(sa1 == SID0 && strstr(last(a1), "\"user\":\"alice\"") &&
	   strstr(last(a1), "\"online\":[]"),
	   "alice logs in: welcome, then ready with nobody else online");
	ok(m.handshakes_ok == 1 && announced("+ alice"),
	   "a handshake counted; alice's first login announced to the route");
	b = attach();
	sb = login(b, "bob");
	ok(sb && strstr(last(b), "\"online\":[\"alice\"]"),
	   "bob's ready lists alice");
	ok(count(a1, "\"type\":\"presence\"", "\"user\":\"bob\"") == 1 &&
	   count(b, "\"type\":\"presence\"", NULL) == 0,
	   "alice gets presence of bob; bob none of himself");
	x = attach();
	message(x, 3, "bob");
	ok(strstr(last(x), "not_authenticated") && strstr(last(x), "\"id\":3"),
	   "a message before login: error not_authenticated with its id");
	hello(b, "bob");
	ok(strstr(last(b), "already_authenticated") != NULL,
	   "hello after ready: already_authenticated");
	K.hs_rc = -ENOENT;
	hello(x, "dave");
	K.hs_rc = 0;
	ok(count(x, "unknown_user", NULL) == 1 && x->closed &&
	   x->close_code == 1008 && !strcmp(x->why, "auth_failure") &&
	   m.handshakes_failed == 1,
	   "the kernel does not know the user: unknown_user, closed 1008");
	detach(x);

	/* ---- the login limit ---- */
	cfg.max_user_connections = 2;
	a2 = attach();
	sa2 = login(a2, "alice");
	a3 = attach();
	sa3 = login(a3, "alice");
	ok(sa2 && sa3 && a1->closed && a1->close_code == 1000 &&
	   strstr(last(a1), "\"reason\":\"replaced\"") && !a2->closed,
	   "limit 2, replace: the third login closes the oldest (bye replaced)");
	ok(deleted(sa1), "the replaced login's session is deleted");
	ok(count(b, "\"type\":\"presence\"", "\"user\":\"alice\"") == 0,
	   "alice stayed online throughout: no presence frame to bob");
	detach(a1);
	cfg.on_conflict = CONFLICT_REFUSE;
	a4 = attach();
	login(a4, "alice");
	ok(a4->closed && a4->close_code == 1008 &&
	   strstr(last(a4), "already_online") && !a2->closed && !a3->closed,
	   "limit 2, refuse: a third login gets bye already_online");
	detach(a4);
	cfg.on_conflict = CONFLICT_REPLACE;

	/* ---- a message to every login ---- */
	forget_frames(b);
	message(b, 1, "alice");
	ok(K.nq == 1 && K.q[0].n == 2 && K.q[0].from == sb &&
	   K.q[0].to[0] == sa3 && K.q[0].to[1] == sa2,
	   "one RESEAL from bob's session into both of alice's, newest first");
	flush(0);
	i = message_frame(a2);
	j = message_frame(a3);
	ok(i >= 0 && j >= 0 &&
	   strstr(a2->frames[i], "\"from\":\"bob\"") &&
	   a2->dl[i] == a3->dl[j] && b->n == 0,
	   "each login gets its copy, one delivery for both; bob waits");
	router_delivery_done(a3->dl[j], true);
	ok(b->n == 1 && strstr(last(b), "\"id\":1") &&
	   strstr(last(b), "\"status\":\"delivered\"") && m.relayed == 1 &&
	   m.lat_count == 1,
	   "the first copy written: bob hears delivered, counted once");
	router_delivery_done(a2->dl[i], true);
	ok(b->n == 1 && m.relayed == 1, "the second copy: nothing more");

	/* ---- failures, in the order the messages came ---- */
	forget_frames(a2);
	forget_frames(a3);
	forget_frames(b);
	message(b, 2, "nobody");
	message(b, 3, "dave");
	message(b, 4, "alice");
	message(b, 5, "bad user!");
	ok(K.nq == 4 && K.q[0].n == 0 && K.q[1].n == 0 && K.q[2].n == 2 &&
	   K.q[3].n == 0 && b->n == 0,
	   "failures decided early are queued too (0 copies): nothing yet");
	flush(SECMSG_FAIL_REPLAYED);
	ok(b->n == 4 &&
	   strstr(b->frames[0], "\"id\":2") &&
	   strstr(b->frames[0], "recipient_unknown") &&
	   strstr(b->frames[0], "nobody is not a user") &&
	   strstr(b->frames[1], "\"id\":3") &&
	   strstr(b->frames[1], "recipient_offline") &&
	   strstr(b->frames[1], "dave is not online") &&
	   strstr(b->frames[2], "\"id\":4") &&
	   strstr(b->frames[2], "\"code\":\"bad_message\"") &&
	   strstr(b->frames[2], "refused the sealed message: replayed") &&
	   strstr(b->frames[3], "\"id\":5") &&
	   strstr(b->frames[3], "recipient_unknown"),
	   "at the flush: unknown, offline, replayed, malformed name, in order");
	ok(m.failures[FC_recipient_unknown] == 2 &&
	   m.failures[FC_recipient_offline] == 1 &&
	   m.failures[FC_bad_message] == 1, "failures counted by code");
	forget_frames(b);
	message(b, 6, "alice");
	flush(SECMSG_FAIL_INTERNAL);
	ok(strstr(last(b), "\"code\":\"internal\"") &&
	   strstr(last(b), "the relay failed: "),
	   "a failed batch: internal, with the errno's text");
	forget_frames(b);
	message(b, 7, "alice");
	flush(SECMSG_FAIL_EPOCH_ROTATED_AWAY);
	message(b, 8, "alice");
	flush(SECMSG_FAIL_TOO_LARGE);
	message(b, 9, "alice");
	flush(SECMSG_FAIL_KEYS_EXHAUSTED);
	ok(b->n == 3 && strstr(b->frames[0], "\"code\":\"bad_message\"") &&
	   strstr(b->frames[0], "refused the sealed message: epoch rotated away") &&
	   strstr(b->frames[1], "\"code\":\"message_too_large\"") &&
	   strstr(b->frames[2], "\"code\":\"internal\"") &&
	   strstr(b->frames[2], "keys are exhausted"),
	   "the kernel's reason picks the code: rotated away, too large, keys exhausted");

	/* ---- frames proto_parse() refused ---- */
	forget_frames(b);
	i = (int)m.failures[FC_internal];
	{
		struct proto_err e = { .code = "internal",
				       .msg = "out of memory" };
		struct frame f = { .type = F_MESSAGE, .has_id = true,
				   .id = 30 };

		router_frame_error(b->l, &f, &e);
		ok(b->n == 1 && strstr(last(b), "\"type\":\"delivery\"") &&
		   strstr(last(b), "\"id\":30") &&
		   strstr(last(b), "\"code\":\"internal\"") && K.nq == 0 &&
		   m.failures[FC_internal] == (uint64_t)i + 1,
		   "a message not read for lack of memory: its delivery, failed internal");
		e.code = "bad_base64";
		f.id = 31;
		router_frame_error(b->l, &f, &e);
		ok(b->n == 2 && strstr(last(b), "\"type\":\"error\"") &&
		   strstr(last(b), "\"id\":31") &&
		   strstr(last(b), "\"code\":\"bad_base64\""),
		   "a malformed message: an error frame with its id");
		e.code = "internal";
		f = (struct frame){ .type = F_NONE };
		router_frame_error(b->l, &f, &e);
		ok(b->n == 3 && strstr(last(b), "\"type\":\"error\"") &&
		   !strstr(last(b), "\"id\""),
		   "out of memory before the frame was read: an error, no id");
		x = attach();
		f = (struct frame){ .type = F_MESSAGE, .has_id = true, .id = 32 };
		router_frame_error(x->l, &f, &e);
		ok(x->n == 1 && strstr(last(x), "\"type\":\"error\"") &&
		   strstr(last(x), "\"id\":32"),
		   "before login a message gets no delivery: an error frame");
		detach(x);
	}

	/* ---- rate limits ---- */
	forget_frames(b);
	cfg.rate = 1;
	cfg.burst = 2;
	router_reconfigure();
	for (i = 10; i < 14; i++)
		message(b, (unsigned int)i, "alice");
	flush(0);
	ok(b->n == 2 && strstr(b->frames[0], "\"id\":12") &&
	   strstr(b->frames[0], "rate_limited") &&
	   strstr(b->frames[1], "\"id\":13"),
	   "rate 1/s burst 2: the third and fourth fail rate_limited");
	for (i = 0; i < (int)a2->n; i++)
		if (a2->dl[i])
			router_delivery_done(a2->dl[i], false);
	for (i = 0; i < (int)a3->n; i++)
		if (a3->dl[i])
			router_delivery_done(a3->dl[i], i == 0);
	ok(b->n == 4 && strstr(b->frames[2], "\"id\":10") &&
	   strstr(b->frames[2], "delivered") &&
	   strstr(b->frames[3], "\"id\":11") &&
	   strstr(b->frames[3], "the recipient went offline before the message was written"),
	   "copies written or dropped: delivered, or recipient_offline");
	cfg.rate = 0;
	router_reconfigure();
	frame(b, "{\"type\":\"who\"}");
	ok(strstr(last(b), "\"type\":\"online\"") &&
	   strstr(last(b), "\"alice\"") && strstr(last(b), "\"bob\""),
	   "who lists everyone online, the caller too");

	/* ---- a recipient that keeps no pace, and one that leaves ---- */
	forget_frames(b);
	a2->queued = a3->queued = cfg.max_queue + 1;
	message(b, 20, "alice");
	flush(0);
	ok(strstr(last(b), "rate_limited") &&
	   strstr(last(b), "alice is not reading fast enough"),
	   "every login of the recipient has max_queue queued: rate_limited");
	a2->queued = a3->queued = 0;
	forget_frames(a2);
	forget_frames(a3);
	message(b, 21, "alice");
	f_close(a2, 1000, NULL, "client_bye");
	f_close(a3, 1000, NULL, "client_bye");
	ok(deleted(sa2) && deleted(sa3) &&
	   count(b, "\"user\":\"alice\"", "\"online\":false") == 1 &&
	   announced("- alice"),
	   "alice's logins leave: sessions deleted, presence offline, announced");
	flush(0);
	ok(strstr(last(b), "\"id\":21") &&
	   strstr(last(b), "the recipient went offline\""),
	   "re-sealed for logins that left: recipient_offline");
	detach(a2);
	detach(a3);

	/* ---- the kernel's upcalls ---- */
	forget_frames(b);
	router_ksession_up.epoch(K.owner[sb - SID0], 3,
				 SECMSG_ALG_CHACHA20_POLY1305, "kernel");
	router_ksession_up.epoch(K.owner[sb - SID0], 2, 0, "kernel");
	ok(b->n == 1 && strstr(last(b), "\"epoch\":3") &&
	   strstr(last(b), "chacha20_poly1305") && m.rotations == 1,
	   "a newer epoch is announced, an older one not");
	frame(b, "{\"type\":\"rotate\",\"alg\":\"twofish_cbc\"}");
	ok(K.rotated_sid == sb && K.rotated_alg == SECMSG_ALG_TWOFISH_CBC,
	   "rotate: queued for bob's session with the algorithm");
	router_ksession_up.rotate_failed(K.owner[sb - SID0], EINVAL);
	ok(strstr(last(b), "the kernel refused the rotation") != NULL,
	   "a refused rotation: error internal");
	c = attach();
	sc = login(c, "carol");
	router_ksession_up.gone(K.owner[sb - SID0], SECMSG_EVENT_EXPIRED,
				SECMSG_REASON_TIMEOUT);
	ok(b->closed && b->close_code == 1000 &&
	   strstr(last(b), "session_expired") && m.expired == 1 &&
	   !deleted(sb),
	   "the kernel expired bob's session: bye session_expired, 1000");
	detach(b);

	/* ---- the cluster seam: zed is on node 7 ---- */
	forget_frames(c);
	R.remote_user = "zed";
	R.remote_logins = 1;
	R.link = 0x7777;
	R.rt.up->presence("zed", true);
	ok(count(c, "\"user\":\"zed\"", "\"online\":true") == 1,
	   "another node's user comes online: presence to local logins");
	frame(c, "{\"type\":\"who\"}");
	ok(strstr(last(c), "\"zed\"") && strstr(last(c), "\"carol\""),
	   "who lists users of other nodes too");
	message(c, 30, "zed");
	ok(K.nq == 1 && K.q[0].n == 1 && K.q[0].to[0] == 0x7777,
	   "a message to zed: one RESEAL into the link session to node 7");
	flush(0);
	ok(R.shipped && !strcmp(R.shipped_from, "carol") &&
	   !strcmp(R.shipped_to, "zed") && R.shipped_session == 0x7777 &&
	   R.shipped_len == 40 && !count(c, "\"type\":\"delivery\"", NULL),
	   "the re-sealed copy is shipped to node 7; carol waits");
	R.rt.up->done(R.shipped, NULL, NULL);
	ok(count(c, "\"id\":30", "delivered") == 1,
	   "node 7 wrote it: carol hears delivered");
	R.shipped = NULL;
	message(c, 31, "zed");
	flush(0);
	R.rt.up->done(R.shipped, "recipient_offline", "zed left node 7");
	ok(count(c, "\"id\":31", "zed left node 7") == 1,
	   "node 7 could not: carol hears its failure");
	cfg.max_user_connections = 1;
	cfg.on_conflict = CONFLICT_REFUSE;
	x = attach();
	login(x, "zed");
	ok(x->closed && strstr(last(x), "already_online"),
	   "the login limit counts logins on other nodes");
	detach(x);
	R.rt.up->presence("zed", false);
	ok(count(c, "\"user\":\"zed\"", "\"online\":false") == 1,
	   "another node's user leaves: presence offline");

	/* node 7 has zed but no link now, or the copy cannot be sent */
	R.remote_logins = 1;
	R.link = 0;
	message(c, 32, "zed");
	flush(0);
	ok(count(c, "\"id\":32", "node_unreachable") == 1 &&
	   m.failures[FC_node_unreachable] == 1,
	   "zed's node has no link: failed node_unreachable, no RESEAL");
	R.link = 0x7777;
	R.ship_rc = -ENOTCONN;
	message(c, 33, "zed");
	flush(0);
	R.ship_rc = 0;
	ok(count(c, "\"id\":33", "node_unreachable") == 1,
	   "the route cannot send the copy: node_unreachable");
	message(c, 34, "zed");
	flush(SECMSG_FAIL_NO_SESSION);
	ok(count(c, "\"id\":34", "node_unreachable") == 1 &&
	   count(c, "\"id\":34", "the link with the other node") == 1,
	   "the link session is gone at the RESEAL: node_unreachable");

	/* messages from node 7 for carol */
	{
		struct route_origin o = { .node = 7, .boot = 99, .ref = 5 };
		uint8_t sealed[40];

		memset(sealed, 0x5a, sizeof(sealed));
		forget_frames(c);
		K.nq = 0;
		R.rt.up->inbound(&o, 0x7070, "zed", "carol", sealed, 40);
		ok(K.nq == 1 && K.q[0].from == 0x7070 && K.q[0].n == 1 &&
		   K.q[0].to[0] == sc && K.q[0].len == 40 &&
		   !memcmp(K.q[0].data, sealed, 40),
		   "inbound: one RESEAL from the link into carol's login");
		flush(0);
		i = message_frame(c);
		ok(i >= 0 && strstr(c->frames[i], "\"from\":\"zed\"") &&
		   !R.nresults, "carol gets zed's message; node 7 waits");
		router_delivery_done(c->dl[i], true);
		ok(resulted("7/99/5 delivered") && m.relayed >= 1,
		   "written: node 7 is told delivered (ref 5, its boot)");
		o.ref = 6;
		R.rt.up->inbound(&o, 0x7070, "zed", "nobody", sealed, 40);
		flush(0);
		ok(resulted("7/99/6 recipient_offline"),
		   "inbound for a user not online here: recipient_offline");
		o.ref = 7;
		R.rt.up->inbound(&o, 0x7070, "zed", "carol", sealed, 40);
		flush(SECMSG_FAIL_NO_SESSION);
		ok(resulted("7/99/7 node_unreachable"),
		   "the link from node 7 is gone: node_unreachable");
		o.ref = 8;
		R.rt.up->inbound(&o, 0x7070, "zed", "carol", sealed, 40);
		flush(SECMSG_FAIL_AUTH_FAILED);
		ok(resulted("7/99/8 node_unreachable"),
		   "the link refuses it (authentication): node_unreachable");
		ok(!count(c, "\"type\":\"delivery\"", NULL),
		   "carol gets no delivery frame for messages she received");
	}

	/* the login limit across nodes, replace: node 7 is asked */
	cfg.max_user_connections = 1;
	cfg.on_conflict = CONFLICT_REPLACE;
	x = attach();
	login(x, "zed");
	ok(!x->closed && !strcmp(R.replaced, "zed") && R.nreplaced == 1,
	   "zed logs in here over the limit: node 7 asked to close 1");
	R.remote_user = NULL;
	a1 = attach();
	login(a1, "zed");
	ok(x->closed && strstr(last(x), "\"reason\":\"replaced\"") &&
	   R.last_count == 1, "a newer local login replaces the older here");
	R.rt.up->replace("zed", 1);
	ok(a1->closed && strstr(last(a1), "\"reason\":\"replaced\"") &&
	   announced("- zed"),
	   "another node asks: the oldest login here is replaced");
	detach(x);
	detach(a1);
	cfg.max_user_connections = 4;
	x = attach();
	login(x, "carol");
	ok(R.last_count == 2, "a second login of carol: the route learns 2");
	R.rt.up->revoke("carol");
	ok(x->closed && strstr(last(x), "revoked"),
	   "the registry revokes carol: her logins close");
	detach(x);
	ok(c->closed, "both of them");
	R.rt.up->replace("nobody", 1);
	ok(true, "a replace for a user not here: nothing (no crash)");

	/* ---- revocation ---- */
	c2 = attach();
	login(c2, "carol");
	router_revoke("carol");
	ok(c2->closed && c2->close_code == 1008 &&
	   strstr(last(c2), "\"reason\":\"revoked\""),
	   "router_revoke(): bye revoked, 1008");
	detach(c2);
	detach(c);
	{
		char *t = router_metrics();

		router_flush();
		ok(t && !strcmp(t, "secmsgd_test_series 1\n") && R.flushes == 1,
		   "router_flush() and router_metrics() reach the route");
		free(t);
	}

	/* ---- this node alone ---- */
	{
		struct route *rt = route_local_new();
		struct route_dest d[2];

		ok(rt && !rt->ops->logins(rt, "alice") &&
		   !rt->ops->dests(rt, "alice", d, 2) &&
		   rt->ops->ship(rt, d, "a", "b", NULL, 0, NULL) ==
		   -EHOSTUNREACH, "route_local: no other node, nothing shipped");
		rt->ops->destroy(rt);
	}
	router_exit();
	return done();
}
