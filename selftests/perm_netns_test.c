// SPDX-License-Identifier: GPL-2.0
/*
 * Permissions and network namespaces: without CAP_NET_ADMIN over the
 * caller's netns every command fails with EPERM; state is per netns:
 * a child in a new netns sees none of its parent's sessions or events and
 * its own stay invisible to the parent; its namespace going away leaves
 * the parent's state as it was.
 */
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "common.h"
#include "rawnl.h"

/* Child side: failures as text lines on fd, count as exit status. */
struct report {
	int fd, failures;
};

static void rep(struct report *r, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	buf[n++] = '\n';
	if (write(r->fd, buf, n) < 0)
		_exit(100);
	r->failures++;
}

#define CHILD_EXPECT(r, want, got, what) do {				\
	long __g = (got);						\
	if (__g != (want))						\
		rep(r, "%s: got %ld (%s), want %s", what, __g,		\
		    errname(__g), errname(want));			\
} while (0)

/* Run fn in a child; its report lines are logged; returns failures. */
static int run_child(struct __test_metadata *_metadata,
		     void (*fn)(struct report *, void *), void *arg)
{
	char buf[4096];
	int pfd[2], status = 0;
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid == 0) {
		struct report r = { .fd = pfd[1] };

		close(pfd[0]);
		fn(&r, arg);
		_exit(r.failures > 99 ? 99 : r.failures);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += n;
	buf[got] = 0;
	close(pfd[0]);
	waitpid(pid, &status, 0);
	if (got)
		TH_LOG("child reports:\n%s", buf);
	if (!WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int count_cb(const struct secmsg_session_info *s, void *arg)
{
	(void)s;
	(*(int *)arg)++;
	return 0;
}

/*
 * Every command number of the family, as a request and as a dump, even
 * with no attributes: the permission check comes first.
 */
static void raw_all_commands(struct report *r)
{
	struct rawnl raw;
	int cmd, dump;

	if (rawnl_open(&raw)) {
		rep(r, "rawnl_open failed");
		return;
	}
	for (cmd = SECMSG_CMD_CRYPT; cmd <= SECMSG_CMD_MAX; cmd++) {
		if (cmd == SECMSG_CMD_SESSION_NTF)
			continue;
		for (dump = 0; dump < 2; dump++) {
			struct rawnl_reply rp;
			struct nl_msg *m = rawnl_msg(&raw, cmd,
						     dump ? NLM_F_DUMP : 0, 0);
			int err = rawnl_xact(&raw, m, &rp);

			/* a command without a dump handler: EOPNOTSUPP */
			if (err != -EPERM && !(dump && err == -EOPNOTSUPP))
				rep(r, "raw command %d%s: %s", cmd,
				    dump ? " (dump)" : "", errname(err));
			rawnl_reply_free(&rp);
		}
	}
	rawnl_close(&raw);
}

/* Every command, expecting want from each. */
static void all_commands(struct report *r, uint64_t id, int want)
{
	static const uint8_t key[32], msg[64];
	struct secmsg_nl *nl = NULL;
	struct secmsg_session_info info;
	struct secmsg_msg_result res = { 0 };
	struct secmsg_stats st;
	struct secmsg_policy pol = { .has_timeout = true, .timeout = 5 };
	struct secmsg_crypt_req cr = {
		.op = SECMSG_CRYPT_ENCRYPT, .alg = SECMSG_ALG_AES_256_GCM,
		.key = key, .data = msg, .data_len = 8,
	};
	struct secmsg_session_params p = {
		.user_id = "mallory", .alg = SECMSG_ALG_AES_256_GCM,
		.secret_c2s = key, .secret_s2c = key,
	};
	struct secmsg_batch_op op = { SECMSG_MSG_SEAL, id, 0, 1, msg, 4 };
	uint8_t nonce[16], out[128];
	size_t nlen = sizeof(nonce), olen = sizeof(out);
	int err, n = 0;

	err = secmsg_nl_open(&nl);
	if (err) {
		rep(r, "secmsg_nl_open: %s", errname(err));
		return;
	}
	CHILD_EXPECT(r, want, secmsg_crypt(nl, &cr, nonce, &nlen, out, &olen),
		     "CRYPT");
	CHILD_EXPECT(r, want, secmsg_session_new(nl, &p, &info), "NEW");
	CHILD_EXPECT(r, want, secmsg_session_get(nl, id, &info), "GET");
	CHILD_EXPECT(r, want, secmsg_session_dump(nl, count_cb, &n), "dump");
	CHILD_EXPECT(r, want, secmsg_session_set(nl, id, 0, &pol, &info),
		     "SET");
	CHILD_EXPECT(r, want, secmsg_session_set(nl, id,
						 SECMSG_ALG_TWOFISH_CBC, NULL,
						 &info), "SET alg");
	CHILD_EXPECT(r, want, secmsg_session_rotate(nl, id, &info), "ROTATE");
	CHILD_EXPECT(r, want, secmsg_msg(nl, SECMSG_MSG_SEAL, id, 0, msg, 4,
					 &res), "MSG seal");
	CHILD_EXPECT(r, want, secmsg_msg(nl, SECMSG_MSG_OPEN, id, 0, msg, 64,
					 &res), "MSG open");
	CHILD_EXPECT(r, want, secmsg_msg(nl, SECMSG_MSG_RESEAL, id, id, msg,
					 64, &res), "MSG reseal");
	CHILD_EXPECT(r, want, secmsg_msg_batch(nl, &op, 1, &res), "BATCH");
	CHILD_EXPECT(r, want, secmsg_stats_get(nl, &st), "STATS");
	CHILD_EXPECT(r, want, secmsg_session_del(nl, id), "DEL");
	secmsg_nl_close(nl);
	if (want == -EPERM)
		raw_all_commands(r);
}

FIXTURE(perm) {
	struct secmsg_nl *nl;
	struct client c;
};

FIXTURE_SETUP(perm)
{
	self->nl = nl_open_or_null();
	ASSERT_NE(NULL, self->nl);
	ASSERT_EQ(0, client_new(self->nl, &self->c, SECMSG_ALG_AES_256_GCM,
				NULL, 0, NULL));
}

FIXTURE_TEARDOWN(perm)
{
	del_quiet(self->nl, self->c.id);
	if (self->nl)
		secmsg_nl_close(self->nl);
}

static void as_nobody(struct report *r, void *arg)
{
	uint64_t id = *(uint64_t *)arg;

	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534)) {
		rep(r, "dropping privileges: %s", strerror(errno));
		return;
	}
	all_commands(r, id, -EPERM);
}

