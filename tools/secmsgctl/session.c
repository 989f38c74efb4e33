// SPDX-License-Identifier: GPL-2.0 OR MIT
/* secmsgctl session: list, show, new, del, rotate, set */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "keyfile.h"
#include "secmsg/wire.h"
#include "secmsgctl.h"

enum { S_LIST, S_SHOW, S_NEW, S_DEL, S_ROTATE, S_SET, S_HELP };

static const struct kw session_cmds[] = {
	{ "list", S_LIST }, { "ls", S_LIST, true },
	{ "show", S_SHOW },
	{ "new", S_NEW }, { "add", S_NEW, true },
	{ "del", S_DEL }, { "delete", S_DEL, true },
	{ "rotate", S_ROTATE },
	{ "set", S_SET },
	{ "help", S_HELP },
};

enum { A_USER, A_ALG, A_KEYFILE, A_OWNED, A_ROTATE, A_MAXMSG, A_TIMEOUT,
       A_IDLE, A_GRACE };

static const struct kw new_args[] = {
	{ "user", A_USER }, { "alg", A_ALG }, { "key-file", A_KEYFILE },
	{ "owned", A_OWNED }, { "rotate-interval", A_ROTATE },
	{ "max-messages", A_MAXMSG }, { "timeout", A_TIMEOUT },
	{ "idle-timeout", A_IDLE }, { "grace", A_GRACE },
};

static const struct kw set_args[] = {
	{ "alg", A_ALG }, { "rotate-interval", A_ROTATE },
	{ "max-messages", A_MAXMSG }, { "timeout", A_TIMEOUT },
	{ "idle-timeout", A_IDLE }, { "grace", A_GRACE },
};

static const struct hint session_hints[] = {
	{ -ENOENT, "no such session" },
	{ -ENOSPC, "too many sessions in this namespace (max_sessions)" },
	{ 0, NULL }
};

void usage_session(FILE *f)
{
	fputs("usage: secmsgctl [OPTIONS] session { list | show ID | del ID | rotate ID }\n"
	      "       secmsgctl [OPTIONS] session new user USER alg ALG key-file FILE [POLICY] [owned]\n"
	      "       secmsgctl [OPTIONS] session set ID [alg ALG] [POLICY]\n"
	      "POLICY := [rotate-interval SECS] [max-messages N] [timeout SECS]\n"
	      "          [idle-timeout SECS] [grace SECS]\n"
	      "SECS: seconds or a duration such as 90s, 5m, 1h30m, 2d; 0 disables\n"
	      "N: a count, optionally with K, M, G (x1000) or Ki, Mi, Gi (x1024)\n",
	      f);
}

static int parse_id_arg(const char *s, uint64_t *id)
{
	if (parse_session_id(s, id)) {
		usage_err("invalid session id \"%s\" (1 to 16 hex digits, nonzero)",
			  s);
		return -1;
	}
	return 0;
}

/* One policy keyword's value into pol; 0 or EXIT_USAGE. */
static int policy_arg(int kw, const char *name, const char *val,
		      struct secmsg_policy *pol)
{
	uint32_t secs;
	uint64_t n;

	if (kw == A_MAXMSG) {
		if (parse_count(val, &n))
			return usage_err("invalid %s \"%s\" (a count such as 1000000 or 1Mi)",
					 name, val);
		pol->has_max_messages = true;
		pol->max_messages = n;
		return 0;
	}
	if (parse_duration(val, &secs))
		return usage_err("invalid %s \"%s\" (seconds, or a duration such as 90s, 5m, 1h30m)",
				 name, val);
	switch (kw) {
	case A_ROTATE:
		pol->has_rotate_interval = true;
		pol->rotate_interval = secs;
		break;
	case A_TIMEOUT:
		pol->has_timeout = true;
		pol->timeout = secs;
		break;
	case A_IDLE:
		pol->has_idle_timeout = true;
		pol->idle_timeout = secs;
		break;
	case A_GRACE:
		pol->has_rekey_grace = true;
		pol->rekey_grace = secs;
		break;
	}
	return 0;
}

struct list_ctx {
	unsigned long rows;
	int err;
};

static void list_begin(struct list_ctx *c)
{
	if (c->rows++)
		return;
	if (opts.json)
		json_stream_begin();
	else
		session_list_header();
}

