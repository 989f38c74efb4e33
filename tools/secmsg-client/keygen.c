// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * secmsg-client keygen -o FILE: a new static key in a key file (asks for
 * the passphrase twice), its public key on stdout and in FILE.pub;
 * secmsg-client pubkey FILE: the public key of a key file.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "secmsg/codec.h"
#include "secmsg/keyfile.h"

static const struct option keygen_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "passphrase-file", required_argument, NULL, 'P' },
	{ "force", no_argument, NULL, 'f' },
	{ "iterations", required_argument, NULL, 'i' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static const struct option pubkey_opts[] = {
	{ "passphrase-file", required_argument, NULL, 'P' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* -h: the usage on stdout, exit 0; a usage error: on stderr, exit 2. */
static int keygen_usage(bool help)
{
	fprintf(help ? stdout : stderr,
		"usage: secmsg-client keygen -o FILE [--passphrase-file FILE] "
		"[--force] [--iterations N]\n"
		"A new X25519 key in FILE, encrypted under a passphrase (asked "
		"twice on the\nterminal, or the first line of the passphrase "
		"file); its public key on stdout\nand in FILE.pub.\n"
		"  -o, --output FILE           the key file to write\n"
		"  -P, --passphrase-file FILE  the passphrase from FILE\n"
		"  -f, --force                 overwrite FILE\n"
		"  -i, --iterations N          PBKDF2 iterations (%d to %d; "
		"default %d)\n"
		"See secmsg-client(1).\n", SECMSG_KEYFILE_ITER_MIN,
		SECMSG_KEYFILE_ITER_MAX, SECMSG_KEYFILE_ITER_DEFAULT);
	return help ? EX_OK_ : EX_USAGE_;
}

static int pubkey_usage(bool help)
{
	fprintf(help ? stdout : stderr,
		"usage: secmsg-client pubkey FILE [--passphrase-file FILE]\n"
		"The public key of key file FILE, on stdout.\n"
		"See secmsg-client(1).\n");
	return help ? EX_OK_ : EX_USAGE_;
}

static int write_pub(const char *path, const char *b64)
{
	char name[4096];
	FILE *f;

	if (snprintf(name, sizeof(name), "%s.pub", path) >= (int)sizeof(name))
		return -ENAMETOOLONG;
	f = fopen(name, "w");
	if (!f)
		return -errno;
	fprintf(f, "%s\n", b64);
	return fclose(f) ? -errno : 0;
}

/* --iterations: a decimal count the key file format allows. */
static int parse_iterations(const char *s, uint32_t *out)
{
	unsigned long long v = 0;
	const char *p;

	for (p = s; *p >= '0' && *p <= '9' && v <= SECMSG_KEYFILE_ITER_MAX;
	     p++)
		v = v * 10 + (unsigned long long)(*p - '0');
	if (p == s || *p || v < SECMSG_KEYFILE_ITER_MIN ||
	    v > SECMSG_KEYFILE_ITER_MAX) {
		fprintf(stderr, "secmsg-client: --iterations: a number from "
			"%d to %d, not \"%s\"\n", SECMSG_KEYFILE_ITER_MIN,
			SECMSG_KEYFILE_ITER_MAX, s);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

int cmd_keygen(int argc, char **argv)
{
	const char *out = NULL, *pass_file = NULL;
	char pass[PASS_MAX], b64[SECMSG_B64_LEN(SECMSG_X25519_LEN)];
	uint8_t pub[SECMSG_X25519_LEN];
	unsigned int flags = 0;
	uint32_t iter = 0;
	long n;
	int opt, err;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:P:fi:h", keygen_opts,
				  NULL)) != -1) {
		switch (opt) {
		case 'o': out = optarg; break;
		case 'P': pass_file = optarg; break;
		case 'f': flags |= SECMSG_KEYFILE_F_OVERWRITE; break;
		case 'i':
			if (parse_iterations(optarg, &iter))
				return EX_USAGE_;
			break;
		case 'h': return keygen_usage(true);
		default: return keygen_usage(false);
		}
	}
	if (!out || optind != argc)
		return keygen_usage(false);
	n = pass_get(pass_file, "Passphrase for the new key: ", true, pass,
		     sizeof(pass));
	if (n < 0) {
		fprintf(stderr, "secmsg-client: %s\n", pass_strerror(n));
		return EX_KEY;
	}
	err = secmsg_keyfile_create(out, NULL, pass, (size_t)n, iter, flags,
				    pub);
	explicit_bzero(pass, sizeof(pass));
	if (err) {
		fprintf(stderr, "secmsg-client: %s: %s\n", out,
			secmsg_keyfile_strerror(err));
		return EX_KEY;
	}
	secmsg_base64_encode(pub, sizeof(pub), b64);
	err = write_pub(out, b64);
	if (err)
		fprintf(stderr, "secmsg-client: %s.pub: %s\n", out,
			strerror(-err));
	printf("%s\n", b64);
	fprintf(stderr, "Register it on the server with:\n"
		"  secmsgctl user add USER key-file %s.pub\n", out);
	return EX_OK_;
}

int cmd_pubkey(int argc, char **argv)
{
	char pass[PASS_MAX], b64[SECMSG_B64_LEN(SECMSG_X25519_LEN)];
	uint8_t priv[SECMSG_X25519_LEN], pub[SECMSG_X25519_LEN];
	const char *pass_file = NULL, *file;
	long n;
	int opt, err;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "P:h", pubkey_opts,
				  NULL)) != -1) {
		if (opt == 'h')
			return pubkey_usage(true);
		if (opt != 'P')
			return pubkey_usage(false);
		pass_file = optarg;
	}
	if (optind != argc - 1)
		return pubkey_usage(false);
	file = argv[optind];
	n = pass_get(pass_file, "Passphrase: ", false, pass, sizeof(pass));
	if (n < 0) {
		fprintf(stderr, "secmsg-client: cannot read the passphrase: "
			"%s\n", pass_strerror(n));
		return EX_KEY;
	}
	err = secmsg_keyfile_load(file, pass, (size_t)n, priv);
	explicit_bzero(pass, sizeof(pass));
	if (err) {
		fprintf(stderr, "secmsg-client: %s: %s\n", file,
			secmsg_keyfile_strerror(err));
		return EX_KEY;
	}
	err = secmsg_client_public_key(priv, pub);
	explicit_bzero(priv, sizeof(priv));
	if (err)
		return EX_ERROR;
	secmsg_base64_encode(pub, sizeof(pub), b64);
	printf("%s\n", b64);
	return EX_OK_;
}
