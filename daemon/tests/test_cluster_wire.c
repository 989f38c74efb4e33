// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Host tests: the cluster's NATS messages (daemon/cluster/wire.c): exact
 * bytes of each type as docs/cluster.md gives them, round trips, and
 * every truncation, trailing byte, bad version, bad name and overlong
 * count refused.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/lib/tests/tap.h"
#include "cluster/wire.h"

#define BOOT	0x0102030405060708ULL

/* The presence example of docs/cluster.md, byte for byte. */
static const uint8_t presence_bytes[] = {
	0x01, 0x01,				/* version 1, presence */
	0x01, 'a',				/* node "a" */
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,	/* boot id */
	0, 0, 0, 0, 0, 0, 0, 0x2a,		/* seq 42 */
	0x00,					/* flags */
	0, 0, 0, 2,				/* 2 users */
	0x05, 'a', 'l', 'i', 'c', 'e', 0x01,	/* alice, 1 login */
	0x03, 'b', 'o', 'b', 0x02,		/* bob, 2 logins */
};

/* The relay example: one item, ref 7, alice -> bob, 3 sealed bytes. */
static const uint8_t relay_bytes[] = {
	0x01, 0x02, 0x01, 'a',
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0, 0, 0, 1,
	0, 0, 0, 0, 0, 0, 0, 7,
	0x05, 'a', 'l', 'i', 'c', 'e',
	0x03, 'b', 'o', 'b',
	0, 0, 0, 3, 0xde, 0xad, 0xbf,
};

static const uint8_t result_bytes[] = {
	0x01, 0x03, 0x01, 'b',
	0, 0, 0, 0, 0, 0, 0, 9,			/* b's boot id */
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,	/* answers a's boot */
	0, 0, 0, 2,
	0, 0, 0, 0, 0, 0, 0, 7, 0x00,		/* 7 delivered */
	0, 0, 0, 0, 0, 0, 0, 8, 0x07,		/* 8 node_unreachable */
};

static const uint8_t link_bytes[] = {
	0x01, 0x04, 0x01, 'b',
	0, 0, 0, 0, 0, 0, 0, 9,
	0x02,					/* message 2 */
	0, 0, 0, 0, 0, 0, 0x12, 0x34,		/* pending session */
	0x00, 0x02, 0xaa, 0xbb,			/* 2 handshake bytes */
	0x00,					/* no reason */
};

static const uint8_t replace_bytes[] = {
	0x01, 0x05, 0x01, 'b',
	0, 0, 0, 0, 0, 0, 0, 9,
	0x05, 'a', 'l', 'i', 'c', 'e', 0x01,	/* alice: close 1 */
};

static void test_build(void)
{
	struct cw_buf b = { 0 };

	cw_presence_begin(&b, "a", BOOT, 42, 0);
	cw_presence_add(&b, "alice", 1);
	cw_presence_add(&b, "bob", 2);
	ok(cw_end(&b) && b.len == sizeof(presence_bytes) &&
	   !memcmp(b.p, presence_bytes, b.len), "presence: the documented bytes");
	cw_relay_begin(&b, "a", BOOT);
	cw_relay_add(&b, 7, "alice", "bob", (const uint8_t *)"\xde\xad\xbf", 3);
	ok(cw_end(&b) && b.len == sizeof(relay_bytes) &&
	   !memcmp(b.p, relay_bytes, b.len) &&
	   cw_relay_item_size("alice", "bob", 3) == b.len - 16,
	   "relay: the documented bytes, and the item size");
	cw_result_begin(&b, "b", 9, BOOT);
	cw_result_add(&b, 7, CW_DELIVERED);
	cw_result_add(&b, 8, CW_NODE_UNREACHABLE);
	ok(cw_end(&b) && b.len == sizeof(result_bytes) &&
	   !memcmp(b.p, result_bytes, b.len), "result: the documented bytes");
	cw_link(&b, "b", 9, CW_LINK_MSG2, 0x1234,
		(const uint8_t *)"\xaa\xbb", 2, NULL);
	ok(cw_end(&b) && b.len == sizeof(link_bytes) &&
	   !memcmp(b.p, link_bytes, b.len), "link: the documented bytes");
	cw_replace(&b, "b", 9, "alice", 1);
	ok(cw_end(&b) && b.len == sizeof(replace_bytes) &&
	   !memcmp(b.p, replace_bytes, b.len), "replace: the documented bytes");
	cw_buf_free(&b);
}

