/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The users registry of a cluster: the JetStream KV bucket
 * <cluster_name>_users (key: the user id, encoded; value: its public
 * key in base64), mirrored into this node's kernel.
 *
 * Owner: the cluster route, on the daemon's thread; fed by the bus's
 * watch of the bucket (bus_kv_watch(): RESET, the current state of
 * every key, SYNCED, then changes).  A user put in the bucket is added
 * to the kernel (or its key replaced, and its logins here revoked); a
 * user deleted from it is deleted from the kernel and revoked.  After a
 * RESET's snapshot (SYNCED), the users an earlier snapshot gave that the
 * bucket no longer has are deleted too.  Users the kernel got otherwise
 * (secmsgctl user add) are left alone, as with a users file.
 *
 * Keys: a user id's characters outside [A-Za-z0-9_-] ('.' and '@') are
 * written "=XX" (two upper-case hex digits), so that every user id is a
 * valid KV key: "bob.b@x-y" is "bob=2Eb=40x-y".
 */
#ifndef SECMSGD_CLUSTER_KVUSERS_H
#define SECMSGD_CLUSTER_KVUSERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/secmsg.h>

#include "../table.h"
#include "bus.h"

/* A user id's key: at most 3 x 64 characters. */
#define KVUSERS_KEY_MAX	(3 * SECMSG_USER_ID_MAX)

/* What it does to the kernel and the logins (kernel.c, the router). */
struct kvusers_ops {
	/* 0 and the key, -ENOENT, or -errno */
	int (*get)(void *arg, const char *user,
		   uint8_t pub[SECMSG_X25519_LEN]);
	int (*add)(void *arg, const char *user,
		   const uint8_t pub[SECMSG_X25519_LEN]);
	int (*del)(void *arg, const char *user);
	/* close every login of user here */
	void (*revoke)(void *arg, const char *user);
	/* one audit line: "user_added" ...; rc 0 or -errno */
	void (*log)(void *arg, const char *event, const char *user, int rc);
};

struct kvusers {
	const struct kvusers_ops *ops;
	void *arg;
	struct table known;	/* users from the bucket, in the kernel */
	struct table snap;	/* the users of the snapshot being read */
	bool in_snap;
	uint64_t puts, dels, bad;	/* counters */
};

void kvusers_init(struct kvusers *ku, const struct kvusers_ops *ops,
		  void *arg);
void kvusers_exit(struct kvusers *ku);
/* An update of the bucket (a bus_kv_fn; arg is the struct kvusers). */
void kvusers_event(void *arg, const struct bus_kv_ev *ev);

/* user -> key (room KVUSERS_KEY_MAX + 1); -EINVAL: not a user id. */
int kvusers_key(const char *user, char *key, size_t room);
/* key -> user (room SECMSG_USER_ID_MAX + 1); -EINVAL: not one of ours. */
int kvusers_user(const char *key, char *user, size_t room);
/* The value for pub: base64, NUL-terminated (room SECMSG_B64_LEN(32)). */
void kvusers_value(const uint8_t pub[SECMSG_X25519_LEN], char *val);

#endif
