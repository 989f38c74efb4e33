// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libsecmsg client frames: what the client sends (built with cJSON,
 * checked member by member) and what it accepts from the server (every
 * frame of docs/protocol.md section 5, and the malformed ones refused).
 */
#include <stdlib.h>
#include <string.h>

#include "client/internal.h"
#include "secmsg/codec.h"
#include "tap.h"

static cJSON *parse_out(char *s)
{
	cJSON *o = s ? cJSON_Parse(s) : NULL;

	free(s);
	return o;
}

static const char *str(cJSON *o, const char *name)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static void build(void)
{
	uint8_t msg1[70], pub[32], got[80];
	cJSON *o, *v;
	long n;

	memset(msg1, 0xa5, sizeof(msg1));
	memset(pub, 0x11, sizeof(pub));
	o = parse_out(client_frame_hello("alice", "aes_256_gcm", msg1,
					 sizeof(msg1), NULL));
	v = cJSON_GetObjectItemCaseSensitive(o, "version");
	ok(o && !strcmp(str(o, "type"), "hello") &&
	   !strcmp(str(o, "user"), "alice") &&
	   !strcmp(str(o, "alg"), "aes_256_gcm") && cJSON_IsNumber(v) &&
	   v->valuedouble == 1 && !cJSON_HasObjectItem(o, "pubkey"),
	   "hello: type, version 1, user, alg, no pubkey");
	n = secmsg_base64_decode(str(o, "handshake"),
				 strlen(str(o, "handshake")), got, sizeof(got));
	ok(n == sizeof(msg1) && !memcmp(got, msg1, sizeof(msg1)),
	   "hello: handshake is base64 of message 1");
	cJSON_Delete(o);
	o = parse_out(client_frame_hello("bob", "twofish_cbc", msg1, 40, pub));
	n = secmsg_base64_decode(str(o, "pubkey"), strlen(str(o, "pubkey")),
				 got, sizeof(got));
	ok(n == 32 && !memcmp(got, pub, 32), "hello with pubkey (registration)");
	cJSON_Delete(o);

	o = parse_out(client_frame_confirm(msg1, 44));
	ok(o && !strcmp(str(o, "type"), "confirm") &&
	   strlen(str(o, "handshake")) == 60, "confirm: 44 bytes as base64");
	cJSON_Delete(o);

	o = parse_out(client_frame_message(9007199254740991ULL, "bob", msg1, 3));
	v = cJSON_GetObjectItemCaseSensitive(o, "id");
	ok(o && cJSON_IsNumber(v) && v->valuedouble == 9007199254740991.0 &&
	   !strcmp(str(o, "to"), "bob") && !strcmp(str(o, "data"), "paWl"),
	   "message: id 2^53 - 1, to, data");
	cJSON_Delete(o);
	ok(!client_frame_message(9007199254740992ULL, "bob", msg1, 3),
	   "message: id 2^53 refused");

	o = parse_out(client_frame_rotate("chacha20_poly1305"));
	ok(o && !strcmp(str(o, "type"), "rotate") &&
	   !strcmp(str(o, "alg"), "chacha20_poly1305"), "rotate with alg");
	cJSON_Delete(o);
	o = parse_out(client_frame_rotate(NULL));
	ok(o && !cJSON_HasObjectItem(o, "alg"), "rotate without alg");
	cJSON_Delete(o);
	o = parse_out(client_frame_who());
	ok(o && !strcmp(str(o, "type"), "who") && cJSON_GetArraySize(o) == 1,
	   "who");
	cJSON_Delete(o);
	o = parse_out(client_frame_bye("done"));
	ok(o && !strcmp(str(o, "reason"), "done"), "bye with reason");
	cJSON_Delete(o);
}

static int parse(const char *json, struct client_frame *f, const char **why)
{
	return client_frame_parse(json, strlen(json), f, why);
}

