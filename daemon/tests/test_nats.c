// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Host tests: the message bus (daemon/cluster/nats.c) against a real
 * nats-server started here (tests/natsrv.h), and against two fake
 * servers for the error paths: connect, publish/subscribe, request/reply
 * and its timeout and no-responder answers, the size limit, JetStream
 * key-value and its watch, a server killed and restarted (reconnect,
 * subscriptions and the watch carry on), close with work in flight.
 * Every callback must run on this thread, inside bus_dispatch().
 */
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>

#include "natsrv.h"
#include "../../tools/lib/tests/tap.h"
#include "cluster/bus.h"

static pthread_t main_thread;
static bool wrong_thread;

static void check_thread(void)
{
	if (!pthread_equal(pthread_self(), main_thread))
		wrong_thread = true;
}

/* ---- what the callbacks saw ---- */

#define MAX_STATES 64
static enum bus_state states[MAX_STATES];
static char state_text[MAX_STATES][256];
static int nstates;

static void on_state(void *arg, enum bus_state st, const char *text)
{
	(void)arg;
	check_thread();
	if (nstates < MAX_STATES) {
		snprintf(state_text[nstates], sizeof(state_text[0]), "%s", text);
		states[nstates++] = st;
	}
}

static int count_state(enum bus_state st)
{
	int i, n = 0;

	for (i = 0; i < nstates; i++)
		n += states[i] == st;
	return n;
}

struct inbox {
	int n;
	char subject[64], reply[128];
	uint8_t data[4096];
	size_t len;
	uint32_t last_seq;
	bool in_order;
};

static void on_msg(void *arg, const struct bus_msg *m)
{
	struct inbox *in = arg;

	check_thread();
	if (m->len == 4 && !strncmp(m->subject, "seq.", 4)) {
		uint32_t v;

		memcpy(&v, m->data, 4);
		if (v != in->last_seq + 1)
			in->in_order = false;
		in->last_seq = v;
	}
	in->n++;
	snprintf(in->subject, sizeof(in->subject), "%s", m->subject);
	snprintf(in->reply, sizeof(in->reply), "%s", m->reply);
	in->len = m->len < sizeof(in->data) ? m->len : sizeof(in->data);
	memcpy(in->data, m->data, in->len);
}

struct answer {
	int n, status;
	uint8_t data[256];
	size_t len;
	long long at;
};

static void on_reply(void *arg, int status, const struct bus_msg *m)
{
	struct answer *a = arg;

	check_thread();
	a->n++;
	a->status = status;
	a->at = natsrv_ms();
	a->len = 0;
	if (m) {
		a->len = m->len < sizeof(a->data) ? m->len : sizeof(a->data);
		memcpy(a->data, m->data, a->len);
	}
}

/* An echo service: answers with the request's bytes reversed. */
static struct bus *echo_bus;

static void on_echo(void *arg, const struct bus_msg *m)
{
	uint8_t out[4096];
	size_t i;

	(void)arg;
	check_thread();
	for (i = 0; i < m->len && i < sizeof(out); i++)
		out[i] = m->data[m->len - 1 - i];
	bus_respond(echo_bus, m, out, i);
}

struct kvlog {
	char ops[64][80];	/* "R", "S", "P key=value", "D key" */
	int n;
};

static void on_kv(void *arg, const struct bus_kv_ev *ev)
{
	struct kvlog *l = arg;

	check_thread();
	if (l->n == 64)
		return;
	switch (ev->op) {
	case BUS_KV_RESET:
		snprintf(l->ops[l->n++], 80, "R");
		break;
	case BUS_KV_SYNCED:
		snprintf(l->ops[l->n++], 80, "S");
		break;
	case BUS_KV_PUT:
		snprintf(l->ops[l->n++], 80, "P %s=%.*s", ev->key,
			 (int)ev->len, (const char *)ev->val);
		break;
	case BUS_KV_DEL:
		snprintf(l->ops[l->n++], 80, "D %s", ev->key);
		break;
	}
}

