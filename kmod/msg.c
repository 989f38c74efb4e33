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

/* The current outbound key, rotating first when its numbers ran out. */
static struct secmsg_key *tx_key(struct secmsg_session *s, int *err)
{
	struct secmsg_key *k;
	int tries;

	for (tries = 0; tries < 2; tries++) {
		k = secmsg_session_tx(s, err);
		if (!k)
			return NULL;
		if (atomic64_read(&k->next_seq) < SECMSG_MAX_MESSAGES_LIMIT)
			return k;
		secmsg_key_put(k);
		*err = secmsg_session_rotate(s, 0);
		if (*err)
			return NULL;
	}
	*err = -EKEYEXPIRED;
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

	sg_init_table(r->src, SECMSG_SG_MAX);
	sg_set_buf(&r->src[0], buf, assoc);
	if (a->cbc)
		full = round_down(pt_len, SECMSG_CBC_BLOCK_LEN);
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
	struct crypto_aead *tfm = secmsg_key_tfm(k);
	u64 seq;
	int err;

	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	/* a sequence number is spent only on a seal that cannot fail */
	err = secmsg_req_prepare(r, tfm);
	if (err)
		return err;
	seq = atomic64_fetch_inc(&k->next_seq);
	if (seq >= SECMSG_MAX_MESSAGES_LIMIT)
		return -EKEYEXPIRED;
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
		err = seal_sg(r, tfm, a, buf, assoc, pt, pt_len, text_len);
	} else {
		if (a->cbc)
			secmsg_cbc_pad(buf + assoc, pt_len);
		err = secmsg_aead_seal(r, tfm, buf, assoc, text_len);
	}
	if (err)
		return err;
	out->epoch = k->epoch;
	out->seq = seq;
	secmsg_cnt_add(s, SECMSG_CNT_A_TX_MESSAGES, 1);
	secmsg_cnt_add(s, SECMSG_CNT_A_TX_BYTES, pt_len);
	secmsg_stat_inc(s->sn, SECMSG_STATS_A_SEALED);
	session_used(s);
	return assoc + text_len + a->tag_len;
}

