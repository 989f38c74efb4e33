// SPDX-License-Identifier: GPL-2.0 OR MIT
/* secmsgctl: pure parsing helpers, see parse.h */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

int kw_lookup(const char *word, const struct kw *tab, size_t n)
{
	size_t len = strlen(word);
	int found = KW_NONE;

	if (!len)
		return KW_NONE;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(word, tab[i].name))
			return tab[i].id;
	for (size_t i = 0; i < n; i++) {
		if (tab[i].hidden || strncmp(word, tab[i].name, len))
			continue;
		if (found != KW_NONE && found != tab[i].id)
			return KW_AMBIGUOUS;
		found = tab[i].id;
	}
	return found;
}

void kw_candidates(const char *word, const struct kw *tab, size_t n,
		   char *buf, size_t len)
{
	size_t off = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int w;

		if (tab[i].hidden ||
		    (word && strncmp(word, tab[i].name, strlen(word))))
			continue;
		w = snprintf(buf + off, len - off, "%s%s", off ? ", " : "",
			     tab[i].name);
		if (w < 0 || (size_t)w >= len - off)
			return;
		off += (size_t)w;
	}
}

int parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

int parse_u32(const char *s, uint32_t *out)
{
	uint64_t v;
	int err = parse_u64(s, &v);

	if (err)
		return err;
	if (v > UINT32_MAX)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

/* Leading digits of s into *v; returns the count of digits, or -errno. */
static int lead_u64(const char *s, uint64_t *v)
{
	int n = 0;

	*v = 0;
	for (; isdigit((unsigned char)s[n]); n++) {
		if (*v > (UINT64_MAX - (uint64_t)(s[n] - '0')) / 10)
			return -ERANGE;
		*v = *v * 10 + (uint64_t)(s[n] - '0');
	}
	return n ? n : -EINVAL;
}

int parse_count(const char *s, uint64_t *out)
{
	static const struct { const char *sfx; uint64_t mul; } sfx[] = {
		{ "", 1 },
		{ "K", 1000ULL }, { "M", 1000000ULL },
		{ "G", 1000000000ULL }, { "T", 1000000000000ULL },
		{ "Ki", 1ULL << 10 }, { "Mi", 1ULL << 20 },
		{ "Gi", 1ULL << 30 }, { "Ti", 1ULL << 40 },
	};
	uint64_t v;
	int n = lead_u64(s, &v);

	if (n < 0)
		return n;
	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		if (strcmp(s + n, sfx[i].sfx))
			continue;
		if (v > UINT64_MAX / sfx[i].mul)
			return -ERANGE;
		*out = v * sfx[i].mul;
		return 0;
	}
	return -EINVAL;
}

int parse_duration(const char *s, uint32_t *out)
{
	uint64_t total = 0;
	int last = 0;	/* rank of the previous unit: d=4 h=3 m=2 s=1 */

	if (!*s)
		return -EINVAL;
	while (*s) {
		uint64_t v, mul;
		int n = lead_u64(s, &v), rank;

		if (n < 0)
			return n;
		s += n;
		switch (*s) {
		case 'd': mul = 86400; rank = 4; break;
		case 'h': mul = 3600; rank = 3; break;
		case 'm': mul = 60; rank = 2; break;
		case 's': mul = 1; rank = 1; break;
		case '\0':
			/* a bare number: only alone */
			if (last)
				return -EINVAL;
			mul = 1; rank = 0; s--;
			break;
		default:
			return -EINVAL;
		}
		s++;
		if (last && rank >= last)
			return -EINVAL;
		last = rank ? rank : 1;
		if (v > UINT32_MAX / mul)
			return -ERANGE;
		total += v * mul;
		if (total > UINT32_MAX)
			return -ERANGE;
	}
	*out = (uint32_t)total;
	return 0;
}

int parse_session_id(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	size_t len;

	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))
		s += 2;
	len = strlen(s);
	if (!len || len > 16)
		return -EINVAL;
	for (; *s; s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -EINVAL;
		v = v << 4 | (uint64_t)d;
	}
	if (!v)
		return -EINVAL;
	*out = v;
	return 0;
}

bool user_id_ok(const char *u)
{
	size_t len = strlen(u);

	if (!len || len > 64 || u[0] == '.' || u[0] == '-')
		return false;
	for (; *u; u++)
		if (!((*u >= 'A' && *u <= 'Z') || (*u >= 'a' && *u <= 'z') ||
		      (*u >= '0' && *u <= '9') || *u == '.' || *u == '_' ||
		      *u == '@' || *u == '-'))
			return false;
	return true;
}
