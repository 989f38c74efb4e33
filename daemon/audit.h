/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Audit log: one logfmt line per security event,
 *
 *   ts=2025-01-02T03:04:05.678Z event=auth_success conn=7 user=alice ...
 *
 * to stderr, or to syslog (LOG_AUTHPRIV, without ts=) after
 * audit_use_syslog().  Values never hold keys or message data: callers
 * pass ids, names, codes and numbers only.  The line builder is pure and
 * host-tested.
 */
#ifndef SECMSGD_AUDIT_H
#define SECMSGD_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ALOG_MAX	1024

struct alog {
	char buf[ALOG_MAX];
	size_t len;
	bool warn;		/* level=warn (syslog LOG_WARNING) */
};

void audit_use_syslog(bool on);
/* Also copy lines to this function (tests); NULL: none. */
void audit_set_hook(void (*fn)(const char *line));

void alog_begin(struct alog *a, const char *event);
void alog_str(struct alog *a, const char *key, const char *value);
void alog_u64(struct alog *a, const char *key, uint64_t value);
void alog_i64(struct alog *a, const char *key, int64_t value);
/* session=0123456789abcdef */
void alog_session(struct alog *a, uint64_t id);
/* Finish the line (without ts=) in a->buf and return it. */
const char *alog_text(struct alog *a);
/* Write it (stderr with ts=, or syslog). */
void alog_end(struct alog *a);
/*
 * A change to the users registry: event user=...; when rc is an error, a
 * warning with error=strerror(-rc) and kernel=kmsg (if kmsg is not empty).
 */
void alog_user(const char *event, const char *user, int rc,
	       const char *kmsg);

/* Append key=value to a buffer, quoting value as logfmt needs. */
size_t logfmt_append(char *buf, size_t len, size_t room, const char *key,
		     const char *value);

#endif
