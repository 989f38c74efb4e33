// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The message bus on libnats (see bus.h): the only file that includes
 * nats.h.
 *
 * Locking.  b->mu guards the event queue (head, tail), b->closing and
 * b->live, and is the only thing a libnats thread touches in struct
 * bus, besides the atomics.  Everything else is the owner's thread's.
 * A libnats callback copies what it got into one struct ev (a single
 * allocation) and appends it; the first event of an empty queue makes
 * the eventfd readable.  bus_dispatch() takes the whole queue at once
 * and runs it without the lock.
 *
 * The heartbeat (struct beat) has its own mutex and thread: the thread
 * publishes the owner's last copy again when the owner is late; the
 * publish happens under beat.mu, so a repeat never overtakes a newer
 * copy.
 *
 * Subscriptions (struct sub) and requests (struct req) are counted in
 * b->live until libnats calls their on-complete callback, after which
 * it never calls their handler again; bus_close() waits for that
 * before freeing anything a handler could touch.  A request is held by
 * libnats (until on-complete) and by the owner (until its event is
 * dispatched or the bus closes): two references.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <nats/nats.h>

#include "bus.h"

#define MAX_SERVERS	32
#define KV_WAIT_MS	5000
/* How long bus_close() waits for libnats to finish its callbacks. */
#define CLOSE_WAIT_MS	5000

enum ev_kind { EV_STATE, EV_MSG, EV_REPLY, EV_KV };

struct req;

struct ev {
	struct ev *next;
	enum ev_kind kind;
	int status;		/* EV_STATE: bus_state; EV_REPLY: 0/-errno;
				 * EV_KV: bus_kv_op */
	bus_msg_fn msg_fn;
	bus_kv_fn kv_fn;
	void *arg;
	struct req *req;	/* EV_REPLY */
	uint64_t revision;
	const char *subject, *reply;	/* into buf */
	const uint8_t *data;
	size_t len;
	char buf[];
};

struct sub {
	struct sub *next;
	struct bus *b;
	natsSubscription *ns;
	bus_msg_fn fn;
	void *arg;
};

struct req {
	struct req *next, *prev;	/* b->reqs (owner's list) */
	struct bus *b;
	natsSubscription *ns;
	bus_reply_fn fn;
	void *arg;
	atomic_bool answered;
	atomic_int refs;
};

struct watch {
	struct watch *next;
	struct bus *b;
	char *bucket;
	int replicas;
	bus_kv_fn fn;
	void *arg;
	pthread_t thread;
	bool started;
	pthread_mutex_t mu;		/* w, stop */
	pthread_cond_t cv;
	kvWatcher *w;
	bool stop;
};

struct beat {
	pthread_mutex_t mu;		/* everything below */
	pthread_cond_t cv;		/* CLOCK_MONOTONIC */
	pthread_t thread;
	bool started, stop;
	char subject[256];
	uint8_t *data;
	size_t len;
	uint64_t interval_ns, hold_ns;
	uint64_t last_pub, last_set;	/* CLOCK_MONOTONIC ns */
	uint64_t repeats;
};

struct bus {
	natsConnection *nc;
	natsOptions *opts;
	int efd;
	void (*state_fn)(void *arg, enum bus_state st, const char *text);
	void *state_arg;

	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct ev *head, **tail;
	bool closing;		/* no more events are queued */
	unsigned int live;	/* subs and reqs libnats may still call */
	bool nats_closed;	/* the closed callback ran */

	atomic_uint_fast64_t reconnects;
	atomic_uint restart_gen;	/* watches start again when it moves */
	struct beat beat;

	/* the owner's */
	struct sub *subs;
	struct req reqs;	/* list head */
	struct watch *watches;
	jsCtx *js;
	char err[256];
};

/* ---- errors ---- */

static int nats_errno(natsStatus s)
{
	switch (s) {
	case NATS_OK:
		return 0;
	case NATS_TIMEOUT:
		return -ETIMEDOUT;
	case NATS_NO_RESPONDERS:
		return -EHOSTUNREACH;
	case NATS_NOT_FOUND:
		return -ENOENT;
	case NATS_MAX_PAYLOAD:
		return -EMSGSIZE;
	case NATS_NO_MEMORY:
		return -ENOMEM;
	case NATS_INVALID_SUBJECT:
	case NATS_INVALID_ARG:
	case NATS_INVALID_TIMEOUT:
		return -EINVAL;
	case NATS_CONNECTION_CLOSED:
	case NATS_CONNECTION_DISCONNECTED:
	case NATS_NOT_YET_CONNECTED:
	case NATS_NO_SERVER:
	case NATS_STALE_CONNECTION:
		return -ENOTCONN;
	default:
		return -EIO;
	}
}

/* Record libnats's words for s (the owner's thread). */
/* libnats's words for s: its last error's text when that is about s. */
static const char *status_text(natsStatus s)
{
	natsStatus last = NATS_OK;
	const char *text = nats_GetLastError(&last);

	return last == s && text && *text ? text : natsStatus_GetText(s);
}

/* Record libnats's words for s (the owner's thread). */
static int fail(struct bus *b, natsStatus s, const char *what)
{
	snprintf(b->err, sizeof(b->err), "%s: %s", what, status_text(s));
	return nats_errno(s);
}

