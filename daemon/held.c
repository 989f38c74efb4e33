// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Frames held for lack of memory, sent later (see held.h). */
#include <string.h>

#include "held.h"
#include "proto.h"

bool held_push(struct held *h, const struct held_frame *f)
{
	if (h->n == HELD_MAX)
		return false;
	h->v[h->n++] = *f;
	return true;
}

char *held_text(const struct held_frame *f, const char *msg)
{
	if (f->error)
		return proto_error(f->code, msg, f->has_id, f->id);
	if (f->code)
		return proto_failed(f->id, f->code, msg);
	return proto_delivered(f->id);
}

unsigned int held_flush(struct held *h, bool (*put)(void *arg, char *text),
			void *arg)
{
	unsigned int i = 0;

	while (i < h->n && put(arg, held_text(&h->v[i], NULL)))
		i++;
	h->n -= i;
	memmove(h->v, h->v + i, h->n * sizeof(h->v[0]));
	return h->n;
}
