/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * secmsg-bench: throughput of secmsg.ko against AF_ALG (libkcapi) in the
 * same run, and per-session memory and op cost at scale.  Shared pieces.
 */
#ifndef SECMSG_BENCH_H
#define SECMSG_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <secmsg/nl.h>
#include <secmsg/wire.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_ROUNDS	100

struct bench_opts {
	double secs;		/* one timed run */
	double warm;		/* warm-up before each timed run */
	int rounds;		/* interleaved rounds (at most MAX_ROUNDS) */
	int batch;		/* ops per SECMSG_CMD_MSG_BATCH request, at most */
	unsigned long sessions;	/* scale: the largest session count */
	unsigned int threads;	/* scale: session-creating threads */
	double maint_secs;	/* scale: CPU watched with idle sessions */
	unsigned long hot;	/* scale: also ops on only this many sessions */
	int scale_alg;		/* scale: the sessions' algorithm */
	const char *maint_label;	/* --maint-only: the module measured */
	bool throughput, scale;
	unsigned int algs;	/* bit per enum secmsg_alg */
	size_t sizes[8];
	size_t nsizes;
};

extern struct bench_opts opts;

/* util.c */
double now_s(void);
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void rand_fill(void *buf, size_t len);
/* xorshift64*: the op mix, not keys */
uint64_t prng_next(uint64_t *s);
void *xmalloc(size_t n);
/* Median of n values (sorts v in place); 0 when n is 0. */
double median(double *v, int n);
void *xcalloc(size_t n, size_t size);
/* page-aligned, zeroed (AF_ALG vmsplice wants page alignment) */
void *xmalloc_pages(size_t n);

/* A session created through the library with random secrets; the
 * secrets' key schedules are kept for the nettle and AF_ALG sides. */
struct bench_session {
	uint64_t id;
	int alg;
	struct secmsg_dir_keys c2s, s2c;
	uint64_t c2s_next;	/* next fresh client-to-server sequence */
};

/* Policy for bench sessions: no rotation, no expiry during the run. */
void bench_params(struct secmsg_session_params *p, const char *user_id,
		  int alg, const uint8_t *c2s, const uint8_t *s2c);
void bench_session_new(struct secmsg_nl *nl, int alg, const char *user_id,
		       struct bench_session *s);
void bench_session_wipe(struct bench_session *s);
const char *errname(int err);	/* "EBADMSG" ... for negative errno too */

/*
 * A goal of make bench's summary: appended as "what<TAB>measured<TAB>
 * target<TAB>met" to the file $SECMSG_BENCH_GOALS names (bench/run sets
 * it and prints the table at the end); nothing when it is not set.
 * met: 1 met, 0 not met, -1 no goal (reported only).
 */
void goal(const char *what, const char *measured, const char *target,
	  int met);

/* out.c: stdout and the --md file get the same markdown text */
void out_open(const char *md_path);
void out_close(void);
void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct table {
	size_t ncols, nrows;
	const char **head;
	bool *right;		/* right-align column */
	char ***cell;		/* [row][col], malloc'ed */
};
void table_init(struct table *t, size_t ncols, const char *const *head,
		const bool *right);
void table_row(struct table *t, ...);	/* ncols strings (copied) */
void table_print(struct table *t);
void table_free(struct table *t);
/* "12,345" style helpers, into static rotating buffers */
const char *fmt_rate(double v);
const char *fmt_mbs(double v);
const char *fmt_ratio(double v);

/* afalg.c: the AF_ALG peer, one kcapi handle per key, keyed once */
struct afalg;
/* key: the 32-byte secmsg key (split for twofish_cbc as secmsg does). */
struct afalg *afalg_new(int alg, const uint8_t key[32]);
/* The crypto API's name of alg, as AF_ALG is asked for it. */
const char *afalg_kname(int alg);
void afalg_free(struct afalg *a);
/* Seal pt as a secmsg message of session_id/seq under the key and salt
 * into the handle's own page-aligned buffer, *out, valid until its next
 * call.  Return length. */
long afalg_seal(struct afalg *a, const uint8_t salt[12], uint32_t epoch,
		uint64_t session_id, uint64_t seq, const uint8_t *pt,
		size_t pt_len, const uint8_t **out);
/* Open a secmsg message; plaintext to out.  Return its length. */
long afalg_open(struct afalg *a, const uint8_t salt[12], const uint8_t *msg,
		size_t len, uint8_t *out);

/* throughput.c, scale.c */
void run_throughput(struct secmsg_nl *nl);
void run_scale(struct secmsg_nl *nl);
void run_maint_only(void);

#endif
