// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Fuzz target: the client's protocol above the transport
 * (tools/lib/client/proto.c): client_proto_frame(), which the client
 * library runs on every frame the server sends, with the state it acts
 * on (the handshake, the session's keys and epochs, pending deliveries,
 * messages held over a rotation) and the callbacks a program sets.
 *
 * Input: one byte choosing the start (low bit: 0 the hello of the fixed
 * handshake was sent, 1 the fixed session is ready), then one frame per
 * line.  Lines "!send", "!rotate" and "!rotate2" are the program calling
 * secmsg_client_send() to bob, secmsg_client_rotate(NULL) and
 * secmsg_client_rotate("twofish_cbc") there.  After a fatal error the
 * connection would be closed: the rest of the input is not read, and
 * client_proto_closed() ends it as the transport does.
 *
 * What must hold: callbacks get what their documentation promises
 * (decrypted texts of at most 65,280 bytes from a named sender, a list
 * of non-NULL user names, one delivery per message sent, epochs that only
 * go up); the state moves only as the protocol allows (ready only after a
 * handshake that the fixed server completed, for its session); the
 * pending count matches the messages awaiting a delivery; after the
 * close every pending message got its delivery and nothing leaks
 * (secmsg_client_free()).
 */
#include <string.h>

#include "fuzz.h"
#include "keys.h"
#include "client/internal.h"
#include "secmsg/nl.h"

struct seen {
	uint64_t sent, deliveries;
	uint32_t epoch;
	int state;
};

static void on_state(struct secmsg_client *c, enum secmsg_client_state st,
		     int err, void *ud)
{
	struct seen *s = ud;

	(void)err;
	FUZZ_CHECK(st != SECMSG_CLIENT_READY ||
		   (c->sess.active && c->sess.id == FUZZ_SESSION_ID));
	s->state = st;
}

static void on_decrypted(struct secmsg_client *c,
			 const struct secmsg_client_message *m, void *ud)
{
	(void)c;
	(void)ud;
	FUZZ_CHECK(m->from && m->len <= SECMSG_CLIENT_MAX_TEXT);
	FUZZ_CHECK(m->alg && secmsg_alg_from_name(m->alg));
	FUZZ_CHECK(m->text || !m->len);
}

static void on_received(struct secmsg_client *c, const char *from,
			const uint8_t *sealed, size_t len, void *ud)
{
	(void)c;
	(void)ud;
	FUZZ_CHECK(from && (sealed || !len));
}

static void on_delivery(struct secmsg_client *c,
			const struct secmsg_client_delivery *d, void *ud)
{
	struct seen *s = ud;

	(void)c;
	FUZZ_CHECK(d->delivered ? !d->err : d->err < 0);
	/* one per message sent: the server may name ids never sent */
	if (d->to)
		s->deliveries++;
}

static void on_online(struct secmsg_client *c, const char *const *users,
		      size_t n, void *ud)
{
	size_t i;

	(void)c;
	(void)ud;
	for (i = 0; i < n; i++)
		FUZZ_CHECK(users[i]);
}

static void on_epoch(struct secmsg_client *c, uint32_t epoch,
		     const char *alg, void *ud)
{
	struct seen *s = ud;

	(void)c;
	FUZZ_CHECK(epoch > s->epoch && alg && secmsg_alg_from_name(alg));
	s->epoch = epoch;
}

static void on_error(struct secmsg_client *c, int err, const char *detail,
		     void *ud)
{
	(void)c;
	(void)ud;
	FUZZ_CHECK(err < 0 && detail);
}

static struct secmsg_client *client_new(struct seen *s, bool ready)
{
	struct secmsg_client *c = calloc(1, sizeof(*c));
	uint8_t c2s[32], s2c[32], msg1[SECMSG_HS_INIT_MAX];
	size_t len = sizeof(msg1);

	FUZZ_CHECK(c);
	/* what secmsg_client_new() and _connect() set, less the transport */
	c->next_id = 1;
	c->alg_req = SECMSG_ALG_AES_256_GCM;
	strcpy(c->user, FUZZ_USER);
	c->held_tail = &c->held;
	c->cb.state = on_state;
	c->cb.decrypted = on_decrypted;
	c->cb.received = on_received;
	c->cb.delivery = on_delivery;
	c->cb.online = on_online;
	c->cb.epoch = on_epoch;
	c->cb.error = on_error;
	c->cb.state_ud = c->cb.delivery_ud = c->cb.epoch_ud = s;
	if (ready) {
		fuzz_key(c2s, FUZZ_SECRET_C2S);
		fuzz_key(s2c, FUZZ_SECRET_S2C);
		FUZZ_CHECK(!client_session_init(&c->sess, FUZZ_SESSION_ID,
						c->alg_req, c2s, s2c));
		c->state = SECMSG_CLIENT_READY;
	} else {
		/* what proto.c does when the WebSocket opens, with fixed keys */
		FUZZ_CHECK(!fuzz_hs_init(&c->hs, c->alg_req, msg1, &len));
		c->hs_live = true;
		c->state = SECMSG_CLIENT_HANDSHAKE;
	}
	s->state = (int)c->state;
	return c;
}

static void call(struct secmsg_client *c, struct seen *s, const char *line,
		 size_t len)
{
	int err;

	if (len == 5 && !memcmp(line, "!send", 5)) {
		err = secmsg_client_send(c, FUZZ_PEER, "hello bob", 9, NULL);
		FUZZ_CHECK(!err || err == SECMSG_CLIENT_E_STATE);
		if (!err)
			s->sent++;
	} else if (len == 7 && !memcmp(line, "!rotate", 7)) {
		err = secmsg_client_rotate(c, NULL);
		FUZZ_CHECK(!err || err == SECMSG_CLIENT_E_STATE);
	} else if (len == 8 && !memcmp(line, "!rotate2", 8)) {
		err = secmsg_client_rotate(c, "twofish_cbc");
		FUZZ_CHECK(!err || err == SECMSG_CLIENT_E_STATE);
	}
}

static size_t held(const struct secmsg_client *c)
{
	const struct client_pending *p;
	size_t n = 0;

	for (p = c->held; p; p = p->next)
		n++;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct seen s = { 0 };
	bool ready = fuzz_u8(&in) & 1;
	struct secmsg_client *c = client_new(&s, ready);
	bool was_active = c->sess.active;
	uint32_t epoch = c->sess.epoch;
	const uint8_t *nl;
	char *line;
	size_t len;

	while (in.left && !c->close_err) {
		nl = memchr(in.p, '\n', in.left);
		len = nl ? (size_t)(nl - in.p) : in.left;
		line = fuzz_dup(in.p, len);
		in.p += len + !!nl;
		in.left -= len + !!nl;
		if (len && line[0] == '!')
			call(c, &s, line, len);
		else
			client_proto_frame(c, line, len);
		free(line);
		FUZZ_CHECK(c->n_pending + held(c) + s.deliveries == s.sent);
		/* a session's epoch only goes up */
		if (c->sess.active && was_active)
			FUZZ_CHECK(c->sess.epoch >= epoch);
		was_active = c->sess.active;
		epoch = c->sess.epoch;
	}
	/* the transport reports the end of the connection */
	client_proto_closed(c, c->close_err ? c->close_err :
					      SECMSG_CLIENT_E_CLOSED);
	FUZZ_CHECK(s.state == SECMSG_CLIENT_IDLE);
	FUZZ_CHECK(!c->n_pending && !c->held && s.deliveries == s.sent);
	FUZZ_CHECK(!c->sess.active && !c->hs_live);
	secmsg_client_free(c);
	return 0;
}
