/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The cluster's NATS messages, byte for byte (docs/cluster.md,
 * "Wire format").  Pure: building and strict parsing, no I/O;
 * host-tested.
 *
 * Every message: version (u8, 1), type (u8), the sending node's name
 * (u8 length, 1..32 bytes), its boot id (u64), then the type's body.
 * Integers are big-endian; names are a u8 length and that many bytes
 * (no NUL); byte strings a u32 (sealed messages) or u16 (handshakes)
 * length and the bytes.  Nothing may follow the body.
 *
 *   presence  seq u64, flags u8 (CW_F_LEAVING), n u32, n x {user, logins u8}
 *   relay     n u32, n x {ref u64, from user, to user, sealed u32+bytes}
 *   result    to_boot u64, n u32, n x {ref u64, code u8}
 *   link      step u8, session u64, handshake u16+bytes, reason name
 *   replace   user, n u8 (close the n oldest logins of user there)
 *
 * What crosses NATS is metadata (node and user names, references,
 * result codes, counts) and sealed bytes (messages under a link
 * session's keys, handshake messages): never a plaintext or a key.
 */
#ifndef SECMSGD_CLUSTER_WIRE_H
#define SECMSGD_CLUSTER_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/secmsg.h>

#define CW_VERSION	1
/* Node names: 1..32 of [A-Za-z0-9_-] (they are NATS subject tokens). */
#define CW_NODE_MAX	32	/* CONFIG_NODE_MAX */
/* Largest relay or result message built (NATS's default max_payload is
 * 1 MiB): a batch is published when the next item would not fit. */
#define CW_BATCH_MAX	(512 * 1024)

enum cw_type {
	CW_PRESENCE = 1,
	CW_RELAY = 2,
	CW_RESULT = 3,
	CW_LINK = 4,
	CW_REPLACE = 5,
};

/* presence flags */
#define CW_F_LEAVING	0x01	/* the node is shutting down: gone now */

/* link steps: request 1 -> reply 2, request 3 -> reply 4 or 5 */
enum cw_link_step {
	CW_LINK_MSG1 = 1,	/* initiator: message 1 */
	CW_LINK_MSG2 = 2,	/* responder: message 2, its pending session */
	CW_LINK_MSG3 = 3,	/* initiator: message 3 for that session */
	CW_LINK_OK = 4,		/* responder: the link is up */
	CW_LINK_REFUSED = 5,	/* responder: no (reason) */
};

/*
 * Result codes: what became of a relayed message on the node it was
 * shipped to.  The names are the protocol's failure codes.
 */
enum cw_code {
	CW_DELIVERED = 0,
	CW_RECIPIENT_OFFLINE,
	CW_RECIPIENT_UNKNOWN,
	CW_RATE_LIMITED,
	CW_MESSAGE_TOO_LARGE,
	CW_BAD_MESSAGE,
	CW_INTERNAL,
	CW_NODE_UNREACHABLE,
	CW_CODE__N
};

/* "recipient_offline" ... (NULL for CW_DELIVERED and unknown codes). */
const char *cw_code_name(unsigned int code);
/* The code of a protocol failure name (CW_INTERNAL for unknown ones). */
enum cw_code cw_code_of(const char *name);

/* config_name_valid(): the one rule for node names */
bool cw_node_valid(const char *name);

/* ---- building ---- */

struct cw_buf {
	uint8_t *p;
	size_t len, cap;
	bool oom;
	size_t count_at;	/* where the item count goes */
	uint32_t count;
};

void cw_buf_free(struct cw_buf *b);
/* Empty it, keeping the memory. */
void cw_buf_reset(struct cw_buf *b);

/* The header; type's body follows. */
void cw_begin(struct cw_buf *b, enum cw_type type, const char *node,
	      uint64_t boot);

void cw_presence_begin(struct cw_buf *b, const char *node, uint64_t boot,
		       uint64_t seq, uint8_t flags);
void cw_presence_add(struct cw_buf *b, const char *user, unsigned int n);

void cw_relay_begin(struct cw_buf *b, const char *node, uint64_t boot);
/* Bytes an item takes (to keep a batch under CW_BATCH_MAX). */
size_t cw_relay_item_size(const char *from, const char *to, size_t len);
void cw_relay_add(struct cw_buf *b, uint64_t ref, const char *from,
		  const char *to, const uint8_t *sealed, size_t len);

void cw_result_begin(struct cw_buf *b, const char *node, uint64_t boot,
		     uint64_t to_boot);
#define CW_RESULT_ITEM_SIZE	9
void cw_result_add(struct cw_buf *b, uint64_t ref, enum cw_code code);

void cw_link(struct cw_buf *b, const char *node, uint64_t boot,
	     enum cw_link_step step, uint64_t session, const uint8_t *hs,
	     size_t hs_len, const char *reason);

void cw_replace(struct cw_buf *b, const char *node, uint64_t boot,
		const char *user, unsigned int n);

/* Patch the item count in; false when out of memory (b->oom). */
bool cw_end(struct cw_buf *b);

/* ---- parsing ---- */

struct cw_reader {
	const uint8_t *p, *end;
	bool bad;
};

struct cw_head {
	enum cw_type type;
	char node[CW_NODE_MAX + 1];
	uint64_t boot;
};

/* The header of a message: 0, or -EINVAL (bad), -EPROTO (version). */
int cw_head(const uint8_t *msg, size_t len, struct cw_head *h,
	    struct cw_reader *r);

int cw_presence_read(struct cw_reader *r, uint64_t *seq, uint8_t *flags,
		     uint32_t *n);
int cw_presence_next(struct cw_reader *r, char user[SECMSG_USER_ID_MAX + 1],
		     unsigned int *logins);

int cw_relay_read(struct cw_reader *r, uint32_t *n);
int cw_relay_next(struct cw_reader *r, uint64_t *ref,
		  char from[SECMSG_USER_ID_MAX + 1],
		  char to[SECMSG_USER_ID_MAX + 1], const uint8_t **sealed,
		  size_t *len);

int cw_result_read(struct cw_reader *r, uint64_t *to_boot, uint32_t *n);
int cw_result_next(struct cw_reader *r, uint64_t *ref, unsigned int *code);

struct cw_link_msg {
	enum cw_link_step step;
	uint64_t session;
	const uint8_t *hs;	/* into the message */
	size_t hs_len;
	char reason[256];
};
int cw_link_read(struct cw_reader *r, struct cw_link_msg *m);

int cw_replace_read(struct cw_reader *r, char user[SECMSG_USER_ID_MAX + 1],
		    unsigned int *n);

/* After the last item: 0 when everything was read and nothing is left. */
int cw_done(const struct cw_reader *r);

#endif
