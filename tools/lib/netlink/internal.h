/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * libsecmsg internal: the netlink transport (sock.c) and the strict
 * reply parsers (parse.c) under the commands of commands.c.  Not part of
 * the API; tests use it to drive the transport against another family
 * and to feed the parsers crafted messages.
 */
#ifndef SECMSG_NL_INT_H
#define SECMSG_NL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "secmsg/nl.h"
#include "spec-gen.h"

#define SECMSG_NL_ERRMSG_LEN	256
#define SECMSG_NL_RCVBUF	(4 << 20)
#define SECMSG_NL_SNDBUF	(1 << 20)
/* Largest request payload we build (a full batch fits many times). */
#define SECMSG_NL_MAX_REQ	(SECMSG_NL_SNDBUF - 4096)

struct secmsg_nl {
	struct nl_sock *sk;
	int family;		/* generic netlink family id */
	uint8_t version;	/* genl header version of requests */
	int mcgrp;		/* "events" group id, or a negative errno */
	bool subscribed;
	char errmsg[SECMSG_NL_ERRMSG_LEN];	/* "" when none */
	/* the extack cookie of the last error (NLMSGERR_ATTR_COOKIE) */
	uint8_t cookie[20];
	size_t cookie_len;
	/* receive buffer of the command path, wiped after each datagram
	 * unless the request said its answer holds no secret */
	uint8_t *buf;
	size_t buf_size;
	/*
	 * The datagram of the last reply returned as views (results that
	 * point into it): kept until the next transaction or close, then
	 * wiped (keep_len bytes) when keep_wipe.  A callback sets keep_now
	 * to keep the datagram it was called for.
	 */
	uint8_t *keep;
	size_t keep_size, keep_len;
	bool keep_wipe, keep_now;
	bool cap_ack;		/* NETLINK_CAP_ACK on: errors echo no request */
	/* the event path's datagram, for messages not yet returned */
	uint8_t *ev_buf;
	size_t ev_size, ev_len, ev_off;
};

/* sock.c */
int secmsg_nl_open_family(struct secmsg_nl **out, const char *family,
			  uint8_t version);
