// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Twofish (src/twofish.js) against the test vectors of the Twofish paper
 * (Schneier et al. 1998, appendix "Test vectors": ecb_ival.txt, the
 * intermediate-value test, and ecb_tbl.txt, the 49 chained encryptions
 * per key size) and against nettle on random keys and blocks.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fromHex, toHex } from '../src/bytes.js';
import { Twofish } from '../src/twofish.js';
import { vectors } from './vectors.js';

const ZERO16 = '00000000000000000000000000000000';

function enc(key, pt) {
	const out = new Uint8Array(16);
	new Twofish(fromHex(key)).encryptBlock(fromHex(pt), 0, out, 0);
	return toHex(out).toUpperCase();
}

function dec(key, ct) {
	const out = new Uint8Array(16);
	new Twofish(fromHex(key)).decryptBlock(fromHex(ct), 0, out, 0);
	return toHex(out).toUpperCase();
}

test('paper ecb_ival.txt: one block per key size', () => {
	const cases = [
		[ZERO16, '9F589F5CF6122C32B6BFEC2F2AE8C35A'],
		['0123456789ABCDEFFEDCBA98765432100011223344556677',
		 'CFD1D2E5A9BE9CDF501F13B892BD2248'],
		['0123456789ABCDEFFEDCBA987654321000112233445566778899AABBCCDDEEFF',
		 '37527BE0052334B89F0CFCCAE87CFA20'],
	];
	for (const [key, ct] of cases) {
		assert.equal(enc(key, ZERO16), ct);
		assert.equal(dec(key, ct), ZERO16);
	}
});

/*
 * ecb_tbl.txt: I = 1..49, KEY(1) = PT(1) = 0; PT(i+1) = CT(i) and
 * KEY(i+1) = the first keysize bits of PT(i) || KEY(i).
 */
function chain(keyLen) {
	let key = new Uint8Array(keyLen);
	let pt = new Uint8Array(16);
	const cts = [];
	for (let i = 1; i <= 49; i++) {
		const tf = new Twofish(key);
		const ct = new Uint8Array(16);
		tf.encryptBlock(pt, 0, ct, 0);
		const back = new Uint8Array(16);
		tf.decryptBlock(ct, 0, back, 0);
		assert.deepEqual(back, pt, `I=${i} decrypts back`);
		cts.push(toHex(ct).toUpperCase());
		const next = new Uint8Array(keyLen);
		next.set(pt.subarray(0, Math.min(16, keyLen)));
		next.set(key.subarray(0, keyLen - 16), 16);
		key = next;
		pt = ct;
	}
	return cts;
}

test('paper ecb_tbl.txt: 49 chained encryptions, 256-bit keys', () => {
	const cts = chain(32);
	assert.equal(cts[0], '57FF739D4DC92C1BD7FC01700CC8216F');
	assert.equal(cts[1], 'D43BB7556EA32E46F2A282B7D45B4E0D');
	assert.equal(cts[2], '90AFE91BB288544F2C32DC239B2635E6');
	assert.equal(cts[48], '37FE26FF1CF66175F5DDF4C33B97A205');
});

test('paper ecb_tbl.txt: 128- and 192-bit keys', () => {
	const c128 = chain(16);
	assert.equal(c128[0], '9F589F5CF6122C32B6BFEC2F2AE8C35A');
	assert.equal(c128[1], 'D491DB16E7B1C39E86CB086B789F5419');
	assert.equal(c128[48], '5D9D4EEFFA9151575524F115815A12E0');
	const c192 = chain(24);
	assert.equal(c192[0], 'EFA71F788965BD4453F860178FC19101');
	assert.equal(c192[48], 'E75449212BEEF9F4A390BD860A640941');
});

test('nettle: random keys and blocks', () => {
	const v = vectors().twofish_ecb;
	assert.ok(v.length >= 50, 'enough nettle vectors');
	for (const { key, pt, ct } of v) {
		assert.equal(enc(key, pt), ct.toUpperCase(), `key ${key}`);
		assert.equal(dec(key, ct), pt.toUpperCase());
	}
});

test('in place, at offsets; bad key lengths refused; wipe', () => {
	const key = fromHex('0123456789ABCDEFFEDCBA987654321000112233445566778899AABBCCDDEEFF');
	const tf = new Twofish(key);
	const buf = new Uint8Array(40);
	tf.encryptBlock(buf, 8, buf, 8);
	assert.equal(toHex(buf.subarray(8, 24)).toUpperCase(),
		     '37527BE0052334B89F0CFCCAE87CFA20');
	tf.decryptBlock(buf, 8, buf, 8);
	assert.ok(buf.every((b) => b === 0));
	for (const n of [0, 8, 15, 17, 33])
		assert.throws(() => new Twofish(new Uint8Array(n)), RangeError);
	tf.wipe();
	assert.ok(tf.K.every((w) => w === 0));
});
