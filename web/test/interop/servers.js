// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Servers and C programs for the interoperability tests of secmsg.js:
 * fakesrv (the host tests' stand-in for secmsgd,
 * tools/secmsg-client/tests/fakesrv) or the real daemon/secmsgd (with
 * secmsg.ko, in the VM), and secmsg-client.  SECMSG_SAN=-san picks the
 * sanitizer builds of the C programs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { toBase64 } from '../../src/bytes.js';
import { generateKey } from '../../src/handshake.js';

export const TOP = resolve(dirname(fileURLToPath(import.meta.url)),
			   '../../..');
const SAN = process.env.SECMSG_SAN || '';
export const FAKESRV = join(TOP, `tools/secmsg-client/tests/fakesrv${SAN}`);
export const CLIENT = join(TOP, `tools/secmsg-client/secmsg-client${SAN}`);
export const SECMSGD = join(TOP, 'daemon/secmsgd');

export const tmp = mkdtempSync(join(tmpdir(), 'secmsg-interop.'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

let nextPort = 20000 + process.pid % 20000;

function portOpen(port) {
	return new Promise((res) => {
		const s = connect(port, '127.0.0.1');
		s.on('connect', () => { s.destroy(); res(true); });
		s.on('error', () => res(false));
	});
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* Run a program to its end: { status, stdout, stderr }. */
export function run(cmd, args, opts = {}) {
	const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120000,
					 ...opts });
	return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/* Start a program, collecting its output; .done resolves on exit. */
export function start(cmd, args, opts = {}) {
	const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], ...opts });
	p.out = '';
	p.err = '';
	p.stdout.on('data', (d) => { p.out += d; });
	p.stderr.on('data', (d) => { p.err += d; });
	p.done = new Promise((res) => p.on('exit', (code, sig) =>
		res({ status: code, signal: sig })));
	return p;
}

/*
 * A server with users ({ name: publicKey bytes }): fakesrv, or secmsgd
 * when kind is 'secmsgd' (extra: more secmsgd options).  Resolves to
 * { url, pub (base64), port, proc, stop(), users file (secmsgd) }.
 */
/*
 * One server key for every server of the run: the kernel keeps one
 * identity per network namespace, so secmsgd instances sharing it must
 * share the key (and the users they load).
 */
let identity = null;

export async function startServer(kind, users, extra = []) {
	const port = nextPort++;
	const keyFile = join(tmp, 'server.key');
	if (!identity) {
		identity = generateKey();
		writeFileSync(keyFile, identity.privateKey, { mode: 0o600 });
	}
	const pub = toBase64(identity.publicKey);
	let proc, usersFile = null;
	if (kind === 'secmsgd') {
		usersFile = join(tmp, `users-${port}`);
		writeUsers(usersFile, users);
		/* the VM is slow: the default 10 s to log in is too short */
		proc = start(SECMSGD, ['--port', String(port), '--listen',
				       '127.0.0.1', '--identity', keyFile,
				       '--users', usersFile,
				       '--handshake-timeout', '120s', ...extra]);
	} else {
		proc = start(FAKESRV, [String(port), keyFile,
			...Object.entries(users).map(([u, k]) =>
				`${u}=${toBase64(k)}`), ...extra]);
	}
	for (let i = 0; i < 600; i++) {
		if (await portOpen(port))
			break;
		if (proc.exitCode !== null)
			throw new Error(`${kind} exited: ${proc.err}`);
		await sleep(50);
	}
	if (kind !== 'secmsgd') {
		for (let i = 0; i < 200 && !proc.out.trim(); i++)
			await sleep(25);
		if (proc.out.trim() !== pub)
			throw new Error(`fakesrv printed ${proc.out} for ${pub}`);
	}
	return {
		url: `ws://127.0.0.1:${port}`, pub, port, proc, usersFile,
		async stop(signal = 'SIGTERM') {
			if (proc.exitCode === null)
				proc.kill(signal);
			return proc.done;
		},
	};
}

export function writeUsers(file, users) {
	writeFileSync(file, Object.entries(users)
		.map(([u, k]) => `${u} ${toBase64(k)}\n`).join(''));
}

/* A key file made by secmsg-client keygen: { file, pub (bytes) }. */
export function keygen(name, passFile) {
	const file = join(tmp, `${name}.key`);
	const r = run(CLIENT, ['keygen', '-o', file, '--passphrase-file',
			       passFile]);
	if (r.status !== 0)
		throw new Error(`keygen: ${r.stderr}`);
	return { file, pub: Buffer.from(r.stdout.trim(), 'base64') };
}
