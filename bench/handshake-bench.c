// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * handshake-bench: complete Noise KK handshakes per second through
 * secmsg.ko against the same work done by the libsecmsg userspace
 * reference server (nettle), in the same run (make bench runs it in the
 * VM through bench/run).
 *
 * Every round builds its messages 1 beforehand (secmsg_hs_init, not
 * timed: each carries a fresh ephemeral and a timestamp 1 us newer than
 * the previous one, so that no replay check trips), then, per handshake:
 *
 *   kernel:     SECMSG_CMD_HANDSHAKE (message 1 -> 2)  [timed: server]
 *               secmsg_hs_finish (client, message 3)   [timed: client]
 *               SECMSG_CMD_HANDSHAKE_CONFIRM           [timed: server]
 *               SECMSG_CMD_SESSION_DEL                 [not timed]
 *   userspace:  secmsg_hs_respond, secmsg_hs_finish, secmsg_hs_confirm_check
 *               (same split)
 *
 * "server" rates count only the server's part (for the kernel: the two
 * netlink round trips with their DH, HKDF and session set-up); "complete"
 * rates add the client's finish.  A netlink round trip that does no
 * crypto (IDENTITY_GET) is measured as the floor.  Output: markdown on
 * stdout.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <secmsg/handshake.h>
#include <secmsg/nl.h>
#include <secmsg/nl_identity.h>

#define KLEN SECMSG_X25519_LEN

static const char dashes[] =
	"--------------------------------------------------------------------";

static int n_per_round = 300;
static int rounds = 5;
static int alg = SECMSG_ALG_AES_256_GCM;

struct one {
	struct secmsg_hs_state st;
	uint8_t msg1[SECMSG_HS_INIT_MAX];
	size_t len;
};

struct rates {
	double server, client, complete;	/* seconds for one round */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "handshake-bench: %s: %s\n", what, strerror(-err));
	exit(1);
}

/* Messages 1 for one round, timestamps strictly increasing. */
static void build(struct one *v, int n, const char *user,
		  const uint8_t *cpriv, const uint8_t *spub,
		  struct secmsg_hs_timestamp *ts)
{
	int i, err;

	for (i = 0; i < n; i++) {
		ts->nsec += 1000;
		if (ts->nsec >= 1000000000) {
			ts->nsec -= 1000000000;
			ts->sec++;
		}
		v[i].len = sizeof(v[i].msg1);
		err = secmsg_hs_init_ex(&v[i].st, user, alg, cpriv, spub, NULL,
					ts, v[i].msg1, &v[i].len);
		if (err)
			die("secmsg_hs_init", err);
	}
}

static void kernel_round(struct secmsg_nl *nl, struct one *v, int n,
			 struct rates *r)
{
	uint8_t msg2[128], msg3[SECMSG_HS_CONFIRM_LEN], c2s[KLEN], s2c[KLEN];
	double t0, t1, t2, t3;
	uint64_t sid, cid;
	size_t len2;
	int i, err;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < n; i++) {
		len2 = sizeof(msg2);
		t0 = now_s();
		err = secmsg_handshake(nl, v[i].msg1, v[i].len, NULL, 0, &sid,
				       msg2, &len2);
		t1 = now_s();
		if (err)
			die("SECMSG_CMD_HANDSHAKE", err);
		err = secmsg_hs_finish(&v[i].st, msg2, len2, &cid, c2s, s2c,
				       msg3);
		t2 = now_s();
		if (err || cid != sid)
			die("secmsg_hs_finish", err ? err : -EPROTO);
		err = secmsg_handshake_confirm(nl, sid, msg3, sizeof(msg3),
					       NULL);
		t3 = now_s();
		if (err)
			die("SECMSG_CMD_HANDSHAKE_CONFIRM", err);
		secmsg_session_del(nl, sid);
		r->server += (t1 - t0) + (t3 - t2);
		r->client += t2 - t1;
	}
	r->complete = r->server + r->client;
	explicit_bzero(c2s, sizeof(c2s));
	explicit_bzero(s2c, sizeof(s2c));
}

