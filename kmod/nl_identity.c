// SPDX-License-Identifier: GPL-2.0
/* Identity, user and handshake commands. */
#include <net/genetlink.h>
#include <net/sock.h>

#include "handshake.h"
#include "identity.h"
#include "netlink.h"
#include "secmsg.h"

/* Send msg (allocated for it) with one attribute; msg is consumed. */
static int reply_attr_in(struct genl_info *info, struct sk_buff *msg,
			 int type, const void *data, unsigned int len)
{
	void *hdr;

	hdr = genlmsg_put_reply(msg, info, &secmsg_family, 0,
				info->genlhdr->cmd);
	if (!hdr || nla_put(msg, type, len, data)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* A reply carrying one attribute. */
static int reply_attr(struct genl_info *info, int type, const void *data,
		      unsigned int len)
{
	struct sk_buff *msg = genlmsg_new(nla_total_size(len), GFP_KERNEL);

	if (!msg)
		return -ENOMEM;
	return reply_attr_in(info, msg, type, data, len);
}

static int identity_install(struct genl_info *info, const u8 *priv)
{
	u8 pub[SECMSG_X25519_LEN];
	struct sk_buff *msg;
	int err;

	/* before the identity changes: a failed reply must change nothing */
	msg = genlmsg_new(nla_total_size(sizeof(pub)), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = secmsg_identity_set(secmsg_info_net(info), priv, pub);
	if (err) {
		GENL_SET_ERR_MSG(info, "cannot install the identity key");
		nlmsg_free(msg);
		return err;
	}
	return reply_attr_in(info, msg, SECMSG_A_PUBLIC_KEY, pub, sizeof(pub));
}

int secmsg_nl_identity_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	if (SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_PRIVATE_KEY))
		return -EINVAL;
	return identity_install(info,
				nla_data(info->attrs[SECMSG_A_PRIVATE_KEY]));
}

int secmsg_nl_identity_generate_doit(struct sk_buff *skb,
				     struct genl_info *info)
{
	return identity_install(info, NULL);
}

int secmsg_nl_identity_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct secmsg_identity *id = secmsg_identity_get(secmsg_info_net(info));
	int err;

	if (!id) {
		GENL_SET_ERR_MSG(info, "no server identity");
		return -ENOKEY;
	}
	err = reply_attr(info, SECMSG_A_PUBLIC_KEY, id->pub, sizeof(id->pub));
	secmsg_identity_put(id);
	return err;
}

static const char *user_id_attr(struct genl_info *info)
{
	const char *id;

	if (SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_USER_ID))
		return NULL;
	id = nla_data(info->attrs[SECMSG_A_USER_ID]);
	if (!secmsg_user_id_valid(id)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SECMSG_A_USER_ID],
				    "user id must be 1-64 of [A-Za-z0-9._@-], not starting with '.' or '-'");
		return NULL;
	}
	return id;
}

int secmsg_nl_user_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct secmsg_users *u = &secmsg_info_net(info)->users;
	const char *id = user_id_attr(info);
	const u8 *pub;
	int err;

	if (!id || SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_PUBLIC_KEY))
		return -EINVAL;
	pub = nla_data(info->attrs[SECMSG_A_PUBLIC_KEY]);
	if (!secmsg_x25519_canonical(pub)) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[SECMSG_A_PUBLIC_KEY],
				    "non-canonical X25519 public key");
		return -EINVAL;
	}
	mutex_lock(&u->lock);
	err = secmsg_user_add(u, id, pub);
	mutex_unlock(&u->lock);
	if (err == -EEXIST)
		GENL_SET_ERR_MSG(info, "user exists (delete it first)");
	return err;
}

int secmsg_nl_user_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct secmsg_users *u = &secmsg_info_net(info)->users;
	const char *id = user_id_attr(info);
	struct secmsg_user *user;

	if (!id)
		return -EINVAL;
	mutex_lock(&u->lock);
	user = secmsg_user_find(u, id);
	if (user)
		secmsg_user_del(u, user);
	mutex_unlock(&u->lock);
	if (!user) {
		GENL_SET_ERR_MSG(info, "no such user");
		return -ENOENT;
	}
	return 0;
}

static int fill_user(struct sk_buff *skb, const struct secmsg_user *user,
		     u32 portid, u32 seq, int flags)
{
	void *hdr = genlmsg_put(skb, portid, seq, &secmsg_family, flags,
				SECMSG_CMD_USER_GET);

	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, SECMSG_A_USER_ID, user->id) ||
	    nla_put(skb, SECMSG_A_PUBLIC_KEY, SECMSG_X25519_LEN, user->pub) ||
	    (user->last_handshake &&
	     nla_put_u64_64bit(skb, SECMSG_A_LAST_HANDSHAKE,
			       user->last_handshake, SECMSG_A_PAD))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

