// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The route of a node in a cluster, over NATS (see route_nats.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "secmsg/codec.h"

#include "../audit.h"
#include "../clock.h"
#include "../files.h"
#include "../table.h"
#include "bus.h"
#include "directory.h"
#include "kvusers.h"
#include "links.h"
#include "route_nats.h"
#include "wire.h"

#define MS		1000000ULL
#define TICK_MS		100
#define BEAT_NS		(1000 * MS)	/* a heartbeat every second */
#define SOON_NS		(100 * MS)	/* a change: a heartbeat this soon */
#define GONE_NS		(3000 * MS)	/* silent this long: gone */
/*
 * The adapter's thread repeats the last heartbeat while the loop is held
 * up (bus_beat()), for this long after the loop's last one: a node busy
 * with work stays up for its peers, a loop stuck longer falls silent.
 */
#define HOLD_MS		10000
#define STALL_NS	(1000 * MS)	/* a tick this late: the loop stalled */
#define LINK_STEP_MS	5000		/* per handshake step */

/* A copy shipped to a peer, waiting for its result. */
struct pend {
	struct pend *next, *prev;	/* oldest first */
	uint64_t ref, sid, deadline;
	uint32_t peer;
	struct delivery *dl;
};

struct peer_stats {
	uint64_t msgs_out, msgs_in, delivered, failed, timeouts, late;
	uint64_t batches_out, batches_in, bad;
};

struct peer {
	struct dir_peer *dp;
	struct cw_buf relay;		/* the batch being built */
	struct cw_buf result;		/* results for result_boot */
	uint64_t result_boot;
	char relay_subj[128], result_subj[128], replace_subj[128];
	struct peer_stats st;
};

struct rnats {
	struct route rt;		/* first: rt is rn */
	const struct config *cfg;
	struct metrics *m;
	struct cluster_kernel k;
	char node[CW_NODE_MAX + 1];
	char prefix[64], bucket[64], presence_subj[96];
	uint64_t boot;
	struct bus *bus;
	bool connected;
	struct dir dir;
	struct links *links;
	struct peer *peers;		/* by id - 1 */
	struct kvusers ku;
	struct kvusers_ops kuops;
	struct table pend;		/* ref -> struct pend */
	struct pend oldest;		/* list head */
	uint64_t next_ref;
	struct table local;		/* user -> struct dir_user: logins here */
	uint64_t seq, last_beat, beat_warned;
	uint64_t last_tick;		/* when the timer last ran */
	bool dirty;
	int tfd;
	struct cw_buf buf;		/* presence, replace */
	uint64_t unknown_nodes, duplicates, bad_msgs, late_boot;
};

static struct rnats *RN(struct route *rt)
{
	return (struct rnats *)rt;
}

static void log_peer(const char *event, const struct dir_peer *p,
		     const char *why, bool warn)
{
	struct alog a;

	alog_begin(&a, event);
	a.warn = warn;
	alog_str(&a, "node", p->name);
	if (why)
		alog_str(&a, "why", why);
	alog_end(&a);
}

/* ---- copies waiting for their result ---- */

static const char *code_text(unsigned int code)
{
	switch (code) {
	case CW_RECIPIENT_OFFLINE: return "the recipient went offline";
	case CW_RECIPIENT_UNKNOWN: return "the recipient is not a user there";
	case CW_RATE_LIMITED: return "the recipient is not reading fast enough";
	case CW_MESSAGE_TOO_LARGE: return "the message is too large";
	case CW_NODE_UNREACHABLE: return "the node could not take it";
	default: return "the relay failed there";
	}
}

static void pend_unlink(struct rnats *rn, struct pend *p)
{
	table_del(&rn->pend, p->ref);
	p->prev->next = p->next;
	p->next->prev = p->prev;
}

