// SPDX-License-Identifier: GPL-2.0 OR MIT
/* secmsgctl: key files, see keyfile.h */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keyfile.h"
#include "secmsg/codec.h"

static bool is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_hex(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

int key_parse(const uint8_t *buf, size_t len, uint8_t key[SECMSG_KEY_LEN],
	      enum key_format *fmt, const char **why)
{
	const char *s;
	size_t n;
	bool all_hex = true;
	long r;

	if (len == SECMSG_KEY_LEN) {
		memcpy(key, buf, SECMSG_KEY_LEN);
		*fmt = KEY_FMT_RAW;
		return 0;
	}
	while (len && is_space(buf[0])) {
		buf++;
		len--;
	}
	while (len && is_space(buf[len - 1]))
		len--;
	if (!len) {
		*why = "empty key file";
		return -EINVAL;
	}
	s = (const char *)buf;
	n = len;
	for (size_t i = 0; i < n; i++) {
		if (buf[i] < 0x21 || buf[i] > 0x7e) {
			*why = is_space(buf[i]) ?
				"more than one word: expected one line of hex or base64" :
				"not a key: expected exactly 32 raw bytes, or one line of 64 hex digits or of base64";
			return -EINVAL;
		}
		if (!is_hex(buf[i]))
			all_hex = false;
	}
	if (n == 2 * SECMSG_KEY_LEN) {
		/* base64 of 32 bytes is 43 or 44 characters, never 64 */
		if (!all_hex) {
			*why = "bad hex: invalid character (expected 64 hex digits)";
			return -EINVAL;
		}
		secmsg_hex_decode(s, n, key, SECMSG_KEY_LEN);
		*fmt = KEY_FMT_HEX;
		return 0;
	}
	r = secmsg_base64_decode(s, n, key, SECMSG_KEY_LEN);
	if (r == SECMSG_KEY_LEN) {
		*fmt = KEY_FMT_BASE64;
		return 0;
	}
	explicit_bzero(key, SECMSG_KEY_LEN);
	if (all_hex && n != 43 && n != 44)
		*why = "bad hex: wrong length (expected 64 hex digits)";
	else if (r == -EINVAL)
		*why = "bad base64: invalid character or padding";
	else
		*why = "bad base64: wrong length (expected 32 bytes, 44 characters)";
	return -EINVAL;
}

int key_read_file(const char *path, uint8_t key[SECMSG_KEY_LEN], bool secret,
		  char *err, size_t errlen)
{
	uint8_t buf[KEYFILE_MAX + 1];
	enum key_format fmt;
	const char *why = NULL;
	struct stat st;
	size_t len = 0;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "key file %s: %s", path, strerror(errno));
		return ret;
	}
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		snprintf(err, errlen, "key file %s: %s", path, strerror(errno));
		close(fd);
		return ret;
	}
	if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode) &&
	    !S_ISFIFO(st.st_mode)) {
		snprintf(err, errlen, "key file %s: not a regular file", path);
		close(fd);
		return -EINVAL;
	}
	if (secret && S_ISREG(st.st_mode) &&
	    (st.st_mode & (S_IRGRP | S_IROTH)))
		fprintf(stderr,
			"secmsgctl: warning: key file %s is readable by group or others (mode %04o)\n",
			path, (unsigned int)(st.st_mode & 07777));
	while (len < sizeof(buf)) {
		ssize_t r = read(fd, buf + len, sizeof(buf) - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			snprintf(err, errlen, "key file %s: %s", path,
				 strerror(errno));
			goto out;
		}
		if (!r)
			break;
		len += (size_t)r;
	}
	if (len > KEYFILE_MAX) {
		snprintf(err, errlen, "key file %s: too large to be a key",
			 path);
		ret = -EINVAL;
		goto out;
	}
	ret = key_parse(buf, len, key, &fmt, &why);
	if (ret)
		snprintf(err, errlen, "key file %s: %s", path, why);
out:
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return ret;
}
