/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * One WebSocket client: its state machine (hello -> confirm -> ready ->
 * closing), frame assembly, output queue, errors and closing.
 *
 * Output frames are queued per connection and written when lws says the
 * socket is writable.  A queued "message" frame remembers its sender and
 * id: the sender's delivery "delivered" is sent once the re-sealed copy
 * was written to the recipient's socket, and "failed" (recipient_offline)
 * if the recipient goes away first.
 */
#ifndef SECMSGD_CONN_H
#define SECMSGD_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libwebsockets.h>

#include "daemon.h"
#include "proto.h"
#include "ratelimit.h"

enum conn_state {
	CS_HELLO,	/* waiting for hello */
	CS_CONFIRM,	/* welcome sent, pending session, waiting for confirm */
	CS_READY,	/* authenticated */
	CS_CLOSING,	/* bye sent or being sent; input ignored */
};

/*
 * The delivery result of one relayed message, shared by its copies (one
 * per login of the recipient): delivered when the first copy is written,
 * failed when every copy was dropped unwritten.
 */
struct delivery {
	unsigned int refs;		/* copies queued, + the relay's hold */
	bool reported;
	uint64_t sender_cid, msg_id, t0;
};

struct outq {
	struct outq *next;
	size_t len;
	struct delivery *dl;		/* a relayed message, or NULL */
	unsigned char buf[];		/* LWS_PRE + len + 1 */
};

struct conn {
	struct conn *next, *prev;	/* D.conns */
	struct conn *unext;		/* user's ready connections */
	struct user *user;		/* when ready */
	struct lws *wsi;
	uint64_t cid;			/* connection number, never reused */
	enum conn_state state;
	bool authenticated;		/* reached ready once */
	char peer[64];
	char user_name[SECMSG_USER_ID_MAX + 1];	/* from hello */
	int alg;
	uint64_t session;		/* kernel session, 0: none */
	uint32_t epoch;
	struct bucket bucket;
	unsigned int errors;
	uint64_t t_connect, rl_logged;
	/* frame being received */
	char *rx;
	size_t rx_len, rx_cap;
	bool rx_too_large, rx_binary;
	uint64_t rx_t0;
	/* output */
	struct outq *qhead, *qtail;
	size_t qbytes;
	/* closing */
	int close_code;
	const char *why;		/* audit reason of the disconnect */
	int peer_close;			/* close code the client sent */
	lws_sorted_usec_list_t hs_timer;
	uint64_t resync_gen;
};

/* Number of errors after which a connection is closed (1008). */
#define CONN_MAX_ERRORS		10
/* Seconds a closing connection may take to drain. */
#define CONN_CLOSE_TIMEOUT	5

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

/* Queue a frame (takes text; NULL: out of memory, closes). */
void conn_send(struct conn *c, char *text);
/* A new delivery, held by the caller (refs 1); NULL: out of memory. */
struct delivery *delivery_new(uint64_t sender_cid, uint64_t msg_id,
			      uint64_t t0);
/*
 * Drop one reference: a copy written (written true: the sender learns
 * "delivered" if nobody told it yet), or dropped, or the caller's hold.
 * After the last one, a sender not told yet gets failure code and msg
 * (unless it is the connection `closing`); d is freed.
 */
void delivery_put(struct delivery *d, bool written, const char *code,
		  const char *msg, const struct conn *closing);
/*
 * Queue a relayed message (takes text) as one copy of delivery d; false
 * when out of memory.
 */
bool conn_send_msg(struct conn *c, char *text, size_t len,
		   struct delivery *d);
/*
 * Close: optional bye with reason, then a close frame with code.  The
 * session is deleted and the user goes offline at once; queued frames
 * are still written first.
 */
void conn_close(struct conn *c, int code, const char *bye, const char *why);
/* An error frame (counted; the 10th closes with 1008). */
void conn_error(struct conn *c, const char *code, const char *msg,
		bool has_id, uint64_t id);
/* code NULL: delivered */
void conn_delivery(struct conn *c, uint64_t id, const char *code,
		   const char *msg);
/* Announce a new epoch (when newer than the last one announced). */
void conn_epoch(struct conn *c, uint32_t epoch, int alg, const char *cause);
/* The kernel deleted the session (event, or resync). */
void conn_session_gone(struct conn *c, int event, int reason);

struct conn *conn_by_cid(uint64_t cid);
struct conn *conn_by_session(uint64_t sid);
/* Close every connection (SIGTERM). */
void conn_close_all(int code, const char *bye, const char *why);
/* Apply changed rate limits to every connection. */
void conn_reconfigure(void);

#endif