static void good(void)
{
	struct client_frame f;
	const char *why;

	ok(!parse("{\"type\":\"welcome\",\"session\":\"0123456789abcdef\","
		  "\"handshake\":\"AAECAw==\",\"extra\":[1]}", &f, &why) &&
	   f.type == CF_WELCOME && f.session == 0x0123456789abcdefULL &&
	   f.data_len == 4 && f.data[3] == 3,
	   "welcome: session, handshake; unknown members ignored");
	client_frame_free(&f);
	ok(!parse("{\"type\":\"ready\",\"session\":\"ffffffffffffffff\","
		  "\"user\":\"alice\",\"alg\":\"twofish_cbc\",\"epoch\":0,"
		  "\"online\":[\"bob\",\"carol\"]}", &f, &why) &&
	   f.type == CF_READY && f.session == UINT64_MAX &&
	   f.alg == SECMSG_ALG_TWOFISH_CBC && f.epoch == 0 &&
	   f.n_users == 2 && !strcmp(f.users[1], "carol"),
	   "ready: session, alg, epoch, online");
	client_frame_free(&f);
	ok(!parse("{\"type\":\"ready\",\"session\":\"0000000000000001\","
		  "\"alg\":\"aes_256_gcm\",\"epoch\":4294967295}", &f, &why) &&
	   f.epoch == UINT32_MAX && !f.users, "ready: no online, epoch 2^32-1");
	client_frame_free(&f);
	/* member names are case-sensitive: "Online" is an unknown one */
	ok(!parse("{\"type\":\"ready\",\"session\":\"0000000000000001\","
		  "\"alg\":\"aes_256_gcm\",\"epoch\":0,\"Online\":7}", &f,
		  &why) && !f.users, "ready: an unknown member \"Online\" ignored");
	client_frame_free(&f);
	ok(!parse("{\"type\":\"message\",\"from\":\"bob\",\"data\":\"aGk=\"}",
		  &f, &why) && f.type == CF_MESSAGE && !strcmp(f.from, "bob") &&
	   f.data_len == 2 && !memcmp(f.data, "hi", 2), "message");
	client_frame_free(&f);
	ok(!parse("{\"type\":\"delivery\",\"id\":7,\"status\":\"delivered\"}",
		  &f, &why) && f.type == CF_DELIVERY && f.id == 7 && f.delivered,
	   "delivery delivered");
	client_frame_free(&f);
	ok(!parse("{\"type\":\"delivery\",\"id\":8,\"status\":\"failed\","
		  "\"code\":\"recipient_offline\",\"message\":\"bob is not online\"}",
		  &f, &why) && !f.delivered &&
	   !strcmp(f.code, "recipient_offline") &&
	   client_err_from_code(f.code) == SECMSG_CLIENT_E_RECIPIENT_OFFLINE,
	   "delivery failed: code, message");
	client_frame_free(&f);
	ok(!parse("{\"type\":\"epoch\",\"epoch\":3,\"alg\":\"chacha20_poly1305\"}",
		  &f, &why) && f.type == CF_EPOCH && f.epoch == 3 &&
	   f.alg == SECMSG_ALG_CHACHA20_POLY1305, "epoch");
	client_frame_free(&f);
	ok(!parse("{\"type\":\"online\",\"users\":[]}", &f, &why) &&
	   f.type == CF_ONLINE && f.n_users == 0, "online, empty");
	client_frame_free(&f);
	ok(!parse("{\"type\":\"presence\",\"user\":\"bob\",\"online\":false}",
		  &f, &why) && f.type == CF_PRESENCE && !f.online,
	   "presence");
	client_frame_free(&f);
	ok(!parse("{\"type\":\"error\",\"code\":\"auth_failed\"}", &f, &why) &&
	   f.type == CF_ERROR && !f.message &&
	   client_err_from_code(f.code) == SECMSG_CLIENT_E_AUTH,
	   "error: code, no message");
	client_frame_free(&f);
	ok(!parse("{\"type\":\"bye\",\"reason\":\"session_expired\"}", &f,
		  &why) && f.type == CF_BYE &&
	   !strcmp(f.reason, "session_expired"), "bye");
	client_frame_free(&f);
	ok(!parse("{\"type\":\"future\",\"x\":1}", &f, &why) &&
	   f.type == CF_UNKNOWN, "an unknown type parses (ignored later)");
	client_frame_free(&f);
}