static void check_untouched(struct __test_metadata *_metadata,
			    FIXTURE_DATA(perm) *self)
{
	struct secmsg_session_info info;

	ASSERT_EQ(0, secmsg_session_get(self->nl, self->c.id, &info));
	EXPECT_EQ(0, info.epoch);
	EXPECT_EQ(SECMSG_ALG_AES_256_GCM, info.alg);
	EXPECT_EQ(0, info.counters.tx_messages);
	EXPECT_EQ(86400, info.policy.timeout);
}

TEST_F(perm, unprivileged_eperm)
{
	struct secmsg_stats s0, s1;

	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s0));
	EXPECT_EQ(0, run_child(_metadata, as_nobody, &self->c.id));
	check_untouched(_metadata, self);
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s1));
	EXPECT_EQ(s0.v[SECMSG_STATS_A_SESSIONS], s1.v[SECMSG_STATS_A_SESSIONS]);
	EXPECT_EQ(s0.v[SECMSG_STATS_A_CRYPT_OPS],
		  s1.v[SECMSG_STATS_A_CRYPT_OPS]);
}

/* root of a new user namespace is not root of the init netns */
static void in_userns(struct report *r, void *arg)
{
	if (unshare(CLONE_NEWUSER)) {
		rep(r, "unshare(CLONE_NEWUSER): %s", strerror(errno));
		return;
	}
	all_commands(r, *(uint64_t *)arg, -EPERM);
}

TEST_F(perm, userns_root_eperm)
{
	EXPECT_EQ(0, run_child(_metadata, in_userns, &self->c.id));
	check_untouched(_metadata, self);
}