static void test_parse(void)
{
	struct cw_reader r;
	struct cw_head h;
	struct cw_link_msg lm;
	char u1[65], u2[65];
	const uint8_t *data;
	unsigned int n1, n2, code;
	uint64_t seq, ref, to_boot;
	uint8_t flags;
	uint32_t n;
	size_t len;

	ok(!cw_head(presence_bytes, sizeof(presence_bytes), &h, &r) &&
	   h.type == CW_PRESENCE && !strcmp(h.node, "a") && h.boot == BOOT &&
	   !cw_presence_read(&r, &seq, &flags, &n) && seq == 42 && !flags &&
	   n == 2 && !cw_presence_next(&r, u1, &n1) &&
	   !cw_presence_next(&r, u2, &n2) && !cw_done(&r) &&
	   !strcmp(u1, "alice") && n1 == 1 && !strcmp(u2, "bob") && n2 == 2,
	   "presence parsed");
	ok(!cw_head(relay_bytes, sizeof(relay_bytes), &h, &r) &&
	   h.type == CW_RELAY && !cw_relay_read(&r, &n) && n == 1 &&
	   !cw_relay_next(&r, &ref, u1, u2, &data, &len) && !cw_done(&r) &&
	   ref == 7 && !strcmp(u1, "alice") && !strcmp(u2, "bob") &&
	   len == 3 && !memcmp(data, "\xde\xad\xbf", 3), "relay parsed");
	ok(!cw_head(result_bytes, sizeof(result_bytes), &h, &r) &&
	   h.type == CW_RESULT && h.boot == 9 &&
	   !cw_result_read(&r, &to_boot, &n) && to_boot == BOOT && n == 2 &&
	   !cw_result_next(&r, &ref, &code) && ref == 7 && code == 0 &&
	   !cw_result_next(&r, &ref, &code) && ref == 8 &&
	   code == CW_NODE_UNREACHABLE && !cw_done(&r), "result parsed");
	ok(!cw_head(link_bytes, sizeof(link_bytes), &h, &r) &&
	   h.type == CW_LINK && !cw_link_read(&r, &lm) && !cw_done(&r) &&
	   lm.step == CW_LINK_MSG2 && lm.session == 0x1234 &&
	   lm.hs_len == 2 && !memcmp(lm.hs, "\xaa\xbb", 2) && !lm.reason[0],
	   "link parsed");
	ok(!cw_head(replace_bytes, sizeof(replace_bytes), &h, &r) &&
	   h.type == CW_REPLACE && !cw_replace_read(&r, u1, &n1) &&
	   !cw_done(&r) && !strcmp(u1, "alice") && n1 == 1, "replace parsed");
}

/* Parse msg fully by its type; 0 when every part was accepted. */
static int parse_all(const uint8_t *m, size_t len)
{
	struct cw_reader r;
	struct cw_head h;
	struct cw_link_msg lm;
	char u1[65], u2[65];
	const uint8_t *data;
	unsigned int a, code;
	uint64_t seq, ref;
	uint8_t flags;
	uint32_t n, i;
	size_t dl;
	int rc = cw_head(m, len, &h, &r);

	if (rc)
		return rc;
	switch (h.type) {
	case CW_PRESENCE:
		rc = cw_presence_read(&r, &seq, &flags, &n);
		for (i = 0; !rc && i < n; i++)
			rc = cw_presence_next(&r, u1, &a);
		break;
	case CW_RELAY:
		rc = cw_relay_read(&r, &n);
		for (i = 0; !rc && i < n; i++)
			rc = cw_relay_next(&r, &ref, u1, u2, &data, &dl);
		break;
	case CW_RESULT:
		rc = cw_result_read(&r, &seq, &n);
		for (i = 0; !rc && i < n; i++)
			rc = cw_result_next(&r, &ref, &code);
		break;
	case CW_LINK:
		rc = cw_link_read(&r, &lm);
		break;
	case CW_REPLACE:
		rc = cw_replace_read(&r, u1, &a);
		break;
	}
	return rc ? rc : cw_done(&r);
}

