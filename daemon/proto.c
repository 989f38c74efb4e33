// SPDX-License-Identifier: GPL-2.0 OR MIT
/* WebSocket frames of docs/protocol.md section 5 (see proto.h). */
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "secmsg/codec.h"
#include "secmsg/handshake.h"
#include "secmsg/nl.h"

#include "proto.h"

/* An allocation of cJSON's failed (since proto_parse() cleared it). */
static _Thread_local bool cjson_oom;

static void *wipe_malloc(size_t n)
{
	void *p = malloc(n);

	if (!p)
		cjson_oom = true;
	return p;
}

static void wipe_free(void *p)
{
	if (p)
		explicit_bzero(p, malloc_usable_size(p));
	free(p);
}

void proto_init(void)
{
	cJSON_Hooks hooks = { .malloc_fn = wipe_malloc, .free_fn = wipe_free };

	cJSON_InitHooks(&hooks);
}

void proto_free_text(char *s)
{
	if (s)
		explicit_bzero(s, strlen(s));
	/* cJSON_Print* output comes from the hooks' malloc: plain free */
	free(s);
}

bool proto_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n, k;
	uint32_t cp;

	while (i < len) {
		unsigned char c = s[i];

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (len - i <= n)
			return false;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

size_t proto_b64_decoded_max(size_t len)
{
	return len / 4 * 3 + 3;
}

long proto_b64_decode(const char *in, size_t len, uint8_t *out, size_t room)
{
	if (len % 4)
		return -EINVAL;
	return secmsg_base64_decode(in, len, out, room);
}

static int fail(struct proto_err *e, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct proto_err *e, const char *code, const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* A required or optional string member; NULL when absent. */
static int get_string(const cJSON *o, const char *name, bool required,
		      const char **out, struct proto_err *e)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);

	*out = NULL;
	if (!m) {
		if (required)
			return fail(e, "bad_field", "member '%s' is missing",
				    name);
		return 0;
	}
	if (!cJSON_IsString(m) || !m->valuestring)
		return fail(e, "bad_field", "member '%s' must be a string",
			    name);
	*out = m->valuestring;
	return 0;
}

/* base64 member into a new buffer of at most max bytes */
static int get_b64(const cJSON *o, const char *name, size_t max,
		   uint8_t **out, size_t *out_len, struct proto_err *e)
{
	const char *s;
	size_t n;
	long got;

	if (get_string(o, name, true, &s, e))
		return -1;
	n = strlen(s);
	/* at least n / 4 * 3 - 2 bytes: refuse before allocating */
	if (n / 4 * 3 > max + 2)
		return fail(e, "bad_field", "member '%s' is too long", name);
	*out = malloc(proto_b64_decoded_max(n) + 1);
	if (!*out)
		return fail(e, "internal", "out of memory");
	got = proto_b64_decode(s, n, *out, proto_b64_decoded_max(n));
	if (got < 0 || (size_t)got > max) {
		explicit_bzero(*out, proto_b64_decoded_max(n) + 1);
		free(*out);
		*out = NULL;
		if (got >= 0 || got == -EMSGSIZE)
			return fail(e, "bad_field", "member '%s' is too long",
				    name);
		return fail(e, "bad_base64",
			    "member '%s' is not padded standard base64", name);
	}
	*out_len = (size_t)got;
	return 0;
}

static int get_alg(const cJSON *o, bool required, int *alg,
		   struct proto_err *e)
{
	const char *s;

	*alg = 0;
	if (get_string(o, "alg", required, &s, e))
		return -1;
	if (!s)
		return 0;
	*alg = secmsg_alg_from_name(s);
	if (!*alg)
		return fail(e, "bad_field",
			    "unknown alg (aes_256_gcm, chacha20_poly1305, twofish_cbc)");
	return 0;
}

/* "id": an integer 0 .. 2^53 - 1 */
static int get_id(const cJSON *o, struct frame *f, struct proto_err *e)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, "id");
	double d;

	if (!m)
		return fail(e, "bad_field", "member 'id' is missing");
	if (!cJSON_IsNumber(m))
		return fail(e, "bad_field", "member 'id' must be a number");
	d = m->valuedouble;
	if (!isfinite(d) || d < 0 || d > (double)PROTO_MAX_ID || floor(d) != d)
		return fail(e, "bad_field",
			    "member 'id' must be an integer from 0 to 2^53 - 1");
	f->id = (uint64_t)d;
	f->has_id = true;
	return 0;
}

static void copy_user(const char *s, char *out, bool *valid)
{
	size_t n = strlen(s);

	*valid = n <= SECMSG_USER_ID_MAX && secmsg_user_id_valid(s);
	if (*valid)
		memcpy(out, s, n + 1);
	else
		out[0] = '\0';
}

