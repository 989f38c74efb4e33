// SPDX-License-Identifier: GPL-2.0
/* Raw generic netlink access to secmsg.ko (see rawnl.h). */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include "rawnl.h"

#define RBUF_LEN (1U << 20)
#define RECV_TIMEOUT_MS 20000

int rawnl_open(struct rawnl *r)
{
	int one = 1, big = 8 << 20, fd, err;

	memset(r, 0, sizeof(*r));
	r->sk = nl_socket_alloc();
	if (!r->sk)
		return -ENOMEM;
	err = -EIO;
	if (genl_connect(r->sk) < 0)
		goto fail;
	err = -ENOENT;
	r->family = genl_ctrl_resolve(r->sk, SECMSG_GENL_NAME);
	if (r->family < 0)
		goto fail;
	r->mcgrp = genl_ctrl_resolve_grp(r->sk, SECMSG_GENL_NAME,
					 SECMSG_MCGRP_EVENTS);
	fd = nl_socket_get_fd(r->sk);
	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one))) {
		err = -errno;
		goto fail;
	}
	/* Big batches need a send buffer above wmem_max: force it (root). */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	r->rbuf_len = RBUF_LEN;
	r->rbuf = malloc(r->rbuf_len);
	if (!r->rbuf) {
		err = -ENOMEM;
		goto fail;
	}
	return 0;
fail:
	nl_socket_free(r->sk);
	r->sk = NULL;
	return err;
}

void rawnl_close(struct rawnl *r)
{
	if (r->sk)
		nl_socket_free(r->sk);
	free(r->rbuf);
	memset(r, 0, sizeof(*r));
}

struct nl_msg *rawnl_msg(struct rawnl *r, uint8_t cmd, int flags,
			 size_t size)
{
	struct nl_msg *msg = nlmsg_alloc_size(size + 4096);

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, r->family, 0, flags,
			 cmd, SECMSG_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* The type of the request's attribute at offset off, or -1. */
static int attr_at(const struct nlmsghdr *req, uint32_t off)
{
	const struct nlattr *a = (const void *)((const char *)req + off);

	if (off < NLMSG_HDRLEN + GENL_HDRLEN ||
	    off + NLA_HDRLEN > req->nlmsg_len)
		return -1;
	return a->nla_type & NLA_TYPE_MASK;
}

static void parse_tlvs(struct rawnl_reply *rep, const struct nlmsghdr *req,
		       void *p, int rem)
{
	struct nlattr *a;
	int left;

	nla_for_each_attr(a, (struct nlattr *)p, rem, left) {
		switch (nla_type(a)) {
		case NLMSGERR_ATTR_MSG:
			rep->has_extack = true;
			snprintf(rep->extack, sizeof(rep->extack), "%.*s",
				 nla_len(a), (const char *)nla_data(a));
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			if (nla_len(a) >= 4)
				rep->miss_type = (int)nla_get_u32(a);
			break;
		case NLMSGERR_ATTR_OFFS:
			if (nla_len(a) >= 4)
				rep->bad_attr_type = attr_at(req,
							     nla_get_u32(a));
			break;
		case NLMSGERR_ATTR_MISS_NEST:
			if (nla_len(a) >= 4)
				rep->miss_nest_type = attr_at(req,
							      nla_get_u32(a));
			break;
		}
	}
}

/* Returns 1 when the datagram ended the request. */
static int scan_datagram(struct rawnl_reply *rep, void *buf, int len,
			 const struct nlmsghdr *req, bool *ours)
{
	struct nlmsghdr *nlh;
	int rem = len;

	*ours = false;
	for (nlh = buf; NLMSG_OK(nlh, (unsigned int)rem);
	     nlh = NLMSG_NEXT(nlh, rem)) {
		if (nlh->nlmsg_seq != req->nlmsg_seq)
			continue;
		*ours = true;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(nlh);
			size_t off = sizeof(*e);

			rep->err = e->error;
			if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
				off += e->msg.nlmsg_len - NLMSG_HDRLEN;
			if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
			    nlh->nlmsg_len > NLMSG_HDRLEN + off)
				parse_tlvs(rep, req, (char *)e + off,
					   nlh->nlmsg_len - NLMSG_HDRLEN - off);
			return 1;
		}
		if (nlh->nlmsg_type == NLMSG_DONE) {
			int *e = NLMSG_DATA(nlh);

			rep->err = *e;
			if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
			    nlh->nlmsg_len > NLMSG_HDRLEN + sizeof(int))
				parse_tlvs(rep, req, e + 1, nlh->nlmsg_len -
					   NLMSG_HDRLEN - sizeof(int));
			return 1;
		}
		rep->nmsgs++;
	}
	return 0;
}

