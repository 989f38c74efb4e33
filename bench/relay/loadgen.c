// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * bench/relay/loadgen: end-to-end relay benchmark client.  N clients log
 * in to a secmsg.v1 server (secmsgd, or bench/relay/peer.js), then each
 * sends sealed messages to its partner (i ^ 1; a lone client to itself)
 * for a while, keeping a window of messages in flight.  A message carries
 * its send time inside the plaintext: the recipient opens it and records
 * the latency.  Prints one JSON line: messages/s and latency quantiles.
 *
 * Client crypto is libsecmsg's (handshake.h, wire.h), the same for every
 * server; the WebSocket client is a minimal one on non-blocking sockets
 * and epoll (RFC 6455 framing: masked text frames out, plain frames in).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "secmsg/codec.h"
#include "secmsg/handshake.h"
#include "secmsg/nl.h"
#include "secmsg/wire.h"

struct cl {
	int fd, idx;
	int state;		/* 0 upgrading, 1 hello sent, 2 confirm sent, 3 ready */
	char user[32];
	uint8_t priv[32];
	struct secmsg_hs_state hs;
	uint64_t sid;
	struct secmsg_dir_keys tx, rx;
	struct secmsg_msg_ctx *txc, *rxc;	/* keyed once per epoch */
	int alg;
	uint64_t seq, next_id;
	unsigned inflight;
	uint8_t *in;		/* received bytes */
	size_t in_len, in_cap;
	uint8_t *out;		/* bytes to send */
	size_t out_len, out_cap, out_off;
	bool want_out;
};

static struct cl *cls;
static int nclients = 1, window, payload = 256, duration = 10, port = 8765;
/* -H: the server's address; -Q: odd clients to this one (two nodes of a
 * cluster: every partner pair then spans both); -R: hello carries the
 * public key (servers that register on first use) */
static struct in_addr host = { .s_addr = 0 }, host2;
static int port2;
static bool register_users;
static int epfd;
static uint8_t server_pub[32];
static const char *alg_name = "aes_256_gcm";
static uint64_t received, sent_total, failed;
/* failed deliveries by their code (the first MAX_CODES codes seen; the
 * rest as "other") */
#define MAX_CODES	16
static struct {
	char code[40];
	uint64_t n;
} fails[MAX_CODES + 1];
static double *lat;
static size_t nlat, lat_cap;
static bool measuring;

/* Logins in progress at most: each client's handshake must finish within
 * the server's pending timeout (10 s) even on a slow machine. */
#define MAX_LOGINS	32
static int next_connect, logging_in;
static void connect_more(void);

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "loadgen: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(1);
}

static void out_add(struct cl *c, const void *p, size_t n)
{
	if (c->out_len + n > c->out_cap) {
		c->out_cap = (c->out_len + n) * 2 + 4096;
		c->out = realloc(c->out, c->out_cap);
		if (!c->out)
			die("%s", "out of memory");
	}
	memcpy(c->out + c->out_len, p, n);
	c->out_len += n;
}

static void flush_out(struct cl *c)
{
	struct epoll_event ev = { .data.ptr = c };
	ssize_t n;

	while (c->out_off < c->out_len) {
		n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
			 MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN)
				break;
			die("send: %s", strerror(errno));
		}
		c->out_off += (size_t)n;
	}
	if (c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	bool want = c->out_len > 0;

	if (want != c->want_out) {
		c->want_out = want;
		ev.events = EPOLLIN | (want ? EPOLLOUT : 0);
		epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
	}
}

/* One masked text frame. */
static void ws_send(struct cl *c, const char *text, size_t n)
{
	static const uint8_t mask[4] = { 0x12, 0x34, 0x56, 0x78 };
	uint8_t hdr[14];
	size_t h = 0, i, start;

	hdr[h++] = 0x81;
	if (n < 126) {
		hdr[h++] = 0x80 | (uint8_t)n;
	} else if (n < 65536) {
		hdr[h++] = 0x80 | 126;
		hdr[h++] = (uint8_t)(n >> 8);
		hdr[h++] = (uint8_t)n;
	} else {
		hdr[h++] = 0x80 | 127;
		for (i = 0; i < 8; i++)
			hdr[h++] = (uint8_t)((uint64_t)n >> (56 - 8 * i));
	}
	memcpy(hdr + h, mask, 4);
	h += 4;
	out_add(c, hdr, h);
	start = c->out_len;
	out_add(c, text, n);
	for (i = 0; i < n; i++)
		c->out[start + i] ^= mask[i & 3];
}

