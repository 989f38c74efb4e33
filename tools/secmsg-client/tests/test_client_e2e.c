// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libsecmsg client end to end on the host, against fakesrv (a stand-in
 * for secmsgd in a thread): every API call and callback, the three
 * algorithms, rotation by request and by count (with and without epoch
 * frames), replayed and tampered messages, delivery failures, wrong
 * passphrase, wrong pinned server key, unknown user, nothing listening,
 * the server restarting and the client reconnecting, the event loop form.
 * The same against the real secmsgd and secmsg.ko: selftests/client/.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client/internal.h"
#include "fakesrv.h"
#include "recorder.h"
#include "secmsg/keyfile.h"
#include "secmsg/nl.h"
#include "tap.h"

static uint8_t server_priv[32], server_pub[32];
static uint8_t keys[3][32], pubs[3][32];
static const char *const names[3] = { "alice", "bob", "carol" };
static char url[64], keyfile[64];
static struct fakesrv_opts opts;

static struct secmsg_client *client(struct rec *r, const char *name)
{
	return rec_client(r, name, url);
}

static int connect_raw(struct secmsg_client *c, int who, const char *alg)
{
	struct secmsg_client_key k = { .private_key = keys[who] };

	return secmsg_client_connect(c, names[who], alg, &k, server_pub);
}

static void start_server(struct fakesrv **s)
{
	*s = fakesrv_start(&opts);
	if (!*s) {
		diag("cannot start fakesrv on port %d", opts.port);
		exit(1);
	}
}

