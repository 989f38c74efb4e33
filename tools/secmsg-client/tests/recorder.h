/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A secmsg client with every callback attached to a recorder: the tests
 * of the client library (test_client_e2e against fakesrv on the host,
 * selftests/client/api_test against secmsgd and secmsg.ko in the VM)
 * drive clients and then assert on what the callbacks saw.
 */
#ifndef SECMSG_TEST_RECORDER_H
#define SECMSG_TEST_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "secmsg/client.h"

#define REC_MAX_STATES	16
#define REC_MAX_ONLINE	8
#define REC_USER_LEN	(SECMSG_CLIENT_USER_MAX + 1)

struct rec {
	const char *name;
	/* state callback: every state in order, and the last error */
	int states[REC_MAX_STATES], n_states, last_state_err;
	/* received callback: sealed messages (version 1 header) */
	int received;
	size_t received_len;
	char received_from[REC_USER_LEN];
	/* decrypted callback: a count, and the last message whole */
	int decrypted;
	char text[256];			/* its first 255 bytes, as a string */
	uint8_t *msg;			/* all of it (malloc'ed) */
	size_t msg_len;
	char from[REC_USER_LEN];
	char alg[32];
	uint32_t epoch;
	uint64_t seq;
	/* delivery callback */
	int deliveries, delivered, last_delivery_err;
	uint64_t last_id;
	char last_to[REC_USER_LEN];
	char last_code[32];
	int failed_by[1 - SECMSG_CLIENT_E_MAX];	/* failures, by -err */
	/* presence and online callbacks */
	int presence_on, presence_off;
	char presence_user[REC_USER_LEN];
	int online_calls;
	size_t online_n;
	char online[REC_MAX_ONLINE][REC_USER_LEN];
	/* epoch callback */
	int epochs;
	uint32_t last_epoch;
	char epoch_alg[32];
	/* error callback */
	int errors, last_err;
	char last_detail[160];
	/* decrypted callback sends this text back to the sender */
	const char *echo;
};

/*
 * A client for url with every callback recording into r (zeroed first)
 * and a 5 s connect timeout.  NULL when secmsg_client_new() fails.
 */
struct secmsg_client *rec_client(struct rec *r, const char *name,
				 const char *url);
/* Free the client and what r holds. */
void rec_free(struct secmsg_client *c, struct rec *r);
/* Was user in the last online list? */
bool rec_online_has(const struct rec *r, const char *user);

int64_t rec_now_ms(void);

/* Service up to three clients (NULL: none) until cond or ms pass. */
#define PUMP3_MS(a, b, c, ms, cond)					\
	({								\
		int64_t _end = rec_now_ms() + (ms);			\
		while (!(cond) && rec_now_ms() < _end) {		\
			if (a) secmsg_client_service(a, 10);		\
			if (b) secmsg_client_service(b, 10);		\
			if (c) secmsg_client_service(c, 10);		\
		}							\
		(cond);							\
	})
#define PUMP3(a, b, c, cond) PUMP3_MS(a, b, c, 3000, cond)
/* The same for the n clients of array v (NULL entries skipped). */
#define PUMPV(v, n, cond)						\
	({								\
		int64_t _end = rec_now_ms() + 3000;			\
		while (!(cond) && rec_now_ms() < _end)			\
			for (size_t _i = 0; _i < (size_t)(n); _i++)	\
				if ((v)[_i])				\
					secmsg_client_service((v)[_i], 10); \
		(cond);							\
	})
#define PUMP(a, b, cond) PUMP3(a, b, NULL, cond)

#endif
