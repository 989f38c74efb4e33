// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The client library (secmsg/client.h) against the real secmsgd and
 * secmsg.ko, in the VM: every API call and callback, one by one, with
 * what the kernel holds checked beside what the client reports.
 *
 *   alg.*              connect (key file and raw key), the state, online,
 *                      presence, received, decrypted and delivery
 *                      callbacks, a 65280-byte message byte for byte, the
 *                      kernel session behind the client, who, disconnect,
 *                      offline and unknown recipients; per algorithm
 *   api.rotate         rotation to each algorithm on request, epoch
 *                      callbacks, rotate-then-send without waiting
 *   api.count_rotation the daemon rotating every 3 messages, three clients
 *                      under three algorithms
 *   api.refusals       wrong passphrase, missing key file, unknown user,
 *                      wrong user key, wrong pinned server key, nothing
 *                      listening, bad arguments, connect twice
 *   api.registration   a daemon with registration on first use
 *   api.restart        secmsgd stopped (SIGTERM, then kill -9) and started
 *                      again with the same identity file: the clients see
 *                      it, reconnect, and messages flow again
 *   api.event_loop     connect_start + poll(fd) + service(0), callbacks
 *                      that send, disconnect_start, the blocking wait
 *   api.replaced       a second login of the same user takes over
 *   api.already_online ...or is refused (--on-conflict refuse)
 *   api.every_login    --max-user-connections 3: a message reaches every
 *                      login of its recipient, one delivery for the sender
 *   api.revoked        the user removed from the users file + SIGHUP
 *   api.rate_limited   every message over the rate gets its failure
 *   api.expiry         the kernel expires the session: E_EXPIRED
 *
 * Each test runs in a network namespace of its own (so its own secmsg
 * store: nothing left by other tests, nothing left behind) and starts its
 * own secmsgd (daemon/secmsgd of this tree) there with a fresh identity
 * and users, stopped in teardown.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "common.h"
#include "recorder.h"
#include <secmsg/client.h>
#include <secmsg/codec.h>
#include <secmsg/keyfile.h>
#include <secmsg/nl_identity.h>

#define KLEN SECMSG_CLIENT_KEY_LEN
#define PASS "correct horse"
#define N_USERS 4		/* alice, bob, carol registered; dave not */

enum { ALICE, BOB, CAROL, DAVE };
static const char *const names[N_USERS] = { "alice", "bob", "carol", "dave" };

/* One secmsgd and the keys of its world. */
struct world {
	char dir[64];
	char keyfile[96];		/* alice's, under PASS */
	char url[64];
	int port;
	pid_t pid;
	const char *extra[8];		/* secmsgd options of this test */
	uint8_t spriv[KLEN], spub[KLEN];
	uint8_t priv[N_USERS][KLEN], pub[N_USERS][KLEN];
	struct secmsg_nl *nl;
};

static int write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -EIO;
}

static int free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	if (fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof(a)) &&
	    !getsockname(fd, (struct sockaddr *)&a, &alen))
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static bool port_open(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	bool ok;

	if (fd < 0)
		return false;
	ok = !connect(fd, (struct sockaddr *)&a, sizeof(a));
	close(fd);
	return ok;
}

/* daemon/secmsgd of the tree this test was built in. */
static const char *secmsgd_path(void)
{
	static char path[PATH_MAX];
	char *p;
	int i;

	if (!realpath("/proc/self/exe", path))
		return NULL;
	for (i = 0; i < 3; i++) {	/* strip client/api_test, selftests */
		p = strrchr(path, '/');
		if (!p)
			return NULL;
		*p = 0;
	}
	if (strlen(path) + sizeof("/daemon/secmsgd") > sizeof(path))
		return NULL;
	strcat(path, "/daemon/secmsgd");
	return path;
}

/* Write secmsgd's users file with the users in mask (1 << ALICE...). */
static int write_users(struct world *w, unsigned int mask)
{
	char users[512], b64[64], path[96];
	size_t off = 0;
	int i;

	for (i = 0; i < N_USERS; i++) {
		if (!(mask & 1U << i))
			continue;
		secmsg_base64_encode(w->pub[i], KLEN, b64);
		off += snprintf(users + off, sizeof(users) - off, "%s %s\n",
				names[i], b64);
	}
	snprintf(path, sizeof(path), "%s/users", w->dir);
	return write_file(path, users, off);
}

/* Write the identity and users files of w (users alice, bob, carol). */
static int world_files(struct world *w)
{
	char path[96];

	if (write_users(w, 1U << ALICE | 1U << BOB | 1U << CAROL))
		return -1;
	snprintf(path, sizeof(path), "%s/server.key", w->dir);
	return write_file(path, w->spriv, KLEN);
}

/*
 * Start secmsgd with the test's options and wait until it listens.  0,
 * or -1 when it exited or did not listen within 20 s (its log is in
 * dir/secmsgd.log).
 */
