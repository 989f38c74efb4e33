// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * secmsg-client: keygen, pubkey, and the chat client of secmsgd.  See
 * secmsg-client(1).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define VERSION SECMSG_VERSION	/* from the Makefile */

static void usage(FILE *f)
{
	fprintf(f,
"usage: secmsg-client [OPTIONS] USER          chat (or script) as USER\n"
"       secmsg-client keygen -o FILE [--passphrase-file FILE] [--force]\n"
"       secmsg-client pubkey FILE [--passphrase-file FILE]\n"
"Options:\n"
"  -u, --url URL            server (default $SECMSG_URL or %s)\n"
"  -a, --alg ALG            aes_256_gcm (default), chacha20_poly1305,\n"
"                           twofish_cbc\n"
"  -k, --key FILE           key file (default $SECMSG_KEYFILE or\n"
"                           ~/.config/secmsg/USER.key)\n"
"  -s, --server-key B64     the server's public key (or $SECMSG_SERVER_KEY)\n"
"  -P, --passphrase-file F  read the key file's passphrase from F\n"
"  -t, --to USER            recipient of typed or piped lines\n"
"  -S, --send USER TEXT     send TEXT to USER (repeatable), then exit\n"
"  -r, --recv N             exit after printing N messages\n"
"  -w, --wait-online USER   wait until USER is online before sending\n"
"  -T, --timeout SECS       longest wait in scripts (default 30, 0: none)\n"
"  -j, --json               one JSON object per event on stdout\n"
"      --raw                print only message texts, one a line\n"
"  -q, --quiet              no status lines\n"
"      --register           send the public key (registration on first use)\n"
"  -h, --help | -V, --version\n"
"Exit: 0 ok, 1 error, 2 usage, 3 connect, 4 auth, 5 key file, 6 delivery,\n"
"      7 connection lost, 8 timeout.  See secmsg-client(1).\n",
		SECMSG_CLIENT_DEFAULT_URL);
}

static const struct option opts[] = {
	{ "url", required_argument, NULL, 'u' },
	{ "alg", required_argument, NULL, 'a' },
	{ "key", required_argument, NULL, 'k' },
	{ "server-key", required_argument, NULL, 's' },
	{ "passphrase-file", required_argument, NULL, 'P' },
	{ "to", required_argument, NULL, 't' },
	{ "send", required_argument, NULL, 'S' },
	{ "recv", required_argument, NULL, 'r' },
	{ "wait-online", required_argument, NULL, 'w' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "json", no_argument, NULL, 'j' },
	{ "raw", no_argument, NULL, 'R' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "register", no_argument, NULL, 'G' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static bool number(const char *s, long *out)
{
	char *e;

	*out = strtol(s, &e, 10);
	return *s && !*e && *out >= 0;
}

int main(int argc, char **argv)
{
	static char keypath[4096];
	struct cli k;
	long n;
	int opt, rc;

	if (argc > 1 && !strcmp(argv[1], "keygen"))
		return cmd_keygen(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "pubkey"))
		return cmd_pubkey(argc - 1, argv + 1);

	memset(&k, 0, sizeof(k));
	k.url = getenv("SECMSG_URL");
	k.server_key = getenv("SECMSG_SERVER_KEY");
	k.keyfile = getenv("SECMSG_KEYFILE");
	k.timeout = 30;
	k.send_to = calloc((size_t)argc, sizeof(char *));
	k.send_text = calloc((size_t)argc, sizeof(char *));
	if (!k.send_to || !k.send_text)
		return EX_ERROR;
	while ((opt = getopt_long(argc, argv, "u:a:k:s:P:t:S:r:w:T:jqhV", opts,
				  NULL)) != -1) {
		switch (opt) {
		case 'u': k.url = optarg; break;
		case 'a': k.alg = optarg; break;
		case 'k': k.keyfile = optarg; break;
		case 's': k.server_key = optarg; break;
		case 'P': k.pass_file = optarg; break;
		case 't':
			if (strlen(optarg) > SECMSG_CLIENT_USER_MAX)
				goto bad;
			strcpy(k.to, optarg);
			break;
		case 'S':
			if (optind >= argc)
				goto bad;
			k.send_to[k.n_send] = optarg;
			k.send_text[k.n_send++] = argv[optind++];
			break;
		case 'r':
			if (!number(optarg, &k.recv_n))
				goto bad;
			break;
		case 'w': k.wait_online = optarg; break;
		case 'T':
			if (!number(optarg, &n) || n > 86400)
				goto bad;
			k.timeout = (int)n;
			break;
		case 'j': k.json = true; break;
		case 'R': k.raw = true; break;
		case 'q': k.quiet = true; break;
		case 'G': k.reg = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("secmsg-client %s\n", VERSION); return 0;
		default: goto bad;
		}
	}
	if (optind != argc - 1)
		goto bad;
	k.user = argv[optind];
	if (!k.url)
		k.url = SECMSG_CLIENT_DEFAULT_URL;
	if (!k.keyfile) {
		const char *home = getenv("HOME");

		snprintf(keypath, sizeof(keypath), "%s/.config/secmsg/%s.key",
			 home ? home : ".", k.user);
		k.keyfile = keypath;
	}
	k.interactive = !k.n_send && isatty(0);
	rc = chat_run(&k);
	free(k.send_to);
	free(k.send_text);
	return rc;
bad:
	usage(stderr);
	free(k.send_to);
	free(k.send_text);
	return EX_USAGE_;
}