static int parse_hello(const cJSON *o, struct frame *f, struct proto_err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "version");
	const char *user;
	uint8_t *pk = NULL;
	size_t pk_len = 0;

	if (!v)
		return fail(e, "bad_field", "member 'version' is missing");
	if (!cJSON_IsNumber(v))
		return fail(e, "bad_field", "member 'version' must be a number");
	if (v->valuedouble != PROTO_VERSION)
		return fail(e, "bad_field", "unsupported version (this server speaks 1)");
	if (get_string(o, "user", true, &user, e) ||
	    get_alg(o, true, &f->alg, e))
		return -1;
	copy_user(user, f->user, &f->user_valid);
	if (get_b64(o, "handshake", PROTO_MAX_HANDSHAKE, &f->hs, &f->hs_len, e))
		return -1;
	if (cJSON_GetObjectItemCaseSensitive(o, "pubkey")) {
		if (get_b64(o, "pubkey", 64, &pk, &pk_len, e))
			return -1;
		if (pk_len != SECMSG_X25519_LEN) {
			explicit_bzero(pk, pk_len);
			free(pk);
			return fail(e, "bad_field",
				    "member 'pubkey' must be 32 bytes");
		}
		memcpy(f->pubkey, pk, sizeof(f->pubkey));
		f->has_pubkey = true;
		explicit_bzero(pk, pk_len);
		free(pk);
	}
	return 0;
}

static int parse_message(const cJSON *o, struct frame *f, struct proto_err *e)
{
	const char *to, *data;
	size_t n;
	long got;

	if (get_id(o, f, e) || get_string(o, "to", true, &to, e) ||
	    get_string(o, "data", true, &data, e))
		return -1;
	copy_user(to, f->to, &f->to_valid);
	n = strlen(data);
	if (n % 4)
		return fail(e, "bad_base64",
			    "member 'data' is not padded standard base64");
	if (n / 4 * 3 > PROTO_MAX_SEALED + 2) {
		/* certainly too large: no need to decode it */
		f->too_large = true;
		return 0;
	}
	f->data = malloc(proto_b64_decoded_max(n));
	if (!f->data)
		return fail(e, "internal", "out of memory");
	got = proto_b64_decode(data, n, f->data, proto_b64_decoded_max(n));
	if (got < 0)
		return fail(e, "bad_base64",
			    "member 'data' is not padded standard base64");
	f->data_len = (size_t)got;
	if (f->data_len > PROTO_MAX_SEALED)
		f->too_large = true;
	return 0;
}

static const struct {
	const char *name;
	enum frame_type type;
} types[] = {
	{ "hello", F_HELLO },
	{ "confirm", F_CONFIRM },
	{ "message", F_MESSAGE },
	{ "rotate", F_ROTATE },
	{ "who", F_WHO },
	{ "bye", F_BYE },
};

/* cJSON turns \u0000 into a NUL that silently cuts strings: refuse it. */
static bool has_escaped_nul(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i + 6 <= len; i++)
		if (s[i] == '\\' && s[i + 1] == 'u' && s[i + 2] == '0' &&
		    s[i + 3] == '0' && s[i + 4] == '0' && s[i + 5] == '0')
			return true;
	return false;
}

static int parse_once(const char *text, size_t len, struct frame *f,
		      struct proto_err *e)
{
	const cJSON *t;
	cJSON *o;
	char *buf;
	size_t i;
	int rc = -1;

	memset(f, 0, sizeof(*f));
	e->code = NULL;
	e->msg[0] = '\0';
	if (!proto_utf8_valid(text, len))
		return fail(e, "bad_json", "frame is not valid UTF-8");
	if (memchr(text, '\0', len) || has_escaped_nul(text, len))
		return fail(e, "bad_json", "NUL characters are not allowed");
	/* cJSON wants a terminating NUL inside the length it is given */
	buf = malloc(len + 1);
	if (!buf)
		return fail(e, "internal", "out of memory");
	memcpy(buf, text, len);
	buf[len] = '\0';
	cjson_oom = false;
	o = cJSON_ParseWithLengthOpts(buf, len + 1, NULL, true);
	explicit_bzero(buf, len + 1);
	free(buf);
	/* valid JSON it may be: the frame was not read, its id is unknown */
	if (!o && cjson_oom)
		return fail(e, "internal", "out of memory");
	if (!o)
		return fail(e, "bad_json", "frame is not valid JSON");
	if (!cJSON_IsObject(o)) {
		fail(e, "bad_json", "frame is not a JSON object");
		goto out;
	}
	/* the id first, so that any error about the frame can echo it */
	t = cJSON_GetObjectItemCaseSensitive(o, "id");
	if (t && cJSON_IsNumber(t) && t->valuedouble >= 0 &&
	    t->valuedouble <= (double)PROTO_MAX_ID &&
	    floor(t->valuedouble) == t->valuedouble) {
		f->has_id = true;
		f->id = (uint64_t)t->valuedouble;
	}
	t = cJSON_GetObjectItemCaseSensitive(o, "type");
	if (!t) {
		fail(e, "bad_field", "member 'type' is missing");
		goto out;
	}
	if (!cJSON_IsString(t) || !t->valuestring) {
		fail(e, "bad_field", "member 'type' must be a string");
		goto out;
	}
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(t->valuestring, types[i].name))
			f->type = types[i].type;
	switch (f->type) {
	case F_HELLO:
		rc = parse_hello(o, f, e);
		break;
	case F_CONFIRM:
		rc = get_b64(o, "handshake", PROTO_MAX_HANDSHAKE, &f->hs,
			     &f->hs_len, e);
		break;
	case F_MESSAGE:
		rc = parse_message(o, f, e);
		break;
	case F_ROTATE:
		rc = get_alg(o, false, &f->alg, e);
		break;
	case F_WHO:
	case F_BYE:
		rc = 0;
		break;
	case F_NONE:
		fail(e, "unknown_type", "unknown frame type");
		break;
	}
