// SPDX-License-Identifier: GPL-2.0
/*
 * Noise KK, initiator side, for links between nodes: message 1 out,
 * message 2 checked, message 3 out.  The static key is the node identity
 * (its private half stays in its kpp transform); the ephemeral key is made
 * in the kernel and lives, with the handshake's hash and chaining key, in
 * the pending session (struct secmsg_initiator) until LINK_FINISH takes
 * it, or the session goes: it is erased then (kfree_sensitive).
 */
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <asm/unaligned.h>

#include "handshake.h"
#include "identity.h"
#include "initiator.h"
#include "noise.h"
#include "secmsg.h"

/* Message offsets (docs/protocol.md section 3). */
#define M1_HDR		4		/* then the node name, n bytes */
#define M2_HDR		12
#define M2_TAG		(M2_HDR + SECMSG_X25519_LEN)

/* Between message 1 and message 2, owned by the pending session. */
struct secmsg_initiator {
	struct secmsg_noise *n;		/* h and ck after message 1 */
	struct crypto_kpp *eph;		/* e_i */
	struct secmsg_identity *id;	/* the node identity message 1 used */
};

void secmsg_initiator_free(struct secmsg_initiator *hs)
{
	if (!hs)
		return;
	secmsg_noise_free(hs->n);
	secmsg_x25519_free(hs->eph);
	secmsg_identity_put(hs->id);
	kfree_sensitive(hs);
}

/* Keys and secrets (some go to scatterlists): one heap block, wiped. */
struct init_work {
	/* LINK_FINISH: h and ck as message 1 left them, for a retry */
	u8 h[SECMSG_HASH_LEN];
	u8 ck[SECMSG_HASH_LEN];
	u8 peer_pub[SECMSG_X25519_LEN];
	u8 eph_pub[SECMSG_X25519_LEN];
	u8 ts[SECMSG_HS_TIMESTAMP_LEN];
	u8 secret[2][SECMSG_KEY_LEN];
	u8 confirm[SECMSG_HASH_LEN];
};

static int peer_key(struct secmsg_net *sn, const char *peer, u8 *pub)
{
	struct secmsg_user *node;

	mutex_lock(&sn->nodes.lock);
	node = secmsg_user_find(&sn->nodes, peer);
	if (node)
		memcpy(pub, node->pub, SECMSG_X25519_LEN);
	mutex_unlock(&sn->nodes.lock);
	return node ? 0 : -ENOENT;
}

/*
 * The timestamp of message 1: newer than every one this node sent
 * before, as peers refuse one that is not newer than the last they took
 * (a replay).  Should the clock stand still or step back, one nanosecond
 * after the last.
 */
static void link_stamp(struct secmsg_net *sn, u8 *ts)
{
	struct timespec64 now;
	u64 sec;
	u32 nsec;

	ktime_get_real_ts64(&now);
	put_unaligned_be64(now.tv_sec, ts);
	put_unaligned_be32(now.tv_nsec, ts + 8);
	mutex_lock(&sn->nodes.lock);
	if (memcmp(ts, sn->link_ts, SECMSG_HS_TIMESTAMP_LEN) <= 0) {
		sec = get_unaligned_be64(sn->link_ts);
		nsec = get_unaligned_be32(sn->link_ts + 8) + 1;
		if (nsec >= NSEC_PER_SEC) {
			sec++;
			nsec = 0;
		}
		put_unaligned_be64(sec, ts);
		put_unaligned_be32(nsec, ts + 8);
	}
	memcpy(sn->link_ts, ts, SECMSG_HS_TIMESTAMP_LEN);
	mutex_unlock(&sn->nodes.lock);
}

