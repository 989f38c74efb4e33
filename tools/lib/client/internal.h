/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * libsecmsg client internals: the pieces of tools/lib/client/ and their host
 * tests.  Not installed, not part of the API.
 *
 *   errors.c   error codes and words
 *   session.c  session crypto: seal, open, epoch ratchet, replay
 *   frame.c    JSON frames (cJSON): build and parse
 *   queue.c    outgoing frame queue
 *   ws.c       transport: libwebsockets, the poll descriptor, sending
 *   outbox.c   messages out: sealed and sent, or held over a rotation;
 *              pending until their delivery
 *   proto.c    the protocol: handshake, frame dispatch, callbacks
 *   api.c      the public API
 *
 * Calls go one way, down this list read from the bottom: api.c calls the
 * rest, proto.c calls outbox.c and ws.c, outbox.c calls ws.c.  The
 * transport reports what happens on the connection up through the
 * struct client_ws_events that proto.c gives it.
 */
#ifndef SECMSG_CLIENT_INT_H
#define SECMSG_CLIENT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cJSON.h>

#include "secmsg/client.h"
#include "secmsg/handshake.h"
#include "secmsg/wire.h"

/* ---- errors.c ----------------------------------------------------------- */
/* An error or delivery code of the protocol -> SECMSG_CLIENT_E_*. */
int client_err_from_code(const char *code);

/* ---- session.c ---------------------------------------------------------- */
/* Seconds the previous epoch's inbound key is kept after a ratchet. */
#define CLIENT_PREV_GRACE_SEC	10

struct client_session {
	bool active;
	uint64_t id;
	int alg;			/* current epoch's algorithm */
	uint32_t epoch;
	struct secmsg_dir_keys tx;	/* c2s at epoch */
	struct secmsg_dir_keys rx;	/* s2c at epoch */
	uint64_t tx_seq;		/* next c2s sequence number */
	struct secmsg_replay rx_replay;
	/* epoch - 1 inbound (key and salt only), until prev_until */
	bool has_prev;
	int prev_alg;
	struct secmsg_dir_keys rx_prev;
	struct secmsg_replay rx_prev_replay;
	struct timespec prev_until;	/* CLOCK_MONOTONIC */
	/* tx, rx and rx_prev keyed once per epoch (secmsg_msg_ctx_for) */
	struct secmsg_msg_ctx *txc, *rxc, *prevc;
};

/* What client_session_open() found in the header. */
struct client_open_info {
	uint32_t epoch;
	int alg;
	uint64_t seq;
	bool advanced;			/* the session followed a newer epoch */
};

int client_session_init(struct client_session *s, uint64_t id, int alg,
			const uint8_t c2s[SECMSG_KEY_LEN],
			const uint8_t s2c[SECMSG_KEY_LEN]);
void client_session_wipe(struct client_session *s);
/*
 * Move both directions to epoch under alg.  0 when moved or already there
 * (same algorithm); E_EPOCH for an older epoch or one more than
 * SECMSG_CLIENT_MAX_EPOCH_JUMP ahead; E_PROTOCOL for the current epoch
 * with another algorithm; E_INVAL for a bad algorithm.
 */
int client_session_advance(struct client_session *s, uint32_t epoch,
			   int alg);
/* Room for the sealed form of n plaintext bytes. */
size_t client_session_sealed_max(size_t n);
/* Seal pt under the current epoch: bytes written or negative code. */
long client_session_seal(struct client_session *s, const uint8_t *pt,
			 size_t len, uint8_t *out);
/*
 * Open a message from the server.  A header of a newer epoch (at most
 * SECMSG_CLIENT_MAX_EPOCH_JUMP ahead) is opened with ratcheted copies of
 * the keys, and only when it authenticates does the session move to that
 * epoch (info->advanced).  out needs len bytes.  Returns the plaintext
 * length or E_DECRYPT, E_REPLAY, E_EPOCH, E_PROTOCOL (bad header).
 */
long client_session_open(struct client_session *s, const uint8_t *msg,
			 size_t len, uint8_t *out,
			 struct client_open_info *info);

