// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * bench/relay/crelay interoperates: the relay benchmark's C peer, run as
 * a program on 127.0.0.1, against libsecmsg's WebSocket client (the real
 * handshake and messages, every algorithm, both directions, 256 B and
 * 4 KiB; the largest message once), rotation with a change of algorithm, the
 * delivery failures, a second login, unknown users, a wrong pinned key,
 * and a clean stop on SIGTERM.  test_crelay-san runs crelay-san.
 */
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loopstat.h"
#include "recorder.h"
#include "secmsg/codec.h"
#include "secmsg/handshake.h"
#include "secmsg/nl.h"
#include "tap.h"

extern char **environ;

static const char *const names[3] = { "alice", "bob", "carol" };
static uint8_t keys[3][32], server_priv[32], server_pub[32];
static char dir[] = "/tmp/test_crelay.XXXXXX", url[64];
static pid_t relay = -1;
static FILE *relay_out;		/* its stdout */

static int connect_as(struct secmsg_client *c, int who, const char *alg,
		      const uint8_t *pin)
{
	struct secmsg_client_key k = { .private_key = keys[who] };

	return secmsg_client_connect(c, names[who], alg, &k, pin);
}

static void write_file(const char *name, const void *p, size_t n)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
}

/* The relay binary beside this test: crelay, or crelay-san for -san. */
static void start_relay(const char *argv0)
{
	char prog[512], ident[128], users[128], line[256], *p;
	const char *base = strrchr(argv0, '/');
	size_t n = strlen(argv0);
	int fds[2], port = 0;
	posix_spawn_file_actions_t fa;
	FILE *f;

	snprintf(prog, sizeof(prog), "%.*s/../crelay%s",
		 base ? (int)(base - argv0) : 1, base ? argv0 : ".",
		 n > 4 && !strcmp(argv0 + n - 4, "-san") ? "-san" : "");
	snprintf(ident, sizeof(ident), "%s/identity", dir);
	snprintf(users, sizeof(users), "%s/users", dir);
	char *args[] = { prog, "--port", "0", "--identity", ident,
			 "--users", users, NULL };

	if (pipe(fds))
		exit(1);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	if (posix_spawn(&relay, prog, &fa, NULL, args, environ)) {
		printf("Bail out! cannot run %s\n", prog);
		exit(1);
	}
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	f = fdopen(fds[0], "r");
	if (!f || !fgets(line, sizeof(line), f) ||
	    sscanf(line, "peer: port %d,", &port) != 1 || port <= 0) {
		printf("Bail out! %s did not start\n", prog);
		exit(1);
	}
	p = strstr(line, "server public key ");
	{
		uint8_t got[32];

		ok(p && secmsg_base64_decode(p + 18, strcspn(p + 18, "\n"),
					     got, sizeof(got)) == 32 &&
		   !memcmp(got, server_pub, 32),
		   "crelay listens on port %d with the identity's public key",
		   port);
	}
	relay_out = f;
	snprintf(url, sizeof(url), "ws://127.0.0.1:%d", port);
}

/*
 * At exit crelay prints where its loop's time went: every phase a part
 * of the wall time, the messages of the checks above counted, each
 * opened and sealed in-process (one crypto step each) and written.
 */
static void loopstat_at_exit(void)
{
	char line[512] = "";
	struct loopstat s;
	uint64_t sum = 0;
	int i;

	while (fgets(line, sizeof(line), relay_out) &&
	       strncmp(line, "crelay: loopstat ", 17))
		;
	fclose(relay_out);
	if (!ok(loopstat_parse(line, &s) == 0, "crelay prints a loopstat line at exit"))
		return;
	for (i = 0; i < LS__PHASES; i++)
		sum += s.ns[i];
	ok(s.wall_ns > 0 && s.wall_ns >= sum &&
	   s.wall_ns - sum < LS__PHASES * 1000,
	   "loopstat: the phases sum to the wall time (%llu us)",
	   (unsigned long long)(s.wall_ns / 1000));
	ok(s.n[LS_MSGS] >= 2 * SECMSG_ALG_MAX &&
	   s.n[LS_CRYPTO_CALLS] >= s.n[LS_MSGS] &&
	   s.n[LS_FRAMES_IN] >= s.n[LS_MSGS] &&
	   s.n[LS_FRAMES_OUT] >= 2 * s.n[LS_MSGS] &&
	   s.n[LS_ITERATIONS] > 0,
	   "loopstat: %llu messages in %llu crypto steps, %llu frames in, %llu out",
	   (unsigned long long)s.n[LS_MSGS],
	   (unsigned long long)s.n[LS_CRYPTO_CALLS],
	   (unsigned long long)s.n[LS_FRAMES_IN],
	   (unsigned long long)s.n[LS_FRAMES_OUT]);
	ok(s.ns[LS_CRYPTO] > 0 && s.ns[LS_RX] > 0 && s.ns[LS_WRITE] > 0 &&
	   s.utime_us + s.stime_us > 0,
	   "loopstat: time in crypto, rx and write; CPU time");
}

