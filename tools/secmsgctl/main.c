// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * secmsgctl: control and inspection of secmsg.ko
 *
 *   secmsgctl [OPTIONS] OBJECT [COMMAND [ARGUMENTS]]
 *
 * Keywords may be shortened to any unambiguous prefix.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
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
	      "             -b[atch] FILE | -h[elp] | -V[ersion] }\n"
	      "  -j, --json        JSON output (monitor: one object per line)\n"
	      "  -p, --pretty      indented JSON (implies --json)\n"
	      "  -e, --exact       exact numbers and seconds instead of 1.2K, 3.4MiB, 2h5m\n"
	      "  -n, --netns NAME  act in network namespace /run/netns/NAME\n"
	      "  -b, --batch FILE  run the commands in FILE (- for stdin), one a line\n"
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

/* One command line: OBJECT [COMMAND [ARGUMENTS]]. */
static int run_object(int argc, char **argv)
{
	int obj = kw_match(argv[0], objects, ARRAY_SIZE(objects), "object");

	if (obj < 0)
		return EXIT_USAGE;
	argc--;
	argv++;
	switch (obj) {
	case O_HELP:
		usage(stdout);
		return 0;
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

/*
 * -b FILE: one command a line, words separated by blanks; empty lines and
 * lines starting with # are skipped.  Stops at the first failing command
 * and returns its status.
 */
static int run_batch(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	char *line = NULL, *words[256];
	unsigned long lineno = 0;
	size_t cap = 0;
	int ret = 0;

	if (!f) {
		msg("cannot open batch file %s: %s", path, strerror(errno));
		return EXIT_FAIL;
	}
	while (getline(&line, &cap, f) > 0) {
		char *save = NULL, *w;
		int n = 0;

		lineno++;
		for (w = strtok_r(line, " \t\r\n", &save); w;
		     w = strtok_r(NULL, " \t\r\n", &save)) {
			if (n == (int)ARRAY_SIZE(words) - 1) {
				msg("batch %s:%lu: too many words", path,
				    lineno);
				ret = EXIT_USAGE;
				goto out;
			}
			words[n++] = w;
		}
		words[n] = NULL;
		if (!n || words[0][0] == '#')
			continue;
		ret = run_object(n, words);
		fflush(stdout);
		if (ret) {
			msg("batch %s:%lu: command failed", path, lineno);
			goto out;
		}
	}
	if (ferror(f)) {
		msg("reading batch file %s: %s", path, strerror(errno));
		ret = EXIT_FAIL;
	}
out:
	free(line);
	if (f != stdin)
		fclose(f);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "exact", no_argument, NULL, 'e' },
		{ "netns", required_argument, NULL, 'n' },
		{ "batch", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *batch = NULL;
	int c, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+jpen:b:hV", longopts, NULL)) != -1) {
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
		case 'b':
			batch = optarg;
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
			if (optopt == 'b')
				return usage_err("option -b/--batch needs a FILE");
			if (optopt)
				return usage_err("unknown option -%c", optopt);
			return usage_err("unknown option %s", argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if (batch && argc > 0)
		return usage_err("-b/--batch takes no OBJECT (\"%s\")", argv[0]);
	if (!batch && argc < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	ret = ctl_enter_netns();
	if (ret)
		return ret;
	return batch ? run_batch(batch) : run_object(argc, argv);
}
