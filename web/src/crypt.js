// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The three algorithms of docs/protocol.md section 1, one keyed cipher
 * per key (made once per epoch, as the kernel makes one transform per
 * epoch):
 *
 *   const c = await Cipher.create('aes_256_gcm', key);
 *   const body = await c.seal(nonce, aad, pt);    // ct || tag
 *   const pt = await c.open(nonce, aad, body);    // SecmsgError on failure
 *
 *   aes_256_gcm        @noble/ciphers; WebCrypto's AES-GCM where available
 *                      for bodies of WEBCRYPTO_MIN bytes and more (below,
 *                      its asynchronous call costs more than it saves:
 *                      node web/bench.js)
 *   chacha20_poly1305  @noble/ciphers (RFC 8439)
 *   twofish_cbc        Twofish-256-CBC (twofish.js) with PKCS#7 padding and
 *                      HMAC-SHA256 over AD || IV || ct (encrypt-then-MAC),
 *                      enc_key and mac_key split from the key by HKDF
 *
 * The nonce is 12 bytes for the AEADs and the 16-byte IV for twofish_cbc.
 * open() checks, in the C library's order (tools/lib/crypt.c): lengths
 * ('inval', 'too_large'), authentication ('decrypt'; the MAC before any
 * decryption for twofish_cbc), then the padding ('inval').
 */
import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';

import { ctEqual, utf8, wipe } from './bytes.js';
import { SecmsgError } from './errors.js';
import { Twofish } from './twofish.js';

export const ALGS = Object.freeze({
	aes_256_gcm: 1,
	chacha20_poly1305: 2,
	twofish_cbc: 3,
});
const ALG_NAMES = ['', 'aes_256_gcm', 'chacha20_poly1305', 'twofish_cbc'];

export const MAX_PLAINTEXT = 65280;
export const KEY_LEN = 32;
const TAG_LEN = 16;
const BLOCK = 16;
const HMAC_LEN = 32;
/* Smallest AES-GCM body that goes through WebCrypto when it is there. */
export const WEBCRYPTO_MIN = 1024;

/* Algorithm id of a name, or 0. */
export function algId(name) {
	return Object.hasOwn(ALGS, name) ? ALGS[name] : 0;
}

/* Name of an algorithm id, or null. */
export function algName(id) {
	return Number.isInteger(id) && id >= 1 && id <= 3 ? ALG_NAMES[id] : null;
}

/* Largest growth of a body: tag, or IV + padding + MAC. */
export function overhead(alg) {
	return alg === ALGS.twofish_cbc ? BLOCK + BLOCK + HMAC_LEN : TAG_LEN;
}

const TWOFISH_ENC_INFO = utf8('secmsg v1 twofish-cbc enc');
const TWOFISH_MAC_INFO = utf8('secmsg v1 hmac-sha256 mac');

/* enc_key and mac_key of a twofish_cbc key (section 1). */
export function twofishSubkeys(key) {
	return {
		enc: hkdf(sha256, key, undefined, TWOFISH_ENC_INFO, 32),
		mac: hkdf(sha256, key, undefined, TWOFISH_MAC_INFO, 32),
	};
}

function subtle() {
	return globalThis.crypto && globalThis.crypto.subtle;
}

let useWebCrypto = true;

/*
 * Whether AES-GCM and PBKDF2 may go through WebCrypto when the platform
 * has it (default true).  Tests turn it off to check the other path.
 */
export function setWebCrypto(on) {
	useWebCrypto = !!on;
}

export function webCryptoAvailable() {
	return useWebCrypto && !!subtle();
}

function checkNonce(alg, nonce) {
	const want = alg === ALGS.twofish_cbc ? BLOCK : 12;
	if (!(nonce instanceof Uint8Array) || nonce.length !== want)
		throw new SecmsgError('inval', 'bad nonce or IV length');
}

function checkOpenLen(alg, ct) {
	if (ct.length > MAX_PLAINTEXT + overhead(alg))
		throw new SecmsgError('too_large');
}

class AeadCipher {
	constructor(alg, key, wc) {
		this.alg = alg;
		this.key = key.slice();
		this.wc = wc;		/* WebCrypto CryptoKey, or null */
	}

	noble(nonce, aad) {
		return this.alg === ALGS.aes_256_gcm ?
			gcm(this.key, nonce, aad) :
			chacha20poly1305(this.key, nonce, aad);
	}

	async seal(nonce, aad, pt) {
		checkNonce(this.alg, nonce);
		if (pt.length > MAX_PLAINTEXT)
			throw new SecmsgError('too_large');
		if (this.wc && pt.length >= WEBCRYPTO_MIN) {
			return new Uint8Array(await subtle().encrypt(
				{ name: 'AES-GCM', iv: nonce, additionalData: aad,
				  tagLength: 128 }, this.wc, pt));
		}
		return this.noble(nonce, aad).encrypt(pt);
	}

