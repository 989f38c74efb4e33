// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * secmsg-echo: the smallest useful program on the secmsg client library,
 * built against the installed library with pkg-config:
 *
 *   cc -o secmsg-echo secmsg-echo.c $(pkg-config --cflags --libs secmsg)
 *
 * It logs in as USER and answers every message with "echo: TEXT", using
 * the blocking form of the API (secmsg_client_wait), and logs in again
 * when the server restarts.
 *
 *   SECMSG_SERVER_KEY=$(secmsgd --print-pubkey) \
 *   SECMSG_PASSPHRASE=... secmsg-echo [-u URL] [-n N] KEYFILE USER
 *
 * -n N: exit 0 after answering N messages (for scripts and tests).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <secmsg/client.h>
#include <secmsg/codec.h>

struct echo {
	long answered, limit;
};

static void on_message(struct secmsg_client *c,
		       const struct secmsg_client_message *m, void *ud)
{
	struct echo *e = ud;
	char out[SECMSG_CLIENT_MAX_TEXT];
	int n;

	n = snprintf(out, sizeof(out), "echo: %.*s", (int)m->len,
		     (const char *)m->text);
	if (n > (int)sizeof(out) - 1)
		n = sizeof(out) - 1;
	if (!secmsg_client_send(c, m->from, out, (size_t)n, NULL))
		e->answered++;
	explicit_bzero(out, sizeof(out));
}

static void on_error(struct secmsg_client *c, int err, const char *detail,
		     void *ud)
{
	(void)c;
	(void)ud;
	fprintf(stderr, "secmsg-echo: %s (%s)\n", detail,
		secmsg_client_strerror(err));
}

static int usage(void)
{
	fprintf(stderr, "usage: secmsg-echo [-u URL] [-n N] KEYFILE USER\n"
		"  (SECMSG_SERVER_KEY: the server's public key in base64;\n"
		"   SECMSG_PASSPHRASE: the key file's passphrase)\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *url = NULL, *b64 = getenv("SECMSG_SERVER_KEY");
	const char *pass = getenv("SECMSG_PASSPHRASE");
	uint8_t server_pub[SECMSG_CLIENT_KEY_LEN];
	struct secmsg_client_key key = { 0 };
	struct echo e = { 0 };
	struct secmsg_client *c;
	int opt, err;

	while ((opt = getopt(argc, argv, "u:n:h")) != -1) {
		if (opt == 'u')
			url = optarg;
		else if (opt == 'n')
			e.limit = atol(optarg);
		else
			return usage();
	}
	if (argc - optind != 2 || !b64 || !pass ||
	    secmsg_base64_decode(b64, strlen(b64), server_pub,
				 sizeof(server_pub)) != SECMSG_CLIENT_KEY_LEN)
		return usage();
	key.file = argv[optind];
	key.passphrase = pass;
	key.passphrase_len = strlen(pass);

	c = secmsg_client_new_err(url, &err);
	if (!c) {
		fprintf(stderr, "secmsg-echo: %s\n", secmsg_client_strerror(err));
		return 1;
	}
	secmsg_client_on_message_decrypted(c, on_message, &e);
	secmsg_client_on_error(c, on_error, &e);
	err = secmsg_client_connect(c, argv[optind + 1], NULL, &key,
				    server_pub);
	while (!err && (!e.limit || e.answered < e.limit ||
			secmsg_client_pending(c))) {
		err = secmsg_client_wait(c, 1000);	/* callbacks run here */
		if (err >= 0) {
			err = 0;
		} else if (err == SECMSG_CLIENT_E_SHUTDOWN ||
			   err == SECMSG_CLIENT_E_CLOSED ||
			   err == SECMSG_CLIENT_E_EXPIRED ||
			   err == SECMSG_CLIENT_E_CONNECT) {
			/* server restart, lost connection: log in again */
			sleep(1);
			secmsg_client_reconnect(c);	/* failure: next wait */
			err = 0;
		}
	}
	if (err)
		fprintf(stderr, "secmsg-echo: %s\n", secmsg_client_strerror(err));
	secmsg_client_disconnect(c);
	secmsg_client_free(c);
	return err ? 1 : 0;
}
