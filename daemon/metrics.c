// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Prometheus text exposition of secmsgd's counters (see metrics.h). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secmsg/nl.h"

#include "metrics.h"

const double metrics_lat_bounds[METRICS_LAT_BUCKETS] = {
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
	0.1, 0.25, 0.5, 1, 2.5,
};

#define X(n) #n,
static const char *const fail_names[FC__N] = { METRICS_FAIL_CODES };
static const char *const error_names[EC__N] = { METRICS_ERROR_CODES };
#undef X

static int find(const char *const *names, int n, const char *code)
{
	int i;

	for (i = 0; code && i < n; i++)
		if (!strcmp(names[i], code))
			return i;
	return -1;
}

int metrics_fail_index(const char *code)
{
	return find(fail_names, FC__N, code);
}

int metrics_error_index(const char *code)
{
	return find(error_names, EC__N, code);
}

void metrics_fail(struct metrics *m, const char *code)
{
	int i = metrics_fail_index(code);

	m->failures[i < 0 ? FC_internal : i]++;
}

void metrics_error(struct metrics *m, const char *code)
{
	int i = metrics_error_index(code);

	m->errors[i < 0 ? EC_internal : i]++;
}

void metrics_latency(struct metrics *m, double s)
{
	int i;

	for (i = 0; i < METRICS_LAT_BUCKETS; i++)
		if (s <= metrics_lat_bounds[i])
			break;
	m->lat[i]++;
	m->lat_count++;
	m->lat_sum += s;
}

struct out {
	char *buf;
	size_t len, cap;
	bool oom;
};

static void outf(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void outf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			o->oom = true;
			return;
		}
		if ((size_t)n < o->cap - o->len) {
			o->len += (size_t)n;
			return;
		}
		char *p = realloc(o->buf, o->cap * 2 + (size_t)n);

		if (!p) {
			o->oom = true;
			return;
		}
		o->buf = p;
		o->cap = o->cap * 2 + (size_t)n;
	}
}

static void head(struct out *o, const char *name, const char *type,
		 const char *help)
{
	outf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void scalar(struct out *o, const char *name, const char *type,
		   const char *help, uint64_t v)
{
	head(o, name, type, help);
	outf(o, "%s %" PRIu64 "\n", name, v);
}

char *metrics_render(const struct metrics *m, const struct metrics_gauges *g,
		     size_t *len)
{
	struct out o = { .cap = 8192 };
	uint64_t cum = 0;
	int i;

	o.buf = malloc(o.cap);
	if (!o.buf)
		return NULL;
	scalar(&o, "secmsgd_connections", "gauge",
	       "Open WebSocket connections.", g->connections);
	scalar(&o, "secmsgd_connections_authenticated", "gauge",
	       "Connections that completed the handshake.", g->ready);
	scalar(&o, "secmsgd_users_online", "gauge",
	       "Users with at least one authenticated connection.",
	       g->users_online);
	scalar(&o, "secmsgd_connections_accepted_total", "counter",
	       "WebSocket connections accepted.", m->conns_accepted);
	scalar(&o, "secmsgd_connections_refused_total", "counter",
	       "Connections refused (max_connections, shutdown).",
	       m->conns_refused);
	head(&o, "secmsgd_sessions", "gauge",
	     "Kernel sessions of connected clients, by algorithm.");
	for (i = 1; i <= SECMSG_ALG_MAX; i++)
		outf(&o, "secmsgd_sessions{alg=\"%s\"} %" PRIu64 "\n",
		     secmsg_alg_name(i), g->sessions[i]);
	head(&o, "secmsgd_handshakes_total", "counter",
	     "Handshakes, by result.");
	outf(&o, "secmsgd_handshakes_total{result=\"ok\"} %" PRIu64 "\n",
	     m->handshakes_ok);
	outf(&o, "secmsgd_handshakes_total{result=\"failed\"} %" PRIu64 "\n",
	     m->handshakes_failed);
	scalar(&o, "secmsgd_registrations_total", "counter",
	       "Users registered on first use.", m->registrations);
	scalar(&o, "secmsgd_messages_relayed_total", "counter",
	       "Messages re-sealed by the kernel and written to their recipient.",
	       m->relayed);
	head(&o, "secmsgd_message_failures_total", "counter",
	     "Messages answered with a failed delivery, by code.");
	for (i = 0; i < FC__N; i++)
		outf(&o, "secmsgd_message_failures_total{code=\"%s\"} %" PRIu64
		     "\n", fail_names[i], m->failures[i]);
	head(&o, "secmsgd_errors_total", "counter",
	     "Error frames sent, by code.");
	for (i = 0; i < EC__N; i++)
		outf(&o, "secmsgd_errors_total{code=\"%s\"} %" PRIu64 "\n",
		     error_names[i], m->errors[i]);
	scalar(&o, "secmsgd_key_rotations_total", "counter",
	       "Epoch frames sent to clients (key rotations).", m->rotations);
	scalar(&o, "secmsgd_sessions_expired_total", "counter",
	       "Sessions the kernel expired or deleted under a client.",
	       m->expired);
	scalar(&o, "secmsgd_kernel_batches_total", "counter",
	       "SECMSG_CMD_MSG_BATCH requests.", m->batches);
	scalar(&o, "secmsgd_kernel_batch_ops_total", "counter",
	       "RESEAL operations sent in batches.", m->batch_ops);
	head(&o, "secmsgd_relay_latency_seconds", "histogram",
	     "From a message frame's arrival to its re-sealed copy written to the recipient.");
	for (i = 0; i < METRICS_LAT_BUCKETS; i++) {
		cum += m->lat[i];
		outf(&o, "secmsgd_relay_latency_seconds_bucket{le=\"%g\"} %"
		     PRIu64 "\n", metrics_lat_bounds[i], cum);
	}
	cum += m->lat[METRICS_LAT_BUCKETS];
	outf(&o, "secmsgd_relay_latency_seconds_bucket{le=\"+Inf\"} %" PRIu64
	     "\n", cum);
	outf(&o, "secmsgd_relay_latency_seconds_sum %.9f\n", m->lat_sum);
	outf(&o, "secmsgd_relay_latency_seconds_count %" PRIu64 "\n",
	     m->lat_count);
	if (o.oom) {
		free(o.buf);
		return NULL;
	}
	*len = o.len;
	return o.buf;
}
