/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* libsecmsg internal: key schedule helpers. */
#ifndef SECMSG_KEYS_H
#define SECMSG_KEYS_H

#include <stdbool.h>

#include "secmsg/wire.h"

/* Marks a secmsg_dir_keys that was initialised without a secret. */
#define SECMSG_DIR_INVALID	((enum secmsg_dir)-1)

/* k is non-NULL and its dir is C2S or S2C. */
bool secmsg_dir_valid(const struct secmsg_dir_keys *k);

#endif
