// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Host tests: the cluster's users registry (daemon/cluster/kvusers.c):
 * key encoding both ways, and the kernel kept in step with the bucket's
 * watch (snapshot, changes, a new key, a deletion, a restart of the
 * watch that no longer lists a user), with the kernel faked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/lib/tests/tap.h"
#include "cluster/kvusers.h"

/* ---- a fake kernel users table ---- */

static struct {
	char name[65];
	uint8_t pub[32];
	bool used;
} K[16];
static char revoked[512], logged[1024];

static int kget(void *arg, const char *user, uint8_t pub[32])
{
	int i;

	(void)arg;
	for (i = 0; i < 16; i++)
		if (K[i].used && !strcmp(K[i].name, user)) {
			memcpy(pub, K[i].pub, 32);
			return 0;
		}
	return -ENOENT;
}

static int kadd(void *arg, const char *user, const uint8_t pub[32])
{
	int i;

	(void)arg;
	if (!kget(arg, user, (uint8_t[32]){ 0 }))
		return -EEXIST;
	for (i = 0; i < 16; i++)
		if (!K[i].used) {
			K[i].used = true;
			snprintf(K[i].name, sizeof(K[i].name), "%s", user);
			memcpy(K[i].pub, pub, 32);
			return 0;
		}
	return -ENOSPC;
}

static int kdel(void *arg, const char *user)
{
	int i;

	(void)arg;
	for (i = 0; i < 16; i++)
		if (K[i].used && !strcmp(K[i].name, user)) {
			K[i].used = false;
			return 0;
		}
	return -ENOENT;
}

static void krevoke(void *arg, const char *user)
{
	(void)arg;
	snprintf(revoked + strlen(revoked), sizeof(revoked) - strlen(revoked),
		 "[%s]", user);
}

static void klog(void *arg, const char *event, const char *user, int rc)
{
	(void)arg;
	snprintf(logged + strlen(logged), sizeof(logged) - strlen(logged),
		 "[%s %s%s]", event, user, rc ? " err" : "");
}

static const struct kvusers_ops ops = {
	.get = kget, .add = kadd, .del = kdel, .revoke = krevoke, .log = klog,
};

static int kcount(void)
{
	int i, n = 0;

	for (i = 0; i < 16; i++)
		n += K[i].used;
	return n;
}

static bool khas(const char *user, uint8_t fill)
{
	uint8_t pub[32], want[32];

	memset(want, fill, 32);
	return !kget(NULL, user, pub) && !memcmp(pub, want, 32);
}

/* ---- feeding ---- */

static struct kvusers ku;

static void ev(enum bus_kv_op op, const char *user, int fill)
{
	char key[KVUSERS_KEY_MAX + 1] = "", val[64] = "";
	uint8_t pub[32];
	struct bus_kv_ev e = { .op = op };

	if (user) {
		if (kvusers_key(user, key, sizeof(key)))
			snprintf(key, sizeof(key), "%s", user);
		e.key = key;
	}
	if (fill >= 0) {
		memset(pub, fill, 32);
		kvusers_value(pub, val);
	}
	e.val = (const uint8_t *)val;
	e.len = strlen(val);
	kvusers_event(&ku, &e);
}

static void test_keys(void)
{
	char key[KVUSERS_KEY_MAX + 1], user[65];

	ok(!kvusers_key("alice", key, sizeof(key)) && !strcmp(key, "alice") &&
	   !kvusers_key("bob.b@x-y", key, sizeof(key)) &&
	   !strcmp(key, "bob=2Eb=40x-y") &&
	   !kvusers_user("bob=2Eb=40x-y", user, sizeof(user)) &&
	   !strcmp(user, "bob.b@x-y"), "user ids <-> KV keys");
	ok(kvusers_key("-bad", key, sizeof(key)) == -EINVAL &&
	   kvusers_key("a b", key, sizeof(key)) == -EINVAL &&
	   kvusers_key("alice", key, 10) == -EINVAL,
	   "not a user id, or no room: -EINVAL");
	ok(kvusers_user("a=2e", user, sizeof(user)) == -EINVAL &&
	   kvusers_user("a=4", user, sizeof(user)) == -EINVAL &&
	   kvusers_user("a=41", user, sizeof(user)) == -EINVAL &&
	   kvusers_user("=2Ea", user, sizeof(user)) == -EINVAL &&
	   kvusers_user("a.b", user, sizeof(user)) == -EINVAL &&
	   kvusers_user("", user, sizeof(user)) == -EINVAL,
	   "keys that are not ours: lower-case hex, a short escape, an "
	   "escaped plain character, a leading '.', a raw '.', empty");
}

int main(void)
{
	uint8_t pub[32];

	test_keys();
	kvusers_init(&ku, &ops, NULL);
	memset(pub, 0x77, 32);
	kadd(NULL, "local", pub);	/* secmsgctl user add */

	ev(BUS_KV_RESET, NULL, -1);
	ev(BUS_KV_PUT, "alice", 1);
	ev(BUS_KV_PUT, "bob.b@x-y", 2);
	ev(BUS_KV_DEL, "gone", -1);
	ok(khas("alice", 1) && khas("bob.b@x-y", 2) && kcount() == 3,
	   "the snapshot's users are in the kernel as it comes");
	ev(BUS_KV_SYNCED, NULL, -1);
	ok(kcount() == 3 && khas("local", 0x77) && !strcmp(revoked, "[gone]"),
	   "synced: a user the kernel got otherwise is left alone");
	revoked[0] = '\0';

	ev(BUS_KV_PUT, "carol", 3);
	ok(khas("carol", 3) && !revoked[0] && strstr(logged, "[user_added carol]"),
	   "a put: added, nobody revoked");
	ev(BUS_KV_PUT, "alice", 9);
	ok(khas("alice", 9) && !strcmp(revoked, "[alice]") &&
	   strstr(logged, "[user_key_replaced alice]"),
	   "a new key: replaced, alice's logins revoked");
	revoked[0] = '\0';
	ev(BUS_KV_PUT, "alice", 9);
	ok(!revoked[0], "the same key again: nothing happens");
	ev(BUS_KV_DEL, "carol", -1);
	ok(kget(NULL, "carol", pub) == -ENOENT && !strcmp(revoked, "[carol]") &&
	   strstr(logged, "[user_removed carol]"), "a delete: removed, revoked");
	revoked[0] = '\0';

	/* the watch starts over (a reconnection): bob is no longer there */
	ev(BUS_KV_RESET, NULL, -1);
	ev(BUS_KV_PUT, "alice", 9);
	ok(khas("bob.b@x-y", 2), "bob stays until the snapshot is complete");
	ev(BUS_KV_SYNCED, NULL, -1);
	ok(kget(NULL, "bob.b@x-y", pub) == -ENOENT &&
	   !strcmp(revoked, "[bob.b@x-y]") && khas("alice", 9) &&
	   khas("local", 0x77) && kcount() == 2,
	   "after it: bob, gone from the bucket meanwhile, is removed");
	revoked[0] = '\0';

	ev(BUS_KV_PUT, "-bad", 1);
	ok(ku.bad == 1 && kcount() == 2, "a key that is not a user id: ignored");
	{
		struct bus_kv_ev e = { .op = BUS_KV_PUT, .key = "dave",
				       .val = (const uint8_t *)"AAAA", .len = 4 };

		kvusers_event(&ku, &e);
	}
	ok(ku.bad == 2 && kget(NULL, "dave", pub) == -ENOENT,
	   "a value that is not a 32-byte key: ignored");
	kvusers_exit(&ku);
	return done();
}
