// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * secmsg.js against C: fakesrv (on the host) or the real secmsgd and
 * secmsg.ko (SECMSG_SERVER=secmsgd, in the VM), and secmsg-client.
 * Key files made by secmsg-client keygen are imported with their
 * passphrase; a key file written by secmsg.js is used by secmsg-client.
 * Every algorithm, rotation with an algorithm change, rotation by
 * message count, messages of superseded epochs (the last four are
 * accepted), presence and who, delivery results, handshake
 * refusals, a second login, and the server shutting down; against
 * secmsgd also revocation, a refused second login, a full server,
 * rate limits and an expired session.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { utf8 } from '../../src/bytes.js';
import { SecmsgClient } from '../../src/client.js';
import { messageFrame } from '../../src/frames.js';
import { generateKey } from '../../src/handshake.js';
import { keyfileDecode, keyfileEncode } from '../../src/keyfile.js';
import { CLIENT, keygen, run, sleep, start, startServer, tmp, writeUsers }
	from './servers.js';

const KIND = process.env.SECMSG_SERVER || 'fakesrv';
const REAL = KIND === 'secmsgd';
const ALGS = ['aes_256_gcm', 'chacha20_poly1305', 'twofish_cbc'];
const PASS = 'correct horse';
/* generous: the VM is slow and the machine shared */
const WAIT = REAL ? 60000 : 20000;

const passFile = join(tmp, 'pass');
writeFileSync(passFile, `${PASS}\n`);
const keys = {};
let srv;

async function until(cond, what, ms = WAIT) {
	const end = Date.now() + ms;
	while (!cond()) {
		if (Date.now() > end)
			throw new Error(`timed out waiting for ${what}`);
		await sleep(10);
	}
}

function client(url = srv.url) {
	const c = new SecmsgClient(url, { timeoutMs: WAIT });
	c.ev = [];
	for (const e of ['state', 'decrypted', 'delivery', 'presence', 'online',
			 'epoch', 'error'])
		c.on(e, (a, b) => c.ev.push([e, a, b]));
	c.of = (e) => c.ev.filter((x) => x[0] === e).map((x) => x[1]);
	return c;
}

/*
 * Log in as user with its private key, or (viaFile) with its key file
 * made by secmsg-client keygen and the passphrase (PBKDF2 each time:
 * slow in the VM, so only where the test is about it).
 */
async function login(user, alg = 'aes_256_gcm', server = srv, viaFile) {
	const c = client(server.url);
	const k = keys[user];
	const key = viaFile ? { keyFile: readFileSync(k.file), passphrase: PASS } :
		{ privateKey: k.priv };
	await c.connect(user, alg, key, server.pub);
	return c;
}

before(async () => {
	/* alice and bob: key files of secmsg-client keygen */
	keys.alice = keygen('alice', passFile);
	keys.bob = keygen('bob', passFile);
	for (const u of ['alice', 'bob'])
		keys[u].priv = await keyfileDecode(readFileSync(keys[u].file), PASS);
	/* carol: a key file written by secmsg.js, used by secmsg-client */
	const carol = generateKey();
	keys.carol = { pub: carol.publicKey, priv: carol.privateKey,
		       jsFile: join(tmp, 'carol.key') };
	writeFileSync(keys.carol.jsFile,
		      await keyfileEncode(carol.privateKey, PASS, 100000),
		      { mode: 0o600 });
	const dave = generateKey();
	keys.dave = { pub: dave.publicKey, priv: dave.privateKey };
	srv = await startServer(KIND, Object.fromEntries(
		Object.entries(keys).map(([u, k]) => [u, k.pub])));
});

after(async () => {
	if (srv)
		await srv.stop();
});

