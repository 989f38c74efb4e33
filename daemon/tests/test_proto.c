// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Host tests: frame parsing and validation, builders (daemon/proto.c). */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../../tools/lib/tests/tap.h"
#include "secmsg/codec.h"
#include "proto.h"

static const char *code_of(const char *text)
{
	static char code[32];
	struct proto_err e;
	struct frame f;

	if (!proto_parse(text, strlen(text), &f, &e)) {
		frame_clear(&f);
		return "ok";
	}
	snprintf(code, sizeof(code), "%s", e.code);
	return code;
}

static void expect(const char *text, const char *code)
{
	const char *got = code_of(text);

	ok(!strcmp(got, code), "%s -> %s (got %s)", text, code, got);
}

static void test_utf8(void)
{
	ok(proto_utf8_valid("plain", 5), "utf8: ASCII");
	ok(proto_utf8_valid("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9),
	   "utf8: 2, 3 and 4 bytes");
	ok(!proto_utf8_valid("\xc0\x80", 2), "utf8: overlong NUL");
	ok(!proto_utf8_valid("\xe0\x80\xaf", 3), "utf8: overlong 3 bytes");
	ok(!proto_utf8_valid("\xed\xa0\x80", 3), "utf8: surrogate");
	ok(!proto_utf8_valid("\xf4\x90\x80\x80", 4), "utf8: above U+10FFFF");
	ok(!proto_utf8_valid("\xe2\x82", 2), "utf8: truncated");
	ok(!proto_utf8_valid("\x80", 1), "utf8: lone continuation");
	ok(!proto_utf8_valid("\xff", 1), "utf8: 0xff");
}

static void test_errors(void)
{
	expect("", "bad_json");
	expect("nope", "bad_json");
	expect("[1]", "bad_json");
	expect("\"who\"", "bad_json");
	expect("{\"type\":\"who\"} x", "bad_json");
	expect("{\"type\":\"who\",}", "bad_json");
	expect("{\"type\":\"who\",\"x\":\"\\u0000\"}", "bad_json");
	expect("{}", "bad_field");
	expect("{\"type\":1}", "bad_field");
	expect("{\"type\":null}", "bad_field");
	expect("{\"type\":\"WHO\"}", "unknown_type");
	expect("{\"type\":\"frobnicate\"}", "unknown_type");
	expect("{\"type\":\"who\"}", "ok");
	expect("{\"type\":\"who\",\"extra\":[1,{\"a\":null}]}", "ok");
	expect("{\"type\":\"bye\",\"reason\":\"done\"}", "ok");
	expect("{\"type\":\"rotate\"}", "ok");
	expect("{\"type\":\"rotate\",\"alg\":\"twofish_cbc\"}", "ok");
	expect("{\"type\":\"rotate\",\"alg\":\"des\"}", "bad_field");
	expect("{\"type\":\"rotate\",\"alg\":3}", "bad_field");
	expect("{\"type\":\"confirm\"}", "bad_field");
	expect("{\"type\":\"confirm\",\"handshake\":\"AAAA\"}", "ok");
	expect("{\"type\":\"confirm\",\"handshake\":\"AAA\"}", "bad_base64");
	expect("{\"type\":\"confirm\",\"handshake\":\"AA AA\"}", "bad_base64");
	expect("{\"type\":\"confirm\",\"handshake\":\"AB==\"}", "bad_base64");

	/* hello */
	expect("{\"type\":\"hello\",\"version\":1,\"user\":\"alice\","
	       "\"alg\":\"aes_256_gcm\",\"handshake\":\"AAAA\"}", "ok");
	expect("{\"type\":\"hello\",\"version\":2,\"user\":\"alice\","
	       "\"alg\":\"aes_256_gcm\",\"handshake\":\"AAAA\"}", "bad_field");
	expect("{\"type\":\"hello\",\"user\":\"alice\","
	       "\"alg\":\"aes_256_gcm\",\"handshake\":\"AAAA\"}", "bad_field");
	expect("{\"type\":\"hello\",\"version\":1,\"user\":7,"
	       "\"alg\":\"aes_256_gcm\",\"handshake\":\"AAAA\"}", "bad_field");
	expect("{\"type\":\"hello\",\"version\":1,\"user\":\"a\","
	       "\"alg\":\"AES\",\"handshake\":\"AAAA\"}", "bad_field");
	expect("{\"type\":\"hello\",\"version\":1,\"user\":\"a\","
	       "\"alg\":\"aes_256_gcm\"}", "bad_field");
	expect("{\"type\":\"hello\",\"version\":1,\"user\":\"a\","
	       "\"alg\":\"aes_256_gcm\",\"handshake\":\"!!!!\"}", "bad_base64");
	expect("{\"type\":\"hello\",\"version\":1,\"user\":\"a\","
	       "\"alg\":\"aes_256_gcm\",\"handshake\":\"AAAA\","
	       "\"pubkey\":\"AAAA\"}", "bad_field");
	expect("{\"type\":\"hello\",\"version\":1,\"user\":\"a\","
	       "\"alg\":\"aes_256_gcm\",\"handshake\":\"AAAA\","
	       "\"pubkey\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}",
	       "ok");

	/* message */
	expect("{\"type\":\"message\",\"id\":0,\"to\":\"b\",\"data\":\"\"}", "ok");
	expect("{\"type\":\"message\",\"id\":9007199254740991,\"to\":\"b\","
	       "\"data\":\"AAAA\"}", "ok");
	expect("{\"type\":\"message\",\"id\":9007199254740992,\"to\":\"b\","
	       "\"data\":\"AAAA\"}", "bad_field");
	expect("{\"type\":\"message\",\"id\":-1,\"to\":\"b\",\"data\":\"AAAA\"}",
	       "bad_field");
	expect("{\"type\":\"message\",\"id\":1.5,\"to\":\"b\",\"data\":\"AAAA\"}",
	       "bad_field");
	expect("{\"type\":\"message\",\"id\":\"1\",\"to\":\"b\",\"data\":\"AAAA\"}",
	       "bad_field");
	expect("{\"type\":\"message\",\"to\":\"b\",\"data\":\"AAAA\"}",
	       "bad_field");
	expect("{\"type\":\"message\",\"id\":1,\"data\":\"AAAA\"}", "bad_field");
	expect("{\"type\":\"message\",\"id\":1,\"to\":\"b\"}", "bad_field");
	expect("{\"type\":\"message\",\"id\":1,\"to\":\"b\",\"data\":[]}",
	       "bad_field");
	expect("{\"type\":\"message\",\"id\":1,\"to\":\"b\",\"data\":\"AAA\"}",
	       "bad_base64");
	expect("{\"type\":\"message\",\"id\":1,\"to\":\"b\",\"data\":\"A===\"}",
	       "bad_base64");
	expect("{\"type\":\"message\",\"id\":1,\"to\":\"b\",\"data\":\"AA==AA==\"}",
	       "bad_base64");
}

static void test_fields(void)
{
	struct proto_err e;
	struct frame f;
	const char *t;
	char *big;
	size_t n, i;

	t = "{\"type\":\"message\",\"id\":7,\"to\":\"bob\",\"data\":\"AQID\"}";
	ok(!proto_parse(t, strlen(t), &f, &e) && f.type == F_MESSAGE &&
	   f.has_id && f.id == 7 && f.to_valid && !strcmp(f.to, "bob") &&
	   f.data_len == 3 && f.data[0] == 1 && f.data[2] == 3 && !f.too_large,
	   "message fields");
	frame_clear(&f);

	t = "{\"type\":\"message\",\"id\":7,\"to\":\"bad name\",\"data\":\"\"}";
	ok(!proto_parse(t, strlen(t), &f, &e) && !f.to_valid,
	   "message to a malformed user id parses (recipient_unknown later)");
	frame_clear(&f);

	t = "{\"type\":\"message\",\"id\":12,\"to\":\"b\",\"data\":\"@@@@\"}";
	ok(proto_parse(t, strlen(t), &f, &e) && f.has_id && f.id == 12 &&
	   !strcmp(e.code, "bad_base64"), "an error keeps the frame's id");

	t = "{\"type\":\"nope\",\"id\":3}";
	ok(proto_parse(t, strlen(t), &f, &e) && f.has_id && f.id == 3,
	   "unknown type keeps the id");

	t = "{\"type\":\"hello\",\"version\":1,\"user\":\"alice@x.org\","
	    "\"alg\":\"chacha20_poly1305\",\"handshake\":\"AQ==\"}";
	ok(!proto_parse(t, strlen(t), &f, &e) && f.type == F_HELLO &&
	   f.user_valid && !strcmp(f.user, "alice@x.org") && f.alg == 2 &&
	   f.hs_len == 1 && f.hs[0] == 1 && !f.has_pubkey, "hello fields");
	frame_clear(&f);

	t = "{\"type\":\"hello\",\"version\":1,\"user\":\"-x\","
	    "\"alg\":\"twofish_cbc\",\"handshake\":\"AQ==\"}";
	ok(!proto_parse(t, strlen(t), &f, &e) && !f.user_valid,
	   "hello with a malformed user parses (unknown_user later)");
	frame_clear(&f);

	/* a sealed message just over the limit is flagged, not refused */
	n = (PROTO_MAX_SEALED + 1 + 2) / 3 * 4;
	big = malloc(n + 64);
	i = (size_t)sprintf(big, "{\"type\":\"message\",\"id\":1,\"to\":\"b\","
			    "\"data\":\"");
	memset(big + i, 'A', n);
	strcpy(big + i + n, "\"}");
	ok(!proto_parse(big, strlen(big), &f, &e) && f.too_large,
	   "data over PROTO_MAX_SEALED is too_large");
	frame_clear(&f);
	n = PROTO_MAX_SEALED / 3 * 4;
	memset(big + i, 'A', n);
	strcpy(big + i + n, "\"}");
	ok(!proto_parse(big, strlen(big), &f, &e) && !f.too_large &&
	   f.data_len == PROTO_MAX_SEALED / 3 * 3, "data at the limit is fine");
	frame_clear(&f);
	free(big);

	ok(proto_parse("{\"type\":\"who\"}\0", 16, &f, &e) &&
	   !strcmp(e.code, "bad_json"), "a raw NUL in the frame");
	ok(proto_parse("{\"type\":\"\xff\"}", 12, &f, &e) &&
	   !strcmp(e.code, "bad_json"), "invalid UTF-8");
}

static cJSON *parse_out(char *s)
{
	cJSON *o = s ? cJSON_Parse(s) : NULL;

	proto_free_text(s);
	return o;
}

static const char *str(cJSON *o, const char *k)
{
	cJSON *m = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(m) ? m->valuestring : "";
}

static void test_builders(void)
{
	const char *online[] = { "bob", "carol" };
	uint8_t msg2[SECMSG_HS_RESPONSE_LEN] = { 2, 1 }, data[300];
	char hex[17], *m, *ref;
	size_t len;
	cJSON *o, *a;

	proto_session_hex(0x0123456789abcdefULL, hex);
	ok(!strcmp(hex, "0123456789abcdef"), "session hex");
	proto_session_hex(1, hex);
	ok(!strcmp(hex, "0000000000000001"), "session hex keeps zeros");

	o = parse_out(proto_welcome(0xfeULL, msg2, sizeof(msg2)));
	ok(o && !strcmp(str(o, "type"), "welcome") &&
	   !strcmp(str(o, "session"), "00000000000000fe") &&
	   strlen(str(o, "handshake")) == 80, "welcome");
	cJSON_Delete(o);

	o = parse_out(proto_ready(5, "alice", 3, 2, online, 2));
	a = o ? cJSON_GetObjectItem(o, "online") : NULL;
	ok(o && !strcmp(str(o, "type"), "ready") &&
	   !strcmp(str(o, "alg"), "twofish_cbc") &&
	   cJSON_GetObjectItem(o, "epoch")->valuedouble == 2 &&
	   cJSON_GetArraySize(a) == 2 &&
	   !strcmp(cJSON_GetArrayItem(a, 1)->valuestring, "carol"), "ready");
	cJSON_Delete(o);

	o = parse_out(proto_ready(5, "alice", 1, 0, NULL, 0));
	a = o ? cJSON_GetObjectItem(o, "online") : NULL;
	ok(cJSON_IsArray(a) && !cJSON_GetArraySize(a), "ready, nobody online");
	cJSON_Delete(o);

	m = proto_error("bad_field", "say \"hi\"\n", true, 9007199254740991ULL);
	ok(m && strstr(m, "\"id\":9007199254740991") != NULL,
	   "error: a 2^53 - 1 id printed exactly");
	o = parse_out(m);
	ok(o && !strcmp(str(o, "message"), "say \"hi\"\n"), "error message escaped");
	cJSON_Delete(o);
	o = parse_out(proto_error("internal", NULL, false, 0));
	ok(o && !cJSON_GetObjectItem(o, "id"), "error without id");
	cJSON_Delete(o);

	m = proto_failed(7, "internal", "a\x01" "b\\c\t");
	ok(m && !strcmp(m, "{\"type\":\"delivery\",\"id\":7,\"status\":"
			   "\"failed\",\"code\":\"internal\",\"message\":"
			   "\"a\\u0001b\\\\c\\u0009\"}"),
	   "failed: exact text, control characters and backslash escaped");
	proto_free_text(m);
	m = proto_delivered(0);
	ok(m && !strcmp(m, "{\"type\":\"delivery\",\"id\":0,"
			   "\"status\":\"delivered\"}"), "delivered: exact text");
	proto_free_text(m);

	o = parse_out(proto_delivered(42));
	ok(o && !strcmp(str(o, "status"), "delivered") &&
	   cJSON_GetObjectItem(o, "id")->valuedouble == 42, "delivered");
	cJSON_Delete(o);
	o = parse_out(proto_failed(1, "recipient_offline", "bob is not online"));
	ok(o && !strcmp(str(o, "status"), "failed") &&
	   !strcmp(str(o, "code"), "recipient_offline") &&
	   !strcmp(str(o, "message"), "bob is not online"), "failed");
	cJSON_Delete(o);

	for (len = 0; len < sizeof(data); len++)
		data[len] = (uint8_t)(len * 7);
	m = proto_message("alice", data, sizeof(data), &len);
	ok(m && len == strlen(m), "message: length reported");
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "message");
	cJSON_AddStringToObject(o, "from", "alice");
	ref = NULL;
	{
		char b64[SECMSG_B64_LEN(300)];

		secmsg_base64_encode(data, sizeof(data), b64);
		cJSON_AddStringToObject(o, "data", b64);
	}
	ref = cJSON_PrintUnformatted(o);
	ok(m && ref && !strcmp(m, ref),
	   "message: the hand-built frame equals cJSON's");
	cJSON_Delete(o);
	proto_free_text(ref);
	proto_free_text(m);
	m = proto_message("bob", data, 0, &len);
	ok(m && !strcmp(m, "{\"type\":\"message\",\"from\":\"bob\",\"data\":\"\"}"),
	   "message: empty data");
	proto_free_text(m);

	o = parse_out(proto_epoch(3, 2));
	ok(o && !strcmp(str(o, "alg"), "chacha20_poly1305") &&
	   cJSON_GetObjectItem(o, "epoch")->valuedouble == 3, "epoch");
	cJSON_Delete(o);
	ok(proto_epoch(3, 0) == NULL, "epoch with no algorithm: NULL");
	o = parse_out(proto_presence("bob", false));
	ok(o && cJSON_IsFalse(cJSON_GetObjectItem(o, "online")), "presence");
	cJSON_Delete(o);
	o = parse_out(proto_online(online, 2));
	ok(o && cJSON_GetArraySize(cJSON_GetObjectItem(o, "users")) == 2,
	   "online");
	cJSON_Delete(o);
	o = parse_out(proto_bye("shutdown"));
	ok(o && !strcmp(str(o, "reason"), "shutdown"), "bye");
	cJSON_Delete(o);
}