/* The log from entry `from` on, joined with spaces. */
static const char *kvlog_str(const struct kvlog *l, int from)
{
	static char s[2048];
	int i;

	s[0] = '\0';
	for (i = from; i < l->n; i++)
		snprintf(s + strlen(s), sizeof(s) - strlen(s), "%s%s",
			 i > from ? " " : "", l->ops[i]);
	return s;
}

/* ---- pumping ---- */

/* Dispatch the buses until cond(arg) or ms elapse; cond's last value. */
static bool pump(struct bus **bs, int nb, int ms, bool (*cond)(void *),
		 void *arg)
{
	long long until = natsrv_ms() + ms;
	struct pollfd p[4];
	int i;

	for (;;) {
		if (cond && cond(arg))
			return true;
		if (natsrv_ms() >= until)
			return cond ? cond(arg) : true;
		for (i = 0; i < nb; i++)
			p[i] = (struct pollfd){ .fd = bus_fd(bs[i]),
						.events = POLLIN };
		poll(p, (nfds_t)nb, 20);
		for (i = 0; i < nb; i++)
			bus_dispatch(bs[i]);
	}
}

static bool pump1(struct bus *b, int ms, bool (*cond)(void *), void *arg)
{
	return pump(&b, 1, ms, cond, arg);
}

static bool answered(void *arg)
{
	return ((struct answer *)arg)->n > 0;
}

static int want_n;
static bool inbox_has(void *arg)
{
	return ((struct inbox *)arg)->n >= want_n;
}

static enum bus_state want_state;
static int want_count;
static bool state_seen(void *arg)
{
	(void)arg;
	return count_state(want_state) >= want_count;
}

static int want_ops;
static bool kv_has(void *arg)
{
	return ((struct kvlog *)arg)->n >= want_ops;
}

static struct bus *open_bus(const char *servers, bool retry, int *rc,
			    char *err, size_t errlen)
{
	struct bus_opts o = { .servers = servers, .name = "test",
			      .retry = retry, .state = on_state };
	struct bus *b = NULL;

	*rc = bus_open(&b, &o, err, errlen);
	return b;
}

/* ---- fake servers ---- */

struct fake {
	int lfd, port;
	const char *script;	/* sent on accept; then read and close */
	pthread_t t;
};

static void *fake_thread(void *arg)
{
	struct fake *f = arg;
	char buf[1024];
	int fd, i;

	for (i = 0; i < 2; i++) {
		fd = accept(f->lfd, NULL, NULL);
		if (fd < 0)
			return NULL;
		if (write(fd, f->script, strlen(f->script)) < 0) {
			/* the client went away */
		}
		/* read what the client says, then hang up */
		if (read(fd, buf, sizeof(buf)) < 0) {
			/* nothing */
		}
		close(fd);
	}
	return NULL;
}

static int fake_start(struct fake *f, const char *script)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	f->script = script;
	f->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (f->lfd < 0 || bind(f->lfd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(f->lfd, 4) ||
	    getsockname(f->lfd, (struct sockaddr *)&a, &len))
		return -1;
	f->port = ntohs(a.sin_port);
	return pthread_create(&f->t, NULL, fake_thread, f);
}

static void fake_stop(struct fake *f)
{
	shutdown(f->lfd, SHUT_RDWR);
	close(f->lfd);
	pthread_join(f->t, NULL);
}

/* ---- tests ---- */

static void test_bad_args(void)
{
	char err[256], list[2048];
	int rc, i;
	struct bus *b;

	b = open_bus("", false, &rc, err, sizeof(err));
	ok(!b && rc == -EINVAL && strstr(err, "no server"),
	   "an empty server list is refused (%s)", err);
	list[0] = '\0';
	for (i = 0; i < 33; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "nats://127.0.0.1:%d,", 4000 + i);
	b = open_bus(list, false, &rc, err, sizeof(err));
	ok(!b && rc == -EINVAL && strstr(err, "more than 32"),
	   "33 servers are refused (%s)", err);
}