static void basic(void)
{
	struct secmsg_client *a, *b;
	struct secmsg_client_key kf = { .file = keyfile, .passphrase = "pw",
					.passphrase_len = 2 };
	struct fakesrv *s;
	struct rec ra, rb;
	uint64_t id = 0;
	const char *alg;
	int i, n;

	start_server(&s);
	for (i = 1; i <= SECMSG_ALG_MAX; i++) {
		alg = secmsg_alg_name(i);
		a = client(&ra, "alice");
		b = client(&rb, "bob");
		ok(!secmsg_client_connect(a, "alice", alg, &kf, server_pub),
		   "%s: alice connects with her key file", alg);
		ok(!connect_raw(b, 1, alg), "%s: bob connects with a raw key",
		   alg);
		ok(secmsg_client_state(a) == SECMSG_CLIENT_READY &&
		   ra.n_states == 3 && ra.states[0] == SECMSG_CLIENT_CONNECTING &&
		   ra.states[1] == SECMSG_CLIENT_HANDSHAKE &&
		   ra.states[2] == SECMSG_CLIENT_READY &&
		   !strcmp(secmsg_client_alg(a), alg) &&
		   secmsg_client_epoch(a) == 0 && secmsg_client_session_id(a) &&
		   !strcmp(secmsg_client_user(a), "alice"),
		   "%s: states connecting, handshake, ready; alg, epoch, session",
		   alg);
		ok(rb.online_calls == 1 && rb.online_n == 1 &&
		   rec_online_has(&rb, "alice") &&
		   PUMP(a, b, ra.presence_on == 1) &&
		   !strcmp(ra.presence_user, "bob"),
		   "%s: ready lists the others online; alice sees bob arrive",
		   alg);
		ok(!secmsg_client_send(a, "bob", "Hello", 5, &id) && id == 1 &&
		   secmsg_client_pending(a) == 1,
		   "%s: send queues message 1", alg);
		ok(PUMP(a, b, rb.decrypted == 1 && ra.deliveries == 1) &&
		   !strcmp(rb.text, "Hello") && !strcmp(rb.from, "alice") &&
		   !strcmp(rb.alg, alg) && rb.received == 1 && ra.delivered == 1 &&
		   ra.last_id == 1 && !strcmp(ra.last_to, "bob") &&
		   secmsg_client_pending(a) == 0,
		   "%s: bob gets it sealed and decrypted; alice: delivered",
		   alg);
		ok(!secmsg_client_send(b, "alice", "", 0, NULL) &&
		   PUMP(a, b, ra.decrypted == 1) && ra.text[0] == 0,
		   "%s: an empty message", alg);
		ok(!secmsg_client_who(a) && PUMP(a, b, ra.online_calls == 2) &&
		   ra.online_n == 2, "%s: who -> online", alg);
		ok(!secmsg_client_disconnect(b) &&
		   secmsg_client_state(b) == SECMSG_CLIENT_IDLE &&
		   secmsg_client_last_error(b) == 0 &&
		   PUMP(a, NULL, ra.presence_off == 1),
		   "%s: bob disconnects; alice sees him leave", alg);
		ok(!secmsg_client_send(a, "bob", "x", 1, NULL) &&
		   PUMP(a, NULL, ra.deliveries == 2) &&
		   ra.last_delivery_err == SECMSG_CLIENT_E_RECIPIENT_OFFLINE,
		   "%s: to an offline user: recipient_offline", alg);
		rec_free(a, &ra);
		rec_free(b, &rb);
	}

	a = client(&ra, "alice");
	b = client(&rb, "bob");
	connect_raw(a, 0, NULL);
	connect_raw(b, 1, "aes_256_gcm");
	ok(!strcmp(secmsg_client_alg(a), "aes_256_gcm"),
	   "default algorithm: aes_256_gcm");
	ok(!secmsg_client_send(a, "nobody", "x", 1, NULL) &&
	   PUMP(a, b, ra.deliveries == 1) &&
	   ra.last_delivery_err == SECMSG_CLIENT_E_RECIPIENT_UNKNOWN,
	   "to an unknown user: recipient_unknown");
	ok(secmsg_client_send(a, "bob", "x", SECMSG_CLIENT_MAX_TEXT + 1, NULL) ==
	   SECMSG_CLIENT_E_TOO_LARGE &&
	   secmsg_client_send(a, "bad user", "x", 1, NULL) ==
	   SECMSG_CLIENT_E_INVAL &&
	   secmsg_client_rotate(a, "rot13") == SECMSG_CLIENT_E_INVAL,
	   "too large, bad recipient, bad algorithm: refused locally");
	{
		char *big = calloc(1, SECMSG_CLIENT_MAX_TEXT);

		memset(big, 'z', SECMSG_CLIENT_MAX_TEXT);
		ok(!secmsg_client_send(a, "bob", big, SECMSG_CLIENT_MAX_TEXT,
				       NULL) &&
		   PUMP(a, b, rb.decrypted == 1) && strlen(rb.text) == 255,
		   "a message of 65280 bytes");
		free(big);
	}

	/* rotation on request, to each algorithm */
	for (i = 1; i <= SECMSG_ALG_MAX; i++) {
		alg = secmsg_alg_name(i);
		n = ra.epochs;
		ok(!secmsg_client_rotate(a, alg) &&
		   PUMP(a, b, ra.epochs == n + 1) &&
		   ra.last_epoch == (uint32_t)i && !strcmp(ra.epoch_alg, alg) &&
		   secmsg_client_epoch(a) == (uint32_t)i,
		   "rotate to %s: epoch %d", alg, i);
		n = rb.decrypted;
		ok(!secmsg_client_send(a, "bob", "after", 5, NULL) &&
		   PUMP(a, b, rb.decrypted == n + 1) && !strcmp(rb.text, "after"),
		   "and the next message goes through");
	}
	ok(!secmsg_client_rotate(a, NULL) && PUMP(a, b, ra.last_epoch == 4) &&
	   !strcmp(secmsg_client_alg(a), "twofish_cbc"),
	   "a plain key rotation keeps the algorithm");

	/* tampered and replayed deliveries */
	fakesrv_set_tamper(s, 1);
	n = rb.decrypted;
	ok(!secmsg_client_send(a, "bob", "t", 1, NULL) &&
	   PUMP(a, b, rb.errors == 1) && rb.last_err == SECMSG_CLIENT_E_DECRYPT &&
	   rb.decrypted == n, "a tampered message: error callback, no message");
	fakesrv_set_duplicate(s, true);
	ok(!secmsg_client_send(a, "bob", "d", 1, NULL) &&
	   PUMP(a, b, rb.errors == 2) && rb.last_err == SECMSG_CLIENT_E_REPLAY &&
	   rb.decrypted == n + 1, "a replayed message: once, then an error");
	fakesrv_set_duplicate(s, false);
	ok(secmsg_client_state(b) == SECMSG_CLIENT_READY,
	   "the connection survives both");

	/* event loop form */
	{
		struct pollfd p = { .fd = secmsg_client_fd(b), .events = POLLIN };
		int64_t end = rec_now_ms() + 3000;

		n = rb.decrypted;
		secmsg_client_send(a, "bob", "poll", 4, NULL);
		while (rb.decrypted == n && rec_now_ms() < end) {
			secmsg_client_service(a, 0);
			if (poll(&p, 1, 100) > 0)
				secmsg_client_service(b, 0);
		}
		ok(rb.decrypted == n + 1 && p.fd >= 0,
		   "event loop: poll(secmsg_client_fd) + service(0)");
	}

	/* the server goes away and comes back */
	fakesrv_stop(s);
	ok(PUMP(a, b, secmsg_client_state(a) == SECMSG_CLIENT_IDLE &&
		secmsg_client_state(b) == SECMSG_CLIENT_IDLE) &&
	   secmsg_client_last_error(a) == SECMSG_CLIENT_E_SHUTDOWN &&
	   ra.last_state_err == SECMSG_CLIENT_E_SHUTDOWN,
	   "server shutdown: idle, E_SHUTDOWN (%d)", secmsg_client_last_error(a));
	ok(secmsg_client_send(a, "bob", "x", 1, NULL) == SECMSG_CLIENT_E_STATE &&
	   secmsg_client_wait(a, 10) == SECMSG_CLIENT_E_SHUTDOWN,
	   "send and wait when disconnected");
	ok(secmsg_client_reconnect(a) == SECMSG_CLIENT_E_CONNECT,
	   "reconnect with no server: E_CONNECT");
	start_server(&s);
	ok(!secmsg_client_reconnect(a) && !secmsg_client_reconnect(b) &&
	   secmsg_client_epoch(a) == 0, "reconnect after the restart");
	n = rb.decrypted;
	i = ra.deliveries;
	ok(!secmsg_client_send(a, "bob", "again", 5, NULL) &&
	   PUMP(a, b, rb.decrypted == n + 1 && ra.deliveries == i + 1) &&
	   !strcmp(rb.text, "again"),
	   "messages flow again");
	ok(secmsg_client_wait(a, 50) == 0, "wait times out with nothing to do");
	rec_free(a, &ra);
	rec_free(b, &rb);
	fakesrv_stop(s);
}

