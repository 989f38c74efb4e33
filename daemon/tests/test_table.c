// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Host tests: the hash map (daemon/table.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/lib/tests/tap.h"
#include "table.h"

static void test_free_all(void)
{
	struct table t = { 0 };
	char *v;
	int i, rc = 0;

	for (i = 0; i < 100; i++) {
		v = malloc(16);
		snprintf(v, 16, "v%d", i);
		rc |= table_put_str(&t, v, v);
	}
	ok(!rc && t.n == 100, "100 owned values");
	table_free_all(&t);
	/* the -san build's leak check says whether they were freed */
	ok(t.n == 0 && !t.b, "table_free_all: values and table freed");
}

int main(void)
{
	static char names[3000][16];
	struct table t = { 0 }, s = { 0 };
	struct tent *e;
	size_t i, n, bad = 0;

	ok(table_get(&t, 1) == NULL && table_del(&t, 1) == NULL,
	   "an empty table");
	for (i = 1; i <= 5000; i++)
		bad += table_put(&t, i * 0x100000000ULL, (void *)i) != 0;
	ok(!bad && t.n == 5000, "5000 entries");
	for (i = 1; i <= 5000; i++)
		bad += table_get(&t, i * 0x100000000ULL) != (void *)i;
	ok(!bad, "all found");
	ok(table_get(&t, 12345) == NULL, "a missing key");
	for (i = 1; i <= 5000; i += 2)
		bad += table_del(&t, i * 0x100000000ULL) != (void *)i;
	ok(!bad && t.n == 2500, "half deleted");
	for (n = 0, e = table_first(&t, &i); e; e = table_next(&t, e, &i))
		n++;
	ok(n == 2500, "iteration sees 2500");
	ok(table_get(&t, 3 * 0x100000000ULL) == NULL &&
	   table_get(&t, 4 * 0x100000000ULL) == (void *)4,
	   "deleted ones gone, others kept");
	table_free(&t);
	ok(t.n == 0 && t.b == NULL, "freed");

	for (i = 0; i < 3000; i++) {
		snprintf(names[i], sizeof(names[i]), "user%zu", i);
		bad += table_put_str(&s, names[i], names[i]) != 0;
	}
	ok(!bad, "3000 string keys");
	ok(table_get_str(&s, "user2999") == names[2999] &&
	   table_get_str(&s, "user3000") == NULL, "string lookup");
	ok(table_del_str(&s, "user7") == names[7] &&
	   table_get_str(&s, "user7") == NULL && s.n == 2999, "string delete");
	ok(table_hash_str("a") != table_hash_str("b"), "hash differs");
	table_free(&s);
	test_free_all();
	return done();
}
