// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The worked examples of docs/protocol.md section 6 (docs/vectors.json,
 * made by libsecmsg and checked by an independent implementation and by
 * secmsg.ko), value by value: the handshake with every step of its
 * symmetric state on both sides, its three messages, secrets and
 * confirmation; every algorithm's keys, nonces or fixed IVs, headers and
 * sealed messages in both directions, sealed and opened, also through
 * the client's Session; the ratchet step; the key file.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { fromHex, toHex, utf8 } from '../src/bytes.js';
import { algId, setWebCrypto, twofishSubkeys } from '../src/crypt.js';
import { clientInit, dh, publicKey, serverConfirm, serverRespond }
	from '../src/handshake.js';
import { keyfileDecode, keyfileEncode, keyfileIterations, pbkdf2Sha256 }
	from '../src/keyfile.js';
import { Session } from '../src/session.js';
import { DirKeys, HDR_LEN, getHeader, messageNonce, openMessage, putHeader,
	 sealMessage } from '../src/wire.js';

const V = JSON.parse(readFileSync(new URL('../../docs/vectors.json',
					  import.meta.url), 'utf8'));
const h = fromHex;
const HS = V.handshake;
const SID = BigInt('0x' + HS.session_id);
const STEPS = 14;		/* 0..8 message 1, 9..13 message 2 */

/* A trace function that records every step as the file writes it. */
function recorder(out) {
	return (op, input, hh, ck, k) => {
		const st = { op, input: toHex(input), h: toHex(hh), ck: toHex(ck) };
		if (k)
			st.k = toHex(k);
		out.push(st);
	};
}

/* The file's steps without their number and description. */
function wantSteps(from, to) {
	return HS.steps.slice(from, to).map(({ op, input, h: hh, ck, k }) =>
		(k ? { op, input, h: hh, ck, k } : { op, input, h: hh, ck }));
}

function clientOfVector(trace) {
	return clientInit({
		user: HS.user, alg: HS.alg_id,
		clientPriv: h(HS.client_static.private),
		serverPub: h(HS.server_static.public),
		ephemeral: h(HS.client_ephemeral.private),
		timestamp: { sec: HS.timestamp.sec, nsec: HS.timestamp.nsec },
		trace,
	});
}

test('vectors.json: what it says it is', () => {
	assert.equal(V.version, 1);
	assert.equal(HS.steps.length, STEPS);
	assert.deepEqual(HS.steps.map((s) => s.step), [...Array(STEPS).keys()]);
	assert.deepEqual(V.messages.map((m) => m.alg),
			 ['aes_256_gcm', 'chacha20_poly1305', 'twofish_cbc']);
	assert.equal(HS.alg_id, algId(HS.alg));
	assert.equal(toHex(utf8(HS.protocol_name)), HS.steps[0].input);
	assert.equal(toHex(utf8(HS.prologue)), HS.steps[1].input);
});

test('handshake: key pairs and the four DH results', () => {
	for (const k of ['client_static', 'server_static', 'client_ephemeral',
			 'server_ephemeral'])
		assert.equal(toHex(publicKey(h(HS[k].private))), HS[k].public, k);
	const c = h(HS.client_static.private);
	const ec = h(HS.client_ephemeral.private);
	const S = h(HS.server_static.public);
	const Es = h(HS.server_ephemeral.public);
	assert.equal(toHex(dh(ec, S)), HS.dh.es);
	assert.equal(toHex(dh(c, S)), HS.dh.ss);
	assert.equal(toHex(dh(ec, Es)), HS.dh.ee);
	assert.equal(toHex(dh(c, Es)), HS.dh.se);
	/* and from the server's side */
	const s = h(HS.server_static.private);
	const es = h(HS.server_ephemeral.private);
	assert.equal(toHex(dh(s, h(HS.client_ephemeral.public))), HS.dh.es);
	assert.equal(toHex(dh(s, h(HS.client_static.public))), HS.dh.ss);
	assert.equal(toHex(dh(es, h(HS.client_ephemeral.public))), HS.dh.ee);
	assert.equal(toHex(dh(es, h(HS.client_static.public))), HS.dh.se);
});

