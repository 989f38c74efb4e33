// SPDX-License-Identifier: GPL-2.0 OR MIT
/* secmsgctl stats: namespace totals */
#include <stdio.h>

#include "secmsgctl.h"

void usage_stats(FILE *f)
{
	fputs("usage: secmsgctl [OPTIONS] stats\n"
	      "Print the totals of the network namespace (SECMSG_CMD_STATS_GET).\n",
	      f);
}

static const struct {
	int attr;
	const char *name;	/* text; JSON uses it with '-' as '_' */
	const char *json;
} stat_names[] = {
	{ SECMSG_STATS_A_SESSIONS, "sessions", "sessions" },
	{ SECMSG_STATS_A_SESSIONS_ACTIVE, "sessions-active", "sessions_active" },
	{ SECMSG_STATS_A_SESSIONS_PENDING, "sessions-pending", "sessions_pending" },
	{ SECMSG_STATS_A_SESSIONS_AES_256_GCM, "sessions-aes_256_gcm",
	  "sessions_aes_256_gcm" },
	{ SECMSG_STATS_A_SESSIONS_CHACHA20_POLY1305,
	  "sessions-chacha20_poly1305", "sessions_chacha20_poly1305" },
	{ SECMSG_STATS_A_SESSIONS_TWOFISH_CBC, "sessions-twofish_cbc",
	  "sessions_twofish_cbc" },
	{ SECMSG_STATS_A_SEALED, "sealed", "sealed" },
	{ SECMSG_STATS_A_OPENED, "opened", "opened" },
	{ SECMSG_STATS_A_RESEALED, "resealed", "resealed" },
	{ SECMSG_STATS_A_CRYPT_OPS, "crypt-ops", "crypt_ops" },
	{ SECMSG_STATS_A_AUTH_FAILURES, "auth-failures", "auth_failures" },
	{ SECMSG_STATS_A_REPLAYS, "replays", "replays" },
	{ SECMSG_STATS_A_STALE_EPOCH, "stale-epoch", "stale_epoch" },
	{ SECMSG_STATS_A_BAD_HEADER, "bad-header", "bad_header" },
	{ SECMSG_STATS_A_NO_SESSION, "no-session", "no_session" },
	{ SECMSG_STATS_A_ROTATIONS, "rotations", "rotations" },
	{ SECMSG_STATS_A_EXPIRED, "expired", "expired" },
	{ SECMSG_STATS_A_CREATED, "created", "created" },
	{ SECMSG_STATS_A_DELETED, "deleted", "deleted" },
};

/* "fail-auth-failed": a failure reason's count, named by its reason */
static void fail_name(int why, char sep, char *buf, size_t size)
{
	snprintf(buf, size, "fail-%s", secmsg_fail_name(why));
	for (char *p = buf; *p; p++)
		if (*p == '-')
			*p = sep;
}

int do_stats(int argc, char **argv)
{
	struct secmsg_stats st = { 0 };
	struct secmsg_nl *nl;
	int err;

	if (argc > 0 && is_help(argv[0])) {
		usage_stats(stdout);
		return 0;
	}
	if (argc > 0)
		return usage_err("stats: unexpected argument \"%s\"", argv[0]);
	err = ctl_open(&nl);
	if (err)
		return err;
	err = secmsg_stats_get(nl, &st);
	if (err)
		err = nl_fail(nl, err, NULL, "stats");
	secmsg_nl_close(nl);
	if (err)
		return err;
	if (opts.json) {
		cJSON *o = cJSON_CreateObject();
		char name[64];

		for (size_t i = 0; o && i < ARRAY_SIZE(stat_names); i++)
			json_add_u64(o, stat_names[i].json,
				     st.v[stat_names[i].attr]);
		for (int why = 1; o && why <= SECMSG_FAIL_MAX; why++) {
			fail_name(why, '_', name, sizeof(name));
			json_add_u64(o, name, st.fail[why]);
		}
		return json_print(o);
	}
	for (size_t i = 0; i < ARRAY_SIZE(stat_names); i++)
		print_count(28, stat_names[i].name, st.v[stat_names[i].attr]);
	for (int why = 1; why <= SECMSG_FAIL_MAX; why++) {
		char name[64];

		fail_name(why, '-', name, sizeof(name));
		print_count(28, name, st.fail[why]);
	}
	return 0;
}