static int daemon_start(struct world *w)
{
	char port[16], ident[96], users[96], log[96];
	const char *argv[32] = { secmsgd_path(), "--port", port,
				 "--listen", "127.0.0.1", "--identity", ident,
				 "--users", users };
	int argc = 9, i, status, fd;
	int64_t end;

	if (!argv[0])
		return -1;
	snprintf(port, sizeof(port), "%d", w->port);
	snprintf(ident, sizeof(ident), "%s/server.key", w->dir);
	snprintf(users, sizeof(users), "%s/users", w->dir);
	snprintf(log, sizeof(log), "%s/secmsgd.log", w->dir);
	for (i = 0; i < 8 && w->extra[i]; i++)
		argv[argc++] = w->extra[i];
	w->pid = fork();
	if (w->pid < 0)
		return -1;
	if (!w->pid) {
		/* the daemon must not outlive a test killed by its timeout */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	for (end = rec_now_ms() + 20000; rec_now_ms() < end;) {
		if (waitpid(w->pid, &status, WNOHANG) == w->pid) {
			w->pid = 0;
			DIAG("secmsgd exited (status %#x): see %s", status, log);
			return -1;
		}
		if (port_open(w->port))
			return 0;
		sleep_ms(50);
	}
	return -1;
}

/* Stop secmsgd with sig; its exit status (wait status), -1 if none ran. */
static int daemon_stop(struct world *w, int sig)
{
	int status = -1;

	if (w->pid <= 0)
		return -1;
	kill(w->pid, sig);
	if (waitpid(w->pid, &status, 0) != w->pid)
		status = -1;
	w->pid = 0;
	return status;
}

/* A new network namespace with lo up. */
static int netns_enter(void)
{
	struct ifreq ifr = { .ifr_flags = IFF_UP };
	int fd, err;

	if (unshare(CLONE_NEWNET)) {
		DIAG("unshare(CLONE_NEWNET): %s", strerror(errno));
		return -1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	strcpy(ifr.ifr_name, "lo");
	err = ioctl(fd, SIOCSIFFLAGS, &ifr);
	close(fd);
	return err;
}

static int world_setup(struct world *w, const char *const *extra)
{
	int i;

	memset(w, 0, sizeof(*w));
	if (netns_enter())
		return -1;
	snprintf(w->dir, sizeof(w->dir), "/tmp/api_test.XXXXXX");
	if (!mkdtemp(w->dir))
		return -1;
	snprintf(w->keyfile, sizeof(w->keyfile), "%s/alice.key", w->dir);
	w->port = free_port();
	snprintf(w->url, sizeof(w->url), "ws://127.0.0.1:%d", w->port);
	for (i = 0; extra && extra[i] && i < 7; i++)
		w->extra[i] = extra[i];
	rand_bytes(w->spriv, KLEN);
	if (secmsg_client_public_key(w->spriv, w->spub))
		return -1;
	for (i = 0; i < N_USERS; i++) {
		rand_bytes(w->priv[i], KLEN);
		if (secmsg_client_public_key(w->priv[i], w->pub[i]))
			return -1;
	}
	if (w->port < 0 || world_files(w) || daemon_start(w))
		return -1;
	w->nl = nl_open_or_null();
	return w->nl ? 0 : -1;
}

static void world_teardown(struct world *w)
{
	char cmd[128];

	daemon_stop(w, SIGTERM);
	if (w->nl)
		secmsg_nl_close(w->nl);
	if (w->dir[0] && !getenv("KEEP")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", w->dir);
		if (system(cmd))
			DIAG("cannot remove %s", w->dir);
	}
}

/* alice's key file: PBKDF2 at the minimum count (the VM is slow). */
static int make_keyfile(struct world *w)
{
	return secmsg_keyfile_create(w->keyfile, w->priv[ALICE], PASS,
				     strlen(PASS), 100000, 0, NULL);
}

static int connect_raw(struct world *w, struct secmsg_client *c, int who,
		       const char *alg)
{
	struct secmsg_client_key k = { .private_key = w->priv[who] };

	return secmsg_client_connect(c, names[who], alg, &k, w->spub);
}

/* The kernel's view of the client's session; 0 or -errno. */
static int ksession(struct world *w, struct secmsg_client *c,
		    struct secmsg_session_info *si)
{
	return secmsg_session_get(w->nl, secmsg_client_session_id(c), si);
}

/* Sessions of user in the kernel. */
struct count_arg {
	const char *user;
	int n;
};

static int count_cb(const struct secmsg_session_info *s, void *arg)
{
	struct count_arg *a = arg;

	a->n += !strcmp(s->user_id, a->user);
	return 0;
}

static int ksessions_of(struct world *w, const char *user)
{
	struct count_arg a = { .user = user };
	int err = secmsg_session_dump(w->nl, count_cb, &a);

	return err ? err : a.n;
}

/* Wait up to 5 s for user's kernel sessions to number n. */
static bool ksessions_become(struct world *w, const char *user, int n)
{
	int64_t end = rec_now_ms() + 5000;

	while (ksessions_of(w, user) != n && rec_now_ms() < end)
		sleep_ms(50);
	return ksessions_of(w, user) == n;
}

/* ---- per algorithm ------------------------------------------------- */

FIXTURE(alg) {
	struct world w;
};

FIXTURE_VARIANT(alg) {
	const char *name;
};

FIXTURE_VARIANT_ADD(alg, aes_256_gcm) { .name = "aes_256_gcm" };
FIXTURE_VARIANT_ADD(alg, chacha20_poly1305) { .name = "chacha20_poly1305" };
FIXTURE_VARIANT_ADD(alg, twofish_cbc) { .name = "twofish_cbc" };

FIXTURE_SETUP(alg)
{
	ASSERT_EQ(0, world_setup(&self->w, NULL));
}

FIXTURE_TEARDOWN(alg)
{
	world_teardown(&self->w);
}

TEST_F_TIMEOUT(alg, every_callback, 120)
{
	struct world *w = &self->w;
	const char *alg = variant->name;
	struct secmsg_client_key kf = { .file = w->keyfile, .passphrase = PASS,
					.passphrase_len = strlen(PASS) };
	struct secmsg_session_info sa, sb;
	struct secmsg_client *a, *b;
	struct rec ra, rb;
	uint64_t id = 0, bob_sid;
	uint8_t *big;

	ASSERT_EQ(0, make_keyfile(w));
	a = rec_client(&ra, "alice", w->url);
	b = rec_client(&rb, "bob", w->url);
	ASSERT_TRUE(a && b);

	/* connect: with the key file, and with a raw key */
	ASSERT_EQ(0, secmsg_client_connect(a, "alice", alg, &kf, w->spub));
	ASSERT_EQ(0, connect_raw(w, b, BOB, alg));
	EXPECT_EQ(SECMSG_CLIENT_READY, secmsg_client_state(a));
	ASSERT_EQ(3, ra.n_states);
	EXPECT_EQ(SECMSG_CLIENT_CONNECTING, ra.states[0]);
	EXPECT_EQ(SECMSG_CLIENT_HANDSHAKE, ra.states[1]);
	EXPECT_EQ(SECMSG_CLIENT_READY, ra.states[2]);
	EXPECT_STREQ(alg, secmsg_client_alg(a));
	EXPECT_STREQ("alice", secmsg_client_user(a));
	EXPECT_EQ(0, secmsg_client_epoch(a));
	EXPECT_EQ(0, secmsg_client_last_error(a));

	/* the session the kernel made for each */
	ASSERT_EQ(0, ksession(w, a, &sa));
	EXPECT_STREQ("alice", sa.user_id);
	EXPECT_EQ(secmsg_alg_from_name(alg), sa.alg);
	EXPECT_EQ(SECMSG_STATE_ACTIVE, sa.state);
	EXPECT_EQ(0, sa.epoch);
	ASSERT_EQ(0, ksession(w, b, &sb));
	EXPECT_STREQ("bob", sb.user_id);
	EXPECT_NE(sa.id, sb.id);
	bob_sid = sb.id;

	/* online on ready: the others; presence when bob arrived */
	EXPECT_EQ(1, ra.online_calls);
	EXPECT_EQ(0, ra.online_n);
	EXPECT_EQ(1, rb.online_calls);
	EXPECT_EQ(1, rb.online_n);
	EXPECT_TRUE(rec_online_has(&rb, "alice"));
	EXPECT_TRUE(PUMP(a, b, ra.presence_on == 1));
	EXPECT_STREQ("bob", ra.presence_user);

	/* a message: sealed and decrypted for bob, delivered for alice */
	ASSERT_EQ(0, secmsg_client_send(a, "bob", "Hello", 5, &id));
	EXPECT_EQ(1, id);
	EXPECT_EQ(1, secmsg_client_pending(a));
	ASSERT_TRUE(PUMP(a, b, rb.decrypted == 1 && ra.deliveries == 1));
	EXPECT_EQ(1, rb.received);
	EXPECT_STREQ("alice", rb.received_from);
	/* header, then ct || tag, or IV || one padded block || HMAC tag */
	EXPECT_EQ(SECMSG_HDR_LEN + (sa.alg == SECMSG_ALG_TWOFISH_CBC ?
				    16 + 16 + 32 : 5 + 16), rb.received_len);
	EXPECT_STREQ("Hello", rb.text);
	EXPECT_STREQ("alice", rb.from);
	EXPECT_STREQ(alg, rb.alg);
	EXPECT_EQ(0, rb.epoch);
	EXPECT_EQ(1, ra.delivered);
	EXPECT_EQ(1, ra.last_id);
	EXPECT_STREQ("bob", ra.last_to);
	EXPECT_EQ(0, secmsg_client_pending(a));
	/* the kernel opened it on alice's session, sealed it on bob's */
	ASSERT_EQ(0, ksession(w, a, &sa));
	ASSERT_EQ(0, ksession(w, b, &sb));
	EXPECT_EQ(1, sa.counters.rx_messages);
	EXPECT_EQ(1, sb.counters.tx_messages);

	/* the largest message, byte for byte */
	big = malloc(SECMSG_CLIENT_MAX_TEXT);
	ASSERT_NE(NULL, big);
	fill_pattern(big, SECMSG_CLIENT_MAX_TEXT, 42);
	ASSERT_EQ(0, secmsg_client_send(a, "bob", big, SECMSG_CLIENT_MAX_TEXT,
					&id));
	EXPECT_EQ(2, id);
	ASSERT_TRUE(PUMP(a, b, rb.decrypted == 2 && ra.deliveries == 2));
	ASSERT_EQ(SECMSG_CLIENT_MAX_TEXT, rb.msg_len);
	EXPECT_EQ(0, memcmp(big, rb.msg, SECMSG_CLIENT_MAX_TEXT));
	EXPECT_EQ(SECMSG_CLIENT_E_TOO_LARGE,
		  secmsg_client_send(a, "bob", big, SECMSG_CLIENT_MAX_TEXT + 1,
				     NULL));
	free(big);

	/* the other way, empty */
	ASSERT_EQ(0, secmsg_client_send(b, "alice", "", 0, NULL));
	ASSERT_TRUE(PUMP(a, b, ra.decrypted == 1 && rb.deliveries == 1));
	EXPECT_EQ(0, ra.msg_len);
	EXPECT_STREQ("bob", ra.from);
	EXPECT_EQ(1, rb.delivered);

	/* who */
	ASSERT_EQ(0, secmsg_client_who(a));
	ASSERT_TRUE(PUMP(a, b, ra.online_calls == 2));
	EXPECT_EQ(2, ra.online_n);	/* who: everyone, alice too */
	EXPECT_TRUE(rec_online_has(&ra, "alice") && rec_online_has(&ra, "bob"));

	/* local refusals */
	EXPECT_EQ(SECMSG_CLIENT_E_INVAL,
		  secmsg_client_send(a, "bad user", "x", 1, NULL));
	EXPECT_EQ(SECMSG_CLIENT_E_INVAL, secmsg_client_rotate(a, "rot13"));

	/* bob leaves: idle, his kernel session gone, alice told */
	ASSERT_EQ(0, secmsg_client_disconnect(b));
	EXPECT_EQ(SECMSG_CLIENT_IDLE, secmsg_client_state(b));
	EXPECT_EQ(0, secmsg_client_last_error(b));
	EXPECT_EQ(SECMSG_CLIENT_IDLE, rb.states[rb.n_states - 1]);
	EXPECT_TRUE(PUMP(a, NULL, ra.presence_off == 1));
	EXPECT_STREQ("bob", ra.presence_user);
	EXPECT_EQ(-ENOENT, secmsg_session_get(w->nl, bob_sid, &sb));

	/* undeliverable: reported to the sender with the reason */
	ASSERT_EQ(0, secmsg_client_send(a, "bob", "x", 1, &id));
	ASSERT_TRUE(PUMP(a, NULL, ra.deliveries == 3));
	EXPECT_EQ(id, ra.last_id);
	EXPECT_EQ(SECMSG_CLIENT_E_RECIPIENT_OFFLINE, ra.last_delivery_err);
	EXPECT_STREQ("recipient_offline", ra.last_code);
	ASSERT_EQ(0, secmsg_client_send(a, "nobody", "x", 1, NULL));
	ASSERT_TRUE(PUMP(a, NULL, ra.deliveries == 4));
	EXPECT_EQ(SECMSG_CLIENT_E_RECIPIENT_UNKNOWN, ra.last_delivery_err);
	EXPECT_STREQ("recipient_unknown", ra.last_code);
	EXPECT_EQ(2, ra.delivered);
	EXPECT_EQ(0, ra.errors);
	EXPECT_EQ(0, rb.errors);
	rec_free(a, &ra);
	rec_free(b, &rb);
	/* freeing a connected client closes it: the daemon drops its session */
	EXPECT_TRUE(ksessions_become(w, "alice", 0));
}

/* ---- one daemon, options per test ---------------------------------- */

FIXTURE(api) {
	struct world w;
};

/* The secmsgd options of the api tests that need some (NULL-ended). */
static const struct {
	const char *test;
	const char *const args[5];
} api_daemon_args[] = {
	{ "count_rotation", { "--max-messages-per-key", "3" } },
	{ "registration", { "--register" } },
	{ "rate_limited", { "--rate", "1", "--burst", "2" } },
	{ "expiry", { "--session-timeout", "3s" } },
	{ "already_online", { "--on-conflict", "refuse" } },
	{ "every_login", { "--max-user-connections", "3" } },
};

static const char *const *api_options(const char *test)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(api_daemon_args); i++)
		if (!strcmp(test, api_daemon_args[i].test))
			return api_daemon_args[i].args;
	return NULL;
}

