/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The users file in the kernel (--users FILE): loaded at start and on
 * SIGHUP.  New users are added, changed keys replaced, and users that an
 * earlier load added but the file no longer lists are deleted; users
 * registered otherwise (secmsgctl, --register) are left alone.
 */
#ifndef SECMSGD_USERS_H
#define SECMSGD_USERS_H

#include <stddef.h>

/*
 * Sync the kernel with path (NULL: forget the file's users: delete
 * them).  revoke(user) is called for each user whose key changed or who
 * was deleted.  0, or -errno with err set; on a parse error nothing
 * changes.
 */
int users_sync(const char *path, void (*revoke)(const char *user),
	       char *err, size_t errlen);
void users_forget(void);

#endif
