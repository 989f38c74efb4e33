// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Strict parsing of secmsg.ko's replies and events.  Every attribute a
 * reply may carry is checked for its exact length (integers), its NUL and
 * maximum (strings) or its length limits (binary) before use, as the
 * tables generated from uapi/secmsg.yaml (spec-gen.c) give them;
 * attributes newer than this library (type above the max), pad and
 * request-only attributes are skipped.  Any violation is -EIO with a
 * reason in err.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "internal.h"

static int bad(char *err, size_t errsize, const char *what, int type)
{
	if (err && errsize)
		snprintf(err, errsize, "libsecmsg: malformed reply: %s %d",
			 what, type);
	return -EIO;
}

static int check_attr(const struct nlattr *a, const struct secmsg_nla_spec *s,
		      int type, char *err, size_t errsize)
{
	int len = nla_len(a);
	const char *str;

	switch (s->kind) {
	case SECMSG_NLA_U8:
	case SECMSG_NLA_U32:
	case SECMSG_NLA_U64:
		return len == s->min ? 0 :
		       bad(err, errsize, "integer length, attr", type);
	case SECMSG_NLA_STRING:
		str = nla_data(a);
		if (len < 1 || str[len - 1] || (s->max && len > s->max))
			return bad(err, errsize, "string, attr", type);
		return 0;
	case SECMSG_NLA_BINARY:
		return len >= s->min && (!s->max || len <= s->max) ? 0 :
		       bad(err, errsize, "binary length, attr", type);
	default:
		return 0;
	}
}

int secmsg_nla_parse(struct nlattr **tb, int maxtype, struct nlattr *head,
		     int len, const struct secmsg_nla_spec *spec, char *err,
		     size_t errsize)
{
	struct nlattr *a;
	int type, rem, ret;

	memset(tb, 0, sizeof(*tb) * (size_t)(maxtype + 1));
	if (len < 0)
		return bad(err, errsize, "attribute stream, len", len);
	nla_for_each_attr(a, head, len, rem) {
		type = nla_type(a);
		/*
		 * newer attributes, and those no reply carries, are skipped;
		 * a repeated one: the last
		 */
		if (type <= maxtype && spec[type].kind != SECMSG_NLA_IGNORE &&
		    (spec[type].flags & SECMSG_NLA_F_REPLY))
			tb[type] = a;
	}
	/* the last attribute may lack its tail padding: rem in (-4, 0] */
	if (rem > 0 || rem <= -NLA_ALIGNTO)
		return bad(err, errsize, "trailing bytes in attributes", rem);
	for (type = 0; type <= maxtype; type++) {
		if (!tb[type])
			continue;
		ret = check_attr(tb[type], &spec[type], type, err, errsize);
		if (ret)
			return ret;
	}
	return 0;
}

static int parse_nested(struct nlattr **tb, int maxtype, struct nlattr *nest,
			const struct secmsg_nla_spec *spec, char *err,
			size_t errsize)
{
	return secmsg_nla_parse(tb, maxtype, nla_data(nest), nla_len(nest),
				spec, err, errsize);
}

int secmsg_parse_genl(const struct nlmsghdr *h, struct nlattr **tb,
		      char *err, size_t errsize)
{
	int len;

	if (h->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return bad(err, errsize, "message length", (int)h->nlmsg_len);
	len = (int)(h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN));
	return secmsg_nla_parse(tb, SECMSG_A_MAX,
				(struct nlattr *)((char *)NLMSG_DATA(h) +
						  GENL_HDRLEN),
				len, secmsg_attr_spec, err, errsize);
}

