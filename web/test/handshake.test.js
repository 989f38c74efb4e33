// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The handshake (src/handshake.js, docs/protocol.md section 3): the
 * known answers of tools/lib/tests/hs_kat.h (an independent Python
 * implementation) and random handshakes of libsecmsg's client and
 * reference server, byte for byte, both ways; and what is refused.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { toHex } from '../src/bytes.js';
import { clientInit, generateKey, parseInit, publicKey, serverConfirm,
	 serverRespond, userIdValid, x25519Canonical } from '../src/handshake.js';
import { h, vectors } from './vectors.js';

function run(x) {
	const c = h(x.c), s = h(x.s);
	const S = publicKey(s);
	const hs = clientInit({
		user: x.user, alg: x.alg, clientPriv: c, serverPub: S,
		ephemeral: h(x.e_c),
		timestamp: { sec: BigInt(x.ts_sec), nsec: x.ts_nsec },
	});
	assert.equal(toHex(hs.msg1), x.msg1, `msg1 of ${x.user}`);
	/* our reference server answers as libsecmsg's / Python's */
	const srv = serverRespond({ serverPriv: s, userPub: publicKey(c),
				    msg1: hs.msg1,
				    sessionId: BigInt('0x' + x.session),
				    ephemeral: h(x.e_s) });
	assert.equal(toHex(srv.msg2), x.msg2);
	assert.equal(toHex(srv.c2s), x.c2s);
	assert.equal(toHex(srv.s2c), x.s2c);
	assert.equal(srv.user, x.user);
	assert.equal(srv.alg, x.alg);
	/* the client finishes on the known message 2 */
	const r = hs.finish(h(x.msg2));
	assert.equal(r.sessionId, BigInt('0x' + x.session));
	assert.equal(toHex(r.c2s), x.c2s);
	assert.equal(toHex(r.s2c), x.s2c);
	assert.equal(toHex(r.msg3), x.msg3);
	serverConfirm(srv, r.msg3);
}

test('known answers of hs_kat.h (independent Python implementation)', () => {
	const kats = vectors().handshake_kats;
	assert.equal(kats.length, 3);
	for (const x of kats) {
		assert.equal(toHex(publicKey(h(x.c))), x.C);
		assert.equal(toHex(publicKey(h(x.s))), x.S);
		run(x);
	}
});

test('random handshakes of libsecmsg\'s client and server', () => {
	const v = vectors().handshakes;
	assert.equal(v.length, 10);
	for (const x of v)
		run(x);
});

test('a client that pinned another server key: server_auth / auth', () => {
	const c = generateKey(), s = generateKey(), other = generateKey();
	const hs = clientInit({ user: 'alice', alg: 1,
				clientPriv: c.privateKey,
				serverPub: other.publicKey });
	/* the real server cannot read message 1 (es, ss differ) */
	assert.throws(() => serverRespond({ serverPriv: s.privateKey,
		userPub: c.publicKey, msg1: hs.msg1, sessionId: 1n }),
		{ code: 'auth' });
	/* a server that answers anyway (with the real key) fails the tag */
	const hs2 = clientInit({ user: 'alice', alg: 1,
				 clientPriv: c.privateKey,
				 serverPub: other.publicKey });
	const srv = serverRespond({ serverPriv: other.privateKey,
		userPub: c.publicKey, msg1: hs2.msg1, sessionId: 7n });
	const forged = srv.msg2.slice();
	forged[50] ^= 1;
	assert.throws(() => hs2.finish(forged), { code: 'server_auth' });
	assert.throws(() => hs2.finish(srv.msg2), { code: 'state' });
});

