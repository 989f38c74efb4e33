// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libsecmsg netlink client on the host, where secmsg.ko cannot be loaded:
 * algorithm names; secmsg_nl_open; the transport (requests, dumps,
 * errors with extended ACK, draining, spoofed and stale datagrams, event
 * socket) against the kernel's own "nlctrl" family; and the strict reply
 * parsers on crafted messages (what secmsg.ko sends, and malformed).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "netlink/internal.h"
#include "tap.h"

#define FAKE_FAMILY	0x30
static char err[SECMSG_NL_ERRMSG_LEN];

static void alg_names(void)
{
	static const char *const names[] = {
		"aes_256_gcm", "chacha20_poly1305", "twofish_cbc",
	};
	int i, bad = 0;

	for (i = 0; i < 3; i++)
		if (secmsg_alg_from_name(names[i]) != i + 1 ||
		    strcmp(secmsg_alg_name(i + 1), names[i]))
			bad++;
	ok(!bad, "algorithm names map both ways");
	ok(!secmsg_alg_from_name("AES_256_GCM") && !secmsg_alg_from_name("") &&
	   !secmsg_alg_from_name(NULL) && !secmsg_alg_name(0) &&
	   !secmsg_alg_name(4) && !secmsg_alg_name(-1),
	   "unknown names and numbers -> 0 / NULL");
}

static void open_secmsg(void)
{
	struct secmsg_nl *nl = NULL;
	int r = secmsg_nl_open(&nl);

	if (r == 0) {
		diag("secmsg.ko is loaded here");
		ok(secmsg_nl_fd(nl) >= 0 && secmsg_nl_portid(nl) != 0 &&
		   !secmsg_nl_errmsg(nl), "secmsg_nl_open: fd, port id");
		secmsg_nl_close(nl);
	} else {
		ok(r == -ENOENT && !nl,
		   "secmsg_nl_open without the module -> -ENOENT (%d)", r);
	}
	secmsg_nl_close(NULL);
	ok(secmsg_nl_errmsg(NULL) == NULL && secmsg_nl_fd(NULL) < 0,
	   "NULL handle is harmless");
}

/* ---- transport against nlctrl ---- */

struct fam_ctx {
	int count;
	bool saw_nlctrl;
	uint16_t id;
	int stop_after;
};

static int fam_cb(struct secmsg_nl *nl, const struct nlmsghdr *h, void *arg)
{
	struct fam_ctx *c = arg;
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	(void)nl;
	if (genlmsg_parse((struct nlmsghdr *)h, 0, tb, CTRL_ATTR_MAX, NULL))
		return -EIO;
	c->count++;
	if (tb[CTRL_ATTR_FAMILY_NAME] &&
	    !strcmp(nla_get_string(tb[CTRL_ATTR_FAMILY_NAME]), "nlctrl")) {
		c->saw_nlctrl = true;
		if (tb[CTRL_ATTR_FAMILY_ID])
			c->id = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	}
	return c->stop_after && c->count >= c->stop_after ? 7 : 0;
}

static struct nl_msg *getfamily(struct secmsg_nl *nl, const char *name,
				int flags)
{
	struct nl_msg *msg = secmsg_nl_req(nl, CTRL_CMD_GETFAMILY, flags, 64);

	if (msg && name)
		nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, name);
	return msg;
}

static int run(struct secmsg_nl *nl, struct nl_msg *msg, struct fam_ctx *c)
{
	int r;

	if (!msg)
		return -ENOMEM;
	r = secmsg_nl_transact(nl, msg, fam_cb, c);
	secmsg_nl_req_free(msg);
	return r;
}

/* Send a fake NLMSG_ERROR to port from a second (user) socket. */
static void spoof(uint32_t port, uint32_t seq)
{
	struct {
		struct nlmsghdr h;
		struct nlmsgerr e;
	} m = {
		.h = { .nlmsg_len = sizeof(m), .nlmsg_type = NLMSG_ERROR,
		       .nlmsg_seq = seq, .nlmsg_pid = port },
		.e = { .error = -EPERM },
	};
	struct sockaddr_nl to = { .nl_family = AF_NETLINK, .nl_pid = port };
	int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);

	if (fd < 0)
		return;
	if (sendto(fd, &m, sizeof(m), 0, (struct sockaddr *)&to,
		   sizeof(to)) < 0)
		diag("spoof sendto: %s", strerror(errno));
	close(fd);
}

