// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Links between nodes (CLUSTER-DESIGN.md; docs/protocol.md section 3):
 * two network namespaces, A and B, each with its own secmsg.ko state, and
 * no daemon.  Node identities (slot node, with the local node name) and
 * node registries (the user commands' slot node), apart from the server
 * identity and the users; LINK_INIT on A -> HANDSHAKE(F_LINK) on B ->
 * LINK_FINISH on A -> HANDSHAKE_CONFIRM on B; alice (session on A) ->
 * the link -> bob (session on B) by two RESEALs, every byte checked; the
 * link's orientation (A seals c2s, B opens it, and the reverse); B
 * following A's epochs (one to SECMSG_LINK_FOLLOW_MAX ahead, nothing moved
 * by a message that does not authenticate, the key such a message made
 * ahead giving way to a later epoch's, epochs left kept for their grace
 * time, an algorithm change, the epochs a move skips keeping B's
 * algorithm), rotation by count under load from two
 * threads with reordered delivery and no message lost; the refusals (bad
 * message 2, wrong pinned key, unknown node, no node identity, replayed
 * message 1, finishing twice, missing attributes, a follower's own
 * rotation), each with its extack; the kernel initiator against the
 * userspace reference responder of libsecmsg (tools/lib/protocol), and
 * the userspace reference initiator against the kernel responder with its
 * epochs followed under known keys.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include "kselftest_harness.h"
#include "common.h"
#include "rawnl.h"
#include <secmsg/handshake.h>
#include <secmsg/nl_identity.h>

#define KLEN SECMSG_X25519_LEN
#define NODE SECMSG_IDENTITY_SLOT_NODE
#define F_LINK SECMSG_SESSION_F_LINK
#define F_INIT SECMSG_SESSION_F_INITIATOR

/* One node: its own network namespace and secmsg.ko state. */
struct node {
	int ns;				/* its network namespace */
	struct secmsg_nl *nl, *ev;	/* commands, events */
	struct rawnl raw;		/* extacks, missing-attribute types */
	char name[SECMSG_USER_ID_MAX + 1];
	uint8_t priv[KLEN], pub[KLEN];	/* node key */
};

FIXTURE(link) {
	int home;			/* the test's own namespace */
	struct node a, b;
};

/* A link: A's initiator session, B's responder session. */
struct link {
	uint64_t a, b;
};

/* Enter a new network namespace, open the handles there, come home. */
static int node_make(int home, struct node *n, const char *name)
{
	memset(n, 0, sizeof(*n));
	n->ns = -1;
	snprintf(n->name, sizeof(n->name), "%s", name);
	if (unshare(CLONE_NEWNET))
		return -errno;
	n->ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (n->ns < 0 || secmsg_nl_open(&n->nl) || secmsg_nl_open(&n->ev) ||
	    secmsg_events_subscribe(n->ev) || rawnl_open(&n->raw))
		return -EIO;
	if (setns(home, CLONE_NEWNET))
		return -errno;
	return secmsg_x25519_generate(n->priv, n->pub);
}

static void node_free(struct node *n)
{
	if (n->nl)
		secmsg_nl_close(n->nl);
	if (n->ev)
		secmsg_nl_close(n->ev);
	if (n->raw.sk)
		rawnl_close(&n->raw);
	if (n->ns >= 0)
		close(n->ns);
	explicit_bzero(n->priv, sizeof(n->priv));
}

/* A handle of its own in node n's namespace (for a thread). */
static struct secmsg_nl *node_handle(int home, const struct node *n)
{
	struct secmsg_nl *nl = NULL;

	if (setns(n->ns, CLONE_NEWNET))
		return NULL;
	if (secmsg_nl_open(&nl))
		nl = NULL;
	if (setns(home, CLONE_NEWNET)) {
		secmsg_nl_close(nl);
		return NULL;
	}
	return nl;
}

/* The node key into its slot, under its name. */
static int node_identity(struct node *n)
{
	uint8_t pub[KLEN];
	int err = secmsg_identity_set_slot(n->nl, NODE, n->name, n->priv, pub);

	if (!err && memcmp(pub, n->pub, KLEN))
		err = -EIO;
	return err;
}

/* Each pins the other: identities, then registries. */
static int nodes_pin(FIXTURE_DATA(link) *self)
{
	return node_identity(&self->a) ?: node_identity(&self->b) ?:
	       secmsg_user_add_slot(self->a.nl, NODE, self->b.name,
				    self->b.pub) ?:
	       secmsg_user_add_slot(self->b.nl, NODE, self->a.name,
				    self->a.pub);
}

FIXTURE_SETUP(link)
{
	self->home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->home);
	ASSERT_EQ(0, node_make(self->home, &self->a, "node-a"));
	ASSERT_EQ(0, node_make(self->home, &self->b, "node-b.example"));
}

FIXTURE_TEARDOWN(link)
{
	/* the namespaces, and all in them, go with this test's process */
	node_free(&self->a);
	node_free(&self->b);
	if (self->home >= 0)
		close(self->home);
}

/* A policy with rekey_grace (and max_messages when nonzero). */
static struct secmsg_policy grace_policy(uint32_t grace, uint64_t max)
{
	struct secmsg_policy p = { 0 };

	p.has_rekey_grace = true;
	p.rekey_grace = grace;
	if (max) {
		p.has_max_messages = true;
		p.max_messages = max;
	}
	return p;
}

/*
 * The four steps; 0 or the first error, *stage saying where (1
 * LINK_INIT, 2 HANDSHAKE, 3 LINK_FINISH, 4 HANDSHAKE_CONFIRM).
 */
static int link_up(FIXTURE_DATA(link) *self, int alg,
		   const struct secmsg_policy *pa,
		   const struct secmsg_policy *pb, struct link *l, int *stage,
		   struct secmsg_session_info *ia,
		   struct secmsg_session_info *ib)
{
	uint8_t m1[SECMSG_HS_INIT_MAX], m2[128], m3[128];
	size_t l1 = sizeof(m1), l2 = sizeof(m2), l3 = sizeof(m3);
	int err;

	memset(l, 0, sizeof(*l));
	*stage = 1;
	err = secmsg_link_init(self->a.nl, self->b.name, alg, pa, 0, &l->a,
			       m1, &l1);
	if (err)
		return err;
	*stage = 2;
	err = secmsg_handshake(self->b.nl, m1, l1, pb, F_LINK, &l->b, m2, &l2);
	if (err)
		return err;
	*stage = 3;
	err = secmsg_link_finish(self->a.nl, l->a, m2, l2, m3, &l3, ia);
	if (err)
		return err;
	*stage = 4;
	if (l3 != SECMSG_HS_CONFIRM_LEN)
		return -EPROTO;
	return secmsg_handshake_confirm(self->b.nl, l->b, m3, l3, ib);
}

#define LINK_UP(alg, pa, pb, l) do {					\
	int __stage = 0, __err = link_up(self, alg, pa, pb, l, &__stage, \
					 NULL, NULL);			\
	if (__err)							\
		TH_LOG("link up: stage %d: %s (%s / %s)", __stage,	\
		       errname(__err), secmsg_nl_errmsg(self->a.nl) ?: "", \
		       secmsg_nl_errmsg(self->b.nl) ?: "");		\
	ASSERT_EQ(0, __err);						\
} while (0)

static uint32_t epoch_of(struct secmsg_nl *nl, uint64_t id)
{
	struct secmsg_session_info s;

	return secmsg_session_get(nl, id, &s) ? UINT32_MAX : s.epoch;
}

/* SEAL on one node, OPEN on the other: the plaintext, byte for byte. */
static int carry(struct secmsg_nl *from, uint64_t fid, struct secmsg_nl *to,
		 uint64_t tid, unsigned int seed, size_t len,
		 struct secmsg_msg_result *sealed)
{
	struct secmsg_msg_result opened;
	uint8_t pt[512];
	int err;

	fill_pattern(pt, len, seed);
	err = secmsg_msg(from, SECMSG_MSG_SEAL, fid, 0, pt, len, sealed);
	if (err)
		return err;
	err = secmsg_msg(to, SECMSG_MSG_OPEN, tid, 0, sealed->data,
			 sealed->len, &opened);
	if (!err && (opened.len != len || memcmp(opened.data, pt, len)))
		err = -EIO;
	secmsg_msg_result_free(&opened);
	return err;
}