static void count_rotation(bool silent)
{
	struct secmsg_client *a, *b, *c;
	struct rec ra, rb, rc;
	struct fakesrv *s;
	int i, bad = 0;
	char t[16];

	opts.rotate_every = 3;
	opts.silent_rotation = silent;
	start_server(&s);
	a = client(&ra, "alice");
	b = client(&rb, "bob");
	c = client(&rc, "carol");
	connect_raw(a, 0, "chacha20_poly1305");
	connect_raw(b, 1, "aes_256_gcm");
	connect_raw(c, 2, "twofish_cbc");
	for (i = 0; i < 10; i++) {
		snprintf(t, sizeof(t), "m%d", i);
		secmsg_client_send(a, "bob", t, strlen(t), NULL);
		secmsg_client_send(b, "carol", t, strlen(t), NULL);
		secmsg_client_send(c, "alice", t, strlen(t), NULL);
		if (!PUMP3(a, b, c, rb.decrypted == i + 1 &&
			   rc.decrypted == i + 1 && ra.decrypted == i + 1 &&
			   ra.deliveries == i + 1 && rb.deliveries == i + 1 &&
			   rc.deliveries == i + 1))
			bad++;
		if (strcmp(rb.text, t) || strcmp(rc.text, t) || strcmp(ra.text, t))
			bad++;
	}
	ok(!bad && ra.delivered == 10 && rb.delivered == 10 &&
	   rc.delivered == 10,
	   "%s: three clients, three algorithms, 30 messages",
	   silent ? "no epoch frames" : "epoch frames");
	ok(secmsg_client_epoch(a) >= 5 && ra.epochs >= 5 &&
	   secmsg_client_epoch(b) >= 5 && secmsg_client_epoch(c) >= 5 &&
	   !ra.errors && !rb.errors && !rc.errors,
	   "%s: rotation every 3 messages followed (epochs %u %u %u)",
	   silent ? "headers" : "frames", secmsg_client_epoch(a),
	   secmsg_client_epoch(b), secmsg_client_epoch(c));
	rec_free(a, &ra);
	rec_free(b, &rb);
	rec_free(c, &rc);
	fakesrv_stop(s);
	opts.rotate_every = 0;
	opts.silent_rotation = false;
}

