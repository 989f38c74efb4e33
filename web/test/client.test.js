// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The client (src/client.js) against the in-process stand-in for
 * secmsgd (mockserver.js): connect, chat under each algorithm, delivery
 * results, presence and who, rotation (by request, by header, algorithm
 * change, sends held meanwhile), every error and bye reason of
 * docs/protocol.md section 5, what a misbehaving server gets, and the
 * key file path.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SecmsgClient, parseServerKey, parseUrl } from '../src/client.js';
import { toBase64 } from '../src/bytes.js';
import { generateKey } from '../src/handshake.js';
import { keyfileEncode } from '../src/keyfile.js';
import { MockServer } from './mockserver.js';

const ALGS = ['aes_256_gcm', 'chacha20_poly1305', 'twofish_cbc'];

function world(names = ['alice', 'bob'], opts = {}) {
	const keys = Object.fromEntries(names.map((n) => [n, generateKey()]));
	const srv = new MockServer({ users: Object.fromEntries(
		names.map((n) => [n, keys[n].publicKey])), ...opts });
	return { srv, keys };
}

/* A client that records every event. */
function client(srv, opts = {}) {
	const c = new SecmsgClient('ws://127.0.0.1:8765',
				   { WebSocket: srv.WebSocket, ...opts });
	c.ev = [];
	for (const e of ['state', 'received', 'decrypted', 'delivery',
			 'presence', 'online', 'epoch', 'error'])
		c.on(e, (...a) => c.ev.push([e, ...a]));
	/* data is wiped after the event, as the C client's text: keep a copy */
	c.on('decrypted', (m) => { m.kept = m.data.slice(); });
	c.of = (e) => c.ev.filter((x) => x[0] === e).map((x) => x[1]);
	return c;
}

async function until(cond, what = 'condition', ms = 5000) {
	const end = Date.now() + ms;
	while (!cond()) {
		if (Date.now() > end)
			throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 2));
	}
}

async function login(srv, keys, user, alg = 'aes_256_gcm', opts = {}) {
	const c = client(srv, opts);
	await c.connect(user, alg, { privateKey: keys[user].privateKey },
			srv.key.publicKey);
	return c;
}

test('URLs and server keys', () => {
	assert.deepEqual(parseUrl('ws://localhost'), { tls: false,
		host: 'localhost', port: 8765, path: '/',
		url: 'ws://localhost:8765/' });
	assert.equal(parseUrl('wss://[::1]:443/x').url, 'wss://[::1]:443/x');
	for (const u of ['http://a', 'ws://', 'ws://a:0', 'ws://a:65536',
			 'ws://u@a', 'ws://a:b'])
		assert.throws(() => parseUrl(u), { code: 'url' }, u);
	const k = generateKey().publicKey;
	assert.deepEqual(parseServerKey(toBase64(k)), k);
	assert.deepEqual(parseServerKey(k), k);
	assert.throws(() => parseServerKey('AAAA'), { code: 'inval' });
	assert.throws(() => parseServerKey(new Uint8Array(32).fill(0xff)),
		      { code: 'inval' });
});

