/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * secmsgd configuration: defaults, "key = value" files, and overrides by
 * key (the command line's --some-key VALUE is key some_key).  Pure: no
 * I/O except config_load_file(); host-tested.
 */
#ifndef SECMSGD_CONFIG_H
#define SECMSGD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/secmsg.h>

/*
 * Logins per user at most: each login gets its own copy of every
 * message, and one kernel batch must hold every copy of the largest
 * message (copies count against SECMSG_BATCH_MAX_BYTES): 4.
 */
#define SECMSGD_MAX_LOGINS	(SECMSG_BATCH_MAX_BYTES / \
				 (SECMSG_MAX_PLAINTEXT + SECMSG_MAX_OVERHEAD))

enum conflict_policy {
	CONFLICT_REPLACE,	/* a new login replaces the oldest one */
	CONFLICT_REFUSE,	/* a new login over the limit is refused */
};

struct config {
	/* listening */
	unsigned int port;
	char *listen;			/* address or interface; NULL: all */
	char *tls_cert, *tls_key;	/* both or neither */
	unsigned int metrics_port;	/* 0: no metrics endpoint */
	char *metrics_listen;		/* NULL: 127.0.0.1 */
	char *www;			/* the web page's directory, "off";
					 * NULL: the built-in one (www.h) */
	/* identity and users */
	char *identity;			/* NULL: the kernel's, or generated */
	char *users;			/* users file, NULL: none */
	bool register_users;		/* registration on first use */
	/* kernel session policy (0 disables, as SECMSG_A_POLICY) */
	uint32_t session_timeout, idle_timeout, rotate_interval, rekey_grace;
	uint64_t max_messages;
	/* connections */
	unsigned int max_connections;
	unsigned int max_user_connections;
	enum conflict_policy on_conflict;
	uint32_t handshake_timeout;	/* seconds from connect to ready */
	size_t max_frame;		/* bytes of one incoming frame */
	size_t max_queue;		/* bytes queued to one slow client */
	double rate, user_rate;		/* tokens per second, 0: unlimited */
	double burst, user_burst;
	bool presence;			/* send presence frames */
	bool syslog;			/* audit to syslog, not stderr */
	/* cluster (docs/cluster.md); cluster NULL: this node alone */
	char *cluster;			/* NATS servers, comma-separated */
	char *node;			/* this node's name */
	char *cluster_name;		/* NATS subject prefix secmsg.<name> */
	char *node_key;			/* the node's X25519 private key file */
	char *peers;			/* "NODE BASE64PUBKEY" lines */
	uint32_t cluster_timeout;	/* seconds a remote copy may take */
};

/* Node names: 1..32 of [A-Za-z0-9_-], not starting with '-' (NATS
 * subject tokens); cluster names the same (a NATS KV bucket's name). */
#define CONFIG_NODE_MAX		32
bool config_name_valid(const char *name);

#define CONFIG_ERR_LEN	256

void config_defaults(struct config *c);
void config_free(struct config *c);
/* Deep copy (strings duplicated); 0 or -ENOMEM. */
int config_copy(struct config *dst, const struct config *src);

/*
 * Set one key.  Keys use '_' (a '-' is taken as '_').  Return 0, or
 * -ENOENT (unknown key) / -EINVAL (bad value) / -ENOMEM with err set.
 */
int config_set(struct config *c, const char *key, const char *value,
	       char *err, size_t errlen);
/* Whether key takes a value (false: a yes/no flag, "--register"). */
bool config_key_is_flag(const char *key);
bool config_key_known(const char *key);

/*
 * Parse "key = value" lines (# comments, blank lines, surrounding white
 * space and optional double quotes around the value).  name is used in
 * messages ("FILE:LINE: ...").  Stops at the first error.
 */
int config_parse_text(struct config *c, const char *text, const char *name,
		      char *err, size_t errlen);
int config_load_file(struct config *c, const char *path, char *err,
		     size_t errlen);
/* Cross-field checks after everything was applied. */
int config_check(const struct config *c, char *err, size_t errlen);

/* Value parsers, exposed for the tests. */
int config_parse_duration(const char *s, uint64_t max, uint64_t *out);
int config_parse_size(const char *s, uint64_t max, uint64_t *out);
int config_parse_bool(const char *s, bool *out);

#endif
