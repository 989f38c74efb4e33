// SPDX-License-Identifier: GPL-2.0
/*
 * Systematic fault injection into secmsg.ko, as syzkaller does it: every
 * netlink command (dumps included), both handshake steps of the responder
 * and both of a link's initiator (LINK_INIT, LINK_FINISH, against a peer
 * node the test plays), session creation with every policy, rotation (by
 * command, by algorithm change, by message count), a link follower's OPEN
 * that moves it one and SECMSG_LINK_FOLLOW_MAX epochs, the batch paths
 * and module load and unload are run with
 * /proc/thread-self/fail-nth = 1, 2, 3 ... (failslab and fail_page_alloc
 * set up to fail any allocation of this task, sleeping ones included)
 * until the operation completes without reaching the injected failure.
 *
 * After each injected failure:
 *   - the error is clean: ENOMEM, or ENOBUFS from the netlink socket
 *     (a batch op's status too), extack messages are collected;
 *   - nothing is half made: the namespace's stats, every session (state,
 *     epoch, algorithm, flags, policy, counters), the users and peer nodes
 *     (keys and handshake stamps) and the identity are exactly as before,
 *     and no event was sent;
 *   - the same request, retried, succeeds as if the failed one had never
 *     happened: the same message 1 is not a replay, the same sealed
 *     message is not a replay, a SEAL gets the next sequence number;
 *   - the kernel logged nothing (KASAN, lockdep, WARNING, ...).
 * A failure the kernel absorbs (the operation still succeeds) must leave
 * the same outcome as a clean run.  The only allowed exception is the
 * netlink ACK of a request that succeeded: when its allocation fails the
 * socket reports ENOBUFS although the command was done; the test then
 * checks the command's complete outcome instead.
 *
 * At the end kmemleak must report nothing.  Prints, per operation, the
 * failure points it has.  Needs the debug kernel (tools/vm-run --debug):
 * listed debug-only in selftests/TESTS, run by make check-debug.  Runs in a
 * network namespace of its own.  With an argument, only the operations
 * whose name contains it (tools/vm-run --debug -- selftests/fault_inject_test
 * RESEAL).
 */
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "common.h"
#include <secmsg/handshake.h>
#include <secmsg/nl_identity.h>

/* An operation with more failure points than this fails the test. */
#define MAX_NTH		3000
#define KLEN		SECMSG_X25519_LEN
#define PARAM_DIR	"/sys/module/secmsg/parameters/"
#define DEBUGFS		"/sys/kernel/debug/"
#define KMEMLEAK	DEBUGFS "kmemleak"
#define N_DUMP_SESSIONS	48	/* several dump rounds (NLMSG_GOODSIZE) */
#define N_DUMP_USERS	80
#define MAX_SESS	(N_DUMP_SESSIONS + 32)
#define MAX_USERS	(N_DUMP_USERS + 16)
#define MAX_EXTACKS	6

/* ------------------------------------------------------------------------ */
/* TAP */

static int tap_n, tap_failed;

static void tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (!ok)
		tap_failed++;
	printf("%s %d ", ok ? "ok" : "not ok", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* ------------------------------------------------------------------------ */
/* fail-nth, the fault attributes, the kernel log */

static int nth_fd = -1;

static void arm(unsigned int n)
{
	char b[16];
	int len = snprintf(b, sizeof(b), "%u", n);

	if (pwrite(nth_fd, b, len, 0) != len) {
		perror("# fail-nth");
		abort();
	}
}

/* Disarm; true when the armed failure was injected. */
static bool disarm(void)
{
	char b[16] = "";
	ssize_t n = pread(nth_fd, b, sizeof(b) - 1, 0);

	if (n <= 0 || pwrite(nth_fd, "0", 1, 0) != 1) {
		perror("# fail-nth");
		abort();
	}
	return strtoul(b, NULL, 10) == 0;
}

static int write_file(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, v, strlen(v));
	close(fd);
	return n == (ssize_t)strlen(v) ? 0 : -EIO;
}

static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -EIO;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Fault attribute settings, restored at exit. */
static struct setting {
	const char *path, *value;
	char old[32];
	bool saved;
} settings[] = {
	{ DEBUGFS "failslab/ignore-gfp-wait", "N" },
	{ DEBUGFS "failslab/verbose", "0" },
	{ DEBUGFS "fail_page_alloc/ignore-gfp-wait", "N" },
	{ DEBUGFS "fail_page_alloc/ignore-gfp-highmem", "N" },
	{ DEBUGFS "fail_page_alloc/min-order", "0" },
	{ DEBUGFS "fail_page_alloc/verbose", "0" },
	/* no handshake may expire while its steps are being failed */
	{ PARAM_DIR "pending_timeout", "3600" },
};

static int settings_apply(void)
{
	size_t i;
	int err;

	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		struct setting *s = &settings[i];

		err = read_file(s->path, s->old, sizeof(s->old));
		if (!err) {
			s->saved = true;
			err = write_file(s->path, s->value);
		}
		if (err) {
			DIAG("%s: %s", s->path, errname(err));
			return err;
		}
	}
	return 0;
}

static void settings_restore(void)
{
	size_t i;

	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
		if (settings[i].saved)
			write_file(settings[i].path, settings[i].old);
}

/* The kernel log from here on: problems as selftests/run sees them. */
static int kmsg_fd = -1;
static regex_t problem_re;
static const char problem_pattern[] =
	"(^|[^[:alnum:]_])(BUG|WARNING)([^[:alnum:]_]|$)|Oops|KASAN|KFENCE|"
	"lockdep|possible recursive locking|INFO: task .* blocked|"
	"general protection|UBSAN|ODEBUG|kmemleak";
/*
 * Not a problem: kmemleak telling that an allocation of its own failed
 * (as this test makes them fail), so that it scans that object whole.
 * Only this exact line (selftests/run and tools/vm/guest-init skip it too).
 */
static const char kmemleak_own_failure[] =
	"kmemleak: Cannot allocate a scan area, scanning the full object";

static int kmsg_open(void)
{
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg_fd < 0)
		return -errno;
	lseek(kmsg_fd, 0, SEEK_END);
	return regcomp(&problem_re, problem_pattern, REG_EXTENDED | REG_NOSUB) ?
	       -EINVAL : 0;
}

/* Number of problem lines logged since the last call (shown as # lines). */
static int kmsg_problems(const char *what)
{
	char rec[8192];
	int found = 0;
	ssize_t n;

	for (;;) {
		char *msg;

		n = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		msg[strcspn(msg, "\n")] = '\0';
		/*
		 * Headlines only: backtrace lines (an allocation failure's
		 * warning has one) name kmemleak_alloc, lockdep_* ...
		 */
		if (*msg == ' ' || !strcmp(msg, kmemleak_own_failure))
			continue;
		if (regexec(&problem_re, msg, 0, NULL, 0) == 0) {
			if (found++ < 20)
				DIAG("%s: kernel: %s", what, msg);
		}
	}
	return found;
}

/* ------------------------------------------------------------------------ */
/* the namespace's state */

static struct secmsg_nl *nl;	/* commands */
static struct secmsg_nl *evl;	/* events listener */

struct sess_rec {
	uint64_t id;
	int alg, state;
	uint32_t epoch, flags;
	struct secmsg_policy pol;
	struct secmsg_counters cnt;
};

struct user_rec {
	char id[SECMSG_USER_ID_MAX + 1];
	uint8_t pub[KLEN];
	uint64_t last_handshake;
};

struct snap {
	struct secmsg_stats st;
	int n_sess, n_users;
	struct sess_rec sess[MAX_SESS];
	struct user_rec users[MAX_USERS];
	bool has_identity;
	uint8_t identity[KLEN];
};

static int snap_sess_cb(const struct secmsg_session_info *s, void *arg)
{
	struct snap *sn = arg;
	struct sess_rec *r;

	if (sn->n_sess >= MAX_SESS)
		return -ENOSPC;
	r = &sn->sess[sn->n_sess++];
	r->id = s->id;
	r->alg = s->alg;
	r->state = s->state;
	r->epoch = s->epoch;
	r->flags = s->flags;
	r->pol = s->policy;
	r->cnt = s->counters;
	return 0;
}

static int snap_user_cb(const struct secmsg_user_info *u, void *arg)
{
	struct snap *sn = arg;
	struct user_rec *r;

	if (sn->n_users >= MAX_USERS)
		return -ENOSPC;
	r = &sn->users[sn->n_users++];
	snprintf(r->id, sizeof(r->id), "%s", u->user_id);
	memcpy(r->pub, u->public_key, KLEN);
	r->last_handshake = u->has_last_handshake ? u->last_handshake : 0;
	return 0;
}

/* Everything but times (which move with the clock), or -errno. */
static int snapshot(struct snap *sn)
{
	int err;

	memset(sn, 0, sizeof(*sn));
	err = secmsg_stats_get(nl, &sn->st);
	if (!err)
		err = secmsg_session_dump(nl, snap_sess_cb, sn);
	if (!err)
		err = secmsg_user_dump(nl, snap_user_cb, sn);
	if (!err)	/* and the peer nodes */
		err = secmsg_user_dump_slot(nl, SECMSG_IDENTITY_SLOT_NODE,
					    snap_user_cb, sn);
	if (!err) {
		err = secmsg_identity_get(nl, sn->identity);
		sn->has_identity = !err;
		if (err == -ENOKEY)
			err = 0;
	}
	if (err)
		DIAG("snapshot: %s (%s)", errname(err),
		     secmsg_nl_errmsg(nl) ?: "");
	return err;
}

