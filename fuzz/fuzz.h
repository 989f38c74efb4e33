/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * What every fuzz target (fuzz/NAME/fuzz.c) shares.  A target defines
 * LLVMFuzzerTestOneInput() and calls the parser the programs call, then
 * checks what must hold with FUZZ_CHECK: a failed check prints where and
 * aborts, which libFuzzer reports as a crash and the replay test
 * (fuzz/replay.c) as a failure.  The same source builds with clang and
 * -fsanitize=fuzzer,address,undefined (fuzz/NAME/fuzzer) and with the
 * project's CC, plain and with SAN_CFLAGS, against fuzz/replay.c (the
 * host tests fuzz/NAME/replay and replay-san).
 */
#ifndef SECMSG_FUZZ_H
#define SECMSG_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional: run once before the first input (weak in replay.c). */
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: %s: check failed: %s\n",	\
			__FILE__, __LINE__, __func__, #cond);		\
		abort();						\
	}								\
} while (0)

/*
 * A copy of p in a buffer of exactly n bytes (1 when n is 0): a parser
 * that reads past what it was given reads past the buffer, which ASan
 * catches (libFuzzer's own buffer may be followed by more of the input).
 */
static inline void *fuzz_dup(const void *p, size_t n)
{
	void *c = malloc(n ? n : 1);

	FUZZ_CHECK(c);
	memcpy(c, p, n);
	return c;
}

/* Reading the input front to back; past its end every read gives 0. */
struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
	uint8_t v = 0;

	if (in->left) {
		v = *in->p++;
		in->left--;
	}
	return v;
}

static inline uint16_t fuzz_u16(struct fuzz_in *in)
{
	uint16_t hi = fuzz_u8(in);

	return (uint16_t)(hi << 8 | fuzz_u8(in));
}

/*
 * The next record of a sequence: a 2-byte big-endian length, then that
 * many bytes (fewer at the end of the input).  false when none is left.
 */
static inline bool fuzz_record(struct fuzz_in *in, const uint8_t **p,
			       size_t *len)
{
	size_t n;

	if (in->left < 2)
		return false;
	n = fuzz_u16(in);
	if (n > in->left)
		n = in->left;
	*p = in->p;
	*len = n;
	in->p += n;
	in->left -= n;
	return true;
}

/*
 * A memory file that targets write their input to, so that a reader that
 * takes a path (as the programs give it) opens it: fuzz_file_open() once
 * (LLVMFuzzerInitialize), fuzz_file_put() for each input.
 */
struct fuzz_file {
	int fd;
	char path[64];
};

static inline void fuzz_file_open(struct fuzz_file *f, const char *name)
{
	f->fd = memfd_create(name, MFD_CLOEXEC);
	FUZZ_CHECK(f->fd >= 0);
	snprintf(f->path, sizeof(f->path), "/proc/self/fd/%d", f->fd);
}

static inline void fuzz_file_put(const struct fuzz_file *f, const void *p,
				 size_t n)
{
	FUZZ_CHECK(!ftruncate(f->fd, 0));
	FUZZ_CHECK(pwrite(f->fd, p, n, 0) == (ssize_t)n);
}

#endif
