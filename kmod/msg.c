// SPDX-License-Identifier: GPL-2.0
/* SEAL, OPEN and RESEAL of sealed messages (format: uapi/linux/secmsg.h). */
#include <linux/random.h>
#include <net/netlink.h>

#include "msg.h"
#include "session.h"

struct secmsg_hdr {
	u8 version;
	u8 alg;
	__be16 reserved;
	__be32 epoch;
	__be64 session_id;
	__be64 seq;
} __packed;

static_assert(sizeof(struct secmsg_hdr) == SECMSG_HDR_LEN);
/* header, IV, a full pad block and the HMAC tag */
static_assert(SECMSG_MAX_OVERHEAD == SECMSG_HDR_LEN + SECMSG_CBC_IV_LEN +
	      SECMSG_CBC_BLOCK_LEN + SECMSG_HMAC_TAG_LEN);
static_assert(SECMSG_MAX_MESSAGES_LIMIT == 1ULL << 48);

/* Where the text of a message starts: after the header and any IV. */
static unsigned int text_off(const struct secmsg_alg_desc *a)
{
	return SECMSG_HDR_LEN + (a->cbc ? a->iv_len : 0);
}

/*
 * Shrink the skb's last attribute to len.  Of what it drops only the
 * bytes up to written were ever written (plaintext padding): those are
 * erased; the rest of the room was never touched.
 */
static void nla_shrink(struct sk_buff *skb, struct nlattr *nla,
		       unsigned int len, unsigned int written)
{
	unsigned int old_total = nla_total_size(nla_len(nla));
	unsigned int new_total = nla_total_size(len);

	if (written > len)
		memzero_explicit((u8 *)nla_data(nla) + len, written - len);
	nla->nla_len = nla_attr_size(len);
	skb_trim(skb, skb->len - (old_total - new_total));
	/* nla_total_size(len) may count pad bytes never written */
	memset((u8 *)nla_data(nla) + len, 0, nla_padlen(len));
}

/* Erase and remove everything after mark. */
static void skb_wipe_to(struct sk_buff *skb, unsigned char *mark)
{
	memzero_explicit(mark, skb_tail_pointer(skb) - mark);
	nlmsg_trim(skb, mark);
}

static void session_used(struct secmsg_session *s)
{
	u64 now = secmsg_now();

	if (READ_ONCE(s->last_used_ns) != now)
		WRITE_ONCE(s->last_used_ns, now);
}

/*
 * Why an operation fails (enum secmsg_fail): the errno that goes with the
 * reason, the extack's words, and the per-session counter and namespace
 * total (besides the count by reason) it adds to.  The one place that
 * maps reasons to errnos.
 */
