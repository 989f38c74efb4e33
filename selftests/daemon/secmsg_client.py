# SPDX-License-Identifier: GPL-2.0 OR MIT
"""An independent secmsg client, written from docs/protocol.md alone.

Sections used: 1 (algorithms), 2 (sealed messages, key schedule,
rotation, replay window), 3 (the Noise KK handshake) and 5 (the WebSocket
protocol).  Crypto comes from python3-cryptography (X25519, AES-GCM,
ChaCha20-Poly1305) and the standard library (SHA-256, HMAC, HKDF);
Twofish-CBC, which python3-cryptography lacks, goes through the kernel's
AF_ALG "cbc(twofish)" (the kernel's cipher, not secmsg's composition of
it: the HKDF split, padding, IV and encrypt-then-MAC are done here).
Nothing is shared with libsecmsg or the daemon.
"""
import asyncio
import base64
import hashlib
import hmac
import json
import os
import socket
import struct
import time

from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey, X25519PublicKey)
from cryptography.hazmat.primitives.ciphers.aead import (
    AESGCM, ChaCha20Poly1305)
from cryptography.hazmat.primitives import serialization
from cryptography.exceptions import InvalidTag

import websockets

ALGS = {"aes_256_gcm": 1, "chacha20_poly1305": 2, "twofish_cbc": 3}
ALG_NAMES = {v: k for k, v in ALGS.items()}
HDR_LEN = 24
SUBPROTOCOL = "secmsg.v1"


def b64e(b):
    return base64.b64encode(b).decode()


def b64d(s):
    return base64.b64decode(s, validate=True)


def hmac256(key, data):
    return hmac.new(key, data, hashlib.sha256).digest()


def hkdf_expand(prk, info, length):
    out, t, i = b"", b"", 1
    while len(out) < length:
        t = hmac256(prk, t + info + bytes([i]))
        out += t
        i += 1
    return out[:length]


def hkdf(ikm, info, length, salt=b""):
    prk = hmac256(salt or bytes(32), ikm)
    return hkdf_expand(prk, info, length)


def x25519_pair(priv=None):
    k = (X25519PrivateKey.from_private_bytes(priv) if priv
         else X25519PrivateKey.generate())
    raw = k.private_bytes(serialization.Encoding.Raw,
                          serialization.PrivateFormat.Raw,
                          serialization.NoEncryption())
    pub = k.public_key().public_bytes(serialization.Encoding.Raw,
                                      serialization.PublicFormat.Raw)
    return raw, pub


def dh(priv, pub):
    return X25519PrivateKey.from_private_bytes(priv).exchange(
        X25519PublicKey.from_public_bytes(pub))


# ---- Twofish-CBC through AF_ALG (section 1) ----

def _afalg_cbc(key, iv, data, encrypt):
    s = socket.socket(socket.AF_ALG, socket.SOCK_SEQPACKET, 0)
    try:
        s.bind(("skcipher", "cbc(twofish)"))
        s.setsockopt(socket.SOL_ALG, socket.ALG_SET_KEY, key)
        op, _ = s.accept()
        with op:
            op.sendmsg_afalg([data], iv=iv, op=(
                socket.ALG_OP_ENCRYPT if encrypt else socket.ALG_OP_DECRYPT))
            return op.recv(len(data))
    finally:
        s.close()


def twofish_available():
    try:
        _afalg_cbc(bytes(32), bytes(16), bytes(16), True)
        return True
    except OSError:
        return False


class BadMessage(Exception):
    pass


def body_seal(alg, key, nonce_salt, seq, ad, pt):
    """Section 2 body of one message; ad is the header."""
    if alg in (1, 2):
        nonce = bytes(a ^ b for a, b in
                      zip(nonce_salt, bytes(4) + struct.pack(">Q", seq)))
        aead = AESGCM(key) if alg == 1 else ChaCha20Poly1305(key)
        return aead.encrypt(nonce, pt, ad)
    enc = hkdf(key, b"secmsg v1 twofish-cbc enc", 32)
    mac = hkdf(key, b"secmsg v1 hmac-sha256 mac", 32)
    iv = os.urandom(16)
    n = 16 - len(pt) % 16
    ct = _afalg_cbc(enc, iv, pt + bytes([n]) * n, True)
    return iv + ct + hmac256(mac, ad + iv + ct)


