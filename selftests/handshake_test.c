// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Session establishment against secmsg.ko (docs/protocol.md section 3):
 * identity generate / set / get (the private key is never in any reply:
 * every reply byte of every command is scanned, on a raw socket), users
 * add / del / get / dump, the libsecmsg client completing the Noise KK
 * handshake with the kernel for each algorithm and exchanging messages
 * both ways across an algorithm change and rotations, Wycheproof X25519
 * and HKDF-SHA256 through SECMSG_CMD_CRYPT, and the rejections: wrong
 * pinned server key, wrong user key, unknown user, no identity, tampered
 * and replayed message 1, wrong confirmation, messages before
 * confirmation, the max_pending cap and pending_timeout expiry.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cjson/cJSON.h>
#include <linux/genetlink.h>
#include "kselftest_harness.h"
#include "common.h"
#include "rawnl.h"
#include <secmsg/handshake.h>
#include <secmsg/nl_identity.h>

#define KLEN SECMSG_X25519_LEN
#define PARAM_DIR "/sys/module/secmsg/parameters/"
#define MAX_TRACK 64

struct user {
	char id[SECMSG_USER_ID_MAX + 1];
	uint8_t priv[KLEN], pub[KLEN];
};

/* An established session, client side. */
struct est {
	uint64_t id;
	int alg;
	uint8_t c2s_secret[KLEN], s2c_secret[KLEN];
	struct secmsg_dir_keys c2s, s2c;
	uint64_t c2s_seq;
};

FIXTURE(hs) {
	struct secmsg_nl *nl;
	uint8_t spriv[KLEN], spub[KLEN];
	struct user u;
	uint64_t ids[MAX_TRACK];
	int n_ids;
	char users[8][SECMSG_USER_ID_MAX + 1];
	int n_users;
	/* module parameters to restore in teardown (-1: untouched) */
	long max_pending, pending_timeout, max_sessions;
};

static void user_new(struct user *u)
{
	snprintf(u->id, sizeof(u->id), "hs-%016llx@test",
		 (unsigned long long)rand_u64());
	if (secmsg_x25519_generate(u->priv, u->pub))
		abort();
}

static void track(FIXTURE_DATA(hs) *self, uint64_t id)
{
	if (id && self->n_ids < MAX_TRACK)
		self->ids[self->n_ids++] = id;
}

static int add_user(FIXTURE_DATA(hs) *self, const char *id,
		    const uint8_t *pub)
{
	int err = secmsg_user_add(self->nl, id, pub);

	if (!err && self->n_users < 8)
		snprintf(self->users[self->n_users++], SECMSG_USER_ID_MAX + 1,
			 "%s", id);
	return err;
}

static long read_param(const char *name);
static int write_param(const char *name, long v);

FIXTURE_SETUP(hs)
{
	self->nl = nl_open_or_null();
	ASSERT_NE(NULL, self->nl);
	ASSERT_EQ(0, secmsg_x25519_generate(self->spriv, NULL));
	ASSERT_EQ(0, secmsg_identity_set(self->nl, self->spriv, self->spub));
	self->max_pending = self->pending_timeout = self->max_sessions = -1;
	user_new(&self->u);
	ASSERT_EQ(0, add_user(self, self->u.id, self->u.pub));
}

FIXTURE_TEARDOWN(hs)
{
	int i;

	for (i = 0; i < self->n_ids; i++)
		del_quiet(self->nl, self->ids[i]);
	for (i = 0; i < self->n_users; i++)
		secmsg_user_del(self->nl, self->users[i]);
	if (self->max_pending > 0)
		write_param("max_pending", self->max_pending);
	if (self->pending_timeout > 0)
		write_param("pending_timeout", self->pending_timeout);
	if (self->max_sessions > 0)
		write_param("max_sessions", self->max_sessions);
	if (self->nl)
		secmsg_nl_close(self->nl);
}

/* ---------------------------------------------------------------- */
/* helpers */

static int make_msg1(const struct user *u, const uint8_t *server_pub, int alg,
		     const struct secmsg_hs_timestamp *ts,
		     struct secmsg_hs_state *st, uint8_t *msg1, size_t *len)
{
	*len = SECMSG_HS_INIT_MAX;
	return secmsg_hs_init_ex(st, u->id, alg, u->priv, server_pub, NULL, ts,
				 msg1, len);
}

/*
 * Complete handshake: 0 or the first error.  *stage tells where:
 * 1 init, 2 HANDSHAKE, 3 finish, 4 HANDSHAKE_CONFIRM.
 */
static int establish(FIXTURE_DATA(hs) *self, const struct user *u,
		     const uint8_t *server_pub, int alg,
		     const struct secmsg_policy *pol, uint32_t flags,
		     struct est *e, int *stage,
		     struct secmsg_session_info *info)
{
	uint8_t msg1[SECMSG_HS_INIT_MAX], msg2[128];
	uint8_t msg3[SECMSG_HS_CONFIRM_LEN];
	struct secmsg_hs_state st;
	size_t len1, len2 = sizeof(msg2);
	uint64_t kid = 0, cid = 0;
	int err;

	memset(e, 0, sizeof(*e));
	*stage = 1;
	err = make_msg1(u, server_pub, alg, NULL, &st, msg1, &len1);
	if (err)
		return err;
	*stage = 2;
	err = secmsg_handshake(self->nl, msg1, len1, pol, flags, &kid, msg2,
			       &len2);
	if (err) {
		secmsg_hs_wipe(&st);
		return err;
	}
	track(self, kid);
	*stage = 3;
	err = secmsg_hs_finish(&st, msg2, len2, &cid, e->c2s_secret,
			       e->s2c_secret, msg3);
	if (err)
		return err;
	if (cid != kid)
		return -EPROTO;
	*stage = 4;
	err = secmsg_handshake_confirm(self->nl, kid, msg3, sizeof(msg3),
				       info);
	if (err)
		return err;
	e->id = kid;
	e->alg = alg;
	secmsg_dir_init(&e->c2s, SECMSG_DIR_C2S, e->c2s_secret);
	secmsg_dir_init(&e->s2c, SECMSG_DIR_S2C, e->s2c_secret);
	return 0;
}

static void est_wipe(struct est *e)
{
	secmsg_dir_wipe(&e->c2s);
	secmsg_dir_wipe(&e->s2c);
	memset(e, 0, sizeof(*e));
}

/* Follow the server to epoch under alg (both directions). */
static void est_move_to(struct est *e, uint32_t epoch, int alg)
{
	if (epoch != e->c2s.epoch)
		e->c2s_seq = 0;
	while (e->c2s.epoch < epoch)
		secmsg_dir_ratchet(&e->c2s);
	while (e->s2c.epoch < epoch)
		secmsg_dir_ratchet(&e->s2c);
	e->alg = alg;
}

/* Kernel SEAL -> client opens with its S2C keys (following the header). */
static void kernel_to_client(struct __test_metadata *_metadata,
			     struct secmsg_nl *nl, struct est *e,
			     unsigned int seed, size_t len,
			     uint32_t want_epoch, int want_alg)
{
	struct secmsg_msg_result res;
	struct secmsg_hdr hdr;
	uint8_t pt[512], out[512 + SECMSG_MAX_OVERHEAD];
	long n;

	ASSERT_GE(sizeof(pt), len);
	fill_pattern(pt, len, seed);
	ASSERT_EQ(0, secmsg_msg(nl, SECMSG_MSG_SEAL, e->id, 0, pt, len, &res));
	ASSERT_EQ(0, secmsg_hdr_get(res.data, res.len, &hdr));
	EXPECT_EQ(want_epoch, hdr.epoch);
	EXPECT_EQ(want_alg, hdr.alg);
	if (hdr.epoch > e->s2c.epoch)
		est_move_to(e, hdr.epoch, hdr.alg);
	n = secmsg_msg_open(&e->s2c, e->id, res.data, res.len, &hdr, out);
	EXPECT_EQ((long)len, n);
	if (n == (long)len)
		EXPECT_EQ(0, memcmp(out, pt, len));
	secmsg_msg_result_free(&res);
}

