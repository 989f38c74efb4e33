// SPDX-License-Identifier: GPL-2.0
/* SECMSG_CMD_MSG and SECMSG_CMD_MSG_BATCH. */
#include <linux/mm.h>
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

/* One op of a batch, parsed. */
struct batch_op {
	struct secmsg_msg_in in;
	u64 cookie;
	u64 dests[SECMSG_RESEAL_MAX_DESTS];	/* SECMSG_OP_A_DEST */
	unsigned int ndests;
};

/* The SECMSG_OP_A_DEST nests of a RESEAL. */
static int parse_dests(struct nlattr *nest, struct batch_op *op,
		       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SECMSG_DEST_A_MAX + 1];
	struct nlattr *a;
	int rem, err;

	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != SECMSG_OP_A_DEST)
			continue;
		if (op->in.op != SECMSG_MSG_RESEAL ||
		    op->in.peer_id) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "DEST is for a RESEAL without PEER_SESSION_ID");
			return -EINVAL;
		}
		if (op->ndests == SECMSG_RESEAL_MAX_DESTS) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "more than SECMSG_RESEAL_MAX_DESTS destinations");
			return -E2BIG;
		}
		err = nla_parse_nested(tb, SECMSG_DEST_A_MAX, a,
				       secmsg_dest_nl_policy, extack);
		if (err)
			return err;
		if (SECMSG_NEST_ATTR_MISSING(extack, a, tb,
					     SECMSG_DEST_A_SESSION_ID))
			return -EINVAL;
		op->dests[op->ndests++] =
			nla_get_u64(tb[SECMSG_DEST_A_SESSION_ID]);
	}
	return 0;
}

/* Parse one SECMSG_A_OP nest (validated by the policy). */
static int parse_op(struct nlattr *nest, struct batch_op *op,
		    struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SECMSG_OP_A_MAX + 1];
	struct secmsg_msg_in *in = &op->in;
	int err;

	err = nla_parse_nested(tb, SECMSG_OP_A_MAX, nest, secmsg_op_nl_policy,
			       extack);
	if (err)
		return err;
	memset(op, 0, sizeof(*op));
	if (SECMSG_NEST_ATTR_MISSING(extack, nest, tb, SECMSG_OP_A_MSG_OP) ||
	    SECMSG_NEST_ATTR_MISSING(extack, nest, tb,
				     SECMSG_OP_A_SESSION_ID) ||
	    SECMSG_NEST_ATTR_MISSING(extack, nest, tb, SECMSG_OP_A_DATA))
		return -EINVAL;
	op->cookie = tb[SECMSG_OP_A_COOKIE] ?
		     nla_get_u64(tb[SECMSG_OP_A_COOKIE]) : 0;
	in->op = nla_get_u8(tb[SECMSG_OP_A_MSG_OP]);
	in->id = nla_get_u64(tb[SECMSG_OP_A_SESSION_ID]);
	in->data = nla_data(tb[SECMSG_OP_A_DATA]);
	in->len = nla_len(tb[SECMSG_OP_A_DATA]);
	if (in->op == SECMSG_MSG_RESEAL && tb[SECMSG_OP_A_PEER_SESSION_ID])
		in->peer_id = nla_get_u64(tb[SECMSG_OP_A_PEER_SESSION_ID]);
	if (tb[SECMSG_OP_A_DEST]) {
		err = parse_dests(nest, op, extack);
		if (err)
			return err;
	}
	/* a RESEAL goes to PEER_SESSION_ID or to its DESTs */
	if (in->op == SECMSG_MSG_RESEAL && !op->ndests &&
	    SECMSG_NEST_ATTR_MISSING(extack, nest, tb,
				     SECMSG_OP_A_PEER_SESSION_ID))
		return -EINVAL;
	return 0;
}

/*
 * Reply room of a result besides its data: the nest, cookie, destination
 * session id, status, reason or epoch and seq, with the pad each 64-bit
 * attribute takes where unaligned access is slow.
 */
#define RESULT_ROOM	80

/* The SECMSG_A_OP attributes of the request, counted up to max. */
static unsigned int batch_count(struct genl_info *info, unsigned int max)
{
	unsigned int n = 0;
	struct nlattr *a;
	int rem;

	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem)
		if (nla_type(a) == SECMSG_A_OP && ++n == max)
			break;
	return n;
}

/*
 * Parse and validate the whole batch before doing anything, each op once:
 * into *ops (*n of them, kvfree() it), with the reply's size.
 */