test('message 2: type, version, reserved, session id 0, length', () => {
	const c = generateKey(), s = generateKey();
	const mk = () => clientInit({ user: 'bob', alg: 3,
				      clientPriv: c.privateKey,
				      serverPub: s.publicKey });
	const hs = mk();
	const srv = serverRespond({ serverPriv: s.privateKey,
		userPub: c.publicKey, msg1: hs.msg1, sessionId: 9n });
	for (const [i, v] of [[0, 3], [1, 2], [2, 1], [3, 1]]) {
		const m = srv.msg2.slice();
		m[i] = v;
		assert.throws(() => mk().finish(m), { code: 'protocol' });
	}
	const zero = srv.msg2.slice();
	zero.fill(0, 4, 12);
	assert.throws(() => mk().finish(zero), { code: 'protocol' });
	assert.throws(() => mk().finish(srv.msg2.subarray(0, 59)),
		      { code: 'protocol' });
	/* a non-canonical or low-order ephemeral from the server */
	const high = srv.msg2.slice();
	high[43] |= 0x80;
	assert.throws(() => mk().finish(high), { code: 'inval' });
	const low = srv.msg2.slice();
	low.fill(0, 12, 44);
	low[12] = 1;
	assert.throws(() => mk().finish(low), { code: 'inval' });
	const r = hs.finish(srv.msg2);
	assert.equal(r.sessionId, 9n);
});

test('reference server: replayed timestamps, confirmations', () => {
	const c = generateKey(), s = generateKey();
	const replay = { last: null };
	const hello = (ts) => clientInit({ user: 'carol', alg: 2,
					   clientPriv: c.privateKey,
					   serverPub: s.publicKey, timestamp: ts });
	const respond = (hs) => serverRespond({ serverPriv: s.privateKey,
		userPub: c.publicKey, msg1: hs.msg1, sessionId: 3n, replay });
	const first = hello({ sec: 100, nsec: 5 });
	respond(first);
	assert.throws(() => respond(first), { code: 'replayed' });
	assert.throws(() => respond(hello({ sec: 100, nsec: 5 })),
		      { code: 'replayed' });
	assert.throws(() => respond(hello({ sec: 99, nsec: 999 })),
		      { code: 'replayed' });
	const hs = hello({ sec: 100, nsec: 6 });
	const srv = respond(hs);
	const r = hs.finish(srv.msg2);
	const bad = r.msg3.slice();
	bad[40] ^= 1;
	assert.throws(() => serverConfirm(srv, bad), { code: 'auth' });
	const other = r.msg3.slice();
	other[11] ^= 1;
	assert.throws(() => serverConfirm(srv, other), { code: 'protocol' });
	serverConfirm(srv, r.msg3);
	/* two handshakes in a row get increasing timestamps */
	const a = hello(), b = hello();
	respond(a);
	respond(b);
});

test('user ids, keys and message 1 checks', () => {
	for (const u of ['a', 'Alice_1', 'x@y.z', 'a-b', '_', 'u'.repeat(64)])
		assert.ok(userIdValid(u), u);
	for (const u of ['', '.a', '-a', 'a b', 'u'.repeat(65), 'é', 'a/b', 7])
		assert.ok(!userIdValid(u), String(u));
	const p = new Uint8Array(32);
	assert.ok(x25519Canonical(p));
	p[31] = 0x80;
	assert.ok(!x25519Canonical(p));
	const q = new Uint8Array(32).fill(0xff);
	q[31] = 0x7f;
	q[0] = 0xec;
	assert.ok(x25519Canonical(q));		/* 2^255 - 20 */
	q[0] = 0xed;
	assert.ok(!x25519Canonical(q));		/* 2^255 - 19 */
	const k = generateKey();
	assert.throws(() => clientInit({ user: 'a b', alg: 1,
		clientPriv: k.privateKey, serverPub: k.publicKey }),
		{ code: 'inval' });
	assert.throws(() => clientInit({ user: 'a', alg: 4,
		clientPriv: k.privateKey, serverPub: k.publicKey }),
		{ code: 'inval' });
	assert.throws(() => clientInit({ user: 'a', alg: 1,
		clientPriv: k.privateKey, serverPub: q }), { code: 'inval' });
	const hs = clientInit({ user: 'dave', alg: 3, clientPriv: k.privateKey,
				serverPub: k.publicKey });
	assert.deepEqual(parseInit(hs.msg1), { alg: 3, user: 'dave' });
	assert.throws(() => parseInit(hs.msg1.subarray(1)), { code: 'inval' });
});