out:
	cJSON_Delete(o);
	if (rc) {
		enum frame_type type = f->type;
		bool has_id = f->has_id;
		uint64_t id = f->id;

		frame_clear(f);
		f->type = type;
		f->has_id = has_id;
		f->id = id;
	}
	return rc;
}

int proto_parse(const char *text, size_t len, struct frame *f,
		struct proto_err *e)
{
	int rc = parse_once(text, len, f, e);

	/*
	 * Out of memory before the frame could be read: its type and id are
	 * unknown, so the answer could name no message.  Once more: the
	 * failed attempt gave back what it had taken (its copy, cJSON's
	 * partial tree), and a message read gets a delivery result.
	 */
	if (rc && !strcmp(e->code, "internal") && f->type == F_NONE &&
	    !f->has_id)
		rc = parse_once(text, len, f, e);
	return rc;
}

void frame_clear(struct frame *f)
{
	if (f->hs) {
		explicit_bzero(f->hs, f->hs_len);
		free(f->hs);
	}
	if (f->data) {
		explicit_bzero(f->data, f->data_len);
		free(f->data);
	}
	explicit_bzero(f, sizeof(*f));
}

void proto_session_hex(uint64_t id, char out[17])
{
	snprintf(out, 17, "%016" PRIx64, id);
}

/* ---- builders ---- */

