// SPDX-License-Identifier: GPL-2.0
/*
 * Noise KK, responder side: message 1 in, message 2 out, message 3
 * checked.  The server's ephemeral key is made in the kernel and freed
 * (kfree_sensitive) once the keys are derived; the static private key
 * never leaves its kpp transform.  With SECMSG_SESSION_F_LINK the
 * responder is this node answering a peer node: the node identity and the
 * node registry take the place of the server identity and the users.
 */
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <asm/unaligned.h>

#include "handshake.h"
#include "identity.h"
#include "noise.h"

/* The sizes the uapi states as numbers, from their parts (protocol.md). */
static_assert(SECMSG_HS_INIT_MIN == 4 + 1 + SECMSG_X25519_LEN +
	      SECMSG_HS_TIMESTAMP_LEN + SECMSG_AEAD_TAG_LEN);
static_assert(SECMSG_HS_INIT_MAX == SECMSG_HS_INIT_MIN + SECMSG_USER_ID_MAX - 1);
static_assert(SECMSG_HS_RESPONSE_LEN == 12 + SECMSG_X25519_LEN +
	      SECMSG_AEAD_TAG_LEN);
static_assert(SECMSG_HS_CONFIRM_LEN == 12 + SECMSG_HASH_LEN);

/* Everything secret or passed to a scatterlist, in one heap block. */
struct hs_work {
	struct secmsg_noise *n;
	struct crypto_kpp *eph;
	u8 client_pub[SECMSG_X25519_LEN];
	u8 client_eph[SECMSG_X25519_LEN];
	u8 server_eph[SECMSG_X25519_LEN];
	u8 ts[SECMSG_HS_TIMESTAMP_LEN];
	u8 secret[2][SECMSG_KEY_LEN];
	u8 confirm[SECMSG_HASH_LEN];
	char user_id[SECMSG_USER_ID_MAX + 1];
};

static void hs_work_free(struct hs_work *w)
{
	secmsg_noise_free(w->n);
	secmsg_x25519_free(w->eph);
	kfree_sensitive(w);
}

struct msg1 {
	u8 alg;
	unsigned int uid_len;
	const u8 *eph;
	const u8 *payload;
};

static int parse_msg1(const u8 *m, unsigned int len, struct msg1 *p,
		      char *user_id, struct netlink_ext_ack *extack)
{
	if (len < SECMSG_HS_INIT_MIN || len > SECMSG_HS_INIT_MAX ||
	    m[0] != SECMSG_HS_INIT || m[1] != SECMSG_HS_VERSION) {
		NL_SET_ERR_MSG(extack, "not a handshake message 1");
		return -EINVAL;
	}
	p->alg = m[2];
	p->uid_len = m[3];
	if (!secmsg_alg(p->alg)) {
		NL_SET_ERR_MSG(extack, "handshake names an unknown algorithm");
		return -EINVAL;
	}
	if (len != SECMSG_HS_INIT_MIN - 1 + p->uid_len || !p->uid_len) {
		NL_SET_ERR_MSG(extack, "handshake message 1 has a bad length");
		return -EINVAL;
	}
	memcpy(user_id, m + 4, p->uid_len);
	user_id[p->uid_len] = '\0';
	if (!secmsg_user_id_valid(user_id)) {
		NL_SET_ERR_MSG(extack, "handshake names an invalid user id");
		return -EINVAL;
	}
	p->eph = m + 4 + p->uid_len;
	p->payload = p->eph + SECMSG_X25519_LEN;
	return 0;
}

/*
 * Copy the user's key; after authentication, check the stamp, and once
 * everything else is done, record it (a handshake that fails for any
 * other reason leaves the user as it was: the same message 1 may come
 * again).
 */
static int user_key(struct secmsg_users *reg, const char *id, u8 *pub)
{
	struct secmsg_user *user;

	mutex_lock(&reg->lock);
	user = secmsg_user_find(reg, id);
	if (user)
		memcpy(pub, user->pub, SECMSG_X25519_LEN);
	mutex_unlock(&reg->lock);
	return user ? 0 : -ENOENT;
}