/* Describe the first difference into why; true when equal. */
static bool snap_equal(const struct snap *a, const struct snap *b, char *why,
		       size_t size)
{
	int i;

	for (i = 0; i <= SECMSG_STATS_A_MAX; i++)
		if (a->st.v[i] != b->st.v[i]) {
			snprintf(why, size, "stats attribute %d: %llu -> %llu", i,
				 (unsigned long long)a->st.v[i],
				 (unsigned long long)b->st.v[i]);
			return false;
		}
	if (a->n_sess != b->n_sess) {
		snprintf(why, size, "sessions: %d -> %d", a->n_sess, b->n_sess);
		return false;
	}
	for (i = 0; i < a->n_sess; i++)
		if (memcmp(&a->sess[i], &b->sess[i], sizeof(a->sess[i]))) {
			const struct sess_rec *x = &a->sess[i], *y = &b->sess[i];

			snprintf(why, size,
				 "session %016llx: state %d->%d epoch %u->%u alg %d->%d, or its policy or counters changed",
				 (unsigned long long)x->id, x->state, y->state,
				 x->epoch, y->epoch, x->alg, y->alg);
			return false;
		}
	if (a->n_users != b->n_users) {
		snprintf(why, size, "users: %d -> %d", a->n_users, b->n_users);
		return false;
	}
	for (i = 0; i < a->n_users; i++)
		if (memcmp(&a->users[i], &b->users[i], sizeof(a->users[i]))) {
			snprintf(why, size, "user %s: key or handshake stamp changed",
				 a->users[i].id);
			return false;
		}
	if (a->has_identity != b->has_identity ||
	    memcmp(a->identity, b->identity, KLEN)) {
		snprintf(why, size, "the identity changed");
		return false;
	}
	return true;
}

/* Events received since the last call (the listener is non-blocking). */
static int drain_events(void)
{
	struct secmsg_event_info ev;
	int n = 0, err;

	while ((err = secmsg_event_recv(evl, &ev)) != -EAGAIN) {
		if (err && err != -ENOBUFS)
			break;
		n++;		/* an overrun is an event too */
	}
	return n;
}

static int session_by_user(const char *user_id, struct secmsg_session_info *out);

/* ------------------------------------------------------------------------ */
/* operations */

struct op;
struct op_ops {
	/* new inputs, when the last ones were used up (or at the start) */
	int (*fresh)(struct op *o);
	/* the operation under injection: 0 or -errno */
	int (*run)(struct op *o);
	/*
	 * After the operation was done: check its outcome and restore the
	 * baseline.  lost: the ACK was lost (ENOBUFS), the reply may be
	 * missing too, look the outcome up instead.  0 or -1 with a DIAG.
	 */
	int (*done)(struct op *o, bool lost);
	/* batches: >0 when the request succeeded but ops in it failed */
	int (*partial)(struct op *o);
	/* before each try, without injection */
	int (*prep)(struct op *o);
};

struct client_k {		/* a session and its client side */
	struct client c;
	uint64_t tx_next;	/* next S2C seq expected from the kernel */
};

struct op {
	char name[64];
	const struct op_ops *ops;
	int alg, alg2, variant;
	struct client_k *a, *b, *c;	/* sessions the op uses */
	/* inputs and outputs */
	uint8_t in[512], out[MSG_BUF_LEN];
	long in_len;
	size_t out_len;
	uint8_t pt[256];
	size_t pt_len;
	struct secmsg_msg_result res[8];
	uint64_t dests[2];		/* a batch RESEAL's destinations */
	struct secmsg_session_info info;
	struct client nc;		/* a session being created */
	struct secmsg_policy pol;
	uint64_t id;
	uint8_t key[KLEN], pub[KLEN];
	char user_id[SECMSG_USER_ID_MAX + 1];
	struct secmsg_hs_state hs;
	struct secmsg_hs_pending peer;	/* a link: the peer node's side */
	uint8_t msg1[SECMSG_HS_INIT_MAX], msg2[128], msg3[SECMSG_HS_CONFIRM_LEN];
	size_t msg1_len, msg2_len, msg3_len;
	uint64_t count, want_count;
	uint64_t rx_before;
	/* results */
	unsigned int points, absorbed, lost, partials;
	unsigned int with_extack;
	char extacks[MAX_EXTACKS][96];
	int n_extacks;
};

static void res_free(struct op *o)
{
	size_t i;

	for (i = 0; i < sizeof(o->res) / sizeof(o->res[0]); i++)
		secmsg_msg_result_free(&o->res[i]);
	memset(o->res, 0, sizeof(o->res));
}

static void note_extack(struct op *o, const char *msg)
{
	int i;

	if (!msg || !*msg)
		return;
	o->with_extack++;
	for (i = 0; i < o->n_extacks; i++)
		if (!strncmp(o->extacks[i], msg, sizeof(o->extacks[i]) - 1))
			return;
	if (o->n_extacks < MAX_EXTACKS)
		snprintf(o->extacks[o->n_extacks++], sizeof(o->extacks[0]),
			 "%s", msg);
}

#define FAIL(o, fmt, ...) ({ DIAG("%s: " fmt, (o)->name, ##__VA_ARGS__); -1; })

/* The shared fixture of the namespace. */
static uint8_t server_priv[KLEN], server_pub[KLEN];
static struct {
	char id[SECMSG_USER_ID_MAX + 1];
	uint8_t priv[KLEN], pub[KLEN];
} hs_user;
/* This node (node identity) and the peer node it links to (node registry),
 * whose side of the handshake the test plays with libsecmsg; and a peer
 * node that links to this one (the followers below). */
static struct {
	char name[SECMSG_USER_ID_MAX + 1];
	uint8_t priv[KLEN], pub[KLEN];
} node, peer, leader;
static struct client_k sess[N_ALGS];	/* one per algorithm, for messages */
static struct client_k rot;		/* rotated by the rotation ops */
static struct client_k bycount;		/* max_messages 1: rotates per SEAL */
/* links the leader initiated: the kernel's sessions follow its epochs */
static struct client_k follower[2];

/* --- SECMSG_CMD_CRYPT ---------------------------------------------------- */

static int crypt_fresh(struct op *o)
{
	rand_bytes(o->key, sizeof(o->key));
	rand_bytes(o->pt, o->pt_len = 100);
	rand_bytes(o->msg1, 16);	/* nonce or IV */
	if (o->variant == SECMSG_CRYPT_DECRYPT) {
		o->in_len = secmsg_crypt_seal(o->alg, o->key, o->msg1,
					      o->alg == SECMSG_ALG_TWOFISH_CBC ?
					      16 : 12, NULL, 0, o->pt,
					      o->pt_len, o->in);
		if (o->in_len < 0)
			return FAIL(o, "reference seal: %s", errname(o->in_len));
	}
	return 0;
}

static int crypt_run(struct op *o)
{
	struct secmsg_crypt_req r = {
		.op = o->variant, .alg = o->alg, .key = o->key,
		.nonce = o->msg1,
		.nonce_len = o->alg == SECMSG_ALG_TWOFISH_CBC ? 16 : 12,
	};

	if (o->variant == SECMSG_CRYPT_DECRYPT) {
		r.data = o->in;
		r.data_len = o->in_len;
	} else {
		r.data = o->pt;
		r.data_len = o->pt_len;
	}
	o->out_len = sizeof(o->out);
	return secmsg_crypt(nl, &r, NULL, NULL, o->out, &o->out_len);
}

static int crypt_done(struct op *o, bool lost)
{
	uint8_t ref[512];
	long n;

	if (lost)
		return crypt_fresh(o);
	if (o->variant == SECMSG_CRYPT_DECRYPT) {
		if (o->out_len != o->pt_len || memcmp(o->out, o->pt, o->pt_len))
			return FAIL(o, "decrypt gave other bytes");
		return crypt_fresh(o);
	}
	n = secmsg_crypt_open(o->alg, o->key, o->msg1,
			      o->alg == SECMSG_ALG_TWOFISH_CBC ? 16 : 12, NULL,
			      0, o->out, o->out_len, ref);
	if (n != (long)o->pt_len || memcmp(ref, o->pt, o->pt_len))
		return FAIL(o, "the kernel's seal does not open: %s",
			    errname(n < 0 ? n : 0));
	return crypt_fresh(o);
}

static const struct op_ops crypt_ops = { crypt_fresh, crypt_run, crypt_done };

static int x25519_fresh(struct op *o)
{
	secmsg_x25519_generate(o->key, NULL);
	secmsg_x25519_generate(o->msg1, o->pub);
	return 0;
}

static int x25519_run(struct op *o)
{
	return secmsg_crypt_x25519(nl, o->key, o->pub, o->out);
}

static int x25519_done(struct op *o, bool lost)
{
	uint8_t ref[KLEN];

	if (!lost && (secmsg_x25519(o->key, o->pub, ref) ||
		      memcmp(ref, o->out, KLEN)))
		return FAIL(o, "shared secret differs from nettle's");
	return x25519_fresh(o);
}

static const struct op_ops x25519_ops = { x25519_fresh, x25519_run,
					  x25519_done };

static int hkdf_fresh(struct op *o)
{
	rand_bytes(o->key, sizeof(o->key));
	return 0;
}

static int hkdf_run(struct op *o)
{
	return secmsg_crypt_hkdf(nl, o->msg1, 13, o->key, KLEN,
				 (const uint8_t *)"fault", 5, o->out, 100);
}

static int hkdf_done(struct op *o, bool lost)
{
	uint8_t prk[32], ref[100];

	secmsg_hkdf_extract(o->msg1, 13, o->key, KLEN, prk);
	secmsg_hkdf_expand(prk, (const uint8_t *)"fault", 5, ref, sizeof(ref));
	if (!lost && memcmp(ref, o->out, sizeof(ref)))
		return FAIL(o, "HKDF output differs from nettle's");
	return hkdf_fresh(o);
}

static const struct op_ops hkdf_ops = { hkdf_fresh, hkdf_run, hkdf_done };

/* --- sessions ------------------------------------------------------------ */