/* A's SEAL of text on the link, and B's OPEN of a message m of A's. */
static int a_seal(FIXTURE_DATA(link) *self, const struct link *l,
		  const char *text, struct secmsg_msg_result *r)
{
	return secmsg_msg(self->a.nl, SECMSG_MSG_SEAL, l->a, 0,
			  (const uint8_t *)text, strlen(text), r);
}

static int b_open(FIXTURE_DATA(link) *self, const struct link *l,
		  const struct secmsg_msg_result *m,
		  struct secmsg_msg_result *r)
{
	return secmsg_msg(self->b.nl, SECMSG_MSG_OPEN, l->b, 0, m->data,
			  m->len, r);
}

/*
 * A link from A to B whose epochs B follows, each epoch left kept for 60 s,
 * and one message of len bytes carried over it.
 */
#define FOLLOWER_UP(alg, len, l) do {					\
	struct secmsg_policy __pb = grace_policy(60, 0);		\
	struct secmsg_msg_result __r;					\
									\
	ASSERT_EQ(0, nodes_pin(self));					\
	LINK_UP(alg, NULL, &__pb, l);					\
	ASSERT_EQ(0, carry(self->a.nl, (l)->a, self->b.nl, (l)->b, 1, len, \
			   &__r));					\
	secmsg_msg_result_free(&__r);					\
} while (0)

/*
 * A rotates and seals text, which B opens at A's new epoch (moving to it
 * when it follows): the same text, from epoch ep.
 */
#define A_ROTATES_B_OPENS(l, text, ep) do {				\
	struct secmsg_msg_result __m, __o;				\
									\
	ASSERT_EQ(0, secmsg_session_rotate(self->a.nl, (l)->a, NULL));	\
	ASSERT_EQ(0, a_seal(self, l, text, &__m));			\
	EXPECT_EQ(ep, get_be32(__m.data + HDR_OFF_EPOCH));		\
	ASSERT_EQ(0, b_open(self, l, &__m, &__o));			\
	EXPECT_EQ(strlen(text), __o.len);				\
	EXPECT_EQ(0, memcmp(__o.data, text, strlen(text)));		\
	EXPECT_EQ(ep, __o.epoch);					\
	secmsg_msg_result_free(&__o);					\
	secmsg_msg_result_free(&__m);					\
} while (0)

/* A registry dump: how many, and the first. */
struct dump {
	int n;
	char first[SECMSG_USER_ID_MAX + 1];
};

static int dump_cb(const struct secmsg_user_info *u, void *arg)
{
	struct dump *d = arg;

	if (!d->n++)
		snprintf(d->first, sizeof(d->first), "%s", u->user_id);
	return 0;
}

/* ------------------------------------------------------------------ */

TEST_F(link, node_identity_and_registry)
{
	uint8_t pub[KLEN], pub2[KLEN];
	char name[SECMSG_USER_ID_MAX + 1];
	struct secmsg_user_info u;
	struct rawnl_reply rep;
	struct dump d = { 0 };
	struct nl_msg *m;

	/* nothing yet; the server slot is apart from the node slot */
	EXPECT_EQ(-ENOKEY, secmsg_identity_get_slot(self->a.nl, NODE, name,
						    pub));
	EXPECT_STREQ("no node identity", secmsg_nl_errmsg(self->a.nl));
	ASSERT_EQ(0, node_identity(&self->a));
	ASSERT_EQ(0, secmsg_identity_get_slot(self->a.nl, NODE, name, pub));
	EXPECT_EQ(0, memcmp(pub, self->a.pub, KLEN));
	EXPECT_STREQ("node-a", name);
	EXPECT_EQ(-ENOKEY, secmsg_identity_get(self->a.nl, pub2));
	/* a generated node key, in B, is another one; same name rules */
	ASSERT_EQ(0, secmsg_identity_generate_slot(self->b.nl, NODE, "gen-b",
						   pub2));
	EXPECT_NE(0, memcmp(pub2, self->a.pub, KLEN));
	ASSERT_EQ(0, secmsg_identity_get_slot(self->b.nl, NODE, name, pub));
	EXPECT_EQ(0, memcmp(pub, pub2, KLEN));
	EXPECT_STREQ("gen-b", name);

	/* the node slot needs a valid name; the server slot takes none */
	m = rawnl_msg(&self->a.raw, SECMSG_CMD_IDENTITY_GENERATE, 0, 64);
	ASSERT_EQ(0, nla_put_u8(m, SECMSG_A_SLOT, NODE));
	ASSERT_EQ(-EINVAL, rawnl_xact(&self->a.raw, m, &rep));
	EXPECT_EQ(SECMSG_A_USER_ID, rep.miss_type);
	rawnl_reply_free(&rep);
	EXPECT_EQ(-EINVAL, secmsg_identity_generate_slot(self->a.nl, NODE,
							 ".bad", pub));
	EXPECT_NE(NULL, strstr(secmsg_nl_errmsg(self->a.nl) ?: "",
			       "user id must be"));
	EXPECT_EQ(-EINVAL, secmsg_identity_generate_slot(self->a.nl,
			 SECMSG_IDENTITY_SLOT_SERVER, "node-a", pub));
	EXPECT_NE(NULL, strstr(secmsg_nl_errmsg(self->a.nl) ?: "",
			       "server identity has no name"));
	/* a slot that does not exist */
	EXPECT_EQ(-ERANGE, secmsg_identity_get_slot(self->a.nl, 2, NULL,
						    pub));
	/* the failures changed nothing */
	ASSERT_EQ(0, secmsg_identity_get_slot(self->a.nl, NODE, name, pub));
	EXPECT_EQ(0, memcmp(pub, self->a.pub, KLEN));
	EXPECT_EQ(-ENOKEY, secmsg_identity_get(self->a.nl, pub2));

	/* the node's private key is in no reply: set and get, every byte */
	m = rawnl_msg(&self->a.raw, SECMSG_CMD_IDENTITY_SET, 0, 128);
	ASSERT_EQ(0, nla_put_u8(m, SECMSG_A_SLOT, NODE));
	ASSERT_EQ(0, nla_put_string(m, SECMSG_A_USER_ID, "node-a"));
	ASSERT_EQ(0, nla_put(m, SECMSG_A_PRIVATE_KEY, KLEN, self->a.priv));
	ASSERT_EQ(0, rawnl_xact(&self->a.raw, m, &rep));
	EXPECT_FALSE(mem_contains(rep.buf, rep.len, self->a.priv, KLEN));
	EXPECT_TRUE(mem_contains(rep.buf, rep.len, self->a.pub, KLEN));
	rawnl_reply_free(&rep);
	m = rawnl_msg(&self->a.raw, SECMSG_CMD_IDENTITY_GET, 0, 16);
	ASSERT_EQ(0, nla_put_u8(m, SECMSG_A_SLOT, NODE));
	ASSERT_EQ(0, rawnl_xact(&self->a.raw, m, &rep));
	EXPECT_FALSE(mem_contains(rep.buf, rep.len, self->a.priv, KLEN));
	EXPECT_TRUE(mem_contains(rep.buf, rep.len, "node-a", 7));
	rawnl_reply_free(&rep);

	/* the node registry is not the users' */
	ASSERT_EQ(0, secmsg_user_add(self->a.nl, "alice", self->b.pub));
	ASSERT_EQ(0, secmsg_user_add_slot(self->a.nl, NODE, "node-b.example",
					  self->b.pub));
	EXPECT_EQ(-EEXIST, secmsg_user_add_slot(self->a.nl, NODE,
						"node-b.example", pub));
	EXPECT_STREQ("node exists (delete it first)",
		     secmsg_nl_errmsg(self->a.nl));
	EXPECT_EQ(-ENOENT, secmsg_user_get(self->a.nl, "node-b.example", &u));
	EXPECT_EQ(-ENOENT, secmsg_user_get_slot(self->a.nl, NODE, "alice",
						&u));
	EXPECT_STREQ("no such node", secmsg_nl_errmsg(self->a.nl));
	ASSERT_EQ(0, secmsg_user_get_slot(self->a.nl, NODE, "node-b.example",
					  &u));
	EXPECT_EQ(0, memcmp(u.public_key, self->b.pub, KLEN));
	EXPECT_FALSE(u.has_last_handshake);
	EXPECT_EQ(-EINVAL, secmsg_user_add_slot(self->a.nl, NODE, "-x",
						self->b.pub));

	ASSERT_EQ(0, secmsg_user_dump_slot(self->a.nl, NODE, dump_cb, &d));
	EXPECT_EQ(1, d.n);
	EXPECT_STREQ("node-b.example", d.first);
	memset(&d, 0, sizeof(d));
	ASSERT_EQ(0, secmsg_user_dump(self->a.nl, dump_cb, &d));
	EXPECT_EQ(1, d.n);
	EXPECT_STREQ("alice", d.first);
	/* and B's registry is B's own */
	memset(&d, 0, sizeof(d));
	ASSERT_EQ(0, secmsg_user_dump_slot(self->b.nl, NODE, dump_cb, &d));
	EXPECT_EQ(0, d.n);

	EXPECT_EQ(-ENOENT, secmsg_user_del_slot(self->a.nl, NODE, "alice"));
	ASSERT_EQ(0, secmsg_user_del_slot(self->a.nl, NODE, "node-b.example"));
	EXPECT_EQ(-ENOENT, secmsg_user_get_slot(self->a.nl, NODE,
						"node-b.example", &u));
	ASSERT_EQ(0, secmsg_user_get(self->a.nl, "alice", &u));
}