static const struct {
	int err;		/* 0: the caller's */
	u8 cnt;			/* SECMSG_CNT_A_*, or 0 */
	u8 stat;		/* SECMSG_STATS_A_*, or 0 */
	const char *msg;
} fails[SECMSG_FAIL_MAX + 1] = {
	[SECMSG_FAIL_NO_SESSION] = {
		-ENOENT, 0, SECMSG_STATS_A_NO_SESSION, "no such session" },
	[SECMSG_FAIL_NOT_ACTIVE] = {
		-ENOTCONN, 0, 0, "session is not active" },
	[SECMSG_FAIL_AUTH_FAILED] = {
		-EBADMSG, SECMSG_CNT_A_AUTH_FAILURES,
		SECMSG_STATS_A_AUTH_FAILURES, "message authentication failed" },
	[SECMSG_FAIL_REPLAYED] = {
		-EALREADY, SECMSG_CNT_A_REPLAYS, SECMSG_STATS_A_REPLAYS,
		"replayed message" },
	[SECMSG_FAIL_BEHIND_WINDOW] = {
		-ESTALE, SECMSG_CNT_A_REPLAYS, SECMSG_STATS_A_REPLAYS,
		"message behind the replay window" },
	[SECMSG_FAIL_EPOCH_EXPIRED] = {
		-EKEYEXPIRED, SECMSG_CNT_A_STALE_EPOCH, SECMSG_STATS_A_STALE_EPOCH,
		"message from an epoch past its grace time" },
	[SECMSG_FAIL_EPOCH_ROTATED_AWAY] = {
		-EKEYEXPIRED, SECMSG_CNT_A_STALE_EPOCH, SECMSG_STATS_A_STALE_EPOCH,
		"message from an epoch rotated away (its key is erased)" },
	[SECMSG_FAIL_EPOCH_NOT_REACHED] = {
		-EKEYREJECTED, SECMSG_CNT_A_STALE_EPOCH,
		SECMSG_STATS_A_STALE_EPOCH,
		"message from an epoch not reached yet" },
	[SECMSG_FAIL_BAD_HEADER] = {
		-EPROTO, 0, SECMSG_STATS_A_BAD_HEADER,
		"bad message header (version, reserved, session id, sequence or algorithm)" },
	[SECMSG_FAIL_BAD_LENGTH] = {
		-EINVAL, 0, SECMSG_STATS_A_BAD_HEADER, "bad message length" },
	[SECMSG_FAIL_BAD_PADDING] = {
		-EINVAL, 0, SECMSG_STATS_A_BAD_HEADER, "bad padding" },
	[SECMSG_FAIL_TOO_LARGE] = {
		-EMSGSIZE, 0, 0, "message larger than SECMSG_MAX_PLAINTEXT" },
	[SECMSG_FAIL_KEYS_EXHAUSTED] = {
		-EKEYEXPIRED, 0, 0,
		"sequence numbers exhausted and the session cannot rotate" },
	[SECMSG_FAIL_INTERNAL] = { 0, 0, 0, "internal error" },
};

/*
 * Fail for reason why (with errno err for SECMSG_FAIL_INTERNAL): record it
 * in out, count it (s may be NULL), set the extack; return the errno.  Out
 * of memory is only recorded: it changes no count, and the errno says it
 * (the same request retried succeeds as if it had never failed).
 */
static int fail(struct secmsg_net *sn, struct secmsg_session *s,
		struct secmsg_msg_out *out, u8 why, int err,
		struct netlink_ext_ack *extack)
{
	out->reason = why;
	if (why == SECMSG_FAIL_INTERNAL && err == -ENOMEM)
		return err;
	atomic64_inc(&sn->fails[why]);
	if (fails[why].stat)
		secmsg_stat_inc(sn, fails[why].stat);
	if (s && fails[why].cnt)
		secmsg_cnt_add(s, fails[why].cnt, 1);
	if (extack)	/* NL_SET_ERR_MSG, which takes only literals */
		extack->_msg = fails[why].msg;
	return fails[why].err ?: err;
}

/* A superseded epoch: rotated away when older than those kept. */
static u8 stale_reason(struct secmsg_session *s, u32 epoch)
{
	u32 alg, cur;

	secmsg_session_alg(s, &alg, &cur);
	return cur - epoch > SECMSG_RX_PREV_EPOCHS ?
	       SECMSG_FAIL_EPOCH_ROTATED_AWAY : SECMSG_FAIL_EPOCH_EXPIRED;
}

/* The current outbound key, rotating first when its numbers ran out. */
static struct secmsg_key *tx_key(struct secmsg_session *s,
				 struct secmsg_msg_out *out, int *err,
				 struct netlink_ext_ack *extack)
{
	struct secmsg_key *k;
	int tries;

	for (tries = 0; tries < 2; tries++) {
		k = secmsg_session_tx(s, err);
		if (!k)
			goto failed;
		if (atomic64_read(&k->next_seq) < SECMSG_MAX_MESSAGES_LIMIT)
			return k;
		secmsg_key_put(k);
		/* (a link responder cannot rotate: its keys are exhausted) */
		*err = secmsg_session_rotate(s, 0);
		if (*err == -ENOMEM || *err == -ENOTCONN)
			goto failed;
		if (*err)
			break;
	}
	*err = fail(s->sn, s, out, SECMSG_FAIL_KEYS_EXHAUSTED, 0, extack);
	return NULL;
failed:
	/* (a rotation that failed for memory keeps its errno: retry it) */
	*err = fail(s->sn, s, out, *err == -ENOTCONN ? SECMSG_FAIL_NOT_ACTIVE :
		    SECMSG_FAIL_INTERNAL, *err, extack);
	return NULL;
}