/* Client seals C2S -> kernel OPEN. */
static void client_to_kernel(struct __test_metadata *_metadata,
			     struct secmsg_nl *nl, struct est *e,
			     unsigned int seed, size_t len)
{
	struct secmsg_msg_result res;
	uint8_t pt[512], msg[512 + SECMSG_MAX_OVERHEAD];
	long n;

	ASSERT_GE(sizeof(pt), len);
	fill_pattern(pt, len, seed);
	n = secmsg_msg_seal(&e->c2s, e->alg, e->id, e->c2s_seq++, pt, len,
			    msg);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, secmsg_msg(nl, SECMSG_MSG_OPEN, e->id, 0, msg, (size_t)n,
				&res)) {
		TH_LOG("OPEN: %s", secmsg_nl_errmsg(nl));
	}
	EXPECT_EQ(len, res.len);
	EXPECT_EQ(e->c2s.epoch, res.epoch);
	if (res.len == len)
		EXPECT_EQ(0, memcmp(res.data, pt, len));
	secmsg_msg_result_free(&res);
}

static long read_param(const char *name)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int write_param(const char *name, long v)
{
	char path[128];
	FILE *f;
	int good;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	good = fprintf(f, "%ld\n", v) > 0;
	good = !fclose(f) && good;
	return good ? 0 : -EIO;
}

static cJSON *load_vectors(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", vectors_dir(), name);
	return json_load(path);
}

static const char *jstr(const cJSON *o, const char *name)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

static long jint(const cJSON *o, const char *name)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsNumber(it) ? (long)it->valuedouble : -1;
}

static bool is_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* ---------------------------------------------------------------- */
/* identity */

TEST_F(hs, identity_generate_set_get)
{
	uint8_t a[KLEN], b[KLEN], got[KLEN], want[KLEN], priv[KLEN];
	struct est e;
	int stage;

	ASSERT_EQ(0, secmsg_identity_get(self->nl, got));
	EXPECT_EQ(0, memcmp(got, self->spub, KLEN));
	secmsg_x25519_pub(self->spriv, want);
	EXPECT_EQ(0, memcmp(self->spub, want, KLEN));

	ASSERT_EQ(0, secmsg_identity_generate(self->nl, a));
	ASSERT_EQ(0, secmsg_identity_get(self->nl, got));
	EXPECT_EQ(0, memcmp(got, a, KLEN));
	EXPECT_NE(0, memcmp(a, self->spub, KLEN));
	EXPECT_TRUE(secmsg_x25519_canonical(a));
	ASSERT_EQ(0, secmsg_identity_generate(self->nl, b));
	EXPECT_NE(0, memcmp(a, b, KLEN));
	ASSERT_EQ(0, secmsg_identity_get(self->nl, got));
	EXPECT_EQ(0, memcmp(got, b, KLEN));

	ASSERT_EQ(0, secmsg_x25519_generate(priv, want));
	ASSERT_EQ(0, secmsg_identity_set(self->nl, priv, got));
	EXPECT_EQ(0, memcmp(got, want, KLEN));
	ASSERT_EQ(0, secmsg_identity_get(self->nl, got));
	EXPECT_EQ(0, memcmp(got, want, KLEN));

	/* a handshake pinned to the old key fails, to the new one works */
	EXPECT_EQ(-EBADMSG, establish(self, &self->u, self->spub, 1, NULL, 0,
				      &e, &stage, NULL));
	EXPECT_EQ(2, stage);
	EXPECT_EQ(0, establish(self, &self->u, want, 1, NULL, 0, &e, &stage,
			       NULL));
	est_wipe(&e);
}

/* Raw request helper: cmd with attributes added by the caller. */
static struct nl_msg *raw_req(struct rawnl *r, uint8_t cmd, int flags)
{
	return rawnl_msg(r, cmd, flags, 1024);
}

struct blob {
	uint8_t *p;
	size_t len;
};

static void blob_add(struct blob *b, const void *p, size_t len)
{
	uint8_t *n = realloc(b->p, b->len + len);

	if (!n)
		abort();
	memcpy(n + b->len, p, len);
	b->p = n;
	b->len += len;
}

/* Send, keep every reply byte, return the errno (0 or negative). */
static int raw_run(struct rawnl *r, struct nl_msg *msg, struct blob *all,
		   struct rawnl_reply *rep)
{
	int err = rawnl_xact(r, msg, rep);

	blob_add(all, rep->buf, rep->len);
	return err;
}

/* Count the attributes of the first genl message of a reply. */
static int count_attrs(const struct rawnl_reply *rep)
{
	int n = 0, i;

	for (i = 0; i <= SECMSG_A_MAX; i++)
		n += rep->tb[i] != NULL;
	return n;
}