/* Message 1: e_i, es, ss, the timestamp. */
static int write_msg1(struct secmsg_initiator *hs, struct init_work *w,
		      u32 alg, u8 *m, unsigned int *len)
{
	unsigned int n = strlen(hs->id->name);
	int err;

	err = secmsg_x25519(hs->eph, NULL, w->eph_pub);
	if (err)
		return err;
	m[0] = SECMSG_HS_INIT;
	m[1] = SECMSG_HS_VERSION;
	m[2] = alg;
	m[3] = n;
	memcpy(m + M1_HDR, hs->id->name, n);
	memcpy(m + M1_HDR + n, w->eph_pub, SECMSG_X25519_LEN);
	*len = SECMSG_HS_INIT_MIN - 1 + n;
	return secmsg_noise_mix_hash(hs->n, m, M1_HDR + n) ?:
	       secmsg_noise_mix_hash(hs->n, w->eph_pub, SECMSG_X25519_LEN) ?:
	       secmsg_noise_mix_dh(hs->n, hs->eph, w->peer_pub) ?:	/* es */
	       secmsg_noise_mix_dh(hs->n, hs->id->tfm, w->peer_pub) ?: /* ss */
	       secmsg_noise_encrypt(hs->n, w->ts, SECMSG_HS_TIMESTAMP_LEN,
				    m + M1_HDR + n + SECMSG_X25519_LEN);
}

int secmsg_initiator_start(struct secmsg_net *sn, const char *peer,
			   struct secmsg_session_params *p,
			   struct secmsg_link_start *res,
			   struct netlink_ext_ack *extack)
{
	struct secmsg_initiator *hs;
	struct secmsg_session *s;
	struct init_work *w;
	int err = -ENOMEM;

	res->session = NULL;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	hs = kzalloc(sizeof(*hs), GFP_KERNEL);
	if (!w || !hs)
		goto out;
	hs->id = secmsg_identity_get(sn, SECMSG_IDENTITY_SLOT_NODE);
	if (!hs->id || !hs->id->name[0]) {
		NL_SET_ERR_MSG(extack, "no node identity (IDENTITY_SET or IDENTITY_GENERATE with slot node)");
		err = -ENOKEY;
		goto out;
	}
	err = peer_key(sn, peer, w->peer_pub);
	if (err) {
		NL_SET_ERR_MSG(extack, "unknown node (not in the node registry)");
		goto out;
	}
	hs->eph = secmsg_x25519_new(NULL);
	if (IS_ERR(hs->eph)) {
		err = PTR_ERR(hs->eph);
		hs->eph = NULL;
		goto out;
	}
	err = -ENOMEM;
	hs->n = secmsg_noise_new(hs->id->pub, w->peer_pub);
	if (!hs->n)
		goto out;
	link_stamp(sn, w->ts);
	err = write_msg1(hs, w, p->alg, res->msg1, &res->len);
	if (err) {
		if (err == -EINVAL)
			NL_SET_ERR_MSG(extack, "the node's public key is of low order");
		goto out;
	}

	p->user_id = peer;
	p->flags |= SECMSG_SESSION_F_LINK | SECMSG_SESSION_F_INITIATOR;
	p->hs = hs;
	s = secmsg_handshake_session(sn, p, extack);
	if (IS_ERR(s)) {
		err = PTR_ERR(s);
		goto out;
	}
	hs = NULL;			/* the session's now */
	res->session = s;
out:
	secmsg_initiator_free(hs);
	kfree_sensitive(w);
	return err;
}

