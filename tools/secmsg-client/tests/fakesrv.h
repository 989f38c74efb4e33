/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A stand-in for secmsgd for the host tests: docs/protocol.md section 5
 * over libwebsockets, with the handshake of the reference server
 * (secmsg_hs_respond) and the relay done by the userspace wire code
 * instead of the kernel.  It runs in a thread of its own.  Not a server:
 * no limits, no policy beyond what the tests need.
 */
#ifndef FAKESRV_H
#define FAKESRV_H

#include <stdbool.h>
#include <stdint.h>

#define FAKESRV_MAX_USERS	8

struct fakesrv_user {
	char name[65];
	uint8_t pub[32];
};

struct fakesrv_opts {
	int port;				/* 0: pick one */
	uint8_t server_priv[32];
	struct fakesrv_user users[FAKESRV_MAX_USERS];
	int n_users;
	bool register_on_first_use;
	/* rotate a session after this many messages it sent or got (0: no) */
	unsigned int rotate_every;
	/* rotations by count send no epoch frame: the header tells */
	bool silent_rotation;
	/* flip a bit of the data of the next N messages delivered */
	unsigned int tamper_next;
	/* send each delivered message twice (replay) */
	bool duplicate;
	/* never answer a hello (a server that hangs in the handshake) */
	bool mute_hello;
};

struct fakesrv;

struct fakesrv *fakesrv_start(const struct fakesrv_opts *o);
int fakesrv_port(const struct fakesrv *s);
/* Change tamper_next / duplicate while running (thread-safe). */
void fakesrv_set_tamper(struct fakesrv *s, unsigned int n);
void fakesrv_set_duplicate(struct fakesrv *s, bool on);
/* Close every connection with 1001 and stop. */
void fakesrv_stop(struct fakesrv *s);

#endif