TEST_F(hs, private_key_never_returned)
{
	struct rawnl r, ev;
	struct rawnl_reply rep;
	struct blob all = { 0 };
	struct secmsg_hs_state st;
	struct secmsg_dir_keys k[4];
	uint8_t msg1[SECMSG_HS_INIT_MAX], msg2[SECMSG_HS_RESPONSE_LEN];
	uint8_t msg3[SECMSG_HS_CONFIRM_LEN], c2s[KLEN], s2c[KLEN];
	uint8_t priv[KLEN], pub[KLEN], evbuf[65536];
	const uint8_t *needles[16];
	const char *names[16];
	size_t len1;
	uint64_t sid = 0, cid = 0;
	struct nl_msg *m;
	int i, nn = 0, hits = 0;
	long got;

	ASSERT_EQ(0, rawnl_open(&r));
	ASSERT_EQ(0, rawnl_open(&ev));
	ASSERT_EQ(0, rawnl_subscribe(&ev));
	ASSERT_EQ(0, secmsg_x25519_generate(priv, pub));

	/* IDENTITY_SET: the reply is the public key, nothing else */
	m = raw_req(&r, SECMSG_CMD_IDENTITY_SET, 0);
	nla_put(m, SECMSG_A_PRIVATE_KEY, KLEN, priv);
	ASSERT_EQ(0, raw_run(&r, m, &all, &rep));
	ASSERT_NE(NULL, rep.tb[SECMSG_A_PUBLIC_KEY]);
	EXPECT_EQ(0, memcmp(nla_data(rep.tb[SECMSG_A_PUBLIC_KEY]), pub, KLEN));
	EXPECT_EQ(1, count_attrs(&rep));
	rawnl_reply_free(&rep);
	m = raw_req(&r, SECMSG_CMD_IDENTITY_GET, 0);
	EXPECT_EQ(0, raw_run(&r, m, &all, &rep));
	EXPECT_EQ(1, count_attrs(&rep));
	rawnl_reply_free(&rep);
	/* GENERATE: one attribute, the public key */
	m = raw_req(&r, SECMSG_CMD_IDENTITY_GENERATE, 0);
	EXPECT_EQ(0, raw_run(&r, m, &all, &rep));
	EXPECT_EQ(1, count_attrs(&rep));
	EXPECT_NE(NULL, rep.tb[SECMSG_A_PUBLIC_KEY]);
	rawnl_reply_free(&rep);
	m = raw_req(&r, SECMSG_CMD_IDENTITY_SET, 0);
	nla_put(m, SECMSG_A_PRIVATE_KEY, KLEN, priv);
	ASSERT_EQ(0, raw_run(&r, m, &all, &rep));
	rawnl_reply_free(&rep);

	/* users */
	m = raw_req(&r, SECMSG_CMD_USER_GET, 0);
	nla_put_string(m, SECMSG_A_USER_ID, self->u.id);
	EXPECT_EQ(0, raw_run(&r, m, &all, &rep));
	rawnl_reply_free(&rep);
	m = raw_req(&r, SECMSG_CMD_USER_GET, NLM_F_DUMP);
	EXPECT_EQ(0, raw_run(&r, m, &all, &rep));
	rawnl_reply_free(&rep);

	/* the handshake */
	ASSERT_EQ(0, make_msg1(&self->u, pub, SECMSG_ALG_AES_256_GCM, NULL,
			       &st, msg1, &len1));
	m = raw_req(&r, SECMSG_CMD_HANDSHAKE, 0);
	nla_put(m, SECMSG_A_HANDSHAKE, (int)len1, msg1);
	ASSERT_EQ(0, raw_run(&r, m, &all, &rep));
	ASSERT_NE(NULL, rep.tb[SECMSG_A_HANDSHAKE]);
	ASSERT_NE(NULL, rep.tb[SECMSG_A_SESSION_ID]);
	ASSERT_EQ(SECMSG_HS_RESPONSE_LEN,
		  nla_len(rep.tb[SECMSG_A_HANDSHAKE]));
	memcpy(msg2, nla_data(rep.tb[SECMSG_A_HANDSHAKE]), sizeof(msg2));
	sid = nla_get_u64(rep.tb[SECMSG_A_SESSION_ID]);
	track(self, sid);
	EXPECT_STREQ(self->u.id, nla_get_string(rep.tb[SECMSG_A_USER_ID]));
	EXPECT_EQ(SECMSG_ALG_AES_256_GCM, nla_get_u32(rep.tb[SECMSG_A_ALG]));
	rawnl_reply_free(&rep);
	ASSERT_EQ(0, secmsg_hs_finish(&st, msg2, sizeof(msg2), &cid, c2s, s2c,
				      msg3));
	EXPECT_EQ(sid, cid);
	m = raw_req(&r, SECMSG_CMD_HANDSHAKE_CONFIRM, 0);
	nla_put_u64(m, SECMSG_A_SESSION_ID, sid);
	nla_put(m, SECMSG_A_HANDSHAKE, sizeof(msg3), msg3);
	EXPECT_EQ(0, raw_run(&r, m, &all, &rep));
	rawnl_reply_free(&rep);

	/* everything else that could carry the session's secrets */
	m = raw_req(&r, SECMSG_CMD_SESSION_GET, 0);
	nla_put_u64(m, SECMSG_A_SESSION_ID, sid);
	EXPECT_EQ(0, raw_run(&r, m, &all, &rep));
	rawnl_reply_free(&rep);
	m = raw_req(&r, SECMSG_CMD_SESSION_GET, NLM_F_DUMP);
	EXPECT_EQ(0, raw_run(&r, m, &all, &rep));
	rawnl_reply_free(&rep);
	m = raw_req(&r, SECMSG_CMD_MSG, 0);
	nla_put_u8(m, SECMSG_A_MSG_OP, SECMSG_MSG_SEAL);
	nla_put_u64(m, SECMSG_A_SESSION_ID, sid);
	nla_put(m, SECMSG_A_DATA, 5, "hello");
	EXPECT_EQ(0, raw_run(&r, m, &all, &rep));
	rawnl_reply_free(&rep);
	m = raw_req(&r, SECMSG_CMD_SESSION_ROTATE, 0);
	nla_put_u64(m, SECMSG_A_SESSION_ID, sid);
	EXPECT_EQ(0, raw_run(&r, m, &all, &rep));
	rawnl_reply_free(&rep);
	m = raw_req(&r, SECMSG_CMD_STATS_GET, 0);
	EXPECT_EQ(0, raw_run(&r, m, &all, &rep));
	rawnl_reply_free(&rep);
	m = raw_req(&r, SECMSG_CMD_SESSION_DEL, 0);
	nla_put_u64(m, SECMSG_A_SESSION_ID, sid);
	EXPECT_EQ(0, raw_run(&r, m, &all, &rep));
	rawnl_reply_free(&rep);
	/* and the events of all that */
	while ((got = rawnl_recv_raw(&ev, evbuf, sizeof(evbuf), 200)) > 0)
		blob_add(&all, evbuf, (size_t)got);

	secmsg_dir_init(&k[0], SECMSG_DIR_C2S, c2s);
	secmsg_dir_init(&k[1], SECMSG_DIR_S2C, s2c);
	secmsg_dir_init(&k[2], SECMSG_DIR_C2S, c2s);
	secmsg_dir_init(&k[3], SECMSG_DIR_S2C, s2c);
	secmsg_dir_ratchet(&k[2]);
	secmsg_dir_ratchet(&k[3]);
	names[nn] = "server private key"; needles[nn++] = priv;
	names[nn] = "client private key"; needles[nn++] = self->u.priv;
	names[nn] = "S_c2s(0)"; needles[nn++] = c2s;
	names[nn] = "S_s2c(0)"; needles[nn++] = s2c;
	for (i = 0; i < 4; i++) {
		names[nn] = "a traffic key"; needles[nn++] = k[i].key;
		names[nn] = "an epoch secret"; needles[nn++] = k[i].secret;
	}
	/* epoch 0 secrets are S(0) again: 12 distinct needles */
	for (i = 0; i < nn; i++) {
		if (mem_contains(all.p, all.len, needles[i], KLEN)) {
			hits++;
			TH_LOG("%s found in the replies", names[i]);
		}
		/* and no 16-byte window of it either */
		if (mem_contains(all.p, all.len, needles[i], 16) ||
		    mem_contains(all.p, all.len, needles[i] + 16, 16)) {
			hits++;
			TH_LOG("half of %s found in the replies", names[i]);
		}
	}
	TH_LOG("scanned %zu reply bytes for %d secrets", all.len, nn);
	EXPECT_LT(1000, all.len);
	EXPECT_EQ(0, hits);
	for (i = 0; i < 4; i++)
		secmsg_dir_wipe(&k[i]);
	free(all.p);
	rawnl_close(&r);
	rawnl_close(&ev);
	/* the fixture's identity for teardown's sake */
	secmsg_identity_set(self->nl, self->spriv, NULL);
}

/* ---------------------------------------------------------------- */
/* users */

struct dump_seen {
	const struct user *want[3];
	int found[3];
	int total;
};

static int user_cb(const struct secmsg_user_info *u, void *arg)
{
	struct dump_seen *d = arg;
	int i;

	d->total++;
	for (i = 0; i < 3; i++)
		if (!strcmp(u->user_id, d->want[i]->id) &&
		    !memcmp(u->public_key, d->want[i]->pub, KLEN))
			d->found[i]++;
	return 0;
}

