// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Audit log in logfmt (see audit.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "audit.h"

static bool use_syslog;
static void (*hook)(const char *line);

void audit_use_syslog(bool on)
{
	if (on && !use_syslog)
		openlog("secmsgd", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
	else if (!on && use_syslog)
		closelog();
	use_syslog = on;
}

void audit_set_hook(void (*fn)(const char *line))
{
	hook = fn;
}

static bool bare(const char *v)
{
	const unsigned char *p = (const unsigned char *)v;

	if (!*p)
		return false;
	for (; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '"' || *p == '=' ||
		    *p == '\\')
			return false;
	return true;
}

/* Append s (n bytes at most room - len - 1), keeping a NUL. */
static size_t put(char *buf, size_t len, size_t room, const char *s,
		  size_t n)
{
	if (len + 1 >= room)
		return len;
	if (n > room - len - 1)
		n = room - len - 1;
	memcpy(buf + len, s, n);
	len += n;
	buf[len] = '\0';
	return len;
}

size_t logfmt_append(char *buf, size_t len, size_t room, const char *key,
		     const char *value)
{
	const unsigned char *p;
	char esc[8];

	if (!value)
		value = "";
	if (len)
		len = put(buf, len, room, " ", 1);
	len = put(buf, len, room, key, strlen(key));
	len = put(buf, len, room, "=", 1);
	if (bare(value))
		return put(buf, len, room, value, strlen(value));
	len = put(buf, len, room, "\"", 1);
	for (p = (const unsigned char *)value; *p; p++) {
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			len = put(buf, len, room, esc, 2);
		} else if (*p == '\n') {
			len = put(buf, len, room, "\\n", 2);
		} else if (*p < ' ' || *p == 0x7f) {
			snprintf(esc, sizeof(esc), "\\x%02x", *p);
			len = put(buf, len, room, esc, 4);
		} else {
			len = put(buf, len, room, (const char *)p, 1);
		}
	}
	return put(buf, len, room, "\"", 1);
}

void alog_begin(struct alog *a, const char *event)
{
	a->len = 0;
	a->buf[0] = '\0';
	a->warn = false;
	a->len = logfmt_append(a->buf, a->len, sizeof(a->buf), "event", event);
}

void alog_str(struct alog *a, const char *key, const char *value)
{
	a->len = logfmt_append(a->buf, a->len, sizeof(a->buf), key, value);
}

void alog_u64(struct alog *a, const char *key, uint64_t value)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRIu64, value);
	alog_str(a, key, num);
}

void alog_i64(struct alog *a, const char *key, int64_t value)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRId64, value);
	alog_str(a, key, num);
}

void alog_session(struct alog *a, uint64_t id)
{
	char hex[17];

	snprintf(hex, sizeof(hex), "%016" PRIx64, id);
	alog_str(a, "session", hex);
}

const char *alog_text(struct alog *a)
{
	return a->buf;
}

void alog_end(struct alog *a)
{
	char ts[40];
	struct timespec now;
	struct tm tm;

	if (hook)
		hook(a->buf);
	if (use_syslog) {
		syslog(a->warn ? LOG_WARNING : LOG_INFO, "%s", a->buf);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(stderr, "ts=%s.%03ldZ level=%s %s\n", ts,
		now.tv_nsec / 1000000, a->warn ? "warn" : "info", a->buf);
	fflush(stderr);
}

void alog_user(const char *event, const char *user, int rc,
	       const char *kmsg)
{
	struct alog a;

	alog_begin(&a, event);
	alog_str(&a, "user", user);
	if (rc) {
		a.warn = true;
		alog_str(&a, "error", strerror(-rc));
		if (kmsg && *kmsg)
			alog_str(&a, "kernel", kmsg);
	}
	alog_end(&a);
}
