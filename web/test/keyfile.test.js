// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Key files (src/keyfile.js, docs/protocol.md section 4): the known
 * answer of hs_kat.h, files libsecmsg made, files we make read back by
 * libsecmsg (web/test/vectors keyfile-decode), PBKDF2 through WebCrypto
 * and @noble, and the refusals.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

import { toHex } from '../src/bytes.js';
import { setWebCrypto } from '../src/crypt.js';
import { keyfileDecode, keyfileEncode, keyfileIterations, pbkdf2Sha256 }
	from '../src/keyfile.js';
import { h, vectors } from './vectors.js';

test('the known key file of hs_kat.h', async () => {
	const k = vectors().keyfile_kat;
	assert.equal(keyfileIterations(h(k.image)), 100000);
	assert.equal(toHex(await keyfileDecode(h(k.image), k.pass)), k.priv);
});

test('files libsecmsg wrote, UTF-8 passphrases, both PBKDF2 paths', async () => {
	const files = vectors().keyfiles;
	assert.equal(files.length, 3);
	for (const wc of [true, false]) {
		setWebCrypto(wc);
		try {
			for (const f of files)
				assert.equal(toHex(await keyfileDecode(h(f.image),
								       f.pass)),
					     f.priv);
		} finally {
			setWebCrypto(true);
		}
	}
});

test('PBKDF2-HMAC-SHA256 as libsecmsg\'s, WebCrypto and @noble', async () => {
	for (const wc of [true, false]) {
		setWebCrypto(wc);
		try {
			for (const x of vectors().pbkdf2)
				assert.equal(toHex(await pbkdf2Sha256(h(x.pass),
					h(x.salt), x.iterations, 32)), x.out);
		} finally {
			setWebCrypto(true);
		}
	}
});

test('files we write, read by libsecmsg', async () => {
	const bin = process.env.SECMSG_VECTORS_BIN;
	assert.ok(bin, 'SECMSG_VECTORS_BIN is set (web/test/run-node-tests)');
	const priv = crypto.getRandomValues(new Uint8Array(32));
	for (const pass of ['correct horse', 'pässwörd ✓']) {
		const img = await keyfileEncode(priv, pass, 100000);
		assert.equal(img.length, 88);
		const out = execFileSync(bin, ['keyfile-decode'],
					 { input: `${toHex(img)} ${pass}\n` });
		assert.equal(out.toString().trim(), toHex(priv));
		assert.throws(() => execFileSync(bin, ['keyfile-decode'], {
			input: `${toHex(img)} wrong\n`, stdio: 'pipe' }));
	}
});

test('wrong passphrase, damaged file, not a key file, empty passphrase', async () => {
	const k = vectors().keyfile_kat;
	const img = h(k.image);
	await assert.rejects(keyfileDecode(img, 'correct horse battery stapl'),
			     { code: 'passphrase',
			       message: 'wrong passphrase or damaged key file' });
	for (const i of [12, 30, 50, 87]) {		/* salt, nonce, key, tag */
		const bad = img.slice();
		bad[i] ^= 1;
		await assert.rejects(keyfileDecode(bad, k.pass),
				     { code: 'passphrase' });
	}
	/* a lowered (still valid) iteration count fails the tag too */
	const lower = img.slice();
	lower[11] = 0xa1;		/* 100001: the AD changed */
	await assert.rejects(keyfileDecode(lower, k.pass), { code: 'passphrase' });
	const below = img.slice();
	below[10] = 0;			/* 0x0000a0: far below 100000 */
	await assert.rejects(keyfileDecode(below, k.pass), { code: 'keyfile' });
	const above = img.slice();
	above[8] = 0x10;		/* 268,...: above 100,000,000 */
	await assert.rejects(keyfileDecode(above, k.pass), { code: 'keyfile' });
	const magic = img.slice();
	magic[7] = 0x32;		/* SECMSGK2 */
	await assert.rejects(keyfileDecode(magic, k.pass), { code: 'keyfile' });
	await assert.rejects(keyfileDecode(img.subarray(0, 87), k.pass),
			     { code: 'keyfile' });
	await assert.rejects(keyfileDecode(img, ''), { code: 'inval' });
	await assert.rejects(keyfileEncode(new Uint8Array(32), ''), { code: 'inval' });
	await assert.rejects(keyfileEncode(new Uint8Array(32), 'x', 99999),
			     { code: 'inval' });
});
