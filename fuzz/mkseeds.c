// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * fuzz/mkseeds DIR: write the seed inputs of the fuzz targets that hold
 * binary or derived data (DIR/TARGET/corpus/NAME): genuine handshake
 * messages, sealed messages, key files and the frames that carry them,
 * all made with the fixed keys of fuzz/keys.h, so that the targets, which
 * use the same keys, get past authentication on them.  The text seeds
 * (configuration and users files, most frames) are written by hand and
 * not touched here.  The output is the same on every run except where
 * a fresh random IV, salt or nonce goes (twofish_cbc messages, key
 * files), so make fuzz-seeds changes files only where formats changed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "cluster/wire.h"
#include "fuzz.h"
#include "keys.h"
#include "netlink/commands.h"
#include "secmsg/codec.h"
#include "secmsg/keyfile.h"
#include "secmsg/nl.h"

static const char *top;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void put(const char *target, const char *name, const void *a,
		size_t alen, const void *b, size_t blen)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/corpus", top, target);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/corpus/%s", top, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(a, 1, alen, f) != alen ||
	    (blen && fwrite(b, 1, blen, f) != blen) || fclose(f))
		die(path);
}

/* A buffer that grows: the seeds of a sequence are built in it. */
struct buf {
	uint8_t p[1 << 16];
	size_t len;
};