void secmsg_nl_clear_err(struct secmsg_nl *nl);
void secmsg_nl_set_err(struct secmsg_nl *nl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* libnl's NLE_* (positive or negative) to a negative errno. */
int secmsg_nl_errno(int nle);
/* SECMSG_A_POLICY with the fields p sets; nothing when none. */
int secmsg_nl_put_policy(struct nl_msg *msg, const struct secmsg_policy *p);
/* A request of cmd with room for payload bytes of attributes. */
struct nl_msg *secmsg_nl_req(struct secmsg_nl *nl, uint8_t cmd, int flags,
			     size_t payload);
/* Wipe the message (nlmsg_len bytes: all that was written), free it. */
void secmsg_nl_req_free(struct nl_msg *msg);
/*
 * Called for each family message answering the request (seq and sender
 * checked, genl header present).  Return 0 to go on; nonzero stops the
 * callbacks (the rest of the answer is drained) and is returned.
 */
typedef int (*secmsg_nl_msg_fn)(struct secmsg_nl *nl,
				const struct nlmsghdr *h, void *arg);
/*
 * What a request and its answer hold, for secmsg_nl_transact_opts: by
 * default both are taken to hold secrets (keys, plaintext) and every
 * buffer is wiped.  PUBLIC_REQ: the request holds none (ciphertext,
 * ids); PUBLIC_REPLY: neither does the answer.  Wipes cost a pass over
 * each buffer: a batch of RESEALs needs none.
 */
#define SECMSG_NL_PUBLIC_REQ	0x1u
#define SECMSG_NL_PUBLIC_REPLY	0x2u
/* Send msg and wait for its answer: ACK, error or end of dump. */
int secmsg_nl_transact(struct secmsg_nl *nl, struct nl_msg *msg,
		       secmsg_nl_msg_fn fn, void *arg);
int secmsg_nl_transact_opts(struct secmsg_nl *nl, struct nl_msg *msg,
			    secmsg_nl_msg_fn fn, void *arg, unsigned int opts);
/* Wipe (as the request said) and drop the kept datagram, if any. */
void secmsg_nl_release(struct secmsg_nl *nl);
/* Reply of the commands that answer with one session. */
struct secmsg_nl_session_ctx {
	struct secmsg_session_info *out;	/* may be NULL */
	bool got;
};
int secmsg_nl_session_reply(struct secmsg_nl *nl, const struct nlmsghdr *h,
			    void *arg);
/* secmsg_nl_transact, then wipe and free msg. */
int secmsg_nl_run(struct secmsg_nl *nl, struct nl_msg *msg,
		  secmsg_nl_msg_fn fn, void *arg);
/* The same with SECMSG_NL_PUBLIC_* opts (a public request: not wiped). */
int secmsg_nl_run_opts(struct secmsg_nl *nl, struct nl_msg *msg,
		       secmsg_nl_msg_fn fn, void *arg, unsigned int opts);
/*
 * A request that succeeded must have had its reply: err, or -EIO with
 * "libsecmsg: no WHAT in the reply" when !got.
 */
int secmsg_nl_need(struct secmsg_nl *nl, int err, bool got,
		   const char *what);
/* Next event message of the socket's groups into *h (pointing into nl). */
int secmsg_nl_recv_event(struct secmsg_nl *nl, const struct nlmsghdr **h);
/*
 * The errno of an NLMSG_ERROR or NLMSG_DONE message (0 or negative),
 * with its extack text (if any) copied into msg.
 */
int secmsg_nl_msg_error(const struct nlmsghdr *h, char *msg, size_t size);
/*
 * The extack cookie (NLMSGERR_ATTR_COOKIE) of such a message into cookie:
 * its length, 0 when it has none or it is longer than size.
 */
size_t secmsg_nl_msg_cookie(const struct nlmsghdr *h, uint8_t *cookie,
			    size_t size);

/*
 * parse.c: all return 0, or -EIO with a reason in err.  The attribute
 * tables (type, length limits, whether replies carry it) are generated
 * from uapi/secmsg.yaml: spec-gen.h.
 */
int secmsg_nla_parse(struct nlattr **tb, int maxtype, struct nlattr *head,
		     int len, const struct secmsg_nla_spec *spec, char *err,
		     size_t errsize);
int secmsg_parse_genl(const struct nlmsghdr *h, struct nlattr **tb,
		      char *err, size_t errsize);
int secmsg_parse_session(const struct nlmsghdr *h,
			 struct secmsg_session_info *s, char *err,
			 size_t errsize);
int secmsg_parse_stats(const struct nlmsghdr *h, struct secmsg_stats *st,
		       char *err, size_t errsize);
int secmsg_parse_event(const struct nlmsghdr *h, struct secmsg_event_info *ev,
		       char *err, size_t errsize);
/*
 * SECMSG_CMD_MSG reply into res: data malloc'ed, or with view a pointer
 * into h (nothing allocated, nothing to free).
 */
int secmsg_parse_msg(const struct nlmsghdr *h, struct secmsg_msg_result *res,
		     bool view, char *err, size_t errsize);
/*
 * SECMSG_CMD_MSG_BATCH reply to the n ops: exactly one result per op and
 * per destination of a RESEAL to several (secmsg_msg_batch_results()), in
 * order; view as above.
 */
int secmsg_parse_batch(const struct nlmsghdr *h,
		       const struct secmsg_batch_op *ops, size_t n,
		       struct secmsg_msg_result *res, bool view, char *err,
		       size_t errsize);
/* SECMSG_CMD_CRYPT reply: pointers into h. */
int secmsg_parse_crypt(const struct nlmsghdr *h, const uint8_t **nonce,
		       size_t *nonce_len, const uint8_t **data,
		       size_t *data_len, char *err, size_t errsize);

#endif
