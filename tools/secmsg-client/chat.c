// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * secmsg-client USER: connect, then chat (a terminal on stdin), or send
 * what --send and stdin say and wait for the deliveries and --recv N
 * messages (scripts).  Lines starting with '/' are commands.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "secmsg/codec.h"

#define LINE_MAX_	(SECMSG_CLIENT_MAX_TEXT + 2)

int exit_code_of(int err)
{
	switch (err) {
	case 0:
		return EX_OK_;
	case SECMSG_CLIENT_E_URL:
	case SECMSG_CLIENT_E_CONNECT:
	case SECMSG_CLIENT_E_TIMEOUT:
	case SECMSG_CLIENT_E_PROTOCOL:
		return EX_CONNECT;
	case SECMSG_CLIENT_E_UNKNOWN_USER:
	case SECMSG_CLIENT_E_AUTH:
	case SECMSG_CLIENT_E_REPLAYED:
	case SECMSG_CLIENT_E_HANDSHAKE:
	case SECMSG_CLIENT_E_SERVER_AUTH:
	case SECMSG_CLIENT_E_ALREADY_ONLINE:
	case SECMSG_CLIENT_E_REVOKED:
		return EX_AUTH;
	case SECMSG_CLIENT_E_KEYFILE:
	case SECMSG_CLIENT_E_PASSPHRASE:
		return EX_KEY;
	case SECMSG_CLIENT_E_CLOSED:
	case SECMSG_CLIENT_E_SHUTDOWN:
	case SECMSG_CLIENT_E_EXPIRED:
	case SECMSG_CLIENT_E_REPLACED:
		return EX_LOST;
	default:
		return EX_ERROR;
	}
}

/*
 * The interactive client reconnects after a lost connection or a server
 * restart, not when another login took over, the user was revoked or
 * the server refuses the user (that would only repeat).
 */
static bool reconnectable(int err)
{
	int ex = exit_code_of(err);

	return (ex == EX_LOST || ex == EX_CONNECT) &&
	       err != SECMSG_CLIENT_E_REPLACED;
}

static void cb_decrypted(struct secmsg_client *c,
			 const struct secmsg_client_message *m, void *ud)
{
	struct cli *k = ud;

	(void)c;
	k->received++;
	out_message(k, m);
}

static void cb_delivery(struct secmsg_client *c,
			const struct secmsg_client_delivery *d, void *ud)
{
	struct cli *k = ud;

	(void)c;
	if (!d->delivered)
		k->failed++;
	out_delivery(k, d);
}

static void cb_presence(struct secmsg_client *c, const char *user,
			bool online, void *ud)
{
	struct cli *k = ud;

	(void)c;
	if (online && k->wait_online && !strcmp(user, k->wait_online))
		k->online_seen = true;
	out_presence(k, user, online);
}

static void cb_online(struct secmsg_client *c, const char *const *users,
		      size_t n, void *ud)
{
	struct cli *k = ud;
	size_t i;

	(void)c;
	for (i = 0; i < n; i++)
		if (k->wait_online && !strcmp(users[i], k->wait_online))
			k->online_seen = true;
	out_online(k, users, n);
}

static void cb_epoch(struct secmsg_client *c, uint32_t epoch, const char *alg,
		     void *ud)
{
	(void)c;
	out_epoch(ud, epoch, alg);
}

static void cb_error(struct secmsg_client *c, int err, const char *detail,
		     void *ud)
{
	(void)c;
	out_error(ud, err, detail);
}

static void help(void)
{
	fprintf(stderr,
		"  TEXT          send TEXT to the current recipient\n"
		"  /to USER      change the recipient\n"
		"  /rotate [ALG] rotate the session's keys (to ALG)\n"
		"  /who          who is online\n"
		"  /quit         leave (after the delivery results)\n");
}

static void send_text(struct cli *k, const char *to, const char *text,
		      size_t len)
{
	int err = secmsg_client_send(k->c, to, text, len, NULL);

	if (err) {
		k->failed++;
		out_error(k, err, secmsg_client_strerror(err));
	}
}

