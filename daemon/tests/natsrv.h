/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Host tests: a real nats-server of their own, on 127.0.0.1, a free port,
 * its JetStream store and log under the test's temp dir, killed at the
 * end.  One translation unit per test, so the state is static.
 */
#ifndef SECMSGD_TESTS_NATSRV_H
#define SECMSGD_TESTS_NATSRV_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct natsrv {
	pid_t pid;
	int port;
	char dir[300];		/* its store and log */
	char url[64];
};

static char natsrv_tmp[200];

static inline long long natsrv_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* The nats-server program: $NATS_SERVER, or on PATH, or /usr/sbin. */
static inline const char *natsrv_program(void)
{
	static char path[512];
	const char *env = getenv("NATS_SERVER");
	const char *dirs[] = { "/usr/sbin", "/usr/bin", "/usr/local/bin",
			       "/usr/local/sbin" };
	char *p, *save = NULL, *tok;
	size_t i;

	if (env && *env)
		return access(env, X_OK) ? NULL : env;
	p = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	for (tok = p ? strtok_r(p, ":", &save) : NULL; tok;
	     tok = strtok_r(NULL, ":", &save)) {
		snprintf(path, sizeof(path), "%s/nats-server", tok);
		if (!access(path, X_OK)) {
			free(p);
			return path;
		}
	}
	free(p);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/nats-server", dirs[i]);
		if (!access(path, X_OK))
			return path;
	}
	return NULL;
}

/* A TCP port on 127.0.0.1 that nobody listens on right now. */
static inline int natsrv_free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = -1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof(a)) &&
	    !getsockname(fd, (struct sockaddr *)&a, &len))
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static inline bool natsrv_listening(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool up;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	up = fd >= 0 && !connect(fd, (struct sockaddr *)&a, sizeof(a));
	if (fd >= 0)
		close(fd);
	return up;
}

/* The test's temp dir (made once, removed by natsrv_cleanup()). */
static inline const char *natsrv_tmpdir(void)
{
	const char *base = getenv("TMPDIR");

	if (!natsrv_tmp[0]) {
		snprintf(natsrv_tmp, sizeof(natsrv_tmp), "%s/secmsg-nats.XXXXXX",
			 base && *base ? base : "/tmp");
		if (!mkdtemp(natsrv_tmp)) {
			perror("mkdtemp");
			exit(1);
		}
	}
	return natsrv_tmp;
}

/*
 * Start a server on port (0: a free one) with its store in s->dir
 * (kept across restarts); js: JetStream on.  0, or -1 (diag'd).
 */
static inline int natsrv_start(struct natsrv *s, int port, bool js)
{
	const char *prog = natsrv_program();
	char portstr[16], sd[320], log[320];
	long long until;
	pid_t pid;

	if (!prog)
		return -1;
	if (!s->dir[0]) {
		static int n;

		snprintf(s->dir, sizeof(s->dir), "%s/srv%d", natsrv_tmpdir(),
			 n++);
		mkdir(s->dir, 0700);
	}
	s->port = port ? port : natsrv_free_port();
	snprintf(s->url, sizeof(s->url), "nats://127.0.0.1:%d", s->port);
	snprintf(portstr, sizeof(portstr), "%d", s->port);
	snprintf(sd, sizeof(sd), "%s/js", s->dir);
	snprintf(log, sizeof(log), "%s/log", s->dir);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		int fd = open("/dev/null", O_RDWR);

		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		if (js)
			execl(prog, prog, "-a", "127.0.0.1", "-p", portstr,
			      "-js", "-sd", sd, "-l", log, (char *)NULL);
		else
			execl(prog, prog, "-a", "127.0.0.1", "-p", portstr,
			      "-l", log, (char *)NULL);
		_exit(127);
	}
	s->pid = pid;
	/* generous: the machine may be busy */
	until = natsrv_ms() + 20000;
	while (natsrv_ms() < until) {
		int st;

		if (natsrv_listening(s->port))
			return 0;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			s->pid = 0;
			return -1;
		}
		usleep(20000);
	}
	return -1;
}

/* Stop it: sig SIGKILL (a crash) or SIGTERM; waits for the exit. */
static inline void natsrv_stop(struct natsrv *s, int sig)
{
	if (s->pid <= 0)
		return;
	kill(s->pid, sig);
	waitpid(s->pid, NULL, 0);
	s->pid = 0;
}

static inline int natsrv_rm(const char *path, const struct stat *st,
			    int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline void natsrv_cleanup(void)
{
	if (natsrv_tmp[0])
		nftw(natsrv_tmp, natsrv_rm, 16, FTW_DEPTH | FTW_PHYS);
	natsrv_tmp[0] = '\0';
}

#endif
