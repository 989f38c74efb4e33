// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Host tests: the cluster directory (daemon/cluster/directory.c): peers'
 * snapshots, presence transitions across peers, stale and restarted
 * peers, expiry by missed heartbeats, the queries the router uses.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/lib/tests/tap.h"
#include "cluster/directory.h"

#define S 1000000000ULL

static char events[1024];

static void on_presence(void *arg, const char *user, bool online)
{
	(void)arg;
	snprintf(events + strlen(events), sizeof(events) - strlen(events),
		 "%s%c%s", events[0] ? " " : "", online ? '+' : '-', user);
}

/* Events since the last call, sorted (table order is arbitrary). */
static const char *take_events(void)
{
	static char out[1024];
	char *v[64], *tok, *save = NULL;
	int n = 0, i, j;

	for (tok = strtok_r(events, " ", &save); tok && n < 64;
	     tok = strtok_r(NULL, " ", &save))
		v[n++] = tok;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			char *t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	out[0] = '\0';
	for (i = 0; i < n; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s",
			 i ? " " : "", v[i]);
	events[0] = '\0';
	return out;
}

/* A snapshot from "user:n user:n ..." */
static enum dir_apply beat(struct dir *d, const char *peer, uint64_t boot,
			   uint64_t seq, const char *users, uint64_t now)
{
	char *copy = strdup(users), *tok, *save = NULL;
	struct dir_snap s;

	dir_snap_init(&s);
	for (tok = strtok_r(copy, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		char *colon = strchr(tok, ':');

		*colon = '\0';
		dir_snap_add(&s, tok, (unsigned int)atoi(colon + 1));
	}
	free(copy);
	return dir_apply(d, dir_peer(d, peer), boot, seq, &s, now);
}

static char listed[512];
static void list_user(void *arg, const char *user)
{
	(void)arg;
	snprintf(listed + strlen(listed), sizeof(listed) - strlen(listed),
		 "[%s]", user);
}

static int ngone;
static void on_gone(void *arg, struct dir_peer *p)
{
	(void)arg;
	(void)p;
	ngone++;
}

int main(void)
{
	const char *const names[] = { "b", "c" };
	struct dir_peer *out[4];
	struct dir_snap s;
	struct dir d;

	ok(!dir_init(&d, names, 2, on_presence, NULL) &&
	   dir_peer(&d, "b")->id == 1 && dir_peer_id(&d, 2) ==
	   dir_peer(&d, "c") && !dir_peer(&d, "x") && !dir_peer_id(&d, 3) &&
	   !dir_peer_id(&d, 0), "peers numbered 1..n in order");
	ok(beat(&d, "b", 100, 1, "alice:1 bob:2", 1 * S) == DIR_CAME_UP &&
	   !strcmp(take_events(), "+alice +bob"),
	   "b's first heartbeat: b is up, alice and bob online");
	ok(beat(&d, "c", 200, 1, "bob:1 carol:1", 1 * S) == DIR_CAME_UP &&
	   !strcmp(take_events(), "+carol"),
	   "c up: carol online; bob was already");
	ok(dir_logins(&d, "bob") == 3 && dir_logins(&d, "alice") == 1 &&
	   dir_logins(&d, "nobody") == 0, "login counts over the peers");
	ok(dir_peer_logins(dir_peer(&d, "b"), "bob") == 2 &&
	   dir_peer_logins(dir_peer(&d, "c"), "bob") == 1 &&
	   dir_peer_logins(dir_peer(&d, "c"), "alice") == 0,
	   "login counts of one peer");
	ok(dir_nodes(&d, "bob", out, 4) == 2 && out[0]->id == 1 &&
	   out[1]->id == 2 && dir_nodes(&d, "bob", out, 1) == 1 &&
	   dir_nodes(&d, "carol", out, 4) == 1 && out[0]->id == 2,
	   "the nodes of a user, at most max");
	listed[0] = '\0';
	dir_users(&d, list_user, NULL);
	ok(strlen(listed) == strlen("[alice][bob][carol]") &&
	   strstr(listed, "[alice]") && strstr(listed, "[bob]") &&
	   strstr(listed, "[carol]"), "every user once (%s)", listed);

	ok(beat(&d, "b", 100, 1, "", 2 * S) == DIR_STALE &&
	   beat(&d, "b", 100, 0, "", 2 * S) == DIR_STALE &&
	   dir_logins(&d, "alice") == 1 && !take_events()[0],
	   "an old or repeated seq is ignored");
	ok(beat(&d, "b", 100, 2, "bob:1 dave:1", 2 * S) == DIR_APPLIED &&
	   !strcmp(take_events(), "+dave -alice") && dir_logins(&d, "bob") == 2,
	   "b's next snapshot: alice left, dave came, bob still online");
	ok(beat(&d, "c", 200, 2, "carol:1", 2 * S) == DIR_APPLIED &&
	   !take_events()[0] && dir_logins(&d, "bob") == 1,
	   "bob leaves c but is still on b: no event");

	ok(beat(&d, "b", 101, 1, "bob:1", 3 * S) == DIR_RESTARTED &&
	   !strcmp(take_events(), "+bob -bob -dave") &&
	   dir_peer(&d, "b")->boot == 101 && dir_peer(&d, "b")->ups == 2,
	   "b restarted (new boot id, seq from 1): its old logins went, "
	   "the new ones came (%s)", "");
	ok(dir_expire(&d, 5 * S + S / 2, 3 * S, on_gone, NULL) == 1 && ngone == 1 &&
	   !dir_peer(&d, "c")->up && dir_peer(&d, "b")->up &&
	   !strcmp(take_events(), "-carol"),
	   "c silent for 3.5 s: gone, carol offline");
	ok(dir_expire(&d, 6 * S, 3 * S, on_gone, NULL) == 0,
	   "b heard 3 s ago: not gone yet");
	ok(dir_nodes(&d, "carol", out, 4) == 0 && dir_logins(&d, "carol") == 0,
	   "a gone peer's users are nowhere");
	ok(beat(&d, "b", 101, 1, "bob:5", 5 * S) == DIR_STALE &&
	   dir_logins(&d, "bob") == 1 && !take_events()[0] &&
	   dir_expire(&d, 7 * S, 3 * S, on_gone, NULL) == 0 &&
	   dir_peer(&d, "b")->up,
	   "b's last heartbeat again at 5 s (its loop busy): nothing applied, "
	   "but b is still up at 7 s");
	ok(beat(&d, "b", 101, 0, "", 7 * S) == DIR_STALE &&
	   dir_peer(&d, "b")->last_ns == 5 * S,
	   "an older seq does not count as a heartbeat");
	ok(beat(&d, "c", 200, 3, "carol:2", 7 * S) == DIR_CAME_UP &&
	   !strcmp(take_events(), "+carol") && dir_logins(&d, "carol") == 2,
	   "c back (same boot, after a partition): up again, carol online");
	dir_gone(&d, dir_peer(&d, "b"));
	ok(!strcmp(take_events(), "-bob") && !dir_peer(&d, "b")->up,
	   "b leaving: bob offline");
	dir_snap_init(&s);
	ok(!dir_snap_add(&s, "x", 1) && dir_snap_add(&s, "x", 1) == -EEXIST,
	   "a user listed twice in a snapshot is refused");
	dir_snap_free(&s);
	dir_exit(&d);
	ok(dir_init(&d, (const char *const[]){ "bad.name" }, 1, NULL, NULL) ==
	   -EINVAL, "an invalid peer name is refused");
	dir_exit(&d);
	return done();
}
