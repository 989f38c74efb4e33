// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libsecmsg netlink transport: socket setup, requests, and a receive loop
 * of our own on the libnl socket's fd, so that errors are the kernel's
 * errno (not libnl's NLE_* codes), extended ACK messages are kept, big
 * datagrams are received whole (peeked for their size first), replies are
 * matched by sequence number and sender (the kernel, port 0), and every
 * buffer that held a reply is wiped.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
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

int secmsg_nl_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case NLE_SUCCESS:
		return 0;
	case NLE_INTR:
	case NLE_DUMP_INTR:
		return -EINTR;
	case NLE_BAD_SOCK:
		return -EBADF;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_MSGSIZE:
	case NLE_MSG_TRUNC:
		return -EMSGSIZE;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
		return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_PROTO_MISMATCH:
		return -EPROTONOSUPPORT;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_PERM:
	case NLE_IMMUTABLE:
		return -EPERM;
	case NLE_NODEV:
		return -ENODEV;
	default:
		return -EIO;
	}
}

void secmsg_nl_clear_err(struct secmsg_nl *nl)
{
	nl->errmsg[0] = '\0';
	nl->cookie_len = 0;
}

void secmsg_nl_set_err(struct secmsg_nl *nl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(nl->errmsg, sizeof(nl->errmsg), fmt, ap);
	va_end(ap);
}

const char *secmsg_nl_errmsg(const struct secmsg_nl *nl)
{
	return nl && nl->errmsg[0] ? nl->errmsg : NULL;
}

int secmsg_nl_fd(const struct secmsg_nl *nl)
{
	return nl ? nl_socket_get_fd(nl->sk) : -EBADF;
}

uint32_t secmsg_nl_portid(const struct secmsg_nl *nl)
{
	return nl ? nl_socket_get_local_port(nl->sk) : 0;
}

/* Best effort (older kernels lack some options): true when set. */
static bool setsockopt_int(int fd, int level, int opt, int val)
{
	return !setsockopt(fd, level, opt, &val, sizeof(val));
}

static int setup_socket(struct secmsg_nl *nl)
{
	struct nl_sock *sk = nl->sk;
	int fd = nl_socket_get_fd(sk);

	/*
	 * Room for sealed messages and ~300 KiB batch replies.  SO_*BUFFORCE
	 * gets past net.core.rmem_max for CAP_NET_ADMIN, which every secmsg
	 * command needs anyway; without it the plain sizes stay.
	 */
	if (nl_socket_set_buffer_size(sk, SECMSG_NL_RCVBUF, SECMSG_NL_SNDBUF))
		return -ENOBUFS;
	setsockopt_int(fd, SOL_SOCKET, SO_RCVBUFFORCE, SECMSG_NL_RCVBUF);
	setsockopt_int(fd, SOL_SOCKET, SO_SNDBUFFORCE, SECMSG_NL_SNDBUF);
	setsockopt_int(fd, SOL_NETLINK, NETLINK_EXT_ACK, 1);
	nl->cap_ack = setsockopt_int(fd, SOL_NETLINK, NETLINK_CAP_ACK, 1);
	/* libnl's own receives (genl_ctrl_resolve): whole big messages */
	nl_socket_enable_msg_peek(sk);
	return 0;
}

void secmsg_nl_close(struct secmsg_nl *nl)
{
	if (!nl)
		return;
	if (nl->sk)
		nl_socket_free(nl->sk);
	/* buf was wiped after each datagram (or held no secret) */
	secmsg_nl_release(nl);
	free(nl->buf);
	free(nl->keep);
	free(nl->ev_buf);
	explicit_bzero(nl, sizeof(*nl));
	free(nl);
}

int secmsg_nl_open_family(struct secmsg_nl **out, const char *family,
			  uint8_t version)
{
	struct secmsg_nl *nl;
	int err;

	if (!out || !family)
		return -EINVAL;
	*out = NULL;
	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	nl->mcgrp = -ENOENT;
	nl->version = version;
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		err = -ENOMEM;
		goto fail;
	}
	err = genl_connect(nl->sk);
	if (err) {
		err = secmsg_nl_errno(err);
		goto fail;
	}
	err = setup_socket(nl);
	if (err)
		goto fail;
	err = genl_ctrl_resolve(nl->sk, family);
	if (err < 0) {
		/* NLE_OBJ_NOTFOUND -> -ENOENT: the family is not registered */
		err = secmsg_nl_errno(err);
		goto fail;
	}
	nl->family = err;
	*out = nl;
	return 0;
