// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Host tests: configuration parsing (daemon/config.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../tools/lib/tests/tap.h"
#include "config.h"

static int set(struct config *c, const char *k, const char *v)
{
	char err[CONFIG_ERR_LEN];

	return config_set(c, k, v, err, sizeof(err));
}

static void test_values(void)
{
	uint64_t v;
	bool b;

	ok(!config_parse_duration("90", 1000, &v) && v == 90, "duration 90");
	ok(!config_parse_duration("90s", 1000, &v) && v == 90, "duration 90s");
	ok(!config_parse_duration("5m", 1000, &v) && v == 300, "duration 5m");
	ok(!config_parse_duration("2h", 1 << 20, &v) && v == 7200,
	   "duration 2h");
	ok(!config_parse_duration("1d", 1 << 20, &v) && v == 86400,
	   "duration 1d");
	ok(!config_parse_duration("0", 10, &v) && v == 0, "duration 0");
	ok(config_parse_duration("1d", 1000, &v) == -ERANGE, "duration over max");
	ok(config_parse_duration("5x", 1000, &v) == -EINVAL, "duration 5x");
	ok(config_parse_duration("5mm", 1000, &v) == -EINVAL, "duration 5mm");
	ok(config_parse_duration("", 1000, &v) == -EINVAL, "duration empty");
	ok(config_parse_duration("-1", 1000, &v) == -EINVAL, "duration -1");
	ok(config_parse_duration(" 1", 1000, &v) == -EINVAL,
	   "duration leading space");
	ok(config_parse_duration("99999999999999999999999", UINT64_MAX, &v) ==
	   -ERANGE, "duration overflowing u64");
	ok(!config_parse_size("256K", 1ULL << 30, &v) && v == 262144,
	   "size 256K");
	ok(!config_parse_size("4m", 1ULL << 30, &v) && v == 4 << 20, "size 4m");
	ok(!config_parse_size("1G", 1ULL << 30, &v) && v == 1 << 30, "size 1G");
	ok(config_parse_size("2G", 1ULL << 30, &v) == -ERANGE, "size over max");
	ok(config_parse_size("1.5K", 1ULL << 30, &v) == -EINVAL, "size 1.5K");
	ok(!config_parse_bool("Yes", &b) && b, "bool Yes");
	ok(!config_parse_bool("off", &b) && !b, "bool off");
	ok(!config_parse_bool("1", &b) && b, "bool 1");
	ok(config_parse_bool("maybe", &b) == -EINVAL, "bool maybe");
}

static void test_keys(void)
{
	struct config c;

	config_defaults(&c);
	ok(c.port == 8765 && c.max_frame == 256 * 1024 &&
	   c.max_user_connections == 1 && c.on_conflict == CONFLICT_REPLACE &&
	   c.rekey_grace == 10 && c.max_messages == 1ULL << 20 &&
	   c.presence && !c.register_users && !c.syslog, "defaults");
	ok(!set(&c, "port", "9000") && c.port == 9000, "port");
	ok(set(&c, "port", "0") == -EINVAL, "port 0 refused");
	ok(set(&c, "port", "65536") == -EINVAL, "port 65536 refused");
	ok(set(&c, "port", "80K") == -EINVAL, "port with a suffix refused");
	ok(!set(&c, "metrics_port", "0") && c.metrics_port == 0,
	   "metrics_port 0 (off)");
	ok(!set(&c, "tls-cert", "/a.pem") && !strcmp(c.tls_cert, "/a.pem"),
	   "tls-cert (dash) is tls_cert");
	ok(!set(&c, "tls_cert", "") && c.tls_cert == NULL, "empty string unsets");
	ok(!set(&c, "register", "yes") && c.register_users, "register");
	ok(!set(&c, "session_timeout", "2d") && c.session_timeout == 172800,
	   "session_timeout 2d");
	ok(!set(&c, "idle_timeout", "0") && c.idle_timeout == 0,
	   "idle_timeout 0 disables");
	ok(!set(&c, "rekey_grace", "10m") && c.rekey_grace == 600,
	   "rekey_grace 10m (the kernel's maximum)");
	ok(set(&c, "rekey_grace", "601") == -EINVAL, "rekey_grace 601 refused");
	ok(!set(&c, "max_messages_per_key", "1K") && c.max_messages == 1024,
	   "max_messages_per_key 1K");
	ok(set(&c, "max_messages_per_key", "281474976710657") == -EINVAL,
	   "max_messages_per_key over 2^48 refused");
	ok(!set(&c, "rate", "12.5") && c.rate == 12.5, "rate 12.5");
	ok(!set(&c, "rate", "0") && c.rate == 0, "rate 0 (unlimited)");
	ok(set(&c, "rate", "-1") == -EINVAL, "rate -1 refused");
	ok(set(&c, "rate", "nan") == -EINVAL, "rate nan refused");
	ok(set(&c, "burst", "0.5") == -EINVAL, "burst below 1 refused");
	ok(!set(&c, "max_frame", "1M") && c.max_frame == 1 << 20,
	   "max_frame 1M");
	ok(set(&c, "max_connections", "0") == -EINVAL,
	   "max_connections 0 refused");
	ok(!set(&c, "on_conflict", "refuse") && c.on_conflict == CONFLICT_REFUSE,
	   "on_conflict refuse");
	ok(set(&c, "on_conflict", "kick") == -EINVAL, "on_conflict kick refused");
	ok(set(&c, "colour", "blue") == -ENOENT, "unknown key");
	ok(config_key_is_flag("register") && config_key_is_flag("presence") &&
	   !config_key_is_flag("port") && config_key_known("max-frame") &&
	   !config_key_known("nope"), "flags and known keys");
	config_free(&c);
}

