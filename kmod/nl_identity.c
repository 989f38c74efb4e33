// SPDX-License-Identifier: GPL-2.0
/*
 * Identity, user and handshake commands.  The identity and user commands
 * take an optional SECMSG_A_SLOT: the server identity and the users
 * (default), or the node identity and the node registry.
 */
#include <net/genetlink.h>
#include <net/sock.h>

#include "handshake.h"
#include "identity.h"
#include "netlink.h"
#include "secmsg.h"

/* SECMSG_A_SLOT (in range: the policy checked), the server's by default. */
static u8 slot_attr(struct nlattr **attrs)
{
	return attrs[SECMSG_A_SLOT] ? nla_get_u8(attrs[SECMSG_A_SLOT]) :
				      SECMSG_IDENTITY_SLOT_SERVER;
}

/*
 * The reply of the identity commands into msg (allocated for it, before
 * anything changed; consumed): the public key, and a node's name.
 */
static int identity_reply(struct genl_info *info, struct sk_buff *msg,
			  const u8 *pub, const char *name)
{
	void *hdr = genlmsg_put_reply(msg, info, &secmsg_family, 0,
				      info->genlhdr->cmd);

	if (!hdr || nla_put(msg, SECMSG_A_PUBLIC_KEY, SECMSG_X25519_LEN, pub) ||
	    (name[0] && nla_put_string(msg, SECMSG_A_USER_ID, name))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static struct sk_buff *identity_msg(void)
{
	return genlmsg_new(nla_total_size(SECMSG_X25519_LEN) +
			   nla_total_size(SECMSG_USER_ID_MAX + 1), GFP_KERNEL);
}

/*
 * The node slot's identity has a name, the local node name that message 1
 * of LINK_INIT carries: SECMSG_A_USER_ID, required there and refused for
 * the server slot.  NULL for the server slot, or an ERR_PTR.
 */
static const char *identity_name(struct genl_info *info, u8 slot)
{
	if (slot == SECMSG_IDENTITY_SLOT_SERVER) {
		if (!info->attrs[SECMSG_A_USER_ID])
			return NULL;
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SECMSG_A_USER_ID],
				    "the server identity has no name (a user id names the node identity, slot node)");
		return ERR_PTR(-EINVAL);
	}
	return secmsg_nl_user_id(info) ?: ERR_PTR(-EINVAL);
}

static int identity_install(struct genl_info *info, const u8 *priv)
{
	u8 slot = slot_attr(info->attrs), pub[SECMSG_X25519_LEN];
	const char *name = identity_name(info, slot);
	struct sk_buff *msg;
	int err;

	if (IS_ERR(name))
		return PTR_ERR(name);
	/* before the identity changes: a failed reply must change nothing */
	msg = identity_msg();
	if (!msg)
		return -ENOMEM;
	err = secmsg_identity_set(secmsg_info_net(info), slot, name, priv, pub);
	if (err) {
		GENL_SET_ERR_MSG(info, "cannot install the identity key");
		nlmsg_free(msg);
		return err;
	}
	return identity_reply(info, msg, pub, name ?: "");
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
	u8 slot = slot_attr(info->attrs);
	struct secmsg_identity *id;
	struct sk_buff *msg;
	int err;

	msg = identity_msg();
	if (!msg)
		return -ENOMEM;
	id = secmsg_identity_get(secmsg_info_net(info), slot);
	if (!id) {
		if (slot == SECMSG_IDENTITY_SLOT_NODE)
			GENL_SET_ERR_MSG(info, "no node identity");
		else
			GENL_SET_ERR_MSG(info, "no server identity");
		nlmsg_free(msg);
		return -ENOKEY;
	}
	err = identity_reply(info, msg, id->pub, id->name);
	secmsg_identity_put(id);
	return err;
}

const char *secmsg_nl_user_id(struct genl_info *info)
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

static void no_such_user(struct genl_info *info, u8 slot)
{
	if (slot == SECMSG_IDENTITY_SLOT_NODE)
		GENL_SET_ERR_MSG(info, "no such node");
	else
		GENL_SET_ERR_MSG(info, "no such user");
}

int secmsg_nl_user_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	u8 slot = slot_attr(info->attrs);
	struct secmsg_users *u = secmsg_registry(secmsg_info_net(info), slot);
	const char *id = secmsg_nl_user_id(info);
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
	if (err == -EEXIST && slot == SECMSG_IDENTITY_SLOT_NODE)
		GENL_SET_ERR_MSG(info, "node exists (delete it first)");
	else if (err == -EEXIST)
		GENL_SET_ERR_MSG(info, "user exists (delete it first)");
	return err;
}

