/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A small chained hash map from a 64-bit key (a connection or session id,
 * or a string's hash) to a pointer.  String maps compare the string too.
 * Grows to keep about one entry per bucket.
 */
#ifndef SECMSGD_TABLE_H
#define SECMSGD_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tent {
	struct tent *next;
	uint64_t key;
	const char *str;	/* string maps: the key (owned by the value) */
	void *val;
};

struct table {
	struct tent **b;
	size_t nb, n;
};

uint64_t table_hash_str(const char *s);

int table_put(struct table *t, uint64_t key, void *val);	/* 0, -ENOMEM */
void *table_get(const struct table *t, uint64_t key);
void *table_del(struct table *t, uint64_t key);		/* the value */

/* string keys: str must stay valid while the entry exists */
int table_put_str(struct table *t, const char *str, void *val);
void *table_get_str(const struct table *t, const char *str);
void *table_del_str(struct table *t, const char *str);

void table_free(struct table *t);
/* free() every value, then table_free() (maps that own their values). */
void table_free_all(struct table *t);

/* Iterate: for (it = table_first(t, &i); it; it = table_next(t, it, &i)) */
struct tent *table_first(const struct table *t, size_t *i);
struct tent *table_next(const struct table *t, struct tent *e, size_t *i);

#endif
