// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Fuzz target: secmsgd's validation of client frames (docs/protocol.md
 * section 5), proto_parse(), which the daemon runs on every text frame
 * before anything else looks at it.  Input: the frame's bytes.
 *
 * What must hold: a frame that is refused has one of the documented
 * error codes and a message, and an id only when it carried a valid one;
 * a frame that is accepted has what its type promises (valid user ids
 * where it says so, algorithms 1 to 3, handshake messages of at most
 * PROTO_MAX_HANDSHAKE bytes, sealed messages within PROTO_MAX_SEALED or
 * marked too large, ids below 2^53), is valid UTF-8 without NULs, and the
 * client library's builders (tools/lib/client/frame.c) write it again to
 * a frame the daemon parses to the same values.  Members the protocol
 * does not name are ignored: a frame that is valid JSON parses to the
 * same result (and the same error code) without them.  Nothing leaks
 * (frame_clear()).
 */
#include <string.h>

#include "fuzz.h"
#include "json.h"
#include "client/internal.h"
#include "proto.h"
#include "secmsg/handshake.h"
#include "secmsg/nl.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	proto_init();
	return 0;
}

static const char *const codes[] = {
	"bad_json", "bad_field", "bad_base64", "unknown_type", "internal",
};

static bool known_code(const char *c)
{
	size_t i;

	for (i = 0; c && i < sizeof(codes) / sizeof(codes[0]); i++)
		if (!strcmp(c, codes[i]))
			return true;
	return false;
}

/* What the client library sends for f, or NULL when it cannot say it. */
static char *rebuild(const struct frame *f)
{
	switch (f->type) {
	case F_HELLO:
		if (!f->user_valid)
			return NULL;
		return client_frame_hello(f->user, secmsg_alg_name(f->alg),
					  f->hs, f->hs_len,
					  f->has_pubkey ? f->pubkey : NULL);
	case F_CONFIRM:
		return client_frame_confirm(f->hs, f->hs_len);
	case F_MESSAGE:
		if (!f->to_valid || f->too_large)
			return NULL;
		return client_frame_message(f->id, f->to, f->data,
					    f->data_len);
	case F_ROTATE:
		return client_frame_rotate(f->alg ? secmsg_alg_name(f->alg) :
					   NULL);
	case F_WHO:
		return client_frame_who();
	case F_BYE:
		return client_frame_bye(NULL);
	default:
		return NULL;
	}
}

static void check_same(const struct frame *a, const struct frame *b)
{
	FUZZ_CHECK(a->type == b->type && a->alg == b->alg);
	FUZZ_CHECK(a->hs_len == b->hs_len &&
		   (!a->hs_len || !memcmp(a->hs, b->hs, a->hs_len)));
	FUZZ_CHECK(a->user_valid == b->user_valid &&
		   !strcmp(a->user, b->user));
	FUZZ_CHECK(a->has_pubkey == b->has_pubkey &&
		   !memcmp(a->pubkey, b->pubkey, sizeof(a->pubkey)));
	if (a->type == F_MESSAGE) {
		FUZZ_CHECK(a->has_id && b->has_id && a->id == b->id);
		FUZZ_CHECK(a->to_valid == b->to_valid &&
			   !strcmp(a->to, b->to));
		FUZZ_CHECK(a->data_len == b->data_len &&
			   (!a->data_len ||
			    !memcmp(a->data, b->data, a->data_len)));
	}
}

static void check_parsed(const struct frame *f, const char *text,
			 size_t len)
{
	FUZZ_CHECK(f->type != F_NONE);
	FUZZ_CHECK(proto_utf8_valid(text, len) && !memchr(text, 0, len));
	if (f->has_id)
		FUZZ_CHECK(f->id <= PROTO_MAX_ID);
	switch (f->type) {
	case F_HELLO:
		FUZZ_CHECK(f->alg >= 1 && f->alg <= SECMSG_ALG_MAX);
		FUZZ_CHECK(f->user_valid ? secmsg_user_id_valid(f->user) :
					   !f->user[0]);
		/* fall through */
	case F_CONFIRM:
		FUZZ_CHECK(f->hs && f->hs_len <= PROTO_MAX_HANDSHAKE);
		break;
	case F_MESSAGE:
		FUZZ_CHECK(f->has_id);
		FUZZ_CHECK(f->to_valid ? secmsg_user_id_valid(f->to) :
					 !f->to[0]);
		if (f->too_large)
			FUZZ_CHECK(!f->data || f->data_len > PROTO_MAX_SEALED);
		else
			FUZZ_CHECK(f->data && f->data_len <= PROTO_MAX_SEALED);
		break;
	case F_ROTATE:
		FUZZ_CHECK(f->alg >= 0 && f->alg <= SECMSG_ALG_MAX);
		break;
	default:
		break;
	}
}

/* Every member a client frame has (names are case-sensitive). */
static const char *const members[] = {
	"type", "id", "version", "user", "alg", "handshake", "pubkey", "to",
	"data",
};

/* The same frame without its unknown members parses the same. */
static void check_unknown_ignored(const char *text, size_t len, int rc,
				  const struct frame *f,
				  const struct proto_err *e)
{
	struct frame g;
	struct proto_err e2;
	char *json;
	int rc2;

	/* the checks of the raw text (UTF-8, NULs) come before the JSON */
	if (rc && !strcmp(e->code, "bad_json"))
		return;
	json = fuzz_json_strip(text, len, members,
			       sizeof(members) / sizeof(members[0]));
	if (!json)
		return;
	rc2 = proto_parse(json, strlen(json), &g, &e2);
	if (!rc != !rc2 || (rc && strcmp(e->code, e2.code)))
		fprintf(stderr, "without unknown members: %s: %s\n", json,
			rc2 ? e2.code : "parses");
	FUZZ_CHECK(!rc == !rc2);
	if (rc)
		FUZZ_CHECK(!strcmp(e->code, e2.code));
	else
		check_same(f, &g);
	frame_clear(&g);
	proto_free_text(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frame f, g;
	struct proto_err e, e2;
	char *json, *text = fuzz_dup(data, size);
	int rc;

	rc = proto_parse(text, size, &f, &e);
	if (rc) {
		FUZZ_CHECK(known_code(e.code) && e.msg[0]);
		FUZZ_CHECK(!f.hs && !f.data);
		if (f.has_id)
			FUZZ_CHECK(f.id <= PROTO_MAX_ID);
	} else {
		FUZZ_CHECK(!e.code);
		check_parsed(&f, text, size);
		json = rebuild(&f);
		if (json) {
			if (proto_parse(json, strlen(json), &g, &e2))
				fprintf(stderr, "rebuilt %s: %s: %s\n", json,
					e2.code, e2.msg);
			FUZZ_CHECK(!e2.code);
			check_same(&f, &g);
			frame_clear(&g);
			proto_free_text(json);
		}
	}
	check_unknown_ignored(text, size, rc, &f, &e);
	frame_clear(&f);
	free(text);
	return 0;
}
