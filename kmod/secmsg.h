/* SPDX-License-Identifier: GPL-2.0 */
/* Module-wide state shared by the parts of secmsg.ko. */
#ifndef _SECMSG_SECMSG_H
#define _SECMSG_SECMSG_H

#include <linux/workqueue.h>
#include <net/genetlink.h>

/* Deferred frees and per-namespace maintenance run here. */
extern struct workqueue_struct *secmsg_wq;
extern struct genl_family secmsg_family;
/* module parameter: most sessions in one network namespace */
extern unsigned int secmsg_max_sessions;
/* module parameters: pending handshakes per namespace, and their life */
extern unsigned int secmsg_max_pending;
extern unsigned int secmsg_pending_timeout;

#endif
