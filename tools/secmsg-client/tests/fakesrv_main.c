// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * fakesrv PORT SERVER_KEY_FILE [USER=PUBKEY_B64 ...] [--rotate-every N]
 * [--register]: run the host tests' stand-in for secmsgd until SIGTERM or
 * SIGINT.  SERVER_KEY_FILE holds the raw 32-byte private key; its public
 * key is printed in base64 on stdout once listening.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "fakesrv.h"
#include "secmsg/codec.h"
#include "secmsg/handshake.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct fakesrv_opts o;
	struct fakesrv *s;
	uint8_t pub[32];
	char b64[SECMSG_B64_LEN(32)];
	FILE *f;
	int i;

	memset(&o, 0, sizeof(o));
	if (argc < 3) {
		fprintf(stderr, "usage: fakesrv PORT KEYFILE [USER=PUB]... "
			"[--rotate-every N] [--register]\n");
		return 2;
	}
	o.port = atoi(argv[1]);
	f = fopen(argv[2], "rb");
	if (!f || fread(o.server_priv, 1, 32, f) != 32) {
		fprintf(stderr, "fakesrv: cannot read %s\n", argv[2]);
		return 1;
	}
	fclose(f);
	for (i = 3; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!strcmp(argv[i], "--register")) {
			o.register_on_first_use = true;
		} else if (!strcmp(argv[i], "--rotate-every") && i + 1 < argc) {
			o.rotate_every = (unsigned int)atoi(argv[++i]);
		} else if (eq && o.n_users < FAKESRV_MAX_USERS &&
			   eq - argv[i] < 65 &&
			   secmsg_base64_decode(eq + 1, strlen(eq + 1),
						o.users[o.n_users].pub, 32) == 32) {
			memcpy(o.users[o.n_users].name, argv[i],
			       (size_t)(eq - argv[i]));
			o.n_users++;
		} else {
			fprintf(stderr, "fakesrv: bad argument %s\n", argv[i]);
			return 2;
		}
	}
	lws_set_log_level(LLL_ERR, NULL);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	s = fakesrv_start(&o);
	if (!s) {
		fprintf(stderr, "fakesrv: cannot listen on %d\n", o.port);
		return 1;
	}
	secmsg_x25519_pub(o.server_priv, pub);
	secmsg_base64_encode(pub, 32, b64);
	printf("%s\n", b64);
	fflush(stdout);
	while (!stop)
		pause();
	fakesrv_stop(s);
	return 0;
}
