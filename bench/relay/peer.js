// SPDX-License-Identifier: GPL-2.0 OR MIT
//
// bench/relay/peer.js: the peer relay of the relay benchmark.  It speaks
// the same WebSocket protocol as secmsgd (docs/protocol.md sections 3 and
// 5: Noise KK handshake, sealed messages) but relays "the usual way": the
// server holds every session's keys in userspace, opens each message with
// the sender's client-to-server key and seals it again with the
// recipient's server-to-client key, in Node's crypto (OpenSSL).  No key
// rotation, aes_256_gcm and chacha20_poly1305 only (OpenSSL has no
// Twofish): just what the benchmark needs.
//
// node peer.js --port N --identity FILE (32 raw bytes) --users FILE
'use strict';
const crypto = require('crypto');
const fs = require('fs');
let WebSocketServer;
try {
  ({ WebSocketServer } = require('ws'));
} catch (e) {
  ({ WebSocketServer } = require('/usr/share/nodejs/ws'));
}

const args = {};
for (let i = 2; i < process.argv.length; i += 2)
  args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const port = Number(args.port || 8766);

const PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI = Buffer.from('302a300506032b656e032100', 'hex');
const privKey = (raw) => crypto.createPrivateKey(
  { key: Buffer.concat([PKCS8, raw]), format: 'der', type: 'pkcs8' });
const pubKey = (raw) => crypto.createPublicKey(
  { key: Buffer.concat([SPKI, raw]), format: 'der', type: 'spki' });
const rawPub = (k) => k.export({ format: 'der', type: 'spki' }).subarray(-32);
const dh = (priv, pubRaw) => crypto.diffieHellman(
  { privateKey: priv, publicKey: pubKey(pubRaw) });
const sha256 = (...b) => crypto.createHash('sha256').update(Buffer.concat(b)).digest();
const hmac = (k, ...b) => crypto.createHmac('sha256', k).update(Buffer.concat(b)).digest();
function hkdfExpand(prk, info, len) {
  let out = Buffer.alloc(0), t = Buffer.alloc(0);
  for (let i = 1; out.length < len; i++) {
    t = hmac(prk, t, Buffer.from(info), Buffer.from([i]));
    out = Buffer.concat([out, t]);
  }
  return out.subarray(0, len);
}

const idRaw = fs.readFileSync(args.identity);
const S_priv = privKey(idRaw.subarray(0, 32));
const S = rawPub(crypto.createPublicKey(S_priv));
const users = new Map();
for (const line of fs.readFileSync(args.users, 'utf8').split('\n')) {
  const [u, k] = line.trim().split(/\s+/);
  if (u && !u.startsWith('#') && k) users.set(u, Buffer.from(k, 'base64'));
}
const lastStamp = new Map();
const online = new Map();     // user -> conn
const ALG = { 1: 'aes-256-gcm', 2: 'chacha20-poly1305' };
const ALG_ID = { aes_256_gcm: 1, chacha20_poly1305: 2 };

function aeadSeal(alg, key, nonce, ad, pt) {
  const c = crypto.createCipheriv(ALG[alg], key, nonce, { authTagLength: 16 });
  c.setAAD(ad, { plaintextLength: pt.length });
  return Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]);
}
function aeadOpen(alg, key, nonce, ad, ct) {
  const d = crypto.createDecipheriv(ALG[alg], key, nonce, { authTagLength: 16 });
  d.setAAD(ad, { plaintextLength: ct.length - 16 });
  d.setAuthTag(ct.subarray(ct.length - 16));
  return Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]);
}

class Noise {
  constructor(C) {
    this.h = Buffer.from('Noise_KK_25519_ChaChaPoly_SHA256');
    this.ck = this.h;
    this.mixHash(Buffer.from('secmsg handshake v1'));
    this.mixHash(C);
    this.mixHash(S);
  }
  mixHash(x) { this.h = sha256(this.h, x); }
  mixKey(x) {
    const t = hmac(this.ck, x);
    this.ck = hmac(t, Buffer.from([1]));
    this.k = hmac(t, this.ck, Buffer.from([2]));
  }
  encryptAndHash(p) {
    const c = aeadSeal(2, this.k, Buffer.alloc(12), this.h, p);
    this.mixHash(c);
    return c;
  }
  decryptAndHash(c) {
    const p = aeadOpen(2, this.k, Buffer.alloc(12), this.h, c);
    this.mixHash(c);
    return p;
  }
}

function dirKeys(secret, d) {
  return {
    key: hkdfExpand(secret, `secmsg v1 ${d} key`, 32),
    salt: hkdfExpand(secret, `secmsg v1 ${d} nonce`, 12),
  };
}
const nonceOf = (salt, seq) => {
  const n = Buffer.from(salt);
  const s = Buffer.alloc(8);
  s.writeBigUInt64BE(BigInt(seq));
  for (let i = 0; i < 8; i++) n[4 + i] ^= s[i];
  return n;
};

function send(ws, obj, cb) { ws.send(JSON.stringify(obj), cb); }

