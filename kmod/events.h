/* SPDX-License-Identifier: GPL-2.0 */
/* Session events on the "events" multicast group. */
#ifndef _SECMSG_EVENTS_H
#define _SECMSG_EVENTS_H

#include <linux/types.h>

struct secmsg_session;

void secmsg_event(struct secmsg_session *s, u8 event, u8 reason);

#endif
