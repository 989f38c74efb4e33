// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * secmsgctl identity / user: the namespace's static X25519 identity and
 * the users allowed to handshake (SECMSG_CMD_IDENTITY_*, SECMSG_CMD_USER_*).
 * With "slot node": the node identity (with the local node name) and the
 * peer nodes of the links between nodes.  Public keys are shown in base64
 * (standard, padded), as clients pin them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "keyfile.h"
#include "secmsg/codec.h"
#include "secmsg/nl_identity.h"
#include "secmsgctl.h"
#include "units.h"

enum { I_SHOW, I_SET, I_GENERATE, I_HELP };
enum { U_LIST, U_SHOW, U_ADD, U_DEL, U_HELP };
enum { K_KEYFILE, K_PUBKEY };

static const struct kw identity_cmds[] = {
	{ "show", I_SHOW }, { "set", I_SET }, { "generate", I_GENERATE },
	{ "help", I_HELP },
};

static const struct kw user_cmds[] = {
	{ "list", U_LIST }, { "ls", U_LIST, true }, { "show", U_SHOW },
	{ "add", U_ADD }, { "del", U_DEL }, { "delete", U_DEL, true },
	{ "help", U_HELP },
};

static const struct kw keyfile_arg[] = { { "key-file", K_KEYFILE } };
static const struct kw slot_names[] = {
	{ "server", SECMSG_IDENTITY_SLOT_SERVER },
	{ "node", SECMSG_IDENTITY_SLOT_NODE },
};
static const struct kw pubkey_args[] = {
	{ "key-file", K_KEYFILE }, { "public-key", K_PUBKEY },
};

static const struct hint identity_hints[] = {
	{ -ENOKEY, "no identity in this namespace (secmsgctl identity generate, or identity set key-file FILE)" },
	{ 0, NULL }
};

static const struct hint node_identity_hints[] = {
	{ -ENOKEY, "no node identity in this namespace (secmsgctl identity generate slot node name NODE)" },
	{ 0, NULL }
};

static const struct hint user_hints[] = {
	{ -ENOENT, "no such user" },
	{ -EEXIST, "user exists (delete it first)" },
	{ 0, NULL }
};

static const struct hint node_hints[] = {
	{ -ENOENT, "no such node" },
	{ -EEXIST, "node exists (delete it first)" },
	{ 0, NULL }
};

void usage_identity(FILE *f)
{
	fputs("usage: secmsgctl [OPTIONS] identity { show | generate | set key-file FILE }\n"
	      "       secmsgctl [OPTIONS] identity show slot node\n"
	      "       secmsgctl [OPTIONS] identity { generate | set key-file FILE } slot node name NODE\n"
	      "FILE holds the 32-byte X25519 private key (raw, hex or base64);\n"
	      "slot node: this node's key for the links between nodes, NODE its name\n", f);
}

void usage_user(FILE *f)
{
	fputs("usage: secmsgctl [OPTIONS] user { list | show USER | del USER } [slot node]\n"
	      "       secmsgctl [OPTIONS] user add USER { key-file FILE | public-key KEY } [slot node]\n"
	      "FILE or KEY: the user's 32-byte X25519 public key (raw, hex or base64);\n"
	      "slot node: the peer nodes (USER a node name) instead of the users\n",
	      f);
}

/*
 * Take "slot SLOT" (and, when name is not NULL, "name NAME") out of
 * argv[from..], wherever they are: the rest parses as without them.
 */
static int take_slot(int *argc, char **argv, int from, int *slot,
		     const char **name)
{
	int i, j = from, kw;

	*slot = SECMSG_IDENTITY_SLOT_SERVER;
	for (i = from; i < *argc; i++) {
		bool is_slot = !strcmp(argv[i], "slot");

		if (!is_slot && !(name && !strcmp(argv[i], "name"))) {
			argv[j++] = argv[i];
			continue;
		}
		if (!arg_value(*argc, argv, &i))
			return EXIT_USAGE;
		if (!is_slot) {
			*name = argv[i];
			continue;
		}
		kw = kw_match(argv[i], slot_names, ARRAY_SIZE(slot_names),
			      "slot");
		if (kw < 0)
			return EXIT_USAGE;
		*slot = kw;
	}
	*argc = j;
	return 0;
}

/* A public key; with the node slot, the node's name too. */
static int print_pub(const uint8_t pub[SECMSG_X25519_LEN], const char *name)
{
	char b64[SECMSG_B64_LEN(SECMSG_X25519_LEN)];

	secmsg_base64_encode(pub, SECMSG_X25519_LEN, b64);
	if (opts.json) {
		cJSON *o = cJSON_CreateObject();

		if (o && name)
			cJSON_AddStringToObject(o, "node", name);
		if (o)
			cJSON_AddStringToObject(o, "public_key", b64);
		return json_print(o);
	}
	if (name)
		printf("%-16s %s\n%-16s %s\n", "node", name, "public-key", b64);
	else
		printf("%s\n", b64);
	return 0;
}

