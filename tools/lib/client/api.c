// SPDX-License-Identifier: GPL-2.0 OR MIT
/* libsecmsg client: the public API of <secmsg/client.h>. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "secmsg/keyfile.h"
#include "secmsg/nl.h"

#define DEFAULT_PORT		8765
#define DEFAULT_TIMEOUT_MS	10000
#define DISCONNECT_MS		2000

int client_parse_url(struct secmsg_client *c, const char *url)
{
	const char *p, *host, *end, *colon;
	size_t hlen;
	long port = DEFAULT_PORT;
	char *e;

	if (!strncmp(url, "ws://", 5)) {
		c->tls = false;
		p = url + 5;
	} else if (!strncmp(url, "wss://", 6)) {
		c->tls = true;
		p = url + 6;
	} else {
		return SECMSG_CLIENT_E_URL;
	}
	host = p;
	end = host + strcspn(host, "/?#");
	if (*host == '[') {		/* [v6]:port */
		const char *rb = memchr(host, ']', (size_t)(end - host));

		if (!rb)
			return SECMSG_CLIENT_E_URL;
		colon = rb + 1 < end && rb[1] == ':' ? rb + 1 : NULL;
		host++;
		hlen = (size_t)(rb - host);
	} else {
		colon = memchr(host, ':', (size_t)(end - host));
		hlen = (size_t)((colon ? colon : end) - host);
	}
	if (!hlen || memchr(host, '@', hlen))
		return SECMSG_CLIENT_E_URL;
	if (colon) {
		errno = 0;
		port = strtol(colon + 1, &e, 10);
		if (e != end || colon + 1 == end || port < 1 || port > 65535)
			return SECMSG_CLIENT_E_URL;
	}
	c->host = strndup(host, hlen);
	c->path = strdup(*end == '/' ? end : "/");
	c->url = strdup(url);
	if (!c->host || !c->path || !c->url)
		return SECMSG_CLIENT_E_NOMEM;
	c->port = (int)port;
	return 0;
}

struct secmsg_client *secmsg_client_new_err(const char *url, int *errp)
{
	struct secmsg_client *c = calloc(1, sizeof(*c));
	int err = SECMSG_CLIENT_E_NOMEM;

	if (!c)
		goto out;
	c->timeout_ms = DEFAULT_TIMEOUT_MS;
	c->next_id = 1;
	c->held_tail = &c->held;
	c->alg_req = SECMSG_ALG_AES_256_GCM;
	err = client_parse_url(c, url ? url : SECMSG_CLIENT_DEFAULT_URL);
	if (!err)
		err = client_ws_new(c, &client_proto_events);
	if (err) {
		secmsg_client_free(c);
		c = NULL;
	}
out:
	if (errp)
		*errp = c ? 0 : err;
	return c;
}

struct secmsg_client *secmsg_client_new(const char *url)
{
	return secmsg_client_new_err(url, NULL);
}

void secmsg_client_free(struct secmsg_client *c)
{
	if (!c)
		return;
	client_ws_free(c);
	if (c->hs_live)
		secmsg_hs_wipe(&c->hs);
	client_session_wipe(&c->sess);
	client_queue_clear(&c->outq);
	client_outbox_clear(c);
	free(c->sealed);
	free(c->url);
	free(c->host);
	free(c->path);
	explicit_bzero(c, sizeof(*c));
	free(c);
}

void secmsg_client_set_timeout(struct secmsg_client *c, int timeout_ms)
{
	if (c)
		c->timeout_ms = timeout_ms > 0 ? timeout_ms : DEFAULT_TIMEOUT_MS;
}

void secmsg_client_set_register(struct secmsg_client *c, bool on)
{
	if (c)
		c->send_pubkey = on;
}

int secmsg_client_public_key(const uint8_t priv[SECMSG_CLIENT_KEY_LEN],
			     uint8_t pub[SECMSG_CLIENT_KEY_LEN])
{
	if (!priv || !pub)
		return SECMSG_CLIENT_E_INVAL;
	return secmsg_x25519_pub(priv, pub) ? SECMSG_CLIENT_E_CRYPTO : 0;
}

