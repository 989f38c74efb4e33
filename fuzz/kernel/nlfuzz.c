// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: a coverage-guided fuzzer of secmsg.ko's generic netlink family,
 * driven by its YNL spec (uapi/secmsg.yaml, as the tables fuzz/kernel/spec2c
 * writes: every command, every attribute's type, checks and nesting).
 *
 * A program is a sequence of up to NF_MAX_CALLS requests.  Each request is
 * built from the spec: a command (now and then one the family does not
 * have), the attributes its requests carry (some left out, some repeated,
 * some from another command or beyond the set), values at and around the
 * checks' limits and the enums' values, lengths right and wrong (also
 * nla_len lies), nests from their nested sets.  Session ids come from the
 * replies of earlier requests, the data of OPEN and RESEAL from earlier
 * SEALs, and handshake messages 1 and 3 are genuine ones (libsecmsg's
 * client, for the users the program registered with keys the fuzzer
 * knows, to the identity it set), so that programs reach past the lookups
 * and the authentication.  A few sessions' worth of
 * state builds up in one network namespace; every NF_NETNS_EVERY programs
 * the fuzzer moves to a new one (the old one's exit runs too).
 *
 * With KCOV (/sys/kernel/debug/kcov, the debug kernel: secmsg.ko built with
 * KCOV_INSTRUMENT) each request's trace gives the edges of secmsg.ko it ran;
 * a program that reaches a new edge joins the corpus, and new programs are
 * mostly mutations of corpus programs, as syzkaller does.  Without KCOV the
 * programs are generated and mutated all the same, unguided.
 *
 * It asserts (TAP): every request is answered (an ACK, an error or a dump's
 * end) within the timeout; replies carry only attributes the spec lists for
 * their command; the kernel is not tainted by the run; and, with KCOV, the
 * edges, PCs and functions of secmsg.ko reached.  Kernel reports (KASAN,
 * lockdep, UBSAN, ...) fail the run through selftests/run's log scan.
 *
 *   nlfuzz [-n MESSAGES] [-t SECONDS] [-s SEED] [-c CORPUS_DIR] [-v]
 *
 * Defaults: 20,000 messages, no time limit; -t stops at whichever comes
 * first (-n 0: only the time).  -c loads the programs saved in CORPUS_DIR
 * and saves there each new one that reaches a new edge.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <secmsg/handshake.h>
#include "rawnl.h"

enum nf_kind {
	NF_UNUSED, NF_PAD, NF_FLAG, NF_U8, NF_U16, NF_U32, NF_U64,
	NF_STRING, NF_BINARY, NF_NEST,
};

struct nf_attr {
	const char *name;
	int type;
	enum nf_kind kind;
	int nest;		/* index in nf_sets, or -1 */
	int has_range;
	uint64_t min, max;	/* checks: min, max */
	unsigned int exact_len, max_len;
	int multi;
	const uint64_t *enum_vals;
	unsigned int n_enum;
};

struct nf_set {
	const char *name;
	const struct nf_attr *attrs;
	unsigned int n;
};

struct nf_op {
	const char *name;
	int cmd;
	int set;
	int do_, dump, event;
	uint64_t reply;		/* bit n: the replies may carry attribute n */
	unsigned int nreq;
	int req[32];
};

#include "spec.h"

#define NF_MAX_CALLS	8
#define NF_MAX_ATTRS	48
#define NF_DATA		3072	/* bytes of attribute data kept per call */
#define NF_BIG		70000	/* a "fill" attribute's largest length */
#define NF_NETNS_EVERY	64
#define NF_POOL		16
#define NF_CORPUS_MAX	2048
#define NF_RECV_TIMEOUT	30	/* seconds */
#define KCOV_WORDS	(256 * 1024)

/* Where an attribute's payload comes from when the request is written. */
enum nf_src {
	SRC_BYTES,	/* data[off, off + len) */
	SRC_SESSION,	/* a u64: the session id pool's entry idx */
	SRC_SEALED,	/* a sealed message of an earlier SEAL (pool idx) */
	SRC_FILL,	/* len (up to NF_BIG) bytes of the byte at data[off] */
	SRC_HS1,	/* a genuine handshake message 1 (libsecmsg) */
	SRC_HS3,	/* the message 3 that answers the last message 2 */
};

struct nf_fattr {
	int16_t parent;		/* index of the enclosing nest, or -1 */
	uint16_t type;
	uint8_t set;		/* when a nest: the set of its children */
	uint8_t src;
	uint8_t idx;		/* pool index, for SRC_SESSION, SRC_SEALED */
	uint8_t flip;		/* SRC_SEALED: flip the bit flip - 1 */
	int16_t lie;		/* added to nla_len as written */
	uint16_t off;
	uint32_t len;
};

struct nf_call {
	uint8_t cmd;
	uint8_t dump;
	uint16_t nattr;
	uint16_t used;
	struct nf_fattr a[NF_MAX_ATTRS];
	uint8_t data[NF_DATA];
};

struct nf_prog {
	uint32_t ncalls;
	struct nf_call c[NF_MAX_CALLS];
};

#define NF_PROG_MAGIC 0x7a7a4c4eU	/* corpus file: magic, then the prog */

/* ---- random numbers (xorshift64*) ---- */

static uint64_t rng_state = 88172645463325252ULL;

static uint64_t rnd64(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static uint32_t rnd(uint32_t n)
{
	return n ? (uint32_t)(rnd64() % n) : 0;
}

static bool chance(unsigned int percent)
{
	return rnd(100) < percent;
}

/*
 * Half the requests are generated well-formed (every attribute of the
 * command, values within the checks, no length lie), to get past the
 * policy into the handlers; the others, and every mutation, are not.
 */
static bool valid;

static bool bad(unsigned int percent)
{
	return !valid && chance(percent);
}

/* ---- the state the programs build up: pools from the replies ---- */

struct blob {
	uint32_t len;
	uint8_t b[2048];
};

static uint64_t pool_sid[NF_POOL];
static unsigned int n_sid;
static struct blob pool_sealed[NF_POOL];
static unsigned int n_sealed;

/* Keys: three fixed private keys and their public keys (keys32[3..5]).
 * Sessions made with them pair up (c2s of one is s2c of another), so that
 * one's SEAL opens with the other; a user added with one of the public
 * keys can make genuine handshakes. */
static uint8_t keys32[6][32] = {
	{ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	  17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 },
	{ 0xa5, 0x5a, 0xa5, 0x5a, 0xa5, 0x5a, 0xa5, 0x5a, 0xa5, 0x5a, 0xa5,
	  0x5a, 0xa5, 0x5a, 0xa5, 0x5a, 0xa5, 0x5a, 0xa5, 0x5a, 0xa5, 0x5a,
	  0xa5, 0x5a, 0xa5, 0x5a, 0xa5, 0x5a, 0xa5, 0x5a, 0xa5, 0x5a },
	{ 0x77 },
};

/* The identity the kernel answered with last; the users added with one
 * of keys32's public keys; the handshake waiting for its message 2. */
static uint8_t srv_pub[32];
static bool have_srv;
static struct {
	char id[SECMSG_USER_ID_MAX + 1];
	int key;
} reg_users[8];
static unsigned int n_reg;
static struct secmsg_hs_state hs_pending;
static bool have_hs_pending;
static uint8_t hs3[SECMSG_HS_CONFIRM_LEN];
static bool have_hs3;
static int type_user_id = -1, type_public_key = -1, type_handshake = -1;
static int cmd_user_add = -1;

static void pool_add_sid(uint64_t sid)
{
	unsigned int i;

	for (i = 0; i < n_sid; i++)
		if (pool_sid[i] == sid)
			return;
	if (n_sid < NF_POOL)
		pool_sid[n_sid++] = sid;
	else
		pool_sid[rnd(NF_POOL)] = sid;
}

static void pool_add_sealed(const void *p, uint32_t len)
{
	struct blob *b;

	if (len > sizeof(pool_sealed[0].b))
		return;
	b = n_sealed < NF_POOL ? &pool_sealed[n_sealed++] :
				 &pool_sealed[rnd(NF_POOL)];
	b->len = len;
	memcpy(b->b, p, len);
}

/* ---- generation from the spec ---- */

static const char *const user_ids[] = {
	"alice", "bob", "carol", "d.e-f_g@h",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	"-bad", ".bad", "sp ace", "",
};

static const struct nf_attr *spec_attr(int set, int type)
{
	const struct nf_set *s = &nf_sets[set];
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (s->attrs[i].type == type)
			return &s->attrs[i];
	return NULL;
}

static unsigned int int_width(enum nf_kind k)
{
	switch (k) {
	case NF_U8: return 1;
	case NF_U16: return 2;
	case NF_U32: return 4;
	case NF_U64: return 8;
	default: return 0;
	}
}

static bool is_session_ref(const struct nf_attr *sa)
{
	return sa && sa->kind == NF_U64 && strstr(sa->name, "session-id");
}

static uint8_t *room(struct nf_call *c, struct nf_fattr *f, uint32_t len)
{
	if (len > NF_DATA - c->used)
		len = NF_DATA - c->used;
	f->off = c->used;
	f->len = len;
	c->used += len;
	memset(c->data + f->off, 0, len);
	return c->data + f->off;
}

static void fill_random(uint8_t *p, uint32_t len)
{
	while (len--)
		*p++ = (uint8_t)rnd64();
}

static uint64_t gen_int(const struct nf_attr *sa, unsigned int width)
{
	uint64_t top = width >= 8 ? ~0ULL : (1ULL << (8 * width)) - 1;

	if (sa && sa->n_enum && (valid || chance(50))) {
		uint64_t v = sa->enum_vals[rnd(sa->n_enum)];

		if (valid && sa->has_range && (v < sa->min || v > sa->max))
			v = sa->min;
		return v + (bad(10) ? 1 : 0);
	}
	if (sa && sa->has_range && valid)
		return sa->min + rnd64() % (sa->max - sa->min + 1 ?: 1);
	if (sa && sa->has_range && chance(60)) {
		switch (rnd(5)) {
		case 0: return sa->min;
		case 1: return sa->max;
		case 2: return sa->min - 1;
		case 3: return sa->max + 1;
		default:
			return sa->min + rnd64() % (sa->max - sa->min + 1 ?: 1);
		}
	}
	if (valid)
		return 1 + rnd(rnd(2) ? 100 : 100000);
	switch (rnd(10)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return rnd(16);
	case 3: return top;
	case 4: return top >> 1;
	case 5: return (top >> 1) + 1;
	case 6: return 1ULL << 48;
	case 7: return (1ULL << 48) - 1;
	case 8: return rnd(100000);
	default: return rnd64() & top;
	}
}

/* The value of one attribute f (its type and kind sa, which may be NULL:
 * an attribute the set does not have). */
static void gen_value(struct nf_call *c, struct nf_fattr *f,
		      const struct nf_attr *sa)
{
	enum nf_kind kind = sa ? sa->kind : (enum nf_kind)(NF_U8 + rnd(6));
	unsigned int width = int_width(kind);
	uint32_t len;
	uint8_t *p;

	f->src = SRC_BYTES;
	if (bad(4))
		f->lie = (int16_t)(rnd(2) ? -(int)rnd(9) : (int)rnd(9));
	if (width) {
		uint64_t v;

		if (bad(8))
			width = rnd(12);	/* a wrong length */
		if (is_session_ref(sa) && width == 8 && (valid || chance(85))) {
			f->src = SRC_SESSION;
			f->idx = (uint8_t)rnd(NF_POOL);
			f->len = 8;
			return;
		}
		v = gen_int(sa, int_width(kind));
		p = room(c, f, width);
		memcpy(p, &v, f->len < 8 ? f->len : 8);
		return;
	}
	switch (kind) {
	case NF_STRING: {
		const char *s = user_ids[rnd(sizeof(user_ids) / sizeof(*user_ids))];

		if (valid)
			s = user_ids[rnd(3)];
		if (valid || chance(80)) {
			len = (uint32_t)strlen(s) + 1;
			p = room(c, f, len);
			memcpy(p, s, f->len);
			if (bad(5) && f->len)
				f->len--;	/* no NUL */
		} else {
			len = rnd(sa && sa->max_len ? sa->max_len + 4 : 80);
			p = room(c, f, len);
			fill_random(p, f->len);
		}
		return;
	}
	case NF_BINARY:
		if (sa && sa->type == type_handshake && chance(70)) {
			f->src = chance(50) ? SRC_HS1 : SRC_HS3;
			f->idx = (uint8_t)rnd64();
			f->flip = chance(20) ? (uint8_t)(1 + rnd(255)) : 0;
			return;
		}
		if (sa && !strcmp(sa->name, "data") && chance(50)) {
			f->src = SRC_SEALED;
			f->idx = (uint8_t)rnd(NF_POOL);
			f->flip = chance(30) ? (uint8_t)(1 + rnd(255)) : 0;
			return;
		}
		if (bad(1)) {
			f->src = SRC_FILL;
			p = room(c, f, 1);
			*p = (uint8_t)rnd64();
			f->len = 60000 + rnd(NF_BIG - 60000);
			return;
		}
		if (sa && sa->exact_len && (valid || chance(80)))
			len = sa->exact_len;
		else if (sa && sa->max_len && (valid || chance(70)))
			len = rnd(3) || valid ? rnd(sa->max_len + 1) :
						sa->max_len + rnd(3);
		else if (chance(50))
			len = rnd(128);
		else
			len = rnd(NF_DATA / 2);
		p = room(c, f, len);
		if (f->len == 32 && chance(70))
			memcpy(p, keys32[rnd(6)], 32);
		else
			fill_random(p, f->len);
		return;
	case NF_FLAG:
		room(c, f, chance(90) ? 0 : rnd(8));
		return;
	default:		/* unused, pad: a few bytes */
		p = room(c, f, rnd(12));
		fill_random(p, f->len);
		return;
	}
}

static int add_attr(struct nf_call *c, int set, int parent, int depth);

/* Children of nest f (index fi) from its set. */
static void gen_nest(struct nf_call *c, int fi, int set, int depth)
{
	const struct nf_set *s = &nf_sets[set];
	unsigned int i, n;

	if (valid || !strcmp(s->name, "op") || chance(50)) {
		/* every attribute of the set, in order, most of the time */
		for (i = 0; i < s->n; i++)
			if (s->attrs[i].kind > NF_FLAG && (valid || chance(85)))
				if (add_attr(c, -1 - (int)i - 1000 * set, fi,
					     depth + 1) < 0)
					return;
		return;
	}
	n = rnd(5);
	for (i = 0; i < n; i++)
		if (add_attr(c, set, fi, depth + 1) < 0)
			return;
}

/*
 * Add an attribute of set to c under parent: a random one of the set
 * (sometimes beyond it), or when set < 0 the attribute encoded as
 * -1 - index - 1000 * set_index (an exact one).
 */
static int add_attr(struct nf_call *c, int set, int parent, int depth)
{
	const struct nf_attr *sa = NULL;
	struct nf_fattr *f;
	int fi;

	if (c->nattr >= NF_MAX_ATTRS || depth > 3)
		return -1;
	fi = c->nattr++;
	f = &c->a[fi];
	memset(f, 0, sizeof(*f));
	f->parent = (int16_t)parent;
	if (set < 0) {
		int code = -1 - set;

		set = code / 1000;
		sa = &nf_sets[set].attrs[code % 1000];
	} else if (!bad(8)) {
		sa = &nf_sets[set].attrs[rnd(nf_sets[set].n)];
	}
	f->type = sa ? (uint16_t)sa->type :
		       (uint16_t)(nf_sets[set].n + rnd(4));
	if (bad(2))
		f->type |= rnd(2) ? NLA_F_NESTED : NLA_F_NET_BYTEORDER;
	if (sa && sa->kind == NF_NEST && sa->nest >= 0 && !bad(8)) {
		f->set = (uint8_t)sa->nest;
		gen_nest(c, fi, sa->nest, depth);
		f->type |= NLA_F_NESTED;
		return fi;
	}
	gen_value(c, f, sa);
	return fi;
}

static int attr_code(int set, int type)
{
	const struct nf_set *s = &nf_sets[set];
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (s->attrs[i].type == type)
			return -1 - (int)i - 1000 * set;
	return set;
}

static void gen_call(struct nf_call *c)
{
	const struct nf_op *op;
	unsigned int i, k, n;

	do
		op = &nf_ops[rnd(NF_NOPS)];
	while (op->event);
	memset(c, 0, sizeof(*c));
	valid = chance(50);
	c->cmd = (uint8_t)op->cmd;
	if (bad(2))
		c->cmd = (uint8_t)rnd(256);
	c->dump = op->dump && (!op->do_ || chance(50));
	if (bad(2))
		c->dump = !c->dump;
	for (i = 0; i < op->nreq; i++) {
		const struct nf_attr *sa = spec_attr(op->set, op->req[i]);

		if (bad(15) || (valid && chance(10)))
			continue;
		n = sa && sa->multi ? 1 + rnd(6) : 1 + bad(3);
		for (k = 0; k < n; k++)
			add_attr(c, attr_code(op->set, op->req[i]), -1, 0);
	}
	if (bad(10))
		add_attr(c, op->set, -1, 0);
	valid = false;
}

static void gen_prog(struct nf_prog *p)
{
	unsigned int i;

	p->ncalls = 1 + rnd(NF_MAX_CALLS / 2);
	for (i = 0; i < p->ncalls; i++)
		gen_call(&p->c[i]);
}

/* ---- mutation ---- */

static void mutate_call(struct nf_call *c)
{
	struct nf_fattr *f;
	int fi;

	if (!c->nattr || chance(10)) {
		switch (rnd(3)) {
		case 0: c->cmd = (uint8_t)nf_ops[rnd(NF_NOPS)].cmd; break;
		case 1: c->dump = !c->dump; break;
		default:
			add_attr(c, nf_ops[0].set, -1, 0);
		}
		return;
	}
	fi = rnd(c->nattr);
	f = &c->a[fi];
	switch (rnd(8)) {
	case 0: {	/* a new value for it, as the spec says */
		int set = f->parent >= 0 ? c->a[f->parent].set : 0;
		const struct nf_attr *sa = spec_attr(set, f->type & NLA_TYPE_MASK);

		if (sa && sa->kind != NF_NEST) {
			uint16_t type = f->type;

			gen_value(c, f, sa);
			f->type = type;
		}
		break;
	}
	case 1:		/* flip bytes of its data */
		if (f->src == SRC_BYTES && f->len) {
			unsigned int n = 1 + rnd(4);

			while (n--)
				c->data[f->off + rnd(f->len)] ^= (uint8_t)(1 + rnd(255));
		} else if (f->src == SRC_SEALED) {
			f->flip = (uint8_t)(1 + rnd(255));
		}
		break;
	case 2:		/* lie about its length */
		f->lie = (int16_t)((int)rnd(17) - 8);
		break;
	case 3:		/* shorter */
		if (f->src == SRC_BYTES && f->len)
			f->len = rnd(f->len);
		break;
	case 4:		/* another pool entry */
		f->idx = (uint8_t)rnd(NF_POOL);
		break;
	case 5:		/* another type */
		f->type = (uint16_t)rnd(40);
		break;
	case 6:		/* one more attribute beside it, or inside it */
		if (c->a[fi].type & NLA_F_NESTED)
			add_attr(c, c->a[fi].set, fi, 1);
		else
			add_attr(c, f->parent >= 0 ? c->a[f->parent].set : 0,
				 f->parent, 1);
		break;
	default:	/* gone (its children are written nowhere) */
		f->type = 0xffff;
		break;
	}
}

static const struct nf_prog *corpus[NF_CORPUS_MAX];
static unsigned int n_corpus;

static void mutate_prog(struct nf_prog *p)
{
	unsigned int n = 1 + rnd(3), i;

	while (n--) {
		switch (rnd(10)) {
		case 0:		/* insert a new call */
			if (p->ncalls < NF_MAX_CALLS) {
				i = rnd(p->ncalls + 1);
				memmove(&p->c[i + 1], &p->c[i],
					(p->ncalls - i) * sizeof(p->c[0]));
				gen_call(&p->c[i]);
				p->ncalls++;
			}
			break;
		case 1:		/* remove one */
			if (p->ncalls > 1) {
				i = rnd(p->ncalls);
				memmove(&p->c[i], &p->c[i + 1],
					(p->ncalls - i - 1) * sizeof(p->c[0]));
				p->ncalls--;
			}
			break;
		case 2:		/* splice in a call of another program */
			if (n_corpus && p->ncalls < NF_MAX_CALLS) {
				const struct nf_prog *q = corpus[rnd(n_corpus)];

				p->c[p->ncalls++] = q->c[rnd(q->ncalls)];
			}
			break;
		case 3:		/* repeat one */
			if (p->ncalls < NF_MAX_CALLS) {
				p->c[p->ncalls] = p->c[rnd(p->ncalls)];
				p->ncalls++;
			}
			break;
		default:
			mutate_call(&p->c[rnd(p->ncalls)]);
		}
	}
}

/* ---- writing a request ---- */

static uint8_t *wbuf;
static size_t wcap = 1 << 20;

static size_t put_attr(const struct nf_call *c, int fi, size_t pos);

static size_t put_children(const struct nf_call *c, int parent, size_t pos)
{
	int i;

	for (i = 0; i < c->nattr; i++)
		if (c->a[i].parent == parent && c->a[i].type != 0xffff)
			pos = put_attr(c, i, pos);
	return pos;
}

/* A message 1 of one of the users registered with a known key, to the
 * identity the kernel has; random bytes when there is none. */
static size_t put_hs1(const struct nf_fattr *f, uint8_t *p)
{
	size_t len = SECMSG_HS_INIT_MAX;
	int u;

	if (!have_srv || !n_reg) {
		len = 40 + rnd(80);
		fill_random(p, len);
		return len;
	}
	u = f->idx % n_reg;
	if (have_hs_pending)
		secmsg_hs_wipe(&hs_pending);
	have_hs_pending = false;
	if (secmsg_hs_init(&hs_pending, reg_users[u].id, 1 + (f->idx >> 3) % 3,
			   keys32[reg_users[u].key], srv_pub, p, &len))
		return 0;
	have_hs_pending = true;
	return len;
}

static size_t put_attr(const struct nf_call *c, int fi, size_t pos)
{
	const struct nf_fattr *f = &c->a[fi];
	struct nlattr *nla;
	size_t start = pos, len = 0;
	uint8_t *p;

	if (pos + NLA_HDRLEN + NF_BIG + 2048 > wcap)
		return pos;
	nla = (struct nlattr *)(wbuf + pos);
	p = wbuf + pos + NLA_HDRLEN;
	pos += NLA_HDRLEN;
	if (f->type & NLA_F_NESTED) {
		pos = put_children(c, fi, pos);
		len = pos - start - NLA_HDRLEN;
	} else {
		switch (f->src) {
		case SRC_SESSION:
			if (n_sid) {
				memcpy(p, &pool_sid[f->idx % n_sid], 8);
			} else {
				uint64_t v = f->idx;

				memcpy(p, &v, 8);
			}
			len = 8;
			break;
		case SRC_SEALED:
			if (n_sealed) {
				const struct blob *b = &pool_sealed[f->idx % n_sealed];

				memcpy(p, b->b, b->len);
				len = b->len;
				if (f->flip && len)
					p[(f->flip * 7u) % len] ^= (uint8_t)f->flip;
			}
			break;
		case SRC_FILL:
			len = f->len;
			memset(p, f->len ? c->data[f->off] : 0, len);
			break;
		case SRC_HS1:
			len = put_hs1(f, p);
			break;
		case SRC_HS3:
			if (have_hs3) {
				memcpy(p, hs3, sizeof(hs3));
				len = sizeof(hs3);
			}
			break;
		default:
			len = f->len;
			memcpy(p, c->data + f->off, len);
		}
		if (f->flip && len && (f->src == SRC_HS1 || f->src == SRC_HS3))
			p[(f->flip * 7u) % len] ^= (uint8_t)f->flip;
		pos += NLA_ALIGN(len);
		memset(p + len, 0, NLA_ALIGN(len) - len);
	}
	nla->nla_type = f->type;
	nla->nla_len = (uint16_t)(NLA_HDRLEN + len + f->lie);
	if (NLA_HDRLEN + len > 0xffff)
		nla->nla_len = 0xffff;
	return pos;
}

/* ---- netlink I/O ---- */

static struct rawnl nl;
static int nl_fd;
static uint32_t nl_seq = 1;
static uint8_t *rbuf;
#define RBUF (1 << 20)

static struct {
	unsigned long messages, programs, acks, errors, dumps, no_reply;
	unsigned long bad_reply_attr, handshakes, users;
	unsigned long err_by[140], extack_by[140];
	unsigned long netns;
	double cmd_time[256];
	unsigned long cmd_count[256];
	double netns_time;
} st;

static double now(void);

static int fail_attr_cmd = -1, fail_attr_type = -1;

static const struct nf_op *op_of(int cmd)
{
	unsigned int i;

	for (i = 0; i < NF_NOPS; i++)
		if (nf_ops[i].cmd == cmd)
			return &nf_ops[i];
	return NULL;
}

/* What a reply teaches the pools; whether it carries only what the spec
 * lists for the command. */
static void scan_reply(const struct nlmsghdr *nh)
{
	const struct genlmsghdr *g = NLMSG_DATA(nh);
	const struct nf_op *op = op_of(g->cmd);
	const struct nlattr *a;
	int rem;

	if (nh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return;
	a = (const struct nlattr *)((const uint8_t *)g + GENL_HDRLEN);
	rem = (int)(nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN));
	for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len),
	     a = (const void *)((const uint8_t *)a + NLA_ALIGN(a->nla_len))) {
		int type = a->nla_type & NLA_TYPE_MASK;
		const void *v = (const uint8_t *)a + NLA_HDRLEN;
		uint32_t vlen = a->nla_len - NLA_HDRLEN;
		const struct nf_attr *sa = op ? spec_attr(op->set, type) : NULL;

		if (!op || type >= 64 || !(op->reply & (1ULL << type))) {
			st.bad_reply_attr++;
			fail_attr_cmd = g->cmd;
			fail_attr_type = type;
			continue;
		}
		if (type == type_public_key && vlen == 32 &&
		    !strncmp(op->name, "identity", 8)) {
			memcpy(srv_pub, v, 32);
			have_srv = true;
		} else if (type == type_handshake && have_hs_pending) {
			uint8_t c2s[SECMSG_KEY_LEN], s2c[SECMSG_KEY_LEN];
			uint64_t sid;

			have_hs_pending = false;
			if (!secmsg_hs_finish(&hs_pending, v, vlen, &sid, c2s, s2c,
					      hs3)) {
				have_hs3 = true;
				st.handshakes++;
			}
		} else if (is_session_ref(sa) && vlen == 8) {
			uint64_t sid;

			memcpy(&sid, v, 8);
			pool_add_sid(sid);
		} else if (sa && !strcmp(sa->name, "data") && vlen >= 24) {
			pool_add_sealed(v, vlen);
		} else if (sa && sa->kind == NF_NEST) {
			/* batch results: their data too */
			const struct nlattr *b = v;
			int r = (int)vlen;

			for (; r >= NLA_HDRLEN && b->nla_len >= NLA_HDRLEN &&
			       b->nla_len <= r;
			     r -= NLA_ALIGN(b->nla_len),
			     b = (const void *)((const uint8_t *)b +
						NLA_ALIGN(b->nla_len))) {
				const struct nf_attr *ba = sa->nest >= 0 ?
					spec_attr(sa->nest, b->nla_type & NLA_TYPE_MASK) : NULL;

				if (ba && !strcmp(ba->name, "data") &&
				    b->nla_len - NLA_HDRLEN >= 24)
					pool_add_sealed((const uint8_t *)b + NLA_HDRLEN,
							b->nla_len - NLA_HDRLEN);
			}
		}
	}
}

static int trace_errors;	/* -v -v: print this many errors */

static bool has_extack_msg(const struct nlmsghdr *nh, int cmd, int err)
{
	const struct nlmsgerr *e = NLMSG_DATA(nh);
	const struct nlattr *a;
	size_t off;
	int rem;

	if (!(nh->nlmsg_flags & NLM_F_ACK_TLVS))
		return false;
	off = sizeof(*e);
	if (!(nh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	if (NLMSG_LENGTH(off) > nh->nlmsg_len)
		return false;
	a = (const void *)((const uint8_t *)e + NLMSG_ALIGN(off));
	rem = (int)(nh->nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(off)));
	for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len),
	     a = (const void *)((const uint8_t *)a + NLA_ALIGN(a->nla_len)))
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			if (trace_errors > 0) {
				trace_errors--;
				printf("#   command %d: %s: %.*s\n", cmd,
				       strerror(err), a->nla_len - NLA_HDRLEN,
				       (const char *)a + NLA_HDRLEN);
			}
			return true;
		}
	return false;
}

