// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Sealed messages (docs/protocol.md section 2): the 24-byte header, one
 * direction's key schedule and ratchet, whole-message seal and open, and
 * the replay window.  The same rules as tools/lib/wire.c, keys.c and
 * replay.c.
 *
 * Header: version 1 | alg | 2 reserved | epoch (4) | session id (8) |
 * seq (8), big endian; it is the associated data (followed by the IV for
 * twofish_cbc).  AEAD nonce = salt XOR (0^4 || seq as 8 bytes).
 * Session ids are BigInt (64 bits); sequence numbers are Numbers (below
 * 2^48, so exact).
 */
import { expand } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';

import { getBe32, getBe64, putBe32, putBe64, randomBytes, utf8, wipe }
	from './bytes.js';
import { ALGS, Cipher, MAX_PLAINTEXT, algName, overhead } from './crypt.js';
import { SecmsgError } from './errors.js';

export const WIRE_VERSION = 1;
export const HDR_LEN = 24;
export const REPLAY_WINDOW = 2048;
/* Sequence numbers are below 2^48 (SECMSG_MAX_MESSAGES_LIMIT). */
export const MAX_SEQ = 2 ** 48;
const IV_LEN = 16;

/* ---- header ---- */

export function putHeader(h) {
	const b = new Uint8Array(HDR_LEN);
	b[0] = h.version ?? WIRE_VERSION;
	b[1] = h.alg;
	putBe32(b, 4, h.epoch);
	putBe64(b, 8, BigInt(h.sessionId));
	putBe64(b, 16, BigInt(h.seq));
	return b;
}

/*
 * Parse a header: { version, alg, epoch, sessionId, seq, ok }; null when
 * shorter than a header; ok is false for a bad version or reserved bytes.
 */
export function getHeader(msg) {
	if (!(msg instanceof Uint8Array) || msg.length < HDR_LEN)
		return null;
	const seq = getBe64(msg, 16);
	return {
		version: msg[0],
		alg: msg[1],
		epoch: getBe32(msg, 4),
		sessionId: getBe64(msg, 8),
		seq: seq < BigInt(Number.MAX_SAFE_INTEGER) ? Number(seq) : Infinity,
		ok: msg[0] === WIRE_VERSION && !msg[2] && !msg[3],
	};
}

/* ---- key schedule ---- */

function expandLabel(secret, dir, what, len) {
	return expand(sha256, secret, utf8(`secmsg v1 ${dir} ${what}`), len);
}

/*
 * One direction ('c2s' or 's2c') at one epoch: the traffic secret S(e),
 * key(e), salt(e) and the keyed cipher of each algorithm used in it.
 */
export class DirKeys {
	constructor(dir, secret, epoch = 0) {
		if (dir !== 'c2s' && dir !== 's2c')
			throw new SecmsgError('inval', 'bad direction');
		if (!(secret instanceof Uint8Array) || secret.length !== 32)
			throw new SecmsgError('inval', 'bad traffic secret');
		this.dir = dir;
		this.epoch = epoch;
		this.secret = secret.slice();
		this.ciphers = new Map();
		this.derive();
	}

	derive() {
		this.key = expandLabel(this.secret, this.dir, 'key', 32);
		this.salt = expandLabel(this.secret, this.dir, 'nonce', 12);
	}

	/* A copy without the secret: opens this epoch, cannot ratchet. */
	frozen() {
		const k = Object.create(DirKeys.prototype);
		k.dir = this.dir;
		k.epoch = this.epoch;
		k.secret = null;
		k.key = this.key.slice();
		k.salt = this.salt.slice();
		k.ciphers = new Map();
		return k;
	}

	/* A full copy (for opening ahead without moving this one). */
	copy() {
		return new DirKeys(this.dir, this.secret, this.epoch);
	}

	/* Move to epoch + 1: S(e + 1) from S(e), which is erased. */
	ratchet() {
		if (!this.secret)
			throw new SecmsgError('inval', 'no secret to ratchet');
		const next = expandLabel(this.secret, this.dir, 'ratchet', 32);
		this.dropCiphers();
		wipe(this.secret, this.key, this.salt);
		this.secret = next;
		this.epoch++;
		this.derive();
	}

	async cipher(alg) {
		let c = this.ciphers.get(alg);
		if (!c) {
			c = await Cipher.create(alg, this.key);
			this.ciphers.set(alg, c);
		}
		return c;
	}

	dropCiphers() {
		for (const c of this.ciphers.values())
			c.wipe();
		this.ciphers.clear();
	}

	wipe() {
		this.dropCiphers();
		wipe(this.secret, this.key, this.salt);
	}
}

