// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Client key files (docs/protocol.md section 4), the format
 * `secmsg-client keygen` writes:
 *
 *   0   8  magic "SECMSGK1"
 *   8   4  PBKDF2 iterations (big endian, 100,000 to 100,000,000)
 *   12 16  salt      28 12  nonce
 *   40 48  ChaCha20-Poly1305(kek, nonce, ad = bytes 0..39, private key)
 *
 *   kek = PBKDF2-HMAC-SHA256(passphrase, salt, iterations, 32)
 *
 * PBKDF2 runs in WebCrypto where the platform has it (native speed), in
 * @noble/hashes otherwise.  Passphrases are strings (taken as UTF-8) or
 * bytes, and may not be empty.  Errors: 'keyfile' (not a key file: size,
 * magic, iteration count), 'passphrase' (the tag fails: wrong passphrase
 * or a damaged file), 'inval' (an empty passphrase, a bad argument).
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { pbkdf2Async } from '@noble/hashes/pbkdf2.js';
import { sha256 } from '@noble/hashes/sha2.js';

import { getBe32, putBe32, randomBytes, utf8, wipe } from './bytes.js';
import { webCryptoAvailable } from './crypt.js';
import { SecmsgError } from './errors.js';

export const KEYFILE_LEN = 88;
export const ITER_DEFAULT = 200000;
export const ITER_MIN = 100000;
export const ITER_MAX = 100000000;
const MAGIC = utf8('SECMSGK1');
const AD_LEN = 40;

function passBytes(pass) {
	const b = typeof pass === 'string' ? utf8(pass) :
		  pass instanceof Uint8Array ? pass.slice() : null;
	if (!b)
		throw new SecmsgError('inval', 'a passphrase is a string or bytes');
	if (!b.length)
		throw new SecmsgError('inval', 'the passphrase may not be empty');
	return b;
}

/* PBKDF2-HMAC-SHA256 (any salt, count and length: also for tests). */
export async function pbkdf2Sha256(pass, salt, iterations, len) {
	if (webCryptoAvailable()) {
		const subtle = globalThis.crypto.subtle;
		const k = await subtle.importKey('raw', pass, 'PBKDF2', false,
						 ['deriveBits']);
		return new Uint8Array(await subtle.deriveBits(
			{ name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
			k, 8 * len));
	}
	return pbkdf2Async(sha256, pass, salt, { c: iterations, dkLen: len });
}

/* The iteration count of a key file image; 'keyfile' if it is not one. */
export function keyfileIterations(buf) {
	if (!(buf instanceof Uint8Array) || buf.length !== KEYFILE_LEN ||
	    MAGIC.some((b, i) => buf[i] !== b))
		throw new SecmsgError('keyfile',
			'not a secmsg key file (wrong size or magic)');
	const n = getBe32(buf, 8);
	if (n < ITER_MIN || n > ITER_MAX)
		throw new SecmsgError('keyfile',
			`not a secmsg key file (iteration count ${n} outside ${ITER_MIN}..${ITER_MAX})`);
	return n;
}

/* Decrypt a key file image: the 32-byte private key. */
export async function keyfileDecode(buf, passphrase) {
	const iterations = keyfileIterations(buf);
	const pass = passBytes(passphrase);
	const kek = await pbkdf2Sha256(pass, buf.subarray(12, 28), iterations,
				       32);
	wipe(pass);
	try {
		return chacha20poly1305(kek, buf.subarray(28, 40),
					buf.subarray(0, AD_LEN))
			.decrypt(buf.subarray(AD_LEN));
	} catch {
		throw new SecmsgError('passphrase');
	} finally {
		wipe(kek);
	}
}

/*
 * Encrypt a private key into a new key file image (random salt and
 * nonce; fixed: { salt, nonce } of 16 and 12 bytes, for known-answer
 * tests only).
 */
export async function keyfileEncode(priv, passphrase,
				    iterations = ITER_DEFAULT, fixed = null) {
	if (!(priv instanceof Uint8Array) || priv.length !== 32 ||
	    !Number.isInteger(iterations) || iterations < ITER_MIN ||
	    iterations > ITER_MAX)
		throw new SecmsgError('inval', 'bad key or iteration count');
	if (fixed && (!(fixed.salt instanceof Uint8Array) ||
		      fixed.salt.length !== 16 ||
		      !(fixed.nonce instanceof Uint8Array) ||
		      fixed.nonce.length !== 12))
		throw new SecmsgError('inval', 'a salt is 16 bytes, a nonce 12');
	const pass = passBytes(passphrase);
	const out = new Uint8Array(KEYFILE_LEN);
	out.set(MAGIC);
	putBe32(out, 8, iterations);
	if (fixed) {
		out.set(fixed.salt, 12);
		out.set(fixed.nonce, 28);
	} else {
		out.set(randomBytes(28), 12);
	}
	const kek = await pbkdf2Sha256(pass, out.subarray(12, 28), iterations,
				       32);
	wipe(pass);
	out.set(chacha20poly1305(kek, out.subarray(28, 40),
				 out.subarray(0, AD_LEN)).encrypt(priv), AD_LEN);
	wipe(kek);
	return out;
}
