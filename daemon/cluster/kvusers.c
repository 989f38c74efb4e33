// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The cluster's users registry in the kernel (see kvusers.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secmsg/codec.h"
#include "secmsg/handshake.h"

#include "kvusers.h"

static bool plain(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

int kvusers_key(const char *user, char *key, size_t room)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	if (!secmsg_user_id_valid(user) || room < KVUSERS_KEY_MAX + 1)
		return -EINVAL;
	for (; *user; user++) {
		if (plain(*user)) {
			key[n++] = *user;
		} else {
			key[n++] = '=';
			key[n++] = hex[(unsigned char)*user >> 4];
			key[n++] = hex[(unsigned char)*user & 15];
		}
	}
	key[n] = '\0';
	return 0;
}

static int unhex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int kvusers_user(const char *key, char *user, size_t room)
{
	char enc[KVUSERS_KEY_MAX + 1];
	const char *orig = key;
	size_t n = 0;
	int hi, lo;

	for (; *key; key++) {
		if (n + 1 >= room)
			return -EINVAL;
		if (plain(*key)) {
			user[n++] = *key;
			continue;
		}
		if (*key != '=' || (hi = unhex(key[1])) < 0 ||
		    (lo = unhex(key[2])) < 0)
			return -EINVAL;
		user[n++] = (char)(hi << 4 | lo);
		key += 2;
	}
	user[n] = '\0';
	/* one spelling per user: what we would have written */
	if (kvusers_key(user, enc, sizeof(enc)) || strcmp(enc, orig))
		return -EINVAL;
	return 0;
}

void kvusers_value(const uint8_t pub[SECMSG_X25519_LEN], char *val)
{
	secmsg_base64_encode(pub, SECMSG_X25519_LEN, val);
}

void kvusers_init(struct kvusers *ku, const struct kvusers_ops *ops,
		  void *arg)
{
	memset(ku, 0, sizeof(*ku));
	ku->ops = ops;
	ku->arg = arg;
}

void kvusers_exit(struct kvusers *ku)
{
	table_free_all(&ku->known);
	table_free_all(&ku->snap);
}

/* Remember name in t (a set of strings). */
static void remember(struct table *t, const char *name)
{
	char *s;

	if (table_get_str(t, name))
		return;
	s = strdup(name);
	if (s && table_put_str(t, s, s))
		free(s);
}

static void forget(struct table *t, const char *name)
{
	free(table_del_str(t, name));
}

static void log_rc(struct kvusers *ku, const char *event, const char *user,
		   int rc)
{
	if (ku->ops->log)
		ku->ops->log(ku->arg, event, user, rc);
}

/* The bucket says user has key pub. */
static void put(struct kvusers *ku, const char *user,
		const uint8_t pub[SECMSG_X25519_LEN])
{
	uint8_t cur[SECMSG_X25519_LEN];
	int rc = ku->ops->get(ku->arg, user, cur);

	if (!rc && !memcmp(cur, pub, sizeof(cur))) {
		remember(&ku->known, user);
		return;			/* nothing new */
	}
	if (!rc) {
		/* a new key: the old one's sessions must go */
		rc = ku->ops->del(ku->arg, user);
		if (!rc)
			rc = ku->ops->add(ku->arg, user, pub);
		ku->ops->revoke(ku->arg, user);
		log_rc(ku, "user_key_replaced", user, rc);
	} else if (rc == -ENOENT) {
		rc = ku->ops->add(ku->arg, user, pub);
		log_rc(ku, rc ? "user_add_failed" : "user_added", user, rc);
	} else {
		log_rc(ku, "user_add_failed", user, rc);
	}
	if (!rc)
		remember(&ku->known, user);
	explicit_bzero(cur, sizeof(cur));
}

/* The bucket no longer has user. */
static void del(struct kvusers *ku, const char *user)
{
	int rc = ku->ops->del(ku->arg, user);

	if (rc != -ENOENT)
		log_rc(ku, "user_removed", user, rc);
	ku->ops->revoke(ku->arg, user);
	forget(&ku->known, user);
}

/* After a snapshot: users we had from the bucket that it no longer has. */
static void sweep(struct kvusers *ku)
{
	struct tent *e;
	size_t i, n = 0;
	char **gone = calloc(ku->known.n + 1, sizeof(*gone));

	if (!gone)
		return;		/* the next snapshot will do it */
	for (e = table_first(&ku->known, &i); e;
	     e = table_next(&ku->known, e, &i))
		if (!table_get_str(&ku->snap, e->str))
			gone[n++] = strdup(e->str);
	for (i = 0; i < n; i++) {
		if (gone[i])
			del(ku, gone[i]);
		free(gone[i]);
	}
	free(gone);
	table_free_all(&ku->snap);
	ku->in_snap = false;
}

void kvusers_event(void *arg, const struct bus_kv_ev *ev)
{
	struct kvusers *ku = arg;
	char user[SECMSG_USER_ID_MAX + 1];
	uint8_t pub[SECMSG_X25519_LEN + 1];
	long n;

	switch (ev->op) {
	case BUS_KV_RESET:
		table_free_all(&ku->snap);
		ku->in_snap = true;
		return;
	case BUS_KV_SYNCED:
		if (ku->in_snap)
			sweep(ku);
		return;
	case BUS_KV_PUT:
	case BUS_KV_DEL:
		break;
	}
	if (kvusers_user(ev->key, user, sizeof(user))) {
		ku->bad++;
		log_rc(ku, "users_bucket_bad_key", "", -EINVAL);
		return;
	}
	if (ev->op == BUS_KV_DEL) {
		ku->dels++;
		del(ku, user);
		return;
	}
	n = secmsg_base64_decode((const char *)ev->val, ev->len, pub,
				 sizeof(pub));
	if (n != SECMSG_X25519_LEN) {
		ku->bad++;
		log_rc(ku, "users_bucket_bad_key", user, -EINVAL);
		return;
	}
	ku->puts++;
	if (ku->in_snap)
		remember(&ku->snap, user);
	put(ku, user, pub);
}