int do_identity(int argc, char **argv)
{
	uint8_t priv[SECMSG_X25519_LEN], pub[SECMSG_X25519_LEN];
	const char *keyfile = NULL, *what, *name = NULL;
	char errbuf[512], node[SECMSG_USER_ID_MAX + 1] = "";
	struct secmsg_nl *nl;
	int cmd = I_SHOW, err, slot;

	if (argc) {
		cmd = kw_match(argv[0], identity_cmds,
			       ARRAY_SIZE(identity_cmds), "identity command");
		if (cmd < 0)
			return EXIT_USAGE;
	}
	if (cmd == I_HELP) {
		usage_identity(stdout);
		return 0;
	}
	err = take_slot(&argc, argv, 1, &slot, &name);
	if (err)
		return err;
	what = cmd == I_SET ? "identity set" :
	       cmd == I_GENERATE ? "identity generate" : "identity show";
	if (slot == SECMSG_IDENTITY_SLOT_NODE && cmd != I_SHOW && !name)
		return usage_err("%s slot node: needs name NODE", what);
	if (name && (slot != SECMSG_IDENTITY_SLOT_NODE || cmd == I_SHOW))
		return usage_err("%s: a name is only for generate or set with slot node",
				 what);
	if (name && !user_id_ok(name))
		return usage_err("invalid node name \"%s\" (1 to %d of A-Z a-z 0-9 . _ @ -, not starting with . or -)",
				 name, SECMSG_USER_ID_MAX);
	if (cmd == I_SET) {
		int i = 1;

		if (argc < 2)
			return usage_err("identity set: needs key-file FILE");
		if (kw_match(argv[1], keyfile_arg, 1, "argument") < 0)
			return EXIT_USAGE;
		keyfile = arg_value(argc, argv, &i);
		if (!keyfile)
			return EXIT_USAGE;
		if (argc > 3)
			return usage_err("identity set: unexpected argument \"%s\"",
					 argv[3]);
	} else if (argc > 1) {
		return usage_err("%s: unexpected argument \"%s\"", what,
				 argv[1]);
	}
	if (keyfile &&
	    key_read_file(keyfile, priv, true, errbuf, sizeof(errbuf))) {
		msg("%s", errbuf);
		return EXIT_FAIL;
	}
	err = ctl_open(&nl);
	if (err) {
		explicit_bzero(priv, sizeof(priv));
		return err;
	}
	if (cmd == I_SET)
		err = secmsg_identity_set_slot(nl, slot, name, priv, pub);
	else if (cmd == I_GENERATE)
		err = secmsg_identity_generate_slot(nl, slot, name, pub);
	else
		err = secmsg_identity_get_slot(nl, slot, node, pub);
	explicit_bzero(priv, sizeof(priv));
	if (err)
		err = nl_fail(nl, err, slot ? node_identity_hints :
				  identity_hints, "%s", what);
	secmsg_nl_close(nl);
	if (err)
		return err;
	return print_pub(pub, !slot ? NULL : name ? name : node);
}

static cJSON *user_json(const struct secmsg_user_info *u)
{
	char b64[SECMSG_B64_LEN(SECMSG_X25519_LEN)];
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	secmsg_base64_encode(u->public_key, SECMSG_X25519_LEN, b64);
	cJSON_AddStringToObject(o, "user", u->user_id);
	cJSON_AddStringToObject(o, "public_key", b64);
	if (u->has_last_handshake)
		json_add_u64(o, "last_handshake", u->last_handshake);
	else
		cJSON_AddNullToObject(o, "last_handshake");
	return o;
}

/* "2026-11-25 19:00:01 +0000 (5m ago)", or "never" */
static char *last_hs(const struct secmsg_user_info *u, char *buf, size_t len)
{
	uint64_t now = (uint64_t)time(NULL);
	char tb[UNITS_BUF], db[UNITS_BUF];

	if (!u->has_last_handshake)
		snprintf(buf, len, "never");
	else if (opts.exact)
		snprintf(buf, len, "%" PRIu64, u->last_handshake);
	else
		snprintf(buf, len, "%s (%s ago)",
			 fmt_time(u->last_handshake, tb, sizeof(tb)),
			 fmt_duration(now > u->last_handshake ?
				      now - u->last_handshake : 0,
				      db, sizeof(db)));
	return buf;
}

#define USER_FMT "%-16s %-44s %s\n"

struct user_list {
	unsigned long rows;
	int slot;
};

static void user_list_begin(struct user_list *c)
{
	if (c->rows++)
		return;
	if (opts.json)
		json_stream_begin();
	else
		printf(USER_FMT, c->slot ? "NODE" : "USER", "PUBLIC-KEY",
		       "LAST-HANDSHAKE");
}

static int user_list_cb(const struct secmsg_user_info *u, void *arg)
{
	char b64[SECMSG_B64_LEN(SECMSG_X25519_LEN)], hb[2 * UNITS_BUF];

	user_list_begin(arg);
	if (opts.json)
		return json_stream_item(user_json(u)) ? -ENOMEM : 0;
	secmsg_base64_encode(u->public_key, SECMSG_X25519_LEN, b64);
	printf(USER_FMT, u->user_id, b64, last_hs(u, hb, sizeof(hb)));
	return 0;
}

