// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Host tests: frames held for lack of memory (daemon/held.c): the FIFO's
 * limit, their texts, and a flush that stops at the first frame that
 * cannot be queued and keeps the rest in order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/lib/tests/tap.h"
#include "held.h"
#include "proto.h"

/* A fake output queue that takes `room` frames, then is out of memory. */
struct sink {
	char *texts[2 * HELD_MAX];
	unsigned int n, room, nulls;
};

static bool put(void *arg, char *text)
{
	struct sink *s = arg;

	if (!text) {
		s->nulls++;
		return false;
	}
	if (s->n == s->room) {
		proto_free_text(text);
		return false;
	}
	s->texts[s->n++] = text;
	return true;
}

static void sink_free(struct sink *s)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		proto_free_text(s->texts[i]);
	s->n = 0;
}

static void test_texts(void)
{
	const struct held_frame ok_f = { .id = 7 };
	const struct held_frame fail_f = { .id = 8, .code = "internal" };
	const struct held_frame err_f = { .code = "internal", .error = true };
	const struct held_frame err_id = {
		.id = 9, .code = "rate_limited", .error = true, .has_id = true,
	};
	char *t;

	t = held_text(&ok_f, "ignored");
	ok(t && !strcmp(t, "{\"type\":\"delivery\",\"id\":7,"
			   "\"status\":\"delivered\"}"), "delivered");
	proto_free_text(t);
	t = held_text(&fail_f, NULL);
	ok(t && !strcmp(t, "{\"type\":\"delivery\",\"id\":8,\"status\":"
			   "\"failed\",\"code\":\"internal\",\"message\":\"\"}"),
	   "failed, no message kept: \"\"");
	proto_free_text(t);
	t = held_text(&fail_f, "out of memory");
	ok(t && strstr(t, "\"message\":\"out of memory\""),
	   "failed, with its message when sent at once");
	proto_free_text(t);
	t = held_text(&err_f, NULL);
	ok(t && !strcmp(t, "{\"type\":\"error\",\"code\":\"internal\","
			   "\"message\":\"\"}"), "error without id");
	proto_free_text(t);
	t = held_text(&err_id, "x");
	ok(t && !strcmp(t, "{\"type\":\"error\",\"id\":9,\"code\":"
			   "\"rate_limited\",\"message\":\"x\"}"),
	   "error with id");
	proto_free_text(t);
}

static void test_fifo(void)
{
	struct held h = { .n = 0 };
	struct held_frame f = { .code = NULL };
	struct sink s = { .room = 5 };
	unsigned int i, left, in_order = 1;
	char want[64];

	for (i = 0; i < HELD_MAX; i++) {
		f.id = 100 + i;
		f.code = i % 2 ? "internal" : NULL;
		if (!held_push(&h, &f))
			break;
	}
	ok(i == HELD_MAX && h.n == HELD_MAX, "%d frames held", HELD_MAX);
	f.id = 999;
	ok(!held_push(&h, &f) && h.n == HELD_MAX && h.v[HELD_MAX - 1].id ==
	   100 + HELD_MAX - 1, "one more is refused, nothing changed");

	left = held_flush(&h, put, &s);
	ok(left == HELD_MAX - 5 && s.n == 5 && h.n == left,
	   "a flush with room for 5: 5 queued, %u still held", left);
	for (i = 0; i < s.n; i++) {
		snprintf(want, sizeof(want), "\"id\":%u,", 100 + i);
		in_order &= !!strstr(s.texts[i], want);
	}
	ok(in_order && h.v[0].id == 105 && h.v[0].code &&
	   h.v[1].id == 106 && !h.v[1].code,
	   "oldest first; the rest kept in order");
	sink_free(&s);

	s.room = 0;
	left = held_flush(&h, put, &s);
	ok(left == HELD_MAX - 5 && h.v[0].id == 105,
	   "no room at all: nothing lost");

	s.room = 2 * HELD_MAX;
	left = held_flush(&h, put, &s);
	ok(left == 0 && h.n == 0 && s.n == HELD_MAX - 5 &&
	   strstr(s.texts[s.n - 1], "\"id\":115,"),
	   "room again: all the rest queued, in order");
	sink_free(&s);
	ok(held_flush(&h, put, &s) == 0 && s.n == 0 && !s.nulls,
	   "an empty FIFO queues nothing");
	f.id = 1;
	ok(held_push(&h, &f) && h.n == 1, "it takes frames again");
}

int main(void)
{
	proto_init();
	test_texts();
	test_fifo();
	return done();
}