static void command(struct cli *k, char *line)
{
	char *arg = line + strcspn(line, " \t");
	int err = 0;

	if (*arg)
		*arg++ = 0;
	arg += strspn(arg, " \t");
	if (!strcmp(line, "/quit") || !strcmp(line, "/q")) {
		k->quit = true;
	} else if (!strcmp(line, "/to") && *arg &&
		   strlen(arg) <= SECMSG_CLIENT_USER_MAX) {
		strcpy(k->to, arg);
		out_note(k, "sending to %s", k->to);
	} else if (!strcmp(line, "/rotate")) {
		err = secmsg_client_rotate(k->c, *arg ? arg : NULL);
	} else if (!strcmp(line, "/who")) {
		err = secmsg_client_who(k->c);
	} else {
		help();
	}
	if (err)
		out_error(k, err, secmsg_client_strerror(err));
}

static void line_in(struct cli *k, char *line, size_t len)
{
	if (len && line[len - 1] == '\r')
		line[--len] = 0;
	if (line[0] == '/') {
		command(k, line);
	} else if (!k->to[0]) {
		out_error(k, SECMSG_CLIENT_E_INVAL,
			  "no recipient: say /to USER (or --to USER) first");
	} else {
		send_text(k, k->to, line, len);
	}
	explicit_bzero(line, len);
}

struct input {
	char *buf;
	size_t len;
	bool open;
};

/* Read what stdin has; handle each whole line. */
static void read_stdin(struct cli *k, struct input *in)
{
	ssize_t r = read(0, in->buf + in->len, LINE_MAX_ - in->len);
	char *nl;
	size_t n;

	if (r <= 0) {
		if (r < 0 && errno == EINTR)
			return;
		if (in->len) {
			in->buf[in->len] = 0;
			line_in(k, in->buf, in->len);
			in->len = 0;
		}
		in->open = false;
		return;
	}
	in->len += (size_t)r;
	while ((nl = memchr(in->buf, '\n', in->len))) {
		*nl = 0;
		n = (size_t)(nl - in->buf);
		line_in(k, in->buf, n);
		memmove(in->buf, nl + 1, in->len - n - 1);
		in->len -= n + 1;
		if (k->quit) {		/* /quit: nothing after it is read */
			explicit_bzero(in->buf, in->len);
			in->len = 0;
			in->open = false;
			return;
		}
	}
	if (in->len == LINE_MAX_) {
		out_error(k, SECMSG_CLIENT_E_TOO_LARGE, "line too long");
		k->failed++;
		explicit_bzero(in->buf, in->len);
		in->len = 0;
	}
}

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/*
 * Done: after /quit or at the end of piped input once every message sent
 * has its delivery result, or once --recv N messages came.
 */
static bool done(struct cli *k, const struct input *in)
{
	if (k->quit)
		return !secmsg_client_pending(k->c);
	if (k->recv_n && k->received >= k->recv_n &&
	    (!k->interactive || !in->open) && !secmsg_client_pending(k->c))
		return true;
	return !k->interactive && !in->open && !k->recv_n &&
	       !secmsg_client_pending(k->c);
}

static int connect_client(struct cli *k)
{
	struct secmsg_client_key key = { .file = k->keyfile };
	uint8_t spub[32];
	char pass[PASS_MAX], prompt[300];
	long n;
	int err;

	if (!k->server_key ||
	    secmsg_base64_decode(k->server_key, strlen(k->server_key), spub,
				 sizeof(spub)) != 32) {
		fprintf(stderr, "secmsg-client: --server-key (or "
			"SECMSG_SERVER_KEY): the server's public key, 32 bytes "
			"in base64 (secmsgctl identity show)\n");
		return EX_USAGE_;
	}
	snprintf(prompt, sizeof(prompt), "Passphrase for %s: ", k->keyfile);
	n = pass_get(k->pass_file, prompt, false, pass, sizeof(pass));
	if (n < 0) {
		fprintf(stderr, "secmsg-client: cannot read the passphrase: %s\n",
			pass_strerror(n));
		return EX_KEY;
	}
	key.passphrase = pass;
	key.passphrase_len = (size_t)n;
	k->c = secmsg_client_new_err(k->url, &err);
	if (!k->c) {
		explicit_bzero(pass, sizeof(pass));
		fprintf(stderr, "secmsg-client: %s: %s\n", k->url,
			secmsg_client_strerror(err));
		return err == SECMSG_CLIENT_E_URL ? EX_USAGE_ : EX_ERROR;
	}
	secmsg_client_on_message_decrypted(k->c, cb_decrypted, k);
	secmsg_client_on_delivery(k->c, cb_delivery, k);
	secmsg_client_on_presence(k->c, cb_presence, k);
	secmsg_client_on_online(k->c, cb_online, k);
	secmsg_client_on_epoch(k->c, cb_epoch, k);
	secmsg_client_on_error(k->c, cb_error, k);
	secmsg_client_set_register(k->c, k->reg);
	err = secmsg_client_connect(k->c, k->user, k->alg, &key, spub);
	explicit_bzero(pass, sizeof(pass));
	if (err) {
		if (!k->json)
			fprintf(stderr, "secmsg-client: %s\n",
				secmsg_client_strerror(err));
		else
			out_error(k, err, secmsg_client_strerror(err));
		return exit_code_of(err);
	}
	out_ready(k);
	return 0;
}