static int list_cb(const struct secmsg_session_info *s, void *arg)
{
	struct list_ctx *c = arg;

	list_begin(c);
	if (opts.json) {
		c->err = json_stream_item(session_json(s));
		return c->err ? -ENOMEM : 0;
	}
	session_list_row(s);
	return 0;
}

static int cmd_list(int argc, char **argv)
{
	struct list_ctx c = { 0 };
	struct secmsg_nl *nl;
	int err;

	if (argc > 1)
		return usage_err("session list: unexpected argument \"%s\"",
				 argv[1]);
	err = ctl_open(&nl);
	if (err)
		return err;
	err = secmsg_session_dump(nl, list_cb, &c);
	if (!err && !c.rows)
		list_begin(&c);
	if (opts.json && c.rows)
		json_stream_end();
	fflush(stdout);
	if (c.err)
		err = c.err;
	else if (err)
		err = nl_fail(nl, err, session_hints, "session list");
	secmsg_nl_close(nl);
	return err;
}

static int print_session(const struct secmsg_session_info *s)
{
	if (opts.json)
		return json_print(session_json(s));
	session_print_show(s);
	return 0;
}

/* show, del, rotate: ID and nothing else */
static int cmd_id(int cmd, int argc, char **argv)
{
	struct secmsg_session_info s;
	struct secmsg_nl *nl;
	uint64_t id;
	int err;

	if (argc < 2)
		return usage_err("session %s: missing session ID", argv[0]);
	if (argc > 2)
		return usage_err("session %s: unexpected argument \"%s\"",
				 argv[0], argv[2]);
	if (parse_id_arg(argv[1], &id))
		return EXIT_USAGE;
	err = ctl_open(&nl);
	if (err)
		return err;
	memset(&s, 0, sizeof(s));
	switch (cmd) {
	case S_SHOW:
		err = secmsg_session_get(nl, id, &s);
		break;
	case S_DEL:
		err = secmsg_session_del(nl, id);
		break;
	default:
		err = secmsg_session_rotate(nl, id, &s);
		break;
	}
	if (err)
		err = nl_fail(nl, err, session_hints, "session %016" PRIx64,
			      id);
	secmsg_nl_close(nl);
	if (err)
		return err;
	if (cmd == S_SHOW)
		return print_session(&s);
	if (cmd == S_ROTATE) {
		if (opts.json)
			return json_print(session_json(&s));
		printf("%016" PRIx64 " epoch %u\n", s.id, s.epoch);
		return 0;
	}
	if (opts.json) {
		cJSON *o = cJSON_CreateObject();

		if (o) {
			json_add_id(o, "id", id);
			cJSON_AddBoolToObject(o, "deleted", 1);
		}
		return json_print(o);
	}
	return 0;
}

static int cmd_set(int argc, char **argv)
{
	struct secmsg_session_info s;
	struct secmsg_nl *nl;
	struct secmsg_policy pol = { 0 };
	uint64_t id;
	int alg = 0, err;

	if (argc < 2)
		return usage_err("session set: missing session ID");
	if (parse_id_arg(argv[1], &id))
		return EXIT_USAGE;
	if (argc < 3)
		return usage_err("session set: nothing to set (alg, rotate-interval, max-messages, timeout, idle-timeout, grace)");
	for (int i = 2; i < argc; i++) {
		const char *name = argv[i], *val;
		int kw = kw_match(name, set_args, ARRAY_SIZE(set_args),
				  "session set argument");

		if (kw < 0)
			return EXIT_USAGE;
		val = arg_value(argc, argv, &i);
		if (!val)
			return EXIT_USAGE;
		if (kw == A_ALG) {
			alg = alg_parse(val);
			if (!alg)
				return EXIT_USAGE;
		} else if (policy_arg(kw, name, val, &pol)) {
			return EXIT_USAGE;
		}
	}
	err = ctl_open(&nl);
	if (err)
		return err;
	memset(&s, 0, sizeof(s));
	err = secmsg_session_set(nl, id, alg, &pol, &s);
	if (err)
		err = nl_fail(nl, err, session_hints, "session %016" PRIx64,
			      id);
	secmsg_nl_close(nl);
	if (err)
		return err;
	if (opts.json)
		return json_print(session_json(&s));
	return 0;
}

