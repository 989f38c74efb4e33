/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers of the secmsg kselftests: randomness and time, sessions
 * created together with the client side of their key schedule (the
 * libsecmsg nettle implementation), counters, Wycheproof hex.
 */
#ifndef SELFTEST_COMMON_H
#define SELFTEST_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <secmsg/nl.h>
#include <secmsg/wire.h>

#include "protocol/be.h"	/* get_be32() ... put_be64() */

#define N_ALGS 3
extern const int test_algs[N_ALGS];

/* Room for any sealed message or crypt output. */
#define MSG_BUF_LEN (SECMSG_MAX_PLAINTEXT + SECMSG_MAX_OVERHEAD + 64)

/* Sealed header field offsets (uapi). */
#define HDR_OFF_VERSION 0
#define HDR_OFF_ALG 1
#define HDR_OFF_RESERVED 2
#define HDR_OFF_EPOCH 4
#define HDR_OFF_SESSION 8
#define HDR_OFF_SEQ 16

/* A TAP diagnostic line, flushed (test children end with _exit). */
#define DIAG(fmt, ...) do {						\
	printf("# " fmt "\n", ##__VA_ARGS__);				\
	fflush(stdout);							\
} while (0)

void rand_bytes(void *buf, size_t len);
uint64_t rand_u64(void);
double mono_now(void);
void sleep_ms(unsigned int ms);
void fill_pattern(uint8_t *buf, size_t len, unsigned int seed);
const char *errname(int err);		/* "EBADMSG" for 74 or -74 */
const char *vectors_dir(void);		/* $SECMSG_VECTORS or the default */
/* Decode hex into a malloc'ed buffer (never NULL on success). */
int hex_decode(const char *hex, uint8_t **out, size_t *len);
/* Parse a JSON file: the tree (cJSON_Delete it) or NULL. */
struct cJSON *json_load(const char *path);

/* A session and the client side of it. */
struct client {
	uint64_t id;
	int alg;
	char user_id[SECMSG_USER_ID_MAX + 1];
	uint8_t secret_c2s[SECMSG_KEY_LEN];	/* S(0) */
	uint8_t secret_s2c[SECMSG_KEY_LEN];
	struct secmsg_dir_keys c2s;		/* current epoch */
	struct secmsg_dir_keys s2c;
	uint64_t c2s_seq;			/* next client seq */
};

/* Random secrets and user id, create the session, set up the keys. */
int client_new(struct secmsg_nl *nl, struct client *c, int alg,
	       const struct secmsg_policy *pol, uint32_t flags,
	       struct secmsg_session_info *info);
/* Keys of direction d at any epoch, from S(0). */
void client_keys_at(const struct client *c, enum secmsg_dir d,
		    uint32_t epoch, struct secmsg_dir_keys *out);
/* Follow the server to epoch (>= current), new algorithm if alg != 0. */
void client_move_to(struct client *c, uint32_t epoch, int alg);
/* Seal pt C2S at the current epoch with the next seq. */
long client_seal(struct client *c, const void *pt, size_t len, uint8_t *out);
/* Seal C2S with an explicit epoch, seq and algorithm. */
long client_seal_at(const struct client *c, uint32_t epoch, int alg,
		    uint64_t seq, const void *pt, size_t len, uint8_t *out);
/* Open an S2C message with the keys of the epoch in its header. */
long client_open(const struct client *c, const uint8_t *msg, size_t len,
		 struct secmsg_hdr *hdr, uint8_t *out);
void client_wipe(struct client *c);

int get_counters(struct secmsg_nl *nl, uint64_t id,
		 struct secmsg_counters *out);
/* Delete, ignoring errors (cleanup). */
void del_quiet(struct secmsg_nl *nl, uint64_t id);
/*
 * Wait up to timeout_ms for the next event of session id (0: any) and of
 * kind event (0: any), skipping others.  0 or -EAGAIN on timeout.
 */
int event_wait(struct secmsg_nl *nl, uint64_t id, int event,
	       struct secmsg_event_info *out, int timeout_ms);
/* Poll GET until it fails (returns that error) or timeout_ms passes. */
int wait_gone(struct secmsg_nl *nl, uint64_t id, int timeout_ms,
	      double *elapsed);
/* Open a handle; on failure print why (module not loaded?). */
struct secmsg_nl *nl_open_or_null(void);

#endif