for (const alg of ALGS) {
	test(`${KIND}: two secmsg.js clients chat under ${alg}`, async () => {
		/* alice logs in with secmsg-client's key file and passphrase */
		const a = await login('alice', alg, srv, alg === 'aes_256_gcm');
		assert.equal(a.alg, alg);
		const b = await login('bob', alg);
		assert.ok(b.of('online')[0].includes('alice'));
		await until(() => a.of('presence').some((p) => p.user === 'bob' &&
							    p.online), 'presence');
		const texts = ['Hello, Bob', 'é ✓ 😀', '', 'x'.repeat(60000)];
		for (const t of texts)
			a.send('bob', t);
		b.send('alice', 'Hello, Alice');
		await until(() => a.of('delivery').length === texts.length,
			    'deliveries');
		assert.ok(a.of('delivery').every((d) => d.delivered &&
						 d.to === 'bob'));
		await until(() => b.of('decrypted').length === texts.length,
			    'messages');
		assert.deepEqual(b.of('decrypted').map((m) => m.text), texts);
		assert.ok(b.of('decrypted').every((m) => m.from === 'alice' &&
						  m.alg === alg));
		await until(() => a.of('decrypted').length === 1, 'reply');
		assert.equal(a.of('decrypted')[0].text, 'Hello, Alice');
		await b.disconnect();
		await until(() => a.of('presence').some((p) => p.user === 'bob' &&
							    !p.online), 'offline');
		await a.disconnect();
	});
}

test(`${KIND}: rotation mid-conversation, to each algorithm`, async () => {
	const a = await login('alice', 'aes_256_gcm');
	const b = await login('bob', 'twofish_cbc');
	let n = 0;
	for (const alg of ['chacha20_poly1305', 'twofish_cbc', 'aes_256_gcm',
			   null]) {
		a.send('bob', `before ${n}`);
		a.rotate(alg);
		a.send('bob', `after ${n}`);	/* held until the epoch frame */
		b.rotate();
		b.send('alice', `from bob ${n}`);
		n++;
	}
	await until(() => a.of('delivery').length === 8, 'deliveries');
	assert.ok(a.of('delivery').every((d) => d.delivered));
	await until(() => b.of('decrypted').length === 8 &&
		    a.of('decrypted').length === 4, 'messages');
	assert.deepEqual(b.of('decrypted').map((m) => m.text),
			 [0, 1, 2, 3].flatMap((i) => [`before ${i}`, `after ${i}`]));
	assert.deepEqual(a.of('epoch').map((e) => [e.epoch, e.alg]),
			 [[1, 'chacha20_poly1305'], [2, 'twofish_cbc'],
			  [3, 'aes_256_gcm'], [4, 'aes_256_gcm']]);
	assert.deepEqual([a.epoch, b.epoch], [4, 4]);
	assert.equal(b.alg, 'twofish_cbc');
	await a.disconnect();
	await b.disconnect();
});

test(`${KIND}: the server rotates every 3 messages; nothing is lost`, async () => {
	const s = await startServer(KIND, { alice: keys.alice.pub,
					    bob: keys.bob.pub },
		REAL ? ['--max-messages-per-key', '3'] : ['--rotate-every', '3']);
	try {
		const a = await login('alice', 'chacha20_poly1305', s);
		const b = await login('bob', 'aes_256_gcm', s);
		/* pendingCount: every message sent without a result yet */
		const unanswered = (c, sent) => sent - c.of('delivery').length;
		for (let i = 0; i < 12; i++) {
			a.send('bob', `a${i}`);
			b.send('alice', `b${i}`);
			/* pipelining across rotations is bounded (section 2) */
			await until(() => a.pendingCount < 2 && b.pendingCount < 2,
				    'deliveries');
			assert.deepEqual([a.pendingCount, b.pendingCount],
					 [unanswered(a, i + 1), unanswered(b, i + 1)],
					 'pendingCount misses a message');
		}
		/* a refused message never arrives: fail on its result */
		await until(() => a.of('delivery').length === 12 &&
			    b.of('delivery').length === 12, 'all results');
		for (const c of [a, b])
			assert.deepEqual(c.of('delivery').filter((d) => !d.delivered)
					 .map((d) => [d.id, d.code]), [], c.user);
		await until(() => a.of('decrypted').length === 12 &&
			    b.of('decrypted').length === 12, 'all messages');
		assert.deepEqual(b.of('decrypted').map((m) => m.text),
				 [...Array(12).keys()].map((i) => `a${i}`));
		assert.deepEqual(a.of('decrypted').map((m) => m.text),
				 [...Array(12).keys()].map((i) => `b${i}`));
		assert.deepEqual([...a.of('error'), ...b.of('error')], []);
		assert.ok(a.epoch >= 4 && b.epoch >= 4,
			  `epochs ${a.epoch} ${b.epoch}`);
		await a.disconnect();
		await b.disconnect();
	} finally {
		await s.stop();
	}
});

