// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * secmsgd: the WebSocket messaging daemon of secmsg.  Clients authenticate
 * with the kernel's Noise KK handshake and exchange sealed messages that
 * the kernel re-seals from the sender's session to the recipient's: the
 * daemon never holds a key or a plaintext.  See secmsgd(8).
 *
 * This file: options, configuration and reloads, signals, and the
 * wiring of the three layers, each given what it needs:
 *
 *   transport       server.c, conn.c    sockets, frames, output queues
 *      |  router.h
 *   router          router.c, logins.c, auth.c, relay.c, route*.c
 *      |  ksession.h, kbatch.h, kernel.h
 *   kernel adapter  ksession.c, kbatch.c, kernel.c
 *
 * Calls go down only; upcalls go back through the interfaces wired here
 * (conn_router_up, router_ksession_up, router_kbatch_up).  The loop
 * flushes the kernel adapter's queue once per iteration: the daemon's
 * one flush point.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "secmsg/codec.h"
#include "secmsg/handshake.h"

#include "audit.h"
#include "clock.h"
#include "config.h"
#include "conn.h"
#include "kbatch.h"
#include "kernel.h"
#include "klinks.h"
#include "ksession.h"
#include "loopstat.h"
#include "metrics.h"
#include "proto.h"
#include "route.h"
#include "router.h"
#include "server.h"
#include "users_file.h"
#include "www.h"
#include "cluster/bus.h"
#include "cluster/cmds.h"
#include "cluster/route_nats.h"

#define SECMSGD_VERSION	SECMSG_VERSION	/* from the Makefile */
/* Seconds SIGTERM gives clients to receive their bye. */
#define STOP_GRACE	5

/* A command-line override: re-applied over the file on every reload. */
struct override {
	const char *key;
	const char *value;
};

/* The process: what main() wires the layers with. */
static struct {
	struct config cfg;		/* reloaded in place */
	const char *config_path;	/* NULL: no file */
	struct override *ovr;
	size_t novr;
	struct metrics m;
	int sigfd;
	bool reload;			/* SIGHUP: reload after the flush */
	bool stopping;			/* SIGTERM: closing everyone */
	uint64_t stop_deadline;
} D = { .sigfd = -1 };

static void usage(FILE *f)
{
	fprintf(f,
"Usage: secmsgd [OPTIONS] [user add|del ...]\n"
"WebSocket messaging daemon of secmsg (see secmsgd(8)).\n"
"\n"
"  -c, --config FILE             read 'key = value' settings from FILE\n"
"  -p, --port N                  WebSocket port (8765)\n"
"      --listen ADDR             listen address or interface (all)\n"
"      --tls-cert FILE --tls-key FILE   serve wss:// instead of ws://\n"
"      --www DIR|off             the web page served on the same port\n"
"                                (%s)\n"
"      --identity FILE           server key (32 bytes raw, hex or base64);\n"
"                                default: the kernel's, or a new one\n"
"      --print-pubkey            print the server public key and exit\n"
"      --users FILE              'USER BASE64PUBKEY' lines, loaded into\n"
"                                the kernel at start and on SIGHUP\n"
"      --register                register unknown users on first use (demos)\n"
"      --session-timeout DUR     absolute session lifetime (1d)\n"
"      --idle-timeout DUR        session idle timeout (1h)\n"
"      --rotate-interval DUR     key rotation interval (1h)\n"
"      --max-messages-per-key N  messages per key before rotation (1M)\n"
"      --rekey-grace DUR         previous epoch accepted for (10s)\n"
"      --rate R --burst N        per-connection messages/s and burst (50, 100)\n"
"      --user-rate R --user-burst N   per-user ditto (100, 200); 0: unlimited\n"
"      --max-frame SIZE          largest accepted frame (256K)\n"
"      --max-queue SIZE          bytes queued to one client (4M)\n"
"      --max-connections N       (10000)\n"
"      --max-user-connections N  logins per user (1, at most 4)\n"
"      --on-conflict replace|refuse   a login over that limit (replace)\n"
"      --handshake-timeout DUR   connect to ready (10s)\n"
"      --presence / --no-presence     send presence frames (yes)\n"
"      --metrics-port N          serve GET /metrics (off)\n"
"      --metrics-listen ADDR     metrics address (127.0.0.1)\n"
"      --syslog                  audit log to syslog instead of stderr\n"
"Cluster (docs/cluster.md):\n"
"      --cluster URLS            NATS servers (nats://HOST:4222,...): join\n"
"      --node NAME               this node's name\n"
"      --cluster-name NAME       subjects secmsg.NAME.*, bucket NAME_users\n"
"                                (secmsg)\n"
"      --node-key FILE           the node's private key, made when missing\n"
"                                ($STATE_DIRECTORY/node.key)\n"
"      --peers FILE              'NODE BASE64PUBKEY' lines: every node\n"
"      --cluster-timeout DUR     a copy for another node waits at most (10s)\n"
"      --print-node-key          print the node's public key and exit\n"
"      --status                  print the peers of the running node (from\n"
"                                its metrics_port) and exit\n"
"  user add NAME KEYFILE|BASE64  add (or change) a user cluster-wide, exit\n"
"  user del NAME                 delete a user cluster-wide, exit\n"
"  -h, --help                    this help\n"
"  -V, --version                 version\n"
"Durations take s, m, h or d; sizes K, M or G.  The command line wins\n"
"over the config file.  SIGHUP reloads both; SIGTERM closes every\n"
"client (1001), deletes their sessions and exits 0; SIGUSR1 prints\n"
"where the loop's time went (a loopstat line) on stdout.\n", www_default_dir);
}