static void test_fakes(void)
{
	struct fake f1, f2;
	char url[64], err[256];
	struct bus *b;
	int rc;

	if (fake_start(&f1, "HELLO this is not NATS\r\n")) {
		ok(false, "fake server 1");
		return;
	}
	snprintf(url, sizeof(url), "nats://127.0.0.1:%d", f1.port);
	b = open_bus(url, false, &rc, err, sizeof(err));
	ok(!b && rc < 0 && strstr(err, "cannot connect"),
	   "a server speaking something else: refused (%d, %s)", rc, err);
	fake_stop(&f1);

	if (fake_start(&f2, "INFO {\"server_id\":\"fake\",\"version\":\"2.9.10\","
		       "\"max_payload\":1048576,\"headers\":true}\r\n"
		       "-ERR 'Authorization Violation'\r\n")) {
		ok(false, "fake server 2");
		return;
	}
	snprintf(url, sizeof(url), "nats://127.0.0.1:%d", f2.port);
	b = open_bus(url, false, &rc, err, sizeof(err));
	ok(!b && rc < 0 && strstr(err, "cannot connect"),
	   "a server refusing the connection: refused (%d, %s)", rc, err);
	fake_stop(&f2);
}

static bool sub_n(struct bus *b, struct inbox *in, int n, int ms)
{
	want_n = n;
	return pump1(b, ms, inbox_has, in);
}

static void test_pubsub(struct bus *b)
{
	static struct inbox exact, wild, seq;
	const uint8_t bin[] = { 0, 1, 2, 0xff, 0, 'x' };
	uint32_t v;
	int i, rc;

	ok(!bus_subscribe(b, "t.exact", on_msg, &exact) &&
	   !bus_subscribe(b, "t.*", on_msg, &wild) &&
	   !bus_subscribe(b, "seq.>", on_msg, &seq), "subscribe");
	rc = bus_publish(b, "t.exact", bin, sizeof(bin));
	ok(!rc && sub_n(b, &exact, 1, 10000) && exact.len == sizeof(bin) &&
	   !memcmp(exact.data, bin, sizeof(bin)) &&
	   !strcmp(exact.subject, "t.exact") && !exact.reply[0],
	   "a binary message arrives byte for byte");
	ok(sub_n(b, &wild, 1, 10000) && wild.len == sizeof(bin),
	   "and to the wildcard subscription");
	ok(!bus_publish(b, "t.other", NULL, 0) && !bus_flush(b, 5000) &&
	   sub_n(b, &wild, 2, 10000) &&
	   wild.len == 0 && exact.n == 1, "an empty message, another subject");
	seq.in_order = true;
	for (i = 1, rc = 0; i <= 2000 && !rc; i++) {
		v = (uint32_t)i;
		rc = bus_publish(b, "seq.n", &v, sizeof(v));
	}
	sub_n(b, &seq, 2000, 30000);
	ok(!rc && seq.n == 2000 && seq.in_order && seq.last_seq == 2000,
	   "2000 messages arrive, in order (%d)", seq.n);
	ok(bus_publish(b, "bad..subject", "x", 1) == -EINVAL &&
	   bus_publish(b, "t.*", "x", 1) == -EINVAL &&
	   bus_publish(b, "t x", "x", 1) == -EINVAL &&
	   bus_publish(b, "t.", "x", 1) == -EINVAL && *bus_errmsg(b),
	   "invalid subjects to publish: -EINVAL (%s)", bus_errmsg(b));
	ok(bus_subscribe(b, "", on_msg, &exact) == -EINVAL &&
	   bus_subscribe(b, "a.>.b", on_msg, &exact) == -EINVAL &&
	   bus_subscribe(b, "a.b*", on_msg, &exact) == -EINVAL,
	   "invalid subjects to subscribe: -EINVAL");
}

