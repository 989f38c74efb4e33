/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The lws context: the WebSocket vhost (ws:// or wss://, subprotocol
 * secmsg.v1), the optional metrics vhost (GET /metrics), and the foreign
 * descriptors (kernel events, signals) adopted into the same poll loop.
 */
#ifndef SECMSGD_SERVER_H
#define SECMSGD_SERVER_H

/* sigfd: a signalfd for SIGTERM/SIGINT/SIGHUP (handled by main.c). */
int server_start(int sigfd, void (*on_signal)(void));
/* One loop iteration (lws_service); <0 when the context is dead. */
int server_service(void);
/* Wake the loop within a tenth of a second until it stops (shutdown). */
void server_tick(void);
void server_stop(void);

#endif