FIXTURE_SETUP(api)
{
	ASSERT_EQ(0, world_setup(&self->w, api_options(_metadata->name)));
}

FIXTURE_TEARDOWN(api)
{
	world_teardown(&self->w);
}

TEST_F_TIMEOUT(api, rotate, 120)
{
	struct world *w = &self->w;
	struct secmsg_session_info si;
	struct secmsg_client *a, *b;
	struct rec ra, rb;
	int i, n;

	a = rec_client(&ra, "alice", w->url);
	b = rec_client(&rb, "bob", w->url);
	ASSERT_EQ(0, connect_raw(w, a, ALICE, "chacha20_poly1305"));
	ASSERT_EQ(0, connect_raw(w, b, BOB, "aes_256_gcm"));
	for (i = 1; i <= SECMSG_ALG_MAX; i++) {
		const char *alg = secmsg_alg_name(i);

		ASSERT_EQ(0, secmsg_client_rotate(a, alg));
		ASSERT_TRUE(PUMP(a, b, ra.epochs == i));
		EXPECT_EQ(i, ra.last_epoch);
		EXPECT_STREQ(alg, ra.epoch_alg);
		EXPECT_EQ(i, secmsg_client_epoch(a));
		EXPECT_STREQ(alg, secmsg_client_alg(a));
		ASSERT_EQ(0, ksession(w, a, &si));
		EXPECT_EQ(i, si.epoch);
		EXPECT_EQ(i, si.alg);
		EXPECT_EQ(i, si.counters.rotations);
		/* both directions under the new keys */
		n = rb.decrypted;
		ASSERT_EQ(0, secmsg_client_send(a, "bob", "after", 5, NULL));
		ASSERT_TRUE(PUMP(a, b, rb.decrypted == n + 1));
		EXPECT_STREQ("after", rb.text);
		EXPECT_STREQ("aes_256_gcm", rb.alg);	/* bob's session */
		n = ra.decrypted;
		ASSERT_EQ(0, secmsg_client_send(b, "alice", "back", 4, NULL));
		ASSERT_TRUE(PUMP(a, b, ra.decrypted == n + 1));
		EXPECT_STREQ("back", ra.text);
		EXPECT_STREQ(alg, ra.alg);
		EXPECT_EQ(i, ra.epoch);
	}
	/* a plain key rotation keeps the algorithm */
	ASSERT_EQ(0, secmsg_client_rotate(a, NULL));
	ASSERT_TRUE(PUMP(a, b, ra.epochs == 4));
	EXPECT_STREQ("twofish_cbc", secmsg_client_alg(a));
	/* rotate, send, rotate, send without waiting: nothing lost */
	n = rb.decrypted;
	ASSERT_EQ(0, secmsg_client_rotate(a, "aes_256_gcm"));
	ASSERT_EQ(0, secmsg_client_send(a, "bob", "r1", 2, NULL));
	ASSERT_EQ(0, secmsg_client_rotate(a, "chacha20_poly1305"));
	ASSERT_EQ(0, secmsg_client_send(a, "bob", "r2", 2, NULL));
	ASSERT_TRUE(PUMP(a, b, rb.decrypted == n + 2 && ra.deliveries == 5));
	EXPECT_STREQ("r2", rb.text);
	EXPECT_EQ(6, secmsg_client_epoch(a));
	EXPECT_EQ(5, ra.delivered);
	EXPECT_EQ(3, rb.delivered);
	EXPECT_EQ(0, ra.errors);
	EXPECT_EQ(0, rb.errors);
	ASSERT_EQ(0, ksession(w, a, &si));
	EXPECT_EQ(6, si.epoch);
	EXPECT_EQ(0, si.counters.auth_failures);
	rec_free(a, &ra);
	rec_free(b, &rb);
}