def body_open(alg, key, nonce_salt, seq, ad, body):
    if alg in (1, 2):
        nonce = bytes(a ^ b for a, b in
                      zip(nonce_salt, bytes(4) + struct.pack(">Q", seq)))
        aead = AESGCM(key) if alg == 1 else ChaCha20Poly1305(key)
        try:
            return aead.decrypt(nonce, body, ad)
        except InvalidTag:
            raise BadMessage("tag")
    enc = hkdf(key, b"secmsg v1 twofish-cbc enc", 32)
    mac = hkdf(key, b"secmsg v1 hmac-sha256 mac", 32)
    if len(body) < 16 + 16 + 32 or (len(body) - 48) % 16:
        raise BadMessage("length")
    iv, ct, tag = body[:16], body[16:-32], body[-32:]
    if not hmac.compare_digest(tag, hmac256(mac, ad + iv + ct)):
        raise BadMessage("mac")
    pt = _afalg_cbc(enc, iv, ct, False)
    n = pt[-1]
    if not 1 <= n <= 16 or pt[-n:] != bytes([n]) * n:
        raise BadMessage("padding")
    return pt[:-n]


class Direction:
    """One direction's key schedule (section 2, "Key schedule")."""

    def __init__(self, name, secret, remember):
        self.name = name.encode()
        self.epoch = 0
        self.remember = remember
        self._set(secret)

    def _set(self, secret):
        self.secret = secret
        self.key = hkdf_expand(secret, b"secmsg v1 " + self.name + b" key", 32)
        self.salt = hkdf_expand(secret, b"secmsg v1 " + self.name + b" nonce",
                                12)
        self.remember(secret, self.key, self.salt)

    def ratchet(self):
        nxt = hkdf_expand(self.secret, b"secmsg v1 " + self.name + b" ratchet",
                          32)
        self.epoch += 1
        self._set(nxt)


