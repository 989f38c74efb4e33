// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The route of a node that is alone (see route.h): every login of every
 * user is on this node, so there is nobody to tell about logins, no
 * other node's logins to count or list, and no copy to ship.
 */
#include <errno.h>
#include <stdlib.h>

#include "route.h"

static void announce(struct route *rt, const char *user, unsigned int n)
{
	(void)rt;
	(void)user;
	(void)n;
}

static unsigned int logins(struct route *rt, const char *user)
{
	(void)rt;
	(void)user;
	return 0;
}

static void users(struct route *rt, void (*fn)(void *arg, const char *user),
		  void *arg)
{
	(void)rt;
	(void)fn;
	(void)arg;
}

static unsigned int dests(struct route *rt, const char *user,
			  struct route_dest *d, unsigned int max)
{
	(void)rt;
	(void)user;
	(void)d;
	(void)max;
	return 0;
}

static int ship(struct route *rt, const struct route_dest *d,
		const char *from, const char *to, const uint8_t *sealed,
		size_t len, struct delivery *dl)
{
	(void)rt;
	(void)d;
	(void)from;
	(void)to;
	(void)sealed;
	(void)len;
	(void)dl;
	return -EHOSTUNREACH;	/* dests() named no node */
}

static void result(struct route *rt, const struct route_origin *o,
		   const char *code)
{
	(void)rt;
	(void)o;
	(void)code;	/* nothing comes from another node */
}

static void replace(struct route *rt, const char *user, unsigned int n)
{
	(void)rt;
	(void)user;
	(void)n;	/* logins() said no other node has any */
}

static void user_added(struct route *rt, const char *user,
		       const uint8_t pub[SECMSG_X25519_LEN])
{
	(void)rt;
	(void)user;
	(void)pub;
}

static void flush(struct route *rt)
{
	(void)rt;
}

static char *metrics(struct route *rt)
{
	(void)rt;
	return NULL;
}

static void destroy(struct route *rt)
{
	free(rt);
}

static const struct route_ops local_ops = {
	.announce = announce,
	.logins = logins,
	.users = users,
	.dests = dests,
	.ship = ship,
	.result = result,
	.replace = replace,
	.user_added = user_added,
	.flush = flush,
	.metrics = metrics,
	.destroy = destroy,
};

struct route *route_local_new(void)
{
	struct route *rt = calloc(1, sizeof(*rt));

	if (rt)
		rt->ops = &local_ops;
	return rt;
}
