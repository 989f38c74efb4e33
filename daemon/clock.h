/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The daemon's one clock: CLOCK_MONOTONIC in nanoseconds, for token
 * buckets, timeouts, latencies and audit durations.  A leaf: any file
 * may include it.
 */
#ifndef SECMSGD_CLOCK_H
#define SECMSGD_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

#endif
