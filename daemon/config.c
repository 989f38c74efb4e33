// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * secmsgd configuration: one table of keys, shared by the config file and
 * the command line (which is applied after the file, so it wins).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <linux/secmsg.h>

#include "config.h"

enum ktype {
	K_PORT,		/* 1..65535 */
	K_PORT0,	/* 0..65535, 0: off */
	K_STR,		/* string, "" means unset */
	K_BOOL,
	K_DUR32,	/* duration in seconds, fits u32 */
	K_GRACE,	/* duration, at most SECMSG_REKEY_GRACE_MAX */
	K_COUNT64,	/* u64 count, at most SECMSG_MAX_MESSAGES_LIMIT */
	K_UINT,		/* unsigned int count */
	K_UINT1,	/* unsigned int count, at least 1 */
	K_SIZE,		/* bytes, K/M/G suffixes */
	K_RATE,		/* non-negative number */
	K_BURST,	/* number >= 1 */
	K_CONFLICT,	/* replace | refuse */
	K_NAME,		/* a node or cluster name (config_name_valid()) */
};

struct key {
	const char *name;
	enum ktype type;
	size_t off;
};

#define K(n, t, f) { n, t, offsetof(struct config, f) }
static const struct key keys[] = {
	K("port", K_PORT, port),
	K("listen", K_STR, listen),
	K("tls_cert", K_STR, tls_cert),
	K("tls_key", K_STR, tls_key),
	K("metrics_port", K_PORT0, metrics_port),
	K("metrics_listen", K_STR, metrics_listen),
	K("www", K_STR, www),
	K("identity", K_STR, identity),
	K("users", K_STR, users),
	K("register", K_BOOL, register_users),
	K("session_timeout", K_DUR32, session_timeout),
	K("idle_timeout", K_DUR32, idle_timeout),
	K("rotate_interval", K_DUR32, rotate_interval),
	K("rekey_grace", K_GRACE, rekey_grace),
	K("max_messages_per_key", K_COUNT64, max_messages),
	K("max_connections", K_UINT1, max_connections),
	K("max_user_connections", K_UINT1, max_user_connections),
	K("on_conflict", K_CONFLICT, on_conflict),
	K("handshake_timeout", K_DUR32, handshake_timeout),
	K("max_frame", K_SIZE, max_frame),
	K("max_queue", K_SIZE, max_queue),
	K("rate", K_RATE, rate),
	K("burst", K_BURST, burst),
	K("user_rate", K_RATE, user_rate),
	K("user_burst", K_BURST, user_burst),
	K("presence", K_BOOL, presence),
	K("syslog", K_BOOL, syslog),
	K("cluster", K_STR, cluster),
	K("node", K_NAME, node),
	K("cluster_name", K_NAME, cluster_name),
	K("node_key", K_STR, node_key),
	K("peers", K_STR, peers),
	K("cluster_timeout", K_DUR32, cluster_timeout),
};
#undef K

#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->port = 8765;
	c->session_timeout = 86400;
	c->idle_timeout = 3600;
	c->rotate_interval = 3600;
	c->rekey_grace = 10;
	c->max_messages = 1ULL << 20;
	c->max_connections = 10000;
	c->max_user_connections = 1;
	c->on_conflict = CONFLICT_REPLACE;
	c->handshake_timeout = 10;
	c->max_frame = 256 * 1024;
	c->max_queue = 4 * 1024 * 1024;
	c->rate = 50;
	c->burst = 100;
	c->user_rate = 100;
	c->user_burst = 200;
	c->presence = true;
	c->syslog = false;
	c->cluster_timeout = 10;
}

bool config_name_valid(const char *name)
{
	size_t n = name ? strnlen(name, CONFIG_NODE_MAX + 1) : 0, i;

	if (!n || n > CONFIG_NODE_MAX || name[0] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_' &&
		    name[i] != '-')
			return false;
	return true;
}

static bool is_str(const struct key *k)
{
	return k->type == K_STR || k->type == K_NAME;
}

static char **str_field(struct config *c, const struct key *k)
{
	return (char **)((char *)c + k->off);
}

void config_free(struct config *c)
{
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		if (is_str(&keys[i])) {
			free(*str_field(c, &keys[i]));
			*str_field(c, &keys[i]) = NULL;
		}
	}
}

int config_copy(struct config *dst, const struct config *src)
{
	size_t i;

	*dst = *src;
	for (i = 0; i < NKEYS; i++) {
		char **p = str_field(dst, &keys[i]);

		if (!is_str(&keys[i]) || !*p)
			continue;
		*p = strdup(*p);
		if (!*p) {
			/* strings after i still point into src: clear them */
			for (i = i + 1; i < NKEYS; i++)
				if (is_str(&keys[i]))
					*str_field(dst, &keys[i]) = NULL;
			config_free(dst);
			return -ENOMEM;
		}
	}
	return 0;
}

