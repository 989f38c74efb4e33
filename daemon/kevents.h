/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Kernel events (the "events" multicast group): ROTATED -> epoch frame,
 * EXPIRED / DELETED -> bye session_expired.  On an overrun (ENOBUFS) the
 * sessions are re-read with a dump.
 */
#ifndef SECMSGD_KEVENTS_H
#define SECMSGD_KEVENTS_H

/* The events socket is readable: handle everything queued. */
void kevents_read(void);
/* Compare every connection with the kernel's sessions. */
void kevents_resync(void);

#endif