TEST_F_TIMEOUT(api, count_rotation, 180)
{
	struct world *w = &self->w;
	static const char *const algs[3] = { "chacha20_poly1305",
					     "aes_256_gcm", "twofish_cbc" };
	struct secmsg_session_info si;
	struct secmsg_client *c[3];
	struct rec r[3];
	char t[16];
	int i, k, bad = 0;

	for (k = 0; k < 3; k++) {
		c[k] = rec_client(&r[k], names[k], w->url);
		ASSERT_EQ(0, connect_raw(w, c[k], k, algs[k]));
	}
	/* alice -> bob -> carol -> alice, ten rounds */
	for (i = 0; i < 10; i++) {
		snprintf(t, sizeof(t), "m%d", i);
		for (k = 0; k < 3; k++)
			secmsg_client_send(c[k], names[(k + 1) % 3], t,
					   strlen(t), NULL);
		if (!PUMP3_MS(c[0], c[1], c[2], 10000,
			      r[0].decrypted == i + 1 &&
			      r[1].decrypted == i + 1 &&
			      r[2].decrypted == i + 1 &&
			      r[0].deliveries == i + 1 &&
			      r[1].deliveries == i + 1 &&
			      r[2].deliveries == i + 1))
			bad++;
		for (k = 0; k < 3; k++)
			bad += !!strcmp(r[k].text, t);
	}
	EXPECT_EQ(0, bad);
	for (k = 0; k < 3; k++) {
		EXPECT_EQ(10, r[k].delivered);
		EXPECT_EQ(0, r[k].errors);
		/* 20 messages through each session, a new key every 3 */
		EXPECT_GE(secmsg_client_epoch(c[k]), 5);
		EXPECT_GE(r[k].epochs, 5);
		EXPECT_STREQ(algs[k], r[k].alg);
		ASSERT_EQ(0, ksession(w, c[k], &si));
		EXPECT_EQ(si.epoch, secmsg_client_epoch(c[k]));
		EXPECT_EQ(si.epoch, si.counters.rotations);
		DIAG("%s: epoch %u, %u epoch callbacks", names[k], si.epoch,
		     r[k].epochs);
	}
	for (k = 0; k < 3; k++)
		rec_free(c[k], &r[k]);
}

