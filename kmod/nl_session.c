// SPDX-License-Identifier: GPL-2.0
/* Session commands: NEW, GET (and dump), DEL, SET, ROTATE; STATS_GET. */
#include <net/genetlink.h>
#include <net/sock.h>

#include "netlink.h"
#include "secmsg.h"

static int put_u64(struct sk_buff *skb, int type, u64 v, int pad)
{
	return nla_put_u64_64bit(skb, type, v, pad);
}

static int fill_policy(struct sk_buff *skb, const struct secmsg_policy_k *p)
{
	struct nlattr *nest = nla_nest_start(skb, SECMSG_A_POLICY);

	if (!nest ||
	    nla_put_u32(skb, SECMSG_POLICY_A_ROTATE_INTERVAL,
			READ_ONCE(p->rotate_interval)) ||
	    put_u64(skb, SECMSG_POLICY_A_MAX_MESSAGES,
		    READ_ONCE(p->max_messages), SECMSG_POLICY_A_PAD) ||
	    nla_put_u32(skb, SECMSG_POLICY_A_TIMEOUT, READ_ONCE(p->timeout)) ||
	    nla_put_u32(skb, SECMSG_POLICY_A_IDLE_TIMEOUT,
			READ_ONCE(p->idle_timeout)) ||
	    nla_put_u32(skb, SECMSG_POLICY_A_REKEY_GRACE,
			READ_ONCE(p->rekey_grace)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int fill_counters(struct sk_buff *skb, struct secmsg_session *s)
{
	struct nlattr *nest = nla_nest_start(skb, SECMSG_A_COUNTERS);
	int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = SECMSG_CNT_A_TX_MESSAGES; i <= SECMSG_CNT_A_MAX; i++)
		if (put_u64(skb, i, secmsg_cnt_read(s, i),
			    SECMSG_CNT_A_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* The session's attributes (SESSION_GET's reply, without its header). */
static int put_session(struct sk_buff *skb, struct secmsg_session *s)
{
	u64 expires = secmsg_session_expires(s);
	u64 rekey_at = secmsg_session_rekey_at(s);
	u64 off = secmsg_unix_offset();
	u32 alg, epoch;

	secmsg_session_alg(s, &alg, &epoch);
	if (put_u64(skb, SECMSG_A_SESSION_ID, s->id, SECMSG_A_PAD) ||
	    nla_put_string(skb, SECMSG_A_USER_ID, s->user_id) ||
	    nla_put_u32(skb, SECMSG_A_ALG, alg) ||
	    nla_put_u8(skb, SECMSG_A_STATE, READ_ONCE(s->state)) ||
	    nla_put_u32(skb, SECMSG_A_EPOCH, epoch) ||
	    nla_put_u32(skb, SECMSG_A_FLAGS, s->flags) ||
	    fill_policy(skb, &s->pol) || fill_counters(skb, s) ||
	    put_u64(skb, SECMSG_A_CREATED, secmsg_to_unix(s->created_ns, off),
		    SECMSG_A_PAD) ||
	    put_u64(skb, SECMSG_A_LAST_USED,
		    secmsg_to_unix(READ_ONCE(s->last_used_ns), off), SECMSG_A_PAD) ||
	    (expires && put_u64(skb, SECMSG_A_EXPIRES,
				secmsg_to_unix(expires, off), SECMSG_A_PAD)) ||
	    (rekey_at && put_u64(skb, SECMSG_A_REKEY_AT,
				 secmsg_to_unix(rekey_at, off), SECMSG_A_PAD)))
		return -EMSGSIZE;
	return 0;
}

static int fill_session(struct sk_buff *skb, struct secmsg_session *s,
			u32 portid, u32 seq, int flags, u8 cmd)
{
	void *hdr = genlmsg_put(skb, portid, seq, &secmsg_family, flags, cmd);

	if (!hdr)
		return -EMSGSIZE;
	if (put_session(skb, s)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

struct sk_buff *secmsg_nl_session_msg(void)
{
	return genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
}

int secmsg_nl_reply_session(struct genl_info *info, struct sk_buff *msg,
			    struct secmsg_session *s)
{
	int err;

	err = fill_session(msg, s, info->snd_portid, info->snd_seq, 0,
			   info->genlhdr->cmd);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

int secmsg_nl_reply_session_hs(struct genl_info *info, struct sk_buff *msg,
			       struct secmsg_session *s, const u8 *hs,
			       unsigned int hs_len)
{
	void *hdr = genlmsg_put_reply(msg, info, &secmsg_family, 0,
				      info->genlhdr->cmd);

	if (!hdr || put_session(msg, s) ||
	    nla_put(msg, SECMSG_A_HANDSHAKE, hs_len, hs)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int secmsg_nl_follower_policy(struct genl_info *info,
			      const struct secmsg_policy_k *p, u32 set)
{
	if (((set & SECMSG_POL_ROTATE) && p->rotate_interval) ||
	    ((set & SECMSG_POL_MAXMSG) && p->max_messages)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SECMSG_A_POLICY],
				    "a link responder follows its initiator's rotations: no rotate-interval or max-messages of its own");
		return -EINVAL;
	}
	return 0;
}

/* The extack of a rotation (alg: an algorithm change) that failed. */
static void rotate_failed(struct genl_info *info, int err, bool alg)
{
	if (err == -EOPNOTSUPP)
		GENL_SET_ERR_MSG(info, "a link responder follows its initiator's rotations (rotate the initiator)");
	else if (err == -ENOTCONN)
		GENL_SET_ERR_MSG(info, "the session's handshake is not confirmed yet (it rotates once active)");
	else if (alg)
		GENL_SET_ERR_MSG(info, "algorithm change failed");
	else
		GENL_SET_ERR_MSG(info, "key rotation failed");
}

int secmsg_nl_parse_policy(struct genl_info *info, struct secmsg_policy_k *p,
			   u32 *set)
{
	struct nlattr *tb[SECMSG_POLICY_A_MAX + 1];
	struct nlattr *nest = info->attrs[SECMSG_A_POLICY];
	int err;

	*set = 0;
	if (!nest)
		return 0;
	/* already validated against the nested policy */
	err = nla_parse_nested(tb, SECMSG_POLICY_A_MAX, nest, NULL,
			       info->extack);
	if (err)
		return err;
	if (tb[SECMSG_POLICY_A_ROTATE_INTERVAL]) {
		p->rotate_interval =
			nla_get_u32(tb[SECMSG_POLICY_A_ROTATE_INTERVAL]);
		*set |= SECMSG_POL_ROTATE;
	}
	if (tb[SECMSG_POLICY_A_MAX_MESSAGES]) {
		p->max_messages = nla_get_u64(tb[SECMSG_POLICY_A_MAX_MESSAGES]);
		if (p->max_messages > SECMSG_MAX_MESSAGES_LIMIT) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    tb[SECMSG_POLICY_A_MAX_MESSAGES],
					    "max_messages above 2^48");
			return -ERANGE;
		}
		*set |= SECMSG_POL_MAXMSG;
	}
	if (tb[SECMSG_POLICY_A_TIMEOUT]) {
		p->timeout = nla_get_u32(tb[SECMSG_POLICY_A_TIMEOUT]);
		*set |= SECMSG_POL_TIMEOUT;
	}
	if (tb[SECMSG_POLICY_A_IDLE_TIMEOUT]) {
		p->idle_timeout = nla_get_u32(tb[SECMSG_POLICY_A_IDLE_TIMEOUT]);
		*set |= SECMSG_POL_IDLE;
	}
	if (tb[SECMSG_POLICY_A_REKEY_GRACE]) {
		p->rekey_grace = nla_get_u32(tb[SECMSG_POLICY_A_REKEY_GRACE]);
		*set |= SECMSG_POL_GRACE;
	}
	return 0;
}

int secmsg_nl_session_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct secmsg_session_params p = {};
	struct secmsg_session *s;
	struct sk_buff *msg;
	int err;

	if (SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_USER_ID) ||
	    SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_ALG) ||
	    SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_SECRET_C2S) ||
	    SECMSG_REQ_ATTR_MISSING(info, SECMSG_A_SECRET_S2C))
		return -EINVAL;
	p.user_id = nla_data(info->attrs[SECMSG_A_USER_ID]);
	if (!secmsg_user_id_valid(p.user_id)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SECMSG_A_USER_ID],
				    "user id must be 1-64 of [A-Za-z0-9._@-], not starting with '.' or '-'");
		return -EINVAL;
	}
	p.alg = nla_get_u32(info->attrs[SECMSG_A_ALG]);
	p.secret[SECMSG_DIR_C2S] = nla_data(info->attrs[SECMSG_A_SECRET_C2S]);
	p.secret[SECMSG_DIR_S2C] = nla_data(info->attrs[SECMSG_A_SECRET_S2C]);
	if (info->attrs[SECMSG_A_FLAGS])
		p.flags = nla_get_u32(info->attrs[SECMSG_A_FLAGS]);
	if (info->attrs[SECMSG_A_SESSION_ID]) {
		p.id = nla_get_u64(info->attrs[SECMSG_A_SESSION_ID]);
		if (!p.id) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[SECMSG_A_SESSION_ID],
					    "session id 0 is not an id");
			return -EINVAL;
		}
	}
	if (p.flags & (SECMSG_SESSION_F_LINK | SECMSG_SESSION_F_INITIATOR)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SECMSG_A_FLAGS],
				    "link sessions are made by their handshake (LINK_INIT, HANDSHAKE)");
		return -EINVAL;
	}
	p.owner_portid = info->snd_portid;
	err = secmsg_nl_parse_policy(info, &p.pol, &p.pol_set);
	if (err)
		return err;

	msg = secmsg_nl_session_msg();
	if (!msg)
		return -ENOMEM;
	s = secmsg_session_new(secmsg_info_net(info), &p);
	if (IS_ERR(s)) {
		nlmsg_free(msg);
		err = PTR_ERR(s);
		if (err == -ENOSPC)
			GENL_SET_ERR_MSG(info, "too many sessions in this namespace (max_sessions)");
		else if (err == -EEXIST)
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[SECMSG_A_SESSION_ID],
					    "a session with this id exists");
		else
			GENL_SET_ERR_MSG(info, "cannot create session");
		return err;
	}
	err = secmsg_nl_reply_session(info, msg, s);
	/* nobody would know the session: it goes */
	if (err)
		secmsg_session_delete(s, SECMSG_REASON_USER);
	secmsg_session_put(s);
	return err;
}