static void user_round(const uint8_t *spriv, const uint8_t *spub,
		       const uint8_t *cpub,
		       struct secmsg_hs_replay *replay, struct one *v, int n,
		       struct rates *r)
{
	uint8_t msg3[SECMSG_HS_CONFIRM_LEN], c2s[KLEN], s2c[KLEN];
	struct secmsg_hs_pending p;
	double t0, t1, t2, t3;
	uint64_t cid;
	int i, err;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < n; i++) {
		t0 = now_s();
		err = secmsg_hs_respond(spriv, spub, cpub, replay,
					(uint64_t)i + 1, NULL, v[i].msg1,
					v[i].len, &p);
		t1 = now_s();
		if (err)
			die("secmsg_hs_respond", err);
		err = secmsg_hs_finish(&v[i].st, p.msg2, sizeof(p.msg2), &cid,
				       c2s, s2c, msg3);
		t2 = now_s();
		if (err)
			die("secmsg_hs_finish", err);
		err = secmsg_hs_confirm_check(&p, msg3, sizeof(msg3));
		t3 = now_s();
		if (err)
			die("secmsg_hs_confirm_check", err);
		secmsg_hs_pending_wipe(&p);
		r->server += (t1 - t0) + (t3 - t2);
		r->client += t2 - t1;
	}
	r->complete = r->server + r->client;
	explicit_bzero(c2s, sizeof(c2s));
	explicit_bzero(s2c, sizeof(s2c));
}

static double floor_round(struct secmsg_nl *nl, int n)
{
	uint8_t pub[KLEN];
	double t0 = now_s();
	int i, err;

	for (i = 0; i < n; i++) {
		err = secmsg_identity_get(nl, pub);
		if (err)
			die("SECMSG_CMD_IDENTITY_GET", err);
	}
	return now_s() - t0;
}

static double init_round(const char *user, const uint8_t *cpriv,
			 const uint8_t *spub, int n)
{
	struct secmsg_hs_state st;
	uint8_t msg1[SECMSG_HS_INIT_MAX];
	double t0 = now_s();
	size_t len;
	int i;

	for (i = 0; i < n; i++) {
		len = sizeof(msg1);
		if (secmsg_hs_init(&st, user, alg, cpriv, spub, msg1, &len))
			die("secmsg_hs_init", -EIO);
		secmsg_hs_wipe(&st);
	}
	return now_s() - t0;
}

static double best(const double *v, int n)
{
	double b = v[0];
	int i;

	for (i = 1; i < n; i++)
		if (v[i] < b)
			b = v[i];
	return b;
}

