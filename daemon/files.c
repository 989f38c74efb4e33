// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Users file and identity key file (see files.h). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "secmsg/codec.h"
#include "secmsg/handshake.h"

#include "files.h"

static int seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Next white-space separated token of *p (NUL-terminated in place). */
static char *token(char **p)
{
	char *s = *p, *e;

	while (*s && isspace((unsigned char)*s))
		s++;
	if (!*s)
		return NULL;
	e = s;
	while (*e && !isspace((unsigned char)*e))
		e++;
	if (*e)
		*e++ = '\0';
	*p = e;
	return s;
}

int users_parse(const char *text, size_t len, const char *name,
		struct user_entry **out, size_t *n, char *err, size_t errlen)
{
	const char *nul = memchr(text, '\0', len);
	char *copy, *line, *next, *p, *user, *key, *extra;
	struct user_entry *v = NULL, *nv;
	size_t count = 0, cap = 0, i;
	unsigned int lineno = 1;
	long got;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (nul) {
		/* a C string would end there: the lines after it lost */
		for (p = (char *)text; p < nul; p++)
			lineno += *p == '\n';
		return seterr(err, errlen, "%s:%u: a NUL byte", name, lineno);
	}
	copy = strndup(text, len);
	if (!copy)
		return -ENOMEM;
	lineno = 0;
	for (line = copy; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		p = line;
		user = token(&p);
		if (!user || *user == '#')
			continue;
		key = token(&p);
		extra = token(&p);
		if (!key || (extra && *extra != '#')) {
			rc = seterr(err, errlen,
				    "%s:%u: expected 'USER BASE64PUBKEY'",
				    name, lineno);
			break;
		}
		if (strlen(user) > SECMSG_USER_ID_MAX ||
		    !secmsg_user_id_valid(user)) {
			rc = seterr(err, errlen, "%s:%u: bad user id", name,
				    lineno);
			break;
		}
		for (i = 0; i < count; i++)
			if (!strcmp(v[i].user, user))
				break;
		if (i < count) {
			rc = seterr(err, errlen, "%s:%u: user %s listed twice",
				    name, lineno, user);
			break;
		}
		if (count == cap) {
			cap = cap ? 2 * cap : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				rc = -ENOMEM;
				break;
			}
			v = nv;
		}
		got = secmsg_base64_decode(key, strlen(key), v[count].pub,
					   sizeof(v[count].pub));
		if (got != SECMSG_X25519_LEN) {
			rc = seterr(err, errlen,
				    "%s:%u: the key must be 32 bytes of base64",
				    name, lineno);
			break;
		}
		snprintf(v[count].user, sizeof(v[count].user), "%s", user);
		count++;
	}
	free(copy);
	if (rc) {
		free(v);
		return rc;
	}
	*out = v;
	*n = count;
	return 0;
}

int identity_parse(const uint8_t *buf, size_t len,
		   uint8_t priv[SECMSG_X25519_LEN])
{
	char text[128];
	size_t s = 0, e = len;
	long got;
	int rc = -EINVAL;

	if (len == SECMSG_X25519_LEN) {
		/* 32 raw bytes (which could also be 32 characters of text,
		 * but no text form of a 32-byte key is 32 characters) */
		memcpy(priv, buf, SECMSG_X25519_LEN);
		return 0;
	}
	while (s < e && isspace(buf[s]))
		s++;
	while (e > s && isspace(buf[e - 1]))
		e--;
	if (e - s >= sizeof(text))
		return -EINVAL;
	memcpy(text, buf + s, e - s);
	text[e - s] = '\0';
	if (e - s == 2 * SECMSG_X25519_LEN)
		got = secmsg_hex_decode(text, e - s, priv, SECMSG_X25519_LEN);
	else
		got = secmsg_base64_decode(text, e - s, priv,
					   SECMSG_X25519_LEN);
	if (got == SECMSG_X25519_LEN)
		rc = 0;
	else
		explicit_bzero(priv, SECMSG_X25519_LEN);
	explicit_bzero(text, sizeof(text));
	return rc;
}

int file_read(const char *path, size_t max, uint8_t **out, size_t *out_len)
{
	uint8_t *buf, *nb;
	struct stat st;
	size_t len = 0, cap;
	ssize_t n;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		rc = -errno;
		close(fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if ((size_t)st.st_size > max) {
		close(fd);
		return -EFBIG;
	}
	/* room for what the file holds (and its NUL); more if it grows */
	cap = (size_t)st.st_size + 1;
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		if (len == cap - 1) {		/* full: the file grew */
			size_t ncap = cap <= (max + 1) / 2 ? 2 * cap : max + 1;

			if (len == max)
				break;
			nb = malloc(ncap);
			if (!nb) {
				close(fd);
				file_free(buf, len);
				return -ENOMEM;
			}
			memcpy(nb, buf, len);
			file_free(buf, len);
			buf = nb;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			close(fd);
			file_free(buf, len);
			return rc;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	*out_len = len;
	return 0;
}

void file_free(uint8_t *buf, size_t len)
{
	if (!buf)
		return;
	explicit_bzero(buf, len + 1);
	free(buf);
}
