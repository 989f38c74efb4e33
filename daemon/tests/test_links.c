// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Host tests: links between nodes (daemon/cluster/links.c) over a real
 * nats-server, with the kernel calls faked (fake_klink.h): both links of
 * a pair made and paired, a node the kernel does not know refused, a
 * node that never answers and one that does not listen, a restart (new
 * boot id), a peer that lost our link, a peer gone, and every session
 * deleted at the end.
 */
#include <poll.h>
#include <stdbool.h>

#include "natsrv.h"
#include "../../tools/lib/tests/tap.h"
#include "cluster/links.h"
#include "fake_klink.h"

#define PREFIX	"secmsg.t"
#define S	1000000000ULL

struct node {
	const char *name;
	uint64_t boot;
	struct bus *bus;
	struct dir dir;
	struct fake_klink fk;
	struct links *links;
	char log[2048];
};

static void on_changed(void *arg, struct dir_peer *p, bool up,
		       const char *why)
{
	struct node *n = arg;

	snprintf(n->log + strlen(n->log), sizeof(n->log) - strlen(n->log),
		 "[%s %s: %s]", p->name, up ? "up" : "down", why);
}

static uint64_t now(void)
{
	return (uint64_t)natsrv_ms() * 1000000ULL;
}

static int node_start(struct node *n, const char *url, const char *name,
		      uint64_t boot, const char *const *peers, size_t npeers,
		      const char *const *registry)
{
	struct bus_opts o = { .servers = url, .name = name };
	struct links_env env = {
		.k = &fake_klink_ops, .node = name, .boot = boot,
		.prefix = PREFIX, .timeout_ms = 400, .changed = on_changed,
	};
	char err[256];
	size_t i;

	memset(n, 0, sizeof(*n));
	n->name = name;
	n->boot = boot;
	snprintf(n->fk.node, sizeof(n->fk.node), "%s", name);
	n->fk.base = boot * 1000;
	for (i = 0; registry[i]; i++)
		n->fk.registry[i] = registry[i];
	if (bus_open(&n->bus, &o, err, sizeof(err)) ||
	    dir_init(&n->dir, peers, npeers, NULL, NULL))
		return -1;
	env.bus = n->bus;
	env.kctx = &n->fk;
	env.arg = n;
	if (links_init(&n->links, &env, &n->dir) || links_listen(n->links))
		return -1;
	return 0;
}

static void node_stop(struct node *n)
{
	bus_close(n->bus);
	links_exit(n->links);
	dir_exit(&n->dir);
}

/* n hears a heartbeat of peer (boot): up, restarted, as the cluster does. */
static void hear(struct node *n, const char *peer, uint64_t boot, uint64_t seq)
{
	struct dir_peer *p = dir_peer(&n->dir, peer);
	struct dir_snap s;
	enum dir_apply r;

	dir_snap_init(&s);
	r = dir_apply(&n->dir, p, boot, seq, &s, now());
	if (r == DIR_CAME_UP || r == DIR_RESTARTED)
		links_peer_up(n->links, p, r == DIR_RESTARTED, now());
}

static struct node *all[4];
static int nall;

/* Pump every node (dispatch, tick) until cond() or ms. */
static bool pump(int ms, bool (*cond)(void))
{
	long long until = natsrv_ms() + ms;
	struct pollfd p[4];
	int i;

	for (;;) {
		if (cond && cond())
			return true;
		if (natsrv_ms() >= until)
			return cond ? cond() : true;
		for (i = 0; i < nall; i++)
			p[i] = (struct pollfd){ .fd = bus_fd(all[i]->bus),
						.events = POLLIN };
		poll(p, (nfds_t)nall, 20);
		for (i = 0; i < nall; i++) {
			bus_dispatch(all[i]->bus);
			links_tick(all[i]->links, now());
		}
	}
}

static struct node A, B, C;

static uint64_t out_of(struct node *n, const char *peer)
{
	return links_out(n->links, dir_peer(&n->dir, peer));
}

static uint64_t in_of(struct node *n, const char *peer, uint64_t boot)
{
	return links_in(n->links, dir_peer(&n->dir, peer), boot);
}

static struct link_stats stats_of(struct node *n, const char *peer)
{
	struct link_stats st;

	links_stats(n->links, dir_peer(&n->dir, peer), &st);
	return st;
}

static bool ab_linked(void)
{
	return out_of(&A, "b") && out_of(&B, "a") && in_of(&A, "b", B.boot) &&
	       in_of(&B, "a", A.boot);
}

static bool c_refused(void)
{
	return stats_of(&C, "a").failures >= 1 && stats_of(&A, "c").refused >= 1;
}

static bool a_failed_mute_ghost(void)
{
	return stats_of(&A, "mute").failures >= 1 &&
	       stats_of(&A, "ghost").failures >= 1;
}

static uint64_t old_out;
static bool relinked(void)
{
	return ab_linked() && out_of(&B, "a") != old_out;
}

static void on_mute(void *arg, const struct bus_msg *m)
{
	(void)arg;
	(void)m;	/* never answers */
}