static void transport_requests(struct secmsg_nl *nl)
{
	struct fam_ctx c = { 0 };
	struct nl_msg *msg;
	int r;

	r = run(nl, getfamily(nl, "nlctrl", 0), &c);
	ok(r == 0 && c.count == 1 && c.saw_nlctrl && c.id == nl->family,
	   "do request: one reply, then the ACK (%d)", r);

	memset(&c, 0, sizeof(c));
	r = run(nl, getfamily(nl, NULL, NLM_F_DUMP), &c);
	ok(r == 0 && c.count >= 1 && c.saw_nlctrl,
	   "dump: %d families streamed until NLMSG_DONE", c.count);

	memset(&c, 0, sizeof(c));
	c.stop_after = 1;
	r = run(nl, getfamily(nl, NULL, NLM_F_DUMP), &c);
	ok(r == 7 && c.count == 1, "dump stopped by the callback returns its "
	   "value (%d)", r);
	memset(&c, 0, sizeof(c));
	r = run(nl, getfamily(nl, NULL, NLM_F_DUMP), &c);
	ok(r == 0 && c.saw_nlctrl, "... and was drained: next dump works (%d)",
	   r);

	memset(&c, 0, sizeof(c));
	r = run(nl, getfamily(nl, "no-such-family", 0), &c);
	ok(r == -ENOENT && c.count == 0,
	   "kernel error is the kernel's errno (-ENOENT: %d)", r);

	msg = secmsg_nl_req(nl, CTRL_CMD_GETFAMILY, 0, 64);
	nla_put_u8(msg, CTRL_ATTR_FAMILY_ID, 1);	/* u16 expected */
	memset(&c, 0, sizeof(c));
	r = run(nl, msg, &c);
	ok(r < 0 && r != -ENOENT && nl->errmsg[0],
	   "policy violation: %d with extack \"%s\"", r, nl->errmsg);

	/* a fake error from a user socket with the right seq is ignored */
	msg = getfamily(nl, "nlctrl", 0);
	nlmsg_hdr(msg)->nlmsg_seq = 0x5eed;
	spoof(secmsg_nl_portid(nl), 0x5eed);
	memset(&c, 0, sizeof(c));
	r = run(nl, msg, &c);
	ok(r == 0 && c.count == 1, "datagram not from the kernel ignored (%d)",
	   r);

	/* a stale answer (another seq) left in the socket is skipped */
	msg = getfamily(nl, "nlctrl", 0);
	nl_complete_msg(nl->sk, msg);
	r = nl_send(nl->sk, msg);
	secmsg_nl_req_free(msg);
	memset(&c, 0, sizeof(c));
	r = run(nl, getfamily(nl, "no-such-family", 0), &c);
	ok(r == -ENOENT && c.count == 0, "stale answer skipped (%d)", r);
}

/* Keeps the datagram of nlctrl's reply; name points into it. */
struct keep_ctx {
	const char *name;
	bool keep;
	/* the reply from byte 64 on (past where the ACK lands), and a copy */
	const uint8_t *tail;
	uint8_t copy[4096];
	size_t tail_len;
};

/* 1: the tail is as received, 0: wiped, -1: neither */
static int tail_state(const struct keep_ctx *k)
{
	size_t i;
	int zero = 1;

	for (i = 0; i < k->tail_len; i++)
		zero &= !k->tail[i];
	if (k->tail_len && !memcmp(k->tail, k->copy, k->tail_len) && !zero)
		return 1;
	return zero ? 0 : -1;
}

static int keep_cb(struct secmsg_nl *nl, const struct nlmsghdr *h,
		   void *arg)
{
	struct keep_ctx *k = arg;
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (genlmsg_parse((struct nlmsghdr *)h, 0, tb, CTRL_ATTR_MAX, NULL) ||
	    !tb[CTRL_ATTR_FAMILY_NAME])
		return -EIO;
	k->name = nla_data(tb[CTRL_ATTR_FAMILY_NAME]);
	k->tail_len = 0;
	if (h->nlmsg_len > 64 && h->nlmsg_len - 64 <= sizeof(k->copy)) {
		k->tail = (const uint8_t *)h + 64;
		k->tail_len = h->nlmsg_len - 64;
		memcpy(k->copy, k->tail, k->tail_len);
	}
	nl->keep_now = k->keep;
	return 0;
}

/*
 * Views and wipes: a kept reply outlives the ACK that follows it and is
 * wiped at the next transaction (or not, when the request said its
 * answer is public); an unkept one is wiped at once, unless public.
 */
static void transport_keep(struct secmsg_nl *nl)
{
	struct keep_ctx k = { .keep = true };
	struct nl_msg *msg;
	int r;

	msg = getfamily(nl, "nlctrl", 0);
	r = secmsg_nl_transact(nl, msg, keep_cb, &k);
	secmsg_nl_req_free(msg);
	ok(r == 0 && k.name && !strcmp(k.name, "nlctrl") && nl->keep_len &&
	   nl->keep_wipe && (const uint8_t *)k.name >= nl->keep &&
	   (const uint8_t *)k.name < nl->keep + nl->keep_len,
	   "kept reply: still whole after the ACK, in the kept buffer");
	secmsg_nl_release(nl);
	ok(!nl->keep_len && !memcmp(k.name, "\0\0\0\0\0\0", 6) &&
	   tail_state(&k) == 0, "released: a reply with secrets is wiped");

	msg = getfamily(nl, "nlctrl", 0);
	r = secmsg_nl_transact_opts(nl, msg, keep_cb, &k,
				    SECMSG_NL_PUBLIC_REQ |
				    SECMSG_NL_PUBLIC_REPLY);
	nlmsg_free(msg);
	ok(r == 0 && !nl->keep_wipe && !strcmp(k.name, "nlctrl"),
	   "public answer kept");
	secmsg_nl_release(nl);
	ok(!nl->keep_len && !strcmp(k.name, "nlctrl") && tail_state(&k) == 1,
	   "released: a public answer is not wiped");
	msg = getfamily(nl, "nlctrl", 0);
	k.keep = false;
	k.name = NULL;
	r = secmsg_nl_transact_opts(nl, msg, keep_cb, &k,
				    SECMSG_NL_PUBLIC_REQ |
				    SECMSG_NL_PUBLIC_REPLY);
	nlmsg_free(msg);
	ok(r == 0 && !nl->keep_len && k.tail_len && tail_state(&k) == 1,
	   "public answer, not kept: released, and not wiped");
	msg = getfamily(nl, "nlctrl", 0);
	r = secmsg_nl_transact(nl, msg, keep_cb, &k);
	secmsg_nl_req_free(msg);
	ok(r == 0 && k.tail_len && tail_state(&k) == 0,
	   "answer with secrets, not kept: wiped when received");
}

