/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Authentication through the kernel's handshake (hello -> HANDSHAKE ->
 * welcome; confirm -> HANDSHAKE_CONFIRM -> ready), registration on first
 * use, the per-user connection limit, and who is online (presence).
 */
#ifndef SECMSGD_AUTH_H
#define SECMSGD_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "conn.h"
#include "proto.h"

void auth_hello(struct conn *c, struct frame *f);
void auth_confirm(struct conn *c, struct frame *f);
/* The connection stops being an online one of its user. */
void auth_offline(struct conn *c);
/* Close every connection of user (key changed or user removed). */
void auth_revoke(const char *user);
/* Names of the users online, except `except` (may be NULL); malloc'ed. */
const char **auth_online(const char *except, size_t *n);
/* The handshake timer fired. */
void auth_timeout(struct conn *c);

#endif