/* Apply config file + overrides into a fresh config. */
static int load_config(struct config *out, char *err, size_t errlen)
{
	size_t i;
	int rc;

	config_defaults(out);
	if (D.config_path) {
		rc = config_load_file(out, D.config_path, err, errlen);
		if (rc)
			goto fail;
	}
	for (i = 0; i < D.novr; i++) {
		rc = config_set(out, D.ovr[i].key, D.ovr[i].value, err, errlen);
		if (rc)
			goto fail;
	}
	rc = config_check(out, err, errlen);
	if (!rc)
		return 0;
fail:
	config_free(out);
	return rc;
}

/* What the command line asks besides settings. */
struct want {
	bool pubkey, node_key, status;
	int cmd;		/* argv index of "user", 0: none */
};

/* --key VALUE, --key=VALUE, --flag, --no-flag; returns the next index */
static int parse_args(int argc, char **argv, struct want *w)
{
	static char yes[] = "yes", no[] = "no";
	int i;

	D.ovr = calloc((size_t)argc, sizeof(*D.ovr));
	if (!D.ovr)
		exit(1);
	for (i = 1; i < argc; i++) {
		char *a = argv[i], *key, *val = NULL, *eq;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			exit(0);
		}
		if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("secmsgd %s\n", SECMSGD_VERSION);
			exit(0);
		}
		if (!strcmp(a, "--print-pubkey")) {
			w->pubkey = true;
			continue;
		}
		if (!strcmp(a, "--print-node-key")) {
			w->node_key = true;
			continue;
		}
		if (!strcmp(a, "--status")) {
			w->status = true;
			continue;
		}
		if (!strcmp(a, "user")) {
			/* a command: the rest are its arguments */
			w->cmd = i;
			break;
		}
		if (!strcmp(a, "-c") || !strcmp(a, "--config") ||
		    !strncmp(a, "--config=", 9)) {
			if (a[1] == '-' && a[8] == '=')
				D.config_path = a + 9;
			else if (i + 1 < argc)
				D.config_path = argv[++i];
			else
				goto missing;
			continue;
		}
		if (!strcmp(a, "-p")) {
			if (i + 1 >= argc)
				goto missing;
			D.ovr[D.novr].key = "port";
			D.ovr[D.novr++].value = argv[++i];
			continue;
		}
		if (strncmp(a, "--", 2) || !a[2]) {
			fprintf(stderr, "secmsgd: unexpected argument '%s'\n", a);
			goto bad;
		}
		key = a + 2;
		eq = strchr(key, '=');
		if (eq) {
			*eq = '\0';
			val = eq + 1;
		}
		if (!config_key_known(key) && !strncmp(key, "no-", 3) &&
		    config_key_is_flag(key + 3) && !val) {
			key += 3;
			val = no;
		}
		if (!config_key_known(key)) {
			fprintf(stderr, "secmsgd: unknown option '--%s'\n", key);
			goto bad;
		}
		if (!val) {
			if (config_key_is_flag(key))
				val = yes;
			else if (i + 1 < argc)
				val = argv[++i];
			else
				goto missing;
		}
		D.ovr[D.novr].key = key;
		D.ovr[D.novr++].value = val;
	}
	return i;