static int load_key(struct secmsg_client *c, const struct secmsg_client_key *k)
{
	uint8_t priv[SECMSG_KEY_LEN];
	int err;

	if (k->private_key) {
		memcpy(priv, k->private_key, sizeof(priv));
	} else if (k->file) {
		err = secmsg_keyfile_load(k->file, k->passphrase,
					  k->passphrase_len, priv);
		if (err == -EBADMSG)
			return SECMSG_CLIENT_E_PASSPHRASE;
		if (err == -ENOMEM)
			return SECMSG_CLIENT_E_NOMEM;
		if (err)
			return SECMSG_CLIENT_E_KEYFILE;
	} else {
		return SECMSG_CLIENT_E_INVAL;
	}
	err = secmsg_client_public_key(priv, c->pub);
	if (!err)
		memcpy(c->priv, priv, sizeof(priv));
	explicit_bzero(priv, sizeof(priv));
	c->have_key = !err;
	return err;
}

int secmsg_client_connect_start(struct secmsg_client *c, const char *user,
				const char *alg,
				const struct secmsg_client_key *key,
				const uint8_t server_pub[SECMSG_CLIENT_KEY_LEN])
{
	int a, err;

	if (!c || !user || !key || !server_pub)
		return SECMSG_CLIENT_E_INVAL;
	if (c->state != SECMSG_CLIENT_IDLE || client_ws_open(c))
		return SECMSG_CLIENT_E_STATE;
	a = secmsg_alg_from_name(alg ? alg : SECMSG_CLIENT_DEFAULT_ALG);
	if (!a || !secmsg_user_id_valid(user) ||
	    !secmsg_x25519_canonical(server_pub))
		return SECMSG_CLIENT_E_INVAL;
	err = load_key(c, key);
	if (err)
		return c->last_err = err;
	strcpy(c->user, user);
	c->alg_req = a;
	memcpy(c->server_pub, server_pub, SECMSG_KEY_LEN);
	return secmsg_client_reconnect_start(c);
}

int secmsg_client_reconnect_start(struct secmsg_client *c)
{
	if (!c)
		return SECMSG_CLIENT_E_INVAL;
	if (!c->have_key)
		return SECMSG_CLIENT_E_STATE;
	if (c->state != SECMSG_CLIENT_IDLE || client_ws_open(c))
		return SECMSG_CLIENT_E_STATE;
	c->last_err = 0;
	return client_proto_connect(c);
}

/* Service until the state leaves CONNECTING / HANDSHAKE. */
static int finish_connect(struct secmsg_client *c, int err)
{
	if (err)
		return err;
	while (c->state == SECMSG_CLIENT_CONNECTING ||
	       c->state == SECMSG_CLIENT_HANDSHAKE) {
		err = client_ws_service(c, SECMSG_CLIENT_POLL_MAX_MS);
		if (err < 0)
			return err;
	}
	if (c->state == SECMSG_CLIENT_READY)
		return 0;
	return c->last_err ? c->last_err : SECMSG_CLIENT_E_CLOSED;
}

int secmsg_client_connect(struct secmsg_client *c, const char *user,
			  const char *alg, const struct secmsg_client_key *key,
			  const uint8_t server_pub[SECMSG_CLIENT_KEY_LEN])
{
	return finish_connect(c, secmsg_client_connect_start(c, user, alg, key,
							     server_pub));
}

int secmsg_client_reconnect(struct secmsg_client *c)
{
	return finish_connect(c, secmsg_client_reconnect_start(c));
}

int secmsg_client_disconnect_start(struct secmsg_client *c)
{
	if (!c)
		return SECMSG_CLIENT_E_INVAL;
	if (!client_ws_open(c))
		return c->state == SECMSG_CLIENT_IDLE ? 0 : SECMSG_CLIENT_E_STATE;
	if (c->state == SECMSG_CLIENT_READY && !c->closing_sent) {
		c->closing_sent = true;
		client_ws_send(c, client_frame_bye("client disconnect"));
	}
	client_proto_set_state(c, SECMSG_CLIENT_CLOSING, 0);
	client_ws_close(c, true);
	return 0;
}

int secmsg_client_disconnect(struct secmsg_client *c)
{
	int64_t end = client_now_ms() + DISCONNECT_MS + 500;
	int err = secmsg_client_disconnect_start(c);

	if (err)
		return err;
	while (client_ws_open(c) && client_now_ms() < end) {
		err = client_ws_service(c, 100);
		if (err < 0)
			return err;
	}
	return client_ws_open(c) ? SECMSG_CLIENT_E_TIMEOUT : 0;
}