static int fail_errno(struct bus *b, int err, const char *what)
{
	snprintf(b->err, sizeof(b->err), "%s: %s", what, strerror(-err));
	return err;
}

const char *bus_errmsg(const struct bus *b)
{
	return b->err;
}

/* ---- the queue ---- */

static struct ev *ev_new(enum ev_kind kind, const char *subject,
			 const char *reply, const void *data, size_t len)
{
	size_t sl = subject ? strlen(subject) : 0;
	size_t rl = reply ? strlen(reply) : 0;
	struct ev *e = malloc(sizeof(*e) + sl + 1 + rl + 1 + len + 1);
	char *p;

	if (!e)
		return NULL;
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	p = e->buf;
	memcpy(p, subject ? subject : "", sl + 1);
	e->subject = p;
	p += sl + 1;
	memcpy(p, reply ? reply : "", rl + 1);
	e->reply = p;
	p += rl + 1;
	if (len)
		memcpy(p, data, len);
	p[len] = '\0';
	e->data = (const uint8_t *)p;
	e->len = len;
	return e;
}

/* Append e (any thread); false when the bus is closing (e freed). */
static bool ev_post(struct bus *b, struct ev *e)
{
	bool wake = false, queued = false;
	uint64_t one = 1;

	pthread_mutex_lock(&b->mu);
	if (!b->closing) {
		wake = !b->head;
		*b->tail = e;
		b->tail = &e->next;
		queued = true;
	}
	pthread_mutex_unlock(&b->mu);
	if (!queued)
		free(e);
	else if (wake && write(b->efd, &one, sizeof(one)) < 0) {
		/* the counter cannot overflow with one write per empty queue */
	}
	return queued;
}

static void post_state(struct bus *b, enum bus_state st, const char *text)
{
	struct ev *e = ev_new(EV_STATE, text, NULL, NULL, 0);

	if (!e)
		return;
	e->status = st;
	ev_post(b, e);
}

/* ---- connection callbacks (libnats threads) ---- */

static void connected_url(natsConnection *nc, char *buf, size_t len)
{
	if (natsConnection_GetConnectedUrl(nc, buf, len) != NATS_OK)
		buf[0] = '\0';
}

static void on_connected(natsConnection *nc, void *closure)
{
	char url[256];

	connected_url(nc, url, sizeof(url));
	post_state(closure, BUS_CONNECTED, url);
}

static void on_disconnected(natsConnection *nc, void *closure)
{
	(void)nc;
	post_state(closure, BUS_DISCONNECTED, "");
}

static void on_reconnected(natsConnection *nc, void *closure)
{
	struct bus *b = closure;
	char url[256];

	atomic_fetch_add(&b->reconnects, 1);
	atomic_fetch_add(&b->restart_gen, 1);
	connected_url(nc, url, sizeof(url));
	post_state(b, BUS_RECONNECTED, url);
}

static void on_closed(natsConnection *nc, void *closure)
{
	struct bus *b = closure;

	(void)nc;
	post_state(b, BUS_CLOSED, "");
	pthread_mutex_lock(&b->mu);
	b->nats_closed = true;
	pthread_cond_broadcast(&b->cv);
	pthread_mutex_unlock(&b->mu);
}

static void on_error(natsConnection *nc, natsSubscription *ns,
		     natsStatus s, void *closure)
{
	char text[160];

	(void)nc;
	snprintf(text, sizeof(text), "%s%s", natsStatus_GetText(s),
		 ns ? " (subscription)" : "");
	post_state(closure, BUS_ERROR, text);
}

static void live_put(struct bus *b)
{
	pthread_mutex_lock(&b->mu);
	b->live--;
	pthread_cond_broadcast(&b->cv);
	pthread_mutex_unlock(&b->mu);
}

static void live_get(struct bus *b)
{
	pthread_mutex_lock(&b->mu);
	b->live++;
	pthread_mutex_unlock(&b->mu);
}

/* ---- the heartbeat ---- */

static bool subject_valid(const char *s, bool wild);

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void beat_init(struct beat *bt)
{
	pthread_condattr_t ca;

	pthread_mutex_init(&bt->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&bt->cv, &ca);
	pthread_condattr_destroy(&ca);
}

/* The adapter's thread: the copy again when the owner is late. */
static void *beat_thread(void *arg)
{
	struct bus *b = arg;
	struct beat *bt = &b->beat;
	struct timespec until;
	uint64_t now, at;

	pthread_mutex_lock(&bt->mu);
	while (!bt->stop) {
		if (!bt->data) {
			pthread_cond_wait(&bt->cv, &bt->mu);
			continue;
		}
		at = bt->last_pub + bt->interval_ns;
		until.tv_sec = (time_t)(at / 1000000000ULL);
		until.tv_nsec = (long)(at % 1000000000ULL);
		pthread_cond_timedwait(&bt->cv, &bt->mu, &until);
		now = mono_ns();
		if (bt->stop || !bt->data ||
		    now - bt->last_pub < bt->interval_ns)
			continue;
		if (now - bt->last_set >= bt->hold_ns) {
			bt->last_pub = now;	/* silent: look again later */
			continue;
		}
		/* never queued by libnats while disconnected */
		if (natsConnection_Status(b->nc) == NATS_CONN_STATUS_CONNECTED &&
		    natsConnection_Publish(b->nc, bt->subject, bt->data,
					   (int)bt->len) == NATS_OK)
			bt->repeats++;
		bt->last_pub = now;
	}
	pthread_mutex_unlock(&bt->mu);
	return NULL;
}

