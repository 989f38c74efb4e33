// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libsecmsg client: the messages out.  A text is sealed under the current
 * epoch and queued at once; while a rotation the program asked for is
 * unanswered it is held instead (in order) and sealed under the new epoch
 * when the answer comes, since the server accepts only one epoch back.
 * A message sent is pending until its delivery frame.  Each message ends
 * in exactly one delivery callback: the server's, or a failure here.
 *
 * Owns c->pending, c->held and c->rotations_pending.  Held texts are
 * wiped when sealed or dropped.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void report(struct secmsg_client *c, const struct client_pending *p,
		   int err, const char *message)
{
	struct secmsg_client_delivery d;

	memset(&d, 0, sizeof(d));
	d.id = p->id;
	d.to = p->to;
	d.err = err;
	d.message = message;
	c->events++;
	if (c->cb.delivery)
		c->cb.delivery(c, &d, c->cb.delivery_ud);
}

static void drop_text(struct client_pending *p)
{
	if (p->text)
		explicit_bzero(p->text, p->len);
	free(p->text);
	p->text = NULL;
}

/*
 * Seal text for p into the client's buffer (ciphertext only: nothing to
 * wipe) and queue its frame: p is pending then.  0 or a code.
 */
static int seal_send(struct secmsg_client *c, struct client_pending *p,
		     const void *text, size_t len)
{
	size_t need = client_session_sealed_max(len);
	uint8_t *buf;
	long n;
	int err;

	if (need > c->sealed_cap) {
		buf = realloc(c->sealed, need);
		if (!buf)
			return SECMSG_CLIENT_E_NOMEM;
		c->sealed = buf;
		c->sealed_cap = need;
	}
	n = client_session_seal(&c->sess, text, len, c->sealed);
	if (n < 0)
		return (int)n;
	err = client_ws_send(c, client_frame_message(p->id, p->to, c->sealed,
						     (size_t)n));
	if (err)
		return err;
	p->next = c->pending;
	c->pending = p;
	c->n_pending++;
	return 0;
}

static void hold(struct secmsg_client *c, struct client_pending *p)
{
	*c->held_tail = p;
	c->held_tail = &p->next;
}

static struct client_pending *unhold(struct secmsg_client *c)
{
	struct client_pending *p = c->held;

	c->held = p->next;
	if (!c->held)
		c->held_tail = &c->held;
	p->next = NULL;
	return p;
}

int client_outbox_send(struct secmsg_client *c, const char *to,
		       const void *text, size_t len, uint64_t *id)
{
	struct client_pending *p = calloc(1, sizeof(*p));
	int err;

	if (!p)
		return SECMSG_CLIENT_E_NOMEM;
	p->id = c->next_id;
	strcpy(p->to, to);
	if (c->rotations_pending) {
		p->text = malloc(len ? len : 1);
		if (!p->text) {
			free(p);
			return SECMSG_CLIENT_E_NOMEM;
		}
		memcpy(p->text, text ? text : "", len);
		p->len = len;
		hold(c, p);
	} else {
		err = seal_send(c, p, text, len);
		if (err) {
			free(p);
			return err;
		}
	}
	c->next_id++;
	if (id)
		*id = p->id;
	return 0;
}

void client_outbox_rotation_asked(struct secmsg_client *c)
{
	c->rotations_pending++;
}

/* Seal and queue the held messages once no rotation is unanswered. */
void client_outbox_rotation_answered(struct secmsg_client *c)
{
	struct client_pending *p;
	int err;

	if (!c->rotations_pending)
		return;
	c->rotations_pending--;
	while (!c->rotations_pending && c->held) {
		p = unhold(c);
		err = c->state == SECMSG_CLIENT_READY ?
		      seal_send(c, p, p->text, p->len) : SECMSG_CLIENT_E_CLOSED;
		drop_text(p);
		if (!err)
			continue;
		report(c, p, err, NULL);
		free(p);
	}
}

struct client_pending *client_outbox_take(struct secmsg_client *c,
					  uint64_t id)
{
	struct client_pending **pp, *p;

	for (pp = &c->pending; (p = *pp); pp = &p->next)
		if (p->id == id) {
			*pp = p->next;
			c->n_pending--;
			return p;
		}
	return NULL;
}

/* Every message still out is dropped; with err, each fails with it. */
static void drop_all(struct secmsg_client *c, int err)
{
	struct client_pending *p;

	c->rotations_pending = 0;
	while ((p = c->pending)) {
		c->pending = p->next;
		c->n_pending--;
		if (err)
			report(c, p, err,
			       "connection closed before the server answered");
		free(p);
	}
	while (c->held) {
		p = unhold(c);
		drop_text(p);
		if (err)
			report(c, p, err,
			       "connection closed before the message was sent");
		free(p);
	}
}

void client_outbox_fail_all(struct secmsg_client *c, int err)
{
	drop_all(c, err ? err : SECMSG_CLIENT_E_CLOSED);
}

void client_outbox_clear(struct secmsg_client *c)
{
	drop_all(c, 0);
}
