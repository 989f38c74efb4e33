// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Kernel glue on libsecmsg (see kernel.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secmsg/handshake.h"

#include "files.h"
#include "kernel.h"

static struct secmsg_nl *cmd, *evh;
static char last_err[256];

static int note(int rc)
{
	const char *m = secmsg_nl_errmsg(cmd);

	snprintf(last_err, sizeof(last_err), "%s", rc && m ? m : "");
	return rc;
}

const char *kern_errmsg(void)
{
	return last_err;
}

int kern_open(void)
{
	int rc, fd, fl;

	rc = secmsg_nl_open(&cmd);
	if (rc)
		return rc;
	rc = secmsg_nl_open(&evh);
	if (rc)
		goto fail;
	rc = secmsg_events_subscribe(evh);
	if (rc)
		goto fail;
	fd = secmsg_nl_fd(evh);
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		rc = -errno;
		goto fail;
	}
	return 0;
fail:
	kern_close();
	return rc;
}

void kern_close(void)
{
	secmsg_nl_close(evh);
	secmsg_nl_close(cmd);
	evh = cmd = NULL;
}

int kern_identity_pubkey(const char *path, uint8_t pub[SECMSG_X25519_LEN])
{
	uint8_t priv[SECMSG_X25519_LEN], *buf;
	size_t len;
	int rc;

	if (!path)
		return note(secmsg_identity_get(cmd, pub));
	rc = file_read(path, 4096, &buf, &len);
	if (rc)
		return rc;
	rc = identity_parse(buf, len, priv);
	file_free(buf, len);
	if (!rc)
		rc = secmsg_x25519_pub(priv, pub);
	explicit_bzero(priv, sizeof(priv));
	return rc;
}

int kern_identity_setup(const char *path, uint8_t pub[SECMSG_X25519_LEN],
			const char **how)
{
	uint8_t priv[SECMSG_X25519_LEN], *buf;
	size_t len;
	int rc;

	if (path) {
		*how = "file";
		rc = file_read(path, 4096, &buf, &len);
		if (rc)
			return rc;
		rc = identity_parse(buf, len, priv);
		file_free(buf, len);
		if (!rc)
			rc = note(secmsg_identity_set(cmd, priv, pub));
		explicit_bzero(priv, sizeof(priv));
		return rc;
	}
	*how = "kernel";
	rc = note(secmsg_identity_get(cmd, pub));
	if (rc == -ENOKEY) {
		*how = "generated";
		rc = note(secmsg_identity_generate(cmd, pub));
	}
	return rc;
}

int kern_user_exists(const char *user)
{
	struct secmsg_user_info u;

	return note(secmsg_user_get(cmd, user, &u));
}

int kern_user_add(const char *user, const uint8_t pub[SECMSG_X25519_LEN])
{
	return note(secmsg_user_add(cmd, user, pub));
}

int kern_user_get(const char *user, struct secmsg_user_info *out)
{
	return note(secmsg_user_get(cmd, user, out));
}

int kern_user_del(const char *user)
{
	return note(secmsg_user_del(cmd, user));
}

int kern_handshake(const uint8_t *msg1, size_t len,
		   const struct secmsg_policy *pol, uint64_t *sid,
		   uint8_t *msg2, size_t *msg2_len)
{
	return note(secmsg_handshake(cmd, msg1, len, pol,
				     SECMSG_SESSION_F_OWNED, sid, msg2,
				     msg2_len));
}

int kern_confirm(uint64_t sid, const uint8_t *msg3, size_t len,
		 struct secmsg_session_info *out)
{
	return note(secmsg_handshake_confirm(cmd, sid, msg3, len, out));
}

int kern_session_del(uint64_t sid)
{
	return note(secmsg_session_del(cmd, sid));
}

int kern_rotate(uint64_t sid, int alg, struct secmsg_session_info *out)
{
	if (alg)
		return note(secmsg_session_set(cmd, sid, alg, NULL, out));
	return note(secmsg_session_rotate(cmd, sid, out));
}

int kern_batch(const struct secmsg_batch_op *ops, size_t n,
	       struct secmsg_msg_result *res)
{
	/* views into the handle's buffer: valid until the next kern_ call */
	return note(secmsg_msg_batch_view(cmd, ops, n, res));
}

int kern_sessions(kern_session_fn fn, void *arg)
{
	return note(secmsg_session_dump(cmd, fn, arg));
}

int kern_events_fd(void)
{
	return secmsg_nl_fd(evh);
}

int kern_event(struct secmsg_event_info *ev)
{
	return secmsg_event_recv(evh, ev);
}

/* ---- the cluster: node identity, node registry, link sessions ---- */

/*
 * libsecmsg's calls of the kernel half of the cluster (CLUSTER-DESIGN.md:
 * the identity and user commands with a slot, LINK_INIT, LINK_FINISH,
 * the handshake with SECMSG_SESSION_F_LINK).
 */
int kern_node_identity_set(const char *node,
			   const uint8_t priv[SECMSG_X25519_LEN],
			   uint8_t pub[SECMSG_X25519_LEN])
{
	return note(secmsg_identity_set_slot(cmd, SECMSG_IDENTITY_SLOT_NODE,
					     node, priv, pub));
}

int kern_node_add(const char *node, const uint8_t pub[SECMSG_X25519_LEN])
{
	return note(secmsg_user_add_slot(cmd, SECMSG_IDENTITY_SLOT_NODE, node,
					 pub));
}

int kern_node_del(const char *node)
{
	return note(secmsg_user_del_slot(cmd, SECMSG_IDENTITY_SLOT_NODE,
					 node));
}

int kern_nodes(int (*fn)(const struct secmsg_user_info *u, void *arg),
	       void *arg)
{
	return note(secmsg_user_dump_slot(cmd, SECMSG_IDENTITY_SLOT_NODE, fn,
					  arg));
}

int kern_link_init(const char *node, int alg, const struct secmsg_policy *pol,
		   uint64_t *sid, uint8_t *msg1, size_t *len)
{
	return note(secmsg_link_init(cmd, node, alg, pol,
				     SECMSG_SESSION_F_OWNED, sid, msg1, len));
}

int kern_link_finish(uint64_t sid, const uint8_t *msg2, size_t len,
		     uint8_t *msg3, size_t *len3)
{
	return note(secmsg_link_finish(cmd, sid, msg2, len, msg3, len3,
				       NULL));
}

int kern_link_respond(const uint8_t *msg1, size_t len,
		      const struct secmsg_policy *pol, uint64_t *sid,
		      uint8_t *msg2, size_t *len2)
{
	return note(secmsg_handshake(cmd, msg1, len, pol,
				     SECMSG_SESSION_F_OWNED |
				     SECMSG_SESSION_F_LINK, sid, msg2, len2));
}

int kern_link_confirm(uint64_t sid, const uint8_t *msg3, size_t len,
		      struct secmsg_session_info *out)
{
	return note(secmsg_handshake_confirm(cmd, sid, msg3, len, out));
}