static void add(struct buf *b, const void *p, size_t n)
{
	if (b->len + n > sizeof(b->p))
		die("seed too large");
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void addf(struct buf *b, const char *fmt, ...)
{
	char s[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(s))
		die("format");
	add(b, s, (size_t)n);
}

/* A record of the wire target: 2-byte length, bytes. */
static void add_rec(struct buf *b, const void *p, size_t n)
{
	uint8_t l[2] = { (uint8_t)(n >> 8), (uint8_t)n };

	add(b, l, 2);
	add(b, p, n);
}

/* A message the server sends in the fixed session (s2c keys). */
static size_t seal(uint8_t *out, int alg, uint32_t epoch, uint64_t seq,
		   const char *text)
{
	struct secmsg_dir_keys k;
	long n;

	fuzz_dir(&k, SECMSG_DIR_S2C, epoch);
	n = secmsg_msg_seal(&k, alg, FUZZ_SESSION_ID, seq,
			    (const uint8_t *)text, strlen(text), out);
	secmsg_dir_wipe(&k);
	if (n < 0)
		die("seal");
	return (size_t)n;
}

static char *b64(const uint8_t *p, size_t n)
{
	char *s = malloc(SECMSG_B64_LEN(n));

	if (!s)
		die("malloc");
	secmsg_base64_encode(p, n, s);
	return s;
}

static uint8_t msg1[3][SECMSG_HS_INIT_MAX];
static size_t msg1_len[3];
static struct secmsg_hs_pending pending;
static uint8_t msg3[SECMSG_HS_CONFIRM_LEN];

static void handshakes(void)
{
	static const uint8_t one = 0, two = 1, three = 2;
	uint8_t c2s[32], s2c[32], bad[SECMSG_HS_INIT_MAX];
	struct secmsg_hs_state st;
	uint64_t sid;
	int alg;

	for (alg = 1; alg <= 3; alg++) {
		msg1_len[alg - 1] = sizeof(msg1[0]);
		if (fuzz_hs_init(&st, alg, msg1[alg - 1], &msg1_len[alg - 1]))
			die("hs_init");
		secmsg_hs_wipe(&st);
	}
	if (fuzz_hs_respond(msg1[0], msg1_len[0], NULL, &pending))
		die("hs_respond");
	msg1_len[0] = sizeof(msg1[0]);
	if (fuzz_hs_init(&st, 1, msg1[0], &msg1_len[0]) ||
	    secmsg_hs_finish(&st, pending.msg2, sizeof(pending.msg2), &sid,
			     c2s, s2c, msg3))
		die("hs_finish");

	put("handshake", "msg1-aes", &one, 1, msg1[0], msg1_len[0]);
	put("handshake", "msg1-chacha", &one, 1, msg1[1], msg1_len[1]);
	put("handshake", "msg1-twofish", &one, 1, msg1[2], msg1_len[2]);
	memcpy(bad, msg1[0], msg1_len[0]);
	bad[3] = 64;			/* user id length past the message */
	put("handshake", "msg1-bad-length", &one, 1, bad, msg1_len[0]);
	put("handshake", "msg2", &two, 1, pending.msg2, sizeof(pending.msg2));
	memcpy(bad, pending.msg2, sizeof(pending.msg2));
	bad[12 + 31] |= 0x80;		/* non-canonical ephemeral */
	put("handshake", "msg2-noncanonical", &two, 1, bad,
	    sizeof(pending.msg2));
	put("handshake", "msg3", &three, 1, msg3, sizeof(msg3));
	memcpy(bad, msg3, sizeof(msg3));
	bad[11] ^= 1;			/* another session */
	put("handshake", "msg3-other-session", &three, 1, bad, sizeof(msg3));
}

static void wire(void)
{
	static const char *const names[C__N] = { "aes", "chacha", "twofish" };
	uint8_t m[512], m2[512];
	struct buf b;
	size_t n, n2;
	char name[64];
	int alg;

	for (alg = 1; alg <= 3; alg++) {
		/* in order, a duplicate, an older one in the window */
		b.len = 0;
		add(&b, (uint8_t[]){ (uint8_t)(alg - 1) }, 1);
		add_rec(&b, m, seal(m, alg, 0, 0, "hello"));
		n = seal(m, alg, 0, 5, "five");
		add_rec(&b, m, n);
		add_rec(&b, m, n);
		add_rec(&b, m2, seal(m2, alg, 0, 3, ""));
		snprintf(name, sizeof(name), "%s-sequence", names[alg - 1]);
		put("wire", name, b.p, b.len, NULL, 0);

		/* epoch 1 ahead of the session, then epoch 0 in its grace */
		b.len = 0;
		add(&b, (uint8_t[]){ (uint8_t)(alg - 1) }, 1);
		add_rec(&b, m, seal(m, alg, 1, 0, "after a rotation"));
		add_rec(&b, m, seal(m, alg, 0, 1, "before it"));
		add_rec(&b, m, seal(m, alg % 3 + 1, 2, 0, "new algorithm"));
		snprintf(name, sizeof(name), "%s-epochs", names[alg - 1]);
		put("wire", name, b.p, b.len, NULL, 0);
	}
	/* too far ahead; a header only; the last sequence number */
	b.len = 0;
	add(&b, (uint8_t[]){ 0 }, 1);
	add_rec(&b, m, seal(m, 1, 1025, 0, "too far"));
	add_rec(&b, m, SECMSG_HDR_LEN);
	n2 = seal(m2, 1, 0, SECMSG_MAX_MESSAGES_LIMIT - 1, "last");
	add_rec(&b, m2, n2);
	put("wire", "limits", b.p, b.len, NULL, 0);
}

static void keyfiles(void)
{
	static const uint8_t client = 0, ctl = 1;
	uint8_t key[32], img[SECMSG_KEYFILE_LEN];
	char text[SECMSG_B64_LEN(32) + SECMSG_HEX_LEN(32)];

	fuzz_key(key, FUZZ_CLIENT_PRIV);
	if (secmsg_keyfile_encode(key, FUZZ_PASSPHRASE,
				  strlen(FUZZ_PASSPHRASE),
				  SECMSG_KEYFILE_ITER_MIN, img))
		die("keyfile");
	put("keyfile", "client-key", &client, 1, img, sizeof(img));
	img[40] ^= 1;
	put("keyfile", "client-key-damaged", &client, 1, img, sizeof(img));
	put("keyfile", "ctl-raw", &ctl, 1, key, sizeof(key));
	secmsg_hex_encode(key, 32, text);
	strcat(text, "\n");
	put("keyfile", "ctl-hex", &ctl, 1, text, strlen(text));
	secmsg_base64_encode(key, 32, text);
	strcat(text, "\n");
	put("keyfile", "ctl-base64", &ctl, 1, text, strlen(text));
	text[43] = '\n';
	text[44] = '\0';		/* without its padding */
	put("keyfile", "ctl-base64-unpadded", &ctl, 1, text, strlen(text));
}

static void frames(void)
{
	char *h1 = b64(msg1[0], msg1_len[0]), *h2 = b64(pending.msg2,
							sizeof(pending.msg2));
	char *h3 = b64(msg3, sizeof(msg3)), *data;
	uint8_t m[512], pub[32], c[32];
	struct buf b;

	/* the server's frames, as the client parses them */
	b.len = 0;
	addf(&b, "{\"type\":\"welcome\",\"session\":\"%s\",\"handshake\":\"%s\"}",
	     FUZZ_SESSION_HEX, h2);
	put("client_frame", "welcome", b.p, b.len, NULL, 0);
	data = b64(m, seal(m, 1, 0, 0, "hi"));
	b.len = 0;
	addf(&b, "{\"type\":\"message\",\"from\":\"bob\",\"data\":\"%s\"}", data);
	put("client_frame", "message", b.p, b.len, NULL, 0);
	free(data);

	/* the client's frames, as the daemon parses them */
	fuzz_key(c, FUZZ_CLIENT_PRIV);
	secmsg_x25519_pub(c, pub);
	b.len = 0;
	addf(&b, "{\"type\":\"hello\",\"version\":1,\"user\":\"alice\",\"alg\":\"aes_256_gcm\",\"handshake\":\"%s\"}", h1);
	put("daemon_frame", "hello", b.p, b.len, NULL, 0);
	data = b64(pub, 32);
	b.len = 0;
	addf(&b, "{\"type\":\"hello\",\"version\":1,\"user\":\"alice\",\"alg\":\"aes_256_gcm\",\"handshake\":\"%s\",\"pubkey\":\"%s\"}", h1, data);
	put("daemon_frame", "hello-register", b.p, b.len, NULL, 0);
	free(data);
	b.len = 0;
	addf(&b, "{\"type\":\"confirm\",\"handshake\":\"%s\"}", h3);
	put("daemon_frame", "confirm", b.p, b.len, NULL, 0);
	{
		struct secmsg_dir_keys k;
		long n;

		fuzz_dir(&k, SECMSG_DIR_C2S, 0);
		n = secmsg_msg_seal(&k, 1, FUZZ_SESSION_ID, 0,
				    (const uint8_t *)"hi bob", 6, m);
		secmsg_dir_wipe(&k);
		if (n < 0)
			die("seal");
		data = b64(m, (size_t)n);
	}
	b.len = 0;
	addf(&b, "{\"type\":\"message\",\"id\":7,\"to\":\"bob\",\"data\":\"%s\"}",
	     data);
	put("daemon_frame", "message", b.p, b.len, NULL, 0);
	free(data);
	free(h1);
	free(h2);
	free(h3);
}

/*
 * The client's protocol: frames one per line after a byte choosing the
 * start (0: hello sent, 1: ready); lines starting with '!' are the
 * program's calls (fuzz/client_proto/fuzz.c).
 */
static void client_proto(void)
{
	char *h2 = b64(pending.msg2, sizeof(pending.msg2)), *d0, *d1, *d2;
	uint8_t m[512];
	struct buf b;

	b.len = 0;
	add(&b, "\0", 1);
	addf(&b, "{\"type\":\"welcome\",\"session\":\"%s\",\"handshake\":\"%s\"}\n",
	     FUZZ_SESSION_HEX, h2);
	addf(&b, "{\"type\":\"ready\",\"session\":\"%s\",\"user\":\"alice\",\"alg\":\"aes_256_gcm\",\"epoch\":0,\"online\":[\"bob\"]}\n",
	     FUZZ_SESSION_HEX);
	addf(&b, "!send\n{\"type\":\"delivery\",\"id\":1,\"status\":\"delivered\"}\n");
	put("client_proto", "login", b.p, b.len, NULL, 0);

	b.len = 0;
	add(&b, "\0", 1);
	addf(&b, "{\"type\":\"welcome\",\"session\":\"fedcba9876543210\",\"handshake\":\"%s\"}\n",
	     h2);
	put("client_proto", "login-other-session", b.p, b.len, NULL, 0);

	b.len = 0;
	add(&b, "\1", 1);
	d0 = b64(m, seal(m, 1, 0, 0, "hello alice"));
	d1 = b64(m, seal(m, 2, 1, 0, "after a rotation"));
	d2 = b64(m, seal(m, 1, 0, 1, "sealed before it"));
	addf(&b, "{\"type\":\"message\",\"from\":\"bob\",\"data\":\"%s\"}\n", d0);
	addf(&b, "{\"type\":\"message\",\"from\":\"bob\",\"data\":\"%s\"}\n", d0);
	addf(&b, "!rotate\n!send\n");
	addf(&b, "{\"type\":\"epoch\",\"epoch\":1,\"alg\":\"chacha20_poly1305\"}\n");
	addf(&b, "{\"type\":\"message\",\"from\":\"bob\",\"data\":\"%s\"}\n", d1);
	addf(&b, "{\"type\":\"message\",\"from\":\"bob\",\"data\":\"%s\"}\n", d2);
	addf(&b, "{\"type\":\"delivery\",\"id\":1,\"status\":\"failed\",\"code\":\"recipient_offline\",\"message\":\"bob is not online\"}\n");
	addf(&b, "{\"type\":\"presence\",\"user\":\"carol\",\"online\":true}\n");
	addf(&b, "{\"type\":\"online\",\"users\":[\"alice\",\"bob\",\"carol\"]}\n");
	addf(&b, "{\"type\":\"error\",\"code\":\"rate_limited\",\"message\":\"slow down\"}\n");
	addf(&b, "{\"type\":\"bye\",\"reason\":\"shutdown\"}\n");
	put("client_proto", "session", b.p, b.len, NULL, 0);
	free(d0);
	free(d1);
	free(d2);

	b.len = 0;
	add(&b, "\1", 1);
	d0 = b64(m, seal(m, 1, 3, 0, "three rotations on"));
	addf(&b, "!rotate2\n!send\n!send\n");
	addf(&b, "{\"type\":\"message\",\"from\":\"bob\",\"data\":\"%s\"}\n", d0);
	addf(&b, "{\"type\":\"epoch\",\"epoch\":2,\"alg\":\"aes_256_gcm\"}\n");
	addf(&b, "{\"type\":\"epoch\",\"epoch\":4,\"alg\":\"twofish_cbc\"}\n");
	addf(&b, "{\"type\":\"error\",\"code\":\"bad_field\"}\n");
	put("client_proto", "epochs", b.p, b.len, NULL, 0);
	free(d0);
	free(h2);
}

/*
 * Netlink replies as secmsg.ko sends them, sequence number 0 (the
 * target puts its request's in): each message is built with libnl and
 * appended to a datagram; a seed is the command byte and its datagrams.
 */
static struct nl_msg *genl(uint8_t cmd, int flags)
{
	struct nl_msg *m = nlmsg_alloc_size(65536);

	if (!m || !genlmsg_put(m, 0, 0, FUZZ_NL_FAMILY, 0, flags, cmd,
			       SECMSG_GENL_VERSION))
		die("genlmsg_put");
	return m;
}

static void dg_add(struct buf *dg, struct nl_msg *m)
{
	struct nlmsghdr *h = nlmsg_hdr(m);
	static const uint8_t pad[4];

	add(dg, h, h->nlmsg_len);
	add(dg, pad, NLMSG_ALIGN(h->nlmsg_len) - h->nlmsg_len);
	nlmsg_free(m);
}

/* NLMSG_ERROR (err 0: the ACK), capped, with an extack message. */
static void dg_ack(struct buf *dg, int err, const char *msg, int miss)
{
	struct nl_msg *m = nlmsg_alloc_size(4096);
	struct nlmsgerr *e;
	struct nlmsghdr *h;

	if (!m)
		die("nlmsg_alloc");
	h = nlmsg_put(m, 0, 0, NLMSG_ERROR, sizeof(*e),
		      NLM_F_CAPPED | (msg || miss ? NLM_F_ACK_TLVS : 0));
	if (!h)
		die("nlmsg_put");
	e = nlmsg_data(h);
	e->error = err;
	e->msg.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + 64;
	e->msg.nlmsg_type = FUZZ_NL_FAMILY;
	if ((msg && nla_put_string(m, NLMSGERR_ATTR_MSG, msg)) ||
	    (miss && nla_put_u32(m, NLMSGERR_ATTR_MISS_TYPE, (uint32_t)miss)))
		die("extack");
	dg_add(dg, m);
}

static void dg_done(struct buf *dg)
{
	struct nl_msg *m = nlmsg_alloc_size(64);
	int zero = 0;

	if (!m || !nlmsg_put(m, 0, 0, NLMSG_DONE, sizeof(int), NLM_F_MULTI))
		die("nlmsg_put");
	memcpy(nlmsg_data(nlmsg_hdr(m)), &zero, sizeof(zero));
	dg_add(dg, m);
}

static void put_session(struct nl_msg *m, uint64_t id)
{
	struct nlattr *n;
	int i;

	if (nla_put_u64(m, SECMSG_A_SESSION_ID, id) ||
	    nla_put_string(m, SECMSG_A_USER_ID, FUZZ_USER) ||
	    nla_put_u32(m, SECMSG_A_ALG, SECMSG_ALG_AES_256_GCM) ||
	    nla_put_u8(m, SECMSG_A_STATE, 1) ||
	    nla_put_u32(m, SECMSG_A_EPOCH, 3) ||
	    nla_put_u32(m, SECMSG_A_FLAGS, 0) ||
	    nla_put_u64(m, SECMSG_A_CREATED, 1700000000) ||
	    nla_put_u64(m, SECMSG_A_LAST_USED, 1700000100) ||
	    nla_put_u64(m, SECMSG_A_EXPIRES, 1700086400) ||
	    nla_put_u64(m, SECMSG_A_REKEY_AT, 1700003600))
		die("session attrs");
	n = nla_nest_start(m, SECMSG_A_POLICY);
	if (!n || nla_put_u32(m, SECMSG_POLICY_A_ROTATE_INTERVAL, 3600) ||
	    nla_put_u64(m, SECMSG_POLICY_A_MAX_MESSAGES, 1 << 20) ||
	    nla_put_u32(m, SECMSG_POLICY_A_TIMEOUT, 86400) ||
	    nla_put_u32(m, SECMSG_POLICY_A_IDLE_TIMEOUT, 3600) ||
	    nla_put_u32(m, SECMSG_POLICY_A_REKEY_GRACE, 10))
		die("policy");
	nla_nest_end(m, n);
	n = nla_nest_start(m, SECMSG_A_COUNTERS);
	for (i = SECMSG_CNT_A_TX_MESSAGES; i <= SECMSG_CNT_A_STALE_EPOCH; i++)
		if (!n || nla_put_u64(m, i, (uint64_t)i * 11))
			die("counters");
	nla_nest_end(m, n);
}

static void nl_seed(const char *name, uint8_t cmd, struct buf *dgs,
		    size_t n)
{
	struct buf b;
	size_t i;

	b.len = 0;
	add(&b, &cmd, 1);
	for (i = 0; i < n; i++)
		add_rec(&b, dgs[i].p, dgs[i].len);
	put("netlink", name, b.p, b.len, NULL, 0);
}

static struct buf dg[3];

/* A command answered by msg and an ACK, in one datagram. */
static void one_reply(const char *name, int c, struct nl_msg *msg)
{
	dg[0].len = 0;
	dg_add(&dg[0], msg);
	dg_ack(&dg[0], 0, NULL, 0);
	nl_seed(name, (uint8_t)c, dg, 1);
}

static void netlink(void)
{
	static const uint8_t cmds[C__N] = {
		[C_SESSION_GET] = SECMSG_CMD_SESSION_GET,
		[C_SESSION_NEW] = SECMSG_CMD_SESSION_NEW,
		[C_SESSION_SET] = SECMSG_CMD_SESSION_SET,
		[C_SESSION_ROTATE] = SECMSG_CMD_SESSION_ROTATE,
		[C_HANDSHAKE_CONFIRM] = SECMSG_CMD_HANDSHAKE_CONFIRM,
	};
	static const char *const names[C__N] = {
		[C_SESSION_GET] = "session-get",
		[C_SESSION_NEW] = "session-new",
		[C_SESSION_SET] = "session-set",
		[C_SESSION_ROTATE] = "session-rotate",
		[C_HANDSHAKE_CONFIRM] = "handshake-confirm",
	};
	uint8_t key[32], m[512] = { 0 };
	struct nl_msg *msg;
	struct nlattr *n;
	size_t i, len;
	int c;

	for (c = 0; c < C__N; c++) {
		if (!names[c])
			continue;
		msg = genl(cmds[c], 0);
		put_session(msg, 1);
		one_reply(names[c], c, msg);
	}

	/* a dump over two datagrams, ended by NLMSG_DONE */
	dg[0].len = dg[1].len = 0;
	for (i = 1; i <= 2; i++) {
		msg = genl(SECMSG_CMD_SESSION_GET, NLM_F_MULTI);
		put_session(msg, i);
		dg_add(&dg[0], msg);
	}
	msg = genl(SECMSG_CMD_SESSION_GET, NLM_F_MULTI);
	put_session(msg, 3);
	dg_add(&dg[1], msg);
	dg_done(&dg[1]);
	nl_seed("session-dump", C_SESSION_DUMP, dg, 2);

	/* refused, with the kernel's words and the missing attribute */
	dg[0].len = 0;
	dg_ack(&dg[0], -EINVAL, "unknown algorithm", SECMSG_A_ALG);
	nl_seed("session-new-refused", C_SESSION_NEW, dg, 1);

	/* SEAL: the sealed message, its epoch and sequence number */
	len = seal(m, 1, 0, 0, "hello");
	msg = genl(SECMSG_CMD_MSG, 0);
	if (nla_put(msg, SECMSG_A_DATA, (int)len, m) ||
	    nla_put_u32(msg, SECMSG_A_EPOCH, 0) ||
	    nla_put_u64(msg, SECMSG_A_SEQ, 0))
		die("msg");
	one_reply("msg", C_MSG, msg);

	/*
	 * a batch: a SEAL's result, then a RESEAL's to two sessions, a
	 * result per destination: one copy, one failed
	 */
	msg = genl(SECMSG_CMD_MSG_BATCH, 0);
	for (i = 0; i < 3; i++) {
		n = nla_nest_start(msg, SECMSG_A_RESULT);
		if (!n || nla_put_u64(msg, SECMSG_RESULT_A_COOKIE, 7 + !!i) ||
		    (i && nla_put_u64(msg, SECMSG_RESULT_A_SESSION_ID, 1 + i)) ||
		    nla_put_u32(msg, SECMSG_RESULT_A_STATUS,
				i == 2 ? EBADMSG : 0) ||
		    (i == 2 && nla_put_u32(msg, SECMSG_RESULT_A_REASON,
					   SECMSG_FAIL_AUTH_FAILED)) ||
		    (i < 2 && (nla_put(msg, SECMSG_RESULT_A_DATA, (int)len, m) ||
			       nla_put_u32(msg, SECMSG_RESULT_A_EPOCH, 0) ||
			       nla_put_u64(msg, SECMSG_RESULT_A_SEQ, i))))
			die("result");
		nla_nest_end(msg, n);
	}
	one_reply("batch", C_BATCH, msg);

	msg = genl(SECMSG_CMD_STATS_GET, 0);
	n = nla_nest_start(msg, SECMSG_A_STATS);
	for (c = SECMSG_STATS_A_SESSIONS; c <= SECMSG_STATS_A_MAX; c++)
		if (!n || nla_put_u64(msg, c, (uint64_t)c))
			die("stats");
	nla_nest_end(msg, n);
	one_reply("stats", C_STATS, msg);

	msg = genl(SECMSG_CMD_CRYPT, 0);
	if (nla_put(msg, SECMSG_A_NONCE, 12, m) ||
	    nla_put(msg, SECMSG_A_DATA, 56, m))
		die("crypt");
	one_reply("crypt", C_CRYPT, msg);

	fuzz_key(key, FUZZ_SERVER_PRIV);
	secmsg_x25519_pub(key, key);
	msg = genl(SECMSG_CMD_IDENTITY_GET, 0);
	if (nla_put(msg, SECMSG_A_PUBLIC_KEY, 32, key))
		die("identity");
	one_reply("identity-get", C_IDENTITY_GET, msg);

	msg = genl(SECMSG_CMD_USER_GET, 0);
	if (nla_put_string(msg, SECMSG_A_USER_ID, FUZZ_USER) ||
	    nla_put(msg, SECMSG_A_PUBLIC_KEY, 32, key) ||
	    nla_put_u64(msg, SECMSG_A_LAST_HANDSHAKE, 1700000000))
		die("user");
	one_reply("user-get", C_USER_GET, msg);

	dg[0].len = 0;
	for (i = 0; i < 2; i++) {
		msg = genl(SECMSG_CMD_USER_GET, NLM_F_MULTI);
		if (nla_put_string(msg, SECMSG_A_USER_ID,
				   i ? FUZZ_PEER : FUZZ_USER) ||
		    nla_put(msg, SECMSG_A_PUBLIC_KEY, 32, key))
			die("user");
		dg_add(&dg[0], msg);
	}
	dg_done(&dg[0]);
	nl_seed("user-dump", C_USER_DUMP, dg, 1);

	msg = genl(SECMSG_CMD_HANDSHAKE, 0);
	if (nla_put_u64(msg, SECMSG_A_SESSION_ID, FUZZ_SESSION_ID) ||
	    nla_put(msg, SECMSG_A_HANDSHAKE, sizeof(pending.msg2),
		    pending.msg2))
		die("handshake");
	one_reply("handshake", C_HANDSHAKE, msg);

	/* events: two in one datagram, one with a reason */
	dg[0].len = 0;
	for (i = 0; i < 2; i++) {
		msg = genl(SECMSG_CMD_SESSION_NTF, 0);
		if (nla_put_u8(msg, SECMSG_A_EVENT, (uint8_t)(1 + i)) ||
		    nla_put_u64(msg, SECMSG_A_SESSION_ID, 1) ||
		    nla_put_string(msg, SECMSG_A_USER_ID, FUZZ_USER) ||
		    nla_put_u32(msg, SECMSG_A_ALG, 1) ||
		    nla_put_u32(msg, SECMSG_A_EPOCH, (uint32_t)i) ||
		    (i && nla_put_u8(msg, SECMSG_A_REASON, 2)))
			die("event");
		dg_add(&dg[0], msg);
	}
	nl_seed("events", C_EVENT, dg, 1);

	msg = genl(SECMSG_CMD_CRYPT, 0);
	if (nla_put(msg, SECMSG_A_DATA, 32, key))
		die("x25519");
	one_reply("x25519", C_X25519, msg);

	msg = genl(SECMSG_CMD_CRYPT, 0);
	if (nla_put(msg, SECMSG_A_DATA, 42, m))
		die("hkdf");
	one_reply("hkdf", C_HKDF, msg);
}

/* The cluster's NATS messages, one of each type, from the builders. */
static void cluster(void)
{
	static const char *const names[] = {
		[CW_PRESENCE] = "presence", [CW_RELAY] = "relay",
		[CW_RESULT] = "result", [CW_LINK] = "link",
		[CW_REPLACE] = "replace",
	};
	struct cw_buf b = { 0 };
	uint8_t m[512];
	size_t len = seal(m, 1, 0, 0, "relayed");
	int t;

	for (t = CW_PRESENCE; t <= CW_REPLACE; t++) {
		switch (t) {
		case CW_PRESENCE:
			cw_presence_begin(&b, "node-1", 42, 7, 0);
			cw_presence_add(&b, FUZZ_USER, 1);
			cw_presence_add(&b, FUZZ_PEER, 4);
			break;
		case CW_RELAY:
			cw_relay_begin(&b, "node-1", 42);
			cw_relay_add(&b, 1, FUZZ_USER, FUZZ_PEER, m, len);
			cw_relay_add(&b, 2, FUZZ_PEER, FUZZ_USER, m, len);
			break;
		case CW_RESULT:
			cw_result_begin(&b, "node-2", 43, 42);
			cw_result_add(&b, 1, CW_DELIVERED);
			cw_result_add(&b, 2, CW_RECIPIENT_OFFLINE);
			break;
		case CW_LINK:
			cw_link(&b, "node-1", 42, CW_LINK_MSG2, FUZZ_SESSION_ID,
				pending.msg2, sizeof(pending.msg2), "");
			break;
		case CW_REPLACE:
			cw_replace(&b, "node-2", 43, FUZZ_USER, 1);
			break;
		}
		if (!cw_end(&b))
			die("cw_end");
		put("cluster_wire", names[t], b.p, b.len, NULL, 0);
	}
	cw_link(&b, "node-2", 43, CW_LINK_REFUSED, FUZZ_SESSION_ID, NULL, 0,
		"unknown node");
	if (!cw_end(&b))
		die("cw_end");
	put("cluster_wire", "link-refused", b.p, b.len, NULL, 0);
	cw_buf_free(&b);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fuzz/mkseeds DIR (the fuzz/ folder)\n");
		return 2;
	}
	top = argv[1];
	handshakes();
	wire();
	keyfiles();
	frames();
	client_proto();
	netlink();
	cluster();
	return 0;
}
