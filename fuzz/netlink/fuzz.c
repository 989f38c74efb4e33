// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Fuzz target: libsecmsg's netlink replies (tools/lib/netlink/): the
 * receive loop of sock.c (datagrams, message headers, sequence numbers,
 * NLMSG_ERROR and NLMSG_DONE with their extended ACKs) and every reply
 * parser under the public commands, called as secmsgctl and secmsgd call
 * them.  The kernel is the input: the target is linked with
 * -Wl,--wrap=recvmsg,--wrap=sendto, so that the library's socket calls
 * land here: a request is taken and its sequence number noted, and each
 * receive returns the input's next datagram as if from the kernel (port
 * 0), with the sequence number of the request put into every message
 * whose own is 0 (the seeds'); when the input is used up the socket
 * fails (ECONNRESET).
 *
 * Input: one byte choosing the command, then datagrams, each a 2-byte
 * big-endian length and the bytes.
 *
 * What must hold: every command returns 0 or a negative errno; what it
 * returns on success is what its documentation promises (NUL-terminated
 * user ids of at most 64 bytes, a batch's n results each with data
 * exactly when its status is 0, lengths within the room given); a
 * session, user or stats reply that parses, written again as the kernel
 * writes it, parses to the same values; the error message is a
 * NUL-terminated string; nothing is read outside the datagram (ASan)
 * and nothing leaks.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <netlink/genl/genl.h>
#include <netlink/socket.h>

#include "commands.h"
#include "fuzz.h"
#include "keys.h"
#include "netlink/internal.h"
#include "secmsg/nl_identity.h"

static struct fuzz_in input;
static uint32_t req_seq;

ssize_t __wrap_sendto(int fd, const void *buf, size_t len, int flags,
		      const struct sockaddr *to, socklen_t tolen);
ssize_t __wrap_recvmsg(int fd, struct msghdr *mh, int flags);

ssize_t __wrap_sendto(int fd, const void *buf, size_t len, int flags,
		      const struct sockaddr *to, socklen_t tolen)
{
	const struct nlmsghdr *h = buf;

	(void)fd;
	(void)flags;
	(void)to;
	(void)tolen;
	FUZZ_CHECK(len >= NLMSG_HDRLEN && h->nlmsg_len == len);
	FUZZ_CHECK(h->nlmsg_type == FUZZ_NL_FAMILY);
	req_seq = h->nlmsg_seq;
	return (ssize_t)len;
}

ssize_t __wrap_recvmsg(int fd, struct msghdr *mh, int flags)
{
	struct fuzz_in peek = input;
	struct sockaddr_nl *sa = mh->msg_name;
	const uint8_t *p;
	struct nlmsghdr *h;
	size_t len;
	int rem;

	(void)fd;
	if (!fuzz_record(&peek, &p, &len)) {
		errno = ECONNRESET;
		return -1;
	}
	if (flags & MSG_PEEK)
		return (ssize_t)len;
	input = peek;
	FUZZ_CHECK(mh->msg_iovlen == 1 && mh->msg_iov[0].iov_len >= len);
	memcpy(mh->msg_iov[0].iov_base, p, len);
	for (h = mh->msg_iov[0].iov_base, rem = (int)len; nlmsg_ok(h, rem);
	     h = nlmsg_next(h, &rem))
		if (!h->nlmsg_seq)
			h->nlmsg_seq = req_seq;
	if (sa) {
		FUZZ_CHECK(mh->msg_namelen >= sizeof(*sa));
		memset(sa, 0, sizeof(*sa));
		sa->nl_family = AF_NETLINK;
		mh->msg_namelen = sizeof(*sa);
	}
	mh->msg_flags = 0;
	return (ssize_t)len;
}

static void check_str(const char *s, size_t room)
{
	FUZZ_CHECK(strnlen(s, room) < room);
}

static void check_session(const struct secmsg_session_info *s)
{
	check_str(s->user_id, sizeof(s->user_id));
}

static int session_cb(const struct secmsg_session_info *s, void *arg)
{
	check_session(s);
	/* stop the dump at the third: the dump returns what this does */
	return ++*(int *)arg == 3 ? -ECANCELED : 0;
}

static int user_cb(const struct secmsg_user_info *u, void *arg)
{
	check_str(u->user_id, sizeof(u->user_id));
	return ++*(int *)arg == 3 ? -ECANCELED : 0;
}

/* ---- the same values written again, as secmsg.ko writes them ---- */

static struct nl_msg *reply_new(uint8_t cmd)
{
	struct nl_msg *m = nlmsg_alloc_size(8192);

	FUZZ_CHECK(m && genlmsg_put(m, 0, 0, FUZZ_NL_FAMILY, 0, 0, cmd,
				    SECMSG_GENL_VERSION));
	return m;
}

/* The reply and an ACK become the next (only) datagram of the input. */
static void reply_send(struct nl_msg *m, uint8_t *dg, size_t room)
{
	struct nlmsghdr *h = nlmsg_hdr(m);
	struct {
		struct nlmsghdr h;
		struct nlmsgerr e;
	} ack = {
		.h = { .nlmsg_len = NLMSG_LENGTH(sizeof(ack.e)),
		       .nlmsg_type = NLMSG_ERROR, .nlmsg_flags = NLM_F_CAPPED },
	};
	size_t n = NLMSG_ALIGN(h->nlmsg_len), len = n + sizeof(ack);

	FUZZ_CHECK(len + 2 <= room);
	dg[0] = (uint8_t)(len >> 8);
	dg[1] = (uint8_t)len;
	memset(dg + 2, 0, len);
	memcpy(dg + 2, h, h->nlmsg_len);
	memcpy(dg + 2 + n, &ack, sizeof(ack));
	nlmsg_free(m);
	input.p = dg;
	input.left = len + 2;
}

#define PUT(x) FUZZ_CHECK(!(x))

static void put_session(struct nl_msg *m, const struct secmsg_session_info *s)
{
	const struct secmsg_policy *p = &s->policy;
	const uint64_t *c = &s->counters.tx_messages;
	struct nlattr *n;
	int i;

	PUT(nla_put_u64(m, SECMSG_A_SESSION_ID, s->id));
	if (s->user_id[0])
		PUT(nla_put_string(m, SECMSG_A_USER_ID, s->user_id));
	if (s->alg)
		PUT(nla_put_u32(m, SECMSG_A_ALG, (uint32_t)s->alg));
	if (s->state)
		PUT(nla_put_u8(m, SECMSG_A_STATE, (uint8_t)s->state));
	PUT(nla_put_u32(m, SECMSG_A_EPOCH, s->epoch));
	PUT(nla_put_u32(m, SECMSG_A_FLAGS, s->flags));
	PUT(nla_put_u64(m, SECMSG_A_CREATED, s->created));
	PUT(nla_put_u64(m, SECMSG_A_LAST_USED, s->last_used));
	PUT(nla_put_u64(m, SECMSG_A_EXPIRES, s->expires));
	PUT(nla_put_u64(m, SECMSG_A_REKEY_AT, s->rekey_at));
	n = nla_nest_start(m, SECMSG_A_POLICY);
	FUZZ_CHECK(n);
	if (p->has_rotate_interval)
		PUT(nla_put_u32(m, SECMSG_POLICY_A_ROTATE_INTERVAL,
				p->rotate_interval));
	if (p->has_max_messages)
		PUT(nla_put_u64(m, SECMSG_POLICY_A_MAX_MESSAGES,
				p->max_messages));
	if (p->has_timeout)
		PUT(nla_put_u32(m, SECMSG_POLICY_A_TIMEOUT, p->timeout));
	if (p->has_idle_timeout)
		PUT(nla_put_u32(m, SECMSG_POLICY_A_IDLE_TIMEOUT,
				p->idle_timeout));
	if (p->has_rekey_grace)
		PUT(nla_put_u32(m, SECMSG_POLICY_A_REKEY_GRACE,
				p->rekey_grace));
	nla_nest_end(m, n);
	n = nla_nest_start(m, SECMSG_A_COUNTERS);
	FUZZ_CHECK(n);
	/* struct secmsg_counters: the attributes' order, all u64 */
	for (i = SECMSG_CNT_A_TX_MESSAGES; i <= SECMSG_CNT_A_STALE_EPOCH; i++)
		PUT(nla_put_u64(m, i, c[i - SECMSG_CNT_A_TX_MESSAGES]));
	nla_nest_end(m, n);
}

/* A session that parsed, written again, parses the same. */
static void again_session(struct secmsg_nl *nl,
			  const struct secmsg_session_info *s)
{
	struct secmsg_session_info t;
	struct nl_msg *m = reply_new(SECMSG_CMD_SESSION_GET);
	uint8_t dg[4096];

	put_session(m, s);
	reply_send(m, dg, sizeof(dg));
	FUZZ_CHECK(!secmsg_session_get(nl, s->id, &t));
	FUZZ_CHECK(!memcmp(&t, s, sizeof(t)));
}

static void again_stats(struct secmsg_nl *nl, const struct secmsg_stats *st)
{
	struct nl_msg *m = reply_new(SECMSG_CMD_STATS_GET);
	struct secmsg_stats t;
	struct nlattr *n, *f;
	uint8_t dg[4096];
	int i;

	n = nla_nest_start(m, SECMSG_A_STATS);
	FUZZ_CHECK(n);
	for (i = SECMSG_STATS_A_PAD + 1; i <= SECMSG_STATS_A_MAX; i++)
		if (i != SECMSG_STATS_A_FAILURE)
			PUT(nla_put_u64(m, i, st->v[i]));
	/* the counts by reason: a nest each */
	for (i = 1; i <= SECMSG_FAIL_MAX; i++) {
		f = nla_nest_start(m, SECMSG_STATS_A_FAILURE);
		FUZZ_CHECK(f);
		PUT(nla_put_u32(m, SECMSG_FAILURE_A_REASON, i));
		PUT(nla_put_u64(m, SECMSG_FAILURE_A_COUNT, st->fail[i]));
		nla_nest_end(m, f);
	}
	nla_nest_end(m, n);
	reply_send(m, dg, sizeof(dg));
	FUZZ_CHECK(!secmsg_stats_get(nl, &t));
	FUZZ_CHECK(!memcmp(&t, st, sizeof(t)));
}

static void again_user(struct secmsg_nl *nl, const struct secmsg_user_info *u)
{
	struct nl_msg *m = reply_new(SECMSG_CMD_USER_GET);
	struct secmsg_user_info t;
	uint8_t dg[4096];

	PUT(nla_put_string(m, SECMSG_A_USER_ID, u->user_id));
	PUT(nla_put(m, SECMSG_A_PUBLIC_KEY, 32, u->public_key));
	if (u->has_last_handshake)
		PUT(nla_put_u64(m, SECMSG_A_LAST_HANDSHAKE,
				u->last_handshake));
	reply_send(m, dg, sizeof(dg));
	FUZZ_CHECK(!secmsg_user_get(nl, FUZZ_USER, &t));
	FUZZ_CHECK(!memcmp(&t, u, sizeof(t)));
}

static int run(struct secmsg_nl *nl, int cmd)
{
	static const uint8_t key[32] = { 1 }, data[64] = { 2 };
	struct secmsg_session_params sp = {
		.user_id = FUZZ_USER, .alg = SECMSG_ALG_AES_256_GCM,
		.secret_c2s = key, .secret_s2c = key,
	};
	struct secmsg_policy pol = { .has_timeout = true, .timeout = 60 };
	static const uint64_t dests[2] = { 2, 3 };
	/* three results: the SEAL's, one per destination of the RESEAL */
	struct secmsg_batch_op ops[2] = {
		{ SECMSG_MSG_SEAL, 1, 0, 7, data, 5 },
		{ SECMSG_MSG_RESEAL, 1, 0, 8, data, sizeof(data), dests, 2 },
	};
	struct secmsg_crypt_req cr = {
		.op = SECMSG_CRYPT_ENCRYPT, .alg = SECMSG_ALG_AES_256_GCM,
		.key = key, .data = data, .data_len = sizeof(data),
	};
	struct secmsg_msg_result res[3];
	struct secmsg_session_info si;
	struct secmsg_user_info ui;
	struct secmsg_event_info ev;
	struct secmsg_stats st;
	uint8_t out[64 + 16], nonce[16 + 16], m2[SECMSG_HS_RESPONSE_LEN + 16];
	size_t out_len = 64, nonce_len = 0, m2_len = SECMSG_HS_RESPONSE_LEN;
	uint64_t sid = 0;
	int err = 0, n = 0, i;

	memset(out, 0xa5, sizeof(out));
	memset(nonce, 0xa5, sizeof(nonce));
	memset(m2, 0xa5, sizeof(m2));
	switch (cmd) {
	case C_SESSION_GET:
		err = secmsg_session_get(nl, 1, &si);
		if (!err) {
			check_session(&si);
			again_session(nl, &si);
		}
		break;
	case C_SESSION_DUMP:
		err = secmsg_session_dump(nl, session_cb, &n);
		FUZZ_CHECK(n <= 3);
		break;
	case C_SESSION_NEW:
		err = secmsg_session_new(nl, &sp, &si);
		if (!err)
			check_session(&si);
		break;
	case C_SESSION_SET:
		err = secmsg_session_set(nl, 1, SECMSG_ALG_TWOFISH_CBC, &pol,
					 &si);
		if (!err)
			check_session(&si);
		break;
	case C_SESSION_ROTATE:
		err = secmsg_session_rotate(nl, 1, &si);
		if (!err)
			check_session(&si);
		break;
	case C_MSG:
		err = secmsg_msg(nl, SECMSG_MSG_SEAL, 1, 0, data, 5, res);
		if (!err) {
			FUZZ_CHECK(res[0].data && !res[0].status);
			secmsg_msg_result_free(&res[0]);
		} else {
			FUZZ_CHECK(!res[0].data && res[0].status == -err);
		}
		break;
	case C_BATCH:
		err = secmsg_msg_batch(nl, ops, 2, res);
		if (!err) {
			for (i = 0; i < 3; i++) {
				FUZZ_CHECK(res[i].status >= 0 &&
					   res[i].status <= 4095);
				FUZZ_CHECK(!res[i].status == !!res[i].data);
				secmsg_msg_result_free(&res[i]);
			}
		}
		break;
	case C_STATS:
		err = secmsg_stats_get(nl, &st);
		if (!err)
			again_stats(nl, &st);
		break;
	case C_CRYPT:
		err = secmsg_crypt(nl, &cr, nonce, &nonce_len, out, &out_len);
		FUZZ_CHECK(out[64] == 0xa5 && nonce[16] == 0xa5);
		if (!err)
			FUZZ_CHECK(out_len <= 64 && nonce_len <= 16);
		break;
	case C_IDENTITY_GET:
		err = secmsg_identity_get(nl, out);
		FUZZ_CHECK(out[32] == 0xa5);
		break;
	case C_USER_GET:
		err = secmsg_user_get(nl, FUZZ_USER, &ui);
		if (!err) {
			check_str(ui.user_id, sizeof(ui.user_id));
			again_user(nl, &ui);
		}
		break;
	case C_USER_DUMP:
		err = secmsg_user_dump(nl, user_cb, &n);
		FUZZ_CHECK(n <= 3);
		break;
	case C_HANDSHAKE:
		err = secmsg_handshake(nl, data, sizeof(data), &pol, 0, &sid,
				       m2, &m2_len);
		FUZZ_CHECK(m2[SECMSG_HS_RESPONSE_LEN] == 0xa5);
		if (!err)
			FUZZ_CHECK(m2_len <= SECMSG_HS_RESPONSE_LEN);
		break;
	case C_HANDSHAKE_CONFIRM:
		err = secmsg_handshake_confirm(nl, 1, data,
					       SECMSG_HS_CONFIRM_LEN, &si);
		if (!err)
			check_session(&si);
		break;
	case C_EVENT:
		nl->subscribed = true;	/* secmsg_events_subscribe() */
		while (!(err = secmsg_event_recv(nl, &ev)))
			check_str(ev.user_id, sizeof(ev.user_id));
		break;
	case C_X25519:
		err = secmsg_crypt_x25519(nl, key, key, out);
		FUZZ_CHECK(out[32] == 0xa5);
		break;
	case C_HKDF:
		err = secmsg_crypt_hkdf(nl, NULL, 0, key, 32, NULL, 0, out, 42);
		FUZZ_CHECK(out[42] == 0xa5);
		break;
	}
	return err;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct secmsg_nl *nl = calloc(1, sizeof(*nl));
	int cmd, err;

	FUZZ_CHECK(nl);
	input.p = data;
	input.left = size;
	cmd = fuzz_u8(&input) % C__N;
	/* what secmsg_nl_open() sets up, without a kernel to ask */
	nl->sk = nl_socket_alloc();
	FUZZ_CHECK(nl->sk);
	nl->family = FUZZ_NL_FAMILY;
	nl->version = SECMSG_GENL_VERSION;
	nl->mcgrp = 1;
	err = run(nl, cmd);
	FUZZ_CHECK(err <= 0 && err >= -4095);
	check_str(nl->errmsg, sizeof(nl->errmsg));
	secmsg_nl_close(nl);
	return 0;
}
