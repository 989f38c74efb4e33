// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Host tests: the cluster route (daemon/cluster/route_nats.c), two nodes
 * in this process over a real nats-server (JetStream on), with the
 * kernel faked (fake_klink.h and the users below) and the router faked
 * (struct route_up): heartbeats and presence, links made, a copy
 * shipped, re-sealed there and its result back, a result for a node
 * that lost the link, the users registry (a put, a registration on first
 * use), replace, metrics, a node leaving, a node whose loop is held up
 * (still up while its heartbeat repeats; its copies fail node_unreachable
 * after cluster_timeout; stuck past the hold, it is gone and its users go
 * offline) and coming back.
 */
#include <poll.h>

#include "natsrv.h"
#include "../../tools/lib/tests/tap.h"
#include "secmsg/codec.h"
#include "cluster/bus.h"
#include "cluster/cmds.h"
#include "cluster/route_nats.h"
#include "audit.h"
#include "fake_klink.h"

/* ---- each node's fake kernel users ---- */

struct kusers {
	char name[32][65];
	uint8_t pub[32][32];
	int n, adds;
};

static int ku_get(struct kusers *k, const char *user, uint8_t pub[32])
{
	int i;

	for (i = 0; i < k->n; i++)
		if (!strcmp(k->name[i], user)) {
			memcpy(pub, k->pub[i], 32);
			return 0;
		}
	return -ENOENT;
}

static int ku_add(struct kusers *k, const char *user, const uint8_t pub[32])
{
	if (k->n == 32)
		return -ENOSPC;
	snprintf(k->name[k->n], sizeof(k->name[0]), "%s", user);
	memcpy(k->pub[k->n++], pub, 32);
	k->adds++;
	return 0;
}

static int ku_del(struct kusers *k, const char *user)
{
	int i;

	for (i = 0; i < k->n; i++)
		if (!strcmp(k->name[i], user)) {
			k->n--;
			memmove(k->name[i], k->name[k->n], sizeof(k->name[0]));
			memmove(k->pub[i], k->pub[k->n], 32);
			return 0;
		}
	return -ENOENT;
}

static struct kusers KA, KB;
#define KUSERS(K) \
static int K##_get(const char *u, uint8_t p[32]) { return ku_get(&K, u, p); } \
static int K##_add(const char *u, const uint8_t p[32]) \
{ \
	return ku_add(&K, u, p); \
} \
static int K##_del(const char *u) { return ku_del(&K, u); }
KUSERS(KA)
KUSERS(KB)

static int registry_calls;

static int node_identity(const char *path, uint8_t pub[32])
{
	(void)path;
	memset(pub, 0x42, 32);
	return 0;
}

static int node_registry(const char *const *names, const uint8_t (*pubs)[32],
			 size_t n)
{
	(void)names;
	(void)pubs;
	registry_calls += n == 1;
	return 0;
}

static const char *no_err(void)
{
	return "";
}

/* ---- a fake router per node ---- */

struct node {
	const char *name;
	struct config cfg;
	struct metrics m;
	struct fake_klink fk;
	struct cluster_kernel k;
	struct route *rt;
	struct route_up up;
	struct { int fd; void (*fn)(void *); void *arg; } fds[2];
	int nfds;
	char presence[1024];
	char done[1024];
	char inbound[1024];
	char replaced[64];
	int revoked;
	struct route_origin last_origin;
	bool answer;			/* results go back at once */
	char answer_code[32];
};

static struct node A, B;
static struct node *cur;		/* whose upcall (set around calls) */

