/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The lws context: the WebSocket vhost (ws:// or wss://, subprotocol
 * secmsg.v1), the optional metrics vhost (GET /metrics), and foreign
 * descriptors (the kernel's events, signals) polled by the same loop.
 *
 * Layer: transport (server.c, conn.c).  Owns the lws context, its
 * vhosts and protocols, the adopted descriptors and the shutdown tick.
 * Hands every WebSocket callback to conn.c; asks the router for the
 * gauges of /metrics (router_gauges()); calls an adopted descriptor's
 * function when it is readable, without knowing what it is.
 *
 * Who may call it: main.c.
 */
#ifndef SECMSGD_SERVER_H
#define SECMSGD_SERVER_H

#include <stdint.h>

#include "config.h"
#include "metrics.h"

/* cfg and m stay the caller's.  0, or -errno (the port is in use). */
int server_start(const struct config *cfg, struct metrics *m);
/*
 * Poll fd in the loop (a dup of it: lws closes what it adopts) and call
 * fn(arg) whenever it is readable.  0 or -errno.
 */
int server_adopt(int fd, void (*fn)(void *arg), void *arg);
/* One loop iteration (lws_service); <0 when the context is dead. */
int server_service(void);
/*
 * Shutdown: every connection gets bye shutdown and 1001, new ones are
 * refused, and the loop wakes every tenth of a second until it stops.
 */
void server_shutdown(void);
/* Open WebSocket connections. */
uint64_t server_connections(void);
void server_stop(void);

#endif
