// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Message relay through kernel RESEAL batches (see relay.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "kernel.h"
#include "relay.h"

/*
 * A message goes to every login of its recipient (config_check() keeps
 * max_user_connections within this): a RESEAL and a RESEAL_ALSO per
 * further login, all in one batch.
 */
#define MAX_COPIES	SECMSGD_MAX_LOGINS
_Static_assert(MAX_COPIES >= 1 && MAX_COPIES <= SECMSG_BATCH_MAX_OPS,
	       "one message's copies must fit in one batch");

/* Why a message (or one copy of it) cannot go: a failure code and words. */
struct why {
	const char *code;		/* NULL: it can */
	char msg[160];
};

/* Messages waiting for the end of the loop iteration. */
struct slot {
	uint64_t sender_cid, msg_id, t0;
	char from[SECMSG_USER_ID_MAX + 1];
	uint8_t *data;			/* sealed message: kernel ops */
	size_t len;
	uint64_t from_session;
	unsigned int ncopies;
	uint64_t recip_cid[MAX_COPIES], to_session[MAX_COPIES];
	struct why why;			/* decided failure */
};

/* Flush before this many slots even without kernel ops (floods). */
#define MAX_SLOTS	1024

static struct slot *slots;
static size_t nslots, cap, nops, bytes;

size_t relay_pending(void)
{
	return nslots;
}

static struct slot *slot_new(void)
{
	struct slot *s;

	if (nslots == cap) {
		size_t ncap = cap ? 2 * cap : 64;
		struct slot *p = realloc(slots, ncap * sizeof(*p));

		if (!p)
			return NULL;
		slots = p;
		cap = ncap;
	}
	s = &slots[nslots++];
	memset(s, 0, sizeof(*s));
	return s;
}

static void log_rate_limited(struct conn *c)
{
	uint64_t now = now_ns();
	struct alog a;

	/* one line per connection per second at most */
	if (c->rl_logged && now - c->rl_logged < 1000000000ULL)
		return;
	c->rl_logged = now;
	alog_begin(&a, "rate_limited");
	a.warn = true;
	alog_u64(&a, "conn", c->cid);
	alog_str(&a, "user", c->user_name);
	alog_end(&a);
}

static void fail(struct why *w, const char *code, const char *fmt,
		 const char *arg)
{
	w->code = code;
	snprintf(w->msg, sizeof(w->msg), fmt, arg);
}

/* The logins of u a message goes to (all that keep up), newest first. */
static void add_copies(struct slot *s, const struct user *u)
{
	const struct conn *r;

	for (r = u->conns; r && s->ncopies < MAX_COPIES; r = r->unext) {
		if (r->qbytes > D.cfg.max_queue || !r->session)
			continue;
		s->recip_cid[s->ncopies] = r->cid;
		s->to_session[s->ncopies] = r->session;
		s->ncopies++;
	}
}

void relay_message(struct conn *c, struct frame *f, uint64_t t0)
{
	struct user *u = f->to_valid ? table_get_str(&D.users, f->to) : NULL;
	size_t copies = u && u->nconns ? u->nconns : 1;
	struct slot *s;
	int rc;

	/* room in the batch for every copy, or for one more slot */
	if (copies > MAX_COPIES)
		copies = MAX_COPIES;
	if ((f->data && (nops + copies > SECMSG_BATCH_MAX_OPS ||
			 bytes + copies * f->data_len > SECMSG_BATCH_MAX_BYTES)) ||
	    nslots >= MAX_SLOTS) {
		relay_flush();
		/* results may have taken users offline: look again */
		u = f->to_valid ? table_get_str(&D.users, f->to) : NULL;
	}
	s = slot_new();
	if (!s) {
		conn_delivery(c, f->id, "internal", "out of memory");
		return;
	}
	s->sender_cid = c->cid;
	s->msg_id = f->id;
	s->t0 = t0;
	snprintf(s->from, sizeof(s->from), "%s", c->user_name);
	if (f->too_large) {
		fail(&s->why, "message_too_large",
		     "a sealed message is at most %s bytes", "65368");
	} else if (!bucket_take2(&c->bucket, c->user ? &c->user->bucket : NULL,
				 now_ns())) {
		log_rate_limited(c);
		fail(&s->why, "rate_limited", "%s", "too many messages: slow down");
	} else if (!f->to_valid) {
		fail(&s->why, "recipient_unknown", "%s", "no such user");
	} else if (!u) {
		rc = kern_user_exists(f->to);
		if (rc == -ENOENT)
			fail(&s->why, "recipient_unknown", "%s is not a user", f->to);
		else
			fail(&s->why, "recipient_offline", "%s is not online", f->to);
	} else {
		add_copies(s, u);
		if (!s->ncopies) {
			fail(&s->why, "rate_limited",
			     "%s is not reading fast enough: slow down", f->to);
		} else {
			s->from_session = c->session;
			s->data = f->data;
			s->len = f->data_len;
			f->data = NULL;
			f->data_len = 0;
			nops += s->ncopies;
			bytes += s->ncopies * s->len;
		}
	}
}

