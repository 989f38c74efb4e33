// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Names users see: the algorithms of enum secmsg_alg as they type them,
 * the failure reasons of enum secmsg_fail as the spec names them.
 */
#include <string.h>

#include "secmsg/nl.h"
#include "spec-gen.h"

static const char *const alg_names[SECMSG_ALG_MAX + 1] = {
	[SECMSG_ALG_AES_256_GCM] = "aes_256_gcm",
	[SECMSG_ALG_CHACHA20_POLY1305] = "chacha20_poly1305",
	[SECMSG_ALG_TWOFISH_CBC] = "twofish_cbc",
};

int secmsg_alg_from_name(const char *name)
{
	int alg;

	if (!name)
		return 0;
	for (alg = 1; alg <= SECMSG_ALG_MAX; alg++)
		if (!strcmp(name, alg_names[alg]))
			return alg;
	return 0;
}

const char *secmsg_alg_name(int alg)
{
	if (alg < 1 || alg > SECMSG_ALG_MAX)
		return NULL;
	return alg_names[alg];
}

const char *secmsg_fail_name(int reason)
{
	if (reason < 1 || reason > SECMSG_FAIL_MAX)
		return NULL;
	return secmsg_fail_names[reason];
}