int secmsg_client_send(struct secmsg_client *c, const char *to,
		       const void *text, size_t len, uint64_t *id)
{
	if (!c || !to || (!text && len))
		return SECMSG_CLIENT_E_INVAL;
	if (!secmsg_user_id_valid(to))
		return SECMSG_CLIENT_E_INVAL;
	if (c->state != SECMSG_CLIENT_READY)
		return SECMSG_CLIENT_E_STATE;
	if (len > SECMSG_CLIENT_MAX_TEXT)
		return SECMSG_CLIENT_E_TOO_LARGE;
	return client_outbox_send(c, to, text, len, id);
}

int secmsg_client_rotate(struct secmsg_client *c, const char *alg)
{
	if (!c)
		return SECMSG_CLIENT_E_INVAL;
	if (alg && !secmsg_alg_from_name(alg))
		return SECMSG_CLIENT_E_INVAL;
	int err;

	if (c->state != SECMSG_CLIENT_READY)
		return SECMSG_CLIENT_E_STATE;
	err = client_ws_send(c, client_frame_rotate(alg));
	if (!err)
		client_outbox_rotation_asked(c);
	return err;
}

int secmsg_client_who(struct secmsg_client *c)
{
	if (!c)
		return SECMSG_CLIENT_E_INVAL;
	if (c->state != SECMSG_CLIENT_READY)
		return SECMSG_CLIENT_E_STATE;
	return client_ws_send(c, client_frame_who());
}

int secmsg_client_fd(const struct secmsg_client *c)
{
	return c ? client_ws_fd(c) : SECMSG_CLIENT_E_INVAL;
}

int secmsg_client_service(struct secmsg_client *c, int timeout_ms)
{
	if (!c)
		return SECMSG_CLIENT_E_INVAL;
	if (!client_ws_open(c) && c->state == SECMSG_CLIENT_IDLE)
		return c->last_err ? c->last_err : SECMSG_CLIENT_E_STATE;
	return client_ws_service(c, timeout_ms);
}

int secmsg_client_wait(struct secmsg_client *c, int timeout_ms)
{
	int64_t end = client_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	int64_t left;
	int n;

	if (!c)
		return SECMSG_CLIENT_E_INVAL;
	for (;;) {
		if (!client_ws_open(c) && c->state == SECMSG_CLIENT_IDLE)
			return c->last_err ? c->last_err : SECMSG_CLIENT_E_CLOSED;
		left = timeout_ms < 0 ? SECMSG_CLIENT_POLL_MAX_MS :
					end - client_now_ms();
		if (left < 0)
			left = 0;
		n = client_ws_service(c, (int)left);
		if (n)
			return n;
		if (timeout_ms >= 0 && client_now_ms() >= end)
			return 0;
	}
}

enum secmsg_client_state secmsg_client_state(const struct secmsg_client *c)
{
	return c ? c->state : SECMSG_CLIENT_IDLE;
}

int secmsg_client_last_error(const struct secmsg_client *c)
{
	return c ? c->last_err : SECMSG_CLIENT_E_INVAL;
}

const char *secmsg_client_user(const struct secmsg_client *c)
{
	return c && c->user[0] ? c->user : NULL;
}

const char *secmsg_client_alg(const struct secmsg_client *c)
{
	if (!c)
		return NULL;
	return secmsg_alg_name(c->sess.active ? c->sess.alg : c->alg_req);
}

uint32_t secmsg_client_epoch(const struct secmsg_client *c)
{
	return c && c->sess.active ? c->sess.epoch : 0;
}

uint64_t secmsg_client_session_id(const struct secmsg_client *c)
{
	return c && c->sess.active ? c->sess.id : 0;
}

size_t secmsg_client_pending(const struct secmsg_client *c)
{
	struct client_pending *p;
	size_t n;

	if (!c)
		return 0;
	n = c->n_pending;
	for (p = c->held; p; p = p->next)
		n++;
	return n;
}

#define SETTER(name, field, type)					\
void secmsg_client_on_##name(struct secmsg_client *c, type cb, void *ud) \
{									\
	if (!c)								\
		return;							\
	c->cb.field = cb;						\
	c->cb.field##_ud = ud;						\
}

SETTER(state, state, secmsg_client_state_cb)
SETTER(message_received, received, secmsg_client_received_cb)
SETTER(message_decrypted, decrypted, secmsg_client_decrypted_cb)
SETTER(delivery, delivery, secmsg_client_delivery_cb)
SETTER(presence, presence, secmsg_client_presence_cb)
SETTER(online, online, secmsg_client_online_cb)
SETTER(epoch, epoch, secmsg_client_epoch_cb)
SETTER(error, error, secmsg_client_error_cb)