/*
 * Seal out of place: the header (and IV) already in buf, the plaintext
 * from pt, the message into buf.  twofish_cbc's last block is padded in
 * buf, where its ciphertext goes.
 */
static int seal_sg(struct secmsg_req *r, struct crypto_aead *tfm,
		   const struct secmsg_alg_desc *a, u8 *buf, unsigned int assoc,
		   const u8 *pt, unsigned int pt_len, unsigned int text_len)
{
	unsigned int full = pt_len, n = 1;
	u8 *last;
	int m;

	if (a->cbc)
		full = round_down(pt_len, SECMSG_CBC_BLOCK_LEN);
	/* the header, the plaintext's full blocks, the padded last block */
	sg_init_table(r->src, min_t(unsigned int, SECMSG_SG_MAX,
				    1 + (full ? secmsg_sg_nents(pt, full) : 0) +
				    a->cbc));
	sg_set_buf(&r->src[0], buf, assoc);
	if (full) {
		m = secmsg_sg_set_mem(r->src + n, SECMSG_SG_MAX - n - 1, pt,
				      full);
		if (m < 0)
			return m;
		n += m;
	}
	if (a->cbc) {
		last = buf + assoc + full;
		memcpy(last, pt + full, pt_len - full);
		secmsg_cbc_pad(last, pt_len - full);
		sg_set_buf(&r->src[n++], last, SECMSG_CBC_BLOCK_LEN);
	}
	sg_mark_end(&r->src[n - 1]);
	sg_init_one(r->dst, buf, assoc + text_len + a->tag_len);
	return secmsg_aead_crypt_sg(r, tfm, r->src, r->dst, assoc, text_len,
				    true);
}

/*
 * Seal pt_len bytes of plaintext into buf as a complete message: from pt
 * (out of place), or, pt NULL, from buf + text_off(k) (in place).  buf
 * has room for the whole message.
 */
static int seal_buf(struct secmsg_req *r, struct secmsg_session *s,
		    struct secmsg_key *k, u8 *buf, const u8 *pt,
		    unsigned int pt_len, struct secmsg_msg_out *out)
{
	const struct secmsg_alg_desc *a = k->desc;
	struct secmsg_hdr *h = (struct secmsg_hdr *)buf;
	unsigned int text_len = pt_len, assoc = SECMSG_HDR_LEN;
	struct secmsg_keyed kd;
	u64 seq;
	int err;

	err = secmsg_key_hold(k, &kd);
	if (err)
		return fail(s->sn, s, out, SECMSG_FAIL_INTERNAL, err, NULL);
	/* a sequence number is spent only on a seal that cannot fail */
	err = secmsg_req_prepare(r, kd.tfm);
	if (err) {
		secmsg_key_release(&kd);
		return fail(s->sn, s, out, SECMSG_FAIL_INTERNAL, err, NULL);
	}
	seq = atomic64_fetch_inc(&k->next_seq);
	if (seq >= SECMSG_MAX_MESSAGES_LIMIT) {
		secmsg_key_release(&kd);
		return fail(s->sn, s, out, SECMSG_FAIL_KEYS_EXHAUSTED, 0, NULL);
	}
	h->version = SECMSG_WIRE_VERSION;
	h->alg = k->alg;
	h->reserved = 0;
	h->epoch = cpu_to_be32(k->epoch);
	h->session_id = cpu_to_be64(s->wire_id);
	h->seq = cpu_to_be64(seq);
	if (a->cbc) {
		get_random_bytes(r->iv, a->iv_len);
		memcpy(buf + SECMSG_HDR_LEN, r->iv, a->iv_len);
		text_len = secmsg_cbc_padded(pt_len);
		assoc += a->iv_len;
	} else {
		secmsg_key_nonce(k, seq, r->iv);
	}
	if (pt) {
		err = seal_sg(r, kd.tfm, a, buf, assoc, pt, pt_len, text_len);
	} else {
		if (a->cbc)
			secmsg_cbc_pad(buf + assoc, pt_len);
		err = secmsg_aead_seal(r, kd.tfm, buf, assoc, text_len);
	}
	secmsg_key_release(&kd);
	if (err)
		return fail(s->sn, s, out, SECMSG_FAIL_INTERNAL, err, NULL);
	out->epoch = k->epoch;
	out->seq = seq;
	secmsg_cnt_add(s, SECMSG_CNT_A_TX_MESSAGES, 1);
	secmsg_cnt_add(s, SECMSG_CNT_A_TX_BYTES, pt_len);
	secmsg_stat_inc(s->sn, SECMSG_STATS_A_SEALED);
	session_used(s);
	return assoc + text_len + a->tag_len;
}