static int batch_parse(struct genl_info *info, struct batch_op **ops,
		       unsigned int *n, size_t *size)
{
	unsigned int copies, room, slack = 0;
	struct batch_op *op;
	size_t bytes = 0;
	struct nlattr *a;
	int rem, err;

	*ops = NULL;
	*n = 0;
	*size = 0;
	/* the ops allowed; one more is an error, found in order below */
	room = batch_count(info, SECMSG_BATCH_MAX_OPS);
	if (!room)
		return SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_OP) ? -EINVAL : 0;
	*ops = kvmalloc_array(room, sizeof(**ops), GFP_KERNEL);
	if (!*ops)
		return -ENOMEM;
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) != SECMSG_A_OP)
			continue;
		if (*n == SECMSG_BATCH_MAX_OPS) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "more than SECMSG_BATCH_MAX_OPS ops");
			return -E2BIG;
		}
		op = &(*ops)[(*n)++];
		err = parse_op(a, op, info->extack);
		if (err)
			return err;
		copies = op->ndests ?: 1;
		bytes += (size_t)op->in.len * copies;
		if (bytes > SECMSG_BATCH_MAX_BYTES) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "more than SECMSG_BATCH_MAX_BYTES of data");
			return -E2BIG;
		}
		room = secmsg_msg_room(op->in.len) + RESULT_ROOM;
		if (op->ndests) {	/* each destination's, the plaintext */
			*size += op->ndests * room +
				 SECMSG_SCRATCH_ROOM(op->in.len);
			continue;
		}
		room = secmsg_msg_done_room(op->in.op, op->in.len);
		*size += room + RESULT_ROOM;
		slack = max(slack, secmsg_msg_room(op->in.len) - room);
	}
	*size += slack;		/* the op that runs: see secmsg_msg_done_room() */
	return 0;
}

/* A result's status, and its reason or its epoch and sequence number. */
static int put_status(struct sk_buff *msg, int status,
		      const struct secmsg_msg_out *out)
{
	if (nla_put_u32(msg, SECMSG_RESULT_A_STATUS, status))
		return -EMSGSIZE;
	if (status)
		return nla_put_u32(msg, SECMSG_RESULT_A_REASON, out->reason);
	if (nla_put_u32(msg, SECMSG_RESULT_A_EPOCH, out->epoch) ||
	    nla_put_u64_64bit(msg, SECMSG_RESULT_A_SEQ, out->seq,
			      SECMSG_RESULT_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/* Start a SECMSG_A_RESULT with the op's cookie. */
static struct nlattr *result_start(struct sk_buff *msg, u64 cookie)
{
	struct nlattr *nest = nla_nest_start(msg, SECMSG_A_RESULT);

	if (!nest ||
	    nla_put_u64_64bit(msg, SECMSG_RESULT_A_COOKIE, cookie,
			      SECMSG_RESULT_A_PAD))
		return NULL;
	return nest;
}

/*
 * A RESEAL to several sessions: opened once, then sealed to each
 * destination, one SECMSG_A_RESULT each, with the destination's
 * SECMSG_RESULT_A_SESSION_ID (and the open's failure when it did not
 * open).  A result of its own per copy, not nests in one: four copies of
 * the largest message are more than a nest's 16-bit length holds.
 */
static int reseal_dests(struct secmsg_net *sn, struct secmsg_req *r,
			const struct batch_op *op, struct sk_buff *msg)
{
	unsigned int room = secmsg_msg_room(op->in.len) + RESULT_ROOM;
	struct secmsg_msg_out out = {}, d;
	struct secmsg_opened o;
	struct nlattr *nest;
	unsigned int i;
	int opened, status, err = -EMSGSIZE;

	opened = secmsg_msg_open_once(sn, r, &op->in, op->dests, op->ndests,
				      msg, &o, &out);
	if (opened == -EMSGSIZE && !out.reason)
		goto out;		/* no room for the plaintext */
	for (i = 0; i < op->ndests; i++) {
		if (!secmsg_msg_scratch_free(msg, &o, room))
			goto out;
		nest = result_start(msg, op->cookie);
		if (!nest ||
		    nla_put_u64_64bit(msg, SECMSG_RESULT_A_SESSION_ID,
				      op->dests[i], SECMSG_RESULT_A_PAD))
			goto out;
		d = out;
		status = opened ?:
			 secmsg_msg_seal_copy(sn, r, op->dests[i], &o, msg,
					      SECMSG_RESULT_A_DATA, &d);
		if (put_status(msg, -status, &d))
			goto out;
		nla_nest_end(msg, nest);
	}
	err = 0;
out:
	secmsg_msg_close(&o);
	return err;
}

static int batch_one(struct secmsg_net *sn, struct secmsg_req *r,
		     const struct batch_op *op, struct sk_buff *msg)
{
	struct secmsg_msg_out out = {};
	struct nlattr *nest;
	int status;

	if (op->ndests)
		return reseal_dests(sn, r, op, msg);
	nest = result_start(msg, op->cookie);
	if (!nest)
		return -EMSGSIZE;
	status = -secmsg_msg_do(sn, r, &op->in, msg, SECMSG_RESULT_A_DATA,
				&out, NULL);
	if (put_status(msg, status, &out))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

int secmsg_nl_msg_batch_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct secmsg_net *sn = secmsg_info_net(info);
	struct secmsg_req *r = NULL;
	struct sk_buff *msg = NULL;
	struct batch_op *ops;
	unsigned int i, n;
	size_t size;
	void *hdr;
	int err;

	err = batch_parse(info, &ops, &n, &size);
	if (err)
		goto out;
	r = secmsg_req_alloc();
	msg = reply_new(info, size, &hdr);
	if (!r || !msg) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		err = batch_one(sn, r, &ops[i], msg);
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
	kvfree(ops);
	return err;
}
