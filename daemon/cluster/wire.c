// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The cluster's NATS messages (see wire.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "secmsg/handshake.h"

#include "../config.h"
#include "wire.h"

static const char *const code_names[CW_CODE__N] = {
	[CW_DELIVERED] = NULL,
	[CW_RECIPIENT_OFFLINE] = "recipient_offline",
	[CW_RECIPIENT_UNKNOWN] = "recipient_unknown",
	[CW_RATE_LIMITED] = "rate_limited",
	[CW_MESSAGE_TOO_LARGE] = "message_too_large",
	[CW_BAD_MESSAGE] = "bad_message",
	[CW_INTERNAL] = "internal",
	[CW_NODE_UNREACHABLE] = "node_unreachable",
};

const char *cw_code_name(unsigned int code)
{
	return code < CW_CODE__N ? code_names[code] : NULL;
}

enum cw_code cw_code_of(const char *name)
{
	unsigned int i;

	for (i = 1; i < CW_CODE__N; i++)
		if (name && !strcmp(name, code_names[i]))
			return i;
	return CW_INTERNAL;
}

bool cw_node_valid(const char *name)
{
	return config_name_valid(name);
}

/* ---- building ---- */

void cw_buf_free(struct cw_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

void cw_buf_reset(struct cw_buf *b)
{
	b->len = 0;
	b->oom = false;
	b->count_at = 0;
	b->count = 0;
}

static uint8_t *room(struct cw_buf *b, size_t n)
{
	uint8_t *p;

	if (b->oom)
		return NULL;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + n)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return NULL;
		}
		b->p = p;
		b->cap = cap;
	}
	p = b->p + b->len;
	b->len += n;
	return p;
}

static void put_u8(struct cw_buf *b, uint8_t v)
{
	uint8_t *p = room(b, 1);

	if (p)
		*p = v;
}

static void put_be(struct cw_buf *b, uint64_t v, unsigned int bytes)
{
	uint8_t *p = room(b, bytes);
	unsigned int i;

	for (i = 0; p && i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
}

static void put_mem(struct cw_buf *b, const void *data, size_t len)
{
	uint8_t *p = len ? room(b, len) : NULL;

	if (p)
		memcpy(p, data, len);
}

/* A name: u8 length and the bytes (at most 255). */
static void put_name(struct cw_buf *b, const char *s)
{
	size_t n = strnlen(s, 255);

	put_u8(b, (uint8_t)n);
	put_mem(b, s, n);
}

void cw_begin(struct cw_buf *b, enum cw_type type, const char *node,
	      uint64_t boot)
{
	cw_buf_reset(b);
	put_u8(b, CW_VERSION);
	put_u8(b, (uint8_t)type);
	put_name(b, node);
	put_be(b, boot, 8);
}

static void begin_count(struct cw_buf *b)
{
	b->count_at = b->len;
	b->count = 0;
	put_be(b, 0, 4);
}

void cw_presence_begin(struct cw_buf *b, const char *node, uint64_t boot,
		       uint64_t seq, uint8_t flags)
{
	cw_begin(b, CW_PRESENCE, node, boot);
	put_be(b, seq, 8);
	put_u8(b, flags);
	begin_count(b);
}

void cw_presence_add(struct cw_buf *b, const char *user, unsigned int n)
{
	put_name(b, user);
	put_u8(b, (uint8_t)(n > 255 ? 255 : n));
	b->count++;
}

void cw_relay_begin(struct cw_buf *b, const char *node, uint64_t boot)
{
	cw_begin(b, CW_RELAY, node, boot);
	begin_count(b);
}

size_t cw_relay_item_size(const char *from, const char *to, size_t len)
{
	return 8 + 1 + strlen(from) + 1 + strlen(to) + 4 + len;
}

void cw_relay_add(struct cw_buf *b, uint64_t ref, const char *from,
		  const char *to, const uint8_t *sealed, size_t len)
{
	put_be(b, ref, 8);
	put_name(b, from);
	put_name(b, to);
	put_be(b, len, 4);
	put_mem(b, sealed, len);
	b->count++;
}

void cw_result_begin(struct cw_buf *b, const char *node, uint64_t boot,
		     uint64_t to_boot)
{
	cw_begin(b, CW_RESULT, node, boot);
	put_be(b, to_boot, 8);
	begin_count(b);
}

void cw_result_add(struct cw_buf *b, uint64_t ref, enum cw_code code)
{
	put_be(b, ref, 8);
	put_u8(b, (uint8_t)code);
	b->count++;
}

void cw_link(struct cw_buf *b, const char *node, uint64_t boot,
	     enum cw_link_step step, uint64_t session, const uint8_t *hs,
	     size_t hs_len, const char *reason)
{
	cw_begin(b, CW_LINK, node, boot);
	put_u8(b, (uint8_t)step);
	put_be(b, session, 8);
	put_be(b, hs_len, 2);
	put_mem(b, hs, hs_len);
	put_name(b, reason ? reason : "");
}

void cw_replace(struct cw_buf *b, const char *node, uint64_t boot,
		const char *user, unsigned int n)
{
	cw_begin(b, CW_REPLACE, node, boot);
	put_name(b, user);
	put_u8(b, (uint8_t)(n > 255 ? 255 : n));
}

bool cw_end(struct cw_buf *b)
{
	unsigned int i;

	if (b->oom)
		return false;
	if (b->count_at)
		for (i = 0; i < 4; i++)
			b->p[b->count_at + i] =
				(uint8_t)(b->count >> (8 * (3 - i)));
	return true;
}

/* ---- parsing ---- */

static const uint8_t *take(struct cw_reader *r, size_t n)
{
	const uint8_t *p = r->p;

	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		return NULL;
	}
	r->p += n;
	return p;
}

