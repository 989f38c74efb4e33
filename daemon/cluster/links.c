// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Links between nodes and their handshakes (see links.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "links.h"

#define BACKOFF_MAX_NS	(5ULL * 1000000000ULL)

struct link {
	struct links *l;
	struct dir_peer *p;
	/* out: initiated here */
	enum link_state state;
	uint64_t out_sid;		/* LINK_UP */
	uint64_t pend_sid;		/* LINK_MSG1, LINK_MSG3 */
	bool busy;			/* a request in flight */
	bool abandon;			/* ... whose answer is to be ignored */
	uint64_t next_try;
	unsigned int tries;
	/* in: initiated by the peer */
	uint64_t in_sid, in_boot;
	uint64_t in_pend_sid, in_pend_boot;
	struct link_stats st;
};

struct links {
	struct links_env env;
	struct dir *d;
	struct link *v;			/* one per peer, by id - 1 */
	char subject[160];		/* <prefix>.link.<node> */
	struct cw_buf buf;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

const char *link_state_name(enum link_state s)
{
	switch (s) {
	case LINK_DOWN: return "down";
	case LINK_MSG1: return "handshake";
	case LINK_MSG3: return "confirm";
	case LINK_UP: return "up";
	}
	return "?";
}

static struct link *link_of(const struct links *l, const struct dir_peer *p)
{
	return p && p->id >= 1 && p->id <= l->d->n ? &l->v[p->id - 1] : NULL;
}

static void del(struct links *l, uint64_t *sid)
{
	if (*sid)
		l->env.k->del(l->env.kctx, *sid);
	*sid = 0;
}

static void changed(struct link *k, bool up, const char *why)
{
	if (k->l->env.changed)
		k->l->env.changed(k->l->env.arg, k->p, up, why);
}

int links_init(struct links **lp, const struct links_env *env,
	       struct dir *d)
{
	struct links *l = calloc(1, sizeof(*l));
	size_t i;

	*lp = NULL;
	if (!l)
		return -ENOMEM;
	l->env = *env;
	l->d = d;
	l->v = calloc(d->n ? d->n : 1, sizeof(*l->v));
	if (!l->v) {
		free(l);
		return -ENOMEM;
	}
	for (i = 0; i < d->n; i++) {
		l->v[i].l = l;
		l->v[i].p = &d->peers[i];
	}
	snprintf(l->subject, sizeof(l->subject), "%s.link.%s", env->prefix,
		 env->node);
	*lp = l;
	return 0;
}

void links_exit(struct links *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->d->n; i++) {
		struct link *k = &l->v[i];

		del(l, &k->out_sid);
		del(l, &k->pend_sid);
		del(l, &k->in_sid);
		del(l, &k->in_pend_sid);
	}
	cw_buf_free(&l->buf);
	free(l->v);
	free(l);
}

/* ---- out: the initiator ---- */

static void retry_later(struct link *k, const char *why)
{
	uint64_t wait = 1000000000ULL << (k->tries < 3 ? k->tries : 3);

	k->st.failures++;
	k->tries++;
	del(k->l, &k->pend_sid);
	k->state = LINK_DOWN;
	k->next_try = mono_ns() + (wait < BACKOFF_MAX_NS ? wait :
				   BACKOFF_MAX_NS);
	changed(k, false, why);
}

static void on_msg3_reply(void *arg, int status, const struct bus_msg *m);

static int send_step(struct link *k, enum cw_link_step step, uint64_t session,
		     const uint8_t *hs, size_t len,
		     void (*fn)(void *, int, const struct bus_msg *))
{
	struct links *l = k->l;
	char subject[160];
	int rc;

	snprintf(subject, sizeof(subject), "%s.link.%s", l->env.prefix,
		 k->p->name);
	cw_link(&l->buf, l->env.node, l->env.boot, step, session, hs, len,
		NULL);
	if (!cw_end(&l->buf))
		return -ENOMEM;
	rc = bus_request(l->env.bus, subject, l->buf.p, l->buf.len,
			 l->env.timeout_ms, fn, k);
	if (!rc)
		k->busy = true;
	return rc;
}

/*
 * The answer to a request of k: NULL when k was reset meanwhile (then
 * it is cleaned up), or why it failed in *why, or the parsed reply.
 */
static bool take_reply(struct link *k, int status, const struct bus_msg *m,
		       struct cw_link_msg *lm, char *why, size_t whylen)
{
	struct cw_reader r;
	struct cw_head h;

	k->busy = false;
	if (k->abandon) {
		k->abandon = false;
		del(k->l, &k->pend_sid);
		k->state = LINK_DOWN;
		return false;
	}
	if (status) {
		snprintf(why, whylen, "%s", status == -ETIMEDOUT ?
			 "no answer in time" : status == -EHOSTUNREACH ?
			 "the node is not listening" : strerror(-status));
		return true;
	}
	if (cw_head(m->data, m->len, &h, &r) || h.type != CW_LINK ||
	    cw_link_read(&r, lm) || cw_done(&r) ||
	    strcmp(h.node, k->p->name)) {
		snprintf(why, whylen, "a malformed answer");
		return true;
	}
	if (lm->step == CW_LINK_REFUSED) {
		snprintf(why, whylen, "refused: %s", lm->reason);
		return true;
	}
	why[0] = '\0';
	return true;
}

