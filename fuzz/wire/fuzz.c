// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Fuzz target: sealed messages from the server as the client opens them
 * (docs/protocol.md section 2): the header (secmsg_hdr_get()), the
 * session's epoch following, the replay windows and the three ciphers,
 * through client_session_open(), the function the client calls on every
 * received message.  The session is the fixed one of fuzz/keys.h.
 * Input: one byte choosing the session's algorithm, then a sequence of
 * messages, each a 2-byte big-endian length and the bytes.
 *
 * What must hold: a header that parses puts back to the same 24 bytes;
 * a message that opens is one the server's keys seal to the same bytes
 * (the AEADs are deterministic; for twofish_cbc the header and length
 * match and the body opens to the same text), is exactly as long as its
 * plaintext plus the algorithm's overhead, leaves the session at the
 * message's epoch, and does not open a second time; the session's epoch
 * never goes back; errors are the documented ones.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "keys.h"
#include "client/internal.h"

static void check_header(const uint8_t *m, size_t len)
{
	struct secmsg_hdr h;
	uint8_t back[SECMSG_HDR_LEN];
	int err = secmsg_hdr_get(m, len, &h);

	FUZZ_CHECK(!err || err == -EINVAL || err == -EPROTO);
	if (err == -EINVAL)
		FUZZ_CHECK(len < SECMSG_HDR_LEN);
	if (!err) {
		secmsg_hdr_put(back, &h);
		FUZZ_CHECK(!memcmp(back, m, SECMSG_HDR_LEN));
	}
}

/* The server's s2c keys seal pt at the message's epoch and seq. */
static void check_reseal(const uint8_t *m, size_t len, const uint8_t *pt,
			 size_t n, const struct client_open_info *info)
{
	struct secmsg_dir_keys k;
	uint8_t *again = malloc(n + SECMSG_MAX_OVERHEAD), *back;
	long got;

	FUZZ_CHECK(again);
	fuzz_dir(&k, SECMSG_DIR_S2C, info->epoch);
	got = secmsg_msg_seal(&k, info->alg, FUZZ_SESSION_ID, info->seq, pt, n,
			      again);
	FUZZ_CHECK(got >= 0 && (size_t)got == len);
	/* AEADs: the tag; twofish_cbc: IV, PKCS#7 padding (1..16), MAC */
	if (info->alg == SECMSG_ALG_TWOFISH_CBC)
		FUZZ_CHECK(len == SECMSG_HDR_LEN + SECMSG_CBC_IV_LEN +
			   (n / 16 + 1) * 16 + 32);
	else
		FUZZ_CHECK(len == SECMSG_HDR_LEN + n + SECMSG_AEAD_TAG_LEN);
	if (info->alg != SECMSG_ALG_TWOFISH_CBC) {
		FUZZ_CHECK(!memcmp(again, m, len));
	} else {
		FUZZ_CHECK(!memcmp(again, m, SECMSG_HDR_LEN));
		back = malloc(len);
		FUZZ_CHECK(back);
		FUZZ_CHECK(secmsg_msg_open(&k, FUZZ_SESSION_ID, m, len, NULL,
					   back) == (long)n);
		FUZZ_CHECK(!memcmp(back, pt, n));
		free(back);
	}
	secmsg_dir_wipe(&k);
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	int alg = fuzz_u8(&in) % SECMSG_ALG_MAX + 1;
	struct client_session s = { 0 };
	struct client_open_info info;
	uint8_t c2s[32], s2c[32], *m, *out;
	const uint8_t *rec;
	uint32_t epoch;
	size_t len;
	long n;

	fuzz_key(c2s, FUZZ_SECRET_C2S);
	fuzz_key(s2c, FUZZ_SECRET_S2C);
	FUZZ_CHECK(!client_session_init(&s, FUZZ_SESSION_ID, alg, c2s, s2c));
	while (fuzz_record(&in, &rec, &len)) {
		m = fuzz_dup(rec, len);
		out = malloc(len ? len : 1);
		FUZZ_CHECK(out);
		check_header(m, len);
		epoch = s.epoch;
		n = client_session_open(&s, m, len, out, &info);
		FUZZ_CHECK(s.active && s.epoch >= epoch);
		if (n < 0) {
			FUZZ_CHECK(n == SECMSG_CLIENT_E_DECRYPT ||
				   n == SECMSG_CLIENT_E_REPLAY ||
				   n == SECMSG_CLIENT_E_EPOCH ||
				   n == SECMSG_CLIENT_E_TOO_LARGE ||
				   n == SECMSG_CLIENT_E_PROTOCOL);
			FUZZ_CHECK(!info.advanced && s.epoch == epoch);
		} else {
			FUZZ_CHECK((size_t)n <= SECMSG_MAX_PLAINTEXT &&
				   (size_t)n + SECMSG_HDR_LEN <= len);
			FUZZ_CHECK(info.advanced == (s.epoch != epoch));
			FUZZ_CHECK(info.epoch == s.epoch ||
				   (!info.advanced && s.has_prev &&
				    info.epoch == s.rx_prev.epoch));
			check_reseal(m, len, out, (size_t)n, &info);
			FUZZ_CHECK(client_session_open(&s, m, len, out, &info) <
				   0);
		}
		free(m);
		free(out);
	}
	client_session_wipe(&s);
	return 0;
}
