// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * mkvectors: print docs/vectors.json, the worked examples of
 * docs/protocol.md section 6, as the reference implementation makes them
 * (vectors_gen.h).  Regenerate with
 *     tools/lib/tests/mkvectors > docs/vectors.json
 * test_vectors fails while the file differs from this output.
 */
#include <stdio.h>
#include <stdlib.h>

#include "vectors_gen.h"

int main(void)
{
	char *text = vectors_generate();

	if (!text) {
		fprintf(stderr, "mkvectors: generation failed\n");
		return 1;
	}
	fputs(text, stdout);
	free(text);
	return fflush(stdout) ? 1 : 0;
}