static cJSON *obj(const char *type)
{
	cJSON *o = cJSON_CreateObject();

	if (o && !cJSON_AddStringToObject(o, "type", type)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* exact integers, whatever their size (cJSON numbers are doubles) */
static bool add_u64(cJSON *o, const char *name, uint64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	return cJSON_AddRawToObject(o, name, num) != NULL;
}

static bool add_b64(cJSON *o, const char *name, const uint8_t *p, size_t n)
{
	char *s = malloc(SECMSG_B64_LEN(n));
	bool ok;

	if (!s)
		return false;
	secmsg_base64_encode(p, n, s);
	ok = cJSON_AddStringToObject(o, name, s) != NULL;
	explicit_bzero(s, SECMSG_B64_LEN(n));
	free(s);
	return ok;
}

static bool add_session(cJSON *o, uint64_t id)
{
	char hex[17];

	proto_session_hex(id, hex);
	return cJSON_AddStringToObject(o, "session", hex) != NULL;
}

static bool add_users(cJSON *o, const char *name, const char *const *u,
		      size_t n)
{
	cJSON *a = cJSON_AddArrayToObject(o, name);
	size_t i;

	if (!a)
		return false;
	for (i = 0; i < n; i++) {
		cJSON *s = cJSON_CreateString(u[i]);

		if (!s)
			return false;
		cJSON_AddItemToArray(a, s);
	}
	return true;
}

static char *finish(cJSON *o, bool ok)
{
	char *s = NULL;

	if (o && ok)
		s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

char *proto_welcome(uint64_t session, const uint8_t *msg2, size_t len)
{
	cJSON *o = obj("welcome");

	return finish(o, o && add_session(o, session) &&
			 add_b64(o, "handshake", msg2, len));
}

char *proto_ready(uint64_t session, const char *user, int alg,
		  uint32_t epoch, const char *const *online, size_t n)
{
	cJSON *o = obj("ready");
	const char *an = secmsg_alg_name(alg);

	return finish(o, o && an && add_session(o, session) &&
			 cJSON_AddStringToObject(o, "user", user) &&
			 cJSON_AddStringToObject(o, "alg", an) &&
			 add_u64(o, "epoch", epoch) &&
			 add_users(o, "online", online, n));
}

/*
 * The small frames a client must get even when memory is short (errors
 * and delivery results) are printed here, into one allocation, not
 * through a cJSON tree (a handful of allocations each).  A text of
 * cap - 1 bytes at most; t->len counts what it would take beyond that.
 */
struct jtext {
	char *p;
	size_t len, cap;
};

static void jt_raw(struct jtext *t, const char *s, size_t n)
{
	if (t->len + n < t->cap)
		memcpy(t->p + t->len, s, n);
	t->len += n;
}

static void jt_str(struct jtext *t, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	char esc[6] = { '\\', 'u', '0', '0' };

	jt_raw(t, "\"", 1);
	for (; *u; u++) {
		if (*u == '"' || *u == '\\') {
			esc[1] = (char)*u;
			jt_raw(t, esc, 2);
		} else if (*u < 0x20) {
			esc[1] = 'u';
			esc[4] = hex[*u >> 4];
			esc[5] = hex[*u & 15];
			jt_raw(t, esc, 6);
		} else {
			jt_raw(t, (const char *)u, 1);
		}
	}
	jt_raw(t, "\"", 1);
}

/* "name":"value" (value NULL: nothing), after a comma */
static void jt_member(struct jtext *t, const char *name, const char *value)
{
	if (!value)
		return;
	jt_raw(t, ",", 1);
	jt_str(t, name);
	jt_raw(t, ":", 1);
	jt_str(t, value);
}

static char *small_frame(const char *type, const uint64_t *id,
			 const char *const members[][2], size_t n)
{
	struct jtext t = { NULL, 0, 0 };
	char num[24];
	size_t i;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		if (pass) {
			t.cap = t.len + 1;
			t.p = malloc(t.cap);
			if (!t.p)
				return NULL;
			t.len = 0;
		}
		jt_raw(&t, "{\"type\":", 8);
		jt_str(&t, type);
		if (id) {
			snprintf(num, sizeof(num), "%" PRIu64, *id);
			jt_raw(&t, ",\"id\":", 6);
			jt_raw(&t, num, strlen(num));
		}
		for (i = 0; i < n; i++)
			jt_member(&t, members[i][0], members[i][1]);
		jt_raw(&t, "}", 1);
	}
	t.p[t.len] = '\0';
	return t.p;
}

char *proto_error(const char *code, const char *msg, bool has_id,
		  uint64_t id)
{
	const char *const m[][2] = {
		{ "code", code }, { "message", msg ? msg : "" },
	};

	return small_frame("error", has_id ? &id : NULL, m, 2);
}

char *proto_bye(const char *reason)
{
	cJSON *o = obj("bye");

	return finish(o, o && cJSON_AddStringToObject(o, "reason", reason));
}

char *proto_delivered(uint64_t id)
{
	const char *const m[][2] = { { "status", "delivered" } };

	return small_frame("delivery", &id, m, 1);
}

char *proto_failed(uint64_t id, const char *code, const char *msg)
{
	const char *const m[][2] = {
		{ "status", "failed" }, { "code", code },
		{ "message", msg ? msg : "" },
	};

	return small_frame("delivery", &id, m, 3);
}

/*
 * The hot path, built by hand: user ids ([A-Za-z0-9._@-]) and base64 need
 * no JSON escaping.
 */
char *proto_message(const char *from, const uint8_t *data, size_t len,
		    size_t *out_len)
{
	static const char head[] = "{\"type\":\"message\",\"from\":\"";
	static const char mid[] = "\",\"data\":\"";
	static const char tail[] = "\"}";
	size_t fl = strlen(from), n;
	char *s, *p;

	n = sizeof(head) - 1 + fl + sizeof(mid) - 1 + SECMSG_B64_LEN(len) - 1 +
	    sizeof(tail) - 1;
	s = malloc(n + 1);
	if (!s)
		return NULL;
	p = s;
	memcpy(p, head, sizeof(head) - 1);
	p += sizeof(head) - 1;
	memcpy(p, from, fl);
	p += fl;
	memcpy(p, mid, sizeof(mid) - 1);
	p += sizeof(mid) - 1;
	p += secmsg_base64_encode(data, len, p);
	memcpy(p, tail, sizeof(tail));
	if (out_len)
		*out_len = n;
	return s;
}

char *proto_epoch(uint32_t epoch, int alg)
{
	cJSON *o = obj("epoch");
	const char *an = secmsg_alg_name(alg);

	return finish(o, o && an && add_u64(o, "epoch", epoch) &&
			 cJSON_AddStringToObject(o, "alg", an));
}

char *proto_online(const char *const *users, size_t n)
{
	cJSON *o = obj("online");

	return finish(o, o && add_users(o, "users", users, n));
}

char *proto_presence(const char *user, bool online)
{
	cJSON *o = obj("presence");

	return finish(o, o && cJSON_AddStringToObject(o, "user", user) &&
			 cJSON_AddBoolToObject(o, "online", online));
}
