/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-session deadlines (timers.c): each session's timer is armed for its
 * next deadline, and a per-namespace work item handles the sessions whose
 * deadline came.  Lifetime and locking rules: session.h.
 */
#ifndef _SECMSG_TIMERS_H
#define _SECMSG_TIMERS_H

struct secmsg_net;
struct secmsg_session;

void secmsg_timer_init(struct secmsg_session *s);
/* Arm for the next deadline (creation, after maintenance). */
void secmsg_timer_arm(struct secmsg_session *s);
/* A deadline may have moved earlier (policy, rotation, confirmation). */
void secmsg_timer_pull(struct secmsg_session *s);
/* The session is being freed: process context, see session.h. */
void secmsg_timer_stop(struct secmsg_session *s);

void secmsg_timers_init(struct secmsg_net *sn);
/* Namespace exit, every session already unlinked: sleeps. */
void secmsg_timers_exit(struct secmsg_net *sn);

#endif