static void bad(void)
{
	static const char *const cases[][2] = {
		{ "{", "not JSON" },
		{ "[1]", "not an object" },
		{ "{\"type\":1}", "type not a string" },
		{ "{\"x\":1}", "no type" },
		{ "{\"type\":\"welcome\",\"session\":\"0123456789ABCDEF\","
		  "\"handshake\":\"AA==\"}", "session in uppercase" },
		{ "{\"type\":\"welcome\",\"session\":\"0123456789abcde\","
		  "\"handshake\":\"AA==\"}", "session of 15 digits" },
		{ "{\"type\":\"welcome\",\"session\":\"0123456789abcdef\","
		  "\"handshake\":\"A*==\"}", "bad base64" },
		{ "{\"type\":\"welcome\",\"session\":\"0123456789abcdef\"}",
		  "welcome without handshake" },
		{ "{\"type\":\"ready\",\"session\":\"0123456789abcdef\","
		  "\"alg\":\"rot13\",\"epoch\":0}", "unknown algorithm" },
		{ "{\"type\":\"ready\",\"session\":\"0123456789abcdef\","
		  "\"alg\":\"aes_256_gcm\",\"epoch\":4294967296}", "epoch 2^32" },
		{ "{\"type\":\"ready\",\"session\":\"0123456789abcdef\","
		  "\"alg\":\"aes_256_gcm\",\"epoch\":0,\"online\":[1]}",
		  "online holds a number" },
		{ "{\"type\":\"message\",\"data\":\"aGk=\"}", "message without from" },
		{ "{\"type\":\"delivery\",\"id\":-1,\"status\":\"delivered\"}",
		  "negative id" },
		{ "{\"type\":\"delivery\",\"id\":1.5,\"status\":\"delivered\"}",
		  "fractional id" },
		{ "{\"type\":\"delivery\",\"id\":9007199254740993,"
		  "\"status\":\"delivered\"}", "id above 2^53" },
		{ "{\"type\":\"delivery\",\"id\":\"1\",\"status\":\"delivered\"}",
		  "id as a string" },
		{ "{\"type\":\"delivery\",\"id\":1,\"status\":\"lost\"}",
		  "unknown status" },
		{ "{\"type\":\"delivery\",\"id\":1,\"status\":\"failed\"}",
		  "failed without code" },
		{ "{\"type\":\"epoch\",\"epoch\":1}", "epoch without alg" },
		{ "{\"type\":\"presence\",\"user\":\"bob\",\"online\":1}",
		  "presence online not a boolean" },
		{ "{\"type\":\"error\",\"message\":\"x\"}", "error without code" },
		{ "{\"type\":\"bye\",\"reason\":5}", "bye reason not a string" },
	};
	struct client_frame f;
	const char *why;
	size_t i;
	char *big;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why = NULL;
		ok(parse(cases[i][0], &f, &why) == SECMSG_CLIENT_E_PROTOCOL &&
		   why, "refused: %s (%s)", cases[i][1], why ? why : "-");
		client_frame_free(&f);
	}
	big = malloc(CLIENT_MAX_FRAME + 2);
	memset(big, ' ', CLIENT_MAX_FRAME + 1);
	big[CLIENT_MAX_FRAME + 1] = 0;
	ok(parse(big, &f, &why) == SECMSG_CLIENT_E_PROTOCOL,
	   "refused: a frame above 256 KiB");
	client_frame_free(&f);
	free(big);
}

static void errors(void)
{
	int e, bad = 0;

	for (e = 0; e >= SECMSG_CLIENT_E_MAX; e--)
		if (!strcmp(secmsg_client_strerror(e), "unknown error"))
			bad++;
	ok(!bad && !strcmp(secmsg_client_strerror(-1000), "unknown error"),
	   "every error code has its words");
	ok(client_err_from_code("unknown_user") == SECMSG_CLIENT_E_UNKNOWN_USER &&
	   client_err_from_code("bad_message") == SECMSG_CLIENT_E_BAD_MESSAGE &&
	   client_err_from_code("frame_too_large") == SECMSG_CLIENT_E_SERVER &&
	   client_err_from_code("node_unreachable") ==
	   SECMSG_CLIENT_E_NODE_UNREACHABLE &&
	   !strcmp(secmsg_client_err_code(SECMSG_CLIENT_E_NODE_UNREACHABLE),
		   "node_unreachable") &&
	   !strcmp(secmsg_client_err_code(SECMSG_CLIENT_E_REPLAYED), "replayed"),
	   "protocol codes map both ways");
}

int main(void)
{
	build();
	good();
	bad();
	errors();
	return done();
}
