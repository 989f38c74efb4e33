// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libsecmsg netlink commands of session establishment
 * (secmsg/nl_identity.h): identity, users, handshake, and the X25519 and
 * HKDF operations of SECMSG_CMD_CRYPT.  Built on the transport and the
 * parsers of internal.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "internal.h"
#include "secmsg/nl_identity.h"

/* Largest payload of one attribute (nla_len is 16 bits). */
#define NLA_MAX_PAYLOAD	(0xffff - NLA_HDRLEN)
#define KLEN		SECMSG_X25519_LEN

static size_t attr_size(size_t len)
{
	return (size_t)NLA_HDRLEN + NLA_ALIGN(len);
}

static int malformed(struct secmsg_nl *nl, const char *what)
{
	secmsg_nl_set_err(nl, "libsecmsg: malformed reply: %s", what);
	return -EIO;
}

/* secmsg_nl_transact passes only messages with a genl header */
static int parse_reply(struct secmsg_nl *nl, const struct nlmsghdr *h,
		       struct nlattr **tb)
{
	return secmsg_parse_genl(h, tb, nl->errmsg, sizeof(nl->errmsg));
}

/* A 32-byte public key attribute into out (may be NULL). */
static int get_pub(struct secmsg_nl *nl, struct nlattr *a, uint8_t *out)
{
	if (!a || nla_len(a) != KLEN)
		return malformed(nl, "public key missing or not 32 bytes");
	if (out)
		memcpy(out, nla_data(a), KLEN);
	return 0;
}


/* ---- identity ---- */

struct pub_ctx {
	uint8_t *out;
	bool got;
};

static int pub_reply(struct secmsg_nl *nl, const struct nlmsghdr *h,
		     void *arg)
{
	struct nlattr *tb[SECMSG_A_MAX + 1];
	struct pub_ctx *c = arg;
	int err = parse_reply(nl, h, tb);

	if (!err)
		err = get_pub(nl, tb[SECMSG_A_PUBLIC_KEY], c->out);
	c->got = !err;
	return err;
}

static int pub_cmd(struct secmsg_nl *nl, struct nl_msg *msg, uint8_t *out)
{
	struct pub_ctx c = { .out = out };
	int err = secmsg_nl_run(nl, msg, pub_reply, &c);

	err = secmsg_nl_need(nl, err, c.got, "public key");
	return err;
}

int secmsg_identity_set(struct secmsg_nl *nl, const uint8_t priv[KLEN],
			uint8_t pub_out[KLEN])
{
	struct nl_msg *msg;

	if (!nl || !priv)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	msg = secmsg_nl_req(nl, SECMSG_CMD_IDENTITY_SET, 0, attr_size(KLEN));
	if (!msg)
		return -ENOMEM;
	if (nla_put(msg, SECMSG_A_PRIVATE_KEY, KLEN, priv)) {
		secmsg_nl_req_free(msg);
		return -EMSGSIZE;
	}
	return pub_cmd(nl, msg, pub_out);
}

int secmsg_identity_generate(struct secmsg_nl *nl, uint8_t pub_out[KLEN])
{
	struct nl_msg *msg;

	if (!nl)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	msg = secmsg_nl_req(nl, SECMSG_CMD_IDENTITY_GENERATE, 0, 0);
	return msg ? pub_cmd(nl, msg, pub_out) : -ENOMEM;
}

int secmsg_identity_get(struct secmsg_nl *nl, uint8_t pub_out[KLEN])
{
	struct nl_msg *msg;

	if (!nl)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	msg = secmsg_nl_req(nl, SECMSG_CMD_IDENTITY_GET, 0, 0);
	return msg ? pub_cmd(nl, msg, pub_out) : -ENOMEM;
}

/* ---- users ---- */

