// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libsecmsg netlink commands of session establishment
 * (secmsg/nl_identity.h): identities and registries by slot (the server
 * identity and the users, the node identity and the peer nodes), the
 * handshake and the link handshake, and the X25519 and HKDF operations of
 * SECMSG_CMD_CRYPT.  Built on the transport and the parsers of internal.h.
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


/* A user id or node name into out (SECMSG_USER_ID_MAX + 1 bytes). */
static void copy_id(char *out, const struct nlattr *a)
{
	/* checked: NUL-terminated within SECMSG_USER_ID_MAX + 1 bytes */
	snprintf(out, SECMSG_USER_ID_MAX + 1, "%s",
		 (const char *)nla_data(a));
}

/*
 * A request of cmd with the slot (not sent for the server's, the
 * default: kernels without slots take those requests too) and, when id
 * is not NULL, the user id or node name; more: room for the rest.
 */
static struct nl_msg *slot_req(struct secmsg_nl *nl, uint8_t cmd, int flags,
			       int slot, const char *id, size_t more)
{
	size_t len = id ? strlen(id) + 1 : 0;
	struct nl_msg *msg;

	if (len > NLA_MAX_PAYLOAD || slot < 0 || slot > UINT8_MAX)
		return NULL;
	msg = secmsg_nl_req(nl, cmd, flags,
			    attr_size(1) + attr_size(len) + more);
	if (msg && ((slot && nla_put_u8(msg, SECMSG_A_SLOT, (uint8_t)slot)) ||
		    (id && nla_put_string(msg, SECMSG_A_USER_ID, id)))) {
		secmsg_nl_req_free(msg);
		return NULL;
	}
	return msg;
}

/* ---- identity ---- */

struct pub_ctx {
	uint8_t *out;
	char *name;		/* may be NULL */
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
	if (!err && c->name) {
		c->name[0] = '\0';
		if (tb[SECMSG_A_USER_ID])
			copy_id(c->name, tb[SECMSG_A_USER_ID]);
	}
	c->got = !err;
	return err;
}

static int pub_cmd(struct secmsg_nl *nl, struct nl_msg *msg, uint8_t *out,
		   char *name)
{
	struct pub_ctx c = { .out = out, .name = name };
	int err = secmsg_nl_run(nl, msg, pub_reply, &c);

	err = secmsg_nl_need(nl, err, c.got, "public key");
	return err;
}

int secmsg_identity_set_slot(struct secmsg_nl *nl, int slot, const char *name,
			     const uint8_t priv[KLEN], uint8_t pub_out[KLEN])
{
	struct nl_msg *msg;

	if (!nl || !priv)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	msg = slot_req(nl, SECMSG_CMD_IDENTITY_SET, 0, slot, name,
		       attr_size(KLEN));
	if (!msg)
		return -EMSGSIZE;
	if (nla_put(msg, SECMSG_A_PRIVATE_KEY, KLEN, priv)) {
		secmsg_nl_req_free(msg);
		return -EMSGSIZE;
	}
	return pub_cmd(nl, msg, pub_out, NULL);
}

int secmsg_identity_set(struct secmsg_nl *nl, const uint8_t priv[KLEN],
			uint8_t pub_out[KLEN])
{
	return secmsg_identity_set_slot(nl, SECMSG_IDENTITY_SLOT_SERVER, NULL,
					priv, pub_out);
}

int secmsg_identity_generate_slot(struct secmsg_nl *nl, int slot,
				  const char *name, uint8_t pub_out[KLEN])
{
	struct nl_msg *msg;

	if (!nl)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	msg = slot_req(nl, SECMSG_CMD_IDENTITY_GENERATE, 0, slot, name, 0);
	return msg ? pub_cmd(nl, msg, pub_out, NULL) : -EMSGSIZE;
}

int secmsg_identity_generate(struct secmsg_nl *nl, uint8_t pub_out[KLEN])
{
	return secmsg_identity_generate_slot(nl, SECMSG_IDENTITY_SLOT_SERVER,
					     NULL, pub_out);
}

int secmsg_identity_get_slot(struct secmsg_nl *nl, int slot,
			     char name_out[SECMSG_USER_ID_MAX + 1],
			     uint8_t pub_out[KLEN])
{
	struct nl_msg *msg;

	if (!nl)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	msg = slot_req(nl, SECMSG_CMD_IDENTITY_GET, 0, slot, NULL, 0);
	return msg ? pub_cmd(nl, msg, pub_out, name_out) : -EMSGSIZE;
}

