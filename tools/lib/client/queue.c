// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libsecmsg client: the queue of frames waiting for the WebSocket to be
 * writable, each with the headroom lws_write() needs in front of it.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int client_queue_push(struct client_queue *q, char *json)
{
	struct client_out *o;
	size_t len;

	if (!json)
		return SECMSG_CLIENT_E_NOMEM;
	len = strlen(json);
	o = calloc(1, sizeof(*o));
	if (o)
		o->buf = malloc(q->pre + len + 1);
	if (!o || !o->buf) {
		free(o);
		free(json);
		return SECMSG_CLIENT_E_NOMEM;
	}
	memcpy(o->buf + q->pre, json, len + 1);
	o->len = len;
	free(json);
	if (q->tail)
		q->tail->next = o;
	else
		q->head = o;
	q->tail = o;
	q->count++;
	return 0;
}

struct client_out *client_queue_peek(struct client_queue *q)
{
	return q->head;
}

void client_queue_pop(struct client_queue *q)
{
	struct client_out *o = q->head;

	if (!o)
		return;
	q->head = o->next;
	if (!q->head)
		q->tail = NULL;
	q->count--;
	free(o->buf);
	free(o);
}

void client_queue_clear(struct client_queue *q)
{
	while (q->head)
		client_queue_pop(q);
}
