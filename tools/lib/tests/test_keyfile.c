// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Key files (docs/protocol.md section 4, secmsg/keyfile.h):
 *  - Wycheproof PBKDF2-HMAC-SHA256 through the key files' KDF;
 *  - a key file made by an independent implementation (hs_kat.py) loads;
 *  - round trips in memory and on disk, mode 0600 whatever the umask,
 *    O_EXCL (also against a symlink), overwrite by rename;
 *  - wrong passphrase (-EBADMSG, its message), a changed iteration count
 *    (authenticated: -EBADMSG; below the minimum or above the maximum:
 *    -EINVAL), every byte of the file flipped, bad magic / size (-EINVAL);
 *  - an empty passphrase is refused both ways (-ENOKEY): encode, create,
 *    and decode / load of a file sealed under one (hs_kat.py made it).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "secmsg/handshake.h"
#include "secmsg/keyfile.h"
#include "hs_kat.h"
#include "tap.h"
#include "vectors.h"

#define KLEN SECMSG_X25519_LEN
#define IMG SECMSG_KEYFILE_LEN
/* Wycheproof cases above this many iterations are skipped (time). */
#define PBKDF2_MAX_ITER 1000000

static const char pass[] = "open sesame";
static char dir[] = "/tmp/secmsg-keyfile-XXXXXX";

static void test_wycheproof_pbkdf2(void)
{
	cJSON *json = vectors_load("pbkdf2_hmacsha256_test.json");
	int match = 0, wrong = 0, skipped = 0, other = 0;
	const cJSON *g, *t;

	if (!ok(json != NULL, "pbkdf2_hmacsha256_test.json loads"))
		return;
	cJSON_ArrayForEach(g, cJSON_GetObjectItem(json, "testGroups")) {
		cJSON_ArrayForEach(t, cJSON_GetObjectItem(g, "tests")) {
			uint8_t *pw = NULL, *salt = NULL, *dk = NULL, *out;
			size_t pl, sl, dl;
			long iter = json_int(t, "iterationCount");
			long dklen = json_int(t, "dkLen");
			const char *res = json_str(t, "result");
			int r;

			if (hex_decode(json_str(t, "password"), &pw, &pl) ||
			    hex_decode(json_str(t, "salt"), &salt, &sl) ||
			    hex_decode(json_str(t, "dk"), &dk, &dl) ||
			    iter < 1 || dklen < 1 || !res) {
				diag("tcId %ld: bad test data",
				     json_int(t, "tcId"));
				wrong++;
			} else if (iter > PBKDF2_MAX_ITER) {
				skipped++;
			} else if (strcmp(res, "valid")) {
				/* only valid cases in the file; count others */
				other++;
			} else {
				out = malloc((size_t)dklen);
				r = out ? secmsg_keyfile_kdf(pw, pl, salt, sl,
							     (uint32_t)iter,
							     out,
							     (size_t)dklen) :
				    -ENOMEM;
				if (!r && dl == (size_t)dklen &&
				    !memcmp(out, dk, dl)) {
					match++;
				} else {
					wrong++;
					diag("tcId %ld (%s): derived key "
					     "differs", json_int(t, "tcId"),
					     json_str(t, "comment"));
				}
				free(out);
			}
			free(pw);
			free(salt);
			free(dk);
		}
	}
	cJSON_Delete(json);
	diag("pbkdf2: %d skipped (more than %d iterations), %d not valid",
	     skipped, PBKDF2_MAX_ITER, other);
	ok(match > 0 && !wrong && !other,
	   "wycheproof pbkdf2-hmac-sha256: %d valid cases match (%d wrong, "
	   "%d skipped)", match, wrong, skipped);
}

static void test_kat(void)
{
	uint8_t priv[KLEN];
	uint32_t iter = 0;
	int r;

	r = secmsg_keyfile_decode((const uint8_t *)keyfile_kat_image, IMG,
				  keyfile_kat_pass, strlen(keyfile_kat_pass),
				  priv);
	ok(!r, "independent key file (Python cryptography) decodes (%d)", r);
	is_mem(priv, keyfile_kat_priv, KLEN, "with the right private key");
	ok(!secmsg_keyfile_iterations((const uint8_t *)keyfile_kat_image,
				      IMG, &iter) && iter == 100000,
	   "its iteration count: %u", iter);
}

