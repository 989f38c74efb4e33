// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Chained hash map (see table.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

uint64_t table_hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static size_t slot(const struct table *t, uint64_t key)
{
	/* ids are random or sequential; mix anyway */
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return (size_t)(key & (t->nb - 1));
}

static int grow(struct table *t)
{
	size_t nb = t->nb ? t->nb * 2 : 64, i, old = t->nb;
	struct tent **b = calloc(nb, sizeof(*b)), **ob = t->b, *e, *next;

	if (!b)
		return -ENOMEM;
	t->b = b;
	t->nb = nb;
	for (i = 0; i < old; i++) {
		for (e = ob[i]; e; e = next) {
			size_t s = slot(t, e->key);

			next = e->next;
			e->next = b[s];
			b[s] = e;
		}
	}
	free(ob);
	return 0;
}

static int put(struct table *t, uint64_t key, const char *str, void *val)
{
	struct tent *e;
	size_t s;

	if ((t->n + 1 > t->nb) && grow(t) && !t->nb)
		return -ENOMEM;
	e = malloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	s = slot(t, key);
	e->key = key;
	e->str = str;
	e->val = val;
	e->next = t->b[s];
	t->b[s] = e;
	t->n++;
	return 0;
}

static struct tent **find(const struct table *t, uint64_t key,
			  const char *str)
{
	struct tent **p;

	if (!t->nb)
		return NULL;
	for (p = &t->b[slot(t, key)]; *p; p = &(*p)->next)
		if ((*p)->key == key && (!str || !strcmp((*p)->str, str)))
			return p;
	return NULL;
}

static void *del(struct table *t, uint64_t key, const char *str)
{
	struct tent **p = find(t, key, str), *e;
	void *val;

	if (!p)
		return NULL;
	e = *p;
	*p = e->next;
	val = e->val;
	free(e);
	t->n--;
	return val;
}

int table_put(struct table *t, uint64_t key, void *val)
{
	return put(t, key, NULL, val);
}

void *table_get(const struct table *t, uint64_t key)
{
	struct tent **p = find(t, key, NULL);

	return p ? (*p)->val : NULL;
}

void *table_del(struct table *t, uint64_t key)
{
	return del(t, key, NULL);
}

int table_put_str(struct table *t, const char *str, void *val)
{
	return put(t, table_hash_str(str), str, val);
}

void *table_get_str(const struct table *t, const char *str)
{
	struct tent **p = find(t, table_hash_str(str), str);

	return p ? (*p)->val : NULL;
}

void *table_del_str(struct table *t, const char *str)
{
	return del(t, table_hash_str(str), str);
}

void table_free(struct table *t)
{
	struct tent *e, *next;
	size_t i;

	for (i = 0; i < t->nb; i++) {
		for (e = t->b[i]; e; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(t->b);
	memset(t, 0, sizeof(*t));
}

void table_free_all(struct table *t)
{
	struct tent *e;
	size_t i;

	for (e = table_first(t, &i); e; e = table_next(t, e, &i))
		free(e->val);
	table_free(t);
}

struct tent *table_first(const struct table *t, size_t *i)
{
	for (*i = 0; *i < t->nb; (*i)++)
		if (t->b[*i])
			return t->b[*i];
	return NULL;
}

struct tent *table_next(const struct table *t, struct tent *e, size_t *i)
{
	if (e->next)
		return e->next;
	for ((*i)++; *i < t->nb; (*i)++)
		if (t->b[*i])
			return t->b[*i];
	return NULL;
}
