/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * secmsgd's commands about the cluster that do their work and exit
 * (usercmd.c): called by main.c only, each returning an exit status
 * (0, 1 failed, 2 usage).
 *
 *   secmsgd --config FILE user add NAME KEYFILE|BASE64
 *   secmsgd --config FILE user del NAME
 *       put (or delete) the user in the cluster's users registry, the
 *       NATS KV bucket <cluster_name>_users; every node's watch applies
 *       it to its kernel within a moment (revoking logins when a key
 *       changes or a user goes).
 *   secmsgd --config FILE --status
 *       the peers of the node running with FILE, from its /metrics
 *       (metrics_port): heartbeats, links, copies, failures.
 */
#ifndef SECMSGD_CLUSTER_CMDS_H
#define SECMSGD_CLUSTER_CMDS_H

#include <stdio.h>

#include "../config.h"

/*
 * argv[0] "user", argv[1] "add"/"del", then the arguments.  (The caller
 * releases libnats afterwards: bus_library_exit().)
 */
int cluster_user_cmd(const struct config *cfg, int argc, char **argv);
int cluster_status(const struct config *cfg, FILE *out);
/* The table of --status from a /metrics text; -ENOENT: no cluster. */
int cluster_status_format(const char *metrics_text, FILE *out);

#endif