	async open(nonce, aad, ct) {
		checkNonce(this.alg, nonce);
		checkOpenLen(this.alg, ct);
		if (ct.length < TAG_LEN)
			throw new SecmsgError('inval', 'body shorter than a tag');
		try {
			if (this.wc && ct.length >= WEBCRYPTO_MIN) {
				return new Uint8Array(await subtle().decrypt(
					{ name: 'AES-GCM', iv: nonce,
					  additionalData: aad, tagLength: 128 },
					this.wc, ct));
			}
			return this.noble(nonce, aad).decrypt(ct);
		} catch {
			throw new SecmsgError('decrypt');
		}
	}

	wipe() {
		wipe(this.key);
		this.wc = null;
	}
}

class TwofishCbcCipher {
	constructor(key) {
		const { enc, mac } = twofishSubkeys(key);
		this.tf = new Twofish(enc);
		this.mac = hmac.create(sha256, mac);	/* keyed once */
		wipe(enc, mac);
	}

	tag(aad, iv, ct) {
		return this.mac.clone().update(aad).update(iv).update(ct).digest();
	}

	async seal(iv, aad, pt) {
		checkNonce(ALGS.twofish_cbc, iv);
		if (pt.length > MAX_PLAINTEXT)
			throw new SecmsgError('too_large');
		const pad = BLOCK - pt.length % BLOCK;		/* 1..16 */
		const n = pt.length + pad;
		const out = new Uint8Array(n + HMAC_LEN);
		out.set(pt);
		out.fill(pad, pt.length, n);
		let chain = iv;
		for (let o = 0; o < n; o += BLOCK) {
			for (let i = 0; i < BLOCK; i++)
				out[o + i] ^= chain[i];
			this.tf.encryptBlock(out, o, out, o);
			chain = out.subarray(o, o + BLOCK);
		}
		out.set(this.tag(aad, iv, out.subarray(0, n)), n);
		return out;
	}

	async open(iv, aad, ct) {
		checkNonce(ALGS.twofish_cbc, iv);
		checkOpenLen(ALGS.twofish_cbc, ct);
		if (ct.length < BLOCK + HMAC_LEN ||
		    (ct.length - HMAC_LEN) % BLOCK)
			throw new SecmsgError('inval', 'bad CBC body length');
		const n = ct.length - HMAC_LEN;
		const body = ct.subarray(0, n);
		const want = this.tag(aad, iv, body);
		if (!ctEqual(want, ct.subarray(n)))
			throw new SecmsgError('decrypt');
		const out = new Uint8Array(n);
		let chain = iv;
		for (let o = 0; o < n; o += BLOCK) {
			this.tf.decryptBlock(body, o, out, o);
			for (let i = 0; i < BLOCK; i++)
				out[o + i] ^= chain[i];
			chain = body.subarray(o, o + BLOCK);
		}
		/* only now, with the MAC verified, look at the padding */
		const pad = out[n - 1];
		let bad = pad < 1 || pad > BLOCK;
		for (let i = 0; i < pad && !bad; i++)
			bad = out[n - 1 - i] !== pad;
		if (bad) {
			wipe(out);
			throw new SecmsgError('inval', 'bad padding');
		}
		const pt = out.slice(0, n - pad);
		wipe(out);
		return pt;
	}

	wipe() {
		this.tf.wipe();
		this.mac.destroy();
	}
}

export const Cipher = {
	/* A keyed cipher for alg (id or name) and a 32-byte key. */
	async create(alg, key) {
		if (typeof alg === 'string')
			alg = algId(alg);
		if (!algName(alg) || !(key instanceof Uint8Array) ||
		    key.length !== KEY_LEN)
			throw new SecmsgError('inval', 'bad algorithm or key');
		if (alg === ALGS.twofish_cbc)
			return new TwofishCbcCipher(key);
		let wc = null;
		if (alg === ALGS.aes_256_gcm && webCryptoAvailable()) {
			wc = await subtle().importKey('raw', key, 'AES-GCM',
						      false,
						      ['encrypt', 'decrypt']);
		}
		return new AeadCipher(alg, key, wc);
	},
};

/* One-shot seal and open, as SECMSG_CMD_CRYPT and secmsg_crypt_*. */
async function oneShot(alg, key, op, nonce, aad, data) {
	const c = await Cipher.create(alg, key);
	try {
		return await c[op](nonce, aad, data);
	} finally {
		c.wipe();
	}
}

export function cryptSeal(alg, key, nonce, aad, pt) {
	return oneShot(alg, key, 'seal', nonce, aad, pt);
}

export function cryptOpen(alg, key, nonce, aad, ct) {
	return oneShot(alg, key, 'open', nonce, aad, ct);
}