TEST_F(link, handshake_flags_events_orientation)
{
	struct secmsg_session_info ia, ib, s;
	struct secmsg_event_info ev;
	struct secmsg_msg_result r, r2;
	struct secmsg_user_info u;
	struct secmsg_policy pb = { 0 };
	struct link l;
	int stage;

	ASSERT_EQ(0, nodes_pin(self));
	pb.has_idle_timeout = true;
	pb.idle_timeout = 0;
	ASSERT_EQ(0, link_up(self, SECMSG_ALG_CHACHA20_POLY1305, NULL, &pb, &l,
			     &stage, &ia, &ib));
	/* A: the initiator of the link to node-b; B: its responder */
	EXPECT_EQ(l.a, ia.id);
	EXPECT_STREQ("node-b.example", ia.user_id);
	EXPECT_EQ(F_LINK | F_INIT, ia.flags);
	EXPECT_EQ(SECMSG_STATE_ACTIVE, ia.state);
	EXPECT_EQ(SECMSG_ALG_CHACHA20_POLY1305, ia.alg);
	EXPECT_EQ(3600, ia.policy.rotate_interval);
	EXPECT_NE(0, ia.rekey_at);
	ASSERT_EQ(0, secmsg_session_get(self->b.nl, l.b, &ib));
	EXPECT_STREQ("node-a", ib.user_id);
	EXPECT_EQ(F_LINK, ib.flags);
	EXPECT_EQ(SECMSG_STATE_ACTIVE, ib.state);
	/* the follower rotates never by itself */
	EXPECT_EQ(0, ib.policy.rotate_interval);
	EXPECT_EQ(0, ib.policy.max_messages);
	EXPECT_EQ(0, ib.rekey_at);
	EXPECT_EQ(0, ib.policy.idle_timeout);
	/* B took A's message 1: the node's last handshake */
	ASSERT_EQ(0, secmsg_user_get_slot(self->b.nl, NODE, "node-a", &u));
	EXPECT_TRUE(u.has_last_handshake);

	/* the events carry the flags */
	ASSERT_EQ(0, event_wait(self->a.ev, l.a, SECMSG_EVENT_CREATED, &ev,
				2000));
	EXPECT_EQ(F_LINK | F_INIT, ev.flags);
	EXPECT_STREQ("node-b.example", ev.user_id);
	ASSERT_EQ(0, event_wait(self->b.ev, l.b, SECMSG_EVENT_CREATED, &ev,
				2000));
	EXPECT_EQ(F_LINK, ev.flags);

	/* A seals c2s, under B's session id; B opens it */
	ASSERT_EQ(0, carry(self->a.nl, l.a, self->b.nl, l.b, 1, 100, &r));
	EXPECT_EQ(l.b, get_be64(r.data + HDR_OFF_SESSION));
	EXPECT_EQ(0, get_be64(r.data + HDR_OFF_SEQ));
	EXPECT_EQ(SECMSG_ALG_CHACHA20_POLY1305, r.data[HDR_OFF_ALG]);
	/* A cannot open its own message (the other direction's key) ... */
	EXPECT_EQ(-EBADMSG, secmsg_msg(self->a.nl, SECMSG_MSG_OPEN, l.a, 0,
				       r.data, r.len, &r2));
	secmsg_msg_result_free(&r);
	/* ... and B's come back the other way */
	ASSERT_EQ(0, carry(self->b.nl, l.b, self->a.nl, l.a, 2, 200, &r));
	EXPECT_EQ(l.b, get_be64(r.data + HDR_OFF_SESSION));
	secmsg_msg_result_free(&r);
	ASSERT_EQ(0, carry(self->b.nl, l.b, self->a.nl, l.a, 3, 300, &r));
	/* (seq 1: new to B's inbound window, which saw A's seq 0) */
	EXPECT_EQ(1, get_be64(r.data + HDR_OFF_SEQ));
	EXPECT_EQ(-EBADMSG, b_open(self, &l, &r, &r2));
	secmsg_msg_result_free(&r);
	ASSERT_EQ(0, secmsg_session_get(self->a.nl, l.a, &s));
	EXPECT_EQ(1, s.counters.tx_messages);
	EXPECT_EQ(2, s.counters.rx_messages);
	EXPECT_EQ(1, s.counters.auth_failures);
	ASSERT_EQ(0, secmsg_session_get(self->b.nl, l.b, &s));
	EXPECT_EQ(2, s.counters.tx_messages);
	EXPECT_EQ(1, s.counters.rx_messages);
	EXPECT_EQ(1, s.counters.auth_failures);
}

/* Two RESEALs: alice@A -> link -> bob@B; every algorithm on each leg. */
TEST_F(link, relay_alice_to_bob_exact)
{
	uint8_t pt[400], sealed[MSG_BUF_LEN], out[MSG_BUF_LEN];
	struct secmsg_msg_result r1, r2;
	struct client alice, bob;
	struct secmsg_hdr h;
	struct link l;
	int i, j;

	ASSERT_EQ(0, nodes_pin(self));
	for (i = 0; i < N_ALGS; i++) {
		LINK_UP(test_algs[i], NULL, NULL, &l);
		ASSERT_EQ(0, client_new(self->a.nl, &alice,
					test_algs[(i + 1) % N_ALGS], NULL, 0,
					NULL));
		ASSERT_EQ(0, client_new(self->b.nl, &bob,
					test_algs[(i + 2) % N_ALGS], NULL, 0,
					NULL));
		for (j = 0; j < 3; j++) {
			size_t len = j == 0 ? 1 : j == 1 ? 17 : sizeof(pt);
			long n;

			fill_pattern(pt, len, 100 * i + j);
			n = client_seal(&alice, pt, len, sealed);
			ASSERT_LT(0, n);
			ASSERT_EQ(0, secmsg_msg(self->a.nl, SECMSG_MSG_RESEAL,
						alice.id, l.a, sealed, n,
						&r1));
			/* on the link: under B's id, the link's algorithm */
			EXPECT_EQ(l.b, get_be64(r1.data + HDR_OFF_SESSION));
			EXPECT_EQ(test_algs[i], r1.data[HDR_OFF_ALG]);
			EXPECT_EQ((uint64_t)j, get_be64(r1.data + HDR_OFF_SEQ));
			/* (a one-byte text can be in any ciphertext by chance) */
			if (len > 1)
				EXPECT_FALSE(mem_contains(r1.data, r1.len, pt,
							  len));
			ASSERT_EQ(0, secmsg_msg(self->b.nl, SECMSG_MSG_RESEAL,
						l.b, bob.id, r1.data, r1.len,
						&r2));
			n = client_open(&bob, r2.data, r2.len, &h, out);
			ASSERT_EQ((long)len, n);
			EXPECT_EQ(0, memcmp(out, pt, len));
			EXPECT_EQ(bob.id, h.session_id);
			EXPECT_EQ(bob.alg, h.alg);
			EXPECT_EQ((uint64_t)j, h.seq);
			/* the link message once more: a replay */
			EXPECT_EQ(-EALREADY,
				  secmsg_msg(self->b.nl, SECMSG_MSG_RESEAL,
					     l.b, bob.id, r1.data, r1.len,
					     &r2));
			EXPECT_STREQ("replayed message",
				     secmsg_nl_errmsg(self->b.nl));
			secmsg_msg_result_free(&r1);
			secmsg_msg_result_free(&r2);
		}
		client_wipe(&alice);
		client_wipe(&bob);
	}
}

