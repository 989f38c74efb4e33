// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The secmsg handshake (docs/protocol.md section 3): Noise KK
 * (Noise_KK_25519_ChaChaPoly_SHA256) with the secmsg framing.  The
 * client side, and a reference server side for tests (the real one is
 * secmsg.ko's), as tools/lib/handshake.c.
 *
 *   const hs = clientInit({ user, alg, clientPriv, serverPub });
 *   send hs.msg1 ... receive msg2
 *   const { sessionId, c2s, s2c, msg3 } = hs.finish(msg2);
 *
 * Failures throw SecmsgError: 'inval' (malformed, non-canonical or
 * low-order key), 'protocol' (message 2 of the wrong type or version,
 * reserved bytes, session id 0), 'server_auth' (message 2 does not
 * authenticate: the server does not hold the pinned key).
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';

import { concat, ctEqual, getBe64, putBe32, putBe64, randomBytes, utf8,
	 wipe } from './bytes.js';
import { algName } from './crypt.js';
import { SecmsgError } from './errors.js';

export const KEY_LEN = 32;
export const HS_INIT = 1;
export const HS_RESPONSE = 2;
export const HS_CONFIRM = 3;
export const HS_VERSION = 1;
export const USER_MAX = 64;
export const MSG2_LEN = 12 + 32 + 16;
export const MSG3_LEN = 12 + 32;
const TS_LEN = 12;
const TAG_LEN = 16;

const PROTOCOL_NAME = utf8('Noise_KK_25519_ChaChaPoly_SHA256');
const PROLOGUE = utf8('secmsg handshake v1');
const CONFIRM_LABEL = utf8('secmsg v1 confirm');
const ZERO_NONCE = new Uint8Array(12);

/* ---- X25519 ---- */

/* Bit 255 clear and the value below 2^255 - 19 (little endian). */
export function x25519Canonical(pub) {
	if (!(pub instanceof Uint8Array) || pub.length !== KEY_LEN)
		return false;
	if (pub[31] & 0x80)
		return false;
	if (pub[31] !== 0x7f)
		return true;
	for (let i = 30; i >= 1; i--)
		if (pub[i] !== 0xff)
			return true;
	return pub[0] < 0xed;
}

export function publicKey(priv) {
	if (!(priv instanceof Uint8Array) || priv.length !== KEY_LEN)
		throw new SecmsgError('inval', 'a private key is 32 bytes');
	return x25519.getPublicKey(priv);
}

export function generateKey() {
	const priv = randomBytes(KEY_LEN);
	return { privateKey: priv, publicKey: publicKey(priv) };
}

/* DH(priv, pub); 'inval' for a non-canonical or low-order pub. */
export function dh(priv, pub) {
	if (!x25519Canonical(pub))
		throw new SecmsgError('inval', 'non-canonical public key');
	let out;
	try {
		out = x25519.getSharedSecret(priv, pub);
	} catch {
		throw new SecmsgError('inval', 'low-order public key');
	}
	if (out.every((b) => b === 0))
		throw new SecmsgError('inval', 'low-order public key');
	return out;
}

/* ---- user ids ---- */

/* 1..64 of [A-Za-z0-9._@-], not starting with '.' or '-'. */
export function userIdValid(user) {
	return typeof user === 'string' &&
	       /^[A-Za-z0-9_@][A-Za-z0-9._@-]{0,63}$/.test(user);
}

/* ---- symmetric state ---- */

/*
 * trace (known-answer tests, as libsecmsg's secmsg_hs_set_trace): called
 * after each step as trace(op, input, h, ck, k) with copies; op is
 * 'Init', 'MixHash' or 'MixKey' (k is null but after a MixKey).
 */
class SymState {
	constructor(cPub, sPub, trace = null) {
		this.h = PROTOCOL_NAME.slice();
		this.ck = PROTOCOL_NAME.slice();
		this.k = null;
		this.trace = trace;
		this.traced('Init', PROTOCOL_NAME);
		this.mixHash(PROLOGUE);
		this.mixHash(cPub);
		this.mixHash(sPub);
	}

	traced(op, input) {
		if (this.trace)
			this.trace(op, input.slice(), this.h.slice(),
				   this.ck.slice(),
				   op === 'MixKey' ? this.k.slice() : null);
	}

	mixHash(x) {
		this.h = sha256(concat(this.h, x));
		this.traced('MixHash', x);
	}

	mixKey(x) {
		const t = hmac(sha256, this.ck, x);
		const ck = hmac(sha256, t, Uint8Array.of(1));
		const k = hmac(sha256, t, concat(ck, Uint8Array.of(2)));
		wipe(t, this.ck, this.k);
		this.ck = ck;
		this.k = k;
		this.traced('MixKey', x);
	}

	mixDh(priv, pub) {
		const s = dh(priv, pub);
		this.mixKey(s);
		wipe(s);
	}

	encryptAndHash(p) {
		const c = chacha20poly1305(this.k, ZERO_NONCE, this.h).encrypt(p);
		wipe(this.k);
		this.k = null;
		this.mixHash(c);
		return c;
	}

	/* null when the tag fails */
	decryptAndHash(c) {
		let p;
		try {
			p = chacha20poly1305(this.k, ZERO_NONCE, this.h).decrypt(c);
		} catch {
			p = null;
		}
		wipe(this.k);
		this.k = null;
		if (p)
			this.mixHash(c);
		return p;
	}

	/* Split and the confirmation value. */
	split() {
		const t = hmac(sha256, this.ck, new Uint8Array(0));
		const c2s = hmac(sha256, t, Uint8Array.of(1));
		const s2c = hmac(sha256, t, concat(c2s, Uint8Array.of(2)));
		const confirm = hmac(sha256, this.ck, concat(CONFIRM_LABEL, this.h));
		wipe(t);
		return { c2s, s2c, confirm };
	}

	wipe() {
		wipe(this.h, this.ck, this.k);
	}
}

function timestampNow() {
	/* Unix seconds and nanoseconds; milliseconds are all a browser has */
	const ms = Date.now();
	return { sec: Math.floor(ms / 1000), nsec: ms % 1000 * 1e6 };
}

function putTimestamp(ts) {
	const b = new Uint8Array(TS_LEN);
	putBe64(b, 0, BigInt(ts.sec));
	putBe32(b, 8, ts.nsec);
	return b;
}

let lastTs = { sec: 0, nsec: 0 };

/*
 * A timestamp newer than any this page or process sent before: two
 * handshakes in the same millisecond still get increasing timestamps
 * (the server refuses one that is not newer than the last it accepted).
 */
function nextTimestamp() {
	let ts = timestampNow();
	if (ts.sec < lastTs.sec ||
	    (ts.sec === lastTs.sec && ts.nsec <= lastTs.nsec)) {
		ts = { sec: lastTs.sec, nsec: lastTs.nsec + 1 };
		if (ts.nsec >= 1e9)
			ts = { sec: ts.sec + 1, nsec: 0 };
	}
	lastTs = ts;
	return ts;
}

/* ---- client ---- */

/*
 * Message 1.  ephemeral (private key), timestamp ({sec, nsec}) and trace
 * (SymState) are for known-answer tests; a real client leaves them out.
 */
export function clientInit({ user, alg, clientPriv, serverPub, ephemeral,
			     timestamp, trace }) {
	if (typeof alg === 'string')
		throw new SecmsgError('inval', 'alg is the algorithm id');
	if (!userIdValid(user) || !algName(alg) ||
	    !(clientPriv instanceof Uint8Array) ||
	    clientPriv.length !== KEY_LEN || !x25519Canonical(serverPub))
		throw new SecmsgError('inval', 'bad handshake arguments');
	const e = ephemeral ? ephemeral.slice() : randomBytes(KEY_LEN);
	const E = publicKey(e);
	const c = clientPriv.slice();
	const C = publicKey(c);
	const uid = utf8(user);
	const head = concat(Uint8Array.of(HS_INIT, HS_VERSION, alg,
					  uid.length), uid);
	const s = new SymState(C, serverPub, trace);
	let msg1;
	try {
		s.mixHash(head);
		s.mixHash(E);
		s.mixDh(e, serverPub);		/* es */
		s.mixDh(c, serverPub);		/* ss */
		const ts = putTimestamp(timestamp || nextTimestamp());
		msg1 = concat(head, E, s.encryptAndHash(ts));
	} catch (err) {
		s.wipe();
		wipe(e, c);
		throw err;
	}
	let done = false;
	return {
		msg1,
		/* The state after message 1 (known-answer tests). */
		h: s.h.slice(),
		ck: s.ck.slice(),
		finish(msg2) {
			if (done)
				throw new SecmsgError('state', 'handshake finished');
			done = true;
			try {
				return clientFinish(s, e, c, msg2);
			} finally {
				s.wipe();
				wipe(e, c);
			}
		},
		abandon() {
			done = true;
			s.wipe();
			wipe(e, c);
		},
	};
}

function clientFinish(s, e, c, msg2) {
	if (!(msg2 instanceof Uint8Array) || msg2.length !== MSG2_LEN)
		throw new SecmsgError('protocol', 'malformed handshake message 2');
	const id = getBe64(msg2, 4);
	if (msg2[0] !== HS_RESPONSE || msg2[1] !== HS_VERSION || msg2[2] ||
	    msg2[3] || !id)
		throw new SecmsgError('protocol', 'malformed handshake message 2');
	const Es = msg2.subarray(12, 44);
	s.mixHash(msg2.subarray(0, 12));
	s.mixHash(Es);
	s.mixDh(e, Es);			/* ee */
	s.mixDh(c, Es);			/* se */
	if (!s.decryptAndHash(msg2.subarray(44, 60)))
		throw new SecmsgError('server_auth',
			'handshake message 2 does not authenticate: the server does not hold the pinned key');
	const { c2s, s2c, confirm } = s.split();
	const msg3 = new Uint8Array(MSG3_LEN);
	msg3[0] = HS_CONFIRM;
	msg3[1] = HS_VERSION;
	putBe64(msg3, 4, id);
	msg3.set(confirm, 12);
	const h = s.h.slice();
	wipe(confirm);
	return { sessionId: id, c2s, s2c, msg3, h };
}

/* ---- reference server (tests) ---- */

/* The public fields of a message 1: { alg, user }; 'inval' if malformed. */
export function parseInit(msg1) {
	if (!(msg1 instanceof Uint8Array) || msg1.length < 4)
		throw new SecmsgError('inval', 'malformed message 1');
	const n = msg1[3];
	const user = new TextDecoder().decode(msg1.subarray(4, 4 + n));
	if (msg1.length !== 4 + n + 32 + TS_LEN + TAG_LEN ||
	    msg1[0] !== HS_INIT || msg1[1] !== HS_VERSION ||
	    !algName(msg1[2]) || !userIdValid(user))
		throw new SecmsgError('inval', 'malformed message 1');
	return { alg: msg1[2], user };
}

/*
 * Check message 1 against the server's key pair and the user's public
 * key, then make message 2.  replay: { last: {sec, nsec} | null }
 * updated on success ('replayed' when not newer).  Returns { msg2,
 * sessionId, alg, user, c2s, s2c, confirm, timestamp }.  'auth' when
 * message 1 does not authenticate.
 */
export function serverRespond({ serverPriv, userPub, msg1, sessionId,
				ephemeral, replay, trace }) {
	const info = parseInit(msg1);
	const n = msg1[3];
	const Ec = msg1.subarray(4 + n, 36 + n);
	if (!x25519Canonical(Ec) || !x25519Canonical(userPub))
		throw new SecmsgError('inval', 'non-canonical key');
	const S = publicKey(serverPriv);
	const s = new SymState(userPub, S, trace);
	try {
		s.mixHash(msg1.subarray(0, 4 + n));
		s.mixHash(Ec);
		s.mixDh(serverPriv, Ec);		/* es */
		s.mixDh(serverPriv, userPub);		/* ss */
		const ts = s.decryptAndHash(msg1.subarray(36 + n));
		if (!ts)
			throw new SecmsgError('auth');
		const timestamp = { sec: Number(getBe64(ts, 0)),
				    nsec: (ts[8] << 24 | ts[9] << 16 |
					   ts[10] << 8 | ts[11]) >>> 0 };
		if (replay && replay.last &&
		    !(timestamp.sec > replay.last.sec ||
		      (timestamp.sec === replay.last.sec &&
		       timestamp.nsec > replay.last.nsec)))
			throw new SecmsgError('replayed');
		const es = ephemeral ? ephemeral.slice() : randomBytes(KEY_LEN);
		const msg2 = new Uint8Array(MSG2_LEN);
		msg2[0] = HS_RESPONSE;
		msg2[1] = HS_VERSION;
		putBe64(msg2, 4, BigInt(sessionId));
		msg2.set(publicKey(es), 12);
		s.mixHash(msg2.subarray(0, 12));
		s.mixHash(msg2.subarray(12, 44));
		s.mixDh(es, Ec);			/* ee */
		s.mixDh(es, userPub);			/* se */
		msg2.set(s.encryptAndHash(new Uint8Array(0)), 44);
		wipe(es);
		if (replay)
			replay.last = timestamp;
		return { msg2, sessionId: BigInt(sessionId), ...info,
			 ...s.split(), timestamp };
	} finally {
		s.wipe();
	}
}

/* Check a message 3: 'inval', 'protocol' (other session), 'auth'. */
export function serverConfirm(pending, msg3) {
	if (!(msg3 instanceof Uint8Array) || msg3.length !== MSG3_LEN ||
	    msg3[0] !== HS_CONFIRM || msg3[1] !== HS_VERSION || msg3[2] ||
	    msg3[3])
		throw new SecmsgError('inval', 'malformed message 3');
	if (getBe64(msg3, 4) !== pending.sessionId)
		throw new SecmsgError('protocol', 'another session');
	if (!ctEqual(msg3.subarray(12), pending.confirm))
		throw new SecmsgError('auth');
}
