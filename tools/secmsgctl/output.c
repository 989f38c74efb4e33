// SPDX-License-Identifier: GPL-2.0 OR MIT
/* secmsgctl: output formatting, text and JSON */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "secmsgctl.h"
#include "units.h"

const char *state_name(int state)
{
	switch (state) {
	case SECMSG_STATE_PENDING: return "pending";
	case SECMSG_STATE_ACTIVE: return "active";
	default: return "unknown";
	}
}

const char *event_name(int event)
{
	switch (event) {
	case SECMSG_EVENT_CREATED: return "created";
	case SECMSG_EVENT_ROTATED: return "rotated";
	case SECMSG_EVENT_EXPIRED: return "expired";
	case SECMSG_EVENT_DELETED: return "deleted";
	default: return "unknown";
	}
}

const char *reason_name(int reason)
{
	switch (reason) {
	case SECMSG_REASON_USER: return "user";
	case SECMSG_REASON_TIMEOUT: return "timeout";
	case SECMSG_REASON_IDLE: return "idle";
	case SECMSG_REASON_OWNER_GONE: return "owner-gone";
	case SECMSG_REASON_NETNS_EXIT: return "netns-exit";
	case SECMSG_REASON_HANDSHAKE: return "handshake";
	default: return "unknown";
	}
}

static const char *alg_str(int alg)
{
	const char *n = secmsg_alg_name(alg);

	return n ? n : "unknown";
}

/* Integers up to 2^53 are exact as JSON numbers in every parser; larger
 * ones are written as exact integer literals. */
void json_add_u64(cJSON *obj, const char *name, uint64_t v)
{
	char buf[24];

	if (v <= (1ULL << 53)) {
		cJSON_AddNumberToObject(obj, name, (double)v);
	} else {
		snprintf(buf, sizeof(buf), "%" PRIu64, v);
		cJSON_AddRawToObject(obj, name, buf);
	}
}

void json_add_id(cJSON *obj, const char *name, uint64_t id)
{
	char buf[17];

	snprintf(buf, sizeof(buf), "%016" PRIx64, id);
	cJSON_AddStringToObject(obj, name, buf);
}

static void json_add_time(cJSON *obj, const char *name, uint64_t t)
{
	if (t)
		json_add_u64(obj, name, t);
	else
		cJSON_AddNullToObject(obj, name);
}

int json_print(cJSON *doc)
{
	char *s = doc ? (opts.pretty ? cJSON_Print(doc) :
				       cJSON_PrintUnformatted(doc)) : NULL;

	cJSON_Delete(doc);
	if (!s) {
		msg("out of memory");
		return EXIT_FAIL;
	}
	puts(s);
	cJSON_free(s);
	fflush(stdout);
	return 0;
}

static unsigned long json_stream_n;

void json_stream_begin(void)
{
	json_stream_n = 0;
	fputs("[", stdout);
}

int json_stream_item(cJSON *item)
{
	char *s = item ? (opts.pretty ? cJSON_Print(item) :
					cJSON_PrintUnformatted(item)) : NULL;

	cJSON_Delete(item);
	if (!s) {
		msg("out of memory");
		return EXIT_FAIL;
	}
	if (json_stream_n++)
		fputs(",", stdout);
	if (opts.pretty) {
		/* indent the element one level inside the array */
		fputs("\n\t", stdout);
		for (const char *p = s; *p; p++) {
			fputc(*p, stdout);
			if (*p == '\n')
				fputc('\t', stdout);
		}
	} else {
		fputs(s, stdout);
	}
	cJSON_free(s);
	return 0;
}

void json_stream_end(void)
{
	fputs(opts.pretty && json_stream_n ? "\n]\n" : "]\n", stdout);
	fflush(stdout);
}

