// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * An in-process stand-in for secmsgd for the client's unit tests: a
 * WebSocket class (browser API: onopen, onmessage, onclose, send, close)
 * whose other end runs docs/protocol.md section 5 with the reference
 * handshake (src/handshake.js) and relays by opening and sealing with
 * the sessions' keys, as the kernel's RESEAL does.  Tests reach into
 * it to make the server misbehave.  Not a server: no limits, no policy.
 */
import { fromBase64, toBase64, utf8 } from '../src/bytes.js';
import { algId, algName } from '../src/crypt.js';
import { generateKey, parseInit, serverConfirm, serverRespond }
	from '../src/handshake.js';
import { DirKeys, getHeader, openMessage, sealMessage } from '../src/wire.js';

const later = (fn) => setImmediate(fn);

export class MockServer {
	constructor({ users = {}, register = false } = {}) {
		this.key = generateKey();
		this.users = new Map(Object.entries(users));	/* name -> pub */
		this.replay = new Map();
		this.register = register;
		this.conns = new Set();
		this.nextSid = 0x100n;
		this.protocol = 'secmsg.v1';	/* what the server agrees on */
		this.refuse = false;		/* connection refused */
		this.silent = false;		/* never answers hello */
		/* registration on first use refused, with this message */
		this.registrationRefused = null;
		/* recipients on a node that does not answer (cluster) */
		this.unreachable = new Set();
		this.log = [];			/* frames from clients */
		this.work = Promise.resolve();
		const server = this;
		this.WebSocket = class {
			constructor(url, protocol) {
				this.url = url;
				this.protocol = '';
				this.readyState = 0;
				this.sent = [];
				server.accept(this, protocol);
			}

			send(text) {
				if (this.readyState !== 1)
					throw new Error('not open');
				this.sent.push(text);
				/* one frame at a time, in order, as a server loop */
				server.work = server.work.then(() =>
					new Promise((r) => later(r)))
					.then(() => server.frame(this, text));
			}

			close(code = 1000) {
				if (this.readyState > 1)
					return;
				this.readyState = 2;
				/* after the frames sent before it */
				server.work = server.work.then(() =>
					later(() => server.closed(this, code)));
			}
		};
	}

	accept(ws, protocol) {
		later(() => {
			if (this.refuse) {
				ws.readyState = 3;
				ws.onerror?.({});
				ws.onclose?.({ code: 1006 });
				return;
			}
			ws.protocol = protocol === 'secmsg.v1' ? this.protocol : '';
			ws.readyState = 1;
			ws.state = 'hello';
			this.conns.add(ws);
			ws.onopen?.({});
		});
	}

	/* server -> client */
	push(ws, obj) {
		const text = typeof obj === 'string' ? obj : JSON.stringify(obj);
		later(() => {
			if (ws.readyState === 1 || ws.readyState === 2)
				ws.onmessage?.({ data: text });
		});
	}

	/* bye, then a close, as secmsgd's conn_close() */
	bye(ws, reason, code = 1000) {
		this.push(ws, { type: 'bye', reason });
		this.close(ws, code);
	}

	close(ws, code) {
		later(() => later(() => this.closed(ws, code)));
	}

	closed(ws, code) {
		if (ws.readyState === 3)
			return;
		ws.readyState = 3;
		const was = ws.state === 'active';
		ws.state = 'closed';
		this.conns.delete(ws);
		ws.onclose?.({ code });
		if (was)
			this.presence(ws, false);
	}

	active(user) {
		return [...this.conns].filter((c) => c.state === 'active' &&
					     (!user || c.user === user));
	}

	presence(who, online) {
		for (const c of this.active())
			if (c !== who)
				this.push(c, { type: 'presence', user: who.user,
					       online });
	}

	error(ws, code, close) {
		this.push(ws, { type: 'error', code, message: code });
		if (close)
			this.close(ws, 1008);
	}

	frame(ws, text) {
		if (ws.readyState !== 1 && ws.readyState !== 2)
			return;		/* frames sent before a close still count */
		const f = JSON.parse(text);
		this.log.push(f);
		if (f.type === 'hello') {
			if (!this.silent)
				this.hello(ws, f);
		} else if (f.type === 'confirm' && ws.state === 'pending') {
			this.confirm(ws, f);
		} else if (f.type === 'bye') {
			this.close(ws, 1000);
		} else if (ws.state !== 'active') {
			this.error(ws, 'not_authenticated');
		} else if (f.type === 'message') {
			this.message(ws, f);
		} else if (f.type === 'rotate') {
			this.rotate(ws, f.alg ? algId(f.alg) : 0, true);
		} else if (f.type === 'who') {
			this.push(ws, { type: 'online',
					users: this.active().map((c) => c.user) });
		} else {
			this.error(ws, 'unknown_type');
		}
	}

