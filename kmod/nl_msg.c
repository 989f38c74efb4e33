// SPDX-License-Identifier: GPL-2.0
/* SECMSG_CMD_MSG and SECMSG_CMD_MSG_BATCH. */
#include <linux/bitmap.h>
#include <net/genetlink.h>

#include "msg.h"
#include "netlink.h"
#include "secmsg.h"

static struct sk_buff *reply_new(struct genl_info *info, size_t size,
				 void **hdr)
{
	struct sk_buff *msg = genlmsg_new(size, GFP_KERNEL);

	if (!msg)
		return NULL;
	*hdr = genlmsg_put_reply(msg, info, &secmsg_family, 0,
				 info->genlhdr->cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* A failed SECMSG_CMD_MSG: its reason as the extack's cookie (a u32). */
static void reason_cookie(struct netlink_ext_ack *extack, u8 reason)
{
	u32 why = reason;

	BUILD_BUG_ON(sizeof(why) > NETLINK_MAX_COOKIE_LEN);
	if (!extack || !reason)
		return;
	memcpy(extack->cookie, &why, sizeof(why));
	extack->cookie_len = sizeof(why);
}

int secmsg_nl_msg_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct secmsg_msg_out out = {};
	struct secmsg_msg_in in = {};
	struct secmsg_req *r;
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_MSG_OP) ||
	    SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_SESSION_ID) ||
	    SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_DATA))
		return -EINVAL;
	in.op = nla_get_u8(info->attrs[SECMSG_A_MSG_OP]);
	in.id = nla_get_u64(info->attrs[SECMSG_A_SESSION_ID]);
	in.data = nla_data(info->attrs[SECMSG_A_DATA]);
	in.len = nla_len(info->attrs[SECMSG_A_DATA]);
	if (in.op == SECMSG_MSG_RESEAL) {
		if (SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_PEER_SESSION_ID))
			return -EINVAL;
		in.peer_id = nla_get_u64(info->attrs[SECMSG_A_PEER_SESSION_ID]);
	}

	r = secmsg_req_alloc();
	msg = reply_new(info, secmsg_msg_room(in.len) + 64, &hdr);
	if (!r || !msg) {
		err = -ENOMEM;
		goto out;
	}
	err = secmsg_msg_do(secmsg_info_net(info), r, &in, msg, SECMSG_A_DATA,
			    &out, info->extack);
	if (err) {
		reason_cookie(info->extack, out.reason);
		goto out;
	}
	if (nla_put_u32(msg, SECMSG_A_EPOCH, out.epoch) ||
	    nla_put_u64_64bit(msg, SECMSG_A_SEQ, out.seq, SECMSG_A_PAD)) {
		err = -EMSGSIZE;
		goto out;
	}
	genlmsg_end(msg, hdr);
	err = genlmsg_reply(msg, info);
	msg = NULL;
out:
	nlmsg_free(msg);
	secmsg_req_free(r);
	return err;
}