static int wait_online(struct cli *k)
{
	int64_t end = now_ms() + (int64_t)k->timeout * 1000;

	if (!k->wait_online || k->online_seen)
		return 0;
	while (!k->online_seen) {
		if (k->timeout && now_ms() >= end)
			return EX_TIMEOUT;
		if (secmsg_client_wait(k->c, 200) < 0)
			return exit_code_of(secmsg_client_last_error(k->c));
	}
	return 0;
}

static int loop(struct cli *k, struct input *in)
{
	struct pollfd p[2];
	int64_t deadline = 0, retry_at = 0;
	int n, err;

	while (!done(k, in)) {
		if (secmsg_client_state(k->c) == SECMSG_CLIENT_IDLE) {
			err = secmsg_client_last_error(k->c);
			if (!err)
				err = SECMSG_CLIENT_E_CLOSED;
			if (!k->interactive || !reconnectable(err)) {
				out_error(k, err, secmsg_client_strerror(err));
				return exit_code_of(err);
			}
			if (now_ms() >= retry_at) {
				out_note(k, "connection lost (%s); reconnecting",
					 secmsg_client_strerror(err));
				if (!secmsg_client_reconnect(k->c))
					out_ready(k);
				retry_at = now_ms() + 3000;
			}
		}
		if (!in->open && (!k->interactive || k->quit) && !deadline &&
		    k->timeout)
			deadline = now_ms() + (int64_t)k->timeout * 1000;
		if (deadline && now_ms() >= deadline)
			return EX_TIMEOUT;
		p[0].fd = secmsg_client_fd(k->c);
		p[0].events = POLLIN;
		p[1].fd = in->open ? 0 : -1;
		p[1].events = POLLIN;
		n = poll(p, 2, 200);
		if (n < 0 && errno != EINTR)
			return EX_ERROR;
		secmsg_client_service(k->c, 0);
		if (n > 0 && in->open && (p[1].revents & (POLLIN | POLLHUP)))
			read_stdin(k, in);
	}
	return 0;
}

int chat_run(struct cli *k)
{
	struct input in = { .open = false };
	int i, rc;

	rc = connect_client(k);
	if (rc)
		goto out;
	rc = wait_online(k);
	if (rc) {
		if (rc == EX_TIMEOUT)
			fprintf(stderr, "secmsg-client: %s did not come online\n",
				k->wait_online);
		goto out;
	}
	for (i = 0; i < k->n_send; i++)
		send_text(k, k->send_to[i], k->send_text[i],
			  strlen(k->send_text[i]));
	in.open = !k->n_send;
	if (in.open) {
		in.buf = malloc(LINE_MAX_ + 1);
		if (!in.buf) {
			rc = EX_ERROR;
			goto out;
		}
	}
	if (k->interactive)
		out_note(k, "type a message and Enter%s%s; /help for commands",
			 k->to[0] ? " to send it to " : " (after /to USER)",
			 k->to);
	rc = loop(k, &in);
	if (rc == EX_TIMEOUT)
		fprintf(stderr, "secmsg-client: timed out (%ld of %ld messages, "
			"%zu deliveries pending)\n", k->received, k->recv_n,
			secmsg_client_pending(k->c));
	if (!rc && k->failed)
		rc = EX_DELIVERY;
	secmsg_client_disconnect(k->c);
out:
	if (in.buf) {
		explicit_bzero(in.buf, LINE_MAX_ + 1);
		free(in.buf);
	}
	secmsg_client_free(k->c);
	k->c = NULL;
	return rc;
}