int secmsg_identity_get(struct secmsg_nl *nl, uint8_t pub_out[KLEN])
{
	return secmsg_identity_get_slot(nl, SECMSG_IDENTITY_SLOT_SERVER, NULL,
					pub_out);
}

/* ---- users (server slot) and nodes (node slot) ---- */

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
	copy_id(u->user_id, tb[SECMSG_A_USER_ID]);
	err = get_pub(nl, tb[SECMSG_A_PUBLIC_KEY], u->public_key);
	if (err)
		return err;
	if (tb[SECMSG_A_LAST_HANDSHAKE]) {
		u->has_last_handshake = true;
		u->last_handshake = nla_get_u64(tb[SECMSG_A_LAST_HANDSHAKE]);
	}
	return 0;
}

int secmsg_user_add_slot(struct secmsg_nl *nl, int slot, const char *user_id,
			 const uint8_t pub[KLEN])
{
	struct nl_msg *msg;

	if (!nl || !user_id || !pub)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	msg = slot_req(nl, SECMSG_CMD_USER_ADD, 0, slot, user_id,
		       attr_size(KLEN));
	if (!msg)
		return -EMSGSIZE;
	if (nla_put(msg, SECMSG_A_PUBLIC_KEY, KLEN, pub)) {
		secmsg_nl_req_free(msg);
		return -EMSGSIZE;
	}
	return secmsg_nl_run(nl, msg, NULL, NULL);
}

int secmsg_user_add(struct secmsg_nl *nl, const char *user_id,
		    const uint8_t pub[KLEN])
{
	return secmsg_user_add_slot(nl, SECMSG_IDENTITY_SLOT_SERVER, user_id,
				    pub);
}

int secmsg_user_del_slot(struct secmsg_nl *nl, int slot, const char *user_id)
{
	struct nl_msg *msg;

	if (!nl || !user_id)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	msg = slot_req(nl, SECMSG_CMD_USER_DEL, 0, slot, user_id, 0);
	return msg ? secmsg_nl_run(nl, msg, NULL, NULL) : -EMSGSIZE;
}

