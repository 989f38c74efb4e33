// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * secmsg-client output.  Text: messages on stdout as
 * "[HH:MM:SS] FROM (ALG, epoch N): TEXT", everything else on stderr.
 * --raw: only message texts, one a line, on stdout.  --json: one JSON
 * object per line on stdout for every event (built with cJSON).
 *
 * In the text form, what others wrote (message texts, and the names and
 * words the server sends) goes to a terminal through put_safe(): control
 * characters and bytes that are not UTF-8 are shown as \xNN, so that no
 * peer can move the cursor, retitle the window, recolor or erase the
 * screen, or fake a line of the output with a newline.  --raw writes the
 * texts as they are (the program asked for the bytes); JSON escapes
 * control characters itself.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "cli.h"

/* Length of the UTF-8 sequence at s (at most len bytes), 0 if none. */
static size_t utf8_len(const unsigned char *s, size_t len)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong, surrogates, past U+10FFFF, and the C1 controls */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp < 0xa0)
		return 0;
	return n;
}

static void put_safe(FILE *f, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n;

	while (i < len) {
		if (s[i] >= 0x20 && s[i] < 0x7f) {
			fputc(s[i++], f);
		} else if (s[i] >= 0x80 && (n = utf8_len(s + i, len - i))) {
			fwrite(s + i, 1, n, f);
			i += n;
		} else {
			fprintf(f, "\\x%02x", s[i++]);
		}
	}
}

static void put_str(FILE *f, const char *s)
{
	put_safe(f, s, strlen(s));
}

static void emit(cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);

	if (s) {
		printf("%s\n", s);
		fflush(stdout);
		free(s);
	}
	cJSON_Delete(o);
}

static cJSON *event(const char *name)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "event", name);
	return o;
}

static void add_u64(cJSON *o, const char *name, uint64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "%" PRIu64, v);
	cJSON_AddRawToObject(o, name, s);
}

void out_message(struct cli *k, const struct secmsg_client_message *m)
{
	char when[32], iso[40], *text;
	struct tm tm;
	cJSON *o;

	localtime_r(&m->time.tv_sec, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	text = malloc(m->len + 1);
	if (!text)
		return;
	memcpy(text, m->text, m->len);
	text[m->len] = 0;
	if (k->json) {
		gmtime_r(&m->time.tv_sec, &tm);
		strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
		o = event("message");
		cJSON_AddStringToObject(o, "from", m->from);
		cJSON_AddStringToObject(o, "text", text);
		cJSON_AddStringToObject(o, "alg", m->alg);
		add_u64(o, "epoch", m->epoch);
		add_u64(o, "seq", m->seq);
		cJSON_AddStringToObject(o, "time", iso);
		emit(o);
	} else if (k->raw) {
		printf("%s\n", text);
		fflush(stdout);
	} else {
		printf("[%s] ", when);
		put_str(stdout, m->from);
		printf(" (%s, epoch %" PRIu32 "): ", m->alg, m->epoch);
		put_safe(stdout, text, m->len);
		putchar('\n');
		fflush(stdout);
	}
	explicit_bzero(text, m->len);
	free(text);
}

void out_delivery(struct cli *k, const struct secmsg_client_delivery *d)
{
	cJSON *o;

	if (k->json) {
		o = event("delivery");
		add_u64(o, "id", d->id);
		if (d->to)
			cJSON_AddStringToObject(o, "to", d->to);
		cJSON_AddStringToObject(o, "status",
					d->delivered ? "delivered" : "failed");
		if (!d->delivered) {
			const char *code = d->code ? d->code :
					   secmsg_client_err_code(d->err);

			cJSON_AddStringToObject(o, "code", code ? code : "closed");
			cJSON_AddStringToObject(o, "message", d->message ?
						d->message :
						secmsg_client_strerror(d->err));
		}
		emit(o);
	} else if (!d->delivered) {
		fprintf(stderr, "! message %" PRIu64 " to %s not delivered: ",
			d->id, d->to ? d->to : "?");
		put_str(stderr, d->message ? d->message :
				secmsg_client_strerror(d->err));
		fputc('\n', stderr);
	}
}

void out_presence(struct cli *k, const char *user, bool online)
{
	cJSON *o;

	if (k->json) {
		o = event("presence");
		cJSON_AddStringToObject(o, "user", user);
		cJSON_AddBoolToObject(o, "online", online);
		emit(o);
	} else if (!k->quiet && !k->raw) {
		fputs("* ", stderr);
		put_str(stderr, user);
		fprintf(stderr, " is %s\n", online ? "online" : "offline");
	}
}

void out_online(struct cli *k, const char *const *users, size_t n)
{
	cJSON *o, *a;
	size_t i;

	if (k->json) {
		o = event("online");
		a = cJSON_AddArrayToObject(o, "users");
		for (i = 0; i < n; i++)
			cJSON_AddItemToArray(a, cJSON_CreateString(users[i]));
		emit(o);
	} else if (!k->quiet && !k->raw) {
		fprintf(stderr, "* online:");
		for (i = 0; i < n; i++) {
			fputc(' ', stderr);
			put_str(stderr, users[i]);
		}
		fprintf(stderr, "\n");
	}
}

void out_epoch(struct cli *k, uint32_t epoch, const char *alg)
{
	cJSON *o;

	if (k->json) {
		o = event("epoch");
		add_u64(o, "epoch", epoch);
		cJSON_AddStringToObject(o, "alg", alg);
		emit(o);
	} else if (!k->quiet && !k->raw) {
		fprintf(stderr, "* keys rotated: epoch %" PRIu32 ", %s\n", epoch,
			alg);
	}
}

void out_error(struct cli *k, int err, const char *detail)
{
	const char *code = secmsg_client_err_code(err);
	cJSON *o;

	if (k->json) {
		o = event("error");
		cJSON_AddStringToObject(o, "code", code ? code : "client");
		cJSON_AddNumberToObject(o, "errno", err);
		cJSON_AddStringToObject(o, "message", detail);
		emit(o);
	} else {
		fputs("! ", stderr);
		put_str(stderr, detail);
		fputc('\n', stderr);
	}
}

void out_ready(struct cli *k)
{
	char sid[17];
	cJSON *o;

	snprintf(sid, sizeof(sid), "%016" PRIx64,
		 secmsg_client_session_id(k->c));
	if (k->json) {
		o = event("ready");
		cJSON_AddStringToObject(o, "user", k->user);
		cJSON_AddStringToObject(o, "session", sid);
		cJSON_AddStringToObject(o, "alg", secmsg_client_alg(k->c));
		add_u64(o, "epoch", secmsg_client_epoch(k->c));
		emit(o);
	} else if (!k->quiet && !k->raw) {
		fprintf(stderr, "* connected to %s as %s (session %s, %s)\n",
			k->url, k->user, sid, secmsg_client_alg(k->c));
	}
}

void out_note(struct cli *k, const char *fmt, ...)
{
	va_list ap;

	if (k->json || k->quiet || k->raw)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "* ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
}