TEST_F(link, responder_follows_epochs)
{
	struct secmsg_msg_result r, x, x2, y, z, bad;
	struct secmsg_session_info s;
	struct secmsg_event_info ev;
	struct secmsg_policy pol = { 0 };
	struct link l;
	int i;

	FOLLOWER_UP(SECMSG_ALG_AES_256_GCM, 64, &l);

	/* A rotates; B has not seen epoch 1 */
	ASSERT_EQ(0, secmsg_session_rotate(self->a.nl, l.a, NULL));
	ASSERT_EQ(0, a_seal(self, &l, "epoch one", &x));
	EXPECT_EQ(1, get_be32(x.data + HDR_OFF_EPOCH));
	EXPECT_EQ(0, epoch_of(self->b.nl, l.b));
	/* a message of epoch 1 that does not authenticate moves nothing */
	ASSERT_EQ(0, a_seal(self, &l, "tampered", &bad));
	bad.data[bad.len - 1] ^= 1;
	EXPECT_EQ(-EBADMSG, b_open(self, &l, &bad, &r));
	EXPECT_EQ(0, epoch_of(self->b.nl, l.b));
	ASSERT_EQ(0, secmsg_session_get(self->b.nl, l.b, &s));
	EXPECT_EQ(0, s.counters.rotations);
	EXPECT_EQ(1, s.counters.auth_failures);
	/* the real one does: B follows to epoch 1 */
	ASSERT_EQ(0, b_open(self, &l, &x, &r));
	EXPECT_EQ(9, r.len);
	EXPECT_EQ(0, memcmp(r.data, "epoch one", 9));
	EXPECT_EQ(1, r.epoch);
	secmsg_msg_result_free(&r);
	ASSERT_EQ(0, secmsg_session_get(self->b.nl, l.b, &s));
	EXPECT_EQ(1, s.epoch);
	EXPECT_EQ(1, s.counters.rotations);
	ASSERT_EQ(0, event_wait(self->b.ev, l.b, SECMSG_EVENT_ROTATED, &ev,
				2000));
	EXPECT_EQ(1, ev.epoch);
	EXPECT_EQ(F_LINK, ev.flags);
	/* the tampered one stays refused, now by its epoch's key */
	EXPECT_EQ(-EBADMSG, b_open(self, &l, &bad, &r));
	secmsg_msg_result_free(&bad);
	/* one more of epoch 1, held back */
	ASSERT_EQ(0, a_seal(self, &l, "late", &x2));

	/* four epochs ahead: followed; the epoch left is kept */
	for (i = 0; i < SECMSG_LINK_FOLLOW_MAX; i++)
		ASSERT_EQ(0, secmsg_session_rotate(self->a.nl, l.a, NULL));
	ASSERT_EQ(0, a_seal(self, &l, "epoch five", &y));
	EXPECT_EQ(5, get_be32(y.data + HDR_OFF_EPOCH));
	ASSERT_EQ(0, b_open(self, &l, &y, &r));
	EXPECT_EQ(0, memcmp(r.data, "epoch five", 10));
	secmsg_msg_result_free(&r);
	EXPECT_EQ(5, epoch_of(self->b.nl, l.b));
	/* x again is a replay; the one held back is in its epoch's grace */
	EXPECT_EQ(-EALREADY, b_open(self, &l, &x, &r));
	secmsg_msg_result_free(&x);
	ASSERT_EQ(0, b_open(self, &l, &x2, &r));
	EXPECT_EQ(1, r.epoch);
	EXPECT_EQ(0, memcmp(r.data, "late", 4));
	secmsg_msg_result_free(&r);
	secmsg_msg_result_free(&x2);
	EXPECT_EQ(5, epoch_of(self->b.nl, l.b));

	/* an algorithm change is followed too */
	ASSERT_EQ(0, secmsg_session_set(self->a.nl, l.a,
					SECMSG_ALG_TWOFISH_CBC, NULL, NULL));
	ASSERT_EQ(0, carry(self->a.nl, l.a, self->b.nl, l.b, 7, 33, &r));
	EXPECT_EQ(SECMSG_ALG_TWOFISH_CBC, r.data[HDR_OFF_ALG]);
	secmsg_msg_result_free(&r);
	ASSERT_EQ(0, secmsg_session_get(self->b.nl, l.b, &s));
	EXPECT_EQ(6, s.epoch);
	EXPECT_EQ(SECMSG_ALG_TWOFISH_CBC, s.alg);

	/* five ahead: too far, and nothing moves */
	for (i = 0; i <= SECMSG_LINK_FOLLOW_MAX; i++)
		ASSERT_EQ(0, secmsg_session_rotate(self->a.nl, l.a, NULL));
	ASSERT_EQ(0, a_seal(self, &l, "too far", &z));
	EXPECT_EQ(11, get_be32(z.data + HDR_OFF_EPOCH));
	EXPECT_EQ(-EKEYREJECTED, b_open(self, &l, &z, &r));
	EXPECT_STREQ("message from an epoch not reached yet",
		     secmsg_nl_errmsg(self->b.nl));
	secmsg_msg_result_free(&z);
	EXPECT_EQ(6, epoch_of(self->b.nl, l.b));

	/* the follower refuses rotations of its own */
	EXPECT_EQ(-EOPNOTSUPP, secmsg_session_rotate(self->b.nl, l.b, NULL));
	EXPECT_NE(NULL, strstr(secmsg_nl_errmsg(self->b.nl) ?: "",
			       "follows its initiator"));
	EXPECT_EQ(-EOPNOTSUPP, secmsg_session_set(self->b.nl, l.b,
						  SECMSG_ALG_AES_256_GCM, NULL,
						  NULL));
	pol.has_max_messages = true;
	pol.max_messages = 100;
	EXPECT_EQ(-EINVAL, secmsg_session_set(self->b.nl, l.b, 0, &pol, NULL));
	EXPECT_NE(NULL, strstr(secmsg_nl_errmsg(self->b.nl) ?: "",
			       "follows its initiator"));
	pol.max_messages = 0;
	EXPECT_EQ(0, secmsg_session_set(self->b.nl, l.b, 0, &pol, NULL));
	EXPECT_EQ(6, epoch_of(self->b.nl, l.b));
}

/*
 * A message of an epoch ahead that does not authenticate leaves its key
 * made, for that epoch (it moves nothing): a message of a later epoch is
 * opened with a key of its own, and the follower moves to its epoch.
 */
TEST_F(link, follower_key_ahead_replaced_by_a_later_epoch)
{
	struct secmsg_msg_result r, bad, late;
	struct secmsg_session_info s;
	struct link l;

	FOLLOWER_UP(SECMSG_ALG_CHACHA20_POLY1305, 48, &l);

	/* epoch 1: a forged message (B makes epoch 1's key), one held back */
	ASSERT_EQ(0, secmsg_session_rotate(self->a.nl, l.a, NULL));
	ASSERT_EQ(0, a_seal(self, &l, "forged", &bad));
	bad.data[bad.len - 1] ^= 1;
	EXPECT_EQ(-EBADMSG, b_open(self, &l, &bad, &r));
	secmsg_msg_result_free(&bad);
	ASSERT_EQ(0, a_seal(self, &l, "late", &late));
	EXPECT_EQ(0, epoch_of(self->b.nl, l.b));

	/* epoch 2 arrives first: opened, and B moves there */
	A_ROTATES_B_OPENS(&l, "epoch two", 2);
	ASSERT_EQ(0, secmsg_session_get(self->b.nl, l.b, &s));
	EXPECT_EQ(2, s.epoch);
	EXPECT_EQ(2, s.counters.rotations);
	EXPECT_EQ(1, s.counters.auth_failures);

	/* the one held back: epoch 1 is in its grace */
	ASSERT_EQ(0, b_open(self, &l, &late, &r));
	EXPECT_EQ(1, r.epoch);
	EXPECT_EQ(4, r.len);
	EXPECT_EQ(0, memcmp(r.data, "late", 4));
	secmsg_msg_result_free(&r);
	secmsg_msg_result_free(&late);
	EXPECT_EQ(2, epoch_of(self->b.nl, l.b));
}

