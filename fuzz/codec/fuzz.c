// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Fuzz target: libsecmsg's hex and base64 decoders (secmsg/codec.h),
 * which every parser of keys, frames and files calls on untrusted text.
 * Input: one byte choosing the decoder and the room given, then the text.
 * What must hold: a decoder never writes past the room it was given; a
 * text it accepts encodes back to the same text (canonical forms only:
 * lowercase hex; base64 with its padding, or without when it had none);
 * and the encoding of any bytes decodes back to them.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "secmsg/codec.h"

#define GUARD	0xa5

/* Nothing written in the 16 bytes past the room. */
static void check_guard(const uint8_t *out, size_t room)
{
	size_t i;

	for (i = room; i < room + 16; i++)
		FUZZ_CHECK(out[i] == GUARD);
}

static void check_hex(const char *s, size_t n, size_t room)
{
	uint8_t *out = malloc(room + 16);
	char *again;
	long got;
	size_t i;

	FUZZ_CHECK(out);
	memset(out, GUARD, room + 16);
	got = secmsg_hex_decode(s, n, out, room);
	check_guard(out, room);
	if (got >= 0) {
		FUZZ_CHECK((size_t)got == n / 2 && (size_t)got <= room);
		again = malloc(SECMSG_HEX_LEN(got));
		FUZZ_CHECK(again);
		FUZZ_CHECK(secmsg_hex_encode(out, (size_t)got, again) == n);
		/* the decoder takes upper case too: compare folded */
		for (i = 0; i < n; i++) {
			char c = s[i];

			if (c >= 'A' && c <= 'F')
				c = (char)(c - 'A' + 'a');
			FUZZ_CHECK(again[i] == c);
		}
		free(again);
	} else {
		FUZZ_CHECK(got == -EINVAL || got == -EMSGSIZE);
	}
	free(out);
}

static void check_b64(const char *s, size_t n, size_t room)
{
	uint8_t *out = malloc(room + 16), *back;
	char *again;
	size_t i, elen;
	long got;

	FUZZ_CHECK(out);
	memset(out, GUARD, room + 16);
	got = secmsg_base64_decode(s, n, out, room);
	check_guard(out, room);
	if (got < 0) {
		FUZZ_CHECK(got == -EINVAL || got == -EMSGSIZE);
		free(out);
		return;
	}
	FUZZ_CHECK((size_t)got <= room && (size_t)got <= n / 4 * 3 + 2);
	again = malloc(SECMSG_B64_LEN(got));
	FUZZ_CHECK(again);
	elen = secmsg_base64_encode(out, (size_t)got, again);
	FUZZ_CHECK(elen == strlen(again));
	/* the text, or the text without its padding */
	FUZZ_CHECK(elen >= n && !memcmp(again, s, n));
	for (i = n; i < elen; i++)
		FUZZ_CHECK(again[i] == '=');
	back = malloc((size_t)got + 1);
	FUZZ_CHECK(back);
	FUZZ_CHECK(secmsg_base64_decode(again, elen, back, (size_t)got) ==
		   got);
	FUZZ_CHECK(!memcmp(back, out, (size_t)got));
	free(back);
	free(again);
	free(out);
}

/* Any bytes: encode, decode, same bytes. */
static void check_roundtrip(const uint8_t *p, size_t n)
{
	char *h = malloc(SECMSG_HEX_LEN(n)), *b = malloc(SECMSG_B64_LEN(n));
	uint8_t *back = malloc(n + 1);

	FUZZ_CHECK(h && b && back);
	FUZZ_CHECK(secmsg_hex_decode(h, secmsg_hex_encode(p, n, h), back,
				     n) == (long)n);
	FUZZ_CHECK(!memcmp(back, p, n));
	FUZZ_CHECK(secmsg_base64_decode(b, secmsg_base64_encode(p, n, b),
					back, n) == (long)n);
	FUZZ_CHECK(!memcmp(back, p, n));
	free(h);
	free(b);
	free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t mode = fuzz_u8(&in);
	/* room: what the text needs, or a little less, or none */
	size_t need = in.left / 2 + 3, less = (mode & 0x40) ? (mode & 3) + 3 : 0;
	size_t room = need > less ? need - less : 0;
	char *s = fuzz_dup(in.p, in.left);

	switch (mode & 0x30) {
	case 0x00:
		check_hex(s, in.left, room);
		break;
	case 0x10:
		check_b64(s, in.left, room);
		break;
	default:
		check_roundtrip(in.p, in.left);
		break;
	}
	free(s);
	return 0;
}
