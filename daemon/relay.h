/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Relaying sealed messages: each message frame becomes one RESEAL op
 * (sender's session -> recipient's session) in the kernel.  Ops are
 * collected while the lws loop services its sockets and sent as one
 * SECMSG_CMD_MSG_BATCH at the end of the loop iteration (relay_flush()),
 * or earlier when the batch is full.  Every message gets exactly one
 * delivery, in the order its sender sent them.
 */
#ifndef SECMSGD_RELAY_H
#define SECMSGD_RELAY_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "proto.h"

/* A message frame of a ready connection (takes f->data). */
void relay_message(struct conn *c, struct frame *f, uint64_t t0);
/* Send the pending batch to the kernel and dispatch the results. */
void relay_flush(void);
size_t relay_pending(void);

#endif
