// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The three algorithms (src/crypt.js) against libsecmsg's
 * secmsg_crypt_seal on random keys, nonces, AADs and plaintexts (the
 * bodies of docs/protocol.md section 1), through WebCrypto and through
 * @noble; and what open() refuses.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { toHex } from '../src/bytes.js';
import { Cipher, cryptOpen, cryptSeal, setWebCrypto, twofishSubkeys,
	 webCryptoAvailable } from '../src/crypt.js';
import { h, vectors } from './vectors.js';

async function both(fn) {
	for (const wc of [true, false]) {
		setWebCrypto(wc);
		try {
			await fn(wc);
		} finally {
			setWebCrypto(true);
		}
	}
}

test('WebCrypto is there in Node 20', () => {
	assert.ok(webCryptoAvailable());
});

test('seal gives libsecmsg\'s bytes; open gives the plaintext back', async () => {
	const v = vectors().crypt;
	assert.equal(new Set(v.map((x) => x.alg)).size, 3);
	await both(async (wc) => {
		for (const x of v) {
			const args = [x.alg, h(x.key), h(x.nonce), h(x.aad)];
			const ct = await cryptSeal(...args, h(x.pt));
			assert.equal(toHex(ct), x.ct,
				     `alg ${x.alg} len ${x.pt.length / 2} webcrypto ${wc}`);
			assert.equal(toHex(await cryptOpen(...args, h(x.ct))), x.pt);
		}
	});
});

test('open refuses a flipped bit anywhere, a wrong AAD or nonce', async () => {
	const v = vectors().crypt.filter((x) => x.pt.length <= 64);
	await both(async () => {
		for (const x of v) {
			const ct = h(x.ct);
			for (const i of [0, ct.length >> 1, ct.length - 1]) {
				const bad = ct.slice();
				bad[i] ^= 0x40;
				await assert.rejects(cryptOpen(x.alg, h(x.key),
					h(x.nonce), h(x.aad), bad), { code: 'decrypt' });
			}
			const aad = h(x.aad + '00');
			await assert.rejects(cryptOpen(x.alg, h(x.key), h(x.nonce),
				aad, ct), { code: 'decrypt' });
			const nonce = h(x.nonce);
			nonce[0] ^= 1;
			await assert.rejects(cryptOpen(x.alg, h(x.key), nonce,
				h(x.aad), ct), { code: 'decrypt' });
		}
	});
});

test('twofish_cbc: enc_key and mac_key as libsecmsg splits them', () => {
	for (const x of vectors().twofish_subkeys) {
		const { enc, mac } = twofishSubkeys(h(x.key));
		assert.equal(toHex(enc), x.enc);
		assert.equal(toHex(mac), x.mac);
	}
});

test('twofish_cbc: lengths and padding checked in order', async () => {
	const key = new Uint8Array(32).fill(7);
	const iv = new Uint8Array(16).fill(1);
	const c = await Cipher.create('twofish_cbc', key);
	/* too short, not whole blocks: inval before any MAC */
	await assert.rejects(c.open(iv, new Uint8Array(0), new Uint8Array(47)),
			     { code: 'inval' });
	await assert.rejects(c.open(iv, new Uint8Array(0), new Uint8Array(49)),
			     { code: 'inval' });
	await assert.rejects(c.open(iv, new Uint8Array(0), new Uint8Array(48)),
			     { code: 'decrypt' });
	/* every length pads to the next block, 1..16 bytes */
	for (let n = 0; n <= 33; n++) {
		const ct = await c.seal(iv, new Uint8Array(3), new Uint8Array(n));
		assert.equal(ct.length, (Math.floor(n / 16) + 1) * 16 + 32);
		assert.equal((await c.open(iv, new Uint8Array(3), ct)).length, n);
	}
	/* a valid MAC over a bad padding: inval (after the MAC) */
	const { Twofish } = await import('../src/twofish.js');
	const { hmac } = await import('@noble/hashes/hmac.js');
	const { sha256 } = await import('@noble/hashes/sha2.js');
	const { enc, mac } = twofishSubkeys(key);
	const block = new Uint8Array(16).fill(0x11);	/* pad byte 17 */
	for (let i = 0; i < 16; i++)
		block[i] ^= iv[i];
	const body = new Uint8Array(16);
	new Twofish(enc).encryptBlock(block, 0, body, 0);
	const tag = hmac(sha256, mac, new Uint8Array([...iv, ...body]));
	await assert.rejects(c.open(iv, new Uint8Array(0),
				    new Uint8Array([...body, ...tag])),
			     { code: 'inval', message: 'bad padding' });
});

test('limits: nonce lengths, plaintext size, key size, algorithm', async () => {
	for (const alg of [1, 2, 3]) {
		const c = await Cipher.create(alg, new Uint8Array(32));
		const bad = new Uint8Array(alg === 3 ? 12 : 16);
		await assert.rejects(c.seal(bad, new Uint8Array(0),
					    new Uint8Array(1)), { code: 'inval' });
		const n = new Uint8Array(alg === 3 ? 16 : 12);
		await assert.rejects(c.seal(n, new Uint8Array(0),
					    new Uint8Array(65281)),
				     { code: 'too_large' });
		await assert.rejects(c.open(n, new Uint8Array(0),
					    new Uint8Array(65281 + 64)),
				     { code: 'too_large' });
		assert.equal((await c.seal(n, new Uint8Array(0),
					   new Uint8Array(65280))).length,
			     65280 + (alg === 3 ? 48 : 16));
	}
	await assert.rejects(Cipher.create(4, new Uint8Array(32)), { code: 'inval' });
	await assert.rejects(Cipher.create(1, new Uint8Array(16)), { code: 'inval' });
	await assert.rejects(Cipher.create('aes_128_gcm', new Uint8Array(32)),
			     { code: 'inval' });
});
