/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* secmsgctl: shared declarations */
#ifndef SECMSGCTL_H
#define SECMSGCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <cjson/cJSON.h>

#include "parse.h"
#include "secmsg/nl.h"

#define SECMSGCTL_VERSION SECMSG_VERSION	/* from the Makefile */

/* Exit statuses */
#define EXIT_OK		0
#define EXIT_FAIL	1	/* the operation failed */
#define EXIT_USAGE	2	/* bad command line */

struct ctl_opts {
	bool json, pretty, exact;
	const char *netns;
};
extern struct ctl_opts opts;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ctl.c: errors, hints, keyword matching with messages */
struct hint {
	int err;		/* negative errno */
	const char *text;
};

void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * One line "secmsgctl: CONTEXT: WHAT[: kernel extack]" for a failed
 * library call; WHAT is the first matching hint (hints may be NULL),
 * a generic hint (permission, module) or strerror.  Returns EXIT_FAIL.
 */
int nl_fail(struct secmsg_nl *nl, int err, const struct hint *hints,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* secmsg_nl_open with the "module not loaded" hint; 0 or EXIT_FAIL. */
int ctl_open(struct secmsg_nl **nl);
/* Enter opts.netns (if set); 0 or EXIT_FAIL. */
int ctl_enter_netns(void);
/*
 * Match word against tab (what names the kind of keyword for messages):
 * the id, or -1 after printing "unknown" / "ambiguous, candidates".
 */
int kw_match(const char *word, const struct kw *tab, size_t n,
	     const char *what);
/* The algorithm a name (or unambiguous prefix) selects, or 0 after an
 * error listing the valid names. */
int alg_parse(const char *name);
/* argv[*i + 1] as the value of keyword argv[*i], or NULL after an error. */
const char *arg_value(int argc, char **argv, int *i);
bool is_help(const char *word);

/* output.c */
const char *state_name(int state);
const char *event_name(int event);
const char *reason_name(int reason);
/* name (left-aligned in width) and a count, with its units past 999 */
void print_count(int width, const char *name, uint64_t v);
void json_add_u64(cJSON *obj, const char *name, uint64_t v);
void json_add_id(cJSON *obj, const char *name, uint64_t id);
/* Print a whole document (pretty with -p), then delete it. */
int json_print(cJSON *doc);
/* A JSON array streamed one element at a time. */
void json_stream_begin(void);
int json_stream_item(cJSON *item);	/* deletes item */
void json_stream_end(void);
cJSON *session_json(const struct secmsg_session_info *s);
void session_print_show(const struct secmsg_session_info *s);
void session_list_header(void);
void session_list_row(const struct secmsg_session_info *s);

/* commands */
int do_session(int argc, char **argv);
int do_monitor(int argc, char **argv);
int do_stats(int argc, char **argv);
int do_crypt(int op, int argc, char **argv);
int do_identity(int argc, char **argv);
int do_user(int argc, char **argv);

void usage_session(FILE *f);
void usage_monitor(FILE *f);
void usage_stats(FILE *f);
void usage_crypt(FILE *f);
void usage_identity(FILE *f);
void usage_user(FILE *f);

#endif
