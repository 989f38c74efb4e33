// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * secmsgctl encrypt / decrypt: the one-shot SECMSG_CMD_CRYPT, stdin to
 * stdout.  Layout both ways: nonce (12 bytes; 16-byte IV for twofish_cbc)
 * || ciphertext || tag.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keyfile.h"
#include "secmsg/codec.h"
#include "secmsgctl.h"

enum { C_ALG, C_KEYFILE, C_NONCE, C_AAD };

static const struct kw crypt_args[] = {
	{ "alg", C_ALG }, { "key-file", C_KEYFILE }, { "nonce", C_NONCE },
	{ "aad", C_AAD },
};

void usage_crypt(FILE *f)
{
	fputs("usage: secmsgctl [OPTIONS] { encrypt | decrypt } alg ALG key-file FILE\n"
	      "                 [nonce HEX] [aad HEX]\n"
	      "encrypt reads plaintext (at most 65280 bytes) on stdin and writes\n"
	      "nonce || ciphertext || tag; decrypt reads that and writes the plaintext,\n"
	      "or nothing when authentication fails.  The nonce is 12 bytes (24 hex\n"
	      "digits), the IV of twofish_cbc 16 bytes; random when not given.\n",
	      f);
}

/* Read all of stdin, at most max bytes; -EMSGSIZE when there is more. */
static long read_all(uint8_t *buf, size_t max)
{
	size_t len = 0;

	for (;;) {
		ssize_t r = read(STDIN_FILENO, buf + len, max + 1 - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (!r)
			return (long)len;
		len += (size_t)r;
		if (len > max)
			return -EMSGSIZE;
	}
}

static int write_all(const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t w = write(STDOUT_FILENO, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

static int parse_hex_arg(const char *name, const char *val, uint8_t *out,
			 size_t room, size_t *len)
{
	long n = secmsg_hex_decode(val, strlen(val), out, room);

	if (n == -EMSGSIZE)
		return usage_err("%s too long (at most %zu bytes)", name, room);
	if (n < 0)
		return usage_err("bad hex in %s \"%s\"", name, val);
	*len = (size_t)n;
	return 0;
}

int do_crypt(int op, int argc, char **argv)
{
	static const struct hint h[] = {
		{ -EBADMSG, "authentication failed (wrong key, nonce or aad, or modified data)" },
		{ -EMSGSIZE, "input too large" },
		{ 0, NULL }
	};
	const char *cmd = op == SECMSG_CRYPT_ENCRYPT ? "encrypt" : "decrypt";
	uint8_t key[SECMSG_KEY_LEN], nonce[SECMSG_CBC_IV_LEN],
		nonce_out[SECMSG_CBC_IV_LEN], aad[SECMSG_MAX_AAD];
	size_t nonce_len = 0, aad_len = 0, nlen, max_in, out_len, nonce_out_len;
	struct secmsg_crypt_req req = { .op = op };
	const char *keyfile = NULL;
	bool has_nonce = false;
	uint8_t *in = NULL, *out = NULL;
	struct secmsg_nl *nl = NULL;
	char errbuf[512];
	int ret = EXIT_FAIL;
	long n;

	for (int i = 0; i < argc; i++) {
		const char *val;
		int kw;

		if (is_help(argv[i])) {
			usage_crypt(stdout);
			return 0;
		}
		kw = kw_match(argv[i], crypt_args, ARRAY_SIZE(crypt_args),
			      "argument");
		if (kw < 0)
			return EXIT_USAGE;
		val = arg_value(argc, argv, &i);
		if (!val)
			return EXIT_USAGE;
		switch (kw) {
		case C_ALG:
			req.alg = alg_parse(val);
			if (!req.alg)
				return EXIT_USAGE;
			break;
		case C_KEYFILE:
			keyfile = val;
			break;
		case C_NONCE:
			if (parse_hex_arg("nonce", val, nonce, sizeof(nonce),
					  &nonce_len))
				return EXIT_USAGE;
			has_nonce = true;
			break;
		case C_AAD:
			if (parse_hex_arg("aad", val, aad, sizeof(aad),
					  &aad_len))
				return EXIT_USAGE;
			break;
		}
	}
	if (!req.alg || !keyfile)
		return usage_err("%s: needs alg ALG and key-file FILE", cmd);
	nlen = req.alg == SECMSG_ALG_TWOFISH_CBC ? SECMSG_CBC_IV_LEN :
						    SECMSG_AEAD_NONCE_LEN;
	if (has_nonce && nonce_len != nlen)
		return usage_err("%s: nonce must be %zu bytes (%zu hex digits) for %s",
				 cmd, nlen, 2 * nlen,
				 secmsg_alg_name(req.alg));

	if (key_read_file(keyfile, key, true, errbuf, sizeof(errbuf))) {
		msg("%s", errbuf);
		return EXIT_FAIL;
	}

	max_in = SECMSG_MAX_PLAINTEXT;
	if (op == SECMSG_CRYPT_DECRYPT)
		max_in += nlen + (req.alg == SECMSG_ALG_TWOFISH_CBC ?
				  SECMSG_CBC_BLOCK_LEN + SECMSG_HMAC_TAG_LEN :
				  SECMSG_AEAD_TAG_LEN);
	in = malloc(max_in + 1);
	out = malloc(max_in + 64);
	if (!in || !out) {
		msg("out of memory");
		goto out;
	}
	n = read_all(in, max_in);
	if (n == -EMSGSIZE) {
		if (op == SECMSG_CRYPT_ENCRYPT)
			msg("encrypt: input too large: at most %d bytes of plaintext (SECMSG_MAX_PLAINTEXT)",
			    SECMSG_MAX_PLAINTEXT);
		else
			msg("decrypt: input too large: at most %zu bytes for %s (nonce, %d bytes of plaintext, tag)",
			    max_in, secmsg_alg_name(req.alg),
			    SECMSG_MAX_PLAINTEXT);
		goto out;
	}
	if (n < 0) {
		msg("%s: reading stdin: %s", cmd, strerror((int)-n));
		goto out;
	}
	req.key = key;
	req.aad = aad_len ? aad : NULL;
	req.aad_len = aad_len;
	if (op == SECMSG_CRYPT_ENCRYPT) {
		req.nonce = has_nonce ? nonce : NULL;
		req.nonce_len = has_nonce ? nonce_len : 0;
		req.data = in;
		req.data_len = (size_t)n;
	} else {
		size_t tag = req.alg == SECMSG_ALG_TWOFISH_CBC ?
			     SECMSG_HMAC_TAG_LEN : SECMSG_AEAD_TAG_LEN;

		if ((size_t)n < nlen + tag) {
			msg("decrypt: input too short: %ld bytes, %s needs at least %zu (nonce and tag)",
			    n, secmsg_alg_name(req.alg), nlen + tag);
			goto out;
		}
		if (has_nonce && memcmp(nonce, in, nlen)) {
			msg("decrypt: the input's nonce differs from the nonce given");
			goto out;
		}
		req.nonce = in;
		req.nonce_len = nlen;
		req.data = in + nlen;
		req.data_len = (size_t)n - nlen;
	}
	ret = ctl_open(&nl);
	if (ret)
		goto out;
	out_len = max_in + 64;
	nonce_out_len = sizeof(nonce_out);
	ret = secmsg_crypt(nl, &req, nonce_out, &nonce_out_len, out, &out_len);
	if (ret) {
		ret = nl_fail(nl, ret, h, "%s", cmd);
		goto out;
	}
	if (op == SECMSG_CRYPT_ENCRYPT) {
		if (!nonce_out_len && has_nonce) {
			memcpy(nonce_out, nonce, nlen);
			nonce_out_len = nlen;
		}
		if (nonce_out_len != nlen) {
			msg("encrypt: kernel returned a %zu-byte nonce, expected %zu",
			    nonce_out_len, nlen);
			ret = EXIT_FAIL;
			goto out;
		}
		ret = write_all(nonce_out, nonce_out_len);
	}
	if (!ret)
		ret = write_all(out, out_len);
	if (ret) {
		msg("%s: writing stdout: %s", cmd, strerror(-ret));
		ret = EXIT_FAIL;
	}
out:
	explicit_bzero(key, sizeof(key));
	if (in)
		explicit_bzero(in, max_in + 1);
	if (out)
		explicit_bzero(out, max_in + 64);
	free(in);
	free(out);
	if (nl)
		secmsg_nl_close(nl);
	return ret;
}
