// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * node web/bench.js [SECONDS] [SIZE]: how many messages/s secmsg.js
 * seals (client to server) and opens (server to client) in this Node,
 * for SIZE-byte messages (default 256) under each algorithm, through
 * the session layer the client uses (sequence numbers, replay window,
 * per-epoch keyed ciphers), one message at a time as the client does
 * (it seals and opens in the order of calls and frames).  Rates are per
 * second of this process's CPU time (user + system, all its threads:
 * WebCrypto works on libuv's), so that other load on a shared machine
 * does not count; wall-clock rates are printed beside them.
 */
import { algId, setWebCrypto } from './src/crypt.js';
import { Session } from './src/session.js';
import { DirKeys, sealMessage } from './src/wire.js';

const secs = Number(process.argv[2] || 2);
const size = Number(process.argv[3] || 256);
const C2S = new Uint8Array(32).fill(1);
const S2C = new Uint8Array(32).fill(2);
const SID = 0x1234n;
const pt = new Uint8Array(size).fill(0x61);

function cpuSeconds() {
	const u = process.cpuUsage();
	return (u.user + u.system) / 1e6;
}

/* Run fn(i) one at a time for secs of CPU time: [per CPU s, per wall s]. */
async function rate(fn) {
	let n = 0;
	const c0 = cpuSeconds(), t0 = performance.now();
	while (cpuSeconds() - c0 < secs) {
		for (let i = 0; i < 64; i++)
			await fn(n++);
	}
	return [n / (cpuSeconds() - c0), n / ((performance.now() - t0) / 1000)];
}

const fmt = ([cpu, wall]) => `${Math.round(cpu).toString().padStart(7)}/s ` +
	`(wall ${Math.round(wall).toString().padStart(6)}/s)`;

console.log(`node ${process.version}, ${size}-byte messages, ${secs} CPU s each`);
/* AES-GCM as used (WebCrypto from WEBCRYPTO_MIN bytes), and noble only */
for (const [name, wc] of [['aes_256_gcm', true], ['aes_256_gcm', false],
			  ['chacha20_poly1305', true], ['twofish_cbc', true]]) {
	const alg = algId(name);
	setWebCrypto(wc);
	const s = new Session(SID, alg, C2S, S2C);
	const seal = await rate(() => s.seal(pt));
	/* what the server sends: sealed under s2c, opened by the session */
	const tx = new DirKeys('s2c', S2C);
	const msgs = [];
	for (let i = 0; i < 4096; i++)
		msgs.push(await sealMessage(tx, alg, SID, i, pt));
	/* opening: a fresh session per 4096 messages (the replay window) */
	let r = null;
	const open = await rate(async (i) => {
		if (i % msgs.length === 0)
			r = new Session(SID, alg, C2S, S2C);
		await r.open(msgs[i % msgs.length]);
	});
	const label = alg === 1 ? `${name} (${wc ? 'default' : 'noble only'})` : name;
	console.log(`${label.padEnd(30)} seal ${fmt(seal)}   open ${fmt(open)}`);
}