/* A user-add the kernel accepted: remember the user when its public key is
 * one of keys32's, for genuine handshakes. */
static void note_user_added(const struct nlmsghdr *req)
{
	const struct nlattr *a = (const void *)((const uint8_t *)NLMSG_DATA(req) +
						 GENL_HDRLEN);
	int rem = (int)(req->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN));
	const char *id = NULL;
	int key = -1, k;

	for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len),
	     a = (const void *)((const uint8_t *)a + NLA_ALIGN(a->nla_len))) {
		const uint8_t *v = (const uint8_t *)a + NLA_HDRLEN;
		int vlen = a->nla_len - NLA_HDRLEN;

		if (a->nla_type == type_user_id && vlen > 1 &&
		    vlen <= SECMSG_USER_ID_MAX + 1 && !v[vlen - 1])
			id = (const char *)v;
		else if (a->nla_type == type_public_key && vlen == 32)
			for (k = 3; k < 6; k++)
				if (!memcmp(v, keys32[k], 32))
					key = k - 3;
	}
	if (!id || key < 0)
		return;
	for (k = 0; k < (int)n_reg; k++)
		if (!strcmp(reg_users[k].id, id)) {
			reg_users[k].key = key;
			return;
		}
	k = n_reg < 8 ? (int)n_reg++ : (int)rnd(8);
	snprintf(reg_users[k].id, sizeof(reg_users[k].id), "%s", id);
	reg_users[k].key = key;
	st.users++;
}