static void send_json(struct cl *c, const char *fmt, const char *a,
		      const char *b)
{
	char *s;
	int n = asprintf(&s, fmt, a, b);

	if (n < 0)
		die("%s", "out of memory");
	ws_send(c, s, (size_t)n);
	free(s);
}

/* k keyed for alg in *ctx: again only when the epoch or alg changed. */
static const struct secmsg_msg_ctx *keyed(struct secmsg_msg_ctx **ctx,
					  const struct secmsg_dir_keys *k,
					  int alg)
{
	const struct secmsg_msg_ctx *c = secmsg_msg_ctx_for(ctx, k, alg);

	if (!c)
		die("keying for %s failed", secmsg_alg_name(alg));
	return c;
}

static void send_message(struct cl *c)
{
	uint8_t pt[65536], sealed[65536 + 128];
	char *b64, *frame;
	struct cl *to = &cls[nclients == 1 ? c->idx : c->idx ^ 1];
	uint64_t t = now_ns();
	long n;
	int len;

	memset(pt, 'x', (size_t)payload);
	memcpy(pt, &t, sizeof(t));
	n = secmsg_msg_ctx_seal(keyed(&c->txc, &c->tx, c->alg), c->sid,
				c->seq++, pt, (size_t)payload, sealed);
	if (n < 0)
		die("seal: %s", strerror((int)-n));
	b64 = malloc(SECMSG_B64_LEN((size_t)n));
	secmsg_base64_encode(sealed, (size_t)n, b64);
	len = asprintf(&frame, "{\"type\":\"message\",\"id\":%llu,\"to\":\"%s\","
		       "\"data\":\"%s\"}", (unsigned long long)c->next_id++,
		       to->user, b64);
	ws_send(c, frame, (size_t)len);
	free(frame);
	free(b64);
	c->inflight++;
	if (measuring)
		sent_total++;
}

/* One failed delivery more under its code. */
static void count_failure(const cJSON *code)
{
	const char *s = cJSON_IsString(code) ? code->valuestring : "(none)";
	size_t i;

	for (i = 0; i < MAX_CODES && fails[i].n; i++)
		if (!strncmp(fails[i].code, s, sizeof(fails[i].code) - 1))
			break;
	if (i == MAX_CODES)
		s = "other";	/* fails[MAX_CODES] */
	if (!fails[i].n)
		snprintf(fails[i].code, sizeof(fails[i].code), "%s", s);
	fails[i].n++;
}