/* The heartbeat repeats itself while the owner is late, for a while. */
static void test_beat(struct bus *b)
{
	static struct inbox hb;
	long long t0;
	int n;

	ok(!bus_subscribe(b, "hb.node", on_msg, &hb) && !bus_flush(b, 5000),
	   "subscribe to the heartbeat");
	ok(bus_beat(b, "hb.*", "x", 1, 100, 600) == -EINVAL &&
	   bus_beat(b, "hb.node", "x", 1, 0, 600) == -EINVAL,
	   "a bad subject or interval: -EINVAL");
	t0 = natsrv_ms();
	ok(!bus_beat(b, "hb.node", "beat-1", 6, 100, 600),
	   "a heartbeat, repeated every 100 ms for 600 ms");
	/* no bus_beat() meanwhile: the owner is "busy" */
	pump1(b, (int)(t0 + 1600 - natsrv_ms()), NULL, NULL);
	n = hb.n;
	ok(n >= 3 && n <= 8 && hb.len == 6 && !memcmp(hb.data, "beat-1", 6) &&
	   bus_beat_repeats(b) == (uint64_t)(n - 1),
	   "the same bytes again while the owner is silent (%d in all, %llu "
	   "repeats)", n, (unsigned long long)bus_beat_repeats(b));
	pump1(b, 1000, NULL, NULL);
	ok(hb.n == n, "none after the hold (%d)", hb.n);
	ok(!bus_beat(b, "hb.node", "beat-2", 6, 100, 60000) &&
	   sub_n(b, &hb, n + 1, 5000) && !memcmp(hb.data, "beat-2", 6),
	   "a new heartbeat goes at once");
	bus_beat_stop(b);
	pump1(b, 300, NULL, NULL);	/* a repeat sent before the stop */
	n = hb.n;
	pump1(b, 600, NULL, NULL);
	ok(hb.n == n, "bus_beat_stop(): no repeat (%d)", hb.n - n);
}

static void test_size(struct bus *b)
{
	size_t big = 2u << 20;
	uint8_t *p = calloc(1, big);

	ok(p && bus_publish(b, "t.big", p, big) == -EMSGSIZE,
	   "a message over max_payload: -EMSGSIZE (%s)", bus_errmsg(b));
	free(p);
}

static void test_request(struct bus *b, struct bus *peer)
{
	struct bus *both[2] = { b, peer };
	static struct inbox mute;
	struct answer a = { 0 }, nobody = { 0 }, late = { 0 };
	long long t0;
	int rc;

	echo_bus = peer;
	ok(!bus_subscribe(peer, "svc.echo", on_echo, NULL) &&
	   !bus_subscribe(peer, "svc.mute", on_msg, &mute),
	   "a responder on another connection");
	/* let the peer's subscriptions reach the server */
	pump(both, 2, 300, NULL, NULL);
	rc = bus_request(b, "svc.echo", "abc\0d", 5, 5000, on_reply, &a);
	ok(!rc && pump(both, 2, 10000, answered, &a) && a.n == 1 &&
	   a.status == 0 && a.len == 5 && !memcmp(a.data, "d\0cba", 5),
	   "request/reply: the answer's bytes (%d)", a.status);
	t0 = natsrv_ms();
	rc = bus_request(b, "svc.nobody", "x", 1, 5000, on_reply, &nobody);
	pump(both, 2, 10000, answered, &nobody);
	ok(!rc && nobody.n == 1 && nobody.status == -EHOSTUNREACH &&
	   nobody.at - t0 < 4000,
	   "no responder: -EHOSTUNREACH at once (%d, %lld ms)",
	   nobody.status, nobody.at - t0);
	t0 = natsrv_ms();
	rc = bus_request(b, "svc.mute", "x", 1, 300, on_reply, &late);
	pump(both, 2, 10000, answered, &late);
	ok(!rc && late.n == 1 && late.status == -ETIMEDOUT &&
	   late.at - t0 >= 290 &&
	   mute.n == 1 && mute.reply[0],
	   "a responder that never answers: -ETIMEDOUT after the timeout "
	   "(%d, %lld ms)", late.status, late.at - t0);
	/* nothing more arrives for the requests already answered */
	pump(both, 2, 500, NULL, NULL);
	ok(a.n == 1 && nobody.n == 1 && late.n == 1,
	   "each request answered exactly once");
	ok(bus_request(b, "svc.echo", "x", 1, 0, on_reply, &a) == -EINVAL,
	   "a timeout under 10 ms: -EINVAL");
	ok(bus_respond(b, &(struct bus_msg){ .subject = "x", .reply = "" },
		       "x", 1) == -EINVAL, "respond without a reply subject");
}

