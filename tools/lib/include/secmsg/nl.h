/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * libsecmsg netlink client: the one place userspace talks to secmsg.ko
 * (secmsgctl, secmsgd, selftests, bench).  Built on libnl-genl-3.
 *
 * Every function returns 0 or a negative errno.  When the kernel sent an
 * extack message with its error, secmsg_nl_errmsg() returns it until the
 * next call on the same handle; otherwise it returns NULL.  A reply the
 * library cannot parse is -EIO with a "libsecmsg: ..." errmsg.
 *
 * Requests are passed through as given (the kernel checks them); only
 * what cannot be encoded (an attribute over 64 KiB) is refused here,
 * -EMSGSIZE.  A handle is one netlink socket and not thread-safe.  Events
 * that reach a handle while it waits for a command's answer are dropped:
 * subscribe on a handle of its own and run commands on another.
 */
#ifndef SECMSG_NL_H
#define SECMSG_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/secmsg.h>

struct secmsg_nl;

/* Open a socket and resolve the family.  -ENOENT: module not loaded. */
int secmsg_nl_open(struct secmsg_nl **out);
void secmsg_nl_close(struct secmsg_nl *nl);
const char *secmsg_nl_errmsg(const struct secmsg_nl *nl);
/* The underlying socket's fd (for poll), and its netlink port id. */
int secmsg_nl_fd(const struct secmsg_nl *nl);
uint32_t secmsg_nl_portid(const struct secmsg_nl *nl);

/* "aes_256_gcm" <-> SECMSG_ALG_AES_256_GCM; 0 / NULL when unknown. */
int secmsg_alg_from_name(const char *name);
const char *secmsg_alg_name(int alg);
/* enum secmsg_fail -> its name in the spec ("auth-failed"); NULL when
 * unknown. */
const char *secmsg_fail_name(int reason);

struct secmsg_policy {
	/* has_* say which fields are set (in requests) or present (replies) */
	bool has_rotate_interval, has_max_messages, has_timeout,
	     has_idle_timeout, has_rekey_grace;
	uint32_t rotate_interval;	/* seconds */
	uint64_t max_messages;
	uint32_t timeout;		/* seconds */
	uint32_t idle_timeout;		/* seconds */
	uint32_t rekey_grace;		/* seconds */
};

struct secmsg_counters {
	uint64_t tx_messages, tx_bytes, rx_messages, rx_bytes;
	uint64_t auth_failures, replays, rotations, stale_epoch;
};

struct secmsg_session_info {
	uint64_t id;
	char user_id[SECMSG_USER_ID_MAX + 1];
	int alg;
	int state;		/* enum secmsg_state */
	uint32_t epoch;
	uint32_t flags;
	struct secmsg_policy policy;
	struct secmsg_counters counters;
	uint64_t created, last_used;	/* Unix seconds */
	uint64_t expires, rekey_at;	/* Unix seconds, 0 when absent */
};

struct secmsg_session_params {
	const char *user_id;
	int alg;
	const uint8_t *secret_c2s;	/* SECMSG_KEY_LEN bytes */
	const uint8_t *secret_s2c;	/* SECMSG_KEY_LEN bytes */
	struct secmsg_policy policy;
	uint32_t flags;
	/* the session's id, for known-answer tests; 0: a random one */
	uint64_t session_id;
};

int secmsg_session_new(struct secmsg_nl *nl,
		       const struct secmsg_session_params *p,
		       struct secmsg_session_info *out);
int secmsg_session_get(struct secmsg_nl *nl, uint64_t id,
		       struct secmsg_session_info *out);
/*
 * Stream every session to cb (one at a time, nothing accumulated).  A
 * nonzero return from cb stops the dump and is returned.
 */
typedef int (*secmsg_session_cb)(const struct secmsg_session_info *s,
				 void *arg);
int secmsg_session_dump(struct secmsg_nl *nl, secmsg_session_cb cb,
			void *arg);
int secmsg_session_del(struct secmsg_nl *nl, uint64_t id);
/* alg 0 keeps the algorithm; out may be NULL */
int secmsg_session_set(struct secmsg_nl *nl, uint64_t id, int alg,
		       const struct secmsg_policy *pol,
		       struct secmsg_session_info *out);
int secmsg_session_rotate(struct secmsg_nl *nl, uint64_t id,
			  struct secmsg_session_info *out);

/* SECMSG_CMD_CRYPT.  nonce may be NULL (kernel picks); nonce_out gets the
 * one used (16 bytes room), *nonce_out_len its length (either may be
 * NULL).  *out_len is the room in out on entry and the length written on
 * return; -ENOSPC (nothing written) when the reply does not fit. */