TEST_F(hs, users_add_del_get_dump)
{
	struct secmsg_user_info info;
	struct user a, b, c;
	struct dump_seen d = { { &a, &b, &c } };
	uint8_t bad[KLEN];
	struct est e;
	int stage;

	user_new(&a);
	user_new(&b);
	user_new(&c);
	ASSERT_EQ(0, add_user(self, a.id, a.pub));
	ASSERT_EQ(0, add_user(self, b.id, b.pub));
	ASSERT_EQ(0, add_user(self, c.id, c.pub));
	EXPECT_EQ(-EEXIST, secmsg_user_add(self->nl, a.id, b.pub));

	ASSERT_EQ(0, secmsg_user_get(self->nl, a.id, &info));
	EXPECT_STREQ(a.id, info.user_id);
	EXPECT_EQ(0, memcmp(info.public_key, a.pub, KLEN));
	EXPECT_FALSE(info.has_last_handshake);

	ASSERT_EQ(0, secmsg_user_dump(self->nl, user_cb, &d));
	EXPECT_EQ(1, d.found[0]);
	EXPECT_EQ(1, d.found[1]);
	EXPECT_EQ(1, d.found[2]);
	EXPECT_LE(4, d.total);

	EXPECT_EQ(0, secmsg_user_del(self->nl, b.id));
	EXPECT_EQ(-ENOENT, secmsg_user_del(self->nl, b.id));
	EXPECT_EQ(-ENOENT, secmsg_user_get(self->nl, b.id, &info));
	memset(&d.found, 0, sizeof(d.found));
	d.total = 0;
	ASSERT_EQ(0, secmsg_user_dump(self->nl, user_cb, &d));
	EXPECT_EQ(1, d.found[0]);
	EXPECT_EQ(0, d.found[1]);
	EXPECT_EQ(1, d.found[2]);

	/* a deleted user cannot handshake; re-added with a new key it can */
	EXPECT_EQ(-ENOENT, establish(self, &b, self->spub, 1, NULL, 0, &e,
				     &stage, NULL));
	user_new(&c);
	snprintf(c.id, sizeof(c.id), "%s", b.id);
	ASSERT_EQ(0, secmsg_user_add(self->nl, b.id, c.pub));
	EXPECT_EQ(-EBADMSG, establish(self, &b, self->spub, 1, NULL, 0, &e,
				      &stage, NULL));
	EXPECT_EQ(0, establish(self, &c, self->spub, 1, NULL, 0, &e, &stage,
			       NULL));
	est_wipe(&e);

	/* LAST_HANDSHAKE appears after the first handshake */
	ASSERT_EQ(0, establish(self, &a, self->spub, 2, NULL, 0, &e, &stage,
			       NULL));
	ASSERT_EQ(0, secmsg_user_get(self->nl, a.id, &info));
	EXPECT_TRUE(info.has_last_handshake);
	EXPECT_GE(info.last_handshake + 60, (uint64_t)time(NULL));
	EXPECT_LE(info.last_handshake, (uint64_t)time(NULL) + 60);
	est_wipe(&e);

	/* refused user entries */
	EXPECT_EQ(-EINVAL, secmsg_user_add(self->nl, ".dot", a.pub));
	EXPECT_EQ(-EINVAL, secmsg_user_add(self->nl, "-dash", a.pub));
	EXPECT_EQ(-EINVAL, secmsg_user_add(self->nl, "sp ace", a.pub));
	EXPECT_EQ(-EINVAL, secmsg_user_add(self->nl, "", a.pub));
	memset(bad, 0xff, sizeof(bad));
	EXPECT_EQ(-EINVAL, secmsg_user_add(self->nl, "hs-noncanonical", bad));
	bad[31] = 0x7f;
	EXPECT_EQ(-EINVAL, secmsg_user_add(self->nl, "hs-noncanonical", bad));
	EXPECT_EQ(-ENOENT, secmsg_user_get(self->nl, "hs-noncanonical",
					   &info));
}

/* ---------------------------------------------------------------- */
/* the handshake, then messages both ways */

TEST_F_TIMEOUT(hs, handshake_every_alg_then_messages, 120)
{
	int i;

	for (i = 0; i < N_ALGS; i++) {
		int alg = test_algs[i], next = test_algs[(i + 1) % N_ALGS];
		struct secmsg_session_info info;
		struct est e;
		int stage, r;

		r = establish(self, &self->u, self->spub, alg, NULL, 0, &e,
			      &stage, &info);
		ASSERT_EQ(0, r) {
			TH_LOG("%s: stage %d: %s", secmsg_alg_name(alg), stage,
			       secmsg_nl_errmsg(self->nl));
		}
		EXPECT_EQ(e.id, info.id);
		EXPECT_EQ(SECMSG_STATE_ACTIVE, info.state);
		EXPECT_EQ(alg, info.alg);
		EXPECT_EQ(0, info.epoch);
		EXPECT_STREQ(self->u.id, info.user_id);

		/* epoch 0, both ways, several messages */
		kernel_to_client(_metadata, self->nl, &e, 1, 0, 0, alg);
		kernel_to_client(_metadata, self->nl, &e, 2, 300, 0, alg);
		client_to_kernel(_metadata, self->nl, &e, 3, 1);
		client_to_kernel(_metadata, self->nl, &e, 4, 511);

		/* algorithm change: the kernel seals first, client follows */
		ASSERT_EQ(0, secmsg_session_set(self->nl, e.id, next, NULL,
						&info));
		EXPECT_EQ(1, info.epoch);
		EXPECT_EQ(next, info.alg);
		kernel_to_client(_metadata, self->nl, &e, 5, 100, 1, next);
		EXPECT_EQ(1, e.c2s.epoch);
		client_to_kernel(_metadata, self->nl, &e, 6, 100);

		/* rotations: the client ratchets from the reply and sends
		 * first, then the other way round */
		ASSERT_EQ(0, secmsg_session_rotate(self->nl, e.id, &info));
		EXPECT_EQ(2, info.epoch);
		est_move_to(&e, info.epoch, info.alg);
		client_to_kernel(_metadata, self->nl, &e, 7, 64);
		kernel_to_client(_metadata, self->nl, &e, 8, 64, 2, next);
		ASSERT_EQ(0, secmsg_session_rotate(self->nl, e.id, &info));
		ASSERT_EQ(0, secmsg_session_rotate(self->nl, e.id, &info));
		EXPECT_EQ(4, info.epoch);
		kernel_to_client(_metadata, self->nl, &e, 9, 17, 4, next);
		EXPECT_EQ(4, e.s2c.epoch);
		client_to_kernel(_metadata, self->nl, &e, 10, 17);
		client_to_kernel(_metadata, self->nl, &e, 11, 18);
		/* and back to the first algorithm */
		ASSERT_EQ(0, secmsg_session_set(self->nl, e.id, alg, NULL,
						&info));
		kernel_to_client(_metadata, self->nl, &e, 12, 33, 5, alg);
		client_to_kernel(_metadata, self->nl, &e, 13, 33);
		ASSERT_EQ(0, secmsg_session_get(self->nl, e.id, &info));
		EXPECT_EQ(7, info.counters.rx_messages);
		EXPECT_EQ(6, info.counters.tx_messages);
		EXPECT_EQ(0, info.counters.auth_failures);
		est_wipe(&e);
	}
}

TEST_F(hs, handshake_policy_and_flags)
{
	struct secmsg_policy pol = {
		.has_timeout = true, .timeout = 1234,
		.has_rotate_interval = true, .rotate_interval = 77,
	};
	struct secmsg_session_info info;
	struct est e;
	int stage;

	ASSERT_EQ(0, establish(self, &self->u, self->spub,
			       SECMSG_ALG_CHACHA20_POLY1305, &pol,
			       SECMSG_SESSION_F_OWNED, &e, &stage, &info));
	EXPECT_TRUE(info.policy.has_timeout);
	EXPECT_EQ(1234, info.policy.timeout);
	EXPECT_EQ(77, info.policy.rotate_interval);
	EXPECT_EQ(SECMSG_SESSION_F_OWNED, info.flags);
	est_wipe(&e);
}

/* ---------------------------------------------------------------- */
/* known answers through SECMSG_CMD_CRYPT */

/* Policy of docs/protocol.md: the vector's public key is non-canonical. */
static bool noncanonical(const uint8_t *pub)
{
	return !secmsg_x25519_canonical(pub);
}

