// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Kernel session events to clients (see kevents.h). */
#include <errno.h>
#include <string.h>

#include "audit.h"
#include "conn.h"
#include "kernel.h"
#include "kevents.h"

static void handle(const struct secmsg_event_info *ev)
{
	struct conn *c = conn_by_session(ev->id);

	if (!c)
		return;		/* not ours, or one we deleted ourselves */
	switch (ev->event) {
	case SECMSG_EVENT_ROTATED:
		conn_epoch(c, ev->epoch, ev->alg, "kernel");
		break;
	case SECMSG_EVENT_EXPIRED:
	case SECMSG_EVENT_DELETED:
		conn_session_gone(c, ev->event, ev->reason);
		break;
	default:
		break;
	}
}

void kevents_read(void)
{
	struct secmsg_event_info ev;
	struct alog a;
	int rc, n = 0;

	/* bounded, so that a flood of events cannot starve the clients */
	while (n++ < 4096) {
		rc = kern_event(&ev);
		if (rc == -EAGAIN || rc == -EWOULDBLOCK)
			return;
		if (rc == -ENOBUFS) {
			alog_begin(&a, "kernel_events_lost");
			a.warn = true;
			alog_end(&a);
			kevents_resync();
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

static uint64_t gen;

static int seen(const struct secmsg_session_info *s, void *arg)
{
	struct conn *c = conn_by_session(s->id);

	(void)arg;
	if (c) {
		c->resync_gen = gen;
		conn_epoch(c, s->epoch, s->alg, "kernel");
	}
	return 0;
}

void kevents_resync(void)
{
	struct conn *c, *next;
	int rc;

	gen++;
	rc = kern_sessions(seen, NULL);
	if (rc)
		return;
	for (c = D.conns; c; c = next) {
		next = c->next;
		if (c->session && c->resync_gen != gen)
			conn_session_gone(c, 0, 0);
	}
}