struct secmsg_crypt_req {
	int op;				/* enum secmsg_crypt_op */
	int alg;
	const uint8_t *key;		/* SECMSG_KEY_LEN */
	const uint8_t *nonce;
	size_t nonce_len;
	const uint8_t *aad;
	size_t aad_len;
	const uint8_t *data;
	size_t data_len;
};
int secmsg_crypt(struct secmsg_nl *nl, const struct secmsg_crypt_req *r,
		 uint8_t *nonce_out, size_t *nonce_out_len,
		 uint8_t *out, size_t *out_len);

/* One message op (SECMSG_CMD_MSG).  peer_id only for RESEAL (sent when
 * nonzero).  On failure res has no data, res->status = -return and
 * res->reason says why (0 when the kernel did not say). */
struct secmsg_msg_result {
	int status;		/* 0 or positive errno (batch results) */
	int reason;		/* enum secmsg_fail when status != 0 */
	uint64_t cookie;
	uint32_t epoch;
	uint64_t seq;
	uint8_t *data;		/* malloc'ed, caller frees (and wipes);
				 * _view calls: in the handle's buffer */
	size_t len;
};
int secmsg_msg(struct secmsg_nl *nl, int op, uint64_t id, uint64_t peer_id,
	       const uint8_t *data, size_t len, struct secmsg_msg_result *res);

/*
 * Batch (SECMSG_CMD_MSG_BATCH): n ops, and in res one result per op in
 * order, except that a RESEAL to several sessions has one per destination
 * (secmsg_msg_batch_results() counts them).  (Named secmsg_batch_op:
 * struct secmsg_msg_op would clash with the uapi's enum secmsg_msg_op,
 * tags share one namespace in C.)  A RESEAL goes to peer_id or, with
 * ndests (1 to SECMSG_RESEAL_MAX_DESTS), to each of dests: the message is
 * opened once and sealed to each (the results' cookie is the op's; when
 * the message did not open, each says why).
 */
struct secmsg_batch_op {
	int op;
	uint64_t id, peer_id, cookie;
	const uint8_t *data;
	size_t len;
	const uint64_t *dests;
	size_t ndests;
};
int secmsg_msg_batch(struct secmsg_nl *nl, const struct secmsg_batch_op *ops,
		     size_t n, struct secmsg_msg_result *res);
size_t secmsg_msg_batch_results(const struct secmsg_batch_op *ops, size_t n);
/* Wipe and free a result's data (not for the results of the _view calls). */
void secmsg_msg_result_free(struct secmsg_msg_result *res);

/*
 * secmsg_msg and secmsg_msg_batch without a malloc and a copy per result:
 * each result's data points into the handle's receive buffer, valid
 * until the next call on nl or secmsg_nl_close(), and is not freed by
 * the caller (never pass it to secmsg_msg_result_free).  The library
 * wipes that buffer (its length) at that point when it held plaintext
 * (an OPEN's result); a caller that copies plaintext out wipes its copy.
 *
 * Only the buffers that held plaintext or keys are wiped, by every call
 * here: a SEAL's request, an OPEN's reply, neither for RESEAL.
 */
int secmsg_msg_view(struct secmsg_nl *nl, int op, uint64_t id,
		    uint64_t peer_id, const uint8_t *data, size_t len,
		    struct secmsg_msg_result *res);
int secmsg_msg_batch_view(struct secmsg_nl *nl,
			  const struct secmsg_batch_op *ops, size_t n,
			  struct secmsg_msg_result *res);

struct secmsg_stats {
	uint64_t v[SECMSG_STATS_A_MAX + 1];	/* indexed by SECMSG_STATS_A_* */
	uint64_t fail[SECMSG_FAIL_MAX + 1];	/* by enum secmsg_fail */
};
int secmsg_stats_get(struct secmsg_nl *nl, struct secmsg_stats *out);

/* Events: join the multicast group, then secmsg_event_recv() blocks for
 * the next event (or returns -EAGAIN on a non-blocking socket; -ENOBUFS
 * when the socket overran and events were lost: resync with a dump;
 * -EINVAL before subscribing).  (Named secmsg_event_info: the uapi has
 * enum secmsg_event.) */
struct secmsg_event_info {
	int event;		/* enum secmsg_event */
	int reason;		/* enum secmsg_del_reason, 0 when absent */
	uint64_t id;
	char user_id[SECMSG_USER_ID_MAX + 1];
	int alg;
	uint32_t epoch;
	uint32_t flags;		/* SECMSG_SESSION_F_*, 0 when absent */
};
int secmsg_events_subscribe(struct secmsg_nl *nl);
int secmsg_event_recv(struct secmsg_nl *nl, struct secmsg_event_info *ev);

#endif