/*
 * The event path: nlctrl's "notify" group (id GENL_ID_CTRL) stands in
 * for secmsg's "events"; nothing is announced, so a non-blocking receive
 * says -EAGAIN.
 */
static void transport_events(struct secmsg_nl *nl)
{
	struct secmsg_event_info ev;
	int fl, r;

	ok(secmsg_event_recv(nl, &ev) == -EINVAL,
	   "event receive before subscribing -> -EINVAL");
	nl->mcgrp = -ENOENT;
	ok(secmsg_events_subscribe(nl) == -ENOENT,
	   "subscribe without the group -> -ENOENT");
	nl->mcgrp = GENL_ID_CTRL;
	r = secmsg_events_subscribe(nl);
	ok(r == 0, "subscribe joins the group (%d)", r);
	fl = fcntl(secmsg_nl_fd(nl), F_GETFL);
	fcntl(secmsg_nl_fd(nl), F_SETFL, fl | O_NONBLOCK);
	r = secmsg_event_recv(nl, &ev);
	ok(r == -EAGAIN, "event receive on a non-blocking socket -> -EAGAIN "
	   "(%d)", r);
	fcntl(secmsg_nl_fd(nl), F_SETFL, fl);
}

static void transport(void)
{
	struct secmsg_nl *nl;
	int r = secmsg_nl_open_family(&nl, "nlctrl", 2);

	if (r) {
		diag("no generic netlink here (%d): transport tests skipped",
		     r);
		skip("generic netlink unavailable");
		return;
	}
	ok(nl->family == GENL_ID_CTRL && secmsg_nl_fd(nl) >= 0,
	   "transport opens nlctrl (id %d)", nl->family);
	transport_requests(nl);
	transport_keep(nl);
	transport_events(nl);
	/* a subscribed handle still runs commands, skipping events */
	{
		struct fam_ctx c = { 0 };
		int r2 = run(nl, getfamily(nl, "nlctrl", 0), &c);

		ok(r2 == 0 && c.count == 1, "command on a subscribed handle");
	}
	secmsg_nl_close(nl);
}

/* ---- parsers on crafted messages ---- */

static struct nl_msg *reply(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc_size(512 * 1024);

	genlmsg_put(msg, 0, 1, FAKE_FAMILY, 0, 0, cmd, SECMSG_GENL_VERSION);
	return msg;
}

/* nla_put_u64_64bit as the kernel does it: pad to 8 first if needed */
static void put_u64_64(struct nl_msg *msg, int type, uint64_t v, int pad)
{
	if ((nlmsg_hdr(msg)->nlmsg_len + NLA_HDRLEN) % 8)
		nla_put(msg, pad, 0, NULL);
	nla_put_u64(msg, type, v);
}

static void put_session(struct nl_msg *msg, bool with_id)
{
	struct nlattr *n;

	if (with_id)
		put_u64_64(msg, SECMSG_A_SESSION_ID, 0x1234, SECMSG_A_PAD);
	nla_put_string(msg, SECMSG_A_USER_ID, "alice@example.org");
	nla_put_u32(msg, SECMSG_A_ALG, SECMSG_ALG_TWOFISH_CBC);
	nla_put_u8(msg, SECMSG_A_STATE, SECMSG_STATE_ACTIVE);
	nla_put_u32(msg, SECMSG_A_EPOCH, 3);
	nla_put_u32(msg, SECMSG_A_FLAGS, SECMSG_SESSION_F_OWNED);
	n = nla_nest_start(msg, SECMSG_A_POLICY | NLA_F_NESTED);
	nla_put_u32(msg, SECMSG_POLICY_A_ROTATE_INTERVAL, 3600);
	put_u64_64(msg, SECMSG_POLICY_A_MAX_MESSAGES, 1 << 20,
		   SECMSG_POLICY_A_PAD);
	nla_put_u32(msg, SECMSG_POLICY_A_REKEY_GRACE, 10);
	nla_nest_end(msg, n);
	n = nla_nest_start(msg, SECMSG_A_COUNTERS | NLA_F_NESTED);
	put_u64_64(msg, SECMSG_CNT_A_TX_MESSAGES, 5, SECMSG_CNT_A_PAD);
	put_u64_64(msg, SECMSG_CNT_A_STALE_EPOCH, 9, SECMSG_CNT_A_PAD);
	nla_nest_end(msg, n);
	put_u64_64(msg, SECMSG_A_CREATED, 1700000000, SECMSG_A_PAD);
	put_u64_64(msg, SECMSG_A_EXPIRES, 1700086400, SECMSG_A_PAD);
	nla_put_u32(msg, 200, 0);	/* from a newer kernel: ignored */
}