int bus_beat(struct bus *b, const char *subject, const void *data,
	     size_t len, int interval_ms, int hold_ms)
{
	struct beat *bt = &b->beat;
	uint8_t *copy;
	int rc;

	if (!subject_valid(subject, false) ||
	    strlen(subject) >= sizeof(bt->subject) || interval_ms <= 0 ||
	    hold_ms < 0)
		return fail_errno(b, -EINVAL, "beat: bad argument");
	if (len > INT32_MAX)
		return fail_errno(b, -EMSGSIZE, subject);
	copy = malloc(len ? len : 1);
	if (!copy)
		return fail_errno(b, -ENOMEM, "beat");
	if (len)
		memcpy(copy, data, len);
	pthread_mutex_lock(&bt->mu);
	free(bt->data);
	bt->data = copy;
	bt->len = len;
	snprintf(bt->subject, sizeof(bt->subject), "%s", subject);
	bt->interval_ns = (uint64_t)interval_ms * 1000000ULL;
	bt->hold_ns = (uint64_t)hold_ms * 1000000ULL;
	bt->last_set = bt->last_pub = mono_ns();
	rc = bus_publish(b, subject, data, len);
	pthread_cond_signal(&bt->cv);
	if (!bt->started && !bt->stop) {
		bt->started = !pthread_create(&bt->thread, NULL, beat_thread,
					      b);
		if (!bt->started)
			snprintf(b->err, sizeof(b->err),
				 "beat: no thread: repeats only from the owner");
	}
	pthread_mutex_unlock(&bt->mu);
	return rc;
}

void bus_beat_stop(struct bus *b)
{
	struct beat *bt = &b->beat;

	pthread_mutex_lock(&bt->mu);
	free(bt->data);
	bt->data = NULL;
	bt->len = 0;
	pthread_mutex_unlock(&bt->mu);
}

uint64_t bus_beat_repeats(struct bus *b)
{
	uint64_t n;

	pthread_mutex_lock(&b->beat.mu);
	n = b->beat.repeats;
	pthread_mutex_unlock(&b->beat.mu);
	return n;
}

/* Stop the thread (bus_close()). */
static void beat_end(struct bus *b)
{
	struct beat *bt = &b->beat;
	bool started;

	pthread_mutex_lock(&bt->mu);
	bt->stop = true;
	started = bt->started;
	pthread_cond_broadcast(&bt->cv);
	pthread_mutex_unlock(&bt->mu);
	if (started)
		pthread_join(bt->thread, NULL);
}

/* ---- open, close ---- */

static int set_servers(natsOptions *o, const char *list, char *err,
		       size_t errlen)
{
	char *copy = strdup(list), *save = NULL, *tok;
	const char *v[MAX_SERVERS];
	int n = 0;
	natsStatus s;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ", \t", &save); tok;
	     tok = strtok_r(NULL, ", \t", &save)) {
		if (n == MAX_SERVERS) {
			snprintf(err, errlen, "more than %d servers",
				 MAX_SERVERS);
			free(copy);
			return -EINVAL;
		}
		v[n++] = tok;
	}
	if (!n) {
		snprintf(err, errlen, "no server given");
		free(copy);
		return -EINVAL;
	}
	s = natsOptions_SetServers(o, v, n);
	free(copy);
	if (s != NATS_OK) {
		snprintf(err, errlen, "bad server list '%s': %s", list,
			 natsStatus_GetText(s));
		return -EINVAL;
	}
	return 0;
}

static natsStatus make_opts(struct bus *b, const struct bus_opts *o)
{
	natsOptions *no = b->opts;
	natsStatus s;

	s = natsOptions_SetName(no, o->name ? o->name : "secmsgd");
	if (s == NATS_OK)
		s = natsOptions_SetTimeout(no, o->connect_timeout_ms > 0 ?
					   o->connect_timeout_ms : 1000);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectWait(no, o->reconnect_wait_ms > 0 ?
						 o->reconnect_wait_ms : 250);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectJitter(no, 50, 50);
	if (s == NATS_OK)
		s = natsOptions_SetMaxReconnect(no, -1);
	if (s == NATS_OK)
		s = natsOptions_SetPingInterval(no, o->ping_ms > 0 ?
						o->ping_ms : 1000);
	if (s == NATS_OK)
		s = natsOptions_SetMaxPingsOut(no, 2);
	if (s == NATS_OK)
		s = natsOptions_UseGlobalMessageDelivery(no, true);
	/*
	 * The owner batches (one message per peer and loop iteration): each
	 * publish goes to the socket at once, on the caller's thread,
	 * rather than waking libnats's flusher thread, which waits a
	 * millisecond for more, for every one.
	 */
	if (s == NATS_OK)
		s = natsOptions_SetSendAsap(no, true);
	if (s == NATS_OK)
		s = natsOptions_SetDisconnectedCB(no, on_disconnected, b);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectedCB(no, on_reconnected, b);
	if (s == NATS_OK)
		s = natsOptions_SetClosedCB(no, on_closed, b);
	if (s == NATS_OK)
		s = natsOptions_SetErrorHandler(no, on_error, b);
	if (s == NATS_OK && o->retry)
		s = natsOptions_SetRetryOnFailedConnect(no, true, on_connected,
							b);
	return s;
}