fail:
	secmsg_nl_close(nl);
	return err;
}

struct nl_msg *secmsg_nl_req(struct secmsg_nl *nl, uint8_t cmd, int flags,
			     size_t payload)
{
	struct nl_msg *msg;

	if (payload > SECMSG_NL_MAX_REQ)
		return NULL;
	msg = nlmsg_alloc_size(NLMSG_HDRLEN + GENL_HDRLEN + payload);
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, nl->version)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

void secmsg_nl_req_free(struct nl_msg *msg)
{
	if (!msg)
		return;
	/* libnl allocates it zeroed: what was written is nlmsg_len long */
	explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
}

static int send_req(struct secmsg_nl *nl, const struct nlmsghdr *h)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;

	do {
		n = sendto(nl_socket_get_fd(nl->sk), h, h->nlmsg_len, 0,
			   (struct sockaddr *)&kernel, sizeof(kernel));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == h->nlmsg_len ? 0 : -EIO;
}

/* Make *buf hold at least len bytes; the old one is already wiped. */
static int grow(uint8_t **buf, size_t *size, size_t len)
{
	uint8_t *p;

	if (len <= *size)
		return 0;
	if (len < 65536)
		len = 65536;
	p = malloc(len);
	if (!p)
		return -ENOMEM;
	free(*buf);
	*buf = p;
	*size = len;
	return 0;
}

static int wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (poll(&p, 1, -1) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

/*
 * Receive one datagram from the kernel into *buf.  wait: poll when the
 * socket is non-blocking (command replies); otherwise -EAGAIN is
 * returned as the socket's mode has it (events).  Datagrams from other
 * senders than the kernel are dropped.  Return its length or -errno.
 */
static ssize_t recv_datagram(struct secmsg_nl *nl, bool wait, uint8_t **buf,
			     size_t *size)
{
	int fd = nl_socket_get_fd(nl->sk);
	struct sockaddr_nl sa;
	struct iovec iov;
	struct msghdr mh;
	ssize_t n;
	int err;

	for (;;) {
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = NULL;
		iov.iov_len = 0;
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		n = recvmsg(fd, &mh, MSG_PEEK | MSG_TRUNC);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN && wait) {
				err = wait_readable(fd);
				if (err)
					return err;
				continue;
			}
			return -errno;
		}
		err = grow(buf, size, (size_t)n + 1);
		if (err)
			return err;
		iov.iov_base = *buf;
		iov.iov_len = *size;
		mh.msg_name = &sa;
		mh.msg_namelen = sizeof(sa);
		n = recvmsg(fd, &mh, 0);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		if ((mh.msg_flags & MSG_TRUNC) || mh.msg_namelen < sizeof(sa) ||
		    sa.nl_family != AF_NETLINK || sa.nl_pid != 0) {
			/* truncated (cannot happen after the peek) or not
			 * from the kernel: drop it */
			explicit_bzero(*buf, (size_t)n);
			continue;
		}
		return n;
	}
}

static int error_tlvs(const struct nlmsghdr *h, size_t off, char *msg,
		      size_t size)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t len = h->nlmsg_len;
	const char *s;
	int slen;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS) || off >= len || !msg ||
	    !size)
		return 0;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)h + off), (int)(len - off),
		      NULL))
		return 0;
	if (tb[NLMSGERR_ATTR_MSG] && nla_len(tb[NLMSGERR_ATTR_MSG]) > 0) {
		s = nla_data(tb[NLMSGERR_ATTR_MSG]);
		slen = nla_len(tb[NLMSGERR_ATTR_MSG]);
		snprintf(msg, size, "%.*s", (int)strnlen(s, (size_t)slen), s);
	} else if (tb[NLMSGERR_ATTR_MISS_TYPE] &&
		   nla_len(tb[NLMSGERR_ATTR_MISS_TYPE]) == sizeof(uint32_t)) {
		snprintf(msg, size, "missing attribute %u",
			 nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]));
	}
	return 0;
}

/*
 * An NLMSG_ERROR or NLMSG_DONE: its errno (0 or negative) in *err, where
 * its TLVs begin in *off.  -EIO when it is too short.
 */
