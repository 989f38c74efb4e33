// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Client key files (docs/protocol.md section 4, secmsg/keyfile.h):
 * PBKDF2-HMAC-SHA256 (nettle) derives a key-encryption key from the
 * passphrase; ChaCha20-Poly1305 (nettle) seals the 32-byte private key
 * with the header (magic, iterations, salt, nonce) as associated data.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nettle/chacha-poly1305.h>
#include <nettle/memops.h>
#include <nettle/pbkdf2.h>

#include "be.h"
#include "crypto.h"
#include "secmsg/handshake.h"
#include "secmsg/keyfile.h"

#define MAGIC_LEN	8
#define OFF_ITER	8
#define OFF_SALT	12
#define OFF_NONCE	(OFF_SALT + SECMSG_KEYFILE_SALT_LEN)
#define OFF_CT		(OFF_NONCE + SECMSG_KEYFILE_NONCE_LEN)
#define KEY_LEN		SECMSG_X25519_LEN
#define TAG_LEN		16

_Static_assert(OFF_CT == SECMSG_KEYFILE_AD_LEN, "layout");
_Static_assert(OFF_CT + KEY_LEN + TAG_LEN == SECMSG_KEYFILE_LEN, "layout");
_Static_assert(sizeof(SECMSG_KEYFILE_MAGIC) - 1 == MAGIC_LEN, "magic");

static const uint8_t empty[1];

int secmsg_keyfile_kdf(const void *pass, size_t pass_len,
		       const uint8_t *salt, size_t salt_len,
		       uint32_t iterations, uint8_t *out, size_t out_len)
{
	if ((pass_len && !pass) || (salt_len && !salt) || !iterations ||
	    (out_len && !out))
		return -EINVAL;
	if (!out_len)
		return 0;
	pbkdf2_hmac_sha256(pass_len, pass_len ? pass : empty, iterations,
			   salt_len, salt_len ? salt : empty, out_len, out);
	return 0;
}

static void derive_kek(const void *pass, size_t pass_len,
		       const uint8_t *salt, uint32_t iterations,
		       uint8_t kek[32])
{
	/* arguments checked by the callers: this cannot fail */
	(void)secmsg_keyfile_kdf(pass, pass_len, salt,
				 SECMSG_KEYFILE_SALT_LEN, iterations, kek, 32);
}

static void aead_start(struct chacha_poly1305_ctx *c, const uint8_t kek[32],
		       const uint8_t *hdr)
{
	chacha_poly1305_set_key(c, kek);
	chacha_poly1305_set_nonce(c, hdr + OFF_NONCE);
	chacha_poly1305_update(c, SECMSG_KEYFILE_AD_LEN, hdr);
}

int secmsg_keyfile_encode(const uint8_t priv[KEY_LEN], const void *pass,
			  size_t pass_len, uint32_t iterations,
			  uint8_t out[SECMSG_KEYFILE_LEN])
{
	return secmsg_keyfile_encode_with(priv, pass, pass_len, iterations,
					  NULL, out);
}

/* salt_nonce: the file's salt and nonce, NULL for random ones (crypto.h) */
int secmsg_keyfile_encode_with(const uint8_t priv[KEY_LEN], const void *pass,
			       size_t pass_len, uint32_t iterations,
			       const uint8_t *salt_nonce,
			       uint8_t out[SECMSG_KEYFILE_LEN])
{
	struct chacha_poly1305_ctx c;
	uint8_t kek[32];
	int err;

	if (!priv || !out || (pass_len && !pass))
		return -EINVAL;
	if (!pass_len)
		return -ENOKEY;
	if (!iterations)
		iterations = SECMSG_KEYFILE_ITER_DEFAULT;
	if (iterations < SECMSG_KEYFILE_ITER_MIN ||
	    iterations > SECMSG_KEYFILE_ITER_MAX)
		return -EINVAL;
	memcpy(out, SECMSG_KEYFILE_MAGIC, MAGIC_LEN);
	put_be32(out + OFF_ITER, iterations);
	err = 0;
	if (salt_nonce)
		memcpy(out + OFF_SALT, salt_nonce,
		       SECMSG_KEYFILE_SALT_LEN + SECMSG_KEYFILE_NONCE_LEN);
	else
		err = secmsg_random(out + OFF_SALT, SECMSG_KEYFILE_SALT_LEN +
				    SECMSG_KEYFILE_NONCE_LEN);
	if (err) {
		explicit_bzero(out, SECMSG_KEYFILE_LEN);
		return err;
	}
	derive_kek(pass, pass_len, out + OFF_SALT, iterations, kek);
	aead_start(&c, kek, out);
	chacha_poly1305_encrypt(&c, KEY_LEN, out + OFF_CT, priv);
	chacha_poly1305_digest(&c, TAG_LEN, out + OFF_CT + KEY_LEN);
	explicit_bzero(&c, sizeof(c));
	explicit_bzero(kek, sizeof(kek));
	return 0;
}

int secmsg_keyfile_iterations(const uint8_t *buf, size_t len,
			      uint32_t *iterations)
{
	uint32_t n;

	if (!buf || len != SECMSG_KEYFILE_LEN ||
	    memcmp(buf, SECMSG_KEYFILE_MAGIC, MAGIC_LEN))
		return -EINVAL;
	n = get_be32(buf + OFF_ITER);
	if (n < SECMSG_KEYFILE_ITER_MIN || n > SECMSG_KEYFILE_ITER_MAX)
		return -EINVAL;
	if (iterations)
		*iterations = n;
	return 0;
}