/*
 * Open out of place: the message at msg (header, IV, text, tag; read
 * only) into pt (its text only); the associated data goes to r->ad.
 */
static int open_sg(struct secmsg_req *r, struct crypto_aead *tfm,
		   const u8 *msg, unsigned int assoc, unsigned int text_len,
		   u8 *pt)
{
	unsigned int pt_len = text_len - crypto_aead_authsize(tfm);
	int n, m;

	sg_init_table(r->src, min_t(unsigned int, SECMSG_SG_MAX,
				    secmsg_sg_nents(msg, assoc + text_len)));
	n = secmsg_sg_set_mem(r->src, SECMSG_SG_MAX, msg, assoc + text_len);
	if (n < 0)
		return n;
	sg_mark_end(&r->src[n - 1]);
	/* an empty plaintext: nothing is written, no list ends at 0 bytes */
	if (!pt_len)
		return secmsg_aead_crypt_sg(r, tfm, r->src, r->src, assoc,
					    text_len, false);
	sg_init_table(r->dst, min_t(unsigned int, SECMSG_SG_MAX,
				    1 + secmsg_sg_nents(pt, pt_len)));
	sg_set_buf(&r->dst[0], r->ad, assoc);
	m = secmsg_sg_set_mem(r->dst + 1, SECMSG_SG_MAX - 1, pt, pt_len);
	if (m < 0)
		return m;
	sg_mark_end(&r->dst[m]);
	return secmsg_aead_crypt_sg(r, tfm, r->src, r->dst, assoc, text_len,
				    false);
}

/*
 * Open the len-byte message at msg (left as it is) into pt, which has
 * room for its text: len less the header, IV and tag.  Return the
 * plaintext's length; on failure no plaintext is left in pt.
 */
static int open_msg(struct secmsg_req *r, struct secmsg_session *s,
		    const u8 *msg, unsigned int len, u8 *pt,
		    struct secmsg_msg_out *out,
		    struct netlink_ext_ack *extack)
{
	const struct secmsg_hdr *h = (const struct secmsg_hdr *)msg;
	unsigned int written = 0;
	const struct secmsg_alg_desc *a;
	unsigned int assoc = SECMSG_HDR_LEN, text_len;
	struct secmsg_keyed kd;
	struct secmsg_key *k;
	u8 why;
	u64 seq;
	int err;