int secmsg_nl_session_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct secmsg_session *s = secmsg_nl_session(info);
	struct sk_buff *msg;
	int err = -ENOMEM;

	if (!s)
		return info->attrs[SECMSG_A_SESSION_ID] ? -ENOENT : -EINVAL;
	msg = secmsg_nl_session_msg();
	if (msg)
		err = secmsg_nl_reply_session(info, msg, s);
	secmsg_session_put(s);
	return err;
}

/*
 * Dumps walk the id-ordered tree from just after the last id sent, so a
 * dump resumes correctly whatever was created or deleted in between.
 */
int secmsg_nl_session_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct secmsg_net *sn = secmsg_net(sock_net(skb->sk));
	u64 *last = (u64 *)&cb->args[0];
	bool started = cb->args[1];
	struct rb_node *n;
	struct secmsg_session *s;
	int sent = 0;

	BUILD_BUG_ON(sizeof(cb->args[0]) < sizeof(u64));
	mutex_lock(&sn->lock);
	/* first node with id > *last */
	n = sn->by_id.rb_node;
	s = NULL;
	while (n) {
		struct secmsg_session *it = rb_entry(n, struct secmsg_session,
						     rb);

		if (!started || it->id > *last) {
			s = it;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	for (n = s ? &s->rb : NULL; n; n = rb_next(n)) {
		s = rb_entry(n, struct secmsg_session, rb);
		if (fill_session(skb, s, NETLINK_CB(cb->skb).portid,
				 cb->nlh->nlmsg_seq, NLM_F_MULTI,
				 SECMSG_CMD_SESSION_GET))
			break;
		*last = s->id;
		cb->args[1] = 1;
		sent++;
	}
	mutex_unlock(&sn->lock);
	return sent ? skb->len : 0;
}

int secmsg_nl_session_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct secmsg_session *s = secmsg_nl_session(info);
	bool gone;

	if (!s)
		return info->attrs[SECMSG_A_SESSION_ID] ? -ENOENT : -EINVAL;
	gone = secmsg_session_delete(s, SECMSG_REASON_USER);
	secmsg_session_put(s);
	if (!gone) {
		GENL_SET_ERR_MSG(info, "session already gone");
		return -ENOENT;
	}
	return 0;
}