int secmsg_keyfile_decode(const uint8_t *buf, size_t len, const void *pass,
			  size_t pass_len, uint8_t priv[KEY_LEN])
{
	struct chacha_poly1305_ctx c;
	uint8_t kek[32], key[KEY_LEN], tag[TAG_LEN];
	uint32_t iterations;
	int err, ok;

	if (!priv || (pass_len && !pass))
		return -EINVAL;
	err = secmsg_keyfile_iterations(buf, len, &iterations);
	if (err)
		return err;
	if (!pass_len)
		return -ENOKEY;
	derive_kek(pass, pass_len, buf + OFF_SALT, iterations, kek);
	aead_start(&c, kek, buf);
	chacha_poly1305_decrypt(&c, KEY_LEN, key, buf + OFF_CT);
	chacha_poly1305_digest(&c, TAG_LEN, tag);
	ok = memeql_sec(tag, buf + OFF_CT + KEY_LEN, TAG_LEN);
	if (ok)
		memcpy(priv, key, KEY_LEN);
	explicit_bzero(&c, sizeof(c));
	explicit_bzero(kek, sizeof(kek));
	explicit_bzero(key, sizeof(key));
	explicit_bzero(tag, sizeof(tag));
	return ok ? 0 : -EBADMSG;
}

/* Write all of buf to fd; 0 or -errno. */
static int write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Create path exclusively, mode exactly 0600, and write img; 0 / -errno. */
static int write_new(const char *path, const uint8_t *img)
{
	int fd, err;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0)
		return -errno;
	/* the umask may only have removed bits; make it exactly 0600 */
	err = fchmod(fd, 0600) ? -errno : 0;
	if (!err)
		err = write_all(fd, img, SECMSG_KEYFILE_LEN);
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (err)
		unlink(path);
	return err;
}

int secmsg_keyfile_create(const char *path, const uint8_t *priv,
			  const void *pass, size_t pass_len,
			  uint32_t iterations, unsigned int flags,
			  uint8_t pub_out[KEY_LEN])
{
	uint8_t key[KEY_LEN], img[SECMSG_KEYFILE_LEN];
	char tmp[PATH_MAX];
	int err, tries;

	if (!path || !*path || (pass_len && !pass) ||
	    (flags & ~SECMSG_KEYFILE_F_OVERWRITE))
		return -EINVAL;
	if (!pass_len)
		return -ENOKEY;
	if (priv)
		memcpy(key, priv, KEY_LEN);
	else if ((err = secmsg_random(key, KEY_LEN)))
		goto out;
	err = secmsg_keyfile_encode(key, pass, pass_len, iterations, img);
	if (err)
		goto out;
	if (!(flags & SECMSG_KEYFILE_F_OVERWRITE)) {
		err = write_new(path, img);
	} else {
		err = -EEXIST;
		for (tries = 0; tries < 16 && err == -EEXIST; tries++) {
			uint32_t r;

			err = secmsg_random(&r, sizeof(r));
			if (err)
				break;
			if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp%08x",
					     path, r) >= sizeof(tmp)) {
				err = -ENAMETOOLONG;
				break;
			}
			err = write_new(tmp, img);
		}
		if (!err && rename(tmp, path)) {
			err = -errno;
			unlink(tmp);
		}
	}
	if (!err && pub_out)
		secmsg_x25519_pub(key, pub_out);
out:
	explicit_bzero(key, sizeof(key));
	explicit_bzero(img, sizeof(img));
	return err;
}

int secmsg_keyfile_load(const char *path, const void *pass, size_t pass_len,
			uint8_t priv[KEY_LEN])
{
	uint8_t img[SECMSG_KEYFILE_LEN + 1];
	struct stat st;
	size_t got = 0;
	int fd, err = 0;

	if (!path || !priv || (pass_len && !pass))
		return -EINVAL;
	if (!pass_len)
		return -ENOKEY;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
	} else if (!S_ISREG(st.st_mode) ||
		   st.st_size != SECMSG_KEYFILE_LEN) {
		err = -EINVAL;
	} else {
		/* one byte more than a key file: a file that grew is not one */
		while (got < sizeof(img)) {
			ssize_t n = read(fd, img + got, sizeof(img) - got);

			if (n < 0) {
				if (errno == EINTR)
					continue;
				err = -errno;
				break;
			}
			if (!n)
				break;
			got += (size_t)n;
		}
	}
	close(fd);
	if (!err)
		err = secmsg_keyfile_decode(img, got, pass, pass_len, priv);
	explicit_bzero(img, sizeof(img));
	return err;
}

const char *secmsg_keyfile_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case -EBADMSG:
		return "wrong passphrase or damaged key file";
	case -EINVAL:
		return "not a secmsg key file (wrong size or magic, or an "
		       "iteration count outside 100000 to 100000000)";
	case -ENOKEY:
		return "empty passphrase (not allowed)";
	case -EEXIST:
		return "key file exists (not overwritten)";
	default:
		return strerror(err < 0 ? -err : err);
	}
}
