/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Logging in: hello -> kernel handshake -> welcome; confirm -> kernel
 * confirmation -> ready, the per-user login limit applied; registration
 * on first use; the handshake timeout.
 *
 * Layer: router (internal header: router.c only).  Owns no state of its
 * own: it moves a login through its states (logins.c owns them) and asks
 * the kernel adapter (ksession.c, kernel.c) for the handshake.
 */
#ifndef SECMSGD_AUTH_H
#define SECMSGD_AUTH_H

#include "logins.h"
#include "proto.h"

void auth_hello(struct login *l, struct frame *f);
void auth_confirm(struct login *l, struct frame *f);
/* The handshake timer fired. */
void auth_timeout(struct login *l);

#endif
