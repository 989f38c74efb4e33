/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Where an event loop's time goes: the wall-clock time since
 * loopstat_start(), every nanosecond charged to exactly one phase of the
 * loop, the off-CPU part of the loop's service call (its poll) told from
 * the CPU part, and a few counts.  Shared by both relays of
 * bench/relay/run (secmsgd, bench/relay/crelay) so that their figures
 * mean the same thing; cheap enough to stay on: one CLOCK_MONOTONIC read
 * per phase change (a few per loop iteration, per callback and per
 * kernel batch), two CLOCK_THREAD_CPUTIME_ID reads per loop iteration.
 *
 * A leaf: any file may include it.  Single-threaded (the loop's thread).
 * Times and counts only: nothing of a message, a key or a user.
 */
#ifndef SECMSGD_LOOPSTAT_H
#define SECMSGD_LOOPSTAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum ls_phase {
	LS_WAIT,	/* off the CPU in the service call: poll's wait (idle),
			 * or runnable and waiting for a CPU */
	LS_LWS,		/* libwebsockets on the CPU: the poll scan, socket
			 * reads, WebSocket frames, its bookkeeping */
	LS_RX,		/* a received frame: JSON and base64 parse, checks,
			 * routing */
	LS_CRYPTO,	/* open and re-seal: the kernel's RESEAL batch
			 * (request, syscalls, reply) or nettle in-process */
	LS_BUILD,	/* outgoing message frames built and queued */
	LS_WRITE,	/* frames written: lws_write (framing, send) */
	LS_OTHER,	/* the rest: connections, timers, the loop itself */
	LS__PHASES
};

enum ls_count {
	LS_ITERATIONS,	/* loop iterations (service calls) */
	LS_FRAMES_IN,	/* complete frames received */
	LS_MSGS,	/* messages re-sealed */
	LS_CRYPTO_CALLS,	/* crypto steps: kernel batches, or messages
				 * opened and sealed in-process */
	LS_FRAMES_OUT,	/* frames written */
	LS__COUNTS
};

struct loopstat {
	uint64_t ns[LS__PHASES];	/* wall time by phase */
	uint64_t n[LS__COUNTS];
	uint64_t wall_ns;		/* sum of ns[] */
	uint64_t utime_us, stime_us;	/* the process's (getrusage) */
	uint64_t run_delay_ns;		/* waited on a run queue (schedstat;
					 * 0 where not available) */
};

/* Start accounting (in phase LS_OTHER); again: from zero. */
void loopstat_start(void);
/* Charge the time so far to the current phase, enter p; the previous. */
enum ls_phase ls_enter(enum ls_phase p);
/* Around the loop's service call (lws_service): enter LS_LWS, and at
 * the end move its off-CPU time to LS_WAIT and go back to LS_OTHER. */
void ls_service_begin(void);
void ls_service_end(void);
static inline void ls_leave(enum ls_phase prev)
{
	ls_enter(prev);
}

void ls_count(enum ls_count c, uint64_t n);
/* The figures up to now (the current phase charged up to now). */
void loopstat_get(struct loopstat *s);
/* d = b - a, field by field (a taken before b). */
void loopstat_sub(const struct loopstat *b, const struct loopstat *a,
		  struct loopstat *d);
/*
 * One line "loopstat wall_us=... wait_us=... ... frames_out=N
 * utime_us=... stime_us=... run_delay_us=..." (no newline), truncated
 * to len; the length it needed, as snprintf.
 */
int loopstat_format(const struct loopstat *s, char *buf, size_t len);
/*
 * Read such a line back (from "loopstat "; anything may precede it):
 * 0, or -EINVAL when a field is missing or not a number.  Times in
 * microseconds, so wall_ns may differ from the sum of ns[] by the
 * rounding of each phase (less than a microsecond each).
 */
int loopstat_parse(const char *line, struct loopstat *s);
/* "WHO: loopstat ..." (the figures up to now) and a newline on f, flushed. */
void loopstat_print(FILE *f, const char *who);

#endif