missing:
	fprintf(stderr, "secmsgd: option '%s' needs a value\n", argv[i]);
bad:
	fprintf(stderr, "Try 'secmsgd --help'.\n");
	exit(2);
}

static void raise_nofile(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (rl.rlim_cur > 1 << 20)
			rl.rlim_cur = 1 << 20;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static const char *kern_open_hint(int rc)
{
	switch (rc) {
	case -ENOENT: return "secmsg.ko is not loaded (modprobe secmsg)";
	case -EPERM:
	case -EACCES: return "secmsgd needs CAP_NET_ADMIN";
	default: return strerror(-rc);
	}
}

static void begin_shutdown(int signo)
{
	struct alog a;

	D.stopping = true;
	D.stop_deadline = now_ns() + STOP_GRACE * 1000000000ULL;
	alog_begin(&a, "shutdown");
	alog_str(&a, "signal", strsignal(signo));
	alog_u64(&a, "connections", server_connections());
	alog_end(&a);
	router_stopping();
	server_shutdown();
}

/* Settings a reload cannot change: the listeners, the identity, the
 * cluster (cluster_timeout can). */
static void keep_restart_only(struct config *nc)
{
	static const struct {
		const char *name;
		size_t off;
	} strs[] = {
		{ "listen", offsetof(struct config, listen) },
		{ "tls_cert", offsetof(struct config, tls_cert) },
		{ "tls_key", offsetof(struct config, tls_key) },
		{ "metrics_listen", offsetof(struct config, metrics_listen) },
		{ "www", offsetof(struct config, www) },
		{ "identity", offsetof(struct config, identity) },
		{ "cluster", offsetof(struct config, cluster) },
		{ "node", offsetof(struct config, node) },
		{ "cluster_name", offsetof(struct config, cluster_name) },
		{ "node_key", offsetof(struct config, node_key) },
		{ "peers", offsetof(struct config, peers) },
	};
	struct alog a;
	size_t i;

	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		char **o = (char **)((char *)&D.cfg + strs[i].off);
		char **n = (char **)((char *)nc + strs[i].off);

		if ((!*o != !*n) || (*o && strcmp(*o, *n))) {
			alog_begin(&a, "config_needs_restart");
			a.warn = true;
			alog_str(&a, "key", strs[i].name);
			alog_end(&a);
		}
		free(*n);
		*n = *o;
		*o = NULL;
	}
	if (nc->port != D.cfg.port || nc->metrics_port != D.cfg.metrics_port) {
		alog_begin(&a, "config_needs_restart");
		a.warn = true;
		alog_str(&a, "key", "port/metrics_port");
		alog_end(&a);
		nc->port = D.cfg.port;
		nc->metrics_port = D.cfg.metrics_port;
	}
}

/*
 * SIGHUP.  Run by the loop right after its flush, not from the signal's
 * callback: users_file_sync() deletes users, and the kernel their
 * sessions, which no queued work may name then.
 */