int secmsg_nl_session_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct secmsg_policy_k pol = {};
	struct secmsg_session *s;
	struct sk_buff *msg;
	u32 set, alg = 0;
	int err;

	err = secmsg_nl_parse_policy(info, &pol, &set);
	if (err)
		return err;
	if (info->attrs[SECMSG_A_ALG])
		alg = nla_get_u32(info->attrs[SECMSG_A_ALG]);
	s = secmsg_nl_session(info);
	if (!s)
		return info->attrs[SECMSG_A_SESSION_ID] ? -ENOENT : -EINVAL;
	if (secmsg_session_follows(s)) {
		err = secmsg_nl_follower_policy(info, &pol, set);
		if (err)
			goto out;
	}
	err = -ENOMEM;
	msg = secmsg_nl_session_msg();
	if (!msg)
		goto out;
	err = secmsg_session_update(s, alg, &pol, set);
	if (err) {
		rotate_failed(info, err, true);
		nlmsg_free(msg);
	} else {
		err = secmsg_nl_reply_session(info, msg, s);
	}
out:
	secmsg_session_put(s);
	return err;
}

int secmsg_nl_session_rotate_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct secmsg_session *s = secmsg_nl_session(info);
	struct sk_buff *msg;
	int err;

	if (!s)
		return info->attrs[SECMSG_A_SESSION_ID] ? -ENOENT : -EINVAL;
	msg = secmsg_nl_session_msg();
	if (!msg) {
		secmsg_session_put(s);
		return -ENOMEM;
	}
	err = secmsg_session_rotate(s, 0);
	if (err) {
		rotate_failed(info, err, false);
		nlmsg_free(msg);
	} else {
		err = secmsg_nl_reply_session(info, msg, s);
	}
	secmsg_session_put(s);
	return err;
}