/* A second login of alice: the first gets bye replaced, E_REPLACED. */
static void replaced(void)
{
	struct secmsg_client *a1, *a2;
	struct rec r1, r2;
	struct fakesrv *s;

	start_server(&s);
	a1 = client(&r1, "alice1");
	a2 = client(&r2, "alice2");
	ok(!connect_raw(a1, 0, NULL) && !connect_raw(a2, 0, NULL) &&
	   PUMP(a1, a2, secmsg_client_state(a1) == SECMSG_CLIENT_IDLE) &&
	   secmsg_client_last_error(a1) == SECMSG_CLIENT_E_REPLACED &&
	   r1.last_state_err == SECMSG_CLIENT_E_REPLACED &&
	   secmsg_client_state(a2) == SECMSG_CLIENT_READY,
	   "a newer login takes over: E_REPLACED (%d)",
	   secmsg_client_last_error(a1));
	ok(!strcmp(secmsg_client_err_code(SECMSG_CLIENT_E_REPLACED),
		   "replaced") &&
	   !strcmp(secmsg_client_err_code(SECMSG_CLIENT_E_SHUTDOWN),
		   "shutdown") &&
	   !strcmp(secmsg_client_err_code(SECMSG_CLIENT_E_REVOKED),
		   "revoked"), "bye reasons have their codes");
	rec_free(a1, &r1);
	rec_free(a2, &r2);
	fakesrv_stop(s);
}

/*
 * A message held over an unanswered rotation, when the server goes away:
 * it fails once, with the reason the connection ended, as the messages
 * already sent do.
 */
static void held_over_close(void)
{
	struct secmsg_client *a;
	struct fakesrv *s;
	struct rec ra;
	uint64_t id = 0;
	int end;

	start_server(&s);
	a = client(&ra, "alice");
	ok(!connect_raw(a, 0, NULL) && !secmsg_client_rotate(a, NULL) &&
	   !secmsg_client_send(a, "bob", "held", 4, &id) && id == 1 &&
	   secmsg_client_pending(a) == 1 && ra.deliveries == 0,
	   "sent while a rotation is unanswered: held");
	fakesrv_stop(s);
	ok(PUMP(a, NULL, secmsg_client_state(a) == SECMSG_CLIENT_IDLE),
	   "the server stops: alice's connection ends");
	end = secmsg_client_last_error(a);
	ok(ra.deliveries == 1 && ra.last_id == 1 && !ra.delivered &&
	   ra.last_delivery_err == end &&
	   (end == SECMSG_CLIENT_E_SHUTDOWN || end == SECMSG_CLIENT_E_CLOSED) &&
	   secmsg_client_pending(a) == 0,
	   "the held message fails once, with the connection's end (%d, %d)",
	   ra.last_delivery_err, end);
	rec_free(a, &ra);
}

/*
 * The connect deadline (secmsg_client_set_timeout): a server that takes
 * the TCP connection and never answers the WebSocket upgrade, and one that
 * upgrades and never answers the hello.
 */
static void deadlines(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	struct secmsg_client *a;
	char mute_url[64];
	struct fakesrv *s;
	struct rec ra;
	int fd, err;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, 4) || getsockname(fd, (struct sockaddr *)&sa, &sl)) {
		diag("cannot listen on 127.0.0.1");
		exit(1);
	}
	snprintf(mute_url, sizeof(mute_url), "ws://127.0.0.1:%d",
		 ntohs(sa.sin_port));
	a = rec_client(&ra, "alice", mute_url);
	secmsg_client_set_timeout(a, 300);
	err = connect_raw(a, 0, NULL);
	ok(err == SECMSG_CLIENT_E_TIMEOUT && ra.last_err == err &&
	   !strcmp(ra.last_detail, "cannot connect in time") &&
	   secmsg_client_state(a) == SECMSG_CLIENT_IDLE &&
	   secmsg_client_last_error(a) == err,
	   "no upgrade answered: E_TIMEOUT, cannot connect in time (%d, %s)",
	   err, ra.last_detail);
	rec_free(a, &ra);
	close(fd);

	opts.mute_hello = true;
	start_server(&s);
	a = client(&ra, "alice");
	secmsg_client_set_timeout(a, 300);
	err = connect_raw(a, 0, NULL);
	ok(err == SECMSG_CLIENT_E_TIMEOUT && ra.last_err == err &&
	   !strcmp(ra.last_detail, "no answer to the handshake in time") &&
	   ra.n_states == 3 && ra.states[1] == SECMSG_CLIENT_HANDSHAKE &&
	   ra.states[2] == SECMSG_CLIENT_IDLE,
	   "no answer to the hello: E_TIMEOUT, after the handshake state (%d, %s)",
	   err, ra.last_detail);
	rec_free(a, &ra);
	fakesrv_stop(s);
	opts.mute_hello = false;
}

