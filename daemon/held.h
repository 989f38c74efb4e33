/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Frames a client must get that could not be queued for lack of memory:
 * delivery results and error frames.  Each is kept by what it says (id,
 * code), not by its text, in a small FIFO of one connection, and built
 * and queued again later, oldest first, so that results stay in order.
 * Its human message is not kept: the frame is sent later with "".
 *
 * Pure: no sockets, no allocation of its own; conn.c holds one per
 * connection, host-tested by daemon/tests/test_held.c.
 */
#ifndef SECMSGD_HELD_H
#define SECMSGD_HELD_H

#include <stdbool.h>
#include <stdint.h>

/* Frames held per connection at most. */
#define HELD_MAX	16

struct held_frame {
	uint64_t id;
	const char *code;		/* a string literal; NULL: delivered */
	bool error;			/* an error frame, not a delivery */
	bool has_id;			/* an error frame's id is id */
};

struct held {
	struct held_frame v[HELD_MAX];	/* oldest first */
	unsigned int n;
};

/* Append *f; false (nothing changed) when HELD_MAX are held already. */
bool held_push(struct held *h, const struct held_frame *f);
/*
 * The text of *f with msg as its message (NULL: ""): malloc'ed (free
 * with proto_free_text()), or NULL when out of memory.
 */
char *held_text(const struct held_frame *f, const char *msg);
/*
 * Hand the held frames' texts, oldest first, to put(arg, text), which
 * takes text (NULL: it could not be built) and returns false when it
 * could not queue it (out of memory; text freed), until one fails.
 * Returns how many are still held.
 */
unsigned int held_flush(struct held *h, bool (*put)(void *arg, char *text),
			void *arg);

#endif
