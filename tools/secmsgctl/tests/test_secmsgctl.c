// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Host unit tests of secmsgctl's pure functions: keyword prefix matching,
 * number and duration parsing, human units, hex/base64, key files.
 * Output: TAP.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keyfile.h"
#include "parse.h"
#include "secmsg/codec.h"
#include "units.h"

static int ntest, nfail;

static __attribute__((format(printf, 2, 3))) bool ok(bool cond,
						     const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", cond ? "ok" : "not ok", ++ntest);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		nfail++;
	return cond;
}

static void is_str(const char *got, const char *want, const char *what)
{
	if (!ok(!strcmp(got, want), "%s: \"%s\"", what, want))
		printf("# got \"%s\"\n", got);
}

enum { K_SESSION, K_STATS, K_SHOW, K_SET, K_DEL };

static const struct kw tab[] = {
	{ "session", K_SESSION }, { "s", K_SESSION, true },
	{ "stats", K_STATS }, { "show", K_SHOW }, { "set", K_SET },
	{ "del", K_DEL }, { "delete", K_DEL, true },
};
#define NTAB (sizeof(tab) / sizeof(tab[0]))

static void test_kw(void)
{
	char buf[128];

	ok(kw_lookup("session", tab, NTAB) == K_SESSION, "kw exact");
	ok(kw_lookup("sess", tab, NTAB) == K_SESSION, "kw prefix");
	ok(kw_lookup("s", tab, NTAB) == K_SESSION, "kw hidden alias exact");
	ok(kw_lookup("st", tab, NTAB) == K_STATS, "kw st = stats");
	ok(kw_lookup("se", tab, NTAB) == KW_AMBIGUOUS, "kw se ambiguous");
	ok(kw_lookup("sh", tab, NTAB) == K_SHOW, "kw sh = show");
	ok(kw_lookup("d", tab, NTAB) == K_DEL, "kw same id twice is not ambiguous");
	ok(kw_lookup("dele", tab, NTAB) == KW_NONE,
	   "kw hidden entries match exactly only");
	ok(kw_lookup("x", tab, NTAB) == KW_NONE, "kw unknown");
	ok(kw_lookup("", tab, NTAB) == KW_NONE, "kw empty word");
	ok(kw_lookup("sessions", tab, NTAB) == KW_NONE, "kw longer word");
	kw_candidates("se", tab, NTAB, buf, sizeof(buf));
	is_str(buf, "session, set", "kw candidates of se");
	kw_candidates(NULL, tab, NTAB, buf, sizeof(buf));
	is_str(buf, "session, stats, show, set, del", "kw all candidates");
	kw_candidates(NULL, tab, NTAB, buf, 10);
	ok(strlen(buf) < 10, "kw candidates truncate safely");
}