static void refusals(void)
{
	struct secmsg_client_key kf = { .file = keyfile, .passphrase = "nope",
					.passphrase_len = 4 };
	struct secmsg_client_key none = { .file = "/nonexistent/key" };
	struct secmsg_client_key raw = { .private_key = keys[2] };
	struct secmsg_client *a;
	uint8_t other[32];
	struct fakesrv *s;
	struct rec ra;
	int err;

	a = client(&ra, "x");
	ok(secmsg_client_connect(a, "alice", NULL, &kf, server_pub) ==
	   SECMSG_CLIENT_E_PASSPHRASE &&
	   secmsg_client_state(a) == SECMSG_CLIENT_IDLE,
	   "wrong passphrase: E_PASSPHRASE, before any connection");
	ok(secmsg_client_connect(a, "alice", NULL, &none, server_pub) ==
	   SECMSG_CLIENT_E_KEYFILE, "missing key file: E_KEYFILE");
	err = connect_raw(a, 0, NULL);
	ok(err == SECMSG_CLIENT_E_CONNECT && ra.last_err == err,
	   "nothing listening: E_CONNECT (%d)", err);
	ok(secmsg_client_connect(a, "alice", "rot13", &raw, server_pub) ==
	   SECMSG_CLIENT_E_INVAL &&
	   secmsg_client_connect(a, "-x", NULL, &raw, server_pub) ==
	   SECMSG_CLIENT_E_INVAL, "bad algorithm or user id: E_INVAL");
	start_server(&s);
	err = secmsg_client_connect(a, "mallory", NULL, &raw, server_pub);
	ok(err == SECMSG_CLIENT_E_UNKNOWN_USER,
	   "unknown user: E_UNKNOWN_USER (%d)", err);
	err = secmsg_client_connect(a, "alice", NULL, &raw, server_pub);
	ok(err == SECMSG_CLIENT_E_AUTH, "alice with carol's key: E_AUTH (%d)",
	   err);
	secmsg_x25519_generate(other, NULL);
	secmsg_x25519_pub(other, other);
	err = secmsg_client_connect(a, "carol", NULL, &raw, other);
	ok(err == SECMSG_CLIENT_E_AUTH,
	   "wrong pinned server key: E_AUTH (%d)", err);
	ok(!secmsg_client_connect(a, "carol", NULL, &raw, server_pub) &&
	   secmsg_client_connect(a, "carol", NULL, &raw, server_pub) ==
	   SECMSG_CLIENT_E_STATE, "then the right one; connect twice: E_STATE");
	rec_free(a, &ra);
	fakesrv_stop(s);

	/* registration on first use */
	opts.register_on_first_use = true;
	start_server(&s);
	a = client(&ra, "dave");
	secmsg_x25519_generate(other, NULL);
	raw.private_key = other;
	err = secmsg_client_connect(a, "dave", NULL, &raw, server_pub);
	ok(err == SECMSG_CLIENT_E_UNKNOWN_USER,
	   "registration server, no pubkey in hello: unknown user");
	secmsg_client_set_register(a, true);
	ok(!secmsg_client_connect(a, "dave", NULL, &raw, server_pub),
	   "with secmsg_client_set_register: registered and connected");
	rec_free(a, &ra);
	fakesrv_stop(s);
	opts.register_on_first_use = false;

	ok(!secmsg_client_new("http://x") && !secmsg_client_new("ws://") &&
	   !secmsg_client_new("ws://h:0/") && !secmsg_client_new("ws://h:x") &&
	   secmsg_client_new_err("ws:/", &err) == NULL &&
	   err == SECMSG_CLIENT_E_URL, "bad URLs are refused");
	a = secmsg_client_new("ws://[::1]:9/p");
	ok(a && a->port == 9 && !strcmp(a->host, "::1") &&
	   !strcmp(a->path, "/p"), "ws://[::1]:9/p parses");
	secmsg_client_free(a);
}

int main(void)
{
	int i, port;

	port = 20000 + getpid() % 20000;
	snprintf(url, sizeof(url), "ws://127.0.0.1:%d", port);
	snprintf(keyfile, sizeof(keyfile), "/tmp/test_client_e2e.%d.key",
		 (int)getpid());
	secmsg_x25519_generate(server_priv, server_pub);
	opts.port = port;
	memcpy(opts.server_priv, server_priv, 32);
	for (i = 0; i < 3; i++) {
		secmsg_x25519_generate(keys[i], pubs[i]);
		snprintf(opts.users[i].name, sizeof(opts.users[i].name), "%s",
			 names[i]);
		memcpy(opts.users[i].pub, pubs[i], 32);
	}
	opts.n_users = 3;
	unlink(keyfile);
	if (secmsg_keyfile_create(keyfile, keys[0], "pw", 2, 100000, 0, NULL)) {
		diag("cannot write %s", keyfile);
		return 1;
	}
	refusals();
	basic();
	count_rotation(false);
	count_rotation(true);
	replaced();
	held_over_close();
	deadlines();
	unlink(keyfile);
	return done();
}