static void row(const char *what, double secs)
{
	printf("| %-58s | %12.0f | %10.1f |\n", what, n_per_round / secs,
	       secs / n_per_round * 1e6);
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: handshake-bench [--handshakes N] [--rounds N] [--alg NAME] [--quick]\n"
"Complete Noise KK handshakes/s: secmsg.ko against the userspace\n"
"reference server (nettle).  Sets a random server identity in the\n"
"current network namespace (CAP_NET_ADMIN, secmsg.ko loaded).\n"
"  --handshakes N  handshakes per round (default %d)\n"
"  --rounds N      rounds, interleaved; the best one counts (default %d)\n"
"  --alg NAME      the sessions' algorithm (default aes_256_gcm)\n"
"  --quick         50 handshakes, 2 rounds\n", n_per_round, rounds);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "handshakes", required_argument, NULL, 'n' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "alg", required_argument, NULL, 'a' },
		{ "quick", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	uint8_t spriv[KLEN], spub[KLEN], cpriv[KLEN], cpub[KLEN];
	struct secmsg_hs_replay replay = { 0 };
	struct secmsg_hs_timestamp ts;
	struct timespec rt;
	struct rates *k, *u;
	double *ks, *kc, *kx, *us, *ux, *fl, *in;
	struct secmsg_nl *nl;
	char user[64];
	struct one *v;
	int c, i, err;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			n_per_round = atoi(optarg);
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'a':
			alg = secmsg_alg_from_name(optarg);
			if (!alg) {
				fprintf(stderr, "unknown algorithm %s\n",
					optarg);
				return 2;
			}
			break;
		case 'q':
			n_per_round = 50;
			rounds = 2;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (n_per_round < 1 || rounds < 1) {
		usage(stderr);
		return 2;
	}
	err = secmsg_nl_open(&nl);
	if (err)
		die("secmsg_nl_open (module loaded?)", err);
	if ((err = secmsg_x25519_generate(spriv, NULL)) ||
	    (err = secmsg_identity_set(nl, spriv, spub)))
		die("identity", err);
	if ((err = secmsg_x25519_generate(cpriv, cpub)))
		die("client key", err);
	snprintf(user, sizeof(user), "bench-%08x", (unsigned int)time(NULL));
	err = secmsg_user_add(nl, user, cpub);
	if (err)
		die("SECMSG_CMD_USER_ADD", err);

	v = calloc((size_t)n_per_round, sizeof(*v));
	k = calloc((size_t)rounds, sizeof(*k));
	u = calloc((size_t)rounds, sizeof(*u));
	ks = calloc((size_t)rounds * 7, sizeof(double));
	if (!v || !k || !u || !ks)
		die("calloc", -ENOMEM);
	kc = ks + rounds;
	kx = kc + rounds;
	us = kx + rounds;
	ux = us + rounds;
	fl = ux + rounds;
	in = fl + rounds;
	clock_gettime(CLOCK_REALTIME, &rt);
	ts.sec = (uint64_t)rt.tv_sec;
	ts.nsec = (uint32_t)rt.tv_nsec;
	for (i = 0; i < rounds; i++) {
		fprintf(stderr, "handshake-bench: round %d/%d\n", i + 1,
			rounds);
		build(v, n_per_round, user, cpriv, spub, &ts);
		kernel_round(nl, v, n_per_round, &k[i]);
		build(v, n_per_round, user, cpriv, spub, &ts);
		user_round(spriv, spub, cpub, &replay, v, n_per_round, &u[i]);
		fl[i] = floor_round(nl, n_per_round);
		in[i] = init_round(user, cpriv, spub, n_per_round);
		ks[i] = k[i].server;
		kc[i] = k[i].client;
		kx[i] = k[i].complete;
		us[i] = u[i].server;
		ux[i] = u[i].complete;
	}

	printf("## Handshakes (Noise KK, X25519, %s)\n\n",
	       secmsg_alg_name(alg));
	printf("%d handshakes per round, best of %d rounds.  Messages 1 are "
	       "built beforehand\n(secmsg_hs_init, not timed); the client's "
	       "finish is timed separately.\n\n", n_per_round, rounds);
	printf("| %-58s | %12s | %10s |\n", "what", "per second", "us each");
	printf("|%.60s|%s|%s|\n", dashes, "-------------:", "-----------:");
	row("kernel: server side (HANDSHAKE + HANDSHAKE_CONFIRM)",
	    best(ks, rounds));
	row("userspace nettle: server side (respond + confirm check)",
	    best(us, rounds));
	row("complete, kernel server + client finish", best(kx, rounds));
	row("complete, userspace server + client finish", best(ux, rounds));
	row("client: secmsg_hs_finish (2 DH)", best(kc, rounds));
	row("client: secmsg_hs_init (keygen + 2 DH)", best(in, rounds));
	row("netlink floor: IDENTITY_GET round trip", best(fl, rounds));
	printf("\nkernel / userspace, server side: %.2f\n",
	       best(us, rounds) / best(ks, rounds));

	secmsg_user_del(nl, user);
	secmsg_nl_close(nl);
	for (i = 0; i < n_per_round; i++)
		secmsg_hs_wipe(&v[i].st);
	explicit_bzero(spriv, sizeof(spriv));
	explicit_bzero(cpriv, sizeof(cpriv));
	free(v);
	free(k);
	free(u);
	free(ks);
	return 0;
}