static void parse_session(void)
{
	struct secmsg_session_info s;
	struct nl_msg *msg = reply(SECMSG_CMD_SESSION_GET);
	int r;

	put_session(msg, true);
	r = secmsg_parse_session(nlmsg_hdr(msg), &s, err, sizeof(err));
	ok(r == 0 && s.id == 0x1234 && !strcmp(s.user_id, "alice@example.org")
	   && s.alg == SECMSG_ALG_TWOFISH_CBC &&
	   s.state == SECMSG_STATE_ACTIVE && s.epoch == 3 &&
	   s.flags == SECMSG_SESSION_F_OWNED && s.created == 1700000000 &&
	   s.expires == 1700086400 && s.last_used == 0 && s.rekey_at == 0,
	   "session reply parsed, padded u64s, unknown attr ignored (%d)", r);
	ok(s.policy.has_rotate_interval && s.policy.rotate_interval == 3600 &&
	   s.policy.has_max_messages && s.policy.max_messages == 1 << 20 &&
	   s.policy.has_rekey_grace && s.policy.rekey_grace == 10 &&
	   !s.policy.has_timeout && !s.policy.has_idle_timeout,
	   "policy nest: has_* as present");
	ok(s.counters.tx_messages == 5 && s.counters.stale_epoch == 9 &&
	   s.counters.rx_bytes == 0, "counters nest");
	nlmsg_free(msg);

	msg = reply(SECMSG_CMD_SESSION_GET);
	put_session(msg, false);
	ok(secmsg_parse_session(nlmsg_hdr(msg), &s, err, sizeof(err)) == -EIO
	   && strstr(err, "missing"), "no session id -> -EIO (%s)", err);
	nlmsg_free(msg);
}

/* One malformed attribute in an otherwise good session reply. */
static int session_with(int type, const void *data, int len)
{
	struct secmsg_session_info s;
	struct nl_msg *msg = reply(SECMSG_CMD_SESSION_GET);
	int r;

	put_u64_64(msg, SECMSG_A_SESSION_ID, 1, SECMSG_A_PAD);
	nla_put(msg, type, len, data);
	r = secmsg_parse_session(nlmsg_hdr(msg), &s, err, sizeof(err));
	nlmsg_free(msg);
	return r;
}

static void parse_strict(void)
{
	static const char uid66[66] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
				      "aaaaaaaaaaaaaaaaaaaaaaa";
	uint64_t u64 = 1;
	struct secmsg_session_info s;
	struct nl_msg *msg;

	ok(session_with(SECMSG_A_ALG, &u64, 8) == -EIO, "u32 of 8 bytes -> -EIO");
	ok(session_with(SECMSG_A_ALG, &u64, 2) == -EIO, "u32 of 2 bytes -> -EIO");
	ok(session_with(SECMSG_A_CREATED, &u64, 4) == -EIO,
	   "u64 of 4 bytes -> -EIO");
	ok(session_with(SECMSG_A_STATE, &u64, 4) == -EIO,
	   "u8 of 4 bytes -> -EIO");
	ok(session_with(SECMSG_A_USER_ID, "bob", 3) == -EIO,
	   "string without NUL -> -EIO");
	ok(session_with(SECMSG_A_USER_ID, uid66, 66) == -EIO &&
	   session_with(SECMSG_A_USER_ID, uid66 + 1, 65) == 0,
	   "user id longer than SECMSG_USER_ID_MAX -> -EIO, 64 fine");
	ok(session_with(SECMSG_A_POLICY, &u64, 3) == -EIO,
	   "garbage in a nest -> -EIO");
	ok(session_with(SECMSG_A_PAD, &u64, 8) == 0, "pad attribute skipped");

	msg = reply(SECMSG_CMD_SESSION_GET);
	nlmsg_hdr(msg)->nlmsg_len = NLMSG_HDRLEN + 2;
	ok(secmsg_parse_session(nlmsg_hdr(msg), &s, err, sizeof(err)) == -EIO,
	   "message shorter than the genl header -> -EIO");
	nlmsg_free(msg);
}

static void put_failure(struct nl_msg *msg, uint32_t why, uint64_t count)
{
	struct nlattr *n = nla_nest_start(msg, SECMSG_STATS_A_FAILURE |
					  NLA_F_NESTED);

	nla_put_u32(msg, SECMSG_FAILURE_A_REASON, why);
	put_u64_64(msg, SECMSG_FAILURE_A_COUNT, count, SECMSG_FAILURE_A_PAD);
	nla_nest_end(msg, n);
}

