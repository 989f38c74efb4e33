// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * secmsg.js: the secmsg client library (docs/protocol.md) for browsers
 * and Node.  The client (client.js) and the pieces under it, for tools
 * and tests: algorithms (crypt.js, twofish.js), sealed messages and the
 * key schedule (wire.js, session.js), the handshake (handshake.js), key
 * files (keyfile.js), frames (frames.js), errors (errors.js).
 */
export { SecmsgClient, SUBPROTOCOL, DEFAULT_URL, DEFAULT_ALG, DEFAULT_PORT,
	 MAX_TEXT, parseUrl, parseServerKey } from './client.js';
export { SecmsgError, ERROR_CODES, strerror, protocolCode,
	 fromProtocolCode } from './errors.js';
export { ALGS, algId, algName, Cipher, cryptSeal, cryptOpen,
	 twofishSubkeys, setWebCrypto, webCryptoAvailable } from './crypt.js';
export { Twofish } from './twofish.js';
export { DirKeys, ReplayWindow, putHeader, getHeader, sealMessage,
	 openMessage, HDR_LEN, REPLAY_WINDOW } from './wire.js';
export { Session, MAX_EPOCH_JUMP, PREV_GRACE_MS } from './session.js';
export { clientInit, serverRespond, serverConfirm, parseInit, publicKey,
	 generateKey, dh, x25519Canonical, userIdValid } from './handshake.js';
export { keyfileDecode, keyfileEncode, keyfileIterations, pbkdf2Sha256,
	 KEYFILE_LEN, ITER_DEFAULT, ITER_MIN, ITER_MAX } from './keyfile.js';
export { parseFrame, MAX_FRAME } from './frames.js';
export { toBase64, fromBase64, toHex, fromHex, utf8, fromUtf8 }
	from './bytes.js';