static struct nl_msg *user_req(struct secmsg_nl *nl, uint8_t cmd,
			       const char *user_id, size_t more)
{
	size_t len = strlen(user_id) + 1;
	struct nl_msg *msg;

	if (len > NLA_MAX_PAYLOAD)
		return NULL;
	msg = secmsg_nl_req(nl, cmd, 0, attr_size(len) + more);
	if (msg && nla_put_string(msg, SECMSG_A_USER_ID, user_id)) {
		secmsg_nl_req_free(msg);
		return NULL;
	}
	return msg;
}

static int parse_user(struct secmsg_nl *nl, const struct nlmsghdr *h,
		      struct secmsg_user_info *u)
{
	struct nlattr *tb[SECMSG_A_MAX + 1];
	int err;

	memset(u, 0, sizeof(*u));
	err = parse_reply(nl, h, tb);
	if (err)
		return err;
	if (!tb[SECMSG_A_USER_ID])
		return malformed(nl, "no user id");
	/* checked: NUL-terminated within SECMSG_USER_ID_MAX + 1 bytes */
	snprintf(u->user_id, sizeof(u->user_id), "%s",
		 (const char *)nla_data(tb[SECMSG_A_USER_ID]));
	err = get_pub(nl, tb[SECMSG_A_PUBLIC_KEY], u->public_key);
	if (err)
		return err;
	if (tb[SECMSG_A_LAST_HANDSHAKE]) {
		u->has_last_handshake = true;
		u->last_handshake = nla_get_u64(tb[SECMSG_A_LAST_HANDSHAKE]);
	}
	return 0;
}

int secmsg_user_add(struct secmsg_nl *nl, const char *user_id,
		    const uint8_t pub[KLEN])
{
	struct nl_msg *msg;

	if (!nl || !user_id || !pub)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	msg = user_req(nl, SECMSG_CMD_USER_ADD, user_id, attr_size(KLEN));
	if (!msg)
		return -ENOMEM;
	if (nla_put(msg, SECMSG_A_PUBLIC_KEY, KLEN, pub)) {
		secmsg_nl_req_free(msg);
		return -EMSGSIZE;
	}
	return secmsg_nl_run(nl, msg, NULL, NULL);
}

int secmsg_user_del(struct secmsg_nl *nl, const char *user_id)
{
	struct nl_msg *msg;

	if (!nl || !user_id)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	msg = user_req(nl, SECMSG_CMD_USER_DEL, user_id, 0);
	return msg ? secmsg_nl_run(nl, msg, NULL, NULL) : -ENOMEM;
}

struct user_ctx {
	struct secmsg_user_info *out;
	secmsg_user_cb cb;
	void *arg;
	bool got;
};

static int user_reply(struct secmsg_nl *nl, const struct nlmsghdr *h,
		      void *arg)
{
	struct user_ctx *c = arg;
	struct secmsg_user_info tmp;
	int err;

	err = parse_user(nl, h, c->out ? c->out : &tmp);
	c->got = !err;
	return err;
}

int secmsg_user_get(struct secmsg_nl *nl, const char *user_id,
		    struct secmsg_user_info *out)
{
	struct user_ctx c = { .out = out };
	struct nl_msg *msg;
	int err;

	if (!nl || !user_id)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	msg = user_req(nl, SECMSG_CMD_USER_GET, user_id, 0);
	if (!msg)
		return -ENOMEM;
	err = secmsg_nl_run(nl, msg, user_reply, &c);
	err = secmsg_nl_need(nl, err, c.got, "user");
	return err;
}

static int user_dump_reply(struct secmsg_nl *nl, const struct nlmsghdr *h,
			   void *arg)
{
	struct user_ctx *c = arg;
	struct secmsg_user_info u;
	int err;

	err = parse_user(nl, h, &u);
	return err ? err : c->cb(&u, c->arg);
}

int secmsg_user_dump(struct secmsg_nl *nl, secmsg_user_cb cb, void *arg)
{
	struct user_ctx c = { .cb = cb, .arg = arg };
	struct nl_msg *msg;

	if (!nl || !cb)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	msg = secmsg_nl_req(nl, SECMSG_CMD_USER_GET, NLM_F_DUMP, 0);
	if (!msg)
		return -ENOMEM;
	/* a nonzero cb return stops the callbacks; the dump is drained */
	return secmsg_nl_run(nl, msg, user_dump_reply, &c);
}

