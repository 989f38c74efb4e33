/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* secmsgctl: human-readable numbers, sizes, durations and times */
#ifndef SECMSGCTL_UNITS_H
#define SECMSGCTL_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Large enough for every formatter below. */
#define UNITS_BUF	64

/*
 * Counts in SI steps of 1000, rounded down: 999, 1.2K, 12K, 999K, 1.0M ...
 * (at most 4 characters).
 */
char *fmt_count(uint64_t v, char *buf, size_t len);
/* Bytes in IEC steps of 1024, rounded down: 1023B, 3.4KiB, 12KiB, 1023MiB
 * (at most 7 characters). */
char *fmt_bytes(uint64_t v, char *buf, size_t len);
/* Seconds as the two largest units: 45s, 5m3s, 2h5m, 3d4h (0s for 0). */
char *fmt_duration(uint64_t secs, char *buf, size_t len);
/* Local time: "2026-11-25 19:00:01 +0100". */
char *fmt_time(uint64_t unix_secs, char *buf, size_t len);
/* Local time with milliseconds, for event lines: 2026-11-25T19:00:01.123 */
char *fmt_timestamp_ms(long long sec, long nsec, char *buf, size_t len);

#endif