	if (len < SECMSG_HDR_LEN)
		return fail(s->sn, s, out, SECMSG_FAIL_BAD_LENGTH, 0, extack);
	seq = be64_to_cpu(h->seq);
	if (h->version != SECMSG_WIRE_VERSION || h->reserved ||
	    be64_to_cpu(h->session_id) != s->wire_id ||
	    seq >= SECMSG_MAX_MESSAGES_LIMIT)
		return fail(s->sn, s, out, SECMSG_FAIL_BAD_HEADER, 0, extack);
	k = secmsg_session_rx(s, be32_to_cpu(h->epoch), &err);
	if (!k && err == -EKEYREJECTED)		/* a link responder follows */
		k = secmsg_session_ahead(s, be32_to_cpu(h->epoch), h->alg,
					 &err);
	if (!k) {
		why = err == -EKEYREJECTED ? SECMSG_FAIL_EPOCH_NOT_REACHED :
		      err == -EKEYEXPIRED ?
		      stale_reason(s, be32_to_cpu(h->epoch)) :
		      err == -ENOTCONN ? SECMSG_FAIL_NOT_ACTIVE :
		      SECMSG_FAIL_INTERNAL;
		return fail(s->sn, s, out, why, err, extack);
	}
	a = k->desc;
	why = SECMSG_FAIL_BAD_HEADER;
	if (h->alg != k->alg)
		goto out;
	text_len = len - SECMSG_HDR_LEN;
	why = SECMSG_FAIL_BAD_LENGTH;
	if (a->cbc) {
		if (text_len < a->iv_len + SECMSG_CBC_BLOCK_LEN + a->tag_len ||
		    (text_len - a->iv_len - a->tag_len) % SECMSG_CBC_BLOCK_LEN)
			goto out;
		memcpy(r->iv, msg + SECMSG_HDR_LEN, a->iv_len);
		assoc += a->iv_len;
		text_len -= a->iv_len;
	} else {
		if (text_len < a->tag_len)
			goto out;
		secmsg_key_nonce(k, seq, r->iv);
	}
	err = secmsg_replay_check(k->replay, seq);
	if (err)
		goto replayed;
	written = text_len - a->tag_len;	/* even when it fails */
	err = secmsg_key_hold(k, &kd);
	if (!err) {
		err = open_sg(r, kd.tfm, msg, assoc, text_len, pt);
		secmsg_key_release(&kd);
	}
	if (err) {
		why = err == -EBADMSG ? SECMSG_FAIL_AUTH_FAILED :
		      SECMSG_FAIL_INTERNAL;
		goto out;
	}
	text_len -= a->tag_len;
	if (a->cbc) {
		err = secmsg_cbc_unpad(pt, text_len);
		why = SECMSG_FAIL_BAD_PADDING;
		if (err < 0)
			goto out;
		text_len = err;
	}
	why = SECMSG_FAIL_TOO_LARGE;
	if (text_len > SECMSG_MAX_PLAINTEXT)
		goto out;
	if (unlikely(READ_ONCE(k->ahead))) {
		/* authenticated: the follower moves to its epoch */
		k = secmsg_session_follow(s, k, &err);
		if (!k) {
			why = err == -EKEYEXPIRED ? SECMSG_FAIL_EPOCH_EXPIRED :
			      SECMSG_FAIL_INTERNAL;
			goto out;
		}
	}
	err = secmsg_replay_update(k->replay, seq);
	if (err)
		goto replayed;
	written = 0;	/* the plaintext stays */
	out->epoch = k->epoch;
	out->seq = seq;
	secmsg_cnt_add(s, SECMSG_CNT_A_RX_MESSAGES, 1);
	secmsg_cnt_add(s, SECMSG_CNT_A_RX_BYTES, text_len);
	secmsg_stat_inc(s->sn, SECMSG_STATS_A_OPENED);
	session_used(s);
	secmsg_key_put(k);
	return text_len;
replayed:
	why = err == -EALREADY ? SECMSG_FAIL_REPLAYED :
	      SECMSG_FAIL_BEHIND_WINDOW;
out:
	secmsg_key_put(k);
	if (written)
		memzero_explicit(pt, written);
	return fail(s->sn, s, out, why, err, extack);
}

/* Room for the output: the sealed message, or the opened text. */
static struct nlattr *reserve(struct secmsg_session *s, struct sk_buff *skb,
			      int attrtype, unsigned int len,
			      struct secmsg_msg_out *out, int *err,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *nla = nla_reserve(skb, attrtype, len);

	if (!nla) {
		*err = fail(s->sn, s, out, SECMSG_FAIL_INTERNAL, -EMSGSIZE,
			    extack);
		NL_SET_ERR_MSG(extack, "reply too large");
	}
	return nla;
}