static void parse_others(void)
{
	struct secmsg_event_info ev;
	struct secmsg_stats st;
	struct secmsg_msg_result res;
	const uint8_t *nonce, *data;
	size_t nl_, dl;
	struct nl_msg *msg;
	struct nlattr *n;
	int r;

	msg = reply(SECMSG_CMD_SESSION_NTF);
	nla_put_u8(msg, SECMSG_A_EVENT, SECMSG_EVENT_DELETED);
	put_u64_64(msg, SECMSG_A_SESSION_ID, 77, SECMSG_A_PAD);
	nla_put_string(msg, SECMSG_A_USER_ID, "carol");
	nla_put_u32(msg, SECMSG_A_ALG, 2);
	nla_put_u32(msg, SECMSG_A_EPOCH, 4);
	nla_put_u8(msg, SECMSG_A_REASON, SECMSG_REASON_IDLE);
	r = secmsg_parse_event(nlmsg_hdr(msg), &ev, err, sizeof(err));
	ok(r == 0 && ev.event == SECMSG_EVENT_DELETED && ev.id == 77 &&
	   !strcmp(ev.user_id, "carol") && ev.alg == 2 && ev.epoch == 4 &&
	   ev.reason == SECMSG_REASON_IDLE, "event parsed");
	nlmsg_free(msg);

	msg = reply(SECMSG_CMD_STATS_GET);
	n = nla_nest_start(msg, SECMSG_A_STATS | NLA_F_NESTED);
	put_u64_64(msg, SECMSG_STATS_A_SESSIONS, 3, SECMSG_STATS_A_PAD);
	put_u64_64(msg, SECMSG_STATS_A_DELETED, 11, SECMSG_STATS_A_PAD);
	nla_nest_end(msg, n);
	r = secmsg_parse_stats(nlmsg_hdr(msg), &st, err, sizeof(err));
	ok(r == 0 && st.v[SECMSG_STATS_A_SESSIONS] == 3 &&
	   st.v[SECMSG_STATS_A_DELETED] == 11 &&
	   st.v[SECMSG_STATS_A_SEALED] == 0, "stats parsed");
	nlmsg_free(msg);

	/* failure counts by reason; a reason newer than us is skipped */
	msg = reply(SECMSG_CMD_STATS_GET);
	n = nla_nest_start(msg, SECMSG_A_STATS | NLA_F_NESTED);
	put_u64_64(msg, SECMSG_STATS_A_SESSIONS, 1, SECMSG_STATS_A_PAD);
	put_failure(msg, SECMSG_FAIL_AUTH_FAILED, 5);
	put_failure(msg, SECMSG_FAIL_REPLAYED, 6);
	put_failure(msg, SECMSG_FAIL_MAX + 1, 7);
	nla_nest_end(msg, n);
	r = secmsg_parse_stats(nlmsg_hdr(msg), &st, err, sizeof(err));
	ok(r == 0 && st.v[SECMSG_STATS_A_SESSIONS] == 1 &&
	   st.fail[SECMSG_FAIL_AUTH_FAILED] == 5 &&
	   st.fail[SECMSG_FAIL_REPLAYED] == 6 &&
	   st.fail[SECMSG_FAIL_NO_SESSION] == 0 &&
	   st.v[SECMSG_STATS_A_FAILURE] == 0, "stats: failures by reason");
	nlmsg_free(msg);
	ok(!strcmp(secmsg_fail_name(SECMSG_FAIL_AUTH_FAILED), "auth-failed") &&
	   !strcmp(secmsg_fail_name(SECMSG_FAIL_EPOCH_ROTATED_AWAY),
		   "epoch-rotated-away") &&
	   !secmsg_fail_name(0) && !secmsg_fail_name(SECMSG_FAIL_MAX + 1),
	   "reason names from the spec");

	msg = reply(SECMSG_CMD_MSG);
	nla_put(msg, SECMSG_A_DATA, 5, "hello");
	nla_put_u32(msg, SECMSG_A_EPOCH, 2);
	put_u64_64(msg, SECMSG_A_SEQ, 1ULL << 40, SECMSG_A_PAD);
	r = secmsg_parse_msg(nlmsg_hdr(msg), &res, false, err, sizeof(err));
	ok(r == 0 && res.len == 5 && !memcmp(res.data, "hello", 5) &&
	   res.epoch == 2 && res.seq == 1ULL << 40, "msg reply parsed");
	secmsg_msg_result_free(&res);
	ok(!res.data && !res.len, "result freed");
	r = secmsg_parse_msg(nlmsg_hdr(msg), &res, true, err, sizeof(err));
	ok(r == 0 && res.len == 5 && res.data > (uint8_t *)nlmsg_hdr(msg) &&
	   res.data + 5 <= (uint8_t *)nlmsg_hdr(msg) + nlmsg_hdr(msg)->nlmsg_len &&
	   !memcmp(res.data, "hello", 5) && res.epoch == 2,
	   "msg reply as a view: data points into the reply");
	nlmsg_free(msg);

	msg = reply(SECMSG_CMD_MSG);
	nla_put(msg, SECMSG_A_DATA, 0, NULL);
	nla_put_u32(msg, SECMSG_A_EPOCH, 0);
	put_u64_64(msg, SECMSG_A_SEQ, 0, SECMSG_A_PAD);
	r = secmsg_parse_msg(nlmsg_hdr(msg), &res, false, err, sizeof(err));
	ok(r == 0 && res.len == 0 && res.data, "empty data is fine");
	secmsg_msg_result_free(&res);
	nlmsg_free(msg);

	msg = reply(SECMSG_CMD_CRYPT);
	nla_put(msg, SECMSG_A_NONCE, 12, "abcdefghijkl");
	nla_put(msg, SECMSG_A_DATA, 3, "xyz");
	r = secmsg_parse_crypt(nlmsg_hdr(msg), &nonce, &nl_, &data, &dl, err,
			       sizeof(err));
	ok(r == 0 && nl_ == 12 && dl == 3 && !memcmp(data, "xyz", 3),
	   "crypt reply parsed");
	nlmsg_free(msg);
	msg = reply(SECMSG_CMD_CRYPT);
	nla_put(msg, SECMSG_A_NONCE, 17, "abcdefghijklmnopq");
	nla_put(msg, SECMSG_A_DATA, 3, "xyz");
	ok(secmsg_parse_crypt(nlmsg_hdr(msg), &nonce, &nl_, &data, &dl, err,
			      sizeof(err)) == -EIO, "17-byte nonce -> -EIO");
	nlmsg_free(msg);
}

