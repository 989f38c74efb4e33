// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Where an event loop's time goes (see loopstat.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "clock.h"
#include "loopstat.h"

static const char *const phase_names[LS__PHASES] = {
	[LS_WAIT] = "wait", [LS_LWS] = "lws", [LS_RX] = "rx",
	[LS_CRYPTO] = "crypto", [LS_BUILD] = "build", [LS_WRITE] = "write",
	[LS_OTHER] = "other",
};
static const char *const count_names[LS__COUNTS] = {
	[LS_ITERATIONS] = "iterations", [LS_FRAMES_IN] = "frames_in",
	[LS_MSGS] = "msgs", [LS_CRYPTO_CALLS] = "crypto_calls",
	[LS_FRAMES_OUT] = "frames_out",
};

static struct {
	uint64_t ns[LS__PHASES];
	uint64_t n[LS__COUNTS];
	enum ls_phase cur;
	uint64_t t;			/* when cur was entered or last charged */
	/* the service call in progress */
	bool in_service;
	uint64_t svc_t0, svc_cpu0, svc_lws0;
} L;

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void loopstat_start(void)
{
	memset(&L, 0, sizeof(L));
	L.cur = LS_OTHER;
	L.t = now_ns();
}

static void charge(uint64_t now)
{
	L.ns[L.cur] += now - L.t;
	L.t = now;
}

enum ls_phase ls_enter(enum ls_phase p)
{
	enum ls_phase prev = L.cur;

	charge(now_ns());
	L.cur = p;
	return prev;
}

void ls_service_begin(void)
{
	ls_enter(LS_LWS);
	L.svc_t0 = L.t;
	L.svc_cpu0 = cpu_ns();
	L.svc_lws0 = L.ns[LS_LWS];
	L.in_service = true;
}

/*
 * The service call's time off the CPU so far (charged up to L.t): its
 * wall time less its CPU time, at most what lws holds of it (off the CPU
 * in the callbacks too, preempted: that stays theirs).
 */
static uint64_t service_off(void)
{
	uint64_t cpu = cpu_ns() - L.svc_cpu0, wall = L.t - L.svc_t0, off;
	uint64_t lws = L.ns[LS_LWS] - L.svc_lws0;

	off = wall > cpu ? wall - cpu : 0;
	return off > lws ? lws : off;
}

void ls_service_end(void)
{
	uint64_t off;

	ls_enter(LS_OTHER);
	off = service_off();
	L.ns[LS_LWS] -= off;
	L.ns[LS_WAIT] += off;
	L.in_service = false;
	L.n[LS_ITERATIONS]++;
}

void ls_count(enum ls_count c, uint64_t n)
{
	L.n[c] += n;
}

/* run_delay of /proc/self/schedstat: "on-cpu-ns run-delay-ns slices" */
static uint64_t run_delay(void)
{
	unsigned long long on, delay = 0;
	FILE *f = fopen("/proc/self/schedstat", "re");

	if (!f)
		return 0;
	if (fscanf(f, "%llu %llu", &on, &delay) != 2)
		delay = 0;
	fclose(f);
	return delay;
}

static uint64_t tv_us(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 1000000ULL + (uint64_t)tv->tv_usec;
}

void loopstat_get(struct loopstat *s)
{
	struct rusage ru;
	uint64_t off = 0;
	int i;

	charge(now_ns());
	/* from a callback (secmsgd's signal): the poll's wait so far is wait */
	if (L.in_service)
		off = service_off();
	memset(s, 0, sizeof(*s));
	memcpy(s->ns, L.ns, sizeof(s->ns));
	s->ns[LS_LWS] -= off;
	s->ns[LS_WAIT] += off;
	memcpy(s->n, L.n, sizeof(s->n));
	for (i = 0; i < LS__PHASES; i++)
		s->wall_ns += s->ns[i];
	if (!getrusage(RUSAGE_SELF, &ru)) {
		s->utime_us = tv_us(&ru.ru_utime);
		s->stime_us = tv_us(&ru.ru_stime);
	}
	s->run_delay_ns = run_delay();
}

static uint64_t sub(uint64_t b, uint64_t a)
{
	return b > a ? b - a : 0;
}

void loopstat_sub(const struct loopstat *b, const struct loopstat *a,
		  struct loopstat *d)
{
	int i;

	memset(d, 0, sizeof(*d));
	for (i = 0; i < LS__PHASES; i++) {
		d->ns[i] = sub(b->ns[i], a->ns[i]);
		d->wall_ns += d->ns[i];
	}
	for (i = 0; i < LS__COUNTS; i++)
		d->n[i] = sub(b->n[i], a->n[i]);
	d->utime_us = sub(b->utime_us, a->utime_us);
	d->stime_us = sub(b->stime_us, a->stime_us);
	d->run_delay_ns = sub(b->run_delay_ns, a->run_delay_ns);
}

int loopstat_format(const struct loopstat *s, char *buf, size_t len)
{
	size_t off = 0;
	int i, n;

#define PUT(...) do {							\
		n = snprintf(buf + (off < len ? off : len),		\
			     off < len ? len - off : 0, __VA_ARGS__);	\
		if (n < 0)						\
			return n;					\
		off += (size_t)n;					\
	} while (0)
	PUT("loopstat wall_us=%llu", (unsigned long long)(s->wall_ns / 1000));
	for (i = 0; i < LS__PHASES; i++)
		PUT(" %s_us=%llu", phase_names[i],
		    (unsigned long long)(s->ns[i] / 1000));
	for (i = 0; i < LS__COUNTS; i++)
		PUT(" %s=%llu", count_names[i], (unsigned long long)s->n[i]);
	PUT(" utime_us=%llu stime_us=%llu run_delay_us=%llu",
	    (unsigned long long)s->utime_us, (unsigned long long)s->stime_us,
	    (unsigned long long)(s->run_delay_ns / 1000));
#undef PUT
	return (int)off;
}

void loopstat_print(FILE *f, const char *who)
{
	struct loopstat s;
	char line[512];

	loopstat_get(&s);
	loopstat_format(&s, line, sizeof(line));
	fprintf(f, "%s: %s\n", who, line);
	fflush(f);
}

/* the number after " key=" in line, or -EINVAL */
static int field(const char *line, const char *key, uint64_t *v, uint64_t mul)
{
	size_t n = strlen(key);
	const char *p = line;
	char *end;

	while ((p = strstr(p, key))) {
		if (p > line && p[-1] == ' ' && p[n] == '=')
			break;
		p += n;
	}
	if (!p || p[n + 1] < '0' || p[n + 1] > '9')
		return -EINVAL;
	errno = 0;
	*v = strtoull(p + n + 1, &end, 10) * mul;
	return errno || (*end && *end != ' ' && *end != '\n') ? -EINVAL : 0;
}

int loopstat_parse(const char *line, struct loopstat *s)
{
	char key[32];
	int i, rc;

	line = strstr(line, "loopstat ");
	if (!line)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	rc = field(line, "wall_us", &s->wall_ns, 1000);
	for (i = 0; !rc && i < LS__PHASES; i++) {
		snprintf(key, sizeof(key), "%s_us", phase_names[i]);
		rc = field(line, key, &s->ns[i], 1000);
	}
	for (i = 0; !rc && i < LS__COUNTS; i++)
		rc = field(line, count_names[i], &s->n[i], 1);
	if (!rc)
		rc = field(line, "utime_us", &s->utime_us, 1);
	if (!rc)
		rc = field(line, "stime_us", &s->stime_us, 1);
	if (!rc)
		rc = field(line, "run_delay_us", &s->run_delay_ns, 1000);
	return rc;
}