static void bus_free(struct bus *b)
{
	struct ev *e;

	while ((e = b->head)) {
		b->head = e->next;
		free(e);
	}
	if (b->opts)
		natsOptions_Destroy(b->opts);
	if (b->efd >= 0)
		close(b->efd);
	pthread_mutex_destroy(&b->mu);
	pthread_cond_destroy(&b->cv);
	pthread_mutex_destroy(&b->beat.mu);
	pthread_cond_destroy(&b->beat.cv);
	free(b->beat.data);
	free(b);
}

int bus_open(struct bus **bp, const struct bus_opts *o, char *err,
	     size_t errlen)
{
	struct bus *b;
	natsStatus s;
	char url[256];
	int rc;

	*bp = NULL;
	if (!o || !o->servers) {
		snprintf(err, errlen, "no server given");
		return -EINVAL;
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	pthread_mutex_init(&b->mu, NULL);
	pthread_cond_init(&b->cv, NULL);
	beat_init(&b->beat);
	b->tail = &b->head;
	b->reqs.next = b->reqs.prev = &b->reqs;
	b->state_fn = o->state;
	b->state_arg = o->arg;
	b->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (b->efd < 0) {
		rc = -errno;
		snprintf(err, errlen, "eventfd: %s", strerror(-rc));
		bus_free(b);
		return rc;
	}
	s = nats_Open(-1);
	if (s == NATS_OK)
		s = natsOptions_Create(&b->opts);
	if (s != NATS_OK) {
		snprintf(err, errlen, "libnats: %s", natsStatus_GetText(s));
		bus_free(b);
		return nats_errno(s);
	}
	rc = set_servers(b->opts, o->servers, err, errlen);
	if (rc) {
		bus_free(b);
		return rc;
	}
	s = make_opts(b, o);
	if (s != NATS_OK) {
		snprintf(err, errlen, "libnats options: %s",
			 natsStatus_GetText(s));
		bus_free(b);
		return nats_errno(s);
	}
	s = natsConnection_Connect(&b->nc, b->opts);
	if (s == NATS_OK) {
		/* connected at once: no callback will say so */
		connected_url(b->nc, url, sizeof(url));
		post_state(b, BUS_CONNECTED, url);
	} else if (!(s == NATS_NOT_YET_CONNECTED && o->retry)) {
		snprintf(err, errlen, "cannot connect to %s: %s", o->servers,
			 status_text(s));
		natsConnection_Destroy(b->nc);
		b->nc = NULL;
		bus_free(b);
		return nats_errno(s) == -EIO ? -ENOTCONN : nats_errno(s);
	}
	*bp = b;
	return 0;
}

static void req_put(struct req *r)
{
	if (atomic_fetch_sub(&r->refs, 1) == 1)
		free(r);
}

static void watch_stop(struct watch *w)
{
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	if (w->w)
		kvWatcher_Stop(w->w);
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	if (w->started)
		pthread_join(w->thread, NULL);
}

void bus_close(struct bus *b)
{
	struct watch *w;
	struct sub *s;
	struct req *r;
	struct timespec until;

	if (!b)
		return;
	beat_end(b);
	/* the watch threads first: they use the connection */
	for (w = b->watches; w; w = w->next)
		watch_stop(w);
	pthread_mutex_lock(&b->mu);
	b->closing = true;
	pthread_mutex_unlock(&b->mu);
	if (b->js)
		jsCtx_Destroy(b->js);
	natsConnection_Close(b->nc);
	/* our references; libnats keeps its own until on-complete */
	for (s = b->subs; s; s = s->next)
		natsSubscription_Destroy(s->ns);
	while ((r = b->reqs.next) != &b->reqs) {
		r->prev->next = r->next;
		r->next->prev = r->prev;
		natsSubscription_Destroy(r->ns);
		req_put(r);
	}
	/* wait until libnats calls nothing of ours any more */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += CLOSE_WAIT_MS / 1000;
	pthread_mutex_lock(&b->mu);
	while ((b->live || !b->nats_closed) &&
	       pthread_cond_timedwait(&b->cv, &b->mu, &until) == 0)
		;
	bool clean = !b->live && b->nats_closed;
	pthread_mutex_unlock(&b->mu);
	natsConnection_Destroy(b->nc);
	if (!clean) {
		/* a libnats thread may still hold a pointer: leak, not crash */
		fprintf(stderr, "bus: libnats did not release %u callbacks\n",
			b->live);
		return;
	}
	while ((s = b->subs)) {
		b->subs = s->next;
		free(s);
	}
	while ((w = b->watches)) {
		b->watches = w->next;
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
		free(w->bucket);
		free(w);
	}
	bus_free(b);
}

void bus_library_exit(void)
{
	nats_CloseAndWait(CLOSE_WAIT_MS);
}

int bus_fd(const struct bus *b)
{
	return b->efd;
}

bool bus_connected(struct bus *b)
{
	return natsConnection_Status(b->nc) == NATS_CONN_STATUS_CONNECTED;
}

void bus_server(struct bus *b, char *buf, size_t len)
{
	if (!bus_connected(b))
		buf[0] = '\0';
	else
		connected_url(b->nc, buf, len);
}

static int servers_known(natsConnection *nc);

int bus_servers_known(struct bus *b)
{
	return servers_known(b->nc);
}

void bus_stats(struct bus *b, struct bus_stats *st)
{
	natsStatistics *ns = NULL;

	memset(st, 0, sizeof(*st));
	st->reconnects = atomic_load(&b->reconnects);
	if (natsStatistics_Create(&ns) != NATS_OK)
		return;
	if (natsConnection_GetStats(b->nc, ns) == NATS_OK) {
		uint64_t rc;

		natsStatistics_GetCounts(ns, &st->in_msgs, &st->in_bytes,
					 &st->out_msgs, &st->out_bytes, &rc);
	}
	natsStatistics_Destroy(ns);
}

/* ---- dispatch (the owner's thread) ---- */

unsigned int bus_dispatch(struct bus *b)
{
	struct ev *e, *list;
	struct bus_msg m;
	struct bus_kv_ev kv;
	unsigned int n = 0;
	uint64_t cnt;

	if (read(b->efd, &cnt, sizeof(cnt)) < 0) {
		/* EAGAIN: nothing new, the queue may still hold some */
	}
	pthread_mutex_lock(&b->mu);
	list = b->head;
	b->head = NULL;
	b->tail = &b->head;
	pthread_mutex_unlock(&b->mu);
	while ((e = list)) {
		list = e->next;
		m = (struct bus_msg){ .subject = e->subject, .reply = e->reply,
				      .data = e->data, .len = e->len };
		switch (e->kind) {
		case EV_STATE:
			if (b->state_fn)
				b->state_fn(b->state_arg, e->status,
					    e->subject);
			break;
		case EV_MSG:
			e->msg_fn(e->arg, &m);
			break;
		case EV_REPLY: {
			struct req *r = e->req;

			r->prev->next = r->next;
			r->next->prev = r->prev;
			natsSubscription_Destroy(r->ns);
			r->fn(r->arg, e->status, e->status ? NULL : &m);
			req_put(r);
			break;
		}
		case EV_KV:
			kv = (struct bus_kv_ev){ .op = e->status,
						 .key = e->subject,
						 .val = e->data,
						 .len = e->len,
						 .revision = e->revision };
			e->kv_fn(e->arg, &kv);
			break;
		}
		free(e);
		n++;
	}
	return n;
}

/* ---- publish, subscribe ---- */

/*
 * A subject: tokens of printable characters but space, separated by
 * single dots; wildcards (a whole "*" token, ">" as the last) only when
 * subscribing.
 */
static bool subject_valid(const char *s, bool wild)
{
	const char *tok = s;

	if (!s || !*s)
		return false;
	for (;; s++) {
		if (*s == '.' || !*s) {
			size_t n = (size_t)(s - tok);

			if (!n)
				return false;
			if (memchr(tok, '*', n) || memchr(tok, '>', n)) {
				if (!wild || n != 1 ||
				    (*tok == '>' && *s))
					return false;
			}
			if (!*s)
				return true;
			tok = s + 1;
		} else if ((unsigned char)*s <= ' ' ||
			   (unsigned char)*s >= 0x7f) {
			return false;
		}
	}
}

static void sub_handler(natsConnection *nc, natsSubscription *ns,
			natsMsg *msg, void *closure)
{
	struct sub *s = closure;
	struct ev *e;

	(void)nc;
	(void)ns;
	e = ev_new(EV_MSG, natsMsg_GetSubject(msg), natsMsg_GetReply(msg),
		   natsMsg_GetData(msg), (size_t)natsMsg_GetDataLength(msg));
	natsMsg_Destroy(msg);
	if (!e) {
		post_state(s->b, BUS_ERROR, "out of memory: a message dropped");
		return;
	}
	e->msg_fn = s->fn;
	e->arg = s->arg;
	ev_post(s->b, e);
}

static void sub_complete(void *closure)
{
	struct sub *s = closure;

	live_put(s->b);
}

int bus_subscribe(struct bus *b, const char *subject, bus_msg_fn fn,
		  void *arg)
{
	struct sub *s = calloc(1, sizeof(*s));
	natsStatus st;

	if (!subject_valid(subject, true)) {
		free(s);
		return fail_errno(b, -EINVAL, "subscribe: bad subject");
	}
	if (!s)
		return fail_errno(b, -ENOMEM, "subscribe");
	s->b = b;
	s->fn = fn;
	s->arg = arg;
	st = natsConnection_Subscribe(&s->ns, b->nc, subject, sub_handler, s);
	if (st != NATS_OK) {
		int rc = fail(b, st, subject);

		free(s);
		return rc;
	}
	/* from here the handler may run: s lives until bus_close() */
	s->next = b->subs;
	b->subs = s;
	/* no limit but memory: the owner drains at its own pace */
	st = natsSubscription_SetPendingLimits(s->ns, -1, -1);
	if (st == NATS_OK) {
		live_get(b);
		st = natsSubscription_SetOnCompleteCB(s->ns, sub_complete, s);
		if (st != NATS_OK)
			live_put(b);
	}
	if (st != NATS_OK) {
		natsSubscription_Unsubscribe(s->ns);
		return fail(b, st, subject);
	}
	return 0;
}

int bus_publish(struct bus *b, const char *subject, const void *data,
		size_t len)
{
	natsStatus s;

	if (!subject_valid(subject, false))
		return fail_errno(b, -EINVAL, "publish: bad subject");
	if (len > INT32_MAX)
		return fail_errno(b, -EMSGSIZE, subject);
	if (!bus_connected(b))
		return fail_errno(b, -ENOTCONN, subject);
	s = natsConnection_Publish(b->nc, subject, data, (int)len);
	return s == NATS_OK ? 0 : fail(b, s, subject);
}

int bus_flush(struct bus *b, int timeout_ms)
{
	natsStatus s;

	if (!bus_connected(b))
		return fail_errno(b, -ENOTCONN, "flush");
	s = natsConnection_FlushTimeout(b->nc, timeout_ms);
	return s == NATS_OK ? 0 : fail(b, s, "flush");
}

int bus_respond(struct bus *b, const struct bus_msg *m, const void *data,
		size_t len)
{
	if (!m->reply || !*m->reply)
		return fail_errno(b, -EINVAL, "respond: no reply subject");
	return bus_publish(b, m->reply, data, len);
}

/* ---- requests ---- */

static void req_handler(natsConnection *nc, natsSubscription *ns,
			natsMsg *msg, void *closure)
{
	struct req *r = closure;
	struct ev *e;

	(void)nc;
	if (atomic_exchange(&r->answered, true)) {
		natsMsg_Destroy(msg);
		return;
	}
	if (!msg) {
		e = ev_new(EV_REPLY, NULL, NULL, NULL, 0);
		if (e)
			e->status = -ETIMEDOUT;
		/* no more timeouts: the subscription ends here */
		natsSubscription_Unsubscribe(ns);
	} else if (natsMsg_IsNoResponders(msg)) {
		e = ev_new(EV_REPLY, NULL, NULL, NULL, 0);
		if (e)
			e->status = -EHOSTUNREACH;
	} else {
		e = ev_new(EV_REPLY, natsMsg_GetSubject(msg),
			   natsMsg_GetReply(msg), natsMsg_GetData(msg),
			   (size_t)natsMsg_GetDataLength(msg));
	}
	natsMsg_Destroy(msg);
	if (!e) {
		/* keep the promise of one answer: with no data */
		e = malloc(sizeof(*e) + 3);
		if (!e) {
			post_state(r->b, BUS_ERROR,
				   "out of memory: a reply lost");
			return;
		}
		memset(e, 0, sizeof(*e) + 3);
		e->kind = EV_REPLY;
		e->status = -ENOMEM;
		e->subject = e->reply = e->buf;
		e->data = (const uint8_t *)e->buf;
	}
	e->req = r;
	ev_post(r->b, e);
}

static void req_complete(void *closure)
{
	struct req *r = closure;
	struct bus *b = r->b;

	req_put(r);
	live_put(b);
}

int bus_request(struct bus *b, const char *subject, const void *data,
		size_t len, int timeout_ms, bus_reply_fn fn, void *arg)
{
	natsInbox *inbox = NULL;
	struct req *r;
	natsStatus s;
	int rc;

	if (timeout_ms < 10 || len > INT32_MAX ||
	    !subject_valid(subject, false))
		return fail_errno(b, -EINVAL, "request: bad argument");
	if (!bus_connected(b))
		return fail_errno(b, -ENOTCONN, subject);
	r = calloc(1, sizeof(*r));
	if (!r)
		return fail_errno(b, -ENOMEM, "request");
	r->b = b;
	r->fn = fn;
	r->arg = arg;
	atomic_init(&r->refs, 1);
	s = natsInbox_Create(&inbox);
	if (s == NATS_OK)
		s = natsConnection_SubscribeTimeout(&r->ns, b->nc, inbox,
						    timeout_ms, req_handler, r);
	if (s != NATS_OK) {
		rc = fail(b, s, subject);
		natsInbox_Destroy(inbox);
		free(r);
		return rc;
	}
	/*
	 * From here libnats may call req_handler (a timeout cannot come
	 * before timeout_ms >= 10 ms, long after these few calls).
	 */
	atomic_fetch_add(&r->refs, 1);
	live_get(b);
	s = natsSubscription_SetOnCompleteCB(r->ns, req_complete, r);
	if (s != NATS_OK) {
		/* never set: drop libnats's share ourselves */
		live_put(b);
		req_put(r);
	}
	if (s == NATS_OK)
		s = natsSubscription_AutoUnsubscribe(r->ns, 1);
	if (s == NATS_OK)
		s = natsConnection_PublishRequest(b->nc, subject, inbox, data,
						  (int)len);
	natsInbox_Destroy(inbox);
	if (s != NATS_OK) {
		rc = fail(b, s, subject);
		/* no answer will be posted: a late handler call finds it
		 * answered */
		atomic_store(&r->answered, true);
		natsSubscription_Unsubscribe(r->ns);
		natsSubscription_Destroy(r->ns);
		req_put(r);
		return rc;
	}
	r->next = &b->reqs;
	r->prev = b->reqs.prev;
	b->reqs.prev->next = r;
	b->reqs.prev = r;
	return 0;
}

/* ---- key-value ---- */

static natsStatus js_open(natsConnection *nc, jsCtx **js, int wait_ms)
{
	jsOptions jo;
	natsStatus s = jsOptions_Init(&jo);

	if (s != NATS_OK)
		return s;
	jo.Wait = wait_ms;
	return natsConnection_JetStream(js, nc, &jo);
}

static int servers_known(natsConnection *nc)
{
	char **v = NULL;
	int n = 0, i;

	if (natsConnection_GetServers(nc, &v, &n) != NATS_OK)
		return 0;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return n;
}

/* Bind bucket, creating it with `replicas` when absent (if not 0). */
static natsStatus kv_bind(natsConnection *nc, jsCtx *js, const char *bucket,
			  int replicas, kvStore **kv)
{
	natsStatus s = js_KeyValue(kv, js, bucket);
	kvConfig kc;

	if (s != NATS_NOT_FOUND || !replicas)
		return s;
	if (replicas == BUS_KV_REPLICAS_AUTO) {
		replicas = servers_known(nc);
		replicas = replicas < 1 ? 1 : replicas > 3 ? 3 : replicas;
	}
	kvConfig_Init(&kc);
	kc.Bucket = bucket;
	kc.History = 1;
	kc.StorageType = js_FileStorage;
	kc.Replicas = replicas;
	s = js_CreateKeyValue(kv, js, &kc);
	if (s != NATS_OK)
		/* made by someone else meanwhile? */
		s = js_KeyValue(kv, js, bucket) == NATS_OK ? NATS_OK : s;
	return s;
}

static int kv_open(struct bus *b, const char *bucket, int replicas,
		   int timeout_ms, kvStore **kv)
{
	natsStatus s;

	if (!bus_connected(b))
		return fail_errno(b, -ENOTCONN, bucket);
	if (b->js)
		jsCtx_Destroy(b->js);
	b->js = NULL;
	s = js_open(b->nc, &b->js, timeout_ms > 0 ? timeout_ms : KV_WAIT_MS);
	if (s == NATS_OK)
		s = kv_bind(b->nc, b->js, bucket, replicas, kv);
	if (s == NATS_NO_RESPONDERS) {
		snprintf(b->err, sizeof(b->err),
			 "%s: no JetStream answers (is it enabled on the "
			 "servers?)", bucket);
		return -EHOSTUNREACH;
	}
	return s == NATS_OK ? 0 : fail(b, s, bucket);
}

int bus_kv_put(struct bus *b, const char *bucket, int replicas,
	       const char *key, const void *val, size_t len, int timeout_ms)
{
	kvStore *kv = NULL;
	natsStatus s;
	int rc;

	if (len > INT32_MAX)
		return fail_errno(b, -EMSGSIZE, key);
	rc = kv_open(b, bucket, replicas, timeout_ms, &kv);
	if (rc)
		return rc;
	s = kvStore_Put(NULL, kv, key, val, (int)len);
	kvStore_Destroy(kv);
	return s == NATS_OK ? 0 : fail(b, s, key);
}

/* Open bucket and read key: *kv stays open (also on a failed read). */
static int kv_read(struct bus *b, const char *bucket, const char *key,
		   int timeout_ms, kvStore **kv, kvEntry **e)
{
	int rc = kv_open(b, bucket, 0, timeout_ms, kv);
	natsStatus s;

	*e = NULL;
	if (rc)
		return rc;
	/* a deleted key reads as not found too */
	s = kvStore_Get(e, *kv, key);
	return s == NATS_OK ? 0 : fail(b, s, key);
}

int bus_kv_get(struct bus *b, const char *bucket, const char *key,
	       uint8_t **val, size_t *len, int timeout_ms)
{
	kvStore *kv = NULL;
	kvEntry *e;
	int rc = kv_read(b, bucket, key, timeout_ms, &kv, &e), n;

	*val = NULL;
	*len = 0;
	if (!rc) {
		n = kvEntry_ValueLen(e);
		*val = malloc((size_t)n + 1);
		if (*val) {
			memcpy(*val, kvEntry_Value(e), (size_t)n);
			(*val)[n] = '\0';
			*len = (size_t)n;
		} else {
			rc = fail_errno(b, -ENOMEM, key);
		}
	}
	kvEntry_Destroy(e);
	kvStore_Destroy(kv);
	return rc;
}

int bus_kv_del(struct bus *b, const char *bucket, const char *key,
	       int timeout_ms)
{
	kvStore *kv = NULL;
	kvEntry *e;
	int rc = kv_read(b, bucket, key, timeout_ms, &kv, &e);
	natsStatus s;

	kvEntry_Destroy(e);
	if (!rc) {
		s = kvStore_Delete(kv, key);
		rc = s == NATS_OK ? 0 : fail(b, s, key);
	}
	kvStore_Destroy(kv);
	return rc;
}

/* ---- watches (one thread each) ---- */

static void watch_post(struct watch *w, enum bus_kv_op op, kvEntry *e)
{
	struct ev *ev;

	if (e)
		ev = ev_new(EV_KV, kvEntry_Key(e), NULL, kvEntry_Value(e),
			    (size_t)kvEntry_ValueLen(e));
	else
		ev = ev_new(EV_KV, NULL, NULL, NULL, 0);
	if (!ev) {
		post_state(w->b, BUS_ERROR, "out of memory: a KV update lost");
		return;
	}
	ev->status = op;
	ev->kv_fn = w->fn;
	ev->arg = w->arg;
	ev->revision = e ? kvEntry_Revision(e) : 0;
	ev_post(w->b, ev);
}

/* Sleep ms unless stopped; true when stopped. */
static bool watch_sleep(struct watch *w, int ms)
{
	struct timespec until;
	bool stop;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	until.tv_sec += ms / 1000 + until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&w->mu);
	while (!w->stop &&
	       pthread_cond_timedwait(&w->cv, &w->mu, &until) == 0)
		;
	stop = w->stop;
	pthread_mutex_unlock(&w->mu);
	return stop;
}