int secmsg_user_del(struct secmsg_nl *nl, const char *user_id)
{
	return secmsg_user_del_slot(nl, SECMSG_IDENTITY_SLOT_SERVER, user_id);
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

int secmsg_user_get_slot(struct secmsg_nl *nl, int slot, const char *user_id,
			 struct secmsg_user_info *out)
{
	struct user_ctx c = { .out = out };
	struct nl_msg *msg;
	int err;

	if (!nl || !user_id)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	msg = slot_req(nl, SECMSG_CMD_USER_GET, 0, slot, user_id, 0);
	if (!msg)
		return -EMSGSIZE;
	err = secmsg_nl_run(nl, msg, user_reply, &c);
	err = secmsg_nl_need(nl, err, c.got, "user");
	return err;
}

int secmsg_user_get(struct secmsg_nl *nl, const char *user_id,
		    struct secmsg_user_info *out)
{
	return secmsg_user_get_slot(nl, SECMSG_IDENTITY_SLOT_SERVER, user_id,
				    out);
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

int secmsg_user_dump_slot(struct secmsg_nl *nl, int slot, secmsg_user_cb cb,
			  void *arg)
{
	struct user_ctx c = { .cb = cb, .arg = arg };
	struct nl_msg *msg;

	if (!nl || !cb)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	msg = slot_req(nl, SECMSG_CMD_USER_GET, NLM_F_DUMP, slot, NULL, 0);
	if (!msg)
		return -EMSGSIZE;
	/* a nonzero cb return stops the callbacks; the dump is drained */
	return secmsg_nl_run(nl, msg, user_dump_reply, &c);
}

int secmsg_user_dump(struct secmsg_nl *nl, secmsg_user_cb cb, void *arg)
{
	return secmsg_user_dump_slot(nl, SECMSG_IDENTITY_SLOT_SERVER, cb, arg);
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

/* A request of cmd with a session id and a handshake message (len bytes). */
static int session_hs_req(struct secmsg_nl *nl, uint8_t cmd,
			  uint64_t session_id, const uint8_t *hs, size_t len,
			  struct nl_msg **out)
{
	struct nl_msg *msg;

	if (len > NLA_MAX_PAYLOAD)
		return -EMSGSIZE;
	msg = secmsg_nl_req(nl, cmd, 0, attr_size(8) + attr_size(len));
	if (!msg)
		return -ENOMEM;
	if (nla_put_u64(msg, SECMSG_A_SESSION_ID, session_id) ||
	    nla_put(msg, SECMSG_A_HANDSHAKE, (int)len,
		    len ? hs : (const void *)"")) {
		secmsg_nl_req_free(msg);
		return -EMSGSIZE;
	}
	*out = msg;
	return 0;
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
	err = session_hs_req(nl, SECMSG_CMD_HANDSHAKE_CONFIRM, session_id,
			     msg3, len, &msg);
	if (err)
		return err;
	err = secmsg_nl_run(nl, msg, secmsg_nl_session_reply, &c);
	/* the uapi documents no reply: fetch the session when asked */
	if (!err && !c.got && out)
		err = secmsg_session_get(nl, session_id, out);
	return err;
}

/* ---- links between nodes: the initiator's handshake ---- */

int secmsg_link_init(struct secmsg_nl *nl, const char *node, int alg,
		     const struct secmsg_policy *policy, uint32_t flags,
		     uint64_t *session_id, uint8_t *msg1, size_t *msg1_len)
{
	struct hs_ctx c = {
		.session_id = session_id, .msg2 = msg1, .msg2_len = msg1_len,
	};
	struct nl_msg *msg;
	int err;

	if (!nl || !node || !session_id || !msg1 || !msg1_len)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	msg = slot_req(nl, SECMSG_CMD_LINK_INIT, 0, 0, node,
		       attr_size(4) + POLICY_SIZE + attr_size(4));
	if (!msg)
		return -EMSGSIZE;
	if (nla_put_u32(msg, SECMSG_A_ALG, (uint32_t)alg) ||
	    secmsg_nl_put_policy(msg, policy) ||
	    (flags && nla_put_u32(msg, SECMSG_A_FLAGS, flags))) {
		secmsg_nl_req_free(msg);
		return -EMSGSIZE;
	}
	err = secmsg_nl_run(nl, msg, hs_reply, &c);
	err = secmsg_nl_need(nl, err, c.got, "message 1");
	return err;
}

struct finish_ctx {
	struct secmsg_session_info *out;	/* may be NULL */
	uint8_t *msg3;
	size_t *msg3_len;
	bool got;
};

/* The session (as SESSION_GET) and message 3. */
static int finish_reply(struct secmsg_nl *nl, const struct nlmsghdr *h,
			void *arg)
{
	struct nlattr *tb[SECMSG_A_MAX + 1];
	struct finish_ctx *c = arg;
	struct secmsg_session_info tmp;
	size_t len;
	int err;

	err = secmsg_parse_session(h, c->out ? c->out : &tmp, nl->errmsg,
				   sizeof(nl->errmsg));
	if (!err)
		err = parse_reply(nl, h, tb);
	if (err)
		return err;
	if (!tb[SECMSG_A_HANDSHAKE])
		return malformed(nl, "no message 3");
	len = (size_t)nla_len(tb[SECMSG_A_HANDSHAKE]);
	if (len > *c->msg3_len) {
		secmsg_nl_set_err(nl, "libsecmsg: message 3 of %zu bytes, "
				  "room for %zu", len, *c->msg3_len);
		return -ENOSPC;
	}
	memcpy(c->msg3, nla_data(tb[SECMSG_A_HANDSHAKE]), len);
	*c->msg3_len = len;
	c->got = true;
	return 0;
}

int secmsg_link_finish(struct secmsg_nl *nl, uint64_t session_id,
		       const uint8_t *msg2, size_t len, uint8_t *msg3,
		       size_t *msg3_len, struct secmsg_session_info *out)
{
	struct finish_ctx c = {
		.out = out, .msg3 = msg3, .msg3_len = msg3_len,
	};
	struct nl_msg *msg;
	int err;

	if (!nl || (len && !msg2) || !msg3 || !msg3_len)
		return -EINVAL;
	secmsg_nl_clear_err(nl);
	err = session_hs_req(nl, SECMSG_CMD_LINK_FINISH, session_id, msg2, len,
			     &msg);
	if (err)
		return err;
	err = secmsg_nl_run(nl, msg, finish_reply, &c);
	err = secmsg_nl_need(nl, err, c.got, "message 3");
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
