#!/usr/bin/python3 -I
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""
docs/vectors.json (docs/protocol.md section 6) recomputed by an
implementation independent of libsecmsg: Python `cryptography` (X25519,
AES-GCM, ChaCha20-Poly1305, PBKDF2), hashlib/hmac (SHA-256, HMAC, HKDF;
the handshake's and key files' helpers are hs_kat.py's),
and for Twofish the block cipher of nettle through ctypes (CBC, PKCS#7
padding and encrypt-then-MAC are done here).  From the file's inputs
alone (private keys, user, algorithm, timestamp, session id, plaintexts,
IVs, passphrase, salt, nonce, iterations) it recomputes every derived
value and compares; and checks that the readable rendering in
docs/protocol.md section 6 is the file's.  TAP.  Run as
tools/lib/tests/test_vectors_py (a copy made by make) or directly:
vectors_check.py [FILE]; vectors_check.py --markdown [FILE] prints the
rendering.
"""
import ctypes
import ctypes.util
import json
import os
import struct
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import (
    AESGCM, ChaCha20Poly1305)
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

# hs_kat.py beside this file (also beside its copy test_vectors_py)
sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
sys.dont_write_bytecode = True     # no __pycache__ in the tree
import hs_kat  # noqa: E402

ALGS = {"aes_256_gcm": 1, "chacha20_poly1305": 2, "twofish_cbc": 3}

n_run = 0
n_failed = 0


def ok(cond, what):
    global n_run, n_failed
    n_run += 1
    if not cond:
        n_failed += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", n_run, what))
    return cond


def same(got, want, what):
    if not ok(got == want, what):
        print("# got  %s" % (got.hex() if isinstance(got, bytes) else got))
        print("# want %s" % (want.hex() if isinstance(want, bytes)
                             else want))


def b(o, name):
    return bytes.fromhex(o[name])


# ---- primitives (X25519, HMAC, the handshake and key files of hs_kat.py) ----

pub, dh, hm = hs_kat.pub, hs_kat.dh, hs_kat.hm


def hkdf_expand(prk, info, n):
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = hm(prk, t + info + bytes([i]))
        out += t
        i += 1
    return out[:n]


def hkdf(ikm, info, n):
    return hkdf_expand(hm(bytes(32), ikm), info, n)


class Twofish:
    """Twofish-256 blocks from nettle (ctypes); CBC done by the caller."""

    def __init__(self):
        lib = ctypes.CDLL(ctypes.util.find_library("nettle") or
                          "libnettle.so.8")
        self.set_key = lib.nettle_twofish_set_key
        self.set_key.argtypes = [ctypes.c_void_p, ctypes.c_size_t,
                                 ctypes.c_char_p]
        self.set_key.restype = None
        self.enc = lib.nettle_twofish_encrypt
        self.enc.argtypes = [ctypes.c_void_p, ctypes.c_size_t,
                             ctypes.c_void_p, ctypes.c_char_p]
        self.enc.restype = None
        # struct twofish_ctx is 4256 bytes in nettle 3.x: room to spare
        self.ctx = ctypes.create_string_buffer(16384)

    def ecb(self, key, block):
        self.set_key(self.ctx, len(key), key)
        out = ctypes.create_string_buffer(len(block))
        self.enc(self.ctx, len(block), out, block)
        return out.raw

    def cbc_encrypt(self, key, iv, pt):
        out, prev = b"", iv
        for i in range(0, len(pt), 16):
            prev = self.ecb(key, bytes(x ^ y for x, y in
                                       zip(pt[i:i + 16], prev)))
            out += prev
        return out


TWOFISH = None


def seal(alg, key, nonce_or_iv, ad, pt):
    """The body of a message (RFC 8439 / SP 800-38D / section 1)."""
    if alg == "aes_256_gcm":
        return AESGCM(key).encrypt(nonce_or_iv, pt, ad)
    if alg == "chacha20_poly1305":
        return ChaCha20Poly1305(key).encrypt(nonce_or_iv, pt, ad)
    enc = hkdf(key, b"secmsg v1 twofish-cbc enc", 32)
    mac = hkdf(key, b"secmsg v1 hmac-sha256 mac", 32)
    pad = 16 - len(pt) % 16
    ct = TWOFISH.cbc_encrypt(enc, nonce_or_iv, pt + bytes([pad]) * pad)
    return nonce_or_iv + ct + hm(mac, ad + nonce_or_iv + ct)


# ---- the handshake ----

class Traced(hs_kat.Sym):
    """hs_kat's symmetric state, recording every step as vectors.json."""

    def __init__(self, c_pub, s_pub, steps):
        self.steps = steps
        self.h = self.ck = b"Noise_KK_25519_ChaChaPoly_SHA256"
        self.k = None
        self.trace("Init", self.h)
        super().__init__(c_pub, s_pub)

    def trace(self, op, x):
        st = {"op": op, "input": x.hex(), "h": self.h.hex(),
              "ck": self.ck.hex()}
        if op == "MixKey":
            st["k"] = self.k.hex()
        self.steps.append(st)

    def mix_hash(self, x):
        super().mix_hash(x)
        self.trace("MixHash", x)

    def mix_key(self, x):
        super().mix_key(x)
        self.trace("MixKey", x)


def check_handshake(hs):
    c = b(hs["client_static"], "private")
    s = b(hs["server_static"], "private")
    e_c = b(hs["client_ephemeral"], "private")
    e_s = b(hs["server_ephemeral"], "private")
    C, S, E_c, E_s = pub(c), pub(s), pub(e_c), pub(e_s)
    for who, priv in (("client_static", c), ("server_static", s),
                      ("client_ephemeral", e_c),
                      ("server_ephemeral", e_s)):
        same(pub(priv), b(hs[who], "public"), "%s: public key" % who)
    same(hs["protocol_name"].encode(), b"Noise_KK_25519_ChaChaPoly_SHA256",
         "protocol name")
    same(hs["prologue"].encode(), b"secmsg handshake v1", "prologue")
    user = hs["user"].encode()
    alg = ALGS[hs["alg"]]
    ok(alg == hs["alg_id"], "handshake alg_id")
    sid = int(hs["session_id"], 16)
    sec, nsec = hs["timestamp"]["sec"], hs["timestamp"]["nsec"]
    ts = struct.pack(">QI", sec, nsec)
    same(ts, b(hs["timestamp"], "bytes"), "timestamp bytes")

    # messages and secrets: hs_kat.py's client and server (they agree)
    r = hs_kat.handshake(c, s, e_c, e_s, user, alg, sec, nsec, sid)
    # every step, on the client's side
    steps = []
    st = Traced(C, S, steps)
    st.mix_hash(r["msg1"][:4 + len(user)])
    st.mix_hash(E_c)
    st.mix_key(dh(e_c, S))
    st.mix_key(dh(c, S))
    same(st.encrypt_and_hash(ts), r["msg1"][4 + len(user) + 32:],
         "message 1: the encrypted timestamp")
    st.mix_hash(r["msg2"][:12])
    st.mix_hash(E_s)
    st.mix_key(dh(e_c, E_s))
    st.mix_key(dh(c, E_s))
    st.mix_hash(r["msg2"][44:])
    c2s, s2c, confirm = st.split()
    ok((c2s, s2c) == (r["c2s"], r["s2c"]),
       "the traced state splits to the same secrets")

    for k, v in (("es", dh(e_c, S)), ("ss", dh(c, S)),
                 ("ee", dh(e_c, E_s)), ("se", dh(c, E_s))):
        same(v, b(hs["dh"], k), "DH %s" % k)
    ok(len(hs["steps"]) == len(steps) == 14,
       "14 steps of the symmetric state")
    for i, (got, want) in enumerate(zip(steps, hs["steps"])):
        want = {k: v for k, v in want.items()
                if k not in ("step", "what")}
        ok(got == want and hs["steps"][i]["step"] == i,
           "step %d (%s %s): input, h, ck%s" %
           (i, got["op"], hs["steps"][i]["what"],
            ", k" if "k" in got else ""))
    same(r["msg1"], b(hs, "message1"), "message 1")
    same(r["msg2"], b(hs, "message2"), "message 2")
    same(r["msg3"], b(hs, "message3"), "message 3")
    same(st.h, b(hs, "h"), "final h")
    same(st.ck, b(hs, "ck"), "final ck")
    same(c2s, b(hs, "secret_c2s"), "S_c2s(0)")
    same(s2c, b(hs, "secret_s2c"), "S_s2c(0)")
    same(confirm, b(hs, "confirm"), "confirm")
    return c2s, s2c, sid


# ---- messages ----

def check_direction(d, alg, sid, epoch, dname, secret0, what):
    secret = secret0
    for _ in range(epoch):
        secret = hkdf_expand(secret, b"secmsg v1 %s ratchet" %
                             dname.encode(), 32)
    key = hkdf_expand(secret, b"secmsg v1 %s key" % dname.encode(), 32)
    salt = hkdf_expand(secret, b"secmsg v1 %s nonce" % dname.encode(), 12)
    same(secret, b(d, "secret"), "%s: secret" % what)
    same(key, b(d, "key"), "%s: key" % what)
    if alg == "twofish_cbc":
        same(hkdf(key, b"secmsg v1 twofish-cbc enc", 32), b(d, "enc_key"),
             "%s: enc key" % what)
        same(hkdf(key, b"secmsg v1 hmac-sha256 mac", 32), b(d, "mac_key"),
             "%s: mac key" % what)
    else:
        same(salt, b(d, "salt"), "%s: salt" % what)
    for m in d["messages"]:
        seq = m["seq"]
        pt = b(m, "plaintext")
        same(pt, m["plaintext_text"].encode(),
             "%s seq %d: plaintext hex and text agree" % (what, seq))
        hdr = struct.pack(">BBHIQQ", 1, ALGS[alg], 0, epoch, sid, seq)
        same(hdr, b(m, "header"), "%s seq %d: header" % (what, seq))
        if alg == "twofish_cbc":
            body = seal(alg, key, b(m, "iv"), hdr, pt)
        else:
            nonce = bytes(x ^ y for x, y in
                          zip(salt, bytes(4) + struct.pack(">Q", seq)))
            same(nonce, b(m, "nonce"), "%s seq %d: nonce" % (what, seq))
            body = seal(alg, key, nonce, hdr, pt)
        same(hdr + body, b(m, "message"), "%s seq %d: message" % (what, seq))


def check_messages(o, c2s, s2c, sid, prefix):
    alg = o["alg"]
    ok(ALGS[alg] == o["alg_id"] and int(o["session_id"], 16) == sid,
       "%s %s: alg_id, session id" % (prefix, alg))
    for dname, secret in (("c2s", c2s), ("s2c", s2c)):
        check_direction(o[dname], alg, sid, o["epoch"], dname, secret,
                        "%s %s %s" % (prefix, alg, dname))


def check_keyfile(kf):
    pw = kf["passphrase_text"].encode()
    same(pw, b(kf, "passphrase"), "key file: passphrase hex and text agree")
    salt, nonce = b(kf, "salt"), b(kf, "nonce")
    it = kf["iterations"]
    kek = PBKDF2HMAC(hashes.SHA256(), 32, salt, it).derive(pw)
    same(kek, b(kf, "kek"), "key file: KEK = PBKDF2-HMAC-SHA256")
    img = hs_kat.keyfile(b(kf, "private"), pw, it, salt, nonce)
    same(img, b(kf, "file"), "key file: the 88-byte file")
    same(pub(b(kf, "private")), b(kf, "public"), "key file: public key")


# ---- the readable rendering in docs/protocol.md section 6 ----

BEGIN = "<!-- vectors.json rendered by vectors_check.py --markdown -->"
END = "<!-- end of the rendering -->"


def wrap(label, hexstr, width=64):
    """label = hex, continued on indented lines of width digits."""
    if not hexstr:
        return ["%s = (empty)" % label]
    lines = [hexstr[i:i + width] for i in range(0, len(hexstr), width)]
    pad = " " * (len(label) + 3)
    return ["%s = %s" % (label, lines[0])] + [pad + x for x in lines[1:]]


def block(lines):
    return ["```"] + lines + ["```", ""]


def render(v):
    hs = v["handshake"]
    out = [BEGIN, ""]
    out.append("#### Handshake")
    out.append("")
    out.append("User `%s`, algorithm `%s` (%d), timestamp %d.%09d, session "
               "id `%s`." % (hs["user"], hs["alg"], hs["alg_id"],
                             hs["timestamp"]["sec"], hs["timestamp"]["nsec"],
                             hs["session_id"]))
    out.append("")
    lines = []
    for who, sym in (("client_static", "c"), ("server_static", "s"),
                     ("client_ephemeral", "e_c"),
                     ("server_ephemeral", "e_s")):
        pub = {"c": "C", "s": "S", "e_c": "E_c", "e_s": "E_s"}[sym]
        lines += wrap("%-3s" % sym, hs[who]["private"])
        lines += wrap("%-3s" % pub, hs[who]["public"])
    lines += wrap("timestamp", hs["timestamp"]["bytes"])
    for k in ("es", "ss", "ee", "se"):
        lines += wrap("DH %s" % k, hs["dh"][k])
    out += block(lines)
    out.append("Every step of the symmetric state (`input` is what was "
               "hashed or the DH result mixed in; `k` after each MixKey):")
    out.append("")
    lines = []
    for st in hs["steps"]:
        lines.append("%2d %s: %s" % (st["step"], st["op"], st["what"]))
        lines += ["   " + x for x in wrap("input", st["input"])]
        lines += ["   " + x for x in wrap("h    ", st["h"])]
        lines += ["   " + x for x in wrap("ck   ", st["ck"])]
        if "k" in st:
            lines += ["   " + x for x in wrap("k    ", st["k"])]
    out += block(lines)
    lines = []
    for k in ("message1", "message2", "message3", "secret_c2s",
              "secret_s2c", "confirm"):
        lines += wrap(k, hs[k])
    out += block(lines)

    def messages(o, title):
        out.append("#### %s" % title)
        out.append("")
        lines = []
        for d in ("c2s", "s2c"):
            x = o[d]
            lines += wrap("%s secret" % d, x["secret"])
            if "previous_secret" in x:
                lines += wrap("%s previous secret" % d, x["previous_secret"])
            lines += wrap("%s key" % d, x["key"])
            for k in ("salt", "enc_key", "mac_key"):
                if k in x:
                    lines += wrap("%s %s" % (d, k.replace("_", " ")), x[k])
            for m in x["messages"]:
                tag = "%s seq %d" % (d, m["seq"])
                lines.append("%s plaintext \"%s\"" % (tag,
                                                     m["plaintext_text"]))
                for k in ("nonce", "iv", "header", "message"):
                    if k in m:
                        lines += wrap("%s %s" % (tag, k), m[k])
        out.extend(block(lines))

    for o in v["messages"]:
        messages(o, "Sealed messages: `%s`, epoch %d, with the handshake's "
                 "secrets" % (o["alg"], o["epoch"]))
    r = v["ratchet"]
    messages(r, "One ratchet step: `%s`, epoch 0 to %d" % (r["alg"],
                                                           r["epoch"]))
    kf = v["keyfile"]
    out.append("#### Key file")
    out.append("")
    out.append("The client's static key `c` under the passphrase \"%s\", "
               "%d iterations:" % (kf["passphrase_text"], kf["iterations"]))
    out.append("")
    lines = []
    for k in ("salt", "nonce", "kek", "private", "public", "file"):
        lines += wrap(k, kf[k])
    out += block(lines)
    out.append(END)
    return "\n".join(out) + "\n"


def doc_section(doc):
    """The rendering in docs/protocol.md, markers included, or None."""
    a, z = doc.find(BEGIN), doc.find(END)
    if a < 0 or z < a:
        return None
    return doc[a:z + len(END)] + "\n"


def main():
    global TWOFISH
    here = os.path.dirname(os.path.realpath(sys.argv[0]))
    top = os.path.join(here, "..", "..", "..")
    args = sys.argv[1:]
    if args[:1] == ["--markdown"]:
        with open(args[1] if len(args) > 1 else
                  os.path.join(top, "docs", "vectors.json")) as f:
            sys.stdout.write(render(json.load(f)))
        return 0
    path = args[0] if args else os.path.join(top, "docs", "vectors.json")
    TWOFISH = Twofish()
    # the binding itself: the Twofish paper's 256-bit all-zero vector
    same(TWOFISH.ecb(bytes(32), bytes(16)),
         bytes.fromhex("57ff739d4dc92c1bd7fc01700cc8216f"),
         "nettle Twofish through ctypes: known answer")
    with open(path) as f:
        v = json.load(f)
    ok(v["version"] == 1, "vectors version 1")
    c2s, s2c, sid = check_handshake(v["handshake"])
    ok(len(v["messages"]) == 3 and
       {m["alg"] for m in v["messages"]} == set(ALGS),
       "one message set per algorithm")
    for m in v["messages"]:
        check_messages(m, c2s, s2c, sid, "messages")
    r = v["ratchet"]
    for dname, secret in (("c2s", c2s), ("s2c", s2c)):
        same(secret, b(r[dname], "previous_secret"),
             "ratchet %s: from S(0)" % dname)
    ok(r["epoch"] == 1, "ratchet: to epoch 1")
    check_messages(r, c2s, s2c, sid, "ratchet")
    check_keyfile(v["keyfile"])
    if not args:
        with open(os.path.join(top, "docs", "protocol.md")) as f:
            got = doc_section(f.read())
        ok(got == render(v), "docs/protocol.md section 6 shows these "
           "vectors (regenerate: vectors_check.py --markdown)")
    print("1..%d" % n_run)
    print("# %d passed, %d failed" % (n_run - n_failed, n_failed))
    return 1 if n_failed else 0


if __name__ == "__main__":
    sys.exit(main())