static int user_stamp(struct secmsg_users *reg, const char *id, const u8 *pub,
		      const u8 *ts, bool record)
{
	struct secmsg_user *user;
	int err = 0;

	mutex_lock(&reg->lock);
	user = secmsg_user_find(reg, id);
	if (!user || memcmp(user->pub, pub, SECMSG_X25519_LEN))
		err = -ENOENT;		/* changed under us */
	else if (memcmp(ts, user->last_ts, SECMSG_HS_TIMESTAMP_LEN) <= 0)
		err = -EALREADY;
	if (!err && record) {
		memcpy(user->last_ts, ts, SECMSG_HS_TIMESTAMP_LEN);
		user->last_handshake = ktime_get_real_seconds();
	}
	mutex_unlock(&reg->lock);
	return err;
}

static void unknown_peer(bool link, struct netlink_ext_ack *extack)
{
	if (link)
		NL_SET_ERR_MSG(extack, "unknown node (not in the node registry)");
	else
		NL_SET_ERR_MSG(extack, "unknown user");
}

static int stamp_err(int err, bool link, struct netlink_ext_ack *extack)
{
	if (err == -EALREADY)
		NL_SET_ERR_MSG(extack, "replayed handshake (timestamp not newer)");
	else if (err)
		unknown_peer(link, extack);
	return err;
}

/* Message 1: client ephemeral, es, ss, timestamp. */
static int read_msg1(struct secmsg_users *reg, bool link,
		     struct secmsg_identity *id, struct hs_work *w,
		     const u8 *m1, const struct msg1 *p,
		     struct netlink_ext_ack *extack)
{
	int err;

	err = user_key(reg, w->user_id, w->client_pub);
	if (err) {
		unknown_peer(link, extack);
		return err;
	}
	w->n = secmsg_noise_new(w->client_pub, id->pub);
	if (!w->n)
		return -ENOMEM;
	memcpy(w->client_eph, p->eph, SECMSG_X25519_LEN);
	err = secmsg_noise_mix_hash(w->n, m1, 4 + p->uid_len) ?:
	      secmsg_noise_mix_hash(w->n, w->client_eph, SECMSG_X25519_LEN);
	if (err)
		return err;
	/* (no extack for ENOMEM: the errno says it) */
	err = secmsg_noise_mix_dh(w->n, id->tfm, w->client_eph) ?:
	      secmsg_noise_mix_dh(w->n, id->tfm, w->client_pub);
	if (err == -EINVAL)
		NL_SET_ERR_MSG(extack, "low-order or non-canonical public key");
	if (err)
		return err;
	err = secmsg_noise_decrypt(w->n, p->payload, SECMSG_HS_TIMESTAMP_LEN +
				   SECMSG_AEAD_TAG_LEN, w->ts);
	if (err == -EBADMSG && link)
		NL_SET_ERR_MSG(extack, "handshake authentication failed (node key mismatch)");
	else if (err == -EBADMSG)
		NL_SET_ERR_MSG(extack, "handshake authentication failed (server or user key mismatch)");
	if (err)
		return err;
	return stamp_err(user_stamp(reg, w->user_id, w->client_pub, w->ts,
				    false), link, extack);
}

/* Message 2: server ephemeral, ee, se, empty payload; then split. */
static int write_msg2(struct hs_work *w, u64 session_id, u8 *m2)
{
	__be64 sid = cpu_to_be64(session_id);
	int err;

	m2[0] = SECMSG_HS_RESPONSE;
	m2[1] = SECMSG_HS_VERSION;
	m2[2] = 0;
	m2[3] = 0;
	memcpy(m2 + 4, &sid, sizeof(sid));
	w->eph = secmsg_x25519_new(NULL);
	if (IS_ERR(w->eph)) {
		err = PTR_ERR(w->eph);
		w->eph = NULL;
		return err;
	}
	err = secmsg_x25519(w->eph, NULL, w->server_eph) ?:
	      secmsg_noise_mix_hash(w->n, m2, 12) ?:
	      secmsg_noise_mix_hash(w->n, w->server_eph, SECMSG_X25519_LEN) ?:
	      secmsg_noise_mix_dh(w->n, w->eph, w->client_eph) ?:
	      secmsg_noise_mix_dh(w->n, w->eph, w->client_pub) ?:
	      secmsg_noise_encrypt(w->n, w->ts, 0, m2 + 12 + SECMSG_X25519_LEN) ?:
	      secmsg_noise_split(w->n, w->secret[SECMSG_DIR_C2S],
				 w->secret[SECMSG_DIR_S2C], w->confirm);
	memcpy(m2 + 12, w->server_eph, SECMSG_X25519_LEN);
	/* the ephemeral private key goes now */
	secmsg_x25519_free(w->eph);
	w->eph = NULL;
	return err;
}