class Handshake:
    """Client side of section 3."""

    def __init__(self, user, alg, client_priv, server_pub, eph=None,
                 timestamp=None):
        self.user = user.encode()
        self.alg = alg
        self.c, self.C = x25519_pair(client_priv)
        self.S = server_pub
        self.e, self.E = x25519_pair(eph)
        self.h = b"Noise_KK_25519_ChaChaPoly_SHA256"
        assert len(self.h) == 32
        self.ck = self.h
        self.k = None
        self.mix_hash(b"secmsg handshake v1")
        self.mix_hash(self.C)
        self.mix_hash(self.S)
        self.timestamp = timestamp

    def mix_hash(self, x):
        self.h = hashlib.sha256(self.h + x).digest()

    def mix_key(self, x):
        t = hmac256(self.ck, x)
        self.ck = hmac256(t, b"\x01")
        self.k = hmac256(t, self.ck + b"\x02")

    def encrypt_and_hash(self, p):
        c = ChaCha20Poly1305(self.k).encrypt(bytes(12), p, self.h)
        self.mix_hash(c)
        return c

    def decrypt_and_hash(self, c):
        p = ChaCha20Poly1305(self.k).decrypt(bytes(12), c, self.h)
        self.mix_hash(c)
        return p

    def message1(self):
        head = bytes([1, 1, self.alg, len(self.user)]) + self.user
        self.mix_hash(head)
        self.mix_hash(self.E)
        self.mix_key(dh(self.e, self.S))
        self.mix_key(dh(self.c, self.S))
        if self.timestamp is None:
            ns = time.time_ns()
            self.timestamp = struct.pack(">QI", ns // 10**9, ns % 10**9)
        return head + self.E + self.encrypt_and_hash(self.timestamp)

    def finish(self, msg2):
        """-> session id, S_c2s(0), S_s2c(0), message 3"""
        if len(msg2) != 60 or msg2[0] != 2 or msg2[1] != 1 or msg2[2:4] != b"\0\0":
            raise BadMessage("message 2 header")
        sid = struct.unpack(">Q", msg2[4:12])[0]
        E_s = msg2[12:44]
        self.mix_hash(msg2[:12])
        self.mix_hash(E_s)
        self.mix_key(dh(self.e, E_s))      # ee
        self.mix_key(dh(self.c, E_s))      # se = DH(e_s, C)
        self.decrypt_and_hash(msg2[44:60])  # raises InvalidTag
        t = hmac256(self.ck, b"")
        c2s = hmac256(t, b"\x01")
        s2c = hmac256(t, c2s + b"\x02")
        confirm = hmac256(self.ck, b"secmsg v1 confirm" + self.h)
        msg3 = bytes([3, 1, 0, 0]) + msg2[4:12] + confirm
        return sid, c2s, s2c, msg3


class ReplayWindow:
    """Section 2, "Replay window" (client side, per epoch)."""

    def __init__(self):
        self.top = 0
        self.seen = set()

    def check(self, seq):
        if seq >= self.top:
            return True
        if self.top - seq > 2048:
            return False
        return seq not in self.seen

    def record(self, seq):
        self.seen.add(seq)
        if seq >= self.top:
            self.top = seq + 1
        self.seen = {s for s in self.seen if self.top - s <= 2048}


class Session:
    """An established session: seal c2s, open s2c, rotation (section 2)."""

    def __init__(self, sid, alg, c2s, s2c, remember):
        self.sid = sid
        self.alg = alg
        self.tx = Direction("c2s", c2s, remember)
        self.rx = Direction("s2c", s2c, remember)
        self.tx_seq = 0
        self.windows = {0: ReplayWindow()}

    @property
    def epoch(self):
        return self.tx.epoch

    def advance(self, epoch, alg=None):
        """Ratchet both directions up to epoch."""
        while self.tx.epoch < epoch:
            self.tx.ratchet()
            self.tx_seq = 0
        while self.rx.epoch < epoch:
            self.rx.ratchet()
            self.windows[self.rx.epoch] = ReplayWindow()
        if alg:
            self.alg = alg

    def header(self, alg, epoch, seq):
        return struct.pack(">BBHIQQ", 1, alg, 0, epoch, self.sid, seq)

    def seal(self, pt):
        seq = self.tx_seq
        self.tx_seq += 1
        hdr = self.header(self.alg, self.tx.epoch, seq)
        return hdr + body_seal(self.alg, self.tx.key, self.tx.salt, seq, hdr,
                               pt)

    def open(self, msg):
        if len(msg) < HDR_LEN:
            raise BadMessage("short")
        ver, alg, res, epoch, sid, seq = struct.unpack(">BBHIQQ", msg[:HDR_LEN])
        if ver != 1 or res or sid != self.sid or alg not in ALG_NAMES:
            raise BadMessage("header")
        if epoch > self.rx.epoch:
            # a newer epoch: ratchet both directions under its algorithm
            self.advance(epoch, alg)
        if epoch != self.rx.epoch:
            raise BadMessage("old epoch %d (at %d)" % (epoch, self.rx.epoch))
        w = self.windows.setdefault(epoch, ReplayWindow())
        if not w.check(seq):
            raise BadMessage("replay")
        pt = body_open(alg, self.rx.key, self.rx.salt, seq, msg[:HDR_LEN],
                       msg[HDR_LEN:])
        w.record(seq)
        return pt


class ProtocolError(Exception):
    def __init__(self, frame):
        super().__init__(frame.get("code", frame.get("type")))
        self.frame = frame


class Client:
    """A WebSocket client of section 5."""

    def __init__(self, url, user, priv, server_pub, alg="aes_256_gcm",
                 ssl=None):
        self.url = url
        self.user = user
        self.priv = priv
        self.pub = x25519_pair(priv)[1]
        self.server_pub = server_pub
        self.alg_name = alg
        self.ssl = ssl
        self.ws = None
        self.session = None
        self.secrets = []      # every traffic secret, key and salt derived
        self.received = []     # (from, plaintext) in arrival order
        self.deliveries = {}   # id -> delivery frame
        self.others = []       # other frames (presence, epoch, error, ...)
        self.ready = None
        self.next_id = 0
        self.closed = None     # (code, reason) once closed

    def _remember(self, *vals):
        self.secrets.extend(vals)

    async def open(self, subprotocols=(SUBPROTOCOL,)):
        self.ws = await websockets.connect(
            self.url, subprotocols=list(subprotocols) or None, ssl=self.ssl,
            max_size=None, ping_interval=None, open_timeout=60,
            close_timeout=10)
        return self.ws

    async def send(self, obj):
        await self.ws.send(obj if isinstance(obj, (str, bytes))
                           else json.dumps(obj))

    async def recv_raw(self, timeout=60):
        try:
            text = await asyncio.wait_for(self.ws.recv(), timeout)
        except websockets.ConnectionClosed as e:
            self.closed = (e.code, e.reason)
            raise
        return json.loads(text)

    async def login(self, register=False, hs=None, extra=None):
        """hello -> welcome -> confirm -> ready; returns the ready frame."""
        if self.ws is None:
            await self.open()
        hs = hs or Handshake(self.user, ALGS[self.alg_name], self.priv,
                             self.server_pub)
        hello = {"type": "hello", "version": 1, "user": self.user,
                 "alg": self.alg_name, "handshake": b64e(hs.message1())}
        if register:
            hello["pubkey"] = b64e(self.pub)
        if extra:
            hello.update(extra)
        await self.send(hello)
        welcome = await self.recv_raw()
        if welcome["type"] != "welcome":
            raise ProtocolError(welcome)
        msg2 = b64d(welcome["handshake"])
        sid, c2s, s2c, msg3 = hs.finish(msg2)
        assert "%016x" % sid == welcome["session"], welcome
        self._remember(c2s, s2c)
        await self.send({"type": "confirm", "handshake": b64e(msg3)})
        ready = await self.recv_raw()
        if ready["type"] != "ready":
            raise ProtocolError(ready)
        self.session = Session(sid, ALGS[ready["alg"]], c2s, s2c,
                               self._remember)
        self.session.advance(ready["epoch"])
        self.ready = ready
        return ready

    def seal(self, pt):
        return self.session.seal(pt)

    async def message(self, to, pt, mid=None, data=None):
        """Seal pt and send it to user `to`; returns the id."""
        if mid is None:
            mid = self.next_id
            self.next_id += 1
        if data is None:
            data = self.seal(pt)
        await self.send({"type": "message", "id": mid, "to": to,
                         "data": b64e(data)})
        return mid

    def handle(self, f):
        """Process one frame in arrival order."""
        t = f.get("type")
        if t == "message":
            pt = self.session.open(b64d(f["data"]))
            self.received.append((f["from"], pt))
        elif t == "delivery":
            assert f["id"] not in self.deliveries, ("two deliveries", f)
            self.deliveries[f["id"]] = f
        elif t == "epoch":
            self.session.advance(f["epoch"], ALGS[f["alg"]])
            self.others.append(f)
        else:
            self.others.append(f)
        return f

    async def pump(self, until, timeout=60):
        """Handle frames until until(self) is true (or timeout)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while not until(self):
            left = end - loop.time()
            if left <= 0:
                raise asyncio.TimeoutError("pump: condition not met")
            self.handle(await self.recv_raw(timeout=left))

    async def next_frame(self, timeout=60, skip=("presence",)):
        while True:
            f = self.handle(await self.recv_raw(timeout))
            if f.get("type") not in skip:
                return f

    async def wait_closed(self, timeout=30):
        """Read until the server closes; returns (code, reason)."""
        try:
            while True:
                self.handle(await self.recv_raw(timeout))
        except websockets.ConnectionClosed as e:
            self.closed = (e.code, e.reason)
        return self.closed

    async def close(self):
        if self.ws is not None:
            await self.ws.close()