/* The upcalls carry no node: each node's up points at its own functions. */
#define UPCALLS(N) \
static void N##_presence(const char *user, bool online) \
{ \
	snprintf(N.presence + strlen(N.presence), \
		 sizeof(N.presence) - strlen(N.presence), "%c%s ", \
		 online ? '+' : '-', user); \
} \
static void N##_done(struct delivery *d, const char *code, const char *msg) \
{ \
	(void)msg; \
	snprintf(N.done + strlen(N.done), sizeof(N.done) - strlen(N.done), \
		 "%lu:%s ", (unsigned long)(uintptr_t)d, \
		 code ? code : "delivered"); \
} \
static void N##_inbound(const struct route_origin *o, uint64_t link, \
			const char *from, const char *to, \
			const uint8_t *sealed, size_t len) \
{ \
	snprintf(N.inbound + strlen(N.inbound), \
		 sizeof(N.inbound) - strlen(N.inbound), "%s>%s:%.*s@%llx ", \
		 from, to, (int)len, (const char *)sealed, \
		 (unsigned long long)link); \
	N.last_origin = *o; \
	if (N.answer) \
		N.rt->ops->result(N.rt, o, N.answer_code[0] ? \
				  N.answer_code : NULL); \
} \
static void N##_replace(const char *user, unsigned int n) \
{ \
	snprintf(N.replaced, sizeof(N.replaced), "%s:%u", user, n); \
} \
static void N##_revoke(const char *user) \
{ \
	(void)user; \
	N.revoked++; \
}
UPCALLS(A)
UPCALLS(B)

static int adopt(int fd, void (*fn)(void *arg), void *arg)
{
	cur->fds[cur->nfds].fd = fd;
	cur->fds[cur->nfds].fn = fn;
	cur->fds[cur->nfds++].arg = arg;
	return 0;
}

static char peers_path[300];

static int start(struct node *n, const char *name, const char *url)
{
	char err[256], keypath[300];

	memset(&n->fk, 0, sizeof(n->fk));
	n->name = name;
	n->nfds = 0;
	snprintf(n->fk.node, sizeof(n->fk.node), "%s", name);
	n->fk.registry[0] = "a";
	n->fk.registry[1] = "b";
	n->fk.base = name[0] == 'a' ? 1000 : 2000;
	n->k = (struct cluster_kernel){
		.link = &fake_klink_ops, .link_ctx = &n->fk,
		.user_get = name[0] == 'a' ? KA_get : KB_get,
		.user_add = name[0] == 'a' ? KA_add : KB_add,
		.user_del = name[0] == 'a' ? KA_del : KB_del,
		.node_identity = node_identity,
		.node_registry = node_registry, .errmsg = no_err,
	};
	config_defaults(&n->cfg);
	snprintf(keypath, sizeof(keypath), "%s/%s.key", natsrv_tmpdir(), name);
	n->cfg.cluster = strdup(url);
	n->cfg.node = strdup(name);
	n->cfg.cluster_name = strdup("t");
	n->cfg.node_key = strdup(keypath);
	n->cfg.peers = strdup(peers_path);
	n->cfg.cluster_timeout = 2;
	n->rt = route_nats_new(&n->cfg, &n->m, &n->k, err, sizeof(err));
	if (!n->rt) {
		diag("%s: %s", name, err);
		return -1;
	}
	n->rt->up = &n->up;
	cur = n;
	return route_nats_adopt(n->rt, adopt);
}

static void stop(struct node *n)
{
	if (n->rt)
		n->rt->ops->destroy(n->rt);
	n->rt = NULL;
	config_free(&n->cfg);
}

/* Poll both nodes' fds until cond() or ms. */
static bool pump(int ms, bool (*cond)(void))
{
	long long until = natsrv_ms() + ms;
	struct node *v[2] = { &A, &B };
	struct pollfd p[4];
	int i, j, k;

	for (;;) {
		if (cond && cond())
			return true;
		if (natsrv_ms() >= until)
			return cond ? cond() : true;
		for (i = 0, k = 0; i < 2; i++)
			for (j = 0; v[i]->rt && j < v[i]->nfds; j++)
				p[k++] = (struct pollfd){ .fd = v[i]->fds[j].fd,
							  .events = POLLIN };
		poll(p, (nfds_t)k, 20);
		for (i = 0; i < 2; i++)
			for (j = 0; v[i]->rt && j < v[i]->nfds; j++)
				v[i]->fds[j].fn(v[i]->fds[j].arg);
	}
}