static int parse_policy(struct nlattr *nest, struct secmsg_policy *p,
			char *err, size_t errsize)
{
	struct nlattr *tb[SECMSG_POLICY_A_MAX + 1];
	int ret = parse_nested(tb, SECMSG_POLICY_A_MAX, nest, secmsg_policy_attr_spec,
			       err, errsize);

	if (ret)
		return ret;
	if ((p->has_rotate_interval = tb[SECMSG_POLICY_A_ROTATE_INTERVAL]))
		p->rotate_interval =
			nla_get_u32(tb[SECMSG_POLICY_A_ROTATE_INTERVAL]);
	if ((p->has_max_messages = tb[SECMSG_POLICY_A_MAX_MESSAGES]))
		p->max_messages = nla_get_u64(tb[SECMSG_POLICY_A_MAX_MESSAGES]);
	if ((p->has_timeout = tb[SECMSG_POLICY_A_TIMEOUT]))
		p->timeout = nla_get_u32(tb[SECMSG_POLICY_A_TIMEOUT]);
	if ((p->has_idle_timeout = tb[SECMSG_POLICY_A_IDLE_TIMEOUT]))
		p->idle_timeout = nla_get_u32(tb[SECMSG_POLICY_A_IDLE_TIMEOUT]);
	if ((p->has_rekey_grace = tb[SECMSG_POLICY_A_REKEY_GRACE]))
		p->rekey_grace = nla_get_u32(tb[SECMSG_POLICY_A_REKEY_GRACE]);
	return 0;
}