static int do_seal(struct secmsg_req *r, struct secmsg_session *s,
		   const struct secmsg_msg_in *in, struct sk_buff *skb,
		   int attrtype, struct secmsg_msg_out *out,
		   struct netlink_ext_ack *extack)
{
	struct secmsg_key *k;
	struct nlattr *nla;
	int err;

	err = secmsg_session_rotate_to_seal(s, r);
	if (err) {
		NL_SET_ERR_MSG(extack, "key rotation by message count failed");
		return fail(s->sn, s, out, SECMSG_FAIL_INTERNAL, err, extack);
	}
	k = tx_key(s, out, &err, extack);
	if (!k)
		return err;
	nla = reserve(s, skb, attrtype, in->len + SECMSG_MAX_OVERHEAD, out,
		      &err, extack);
	if (!nla)
		goto out;
	/* from the request's attribute straight into the reply's */
	err = seal_buf(r, s, k, nla_data(nla), in->data, in->len, out);
	if (err >= 0)
		nla_shrink(skb, nla, err, err);
out:
	secmsg_key_put(k);
	return err;
}

static int do_open(struct secmsg_req *r, struct secmsg_session *s,
		   const struct secmsg_msg_in *in, struct sk_buff *skb,
		   int attrtype, struct secmsg_msg_out *out,
		   struct netlink_ext_ack *extack)
{
	unsigned int written;
	struct nlattr *nla;
	int len, err;

	/* room for the text: in->len is more than enough */
	nla = reserve(s, skb, attrtype, in->len, out, &err, extack);
	if (!nla)
		return err;
	/* from the request's attribute straight into the reply's */
	len = open_msg(r, s, in->data, in->len, nla_data(nla), out, extack);
	if (len < 0)
		return len;
	/* twofish_cbc's padding was decrypted too: at most a block */
	written = in->len > SECMSG_HDR_LEN ? in->len - SECMSG_HDR_LEN : 0;
	nla_shrink(skb, nla, len, min_t(unsigned int, written,
					len + SECMSG_CBC_BLOCK_LEN));
	return len;
}

static int do_reseal(struct secmsg_req *r, struct secmsg_session *from,
		     struct secmsg_session *to,
		     const struct secmsg_msg_in *in, struct sk_buff *skb,
		     int attrtype, struct secmsg_msg_out *out,
		     struct netlink_ext_ack *extack)
{
	struct secmsg_msg_out opened = {};
	unsigned int off;
	struct secmsg_key *k;
	struct nlattr *nla;
	int len, err;
	u8 *buf;

	/*
	 * Everything the seal needs is made before the message is opened:
	 * once opened, its sequence number is spent, and a seal failing
	 * then would lose it.
	 */
	k = NULL;
	err = secmsg_session_rotate_to_seal(to, r);
	if (err)
		err = fail(to->sn, to, out, SECMSG_FAIL_INTERNAL, err, extack);
	else
		k = tx_key(to, out, &err, extack);
	if (k) {
		err = secmsg_key_prepare(k, r);
		if (err) {
			secmsg_key_put(k);
			k = NULL;
			err = fail(to->sn, to, out, SECMSG_FAIL_INTERNAL, err,
				   extack);
		}
	}
	if (!k)
		return err;
	nla = reserve(from, skb, attrtype, in->len + SECMSG_MAX_OVERHEAD, out,
		      &err, extack);
	if (!nla)
		goto out;
	buf = nla_data(nla);
	/*
	 * Opened out of place, from the request's attribute straight to
	 * where the destination's text goes in the reply's (no copy of the
	 * input, no move of the plaintext) ...
	 */
	off = text_off(k->desc);
	len = open_msg(r, from, in->data, in->len, buf + off, &opened,
		       extack);
	if (len < 0) {
		out->reason = opened.reason;
		err = len;
		goto out;
	}
	/* ... and sealed there, the ciphertext over the plaintext. */
	err = seal_buf(r, to, k, buf, NULL, len, out);
	if (err >= 0) {
		/* the open wrote at most the input's text past off */
		nla_shrink(skb, nla, err, off + in->len);
		secmsg_stat_inc(to->sn, SECMSG_STATS_A_RESEALED);
	}
out:
	secmsg_key_put(k);
	return err;
}

