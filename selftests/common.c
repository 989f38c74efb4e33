// SPDX-License-Identifier: GPL-2.0
/* Shared helpers of the secmsg kselftests (see common.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <time.h>
#include <cjson/cJSON.h>
#include "common.h"
#include "protocol/crypto.h"	/* secmsg_random() */
#include "secmsg/codec.h"

const int test_algs[N_ALGS] = {
	SECMSG_ALG_AES_256_GCM,
	SECMSG_ALG_CHACHA20_POLY1305,
	SECMSG_ALG_TWOFISH_CBC,
};

void rand_bytes(void *buf, size_t len)
{
	int err = secmsg_random(buf, len);

	if (err) {
		fprintf(stderr, "getrandom: %s\n", strerror(-err));
		abort();
	}
}

uint64_t rand_u64(void)
{
	uint64_t v;

	rand_bytes(&v, sizeof(v));
	return v;
}

double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void fill_pattern(uint8_t *buf, size_t len, unsigned int seed)
{
	uint32_t x = seed * 2654435761u + 1;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = x;
	}
}

const char *errname(int err)
{
	const char *n;

	if (err == 0)
		return "0";
	n = strerrorname_np(err < 0 ? -err : err);
	return n ? n : "E?";
}

const char *vectors_dir(void)
{
	const char *d = getenv("SECMSG_VECTORS");

	return d && *d ? d : "selftests/vectors/wycheproof";
}

int hex_decode(const char *hex, uint8_t **out, size_t *len)
{
	size_t n = strlen(hex);
	uint8_t *b;
	long got;

	b = malloc(n / 2 + 1);
	if (!b)
		return -ENOMEM;
	got = secmsg_hex_decode(hex, n, b, n / 2 + 1);
	if (got < 0) {
		free(b);
		return -EINVAL;
	}
	*out = b;
	*len = (size_t)got;
	return 0;
}

struct cJSON *json_load(const char *path)
{
	FILE *f = fopen(path, "rb");
	cJSON *root = NULL;
	char *text;
	long len;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (len = ftell(f)) >= 0 &&
	    !fseek(f, 0, SEEK_SET) && (text = malloc((size_t)len + 1))) {
		if (fread(text, 1, (size_t)len, f) == (size_t)len) {
			text[len] = '\0';
			root = cJSON_Parse(text);
		}
		free(text);
	}
	fclose(f);
	return root;
}

int client_new(struct secmsg_nl *nl, struct client *c, int alg,
	       const struct secmsg_policy *pol, uint32_t flags,
	       struct secmsg_session_info *info)
{
	struct secmsg_session_params p = { 0 };
	struct secmsg_session_info tmp;
	int err;

	memset(c, 0, sizeof(*c));
	c->alg = alg;
	rand_bytes(c->secret_c2s, sizeof(c->secret_c2s));
	rand_bytes(c->secret_s2c, sizeof(c->secret_s2c));
	snprintf(c->user_id, sizeof(c->user_id), "st-%016llx@test",
		 (unsigned long long)rand_u64());
	p.user_id = c->user_id;
	p.alg = alg;
	p.secret_c2s = c->secret_c2s;
	p.secret_s2c = c->secret_s2c;
	if (pol)
		p.policy = *pol;
	p.flags = flags;
	if (!info)
		info = &tmp;
	err = secmsg_session_new(nl, &p, info);
	if (err)
		return err;
	c->id = info->id;
	secmsg_dir_init(&c->c2s, SECMSG_DIR_C2S, c->secret_c2s);
	secmsg_dir_init(&c->s2c, SECMSG_DIR_S2C, c->secret_s2c);
	return 0;
}

void client_keys_at(const struct client *c, enum secmsg_dir d,
		    uint32_t epoch, struct secmsg_dir_keys *out)
{
	uint32_t e;

	secmsg_dir_init(out, d, d == SECMSG_DIR_C2S ? c->secret_c2s :
						      c->secret_s2c);
	for (e = 0; e < epoch; e++)
		secmsg_dir_ratchet(out);
}