static void each_alg(int alg)
{
	const char *an = secmsg_alg_name(alg);
	struct secmsg_client *a, *b;
	struct rec ra, rb;
	uint8_t msg[4096];
	uint64_t id = 0;
	size_t i;
	int d;

	a = rec_client(&ra, "alice", url);
	b = rec_client(&rb, "bob", url);
	ok(!connect_as(a, 0, an, server_pub) && !connect_as(b, 1, an, server_pub) &&
	   !strcmp(secmsg_client_alg(a), an) && secmsg_client_session_id(a) &&
	   secmsg_client_session_id(a) != secmsg_client_session_id(b) &&
	   rec_online_has(&rb, "alice"),
	   "%s: alice and bob log in (Noise KK through crelay); ready lists alice",
	   an);
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + alg);
	ok(!secmsg_client_send(a, "bob", msg, 256, &id) &&
	   PUMP(a, b, rb.decrypted == 1 && ra.deliveries == 1) &&
	   rb.msg_len == 256 && !memcmp(rb.msg, msg, 256) &&
	   !strcmp(rb.from, "alice") && !strcmp(rb.alg, an) &&
	   ra.delivered == 1 && ra.last_id == id,
	   "%s: 256 B alice -> bob: opened, re-sealed, decrypted; delivered",
	   an);
	ok(!secmsg_client_send(b, "alice", msg, sizeof(msg), NULL) &&
	   PUMP(a, b, ra.decrypted == 1 && rb.deliveries == 1) &&
	   ra.msg_len == sizeof(msg) && !memcmp(ra.msg, msg, sizeof(msg)) &&
	   rb.delivered == 1,
	   "%s: 4 KiB bob -> alice", an);
	for (i = 0; i < 20; i++)
		secmsg_client_send(a, "bob", msg, 100 + i, NULL);
	ok(PUMP(a, b, rb.decrypted == 21 && ra.deliveries == 21) &&
	   ra.delivered == 21 && rb.msg_len == 119 && !memcmp(rb.msg, msg, 119),
	   "%s: 20 messages in flight, every one delivered", an);
	ok(!secmsg_client_rotate(a, alg == 1 ? "chacha20_poly1305" :
				 "aes_256_gcm") &&
	   PUMP(a, b, ra.epochs == 1) && ra.last_epoch == 1 &&
	   !secmsg_client_send(a, "bob", "after", 5, NULL) &&
	   PUMP(a, b, rb.decrypted == 22 && ra.deliveries == 22) &&
	   ra.delivered == 22 && !strcmp(rb.text, "after") &&
	   !secmsg_client_send(b, "alice", "back", 4, NULL) &&
	   PUMP(a, b, ra.decrypted == 2) && !strcmp(ra.text, "back") &&
	   ra.epoch == 1 && strcmp(ra.alg, an),
	   "%s: rotation to another algorithm; both directions go on", an);
	if (alg == SECMSG_ALG_AES_256_GCM) {
		uint8_t *big = malloc(SECMSG_CLIENT_MAX_TEXT);

		for (i = 0; big && i < SECMSG_CLIENT_MAX_TEXT; i++)
			big[i] = (uint8_t)(i * 13);
		ok(big && !secmsg_client_send(a, "bob", big,
					      SECMSG_CLIENT_MAX_TEXT, NULL) &&
		   PUMP(a, b, rb.decrypted == 23 && ra.deliveries == 23) &&
		   rb.msg_len == SECMSG_CLIENT_MAX_TEXT &&
		   !memcmp(rb.msg, big, SECMSG_CLIENT_MAX_TEXT),
		   "%s: the largest message (65280 bytes)", an);
		free(big);
	}
	if (alg == SECMSG_ALG_TWOFISH_CBC) {
		int r, bad = 0;

		/* past the four older epochs crelay keeps: contexts reused */
		for (r = 2; r <= 7; r++) {
			d = rb.decrypted;
			if (secmsg_client_rotate(a, r == 5 ? "twofish_cbc" :
						 NULL) ||
			    !PUMP(a, b, ra.epochs == r) ||
			    secmsg_client_send(a, "bob", "again", 5, NULL) ||
			    !PUMP(a, b, rb.decrypted == d + 1) ||
			    strcmp(rb.text, "again") ||
			    ra.last_epoch != (uint32_t)r ||
			    secmsg_client_send(b, "alice", "back", 4, NULL) ||
			    !PUMP(a, b, ra.epoch == (uint32_t)r) ||
			    strcmp(ra.text, "back"))
				bad++;
		}
		ok(!bad, "%s: six more rotations, both ways after each", an);
	}
	d = ra.deliveries;
	ok(!secmsg_client_send(a, "carol", "x", 1, NULL) &&
	   PUMP(a, b, ra.deliveries == d + 1) &&
	   ra.last_delivery_err == SECMSG_CLIENT_E_RECIPIENT_OFFLINE &&
	   !secmsg_client_send(a, "mallory", "x", 1, NULL) &&
	   PUMP(a, b, ra.deliveries == d + 2) &&
	   ra.last_delivery_err == SECMSG_CLIENT_E_RECIPIENT_UNKNOWN,
	   "%s: recipient_offline, recipient_unknown", an);
	rec_free(a, &ra);
	rec_free(b, &rb);
}

