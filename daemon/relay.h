/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Relaying sealed messages, and their deliveries.
 *
 * Layer: router (internal header: router.c only).  Owns every delivery
 * (struct delivery: one per message frame, its copies, the sender's one
 * result) from the message frame until the last copy was written or
 * dropped.  A message to a user becomes one kernel RESEAL of the
 * sender's message into each login of the recipient here that keeps up,
 * and into the link session of each other node holding one (route.h),
 * queued in the kernel adapter (kbatch_reseal()) to run at the end of the
 * loop iteration.  Failures decided before the kernel (rate limit,
 * unknown or offline recipient) are queued too, so that results come in
 * the order the messages came.  The kernel's results come back through
 * router_kbatch_up: each copy is handed to its connection (router_up
 * send_msg) or to the route, and the delivery reports "delivered" when
 * the first copy was written, "failed" when none could be.
 */
#ifndef SECMSGD_RELAY_H
#define SECMSGD_RELAY_H

#include <stdbool.h>
#include <stdint.h>

#include "kbatch.h"
#include "logins.h"
#include "proto.h"

/* A message frame of a ready login (f->data is taken). */
void relay_message(struct login *l, struct frame *f, uint64_t t0);
/*
 * A message another node shipped here (the route's upcall): re-sealed
 * from the link session into to's logins here; its outcome goes back
 * to the route (ops->result()) once, as a delivery's would to a sender.
 */
void relay_inbound(const struct route_origin *o, uint64_t link,
		   const char *from, const char *to, const uint8_t *sealed,
		   size_t len);
/* The kernel's results for one message (struct kbatch_up). */
void relay_resealed(void *msg, const struct kb_copy *copies, unsigned int n);
/*
 * The one delivery result of message id of s (code NULL: delivered; else
 * a string literal, counted in the metrics' failures).
 */
void delivery_report(struct login *s, uint64_t id, const char *code,
		     const char *msg);
/*
 * One copy of d was written (written), or will not be (code and msg:
 * why; NULL code: recipient_offline).
 */
void delivery_done(struct delivery *d, bool written, const char *code,
		   const char *msg);

#endif