/* ... but is in a netns that its user namespace owns */
static void in_userns_netns(struct report *r, void *arg)
{
	struct secmsg_nl *nl = NULL;
	struct client c;
	int err;

	(void)arg;
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET)) {
		rep(r, "unshare(CLONE_NEWUSER|CLONE_NEWNET): %s",
		    strerror(errno));
		return;
	}
	err = secmsg_nl_open(&nl);
	if (err) {
		rep(r, "secmsg_nl_open in new netns: %s", errname(err));
		return;
	}
	CHILD_EXPECT(r, 0, client_new(nl, &c, SECMSG_ALG_TWOFISH_CBC, NULL, 0,
				      NULL), "NEW in own netns");
	CHILD_EXPECT(r, 0, secmsg_session_rotate(nl, c.id, NULL),
		     "ROTATE in own netns");
	CHILD_EXPECT(r, 0, secmsg_session_del(nl, c.id), "DEL in own netns");
	secmsg_nl_close(nl);
}

TEST_F(perm, userns_owns_its_netns)
{
	EXPECT_EQ(0, run_child(_metadata, in_userns_netns, NULL));
}

/* ---------------------------------------------------------------- */

struct ns_child_arg {
	uint64_t parent_id;
	int to_parent, from_parent;
};

static void in_netns(struct report *r, void *arg)
{
	struct ns_child_arg *a = arg;
	struct secmsg_session_info info;
	struct secmsg_stats st;
	struct secmsg_nl *nl = NULL;
	uint64_t ids[3];
	int i, n = 0, err;
	char go;

	if (unshare(CLONE_NEWNET)) {
		rep(r, "unshare(CLONE_NEWNET): %s", strerror(errno));
		goto out;
	}
	err = secmsg_nl_open(&nl);
	if (err) {
		rep(r, "secmsg_nl_open in new netns: %s", errname(err));
		goto out;
	}
	CHILD_EXPECT(r, -ENOENT, secmsg_session_get(nl, a->parent_id, &info),
		     "parent's session from the child");
	CHILD_EXPECT(r, 0, secmsg_session_dump(nl, count_cb, &n), "dump");
	CHILD_EXPECT(r, 0, n, "sessions in a fresh netns");
	CHILD_EXPECT(r, 0, secmsg_stats_get(nl, &st), "STATS");
	CHILD_EXPECT(r, 0, (long)st.v[SECMSG_STATS_A_SESSIONS],
		     "stats sessions in a fresh netns");
	for (i = 0; i < 3; i++) {
		struct client c;

		CHILD_EXPECT(r, 0, client_new(nl, &c, test_algs[i], NULL, 0,
					      NULL), "NEW");
		ids[i] = c.id;
	}
	n = 0;
	CHILD_EXPECT(r, 0, secmsg_session_dump(nl, count_cb, &n), "dump");
	CHILD_EXPECT(r, 3, n, "sessions after creating 3");
	/* hand the ids over, wait for the parent's checks */
	if (write(a->to_parent, ids, sizeof(ids)) != sizeof(ids))
		rep(r, "write to parent failed");
	if (read(a->from_parent, &go, 1) != 1)
		rep(r, "read from parent failed");
	/* the sessions are left in place: the namespace takes them along */
	secmsg_nl_close(nl);
out:
	close(a->to_parent);
}

struct seen {
	uint64_t ids[3];
	int hits;
};

static int seen_cb(const struct secmsg_session_info *s, void *arg)
{
	struct seen *sn = arg;
	int i;

	for (i = 0; i < 3; i++)
		sn->hits += s->id == sn->ids[i];
	return 0;
}

