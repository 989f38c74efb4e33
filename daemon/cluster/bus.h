/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The message bus: secmsgd's NATS client, a small adapter over libnats
 * (nats.c is the only file that includes nats.h).  What the cluster
 * needs and no more: a connection to a server list that reconnects by
 * itself, publish, subscribe, request/reply with a timeout, and the
 * JetStream key-value calls of the users registry.
 *
 * Threads.  libnats runs its own threads and calls back on them.  The
 * adapter never lets that reach its user: each message, reply, timeout,
 * connection change or KV update is copied into a queue under a mutex
 * and an eventfd is made readable.  The owner polls bus_fd() in its
 * event loop (secmsgd adopts it into the lws loop) and calls
 * bus_dispatch(), which runs the callbacks on the owner's thread, in
 * arrival order.  So every callback below runs inside bus_dispatch(),
 * never on a libnats thread, and none runs after bus_close().  All
 * bus_* functions are called from the owner's thread only.
 *
 * Lifetime.  Subscriptions and watches last until bus_close().  A
 * request's callback runs exactly once: with the reply, with
 * -ETIMEDOUT, with -EHOSTUNREACH (nobody subscribes to the subject), or
 * with -ENOTCONN (the connection was lost meanwhile); unless the bus is
 * closed first.
 *
 * Errors are negative errnos: -ENOTCONN (not connected now), -ETIMEDOUT,
 * -EHOSTUNREACH (no responders), -ENOENT (no such key or bucket),
 * -EMSGSIZE (larger than the server's max_payload), -EINVAL (bad
 * subject or argument), -ENOMEM, -EIO (anything else); bus_errmsg()
 * has libnats's words for the last one.
 */
#ifndef SECMSGD_BUS_H
#define SECMSGD_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bus;

enum bus_state {
	BUS_CONNECTED,		/* first connection made */
	BUS_DISCONNECTED,	/* lost: libnats is reconnecting */
	BUS_RECONNECTED,	/* connected again (maybe to another server) */
	BUS_CLOSED,		/* given up (bus_open() without retry only) */
	BUS_ERROR,		/* an asynchronous error: text has it */
};

struct bus_opts {
	/* "nats://host:4222[,nats://host2:4222...]" (a comma-separated list) */
	const char *servers;
	/* the connection's name, shown by the server (e.g. the node name) */
	const char *name;
	/*
	 * true: bus_open() returns at once even when no server answers yet
	 * and keeps trying (BUS_CONNECTED when it gets through); false: it
	 * fails then (command-line tools).
	 */
	bool retry;
	/* connect timeout, wait between reconnect attempts, ping interval
	 * (ms); 0: 1000, 250, 1000.  Two unanswered pings drop a link. */
	int connect_timeout_ms, reconnect_wait_ms, ping_ms;
	/* Connection changes; text: the server connected to, or the error. */
	void (*state)(void *arg, enum bus_state st, const char *text);
	void *arg;
};

/* A received message; valid during the callback only. */
struct bus_msg {
	const char *subject;
	const char *reply;	/* "" when the sender expects no answer */
	const uint8_t *data;
	size_t len;
};

typedef void (*bus_msg_fn)(void *arg, const struct bus_msg *m);
/* status 0: reply is the answer; else -errno and reply is NULL */
typedef void (*bus_reply_fn)(void *arg, int status,
			     const struct bus_msg *reply);

/* Connect (see opts.retry); *bp is NULL on error (err says why). */
int bus_open(struct bus **bp, const struct bus_opts *o, char *err,
	     size_t errlen);
/*
 * Close the connection, wait for libnats to be done with every
 * callback, stop the watch threads, drop what is queued; b is freed.
 */
void bus_close(struct bus *b);
/* Release libnats's process-wide state (at exit, after bus_close()). */
void bus_library_exit(void);

/* The fd to poll for POLLIN; then call bus_dispatch(). */
int bus_fd(const struct bus *b);
/* Run the callbacks of everything queued; returns how many ran. */
unsigned int bus_dispatch(struct bus *b);
/* Connected right now. */
bool bus_connected(struct bus *b);
/* The URL of the server connected to ("" when none), into buf. */
void bus_server(struct bus *b, char *buf, size_t len);
/* Servers known (given and discovered from the cluster). */
int bus_servers_known(struct bus *b);
/* libnats's words for the last error of a bus_* call. */
const char *bus_errmsg(const struct bus *b);

