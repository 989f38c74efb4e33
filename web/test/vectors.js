// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The vectors of web/test/vectors (the C side: libsecmsg and nettle),
 * written by web/test/run-node-tests to the file named by
 * SECMSG_VECTORS.  A test that needs them and finds none fails: it never
 * skips.
 */
import { readFileSync } from 'node:fs';

import { fromHex } from '../src/bytes.js';

let cache = null;

export function vectors() {
	if (!cache) {
		const f = process.env.SECMSG_VECTORS;
		if (!f)
			throw new Error('SECMSG_VECTORS is not set: run web/test/run-node-tests');
		cache = JSON.parse(readFileSync(f, 'utf8'));
	}
	return cache;
}

export const h = fromHex;