/* The AEAD nonce of message seq under k: salt XOR (0^4 || seq). */
export function messageNonce(k, seq) {
	const n = new Uint8Array(12);
	putBe64(n, 4, BigInt(seq));
	for (let i = 0; i < 12; i++)
		n[i] ^= k.salt[i];
	return n;
}

/* ---- whole messages ---- */

/*
 * Seal pt as message seq of sessionId under k (its epoch) and alg.
 * iv: the twofish_cbc IV (tests only; random by default).
 */
export async function sealMessage(k, alg, sessionId, seq, pt, iv) {
	if (!algName(alg))
		throw new SecmsgError('inval', 'bad algorithm');
	if (pt.length > MAX_PLAINTEXT)
		throw new SecmsgError('too_large');
	const hdr = putHeader({ alg, epoch: k.epoch, sessionId, seq });
	const c = await k.cipher(alg);
	let body;
	if (alg === ALGS.twofish_cbc) {
		/* the MAC covers header || IV || ct (section 1: AD = header) */
		iv = iv || randomBytes(IV_LEN);
		const ct = await c.seal(iv, hdr, pt);
		body = new Uint8Array(IV_LEN + ct.length);
		body.set(iv);
		body.set(ct, IV_LEN);
	} else {
		body = await c.seal(messageNonce(k, seq), hdr, pt);
	}
	const out = new Uint8Array(HDR_LEN + body.length);
	out.set(hdr);
	out.set(body, HDR_LEN);
	return out;
}

/*
 * Open a message under k, expecting sessionId and (unless 0) algorithm
 * alg.  Checks in the kernel's order (tools/lib/wire.c): length
 * ('inval'), version, reserved, session id, seq ('protocol'), epoch older
 * or newer than k's ('epoch'), algorithm ('protocol'), body lengths
 * ('inval', 'too_large'), authentication ('decrypt'), padding ('inval').
 * Returns { pt, hdr }.
 */
export async function openMessage(k, alg, sessionId, msg) {
	const h = getHeader(msg);
	if (!h)
		throw new SecmsgError('inval', 'shorter than a header');
	if (!h.ok || h.sessionId !== BigInt(sessionId) || !(h.seq < MAX_SEQ))
		throw new SecmsgError('protocol', 'bad header');
	if (h.epoch !== k.epoch)
		throw new SecmsgError('epoch');
	if (!algName(h.alg) || (alg && h.alg !== alg))
		throw new SecmsgError('protocol', 'unexpected algorithm');
	const hdr = msg.subarray(0, HDR_LEN);
	const body = msg.subarray(HDR_LEN);
	const c = await k.cipher(h.alg);
	let pt;
	if (h.alg === ALGS.twofish_cbc) {
		if (body.length < IV_LEN)
			throw new SecmsgError('inval', 'body shorter than an IV');
		pt = await c.open(body.subarray(0, IV_LEN), hdr,
				  body.subarray(IV_LEN));
	} else {
		pt = await c.open(messageNonce(k, h.seq), hdr, body);
	}
	return { pt, hdr: h };
}

/* Room a sealed message of n plaintext bytes needs at most. */
export function sealedMax(n, alg = ALGS.twofish_cbc) {
	return HDR_LEN + n + overhead(alg);
}

/* ---- replay window ---- */

/*
 * The window of tools/lib/replay.c: top = highest accepted + 1, one bit
 * per sequence number of [top - W, top).  check() records, peek() only
 * answers: null when fresh, else 'replay'.
 */
export class ReplayWindow {
	constructor() {
		this.top = 0;
		this.bits = new Uint32Array(REPLAY_WINDOW / 32);
	}

	bit(seq) {
		const i = seq % REPLAY_WINDOW;
		return [i >>> 5, 1 << (i & 31)];
	}

	peek(seq) {
		if (!Number.isSafeInteger(seq) || seq < 0)
			return 'replay';
		if (seq >= this.top)
			return null;
		if (this.top - seq > REPLAY_WINDOW)
			return 'replay';		/* too old */
		const [w, m] = this.bit(seq);
		return this.bits[w] & m ? 'replay' : null;
	}

	check(seq) {
		const err = this.peek(seq);
		if (err)
			return err;
		if (seq >= this.top) {
			if (seq - this.top >= REPLAY_WINDOW - 1) {
				this.bits.fill(0);
			} else {
				for (let s = this.top; s <= seq; s++) {
					const [w, m] = this.bit(s);
					this.bits[w] &= ~m;
				}
			}
			this.top = seq + 1;
		}
		const [w, m] = this.bit(seq);
		this.bits[w] |= m;
		return null;
	}
}
