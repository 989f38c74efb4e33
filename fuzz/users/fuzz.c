// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Fuzz target: secmsgd's users file and identity file (daemon/files.c),
 * and the keys of a cluster's users registry (daemon/cluster/kvusers.c).
 * Input: one byte choosing the parser (modulo 3), then the bytes.
 *
 *   0  the users file ("USER BASE64PUBKEY" lines): read by file_read()
 *      from a memory file and parsed by users_parse(), as users_sync()
 *      does on start and SIGHUP.
 *   1  the identity file (32 raw bytes, or 64 hex digits or base64 of
 *      them): identity_parse().
 *   2  a key of the cluster's users bucket, as NATS KV hands it to
 *      kvusers_event(): kvusers_user().
 *
 * What must hold: a users file that parses lists valid, distinct user
 * ids with 32-byte keys, and written out again parses to the same list;
 * one with a NUL byte does not parse (the lines after it must not be
 * dropped in silence: users_sync() would delete their users); one that
 * does not parse says where; an identity that parses is the 32 bytes
 * that its hex and base64 forms give back; a bucket key that decodes
 * names a valid user id whose key is that very key (one spelling per
 * user); nothing leaks.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "cluster/kvusers.h"
#include "files.h"
#include "secmsg/codec.h"
#include "secmsg/handshake.h"

static struct fuzz_file file;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_file_open(&file, "fuzz-users");
	return 0;
}

static void users(const uint8_t *p, size_t n)
{
	struct user_entry *v = NULL, *w = NULL;
	size_t count, count2, i, j;
	char err[256] = "", b64[SECMSG_B64_LEN(32)];
	uint8_t *text;
	size_t len;
	char *again = NULL;
	size_t alen = 0;
	FILE *f;
	int rc;

	fuzz_file_put(&file, p, n);
	FUZZ_CHECK(!file_read(file.path, 16 << 20, &text, &len));
	FUZZ_CHECK(len == n && !text[len]);
	rc = users_parse((const char *)text, len, "users", &v, &count, err,
			 sizeof(err));
	file_free(text, len);
	if (memchr(p, 0, n))
		FUZZ_CHECK(rc);
	if (rc) {
		FUZZ_CHECK(rc == -EINVAL && !strncmp(err, "users:", 6));
		FUZZ_CHECK(!v && !count);
		return;
	}
	f = open_memstream(&again, &alen);
	FUZZ_CHECK(f);
	for (i = 0; i < count; i++) {
		FUZZ_CHECK(secmsg_user_id_valid(v[i].user));
		for (j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(v[i].user, v[j].user));
		secmsg_base64_encode(v[i].pub, 32, b64);
		fprintf(f, "%s %s\n", v[i].user, b64);
	}
	FUZZ_CHECK(!fclose(f));
	FUZZ_CHECK(!users_parse(again, alen, "again", &w, &count2, err,
				sizeof(err)));
	FUZZ_CHECK(count2 == count);
	for (i = 0; i < count; i++)
		FUZZ_CHECK(!strcmp(v[i].user, w[i].user) &&
			   !memcmp(v[i].pub, w[i].pub, 32));
	free(again);
	free(v);
	free(w);
}

static void identity(const uint8_t *p, size_t n)
{
	uint8_t priv[32 + 16], back[32];
	char hex[SECMSG_HEX_LEN(32)], b64[SECMSG_B64_LEN(32)];
	size_t i;
	int rc;

	memset(priv, 0xa5, sizeof(priv));
	rc = identity_parse(p, n, priv);
	for (i = 32; i < sizeof(priv); i++)
		FUZZ_CHECK(priv[i] == 0xa5);
	if (rc) {
		FUZZ_CHECK(rc == -EINVAL);
		return;
	}
	secmsg_hex_encode(priv, 32, hex);
	FUZZ_CHECK(!identity_parse((const uint8_t *)hex, strlen(hex), back) &&
		   !memcmp(back, priv, 32));
	secmsg_base64_encode(priv, 32, b64);
	FUZZ_CHECK(!identity_parse((const uint8_t *)b64, strlen(b64), back) &&
		   !memcmp(back, priv, 32));
}

static void kv_key(const uint8_t *p, size_t n)
{
	char key[KVUSERS_KEY_MAX + 1], user[SECMSG_USER_ID_MAX + 1 + 16];
	char *text = malloc(n + 1);

	FUZZ_CHECK(text);
	memcpy(text, p, n);
	text[n] = '\0';	/* NATS KV keys are C strings */
	memset(user + SECMSG_USER_ID_MAX + 1, 0xa5, 16);
	if (!kvusers_user(text, user, SECMSG_USER_ID_MAX + 1)) {
		FUZZ_CHECK(secmsg_user_id_valid(user));
		FUZZ_CHECK(!kvusers_key(user, key, sizeof(key)) &&
			   !strcmp(key, text));
	}
	FUZZ_CHECK(user[SECMSG_USER_ID_MAX + 1] == (char)0xa5);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t which = fuzz_u8(&in) % 3;
	uint8_t *p = fuzz_dup(in.p, in.left);

	if (which == 2)
		kv_key(p, in.left);
	else if (which)
		identity(p, in.left);
	else
		users(p, in.left);
	free(p);
	return 0;
}