static const struct key *find_key(const char *name)
{
	char norm[64];
	size_t i, n = strlen(name);

	if (n >= sizeof(norm))
		return NULL;
	for (i = 0; i <= n; i++)
		norm[i] = name[i] == '-' ? '_' : name[i];
	for (i = 0; i < NKEYS; i++)
		if (!strcmp(keys[i].name, norm))
			return &keys[i];
	return NULL;
}

bool config_key_known(const char *key)
{
	return find_key(key) != NULL;
}

bool config_key_is_flag(const char *key)
{
	const struct key *k = find_key(key);

	return k && k->type == K_BOOL;
}

int config_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

/* A decimal unsigned number followed by one optional suffix character. */
static int parse_num_suffix(const char *s, uint64_t *num, char *suffix)
{
	uint64_t v = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*suffix = *p;
	if (*p && p[1])
		return -EINVAL;
	*num = v;
	return 0;
}

int config_parse_duration(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v, mul;
	char suf;
	int err = parse_num_suffix(s, &v, &suf);

	if (err)
		return err;
	switch (suf) {
	case '\0': case 's': mul = 1; break;
	case 'm': mul = 60; break;
	case 'h': mul = 3600; break;
	case 'd': mul = 86400; break;
	default: return -EINVAL;
	}
	if (v > max / mul)
		return -ERANGE;
	*out = v * mul;
	return 0;
}

int config_parse_size(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v, mul;
	char suf;
	int err = parse_num_suffix(s, &v, &suf);

	if (err)
		return err;
	switch (suf) {
	case '\0': mul = 1; break;
	case 'k': case 'K': mul = 1024; break;
	case 'm': case 'M': mul = 1024 * 1024; break;
	case 'g': case 'G': mul = 1024 * 1024 * 1024; break;
	default: return -EINVAL;
	}
	if (v > max / mul)
		return -ERANGE;
	*out = v * mul;
	return 0;
}