static void test_numbers(void)
{
	uint64_t v;
	uint32_t u;

	ok(!parse_u64("18446744073709551615", &v) && v == UINT64_MAX,
	   "u64 max");
	ok(parse_u64("18446744073709551616", &v) == -ERANGE, "u64 overflow");
	ok(parse_u64("", &v) == -EINVAL, "u64 empty");
	ok(parse_u64("-1", &v) == -EINVAL, "u64 negative");
	ok(parse_u64("12x", &v) == -EINVAL, "u64 junk");
	ok(!parse_u32("4294967295", &u) && u == UINT32_MAX, "u32 max");
	ok(parse_u32("4294967296", &u) == -ERANGE, "u32 overflow");
	ok(!parse_count("1000", &v) && v == 1000, "count plain");
	ok(!parse_count("2K", &v) && v == 2000, "count K");
	ok(!parse_count("1Mi", &v) && v == 1048576, "count Mi");
	ok(!parse_count("3G", &v) && v == 3000000000ULL, "count G");
	ok(parse_count("1Q", &v) == -EINVAL, "count bad suffix");
	ok(parse_count("K", &v) == -EINVAL, "count no digits");
	ok(parse_count("20000000Ti", &v) == -ERANGE, "count overflow");
	ok(!parse_duration("90", &u) && u == 90, "duration plain");
	ok(!parse_duration("90s", &u) && u == 90, "duration s");
	ok(!parse_duration("1h30m", &u) && u == 5400, "duration 1h30m");
	ok(!parse_duration("2d", &u) && u == 172800, "duration 2d");
	ok(!parse_duration("1d2h3m4s", &u) && u == 93784, "duration all units");
	ok(!parse_duration("0", &u) && u == 0, "duration 0");
	ok(parse_duration("1h1h", &u) == -EINVAL, "duration repeated unit");
	ok(parse_duration("1m1h", &u) == -EINVAL, "duration units out of order");
	ok(parse_duration("1h30", &u) == -EINVAL, "duration bare number after unit");
	ok(parse_duration("1x", &u) == -EINVAL, "duration bad unit");
	ok(parse_duration("", &u) == -EINVAL, "duration empty");
	ok(parse_duration("4294967296", &u) == -ERANGE, "duration overflow");
	ok(parse_duration("50000d", &u) == -ERANGE, "duration overflow days");
	ok(!parse_session_id("0123456789abcdef", &v) &&
	   v == 0x0123456789abcdefULL, "id 16 hex digits");
	ok(!parse_session_id("0xFF", &v) && v == 255, "id 0x and upper case");
	ok(parse_session_id("0", &v) == -EINVAL, "id zero rejected");
	ok(parse_session_id("00000000000000001", &v) == -EINVAL,
	   "id 17 digits rejected");
	ok(parse_session_id("12g", &v) == -EINVAL, "id bad digit");
	ok(parse_session_id("", &v) == -EINVAL, "id empty");
	ok(user_id_ok("alice") && user_id_ok("a.b_c@d-e") && user_id_ok("A9"),
	   "user ids accepted");
	ok(!user_id_ok("") && !user_id_ok(".a") && !user_id_ok("-a") &&
	   !user_id_ok("a b") && !user_id_ok("a/b"), "user ids rejected");
	ok(user_id_ok("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx") &&
	   !user_id_ok("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
	   "user id of 64 accepted, 65 rejected");
}

static void test_units(void)
{
	char b[UNITS_BUF];

	is_str(fmt_count(0, b, sizeof(b)), "0", "count 0");
	is_str(fmt_count(999, b, sizeof(b)), "999", "count 999");
	is_str(fmt_count(1000, b, sizeof(b)), "1.0K", "count 1000");
	is_str(fmt_count(1234, b, sizeof(b)), "1.2K", "count 1234");
	is_str(fmt_count(9999, b, sizeof(b)), "9.9K", "count rounds down");
	is_str(fmt_count(12345, b, sizeof(b)), "12K", "count 12345");
	is_str(fmt_count(999999, b, sizeof(b)), "999K", "count 999999");
	is_str(fmt_count(1000000, b, sizeof(b)), "1.0M", "count 1M");
	is_str(fmt_count(UINT64_MAX, b, sizeof(b)), "18E", "count max");
	is_str(fmt_bytes(0, b, sizeof(b)), "0B", "bytes 0");
	is_str(fmt_bytes(1023, b, sizeof(b)), "1023B", "bytes 1023");
	is_str(fmt_bytes(1024, b, sizeof(b)), "1.0KiB", "bytes 1024");
	is_str(fmt_bytes(3565158, b, sizeof(b)), "3.3MiB", "bytes 3.4 MB");
	is_str(fmt_bytes(3670016, b, sizeof(b)), "3.5MiB", "bytes 3.5MiB");
	is_str(fmt_bytes(1048575, b, sizeof(b)), "1023KiB", "bytes 1MiB-1");
	is_str(fmt_bytes(UINT64_MAX, b, sizeof(b)), "15EiB", "bytes max");
	is_str(fmt_duration(0, b, sizeof(b)), "0s", "duration 0");
	is_str(fmt_duration(45, b, sizeof(b)), "45s", "duration 45s");
	is_str(fmt_duration(60, b, sizeof(b)), "1m", "duration 1m");
	is_str(fmt_duration(303, b, sizeof(b)), "5m3s", "duration 5m3s");
	is_str(fmt_duration(3599, b, sizeof(b)), "59m59s", "duration 59m59s");
	is_str(fmt_duration(7500, b, sizeof(b)), "2h5m", "duration 2h5m");
	is_str(fmt_duration(7205, b, sizeof(b)), "2h", "duration 2h (seconds dropped)");
	is_str(fmt_duration(86400, b, sizeof(b)), "1d", "duration 1d");
	is_str(fmt_duration(273600, b, sizeof(b)), "3d4h", "duration 3d4h");
	setenv("TZ", "UTC", 1);
	is_str(fmt_time(0, b, sizeof(b)), "1970-01-01 00:00:00 +0000",
	       "time in UTC");
	is_str(fmt_timestamp_ms(1795633201, 123456789, b, sizeof(b)),
	       "2026-11-25T19:00:01.123", "timestamp with ms");
}

static void test_codec(void)
{
	/* RFC 4648 section 10 */
	static const char *const vec[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" },
		{ "foo", "Zm9v" }, { "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	uint8_t bin[64], all[256];
	char txt[SECMSG_B64_LEN(256)];
	bool good = true;
	long n;

	for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		size_t len = strlen(vec[i][0]);

		secmsg_base64_encode((const uint8_t *)vec[i][0], len, txt);
		is_str(txt, vec[i][1], "base64 encode RFC 4648");
		n = secmsg_base64_decode(vec[i][1], strlen(vec[i][1]), bin,
					 sizeof(bin));
		ok(n == (long)len && !memcmp(bin, vec[i][0], len),
		   "base64 decode \"%s\"", vec[i][1]);
	}
	ok(secmsg_base64_decode("Zm9vYg", 6, bin, sizeof(bin)) == 4,
	   "base64 without padding");
	ok(secmsg_base64_decode("Zm9vYg=", 7, bin, sizeof(bin)) == -EINVAL,
	   "base64 short padding");
	ok(secmsg_base64_decode("Zm9v====", 8, bin, sizeof(bin)) == -EINVAL,
	   "base64 too much padding");
	ok(secmsg_base64_decode("Zm=v", 4, bin, sizeof(bin)) == -EINVAL,
	   "base64 padding inside");
	ok(secmsg_base64_decode("Zm9vY", 5, bin, sizeof(bin)) == -EINVAL,
	   "base64 length 1 mod 4");
	ok(secmsg_base64_decode("Zm9*", 4, bin, sizeof(bin)) == -EINVAL,
	   "base64 bad character");
	ok(secmsg_base64_decode("Zh==", 4, bin, sizeof(bin)) == -EINVAL,
	   "base64 non-canonical trailing bits");
	ok(secmsg_base64_decode("Zm9vYmFy", 8, bin, 5) == -EMSGSIZE,
	   "base64 output too small");
	for (int i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	for (size_t len = 0; len <= 64 && good; len++) {
		size_t t = secmsg_base64_encode(all + 192 - len, len, txt);

		n = secmsg_base64_decode(txt, t, bin, sizeof(bin));
		good = n == (long)len && !memcmp(bin, all + 192 - len, len);
	}
	ok(good, "base64 round trip, lengths 0..64");
	secmsg_hex_encode(all + 250, 6, txt);
	is_str(txt, "fafbfcfdfeff", "hex encode");
	ok(secmsg_hex_decode("00FFaB", 6, bin, sizeof(bin)) == 3 &&
	   bin[0] == 0 && bin[1] == 0xff && bin[2] == 0xab,
	   "hex decode mixed case");
	ok(secmsg_hex_decode("abc", 3, bin, sizeof(bin)) == -EINVAL,
	   "hex odd length");
	ok(secmsg_hex_decode("zz", 2, bin, sizeof(bin)) == -EINVAL,
	   "hex bad digit");
	ok(secmsg_hex_decode("0011", 4, bin, 1) == -EMSGSIZE,
	   "hex output too small");
}

static const uint8_t want_key[32] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};
#define HEXKEY "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define B64KEY "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

static int parse_text(const char *s, uint8_t *key, enum key_format *fmt,
		      const char **why)
{
	return key_parse((const uint8_t *)s, strlen(s), key, fmt, why);
}

static void test_keys(void)
{
	uint8_t key[32];
	enum key_format fmt;
	const char *why = "";
	char path[] = "/tmp/secmsgctl-test-XXXXXX", err[256];
	int fd;

	ok(!key_parse(want_key, 32, key, &fmt, &why) && fmt == KEY_FMT_RAW &&
	   !memcmp(key, want_key, 32), "key raw 32 bytes");
	ok(!parse_text(HEXKEY "\n", key, &fmt, &why) && fmt == KEY_FMT_HEX &&
	   !memcmp(key, want_key, 32), "key hex line");
	ok(!parse_text("  000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F\r\n",
		       key, &fmt, &why) && fmt == KEY_FMT_HEX &&
	   !memcmp(key, want_key, 32), "key upper-case hex, spaces, CRLF");
	ok(!parse_text(B64KEY "\n", key, &fmt, &why) &&
	   fmt == KEY_FMT_BASE64 && !memcmp(key, want_key, 32),
	   "key base64 line");
	ok(!parse_text("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", key, &fmt,
		       &why) && fmt == KEY_FMT_BASE64 &&
	   !memcmp(key, want_key, 32), "key base64 without padding or newline");
	ok(parse_text("", key, &fmt, &why) == -EINVAL &&
	   strstr(why, "empty"), "key empty file: %s", why);
	ok(parse_text("\n\n", key, &fmt, &why) == -EINVAL &&
	   strstr(why, "empty"), "key blank file");
	ok(parse_text("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1g\n",
		      key, &fmt, &why) == -EINVAL && strstr(why, "bad hex"),
	   "key bad hex digit: %s", why);
	ok(parse_text("000102030405060708090a0b0c0d0e0f\n", key, &fmt, &why) ==
	   -EINVAL && strstr(why, "bad hex"), "key short hex: %s", why);
	ok(parse_text("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh*=\n", key,
		      &fmt, &why) == -EINVAL && strstr(why, "bad base64"),
	   "key bad base64 character: %s", why);
	ok(parse_text("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd\n", key, &fmt,
		      &why) == -EINVAL && strstr(why, "bad base64"),
	   "key base64 of 30 bytes: %s", why);
	ok(parse_text(HEXKEY "\n" HEXKEY "\n", key, &fmt, &why) == -EINVAL,
	   "key two lines rejected: %s", why);
	ok(key_parse((const uint8_t *)"\x01\x02\x00\x03", 4, key, &fmt,
		     &why) == -EINVAL, "key binary of wrong length: %s", why);

	fd = mkstemp(path);
	if (fd < 0 || write(fd, B64KEY "\n", sizeof(B64KEY)) != sizeof(B64KEY)) {
		ok(false, "temporary key file");
		return;
	}
	close(fd);
	chmod(path, 0600);
	memset(key, 0, sizeof(key));
	ok(!key_read_file(path, key, true, err, sizeof(err)) &&
	   !memcmp(key, want_key, 32), "key_read_file base64");
	unlink(path);
	ok(key_read_file(path, key, true, err, sizeof(err)) == -ENOENT &&
	   strstr(err, path), "key_read_file missing file: %s", err);
	ok(key_read_file("/", key, true, err, sizeof(err)) < 0,
	   "key_read_file directory: %s", err);
}

int main(void)
{
	test_kw();
	test_numbers();
	test_units();
	test_codec();
	test_keys();
	printf("1..%d\n", ntest);
	return nfail ? 1 : 0;
}