static void derive_secret(const uint8_t key[SECMSG_KEY_LEN],
			  const char *label, uint8_t out[SECMSG_KEY_LEN])
{
	secmsg_hkdf_expand(key, (const uint8_t *)label, strlen(label), out,
			   SECMSG_KEY_LEN);
}

static int cmd_new(int argc, char **argv)
{
	struct secmsg_session_params p = { 0 };
	struct secmsg_session_info s;
	struct secmsg_nl *nl;
	uint8_t key[SECMSG_KEY_LEN], c2s[SECMSG_KEY_LEN], s2c[SECMSG_KEY_LEN];
	const char *keyfile = NULL;
	char errbuf[512];
	sigset_t sigs;
	int err, sig;

	for (int i = 1; i < argc; i++) {
		const char *name = argv[i], *val;
		int kw = kw_match(name, new_args, ARRAY_SIZE(new_args),
				  "session new argument");

		if (kw < 0)
			return EXIT_USAGE;
		if (kw == A_OWNED) {
			p.flags |= SECMSG_SESSION_F_OWNED;
			continue;
		}
		val = arg_value(argc, argv, &i);
		if (!val)
			return EXIT_USAGE;
		switch (kw) {
		case A_USER:
			if (!user_id_ok(val))
				return usage_err("invalid user \"%s\" (1 to %d of A-Z a-z 0-9 . _ @ -, not starting with . or -)",
						 val, SECMSG_USER_ID_MAX);
			p.user_id = val;
			break;
		case A_ALG:
			p.alg = alg_parse(val);
			if (!p.alg)
				return EXIT_USAGE;
			break;
		case A_KEYFILE:
			keyfile = val;
			break;
		default:
			if (policy_arg(kw, name, val, &p.policy))
				return EXIT_USAGE;
		}
	}
	if (!p.user_id || !p.alg || !keyfile)
		return usage_err("session new: needs user USER, alg ALG and key-file FILE");

	if (key_read_file(keyfile, key, true, errbuf, sizeof(errbuf))) {
		msg("%s", errbuf);
		return EXIT_FAIL;
	}
	derive_secret(key, "secmsgctl c2s", c2s);
	derive_secret(key, "secmsgctl s2c", s2c);
	explicit_bzero(key, sizeof(key));
	p.secret_c2s = c2s;
	p.secret_s2c = s2c;
	err = ctl_open(&nl);
	if (err) {
		explicit_bzero(c2s, sizeof(c2s));
		explicit_bzero(s2c, sizeof(s2c));
		return err;
	}

	/* An owned session lives as long as this process: wait for a signal. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	if (p.flags & SECMSG_SESSION_F_OWNED) {
		/* a background job of a script ignores SIGINT: undo that,
		 * the signals are blocked and taken by sigwait() */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		sigprocmask(SIG_BLOCK, &sigs, NULL);
	}

	memset(&s, 0, sizeof(s));
	err = secmsg_session_new(nl, &p, &s);
	explicit_bzero(c2s, sizeof(c2s));
	explicit_bzero(s2c, sizeof(s2c));
	if (err) {
		err = nl_fail(nl, err, session_hints, "session new");
	} else {
		if (opts.json)
			err = json_print(session_json(&s));
		else
			printf("%016" PRIx64 "\n", s.id);
		fflush(stdout);
		if (!err && (p.flags & SECMSG_SESSION_F_OWNED))
			sigwait(&sigs, &sig);
	}
	/* closing the socket deletes an owned session */
	secmsg_nl_close(nl);
	return err;
}

int do_session(int argc, char **argv)
{
	char *list_argv[] = { (char *)"list", NULL };
	int cmd = S_LIST;

	if (argc > 0) {
		cmd = kw_match(argv[0], session_cmds, ARRAY_SIZE(session_cmds),
			       "session command");
		if (cmd < 0)
			return EXIT_USAGE;
	} else {
		argc = 1;
		argv = list_argv;
	}
	switch (cmd) {
	case S_HELP:
		usage_session(stdout);
		return 0;
	case S_LIST:
		return cmd_list(argc, argv);
	case S_NEW:
		return cmd_new(argc, argv);
	case S_SET:
		return cmd_set(argc, argv);
	default:
		return cmd_id(cmd, argc, argv);
	}
}
