// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Host tests: the Prometheus exposition (daemon/metrics.c). */
#include <stdlib.h>
#include <string.h>

#include "../../tools/lib/tests/tap.h"
#include "metrics.h"

static bool has(const char *text, const char *line)
{
	const char *p = text;
	size_t n = strlen(line);

	while ((p = strstr(p, line))) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
		p += n;
	}
	return false;
}

int main(void)
{
	struct metrics m = { 0 };
	struct metrics_gauges g = { .connections = 3, .ready = 2,
				    .users_online = 2 };
	char *t;
	size_t len;

	ok(metrics_fail_index("rate_limited") == FC_rate_limited,
	   "failure code index");
	ok(metrics_fail_index("nope") == -1, "unknown failure code");
	ok(metrics_error_index("bad_json") == EC_bad_json, "error code index");
	metrics_fail(&m, "bad_message");
	metrics_fail(&m, "bad_message");
	metrics_fail(&m, "whatever");
	metrics_error(&m, "frame_too_large");
	m.relayed = 5;
	g.sessions[2] = 2;
	metrics_latency(&m, 0.00005);
	metrics_latency(&m, 0.0003);
	metrics_latency(&m, 0.0003);
	metrics_latency(&m, 7);
	t = metrics_render(&m, &g, &len);
	ok(t && strlen(t) == len, "rendered, length right");
	ok(has(t, "# TYPE secmsgd_connections gauge"), "TYPE line");
	ok(has(t, "secmsgd_connections 3"), "connections");
	ok(has(t, "secmsgd_sessions{alg=\"chacha20_poly1305\"} 2") &&
	   has(t, "secmsgd_sessions{alg=\"twofish_cbc\"} 0"), "sessions by alg");
	ok(has(t, "secmsgd_messages_relayed_total 5"), "relayed");
	ok(has(t, "secmsgd_message_failures_total{code=\"bad_message\"} 2"),
	   "failures by code");
	ok(has(t, "secmsgd_message_failures_total{code=\"internal\"} 1"),
	   "an unknown code counts as internal");
	ok(has(t, "secmsgd_errors_total{code=\"frame_too_large\"} 1"),
	   "errors by code");
	ok(has(t, "secmsgd_relay_latency_seconds_bucket{le=\"0.0001\"} 1") &&
	   has(t, "secmsgd_relay_latency_seconds_bucket{le=\"0.00025\"} 1") &&
	   has(t, "secmsgd_relay_latency_seconds_bucket{le=\"0.0005\"} 3") &&
	   has(t, "secmsgd_relay_latency_seconds_bucket{le=\"2.5\"} 3") &&
	   has(t, "secmsgd_relay_latency_seconds_bucket{le=\"+Inf\"} 4"),
	   "histogram buckets are cumulative");
	ok(has(t, "secmsgd_relay_latency_seconds_count 4") &&
	   strstr(t, "secmsgd_relay_latency_seconds_sum 7.0006"),
	   "histogram count and sum");
	ok(t[len - 1] == '\n', "ends with a newline");
	free(t);
	return done();
}
