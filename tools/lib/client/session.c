// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libsecmsg client: the session's crypto (docs/protocol.md section 2).
 * The client seals with its c2s keys and opens with its s2c keys; both
 * directions ratchet together, on an epoch frame or on a received header
 * of a newer epoch (opened with ratcheted copies first, so that a forged
 * or damaged header cannot move the session).  The previous epoch's
 * inbound key stays for CLIENT_PREV_GRACE_SEC, for messages the server
 * sealed before it rotated.  Each inbound epoch has its replay window.
 * Each direction's cipher is keyed once per epoch (secmsg_msg_ctx), when
 * first used; the contexts go with the session (client_session_wipe).
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

static void ts_after(struct timespec *t, int sec)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += sec;
}

static bool ts_passed(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > t->tv_sec ||
	       (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

static bool alg_ok(int alg)
{
	return alg >= SECMSG_ALG_AES_256_GCM && alg <= SECMSG_ALG_MAX;
}

int client_session_init(struct client_session *s, uint64_t id, int alg,
			const uint8_t c2s[SECMSG_KEY_LEN],
			const uint8_t s2c[SECMSG_KEY_LEN])
{
	if (!s || !id || !alg_ok(alg) || !c2s || !s2c)
		return SECMSG_CLIENT_E_INVAL;
	client_session_wipe(s);
	s->id = id;
	s->alg = alg;
	s->epoch = 0;
	secmsg_dir_init(&s->tx, SECMSG_DIR_C2S, c2s);
	secmsg_dir_init(&s->rx, SECMSG_DIR_S2C, s2c);
	secmsg_replay_init(&s->rx_replay);
	s->active = true;
	return 0;
}

static void drop_prev(struct client_session *s)
{
	if (s->has_prev)
		secmsg_dir_wipe(&s->rx_prev);
	explicit_bzero(&s->rx_prev, sizeof(s->rx_prev));
	s->has_prev = false;
}

void client_session_wipe(struct client_session *s)
{
	if (!s)
		return;
	secmsg_dir_wipe(&s->tx);
	secmsg_dir_wipe(&s->rx);
	drop_prev(s);
	secmsg_msg_ctx_free(s->txc);
	secmsg_msg_ctx_free(s->rxc);
	secmsg_msg_ctx_free(s->prevc);
	explicit_bzero(s, sizeof(*s));
}

/* Keep rx (epoch e) as the previous epoch's key, without its secret. */
static void keep_prev(struct client_session *s, int alg)
{
	struct secmsg_msg_ctx *c = s->prevc;

	drop_prev(s);
	/* rx's context (if keyed for e) serves the previous epoch now */
	s->prevc = s->rxc;
	s->rxc = c;
	s->rx_prev = s->rx;
	explicit_bzero(s->rx_prev.secret, sizeof(s->rx_prev.secret));
	s->rx_prev_replay = s->rx_replay;
	s->prev_alg = alg;
	s->has_prev = true;
	ts_after(&s->prev_until, CLIENT_PREV_GRACE_SEC);
}

int client_session_advance(struct client_session *s, uint32_t epoch,
			   int alg)
{
	uint32_t n;

	if (!s || !s->active || !alg_ok(alg))
		return SECMSG_CLIENT_E_INVAL;
	if (epoch == s->epoch)
		return alg == s->alg ? 0 : SECMSG_CLIENT_E_PROTOCOL;
	if (epoch < s->epoch ||
	    epoch - s->epoch > SECMSG_CLIENT_MAX_EPOCH_JUMP)
		return SECMSG_CLIENT_E_EPOCH;
	for (n = epoch - s->epoch; n; n--) {
		if (n == 1)
			keep_prev(s, s->alg);
		secmsg_dir_ratchet(&s->tx);
		secmsg_dir_ratchet(&s->rx);
	}
	s->epoch = epoch;
	s->alg = alg;
	s->tx_seq = 0;
	secmsg_replay_init(&s->rx_replay);
	return 0;
}

size_t client_session_sealed_max(size_t n)
{
	return n + SECMSG_MAX_OVERHEAD;
}

long client_session_seal(struct client_session *s, const uint8_t *pt,
			 size_t len, uint8_t *out)
{
	long n;

	if (!s || !s->active || (!pt && len) || !out)
		return SECMSG_CLIENT_E_INVAL;
	if (len > SECMSG_MAX_PLAINTEXT)
		return SECMSG_CLIENT_E_TOO_LARGE;
	if (s->tx_seq >= SECMSG_MAX_MESSAGES_LIMIT)
		return SECMSG_CLIENT_E_EXHAUSTED;
	n = secmsg_msg_ctx_seal(secmsg_msg_ctx_for(&s->txc, &s->tx, s->alg),
				s->id, s->tx_seq, pt ? pt : out, len, out);
	if (n < 0)
		return SECMSG_CLIENT_E_CRYPTO;
	s->tx_seq++;
	return n;
}

static int map_open_err(long err)
{
	switch (err) {
	case -EBADMSG:
		return SECMSG_CLIENT_E_DECRYPT;
	case -EKEYEXPIRED:
	case -EKEYREJECTED:
		return SECMSG_CLIENT_E_EPOCH;
	case -EALREADY:
	case -ESTALE:
	case -ERANGE:
		return SECMSG_CLIENT_E_REPLAY;
	case -EMSGSIZE:
		return SECMSG_CLIENT_E_TOO_LARGE;
	default:			/* -EPROTO, -EINVAL: bad header/body */
		return SECMSG_CLIENT_E_DECRYPT;
	}
}

/*
 * Replay peek, open, replay record: under one epoch's key and window; c
 * its context (NULL: keyed for this message alone).
 */
static long open_with(const struct secmsg_dir_keys *k, int alg,
		      struct secmsg_msg_ctx **c, struct secmsg_replay *r,
		      uint64_t sid, const struct secmsg_hdr *h,
		      const uint8_t *msg, size_t len, uint8_t *out)
{
	long n;
	int err;

	err = secmsg_replay_peek(r, h->seq);
	if (err)
		return map_open_err(err);
	n = c ? secmsg_msg_ctx_open(secmsg_msg_ctx_for(c, k, alg), sid, msg,
				    len, NULL, out) :
		secmsg_msg_open_alg(k, alg, sid, msg, len, NULL, out);
	if (n < 0)
		return map_open_err(n);
	err = secmsg_replay_check(r, h->seq);
	if (err) {
		explicit_bzero(out, (size_t)n);
		return map_open_err(err);
	}
	return n;
}

/* A header of a newer epoch: open with ratcheted copies, then follow. */
static long open_ahead(struct client_session *s, const struct secmsg_hdr *h,
		       const uint8_t *msg, size_t len, uint8_t *out,
		       struct client_open_info *info)
{
	struct secmsg_dir_keys k = s->rx;
	struct secmsg_replay r;
	uint32_t n;
	long ret;
	int err;

	if (h->epoch - s->epoch > SECMSG_CLIENT_MAX_EPOCH_JUMP ||
	    !alg_ok(h->alg)) {
		secmsg_dir_wipe(&k);
		return SECMSG_CLIENT_E_EPOCH;
	}
	for (n = h->epoch - s->epoch; n; n--)
		secmsg_dir_ratchet(&k);
	secmsg_replay_init(&r);
	ret = open_with(&k, h->alg, NULL, &r, s->id, h, msg, len, out);
	secmsg_dir_wipe(&k);
	if (ret < 0)
		return ret;
	err = client_session_advance(s, h->epoch, h->alg);
	if (err) {
		explicit_bzero(out, (size_t)ret);
		return err;
	}
	s->rx_replay = r;
	info->advanced = true;
	return ret;
}

long client_session_open(struct client_session *s, const uint8_t *msg,
			 size_t len, uint8_t *out,
			 struct client_open_info *info)
{
	struct client_open_info dummy;
	struct secmsg_hdr h;

	if (!info)
		info = &dummy;
	memset(info, 0, sizeof(*info));
	if (!s || !s->active || !msg || !out)
		return SECMSG_CLIENT_E_INVAL;
	if (secmsg_hdr_get(msg, len, &h))
		return SECMSG_CLIENT_E_DECRYPT;
	info->epoch = h.epoch;
	info->alg = h.alg;
	info->seq = h.seq;
	if (h.session_id != s->id)
		return SECMSG_CLIENT_E_DECRYPT;
	if (s->has_prev && ts_passed(&s->prev_until))
		drop_prev(s);
	if (h.epoch == s->epoch)
		return open_with(&s->rx, s->alg, &s->rxc, &s->rx_replay, s->id,
				 &h, msg, len, out);
	if (h.epoch > s->epoch)
		return open_ahead(s, &h, msg, len, out, info);
	if (s->has_prev && h.epoch == s->rx_prev.epoch)
		return open_with(&s->rx_prev, s->prev_alg, &s->prevc,
				 &s->rx_prev_replay, s->id, &h, msg, len, out);
	return SECMSG_CLIENT_E_EPOCH;
}
