// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Fuzz target: key files.  Input: one byte choosing the reader (low
 * bit), then the file's contents, written to a memory file that the
 * reader opens by path as the programs do.
 *
 *   0  a client key file (docs/protocol.md section 4):
 *      secmsg_keyfile_load() with the fixed passphrase, as secmsg-client
 *      and the client library read one.  The PBKDF2 count is the file's
 *      own and costs what it says (100,000 at least, ~0.1 s under the
 *      sanitizers): files that ask for more than the minimum are only
 *      checked with secmsg_keyfile_iterations(), so that a run stays
 *      fast.
 *   1  a public or private key file of secmsgctl (32 raw bytes, 64 hex
 *      digits or base64): key_read_file() and key_parse().
 *
 * What must hold: a key file that opens gives exactly 32 bytes (nothing
 * written past them, nothing written at all on an error), the fixed key
 * (the tag authenticates every byte), and only for an 88-byte file with
 * the magic and a valid count; secmsgctl's key files that parse give
 * back the same key when written again in the format they were in.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "keys.h"
#include "keyfile.h"
#include "secmsg/codec.h"
#include "secmsg/keyfile.h"

#define GUARD	0xa5

static struct fuzz_file file;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_file_open(&file, "fuzz-keyfile");
	return 0;
}

static bool all(const uint8_t *p, size_t n, uint8_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

static void client_keyfile(const uint8_t *p, size_t n)
{
	uint8_t key[32 + 16], want[32];
	uint32_t iter = 0;
	int err;

	err = secmsg_keyfile_iterations(p, n, &iter);
	FUZZ_CHECK(!err || err == -EINVAL);
	if (!err)
		FUZZ_CHECK(n == SECMSG_KEYFILE_LEN &&
			   !memcmp(p, SECMSG_KEYFILE_MAGIC, 8) &&
			   iter >= SECMSG_KEYFILE_ITER_MIN &&
			   iter <= SECMSG_KEYFILE_ITER_MAX);
	if (!err && iter > SECMSG_KEYFILE_ITER_MIN)
		return;
	fuzz_file_put(&file, p, n);
	memset(key, GUARD, sizeof(key));
	err = secmsg_keyfile_load(file.path, FUZZ_PASSPHRASE,
				  strlen(FUZZ_PASSPHRASE), key);
	FUZZ_CHECK(all(key + 32, 16, GUARD));
	if (err) {
		FUZZ_CHECK(err == -EINVAL || err == -EBADMSG);
		FUZZ_CHECK(all(key, 32, GUARD));
		return;
	}
	FUZZ_CHECK(n == SECMSG_KEYFILE_LEN && iter == SECMSG_KEYFILE_ITER_MIN);
	fuzz_key(want, FUZZ_CLIENT_PRIV);
	FUZZ_CHECK(!memcmp(key, want, 32));
}

static void ctl_keyfile(const uint8_t *p, size_t n)
{
	uint8_t key[32 + 16], again[32 + 16];
	char text[SECMSG_B64_LEN(32) > SECMSG_HEX_LEN(32) ?
		  SECMSG_B64_LEN(32) : SECMSG_HEX_LEN(32)];
	char err[256];
	enum key_format fmt, fmt2;
	const char *why = NULL;
	int rc;

	fuzz_file_put(&file, p, n);
	memset(key, GUARD, sizeof(key));
	rc = key_read_file(file.path, key, false, err, sizeof(err));
	FUZZ_CHECK(all(key + 32, 16, GUARD));
	FUZZ_CHECK(!rc || rc == -EINVAL);
	if (rc) {
		FUZZ_CHECK(strlen(err) > 0);
		return;
	}
	/* the same through key_parse(), then written again and read */
	memset(again, GUARD, sizeof(again));
	FUZZ_CHECK(!key_parse(p, n, again, &fmt, &why));
	FUZZ_CHECK(!memcmp(again, key, 32) && all(again + 32, 16, GUARD));
	switch (fmt) {
	case KEY_FMT_RAW:
		FUZZ_CHECK(n == 32);
		return;
	case KEY_FMT_HEX:
		secmsg_hex_encode(key, 32, text);
		break;
	case KEY_FMT_BASE64:
		secmsg_base64_encode(key, 32, text);
		break;
	default:
		FUZZ_CHECK(!"a format key_parse() does not have");
	}
	FUZZ_CHECK(!key_parse((const uint8_t *)text, strlen(text), again,
			      &fmt2, &why));
	FUZZ_CHECK(fmt2 == fmt && !memcmp(again, key, 32));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t which = fuzz_u8(&in) & 1;
	uint8_t *p = fuzz_dup(in.p, in.left);

	if (which)
		ctl_keyfile(p, in.left);
	else
		client_keyfile(p, in.left);
	free(p);
	return 0;
}