/* Send one request, read what answers it.  0, or -1 when nothing did. */
static int exec_call(const struct nf_call *c)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)wbuf;
	struct genlmsghdr *g = NLMSG_DATA(nh);
	uint32_t seq = nl_seq++;
	size_t len;
	bool done = false;

	len = put_children(c, -1, NLMSG_LENGTH(GENL_HDRLEN));
	nh->nlmsg_len = (uint32_t)len;
	nh->nlmsg_type = (uint16_t)nl.family;
	nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
			  (c->dump ? NLM_F_DUMP : 0);
	nh->nlmsg_seq = seq;
	nh->nlmsg_pid = 0;
	g->cmd = c->cmd;
	g->version = NF_FAMILY_VERSION;
	g->reserved = 0;
	if (send(nl_fd, wbuf, len, 0) < 0) {
		/* too big for the socket, say: nothing was asked */
		st.errors++;
		return 0;
	}
	st.messages++;
	if (c->dump)
		st.dumps++;
	while (!done) {
		ssize_t n = recv(nl_fd, rbuf, RBUF, 0);
		struct nlmsghdr *r;
		int rem;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS)
				continue;
			return -1;
		}
		rem = (int)n;
		for (r = (struct nlmsghdr *)rbuf; NLMSG_OK(r, rem);
		     r = NLMSG_NEXT(r, rem)) {
			if (r->nlmsg_seq != seq)
				continue;
			if (r->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(r);
				int err = -e->error;

				if (err) {
					st.errors++;
					if (err > 0 && err < 140) {
						st.err_by[err]++;
						if (has_extack_msg(r, c->cmd, err))
							st.extack_by[err]++;
					}
				} else {
					st.acks++;
					if (c->cmd == cmd_user_add && !c->dump)
						note_user_added(nh);
				}
				done = true;
			} else if (r->nlmsg_type == NLMSG_DONE) {
				/* a dump's end (dumps get no ACK after it) */
				done = true;
			} else if (r->nlmsg_type == nl.family) {
				scan_reply(r);
			}
		}
	}
	return 0;
}

