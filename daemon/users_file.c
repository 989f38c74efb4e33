// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The users file in the kernel (see users_file.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "files.h"
#include "kernel.h"
#include "users_file.h"

/* Users the last load listed (deleted when the file drops them). */
static char **file_users;
static size_t nfile_users;

static bool listed(const struct user_entry *v, size_t n, const char *user)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i].user, user))
			return true;
	return false;
}

static void log_user(const char *event, const char *user, int rc)
{
	alog_user(event, user, rc, kern_errmsg());
}

int users_file_sync(const char *path, void (*revoke)(const char *user),
		    char *err, size_t errlen)
{
	struct user_entry *v = NULL;
	struct secmsg_user_info info;
	size_t n = 0, i, kept = 0, added = 0, replaced = 0, removed = 0;
	uint8_t *text;
	size_t len;
	char **names;
	int rc;

	if (path) {
		rc = file_read(path, 16 << 20, &text, &len);
		if (rc) {
			snprintf(err, errlen, "%s: %s", path, strerror(-rc));
			return rc;
		}
		rc = users_parse((const char *)text, len, path, &v, &n, err,
				 errlen);
		file_free(text, len);
		if (rc)
			return rc;
	}
	names = calloc(n + 1, sizeof(*names));
	if (!names) {
		free(v);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		rc = kern_user_get(v[i].user, &info);
		if (!rc && !memcmp(info.public_key, v[i].pub, sizeof(v[i].pub))) {
			kept++;
		} else if (!rc) {
			/* a new key: the old one's sessions must go */
			rc = kern_user_del(v[i].user);
			if (!rc)
				rc = kern_user_add(v[i].user, v[i].pub);
			log_user("user_key_replaced", v[i].user, rc);
			if (revoke)
				revoke(v[i].user);
			replaced++;
		} else if (rc == -ENOENT) {
			rc = kern_user_add(v[i].user, v[i].pub);
			if (rc)
				log_user("user_add_failed", v[i].user, rc);
			added++;
		} else {
			log_user("user_add_failed", v[i].user, rc);
		}
		names[i] = strdup(v[i].user);
	}
	/* users of the previous load that the file no longer lists */
	for (i = 0; i < nfile_users; i++) {
		if (listed(v, n, file_users[i]))
			continue;
		rc = kern_user_del(file_users[i]);
		if (rc != -ENOENT)
			log_user("user_removed", file_users[i], rc);
		if (revoke)
			revoke(file_users[i]);
		removed++;
	}
	users_file_forget();
	file_users = names;
	nfile_users = n;
	explicit_bzero(v, n * sizeof(*v));
	free(v);
	{
		struct alog a;

		alog_begin(&a, "users_loaded");
		alog_str(&a, "file", path ? path : "");
		alog_u64(&a, "users", n);
		alog_u64(&a, "added", added);
		alog_u64(&a, "replaced", replaced);
		alog_u64(&a, "removed", removed);
		alog_u64(&a, "unchanged", kept);
		alog_end(&a);
	}
	return 0;
}

size_t users_file_count(void)
{
	return nfile_users;
}

void users_file_forget(void)
{
	size_t i;

	for (i = 0; i < nfile_users; i++)
		free(file_users[i]);
	free(file_users);
	file_users = NULL;
	nfile_users = 0;
}