static void test_memory(void)
{
	uint8_t priv[KLEN], got[KLEN], img[IMG], img2[IMG];
	uint32_t iter = 0;

	secmsg_x25519_generate(priv, NULL);
	ok(!secmsg_keyfile_encode(priv, pass, strlen(pass), 0, img) &&
	   !secmsg_keyfile_iterations(img, IMG, &iter) &&
	   iter == SECMSG_KEYFILE_ITER_DEFAULT && !memcmp(img, "SECMSGK1", 8),
	   "encode: magic, default iterations %u", iter);
	ok(!secmsg_keyfile_decode(img, IMG, pass, strlen(pass), got) &&
	   !memcmp(got, priv, KLEN), "decode: round trip");
	ok(!secmsg_keyfile_encode(priv, pass, strlen(pass), 0, img2) &&
	   memcmp(img + 12, img2 + 12, 28),
	   "two encodings: different salt and nonce");
	ok(secmsg_keyfile_encode(priv, pass, strlen(pass),
				 SECMSG_KEYFILE_ITER_MIN - 1, img) == -EINVAL,
	   "encode: %d iterations: -EINVAL", SECMSG_KEYFILE_ITER_MIN - 1);
	ok(secmsg_keyfile_encode(priv, pass, strlen(pass),
				 SECMSG_KEYFILE_ITER_MAX + 1, img) == -EINVAL,
	   "encode: %d iterations: -EINVAL", SECMSG_KEYFILE_ITER_MAX + 1);
	ok(!secmsg_keyfile_encode(priv, "x", 1, SECMSG_KEYFILE_ITER_MIN, img) &&
	   !secmsg_keyfile_decode(img, IMG, "x", 1, got) &&
	   !memcmp(got, priv, KLEN), "a one-byte passphrase round-trips");
	memset(img, 0x5a, sizeof(img));
	ok(secmsg_keyfile_encode(priv, "", 0, SECMSG_KEYFILE_ITER_MIN, img) ==
	   -ENOKEY && secmsg_keyfile_encode(priv, NULL, 0, 0, img) == -ENOKEY,
	   "encode: an empty passphrase is refused (-ENOKEY)");
	ok(img[0] == 0x5a && img[IMG - 1] == 0x5a,
	   "... and nothing is written");
}

/* Section 4: a passphrase may not be empty, in either direction. */
static void test_empty_passphrase(void)
{
	const uint8_t *img = (const uint8_t *)keyfile_kat_empty_image;
	uint8_t got[KLEN];
	size_t i;
	int r;

	memset(got, 0x5a, sizeof(got));
	r = secmsg_keyfile_decode(img, IMG, "", 0, got);
	ok(r == -ENOKEY, "decode: a file sealed under an empty passphrase, "
	   "opened with it: -ENOKEY (%d)", r);
	for (i = 0; i < KLEN && got[i] == 0x5a; i++)
		;
	ok(i == KLEN, "... and the output is untouched");
	ok(secmsg_keyfile_decode(img, IMG, NULL, 0, got) == -ENOKEY,
	   "decode: a NULL empty passphrase: -ENOKEY");
	ok(secmsg_keyfile_decode(img, IMG, keyfile_kat_pass,
				 strlen(keyfile_kat_pass), got) == -EBADMSG,
	   "decode: that file with another passphrase: -EBADMSG");
	ok(!strcmp(secmsg_keyfile_strerror(-ENOKEY),
		   "empty passphrase (not allowed)"),
	   "-ENOKEY's message: \"%s\"", secmsg_keyfile_strerror(-ENOKEY));
}