static void test_text(void)
{
	char err[CONFIG_ERR_LEN];
	struct config c, d;
	char path[] = "/tmp/secmsgd-test-conf-XXXXXX";
	FILE *f;
	int fd;

	config_defaults(&c);
	ok(!config_parse_text(&c,
			      "# comment\n\n  port = 9100  \n"
			      "users = \"/etc/secmsg/users\"\n"
			      "\tregister=on\r\n"
			      "tls_key = /k # not a comment\n", "t", err,
			      sizeof(err)) &&
	   c.port == 9100 && !strcmp(c.users, "/etc/secmsg/users") &&
	   c.register_users && !strcmp(c.tls_key, "/k # not a comment"),
	   "a config text: comments, quotes, white space, CRLF");
	ok(config_parse_text(&c, "port = 1\nport 2\n", "f.conf", err,
			     sizeof(err)) == -EINVAL &&
	   !strcmp(err, "f.conf:2: expected 'key = value'"),
	   "a line without '=': FILE:LINE message (%s)", err);
	ok(config_parse_text(&c, "\n\nbogus = 1\n", "f.conf", err,
			     sizeof(err)) == -ENOENT &&
	   strstr(err, "f.conf:3:") && strstr(err, "unknown key 'bogus'"),
	   "unknown key with its line (%s)", err);
	ok(config_parse_text(&c, "rate = fast\n", "f", err, sizeof(err)) ==
	   -EINVAL && strstr(err, "rate: bad value 'fast'"),
	   "bad value message (%s)", err);

	ok(!config_copy(&d, &c) && d.users != c.users &&
	   !strcmp(d.users, c.users), "copy duplicates strings");
	config_free(&d);

	fd = mkstemp(path);
	f = fdopen(fd, "w");
	fputs("max_user_connections = 3\non_conflict = refuse\n", f);
	fclose(f);
	ok(!config_load_file(&c, path, err, sizeof(err)) &&
	   c.max_user_connections == 3 && c.on_conflict == CONFLICT_REFUSE,
	   "config_load_file");
	unlink(path);
	ok(config_load_file(&c, path, err, sizeof(err)) == -ENOENT,
	   "missing file: -ENOENT (%s)", err);

	c.tls_cert = strdup("/c");
	ok(!config_check(&c, err, sizeof(err)), "check: consistent");
	free(c.tls_cert);
	c.tls_cert = NULL;
	free(c.tls_key);
	c.tls_key = NULL;
	ok(!config_check(&c, err, sizeof(err)), "check: no TLS at all");
	c.tls_cert = strdup("/c");
	ok(config_check(&c, err, sizeof(err)) == -EINVAL,
	   "check: a cert without a key");
	free(c.tls_cert);
	c.tls_cert = NULL;
	c.metrics_port = c.port;
	ok(config_check(&c, err, sizeof(err)) == -EINVAL,
	   "check: metrics port equal to port");
	c.metrics_port = 0;
	c.max_user_connections = SECMSGD_MAX_LOGINS;
	ok(SECMSGD_MAX_LOGINS == 4 && !config_check(&c, err, sizeof(err)),
	   "check: 4 logins per user");
	c.max_user_connections = SECMSGD_MAX_LOGINS + 1;
	ok(config_check(&c, err, sizeof(err)) == -EINVAL &&
	   strstr(err, "at most 4"), "check: 5 logins per user: %s", err);
	c.max_user_connections = 1;
	/* the web page: a directory's absolute path, or off */
	ok(c.www == NULL, "www: the built-in directory by default");
	ok(!set(&c, "www", "/srv/www") && !strcmp(c.www, "/srv/www") &&
	   !config_check(&c, err, sizeof(err)), "www = /srv/www");
	ok(!set(&c, "www", "off") && !config_check(&c, err, sizeof(err)),
	   "www = off");
	ok(!set(&c, "www", "srv/www") &&
	   config_check(&c, err, sizeof(err)) == -EINVAL &&
	   strstr(err, "absolute"), "www = srv/www (relative): %s", err);
	ok(!set(&c, "www", "") && c.www == NULL &&
	   !config_check(&c, err, sizeof(err)), "www = \"\": the default again");
	config_free(&c);
}