void client_move_to(struct client *c, uint32_t epoch, int alg)
{
	if (epoch != c->c2s.epoch)
		c->c2s_seq = 0;
	while (c->c2s.epoch < epoch)
		secmsg_dir_ratchet(&c->c2s);
	while (c->s2c.epoch < epoch)
		secmsg_dir_ratchet(&c->s2c);
	if (alg)
		c->alg = alg;
}

long client_seal(struct client *c, const void *pt, size_t len, uint8_t *out)
{
	return secmsg_msg_seal(&c->c2s, c->alg, c->id, c->c2s_seq++, pt, len,
			       out);
}

long client_seal_at(const struct client *c, uint32_t epoch, int alg,
		    uint64_t seq, const void *pt, size_t len, uint8_t *out)
{
	struct secmsg_dir_keys k;
	long n;

	client_keys_at(c, SECMSG_DIR_C2S, epoch, &k);
	n = secmsg_msg_seal(&k, alg, c->id, seq, pt, len, out);
	secmsg_dir_wipe(&k);
	return n;
}

long client_open(const struct client *c, const uint8_t *msg, size_t len,
		 struct secmsg_hdr *hdr, uint8_t *out)
{
	struct secmsg_dir_keys k;
	struct secmsg_hdr h;
	long n;

	if (!hdr)
		hdr = &h;
	n = secmsg_hdr_get(msg, len, hdr);
	if (n)
		return n;
	if (hdr->epoch == c->s2c.epoch)
		return secmsg_msg_open(&c->s2c, c->id, msg, len, hdr, out);
	client_keys_at(c, SECMSG_DIR_S2C, hdr->epoch, &k);
	n = secmsg_msg_open(&k, c->id, msg, len, hdr, out);
	secmsg_dir_wipe(&k);
	return n;
}

void client_wipe(struct client *c)
{
	secmsg_dir_wipe(&c->c2s);
	secmsg_dir_wipe(&c->s2c);
	memset(c, 0, sizeof(*c));
}

int get_counters(struct secmsg_nl *nl, uint64_t id,
		 struct secmsg_counters *out)
{
	struct secmsg_session_info info;
	int err = secmsg_session_get(nl, id, &info);

	if (!err)
		*out = info.counters;
	return err;
}

void del_quiet(struct secmsg_nl *nl, uint64_t id)
{
	if (nl && id)
		secmsg_session_del(nl, id);
}

struct secmsg_nl *nl_open_or_null(void)
{
	struct secmsg_nl *nl = NULL;
	int err = secmsg_nl_open(&nl);

	if (err) {
		fprintf(stderr, "# secmsg_nl_open: %s (module loaded?)\n",
			errname(err));
		return NULL;
	}
	return nl;
}

int event_wait(struct secmsg_nl *nl, uint64_t id, int event,
	       struct secmsg_event_info *out, int timeout_ms)
{
	double end = mono_now() + timeout_ms / 1000.0;

	for (;;) {
		struct pollfd p = { .fd = secmsg_nl_fd(nl), .events = POLLIN };
		int left = (end - mono_now()) * 1000, err;

		if (left < 0 || poll(&p, 1, left) <= 0)
			return -EAGAIN;
		err = secmsg_event_recv(nl, out);
		if (err == -EAGAIN)
			continue;
		if (err)
			return err;
		if ((!id || out->id == id) && (!event || out->event == event))
			return 0;
	}
}

int wait_gone(struct secmsg_nl *nl, uint64_t id, int timeout_ms,
	      double *elapsed)
{
	double t0 = mono_now();
	struct secmsg_session_info info;
	int err;

	for (;;) {
		err = secmsg_session_get(nl, id, &info);
		if (elapsed)
			*elapsed = mono_now() - t0;
		if (err || mono_now() - t0 > timeout_ms / 1000.0)
			return err;
		sleep_ms(50);
	}
}