/* The copy p failed here (timeout, node gone, publish failed). */
static void pend_fail(struct rnats *rn, struct pend *p, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void pend_fail(struct rnats *rn, struct pend *p, const char *fmt, ...)
{
	struct peer *pr = &rn->peers[p->peer - 1];
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pend_unlink(rn, p);
	pr->st.failed++;
	rn->rt.up->done(p->dl, "node_unreachable", msg);
	free(p);
}

/* Every copy waiting on peer fails (it is gone or restarted). */
static void fail_peer(struct rnats *rn, struct dir_peer *dp, const char *why)
{
	struct pend *p, *next;

	for (p = rn->oldest.next; p != &rn->oldest; p = next) {
		next = p->next;
		if (p->peer == dp->id)
			pend_fail(rn, p, "node %s %s", dp->name, why);
	}
}

static void expire(struct rnats *rn, uint64_t now)
{
	struct pend *p;

	while ((p = rn->oldest.next) != &rn->oldest && p->deadline <= now) {
		rn->peers[p->peer - 1].st.timeouts++;
		pend_fail(rn, p, "node %s did not confirm it within %" PRIu32
			  " s", rn->peers[p->peer - 1].dp->name,
			  rn->cfg->cluster_timeout);
	}
}

/* ---- publishing ---- */

static void publish_relay(struct rnats *rn, struct peer *pr)
{
	struct cw_reader r;
	struct cw_head h;
	char from[65], to[65];
	const uint8_t *data;
	uint64_t ref;
	uint32_t n, i;
	size_t len;
	int rc;

	if (!pr->relay.count)
		return;
	rc = cw_end(&pr->relay) ? bus_publish(rn->bus, pr->relay_subj,
					      pr->relay.p, pr->relay.len) :
				  -ENOMEM;
	if (!rc) {
		pr->st.batches_out++;
		cw_buf_reset(&pr->relay);
		return;
	}
	/* not sent: each of its copies fails now */
	if (!pr->relay.oom && !cw_head(pr->relay.p, pr->relay.len, &h, &r) &&
	    !cw_relay_read(&r, &n)) {
		for (i = 0; i < n; i++) {
			struct pend *p;

			if (cw_relay_next(&r, &ref, from, to, &data, &len))
				break;
			p = table_get(&rn->pend, ref);
			if (p)
				pend_fail(rn, p, "cannot send to node %s: %s",
					  pr->dp->name, strerror(-rc));
		}
	}
	cw_buf_reset(&pr->relay);
}

static void publish_result(struct rnats *rn, struct peer *pr)
{
	if (!pr->result.count)
		return;
	/* lost results make the sender time out: nothing else to do */
	if (cw_end(&pr->result))
		bus_publish(rn->bus, pr->result_subj, pr->result.p,
			    pr->result.len);
	cw_buf_reset(&pr->result);
}

static void flush(struct route *rt)
{
	struct rnats *rn = RN(rt);
	size_t i;

	for (i = 0; i < rn->dir.n; i++) {
		publish_relay(rn, &rn->peers[i]);
		publish_result(rn, &rn->peers[i]);
	}
}

/* The heartbeat: this node's users and their logins here. */
static void beat(struct rnats *rn, uint64_t now, uint8_t flags)
{
	struct tent *e;
	size_t i;
	int rc;

	cw_presence_begin(&rn->buf, rn->node, rn->boot, ++rn->seq, flags);
	for (e = table_first(&rn->local, &i); e;
	     e = table_next(&rn->local, e, &i)) {
		const struct dir_user *u = e->val;

		cw_presence_add(&rn->buf, u->name, u->n);
	}
	if (!cw_end(&rn->buf)) {
		rc = -ENOMEM;
	} else if (flags & CW_F_LEAVING) {
		/* the last one: no repeat may follow it */
		bus_beat_stop(rn->bus);
		rc = bus_publish(rn->bus, rn->presence_subj, rn->buf.p,
				 rn->buf.len);
	} else {
		rc = bus_beat(rn->bus, rn->presence_subj, rn->buf.p,
			      rn->buf.len, BEAT_NS / MS, HOLD_MS);
	}
	if (rc && rn->connected && now - rn->beat_warned > 10 * BEAT_NS) {
		struct alog a;

		/* too many users for the servers' max_payload, most likely:
		 * the peers will take this node for gone */
		rn->beat_warned = now;
		alog_begin(&a, "heartbeat_failed");
		a.warn = true;
		alog_u64(&a, "bytes", rn->buf.len);
		alog_str(&a, "error", bus_errmsg(rn->bus));
		alog_end(&a);
	}
	rn->last_beat = now;
	rn->dirty = false;
}

/* ---- route ops ---- */

static void announce(struct route *rt, const char *user, unsigned int n)
{
	struct rnats *rn = RN(rt);
	struct dir_user *u = table_get_str(&rn->local, user);
	size_t len = strlen(user);

	rn->dirty = true;
	if (!n) {
		free(table_del_str(&rn->local, user));
		return;
	}
	if (!u) {
		u = malloc(sizeof(*u) + len + 1);
		if (!u)
			return;	/* the next heartbeat lacks it; logged nowhere */
		memcpy(u->name, user, len + 1);
		if (table_put_str(&rn->local, u->name, u)) {
			free(u);
			return;
		}
	}
	u->n = n;
}

static unsigned int logins(struct route *rt, const char *user)
{
	return dir_logins(&RN(rt)->dir, user);
}

static void users(struct route *rt, void (*fn)(void *arg, const char *user),
		  void *arg)
{
	dir_users(&RN(rt)->dir, fn, arg);
}

static unsigned int dests(struct route *rt, const char *user,
			  struct route_dest *d, unsigned int max)
{
	struct rnats *rn = RN(rt);
	struct dir_peer *v[8];
	unsigned int n, i;

	if (max > 8)
		max = 8;
	n = dir_nodes(&rn->dir, user, v, max);
	for (i = 0; i < n; i++) {
		d[i].node = v[i]->id;
		/* 0 while the link is not up: the router fails that copy */
		d[i].session = links_out(rn->links, v[i]);
	}
	return n;
}

static int ship(struct route *rt, const struct route_dest *d,
		const char *from, const char *to, const uint8_t *sealed,
		size_t len, struct delivery *dl)
{
	struct rnats *rn = RN(rt);
	struct peer *pr;
	struct pend *p;
	size_t item = cw_relay_item_size(from, to, len);

	if (!d->node || d->node > rn->dir.n)
		return -EINVAL;
	pr = &rn->peers[d->node - 1];
	if (!rn->connected)
		return -ENOTCONN;
	if (pr->relay.count && pr->relay.len + item > CW_BATCH_MAX)
		publish_relay(rn, pr);
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->ref = ++rn->next_ref;
	if (table_put(&rn->pend, p->ref, p)) {
		free(p);
		return -ENOMEM;
	}
	if (!pr->relay.count)
		cw_relay_begin(&pr->relay, rn->node, rn->boot);
	cw_relay_add(&pr->relay, p->ref, from, to, sealed, len);
	p->peer = d->node;
	p->sid = d->session;
	p->dl = dl;
	p->deadline = now_ns() + (uint64_t)rn->cfg->cluster_timeout * 1000 * MS;
	p->prev = rn->oldest.prev;
	p->next = &rn->oldest;
	rn->oldest.prev->next = p;
	rn->oldest.prev = p;
	pr->st.msgs_out++;
	return 0;
}

static void result(struct route *rt, const struct route_origin *o,
		   const char *code)
{
	struct rnats *rn = RN(rt);
	struct peer *pr;

	if (!o->node || o->node > rn->dir.n)
		return;
	pr = &rn->peers[o->node - 1];
	if (pr->result.count &&
	    (pr->result_boot != o->boot ||
	     pr->result.len + CW_RESULT_ITEM_SIZE > CW_BATCH_MAX))
		publish_result(rn, pr);
	if (!pr->result.count) {
		cw_result_begin(&pr->result, rn->node, rn->boot, o->boot);
		pr->result_boot = o->boot;
	}
	cw_result_add(&pr->result, o->ref, code ? cw_code_of(code) :
		      CW_DELIVERED);
}

static void replace(struct route *rt, const char *user, unsigned int n)
{
	struct rnats *rn = RN(rt);
	struct dir_peer *v[8];
	unsigned int k, i, has;

	k = dir_nodes(&rn->dir, user, v, 8);
	for (i = 0; i < k && n; i++) {
		has = dir_peer_logins(v[i], user);
		if (!has)
			continue;
		if (has > n)
			has = n;
		cw_replace(&rn->buf, rn->node, rn->boot, user, has);
		if (cw_end(&rn->buf))
			bus_publish(rn->bus, rn->peers[v[i]->id - 1].replace_subj,
				    rn->buf.p, rn->buf.len);
		n -= has;
	}
}

static void user_added(struct route *rt, const char *user,
		       const uint8_t pub[SECMSG_X25519_LEN])
{
	struct rnats *rn = RN(rt);
	char key[KVUSERS_KEY_MAX + 1], subj[KVUSERS_KEY_MAX + 80];
	char val[SECMSG_B64_LEN(SECMSG_X25519_LEN)];

	/* a publish on the bucket's subject is a put, stored by JetStream */
	if (kvusers_key(user, key, sizeof(key)))
		return;
	kvusers_value(pub, val);
	snprintf(subj, sizeof(subj), "$KV.%s.%s", rn->bucket, key);
	bus_publish(rn->bus, subj, val, strlen(val));
}

/* ---- metrics ---- */

struct text {
	char *p;
	size_t len, cap;
	bool oom;
};

static void add(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		if (t->oom)
			return;
		va_start(ap, fmt);
		n = vsnprintf(t->p ? t->p + t->len : NULL,
			      t->p ? t->cap - t->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->oom = true;
			return;
		}
		if (t->p && t->len + (size_t)n < t->cap) {
			t->len += (size_t)n;
			return;
		}
		t->cap = (t->cap + (size_t)n + 1) * 2;
		t->p = realloc(t->p, t->cap);
		if (!t->p)
			t->oom = true;
	}
}