static void test_kv(struct bus *b, struct bus *nojs)
{
	uint8_t *v = NULL;
	size_t len = 0;
	int rc;

	rc = bus_kv_get(b, "nobucket", "k", &v, &len, 5000);
	ok(rc == -ENOENT && !v, "get from a bucket that does not exist: "
	   "-ENOENT (%s)", bus_errmsg(b));
	rc = bus_kv_put(b, "users", 0, "alice", "A", 1, 5000);
	ok(rc == -ENOENT, "put without creating: -ENOENT (%d)", rc);
	rc = bus_kv_put(b, "users", 1, "alice", "KEY-A\0x", 7, 5000);
	ok(!rc, "put creates the bucket (%s)", rc ? bus_errmsg(b) : "");
	rc = bus_kv_get(b, "users", "alice", &v, &len, 5000);
	ok(!rc && len == 7 && !memcmp(v, "KEY-A\0x", 7) && v[7] == 0,
	   "get: the value, byte for byte");
	free(v);
	rc = bus_kv_get(b, "users", "bob", &v, &len, 5000);
	ok(rc == -ENOENT && !v, "get of a missing key: -ENOENT");
	ok(!bus_kv_put(b, "users", 1, "bob", "KEY-B", 5, 5000) &&
	   !bus_kv_del(b, "users", "bob", 5000) &&
	   bus_kv_get(b, "users", "bob", &v, &len, 5000) == -ENOENT,
	   "del, then get: -ENOENT");
	ok(bus_kv_del(b, "users", "bob", 5000) == -ENOENT,
	   "del of a deleted key: -ENOENT");
	ok(!bus_kv_put(b, "auto", BUS_KV_REPLICAS_AUTO, "k", "v", 1, 5000) &&
	   !bus_kv_get(b, "auto", "k", &v, &len, 5000) && len == 1,
	   "a bucket made with as many replicas as servers (one here)");
	free(v);
	ok(bus_kv_put(b, "users", 1, "bad key", "x", 1, 5000) == -EINVAL,
	   "a key with a space: -EINVAL (%s)", bus_errmsg(b));
	rc = bus_kv_put(nojs, "users", 1, "alice", "A", 1, 3000);
	ok(rc == -EHOSTUNREACH && strstr(bus_errmsg(nojs), "JetStream"),
	   "a server without JetStream: an error (%d, %s)", rc,
	   bus_errmsg(nojs));
}

static struct kvlog watch_log;

static void test_watch(struct bus *b)
{
	int rc;

	ok(!bus_kv_put(b, "users", 1, "carol", "C", 1, 5000),
	   "put carol before the watch");
	rc = bus_kv_watch(b, "users", 1, on_kv, &watch_log);
	want_ops = 5;
	ok(!rc && pump1(b, 15000, kv_has, &watch_log) &&
	   !strcmp(kvlog_str(&watch_log, 0),
		   "R P alice=KEY-A D bob P carol=C S"),
	   "watch: reset, the current state of each key, synced (%s)",
	   kvlog_str(&watch_log, 0));
	ok(!bus_kv_put(b, "users", 1, "dave", "D", 1, 5000) &&
	   !bus_kv_del(b, "users", "alice", 5000), "put dave, del alice");
	want_ops = 7;
	ok(pump1(b, 15000, kv_has, &watch_log) &&
	   !strcmp(kvlog_str(&watch_log, 5), "P dave=D D alice"),
	   "watch: the changes as they happen (%s)", kvlog_str(&watch_log, 5));
}