	hello(ws, f) {
		const msg1 = fromBase64(f.handshake);
		const info = parseInit(msg1);
		if (!this.users.has(info.user) && this.register && f.pubkey) {
			if (this.registrationRefused) {
				this.push(ws, { type: 'error',
						code: 'registration_refused',
						message: this.registrationRefused });
				return this.close(ws, 1008);
			}
			this.users.set(info.user, fromBase64(f.pubkey));
		}
		if (!this.users.has(info.user))
			return this.error(ws, 'unknown_user', true);
		if (!this.replay.has(info.user))
			this.replay.set(info.user, { last: null });
		try {
			ws.hs = serverRespond({
				serverPriv: this.key.privateKey,
				userPub: this.users.get(info.user), msg1,
				sessionId: this.nextSid++,
				replay: this.replay.get(info.user) });
		} catch (e) {
			return this.error(ws, e.code === 'replayed' ? 'replayed' :
					  'auth_failed', true);
		}
		ws.user = info.user;
		ws.alg = info.alg;
		ws.state = 'pending';
		this.push(ws, { type: 'welcome', session: this.hex(ws.hs.sessionId),
				handshake: toBase64(ws.hs.msg2) });
	}

	hex(id) {
		return id.toString(16).padStart(16, '0');
	}

	confirm(ws, f) {
		try {
			serverConfirm(ws.hs, fromBase64(f.handshake));
		} catch {
			return this.error(ws, 'handshake_failed', true);
		}
		ws.rx = new DirKeys('c2s', ws.hs.c2s);
		ws.tx = new DirKeys('s2c', ws.hs.s2c);
		ws.prev = null;
		ws.epoch = 0;
		ws.seq = 0;
		ws.state = 'active';
		const others = this.active().filter((c) => c !== ws)
			.map((c) => c.user);
		this.push(ws, { type: 'ready', session: this.hex(ws.hs.sessionId),
				user: ws.user, alg: algName(ws.alg), epoch: 0,
				online: others });
		this.presence(ws, true);
	}

	rotate(ws, alg, tell) {
		ws.prev = ws.rx.frozen();
		ws.rx.ratchet();
		ws.tx.ratchet();
		ws.epoch++;
		ws.seq = 0;
		if (alg)
			ws.alg = alg;
		if (tell)
			this.push(ws, { type: 'epoch', epoch: ws.epoch,
					alg: algName(ws.alg) });
	}

	/* Seal text to ws under its session (tests: a server-made message). */
	async sealTo(ws, text) {
		return sealMessage(ws.tx, ws.alg, ws.hs.sessionId, ws.seq++,
				   utf8(text));
	}

	async message(ws, f) {
		const data = fromBase64(f.data);
		const h = getHeader(data);
		let pt;
		try {
			const k = h && h.epoch === ws.epoch ? ws.rx :
				  h && ws.prev && h.epoch === ws.prev.epoch ?
				  ws.prev : null;
			if (!k)
				throw new Error('epoch');
			pt = (await openMessage(k, 0, ws.hs.sessionId, data)).pt;
		} catch {
			return this.push(ws, { type: 'delivery', id: f.id,
					       status: 'failed', code: 'bad_message',
					       message: 'refused' });
		}
		if (this.unreachable.has(f.to))
			return this.push(ws, { type: 'delivery', id: f.id,
					       status: 'failed',
					       code: 'node_unreachable',
					       message: `${f.to}: no answer from its node` });
		const to = this.active(f.to);
		if (!to.length) {
			const code = this.users.has(f.to) ? 'recipient_offline' :
				'recipient_unknown';
			return this.push(ws, { type: 'delivery', id: f.id,
					       status: 'failed', code,
					       message: `${f.to}: ${code}` });
		}
		for (const r of to) {
			const out = await sealMessage(r.tx, r.alg, r.hs.sessionId,
						      r.seq++, pt);
			this.push(r, { type: 'message', from: ws.user,
				       data: toBase64(out) });
		}
		this.push(ws, { type: 'delivery', id: f.id, status: 'delivered' });
	}
}