cJSON *session_json(const struct secmsg_session_info *s)
{
	cJSON *o = cJSON_CreateObject(), *p, *c, *f;

	if (!o)
		return NULL;
	json_add_id(o, "id", s->id);
	cJSON_AddStringToObject(o, "user", s->user_id);
	cJSON_AddStringToObject(o, "alg", alg_str(s->alg));
	cJSON_AddStringToObject(o, "state", state_name(s->state));
	json_add_u64(o, "epoch", s->epoch);
	f = cJSON_AddArrayToObject(o, "flags");
	if (f && (s->flags & SECMSG_SESSION_F_OWNED))
		cJSON_AddItemToArray(f, cJSON_CreateString("owned"));
	if (f && (s->flags & SECMSG_SESSION_F_LINK))
		cJSON_AddItemToArray(f, cJSON_CreateString("link"));
	if (f && (s->flags & SECMSG_SESSION_F_INITIATOR))
		cJSON_AddItemToArray(f, cJSON_CreateString("initiator"));
	p = cJSON_AddObjectToObject(o, "policy");
	if (p) {
		if (s->policy.has_rotate_interval)
			json_add_u64(p, "rotate_interval",
				     s->policy.rotate_interval);
		if (s->policy.has_max_messages)
			json_add_u64(p, "max_messages", s->policy.max_messages);
		if (s->policy.has_timeout)
			json_add_u64(p, "timeout", s->policy.timeout);
		if (s->policy.has_idle_timeout)
			json_add_u64(p, "idle_timeout", s->policy.idle_timeout);
		if (s->policy.has_rekey_grace)
			json_add_u64(p, "grace", s->policy.rekey_grace);
	}
	c = cJSON_AddObjectToObject(o, "counters");
	if (c) {
		json_add_u64(c, "tx_messages", s->counters.tx_messages);
		json_add_u64(c, "tx_bytes", s->counters.tx_bytes);
		json_add_u64(c, "rx_messages", s->counters.rx_messages);
		json_add_u64(c, "rx_bytes", s->counters.rx_bytes);
		json_add_u64(c, "auth_failures", s->counters.auth_failures);
		json_add_u64(c, "replays", s->counters.replays);
		json_add_u64(c, "rotations", s->counters.rotations);
		json_add_u64(c, "stale_epoch", s->counters.stale_epoch);
	}
	json_add_time(o, "created", s->created);
	json_add_time(o, "last_used", s->last_used);
	json_add_time(o, "expires", s->expires);
	json_add_time(o, "rekey_at", s->rekey_at);
	return o;
}

/* "<local time> (5m ago)" / "(in 2h5m)" */
static char *time_rel(uint64_t t, uint64_t now, char *buf, size_t len)
{
	char tb[UNITS_BUF], db[UNITS_BUF];

	fmt_time(t, tb, sizeof(tb));
	if (t <= now)
		snprintf(buf, len, "%s (%s ago)", tb,
			 fmt_duration(now - t, db, sizeof(db)));
	else
		snprintf(buf, len, "%s (in %s)", tb,
			 fmt_duration(t - now, db, sizeof(db)));
	return buf;
}

static void show_secs(const char *name, bool has, uint32_t v)
{
	char db[UNITS_BUF];

	if (!has)
		printf("%-16s -\n", name);
	else if (!v)
		printf("%-16s 0 (disabled)\n", name);
	else if (opts.exact)
		printf("%-16s %u\n", name, v);
	else if (v < 60)
		printf("%-16s %us\n", name, v);
	else
		printf("%-16s %us (%s)\n", name, v,
		       fmt_duration(v, db, sizeof(db)));
}

void print_count(int width, const char *name, uint64_t v)
{
	char b[UNITS_BUF];

	if (opts.exact || v < 1000)
		printf("%-*s %" PRIu64 "\n", width, name, v);
	else
		printf("%-*s %" PRIu64 " (%s)\n", width, name, v,
		       fmt_count(v, b, sizeof(b)));
}

static void show_count(const char *name, uint64_t v)
{
	print_count(16, name, v);
}

static void show_bytes(const char *name, uint64_t v)
{
	char b[UNITS_BUF];

	if (opts.exact || v < 1024)
		printf("%-16s %" PRIu64 "\n", name, v);
	else
		printf("%-16s %" PRIu64 " (%s)\n", name, v,
		       fmt_bytes(v, b, sizeof(b)));
}

/* "owned,link,initiator", or "-" when none. */
static const char *flag_names(uint32_t flags, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s",
		 flags & SECMSG_SESSION_F_OWNED ? ",owned" : "",
		 flags & SECMSG_SESSION_F_LINK ? ",link" : "",
		 flags & SECMSG_SESSION_F_INITIATOR ? ",initiator" : "");
	return buf[0] ? buf + 1 : "-";
}

