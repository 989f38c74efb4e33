/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* secmsgctl: pure parsing helpers (keywords, numbers, durations, ids) */
#ifndef SECMSGCTL_PARSE_H
#define SECMSGCTL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A keyword table.  A word selects the entry it equals, else the one
 * entry it is a prefix of.  Hidden entries (aliases such as "s" for
 * "session") only match exactly and are not listed as candidates.
 */
struct kw {
	const char *name;
	int id;
	bool hidden;
};

#define KW_NONE		(-1)
#define KW_AMBIGUOUS	(-2)

/* The id, KW_NONE or KW_AMBIGUOUS. */
int kw_lookup(const char *word, const struct kw *tab, size_t n);
/*
 * Comma-separated names of the visible entries that word is a prefix of
 * (all visible entries when word is NULL) into buf.
 */
void kw_candidates(const char *word, const struct kw *tab, size_t n,
		   char *buf, size_t len);

/* Decimal unsigned integers; 0 or -EINVAL / -ERANGE. */
int parse_u64(const char *s, uint64_t *out);
int parse_u32(const char *s, uint32_t *out);
/* Integer with optional K, M, G, T (x1000) or Ki, Mi, Gi, Ti (x1024). */
int parse_count(const char *s, uint64_t *out);
/*
 * Duration: plain seconds, or a sequence of number+unit (d, h, m, s), as
 * "90", "90s", "1h30m", "2d".  Result in seconds, at most UINT32_MAX.
 */
int parse_duration(const char *s, uint32_t *out);
/* User id: 1 to SECMSG_USER_ID_MAX (64) of [A-Za-z0-9._@-], not starting
 * with '.' or '-'. */
bool user_id_ok(const char *u);
/* Session id: 1 to 16 hex digits, optional 0x, nonzero. */
int parse_session_id(const char *s, uint64_t *out);

#endif