/* Parse one SECMSG_A_OP nest (already validated by the policy). */
static int parse_op(struct nlattr *nest, struct secmsg_msg_in *in,
		    u64 *cookie, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SECMSG_OP_A_MAX + 1];
	int err;

	err = nla_parse_nested(tb, SECMSG_OP_A_MAX, nest, secmsg_op_nl_policy,
			       extack);
	if (err)
		return err;
	memset(in, 0, sizeof(*in));
	*cookie = tb[SECMSG_OP_A_COOKIE] ?
		  nla_get_u64(tb[SECMSG_OP_A_COOKIE]) : 0;
	if (tb[SECMSG_OP_A_MSG_OP] &&
	    nla_get_u8(tb[SECMSG_OP_A_MSG_OP]) == SECMSG_MSG_RESEAL_ALSO) {
		in->op = SECMSG_MSG_RESEAL_ALSO;
		if (!tb[SECMSG_OP_A_PEER_SESSION_ID] ||
		    tb[SECMSG_OP_A_SESSION_ID] || tb[SECMSG_OP_A_DATA]) {
			NL_SET_ERR_MSG_ATTR(extack, nest,
					    "RESEAL_ALSO takes PEER_SESSION_ID only");
			return -EINVAL;
		}
		in->peer_id = nla_get_u64(tb[SECMSG_OP_A_PEER_SESSION_ID]);
		return 0;
	}
	if (SECMSG_NEST_ATTR_MISSING(extack, nest, tb, SECMSG_OP_A_MSG_OP) ||
	    SECMSG_NEST_ATTR_MISSING(extack, nest, tb,
				     SECMSG_OP_A_SESSION_ID) ||
	    SECMSG_NEST_ATTR_MISSING(extack, nest, tb, SECMSG_OP_A_DATA))
		return -EINVAL;
	in->op = nla_get_u8(tb[SECMSG_OP_A_MSG_OP]);
	in->id = nla_get_u64(tb[SECMSG_OP_A_SESSION_ID]);
	in->data = nla_data(tb[SECMSG_OP_A_DATA]);
	in->len = nla_len(tb[SECMSG_OP_A_DATA]);
	if (in->op == SECMSG_MSG_RESEAL) {
		if (SECMSG_NEST_ATTR_MISSING(extack, nest, tb,
					     SECMSG_OP_A_PEER_SESSION_ID))
			return -EINVAL;
		in->peer_id = nla_get_u64(tb[SECMSG_OP_A_PEER_SESSION_ID]);
	}
	return 0;
}

/*
 * A RESEAL and its RESEAL_ALSO copies: the plaintext kept for the copies
 * (kept bytes of keep, or why it could not be opened).  heads: the index
 * of every RESEAL that RESEAL_ALSO ops follow (only those keep a copy);
 * i: the index of the op being done.
 */
struct batch_group {
	DECLARE_BITMAP(heads, SECMSG_BATCH_MAX_OPS);
	unsigned int i;
	u8 *keep;		/* SECMSG_MAX_PLAINTEXT bytes, or NULL */
	int kept;
	u8 why;			/* enum secmsg_fail when kept < 0 */
};

/*
 * Validate the whole batch before doing anything; return the reply size
 * and mark the RESEALs that have RESEAL_ALSO copies.
 */
static int batch_size(struct genl_info *info, size_t *size,
		      struct batch_group *g)
{
	unsigned int n = 0, head_len = 0;
	struct secmsg_msg_in in;
	size_t bytes = 0;
	u8 prev = 0;
	struct nlattr *a;
	u64 cookie;
	int rem, err;

	*size = 0;
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) != SECMSG_A_OP)
			continue;
		if (++n > SECMSG_BATCH_MAX_OPS) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "more than SECMSG_BATCH_MAX_OPS ops");
			return -E2BIG;
		}
		err = parse_op(a, &in, &cookie, info->extack);
		if (err)
			return err;
		if (in.op == SECMSG_MSG_RESEAL_ALSO) {
			if (prev != SECMSG_MSG_RESEAL &&
			    prev != SECMSG_MSG_RESEAL_ALSO) {
				NL_SET_ERR_MSG_ATTR(info->extack, a,
						    "RESEAL_ALSO must follow a RESEAL");
				return -EINVAL;
			}
			in.len = head_len;	/* its reply is as large */
			__set_bit(n - 2, g->heads);	/* the op before */
		} else if (in.op == SECMSG_MSG_RESEAL) {
			head_len = in.len;
		}
		prev = in.op;
		bytes += in.len;
		if (bytes > SECMSG_BATCH_MAX_BYTES) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "more than SECMSG_BATCH_MAX_BYTES of data");
			return -E2BIG;
		}
		*size += secmsg_msg_room(in.len) + 64;
	}
	if (!n && SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_OP))
		return -EINVAL;
	return 0;
}