TEST_F(perm, netns_isolation)
{
	struct secmsg_nl *ev = nl_open_or_null();
	struct ns_child_arg a = { .parent_id = self->c.id };
	struct secmsg_session_info info;
	struct secmsg_event_info e;
	struct secmsg_stats s0, s1, s2;
	struct seen sn = { 0 };
	int up[2], down[2], status, i;
	pid_t pid;

	ASSERT_NE(NULL, ev);
	ASSERT_EQ(0, secmsg_events_subscribe(ev));
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s0));
	ASSERT_EQ(0, pipe(up));
	ASSERT_EQ(0, pipe(down));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct report r = { .fd = 2 };

		close(up[0]);
		close(down[1]);
		a.to_parent = up[1];
		a.from_parent = down[0];
		in_netns(&r, &a);
		_exit(r.failures > 99 ? 99 : r.failures);
	}
	close(up[1]);
	close(down[0]);
	ASSERT_EQ(sizeof(sn.ids), read(up[0], sn.ids, sizeof(sn.ids)));
	/* while the child's namespace lives */
	for (i = 0; i < 3; i++)
		EXPECT_EQ(-ENOENT, secmsg_session_get(self->nl, sn.ids[i],
						       &info));
	ASSERT_EQ(0, secmsg_session_dump(self->nl, seen_cb, &sn));
	EXPECT_EQ(0, sn.hits);
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s1));
	EXPECT_EQ(s0.v[SECMSG_STATS_A_SESSIONS], s1.v[SECMSG_STATS_A_SESSIONS]);
	EXPECT_EQ(s0.v[SECMSG_STATS_A_CREATED], s1.v[SECMSG_STATS_A_CREATED]);
	/* no event of the child's namespace reaches us */
	EXPECT_EQ(-EAGAIN, event_wait(ev, 0, 0, &e, 300));
	ASSERT_EQ(1, write(down[1], "g", 1));
	close(down[1]);
	waitpid(pid, &status, 0);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* the namespace is gone with its sessions: ours are as they were */
	sleep_ms(500);
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s2));
	EXPECT_EQ(s0.v[SECMSG_STATS_A_SESSIONS], s2.v[SECMSG_STATS_A_SESSIONS]);
	EXPECT_EQ(s0.v[SECMSG_STATS_A_DELETED], s2.v[SECMSG_STATS_A_DELETED]);
	EXPECT_EQ(s0.v[SECMSG_STATS_A_EXPIRED], s2.v[SECMSG_STATS_A_EXPIRED]);
	EXPECT_EQ(-EAGAIN, event_wait(ev, 0, 0, &e, 300));
	check_untouched(_metadata, self);
	secmsg_nl_close(ev);
}

/* ---------------------------------------------------------------- */
/*
 * The namespace's sessions go with it: secmsg.ko's live sessions and keys
 * (the objects of its own slab caches) are back to what they were.
 */

static const char *const module_caches[] = {
	"secmsg_session", "secmsg_key_out", "secmsg_key_in",
};
#define N_CACHES (sizeof(module_caches) / sizeof(module_caches[0]))