static void on_frame(struct cl *c, const char *text, size_t len)
{
	cJSON *o = cJSON_ParseWithLength(text, len), *t;
	const char *type;

	if (!o)
		die("%s", "bad JSON from the server");
	t = cJSON_GetObjectItem(o, "type");
	type = cJSON_IsString(t) ? t->valuestring : "";
	if (!strcmp(type, "welcome") && c->state == 1) {
		uint8_t msg2[256], c2s[32], s2c[32], msg3[SECMSG_HS_CONFIRM_LEN];
		char b64[128];
		const char *h = cJSON_GetObjectItem(o, "handshake")->valuestring;
		long n = secmsg_base64_decode(h, strlen(h), msg2, sizeof(msg2));

		if (n < 0 || secmsg_hs_finish(&c->hs, msg2, (size_t)n, &c->sid,
					      c2s, s2c, msg3))
			die("%s", "handshake message 2 rejected");
		secmsg_dir_init(&c->tx, SECMSG_DIR_C2S, c2s);
		secmsg_dir_init(&c->rx, SECMSG_DIR_S2C, s2c);
		secmsg_base64_encode(msg3, sizeof(msg3), b64);
		send_json(c, "{\"type\":\"confirm\",\"handshake\":\"%s\"%s}", b64, "");
		c->state = 2;
	} else if (!strcmp(type, "ready")) {
		c->state = 3;
		logging_in--;
	} else if (!strcmp(type, "message")) {
		const char *d = cJSON_GetObjectItem(o, "data")->valuestring;
		size_t dl = strlen(d);
		uint8_t *msg = malloc(dl), *pt = malloc(dl);
		long n = secmsg_base64_decode(d, dl, msg, dl), m;
		struct secmsg_hdr hdr;
		uint64_t t0;

		if (n < SECMSG_HDR_LEN || secmsg_hdr_get(msg, (size_t)n, &hdr))
			die("%s", "a message without a header");
		while (hdr.epoch > c->rx.epoch) {
			secmsg_dir_ratchet(&c->rx);
			secmsg_dir_ratchet(&c->tx);
			c->seq = 0;
			c->alg = hdr.alg;
		}
		m = secmsg_msg_ctx_open(keyed(&c->rxc, &c->rx, hdr.alg), c->sid,
					msg, (size_t)n, NULL, pt);
		if (m < 8)
			die("%s", "a message did not open");
		memcpy(&t0, pt, sizeof(t0));
		if (measuring) {
			received++;
			if (nlat == lat_cap) {
				lat_cap = lat_cap ? 2 * lat_cap : 1 << 16;
				lat = realloc(lat, lat_cap * sizeof(*lat));
			}
			lat[nlat++] = (double)(now_ns() - t0) * 1e-9;
		}
		free(msg);
		free(pt);
	} else if (!strcmp(type, "delivery")) {
		t = cJSON_GetObjectItem(o, "status");
		if (!cJSON_IsString(t) || strcmp(t->valuestring, "delivered")) {
			failed++;
			count_failure(cJSON_GetObjectItem(o, "code"));
		}
		c->inflight--;
	} else if (!strcmp(type, "epoch")) {
		uint32_t e = (uint32_t)cJSON_GetObjectItem(o, "epoch")->valuedouble;

		while (c->tx.epoch < e) {
			secmsg_dir_ratchet(&c->tx);
			secmsg_dir_ratchet(&c->rx);
			c->seq = 0;
		}
		c->alg = secmsg_alg_from_name(
			cJSON_GetObjectItem(o, "alg")->valuestring);
	} else if (!strcmp(type, "error") || !strcmp(type, "bye")) {
		char *s = cJSON_PrintUnformatted(o);

		die("server said %s", s);
	}
	cJSON_Delete(o);
}

static void on_readable(struct cl *c)
{
	ssize_t n;
	size_t off = 0;

	for (;;) {
		if (c->in_cap - c->in_len < 65536) {
			c->in_cap = c->in_cap * 2 + 131072;
			c->in = realloc(c->in, c->in_cap);
		}
		n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0)
			die("connection lost (%s)", n ? strerror(errno) : "EOF");
		c->in_len += (size_t)n;
	}
	if (c->state == 0) {
		uint8_t *e = memmem(c->in, c->in_len, "\r\n\r\n", 4);
		uint8_t msg1[SECMSG_HS_INIT_MAX];
		size_t m1 = sizeof(msg1);
		char b64[256];

		if (!e)
			return;
		if (memcmp(c->in, "HTTP/1.1 101", 12))
			die("%s", "the upgrade was refused");
		off = (size_t)(e + 4 - c->in);
		if (secmsg_hs_init(&c->hs, c->user, c->alg, c->priv, server_pub,
				   msg1, &m1))
			die("%s", "hs_init");
		secmsg_base64_encode(msg1, m1, b64);
		{
			char *s;
			uint8_t pub[32];
			char pub64[SECMSG_B64_LEN(32)] = "";
			int len;

			if (register_users) {
				secmsg_x25519_pub(c->priv, pub);
				secmsg_base64_encode(pub, sizeof(pub), pub64);
			}
			len = asprintf(&s, "{\"type\":\"hello\",\"version\":1,"
				       "\"user\":\"%s\",\"alg\":\"%s\","
				       "\"handshake\":\"%s\"%s%s%s}", c->user,
				       alg_name, b64,
				       register_users ? ",\"pubkey\":\"" : "",
				       pub64, register_users ? "\"" : "");
			ws_send(c, s, (size_t)len);
			free(s);
		}
		c->state = 1;
	}
	/* frames */
	for (;;) {
		uint8_t *p = c->in + off;
		size_t avail = c->in_len - off, h = 2, plen;
		int op;

		if (avail < 2)
			break;
		op = p[0] & 0x0f;
		plen = p[1] & 0x7f;
		if (plen == 126) {
			if (avail < 4)
				break;
			plen = (size_t)p[2] << 8 | p[3];
			h = 4;
		} else if (plen == 127) {
			if (avail < 10)
				break;
			plen = 0;
			for (int i = 0; i < 8; i++)
				plen = plen << 8 | p[2 + i];
			h = 10;
		}
		if (avail < h + plen)
			break;
		if (!(p[0] & 0x80))
			die("%s", "fragmented frames are not handled");
		if (op == 1)
			on_frame(c, (const char *)p + h, plen);
		else if (op == 8)
			die("%s", "the server closed the connection");
		else if (op == 9) {
			uint8_t pong[6] = { 0x8a, 0x80, 0, 0, 0, 0 };

			out_add(c, pong, sizeof(pong));
		}
		off += h + plen;
	}
	memmove(c->in, c->in + off, c->in_len - off);
	c->in_len -= off;
}