TEST_F_TIMEOUT(api, refusals, 120)
{
	struct world *w = &self->w;
	struct secmsg_client_key bad = { .file = w->keyfile, .passphrase = "nope",
					 .passphrase_len = 4 };
	struct secmsg_client_key none = { .file = "/nonexistent/key",
					  .passphrase = PASS,
					  .passphrase_len = strlen(PASS) };
	struct secmsg_client_key carol = { .private_key = w->priv[CAROL] };
	uint8_t other[KLEN];
	struct secmsg_client *a;
	char url[64];
	struct rec ra;
	int err;

	ASSERT_EQ(0, make_keyfile(w));
	a = rec_client(&ra, "x", w->url);
	ASSERT_NE(NULL, a);

	/* refused before any connection */
	EXPECT_EQ(SECMSG_CLIENT_E_PASSPHRASE,
		  secmsg_client_connect(a, "alice", NULL, &bad, w->spub));
	EXPECT_EQ(0, ra.n_states);
	EXPECT_EQ(SECMSG_CLIENT_E_KEYFILE,
		  secmsg_client_connect(a, "alice", NULL, &none, w->spub));
	EXPECT_EQ(SECMSG_CLIENT_E_INVAL,
		  secmsg_client_connect(a, "alice", "rot13", &carol, w->spub));
	EXPECT_EQ(SECMSG_CLIENT_E_INVAL,
		  secmsg_client_connect(a, "-x", NULL, &carol, w->spub));
	EXPECT_EQ(0, ra.n_states);

	/* refused by the daemon and the kernel */
	err = secmsg_client_connect(a, "mallory", NULL, &carol, w->spub);
	EXPECT_EQ(SECMSG_CLIENT_E_UNKNOWN_USER, err);
	EXPECT_EQ(SECMSG_CLIENT_IDLE, secmsg_client_state(a));
	EXPECT_EQ(err, secmsg_client_last_error(a));
	EXPECT_EQ(err, ra.last_state_err);
	EXPECT_EQ(err, ra.last_err);
	EXPECT_STREQ("unknown_user", secmsg_client_err_code(err));
	err = secmsg_client_connect(a, "alice", NULL, &carol, w->spub);
	EXPECT_EQ(SECMSG_CLIENT_E_AUTH, err);
	EXPECT_STREQ("auth_failed", secmsg_client_err_code(err));
	/* a server that does not hold the pinned key cannot read message 1 */
	rand_bytes(other, KLEN);
	ASSERT_EQ(0, secmsg_client_public_key(other, other));
	err = secmsg_client_connect(a, "carol", NULL, &carol, other);
	EXPECT_EQ(SECMSG_CLIENT_E_AUTH, err);
	EXPECT_EQ(0, ksessions_of(w, "alice"));
	EXPECT_EQ(0, ksessions_of(w, "carol"));

	/* words for every code and state; a bad URL: E_URL, no client */
	for (err = SECMSG_CLIENT_E_MAX; err < 0; err++)
		EXPECT_LT(5, strlen(secmsg_client_strerror(err)));
	EXPECT_STREQ("ready", secmsg_client_state_name(SECMSG_CLIENT_READY));
	EXPECT_STREQ("idle", secmsg_client_state_name(secmsg_client_state(a)));
	EXPECT_EQ(NULL, secmsg_client_new_err("http://127.0.0.1:8765", &err));
	EXPECT_EQ(SECMSG_CLIENT_E_URL, err);

	/* nothing listening */
	snprintf(url, sizeof(url), "ws://127.0.0.1:%d", free_port());
	{
		struct rec rn;
		struct secmsg_client *n = rec_client(&rn, "n", url);

		ASSERT_NE(NULL, n);
		EXPECT_EQ(SECMSG_CLIENT_E_CONNECT, connect_raw(w, n, CAROL, NULL));
		EXPECT_EQ(SECMSG_CLIENT_E_CONNECT, rn.last_err);
		rec_free(n, &rn);
	}

	/* then the right key file; connecting twice is refused */
	bad.passphrase = PASS;
	bad.passphrase_len = strlen(PASS);
	ASSERT_EQ(0, secmsg_client_connect(a, "alice", NULL, &bad, w->spub));
	EXPECT_STREQ("aes_256_gcm", secmsg_client_alg(a));
	EXPECT_EQ(SECMSG_CLIENT_E_STATE,
		  secmsg_client_connect(a, "alice", NULL, &bad, w->spub));
	EXPECT_EQ(SECMSG_CLIENT_READY, secmsg_client_state(a));
	EXPECT_EQ(1, ksessions_of(w, "alice"));
	rec_free(a, &ra);
}

TEST_F_TIMEOUT(api, registration, 60)
{
	struct world *w = &self->w;
	struct secmsg_client_key k = { .private_key = w->priv[DAVE] };
	struct secmsg_user_info ui;
	struct secmsg_client *d;
	struct rec rd;

	d = rec_client(&rd, "dave", w->url);
	ASSERT_NE(NULL, d);
	EXPECT_EQ(-ENOENT, secmsg_user_get(w->nl, "dave", &ui));
	/* without the public key in hello, an unknown user stays unknown */
	EXPECT_EQ(SECMSG_CLIENT_E_UNKNOWN_USER,
		  secmsg_client_connect(d, "dave", NULL, &k, w->spub));
	secmsg_client_set_register(d, true);
	ASSERT_EQ(0, secmsg_client_connect(d, "dave", NULL, &k, w->spub));
	ASSERT_EQ(0, secmsg_user_get(w->nl, "dave", &ui));
	EXPECT_EQ(0, memcmp(ui.public_key, w->pub[DAVE], KLEN));
	rec_free(d, &rd);
}

