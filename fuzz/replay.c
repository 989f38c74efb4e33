// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The replay of a fuzz target's inputs as a host test: fuzz/NAME/replay
 * runs LLVMFuzzerTestOneInput() on every file of fuzz/NAME/corpus/ (the
 * seeds) and fuzz/NAME/regressions/ (every input that once crashed the
 * target), each in a child process, and prints one TAP line per file:
 * ok when the child exits 0, not ok when a check or a sanitizer aborted
 * it or (in -san builds) found a leak.  The folder is the one the program lives in; files given on the
 * command line are replayed instead.
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"
#include "tests/tap.h"

__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static int read_file(const char *path, uint8_t **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0, got;
	uint8_t *b = malloc(cap), *nb;

	if (!f || !b) {
		if (f)
			fclose(f);
		free(b);
		return -1;
	}
	while ((got = fread(b + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			nb = realloc(b, cap * 2);
			if (!nb) {
				free(b);
				fclose(f);
				return -1;
			}
			b = nb;
			cap *= 2;
		}
	}
	fclose(f);
	*buf = b;
	*len = n;
	return 0;
}

/* Run the target on one file in a child: true when it returned. */
static bool replay_one(const char *path)
{
	uint8_t *buf;
	size_t len;
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return false;
	if (!pid) {
		if (read_file(path, &buf, &len)) {
			fprintf(stderr, "%s: %s\n", path, strerror(errno));
			_exit(2);
		}
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
		exit(0);	/* atexit: the leak check of -san builds */
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return false;
	if (WIFSIGNALED(st))
		diag("%s: killed by signal %d", path, WTERMSIG(st));
	else if (WEXITSTATUS(st))
		diag("%s: exit status %d", path, WEXITSTATUS(st));
	return WIFEXITED(st) && !WEXITSTATUS(st);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Replay every regular file of dir/sub; returns how many. */
static int replay_dir(const char *dir, const char *sub)
{
	char path[PATH_MAX];
	struct dirent **names;
	struct stat st;
	int i, n, count = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	n = scandir(path, &names, NULL, by_name);
	if (n < 0)
		return 0;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s/%s", dir, sub,
			 names[i]->d_name);
		if (!stat(path, &st) && S_ISREG(st.st_mode) &&
		    names[i]->d_name[0] != '.') {
			ok(replay_one(path), "%s", path);
			count++;
		}
		free(names[i]);
	}
	free(names);
	return count;
}

int main(int argc, char **argv)
{
	char self[PATH_MAX];
	const char *dir;
	int i;

	LLVMFuzzerInitialize(&argc, &argv);
	if (argc > 1) {
		for (i = 1; i < argc; i++)
			ok(replay_one(argv[i]), "%s", argv[i]);
		return done();
	}
	snprintf(self, sizeof(self), "%s", argv[0]);
	dir = dirname(self);
	if (!replay_dir(dir, "corpus"))
		ok(false, "%s/corpus: no seed inputs", dir);
	diag("%d regression inputs", replay_dir(dir, "regressions"));
	return done();
}
