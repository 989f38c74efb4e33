// SPDX-License-Identifier: GPL-2.0 OR MIT
/* secmsgctl: error messages, hints, namespaces, keyword matching */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "secmsgctl.h"

void msg(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("secmsgctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int usage_err(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("secmsgctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (try 'secmsgctl -h')\n", stderr);
	return EXIT_USAGE;
}

static const struct hint generic_hints[] = {
	{ -EPERM, "permission denied: secmsgctl needs CAP_NET_ADMIN" },
	{ -EACCES, "permission denied: secmsgctl needs CAP_NET_ADMIN" },
	{ -EOPNOTSUPP, "not supported by this kernel module" },
	{ 0, NULL }
};

static const char *hint_for(const struct hint *h, int err)
{
	for (; h && h->text; h++)
		if (h->err == err)
			return h->text;
	return NULL;
}

int nl_fail(struct secmsg_nl *nl, int err, const struct hint *hints,
	    const char *fmt, ...)
{
	const char *what = hint_for(hints, err);
	const char *ext = nl ? secmsg_nl_errmsg(nl) : NULL;
	va_list ap;

	if (!what)
		what = hint_for(generic_hints, err);
	if (!what)
		what = strerror(-err);
	fflush(stdout);
	fputs("secmsgctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s", what);
	if (ext && *ext && strcmp(ext, what))
		fprintf(stderr, " (kernel: %s)", ext);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

int ctl_open(struct secmsg_nl **nl)
{
	static const struct hint h[] = {
		{ -ENOENT, "secmsg module not loaded (modprobe secmsg / insmod secmsg.ko)" },
		{ 0, NULL }
	};
	int err = secmsg_nl_open(nl);

	if (err == -ENOENT) {
		*nl = NULL;
		msg("%s", h[0].text);
		return EXIT_FAIL;
	}
	if (err) {
		*nl = NULL;
		return nl_fail(NULL, err, h, "cannot open the secmsg netlink family");
	}
	return 0;
}

int ctl_enter_netns(void)
{
	char path[4096];
	int fd;

	if (!opts.netns)
		return 0;
	if (!*opts.netns || strchr(opts.netns, '/')) {
		/* like ip -n: a name under /run/netns, not a path */
		msg("invalid network namespace name \"%s\"", opts.netns);
		return EXIT_USAGE;
	}
	snprintf(path, sizeof(path), "/run/netns/%s", opts.netns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		msg("cannot open network namespace \"%s\": %s", opts.netns,
		    strerror(errno));
		return EXIT_FAIL;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		msg("cannot enter network namespace \"%s\": %s", opts.netns,
		    strerror(errno));
		close(fd);
		return EXIT_FAIL;
	}
	close(fd);
	return 0;
}

int kw_match(const char *word, const struct kw *tab, size_t n,
	     const char *what)
{
	char cand[512];
	int id = kw_lookup(word, tab, n);

	if (id >= 0)
		return id;
	if (id == KW_AMBIGUOUS) {
		kw_candidates(word, tab, n, cand, sizeof(cand));
		usage_err("ambiguous %s \"%s\": could be %s", what, word, cand);
	} else {
		kw_candidates(NULL, tab, n, cand, sizeof(cand));
		usage_err("unknown %s \"%s\" (expected one of: %s)", what, word,
			  cand);
	}
	return -1;
}

int alg_parse(const char *name)
{
	struct kw tab[SECMSG_ALG_MAX];
	char norm[64], cand[256];
	size_t n = 0, i;
	int id;

	for (int a = 1; a <= SECMSG_ALG_MAX; a++) {
		const char *nm = secmsg_alg_name(a);

		if (nm)
			tab[n++] = (struct kw){ .name = nm, .id = a };
	}
	/* accept '-' for '_' (aes-256-gcm) and any case */
	for (i = 0; name[i] && i < sizeof(norm) - 1; i++)
		norm[i] = name[i] == '-' ? '_' :
			  (name[i] >= 'A' && name[i] <= 'Z') ?
				(char)(name[i] - 'A' + 'a') : name[i];
	norm[i] = '\0';
	id = name[i] ? KW_NONE : kw_lookup(norm, tab, n);
	if (id > 0)
		return id;
	if (id == KW_AMBIGUOUS) {
		kw_candidates(norm, tab, n, cand, sizeof(cand));
		usage_err("ambiguous algorithm \"%s\": could be %s", name,
			  cand);
	} else {
		kw_candidates(NULL, tab, n, cand, sizeof(cand));
		msg("unknown algorithm \"%s\" (valid: %s)", name, cand);
	}
	return 0;
}

const char *arg_value(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc) {
		usage_err("\"%s\" needs a value", argv[*i]);
		return NULL;
	}
	return argv[++*i];
}

bool is_help(const char *word)
{
	return !strcmp(word, "help") || !strcmp(word, "-h") ||
	       !strcmp(word, "--help");
}