static void group_end(struct batch_group *g)
{
	if (g->keep && g->kept > 0)
		memzero_explicit(g->keep, g->kept);
	g->kept = -ECANCELED;
}

static int group_op(struct secmsg_net *sn, struct secmsg_req *r,
		    struct secmsg_msg_in *in, struct sk_buff *msg,
		    struct secmsg_msg_out *out, struct batch_group *g)
{
	int err;

	if (in->op == SECMSG_MSG_RESEAL_ALSO) {
		if (g->kept >= 0)
			return secmsg_msg_also(sn, r, in->peer_id, g->keep,
					       g->kept, msg,
					       SECMSG_RESULT_A_DATA, out);
		out->reason = g->why;
		return g->kept;
	}
	group_end(g);
	if (in->op == SECMSG_MSG_RESEAL && test_bit(g->i, g->heads))
		in->keep = g->keep;
	err = secmsg_msg_do(sn, r, in, msg, SECMSG_RESULT_A_DATA, out, NULL);
	if (in->keep) {
		bool unopened = out->kept == -ECANCELED && err;

		g->kept = unopened ? err : out->kept;
		g->why = unopened ? out->reason : out->kept_reason;
	}
	return err;
}

static int batch_one(struct secmsg_net *sn, struct secmsg_req *r,
		     struct nlattr *a, struct sk_buff *msg,
		     struct batch_group *g)
{
	struct secmsg_msg_out out = {};
	struct secmsg_msg_in in;
	struct nlattr *nest;
	u64 cookie;
	int status;

	if (parse_op(a, &in, &cookie, NULL))
		return -EINVAL;		/* validated in batch_size() */
	nest = nla_nest_start(msg, SECMSG_A_RESULT);
	if (!nest ||
	    nla_put_u64_64bit(msg, SECMSG_RESULT_A_COOKIE, cookie,
			      SECMSG_RESULT_A_PAD))
		return -EMSGSIZE;
	status = -group_op(sn, r, &in, msg, &out, g);
	g->i++;
	if (nla_put_u32(msg, SECMSG_RESULT_A_STATUS, status) ||
	    (status &&
	     nla_put_u32(msg, SECMSG_RESULT_A_REASON, out.reason)) ||
	    (!status &&
	     (nla_put_u32(msg, SECMSG_RESULT_A_EPOCH, out.epoch) ||
	      nla_put_u64_64bit(msg, SECMSG_RESULT_A_SEQ, out.seq,
				SECMSG_RESULT_A_PAD))))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

int secmsg_nl_msg_batch_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct secmsg_net *sn = secmsg_info_net(info);
	struct batch_group g = { .kept = -ECANCELED };
	struct secmsg_req *r = NULL;
	struct sk_buff *msg = NULL;
	struct nlattr *a;
	size_t size;
	bool also;
	void *hdr;
	int rem, err;

	err = batch_size(info, &size, &g);
	if (err)
		return err;
	also = !bitmap_empty(g.heads, SECMSG_BATCH_MAX_OPS);
	r = secmsg_req_alloc();
	msg = reply_new(info, size, &hdr);
	if (also)
		g.keep = kvmalloc(SECMSG_MAX_PLAINTEXT, GFP_KERNEL);
	if (!r || !msg || (also && !g.keep)) {
		err = -ENOMEM;
		goto out;
	}
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) != SECMSG_A_OP)
			continue;
		err = batch_one(sn, r, a, msg, &g);
		if (err) {
			GENL_SET_ERR_MSG(info, "batch reply overflow");
			goto out;
		}
	}
	genlmsg_end(msg, hdr);
	err = genlmsg_reply(msg, info);
	msg = NULL;
out:
	nlmsg_free(msg);
	secmsg_req_free(r);
	if (g.keep)
		kvfree_sensitive(g.keep, SECMSG_MAX_PLAINTEXT);
	return err;
}
