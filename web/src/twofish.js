// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The Twofish block cipher (Schneier, Kelsey, Whiting, Wagner, Hall,
 * Ferguson: "Twofish: A 128-Bit Block Cipher", 1998), written from the
 * paper: 128-bit blocks, 128-, 192- or 256-bit keys (secmsg uses 256).
 *
 *   const tf = new Twofish(key);            // key schedule, once per key
 *   tf.encryptBlock(src, srcOff, dst, dstOff);
 *   tf.decryptBlock(src, srcOff, dst, dstOff);
 *   tf.wipe();
 *
 * Words are little endian, as in the paper.  The key-dependent S-boxes
 * are folded with the MDS matrix into four tables of 256 words (the
 * paper's "full keying", section 7.3), so g() is four lookups.  Tested
 * against the paper's test vectors and against nettle
 * (web/test/twofish.test.js).
 */

/* The 4-bit permutations t0..t3 of q0 and q1 (paper section 4.3.5). */
const Q_TABLES = [
	[	/* q0 */
		[0x8, 0x1, 0x7, 0xD, 0x6, 0xF, 0x3, 0x2, 0x0, 0xB, 0x5, 0x9, 0xE, 0xC, 0xA, 0x4],
		[0xE, 0xC, 0xB, 0x8, 0x1, 0x2, 0x3, 0x5, 0xF, 0x4, 0xA, 0x6, 0x7, 0x0, 0x9, 0xD],
		[0xB, 0xA, 0x5, 0xE, 0x6, 0xD, 0x9, 0x0, 0xC, 0x8, 0xF, 0x3, 0x2, 0x4, 0x7, 0x1],
		[0xD, 0x7, 0xF, 0x4, 0x1, 0x2, 0x6, 0xE, 0x9, 0xB, 0x3, 0x0, 0x8, 0x5, 0xC, 0xA],
	],
	[	/* q1 */
		[0x2, 0x8, 0xB, 0xD, 0xF, 0x7, 0x6, 0xE, 0x3, 0x1, 0x9, 0x4, 0x0, 0xA, 0xC, 0x5],
		[0x1, 0xE, 0x2, 0xB, 0x4, 0xC, 0x3, 0x7, 0x6, 0xD, 0xA, 0x5, 0xF, 0x9, 0x0, 0x8],
		[0x4, 0xC, 0x7, 0x5, 0x1, 0x6, 0x9, 0xA, 0x0, 0xE, 0xD, 0x8, 0x2, 0xB, 0x3, 0xF],
		[0xB, 0x9, 0x5, 0x1, 0xC, 0x3, 0xD, 0xE, 0x6, 0x4, 0x7, 0xF, 0x2, 0x0, 0x8, 0xA],
	],
];

const ror4 = (x) => (x >> 1 | x << 3) & 15;

/* q0 or q1 of one byte (paper section 4.3.5). */
function qPermute(t, x) {
	let a = x >> 4, b = x & 15;
	const a1 = a ^ b, b1 = (a ^ ror4(b) ^ 8 * a) & 15;
	a = t[0][a1];
	b = t[1][b1];
	const a3 = a ^ b, b3 = (a ^ ror4(b) ^ 8 * a) & 15;
	return t[3][b3] << 4 | t[2][a3];
}

const Q0 = new Uint8Array(256);
const Q1 = new Uint8Array(256);
for (let x = 0; x < 256; x++) {
	Q0[x] = qPermute(Q_TABLES[0], x);
	Q1[x] = qPermute(Q_TABLES[1], x);
}

/* Multiplication in GF(2^8) modulo the polynomial poly. */
function gfMul(a, b, poly) {
	let r = 0;
	while (b) {
		if (b & 1)
			r ^= a;
		a <<= 1;
		if (a & 0x100)
			a ^= poly;
		b >>= 1;
	}
	return r;
}

/* MDS matrix over GF(2^8) mod x^8+x^6+x^5+x^3+1 (paper section 4.2). */
const MDS = [
	[0x01, 0xEF, 0x5B, 0x5B],
	[0x5B, 0xEF, 0xEF, 0x01],
	[0xEF, 0x5B, 0x01, 0xEF],
	[0xEF, 0x01, 0xEF, 0x5B],
];
const MDS_POLY = 0x169;

/* RS matrix over GF(2^8) mod x^8+x^6+x^3+x^2+1 (paper section 4.3). */
const RS = [
	[0x01, 0xA4, 0x55, 0x87, 0x5A, 0x58, 0xDB, 0x9E],
	[0xA4, 0x56, 0x82, 0xF3, 0x1E, 0xC6, 0x68, 0xE5],
	[0x02, 0xA1, 0xFC, 0xC1, 0x47, 0xAE, 0x3D, 0x19],
	[0xA4, 0x55, 0x87, 0x5A, 0x58, 0xDB, 0x9E, 0x03],
];
const RS_POLY = 0x14D;

/* MDS column j times byte y, as a word: the contribution of byte j. */
function mdsColumn(j, y) {
	return (gfMul(MDS[0][j], y, MDS_POLY) |
		gfMul(MDS[1][j], y, MDS_POLY) << 8 |
		gfMul(MDS[2][j], y, MDS_POLY) << 16 |
		gfMul(MDS[3][j], y, MDS_POLY) << 24) >>> 0;
}

/*
 * The q permutations byte j passes through in h() (paper figure 2):
 * the first entry is applied first (for k = 4), the last one last.
 */
const Q_ORDER = [
	[Q1, Q1, Q0, Q0, Q1],
	[Q0, Q1, Q1, Q0, Q0],
	[Q0, Q0, Q0, Q1, Q1],
	[Q1, Q0, Q1, Q1, Q0],
];

/* Byte j of h(x, L) before the MDS matrix; L holds k key words. */
function hByte(j, x, L) {
	const k = L.length;
	const q = Q_ORDER[j];
	let y = x;
	for (let stage = 4 - k; stage < 4; stage++)
		y = q[stage][y] ^ (L[3 - stage] >>> 8 * j & 0xff);
	return q[4][y];
}

/* h(X, L) of paper section 4.3.2. */
function h(X, L) {
	let z = 0;
	for (let j = 0; j < 4; j++)
		z ^= mdsColumn(j, hByte(j, X >>> 8 * j & 0xff, L));
	return z >>> 0;
}

const rol = (x, n) => (x << n | x >>> 32 - n) >>> 0;
const ror = (x, n) => (x >>> n | x << 32 - n) >>> 0;

function getLe32(b, off) {
	return (b[off] | b[off + 1] << 8 | b[off + 2] << 16 |
		b[off + 3] << 24) >>> 0;
}

function putLe32(b, off, v) {
	b[off] = v & 0xff;
	b[off + 1] = v >>> 8 & 0xff;
	b[off + 2] = v >>> 16 & 0xff;
	b[off + 3] = v >>> 24;
}

export class Twofish {
	constructor(key) {
		if (!(key instanceof Uint8Array) ||
		    ![16, 24, 32].includes(key.length))
			throw new RangeError('Twofish keys are 16, 24 or 32 bytes');
		const k = key.length / 8;
		const Me = [], Mo = [], S = [];
		for (let i = 0; i < k; i++) {
			Me.push(getLe32(key, 8 * i));
			Mo.push(getLe32(key, 8 * i + 4));
			/* S_i = RS . (m_8i .. m_8i+7), used in reverse order */
			let s = 0;
			for (let r = 0; r < 4; r++) {
				let v = 0;
				for (let c = 0; c < 8; c++)
					v ^= gfMul(RS[r][c], key[8 * i + c], RS_POLY);
				s |= v << 8 * r;
			}
			S.unshift(s >>> 0);
		}
		/* the 40 subkeys K_0 .. K_39 (paper section 4.3.3) */
		this.K = new Uint32Array(40);
		this.f0 = this.f1 = 0;
		const rho = 0x01010101;
		for (let i = 0; i < 20; i++) {
			const A = h(Math.imul(2 * i, rho) >>> 0, Me);
			const B = rol(h(Math.imul(2 * i + 1, rho) >>> 0, Mo), 8);
			this.K[2 * i] = A + B;
			this.K[2 * i + 1] = rol((A + 2 * B) >>> 0, 9);
		}
		/* g(X) = h(X, S) = T[0][x0] ^ T[1][x1] ^ T[2][x2] ^ T[3][x3] */
		this.T = [0, 1, 2, 3].map((j) => {
			const t = new Uint32Array(256);
			for (let x = 0; x < 256; x++)
				t[x] = mdsColumn(j, hByte(j, x, S));
			return t;
		});
		Me.fill(0);
		Mo.fill(0);
		S.fill(0);
	}

	g(x) {
		const T = this.T;
		return (T[0][x & 0xff] ^ T[1][x >>> 8 & 0xff] ^
			T[2][x >>> 16 & 0xff] ^ T[3][x >>> 24]) >>> 0;
	}

	/* F(R0, R1, r) of paper section 4.3.1, into this.f0, this.f1 */
	F(r0, r1, r) {
		const t0 = this.g(r0), t1 = this.g(rol(r1, 8));
		this.f0 = (t0 + t1 + this.K[2 * r + 8]) >>> 0;
		this.f1 = (t0 + 2 * t1 + this.K[2 * r + 9]) >>> 0;
	}

	encryptBlock(src, so, dst, d) {
		const K = this.K;
		let r0 = getLe32(src, so) ^ K[0];
		let r1 = getLe32(src, so + 4) ^ K[1];
		let r2 = getLe32(src, so + 8) ^ K[2];
		let r3 = getLe32(src, so + 12) ^ K[3];
		for (let r = 0; r < 16; r++) {
			this.F(r0, r1, r);
			const n0 = ror((r2 ^ this.f0) >>> 0, 1);
			const n1 = (rol(r3, 1) ^ this.f1) >>> 0;
			r2 = r0;
			r3 = r1;
			r0 = n0;
			r1 = n1;
		}
		/* undo the last swap and whiten */
		putLe32(dst, d, r2 ^ K[4]);
		putLe32(dst, d + 4, r3 ^ K[5]);
		putLe32(dst, d + 8, r0 ^ K[6]);
		putLe32(dst, d + 12, r1 ^ K[7]);
	}

	decryptBlock(src, so, dst, d) {
		const K = this.K;
		let r2 = getLe32(src, so) ^ K[4];
		let r3 = getLe32(src, so + 4) ^ K[5];
		let r0 = getLe32(src, so + 8) ^ K[6];
		let r1 = getLe32(src, so + 12) ^ K[7];
		for (let r = 15; r >= 0; r--) {
			/* (r0, r1) are the previous round's r2, r3 */
			this.F(r2, r3, r);
			const p2 = (rol(r0, 1) ^ this.f0) >>> 0;
			const p3 = ror((r1 ^ this.f1) >>> 0, 1);
			r0 = r2;
			r1 = r3;
			r2 = p2;
			r3 = p3;
		}
		putLe32(dst, d, r0 ^ K[0]);
		putLe32(dst, d + 4, r1 ^ K[1]);
		putLe32(dst, d + 8, r2 ^ K[2]);
		putLe32(dst, d + 12, r3 ^ K[3]);
	}

	wipe() {
		this.K.fill(0);
		for (const t of this.T)
			t.fill(0);
	}
}