static const struct {
	const char *name, *type, *help;
} series[] = {
	{ "secmsgd_cluster_peer_up", "gauge",
	  "1 while the peer node's heartbeats come" },
	{ "secmsgd_cluster_peer_link_up", "gauge",
	  "1 while this node's link to the peer is up" },
	{ "secmsgd_cluster_peer_heartbeat_age_seconds", "gauge",
	  "time since the peer's last heartbeat" },
	{ "secmsgd_cluster_peer_logins", "gauge",
	  "logins on the peer, from its last heartbeat" },
	{ "secmsgd_cluster_peer_messages_out_total", "counter",
	  "copies shipped to the peer" },
	{ "secmsgd_cluster_peer_messages_in_total", "counter",
	  "messages received from the peer" },
	{ "secmsgd_cluster_peer_delivered_total", "counter",
	  "copies the peer confirmed delivered" },
	{ "secmsgd_cluster_peer_failures_total", "counter",
	  "copies to the peer that failed (any code)" },
	{ "secmsgd_cluster_peer_timeouts_total", "counter",
	  "copies the peer did not confirm within cluster_timeout" },
	{ "secmsgd_cluster_peer_late_results_total", "counter",
	  "results after their copy had timed out (ignored)" },
	{ "secmsgd_cluster_peer_handshakes_total", "counter",
	  "links to the peer made" },
	{ "secmsgd_cluster_peer_handshake_failures_total", "counter",
	  "link handshakes to the peer that failed" },
};