static int count_fail(struct secmsg_session *s, int err)
{
	struct secmsg_net *sn = s->sn;

	switch (err) {
	case -EBADMSG:
		secmsg_cnt_add(s, SECMSG_CNT_A_AUTH_FAILURES, 1);
		secmsg_stat_inc(sn, SECMSG_STATS_A_AUTH_FAILURES);
		break;
	case -EALREADY:
	case -ESTALE:
		secmsg_cnt_add(s, SECMSG_CNT_A_REPLAYS, 1);
		secmsg_stat_inc(sn, SECMSG_STATS_A_REPLAYS);
		break;
	case -EKEYEXPIRED:
	case -EKEYREJECTED:
		secmsg_cnt_add(s, SECMSG_CNT_A_STALE_EPOCH, 1);
		secmsg_stat_inc(sn, SECMSG_STATS_A_STALE_EPOCH);
		break;
	case -EPROTO:
	case -EINVAL:
		secmsg_stat_inc(sn, SECMSG_STATS_A_BAD_HEADER);
		break;
	}
	return err;
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

	sg_init_table(r->src, SECMSG_SG_MAX);
	n = secmsg_sg_set_mem(r->src, SECMSG_SG_MAX, msg, assoc + text_len);
	if (n < 0)
		return n;
	sg_mark_end(&r->src[n - 1]);
	/* an empty plaintext: nothing is written, no list ends at 0 bytes */
	if (!pt_len)
		return secmsg_aead_crypt_sg(r, tfm, r->src, r->src, assoc,
					    text_len, false);
	sg_init_table(r->dst, SECMSG_SG_MAX);
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
	struct crypto_aead *tfm;
	struct secmsg_key *k;
	u64 seq;
	int err;

	if (len < SECMSG_HDR_LEN) {
		NL_SET_ERR_MSG(extack, "message shorter than its header");
		return count_fail(s, -EINVAL);
	}
	seq = be64_to_cpu(h->seq);
	if (h->version != SECMSG_WIRE_VERSION || h->reserved ||
	    be64_to_cpu(h->session_id) != s->wire_id ||
	    seq >= SECMSG_MAX_MESSAGES_LIMIT) {
		NL_SET_ERR_MSG(extack,
			       "bad message header (version, reserved, session id or sequence)");
		return count_fail(s, -EPROTO);
	}
	k = secmsg_session_rx(s, be32_to_cpu(h->epoch), &err);
	if (!k && err == -EKEYREJECTED)		/* a link responder follows */
		k = secmsg_session_ahead(s, be32_to_cpu(h->epoch), h->alg,
					 &err);
	if (!k) {
		if (err == -EKEYREJECTED)
			NL_SET_ERR_MSG(extack, "message from an epoch not reached yet");
		else
			NL_SET_ERR_MSG(extack, "message from an expired epoch");
		return count_fail(s, err);
	}
	a = k->desc;
	if (h->alg != k->alg) {
		NL_SET_ERR_MSG(extack, "message algorithm differs from its epoch's");
		err = -EPROTO;
		goto out;
	}
	text_len = len - SECMSG_HDR_LEN;
	if (a->cbc) {
		if (text_len < a->iv_len + SECMSG_CBC_BLOCK_LEN + a->tag_len ||
		    (text_len - a->iv_len - a->tag_len) % SECMSG_CBC_BLOCK_LEN) {
			NL_SET_ERR_MSG(extack, "bad message length");
			err = -EINVAL;
			goto out;
		}
		memcpy(r->iv, msg + SECMSG_HDR_LEN, a->iv_len);
		assoc += a->iv_len;
		text_len -= a->iv_len;
	} else {
		if (text_len < a->tag_len) {
			NL_SET_ERR_MSG(extack, "message shorter than its tag");
			err = -EINVAL;
			goto out;
		}
		secmsg_key_nonce(k, seq, r->iv);
	}
	err = secmsg_replay_check(k->replay, seq);
	if (err) {
		if (err == -EALREADY)
			NL_SET_ERR_MSG(extack, "replayed message");
		else
			NL_SET_ERR_MSG(extack, "message behind the replay window");
		goto out;
	}
	tfm = secmsg_key_tfm(k);
	written = text_len - a->tag_len;	/* even when it fails */
	err = IS_ERR(tfm) ? PTR_ERR(tfm) :
	      open_sg(r, tfm, msg, assoc, text_len, pt);
	if (err == -EBADMSG)
		NL_SET_ERR_MSG(extack, "message authentication failed");
	if (err)
		goto out;
	text_len -= a->tag_len;
	if (a->cbc) {
		err = secmsg_cbc_unpad(pt, text_len);
		if (err < 0) {
			NL_SET_ERR_MSG(extack, "bad padding");
			goto out;
		}
		text_len = err;
	}
	if (text_len > SECMSG_MAX_PLAINTEXT) {
		NL_SET_ERR_MSG(extack, "message larger than SECMSG_MAX_PLAINTEXT");
		err = -EMSGSIZE;
		goto out;
	}
	if (unlikely(READ_ONCE(k->ahead))) {
		/* authenticated: the follower moves to its epoch */
		k = secmsg_session_follow(s, k, &err);
		if (!k) {
			NL_SET_ERR_MSG(extack, "message from an expired epoch");
			goto out;
		}
	}
	err = secmsg_replay_update(k->replay, seq);
	if (err) {
		NL_SET_ERR_MSG(extack, "replayed message");
		goto out;
	}
	written = 0;	/* the plaintext stays */
	out->epoch = k->epoch;
	out->seq = seq;
	secmsg_cnt_add(s, SECMSG_CNT_A_RX_MESSAGES, 1);
	secmsg_cnt_add(s, SECMSG_CNT_A_RX_BYTES, text_len);
	secmsg_stat_inc(s->sn, SECMSG_STATS_A_OPENED);
	session_used(s);
	err = text_len;
out:
	secmsg_key_put(k);
	if (written)
		memzero_explicit(pt, written);
	return err < 0 ? count_fail(s, err) : err;
}

