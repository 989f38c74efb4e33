// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * secmsgd's commands that talk to the cluster and exit (see
 * cluster/cmds.h): `user add|del` on the users registry, and --status
 * from a running node's /metrics.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "secmsg/codec.h"
#include "secmsg/handshake.h"

#include "../files.h"
#include "bus.h"
#include "cmds.h"
#include "kvusers.h"

#define WAIT_MS	10000

/* KEYFILE (a public key file: 32 raw bytes, hex or base64) or BASE64. */
static int read_key(const char *arg, uint8_t pub[SECMSG_X25519_LEN])
{
	uint8_t *buf;
	size_t len;
	int rc = file_read(arg, 4096, &buf, &len);

	if (!rc) {
		rc = identity_parse(buf, len, pub);
		file_free(buf, len);
	} else if (rc == -ENOENT) {
		rc = identity_parse((const uint8_t *)arg, strlen(arg), pub);
	}
	if (!rc && !secmsg_x25519_canonical(pub))
		rc = -EINVAL;
	return rc;
}

int cluster_user_cmd(const struct config *cfg, int argc, char **argv)
{
	struct bus_opts bo = { .servers = cfg->cluster, .name = "secmsgd-user",
			       .connect_timeout_ms = 3000 };
	const char *cname = cfg->cluster_name ? cfg->cluster_name : "secmsg";
	char key[KVUSERS_KEY_MAX + 1], bucket[64], err[256];
	char val[SECMSG_B64_LEN(SECMSG_X25519_LEN)];
	uint8_t pub[SECMSG_X25519_LEN];
	bool add = argc == 4 && !strcmp(argv[1], "add");
	struct bus *b;
	int rc;

	if (!(add || (argc == 3 && !strcmp(argv[1], "del")))) {
		fprintf(stderr, "Usage: secmsgd --config FILE user add NAME "
			"KEYFILE|BASE64\n       secmsgd --config FILE user del "
			"NAME\n");
		return 2;
	}
	if (!cfg->cluster) {
		fprintf(stderr, "secmsgd: user %s: the configuration names no "
			"cluster (its users are in its users file)\n", argv[1]);
		return 2;
	}
	if (kvusers_key(argv[2], key, sizeof(key))) {
		fprintf(stderr, "secmsgd: '%s' is not a user id (1 to %d of "
			"A-Z a-z 0-9 . _ @ -, not starting with . or -)\n",
			argv[2], SECMSG_USER_ID_MAX);
		return 2;
	}
	if (add && read_key(argv[3], pub)) {
		fprintf(stderr, "secmsgd: %s: not a public key (a file or "
			"base64 of 32 bytes)\n", argv[3]);
		return 2;
	}
	snprintf(bucket, sizeof(bucket), "%s_users", cname);
	rc = bus_open(&b, &bo, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "secmsgd: %s\n", err);
		return 1;
	}
	if (add) {
		kvusers_value(pub, val);
		rc = bus_kv_put(b, bucket, BUS_KV_REPLICAS_AUTO, key, val,
				strlen(val), WAIT_MS);
	} else {
		rc = bus_kv_del(b, bucket, key, WAIT_MS);
	}
	if (rc == -ENOENT && !add)
		fprintf(stderr, "secmsgd: user %s: not in the cluster's "
			"registry\n", argv[2]);
	else if (rc)
		fprintf(stderr, "secmsgd: user %s %s: %s\n", argv[1], argv[2],
			bus_errmsg(b));
	else
		printf("secmsgd: user %s %s the registry %s (every node "
		       "follows)\n", argv[2], add ? "added to" :
		       "deleted from", bucket);
	bus_close(b);
	return rc ? 1 : 0;
}

/* ---- --status ---- */

/* The value of series{peer="p"} (or series alone, p NULL) in text. */
static bool value(const char *text, const char *series, const char *p,
		  double *v)
{
	char want[256];
	const char *s;
	size_t n;

	if (p)
		snprintf(want, sizeof(want), "%s{peer=\"%s\"} ", series, p);
	else
		snprintf(want, sizeof(want), "%s ", series);
	n = strlen(want);
	for (s = text; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 :
						     NULL) {
		if (!strncmp(s, want, n)) {
			*v = strtod(s + n, NULL);
			return true;
		}
	}
	return false;
}

