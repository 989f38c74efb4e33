// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The JSON frames of docs/protocol.md section 5, as
 * tools/lib/client_frame.c: parse() checks every member the client uses
 * (presence and type, base64, session id form, ranges) and ignores the
 * others; a frame that fails throws SecmsgError('protocol') saying what
 * is wrong.  Unknown types parse as { type: 'unknown' }.
 */
import { fromBase64, toBase64 } from './bytes.js';
import { algId } from './crypt.js';
import { SecmsgError } from './errors.js';

/* Largest frame accepted from the server (the daemon's max_frame). */
export const MAX_FRAME = 256 * 1024;
const TYPES = ['welcome', 'ready', 'message', 'delivery', 'epoch', 'online',
	       'presence', 'error', 'bye'];

function bad(type, why) {
	return new SecmsgError('protocol',
			       `bad ${type || ''} frame from the server: ${why}`);
}

class Reader {
	constructor(o) {
		this.o = o;
		this.t = o.type;
	}

	str(name, need = true) {
		const v = this.o[name];
		if (typeof v === 'string')
			return v;
		if (v !== undefined || need)
			throw bad(this.t, v === undefined ? 'a member is missing' :
				  'a member has the wrong type');
		return null;
	}

	uint(name, max) {
		const v = this.o[name];
		if (typeof v !== 'number')
			throw bad(this.t, v === undefined ? 'a member is missing' :
				  'a member has the wrong type');
		if (!Number.isSafeInteger(v) || v < 0 || v > max)
			throw bad(this.t, 'a number is out of range');
		return v;
	}

	b64(name) {
		try {
			return fromBase64(this.str(name));
		} catch (e) {
			if (e instanceof SecmsgError)
				throw e;
			throw bad(this.t, 'bad base64');
		}
	}

	session() {
		const s = this.str('session');
		if (!/^[0-9a-f]{16}$/.test(s))
			throw bad(this.t, 'session id is not 16 lowercase hex digits');
		return BigInt('0x' + s);
	}

	alg() {
		const name = this.str('alg');
		const id = algId(name);
		if (!id)
			throw bad(this.t, 'unknown algorithm');
		return { algName: name, alg: id };
	}

	users(name) {
		const a = this.o[name];
		if (!Array.isArray(a))
			throw bad(this.t, a === undefined ? 'a member is missing' :
				  'a member has the wrong type');
		if (!a.every((u) => typeof u === 'string'))
			throw bad(this.t, 'a user list holds a non-string');
		return a.slice();
	}
}

/* Parse one text frame from the server. */
export function parseFrame(text) {
	if (typeof text !== 'string' || text.length > MAX_FRAME)
		throw bad('', 'frame too large');
	let o;
	try {
		o = JSON.parse(text);
	} catch {
		throw bad('', 'not JSON');
	}
	if (o === null || typeof o !== 'object' || Array.isArray(o))
		throw bad('', 'not a JSON object');
	if (typeof o.type !== 'string')
		throw bad('', 'no string type');
	const r = new Reader(o);
	const t = o.type;
	if (!TYPES.includes(t))
		return { type: 'unknown', typeName: t };
	const f = { type: t };
	switch (t) {
	case 'welcome':
		f.session = r.session();
		f.handshake = r.b64('handshake');
		break;
	case 'ready':
		f.user = r.str('user', false);
		f.session = r.session();
		Object.assign(f, r.alg());
		f.epoch = r.uint('epoch', 0xffffffff);
		if ('online' in o)
			f.users = r.users('online');
		break;
	case 'message':
		f.from = r.str('from');
		f.data = r.b64('data');
		break;
	case 'delivery': {
		f.id = r.uint('id', Number.MAX_SAFE_INTEGER);
		const status = r.str('status');
		if (status !== 'delivered' && status !== 'failed')
			throw bad(t, 'unknown delivery status');
		f.delivered = status === 'delivered';
		f.code = r.str('code', !f.delivered);
		f.message = r.str('message', false);
		break;
	}
	case 'epoch':
		f.epoch = r.uint('epoch', 0xffffffff);
		Object.assign(f, r.alg());
		break;
	case 'online':
		f.users = r.users('users');
		break;
	case 'presence':
		f.user = r.str('user');
		if (typeof o.online !== 'boolean')
			throw bad(t, 'presence without a boolean online');
		f.online = o.online;
		break;
	case 'error':
		f.code = r.str('code');
		f.message = r.str('message', false);
		break;
	case 'bye':
		f.reason = r.str('reason', false);
		break;
	}
	return f;
}

/* ---- frames to the server ---- */

export function helloFrame(user, algName, msg1, pubkey) {
	const o = { type: 'hello', version: 1, user, alg: algName,
		    handshake: toBase64(msg1) };
	if (pubkey)
		o.pubkey = toBase64(pubkey);
	return JSON.stringify(o);
}

export function confirmFrame(msg3) {
	return JSON.stringify({ type: 'confirm', handshake: toBase64(msg3) });
}

export function messageFrame(id, to, data) {
	return JSON.stringify({ type: 'message', id, to, data: toBase64(data) });
}

export function rotateFrame(algName) {
	return JSON.stringify(algName ? { type: 'rotate', alg: algName } :
				      { type: 'rotate' });
}

export function whoFrame() {
	return JSON.stringify({ type: 'who' });
}

export function byeFrame(reason) {
	return JSON.stringify({ type: 'bye', reason });
}
