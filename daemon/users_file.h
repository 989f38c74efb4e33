/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The users file (--users FILE) in the kernel: loaded at start and on
 * SIGHUP.  New users are added, changed keys replaced, and users that an
 * earlier load added but the file no longer lists are deleted; users
 * registered otherwise (secmsgctl, --register) are left alone.
 *
 * Layer: beside the layers: called by main.c only, calls the kernel
 * adapter's user commands (kernel.c).  Owns the list of users its last
 * load listed.  The connections of a revoked user are closed by the
 * caller's revoke function (main.c passes router_revoke()).
 */
#ifndef SECMSGD_USERS_FILE_H
#define SECMSGD_USERS_FILE_H

#include <stddef.h>

/*
 * Sync the kernel with path (NULL: forget the file's users: delete
 * them).  revoke(user) is called for each user whose key changed or who
 * was deleted.  0, or -errno with err set; on a parse error nothing
 * changes.
 */
int users_file_sync(const char *path, void (*revoke)(const char *user),
		    char *err, size_t errlen);
/* Users the last load listed (0: none, or no file). */
size_t users_file_count(void);
/* Forget the list (exit; the kernel keeps the users). */
void users_file_forget(void);

#endif