for (const alg of ALGS) {
	test(`two users chat under ${alg}: decrypted, delivery, presence`, async () => {
		const { srv, keys } = world();
		const a = await login(srv, keys, 'alice', alg);
		assert.equal(a.state, 'ready');
		assert.equal(a.alg, alg);
		assert.equal(a.epoch, 0);
		assert.match(a.sessionId, /^[0-9a-f]{16}$/);
		assert.deepEqual(a.of('online'), [[]]);
		const b = await login(srv, keys, 'bob', 'chacha20_poly1305');
		assert.deepEqual(b.of('online'), [['alice']]);
		await until(() => a.of('presence').length === 1, 'presence');
		assert.deepEqual(a.of('presence'), [{ user: 'bob', online: true }]);
		const id1 = a.send('bob', 'Hello, Bob');
		const id2 = a.send('bob', new Uint8Array([0xff, 0, 1]));
		assert.deepEqual([id1, id2], [1, 2]);
		await until(() => a.of('delivery').length === 2, 'deliveries');
		assert.deepEqual(a.of('delivery').map((d) => [d.id, d.to,
			d.delivered, d.error]), [[1, 'bob', true, null],
						 [2, 'bob', true, null]]);
		assert.equal(a.pendingCount, 0);
		await until(() => b.of('decrypted').length === 2, 'messages');
		const [m1, m2] = b.of('decrypted');
		assert.equal(m1.from, 'alice');
		assert.equal(m1.text, 'Hello, Bob');
		/* sealed under bob's session: his algorithm and epoch */
		assert.equal(m1.alg, 'chacha20_poly1305');
		assert.deepEqual([m1.epoch, m1.seq, m2.seq], [0, 0, 1]);
		assert.ok(m1.time instanceof Date);
		assert.equal(m2.text, null);		/* not UTF-8 */
		assert.deepEqual([...m2.kept], [0xff, 0, 1]);
		assert.ok(m2.data.every((x) => x === 0), 'wiped after the event');
		assert.equal(b.of('received').length, 2);
		assert.equal(b.of('received')[0].from, 'alice');
		b.send('alice', 'Hi');
		await until(() => a.of('decrypted').length === 1, 'reply');
		assert.equal(a.of('decrypted')[0].alg, alg);
		await b.disconnect();
		assert.equal(b.state, 'idle');
		assert.equal(b.lastError, null);	/* as asked */
		await until(() => a.of('presence').length === 2, 'offline');
		assert.deepEqual(a.of('presence')[1], { user: 'bob', online: false });
		assert.equal(srv.log.filter((f) => f.type === 'bye').length, 1);
		await a.disconnect();
	});
}

test('delivery failures: offline, unknown, refused by the server', async () => {
	const { srv, keys } = world(['alice', 'bob']);
	const a = await login(srv, keys, 'alice');
	a.send('bob', 'x');
	a.send('nobody', 'y');
	await until(() => a.of('delivery').length === 2, 'deliveries');
	const [d1, d2] = a.of('delivery');
	assert.deepEqual([d1.delivered, d1.error.code, d1.code],
			 [false, 'recipient_offline', 'recipient_offline']);
	assert.equal(d1.message, 'bob: recipient_offline');
	assert.equal(d2.error.code, 'recipient_unknown');
	/* a recipient on a cluster node that did not answer */
	srv.unreachable.add('carol');
	a.send('carol', 'z');
	await until(() => a.of('delivery').length === 3, 'node_unreachable');
	const d3 = a.of('delivery')[2];
	assert.deepEqual([d3.delivered, d3.error.code, d3.code, d3.message],
			 [false, 'node_unreachable', 'node_unreachable',
			  'carol: no answer from its node']);
	assert.equal(d3.error.protocolCode, 'node_unreachable');
	assert.throws(() => a.send('not a user', 'x'), { code: 'inval' });
	assert.throws(() => a.send('bob', 'x'.repeat(65281)),
		      { code: 'too_large' });
	a.send('bob', 'x'.repeat(65280));
	await a.disconnect();
	assert.throws(() => a.send('bob', 'x'), { code: 'state' });
});

test('rotate: epoch event, algorithm change, sends held until it lands', async () => {
	const { srv, keys } = world();
	const a = await login(srv, keys, 'alice');
	const b = await login(srv, keys, 'bob');
	a.rotate('twofish_cbc');
	a.send('bob', 'after rotation');	/* held, sealed under epoch 1 */
	a.rotate();
	a.send('bob', 'after two');
	assert.equal(a.pendingCount, 2);
	await until(() => a.of('delivery').length === 2, 'deliveries');
	assert.deepEqual(a.of('epoch'), [{ epoch: 1, alg: 'twofish_cbc' },
					 { epoch: 2, alg: 'twofish_cbc' }]);
	assert.ok(a.of('delivery').every((d) => d.delivered));
	const sent = srv.log.filter((f) => f.type === 'message');
	/* both held until every rotation asked for was answered */
	assert.deepEqual(sent.map((f) => Buffer.from(f.data, 'base64')[7]),
			 [2, 2]);		/* header epochs */
	assert.deepEqual([a.epoch, a.alg], [2, 'twofish_cbc']);
	assert.throws(() => a.rotate('rot13'), { code: 'inval' });
	/* bob's side: the server rotates silently; his header says so */
	const [bs] = srv.active('bob');
	srv.rotate(bs, 3, false);
	srv.rotate(bs, 0, false);
	srv.push(bs, { type: 'message', from: 'x',
		       data: toBase64(await srv.sealTo(bs, 'two epochs on')) });
	await until(() => b.of('decrypted').length === 3, 'bob gets all');
	assert.deepEqual(b.of('epoch'), [{ epoch: 2, alg: 'twofish_cbc' }]);
	assert.equal(b.of('decrypted')[2].text, 'two epochs on');
	/* an epoch frame after the header moved us: nothing more */
	srv.push(bs, { type: 'epoch', epoch: 1, alg: 'twofish_cbc' });
	b.send('alice', 'under epoch 2');
	await until(() => a.of('decrypted').length === 1, 'alice gets it');
	assert.equal(b.of('epoch').length, 1);
	assert.equal(b.state, 'ready');
	await a.disconnect();
	await b.disconnect();
});

