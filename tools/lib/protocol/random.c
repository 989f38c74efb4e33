// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Random bytes for IVs, straight from the kernel (getrandom(2)).
 */
#include <errno.h>
#include <sys/random.h>

#include "crypto.h"

int secmsg_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
