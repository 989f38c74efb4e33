/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * secmsgctl: key files.  A key file holds one 32-byte key as exactly 32
 * raw bytes, or as one line of 64 hex digits, or one line of base64
 * (standard alphabet, padding optional) of 32 bytes.  Surrounding
 * whitespace (the final newline) is ignored for the text forms.
 */
#ifndef SECMSGCTL_KEYFILE_H
#define SECMSGCTL_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/secmsg.h>

enum key_format { KEY_FMT_RAW, KEY_FMT_HEX, KEY_FMT_BASE64 };

/* Largest key file read. */
#define KEYFILE_MAX	4096

/*
 * Parse the contents of a key file.  Return 0 (key and *fmt set) or
 * -EINVAL with *why pointing at a static explanation ("bad hex: ...",
 * "bad base64: ...").
 */
int key_parse(const uint8_t *buf, size_t len, uint8_t key[SECMSG_KEY_LEN],
	      enum key_format *fmt, const char **why);

/*
 * Read and parse a key file.  With secret, warns on stderr when the file
 * is readable by group or others (not for public keys).  Return 0, or
 * -errno with a one-line message in err.  Every intermediate buffer is
 * wiped.
 */
int key_read_file(const char *path, uint8_t key[SECMSG_KEY_LEN], bool secret,
		  char *err, size_t errlen);

#endif
