/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Counters of secmsgd and their Prometheus text exposition (format 0.0.4)
 * for GET /metrics.  Pure; host-tested.
 */
#ifndef SECMSGD_METRICS_H
#define SECMSGD_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <linux/secmsg.h>

/* Delivery failure codes of docs/protocol.md section 5. */
#define METRICS_FAIL_CODES \
	X(recipient_offline) X(recipient_unknown) X(rate_limited) \
	X(message_too_large) X(bad_message) X(node_unreachable) X(internal)
/* Error codes of docs/protocol.md section 5. */
#define METRICS_ERROR_CODES \
	X(bad_json) X(unknown_type) X(bad_field) X(bad_base64) \
	X(frame_too_large) X(not_authenticated) X(already_authenticated) \
	X(unknown_user) X(auth_failed) X(replayed) X(handshake_failed) \
	X(registration_refused) X(rate_limited) X(internal)

#define X(n) FC_##n,
enum { METRICS_FAIL_CODES FC__N };
#undef X
#define X(n) EC_##n,
enum { METRICS_ERROR_CODES EC__N };
#undef X

/* Relay latency histogram bounds, seconds (+Inf implied). */
#define METRICS_LAT_BUCKETS	14

struct metrics {
	uint64_t conns_accepted, conns_refused;
	uint64_t handshakes_ok, handshakes_failed, registrations;
	uint64_t relayed;		/* messages written to recipients */
	uint64_t failures[FC__N];	/* deliveries failed, by code */
	uint64_t errors[EC__N];		/* error frames sent, by code */
	uint64_t rotations;		/* epoch frames sent */
	uint64_t expired;		/* sessions ended by the kernel */
	uint64_t batches, batch_ops;	/* SECMSG_CMD_MSG_BATCH calls, ops */
	uint64_t lat[METRICS_LAT_BUCKETS + 1];	/* per bucket, not cumulative */
	uint64_t lat_count;
	double lat_sum;
};

struct metrics_gauges {
	uint64_t connections;		/* open WebSocket connections */
	uint64_t ready;			/* of which authenticated */
	uint64_t users_online;
	uint64_t sessions[SECMSG_ALG_MAX + 1];	/* by algorithm */
};

extern const double metrics_lat_bounds[METRICS_LAT_BUCKETS];

/* index of a code, or -1 */
int metrics_fail_index(const char *code);
int metrics_error_index(const char *code);
void metrics_fail(struct metrics *m, const char *code);
void metrics_error(struct metrics *m, const char *code);
void metrics_latency(struct metrics *m, double seconds);
/* The exposition text (malloc'ed), or NULL. */
char *metrics_render(const struct metrics *m, const struct metrics_gauges *g,
		     size_t *len);

#endif