static void failures(void)
{
	uint8_t wrong[32];
	struct secmsg_client *a, *a2, *m;
	struct rec ra, ra2, rm;

	a = rec_client(&ra, "alice", url);
	a2 = rec_client(&ra2, "alice2", url);
	ok(!connect_as(a, 0, NULL, server_pub) &&
	   !connect_as(a2, 0, NULL, server_pub) &&
	   PUMP(a, a2, secmsg_client_state(a) == SECMSG_CLIENT_IDLE) &&
	   secmsg_client_last_error(a) == SECMSG_CLIENT_E_REPLACED,
	   "a second login of alice replaces the first (E_REPLACED)");
	rec_free(a, &ra);
	rec_free(a2, &ra2);

	memcpy(wrong, server_pub, 32);
	wrong[5] ^= 1;
	a = rec_client(&ra, "alice", url);
	ok(connect_as(a, 0, NULL, wrong) != 0 &&
	   secmsg_client_state(a) != SECMSG_CLIENT_READY,
	   "a client pinning another server key does not get a session");
	rec_free(a, &ra);

	m = rec_client(&rm, "mallory", url);
	{
		struct secmsg_client_key k = { .private_key = keys[2] };

		ok(secmsg_client_connect(m, "mallory", NULL, &k, server_pub) ==
		   SECMSG_CLIENT_E_UNKNOWN_USER,
		   "an unknown user: E_UNKNOWN_USER");
		ok(secmsg_client_connect(m, "carol", NULL,
					 &(struct secmsg_client_key){
						 .private_key = keys[0] },
					 server_pub) == SECMSG_CLIENT_E_AUTH,
		   "carol with alice's key: E_AUTH");
	}
	rec_free(m, &rm);
}

int main(int argc, char **argv)
{
	char users[512], b64[SECMSG_B64_LEN(32)];
	uint8_t pub[32];
	size_t off = 0;
	int i, status = -1;

	(void)argc;
	if (!mkdtemp(dir) || getrandom(server_priv, 32, 0) != 32)
		return 1;
	secmsg_x25519_pub(server_priv, server_pub);
	write_file("identity", server_priv, 32);
	for (i = 0; i < 3; i++) {
		if (getrandom(keys[i], 32, 0) != 32)
			return 1;
		secmsg_x25519_pub(keys[i], pub);
		secmsg_base64_encode(pub, 32, b64);
		off += (size_t)snprintf(users + off, sizeof(users) - off,
					"%s %s\n", names[i], b64);
	}
	write_file("users", users, off);

	start_relay(argv[0]);
	for (i = 1; i <= SECMSG_ALG_MAX; i++)
		each_alg(i);
	failures();

	kill(relay, SIGTERM);
	loopstat_at_exit();
	ok(waitpid(relay, &status, 0) == relay && WIFEXITED(status) &&
	   WEXITSTATUS(status) == 0, "crelay stops cleanly on SIGTERM");
	snprintf(users, sizeof(users), "rm -rf %s", dir);
	if (system(users))
		diag("could not remove %s", dir);
	return done();
}