static void test_cluster(void)
{
	char err[CONFIG_ERR_LEN];
	struct config c;

	config_defaults(&c);
	ok(!c.cluster && !c.node && !c.cluster_name && !c.node_key &&
	   !c.peers && c.cluster_timeout == 10 && !config_check(&c, err, 256),
	   "cluster defaults: alone, cluster_timeout 10s");
	ok(!config_parse_text(&c,
			      "cluster = nats://10.0.0.1:4222,nats://10.0.0.2:4222\n"
			      "node = node-1\ncluster_name = prod_eu\n"
			      "node_key = /var/lib/secmsg/node.key\n"
			      "peers = /etc/secmsg/peers\ncluster_timeout = 3s\n",
			      "c", err, sizeof(err)) &&
	   !strcmp(c.cluster, "nats://10.0.0.1:4222,nats://10.0.0.2:4222") &&
	   !strcmp(c.node, "node-1") && !strcmp(c.cluster_name, "prod_eu") &&
	   !strcmp(c.node_key, "/var/lib/secmsg/node.key") &&
	   !strcmp(c.peers, "/etc/secmsg/peers") && c.cluster_timeout == 3 &&
	   !config_check(&c, err, sizeof(err)),
	   "the cluster keys (%s)", err);
	ok(config_set(&c, "node", "a.b", err, sizeof(err)) == -EINVAL &&
	   strstr(err, "node: bad name 'a.b'") &&
	   config_set(&c, "node", "-a", err, sizeof(err)) == -EINVAL &&
	   config_set(&c, "cluster-name", "x y", err, sizeof(err)) == -EINVAL &&
	   config_set(&c, "node",
		      "123456789012345678901234567890123", err,
		      sizeof(err)) == -EINVAL &&
	   !strcmp(c.node, "node-1"),
	   "node and cluster names: [A-Za-z0-9_-], 1..32 (%s)", err);
	ok(config_key_known("cluster-timeout") && config_key_known("node-key") &&
	   !config_key_is_flag("cluster"), "--cluster, --node-key options");
	c.users = strdup("/etc/secmsg/users");
	ok(config_check(&c, err, sizeof(err)) == -EINVAL &&
	   strstr(err, "secmsgd user add"),
	   "a users file in a cluster: refused (%s)", err);
	free(c.users);
	c.users = NULL;
	free(c.peers);
	c.peers = NULL;
	ok(config_check(&c, err, sizeof(err)) == -EINVAL &&
	   strstr(err, "peers"), "cluster without peers (%s)", err);
	free(c.cluster);
	c.cluster = NULL;
	ok(config_check(&c, err, sizeof(err)) == -EINVAL &&
	   strstr(err, "need cluster"), "node without cluster (%s)", err);
	config_free(&c);
	ok(!c.node && !c.cluster_name && !c.node_key,
	   "config_free frees the names");
	config_defaults(&c);
	c.cluster_timeout = 0;
	ok(config_check(&c, err, sizeof(err)) == -EINVAL,
	   "cluster_timeout 0 refused");
	ok(config_name_valid("a") && config_name_valid("Node_9-x") &&
	   !config_name_valid("") && !config_name_valid(NULL) &&
	   !config_name_valid("a>") && !config_name_valid("a@b"),
	   "config_name_valid");
}

int main(void)
{
	test_values();
	test_keys();
	test_text();
	test_cluster();
	return done();
}