struct secmsg_session *secmsg_handshake_session(struct secmsg_net *sn,
						struct secmsg_session_params *p,
						struct netlink_ext_ack *extack)
{
	struct secmsg_session *s;

	p->secret[0] = NULL;
	p->secret[1] = NULL;
	s = secmsg_session_new(sn, p);
	if (PTR_ERR_OR_ZERO(s) == -EBUSY)
		NL_SET_ERR_MSG(extack, "too many pending handshakes (max_pending)");
	else if (PTR_ERR_OR_ZERO(s) == -ENOSPC)
		NL_SET_ERR_MSG(extack, "too many sessions in this namespace (max_sessions)");
	return s;
}

int secmsg_handshake(struct secmsg_net *sn, const u8 *msg1, unsigned int len,
		     struct secmsg_session_params *p,
		     struct secmsg_hs_result *res,
		     struct netlink_ext_ack *extack)
{
	bool link = p->flags & SECMSG_SESSION_F_LINK;
	u8 slot = link ? SECMSG_IDENTITY_SLOT_NODE : SECMSG_IDENTITY_SLOT_SERVER;
	struct secmsg_users *reg = secmsg_registry(sn, slot);
	struct secmsg_identity *id;
	struct secmsg_session *s;
	struct hs_work *w;
	struct msg1 m;
	int err;

	res->session = NULL;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	err = parse_msg1(msg1, len, &m, w->user_id, extack);
	if (err)
		goto out;
	id = secmsg_identity_get(sn, slot);
	if (!id) {
		if (link)
			NL_SET_ERR_MSG(extack, "no node identity (IDENTITY_SET or IDENTITY_GENERATE with slot node)");
		else
			NL_SET_ERR_MSG(extack, "no server identity (secmsgctl identity generate|set)");
		err = -ENOKEY;
		goto out;
	}
	err = read_msg1(reg, link, id, w, msg1, &m, extack);
	secmsg_identity_put(id);
	if (err)
		goto out;

	p->user_id = w->user_id;
	p->alg = m.alg;
	p->unpublished = true;
	s = secmsg_handshake_session(sn, p, extack);
	if (IS_ERR(s)) {
		err = PTR_ERR(s);
		goto out;
	}
	err = write_msg2(w, s->id, res->msg2);
	if (err)
		NL_SET_ERR_MSG(extack, "handshake failed");
	else	/* last: a concurrent handshake of the user may have won */
		err = stamp_err(user_stamp(reg, w->user_id, w->client_pub,
					   w->ts, true), link, extack);
	if (err) {
		secmsg_session_abort(s);
		secmsg_session_put(s);
		goto out;
	}
	secmsg_session_install(s, w->secret[SECMSG_DIR_C2S],
			       w->secret[SECMSG_DIR_S2C], w->confirm);
	secmsg_session_publish(s);
	res->session = s;
out:
	hs_work_free(w);
	return err;
}

int secmsg_handshake_confirm(struct secmsg_session *s, const u8 *msg3,
			     unsigned int len, struct netlink_ext_ack *extack)
{
	int err;

	if (len != SECMSG_HS_CONFIRM_LEN || msg3[0] != SECMSG_HS_CONFIRM ||
	    msg3[1] != SECMSG_HS_VERSION || msg3[2] || msg3[3] ||
	    get_unaligned_be64(msg3 + 4) != s->id) {
		NL_SET_ERR_MSG(extack, "not a handshake message 3 for this session");
		return -EINVAL;
	}
	err = secmsg_session_confirm(s, msg3 + 12);
	if (err == -EBADMSG) {
		NL_SET_ERR_MSG(extack, "wrong key confirmation");
		secmsg_session_delete(s, SECMSG_REASON_HANDSHAKE);
	} else if (err == -EALREADY) {
		NL_SET_ERR_MSG(extack, "session already confirmed");
	} else if (err) {
		NL_SET_ERR_MSG(extack, "session gone");
	}
	return err;
}
