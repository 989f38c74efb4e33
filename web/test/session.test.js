// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The client's session (src/session.js): epoch following by frame and by
 * header, the previous epoch's grace, replays, and that a forged header
 * of a newer epoch does not move the session.  The "server" here is two
 * DirKeys playing the kernel's side of the same secrets.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { utf8 } from '../src/bytes.js';
import { Session, MAX_EPOCH_JUMP, PREV_GRACE_MS } from '../src/session.js';
import { DirKeys, openMessage, sealMessage } from '../src/wire.js';

const C2S = new Uint8Array(32).fill(0xc2);
const S2C = new Uint8Array(32).fill(0x2c);
const SID = 0x1234n;

function pair(alg = 1) {
	let t = 1000;
	const s = new Session(SID, alg, C2S, S2C, () => t);
	const srv = { rx: new DirKeys('c2s', C2S), tx: new DirKeys('s2c', S2C),
		      seq: 0 };
	return { s, srv, clock: (ms) => { t += ms; } };
}

function serverRatchet(srv) {
	srv.rx.ratchet();
	srv.tx.ratchet();
	srv.seq = 0;
}

const seal = (srv, alg, text) =>
	sealMessage(srv.tx, alg, SID, srv.seq++, utf8(text));

test('seal under c2s, open under s2c, sequence numbers from 0', async () => {
	const { s, srv } = pair(2);
	for (let i = 0; i < 3; i++) {
		const m = await s.seal(utf8('hi'));
		const { pt, hdr } = await openMessage(srv.rx, 2, SID, m);
		assert.equal(new TextDecoder().decode(pt), 'hi');
		assert.equal(hdr.seq, i);
	}
	const r = await s.open(await seal(srv, 2, 'back'));
	assert.equal(new TextDecoder().decode(r.pt), 'back');
	assert.deepEqual([r.epoch, r.seq, r.advanced], [0, 0, false]);
});

test('replays and too-old messages are refused', async () => {
	const { s, srv } = pair();
	const m0 = await seal(srv, 1, 'a');
	await s.open(m0);
	await assert.rejects(s.open(m0), { code: 'replay' });
	srv.seq = 5000;
	await s.open(await seal(srv, 1, 'b'));
	srv.seq = 100;
	await assert.rejects(s.open(await seal(srv, 1, 'c')), { code: 'replay' });
});

test('a header of a newer epoch moves both directions (algorithm too)', async () => {
	const { s, srv } = pair(1);
	serverRatchet(srv);
	serverRatchet(srv);
	const r = await s.open(await seal(srv, 3, 'two epochs on'));
	assert.ok(r.advanced);
	assert.deepEqual([s.epoch, s.alg, s.txSeq], [2, 3, 0]);
	/* our next message is sealed under epoch 2, twofish_cbc */
	const m = await s.seal(utf8('x'));
	const { hdr } = await openMessage(srv.rx, 3, SID, m);
	assert.deepEqual([hdr.epoch, hdr.alg], [2, 3]);
});

test('a forged header of a newer epoch moves nothing', async () => {
	const { s, srv } = pair(1);
	const m = await seal(srv, 1, 'x');
	m[7] = 5;				/* epoch 5, not authentic */
	await assert.rejects(s.open(m), { code: 'decrypt' });
	assert.equal(s.epoch, 0);
	m[4] = 0x10;				/* 2^28 epochs ahead */
	await assert.rejects(s.open(m), { code: 'epoch' });
	assert.equal(s.epoch, 0);
	await s.open(await seal(srv, 1, 'still epoch 0'));
});

test('advance: epoch frames, limits, the same epoch', () => {
	const { s } = pair(1);
	assert.equal(s.advance(0, 1), false);
	assert.throws(() => s.advance(0, 2), { code: 'protocol' });
	assert.equal(s.advance(3, 2), true);
	assert.throws(() => s.advance(2, 2), { code: 'epoch' });
	assert.throws(() => s.advance(3 + MAX_EPOCH_JUMP + 1, 2), { code: 'epoch' });
	assert.equal(s.advance(3 + MAX_EPOCH_JUMP, 2), true);
	assert.throws(() => s.advance(5000, 7), { code: 'inval' });
});

test('the previous epoch opens during the grace time, then not', async () => {
	const { s, srv, clock } = pair(1);
	const late = await seal(srv, 1, 'sealed before the rotation');
	const later = await seal(srv, 1, 'also');
	serverRatchet(srv);
	s.advance(1, 2);
	const r = await s.open(late);
	assert.equal(r.epoch, 0);
	assert.equal(r.alg, 1);
	await assert.rejects(s.open(late), { code: 'replay' });
	clock(PREV_GRACE_MS);
	await assert.rejects(s.open(later), { code: 'epoch' });
	await s.open(await seal(srv, 2, 'new epoch'));
});

test('the session id must match', async () => {
	const { s } = pair();
	const other = { tx: new DirKeys('s2c', S2C), seq: 0 };
	const m = await sealMessage(other.tx, 1, SID + 1n, 0, utf8('x'));
	await assert.rejects(s.open(m), { code: 'decrypt' });
	await assert.rejects(s.open(new Uint8Array(10)), { code: 'decrypt' });
});