static int open_socket(void)
{
	struct timeval tv = { .tv_sec = NF_RECV_TIMEOUT };
	int err = rawnl_open(&nl);

	if (err)
		return err;
	nl_fd = nl_socket_get_fd(nl.sk);
	if (setsockopt(nl_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		return -errno;
	return 0;
}

/* A new network namespace: a fresh secmsg state; the old one exits. */
static int new_netns(void)
{
	rawnl_close(&nl);
	if (unshare(CLONE_NEWNET))
		return -errno;
	n_sid = 0;
	n_sealed = 0;
	n_reg = 0;
	have_srv = false;
	have_hs3 = false;
	if (have_hs_pending)
		secmsg_hs_wipe(&hs_pending);
	have_hs_pending = false;
	st.netns++;
	return open_socket();
}

/* ---- coverage (KCOV) ---- */

#define KCOV_INIT_TRACE	_IOR('c', 1, unsigned long)
#define KCOV_ENABLE	_IO('c', 100)
#define KCOV_DISABLE	_IO('c', 101)
#define KCOV_TRACE_PC	0

static int kcov_fd = -1;
static unsigned long *kcov_area;

#define EDGE_BITS 20
static uint64_t *edge_tab, *pc_tab;
static unsigned long n_edges, n_pcs;

static bool set_add(uint64_t *tab, uint64_t v, unsigned long *count)
{
	uint64_t mask = (1ULL << EDGE_BITS) - 1, h;

	v |= 1;		/* 0 marks a free slot */
	h = (v * 0x9e3779b97f4a7c15ULL) >> (64 - EDGE_BITS);
	while (tab[h]) {
		if (tab[h] == v)
			return false;
		h = (h + 1) & mask;
	}
	if (*count >= mask / 2)
		return false;	/* full enough: count nothing new */
	tab[h] = v;
	(*count)++;
	return true;
}

static int kcov_open(void)
{
	kcov_fd = open("/sys/kernel/debug/kcov", O_RDWR);
	if (kcov_fd < 0)
		return -errno;
	if (ioctl(kcov_fd, KCOV_INIT_TRACE, (unsigned long)KCOV_WORDS))
		return -errno;
	kcov_area = mmap(NULL, KCOV_WORDS * sizeof(unsigned long),
			 PROT_READ | PROT_WRITE, MAP_SHARED, kcov_fd, 0);
	if (kcov_area == MAP_FAILED)
		return -errno;
	if (ioctl(kcov_fd, KCOV_ENABLE, KCOV_TRACE_PC))
		return -errno;
	return 0;
}

/* The edges of the trace since the last reset; how many were new. */
static unsigned long kcov_collect(void)
{
	unsigned long n, i, fresh = 0;
	uint64_t prev = 0;

	n = __atomic_load_n(&kcov_area[0], __ATOMIC_RELAXED);
	if (n >= KCOV_WORDS)
		n = KCOV_WORDS - 1;
	for (i = 0; i < n; i++) {
		uint64_t pc = kcov_area[i + 1];

		set_add(pc_tab, pc, &n_pcs);
		if (set_add(edge_tab, (prev * 0x100000001b3ULL) ^ pc, &n_edges))
			fresh++;
		prev = pc;
	}
	return fresh;
}

static void kcov_reset(void)
{
	if (kcov_area)
		__atomic_store_n(&kcov_area[0], 0, __ATOMIC_RELAXED);
}

/* secmsg.ko's functions from /proc/kallsyms: how many the run entered. */
struct ksym {
	uint64_t addr;
	char name[64];
	bool hit;
};

static struct ksym *ksyms;
static unsigned int n_ksyms;

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void ksyms_load(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[256], name[128], mod[64];
	unsigned long long addr;
	char t;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %127s [%63[^]]]", &addr, &t, name,
			   mod) != 4 || strcmp(mod, "secmsg") ||
		    (t != 't' && t != 'T') || !addr ||
		    !strncmp(name, "_sub_", 5) ||	/* gcov's constructors */
		    strstr(name, ".cold"))	/* parts of functions */
			continue;
		if (n_ksyms % 256 == 0) {
			ksyms = realloc(ksyms, (n_ksyms + 256) * sizeof(*ksyms));
			if (!ksyms)
				exit(1);
		}
		ksyms[n_ksyms].addr = addr;
		snprintf(ksyms[n_ksyms].name, sizeof(ksyms[0].name), "%.63s", name);
		ksyms[n_ksyms].hit = false;
		n_ksyms++;
	}
	fclose(f);
	qsort(ksyms, n_ksyms, sizeof(*ksyms), ksym_cmp);
}