static char *metrics(struct route *rt)
{
	struct rnats *rn = RN(rt);
	struct text t = { 0 };
	struct bus_stats bs;
	uint64_t now = now_ns();
	size_t s, i;

	for (s = 0; s < sizeof(series) / sizeof(series[0]); s++) {
		add(&t, "# HELP %s %s\n# TYPE %s %s\n", series[s].name,
		    series[s].help, series[s].name, series[s].type);
		for (i = 0; i < rn->dir.n; i++) {
			struct peer *pr = &rn->peers[i];
			struct dir_peer *p = pr->dp;
			struct link_stats ls;
			double v;

			links_stats(rn->links, p, &ls);
			switch (s) {
			case 0: v = p->up; break;
			case 1: v = ls.state == LINK_UP; break;
			case 2: v = p->last_ns ? (double)(now - p->last_ns) *
				    1e-9 : -1; break;
			case 3: v = p->logins; break;
			case 4: v = (double)pr->st.msgs_out; break;
			case 5: v = (double)pr->st.msgs_in; break;
			case 6: v = (double)pr->st.delivered; break;
			case 7: v = (double)pr->st.failed; break;
			case 8: v = (double)pr->st.timeouts; break;
			case 9: v = (double)pr->st.late; break;
			case 10: v = (double)ls.handshakes; break;
			default: v = (double)ls.failures; break;
			}
			add(&t, "%s{peer=\"%s\"} %.17g\n", series[s].name,
			    p->name, v);
		}
	}
	bus_stats(rn->bus, &bs);
	add(&t, "# HELP secmsgd_cluster_nats_connected 1 while connected to "
	    "a NATS server\n# TYPE secmsgd_cluster_nats_connected gauge\n"
	    "secmsgd_cluster_nats_connected %d\n", rn->connected);
	add(&t, "# HELP secmsgd_cluster_nats_reconnects_total reconnections "
	    "to NATS\n# TYPE secmsgd_cluster_nats_reconnects_total counter\n"
	    "secmsgd_cluster_nats_reconnects_total %" PRIu64 "\n",
	    bs.reconnects);
	add(&t, "# HELP secmsgd_cluster_pending copies waiting for another "
	    "node's result\n# TYPE secmsgd_cluster_pending gauge\n"
	    "secmsgd_cluster_pending %zu\n", rn->pend.n);
	if (t.oom) {
		free(t.p);
		return NULL;
	}
	return t.p;
}

/* ---- what arrives ---- */

static struct peer *peer_of(struct rnats *rn, const struct cw_head *h)
{
	struct dir_peer *p = dir_peer(&rn->dir, h->node);

	if (!p) {
		if (!rn->unknown_nodes++) {
			struct alog a;

			alog_begin(&a, "cluster_unknown_node");
			a.warn = true;
			alog_str(&a, "node", h->node);
			alog_end(&a);
		}
		return NULL;
	}
	return &rn->peers[p->id - 1];
}

static void gone(void *arg, struct dir_peer *p)
{
	struct rnats *rn = arg;

	links_peer_gone(rn->links, p);
	fail_peer(rn, p, "is gone");
	log_peer("node_gone", p, "no heartbeat for 3 s", true);
}