/*
 * In place (RESEAL): the message in buf, its plaintext at buf + *pt_off
 * on success.
 */
static int open_buf(struct secmsg_req *r, struct secmsg_session *s,
		    u8 *buf, unsigned int len, unsigned int *pt_off,
		    struct secmsg_msg_out *out,
		    struct netlink_ext_ack *extack)
{
	const struct secmsg_alg_desc *a = len > 1 ? secmsg_alg(buf[1]) : NULL;

	/* open_msg refuses a header without a valid algorithm */
	*pt_off = a ? text_off(a) : SECMSG_HDR_LEN;
	return open_msg(r, s, buf, len, buf + *pt_off, out, extack);
}

/* Room for the sealed output and for opening the input in place. */
static struct nlattr *reserve(struct sk_buff *skb, int attrtype,
			      unsigned int len, struct netlink_ext_ack *extack)
{
	struct nlattr *nla = nla_reserve(skb, attrtype, len);

	if (!nla)
		NL_SET_ERR_MSG(extack, "reply too large");
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
		return err;
	}
	k = tx_key(s, &err);
	if (!k)
		return err;
	nla = reserve(skb, attrtype, in->len + SECMSG_MAX_OVERHEAD, extack);
	if (!nla) {
		err = -EMSGSIZE;
		goto out;
	}
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
	int len;

	/* room for the text: in->len is more than enough */
	nla = reserve(skb, attrtype, in->len, extack);
	if (!nla)
		return -EMSGSIZE;
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

/*
 * A RESEAL whose own destination failed still opens the message for its
 * RESEAL_ALSO copies: in the reply, wiped at once.
 */
static void open_keep(struct secmsg_req *r, struct secmsg_session *from,
		      const struct secmsg_msg_in *in, struct sk_buff *skb,
		      int attrtype, struct secmsg_msg_out *out)
{
	unsigned char *mark = skb_tail_pointer(skb);
	struct secmsg_msg_out ignored;
	unsigned int pt_off;
	struct nlattr *nla;
	int len;

	nla = reserve(skb, attrtype, in->len, NULL);
	if (!nla) {
		out->kept = -EMSGSIZE;
		return;
	}
	memcpy(nla_data(nla), in->data, in->len);
	len = open_buf(r, from, nla_data(nla), in->len, &pt_off, &ignored,
		       NULL);
	if (len >= 0)
		memcpy(in->keep, (u8 *)nla_data(nla) + pt_off, len);
	out->kept = len;
	skb_wipe_to(skb, mark);
}

static int do_reseal(struct secmsg_req *r, struct secmsg_session *from,
		     struct secmsg_session *to,
		     const struct secmsg_msg_in *in, struct sk_buff *skb,
		     int attrtype, struct secmsg_msg_out *out,
		     struct netlink_ext_ack *extack)
{
	struct secmsg_msg_out ignored;
	struct crypto_aead *tfm;
	unsigned int pt_off;
	struct secmsg_key *k;
	struct nlattr *nla;
	int len, err;
	u8 *buf;

