/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Minimal TAP (Test Anything Protocol) producer for the host unit tests.
 * One test program is one translation unit, so the state is static.
 *
 *   plan(n);                    or no plan: done() prints "1..N" last
 *   ok(cond, "what %d", x);     returns cond
 *   is_mem(got, want, len, "what");
 *   diag("note");               "# note" on stdout
 *   skip("why");                an "ok N # SKIP why" line
 *   return done();              exit status: 0 only when all passed and
 *                               the plan (if any) was met
 */
#ifndef SECMSG_TAP_H
#define SECMSG_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int tap_planned = -1;
static int tap_run;
static int tap_failed;

static inline void plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

static inline void diag(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static inline bool tap_vok(bool cond, const char *fmt, va_list ap)
{
	tap_run++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_run);
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

static inline bool ok(bool cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline bool ok(bool cond, const char *fmt, ...)
{
	va_list ap;
	bool r;

	va_start(ap, fmt);
	r = tap_vok(cond, fmt, ap);
	va_end(ap);
	return r;
}

static inline void tap_hexdump(const char *name, const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	printf("#   %s:", name);
	for (i = 0; i < len && i < 64; i++)
		printf("%s%02x", i % 16 ? "" : " ", b[i]);
	printf("%s\n", len > 64 ? "..." : "");
}

static inline bool is_mem(const void *got, const void *want, size_t len,
			  const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static inline bool is_mem(const void *got, const void *want, size_t len,
			  const char *fmt, ...)
{
	bool same = !len || (got && want && !memcmp(got, want, len));
	va_list ap;

	va_start(ap, fmt);
	tap_vok(same, fmt, ap);
	va_end(ap);
	if (!same && got && want) {
		tap_hexdump("got ", got, len);
		tap_hexdump("want", want, len);
	}
	return same;
}

static inline void skip(const char *why)
{
	tap_run++;
	printf("ok %d # SKIP %s\n", tap_run, why);
	fflush(stdout);
}

static inline int done(void)
{
	if (tap_planned < 0)
		printf("1..%d\n", tap_run);
	else if (tap_run != tap_planned)
		diag("planned %d tests but ran %d", tap_planned, tap_run);
	diag("%d passed, %d failed", tap_run - tap_failed, tap_failed);
	fflush(stdout);
	return tap_failed || (tap_planned >= 0 && tap_run != tap_planned);
}

#endif