static bool watch_stopped(struct watch *w)
{
	bool stop;

	pthread_mutex_lock(&w->mu);
	stop = w->stop;
	pthread_mutex_unlock(&w->mu);
	return stop;
}

/* One watch from RESET until it fails, restarts or stops. */
static void watch_once(struct watch *w, jsCtx *js)
{
	kvStore *kv = NULL;
	kvWatcher *kw = NULL;
	kvEntry *e;
	unsigned int gen = atomic_load(&w->b->restart_gen);
	natsStatus s;
	char text[300];
	bool running;

	s = kv_bind(w->b->nc, js, w->bucket, w->replicas, &kv);
	if (s == NATS_OK)
		s = kvStore_WatchAll(&kw, kv, NULL);
	if (s != NATS_OK) {
		snprintf(text, sizeof(text), "watch %s: %s", w->bucket,
			 s == NATS_NO_RESPONDERS ? "no JetStream answers" :
			 status_text(s));
		post_state(w->b, BUS_ERROR, text);
		kvStore_Destroy(kv);
		return;
	}
	pthread_mutex_lock(&w->mu);
	w->w = w->stop ? NULL : kw;
	running = w->w != NULL;
	pthread_mutex_unlock(&w->mu);
	if (running) {
		watch_post(w, BUS_KV_RESET, NULL);
		for (;;) {
			e = NULL;
			s = kvWatcher_Next(&e, kw, 250);
			if (watch_stopped(w)) {
				kvEntry_Destroy(e);
				break;
			}
			if (s == NATS_TIMEOUT) {
				if (atomic_load(&w->b->restart_gen) != gen)
					break;
				continue;
			}
			if (s != NATS_OK)
				break;
			if (!e) {
				watch_post(w, BUS_KV_SYNCED, NULL);
				continue;
			}
			watch_post(w, kvEntry_Operation(e) == kvOp_Put ?
				   BUS_KV_PUT : BUS_KV_DEL, e);
			kvEntry_Destroy(e);
		}
	}
	pthread_mutex_lock(&w->mu);
	w->w = NULL;
	pthread_mutex_unlock(&w->mu);
	kvWatcher_Destroy(kw);
	kvStore_Destroy(kv);
}