struct bus_stats {
	uint64_t in_msgs, in_bytes, out_msgs, out_bytes, reconnects;
};
void bus_stats(struct bus *b, struct bus_stats *st);

/* fn(arg, msg) for each message on subject (wildcards allowed). */
int bus_subscribe(struct bus *b, const char *subject, bus_msg_fn fn,
		  void *arg);
/*
 * Publish; -ENOTCONN rather than buffering while disconnected.  The
 * bytes go to the server's socket at once, on the caller's thread (no
 * flusher thread in between): the caller batches.
 */
int bus_publish(struct bus *b, const char *subject, const void *data,
		size_t len);
/*
 * A heartbeat that does not wait for the owner's loop.  bus_beat()
 * publishes data on subject now (as bus_publish()) and keeps a copy; a
 * thread of the adapter publishes that copy again whenever interval_ms
 * passed without a publish of it, until hold_ms after the last
 * bus_beat().  So an owner whose loop is held up by work (a long kernel
 * call, a large batch) still beats, and one stuck for longer than
 * hold_ms falls silent.  The copy is the same bytes: the owner's
 * receivers take a repeat (same sequence number) for "alive, nothing
 * new".  Repeats are never queued while disconnected.  bus_beat_stop():
 * no more repeats (before a last, leaving, heartbeat).  Returns what
 * the publish now returned (the copy is kept all the same, unless
 * -EINVAL or -ENOMEM).
 */
int bus_beat(struct bus *b, const char *subject, const void *data,
	     size_t len, int interval_ms, int hold_ms);
void bus_beat_stop(struct bus *b);
/* Repeats the adapter's thread published (bus_beat()). */
uint64_t bus_beat_repeats(struct bus *b);

/* Send a request; fn(arg, status, reply) follows once (see above). */
int bus_request(struct bus *b, const char *subject, const void *data,
		size_t len, int timeout_ms, bus_reply_fn fn, void *arg);
/* Wait until what was published reached the server (at most timeout). */
int bus_flush(struct bus *b, int timeout_ms);
/* Answer a request message m. */
int bus_respond(struct bus *b, const struct bus_msg *m, const void *data,
		size_t len);

/*
 * JetStream key-value, blocking (each call waits at most timeout_ms for
 * the server): for command-line tools and tests, not for an event loop.
 * replicas > 0: create the bucket with that many replicas when absent
 * (history 1, file storage); BUS_KV_REPLICAS_AUTO: as many as there are
 * servers known, at most 3; 0: it must exist (-ENOENT otherwise).
 */
#define BUS_KV_REPLICAS_AUTO	(-1)
int bus_kv_put(struct bus *b, const char *bucket, int replicas,
	       const char *key, const void *val, size_t len, int timeout_ms);
/* *val is malloc'd (NUL-terminated too); -ENOENT: no such key */
int bus_kv_get(struct bus *b, const char *bucket, const char *key,
	       uint8_t **val, size_t *len, int timeout_ms);
/* -ENOENT: no such key (or already deleted) */
int bus_kv_del(struct bus *b, const char *bucket, const char *key,
	       int timeout_ms);

/*
 * Watching a bucket.  A thread of the adapter binds the bucket (made
 * with `replicas` when absent, if replicas > 0), watches every key and
 * hands the updates over: RESET, then the current state of each key
 * (PUT with its value, or DEL for a key deleted and not purged), then
 * SYNCED, then each change (PUT or DEL) as it happens.
 * After a reconnection, or when the watch fails, it starts again with
 * RESET: the owner rebuilds its view from that snapshot (keys not in it
 * are gone).
 */
enum bus_kv_op { BUS_KV_RESET, BUS_KV_PUT, BUS_KV_DEL, BUS_KV_SYNCED };
struct bus_kv_ev {
	enum bus_kv_op op;
	const char *key;	/* PUT, DEL */
	const uint8_t *val;	/* PUT (NUL-terminated too) */
	size_t len;
	uint64_t revision;
};
typedef void (*bus_kv_fn)(void *arg, const struct bus_kv_ev *ev);
int bus_kv_watch(struct bus *b, const char *bucket, int replicas,
		 bus_kv_fn fn, void *arg);

#endif