/* The active session id, or an ERR_PTR (and out->reason). */
static struct secmsg_session *find(struct secmsg_net *sn, u64 id,
				   struct secmsg_msg_out *out,
				   struct netlink_ext_ack *extack)
{
	struct secmsg_session *s = secmsg_session_lookup(sn, id);

	if (!s)
		return ERR_PTR(fail(sn, NULL, out, SECMSG_FAIL_NO_SESSION, 0,
				    extack));
	/* active, then its wire id and secrets: pairs with activation's */
	if (smp_load_acquire(&s->state) != SECMSG_STATE_ACTIVE) {
		secmsg_session_put(s);
		return ERR_PTR(fail(sn, NULL, out, SECMSG_FAIL_NOT_ACTIVE, 0,
				    extack));
	}
	return s;
}

/*
 * A message done counts towards its session's max_messages.  The rotation
 * the count calls for is made before the session's next SEAL, all or
 * nothing (secmsg_session_rotate_to_seal(): a rotation that fails for
 * memory fails that SEAL before it spends a sequence number, and no epoch
 * seals more than max_messages), and right after an OPEN, which has
 * nothing left to spend on it (a failure there is tried again by the next
 * message).
 */
static void count_msg(struct secmsg_session *s, bool opened)
{
	u64 max = READ_ONCE(s->pol.max_messages);

	if (max && atomic64_inc_return(&s->epoch_msgs) >= max && opened)
		secmsg_session_rotate_if_due(s);
}

int secmsg_msg_do(struct secmsg_net *sn, struct secmsg_req *r,
		  const struct secmsg_msg_in *in, struct sk_buff *skb,
		  int attrtype, struct secmsg_msg_out *out,
		  struct netlink_ext_ack *extack)
{
	struct secmsg_session *s, *peer = NULL;
	unsigned char *mark = skb_tail_pointer(skb);
	int err;

	out->reason = 0;
	if (in->op == SECMSG_MSG_SEAL ? in->len > SECMSG_MAX_PLAINTEXT :
	    in->len > SECMSG_MAX_PLAINTEXT + SECMSG_MAX_OVERHEAD)
		return fail(sn, NULL, out, SECMSG_FAIL_TOO_LARGE, 0, extack);
	s = find(sn, in->id, out, extack);
	if (IS_ERR(s))
		return PTR_ERR(s);
	switch (in->op) {
	case SECMSG_MSG_SEAL:
		err = do_seal(r, s, in, skb, attrtype, out, extack);
		break;
	case SECMSG_MSG_OPEN:
		err = do_open(r, s, in, skb, attrtype, out, extack);
		break;
	case SECMSG_MSG_RESEAL:
		peer = find(sn, in->peer_id, out, extack);
		if (IS_ERR(peer)) {
			err = PTR_ERR(peer);
			peer = NULL;
			break;
		}
		err = do_reseal(r, s, peer, in, skb, attrtype, out, extack);
		break;
	default:
		err = fail(sn, s, out, SECMSG_FAIL_INTERNAL, -EINVAL, extack);
	}
	if (err < 0) {
		skb_wipe_to(skb, mark);
	} else {
		count_msg(s, in->op != SECMSG_MSG_SEAL);
		if (peer)
			count_msg(peer, false);
		err = 0;
	}
	secmsg_session_put(peer);
	secmsg_session_put(s);
	return err;
}

/*
 * A RESEAL to several sessions opens its message once, in the reply skb's
 * tailroom: the last bytes of the skb's buffer, which the results written
 * below them never reach (the caller sized the reply for both and checks
 * secmsg_msg_scratch_free() before each destination).  Never part of the
 * reply; wiped by secmsg_msg_close().
 */
static u8 *scratch(struct sk_buff *skb, unsigned int len)
{
	unsigned long end = (unsigned long)skb_end_pointer(skb);

	if (skb_tailroom(skb) < SECMSG_SCRATCH_ROOM(len))
		return NULL;
	return (u8 *)ALIGN_DOWN(end - len, sizeof(u64));
}

