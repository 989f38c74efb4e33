// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Message relay through kernel RESEAL batches (see relay.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "kernel.h"
#include "relay.h"

/* Messages waiting for the end of the loop iteration. */
struct slot {
	uint64_t sender_cid, recip_cid, msg_id, t0;
	char from[SECMSG_USER_ID_MAX + 1];
	uint8_t *data;			/* sealed message: a kernel op */
	size_t len;
	uint64_t from_session, to_session;
	const char *code;		/* decided failure, or NULL */
	char msg[160];
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

static void fail(struct slot *s, const char *code, const char *fmt,
		 const char *arg)
{
	s->code = code;
	snprintf(s->msg, sizeof(s->msg), fmt, arg);
}

void relay_message(struct conn *c, struct frame *f, uint64_t t0)
{
	struct conn *r = NULL;
	struct user *u;
	struct slot *s;
	int rc;

	if (f->data && (nops == SECMSG_BATCH_MAX_OPS ||
			bytes + f->data_len > SECMSG_BATCH_MAX_BYTES))
		relay_flush();
	if (nslots >= MAX_SLOTS)
		relay_flush();
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
		fail(s, "message_too_large",
		     "a sealed message is at most %s bytes", "65368");
	} else if (!bucket_take2(&c->bucket, c->user ? &c->user->bucket : NULL,
				 now_ns())) {
		log_rate_limited(c);
		fail(s, "rate_limited", "%s", "too many messages: slow down");
	} else if (!f->to_valid) {
		fail(s, "recipient_unknown", "%s", "no such user");
	} else if (!(u = table_get_str(&D.users, f->to))) {
		rc = kern_user_exists(f->to);
		if (rc == -ENOENT)
			fail(s, "recipient_unknown", "%s is not a user", f->to);
		else
			fail(s, "recipient_offline", "%s is not online", f->to);
	} else {
		/* the newest login of the recipient gets it */
		r = u->conns;
		if (r->qbytes > D.cfg.max_queue) {
			fail(s, "rate_limited",
			     "%s is not reading fast enough: slow down", f->to);
		} else {
			s->recip_cid = r->cid;
			s->from_session = c->session;
			s->to_session = r->session;
			s->data = f->data;
			s->len = f->data_len;
			f->data = NULL;
			f->data_len = 0;
			nops++;
			bytes += s->len;
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

static void result(struct slot *s, const struct secmsg_msg_result *res,
		   int batch_rc)
{
	struct conn *r = conn_by_cid(s->recip_cid);
	size_t len;
	char *text;

	if (batch_rc) {
		s->code = "internal";
		snprintf(s->msg, sizeof(s->msg), "the relay failed: %s",
			 strerror(-batch_rc));
		return;
	}
	switch (res->status) {
	case 0:
		if (!r || r->state != CS_READY) {
			s->code = "recipient_offline";
			snprintf(s->msg, sizeof(s->msg),
				 "the recipient went offline");
			return;
		}
		text = proto_message(s->from, res->data, res->len, &len);
		if (!text) {
			s->code = "internal";
			snprintf(s->msg, sizeof(s->msg), "out of memory");
			return;
		}
		conn_send_msg(r, text, len, s->sender_cid, s->msg_id, s->t0);
		return;
	case EBADMSG: case EALREADY: case ESTALE: case EKEYEXPIRED:
	case EKEYREJECTED: case EPROTO: case EINVAL:
		s->code = "bad_message";
		snprintf(s->msg, sizeof(s->msg), "%s",
			 bad_message_text(res->status));
		return;
	case EMSGSIZE:
		s->code = "message_too_large";
		snprintf(s->msg, sizeof(s->msg), "the message is too large");
		return;
	case ENOENT:
	case ENOTCONN:
		if (!r || r->state != CS_READY || !r->session) {
			s->code = "recipient_offline";
			snprintf(s->msg, sizeof(s->msg),
				 "the recipient went offline");
			return;
		}
		/* the sender's own session is gone */
		__attribute__((fallthrough));
	default:
		s->code = "internal";
		snprintf(s->msg, sizeof(s->msg), "the relay failed: %s",
			 strerror(res->status));
	}
}

void relay_flush(void)
{
	struct secmsg_batch_op *ops = NULL;
	struct secmsg_msg_result *res = NULL;
	size_t i, k = 0, n = nslots, want = nops;
	struct slot *v = slots;
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
				ops[k].op = SECMSG_MSG_RESEAL;
				ops[k].id = v[i].from_session;
				ops[k].peer_id = v[i].to_session;
				ops[k].cookie = i;
				ops[k].data = v[i].data;
				ops[k].len = v[i].len;
				k++;
			}
			rc = kern_batch(ops, k, res);
			D.m.batches++;
			D.m.batch_ops += k;
		}
	}
	for (i = 0, k = 0; i < n; i++) {
		struct slot *s = &v[i];

		if (s->data) {
			result(s, res ? &res[k] : NULL, res ? rc : -ENOMEM);
			if (res)
				secmsg_msg_result_free(&res[k]);
			k++;
			explicit_bzero(s->data, s->len);
			free(s->data);
			s->data = NULL;
		}
		if (s->code && (c = conn_by_cid(s->sender_cid)))
			conn_delivery(c, s->msg_id, s->code, s->msg);
	}
	free(ops);
	free(res);
	explicit_bzero(v, n * sizeof(*v));
	free(v);
}