/*
 * What makes pipelining safe (section 2): a message sealed before
 * rotations overtook it is accepted while its epoch is one of the last
 * four superseded, and refused (bad_message) after a fifth rotation.
 */
test(`${KIND}: messages of the last four superseded epochs are accepted`, async () => {
	const a = await login('alice', 'chacha20_poly1305');
	const b = await login('bob', 'twofish_cbc');
	try {
		const late = [];
		for (let i = 0; i < 5; i++)	/* under epoch 0, sent later */
			late.push(await a.session.seal(utf8(`late ${i}`)));
		for (let i = 0; i < 5; i++) {
			a.rotate();
			await until(() => a.epoch === i + 1, `epoch ${i + 1}`);
			const id = a.nextId++;
			a.pending.set(id, { to: 'bob', sent: true });
			a.ws.send(messageFrame(id, 'bob', late[i]));
			await until(() => a.of('delivery').length === i + 1,
				    'result');
		}
		assert.deepEqual(a.of('delivery').map((d) =>
			d.code ?? 'delivered'), ['delivered', 'delivered',
			'delivered', 'delivered', 'bad_message']);
		await until(() => b.of('decrypted').length === 4, 'messages');
		assert.deepEqual(b.of('decrypted').map((m) => m.text),
				 [0, 1, 2, 3].map((i) => `late ${i}`));
	} finally {
		await a.disconnect();
		await b.disconnect();
	}
});

test(`${KIND}: who, delivery failures`, async () => {
	const a = await login('alice');
	const d = await login('dave', 'twofish_cbc');
	a.who();
	await until(() => a.of('online').length === 2, 'who');
	assert.deepEqual(a.of('online')[1].slice().sort(), ['alice', 'dave']);
	a.send('bob', 'are you there?');
	a.send('nobody', 'hello?');
	await until(() => a.of('delivery').length === 2, 'failures');
	const [off, unk] = a.of('delivery');
	assert.deepEqual([off.delivered, off.error.code, unk.error.code],
			 [false, 'recipient_offline', 'recipient_unknown']);
	await a.disconnect();
	await d.disconnect();
});

test(`${KIND}: refusals: unknown user, wrong passphrase, changed server key`, async () => {
	const c = client();
	const x = generateKey();
	await assert.rejects(c.connect('mallory', null, { privateKey: x.privateKey },
				       srv.pub), { code: 'unknown_user' });
	await assert.rejects(c.connect('alice', null, {
		keyFile: readFileSync(keys.alice.file), passphrase: 'wrong' },
		srv.pub), { code: 'passphrase' });
	await assert.rejects(c.connect('alice', null, {
		keyFile: readFileSync(keys.alice.file), passphrase: PASS },
		generateKey().publicKey), { code: 'auth' });
	/* dave's name with another key */
	await assert.rejects(c.connect('dave', null, { privateKey: x.privateKey },
				       srv.pub), { code: 'auth' });
	assert.equal(c.state, 'idle');
});