TEST_F_TIMEOUT(api, restart, 180)
{
	struct world *w = &self->w;
	struct secmsg_client *a, *b;
	struct rec ra, rb;
	uint64_t sid_a, sid_b;
	uint8_t pub[KLEN];
	int fd, n, d;

	a = rec_client(&ra, "alice", w->url);
	b = rec_client(&rb, "bob", w->url);
	ASSERT_EQ(0, connect_raw(w, a, ALICE, "twofish_cbc"));
	ASSERT_EQ(0, connect_raw(w, b, BOB, NULL));
	ASSERT_EQ(0, secmsg_client_rotate(a, "chacha20_poly1305"));
	ASSERT_TRUE(PUMP(a, b, ra.epochs == 1));
	ASSERT_EQ(0, secmsg_client_send(a, "bob", "before", 6, NULL));
	ASSERT_TRUE(PUMP(a, b, rb.decrypted == 1 && ra.deliveries == 1));
	sid_a = secmsg_client_session_id(a);
	sid_b = secmsg_client_session_id(b);
	fd = secmsg_client_fd(a);

	/* SIGTERM: the daemon says going away and deletes the sessions */
	EXPECT_EQ(0, daemon_stop(w, SIGTERM));
	ASSERT_TRUE(PUMP(a, b, secmsg_client_state(a) == SECMSG_CLIENT_IDLE &&
			 secmsg_client_state(b) == SECMSG_CLIENT_IDLE));
	EXPECT_EQ(SECMSG_CLIENT_E_SHUTDOWN, secmsg_client_last_error(a));
	EXPECT_EQ(SECMSG_CLIENT_E_SHUTDOWN, ra.last_state_err);
	EXPECT_EQ(SECMSG_CLIENT_E_SHUTDOWN, secmsg_client_last_error(b));
	EXPECT_EQ(0, ksessions_of(w, "alice"));
	EXPECT_EQ(0, ksessions_of(w, "bob"));
	EXPECT_EQ(SECMSG_CLIENT_E_STATE,
		  secmsg_client_send(a, "bob", "x", 1, NULL));
	EXPECT_EQ(SECMSG_CLIENT_E_SHUTDOWN, secmsg_client_wait(a, 10));
	EXPECT_EQ(SECMSG_CLIENT_E_CONNECT, secmsg_client_reconnect(a));

	/* the same identity file: the same server key, the pin holds */
	ASSERT_EQ(0, daemon_start(w));
	ASSERT_EQ(0, secmsg_identity_get(w->nl, pub));
	EXPECT_EQ(0, memcmp(pub, w->spub, KLEN));
	ASSERT_EQ(0, secmsg_client_reconnect(a));
	ASSERT_EQ(0, secmsg_client_reconnect(b));
	EXPECT_NE(sid_a, secmsg_client_session_id(a));
	EXPECT_NE(sid_b, secmsg_client_session_id(b));
	EXPECT_EQ(0, secmsg_client_epoch(a));
	EXPECT_STREQ("twofish_cbc", secmsg_client_alg(a));	/* as connected */
	EXPECT_EQ(fd, secmsg_client_fd(a));
	ASSERT_EQ(0, secmsg_client_send(a, "bob", "again", 5, NULL));
	ASSERT_EQ(0, secmsg_client_send(b, "alice", "hi", 2, NULL));
	ASSERT_TRUE(PUMP(a, b, rb.decrypted == 2 && ra.decrypted == 1 &&
			 ra.deliveries == 2 && rb.deliveries == 1));
	EXPECT_STREQ("again", rb.text);
	EXPECT_STREQ("hi", ra.text);
	EXPECT_STREQ("twofish_cbc", ra.alg);
	EXPECT_EQ(2, ra.delivered);

	/* kill -9: the connection drops; the kernel drops the sessions */
	sid_a = secmsg_client_session_id(a);
	EXPECT_EQ(SIGKILL, WTERMSIG(daemon_stop(w, SIGKILL)));
	ASSERT_TRUE(PUMP(a, b, secmsg_client_state(a) == SECMSG_CLIENT_IDLE &&
			 secmsg_client_state(b) == SECMSG_CLIENT_IDLE));
	EXPECT_EQ(SECMSG_CLIENT_E_CLOSED, secmsg_client_last_error(a));
	EXPECT_TRUE(ksessions_become(w, "alice", 0));
	ASSERT_EQ(0, daemon_start(w));

	/* reconnect in the event loop form this time */
	ASSERT_EQ(0, secmsg_client_reconnect_start(a));
	ASSERT_EQ(0, secmsg_client_reconnect(b));
	n = ra.n_states;
	ASSERT_TRUE(PUMP(a, b, secmsg_client_state(a) == SECMSG_CLIENT_READY));
	EXPECT_EQ(SECMSG_CLIENT_READY, ra.states[ra.n_states - 1]);
	EXPECT_LT(n, ra.n_states);
	EXPECT_NE(sid_a, secmsg_client_session_id(a));
	d = ra.deliveries;
	ASSERT_EQ(0, secmsg_client_send(a, "bob", "third", 5, NULL));
	ASSERT_TRUE(PUMP(a, b, rb.decrypted == 3 && ra.deliveries == d + 1));
	EXPECT_STREQ("third", rb.text);
	EXPECT_EQ(3, ra.delivered);
	EXPECT_EQ(0, rb.errors);
	rec_free(a, &ra);
	rec_free(b, &rb);
}

