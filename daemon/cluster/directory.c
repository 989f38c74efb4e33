// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The directory of the peers' users (see directory.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "directory.h"

int dir_init(struct dir *d, const char *const *names, size_t n,
	     dir_presence_fn presence, void *arg)
{
	size_t i;

	memset(d, 0, sizeof(*d));
	d->presence = presence;
	d->arg = arg;
	if (!n)
		return 0;
	d->peers = calloc(n, sizeof(*d->peers));
	if (!d->peers)
		return -ENOMEM;
	d->n = n;
	for (i = 0; i < n; i++) {
		if (!cw_node_valid(names[i]))
			return -EINVAL;
		strcpy(d->peers[i].name, names[i]);
		d->peers[i].id = (uint32_t)i + 1;
	}
	return 0;
}

void dir_exit(struct dir *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		table_free_all(&d->peers[i].users);
	free(d->peers);
	memset(d, 0, sizeof(*d));
}

struct dir_peer *dir_peer(struct dir *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->peers[i].name, name))
			return &d->peers[i];
	return NULL;
}

struct dir_peer *dir_peer_id(struct dir *d, uint32_t id)
{
	return id >= 1 && id <= d->n ? &d->peers[id - 1] : NULL;
}

void dir_snap_init(struct dir_snap *s)
{
	memset(s, 0, sizeof(*s));
}

int dir_snap_add(struct dir_snap *s, const char *user, unsigned int n)
{
	size_t len = strlen(user);
	struct dir_user *u;

	if (table_get_str(&s->users, user))
		return -EEXIST;
	u = malloc(sizeof(*u) + len + 1);
	if (!u) {
		s->oom = true;
		return -ENOMEM;
	}
	u->n = n;
	memcpy(u->name, user, len + 1);
	if (table_put_str(&s->users, u->name, u)) {
		free(u);
		s->oom = true;
		return -ENOMEM;
	}
	s->logins += n;
	return 0;
}

void dir_snap_free(struct dir_snap *s)
{
	table_free_all(&s->users);
	s->logins = 0;
}

static unsigned int count_in(const struct table *t, const char *user)
{
	const struct dir_user *u = table_get_str(t, user);

	return u ? u->n : 0;
}

unsigned int dir_peer_logins(const struct dir_peer *p, const char *user)
{
	return p->up ? count_in(&p->users, user) : 0;
}

unsigned int dir_logins(const struct dir *d, const char *user)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->peers[i].up)
			n += count_in(&d->peers[i].users, user);
	return n;
}

/*
 * p's users become `next` (NULL: none; p->up already says whether p
 * counts afterwards).  Users whose total over the peers crosses zero
 * are reported.  `was_up`: whether p counted before.
 */
static void replace(struct dir *d, struct dir_peer *p, bool was_up,
		    struct table *next, unsigned int logins)
{
	struct table old = p->users;
	struct tent *e;
	size_t i;

	/* the new set first, so that dir_logins() sees "after" */
	memset(&p->users, 0, sizeof(p->users));
	if (next) {
		p->users = *next;
		memset(next, 0, sizeof(*next));
	}
	p->logins = logins;
	if (!p->up) {
		table_free_all(&p->users);
		p->logins = 0;
	}
	/* users that were there: gone everywhere now? */
	for (e = table_first(&old, &i); e; e = table_next(&old, e, &i)) {
		const struct dir_user *u = e->val;
		unsigned int after = dir_logins(d, u->name);
		unsigned int before = after - (p->up ?
			count_in(&p->users, u->name) : 0) +
			(was_up ? u->n : 0);

		if (!before != !after && d->presence)
			d->presence(d->arg, u->name, after > 0);
	}
	/* users that are new here: online now where they were not? */
	for (e = table_first(&p->users, &i); e;
	     e = table_next(&p->users, e, &i)) {
		const struct dir_user *u = e->val;
		unsigned int after, before;

		if (table_get_str(&old, u->name))
			continue;	/* done above */
		after = dir_logins(d, u->name);
		before = after - u->n;
		if (!before != !after && d->presence)
			d->presence(d->arg, u->name, after > 0);
	}
	table_free_all(&old);
}

enum dir_apply dir_apply(struct dir *d, struct dir_peer *p, uint64_t boot,
			 uint64_t seq, struct dir_snap *s, uint64_t now_ns)
{
	enum dir_apply r = DIR_APPLIED;
	bool was_up = p->up;

	if (p->up && boot == p->boot && seq <= p->seq) {
		/* the same one again (the node's loop is busy): alive */
		if (seq == p->seq && now_ns > p->last_ns)
			p->last_ns = now_ns;
		dir_snap_free(s);
		return DIR_STALE;
	}
	if (!p->up) {
		r = DIR_CAME_UP;
	} else if (boot != p->boot) {
		/* its old logins are gone with its old process */
		dir_gone(d, p);
		was_up = false;
		r = DIR_RESTARTED;
	}
	p->up = true;
	if (r != DIR_APPLIED)
		p->ups++;
	p->boot = boot;
	p->seq = seq;
	p->last_ns = now_ns;
	replace(d, p, was_up, &s->users, s->logins);
	dir_snap_free(s);
	return r;
}

void dir_gone(struct dir *d, struct dir_peer *p)
{
	bool was_up = p->up;

	p->up = false;
	replace(d, p, was_up, NULL, 0);
}

unsigned int dir_expire(struct dir *d, uint64_t now_ns, uint64_t timeout_ns,
			void (*gone)(void *arg, struct dir_peer *p),
			void *arg)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < d->n; i++) {
		struct dir_peer *p = &d->peers[i];

		if (!p->up || now_ns - p->last_ns <= timeout_ns)
			continue;
		dir_gone(d, p);
		n++;
		if (gone)
			gone(arg, p);
	}
	return n;
}

unsigned int dir_nodes(const struct dir *d, const char *user,
		       struct dir_peer **out, unsigned int max)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < d->n && n < max; i++)
		if (d->peers[i].up && count_in(&d->peers[i].users, user))
			out[n++] = &d->peers[i];
	return n;
}

void dir_users(const struct dir *d, void (*fn)(void *arg, const char *user),
	       void *arg)
{
	struct tent *e;
	size_t i, j, k;

	for (i = 0; i < d->n; i++) {
		const struct dir_peer *p = &d->peers[i];

		if (!p->up)
			continue;
		for (e = table_first(&p->users, &j); e;
		     e = table_next(&p->users, e, &j)) {
			const struct dir_user *u = e->val;
			bool seen = false;

			/* listed by an earlier peer already? */
			for (k = 0; k < i && !seen; k++)
				seen = d->peers[k].up &&
				       count_in(&d->peers[k].users, u->name);
			if (!seen)
				fn(arg, u->name);
		}
	}
}
