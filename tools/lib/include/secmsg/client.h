/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * libsecmsg client: talk to secmsgd over WebSocket (docs/protocol.md
 * section 5) with the keys and ciphers on the client side: the Noise KK
 * handshake, the three AEADs, the epoch ratchet and a replay window.
 *
 *   struct secmsg_client *c = secmsg_client_new("ws://localhost:8765");
 *   struct secmsg_client_key key = { .file = "alice.key",
 *                                    .passphrase = pw, .passphrase_len = n };
 *   secmsg_client_on_message_decrypted(c, print_message, NULL);
 *   if (secmsg_client_connect(c, "alice", "aes_256_gcm", &key, server_pub))
 *           ...secmsg_client_strerror(err)...
 *   secmsg_client_send(c, "bob", "Hello", 5, &id);
 *   secmsg_client_rotate(c, "chacha20_poly1305");
 *   while (secmsg_client_wait(c, 1000) >= 0)
 *           ...callbacks run from inside wait...
 *   secmsg_client_disconnect(c);
 *   secmsg_client_free(c);
 *
 * Two ways to run it:
 *   - blocking: secmsg_client_connect() returns once the session is ready
 *     (or failed); secmsg_client_wait() services the connection until at
 *     least one callback ran or the timeout passed.
 *   - event loop: secmsg_client_connect_start() returns at once; poll
 *     secmsg_client_fd() for POLLIN (with a timeout of at most
 *     SECMSG_CLIENT_POLL_MAX_MS) and call secmsg_client_service(c, 0)
 *     whenever it is readable or the timeout passed.  The descriptor stays
 *     the same for the client's life, across reconnects.
 * Callbacks run only inside secmsg_client_service(), _wait(), _connect()
 * and _disconnect(); they may call secmsg_client_send(), _rotate(),
 * _who() and _disconnect_start(), not _free().  A client is not
 * thread-safe: use it from one thread.
 *
 * Every function that can fail returns 0 (or a count) on success and a
 * negative SECMSG_CLIENT_E_* code on failure; secmsg_client_strerror()
 * says it in words.  Nothing aborts or exits the caller.  Private keys,
 * traffic secrets and plaintext buffers are wiped (explicit_bzero) as
 * soon as they are no longer needed, and all of them by
 * secmsg_client_free().
 */
#ifndef SECMSG_CLIENT_H
#define SECMSG_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SECMSG_CLIENT_SUBPROTOCOL	"secmsg.v1"
#define SECMSG_CLIENT_DEFAULT_URL	"ws://localhost:8765"
#define SECMSG_CLIENT_DEFAULT_ALG	"aes_256_gcm"
/* Longest plaintext of one message (SECMSG_MAX_PLAINTEXT). */
#define SECMSG_CLIENT_MAX_TEXT		65280
/* Longest user id (SECMSG_USER_ID_MAX). */
#define SECMSG_CLIENT_USER_MAX		64
#define SECMSG_CLIENT_KEY_LEN		32
/* Event loops: poll secmsg_client_fd() with at most this timeout. */
#define SECMSG_CLIENT_POLL_MAX_MS	1000
/* A received header may move the session at most this many epochs ahead. */
#define SECMSG_CLIENT_MAX_EPOCH_JUMP	1024

