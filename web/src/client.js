// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The secmsg client: docs/protocol.md section 5 over a WebSocket, with
 * the keys and ciphers on the client side, shaped like the C client
 * (tools/lib/secmsg/client.h):
 *
 *   const c = new SecmsgClient('ws://localhost:8765');
 *   c.on('decrypted', (m) => console.log(m.from, m.text));
 *   await c.connect('alice', 'aes_256_gcm',
 *                   { keyFile: bytes, passphrase: 'correct horse' },
 *                   serverPublicKey);          // or { privateKey }
 *   const id = c.send('bob', 'Hello');          // 'delivery' reports id
 *   c.rotate('chacha20_poly1305');
 *   await c.disconnect();
 *
 * Events (c.on(name, fn), c.off(name, fn)), as the C callbacks:
 *   state      (state, error|null)     idle, connecting, handshake, ready, closing
 *   received   ({ from, data })        still sealed, as the server sent it
 *   decrypted  ({ from, data, text, alg, epoch, seq, time })  data (bytes)
 *                                      is wiped after the event: copy it
 *                                      to keep it; text is the string
 *   delivery   ({ id, to, delivered, error, code, message })
 *   presence   ({ user, online })
 *   online     (users)                 on ready: the others; after who(): all
 *   epoch      ({ epoch, alg })
 *   error      (SecmsgError)           that does not (or, before a state
 *                                      event, does) end the connection
 * Errors are SecmsgError with a `code` (errors.js).  Everything the
 * client does with a session (sealing, opening, following epochs) runs
 * one step at a time in the order frames and calls came.  Runs in
 * browsers (WebSocket, WebCrypto) and in Node 20 (the `ws` package).
 */
import { fromBase64, fromUtf8, utf8, wipe } from './bytes.js';
import { MAX_PLAINTEXT, algId, algName } from './crypt.js';
import { SecmsgError, fromProtocolCode } from './errors.js';
import { byeFrame, confirmFrame, helloFrame, messageFrame, parseFrame,
	 rotateFrame, whoFrame } from './frames.js';
import { clientInit, publicKey, userIdValid, x25519Canonical }
	from './handshake.js';
import { keyfileDecode } from './keyfile.js';
import { Session } from './session.js';

export const SUBPROTOCOL = 'secmsg.v1';
export const DEFAULT_URL = 'ws://localhost:8765';
export const DEFAULT_ALG = 'aes_256_gcm';
export const DEFAULT_PORT = 8765;
export const MAX_TEXT = MAX_PLAINTEXT;
const DEFAULT_TIMEOUT_MS = 10000;
const DISCONNECT_MS = 2000;
const EVENTS = ['state', 'received', 'decrypted', 'delivery', 'presence',
		'online', 'epoch', 'error'];

/* bye reasons with a code of their own; any other is 'closed' */
const BYE_CODES = ['expired', 'shutdown', 'replaced', 'already_online',
		   'revoked'];