static struct route_dest dest[4];
static unsigned int ndest;

/* the last loop_stall audit line */
static char stall[256];

static void stall_hook(const char *line)
{
	if (!strncmp(line, "event=loop_stall ", 17))
		snprintf(stall, sizeof(stall), "%s", line);
}

static bool stalled(void)
{
	return stall[0];
}

static bool b_sees_alice(void)
{
	return B.rt->ops->logins(B.rt, "alice") == 2 &&
	       A.rt->ops->logins(A.rt, "bob") == 1;
}

static bool linked(void)
{
	ndest = A.rt->ops->dests(A.rt, "bob", dest, 4);
	return ndest == 1 && dest[0].session &&
	       B.rt->ops->dests(B.rt, "alice", dest + 1, 3) == 1 &&
	       dest[1].session;
}

static bool a_done(void)
{
	return A.done[0] != 0;
}

static bool b_inbound(void)
{
	return B.inbound[0] != 0;
}

static bool b_user_added(void)
{
	return KA.adds >= 1 && KB.adds >= 1;
}

static bool b_carol(void)
{
	uint8_t p[32];

	return !KB_get("carol.c@x", p) && !KA_get("carol.c@x", p);
}

static bool b_no_carol(void)
{
	uint8_t p[32];

	return KB_get("carol.c@x", p) == -ENOENT &&
	       KA_get("carol.c@x", p) == -ENOENT;
}

static bool b_replaced(void)
{
	return B.replaced[0] != 0;
}

static bool a_sees_no_b(void)
{
	return strstr(A.presence, "-bob ") != NULL;
}

static bool a_sees_bob(void)
{
	return A.rt->ops->logins(A.rt, "bob") == 1;
}

static bool has(const char *s, const char *what)
{
	return strstr(s, what) != NULL;
}