static void on_presence(void *arg, const struct bus_msg *m)
{
	struct rnats *rn = arg;
	char user[SECMSG_USER_ID_MAX + 1];
	struct dir_snap snap;
	struct cw_reader r;
	struct cw_head h;
	struct peer *pr;
	unsigned int n;
	uint64_t seq;
	uint8_t flags;
	uint32_t k, i;
	enum dir_apply res;

	if (cw_head(m->data, m->len, &h, &r) || h.type != CW_PRESENCE ||
	    cw_presence_read(&r, &seq, &flags, &k)) {
		rn->bad_msgs++;
		return;
	}
	if (!strcmp(h.node, rn->node)) {
		if (h.boot != rn->boot && !rn->duplicates++) {
			struct alog a;

			alog_begin(&a, "cluster_duplicate_node");
			a.warn = true;
			alog_str(&a, "node", rn->node);
			alog_str(&a, "why", "another process sends heartbeats "
				 "as this node");
			alog_end(&a);
		}
		return;
	}
	pr = peer_of(rn, &h);
	if (!pr)
		return;
	if (flags & CW_F_LEAVING) {
		if (pr->dp->up && pr->dp->boot == h.boot) {
			dir_gone(&rn->dir, pr->dp);
			links_peer_gone(rn->links, pr->dp);
			fail_peer(rn, pr->dp, "is shutting down");
			log_peer("node_gone", pr->dp, "shutting down", false);
		}
		return;
	}
	dir_snap_init(&snap);
	for (i = 0; i < k; i++) {
		if (cw_presence_next(&r, user, &n) ||
		    dir_snap_add(&snap, user, n))
			break;
	}
	if (i < k || cw_done(&r) || snap.oom) {
		dir_snap_free(&snap);
		pr->st.bad++;
		return;
	}
	res = dir_apply(&rn->dir, pr->dp, h.boot, seq, &snap, now_ns());
	if (res == DIR_RESTARTED)
		fail_peer(rn, pr->dp, "restarted");
	if (res == DIR_CAME_UP || res == DIR_RESTARTED) {
		log_peer("node_up", pr->dp, res == DIR_RESTARTED ?
			 "restarted" : NULL, false);
		links_peer_up(rn->links, pr->dp, res == DIR_RESTARTED,
			      now_ns());
	}
}

static void on_relay(void *arg, const struct bus_msg *m)
{
	struct rnats *rn = arg;
	char from[SECMSG_USER_ID_MAX + 1], to[SECMSG_USER_ID_MAX + 1];
	struct route_origin o;
	struct cw_reader r;
	struct cw_head h;
	const uint8_t *data;
	struct peer *pr;
	uint64_t sid;
	uint32_t n, i;
	size_t len;

	if (cw_head(m->data, m->len, &h, &r) || h.type != CW_RELAY ||
	    cw_relay_read(&r, &n)) {
		rn->bad_msgs++;
		return;
	}
	pr = peer_of(rn, &h);
	if (!pr)
		return;
	pr->st.batches_in++;
	sid = links_in(rn->links, pr->dp, h.boot);
	o = (struct route_origin){ .node = pr->dp->id, .boot = h.boot };
	for (i = 0; i < n; i++) {
		if (cw_relay_next(&r, &o.ref, from, to, &data, &len)) {
			/* the rest is lost: the sender times them out */
			pr->st.bad++;
			return;
		}
		pr->st.msgs_in++;
		if (!sid)
			result(&rn->rt, &o, "node_unreachable");
		else
			rn->rt.up->inbound(&o, sid, from, to, data, len);
	}
	if (cw_done(&r))
		pr->st.bad++;
}

static void on_result(void *arg, const struct bus_msg *m)
{
	struct rnats *rn = arg;
	struct cw_reader r;
	struct cw_head h;
	struct peer *pr;
	struct pend *p;
	unsigned int code;
	char msg[200];
	uint64_t to_boot, ref;
	uint32_t n, i;

	if (cw_head(m->data, m->len, &h, &r) || h.type != CW_RESULT ||
	    cw_result_read(&r, &to_boot, &n)) {
		rn->bad_msgs++;
		return;
	}
	pr = peer_of(rn, &h);
	if (!pr)
		return;
	if (to_boot != rn->boot) {
		rn->late_boot++;	/* for a process before this one */
		return;
	}
	for (i = 0; i < n; i++) {
		if (cw_result_next(&r, &ref, &code)) {
			pr->st.bad++;
			return;
		}
		p = table_get(&rn->pend, ref);
		if (!p || p->peer != pr->dp->id) {
			pr->st.late++;
			continue;
		}
		pend_unlink(rn, p);
		if (code == CW_DELIVERED) {
			pr->st.delivered++;
			rn->rt.up->done(p->dl, NULL, NULL);
		} else {
			pr->st.failed++;
			if (code == CW_NODE_UNREACHABLE)
				links_broken(rn->links, pr->dp, p->sid,
					     now_ns());
			snprintf(msg, sizeof(msg), "on node %s: %s",
				 pr->dp->name, code_text(code));
			rn->rt.up->done(p->dl, cw_code_name(code), msg);
		}
		free(p);
	}
}

