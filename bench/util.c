// SPDX-License-Identifier: GPL-2.0 OR MIT
/* secmsg-bench helpers: time, errors, randomness, sessions. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "protocol/crypto.h"	/* secmsg_random() */

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void fatal(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("secmsg-bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void progress(const char *fmt, ...)
{
	va_list ap;

	fputs("secmsg-bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void rand_fill(void *buf, size_t len)
{
	int err = secmsg_random(buf, len);

	if (err)
		fatal("getrandom: %s", strerror(-err));
}

uint64_t prng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		fatal("out of memory (%zu bytes)", n);
	return p;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double median(double *v, int n)
{
	if (n <= 0)
		return 0;
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		fatal("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *xmalloc_pages(size_t n)
{
	long pg = sysconf(_SC_PAGESIZE);
	void *p;

	if (posix_memalign(&p, pg > 0 ? (size_t)pg : 4096, n ? n : 1))
		fatal("out of memory (%zu bytes, page aligned)", n);
	memset(p, 0, n);
	return p;
}

const char *errname(int err)
{
	static char buf[32];

	switch (err < 0 ? -err : err) {
	case 0: return "success";
	case ENOENT: return "ENOENT";
	case EBADMSG: return "EBADMSG";
	case EALREADY: return "EALREADY";
	case ESTALE: return "ESTALE";
	case EKEYEXPIRED: return "EKEYEXPIRED";
	case EKEYREJECTED: return "EKEYREJECTED";
	case EPROTO: return "EPROTO";
	case EINVAL: return "EINVAL";
	case EMSGSIZE: return "EMSGSIZE";
	case ENOTCONN: return "ENOTCONN";
	case ENOSPC: return "ENOSPC";
	case ENOMEM: return "ENOMEM";
	case ENOBUFS: return "ENOBUFS";
	case E2BIG: return "E2BIG";
	case EPERM: return "EPERM";
	case EIO: return "EIO";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	}
	snprintf(buf, sizeof(buf), "errno %d", err < 0 ? -err : err);
	return buf;
}

void bench_params(struct secmsg_session_params *p, const char *user_id,
		  int alg, const uint8_t *c2s, const uint8_t *s2c)
{
	memset(p, 0, sizeof(*p));
	p->user_id = user_id;
	p->alg = alg;
	p->secret_c2s = c2s;
	p->secret_s2c = s2c;
	/* Zero disables: no rotation (time or count), no expiry. */
	p->policy.has_rotate_interval = true;
	p->policy.rotate_interval = 0;
	p->policy.has_max_messages = true;
	p->policy.max_messages = 0;
	p->policy.has_timeout = true;
	p->policy.timeout = 0;
	p->policy.has_idle_timeout = true;
	p->policy.idle_timeout = 0;
	/* Gone when the creating socket closes: nothing outlives the run. */
	p->flags = SECMSG_SESSION_F_OWNED;
}

void bench_session_new(struct secmsg_nl *nl, int alg, const char *user_id,
		       struct bench_session *s)
{
	struct secmsg_session_params p;
	struct secmsg_session_info info;
	uint8_t secret[2][SECMSG_KEY_LEN];
	int err;

	memset(s, 0, sizeof(*s));
	rand_fill(secret, sizeof(secret));
	bench_params(&p, user_id, alg, secret[0], secret[1]);
	err = secmsg_session_new(nl, &p, &info);
	if (err) {
		explicit_bzero(secret, sizeof(secret));
		fatal("secmsg_session_new(%s): %s%s%s", secmsg_alg_name(alg),
		      errname(err), secmsg_nl_errmsg(nl) ? ": " : "",
		      secmsg_nl_errmsg(nl) ? secmsg_nl_errmsg(nl) : "");
	}
	s->id = info.id;
	s->alg = alg;
	secmsg_dir_init(&s->c2s, SECMSG_DIR_C2S, secret[0]);
	secmsg_dir_init(&s->s2c, SECMSG_DIR_S2C, secret[1]);
	explicit_bzero(secret, sizeof(secret));
}

void bench_session_wipe(struct bench_session *s)
{
	secmsg_dir_wipe(&s->c2s);
	secmsg_dir_wipe(&s->s2c);
	explicit_bzero(s, sizeof(*s));
}
