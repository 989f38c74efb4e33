/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-message operations.  Each writes its output as one attribute of the
 * reply skb, reading its input from the request's attribute: SEAL and
 * OPEN go from one to the other out of place (separate source and
 * destination scatterlists, no copy of the input first); RESEAL opens out
 * of place the same way, straight to where the destination's text goes
 * in the reply attribute, and seals it there.  No buffer is allocated per
 * message, and a RESEAL's plaintext exists only inside the attribute
 * between the open and the seal that overwrites it (for a RESEAL to
 * several sessions: opened out of place into the reply skb's tailroom,
 * sealed out of place from there to each destination, wiped after the
 * last seal).
 */
#ifndef _SECMSG_MSG_H
#define _SECMSG_MSG_H

#include <linux/netlink.h>
#include <linux/skbuff.h>

#include "aead.h"
#include "netns.h"

struct secmsg_msg_in {
	u8 op;			/* enum secmsg_msg_op */
	u64 id;
	u64 peer_id;		/* RESEAL to one session */
	const u8 *data;
	unsigned int len;
};

struct secmsg_msg_out {
	u32 epoch;
	u64 seq;
	u8 reason;		/* enum secmsg_fail, when the op failed */
};

/*
 * A RESEAL to several sessions: the message opened once, its plaintext
 * (pt, len) in the reply skb's tailroom (buf, buf_len) until
 * secmsg_msg_close() wipes it.
 */
struct secmsg_opened {
	u8 *buf;
	unsigned int buf_len;
	const u8 *pt;
	unsigned int len;
};

/* Tailroom a RESEAL to several sessions needs besides its results. */
#define SECMSG_SCRATCH_ROOM(in_len)	((in_len) + sizeof(u64))

/* Reply room an op needs for its output attribute. */
static inline unsigned int secmsg_msg_room(unsigned int in_len)
{
	return nla_total_size(in_len + SECMSG_MAX_OVERHEAD);
}

/* The least a message adds to its plaintext: the header and a 16-byte tag. */
#define SECMSG_MIN_OVERHEAD	(SECMSG_HDR_LEN + SECMSG_AEAD_TAG_LEN)

/*
 * Reply room op's output attribute keeps once done: a SEAL's message, an
 * OPEN's text (less than its input), a RESEAL's message (its input less
 * at least SECMSG_MIN_OVERHEAD, then at most SECMSG_MAX_OVERHEAD more).
 * While it runs an op takes up to secmsg_msg_room() (its output reserved
 * at the largest, then shrunk), so a batch's reply needs the sum of these
 * and, once, the largest difference.
 */
static inline unsigned int secmsg_msg_done_room(u8 op, unsigned int in_len)
{
	switch (op) {
	case SECMSG_MSG_OPEN:
		return nla_total_size(in_len);
	case SECMSG_MSG_RESEAL:
		return nla_total_size(max_t(unsigned int, in_len,
					    SECMSG_MIN_OVERHEAD) -
				      SECMSG_MIN_OVERHEAD + SECMSG_MAX_OVERHEAD);
	default:
		return secmsg_msg_room(in_len);
	}
}

int secmsg_msg_do(struct secmsg_net *sn, struct secmsg_req *r,
		  const struct secmsg_msg_in *in, struct sk_buff *skb,
		  int attrtype, struct secmsg_msg_out *out,
		  struct netlink_ext_ack *extack);
/*
 * RESEAL to several sessions, one straight line: secmsg_msg_open_once()
 * makes what each of the ndests destinations' seals needs, then opens the
 * message of session in->id (0 or the errno of out->reason);
 * then, for each destination, secmsg_msg_scratch_free() says whether its
 * result (room bytes) fits below the plaintext, and secmsg_msg_seal_copy()
 * seals the plaintext to session id as attribute attrtype of skb; last,
 * secmsg_msg_close() wipes the plaintext.
 */
int secmsg_msg_open_once(struct secmsg_net *sn, struct secmsg_req *r,
			 const struct secmsg_msg_in *in, const u64 *dests,
			 unsigned int ndests, struct sk_buff *skb,
			 struct secmsg_opened *o, struct secmsg_msg_out *out);
bool secmsg_msg_scratch_free(const struct sk_buff *skb,
			     const struct secmsg_opened *o, unsigned int room);
int secmsg_msg_seal_copy(struct secmsg_net *sn, struct secmsg_req *r,
			 u64 id, const struct secmsg_opened *o,
			 struct sk_buff *skb, int attrtype,
			 struct secmsg_msg_out *out);
void secmsg_msg_close(struct secmsg_opened *o);

#endif