static void on_replace(void *arg, const struct bus_msg *m)
{
	struct rnats *rn = arg;
	char user[SECMSG_USER_ID_MAX + 1];
	struct cw_reader r;
	struct cw_head h;
	unsigned int n;

	if (cw_head(m->data, m->len, &h, &r) || h.type != CW_REPLACE ||
	    cw_replace_read(&r, user, &n) || cw_done(&r) ||
	    !peer_of(rn, &h)) {
		rn->bad_msgs++;
		return;
	}
	rn->rt.up->replace(user, n);
}

static void on_state(void *arg, enum bus_state st, const char *text)
{
	struct rnats *rn = arg;
	static const char *const names[] = {
		[BUS_CONNECTED] = "nats_connected",
		[BUS_DISCONNECTED] = "nats_disconnected",
		[BUS_RECONNECTED] = "nats_reconnected",
		[BUS_CLOSED] = "nats_closed",
		[BUS_ERROR] = "nats_error",
	};
	struct alog a;

	alog_begin(&a, names[st]);
	a.warn = st != BUS_CONNECTED && st != BUS_RECONNECTED;
	if (text && *text)
		alog_str(&a, st == BUS_ERROR ? "error" : "server", text);
	alog_end(&a);
	if (st == BUS_CONNECTED || st == BUS_RECONNECTED) {
		rn->connected = true;
		/* be seen at once */
		beat(rn, now_ns(), 0);
	} else if (st == BUS_DISCONNECTED || st == BUS_CLOSED) {
		rn->connected = false;
	}
}

static void on_link(void *arg, struct dir_peer *p, bool up, const char *why)
{
	(void)arg;
	log_peer(up ? "link_up" : "link_down", p, why, !up);
}

/* ---- the users registry ---- */

static void ku_revoke(void *arg, const char *user)
{
	struct rnats *rn = arg;

	rn->rt.up->revoke(user);
}

static void ku_log(void *arg, const char *event, const char *user, int rc)
{
	struct rnats *rn = arg;

	alog_user(event, user, rc, rn->k.errmsg ? rn->k.errmsg() : NULL);
}

static int ku_get(void *arg, const char *user, uint8_t pub[32])
{
	struct rnats *rn = arg;

	return rn->k.user_get(user, pub);
}

static int ku_add(void *arg, const char *user, const uint8_t pub[32])
{
	struct rnats *rn = arg;

	return rn->k.user_add(user, pub);
}

static int ku_del(void *arg, const char *user)
{
	struct rnats *rn = arg;

	return rn->k.user_del(user);
}

/* ---- the timer ---- */

static void tick(void *arg)
{
	struct rnats *rn = arg;
	uint64_t now, ticks;

	if (read(rn->tfd, &ticks, sizeof(ticks)) < 0) {
		/* EAGAIN: called without a tick */
	}
	/* heartbeats that are queued count before anyone is declared gone */
	bus_dispatch(rn->bus);
	now = now_ns();
	/*
	 * The heartbeats come from this loop, repeated by the bus while it
	 * is held up, for HOLD_MS: past that, the peers take the node for
	 * gone GONE_NS later.  Say so well before.
	 */
	if (rn->last_tick && now - rn->last_tick >= STALL_NS) {
		struct alog a;

		alog_begin(&a, "loop_stall");
		a.warn = true;
		alog_u64(&a, "ms", (now - rn->last_tick) / MS);
		alog_end(&a);
	}
	rn->last_tick = now;
	dir_expire(&rn->dir, now, GONE_NS, gone, rn);
	links_tick(rn->links, now);
	expire(rn, now);
	if (now - rn->last_beat >= BEAT_NS ||
	    (rn->dirty && now - rn->last_beat >= SOON_NS))
		beat(rn, now, 0);
	flush(&rn->rt);
}

static void dispatch(void *arg)
{
	struct rnats *rn = arg;

	bus_dispatch(rn->bus);
}

