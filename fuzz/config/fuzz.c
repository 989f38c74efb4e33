// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Fuzz target: secmsgd's configuration file, read by config_load_file()
 * from a memory file as secmsgd reads --config FILE, then checked by
 * config_check().  Input: the file's bytes.
 *
 * What must hold: a file that loads leaves every value within its key's
 * range, and the configuration written out again as "key = value" lines
 * loads to the very same values; a file that does not load says why
 * ("FILE:LINE: ..." or the file's problem), and nothing leaks
 * (config_free()).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "config.h"

static struct fuzz_file file;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_file_open(&file, "fuzz-config");
	return 0;
}

static void check_ranges(const struct config *c)
{
	FUZZ_CHECK(c->port >= 1 && c->port <= 65535);
	FUZZ_CHECK(c->metrics_port <= 65535);
	FUZZ_CHECK(c->rekey_grace <= SECMSG_REKEY_GRACE_MAX);
	FUZZ_CHECK(c->max_messages <= SECMSG_MAX_MESSAGES_LIMIT);
	FUZZ_CHECK(c->max_connections >= 1 &&
		   c->max_connections <= 1000000000);
	FUZZ_CHECK(c->max_user_connections >= 1 &&
		   c->max_user_connections <= 1000000000);
	FUZZ_CHECK(c->max_frame >= 1 && c->max_frame <= 1ULL << 30);
	FUZZ_CHECK(c->max_queue >= 1 && c->max_queue <= 1ULL << 30);
	FUZZ_CHECK(isfinite(c->rate) && c->rate >= 0 && c->rate <= 1e9);
	FUZZ_CHECK(isfinite(c->user_rate) && c->user_rate >= 0 &&
		   c->user_rate <= 1e9);
	FUZZ_CHECK(c->burst >= 1 && c->burst <= 1e9);
	FUZZ_CHECK(c->user_burst >= 1 && c->user_burst <= 1e9);
	FUZZ_CHECK(c->on_conflict == CONFLICT_REPLACE ||
		   c->on_conflict == CONFLICT_REFUSE);
	FUZZ_CHECK(!c->node || config_name_valid(c->node));
	FUZZ_CHECK(!c->cluster_name || config_name_valid(c->cluster_name));
}

/* The configuration as a file of "key = value" lines. */
static char *dump(const struct config *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	FUZZ_CHECK(f);
#define STR(k, v) do { if (v) fprintf(f, "%s = \"%s\"\n", k, v); } while (0)
#define BOOL(k, v) fprintf(f, "%s = %s\n", k, (v) ? "yes" : "no")
	fprintf(f, "port = %u\nmetrics_port = %u\n", c->port, c->metrics_port);
	STR("listen", c->listen);
	STR("tls_cert", c->tls_cert);
	STR("tls_key", c->tls_key);
	STR("metrics_listen", c->metrics_listen);
	STR("identity", c->identity);
	STR("users", c->users);
	BOOL("register", c->register_users);
	/* a '-' for a '_', and a unit, as people write them */
	fprintf(f, "session_timeout = %u\nidle-timeout = %us\n"
		"rotate_interval = %u\nrekey_grace = %u\n"
		"max_messages_per_key = %llu\n", c->session_timeout,
		c->idle_timeout, c->rotate_interval, c->rekey_grace,
		(unsigned long long)c->max_messages);
	fprintf(f, "max_connections = %u\nmax_user_connections = %u\n"
		"on_conflict = %s\nhandshake_timeout = %us\n",
		c->max_connections, c->max_user_connections,
		c->on_conflict == CONFLICT_REFUSE ? "refuse" : "replace",
		c->handshake_timeout);
	fprintf(f, "max_frame = %zu\nmax_queue = %zu\n", c->max_frame,
		c->max_queue);
	fprintf(f, "rate = %.17g\nburst = %.17g\nuser_rate = %.17g\n"
		"user_burst = %.17g\n", c->rate, c->burst, c->user_rate,
		c->user_burst);
	BOOL("presence", c->presence);
	BOOL("syslog", c->syslog);
	STR("cluster", c->cluster);
	STR("node", c->node);
	STR("cluster_name", c->cluster_name);
	STR("node_key", c->node_key);
	STR("peers", c->peers);
	fprintf(f, "cluster_timeout = %u\n", c->cluster_timeout);
#undef STR
#undef BOOL
	FUZZ_CHECK(!fclose(f));
	return text;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void check_same(const struct config *a, const struct config *b)
{
	FUZZ_CHECK(a->port == b->port && a->metrics_port == b->metrics_port);
	FUZZ_CHECK(same_str(a->listen, b->listen) &&
		   same_str(a->tls_cert, b->tls_cert) &&
		   same_str(a->tls_key, b->tls_key) &&
		   same_str(a->metrics_listen, b->metrics_listen) &&
		   same_str(a->identity, b->identity) &&
		   same_str(a->users, b->users) &&
		   same_str(a->cluster, b->cluster) &&
		   same_str(a->node, b->node) &&
		   same_str(a->cluster_name, b->cluster_name) &&
		   same_str(a->node_key, b->node_key) &&
		   same_str(a->peers, b->peers));
	FUZZ_CHECK(a->cluster_timeout == b->cluster_timeout);
	FUZZ_CHECK(a->register_users == b->register_users &&
		   a->presence == b->presence && a->syslog == b->syslog);
	FUZZ_CHECK(a->session_timeout == b->session_timeout &&
		   a->idle_timeout == b->idle_timeout &&
		   a->rotate_interval == b->rotate_interval &&
		   a->rekey_grace == b->rekey_grace &&
		   a->max_messages == b->max_messages);
	FUZZ_CHECK(a->max_connections == b->max_connections &&
		   a->max_user_connections == b->max_user_connections &&
		   a->on_conflict == b->on_conflict &&
		   a->handshake_timeout == b->handshake_timeout);
	FUZZ_CHECK(a->max_frame == b->max_frame &&
		   a->max_queue == b->max_queue);
	FUZZ_CHECK(a->rate == b->rate && a->burst == b->burst &&
		   a->user_rate == b->user_rate &&
		   a->user_burst == b->user_burst);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c, d;
	char err[CONFIG_ERR_LEN] = "", err2[CONFIG_ERR_LEN] = "";
	char *text;
	int rc;

	config_defaults(&c);
	fuzz_file_put(&file, data, size);
	rc = config_load_file(&c, file.path, err, sizeof(err));
	if (rc) {
		FUZZ_CHECK(rc == -EINVAL || rc == -ENOENT || rc == -EFBIG);
		FUZZ_CHECK(err[0]);
		config_free(&c);
		return 0;
	}
	check_ranges(&c);
	rc = config_check(&c, err, sizeof(err));
	FUZZ_CHECK(!rc || (rc == -EINVAL && err[0]));

	text = dump(&c);
	config_defaults(&d);
	rc = config_parse_text(&d, text, "dump", err2, sizeof(err2));
	if (rc)
		fprintf(stderr, "written again:\n%s\n%s\n", text, err2);
	FUZZ_CHECK(!rc);
	check_same(&c, &d);
	free(text);
	config_free(&d);
	config_free(&c);
	return 0;
}