/* The user's public key from "key-file FILE" or "public-key KEY". */
static int parse_pubkey(int argc, char **argv, int i,
			uint8_t pub[SECMSG_X25519_LEN])
{
	enum key_format fmt;
	const char *val, *why = "";
	char errbuf[512];
	int kw;

	if (i >= argc)
		return usage_err("user add: needs key-file FILE or public-key KEY");
	kw = kw_match(argv[i], pubkey_args, ARRAY_SIZE(pubkey_args),
		      "argument");
	if (kw < 0)
		return EXIT_USAGE;
	val = arg_value(argc, argv, &i);
	if (!val)
		return EXIT_USAGE;
	if (i + 1 < argc)
		return usage_err("user add: unexpected argument \"%s\"",
				 argv[i + 1]);
	if (kw == K_KEYFILE) {
		if (key_read_file(val, pub, false, errbuf, sizeof(errbuf))) {
			msg("%s", errbuf);
			return EXIT_FAIL;
		}
		return 0;
	}
	/* inline: hex or base64 only (32 raw bytes cannot be typed) */
	if (strlen(val) == SECMSG_X25519_LEN ||
	    key_parse((const uint8_t *)val, strlen(val), pub, &fmt, &why)) {
		msg("public-key \"%s\": %s", val, *why ? why :
		    "expected 64 hex digits or base64 of 32 bytes");
		return EXIT_USAGE;
	}
	return 0;
}

int do_user(int argc, char **argv)
{
	struct secmsg_user_info u;
	uint8_t pub[SECMSG_X25519_LEN];
	struct user_list c = { 0 };
	const struct hint *hints;
	struct secmsg_nl *nl;
	const char *name = NULL;
	int cmd = U_LIST, err, slot = SECMSG_IDENTITY_SLOT_SERVER;

	if (argc) {
		cmd = kw_match(argv[0], user_cmds, ARRAY_SIZE(user_cmds),
			       "user command");
		if (cmd < 0)
			return EXIT_USAGE;
	}
	/* "slot" after the command word, and after its USER */
	err = cmd == U_HELP ? 0 : take_slot(&argc, argv, cmd == U_LIST ? 1 : 2,
					    &slot, NULL);
	if (err)
		return err;
	c.slot = slot;
	hints = slot ? node_hints : user_hints;
	switch (cmd) {
	case U_HELP:
		usage_user(stdout);
		return 0;
	case U_LIST:
		if (argc > 1)
			return usage_err("user list: unexpected argument \"%s\"",
					 argv[1]);
		break;
	default:
		if (argc < 2)
			return usage_err("user %s: missing USER", argv[0]);
		name = argv[1];
		if (!user_id_ok(name))
			return usage_err("invalid user \"%s\" (1 to %d of A-Z a-z 0-9 . _ @ -, not starting with . or -)",
					 name, SECMSG_USER_ID_MAX);
		if (cmd == U_ADD) {
			err = parse_pubkey(argc, argv, 2, pub);
			if (err)
				return err;
		} else if (argc > 2) {
			return usage_err("user %s: unexpected argument \"%s\"",
					 argv[0], argv[2]);
		}
	}
	err = ctl_open(&nl);
	if (err)
		return err;
	memset(&u, 0, sizeof(u));
	switch (cmd) {
	case U_LIST:
		err = secmsg_user_dump_slot(nl, slot, user_list_cb, &c);
		if (!err && !c.rows)
			user_list_begin(&c);
		if (opts.json && c.rows)
			json_stream_end();
		fflush(stdout);
		if (err)
			err = nl_fail(nl, err, hints, "user list");
		break;
	case U_SHOW:
		err = secmsg_user_get_slot(nl, slot, name, &u);
		if (err)
			err = nl_fail(nl, err, hints, "user %s", name);
		break;
	case U_ADD:
		err = secmsg_user_add_slot(nl, slot, name, pub);
		if (err)
			err = nl_fail(nl, err, hints, "user %s", name);
		break;
	case U_DEL:
		err = secmsg_user_del_slot(nl, slot, name);
		if (err)
			err = nl_fail(nl, err, hints, "user %s", name);
		break;
	}
	secmsg_nl_close(nl);
	if (err || cmd == U_LIST)
		return err;
	if (cmd == U_SHOW) {
		char b64[SECMSG_B64_LEN(SECMSG_X25519_LEN)], hb[2 * UNITS_BUF];

		if (opts.json)
			return json_print(user_json(&u));
		secmsg_base64_encode(u.public_key, SECMSG_X25519_LEN, b64);
		printf("%-16s %s\n", slot ? "node" : "user", u.user_id);
		printf("%-16s %s\n", "public-key", b64);
		printf("%-16s %s\n", "last-handshake", last_hs(&u, hb, sizeof(hb)));
		return 0;
	}
	if (opts.json) {
		cJSON *o = cJSON_CreateObject();

		if (o) {
			cJSON_AddStringToObject(o, "user", name);
			cJSON_AddBoolToObject(o, cmd == U_ADD ? "added" :
					      "deleted", 1);
		}
		return json_print(o);
	}
	return 0;
}