static void test_b64(void)
{
	uint8_t out[8];

	ok(proto_b64_decode("", 0, out, sizeof(out)) == 0, "b64: empty");
	ok(proto_b64_decode("AA==", 4, out, sizeof(out)) == 1, "b64: 1 byte");
	ok(proto_b64_decode("AAA=", 4, out, sizeof(out)) == 2, "b64: 2 bytes");
	ok(proto_b64_decode("AAAA", 4, out, sizeof(out)) == 3, "b64: 3 bytes");
	ok(proto_b64_decode("AA", 2, out, sizeof(out)) < 0,
	   "b64: padding required");
	ok(proto_b64_decode("AB==", 4, out, sizeof(out)) < 0,
	   "b64: non-canonical trailing bits");
	ok(proto_b64_decode("====", 4, out, sizeof(out)) < 0, "b64: all padding");
	ok(proto_b64_decode("A===", 4, out, sizeof(out)) < 0, "b64: 3 pads");
	ok(proto_b64_decode("AA=A", 4, out, sizeof(out)) < 0,
	   "b64: padding inside");
	ok(proto_b64_decode("-_-_", 4, out, sizeof(out)) < 0,
	   "b64: URL alphabet refused");
	ok(proto_b64_decode("AAAAAAAAAAAA", 12, out, sizeof(out)) < 0,
	   "b64: no room");
	ok(proto_b64_decode("+/+/", 4, out, sizeof(out)) == 3 &&
	   out[0] == 0xfb && out[1] == 0xff && out[2] == 0xbf,
	   "b64: + and /");
}

int main(void)
{
	proto_init();
	test_utf8();
	test_errors();
	test_fields();
	test_builders();
	test_b64();
	return done();
}