static const struct {
	const char *name;
	struct secmsg_policy pol;
	uint32_t flags;
} policies[] = {
	{ "default policy" },
	{ "rotate_interval", { .has_rotate_interval = true,
			       .rotate_interval = 600 } },
	{ "max_messages", { .has_max_messages = true, .max_messages = 5000 } },
	{ "timeout", { .has_timeout = true, .timeout = 7200 } },
	{ "idle_timeout", { .has_idle_timeout = true, .idle_timeout = 900 } },
	{ "rekey_grace", { .has_rekey_grace = true, .rekey_grace = 30 } },
	{ "every policy attribute, owned", {
		.has_rotate_interval = true, .rotate_interval = 0,
		.has_max_messages = true, .max_messages = 0,
		.has_timeout = true, .timeout = 0,
		.has_idle_timeout = true, .idle_timeout = 0,
		.has_rekey_grace = true, .rekey_grace = 600 },
	  SECMSG_SESSION_F_OWNED },
};

/* Does the session's policy hold what p sets? */
static bool policy_holds(const struct secmsg_policy *got,
			 const struct secmsg_policy *p)
{
	return (!p->has_rotate_interval ||
		got->rotate_interval == p->rotate_interval) &&
	       (!p->has_max_messages || got->max_messages == p->max_messages) &&
	       (!p->has_timeout || got->timeout == p->timeout) &&
	       (!p->has_idle_timeout || got->idle_timeout == p->idle_timeout) &&
	       (!p->has_rekey_grace || got->rekey_grace == p->rekey_grace);
}

static int new_fresh(struct op *o)
{
	memset(&o->nc, 0, sizeof(o->nc));
	o->nc.alg = o->alg;
	rand_bytes(o->nc.secret_c2s, KLEN);
	rand_bytes(o->nc.secret_s2c, KLEN);
	snprintf(o->nc.user_id, sizeof(o->nc.user_id), "fi-%016llx",
		 (unsigned long long)rand_u64());
	return 0;
}

static int new_run(struct op *o)
{
	struct secmsg_session_params p = {
		.user_id = o->nc.user_id, .alg = o->alg,
		.secret_c2s = o->nc.secret_c2s, .secret_s2c = o->nc.secret_s2c,
		.policy = policies[o->variant].pol,
		.flags = policies[o->variant].flags,
	};

	memset(&o->info, 0, sizeof(o->info));
	return secmsg_session_new(nl, &p, &o->info);
}

static int new_done(struct op *o, bool lost)
{
	struct secmsg_session_info s;
	int err;

	err = session_by_user(o->nc.user_id, &s);
	if (err)
		return FAIL(o, "the new session is not there: %s", errname(err));
	if ((!lost && s.id != o->info.id) || s.alg != o->alg ||
	    s.state != SECMSG_STATE_ACTIVE ||
	    s.flags != policies[o->variant].flags ||
	    !policy_holds(&s.policy, &policies[o->variant].pol))
		return FAIL(o, "the new session is not as asked");
	err = secmsg_session_del(nl, s.id);
	if (err)
		return FAIL(o, "delete: %s", errname(err));
	return new_fresh(o);
}

static const struct op_ops new_ops = { new_fresh, new_run, new_done };

static int get_run(struct op *o)
{
	return secmsg_session_get(nl, o->a->c.id, &o->info);
}

static int get_done(struct op *o, bool lost)
{
	if (!lost && (o->info.id != o->a->c.id || o->info.alg != o->a->c.alg))
		return FAIL(o, "GET answered another session");
	return 0;
}

static const struct op_ops get_ops = { NULL, get_run, get_done };

static int count_sess_cb(const struct secmsg_session_info *s, void *arg)
{
	(void)s;
	(*(uint64_t *)arg)++;
	return 0;
}

/* What a complete dump returns, counted without injection. */
static int dump_prep(struct op *o)
{
	int err;

	o->want_count = 0;
	err = secmsg_session_dump(nl, count_sess_cb, &o->want_count);
	return err ? FAIL(o, "dump: %s", errname(err)) : 0;
}

static int dump_run(struct op *o)
{
	o->count = 0;
	return secmsg_session_dump(nl, count_sess_cb, &o->count);
}

/* A complete dump (lost: the request failed) returned what dump_prep saw. */
static int dumped_all(struct op *o, bool lost, const char *what)
{
	if (!lost && o->count != o->want_count)
		return FAIL(o, "dumped %llu %s of %llu",
			    (unsigned long long)o->count, what,
			    (unsigned long long)o->want_count);
	return 0;
}

static int dump_done(struct op *o, bool lost)
{
	return dumped_all(o, lost, "sessions");
}

static const struct op_ops dump_ops = { NULL, dump_run, dump_done, NULL,
					dump_prep };

static int del_fresh(struct op *o)
{
	int err = client_new(nl, &o->nc, o->alg, NULL, 0, NULL);

	if (err)
		return FAIL(o, "create: %s", errname(err));
	return 0;
}

static int del_run(struct op *o)
{
	return secmsg_session_del(nl, o->nc.id);
}

static int del_done(struct op *o, bool lost)
{
	struct secmsg_session_info s;
	int err = secmsg_session_get(nl, o->nc.id, &s);

	(void)lost;
	if (err != -ENOENT)
		return FAIL(o, "the session is still there (%s)",
			    errname(err));
	return del_fresh(o);
}

static const struct op_ops del_ops = { del_fresh, del_run, del_done };

/* SET of the policy: a new value each time */
static int setpol_fresh(struct op *o)
{
	memset(&o->pol, 0, sizeof(o->pol));
	o->pol.has_idle_timeout = true;
	o->pol.idle_timeout = 1000 + (o->count++ % 1000);
	o->pol.has_rekey_grace = true;
	o->pol.rekey_grace = 1 + o->count % 600;
	return 0;
}

static int setpol_run(struct op *o)
{
	return secmsg_session_set(nl, o->a->c.id, 0, &o->pol, &o->info);
}

static int setpol_done(struct op *o, bool lost)
{
	struct secmsg_session_info s;
	int err = secmsg_session_get(nl, o->a->c.id, &s);

	(void)lost;
	if (err || !policy_holds(&s.policy, &o->pol))
		return FAIL(o, "the policy was not set (%s)", errname(err));
	return setpol_fresh(o);
}

static const struct op_ops setpol_ops = { setpol_fresh, setpol_run,
					  setpol_done };

/*
 * Rotations of the "rot" session, by SET with an algorithm (and a policy:
 * both or neither) or by ROTATE: the epoch moves by exactly one.
 */
static int rotate_fresh(struct op *o)
{
	struct secmsg_session_info s;
	int err = secmsg_session_get(nl, o->a->c.id, &s);

	if (err)
		return FAIL(o, "get: %s", errname(err));
	o->want_count = s.epoch + 1;
	o->alg2 = test_algs[(o->want_count) % N_ALGS];
	setpol_fresh(o);
	return 0;
}

static int rotate_run(struct op *o)
{
	if (o->variant)		/* SET with an algorithm and a policy */
		return secmsg_session_set(nl, o->a->c.id, o->alg2, &o->pol,
					  &o->info);
	return secmsg_session_rotate(nl, o->a->c.id, &o->info);
}

static int rotate_done(struct op *o, bool lost)
{
	struct secmsg_session_info s;
	int err = secmsg_session_get(nl, o->a->c.id, &s);

	(void)lost;
	if (err)
		return FAIL(o, "get: %s", errname(err));
	if (s.epoch != o->want_count)
		return FAIL(o, "epoch %u, want %llu", s.epoch,
			    (unsigned long long)o->want_count);
	if (o->variant && (s.alg != o->alg2 || !policy_holds(&s.policy, &o->pol)))
		return FAIL(o, "algorithm or policy not changed");
	client_move_to(&o->a->c, s.epoch, s.alg);
	return rotate_fresh(o);
}

static const struct op_ops rotate_ops = { rotate_fresh, rotate_run,
					  rotate_done };

static int stats_run(struct op *o)
{
	struct secmsg_stats st;

	(void)o;
	return secmsg_stats_get(nl, &st);
}

static int nothing_done(struct op *o, bool lost)
{
	(void)o;
	(void)lost;
	return 0;
}

static const struct op_ops stats_ops = { NULL, stats_run, nothing_done };

/* --- messages ------------------------------------------------------------- */

/*
 * Check a sealed S2C message of k: it opens (client keys of its epoch),
 * carries pt, and has the next sequence number; the client follows the
 * session's epoch.
 */
static int check_sealed(struct op *o, struct client_k *k, const uint8_t *m,
			size_t len, const uint8_t *pt, size_t pt_len)
{
	uint8_t out[512];
	struct secmsg_hdr h;
	long n;

	n = client_open(&k->c, m, len, &h, out);
	if (n < 0)
		return FAIL(o, "the sealed message does not open: %s",
			    errname(n));
	if ((size_t)n != pt_len || memcmp(out, pt, pt_len))
		return FAIL(o, "the sealed message holds other bytes");
	if (h.epoch != k->c.s2c.epoch) {
		client_move_to(&k->c, h.epoch, h.alg);
		k->tx_next = 0;
	}
	if (h.seq != k->tx_next) {
		FAIL(o, "sequence %llu, want %llu (a failed SEAL used one up)",
		     (unsigned long long)h.seq,
		     (unsigned long long)k->tx_next);
		k->tx_next = h.seq + 1;		/* the next ops go on from here */
		return -1;
	}
	k->tx_next++;
	return 0;
}

/* After a lost reply: the session's S2C counter says a seal happened. */
static int lost_seal(struct op *o, struct client_k *k)
{
	struct secmsg_session_info s;
	int err = secmsg_session_get(nl, k->c.id, &s);

	if (err)
		return FAIL(o, "get: %s", errname(err));
	if (s.epoch != k->c.s2c.epoch) {
		client_move_to(&k->c, s.epoch, s.alg);
		k->tx_next = 0;
	}
	k->tx_next++;
	return 0;
}