function hello(conn, f) {
  const m1 = Buffer.from(f.handshake, 'base64');
  const n = m1[3], user = m1.subarray(4, 4 + n).toString();
  const C = users.get(user);
  if (!C || user !== f.user) return fail(conn, 'unknown_user');
  const alg = m1[2];
  if (!ALG[alg]) return fail(conn, 'handshake_failed');
  const Ec = m1.subarray(4 + n, 36 + n);
  const hs = new Noise(C);
  hs.mixHash(m1.subarray(0, 4 + n));
  hs.mixHash(Ec);
  hs.mixKey(dh(S_priv, Ec));
  hs.mixKey(dh(S_priv, C));
  let stamp;
  try { stamp = hs.decryptAndHash(m1.subarray(36 + n)); } catch (e) { return fail(conn, 'auth_failed'); }
  const last = lastStamp.get(user);
  if (last && Buffer.compare(stamp, last) <= 0) return fail(conn, 'replayed');
  lastStamp.set(user, stamp);
  const sid = crypto.randomBytes(8);
  const { privateKey: e } = crypto.generateKeyPairSync('x25519');
  const Es = rawPub(crypto.createPublicKey(e));
  const head = Buffer.concat([Buffer.from([2, 1, 0, 0]), sid]);
  hs.mixHash(head);
  hs.mixHash(Es);
  hs.mixKey(dh(e, Ec));
  hs.mixKey(dh(e, C));
  const tag = hs.encryptAndHash(Buffer.alloc(0));
  const t = hmac(hs.ck, Buffer.alloc(0));
  const c2s = hmac(t, Buffer.from([1]));
  const s2c = hmac(t, c2s, Buffer.from([2]));
  Object.assign(conn, {
    user, alg, sid, pending: true,
    confirm: hmac(hs.ck, Buffer.from('secmsg v1 confirm'), hs.h),
    rx: dirKeys(c2s, 'c2s'), tx: dirKeys(s2c, 's2c'), txSeq: 0n, rxTop: -1n,
  });
  send(conn.ws, { type: 'welcome', session: sid.toString('hex'),
    handshake: Buffer.concat([head, Es, tag]).toString('base64') });
}

function confirm(conn, f) {
  const m3 = Buffer.from(f.handshake, 'base64');
  if (!conn.pending || m3.length !== 44 ||
      !m3.subarray(4, 12).equals(conn.sid) ||
      !crypto.timingSafeEqual(m3.subarray(12), conn.confirm))
    return fail(conn, 'auth_failed');
  conn.pending = false;
  conn.ready = true;
  const old = online.get(conn.user);
  if (old) old.ws.close(1000);
  online.set(conn.user, conn);
  send(conn.ws, { type: 'ready', session: conn.sid.toString('hex'),
    user: conn.user, alg: conn.alg === 1 ? 'aes_256_gcm' : 'chacha20_poly1305',
    epoch: 0, online: [...online.keys()].filter((u) => u !== conn.user) });
}

function relay(conn, f) {
  const to = online.get(f.to);
  if (!to) return send(conn.ws, { type: 'delivery', id: f.id, status: 'failed',
    code: users.has(f.to) ? 'recipient_offline' : 'recipient_unknown', message: '' });
  const m = Buffer.from(f.data, 'base64');
  let pt;
  try {
    const hdr = m.subarray(0, 24);
    if (m.length < 40 || hdr[0] !== 1 || hdr[1] !== conn.alg ||
        !hdr.subarray(8, 16).equals(conn.sid) || hdr.readUInt32BE(4) !== 0)
      throw new Error('header');
    const seq = hdr.readBigUInt64BE(16);
    if (seq <= conn.rxTop) throw new Error('replay');   // in-order clients
    pt = aeadOpen(conn.alg, conn.rx.key, nonceOf(conn.rx.salt, seq), hdr,
      m.subarray(24));
    conn.rxTop = seq;
  } catch (e) {
    return send(conn.ws, { type: 'delivery', id: f.id, status: 'failed',
      code: 'bad_message', message: '' });
  }
  const seq = to.txSeq++;
  const hdr = Buffer.alloc(24);
  hdr[0] = 1; hdr[1] = to.alg;
  to.sid.copy(hdr, 8);
  hdr.writeBigUInt64BE(seq, 16);
  const out = Buffer.concat([hdr, aeadSeal(to.alg, to.tx.key,
    nonceOf(to.tx.salt, seq), hdr, pt)]);
  pt.fill(0);
  send(to.ws, { type: 'message', from: conn.user, data: out.toString('base64') },
    (err) => send(conn.ws, err ? { type: 'delivery', id: f.id, status: 'failed',
      code: 'recipient_offline', message: '' } : { type: 'delivery', id: f.id,
      status: 'delivered' }));
}

function fail(conn, code) {
  send(conn.ws, { type: 'error', code, message: code });
  conn.ws.close(1008);
}

const wss = new WebSocketServer({
  port, host: args.listen || '127.0.0.1', maxPayload: 256 * 1024,
  handleProtocols: (protos) => (protos.has('secmsg.v1') ? 'secmsg.v1' : false),
});
wss.on('connection', (ws) => {
  const conn = { ws };
  ws.on('message', (data) => {
    let f;
    try { f = JSON.parse(data); } catch (e) { return send(ws, { type: 'error', code: 'bad_json', message: '' }); }
    if (f.type === 'hello' && !conn.user) return hello(conn, f);
    if (f.type === 'confirm') return confirm(conn, f);
    if (f.type === 'message' && conn.ready) return relay(conn, f);
    send(ws, { type: 'error', code: conn.ready ? 'unknown_type' : 'not_authenticated', message: '' });
  });
  ws.on('close', () => { if (online.get(conn.user) === conn) online.delete(conn.user); });
});
wss.on('listening', () => {
  console.log(`peer: server public key ${S.toString('base64')}`);
});
process.on('SIGTERM', () => process.exit(0));