static int ack_head(const struct nlmsghdr *h, int *err, size_t *off)
{
	const struct nlmsgerr *e;

	if (h->nlmsg_type == NLMSG_DONE) {
		/* end of dump; newer kernels put the dump's errno in it */
		*err = 0;
		*off = h->nlmsg_len;
		if (h->nlmsg_len < NLMSG_LENGTH(sizeof(int)))
			return 0;
		memcpy(err, NLMSG_DATA(h), sizeof(int));
		*off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(int));
	} else {
		if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
			return -EIO;
		e = NLMSG_DATA(h);
		*err = e->error;
		*off = NLMSG_HDRLEN + sizeof(*e);
		/* the request is echoed unless capped (NETLINK_CAP_ACK) */
		if (!(h->nlmsg_flags & NLM_F_CAPPED) &&
		    e->msg.nlmsg_len >= NLMSG_HDRLEN)
			*off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	}
	if (*err > 0)
		*err = -*err;
	return *err < -4095 ? -EIO : 0;
}

int secmsg_nl_msg_error(const struct nlmsghdr *h, char *msg, size_t size)
{
	size_t off;
	int err;

	if (msg && size)
		msg[0] = '\0';
	if (ack_head(h, &err, &off))
		return -EIO;
	if (err)
		error_tlvs(h, off, msg, size);
	return err;
}

size_t secmsg_nl_msg_cookie(const struct nlmsghdr *h, uint8_t *cookie,
			    size_t size)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off, n;
	int err;

	if (ack_head(h, &err, &off) || !(h->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    off >= h->nlmsg_len ||
	    nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)h + off),
		      (int)(h->nlmsg_len - off), NULL) ||
	    !tb[NLMSGERR_ATTR_COOKIE])
		return 0;
	n = (size_t)nla_len(tb[NLMSGERR_ATTR_COOKIE]);
	if (n > size)
		return 0;
	memcpy(cookie, nla_data(tb[NLMSGERR_ATTR_COOKIE]), n);
	return n;
}

struct answer {
	uint32_t seq;
	bool dump;	/* the request was a dump: any number of replies */
	bool replied;	/* a reply went to the callback */
	bool done;
	int kerr;	/* kernel's errno from NLMSG_ERROR / NLMSG_DONE */
	int cb_ret;	/* first nonzero callback return */
};

static void answer_msg(struct secmsg_nl *nl, const struct nlmsghdr *h,
		       struct answer *a, secmsg_nl_msg_fn fn, void *arg)
{
	char text[SECMSG_NL_ERRMSG_LEN];

	switch (h->nlmsg_type) {
	case NLMSG_NOOP:
		return;
	case NLMSG_ERROR:
	case NLMSG_DONE:
		a->kerr = secmsg_nl_msg_error(h, text, sizeof(text));
		if (a->kerr && text[0] && !a->cb_ret)
			snprintf(nl->errmsg, sizeof(nl->errmsg), "%s", text);
		if (a->kerr)
			nl->cookie_len = secmsg_nl_msg_cookie(h, nl->cookie,
							      sizeof(nl->cookie));
		a->done = true;
		return;
	case NLMSG_OVERRUN:
		a->kerr = -EIO;
		a->done = true;
		return;
	}
	if (h->nlmsg_type != nl->family ||
	    h->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN)) {
		return;
	}
	if (a->cb_ret || !fn)
		return;
	/*
	 * Any other request has one reply: a second one would be parsed
	 * over the first (whose data the caller could then not free).
	 */
	if (a->replied && !a->dump) {
		secmsg_nl_set_err(nl, "libsecmsg: malformed reply: more than "
				  "one message");
		a->cb_ret = -EIO;
		return;
	}
	a->replied = true;
	a->cb_ret = fn(nl, h, arg);
}

void secmsg_nl_release(struct secmsg_nl *nl)
{
	if (nl->keep_len && nl->keep_wipe)
		explicit_bzero(nl->keep, nl->keep_len);
	nl->keep_len = 0;
}

