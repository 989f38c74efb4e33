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

#endif