static int seal_fresh(struct op *o)
{
	o->pt_len = 40 + rand_u64() % 100;
	rand_bytes(o->pt, o->pt_len);
	return 0;
}

static int seal_run(struct op *o)
{
	res_free(o);
	return secmsg_msg(nl, SECMSG_MSG_SEAL, o->a->c.id, 0, o->pt, o->pt_len,
			  &o->res[0]);
}

static int seal_done(struct op *o, bool lost)
{
	int err = lost ? lost_seal(o, o->a) :
		  check_sealed(o, o->a, o->res[0].data, o->res[0].len, o->pt,
			       o->pt_len);

	return err ?: seal_fresh(o);
}

static const struct op_ops seal_ops = { seal_fresh, seal_run, seal_done };

/* OPEN and RESEAL: a client message of session a, kept until it opens */
static int c2s_fresh(struct op *o)
{
	struct secmsg_session_info s;
	int err = secmsg_session_get(nl, o->a->c.id, &s);

	if (err)
		return FAIL(o, "get: %s", errname(err));
	client_move_to(&o->a->c, s.epoch, s.alg);
	seal_fresh(o);
	o->in_len = client_seal(&o->a->c, o->pt, o->pt_len, o->in);
	if (o->in_len < 0)
		return FAIL(o, "client seal: %s", errname(o->in_len));
	return 0;
}

static int open_run(struct op *o)
{
	res_free(o);
	return secmsg_msg(nl, SECMSG_MSG_OPEN, o->a->c.id, 0, o->in, o->in_len,
			  &o->res[0]);
}

static int open_done(struct op *o, bool lost)
{
	if (!lost && (o->res[0].len != o->pt_len ||
		      memcmp(o->res[0].data, o->pt, o->pt_len)))
		return FAIL(o, "OPEN gave other bytes");
	return c2s_fresh(o);
}

static const struct op_ops open_ops = { c2s_fresh, open_run, open_done };

static int reseal_run(struct op *o)
{
	res_free(o);
	return secmsg_msg(nl, SECMSG_MSG_RESEAL, o->a->c.id, o->b->c.id, o->in,
			  o->in_len, &o->res[0]);
}

static int reseal_done(struct op *o, bool lost)
{
	int err = lost ? lost_seal(o, o->b) :
		  check_sealed(o, o->b, o->res[0].data, o->res[0].len, o->pt,
			       o->pt_len);

	return err ?: c2s_fresh(o);
}

static const struct op_ops reseal_ops = { c2s_fresh, reseal_run,
					  reseal_done };

/*
 * The same, the destination rotated before each try: its new key makes
 * its transform on first use, in the RESEAL.
 */
static int rotate_dest(struct op *o, struct client_k *k)
{
	struct secmsg_session_info s;
	int err = secmsg_session_rotate(nl, k->c.id, &s);

	if (err)
		return FAIL(o, "rotate: %s", errname(err));
	client_move_to(&k->c, s.epoch, s.alg);
	k->tx_next = 0;
	return 0;
}

static int reseal_new_prep(struct op *o)
{
	return rotate_dest(o, o->b);
}

static const struct op_ops reseal_new_ops = { c2s_fresh, reseal_run,
					      reseal_done, NULL,
					      reseal_new_prep };

/*
 * Batches.  variant 0: SEAL to each session; 1: OPEN of a message of each;
 * 2: RESEAL a -> b and c (two destinations); 3: the same, c rotating by
 * count before every seal (its rotation is made before the open, so a
 * copy is never lost once the message opened).  The op's result counts
 * as a failure when any op in it failed; ops that succeeded are checked
 * and their inputs renewed, the others retried as they were.
 */
struct batch_in {
	uint8_t pt[128], msg[256];
	size_t pt_len;
	long msg_len;
	bool used;		/* succeeded: needs a fresh input */
};
static struct batch_in bin[N_ALGS];

static int batch_fill(struct op *o, int i)
{
	struct client_k *k = o->variant >= 2 ? o->a : &sess[i];
	struct secmsg_session_info s;
	int err;

	bin[i].pt_len = 30 + rand_u64() % 90;
	rand_bytes(bin[i].pt, bin[i].pt_len);
	bin[i].used = false;
	if (o->variant == 0)
		return 0;
	err = secmsg_session_get(nl, k->c.id, &s);
	if (err)
		return FAIL(o, "get: %s", errname(err));
	client_move_to(&k->c, s.epoch, s.alg);
	bin[i].msg_len = client_seal(&k->c, bin[i].pt, bin[i].pt_len,
				     bin[i].msg);
	return bin[i].msg_len < 0 ? FAIL(o, "client seal") : 0;
}

static int batch_fresh(struct op *o)
{
	int i;

	for (i = 0; i < (o->variant >= 2 ? 1 : N_ALGS); i++)
		if (batch_fill(o, i))
			return -1;
	return 0;
}

static size_t batch_build(struct op *o, struct secmsg_batch_op *ops)
{
	size_t n = 0;
	int i;

	memset(ops, 0, 3 * sizeof(*ops));
	if (o->variant >= 2) {
		/* results: one per destination, b then c */
		o->dests[0] = o->b->c.id;
		o->dests[1] = o->c->c.id;
		ops[0].op = SECMSG_MSG_RESEAL;
		ops[0].id = o->a->c.id;
		ops[0].dests = o->dests;
		ops[0].ndests = 2;
		ops[0].data = bin[0].msg;
		ops[0].len = bin[0].msg_len;
		return 1;
	}
	for (i = 0; i < N_ALGS; i++, n++) {
		ops[n].op = o->variant ? SECMSG_MSG_OPEN : SECMSG_MSG_SEAL;
		ops[n].id = sess[i].c.id;
		ops[n].cookie = i + 1;
		ops[n].data = o->variant ? bin[i].msg : bin[i].pt;
		ops[n].len = o->variant ? bin[i].msg_len : bin[i].pt_len;
	}
	return n;
}

/* The sender's opened-message counter, to tell whether RESEAL opened. */
static int batch_prep(struct op *o)
{
	struct secmsg_session_info s;
	int err;

	if (o->variant < 2)
		return 0;
	/*
	 * fresh epochs: both copies make their transforms (variant 3: c
	 * rotates by count, before the open)
	 */
	if (rotate_dest(o, o->b) ||
	    (o->variant == 2 && rotate_dest(o, o->c)))
		return -1;
	err = secmsg_session_get(nl, o->a->c.id, &s);
	if (err)
		return FAIL(o, "get: %s", errname(err));
	o->rx_before = s.counters.rx_messages;
	return 0;
}

static int batch_run(struct op *o)
{
	struct secmsg_batch_op ops[3];
	size_t n = batch_build(o, ops);

	res_free(o);
	return secmsg_msg_batch(nl, ops, n, o->res);
}

/* Check what succeeded; return the number of failed ops, or -1. */
static int batch_check(struct op *o)
{
	int i, failed = 0;

	if (o->variant >= 2) {
		struct secmsg_session_info s;
		int err = secmsg_session_get(nl, o->a->c.id, &s);
		bool opened;

		if (err)
			return FAIL(o, "get: %s", errname(err));
		opened = s.counters.rx_messages != o->rx_before;
		for (i = 0; i < 2; i++) {
			struct client_k *to = i ? o->c : o->b;
			int st = o->res[i].status;

			if (st && st != ENOMEM)
				return FAIL(o, "op %d: status %s", i, errname(st));
			if (st) {
				failed++;
				continue;
			}
			if (!opened)
				return FAIL(o, "a copy without opening the message");
			if (check_sealed(o, to, o->res[i].data, o->res[i].len,
					 bin[0].pt, bin[0].pt_len))
				return -1;
		}
		/* once opened the message is spent, delivered or not */
		if (opened && batch_fill(o, 0))
			return -1;
		if (!opened && failed != 2)
			return FAIL(o, "not opened, yet not every copy failed");
		/* every allocation is made before the open */
		if (opened && failed)
			return FAIL(o, "opened, yet %d copies lost", failed);
		return failed;
	}
	for (i = 0; i < N_ALGS; i++) {
		int st = o->res[i].status;

		if (o->res[i].cookie != (uint64_t)i + 1)
			return FAIL(o, "result %d has cookie %llu", i,
				    (unsigned long long)o->res[i].cookie);
		if (st && st != ENOMEM)
			return FAIL(o, "op %d: status %s", i, errname(st));
		if (st) {
			failed++;
			continue;
		}
		if (o->variant == 0 ?
		    check_sealed(o, &sess[i], o->res[i].data, o->res[i].len,
				 bin[i].pt, bin[i].pt_len) :
		    (o->res[i].len != bin[i].pt_len ||
		     memcmp(o->res[i].data, bin[i].pt, bin[i].pt_len)))
			return FAIL(o, "op %d: wrong output", i);
		bin[i].used = true;
	}
	for (i = 0; i < N_ALGS; i++)
		if (bin[i].used && batch_fill(o, i))
			return -1;
	return failed;
}

static int batch_partial(struct op *o)
{
	return batch_check(o);
}

static int batch_done(struct op *o, bool lost)
{
	int i;

	if (!lost)
		return batch_check(o) ? -1 : 0;
	/* every op was done; the outputs are lost */
	for (i = 0; i < (o->variant >= 2 ? 2 : N_ALGS); i++) {
		if (o->variant == 0 && lost_seal(o, &sess[i]))
			return -1;
		if (o->variant >= 2 && lost_seal(o, i ? o->c : o->b))
			return -1;
	}
	return batch_fresh(o);
}

static const struct op_ops batch_ops = { batch_fresh, batch_run, batch_done,
					 batch_partial, batch_prep };