test('who, and the online list of ready', async () => {
	const { srv, keys } = world(['alice', 'bob', 'carol']);
	const a = await login(srv, keys, 'alice');
	const b = await login(srv, keys, 'bob');
	const c = await login(srv, keys, 'carol');
	assert.deepEqual(c.of('online'), [['alice', 'bob']]);
	c.who();
	await until(() => c.of('online').length === 2, 'who');
	assert.deepEqual(c.of('online')[1].sort(), ['alice', 'bob', 'carol']);
	for (const x of [a, b, c])
		await x.disconnect();
});

test('a key file and its passphrase; a wrong one; not a key file', async () => {
	const { srv, keys } = world(['alice']);
	const img = await keyfileEncode(keys.alice.privateKey, 'pässwörd');
	const c = client(srv);
	await assert.rejects(c.connect('alice', null,
		{ keyFile: img, passphrase: 'wrong' }, srv.key.publicKey),
		{ code: 'passphrase', message: 'wrong passphrase or damaged key file' });
	assert.equal(c.lastError.code, 'passphrase');
	assert.equal(c.state, 'idle');
	await assert.rejects(c.connect('alice', null,
		{ keyFile: img.subarray(1), passphrase: 'pässwörd' },
		srv.key.publicKey), { code: 'keyfile' });
	await c.connect('alice', null, { keyFile: img, passphrase: 'pässwörd' },
			toBase64(srv.key.publicKey));
	assert.deepEqual(c.publicKey, keys.alice.publicKey);
	await c.disconnect();
	/* reconnect with the same keys: a new session */
	const sid = c.sessionId;
	await c.reconnect();
	assert.notEqual(c.sessionId, sid);
	await c.disconnect();
});

test('handshake refusals: unknown user, wrong pinned key, unknown key; registration', async () => {
	const { srv, keys } = world(['alice']);
	const c = client(srv);
	const stranger = generateKey();
	await assert.rejects(c.connect('mallory', null,
		{ privateKey: stranger.privateKey }, srv.key.publicKey),
		{ code: 'unknown_user', protocolCode: 'unknown_user' });
	assert.equal(c.of('error')[0].code, 'unknown_user');
	assert.deepEqual(c.of('state'), ['connecting', 'handshake', 'idle']);
	/* a client that pinned another key: the server cannot authenticate it */
	await assert.rejects(c.connect('alice', null,
		{ privateKey: keys.alice.privateKey }, generateKey().publicKey),
		{ code: 'auth' });
	/* a server that holds another key than the pinned one (a mock
	 * server with a fresh identity that knows alice) */
	const impostor = new MockServer({ users: { alice: keys.alice.publicKey } });
	const d = client(impostor);
	await assert.rejects(d.connect('alice', null,
		{ privateKey: keys.alice.privateKey }, srv.key.publicKey),
		{ code: 'auth' });
	/* a user key the server does not have */
	await assert.rejects(c.connect('alice', null,
		{ privateKey: stranger.privateKey }, srv.key.publicKey),
		{ code: 'auth' });
	/* registration on first use sends the public key */
	const r = new MockServer({ register: true });
	const e = client(r, { register: true });
	await e.connect('newbie', null, { privateKey: stranger.privateKey },
			r.key.publicKey);
	assert.equal(r.log[0].pubkey, toBase64(stranger.publicKey));
	await e.disconnect();
	/* a registration the server cannot make */
	r.registrationRefused = 'the kernel refused the new user';
	const g = client(r, { register: true });
	await assert.rejects(g.connect('second', null,
		{ privateKey: generateKey().privateKey }, r.key.publicKey),
		{ code: 'registration_refused',
		  protocolCode: 'registration_refused',
		  message: 'registration_refused: the kernel refused the new user' });
	assert.equal(g.state, 'idle');
	assert.equal(r.users.has('second'), false);
});