int secmsg_nl_user_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct secmsg_users *u = &secmsg_info_net(info)->users;
	const char *id = user_id_attr(info);
	struct secmsg_user *user;
	struct sk_buff *msg;
	int err = -ENOENT;

	if (!id)
		return -EINVAL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&u->lock);
	user = secmsg_user_find(u, id);
	if (user)
		err = fill_user(msg, user, info->snd_portid, info->snd_seq, 0);
	mutex_unlock(&u->lock);
	if (err) {
		if (err == -ENOENT)
			GENL_SET_ERR_MSG(info, "no such user");
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* Users are dumped in order of addition, resuming after the last sent. */
int secmsg_nl_user_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct secmsg_users *u = &secmsg_net(sock_net(skb->sk))->users;
	struct secmsg_user *user;
	u64 *last = (u64 *)&cb->args[0];
	int sent = 0;

	mutex_lock(&u->lock);
	list_for_each_entry(user, &u->list, lnode) {
		if (user->order <= *last)
			continue;
		if (fill_user(skb, user, NETLINK_CB(cb->skb).portid,
			      cb->nlh->nlmsg_seq, NLM_F_MULTI))
			break;
		*last = user->order;
		sent++;
	}
	mutex_unlock(&u->lock);
	return sent ? skb->len : 0;
}

int secmsg_nl_handshake_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct secmsg_session_params p = {};
	struct secmsg_hs_result *res;
	struct secmsg_session *s;
	struct sk_buff *msg = NULL;
	void *hdr;
	int err;

	if (SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_HANDSHAKE))
		return -EINVAL;
	err = secmsg_nl_parse_policy(info, &p.pol, &p.pol_set);
	if (err)
		return err;
	if (info->attrs[SECMSG_A_FLAGS])
		p.flags = nla_get_u32(info->attrs[SECMSG_A_FLAGS]);
	p.owner_portid = info->snd_portid;
	/* allocated first: a failed allocation must leave nothing done */
	res = kzalloc(sizeof(*res), GFP_KERNEL);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	err = -ENOMEM;
	if (!res || !msg)
		goto out;
	err = secmsg_handshake(secmsg_info_net(info),
			       nla_data(info->attrs[SECMSG_A_HANDSHAKE]),
			       nla_len(info->attrs[SECMSG_A_HANDSHAKE]), &p, res,
			       info->extack);
	if (err)
		goto out;
	s = res->session;
	hdr = genlmsg_put_reply(msg, info, &secmsg_family, 0,
				SECMSG_CMD_HANDSHAKE);
	err = -EMSGSIZE;
	if (!hdr ||
	    nla_put_u64_64bit(msg, SECMSG_A_SESSION_ID, s->id, SECMSG_A_PAD) ||
	    nla_put_string(msg, SECMSG_A_USER_ID, s->user_id) ||
	    nla_put_u32(msg, SECMSG_A_ALG, p.alg) ||
	    nla_put(msg, SECMSG_A_HANDSHAKE, sizeof(res->msg2), res->msg2))
		goto out_del;
	genlmsg_end(msg, hdr);
	err = genlmsg_reply(msg, info);
	msg = NULL;
	if (!err)
		goto out_put;
out_del:
	secmsg_session_delete(s, SECMSG_REASON_HANDSHAKE);
out_put:
	secmsg_session_put(s);
out:
	nlmsg_free(msg);
	kfree_sensitive(res);
	return err;
}

int secmsg_nl_handshake_confirm_doit(struct sk_buff *skb,
				     struct genl_info *info)
{
	struct secmsg_session *s;
	struct sk_buff *msg;
	int err;

	if (SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_HANDSHAKE))
		return -EINVAL;
	s = secmsg_nl_session(info);
	if (!s)
		return info->attrs[SECMSG_A_SESSION_ID] ? -ENOENT : -EINVAL;
	msg = secmsg_nl_session_msg();
	if (!msg) {
		secmsg_session_put(s);
		return -ENOMEM;
	}
	err = secmsg_handshake_confirm(s,
				       nla_data(info->attrs[SECMSG_A_HANDSHAKE]),
				       nla_len(info->attrs[SECMSG_A_HANDSHAKE]),
				       info->extack);
	if (!err)
		err = secmsg_nl_reply_session(info, msg, s);
	else
		nlmsg_free(msg);
	secmsg_session_put(s);
	return err;
}
