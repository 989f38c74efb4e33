// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The cluster's kernel calls (see klinks.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "secmsg/handshake.h"

#include "files.h"
#include "kbatch.h"
#include "kernel.h"
#include "klinks.h"

/* Links use one algorithm (chosen for every node alike). */
#define LINK_ALG	SECMSG_ALG_AES_256_GCM

static const struct config *cfg;

void klinks_init(const struct config *c)
{
	cfg = c;
}

/* An out link: rotated by time and count, never expired (it is dropped
 * when its peer goes).  An in link: follows the initiator's epochs. */
static void policy(struct secmsg_policy *p, bool initiator)
{
	memset(p, 0, sizeof(*p));
	p->has_timeout = p->has_idle_timeout = true;
	p->has_rotate_interval = p->has_max_messages = true;
	p->rotate_interval = initiator ? cfg->rotate_interval : 0;
	p->max_messages = initiator ? cfg->max_messages : 0;
	p->has_rekey_grace = true;
	p->rekey_grace = cfg->rekey_grace;
}

static int l_init(void *k, const char *node, uint64_t *sid, uint8_t *msg1,
		  size_t *len)
{
	struct secmsg_policy p;

	(void)k;
	policy(&p, true);
	return kern_link_init(node, LINK_ALG, &p, sid, msg1, len);
}

static int l_finish(void *k, uint64_t sid, const uint8_t *msg2, size_t len,
		    uint8_t *msg3, size_t *len3)
{
	(void)k;
	return kern_link_finish(sid, msg2, len, msg3, len3);
}

static int l_respond(void *k, const uint8_t *msg1, size_t len, uint64_t *sid,
		     uint8_t *msg2, size_t *len2)
{
	struct secmsg_policy p;

	(void)k;
	policy(&p, false);
	return kern_link_respond(msg1, len, &p, sid, msg2, len2);
}

static int l_confirm(void *k, uint64_t sid, const uint8_t *msg3, size_t len,
		     char node[SECMSG_USER_ID_MAX + 1])
{
	struct secmsg_session_info info;
	int rc;

	(void)k;
	rc = kern_link_confirm(sid, msg3, len, &info);
	if (!rc)
		snprintf(node, SECMSG_USER_ID_MAX + 1, "%s", info.user_id);
	return rc;
}

static void del_now(uint64_t sid, int arg)
{
	(void)arg;
	kern_session_del(sid);	/* already gone: nothing to do */
}

static void l_del(void *k, uint64_t sid)
{
	(void)k;
	/* after the re-seals queued before, which may name it */
	if (kbatch_call(del_now, sid, 0))
		kern_session_del(sid);
}

static const char *l_errmsg(void *k)
{
	(void)k;
	return kern_errmsg();
}

static const struct klink_ops link_ops = {
	.init = l_init,
	.finish = l_finish,
	.respond = l_respond,
	.confirm = l_confirm,
	.del = l_del,
	.errmsg = l_errmsg,
};

static int user_get(const char *user, uint8_t pub[SECMSG_X25519_LEN])
{
	struct secmsg_user_info u;
	int rc = kern_user_get(user, &u);

	if (!rc)
		memcpy(pub, u.public_key, SECMSG_X25519_LEN);
	return rc;
}

int klinks_node_key(const char *path, bool create,
		    uint8_t priv[SECMSG_X25519_LEN])
{
	uint8_t *buf;
	size_t len;
	int rc = file_read(path, 4096, &buf, &len), fd;

	if (!rc) {
		rc = identity_parse(buf, len, priv);
		file_free(buf, len);
		return rc;
	}
	if (rc != -ENOENT || !create)
		return rc;
	/* the first start: a new key, readable by this user only */
	if (getrandom(priv, SECMSG_X25519_LEN, 0) != SECMSG_X25519_LEN)
		return -errno;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = -errno;
		explicit_bzero(priv, SECMSG_X25519_LEN);
		return rc;
	}
	if (write(fd, priv, SECMSG_X25519_LEN) != SECMSG_X25519_LEN ||
	    fsync(fd)) {
		rc = errno ? -errno : -EIO;
		close(fd);
		unlink(path);
		explicit_bzero(priv, SECMSG_X25519_LEN);
		return rc;
	}
	close(fd);
	return 0;
}

static int node_identity(const char *path, uint8_t pub[SECMSG_X25519_LEN])
{
	uint8_t priv[SECMSG_X25519_LEN];
	int rc = klinks_node_key(path, true, priv);

	if (!rc)
		rc = kern_node_identity_set(cfg->node, priv, pub);
	explicit_bzero(priv, sizeof(priv));
	return rc;
}

struct registry {
	const char *const *names;
	const uint8_t (*pubs)[SECMSG_X25519_LEN];
	size_t n;
	char (*gone)[SECMSG_USER_ID_MAX + 1];
	size_t ngone, cap;
};

static int listed(const struct registry *r, const char *node)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (!strcmp(r->names[i], node))
			return (int)i;
	return -1;
}

/* A node the kernel has: kept if listed with the same key. */
static int sweep(const struct secmsg_user_info *u, void *arg)
{
	struct registry *r = arg;
	int i = listed(r, u->user_id);

	if (i >= 0 && !memcmp(r->pubs[i], u->public_key, SECMSG_X25519_LEN))
		return 0;
	if (r->ngone == r->cap)
		return -ENOSPC;
	snprintf(r->gone[r->ngone++], SECMSG_USER_ID_MAX + 1, "%s", u->user_id);
	return 0;
}

static int node_registry(const char *const *names,
			 const uint8_t (*pubs)[SECMSG_X25519_LEN], size_t n)
{
	struct registry r = { .names = names, .pubs = pubs, .n = n,
			      .cap = 256 };
	size_t i;
	int rc;

	r.gone = calloc(r.cap, sizeof(*r.gone));
	if (!r.gone)
		return -ENOMEM;
	rc = kern_nodes(sweep, &r);
	for (i = 0; !rc && i < r.ngone; i++)
		rc = kern_node_del(r.gone[i]);
	for (i = 0; !rc && i < n; i++) {
		rc = kern_node_add(names[i], pubs[i]);
		if (rc == -EEXIST)
			rc = 0;	/* kept: the same key */
	}
	free(r.gone);
	return rc;
}

const struct cluster_kernel klinks_kernel = {
	.link = &link_ops,
	.user_get = user_get,
	.user_add = kern_user_add,
	.user_del = kern_user_del,
	.node_identity = node_identity,
	.node_registry = node_registry,
	.errmsg = kern_errmsg,
};