test(`${KIND}: secmsg.js and secmsg-client talk to each other`, async () => {
	const env = { ...process.env, SECMSG_SERVER_KEY: srv.pub };
	const common = ['-u', srv.url, '--passphrase-file', passFile,
			'-T', String(WAIT / 1000)];
	/* carol is secmsg-client, with the key file secmsg.js wrote */
	const carol = start(CLIENT, [...common, '-k', keys.carol.jsFile,
				     '-a', 'twofish_cbc', '--recv', '2', '--json',
				     'carol'], { env });
	const a = await login('alice', 'chacha20_poly1305');
	await until(() => a.of('online').flat().includes('carol') ||
		    a.of('presence').some((p) => p.user === 'carol') ||
		    carol.exitCode !== null, 'carol online');
	a.send('carol', 'hi carol, from secmsg.js');
	a.send('carol', 'second ✓');
	const res = await carol.done;
	assert.equal(res.status, 0, carol.err);
	const got = carol.out.trim().split('\n').map((l) => JSON.parse(l))
		.filter((e) => e.event === 'message');
	assert.deepEqual(got.map((e) => [e.from, e.text, e.alg]),
			 [['alice', 'hi carol, from secmsg.js', 'twofish_cbc'],
			  ['alice', 'second ✓', 'twofish_cbc']]);
	await until(() => a.of('delivery').length === 2, 'deliveries');
	/* and back: secmsg-client sends, secmsg.js decrypts */
	const r = run(CLIENT, [...common, '-k', keys.carol.jsFile, '--send',
			       'alice', 'hello from secmsg-client', 'carol'],
		      { env });
	assert.equal(r.status, 0, r.stderr);
	await until(() => a.of('decrypted').length === 1, 'message');
	assert.equal(a.of('decrypted')[0].text, 'hello from secmsg-client');
	assert.equal(a.of('decrypted')[0].alg, 'chacha20_poly1305');
	await a.disconnect();
});

test(`${KIND}: a second login of the same user replaces the first`, async () => {
	const first = await login('bob');
	const second = await login('bob');
	await until(() => first.state === 'idle', 'the first closed');
	assert.equal(first.lastError.code, 'replaced');
	assert.equal(first.byeReason, 'replaced');
	assert.equal(second.state, 'ready');
	await second.disconnect();
});

if (REAL) {
	test('secmsgd: a refused second login, a full server', async () => {
		const s = await startServer(KIND, { alice: keys.alice.pub,
						    bob: keys.bob.pub },
			['--on-conflict', 'refuse', '--max-connections', '2']);
		try {
			const a = await login('alice', 'aes_256_gcm', s);
			const again = client(s.url);
			await assert.rejects(again.connect('alice', null,
				{ privateKey: keys.alice.priv }, s.pub),
				{ code: 'already_online' });
			assert.equal(again.byeReason, 'already_online');
			const b = await login('bob', 'aes_256_gcm', s);
			const third = client(s.url);
			await assert.rejects(third.connect('bob', null,
				{ privateKey: keys.bob.priv }, s.pub));
			assert.equal(third.byeReason, 'server_full');
			assert.equal(third.lastError.code, 'closed');
			await a.disconnect();
			await b.disconnect();
		} finally {
			await s.stop();
		}
	});

	test('secmsgd: revoked, rate limited, session expired', async () => {
		const users = { alice: keys.alice.pub, bob: keys.bob.pub };
		const s = await startServer(KIND, users,
			['--rate', '2', '--burst', '3', '--session-timeout', '20s']);
		try {
			const a = await login('alice', 'aes_256_gcm', s);
			const b = await login('bob', 'aes_256_gcm', s);
			for (let i = 0; i < 8; i++)
				a.send('bob', `burst ${i}`);
			await until(() => a.of('delivery').length === 8, 'results');
			const codes = a.of('delivery').map((d) =>
				d.delivered ? 'ok' : d.error.code);
			assert.ok(codes.includes('ok') &&
				  codes.includes('rate_limited'), codes.join());
			/* bob is removed from the users file: revoked */
			writeUsers(s.usersFile, { alice: keys.alice.pub });
			s.proc.kill('SIGHUP');
			await until(() => b.state === 'idle', 'bob revoked');
			assert.equal(b.lastError.code, 'revoked');
			/* alice's session reaches its lifetime */
			await until(() => a.state === 'idle', 'expiry', 90000);
			assert.equal(a.lastError.code, 'expired');
			assert.equal(a.byeReason, 'session_expired');
		} finally {
			await s.stop();
		}
	});
}

test(`${KIND}: the server shuts down: bye shutdown`, async () => {
	const a = await login('alice');
	await srv.stop('SIGTERM');
	await until(() => a.state === 'idle', 'closed');
	assert.equal(a.lastError.code, 'shutdown');
	assert.equal(a.byeReason, 'shutdown');
	srv = null;
});