static unsigned int ksyms_hit(void)
{
	uint64_t mask = (1ULL << EDGE_BITS) - 1, i;
	unsigned int hit = 0, k;

	for (i = 0; i <= mask; i++) {
		uint64_t pc = pc_tab[i] & ~1ULL;
		unsigned int lo = 0, hi = n_ksyms;

		if (!pc_tab[i])
			continue;
		while (hi - lo > 1) {	/* last symbol at or below pc */
			unsigned int mid = (lo + hi) / 2;

			if (ksyms[mid].addr <= (pc | 1))
				lo = mid;
			else
				hi = mid;
		}
		if (n_ksyms && ksyms[lo].addr <= (pc | 1))
			ksyms[lo].hit = true;
	}
	for (k = 0; k < n_ksyms; k++)
		hit += ksyms[k].hit;
	return hit;
}

/* ---- the corpus ---- */

static size_t prog_size(const struct nf_prog *p)
{
	return offsetof(struct nf_prog, c) + p->ncalls * sizeof(p->c[0]);
}

static const char *corpus_dir;

static void corpus_add(const struct nf_prog *p, bool save)
{
	struct nf_prog *q;
	size_t size = prog_size(p);

	q = malloc(size);
	if (!q)
		return;
	memcpy(q, p, size);
	if (n_corpus < NF_CORPUS_MAX) {
		corpus[n_corpus++] = q;
	} else {
		unsigned int i = rnd(NF_CORPUS_MAX);

		free((void *)corpus[i]);
		corpus[i] = q;
	}
	if (save && corpus_dir) {
		char path[4096];
		uint32_t magic = NF_PROG_MAGIC;
		FILE *f;

		snprintf(path, sizeof(path), "%s/prog-%016" PRIx64, corpus_dir,
			 rnd64());
		f = fopen(path, "wb");
		if (f) {
			fwrite(&magic, sizeof(magic), 1, f);
			fwrite(p, size, 1, f);
			fclose(f);
		}
	}
}

