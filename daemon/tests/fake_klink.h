/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Host tests: a fake of the kernel's link calls (cluster/klink.h) for
 * one node, with a toy handshake that checks what the real one checks:
 * message 1 names a registered node and this node, message 2 answers
 * that message 1, message 3 that message 2.  Sessions are numbered,
 * remember their peer, role and the initiator's session they pair
 * with, and deletions are recorded.
 */
#ifndef SECMSGD_TESTS_FAKE_KLINK_H
#define SECMSGD_TESTS_FAKE_KLINK_H

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cluster/klink.h"

#define FK_MAX 64

struct fk_session {
	uint64_t id;
	char peer[CW_NODE_MAX + 1];
	bool initiator, active, deleted;
	uint64_t pair;		/* responder: the initiator's session id */
	uint64_t nonce;
};

struct fake_klink {
	char node[CW_NODE_MAX + 1];
	const char *registry[8];	/* the nodes it knows */
	uint64_t base;			/* session ids: base + 1, + 2, ... */
	struct fk_session s[FK_MAX];
	int n, deletes;
	char err[128];
};

static inline struct fk_session *fk_get(struct fake_klink *f, uint64_t sid)
{
	int i;

	for (i = 0; i < f->n; i++)
		if (f->s[i].id == sid && !f->s[i].deleted)
			return &f->s[i];
	return NULL;
}

static inline struct fk_session *fk_new(struct fake_klink *f,
					const char *peer, bool initiator)
{
	struct fk_session *s = &f->s[f->n++];

	memset(s, 0, sizeof(*s));
	s->id = f->base + (uint64_t)f->n;
	snprintf(s->peer, sizeof(s->peer), "%s", peer);
	s->initiator = initiator;
	return s;
}

static inline bool fk_known(struct fake_klink *f, const char *node)
{
	int i;

	for (i = 0; i < 8 && f->registry[i]; i++)
		if (!strcmp(f->registry[i], node))
			return true;
	return false;
}

static inline int fk_fail(struct fake_klink *f, int rc, const char *why)
{
	snprintf(f->err, sizeof(f->err), "%s", why);
	return rc;
}

/* messages: "M1 from to sid", "M2 from to sid pair", "M3 from to sid" */
static inline int fk_init(void *k, const char *node, uint64_t *sid,
			  uint8_t *msg1, size_t *len)
{
	struct fake_klink *f = k;
	struct fk_session *s;

	f->err[0] = '\0';
	if (!fk_known(f, node))
		return fk_fail(f, -ENOKEY, "no such node in the node registry");
	s = fk_new(f, node, true);
	*sid = s->id;
	*len = (size_t)snprintf((char *)msg1, KLINK_HS_MAX, "M1 %s %s %" PRIu64,
				f->node, node, s->id);
	return 0;
}

static inline int fk_respond(void *k, const uint8_t *msg1, size_t len,
			     uint64_t *sid, uint8_t *msg2, size_t *len2)
{
	struct fake_klink *f = k;
	char from[CW_NODE_MAX + 1], to[CW_NODE_MAX + 1], text[KLINK_HS_MAX + 1];
	unsigned long long isid;
	struct fk_session *s;

	f->err[0] = '\0';
	memcpy(text, msg1, len < KLINK_HS_MAX ? len : KLINK_HS_MAX);
	text[len < KLINK_HS_MAX ? len : KLINK_HS_MAX] = '\0';
	if (sscanf(text, "M1 %32s %32s %llu", from, to, &isid) != 3)
		return fk_fail(f, -EBADMSG, "bad message 1");
	if (strcmp(to, f->node))
		return fk_fail(f, -EBADMSG, "message 1 for another node");
	if (!fk_known(f, from))
		return fk_fail(f, -ENOKEY, "unknown node");
	s = fk_new(f, from, false);
	s->pair = isid;
	*sid = s->id;
	*len2 = (size_t)snprintf((char *)msg2, KLINK_HS_MAX, "M2 %s %s %" PRIu64
				 " %llu", f->node, from, s->id, isid);
	return 0;
}

static inline int fk_finish(void *k, uint64_t sid, const uint8_t *msg2,
			    size_t len, uint8_t *msg3, size_t *len3)
{
	struct fake_klink *f = k;
	struct fk_session *s = fk_get(f, sid);
	char from[CW_NODE_MAX + 1], to[CW_NODE_MAX + 1], text[KLINK_HS_MAX + 1];
	unsigned long long rsid, pair;

	f->err[0] = '\0';
	memcpy(text, msg2, len < KLINK_HS_MAX ? len : KLINK_HS_MAX);
	text[len < KLINK_HS_MAX ? len : KLINK_HS_MAX] = '\0';
	if (!s || !s->initiator || s->active)
		return fk_fail(f, -ENOENT, "no such pending session");
	if (sscanf(text, "M2 %32s %32s %llu %llu", from, to, &rsid, &pair) != 4 ||
	    strcmp(from, s->peer) || strcmp(to, f->node) || pair != sid) {
		s->deleted = true;
		return fk_fail(f, -EBADMSG, "message 2 does not answer");
	}
	s->active = true;
	*len3 = (size_t)snprintf((char *)msg3, KLINK_HS_MAX, "M3 %s %s %llu",
				 f->node, from, rsid);
	return 0;
}

static inline int fk_confirm(void *k, uint64_t sid, const uint8_t *msg3,
			     size_t len, char node[SECMSG_USER_ID_MAX + 1])
{
	struct fake_klink *f = k;
	struct fk_session *s = fk_get(f, sid);
	char from[CW_NODE_MAX + 1], to[CW_NODE_MAX + 1], text[KLINK_HS_MAX + 1];
	unsigned long long rsid;

	f->err[0] = '\0';
	memcpy(text, msg3, len < KLINK_HS_MAX ? len : KLINK_HS_MAX);
	text[len < KLINK_HS_MAX ? len : KLINK_HS_MAX] = '\0';
	if (!s || s->initiator || s->active)
		return fk_fail(f, -ENOENT, "no such pending session");
	if (sscanf(text, "M3 %32s %32s %llu", from, to, &rsid) != 3 ||
	    strcmp(from, s->peer) || rsid != sid) {
		s->deleted = true;
		return fk_fail(f, -EBADMSG, "message 3 does not answer");
	}
	s->active = true;
	snprintf(node, SECMSG_USER_ID_MAX + 1, "%s", s->peer);
	return 0;
}

static inline void fk_del(void *k, uint64_t sid)
{
	struct fake_klink *f = k;
	struct fk_session *s = fk_get(f, sid);

	if (s) {
		s->deleted = true;
		f->deletes++;
	}
}

static inline const char *fk_errmsg(void *k)
{
	return ((struct fake_klink *)k)->err;
}

static const struct klink_ops fake_klink_ops = {
	.init = fk_init,
	.finish = fk_finish,
	.respond = fk_respond,
	.confirm = fk_confirm,
	.del = fk_del,
	.errmsg = fk_errmsg,
};

/* Sessions not deleted. */
static inline int fk_live(const struct fake_klink *f)
{
	int i, n = 0;

	for (i = 0; i < f->n; i++)
		n += !f->s[i].deleted;
	return n;
}

#endif