test('handshake: the client, step by step, message 1 to message 3', () => {
	const steps = [];
	const hs = clientOfVector(recorder(steps));
	assert.deepEqual(steps, wantSteps(0, 9), 'steps 0 to 8 (message 1)');
	assert.equal(toHex(hs.msg1), HS.message1);
	assert.equal(toHex(hs.h), HS.steps[8].h);
	assert.equal(toHex(hs.ck), HS.steps[8].ck);
	/* the timestamp is what message 1 encrypts: the step 8 input
	 * (ciphertext and tag) is message 1's last 28 bytes */
	assert.equal(HS.message1.slice(-56), HS.steps[8].input);
	const r = hs.finish(h(HS.message2));
	assert.deepEqual(steps, wantSteps(0, STEPS), 'steps 9 to 13 (message 2)');
	assert.equal(r.sessionId, SID);
	assert.equal(toHex(r.h), HS.h);
	assert.equal(toHex(r.c2s), HS.secret_c2s);
	assert.equal(toHex(r.s2c), HS.secret_s2c);
	assert.equal(toHex(r.msg3), HS.message3);
	assert.equal(toHex(r.msg3.subarray(12)), HS.confirm);
	assert.equal(HS.ck, HS.steps[STEPS - 1].ck);
});

test('handshake: the reference server goes through the same states', () => {
	const steps = [];
	const replay = { last: null };
	const srv = serverRespond({
		serverPriv: h(HS.server_static.private),
		userPub: h(HS.client_static.public), msg1: h(HS.message1),
		sessionId: SID, ephemeral: h(HS.server_ephemeral.private),
		replay, trace: recorder(steps),
	});
	assert.deepEqual(steps, wantSteps(0, STEPS));
	assert.equal(toHex(srv.msg2), HS.message2);
	assert.equal(srv.user, HS.user);
	assert.equal(srv.alg, HS.alg_id);
	/* the timestamp it decrypted and keeps */
	assert.deepEqual(replay.last, { sec: HS.timestamp.sec,
					nsec: HS.timestamp.nsec });
	assert.equal(toHex(srv.c2s), HS.secret_c2s);
	assert.equal(toHex(srv.s2c), HS.secret_s2c);
	assert.equal(toHex(srv.confirm), HS.confirm);
	serverConfirm(srv, h(HS.message3));
	const bad = h(HS.message3);
	bad[43] ^= 1;
	assert.throws(() => serverConfirm(srv, bad), { code: 'auth' });
	/* the same message 1 again is a replay */
	assert.throws(() => serverRespond({
		serverPriv: h(HS.server_static.private),
		userPub: h(HS.client_static.public), msg1: h(HS.message1),
		sessionId: SID, replay }), { code: 'replayed' });
});

/* One direction's keys of a vector at its epoch. */
function dirKeys(dir, v, epoch = 0) {
	const k = new DirKeys(dir, h(epoch ? v.previous_secret : v.secret));
	for (let e = 0; e < epoch; e++)
		k.ratchet();
	return k;
}

function checkKeys(k, v, alg) {
	assert.equal(toHex(k.secret), v.secret);
	assert.equal(toHex(k.key), v.key);
	if (alg === 'twofish_cbc') {
		const { enc, mac } = twofishSubkeys(k.key);
		assert.equal(toHex(enc), v.enc_key);
		assert.equal(toHex(mac), v.mac_key);
	} else {
		assert.equal(toHex(k.salt), v.salt);
	}
}

/* Seal each message of one direction again and open it, byte for byte. */
async function checkMessages(k, alg, v, epoch) {
	const a = algId(alg);
	for (const m of v.messages) {
		const pt = h(m.plaintext);
		assert.equal(new TextDecoder().decode(pt), m.plaintext_text);
		assert.equal(toHex(putHeader({ alg: a, epoch, sessionId: SID,
					       seq: m.seq })), m.header);
		assert.ok(m.message.startsWith(m.header));
		const iv = m.iv ? h(m.iv) : undefined;
		if (iv)
			assert.equal(m.message.slice(2 * HDR_LEN, 2 * HDR_LEN + 32),
				     m.iv, 'the IV follows the header');
		else
			assert.equal(toHex(messageNonce(k, m.seq)), m.nonce);
		assert.equal(toHex(await sealMessage(k, a, SID, m.seq, pt, iv)),
			     m.message, `${alg} ${k.dir} seq ${m.seq} sealed`);
		const r = await openMessage(k, a, SID, h(m.message));
		assert.equal(toHex(r.pt), m.plaintext);
		assert.deepEqual([r.hdr.alg, r.hdr.epoch, r.hdr.seq,
				  r.hdr.sessionId], [a, epoch, m.seq, SID]);
		/* one bit anywhere in the body: refused */
		const bad = h(m.message);
		bad[bad.length - 1] ^= 0x80;
		await assert.rejects(openMessage(k, a, SID, bad),
				     { code: 'decrypt' });
	}
}