TEST_F_TIMEOUT(api, event_loop, 120)
{
	struct world *w = &self->w;
	struct secmsg_client_key ka = { .private_key = w->priv[ALICE] };
	struct secmsg_client_key kb = { .private_key = w->priv[BOB] };
	struct secmsg_client *c[2];
	struct pollfd p[2];
	struct rec r[2];
	int64_t end;
	int k, n;

	c[0] = rec_client(&r[0], "alice", w->url);
	c[1] = rec_client(&r[1], "bob", w->url);
	ASSERT_EQ(0, secmsg_client_connect_start(c[0], "alice",
						 "chacha20_poly1305", &ka,
						 w->spub));
	ASSERT_EQ(0, secmsg_client_connect_start(c[1], "bob", NULL, &kb,
						 w->spub));
	EXPECT_NE(SECMSG_CLIENT_READY, secmsg_client_state(c[0]));
	/* bob answers every message from inside his decrypted callback */
	r[1].echo = "pong";
	for (k = 0; k < 2; k++) {
		p[k].fd = secmsg_client_fd(c[k]);
		p[k].events = POLLIN;
		ASSERT_LE(0, p[k].fd);
	}
	for (end = rec_now_ms() + 30000; rec_now_ms() < end;) {
		if (secmsg_client_state(c[0]) == SECMSG_CLIENT_READY &&
		    secmsg_client_state(c[1]) == SECMSG_CLIENT_READY &&
		    !r[0].deliveries && !secmsg_client_pending(c[0]))
			secmsg_client_send(c[0], "bob", "ping", 4, NULL);
		if (r[0].decrypted)
			break;
		n = poll(p, 2, SECMSG_CLIENT_POLL_MAX_MS);
		ASSERT_LE(0, n);
		for (k = 0; k < 2; k++)
			secmsg_client_service(c[k], 0);
	}
	ASSERT_EQ(1, r[0].decrypted);
	EXPECT_STREQ("pong", r[0].text);
	EXPECT_STREQ("bob", r[0].from);
	EXPECT_STREQ("ping", r[1].text);
	EXPECT_TRUE(PUMP(c[0], c[1], r[1].deliveries == 1));
	EXPECT_EQ(1, r[1].delivered);

	/* the blocking wait returns once callbacks ran, or 0 at timeout */
	EXPECT_EQ(0, secmsg_client_wait(c[0], 50));
	ASSERT_EQ(0, secmsg_client_send(c[1], "alice", "w", 1, NULL));
	n = 0;
	for (end = rec_now_ms() + 5000; !n && rec_now_ms() < end;) {
		secmsg_client_service(c[1], 0);
		n = secmsg_client_wait(c[0], 100);
	}
	EXPECT_LE(1, n);
	EXPECT_STREQ("w", r[0].text);

	/* disconnect_start: closing, then idle with no error */
	ASSERT_EQ(0, secmsg_client_disconnect_start(c[0]));
	EXPECT_EQ(SECMSG_CLIENT_CLOSING, secmsg_client_state(c[0]));
	EXPECT_TRUE(PUMP(c[0], c[1],
			 secmsg_client_state(c[0]) == SECMSG_CLIENT_IDLE &&
			 r[1].presence_off == 1));
	EXPECT_EQ(0, secmsg_client_last_error(c[0]));
	EXPECT_STREQ("alice", r[1].presence_user);
	EXPECT_EQ(0, ksessions_of(w, "alice"));
	for (k = 0; k < 2; k++)
		rec_free(c[k], &r[k]);
}

/* Clients alice1, alice2 and bob; alice1 and bob logged in. */
struct second_login {
	struct secmsg_client *a1, *a2, *b;
	struct rec r1, r2, rb;
};

static int second_login_setup(struct world *w, struct second_login *t)
{
	t->a1 = rec_client(&t->r1, "alice1", w->url);
	t->a2 = rec_client(&t->r2, "alice2", w->url);
	t->b = rec_client(&t->rb, "bob", w->url);
	if (!t->a1 || !t->a2 || !t->b)
		return -1;
	return connect_raw(w, t->a1, ALICE, NULL) ?:
	       connect_raw(w, t->b, BOB, NULL);
}

static void second_login_free(struct second_login *t)
{
	rec_free(t->a1, &t->r1);
	rec_free(t->a2, &t->r2);
	rec_free(t->b, &t->rb);
}

TEST_F_TIMEOUT(api, replaced, 60)
{
	struct world *w = &self->w;
	struct second_login t;
	struct secmsg_client *a1, *a2, *b;

	ASSERT_EQ(0, second_login_setup(w, &t));
	a1 = t.a1;
	a2 = t.a2;
	b = t.b;
	ASSERT_EQ(0, connect_raw(w, a2, ALICE, NULL));
	ASSERT_TRUE(PUMP3(a1, a2, b,
			  secmsg_client_state(a1) == SECMSG_CLIENT_IDLE));
	EXPECT_EQ(SECMSG_CLIENT_E_REPLACED, secmsg_client_last_error(a1));
	EXPECT_EQ(SECMSG_CLIENT_E_REPLACED, t.r1.last_state_err);
	EXPECT_EQ(SECMSG_CLIENT_READY, secmsg_client_state(a2));
	EXPECT_TRUE(ksessions_become(w, "alice", 1));
	ASSERT_EQ(0, secmsg_client_send(b, "alice", "to the newest", 13,
					NULL));
	ASSERT_TRUE(PUMP3(a1, a2, b, t.r2.decrypted == 1 &&
			  t.rb.deliveries == 1));
	EXPECT_STREQ("to the newest", t.r2.text);
	EXPECT_EQ(0, t.r1.decrypted);
	second_login_free(&t);
}

TEST_F_TIMEOUT(api, already_online, 60)
{
	struct world *w = &self->w;
	struct second_login t;

	ASSERT_EQ(0, second_login_setup(w, &t));
	EXPECT_EQ(SECMSG_CLIENT_E_ALREADY_ONLINE,
		  connect_raw(w, t.a2, ALICE, NULL));
	EXPECT_EQ(SECMSG_CLIENT_IDLE, secmsg_client_state(t.a2));
	EXPECT_STREQ("already_online",
		     secmsg_client_err_code(secmsg_client_last_error(t.a2)));
	/* the first login keeps its session and its messages */
	EXPECT_EQ(1, ksessions_of(w, "alice"));
	ASSERT_EQ(0, secmsg_client_send(t.b, "alice", "still you", 9, NULL));
	ASSERT_TRUE(PUMP3(t.a1, t.a2, t.b, t.r1.decrypted == 1 &&
			  t.rb.deliveries == 1));
	EXPECT_STREQ("still you", t.r1.text);
	EXPECT_EQ(SECMSG_CLIENT_READY, secmsg_client_state(t.a1));
	second_login_free(&t);
}