TEST_F_TIMEOUT(hs, wycheproof_x25519_kernel, 300)
{
	cJSON *root = load_vectors("x25519_test.json");
	const cJSON *g, *t;
	int valid = 0, acc_ok = 0, acc_noncanon = 0, acc_zero = 0, bad = 0;
	int noncanon_accepted = 0;

	ASSERT_NE(NULL, root) {
		TH_LOG("cannot load %s/x25519_test.json", vectors_dir());
	}
	cJSON_ArrayForEach(g, cJSON_GetObjectItem(root, "testGroups")) {
		cJSON_ArrayForEach(t, cJSON_GetObjectItem(g, "tests")) {
			uint8_t *pub = NULL, *priv = NULL, *want = NULL;
			uint8_t out[KLEN];
			size_t pl = 0, kl = 0, wl = 0;
			const char *res = jstr(t, "result");
			int r;

			if (hex_decode(jstr(t, "public"), &pub, &pl) ||
			    hex_decode(jstr(t, "private"), &priv, &kl) ||
			    hex_decode(jstr(t, "shared"), &want, &wl) ||
			    pl != KLEN || kl != KLEN || wl != KLEN || !res) {
				bad++;
				goto next;
			}
			r = secmsg_crypt_x25519(self->nl, priv, pub, out);
			if (!strcmp(res, "valid")) {
				valid++;
				if (r || memcmp(out, want, KLEN)) {
					bad++;
					TH_LOG("tcId %ld valid: %s",
					       jint(t, "tcId"), errname(r));
				}
			} else if (noncanonical(pub)) {
				acc_noncanon++;
				if (r == 0 && !memcmp(out, want, KLEN))
					noncanon_accepted++;
				else if (r != -EINVAL) {
					bad++;
					TH_LOG("tcId %ld non-canonical: %s",
					       jint(t, "tcId"), errname(r));
				}
			} else if (is_zero(want, KLEN)) {
				acc_zero++;
				if (r != -EINVAL) {
					bad++;
					TH_LOG("tcId %ld low order: %s",
					       jint(t, "tcId"), errname(r));
				}
			} else {
				acc_ok++;
				if (r || memcmp(out, want, KLEN)) {
					bad++;
					TH_LOG("tcId %ld acceptable: %s",
					       jint(t, "tcId"), errname(r));
				}
			}
next:
			free(pub);
			free(priv);
			free(want);
		}
	}
	cJSON_Delete(root);
	TH_LOG("x25519 in the kernel: %d valid, %d acceptable accepted, "
	       "%d low-order rejected, %d non-canonical (%d of them computed "
	       "as RFC 7748, %d rejected)", valid, acc_ok, acc_zero,
	       acc_noncanon, noncanon_accepted,
	       acc_noncanon - noncanon_accepted);
	EXPECT_EQ(0, bad);
	EXPECT_EQ(264, valid);
	EXPECT_LT(0, acc_ok);
	EXPECT_LT(0, acc_zero);
	/* the handshake's policy: non-canonical public keys are rejected */
	EXPECT_EQ(0, noncanon_accepted);
}

TEST_F_TIMEOUT(hs, wycheproof_hkdf_kernel, 300)
{
	cJSON *root = load_vectors("hkdf_sha256_test.json");
	const cJSON *g, *t;
	int valid = 0, invalid = 0, bad = 0, empty_salt = 0;

	ASSERT_NE(NULL, root);
	cJSON_ArrayForEach(g, cJSON_GetObjectItem(root, "testGroups")) {
		cJSON_ArrayForEach(t, cJSON_GetObjectItem(g, "tests")) {
			uint8_t *ikm = NULL, *salt = NULL, *info = NULL;
			uint8_t *okm = NULL, *out = NULL;
			size_t il = 0, sl = 0, nl = 0, ol = 0;
			long size = jint(t, "size");
			const char *res = jstr(t, "result");
			int r;

			if (hex_decode(jstr(t, "ikm"), &ikm, &il) ||
			    hex_decode(jstr(t, "salt"), &salt, &sl) ||
			    hex_decode(jstr(t, "info"), &info, &nl) ||
			    hex_decode(jstr(t, "okm"), &okm, &ol) ||
			    size < 0 || !res) {
				bad++;
				goto next;
			}
			out = malloc(size + 1);
			ASSERT_NE(NULL, out);
			/* an empty salt or info is sent as absent */
			r = secmsg_crypt_hkdf(self->nl, sl ? salt : NULL, sl,
					      ikm, il, nl ? info : NULL, nl,
					      out, size);
			if (!strcmp(res, "valid")) {
				valid++;
				if (r || ol != (size_t)size ||
				    memcmp(out, okm, ol)) {
					bad++;
					TH_LOG("tcId %ld: %s %s",
					       jint(t, "tcId"), errname(r),
					       secmsg_nl_errmsg(self->nl));
				}
				/* and sent as present but empty */
				if (!sl && !r) {
					uint8_t *out2 = malloc(size + 1);

					empty_salt++;
					r = secmsg_crypt_hkdf(self->nl, salt, 0,
							      ikm, il, info,
							      nl, out2, size);
					if (r || memcmp(out2, okm, ol)) {
						bad++;
						TH_LOG("tcId %ld, empty salt "
						       "attribute: %s",
						       jint(t, "tcId"),
						       errname(r));
					}
					free(out2);
				}
			} else {
				invalid++;
				if (r != -EINVAL && r != -ERANGE) {
					bad++;
					TH_LOG("tcId %ld invalid: %s",
					       jint(t, "tcId"), errname(r));
				}
			}
next:
			free(ikm);
			free(salt);
			free(info);
			free(okm);
			free(out);
		}
	}
	cJSON_Delete(root);
	TH_LOG("hkdf in the kernel: %d valid (%d also with an empty salt "
	       "attribute), %d invalid rejected", valid, empty_salt, invalid);
	EXPECT_EQ(0, bad);
	EXPECT_EQ(83, valid);
	EXPECT_EQ(3, invalid);
}

/* ---------------------------------------------------------------- */
/* rejections */

TEST_F(hs, wrong_keys_and_unknown_user)
{
	struct user other, stranger;
	struct secmsg_stats st;
	uint8_t fake[KLEN];
	struct est e;
	int stage;

	user_new(&other);
	user_new(&stranger);
	ASSERT_EQ(0, secmsg_x25519_generate(fake, NULL));
	secmsg_x25519_pub(fake, fake);
	/* the client pinned the wrong server key */
	EXPECT_EQ(-EBADMSG, establish(self, &self->u, fake, 1, NULL, 0, &e,
				      &stage, NULL));
	EXPECT_EQ(2, stage);
	/* the server has another key for the user */
	ASSERT_EQ(0, add_user(self, other.id, stranger.pub));
	EXPECT_EQ(-EBADMSG, establish(self, &other, self->spub, 1, NULL, 0,
				      &e, &stage, NULL));
	EXPECT_EQ(2, stage);
	/* unknown user */
	EXPECT_EQ(-ENOENT, establish(self, &stranger, self->spub, 1, NULL, 0,
				     &e, &stage, NULL));
	EXPECT_EQ(2, stage);
	/* nothing pending was left behind by any of them */
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &st));
	EXPECT_EQ(0, st.v[SECMSG_STATS_A_SESSIONS_PENDING]);
}