static uint64_t get_u64(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

static int parse_counters(struct nlattr *nest, struct secmsg_counters *c,
			  char *err, size_t errsize)
{
	struct nlattr *tb[SECMSG_CNT_A_MAX + 1];
	int ret = parse_nested(tb, SECMSG_CNT_A_MAX, nest, secmsg_counter_attr_spec, err,
			       errsize);

	if (ret)
		return ret;
	c->tx_messages = get_u64(tb[SECMSG_CNT_A_TX_MESSAGES]);
	c->tx_bytes = get_u64(tb[SECMSG_CNT_A_TX_BYTES]);
	c->rx_messages = get_u64(tb[SECMSG_CNT_A_RX_MESSAGES]);
	c->rx_bytes = get_u64(tb[SECMSG_CNT_A_RX_BYTES]);
	c->auth_failures = get_u64(tb[SECMSG_CNT_A_AUTH_FAILURES]);
	c->replays = get_u64(tb[SECMSG_CNT_A_REPLAYS]);
	c->rotations = get_u64(tb[SECMSG_CNT_A_ROTATIONS]);
	c->stale_epoch = get_u64(tb[SECMSG_CNT_A_STALE_EPOCH]);
	return 0;
}

static void copy_user_id(char *dst, struct nlattr *a)
{
	/* checked: NUL-terminated within SECMSG_USER_ID_MAX + 1 bytes */
	if (a)
		snprintf(dst, SECMSG_USER_ID_MAX + 1, "%s",
			 (const char *)nla_data(a));
	else
		dst[0] = '\0';
}

int secmsg_parse_session(const struct nlmsghdr *h,
			 struct secmsg_session_info *s, char *err,
			 size_t errsize)
{
	struct nlattr *tb[SECMSG_A_MAX + 1];
	int ret;

	memset(s, 0, sizeof(*s));
	ret = secmsg_parse_genl(h, tb, err, errsize);
	if (ret)
		return ret;
	if (!tb[SECMSG_A_SESSION_ID])
		return bad(err, errsize, "missing attr", SECMSG_A_SESSION_ID);
	s->id = nla_get_u64(tb[SECMSG_A_SESSION_ID]);
	copy_user_id(s->user_id, tb[SECMSG_A_USER_ID]);
	if (tb[SECMSG_A_ALG])
		s->alg = (int)nla_get_u32(tb[SECMSG_A_ALG]);
	if (tb[SECMSG_A_STATE])
		s->state = nla_get_u8(tb[SECMSG_A_STATE]);
	if (tb[SECMSG_A_EPOCH])
		s->epoch = nla_get_u32(tb[SECMSG_A_EPOCH]);
	if (tb[SECMSG_A_FLAGS])
		s->flags = nla_get_u32(tb[SECMSG_A_FLAGS]);
	s->created = get_u64(tb[SECMSG_A_CREATED]);
	s->last_used = get_u64(tb[SECMSG_A_LAST_USED]);
	s->expires = get_u64(tb[SECMSG_A_EXPIRES]);
	s->rekey_at = get_u64(tb[SECMSG_A_REKEY_AT]);
	if (tb[SECMSG_A_POLICY]) {
		ret = parse_policy(tb[SECMSG_A_POLICY], &s->policy, err,
				   errsize);
		if (ret)
			return ret;
	}
	if (tb[SECMSG_A_COUNTERS])
		return parse_counters(tb[SECMSG_A_COUNTERS], &s->counters, err,
				      errsize);
	return 0;
}

/* The SECMSG_STATS_A_FAILURE nests of stats: a count per reason. */
static int parse_failures(struct nlattr *stats, struct secmsg_stats *st,
			  char *err, size_t errsize)
{
	struct nlattr *tb[SECMSG_FAILURE_A_MAX + 1], *a;
	uint32_t why;
	int rem, ret;

	nla_for_each_nested(a, stats, rem) {
		if (nla_type(a) != SECMSG_STATS_A_FAILURE)
			continue;
		ret = parse_nested(tb, SECMSG_FAILURE_A_MAX, a,
				   secmsg_failure_attr_spec, err, errsize);
		if (ret)
			return ret;
		if (!tb[SECMSG_FAILURE_A_REASON] || !tb[SECMSG_FAILURE_A_COUNT])
			return bad(err, errsize, "failure count without attr",
				   tb[SECMSG_FAILURE_A_REASON] ?
				   SECMSG_FAILURE_A_COUNT :
				   SECMSG_FAILURE_A_REASON);
		why = nla_get_u32(tb[SECMSG_FAILURE_A_REASON]);
		/* reasons newer than this library are not kept */
		if (why >= 1 && why <= SECMSG_FAIL_MAX)
			st->fail[why] = nla_get_u64(tb[SECMSG_FAILURE_A_COUNT]);
	}
	return 0;
}

int secmsg_parse_stats(const struct nlmsghdr *h, struct secmsg_stats *st,
		       char *err, size_t errsize)
{
	struct nlattr *tb[SECMSG_A_MAX + 1];
	struct nlattr *sb[SECMSG_STATS_A_MAX + 1];
	int ret, i;

	memset(st, 0, sizeof(*st));
	ret = secmsg_parse_genl(h, tb, err, errsize);
	if (ret)
		return ret;
	if (!tb[SECMSG_A_STATS])
		return bad(err, errsize, "missing attr", SECMSG_A_STATS);
	ret = parse_nested(sb, SECMSG_STATS_A_MAX, tb[SECMSG_A_STATS],
			   secmsg_stats_attr_spec, err, errsize);
	if (ret)
		return ret;
	for (i = 0; i <= SECMSG_STATS_A_MAX; i++)
		if (secmsg_stats_attr_spec[i].kind == SECMSG_NLA_U64)
			st->v[i] = get_u64(sb[i]);
	return parse_failures(tb[SECMSG_A_STATS], st, err, errsize);
}

int secmsg_parse_event(const struct nlmsghdr *h, struct secmsg_event_info *ev,
		       char *err, size_t errsize)
{
	struct nlattr *tb[SECMSG_A_MAX + 1];
	int ret;

	memset(ev, 0, sizeof(*ev));
	ret = secmsg_parse_genl(h, tb, err, errsize);
	if (ret)
		return ret;
	if (!tb[SECMSG_A_EVENT] || !tb[SECMSG_A_SESSION_ID])
		return bad(err, errsize, "event without attr",
			   tb[SECMSG_A_EVENT] ? SECMSG_A_SESSION_ID :
						SECMSG_A_EVENT);
	ev->event = nla_get_u8(tb[SECMSG_A_EVENT]);
	ev->id = nla_get_u64(tb[SECMSG_A_SESSION_ID]);
	if (tb[SECMSG_A_REASON])
		ev->reason = nla_get_u8(tb[SECMSG_A_REASON]);
	copy_user_id(ev->user_id, tb[SECMSG_A_USER_ID]);
	if (tb[SECMSG_A_ALG])
		ev->alg = (int)nla_get_u32(tb[SECMSG_A_ALG]);
	if (tb[SECMSG_A_EPOCH])
		ev->epoch = nla_get_u32(tb[SECMSG_A_EPOCH]);
	if (tb[SECMSG_A_FLAGS])
		ev->flags = nla_get_u32(tb[SECMSG_A_FLAGS]);
	return 0;
}

/* A malloc'ed copy of a (possibly empty) binary attribute, or a view. */
static int dup_data(struct nlattr *a, bool view, uint8_t **data, size_t *len)
{
	size_t n = (size_t)nla_len(a);

	if (view) {
		*data = nla_data(a);
		*len = n;
		return 0;
	}
	*data = malloc(n ? n : 1);
	if (!*data)
		return -ENOMEM;
	memcpy(*data, nla_data(a), n);
	*len = n;
	return 0;
}

int secmsg_parse_msg(const struct nlmsghdr *h, struct secmsg_msg_result *res,
		     bool view, char *err, size_t errsize)
{
	struct nlattr *tb[SECMSG_A_MAX + 1];
	int ret;

	memset(res, 0, sizeof(*res));
	ret = secmsg_parse_genl(h, tb, err, errsize);
	if (ret)
		return ret;
	if (!tb[SECMSG_A_DATA] || !tb[SECMSG_A_EPOCH] || !tb[SECMSG_A_SEQ])
		return bad(err, errsize, "missing attr",
			   !tb[SECMSG_A_DATA] ? SECMSG_A_DATA :
			   !tb[SECMSG_A_EPOCH] ? SECMSG_A_EPOCH : SECMSG_A_SEQ);
	res->epoch = nla_get_u32(tb[SECMSG_A_EPOCH]);
	res->seq = nla_get_u64(tb[SECMSG_A_SEQ]);
	return dup_data(tb[SECMSG_A_DATA], view, &res->data, &res->len);
}

/*
 * One result: a status, and its reason or the message produced (a copy,
 * or with view a pointer into the reply).  A result of a RESEAL to several
 * sessions names its destination, which must be dest.
 */
static int parse_result(struct nlattr *nest, bool has_dest, uint64_t dest,
			struct secmsg_msg_result *res, bool view, char *err,
			size_t errsize)
{
	struct nlattr *tb[SECMSG_RESULT_A_MAX + 1];
	uint32_t status;
	int ret;

	ret = parse_nested(tb, SECMSG_RESULT_A_MAX, nest,
			   secmsg_result_attr_spec, err, errsize);
	if (ret)
		return ret;
	if (has_dest && (!tb[SECMSG_RESULT_A_SESSION_ID] ||
			 nla_get_u64(tb[SECMSG_RESULT_A_SESSION_ID]) != dest))
		return bad(err, errsize, "result for another destination, attr",
			   SECMSG_RESULT_A_SESSION_ID);
	if (!tb[SECMSG_RESULT_A_STATUS])
		return bad(err, errsize, "result without attr",
			   SECMSG_RESULT_A_STATUS);
	status = nla_get_u32(tb[SECMSG_RESULT_A_STATUS]);
	if (status > 4095)
		return bad(err, errsize, "result status", (int)(status & 0xffff));
	res->status = (int)status;
	res->cookie = get_u64(tb[SECMSG_RESULT_A_COOKIE]);
	if (status) {
		if (tb[SECMSG_RESULT_A_REASON])
			res->reason = (int)nla_get_u32(tb[SECMSG_RESULT_A_REASON]);
		return 0;
	}
	if (!tb[SECMSG_RESULT_A_DATA] || !tb[SECMSG_RESULT_A_EPOCH] ||
	    !tb[SECMSG_RESULT_A_SEQ])
		return bad(err, errsize, "successful result without attr",
			   !tb[SECMSG_RESULT_A_DATA] ? SECMSG_RESULT_A_DATA :
			   !tb[SECMSG_RESULT_A_EPOCH] ? SECMSG_RESULT_A_EPOCH :
			   SECMSG_RESULT_A_SEQ);
	res->epoch = nla_get_u32(tb[SECMSG_RESULT_A_EPOCH]);
	res->seq = nla_get_u64(tb[SECMSG_RESULT_A_SEQ]);
	return dup_data(tb[SECMSG_RESULT_A_DATA], view, &res->data,
			&res->len);
}

static void free_results(struct secmsg_msg_result *res, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		secmsg_msg_result_free(&res[i]);
}

size_t secmsg_msg_batch_results(const struct secmsg_batch_op *ops, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += ops[i].ndests ? ops[i].ndests : 1;
	return k;
}

/*
 * One SECMSG_A_RESULT per op in order, except a RESEAL to several
 * sessions: one per destination, in the order of op->dests.
 */
int secmsg_parse_batch(const struct nlmsghdr *h,
		       const struct secmsg_batch_op *ops, size_t n,
		       struct secmsg_msg_result *res, bool view, char *err,
		       size_t errsize)
{
	size_t i = 0, j = 0, k = 0, nres = secmsg_msg_batch_results(ops, n);
	struct nlattr *a;
	int rem, ret;

	if (h->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return bad(err, errsize, "message length", (int)h->nlmsg_len);
	memset(res, 0, nres * sizeof(*res));
	nla_for_each_attr(a, (struct nlattr *)((char *)NLMSG_DATA(h) +
					       GENL_HDRLEN),
			  (int)(h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN)), rem) {
		if (nla_type(a) != SECMSG_A_RESULT)
			continue;
		if (i == n) {
			ret = bad(err, errsize, "more results than ops, n",
				  (int)n);
			goto fail;
		}
		ret = parse_result(a, ops[i].ndests,
				   ops[i].ndests ? ops[i].dests[j] : 0,
				   &res[k], view, err, errsize);
		if (ret)
			goto fail;
		k++;
		if (ops[i].ndests && ++j < ops[i].ndests)
			continue;	/* more destinations of this op */
		j = 0;
		i++;
	}
	if (i == n)
		return 0;
	ret = bad(err, errsize, "fewer results than ops, got", (int)i);
fail:
	if (view)
		memset(res, 0, nres * sizeof(*res));
	else
		free_results(res, k + (k < nres));
	return ret;
}

int secmsg_parse_crypt(const struct nlmsghdr *h, const uint8_t **nonce,
		       size_t *nonce_len, const uint8_t **data,
		       size_t *data_len, char *err, size_t errsize)
{
	struct nlattr *tb[SECMSG_A_MAX + 1];
	int ret;

	ret = secmsg_parse_genl(h, tb, err, errsize);
	if (ret)
		return ret;
	if (!tb[SECMSG_A_DATA])
		return bad(err, errsize, "missing attr", SECMSG_A_DATA);
	*data = nla_data(tb[SECMSG_A_DATA]);
	*data_len = (size_t)nla_len(tb[SECMSG_A_DATA]);
	*nonce = tb[SECMSG_A_NONCE] ? nla_data(tb[SECMSG_A_NONCE]) : NULL;
	*nonce_len = tb[SECMSG_A_NONCE] ?
		     (size_t)nla_len(tb[SECMSG_A_NONCE]) : 0;
	return 0;
}

void secmsg_msg_result_free(struct secmsg_msg_result *res)
{
	if (!res)
		return;
	if (res->data)
		explicit_bzero(res->data, res->len);
	free(res->data);
	res->data = NULL;
	res->len = 0;
}
