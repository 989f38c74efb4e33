// SPDX-License-Identifier: GPL-2.0 OR MIT
/* A client whose callbacks record what they saw (recorder.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "recorder.h"

#define COPY(dst, src) snprintf(dst, sizeof(dst), "%s", (src) ? (src) : "")

static void on_state(struct secmsg_client *c, enum secmsg_client_state st,
		     int err, void *ud)
{
	struct rec *r = ud;

	(void)c;
	if (r->n_states < REC_MAX_STATES)
		r->states[r->n_states++] = st;
	r->last_state_err = err;
}

static void on_received(struct secmsg_client *c, const char *from,
			const uint8_t *sealed, size_t len, void *ud)
{
	struct rec *r = ud;

	(void)c;
	if (len && sealed[0] == 1) {
		r->received++;
		r->received_len = len;
		COPY(r->received_from, from);
	}
}

/* Wipe and free the copy of the last message. */
static void forget_msg(struct rec *r)
{
	if (r->msg)
		explicit_bzero(r->msg, r->msg_len);
	free(r->msg);
	r->msg = NULL;
	r->msg_len = 0;
}

static void on_decrypted(struct secmsg_client *c,
			 const struct secmsg_client_message *m, void *ud)
{
	struct rec *r = ud;
	uint8_t *copy = malloc(m->len + 1);

	r->decrypted++;
	snprintf(r->text, sizeof(r->text), "%.*s", (int)m->len, m->text);
	forget_msg(r);
	r->msg = copy;
	r->msg_len = copy ? m->len : 0;
	if (copy)
		memcpy(copy, m->text, m->len);
	COPY(r->from, m->from);
	COPY(r->alg, m->alg);
	r->epoch = m->epoch;
	r->seq = m->seq;
	if (r->echo)
		secmsg_client_send(c, m->from, r->echo, strlen(r->echo), NULL);
}

static void on_delivery(struct secmsg_client *c,
			const struct secmsg_client_delivery *d, void *ud)
{
	struct rec *r = ud;

	(void)c;
	r->deliveries++;
	r->delivered += d->delivered;
	r->last_delivery_err = d->err;
	if (!d->delivered && d->err <= 0 && d->err >= SECMSG_CLIENT_E_MAX)
		r->failed_by[-d->err]++;
	r->last_id = d->id;
	COPY(r->last_to, d->to);
	COPY(r->last_code, d->code);
}

static void on_presence(struct secmsg_client *c, const char *user,
			bool online, void *ud)
{
	struct rec *r = ud;

	(void)c;
	if (online)
		r->presence_on++;
	else
		r->presence_off++;
	COPY(r->presence_user, user);
}

static void on_online(struct secmsg_client *c, const char *const *users,
		      size_t n, void *ud)
{
	struct rec *r = ud;
	size_t i;

	(void)c;
	r->online_calls++;
	r->online_n = n;
	for (i = 0; i < REC_MAX_ONLINE; i++)
		COPY(r->online[i], i < n ? users[i] : NULL);
}

static void on_epoch(struct secmsg_client *c, uint32_t epoch,
		     const char *alg, void *ud)
{
	struct rec *r = ud;

	(void)c;
	r->epochs++;
	r->last_epoch = epoch;
	COPY(r->epoch_alg, alg);
}

static void on_error(struct secmsg_client *c, int err, const char *detail,
		     void *ud)
{
	struct rec *r = ud;

	(void)c;
	if (getenv("TEST_VERBOSE")) {
		printf("# %s: error %d: %s\n", r->name, err, detail);
		fflush(stdout);
	}
	r->errors++;
	r->last_err = err;
	snprintf(r->last_detail, sizeof(r->last_detail), "%s", detail);
}

struct secmsg_client *rec_client(struct rec *r, const char *name,
				 const char *url)
{
	struct secmsg_client *c = secmsg_client_new(url);

	memset(r, 0, sizeof(*r));
	r->name = name;
	if (!c)
		return NULL;
	secmsg_client_on_state(c, on_state, r);
	secmsg_client_on_message_received(c, on_received, r);
	secmsg_client_on_message_decrypted(c, on_decrypted, r);
	secmsg_client_on_delivery(c, on_delivery, r);
	secmsg_client_on_presence(c, on_presence, r);
	secmsg_client_on_online(c, on_online, r);
	secmsg_client_on_epoch(c, on_epoch, r);
	secmsg_client_on_error(c, on_error, r);
	secmsg_client_set_timeout(c, 5000);
	return c;
}

void rec_free(struct secmsg_client *c, struct rec *r)
{
	secmsg_client_free(c);
	forget_msg(r);
}

bool rec_online_has(const struct rec *r, const char *user)
{
	size_t i;

	for (i = 0; i < r->online_n && i < REC_MAX_ONLINE; i++)
		if (!strcmp(r->online[i], user))
			return true;
	return false;
}

int64_t rec_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