/* In a new network namespace: no identity. */
static int no_identity_child(const uint8_t *msg1, size_t len)
{
	struct secmsg_nl *nl = NULL;
	uint8_t pub[KLEN], msg2[128];
	size_t len2 = sizeof(msg2);
	uint64_t sid;
	int fails = 0, err;

	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr, "# unshare: %s\n", strerror(errno));
		return 50;
	}
	if (secmsg_nl_open(&nl))
		return 51;
	err = secmsg_identity_get(nl, pub);
	if (err != -ENOKEY) {
		fprintf(stderr, "# IDENTITY_GET: %s\n", errname(err));
		fails++;
	}
	err = secmsg_handshake(nl, msg1, len, NULL, 0, &sid, msg2, &len2);
	if (err != -ENOKEY) {
		fprintf(stderr, "# HANDSHAKE: %s (%s)\n", errname(err),
			secmsg_nl_errmsg(nl));
		fails++;
	}
	secmsg_nl_close(nl);
	return fails;
}

TEST_F(hs, no_identity_enokey)
{
	uint8_t msg1[SECMSG_HS_INIT_MAX];
	struct secmsg_hs_state st;
	size_t len;
	int status = 0;
	pid_t pid;

	ASSERT_EQ(0, make_msg1(&self->u, self->spub, 1, NULL, &st, msg1,
			       &len));
	secmsg_hs_wipe(&st);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(no_identity_child(msg1, len));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

static int kernel_hs(FIXTURE_DATA(hs) *self, const uint8_t *msg1,
		     size_t len, uint64_t *sid, uint8_t *msg2)
{
	size_t len2 = SECMSG_HS_RESPONSE_LEN;
	int err;

	*sid = 0;
	err = secmsg_handshake(self->nl, msg1, len, NULL, 0, sid, msg2, &len2);
	if (!err)
		track(self, *sid);
	return err;
}

TEST_F_TIMEOUT(hs, tampered_message1, 120)
{
	static const uint8_t order8[KLEN] = {
		0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae,
		0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a,
		0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd,
		0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00,
	};
	uint8_t msg1[SECMSG_HS_INIT_MAX], m[SECMSG_HS_INIT_MAX + 1];
	uint8_t msg2[SECMSG_HS_RESPONSE_LEN];
	struct secmsg_hs_state st;
	size_t len, n = strlen(self->u.id), i, off_e = 4 + n;
	int counts[4] = { 0 }, accepted = 0, err;
	uint64_t sid;

	ASSERT_EQ(0, make_msg1(&self->u, self->spub,
			       SECMSG_ALG_AES_256_GCM, NULL, &st, msg1, &len));
	secmsg_hs_wipe(&st);

#define TAMPER(what, want, stmt) do {					\
		memcpy(m, msg1, len);					\
		stmt;							\
		err = kernel_hs(self, m, len, &sid, msg2);		\
		EXPECT_EQ(want, err) {					\
			TH_LOG("%s: %s (%s)", what, errname(err),	\
			       secmsg_nl_errmsg(self->nl));		\
		}							\
	} while (0)

	TAMPER("type 2", -EINVAL, m[0] = 2);
	TAMPER("version 2", -EINVAL, m[1] = 2);
	TAMPER("alg 0", -EINVAL, m[2] = 0);
	TAMPER("alg 4", -EINVAL, m[2] = 4);
	TAMPER("alg chacha (authenticated)", -EBADMSG,
	       m[2] = SECMSG_ALG_CHACHA20_POLY1305);
	TAMPER("n + 1", -EINVAL, m[3]++);
	TAMPER("n 0", -EINVAL, m[3] = 0);
	TAMPER("user id: another, unknown", -ENOENT, m[4] ^= 0x01);
	TAMPER("user id: invalid character", -EINVAL, m[4] = ' ');
	TAMPER("E_c flipped", -EBADMSG, m[off_e] ^= 0x01);
	TAMPER("E_c low order", -EINVAL, memcpy(m + off_e, order8, KLEN));
	TAMPER("E_c zero", -EINVAL, memset(m + off_e, 0, KLEN));
	TAMPER("E_c bit 255", -EINVAL, m[off_e + 31] |= 0x80);
	TAMPER("timestamp ciphertext", -EBADMSG, m[off_e + KLEN] ^= 0x80);
	TAMPER("tag", -EBADMSG, m[len - 1] ^= 0x01);
	memcpy(m, msg1, len);
	EXPECT_EQ(-EINVAL, kernel_hs(self, m, len - 1, &sid, msg2));
	m[len] = 0;
	EXPECT_EQ(-EINVAL, kernel_hs(self, m, len + 1, &sid, msg2));
	EXPECT_EQ(-EINVAL, kernel_hs(self, m, 0, &sid, msg2));
#undef TAMPER

	/* every byte, one bit each */
	for (i = 0; i < len; i++) {
		memcpy(m, msg1, len);
		m[i] ^= 0x04;
		err = kernel_hs(self, m, len, &sid, msg2);
		if (!err)
			accepted++;
		counts[err == -EINVAL ? 0 : err == -EBADMSG ? 1 :
		       err == -ENOENT ? 2 : 3] += !!err;
		if (err && err != -EINVAL && err != -EBADMSG &&
		    err != -ENOENT)
			TH_LOG("byte %zu: %s", i, errname(err));
	}
	TH_LOG("%zu flipped message 1s: EINVAL %d, EBADMSG %d, ENOENT %d",
	       len, counts[0], counts[1], counts[2]);
	EXPECT_EQ(0, accepted);
	EXPECT_EQ(0, counts[3]);

	/* none of them consumed the timestamp: the original still works */
	EXPECT_EQ(0, kernel_hs(self, msg1, len, &sid, msg2)) {
		TH_LOG("original: %s", secmsg_nl_errmsg(self->nl));
	}
}

TEST_F(hs, replayed_message1)
{
	uint8_t msg1[SECMSG_HS_INIT_MAX], old[SECMSG_HS_INIT_MAX];
	uint8_t msg2[SECMSG_HS_RESPONSE_LEN];
	struct secmsg_hs_timestamp ts;
	struct secmsg_hs_state st;
	size_t len, old_len;
	uint64_t sid;

	ASSERT_EQ(0, make_msg1(&self->u, self->spub, 1, NULL, &st, msg1,
			       &len));
	secmsg_hs_wipe(&st);
	ASSERT_EQ(0, kernel_hs(self, msg1, len, &sid, msg2));
	EXPECT_EQ(-EALREADY, kernel_hs(self, msg1, len, &sid, msg2)) {
		TH_LOG("%s", secmsg_nl_errmsg(self->nl));
	}
	memcpy(old, msg1, len);
	old_len = len;
	/* a fresh message 1 with an older timestamp */
	ts.sec = (uint64_t)time(NULL) - 3600;
	ts.nsec = 0;
	ASSERT_EQ(0, make_msg1(&self->u, self->spub, 1, &ts, &st, msg1,
			       &len));
	secmsg_hs_wipe(&st);
	EXPECT_EQ(-EALREADY, kernel_hs(self, msg1, len, &sid, msg2));
	/* a newer one works, then the first one still fails */
	ASSERT_EQ(0, make_msg1(&self->u, self->spub, 1, NULL, &st, msg1,
			       &len));
	secmsg_hs_wipe(&st);
	EXPECT_EQ(0, kernel_hs(self, msg1, len, &sid, msg2));
	EXPECT_EQ(-EALREADY, kernel_hs(self, old, old_len, &sid, msg2));
}

