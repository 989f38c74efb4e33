// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The daemon's kernel sessions, and the kernel's events (see ksession.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "kbatch.h"
#include "ksession.h"
#include "table.h"

/* Events handled per wake-up, so that a flood cannot starve the clients. */
#define EVENTS_PER_READ	4096

static struct {
	const struct config *cfg;
	const struct ksession_up *up;
	struct table by_sid;		/* session id -> owner */
} S;

void ksession_init(const struct config *cfg, const struct ksession_up *up)
{
	S.cfg = cfg;
	S.up = up;
}

void ksession_exit(void)
{
	table_free(&S.by_sid);
}

static void policy(struct secmsg_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->has_rotate_interval = p->has_max_messages = p->has_timeout =
		p->has_idle_timeout = p->has_rekey_grace = true;
	p->rotate_interval = S.cfg->rotate_interval;
	p->max_messages = S.cfg->max_messages;
	p->timeout = S.cfg->session_timeout;
	p->idle_timeout = S.cfg->idle_timeout;
	p->rekey_grace = S.cfg->rekey_grace;
}

int ksession_handshake(void *owner, const uint8_t *msg1, size_t len,
		       uint64_t *sid, uint8_t *msg2, size_t *msg2_len)
{
	struct secmsg_policy pol;
	int rc;

	policy(&pol);
	rc = kern_handshake(msg1, len, &pol, sid, msg2, msg2_len);
	if (rc)
		return rc;
	if (table_put(&S.by_sid, *sid, owner)) {
		kern_session_del(*sid);
		explicit_bzero(msg2, *msg2_len);
		return -ENOMEM;
	}
	return 0;
}

int ksession_confirm(uint64_t sid, const uint8_t *msg3, size_t len,
		     struct secmsg_session_info *out)
{
	int rc = kern_confirm(sid, msg3, len, out);

	/* the kernel deleted the pending session */
	if (rc == -EBADMSG || rc == -ENOENT)
		table_del(&S.by_sid, sid);
	return rc;
}

static void del_now(uint64_t sid, int unused)
{
	(void)unused;
	kern_session_del(sid);
}

void ksession_del(uint64_t sid)
{
	if (!sid)
		return;
	table_del(&S.by_sid, sid);
	/* out of memory: now rather than never (the kernel would at exit) */
	if (kbatch_call(del_now, sid, 0))
		kern_session_del(sid);
}

static void rotate_now(uint64_t sid, int alg)
{
	struct secmsg_session_info info;
	void *owner = table_get(&S.by_sid, sid);
	int rc;

	if (!owner)
		return;		/* deleted since */
	rc = kern_rotate(sid, alg, &info);
	if (rc)
		S.up->rotate_failed(owner, -rc);
	else
		S.up->epoch(owner, info.epoch, info.alg, "request");
}

int ksession_rotate(uint64_t sid, int alg)
{
	return kbatch_call(rotate_now, sid, alg);
}

/* ---- events ---- */

static void gone(uint64_t sid, int event, int reason)
{
	void *owner = table_del(&S.by_sid, sid);

	if (owner)
		S.up->gone(owner, event, reason);
}

static void handle(const struct secmsg_event_info *ev)
{
	void *owner = table_get(&S.by_sid, ev->id);

	if (!owner)
		return;		/* not ours, or one we deleted ourselves */
	switch (ev->event) {
	case SECMSG_EVENT_ROTATED:
		S.up->epoch(owner, ev->epoch, ev->alg, "kernel");
		break;
	case SECMSG_EVENT_EXPIRED:
	case SECMSG_EVENT_DELETED:
		gone(ev->id, ev->event, ev->reason);
		break;
	default:
		break;
	}
}

/* A dumped session: ours are marked seen and get their epoch. */
static int seen(const struct secmsg_session_info *s, void *arg)
{
	struct table *alive = arg;
	void *owner = table_get(&S.by_sid, s->id);

	if (!owner)
		return 0;
	if (table_put(alive, s->id, owner))
		return -ENOMEM;
	S.up->epoch(owner, s->epoch, s->alg, "kernel");
	return 0;
}

/* Compare our sessions with the kernel's (events were lost). */
static void resync(void)
{
	struct table alive = { 0 };
	uint64_t *missing;
	struct tent *e;
	size_t i, n = 0;

	if (kern_sessions(seen, &alive) ||
	    !(missing = calloc(S.by_sid.n + 1, sizeof(*missing)))) {
		table_free(&alive);
		return;
	}
	for (e = table_first(&S.by_sid, &i); e; e = table_next(&S.by_sid, e, &i))
		if (!table_get(&alive, e->key))
			missing[n++] = e->key;
	table_free(&alive);
	/* an upcall may delete other sessions: look each up again */
	for (i = 0; i < n; i++)
		gone(missing[i], 0, 0);
	free(missing);
}

void ksession_events(void *unused)
{
	struct secmsg_event_info ev;
	struct alog a;
	int rc, n = 0;

	(void)unused;
	while (n++ < EVENTS_PER_READ) {
		rc = kern_event(&ev);
		if (rc == -EAGAIN || rc == -EWOULDBLOCK)
			return;
		if (rc == -ENOBUFS) {
			alog_begin(&a, "kernel_events_lost");
			a.warn = true;
			alog_end(&a);
			resync();
			continue;
		}
		if (rc == -EINTR)
			continue;
		if (rc) {
			alog_begin(&a, "kernel_event_error");
			a.warn = true;
			alog_str(&a, "error", strerror(-rc));
			alog_end(&a);
			return;
		}
		handle(&ev);
	}
}

int ksession_events_fd(void)
{
	return kern_events_fd();
}