/* The datagram in buf becomes the kept one (buffers swapped). */
static void keep_datagram(struct secmsg_nl *nl, size_t len, bool wipe)
{
	uint8_t *b = nl->keep;
	size_t size = nl->keep_size;

	nl->keep = nl->buf;
	nl->keep_size = nl->buf_size;
	nl->keep_len = len;
	nl->keep_wipe = wipe;
	nl->buf = b;
	nl->buf_size = size;
}

int secmsg_nl_transact(struct secmsg_nl *nl, struct nl_msg *msg,
		       secmsg_nl_msg_fn fn, void *arg)
{
	return secmsg_nl_transact_opts(nl, msg, fn, arg, 0);
}

int secmsg_nl_transact_opts(struct secmsg_nl *nl, struct nl_msg *msg,
			    secmsg_nl_msg_fn fn, void *arg, unsigned int opts)
{
	struct answer a = { 0 };
	struct nlmsghdr *req;
	bool wipe;
	ssize_t n;
	int err;

	/*
	 * Received datagrams are wiped unless the answer holds no secret;
	 * without NETLINK_CAP_ACK an error echoes the request, so then the
	 * request must hold none either.
	 */
	wipe = !(opts & SECMSG_NL_PUBLIC_REPLY) ||
	       (!nl->cap_ack && !(opts & SECMSG_NL_PUBLIC_REQ));
	secmsg_nl_release(nl);
	nl->keep_now = false;
	nl_complete_msg(nl->sk, msg);
	req = nlmsg_hdr(msg);
	req->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	a.seq = req->nlmsg_seq;
	a.dump = (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	err = send_req(nl, req);
	if (err)
		return err;
	while (!a.done) {
		const struct nlmsghdr *h;
		int rem;

		n = recv_datagram(nl, true, &nl->buf, &nl->buf_size);
		if (n < 0)
			return (int)n;
		rem = (int)n;
		for (h = (const struct nlmsghdr *)nl->buf;
		     !a.done && nlmsg_ok(h, rem);
		     h = nlmsg_next((struct nlmsghdr *)h, &rem)) {
			/* stale answers and events are not ours */
			if (h->nlmsg_seq != a.seq)
				continue;
			answer_msg(nl, h, &a, fn, arg);
		}
		if (nl->keep_now && !nl->keep_len)
			keep_datagram(nl, (size_t)n, wipe);
		else if (wipe)
			explicit_bzero(nl->buf, (size_t)n);
		nl->keep_now = false;
	}
	return a.cb_ret ? a.cb_ret : a.kerr;
}

int secmsg_nl_recv_event(struct secmsg_nl *nl, const struct nlmsghdr **out)
{
	const struct nlmsghdr *h;
	ssize_t n;
	int rem;

	for (;;) {
		while (nl->ev_off < nl->ev_len) {
			h = (const struct nlmsghdr *)(nl->ev_buf + nl->ev_off);
			rem = (int)(nl->ev_len - nl->ev_off);
			if (!nlmsg_ok(h, rem)) {
				nl->ev_len = 0;
				break;
			}
			nl->ev_off += NLMSG_ALIGN(h->nlmsg_len);
			if (h->nlmsg_type == nl->family &&
			    h->nlmsg_len >= NLMSG_LENGTH(GENL_HDRLEN)) {
				*out = h;
				return 0;
			}
		}
		nl->ev_off = nl->ev_len = 0;
		n = recv_datagram(nl, false, &nl->ev_buf, &nl->ev_size);
		if (n < 0)
			return (int)n;
		nl->ev_len = (size_t)n;
	}
}

int secmsg_nl_run(struct secmsg_nl *nl, struct nl_msg *msg,
		  secmsg_nl_msg_fn fn, void *arg)
{
	return secmsg_nl_run_opts(nl, msg, fn, arg, 0);
}

int secmsg_nl_run_opts(struct secmsg_nl *nl, struct nl_msg *msg,
		       secmsg_nl_msg_fn fn, void *arg, unsigned int opts)
{
	int err = secmsg_nl_transact_opts(nl, msg, fn, arg, opts);

	if (opts & SECMSG_NL_PUBLIC_REQ)
		nlmsg_free(msg);
	else
		secmsg_nl_req_free(msg);
	return err;
}

int secmsg_nl_need(struct secmsg_nl *nl, int err, bool got,
		   const char *what)
{
	if (err || got)
		return err;
	secmsg_nl_set_err(nl, "libsecmsg: no %s in the reply", what);
	return -EIO;
}