static const char *bad_message_text(int status)
{
	switch (status) {
	case EBADMSG: return "the kernel refused the sealed message: authentication failed";
	case EALREADY: return "the kernel refused the sealed message: replayed";
	case ESTALE: return "the kernel refused the sealed message: behind the replay window";
	case EKEYEXPIRED: return "the kernel refused the sealed message: expired epoch";
	case EKEYREJECTED: return "the kernel refused the sealed message: epoch not reached";
	case EPROTO: return "the kernel refused the sealed message: bad header";
	default: return "the kernel refused the sealed message: malformed";
	}
}

/* Why the copy for r with kernel result res cannot go (w->code), if so. */
static void result(struct why *w, const struct conn *r,
		   const struct secmsg_msg_result *res, int batch_rc)
{
	if (batch_rc) {
		fail(w, "internal", "the relay failed: %s", strerror(-batch_rc));
		return;
	}
	switch (res->status) {
	case 0:
		if (!r || r->state != CS_READY)
			fail(w, "recipient_offline", "%s",
			     "the recipient went offline");
		return;
	case EBADMSG: case EALREADY: case ESTALE: case EKEYEXPIRED:
	case EKEYREJECTED: case EPROTO: case EINVAL:
		fail(w, "bad_message", "%s", bad_message_text(res->status));
		return;
	case EMSGSIZE:
		fail(w, "message_too_large", "%s", "the message is too large");
		return;
	case ENOENT:
	case ENOTCONN:
		if (!r || r->state != CS_READY || !r->session) {
			fail(w, "recipient_offline", "%s",
			     "the recipient went offline");
			return;
		}
		/* the sender's own session is gone */
		__attribute__((fallthrough));
	default:
		fail(w, "internal", "the relay failed: %s",
		     strerror(res->status));
	}
}

/*
 * Copy j of s: queued for its recipient as one copy of delivery d, or
 * why not in s->why (the first reason wins).
 */
static void copy_result(struct slot *s, unsigned int j,
			const struct secmsg_msg_result *res, int batch_rc,
			struct delivery *d)
{
	struct conn *r = conn_by_cid(s->recip_cid[j]);
	struct why why = { .code = NULL };
	size_t len;
	char *text;

	result(&why, r, res, batch_rc);
	if (!why.code) {
		text = proto_message(s->from, res->data, res->len, &len);
		if (text && conn_send_msg(r, text, len, d))
			return;
		fail(&why, "internal", "%s", "out of memory");
	}
	if (!s->why.code)
		s->why = why;
}

void relay_flush(void)
{
	struct secmsg_batch_op *ops = NULL;
	struct secmsg_msg_result *res = NULL;
	size_t i, k = 0, n = nslots, want = nops;
	struct slot *v = slots;
	struct delivery *d;
	unsigned int j;
	struct conn *c;
	int rc = 0;

	if (!n)
		return;
	/* the slots are ours now: results may queue more messages */
	slots = NULL;
	nslots = cap = nops = bytes = 0;
	if (want) {
		ops = calloc(want, sizeof(*ops));
		res = calloc(want, sizeof(*res));
		if (!ops || !res) {
			rc = -ENOMEM;
		} else {
			for (i = 0; i < n; i++) {
				if (!v[i].data)
					continue;
				/* a RESEAL, then a RESEAL_ALSO per login */
				for (j = 0; j < v[i].ncopies; j++, k++) {
					ops[k].op = j ? SECMSG_MSG_RESEAL_ALSO :
						    SECMSG_MSG_RESEAL;
					ops[k].id = v[i].from_session;
					ops[k].peer_id = v[i].to_session[j];
					ops[k].cookie = i;
					ops[k].data = v[i].data;
					ops[k].len = v[i].len;
				}
			}
			rc = kern_batch(ops, k, res);
			D.m.batches++;
			D.m.batch_ops += k;
		}
	}
	for (i = 0, k = 0; i < n; i++) {
		struct slot *s = &v[i];

		if (s->data) {
			d = delivery_new(s->sender_cid, s->msg_id, s->t0);
			for (j = 0; j < s->ncopies; j++, k++) {
				/* res: views (kern_batch), nothing to free */
				if (d)
					copy_result(s, j, res ? &res[k] : NULL,
						    res ? rc : -ENOMEM, d);
			}
			if (d) {
				/* if no copy was queued, d reports why */
				delivery_put(d, false, s->why.code, s->why.msg,
					     NULL);
				s->why.code = NULL;
			} else {
				fail(&s->why, "internal", "%s", "out of memory");
			}
			explicit_bzero(s->data, s->len);
			free(s->data);
			s->data = NULL;
		}
		if (s->why.code && (c = conn_by_cid(s->sender_cid)))
			conn_delivery(c, s->msg_id, s->why.code, s->why.msg);
	}
	free(ops);
	free(res);
	explicit_bzero(v, n * sizeof(*v));
	free(v);
}