/* Error codes (negative). */
enum secmsg_client_err {
	SECMSG_CLIENT_OK		= 0,
	SECMSG_CLIENT_E_INVAL		= -1,	/* bad argument */
	SECMSG_CLIENT_E_NOMEM		= -2,
	SECMSG_CLIENT_E_STATE		= -3,	/* not allowed in this state */
	SECMSG_CLIENT_E_URL		= -4,	/* bad server URL */
	SECMSG_CLIENT_E_CONNECT		= -5,	/* cannot reach the server */
	SECMSG_CLIENT_E_TIMEOUT		= -6,
	SECMSG_CLIENT_E_CLOSED		= -7,	/* connection lost */
	SECMSG_CLIENT_E_SHUTDOWN	= -8,	/* server going away (1001) */
	SECMSG_CLIENT_E_EXPIRED		= -9,	/* session expired (bye) */
	SECMSG_CLIENT_E_PROTOCOL	= -10,	/* the server broke the protocol */
	SECMSG_CLIENT_E_KEYFILE		= -11,	/* cannot read the key file */
	SECMSG_CLIENT_E_PASSPHRASE	= -12,	/* wrong passphrase / damaged */
	SECMSG_CLIENT_E_UNKNOWN_USER	= -13,	/* server: unknown_user */
	SECMSG_CLIENT_E_AUTH		= -14,	/* server: auth_failed */
	SECMSG_CLIENT_E_REPLAYED	= -15,	/* server: replayed */
	SECMSG_CLIENT_E_HANDSHAKE	= -16,	/* server: handshake_failed */
	SECMSG_CLIENT_E_SERVER_AUTH	= -17,	/* server failed to prove its key */
	SECMSG_CLIENT_E_DECRYPT		= -18,	/* inbound message not authentic */
	SECMSG_CLIENT_E_REPLAY		= -19,	/* inbound message replayed */
	SECMSG_CLIENT_E_EPOCH		= -20,	/* stale or too distant epoch */
	SECMSG_CLIENT_E_TOO_LARGE	= -21,	/* text or frame too large */
	SECMSG_CLIENT_E_CRYPTO		= -22,	/* local crypto failure */
	SECMSG_CLIENT_E_SERVER		= -23,	/* other error from the server */
	SECMSG_CLIENT_E_RATE_LIMITED	= -24,	/* server: rate_limited */
	SECMSG_CLIENT_E_EXHAUSTED	= -25,	/* sequence numbers used up */
	SECMSG_CLIENT_E_RECIPIENT_OFFLINE = -26, /* delivery failure codes: */
	SECMSG_CLIENT_E_RECIPIENT_UNKNOWN = -27,
	SECMSG_CLIENT_E_BAD_MESSAGE	= -28,
	SECMSG_CLIENT_E_INTERNAL	= -29,
	SECMSG_CLIENT_E_REPLACED	= -30,	/* a newer login took over */
	SECMSG_CLIENT_E_ALREADY_ONLINE	= -31,	/* one login per user: refused */
	SECMSG_CLIENT_E_REVOKED		= -32,	/* user removed or key changed */
	SECMSG_CLIENT_E_NODE_UNREACHABLE = -33,	/* the recipient's node did
						 * not confirm (cluster) */
	SECMSG_CLIENT_E_MAX		= -33,
};

/* A static message for any return value of this library. */
const char *secmsg_client_strerror(int err);
/* The protocol's name for an error ("auth_failed", ...), or NULL. */
const char *secmsg_client_err_code(int err);

/* Connection state, as reported by the state callback. */
enum secmsg_client_state {
	SECMSG_CLIENT_IDLE,		/* new, or disconnected */
	SECMSG_CLIENT_CONNECTING,	/* TCP, TLS, WebSocket upgrade */
	SECMSG_CLIENT_HANDSHAKE,	/* hello sent, waiting for ready */
	SECMSG_CLIENT_READY,		/* session active: send and receive */
	SECMSG_CLIENT_CLOSING,		/* disconnect requested */
};
const char *secmsg_client_state_name(enum secmsg_client_state st);

/*
 * The client's static X25519 key: either the 32-byte private key itself
 * (private_key non-NULL), or a key file (docs/protocol.md section 4) and
 * its passphrase.  The library keeps a copy of the private key for
 * reconnects and wipes it in secmsg_client_free().
 */
struct secmsg_client_key {
	const uint8_t *private_key;
	const char *file;
	const void *passphrase;
	size_t passphrase_len;
};

struct secmsg_client;

/*
 * A client for url: ws://HOST[:PORT][/PATH] or wss://... (port 8765 by
 * default).  NULL means SECMSG_CLIENT_DEFAULT_URL.  Returns NULL on a bad
 * URL or out of memory, with *err (may be NULL) set.
 */