/* ---- namespace totals ---- */

static void count_sessions(struct secmsg_net *sn, u64 *v)
{
	static const int by_alg[] = {
		[SECMSG_ALG_AES_256_GCM] = SECMSG_STATS_A_SESSIONS_AES_256_GCM,
		[SECMSG_ALG_CHACHA20_POLY1305] =
			SECMSG_STATS_A_SESSIONS_CHACHA20_POLY1305,
		[SECMSG_ALG_TWOFISH_CBC] = SECMSG_STATS_A_SESSIONS_TWOFISH_CBC,
	};
	struct secmsg_session_counts c;
	u32 alg;

	secmsg_sessions_count(sn, &c);
	v[SECMSG_STATS_A_SESSIONS] = c.sessions;
	v[SECMSG_STATS_A_SESSIONS_ACTIVE] = c.sessions - c.pending;
	v[SECMSG_STATS_A_SESSIONS_PENDING] = c.pending;
	for (alg = 0; alg < ARRAY_SIZE(by_alg); alg++)
		if (by_alg[alg])
			v[by_alg[alg]] = c.by_alg[alg];
}

/* SECMSG_STATS_A_FAILURE: a count per reason of enum secmsg_fail */
static int put_failures(struct sk_buff *msg, struct secmsg_net *sn)
{
	struct nlattr *nest;
	int why;

	for (why = 1; why <= SECMSG_FAIL_MAX; why++) {
		nest = nla_nest_start(msg, SECMSG_STATS_A_FAILURE);
		if (!nest ||
		    nla_put_u32(msg, SECMSG_FAILURE_A_REASON, why) ||
		    put_u64(msg, SECMSG_FAILURE_A_COUNT,
			    atomic64_read(&sn->fails[why]),
			    SECMSG_FAILURE_A_PAD))
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	return 0;
}

int secmsg_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct secmsg_net *sn = secmsg_info_net(info);
	u64 v[__SECMSG_STATS_A_MAX] = {};
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;
	int i;

	count_sessions(sn, v);
	for (i = SECMSG_STATS_A_SEALED; i < SECMSG_STATS_A_FAILURE; i++)
		v[i] = atomic64_read(&sn->stats[i]);

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &secmsg_family, 0,
				SECMSG_CMD_STATS_GET);
	nest = hdr ? nla_nest_start(msg, SECMSG_A_STATS) : NULL;
	if (!nest)
		goto err;
	for (i = SECMSG_STATS_A_SESSIONS; i < SECMSG_STATS_A_FAILURE; i++)
		if (put_u64(msg, i, v[i], SECMSG_STATS_A_PAD))
			goto err;
	if (put_failures(msg, sn))
		goto err;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	return -EMSGSIZE;
}