static void put_result(struct nl_msg *msg, uint64_t cookie, uint32_t status,
		       size_t len)
{
	struct nlattr *n = nla_nest_start(msg, SECMSG_A_RESULT | NLA_F_NESTED);
	static uint8_t data[70000];

	put_u64_64(msg, SECMSG_RESULT_A_COOKIE, cookie, SECMSG_RESULT_A_PAD);
	nla_put_u32(msg, SECMSG_RESULT_A_STATUS, status);
	if (status)
		nla_put_u32(msg, SECMSG_RESULT_A_REASON, SECMSG_FAIL_AUTH_FAILED);
	if (!status) {
		memset(data, (int)cookie, len);
		nla_put(msg, SECMSG_RESULT_A_DATA, (int)len, data);
		nla_put_u32(msg, SECMSG_RESULT_A_EPOCH, 1);
		put_u64_64(msg, SECMSG_RESULT_A_SEQ, cookie, SECMSG_RESULT_A_PAD);
	}
	nla_nest_end(msg, n);
}

/*
 * One destination's result of a RESEAL to several sessions: a result of
 * its own, with the op's cookie and the destination's session id.
 */
static void put_dest(struct nl_msg *msg, uint64_t cookie, uint64_t id,
		     uint32_t status, size_t len)
{
	struct nlattr *n = nla_nest_start(msg, SECMSG_A_RESULT | NLA_F_NESTED);
	static uint8_t data[70000];

	put_u64_64(msg, SECMSG_RESULT_A_COOKIE, cookie, SECMSG_RESULT_A_PAD);
	put_u64_64(msg, SECMSG_RESULT_A_SESSION_ID, id, SECMSG_RESULT_A_PAD);
	nla_put_u32(msg, SECMSG_RESULT_A_STATUS, status);
	if (status) {
		nla_put_u32(msg, SECMSG_RESULT_A_REASON, SECMSG_FAIL_NO_SESSION);
	} else {
		memset(data, (int)id, len);
		memcpy(data, "xyz", 3);
		nla_put(msg, SECMSG_RESULT_A_DATA, (int)len, data);
		nla_put_u32(msg, SECMSG_RESULT_A_EPOCH, 2);
		put_u64_64(msg, SECMSG_RESULT_A_SEQ, id, SECMSG_RESULT_A_PAD);
	}
	nla_nest_end(msg, n);
}

/*
 * The results of a RESEAL to the sessions ids[n], each len bytes; bad:
 * one id wrong.
 */
static void put_fanout(struct nl_msg *msg, uint64_t cookie,
		       const uint64_t *ids, size_t n, int bad, size_t len)
{
	size_t j;

	for (j = 0; j < n; j++)
		put_dest(msg, cookie, ids[j] + ((int)j == bad),
			 ids[j] == 9 ? ENOENT : 0, len);
}