/* --- identity and users -------------------------------------------------- */

static int idset_fresh(struct op *o)
{
	return secmsg_x25519_generate(o->key, o->pub);
}

static int idset_run(struct op *o)
{
	if (o->variant)
		return secmsg_identity_generate(nl, o->out);
	return secmsg_identity_set(nl, o->key, o->out);
}

static int idset_done(struct op *o, bool lost)
{
	uint8_t pub[KLEN];
	int err = secmsg_identity_get(nl, pub);

	if (err)
		return FAIL(o, "no identity after it was set: %s", errname(err));
	if (!o->variant && memcmp(pub, o->pub, KLEN))
		return FAIL(o, "another identity than the one set");
	if (o->variant && !lost && memcmp(pub, o->out, KLEN))
		return FAIL(o, "GET disagrees with GENERATE's key");
	return idset_fresh(o);
}

static const struct op_ops idset_ops = { idset_fresh, idset_run, idset_done };

static int idget_run(struct op *o)
{
	return secmsg_identity_get(nl, o->out);
}

static const struct op_ops idget_ops = { NULL, idget_run, nothing_done };

static int uadd_fresh(struct op *o)
{
	snprintf(o->user_id, sizeof(o->user_id), "fi-user-%016llx",
		 (unsigned long long)rand_u64());
	return secmsg_x25519_generate(o->key, o->pub);
}

static int uadd_run(struct op *o)
{
	return secmsg_user_add(nl, o->user_id, o->pub);
}

static int uadd_done(struct op *o, bool lost)
{
	struct secmsg_user_info u;
	int err = secmsg_user_get(nl, o->user_id, &u);

	(void)lost;
	if (err || memcmp(u.public_key, o->pub, KLEN))
		return FAIL(o, "the user is not there as added (%s)",
			    errname(err));
	err = secmsg_user_del(nl, o->user_id);
	return err ? FAIL(o, "user del: %s", errname(err)) : uadd_fresh(o);
}

static const struct op_ops uadd_ops = { uadd_fresh, uadd_run, uadd_done };

static int udel_fresh(struct op *o)
{
	int err = uadd_fresh(o) ?: secmsg_user_add(nl, o->user_id, o->pub);

	return err ? FAIL(o, "user add: %s", errname(err)) : 0;
}

static int udel_run(struct op *o)
{
	return secmsg_user_del(nl, o->user_id);
}

static int udel_done(struct op *o, bool lost)
{
	struct secmsg_user_info u;
	int err = secmsg_user_get(nl, o->user_id, &u);

	(void)lost;
	if (err != -ENOENT)
		return FAIL(o, "the user is still there (%s)", errname(err));
	return udel_fresh(o);
}

static const struct op_ops udel_ops = { udel_fresh, udel_run, udel_done };

static int uget_run(struct op *o)
{
	struct secmsg_user_info u;
	int err = secmsg_user_get(nl, hs_user.id, &u);

	if (!err && memcmp(u.public_key, hs_user.pub, KLEN))
		return FAIL(o, "GET answered another key"), -EIO;
	return err;
}

static const struct op_ops uget_ops = { NULL, uget_run, nothing_done };

static int count_user_cb(const struct secmsg_user_info *u, void *arg)
{
	(void)u;
	(*(uint64_t *)arg)++;
	return 0;
}

static int udump_prep(struct op *o)
{
	int err;

	o->want_count = 0;
	err = secmsg_user_dump(nl, count_user_cb, &o->want_count);
	return err ? FAIL(o, "dump: %s", errname(err)) : 0;
}

static int udump_run(struct op *o)
{
	o->count = 0;
	return secmsg_user_dump(nl, count_user_cb, &o->count);
}

static int udump_done(struct op *o, bool lost)
{
	return dumped_all(o, lost, "users");
}

static const struct op_ops udump_ops = { NULL, udump_run, udump_done, NULL,
					 udump_prep };

/* --- the handshake ---------------------------------------------------------- */

struct find_user {
	const char *id;
	struct secmsg_session_info *out;
	bool found;
};

static int find_user_cb(const struct secmsg_session_info *s, void *arg)
{
	struct find_user *f = arg;

	if (!strcmp(s->user_id, f->id)) {
		*f->out = *s;
		f->found = true;
	}
	return 0;
}

/* The session of user_id (the last one dumped), or -ENOENT. */
static int session_by_user(const char *user_id, struct secmsg_session_info *out)
{
	struct find_user f = { user_id, out, false };
	int err = secmsg_session_dump(nl, find_user_cb, &f);

	return err ?: f.found ? 0 : -ENOENT;
}

/* Message 1 for the handshake user, kept until the kernel answers it. */
static int msg1_new(struct op *o)
{
	o->msg1_len = sizeof(o->msg1);
	return secmsg_hs_init(&o->hs, hs_user.id, o->alg, hs_user.priv,
			      server_pub, o->msg1, &o->msg1_len);
}

static int hs_fresh(struct op *o)
{
	int err = msg1_new(o);

	return err ? FAIL(o, "message 1: %s", errname(err)) : 0;
}

static int hs_run(struct op *o)
{
	o->msg2_len = sizeof(o->msg2);
	o->id = 0;
	return secmsg_handshake(nl, o->msg1, o->msg1_len,
				&policies[o->variant].pol,
				policies[o->variant].flags, &o->id, o->msg2,
				&o->msg2_len);
}

/*
 * The pending session of user (session id, or the last one dumped when 0),
 * with the op's algorithm and policy and flags plus the kernel's own:
 * check it, delete it.
 */
static int pending_gone(struct op *o, const char *user, uint32_t flags,
			uint64_t id)
{
	struct secmsg_session_info s;
	int err = session_by_user(user, &s);

	if (err)
		return FAIL(o, "no pending session: %s", errname(err));
	if ((id && s.id != id) || s.state != SECMSG_STATE_PENDING ||
	    s.alg != o->alg ||
	    s.flags != (policies[o->variant].flags | flags) ||
	    !policy_holds(&s.policy, &policies[o->variant].pol))
		return FAIL(o, "the pending session is not as asked");
	err = secmsg_session_del(nl, s.id);
	return err ? FAIL(o, "delete: %s", errname(err)) : 0;
}

static int hs_pending_gone(struct op *o, uint64_t id)
{
	return pending_gone(o, hs_user.id, 0, id);
}

static int hs_done(struct op *o, bool lost)
{
	uint8_t c2s[KLEN], s2c[KLEN];
	uint64_t cid = 0;
	int err;

	if (lost) {
		secmsg_hs_wipe(&o->hs);
		return hs_pending_gone(o, 0) ?: hs_fresh(o);
	}
	err = secmsg_hs_finish(&o->hs, o->msg2, o->msg2_len, &cid, c2s, s2c,
			       o->msg3);
	if (err || cid != o->id)
		return FAIL(o, "message 2 does not check out: %s",
			    errname(err));
	return hs_pending_gone(o, o->id) ?: hs_fresh(o);
}

static const struct op_ops hs_ops = { hs_fresh, hs_run, hs_done };

/* HANDSHAKE_CONFIRM: a pending session (made without injection) and its
 * message 3, kept until it is confirmed. */
static int conf_fresh(struct op *o)
{
	uint8_t c2s[KLEN], s2c[KLEN];
	uint64_t cid;
	int err;

	err = msg1_new(o);
	if (!err) {
		o->msg2_len = sizeof(o->msg2);
		err = secmsg_handshake(nl, o->msg1, o->msg1_len, NULL, 0,
				       &o->id, o->msg2, &o->msg2_len);
	}
	if (!err)
		err = secmsg_hs_finish(&o->hs, o->msg2, o->msg2_len, &cid, c2s,
				       s2c, o->msg3);
	return err ? FAIL(o, "handshake: %s", errname(err)) : 0;
}

static int conf_run(struct op *o)
{
	return secmsg_handshake_confirm(nl, o->id, o->msg3, sizeof(o->msg3),
					&o->info);
}

static int conf_done(struct op *o, bool lost)
{
	struct secmsg_session_info s;
	int err = secmsg_session_get(nl, o->id, &s);

	(void)lost;
	if (err || s.state != SECMSG_STATE_ACTIVE)
		return FAIL(o, "the session is not active (%s)", errname(err));
	err = secmsg_session_del(nl, o->id);
	return err ? FAIL(o, "delete: %s", errname(err)) : conf_fresh(o);
}

static const struct op_ops conf_ops = { conf_fresh, conf_run, conf_done };

/* --- LINK_INIT and LINK_FINISH ----------------------------------------- */

#define F_LINK_INIT	(SECMSG_SESSION_F_LINK | SECMSG_SESSION_F_INITIATOR)

static int linit_run(struct op *o)
{
	o->msg1_len = sizeof(o->msg1);
	o->id = 0;
	return secmsg_link_init(nl, peer.name, o->alg,
				&policies[o->variant].pol,
				policies[o->variant].flags, &o->id, o->msg1,
				&o->msg1_len);
}

/* Message 1 answered by the peer: it authenticates this node. */
static int peer_answers(struct op *o)
{
	int err = secmsg_hs_respond(peer.priv, peer.pub, node.pub, NULL,
				    rand_u64() | 1, NULL, o->msg1,
				    o->msg1_len, &o->peer);

	if (err)
		return FAIL(o, "the peer refuses message 1: %s", errname(err));
	if (strcmp(o->peer.user_id, node.name) || o->peer.alg != o->alg)
		return FAIL(o, "message 1 names %s, algorithm %d",
			    o->peer.user_id, o->peer.alg);
	return 0;
}

static int linit_done(struct op *o, bool lost)
{
	int err = lost ? 0 : peer_answers(o);

	secmsg_hs_pending_wipe(&o->peer);
	return err ?: pending_gone(o, peer.name, F_LINK_INIT,
				   lost ? 0 : o->id);
}

