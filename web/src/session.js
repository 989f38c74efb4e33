// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The client's side of an established session (docs/protocol.md
 * section 2), as tools/lib/client_session.c: seal with the c2s keys,
 * open with the s2c keys; both directions ratchet together, on an epoch
 * frame or on a received header of a newer epoch (opened with ratcheted
 * copies first, so that a forged or damaged header cannot move the
 * session); the previous epoch's inbound key is kept for PREV_GRACE_MS
 * for messages the server sealed before it rotated; each inbound epoch
 * has its own replay window.
 */
import { SecmsgError } from './errors.js';
import { algName } from './crypt.js';
import { DirKeys, MAX_SEQ, ReplayWindow, getHeader, openMessage,
	 sealMessage } from './wire.js';

/* A received header may move the session at most this many epochs. */
export const MAX_EPOCH_JUMP = 1024;
/* How long the previous epoch's inbound key is kept after a ratchet. */
export const PREV_GRACE_MS = 10000;

export class Session {
	/* id: BigInt; alg: id; c2s, s2c: the epoch 0 traffic secrets */
	constructor(id, alg, c2s, s2c, now = Date.now) {
		if (!id || !algName(alg))
			throw new SecmsgError('inval', 'bad session');
		this.id = BigInt(id);
		this.alg = alg;
		this.epoch = 0;
		this.tx = new DirKeys('c2s', c2s);
		this.rx = new DirKeys('s2c', s2c);
		this.txSeq = 0;
		this.rxReplay = new ReplayWindow();
		this.prev = null;	/* { rx, alg, replay, until } */
		this.now = now;
	}

	dropPrev() {
		if (this.prev)
			this.prev.rx.wipe();
		this.prev = null;
	}

	/*
	 * Move both directions to epoch under alg.  'epoch' for an older
	 * epoch or one more than MAX_EPOCH_JUMP ahead; 'protocol' for the
	 * current epoch with another algorithm.
	 */
	advance(epoch, alg) {
		if (!algName(alg) || !Number.isInteger(epoch) || epoch < 0)
			throw new SecmsgError('inval', 'bad epoch or algorithm');
		if (epoch === this.epoch) {
			if (alg !== this.alg)
				throw new SecmsgError('protocol',
					'the same epoch under another algorithm');
			return false;
		}
		if (epoch < this.epoch || epoch - this.epoch > MAX_EPOCH_JUMP)
			throw new SecmsgError('epoch');
		for (let n = epoch - this.epoch; n; n--) {
			if (n === 1) {
				this.dropPrev();
				this.prev = { rx: this.rx.frozen(), alg: this.alg,
					      replay: this.rxReplay,
					      until: this.now() + PREV_GRACE_MS };
			}
			this.tx.ratchet();
			this.rx.ratchet();
		}
		this.epoch = epoch;
		this.alg = alg;
		this.txSeq = 0;
		this.rxReplay = new ReplayWindow();
		return true;
	}

	async seal(pt) {
		if (this.txSeq >= MAX_SEQ)
			throw new SecmsgError('exhausted');
		const seq = this.txSeq++;
		return sealMessage(this.tx, this.alg, this.id, seq, pt);
	}

	/* Replay peek, open, replay record: one epoch's key and window. */
	async openWith(k, alg, replay, h, msg) {
		if (replay.peek(h.seq))
			throw new SecmsgError('replay');
		const r = await openMessage(k, alg, this.id, msg);
		if (replay.check(h.seq)) {
			r.pt.fill(0);
			throw new SecmsgError('replay');
		}
		return r.pt;
	}

	/*
	 * Open a message from the server: { pt, epoch, alg, seq, advanced }.
	 * Throws 'decrypt', 'replay', 'epoch' or 'protocol'; info (if given)
	 * gets the header's epoch and seq even then.
	 */
	async open(msg, info = {}) {
		const h = getHeader(msg);
		if (!h)
			throw new SecmsgError('decrypt', 'shorter than a header');
		info.epoch = h.epoch;
		info.seq = h.seq;
		info.alg = h.alg;
		if (!h.ok || h.sessionId !== this.id || !(h.seq < MAX_SEQ))
			throw new SecmsgError('decrypt', 'bad header');
		if (this.prev && this.now() >= this.prev.until)
			this.dropPrev();
		const res = { epoch: h.epoch, alg: h.alg, seq: h.seq,
			      advanced: false };
		if (h.epoch === this.epoch) {
			res.pt = await this.openWith(this.rx, this.alg,
						     this.rxReplay, h, msg);
		} else if (h.epoch > this.epoch) {
			res.pt = await this.openAhead(h, msg);
			res.advanced = true;
		} else if (this.prev && h.epoch === this.prev.rx.epoch) {
			res.pt = await this.openWith(this.prev.rx, this.prev.alg,
						     this.prev.replay, h, msg);
		} else {
			throw new SecmsgError('epoch');
		}
		return res;
	}

	/* A header of a newer epoch: open with ratcheted copies, then follow. */
	async openAhead(h, msg) {
		if (h.epoch - this.epoch > MAX_EPOCH_JUMP || !algName(h.alg))
			throw new SecmsgError('epoch');
		const k = this.rx.copy();
		const replay = new ReplayWindow();
		let pt;
		try {
			for (let n = h.epoch - this.epoch; n; n--)
				k.ratchet();
			pt = await this.openWith(k, h.alg, replay, h, msg);
		} finally {
			k.wipe();
		}
		/* Work done concurrently may have moved the session meanwhile. */
		if (h.epoch > this.epoch) {
			this.advance(h.epoch, h.alg);
			this.rxReplay = replay;
		}
		return pt;
	}

	wipe() {
		this.tx.wipe();
		this.rx.wipe();
		this.dropPrev();
	}
}
