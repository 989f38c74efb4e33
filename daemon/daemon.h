/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * secmsgd's process-wide state.  One thread, one lws event loop: nothing
 * here is locked.
 */
#ifndef SECMSGD_DAEMON_H
#define SECMSGD_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "metrics.h"
#include "ratelimit.h"
#include "table.h"

struct conn;
struct lws_context;
struct lws_vhost;

/* A user with at least one authenticated connection. */
struct user {
	char name[SECMSG_USER_ID_MAX + 1];
	struct conn *conns;		/* ready connections, newest first */
	unsigned int nconns;
	struct bucket bucket;		/* user_rate / user_burst */
};

/* A command-line override: re-applied over the file on every reload. */
struct override {
	const char *key;
	const char *value;
};

struct daemon {
	struct config cfg;
	const char *config_path;	/* NULL: no file */
	struct override *ovr;
	size_t novr;

	struct lws_context *ctx;
	struct lws_vhost *ws_vh, *metrics_vh;

	struct conn *conns;		/* every connection */
	uint64_t nconns, nready;
	uint64_t next_cid;
	struct table by_cid;		/* cid -> conn */
	struct table by_session;	/* kernel session id -> conn */
	struct table users;		/* name -> struct user (online) */

	char **file_users;		/* users loaded from cfg.users */
	size_t nfile_users;

	struct metrics m;
	bool stopping;			/* SIGTERM: closing everyone */
	uint64_t stop_deadline;
	bool quit;
	bool destroying;		/* lws_context_destroy() runs */
};

extern struct daemon D;

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t now_ns(void);

/* Apply config file + overrides into a fresh config (reload). */
int daemon_load_config(struct config *out, char *err, size_t errlen);

#endif