/*
 * The epochs a move skips keep the follower's algorithm; only the epoch
 * it moves to takes the message's (docs/protocol.md, section 3).  A
 * changes to twofish_cbc at epoch 1 and rotates to 2; B moves from 0 to 2
 * on a message of epoch 2, and epoch 1's key, kept for its grace, is
 * under aes_256_gcm: a late message of epoch 1 under twofish_cbc is
 * refused as a bad header.
 */
TEST_F(link, skipped_epochs_keep_the_followers_algorithm)
{
	struct secmsg_msg_result r, late;
	struct secmsg_session_info s;
	struct link l;

	FOLLOWER_UP(SECMSG_ALG_AES_256_GCM, 40, &l);

	ASSERT_EQ(0, secmsg_session_set(self->a.nl, l.a,
					SECMSG_ALG_TWOFISH_CBC, NULL, NULL));
	ASSERT_EQ(0, a_seal(self, &l, "late", &late));
	EXPECT_EQ(1, get_be32(late.data + HDR_OFF_EPOCH));
	EXPECT_EQ(SECMSG_ALG_TWOFISH_CBC, late.data[HDR_OFF_ALG]);
	A_ROTATES_B_OPENS(&l, "epoch two", 2);
	ASSERT_EQ(0, secmsg_session_get(self->b.nl, l.b, &s));
	EXPECT_EQ(2, s.epoch);
	EXPECT_EQ(SECMSG_ALG_TWOFISH_CBC, s.alg);
	EXPECT_EQ(2, s.counters.rotations);

	EXPECT_EQ(-EPROTO, b_open(self, &l, &late, &r));
	EXPECT_EQ(SECMSG_FAIL_BAD_HEADER, r.reason);
	secmsg_msg_result_free(&late);
	EXPECT_EQ(2, epoch_of(self->b.nl, l.b));
}

/* ---- rotation by count under load, two threads, reordered ---- */

#define LOAD_THREADS	2
#define LOAD_ROUNDS	25
#define LOAD_BATCH	40	/* = the link's max_messages */

struct load {
	pthread_barrier_t *bar;
	struct secmsg_nl *na, *nb;
	struct link l;
	struct client alice, bob;
	unsigned int id;
	int err;
	unsigned long sent, delivered, last_epoch;
	char why[160];
};

static void *load_thread(void *arg)
{
	struct load *t = arg;
	struct secmsg_batch_op ops[LOAD_BATCH];
	struct secmsg_msg_result res[LOAD_BATCH], res2[LOAD_BATCH];
	uint8_t sealed[LOAD_BATCH][256], pt[LOAD_BATCH][64], out[256];
	int round, i, n;
	long len;

	for (round = 0; round < LOAD_ROUNDS; round++) {
		memset(res, 0, sizeof(res));
		memset(res2, 0, sizeof(res2));
		/* A: alice's messages re-sealed into the link */
		for (i = 0; i < LOAD_BATCH && !t->err; i++) {
			fill_pattern(pt[i], sizeof(pt[i]),
				     t->id << 16 | round << 8 | i);
			len = client_seal(&t->alice, pt[i], sizeof(pt[i]),
					  sealed[i]);
			if (len < 0)
				t->err = (int)len;
			ops[i] = (struct secmsg_batch_op){
				.op = SECMSG_MSG_RESEAL, .id = t->alice.id,
				.peer_id = t->l.a, .data = sealed[i],
				.len = (size_t)len,
			};
		}
		if (!t->err)
			t->err = secmsg_msg_batch(t->na, ops, LOAD_BATCH, res);
		for (i = 0; i < LOAD_BATCH && !t->err; i++)
			if (res[i].status)
				t->err = -res[i].status;
		if (!t->err)
			t->sent += LOAD_BATCH;
		pthread_barrier_wait(t->bar);
		/* B: from the link into bob's session, newest first */
		for (i = 0; i < LOAD_BATCH && !t->err; i++) {
			n = LOAD_BATCH - 1 - i;
			ops[i] = (struct secmsg_batch_op){
				.op = SECMSG_MSG_RESEAL, .id = t->l.b,
				.peer_id = t->bob.id, .data = res[n].data,
				.len = res[n].len,
			};
		}
		if (!t->err)
			t->err = secmsg_msg_batch(t->nb, ops, LOAD_BATCH, res2);
		for (i = 0; i < LOAD_BATCH && !t->err; i++) {
			n = LOAD_BATCH - 1 - i;
			if (res2[i].status) {
				t->err = -res2[i].status;
				snprintf(t->why, sizeof(t->why),
					 "round %d, message %d of epoch %u: %s",
					 round, n,
					 get_be32(res[n].data + HDR_OFF_EPOCH),
					 errname(t->err));
				break;
			}
			len = client_open(&t->bob, res2[i].data, res2[i].len,
					  NULL, out);
			if (len != (long)sizeof(pt[n]) ||
			    memcmp(out, pt[n], sizeof(pt[n]))) {
				t->err = -EIO;
				snprintf(t->why, sizeof(t->why),
					 "round %d, message %d: bytes differ",
					 round, n);
				break;
			}
			t->delivered++;
			if (get_be32(res[n].data + HDR_OFF_EPOCH) > t->last_epoch)
				t->last_epoch = get_be32(res[n].data +
							 HDR_OFF_EPOCH);
		}
		for (i = 0; i < LOAD_BATCH; i++) {
			secmsg_msg_result_free(&res[i]);
			secmsg_msg_result_free(&res2[i]);
		}
		pthread_barrier_wait(t->bar);
	}
	return NULL;
}

TEST_F_TIMEOUT(link, rotation_by_count_under_load, 240)
{
	struct secmsg_policy pa = grace_policy(120, LOAD_BATCH);
	struct secmsg_policy pb = grace_policy(120, 0);
	struct load t[LOAD_THREADS];
	pthread_barrier_t bar;
	pthread_t th[LOAD_THREADS];
	struct secmsg_session_info sa, sb;
	unsigned long sent = 0, delivered = 0, last = 0;
	struct link l;
	int i;

	ASSERT_EQ(0, nodes_pin(self));
	LINK_UP(SECMSG_ALG_AES_256_GCM, &pa, &pb, &l);
	ASSERT_EQ(0, pthread_barrier_init(&bar, NULL, LOAD_THREADS));
	for (i = 0; i < LOAD_THREADS; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].bar = &bar;
		t[i].l = l;
		t[i].id = i;
		t[i].na = node_handle(self->home, &self->a);
		t[i].nb = node_handle(self->home, &self->b);
		ASSERT_NE(NULL, t[i].na);
		ASSERT_NE(NULL, t[i].nb);
		ASSERT_EQ(0, client_new(t[i].na, &t[i].alice,
					SECMSG_ALG_CHACHA20_POLY1305, NULL, 0,
					NULL));
		ASSERT_EQ(0, client_new(t[i].nb, &t[i].bob,
					SECMSG_ALG_TWOFISH_CBC, NULL, 0,
					NULL));
	}
	for (i = 0; i < LOAD_THREADS; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, load_thread, &t[i]));
	for (i = 0; i < LOAD_THREADS; i++) {
		pthread_join(th[i], NULL);
		if (t[i].err)
			TH_LOG("thread %d: %s (%s)", i, errname(t[i].err),
			       t[i].why);
		EXPECT_EQ(0, t[i].err);
		sent += t[i].sent;
		delivered += t[i].delivered;
		if (t[i].last_epoch > last)
			last = t[i].last_epoch;
		secmsg_nl_close(t[i].na);
		secmsg_nl_close(t[i].nb);
		client_wipe(&t[i].alice);
		client_wipe(&t[i].bob);
	}
	pthread_barrier_destroy(&bar);
	EXPECT_EQ(LOAD_THREADS * LOAD_ROUNDS * LOAD_BATCH, sent);
	EXPECT_EQ(sent, delivered);

	/* A rotated every LOAD_BATCH link messages; B followed each time */
	ASSERT_EQ(0, secmsg_session_get(self->a.nl, l.a, &sa));
	ASSERT_EQ(0, secmsg_session_get(self->b.nl, l.b, &sb));
	TH_LOG("%lu messages over the link; A at epoch %u, B at %u",
	       delivered, sa.epoch, sb.epoch);
	/* (two threads' counts racing at a rotation may lose a few) */
	EXPECT_LE(sa.counters.rotations, sent / LOAD_BATCH);
	EXPECT_GE(sa.counters.rotations, sent / LOAD_BATCH * 3 / 4);
	EXPECT_EQ(sa.epoch, sa.counters.rotations);
	EXPECT_EQ(last, sb.epoch);
	EXPECT_LE(sb.epoch, sa.epoch);
	EXPECT_GE(sb.epoch + 1, sa.epoch);
	EXPECT_EQ(sb.epoch, sb.counters.rotations);
	EXPECT_EQ(delivered, sb.counters.rx_messages);
	EXPECT_EQ(0, sb.counters.stale_epoch);
	EXPECT_EQ(0, sb.counters.auth_failures);
	EXPECT_EQ(0, sb.counters.replays);
}