struct secmsg_client *secmsg_client_new_err(const char *url, int *err);
struct secmsg_client *secmsg_client_new(const char *url);
/* Close the connection (without waiting) and wipe everything. */
void secmsg_client_free(struct secmsg_client *c);

/* Connect and handshake timeout, milliseconds (default 10000). */
void secmsg_client_set_timeout(struct secmsg_client *c, int timeout_ms);
/* Send the static public key in hello (registration on first use). */
void secmsg_client_set_register(struct secmsg_client *c, bool on);

/*
 * Connect as user with algorithm alg ("aes_256_gcm", "chacha20_poly1305",
 * "twofish_cbc"; NULL: the default), the static key and the server's
 * pinned static public key (32 bytes).  Blocks until the session is ready
 * (0) or failed (negative code: E_CONNECT, E_TIMEOUT, E_UNKNOWN_USER,
 * E_AUTH, E_SERVER_AUTH, E_PASSPHRASE, E_KEYFILE, ...).
 */
int secmsg_client_connect(struct secmsg_client *c, const char *user,
			  const char *alg, const struct secmsg_client_key *key,
			  const uint8_t server_pub[SECMSG_CLIENT_KEY_LEN]);
/* The same without waiting: progress shows in the state callback. */
int secmsg_client_connect_start(struct secmsg_client *c, const char *user,
				const char *alg,
				const struct secmsg_client_key *key,
				const uint8_t server_pub[SECMSG_CLIENT_KEY_LEN]);
/*
 * Connect again with the user, algorithm and keys of the last connect
 * (after the connection was lost, the server restarted...): a new
 * handshake and a new session.  _reconnect blocks like _connect.
 */
int secmsg_client_reconnect(struct secmsg_client *c);
int secmsg_client_reconnect_start(struct secmsg_client *c);

/*
 * Say bye and close; blocks (at most 2 s) until closed.  The client can
 * connect again afterwards.  _start only begins it.
 */
int secmsg_client_disconnect(struct secmsg_client *c);
int secmsg_client_disconnect_start(struct secmsg_client *c);

/*
 * Seal len bytes of text for user `to` and queue it.  *id (may be NULL)
 * gets the message's id, which the delivery callback reports.  Only when
 * READY.  E_TOO_LARGE above SECMSG_CLIENT_MAX_TEXT.  Every message sent
 * gets exactly one delivery callback: the server's result, or, when the
 * connection ends first, err is what ended it (or E_CLOSED).
 */
int secmsg_client_send(struct secmsg_client *c, const char *to,
		       const void *text, size_t len, uint64_t *id);
/*
 * Ask the server to rotate the session's keys, to algorithm alg (NULL:
 * keep it).  The new epoch arrives as an epoch callback.
 */
int secmsg_client_rotate(struct secmsg_client *c, const char *alg);
/* Ask who is online; the answer arrives as an online callback. */
int secmsg_client_who(struct secmsg_client *c);

/* Event loop form. */
int secmsg_client_fd(const struct secmsg_client *c);
/*
 * Service the connection: wait at most timeout_ms (0: do not wait) for
 * activity, handle it and run the callbacks.  Returns the number of
 * callbacks run (0 when none), or a negative code when the client is
 * idle and has nothing to do (E_STATE, or the error that closed the last
 * connection).
 */
int secmsg_client_service(struct secmsg_client *c, int timeout_ms);
/*
 * Blocking form: service until at least one callback ran (returns how
 * many) or timeout_ms passed (0; timeout_ms < 0: no timeout).  Negative
 * when the connection is closed: the error that closed it, or E_CLOSED.
 */
int secmsg_client_wait(struct secmsg_client *c, int timeout_ms);

/* State and session. */
enum secmsg_client_state secmsg_client_state(const struct secmsg_client *c);
/* The error that ended the last connection attempt or connection, or 0. */
int secmsg_client_last_error(const struct secmsg_client *c);
const char *secmsg_client_user(const struct secmsg_client *c);
/* Current algorithm name and epoch of the session. */
const char *secmsg_client_alg(const struct secmsg_client *c);
uint32_t secmsg_client_epoch(const struct secmsg_client *c);
uint64_t secmsg_client_session_id(const struct secmsg_client *c);
/* Messages sent that have no delivery result yet. */
size_t secmsg_client_pending(const struct secmsg_client *c);

