// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The lws context (see server.h).
 *
 * Why adopt the netlink events socket and a signalfd as lws "raw file"
 * descriptors rather than polling them from lws_sul timers: adopted fds
 * sit in lws's own pollfd array, so the one poll() of the loop wakes for
 * a client frame, a kernel event or a signal alike, with no latency and
 * no idle wake-ups, and every handler runs on the loop's thread between
 * two client callbacks (no locking anywhere).  The command netlink socket
 * is not polled: a command is a request the kernel answers synchronously,
 * so it is called inline and its answer read at once.
 *
 * lws closes adopted descriptors when the context goes, so it is given
 * dup()s: the originals stay with their owners (the kernel adapter,
 * main.c).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "audit.h"
#include "conn.h"
#include "loopstat.h"
#include "proto.h"
#include "router.h"
#include "server.h"
#include "www.h"

/* Descriptors adopted at most (the kernel's events, the signals). */
#define MAX_ADOPTED	8

struct adopted {
	void (*fn)(void *arg);
	void *arg;
};

static struct {
	struct metrics *m;
	struct lws_context *ctx;
	struct lws_vhost *ws_vh, *metrics_vh;
	struct adopted adopted[MAX_ADOPTED];
	unsigned int nadopted;
	bool stopping;
	lws_sorted_usec_list_t tick_sul;
} V;

/* ---- the WebSocket protocol ---- */

static int cb_ws(struct lws *wsi, enum lws_callback_reasons reason,
		 void *user, void *in, size_t len)
{
	struct conn **pc = user, *c = pc ? *pc : NULL;
	enum ls_phase prev;
	bool final;
	int rc;

	switch (reason) {
	case LWS_CALLBACK_ESTABLISHED:
		*pc = conn_new(wsi);
		return *pc ? 0 : -1;
	case LWS_CALLBACK_RECEIVE:
		if (!c)
			return -1;
		prev = ls_enter(LS_RX);
		final = lws_is_final_fragment(wsi) &&
			!lws_remaining_packet_payload(wsi);
		ls_count(LS_FRAMES_IN, final);
		conn_rx(c, in, len, lws_is_first_fragment(wsi), final,
			lws_frame_is_binary(wsi));
		/* lws's copy of the frame is not kept either */
		if (in && len)
			explicit_bzero(in, len);
		ls_leave(prev);
		return 0;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		if (!c)
			return -1;
		prev = ls_enter(LS_WRITE);
		rc = conn_writable(c);
		ls_leave(prev);
		return rc;
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		if (c)
			conn_peer_close(c, len >= 2 ?
					((unsigned char *)in)[0] << 8 |
					((unsigned char *)in)[1] : 0);
		return 0;
	case LWS_CALLBACK_CLOSED:
		if (c) {
			*pc = NULL;
			conn_closed(c);
		}
		return 0;
	default:
		return 0;
	}
}

/*
 * protocols[0] of the WebSocket vhost: wrong subprotocols, and plain HTTP
 * when there is no web page (www.c's mount answers it otherwise)
 */
static int cb_http(struct lws *wsi, enum lws_callback_reasons reason,
		   void *user, void *in, size_t len)
{
	(void)user;
	(void)in;
	(void)len;
	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		/* a WebSocket upgrade that did not ask for secmsg.v1 */
		return -1;
	case LWS_CALLBACK_HTTP:
		if (lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND,
					   "secmsgd: connect with WebSocket, subprotocol secmsg.v1"))
			return -1;
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	default:
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	}
}

/* ---- adopted descriptors ---- */

static int cb_raw(struct lws *wsi, enum lws_callback_reasons reason,
		  void *user, void *in, size_t len)
{
	const struct adopted *ad = lws_get_opaque_user_data(wsi);

	(void)user;
	(void)in;
	(void)len;
	if (reason == LWS_CALLBACK_RAW_RX_FILE && ad)
		ad->fn(ad->arg);
	return 0;
}

/* ---- metrics ---- */

struct metrics_req {
	char *body;
	size_t len, off;
};

static char *render_metrics(size_t *len)
{
	struct metrics_gauges g = { .connections = conn_count() };
	char *text, *extra, *p;
	size_t n;

	router_gauges(&g);
	text = metrics_render(V.m, &g, len);
	extra = text ? router_metrics() : NULL;
	if (extra) {
		/* the route's series (a cluster's peers) follow */
		n = strlen(extra);
		p = realloc(text, *len + n + 1);
		if (p) {
			memcpy(p + *len, extra, n + 1);
			*len += n;
			text = p;
		}
		free(extra);
	}
	return text;
}

static int cb_metrics(struct lws *wsi, enum lws_callback_reasons reason,
		      void *user, void *in, size_t len)
{
	struct metrics_req *r = user;
	unsigned char hdr[LWS_PRE + 512], *start = hdr + LWS_PRE, *p = start,
		      *end = hdr + sizeof(hdr) - 1;
	unsigned char chunk[LWS_PRE + 16384];
	size_t n;

	switch (reason) {
	case LWS_CALLBACK_HTTP:
		if (!in || strcmp(in, "/metrics")) {
			if (lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND,
						   NULL))
				return -1;
			return lws_http_transaction_completed(wsi) ? -1 : 0;
		}
		r->body = render_metrics(&r->len);
		r->off = 0;
		if (!r->body)
			return -1;
		if (lws_add_http_common_headers(wsi, HTTP_STATUS_OK,
						"text/plain; version=0.0.4",
						r->len, &p, end) ||
		    lws_finalize_write_http_header(wsi, start, &p, end))
			return 1;
		lws_callback_on_writable(wsi);
		return 0;
	case LWS_CALLBACK_HTTP_WRITEABLE:
		if (!r->body)
			return 0;
		n = r->len - r->off;
		if (n > sizeof(chunk) - LWS_PRE)
			n = sizeof(chunk) - LWS_PRE;
		memcpy(chunk + LWS_PRE, r->body + r->off, n);
		r->off += n;
		if (lws_write(wsi, chunk + LWS_PRE, n,
			      r->off < r->len ? LWS_WRITE_HTTP :
			      LWS_WRITE_HTTP_FINAL) != (int)n)
			return 1;
		if (r->off < r->len) {
			lws_callback_on_writable(wsi);
			return 0;
		}
		free(r->body);
		r->body = NULL;
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	case LWS_CALLBACK_CLOSED_HTTP:
		if (r && r->body) {
			free(r->body);
			r->body = NULL;
		}
		return 0;
	default:
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	}
}

