/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * One WebSocket client connection: frame assembly, its output queue,
 * protocol errors, and closing.
 *
 * Layer: transport (server.c, conn.c).  Owns every connection (struct
 * conn, private to conn.c): the lws handle, the frame being received,
 * the frames queued for writing, the error count, the close handshake,
 * the handshake timer; and the connection count and numbers (cid).
 * Parses each complete frame (proto.c) and hands it to the router; calls
 * the router only through router.h, and nothing below it.
 *
 * Who may call it: server.c (lws callbacks), main.c (conn_init(),
 * shutdown, the count), and the router through conn_router_up only.
 *
 * Output frames are queued per connection and written when lws says the
 * socket is writable.  A delivery result or error frame that cannot be
 * queued for lack of memory is held (held.h) and queued again a little
 * later; other frames that cannot be queued drop the connection
 * (audit reason out_of_memory).  A queued relayed message carries the router's
 * delivery: the router hears router_delivery_done() when the copy was
 * written, or when the connection went away before.
 */
#ifndef SECMSGD_CONN_H
#define SECMSGD_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libwebsockets.h>

#include "config.h"
#include "metrics.h"
#include "router.h"

struct conn;

/* Number of errors after which a connection is closed (1008). */
#define CONN_MAX_ERRORS		10
/* Seconds a closing connection may take to drain. */
#define CONN_CLOSE_TIMEOUT	5

/* cfg and m stay the caller's. */
void conn_init(const struct config *cfg, struct metrics *m);

struct conn *conn_new(struct lws *wsi);
/* A piece of a received frame. */
void conn_rx(struct conn *c, const void *in, size_t len, bool first,
	     bool final, bool binary);
/* The socket is writable: 0, or -1 to close it now. */
int conn_writable(struct conn *c);
/* The connection is gone (lws CLOSED): clean up and free. */
void conn_closed(struct conn *c);
/* The client's close frame (code, or 0). */
void conn_peer_close(struct conn *c, int code);

/* Shutdown: close every connection (bye shutdown, 1001), refuse new ones. */
void conn_shutdown(void);
/* lws_context_destroy() runs: nothing more is queued. */
void conn_destroying(void);
/* Open connections. */
uint64_t conn_count(void);

/* What the router calls in the transport (main.c passes it). */
extern const struct router_up conn_router_up;

#endif