/* ---- frame.c ------------------------------------------------------------ */
enum client_frame_type {
	CF_UNKNOWN,
	CF_WELCOME,
	CF_READY,
	CF_MESSAGE,
	CF_DELIVERY,
	CF_EPOCH,
	CF_ONLINE,
	CF_PRESENCE,
	CF_ERROR,
	CF_BYE,
};

/* A parsed server frame; strings point into root. */
struct client_frame {
	enum client_frame_type type;
	const char *type_name;
	cJSON *root;
	const char *session_hex;
	uint64_t session;		/* welcome, ready */
	const char *user;		/* ready, presence */
	const char *alg_name;		/* ready, epoch */
	int alg;
	const char *from;		/* message */
	uint8_t *data;			/* welcome handshake, message data */
	size_t data_len;
	uint64_t id;			/* delivery */
	bool delivered;			/* delivery status */
	const char *code;		/* delivery (failed), error */
	const char *message;		/* delivery, error */
	const char *reason;		/* bye */
	uint32_t epoch;			/* ready, epoch */
	bool online;			/* presence */
	const char **users;		/* ready, online */
	size_t n_users;
};

/* Largest frame accepted from the server (the daemon's max_frame). */
#define CLIENT_MAX_FRAME	(256 * 1024)

/*
 * Parse a server frame.  0, or E_PROTOCOL with *why (may be NULL) saying
 * what is wrong; unknown types parse as CF_UNKNOWN.  Free with
 * client_frame_free() in any case.
 */
int client_frame_parse(const char *json, size_t len, struct client_frame *f,
		       const char **why);
void client_frame_free(struct client_frame *f);

/* Frames to the server: malloc'd NUL-terminated JSON, NULL on ENOMEM. */
char *client_frame_hello(const char *user, const char *alg,
			 const uint8_t *msg1, size_t len,
			 const uint8_t *pubkey);
char *client_frame_confirm(const uint8_t *msg3, size_t len);
char *client_frame_message(uint64_t id, const char *to, const uint8_t *data,
			   size_t len);
char *client_frame_rotate(const char *alg);
char *client_frame_who(void);
char *client_frame_bye(const char *reason);

/* ---- queue.c ------------------------------------------------------------ */
struct client_out {
	struct client_out *next;
	size_t len;
	unsigned char *buf;		/* pre bytes of headroom, then len */
};

struct client_queue {
	struct client_out *head, *tail;
	size_t count;
	size_t pre;			/* headroom (LWS_PRE) */
};

/* Queue json (taking ownership, freed in any case).  0 or E_NOMEM. */
int client_queue_push(struct client_queue *q, char *json);
/* The first frame, or NULL; pop frees it. */
struct client_out *client_queue_peek(struct client_queue *q);
void client_queue_pop(struct client_queue *q);
void client_queue_clear(struct client_queue *q);

/* A message out (outbox.c): pending a delivery, or held. */
struct client_pending {
	struct client_pending *next;
	uint64_t id;
	char to[SECMSG_USER_ID_MAX + 1];
	uint8_t *text;			/* held until a rotation completes */
	size_t len;
};

/* ---- the client -------------------------------------------------------- */
struct client_cbs {
	secmsg_client_state_cb state;
	void *state_ud;
	secmsg_client_received_cb received;
	void *received_ud;
	secmsg_client_decrypted_cb decrypted;
	void *decrypted_ud;
	secmsg_client_delivery_cb delivery;
	void *delivery_ud;
	secmsg_client_presence_cb presence;
	void *presence_ud;
	secmsg_client_online_cb online;
	void *online_ud;
	secmsg_client_epoch_cb epoch;
	void *epoch_ud;
	secmsg_client_error_cb error;
	void *error_ud;
};

struct client_ws;

struct secmsg_client {
	/* where and who */
	char *url;
	bool tls;
	char *host;
	int port;
	char *path;
	char user[SECMSG_USER_ID_MAX + 1];
	int alg_req;
	bool have_key;
	uint8_t priv[SECMSG_KEY_LEN];
	uint8_t pub[SECMSG_KEY_LEN];
	uint8_t server_pub[SECMSG_KEY_LEN];
	bool send_pubkey;
	int timeout_ms;

