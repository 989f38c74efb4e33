// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Fuzz target: the cluster's NATS messages (daemon/cluster/wire.c,
 * docs/cluster.md "Wire format"), which a secmsgd node reads from the
 * other nodes, and from whoever else can publish on the bus: cw_head(),
 * then the readers of the message's type item by item, then cw_done(),
 * the order links.c and the cluster route read them in.  Input: the
 * message's bytes.
 *
 * What must hold: a message that reads whole has a valid node name,
 * user ids, counts that its length can hold and known codes and steps,
 * and the builders (cw_begin() and the rest) write what was read back
 * to the very same bytes: one encoding per message, nothing ignored.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "cluster/wire.h"
#include "secmsg/handshake.h"

/* Read the body of h's type from r, building it again into b. */
static int read_body(const struct cw_head *h, struct cw_reader *r,
		     struct cw_buf *b)
{
	char user[SECMSG_USER_ID_MAX + 1], to[SECMSG_USER_ID_MAX + 1];
	struct cw_link_msg lm;
	const uint8_t *sealed;
	uint64_t seq, ref, boot;
	unsigned int v;
	uint8_t flags;
	uint32_t n, i;
	size_t len;

	switch (h->type) {
	case CW_PRESENCE:
		if (cw_presence_read(r, &seq, &flags, &n))
			return -EINVAL;
		cw_presence_begin(b, h->node, h->boot, seq, flags);
		for (i = 0; i < n; i++) {
			if (cw_presence_next(r, user, &v))
				return -EINVAL;
			FUZZ_CHECK(secmsg_user_id_valid(user) && v >= 1 &&
				   v <= 255);
			cw_presence_add(b, user, v);
		}
		break;
	case CW_RELAY:
		if (cw_relay_read(r, &n))
			return -EINVAL;
		cw_relay_begin(b, h->node, h->boot);
		for (i = 0; i < n; i++) {
			if (cw_relay_next(r, &ref, user, to, &sealed, &len))
				return -EINVAL;
			FUZZ_CHECK(secmsg_user_id_valid(user) &&
				   secmsg_user_id_valid(to));
			FUZZ_CHECK(sealed || !len);
			cw_relay_add(b, ref, user, to, sealed, len);
		}
		break;
	case CW_RESULT:
		if (cw_result_read(r, &boot, &n))
			return -EINVAL;
		cw_result_begin(b, h->node, h->boot, boot);
		for (i = 0; i < n; i++) {
			if (cw_result_next(r, &ref, &v))
				return -EINVAL;
			FUZZ_CHECK(v < CW_CODE__N);
			cw_result_add(b, ref, (enum cw_code)v);
		}
		break;
	case CW_LINK:
		if (cw_link_read(r, &lm))
			return -EINVAL;
		FUZZ_CHECK(lm.step >= CW_LINK_MSG1 &&
			   lm.step <= CW_LINK_REFUSED);
		FUZZ_CHECK(lm.hs || !lm.hs_len);
		cw_link(b, h->node, h->boot, lm.step, lm.session, lm.hs,
			lm.hs_len, lm.reason);
		break;
	case CW_REPLACE:
		if (cw_replace_read(r, user, &v))
			return -EINVAL;
		FUZZ_CHECK(secmsg_user_id_valid(user) && v >= 1 && v <= 255);
		cw_replace(b, h->node, h->boot, user, v);
		break;
	default:
		FUZZ_CHECK(!"cw_head() let an unknown type through");
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *m = fuzz_dup(data, size);
	struct cw_buf b = { 0 };
	struct cw_reader r;
	struct cw_head h;
	int err;

	err = cw_head(m, size, &h, &r);
	FUZZ_CHECK(!err || err == -EINVAL || err == -EPROTO);
	if (!err) {
		FUZZ_CHECK(cw_node_valid(h.node));
		if (!read_body(&h, &r, &b) && !cw_done(&r)) {
			/* read whole: written again, the same bytes */
			FUZZ_CHECK(cw_end(&b));
			FUZZ_CHECK(b.len == size && !memcmp(b.p, m, size));
		}
	}
	cw_buf_free(&b);
	free(m);
	return 0;
}