static void connect_one(struct cl *c)
{
	bool second = port2 && (c->idx & 1);
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)(second ? port2 :
							       port)) };
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
	char req[512];
	int one = 1, n;

	sa.sin_addr = second ? host2 : host;
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("connect: %s", strerror(errno));
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	n = snprintf(req, sizeof(req),
		     "GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
		     "Upgrade: websocket\r\nConnection: Upgrade\r\n"
		     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
		     "Sec-WebSocket-Version: 13\r\n"
		     "Sec-WebSocket-Protocol: secmsg.v1\r\n\r\n", port);
	if (send(c->fd, req, (size_t)n, 0) != n)
		die("%s", "upgrade request");
	if (fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK))
		die("%s", "O_NONBLOCK");
	epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev);
}

/* Client keys are derived from the user name (a benchmark, not a secret):
 * priv = HMAC-SHA256(32 zero bytes, name); -P prints the users file. */
static void user_key(const char *user, uint8_t priv[32])
{
	static const uint8_t zero[32];

	secmsg_hkdf_extract(zero, sizeof(zero), (const uint8_t *)user,
			    strlen(user), priv);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void loop_until(uint64_t deadline, bool (*done)(void))
{
	struct epoll_event evs[256];
	int n, i;

	while (now_ns() < deadline && !(done && done())) {
		n = epoll_wait(epfd, evs, 256, 100);
		for (i = 0; i < n; i++) {
			struct cl *c = evs[i].data.ptr;

			if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
				on_readable(c);
			if (c->state == 3)
				while (measuring && c->inflight < (unsigned)window)
					send_message(c);
			flush_out(c);
		}
		if (!measuring)
			connect_more();
	}
}


static void connect_more(void)
{
	while (logging_in < MAX_LOGINS && next_connect < nclients) {
		connect_one(&cls[next_connect++]);
		logging_in++;
	}
}

static bool all_ready(void)
{
	for (int i = 0; i < nclients; i++)
		if (cls[i].state != 3)
			return false;
	return true;
}

int main(int argc, char **argv)
{
	const char *key_b64 = NULL, *users_prefix = "bench";
	bool print_users = false;
	pid_t relay_pid = 0;	/* -S: told when measuring starts, ends */
	struct rlimit rl;
	uint64_t t0, t1;
	int opt, i;

	host.s_addr = htonl(INADDR_LOOPBACK);
	while ((opt = getopt(argc, argv, "n:w:s:d:p:k:a:u:PH:Q:RS:")) != -1) {
		switch (opt) {
		case 'H':
			if (inet_pton(AF_INET, optarg, &host) != 1)
				die("-H %s: not an IPv4 address", optarg);
			break;
		case 'Q': {
			char *colon = strchr(optarg, ':');

			if (!colon)
				die("%s", "-Q HOST:PORT");
			*colon = '\0';
			port2 = atoi(colon + 1);
			if (inet_pton(AF_INET, optarg, &host2) != 1 || port2 <= 0)
				die("%s", "-Q HOST:PORT");
			break;
		}
		case 'R': register_users = true; break;
		case 'n': nclients = atoi(optarg); break;
		case 'w': window = atoi(optarg); break;
		case 's': payload = atoi(optarg); break;
		case 'd': duration = atoi(optarg); break;
		case 'p': port = atoi(optarg); break;
		case 'k': key_b64 = optarg; break;
		case 'a': alg_name = optarg; break;
		case 'u': users_prefix = optarg; break;
		case 'P': print_users = true; break;
		case 'S': relay_pid = (pid_t)atoi(optarg); break;
		default:
			fprintf(stderr, "usage: loadgen -k SERVER_PUBKEY [-n clients] "
				"[-w window] [-s payload] [-d seconds] [-p port] "
				"[-H host] [-Q host2:port2] [-R] [-a alg] "
				"[-u user-prefix] [-S relay-pid]\n"
				"Client i is user PREFIX<i> with the private key "
				"SHA-256(PREFIX<i>) (see -P).  -Q: odd clients "
				"connect there (two nodes); -R: register on "
				"first use; -S: SIGUSR1 to the relay as the "
				"measuring starts and as it ends (its loopstat "
				"lines).\n");
			return 2;
		}
	}
	if (!print_users && (!key_b64 || secmsg_base64_decode(key_b64, strlen(key_b64),
					     server_pub, 32) != 32))
		die("%s", "-k: the server's base64 public key");
	if (payload < 8 || payload > 65280 || nclients < 1 ||
	    (nclients > 1 && nclients % 2))
		die("%s", "payload 8..65280; clients 1 or even");
	if (!window)
		window = nclients >= 256 ? 1 : 256 / nclients;
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	epfd = epoll_create1(0);
	cls = calloc((size_t)nclients, sizeof(*cls));
	for (i = 0; i < nclients; i++) {
		struct cl *c = &cls[i];

		c->idx = i;
		c->alg = secmsg_alg_from_name(alg_name);
		snprintf(c->user, sizeof(c->user), "%s%d", users_prefix, i);
		user_key(c->user, c->priv);
		if (print_users) {
			uint8_t pub[32];
			char b64[SECMSG_B64_LEN(32)];

			secmsg_x25519_pub(c->priv, pub);
			secmsg_base64_encode(pub, sizeof(pub), b64);
			printf("%s %s\n", c->user, b64);
			continue;
		}
	}
	if (!print_users)
		connect_more();
	if (print_users)
		return 0;
	loop_until(now_ns() + 600ULL * 1000000000ULL, all_ready);
	if (!all_ready())
		die("%s", "not every client logged in");
	/*
	 * Two nodes (-Q): each learns the other's users from its heartbeats,
	 * sent once a second; a message before that fails recipient_offline
	 */
	if (port2)
		loop_until(now_ns() + 2000ULL * 1000000ULL, NULL);
	measuring = true;
	/* bench/relay/run -P starts its profiler on this line */
	fprintf(stderr, "loadgen: measuring\n");
	if (relay_pid > 0)
		kill(relay_pid, SIGUSR1);
	for (i = 0; i < nclients; i++) {
		while (cls[i].inflight < (unsigned)window)
			send_message(&cls[i]);
		flush_out(&cls[i]);
	}
	t0 = now_ns();
	loop_until(t0 + (uint64_t)duration * 1000000000ULL, NULL);
	t1 = now_ns();
	if (relay_pid > 0)
		kill(relay_pid, SIGUSR1);
	measuring = false;
	qsort(lat, nlat, sizeof(*lat), cmp);
	printf("{\"clients\":%d,\"window\":%d,\"payload\":%d,\"alg\":\"%s\","
	       "\"seconds\":%.2f,\"received\":%llu,\"failed\":%llu,"
	       "\"msgs_per_s\":%.0f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
	       "\"failures\":{",
	       nclients, window, payload, alg_name, (double)(t1 - t0) * 1e-9,
	       (unsigned long long)received, (unsigned long long)failed,
	       (double)received / ((double)(t1 - t0) * 1e-9),
	       nlat ? lat[nlat / 2] * 1e3 : 0,
	       nlat ? lat[nlat * 99 / 100] * 1e3 : 0);
	for (i = 0; i <= MAX_CODES; i++)
		if (fails[i].n)
			printf("%s\"%s\":%llu", i ? "," : "", fails[i].code,
			       (unsigned long long)fails[i].n);
	printf("}}\n");
	return failed ? 1 : 0;
}
