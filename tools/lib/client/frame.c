// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libsecmsg client: the JSON frames of docs/protocol.md section 5, built
 * and parsed with cJSON.  Parsing checks every member the client uses
 * (presence and type, base64, session id form, ranges) and ignores the
 * others; a frame that fails is a protocol error with a reason.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "secmsg/codec.h"
#include "secmsg/nl.h"

/* Largest integer a JSON number carries exactly (2^53 - 1). */
#define JSON_INT_MAX	9007199254740991.0

/* ---- building -------------------------------------------------------- */

static cJSON *frame_new(const char *type)
{
	cJSON *o = cJSON_CreateObject();

	if (o && !cJSON_AddStringToObject(o, "type", type)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static bool add_b64(cJSON *o, const char *name, const uint8_t *p, size_t len)
{
	char *s = malloc(SECMSG_B64_LEN(len));
	bool ok;

	if (!s)
		return false;
	secmsg_base64_encode(p, len, s);
	ok = cJSON_AddStringToObject(o, name, s) != NULL;
	free(s);
	return ok;
}

/*
 * cJSON 1.7 prints numbers with 15 significant digits when that reads
 * back "close enough": 2^53 - 1 would come out as 9.00719925474099e+15.
 * Integers go out as raw text instead.
 */
static bool add_uint(cJSON *o, const char *name, uint64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "%" PRIu64, v);
	return cJSON_AddRawToObject(o, name, s) != NULL;
}

static char *frame_done(cJSON *o, bool ok)
{
	char *s = NULL;

	if (o && ok)
		s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

char *client_frame_hello(const char *user, const char *alg,
			 const uint8_t *msg1, size_t len,
			 const uint8_t *pubkey)
{
	cJSON *o = frame_new("hello");
	bool ok = o &&
		  add_uint(o, "version", 1) &&
		  cJSON_AddStringToObject(o, "user", user) &&
		  cJSON_AddStringToObject(o, "alg", alg) &&
		  add_b64(o, "handshake", msg1, len) &&
		  (!pubkey || add_b64(o, "pubkey", pubkey, SECMSG_X25519_LEN));

	return frame_done(o, ok);
}

char *client_frame_confirm(const uint8_t *msg3, size_t len)
{
	cJSON *o = frame_new("confirm");

	return frame_done(o, o && add_b64(o, "handshake", msg3, len));
}

char *client_frame_message(uint64_t id, const char *to, const uint8_t *data,
			   size_t len)
{
	cJSON *o = frame_new("message");
	bool ok = o && id <= (uint64_t)JSON_INT_MAX &&
		  add_uint(o, "id", id) &&
		  cJSON_AddStringToObject(o, "to", to) &&
		  add_b64(o, "data", data, len);

	return frame_done(o, ok);
}

char *client_frame_rotate(const char *alg)
{
	cJSON *o = frame_new("rotate");

	return frame_done(o, o && (!alg ||
				   cJSON_AddStringToObject(o, "alg", alg)));
}

char *client_frame_who(void)
{
	return frame_done(frame_new("who"), true);
}

char *client_frame_bye(const char *reason)
{
	cJSON *o = frame_new("bye");

	return frame_done(o, o && (!reason ||
				   cJSON_AddStringToObject(o, "reason",
							   reason)));
}

/* ---- parsing --------------------------------------------------------- */

static const struct {
	const char *name;
	enum client_frame_type type;
} types[] = {
	{ "welcome", CF_WELCOME },   { "ready", CF_READY },
	{ "message", CF_MESSAGE },   { "delivery", CF_DELIVERY },
	{ "epoch", CF_EPOCH },       { "online", CF_ONLINE },
	{ "presence", CF_PRESENCE }, { "error", CF_ERROR },
	{ "bye", CF_BYE },
};

struct parse {
	struct client_frame *f;
	const char *why;
};

static const char *get_str(struct parse *p, const char *name, bool need)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(p->f->root, name);

	if (cJSON_IsString(v) && v->valuestring)
		return v->valuestring;
	if ((v || need) && !p->why)
		p->why = need && !v ? "a member is missing" :
				      "a member has the wrong type";
	return NULL;
}

/* An integer 0..max (at most 2^53 - 1). */
static bool get_uint(struct parse *p, const char *name, double max,
		     uint64_t *out)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(p->f->root, name);
	double d;

	if (!cJSON_IsNumber(v)) {
		if (!p->why)
			p->why = v ? "a member has the wrong type" :
				     "a member is missing";
		return false;
	}
	d = v->valuedouble;
	if (!(d >= 0 && d <= max && d <= JSON_INT_MAX) || floor(d) != d) {
		if (!p->why)
			p->why = "a number is out of range";
		return false;
	}
	*out = (uint64_t)d;
	return true;
}

static bool get_b64(struct parse *p, const char *name)
{
	const char *s = get_str(p, name, true);
	size_t n, room;
	long got;

	if (!s)
		return false;
	n = strlen(s);
	room = n / 4 * 3 + 3;
	p->f->data = malloc(room ? room : 1);
	if (!p->f->data) {
		p->why = "out of memory";
		return false;
	}
	got = secmsg_base64_decode(s, n, p->f->data, room);
	if (got < 0) {
		if (!p->why)
			p->why = "bad base64";
		return false;
	}
	p->f->data_len = (size_t)got;
	return true;
}