TEST_F(hs, confirmation)
{
	uint8_t msg1[SECMSG_HS_INIT_MAX], msg2[SECMSG_HS_RESPONSE_LEN];
	uint8_t msg3[SECMSG_HS_CONFIRM_LEN], m3[SECMSG_HS_CONFIRM_LEN];
	uint8_t c2s[KLEN], s2c[KLEN], pt[8] = "abcdefgh", ct[128];
	struct secmsg_session_info info;
	struct secmsg_msg_result res;
	struct secmsg_dir_keys k;
	struct secmsg_hs_state st;
	size_t len;
	uint64_t sid, cid;
	long n;
	/* a RESEAL from a to the pending session and b */
	struct client a, b;
	struct secmsg_msg_result r[2];
	struct secmsg_batch_op op;
	struct secmsg_hdr h;
	uint64_t dests[2];
	uint8_t m[64], out[64];
	long mn;

	/* pending: no messages either way */
	ASSERT_EQ(0, make_msg1(&self->u, self->spub, 2, NULL, &st, msg1,
			       &len));
	ASSERT_EQ(0, kernel_hs(self, msg1, len, &sid, msg2));
	ASSERT_EQ(0, secmsg_session_get(self->nl, sid, &info));
	EXPECT_EQ(SECMSG_STATE_PENDING, info.state);
	ASSERT_EQ(0, secmsg_hs_finish(&st, msg2, sizeof(msg2), &cid, c2s, s2c,
				      msg3));
	EXPECT_EQ(-ENOTCONN, secmsg_msg(self->nl, SECMSG_MSG_SEAL, sid, 0, pt,
					sizeof(pt), &res));
	EXPECT_EQ(SECMSG_FAIL_NOT_ACTIVE, res.reason);
	secmsg_dir_init(&k, SECMSG_DIR_C2S, c2s);
	n = secmsg_msg_seal(&k, 2, sid, 0, pt, sizeof(pt), ct);
	ASSERT_LT(0, n);
	EXPECT_EQ(-ENOTCONN, secmsg_msg(self->nl, SECMSG_MSG_OPEN, sid, 0, ct,
					n, &res));
	EXPECT_EQ(SECMSG_FAIL_NOT_ACTIVE, res.reason);
	/* nor a copy of a RESEAL to it: that copy fails, the other goes */
	ASSERT_EQ(0, client_new(self->nl, &a, SECMSG_ALG_AES_256_GCM, NULL, 0,
				NULL));
	track(self, a.id);
	ASSERT_EQ(0, client_new(self->nl, &b, SECMSG_ALG_CHACHA20_POLY1305,
				NULL, 0, NULL));
	track(self, b.id);
	dests[0] = sid;
	dests[1] = b.id;
	mn = client_seal(&a, "to both", 7, m);
	ASSERT_LT(0, mn);
	op = (struct secmsg_batch_op){
		SECMSG_MSG_RESEAL, a.id, 0, 1, m, mn, dests, 2,
	};
	ASSERT_EQ(0, secmsg_msg_batch(self->nl, &op, 1, r));
	EXPECT_EQ(ENOTCONN, r[0].status);
	EXPECT_EQ(SECMSG_FAIL_NOT_ACTIVE, r[0].reason);
	EXPECT_EQ(0, r[0].len);
	ASSERT_EQ(0, r[1].status);
	ASSERT_EQ(7, client_open(&b, r[1].data, r[1].len, &h, out));
	EXPECT_EQ(0, memcmp(out, "to both", 7));
	secmsg_msg_result_free(&r[0]);
	secmsg_msg_result_free(&r[1]);
	client_wipe(&a);
	client_wipe(&b);
	ASSERT_EQ(0, secmsg_session_get(self->nl, sid, &info));
	EXPECT_EQ(0, info.counters.tx_messages);
	/* and no rotation, nor an algorithm change: epoch 0 stays */
	EXPECT_EQ(-ENOTCONN, secmsg_session_rotate(self->nl, sid, &info));
	EXPECT_STREQ("the session's handshake is not confirmed yet (it rotates once active)",
		     secmsg_nl_errmsg(self->nl));
	EXPECT_EQ(-ENOTCONN, secmsg_session_set(self->nl, sid, 3, NULL,
						&info));
	ASSERT_EQ(0, secmsg_session_get(self->nl, sid, &info));
	EXPECT_EQ(0, info.epoch);
	EXPECT_EQ(2, info.alg);
	EXPECT_EQ(0, info.counters.rotations);

	/* malformed message 3: refused, the session stays pending */
	memcpy(m3, msg3, sizeof(m3));
	m3[2] = 1;
	EXPECT_EQ(-EINVAL, secmsg_handshake_confirm(self->nl, sid, m3,
						    sizeof(m3), NULL));
	memcpy(m3, msg3, sizeof(m3));
	m3[11] ^= 1;		/* another session id inside */
	EXPECT_EQ(-EINVAL, secmsg_handshake_confirm(self->nl, sid, m3,
						    sizeof(m3), NULL));
	EXPECT_EQ(-EINVAL, secmsg_handshake_confirm(self->nl, sid, msg3,
						    sizeof(msg3) - 1, NULL));
	EXPECT_EQ(-ENOENT, secmsg_handshake_confirm(self->nl, sid + 1000000,
						    msg3, sizeof(msg3), NULL));
	ASSERT_EQ(0, secmsg_session_get(self->nl, sid, &info));
	EXPECT_EQ(SECMSG_STATE_PENDING, info.state);

	/* the right one: active, messages flow; a second: EALREADY */
	ASSERT_EQ(0, secmsg_handshake_confirm(self->nl, sid, msg3,
					      sizeof(msg3), &info));
	EXPECT_EQ(SECMSG_STATE_ACTIVE, info.state);
	EXPECT_EQ(0, secmsg_msg(self->nl, SECMSG_MSG_OPEN, sid, 0, ct, n,
				&res));
	EXPECT_EQ(sizeof(pt), res.len);
	secmsg_msg_result_free(&res);
	EXPECT_EQ(-EALREADY, secmsg_handshake_confirm(self->nl, sid, msg3,
						      sizeof(msg3), NULL));
	ASSERT_EQ(0, secmsg_session_rotate(self->nl, sid, &info));
	EXPECT_EQ(1, info.epoch);
	secmsg_dir_wipe(&k);

	/* a wrong confirmation deletes the pending session */
	ASSERT_EQ(0, make_msg1(&self->u, self->spub, 3, NULL, &st, msg1,
			       &len));
	ASSERT_EQ(0, kernel_hs(self, msg1, len, &sid, msg2));
	ASSERT_EQ(0, secmsg_hs_finish(&st, msg2, sizeof(msg2), &cid, c2s, s2c,
				      msg3));
	memcpy(m3, msg3, sizeof(m3));
	m3[20] ^= 0x10;
	EXPECT_EQ(-EBADMSG, secmsg_handshake_confirm(self->nl, sid, m3,
						     sizeof(m3), NULL));
	EXPECT_EQ(-ENOENT, secmsg_session_get(self->nl, sid, &info));
	EXPECT_EQ(-ENOENT, secmsg_handshake_confirm(self->nl, sid, msg3,
						    sizeof(msg3), NULL));
	/* the confirmation of another handshake (other keys): EBADMSG */
	{
		uint8_t msg3b[SECMSG_HS_CONFIRM_LEN];
		uint64_t sid2;

		ASSERT_EQ(0, make_msg1(&self->u, self->spub, 3, NULL, &st,
				       msg1, &len));
		ASSERT_EQ(0, kernel_hs(self, msg1, len, &sid2, msg2));
		ASSERT_EQ(0, secmsg_hs_finish(&st, msg2, sizeof(msg2), &cid,
					      c2s, s2c, msg3b));
		/* message 3 for sid2 carrying the first handshake's value */
		memcpy(msg3b + 12, msg3 + 12, 32);
		EXPECT_EQ(-EBADMSG, secmsg_handshake_confirm(self->nl, sid2,
							     msg3b,
							     sizeof(msg3b),
							     NULL));
		EXPECT_EQ(-ENOENT, secmsg_session_get(self->nl, sid2, &info));
	}
	explicit_bzero(c2s, sizeof(c2s));
	explicit_bzero(s2c, sizeof(s2c));
}