for (const v of V.messages) {
	test(`sealed messages: ${v.alg}, both directions, epoch 0`, async () => {
		assert.equal(v.session_id, HS.session_id);
		assert.equal(v.alg_id, algId(v.alg));
		assert.equal(v.c2s.secret, HS.secret_c2s);
		assert.equal(v.s2c.secret, HS.secret_s2c);
		for (const dir of ['c2s', 's2c']) {
			const k = dirKeys(dir, v[dir]);
			checkKeys(k, v[dir], v.alg);
			await checkMessages(k, v.alg, v[dir], 0);
		}
	});

	test(`the client's session: ${v.alg} from the handshake's secrets`, async () => {
		const s = new Session(SID, algId(v.alg), h(HS.secret_c2s),
				      h(HS.secret_s2c));
		/* what the client sends: c2s (AEADs: the very bytes) */
		for (const m of v.c2s.messages) {
			const out = await s.seal(h(m.plaintext));
			if (v.alg === 'twofish_cbc') {
				/* a random IV: the header is the vector's,
				 * and the server's keys open it */
				assert.equal(toHex(out.subarray(0, HDR_LEN)),
					     m.header);
				const r = await openMessage(dirKeys('c2s', v.c2s),
							    v.alg_id, SID, out);
				assert.equal(toHex(r.pt), m.plaintext);
			} else {
				assert.equal(toHex(out), m.message);
			}
		}
		/* what the client receives: s2c */
		for (const m of v.s2c.messages) {
			const r = await s.open(h(m.message));
			assert.equal(toHex(r.pt), m.plaintext);
			assert.deepEqual([r.epoch, r.seq, r.advanced],
					 [0, m.seq, false]);
		}
		/* the second time, a replay */
		await assert.rejects(s.open(h(v.s2c.messages[0].message)),
				     { code: 'replay' });
		s.wipe();
	});
}

test('the ratchet step: epoch 0 to 1 under aes_256_gcm', async () => {
	const R = V.ratchet;
	assert.deepEqual([R.alg_id, R.epoch, R.session_id],
			 [algId(R.alg), 1, HS.session_id]);
	assert.equal(R.c2s.previous_secret, HS.secret_c2s);
	assert.equal(R.s2c.previous_secret, HS.secret_s2c);
	for (const dir of ['c2s', 's2c']) {
		const k = new DirKeys(dir, h(R[dir].previous_secret));
		const old = k.secret;
		k.ratchet();
		assert.ok(old.every((b) => b === 0), 'S(0) erased');
		assert.equal(k.epoch, 1);
		checkKeys(k, R[dir], R.alg);
		await checkMessages(k, R.alg, R[dir], 1);
	}
	/* the client follows an epoch frame: seals and opens at epoch 1 */
	const s = new Session(SID, R.alg_id, h(HS.secret_c2s), h(HS.secret_s2c));
	assert.equal(s.advance(1, R.alg_id), true);
	assert.equal(toHex(await s.seal(h(R.c2s.messages[0].plaintext))),
		     R.c2s.messages[0].message);
	assert.equal(toHex((await s.open(h(R.s2c.messages[0].message))).pt),
		     R.s2c.messages[0].plaintext);
	s.wipe();
	/* or the header of a newer epoch moves it */
	const t = new Session(SID, R.alg_id, h(HS.secret_c2s), h(HS.secret_s2c));
	const r = await t.open(h(R.s2c.messages[0].message));
	assert.deepEqual([toHex(r.pt), r.epoch, r.advanced, t.epoch],
			 [R.s2c.messages[0].plaintext, 1, true, 1]);
	assert.equal(getHeader(h(R.s2c.messages[0].message)).epoch, 1);
	assert.equal(toHex(await t.seal(h(R.c2s.messages[0].plaintext))),
		     R.c2s.messages[0].message);
	t.wipe();
});

test('the key file: kek, the file, and reading it back', async () => {
	const K = V.keyfile;
	assert.equal(new TextDecoder().decode(h(K.passphrase)),
		     K.passphrase_text);
	assert.equal(toHex(publicKey(h(K.private))), K.public);
	assert.equal(K.private, HS.client_static.private);
	assert.equal(keyfileIterations(h(K.file)), K.iterations);
	for (const wc of [true, false]) {
		setWebCrypto(wc);
		try {
			assert.equal(toHex(await pbkdf2Sha256(h(K.passphrase),
				h(K.salt), K.iterations, 32)), K.kek,
				`PBKDF2 (WebCrypto ${wc})`);
			assert.equal(toHex(await keyfileDecode(h(K.file),
				K.passphrase_text)), K.private);
			assert.equal(toHex(await keyfileEncode(h(K.private),
				K.passphrase_text, K.iterations,
				{ salt: h(K.salt), nonce: h(K.nonce) })), K.file);
		} finally {
			setWebCrypto(true);
		}
	}
	await assert.rejects(keyfileDecode(h(K.file), 'correct horse'),
			     { code: 'passphrase' });
	await assert.rejects(keyfileEncode(h(K.private), 'x', K.iterations,
		{ salt: h(K.salt).subarray(1), nonce: h(K.nonce) }),
		{ code: 'inval' });
});