static int parse_double(const char *s, double min, double *out)
{
	char *end;
	double d;

	if (!*s || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	d = strtod(s, &end);
	if (errno || *end || !isfinite(d) || d < min || d > 1e9)
		return -EINVAL;
	*out = d;
	return 0;
}

int config_set(struct config *c, const char *key, const char *value,
	       char *err, size_t errlen)
{
	const struct key *k = find_key(key);
	void *field;
	uint64_t v;
	double d;
	bool b;
	int rc = 0;

	if (!k) {
		seterr(err, errlen, "unknown key '%s'", key);
		return -ENOENT;
	}
	field = (char *)c + k->off;
	switch (k->type) {
	case K_PORT:
	case K_PORT0:
		rc = config_parse_size(value, 65535, &v);
		if (!rc && strspn(value, "0123456789") != strlen(value))
			rc = -EINVAL;
		if (!rc && k->type == K_PORT && !v)
			rc = -ERANGE;
		if (!rc)
			*(unsigned int *)field = (unsigned int)v;
		break;
	case K_NAME:
		if (*value && !config_name_valid(value)) {
			seterr(err, errlen, "%s: bad name '%s' (1 to %d of "
			       "A-Z a-z 0-9 _ -)", k->name, value,
			       CONFIG_NODE_MAX);
			return -EINVAL;
		}
		__attribute__((fallthrough));
	case K_STR: {
		char *dup = NULL;

		if (*value) {
			dup = strdup(value);
			if (!dup) {
				seterr(err, errlen, "out of memory");
				return -ENOMEM;
			}
		}
		free(*(char **)field);
		*(char **)field = dup;
		break;
	}
	case K_BOOL:
		rc = config_parse_bool(value, &b);
		if (!rc)
			*(bool *)field = b;
		break;
	case K_DUR32:
	case K_GRACE:
		rc = config_parse_duration(value, k->type == K_GRACE ?
					   SECMSG_REKEY_GRACE_MAX : UINT32_MAX,
					   &v);
		if (!rc)
			*(uint32_t *)field = (uint32_t)v;
		break;
	case K_COUNT64:
		rc = config_parse_size(value, SECMSG_MAX_MESSAGES_LIMIT, &v);
		if (!rc)
			*(uint64_t *)field = v;
		break;
	case K_UINT:
	case K_UINT1:
		rc = config_parse_size(value, 1000000000, &v);
		if (!rc && k->type == K_UINT1 && !v)
			rc = -ERANGE;
		if (!rc)
			*(unsigned int *)field = (unsigned int)v;
		break;
	case K_SIZE:
		rc = config_parse_size(value, 1ULL << 30, &v);
		if (!rc && !v)
			rc = -ERANGE;
		if (!rc)
			*(size_t *)field = (size_t)v;
		break;
	case K_RATE:
	case K_BURST:
		rc = parse_double(value, k->type == K_BURST ? 1 : 0, &d);
		if (!rc)
			*(double *)field = d;
		break;
	case K_CONFLICT:
		if (!strcmp(value, "replace"))
			c->on_conflict = CONFLICT_REPLACE;
		else if (!strcmp(value, "refuse"))
			c->on_conflict = CONFLICT_REFUSE;
		else
			rc = -EINVAL;
		break;
	}
	if (rc) {
		seterr(err, errlen, "%s: %s value '%s'", k->name,
		       rc == -ERANGE ? "out-of-range" : "bad", value);
		return -EINVAL;
	}
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int config_parse_text(struct config *c, const char *text, const char *name,
		      char *err, size_t errlen)
{
	char *copy = strdup(text), *line, *next, *eq, *key, *val;
	char sub[CONFIG_ERR_LEN];
	unsigned int lineno = 0;
	int rc = 0;
	size_t n;

	if (!copy) {
		seterr(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (line = copy; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		line = trim(line);
		if (!*line || *line == '#')
			continue;
		eq = strchr(line, '=');
		if (!eq) {
			seterr(err, errlen, "%s:%u: expected 'key = value'",
			       name, lineno);
			rc = -EINVAL;
			break;
		}
		*eq = '\0';
		key = trim(line);
		val = trim(eq + 1);
		n = strlen(val);
		if (n >= 2 && val[0] == '"' && val[n - 1] == '"') {
			val[n - 1] = '\0';
			val++;
		}
		rc = config_set(c, key, val, sub, sizeof(sub));
		if (rc) {
			seterr(err, errlen, "%s:%u: %s", name, lineno, sub);
			break;
		}
	}
	free(copy);
	return rc;
}

int config_load_file(struct config *c, const char *path, char *err,
		     size_t errlen)
{
	FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t len = 0, cap = 0, n;
	int rc;

	if (!f) {
		rc = -errno;
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	for (;;) {
		if (cap - len < 4096) {
			char *p;

			if (cap > (1 << 20)) {
				seterr(err, errlen, "%s: too large", path);
				free(text);
				fclose(f);
				return -EFBIG;
			}
			p = realloc(text, cap + 8192);
			if (!p) {
				free(text);
				fclose(f);
				seterr(err, errlen, "out of memory");
				return -ENOMEM;
			}
			text = p;
			cap += 8192;
		}
		n = fread(text + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	rc = ferror(f) ? -EIO : 0;
	fclose(f);
	if (rc) {
		seterr(err, errlen, "%s: read error", path);
		free(text);
		return rc;
	}
	text[len] = '\0';
	if (strlen(text) != len) {
		seterr(err, errlen, "%s: contains a NUL byte", path);
		free(text);
		return -EINVAL;
	}
	rc = config_parse_text(c, text, path, err, errlen);
	free(text);
	return rc;
}

int config_check(const struct config *c, char *err, size_t errlen)
{
	if (!c->tls_cert != !c->tls_key) {
		seterr(err, errlen, "tls_cert and tls_key go together");
		return -EINVAL;
	}
	if (c->www && strcmp(c->www, "off") && c->www[0] != '/') {
		seterr(err, errlen, "www is a directory's absolute path, or off");
		return -EINVAL;
	}
	if (c->metrics_port && c->metrics_port == c->port) {
		seterr(err, errlen, "metrics_port must differ from port");
		return -EINVAL;
	}
	if (c->max_frame < 1024) {
		seterr(err, errlen, "max_frame must be at least 1K");
		return -EINVAL;
	}
	if (!c->cluster && (c->node || c->peers)) {
		seterr(err, errlen, "node and peers need cluster (the NATS "
		       "servers)");
		return -EINVAL;
	}
	if (c->cluster && (!c->node || !c->peers)) {
		seterr(err, errlen, "cluster needs node (this node's name) "
		       "and peers (the nodes' public keys)");
		return -EINVAL;
	}
	if (c->cluster && c->users) {
		seterr(err, errlen, "a cluster keeps its users in NATS, not in "
		       "a users file: add them with 'secmsgd user add'");
		return -EINVAL;
	}
	if (c->cluster_timeout < 1) {
		seterr(err, errlen, "cluster_timeout must be at least 1s");
		return -EINVAL;
	}
	if (c->max_user_connections > SECMSGD_MAX_LOGINS) {
		seterr(err, errlen,
		       "max_user_connections must be at most %d (every login gets a copy of each message)",
		       SECMSGD_MAX_LOGINS);
		return -EINVAL;
	}
	return 0;
}