/* ---- refusals ---- */

/* SESSION_NEW with flags. */
static int session_new_flags(struct secmsg_nl *nl, uint32_t flags)
{
	struct secmsg_session_params p = { 0 };
	uint8_t sec[SECMSG_KEY_LEN] = { 1 };

	p.user_id = "x";
	p.alg = SECMSG_ALG_AES_256_GCM;
	p.secret_c2s = p.secret_s2c = sec;
	p.flags = flags;
	return secmsg_session_new(nl, &p, NULL);
}

TEST_F(link, refusals_with_extack)
{
	uint8_t m1[SECMSG_HS_INIT_MAX], m2[128], m3[128], m1b[SECMSG_HS_INIT_MAX];
	uint8_t m2b[128], fake[KLEN];
	size_t l1, l2, l3, l1b, l2b;
	struct secmsg_session_info s;
	struct secmsg_policy pol = { 0 };
	struct secmsg_stats st;
	struct rawnl_reply rep;
	uint64_t ia, ib, ia2, ib2, ib_first;
	struct nl_msg *m;

	/* no node identity */
	l1 = sizeof(m1);
	EXPECT_EQ(-ENOKEY, secmsg_link_init(self->a.nl, self->b.name,
					    SECMSG_ALG_AES_256_GCM, NULL, 0,
					    &ia, m1, &l1));
	EXPECT_NE(NULL, strstr(secmsg_nl_errmsg(self->a.nl) ?: "",
			       "no node identity"));
	ASSERT_EQ(0, node_identity(&self->a));
	/* unknown node, on each side */
	EXPECT_EQ(-ENOENT, secmsg_link_init(self->a.nl, self->b.name,
					    SECMSG_ALG_AES_256_GCM, NULL, 0,
					    &ia, m1, &l1));
	EXPECT_STREQ("unknown node (not in the node registry)",
		     secmsg_nl_errmsg(self->a.nl));
	ASSERT_EQ(0, secmsg_user_add_slot(self->a.nl, NODE, self->b.name,
					  self->b.pub));
	l1 = sizeof(m1);
	ASSERT_EQ(0, secmsg_link_init(self->a.nl, self->b.name,
				      SECMSG_ALG_AES_256_GCM, NULL, 0, &ia, m1,
				      &l1));
	l2 = sizeof(m2);
	EXPECT_EQ(-ENOKEY, secmsg_handshake(self->b.nl, m1, l1, NULL, F_LINK,
					    &ib, m2, &l2));
	EXPECT_NE(NULL, strstr(secmsg_nl_errmsg(self->b.nl) ?: "",
			       "no node identity"));
	ASSERT_EQ(0, node_identity(&self->b));
	EXPECT_EQ(-ENOENT, secmsg_handshake(self->b.nl, m1, l1, NULL, F_LINK,
					    &ib, m2, &l2));
	EXPECT_STREQ("unknown node (not in the node registry)",
		     secmsg_nl_errmsg(self->b.nl));
	/* a node's message 1 is no user's */
	ASSERT_EQ(0, secmsg_identity_generate(self->b.nl, fake));
	EXPECT_EQ(-ENOENT, secmsg_handshake(self->b.nl, m1, l1, NULL, 0, &ib,
					    m2, &l2));
	EXPECT_STREQ("unknown user", secmsg_nl_errmsg(self->b.nl));
	/* wrong pinned key: B pins another key for node-a */
	ASSERT_EQ(0, secmsg_x25519_generate(fake, NULL));
	secmsg_x25519_pub(fake, fake);
	ASSERT_EQ(0, secmsg_user_add_slot(self->b.nl, NODE, self->a.name,
					  fake));
	EXPECT_EQ(-EBADMSG, secmsg_handshake(self->b.nl, m1, l1, NULL, F_LINK,
					     &ib, m2, &l2));
	EXPECT_STREQ("handshake authentication failed (node key mismatch)",
		     secmsg_nl_errmsg(self->b.nl));
	ASSERT_EQ(0, secmsg_user_del_slot(self->b.nl, NODE, self->a.name));
	ASSERT_EQ(0, secmsg_user_add_slot(self->b.nl, NODE, self->a.name,
					  self->a.pub));
	/* a link responder takes no F_INITIATOR and no rotation policy */
	EXPECT_EQ(-EINVAL, secmsg_handshake(self->b.nl, m1, l1, NULL,
					    F_LINK | F_INIT, &ib, m2, &l2));
	pol.has_rotate_interval = true;
	pol.rotate_interval = 60;
	EXPECT_EQ(-EINVAL, secmsg_handshake(self->b.nl, m1, l1, &pol, F_LINK,
					    &ib, m2, &l2));
	EXPECT_NE(NULL, strstr(secmsg_nl_errmsg(self->b.nl) ?: "",
			       "follows its initiator"));
	/* now B answers; message 1 once more is a replay */
	ASSERT_EQ(0, secmsg_handshake(self->b.nl, m1, l1, NULL, F_LINK, &ib,
				      m2, &l2));
	l2b = sizeof(m2b);
	EXPECT_EQ(-EALREADY, secmsg_handshake(self->b.nl, m1, l1, NULL,
					      F_LINK, &ib2, m2b, &l2b));
	EXPECT_STREQ("replayed handshake (timestamp not newer)",
		     secmsg_nl_errmsg(self->b.nl));
	ib_first = ib;

	/* bad message 2: malformed, then not authentic; each ends the try */
	l3 = sizeof(m3);
	EXPECT_EQ(-EINVAL, secmsg_link_finish(self->a.nl, ia, m2, l2 - 1, m3,
					      &l3, NULL));
	EXPECT_STREQ("not a handshake message 2", secmsg_nl_errmsg(self->a.nl));
	EXPECT_EQ(-ENOENT, secmsg_session_get(self->a.nl, ia, &s));
	l1b = sizeof(m1b);
	ASSERT_EQ(0, secmsg_link_init(self->a.nl, self->b.name,
				      SECMSG_ALG_AES_256_GCM, NULL, 0, &ia2,
				      m1b, &l1b));
	/* message 2 of another handshake (ia's) does not answer ia2's */
	EXPECT_EQ(-EBADMSG, secmsg_link_finish(self->a.nl, ia2, m2, l2, m3,
					       &l3, NULL));
	EXPECT_STREQ("handshake authentication failed (message 2 not from the pinned node key)",
		     secmsg_nl_errmsg(self->a.nl));
	EXPECT_EQ(-ENOENT, secmsg_session_get(self->a.nl, ia2, &s));
	/* a tampered tag */
	l1b = sizeof(m1b);
	ASSERT_EQ(0, secmsg_link_init(self->a.nl, self->b.name,
				      SECMSG_ALG_AES_256_GCM, NULL, 0, &ia2,
				      m1b, &l1b));
	l2b = sizeof(m2b);
	ASSERT_EQ(0, secmsg_handshake(self->b.nl, m1b, l1b, NULL, F_LINK, &ib2,
				      m2b, &l2b));
	m2b[l2b - 1] ^= 0x80;
	EXPECT_EQ(-EBADMSG, secmsg_link_finish(self->a.nl, ia2, m2b, l2b, m3,
					       &l3, NULL));
	m2b[l2b - 1] ^= 0x80;
	/* gone: the right message 2 comes too late */
	EXPECT_EQ(-ENOENT, secmsg_link_finish(self->a.nl, ia2, m2b, l2b, m3,
					      &l3, NULL));
	/* B's pending ib2 is refused a wrong message 3 and deleted */
	memset(m3, 0, sizeof(m3));
	m3[0] = SECMSG_HS_CONFIRM;
	m3[1] = SECMSG_HS_VERSION;
	put_be64(m3 + 4, ib2);
	EXPECT_EQ(-EBADMSG, secmsg_handshake_confirm(self->b.nl, ib2, m3,
						     SECMSG_HS_CONFIRM_LEN,
						     NULL));
	EXPECT_EQ(-ENOENT, secmsg_session_get(self->b.nl, ib2, &s));
	/* B's answer to the first, whose initiator is gone */
	ASSERT_EQ(0, secmsg_session_del(self->b.nl, ib_first));

	/* finished once; LINK_FINISH only for link initiators */
	l1 = sizeof(m1);
	ASSERT_EQ(0, secmsg_link_init(self->a.nl, self->b.name,
				      SECMSG_ALG_AES_256_GCM, NULL, 0, &ia, m1,
				      &l1));
	l2 = sizeof(m2);
	ASSERT_EQ(0, secmsg_handshake(self->b.nl, m1, l1, NULL, F_LINK, &ib,
				      m2, &l2));
	l3 = sizeof(m3);
	ASSERT_EQ(0, secmsg_link_finish(self->a.nl, ia, m2, l2, m3, &l3, &s));
	EXPECT_EQ(SECMSG_STATE_ACTIVE, s.state);
	EXPECT_EQ(-EALREADY, secmsg_link_finish(self->a.nl, ia, m2, l2, m3,
						&l3, NULL));
	EXPECT_STREQ("link handshake already finished",
		     secmsg_nl_errmsg(self->a.nl));
	EXPECT_EQ(0, secmsg_session_get(self->a.nl, ia, &s));
	EXPECT_EQ(-EINVAL, secmsg_link_finish(self->b.nl, ib, m2, l2, m3, &l3,
					      NULL));
	EXPECT_STREQ("not a link initiator session (LINK_INIT)",
		     secmsg_nl_errmsg(self->b.nl));
	ASSERT_EQ(0, secmsg_handshake_confirm(self->b.nl, ib, m3, l3, &s));
	EXPECT_EQ(F_LINK, s.flags);

	/* link flags are the handshake's to set, not SESSION_NEW's */
	EXPECT_EQ(-EINVAL, session_new_flags(self->a.nl, F_LINK));
	EXPECT_NE(NULL, strstr(secmsg_nl_errmsg(self->a.nl) ?: "",
			       "made by their handshake"));
	EXPECT_EQ(-EINVAL, session_new_flags(self->a.nl, F_INIT));

	/* missing attributes: named, with their type */
	m = rawnl_msg(&self->a.raw, SECMSG_CMD_LINK_INIT, 0, 64);
	ASSERT_EQ(0, nla_put_string(m, SECMSG_A_USER_ID, self->b.name));
	ASSERT_EQ(-EINVAL, rawnl_xact(&self->a.raw, m, &rep));
	EXPECT_EQ(SECMSG_A_ALG, rep.miss_type);
	EXPECT_TRUE(rep.has_extack);
	rawnl_reply_free(&rep);
	m = rawnl_msg(&self->a.raw, SECMSG_CMD_LINK_INIT, 0, 64);
	ASSERT_EQ(0, nla_put_u32(m, SECMSG_A_ALG, SECMSG_ALG_AES_256_GCM));
	ASSERT_EQ(-EINVAL, rawnl_xact(&self->a.raw, m, &rep));
	EXPECT_EQ(SECMSG_A_USER_ID, rep.miss_type);
	rawnl_reply_free(&rep);
	m = rawnl_msg(&self->a.raw, SECMSG_CMD_LINK_FINISH, 0, 64);
	ASSERT_EQ(0, nla_put_u64(m, SECMSG_A_SESSION_ID, ia));
	ASSERT_EQ(-EINVAL, rawnl_xact(&self->a.raw, m, &rep));
	EXPECT_EQ(SECMSG_A_HANDSHAKE, rep.miss_type);
	rawnl_reply_free(&rep);
	m = rawnl_msg(&self->a.raw, SECMSG_CMD_LINK_FINISH, 0, 64);
	ASSERT_EQ(0, nla_put(m, SECMSG_A_HANDSHAKE, l2, m2));
	ASSERT_EQ(-EINVAL, rawnl_xact(&self->a.raw, m, &rep));
	EXPECT_EQ(SECMSG_A_SESSION_ID, rep.miss_type);
	rawnl_reply_free(&rep);

	/* nothing pending was left behind on either node */
	ASSERT_EQ(0, secmsg_stats_get(self->a.nl, &st));
	EXPECT_EQ(0, st.v[SECMSG_STATS_A_SESSIONS_PENDING]);
	EXPECT_EQ(1, st.v[SECMSG_STATS_A_SESSIONS]);
	ASSERT_EQ(0, secmsg_stats_get(self->b.nl, &st));
	EXPECT_EQ(0, st.v[SECMSG_STATS_A_SESSIONS_PENDING]);
	EXPECT_EQ(1, st.v[SECMSG_STATS_A_SESSIONS]);
}

