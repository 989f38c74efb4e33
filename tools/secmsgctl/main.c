// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * secmsgctl: control and inspection of secmsg.ko
 *
 *   secmsgctl [OPTIONS] OBJECT [COMMAND [ARGUMENTS]]
 *
 * Keywords may be shortened to any unambiguous prefix.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "secmsgctl.h"

struct ctl_opts opts;

enum { O_SESSION, O_MONITOR, O_STATS, O_ENCRYPT, O_DECRYPT, O_IDENTITY,
       O_USER, O_HELP };

static const struct kw objects[] = {
	{ "session", O_SESSION },
	{ "s", O_SESSION, true },	/* "s" alone: session, not stats */
	{ "monitor", O_MONITOR },
	{ "stats", O_STATS },
	{ "encrypt", O_ENCRYPT },
	{ "decrypt", O_DECRYPT },
	{ "identity", O_IDENTITY },
	{ "user", O_USER },
	{ "help", O_HELP },
};

static void usage(FILE *f)
{
	fputs("usage: secmsgctl [OPTIONS] OBJECT [COMMAND [ARGUMENTS]]\n"
	      "OBJECT := { session | monitor | stats | encrypt | decrypt |\n"
	      "            identity | user | help }\n"
	      "OPTIONS := { -j[son] | -p[retty] | -e[xact] | -n[etns] NAME |\n"
	      "             -h[elp] | -V[ersion] }\n"
	      "  -j, --json        JSON output (monitor: one object per line)\n"
	      "  -p, --pretty      indented JSON (implies --json)\n"
	      "  -e, --exact       exact numbers and seconds instead of 1.2K, 3.4MiB, 2h5m\n"
	      "  -n, --netns NAME  act in network namespace /run/netns/NAME\n"
	      "  -h, --help        this help\n"
	      "  -V, --version     print the version\n"
	      "Keywords may be abbreviated to any unambiguous prefix (s = session).\n\n",
	      f);
	usage_session(f);
	fputc('\n', f);
	usage_monitor(f);
	fputc('\n', f);
	usage_stats(f);
	fputc('\n', f);
	usage_crypt(f);
	fputc('\n', f);
	usage_identity(f);
	usage_user(f);
	fputs("\nSee secmsgctl(8).\n", f);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "exact", no_argument, NULL, 'e' },
		{ "netns", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c, obj, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+jpen:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opts.json = true;
			break;
		case 'p':
			opts.json = opts.pretty = true;
			break;
		case 'e':
			opts.exact = true;
			break;
		case 'n':
			opts.netns = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("secmsgctl %s (secmsg genl family version %d)\n",
			       SECMSGCTL_VERSION, SECMSG_GENL_VERSION);
			return 0;
		default:
			if (optopt == 'n')
				return usage_err("option -n/--netns needs a NAME");
			if (optopt)
				return usage_err("unknown option -%c", optopt);
			return usage_err("unknown option %s", argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	obj = kw_match(argv[0], objects, ARRAY_SIZE(objects), "object");
	if (obj < 0)
		return EXIT_USAGE;
	if (obj == O_HELP) {
		usage(stdout);
		return 0;
	}
	ret = ctl_enter_netns();
	if (ret)
		return ret;
	argc--;
	argv++;
	switch (obj) {
	case O_SESSION:
		return do_session(argc, argv);
	case O_MONITOR:
		return do_monitor(argc, argv);
	case O_STATS:
		return do_stats(argc, argv);
	case O_ENCRYPT:
		return do_crypt(SECMSG_CRYPT_ENCRYPT, argc, argv);
	case O_DECRYPT:
		return do_crypt(SECMSG_CRYPT_DECRYPT, argc, argv);
	case O_IDENTITY:
		return do_identity(argc, argv);
	default:
		return do_user(argc, argv);
	}
}
