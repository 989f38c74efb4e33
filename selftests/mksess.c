// SPDX-License-Identifier: GPL-2.0
/*
 * mksess: small helper of selftests/unload.sh.
 *   mksess create N   create N sessions in this netns (all algorithms)
 *   mksess count      print the number of sessions of this netns
 *   mksess clear      delete every session of this netns
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

static int count_cb(const struct secmsg_session_info *s, void *arg)
{
	(void)s;
	(*(long *)arg)++;
	return 0;
}

struct idlist {
	uint64_t *v;
	size_t n, cap;
};

static int collect_cb(const struct secmsg_session_info *s, void *arg)
{
	struct idlist *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 256;
		uint64_t *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = s->id;
	return 0;
}

int main(int argc, char **argv)
{
	struct secmsg_nl *nl = nl_open_or_null();
	int err = 0;

	if (!nl)
		return 1;
	if (argc == 3 && !strcmp(argv[1], "create")) {
		long i, n = strtol(argv[2], NULL, 0);

		for (i = 0; i < n && !err; i++) {
			struct client c;

			err = client_new(nl, &c, test_algs[i % N_ALGS], NULL, 0,
					 NULL);
		}
		if (err)
			fprintf(stderr, "create: %s (%s)\n", errname(err),
				secmsg_nl_errmsg(nl) ? secmsg_nl_errmsg(nl) : "");
		else
			printf("created %ld\n", n);
	} else if (argc == 2 && !strcmp(argv[1], "count")) {
		struct secmsg_stats st;
		long n = 0;

		err = secmsg_session_dump(nl, count_cb, &n);
		if (!err)
			err = secmsg_stats_get(nl, &st);
		if (!err && (uint64_t)n != st.v[SECMSG_STATS_A_SESSIONS]) {
			fprintf(stderr, "dump %ld != stats %llu\n", n,
				(unsigned long long)st.v[SECMSG_STATS_A_SESSIONS]);
			err = -EPROTO;
		}
		if (!err)
			printf("%ld\n", n);
	} else if (argc == 2 && !strcmp(argv[1], "clear")) {
		struct idlist l = { 0 };
		size_t i;

		err = secmsg_session_dump(nl, collect_cb, &l);
		for (i = 0; !err && i < l.n; i++) {
			err = secmsg_session_del(nl, l.v[i]);
			if (err == -ENOENT)	/* expired meanwhile */
				err = 0;
		}
		free(l.v);
	} else {
		fprintf(stderr, "usage: mksess create N | count | clear\n");
		err = -EINVAL;
	}
	if (err && err != -EINVAL)
		fprintf(stderr, "mksess: %s\n", errname(err));
	secmsg_nl_close(nl);
	return err ? 1 : 0;
}
