// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Fuzz target: the client's parser of server frames (docs/protocol.md
 * section 5), client_frame_parse(), which the client library runs on
 * every text frame from the server.  Input: the frame's bytes.
 *
 * What must hold: a frame that parses has what its type promises
 * (session ids of 16 lowercase hex digits, algorithms 1 to 3, ids below
 * 2^53, a code on every failed delivery, a list of strings); the server's
 * builders (daemon/proto.c) write the parsed frame again, and the client
 * parses that to the same values; a frame that does not parse has a
 * reason; members the protocol does not name are ignored ("Unknown
 * members are ignored"): the frame without them parses the same;
 * nothing leaks (client_frame_free()).
 */
#include <string.h>

#include "fuzz.h"
#include "json.h"
#include "client/internal.h"
#include "proto.h"
#include "secmsg/handshake.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	proto_init();		/* the daemon's cJSON hooks, as in secmsgd */
	return 0;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* The frame the server's builders make of f, or NULL when they cannot. */
static char *rebuild(const struct client_frame *f)
{
	switch (f->type) {
	case CF_WELCOME:
		return proto_welcome(f->session, f->data, f->data_len);
	case CF_READY:
		return proto_ready(f->session, f->user ? f->user : "", f->alg,
				   f->epoch, f->users, f->n_users);
	case CF_MESSAGE:
		/* its builder writes user ids unescaped: only valid ones */
		if (!secmsg_user_id_valid(f->from))
			return NULL;
		return proto_message(f->from, f->data, f->data_len, NULL);
	case CF_DELIVERY:
		return f->delivered ? proto_delivered(f->id) :
				      proto_failed(f->id, f->code, f->message);
	case CF_EPOCH:
		return proto_epoch(f->epoch, f->alg);
	case CF_ONLINE:
		return proto_online(f->users, f->n_users);
	case CF_PRESENCE:
		return proto_presence(f->user, f->online);
	case CF_ERROR:
		return proto_error(f->code, f->message, false, 0);
	case CF_BYE:
		return proto_bye(f->reason ? f->reason : "");
	default:
		return NULL;
	}
}

static void check_same(const struct client_frame *a,
		       const struct client_frame *b)
{
	size_t i;

	FUZZ_CHECK(a->type == b->type);
	switch (a->type) {
	case CF_WELCOME:
		FUZZ_CHECK(a->session == b->session);
		/* fall through */
	case CF_MESSAGE:
		FUZZ_CHECK(a->data_len == b->data_len &&
			   !memcmp(a->data, b->data, a->data_len));
		FUZZ_CHECK(same_str(a->from, b->from));
		break;
	case CF_READY:
		FUZZ_CHECK(a->session == b->session && a->alg == b->alg &&
			   a->epoch == b->epoch);
		/* fall through */
	case CF_ONLINE:
		FUZZ_CHECK(a->n_users == b->n_users);
		for (i = 0; i < a->n_users; i++)
			FUZZ_CHECK(!strcmp(a->users[i], b->users[i]));
		break;
	case CF_DELIVERY:
		FUZZ_CHECK(a->id == b->id && a->delivered == b->delivered);
		if (!a->delivered)
			FUZZ_CHECK(same_str(a->code, b->code));
		break;
	case CF_EPOCH:
		FUZZ_CHECK(a->epoch == b->epoch && a->alg == b->alg);
		break;
	case CF_PRESENCE:
		FUZZ_CHECK(same_str(a->user, b->user) &&
			   a->online == b->online);
		break;
	case CF_ERROR:
		FUZZ_CHECK(same_str(a->code, b->code));
		break;
	default:
		break;
	}
}

static void check_parsed(const struct client_frame *f)
{
	size_t i;

	FUZZ_CHECK(f->root && f->type_name);
	switch (f->type) {
	case CF_WELCOME:
	case CF_READY:
		FUZZ_CHECK(strlen(f->session_hex) == 16);
		for (i = 0; i < 16; i++)
			FUZZ_CHECK(strchr("0123456789abcdef",
					  f->session_hex[i]));
		if (f->type == CF_WELCOME)
			FUZZ_CHECK(f->data);
		else
			FUZZ_CHECK(f->alg >= 1 && f->alg <= SECMSG_ALG_MAX);
		break;
	case CF_EPOCH:
		FUZZ_CHECK(f->alg >= 1 && f->alg <= SECMSG_ALG_MAX);
		break;
	case CF_MESSAGE:
		FUZZ_CHECK(f->from && f->data);
		break;
	case CF_DELIVERY:
		FUZZ_CHECK(f->id <= (1ULL << 53) - 1);
		FUZZ_CHECK(f->delivered || f->code);
		break;
	case CF_PRESENCE:
		FUZZ_CHECK(f->user);
		break;
	case CF_ERROR:
		FUZZ_CHECK(f->code);
		break;
	default:
		break;
	}
	if (f->users) {
		for (i = 0; i < f->n_users; i++)
			FUZZ_CHECK(f->users[i]);
		FUZZ_CHECK(!f->users[f->n_users]);
	}
}

/* Every member a server frame has (names are case-sensitive). */
static const char *const members[] = {
	"type", "session", "handshake", "user", "alg", "epoch", "online",
	"from", "data", "id", "status", "code", "message", "users", "reason",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct client_frame f, g;
	const char *why = NULL, *why2 = NULL;
	char *json, *text = fuzz_dup(data, size);
	int err, err2;

	err = client_frame_parse(text, size, &f, &why);
	if (err) {
		FUZZ_CHECK(err == SECMSG_CLIENT_E_PROTOCOL && why && *why);
	} else {
		FUZZ_CHECK(!why);
		check_parsed(&f);
		json = rebuild(&f);
		if (json) {
			err = client_frame_parse(json, strlen(json), &g,
						 &why2);
			if (err)
				fprintf(stderr, "rebuilt %s: %s\n", json, why2);
			FUZZ_CHECK(!err);
			check_same(&f, &g);
			client_frame_free(&g);
			proto_free_text(json);
		}
	}
	json = fuzz_json_strip(text, size, members,
			       sizeof(members) / sizeof(members[0]));
	if (json) {
		err2 = client_frame_parse(json, strlen(json), &g, &why2);
		if (!err != !err2)
			fprintf(stderr, "without unknown members: %s: %s\n",
				json, err2 ? why2 : "parses");
		FUZZ_CHECK(!err == !err2);
		if (!err)
			check_same(&f, &g);
		client_frame_free(&g);
		proto_free_text(json);
	}
	client_frame_free(&f);
	free(text);
	return 0;
}
