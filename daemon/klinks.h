/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The cluster's kernel calls (cluster/klink.h's struct cluster_kernel):
 * link sessions, the node identity and its key file, the node registry,
 * the users registry's user commands.
 *
 * Layer: kernel adapter.  Owns the policy of link sessions (from the
 * configuration: an out link rotates by time and count like a client's
 * session and never expires; an in link follows its initiator) and the
 * node key file.  Calls kernel.c, and kbatch.c to delete a link session
 * after the kernel work queued before it.
 *
 * Who may call it: main.c (klinks_init(), klinks_kernel, the node's public
 * key for --print-node-key), and the cluster route through the struct.
 */
#ifndef SECMSGD_KLINKS_H
#define SECMSGD_KLINKS_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "cluster/klink.h"

/* cfg stays the caller's: each handshake reads its policy from it. */
void klinks_init(const struct config *cfg);
extern const struct cluster_kernel klinks_kernel;

/*
 * The node key file at path: its private key (made, 0600, when the file
 * does not exist and create is true) -> priv.  0, or -errno.
 */
int klinks_node_key(const char *path, bool create,
		    uint8_t priv[SECMSG_X25519_LEN]);

#endif