int cluster_status_format(const char *text, FILE *out)
{
	static const char *const cols[] = {
		"peer_up", "peer_link_up", "peer_heartbeat_age_seconds",
		"peer_logins", "peer_messages_out_total",
		"peer_messages_in_total", "peer_delivered_total",
		"peer_failures_total", "peer_timeouts_total",
		"peer_handshakes_total",
	};
	const char *key = "secmsgd_cluster_peer_up{peer=\"", *s;
	double v[10], connected, reconnects, pending;
	char peer[64], series[96];
	unsigned int i, n = 0;

	if (!value(text, "secmsgd_cluster_nats_connected", NULL, &connected)) {
		fprintf(out, "not a cluster node (no secmsgd_cluster_* "
			"series)\n");
		return -ENOENT;
	}
	value(text, "secmsgd_cluster_nats_reconnects_total", NULL,
	      &reconnects);
	value(text, "secmsgd_cluster_pending", NULL, &pending);
	fprintf(out, "NATS: %s, %.0f reconnections; %.0f copies waiting for "
		"another node\n", connected ? "connected" : "NOT connected",
		reconnects, pending);
	fprintf(out, "%-12s %-4s %-5s %9s %7s %9s %9s %9s %8s %8s %5s\n",
		"peer", "up", "link", "heartbeat", "logins", "out", "in",
		"delivered", "failed", "timeouts", "links");
	for (s = strstr(text, key); s; s = strstr(s + 1, key)) {
		size_t len = strcspn(s + strlen(key), "\"");

		if (len >= sizeof(peer))
			continue;
		memcpy(peer, s + strlen(key), len);
		peer[len] = '\0';
		for (i = 0; i < 10; i++) {
			snprintf(series, sizeof(series), "secmsgd_cluster_%s",
				 cols[i]);
			v[i] = 0;
			value(text, series, peer, &v[i]);
		}
		fprintf(out, "%-12s %-4s %-5s %8.1fs %7.0f %9.0f %9.0f %9.0f "
			"%8.0f %8.0f %5.0f\n", peer, v[0] ? "yes" : "NO",
			v[1] ? "up" : "DOWN", v[2], v[3], v[4], v[5], v[6],
			v[7], v[8], v[9]);
		n++;
	}
	if (!n)
		fprintf(out, "(no peers)\n");
	return 0;
}

/* GET /metrics from host:port; the body, malloc'ed. */
static char *get_metrics(const char *host, unsigned int port, char *err,
			 size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL;
	char portstr[16], req[256], *buf = NULL, *body;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd = -1, rc;

	snprintf(portstr, sizeof(portstr), "%u", port);
	rc = getaddrinfo(host, portstr, &hints, &ai);
	if (rc) {
		snprintf(err, errlen, "%s: %s", host, gai_strerror(rc));
		return NULL;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		snprintf(err, errlen, "%s port %u: %s (is secmsgd running, "
			 "with metrics_port?)", host, port, strerror(errno));
		goto out;
	}
	snprintf(req, sizeof(req), "GET /metrics HTTP/1.0\r\nHost: %s\r\n\r\n",
		 host);
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		snprintf(err, errlen, "write: %s", strerror(errno));
		goto out;
	}
	for (;;) {
		if (cap - len < 4096) {
			char *p = cap < (16u << 20) ? realloc(buf, cap + 65536) :
						      NULL;

			if (!p) {
				snprintf(err, errlen, "answer too large");
				free(buf);
				buf = NULL;
				goto out;
			}
			buf = p;
			cap += 65536;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	body = strstr(buf, "\r\n\r\n");
	if (strncmp(buf, "HTTP/1.", 7) || !strstr(buf, " 200 ") || !body) {
		snprintf(err, errlen, "no metrics from %s port %u", host, port);
		free(buf);
		buf = NULL;
		goto out;
	}
	memmove(buf, body + 4, strlen(body + 4) + 1);
out:
	if (fd >= 0)
		close(fd);
	freeaddrinfo(ai);
	return buf;
}

int cluster_status(const struct config *cfg, FILE *out)
{
	const char *host = cfg->metrics_listen;
	char err[256], *text;
	int rc;

	if (!cfg->metrics_port) {
		fprintf(stderr, "secmsgd: --status reads the node's /metrics: "
			"set metrics_port\n");
		return 2;
	}
	/* a wildcard address: this host */
	if (!host || !strcmp(host, "0.0.0.0") || !strcmp(host, "::"))
		host = "127.0.0.1";
	text = get_metrics(host, cfg->metrics_port, err, sizeof(err));
	if (!text) {
		fprintf(stderr, "secmsgd: %s\n", err);
		return 1;
	}
	fprintf(out, "node %s (cluster %s)\n", cfg->node ? cfg->node : "?",
		cfg->cluster_name ? cfg->cluster_name : "secmsg");
	rc = cluster_status_format(text, out);
	free(text);
	return rc ? 1 : 0;
}