static void parse_batch(void)
{
	static const uint64_t ids[4] = { 7, 9, 11, 13 };
	struct secmsg_batch_op ops[4] = { { 0 } };
	struct secmsg_msg_result res[6];
	struct nl_msg *msg;
	int r, i, bad = 0;

	msg = reply(SECMSG_CMD_MSG_BATCH);
	put_result(msg, 1, 0, 60000);
	put_result(msg, 2, EBADMSG, 0);
	put_result(msg, 3, 0, 60000);
	r = secmsg_parse_batch(nlmsg_hdr(msg), ops, 3, res, false, err, sizeof(err));
	for (i = 0; i < 3 && !r; i++)
		if (res[i].cookie != (uint64_t)i + 1)
			bad++;
	ok(r == 0 && !bad && res[0].status == 0 && res[0].len == 60000 &&
	   res[0].data[59999] == 1 && res[1].status == EBADMSG &&
	   res[1].reason == SECMSG_FAIL_AUTH_FAILED && res[0].reason == 0 &&
	   !res[1].data && res[2].seq == 3 && res[2].len == 60000,
	   "batch of 3 results (%u bytes), one failed", nlmsg_hdr(msg)->nlmsg_len);
	for (i = 0; i < 3; i++)
		secmsg_msg_result_free(&res[i]);
	ok(secmsg_parse_batch(nlmsg_hdr(msg), ops, 2, res, false, err, sizeof(err)) ==
	   -EIO, "more results than ops -> -EIO (no leak)");
	{
		const uint8_t *lo = (const uint8_t *)nlmsg_hdr(msg);
		const uint8_t *hi = lo + nlmsg_hdr(msg)->nlmsg_len;

		r = secmsg_parse_batch(nlmsg_hdr(msg), ops, 3, res, true, err,
				       sizeof(err));
		ok(r == 0 && res[0].data > lo && res[0].data + 60000 <= hi &&
		   res[0].data[59999] == 1 && !res[1].data &&
		   res[1].status == EBADMSG && res[2].data > res[0].data &&
		   res[2].data + 60000 <= hi && res[2].data[0] == 3,
		   "batch as views: data points into the reply");
		memset(res, 0x5a, sizeof(res));
		r = secmsg_parse_batch(nlmsg_hdr(msg), ops, 2, res, true, err,
				       sizeof(err));
		ok(r == -EIO && !res[0].data && !res[1].data && !res[0].len,
		   "views: malformed -> -EIO, results cleared");
	}
	ok(secmsg_parse_batch(nlmsg_hdr(msg), ops, 4, res, false, err, sizeof(err)) ==
	   -EIO, "fewer results than ops -> -EIO (no leak)");
	nlmsg_free(msg);

	msg = reply(SECMSG_CMD_MSG_BATCH);
	put_result(msg, 1, 0, 10);
	put_result(msg, 2, 0, 0);
	nla_nest_end(msg, nla_nest_start(msg, SECMSG_A_RESULT));
	ok(secmsg_parse_batch(nlmsg_hdr(msg), ops, 3, res, false, err, sizeof(err)) ==
	   -EIO, "result without status -> -EIO (no leak)");
	nlmsg_free(msg);

	/* a RESEAL to three sessions between two ops: five results */
	ops[1].op = SECMSG_MSG_RESEAL;
	ops[1].dests = ids;
	ops[1].ndests = 3;
	ok(secmsg_msg_batch_results(ops, 3) == 5, "5 results for 3 ops");
	msg = reply(SECMSG_CMD_MSG_BATCH);
	put_result(msg, 1, 0, 10);
	put_fanout(msg, 2, ids, 3, -1, 3);
	put_result(msg, 3, EBADMSG, 0);
	r = secmsg_parse_batch(nlmsg_hdr(msg), ops, 3, res, false, err, sizeof(err));
	ok(r == 0 && res[0].cookie == 1 && res[0].len == 10 &&
	   res[1].cookie == 2 && res[1].status == 0 && res[1].len == 3 &&
	   !memcmp(res[1].data, "xyz", 3) && res[1].seq == 7 &&
	   res[2].cookie == 2 && res[2].status == ENOENT &&
	   res[2].reason == SECMSG_FAIL_NO_SESSION && !res[2].data &&
	   res[3].cookie == 2 && res[3].seq == 11 && res[3].epoch == 2 &&
	   res[4].cookie == 3 && res[4].status == EBADMSG,
	   "a RESEAL to 3 sessions: a result per destination, in order");
	for (i = 0; i < 5; i++)
		secmsg_msg_result_free(&res[i]);
	ops[1].ndests = 2;
	ok(secmsg_parse_batch(nlmsg_hdr(msg), ops, 3, res, false, err, sizeof(err)) ==
	   -EIO, "more destinations than sent -> -EIO (no leak)");
	ops[1].ndests = 4;
	ok(secmsg_parse_batch(nlmsg_hdr(msg), ops, 3, res, false, err, sizeof(err)) ==
	   -EIO, "fewer destinations than sent -> -EIO (no leak)");
	nlmsg_free(msg);
	ops[1].ndests = 3;
	msg = reply(SECMSG_CMD_MSG_BATCH);
	put_result(msg, 1, 0, 10);
	put_fanout(msg, 2, ids, 3, 2, 3);
	put_result(msg, 3, EBADMSG, 0);
	ok(secmsg_parse_batch(nlmsg_hdr(msg), ops, 3, res, false, err, sizeof(err)) ==
	   -EIO && strstr(err, "another destination"),
	   "a destination's result for another session -> -EIO (no leak)");
	nlmsg_free(msg);

	/*
	 * Four copies of a large message: more than a nest could hold
	 * (nla_len is 16 bits), each in a result of its own.
	 */
	ops[1].ndests = 4;
	msg = reply(SECMSG_CMD_MSG_BATCH);
	put_result(msg, 1, 0, 10);
	put_fanout(msg, 2, ids, 4, -1, 60000);
	put_result(msg, 3, EBADMSG, 0);
	r = secmsg_parse_batch(nlmsg_hdr(msg), ops, 3, res, false, err, sizeof(err));
	ok(r == 0 && res[1].len == 60000 && res[1].data[59999] == 7 &&
	   res[2].status == ENOENT && res[3].len == 60000 &&
	   res[3].data[59999] == 11 && res[4].len == 60000 &&
	   res[4].data[59999] == 13 && res[4].cookie == 2 &&
	   res[5].cookie == 3 && res[5].status == EBADMSG,
	   "a RESEAL of 60000 bytes to 4 sessions (%u bytes of reply)",
	   nlmsg_hdr(msg)->nlmsg_len);
	for (i = 0; i < 6; i++)
		secmsg_msg_result_free(&res[i]);
	nlmsg_free(msg);
}