static void on_msg2_reply(void *arg, int status, const struct bus_msg *m)
{
	struct link *k = arg;
	struct links *l = k->l;
	struct cw_link_msg lm;
	uint8_t msg3[KLINK_HS_MAX];
	size_t len3 = sizeof(msg3);
	char why[300];
	int rc;

	if (!take_reply(k, status, m, &lm, why, sizeof(why)))
		return;
	if (!why[0] && lm.step != CW_LINK_MSG2)
		snprintf(why, sizeof(why), "an answer out of step");
	if (why[0]) {
		retry_later(k, why);
		return;
	}
	rc = l->env.k->finish(l->env.kctx, k->pend_sid, lm.hs, lm.hs_len,
			      msg3, &len3);
	if (rc) {
		k->pend_sid = 0;	/* the kernel deleted it */
		snprintf(why, sizeof(why), "message 2 refused by the kernel: %s",
			 *l->env.k->errmsg(l->env.kctx) ?
			 l->env.k->errmsg(l->env.kctx) : strerror(-rc));
		retry_later(k, why);
		return;
	}
	k->state = LINK_MSG3;
	rc = send_step(k, CW_LINK_MSG3, lm.session, msg3, len3,
		       on_msg3_reply);
	explicit_bzero(msg3, sizeof(msg3));
	if (rc)
		retry_later(k, "cannot send message 3");
}

static void on_msg3_reply(void *arg, int status, const struct bus_msg *m)
{
	struct link *k = arg;
	struct cw_link_msg lm;
	char why[300];

	if (!take_reply(k, status, m, &lm, why, sizeof(why)))
		return;
	if (!why[0] && lm.step != CW_LINK_OK)
		snprintf(why, sizeof(why), "an answer out of step");
	if (why[0]) {
		retry_later(k, why);
		return;
	}
	del(k->l, &k->out_sid);
	k->out_sid = k->pend_sid;
	k->pend_sid = 0;
	k->state = LINK_UP;
	k->tries = 0;
	k->st.handshakes++;
	changed(k, true, "handshake");
}

static void start(struct link *k)
{
	struct links *l = k->l;
	uint8_t msg1[KLINK_HS_MAX];
	size_t len = sizeof(msg1);
	char why[300];
	int rc;

	rc = l->env.k->init(l->env.kctx, k->p->name, &k->pend_sid, msg1, &len);
	if (rc) {
		k->pend_sid = 0;
		snprintf(why, sizeof(why), "LINK_INIT: %s",
			 *l->env.k->errmsg(l->env.kctx) ?
			 l->env.k->errmsg(l->env.kctx) : strerror(-rc));
		retry_later(k, why);
		return;
	}
	k->state = LINK_MSG1;
	rc = send_step(k, CW_LINK_MSG1, 0, msg1, len, on_msg2_reply);
	if (rc) {
		snprintf(why, sizeof(why), "cannot send message 1: %s",
			 strerror(-rc));
		retry_later(k, why);
	}
}

void links_tick(struct links *l, uint64_t now_ns)
{
	size_t i;

	for (i = 0; i < l->d->n; i++) {
		struct link *k = &l->v[i];

		if (k->p->up && k->state == LINK_DOWN && !k->busy &&
		    now_ns >= k->next_try)
			start(k);
	}
}

/* Drop the out link (and any handshake in flight). */
static void drop_out(struct link *k, const char *why)
{
	bool was_up = k->state == LINK_UP;

	del(k->l, &k->out_sid);
	if (k->busy)
		k->abandon = true;	/* its answer cleans up */
	else
		del(k->l, &k->pend_sid);
	k->state = LINK_DOWN;
	if (was_up)
		changed(k, false, why);
}

void links_peer_up(struct links *l, struct dir_peer *p, bool restarted,
		   uint64_t now_ns)
{
	struct link *k = link_of(l, p);

	if (!k)
		return;
	if (restarted)
		drop_out(k, "the node restarted");
	if (k->in_sid && k->in_boot != p->boot)
		del(l, &k->in_sid);
	if (k->in_pend_sid && k->in_pend_boot != p->boot)
		del(l, &k->in_pend_sid);
	k->tries = 0;
	k->next_try = now_ns;
	links_tick(l, now_ns);
}

void links_peer_gone(struct links *l, struct dir_peer *p)
{
	struct link *k = link_of(l, p);

	if (!k)
		return;
	drop_out(k, "the node is gone");
	del(l, &k->in_sid);
	del(l, &k->in_pend_sid);
}

