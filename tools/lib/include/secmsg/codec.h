/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * libsecmsg codec: hex and base64 (RFC 4648, standard alphabet).
 *
 * Encoders write a NUL-terminated string and return its length; the
 * output needs SECMSG_HEX_LEN(n) or SECMSG_B64_LEN(n) bytes of room.
 *
 * Decoders take exactly in_len characters (no whitespace allowed) and
 * return the number of bytes written, -EINVAL for a bad character, odd
 * hex length, bad padding or non-canonical trailing bits, or -EMSGSIZE
 * when the result would not fit in out_room.  Base64 padding is optional
 * but must be right when present.
 */
#ifndef SECMSG_CODEC_H
#define SECMSG_CODEC_H

#include <stddef.h>
#include <stdint.h>

#define SECMSG_HEX_LEN(n)	(2 * (size_t)(n) + 1)
#define SECMSG_B64_LEN(n)	(4 * (((size_t)(n) + 2) / 3) + 1)

size_t secmsg_hex_encode(const uint8_t *in, size_t len, char *out);
long secmsg_hex_decode(const char *in, size_t in_len, uint8_t *out,
		       size_t out_room);
size_t secmsg_base64_encode(const uint8_t *in, size_t len, char *out);
long secmsg_base64_decode(const char *in, size_t in_len, uint8_t *out,
			  size_t out_room);

#endif
