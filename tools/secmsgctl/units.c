// SPDX-License-Identifier: GPL-2.0 OR MIT
/* secmsgctl: human-readable units, see units.h */
#include <stdio.h>
#include <time.h>

#include "units.h"

static char *scaled(uint64_t v, uint64_t step, const char *const *units,
		    size_t nunits, char *buf, size_t len)
{
	uint64_t unit = 1;
	size_t u = 0;

	while (u + 1 < nunits && v / unit >= step) {
		unit *= step;
		u++;
	}
	if (!u) {
		snprintf(buf, len, "%llu%s", (unsigned long long)v, units[0]);
	} else if (v / unit < 10) {
		unsigned long long whole = v / unit;
		unsigned long long tenth = (v % unit) * 10 / unit;

		snprintf(buf, len, "%llu.%llu%s", whole, tenth, units[u]);
	} else {
		snprintf(buf, len, "%llu%s", (unsigned long long)(v / unit),
			 units[u]);
	}
	return buf;
}

char *fmt_count(uint64_t v, char *buf, size_t len)
{
	static const char *const u[] = { "", "K", "M", "G", "T", "P", "E" };

	return scaled(v, 1000, u, sizeof(u) / sizeof(u[0]), buf, len);
}

char *fmt_bytes(uint64_t v, char *buf, size_t len)
{
	static const char *const u[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"
	};

	return scaled(v, 1024, u, sizeof(u) / sizeof(u[0]), buf, len);
}

char *fmt_duration(uint64_t s, char *buf, size_t len)
{
	unsigned long long d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60,
			   sec = s % 60;

	if (d && h)
		snprintf(buf, len, "%llud%lluh", d, h);
	else if (d)
		snprintf(buf, len, "%llud", d);
	else if (h && m)
		snprintf(buf, len, "%lluh%llum", h, m);
	else if (h)
		snprintf(buf, len, "%lluh", h);
	else if (m && sec)
		snprintf(buf, len, "%llum%llus", m, sec);
	else if (m)
		snprintf(buf, len, "%llum", m);
	else
		snprintf(buf, len, "%llus", sec);
	return buf;
}

char *fmt_time(uint64_t unix_secs, char *buf, size_t len)
{
	time_t t = (time_t)unix_secs;
	struct tm tm;

	if (!localtime_r(&t, &tm) ||
	    !strftime(buf, len, "%Y-%m-%d %H:%M:%S %z", &tm))
		snprintf(buf, len, "@%llu", (unsigned long long)unix_secs);
	return buf;
}

char *fmt_timestamp_ms(long long sec, long nsec, char *buf, size_t len)
{
	time_t t = (time_t)sec;
	struct tm tm;
	char date[32];

	if (!localtime_r(&t, &tm) ||
	    !strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(date, sizeof(date), "@%lld", sec);
	snprintf(buf, len, "%s.%03ld", date, nsec / 1000000);
	return buf;
}
