// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libsecmsg netlink commands (secmsg/nl.h) over the transport of
 * sock.c and the parsers of parse.c.
 *
 * The library passes requests through as given and leaves the policy
 * (lengths, ranges, limits) to the kernel, so that tests see the
 * kernel's answer; it only refuses what cannot be encoded (an attribute
 * over 64 KiB) or would be unsafe to read or write.  Buffers that held
 * keys, secrets or data (requests, replies) are wiped before being freed.
 *
 * A handle is one socket and is not thread-safe; use one handle per
 * thread.  Events arriving on a handle while it waits for a command's
 * answer are dropped: subscribe on a handle of its own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "internal.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

/* Largest payload of one attribute (nla_len is 16 bits). */
#define NLA_MAX_PAYLOAD	(0xffff - NLA_HDRLEN)

static size_t attr_size(size_t len)
{
	return (size_t)NLA_HDRLEN + NLA_ALIGN(len);
}

int secmsg_nl_open(struct secmsg_nl **out)
{
	struct secmsg_nl *nl;
	int err, grp;

	err = secmsg_nl_open_family(out, SECMSG_GENL_NAME,
				    SECMSG_GENL_VERSION);
	if (err)
		return err;	/* -ENOENT: secmsg.ko is not loaded */
	nl = *out;
	grp = genl_ctrl_resolve_grp(nl->sk, SECMSG_GENL_NAME,
				    SECMSG_MCGRP_EVENTS);
	nl->mcgrp = grp < 0 ? secmsg_nl_errno(grp) : grp;
	return 0;
}