int route_nats_adopt(struct route *rt,
		     int (*adopt)(int fd, void (*fn)(void *arg), void *arg))
{
	struct rnats *rn = RN(rt);
	int rc = adopt(bus_fd(rn->bus), dispatch, rn);

	return rc ? rc : adopt(rn->tfd, tick, rn);
}

/* ---- life ---- */

static void destroy(struct route *rt)
{
	struct rnats *rn = RN(rt);
	struct pend *p;
	struct tent *e;
	size_t i;

	if (!rn)
		return;
	if (rn->bus) {
		/* tell the others at once, rather than in 3 s */
		flush(rt);
		beat(rn, now_ns(), CW_F_LEAVING);
		if (rn->connected)
			bus_flush(rn->bus, 1000);
		bus_close(rn->bus);
	}
	/* each copy still waiting ends here: its delivery is told */
	while ((p = rn->oldest.next) && p != &rn->oldest) {
		pend_unlink(rn, p);
		if (rn->rt.up)
			rn->rt.up->done(p->dl, "node_unreachable",
					"this node is shutting down");
		free(p);
	}
	links_exit(rn->links);
	kvusers_exit(&rn->ku);
	for (i = 0; rn->peers && i < rn->dir.n; i++) {
		cw_buf_free(&rn->peers[i].relay);
		cw_buf_free(&rn->peers[i].result);
	}
	free(rn->peers);
	dir_exit(&rn->dir);
	for (e = table_first(&rn->local, &i); e;
	     e = table_next(&rn->local, e, &i))
		free(e->val);
	table_free(&rn->local);
	table_free(&rn->pend);
	cw_buf_free(&rn->buf);
	if (rn->tfd >= 0)
		close(rn->tfd);
	free(rn);
}

static const struct route_ops nats_ops = {
	.announce = announce,
	.logins = logins,
	.users = users,
	.dests = dests,
	.ship = ship,
	.result = result,
	.replace = replace,
	.user_added = user_added,
	.flush = flush,
	.metrics = metrics,
	.destroy = destroy,
};

const char *route_nats_default_key(char *buf, size_t len)
{
	const char *dir = getenv("STATE_DIRECTORY");

	snprintf(buf, len, "%s/node.key", dir && *dir && !strchr(dir, ':') ?
		 dir : "/var/lib/secmsg");
	return buf;
}

/* The peers file -> the directory and the kernel's node registry. */
static int load_peers(struct rnats *rn, char *err, size_t errlen)
{
	struct user_entry *v = NULL;
	const char **names = NULL;
	uint8_t (*pubs)[SECMSG_X25519_LEN] = NULL;
	size_t n = 0, i, k = 0;
	uint8_t *text;
	size_t len;
	int rc;

	rc = file_read(rn->cfg->peers, 1 << 20, &text, &len);
	if (rc) {
		snprintf(err, errlen, "peers %s: %s", rn->cfg->peers,
			 strerror(-rc));
		return rc;
	}
	rc = users_parse((const char *)text, len, rn->cfg->peers, &v, &n, err,
			 errlen);
	file_free(text, len);
	if (rc)
		return rc;
	names = calloc(n + 1, sizeof(*names));
	pubs = calloc(n + 1, sizeof(*pubs));
	if (!names || !pubs) {
		rc = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (!config_name_valid(v[i].user)) {
			snprintf(err, errlen, "%s: '%s' is not a node name (1 to "
				 "%d of A-Z a-z 0-9 _ -)", rn->cfg->peers,
				 v[i].user, CONFIG_NODE_MAX);
			rc = -EINVAL;
			goto out;
		}
		if (!strcmp(v[i].user, rn->node))
			continue;	/* this node: one file for all */
		names[k] = v[i].user;
		memcpy(pubs[k], v[i].pub, SECMSG_X25519_LEN);
		k++;
	}
	rc = dir_init(&rn->dir, names, k, NULL, NULL);
	if (!rc)
		rc = rn->k.node_registry(names, (const uint8_t (*)[32])pubs, k);
	if (rc)
		snprintf(err, errlen, "the node registry: %s%s%s",
			 strerror(-rc), rn->k.errmsg && *rn->k.errmsg() ?
			 ": " : "", rn->k.errmsg ? rn->k.errmsg() : "");
out:
	free(names);
	free(pubs);
	if (v)
		explicit_bzero(v, n * sizeof(*v));
	free(v);
	return rc;
}

static void on_dir_presence(void *arg, const char *user, bool online)
{
	struct rnats *rn = arg;

	rn->rt.up->presence(user, online);
}