/* ---- error messages ---- */

static struct nlmsghdr *errmsg_build(uint8_t *buf, int error, bool capped,
				     size_t echo, const char *text,
				     int miss_type)
{
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct nlmsgerr *e = NLMSG_DATA(h);
	size_t off = NLMSG_HDRLEN + sizeof(*e);
	struct nlattr *a;

	memset(buf, 0, 1024);
	h->nlmsg_type = NLMSG_ERROR;
	e->error = error;
	e->msg.nlmsg_len = NLMSG_HDRLEN + (uint32_t)echo;
	if (capped)
		h->nlmsg_flags |= NLM_F_CAPPED;
	else
		off += NLMSG_ALIGN(echo);
	if (text || miss_type)
		h->nlmsg_flags |= NLM_F_ACK_TLVS;
	if (text) {
		a = (struct nlattr *)(buf + off);
		a->nla_type = NLMSGERR_ATTR_MSG;
		a->nla_len = (uint16_t)(NLA_HDRLEN + strlen(text) + 1);
		strcpy((char *)a + NLA_HDRLEN, text);
		off += NLA_ALIGN(a->nla_len);
	}
	if (miss_type) {
		a = (struct nlattr *)(buf + off);
		a->nla_type = NLMSGERR_ATTR_MISS_TYPE;
		a->nla_len = NLA_HDRLEN + 4;
		memcpy((char *)a + NLA_HDRLEN, &miss_type, 4);
		off += 8;
	}
	h->nlmsg_len = (uint32_t)off;
	return h;
}

static void error_messages(void)
{
	uint8_t buf[1024];
	struct nlmsghdr *h;
	char m[64];
	int r;

	h = errmsg_build(buf, -EINVAL, true, 0, "bad alg", 0);
	r = secmsg_nl_msg_error(h, m, sizeof(m));
	ok(r == -EINVAL && !strcmp(m, "bad alg"), "capped error with extack");
	h = errmsg_build(buf, -ERANGE, false, 21, "too big", 0);
	r = secmsg_nl_msg_error(h, m, sizeof(m));
	ok(r == -ERANGE && !strcmp(m, "too big"),
	   "uncapped error (echoed request) with extack");
	h = errmsg_build(buf, -EINVAL, true, 0, NULL, SECMSG_A_KEY);
	r = secmsg_nl_msg_error(h, m, sizeof(m));
	ok(r == -EINVAL && !strcmp(m, "missing attribute 5"),
	   "missing-attribute extack: \"%s\"", m);
	{
		/* the reason of a failed SECMSG_CMD_MSG, as the cookie */
		uint32_t why = SECMSG_FAIL_REPLAYED, got = 0;
		struct nlattr *c;

		h = errmsg_build(buf, -EALREADY, true, 0, "replayed message",
				 0);
		c = (struct nlattr *)(buf + NLMSG_ALIGN(h->nlmsg_len));
		c->nla_type = NLMSGERR_ATTR_COOKIE;
		c->nla_len = NLA_HDRLEN + sizeof(why);
		memcpy((char *)c + NLA_HDRLEN, &why, sizeof(why));
		h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + 8;
		ok(secmsg_nl_msg_cookie(h, (uint8_t *)&got, sizeof(got)) == 4 &&
		   got == why && secmsg_nl_msg_error(h, m, sizeof(m)) ==
		   -EALREADY && !strcmp(m, "replayed message"),
		   "error with a reason cookie");
		ok(secmsg_nl_msg_cookie(h, (uint8_t *)&got, 2) == 0,
		   "cookie longer than the room: none");
	}
	h = errmsg_build(buf, 0, true, 0, NULL, 0);
	ok(secmsg_nl_msg_error(h, m, sizeof(m)) == 0 && !m[0], "ACK -> 0");
	h = errmsg_build(buf, -EPERM, true, 0, NULL, 0);
	h->nlmsg_len = NLMSG_HDRLEN + 4;
	ok(secmsg_nl_msg_error(h, m, sizeof(m)) == -EIO,
	   "truncated error -> -EIO");
	h = errmsg_build(buf, -EPERM, true, 0,
			 "a very long message that does not fit in the "
			 "buffer we give", 0);
	ok(secmsg_nl_msg_error(h, m, 16) == -EPERM && strlen(m) == 15,
	   "long extack text truncated safely");

	memset(buf, 0, sizeof(buf));
	h = (struct nlmsghdr *)buf;
	h->nlmsg_type = NLMSG_DONE;
	h->nlmsg_len = NLMSG_HDRLEN;
	ok(secmsg_nl_msg_error(h, m, sizeof(m)) == 0, "bare NLMSG_DONE -> 0");
	r = -EMSGSIZE;
	memcpy(NLMSG_DATA(h), &r, 4);
	h->nlmsg_len = NLMSG_HDRLEN + 4;
	ok(secmsg_nl_msg_error(h, m, sizeof(m)) == -EMSGSIZE,
	   "NLMSG_DONE carrying the dump's error");
}

int main(void)
{
	alg_names();
	open_secmsg();
	transport();
	parse_session();
	parse_strict();
	parse_others();
	parse_batch();
	error_messages();
	return done();
}