int secmsg_nl_put_policy(struct nl_msg *msg, const struct secmsg_policy *p)
{
	struct nlattr *nest;

	if (!p || !(p->has_rotate_interval || p->has_max_messages ||
		    p->has_timeout || p->has_idle_timeout ||
		    p->has_rekey_grace))
		return 0;
	nest = nla_nest_start(msg, SECMSG_A_POLICY | NLA_F_NESTED);
	if (!nest ||
	    (p->has_rotate_interval &&
	     nla_put_u32(msg, SECMSG_POLICY_A_ROTATE_INTERVAL,
			 p->rotate_interval)) ||
	    (p->has_max_messages &&
	     nla_put_u64(msg, SECMSG_POLICY_A_MAX_MESSAGES,
			 p->max_messages)) ||
	    (p->has_timeout &&
	     nla_put_u32(msg, SECMSG_POLICY_A_TIMEOUT, p->timeout)) ||
	    (p->has_idle_timeout &&
	     nla_put_u32(msg, SECMSG_POLICY_A_IDLE_TIMEOUT,
			 p->idle_timeout)) ||
	    (p->has_rekey_grace &&
	     nla_put_u32(msg, SECMSG_POLICY_A_REKEY_GRACE, p->rekey_grace)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

#define POLICY_SIZE	(NLA_HDRLEN + 4 * attr_size(4) + attr_size(8))

int secmsg_nl_session_reply(struct secmsg_nl *nl, const struct nlmsghdr *h,
			    void *arg)
{
	struct secmsg_nl_session_ctx *c = arg;
	struct secmsg_session_info tmp;
	int err;

	err = secmsg_parse_session(h, c->out ? c->out : &tmp, nl->errmsg,
				   sizeof(nl->errmsg));
	c->got = !err;
	return err;
}

static int session_cmd(struct secmsg_nl *nl, struct nl_msg *msg,
		       struct secmsg_session_info *out)
{
	struct secmsg_nl_session_ctx c = { .out = out };
	int err = secmsg_nl_run(nl, msg, secmsg_nl_session_reply, &c);

	err = secmsg_nl_need(nl, err, c.got, "session");
	return err;
}

static struct nl_msg *id_req(struct secmsg_nl *nl, uint8_t cmd, uint64_t id,
			     size_t more)
{
	struct nl_msg *msg = secmsg_nl_req(nl, cmd, 0, attr_size(8) + more);

	if (msg && nla_put_u64(msg, SECMSG_A_SESSION_ID, id)) {
		secmsg_nl_req_free(msg);
		return NULL;
	}
	return msg;
}

int secmsg_session_new(struct secmsg_nl *nl,
		       const struct secmsg_session_params *p,
		       struct secmsg_session_info *out)
{
	size_t uid_len;
	struct nl_msg *msg;

	if (!nl || !p)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	uid_len = p->user_id ? strlen(p->user_id) + 1 : 0;
	if (uid_len > NLA_MAX_PAYLOAD)
		return -EINVAL;
	msg = secmsg_nl_req(nl, SECMSG_CMD_SESSION_NEW, 0,
			    attr_size(uid_len) + 2 * attr_size(4) +
			    2 * attr_size(SECMSG_KEY_LEN) + POLICY_SIZE +
			    attr_size(8) + 4);
	if (!msg)
		return -ENOMEM;
	if ((p->user_id &&
	     nla_put_string(msg, SECMSG_A_USER_ID, p->user_id)) ||
	    nla_put_u32(msg, SECMSG_A_ALG, (uint32_t)p->alg) ||
	    (p->secret_c2s && nla_put(msg, SECMSG_A_SECRET_C2S,
				      SECMSG_KEY_LEN, p->secret_c2s)) ||
	    (p->secret_s2c && nla_put(msg, SECMSG_A_SECRET_S2C,
				      SECMSG_KEY_LEN, p->secret_s2c)) ||
	    secmsg_nl_put_policy(msg, &p->policy) ||
	    (p->flags && nla_put_u32(msg, SECMSG_A_FLAGS, p->flags)) ||
	    (p->session_id && nla_put_u64(msg, SECMSG_A_SESSION_ID,
					  p->session_id))) {
		secmsg_nl_req_free(msg);
		return -EMSGSIZE;
	}
	return session_cmd(nl, msg, out);
}

int secmsg_session_get(struct secmsg_nl *nl, uint64_t id,
		       struct secmsg_session_info *out)
{
	struct nl_msg *msg;

	if (!nl)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	msg = id_req(nl, SECMSG_CMD_SESSION_GET, id, 0);
	return msg ? session_cmd(nl, msg, out) : -ENOMEM;
}

struct dump_ctx {
	secmsg_session_cb cb;
	void *arg;
};

static int dump_reply(struct secmsg_nl *nl, const struct nlmsghdr *h,
		      void *arg)
{
	struct dump_ctx *c = arg;
	struct secmsg_session_info s;
	int err;

	err = secmsg_parse_session(h, &s, nl->errmsg, sizeof(nl->errmsg));
	return err ? err : c->cb(&s, c->arg);
}

int secmsg_session_dump(struct secmsg_nl *nl, secmsg_session_cb cb,
			void *arg)
{
	struct dump_ctx c = { .cb = cb, .arg = arg };
	struct nl_msg *msg;

	if (!nl || !cb)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	msg = secmsg_nl_req(nl, SECMSG_CMD_SESSION_GET, NLM_F_DUMP, 0);
	if (!msg)
		return -ENOMEM;
	/* a nonzero cb return stops the callbacks; the dump is drained */
	return secmsg_nl_run(nl, msg, dump_reply, &c);
}

int secmsg_session_del(struct secmsg_nl *nl, uint64_t id)
{
	struct nl_msg *msg;

	if (!nl)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	msg = id_req(nl, SECMSG_CMD_SESSION_DEL, id, 0);
	return msg ? secmsg_nl_run(nl, msg, NULL, NULL) : -ENOMEM;
}

int secmsg_session_set(struct secmsg_nl *nl, uint64_t id, int alg,
		       const struct secmsg_policy *pol,
		       struct secmsg_session_info *out)
{
	struct nl_msg *msg;

	if (!nl)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	msg = id_req(nl, SECMSG_CMD_SESSION_SET, id,
		     attr_size(4) + POLICY_SIZE);
	if (!msg)
		return -ENOMEM;
	if ((alg && nla_put_u32(msg, SECMSG_A_ALG, (uint32_t)alg)) ||
	    secmsg_nl_put_policy(msg, pol)) {
		secmsg_nl_req_free(msg);
		return -EMSGSIZE;
	}
	return session_cmd(nl, msg, out);
}

int secmsg_session_rotate(struct secmsg_nl *nl, uint64_t id,
			  struct secmsg_session_info *out)
{
	struct nl_msg *msg;

	if (!nl)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	msg = id_req(nl, SECMSG_CMD_SESSION_ROTATE, id, 0);
	return msg ? session_cmd(nl, msg, out) : -ENOMEM;
}

struct crypt_ctx {
	uint8_t *nonce_out;
	size_t *nonce_out_len;
	uint8_t *out;
	size_t *out_len;
	bool got;
};

static int crypt_reply(struct secmsg_nl *nl, const struct nlmsghdr *h,
		       void *arg)
{
	struct crypt_ctx *c = arg;
	const uint8_t *nonce, *data;
	size_t nonce_len, data_len;
	int err;

	err = secmsg_parse_crypt(h, &nonce, &nonce_len, &data, &data_len,
				 nl->errmsg, sizeof(nl->errmsg));
	if (err)
		return err;
	if (data_len > *c->out_len) {
		secmsg_nl_set_err(nl, "libsecmsg: %zu bytes of output, room "
				  "for %zu", data_len, *c->out_len);
		return -ENOSPC;
	}
	/* nonce_len is at most SECMSG_CBC_IV_LEN (checked by the parser) */
	if (c->nonce_out && nonce_len)
		memcpy(c->nonce_out, nonce, nonce_len);
	if (c->nonce_out_len)
		*c->nonce_out_len = nonce_len;
	if (data_len)
		memcpy(c->out, data, data_len);
	*c->out_len = data_len;
	c->got = true;
	return 0;
}

static int put_crypt(struct nl_msg *msg, const struct secmsg_crypt_req *r)
{
	if (nla_put_u8(msg, SECMSG_A_CRYPT_OP, (uint8_t)r->op) ||
	    nla_put_u32(msg, SECMSG_A_ALG, (uint32_t)r->alg) ||
	    (r->key && nla_put(msg, SECMSG_A_KEY, SECMSG_KEY_LEN, r->key)) ||
	    (r->nonce && nla_put(msg, SECMSG_A_NONCE, (int)r->nonce_len,
				 r->nonce)) ||
	    (r->aad && nla_put(msg, SECMSG_A_AAD, (int)r->aad_len, r->aad)) ||
	    nla_put(msg, SECMSG_A_DATA, (int)r->data_len,
		    r->data_len ? r->data : (const void *)""))
		return -EMSGSIZE;
	return 0;
}

int secmsg_crypt(struct secmsg_nl *nl, const struct secmsg_crypt_req *r,
		 uint8_t *nonce_out, size_t *nonce_out_len,
		 uint8_t *out, size_t *out_len)
{
	struct crypt_ctx c = {
		.nonce_out = nonce_out, .nonce_out_len = nonce_out_len,
		.out = out, .out_len = out_len,
	};
	struct nl_msg *msg;
	int err;

	if (!nl || !r || !out_len || (!out && *out_len) ||
	    (r->data_len && !r->data) || (r->nonce_len && !r->nonce) ||
	    (r->aad_len && !r->aad))
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	if (r->data_len > NLA_MAX_PAYLOAD || r->aad_len > NLA_MAX_PAYLOAD ||
	    r->nonce_len > NLA_MAX_PAYLOAD)
		return -EMSGSIZE;
	msg = secmsg_nl_req(nl, SECMSG_CMD_CRYPT, 0,
			    attr_size(1) + attr_size(4) +
			    attr_size(SECMSG_KEY_LEN) +
			    attr_size(r->nonce_len) + attr_size(r->aad_len) +
			    attr_size(r->data_len));
	if (!msg)
		return -ENOMEM;
	err = put_crypt(msg, r);
	if (err) {
		secmsg_nl_req_free(msg);
		return err;
	}
	err = secmsg_nl_run(nl, msg, crypt_reply, &c);
	err = secmsg_nl_need(nl, err, c.got, "data");
	return err;
}

/*
 * Which side of a message op holds plaintext: SEAL's request, OPEN's
 * reply; RESEAL's neither (ciphertext both ways).  Anything else is
 * taken to hold secrets both ways.  Only those buffers are wiped.
 */
static unsigned int op_opts(int op)
{
	switch (op) {
	case SECMSG_MSG_SEAL:
		return SECMSG_NL_PUBLIC_REPLY;
	case SECMSG_MSG_OPEN:
		return SECMSG_NL_PUBLIC_REQ;
	case SECMSG_MSG_RESEAL:
		return SECMSG_NL_PUBLIC_REQ | SECMSG_NL_PUBLIC_REPLY;
	default:
		return 0;
	}
}

struct msg_ctx {
	struct secmsg_msg_result *res;
	bool view;
	bool got;
};

static int msg_reply(struct secmsg_nl *nl, const struct nlmsghdr *h,
		     void *arg)
{
	struct msg_ctx *c = arg;
	int err;

	err = secmsg_parse_msg(h, c->res, c->view, nl->errmsg,
			       sizeof(nl->errmsg));
	c->got = !err;
	/* the result points into this datagram: keep it */
	nl->keep_now = c->view && !err;
	return err;
}

static int msg_one(struct secmsg_nl *nl, int op, uint64_t id,
		   uint64_t peer_id, const uint8_t *data, size_t len,
		   struct secmsg_msg_result *res, bool view)
{
	struct msg_ctx c = { .res = res, .view = view };
	struct nl_msg *msg;
	int err;

	if (!nl || !res || (len && !data))
		return -EINVAL;
	memset(res, 0, sizeof(*res));
	secmsg_nl_clear_err(nl);
	if (len > NLA_MAX_PAYLOAD)
		return -EMSGSIZE;
	msg = secmsg_nl_req(nl, SECMSG_CMD_MSG, 0, attr_size(1) +
			    2 * attr_size(8) + attr_size(len));
	if (!msg)
		return -ENOMEM;
	if (nla_put_u8(msg, SECMSG_A_MSG_OP, (uint8_t)op) ||
	    nla_put_u64(msg, SECMSG_A_SESSION_ID, id) ||
	    (peer_id && nla_put_u64(msg, SECMSG_A_PEER_SESSION_ID, peer_id)) ||
	    nla_put(msg, SECMSG_A_DATA, (int)len,
		    len ? data : (const void *)"")) {
		secmsg_nl_req_free(msg);
		return -EMSGSIZE;
	}
	err = secmsg_nl_run_opts(nl, msg, msg_reply, &c, op_opts(op));
	err = secmsg_nl_need(nl, err, c.got, "data");
	if (err) {
		uint32_t why;

		if (view)
			memset(res, 0, sizeof(*res));
		else
			secmsg_msg_result_free(res);
		res->status = -err;
		/* the kernel's reason, as the extack's cookie */
		if (nl->cookie_len == sizeof(why)) {
			memcpy(&why, nl->cookie, sizeof(why));
			res->reason = (int)why;
		}
	}
	return err;
}

int secmsg_msg(struct secmsg_nl *nl, int op, uint64_t id, uint64_t peer_id,
	       const uint8_t *data, size_t len, struct secmsg_msg_result *res)
{
	return msg_one(nl, op, id, peer_id, data, len, res, false);
}

int secmsg_msg_view(struct secmsg_nl *nl, int op, uint64_t id,
		    uint64_t peer_id, const uint8_t *data, size_t len,
		    struct secmsg_msg_result *res)
{
	return msg_one(nl, op, id, peer_id, data, len, res, true);
}

/* Size of one op nest, or 0 when it cannot be encoded. */
static size_t op_size(const struct secmsg_batch_op *o)
{
	size_t n;

	/* more than SECMSG_RESEAL_MAX_DESTS destinations: the kernel says */
	if (o->len > NLA_MAX_PAYLOAD || (o->len && !o->data) ||
	    o->ndests > 0xffff || (o->ndests && !o->dests))
		return 0;
	n = NLA_HDRLEN + attr_size(1) + 3 * attr_size(8) + attr_size(o->len) +
	    o->ndests * (NLA_HDRLEN + attr_size(8));
	return n > 0xffff ? 0 : n;
}

/* A RESEAL to several sessions: one SECMSG_OP_A_DEST per destination. */
static int put_op(struct nl_msg *msg, const struct secmsg_batch_op *o)
{
	struct nlattr *nest = nla_nest_start(msg, SECMSG_A_OP | NLA_F_NESTED);
	struct nlattr *dest;
	size_t j;

	if (!nest ||
	    nla_put_u8(msg, SECMSG_OP_A_MSG_OP, (uint8_t)o->op) ||
	    nla_put_u64(msg, SECMSG_OP_A_SESSION_ID, o->id) ||
	    (o->peer_id &&
	     nla_put_u64(msg, SECMSG_OP_A_PEER_SESSION_ID, o->peer_id)) ||
	    nla_put(msg, SECMSG_OP_A_DATA, (int)o->len,
		    o->len ? o->data : (const void *)"") ||
	    (o->cookie && nla_put_u64(msg, SECMSG_OP_A_COOKIE, o->cookie)))
		return -EMSGSIZE;
	for (j = 0; j < o->ndests; j++) {
		dest = nla_nest_start(msg, SECMSG_OP_A_DEST | NLA_F_NESTED);
		if (!dest ||
		    nla_put_u64(msg, SECMSG_DEST_A_SESSION_ID, o->dests[j]))
			return -EMSGSIZE;
		nla_nest_end(msg, dest);
	}
	nla_nest_end(msg, nest);
	return 0;
}

struct batch_ctx {
	const struct secmsg_batch_op *ops;
	struct secmsg_msg_result *res;
	size_t n;
	bool view;
	bool got;
};

static int batch_reply(struct secmsg_nl *nl, const struct nlmsghdr *h,
		       void *arg)
{
	struct batch_ctx *c = arg;
	int err;

	err = secmsg_parse_batch(h, c->ops, c->n, c->res, c->view, nl->errmsg,
				 sizeof(nl->errmsg));
	c->got = !err;
	nl->keep_now = c->view && !err;
	return err;
}

static int batch(struct secmsg_nl *nl, const struct secmsg_batch_op *ops,
		 size_t n, struct secmsg_msg_result *res, bool view)
{
	struct batch_ctx c = { .ops = ops, .res = res, .n = n, .view = view };
	unsigned int opts = SECMSG_NL_PUBLIC_REQ | SECMSG_NL_PUBLIC_REPLY;
	struct nl_msg *msg;
	size_t i, size = 0, one, nres;
	int err;

	if (!nl || (n && (!ops || !res)))
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	nres = secmsg_msg_batch_results(ops, n);
	if (nres)
		memset(res, 0, nres * sizeof(*res));
	for (i = 0; i < n; i++) {
		one = op_size(&ops[i]);
		if (!one)
			return (ops[i].len && !ops[i].data) ||
			       (ops[i].ndests && !ops[i].dests) ? -EINVAL :
			       -EMSGSIZE;
		size += one;
		if (size > SECMSG_NL_MAX_REQ)
			return -EMSGSIZE;
		opts &= op_opts(ops[i].op);
	}
	msg = secmsg_nl_req(nl, SECMSG_CMD_MSG_BATCH, 0, size);
	if (!msg)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		err = put_op(msg, &ops[i]);
		if (err) {
			secmsg_nl_req_free(msg);
			return err;
		}
	}
	err = secmsg_nl_run_opts(nl, msg, batch_reply, &c, opts);
	err = secmsg_nl_need(nl, err, c.got, "results");
	if (err && c.got) {
		if (view)
			memset(res, 0, nres * sizeof(*res));
		else
			for (i = 0; i < nres; i++)
				secmsg_msg_result_free(&res[i]);
	}
	return err;
}

int secmsg_msg_batch(struct secmsg_nl *nl, const struct secmsg_batch_op *ops,
		     size_t n, struct secmsg_msg_result *res)
{
	return batch(nl, ops, n, res, false);
}

int secmsg_msg_batch_view(struct secmsg_nl *nl,
			  const struct secmsg_batch_op *ops, size_t n,
			  struct secmsg_msg_result *res)
{
	return batch(nl, ops, n, res, true);
}

struct stats_ctx {
	struct secmsg_stats *out;
	bool got;
};

static int stats_reply(struct secmsg_nl *nl, const struct nlmsghdr *h,
		       void *arg)
{
	struct stats_ctx *c = arg;
	int err;

	err = secmsg_parse_stats(h, c->out, nl->errmsg, sizeof(nl->errmsg));
	c->got = !err;
	return err;
}

int secmsg_stats_get(struct secmsg_nl *nl, struct secmsg_stats *out)
{
	struct stats_ctx c = { .out = out };
	struct nl_msg *msg;
	int err;

	if (!nl || !out)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	msg = secmsg_nl_req(nl, SECMSG_CMD_STATS_GET, 0, 0);
	if (!msg)
		return -ENOMEM;
	err = secmsg_nl_run(nl, msg, stats_reply, &c);
	err = secmsg_nl_need(nl, err, c.got, "stats");
	return err;
}

int secmsg_events_subscribe(struct secmsg_nl *nl)
{
	int grp;

	if (!nl)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	if (nl->mcgrp < 0)
		return nl->mcgrp;
	grp = nl->mcgrp;
	/* nl_socket_add_membership, but keeping the kernel's errno
	 * (EPERM without CAP_NET_ADMIN) */
	if (setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK,
		       NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)))
		return -errno;
	/* multicast messages carry seq 0: no libnl sequence checks here */
	nl_socket_disable_seq_check(nl->sk);
	nl->subscribed = true;
	return 0;
}

int secmsg_event_recv(struct secmsg_nl *nl, struct secmsg_event_info *ev)
{
	const struct nlmsghdr *h;
	const struct genlmsghdr *g;
	int err;

	if (!nl || !ev || !nl->subscribed)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	for (;;) {
		err = secmsg_nl_recv_event(nl, &h);
		if (err)
			return err;
		g = NLMSG_DATA(h);
		if (g->cmd != SECMSG_CMD_SESSION_NTF)
			continue;
		return secmsg_parse_event(h, ev, nl->errmsg,
					  sizeof(nl->errmsg));
	}
}