int secmsg_nl_user_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	u8 slot = slot_attr(info->attrs);
	struct secmsg_users *u = secmsg_registry(secmsg_info_net(info), slot);
	const char *id = secmsg_nl_user_id(info);
	struct secmsg_user *user;

	if (!id)
		return -EINVAL;
	mutex_lock(&u->lock);
	user = secmsg_user_find(u, id);
	if (user)
		secmsg_user_del(u, user);
	mutex_unlock(&u->lock);
	if (!user) {
		no_such_user(info, slot);
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
	u8 slot = slot_attr(info->attrs);
	struct secmsg_users *u = secmsg_registry(secmsg_info_net(info), slot);
	const char *id = secmsg_nl_user_id(info);
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
			no_such_user(info, slot);
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* Users are dumped in order of addition, resuming after the last sent. */
int secmsg_nl_user_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	u8 slot = slot_attr(genl_dumpit_info(cb)->attrs);
	struct secmsg_users *u = secmsg_registry(secmsg_net(sock_net(skb->sk)),
						 slot);
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

int secmsg_nl_reply_pending(struct genl_info *info, struct sk_buff *msg,
			    struct secmsg_session *s, u32 alg, const u8 *hs,
			    unsigned int len)
{
	void *hdr = genlmsg_put_reply(msg, info, &secmsg_family, 0,
				      info->genlhdr->cmd);
	int err;

	if (!hdr ||
	    nla_put_u64_64bit(msg, SECMSG_A_SESSION_ID, s->id, SECMSG_A_PAD) ||
	    nla_put_string(msg, SECMSG_A_USER_ID, s->user_id) ||
	    nla_put_u32(msg, SECMSG_A_ALG, alg) ||
	    nla_put(msg, SECMSG_A_HANDSHAKE, len, hs)) {
		nlmsg_free(msg);
		err = -EMSGSIZE;
	} else {
		genlmsg_end(msg, hdr);
		err = genlmsg_reply(msg, info);
	}
	if (err)
		secmsg_session_delete(s, SECMSG_REASON_HANDSHAKE);
	return err;
}

int secmsg_nl_handshake_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct secmsg_session_params p = {};
	struct secmsg_hs_result *res;
	struct sk_buff *msg;
	int err;

	if (SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_HANDSHAKE))
		return -EINVAL;
	err = secmsg_nl_parse_policy(info, &p.pol, &p.pol_set);
	if (err)
		return err;
	if (info->attrs[SECMSG_A_FLAGS])
		p.flags = nla_get_u32(info->attrs[SECMSG_A_FLAGS]);
	if (p.flags & SECMSG_SESSION_F_INITIATOR) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SECMSG_A_FLAGS],
				    "the responder makes no initiator session (LINK_INIT does)");
		return -EINVAL;
	}
	if (p.flags & SECMSG_SESSION_F_LINK) {
		err = secmsg_nl_follower_policy(info, &p.pol, p.pol_set);
		if (err)
			return err;
	}
	p.owner_portid = info->snd_portid;
	/* allocated first: a failed allocation must leave nothing done */
	res = kzalloc(sizeof(*res), GFP_KERNEL);
	msg = secmsg_nl_session_msg();
	err = -ENOMEM;
	if (!res || !msg)
		goto out;
	err = secmsg_handshake(secmsg_info_net(info),
			       nla_data(info->attrs[SECMSG_A_HANDSHAKE]),
			       nla_len(info->attrs[SECMSG_A_HANDSHAKE]), &p, res,
			       info->extack);
	if (err)
		goto out;
	err = secmsg_nl_reply_pending(info, msg, res->session, p.alg,
				      res->msg2, sizeof(res->msg2));
	msg = NULL;
	secmsg_session_put(res->session);
out:
	nlmsg_free(msg);
	kfree_sensitive(res);
	return err;
}

struct secmsg_session *secmsg_nl_session_hs(struct genl_info *info, int *err)
{
	struct secmsg_session *s;

	*err = -EINVAL;
	if (SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_HANDSHAKE))
		return NULL;
	s = secmsg_nl_session(info);
	if (!s && info->attrs[SECMSG_A_SESSION_ID])
		*err = -ENOENT;
	return s;
}

int secmsg_nl_handshake_confirm_doit(struct sk_buff *skb,
				     struct genl_info *info)
{
	struct secmsg_session *s;
	struct sk_buff *msg;
	int err;

	s = secmsg_nl_session_hs(info, &err);
	if (!s)
		return err;
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