static void test_tamper(void)
{
	uint8_t priv[KLEN], got[KLEN], img[IMG], m[IMG];
	int r, counts[3] = { 0 }, accepted = 0, changed = 0;
	size_t i;

	secmsg_x25519_generate(priv, NULL);
	secmsg_keyfile_encode(priv, pass, strlen(pass),
			      SECMSG_KEYFILE_ITER_MIN, img);

	memset(got, 0x5a, sizeof(got));
	r = secmsg_keyfile_decode(img, IMG, "open sesamE", 11, got);
	ok(r == -EBADMSG, "wrong passphrase: -EBADMSG (%d)", r);
	ok(!strcmp(secmsg_keyfile_strerror(r),
		   "wrong passphrase or damaged key file"),
	   "its message: \"%s\"", secmsg_keyfile_strerror(r));
	for (i = 0; i < KLEN && got[i] == 0x5a; i++)
		;
	ok(i == KLEN, "the output is untouched on failure");

	/* the iteration count is associated data */
	memcpy(m, img, IMG);
	m[11] ^= 0x01;		/* 100000 -> 100001 */
	ok(secmsg_keyfile_decode(m, IMG, pass, strlen(pass), got) == -EBADMSG,
	   "iterations changed to 100001: -EBADMSG");
	memcpy(m, img, IMG);
	m[10] = 0x86;
	m[11] = 0x9f;		/* 99999 */
	r = secmsg_keyfile_decode(m, IMG, pass, strlen(pass), got);
	ok(r == -EINVAL, "iterations lowered to 99999: -EINVAL (%d)", r);
	memcpy(m, img, IMG);
	memset(m + 8, 0, 4);
	ok(secmsg_keyfile_decode(m, IMG, pass, strlen(pass), got) == -EINVAL,
	   "iterations 0: -EINVAL");
	memcpy(m, img, IMG);
	m[8] = 0x05;
	m[9] = 0xf5;
	m[10] = 0xe1;
	m[11] = 0x01;		/* 100000001, refused before any PBKDF2 */
	ok(secmsg_keyfile_decode(m, IMG, pass, strlen(pass), got) == -EINVAL,
	   "iterations raised to 100000001: -EINVAL");

	/*
	 * Every byte flipped (bit 0).  Byte 8, the top byte of the count,
	 * would ask for 16.9 million iterations (seconds): it is covered by
	 * the cases above, not run here.
	 */
	for (i = 0; i < IMG; i++) {
		if (i == 8)
			continue;
		memcpy(m, img, IMG);
		m[i] ^= 0x01;
		r = secmsg_keyfile_decode(m, IMG, pass, strlen(pass), got);
		if (!r)
			accepted++;
		else if (r == -EINVAL)
			counts[0]++;
		else if (r == -EBADMSG)
			counts[1]++;
		else
			counts[2]++;
		changed++;
	}
	ok(!accepted && !counts[2] && counts[0] == 8 + 1,
	   "%d single-byte flips rejected (EINVAL %d: magic and a count "
	   "below the minimum; EBADMSG %d)", changed, counts[0], counts[1]);
	ok(secmsg_keyfile_decode(img, IMG - 1, pass, strlen(pass), got) ==
	   -EINVAL && secmsg_keyfile_decode(img, 0, pass, strlen(pass), got) ==
	   -EINVAL, "short images: -EINVAL");
	ok(!strncmp(secmsg_keyfile_strerror(-EINVAL), "not a secmsg key file",
		    21), "-EINVAL's message: \"%s\"",
	   secmsg_keyfile_strerror(-EINVAL));
	ok(strstr(secmsg_keyfile_strerror(-EINVAL),
		  "outside 100000 to 100000000") != NULL,
	   "... which names both bounds of the iteration count");
}

/* A path in the temporary directory (16 slots, reused in turn). */
static const char *path_in(const char *name)
{
	static char buf[16][256];
	static int n;
	char *p = buf[n++ % 16];

	snprintf(p, sizeof(buf[0]), "%s/%s", dir, name);
	return p;
}

static bool mode_is(const char *path, mode_t want)
{
	struct stat st;

	return !lstat(path, &st) && S_ISREG(st.st_mode) &&
	       (st.st_mode & 07777) == want;
}

static bool file_equals(const char *path, const uint8_t *want, size_t len)
{
	uint8_t buf[IMG + 1];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n == (ssize_t)len && !memcmp(buf, want, len);
}

static int count_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void read_file(const char *path, uint8_t img[IMG])
{
	int fd = open(path, O_RDONLY);

	if (fd < 0 || read(fd, img, IMG) != IMG)
		abort();
	close(fd);
}

static void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		abort();
	close(fd);
}