/* An owned link goes with its socket; pending ones expire as others do. */
TEST_F(link, owned_link_goes_with_its_socket)
{
	uint8_t m1[SECMSG_HS_INIT_MAX];
	struct secmsg_session_info s;
	struct secmsg_nl *own;
	size_t l1 = sizeof(m1);
	uint64_t id;

	ASSERT_EQ(0, nodes_pin(self));
	own = node_handle(self->home, &self->a);
	ASSERT_NE(NULL, own);
	ASSERT_EQ(0, secmsg_link_init(own, self->b.name,
				      SECMSG_ALG_AES_256_GCM, NULL,
				      SECMSG_SESSION_F_OWNED, &id, m1, &l1));
	ASSERT_EQ(0, secmsg_session_get(self->a.nl, id, &s));
	EXPECT_EQ(SECMSG_SESSION_F_OWNED | F_LINK | F_INIT, s.flags);
	EXPECT_EQ(SECMSG_STATE_PENDING, s.state);
	secmsg_nl_close(own);
	EXPECT_EQ(-ENOENT, wait_gone(self->a.nl, id, 5000, NULL));
}

/* ---- against the userspace reference of libsecmsg ---- */

TEST_F(link, kernel_initiator_vs_reference_responder)
{
	uint8_t m1[3][SECMSG_HS_INIT_MAX], m3[128], out[MSG_BUF_LEN];
	uint8_t sealed[MSG_BUF_LEN];
	struct secmsg_hs_init_info info;
	struct secmsg_hs_replay replay = { 0 };
	struct secmsg_hs_pending pend, p2;
	struct secmsg_dir_keys c2s, s2c;
	struct secmsg_session_info s;
	struct secmsg_msg_result r;
	struct secmsg_hdr h;
	size_t l1[3], l3 = sizeof(m3);
	uint64_t ids[3], sid = rand_u64() | 1;
	long n;
	int i;

	ASSERT_EQ(0, node_identity(&self->a));
	ASSERT_EQ(0, secmsg_user_add_slot(self->a.nl, NODE, self->b.name,
					  self->b.pub));
	/* three quick LINK_INITs: each message 1 newer than the last */
	for (i = 0; i < 3; i++) {
		l1[i] = sizeof(m1[i]);
		ASSERT_EQ(0, secmsg_link_init(self->a.nl, self->b.name,
					      SECMSG_ALG_TWOFISH_CBC, NULL, 0,
					      &ids[i], m1[i], &l1[i]));
	}
	ASSERT_EQ(0, secmsg_hs_parse_init(m1[0], l1[0], &info));
	EXPECT_STREQ("node-a", info.user_id);
	EXPECT_EQ(SECMSG_ALG_TWOFISH_CBC, info.alg);
	for (i = 1; i < 3; i++) {
		ASSERT_EQ(0, secmsg_hs_respond(self->b.priv, self->b.pub,
					       self->a.pub, &replay, sid + 2 * i,
					       NULL, m1[i], l1[i], &p2));
		secmsg_hs_pending_wipe(&p2);
	}
	/* the first, now older than the last taken: a replay */
	EXPECT_EQ(-EALREADY, secmsg_hs_respond(self->b.priv, self->b.pub,
					       self->a.pub, &replay, sid, NULL,
					       m1[0], l1[0], &pend));
	replay.seen = false;
	ASSERT_EQ(0, secmsg_hs_respond(self->b.priv, self->b.pub, self->a.pub,
				       &replay, sid, NULL, m1[0], l1[0],
				       &pend));
	ASSERT_EQ(0, secmsg_link_finish(self->a.nl, ids[0], pend.msg2,
					sizeof(pend.msg2), m3, &l3, &s));
	EXPECT_EQ(SECMSG_HS_CONFIRM_LEN, l3);
	EXPECT_EQ(0, secmsg_hs_confirm_check(&pend, m3, l3));
	EXPECT_EQ(F_LINK | F_INIT, s.flags);
	EXPECT_STREQ("node-b.example", s.user_id);

	/* A seals with S_c2s, under the responder's id */
	secmsg_dir_init(&c2s, SECMSG_DIR_C2S, pend.secret_c2s);
	secmsg_dir_init(&s2c, SECMSG_DIR_S2C, pend.secret_s2c);
	ASSERT_EQ(0, secmsg_msg(self->a.nl, SECMSG_MSG_SEAL, ids[0], 0,
				(const uint8_t *)"from the kernel", 15, &r));
	n = secmsg_msg_open(&c2s, sid, r.data, r.len, &h, out);
	ASSERT_EQ(15, n);
	EXPECT_EQ(0, memcmp(out, "from the kernel", 15));
	EXPECT_EQ(SECMSG_ALG_TWOFISH_CBC, h.alg);
	secmsg_msg_result_free(&r);
	/* and opens with S_s2c */
	n = secmsg_msg_seal(&s2c, SECMSG_ALG_TWOFISH_CBC, sid, 0,
			    (const uint8_t *)"to the kernel", 13, sealed);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, secmsg_msg(self->a.nl, SECMSG_MSG_OPEN, ids[0], 0,
				sealed, n, &r));
	EXPECT_EQ(13, r.len);
	EXPECT_EQ(0, memcmp(r.data, "to the kernel", 13));
	secmsg_msg_result_free(&r);
	/* its rotation: both directions, the reference ratchets along */
	ASSERT_EQ(0, secmsg_session_rotate(self->a.nl, ids[0], NULL));
	secmsg_dir_ratchet(&c2s);
	ASSERT_EQ(0, secmsg_msg(self->a.nl, SECMSG_MSG_SEAL, ids[0], 0,
				(const uint8_t *)"epoch 1", 7, &r));
	n = secmsg_msg_open(&c2s, sid, r.data, r.len, &h, out);
	ASSERT_EQ(7, n);
	EXPECT_EQ(1, h.epoch);
	secmsg_msg_result_free(&r);
	secmsg_dir_wipe(&c2s);
	secmsg_dir_wipe(&s2c);
	secmsg_hs_pending_wipe(&pend);
}