	/*
	 * Everything the seal needs is made before the message is opened:
	 * once opened, its sequence number is spent, and a seal failing
	 * then would lose it.
	 */
	err = secmsg_session_rotate_to_seal(to, r);
	k = err ? NULL : tx_key(to, &err);
	if (k) {
		tfm = secmsg_key_tfm(k);
		err = IS_ERR(tfm) ? PTR_ERR(tfm) : secmsg_req_prepare(r, tfm);
		if (err) {
			secmsg_key_put(k);
			k = NULL;
		}
	}
	if (!k) {
		if (err == -ENOTCONN)
			NL_SET_ERR_MSG(extack, "destination session has no key");
		else
			NL_SET_ERR_MSG(extack, "cannot seal to the destination session");
		if (in->keep)
			open_keep(r, from, in, skb, attrtype, out);
		return err;
	}
	nla = reserve(skb, attrtype, in->len + SECMSG_MAX_OVERHEAD, extack);
	if (!nla) {
		err = -EMSGSIZE;
		goto out;
	}
	buf = nla_data(nla);
	memcpy(buf, in->data, in->len);
	len = open_buf(r, from, buf, in->len, &pt_off, &ignored, extack);
	if (in->keep) {
		out->kept = len;
		if (len >= 0)
			memcpy(in->keep, buf + pt_off, len);
	}
	if (len < 0) {
		err = len;
		goto out;
	}
	/* Plaintext moves to where the destination's text goes ... */
	memmove(buf + text_off(k->desc), buf + pt_off, len);
	/* ... and is overwritten by the seal. */
	err = seal_buf(r, to, k, buf, NULL, len, out);
	if (err >= 0) {
		nla_shrink(skb, nla, err, in->len + SECMSG_MAX_OVERHEAD);
		secmsg_stat_inc(to->sn, SECMSG_STATS_A_RESEALED);
	}
out:
	secmsg_key_put(k);
	return err;
}

static struct secmsg_session *find(struct secmsg_net *sn, u64 id,
				   struct netlink_ext_ack *extack)
{
	struct secmsg_session *s = secmsg_session_lookup(sn, id);

	if (!s) {
		secmsg_stat_inc(sn, SECMSG_STATS_A_NO_SESSION);
		NL_SET_ERR_MSG(extack, "no such session");
	} else if (smp_load_acquire(&s->state) != SECMSG_STATE_ACTIVE) {
		NL_SET_ERR_MSG(extack, "session is not active");
		secmsg_session_put(s);
		return ERR_PTR(-ENOTCONN);
	}
	return s ?: ERR_PTR(-ENOENT);
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

	out->kept = -ECANCELED;		/* not opened: the op's error says why */
	if (in->op == SECMSG_MSG_SEAL ? in->len > SECMSG_MAX_PLAINTEXT :
	    in->len > SECMSG_MAX_PLAINTEXT + SECMSG_MAX_OVERHEAD) {
		NL_SET_ERR_MSG(extack, "message larger than SECMSG_MAX_PLAINTEXT");
		return -EMSGSIZE;
	}
	s = find(sn, in->id, extack);
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
		peer = find(sn, in->peer_id, extack);
		if (IS_ERR(peer)) {
			err = PTR_ERR(peer);
			peer = NULL;
			if (in->keep)
				open_keep(r, s, in, skb, attrtype, out);
			break;
		}
		err = do_reseal(r, s, peer, in, skb, attrtype, out, extack);
		break;
	default:
		NL_SET_ERR_MSG(extack, "unknown message operation");
		err = -EINVAL;
	}
	if (err < 0) {
		skb_wipe_to(skb, mark);
		if (in->keep && out->kept >= 0)
			count_msg(s, true);	/* opened for the copies */
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

int secmsg_msg_also(struct secmsg_net *sn, struct secmsg_req *r, u64 peer_id,
		    const u8 *pt, unsigned int len, struct sk_buff *skb,
		    int attrtype, struct secmsg_msg_out *out)
{
	const struct secmsg_msg_in in = {
		.op = SECMSG_MSG_SEAL, .id = peer_id, .data = pt, .len = len,
	};
	int err = secmsg_msg_do(sn, r, &in, skb, attrtype, out, NULL);

	if (!err)
		secmsg_stat_inc(sn, SECMSG_STATS_A_RESEALED);
	return err;
}