/* ---- handshake ---- */

#define POLICY_SIZE	(NLA_HDRLEN + 4 * attr_size(4) + attr_size(8))

struct hs_ctx {
	uint64_t *session_id;
	uint8_t *msg2;
	size_t *msg2_len;
	bool got;
};

static int hs_reply(struct secmsg_nl *nl, const struct nlmsghdr *h,
		    void *arg)
{
	struct nlattr *tb[SECMSG_A_MAX + 1];
	struct hs_ctx *c = arg;
	size_t len;
	int err;

	err = parse_reply(nl, h, tb);
	if (err)
		return err;
	if (!tb[SECMSG_A_SESSION_ID] || !tb[SECMSG_A_HANDSHAKE])
		return malformed(nl, "no session id or message 2");
	len = (size_t)nla_len(tb[SECMSG_A_HANDSHAKE]);
	if (len > *c->msg2_len) {
		secmsg_nl_set_err(nl, "libsecmsg: message 2 of %zu bytes, "
				  "room for %zu", len, *c->msg2_len);
		return -ENOSPC;
	}
	memcpy(c->msg2, nla_data(tb[SECMSG_A_HANDSHAKE]), len);
	*c->msg2_len = len;
	*c->session_id = nla_get_u64(tb[SECMSG_A_SESSION_ID]);
	c->got = true;
	return 0;
}

int secmsg_handshake(struct secmsg_nl *nl, const uint8_t *msg1, size_t len,
		     const struct secmsg_policy *policy, uint32_t flags,
		     uint64_t *session_id, uint8_t *msg2, size_t *msg2_len)
{
	struct hs_ctx c = {
		.session_id = session_id, .msg2 = msg2, .msg2_len = msg2_len,
	};
	struct nl_msg *msg;
	int err;

	if (!nl || (len && !msg1) || !session_id || !msg2 || !msg2_len)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	if (len > NLA_MAX_PAYLOAD)
		return -EMSGSIZE;
	msg = secmsg_nl_req(nl, SECMSG_CMD_HANDSHAKE, 0,
			    attr_size(len) + POLICY_SIZE + attr_size(4));
	if (!msg)
		return -ENOMEM;
	if (nla_put(msg, SECMSG_A_HANDSHAKE, (int)len,
		    len ? msg1 : (const void *)"") ||
	    secmsg_nl_put_policy(msg, policy) ||
	    (flags && nla_put_u32(msg, SECMSG_A_FLAGS, flags))) {
		secmsg_nl_req_free(msg);
		return -EMSGSIZE;
	}
	err = secmsg_nl_run(nl, msg, hs_reply, &c);
	err = secmsg_nl_need(nl, err, c.got, "message 2");
	return err;
}

int secmsg_handshake_confirm(struct secmsg_nl *nl, uint64_t session_id,
			     const uint8_t *msg3, size_t len,
			     struct secmsg_session_info *out)
{
	struct secmsg_nl_session_ctx c = { .out = out };
	struct nl_msg *msg;
	int err;

	if (!nl || (len && !msg3))
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	if (len > NLA_MAX_PAYLOAD)
		return -EMSGSIZE;
	msg = secmsg_nl_req(nl, SECMSG_CMD_HANDSHAKE_CONFIRM, 0,
			    attr_size(8) + attr_size(len));
	if (!msg)
		return -ENOMEM;
	if (nla_put_u64(msg, SECMSG_A_SESSION_ID, session_id) ||
	    nla_put(msg, SECMSG_A_HANDSHAKE, (int)len,
		    len ? msg3 : (const void *)"")) {
		secmsg_nl_req_free(msg);
		return -EMSGSIZE;
	}
	err = secmsg_nl_run(nl, msg, secmsg_nl_session_reply, &c);
	/* the uapi documents no reply: fetch the session when asked */
	if (!err && !c.got && out)
		err = secmsg_session_get(nl, session_id, out);
	return err;
}