static long slab_read(const char *cache, const char *file)
{
	char path[160];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/%s", cache, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/*
 * Objects in use in a cache.  A shrink first: it empties the CPUs' slabs
 * (whose free objects count as in use until then) and makes KASAN's
 * quarantine give back the cache's freed objects (which it holds
 * allocated: the debug kernel's use-after-free check).  *shared: the
 * kernel merged the cache with others (not under KASAN), whose objects
 * count too.
 */
static long cache_objects(const char *cache, bool *shared)
{
	char path[160];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", cache);
	f = fopen(path, "w");
	if (f) {
		fputs("1", f);
		fclose(f);
	}
	*shared = slab_read(cache, "aliases") != 0;
	return slab_read(cache, "objects");
}

struct live {
	long n[N_CACHES];
	bool shared[N_CACHES];
};

static int live_read(struct live *l)
{
	size_t i;

	for (i = 0; i < N_CACHES; i++) {
		l->n[i] = cache_objects(module_caches[i], &l->shared[i]);
		if (l->n[i] < 0)
			return -1;
	}
	return 0;
}

/*
 * What is still alive of what the namespace added: nothing for a cache of
 * secmsg.ko's own; within a twentieth of the growth for one the kernel
 * shares with others (their objects come and go meanwhile).
 */
static bool live_back(const struct live *l0, const struct live *l1,
		      const struct live *l2)
{
	size_t i;

	for (i = 0; i < N_CACHES; i++) {
		long left = l2->n[i] - l0->n[i];

		if (l2->shared[i] ? left > (l1->n[i] - l0->n[i]) / 20 :
				    left > 0)
			return false;
	}
	return true;
}

#define NS_SESSIONS 4000

static void fill_netns(struct report *r, void *arg)
{
	struct ns_child_arg *a = arg;
	uint8_t secret[SECMSG_KEY_LEN];
	struct secmsg_nl *nl = NULL;
	int i, err = 0;
	char go = 0;

	rand_bytes(secret, sizeof(secret));
	if (unshare(CLONE_NEWNET) || secmsg_nl_open(&nl)) {
		rep(r, "new netns: %s", strerror(errno));
		goto out;
	}
	for (i = 0; i < NS_SESSIONS && !err; i++) {
		struct secmsg_session_params p = {
			.user_id = "filler", .alg = test_algs[i % N_ALGS],
			.secret_c2s = secret, .secret_s2c = secret,
		};
		struct secmsg_session_info info;
		struct secmsg_msg_result m = { 0 };

		err = secmsg_session_new(nl, &p, &info);
		/* every tenth has an outbound key and transform too */
		if (!err && i % 10 == 0) {
			err = secmsg_msg(nl, SECMSG_MSG_SEAL, info.id, 0,
					 secret, 1, &m);
			secmsg_msg_result_free(&m);
		}
	}
	if (err)
		rep(r, "NEW or SEAL in the child netns: %s", errname(err));
	secmsg_nl_close(nl);
	if (write(a->to_parent, &go, 1) != 1 ||
	    read(a->from_parent, &go, 1) != 1)
		rep(r, "pipe to parent failed");
out:
	close(a->to_parent);
}

TEST_F_TIMEOUT(perm, netns_exit_frees_sessions, 120)
{
	struct ns_child_arg a = { 0 };
	struct secmsg_stats s0, s1;
	struct live l0, l1, l2;
	int up[2], down[2], status;
	double t0;
	size_t i;
	pid_t pid;
	char c;

	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s0));
	ASSERT_EQ(0, live_read(&l0));
	ASSERT_EQ(0, pipe(up));
	ASSERT_EQ(0, pipe(down));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct report r = { .fd = 2 };

		close(up[0]);
		close(down[1]);
		a.to_parent = up[1];
		a.from_parent = down[0];
		fill_netns(&r, &a);
		_exit(r.failures > 99 ? 99 : r.failures);
	}
	close(up[1]);
	close(down[0]);
	ASSERT_EQ(1, read(up[0], &c, 1));
	ASSERT_EQ(0, live_read(&l1));
	ASSERT_EQ(1, write(down[1], "g", 1));
	close(down[1]);
	waitpid(pid, &status, 0);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	/* the netns is torn down asynchronously (cleanup_net, then RCU) */
	t0 = mono_now();
	do {
		sleep_ms(200);
		ASSERT_EQ(0, live_read(&l2));
	} while (!live_back(&l0, &l1, &l2) && mono_now() - t0 < 60);
	for (i = 0; i < N_CACHES; i++)
		DIAG("%s: %ld -> %ld -> %ld objects after %.1f s%s",
		     module_caches[i], l0.n[i], l1.n[i], l2.n[i],
		     mono_now() - t0, l2.shared[i] ? " (a shared cache)" : "");
	/*
	 * the namespace's sessions and keys were counted (KFENCE, in the
	 * debug kernel, serves a sampled few from its own pool, outside the
	 * caches' counts) ...
	 */
	ASSERT_LE(NS_SESSIONS * 19 / 20, l1.n[0] - l0.n[0]);
	ASSERT_LE(NS_SESSIONS / 10 * 19 / 20, l1.n[1] - l0.n[1]);
	/* ... and are gone, with their keys */
	EXPECT_TRUE(live_back(&l0, &l1, &l2));
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &s1));
	EXPECT_EQ(s0.v[SECMSG_STATS_A_SESSIONS], s1.v[SECMSG_STATS_A_SESSIONS]);
	EXPECT_EQ(s0.v[SECMSG_STATS_A_CREATED], s1.v[SECMSG_STATS_A_CREATED]);
	check_untouched(_metadata, self);
}

TEST_HARNESS_MAIN