static bool get_session(struct parse *p)
{
	const char *s = get_str(p, "session", true);
	uint8_t b[8];
	int i;

	if (!s)
		return false;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			break;
	if (i != 16 || s[i] || secmsg_hex_decode(s, 16, b, 8) != 8) {
		if (!p->why)
			p->why = "session id is not 16 lowercase hex digits";
		return false;
	}
	p->f->session_hex = s;
	p->f->session = 0;
	for (i = 0; i < 8; i++)
		p->f->session = p->f->session << 8 | b[i];
	return true;
}

static bool get_alg(struct parse *p)
{
	p->f->alg_name = get_str(p, "alg", true);
	if (!p->f->alg_name)
		return false;
	p->f->alg = secmsg_alg_from_name(p->f->alg_name);
	if (!p->f->alg && !p->why)
		p->why = "unknown algorithm";
	return p->f->alg != 0;
}

static bool get_epoch(struct parse *p)
{
	uint64_t e;

	if (!get_uint(p, "epoch", UINT32_MAX, &e))
		return false;
	p->f->epoch = (uint32_t)e;
	return true;
}

static bool get_users(struct parse *p, const char *name)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(p->f->root, name), *v;
	size_t n = 0;

	if (!cJSON_IsArray(a)) {
		if (!p->why)
			p->why = a ? "a member has the wrong type" :
				     "a member is missing";
		return false;
	}
	p->f->users = calloc((size_t)cJSON_GetArraySize(a) + 1,
			     sizeof(*p->f->users));
	if (!p->f->users) {
		p->why = "out of memory";
		return false;
	}
	cJSON_ArrayForEach(v, a) {
		if (!cJSON_IsString(v) || !v->valuestring) {
			p->why = "a user list holds a non-string";
			return false;
		}
		p->f->users[n++] = v->valuestring;
	}
	p->f->n_users = n;
	return true;
}

static bool parse_delivery(struct parse *p)
{
	struct client_frame *f = p->f;
	const char *status;

	if (!get_uint(p, "id", JSON_INT_MAX, &f->id))
		return false;
	status = get_str(p, "status", true);
	if (!status)
		return false;
	f->delivered = !strcmp(status, "delivered");
	if (!f->delivered && strcmp(status, "failed")) {
		p->why = "unknown delivery status";
		return false;
	}
	f->code = get_str(p, "code", !f->delivered);
	f->message = get_str(p, "message", false);
	return f->delivered || f->code;
}

static bool parse_body(struct parse *p)
{
	struct client_frame *f = p->f;
	cJSON *v;

	switch (f->type) {
	case CF_WELCOME:
		return get_session(p) && get_b64(p, "handshake");
	case CF_READY:
		f->user = get_str(p, "user", false);
		return get_session(p) && get_alg(p) && get_epoch(p) &&
		       (!cJSON_GetObjectItemCaseSensitive(f->root, "online") ||
			get_users(p, "online"));
	case CF_MESSAGE:
		f->from = get_str(p, "from", true);
		return f->from && get_b64(p, "data");
	case CF_DELIVERY:
		return parse_delivery(p);
	case CF_EPOCH:
		return get_epoch(p) && get_alg(p);
	case CF_ONLINE:
		return get_users(p, "users");
	case CF_PRESENCE:
		f->user = get_str(p, "user", true);
		v = cJSON_GetObjectItemCaseSensitive(f->root, "online");
		if (!cJSON_IsBool(v)) {
			p->why = "presence without a boolean online";
			return false;
		}
		f->online = cJSON_IsTrue(v);
		return f->user != NULL;
	case CF_ERROR:
		f->code = get_str(p, "code", true);
		f->message = get_str(p, "message", false);
		return f->code != NULL;
	case CF_BYE:
		f->reason = get_str(p, "reason", false);
		return !p->why;
	case CF_UNKNOWN:
		return true;
	}
	return false;
}

int client_frame_parse(const char *json, size_t len, struct client_frame *f,
		       const char **why)
{
	struct parse p = { .f = f };
	size_t i;

	memset(f, 0, sizeof(*f));
	if (!json || len > CLIENT_MAX_FRAME)
		p.why = "frame too large";
	else if (!(f->root = cJSON_ParseWithLength(json, len)))
		p.why = "not JSON";
	else if (!cJSON_IsObject(f->root))
		p.why = "not a JSON object";
	else if (!(f->type_name = get_str(&p, "type", true)))
		p.why = "no string type";
	if (!p.why) {
		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (!strcmp(types[i].name, f->type_name))
				f->type = types[i].type;
		if (!parse_body(&p) && !p.why)
			p.why = "a member is missing or invalid";
	}
	if (why)
		*why = p.why;
	return p.why ? SECMSG_CLIENT_E_PROTOCOL : 0;
}

void client_frame_free(struct client_frame *f)
{
	if (!f)
		return;
	if (f->data)
		explicit_bzero(f->data, f->data_len);
	free(f->data);
	free(f->users);
	cJSON_Delete(f->root);
	memset(f, 0, sizeof(*f));
}