void links_broken(struct links *l, struct dir_peer *p, uint64_t sid,
		  uint64_t now_ns)
{
	struct link *k = link_of(l, p);

	if (!k || k->state != LINK_UP || k->out_sid != sid)
		return;
	drop_out(k, "the node does not know the link");
	k->next_try = now_ns;
	links_tick(l, now_ns);
}

uint64_t links_out(const struct links *l, const struct dir_peer *p)
{
	const struct link *k = link_of(l, p);

	return k && k->state == LINK_UP ? k->out_sid : 0;
}

uint64_t links_in(const struct links *l, const struct dir_peer *p,
		  uint64_t boot)
{
	const struct link *k = link_of(l, p);

	return k && k->in_sid && k->in_boot == boot ? k->in_sid : 0;
}

void links_stats(const struct links *l, const struct dir_peer *p,
		 struct link_stats *st)
{
	const struct link *k = link_of(l, p);

	memset(st, 0, sizeof(*st));
	if (!k)
		return;
	*st = k->st;
	st->state = k->state;
	st->out_sid = k->state == LINK_UP ? k->out_sid : 0;
	st->in_sid = k->in_sid;
}

/* ---- in: the responder ---- */

static void answer(struct links *l, const struct bus_msg *m,
		   enum cw_link_step step, uint64_t session, const uint8_t *hs,
		   size_t len, const char *reason)
{
	cw_link(&l->buf, l->env.node, l->env.boot, step, session, hs, len,
		reason);
	if (cw_end(&l->buf))
		bus_respond(l->env.bus, m, l->buf.p, l->buf.len);
}

static void refuse(struct links *l, struct link *k, const struct bus_msg *m,
		   const char *reason)
{
	if (k)
		k->st.refused++;
	answer(l, m, CW_LINK_REFUSED, 0, NULL, 0, reason);
}

static const char *kerr(struct links *l, int rc)
{
	const char *e = l->env.k->errmsg(l->env.kctx);

	return e && *e ? e : strerror(-rc);
}

static void on_msg1(struct links *l, struct link *k, const struct cw_head *h,
		    const struct cw_link_msg *lm, const struct bus_msg *m)
{
	uint8_t msg2[KLINK_HS_MAX];
	size_t len = sizeof(msg2);
	uint64_t sid;
	int rc;

	/* a handshake before it is abandoned */
	del(l, &k->in_pend_sid);
	rc = l->env.k->respond(l->env.kctx, lm->hs, lm->hs_len, &sid, msg2,
			       &len);
	if (rc) {
		refuse(l, k, m, kerr(l, rc));
		return;
	}
	k->in_pend_sid = sid;
	k->in_pend_boot = h->boot;
	answer(l, m, CW_LINK_MSG2, sid, msg2, len, NULL);
	explicit_bzero(msg2, sizeof(msg2));
}

static void on_msg3(struct links *l, struct link *k, const struct cw_head *h,
		    const struct cw_link_msg *lm, const struct bus_msg *m)
{
	char node[SECMSG_USER_ID_MAX + 1];
	uint64_t sid = k->in_pend_sid;
	int rc;

	if (!sid || lm->session != sid || h->boot != k->in_pend_boot) {
		refuse(l, k, m, "no such handshake in progress");
		return;
	}
	k->in_pend_sid = 0;
	rc = l->env.k->confirm(l->env.kctx, sid, lm->hs, lm->hs_len, node);
	if (rc) {
		/* the kernel deleted it */
		refuse(l, k, m, kerr(l, rc));
		return;
	}
	if (strcmp(node, h->node)) {
		del(l, &sid);
		refuse(l, k, m, "the kernel authenticated another node");
		return;
	}
	del(l, &k->in_sid);
	k->in_sid = sid;
	k->in_boot = h->boot;
	k->st.accepted++;
	answer(l, m, CW_LINK_OK, 0, NULL, 0, NULL);
}

static void on_request(void *arg, const struct bus_msg *m)
{
	struct links *l = arg;
	struct cw_link_msg lm;
	struct cw_reader r;
	struct cw_head h;
	struct link *k;

	if (!m->reply[0])
		return;		/* nobody to answer */
	if (cw_head(m->data, m->len, &h, &r) || h.type != CW_LINK ||
	    cw_link_read(&r, &lm) || cw_done(&r)) {
		refuse(l, NULL, m, "malformed");
		return;
	}
	k = link_of(l, dir_peer(l->d, h.node));
	if (!k) {
		refuse(l, NULL, m, "not a peer of this node");
		return;
	}
	switch (lm.step) {
	case CW_LINK_MSG1:
		on_msg1(l, k, &h, &lm, m);
		break;
	case CW_LINK_MSG3:
		on_msg3(l, k, &h, &lm, m);
		break;
	default:
		refuse(l, k, m, "unexpected step");
	}
}

int links_listen(struct links *l)
{
	return bus_subscribe(l->env.bus, l->subject, on_request, l);
}