/* The public key of a private key (X25519). */
int secmsg_client_public_key(const uint8_t priv[SECMSG_CLIENT_KEY_LEN],
			     uint8_t pub[SECMSG_CLIENT_KEY_LEN]);

/* ---- callbacks ------------------------------------------------------ */

/* A decrypted message; every pointer is valid during the callback only. */
struct secmsg_client_message {
	const char *from;
	const uint8_t *text;	/* plaintext, wiped after the callback */
	size_t len;
	const char *alg;	/* algorithm it was sealed with */
	uint32_t epoch;
	uint64_t seq;
	struct timespec time;	/* when it was received (CLOCK_REALTIME) */
};

/* The outcome of a secmsg_client_send(). */
struct secmsg_client_delivery {
	uint64_t id;
	const char *to;		/* the recipient, as given to send */
	bool delivered;
	int err;		/* 0, or E_RECIPIENT_OFFLINE, E_RATE_LIMITED... */
	const char *code;	/* the server's code ("recipient_offline"), or NULL */
	const char *message;	/* the server's words, or NULL */
};

typedef void (*secmsg_client_state_cb)(struct secmsg_client *c,
				       enum secmsg_client_state st, int err,
				       void *ud);
/* Still encrypted: the sealed message as the server delivered it. */
typedef void (*secmsg_client_received_cb)(struct secmsg_client *c,
					  const char *from,
					  const uint8_t *sealed, size_t len,
					  void *ud);
typedef void (*secmsg_client_decrypted_cb)(
	struct secmsg_client *c, const struct secmsg_client_message *m,
	void *ud);
typedef void (*secmsg_client_delivery_cb)(
	struct secmsg_client *c, const struct secmsg_client_delivery *d,
	void *ud);
/* A user came online or went offline. */
typedef void (*secmsg_client_presence_cb)(struct secmsg_client *c,
					  const char *user, bool online,
					  void *ud);
/*
 * The users online: on ready, the others (not this client's user); in
 * answer to secmsg_client_who(), everyone, this user included.
 */
typedef void (*secmsg_client_online_cb)(struct secmsg_client *c,
					const char *const *users, size_t n,
					void *ud);
/* The session's keys moved to epoch, under algorithm alg. */
typedef void (*secmsg_client_epoch_cb)(struct secmsg_client *c,
				       uint32_t epoch, const char *alg,
				       void *ud);
/*
 * Something went wrong that does not end the connection (an error frame,
 * a message that did not decrypt...), or that does (then the state
 * callback follows).  detail: the server's message or a description.
 */
typedef void (*secmsg_client_error_cb)(struct secmsg_client *c, int err,
				       const char *detail, void *ud);

void secmsg_client_on_state(struct secmsg_client *c,
			    secmsg_client_state_cb cb, void *ud);
void secmsg_client_on_message_received(struct secmsg_client *c,
				       secmsg_client_received_cb cb, void *ud);
void secmsg_client_on_message_decrypted(struct secmsg_client *c,
					secmsg_client_decrypted_cb cb,
					void *ud);
void secmsg_client_on_delivery(struct secmsg_client *c,
			       secmsg_client_delivery_cb cb, void *ud);
void secmsg_client_on_presence(struct secmsg_client *c,
			       secmsg_client_presence_cb cb, void *ud);
void secmsg_client_on_online(struct secmsg_client *c,
			     secmsg_client_online_cb cb, void *ud);
void secmsg_client_on_epoch(struct secmsg_client *c,
			    secmsg_client_epoch_cb cb, void *ud);
void secmsg_client_on_error(struct secmsg_client *c,
			    secmsg_client_error_cb cb, void *ud);

#ifdef __cplusplus
}
#endif

#endif