test('a server that answers message 2 without the pinned key: server_auth', async () => {
	const { srv, keys } = world(['alice']);
	const c = client(srv);
	srv.silent = true;
	const p = c.connect('alice', null, { privateKey: keys.alice.privateKey },
			    srv.key.publicKey);
	await until(() => srv.log.length === 1, 'hello');
	const [ws] = srv.conns;
	const forged = new Uint8Array(60);
	forged.set([2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9]);
	forged.set(generateKey().publicKey, 12);
	srv.push(ws, { type: 'welcome', session: '0000000000000009',
		       handshake: toBase64(forged) });
	await assert.rejects(p, { code: 'server_auth' });
	assert.equal(c.state, 'idle');
});

test('every bye reason ends the connection with its own code', async () => {
	const { srv, keys } = world(['alice', 'bob']);
	const cases = [['session_expired', 'expired'], ['shutdown', 'shutdown'],
		       ['replaced', 'replaced'],
		       ['already_online', 'already_online'],
		       ['revoked', 'revoked'], ['too_many_errors', 'closed'],
		       ['handshake_timeout', 'closed'], ['server_full', 'closed'],
		       ['something_new', 'closed']];
	for (const [reason, code] of cases) {
		const a = await login(srv, keys, 'alice');
		const b = await login(srv, keys, 'bob');
		b.send('alice', 'in flight');
		await until(() => srv.log.filter((f) => f.type === 'message' &&
			f.data).length > 0, 'sent');
		srv.log.length = 0;
		const [ws] = srv.active('alice');
		srv.bye(ws, reason);
		await until(() => a.state === 'idle', `closed by ${reason}`);
		assert.equal(a.lastError.code, code, reason);
		assert.equal(a.byeReason, reason);
		assert.deepEqual(a.of('state').slice(-1), ['idle']);
		assert.equal(a.ev.filter((e) => e[0] === 'state').pop()[2].code,
			     code);
		await b.disconnect();
	}
});

test('pending messages fail locally when the connection drops', async () => {
	const { srv, keys } = world(['alice', 'bob']);
	const a = await login(srv, keys, 'alice');
	const [ws] = srv.active('alice');
	/* the server stops answering messages and rotations; then closes */
	const orig = { message: srv.message, rotate: srv.rotate };
	srv.message = async () => {};
	srv.rotate = () => {};
	a.send('bob', 'one');		/* sent, never answered */
	a.rotate();			/* never answered */
	a.send('bob', 'held');		/* held until the rotation lands */
	await until(() => srv.log.some((f) => f.type === 'rotate'), 'rotate');
	assert.equal(a.pendingCount, 2);
	srv.close(ws, 1006);
	await until(() => a.state === 'idle', 'closed');
	/* every result came before the state event, in the order sent */
	const d = a.of('delivery');
	assert.deepEqual(d.map((x) => [x.id, x.delivered, x.error.code]),
			 [[1, false, 'closed'], [2, false, 'closed']]);
	assert.equal(d[0].message, 'connection closed before the server answered');
	assert.equal(d[1].message, 'connection closed before the message was sent');
	assert.deepEqual(a.ev.slice(-3).map((e) => e[0]),
			 ['delivery', 'delivery', 'state']);
	assert.equal(a.pendingCount, 0);
	assert.equal(srv.log.filter((f) => f.type === 'message').length, 1);
	Object.assign(srv, orig);
});

