// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Host tests: logfmt audit lines (daemon/audit.c). */
#include <string.h>

#include "../../tools/lib/tests/tap.h"
#include "audit.h"

static char last[ALOG_MAX];

static void hook(const char *line)
{
	snprintf(last, sizeof(last), "%s", line);
}

static const char *one(const char *v)
{
	static char buf[256];

	buf[0] = '\0';
	logfmt_append(buf, 0, sizeof(buf), "k", v);
	return buf;
}

int main(void)
{
	struct alog a;
	char small[12];
	size_t n;
	int i;

	ok(!strcmp(one("alice"), "k=alice"), "a bare value");
	ok(!strcmp(one("a@b.c-d_e:1/2"), "k=a@b.c-d_e:1/2"), "punctuation stays bare");
	ok(!strcmp(one(""), "k=\"\""), "empty value quoted");
	ok(!strcmp(one(NULL), "k=\"\""), "NULL value quoted empty");
	ok(!strcmp(one("two words"), "k=\"two words\""), "a space quotes");
	ok(!strcmp(one("a=b"), "k=\"a=b\""), "'=' quotes");
	ok(!strcmp(one("say \"x\""), "k=\"say \\\"x\\\"\""), "quotes escaped");
	ok(!strcmp(one("back\\slash"), "k=\"back\\\\slash\""), "backslash escaped");
	ok(!strcmp(one("l1\nl2"), "k=\"l1\\nl2\""), "newline escaped");
	ok(!strcmp(one("\x01\x7f"), "k=\"\\x01\\x7f\""), "control bytes escaped");
	ok(!strcmp(one("caf\xc3\xa9"), "k=\"caf\xc3\xa9\""), "UTF-8 quoted as is");

	n = logfmt_append(small, 0, sizeof(small), "key", "a long value here");
	ok(n == sizeof(small) - 1 && strlen(small) == n,
	   "truncated, still NUL-terminated (%s)", small);

	audit_set_hook(hook);
	alog_begin(&a, "auth_success");
	alog_u64(&a, "conn", 7);
	alog_str(&a, "user", "alice");
	alog_session(&a, 0xabcULL);
	alog_i64(&a, "code", -5);
	ok(!strcmp(alog_text(&a), "event=auth_success conn=7 user=alice "
		   "session=0000000000000abc code=-5"), "a full line: %s",
	   alog_text(&a));
	alog_end(&a);
	ok(!strcmp(last, alog_text(&a)), "the line goes to the hook");

	alog_begin(&a, "flood");
	for (i = 0; i < 200; i++)
		alog_str(&a, "key", "value value");
	ok(strlen(a.buf) == ALOG_MAX - 1, "a long line is capped");
	audit_set_hook(NULL);
	return done();
}
