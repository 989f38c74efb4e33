/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* secmsg-client: shared declarations of its parts. */
#ifndef SECMSG_CLIENT_CLI_H
#define SECMSG_CLIENT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "secmsg/client.h"

/* Exit statuses (secmsg-client(1), EXIT STATUS). */
enum {
	EX_OK_ = 0,
	EX_ERROR = 1,		/* anything else */
	EX_USAGE_ = 2,		/* bad command line */
	EX_CONNECT = 3,		/* cannot reach the server or connection refused */
	EX_AUTH = 4,		/* handshake refused: unknown user, bad key, server key */
	EX_KEY = 5,		/* key file unreadable or wrong passphrase */
	EX_DELIVERY = 6,	/* a message was not delivered */
	EX_LOST = 7,		/* connection lost after it was ready */
	EX_TIMEOUT = 8,		/* --recv / --wait-online / deliveries: timeout */
};

#define PASS_MAX	1024

struct cli {
	struct secmsg_client *c;
	const char *url, *alg, *keyfile, *server_key, *pass_file, *user;
	const char *wait_online;
	char to[SECMSG_CLIENT_USER_MAX + 1];
	const char **send_to, **send_text;
	int n_send;
	bool json, raw, quiet, reg, interactive;
	long recv_n, received;
	int timeout;			/* seconds, 0: none */
	int failed;			/* deliveries that failed */
	bool online_seen;
	bool quit;
};

/*
 * pass.c: a passphrase from a file (first line) or the terminal.  Each
 * returns its length or a negative errno (pass_strerror() says it).
 */
long pass_read_file(const char *path, char *buf, size_t size);
long pass_read_tty(const char *prompt, char *buf, size_t size);
/*
 * From --passphrase-file, else the terminal (twice when confirm; -EINVAL
 * when they differ).  An empty one is -ENOKEY (section 4 forbids it).
 */
long pass_get(const char *file, const char *prompt, bool confirm, char *buf,
	      size_t size);
const char *pass_strerror(long err);

/* keygen.c */
int cmd_keygen(int argc, char **argv);
int cmd_pubkey(int argc, char **argv);

/* output.c */
void out_message(struct cli *k, const struct secmsg_client_message *m);
void out_delivery(struct cli *k, const struct secmsg_client_delivery *d);
void out_presence(struct cli *k, const char *user, bool online);
void out_online(struct cli *k, const char *const *users, size_t n);
void out_epoch(struct cli *k, uint32_t epoch, const char *alg);
void out_error(struct cli *k, int err, const char *detail);
void out_ready(struct cli *k);
void out_note(struct cli *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* chat.c */
int chat_run(struct cli *k);
int exit_code_of(int err);

#endif