int main(void)
{
	struct natsrv srv = { 0 };
	struct delivery *d1 = (struct delivery *)(uintptr_t)11;
	struct delivery *d2 = (struct delivery *)(uintptr_t)12;
	struct delivery *d3 = (struct delivery *)(uintptr_t)13;
	uint8_t pub[32];
	char *text, list[64];
	const char *p;
	long long t0, t1;
	bool gone;
	int bnfds;
	FILE *f;
	int rc;

	A.up = (struct route_up){ .presence = A_presence, .done = A_done,
				  .inbound = A_inbound, .replace = A_replace,
				  .revoke = A_revoke };
	B.up = (struct route_up){ .presence = B_presence, .done = B_done,
				  .inbound = B_inbound, .replace = B_replace,
				  .revoke = B_revoke };
	if (!natsrv_program()) {
		plan(1);
		skip("nats-server is not installed (.ci/run installs it)");
		return done();
	}
	if (natsrv_start(&srv, 0, true)) {
		ok(false, "start nats-server");
		natsrv_cleanup();
		return done();
	}
	snprintf(peers_path, sizeof(peers_path), "%s/peers", natsrv_tmpdir());
	f = fopen(peers_path, "w");
	fprintf(f, "# nodes\na %s\nb %s\n",
		"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=",
		"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=");
	fclose(f);
	rc = start(&A, "a", srv.url);
	rc |= start(&B, "b", srv.url);
	ok(!rc && registry_calls == 2, "two nodes; each registers its one peer");
	if (rc)
		goto out;

	/* heartbeats: alice has two logins on a, bob one on b */
	A.rt->ops->announce(A.rt, "alice", 1);
	A.rt->ops->announce(A.rt, "alice", 2);
	B.rt->ops->announce(B.rt, "bob", 1);
	t0 = natsrv_ms();
	rc = !pump(15000, b_sees_alice);
	t1 = natsrv_ms();
	ok(!rc && has(B.presence, "+alice ") && has(A.presence, "+bob "),
	   "presence crosses: b counts alice's 2 logins, a bob's (%lld ms; "
	   "%s/ %s)",
	   t1 - t0, A.presence, B.presence);
	ok(pump(15000, linked) && dest[0].node == 1,
	   "links up both ways: a's dests for bob name node b with its link");

	/* a copy to b, re-sealed there, its result back */
	B.answer = true;
	rc = A.rt->ops->ship(A.rt, &dest[0], "alice", "bob",
			     (const uint8_t *)"SEALED", 6, d1);
	A.rt->ops->flush(A.rt);
	ok(!rc && pump(15000, b_inbound) &&
	   has(B.inbound, "alice>bob:SEALED@") && B.last_origin.node == 1,
	   "shipped: b gets it, for bob, from its in link (%s)", B.inbound);
	/* b's result goes at its flush (the loop's end, here the tick) */
	ok(pump(15000, a_done) && !strcmp(A.done, "11:delivered "),
	   "b's result comes back: delivered (%s)", A.done);
	A.done[0] = B.inbound[0] = '\0';
	snprintf(B.answer_code, sizeof(B.answer_code), "recipient_offline");
	A.rt->ops->ship(A.rt, &dest[0], "alice", "bob",
			(const uint8_t *)"X", 1, d2);
	A.rt->ops->flush(A.rt);
	ok(pump(15000, a_done) && !strcmp(A.done, "12:recipient_offline "),
	   "a failure there comes back with its code (%s)", A.done);
	B.answer_code[0] = '\0';

	/* the users registry */
	memset(pub, 7, 32);
	A.rt->ops->user_added(A.rt, "newbie", pub);
	ok(pump(15000, b_user_added) && !KB_get("newbie", pub) && pub[0] == 7 &&
	   !KA_get("newbie", pub),
	   "a registration on a reaches every node's kernel through the "
	   "bucket (%d, %d adds)", KA.adds, KB.adds);

	/* the one command: secmsgd ... user add / user del */
	{
		char *add[] = { "user", "add", "carol.c@x",
				"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=",
				NULL };
		char *del[] = { "user", "del", "carol.c@x", NULL };
		char *bad[] = { "user", "add", "-x", "AAAA", NULL };
		char *none[] = { "user", "del", "nobody", NULL };
		int before = KB.adds;

		ok(cluster_user_cmd(&A.cfg, 4, add) == 0 &&
		   pump(15000, b_carol) && KB.adds == before + 1,
		   "user add: in the bucket, and in every node's kernel");
		ok(cluster_user_cmd(&A.cfg, 3, del) == 0 &&
		   pump(15000, b_no_carol) && B.revoked >= 1,
		   "user del: out of every node's kernel, its logins revoked");
		ok(cluster_user_cmd(&A.cfg, 4, bad) == 2 &&
		   cluster_user_cmd(&A.cfg, 3, add) == 2,
		   "user add with a bad name or without a key: usage (2)");
		ok(cluster_user_cmd(&A.cfg, 3, none) == 1,
		   "user del of a user the bucket never had: 1");
	}

	/* replace */
	A.rt->ops->replace(A.rt, "bob", 1);
	ok(pump(15000, b_replaced) && !strcmp(B.replaced, "bob:1"),
	   "a asks the node with bob's login to close one (%s)", B.replaced);

	/* metrics */
	text = A.rt->ops->metrics(A.rt);
	ok(text && has(text, "secmsgd_cluster_peer_up{peer=\"b\"} 1\n") &&
	   has(text, "secmsgd_cluster_peer_link_up{peer=\"b\"} 1\n") &&
	   has(text, "secmsgd_cluster_peer_messages_out_total{peer=\"b\"} 2\n") &&
	   has(text, "secmsgd_cluster_peer_delivered_total{peer=\"b\"} 1\n") &&
	   has(text, "secmsgd_cluster_peer_failures_total{peer=\"b\"} 1\n") &&
	   has(text, "secmsgd_cluster_nats_connected 1\n") &&
	   has(text, "# TYPE secmsgd_cluster_peer_up gauge\n"),
	   "metrics: per peer, up, link, copies out, delivered, failed");
	free(text);
	{
		char *out = NULL;
		size_t len = 0;
		FILE *mf = open_memstream(&out, &len);

		text = A.rt->ops->metrics(A.rt);
		rc = cluster_status_format(text, mf);
		fclose(mf);
		ok(!rc && has(out, "NATS: connected, 0 reconnections") &&
		   has(out, "\nb            yes  up ") &&
		   cluster_status_format("secmsgd_up 1\n", stderr) == -ENOENT,
		   "--status: the peers' table from /metrics");
		if (!has(out, "\nb            yes  up "))
			diag("%s", out);
		free(out);
		free(text);
	}

	/* b goes silent (its loop stops): copies time out, then it is gone */
	B.answer = false;
	A.done[0] = '\0';
	A.rt->ops->ship(A.rt, &dest[0], "alice", "bob",
			(const uint8_t *)"Y", 1, d3);
	A.rt->ops->flush(A.rt);
	bnfds = B.nfds;
	B.nfds = 0;		/* b no longer runs */
	t0 = natsrv_ms();
	pump(15000, a_done);
	t1 = natsrv_ms();
	ok(has(A.done, "13:node_unreachable") && t1 - t0 >= 1900,
	   "a copy b never answers: node_unreachable after cluster_timeout "
	   "(%lld ms)", t1 - t0);
	ok(A.rt->ops->logins(A.rt, "bob") == 1 && !a_sees_no_b(),
	   "b's loop held up %lld ms: still up at a (its heartbeat repeats)",
	   t1 - t0);
	gone = pump(20000, a_sees_no_b);
	t1 = natsrv_ms();
	ok(gone && A.rt->ops->logins(A.rt, "bob") == 0 &&
	   !A.rt->ops->dests(A.rt, "bob", dest, 4) && t1 - t0 >= 9900,
	   "b stuck: gone at a after the 10 s hold + 3 s (%lld ms after "
	   "its loop stopped)", t1 - t0);
	/* b's loop runs again: it says how late its timer was */
	audit_set_hook(stall_hook);
	B.nfds = bnfds;
	ok(pump(2000, stalled) && (p = strstr(stall, " ms=")) &&
	   atoi(p + 4) >= 2500,
	   "b's loop back after its stall: a loop_stall line (%s)", stall);
	audit_set_hook(NULL);
	/* b runs again: the same process, as after a partition */
	A.presence[0] = '\0';
	cur = &B;
	B.nfds = 0;
	stop(&B);
	rc = start(&B, "b", srv.url);
	B.rt->ops->announce(B.rt, "bob", 1);
	ok(!rc && pump(15000, a_sees_bob) && has(A.presence, "+bob "),
	   "b back (a new process): bob online again at a");
	ok(pump(15000, linked), "and the links are made again");

	/* b leaves: a knows at once */
	A.presence[0] = '\0';
	t0 = natsrv_ms();
	stop(&B);
	ok(pump(5000, a_sees_no_b) && natsrv_ms() - t0 < 2500,
	   "b shuts down: a drops it at once, not after 3 s (%lld ms)",
	   natsrv_ms() - t0);
	snprintf(list, sizeof(list), "%d, %d", A.revoked, B.revoked);
	ok(A.revoked == 1, "a revoked only for the user del (%s)", list);
out:
	stop(&A);
	stop(&B);
	natsrv_stop(&srv, SIGTERM);
	bus_library_exit();
	natsrv_cleanup();
	return done();
}