	/* protocol */
	enum secmsg_client_state state;
	int last_err;			/* what ended the last connection */
	int close_err;			/* what the current one ends with */
	bool closing_sent;		/* bye queued */
	struct secmsg_hs_state hs;
	bool hs_live;
	struct client_session sess;
	uint64_t next_id;
	struct client_pending *pending;
	size_t n_pending;
	/*
	 * Rotations asked for and not yet answered by an epoch frame: texts
	 * sent meanwhile are held (held list, in order) and sealed under the
	 * new epoch, since the server accepts only one epoch back.
	 */
	unsigned int rotations_pending;
	struct client_pending *held, **held_tail;
	struct client_queue outq;
	/* the sealed form of the message being sent (outbox.c), reused */
	uint8_t *sealed;
	size_t sealed_cap;

	/* transport */
	struct client_ws *ws;

	struct client_cbs cb;
	unsigned int events;		/* callbacks run, for service/wait */
};

/* ---- ws.c --------------------------------------------------------------- */
/*
 * What the transport reports to the protocol above it.  Each is called
 * from inside client_ws_service() or client_ws_connect().
 */
struct client_ws_events {
	/* The WebSocket is open: the protocol starts. */
	void (*open)(struct secmsg_client *c);
	/* One whole text frame from the server. */
	void (*frame)(struct secmsg_client *c, const char *json, size_t len);
	/* A fatal error seen by the transport: the protocol closes. */
	void (*fail)(struct secmsg_client *c, int err, const char *detail);
	/* The connection could not be made; closed afterwards. */
	void (*connect_error)(struct secmsg_client *c, const char *detail);
	/* The server closes with this WebSocket status (0: none given). */
	void (*peer_close)(struct secmsg_client *c, unsigned int status);
	/* The connection ended (err: what ended it, 0 when asked to). */
	void (*closed)(struct secmsg_client *c, int err);
};

int client_ws_new(struct secmsg_client *c,
		  const struct client_ws_events *events);
void client_ws_free(struct secmsg_client *c);
int client_ws_connect(struct secmsg_client *c);
/* Queue a frame (taking json, freed in any case) and ask to write it. */
int client_ws_send(struct secmsg_client *c, char *json);
/* The protocol is ready: the connection's deadline is met. */
void client_ws_ready(struct secmsg_client *c);
/* Close the connection (after the queued frames when graceful). */
void client_ws_close(struct secmsg_client *c, bool graceful);
int client_ws_fd(const struct secmsg_client *c);
/* Wait at most timeout_ms for activity and service it. */
int client_ws_service(struct secmsg_client *c, int timeout_ms);
bool client_ws_open(const struct secmsg_client *c);
/* Monotonic milliseconds. */
int64_t client_now_ms(void);

/* ---- outbox.c ----------------------------------------------------------- */
/*
 * Send text to to as message *id: sealed and queued, or held while a
 * rotation is unanswered.  0, or a negative code (nothing kept).
 */
int client_outbox_send(struct secmsg_client *c, const char *to,
		       const void *text, size_t len, uint64_t *id);
/* A rotation asked for; and its answer (an epoch frame or an error). */
void client_outbox_rotation_asked(struct secmsg_client *c);
void client_outbox_rotation_answered(struct secmsg_client *c);
/* The pending message id, taken off the list (NULL: none); free() it. */
struct client_pending *client_outbox_take(struct secmsg_client *c,
					  uint64_t id);
/* The connection ended with err: every message still out fails with it. */
void client_outbox_fail_all(struct secmsg_client *c, int err);
/* Forget every message without a callback (the client is freed). */
void client_outbox_clear(struct secmsg_client *c);

/* ---- proto.c ------------------------------------------------------------ */
/* What the transport reports, handled by the protocol. */
extern const struct client_ws_events client_proto_events;
/* Open the connection (state connecting): 0 or a negative code. */
int client_proto_connect(struct secmsg_client *c);
/* One text frame from the server.  A fatal error sets c->close_err. */
void client_proto_frame(struct secmsg_client *c, const char *json,
			size_t len);
/* The connection ended (err: what ended it, or 0 when asked to). */
void client_proto_closed(struct secmsg_client *c, int err);
void client_proto_set_state(struct secmsg_client *c,
			    enum secmsg_client_state st, int err);

/* ---- api.c ------------------------------------------------------------- */
/* URL parsing: ws[s]://host[:port][/path]. */
int client_parse_url(struct secmsg_client *c, const char *url);

#endif