static const struct op_ops linit_ops = { NULL, linit_run, linit_done };

/* LINK_FINISH: a pending link (made without injection) and the peer's
 * message 2, kept until the link is up. */
static int lfin_fresh(struct op *o)
{
	int err = linit_run(o);

	if (err)
		return FAIL(o, "LINK_INIT: %s (%s)", errname(err),
			    secmsg_nl_errmsg(nl) ?: "");
	return peer_answers(o);
}

static int lfin_run(struct op *o)
{
	o->msg3_len = sizeof(o->msg3);
	return secmsg_link_finish(nl, o->id, o->peer.msg2,
				  sizeof(o->peer.msg2), o->msg3, &o->msg3_len,
				  NULL);
}

/* The link is up, message 3 (unless lost) confirms the peer's keys. */
static int lfin_done(struct op *o, bool lost)
{
	struct secmsg_session_info s;
	int err = secmsg_session_get(nl, o->id, &s);

	if (err || s.state != SECMSG_STATE_ACTIVE || s.flags != F_LINK_INIT)
		return FAIL(o, "the link session is not active (%s)",
			    errname(err));
	if (!lost && (o->msg3_len != sizeof(o->msg3) ||
		      secmsg_hs_confirm_check(&o->peer, o->msg3,
					      o->msg3_len)))
		return FAIL(o, "message 3 does not confirm the peer's keys");
	secmsg_hs_pending_wipe(&o->peer);
	err = secmsg_session_del(nl, o->id);
	return err ? FAIL(o, "delete: %s", errname(err)) : lfin_fresh(o);
}

static const struct op_ops lfin_ops = { lfin_fresh, lfin_run, lfin_done };

/* --- a link follower's OPEN ------------------------------------------- */

/*
 * A link the leader node initiates (HANDSHAKE with F_LINK, this node the
 * responder): the kernel's session follows the leader's epochs.  The test
 * plays the leader with libsecmsg; k's client side is the initiator's.
 */
static int follower_new(struct client_k *k, int alg)
{
	uint8_t msg1[SECMSG_HS_INIT_MAX], msg2[128];
	uint8_t msg3[SECMSG_HS_CONFIRM_LEN];
	size_t len1 = sizeof(msg1), len2 = sizeof(msg2);
	struct client *c = &k->c;
	struct secmsg_hs_state st;
	uint64_t cid = 0;
	int err;

	memset(k, 0, sizeof(*k));
	err = secmsg_hs_init(&st, leader.name, alg, leader.priv, node.pub, msg1,
			     &len1);
	err = err ?: secmsg_handshake(nl, msg1, len1, NULL,
				      SECMSG_SESSION_F_LINK, &c->id, msg2,
				      &len2);
	err = err ?: secmsg_hs_finish(&st, msg2, len2, &cid, c->secret_c2s,
				      c->secret_s2c, msg3);
	err = err ?: (cid == c->id ? 0 : -EPROTO);
	err = err ?: secmsg_handshake_confirm(nl, c->id, msg3, sizeof(msg3),
					      NULL);
	secmsg_hs_wipe(&st);
	if (err)
		return err;
	c->alg = alg;
	snprintf(c->user_id, sizeof(c->user_id), "%s", leader.name);
	secmsg_dir_init(&c->c2s, SECMSG_DIR_C2S, c->secret_c2s);
	secmsg_dir_init(&c->s2c, SECMSG_DIR_S2C, c->secret_s2c);
	return 0;
}

/*
 * A leader's message o->variant epochs ahead of the follower o->a, kept
 * until it opens; o->count: the epoch it takes the follower to.
 */
static int follow_fresh(struct op *o)
{
	struct secmsg_session_info s;
	int err = secmsg_session_get(nl, o->a->c.id, &s);

	if (err)
		return FAIL(o, "get: %s", errname(err));
	seal_fresh(o);
	o->count = s.epoch + o->variant;
	o->in_len = client_seal_at(&o->a->c, o->count, o->a->c.alg, 0, o->pt,
				   o->pt_len, o->in);
	if (o->in_len < 0)
		return FAIL(o, "client seal: %s", errname(o->in_len));
	return 0;
}

static int follow_done(struct op *o, bool lost)
{
	struct secmsg_session_info s;
	int err = secmsg_session_get(nl, o->a->c.id, &s);

	if (err)
		return FAIL(o, "get: %s", errname(err));
	if (s.epoch != o->count)
		return FAIL(o, "the follower is at epoch %u, not %llu", s.epoch,
			    (unsigned long long)o->count);
	if (!lost && (o->res[0].len != o->pt_len ||
		      memcmp(o->res[0].data, o->pt, o->pt_len)))
		return FAIL(o, "OPEN gave other bytes");
	return follow_fresh(o);
}

static const struct op_ops follow_ops = { follow_fresh, open_run,
					  follow_done };

/* ------------------------------------------------------------------------ */
/* the loop */

static void run_op(struct op *o)
{
	struct snap *before = calloc(1, sizeof(*before));
	struct snap *after = calloc(1, sizeof(*after));
	char why[256] = "";
	bool ok = true;
	unsigned int n;
	int err, nev;

	if (!before || !after)
		abort();
	if (o->ops->fresh && o->ops->fresh(o)) {
		ok = false;
		goto out;
	}
	for (n = 1; n <= MAX_NTH; n++) {
		bool injected;

		if ((o->ops->prep && o->ops->prep(o)) || snapshot(before)) {
			ok = false;
			break;
		}
		drain_events();
		kmsg_problems(o->name);
		arm(n);
		err = o->ops->run(o);
		injected = disarm();
		nev = drain_events();
		if (kmsg_problems(o->name)) {
			DIAG("%s: the kernel logged problems at fail-nth %u",
			     o->name, n);
			ok = false;
			break;
		}
		if (!injected) {
			if (err) {
				DIAG("%s: fails without an injected failure: %s (%s)",
				     o->name, errname(err),
				     secmsg_nl_errmsg(nl) ?: "");
				ok = false;
			} else if (o->ops->done(o, false)) {
				ok = false;
			}
			break;
		}
		o->points++;
		if (!err && o->ops->partial) {
			/* checks and renews what succeeded, once */
			err = o->ops->partial(o);
			if (err < 0) {
				DIAG("%s: at fail-nth %u", o->name, n);
				ok = false;
				break;
			}
			if (err > 0)
				o->partials++;
			else
				o->absorbed++;
			continue;
		}
		if (!err) {
			/* absorbed: the same outcome as a clean run */
			o->absorbed++;
			if (o->ops->done(o, false)) {
				DIAG("%s: after an absorbed failure at fail-nth %u",
				     o->name, n);
				ok = false;
				break;
			}
			continue;
		}
		if (err != -ENOMEM && err != -ENOBUFS) {
			DIAG("%s: fail-nth %u: %s (%s): not an allocation failure's errno",
			     o->name, n, errname(err),
			     secmsg_nl_errmsg(nl) ?: "no extack");
			ok = false;
			break;
		}
		note_extack(o, secmsg_nl_errmsg(nl));
		if (snapshot(after)) {
			ok = false;
			break;
		}
		if (snap_equal(before, after, why, sizeof(why)) && !nev)
			continue;
		if (err == -ENOBUFS && !o->ops->done(o, true)) {
			o->lost++;	/* done, but its ACK was lost */
			continue;
		}
		DIAG("%s: fail-nth %u: %s, but half done: %s%s", o->name, n,
		     errname(err), nev ? "events were sent; " : "", why);
		ok = false;
		break;
	}
	if (n > MAX_NTH) {
		DIAG("%s: still reaching injected failures after %u", o->name,
		     MAX_NTH);
		ok = false;
	}
out:
	{
		char ex[MAX_EXTACKS * 100] = "";
		int i;

		for (i = 0; i < o->n_extacks; i++)
			snprintf(ex + strlen(ex), sizeof(ex) - strlen(ex),
				 "%s\"%s\"", i ? ", " : "", o->extacks[i]);
		if (o->n_extacks)
			DIAG("%s: extack with %u of the errors: %s", o->name,
			     o->with_extack, ex);
	}
	tap(ok, "%s: %u failure points (%u absorbed, %u partial, %u with the ACK lost)",
	    o->name, o->points, o->absorbed, o->partials, o->lost);
	res_free(o);
	free(before);
	free(after);
}

/* ------------------------------------------------------------------------ */
/* module load and unload */

static int finit_module(int fd, const char *args, int flags)
{
	return syscall(SYS_finit_module, fd, args, flags);
}

static int delete_module(const char *name, int flags)
{
	return syscall(SYS_delete_module, name, flags);
}

static bool module_loaded(void)
{
	struct stat st;

	return stat("/sys/module/secmsg", &st) == 0;
}

static int ko_fd = -1;

static int load_clean(void)
{
	if (module_loaded())
		return 0;
	return finit_module(ko_fd, "", 0) ? -errno : 0;
}

/* Some state for the module to tear down: identity, user, sessions. */
static int populate(void)
{
	struct secmsg_nl *h = NULL;
	struct client c;
	uint8_t priv[KLEN], pub[KLEN];
	int err, i;

	err = secmsg_nl_open(&h);
	if (err)
		return err;
	secmsg_x25519_generate(priv, pub);
	err = secmsg_identity_set(h, priv, NULL) ?:
	      secmsg_user_add(h, "fi-unload", pub);
	for (i = 0; !err && i < N_ALGS; i++)
		err = client_new(h, &c, test_algs[i], NULL, 0, NULL);
	secmsg_nl_close(h);
	return err;
}