static void test_bad(void)
{
	const struct {
		const uint8_t *p;
		size_t len;
		const char *name;
	} good[] = {
		{ presence_bytes, sizeof(presence_bytes), "presence" },
		{ relay_bytes, sizeof(relay_bytes), "relay" },
		{ result_bytes, sizeof(result_bytes), "result" },
		{ link_bytes, sizeof(link_bytes), "link" },
		{ replace_bytes, sizeof(replace_bytes), "replace" },
	};
	uint8_t m[256];
	size_t i, cut;
	bool all;

	for (i = 0; i < 5; i++) {
		ok(!parse_all(good[i].p, good[i].len), "%s: accepted",
		   good[i].name);
		for (all = true, cut = 0; cut < good[i].len; cut++)
			all &= parse_all(good[i].p, cut) != 0;
		ok(all, "%s: every truncation refused", good[i].name);
		memcpy(m, good[i].p, good[i].len);
		m[good[i].len] = 0;
		ok(parse_all(m, good[i].len + 1) == -EINVAL,
		   "%s: a trailing byte refused", good[i].name);
		m[0] = 2;
		ok(parse_all(m, good[i].len) == -EPROTO,
		   "%s: version 2 refused (-EPROTO)", good[i].name);
	}
	memcpy(m, presence_bytes, sizeof(presence_bytes));
	m[1] = 6;
	ok(parse_all(m, sizeof(presence_bytes)) == -EINVAL, "unknown type");
	memcpy(m, presence_bytes, sizeof(presence_bytes));
	m[3] = '.';
	ok(parse_all(m, sizeof(presence_bytes)) == -EINVAL,
	   "a node name with a dot");
	memcpy(m, presence_bytes, sizeof(presence_bytes));
	m[23] = 0xff;		/* 255 users claimed */
	ok(parse_all(m, sizeof(presence_bytes)) == -EINVAL,
	   "a count larger than the bytes left");
	memcpy(m, presence_bytes, sizeof(presence_bytes));
	m[30] = 0;		/* alice with 0 logins */
	ok(parse_all(m, sizeof(presence_bytes)) == -EINVAL, "0 logins");
	memcpy(m, presence_bytes, sizeof(presence_bytes));
	m[25] = '-';		/* "-lice" */
	ok(parse_all(m, sizeof(presence_bytes)) == -EINVAL,
	   "a user id starting with '-'");
	memcpy(m, relay_bytes, sizeof(relay_bytes));
	m[27] = 0;		/* a NUL inside "alice" */
	ok(parse_all(m, sizeof(relay_bytes)) == -EINVAL, "a NUL in a name");
	memcpy(m, result_bytes, sizeof(result_bytes));
	m[sizeof(result_bytes) - 1] = CW_CODE__N;
	ok(parse_all(m, sizeof(result_bytes)) == -EINVAL, "an unknown code");
	memcpy(m, link_bytes, sizeof(link_bytes));
	m[12] = 6;
	ok(parse_all(m, sizeof(link_bytes)) == -EINVAL, "an unknown link step");
	memcpy(m, replace_bytes, sizeof(replace_bytes));
	m[sizeof(replace_bytes) - 1] = 0;
	ok(parse_all(m, sizeof(replace_bytes)) == -EINVAL, "replace 0 logins");
}

static void test_names(void)
{
	ok(cw_node_valid("node-1") && cw_node_valid("A_b9") &&
	   !cw_node_valid("") && !cw_node_valid("a.b") &&
	   !cw_node_valid("a b") && !cw_node_valid("-a") &&
	   !cw_node_valid("a*") && !cw_node_valid("a>") &&
	   !cw_node_valid("123456789012345678901234567890123") &&
	   cw_node_valid("12345678901234567890123456789012"),
	   "node names: [A-Za-z0-9_-], 1..32, no leading '-'");
	ok(!cw_code_name(CW_DELIVERED) &&
	   !strcmp(cw_code_name(CW_NODE_UNREACHABLE), "node_unreachable") &&
	   cw_code_of("recipient_offline") == CW_RECIPIENT_OFFLINE &&
	   cw_code_of("nonsense") == CW_INTERNAL && !cw_code_name(99),
	   "result codes and their names");
}

static void test_big(void)
{
	struct cw_buf b = { 0 };
	struct cw_reader r;
	struct cw_head h;
	uint8_t *sealed = malloc(65536);
	char from[65], to[65];
	const uint8_t *data;
	uint64_t ref;
	uint32_t n, i;
	size_t len;
	bool good = true;

	memset(sealed, 0x5a, 65536);
	cw_relay_begin(&b, "node-a", 1);
	for (i = 0; i < 7; i++)
		cw_relay_add(&b, i, "alice", "bob", sealed, 65536);
	ok(cw_end(&b) && !cw_head(b.p, b.len, &h, &r) &&
	   !cw_relay_read(&r, &n) && n == 7, "a batch of 7 x 64 KiB");
	for (i = 0; i < n; i++)
		good &= !cw_relay_next(&r, &ref, from, to, &data, &len) &&
			ref == i && len == 65536 && data[65535] == 0x5a;
	ok(good && !cw_done(&r), "each item back, byte for byte");
	cw_buf_free(&b);
	free(sealed);
}

int main(void)
{
	test_build();
	test_parse();
	test_bad();
	test_names();
	test_big();
	return done();
}