static bool prog_valid(const struct nf_prog *p)
{
	unsigned int i, k;

	if (!p->ncalls || p->ncalls > NF_MAX_CALLS)
		return false;
	for (i = 0; i < p->ncalls; i++) {
		const struct nf_call *c = &p->c[i];

		if (c->nattr > NF_MAX_ATTRS || c->used > NF_DATA)
			return false;
		for (k = 0; k < c->nattr; k++) {
			const struct nf_fattr *f = &c->a[k];

			if (f->parent >= (int)k || f->parent < -1 ||
			    f->set >= NF_NSETS ||
			    f->src > SRC_HS3 ||
			    (f->src == SRC_BYTES && f->off + f->len > c->used) ||
			    (f->src == SRC_FILL && (f->len > NF_BIG || !c->used)))
				return false;
		}
	}
	return true;
}

static unsigned int corpus_load(const char *dir)
{
	struct nf_prog *p = malloc(sizeof(*p));
	unsigned int loaded = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d || !p)
		goto out;
	while ((de = readdir(d))) {
		char path[4096];
		uint32_t magic = 0;
		size_t n;
		FILE *f;

		if (strncmp(de->d_name, "prog-", 5))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		memset(p, 0, sizeof(*p));
		n = fread(&magic, sizeof(magic), 1, f);
		if (n == 1 && magic == NF_PROG_MAGIC)
			n = fread(p, 1, sizeof(*p), f);
		else
			n = 0;
		fclose(f);
		if (n >= offsetof(struct nf_prog, c) && n == prog_size(p) &&
		    prog_valid(p)) {
			corpus_add(p, false);
			loaded++;
		}
	}