static void module_unload_op(void)
{
	unsigned int n, points = 0;
	bool ok = true;

	for (n = 1; n <= MAX_NTH; n++) {
		bool injected;
		int err = load_clean() ?: populate();

		if (err) {
			DIAG("unload: set-up: %s", errname(err));
			ok = false;
			break;
		}
		kmsg_problems("unload");
		arm(n);
		err = delete_module("secmsg", O_NONBLOCK) ? -errno : 0;
		injected = disarm();
		if (kmsg_problems("unload")) {
			DIAG("unload: the kernel logged problems at fail-nth %u", n);
			ok = false;
			break;
		}
		if (err || module_loaded()) {
			DIAG("unload: fail-nth %u: %s, loaded %d", n,
			     errname(err), module_loaded());
			ok = false;
			break;
		}
		if (!injected)
			break;
		points++;
	}
	tap(ok, "module unload (with sessions, users and an identity): %u failure points, every unload complete",
	    points);
}

/*
 * Loading runs through the module loader, then secmsg_init().  The loader
 * has hundreds of failure points of its own (copying and relocating the
 * module, its symbols, sysfs, and kmemleak's record of each allocation),
 * and under the debug kernel every load takes about a second in the VM.
 * So not every point is tried: a load armed beyond all of them tells how
 * many it passed (fail-nth counts down), and then the first LOAD_FIRST
 * points (the loader's start) and the last LOAD_LAST (the end of the
 * loader and all of secmsg_init(), whose allocations come last) are each
 * made to fail.  Each either fails the load cleanly (an errno, nothing
 * left loaded) or is absorbed.
 */
#define LOAD_FIRST	16
#define LOAD_LAST	256
#define LOAD_BEYOND	1000000

static unsigned int load_points(void)
{
	char b[16] = "";
	unsigned int left;
	int err;

	if (module_loaded() && delete_module("secmsg", O_NONBLOCK))
		return 0;
	arm(LOAD_BEYOND);
	err = finit_module(ko_fd, "", 0) ? -errno : 0;
	if (pread(nth_fd, b, sizeof(b) - 1, 0) <= 0)
		b[0] = '\0';
	disarm();
	left = strtoul(b, NULL, 10);
	if (err || !left || left > LOAD_BEYOND) {
		DIAG("load: counting the failure points: %s", errname(err));
		return 0;
	}
	return LOAD_BEYOND - left;
}

static void module_load_op(void)
{
	unsigned int n, total, points = 0, absorbed = 0;
	bool ok = true;

	total = load_points();
	if (!total) {
		tap(false, "module load: cannot count its failure points");
		return;
	}
	for (n = 1; n <= total + MAX_NTH; n++) {
		bool injected;
		int err;

		if (n == LOAD_FIRST + 1 && total > LOAD_FIRST + LOAD_LAST)
			n = total - LOAD_LAST + 1;	/* the end's */
		if (module_loaded() && delete_module("secmsg", O_NONBLOCK)) {
			DIAG("load: rmmod: %s", errname(-errno));
			ok = false;
			break;
		}
		kmsg_problems("load");
		arm(n);
		err = finit_module(ko_fd, "", 0) ? -errno : 0;
		injected = disarm();
		if (kmsg_problems("load")) {
			DIAG("load: the kernel logged problems at fail-nth %u", n);
			ok = false;
			break;
		}
		if (!injected) {
			if (err) {
				DIAG("load: fails without an injected failure: %s",
				     errname(err));
				ok = false;
			}
			break;
		}
		points++;
		if (!err) {
			absorbed++;
			continue;
		}
		if (err != -ENOMEM && err != -ENOBUFS) {
			DIAG("load: fail-nth %u: %s", n, errname(err));
			ok = false;
			break;
		}
		if (module_loaded()) {
			DIAG("load: fail-nth %u: %s, yet the module is there",
			     n, errname(err));
			ok = false;
			break;
		}
	}
	if (ok && !module_loaded()) {
		DIAG("load: the module is not loaded in the end");
		ok = false;
	}
	if (total > LOAD_FIRST + LOAD_LAST)
		DIAG("load: the loader's points %u to %u were not tried",
		     LOAD_FIRST + 1, total - LOAD_LAST);
	tap(ok, "module load: %u failure points, %u tried (%u absorbed), every failed load clean",
	    total, points, absorbed);
}

/* ------------------------------------------------------------------------ */

/*
 * A leak of the kernel's, not secmsg's: Linux 6.1's SLUB does not free a
 * cache's kobject name when kmem_cache_create() fails in
 * kobject_init_and_add() (sysfs_slab_add(); fixed upstream by 2420baa8e046,
 * "mm/slab: Allow cache creation to proceed even if sysfs registration
 * fails").  A load that fails there (module load, below) leaks the
 * cache's 16-byte name.  Only a report whose backtrace has both calls.
 */
static bool kernel_slab_name_leak(const char *report)
{
	return strstr(report, "kobject_set_name_vargs") &&
	       strstr(report, "sysfs_slab_add");
}