TEST_F(link, reference_initiator_vs_kernel_responder)
{
	uint8_t m1[SECMSG_HS_INIT_MAX], m2[128], m3[SECMSG_HS_CONFIRM_LEN];
	uint8_t c2s_secret[SECMSG_KEY_LEN], s2c_secret[SECMSG_KEY_LEN];
	uint8_t sealed[MSG_BUF_LEN];
	struct secmsg_hs_state st;
	struct secmsg_dir_keys c2s, s2c, k;
	struct secmsg_session_info s;
	struct secmsg_msg_result r;
	struct secmsg_policy pb = grace_policy(60, 0);
	size_t l1 = sizeof(m1), l2 = sizeof(m2);
	uint64_t ib, cid;
	uint32_t e;
	long n;

	ASSERT_EQ(0, node_identity(&self->b));
	ASSERT_EQ(0, secmsg_user_add_slot(self->b.nl, NODE, self->a.name,
					  self->a.pub));
	ASSERT_EQ(0, secmsg_hs_init(&st, self->a.name,
				    SECMSG_ALG_CHACHA20_POLY1305, self->a.priv,
				    self->b.pub, m1, &l1));
	ASSERT_EQ(0, secmsg_handshake(self->b.nl, m1, l1, &pb, F_LINK, &ib, m2,
				      &l2));
	ASSERT_EQ(0, secmsg_hs_finish(&st, m2, l2, &cid, c2s_secret,
				      s2c_secret, m3));
	EXPECT_EQ(ib, cid);
	ASSERT_EQ(0, secmsg_handshake_confirm(self->b.nl, ib, m3, sizeof(m3),
					      &s));
	EXPECT_EQ(F_LINK, s.flags);
	EXPECT_STREQ("node-a", s.user_id);
	secmsg_dir_init(&c2s, SECMSG_DIR_C2S, c2s_secret);
	secmsg_dir_init(&s2c, SECMSG_DIR_S2C, s2c_secret);

	/* epoch 2 under known keys: B follows two epochs */
	secmsg_dir_ratchet(&c2s);
	secmsg_dir_ratchet(&c2s);
	n = secmsg_msg_seal(&c2s, SECMSG_ALG_CHACHA20_POLY1305, ib, 5,
			    (const uint8_t *)"two ahead", 9, sealed);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, secmsg_msg(self->b.nl, SECMSG_MSG_OPEN, ib, 0, sealed, n,
				&r));
	EXPECT_EQ(9, r.len);
	EXPECT_EQ(0, memcmp(r.data, "two ahead", 9));
	EXPECT_EQ(2, r.epoch);
	EXPECT_EQ(5, r.seq);
	secmsg_msg_result_free(&r);
	ASSERT_EQ(0, secmsg_session_get(self->b.nl, ib, &s));
	EXPECT_EQ(2, s.epoch);
	EXPECT_EQ(2, s.counters.rotations);
	/* B's own seal moved along: s2c at epoch 2 */
	ASSERT_EQ(0, secmsg_msg(self->b.nl, SECMSG_MSG_SEAL, ib, 0,
				(const uint8_t *)"back", 4, &r));
	secmsg_dir_ratchet(&s2c);
	secmsg_dir_ratchet(&s2c);
	n = secmsg_msg_open(&s2c, ib, r.data, r.len, NULL, sealed);
	EXPECT_EQ(4, n);
	secmsg_msg_result_free(&r);
	/* a message of epoch 3 under another key moves nothing */
	secmsg_dir_init(&k, SECMSG_DIR_C2S, s2c_secret);
	for (e = 0; e < 3; e++)
		secmsg_dir_ratchet(&k);
	n = secmsg_msg_seal(&k, SECMSG_ALG_CHACHA20_POLY1305, ib, 0,
			    (const uint8_t *)"forged", 6, sealed);
	ASSERT_LT(0, n);
	EXPECT_EQ(-EBADMSG, secmsg_msg(self->b.nl, SECMSG_MSG_OPEN, ib, 0,
				       sealed, n, &r));
	EXPECT_EQ(2, epoch_of(self->b.nl, ib));
	/* epoch 2 + SECMSG_LINK_FOLLOW_MAX + 1: too far */
	for (e = 0; e < SECMSG_LINK_FOLLOW_MAX + 1; e++)
		secmsg_dir_ratchet(&c2s);
	n = secmsg_msg_seal(&c2s, SECMSG_ALG_CHACHA20_POLY1305, ib, 0,
			    (const uint8_t *)"far", 3, sealed);
	EXPECT_EQ(-EKEYREJECTED, secmsg_msg(self->b.nl, SECMSG_MSG_OPEN, ib, 0,
					    sealed, n, &r));
	EXPECT_EQ(2, epoch_of(self->b.nl, ib));
	secmsg_dir_wipe(&c2s);
	secmsg_dir_wipe(&s2c);
	secmsg_dir_wipe(&k);
	explicit_bzero(c2s_secret, sizeof(c2s_secret));
	explicit_bzero(s2c_secret, sizeof(s2c_secret));
}

TEST_HARNESS_MAIN