static const struct lws_protocols ws_protocols[] = {
	{ "http", cb_http, 0, 0, 0, NULL, 0 },
	{ PROTO_SUBPROTOCOL, cb_ws, sizeof(struct conn *), 16384, 0, NULL, 0 },
	{ "secmsgd-raw", cb_raw, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static const struct lws_protocols metrics_protocols[] = {
	{ "http", cb_metrics, sizeof(struct metrics_req), 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

/* idle connections get a ping after a minute, are dropped after 3 */
static const lws_retry_bo_t idle_policy = {
	.secs_since_valid_ping = 60,
	.secs_since_valid_hangup = 180,
};

static void lws_log(int level, const char *line)
{
	struct alog a;
	char msg[400];
	size_t n;

	snprintf(msg, sizeof(msg), "%s", line);
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	alog_begin(&a, "lws");
	a.warn = level == LLL_ERR || level == LLL_WARN;
	alog_str(&a, "msg", msg);
	alog_end(&a);
}

int server_adopt(int fd, void (*fn)(void *arg), void *arg)
{
	struct adopted *ad;
	lws_adopt_desc_t info;
	int d;

	if (V.nadopted == MAX_ADOPTED)
		return -ENOSPC;
	d = dup(fd);
	if (d < 0)
		return -errno;
	ad = &V.adopted[V.nadopted];
	ad->fn = fn;
	ad->arg = arg;
	memset(&info, 0, sizeof(info));
	info.vh = V.ws_vh;
	info.type = LWS_ADOPT_RAW_FILE_DESC;
	info.fd.filefd = d;
	info.vh_prot_name = "secmsgd-raw";
	info.opaque = ad;
	if (!lws_adopt_descriptor_vhost_via_info(&info)) {
		close(d);
		return -EIO;
	}
	V.nadopted++;
	return 0;
}

int server_start(const struct config *cfg, struct metrics *m)
{
	struct lws_context_creation_info info;
	const struct lws_protocol_vhost_options *www_headers;
	const struct lws_http_mount *www;
	bool tls = cfg->tls_cert != NULL;
	char err[CONFIG_ERR_LEN];
	int rc;

	rc = www_mount(cfg, &www, &www_headers, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "secmsgd: %s\n", err);
		return rc;
	}

	V.m = m;
	conn_init(cfg, m);
	lws_set_log_level(LLL_ERR | LLL_WARN, lws_log);
	memset(&info, 0, sizeof(info));
	info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS |
		       (tls ? LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT : 0);
	/* thousands of clients: as many fds as the process may have */
	info.fd_limit_per_thread = 0;
	V.ctx = lws_create_context(&info);
	if (!V.ctx)
		return -EIO;

	memset(&info, 0, sizeof(info));
	info.vhost_name = "secmsgd";
	info.port = (int)cfg->port;
	info.iface = cfg->listen;
	info.protocols = ws_protocols;
	info.retry_and_idle_policy = &idle_policy;
	info.options = LWS_SERVER_OPTION_FAIL_UPON_UNABLE_TO_BIND;
	/* the page, on the same port and TLS as the WebSocket */
	info.mounts = www;
	info.headers = www_headers;
	if (tls) {
		/* lws enables TLS on a vhost only with this option on it too */
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.ssl_cert_filepath = cfg->tls_cert;
		info.ssl_private_key_filepath = cfg->tls_key;
	}
	V.ws_vh = lws_create_vhost(V.ctx, &info);
	if (!V.ws_vh)
		return -EADDRINUSE;

	if (cfg->metrics_port) {
		memset(&info, 0, sizeof(info));
		info.vhost_name = "metrics";
		info.port = (int)cfg->metrics_port;
		info.iface = cfg->metrics_listen ? cfg->metrics_listen :
						   "127.0.0.1";
		info.protocols = metrics_protocols;
		info.options = LWS_SERVER_OPTION_FAIL_UPON_UNABLE_TO_BIND;
		V.metrics_vh = lws_create_vhost(V.ctx, &info);
		if (!V.metrics_vh)
			return -EADDRINUSE;
	}
	return 0;
}

int server_service(void)
{
	int rc;

	ls_service_begin();
	rc = lws_service(V.ctx, 0);
	ls_service_end();
	return rc;
}

static void tick(void);

static void tick_cb(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	if (V.stopping)
		tick();
}

/* Wake the loop within a tenth of a second until it stops. */
static void tick(void)
{
	lws_sul_schedule(V.ctx, 0, &V.tick_sul, tick_cb, 100 * LWS_US_PER_MS);
}

void server_shutdown(void)
{
	V.stopping = true;
	conn_shutdown();
	tick();
}

uint64_t server_connections(void)
{
	return conn_count();
}

void server_stop(void)
{
	if (!V.ctx)
		return;
	lws_sul_cancel(&V.tick_sul);
	conn_destroying();
	lws_context_destroy(V.ctx);
	V.ctx = NULL;
	www_free();
}