static uint64_t get_be(struct cw_reader *r, unsigned int bytes)
{
	const uint8_t *p = take(r, bytes);
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; p && i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

/* A name of at most max bytes, no NUL inside, into out[max + 1]. */
static void get_name(struct cw_reader *r, char *out, size_t max)
{
	size_t n = (size_t)get_be(r, 1);
	const uint8_t *p = take(r, n);

	out[0] = '\0';
	if (!p)
		return;
	if (n > max || memchr(p, 0, n)) {
		r->bad = true;
		return;
	}
	memcpy(out, p, n);
	out[n] = '\0';
}

static int status(const struct cw_reader *r)
{
	return r->bad ? -EINVAL : 0;
}

int cw_head(const uint8_t *msg, size_t len, struct cw_head *h,
	    struct cw_reader *r)
{
	unsigned int version;

	r->p = msg;
	r->end = msg + len;
	r->bad = false;
	memset(h, 0, sizeof(*h));
	version = (unsigned int)get_be(r, 1);
	h->type = (enum cw_type)get_be(r, 1);
	if (!r->bad && version != CW_VERSION)
		return -EPROTO;
	get_name(r, h->node, CW_NODE_MAX);
	h->boot = get_be(r, 8);
	if (!r->bad && (!cw_node_valid(h->node) || h->type < CW_PRESENCE ||
			h->type > CW_REPLACE))
		r->bad = true;
	return status(r);
}

/* A count of items each at least min bytes long: no more than fit. */
static uint32_t get_count(struct cw_reader *r, size_t min)
{
	uint32_t n = (uint32_t)get_be(r, 4);

	if (!r->bad && (size_t)(r->end - r->p) / min < n)
		r->bad = true;
	return r->bad ? 0 : n;
}

int cw_presence_read(struct cw_reader *r, uint64_t *seq, uint8_t *flags,
		     uint32_t *n)
{
	*seq = get_be(r, 8);
	*flags = (uint8_t)get_be(r, 1);
	*n = get_count(r, 3);
	return status(r);
}

static void get_user(struct cw_reader *r, char *out)
{
	get_name(r, out, SECMSG_USER_ID_MAX);
	if (!r->bad && !secmsg_user_id_valid(out))
		r->bad = true;
}

int cw_presence_next(struct cw_reader *r, char user[SECMSG_USER_ID_MAX + 1],
		     unsigned int *logins)
{
	get_user(r, user);
	*logins = (unsigned int)get_be(r, 1);
	if (!r->bad && !*logins)
		r->bad = true;
	return status(r);
}

int cw_relay_read(struct cw_reader *r, uint32_t *n)
{
	*n = get_count(r, 8 + 2 + 2 + 4);
	return status(r);
}

int cw_relay_next(struct cw_reader *r, uint64_t *ref,
		  char from[SECMSG_USER_ID_MAX + 1],
		  char to[SECMSG_USER_ID_MAX + 1], const uint8_t **sealed,
		  size_t *len)
{
	*ref = get_be(r, 8);
	get_user(r, from);
	get_user(r, to);
	*len = (size_t)get_be(r, 4);
	*sealed = take(r, *len);
	if (r->bad) {
		*sealed = NULL;
		*len = 0;
	}
	return status(r);
}

int cw_result_read(struct cw_reader *r, uint64_t *to_boot, uint32_t *n)
{
	*to_boot = get_be(r, 8);
	*n = get_count(r, CW_RESULT_ITEM_SIZE);
	return status(r);
}

int cw_result_next(struct cw_reader *r, uint64_t *ref, unsigned int *code)
{
	*ref = get_be(r, 8);
	*code = (unsigned int)get_be(r, 1);
	if (!r->bad && *code >= CW_CODE__N)
		r->bad = true;
	return status(r);
}

int cw_link_read(struct cw_reader *r, struct cw_link_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->step = (enum cw_link_step)get_be(r, 1);
	m->session = get_be(r, 8);
	m->hs_len = (size_t)get_be(r, 2);
	m->hs = take(r, m->hs_len);
	get_name(r, m->reason, sizeof(m->reason) - 1);
	if (!r->bad && (m->step < CW_LINK_MSG1 || m->step > CW_LINK_REFUSED))
		r->bad = true;
	if (r->bad) {
		m->hs = NULL;
		m->hs_len = 0;
	}
	return status(r);
}

int cw_replace_read(struct cw_reader *r, char user[SECMSG_USER_ID_MAX + 1],
		    unsigned int *n)
{
	get_user(r, user);
	*n = (unsigned int)get_be(r, 1);
	if (!r->bad && !*n)
		r->bad = true;
	return status(r);
}

int cw_done(const struct cw_reader *r)
{
	return r->bad || r->p != r->end ? -EINVAL : 0;
}