TEST_F_TIMEOUT(api, every_login, 90)
{
	static const char *const algs[3] = { "aes_256_gcm", "twofish_cbc",
					     "chacha20_poly1305" };
	struct world *w = &self->w;
	struct secmsg_client *v[4], *b;	/* alice three times, bob */
	struct rec r[3], rb;
	uint8_t *big;
	int k, d;

	b = v[3] = rec_client(&rb, "bob", w->url);
	ASSERT_EQ(0, connect_raw(w, b, BOB, NULL));
	for (k = 0; k < 3; k++) {
		v[k] = rec_client(&r[k], "alice", w->url);
		ASSERT_EQ(0, connect_raw(w, v[k], ALICE, algs[k]));
	}
	EXPECT_EQ(3, ksessions_of(w, "alice"));
	/* each login gets it, sealed under its own session */
	ASSERT_EQ(0, secmsg_client_send(b, "alice", "to all of you", 13, NULL));
	ASSERT_TRUE(PUMPV(v, 4, r[0].decrypted == 1 && r[1].decrypted == 1 &&
			  r[2].decrypted == 1 && rb.deliveries == 1));
	for (k = 0; k < 3; k++) {
		EXPECT_STREQ("to all of you", r[k].text);
		EXPECT_STREQ(algs[k], r[k].alg);
		EXPECT_STREQ("bob", r[k].from);
	}
	/* and the sender hears once */
	EXPECT_FALSE(PUMPV(v, 4, rb.deliveries > 1 || r[0].decrypted > 1));
	EXPECT_EQ(1, rb.delivered);
	/* the largest message, three copies in one batch */
	big = malloc(SECMSG_CLIENT_MAX_TEXT);
	ASSERT_NE(NULL, big);
	fill_pattern(big, SECMSG_CLIENT_MAX_TEXT, 7);
	ASSERT_EQ(0, secmsg_client_send(b, "alice", big,
					SECMSG_CLIENT_MAX_TEXT, NULL));
	ASSERT_TRUE(PUMPV(v, 4, r[0].decrypted == 2 && r[1].decrypted == 2 &&
			  r[2].decrypted == 2 && rb.deliveries == 2));
	for (k = 0; k < 3; k++) {
		ASSERT_EQ(SECMSG_CLIENT_MAX_TEXT, r[k].msg_len);
		EXPECT_EQ(0, memcmp(big, r[k].msg, r[k].msg_len));
	}
	free(big);
	/* one login leaves: the others still get messages */
	ASSERT_EQ(0, secmsg_client_disconnect(v[1]));
	ASSERT_EQ(0, secmsg_client_send(b, "alice", "two left", 8, NULL));
	ASSERT_TRUE(PUMPV(v, 4, r[0].decrypted == 3 && r[2].decrypted == 3 &&
			  rb.deliveries == 3));
	EXPECT_STREQ("two left", r[2].text);
	EXPECT_EQ(2, r[1].decrypted);
	EXPECT_EQ(3, rb.delivered);
	/* a login sending to its own user: every login gets it */
	d = r[2].decrypted;
	ASSERT_EQ(0, secmsg_client_send(v[0], "alice", "note to self", 12,
					NULL));
	ASSERT_TRUE(PUMPV(v, 4, r[2].decrypted == d + 1 &&
			  r[0].deliveries == 1));
	EXPECT_STREQ("note to self", r[2].text);
	EXPECT_EQ(1, r[0].delivered);
	for (k = 0; k < 3; k++) {
		EXPECT_EQ(0, r[k].errors);
		rec_free(v[k], &r[k]);
	}
	rec_free(b, &rb);
}

TEST_F_TIMEOUT(api, revoked, 60)
{
	struct world *w = &self->w;
	struct secmsg_user_info ui;
	struct secmsg_client *a, *b;
	struct rec ra, rb;

	a = rec_client(&ra, "alice", w->url);
	b = rec_client(&rb, "bob", w->url);
	ASSERT_EQ(0, connect_raw(w, a, ALICE, NULL));
	ASSERT_EQ(0, connect_raw(w, b, BOB, NULL));
	/* bob leaves the users file; secmsgd reloads it on SIGHUP */
	ASSERT_EQ(0, write_users(w, 1U << ALICE | 1U << CAROL));
	ASSERT_EQ(0, kill(w->pid, SIGHUP));
	ASSERT_TRUE(PUMP(a, b, secmsg_client_state(b) == SECMSG_CLIENT_IDLE &&
			 ra.presence_off == 1));
	EXPECT_EQ(SECMSG_CLIENT_E_REVOKED, secmsg_client_last_error(b));
	EXPECT_EQ(-ENOENT, secmsg_user_get(w->nl, "bob", &ui));
	EXPECT_EQ(0, ksessions_of(w, "bob"));
	EXPECT_EQ(SECMSG_CLIENT_E_UNKNOWN_USER, secmsg_client_reconnect(b));
	EXPECT_EQ(SECMSG_CLIENT_READY, secmsg_client_state(a));
	EXPECT_STREQ("bob", ra.presence_user);
	rec_free(a, &ra);
	rec_free(b, &rb);
}

TEST_F_TIMEOUT(api, rate_limited, 60)
{
	struct world *w = &self->w;
	struct secmsg_client *a, *b;
	struct rec ra, rb;
	uint64_t ids[6];
	int i;

	a = rec_client(&ra, "alice", w->url);
	b = rec_client(&rb, "bob", w->url);
	ASSERT_EQ(0, connect_raw(w, a, ALICE, NULL));
	ASSERT_EQ(0, connect_raw(w, b, BOB, NULL));
	/* 1 message/s with a burst of 2: six at once */
	for (i = 0; i < 6; i++)
		ASSERT_EQ(0, secmsg_client_send(a, "bob", "r", 1, &ids[i]));
	ASSERT_TRUE(PUMP(a, b, ra.deliveries == 6));
	EXPECT_LE(2, ra.delivered);
	EXPECT_GE(3, ra.delivered);	/* perhaps a token refilled */
	EXPECT_EQ(ids[5], ra.last_id);		/* in order */
	EXPECT_EQ(6 - ra.delivered,
		  ra.failed_by[-SECMSG_CLIENT_E_RATE_LIMITED]);
	EXPECT_TRUE(PUMP(a, b, rb.decrypted == ra.delivered));
	EXPECT_EQ(0, secmsg_client_pending(a));
	EXPECT_EQ(SECMSG_CLIENT_READY, secmsg_client_state(a));
	rec_free(a, &ra);
	rec_free(b, &rb);
}

TEST_F_TIMEOUT(api, expiry, 60)
{
	struct world *w = &self->w;
	struct secmsg_session_info si;
	struct secmsg_client *a;
	struct rec ra;

	a = rec_client(&ra, "alice", w->url);
	ASSERT_EQ(0, connect_raw(w, a, ALICE, NULL));
	ASSERT_EQ(0, ksession(w, a, &si));
	EXPECT_NE(0, si.expires);
	EXPECT_GE(si.created + 3, si.expires);
	ASSERT_TRUE(PUMP3_MS(a, NULL, NULL, 20000,
			     secmsg_client_state(a) == SECMSG_CLIENT_IDLE));
	EXPECT_EQ(SECMSG_CLIENT_E_EXPIRED, secmsg_client_last_error(a));
	EXPECT_EQ(SECMSG_CLIENT_E_EXPIRED, ra.last_state_err);
	EXPECT_EQ(-ENOENT, ksession(w, a, &si));
	rec_free(a, &ra);
}

TEST_HARNESS_MAIN
