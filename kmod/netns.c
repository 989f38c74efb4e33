// SPDX-License-Identifier: GPL-2.0
/* Per-network-namespace lifetime. */
#include <linux/netlink.h>
#include <linux/notifier.h>

#include "netns.h"
#include "secmsg.h"
#include "session.h"

unsigned int secmsg_net_id __read_mostly;

static int __net_init secmsg_net_init(struct net *net)
{
	struct secmsg_net *sn = secmsg_net(net);

	sn->net = net;
	secmsg_users_init(&sn->users);
	secmsg_users_init(&sn->nodes);
	return secmsg_sessions_init(sn);
}

static void __net_exit secmsg_net_exit(struct net *net)
{
	struct secmsg_net *sn = secmsg_net(net);

	secmsg_sessions_destroy(sn);
	secmsg_identity_destroy(sn);
	secmsg_users_destroy(&sn->users);
	secmsg_users_destroy(&sn->nodes);
}

static struct pernet_operations secmsg_net_ops = {
	.init = secmsg_net_init,
	.exit = secmsg_net_exit,
	.id = &secmsg_net_id,
	.size = sizeof(struct secmsg_net),
};

/* Owned sessions go with the generic netlink socket that made them. */
static int secmsg_nl_notify(struct notifier_block *nb, unsigned long state,
			    void *data)
{
	struct netlink_notify *n = data;

	if (state == NETLINK_URELEASE && n->protocol == NETLINK_GENERIC &&
	    n->portid)
		secmsg_sessions_flush_owner(secmsg_net(n->net), n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block secmsg_nl_notifier = {
	.notifier_call = secmsg_nl_notify,
};

int secmsg_netns_init(void)
{
	int err = register_pernet_subsys(&secmsg_net_ops);

	if (err)
		return err;
	err = netlink_register_notifier(&secmsg_nl_notifier);
	if (err)
		unregister_pernet_subsys(&secmsg_net_ops);
	return err;
}

void secmsg_netns_exit(void)
{
	netlink_unregister_notifier(&secmsg_nl_notifier);
	unregister_pernet_subsys(&secmsg_net_ops);
}
