// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Byte helpers for secmsg.js: UTF-8, hex, strict base64 (RFC 4648
 * section 4, with padding: docs/protocol.md section 5), big-endian
 * integers, concatenation, constant-time comparison and wiping.
 */

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

export function utf8(s) {
	return enc.encode(s);
}

/* Strict UTF-8 decoding: throws a TypeError on invalid input. */
export function fromUtf8(b) {
	return dec.decode(b);
}

export function toHex(b) {
	let s = '';
	for (const x of b)
		s += x.toString(16).padStart(2, '0');
	return s;
}

export function fromHex(s) {
	if (typeof s !== 'string' || s.length % 2 || /[^0-9a-fA-F]/.test(s))
		throw new TypeError('not a hex string');
	const out = new Uint8Array(s.length / 2);
	for (let i = 0; i < out.length; i++)
		out[i] = parseInt(s.substr(2 * i, 2), 16);
	return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VAL = new Int16Array(256).fill(-1);
for (let i = 0; i < 64; i++)
	B64_VAL[B64.charCodeAt(i)] = i;

export function toBase64(b) {
	let s = '';
	let i = 0;
	for (; i + 2 < b.length; i += 3) {
		const v = b[i] << 16 | b[i + 1] << 8 | b[i + 2];
		s += B64[v >> 18] + B64[v >> 12 & 63] + B64[v >> 6 & 63] +
		     B64[v & 63];
	}
	if (i + 1 === b.length) {
		const v = b[i] << 16;
		s += B64[v >> 18] + B64[v >> 12 & 63] + '==';
	} else if (i + 2 === b.length) {
		const v = b[i] << 16 | b[i + 1] << 8;
		s += B64[v >> 18] + B64[v >> 12 & 63] + B64[v >> 6 & 63] + '=';
	}
	return s;
}

/*
 * Standard base64 with padding, nothing else: no whitespace, no URL
 * alphabet, no missing padding, and no nonzero bits in the last
 * character's unused part (so that every byte string has exactly one
 * encoding).  Throws a TypeError.
 */
export function fromBase64(s) {
	if (typeof s !== 'string' || s.length % 4)
		throw new TypeError('bad base64');
	let pad = 0;
	if (s.endsWith('=='))
		pad = 2;
	else if (s.endsWith('='))
		pad = 1;
	const out = new Uint8Array(s.length / 4 * 3 - pad);
	let o = 0;
	for (let i = 0; i < s.length; i += 4) {
		const last = i + 4 === s.length;
		const n = last ? 4 - pad : 4;
		let v = 0;
		for (let j = 0; j < 4; j++) {
			let c = 0;
			if (j < n) {
				c = s.charCodeAt(i + j);
				c = c < 256 ? B64_VAL[c] : -1;
				if (c < 0)
					throw new TypeError('bad base64');
			}
			v = v << 6 | c;
		}
		if (last && (pad === 1 && v & 0xff || pad === 2 && v & 0xffff))
			throw new TypeError('bad base64');
		out[o++] = v >> 16;
		if (o < out.length)
			out[o++] = v >> 8 & 0xff;
		if (o < out.length)
			out[o++] = v & 0xff;
	}
	return out;
}

export function concat(...parts) {
	let n = 0;
	for (const p of parts)
		n += p.length;
	const out = new Uint8Array(n);
	let o = 0;
	for (const p of parts) {
		out.set(p, o);
		o += p.length;
	}
	return out;
}

export function putBe32(b, off, v) {
	b[off] = v >>> 24;
	b[off + 1] = v >>> 16 & 0xff;
	b[off + 2] = v >>> 8 & 0xff;
	b[off + 3] = v & 0xff;
}

export function getBe32(b, off) {
	return (b[off] << 24 | b[off + 1] << 16 | b[off + 2] << 8 |
		b[off + 3]) >>> 0;
}

/* 64-bit values as BigInt. */
export function putBe64(b, off, v) {
	putBe32(b, off, Number(BigInt.asUintN(64, v) >> 32n));
	putBe32(b, off + 4, Number(BigInt.asUintN(32, v)));
}

export function getBe64(b, off) {
	return BigInt(getBe32(b, off)) << 32n | BigInt(getBe32(b, off + 4));
}

/* Equal length and contents, in time independent of the contents. */
export function ctEqual(a, b) {
	if (a.length !== b.length)
		return false;
	let d = 0;
	for (let i = 0; i < a.length; i++)
		d |= a[i] ^ b[i];
	return d === 0;
}

/*
 * Overwrite secrets once done with them.  JavaScript gives no guarantee
 * that no copy exists elsewhere (the engine may move buffers), but every
 * buffer this library owns is cleared as the C library clears its own.
 */
export function wipe(...bufs) {
	for (const b of bufs)
		if (b)
			b.fill(0);
}

export function randomBytes(n) {
	const b = new Uint8Array(n);
	globalThis.crypto.getRandomValues(b);
	return b;
}