static void reload(void)
{
	struct config nc;
	char err[CONFIG_ERR_LEN];
	struct alog a;
	int rc;

	if (load_config(&nc, err, sizeof(err))) {
		alog_begin(&a, "config_reload_failed");
		a.warn = true;
		alog_str(&a, "error", err);
		alog_end(&a);
		return;
	}
	keep_restart_only(&nc);
	config_free(&D.cfg);
	D.cfg = nc;
	audit_use_syslog(D.cfg.syslog);
	router_reconfigure();
	alog_begin(&a, "config_reloaded");
	alog_str(&a, "file", D.config_path ? D.config_path : "");
	alog_end(&a);
	if (D.cfg.users || users_file_count()) {
		rc = users_file_sync(D.cfg.users, router_revoke, err,
				     sizeof(err));
		if (rc) {
			alog_begin(&a, "users_reload_failed");
			a.warn = true;
			alog_str(&a, "error", err);
			alog_end(&a);
		}
	}
}

static void on_signal(void *unused)
{
	struct signalfd_siginfo si;

	(void)unused;
	while (read(D.sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			D.reload = true;
		else if (si.ssi_signo == SIGUSR1)
			loopstat_print(stdout, "secmsgd");
		else if (!D.stopping)
			begin_shutdown((int)si.ssi_signo);
	}
}

static int print_node_key(void)
{
	uint8_t priv[SECMSG_X25519_LEN], pub[SECMSG_X25519_LEN];
	char path[300], b64[SECMSG_B64_LEN(SECMSG_X25519_LEN)];
	const char *key = D.cfg.node_key ? D.cfg.node_key :
			  route_nats_default_key(path, sizeof(path));
	int rc = klinks_node_key(key, true, priv);

	if (!rc)
		rc = secmsg_x25519_pub(priv, pub);
	explicit_bzero(priv, sizeof(priv));
	if (rc) {
		fprintf(stderr, "secmsgd: node_key %s: %s\n", key,
			rc == -EINVAL ? "not a 32-byte key (raw, hex or base64)" :
			strerror(-rc));
		return 1;
	}
	secmsg_base64_encode(pub, sizeof(pub), b64);
	/* a line of the peers file */
	printf("%s %s\n", D.cfg.node ? D.cfg.node : "NODE", b64);
	return 0;
}

static int print_pubkey(void)
{
	uint8_t pub[SECMSG_X25519_LEN];
	char b64[SECMSG_B64_LEN(SECMSG_X25519_LEN)];
	int rc;

	if (!D.cfg.identity) {
		rc = kern_open();
		if (rc) {
			fprintf(stderr, "secmsgd: %s\n", kern_open_hint(rc));
			return 1;
		}
	}
	rc = kern_identity_pubkey(D.cfg.identity, pub);
	kern_close();
	if (rc) {
		fprintf(stderr, "secmsgd: %s: %s\n",
			D.cfg.identity ? D.cfg.identity : "kernel identity",
			rc == -ENOKEY ? "the kernel has no identity yet" :
			rc == -EINVAL ? "not a 32-byte key (raw, hex or base64)" :
			strerror(-rc));
		return 1;
	}
	secmsg_base64_encode(pub, sizeof(pub), b64);
	printf("%s\n", b64);
	return 0;
}

int main(int argc, char **argv)
{
	char err[CONFIG_ERR_LEN], b64[SECMSG_B64_LEN(SECMSG_X25519_LEN)];
	uint8_t pub[SECMSG_X25519_LEN];
	struct want want = { 0 };
	struct route *rt;
	const char *how;
	sigset_t set;
	struct alog a;
	int rc;

	proto_init();
	parse_args(argc, argv, &want);
	if (load_config(&D.cfg, err, sizeof(err))) {
		fprintf(stderr, "secmsgd: %s\n", err);
		return 2;
	}
	if (want.pubkey)
		return print_pubkey();
	if (want.node_key)
		return print_node_key();
	if (want.status)
		return cluster_status(&D.cfg, stdout);
	if (want.cmd) {
		rc = cluster_user_cmd(&D.cfg, argc - want.cmd,
				      argv + want.cmd);
		bus_library_exit();
		return rc;
	}
	audit_use_syslog(D.cfg.syslog);
	raise_nofile();
	signal(SIGPIPE, SIG_IGN);
	/*
	 * Blocked before any thread starts (libnats makes its own when the
	 * cluster route connects): a thread that left them unblocked would
	 * take SIGTERM with its default action and kill the process.  The
	 * signalfd below reads them.
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL)) {
		perror("secmsgd: sigprocmask");
		return 1;
	}

	rc = kern_open();
	if (rc) {
		fprintf(stderr, "secmsgd: %s\n", kern_open_hint(rc));
		return 1;
	}
	/* the layers, bottom up, each with its upcalls */
	klinks_init(&D.cfg);
	if (D.cfg.cluster) {
		rt = route_nats_new(&D.cfg, &D.m, &klinks_kernel, err,
				    sizeof(err));
		if (!rt) {
			fprintf(stderr, "secmsgd: cluster: %s\n", err);
			return 1;
		}
	} else {
		rt = route_local_new();
	}
	if (!rt || router_init(&D.cfg, &D.m, &conn_router_up, rt)) {
		fprintf(stderr, "secmsgd: out of memory\n");
		return 1;
	}
	ksession_init(&D.cfg, &router_ksession_up);
	kbatch_init(&D.m, &router_kbatch_up);
	rc = kern_identity_setup(D.cfg.identity, pub, &how);
	if (rc) {
		fprintf(stderr, "secmsgd: identity (%s): %s%s%s\n",
			D.cfg.identity ? D.cfg.identity : "kernel",
			rc == -EINVAL && D.cfg.identity ?
			"not a 32-byte key (raw, hex or base64)" : strerror(-rc),
			*kern_errmsg() ? ": " : "", kern_errmsg());
		return 1;
	}
	secmsg_base64_encode(pub, sizeof(pub), b64);
	printf("secmsgd: server public key %s\n", b64);
	fflush(stdout);
	alog_begin(&a, "identity");
	alog_str(&a, "source", how);
	alog_end(&a);
	if (D.cfg.users) {
		rc = users_file_sync(D.cfg.users, NULL, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "secmsgd: %s\n", err);
			return 1;
		}
	}

	D.sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (D.sigfd < 0) {
		perror("secmsgd: signalfd");
		return 1;
	}
	rc = server_start(&D.cfg, &D.m);
	if (!rc)
		rc = server_adopt(ksession_events_fd(), ksession_events, NULL);
	if (!rc)
		rc = server_adopt(D.sigfd, on_signal, NULL);
	if (!rc && D.cfg.cluster)
		rc = route_nats_adopt(rt, server_adopt);
	if (rc) {
		fprintf(stderr, "secmsgd: cannot serve on port %u%s: %s\n",
			D.cfg.port, D.cfg.metrics_port ? " (or the metrics port)" : "",
			strerror(-rc));
		server_stop();
		kern_close();
		return 1;
	}
	alog_begin(&a, "started");
	alog_str(&a, "version", SECMSGD_VERSION);
	alog_u64(&a, "port", D.cfg.port);
	alog_str(&a, "tls", D.cfg.tls_cert ? "yes" : "no");
	alog_str(&a, "www", www_served() ? www_served() : "off");
	if (D.cfg.metrics_port)
		alog_u64(&a, "metrics_port", D.cfg.metrics_port);
	alog_str(&a, "register", D.cfg.register_users ? "yes" : "no");
	if (D.cfg.cluster)
		alog_str(&a, "node", D.cfg.node);
	alog_u64(&a, "pid", (uint64_t)getpid());
	alog_end(&a);

	/* events that came before the adoption */
	ksession_events(NULL);

	loopstat_start();
	for (;;) {
		if (server_service() < 0)
			break;
		kbatch_flush();		/* the one flush point */
		router_flush();		/* then what goes to other nodes */
		if (D.reload) {
			D.reload = false;
			reload();
		}
		if (D.stopping &&
		    (!server_connections() || now_ns() >= D.stop_deadline))
			break;
	}
	/* the connections left go: their sessions are deleted in order */
	server_stop();
	kbatch_flush();
	router_flush();
	kbatch_exit();
	ksession_exit();
	router_exit();
	kern_close();
	users_file_forget();
	loopstat_print(stdout, "secmsgd");
	alog_begin(&a, "stopped");
	alog_end(&a);
	config_free(&D.cfg);
	free(D.ovr);
	close(D.sigfd);
	return 0;
}