static void test_restart(struct bus *b, struct natsrv *srv)
{
	static struct inbox after;
	long long t0;
	int from = watch_log.n, rc;

	natsrv_stop(srv, SIGKILL);
	want_state = BUS_DISCONNECTED;
	want_count = 1;
	ok(pump1(b, 15000, state_seen, NULL), "server killed: disconnected");
	ok(!bus_connected(b) && bus_publish(b, "t.x", "x", 1) == -ENOTCONN &&
	   bus_flush(b, 100) == -ENOTCONN,
	   "publish and flush while disconnected: -ENOTCONN, not buffered");
	ok(bus_request(b, "svc.echo", "x", 1, 1000, on_reply,
		       &(struct answer){ 0 }) == -ENOTCONN,
	   "request while disconnected: -ENOTCONN");
	t0 = natsrv_ms();
	rc = natsrv_start(srv, srv->port, true);
	want_state = BUS_RECONNECTED;
	ok(!rc && pump1(b, 20000, state_seen, NULL) && bus_connected(b),
	   "server back on its port: reconnected (%lld ms)",
	   natsrv_ms() - t0);
	ok(!bus_subscribe(b, "after.x", on_msg, &after), "subscribe");
	ok(!bus_publish(b, "seq.late", "late", 4) &&
	   !bus_publish(b, "after.x", "y", 1) && sub_n(b, &after, 1, 10000),
	   "publish and subscribe work again");
	/* the watch starts over from the stored bucket */
	want_ops = from + 6;
	ok(pump1(b, 30000, kv_has, &watch_log) &&
	   !strcmp(kvlog_str(&watch_log, from),
		   "R D bob P carol=C P dave=D D alice S"),
	   "watch: a reset and the stored snapshot after the restart (%s)",
	   kvlog_str(&watch_log, from));
	ok(!bus_kv_put(b, "users", 1, "erin", "E", 1, 10000),
	   "put after the restart");
	want_ops = from + 7;
	ok(pump1(b, 15000, kv_has, &watch_log) &&
	   !strcmp(kvlog_str(&watch_log, from + 6), "P erin=E"),
	   "and the watch sees it (%s)", kvlog_str(&watch_log, from));
}

static void test_retry_connect(void)
{
	struct natsrv late = { 0 };
	char url[64], err[256];
	int port = natsrv_free_port(), rc;
	struct answer a = { 0 };
	struct bus *b, *nb;

	snprintf(url, sizeof(url), "nats://127.0.0.1:%d", port);
	nb = open_bus(url, false, &rc, err, sizeof(err));
	ok(!nb && rc == -ENOTCONN && strstr(err, "cannot connect"),
	   "nobody listening, no retry: -ENOTCONN (%s)", err);
	nstates = 0;
	b = open_bus(url, true, &rc, err, sizeof(err));
	ok(b && !rc && !bus_connected(b),
	   "nobody listening, retry: open returns, not connected");
	if (!b)
		return;
	ok(bus_publish(b, "t.x", "x", 1) == -ENOTCONN &&
	   bus_request(b, "t.x", "x", 1, 1000, on_reply, &a) == -ENOTCONN,
	   "publish and request meanwhile: -ENOTCONN");
	rc = natsrv_start(&late, port, false);
	want_state = BUS_CONNECTED;
	want_count = 1;
	ok(!rc && pump1(b, 20000, state_seen, NULL) && bus_connected(b) &&
	   strstr(state_text[0], url + 7),
	   "a server appears: connected (%s)", state_text[0]);
	bus_close(b);
	natsrv_stop(&late, SIGTERM);
}

