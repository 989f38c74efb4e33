/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The WebSocket protocol of docs/protocol.md section 5: parsing and
 * validating client frames (cJSON) into struct frame, and building the
 * server's frames.  Pure: no sockets, no kernel; host-tested.
 *
 * Every buffer that held frame contents is wiped before it is freed
 * (proto_init() installs cJSON hooks that wipe on free).
 */
#ifndef SECMSGD_PROTO_H
#define SECMSGD_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/secmsg.h>

#define PROTO_VERSION		1
#define PROTO_SUBPROTOCOL	"secmsg.v1"
/* Largest sealed message the kernel can take (RESEAL input). */
#define PROTO_MAX_SEALED	(SECMSG_MAX_PLAINTEXT + SECMSG_MAX_OVERHEAD)
/* Largest handshake message we decode (message 1 is at most 129 bytes). */
#define PROTO_MAX_HANDSHAKE	1024
/* Message ids: integers 0 .. 2^53 - 1. */
#define PROTO_MAX_ID		((1ULL << 53) - 1)

enum frame_type {
	F_NONE,
	F_HELLO,
	F_CONFIRM,
	F_MESSAGE,
	F_ROTATE,
	F_WHO,
	F_BYE,
};

struct frame {
	enum frame_type type;
	/* message "id", also echoed in an error about the frame */
	bool has_id;
	uint64_t id;
	/* hello */
	bool user_valid;		/* a well-formed user id */
	char user[SECMSG_USER_ID_MAX + 1];
	int alg;			/* hello, rotate (0: none given) */
	uint8_t *hs;			/* hello, confirm: handshake message */
	size_t hs_len;
	bool has_pubkey;
	uint8_t pubkey[SECMSG_X25519_LEN];
	/* message */
	bool to_valid;
	char to[SECMSG_USER_ID_MAX + 1];
	uint8_t *data;			/* NULL when too_large */
	size_t data_len;
	bool too_large;			/* data longer than PROTO_MAX_SEALED */
};

/* An error to answer with: a code of the doc and a human message. */
struct proto_err {
	const char *code;
	char msg[160];
};

/* Install the wiping cJSON allocator; call once before anything else. */
void proto_init(void);

/* Strict UTF-8 (no overlongs, surrogates or code points > U+10FFFF). */
bool proto_utf8_valid(const char *s, size_t len);

/*
 * Parse one text frame of len bytes (not NUL-terminated).  Return 0 with
 * *f filled (free with frame_clear()), or -1 with *e set: bad_json,
 * bad_field, bad_base64, unknown_type, or internal (out of memory; an
 * allocation failing before the type and id were read is tried once
 * more).  f->type and f->has_id/f->id are set when they were found, even
 * on error.
 */
int proto_parse(const char *text, size_t len, struct frame *f,
		struct proto_err *e);
/* Wipe and free what proto_parse() allocated. */
void frame_clear(struct frame *f);

/*
 * Standard base64 with padding (RFC 4648 section 4), as the doc says:
 * -EINVAL unless the length is a multiple of 4 and the codec accepts it,
 * -EMSGSIZE when the result exceeds room.
 */
long proto_b64_decode(const char *in, size_t len, uint8_t *out, size_t room);
/* Decoded size of a base64 text of len characters (upper bound). */
size_t proto_b64_decoded_max(size_t len);

/*
 * Builders: a malloc'ed NUL-terminated JSON text (free with
 * proto_free_text()), or NULL when out of memory.
 */
char *proto_welcome(uint64_t session, const uint8_t *msg2, size_t len);
char *proto_ready(uint64_t session, const char *user, int alg,
		  uint32_t epoch, const char *const *online, size_t n);
char *proto_error(const char *code, const char *msg, bool has_id,
		  uint64_t id);
char *proto_bye(const char *reason);
char *proto_delivered(uint64_t id);
char *proto_failed(uint64_t id, const char *code, const char *msg);
char *proto_message(const char *from, const uint8_t *data, size_t len,
		    size_t *out_len);
char *proto_epoch(uint32_t epoch, int alg);
char *proto_online(const char *const *users, size_t n);
char *proto_presence(const char *user, bool online);
void proto_free_text(char *s);

/* "0123456789abcdef" form of a session id (17 bytes of room). */
void proto_session_hex(uint64_t id, char out[17]);

#endif