int main(void)
{
	const char *const peers_a[] = { "b", "c", "mute", "ghost" };
	const char *const peers_b[] = { "a", "c" };
	const char *const peers_c[] = { "a", "b" };
	struct natsrv srv = { 0 };
	struct fk_session *s;
	struct link_stats st;
	long long t0;
	uint64_t b_in_old, a_out_old;
	bool linked;

	if (!natsrv_program()) {
		plan(1);
		skip("nats-server is not installed (.ci/run installs it)");
		return done();
	}
	if (natsrv_start(&srv, 0, false)) {
		ok(false, "start nats-server");
		natsrv_cleanup();
		return done();
	}
	if (node_start(&A, srv.url, "a", 1, peers_a, 4,
		       (const char *const[]){ "b", "mute", "ghost", NULL }) ||
	    node_start(&B, srv.url, "b", 2, peers_b, 2,
		       (const char *const[]){ "a", NULL }) ||
	    node_start(&C, srv.url, "c", 3, peers_c, 2,
		       (const char *const[]){ "a", "b", NULL }) ||
	    bus_subscribe(A.bus, PREFIX ".link.mute", on_mute, NULL)) {
		ok(false, "three nodes on %s", srv.url);
		goto out;
	}
	all[0] = &A;
	all[1] = &B;
	all[2] = &C;
	nall = 3;
	pump(300, NULL);

	st = stats_of(&A, "b");
	ok(!out_of(&A, "b") && st.state == LINK_DOWN && !st.handshakes,
	   "no link before the peer is heard");
	t0 = natsrv_ms();
	hear(&A, "b", B.boot, 1);
	hear(&B, "a", A.boot, 1);
	linked = pump(10000, ab_linked);
	ok(linked, "a and b heard each other: both links up both ways "
	   "(%lld ms)", natsrv_ms() - t0);
	s = fk_get(&B.fk, in_of(&B, "a", A.boot));
	ok(s && !s->initiator && s->active && s->pair == out_of(&A, "b") &&
	   !strcmp(s->peer, "a"),
	   "b's in link is the responder of a's out link");
	s = fk_get(&A.fk, out_of(&A, "b"));
	ok(s && s->initiator && s->active && !strcmp(s->peer, "b"),
	   "a's out link is its initiator session to b");
	ok(stats_of(&A, "b").state == LINK_UP && stats_of(&A, "b").handshakes == 1 &&
	   stats_of(&B, "a").accepted == 1 && strstr(A.log, "[b up: handshake]"),
	   "stats and the change callback (%s)", A.log);
	ok(!in_of(&B, "a", A.boot + 1), "no in link for another boot of a");

	hear(&C, "a", A.boot, 1);
	ok(pump(10000, c_refused) && !out_of(&C, "a") &&
	   strstr(C.log, "refused: unknown node"),
	   "a node a's kernel does not know: refused with the kernel's words "
	   "(%s)", C.log);

	hear(&A, "mute", 50, 1);
	hear(&A, "ghost", 60, 1);
	ok(pump(10000, a_failed_mute_ghost) &&
	   strstr(A.log, "[mute down: no answer in time]") &&
	   strstr(A.log, "[ghost down: the node is not listening]"),
	   "a node that never answers, one that does not listen: failed, "
	   "retried later (%s)", A.log);
	ok(stats_of(&A, "mute").state == LINK_DOWN && !out_of(&A, "mute"),
	   "no link to them");

	/* b says it does not know a's link: a stale sid changes nothing */
	a_out_old = out_of(&A, "b");
	links_broken(A.links, dir_peer(&A.dir, "b"), a_out_old + 1000, now());
	ok(out_of(&A, "b") == a_out_old, "a stale 'broken' is ignored");
	links_broken(A.links, dir_peer(&A.dir, "b"), a_out_old, now());
	ok(!out_of(&A, "b") && fk_get(&A.fk, a_out_old) == NULL,
	   "'broken' for the current link: dropped, its session deleted");
	ok(pump(10000, ab_linked) && out_of(&A, "b") != a_out_old &&
	   stats_of(&A, "b").handshakes == 2, "and made again");

	/* a restarts: a new process, a new boot id */
	old_out = out_of(&B, "a");
	b_in_old = in_of(&B, "a", A.boot);
	bus_close(A.bus);
	links_exit(A.links);
	dir_exit(&A.dir);
	ok(fk_live(&A.fk) == 0, "a's process ends: every session of it deleted");
	if (node_start(&A, srv.url, "a", 11, peers_a, 4,
		       (const char *const[]){ "b", NULL })) {
		ok(false, "a restarted");
		goto out;
	}
	bus_subscribe(A.bus, PREFIX ".link.mute", on_mute, NULL);
	hear(&B, "a", A.boot, 1);
	hear(&A, "b", B.boot, 5);
	ok(!fk_get(&B.fk, old_out) && !fk_get(&B.fk, b_in_old) &&
	   !in_of(&B, "a", 1), "b sees a's new boot id: both old links gone");
	ok(pump(10000, relinked) && in_of(&B, "a", 11) &&
	   strstr(B.log, "[a down: the node restarted]"),
	   "and both are made again with the new process");

	dir_gone(&B.dir, dir_peer(&B.dir, "a"));
	links_peer_gone(B.links, dir_peer(&B.dir, "a"));
	ok(!out_of(&B, "a") && !in_of(&B, "a", 11) &&
	   strstr(B.log, "[a down: the node is gone]"),
	   "a gone: b drops both links");
	pump(1500, NULL);
	ok(!out_of(&B, "a"), "and makes none while a is gone");
out:
	node_stop(&C);
	node_stop(&B);
	node_stop(&A);
	ok(fk_live(&A.fk) == 0 && fk_live(&B.fk) == 0 && fk_live(&C.fk) == 0,
	   "at exit every session of every node is deleted");
	natsrv_stop(&srv, SIGTERM);
	bus_library_exit();
	natsrv_cleanup();
	return done();
}