/*
 * Make what a seal to session id needs before the message is opened: once
 * opened, its sequence number is spent, and a seal failing then for memory
 * would lose that copy.  First pass: its outbound key and transform, room
 * in r for its request (nothing a caller can see).  Second pass: the
 * rotation its message count calls for (secmsg_session_rotate_to_seal():
 * all or nothing), last because it changes the session (of two
 * destinations due at once, the first may have rotated when the second
 * fails: a rotation that was owed, which its next SEAL would make).  Only
 * -ENOMEM is an error here; a session gone, not active or without keys is its seal's
 * failure to report.
 */
static int seal_prepare(struct secmsg_net *sn, struct secmsg_req *r, u64 id,
			bool rotation)
{
	struct secmsg_session *s = secmsg_session_lookup(sn, id);
	struct secmsg_key *k;
	int err = 0;

	if (!s)
		return 0;
	if (READ_ONCE(s->state) != SECMSG_STATE_ACTIVE)
		goto out;
	if (rotation) {
		err = secmsg_session_rotate_to_seal(s, r);
		goto out;
	}
	k = secmsg_session_tx(s, &err);
	if (k) {
		err = secmsg_key_prepare(k, r);
		secmsg_key_put(k);
	}
out:
	secmsg_session_put(s);
	return err == -ENOMEM ? err : 0;
}

int secmsg_msg_open_once(struct secmsg_net *sn, struct secmsg_req *r,
			 const struct secmsg_msg_in *in, const u64 *dests,
			 unsigned int ndests, struct sk_buff *skb,
			 struct secmsg_opened *o, struct secmsg_msg_out *out)
{
	struct secmsg_session *s;
	unsigned int i;
	int len, err;

	memset(o, 0, sizeof(*o));
	out->reason = 0;
	if (in->len > SECMSG_MAX_PLAINTEXT + SECMSG_MAX_OVERHEAD)
		return fail(sn, NULL, out, SECMSG_FAIL_TOO_LARGE, 0, NULL);
	o->buf = scratch(skb, in->len);
	if (!o->buf)
		return -EMSGSIZE;	/* the reply was sized wrong */
	o->buf_len = in->len;
	s = find(sn, in->id, out, NULL);
	if (IS_ERR(s))
		return PTR_ERR(s);
	for (i = 0; i < 2 * ndests; i++) {
		err = seal_prepare(sn, r, dests[i % ndests], i >= ndests);
		if (err) {
			secmsg_session_put(s);
			return fail(sn, NULL, out, SECMSG_FAIL_INTERNAL, err,
				    NULL);
		}
	}
	/* out of place: from the request's attribute into the scratch */
	len = open_msg(r, s, in->data, in->len, o->buf, out, NULL);
	if (len >= 0) {
		o->pt = o->buf;
		o->len = len;
		count_msg(s, true);
	}
	secmsg_session_put(s);
	return len < 0 ? len : 0;
}

bool secmsg_msg_scratch_free(const struct sk_buff *skb,
			     const struct secmsg_opened *o, unsigned int room)
{
	return !o->buf || skb_tail_pointer(skb) + room <= o->buf;
}

int secmsg_msg_seal_copy(struct secmsg_net *sn, struct secmsg_req *r,
			 u64 id, const struct secmsg_opened *o,
			 struct sk_buff *skb, int attrtype,
			 struct secmsg_msg_out *out)
{
	const struct secmsg_msg_in in = {
		.op = SECMSG_MSG_SEAL, .id = id, .data = o->pt, .len = o->len,
	};
	int err = secmsg_msg_do(sn, r, &in, skb, attrtype, out, NULL);

	if (!err)
		secmsg_stat_inc(sn, SECMSG_STATS_A_RESEALED);
	return err;
}

void secmsg_msg_close(struct secmsg_opened *o)
{
	if (o->buf)
		memzero_explicit(o->buf, o->buf_len);
	memset(o, 0, sizeof(*o));
}