void session_print_show(const struct secmsg_session_info *s)
{
	uint64_t now = (uint64_t)time(NULL);
	char tb[2 * UNITS_BUF], fb[32];

	printf("%-16s %016" PRIx64 "\n", "id", s->id);
	printf("%-16s %s\n", "user", s->user_id);
	printf("%-16s %s\n", "algorithm", alg_str(s->alg));
	printf("%-16s %s\n", "state", state_name(s->state));
	printf("%-16s %u\n", "epoch", s->epoch);
	printf("%-16s %s\n", "flags", flag_names(s->flags, fb, sizeof(fb)));
	show_secs("rotate-interval", s->policy.has_rotate_interval,
		  s->policy.rotate_interval);
	if (!s->policy.has_max_messages)
		printf("%-16s -\n", "max-messages");
	else if (!s->policy.max_messages)
		printf("%-16s 0 (disabled)\n", "max-messages");
	else
		show_count("max-messages", s->policy.max_messages);
	show_secs("timeout", s->policy.has_timeout, s->policy.timeout);
	show_secs("idle-timeout", s->policy.has_idle_timeout,
		  s->policy.idle_timeout);
	show_secs("grace", s->policy.has_rekey_grace, s->policy.rekey_grace);
	show_count("tx-messages", s->counters.tx_messages);
	show_bytes("tx-bytes", s->counters.tx_bytes);
	show_count("rx-messages", s->counters.rx_messages);
	show_bytes("rx-bytes", s->counters.rx_bytes);
	show_count("auth-failures", s->counters.auth_failures);
	show_count("replays", s->counters.replays);
	show_count("rotations", s->counters.rotations);
	show_count("stale-epoch", s->counters.stale_epoch);
	if (opts.exact) {
		printf("%-16s %" PRIu64 "\n", "created", s->created);
		printf("%-16s %" PRIu64 "\n", "last-used", s->last_used);
		printf("%-16s %" PRIu64 "\n", "expires", s->expires);
		printf("%-16s %" PRIu64 "\n", "rekey-at", s->rekey_at);
		return;
	}
	printf("%-16s %s\n", "created",
	       time_rel(s->created, now, tb, sizeof(tb)));
	printf("%-16s %s\n", "last-used", s->last_used ?
	       time_rel(s->last_used, now, tb, sizeof(tb)) : "never");
	printf("%-16s %s\n", "expires", s->expires ?
	       time_rel(s->expires, now, tb, sizeof(tb)) : "never");
	printf("%-16s %s\n", "rekey-at", s->rekey_at ?
	       time_rel(s->rekey_at, now, tb, sizeof(tb)) : "disabled");
}

/*
 * The list's columns have fixed widths so that rows can be printed as the
 * dump delivers them; a longer value (a user id over 16 characters, or a
 * large exact number) pushes the rest of its row to the right.
 */
#define LIST_FMT "%-16s %-16s %-17s %-7s %5s %7s %8s %7s %8s %9s %7s %7s %7s %7s\n"

void session_list_header(void)
{
	printf(LIST_FMT, "ID", "USER", "ALG", "STATE", "EPOCH", "TX-MSGS",
	       "TX-BYTES", "RX-MSGS", "RX-BYTES", "AUTH-FAIL", "REPLAYS",
	       "AGE", "IDLE", "EXPIRES");
}

static char *col_count(uint64_t v, char *buf, size_t len)
{
	if (opts.exact)
		snprintf(buf, len, "%" PRIu64, v);
	else
		fmt_count(v, buf, len);
	return buf;
}

static char *col_bytes(uint64_t v, char *buf, size_t len)
{
	if (opts.exact)
		snprintf(buf, len, "%" PRIu64, v);
	else
		fmt_bytes(v, buf, len);
	return buf;
}

static char *col_secs(uint64_t v, char *buf, size_t len)
{
	if (opts.exact)
		snprintf(buf, len, "%" PRIu64, v);
	else
		fmt_duration(v, buf, len);
	return buf;
}

void session_list_row(const struct secmsg_session_info *s)
{
	uint64_t now = (uint64_t)time(NULL);
	char id[17], ep[12], tm[UNITS_BUF], tb[UNITS_BUF], rm[UNITS_BUF],
	     rb[UNITS_BUF], af[UNITS_BUF], rp[UNITS_BUF], age[UNITS_BUF],
	     idle[UNITS_BUF], exp[UNITS_BUF], user[SECMSG_USER_ID_MAX + 16];

	snprintf(id, sizeof(id), "%016" PRIx64, s->id);
	/* a link between nodes: the peer node, and which way it carries */
	if (s->flags & SECMSG_SESSION_F_LINK)
		snprintf(user, sizeof(user), "%s (link %s)", s->user_id,
			 s->flags & SECMSG_SESSION_F_INITIATOR ? "out" : "in");
	else
		snprintf(user, sizeof(user), "%s", s->user_id);
	snprintf(ep, sizeof(ep), "%u", s->epoch);
	col_secs(now > s->created ? now - s->created : 0, age, sizeof(age));
	if (s->last_used)
		col_secs(now > s->last_used ? now - s->last_used : 0, idle,
			 sizeof(idle));
	else
		snprintf(idle, sizeof(idle), "-");
	if (s->expires)
		col_secs(s->expires > now ? s->expires - now : 0, exp,
			 sizeof(exp));
	else
		snprintf(exp, sizeof(exp), "never");
	printf(LIST_FMT, id, user, alg_str(s->alg),
	       state_name(s->state), ep,
	       col_count(s->counters.tx_messages, tm, sizeof(tm)),
	       col_bytes(s->counters.tx_bytes, tb, sizeof(tb)),
	       col_count(s->counters.rx_messages, rm, sizeof(rm)),
	       col_bytes(s->counters.rx_bytes, rb, sizeof(rb)),
	       col_count(s->counters.auth_failures, af, sizeof(af)),
	       col_count(s->counters.replays, rp, sizeof(rp)),
	       age, idle, exp);
}