/* max_sessions counts sessions in their handshake too: ENOSPC, no session */
TEST_F_TIMEOUT(hs, max_sessions_enospc, 120)
{
	uint8_t msg1[SECMSG_HS_INIT_MAX], msg2[SECMSG_HS_RESPONSE_LEN];
	struct secmsg_stats before, after;
	long orig = read_param("max_sessions");
	struct secmsg_hs_state st;
	uint64_t sid;
	size_t len;
	int err;

	ASSERT_LT(0, orig);
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &before));
	self->max_sessions = orig;
	ASSERT_EQ(0, write_param("max_sessions",
				 before.v[SECMSG_STATS_A_SESSIONS]));
	ASSERT_EQ(0, make_msg1(&self->u, self->spub, 1, NULL, &st, msg1,
			       &len));
	secmsg_hs_wipe(&st);
	err = kernel_hs(self, msg1, len, &sid, msg2);
	EXPECT_EQ(-ENOSPC, err);
	EXPECT_STREQ("too many sessions in this namespace (max_sessions)",
		     secmsg_nl_errmsg(self->nl));
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &after));
	EXPECT_EQ(before.v[SECMSG_STATS_A_SESSIONS],
		  after.v[SECMSG_STATS_A_SESSIONS]);
	EXPECT_EQ(before.v[SECMSG_STATS_A_SESSIONS_PENDING],
		  after.v[SECMSG_STATS_A_SESSIONS_PENDING]);
	/* room for one more: the same message 1 is not a replay */
	ASSERT_EQ(0, write_param("max_sessions",
				 before.v[SECMSG_STATS_A_SESSIONS] + 1));
	EXPECT_EQ(0, kernel_hs(self, msg1, len, &sid, msg2)) {
		TH_LOG("after ENOSPC: %s", secmsg_nl_errmsg(self->nl));
	}
	EXPECT_EQ(0, write_param("max_sessions", orig));
	self->max_sessions = -1;
}

TEST_F_TIMEOUT(hs, max_pending_ebusy, 120)
{
	uint8_t msg1[SECMSG_HS_INIT_MAX], msg2[SECMSG_HS_RESPONSE_LEN];
	struct secmsg_hs_state st;
	struct secmsg_stats stats;
	long orig = read_param("max_pending"), pending;
	uint64_t sid, first = 0;
	struct est e;
	size_t len;
	int i, err = 0, stage;

	ASSERT_LT(0, orig);
	ASSERT_EQ(0, secmsg_stats_get(self->nl, &stats));
	pending = stats.v[SECMSG_STATS_A_SESSIONS_PENDING];
	self->max_pending = orig;
	ASSERT_EQ(0, write_param("max_pending", pending + 2));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, make_msg1(&self->u, self->spub, 1, NULL, &st,
				       msg1, &len));
		secmsg_hs_wipe(&st);
		err = kernel_hs(self, msg1, len, &sid, msg2);
		if (i < 2)
			EXPECT_EQ(0, err);
		if (!i)
			first = sid;
	}
	EXPECT_EQ(-EBUSY, err) {
		TH_LOG("third pending handshake: %s (%s)", errname(err),
		       secmsg_nl_errmsg(self->nl));
	}
	/* one fewer pending makes room again */
	EXPECT_EQ(0, secmsg_session_del(self->nl, first));
	ASSERT_EQ(0, make_msg1(&self->u, self->spub, 1, NULL, &st, msg1,
			       &len));
	secmsg_hs_wipe(&st);
	EXPECT_EQ(0, kernel_hs(self, msg1, len, &sid, msg2));
	/* active sessions do not count: establish one more */
	ASSERT_EQ(0, secmsg_session_del(self->nl, sid));
	EXPECT_EQ(0, establish(self, &self->u, self->spub, 1, NULL, 0, &e,
			       &stage, NULL));
	ASSERT_EQ(0, make_msg1(&self->u, self->spub, 1, NULL, &st, msg1,
			       &len));
	secmsg_hs_wipe(&st);
	EXPECT_EQ(0, kernel_hs(self, msg1, len, &sid, msg2));
	est_wipe(&e);
	EXPECT_EQ(0, write_param("max_pending", orig));
	EXPECT_EQ(orig, read_param("max_pending"));
	self->max_pending = -1;
}

TEST_F_TIMEOUT(hs, pending_expiry, 120)
{
	uint8_t msg1[SECMSG_HS_INIT_MAX], msg2[SECMSG_HS_RESPONSE_LEN];
	uint8_t msg3[SECMSG_HS_CONFIRM_LEN], c2s[KLEN], s2c[KLEN];
	long orig = read_param("pending_timeout");
	struct secmsg_event_info ev;
	struct secmsg_hs_state st;
	struct secmsg_nl *evnl = nl_open_or_null();
	uint64_t sid, cid;
	double elapsed, t0;
	size_t len;
	int err;

	ASSERT_LT(0, orig);
	ASSERT_NE(NULL, evnl);
	ASSERT_EQ(0, secmsg_events_subscribe(evnl));
	self->pending_timeout = orig;
	ASSERT_EQ(0, write_param("pending_timeout", 1));
	ASSERT_EQ(0, make_msg1(&self->u, self->spub, 1, NULL, &st, msg1,
			       &len));
	/*
	 * The kernel starts the pending time when it makes the session, so
	 * count from before the request: the X25519 of finishing the
	 * handshake here may take a good part of a second in a slow guest.
	 */
	t0 = mono_now();
	ASSERT_EQ(0, kernel_hs(self, msg1, len, &sid, msg2));
	ASSERT_EQ(0, secmsg_hs_finish(&st, msg2, sizeof(msg2), &cid, c2s, s2c,
				      msg3));
	err = wait_gone(self->nl, sid, 10000, NULL);
	elapsed = mono_now() - t0;
	TH_LOG("pending session gone after %.2f s (%s)", elapsed,
	       errname(err));
	EXPECT_EQ(-ENOENT, err);
	EXPECT_LE(0.9, elapsed);
	EXPECT_GE(5.0, elapsed);
	/* the event says why */
	for (;;) {
		err = event_wait(evnl, sid, 0, &ev, 2000);
		if (err || ev.event == SECMSG_EVENT_EXPIRED ||
		    ev.event == SECMSG_EVENT_DELETED)
			break;
	}
	EXPECT_EQ(0, err);
	if (!err) {
		TH_LOG("event %d reason %d", ev.event, ev.reason);
		EXPECT_EQ(SECMSG_REASON_HANDSHAKE, ev.reason);
	}
	/* too late to confirm */
	EXPECT_EQ(-ENOENT, secmsg_handshake_confirm(self->nl, sid, msg3,
						    sizeof(msg3), NULL));
	/* a confirmed session does not expire with pending_timeout */
	{
		struct secmsg_session_info info;
		struct est e;
		int stage;

		ASSERT_EQ(0, establish(self, &self->u, self->spub, 1, NULL, 0,
				       &e, &stage, NULL));
		sleep_ms(2500);
		EXPECT_EQ(0, secmsg_session_get(self->nl, e.id, &info));
		est_wipe(&e);
	}
	EXPECT_EQ(0, write_param("pending_timeout", orig));
	EXPECT_EQ(orig, read_param("pending_timeout"));
	self->pending_timeout = -1;
	explicit_bzero(c2s, sizeof(c2s));
	explicit_bzero(s2c, sizeof(s2c));
	secmsg_nl_close(evnl);
}

TEST_HARNESS_MAIN