test('the connection drops while a message is sealed: failed in order, as closed', async () => {
	const { srv, keys } = world(['alice', 'bob']);
	const a = await login(srv, keys, 'alice');
	const [ws] = srv.active('alice');
	srv.message = async () => {};
	/* a seal that takes a while (WebCrypto on a loaded machine): the
	 * second one until the socket has closed */
	const seal = a.session.seal.bind(a.session);
	let sealing = 0;
	let release;
	const gate = new Promise((r) => { release = r; });
	a.session.seal = async (pt) => {
		if (++sealing === 2)
			await gate;
		return seal(pt);
	};
	a.send('bob', 'one');		/* sent, never answered */
	a.rotate();			/* answered: releases 'held' */
	a.send('bob', 'held');
	await until(() => sealing === 2, 'sealing the held message');
	srv.close(ws, 1006);
	await until(() => ws.readyState === 3, 'the close event');
	release();
	await until(() => a.state === 'idle', 'closed');
	const d = a.of('delivery');
	assert.deepEqual(d.map((x) => [x.id, x.error.code, x.message]), [
		[1, 'closed', 'connection closed before the server answered'],
		[2, 'closed', 'connection closed before the message was sent']]);
	assert.deepEqual(a.of('error'), [], 'no error event: not a crypto failure');
	assert.equal(a.pendingCount, 0);
	/* and nothing after the state event */
	await new Promise((r) => setTimeout(r, 50));
	assert.equal(a.of('delivery').length, 2);
	assert.equal(a.ev.at(-1)[0], 'state');
});

test('pendingCount counts a message while it is sealed', async () => {
	const { srv, keys } = world();
	const a = await login(srv, keys, 'alice');
	const b = await login(srv, keys, 'bob');
	/* a seal that takes a while (WebCrypto on a loaded machine) */
	const seal = a.session.seal.bind(a.session);
	let sealing = 0;
	let release;
	const gate = new Promise((r) => { release = r; });
	a.session.seal = async (pt) => {
		sealing++;
		await gate;
		return seal(pt);
	};
	a.send('bob', 'one');
	assert.equal(a.pendingCount, 1, 'queued for sealing');
	await until(() => sealing === 1, 'sealing');
	/* what pipelines by pendingCount must not send more meanwhile */
	assert.equal(a.pendingCount, 1, 'being sealed');
	a.send('bob', 'two');
	assert.equal(a.pendingCount, 2);
	release();
	await until(() => a.of('delivery').length === 2, 'deliveries');
	assert.ok(a.of('delivery').every((d) => d.delivered));
	assert.equal(a.pendingCount, 0);
	await until(() => b.of('decrypted').length === 2, 'messages');
	assert.deepEqual(b.of('decrypted').map((m) => m.text), ['one', 'two']);
	await a.disconnect();
	await b.disconnect();
});

test('disconnect while the server closes, and sends after disconnect()', async () => {
	const { srv, keys } = world(['alice', 'bob']);
	const a = await login(srv, keys, 'alice');
	const b = await login(srv, keys, 'bob');
	const [ws] = srv.active('alice');
	srv.message = async () => {};
	a.send('bob', 'one');
	const done = a.disconnect();
	a.send('bob', 'two');		/* still ready: queued behind the bye */
	srv.closed(ws, 1006);		/* the server goes first */
	await done;
	assert.equal(a.state, 'idle');
	assert.deepEqual(a.of('delivery').map((x) => [x.id, x.error.code]),
			 [[1, 'closed'], [2, 'closed']]);
	/* the client is usable again: not stuck in closing */
	await a.reconnect();
	assert.equal(a.state, 'ready');
	await a.disconnect();
	await b.disconnect();
});

test('error frames: reported, the connection stays; refusal of a rotation', async () => {
	const { srv, keys } = world(['alice']);
	const a = await login(srv, keys, 'alice');
	const [ws] = srv.active('alice');
	srv.push(ws, { type: 'error', code: 'rate_limited', message: 'slow down' });
	srv.push(ws, { type: 'error', code: 'bad_field' });
	srv.push(ws, { type: 'future_frame', x: 1 });	/* ignored */
	await until(() => a.of('error').length === 2, 'errors');
	const [e1, e2] = a.of('error');
	assert.deepEqual([e1.code, e1.protocolCode, e1.message],
			 ['rate_limited', 'rate_limited', 'rate_limited: slow down']);
	assert.deepEqual([e2.code, e2.protocolCode], ['server', 'bad_field']);
	assert.equal(a.state, 'ready');
	/* a refused rotation releases the held messages */
	srv.rotate = (w) => srv.error(w, 'rate_limited');
	a.rotate();
	a.send('alice', 'to myself');
	await until(() => a.of('delivery').length === 1, 'released');
	await a.disconnect();
});

