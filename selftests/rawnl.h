/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw generic netlink access to secmsg.ko for tests that must see what the
 * library hides: malformed, missing or oversized attributes, the extack
 * of every error, and every byte of every reply.
 */
#ifndef SELFTEST_RAWNL_H
#define SELFTEST_RAWNL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <linux/secmsg.h>

struct rawnl {
	struct nl_sock *sk;
	int family;
	int mcgrp;		/* events group id */
	uint8_t *rbuf;		/* receive buffer */
	size_t rbuf_len;
};

/* One request's outcome: every byte received for it, kept for scanning. */
struct rawnl_reply {
	int err;		/* 0 or -errno from the ack or NLMSG_DONE */
	bool has_extack;	/* NLMSGERR_ATTR_MSG present */
	char extack[256];
	int miss_type;		/* NLMSGERR_ATTR_MISS_TYPE or -1 */
	/*
	 * The attributes of the request the extack points at: the invalid
	 * one (NLMSGERR_ATTR_OFFS) and the nest a missing one belongs in
	 * (NLMSGERR_ATTR_MISS_NEST); their types, or -1.
	 */
	int bad_attr_type;
	int miss_nest_type;
	uint8_t *buf;		/* concatenated datagrams */
	size_t len;
	int nmsgs;		/* genl messages (not acks, not DONE) */
	/* attributes of the first genl message; point into buf */
	struct nlattr *tb[SECMSG_A_MAX + 1];
};

int rawnl_open(struct rawnl *r);
void rawnl_close(struct rawnl *r);
/* A request of cmd with room for size bytes of attributes. */
struct nl_msg *rawnl_msg(struct rawnl *r, uint8_t cmd, int flags,
			 size_t size);
/* Send msg (freed), collect the reply until its ack or NLMSG_DONE. */
int rawnl_xact(struct rawnl *r, struct nl_msg *msg, struct rawnl_reply *rep);
void rawnl_reply_free(struct rawnl_reply *rep);
/* Call cb for every genl message of the reply with its attributes. */
typedef int (*rawnl_msg_cb)(struct nlattr **tb, void *arg);
int rawnl_foreach(const struct rawnl_reply *rep, rawnl_msg_cb cb, void *arg);
/* Parse a nest of SECMSG_A_* of a genl message: helpers for results. */
int rawnl_parse_nest(struct nlattr **tb, int max, struct nlattr *nest);

/* Events: join the group; receive raw event datagrams (timeout ms). */
int rawnl_subscribe(struct rawnl *r);
/* Returns bytes received (copied to buf) or -errno (-EAGAIN on timeout). */
long rawnl_recv_raw(struct rawnl *r, void *buf, size_t len, int timeout_ms);

bool mem_contains(const void *hay, size_t hay_len, const void *needle,
		  size_t needle_len);

#endif
