// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libsecmsg client: the WebSocket transport on libwebsockets (4.1).
 *
 * The client owns one lws context for its whole life and at most one
 * connection at a time.  lws runs its own poll() over its descriptors;
 * for callers with an event loop, the client keeps an epoll descriptor
 * that mirrors what lws waits for on the connection's socket (POLLIN,
 * POLLOUT while frames are queued or the connection is being set up) plus
 * a timerfd for the client's deadlines and for work lws has buffered.
 * That epoll descriptor is secmsg_client_fd(): it is readable whenever
 * secmsg_client_service() has something to do.
 *
 * The transport knows nothing of the protocol: it sends the frames queued
 * in c->outq and reports what happens on the connection through the
 * struct client_ws_events it was made with.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "internal.h"

struct client_ws {
	const struct client_ws_events *ev;
	struct lws_context *ctx;
	struct lws *wsi;
	bool live;			/* wsi's end not reported yet */
	bool established;
	bool hs_header_sent;		/* upgrade request on its way */
	bool want_close, graceful;
	bool in_service;
	bool ready;			/* the protocol met the deadline */
	int epfd, tfd;
	int sock_fd;			/* registered in epfd, or -1 */
	uint32_t sock_events;
	int64_t deadline_ms;		/* monotonic, 0: none */
	int timer_state;		/* 0 off, 1 deadline, 2 now */
	int64_t timer_at;
	char *rx;			/* frame being assembled */
	size_t rx_len, rx_cap;
	bool rx_discard;		/* frame too large or binary */
};

int64_t client_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static struct secmsg_client *client_of(struct lws *wsi)
{
	return lws_context_user(lws_get_context(wsi));
}

/* The connection ended: report it once. */
static void ended(struct secmsg_client *c, int err)
{
	struct client_ws *ws = c->ws;

	ws->wsi = NULL;
	if (!ws->live)
		return;
	ws->live = false;
	ws->established = false;
	ws->deadline_ms = 0;
	ws->ev->closed(c, ws->want_close ? 0 : err);
	ws->want_close = false;
}

static void rx_append(struct secmsg_client *c, struct lws *wsi,
		      const void *in, size_t len)
{
	struct client_ws *ws = c->ws;
	size_t need;
	char *p;

	if (lws_is_first_fragment(wsi)) {
		ws->rx_len = 0;
		ws->rx_discard = lws_frame_is_binary(wsi);
	}
	if (!ws->rx_discard) {
		need = ws->rx_len + len;
		if (need > CLIENT_MAX_FRAME) {
			ws->rx_discard = true;
		} else if (need + 1 > ws->rx_cap) {
			p = realloc(ws->rx, need + 1);
			if (!p)
				ws->rx_discard = true;
			else {
				ws->rx = p;
				ws->rx_cap = need + 1;
			}
		}
		if (!ws->rx_discard) {
			memcpy(ws->rx + ws->rx_len, in, len);
			ws->rx_len += len;
		}
	}
	if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi))
		return;
	if (ws->rx_discard)
		ws->ev->fail(c, SECMSG_CLIENT_E_PROTOCOL,
			     "binary, oversized or unreadable frame");
	else
		ws->ev->frame(c, ws->rx, ws->rx_len);
	ws->rx_len = 0;
}

static int on_writable(struct secmsg_client *c, struct lws *wsi)
{
	struct client_ws *ws = c->ws;
	struct client_out *o;

	if (ws->want_close && (!ws->graceful || !c->outq.count)) {
		lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL,
				 (unsigned char *)"bye", 3);
		return -1;
	}
	o = client_queue_peek(&c->outq);
	if (!o)
		return 0;
	if (lws_write(wsi, o->buf + c->outq.pre, o->len, LWS_WRITE_TEXT) <
	    (int)o->len)
		return -1;
	client_queue_pop(&c->outq);
	if (c->outq.count || ws->want_close)
		lws_callback_on_writable(wsi);
	return 0;
}