static void *watch_thread(void *arg)
{
	struct watch *w = arg;
	jsCtx *js = NULL;

	while (!watch_stopped(w)) {
		if (!bus_connected(w->b)) {
			watch_sleep(w, 100);
			continue;
		}
		if (!js && js_open(w->b->nc, &js, KV_WAIT_MS) != NATS_OK) {
			js = NULL;
			watch_sleep(w, 500);
			continue;
		}
		watch_once(w, js);
		/* failed, restarted, or stopped: a breath before again */
		watch_sleep(w, 100);
	}
	jsCtx_Destroy(js);
	nats_ReleaseThreadMemory();
	return NULL;
}

int bus_kv_watch(struct bus *b, const char *bucket, int replicas,
		 bus_kv_fn fn, void *arg)
{
	struct watch *w = calloc(1, sizeof(*w));
	int rc;

	if (!w || !(w->bucket = strdup(bucket))) {
		free(w);
		return fail_errno(b, -ENOMEM, "watch");
	}
	w->b = b;
	w->replicas = replicas;
	w->fn = fn;
	w->arg = arg;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	rc = -pthread_create(&w->thread, NULL, watch_thread, w);
	if (rc) {
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
		free(w->bucket);
		free(w);
		return fail_errno(b, rc, "watch thread");
	}
	w->started = true;
	w->next = b->watches;
	b->watches = w;
	return 0;
}
