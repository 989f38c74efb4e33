// SPDX-License-Identifier: GPL-2.0 OR MIT
/* hex and base64 codecs, see secmsg/codec.h */
#include <errno.h>

#include "secmsg/codec.h"

static const char hexdig[] = "0123456789abcdef";
static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t secmsg_hex_encode(const uint8_t *in, size_t len, char *out)
{
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hexdig[in[i] >> 4];
		out[2 * i + 1] = hexdig[in[i] & 15];
	}
	out[2 * len] = '\0';
	return 2 * len;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long secmsg_hex_decode(const char *in, size_t in_len, uint8_t *out,
		       size_t out_room)
{
	if (in_len % 2)
		return -EINVAL;
	for (size_t i = 0; i < in_len; i++)
		if (hexval(in[i]) < 0)
			return -EINVAL;
	if (in_len / 2 > out_room)
		return -EMSGSIZE;
	for (size_t i = 0; i < in_len / 2; i++)
		out[i] = (uint8_t)(hexval(in[2 * i]) << 4 |
				   hexval(in[2 * i + 1]));
	return (long)(in_len / 2);
}

size_t secmsg_base64_encode(const uint8_t *in, size_t len, char *out)
{
	size_t o = 0, i = 0;

	for (; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
			     in[i + 2];
		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = b64[(v >> 6) & 63];
		out[o++] = b64[v & 63];
	}
	if (len - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;
		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = b64[(v >> 6) & 63];
		out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long secmsg_base64_decode(const char *in, size_t in_len, uint8_t *out,
			  size_t out_room)
{
	size_t n = in_len, pad = 0, outlen, o = 0;
	uint32_t acc = 0;
	unsigned int bits = 0;

	/* Padding: only as the last one or two characters of a multiple of 4. */
	while (n > 0 && in[n - 1] == '=' && pad < 2) {
		n--;
		pad++;
	}
	if (pad && in_len % 4)
		return -EINVAL;
	if (n % 4 == 1)
		return -EINVAL;
	if (pad && (n % 4 == 0 || 4 - n % 4 != pad))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (b64val(in[i]) < 0)
			return -EINVAL;
	outlen = n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0);
	if (outlen > out_room)
		return -EMSGSIZE;
	for (size_t i = 0; i < n; i++) {
		acc = (acc << 6 | (uint32_t)b64val(in[i])) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	/* Leftover bits must be zero (canonical encoding). */
	if (bits && (acc & ((1u << bits) - 1)))
		return -EINVAL;
	return (long)o;
}
