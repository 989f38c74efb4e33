/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The users file ("USER BASE64PUBKEY" lines) and the identity key file
 * (32 raw bytes, or one line of 64 hex digits or base64).  Parsers are
 * pure and host-tested; file_read() is the only I/O.
 */
#ifndef SECMSGD_FILES_H
#define SECMSGD_FILES_H

#include <stddef.h>
#include <stdint.h>
#include <linux/secmsg.h>

struct user_entry {
	char user[SECMSG_USER_ID_MAX + 1];
	uint8_t pub[SECMSG_X25519_LEN];
};

/*
 * Parse a users file of len bytes: one "USER BASE64PUBKEY" per line
 * (white space between), '#' comments and blank lines ignored.  A
 * malformed line, a bad user id or key, a user listed twice or a NUL
 * byte fails the whole file (-EINVAL, "name:LINE: why" in err).  *out
 * is malloc'ed.
 */
int users_parse(const char *text, size_t len, const char *name,
		struct user_entry **out, size_t *n, char *err, size_t errlen);

/* An identity file's contents -> the private key; -EINVAL otherwise. */
int identity_parse(const uint8_t *buf, size_t len,
		   uint8_t priv[SECMSG_X25519_LEN]);

/*
 * Read a whole file of at most max bytes into a malloc'ed buffer with a
 * NUL after it.  Free with file_free() (which wipes).  -errno.
 */
int file_read(const char *path, size_t max, uint8_t **buf, size_t *len);
void file_free(uint8_t *buf, size_t len);

#endif