/* ws[s]://host[:port][/path]: { url, tls, host, port, path } */
export function parseUrl(url) {
	const m = /^(wss?):\/\/(\[[^\]\/]+\]|[^:\/?#@\[\]]+)(?::(\d{1,5}))?(\/[^#]*)?$/
		.exec(url);
	if (!m)
		throw new SecmsgError('url');
	const port = m[3] ? Number(m[3]) : DEFAULT_PORT;
	if (port < 1 || port > 65535)
		throw new SecmsgError('url');
	const path = m[4] || '/';
	return { tls: m[1] === 'wss', host: m[2], port, path,
		 url: `${m[1]}://${m[2]}:${port}${path}` };
}

/* A server public key: 32 bytes, or their base64 (as secmsgd prints). */
export function parseServerKey(k) {
	let b = k;
	if (typeof k === 'string') {
		try {
			b = fromBase64(k.trim());
		} catch {
			b = null;
		}
	}
	if (!(b instanceof Uint8Array) || !x25519Canonical(b))
		throw new SecmsgError('inval',
			'the server key is 32 bytes (base64) of a canonical X25519 key');
	return b.slice();
}

async function webSocketClass(given) {
	if (given)
		return given;
	if (globalThis.WebSocket)
		return globalThis.WebSocket;
	const m = await import('ws');		/* Node before 22 */
	return m.WebSocket || m.default;
}

export class SecmsgClient {
	/*
	 * opts: WebSocket (a constructor; default: the platform's, or the
	 * ws package), timeoutMs (connect and handshake, default 10000),
	 * register (send the public key in hello: registration on first
	 * use, where the server allows it).
	 */
	constructor(url = DEFAULT_URL, opts = {}) {
		this.target = parseUrl(url || DEFAULT_URL);
		this.WebSocket = opts.WebSocket || null;
		this.timeoutMs = opts.timeoutMs > 0 ? opts.timeoutMs :
			DEFAULT_TIMEOUT_MS;
		this.register = !!opts.register;
		this.handlers = new Map(EVENTS.map((e) => [e, new Set()]));
		this._state = 'idle';
		this._lastError = null;
		this.byeReason = null;
		this.nextId = 1;
		this.priv = null;
		this.pub = null;
		this.user = null;
		this.algReq = algId(DEFAULT_ALG);
		this.serverPub = null;
		this.session = null;
		this.reset();
	}

	reset() {
		this.ws = null;
		this.hs = null;
		this.closeErr = null;
		this.byeSent = false;
		/* id -> { to, sent }, in the order of the ids */
		this.pending = new Map();
		this.sealing = 0;		/* sends queued for sealing */
		this.rotationsPending = 0;
		this.held = [];			/* sends held during a rotation */
		this.work = Promise.resolve();
		this.waiters = [];		/* connect() promises */
		this.closedWaiters = [];	/* disconnect() promises */
	}

	on(event, fn) {
		if (!this.handlers.has(event))
			throw new SecmsgError('inval', `no event ${event}`);
		this.handlers.get(event).add(fn);
		return this;
	}

	off(event, fn) {
		this.handlers.get(event)?.delete(fn);
		return this;
	}

	emit(event, ...args) {
		for (const fn of this.handlers.get(event)) {
			try {
				fn(...args);
			} catch (e) {
				/* a handler's bug must not break the protocol */
				queueMicrotask(() => { throw e; });
			}
		}
	}

	get state() { return this._state; }
	/*
	 * The error that ended the last connection attempt or connection
	 * (null after a disconnect() that went as asked).
	 */
	get lastError() { return this._lastError; }
	get alg() {
		return algName(this.session ? this.session.alg : this.algReq);
	}
	get epoch() { return this.session ? this.session.epoch : 0; }
	/* 16 lowercase hex digits, or null. */
	get sessionId() {
		return this.session ?
			this.session.id.toString(16).padStart(16, '0') : null;
	}
	/* The static public key in use (after connect). */
	get publicKey() { return this.pub ? this.pub.slice() : null; }
	/* Messages sent that have no delivery result yet. */
	get pendingCount() {
		return this.pending.size + this.sealing + this.held.length;
	}

	setState(st, err = null) {
		if (this._state === st)
			return;
		this._state = st;
		this.emit('state', st, err);
	}

	error(err) {
		this.emit('error', err);
	}

	/* A fatal error: report it and close the connection. */
	fail(err) {
		this.error(err);
		if (!this.closeErr)
			this.closeErr = err;
		this.closeSocket();
	}

	closeSocket() {
		const ws = this.ws;
		if (!ws)
			return;
		try {
			ws.close(1000);
		} catch {
			/* already closing */
		}
	}

	async loadKey(key) {
		let priv;
		if (!key || typeof key !== 'object')
			throw new SecmsgError('inval', 'no key');
		if (key.privateKey) {
			if (!(key.privateKey instanceof Uint8Array) ||
			    key.privateKey.length !== 32)
				throw new SecmsgError('inval',
						      'a private key is 32 bytes');
			priv = key.privateKey.slice();
		} else if (key.keyFile) {
			priv = await keyfileDecode(key.keyFile, key.passphrase);
		} else {
			throw new SecmsgError('inval', 'no key');
		}
		wipe(this.priv);
		this.priv = priv;
		this.pub = publicKey(priv);
	}

	/*
	 * Connect as user with algorithm alg (null: the default), the static
	 * key ({ privateKey } or { keyFile, passphrase }) and the server's
	 * pinned public key.  Resolves once the session is ready; rejects
	 * with a SecmsgError (connect, timeout, unknown_user, auth,
	 * server_auth, passphrase, keyfile, ...).
	 */
	async connect(user, alg, key, serverPub) {
		if (this._state !== 'idle' || this.ws)
			throw new SecmsgError('state');
		const a = algId(alg || DEFAULT_ALG);
		if (!a || !userIdValid(user))
			throw new SecmsgError('inval', 'bad user id or algorithm');
		const spub = parseServerKey(serverPub);
		try {
			await this.loadKey(key);
		} catch (e) {
			this._lastError = e;
			throw e;
		}
		this.user = user;
		this.algReq = a;
		this.serverPub = spub;
		return this.reconnect();
	}

	/* Connect again with the user, algorithm and keys of the last connect. */
	async reconnect() {
		if (!this.priv)
			throw new SecmsgError('state', 'connect first');
		if (this._state !== 'idle' || this.ws)
			throw new SecmsgError('state');
		this.reset();
		this._lastError = null;
		this.byeReason = null;
		const ready = new Promise((resolve, reject) => {
			this.waiters.push({ resolve, reject });
		});
		this.setState('connecting');
		let WS;
		try {
			WS = await webSocketClass(this.WebSocket);
		} catch {
			this.closed(new SecmsgError('connect',
				'no WebSocket implementation (install ws)'));
			return ready;
		}
		const t = this.target;
		let ws;
		try {
			ws = new WS(t.url, SUBPROTOCOL);
		} catch (e) {
			this.closed(new SecmsgError('connect', e.message));
			return ready;
		}
		this.ws = ws;
		let opened = false;
		const timer = setTimeout(() => {
			if (this._state === 'connecting' ||
			    this._state === 'handshake')
				this.fail(new SecmsgError('timeout'));
		}, this.timeoutMs);
		ws.onopen = () => {
			opened = true;
			this.start();
		};
		ws.onmessage = (ev) => {
			if (typeof ev.data !== 'string')
				return;		/* binary frames are not ours */
			const text = ev.data;
			this.serial(() => this.frame(text));
		};
		ws.onerror = () => {};
		ws.onclose = () => {
			clearTimeout(timer);
			/* no error when we asked for it (as the C client) */
			this.serial(() => this.closed(
				this._state === 'closing' ? null : opened ?
				new SecmsgError('closed') :
				new SecmsgError('connect')));
		};
		return ready;
	}

	/* Run fn after everything queued before it (session work in order). */
	serial(fn) {
		this.work = this.work.then(fn).catch((e) => {
			this.fail(e instanceof SecmsgError ? e :
				  new SecmsgError('crypto', String(e)));
		});
		return this.work;
	}

	/* The WebSocket is open: check the subprotocol and send hello. */
	start() {
		if (this.ws.protocol !== SUBPROTOCOL) {
			this.fail(new SecmsgError('protocol',
				'the server did not agree on secmsg.v1'));
			return;
		}
		try {
			this.hs = clientInit({ user: this.user, alg: this.algReq,
					       clientPriv: this.priv,
					       serverPub: this.serverPub });
		} catch (e) {
			this.fail(new SecmsgError('crypto',
				'cannot make handshake message 1'));
			return;
		}
		this.ws.send(helloFrame(this.user, algName(this.algReq),
					this.hs.msg1,
					this.register ? this.pub : null));
		this.setState('handshake');
	}

	async frame(text) {
		if (!this.ws)
			return;
		let f;
		try {
			f = parseFrame(text);
		} catch (e) {
			this.fail(e);
			return;
		}
		switch (f.type) {
		case 'welcome':
			return this.onWelcome(f);
		case 'ready':
			return this.onReady(f);
		case 'error':
			return this.onErrorFrame(f);
		case 'bye':
			this.byeReason = f.reason;
			if (!this.closeErr) {
				const code = fromProtocolCode(f.reason);
				this.closeErr = new SecmsgError(
					BYE_CODES.includes(code) ? code : 'closed',
					f.reason ? `the server said bye: ${f.reason}` :
					undefined);
			}
			return;
		case 'unknown':
			return;			/* a newer server: ignore */
		}
		if (this._state !== 'ready' && this._state !== 'closing') {
			this.fail(new SecmsgError('protocol', 'frame before ready'));
			return;
		}
		switch (f.type) {
		case 'message':
			return this.onMessage(f);
		case 'delivery':
			return this.onDelivery(f);
		case 'epoch':
			return this.onEpoch(f);
		case 'online':
			this.emit('online', f.users);
			return;
		case 'presence':
			this.emit('presence', { user: f.user, online: f.online });
			return;
		}
	}

	onWelcome(f) {
		if (!this.hs || this.session) {
			this.fail(new SecmsgError('protocol', 'unexpected welcome'));
			return;
		}
		const hs = this.hs;
		this.hs = null;
		let r;
		try {
			r = hs.finish(f.handshake);
		} catch (e) {
			this.fail(e);
			return;
		}
		if (r.sessionId !== f.session) {
			wipe(r.c2s, r.s2c, r.msg3);
			this.fail(new SecmsgError('protocol',
						  'welcome names another session'));
			return;
		}
		this.session = new Session(r.sessionId, this.algReq, r.c2s, r.s2c);
		wipe(r.c2s, r.s2c);
		this.sendFrame(confirmFrame(r.msg3));
		wipe(r.msg3);
	}

	onReady(f) {
		if (!this.session || this.hs || this._state !== 'handshake') {
			this.fail(new SecmsgError('protocol',
				'ready before the handshake finished'));
			return;
		}
		if (f.session !== this.session.id || f.alg !== this.algReq) {
			this.fail(new SecmsgError('protocol',
				'ready names another session or algorithm'));
			return;
		}
		try {
			this.session.advance(f.epoch, f.alg);
		} catch (e) {
			this.fail(e);
			return;
		}
		this.setState('ready');
		for (const w of this.waiters.splice(0))
			w.resolve();
		if (f.users)
			this.emit('online', f.users);
	}

	async onMessage(f) {
		this.emit('received', { from: f.from, data: f.data });
		const info = {};
		let r;
		try {
			r = await this.session.open(f.data, info);
		} catch (e) {
			if (!(e instanceof SecmsgError))
				throw e;
			const err = new SecmsgError(e.code,
				`message from ${f.from} (epoch ${info.epoch}, seq ${info.seq}) dropped: ${e.message}`);
			this.error(err);
			return;
		}
		if (r.advanced)
			this.emit('epoch', { epoch: this.session.epoch,
					     alg: algName(this.session.alg) });
		let text = null;
		try {
			text = fromUtf8(r.pt);
		} catch {
			/* not UTF-8: data only */
		}
		this.emit('decrypted', { from: f.from, data: r.pt, text,
					 alg: algName(r.alg), epoch: r.epoch,
					 seq: r.seq, time: new Date() });
		wipe(r.pt);
	}

	onDelivery(f) {
		const to = this.pending.get(f.id)?.to ?? null;
		this.pending.delete(f.id);
		this.emit('delivery', {
			id: f.id, to, delivered: f.delivered,
			error: f.delivered ? null :
				new SecmsgError(fromProtocolCode(f.code), f.message),
			code: f.code, message: f.message,
		});
	}

	onEpoch(f) {
		const old = this.session.epoch;
		let err = null;
		try {
			this.session.advance(f.epoch, f.alg);
		} catch (e) {
			err = e;
		}
		if (this.rotationsPending && f.epoch >= old) {
			this.rotationsPending--;
			this.flushHeld();
		}
		if (err && err.code === 'epoch' && f.epoch < old)
			return;		/* already followed a newer header */
		if (err) {
			this.fail(new SecmsgError(err.code,
				'cannot follow the epoch frame'));
			return;
		}
		if (f.epoch !== old)
			this.emit('epoch', { epoch: f.epoch, alg: f.algName });
	}

	onErrorFrame(f) {
		const err = new SecmsgError(fromProtocolCode(f.code),
			`${f.code}: ${f.message || ''}`.replace(/: $/, ''));
		err.protocolCode = f.code;
		if (this._state === 'handshake') {
			/* the server closes after a refused handshake */
			if (this.hs)
				this.hs.abandon();
			this.hs = null;
			this.error(err);
			if (!this.closeErr)
				this.closeErr = err;
			return;
		}
		this.error(err);
		if (this.rotationsPending) {	/* perhaps the rotation's refusal */
			this.rotationsPending--;
			this.flushHeld();
		}
	}

	/*
	 * The connection ended: fail what waits (every message without a
	 * result, in the order of their ids, before the state event), back
	 * to idle.
	 */
	closed(err) {
		const why = this.closeErr || err;
		const lost = why || new SecmsgError('closed');
		if (this.hs)
			this.hs.abandon();
		if (this.session)
			this.session.wipe();
		this.hs = null;
		this.session = null;
		this.ws = null;
		this._lastError = why;
		this.rotationsPending = 0;
		const unsent = this.held.splice(0).map((p) => {
			wipe(p.pt);
			return [p.id, { to: p.to, sent: false }];
		});
		for (const [id, { to, sent }] of [...this.pending, ...unsent])
			this.emit('delivery', {
				id, to, delivered: false, error: lost, code: null,
				message: sent ?
					'connection closed before the server answered' :
					'connection closed before the message was sent',
			});
		this.pending.clear();
		this.setState('idle', why);
		for (const w of this.waiters.splice(0))
			w.reject(lost);
		for (const w of this.closedWaiters.splice(0))
			w();
	}

	/* Whether the socket takes frames (WebSocket.OPEN). */
	socketOpen() {
		return !!this.ws && this.ws.readyState === 1;
	}

	/*
	 * Send a frame if the socket is open: true when it went.  A closing
	 * socket drops it (its close event follows); one that refuses a
	 * frame while open is closed.
	 */
	sendFrame(text) {
		if (!this.socketOpen())
			return false;
		try {
			this.ws.send(text);
			return true;
		} catch {
			this.closeSocket();
			return false;
		}
	}

	/*
	 * Seal and send one message (in the session's order).  A message
	 * that cannot go because the connection is ending (disconnect(),
	 * or closed by the server while it was being sealed) waits in
	 * pending unsent: closed() fails it with the others, in order.  It
	 * counts in sealing until it is in pending or has its result, so
	 * that pendingCount does not miss it while seal() runs.
	 */
	sealSend(id, to, pt) {
		this.sealing++;
		this.serial(async () => {
			let err = null;
			try {
				if (!this.ws) {
					err = new SecmsgError('closed');
					return;
				}
				if (this._state !== 'ready' || !this.socketOpen()) {
					this.pending.set(id, { to, sent: false });
					return;
				}
				let data;
				try {
					data = await this.session.seal(pt);
				} catch (e) {
					err = e instanceof SecmsgError ? e :
						new SecmsgError('crypto', String(e));
					return;
				}
				/* unsent if the socket closed meanwhile */
				this.pending.set(id, { to, sent: this.sendFrame(
					messageFrame(id, to, data)) });
			} finally {
				this.sealing--;
				wipe(pt);
				if (err)
					this.emit('delivery', { id, to,
						delivered: false, error: err,
						code: null, message: err.message });
			}
		});
	}

	flushHeld() {
		while (!this.rotationsPending && this.held.length) {
			const p = this.held.shift();
			this.sealSend(p.id, p.to, p.pt);
		}
	}

	/*
	 * Seal text (a string, sent as UTF-8, or bytes) for user `to` and
	 * send it: returns the message's id, which the delivery event
	 * reports.  Only when ready.  Throws 'inval', 'state', 'too_large'.
	 */
	send(to, text) {
		if (!userIdValid(to))
			throw new SecmsgError('inval', 'bad recipient');
		if (this._state !== 'ready')
			throw new SecmsgError('state');
		const pt = typeof text === 'string' ? utf8(text) :
			   text instanceof Uint8Array ? text.slice() : null;
		if (!pt)
			throw new SecmsgError('inval', 'text is a string or bytes');
		if (pt.length > MAX_TEXT)
			throw new SecmsgError('too_large');
		const id = this.nextId++;
		if (this.rotationsPending)
			this.held.push({ id, to, pt });
		else
			this.sealSend(id, to, pt);
		return id;
	}

	/*
	 * Ask the server to rotate the session's keys, to algorithm alg
	 * (null: keep it).  The new epoch arrives as an epoch event; sends
	 * meanwhile are held and sealed under the new epoch.
	 */
	rotate(alg = null) {
		if (alg !== null && !algId(alg))
			throw new SecmsgError('inval', 'unknown algorithm');
		if (this._state !== 'ready')
			throw new SecmsgError('state');
		this.rotationsPending++;
		this.serial(() => this.sendFrame(rotateFrame(alg)));
	}

	/* Ask who is online; the answer arrives as an online event. */
	who() {
		if (this._state !== 'ready')
			throw new SecmsgError('state');
		this.serial(() => this.sendFrame(whoFrame()));
	}

	/* Say bye and close; resolves once closed (at most about 2 s). */
	disconnect() {
		if (!this.ws)
			return Promise.resolve();
		const done = new Promise((resolve) => {
			this.closedWaiters.push(resolve);
		});
		const ws = this.ws;
		this.serial(() => {
			if (this.ws !== ws)
				return;		/* closed meanwhile */
			if (this._state === 'ready' && !this.byeSent) {
				this.byeSent = true;
				this.sendFrame(byeFrame('client disconnect'));
			}
			this.setState('closing');
			try {
				ws.close(1000);
			} catch {
				/* closing already */
			}
		});
		const timer = setTimeout(() => {
			if (this.ws === ws) {
				if (typeof ws.terminate === 'function')
					ws.terminate();
				this.serial(() => this.closed(
					new SecmsgError('timeout')));
			}
		}, DISCONNECT_MS);
		return done.finally(() => clearTimeout(timer));
	}
}
