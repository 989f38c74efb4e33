/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The route of a node in a cluster (route.h's second implementation):
 * the other nodes over NATS.
 *
 * Layer: router (daemon/cluster/ is the router's, beside route_local.c).
 * Owns the NATS connection (bus.h), the directory of the peers' users
 * (directory.h), the links (links.h), the users registry (kvusers.h),
 * the copies shipped to other nodes and waiting for their result, the
 * batches being built, and its timer.  Calls the kernel adapter only
 * through struct cluster_kernel (klink.h), and the router only through
 * rt->up.
 *
 * Every tick (100 ms): heartbeats (every second, or 100 ms after a
 * change of this node's users), peers silent for 3 s are gone, links
 * that are due are made, copies older than cluster_timeout fail with
 * node_unreachable.  At the end of each loop iteration (ops->flush())
 * the relay and result batches built during it are published, one NATS
 * message per peer (or more when one would pass CW_BATCH_MAX).
 *
 * What crosses NATS is described byte for byte in wire.h and
 * docs/cluster.md.
 */
#ifndef SECMSGD_CLUSTER_ROUTE_NATS_H
#define SECMSGD_CLUSTER_ROUTE_NATS_H

#include <stddef.h>
#include <stdint.h>

#include "../config.h"
#include "../metrics.h"
#include "../route.h"
#include "klink.h"

/*
 * A route for cfg's cluster (cfg and m stay the caller's; cfg is read
 * again on reload: cluster_timeout).  NULL with err set on failure: a
 * bad peers file, a node key that cannot be read or made, the kernel
 * refusing it.  NATS need not be reachable yet: it connects when it can.
 */
struct route *route_nats_new(const struct config *cfg, struct metrics *m,
			     const struct cluster_kernel *k, char *err,
			     size_t errlen);
/*
 * Have the loop poll the route's descriptors (NATS, its timer): adopt()
 * is server_adopt().  0 or -errno.
 */
int route_nats_adopt(struct route *rt,
		     int (*adopt)(int fd, void (*fn)(void *arg), void *arg));

/* The default node key file: $STATE_DIRECTORY/node.key, or
 * /var/lib/secmsg/node.key. */
const char *route_nats_default_key(char *buf, size_t len);

#endif