out:
	if (d)
		closedir(d);
	free(p);
	return loaded;
}

/* ---- the run ---- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned long tainted(void)
{
	FILE *f = fopen("/proc/sys/kernel/tainted", "r");
	unsigned long t = 0;

	if (f) {
		if (fscanf(f, "%lu", &t) != 1)
			t = 0;
		fclose(f);
	}
	return t;
}

/* Run p; true when it reached an edge no earlier program had. */
static int exec_prog(const struct nf_prog *p, bool *fresh)
{
	unsigned long acks = st.acks;
	unsigned int i;

	*fresh = false;
	for (i = 0; i < p->ncalls; i++) {
		double t = now();

		kcov_reset();
		if (exec_call(&p->c[i]))
			return -1;
		st.cmd_time[p->c[i].cmd] += now() - t;
		st.cmd_count[p->c[i].cmd]++;
		if (kcov_area && kcov_collect())
			*fresh = true;
	}
	/* Without coverage, keep what the kernel mostly accepted instead. */
	if (!kcov_area && 2 * (st.acks - acks) >= p->ncalls)
		*fresh = true;
	st.programs++;
	return 0;
}

static const char *errname(int e)
{
	static char buf[16];

	switch (e) {
	case EINVAL: return "EINVAL";
	case ERANGE: return "ERANGE";
	case ENOENT: return "ENOENT";
	case EEXIST: return "EEXIST";
	case ENOTCONN: return "ENOTCONN";
	case EBADMSG: return "EBADMSG";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EMSGSIZE: return "EMSGSIZE";
	case ENOMEM: return "ENOMEM";
	case EPERM: return "EPERM";
	case EKEYREJECTED: return "EKEYREJECTED";
	case EBUSY: return "EBUSY";
	case E2BIG: return "E2BIG";
	case ENOSPC: return "ENOSPC";
	case ESTALE: return "ESTALE";
	case EALREADY: return "EALREADY";
	case ENODATA: return "ENODATA";
	case EPROTO: return "EPROTO";
	}
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

int main(int argc, char **argv)
{
	unsigned long max_msgs = 20000, taint0, taint1, loaded = 0;
	double seconds = 0, t0, last = 0;
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	struct nf_prog *p;
	bool verbose = false, no_reply = false;
	int opt, err, tests = 0, failed = 0, i;

	while ((opt = getopt(argc, argv, "n:t:s:c:v")) != -1) {
		switch (opt) {
		case 'n': max_msgs = strtoul(optarg, NULL, 0); break;
		case 't': seconds = strtod(optarg, NULL); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'c': corpus_dir = optarg; break;
		case 'v':
			if (verbose)
				trace_errors = 200;
			verbose = true;
			break;
		default:
			fprintf(stderr, "usage: %s [-n MESSAGES] [-t SECONDS] "
				"[-s SEED] [-c CORPUS_DIR] [-v]\n", argv[0]);
			return 2;
		}
	}
	if (!max_msgs && seconds <= 0) {
		fprintf(stderr, "nlfuzz: -n 0 needs -t\n");
		return 2;
	}
	rng_state = seed ?: 1;
	for (i = 0; i < 3; i++)
		secmsg_x25519_pub(keys32[i], keys32[3 + i]);
	for (i = 0; i < (int)nf_sets[0].n; i++) {
		const struct nf_attr *sa = &nf_sets[0].attrs[i];

		if (!strcmp(sa->name, "user-id"))
			type_user_id = sa->type;
		else if (!strcmp(sa->name, "public-key"))
			type_public_key = sa->type;
		else if (!strcmp(sa->name, "handshake"))
			type_handshake = sa->type;
	}
	for (i = 0; i < NF_NOPS; i++)
		if (!strcmp(nf_ops[i].name, "user-add"))
			cmd_user_add = nf_ops[i].cmd;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..4\n");
	printf("# nlfuzz: seed %" PRIu64 ", %lu messages%s, spec: %u commands, "
	       "%u attribute sets\n", seed, max_msgs,
	       seconds > 0 ? " or the time limit" : "", NF_NOPS, NF_NSETS);

	wbuf = calloc(1, wcap);
	rbuf = malloc(RBUF);
	p = malloc(sizeof(*p));
	edge_tab = calloc(1ULL << EDGE_BITS, sizeof(uint64_t));
	pc_tab = calloc(1ULL << EDGE_BITS, sizeof(uint64_t));
	if (!wbuf || !rbuf || !p || !edge_tab || !pc_tab) {
		printf("Bail out! out of memory\n");
		return 1;
	}
	err = kcov_open();
	if (err) {
		printf("# no KCOV (%s): programs are not guided by coverage\n",
		       strerror(-err));
		kcov_area = NULL;
	} else {
		ksyms_load();
		printf("# KCOV: %u functions of secmsg.ko in /proc/kallsyms\n",
		       n_ksyms);
	}
	if (corpus_dir) {
		mkdir(corpus_dir, 0755);
		loaded = corpus_load(corpus_dir);
		printf("# corpus: %lu programs loaded from %s\n", loaded,
		       corpus_dir);
	}
	taint0 = tainted();
	err = unshare(CLONE_NEWNET) ? -errno : open_socket();
	if (err) {
		printf("Bail out! netns or the secmsg family: %s\n",
		       strerror(-err));
		return 1;
	}
	st.netns = 1;

	t0 = now();
	/* the loaded corpus first, for its coverage */
	for (i = 0; i < (int)n_corpus && !no_reply; i++) {
		bool fresh;

		if (exec_prog(corpus[i], &fresh))
			no_reply = true;
	}
	while (!no_reply) {
		bool fresh;
		double t = now();

		if (max_msgs && st.messages >= max_msgs)
			break;
		if (seconds > 0 && t - t0 >= seconds)
			break;
		if (st.programs && st.programs % NF_NETNS_EVERY == 0) {
			double tn = now();

			err = new_netns();
			st.netns_time += now() - tn;
			if (err) {
				printf("Bail out! new netns: %s\n", strerror(-err));
				return 1;
			}
		}
		if (!n_corpus || chance(kcov_area ? 15 : 40)) {
			gen_prog(p);
		} else {
			const struct nf_prog *q = corpus[rnd(n_corpus)];

			memcpy(p, q, prog_size(q));
			mutate_prog(p);
		}
		if (exec_prog(p, &fresh)) {
			no_reply = true;
			break;
		}
		if (fresh)
			corpus_add(p, kcov_area != NULL);
		if (verbose && t - last >= 10) {
			printf("# %.0f s: %lu messages, %lu programs, corpus %u, "
			       "%lu edges, %lu PCs\n", t - t0, st.messages,
			       st.programs, n_corpus, n_edges, n_pcs);
			last = t;
		}
	}
	t0 = now() - t0;
	taint1 = tainted();

	printf("# %lu messages in %lu programs over %lu network namespaces, "
	       "%.1f s (%.0f messages/s): %lu ACKs, %lu errors, %lu dumps; "
	       "%lu users with known keys, %lu handshakes answered\n",
	       st.messages, st.programs, st.netns, t0,
	       t0 > 0 ? st.messages / t0 : 0.0, st.acks, st.errors, st.dumps,
	       st.users, st.handshakes);
	if (verbose) {
		for (i = 0; i < 256; i++)
			if (st.cmd_count[i])
				printf("#   command %d: %lu requests, %.1f ms each\n",
				       i, st.cmd_count[i],
				       1000 * st.cmd_time[i] / st.cmd_count[i]);
		printf("#   new network namespaces: %.1f s\n", st.netns_time);
	}
	for (i = 1; i < 140; i++)
		if (st.err_by[i])
			printf("#   %s: %lu (%lu with an extack message)\n",
			       errname(i), st.err_by[i], st.extack_by[i]);

	tests++;
	if (no_reply) {
		failed++;
		printf("not ok %d - every request answered: none within %d s "
		       "after message %lu\n", tests, NF_RECV_TIMEOUT,
		       st.messages);
	} else if (max_msgs && seconds <= 0 && st.messages < max_msgs) {
		failed++;
		printf("not ok %d - %lu messages sent, %lu asked\n", tests,
		       st.messages, max_msgs);
	} else {
		printf("ok %d - %lu requests, every one answered\n", tests,
		       st.messages);
	}

	tests++;
	if (st.bad_reply_attr) {
		failed++;
		printf("not ok %d - replies carry only their command's "
		       "attributes: %lu do not (last: command %d, attribute "
		       "%d)\n", tests, st.bad_reply_attr, fail_attr_cmd,
		       fail_attr_type);
	} else {
		printf("ok %d - replies carry only the attributes the spec "
		       "lists for their command\n", tests);
	}

	tests++;
	if ((taint1 & ~taint0) != 0) {
		failed++;
		printf("not ok %d - the kernel is not tainted by the run "
		       "(taint %#lx -> %#lx)\n", tests, taint0, taint1);
	} else {
		printf("ok %d - the kernel is not tainted by the run\n", tests);
	}

	tests++;
	if (!kcov_area) {
		printf("ok %d - coverage # SKIP no KCOV in this kernel "
		       "(tools/vm-run --debug has it)\n", tests);
	} else {
		unsigned int hit = ksyms_hit();

		printf("# coverage of secmsg.ko: %lu edges, %lu PCs, %u of %u "
		       "functions entered; corpus %u programs (%lu loaded)\n",
		       n_edges, n_pcs, hit, n_ksyms, n_corpus, loaded);
		if (verbose)
			for (i = 0; i < (int)n_ksyms; i++)
				if (!ksyms[i].hit)
					printf("#   not entered: %s\n",
					       ksyms[i].name);
		if (n_edges && hit) {
			printf("ok %d - KCOV: %lu edges of secmsg.ko reached\n",
			       tests, n_edges);
		} else {
			failed++;
			printf("not ok %d - KCOV traced nothing of secmsg.ko\n",
			       tests);
		}
	}
	rawnl_close(&nl);
	return failed ? 1 : 0;
}