/* ---- X25519 and HKDF of SECMSG_CMD_CRYPT ---- */

struct data_ctx {
	uint8_t *out;
	size_t len;	/* exact length expected */
	bool got;
};

static int data_reply(struct secmsg_nl *nl, const struct nlmsghdr *h,
		      void *arg)
{
	struct data_ctx *c = arg;
	const uint8_t *nonce, *data;
	size_t nonce_len, data_len;
	int err;

	err = secmsg_parse_crypt(h, &nonce, &nonce_len, &data, &data_len,
				 nl->errmsg, sizeof(nl->errmsg));
	if (err)
		return err;
	if (data_len != c->len) {
		secmsg_nl_set_err(nl, "libsecmsg: %zu bytes of output, "
				  "expected %zu", data_len, c->len);
		return -EIO;
	}
	memcpy(c->out, data, data_len);
	c->got = true;
	return 0;
}

static int data_cmd(struct secmsg_nl *nl, struct nl_msg *msg, uint8_t *out,
		    size_t len)
{
	struct data_ctx c = { .out = out, .len = len };
	int err = secmsg_nl_run(nl, msg, data_reply, &c);

	err = secmsg_nl_need(nl, err, c.got, "data");
	return err;
}

int secmsg_crypt_x25519(struct secmsg_nl *nl, const uint8_t priv[KLEN],
			const uint8_t pub[KLEN], uint8_t shared[KLEN])
{
	struct nl_msg *msg;

	if (!nl || !priv || !pub || !shared)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	msg = secmsg_nl_req(nl, SECMSG_CMD_CRYPT, 0,
			    attr_size(1) + 2 * attr_size(KLEN));
	if (!msg)
		return -ENOMEM;
	if (nla_put_u8(msg, SECMSG_A_CRYPT_OP, SECMSG_CRYPT_X25519) ||
	    nla_put(msg, SECMSG_A_KEY, KLEN, priv) ||
	    nla_put(msg, SECMSG_A_DATA, KLEN, pub)) {
		secmsg_nl_req_free(msg);
		return -EMSGSIZE;
	}
	return data_cmd(nl, msg, shared, KLEN);
}

int secmsg_crypt_hkdf(struct secmsg_nl *nl, const uint8_t *salt,
		      size_t salt_len, const uint8_t *ikm, size_t ikm_len,
		      const uint8_t *info, size_t info_len, uint8_t *out,
		      size_t out_len)
{
	struct nl_msg *msg;

	if (!nl || (!salt && salt_len) || (!info && info_len) ||
	    (ikm_len && !ikm) || (out_len && !out))
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	if (salt_len > NLA_MAX_PAYLOAD || ikm_len > NLA_MAX_PAYLOAD ||
	    info_len > NLA_MAX_PAYLOAD || out_len > UINT32_MAX)
		return -EMSGSIZE;
	msg = secmsg_nl_req(nl, SECMSG_CMD_CRYPT, 0,
			    attr_size(1) + attr_size(4) + attr_size(salt_len) +
			    attr_size(ikm_len) + attr_size(info_len));
	if (!msg)
		return -ENOMEM;
	if (nla_put_u8(msg, SECMSG_A_CRYPT_OP, SECMSG_CRYPT_HKDF) ||
	    nla_put(msg, SECMSG_A_DATA, (int)ikm_len,
		    ikm_len ? ikm : (const void *)"") ||
	    (salt && nla_put(msg, SECMSG_A_SALT, (int)salt_len,
			     salt_len ? salt : (const void *)"")) ||
	    (info && nla_put(msg, SECMSG_A_INFO, (int)info_len,
			     info_len ? info : (const void *)"")) ||
	    nla_put_u32(msg, SECMSG_A_LENGTH, (uint32_t)out_len)) {
		secmsg_nl_req_free(msg);
		return -EMSGSIZE;
	}
	return data_cmd(nl, msg, out, out_len);
}