struct route *route_nats_new(const struct config *cfg, struct metrics *m,
			     const struct cluster_kernel *k, char *err,
			     size_t errlen)
{
	struct rnats *rn = calloc(1, sizeof(*rn));
	struct itimerspec its = {
		.it_interval = { .tv_nsec = TICK_MS * 1000000L },
		.it_value = { .tv_nsec = TICK_MS * 1000000L },
	};
	uint8_t pub[SECMSG_X25519_LEN];
	char keybuf[300], subj[160];
	const char *cname = cfg->cluster_name ? cfg->cluster_name : "secmsg";
	const char *key = cfg->node_key;
	struct bus_opts bo = { .servers = cfg->cluster, .name = cfg->node,
			       .retry = true, .state = on_state };
	struct links_env le = { 0 };
	size_t i;
	int rc;

	if (!rn) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	rn->rt.ops = &nats_ops;
	rn->cfg = cfg;
	rn->m = m;
	rn->k = *k;
	rn->tfd = -1;
	rn->oldest.next = rn->oldest.prev = &rn->oldest;
	snprintf(rn->node, sizeof(rn->node), "%s", cfg->node);
	snprintf(rn->prefix, sizeof(rn->prefix), "secmsg.%s", cname);
	snprintf(rn->bucket, sizeof(rn->bucket), "%s_users", cname);
	snprintf(rn->presence_subj, sizeof(rn->presence_subj), "%s.presence",
		 rn->prefix);
	if (getrandom(&rn->boot, sizeof(rn->boot), 0) != sizeof(rn->boot) ||
	    !rn->boot) {
		snprintf(err, errlen, "getrandom: %s", strerror(errno));
		goto fail;
	}
	if (!key)
		key = route_nats_default_key(keybuf, sizeof(keybuf));
	rc = k->node_identity(key, pub);
	if (rc) {
		snprintf(err, errlen, "node_key %s: %s%s%s", key, strerror(-rc),
			 k->errmsg && *k->errmsg() ? ": " : "",
			 k->errmsg ? k->errmsg() : "");
		goto fail;
	}
	if (load_peers(rn, err, errlen))
		goto fail;
	rn->dir.presence = on_dir_presence;
	rn->dir.arg = rn;
	rn->peers = calloc(rn->dir.n + 1, sizeof(*rn->peers));
	if (!rn->peers) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (i = 0; i < rn->dir.n; i++) {
		struct peer *pr = &rn->peers[i];

		pr->dp = &rn->dir.peers[i];
		snprintf(pr->relay_subj, sizeof(pr->relay_subj), "%s.relay.%s",
			 rn->prefix, pr->dp->name);
		snprintf(pr->result_subj, sizeof(pr->result_subj),
			 "%s.result.%s", rn->prefix, pr->dp->name);
		snprintf(pr->replace_subj, sizeof(pr->replace_subj),
			 "%s.replace.%s", rn->prefix, pr->dp->name);
	}
	rn->kuops = (struct kvusers_ops){ .get = ku_get, .add = ku_add,
					  .del = ku_del, .revoke = ku_revoke,
					  .log = ku_log };
	kvusers_init(&rn->ku, &rn->kuops, rn);
	rn->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (rn->tfd < 0 || timerfd_settime(rn->tfd, 0, &its, NULL)) {
		snprintf(err, errlen, "timerfd: %s", strerror(errno));
		goto fail;
	}
	bo.arg = rn;
	rc = bus_open(&rn->bus, &bo, err, errlen);
	if (rc)
		goto fail;
	le = (struct links_env){
		.bus = rn->bus, .k = k->link, .kctx = k->link_ctx,
		.node = rn->node, .boot = rn->boot, .prefix = rn->prefix,
		.timeout_ms = LINK_STEP_MS, .changed = on_link, .arg = rn,
	};
	rc = links_init(&rn->links, &le, &rn->dir);
	if (!rc)
		rc = links_listen(rn->links);
#define SUB(suffix, fn) (snprintf(subj, sizeof(subj), "%s." suffix, \
				  rn->prefix, rn->node), \
			 bus_subscribe(rn->bus, subj, fn, rn))
	if (!rc)
		rc = bus_subscribe(rn->bus, rn->presence_subj, on_presence, rn);
	if (!rc)
		rc = SUB("relay.%s", on_relay);
	if (!rc)
		rc = SUB("result.%s", on_result);
	if (!rc)
		rc = SUB("replace.%s", on_replace);
#undef SUB
	if (!rc)
		rc = bus_kv_watch(rn->bus, rn->bucket, BUS_KV_REPLICAS_AUTO,
				  kvusers_event, &rn->ku);
	if (rc) {
		snprintf(err, errlen, "NATS: %s", bus_errmsg(rn->bus));
		goto fail;
	}
	return &rn->rt;
fail:
	destroy(&rn->rt);
	return NULL;
}
