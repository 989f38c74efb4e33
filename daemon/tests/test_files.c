// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Host tests: users file and identity file parsing (daemon/files.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../tools/lib/tests/tap.h"
#include "files.h"

#define K32 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

static int parse(const char *text, size_t *n, char *err)
{
	struct user_entry *v;
	int rc = users_parse(text, strlen(text), "users", &v, n, err, 256);

	free(v);
	return rc;
}

static void test_users(void)
{
	struct user_entry *v;
	char err[256];
	size_t n;

	static const char two[] = "# users\n\nalice " K32 "\n  bob.b@x-y   "
				  K32 "  # trailing comment\n";
	static const char nul[] = "alice " K32 "\n\0bob " K32 "\n";

	ok(!users_parse(two, sizeof(two) - 1, "users", &v, &n, err,
			sizeof(err)) && n == 2 && !strcmp(v[0].user, "alice") &&
	   !strcmp(v[1].user, "bob.b@x-y") && v[1].pub[31] == 31,
	   "two users, comments, white space");
	free(v);
	ok(!parse("", &n, err) && n == 0, "an empty file");
	ok(parse("alice\n", &n, err) == -EINVAL &&
	   !strcmp(err, "users:1: expected 'USER BASE64PUBKEY'"),
	   "a user without a key (%s)", err);
	ok(parse("alice " K32 " extra\n", &n, err) == -EINVAL,
	   "a third field");
	ok(parse("-alice " K32 "\n", &n, err) == -EINVAL &&
	   strstr(err, "bad user id"), "a bad user id");
	ok(parse("alice AAAA\n", &n, err) == -EINVAL &&
	   strstr(err, "32 bytes"), "a short key");
	ok(parse("alice " K32 "\n\nalice " K32 "\n", &n, err) == -EINVAL &&
	   !strcmp(err, "users:3: user alice listed twice"), "a duplicate (%s)",
	   err);
	ok(parse("a23456789012345678901234567890123456789012345678901234567890"
		 "12345 " K32 "\n", &n, err) == -EINVAL, "a 65-byte user id");
	/* a C string would end at the NUL, and bob would be dropped */
	v = (void *)1;
	ok(users_parse(nul, sizeof(nul) - 1, "users", &v, &n, err,
		       sizeof(err)) == -EINVAL && !v && !n &&
	   !strcmp(err, "users:2: a NUL byte"), "a NUL byte (%s)", err);
}

static void test_identity(void)
{
	uint8_t raw[32], key[32];
	char text[100];
	int i;

	for (i = 0; i < 32; i++)
		raw[i] = (uint8_t)(i + 1);
	ok(!identity_parse(raw, 32, key) && !memcmp(key, raw, 32),
	   "32 raw bytes");
	for (i = 0; i < 32; i++)
		sprintf(text + 2 * i, "%02x", raw[i]);
	strcat(text, "\n");
	ok(!identity_parse((uint8_t *)text, strlen(text), key) &&
	   !memcmp(key, raw, 32), "a hex line");
	ok(!identity_parse((uint8_t *)K32 "\n", strlen(K32) + 1, key) &&
	   key[0] == 0 && key[31] == 31, "a base64 line");
	ok(!identity_parse((uint8_t *)"  " K32 "  \n\n", strlen(K32) + 5, key),
	   "surrounding white space");
	ok(identity_parse((uint8_t *)"abcd", 4, key) == -EINVAL, "too short");
	text[10] = 'x';
	ok(identity_parse((uint8_t *)text, 65, key) == -EINVAL,
	   "a bad hex digit");
	ok(identity_parse((uint8_t *)"AAAA\n", 5, key) == -EINVAL,
	   "base64 of 3 bytes");
}

static void test_read(void)
{
	char path[] = "/tmp/secmsgd-test-file-XXXXXX";
	uint8_t *buf;
	size_t len;
	int fd = mkstemp(path);

	ok(write(fd, "hello", 5) == 5, "write a file");
	close(fd);
	ok(!file_read(path, 100, &buf, &len) && len == 5 &&
	   !memcmp(buf, "hello", 6), "file_read, NUL-terminated");
	file_free(buf, len);
	ok(file_read(path, 4, &buf, &len) == -EFBIG, "over max: -EFBIG");
	ok(file_read("/tmp", 100, &buf, &len) == -EINVAL, "a directory");
	unlink(path);
	ok(file_read(path, 100, &buf, &len) == -ENOENT, "a missing file");
	/* stat says 0 bytes: the buffer grows as the file is read */
	ok(!file_read("/proc/self/status", 1 << 20, &buf, &len) &&
	   len > 100 && !memcmp(buf, "Name:", 5) && strlen((char *)buf) == len,
	   "a file larger than stat says, read whole");
	file_free(buf, len);
	ok(!file_read("/proc/self/status", 64, &buf, &len) && len == 64 &&
	   !buf[64], "... and at most max bytes of it");
	file_free(buf, len);
}

int main(void)
{
	test_users();
	test_identity();
	test_read();
	return done();
}