static void test_close_busy(const char *url)
{
	static struct inbox mute;
	struct answer a = { 0 };
	struct bus *b, *peer;
	char err[256];
	int rc;

	b = open_bus(url, false, &rc, err, sizeof(err));
	peer = open_bus(url, false, &rc, err, sizeof(err));
	if (!b || !peer) {
		ok(false, "open for close test (%s)", err);
		return;
	}
	bus_subscribe(peer, "busy.mute", on_msg, &mute);
	bus_subscribe(b, "busy.x", on_msg, &mute);
	pump1(peer, 300, NULL, NULL);
	rc = bus_request(b, "busy.mute", "x", 1, 30000, on_reply, &a);
	bus_publish(b, "busy.x", "x", 1);
	bus_kv_watch(b, "users", 1, on_kv, &(struct kvlog){ 0 });
	want_n = 1;
	pump1(peer, 10000, inbox_has, &mute);
	long long t0 = natsrv_ms();
	bus_close(b);
	ok(!rc && a.n == 0 && natsrv_ms() - t0 < 5000,
	   "close with a request, a message and a watch in flight: prompt, "
	   "no callback (%lld ms)", natsrv_ms() - t0);
	bus_close(peer);
}

int main(void)
{
	struct natsrv srv = { 0 }, nojs_srv = { 0 };
	struct bus *b, *peer, *nojs;
	struct bus_stats st;
	char err[256], where[128];
	int rc;

	main_thread = pthread_self();
	if (!natsrv_program()) {
		plan(1);
		skip("nats-server is not installed (.ci/run installs it)");
		return done();
	}
	test_bad_args();
	test_fakes();
	if (natsrv_start(&srv, 0, true) || natsrv_start(&nojs_srv, 0, false)) {
		ok(false, "start nats-server");
		natsrv_stop(&srv, SIGKILL);
		natsrv_stop(&nojs_srv, SIGKILL);
		natsrv_cleanup();
		return done();
	}
	b = open_bus(srv.url, false, &rc, err, sizeof(err));
	ok(b && !rc, "connect to %s (%s)", srv.url, b ? "" : err);
	peer = open_bus(srv.url, false, &rc, err, sizeof(err));
	nojs = open_bus(nojs_srv.url, false, &rc, err, sizeof(err));
	if (!b || !peer || !nojs)
		goto out;
	want_state = BUS_CONNECTED;
	want_count = 3;
	ok(pump(((struct bus *[]){ b, peer, nojs }), 3, 5000, state_seen, NULL),
	   "each connection reports BUS_CONNECTED once");
	bus_server(b, where, sizeof(where));
	ok(bus_connected(b) && strstr(where, "127.0.0.1") &&
	   bus_servers_known(b) >= 1, "connected to %s", where);

	test_pubsub(b);
	test_beat(b);
	test_size(b);
	test_request(b, peer);
	test_kv(b, nojs);
	test_watch(b);
	bus_close(peer);
	peer = NULL;
	nstates = 0;
	test_restart(b, &srv);
	bus_stats(b, &st);
	ok(st.out_msgs > 2000 && st.in_msgs > 2000 && st.reconnects == 1,
	   "stats: %llu out, %llu in, %llu reconnect",
	   (unsigned long long)st.out_msgs, (unsigned long long)st.in_msgs,
	   (unsigned long long)st.reconnects);
	test_close_busy(srv.url);
	ok(!wrong_thread, "every callback ran on the owner's thread");
out:
	bus_close(b);
	bus_close(peer);
	bus_close(nojs);
	natsrv_stop(&srv, SIGTERM);
	natsrv_stop(&nojs_srv, SIGTERM);
	test_retry_connect();
	bus_library_exit();
	natsrv_cleanup();
	return done();
}
