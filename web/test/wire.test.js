// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Sealed messages (src/wire.js, docs/protocol.md section 2): the key
 * schedule and ratchet, whole messages and the replay window, against
 * libsecmsg (keys.c, wire.c, replay.c) on random inputs; header checks.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { toHex } from '../src/bytes.js';
import { DirKeys, HDR_LEN, ReplayWindow, getHeader, openMessage, putHeader,
	 sealMessage } from '../src/wire.js';
import { h, vectors } from './vectors.js';

test('key schedule: key, salt and ratchet through four epochs', () => {
	for (const x of vectors().keys) {
		const k = new DirKeys(x.dir, h(x.secret));
		x.epochs.forEach((e, i) => {
			assert.equal(k.epoch, i);
			assert.equal(toHex(k.secret), e.secret);
			assert.equal(toHex(k.key), e.key);
			assert.equal(toHex(k.salt), e.salt);
			k.ratchet();
		});
	}
});

test('ratchet erases the previous secret; frozen keys cannot ratchet', () => {
	const k = new DirKeys('c2s', new Uint8Array(32).fill(9));
	const old = k.secret;
	k.ratchet();
	assert.ok(old.every((b) => b === 0));
	assert.throws(() => k.frozen().ratchet(), { code: 'inval' });
	assert.throws(() => new DirKeys('up', new Uint8Array(32)), { code: 'inval' });
});

function keysOf(x) {
	const k = new DirKeys(x.dir, h(x.secret));
	for (let i = 0; i < x.epoch; i++)
		k.ratchet();
	return k;
}

test('open libsecmsg\'s messages; seal them again byte for byte', async () => {
	const v = vectors().messages;
	assert.equal(new Set(v.map((x) => x.alg)).size, 3);
	for (const x of v) {
		const k = keysOf(x);
		const sid = BigInt('0x' + x.session);
		const msg = h(x.msg);
		const { pt, hdr } = await openMessage(k, x.alg, sid, msg);
		assert.equal(toHex(pt), x.pt);
		assert.equal(hdr.seq, x.seq);
		assert.equal(hdr.epoch, x.epoch);
		/* twofish_cbc: the same IV gives the same bytes */
		const iv = x.alg === 3 ? msg.subarray(HDR_LEN, HDR_LEN + 16) : null;
		const again = await sealMessage(k, x.alg, sid, x.seq, pt, iv);
		assert.equal(toHex(again), x.msg);
	}
});

test('header: layout, and open checks it in the kernel\'s order', async () => {
	const b = putHeader({ alg: 2, epoch: 0x01020304,
			      sessionId: 0x1122334455667788n, seq: 0x0a0b0c0d0e });
	assert.equal(toHex(b), '0102000001020304' + '1122334455667788' +
		     '0000000a0b0c0d0e');
	const k = new DirKeys('s2c', new Uint8Array(32).fill(1));
	const sid = 42n;
	const msg = await sealMessage(k, 1, sid, 5, new Uint8Array([1, 2, 3]));
	const edit = (f) => {
		const m = msg.slice();
		f(m);
		return m;
	};
	await assert.rejects(openMessage(k, 1, sid, msg.subarray(0, 23)),
			     { code: 'inval' });
	await assert.rejects(openMessage(k, 1, sid, edit((m) => { m[0] = 2; })),
			     { code: 'protocol' });
	await assert.rejects(openMessage(k, 1, sid, edit((m) => { m[3] = 1; })),
			     { code: 'protocol' });
	await assert.rejects(openMessage(k, 1, 43n, msg), { code: 'protocol' });
	/* seq 2^48 is out of range before the epoch is looked at */
	await assert.rejects(openMessage(k, 1, sid, edit((m) => {
		m[17] = 1;
		m[7] = 9;
	})), { code: 'protocol' });
	await assert.rejects(openMessage(k, 1, sid, edit((m) => { m[7] = 1; })),
			     { code: 'epoch' });
	await assert.rejects(openMessage(k, 2, sid, msg), { code: 'protocol' });
	await assert.rejects(openMessage(k, 0, sid, edit((m) => { m[1] = 4; })),
			     { code: 'protocol' });
	await assert.rejects(openMessage(k, 1, sid, edit((m) => { m[20] ^= 1; })),
			     { code: 'decrypt' });
	assert.equal(getHeader(msg).seq, 5);
	assert.equal(getHeader(new Uint8Array(3)), null);
});

test('replay window: the answers of libsecmsg on random walks', () => {
	for (const walk of vectors().replay) {
		const r = new ReplayWindow();
		for (const [seq, refused] of walk)
			assert.equal(r.check(seq) !== null, refused === 1,
				     `seq ${seq}`);
	}
});

test('replay window: the protocol text\'s rule at its edges', () => {
	const r = new ReplayWindow();
	assert.equal(r.check(0), null);
	assert.equal(r.check(0), 'replay');
	assert.equal(r.check(5000), null);		/* top = 5001 */
	assert.equal(r.peek(5001 - 2048), null);	/* top - s = 2048: in */
	assert.equal(r.peek(5001 - 2049), 'replay');	/* too old */
	assert.equal(r.check(4000), null);
	assert.equal(r.check(4000), 'replay');
	assert.equal(r.check(7048), null);		/* slides by 2047 */
	assert.equal(r.check(5001), null);		/* still in, unseen */
	assert.equal(r.check(5000), 'replay');		/* now too old */
	assert.equal(r.peek(-1), 'replay');
});