/* Count one report (NUL-terminated), shown as # lines. */
static int kmemleak_one(char *report)
{
	bool known = kernel_slab_name_leak(report);
	char *line, *save = NULL;

	for (line = strtok_r(report, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		DIAG("kmemleak%s: %s", known ? " (the kernel's, 2420baa8e046)" : "",
		     line);
	return known ? 0 : 1;
}

static int kmemleak_report(void)
{
	size_t len = 0, size = 1 << 16;
	char *all = malloc(size), *r, *next;
	int fd, found = 0;
	ssize_t n;

	if (!all || write_file(KMEMLEAK, "scan")) {
		free(all);
		return -1;
	}
	sleep_ms(5000);
	fd = write_file(KMEMLEAK, "scan") ? -1 : open(KMEMLEAK, O_RDONLY);
	if (fd < 0) {
		free(all);
		return -1;
	}
	while ((n = read(fd, all + len, size - len - 1)) > 0) {
		len += n;
		if (size - len < 4096) {
			char *more = realloc(all, size * 2);

			if (!more)
				break;
			all = more;
			size *= 2;
		}
	}
	close(fd);
	all[len] = '\0';
	/* one report per "unreferenced object" */
	for (r = strstr(all, "unreferenced object"); r; r = next) {
		next = strstr(r + 1, "unreferenced object");
		if (next)
			next[-1] = '\0';
		found += kmemleak_one(r);
	}
	free(all);
	write_file(KMEMLEAK, "clear");
	return found;
}

#define MAX_OPS 96

static struct op *op_new(struct op **list, int *n, const struct op_ops *ops,
			 const char *fmt, ...)
{
	struct op *o = calloc(1, sizeof(*o));
	va_list ap;

	if (!o || *n >= MAX_OPS)
		abort();
	o->ops = ops;
	va_start(ap, fmt);
	vsnprintf(o->name, sizeof(o->name), fmt, ap);
	va_end(ap);
	list[(*n)++] = o;
	return o;
}

static int fixture(void)
{
	struct secmsg_policy one = { .has_max_messages = true,
				     .max_messages = 1 };
	int err, i;

	secmsg_x25519_generate(server_priv, NULL);
	err = secmsg_identity_set(nl, server_priv, server_pub);
	snprintf(hs_user.id, sizeof(hs_user.id), "fi-hs-%016llx",
		 (unsigned long long)rand_u64());
	secmsg_x25519_generate(hs_user.priv, hs_user.pub);
	err = err ?: secmsg_user_add(nl, hs_user.id, hs_user.pub);
	snprintf(node.name, sizeof(node.name), "fi-node-%016llx",
		 (unsigned long long)rand_u64());
	snprintf(peer.name, sizeof(peer.name), "fi-peer-%016llx",
		 (unsigned long long)rand_u64());
	snprintf(leader.name, sizeof(leader.name), "fi-lead-%016llx",
		 (unsigned long long)rand_u64());
	secmsg_x25519_generate(node.priv, NULL);
	secmsg_x25519_generate(peer.priv, peer.pub);
	secmsg_x25519_generate(leader.priv, leader.pub);
	err = err ?: secmsg_identity_set_slot(nl, SECMSG_IDENTITY_SLOT_NODE,
					      node.name, node.priv, node.pub);
	err = err ?: secmsg_user_add_slot(nl, SECMSG_IDENTITY_SLOT_NODE,
					  peer.name, peer.pub);
	err = err ?: secmsg_user_add_slot(nl, SECMSG_IDENTITY_SLOT_NODE,
					  leader.name, leader.pub);
	for (i = 0; !err && i < N_ALGS; i++)
		err = client_new(nl, &sess[i].c, test_algs[i], NULL, 0, NULL);
	err = err ?: client_new(nl, &rot.c, SECMSG_ALG_AES_256_GCM, NULL, 0,
				NULL);
	err = err ?: client_new(nl, &bycount.c, SECMSG_ALG_CHACHA20_POLY1305,
				&one, 0, NULL);
	err = err ?: follower_new(&follower[0], SECMSG_ALG_AES_256_GCM);
	err = err ?: follower_new(&follower[1], SECMSG_ALG_CHACHA20_POLY1305);
	if (err)
		DIAG("fixture: %s (%s)", errname(err), secmsg_nl_errmsg(nl) ?: "");
	return err;
}


int main(int argc, char **argv)
{
	static const char *const crypt_names[] = { "", "encrypt", "decrypt" };
	struct op *ops[MAX_OPS], *o;
	uint64_t extra[N_DUMP_SESSIONS];
	char users[N_DUMP_USERS][SECMSG_USER_ID_MAX + 1];
	int n_ops = 0, i, j, leaks, err;
	const char *ko = getenv("SECMSG_MODULE");
	const char *only = argc > 1 ? argv[1] : NULL;
	bool do_unload, do_load;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
	if (access("/proc/thread-self/fail-nth", W_OK) ||
	    access(DEBUGFS "failslab", F_OK)) {
		printf("1..0 # SKIP no fault injection in this kernel (make check-debug)\n");
		return 4;
	}
	if (unshare(CLONE_NEWNET)) {
		printf("Bail out! unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return 1;
	}
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	nl = nl_open_or_null();
	if (nth_fd < 0 || !nl || secmsg_nl_open(&evl) ||
	    secmsg_events_subscribe(evl) ||
	    fcntl(secmsg_nl_fd(evl), F_SETFL, O_NONBLOCK) || kmsg_open() ||
	    settings_apply()) {
		settings_restore();
		printf("Bail out! set-up failed (fail-nth, netlink, /dev/kmsg or debugfs)\n");
		return 1;
	}
	write_file(KMEMLEAK, "clear");
	if (fixture()) {
		settings_restore();
		printf("Bail out! fixture\n");
		return 1;
	}

	for (i = 0; i < N_ALGS; i++)
		for (j = SECMSG_CRYPT_ENCRYPT; j <= SECMSG_CRYPT_DECRYPT; j++) {
			o = op_new(ops, &n_ops, &crypt_ops, "CRYPT %s %s",
				   crypt_names[j], secmsg_alg_name(test_algs[i]));
			o->alg = test_algs[i];
			o->variant = j;
		}
	op_new(ops, &n_ops, &x25519_ops, "CRYPT x25519");
	op_new(ops, &n_ops, &hkdf_ops, "CRYPT hkdf");
	for (i = 0; i < N_ALGS; i++) {
		o = op_new(ops, &n_ops, &new_ops, "SESSION_NEW %s",
			   secmsg_alg_name(test_algs[i]));
		o->alg = test_algs[i];
	}
	for (i = 1; i < (int)(sizeof(policies) / sizeof(policies[0])); i++) {
		o = op_new(ops, &n_ops, &new_ops, "SESSION_NEW %s, %s",
			   secmsg_alg_name(test_algs[i % N_ALGS]),
			   policies[i].name);
		o->alg = test_algs[i % N_ALGS];
		o->variant = i;
	}
	o = op_new(ops, &n_ops, &get_ops, "SESSION_GET");
	o->a = &sess[0];
	op_new(ops, &n_ops, &dump_ops, "SESSION_GET dump");
	o = op_new(ops, &n_ops, &del_ops, "SESSION_DEL");
	o->alg = SECMSG_ALG_TWOFISH_CBC;
	o = op_new(ops, &n_ops, &setpol_ops, "SESSION_SET policy");
	o->a = &sess[1];
	o = op_new(ops, &n_ops, &rotate_ops, "SESSION_SET algorithm (rotation)");
	o->a = &rot;
	o->variant = 1;
	o = op_new(ops, &n_ops, &rotate_ops, "SESSION_ROTATE");
	o->a = &rot;
	for (i = 0; i < N_ALGS; i++) {
		o = op_new(ops, &n_ops, &seal_ops, "MSG SEAL %s",
			   secmsg_alg_name(test_algs[i]));
		o->a = &sess[i];
		o = op_new(ops, &n_ops, &open_ops, "MSG OPEN %s",
			   secmsg_alg_name(test_algs[i]));
		o->a = &sess[i];
		o = op_new(ops, &n_ops, &reseal_ops, "MSG RESEAL %s -> %s",
			   secmsg_alg_name(test_algs[i]),
			   secmsg_alg_name(test_algs[(i + 1) % N_ALGS]));
		o->a = &sess[i];
		o->b = &sess[(i + 1) % N_ALGS];
	}
	for (i = 0; i < N_ALGS; i++) {
		o = op_new(ops, &n_ops, &reseal_new_ops,
			   "MSG RESEAL %s -> %s, a new epoch",
			   secmsg_alg_name(test_algs[i]),
			   secmsg_alg_name(test_algs[(i + 2) % N_ALGS]));
		o->a = &sess[i];
		o->b = &sess[(i + 2) % N_ALGS];
	}
	o = op_new(ops, &n_ops, &seal_ops, "MSG SEAL rotating by count");
	o->a = &bycount;
	o = op_new(ops, &n_ops, &reseal_ops, "MSG RESEAL %s -> rotating by count",
		   secmsg_alg_name(test_algs[0]));
	o->a = &sess[0];
	o->b = &bycount;
	o = op_new(ops, &n_ops, &follow_ops,
		   "MSG OPEN, a link follower moving 1 epoch (%s)",
		   secmsg_alg_name(follower[0].c.alg));
	o->a = &follower[0];
	o->variant = 1;
	o = op_new(ops, &n_ops, &follow_ops,
		   "MSG OPEN, a link follower moving %d epochs (%s)",
		   SECMSG_LINK_FOLLOW_MAX,
		   secmsg_alg_name(follower[1].c.alg));
	o->a = &follower[1];
	o->variant = SECMSG_LINK_FOLLOW_MAX;
	o = op_new(ops, &n_ops, &batch_ops, "MSG_BATCH SEAL x3");
	o->variant = 0;
	o = op_new(ops, &n_ops, &batch_ops, "MSG_BATCH OPEN x3");
	o->variant = 1;
	o = op_new(ops, &n_ops, &batch_ops,
		   "MSG_BATCH RESEAL to 2 sessions, new epochs");
	o->variant = 2;
	o->a = &sess[0];
	o->b = &sess[1];
	o->c = &sess[2];
	o = op_new(ops, &n_ops, &batch_ops,
		   "MSG_BATCH RESEAL to 2 sessions, one rotating by count");
	o->variant = 3;
	o->a = &sess[0];
	o->b = &sess[1];
	o->c = &bycount;
	op_new(ops, &n_ops, &stats_ops, "STATS_GET");
	op_new(ops, &n_ops, &idget_ops, "IDENTITY_GET");
	op_new(ops, &n_ops, &uadd_ops, "USER_ADD");
	op_new(ops, &n_ops, &udel_ops, "USER_DEL");
	op_new(ops, &n_ops, &uget_ops, "USER_GET");
	o = op_new(ops, &n_ops, &udump_ops, "USER_GET dump");
	for (i = 0; i < N_ALGS; i++) {
		o = op_new(ops, &n_ops, &hs_ops, "HANDSHAKE %s",
			   secmsg_alg_name(test_algs[i]));
		o->alg = test_algs[i];
	}
	o = op_new(ops, &n_ops, &hs_ops, "HANDSHAKE %s, %s",
		   secmsg_alg_name(SECMSG_ALG_TWOFISH_CBC),
		   policies[6].name);
	o->alg = SECMSG_ALG_TWOFISH_CBC;
	o->variant = 6;
	o = op_new(ops, &n_ops, &conf_ops, "HANDSHAKE_CONFIRM");
	o->alg = SECMSG_ALG_AES_256_GCM;
	o = op_new(ops, &n_ops, &linit_ops, "LINK_INIT %s",
		   secmsg_alg_name(SECMSG_ALG_CHACHA20_POLY1305));
	o->alg = SECMSG_ALG_CHACHA20_POLY1305;
	o = op_new(ops, &n_ops, &linit_ops, "LINK_INIT %s, %s",
		   secmsg_alg_name(SECMSG_ALG_TWOFISH_CBC), policies[6].name);
	o->alg = SECMSG_ALG_TWOFISH_CBC;
	o->variant = 6;
	o = op_new(ops, &n_ops, &lfin_ops, "LINK_FINISH");
	o->alg = SECMSG_ALG_AES_256_GCM;
	/* identity changes last: the handshakes need the fixture's */
	o = op_new(ops, &n_ops, &idset_ops, "IDENTITY_SET");
	o = op_new(ops, &n_ops, &idset_ops, "IDENTITY_GENERATE");
	o->variant = 1;

	if (only) {
		for (i = j = 0; i < n_ops; i++)
			if (strstr(ops[i]->name, only))
				ops[j++] = ops[i];
		n_ops = j;
	}
	do_unload = !only || strstr("module unload", only);
	do_load = !only || strstr("module load", only);
	printf("1..%d\n", n_ops + do_unload + do_load + 1);
	for (i = 0; i < n_ops; i++) {
		o = ops[i];
		if (o->ops == &dump_ops) {
			struct client c;

			for (j = 0; j < N_DUMP_SESSIONS; j++) {
				err = client_new(nl, &c, test_algs[j % N_ALGS],
						 NULL, 0, NULL);
				extra[j] = err ? 0 : c.id;
			}
		}
		if (o->ops == &udump_ops) {
			uint8_t pub[KLEN];

			for (j = 0; j < N_DUMP_USERS; j++) {
				snprintf(users[j], sizeof(users[j]),
					 "fi-dump-%d", j);
				secmsg_x25519_generate(o->key, pub);
				secmsg_user_add(nl, users[j], pub);
			}
		}
		run_op(o);
		if (o->ops == &dump_ops)
			for (j = 0; j < N_DUMP_SESSIONS; j++)
				del_quiet(nl, extra[j]);
		if (o->ops == &udump_ops)
			for (j = 0; j < N_DUMP_USERS; j++)
				secmsg_user_del(nl, users[j]);
	}

	secmsg_nl_close(evl);
	secmsg_nl_close(nl);
	evl = nl = NULL;
	if ((do_unload || do_load) &&
	    (!ko || (ko_fd = open(ko, O_RDONLY | O_CLOEXEC)) < 0)) {
		if (do_unload)
			tap(true, "module unload # SKIP SECMSG_MODULE not set or not readable");
		if (do_load)
			tap(true, "module load # SKIP SECMSG_MODULE not set or not readable");
	} else {
		if (do_unload)
			module_unload_op();
		if (do_load)
			module_load_op();
		if ((do_unload || do_load) && load_clean())
			DIAG("secmsg.ko could not be loaded again");
	}

	settings_restore();
	leaks = kmemleak_report();
	tap(leaks == 0, "kmemleak: no leak%s", leaks < 0 ? " (cannot scan)" : "");
	return tap_failed ? 1 : 0;
}