/* The status of the peer's close frame, or 0. */
static unsigned int close_status(const uint8_t *in, size_t len)
{
	return len >= 2 ? (unsigned int)(in[0] << 8 | in[1]) : 0;
}

static int ws_callback(struct lws *wsi, enum lws_callback_reasons reason,
		       void *user, void *in, size_t len)
{
	struct secmsg_client *c;
	char why[200];

	(void)user;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		c = client_of(wsi);
		if (!c || !c->ws || wsi != c->ws->wsi)
			break;
		snprintf(why, sizeof(why), "cannot connect to %s: %s",
			 c->url, in ? (const char *)in : "error");
		c->ws->ev->connect_error(c, why);
		ended(c, SECMSG_CLIENT_E_CONNECT);
		break;
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
		c = client_of(wsi);
		if (c && c->ws && wsi == c->ws->wsi)
			c->ws->hs_header_sent = true;
		break;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		c = client_of(wsi);
		if (!c || !c->ws || wsi != c->ws->wsi)
			return -1;
		c->ws->established = true;
		if (c->ws->want_close)
			lws_callback_on_writable(wsi);
		else
			c->ws->ev->open(c);
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		c = client_of(wsi);
		if (!c || !c->ws || wsi != c->ws->wsi)
			return -1;
		rx_append(c, wsi, in, len);
		break;
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		c = client_of(wsi);
		if (!c || !c->ws || wsi != c->ws->wsi)
			return -1;
		return on_writable(c, wsi);
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		c = client_of(wsi);
		if (c && c->ws && wsi == c->ws->wsi)
			c->ws->ev->peer_close(c, close_status(in, len));
		break;
	case LWS_CALLBACK_CLIENT_CLOSED:
	case LWS_CALLBACK_WSI_DESTROY:
		c = client_of(wsi);
		if (c && c->ws && wsi == c->ws->wsi)
			ended(c, SECMSG_CLIENT_E_CLOSED);
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols protocols[] = {
	{ SECMSG_CLIENT_SUBPROTOCOL, ws_callback, 0, CLIENT_MAX_FRAME, 0,
	  NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static void log_emit(int level, const char *line)
{
	(void)level;
	fprintf(stderr, "secmsg-client: lws: %s", line);
}

int client_ws_new(struct secmsg_client *c,
		  const struct client_ws_events *events)
{
	struct lws_context_creation_info info;
	struct epoll_event ev = { .events = EPOLLIN };
	struct client_ws *ws;
	const char *dbg = getenv("SECMSG_CLIENT_DEBUG");

	ws = calloc(1, sizeof(*ws));
	if (!ws)
		return SECMSG_CLIENT_E_NOMEM;
	ws->ev = events;
	ws->sock_fd = -1;
	ws->epfd = epoll_create1(EPOLL_CLOEXEC);
	ws->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (ws->epfd < 0 || ws->tfd < 0 ||
	    epoll_ctl(ws->epfd, EPOLL_CTL_ADD, ws->tfd, &ev))
		goto fail;

	lws_set_log_level(dbg && *dbg ? LLL_ERR | LLL_WARN | LLL_NOTICE |
			  LLL_INFO : 0, log_emit);
	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.gid = -1;
	info.uid = -1;
	info.fd_limit_per_thread = 16;
	info.user = c;
	if (c->tls)
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	ws->ctx = lws_create_context(&info);
	if (!ws->ctx)
		goto fail;
	c->outq.pre = LWS_PRE;
	c->ws = ws;
	return 0;
fail:
	if (ws->epfd >= 0)
		close(ws->epfd);
	if (ws->tfd >= 0)
		close(ws->tfd);
	free(ws);
	return SECMSG_CLIENT_E_NOMEM;
}

void client_ws_free(struct secmsg_client *c)
{
	struct client_ws *ws = c->ws;

	if (!ws)
		return;
	ws->live = false;		/* no callbacks from here on */
	c->ws = NULL;
	lws_context_destroy(ws->ctx);
	close(ws->epfd);
	close(ws->tfd);
	free(ws->rx);
	free(ws);
}

/* Make epfd wait for what lws waits for on the socket, and the timer. */
static void sync_poll(struct secmsg_client *c, bool now)
{
	struct client_ws *ws = c->ws;
	struct epoll_event ev = { 0 };
	struct itimerspec it = { { 0, 0 }, { 0, 0 } };
	int fd = ws->wsi ? lws_get_socket_fd(ws->wsi) : -1;
	int64_t at = 0;
	int state = 0;

	ev.events = EPOLLIN;
	if (ws->wsi && (c->outq.count || ws->want_close || !ws->hs_header_sent))
		ev.events |= EPOLLOUT;
	if (fd != ws->sock_fd) {
		if (ws->sock_fd >= 0)
			epoll_ctl(ws->epfd, EPOLL_CTL_DEL, ws->sock_fd, NULL);
		ws->sock_fd = -1;
		ev.data.fd = fd;
		if (fd >= 0 && !epoll_ctl(ws->epfd, EPOLL_CTL_ADD, fd, &ev)) {
			ws->sock_fd = fd;
			ws->sock_events = ev.events;
		}
	} else if (fd >= 0 && ev.events != ws->sock_events) {
		ev.data.fd = fd;
		epoll_ctl(ws->epfd, EPOLL_CTL_MOD, fd, &ev);
		ws->sock_events = ev.events;
	}

	if (now) {
		state = 2;
	} else if (ws->deadline_ms) {
		state = 1;
		at = ws->deadline_ms;
	}
	if (state == ws->timer_state && (state != 1 || at == ws->timer_at))
		return;
	ws->timer_state = state;
	ws->timer_at = at;
	if (state == 2) {
		it.it_value.tv_nsec = 1;
		timerfd_settime(ws->tfd, 0, &it, NULL);
	} else if (state == 1) {
		it.it_value.tv_sec = at / 1000;
		it.it_value.tv_nsec = (at % 1000) * 1000000;
		timerfd_settime(ws->tfd, TFD_TIMER_ABSTIME, &it, NULL);
	} else {
		timerfd_settime(ws->tfd, 0, &it, NULL);
	}
}

int client_ws_connect(struct secmsg_client *c)
{
	struct client_ws *ws = c->ws;
	struct lws_client_connect_info i;

	memset(&i, 0, sizeof(i));
	i.context = ws->ctx;
	i.address = c->host;
	i.port = c->port;
	i.path = c->path;
	i.host = c->host;
	i.origin = c->host;
	i.protocol = SECMSG_CLIENT_SUBPROTOCOL;
	i.local_protocol_name = SECMSG_CLIENT_SUBPROTOCOL;
	i.ssl_connection = c->tls ? LCCSCF_USE_SSL : 0;
	i.pwsi = &ws->wsi;
	ws->want_close = false;
	ws->graceful = false;
	ws->established = false;
	ws->hs_header_sent = false;
	ws->ready = false;
	ws->live = true;
	ws->deadline_ms = client_now_ms() + c->timeout_ms;
	ws->rx_len = 0;
	if (!lws_client_connect_via_info(&i)) {
		/* CONNECTION_ERROR may have reported it already. */
		if (ws->live) {
			ws->ev->connect_error(c, "cannot start the connection");
			ended(c, SECMSG_CLIENT_E_CONNECT);
		}
		return c->last_err ? c->last_err : SECMSG_CLIENT_E_CONNECT;
	}
	sync_poll(c, true);
	return 0;
}

int client_ws_send(struct secmsg_client *c, char *json)
{
	struct client_ws *ws = c->ws;
	int err = client_queue_push(&c->outq, json);

	if (err || !ws || !ws->wsi || !ws->established)
		return err;
	lws_callback_on_writable(ws->wsi);
	if (!ws->in_service)
		sync_poll(c, false);
	return 0;
}

void client_ws_ready(struct secmsg_client *c)
{
	struct client_ws *ws = c->ws;

	if (!ws)
		return;
	ws->ready = true;
	if (!ws->want_close)
		ws->deadline_ms = 0;
}

void client_ws_close(struct secmsg_client *c, bool graceful)
{
	struct client_ws *ws = c->ws;

	if (!ws || !ws->wsi)
		return;
	ws->want_close = true;
	ws->graceful = graceful;
	if (graceful && ws->established) {
		lws_callback_on_writable(ws->wsi);
		ws->deadline_ms = client_now_ms() + 2000;
	} else {
		lws_set_timeout(ws->wsi, PENDING_TIMEOUT_CLOSE_SEND,
				LWS_TO_KILL_ASYNC);
	}
	if (!ws->in_service)
		sync_poll(c, true);
}

int client_ws_fd(const struct secmsg_client *c)
{
	return c->ws ? c->ws->epfd : -1;
}

bool client_ws_open(const struct secmsg_client *c)
{
	return c->ws && c->ws->wsi && c->ws->live;
}

/*
 * One non-blocking pass of lws over whatever is ready.  lws 4.1 ignores
 * the timeout of lws_service() except that a negative one polls without
 * waiting; forced service (data lws already buffered) takes more passes.
 */
static void lws_pass(struct client_ws *ws)
{
	int i;

	for (i = 0; i < 16; i++) {
		lws_service(ws->ctx, -1);
		if (lws_service_adjust_timeout(ws->ctx, 1, 0))
			break;
	}
}

static void check_deadline(struct secmsg_client *c)
{
	struct client_ws *ws = c->ws;

	if (!ws->deadline_ms || client_now_ms() < ws->deadline_ms)
		return;
	ws->deadline_ms = 0;
	if (!ws->wsi)
		return;
	if (ws->want_close) {		/* the close did not finish */
		lws_set_timeout(ws->wsi, PENDING_TIMEOUT_CLOSE_SEND,
				LWS_TO_KILL_ASYNC);
		return;
	}
	if (ws->ready)
		return;
	ws->ev->fail(c, SECMSG_CLIENT_E_TIMEOUT, ws->established ?
		     "no answer to the handshake in time" :
		     "cannot connect in time");
}

int client_ws_service(struct secmsg_client *c, int timeout_ms)
{
	struct client_ws *ws = c->ws;
	struct epoll_event evs[4];
	unsigned int before = c->events;
	uint64_t ticks;
	int64_t wait;
	bool again;

	if (ws->in_service)
		return SECMSG_CLIENT_E_STATE;
	ws->in_service = true;
	sync_poll(c, false);
	if (timeout_ms > 0) {
		wait = timeout_ms;
		if (ws->deadline_ms) {
			int64_t left = ws->deadline_ms - client_now_ms();

			wait = left < 0 ? 0 : left < wait ? left : wait;
		}
		if (wait > SECMSG_CLIENT_POLL_MAX_MS)
			wait = SECMSG_CLIENT_POLL_MAX_MS;
		epoll_wait(ws->epfd, evs, 4, (int)wait);
	}
	if (read(ws->tfd, &ticks, sizeof(ticks)) < 0)
		ticks = 0;
	ws->timer_state = 0;
	lws_pass(ws);
	if (ws->ready && !ws->want_close)
		ws->deadline_ms = 0;
	check_deadline(c);
	if (ws->wsi && ws->want_close)
		lws_pass(ws);
	again = ws->wsi && !lws_service_adjust_timeout(ws->ctx, 1, 0);
	ws->in_service = false;
	sync_poll(c, again || (ws->wsi && ws->want_close &&
			       !ws->graceful));
	return (int)(c->events - before);
}