static void test_files(void)
{
	uint8_t priv[KLEN], got[KLEN], pub[KLEN], pub2[KLEN], img[IMG];
	const char *a = path_in("a.key"), *b = path_in("b.key");
	const char *link = path_in("link.key"), *junk = path_in("junk");
	struct stat st;
	mode_t old;
	int r;

	secmsg_x25519_generate(priv, NULL);
	old = umask(0);
	r = secmsg_keyfile_create(a, priv, pass, strlen(pass),
				  SECMSG_KEYFILE_ITER_MIN, 0, pub);
	ok(!r && mode_is(a, 0600), "create with umask 0: mode 0600 (%d)", r);
	umask(0277);
	r = secmsg_keyfile_create(b, NULL, pass, strlen(pass),
				  SECMSG_KEYFILE_ITER_MIN, 0, pub2);
	ok(!r && mode_is(b, 0600), "create with umask 0277: mode 0600 (%d)",
	   r);
	umask(old);
	ok(!lstat(a, &st) && st.st_size == IMG, "the file is %d bytes", IMG);

	r = secmsg_keyfile_load(a, pass, strlen(pass), got);
	secmsg_x25519_pub(priv, pub2 + 0);
	ok(!r && !memcmp(got, priv, KLEN), "load: the given key (%d)", r);
	ok(!memcmp(pub, pub2, KLEN), "create returned its public key");
	r = secmsg_keyfile_load(b, pass, strlen(pass), got);
	secmsg_x25519_pub(got, pub2);
	ok(!r && memcmp(got, priv, KLEN), "load: a random key (%d)", r);

	r = secmsg_keyfile_load(a, "wrong", 5, got);
	ok(r == -EBADMSG, "load with a wrong passphrase: -EBADMSG (%d)", r);

	/* no overwrite without the flag; the file stays as it was */
	read_file(a, img);
	r = secmsg_keyfile_create(a, NULL, "other", 5,
				  SECMSG_KEYFILE_ITER_MIN, 0, NULL);
	ok(r == -EEXIST && file_equals(a, img, IMG),
	   "create over an existing file: -EEXIST, file unchanged (%d)", r);
	ok(!strcmp(secmsg_keyfile_strerror(r),
		   "key file exists (not overwritten)"), "-EEXIST's message");
	if (symlink(junk, link))
		abort();
	r = secmsg_keyfile_create(link, NULL, pass, strlen(pass),
				  SECMSG_KEYFILE_ITER_MIN, 0, NULL);
	ok(r == -EEXIST && access(junk, F_OK) && errno == ENOENT,
	   "create over a dangling symlink: -EEXIST, nothing created (%d)", r);

	/* overwrite: atomically replaced, still 0600, no temporary left */
	chmod(a, 0644);
	r = secmsg_keyfile_create(a, NULL, "other", 5,
				  SECMSG_KEYFILE_ITER_MIN,
				  SECMSG_KEYFILE_F_OVERWRITE, pub);
	ok(!r && mode_is(a, 0600), "overwrite: replaced, mode 0600 (%d)", r);
	r = secmsg_keyfile_load(a, "other", 5, got);
	secmsg_x25519_pub(got, pub2);
	ok(!r && !memcmp(pub, pub2, KLEN), "overwrite: the new key loads");
	ok(secmsg_keyfile_load(a, pass, strlen(pass), got) == -EBADMSG,
	   "overwrite: the old passphrase no longer opens it");
	ok(count_entries() == 3, "no temporary file left (%d entries)",
	   count_entries());

	/* not key files */
	ok(secmsg_keyfile_load(path_in("none"), pass, strlen(pass), got) ==
	   -ENOENT, "load a missing file: -ENOENT");
	ok(secmsg_keyfile_load(dir, pass, strlen(pass), got) == -EINVAL,
	   "load a directory: -EINVAL");
	write_file(junk, img, IMG - 1);
	ok(secmsg_keyfile_load(junk, pass, strlen(pass), got) == -EINVAL,
	   "load a short file: -EINVAL");
	write_file(junk, keyfile_kat_image, IMG);
	ok(!secmsg_keyfile_load(junk, keyfile_kat_pass,
				strlen(keyfile_kat_pass), got) &&
	   !memcmp(got, keyfile_kat_priv, KLEN),
	   "load the independent key file from disk");
	{
		uint8_t big[IMG + 1];

		memcpy(big, keyfile_kat_image, IMG);
		big[IMG] = '\n';
		write_file(junk, big, sizeof(big));
	}
	ok(secmsg_keyfile_load(junk, keyfile_kat_pass,
			       strlen(keyfile_kat_pass), got) == -EINVAL,
	   "load a file with a trailing byte: -EINVAL");
	memcpy(img, keyfile_kat_image, IMG);
	img[0] = 's';
	write_file(junk, img, IMG);
	ok(secmsg_keyfile_load(junk, keyfile_kat_pass,
			       strlen(keyfile_kat_pass), got) == -EINVAL,
	   "load a file with a bad magic: -EINVAL");
	ok(secmsg_keyfile_create(path_in("c.key"), NULL, pass, strlen(pass),
				 99999, 0, NULL) == -EINVAL &&
	   access(path_in("c.key"), F_OK),
	   "create with 99999 iterations: -EINVAL, no file");
	ok(secmsg_keyfile_create(path_in("c.key"), NULL, pass, strlen(pass),
				 SECMSG_KEYFILE_ITER_MAX + 1, 0, NULL) ==
	   -EINVAL && access(path_in("c.key"), F_OK),
	   "create with 100000001 iterations: -EINVAL, no file");
	ok(secmsg_keyfile_create(path_in("c.key"), NULL, "", 0, 0, 0, NULL) ==
	   -ENOKEY && access(path_in("c.key"), F_OK),
	   "create with an empty passphrase: -ENOKEY, no file");
	write_file(junk, keyfile_kat_empty_image, IMG);
	ok(secmsg_keyfile_load(junk, "", 0, got) == -ENOKEY,
	   "load a file sealed under an empty passphrase: -ENOKEY");

	unlink(a);
	unlink(b);
	unlink(link);
	unlink(junk);
	ok(!rmdir(dir), "temporary directory cleaned up");
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_wycheproof_pbkdf2();
	test_kat();
	test_memory();
	test_empty_passphrase();
	test_tamper();
	test_files();
	return done();
}
