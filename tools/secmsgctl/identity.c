// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * secmsgctl identity / user: the server's X25519 identity and the users
 * allowed to handshake (SECMSG_CMD_IDENTITY_*, SECMSG_CMD_USER_*).
 *
 * libsecmsg has no calls for these commands yet, and secmsgctl does not
 * speak netlink itself: after the command line is checked these fail with
 * a clear message instead of pretending.
 */
#include <stdio.h>
#include <string.h>

#include "secmsgctl.h"

enum { I_SHOW, I_SET, I_GENERATE, I_HELP };
enum { U_LIST, U_SHOW, U_ADD, U_DEL, U_HELP };

static const struct kw identity_cmds[] = {
	{ "show", I_SHOW }, { "set", I_SET }, { "generate", I_GENERATE },
	{ "help", I_HELP },
};

static const struct kw user_cmds[] = {
	{ "list", U_LIST }, { "ls", U_LIST, true }, { "show", U_SHOW },
	{ "add", U_ADD }, { "del", U_DEL }, { "delete", U_DEL, true },
	{ "help", U_HELP },
};

static const struct kw keyfile_arg[] = { { "key-file", 0 } };

#define NOT_SUPPORTED \
	"not supported yet by secmsgctl (libsecmsg has no identity/user calls)"

void usage_identity(FILE *f)
{
	fputs("usage: secmsgctl [OPTIONS] identity { show | generate | set key-file FILE }\n", f);
}

void usage_user(FILE *f)
{
	fputs("usage: secmsgctl [OPTIONS] user { list | show USER | del USER }\n"
	      "       secmsgctl [OPTIONS] user add USER key-file FILE\n", f);
}

/* "key-file FILE" and nothing else, starting at argv[i]. */
static int want_keyfile(const char *cmd, int argc, char **argv, int i)
{
	if (i >= argc)
		return usage_err("%s: needs key-file FILE", cmd);
	if (kw_match(argv[i], keyfile_arg, 1, "argument") < 0)
		return EXIT_USAGE;
	if (!arg_value(argc, argv, &i))
		return EXIT_USAGE;
	if (i + 1 < argc)
		return usage_err("%s: unexpected argument \"%s\"", cmd,
				 argv[i + 1]);
	return 0;
}

static int unsupported(const char *what)
{
	msg("%s: %s", what, NOT_SUPPORTED);
	return EXIT_FAIL;
}

int do_identity(int argc, char **argv)
{
	int cmd = argc ? kw_match(argv[0], identity_cmds,
				  ARRAY_SIZE(identity_cmds),
				  "identity command") : I_SHOW;

	switch (cmd) {
	case I_HELP:
		usage_identity(stdout);
		return 0;
	case I_SHOW:
		if (argc > 1)
			return usage_err("identity show: unexpected argument \"%s\"",
					 argv[1]);
		return unsupported("identity show");
	case I_SET:
		if (want_keyfile("identity set", argc, argv, 1))
			return EXIT_USAGE;
		return unsupported("identity set");
	case I_GENERATE:
		if (argc > 1)
			return usage_err("identity generate: unexpected argument \"%s\"",
					 argv[1]);
		return unsupported("identity generate");
	default:
		return EXIT_USAGE;
	}
}

int do_user(int argc, char **argv)
{
	int cmd = argc ? kw_match(argv[0], user_cmds, ARRAY_SIZE(user_cmds),
				  "user command") : U_LIST;

	switch (cmd) {
	case U_HELP:
		usage_user(stdout);
		return 0;
	case U_LIST:
		if (argc > 1)
			return usage_err("user list: unexpected argument \"%s\"",
					 argv[1]);
		return unsupported("user list");
	case U_SHOW:
	case U_DEL:
	case U_ADD:
		if (argc < 2)
			return usage_err("user %s: missing USER", argv[0]);
		if (cmd == U_ADD) {
			if (want_keyfile("user add", argc, argv, 2))
				return EXIT_USAGE;
		} else if (argc > 2) {
			return usage_err("user %s: unexpected argument \"%s\"",
					 argv[0], argv[2]);
		}
		return unsupported(cmd == U_ADD ? "user add" :
				   cmd == U_DEL ? "user del" : "user show");
	default:
		return EXIT_USAGE;
	}
}