/* Message 2: e_r, ee, se, the tag of an empty payload; then split. */
static int read_msg2(struct secmsg_initiator *hs, struct init_work *w,
		     const u8 *m2, struct netlink_ext_ack *extack)
{
	u8 none[1];
	int err;

	memcpy(w->eph_pub, m2 + M2_HDR, SECMSG_X25519_LEN);
	err = secmsg_noise_mix_hash(hs->n, m2, M2_HDR) ?:
	      secmsg_noise_mix_hash(hs->n, w->eph_pub, SECMSG_X25519_LEN);
	if (err)
		return err;
	/* (no extack for ENOMEM: the errno says it) */
	err = secmsg_noise_mix_dh(hs->n, hs->eph, w->eph_pub) ?:	/* ee */
	      secmsg_noise_mix_dh(hs->n, hs->id->tfm, w->eph_pub);	/* se */
	if (err == -EINVAL)
		NL_SET_ERR_MSG(extack, "low-order or non-canonical public key");
	if (err)
		return err;
	err = secmsg_noise_decrypt(hs->n, m2 + M2_TAG, SECMSG_AEAD_TAG_LEN,
				   none);
	if (err == -EBADMSG)
		NL_SET_ERR_MSG(extack, "handshake authentication failed (message 2 not from the pinned node key)");
	if (err)
		return err;
	return secmsg_noise_split(hs->n, w->secret[SECMSG_DIR_C2S],
				  w->secret[SECMSG_DIR_S2C], w->confirm);
}

int secmsg_initiator_finish(struct secmsg_session *s, const u8 *msg2,
			    unsigned int len, u8 *msg3,
			    struct netlink_ext_ack *extack)
{
	struct secmsg_initiator *hs;
	struct init_work *w = NULL;
	u64 peer_id = 0;
	int err;

	if (!(s->flags & SECMSG_SESSION_F_INITIATOR)) {
		NL_SET_ERR_MSG(extack, "not a link initiator session (LINK_INIT)");
		return -EINVAL;
	}
	/* one LINK_FINISH takes the handshake; any other finds none */
	hs = xchg(&s->hs, NULL);
	if (!hs) {
		NL_SET_ERR_MSG(extack, "link handshake already finished");
		return -EALREADY;
	}
	if (len == SECMSG_HS_RESPONSE_LEN)
		peer_id = get_unaligned_be64(msg2 + 4);
	if (len != SECMSG_HS_RESPONSE_LEN || msg2[0] != SECMSG_HS_RESPONSE ||
	    msg2[1] != SECMSG_HS_VERSION || msg2[2] || msg2[3] || !peer_id) {
		NL_SET_ERR_MSG(extack, "not a handshake message 2");
		err = -EINVAL;
		goto out;
	}
	err = -ENOMEM;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		goto again;
	memcpy(w->h, hs->n->h, sizeof(w->h));
	memcpy(w->ck, hs->n->ck, sizeof(w->ck));
	err = read_msg2(hs, w, msg2, extack);
	if (err == -ENOMEM) {
		memcpy(hs->n->h, w->h, sizeof(w->h));
		memcpy(hs->n->ck, w->ck, sizeof(w->ck));
		goto again;
	}
	/* the ephemeral key, h and ck go now, whatever the outcome */
	secmsg_initiator_free(hs);
	hs = NULL;
	if (err)
		goto out;
	secmsg_session_install(s, w->secret[SECMSG_DIR_C2S],
			       w->secret[SECMSG_DIR_S2C], NULL);
	err = secmsg_session_activate(s, peer_id);
	if (err) {
		NL_SET_ERR_MSG(extack, "session gone");
		goto out;
	}
	msg3[0] = SECMSG_HS_CONFIRM;
	msg3[1] = SECMSG_HS_VERSION;
	msg3[2] = 0;
	msg3[3] = 0;
	put_unaligned_be64(peer_id, msg3 + 4);
	memcpy(msg3 + M2_HDR, w->confirm, sizeof(w->confirm));
out:
	if (err)
		secmsg_session_delete(s, SECMSG_REASON_HANDSHAKE);
	secmsg_initiator_free(hs);
	kfree_sensitive(w);
	return err;
again:
	/*
	 * Out of memory is no verdict on message 2: the handshake goes back
	 * to the session as message 1 left it, and LINK_FINISH may come
	 * again (only the call that took it puts it back).
	 */
	WRITE_ONCE(s->hs, hs);
	kfree_sensitive(w);
	return err;
}