static int append(struct rawnl_reply *rep, const void *p, size_t len)
{
	size_t alen = NLMSG_ALIGN(len);
	uint8_t *n = realloc(rep->buf, rep->len + alen);

	if (!n)
		return -ENOMEM;
	memcpy(n + rep->len, p, len);
	memset(n + rep->len + len, 0, alen - len);
	rep->buf = n;
	rep->len += alen;
	return 0;
}

int rawnl_xact(struct rawnl *r, struct nl_msg *msg, struct rawnl_reply *rep)
{
	int fd = nl_socket_get_fd(r->sk), err, done = 0;
	struct nlmsghdr *req;

	memset(rep, 0, sizeof(*rep));
	rep->miss_type = rep->bad_attr_type = rep->miss_nest_type = -1;
	err = nl_send_auto(r->sk, msg);
	/* kept to resolve the extack's attribute offsets */
	req = malloc(nlmsg_hdr(msg)->nlmsg_len);
	if (req)
		memcpy(req, nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
	if (err < 0 || !req) {
		free(req);
		return rep->err = err < 0 ? -EIO : -ENOMEM;
	}
	while (!done) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct iovec iov = { r->rbuf, r->rbuf_len };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		bool ours;
		ssize_t n;

		if (poll(&pfd, 1, RECV_TIMEOUT_MS) <= 0) {
			err = -ETIMEDOUT;
			break;
		}
		n = recvmsg(fd, &mh, 0);
		if (n < 0 || (mh.msg_flags & MSG_TRUNC)) {
			err = n < 0 ? -errno : -EMSGSIZE;
			break;
		}
		done = scan_datagram(rep, r->rbuf, n, req, &ours);
		if (ours && append(rep, r->rbuf, n)) {
			err = -ENOMEM;
			break;
		}
	}
	free(req);
	if (!done)
		return rep->err = err;
	if (rep->nmsgs) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)rep->buf;

		if (nlh->nlmsg_type == r->family)
			genlmsg_parse(nlh, 0, rep->tb, SECMSG_A_MAX, NULL);
	}
	return rep->err;
}

void rawnl_reply_free(struct rawnl_reply *rep)
{
	free(rep->buf);
	memset(rep, 0, sizeof(*rep));
}

int rawnl_foreach(const struct rawnl_reply *rep, rawnl_msg_cb cb, void *arg)
{
	struct nlmsghdr *nlh;
	int rem = rep->len, ret;

	for (nlh = (struct nlmsghdr *)rep->buf; NLMSG_OK(nlh, (unsigned)rem);
	     nlh = NLMSG_NEXT(nlh, rem)) {
		struct nlattr *tb[SECMSG_A_MAX + 1];

		if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
			continue;
		if (genlmsg_parse(nlh, 0, tb, SECMSG_A_MAX, NULL) < 0)
			return -EINVAL;
		ret = cb(tb, arg);
		if (ret)
			return ret;
	}
	return 0;
}

int rawnl_parse_nest(struct nlattr **tb, int max, struct nlattr *nest)
{
	return nla_parse_nested(tb, max, nest, NULL);
}

int rawnl_subscribe(struct rawnl *r)
{
	if (r->mcgrp < 0)
		return r->mcgrp;
	return nl_socket_add_membership(r->sk, r->mcgrp) < 0 ? -EIO : 0;
}

long rawnl_recv_raw(struct rawnl *r, void *buf, size_t len, int timeout_ms)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(r->sk), .events = POLLIN };
	ssize_t n;

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return -EAGAIN;
	n = recv(pfd.fd, buf, len, 0);
	return n < 0 ? -errno : n;
}

bool mem_contains(const void *hay, size_t hay_len, const void *needle,
		  size_t needle_len)
{
	return memmem(hay, hay_len, needle, needle_len) != NULL;
}
