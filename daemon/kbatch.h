/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Kernel adapter, middle: the queue of kernel work of one loop
 * iteration, and the batches it becomes.
 *
 * Layer: kernel adapter.  Owns the queue, the SECMSG_CMD_MSG_BATCH ops
 * and their results: this is the only file that builds batch ops and
 * reads batch results.  Calls only kernel.c.
 *
 * Who may call it: the router queues re-seals (kbatch_reseal()),
 * ksession.c queues the session commands that must keep their place
 * among them (kbatch_call(): rotate, delete), main.c calls
 * kbatch_flush() once per loop iteration (the daemon's one flush point)
 * and once more on the way out.  Results go back up only through the
 * struct kbatch_up given to kbatch_init() (main.c wires the router's).
 *
 * Order: items run in the order they were queued.  At the flush, a run of
 * re-seals between two calls is sent as few batches as the kernel's
 * limits allow (SECMSG_BATCH_MAX_OPS ops, SECMSG_BATCH_MAX_BYTES bytes;
 * one message's copies always share a batch), then the call runs, and so
 * on.  So a rotation or a session deletion asked for after a message
 * takes effect after that message was re-sealed, as if every command had
 * been sent at once.  Work queued by an upcall during the flush is run by
 * the same flush.
 */
#ifndef SECMSGD_KBATCH_H
#define SECMSGD_KBATCH_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "metrics.h"

/* Copies of one message at most: one per login of its recipient. */
#define KBATCH_MAX_COPIES	SECMSGD_MAX_LOGINS

/*
 * What became of one copy: reason 0, re-sealed (data, len), or the
 * kernel's reason (enum secmsg_fail) why not, with its errno.  A batch
 * that failed as a whole gives every copy SECMSG_FAIL_INTERNAL and the
 * batch's errno.  The router maps reasons to protocol codes with one
 * table (relay.c).
 */
struct kb_copy {
	int reason;			/* 0 or enum secmsg_fail */
	int err;			/* the positive errno, with a reason */
	const uint8_t *data;		/* reason 0: the re-sealed message */
	size_t len;
};

struct kbatch_up {
	/*
	 * The copies of the message queued with cookie msg, in queue order:
	 * n as queued (0 when it was queued only to keep its place).  The
	 * data is valid during the call only: views into the kernel
	 * handle's reply (kern_batch()), so the call makes no kernel call
	 * before it is done with them.
	 */
	void (*resealed)(void *msg, const struct kb_copy *copies,
			 unsigned int n);
};

void kbatch_init(struct metrics *m, const struct kbatch_up *up);
/* Free the queue (after the last kbatch_flush()). */
void kbatch_exit(void);

/*
 * Queue a RESEAL of data (len bytes, sealed under session from) into
 * each of the n sessions to[] (n <= KBATCH_MAX_COPIES), reported with
 * cookie msg.  data is taken (wiped and freed after the flush); n == 0
 * only keeps msg's place in the order (data may be NULL).  0, or
 * -ENOMEM (nothing taken, nothing will be reported).
 */
int kbatch_reseal(uint64_t from, const uint64_t *to, unsigned int n,
		  uint8_t *data, size_t len, void *msg);
/*
 * Queue fn(sid, arg) to run at the flush, after what was queued before.
 * 0 or -ENOMEM.
 */
int kbatch_call(void (*fn)(uint64_t sid, int arg), uint64_t sid, int arg);
/* Run everything queued (the one flush point; not from an upcall). */
void kbatch_flush(void);

#endif