test('a server that breaks the protocol is left', async () => {
	const bad = [
		'not json',
		'[1]',
		'{"type":7}',
		'{"type":"message","from":"x","data":"a==="}',
		'{"type":"message","from":"x"}',
		'{"type":"delivery","id":-1,"status":"delivered"}',
		'{"type":"delivery","id":1.5,"status":"delivered"}',
		'{"type":"delivery","id":1,"status":"lost"}',
		'{"type":"delivery","id":1,"status":"failed"}',
		'{"type":"epoch","epoch":1,"alg":"rot13"}',
		'{"type":"epoch","epoch":0,"alg":"chacha20_poly1305"}',
		'{"type":"presence","user":"x","online":"yes"}',
		'{"type":"online","users":["a",1]}',
		'{"type":"welcome","session":"00","handshake":""}',
		'{"type":"ready","session":"0000000000000001","alg":"aes_256_gcm","epoch":0}',
		'x'.repeat(256 * 1024 + 1),
	];
	for (const text of bad) {
		const { srv, keys } = world(['alice']);
		const a = await login(srv, keys, 'alice');
		const [ws] = srv.active('alice');
		srv.push(ws, text);
		await until(() => a.state === 'idle', text.slice(0, 40));
		assert.equal(a.lastError.code, 'protocol', text.slice(0, 40));
		assert.equal(a.of('error')[0].code, 'protocol');
	}
});

test('frames before ready, subprotocol, refused connection, timeout', async () => {
	const { srv, keys } = world(['alice']);
	const key = { privateKey: keys.alice.privateKey };
	srv.silent = true;
	const c = client(srv);
	const p = c.connect('alice', null, key, srv.key.publicKey);
	await until(() => srv.log.length === 1, 'hello');
	srv.push([...srv.conns][0], { type: 'presence', user: 'x', online: true });
	await assert.rejects(p, { code: 'protocol', message: 'frame before ready' });
	srv.silent = false;
	srv.protocol = 'other';
	await assert.rejects(c.connect('alice', null, key, srv.key.publicKey),
			     { code: 'protocol' });
	srv.protocol = 'secmsg.v1';
	srv.refuse = true;
	await assert.rejects(c.connect('alice', null, key, srv.key.publicKey),
			     { code: 'connect' });
	srv.refuse = false;
	srv.silent = true;
	const t = client(srv, { timeoutMs: 50 });
	await assert.rejects(t.connect('alice', null, key, srv.key.publicKey),
			     { code: 'timeout' });
	assert.throws(() => t.who(), { code: 'state' });
	await assert.rejects(t.connect('no body', null, key, srv.key.publicKey),
			     { code: 'inval' });
	await assert.rejects(t.connect('alice', 'aes', key, srv.key.publicKey),
			     { code: 'inval' });
});

test('a tampered or replayed message is dropped with an error, no more', async () => {
	const { srv, keys } = world(['alice']);
	const a = await login(srv, keys, 'alice');
	const [ws] = srv.active('alice');
	const good = await srv.sealTo(ws, 'once');
	const bad = good.slice();
	bad[bad.length - 1] ^= 1;
	srv.push(ws, { type: 'message', from: 'bob', data: toBase64(bad) });
	srv.push(ws, { type: 'message', from: 'bob', data: toBase64(good) });
	srv.push(ws, { type: 'message', from: 'bob', data: toBase64(good) });
	await until(() => a.of('error').length === 2, 'errors');
	assert.deepEqual(a.of('error').map((e) => e.code), ['decrypt', 'replay']);
	assert.match(a.of('error')[0].message,
		     /^message from bob \(epoch 0, seq 0\) dropped: /);
	assert.equal(a.of('decrypted').length, 1);
	assert.equal(a.of('received').length, 3);
	assert.equal(a.state, 'ready');
	await a.disconnect();
});
