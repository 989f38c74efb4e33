// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Host tests: the event loop's time accounting (daemon/loopstat.c): every
 * nanosecond in exactly one phase, nested phases, the off-CPU time of a
 * service call moved to wait (and only its own), counts, differences,
 * and the line both relays print, read back.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../../tools/lib/tests/tap.h"
#include "clock.h"
#include "loopstat.h"

#define MS	1000000ULL

static uint64_t cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* On the CPU for at least ns of CPU time (so of wall time too). */
static void spin(uint64_t ns)
{
	uint64_t t0 = cpu_now();

	while (cpu_now() - t0 < ns)
		;
}

/* Off the CPU for about ns. */
static void nap(uint64_t ns)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)ns };

	nanosleep(&ts, NULL);
}

static uint64_t sum(const struct loopstat *s)
{
	uint64_t t = 0;
	int i;

	for (i = 0; i < LS__PHASES; i++)
		t += s->ns[i];
	return t;
}

int main(void)
{
	struct loopstat a, b, d, r;
	enum ls_phase prev;
	uint64_t t0, wall;
	char line[512], small[16];
	int n;

	t0 = now_ns();
	loopstat_start();
	/* an iteration: poll waits, then a frame with its crypto nested */
	ls_service_begin();
	nap(30 * MS);
	prev = ls_enter(LS_RX);
	ok(prev == LS_LWS, "inside the service call the phase is lws");
	ls_count(LS_FRAMES_IN, 1);
	spin(5 * MS);
	prev = ls_enter(LS_CRYPTO);
	ok(prev == LS_RX, "a nested phase returns the one it interrupts");
	ls_count(LS_CRYPTO_CALLS, 1);
	ls_count(LS_MSGS, 3);
	spin(10 * MS);
	ls_leave(prev);
	spin(2 * MS);
	ls_leave(LS_LWS);
	ls_service_end();
	/* after it, the loop's own work: build, then write */
	prev = ls_enter(LS_BUILD);
	ok(prev == LS_OTHER, "after the service call the phase is other");
	spin(4 * MS);
	ls_enter(LS_WRITE);
	ls_count(LS_FRAMES_OUT, 2);
	spin(3 * MS);
	ls_leave(prev);
	loopstat_get(&a);
	wall = now_ns() - t0;

	ok(a.wall_ns == sum(&a), "wall time is the sum of the phases");
	ok(a.wall_ns <= wall && a.wall_ns + 50 * MS >= wall,
	   "wall time %llu ns of %llu ns elapsed", (unsigned long long)a.wall_ns,
	   (unsigned long long)wall);
	ok(a.ns[LS_WAIT] >= 25 * MS,
	   "the nap in the service call is wait (%llu ns)",
	   (unsigned long long)a.ns[LS_WAIT]);
	ok(a.ns[LS_RX] >= 7 * MS && a.ns[LS_CRYPTO] >= 10 * MS &&
	   a.ns[LS_BUILD] >= 4 * MS && a.ns[LS_WRITE] >= 3 * MS,
	   "each busy phase has at least its CPU time (rx %llu, crypto %llu, build %llu, write %llu)",
	   (unsigned long long)a.ns[LS_RX], (unsigned long long)a.ns[LS_CRYPTO],
	   (unsigned long long)a.ns[LS_BUILD], (unsigned long long)a.ns[LS_WRITE]);
	ok(a.ns[LS_LWS] < 25 * MS,
	   "lws keeps only the service call's CPU time outside callbacks (%llu ns)",
	   (unsigned long long)a.ns[LS_LWS]);
	ok(a.n[LS_ITERATIONS] == 1 && a.n[LS_FRAMES_IN] == 1 &&
	   a.n[LS_MSGS] == 3 && a.n[LS_CRYPTO_CALLS] == 1 &&
	   a.n[LS_FRAMES_OUT] == 2, "the counts");
	ok(a.utime_us + a.stime_us >= 24000,
	   "the process's CPU time covers the spins (%llu us)",
	   (unsigned long long)(a.utime_us + a.stime_us));

	/* a service call that is all CPU: nothing moves to wait */
	ls_service_begin();
	spin(5 * MS);
	ls_service_end();
	loopstat_get(&b);
	loopstat_sub(&b, &a, &d);
	ok(d.n[LS_ITERATIONS] == 1 && d.n[LS_MSGS] == 0,
	   "the difference counts one iteration, no message");
	ok(d.wall_ns == sum(&d) && d.ns[LS_LWS] >= 5 * MS,
	   "a busy service call keeps its CPU time in lws (lws %llu, wait %llu)",
	   (unsigned long long)d.ns[LS_LWS], (unsigned long long)d.ns[LS_WAIT]);
	loopstat_sub(&a, &b, &d);
	ok(d.wall_ns == 0 && d.n[LS_ITERATIONS] == 0,
	   "a difference taken backwards is zero, not a wrap");

	/* the line, and back */
	n = loopstat_format(&b, line, sizeof(line));
	ok(n > 0 && (size_t)n == strlen(line) &&
	   !strncmp(line, "loopstat wall_us=", 17), "the line: %s", line);
	ok(loopstat_parse(line, &r) == 0, "it reads back");
	ok(!memcmp(r.n, b.n, sizeof(r.n)) && r.utime_us == b.utime_us &&
	   r.stime_us == b.stime_us && r.wall_ns == b.wall_ns / 1000 * 1000 &&
	   r.ns[LS_CRYPTO] == b.ns[LS_CRYPTO] / 1000 * 1000,
	   "with its counts and times (to the microsecond)");
	ok(r.wall_ns >= sum(&r) && r.wall_ns - sum(&r) < LS__PHASES * 1000,
	   "the phases of the line sum to its wall time but for rounding");
	ok(loopstat_format(&b, small, sizeof(small)) == n &&
	   strlen(small) == sizeof(small) - 1,
	   "a short buffer: truncated, the length it needed");
	snprintf(line, sizeof(line), "crelay: loopstat wall_us=1 wait_us=x");
	ok(loopstat_parse(line, &r) == -EINVAL, "a field not a number: -EINVAL");
	ok(loopstat_parse("crelay: peer: port 1", &r) == -EINVAL,
	   "no loopstat line: -EINVAL");

	/* taken from a callback (secmsgd's SIGUSR1): the poll so far is wait */
	loopstat_get(&a);
	ls_service_begin();
	nap(30 * MS);
	prev = ls_enter(LS_OTHER);	/* the signal's callback */
	loopstat_get(&b);
	ls_leave(prev);
	ls_service_end();
	loopstat_get(&r);
	loopstat_sub(&b, &a, &d);
	ok(d.ns[LS_WAIT] >= 25 * MS && d.ns[LS_LWS] < 25 * MS &&
	   b.wall_ns == sum(&b),
	   "a figure taken inside the service call has its wait (%llu ns) as wait",
	   (unsigned long long)d.ns[LS_WAIT]);
	ok(r.ns[LS_WAIT] >= b.ns[LS_WAIT] && r.wall_ns == sum(&r),
	   "and the call's end keeps it there");
	return done();
}
